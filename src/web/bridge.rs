//! The page ↔ worker boundary: the request message, and starting a worker that runs the
//! engine from the same wasm module as the page.

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use web_sys::{Blob, BlobPropertyBag, Url, Worker, WorkerOptions, WorkerType};

use crate::backend::BackendChoice;
use crate::jobs::Job;

/// A request to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerRequest {
    /// What to do.
    pub job: Job,
    /// Which backend to train on.
    pub backend: BackendChoice,
}

/// A message to the worker: the request as JSON and, for a file load, the file's bytes as an
/// `ArrayBuffer` beside it (transferred, not copied, and never JSON-encoded).
///
/// # Errors
/// Never in practice; `Reflect::set` on a fresh object cannot fail.
pub fn request_message(request: &WorkerRequest, bytes: Option<&JsValue>) -> JsValue {
    let text = serde_json::to_string(request).unwrap_or_default();
    let Some(bytes) = bytes else {
        return JsValue::from_str(&text);
    };
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"request".into(), &JsValue::from_str(&text));
    let _ = js_sys::Reflect::set(&message, &"bytes".into(), bytes);
    message.into()
}

/// Reads a message made by [`request_message`]: the request, with a file's bytes put into
/// the job that carries a file (`LoadCsv`, `ReadHolidays`).
///
/// # Errors
/// A message saying what was wrong with the message.
pub fn read_request(data: &JsValue) -> Result<WorkerRequest, String> {
    let (text, bytes) = match data.as_string() {
        Some(text) => (text, None),
        None => {
            let get =
                |key: &str| js_sys::Reflect::get(data, &key.into()).unwrap_or(JsValue::UNDEFINED);
            let text = get("request")
                .as_string()
                .ok_or("a message without a request")?;
            (text, Some(js_sys::Uint8Array::new(&get("bytes")).to_vec()))
        }
    };
    let mut request: WorkerRequest =
        serde_json::from_str(&text).map_err(|e| format!("bad request to the worker: {e}"))?;
    if let (Some(slot), Some(bytes)) = (request.job.file_bytes_mut(), bytes) {
        *slot = bytes;
    }
    Ok(request)
}

/// The app's wasm-bindgen JS glue, relative to the page.
pub const APP_GLUE_URL: &str = "./pkg/foresight.js";
/// The app's wasm module, relative to the page.
pub const APP_WASM_URL: &str = "./pkg/foresight_bg.wasm";

/// Global names under which a worker started by [`spawn_module_worker`] finds the absolute
/// URLs of the glue and the wasm module it was started from (to start a helper of its own).
pub const GLUE_GLOBAL: &str = "__foresight_glue";
/// See [`GLUE_GLOBAL`].
pub const WASM_GLOBAL: &str = "__foresight_wasm";

/// Starts a module worker that imports the wasm-bindgen glue at `glue_url` (relative to the
/// page), initialises the wasm module at `wasm_url` and calls its export `entry` (which must call
/// [`super::worker::start`]). The worker script is generated as a Blob, so the same code
/// serves the app (`./pkg/foresight.js`, `start_worker`) and the browser tests (the test
/// runner's glue and a test export).
///
/// # Errors
/// The browser's message when the URL is bad or the worker cannot be created.
pub fn spawn_engine_worker(glue_url: &str, wasm_url: &str, entry: &str) -> Result<Worker, String> {
    let describe = |e: JsValue| format!("could not start the compute worker: {e:?}");
    let page = web_sys::window()
        .ok_or("no window")?
        .location()
        .href()
        .map_err(describe)?;
    let glue = Url::new_with_base(glue_url, &page)
        .map_err(describe)?
        .href();
    let wasm = Url::new_with_base(wasm_url, &page)
        .map_err(describe)?
        .href();
    spawn_module_worker(&glue, &wasm, entry)
}

/// Starts a module worker from absolute URLs of the glue and the wasm module, calling the
/// export `entry`; the worker finds both URLs under [`GLUE_GLOBAL`] and [`WASM_GLOBAL`].
/// Works from the page and from inside a worker (nested workers).
///
/// # Errors
/// The browser's message when the worker cannot be created.
pub fn spawn_module_worker(glue: &str, wasm: &str, entry: &str) -> Result<Worker, String> {
    let describe = |e: JsValue| format!("could not start a worker: {e:?}");
    let script = format!(
        "globalThis.{GLUE_GLOBAL} = {glue:?};\nglobalThis.{WASM_GLOBAL} = {wasm:?};\n\
         import init, {{ {entry} }} from {glue:?};\nawait init({{ module_or_path: {wasm:?} }});\n{entry}();\n"
    );
    let parts = js_sys::Array::of1(&JsValue::from_str(&script));
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(describe)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(describe)?;
    let worker_options = WorkerOptions::new();
    worker_options.set_type(WorkerType::Module);
    // The Blob URL is not revoked: the worker fetches it asynchronously after construction.
    Worker::new_with_options(&url, &worker_options).map_err(describe)
}

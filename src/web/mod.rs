//! The browser shell: a leptos app on the UI thread and a compute worker that owns the
//! WebGPU device. They speak the engine's Job/Event protocol over `postMessage`.

pub mod app;
pub mod bridge;
pub mod charts;
pub mod client;
pub mod helper;
pub mod worker;

use wasm_bindgen::prelude::*;

unsafe extern "C" {
    /// Synthesised by wasm-ld: runs the static constructors (e.g. `inventory` registrations in
    /// cubecl's dependencies).
    fn __wasm_call_ctors();
}

/// Runs the static constructors once, when the module is instantiated (wasm-bindgen calls the
/// `start` function first). Without an explicit call, wasm-ld treats the module as a
/// "command" and wraps *every* export — each closure call, each externref allocation — in
/// `__wasm_call_ctors`, which made every call from JavaScript into the engine run all
/// constructors again: seconds of main-thread time per page update.
/// Later calls do nothing; entry points call it too, for hosts (like wasm-bindgen-test's
/// runner) that do not call the start function.
#[wasm_bindgen(start)]
pub fn run_constructors_once() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: the Once runs the linker's constructor function a single time per instance;
    // the constructors only register items (`inventory`), which is idempotent anyway.
    ONCE.call_once(|| unsafe { __wasm_call_ctors() });
}

/// Entry point of the page (called from `index.html`): mounts the app.
#[wasm_bindgen]
pub fn start_app() {
    run_constructors_once();
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}

/// Entry point of the compute worker (called from `worker.js`).
#[wasm_bindgen]
pub fn start_worker() {
    run_constructors_once();
    console_error_panic_hook::set_once();
    worker::start();
}

/// Entry point of a helper worker (started by the engine worker or a benchmark page): it
/// computes half of each training batch on the CPU kernel ([`helper::serve`]).
#[wasm_bindgen]
pub fn start_helper() {
    run_constructors_once();
    console_error_panic_hook::set_once();
    helper::serve();
}

/// Reads CSV bytes with every choice detected and returns the number of rows read; used by
/// the parse benchmark (`make bench-parse`), which times it against PapaParse in one page.
///
/// # Errors
/// The reader's message when the bytes do not read.
#[wasm_bindgen]
pub fn read_csv_rows(bytes: &[u8]) -> Result<usize, JsValue> {
    crate::bench::parsed_rows(bytes).map_err(|e| JsValue::from_str(&e))
}

/// Bytes of linear memory the wasm module holds (it only grows), for the benchmark's
/// memory figure.
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}

/// Times the seed-004 reference model (batch 64, `window` steps, 6 features, LSTM 64→32,
/// Adam) in this page on `backend` (`cpu` or `gpu`): the median of `steps` training steps
/// after a warm-up, and the median single-window inference. With `workers` 2 on the CPU
/// kernel, a helper worker computes half of each batch, as training in the app does on a
/// machine with two cores or more. Returns one JSON object (`path`, `model`, `window`,
/// `ms_per_step`, `ms_infer_b1`, `backend`, `workers`), the format of the native
/// `bench --json`, for the browser benchmark that runs TF.js in the same page.
///
/// # Errors
/// An unknown backend, no WebGPU adapter for `gpu`, a helper that did not start, or a failed
/// read-back.
#[wasm_bindgen]
pub async fn bench_lstm(
    backend: String,
    window: usize,
    steps: usize,
    workers: Option<usize>,
) -> Result<String, JsValue> {
    run_constructors_once();
    use crate::backend::{BackendChoice, select_web};
    let fail = |e: String| JsValue::from_str(&e);
    let choice: BackendChoice = backend.parse().map_err(fail)?;
    let probe = worker::webgpu_adapter_probe().await;
    let selected = select_web(choice, &probe).await.map_err(fail)?;
    let now = || {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or_else(js_sys::Date::now, |p| p.now())
    };
    let on_cpu = selected.label == crate::backend::CPU_LABEL;
    let helper = match workers.unwrap_or(1) {
        0 | 1 => None,
        2 if on_cpu => Some(helper::start_if_useful(30_000).await.ok_or_else(|| {
            fail("the helper worker did not start (one core, or no nested workers)".into())
        })?),
        2 => {
            return Err(fail(
                "a helper worker splits batches on the CPU kernel only".into(),
            ));
        }
        n => return Err(fail(format!("workers must be 1 or 2, not {n}"))),
    };
    let helper_ref = helper.as_ref().map(|h| h as &dyn crate::jobs::BatchHelper);
    let mut times =
        crate::bench::reference_steps(&selected.device, window, steps, now, |_, _| {}, helper_ref)
            .await
            .map_err(fail)?;
    times.sort_by(f64::total_cmp);
    let median = times.get(times.len() / 2).copied().unwrap_or(f64::NAN);
    let infer = crate::bench::reference_inference(&selected.device, window, 20, now)
        .await
        .map_err(fail)?;
    let path = match (on_cpu, helper.is_some()) {
        (true, true) => "browser-cpu-2w",
        (true, false) => "browser-cpu",
        _ => "browser-webgpu",
    };
    Ok(serde_json::json!({
        "path": path,
        "model": "s4-reference",
        "window": window,
        "ms_per_step": (median * 100.0).round() / 100.0,
        "ms_infer_b1": (infer * 1000.0).round() / 1000.0,
        "backend": selected.label,
        "workers": if helper.is_some() { 2 } else { 1 },
    })
    .to_string())
}

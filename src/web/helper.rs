//! The helper worker: a second wasm instance that computes half of each training batch on
//! the CPU kernel, so training in the browser uses two cores (this toolchain has no wasm
//! threads). The engine worker (or a benchmark page) starts it and talks to it through
//! [`HelperWorker`], an [`BatchHelper`] for [`crate::train::batch_split::batch_gradients`].
//!
//! Messages are plain objects with `Float32Array`s whose buffers are transferred, not
//! copied: a request `{id, config, params: [..], x, y, rows, window, seed}`, an answer
//! `{id, loss, rows, grads: [..]}` or `{id, error}`, and `{ready: true}` once the helper
//! listens.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::LocalBoxFuture;
use js_sys::{Array, Float32Array, Object, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Worker};

use super::bridge::{
    APP_GLUE_URL, APP_WASM_URL, GLUE_GLOBAL, WASM_GLOBAL, spawn_engine_worker, spawn_module_worker,
};
use crate::backend::cpu;
use crate::models::StackedLstmConfig;
use crate::train::batch_split::{
    BatchHelper, PartGradients, PartRequest, SplitError, part_gradients,
};

/// The wasm export a helper worker starts with.
pub const HELPER_ENTRY: &str = "start_helper";

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// A `Float32Array` copy of `values` (its buffer goes on the transfer list).
fn floats(values: &[f32], transfer: &Array) -> Float32Array {
    let array = Float32Array::from(values);
    transfer.push(&array.buffer());
    array
}

fn read_floats(value: &JsValue, what: &str) -> Result<Vec<f32>, String> {
    value
        .dyn_ref::<Float32Array>()
        .map(Float32Array::to_vec)
        .ok_or_else(|| format!("{what} is not a Float32Array"))
}

fn read_float_list(value: &JsValue, what: &str) -> Result<Vec<Vec<f32>>, String> {
    let list = value
        .dyn_ref::<Array>()
        .ok_or_else(|| format!("{what} is not an array"))?;
    list.iter()
        .enumerate()
        .map(|(i, v)| read_floats(&v, &format!("{what}[{i}]")))
        .collect()
}

fn read_count(value: &JsValue, what: &str) -> Result<usize, String> {
    value
        .as_f64()
        .filter(|v| *v >= 0.0 && v.fract() == 0.0)
        .map(|v| v as usize)
        .ok_or_else(|| format!("{what} is not a count"))
}

/// The request message for `request` under `id`, and its transfer list.
fn request_message(id: u32, request: &PartRequest) -> (Object, Array) {
    let message = Object::new();
    let transfer = Array::new();
    set(&message, "id", &JsValue::from(id));
    let config = serde_json::to_string(&request.config).unwrap_or_default();
    set(&message, "config", &JsValue::from_str(&config));
    let params = Array::new();
    for p in &request.params {
        params.push(&floats(p, &transfer));
    }
    set(&message, "params", &params);
    set(&message, "x", &floats(&request.x, &transfer));
    set(&message, "y", &floats(&request.y, &transfer));
    set(&message, "rows", &JsValue::from(request.rows as f64));
    set(&message, "window", &JsValue::from(request.window as f64));
    set(
        &message,
        "seed",
        &JsValue::from_str(&request.seed.to_string()),
    );
    (message, transfer)
}

/// Reads a request message back.
fn read_request(data: &JsValue) -> Result<PartRequest, String> {
    let config = get(data, "config")
        .as_string()
        .ok_or("a request without a model config")?;
    let config: StackedLstmConfig =
        serde_json::from_str(&config).map_err(|e| format!("bad model config: {e}"))?;
    Ok(PartRequest {
        config,
        params: read_float_list(&get(data, "params"), "params")?,
        x: read_floats(&get(data, "x"), "x")?,
        y: read_floats(&get(data, "y"), "y")?,
        rows: read_count(&get(data, "rows"), "rows")?,
        window: read_count(&get(data, "window"), "window")?,
        seed: get(data, "seed")
            .as_string()
            .and_then(|s| s.parse().ok())
            .ok_or("a request without a seed")?,
    })
}

/// Reads an answer message: the id it answers and the part's gradients or the helper's error.
fn read_answer(data: &JsValue) -> Result<(u32, Result<PartGradients, SplitError>), String> {
    let id = read_count(&get(data, "id"), "id")? as u32;
    if let Some(error) = get(data, "error").as_string() {
        return Ok((id, Err(SplitError::Helper(error))));
    }
    let loss = get(data, "loss")
        .as_f64()
        .ok_or("an answer without a loss")? as f32;
    let rows = read_count(&get(data, "rows"), "rows")?;
    let grads = read_float_list(&get(data, "grads"), "grads")?;
    Ok((id, Ok(PartGradients { loss, rows, grads })))
}

/// The helper's side: answers each request with its part's gradients (entry point
/// [`HELPER_ENTRY`], called from the generated worker script).
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let scope = reply_scope.clone();
        let data = event.data();
        spawn_local(async move {
            let id = get(&data, "id");
            let message = Object::new();
            set(&message, "id", &id);
            let transfer = Array::new();
            let answer = match read_request(&data) {
                Ok(request) => part_gradients(request, &cpu().device)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            match answer {
                Ok(part) => {
                    set(&message, "loss", &JsValue::from(part.loss as f64));
                    set(&message, "rows", &JsValue::from(part.rows as f64));
                    let grads = Array::new();
                    for g in &part.grads {
                        grads.push(&floats(g, &transfer));
                    }
                    set(&message, "grads", &grads);
                }
                Err(e) => set(&message, "error", &JsValue::from_str(&e)),
            }
            if scope
                .post_message_with_transfer(&message, &transfer)
                .is_err()
            {
                let _ = scope.post_message(&message);
            }
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let ready = Object::new();
    set(&ready, "ready", &JsValue::TRUE);
    let _ = scope.post_message(&ready);
}

/// Logical cores the browser reports (`navigator.hardwareConcurrency`; 1 when it says none).
pub fn hardware_concurrency() -> usize {
    let navigator = get(&js_sys::global(), "navigator");
    get(&navigator, "hardwareConcurrency")
        .as_f64()
        .filter(|n| *n >= 1.0)
        .map_or(1, |n| n as usize)
}

/// A helper being started, when this machine has a second core for it; it is
/// [`HelperWorker::usable`] once its module has loaded (until then, and if it never loads,
/// callers do the whole batch themselves, so nobody waits for it).
pub fn spawn_if_useful() -> Option<HelperWorker> {
    if hardware_concurrency() < 2 {
        return None;
    }
    HelperWorker::spawn_here().ok()
}

/// A started, listening helper, when this machine has a second core for it; `None` (and
/// training on one worker) when it has not, or when the helper does not answer within
/// `timeout_ms` (a browser that refuses nested workers, say).
pub async fn start_if_useful(timeout_ms: i32) -> Option<HelperWorker> {
    let helper = spawn_if_useful()?;
    let timeout = async {
        sleep_ms(timeout_ms).await;
        Err::<(), String>("the helper worker did not start in time".into())
    };
    let started = {
        let ready = std::pin::pin!(helper.ready());
        let timeout = std::pin::pin!(timeout);
        matches!(
            futures::future::select(ready, timeout).await,
            futures::future::Either::Left((Ok(()), _))
        )
    };
    started.then_some(helper)
}

/// Resolves after `ms` milliseconds (`setTimeout`, in a page or a worker).
async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout = get(&global, "setTimeout");
        match set_timeout.dyn_ref::<js_sys::Function>() {
            Some(f) => {
                let _ = f.call2(&global, &resolve, &JsValue::from(ms));
            }
            None => {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

type Answer = Result<PartGradients, SplitError>;

/// What the client side shares with its message handlers.
#[derive(Default)]
struct Shared {
    ready: Cell<bool>,
    answered: Cell<u32>,
    broken: RefCell<Option<String>>,
    pending: RefCell<HashMap<u32, oneshot::Sender<Answer>>>,
    waiting_ready: RefCell<Vec<oneshot::Sender<Result<(), String>>>>,
}

impl Shared {
    /// Marks the helper unusable and fails everything that waits on it.
    fn break_with(&self, reason: String) {
        self.broken.replace(Some(reason.clone()));
        for (_, tx) in self.pending.borrow_mut().drain() {
            let _ = tx.send(Err(SplitError::Helper(reason.clone())));
        }
        for tx in self.waiting_ready.borrow_mut().drain(..) {
            let _ = tx.send(Err(reason.clone()));
        }
    }
}

/// The client side: a started helper worker and its requests in flight.
pub struct HelperWorker {
    worker: Worker,
    shared: Rc<Shared>,
    next_id: Cell<u32>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl HelperWorker {
    /// Listens to `worker`, a worker started with [`HELPER_ENTRY`] (or a module's own export
    /// that calls [`serve`], as a test module's).
    pub fn from_worker(worker: Worker) -> Self {
        let shared = Rc::new(Shared::default());
        let on_shared = shared.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            if get(&data, "ready").as_bool() == Some(true) {
                on_shared.ready.set(true);
                for tx in on_shared.waiting_ready.borrow_mut().drain(..) {
                    let _ = tx.send(Ok(()));
                }
                return;
            }
            match read_answer(&data) {
                Ok((id, answer)) => {
                    if answer.is_ok() {
                        on_shared.answered.set(on_shared.answered.get() + 1);
                    }
                    if let Some(tx) = on_shared.pending.borrow_mut().remove(&id) {
                        let _ = tx.send(answer);
                    }
                }
                Err(e) => on_shared.break_with(format!("unreadable answer: {e}")),
            }
        });
        let err_shared = shared.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let text = get(&event, "message")
                .as_string()
                .unwrap_or_else(|| "the helper worker stopped".into());
            err_shared.break_with(text);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        HelperWorker {
            worker,
            shared,
            next_id: Cell::new(0),
            _on_message: on_message,
            _on_error: on_error,
        }
    }

    /// Starts a helper from wherever this code runs: inside a worker that
    /// [`spawn_module_worker`] started, from the glue and wasm module that worker was started
    /// from; else from the page, with the app's own ([`APP_GLUE_URL`], [`APP_WASM_URL`]).
    ///
    /// # Errors
    /// When the URLs cannot be resolved or the worker cannot be created.
    pub fn spawn_here() -> Result<Self, String> {
        let global = js_sys::global();
        let worker = match (
            get(&global, GLUE_GLOBAL).as_string(),
            get(&global, WASM_GLOBAL).as_string(),
        ) {
            (Some(glue), Some(wasm)) => spawn_module_worker(&glue, &wasm, HELPER_ENTRY)?,
            _ => spawn_engine_worker(APP_GLUE_URL, APP_WASM_URL, HELPER_ENTRY)?,
        };
        Ok(Self::from_worker(worker))
    }

    /// True once the helper listens and as long as nothing has gone wrong with it.
    pub fn usable(&self) -> bool {
        self.shared.ready.get() && self.shared.broken.borrow().is_none()
    }

    /// Parts the helper has answered with gradients so far (not errors).
    pub fn answered(&self) -> u32 {
        self.shared.answered.get()
    }

    /// Waits until the helper listens.
    ///
    /// # Errors
    /// Why it never will (the worker failed to start).
    pub async fn ready(&self) -> Result<(), String> {
        if let Some(reason) = self.shared.broken.borrow().clone() {
            return Err(reason);
        }
        if self.shared.ready.get() {
            return Ok(());
        }
        let (tx, rx) = oneshot::channel();
        self.shared.waiting_ready.borrow_mut().push(tx);
        rx.await
            .unwrap_or_else(|_| Err("the helper worker went away".into()))
    }
}

impl Drop for HelperWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

impl BatchHelper for HelperWorker {
    fn start(&self, request: PartRequest) -> LocalBoxFuture<'static, Answer> {
        let (tx, rx) = oneshot::channel();
        if let Some(reason) = self.shared.broken.borrow().clone() {
            return Box::pin(async move { Err(SplitError::Helper(reason)) });
        }
        let id = self.next_id.get().wrapping_add(1);
        self.next_id.set(id);
        let (message, transfer) = request_message(id, &request);
        self.shared.pending.borrow_mut().insert(id, tx);
        if let Err(e) = self.worker.post_message_with_transfer(&message, &transfer) {
            self.shared.pending.borrow_mut().remove(&id);
            let reason = format!("could not send to the helper worker: {e:?}");
            return Box::pin(async move { Err(SplitError::Helper(reason)) });
        }
        Box::pin(async move {
            rx.await
                .unwrap_or_else(|_| Err(SplitError::Helper("the helper worker went away".into())))
        })
    }
}

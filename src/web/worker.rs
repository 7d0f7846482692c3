//! The compute worker: receives requests, runs them on the engine, posts events back.
//! It owns the wgpu device, so heavy work never touches the UI thread.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::bridge::{WorkerRequest, read_request};
use super::helper::{HelperWorker, spawn_if_useful};
use crate::backend::{
    AdapterProbe, BackendChoice, CPU_LABEL, SelectedDevice, auto_pick, cpu, is_software_renderer,
    select_web,
};
use crate::jobs::{BatchHelper, Event, Host, Job, Progress, Session};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(event: &Event) {
    let _ = scope().post_message(&JsValue::from_str(&event.to_json()));
}

/// Asks the browser for a WebGPU adapter and reads what it says about itself
/// (`GPUAdapter.info`: vendor, architecture, description; `isFallbackAdapter`).
pub async fn webgpu_adapter_probe() -> AdapterProbe {
    use js_sys::{Function, Promise, Reflect};
    let get = |target: &JsValue, key: &str| {
        Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    };
    let navigator = get(&js_sys::global(), "navigator");
    let gpu = get(&navigator, "gpu");
    if gpu.is_undefined() || gpu.is_null() {
        return AdapterProbe::default();
    }
    let Some(request) = get(&gpu, "requestAdapter").dyn_into::<Function>().ok() else {
        return AdapterProbe::default();
    };
    let Ok(promise) = request.call0(&gpu).and_then(|p| p.dyn_into::<Promise>()) else {
        return AdapterProbe::default();
    };
    let adapter = match JsFuture::from(promise).await {
        Ok(adapter) if !adapter.is_null() && !adapter.is_undefined() => adapter,
        _ => return AdapterProbe::default(),
    };
    let info = get(&adapter, "info");
    let text = ["vendor", "architecture", "device", "description"]
        .iter()
        .filter_map(|k| get(&info, k).as_string())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let fallback = get(&adapter, "isFallbackAdapter").as_bool() == Some(true)
        || get(&info, "isFallbackAdapter").as_bool() == Some(true);
    let software = fallback || is_software_renderer(&text);
    AdapterProbe {
        found: true,
        software: software.then(|| {
            if text.is_empty() {
                "fallback adapter".into()
            } else {
                text
            }
        }),
    }
}

/// Whether `navigator.gpu.requestAdapter()` gives an adapter here (page or worker).
pub async fn webgpu_adapter_available() -> bool {
    webgpu_adapter_probe().await.found
}

/// A promise resolved by `setTimeout(0)`: awaiting it lets queued messages (Cancel) in.
pub async fn next_macrotask() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        if let Ok(set_timeout) = js_sys::Reflect::get(&global, &JsValue::from_str("setTimeout"))
            && let Some(f) = set_timeout.dyn_ref::<js_sys::Function>()
        {
            let _ = f.call2(&global, &resolve, &JsValue::from(0));
            return;
        }
        let _ = resolve.call0(&JsValue::NULL);
    });
    let _ = JsFuture::from(promise).await;
}

/// Milliseconds since the worker started.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Host for runs in the worker: throttled progress events, a shared cancel flag and, when
/// training on the CPU kernel with a core to spare, the helper worker that takes half of
/// each batch.
pub struct WorkerHost {
    cancel: Rc<Cell<bool>>,
    last_post: f64,
    helper: Option<Rc<HelperWorker>>,
}

impl Host for WorkerHost {
    fn progress(&mut self, progress: &Progress) {
        let now = now_ms();
        let last_batch = progress.batch == progress.batches;
        if now - self.last_post >= 100.0 || last_batch {
            self.last_post = now;
            post(&Event::Progress(progress.clone()));
        }
    }
    fn cancelled(&self) -> bool {
        self.cancel.get()
    }
    fn reading(&mut self, fraction: f64) {
        let now = now_ms();
        if now - self.last_post >= 100.0 {
            self.last_post = now;
            post(&Event::Reading { fraction });
        }
    }
    fn fitting(&mut self, done: usize, total: usize, model: &str) {
        post(&Event::Fitting {
            done,
            total,
            model: model.to_string(),
        });
    }
    fn now_ms(&self) -> f64 {
        now_ms()
    }
    async fn yield_now(&self) {
        next_macrotask().await
    }
    fn batch_helper(&self) -> Option<&dyn BatchHelper> {
        self.helper
            .as_deref()
            .filter(|h| h.usable())
            .map(|h| h as &dyn BatchHelper)
    }
}

/// The WebGPU device (or why there is none) and, for a software renderer, its description.
type GpuProbe = (Result<SelectedDevice, String>, Option<String>);

struct WorkerState {
    /// The engine session; taken out while a job runs (so no borrow is held across its
    /// awaits) and put back when it ends.
    session: RefCell<Option<Session>>,
    cancel: Rc<Cell<bool>>,
    busy: Cell<bool>,
    queue: RefCell<VecDeque<WorkerRequest>>,
    gpu: RefCell<Option<GpuProbe>>,
    /// The helper worker, started on the first CPU training run (`None` inside once tried
    /// and not started: one core, or the worker could not be created).
    helper: RefCell<Option<Option<Rc<HelperWorker>>>>,
}

/// The helper worker for CPU training, started (not awaited) the first time it is wanted:
/// the run splits its batches from the first step after the helper has loaded.
fn helper_for(state: &WorkerState) -> Option<Rc<HelperWorker>> {
    if let Some(helper) = state.helper.borrow().clone() {
        return helper;
    }
    let helper = spawn_if_useful().map(Rc::new);
    *state.helper.borrow_mut() = Some(helper.clone());
    helper
}

/// The WebGPU device (or why there is none) and, when the adapter is a software renderer,
/// its description: probed once per worker, since wgpu's runtime starts only once.
async fn gpu_probe(state: &WorkerState) -> GpuProbe {
    if let Some(probe) = state.gpu.borrow().clone() {
        return probe;
    }
    let adapter = webgpu_adapter_probe().await;
    let gpu = select_web(BackendChoice::Gpu, &adapter).await;
    let probe = (gpu, adapter.software);
    *state.gpu.borrow_mut() = Some(probe.clone());
    probe
}

/// The device for `choice`; `Auto` by [`auto_pick`] (the CPU kernel on a software renderer
/// such as SwiftShader, with a notice).
async fn device_for(state: &WorkerState, choice: BackendChoice) -> Result<SelectedDevice, String> {
    if choice == BackendChoice::Cpu {
        return Ok(cpu());
    }
    let (gpu, software) = gpu_probe(state).await;
    match choice {
        BackendChoice::Gpu => {
            gpu.map_err(|reason| format!("the GPU backend was chosen, but {reason}"))
        }
        _ => Ok(auto_pick(gpu, software)),
    }
}

/// Runs one request and returns the event that ends it (progress is posted meanwhile).
async fn handle(state: &WorkerState, request: WorkerRequest) -> Event {
    // Only a training run asks for the chosen device; every other job (loads, re-reads,
    // holiday files, the data view, the leaderboard) runs on the CPU device, never probing
    // the GPU.
    let selected = match &request.job {
        Job::Train(_) => match device_for(state, request.backend).await {
            Ok(s) => s,
            Err(message) => return Event::Failed { message },
        },
        _ => cpu(),
    };
    if matches!(request.job, Job::Train(_)) {
        post(&Event::Started {
            backend: selected.label.clone(),
        });
    }
    // Jobs that train LSTMs (the leaderboard does, per fold, when it includes one).
    let trains = matches!(request.job, Job::Train(_) | Job::Leaderboard(_));
    let helper = if trains && selected.label == CPU_LABEL {
        helper_for(state)
    } else {
        None
    };
    state.cancel.set(false);
    let mut host = WorkerHost {
        cancel: state.cancel.clone(),
        last_post: 0.0,
        helper,
    };
    let Some(mut session) = state.session.borrow_mut().take() else {
        return Event::Failed {
            message: "the worker is busy with another job".into(),
        };
    };
    let event = session
        .run(request.job, &selected.device, &selected.label, &mut host)
        .await;
    *state.session.borrow_mut() = Some(session);
    event
}

/// Runs `first`, then every request queued meanwhile, in order.
async fn run_queue(state: Rc<WorkerState>, first: WorkerRequest) {
    let mut next = Some(first);
    while let Some(request) = next {
        let event = handle(&state, request).await;
        post(&event);
        next = state.queue.borrow_mut().pop_front();
    }
    state.busy.set(false);
}

/// Installs the message handler and announces the backend.
pub fn start() {
    let state = Rc::new(WorkerState {
        session: RefCell::new(Some(Session::new())),
        cancel: Rc::new(Cell::new(false)),
        busy: Cell::new(false),
        queue: RefCell::new(VecDeque::new()),
        gpu: RefCell::new(None),
        helper: RefCell::new(None),
    });
    let handler_state = state.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let request: WorkerRequest = match read_request(&event.data()) {
            Ok(r) => r,
            Err(message) => return post(&Event::Failed { message }),
        };
        if request.job == Job::Cancel {
            handler_state.cancel.set(true);
            return;
        }
        // One job at a time; later ones wait their turn (a Cancel acts at once, above).
        if handler_state.busy.replace(true) {
            handler_state.queue.borrow_mut().push_back(request);
            return;
        }
        spawn_local(run_queue(handler_state.clone(), request));
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    spawn_local(async move {
        let (backend, notice) = match device_for(&state, BackendChoice::Auto).await {
            Ok(s) => (s.label, s.notice),
            Err(e) => (cpu().label, Some(e)),
        };
        post(&Event::Ready { backend, notice });
    });
}

//! The page's worker client: the transport between the UI thread and the compute worker.
//!
//! It owns the [`Worker`], posts requests (transferring a file's bytes), queues what is
//! posted before the worker has said it is ready, restarts the worker after a crash or a
//! forced stop, and implements a cancel with its fallback. Everything the worker says is
//! handed to one handler, as a [`Delivery`]. It holds no UI state: what a cancel must know
//! about the page (is the run still going?) and what a restart must replay (the data) are
//! passed in by the caller.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

use super::bridge::{
    APP_GLUE_URL, APP_WASM_URL, WorkerRequest, request_message, spawn_engine_worker,
};
use crate::backend::BackendChoice;
use crate::jobs::{Event, Job};

/// How long a cancelled run may take to stop before its worker is terminated and restarted
/// (a long GPU kernel cannot be interrupted from inside).
pub const CANCEL_FALLBACK_MS: i32 = 1500;

/// What the client hands to its handler: an event from the worker, or a message saying the
/// transport itself failed (the worker could not start, crashed, or sent something
/// unreadable).
pub type Delivery = Result<Event, String>;

/// The shared handler of deliveries.
type Handler = Rc<dyn Fn(Delivery)>;

/// A message for `postMessage` and the buffer to transfer with it, if any.
type Message = (JsValue, Option<JsValue>);

#[derive(Default)]
struct Inner {
    /// The running worker (`None` before the first start, or when it could not start).
    worker: RefCell<Option<Worker>>,
    /// Whether the worker has sent `Ready`; until then messages wait in `queued`.
    ready: Cell<bool>,
    /// Messages posted before the worker was ready, in order.
    queued: RefCell<Vec<Message>>,
    /// Counts the runs (trainings and comparisons) started, so that a cancel's fallback
    /// acts only on the run it was asked to stop, never on one started after it.
    runs_started: Cell<u64>,
    /// Where deliveries go.
    handler: RefCell<Option<Handler>>,
}

/// A handle on the compute worker (cheap to clone: clones share one worker).
#[derive(Clone, Default)]
pub struct WorkerClient {
    inner: Rc<Inner>,
}

impl WorkerClient {
    /// A client with no worker yet; [`WorkerClient::start`] starts one.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the handler of everything the worker says, and starts the worker.
    pub fn start(&self, handler: impl Fn(Delivery) + 'static) {
        *self.inner.handler.borrow_mut() = Some(Rc::new(handler));
        self.spawn();
    }

    /// Hands `delivery` to the handler (never while a borrow of the client is held, so the
    /// handler may post).
    fn deliver(&self, delivery: Delivery) {
        let handler = self.inner.handler.borrow().clone();
        if let Some(handler) = handler {
            handler(delivery);
        }
    }

    /// Starts (or restarts) the worker; messages queue until it says it is ready.
    fn spawn(&self) {
        self.inner.ready.set(false);
        let worker = match spawn_engine_worker(APP_GLUE_URL, APP_WASM_URL, "start_worker") {
            Ok(w) => w,
            Err(e) => return self.deliver(Err(e)),
        };
        let client = self.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
            let text = m.data().as_string().unwrap_or_default();
            match serde_json::from_str::<Event>(&text) {
                Ok(event) => client.receive(event),
                Err(e) => client.deliver(Err(format!("unreadable message from the worker: {e}"))),
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let client = self.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_e: web_sys::Event| {
            client.deliver(Err(
                "the compute worker stopped with an error (see the browser console)".into(),
            ));
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        *self.inner.worker.borrow_mut() = Some(worker);
    }

    /// An event from the worker: handed on; `Ready` then releases the queued messages.
    fn receive(&self, event: Event) {
        let ready = matches!(event, Event::Ready { .. });
        self.deliver(Ok(event));
        if ready {
            self.inner.ready.set(true);
            let queued = std::mem::take(&mut *self.inner.queued.borrow_mut());
            for (message, transfer) in queued {
                self.post(message, transfer);
            }
        }
    }

    /// Posts a message (transferring `transfer`), or queues it until the worker is ready.
    pub fn post(&self, message: JsValue, transfer: Option<JsValue>) {
        if !self.inner.ready.get() {
            self.inner.queued.borrow_mut().push((message, transfer));
            return;
        }
        if let Some(w) = self.inner.worker.borrow().as_ref() {
            let _ = match &transfer {
                Some(buffer) => w.post_message_with_transfer(&message, &js_sys::Array::of1(buffer)),
                None => w.post_message(&message),
            };
        }
    }

    /// Sends a job, to run on `backend` where it trains.
    pub fn send(&self, job: Job, backend: BackendChoice) {
        let request = WorkerRequest { job, backend };
        self.post(request_message(&request, None), None);
    }

    /// Sends a job whose file bytes (`buffer`, an `ArrayBuffer`) travel beside the JSON,
    /// transferred rather than copied.
    pub fn send_with_bytes(&self, job: Job, backend: BackendChoice, buffer: JsValue) {
        let request = WorkerRequest { job, backend };
        self.post(request_message(&request, Some(&buffer)), Some(buffer));
    }

    /// Sends a job that starts a run (a training or a comparison), counting it so that the
    /// fallback of an earlier cancel leaves it alone.
    pub fn start_run(&self, job: Job, backend: BackendChoice) {
        self.inner
            .runs_started
            .set(self.inner.runs_started.get() + 1);
        self.send(job, backend);
    }

    /// Asks the worker to stop the running job. If, [`CANCEL_FALLBACK_MS`] later, the same
    /// run is still going by `still_running` (a long GPU kernel), the worker is terminated and
    /// a fresh one started, then `restarted` is called (to give the new worker the data again
    /// and report the cancel). A run started after the cancel (the user may press Train again
    /// at once) is left alone.
    pub fn cancel(
        &self,
        backend: BackendChoice,
        still_running: impl Fn() -> bool + 'static,
        restarted: impl FnOnce() + 'static,
    ) {
        self.send(Job::Cancel, backend);
        let run = self.inner.runs_started.get();
        let client = self.clone();
        let fallback = Closure::once_into_js(move || {
            if still_running() && client.inner.runs_started.get() == run {
                client.restart();
                restarted();
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                fallback.unchecked_ref(),
                CANCEL_FALLBACK_MS,
            );
        }
    }

    /// Terminates the worker and starts a fresh one (which holds no data).
    fn restart(&self) {
        if let Some(w) = self.inner.worker.borrow_mut().take() {
            w.terminate();
        }
        self.spawn();
    }
}

//! Browser tests (headless Chromium with WebGPU on SwiftShader): run with
//! `make test-browser`, or `wasm-pack test --headless --chrome` (flags in `webdriver.json`).
#![cfg(target_arch = "wasm32")]

use foresight::backend::{BackendChoice, CPU_LABEL, SelectedDevice, select_web};
use foresight::data::read_csv;
use foresight::data::window::WindowSpec;
use foresight::jobs::SAMPLE_CSV;
use foresight::jobs::{Event, Job};
use foresight::train::{Host, Progress, TrainSettings, train};
use foresight::web::bridge::{WorkerRequest, spawn_engine_worker};
use foresight::web::worker::{webgpu_adapter_available, webgpu_adapter_probe};
use futures::StreamExt;
use futures::channel::mpsc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

struct PageHost {
    batches: usize,
}

impl Host for PageHost {
    fn progress(&mut self, _progress: &Progress) {
        self.batches += 1;
    }
    fn cancelled(&self) -> bool {
        false
    }
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }
    async fn yield_now(&self) {}
}

#[wasm_bindgen_test]
async fn webgpu_adapter_exists() {
    // The runner does not call the wasm-bindgen start function.
    foresight::web::run_constructors_once();
    assert!(
        webgpu_adapter_available().await,
        "navigator.gpu.requestAdapter() gave no adapter: start Chromium with --enable-unsafe-webgpu"
    );
}

#[wasm_bindgen_test]
async fn trains_on_webgpu_and_the_loss_falls() {
    // The runner does not call the wasm-bindgen start function.
    foresight::web::run_constructors_once();
    let selected = select_web(BackendChoice::Gpu, &webgpu_adapter_probe().await)
        .await
        .expect("WebGPU device");
    assert_eq!(selected.label, "WebGPU");
    assert_trains_in_page(&selected).await;
}

/// Trains the tiny model on `selected` in the page and checks the loss falls.
async fn assert_trains_in_page(selected: &SelectedDevice) {
    let (frame, _) = read_csv("eia.csv", SAMPLE_CSV).expect("sample parses");
    let mut host = PageHost { batches: 0 };
    let outcome = train(
        &frame,
        &tiny_settings(),
        &selected.device,
        &selected.label,
        &mut host,
    )
    .await
    .expect("trains");
    let (first, last) = (
        outcome.history[0].train,
        outcome.history[outcome.history.len() - 1].train,
    );
    assert!(
        last < first,
        "loss falls on {}: {:?}",
        selected.label,
        outcome.history
    );
    assert!(host.batches >= 3);
    assert!(outcome.forecast.iter().all(|v| v.is_finite()));
    assert_eq!(outcome.backend, selected.label);
}

/// The worker's entry point as exported by this test module (the runner's glue is
/// `/wasm-bindgen-test.js`).
#[wasm_bindgen]
pub fn test_worker_entry() {
    foresight::web::start_worker();
}

fn tiny_settings() -> TrainSettings {
    TrainSettings {
        data: WindowSpec {
            target: "mn_midgrade_gasoline_price_usd_gal".into(),
            window: 4,
            horizon: 1,
            ..WindowSpec::default()
        },
        hidden: vec![8],
        dropout: vec![0.0],
        epochs: 3,
        batch_size: 256,
        learning_rate: 2e-2,
        ..TrainSettings::default()
    }
}

#[wasm_bindgen_test]
async fn trains_in_the_worker_and_reads_back_a_falling_loss() {
    // The runner does not call the wasm-bindgen start function.
    foresight::web::run_constructors_once();
    let worker = spawn_engine_worker(
        "/wasm-bindgen-test.js",
        "/wasm-bindgen-test_bg.wasm",
        "test_worker_entry",
    )
    .expect("worker starts");
    let (sender, mut events) = mpsc::unbounded::<Event>();
    let errors = sender.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |m: web_sys::MessageEvent| {
            let text = m.data().as_string().unwrap_or_default();
            let event = serde_json::from_str(&text).unwrap_or(Event::Failed {
                message: format!("unreadable: {text}"),
            });
            let _ = sender.unbounded_send(event);
        });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        let field = |k: &str| {
            js_sys::Reflect::get(&e, &JsValue::from_str(k))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        let message = format!("worker error: {} ({})", field("message"), field("filename"));
        let _ = errors.unbounded_send(Event::Failed { message });
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let send = |job: Job| {
        let request = WorkerRequest {
            job,
            backend: BackendChoice::Gpu,
        };
        worker
            .post_message(&JsValue::from_str(
                &serde_json::to_string(&request).unwrap(),
            ))
            .unwrap();
    };
    match events.next().await {
        Some(Event::Ready { backend, notice }) => {
            // `auto` reports WebGPU on a real adapter, the CPU kernel on a software one
            // (SwiftShader here); the jobs below ask for the GPU explicitly.
            let software = notice
                .as_deref()
                .is_some_and(|n| n.contains("software renderer"));
            assert!(
                backend == "WebGPU" || (software && backend == foresight::backend::CPU_LABEL),
                "the worker found WebGPU: {backend} ({notice:?})"
            );
        }
        other => panic!("expected Ready, got {other:?}"),
    }
    send(Job::LoadSample);
    let loaded = loop {
        match events.next().await {
            Some(Event::Reading { .. }) => continue,
            other => break other,
        }
    };
    assert!(
        matches!(&loaded, Some(Event::Loaded(s)) if s.rows == 1028),
        "{loaded:?}"
    );
    send(Job::Train(tiny_settings()));
    let mut progress_events = 0;
    let outcome = loop {
        match events.next().await {
            Some(Event::Started { backend }) => assert_eq!(backend, "WebGPU"),
            Some(Event::Progress(_)) => progress_events += 1,
            Some(Event::Finished(outcome)) => break outcome,
            other => panic!("unexpected {other:?}"),
        }
    };
    worker.terminate();
    assert!(progress_events >= 1);
    let (first, last) = (
        outcome.history[0].train,
        outcome.history[outcome.history.len() - 1].train,
    );
    assert!(
        last < first,
        "loss falls in the worker: {:?}",
        outcome.history
    );
    assert_eq!(outcome.backend, "WebGPU");
}

#[wasm_bindgen_test]
async fn trains_on_the_cpu_backend_in_the_browser() {
    // The runner does not call the wasm-bindgen start function.
    foresight::web::run_constructors_once();
    let selected = select_web(BackendChoice::Cpu, &Default::default())
        .await
        .expect("CPU backend");
    assert_eq!(selected.label, CPU_LABEL);
    assert_trains_in_page(&selected).await;
}

/// The helper worker's entry point as exported by this test module.
#[wasm_bindgen]
pub fn test_helper_entry() {
    foresight::web::start_helper();
}

/// A tiny model without dropout (so a split step is the same step), and its config.
fn split_model() -> (
    foresight::models::StackedLstm,
    foresight::models::StackedLstmConfig,
) {
    let config = foresight::models::StackedLstmConfig::new(3)
        .with_hidden(vec![5, 4])
        .with_dropout(vec![0.0, 0.0]);
    let autodiff = foresight::backend::cpu().device.autodiff();
    (config.init(&autodiff), config)
}

/// Loss and flat gradients of one training step of `model` on the CPU kernel, with the
/// batch split with `helper` or not.
async fn split_step(
    (model, config): &(
        foresight::models::StackedLstm,
        foresight::models::StackedLstmConfig,
    ),
    helper: Option<&dyn foresight::train::BatchHelper>,
) -> (f32, Vec<Vec<f32>>) {
    use foresight::train::batch_split::{StepGradients, batch_gradients, gradient_values};
    let (rows, window, features) = (24, 6, 3);
    let autodiff = foresight::backend::cpu().device.autodiff();
    let x: Vec<f32> = (0..rows * window * features)
        .map(|i| ((i * 37 % 101) as f32 / 101.0) - 0.5)
        .collect();
    let y: Vec<f32> = (0..rows).map(|i| (i % 5) as f32 / 5.0).collect();
    let StepGradients { loss, grads, .. } =
        batch_gradients(model, config, x, y, rows, window, &autodiff, helper, 9)
            .await
            .expect("step runs");
    let loss = loss
        .into_data_async()
        .await
        .expect("loss reads")
        .try_to_vec::<f32>()
        .expect("f32")[0];
    let grads = gradient_values(model, &grads)
        .await
        .expect("gradients read");
    (loss, grads)
}

#[wasm_bindgen_test]
async fn a_helper_worker_computes_half_a_batch_as_this_thread_would() {
    foresight::web::run_constructors_once();
    let helper = foresight::web::helper::HelperWorker::from_worker(
        spawn_engine_worker(
            "/wasm-bindgen-test.js",
            "/wasm-bindgen-test_bg.wasm",
            "test_helper_entry",
        )
        .expect("helper starts"),
    );
    helper.ready().await.expect("the helper listens");
    assert!(helper.usable());
    let model = split_model();
    let (whole_loss, whole) = split_step(&model, None).await;
    let (split_loss, split) = split_step(&model, Some(&helper)).await;
    // The helper really answered (a failed helper falls back to this thread, silently).
    assert_eq!(helper.answered(), 1, "the helper computed its half");
    assert!((whole_loss - split_loss).abs() <= 1e-6 * whole_loss.abs().max(1.0));
    assert_eq!(whole.len(), split.len());
    for (a, b) in whole.iter().flatten().zip(split.iter().flatten()) {
        assert!(
            (a - b).abs() <= 1e-5 * a.abs().max(1e-2),
            "whole {a}, split {b}"
        );
    }
    assert!(whole.iter().flatten().any(|g| g.abs() > 1e-6));
}

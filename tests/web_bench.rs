//! Browser benchmark (not part of `make test`): ms per training step of the seed-004
//! reference model in headless Chromium, on the CPU kernel (wasm, one thread) and on WebGPU
//! (the fused kernels), and single-window inference on each. Run with `make bench-web`; each figure is
//! also printed as a JSON line (`BENCH-JSON {...}`).
#![cfg(target_arch = "wasm32")]

use foresight::backend::{BackendChoice, select_web};
use foresight::bench::{reference_inference, reference_steps};
use foresight::web::worker::webgpu_adapter_probe;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Times training steps (median) and single-window inference on `device` at windows 8 and
/// 168, and prints each as a `BENCH-JSON` line under `path`.
async fn bench_path(path: &str, device: &burn::tensor::Device, steps: impl Fn(usize) -> usize) {
    for window in [8usize, 168] {
        let times = reference_steps(
            device,
            window,
            steps(window),
            js_sys::Date::now,
            |step, ms| {
                console_log!("{path} window {window} step {step}: {ms:.1} ms");
            },
            None,
        )
        .await
        .expect("steps run");
        let mut sorted = times.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        // Date.now() ticks in whole milliseconds; performance.now() resolves below that.
        let precise = || {
            web_sys::window()
                .and_then(|w| w.performance())
                .map_or_else(js_sys::Date::now, |p| p.now())
        };
        let infer = reference_inference(device, window, 20, precise)
            .await
            .expect("inference runs");
        console_log!(
            "BENCH-JSON {{\"path\": \"{path}\", \"model\": \"s4-reference\", \"window\": {window}, \"ms_per_step\": {median:.1}, \"ms_infer_b1\": {infer:.2}, \"steps\": {}}}",
            times.len()
        );
        assert!(median > 0.0 && infer > 0.0);
    }
}

#[wasm_bindgen_test]
async fn reference_training_step_on_the_cpu_kernel() {
    foresight::web::run_constructors_once();
    let selected = select_web(BackendChoice::Cpu, &Default::default())
        .await
        .expect("CPU device");
    bench_path("browser-cpu", &selected.device, |_| 3).await;
}

/// WebGPU with the fused kernels (SwiftShader in headless Chromium here: a CPU emulating a
/// GPU, so far slower than a card).
#[wasm_bindgen_test]
async fn reference_training_step_on_webgpu() {
    // The runner does not call the wasm-bindgen start function.
    foresight::web::run_constructors_once();
    let probe = webgpu_adapter_probe().await;
    assert!(probe.found, "a WebGPU adapter must exist: {probe:?}");
    let selected = select_web(BackendChoice::Gpu, &probe)
        .await
        .expect("WebGPU device");
    bench_path("browser-webgpu", &selected.device, |window| {
        if window > 8 { 1 } else { 3 }
    })
    .await;
}

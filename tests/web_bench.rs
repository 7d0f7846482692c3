//! Browser benchmark (not part of `make test`): ms per training step of the seed-004
//! reference model in headless Chromium, on the CPU kernel (wasm, one thread) and on WebGPU,
//! and single-window inference on the CPU kernel. Run with `make bench-web`; each figure is
//! also printed as a JSON line (`BENCH-JSON {...}`).
#![cfg(target_arch = "wasm32")]

use foresight::backend::{BackendChoice, select_web};
use foresight::bench::{reference_inference, reference_steps};
use foresight::web::worker::webgpu_adapter_probe;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn reference_training_step_on_the_cpu_kernel() {
    foresight::web::run_constructors_once();
    let selected = select_web(BackendChoice::Cpu, &Default::default())
        .await
        .expect("CPU device");
    for window in [8usize, 168] {
        let times = reference_steps(
            &selected.device,
            window,
            3,
            js_sys::Date::now,
            |step, ms| {
                console_log!("cpu window {window} step {step}: {ms:.1} ms");
            },
        )
        .await
        .expect("steps run");
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        // Date.now() ticks in whole milliseconds; performance.now() resolves below that.
        let precise = || {
            web_sys::window()
                .and_then(|w| w.performance())
                .map_or_else(js_sys::Date::now, |p| p.now())
        };
        let infer = reference_inference(&selected.device, window, 20, precise)
            .await
            .expect("inference runs");
        console_log!(
            "BENCH-JSON {{\"path\": \"browser-cpu\", \"model\": \"s4-reference\", \"window\": {window}, \"ms_per_step\": {mean:.1}, \"ms_infer_b1\": {infer:.2}}}"
        );
        assert!(mean > 0.0);
    }
}

#[wasm_bindgen_test]
async fn reference_training_step_on_webgpu() {
    // The runner does not call the wasm-bindgen start function.
    foresight::web::run_constructors_once();
    let selected = select_web(BackendChoice::Gpu, &webgpu_adapter_probe().await)
        .await
        .expect("WebGPU device");
    for window in [8usize, 168] {
        let steps = if window > 8 { 1 } else { 3 };
        let times = reference_steps(
            &selected.device,
            window,
            steps,
            js_sys::Date::now,
            |step, ms| {
                console_log!("window {window} step {step}: {ms:.1} ms");
            },
        )
        .await
        .expect("steps run");
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        console_log!(
            "BENCH webgpu window {window}: {mean:.1} ms/step over {} steps",
            times.len()
        );
        assert!(mean > 0.0);
    }
}

//! The browser shell: a leptos app on the UI thread and a compute worker that owns the
//! WebGPU device. They speak the engine's Job/Event protocol over `postMessage`.

pub mod app;
pub mod bridge;
pub mod charts;
pub mod worker;

use wasm_bindgen::prelude::*;

/// Entry point of the page (called from `index.html`): mounts the app.
#[wasm_bindgen]
pub fn start_app() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}

/// Entry point of the compute worker (called from `worker.js`).
#[wasm_bindgen]
pub fn start_worker() {
    console_error_panic_hook::set_once();
    worker::start();
}

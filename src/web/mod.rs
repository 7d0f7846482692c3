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

/// Reads CSV bytes with every choice detected and returns the number of rows read; used by
/// the parse benchmark (`make bench-parse`), which times it against PapaParse in one page.
///
/// # Errors
/// The reader's message when the bytes do not read.
#[wasm_bindgen]
pub fn read_csv_rows(bytes: &[u8]) -> Result<usize, JsValue> {
    crate::data::read_table("bench.csv", bytes, &Default::default(), &mut |_| {})
        .map(|loaded| loaded.frame.rows())
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// Bytes of linear memory the wasm module holds (it only grows), for the benchmark's
/// memory figure.
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}

//! Foresight: a forecasting workbench. The engine (data → model → train → evaluate) is
//! platform-free; the browser app (`web`, wasm32 only) and the native CLI (`cli`) drive it
//! through the same [`jobs`] protocol.

pub mod backend;
pub mod bench;
pub mod data;
pub mod eval;
pub mod jobs;
pub mod models;
pub mod train;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(target_arch = "wasm32")]
pub mod web;

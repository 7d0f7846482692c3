//! Foresight: a forecasting workbench. The engine (data → models → train → forecast →
//! evaluate) is platform-free; the browser app (`web`, wasm32 only) and the native CLI
//! (`cli`) drive it through the same [`jobs`] protocol.
//!
//! Arrows point one way, downwards in this list: a module imports only modules below it.
//! - `web`, `cli` — the shells; they import the engine through [`jobs`] (and [`backend`]).
//! - [`jobs`] — the Job / Event protocol, the session, the shells' surface.
//! - [`forecast`] — one face for every model (spec → fit → forecast) and the one backtest
//!   loop (rolling origin, the leaderboard).
//! - [`train`] — the neural training loop.
//! - [`eval`] — metrics and scoring.
//! - [`models`] — the models themselves (LSTM kernels, statistical models).
//! - [`data`] — reading, cleaning, calendar features, scaling, windows.
//! - [`backend`], [`rng`] — devices and seeded randomness, used by everything above.
//!
//! [`bench`] (the reference LSTM training step, timed) sits beside [`forecast`].

pub mod backend;
pub mod bench;
pub mod data;
pub mod eval;
pub mod forecast;
pub mod jobs;
pub mod models;
pub mod rng;
pub mod train;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(target_arch = "wasm32")]
pub mod web;

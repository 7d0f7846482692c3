//! What the shell running a job provides to the engine's long loops (training, the
//! backtest): where progress goes, whether the user cancelled, a clock, and a turn for the
//! event loop.

use std::future::Future;

use super::batch_split::BatchHelper;
use super::outcome::Progress;

/// What the shell running a job provides: where progress goes, whether the user cancelled,
/// a clock, and a way to give the event loop a turn (so a worker sees a Cancel message).
pub trait Host {
    /// Called after every batch.
    fn progress(&mut self, progress: &Progress);
    /// True once the user asked to stop.
    fn cancelled(&self) -> bool;
    /// Milliseconds from an arbitrary origin.
    fn now_ms(&self) -> f64;
    /// Lets other tasks run (a no-op natively).
    fn yield_now(&self) -> impl Future<Output = ()>;
    /// Called while a file is read, with the share read so far (0–1).
    fn reading(&mut self, _fraction: f64) {}
    /// Called as a leaderboard fits models: fits done, fits in all, model now running.
    fn fitting(&mut self, _done: usize, _total: usize, _model: &str) {}
    /// A second compute worker that takes half of each training batch, where the shell has
    /// one for the device in use (the browser's CPU kernel; natively the kernel splits the
    /// batch over threads itself).
    fn batch_helper(&self) -> Option<&dyn BatchHelper> {
        None
    }
}

/// A host that reports nothing, never cancels and has no clock (timings read 0): for tests
/// and for callers that only want the result.
#[derive(Debug, Default, Clone, Copy)]
pub struct QuietHost;

impl Host for QuietHost {
    fn progress(&mut self, _progress: &Progress) {}
    fn cancelled(&self) -> bool {
        false
    }
    fn now_ms(&self) -> f64 {
        0.0
    }
    async fn yield_now(&self) {}
}

//! Evaluation: accuracy metrics in the data's own units.

pub mod backtest;
pub mod metrics;
pub mod request;

pub use metrics::{Context, IntervalScore, Metrics};

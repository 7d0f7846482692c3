//! Evaluation: accuracy metrics in the data's own units.

pub mod metrics;

pub use metrics::{Context, IntervalScore, Metrics};

//! Training: settings, the loop (early stopping, cancellation, progress) and its outcome.

pub mod backtest;
pub mod error;
pub mod outcome;
pub mod rng;
pub mod settings;
pub mod split;
pub mod trainer;

pub use error::TrainError;
pub use outcome::{EpochLoss, Progress, TrainOutcome};
pub use settings::TrainSettings;
pub use split::{BatchHelper, SplitError};
pub use trainer::{Host, train};

//! Training: settings, the loop (early stopping, cancellation, progress) and its outcome.

pub mod batch_split;
pub mod error;
pub mod host;
pub mod outcome;
pub mod settings;
pub mod trainer;

pub use batch_split::{BatchHelper, SplitError};
pub use error::TrainError;
pub use host::{Host, QuietHost};
pub use outcome::{EpochLoss, Progress, TrainOutcome};
pub use settings::TrainSettings;
pub use trainer::{TrainedLstm, fit, train};

//! Errors that stop a training run.

use thiserror::Error;

use crate::data::DataError;

/// Why a training run did not finish.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum TrainError {
    /// The data could not be turned into windows.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A model or training setting is invalid.
    #[error("invalid setting: {0}")]
    Settings(String),
    /// No data set is loaded yet.
    #[error("no data loaded: load a CSV file or the sample data set first")]
    NoData,
    /// The loss became NaN or infinite.
    #[error(
        "training diverged at epoch {epoch} (loss is {loss}); try a lower learning rate, a shorter window, or check the data for extreme values"
    )]
    NonFinite { epoch: usize, loss: f64 },
    /// The compute backend failed (device lost, read-back failed).
    #[error("the {backend} backend failed: {message}")]
    Backend { backend: String, message: String },
    /// Splitting a batch with the helper worker failed.
    #[error(transparent)]
    Split(#[from] crate::train::batch_split::SplitError),
    /// The user cancelled the run.
    #[error("training was cancelled")]
    Cancelled,
}

//! What a training run reports: progress while it runs and the outcome when it ends.

use serde::{Deserialize, Serialize};

use crate::eval::Metrics;

/// Progress of a running job, sent after every batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Current epoch, 1-based.
    pub epoch: usize,
    /// Maximum epochs.
    pub epochs: usize,
    /// Batches done in this epoch.
    pub batch: usize,
    /// Batches per epoch.
    pub batches: usize,
    /// Mean training loss of the batches done so far in this epoch (scaled units, MSE).
    pub train_loss: f64,
    /// Validation loss of the last finished epoch.
    pub validation_loss: Option<f64>,
    /// Milliseconds since training started.
    pub elapsed_ms: f64,
    /// Estimated milliseconds left if all epochs run (early stopping may end sooner).
    pub eta_ms: f64,
}

/// Loss of one finished epoch (MSE on scaled values).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpochLoss {
    /// Epoch, 1-based.
    pub epoch: usize,
    /// Mean training loss.
    pub train: f64,
    /// Validation loss.
    pub validation: f64,
}

/// Result of a finished run, everything in the data's own units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOutcome {
    /// Which backend ran (e.g. "WebGPU", "CPU (ndarray)").
    pub backend: String,
    /// Target column.
    pub target: String,
    /// Input features, target first.
    pub features: Vec<String>,
    /// Loss per epoch.
    pub history: Vec<EpochLoss>,
    /// Epoch whose weights were kept (lowest validation loss).
    pub best_epoch: usize,
    /// Whether early stopping ended the run before the last epoch.
    pub stopped_early: bool,
    /// Accuracy on the test part over every window and horizon step.
    pub test_metrics: Metrics,
    /// Time labels of the test rows charted below.
    pub test_labels: Vec<String>,
    /// Actual target over the test rows (`NaN` where missing; `null` in JSON).
    #[serde(with = "crate::data::json::nan_as_null")]
    pub test_actual: Vec<f64>,
    /// One-step-ahead prediction for each test row.
    pub test_predicted: Vec<f64>,
    /// Time labels of the forecast past the end of the data.
    pub forecast_labels: Vec<String>,
    /// Forecast for the next `horizon` steps past the end of the data.
    pub forecast: Vec<f64>,
    /// Windows used for training, validation and test.
    pub window_counts: [usize; 3],
    /// Missing cells filled before training.
    pub filled_cells: usize,
    /// Mean milliseconds per training step (forward, backward, optimiser).
    pub ms_per_step: f64,
    /// Wall time of the whole run in milliseconds.
    pub total_ms: f64,
    /// Training steps in all.
    #[serde(default)]
    pub training_steps: usize,
    /// Steps of which a helper worker computed half the batch (the browser on two cores or
    /// more; natively the CPU kernel splits batches over threads itself).
    #[serde(default)]
    pub split_steps: usize,
}

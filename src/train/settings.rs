//! Everything a training run needs to know, with the seed-004 defaults.

use serde::{Deserialize, Serialize};

use crate::data::window::WindowSpec;

/// Training settings. Defaults follow the seed-004 power forecaster: window 168, stacked
/// LSTM 64→32, dropout 0.2/0.1, L2 1e-4, Adam lr 1e-3, batch 64, chronological 80/20 split
/// with the last 10% of training windows for validation, early stopping with patience 7
/// restoring the best weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainSettings {
    /// Columns, window, horizon and split.
    pub data: WindowSpec,
    /// Hidden size per LSTM layer.
    pub hidden: Vec<usize>,
    /// Dropout after each LSTM layer.
    pub dropout: Vec<f64>,
    /// Maximum epochs.
    pub epochs: usize,
    /// Windows per batch.
    pub batch_size: usize,
    /// Adam learning rate.
    pub learning_rate: f64,
    /// L2 penalty λ on the weights (loss += λ·Σw², Keras `kernel_regularizer` semantics).
    pub l2: f64,
    /// Epochs without a better validation loss before stopping.
    pub patience: usize,
    /// Seed for weights, dropout and batch order.
    pub seed: u64,
}

impl Default for WindowSpec {
    fn default() -> Self {
        WindowSpec {
            target: String::new(),
            features: Vec::new(),
            calendar: true,
            window: 168,
            horizon: 1,
            test_fraction: 0.2,
            validation_fraction: 0.1,
            group: None,
            across_groups: false,
            fill: Default::default(),
            scaler: Default::default(),
            column_scalers: Default::default(),
            holidays: Default::default(),
            user_holidays: Vec::new(),
        }
    }
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            data: WindowSpec::default(),
            hidden: vec![64, 32],
            dropout: TrainSettings::default_dropout(2),
            epochs: 50,
            batch_size: 64,
            learning_rate: 1e-3,
            l2: 1e-4,
            patience: 7,
            seed: 42,
        }
    }
}

impl TrainSettings {
    /// The dropout after each of `layers` LSTM layers when none is chosen: 0.2 after the
    /// first, 0.1 after the others (seed 004). The one place this default lives.
    pub fn default_dropout(layers: usize) -> Vec<f64> {
        (0..layers)
            .map(|i| if i == 0 { 0.2 } else { 0.1 })
            .collect()
    }

    /// These settings with other hidden sizes, and the default dropout for that many layers.
    pub fn with_hidden(mut self, hidden: Vec<usize>) -> Self {
        self.dropout = TrainSettings::default_dropout(hidden.len());
        self.hidden = hidden;
        self
    }

    /// Checks ranges before any work starts.
    ///
    /// # Errors
    /// A message naming the setting and what was expected.
    pub fn validate(&self) -> Result<(), String> {
        if self.epochs == 0 {
            return Err("epochs must be at least 1".into());
        }
        if self.batch_size == 0 {
            return Err("batch size must be at least 1".into());
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(format!(
                "learning rate must be a positive number, got {}",
                self.learning_rate
            ));
        }
        if !(self.l2 >= 0.0 && self.l2.is_finite()) {
            return Err(format!("L2 must be zero or positive, got {}", self.l2));
        }
        if self.data.target.is_empty() {
            return Err("choose a target column".into());
        }
        Ok(())
    }
}

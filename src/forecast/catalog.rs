//! The catalogue of models: every model by name, with its defaults in one place.

use serde::{Deserialize, Serialize};

use super::hybrid::HybridForm;
use crate::models::stats::kind::ModelKind;
use crate::train::TrainSettings;

/// The leaderboard name of the LSTM.
pub const LSTM_MODEL: &str = "lstm";

/// A model and its settings: what a fit needs besides the data, and what tuning and the
/// registry store (it serialises to JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ModelSpec {
    /// A statistical model, with the automatic choices it makes for the season at hand.
    Stats(ModelKind),
    /// The stacked LSTM with these settings; the data part (target, covariates, horizon,
    /// split) is set by the fit from the data it is given.
    Lstm(Box<TrainSettings>),
    /// A hybrid of a statistical model and the LSTM (these settings): auto-ARIMA with the
    /// LSTM on its residuals, or the LSTM with GARCH bands.
    Hybrid(HybridForm, Box<TrainSettings>),
}

impl ModelSpec {
    /// The name used in the CLI, the JSON lines and the leaderboard's `data-model`.
    pub fn name(&self) -> &'static str {
        match self {
            ModelSpec::Stats(kind) => kind.name(),
            ModelSpec::Lstm(_) => LSTM_MODEL,
            ModelSpec::Hybrid(form, _) => form.name(),
        }
    }

    /// The model by name, with its default settings.
    pub fn by_name(name: &str) -> Option<ModelSpec> {
        match name.trim() {
            LSTM_MODEL => Some(ModelSpec::Lstm(Box::new(lstm_defaults()))),
            other => match HybridForm::parse(other) {
                Some(form) => Some(ModelSpec::Hybrid(form, Box::new(lstm_defaults()))),
                None => ModelKind::parse(other).map(ModelSpec::Stats),
            },
        }
    }

    /// Every statistical model, in leaderboard order (what "all" means: the LSTM trains
    /// once per fold, so it is asked for by name).
    pub fn statistical() -> Vec<ModelSpec> {
        ModelKind::ALL.into_iter().map(ModelSpec::Stats).collect()
    }

    /// Every model `all` runs, by name, with a few words on what it is: what a model
    /// picker lists.
    pub fn all_described() -> Vec<(&'static str, &'static str)> {
        ModelKind::ALL
            .iter()
            .map(|k| (k.name(), k.describe()))
            .collect()
    }

    /// Every model name, for messages.
    pub fn names() -> Vec<&'static str> {
        ModelKind::ALL
            .iter()
            .chain(&ModelKind::NAMED_ONLY)
            .map(|k| k.name())
            .chain(std::iter::once(LSTM_MODEL))
            .chain(HybridForm::ALL.map(HybridForm::name))
            .collect()
    }
}

/// The LSTM's settings as a leaderboard or backtest row trains it: the seed-004 defaults of
/// [`TrainSettings`] with 20 epochs per fold.
pub fn lstm_defaults() -> TrainSettings {
    TrainSettings {
        epochs: LSTM_BACKTEST_EPOCHS,
        ..TrainSettings::default()
    }
}

/// Maximum epochs per fold when the LSTM is backtested (early stopping may end sooner).
pub const LSTM_BACKTEST_EPOCHS: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_round_trip_through_json_and_names() {
        for name in ModelSpec::names() {
            let spec = ModelSpec::by_name(name).unwrap();
            assert_eq!(spec.name(), name);
            let json = serde_json::to_string(&spec).unwrap();
            assert_eq!(serde_json::from_str::<ModelSpec>(&json).unwrap(), spec);
        }
        assert_eq!(
            serde_json::to_string(&ModelSpec::Stats(ModelKind::SeasonalNaive)).unwrap(),
            r#"{"Stats":"snaive"}"#
        );
        assert!(ModelSpec::by_name("tbats").is_none());
    }
}

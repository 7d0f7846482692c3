//! Fitting a [`ModelSpec`] on a training range and forecasting from its end: the face every
//! model family shows the backtest, the leaderboard and (later) tuning and the registry.

use burn::tensor::Device;
use thiserror::Error;

use super::catalog::ModelSpec;
use super::lstm::{FittedLstm, fit_lstm};
use super::series::SeriesData;
use crate::data::DataError;
use crate::models::stats::{Fitted, Forecast, StatsError};
use crate::train::{Host, TrainError};

/// Why a model could not be fitted or could not forecast.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FitError {
    /// A statistical model's failure.
    #[error(transparent)]
    Stats(#[from] StatsError),
    /// The network could not be trained.
    #[error(transparent)]
    Train(#[from] TrainError),
    /// More steps were asked than the model forecasts.
    #[error("{model} forecasts {trained} steps at once; {asked} were asked")]
    HorizonTooLong {
        /// Model label.
        model: String,
        /// Steps the model was fitted for.
        trained: usize,
        /// Steps asked.
        asked: usize,
    },
    /// The forecast has NaN or infinite values.
    #[error("{model} produced a non-finite forecast")]
    NonFinite {
        /// Model label.
        model: String,
    },
}

impl FitError {
    /// Whether the user cancelled (not a failure of the model).
    pub fn is_cancelled(&self) -> bool {
        matches!(self, FitError::Train(TrainError::Cancelled))
    }

    /// The setting that would fix the error, in the data's terms, where one does.
    pub fn setting(&self) -> Option<&'static str> {
        match self {
            FitError::Stats(e) => e.setting(),
            FitError::Train(TrainError::Data(DataError::TooShort { .. })) => Some("window"),
            _ => None,
        }
    }
}

/// What a fit runs with besides the data: the device and its name (for the neural models),
/// the host (progress, cancel, clock), and the horizon the model must be able to forecast.
pub struct FitContext<'a, H: Host> {
    /// Plain (non-autodiff) device.
    pub device: &'a Device,
    /// Its name, for outcomes and errors.
    pub backend: &'a str,
    /// Progress, cancel and clock.
    pub host: &'a mut H,
    /// Steps the fitted model will be asked to forecast (models that forecast a fixed
    /// number of steps at once are fitted for it).
    pub horizon: usize,
    /// Interval levels in percent.
    pub levels: &'a [f64],
    /// Season length (1 for none) the seasonal models use: the plan's, so fits and
    /// scores agree.
    pub season: usize,
}

/// A fitted model, of any family.
pub enum FittedModel {
    /// A statistical model.
    Stats(Box<dyn Fitted>),
    /// A trained LSTM.
    Lstm(Box<FittedLstm>),
}

impl std::fmt::Debug for FittedModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FittedModel({})", self.label())
    }
}

impl FittedModel {
    /// The fitted form, e.g. `ETS(M,A,M)` or `LSTM 64→32, window 52`.
    pub fn label(&self) -> String {
        match self {
            FittedModel::Stats(fitted) => fitted.label(),
            FittedModel::Lstm(lstm) => lstm.label(),
        }
    }

    /// Size: the numbers the model keeps to forecast (weights for a network).
    pub fn parameters(&self) -> usize {
        match self {
            FittedModel::Stats(fitted) => fitted.parameters(),
            FittedModel::Lstm(lstm) => lstm.parameters(),
        }
    }

    /// Forecasts `horizon` steps past the end of the training data, with an interval per
    /// level where the model has them (the LSTM has none yet).
    ///
    /// # Errors
    /// [`FitError::HorizonTooLong`], [`FitError::NonFinite`], or the model's own failure.
    pub async fn forecast<H: Host>(
        &self,
        horizon: usize,
        ctx: &FitContext<'_, H>,
    ) -> Result<Forecast, FitError> {
        let forecast = match self {
            FittedModel::Stats(fitted) => fitted.predict(horizon, ctx.levels)?,
            FittedModel::Lstm(lstm) => lstm.forecast(horizon, ctx.device, ctx.backend).await?,
        };
        if forecast.point.len() != horizon {
            return Err(FitError::HorizonTooLong {
                model: self.label(),
                trained: forecast.point.len(),
                asked: horizon,
            });
        }
        if forecast.point.iter().any(|v| !v.is_finite()) {
            return Err(FitError::NonFinite {
                model: self.label(),
            });
        }
        Ok(forecast)
    }
}

impl ModelSpec {
    /// Fits the model on points `start..end` of `data`.
    ///
    /// # Errors
    /// The model's failure; [`FitError::Train`] with [`TrainError::Cancelled`] on a cancel.
    pub async fn fit<H: Host>(
        &self,
        data: &SeriesData,
        start: usize,
        end: usize,
        ctx: &mut FitContext<'_, H>,
    ) -> Result<FittedModel, FitError> {
        match self {
            ModelSpec::Stats(kind) => Ok(FittedModel::Stats(
                kind.fit(&data.values[start..end], ctx.season)?,
            )),
            ModelSpec::Lstm(settings) => Ok(FittedModel::Lstm(Box::new(
                fit_lstm(data, start, end, settings, ctx).await?,
            ))),
        }
    }
}

//! Fitting a [`ModelSpec`] on a training range and forecasting from its end: the face every
//! model family shows the backtest, the leaderboard and (later) tuning and the registry.

use burn::tensor::Device;
use thiserror::Error;

use super::catalog::ModelSpec;
use super::hybrid::{FittedHybrid, fit_hybrid};
use super::lstm::{FittedLstm, fit_lstm, fit_lstm_across};
use super::series::SeriesData;
use crate::data::DataError;
use crate::data::holidays::Holidays;
use crate::eval::score::{FeatureShare, Part, Response};
use crate::models::stats::kind::FitInput;
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
    /// A model that fits one series at a time was asked to learn from several.
    #[error("{model} fits one series at a time; it cannot learn from several")]
    NotGlobal {
        /// Model name.
        model: String,
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
            FitError::Train(TrainError::Data(
                DataError::TooShort { .. }
                | DataError::BeforeFirstWindow { .. }
                | DataError::GroupsTooShort { .. },
            )) => Some("window"),
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
    /// Further seasonal periods the multi-seasonal models (MSTL) use besides `season`.
    pub periods: &'a [usize],
    /// Holidays the calendar models (Prophet-style) give an effect.
    pub holidays: &'a Holidays,
    /// The Prophet-style model's logistic capacity (linear growth when `None`).
    pub cap: Option<f64>,
}

/// A fitted model, of any family, with the range of points it was fitted on and the
/// range it now forecasts from (the same, until [`FittedModel::condition`] moves it on).
pub struct FittedModel {
    family: Family,
    start: usize,
    end: usize,
}

/// The fitted model of each family.
enum Family {
    Stats(Box<dyn Fitted>),
    Lstm(Box<FittedLstm>),
    Hybrid(Box<FittedHybrid>),
}

impl std::fmt::Debug for FittedModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "FittedModel({}, {}..{})",
            self.label(),
            self.start,
            self.end
        )
    }
}

impl FittedModel {
    /// The fitted form, e.g. `ETS(M,A,M)` or `LSTM 64→32, window 52`.
    pub fn label(&self) -> String {
        match &self.family {
            Family::Stats(fitted) => fitted.label(),
            Family::Lstm(lstm) => lstm.label(),
            Family::Hybrid(hybrid) => hybrid.label(),
        }
    }

    /// Size: the numbers the model keeps to forecast (weights for a network).
    pub fn parameters(&self) -> usize {
        match &self.family {
            Family::Stats(fitted) => fitted.parameters(),
            Family::Lstm(lstm) => lstm.parameters(),
            Family::Hybrid(hybrid) => hybrid.parameters(),
        }
    }

    /// Each feature's share of what the fit learned from it, largest first (models with
    /// features: the boosted trees); other columns named after `data`'s.
    pub fn importance(&self, data: &SeriesData) -> Vec<FeatureShare> {
        let Family::Stats(fitted) = &self.family else {
            return vec![];
        };
        let names = data.input_names();
        let mut shares: Vec<FeatureShare> = fitted
            .importance(&names)
            .into_iter()
            .map(|(feature, share)| FeatureShare { feature, share })
            .collect();
        shares.sort_by(|a, b| b.share.total_cmp(&a.share));
        shares
    }

    /// How the forecast level answers a shock to each modelled variable over steps 0 …
    /// `steps` (VAR's impulse responses), the variables named after `data`'s target and
    /// inputs; empty for the other models.
    pub fn responses(&self, data: &SeriesData, steps: usize) -> Vec<Response> {
        let Family::Stats(fitted) = &self.family else {
            return vec![];
        };
        let names: Vec<String> = std::iter::once(data.target.clone())
            .chain(data.input_names())
            .collect();
        fitted
            .impulse_responses(steps, &names)
            .into_iter()
            .map(|(shock, response)| Response { shock, response })
            .collect()
    }

    /// The additive parts of the forecast of `horizon` steps (the hybrid ARIMA–LSTM:
    /// ARIMA's forecast and the LSTM's correction); empty for the other models.
    ///
    /// # Errors
    /// A part's failure to forecast.
    pub async fn parts<H: Host>(
        &self,
        horizon: usize,
        ctx: &FitContext<'_, H>,
    ) -> Result<Vec<Part>, FitError> {
        match &self.family {
            Family::Hybrid(hybrid) => hybrid.parts(horizon, ctx.device, ctx.backend).await,
            Family::Stats(_) | Family::Lstm(_) => Ok(vec![]),
        }
    }

    /// The points `start..end` the next forecast starts after.
    pub fn range(&self) -> (usize, usize) {
        (self.start, self.end)
    }

    /// The same model, nothing estimated again (coefficients, smoothing parameters,
    /// weights and scalers kept), brought up to point `end` of `data`: the forecast then
    /// starts there. `data` is the series the model was fitted on (for a global model, any
    /// series with the same columns); `end` may be any point past the start of the fit
    /// (before the fit's end it forecasts in-sample).
    ///
    /// # Errors
    /// [`FitError::Stats`] when the state recursions break down on the new points (the
    /// network checks that a full window comes before `end` when it forecasts).
    pub fn condition(&self, data: &SeriesData, end: usize) -> Result<FittedModel, FitError> {
        // An origin before the fit's start leaves no points: the model says it is too short.
        let end = end.min(data.len()).max(self.start.min(data.len()));
        let start = self.start.min(end);
        let family = match &self.family {
            Family::Stats(fitted) => Family::Stats(fitted.condition(&data.values[start..end])?),
            Family::Lstm(lstm) => Family::Lstm(Box::new(lstm.condition(data, start, end))),
            Family::Hybrid(hybrid) => Family::Hybrid(Box::new(hybrid.condition(data, start, end)?)),
        };
        Ok(FittedModel {
            family,
            start: self.start,
            end,
        })
    }

    /// Forecasts `horizon` steps past the end of its range, with an interval per level
    /// where the model has them (the LSTM has none yet).
    ///
    /// # Errors
    /// [`FitError::HorizonTooLong`], [`FitError::NonFinite`], or the model's own failure.
    pub async fn forecast<H: Host>(
        &self,
        horizon: usize,
        ctx: &FitContext<'_, H>,
    ) -> Result<Forecast, FitError> {
        let forecast = match &self.family {
            Family::Stats(fitted) => fitted.predict(horizon, ctx.levels)?,
            Family::Lstm(lstm) => lstm.forecast(horizon, ctx.device, ctx.backend).await?,
            Family::Hybrid(hybrid) => {
                hybrid
                    .forecast(horizon, ctx.levels, ctx.device, ctx.backend)
                    .await?
            }
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
    /// Whether one fit can learn from many series (a panel's groups) and then forecast any
    /// series, seen or not, from its own recent points: a global model (the LSTM). The
    /// statistical models are local: one fit per series.
    pub fn is_global(&self) -> bool {
        matches!(self, ModelSpec::Lstm(_))
    }

    /// Fits a global model on every point of several series (windows never cross from
    /// one series into the next). The fitted model forecasts a series once brought up to
    /// a point of it with [`FittedModel::condition`].
    ///
    /// # Errors
    /// [`FitError::NotGlobal`] for a local model; the model's failure otherwise.
    pub async fn fit_across<H: Host>(
        &self,
        series: &[&SeriesData],
        ctx: &mut FitContext<'_, H>,
    ) -> Result<FittedModel, FitError> {
        let family = match self {
            ModelSpec::Stats(_) | ModelSpec::Hybrid(..) => {
                return Err(FitError::NotGlobal {
                    model: self.name().to_string(),
                });
            }
            ModelSpec::Lstm(settings) => {
                Family::Lstm(Box::new(fit_lstm_across(series, settings, ctx).await?))
            }
        };
        Ok(FittedModel {
            family,
            start: 0,
            end: 0,
        })
    }

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
        let family = match self {
            ModelSpec::Stats(kind) => {
                // The regressions read the covariates' past (the frame's other columns)
                // from the fit's first point on, and the known-ahead ones also at the steps
                // forecast; the rest never look at them.
                // A model that reads no future (VAR) still reads a known-ahead column's past.
                let (mut past, ahead) = data.inputs(start);
                let (mut past_names, ahead_names) = data.input_name_groups();
                let (ahead, ahead_names) = if kind.uses_ahead() {
                    (ahead, ahead_names)
                } else {
                    past.extend(ahead);
                    past_names.extend(ahead_names);
                    (vec![], vec![])
                };
                let (factors, mut names) = if kind.uses_factors() {
                    (past, past_names)
                } else {
                    (vec![], vec![])
                };
                names.extend(ahead_names);
                Family::Stats(
                    kind.fit_input(&FitInput {
                        y: &data.values[start..end],
                        season: ctx.season,
                        periods: ctx.periods,
                        horizon: ctx.horizon,
                        factors: &factors,
                        ahead: &ahead,
                        stamps: data
                            .frame
                            .timestamps
                            .as_deref()
                            .and_then(|s| s.get(start..)),
                        frequency: Some(&data.frame.frequency),
                        holidays: Some(ctx.holidays),
                        input_names: &names,
                        cap: ctx.cap,
                    })?,
                )
            }
            ModelSpec::Lstm(settings) => {
                Family::Lstm(Box::new(fit_lstm(data, start, end, settings, ctx).await?))
            }
            ModelSpec::Hybrid(form, settings) => Family::Hybrid(Box::new(
                fit_hybrid(*form, data, start, end, settings, ctx).await?,
            )),
        };
        Ok(FittedModel { family, start, end })
    }
}

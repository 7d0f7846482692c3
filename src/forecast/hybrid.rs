//! The hybrids our fuel-price users run, an LSTM and a statistical model each doing what
//! it does best:
//! - `hybrid` (ARIMA–LSTM): auto-ARIMA models the series, an LSTM learns what ARIMA leaves
//!   (its one-step-ahead residuals, with the same covariates and calendar features the
//!   LSTM row uses), and the forecast is ARIMA's plus the LSTM's forecast of the residuals.
//!   Intervals are ARIMA's, moved by the correction.
//! - `lstm-garch`: the LSTM forecasts the level (the mean), GARCH(1,1) on the series'
//!   returns puts volatility bands around that path (wide after turbulent days, narrow
//!   after calm ones).
//!
//! The backtest's conformal intervals cover either hybrid as a whole.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::fitted::{FitContext, FitError};
use super::lstm::{FittedLstm, fit_lstm};
use super::series::SeriesData;
use crate::eval::Part;
use crate::models::stats::garch::{Errors, FittedGarchLevel, Garch, Mean};
use crate::models::stats::kind::{FitInput, ModelKind};
use crate::models::stats::{Fitted, Forecast};
use crate::train::{Host, TrainSettings};

/// Which hybrid: how the LSTM and the statistical model share the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HybridForm {
    /// Auto-ARIMA with an LSTM on its residuals (`hybrid`).
    #[serde(rename = "hybrid")]
    ArimaLstm,
    /// The LSTM's forecast with GARCH(1,1) volatility bands (`lstm-garch`).
    #[serde(rename = "lstm-garch")]
    LstmGarch,
}

impl HybridForm {
    /// Every hybrid.
    pub const ALL: [HybridForm; 2] = [HybridForm::ArimaLstm, HybridForm::LstmGarch];

    /// The name used in the CLI, the JSON lines and the leaderboard's `data-model`.
    pub fn name(self) -> &'static str {
        match self {
            HybridForm::ArimaLstm => "hybrid",
            HybridForm::LstmGarch => "lstm-garch",
        }
    }

    /// The hybrid by name.
    pub fn parse(name: &str) -> Option<HybridForm> {
        HybridForm::ALL
            .into_iter()
            .find(|f| f.name() == name.trim())
    }
}

/// The GARCH that puts bands around the LSTM's path: (1,1), normal errors, constant mean
/// of the returns.
const BAND_GARCH: Garch = Garch {
    p: 1,
    q: 1,
    errors: Errors::Normal,
    mean: Mean::Constant,
};

/// A fitted hybrid.
pub enum FittedHybrid {
    /// ARIMA on the series, the LSTM on its residuals.
    ArimaLstm {
        /// The ARIMA part.
        arima: Box<dyn Fitted>,
        /// The LSTM on ARIMA's residuals.
        lstm: FittedLstm,
    },
    /// The LSTM on the series, GARCH on its returns.
    LstmGarch {
        /// The LSTM: the mean.
        lstm: FittedLstm,
        /// GARCH on the returns: the bands.
        garch: Box<FittedGarchLevel>,
    },
}

/// `data` with its target replaced, over points `start..start + fitted.len()`, by the
/// residuals of `fitted` (actual less one-step fitted value; 0 where the model has no
/// fitted value, e.g. the first points of a differenced ARIMA).
fn residual_series(data: &SeriesData, start: usize, fitted: &dyn Fitted) -> SeriesData {
    let mut values = data.values.clone();
    for (i, f) in fitted.fitted_values().into_iter().enumerate() {
        if let Some(v) = values.get_mut(start + i) {
            *v = if f.is_finite() { *v - f } else { 0.0 };
        }
    }
    data.with_target_values(values)
}

/// Fits the hybrid `form` on points `start..end` of `data`: ARIMA, then the LSTM (with
/// `settings`) on its residuals over the same points; or GARCH on the returns, then the
/// LSTM on the series.
///
/// # Errors
/// The statistical part's failure, or the LSTM's ([`FitError::Train`]: too few points, a
/// cancel).
pub async fn fit_hybrid<H: Host>(
    form: HybridForm,
    data: &SeriesData,
    start: usize,
    end: usize,
    settings: &TrainSettings,
    ctx: &mut FitContext<'_, H>,
) -> Result<FittedHybrid, FitError> {
    let y = &data.values[start..end];
    Ok(match form {
        HybridForm::ArimaLstm => {
            let arima = ModelKind::Arima.fit_input(&FitInput::univariate(
                y,
                ctx.season,
                ctx.periods,
                ctx.horizon,
            ))?;
            let residuals = residual_series(data, start, arima.as_ref());
            let lstm = fit_lstm(&residuals, start, end, settings, ctx).await?;
            FittedHybrid::ArimaLstm { arima, lstm }
        }
        HybridForm::LstmGarch => {
            // GARCH first: it is quick and says at once when the series cannot carry it.
            let garch = Box::new(BAND_GARCH.fit_levels(y)?);
            let lstm = fit_lstm(data, start, end, settings, ctx).await?;
            FittedHybrid::LstmGarch { lstm, garch }
        }
    })
}

impl FittedHybrid {
    /// e.g. `ARIMA(1,1,0) + LSTM 64→32, window 12 on its residuals`.
    pub fn label(&self) -> String {
        match self {
            FittedHybrid::ArimaLstm { arima, lstm } => {
                format!("{} + {} on its residuals", arima.label(), lstm.label())
            }
            FittedHybrid::LstmGarch { lstm, garch } => {
                format!("{} with {} bands", lstm.label(), garch.label())
            }
        }
    }

    /// The statistical part's coefficients and the network's weights.
    pub fn parameters(&self) -> usize {
        match self {
            FittedHybrid::ArimaLstm { arima, lstm } => arima.parameters() + lstm.parameters(),
            FittedHybrid::LstmGarch { lstm, garch } => garch.parameters() + lstm.parameters(),
        }
    }

    /// Both parts brought up to point `end` of `data` (fitted from `start`), nothing
    /// estimated again: the statistical part filtered over the new points, the LSTM
    /// forecasting from there (from ARIMA's residuals, for the ARIMA–LSTM).
    ///
    /// # Errors
    /// The statistical part's failure on the new points.
    pub fn condition(
        &self,
        data: &SeriesData,
        start: usize,
        end: usize,
    ) -> Result<FittedHybrid, FitError> {
        let y = &data.values[start..end];
        Ok(match self {
            FittedHybrid::ArimaLstm { arima, lstm } => {
                let arima = arima.condition(y)?;
                let residuals = residual_series(data, start, arima.as_ref());
                let lstm = lstm.condition(&residuals, start, end);
                FittedHybrid::ArimaLstm { arima, lstm }
            }
            FittedHybrid::LstmGarch { lstm, garch } => FittedHybrid::LstmGarch {
                lstm: lstm.condition(data, start, end),
                garch: Box::new(garch.conditioned(y)?),
            },
        })
    }

    /// The additive parts of the forecast: ARIMA's and the LSTM's correction for the
    /// ARIMA–LSTM (they sum to its forecast); none for `lstm-garch`, whose point is the
    /// LSTM's alone.
    ///
    /// # Errors
    /// Either part's failure.
    pub async fn parts(
        &self,
        horizon: usize,
        device: &Device,
        backend: &str,
    ) -> Result<Vec<Part>, FitError> {
        match self {
            FittedHybrid::ArimaLstm { arima, lstm } => Ok(vec![
                Part {
                    part: arima.label(),
                    forecast: arima.predict(horizon, &[])?.point,
                },
                Part {
                    part: "LSTM on its residuals".into(),
                    forecast: lstm.forecast(horizon, device, backend).await?.point,
                },
            ]),
            FittedHybrid::LstmGarch { .. } => Ok(vec![]),
        }
    }

    /// ARIMA's forecast plus the LSTM's forecast of its residuals, ARIMA's intervals moved
    /// with it; or the LSTM's forecast with GARCH's bands around it.
    ///
    /// # Errors
    /// Either part's failure.
    pub async fn forecast(
        &self,
        horizon: usize,
        levels: &[f64],
        device: &Device,
        backend: &str,
    ) -> Result<Forecast, FitError> {
        match self {
            FittedHybrid::ArimaLstm { arima, lstm } => {
                let mut forecast = arima.predict(horizon, levels)?;
                let correction = lstm.forecast(horizon, device, backend).await?.point;
                for (p, c) in forecast.point.iter_mut().zip(&correction) {
                    *p += c;
                }
                for interval in &mut forecast.intervals {
                    for (b, c) in interval.lower.iter_mut().zip(&correction) {
                        *b += c;
                    }
                    for (b, c) in interval.upper.iter_mut().zip(&correction) {
                        *b += c;
                    }
                }
                Ok(forecast)
            }
            FittedHybrid::LstmGarch { lstm, garch } => {
                let point = lstm.forecast(horizon, device, backend).await?.point;
                let intervals = garch.intervals_around(&point, levels)?;
                Ok(Forecast { point, intervals })
            }
        }
    }
}

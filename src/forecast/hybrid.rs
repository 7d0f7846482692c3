//! The hybrid ARIMA–LSTM our fuel-price users run: auto-ARIMA models the series, an LSTM
//! learns what ARIMA leaves (its one-step-ahead residuals, with the same covariates and
//! calendar features the LSTM row uses), and the forecast is ARIMA's plus the LSTM's
//! forecast of the residuals. Intervals are ARIMA's, moved by the correction (the
//! backtest's conformal intervals cover the whole hybrid).

use burn::tensor::Device;

use super::fitted::{FitContext, FitError};
use super::lstm::{FittedLstm, fit_lstm};
use super::series::SeriesData;
use crate::models::stats::kind::{FitInput, ModelKind};
use crate::models::stats::{Fitted, Forecast};
use crate::train::{Host, TrainSettings};

/// The leaderboard name of the hybrid.
pub const HYBRID_MODEL: &str = "hybrid";

/// A fitted hybrid: ARIMA on the series, the LSTM on its residuals.
pub struct FittedHybrid {
    arima: Box<dyn Fitted>,
    lstm: FittedLstm,
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

/// Fits ARIMA on points `start..end` of `data`, then the LSTM (with `settings`) on its
/// residuals over the same points.
///
/// # Errors
/// ARIMA's failure, or the LSTM's ([`FitError::Train`]: too few points, a cancel).
pub async fn fit_hybrid<H: Host>(
    data: &SeriesData,
    start: usize,
    end: usize,
    settings: &TrainSettings,
    ctx: &mut FitContext<'_, H>,
) -> Result<FittedHybrid, FitError> {
    let arima = ModelKind::Arima.fit_input(&FitInput::univariate(
        &data.values[start..end],
        ctx.season,
        ctx.periods,
        ctx.horizon,
    ))?;
    let residuals = residual_series(data, start, arima.as_ref());
    let lstm = fit_lstm(&residuals, start, end, settings, ctx).await?;
    Ok(FittedHybrid { arima, lstm })
}

impl FittedHybrid {
    /// e.g. `ARIMA(1,1,0) + LSTM 64→32, window 12 on its residuals`.
    pub fn label(&self) -> String {
        format!(
            "{} + {} on its residuals",
            self.arima.label(),
            self.lstm.label()
        )
    }

    /// ARIMA's coefficients and the network's weights.
    pub fn parameters(&self) -> usize {
        self.arima.parameters() + self.lstm.parameters()
    }

    /// Both parts brought up to point `end` of `data` (fitted from `start`), nothing
    /// estimated again: ARIMA filtered over the new points, the LSTM forecasting from the
    /// residuals there.
    ///
    /// # Errors
    /// ARIMA's failure on the new points.
    pub fn condition(
        &self,
        data: &SeriesData,
        start: usize,
        end: usize,
    ) -> Result<FittedHybrid, FitError> {
        let arima = self.arima.condition(&data.values[start..end])?;
        let residuals = residual_series(data, start, arima.as_ref());
        let lstm = self.lstm.condition(&residuals, start, end);
        Ok(FittedHybrid { arima, lstm })
    }

    /// ARIMA's forecast plus the LSTM's forecast of its residuals, ARIMA's intervals moved
    /// with it.
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
        let mut forecast = self.arima.predict(horizon, levels)?;
        let correction = self.lstm.forecast(horizon, device, backend).await?.point;
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
}

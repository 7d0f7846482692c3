//! The LSTM behind the model face: trained on the points of a training range (target plus
//! covariates and calendar features), forecasting its horizon at once from the last window.

use std::sync::Arc;

use burn::tensor::Device;

use super::fitted::{FitContext, FitError};
use super::series::SeriesData;
use crate::data::Frame;
use crate::models::stats::Forecast;
use crate::train::{Host, TrainError, TrainSettings, TrainedLstm, fit};

/// A trained LSTM and what it says about itself.
#[derive(Debug, Clone)]
pub struct FittedLstm {
    trained: Arc<TrainedLstm>,
    label: String,
    /// Rows to forecast from when they are not the training data's (a later origin).
    origin: Option<Frame>,
}

impl FittedLstm {
    /// e.g. `LSTM 64→32, window 168`.
    pub fn label(&self) -> String {
        self.label.clone()
    }

    /// Trainable parameters.
    pub fn parameters(&self) -> usize {
        self.trained.parameters()
    }

    /// The same network, forecasting from after points `start..end` of `data`.
    pub fn condition(&self, data: &SeriesData, start: usize, end: usize) -> FittedLstm {
        FittedLstm {
            trained: Arc::clone(&self.trained),
            label: self.label.clone(),
            origin: Some(data.frame_rows(start, end)),
        }
    }

    /// The first `horizon` steps of the network's forecast.
    ///
    /// # Errors
    /// [`FitError::HorizonTooLong`] past the trained horizon; a backend failure.
    pub async fn forecast(
        &self,
        horizon: usize,
        device: &Device,
        backend: &str,
    ) -> Result<Forecast, FitError> {
        if horizon > self.trained.horizon() {
            return Err(FitError::HorizonTooLong {
                model: self.label(),
                trained: self.trained.horizon(),
                asked: horizon,
            });
        }
        let mut point = match &self.origin {
            Some(frame) => self.trained.forecast_from(frame, device, backend).await?,
            None => self.trained.forecast(device, backend).await?,
        };
        point.truncate(horizon);
        Ok(Forecast {
            point,
            intervals: vec![],
        })
    }
}

/// A short description of the network, e.g. `LSTM 64→32, window 168`.
pub fn lstm_label(settings: &TrainSettings) -> String {
    let layers: Vec<String> = settings.hidden.iter().map(|h| h.to_string()).collect();
    format!("LSTM {}, window {}", layers.join("→"), settings.data.window)
}

/// The settings one fit trains with: the given ones, with the data's target and
/// covariates, the context's horizon, one series and no test part (the points after the
/// training range score it instead).
fn fit_settings(settings: &TrainSettings, data: &SeriesData, horizon: usize) -> TrainSettings {
    let mut s = settings.clone();
    s.data.target = data.target.clone();
    s.data.features = data.covariates.iter().map(|c| c.name.clone()).collect();
    s.data.group = None;
    s.data.horizon = horizon;
    s.data.test_fraction = 0.0;
    s
}

/// Trains the LSTM on points `start..end` of `data`.
///
/// # Errors
/// [`FitError::Train`]: too few points for the window, a diverging loss, a cancel.
pub async fn fit_lstm<H: Host>(
    data: &SeriesData,
    start: usize,
    end: usize,
    settings: &TrainSettings,
    ctx: &mut FitContext<'_, H>,
) -> Result<FittedLstm, FitError> {
    let settings = fit_settings(settings, data, ctx.horizon);
    let frame = data.frame_rows(start, end);
    let (_, trained) = fit(&frame, &settings, ctx.device, ctx.backend, ctx.host)
        .await
        .map_err(|e: TrainError| FitError::Train(e))?;
    Ok(FittedLstm {
        trained: Arc::new(trained),
        label: lstm_label(&settings),
        origin: None,
    })
}

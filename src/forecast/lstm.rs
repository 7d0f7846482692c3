//! The LSTM behind the model face: trained on the points of a training range (target plus
//! covariates and calendar features), forecasting its horizon at once from the last window.

use std::sync::Arc;

use burn::tensor::Device;

use super::fitted::{FitContext, FitError};
use super::series::SeriesData;
use crate::data::frame::{Column, Groups};
use crate::data::{DataError, Frame};
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
    train_on(&data.frame_rows(start, end), &settings, ctx).await
}

/// Trains on `frame` with `settings` as they stand.
async fn train_on<H: Host>(
    frame: &Frame,
    settings: &TrainSettings,
    ctx: &mut FitContext<'_, H>,
) -> Result<FittedLstm, FitError> {
    let (_, trained) = fit(frame, settings, ctx.device, ctx.backend, ctx.host)
        .await
        .map_err(|e: TrainError| FitError::Train(e))?;
    Ok(FittedLstm {
        trained: Arc::new(trained),
        label: lstm_label(settings),
        origin: None,
    })
}

/// Trains one LSTM on every point of several series: their frames stacked as the groups of
/// a panel, each column scaled over all of them, windows that never cross a series.
///
/// # Errors
/// [`FitError::Train`]: no series long enough for a window, a diverging loss, a cancel.
pub async fn fit_lstm_across<H: Host>(
    series: &[&SeriesData],
    settings: &TrainSettings,
    ctx: &mut FitContext<'_, H>,
) -> Result<FittedLstm, FitError> {
    let Some(first) = series.first() else {
        return Err(FitError::Train(TrainError::Data(DataError::BadSetting {
            name: "series",
            expected: "at least one to train on",
            found: "none".into(),
        })));
    };
    let mut settings = fit_settings(settings, first, ctx.horizon);
    settings.data.across_groups = true;
    train_on(&stacked(series)?, &settings, ctx).await
}

/// Several series' frames one after another, as a panel's groups.
///
/// # Errors
/// [`FitError::Train`] when the series do not share their columns and time index kind.
fn stacked(series: &[&SeriesData]) -> Result<Frame, FitError> {
    let first = &series[0].frame;
    let names = |f: &Frame| f.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    if let Some(other) = series.iter().find(|s| {
        names(&s.frame) != names(first)
            || s.frame.timestamps.is_some() != first.timestamps.is_some()
    }) {
        return Err(FitError::Train(TrainError::Data(DataError::BadSetting {
            name: "series to train across",
            expected: "the same columns and time index in every series",
            found: format!(
                "{} and {}",
                names(first).join(", "),
                names(&other.frame).join(", ")
            ),
        })));
    }
    let mut ranges = Vec::with_capacity(series.len());
    let mut names = Vec::with_capacity(series.len());
    let mut at = 0;
    for (i, s) in series.iter().enumerate() {
        ranges.push(at..at + s.len());
        names.push(format!("{i}"));
        at += s.len();
    }
    Ok(Frame {
        file_name: first.file_name.clone(),
        time_name: first.time_name.clone(),
        timestamps: first.timestamps.as_ref().map(|_| {
            series
                .iter()
                .flat_map(|s| s.frame.timestamps.iter().flatten().copied())
                .collect()
        }),
        time_has_clock: first.time_has_clock,
        columns: first
            .columns
            .iter()
            .enumerate()
            .map(|(j, c)| {
                Column::new(
                    c.name.clone(),
                    series
                        .iter()
                        .flat_map(|s| s.frame.columns[j].values.iter().copied())
                        .collect(),
                )
            })
            .collect(),
        text_columns: vec![],
        frequency: first.frequency,
        groups: Some(Groups {
            column: "series".into(),
            names,
            ranges,
        }),
    })
}

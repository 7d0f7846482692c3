//! The LSTM as a leaderboard row: trained afresh at every backtest origin on the points
//! before it (and once on everything before the hold-out), forecasting the horizon at once
//! from the last window, and scored by the same [`RowBuilder`] as the statistical models,
//! so every row shares the origins, the metrics and the hold-out.

use std::future::Future;

use burn::tensor::Device;

use super::error::TrainError;
use super::outcome::Progress;
use super::settings::TrainSettings;
use super::trainer::{Host, train};
use crate::data::frame::{Column, Frame};
use crate::eval::backtest::{BacktestError, ModelScore, RowBuilder, Run};
use crate::eval::request::Planned;
use crate::models::stats::Forecast;

/// The leaderboard name of the LSTM row.
pub const LSTM_MODEL: &str = "lstm";

/// Rows `start..end` of a one-column series frame.
fn rows_of(frame: &Frame, start: usize, end: usize) -> Frame {
    Frame {
        timestamps: frame.timestamps.as_ref().map(|t| t[start..end].to_vec()),
        columns: frame
            .columns
            .iter()
            .map(|c| Column::new(c.name.clone(), c.values[start..end].to_vec()))
            .collect(),
        groups: None,
        ..frame.clone()
    }
}

/// The settings one fold trains with: the user's, with the plan's horizon, the target
/// alone (plus calendar features) and no test part (the fold's future scores instead).
fn fold_settings(settings: &TrainSettings, target: &str, horizon: usize) -> TrainSettings {
    let mut s = settings.clone();
    s.data.target = target.to_string();
    s.data.features.clear();
    s.data.group = None;
    s.data.horizon = horizon;
    s.data.test_fraction = 0.0;
    s
}

/// A short description of the network, e.g. `LSTM 64→32, window 168`.
pub fn lstm_label(settings: &TrainSettings) -> String {
    let layers: Vec<String> = settings.hidden.iter().map(|h| h.to_string()).collect();
    format!("LSTM {}, window {}", layers.join("→"), settings.data.window)
}

/// Passes cancel, clock and yields through; turns batch progress into leaderboard progress
/// (`fitting(done, total, "lstm")` with the fold being trained).
struct FoldHost<'a, H: Host> {
    inner: &'a mut H,
    done: usize,
    total: usize,
}

impl<H: Host> Host for FoldHost<'_, H> {
    fn progress(&mut self, _progress: &Progress) {
        self.inner.fitting(self.done, self.total, LSTM_MODEL);
    }
    fn cancelled(&self) -> bool {
        self.inner.cancelled()
    }
    fn now_ms(&self) -> f64 {
        self.inner.now_ms()
    }
    fn yield_now(&self) -> impl Future<Output = ()> {
        self.inner.yield_now()
    }
    fn batch_helper(&self) -> Option<&dyn crate::train::BatchHelper> {
        self.inner.batch_helper()
    }
}

/// Trains on `frame` and forecasts the horizon past its end.
async fn fit_and_forecast(
    frame: &Frame,
    settings: &TrainSettings,
    device: &Device,
    backend: &str,
    host: &mut impl Host,
) -> Result<Run, TrainError> {
    let outcome = train(frame, settings, device, backend, host).await?;
    Ok(Run {
        forecast: Forecast {
            point: outcome.forecast.clone(),
            intervals: vec![],
        },
        label: lstm_label(settings),
        fit_ms: outcome.total_ms,
        // Training ends with the forecast; its share is not timed apart.
        forecast_ms: None,
    })
}

/// Scores the LSTM on the planned origins and hold-out. `done_before` and `total` place its
/// fits in the whole leaderboard's progress. A fold that cannot train (too short for the
/// window, a diverging loss) is kept as the row's error, as for the other models; a cancel
/// stops everything.
pub async fn score_lstm(
    planned: &Planned,
    settings: &TrainSettings,
    device: &Device,
    backend: &str,
    host: &mut impl Host,
    done_before: usize,
    total: usize,
) -> Result<ModelScore, BacktestError> {
    let frame = &planned.series.frame;
    let target = frame
        .columns
        .first()
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let fold = fold_settings(settings, &target, planned.plan.horizon);
    let y = &planned.series.values;
    let mut row = RowBuilder::new(LSTM_MODEL, y, &planned.plan);
    let mut done = done_before;
    let mut fits: Vec<(Option<usize>, usize, usize)> = planned
        .origins
        .iter()
        .map(|&origin| {
            let (start, end) = row.fold_range(origin);
            (Some(origin), start, end)
        })
        .collect();
    if planned.plan.holdout > 0 {
        fits.push((None, 0, row.holdout_start()));
    }
    for (origin, start, end) in fits {
        let mut fold_host = FoldHost {
            inner: &mut *host,
            done,
            total,
        };
        let run = match fit_and_forecast(
            &rows_of(frame, start, end),
            &fold,
            device,
            backend,
            &mut fold_host,
        )
        .await
        {
            Ok(run) => Ok(run),
            Err(TrainError::Cancelled) => return Err(BacktestError::Cancelled),
            Err(e) => Err(e.to_string()),
        };
        match origin {
            Some(origin) => row.record_fold(origin, run),
            None => row.record_holdout(run),
        }
        done += 1;
        host.fitting(done, total, LSTM_MODEL);
        host.yield_now().await;
        if host.cancelled() {
            return Err(BacktestError::Cancelled);
        }
    }
    Ok(row.finish())
}

/// The host's clock, for the statistical models' fit timings.
struct HostClock<'a, H: Host>(&'a H);

impl<H: Host> crate::eval::backtest::Clock for HostClock<'_, H> {
    fn now_ms(&self) -> f64 {
        self.0.now_ms()
    }
}

/// Runs a whole leaderboard request model by model — the statistical models, then the LSTM
/// when the request asks for it — yielding between fits so a cancel can arrive. The CLI
/// runs it under `block_on`, the worker as a future. `Err(None)` when cancelled.
pub async fn run_leaderboard(
    frame: &Frame,
    request: &crate::eval::request::LeaderboardRequest,
    device: &Device,
    backend: &str,
    host: &mut impl Host,
) -> Result<(crate::eval::backtest::Leaderboard, Planned), Option<String>> {
    use crate::eval::backtest::{self, Leaderboard};
    let planned = crate::eval::request::plan(frame, request).map_err(Some)?;
    let per_model = backtest::fits_per_model(&planned.origins, &planned.plan);
    let models = planned.models.len() + usize::from(request.lstm.is_some());
    let total = per_model * models;
    let mut rows = vec![];
    // Model by model and fit by fit, yielding after each fit so a cancel is seen within
    // one fit (the worker reads its messages only while the job yields).
    let y = &planned.series.values;
    let mut done = 0;
    for kind in &planned.models {
        host.fitting(done, total, kind.name());
        host.yield_now().await;
        if host.cancelled() {
            return Err(None);
        }
        let mut row = RowBuilder::new(kind.name(), y, &planned.plan);
        let mut fits: Vec<Option<usize>> = planned.origins.iter().map(|&o| Some(o)).collect();
        if planned.plan.holdout > 0 {
            fits.push(None);
        }
        for origin in fits {
            let run = {
                let clock = HostClock(&*host);
                match origin {
                    Some(origin) => {
                        let (start, end) = row.fold_range(origin);
                        backtest::forecast(kind, &y[start..end], &planned.plan, &clock)
                    }
                    None => {
                        backtest::forecast(kind, &y[..row.holdout_start()], &planned.plan, &clock)
                    }
                }
            };
            match origin {
                Some(origin) => row.record_fold(origin, run),
                None => row.record_holdout(run),
            }
            done += 1;
            host.fitting(done, total, kind.name());
            host.yield_now().await;
            if host.cancelled() {
                return Err(None);
            }
        }
        rows.push(row.finish());
    }
    if let Some(settings) = &request.lstm {
        let done = planned.models.len() * per_model;
        host.fitting(done, total, LSTM_MODEL);
        match score_lstm(&planned, settings, device, backend, host, done, total).await {
            Ok(row) => rows.push(row),
            Err(BacktestError::Cancelled) => return Err(None),
            Err(e) => return Err(Some(e.to_string())),
        }
    }
    host.fitting(total, total, "");
    let board = Leaderboard {
        selected: backtest::select(&rows),
        rows,
        origins: planned.origins.clone(),
        holdout_start: planned.holdout_start,
        plan: planned.plan.clone(),
    };
    Ok((board, planned))
}

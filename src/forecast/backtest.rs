//! The one backtest loop: every model is fitted and scored on exactly the same origins
//! (expanding or sliding training window, a step between origins, a horizon), then once
//! on a final hold-out (the last points) that no choice ever sees. The leaderboard picks
//! the model with the lowest mean backtest MASE; the hold-out only reports.

use std::future::Future;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::catalog::ModelSpec;
use super::conformal::Calibration;
use super::ensemble::{Candidate, ensemble_rows};
use super::fitted::{FitError, FittedModel};
pub use super::plan::{
    BacktestPlan, CALIBRATION_WINDOWS, DEFAULT_FOLDS, DEFAULT_LEVELS, LONG_TRAINING, Layout, Refit,
    TrainingWindow,
};
use super::series::SeriesData;
use crate::eval::score::{RowScorer, Scored};
use crate::eval::{ModelScore, select};
use crate::train::{BatchHelper, Host, Progress};

/// Why a backtest could not run at all (a single model's failure is in its row instead).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BacktestError {
    /// The series cannot hold the asked hold-out plus one fold.
    #[error(
        "the series has {n} points: too few for a hold-out of {holdout} and one backtest fold of horizon {horizon} with at least {min_train} points to train on"
    )]
    TooShort {
        /// Points in the series.
        n: usize,
        /// Hold-out asked.
        holdout: usize,
        /// Horizon asked.
        horizon: usize,
        /// Fewest training points.
        min_train: usize,
    },
    /// Bad plan values.
    #[error("invalid backtest plan: {0}")]
    InvalidPlan(String),
    /// The user cancelled.
    #[error("cancelled")]
    Cancelled,
}

/// All models' scores on the same origins, and the pick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaderboard {
    /// One row per model, in the order asked.
    pub rows: Vec<ModelScore>,
    /// The model with the lowest mean backtest MASE (MAE when MASE is undefined), or a
    /// simpler one within a tie of it, chosen without looking at the hold-out.
    pub selected: Option<String>,
    /// Why: the fold scores the pick rests on.
    #[serde(default)]
    pub why: Option<String>,
    /// Fold origins used (index of the first forecast point).
    pub origins: Vec<usize>,
    /// Index where the hold-out starts (the series length when there is none).
    pub holdout_start: usize,
    /// The plan.
    pub plan: BacktestPlan,
    /// For grouped folds over a panel: the groups scored (origins and hold-out above are
    /// the charted group's); empty for one series.
    #[serde(default)]
    pub groups: Vec<String>,
    /// For grouped folds: how many folds the groups were dealt into (0 for one series).
    #[serde(default)]
    pub group_folds: usize,
    /// Groups left out because they are too short for the plan.
    #[serde(default)]
    pub groups_skipped: Vec<String>,
}

/// The device a backtest's neural models run on, and its name.
#[derive(Clone, Copy)]
pub struct Compute<'a> {
    /// Plain (non-autodiff) device.
    pub device: &'a Device,
    /// Its name.
    pub backend: &'a str,
}

/// Passes cancel, clock, yields and the batch helper through; turns a model's training
/// progress into leaderboard progress (`fitting(done, total, model)` for the fit running).
pub(super) struct FittingHost<'a, H: Host> {
    pub inner: &'a mut H,
    pub done: usize,
    pub total: usize,
    pub model: &'static str,
}

impl<H: Host> FittingHost<'_, H> {
    /// Reports the model starting, gives the event loop a turn, and sees a cancel.
    pub async fn started(&mut self) -> Result<(), BacktestError> {
        self.inner.fitting(self.done, self.total, self.model);
        self.yield_now().await;
        if self.cancelled() {
            return Err(BacktestError::Cancelled);
        }
        Ok(())
    }

    /// After every fit: progress, a turn for the event loop, and a cancel seen.
    pub async fn step_done(&mut self) -> Result<(), BacktestError> {
        self.done += 1;
        self.started().await
    }
}

impl<H: Host> Host for FittingHost<'_, H> {
    fn progress(&mut self, _progress: &Progress) {
        self.inner.fitting(self.done, self.total, self.model);
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
    fn batch_helper(&self) -> Option<&dyn BatchHelper> {
        self.inner.batch_helper()
    }
}

/// Runs every model on the plan's folds and hold-out, model by model and fit by fit,
/// yielding after each fit so a cancel is seen within one fit (the worker reads its
/// messages only while the job yields). Progress goes to `host.fitting(done, total, model)`.
///
/// # Errors
/// [`BacktestError`] when the plan does not fit the series or the user cancels; a model's
/// own failure stays in its row.
pub async fn run<H: Host>(
    data: &SeriesData,
    models: &[ModelSpec],
    plan: &BacktestPlan,
    compute: Compute<'_>,
    host: &mut H,
) -> Result<Leaderboard, BacktestError> {
    let layout = plan.layout(data.len())?;
    let per_model = layout.fits_per_model(plan);
    let total = models.len() * per_model;
    let mut rows = Vec::with_capacity(models.len());
    let mut paths = Vec::with_capacity(models.len());
    for (i, spec) in models.iter().enumerate() {
        let mut progress = FittingHost {
            inner: &mut *host,
            done: i * per_model,
            total,
            model: spec.name(),
        };
        let mut row = RowScorer::new(spec.name(), plan.season, &plan.levels, plan.holdout > 0);
        progress.started().await?;
        let series = Scoring {
            data,
            layout: &layout,
            global: None,
            shows: true,
        };
        paths.push(vec![
            score_series(&series, spec, plan, compute, &mut progress, &mut row).await?,
        ]);
        rows.push(row.finish());
    }
    host.fitting(total, total, "");
    add_ensembles(&mut rows, &paths, &[data], 0, plan);
    let selection = select(&rows, Some(plan.horizon));
    Ok(Leaderboard {
        selected: selection.model,
        why: selection.why,
        rows,
        origins: layout.origins,
        holdout_start: layout.holdout_start,
        plan: plan.clone(),
        groups: vec![],
        group_folds: 0,
        groups_skipped: vec![],
    })
}

/// Appends the ensemble rows when the plan asks for them: combinations of the rows so
/// far (`paths[model][series]`, the series in `series`' order, `shown` the charted one).
pub(super) fn add_ensembles(
    rows: &mut Vec<ModelScore>,
    paths: &[Vec<SeriesPaths>],
    series: &[&SeriesData],
    shown: usize,
    plan: &BacktestPlan,
) {
    if !plan.ensembles {
        return;
    }
    let candidates: Vec<Candidate> = rows
        .iter()
        .zip(paths)
        .map(|(row, paths)| Candidate {
            name: &row.model,
            paths,
        })
        .collect();
    let extra = ensemble_rows(&candidates, series, shown, plan);
    rows.extend(extra);
}

/// One series to score a model on: where its folds fall, the global model fitted on
/// other series (which every origin then brings up instead of fitting), and whether the
/// row keeps this series' hold-out forecast for the chart.
pub(super) struct Scoring<'a> {
    pub data: &'a SeriesData,
    pub layout: &'a Layout,
    pub global: Option<&'a (FittedModel, f64)>,
    pub shows: bool,
}

/// Scores one model on a series' origins and hold-out into `row`, forecasting the horizon
/// from each: fitted on the origin's training range where the plan's refit policy says so
/// (or while no fit has succeeded yet), otherwise the last fit — or the global model —
/// brought up to the origin with nothing estimated again.
pub(super) async fn score_series<H: Host>(
    series: &Scoring<'_>,
    spec: &ModelSpec,
    plan: &BacktestPlan,
    compute: Compute<'_>,
    host: &mut FittingHost<'_, H>,
    row: &mut RowScorer<'_>,
) -> Result<SeriesPaths, BacktestError> {
    let data = series.data;
    let mut fits: Vec<(Option<usize>, usize, usize)> = series
        .layout
        .origins
        .iter()
        .map(|&origin| {
            let (start, end) = plan.training_range(origin);
            (Some(origin), start, end)
        })
        .collect();
    if plan.holdout > 0 {
        let (start, end) = plan.training_range(series.layout.holdout_start);
        fits.push((None, start, end));
    }
    let mut paths = SeriesPaths::default();
    let mut calibration = Calibration::default();
    let mut windows = plan.calibration_windows(series.layout);
    // The windows before the first fold get a fit of their own at the earliest of them,
    // brought up to each, so no window's actuals shaped the parameters that forecast it —
    // where the plan fits afresh at that size (else the first fold's fit serves them).
    if let Some(&first) = series.layout.origins.first() {
        let early: Vec<usize> = windows
            .iter()
            .map(|&(_, o)| o)
            .filter(|&o| o < first)
            .collect();
        let range = early.first().map(|&o| plan.training_range(o));
        if let Some((start, end)) = range.filter(|&(s, e)| {
            series.global.is_none() && e > s && plan.refit.fits_at(1, false, e - s)
        }) {
            let mut ctx = plan.fit_context(compute, host);
            match spec.fit(data, start, end, &mut ctx).await {
                Ok(fitted) => {
                    let extra = calibrate_at(data, &fitted, &early, plan, compute, host).await?;
                    for (o, point) in &extra {
                        let scale = plan.conformal_scale(&data.values, *o);
                        calibration.add_scaled(&data.values[*o..], point, scale);
                    }
                    paths.calibration.extend(extra);
                    windows.retain(|&(_, o)| o >= first);
                }
                Err(e) if e.is_cancelled() => return Err(BacktestError::Cancelled),
                // Too short there: the first fold's fit serves them.
                Err(_) => {}
            }
        }
    }
    // The last fitted (or brought-up) model and the time its fit took.
    let mut last_fit: Option<(FittedModel, f64)> = None;
    for (i, (origin, start, end)) in fits.into_iter().enumerate() {
        let reuse = series.global.or(last_fit
            .as_ref()
            .filter(|_| !plan.fits_afresh(i, origin.is_none(), (start, end))));
        match fit_and_forecast(data, spec, reuse, (start, end), plan, compute, host).await {
            Ok((mut run, fitted)) => {
                let fit_ms = run.fit_ms;
                match origin {
                    Some(origin) => {
                        let error = row.record_fold(&data.values, start, origin, &run.forecast);
                        row.record_size(run.parameters);
                        calibration.add_scaled(
                            &data.values[origin..],
                            &run.forecast.point,
                            plan.conformal_scale(&data.values, origin),
                        );
                        let served: Vec<usize> = windows
                            .iter()
                            .filter(|&&(fold, _)| fold == i)
                            .map(|&(_, o)| o)
                            .collect();
                        let extra =
                            calibrate_at(data, &fitted, &served, plan, compute, host).await?;
                        for (o, point) in &extra {
                            let scale = plan.conformal_scale(&data.values, *o);
                            calibration.add_scaled(&data.values[*o..], point, scale);
                        }
                        paths.calibration.extend(extra);
                        paths.folds.push(FoldPath {
                            origin,
                            history_start: start,
                            point: run.forecast.point.clone(),
                            error,
                        });
                    }
                    None => {
                        run.conformal = calibration.intervals_scaled(
                            &run.forecast.point,
                            &plan.levels,
                            plan.conformal_scale(&data.values, end),
                        );
                        plan.limits.apply_to_intervals(
                            last_before(data, end),
                            &run.forecast.point,
                            &mut run.conformal,
                        );
                        // The hybrid's parts, for the hold-out only (they explain the
                        // forecast shown; one that cannot be split just shows none).
                        let ctx = plan.fit_context(compute, host);
                        run.parts = fitted.parts(plan.horizon, &ctx).await.unwrap_or_default();
                        paths.holdout = Some(run.clone());
                        row.record_holdout(&data.values, end, run, series.shows);
                    }
                }
                last_fit = Some((fitted, fit_ms));
            }
            Err(e) if e.is_cancelled() => return Err(BacktestError::Cancelled),
            Err(e) => row.record_error(e.to_string(), e.setting().map(str::to_string)),
        }
        host.step_done().await?;
    }
    Ok(paths)
}

/// The point forecasts from each of `origins` with `fitted` brought up to (or run over
/// the points before) it, nothing estimated again, for the conformal calibration; a
/// failure there only leaves the window out.
async fn calibrate_at<H: Host>(
    data: &SeriesData,
    fitted: &FittedModel,
    origins: &[usize],
    plan: &BacktestPlan,
    compute: Compute<'_>,
    host: &mut FittingHost<'_, H>,
) -> Result<Vec<(usize, Vec<f64>)>, BacktestError> {
    let mut out = Vec::with_capacity(origins.len());
    for &origin in origins {
        if host.cancelled() {
            return Err(BacktestError::Cancelled);
        }
        let Ok(brought_up) = fitted.condition(data, origin) else {
            continue;
        };
        let ctx = plan.fit_context(compute, host);
        if let Ok(mut forecast) = brought_up.forecast(plan.horizon, &ctx).await {
            plan.limits.apply(last_before(data, origin), &mut forecast);
            out.push((origin, forecast.point));
        }
    }
    Ok(out)
}

/// The last actual before `origin`, which move limits are measured from (NaN, so no
/// limit applies, where there is none).
pub(super) fn last_before(data: &SeriesData, origin: usize) -> f64 {
    origin
        .checked_sub(1)
        .and_then(|i| data.values.get(i))
        .copied()
        .unwrap_or(f64::NAN)
}

/// One fold's point forecast, kept so ensembles can combine the members' forecasts from
/// the same origins.
#[derive(Debug, Clone, PartialEq)]
pub struct FoldPath {
    /// Index of the first forecast point.
    pub origin: usize,
    /// First point the model was trained on.
    pub history_start: usize,
    /// The point forecast from the origin.
    pub point: Vec<f64>,
    /// Its error as the pick compares folds (MASE, MAE without a scale).
    pub error: f64,
}

/// What one model forecast on one series: every fold that scored, and the hold-out run.
#[derive(Debug, Clone, Default)]
pub struct SeriesPaths {
    /// The folds that scored, oldest first.
    pub folds: Vec<FoldPath>,
    /// The point forecasts from the conformal calibration's other origins
    /// ([`BacktestPlan::calibration_windows`]), oldest first, so ensembles calibrate on
    /// the same windows.
    pub calibration: Vec<(usize, Vec<f64>)>,
    /// The hold-out forecast with its fit's form, times and size (`None` when it failed
    /// or the plan keeps no hold-out).
    pub holdout: Option<Scored>,
}

/// Fits `spec` on points `start..end` — or brings `reuse`, fitted earlier in the given
/// milliseconds, up to `end` — and forecasts the horizon from `end`, timing both (a
/// brought-up model's fit time is its fit's plus the update's).
async fn fit_and_forecast<H: Host>(
    data: &SeriesData,
    spec: &ModelSpec,
    reuse: Option<&(FittedModel, f64)>,
    (start, end): (usize, usize),
    plan: &BacktestPlan,
    compute: Compute<'_>,
    host: &mut H,
) -> Result<(Scored, FittedModel), FitError> {
    let mut ctx = plan.fit_context(compute, host);
    let t0 = ctx.host.now_ms();
    let (fitted, earlier_ms) = match reuse {
        Some((earlier, ms)) => (earlier.condition(data, end)?, *ms),
        None => (spec.fit(data, start, end, &mut ctx).await?, 0.0),
    };
    let t1 = ctx.host.now_ms();
    let mut forecast = fitted.forecast(plan.horizon, &ctx).await?;
    let t2 = ctx.host.now_ms();
    let limited = plan.limits.apply(last_before(data, end), &mut forecast);
    let scored = Scored {
        forecast,
        conformal: vec![],
        label: fitted.label(),
        fit_ms: earlier_ms + (t1 - t0),
        forecast_ms: t2 - t1,
        parameters: fitted.parameters(),
        limited,
        importance: fitted.importance(data),
        responses: fitted.responses(data, plan.horizon),
        parts: vec![],
    };
    Ok((scored, fitted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::series::{SeriesChoice, series_data};
    use crate::models::stats::kind::ModelKind;
    use crate::train::QuietHost;

    fn series(y: &[f64]) -> SeriesData {
        let csv: String = std::iter::once("t,v\n".to_string())
            .chain(
                y.iter()
                    .enumerate()
                    .map(|(i, v)| format!("{},{v}\n", i + 1)),
            )
            .collect();
        let frame = crate::data::read_csv("s.csv", csv.as_bytes()).unwrap().0;
        series_data(
            &frame,
            &SeriesChoice {
                target: "v",
                season: Some(4),
                ..SeriesChoice::default()
            },
        )
        .unwrap()
    }

    fn board(data: &SeriesData, models: &[ModelKind], plan: &BacktestPlan) -> Leaderboard {
        let specs: Vec<ModelSpec> = models.iter().map(|k| ModelSpec::Stats(*k)).collect();
        let cpu = crate::backend::cpu();
        let compute = Compute {
            device: &cpu.device,
            backend: &cpu.label,
        };
        futures::executor::block_on(run(data, &specs, plan, compute, &mut QuietHost)).unwrap()
    }

    #[test]
    fn auto_refit_fits_long_series_at_the_first_origin_and_for_the_holdout() {
        // Past LONG_TRAINING points the folds reuse the first fit (as `once`) and the
        // hold-out is fitted afresh (as `always`).
        let y: Vec<f64> = (0..LONG_TRAINING + 40)
            .map(|t| 50.0 + 0.01 * t as f64 + (t % 4) as f64 + ((t * 7) % 11) as f64 * 0.3)
            .collect();
        let data = series(&y);
        let mut plan = BacktestPlan::new(4, 4);
        plan.folds = 3;
        let mut at = |refit| {
            plan.refit = refit;
            board(&data, &[ModelKind::Drift], &plan).rows.remove(0)
        };
        let (auto, once, always) = (at(Refit::Auto), at(Refit::Once), at(Refit::Always));
        assert_eq!(auto.backtest, once.backtest);
        assert_ne!(auto.backtest, always.backtest);
        assert_eq!(auto.forecast, always.forecast);
        assert_ne!(auto.forecast, once.forecast);
    }

    #[test]
    fn a_sliding_window_holds_for_the_holdout_too() {
        let y: Vec<f64> = (0..60).map(|t| (t * t) as f64 * 0.1).collect();
        let data = series(&y);
        let mut plan = BacktestPlan::new(4, 4);
        plan.window = TrainingWindow::Sliding(12);
        let board = board(&data, &[ModelKind::Drift], &plan);
        let expected = ModelKind::Drift
            .fit(&y[44..56], 4)
            .unwrap()
            .predict(4, &[])
            .unwrap();
        assert_eq!(
            board.rows[0].forecast.as_ref().map(|f| &f.point),
            Some(&expected.point)
        );
    }

    #[test]
    fn every_model_is_scored_on_the_same_origins_and_a_failure_stays_in_its_row() {
        let y: Vec<f64> = (0..60)
            .map(|t| 10.0 + t as f64 * 0.5 + ((t % 4) as f64 - 1.5) * 2.0)
            .collect();
        let data = series(&y);
        let mut plan = BacktestPlan::new(4, 4);
        plan.folds = 3;
        let models = [ModelKind::Naive, ModelKind::SeasonalNaive, ModelKind::Drift];
        let board = board(&data, &models, &plan);
        assert_eq!(board.origins, vec![44, 48, 52]);
        assert_eq!(board.rows.len(), 3);
        assert!(
            board
                .rows
                .iter()
                .all(|r| r.folds_scored == 3 && r.error.is_none())
        );
        // Sizes: naive keeps its last value and σ, seasonal naive a season of values and σ.
        assert_eq!(board.rows[0].parameters, Some(2));
        assert_eq!(board.rows[1].parameters, Some(5));
        // A trend plus an exact 4-season: seasonal naive lags by one season of trend, drift
        // misses the season; naive misses both.
        let mase = |i: usize| board.rows[i].backtest.unwrap().mase.unwrap();
        assert!(mase(1) < mase(0));
        assert_eq!(board.selected.as_deref(), Some("snaive"));

        let no_season = BacktestPlan::new(4, 1);
        let board = self::board(&data, &models, &no_season);
        let row = &board.rows[1];
        assert!(row.error.as_deref().unwrap().contains("season"));
        assert_eq!(row.error_setting.as_deref(), Some("season"));
        assert!(board.rows[0].error.is_none());

        // Without a hold-out the sizes come from the fold fits (the tie-break needs them).
        let mut folds_only = plan.clone();
        folds_only.holdout = 0;
        let board = self::board(&data, &models, &folds_only);
        assert_eq!(board.rows[1].parameters, Some(5));
        assert!(board.rows.iter().all(|r| r.holdout.is_none()));
    }

    #[test]
    fn without_refit_later_origins_condition_the_first_fit() {
        let y: Vec<f64> = (0..60)
            .map(|t| 10.0 + t as f64 * 0.5 + ((t % 4) as f64 - 1.5) * 2.0 + (t % 7) as f64 * 0.3)
            .collect();
        let data = series(&y);
        let mut plan = BacktestPlan::new(4, 4);
        plan.folds = 3;
        plan.refit = Refit::Once;
        let once = board(&data, &[ModelKind::Ets, ModelKind::Drift], &plan);
        // ETS fitted on the first origin's 44 points, brought up to the hold-out's 56.
        let first = ModelKind::Ets.fit(&y[..44], 4).unwrap();
        let expected = first.condition(&y[..56]).unwrap().predict(4, &[]).unwrap();
        let ets = &once.rows[0];
        assert_eq!(ets.folds_scored, 3);
        assert_eq!(ets.label.as_deref(), Some(first.label().as_str()));
        let got = &ets.forecast.as_ref().unwrap().point;
        for (a, b) in got.iter().zip(&expected.point) {
            assert!((a - b).abs() < 1e-9, "{got:?} vs {:?}", expected.point);
        }
        // Drift keeps the first fit's slope: its hold-out path differs from a refit's.
        plan.refit = Refit::Always;
        let always = board(&data, &[ModelKind::Drift], &plan);
        assert_ne!(once.rows[1].forecast, always.rows[0].forecast);
        // Every second origin: origins 0 and 2 fit afresh, 1 and the hold-out condition.
        assert!(Refit::Every(2).fits_at(2, false, 10) && !Refit::Every(2).fits_at(3, false, 10));
        let long = LONG_TRAINING + 1;
        assert!(Refit::Auto.fits_at(3, false, LONG_TRAINING));
        assert!(Refit::Auto.fits_at(0, false, long) && Refit::Auto.fits_at(4, true, long));
        assert!(!Refit::Auto.fits_at(3, false, long));
        assert_eq!(Refit::parse("once"), Some(Refit::Once));
        assert_eq!(Refit::parse(" 5 "), Some(Refit::Every(5)));
        assert_eq!(Refit::parse("sometimes"), None);
    }

    #[test]
    fn cancelling_stops_the_run() {
        struct Cancelled;
        impl Host for Cancelled {
            fn progress(&mut self, _: &Progress) {}
            fn cancelled(&self) -> bool {
                true
            }
            fn now_ms(&self) -> f64 {
                0.0
            }
            async fn yield_now(&self) {}
        }
        let y: Vec<f64> = (0..40).map(|t| t as f64).collect();
        let data = series(&y);
        let plan = BacktestPlan::new(3, 1);
        let cpu = crate::backend::cpu();
        let compute = Compute {
            device: &cpu.device,
            backend: &cpu.label,
        };
        let specs = [ModelSpec::Stats(ModelKind::Naive)];
        let r = futures::executor::block_on(run(&data, &specs, &plan, compute, &mut Cancelled));
        assert_eq!(r, Err(BacktestError::Cancelled));
    }
}

//! Rolling-origin backtests and the leaderboard: every model is scored on exactly the same
//! origins (expanding or sliding training window, a step between origins, a horizon), then
//! once on a final hold-out (the last H points) that no choice ever sees. The leaderboard
//! picks the model with the lowest mean backtest MASE; the hold-out only reports.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::metrics::{Context, IntervalScore, Metrics};
use crate::models::stats::Forecast;
use crate::models::stats::catalog::ModelKind;

/// How the training window moves between origins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrainingWindow {
    /// Train on everything before the origin.
    Expanding,
    /// Train on the last `n` points before the origin.
    Sliding(usize),
}

/// Where and how the models are scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestPlan {
    /// Steps forecast from each origin.
    pub horizon: usize,
    /// Number of rolling origins (folds).
    pub folds: usize,
    /// Steps between consecutive origins.
    pub step: usize,
    /// Training window.
    pub window: TrainingWindow,
    /// Points at the end kept for the final hold-out (0: none).
    pub holdout: usize,
    /// Season length m (1 for none), for seasonal models and MASE.
    pub season: usize,
    /// Interval levels in percent.
    pub levels: Vec<f64>,
}

impl BacktestPlan {
    /// A plan with `folds` origins one horizon apart and a hold-out of one horizon.
    pub fn new(horizon: usize, season: usize) -> Self {
        BacktestPlan {
            horizon,
            folds: 3,
            step: horizon,
            window: TrainingWindow::Expanding,
            holdout: horizon,
            season: season.max(1),
            levels: vec![80.0, 95.0],
        }
    }

    /// The fold origins (index of the first forecast point), oldest first: the last one
    /// ends where the hold-out starts. Origins leaving fewer than `min_train` points to
    /// train on are dropped.
    pub fn origins(&self, n: usize, min_train: usize) -> Vec<usize> {
        let Some(last) = n.checked_sub(self.holdout + self.horizon) else {
            return vec![];
        };
        let mut out: Vec<usize> = (0..self.folds)
            .filter_map(|i| last.checked_sub(i * self.step.max(1)))
            .filter(|o| *o >= min_train)
            .collect();
        out.reverse();
        out
    }
}

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

/// One model's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelScore {
    /// Model name (`naive`, `arima`, …).
    pub model: String,
    /// Fitted form on the data before the hold-out, e.g. `ARIMA(2,1,1)(0,1,0)[12]`.
    pub label: Option<String>,
    /// Mean over the backtest folds.
    pub backtest: Option<Metrics>,
    /// Interval scores over the backtest folds (mean coverage and width per level).
    pub backtest_intervals: Vec<IntervalScore>,
    /// Folds that scored (a fold can fail, e.g. too short for the model early on).
    pub folds_scored: usize,
    /// Scores on the final hold-out.
    pub holdout: Option<Metrics>,
    /// Interval scores on the hold-out.
    pub holdout_intervals: Vec<IntervalScore>,
    /// Time to fit on the data before the hold-out, in milliseconds.
    pub fit_ms: Option<f64>,
    /// Time to forecast the hold-out, in milliseconds.
    pub forecast_ms: Option<f64>,
    /// The hold-out forecast (point and intervals), for the chart.
    pub forecast: Option<Forecast>,
    /// Why the model failed, when it did; the other models still ran.
    pub error: Option<String>,
}

/// All models' scores on the same origins, and the pick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaderboard {
    /// One row per model, in the order asked.
    pub rows: Vec<ModelScore>,
    /// The model with the lowest mean backtest MASE (MAE when MASE is undefined), chosen
    /// without looking at the hold-out.
    pub selected: Option<String>,
    /// Fold origins used (index of the first forecast point).
    pub origins: Vec<usize>,
    /// Index where the hold-out starts (the series length when there is none).
    pub holdout_start: usize,
    /// The plan.
    pub plan: BacktestPlan,
}

/// Something that measures time (native `Instant`, `performance.now()` in the browser).
pub trait Clock {
    /// Milliseconds since an arbitrary start.
    fn now_ms(&self) -> f64;
}

/// `std::time::Instant`, where it exists.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug)]
pub struct SystemClock(std::time::Instant);

#[cfg(not(target_arch = "wasm32"))]
impl Default for SystemClock {
    fn default() -> Self {
        SystemClock(std::time::Instant::now())
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Clock for SystemClock {
    fn now_ms(&self) -> f64 {
        self.0.elapsed().as_secs_f64() * 1e3
    }
}

/// A clock that does not tick (tests, or where no timer exists).
#[derive(Debug, Default)]
pub struct NoClock;

impl Clock for NoClock {
    fn now_ms(&self) -> f64 {
        Duration::ZERO.as_secs_f64()
    }
}

/// The fold origins and the hold-out start for a series of `n` points.
pub fn layout(n: usize, plan: &BacktestPlan) -> Result<(Vec<usize>, usize), BacktestError> {
    if plan.horizon == 0 || plan.folds == 0 {
        return Err(BacktestError::InvalidPlan(
            "horizon and folds must be at least 1".into(),
        ));
    }
    let min_train = (2 * plan.season).max(8);
    let origins = plan.origins(n, min_train);
    if origins.is_empty() {
        return Err(BacktestError::TooShort {
            n,
            holdout: plan.holdout,
            horizon: plan.horizon,
            min_train,
        });
    }
    Ok((origins, n - plan.holdout))
}

/// Fits per model: one per origin plus the hold-out.
pub fn fits_per_model(origins: &[usize], plan: &BacktestPlan) -> usize {
    origins.len() + usize::from(plan.holdout > 0)
}

/// Runs every model on the plan's folds and hold-out. `progress(done, total)` is called
/// after each fit and may return `false` to cancel.
pub fn run(
    y: &[f64],
    models: &[ModelKind],
    plan: &BacktestPlan,
    clock: &dyn Clock,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Leaderboard, BacktestError> {
    let (origins, holdout_start) = layout(y.len(), plan)?;
    let per_model = fits_per_model(&origins, plan);
    let total = models.len() * per_model;
    let mut rows = Vec::with_capacity(models.len());
    for (i, kind) in models.iter().enumerate() {
        let mut step = |done: usize| progress(i * per_model + done, total);
        rows.push(score_model(y, kind, plan, &origins, clock, &mut step)?);
    }
    Ok(Leaderboard {
        selected: select(&rows),
        rows,
        origins,
        holdout_start,
        plan: plan.clone(),
    })
}

/// Scores one model on the given origins and the plan's hold-out. `progress(done)` is
/// called after each fit and may return `false` to cancel.
pub fn score_model(
    y: &[f64],
    kind: &ModelKind,
    plan: &BacktestPlan,
    origins: &[usize],
    clock: &dyn Clock,
    progress: &mut dyn FnMut(usize) -> bool,
) -> Result<ModelScore, BacktestError> {
    let mut row = RowBuilder::new(kind.name(), y, plan);
    for (done, &origin) in origins.iter().enumerate() {
        let (start, end) = row.fold_range(origin);
        let run = forecast(kind, &y[start..end], plan, clock);
        row.record_fold(origin, run);
        if !progress(done + 1) {
            return Err(BacktestError::Cancelled);
        }
    }
    if plan.holdout > 0 {
        let run = forecast(kind, &y[..row.holdout_start()], plan, clock);
        row.record_holdout(run);
        if !progress(origins.len() + 1) {
            return Err(BacktestError::Cancelled);
        }
    }
    Ok(row.finish())
}

/// A fit-and-forecast from one origin: what a model gives the backtest.
#[derive(Debug, Clone)]
pub struct Run {
    /// Point forecast (and intervals, where the model has them) for the horizon.
    pub forecast: Forecast,
    /// The fitted form, e.g. `ETS(M,A,M)`.
    pub label: String,
    /// Fit time in milliseconds.
    pub fit_ms: f64,
    /// Forecast time in milliseconds, where it is timed apart from the fit.
    pub forecast_ms: Option<f64>,
}

/// Collects one model's fold and hold-out results into its leaderboard row, whatever runs
/// the model (the statistical models here, the LSTM's asynchronous trainer elsewhere), so
/// every model is scored by the same code on the same origins.
#[derive(Debug)]
pub struct RowBuilder<'a> {
    y: &'a [f64],
    plan: &'a BacktestPlan,
    row: ModelScore,
    fold_metrics: Vec<Metrics>,
    fold_intervals: Vec<Vec<IntervalScore>>,
    first_error: Option<String>,
}

impl<'a> RowBuilder<'a> {
    /// An empty row for `model` on series `y`.
    pub fn new(model: &str, y: &'a [f64], plan: &'a BacktestPlan) -> Self {
        RowBuilder {
            y,
            plan,
            row: ModelScore {
                model: model.to_string(),
                label: None,
                backtest: None,
                backtest_intervals: vec![],
                folds_scored: 0,
                holdout: None,
                holdout_intervals: vec![],
                fit_ms: None,
                forecast_ms: None,
                forecast: None,
                error: None,
            },
            fold_metrics: vec![],
            fold_intervals: vec![],
            first_error: None,
        }
    }

    /// The training range `[start, origin)` for a fold (the window slides or expands).
    pub fn fold_range(&self, origin: usize) -> (usize, usize) {
        let start = match self.plan.window {
            TrainingWindow::Expanding => 0,
            TrainingWindow::Sliding(len) => origin.saturating_sub(len),
        };
        (start, origin)
    }

    /// Where the hold-out starts.
    pub fn holdout_start(&self) -> usize {
        self.y.len() - self.plan.holdout
    }

    /// Scores a fold's forecast from `origin` (or keeps its error).
    pub fn record_fold(&mut self, origin: usize, run: Result<Run, String>) {
        let (start, _) = self.fold_range(origin);
        match run {
            Ok(Run { forecast: fc, .. }) => {
                let actual = &self.y[origin..origin + self.plan.horizon];
                let context = Context {
                    history: &self.y[start..origin],
                    season: self.plan.season,
                };
                self.fold_metrics
                    .push(Metrics::score(actual, &fc.point, context));
                self.fold_intervals.push(interval_scores(&fc, actual));
            }
            Err(e) => {
                self.first_error.get_or_insert(e);
            }
        }
    }

    /// Scores the hold-out forecast (or keeps its error).
    pub fn record_holdout(&mut self, run: Result<Run, String>) {
        let start = self.holdout_start();
        match run {
            Ok(Run {
                forecast: fc,
                label,
                fit_ms,
                forecast_ms,
            }) => {
                let actual = &self.y[start..];
                let context = Context {
                    history: &self.y[..start],
                    season: self.plan.season,
                };
                self.row.holdout = Some(Metrics::score(actual, &fc.point, context));
                self.row.holdout_intervals = interval_scores(&fc, actual);
                self.row.fit_ms = Some(fit_ms);
                self.row.forecast_ms = forecast_ms;
                self.row.label = Some(label);
                self.row.forecast = Some(fc);
            }
            Err(e) => {
                self.first_error.get_or_insert(e);
            }
        }
    }

    /// The finished row: means over the folds, the error when something did not score.
    pub fn finish(self) -> ModelScore {
        let mut row = self.row;
        row.backtest =
            (!self.fold_metrics.is_empty()).then(|| Metrics::average(&self.fold_metrics));
        row.backtest_intervals = average_intervals(&self.fold_intervals, &self.plan.levels);
        row.folds_scored = self.fold_metrics.len();
        if row.backtest.is_none() || (self.plan.holdout > 0 && row.holdout.is_none()) {
            row.error = self.first_error;
        }
        row
    }
}

/// Fits a statistical model on `train` and forecasts the plan's horizon (with its
/// intervals), timing both.
pub fn forecast(
    kind: &ModelKind,
    train: &[f64],
    plan: &BacktestPlan,
    clock: &dyn Clock,
) -> Result<Run, String> {
    let t0 = clock.now_ms();
    let fitted = kind.fit(train, plan.season).map_err(|e| e.to_string())?;
    let t1 = clock.now_ms();
    let fc = fitted
        .predict(plan.horizon, &plan.levels)
        .map_err(|e| e.to_string())?;
    let t2 = clock.now_ms();
    if fc.point.iter().any(|v| !v.is_finite()) {
        return Err(format!("{} produced a non-finite forecast", fitted.label()));
    }
    Ok(Run {
        forecast: fc,
        label: fitted.label(),
        fit_ms: t1 - t0,
        forecast_ms: Some(t2 - t1),
    })
}

fn interval_scores(fc: &Forecast, actual: &[f64]) -> Vec<IntervalScore> {
    fc.intervals
        .iter()
        .map(|i| IntervalScore::compute(i.level, actual, &i.lower, &i.upper))
        .collect()
}

fn average_intervals(folds: &[Vec<IntervalScore>], levels: &[f64]) -> Vec<IntervalScore> {
    levels
        .iter()
        .enumerate()
        .map(|(k, &level)| {
            let mean = |f: &dyn Fn(&IntervalScore) -> Option<f64>| {
                let v: Vec<f64> = folds
                    .iter()
                    .filter_map(|s| s.get(k))
                    .filter_map(f)
                    .collect();
                (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
            };
            IntervalScore {
                level,
                coverage: mean(&|s| s.coverage),
                mean_width: mean(&|s| s.mean_width),
            }
        })
        .collect()
}

/// The model with the lowest mean backtest MASE; MAE when no model has a MASE.
pub fn select(rows: &[ModelScore]) -> Option<String> {
    let by = |metric: &str| {
        rows.iter()
            .filter_map(|r| Some((r.backtest.as_ref()?.get(metric)?, &r.model)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, m)| m.clone())
    };
    by("mase").or_else(|| by("mae"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_end_at_the_holdout_and_step_back() {
        let mut plan = BacktestPlan::new(4, 1);
        plan.folds = 3;
        plan.step = 2;
        // n = 30, hold-out 4 → last origin 22; then 20, 18.
        assert_eq!(plan.origins(30, 8), vec![18, 20, 22]);
        assert!(plan.origins(14, 8).is_empty());
        assert_eq!(plan.origins(18, 8), vec![8, 10]);
    }

    #[test]
    fn every_model_is_scored_on_the_same_origins_and_a_failure_stays_in_its_row() {
        let y: Vec<f64> = (0..60)
            .map(|t| 10.0 + t as f64 * 0.5 + ((t % 4) as f64 - 1.5) * 2.0)
            .collect();
        let plan = BacktestPlan::new(4, 4);
        let models = [ModelKind::Naive, ModelKind::SeasonalNaive, ModelKind::Drift];
        let board = run(&y, &models, &plan, &NoClock, &mut |_, _| true).unwrap();
        assert_eq!(board.origins, vec![44, 48, 52]);
        assert_eq!(board.rows.len(), 3);
        assert!(
            board
                .rows
                .iter()
                .all(|r| r.folds_scored == 3 && r.error.is_none())
        );
        // A trend plus an exact 4-season: seasonal naive lags by one season of trend, drift
        // misses the season; naive misses both.
        let mase = |i: usize| board.rows[i].backtest.unwrap().mase.unwrap();
        assert!(mase(1) < mase(0));
        assert_eq!(board.selected.as_deref(), Some("snaive"));

        let no_season = BacktestPlan::new(4, 1);
        let board = run(&y, &models, &no_season, &NoClock, &mut |_, _| true).unwrap();
        assert!(board.rows[1].error.as_deref().unwrap().contains("season"));
        assert!(board.rows[0].error.is_none());
    }

    #[test]
    fn cancelling_stops_the_run() {
        let y: Vec<f64> = (0..40).map(|t| t as f64).collect();
        let plan = BacktestPlan::new(3, 1);
        let r = run(&y, &[ModelKind::Naive], &plan, &NoClock, &mut |_, _| false);
        assert_eq!(r, Err(BacktestError::Cancelled));
    }
}

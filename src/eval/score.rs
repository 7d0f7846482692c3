//! Scoring a model's forecasts from several origins into its leaderboard row, and picking
//! the best row without looking at the hold-out.

use serde::{Deserialize, Serialize};

use super::metrics::{Context, IntervalScore, Metrics};
use crate::models::stats::Forecast;

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
    /// Size of the model fitted before the hold-out: the numbers it keeps to forecast.
    #[serde(default)]
    pub parameters: Option<usize>,
    /// The hold-out forecast (point and intervals), for the chart.
    pub forecast: Option<Forecast>,
    /// Why the model failed, when it did; the other models still ran.
    pub error: Option<String>,
    /// The setting that would fix the error, in the data's terms (`season`, `fill`,
    /// `window`), so a shell can name its own flag or field for it.
    #[serde(default)]
    pub error_setting: Option<String>,
}

/// One fit's forecast from one origin, with what the fit says about itself.
#[derive(Debug, Clone)]
pub struct Scored {
    /// The forecast for the horizon.
    pub forecast: Forecast,
    /// The fitted form, e.g. `ETS(M,A,M)`.
    pub label: String,
    /// Fit time in milliseconds.
    pub fit_ms: f64,
    /// Forecast time in milliseconds.
    pub forecast_ms: f64,
    /// Size of the fitted model.
    pub parameters: usize,
}

/// Collects one model's fold and hold-out forecasts into its leaderboard row: the same
/// code scores every model, on the same origins.
#[derive(Debug)]
pub struct RowScorer<'a> {
    y: &'a [f64],
    season: usize,
    levels: &'a [f64],
    row: ModelScore,
    fold_metrics: Vec<Metrics>,
    fold_intervals: Vec<Vec<IntervalScore>>,
    first_error: Option<(String, Option<String>)>,
    wants_holdout: bool,
}

impl<'a> RowScorer<'a> {
    /// An empty row for `model` on series `y` (season `season` for MASE, interval
    /// `levels`); `wants_holdout` when the plan keeps one.
    pub fn new(
        model: &str,
        y: &'a [f64],
        season: usize,
        levels: &'a [f64],
        wants_holdout: bool,
    ) -> Self {
        RowScorer {
            y,
            season,
            levels,
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
                parameters: None,
                forecast: None,
                error: None,
                error_setting: None,
            },
            fold_metrics: vec![],
            fold_intervals: vec![],
            first_error: None,
            wants_holdout,
        }
    }

    /// Scores a fold's forecast from `origin`, the model trained on `history_start..origin`.
    pub fn record_fold(&mut self, history_start: usize, origin: usize, forecast: &Forecast) {
        let end = (origin + forecast.point.len()).min(self.y.len());
        let actual = &self.y[origin..end];
        let context = Context {
            history: &self.y[history_start..origin],
            season: self.season,
        };
        self.fold_metrics
            .push(Metrics::score(actual, &forecast.point, context));
        self.fold_intervals.push(interval_scores(forecast, actual));
    }

    /// Scores the hold-out forecast from `start` (everything before it trained the model)
    /// and keeps it, with the fit's form, times and size, for the row.
    pub fn record_holdout(&mut self, start: usize, run: Scored) {
        let actual = &self.y[start..];
        let context = Context {
            history: &self.y[..start],
            season: self.season,
        };
        self.row.holdout = Some(Metrics::score(actual, &run.forecast.point, context));
        self.row.holdout_intervals = interval_scores(&run.forecast, actual);
        self.row.fit_ms = Some(run.fit_ms);
        self.row.forecast_ms = Some(run.forecast_ms);
        self.row.parameters = Some(run.parameters);
        self.row.label = Some(run.label);
        self.row.forecast = Some(run.forecast);
    }

    /// Keeps the first failure (a fold or the hold-out), with the setting that would fix it.
    pub fn record_error(&mut self, message: String, setting: Option<String>) {
        self.first_error.get_or_insert((message, setting));
    }

    /// The finished row: means over the folds, the error when something did not score.
    pub fn finish(self) -> ModelScore {
        let mut row = self.row;
        row.backtest =
            (!self.fold_metrics.is_empty()).then(|| Metrics::average(&self.fold_metrics));
        row.backtest_intervals = average_intervals(&self.fold_intervals, self.levels);
        row.folds_scored = self.fold_metrics.len();
        if (row.backtest.is_none() || (self.wants_holdout && row.holdout.is_none()))
            && let Some((message, setting)) = self.first_error
        {
            row.error = Some(message);
            row.error_setting = setting;
        }
        row
    }
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

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
    /// Scores on the final hold-out (the mean over the series, when several are scored).
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
    /// When some fits failed but others scored: how many, and the first failure (the
    /// scores are over the rest).
    #[serde(default)]
    pub warning: Option<String>,
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
/// code scores every model, on the same origins — of one series, or of each series of a
/// panel (scores are then means over every series' folds and hold-outs).
#[derive(Debug)]
pub struct RowScorer<'a> {
    season: usize,
    levels: &'a [f64],
    row: ModelScore,
    fold_metrics: Vec<Metrics>,
    fold_intervals: Vec<Vec<IntervalScore>>,
    holdout_metrics: Vec<Metrics>,
    holdout_intervals: Vec<Vec<IntervalScore>>,
    first_error: Option<(String, Option<String>)>,
    failures: usize,
    wants_holdout: bool,
}

impl<'a> RowScorer<'a> {
    /// An empty row for `model` (season `season` for MASE, interval `levels`);
    /// `wants_holdout` when the plan keeps one.
    pub fn new(model: &str, season: usize, levels: &'a [f64], wants_holdout: bool) -> Self {
        RowScorer {
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
                warning: None,
            },
            fold_metrics: vec![],
            fold_intervals: vec![],
            holdout_metrics: vec![],
            holdout_intervals: vec![],
            first_error: None,
            failures: 0,
            wants_holdout,
        }
    }

    /// Scores a fold's forecast of series `y` from `origin`, the model trained on
    /// `history_start..origin`.
    pub fn record_fold(
        &mut self,
        y: &[f64],
        history_start: usize,
        origin: usize,
        forecast: &Forecast,
    ) {
        let end = (origin + forecast.point.len()).min(y.len());
        let actual = &y[origin..end];
        let context = Context {
            history: &y[history_start..origin],
            season: self.season,
        };
        self.fold_metrics
            .push(Metrics::score(actual, &forecast.point, context));
        self.fold_intervals.push(interval_scores(forecast, actual));
    }

    /// Scores the hold-out forecast of series `y` from `start` (everything before it
    /// trained the model). The row keeps the fit's form, times and size, and — for the
    /// series it `shows` (the one charted) — the forecast itself.
    pub fn record_holdout(&mut self, y: &[f64], start: usize, run: Scored, shows: bool) {
        let actual = &y[start..];
        let context = Context {
            history: &y[..start],
            season: self.season,
        };
        self.holdout_metrics
            .push(Metrics::score(actual, &run.forecast.point, context));
        self.holdout_intervals
            .push(interval_scores(&run.forecast, actual));
        if shows || self.row.label.is_none() {
            self.row.fit_ms = Some(run.fit_ms);
            self.row.forecast_ms = Some(run.forecast_ms);
            self.row.parameters = Some(run.parameters);
            self.row.label = Some(run.label);
        }
        if shows {
            self.row.forecast = Some(run.forecast);
        }
    }

    /// Keeps the first failure (a fold or the hold-out), with the setting that would fix it.
    pub fn record_error(&mut self, message: String, setting: Option<String>) {
        self.failures += 1;
        self.first_error.get_or_insert((message, setting));
    }

    /// The finished row: means over the folds, the error when something did not score.
    pub fn finish(mut self) -> ModelScore {
        let scored = self.fold_metrics.len() + self.holdout_metrics.len();
        let mut row = self.row;
        row.backtest =
            (!self.fold_metrics.is_empty()).then(|| Metrics::average(&self.fold_metrics));
        row.backtest_intervals = average_intervals(&self.fold_intervals, self.levels);
        row.folds_scored = self.fold_metrics.len();
        // One series: its hold-out as scored; several: the mean over them.
        row.holdout = match self.holdout_metrics.len() {
            0 => None,
            1 => self.holdout_metrics.pop(),
            _ => Some(Metrics::average(&self.holdout_metrics)),
        };
        row.holdout_intervals = if self.holdout_intervals.len() == 1 {
            self.holdout_intervals.pop().unwrap_or_default()
        } else {
            average_intervals(&self.holdout_intervals, self.levels)
        };
        if let Some((message, setting)) = self.first_error {
            if row.backtest.is_none() || (self.wants_holdout && row.holdout.is_none()) {
                row.error = Some(message);
                row.error_setting = setting;
            } else {
                row.warning = Some(format!(
                    "{} of {} fits failed; the scores are over the rest. First: {message}",
                    self.failures,
                    self.failures + scored
                ));
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn forecast(point: Vec<f64>) -> Forecast {
        Forecast {
            point,
            intervals: vec![],
        }
    }

    #[test]
    fn a_partly_failed_row_keeps_its_scores_and_says_how_many_failed() {
        let y: Vec<f64> = (0..20).map(f64::from).collect();
        let mut row = RowScorer::new("drift", 1, &[], true);
        row.record_error("too short".into(), Some("window".into()));
        row.record_fold(&y, 0, 14, &forecast(vec![14.0, 15.0, 16.0]));
        let scored = Scored {
            forecast: forecast(vec![17.0, 18.0, 19.0]),
            label: "drift".into(),
            fit_ms: 1.0,
            forecast_ms: 0.1,
            parameters: 3,
        };
        row.record_holdout(&y, 17, scored, true);
        let row = row.finish();
        assert_eq!(row.error, None);
        assert_eq!(row.folds_scored, 1);
        assert_eq!(row.holdout.map(|m| m.mae), Some(0.0));
        let warning = row.warning.expect("a warning");
        assert!(warning.starts_with("1 of 3 fits failed"), "{warning}");
        assert!(warning.ends_with("First: too short"), "{warning}");

        // Nothing scored: the failure is the row's error, with its setting.
        let mut row = RowScorer::new("lstm", 1, &[], true);
        row.record_error("too short".into(), Some("window".into()));
        let row = row.finish();
        assert_eq!(row.error.as_deref(), Some("too short"));
        assert_eq!(row.error_setting.as_deref(), Some("window"));
        assert_eq!(row.warning, None);
    }
}

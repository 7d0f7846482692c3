//! Scoring a model's forecasts from several origins into its leaderboard row, and picking
//! the best row without looking at the hold-out.

use serde::{Deserialize, Serialize};

use super::metrics::{Context, IntervalScore, Metrics};
use crate::models::stats::{Forecast, Interval};

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
    /// Standard deviation of the fold MASEs (MAEs where MASE is undefined): how much the
    /// mean rests on.
    #[serde(default)]
    pub backtest_spread: Option<f64>,
    /// Each scored fold's error as the pick compares them (MASE, MAE without a scale), by
    /// origin, oldest first: what the mean and spread summarise.
    #[serde(default)]
    pub fold_scores: Vec<FoldScore>,
    /// Scores on the final hold-out (the mean over the series, when several are scored).
    pub holdout: Option<Metrics>,
    /// Interval scores on the hold-out.
    pub holdout_intervals: Vec<IntervalScore>,
    /// Time to fit on the data before the hold-out, in milliseconds.
    pub fit_ms: Option<f64>,
    /// Time to forecast the hold-out, in milliseconds.
    pub forecast_ms: Option<f64>,
    /// Size of the model fitted before the hold-out (the last fold's fit when the plan
    /// keeps no hold-out): the numbers it keeps to forecast.
    #[serde(default)]
    pub parameters: Option<usize>,
    /// The hold-out forecast (point and the model's own intervals), for the chart.
    pub forecast: Option<Forecast>,
    /// Conformal intervals around the hold-out forecast, from the fold errors (any model,
    /// the LSTM and ensembles included), for the chart.
    #[serde(default)]
    pub conformal: Vec<Interval>,
    /// Conformal interval scores on the hold-out (coverage, width, interval score).
    #[serde(default)]
    pub holdout_conformal: Vec<IntervalScore>,
    /// Steps (1-based) of the hold-out forecast whose point the move limits bounded.
    #[serde(default)]
    pub limited_steps: Vec<usize>,
    /// The hold-out fit's feature importance (boosted trees), largest first.
    #[serde(default)]
    pub importance: Vec<FeatureShare>,
    /// The hold-out fit's impulse responses (VAR): the level's answer to each variable's
    /// shock.
    #[serde(default)]
    pub responses: Vec<Response>,
    /// The hold-out forecast's additive parts (the hybrid ARIMA–LSTM): each member's
    /// contribution.
    #[serde(default)]
    pub parts: Vec<Part>,
    /// For an ensemble: its members and their weights on the hold-out forecast.
    #[serde(default)]
    pub members: Vec<Member>,
    /// For the dynamic ensemble: its members and weights at each origin, the hold-out's
    /// last.
    #[serde(default)]
    pub weight_path: Vec<WeightsAt>,
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

/// One fold's error: the forecast from `origin` (index of its first point).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FoldScore {
    /// The fold's origin.
    pub origin: usize,
    /// Its error (MASE, MAE without a scale).
    pub error: f64,
}

/// An ensemble member and its weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// The member's model name.
    pub model: String,
    /// Its weight in the combination (the weights sum to 1; a median's members weigh
    /// equally).
    pub weight: f64,
}

/// An ensemble's members and weights as chosen at one origin (index of its first
/// forecast point): the dynamic ensemble's weights over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightsAt {
    /// The origin.
    pub origin: usize,
    /// Members and weights chosen there.
    pub members: Vec<Member>,
}

/// One fit's forecast from one origin, with what the fit says about itself.
#[derive(Debug, Clone)]
pub struct Scored {
    /// The forecast for the horizon.
    pub forecast: Forecast,
    /// Conformal intervals around it from the folds before it (empty where none).
    pub conformal: Vec<Interval>,
    /// The fitted form, e.g. `ETS(M,A,M)`.
    pub label: String,
    /// Fit time in milliseconds.
    pub fit_ms: f64,
    /// Forecast time in milliseconds.
    pub forecast_ms: f64,
    /// Size of the fitted model.
    pub parameters: usize,
    /// Steps (1-based) whose point forecast the plan's move limits bounded.
    pub limited: Vec<usize>,
    /// Each feature's share of what the fit learned from it (boosted trees), largest first.
    pub importance: Vec<FeatureShare>,
    /// How the forecast level answers a shock to each variable (VAR), one per variable.
    pub responses: Vec<Response>,
    /// The additive parts the forecast sums (the hybrid ARIMA–LSTM: ARIMA's forecast and
    /// the LSTM's correction), before any move limits; set for the hold-out run only.
    pub parts: Vec<Part>,
}

/// One additive part of a composite forecast: what each member contributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// What the part is, e.g. `ARIMA` or `LSTM on ARIMA's residuals`.
    pub part: String,
    /// Its forecast at steps 1 … h.
    pub forecast: Vec<f64>,
}

/// A variable's impulse response: how the forecast level moves, steps 0 … h after a
/// one-standard-deviation (orthogonalised) shock to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The shocked variable (the target or an input).
    pub shock: String,
    /// The level's response at steps 0 … h.
    pub response: Vec<f64>,
}

/// A feature's share of a model's learning (the boosted trees' split gain): which lags,
/// seasons and other columns drive the forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureShare {
    /// The feature, e.g. `lag 1` or `brent last`.
    pub feature: String,
    /// Its share, 0 … 1 (the shares sum to 1).
    pub share: f64,
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
    holdout_conformal: Vec<Vec<IntervalScore>>,
    first_error: Option<(String, Option<String>)>,
    failures: usize,
    wants_holdout: bool,
    /// The size of the last fold fit, for a row with no hold-out fit to give one.
    fold_size: Option<usize>,
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
                backtest_spread: None,
                fold_scores: vec![],
                holdout: None,
                holdout_intervals: vec![],
                fit_ms: None,
                forecast_ms: None,
                parameters: None,
                forecast: None,
                conformal: vec![],
                holdout_conformal: vec![],
                limited_steps: vec![],
                importance: vec![],
                responses: vec![],
                parts: vec![],
                members: vec![],
                weight_path: vec![],
                error: None,
                error_setting: None,
                warning: None,
            },
            fold_metrics: vec![],
            fold_intervals: vec![],
            holdout_metrics: vec![],
            holdout_intervals: vec![],
            holdout_conformal: vec![],
            first_error: None,
            failures: 0,
            wants_holdout,
            fold_size: None,
        }
    }

    /// Scores a fold's forecast of series `y` from `origin`, the model trained on
    /// `history_start..origin`; returns the fold's error as the pick compares it (MASE,
    /// MAE where the history gives no scale).
    pub fn record_fold(
        &mut self,
        y: &[f64],
        history_start: usize,
        origin: usize,
        forecast: &Forecast,
    ) -> f64 {
        let end = (origin + forecast.point.len()).min(y.len());
        let actual = &y[origin..end];
        let context = Context {
            history: &y[history_start..origin],
            season: self.season,
        };
        let metrics = Metrics::score(actual, &forecast.point, context);
        self.fold_metrics.push(metrics);
        self.fold_intervals
            .push(interval_scores(&forecast.intervals, actual));
        let error = fold_error(&metrics);
        self.row.fold_scores.push(FoldScore { origin, error });
        error
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
            .push(interval_scores(&run.forecast.intervals, actual));
        if !run.conformal.is_empty() {
            self.holdout_conformal
                .push(interval_scores(&run.conformal, actual));
        }
        if shows || self.row.label.is_none() {
            self.row.fit_ms = Some(run.fit_ms);
            self.row.forecast_ms = Some(run.forecast_ms);
            self.row.parameters = Some(run.parameters);
            self.row.label = Some(run.label);
        }
        if shows {
            self.row.forecast = Some(run.forecast);
            self.row.conformal = run.conformal;
            self.row.limited_steps = run.limited;
            self.row.importance = run.importance;
            self.row.responses = run.responses;
            self.row.parts = run.parts;
        }
    }

    /// Keeps a fold fit's size (numbers kept) for the tie-break where the plan has no
    /// hold-out to give one.
    pub fn record_size(&mut self, parameters: usize) {
        self.fold_size = Some(parameters);
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
        if !self.wants_holdout {
            row.parameters = row.parameters.or(self.fold_size);
        }
        row.backtest =
            (!self.fold_metrics.is_empty()).then(|| Metrics::average(&self.fold_metrics));
        row.backtest_intervals = average_intervals(&self.fold_intervals, self.levels);
        row.folds_scored = self.fold_metrics.len();
        let per_fold: Vec<f64> = self.fold_metrics.iter().map(fold_error).collect();
        row.backtest_spread = (per_fold.len() > 1).then(|| {
            let mean = per_fold.iter().sum::<f64>() / per_fold.len() as f64;
            let ss: f64 = per_fold.iter().map(|v| (v - mean).powi(2)).sum();
            (ss / (per_fold.len() - 1) as f64).sqrt()
        });
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
        if !self.holdout_conformal.is_empty() {
            row.holdout_conformal = average_intervals(&self.holdout_conformal, self.levels);
        }
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

/// The error a fold is compared by: MASE, MAE where the history gives no scale.
fn fold_error(metrics: &Metrics) -> f64 {
    metrics.mase.unwrap_or(metrics.mae)
}

fn interval_scores(intervals: &[Interval], actual: &[f64]) -> Vec<IntervalScore> {
    intervals
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
                interval_score: mean(&|s| s.interval_score),
            }
        })
        .collect()
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
            conformal: vec![],
            label: "drift".into(),
            fit_ms: 1.0,
            forecast_ms: 0.1,
            limited: vec![],
            parameters: 3,
            importance: vec![],
            responses: vec![],
            parts: vec![],
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

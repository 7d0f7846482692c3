//! Point-forecast accuracy in the data's own units: MAE, RMSE, MAPE, sMAPE (M4), MASE
//! (scaled by the in-sample seasonal-naive MAE), direction accuracy and F1, and Theil's U1
//! and U2; plus interval coverage and width.

use serde::{Deserialize, Serialize};

/// Accuracy of a set of predictions. Metrics that need context (MASE needs the history,
/// direction needs the value before the first prediction) or that are undefined on the data
/// (MAPE when every actual is zero) are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Metrics {
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Mean absolute percentage error, in percent, over the pairs whose actual is not zero.
    pub mape: Option<f64>,
    /// Symmetric MAPE as in the M4 competition, in percent (0–200): `200/h Σ |y − ŷ| /
    /// (|y| + |ŷ|)`, pairs with both zero skipped.
    #[serde(default)]
    pub smape: Option<f64>,
    /// Mean absolute scaled error: MAE over the in-sample MAE of the seasonal naive forecast
    /// (lag m; lag 1 without a season).
    #[serde(default)]
    pub mase: Option<f64>,
    /// Share of steps (0–1) whose predicted move from the previous actual has the sign of the
    /// actual move (a flat move counts as "not up").
    #[serde(default)]
    pub direction_accuracy: Option<f64>,
    /// F1 score of "up" moves (the naphtha system's direction metric).
    #[serde(default)]
    pub direction_f1: Option<f64>,
    /// Theil's U1: RMSE / (√mean y² + √mean ŷ²), in [0, 1]; 0 is perfect.
    #[serde(default)]
    pub theil_u1: Option<f64>,
    /// Theil's U2: relative-change RMSE of the forecast over that of the no-change
    /// forecast; below 1 beats naive.
    #[serde(default)]
    pub theil_u2: Option<f64>,
    /// Number of (actual, predicted) pairs scored.
    pub count: usize,
}

/// What some metrics need beyond the pairs: the history before them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The series up to the first predicted point (the training part).
    pub history: &'a [f64],
    /// Season length for MASE's scale (1 for none).
    pub season: usize,
}

impl Metrics {
    /// Scores predictions against actuals without history: MAE, RMSE, MAPE, sMAPE, Theil's
    /// U1, and U2 and direction from the second pair on. Pairs with a non-finite value on
    /// either side are skipped.
    pub fn compute(actual: &[f64], predicted: &[f64]) -> Self {
        Self::score(actual, predicted, Context::default())
    }

    /// Scores predictions against actuals with the history before them.
    pub fn score(actual: &[f64], predicted: &[f64], context: Context<'_>) -> Self {
        let pairs: Vec<(f64, f64)> = actual
            .iter()
            .zip(predicted)
            .filter(|(a, p)| a.is_finite() && p.is_finite())
            .map(|(a, p)| (*a, *p))
            .collect();
        let n = pairs.len();
        if n == 0 {
            return Metrics::default();
        }
        let n_f = n as f64;
        let mae = pairs.iter().map(|(a, p)| (a - p).abs()).sum::<f64>() / n_f;
        let mse = pairs.iter().map(|(a, p)| (a - p).powi(2)).sum::<f64>() / n_f;
        let nonzero: Vec<f64> = pairs
            .iter()
            .filter(|(a, _)| *a != 0.0)
            .map(|(a, p)| ((a - p) / a).abs())
            .collect();
        let mape = mean(&nonzero).map(|m| 100.0 * m);
        let sym: Vec<f64> = pairs
            .iter()
            .filter(|(a, p)| a.abs() + p.abs() > 0.0)
            .map(|(a, p)| 2.0 * (a - p).abs() / (a.abs() + p.abs()))
            .collect();
        let smape = mean(&sym).map(|m| 100.0 * m);
        let scale = naive_scale(context.history, context.season.max(1));
        let mase = scale.map(|s| mae / s);
        let root_mean_sq = |f: &dyn Fn(&(f64, f64)) -> f64| {
            (pairs.iter().map(|x| f(x).powi(2)).sum::<f64>() / n_f).sqrt()
        };
        let denominator = root_mean_sq(&|x| x.0) + root_mean_sq(&|x| x.1);
        let theil_u1 = (denominator > 0.0).then(|| mse.sqrt() / denominator);
        let (mut num, mut den) = (0.0, 0.0);
        for w in pairs.windows(2) {
            let (prev, (a, p)) = (w[0].0, w[1]);
            if prev != 0.0 {
                num += ((p - a) / prev).powi(2);
                den += ((a - prev) / prev).powi(2);
            }
        }
        let theil_u2 = (den > 0.0).then(|| (num / den).sqrt());
        // Direction: each step against the actual before it (the last history value for the
        // first step, when there is one).
        let previous = context.history.last().copied().filter(|v| v.is_finite());
        let mut moves = vec![];
        for (i, (a, p)) in pairs.iter().enumerate() {
            let prev = if i == 0 {
                previous
            } else {
                Some(pairs[i - 1].0)
            };
            if let Some(prev) = prev {
                moves.push((a > &prev, p > &prev));
            }
        }
        let direction_accuracy = (!moves.is_empty())
            .then(|| moves.iter().filter(|(a, p)| a == p).count() as f64 / moves.len() as f64);
        let tp = moves.iter().filter(|(a, p)| *a && *p).count();
        let wrong = moves.iter().filter(|(a, p)| a != p).count();
        let direction_f1 = (2 * tp + wrong > 0).then(|| 2.0 * tp as f64 / (2 * tp + wrong) as f64);
        Metrics {
            mae,
            rmse: mse.sqrt(),
            mape,
            smape,
            mase,
            direction_accuracy,
            direction_f1,
            theil_u1,
            theil_u2,
            count: n,
        }
    }

    /// The metric by its CLI/leaderboard name (`mae`, `rmse`, `mape`, `smape`, `mase`,
    /// `direction_accuracy`, `direction_f1`, `theil_u1`, `theil_u2`).
    pub fn get(&self, name: &str) -> Option<f64> {
        match name {
            "mae" => Some(self.mae),
            "rmse" => Some(self.rmse),
            "mape" => self.mape,
            "smape" => self.smape,
            "mase" => self.mase,
            "direction_accuracy" => self.direction_accuracy,
            "direction_f1" => self.direction_f1,
            "theil_u1" => self.theil_u1,
            "theil_u2" => self.theil_u2,
            _ => None,
        }
        .filter(|v| v.is_finite())
    }

    /// Every metric name [`Metrics::get`] knows, in display order.
    pub const NAMES: [&'static str; 9] = [
        "mae",
        "rmse",
        "mape",
        "smape",
        "mase",
        "direction_accuracy",
        "direction_f1",
        "theil_u1",
        "theil_u2",
    ];

    /// Whether a larger value of the metric is better (direction metrics).
    pub fn higher_is_better(name: &str) -> bool {
        name.starts_with("direction")
    }

    /// The mean of each metric over several scorings (e.g. backtest folds); a metric missing
    /// in every scoring stays `None`.
    pub fn average(all: &[Metrics]) -> Metrics {
        let avg = |f: &dyn Fn(&Metrics) -> Option<f64>| {
            mean(
                &all.iter()
                    .filter_map(f)
                    .filter(|v| v.is_finite())
                    .collect::<Vec<_>>(),
            )
        };
        Metrics {
            mae: avg(&|m| Some(m.mae)).unwrap_or(f64::NAN),
            rmse: avg(&|m| Some(m.rmse)).unwrap_or(f64::NAN),
            mape: avg(&|m| m.mape),
            smape: avg(&|m| m.smape),
            mase: avg(&|m| m.mase),
            direction_accuracy: avg(&|m| m.direction_accuracy),
            direction_f1: avg(&|m| m.direction_f1),
            theil_u1: avg(&|m| m.theil_u1),
            theil_u2: avg(&|m| m.theil_u2),
            count: all.iter().map(|m| m.count).sum(),
        }
    }
}

/// In-sample MAE of the seasonal naive forecast (lag `season`); `None` when the history is
/// too short or the scale is zero.
pub fn naive_scale(history: &[f64], season: usize) -> Option<f64> {
    let diffs: Vec<f64> = history
        .iter()
        .skip(season)
        .zip(history)
        .map(|(a, b)| (a - b).abs())
        .filter(|v| v.is_finite())
        .collect();
    mean(&diffs).filter(|s| *s > 0.0)
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// How well prediction intervals held the actuals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IntervalScore {
    /// Nominal level in percent.
    pub level: f64,
    /// Share of actuals inside the interval (0–1); compare with `level / 100`. `None` when
    /// nothing was scored.
    pub coverage: Option<f64>,
    /// Mean width (upper − lower), in the data's units.
    pub mean_width: Option<f64>,
    /// Mean interval (Winkler) score: the width plus 2/α times how far an actual falls
    /// outside, α = 1 − level/100; lower is better, and it rewards narrow intervals only
    /// when they still cover (Gneiting & Raftery 2007).
    #[serde(default)]
    pub interval_score: Option<f64>,
}

impl IntervalScore {
    /// Scores one interval against the actuals (non-finite pairs skipped).
    pub fn compute(level: f64, actual: &[f64], lower: &[f64], upper: &[f64]) -> Self {
        let penalty = 2.0 / (1.0 - level / 100.0).max(1e-9);
        let mut inside = 0usize;
        let mut width = 0.0;
        let mut score = 0.0;
        let mut n = 0usize;
        for ((a, lo), hi) in actual.iter().zip(lower).zip(upper) {
            if a.is_finite() && lo.is_finite() && hi.is_finite() {
                n += 1;
                width += hi - lo;
                score += hi - lo + penalty * ((lo - a).max(0.0) + (a - hi).max(0.0));
                if lo <= a && a <= hi {
                    inside += 1;
                }
            }
        }
        let nf = n as f64;
        IntervalScore {
            level,
            coverage: (n > 0).then(|| inside as f64 / nf),
            mean_width: (n > 0).then(|| width / nf),
            interval_score: (n > 0).then(|| score / nf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_checked_values() {
        let m = Metrics::compute(&[1.0, 2.0, 4.0], &[2.0, 2.0, 2.0]);
        assert!((m.mae - 1.0).abs() < 1e-12);
        assert!((m.rmse - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!((m.mape.unwrap() - 100.0 * (1.0 + 0.0 + 0.5) / 3.0).abs() < 1e-9);
        // sMAPE: 200/3 · (1/3 + 0 + 2/6)
        assert!((m.smape.unwrap() - 200.0 / 3.0 * (1.0 / 3.0 + 1.0 / 3.0)).abs() < 1e-9);
        assert_eq!(m.count, 3);
    }

    #[test]
    fn zeros_and_nans_are_skipped_for_mape() {
        let m = Metrics::compute(&[0.0, 2.0, f64::NAN], &[1.0, 1.0, 1.0]);
        assert_eq!(m.count, 2);
        assert!((m.mape.unwrap() - 50.0).abs() < 1e-12);
        assert_eq!(Metrics::compute(&[0.0], &[1.0]).mape, None);
    }

    #[test]
    fn hand_checked_context_metrics() {
        // History 1,2,3,5 (season 1): naive MAE = (1+1+2)/3 = 4/3.
        let history = [1.0, 2.0, 3.0, 5.0];
        let actual = [6.0, 4.0, 7.0];
        let predicted = [5.5, 5.0, 6.0];
        let m = Metrics::score(
            &actual,
            &predicted,
            Context {
                history: &history,
                season: 1,
            },
        );
        let mae = (0.5 + 1.0 + 1.0) / 3.0;
        assert!((m.mase.unwrap() - mae / (4.0 / 3.0)).abs() < 1e-12);
        // Moves from 5: actual up, down, up; predicted 5.5>5 up, 5<6 down, 6<4? no: 6>4 up.
        assert_eq!(m.direction_accuracy, Some(1.0));
        assert_eq!(m.direction_f1, Some(1.0));
        // U2 over steps 2..3: ((5−4)/6)², ((6−7)/4)² vs ((4−6)/6)², ((7−4)/4)².
        let u2 = (((1.0f64 / 6.0).powi(2) + 0.25f64.powi(2))
            / ((2.0f64 / 6.0).powi(2) + 0.75f64.powi(2)))
        .sqrt();
        assert!((m.theil_u2.unwrap() - u2).abs() < 1e-12);
    }

    #[test]
    fn interval_coverage_and_width() {
        let s = IntervalScore::compute(80.0, &[1.0, 5.0, 3.0], &[0.0, 0.0, 2.0], &[2.0, 4.0, 4.0]);
        assert!((s.coverage.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        // Widths 2, 4, 2; the 5 misses by 1 at α = 0.2: + 2/0.2 · 1.
        assert!((s.interval_score.unwrap() - (8.0 + 10.0) / 3.0).abs() < 1e-9);
        assert!((s.mean_width.unwrap() - 8.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn averages_ignore_missing_metrics() {
        let a = Metrics {
            mae: 1.0,
            rmse: 2.0,
            mase: Some(0.5),
            count: 3,
            ..Default::default()
        };
        let b = Metrics {
            mae: 3.0,
            rmse: 4.0,
            mase: None,
            count: 2,
            ..Default::default()
        };
        let m = Metrics::average(&[a, b]);
        assert_eq!((m.mae, m.rmse, m.mase, m.count), (2.0, 3.0, Some(0.5), 5));
    }
}

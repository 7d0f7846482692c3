//! Conformal prediction intervals from the backtest folds, for every model (the LSTM and
//! the ensembles, which have no intervals of their own, included): the absolute errors of
//! the fold forecasts, per step ahead, are the conformity scores; the interval at a step
//! is the point forecast widened by their spread. This is StatsForecast's
//! `ConformalIntervals` (method `conformal_distribution`): quantiles of the point ± each
//! score, numpy's linear interpolation. The folds lie before the hold-out, so its
//! intervals are honest: nothing they are scored against shaped them.

use crate::models::stats::Interval;
use crate::models::stats::simulate::sample_intervals;

/// Fewest folds conformal intervals are made from (StatsForecast's `n_windows` minimum).
pub const MIN_WINDOWS: usize = 2;

/// The series' local scale at `origin`: the mean absolute change between neighbours over
/// the points before it (two seasons, at least the horizon and 20 points). Conformal scores
/// divided by it at their own origin, and bounds multiplied by it at the forecast's, let
/// the intervals follow a series whose swings grow with its level or come in calm and
/// turbulent spells, where raw errors from older windows would be too small or too large.
/// A flat stretch gets a floor (a tenth of the mean absolute change over all the points
/// before `origin`), so its scale is never near zero.
pub fn local_scale(y: &[f64], origin: usize, season: usize, horizon: usize) -> f64 {
    let window = (2 * season).max(horizon).max(20);
    let end = origin.min(y.len());
    let start = end.saturating_sub(window + 1);
    let (sum, count) = y[start..end]
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .filter(|d| d.is_finite())
        .fold((0.0, 0usize), |(s, c), d| (s + d, c + 1));
    // A flat stretch (a regulated price, a run of zeros) must not shrink the scale to
    // nothing: a tenth of the whole history's mean absolute change is the floor.
    let (all_sum, all_count) = y[..end]
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .filter(|d| d.is_finite())
        .fold((0.0, 0usize), |(s, c), d| (s + d, c + 1));
    let history = if all_count > 0 {
        all_sum / all_count as f64
    } else {
        0.0
    };
    let floor = (0.1 * history).max(1e-9 * (1.0 + end.checked_sub(1).map_or(0.0, |i| y[i].abs())));
    if count == 0 {
        return floor.max(1.0);
    }
    (sum / count as f64).max(floor)
}

/// Absolute fold errors per step ahead, gathered origin by origin.
#[derive(Debug, Clone, Default)]
pub struct Calibration {
    /// `scores[h]`: the absolute errors at step h + 1, one per fold that reached it.
    scores: Vec<Vec<f64>>,
}

impl Calibration {
    /// Adds one fold's forecast and what happened (pairs with a non-finite side skipped).
    pub fn add(&mut self, actual: &[f64], point: &[f64]) {
        self.add_scaled(actual, point, 1.0);
    }

    /// Adds one window's errors divided by the series' [`local_scale`] at its origin.
    pub fn add_scaled(&mut self, actual: &[f64], point: &[f64], scale: f64) {
        if self.scores.len() < point.len() {
            self.scores.resize(point.len(), vec![]);
        }
        for ((scores, a), p) in self.scores.iter_mut().zip(actual).zip(point) {
            if a.is_finite() && p.is_finite() {
                scores.push((a - p).abs() / scale);
            }
        }
    }

    /// Folds that reached the first step.
    pub fn windows(&self) -> usize {
        self.scores.first().map_or(0, Vec::len)
    }

    /// The intervals around `point` at each level (percent); none with fewer than
    /// [`MIN_WINDOWS`] folds (one error says nothing of a spread). A step no fold reached
    /// takes the last step's scores that exist.
    pub fn intervals(&self, point: &[f64], levels: &[f64]) -> Vec<Interval> {
        self.intervals_scaled(point, levels, 1.0)
    }

    /// The intervals around `point` with scores added by [`Calibration::add_scaled`]:
    /// the bounds' spread multiplied by the local `scale` at the forecast's origin.
    pub fn intervals_scaled(&self, point: &[f64], levels: &[f64], scale: f64) -> Vec<Interval> {
        if self.windows() < MIN_WINDOWS {
            return vec![];
        }
        let per_step: Vec<Vec<f64>> = (0..point.len())
            .map(|h| {
                let scores = (0..=h.min(self.scores.len() - 1))
                    .rev()
                    .map(|k| &self.scores[k])
                    .find(|s| !s.is_empty())
                    .cloned()
                    .unwrap_or_default();
                let mut spread: Vec<f64> = scores.iter().flat_map(|s| [-s, *s]).collect();
                spread.sort_by(f64::total_cmp);
                spread
            })
            .collect();
        sample_intervals(&per_step, levels, |h, v| point[h] + v * scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_is_the_spread_of_the_fold_errors_per_step() {
        let mut c = Calibration::default();
        c.add(&[1.0, 2.0], &[0.0, 0.0]);
        assert!(
            c.intervals(&[10.0], &[50.0]).is_empty(),
            "one fold is no spread"
        );
        c.add(&[3.0, f64::NAN], &[0.0, 0.0]);
        assert_eq!(c.windows(), 2);
        let i = &c.intervals(&[10.0, 10.0, 10.0], &[50.0])[0];
        // Step 1: spread {−3, −1, 1, 3}; numpy's quartiles ∓1.5 → [8.5, 11.5].
        assert_eq!((i.lower[0], i.upper[0]), (8.5, 11.5));
        // Step 2: {−2, 2} → quartiles ∓1; step 3 reuses step 2's scores.
        assert_eq!((i.lower[1], i.upper[1]), (9.0, 11.0));
        assert_eq!((i.lower[2], i.upper[2]), (9.0, 11.0));
        assert!(Calibration::default().intervals(&[1.0], &[80.0]).is_empty());
    }

    #[test]
    fn scaled_scores_follow_the_local_swing() {
        // Changes of 1 for 30 points, then of 10: the scale at each origin is the mean
        // absolute change over the 20 (or two seasons, or the horizon) before it.
        let y: Vec<f64> = (0..60)
            .map(|t| {
                if t < 30 {
                    t as f64
                } else {
                    29.0 + 10.0 * (t - 29) as f64
                }
            })
            .collect();
        assert_eq!(local_scale(&y, 25, 1, 1), 1.0);
        assert_eq!(local_scale(&y, 60, 1, 1), 10.0);
        assert_eq!(local_scale(&y, 40, 12, 1), (14.0 + 10.0 * 10.0) / 24.0);
        // A flat stretch has a floor, not zero; no points at all give 1.
        assert!(local_scale(&[5.0; 30], 30, 1, 1) > 0.0);
        let mut flat_after_swings: Vec<f64> = (0..40).map(|t| f64::from(t % 2) * 10.0).collect();
        flat_after_swings.extend([0.0; 30]);
        // 40 changes of 10 over 69 neighbours: the floor is a tenth of that mean.
        let floor = 0.1 * 400.0 / 69.0;
        assert!((local_scale(&flat_after_swings, 70, 1, 1) - floor).abs() < 1e-12);
        assert_eq!(local_scale(&[], 0, 1, 1), 1.0);
        // Errors of 2 where the scale was 1 become bounds of ±20 where it is 10.
        let mut c = Calibration::default();
        c.add_scaled(&[2.0], &[0.0], 1.0);
        c.add_scaled(&[-2.0], &[0.0], 1.0);
        let i = &c.intervals_scaled(&[100.0], &[100.0 - 1e-9], 10.0)[0];
        assert!((i.lower[0] - 80.0).abs() < 1e-6 && (i.upper[0] - 120.0).abs() < 1e-6);
    }
}

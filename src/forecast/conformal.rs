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

/// Absolute fold errors per step ahead, gathered origin by origin.
#[derive(Debug, Clone, Default)]
pub struct Calibration {
    /// `scores[h]`: the absolute errors at step h + 1, one per fold that reached it.
    scores: Vec<Vec<f64>>,
}

impl Calibration {
    /// Adds one fold's forecast and what happened (pairs with a non-finite side skipped).
    pub fn add(&mut self, actual: &[f64], point: &[f64]) {
        if self.scores.len() < point.len() {
            self.scores.resize(point.len(), vec![]);
        }
        for ((scores, a), p) in self.scores.iter_mut().zip(actual).zip(point) {
            if a.is_finite() && p.is_finite() {
                scores.push((a - p).abs());
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
        sample_intervals(&per_step, levels, |h, v| point[h] + v)
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
}

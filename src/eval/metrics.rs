//! Point-forecast accuracy: MAE, RMSE and MAPE over paired actual/predicted values.

use serde::{Deserialize, Serialize};

/// Accuracy of a set of predictions, in the data's own units (MAPE in percent).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Mean absolute percentage error, in percent, over the pairs whose actual is not zero;
    /// `None` when every actual is zero.
    pub mape: Option<f64>,
    /// Number of (actual, predicted) pairs scored.
    pub count: usize,
}

impl Metrics {
    /// Scores predictions against actuals. Pairs with a non-finite value on either side are
    /// skipped.
    pub fn compute(actual: &[f64], predicted: &[f64]) -> Self {
        let (mut abs, mut sq, mut pct, mut n, mut n_pct) = (0.0, 0.0, 0.0, 0usize, 0usize);
        for (a, p) in actual.iter().zip(predicted) {
            if !a.is_finite() || !p.is_finite() {
                continue;
            }
            let e = a - p;
            abs += e.abs();
            sq += e * e;
            n += 1;
            if *a != 0.0 {
                pct += (e / a).abs();
                n_pct += 1;
            }
        }
        let n_f = n.max(1) as f64;
        Metrics {
            mae: abs / n_f,
            rmse: (sq / n_f).sqrt(),
            mape: (n_pct > 0).then(|| 100.0 * pct / n_pct as f64),
            count: n,
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
        assert_eq!(m.count, 3);
    }

    #[test]
    fn zeros_and_nans_are_skipped_for_mape() {
        let m = Metrics::compute(&[0.0, 2.0, f64::NAN], &[1.0, 1.0, 1.0]);
        assert_eq!(m.count, 2);
        assert!((m.mape.unwrap() - 50.0).abs() < 1e-12);
        assert_eq!(Metrics::compute(&[0.0], &[1.0]).mape, None);
    }
}

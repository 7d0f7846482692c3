//! Penalised least squares with an intercept: ridge, the lasso and the elastic net, each
//! minimising exactly what scikit-learn's `Ridge`, `Lasso` and `ElasticNet` minimise, so
//! the coefficients match theirs (`tests/linear_reference.rs`, fixture
//! `tests/data/stats/linear.json`):
//!
//! - ridge: `‖y − Xw − b‖² + α‖w‖²`, solved exactly (Cholesky);
//! - elastic net: `‖y − Xw − b‖² / 2n + αρ‖w‖₁ + α(1 − ρ)‖w‖² / 2` (ρ = 1: the lasso),
//!   by cyclic coordinate descent on the Gram matrix.
//!
//! The intercept is not penalised: both centre the columns and the target first. The
//! Gram matrix `XᵀX` is formed once per design, so a path of penalties costs `p²` per
//! sweep whatever the number of rows.

use serde::{Deserialize, Serialize};

use crate::models::stats::StatsError;
use crate::models::stats::linalg::{cholesky, cholesky_solve};

/// The penalty's form: what `alpha` multiplies.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Penalty {
    /// Squared norm of the coefficients (sklearn `Ridge`).
    Ridge,
    /// Absolute norm: drops features (sklearn `Lasso`).
    Lasso,
    /// A mix: `l1_ratio` of absolute norm, the rest squared (sklearn `ElasticNet`).
    ElasticNet {
        /// Share of the absolute norm, in (0, 1].
        l1_ratio: f64,
    },
}

impl Penalty {
    /// The share of the absolute norm (0 for ridge).
    pub fn l1_ratio(&self) -> f64 {
        match *self {
            Penalty::Ridge => 0.0,
            Penalty::Lasso => 1.0,
            Penalty::ElasticNet { l1_ratio } => l1_ratio,
        }
    }
}

/// The stopping tolerance of [`Gram::fit`]: far tighter than sklearn's default, so the
/// fixtures, fitted at `tol=1e-12`, are met to 1e-6.
pub const EXACT: f64 = 1e-12;

/// A fitted linear map `b + x·w`.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearFit {
    /// The unpenalised intercept `b`.
    pub intercept: f64,
    /// One coefficient per column.
    pub coef: Vec<f64>,
}

impl LinearFit {
    /// `b + x·w` for one row.
    pub fn predict(&self, x: &[f64]) -> f64 {
        self.intercept + x.iter().zip(&self.coef).map(|(a, w)| a * w).sum::<f64>()
    }

    /// Coefficients that are not exactly zero (what the lasso keeps).
    pub fn nonzero(&self) -> usize {
        self.coef.iter().filter(|w| **w != 0.0).count()
    }
}

/// A design's sufficient statistics: column means, the target's mean, the centred Gram
/// matrix `XcᵀXc` and `Xcᵀyc`. Everything a fit at any penalty needs.
#[derive(Debug, Clone)]
pub struct Gram {
    rows: usize,
    x_mean: Vec<f64>,
    y_mean: f64,
    /// Row-major `p × p`.
    xtx: Vec<f64>,
    xty: Vec<f64>,
}

impl Gram {
    /// The statistics of `rows` (each of the same length) against `y`.
    ///
    /// # Errors
    /// [`StatsError::InvalidSpec`] for no rows, rows of unequal length or a row count that
    /// differs from `y`'s.
    pub fn new(rows: &[Vec<f64>], y: &[f64]) -> Result<Self, StatsError> {
        let n = rows.len();
        if n == 0 || n != y.len() {
            return Err(StatsError::InvalidSpec(format!(
                "a regression needs as many targets as rows, and at least one; got {n} rows and {} targets",
                y.len()
            )));
        }
        let p = rows[0].len();
        if rows.iter().any(|r| r.len() != p) {
            return Err(StatsError::InvalidSpec(
                "every row of a regression needs the same number of features".into(),
            ));
        }
        let nf = n as f64;
        let mut x_mean = vec![0.0; p];
        for r in rows {
            for (m, v) in x_mean.iter_mut().zip(r) {
                *m += v;
            }
        }
        x_mean.iter_mut().for_each(|m| *m /= nf);
        let y_mean = y.iter().sum::<f64>() / nf;
        let mut xtx = vec![0.0; p * p];
        let mut xty = vec![0.0; p];
        let mut centred = vec![0.0; p];
        for (r, &t) in rows.iter().zip(y) {
            for ((c, v), m) in centred.iter_mut().zip(r).zip(&x_mean) {
                *c = v - m;
            }
            let yc = t - y_mean;
            for i in 0..p {
                let ci = centred[i];
                xty[i] += ci * yc;
                let row = &mut xtx[i * p..i * p + p];
                for j in i..p {
                    row[j] += ci * centred[j];
                }
            }
        }
        for i in 0..p {
            for j in 0..i {
                xtx[i * p + j] = xtx[j * p + i];
            }
        }
        Ok(Gram {
            rows: n,
            x_mean,
            y_mean,
            xtx,
            xty,
        })
    }

    /// Number of columns.
    pub fn features(&self) -> usize {
        self.xty.len()
    }

    /// The smallest `alpha` at which the elastic net with this `l1_ratio` keeps no
    /// feature (sklearn's `alpha_max` of its path); the scale of a penalty grid.
    pub fn alpha_max(&self, l1_ratio: f64) -> f64 {
        let top = self.xty.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        top / (self.rows as f64 * l1_ratio.max(1e-3))
    }

    /// The fit at `alpha` (`start`: coefficients to begin coordinate descent from, e.g.
    /// the previous point of a path; ridge ignores it).
    ///
    /// # Errors
    /// [`StatsError::InvalidSpec`] for a negative or non-finite `alpha` or an `l1_ratio`
    /// outside (0, 1]; [`StatsError::NotConverged`] when ridge's system is singular
    /// (alpha 0 on collinear columns).
    pub fn fit(
        &self,
        penalty: Penalty,
        alpha: f64,
        start: Option<&[f64]>,
    ) -> Result<LinearFit, StatsError> {
        self.fit_within(penalty, alpha, start, EXACT)
    }

    /// As [`Gram::fit`], coordinate descent stopping when no coefficient moves by more
    /// than `tolerance` of the largest: forecasting needs far less than the fixtures' 1e-12.
    ///
    /// # Errors
    /// As [`Gram::fit`].
    pub fn fit_within(
        &self,
        penalty: Penalty,
        alpha: f64,
        start: Option<&[f64]>,
        tolerance: f64,
    ) -> Result<LinearFit, StatsError> {
        if !(alpha.is_finite() && alpha >= 0.0) {
            return Err(StatsError::InvalidSpec(format!(
                "the penalty alpha must be a finite number ≥ 0; got {alpha}"
            )));
        }
        let coef = match penalty {
            Penalty::Ridge => self.ridge(alpha)?,
            other => {
                let rho = other.l1_ratio();
                if !(rho > 0.0 && rho <= 1.0) {
                    return Err(StatsError::InvalidSpec(format!(
                        "the elastic net's l1_ratio must lie in (0, 1]; got {rho}"
                    )));
                }
                self.coordinate_descent(alpha, rho, start, tolerance)
            }
        };
        let intercept = self.y_mean
            - coef
                .iter()
                .zip(&self.x_mean)
                .map(|(w, m)| w * m)
                .sum::<f64>();
        Ok(LinearFit { intercept, coef })
    }

    /// `(XcᵀXc + αI) w = Xcᵀyc` by Cholesky.
    fn ridge(&self, alpha: f64) -> Result<Vec<f64>, StatsError> {
        let p = self.features();
        let mut a = self.xtx.clone();
        for i in 0..p {
            a[i * p + i] += alpha;
        }
        let l = cholesky(&a, p).map_err(|column| StatsError::NotConverged {
            model: "ridge".into(),
            reason: format!(
                "feature {} is constant or a combination of the ones before it, and the penalty is zero",
                column + 1
            ),
        })?;
        let mut w = self.xty.clone();
        cholesky_solve(&l, p, &mut w);
        Ok(w)
    }

    /// Cyclic coordinate descent on the Gram matrix until no coefficient moves by more
    /// than `tolerance` of the largest.
    fn coordinate_descent(
        &self,
        alpha: f64,
        rho: f64,
        start: Option<&[f64]>,
        tolerance: f64,
    ) -> Vec<f64> {
        const MAX_SWEEPS: usize = 100_000;
        let p = self.features();
        if p == 0 {
            return vec![];
        }
        let n = self.rows as f64;
        let l1 = alpha * rho * n;
        let l2 = alpha * (1.0 - rho) * n;
        let mut w: Vec<f64> = match start {
            Some(s) if s.len() == p => s.to_vec(),
            _ => vec![0.0; p],
        };
        // q = XᵀX w, kept up to date as coordinates move.
        let mut q: Vec<f64> = self
            .xtx
            .chunks(p)
            .map(|row| row.iter().zip(&w).map(|(g, v)| g * v).sum())
            .collect();
        for _ in 0..MAX_SWEEPS {
            let mut largest_move = 0.0f64;
            let mut largest = 0.0f64;
            for j in 0..p {
                let g = self.xtx[j * p + j];
                let old = w[j];
                let new = if g + l2 <= 0.0 {
                    0.0
                } else {
                    let r = self.xty[j] - q[j] + g * old;
                    soft_threshold(r, l1) / (g + l2)
                };
                let delta = new - old;
                if delta != 0.0 {
                    w[j] = new;
                    for (i, qi) in q.iter_mut().enumerate() {
                        *qi += self.xtx[i * p + j] * delta;
                    }
                }
                largest_move = largest_move.max(delta.abs());
                largest = largest.max(new.abs());
            }
            if largest_move <= tolerance * largest.max(1e-300) || largest == 0.0 {
                break;
            }
        }
        w
    }
}

fn soft_threshold(x: f64, t: f64) -> f64 {
    if x > t {
        x - t
    } else if x < -t {
        x + t
    } else {
        0.0
    }
}

/// Column means and scales (population standard deviation, as sklearn's
/// `StandardScaler`) that put features on one footing before a penalty weighs them; a
/// constant column keeps scale 1 (it is then all zeros).
#[derive(Debug, Clone, PartialEq)]
pub struct Standardiser {
    /// Mean per column.
    pub mean: Vec<f64>,
    /// Scale per column.
    pub scale: Vec<f64>,
}

impl Standardiser {
    /// Means and scales of `rows`.
    pub fn fit(rows: &[Vec<f64>]) -> Self {
        let p = rows.first().map_or(0, Vec::len);
        let n = rows.len().max(1) as f64;
        let mut mean = vec![0.0; p];
        for r in rows {
            for (m, v) in mean.iter_mut().zip(r) {
                *m += v;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut var = vec![0.0; p];
        for r in rows {
            for ((s, v), m) in var.iter_mut().zip(r).zip(&mean) {
                *s += (v - m) * (v - m);
            }
        }
        let scale = var
            .into_iter()
            .zip(&mean)
            .map(|(s, m)| {
                let sd = (s / n).sqrt();
                // Below rounding noise of the values: constant.
                if sd > 1e-12 * (1.0 + m.abs()) {
                    sd
                } else {
                    1.0
                }
            })
            .collect();
        Standardiser { mean, scale }
    }

    /// One row standardised.
    pub fn apply(&self, row: &[f64]) -> Vec<f64> {
        row.iter()
            .zip(&self.mean)
            .zip(&self.scale)
            .map(|((v, m), s)| (v - m) / s)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design() -> (Vec<Vec<f64>>, Vec<f64>) {
        // y = 1 + 2·x0 − 3·x1 exactly, x2 noise-free but irrelevant.
        let rows: Vec<Vec<f64>> = (0..40)
            .map(|i| {
                let t = i as f64;
                vec![(t * 0.7).sin(), (t * 0.3).cos(), (t * 1.1).sin() * 0.5]
            })
            .collect();
        let y = rows.iter().map(|r| 1.0 + 2.0 * r[0] - 3.0 * r[1]).collect();
        (rows, y)
    }

    #[test]
    fn without_a_penalty_every_form_recovers_least_squares() {
        let (rows, y) = design();
        let gram = Gram::new(&rows, &y).unwrap();
        for penalty in [
            Penalty::Ridge,
            Penalty::Lasso,
            Penalty::ElasticNet { l1_ratio: 0.5 },
        ] {
            let fit = gram.fit(penalty, 0.0, None).unwrap();
            assert!((fit.intercept - 1.0).abs() < 1e-8, "{penalty:?} {fit:?}");
            for (w, want) in fit.coef.iter().zip([2.0, -3.0, 0.0]) {
                assert!((w - want).abs() < 1e-8, "{penalty:?} {fit:?}");
            }
        }
    }

    #[test]
    fn penalties_shrink_and_the_lasso_drops_features() {
        let (rows, y) = design();
        let gram = Gram::new(&rows, &y).unwrap();
        let top = gram.alpha_max(1.0);
        let none = gram.fit(Penalty::Lasso, top * 1.0001, None).unwrap();
        assert_eq!(none.nonzero(), 0, "past alpha_max the lasso keeps nothing");
        assert!((none.intercept - y.iter().sum::<f64>() / 40.0).abs() < 1e-12);
        let some = gram.fit(Penalty::Lasso, top * 0.5, None).unwrap();
        assert!(some.nonzero() >= 1 && some.nonzero() < 3, "{some:?}");
        let ridge = gram.fit(Penalty::Ridge, 10.0, None).unwrap();
        assert!(ridge.coef[0].abs() < 2.0 && ridge.coef[1].abs() < 3.0);
        assert!(gram.fit(Penalty::Ridge, -1.0, None).is_err());
        assert!(
            gram.fit(Penalty::ElasticNet { l1_ratio: 0.0 }, 1.0, None)
                .is_err()
        );
        // Collinear columns with no penalty: ridge says so rather than dividing by zero.
        let twin: Vec<Vec<f64>> = rows.iter().map(|r| vec![r[0], r[0]]).collect();
        let gram = Gram::new(&twin, &y).unwrap();
        assert!(matches!(
            gram.fit(Penalty::Ridge, 0.0, None),
            Err(StatsError::NotConverged { .. })
        ));
        assert!(Gram::new(&[], &[]).is_err());
    }

    #[test]
    fn standardising_centres_and_scales_and_leaves_constants_at_zero() {
        let rows = vec![vec![1.0, 5.0], vec![3.0, 5.0]];
        let s = Standardiser::fit(&rows);
        assert_eq!(s.mean, vec![2.0, 5.0]);
        assert_eq!(s.scale, vec![1.0, 1.0]);
        assert_eq!(s.apply(&[3.0, 5.0]), vec![1.0, 0.0]);
    }
}

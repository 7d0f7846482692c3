//! Vector autoregression: VAR(p) with a constant, every equation by least squares, the lag
//! order by AIC, BIC, HQ or FPE over a common sample, forecasts with intervals from the
//! forecast MSE matrices — statsmodels' `VAR` (`select_order`, `fit(maxlags, ic)`,
//! `forecast_interval`) to its definitions, so orders, coefficients, criteria and intervals
//! match its figures (`tests/var_reference.rs`).
//!
//! As a forecaster in the leaderboard (`var`) it models the target together with the
//! columns named as factors, all in first differences (so trending levels need no care),
//! and carries the target's forecast changes onto its last level; the interval of a level
//! sums the changes' MSE through the cumulated moving-average weights.

use std::sync::Arc;

use super::linalg::{carry_forward, cholesky, cholesky_log_det, cholesky_solve};
use super::{Fitted, Forecast, StatsError, check_series};

/// The criterion that picks the lag order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criterion {
    /// Akaike.
    Aic,
    /// Schwarz (Bayesian).
    Bic,
    /// Hannan–Quinn.
    Hqic,
    /// Final prediction error.
    Fpe,
}

/// The four criteria of one fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Criteria {
    /// Akaike.
    pub aic: f64,
    /// Schwarz.
    pub bic: f64,
    /// Hannan–Quinn.
    pub hqic: f64,
    /// Final prediction error.
    pub fpe: f64,
}

impl Criteria {
    fn get(&self, c: Criterion) -> f64 {
        match c {
            Criterion::Aic => self.aic,
            Criterion::Bic => self.bic,
            Criterion::Hqic => self.hqic,
            Criterion::Fpe => self.fpe,
        }
    }
}

/// A fitted VAR(p) with a constant on `k` variables.
#[derive(Debug, Clone, PartialEq)]
pub struct VarFit {
    /// Variables.
    pub k: usize,
    /// Lag order.
    pub p: usize,
    /// Coefficients, statsmodels' layout: row 0 the constants, then lag 1's coefficient on
    /// each variable, lag 2's, …; `params[row][equation]`.
    pub params: Vec<Vec<f64>>,
    /// Residual covariance, degrees-of-freedom adjusted (`k × k`, row-major).
    pub sigma_u: Vec<f64>,
    /// Information criteria of the fit.
    pub criteria: Criteria,
}

fn model_error(reason: String) -> StatsError {
    StatsError::NotConverged {
        model: "VAR".into(),
        reason,
    }
}

/// Estimates VAR(p) on `data` (rows of `k` values) using rows from `offset` on as the
/// sample's history (so several orders can share one sample, as `select_order` does).
///
/// # Errors
/// [`StatsError::TooShort`] when the sample has no degrees of freedom left;
/// [`StatsError::NotConverged`] for collinear columns (a column repeated or constant).
pub fn estimate(data: &[Vec<f64>], p: usize, offset: usize) -> Result<VarFit, StatsError> {
    let k = data.first().map_or(0, Vec::len);
    let rows = data.get(offset..).unwrap_or(&[]);
    let width = 1 + k * p;
    if k == 0 || rows.len() <= p + width {
        return Err(StatsError::TooShort {
            model: format!("VAR({p})"),
            needed: offset + p + width + 1,
            got: data.len(),
        });
    }
    let t = rows.len() - p;
    let z_row = |i: usize| -> Vec<f64> {
        let mut z = Vec::with_capacity(width);
        z.push(1.0);
        for j in 1..=p {
            z.extend_from_slice(&rows[p + i - j]);
        }
        z
    };
    let mut ztz = vec![0.0; width * width];
    let mut zty = vec![vec![0.0; width]; k];
    for i in 0..t {
        let z = z_row(i);
        for a in 0..width {
            for b in a..width {
                ztz[a * width + b] += z[a] * z[b];
            }
            for (eq, out) in zty.iter_mut().enumerate() {
                out[a] += z[a] * rows[p + i][eq];
            }
        }
    }
    for a in 0..width {
        for b in 0..a {
            ztz[a * width + b] = ztz[b * width + a];
        }
    }
    let l = cholesky(&ztz, width).map_err(|j| {
        // Regressor j: the constant, then each lag's k columns.
        let column = j.saturating_sub(1) % k + 1;
        model_error(format!(
            "column {column} of its {k} (the target is 1, then the inputs in order) is constant or a combination of the others; leave it out"
        ))
    })?;
    for rhs in &mut zty {
        cholesky_solve(&l, width, rhs);
    }
    let params: Vec<Vec<f64>> = (0..width)
        .map(|r| (0..k).map(|eq| zty[eq][r]).collect())
        .collect();
    let mut sse = vec![0.0; k * k];
    for i in 0..t {
        let z = z_row(i);
        let resid: Vec<f64> = (0..k)
            .map(|eq| {
                rows[p + i][eq]
                    - z.iter()
                        .zip(&params)
                        .map(|(zv, row)| zv * row[eq])
                        .sum::<f64>()
            })
            .collect();
        for a in 0..k {
            for b in 0..k {
                sse[a * k + b] += resid[a] * resid[b];
            }
        }
    }
    let df_model = (k * p + 1) as f64;
    let nobs = t as f64;
    let df_resid = nobs - df_model;
    let sigma_u: Vec<f64> = sse.iter().map(|s| s / df_resid).collect();
    let mle: Vec<f64> = sse.iter().map(|s| s / nobs).collect();
    let ld = cholesky(&mle, k)
        .map(|l| cholesky_log_det(&l, k))
        .map_err(|j| {
            model_error(format!(
                "column {} of its {k} (the target is 1, then the inputs in order) is explained exactly by the others' past; leave it out",
                j + 1
            ))
        })?;
    let free = (p * k * k + k) as f64;
    let criteria = Criteria {
        aic: ld + 2.0 / nobs * free,
        bic: ld + nobs.ln() / nobs * free,
        hqic: ld + 2.0 * nobs.ln().ln() / nobs * free,
        fpe: ((nobs + df_model) / df_resid).powi(k as i32) * ld.exp(),
    };
    Ok(VarFit {
        k,
        p,
        params,
        sigma_u,
        criteria,
    })
}

/// statsmodels' default largest order: `round(12 (n/100)^¼)`, capped where the sample can
/// still estimate every coefficient.
pub fn default_max_lags(n: usize, k: usize) -> usize {
    let rule = (12.0 * (n as f64 / 100.0).powf(0.25)).round() as usize;
    rule.min(n.saturating_sub(k + 1) / (1 + k))
}

/// The order each criterion picks among 0 … `max_lags`, every order fitted on the same
/// sample (the points after the first `max_lags`): `(aic, bic, hqic, fpe)`.
///
/// # Errors
/// As [`estimate`].
pub fn select_order(data: &[Vec<f64>], max_lags: usize) -> Result<[usize; 4], StatsError> {
    let fits: Vec<Criteria> = (0..=max_lags)
        .map(|p| estimate(data, p, max_lags - p).map(|f| f.criteria))
        .collect::<Result<_, _>>()?;
    let pick = |c: Criterion| {
        (0..fits.len())
            .min_by(|&a, &b| fits[a].get(c).total_cmp(&fits[b].get(c)))
            .unwrap_or(0)
    };
    Ok([
        pick(Criterion::Aic),
        pick(Criterion::Bic),
        pick(Criterion::Hqic),
        pick(Criterion::Fpe),
    ])
}

/// The order `criterion` picks up to `max_lags`, then that order fitted on every row
/// (statsmodels' `fit(maxlags, ic)`).
///
/// # Errors
/// As [`estimate`].
pub fn fit(data: &[Vec<f64>], max_lags: usize, criterion: Criterion) -> Result<VarFit, StatsError> {
    let [aic, bic, hqic, fpe] = select_order(data, max_lags)?;
    let p = match criterion {
        Criterion::Aic => aic,
        Criterion::Bic => bic,
        Criterion::Hqic => hqic,
        Criterion::Fpe => fpe,
    };
    estimate(data, p, 0)
}

impl VarFit {
    /// Coefficient of variable `c` at lag `j` (1-based) in equation `r`.
    fn a(&self, j: usize, r: usize, c: usize) -> f64 {
        self.params[1 + (j - 1) * self.k + c][r]
    }

    /// Forecasts `steps` rows after `history` (at least `p` rows, the latest last).
    pub fn forecast(&self, history: &[Vec<f64>], steps: usize) -> Vec<Vec<f64>> {
        let mut path: Vec<Vec<f64>> = history[history.len().saturating_sub(self.p)..].to_vec();
        for _ in 0..steps {
            let n = path.len();
            let next: Vec<f64> = (0..self.k)
                .map(|r| {
                    self.params[0][r]
                        + (1..=self.p)
                            .map(|j| {
                                (0..self.k)
                                    .map(|c| self.a(j, r, c) * path[n - j][c])
                                    .sum::<f64>()
                            })
                            .sum::<f64>()
                })
                .collect();
            path.push(next);
        }
        path.split_off(path.len() - steps)
    }

    /// The moving-average weights Φ₀ = I, Φ₁, … (`k × k` row-major each).
    pub fn ma_rep(&self, steps: usize) -> Vec<Vec<f64>> {
        let k = self.k;
        let mut phi: Vec<Vec<f64>> = vec![
            (0..k * k)
                .map(|i| f64::from(u8::from(i % (k + 1) == 0)))
                .collect(),
        ];
        for i in 1..steps {
            let mut next = vec![0.0; k * k];
            for j in 1..=self.p.min(i) {
                let prev = &phi[i - j];
                for r in 0..k {
                    for c in 0..k {
                        next[r * k + c] += (0..k)
                            .map(|m| prev[r * k + m] * self.a(j, m, c))
                            .sum::<f64>();
                    }
                }
            }
            phi.push(next);
        }
        phi
    }

    /// Impulse responses for steps 0 … `steps` (`k × k` row-major each: row the responding
    /// variable, column the shock): the MA weights, or — `orthogonal` — those times the
    /// lower Cholesky factor of Σᵤ, a one-standard-deviation shock with the variables
    /// ordered as given (statsmodels' `irf().irfs` and `orth_irfs`).
    ///
    /// # Errors
    /// [`StatsError::NotConverged`] when Σᵤ is not positive definite.
    pub fn impulse_responses(
        &self,
        steps: usize,
        orthogonal: bool,
    ) -> Result<Vec<Vec<f64>>, StatsError> {
        let k = self.k;
        let phi = self.ma_rep(steps + 1);
        if !orthogonal {
            return Ok(phi);
        }
        let p = super::linalg::cholesky(&self.sigma_u, k).map_err(|column| {
            StatsError::NotConverged {
                model: "VAR".into(),
                reason: format!(
                    "the residual covariance is singular at column {}",
                    column + 1
                ),
            }
        })?;
        Ok(phi
            .iter()
            .map(|m| {
                let mut out = vec![0.0; k * k];
                for r in 0..k {
                    for c in 0..k {
                        out[r * k + c] = (0..k).map(|j| m[r * k + j] * p[j * k + c]).sum();
                    }
                }
                out
            })
            .collect())
    }

    /// The forecast MSE matrices for steps 1 … `steps` from `weights` (the MA weights, or
    /// their running sums for a level carried by forecast changes).
    fn mse_from(&self, weights: &[Vec<f64>]) -> Vec<Vec<f64>> {
        let k = self.k;
        let mut total = vec![0.0; k * k];
        weights
            .iter()
            .map(|phi| {
                for r in 0..k {
                    for c in 0..k {
                        let mut s = 0.0;
                        for a in 0..k {
                            for b in 0..k {
                                s += phi[r * k + a] * self.sigma_u[a * k + b] * phi[c * k + b];
                            }
                        }
                        total[r * k + c] += s;
                    }
                }
                total.clone()
            })
            .collect()
    }

    /// The forecast MSE matrices `Σ Φᵢ Σᵤ Φᵢᵀ` for steps 1 … `steps`.
    pub fn mse(&self, steps: usize) -> Vec<Vec<f64>> {
        self.mse_from(&self.ma_rep(steps))
    }
}

/// VAR as a forecaster of the target (variable 0) with its factors: first differences of
/// every column, the order by AIC up to statsmodels' default largest order.
#[derive(Debug, Clone)]
pub struct FittedVarLevel {
    fit: VarFit,
    /// Target levels.
    y: Vec<f64>,
    /// Factor columns from the series' first point, forward-filled, possibly longer than `y`.
    factors: Arc<Vec<Vec<f64>>>,
}

/// Rows of first differences of the target and factors over points `..end`, from the
/// first point where every column is known.
fn differenced(y: &[f64], factors: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let end = y.len();
    let known = |t: usize| {
        factors
            .iter()
            .all(|f| f.get(t).is_some_and(|v| v.is_finite()))
    };
    let first = (0..end).find(|&t| known(t)).unwrap_or(end);
    (first + 1..end)
        .map(|t| {
            std::iter::once(y[t] - y[t - 1])
                .chain(factors.iter().map(|f| f[t] - f[t - 1]))
                .collect()
        })
        .collect()
}

/// Every factor must reach as far as the target.
fn check_factor_lengths(
    mut lengths: impl Iterator<Item = usize>,
    n: usize,
) -> Result<(), StatsError> {
    match lengths.find(|&len| len < n) {
        Some(len) => Err(StatsError::InvalidSpec(format!(
            "VAR has factor values for {len} points; the target has {n}"
        ))),
        None => Ok(()),
    }
}

/// Fits the leaderboard's VAR to the target `y` and `factors` (aligned with `y` from its
/// first point, possibly longer; gaps carried forward).
///
/// # Errors
/// [`StatsError::MissingValues`] for gaps in the target, [`StatsError::TooShort`],
/// [`StatsError::NotConverged`] for collinear columns.
pub fn fit_levels(y: &[f64], factors: &[&[f64]]) -> Result<FittedVarLevel, StatsError> {
    check_series("VAR", y, 12)?;
    check_factor_lengths(factors.iter().map(|f| f.len()), y.len())?;
    let factors: Vec<Vec<f64>> = factors.iter().map(|f| carry_forward(f)).collect();
    let rows = differenced(y, &factors);
    let k = 1 + factors.len();
    let max_lags = default_max_lags(rows.len(), k);
    if max_lags == 0 {
        return Err(StatsError::TooShort {
            model: "VAR".into(),
            needed: 3 * (k + 1) + 2,
            got: y.len(),
        });
    }
    let fit = fit(&rows, max_lags, Criterion::Aic)?;
    Ok(FittedVarLevel {
        fit,
        y: y.to_vec(),
        factors: Arc::new(factors),
    })
}

impl Fitted for FittedVarLevel {
    fn impulse_responses(&self, steps: usize, names: &[String]) -> Vec<(String, Vec<f64>)> {
        let Ok(irf) = self.fit.impulse_responses(steps, true) else {
            return vec![];
        };
        let k = self.fit.k;
        (0..k)
            .map(|shock| {
                // The target's changes answer in row 0; the level sums them.
                let mut level = 0.0;
                let path = irf
                    .iter()
                    .map(|m| {
                        level += m[shock];
                        level
                    })
                    .collect();
                let name = names
                    .get(shock)
                    .cloned()
                    .unwrap_or_else(|| format!("variable {}", shock + 1));
                (name, path)
            })
            .collect()
    }

    fn label(&self) -> String {
        format!("VAR({}) on changes of {} columns", self.fit.p, self.fit.k)
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast, StatsError> {
        let rows = differenced(&self.y, &self.factors);
        if rows.len() < self.fit.p.max(1) {
            return Err(StatsError::TooShort {
                model: self.label(),
                needed: self.fit.p + 2,
                got: self.y.len(),
            });
        }
        let changes = self.fit.forecast(&rows, horizon);
        let last = self.y[self.y.len() - 1];
        let mut level = last;
        let point: Vec<f64> = changes
            .iter()
            .map(|c| {
                level += c[0];
                level
            })
            .collect();
        // The level's error at step h sums the changes' errors: cumulated MA weights.
        let k = self.fit.k;
        let mut running = vec![0.0; k * k];
        let cumulated: Vec<Vec<f64>> = self
            .fit
            .ma_rep(horizon)
            .into_iter()
            .map(|phi| {
                for (r, p) in running.iter_mut().zip(&phi) {
                    *r += p;
                }
                running.clone()
            })
            .collect();
        let sd: Vec<f64> = self
            .fit
            .mse_from(&cumulated)
            .iter()
            .map(|m| m[0].sqrt())
            .collect();
        Forecast::normal(point, &sd, levels)
    }

    fn fitted_values(&self) -> Vec<f64> {
        let n = self.y.len();
        let mut out = vec![f64::NAN; n];
        let rows = differenced(&self.y, &self.factors);
        let offset = n - rows.len();
        for t in self.fit.p..rows.len() {
            let next = self.fit.forecast(&rows[..t], 1);
            out[offset + t] = self.y[offset + t - 1] + next[0][0];
        }
        out
    }

    fn parameters(&self) -> usize {
        self.fit.params.len() * self.fit.k + self.fit.k * (self.fit.k + 1) / 2
    }

    fn condition(&self, y: &[f64]) -> Result<Box<dyn Fitted>, StatsError> {
        check_series("VAR", y, self.fit.p + 2)?;
        check_factor_lengths(self.factors.iter().map(Vec::len), y.len())?;
        Ok(Box::new(FittedVarLevel {
            y: y.to_vec(),
            ..self.clone()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A seeded stream, uniform on (−0.5, 0.5).
    fn noise(rng: &mut crate::rng::SplitMix64) -> f64 {
        rng.next_f64() - 0.5
    }

    #[test]
    fn recovers_a_known_var1_and_its_forecast_errors_grow() {
        // y1 = 1 + 0.5 y1 + 0.2 y2 + e1, y2 = −0.3 y1 + 0.4 y2 + e2.
        let mut state = crate::rng::SplitMix64::new(3);
        let mut rows = vec![vec![0.0, 0.0]];
        for t in 1..2_000 {
            let prev: &Vec<f64> = &rows[t - 1];
            let e1 = noise(&mut state);
            let e2 = noise(&mut state);
            rows.push(vec![
                1.0 + 0.5 * prev[0] + 0.2 * prev[1] + e1,
                -0.3 * prev[0] + 0.4 * prev[1] + e2,
            ]);
        }
        let fit = estimate(&rows, 1, 0).unwrap();
        assert!((fit.params[1][0] - 0.5).abs() < 0.05, "{:?}", fit.params);
        assert!((fit.params[2][0] - 0.2).abs() < 0.05, "{:?}", fit.params);
        assert!((fit.params[1][1] + 0.3).abs() < 0.05, "{:?}", fit.params);
        let mse = fit.mse(4);
        assert!(mse.windows(2).all(|w| w[1][0] >= w[0][0]));
        assert_eq!(fit.forecast(&rows, 3).len(), 3);
        // A repeated column is collinear: a specific error, not a panic.
        let twin: Vec<Vec<f64>> = rows.iter().map(|r| vec![r[0], r[0]]).collect();
        let err = estimate(&twin, 1, 0).unwrap_err();
        assert!(matches!(err, StatsError::NotConverged { .. }));
        assert!(err.to_string().contains("column 2 of its 2"), "{err}");
    }

    #[test]
    fn the_level_forecaster_uses_a_factor_and_widens_its_intervals() {
        let mut state = crate::rng::SplitMix64::new(5);
        let factor: Vec<f64> = (0..200)
            .map(|t| ((t as f64) * 0.3).sin() * 5.0 + noise(&mut state))
            .collect();
        let mut y = vec![10.0];
        for t in 1..200 {
            let lead = factor[t - 1] - factor[t.saturating_sub(2)];
            y.push(y[t - 1] + 0.8 * lead + 0.1 + noise(&mut state));
        }
        let fit = fit_levels(&y[..180], &[&factor]).unwrap();
        assert!(fit.label().contains("2 columns"), "{}", fit.label());
        let f = fit.predict(6, &[95.0]).unwrap();
        let i = &f.intervals[0];
        let widths: Vec<f64> = i.upper.iter().zip(&i.lower).map(|(u, l)| u - l).collect();
        assert!(
            widths.windows(2).all(|w| w[1] >= w[0] - 1e-12),
            "{widths:?}"
        );
        let later = fit.condition(&y[..190]).unwrap();
        assert_eq!(later.fitted_values().len(), 190);
        assert!(matches!(
            fit_levels(&y[..5], &[]),
            Err(StatsError::TooShort { .. })
        ));
    }
}

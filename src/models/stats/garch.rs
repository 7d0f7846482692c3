//! GARCH(p, q) volatility models with a constant or autoregressive (AR(1), AR(2)) mean,
//! normal or Student-t errors, fitted by maximum likelihood exactly as Python's `arch`
//! (`arch_model(r, mean="Constant" | "AR", vol="GARCH")`) defines it — the same variance
//! recursion, the same backcast for the variance before the first point (an exponentially
//! weighted mean of the first 75 squared residuals at the starting values, weights 0.94^i),
//! the same likelihoods (an AR mean drops its first lags) — so parameters, log-likelihood
//! and variance forecasts match its figures (`tests/garch_reference.rs`).
//!
//! As a forecaster of a level series (`garch` in the leaderboard) the model runs on its
//! returns: 100 × log changes of a positive series, plain changes otherwise. The point
//! forecast is the level carried by the mean equation's return forecasts (the constant,
//! or the AR path from the last returns); the intervals widen with the forecast
//! conditional variances summed over the steps (each shock weighted by how the AR mean
//! carries it into later returns), so they are wide after turbulent days and narrow after
//! calm ones. The bounds take normal quantiles of that sum (with
//! Student-t errors the one-step bound is then a little narrow; sums of several steps are
//! close to normal).

use super::normal::two_sided_z;
use super::optimize::NelderMead;
use super::{Fitted, Forecast, Interval, StatsError, check_series};

/// The errors' distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Errors {
    /// Standard normal.
    Normal,
    /// Standardised Student-t with estimated degrees of freedom (ν > 2).
    StudentT,
}

/// The mean equation of the returns, as `arch`'s `mean=` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mean {
    /// No mean (`mean="Zero"`): the series are already residuals, e.g. of an ARIMA model.
    Zero,
    /// A constant (`mean="Constant"`).
    Constant,
    /// A constant and 1 or 2 autoregressive lags of the returns (`mean="AR"`).
    Ar(usize),
}

impl Mean {
    /// Autoregressive lags (0 for a zero or constant mean).
    pub fn lags(self) -> usize {
        match self {
            Mean::Ar(lags) => lags,
            Mean::Zero | Mean::Constant => 0,
        }
    }

    /// Parameters of the mean equation: the constant (if any) and the AR coefficients.
    fn terms(self) -> usize {
        match self {
            Mean::Zero => 0,
            Mean::Constant => 1,
            Mean::Ar(lags) => 1 + lags,
        }
    }
}

/// A GARCH(p, q) specification: `p` ARCH lags (α, on past squared residuals) and `q` GARCH
/// lags (β, on past variances), both 1 or 2, as `arch` numbers them, on the residuals of
/// the mean equation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Garch {
    /// ARCH lags.
    pub p: usize,
    /// GARCH lags.
    pub q: usize,
    /// Error distribution.
    pub errors: Errors,
    /// The mean equation.
    pub mean: Mean,
}

/// Estimated parameters: `mu`, `omega`, `alpha[..p]`, `beta[..q]`, and `nu` for Student-t.
#[derive(Debug, Clone, PartialEq)]
pub struct GarchParams {
    /// Constant of the mean equation (the mean of the returns when there are no AR lags; 0
    /// for a zero mean).
    pub mu: f64,
    /// AR coefficients of the mean equation (empty for a constant mean).
    pub phi: Vec<f64>,
    /// Variance intercept ω > 0.
    pub omega: f64,
    /// ARCH coefficients α ≥ 0.
    pub alpha: Vec<f64>,
    /// GARCH coefficients β ≥ 0.
    pub beta: Vec<f64>,
    /// Student-t degrees of freedom (None for normal errors).
    pub nu: Option<f64>,
}

/// A GARCH fit on a return series.
#[derive(Debug, Clone, PartialEq)]
pub struct GarchFit {
    /// The specification.
    pub spec: Garch,
    /// Estimated parameters.
    pub params: GarchParams,
    /// Log-likelihood at the estimate.
    pub loglikelihood: f64,
    /// The variance assumed before the first point.
    pub backcast: f64,
    returns: Vec<f64>,
    variance: Vec<f64>,
}

/// `arch`'s variance backcast: the mean of the first (up to 75) squared residuals with
/// weights 0.94^i, normalised.
pub fn backcast(residuals: &[f64]) -> f64 {
    let tau = residuals.len().min(75);
    let weights: Vec<f64> = (0..tau).map(|i| 0.94f64.powi(i as i32)).collect();
    let total: f64 = weights.iter().sum();
    residuals
        .iter()
        .zip(&weights)
        .map(|(e, w)| e * e * w / total)
        .sum()
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7; about 15 significant digits).
pub fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let series = G[1..]
        .iter()
        .enumerate()
        .fold(G[0], |s, (i, g)| s + g / (x + i as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + series.ln()
}

impl Garch {
    fn name(&self) -> String {
        match self.mean {
            Mean::Zero | Mean::Constant => format!("GARCH({},{})", self.p, self.q),
            Mean::Ar(ar) => format!("AR({ar})-GARCH({},{})", self.p, self.q),
        }
    }

    /// The mean equation's residuals: one per return after the first AR lags.
    fn residuals(&self, returns: &[f64], params: &GarchParams) -> Vec<f64> {
        (self.mean.lags()..returns.len())
            .map(|t| {
                returns[t]
                    - params.mu
                    - params
                        .phi
                        .iter()
                        .enumerate()
                        .map(|(i, f)| f * returns[t - 1 - i])
                        .sum::<f64>()
            })
            .collect()
    }

    /// `arch`'s starting values for the mean: none, the sample mean, or least squares of
    /// the returns on a constant and their AR lags.
    fn mean_start(&self, returns: &[f64]) -> Result<(f64, Vec<f64>), StatsError> {
        let ar = match self.mean {
            Mean::Zero => return Ok((0.0, vec![])),
            Mean::Constant => {
                return Ok((returns.iter().sum::<f64>() / returns.len() as f64, vec![]));
            }
            Mean::Ar(ar) => ar,
        };
        let k = ar + 1;
        let mut gram = vec![0.0; k * k];
        let mut rhs = vec![0.0; k];
        for t in ar..returns.len() {
            let x: Vec<f64> = std::iter::once(1.0)
                .chain((0..ar).map(|i| returns[t - 1 - i]))
                .collect();
            for i in 0..k {
                rhs[i] += x[i] * returns[t];
                for j in 0..k {
                    gram[i * k + j] += x[i] * x[j];
                }
            }
        }
        let l = super::linalg::cholesky(&gram, k).map_err(|_| StatsError::ConstantSeries {
            model: self.name(),
            value: returns[0],
        })?;
        super::linalg::cholesky_solve(&l, k, &mut rhs);
        Ok((rhs[0], rhs[1..].to_vec()))
    }

    fn check(&self) -> Result<(), StatsError> {
        let ar = self.mean.lags();
        if !(1..=2).contains(&self.p)
            || !(1..=2).contains(&self.q)
            || ar > 2
            || self.mean == Mean::Ar(0)
        {
            return Err(StatsError::InvalidSpec(format!(
                "GARCH lags must be 1 or 2 and the mean's AR lags 1 or 2; got p = {}, \
                 q = {}, AR {ar}",
                self.p, self.q
            )));
        }
        Ok(())
    }

    /// The conditional variances of the mean equation's `residuals` under `params` from
    /// `backcast`.
    fn variances(&self, residuals: &[f64], params: &GarchParams, backcast: f64) -> Vec<f64> {
        let mut variance = Vec::with_capacity(residuals.len());
        for t in 0..residuals.len() {
            let mut s = params.omega;
            for (i, a) in params.alpha.iter().enumerate() {
                s += a * t
                    .checked_sub(i + 1)
                    .map_or(backcast, |k| residuals[k].powi(2));
            }
            for (j, b) in params.beta.iter().enumerate() {
                s += b * t.checked_sub(j + 1).map_or(backcast, |k| variance[k]);
            }
            variance.push(s);
        }
        variance
    }

    /// Log-likelihood of `returns` under `params`; `None` outside the admissible region
    /// (ω ≤ 0, a negative coefficient, α + β ≥ 1, ν ≤ 2.05 or > 500).
    fn loglikelihood(&self, returns: &[f64], params: &GarchParams, backcast: f64) -> Option<f64> {
        let persistence: f64 = params.alpha.iter().chain(&params.beta).sum();
        if params.omega <= 0.0
            || params.alpha.iter().chain(&params.beta).any(|c| *c < 0.0)
            || persistence >= 1.0
        {
            return None;
        }
        let residuals = self.residuals(returns, params);
        let variance = self.variances(&residuals, params, backcast);
        let ln_2pi = (2.0 * std::f64::consts::PI).ln();
        let mut ll = 0.0;
        match params.nu {
            None => {
                for (e, s) in residuals.iter().zip(&variance) {
                    ll -= 0.5 * (ln_2pi + s.ln() + e * e / s);
                }
            }
            Some(nu) => {
                if !(nu > 2.05 && nu <= 500.0) {
                    return None;
                }
                let constant = ln_gamma((nu + 1.0) / 2.0)
                    - ln_gamma(nu / 2.0)
                    - 0.5 * (std::f64::consts::PI * (nu - 2.0)).ln();
                for (e, s) in residuals.iter().zip(&variance) {
                    ll += constant
                        - 0.5 * s.ln()
                        - (nu + 1.0) / 2.0 * (1.0 + e * e / (s * (nu - 2.0))).ln();
                }
            }
        }
        ll.is_finite().then_some(ll)
    }

    fn unpack(&self, x: &[f64]) -> GarchParams {
        let v = self.mean.terms();
        let constant = usize::from(self.mean != Mean::Zero);
        GarchParams {
            mu: if constant == 1 { x[0] } else { 0.0 },
            phi: x[constant..v].to_vec(),
            omega: x[v],
            alpha: x[v + 1..v + 1 + self.p].to_vec(),
            beta: x[v + 1 + self.p..v + 1 + self.p + self.q].to_vec(),
            nu: (self.errors == Errors::StudentT).then(|| x[v + 1 + self.p + self.q]),
        }
    }

    /// Fits the model to `returns` by maximum likelihood.
    ///
    /// # Errors
    /// [`StatsError::MissingValues`], [`StatsError::TooShort`] (fewer than 30 returns),
    /// [`StatsError::ConstantSeries`] (no variation to model), [`StatsError::NotConverged`].
    pub fn fit(&self, returns: &[f64]) -> Result<GarchFit, StatsError> {
        self.check()?;
        let name = self.name();
        check_series(&name, returns, 30)?;
        let n = returns.len() as f64;
        let mean = returns.iter().sum::<f64>() / n;
        let var = returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / n;
        if var <= 1e-12 * (1.0 + mean * mean) {
            return Err(StatsError::ConstantSeries {
                model: name,
                value: returns[0],
            });
        }
        let (mu0, phi0) = self.mean_start(returns)?;
        let start = GarchParams {
            mu: mu0,
            phi: phi0.clone(),
            omega: 0.0,
            alpha: vec![],
            beta: vec![],
            nu: None,
        };
        let residuals = self.residuals(returns, &start);
        let backcast = backcast(&residuals);
        let n = residuals.len() as f64;
        let mut x0 = if self.mean == Mean::Zero {
            vec![]
        } else {
            vec![mu0]
        };
        x0.extend(phi0);
        x0.push(0.05 * var);
        x0.extend(std::iter::repeat_n(0.1 / self.p as f64, self.p));
        x0.extend(std::iter::repeat_n(0.85 / self.q as f64, self.q));
        if self.errors == Errors::StudentT {
            x0.push(8.0);
        }
        // Minimise −ℓ/n (so tolerances are per point); Nelder–Mead restarted from its own
        // optimum until it stops improving: the admissible region's edges (β = 0) stall a
        // single run.
        let objective = |x: &[f64]| {
            self.loglikelihood(returns, &self.unpack(x), backcast)
                .map_or(f64::INFINITY, |ll| -ll / n)
        };
        let solver = NelderMead {
            max_iterations: 20_000,
            tolerance: 1e-11,
            x_tolerance: 1e-6,
            step: 0.1,
        };
        let mut best = solver.minimize(objective, &x0);
        for _ in 0..3 {
            let next = solver.minimize(objective, &best.x);
            let better = next.value < best.value - 1e-11;
            if next.value <= best.value {
                best = next;
            }
            if !better {
                break;
            }
        }
        if !best.value.is_finite() {
            return Err(StatsError::NotConverged {
                model: name,
                reason: "no admissible parameters give a finite likelihood".into(),
            });
        }
        let params = self.unpack(&best.x);
        let variance = self.variances(&self.residuals(returns, &params), &params, backcast);
        Ok(GarchFit {
            spec: *self,
            loglikelihood: -best.value * n,
            params,
            backcast,
            returns: returns.to_vec(),
            variance,
        })
    }
}

impl GarchFit {
    /// The conditional variance forecasts for steps 1 … `horizon` after the last return.
    pub fn variance_forecast(&self, horizon: usize) -> Vec<f64> {
        let p = &self.params;
        // Past squared residuals and variances, most recent last; forecasts extend both
        // (a future squared residual's expectation is its variance).
        let mut squares: Vec<f64> = self
            .spec
            .residuals(&self.returns, p)
            .iter()
            .map(|e| e * e)
            .collect();
        let n = squares.len();
        let mut variance = self.variance.clone();
        for _ in 0..horizon {
            let t = squares.len();
            let mut s = p.omega;
            for (i, a) in p.alpha.iter().enumerate() {
                s += a * t.checked_sub(i + 1).map_or(self.backcast, |k| squares[k]);
            }
            for (j, b) in p.beta.iter().enumerate() {
                s += b * t.checked_sub(j + 1).map_or(self.backcast, |k| variance[k]);
            }
            squares.push(s);
            variance.push(s);
        }
        variance[n..].to_vec()
    }

    /// The AR mean's impulse weights ψ₀ = 1, ψⱼ = Σᵢ φᵢ ψⱼ₋₁₋ᵢ for j < `horizon` (all but the
    /// first zero for a constant mean): how a shock carries into later returns.
    pub fn impulse_weights(&self, horizon: usize) -> Vec<f64> {
        let phi = &self.params.phi;
        let mut psi = vec![1.0];
        for j in 1..horizon {
            let next = phi
                .iter()
                .enumerate()
                .map(|(i, f)| f * j.checked_sub(1 + i).map_or(0.0, |k| psi[k]))
                .sum::<f64>();
            psi.push(next);
        }
        psi.truncate(horizon);
        psi
    }

    /// The variance of each step's return forecast error (what `arch`'s `forecast().variance`
    /// reports): the conditional variances of the shocks, each carried by the AR weights,
    /// Σⱼ ψⱼ² σ²ₕ₋ⱼ; the conditional variance itself for a constant mean.
    pub fn return_variance_forecast(&self, horizon: usize) -> Vec<f64> {
        let sigma2 = self.variance_forecast(horizon);
        let psi = self.impulse_weights(horizon);
        (1..=horizon)
            .map(|h| (0..h).map(|j| psi[j].powi(2) * sigma2[h - 1 - j]).sum())
            .collect()
    }

    /// The mean return forecasts for steps 1 … `horizon` after the last return (the AR
    /// recursion from the last returns; the constant without AR lags).
    pub fn mean_forecast(&self, horizon: usize) -> Vec<f64> {
        let p = &self.params;
        let mut path = self.returns.clone();
        for _ in 0..horizon {
            let t = path.len();
            let next = p.mu
                + p.phi
                    .iter()
                    .enumerate()
                    .map(|(i, f)| f * t.checked_sub(1 + i).map_or(0.0, |k| path[k]))
                    .sum::<f64>();
            path.push(next);
        }
        path[self.returns.len()..].to_vec()
    }

    /// The same parameters run over other `returns` (a longer history).
    pub(crate) fn rerun(&self, returns: &[f64]) -> GarchFit {
        let residuals = self.spec.residuals(returns, &self.params);
        let variance = self.spec.variances(&residuals, &self.params, self.backcast);
        GarchFit {
            returns: returns.to_vec(),
            variance,
            ..self.clone()
        }
    }
}

/// How a level series becomes returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Returns {
    /// 100 × log change (a positive series).
    LogPercent,
    /// Plain change.
    Difference,
}

impl Returns {
    /// `level` moved by a cumulative return `change`.
    fn move_level(self, level: f64, change: f64) -> f64 {
        match self {
            Returns::LogPercent => level * (change / 100.0).exp(),
            Returns::Difference => level + change,
        }
    }

    fn of(self, y: &[f64]) -> Vec<f64> {
        y.windows(2)
            .map(|w| match self {
                Returns::LogPercent => 100.0 * (w[1] / w[0]).ln(),
                Returns::Difference => w[1] - w[0],
            })
            .collect()
    }
}

/// GARCH as a forecaster of a level series: fitted on its returns.
#[derive(Debug, Clone)]
pub struct FittedGarchLevel {
    fit: GarchFit,
    returns: Returns,
    y: Vec<f64>,
}

impl Garch {
    /// Fits the model to the returns of the level series `y` (log changes when every value
    /// is positive, plain changes otherwise).
    ///
    /// # Errors
    /// As [`Garch::fit`] on the returns.
    pub fn fit_levels(&self, y: &[f64]) -> Result<FittedGarchLevel, StatsError> {
        check_series(&self.name(), y, 31)?;
        let returns = if y.iter().all(|v| *v > 0.0) {
            Returns::LogPercent
        } else {
            Returns::Difference
        };
        let fit = self.fit(&returns.of(y))?;
        Ok(FittedGarchLevel {
            fit,
            returns,
            y: y.to_vec(),
        })
    }
}

impl FittedGarchLevel {
    /// The spread (standard deviation, in return units) of the cumulative return to each
    /// step 1 … `horizon`: each shock ε_{n+m} enters every later step through the AR
    /// weights ψ, so its weight on the change to step k is Ψ_{k−m} = Σ_{j ≤ k−m} ψ_j (all
    /// ones for a constant mean: the shocks add up).
    fn spread(&self, horizon: usize) -> Vec<f64> {
        let variance = self.fit.variance_forecast(horizon);
        let weight: Vec<f64> = self
            .fit
            .impulse_weights(horizon)
            .iter()
            .scan(0.0, |sum, p| {
                *sum += p;
                Some(*sum)
            })
            .collect();
        (1..=horizon)
            .map(|k| {
                (1..=k)
                    .map(|m| variance[m - 1] * weight[k - m].powi(2))
                    .sum::<f64>()
                    .sqrt()
            })
            .collect()
    }

    /// Intervals at `levels` (percent) around a forecast path `point` of the levels (this
    /// model's own, or another model's mean, e.g. an LSTM's): each step's bound moves the
    /// path by ± z times the spread of the cumulative return, so the bands are wide after
    /// turbulent days and narrow after calm ones.
    ///
    /// # Errors
    /// [`StatsError::InvalidSpec`] for a level outside (0, 100).
    pub fn intervals_around(
        &self,
        point: &[f64],
        levels: &[f64],
    ) -> Result<Vec<Interval>, StatsError> {
        let spread = self.spread(point.len());
        levels
            .iter()
            .map(|&level| {
                let z = two_sided_z(level)?;
                let bound = |sign: f64| -> Vec<f64> {
                    point
                        .iter()
                        .zip(&spread)
                        .map(|(p, s)| self.returns.move_level(*p, sign * z * s))
                        .collect()
                };
                Ok(Interval {
                    level,
                    lower: bound(-1.0),
                    upper: bound(1.0),
                })
            })
            .collect()
    }

    /// The same parameters run over the levels `y` (a longer or shorter history).
    ///
    /// # Errors
    /// [`StatsError::TooShort`] / [`StatsError::MissingValues`] on `y`,
    /// [`StatsError::NonPositive`] when log returns meet a value ≤ 0.
    pub fn conditioned(&self, y: &[f64]) -> Result<FittedGarchLevel, StatsError> {
        check_series(&self.fit.spec.name(), y, 2)?;
        if self.returns == Returns::LogPercent
            && let Some(index) = y.iter().position(|v| *v <= 0.0)
        {
            return Err(StatsError::NonPositive {
                model: self.fit.spec.name(),
                index,
                value: y[index],
            });
        }
        Ok(FittedGarchLevel {
            fit: self.fit.rerun(&self.returns.of(y)),
            returns: self.returns,
            y: y.to_vec(),
        })
    }
}

impl Fitted for FittedGarchLevel {
    fn label(&self) -> String {
        let p = &self.fit.params;
        let persistence: f64 = p.alpha.iter().chain(&p.beta).sum();
        format!(
            "{} on {}, α+β {persistence:.3}{}",
            self.fit.spec.name(),
            match self.returns {
                Returns::LogPercent => "log returns",
                Returns::Difference => "changes",
            },
            p.nu.map_or(String::new(), |nu| format!(", t ν {nu:.1}"))
        )
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast, StatsError> {
        let last = self.y[self.y.len() - 1];
        let changes = self
            .fit
            .mean_forecast(horizon)
            .into_iter()
            .scan(0.0, |sum, m| {
                *sum += m;
                Some(*sum)
            });
        let point: Vec<f64> = changes.map(|c| self.returns.move_level(last, c)).collect();
        let intervals = self.intervals_around(&point, levels)?;
        Ok(Forecast { point, intervals })
    }

    fn fitted_values(&self) -> Vec<f64> {
        // One step ahead: the last level moved by the mean equation's forecast return.
        let p = &self.fit.params;
        let returns = &self.fit.returns;
        (0..self.y.len())
            .map(|t| {
                // Level t is reached by return t − 1, forecast from returns before it.
                let Some(r) = t.checked_sub(1) else {
                    return f64::NAN;
                };
                if r < self.fit.spec.mean.lags() {
                    return f64::NAN;
                }
                let mean = p.mu
                    + p.phi
                        .iter()
                        .enumerate()
                        .map(|(i, f)| f * returns[r - 1 - i])
                        .sum::<f64>();
                self.returns.move_level(self.y[t - 1], mean)
            })
            .collect()
    }

    fn parameters(&self) -> usize {
        1 + self.fit.spec.mean.terms()
            + self.fit.spec.p
            + self.fit.spec.q
            + usize::from(self.fit.params.nu.is_some())
    }

    fn condition(&self, y: &[f64]) -> Result<Box<dyn Fitted>, StatsError> {
        Ok(Box::new(self.conditioned(y)?))
    }

    fn aicc(&self) -> Option<f64> {
        let k = self.parameters() as f64;
        let n = self
            .fit
            .returns
            .len()
            .saturating_sub(self.fit.spec.mean.lags()) as f64;
        (n > k + 1.0).then(|| -2.0 * self.fit.loglikelihood + 2.0 * k * n / (n - k - 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GARCH(1,1) with normal errors around a constant (`ar` = 0) or AR(`ar`) mean.
    fn normal_11(ar: usize) -> Garch {
        Garch {
            p: 1,
            q: 1,
            errors: Errors::Normal,
            mean: if ar == 0 {
                Mean::Constant
            } else {
                Mean::Ar(ar)
            },
        }
    }

    /// A GARCH(1,1) path from known parameters (a seeded normal stream).
    fn simulate(n: usize) -> Vec<f64> {
        let mut rng = crate::rng::SplitMix64::new(7);
        // On (0, 1): the logarithm below needs no zero.
        let mut uniform = || rng.next_f64().max(f64::MIN_POSITIVE);
        let (omega, alpha, beta) = (0.1, 0.1, 0.8);
        let mut s: f64 = omega / (1.0 - alpha - beta);
        let mut out = vec![];
        for _ in 0..n {
            let z = (-2.0 * uniform().ln()).sqrt() * (std::f64::consts::TAU * uniform()).cos();
            let e = s.sqrt() * z;
            out.push(0.05 + e);
            s = omega + alpha * e * e + beta * s;
        }
        out
    }

    #[test]
    fn recovers_the_parameters_of_a_simulated_path_and_forecasts_toward_the_mean_variance() {
        let r = simulate(4_000);
        let fit = normal_11(0).fit(&r).unwrap();
        let p = &fit.params;
        assert!((p.alpha[0] - 0.1).abs() < 0.04, "{p:?}");
        assert!((p.beta[0] - 0.8).abs() < 0.08, "{p:?}");
        let long_run = p.omega / (1.0 - p.alpha[0] - p.beta[0]);
        let v = fit.variance_forecast(400);
        assert!((v[399] - long_run).abs() < 1e-3 * long_run);
    }

    #[test]
    fn ln_gamma_matches_known_values() {
        assert!((ln_gamma(1.0)).abs() < 1e-13);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-13);
        assert!((ln_gamma(10.0) - 362_880f64.ln()).abs() < 1e-11);
    }

    #[test]
    fn an_ar_mean_is_recovered_and_carries_shocks_into_later_steps() {
        let shocks = simulate(4_000);
        let mut r = vec![0.0];
        for e in &shocks[1..] {
            r.push(0.05 + 0.3 * r[r.len() - 1] + e);
        }
        let fit = normal_11(1).fit(&r).unwrap();
        assert!((fit.params.phi[0] - 0.3).abs() < 0.05, "{:?}", fit.params);
        // The mean forecast decays from the last return toward μ / (1 − φ).
        let means = fit.mean_forecast(30);
        let long_run = fit.params.mu / (1.0 - fit.params.phi[0]);
        assert!((means[29] - long_run).abs() < 1e-6);
        // A shock's weight decays by φ a step, so the return forecast's error variance
        // exceeds the shock's from step 2 on.
        let (shock, ret) = (fit.variance_forecast(3), fit.return_variance_forecast(3));
        assert_eq!(shock[0], ret[0]);
        assert!(ret[1] > shock[1]);
        let mut y = vec![100.0];
        for x in &r[..500] {
            y.push(y[y.len() - 1] * (x / 100.0).exp());
        }
        let level = normal_11(1).fit_levels(&y).unwrap();
        assert!(level.label().starts_with("AR(1)-GARCH(1,1)"));
        let fitted = level.fitted_values();
        assert_eq!(fitted.len(), y.len());
        assert!(fitted[..2].iter().all(|v| v.is_nan()) && fitted[2].is_finite());
        let f = level.predict(5, &[95.0]).unwrap();
        let width: Vec<f64> = (0..5)
            .map(|h| f.intervals[0].upper[h] - f.intervals[0].lower[h])
            .collect();
        assert!(width.windows(2).all(|w| w[1] > w[0]), "{width:?}");
    }

    #[test]
    fn a_level_series_is_forecast_with_intervals_that_widen() {
        let r = simulate(600);
        let mut y = vec![50.0];
        for x in &r {
            y.push(y[y.len() - 1] * (x / 100.0).exp());
        }
        let spec = normal_11(0);
        let fit = spec.fit_levels(&y).unwrap();
        let f = fit.predict(5, &[95.0]).unwrap();
        let i = &f.intervals[0];
        let widths: Vec<f64> = i.upper.iter().zip(&i.lower).map(|(u, l)| u - l).collect();
        assert!(widths.windows(2).all(|w| w[1] > w[0]), "{widths:?}");
        assert!(fit.label().starts_with("GARCH(1,1) on log returns"));
        let later = fit.condition(&y[..400]).unwrap();
        assert_eq!(later.fitted_values().len(), 400);
        // A constant series has no volatility to model; too few points are refused.
        assert!(matches!(
            spec.fit_levels(&[3.0; 100]),
            Err(StatsError::ConstantSeries { .. })
        ));
        assert!(matches!(
            spec.fit_levels(&y[..20]),
            Err(StatsError::TooShort { .. })
        ));
    }
}

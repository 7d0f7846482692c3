//! Exponential smoothing (ETS) state-space models fitted by maximum likelihood, and the
//! automatic choice among them by AICc — following R's `forecast::ets` and StatsForecast's
//! port of it: the same update equations, heuristic initial states (`initstate`), parameter
//! bounds (the "usual" region: 1e-4 ≤ β ≤ α ≤ 0.9999, γ ≤ 1 − α, 0.8 ≤ φ ≤ 0.98), Nelder–Mead
//! over smoothing parameters *and* initial states (m − 1 free seasonal states, the last one
//! fixed by normalisation), and the same criterion (`n·ln Σe²`, plus `2 Σ ln|ŷ|` for
//! multiplicative errors). Multiplicative trends are not offered (R's default too).
//!
//! Intervals: analytic for the all-additive models (Hyndman et al. 2008, class 1), simulated
//! otherwise (5,000 seeded paths, the same seed every call, so forecasts are reproducible).

use super::decompose::classical_seasonal;
use super::optimize::{Minimum, NelderMead};
use super::{Fitted, Forecast, Interval, LONG_SERIES, StatsError, check_series, normal};

/// Additive or multiplicative error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// y = ŷ + ε.
    Additive,
    /// y = ŷ (1 + ε).
    Multiplicative,
}

/// Trend component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrendKind {
    /// No trend.
    None,
    /// Additive trend (damped when `EtsSpec::damped`).
    Additive,
}

/// Seasonal component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeasonKind {
    /// No season.
    None,
    /// Added to the level.
    Additive,
    /// Multiplies the level.
    Multiplicative,
}

/// One ETS form: ETS(error, trend[d], season) with season length m.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EtsSpec {
    /// Error form.
    pub error: ErrorKind,
    /// Trend form.
    pub trend: TrendKind,
    /// Damp the trend (φ estimated in [0.8, 0.98]).
    pub damped: bool,
    /// Seasonal form.
    pub season: SeasonKind,
    /// Season length m (ignored without a season).
    pub period: usize,
}

/// Smoothing parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Smoothing {
    /// Level α.
    pub alpha: f64,
    /// Trend β (0 without a trend).
    pub beta: f64,
    /// Season γ (0 without a season).
    pub gamma: f64,
    /// Damping φ (1 when not damped).
    pub phi: f64,
}

const LOWER: [f64; 4] = [1e-4, 1e-4, 1e-4, 0.8];
const UPPER: [f64; 4] = [0.9999, 0.9999, 0.9999, 0.98];
const TINY: f64 = 1e-10;
/// Nelder–Mead restarts of a full fit.
const FULL_RESTARTS: usize = 12;
/// Restarts when [`AutoEts`] screens the forms.
const SCREEN_RESTARTS: usize = 1;
/// Forms screened within this AICc of the best are refitted with every restart.
const SCREEN_MARGIN: f64 = 10.0;
/// Longest season whose initial states are always estimated. On a long series
/// ([`LONG_SERIES`]) with a longer season they stay at the classical decomposition's values
/// (statsmodels' "heuristic" initialisation): their pull on the likelihood fades within a
/// few seasons, and estimating m − 1 more states on an hourly series made a fit cost half
/// a minute.
const ALWAYS_ESTIMATED_SEASON: usize = 12;

impl EtsSpec {
    /// Simple exponential smoothing, ETS(A,N,N).
    pub fn ses() -> Self {
        EtsSpec {
            error: ErrorKind::Additive,
            trend: TrendKind::None,
            damped: false,
            season: SeasonKind::None,
            period: 1,
        }
    }

    /// The label, e.g. `ETS(M,Ad,M)`.
    pub fn label(&self) -> String {
        let e = match self.error {
            ErrorKind::Additive => "A",
            ErrorKind::Multiplicative => "M",
        };
        let t = match (self.trend, self.damped) {
            (TrendKind::None, _) => "N",
            (TrendKind::Additive, false) => "A",
            (TrendKind::Additive, true) => "Ad",
        };
        let s = match self.season {
            SeasonKind::None => "N",
            SeasonKind::Additive => "A",
            SeasonKind::Multiplicative => "M",
        };
        format!("ETS({e},{t},{s})")
    }

    fn m(&self) -> usize {
        if self.season == SeasonKind::None {
            1
        } else {
            self.period
        }
    }

    fn has_trend(&self) -> bool {
        self.trend == TrendKind::Additive
    }

    fn has_season(&self) -> bool {
        self.season != SeasonKind::None
    }

    fn is_multiplicative(&self) -> bool {
        self.error == ErrorKind::Multiplicative || self.season == SeasonKind::Multiplicative
    }

    /// Parameters: smoothing ones plus free initial states (all estimated, except the
    /// seasonal starts a long series holds).
    fn parameter_count(&self) -> usize {
        let smoothing = 1
            + usize::from(self.has_trend())
            + usize::from(self.has_season())
            + usize::from(self.damped);
        let states =
            1 + usize::from(self.has_trend()) + if self.has_season() { self.m() - 1 } else { 0 };
        smoothing + states
    }

    /// Fits by maximum likelihood, restarting Nelder–Mead while it still improves.
    pub fn fit(&self, y: &[f64]) -> Result<FittedEts, StatsError> {
        self.fit_from(y, Start::Full, FULL_RESTARTS)
    }

    /// Fits from the best start of a coarse grid with at most `restarts` fresh simplices
    /// after the first search (the automatic choice screens every form this way and
    /// polishes the contenders with `fit`'s full search).
    pub fn fit_with_restarts(&self, y: &[f64], restarts: usize) -> Result<FittedEts, StatsError> {
        self.fit_from(y, Start::Screen, restarts)
    }

    /// Fits by Nelder–Mead from the starts `start` names.
    fn fit_from(
        &self,
        y: &[f64],
        start: Start<'_>,
        restarts: usize,
    ) -> Result<FittedEts, StatsError> {
        let label = self.label();
        if self.has_season() && self.period < 2 {
            return Err(StatsError::InvalidSpec(format!(
                "{label} needs a season of at least 2 steps"
            )));
        }
        if self.damped && !self.has_trend() {
            return Err(StatsError::InvalidSpec("damping needs a trend".into()));
        }
        let m = self.m();
        let k = self.parameter_count();
        let needed = (k + 2).max(if self.has_season() { 2 * m } else { 3 });
        check_series(&label, y, needed)?;
        if self.is_multiplicative()
            && let Some(index) = y.iter().position(|v| *v <= 0.0)
        {
            return Err(StatsError::NonPositive {
                model: label,
                index,
                value: y[index],
            });
        }
        if y.iter()
            .all(|v| (v - y[0]).abs() <= 1e-12 * y[0].abs().max(1.0))
        {
            return Err(StatsError::ConstantSeries {
                model: label,
                value: y[0],
            });
        }
        let states = initial_states(y, self);
        let mut x = vec![];
        let alpha = LOWER[0] + 0.2 * (UPPER[0] - LOWER[0]) / m as f64;
        x.push(alpha);
        if self.has_trend() {
            let upper = UPPER[1].min(alpha);
            let mut beta = LOWER[1] + 0.1 * (upper - LOWER[1]);
            if beta < 0.0 || beta > alpha {
                beta = alpha - 1e-3;
            }
            x.push(beta);
        }
        if self.has_season() {
            let upper = UPPER[2].min(1.0 - alpha);
            let mut gamma = LOWER[2] + 0.05 * (upper - LOWER[2]);
            if gamma < 0.0 || gamma > 1.0 - alpha {
                gamma = 1.0 - alpha - 1e-3;
            }
            x.push(gamma);
        }
        if self.damped {
            x.push(LOWER[3] + 0.99 * (UPPER[3] - LOWER[3]));
        }
        let n_smoothing = x.len();
        // On long series only the level (and trend) start is estimated; the seasonal start
        // is held at the heuristic values.
        let estimated =
            if self.has_season() && self.m() > ALWAYS_ESTIMATED_SEASON && y.len() > LONG_SERIES {
                1 + usize::from(self.has_trend())
            } else {
                states.len()
            };
        let held = &states[estimated..];
        x.extend(&states[..estimated]);
        let initial = |p: &[f64]| {
            let mut free = p.to_vec();
            free.extend(held);
            self.full_states(&free)
        };
        let mut work = Workspace::new(m);
        let objective = |p: &[f64]| -> f64 {
            let Some(smoothing) = self.smoothing(&p[..n_smoothing]) else {
                return f64::INFINITY;
            };
            let init = initial(&p[n_smoothing..]);
            match work.run(self, &smoothing, &init, y, None) {
                Some(r) => r.criterion,
                None => f64::INFINITY,
            }
        };
        // Nelder–Mead stalls on these 5–30-dimensional surfaces (smoothing parameters near 0
        // next to states in the data's units); restarting from the best vertex with a fresh
        // simplex is the classic remedy, repeated while it still improves.
        let search = NelderMead {
            max_iterations: 2_000,
            tolerance: 1e-8,
            x_tolerance: 1e-5,
            step: 0.1,
        };
        let mut objective = objective;
        // Nelder–Mead finds a local optimum; which one depends on the start, and neither R's
        // start nor the best grid point wins everywhere, so fits that matter try both.
        let starts = match start {
            Start::Screen => vec![self.brute_start(x, n_smoothing, &mut objective)],
            Start::Full => {
                let brute = self.brute_start(x.clone(), n_smoothing, &mut objective);
                if brute == x { vec![x] } else { vec![x, brute] }
            }
            Start::Polish(optimum) => vec![optimum.to_vec(), x],
        };
        // Every start gets one search and one restart; only the best goes on to the rest.
        let mut best: Option<(Minimum, bool)> = None;
        for start in starts {
            let mut minimum = search.minimize(&mut objective, &start);
            let settled = restart(&search, &mut objective, &mut minimum, restarts.min(1));
            if best.as_ref().is_none_or(|(b, _)| minimum.value < b.value) {
                best = Some((minimum, settled));
            }
        }
        let best = best.map(|(mut minimum, settled)| {
            if !settled {
                restart(
                    &search,
                    &mut objective,
                    &mut minimum,
                    restarts.saturating_sub(1),
                );
            }
            minimum
        });
        let Some(minimum) = best else {
            return Err(StatsError::NotConverged {
                model: label,
                reason: "no start was searched".into(),
            });
        };
        let Some(smoothing) = self.smoothing(&minimum.x[..n_smoothing]) else {
            return Err(StatsError::NotConverged {
                model: label,
                reason: "the parameters left their bounds".into(),
            });
        };
        let init = initial(&minimum.x[n_smoothing..]);
        let mut fitted = vec![0.0; y.len()];
        let mut work = Workspace::new(m);
        let Some(run) = work.run(self, &smoothing, &init, y, Some(&mut fitted)) else {
            return Err(StatsError::NotConverged {
                model: label,
                reason: "no finite likelihood was found".into(),
            });
        };
        let n = y.len() as f64;
        let mse = run.sse / n;
        // Full Gaussian log-likelihood (R reports −lik/2, which omits n·(ln 2π + 1 − ln n)).
        let log_likelihood = -0.5 * (n * ((2.0 * std::f64::consts::PI * mse).ln() + 1.0))
            - if self.error == ErrorKind::Multiplicative {
                run.sum_log_abs
            } else {
                0.0
            };
        // Held seasonal starts are not estimated: they do not count against the fit.
        let k = n_smoothing + estimated;
        let np = (k + 1) as f64;
        let aic = -2.0 * log_likelihood + 2.0 * np;
        let aicc = if n > np + 1.0 {
            aic + 2.0 * np * (np + 1.0) / (n - np - 1.0)
        } else {
            f64::INFINITY
        };
        Ok(FittedEts {
            spec: *self,
            smoothing,
            initial: init,
            last: run.last,
            sigma2: run.sse / (n - k as f64).max(1.0),
            log_likelihood,
            aic,
            aicc,
            converged: minimum.converged,
            fitted,
            optimum: minimum.x,
        })
    }

    /// The best of R's start `x` and a coarse grid over the smoothing parameters (states
    /// kept at their heuristic values), as statsmodels' `use_brute`: one pass per grid
    /// point, cheap next to a Nelder–Mead run, and it keeps the search out of the basin of
    /// small β when the data want α near 1 and a lively trend (e.g. US real investment).
    fn brute_start(
        &self,
        x: Vec<f64>,
        n_smoothing: usize,
        objective: &mut impl FnMut(&[f64]) -> f64,
    ) -> Vec<f64> {
        const ALPHAS: [f64; 5] = [0.05, 0.2, 0.5, 0.8, 0.99];
        const FRACTIONS: [f64; 3] = [0.05, 0.3, 0.7];
        const PHIS: [f64; 2] = [0.9, 0.98];
        let betas: &[f64] = if self.has_trend() { &FRACTIONS } else { &[0.0] };
        let gammas: &[f64] = if self.has_season() {
            &FRACTIONS
        } else {
            &[0.0]
        };
        let phis: &[f64] = if self.damped { &PHIS } else { &[1.0] };
        let mut best_value = objective(&x);
        let mut best = x.clone();
        let mut candidate = x;
        for &alpha in &ALPHAS {
            for &beta in betas {
                for &gamma in gammas {
                    for &phi in phis {
                        let mut p = vec![alpha.clamp(LOWER[0], UPPER[0])];
                        if self.has_trend() {
                            p.push((beta * alpha).max(LOWER[1]));
                        }
                        if self.has_season() {
                            p.push((gamma * (1.0 - alpha)).max(LOWER[2]));
                        }
                        if self.damped {
                            p.push(phi);
                        }
                        candidate[..n_smoothing].copy_from_slice(&p);
                        let value = objective(&candidate);
                        if value < best_value {
                            best_value = value;
                            best.copy_from_slice(&candidate);
                        }
                    }
                }
            }
        }
        best
    }

    /// Smoothing parameters from the optimiser's vector; `None` outside the usual region.
    fn smoothing(&self, p: &[f64]) -> Option<Smoothing> {
        let mut i = 0;
        let mut next = || {
            let v = p[i];
            i += 1;
            v
        };
        let alpha = next();
        let beta = if self.has_trend() { next() } else { 0.0 };
        let gamma = if self.has_season() { next() } else { 0.0 };
        let phi = if self.damped { next() } else { 1.0 };
        let ok = (LOWER[0]..=UPPER[0]).contains(&alpha)
            && (!self.has_trend() || (beta >= LOWER[1] && beta <= alpha.min(UPPER[1])))
            && (!self.has_season() || (gamma >= LOWER[2] && gamma <= (1.0 - alpha).min(UPPER[2])))
            && (!self.damped || (LOWER[3]..=UPPER[3]).contains(&phi));
        ok.then_some(Smoothing {
            alpha,
            beta,
            gamma,
            phi,
        })
    }

    /// Full state vector [l, b?, s0 … s(m−1)] from the free ones (the last seasonal state
    /// normalises the season: additive ones sum to 0, multiplicative ones to m).
    fn full_states(&self, free: &[f64]) -> Vec<f64> {
        let mut s = free.to_vec();
        if self.has_season() {
            let m = self.m() as f64;
            let start = 1 + usize::from(self.has_trend());
            let sum: f64 = free[start..].iter().sum();
            s.push(match self.season {
                SeasonKind::Multiplicative => m - sum,
                _ => -sum,
            });
        }
        s
    }
}

/// Restarts Nelder–Mead from the best vertex with a fresh simplex while it still improves
/// (at most `count` times); true once a restart no longer moves the value.
fn restart(
    search: &NelderMead,
    objective: &mut impl FnMut(&[f64]) -> f64,
    minimum: &mut Minimum,
    count: usize,
) -> bool {
    for _ in 0..count {
        let again = search.minimize(&mut *objective, &minimum.x);
        let improved = minimum.value - again.value;
        let settled = improved.abs() <= 1e-7 * minimum.value.abs().max(1.0);
        if again.value <= minimum.value {
            *minimum = again;
        }
        if settled {
            minimum.converged = true;
            return true;
        }
    }
    false
}

/// Where Nelder–Mead starts.
enum Start<'a> {
    /// The best of R's start and a coarse grid (one search: the quick screen of a form).
    Screen,
    /// R's start and the grid's best, each searched (a fit asked for by itself).
    Full,
    /// An earlier screen's optimum of this form and R's start.
    Polish(&'a [f64]),
}

/// What one pass over the data gives.
struct Pass {
    criterion: f64,
    sse: f64,
    sum_log_abs: f64,
    last: Vec<f64>,
}

/// Reusable state buffers for the likelihood pass (no allocation per evaluation).
struct Workspace {
    /// Seasonal states as a ring: `season[head]` is the oldest, s_{t−m}.
    season: Vec<f64>,
    head: usize,
}

impl Workspace {
    fn new(m: usize) -> Self {
        Workspace {
            season: vec![0.0; m],
            head: 0,
        }
    }

    /// Runs the recursions from the initial states over `y`; R's criterion, SSE, Σ ln|ŷ|.
    fn run(
        &mut self,
        spec: &EtsSpec,
        p: &Smoothing,
        init: &[f64],
        y: &[f64],
        mut fitted: Option<&mut Vec<f64>>,
    ) -> Option<Pass> {
        let m = spec.m();
        let mut level = init[0];
        let mut trend = if spec.has_trend() { init[1] } else { 0.0 };
        let start = 1 + usize::from(spec.has_trend());
        if spec.has_season() {
            if spec.season == SeasonKind::Multiplicative && init[start..].iter().any(|s| *s <= 0.0)
            {
                return None;
            }
            // The free states run newest first; the ring holds them oldest first.
            for (slot, v) in self
                .season
                .iter_mut()
                .zip(init[start..start + m].iter().rev())
            {
                *slot = *v;
            }
            self.head = 0;
        }
        let multiplicative_error = spec.error == ErrorKind::Multiplicative;
        let (mut sse, mut sum_log_abs) = (0.0, 0.0);
        // Σ ln|ŷ| as the logarithm of running products (one `ln` per many steps: the
        // logarithm dominated the pass), flushed before they could overflow or underflow.
        let mut product = 1.0f64;
        for (t, &obs) in y.iter().enumerate() {
            let phib = p.phi * trend;
            let q = level + phib;
            let old_s = if spec.has_season() {
                self.season[self.head]
            } else {
                0.0
            };
            let forecast = match spec.season {
                SeasonKind::None => q,
                SeasonKind::Additive => q + old_s,
                SeasonKind::Multiplicative => q * old_s,
            };
            if let Some(f) = fitted.as_deref_mut() {
                f[t] = forecast;
            }
            let e = match spec.error {
                ErrorKind::Additive => obs - forecast,
                ErrorKind::Multiplicative => {
                    if forecast.abs() < TINY {
                        return None;
                    }
                    (obs - forecast) / forecast
                }
            };
            sse += e * e;
            if multiplicative_error {
                let size = forecast.abs();
                if !(1e-100..=1e100).contains(&product) || !(1e-100..=1e100).contains(&size) {
                    sum_log_abs += product.ln();
                    product = 1.0;
                }
                if (1e-100..=1e100).contains(&size) {
                    product *= size;
                } else {
                    sum_log_abs += size.ln();
                }
            }
            let deseasonalised = match spec.season {
                SeasonKind::None => obs,
                SeasonKind::Additive => obs - old_s,
                SeasonKind::Multiplicative => {
                    if old_s.abs() < TINY {
                        return None;
                    }
                    obs / old_s
                }
            };
            let new_level = q + p.alpha * (deseasonalised - q);
            if spec.has_trend() {
                trend = phib + (p.beta / p.alpha) * (new_level - level - phib);
            }
            if spec.has_season() {
                let target = match spec.season {
                    SeasonKind::Multiplicative => {
                        if q.abs() < TINY {
                            return None;
                        }
                        obs / q
                    }
                    _ => obs - q,
                };
                self.season[self.head] = old_s + p.gamma * (target - old_s);
                self.head = (self.head + 1) % m;
            }
            level = new_level;
        }
        sum_log_abs += product.ln();
        let n = y.len() as f64;
        // Also false for NaN.
        if sse.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) || !sse.is_finite() {
            return None;
        }
        let mut criterion = n * sse.ln();
        if spec.error == ErrorKind::Multiplicative {
            criterion += 2.0 * sum_log_abs;
        }
        let mut last = vec![level];
        if spec.has_trend() {
            last.push(trend);
        }
        if spec.has_season() {
            // Newest first, as the free states are given.
            last.extend((1..=m).map(|k| self.season[(self.head + m - k) % m]));
        }
        criterion.is_finite().then_some(Pass {
            criterion,
            sse,
            sum_log_abs,
            last,
        })
    }
}

/// R's `initstate`: seasonal indices from a classical decomposition of the first three
/// seasons (a trend + one-harmonic regression when shorter), then level and trend by a line
/// through the first max(10, 2m) seasonally adjusted points. Returns the free states
/// [l, b?, s0 … s(m−2)].
fn initial_states(y: &[f64], spec: &EtsSpec) -> Vec<f64> {
    let m = spec.m();
    let n = y.len();
    let mut adjusted = y.to_vec();
    let mut seasonal_free = vec![];
    if spec.has_season() {
        let multiplicative = spec.season == SeasonKind::Multiplicative;
        // Seasonal index per position 0..m−1 (time t has index t mod m).
        let index: Vec<f64> = if n >= 3 * m {
            classical_seasonal(&y[..3 * m], m, multiplicative)
        } else {
            fourier_seasonal(y, m, multiplicative)
        };
        // R: init.seas = rev(seasonal[2:m]) (1-based) → positions m−1 … 1.
        seasonal_free = (1..m).rev().map(|i| index[i]).collect();
        if multiplicative {
            seasonal_free.iter_mut().for_each(|s| *s = s.max(1e-2));
            let sum: f64 = seasonal_free.iter().sum();
            if sum > m as f64 {
                let total: f64 = seasonal_free.iter().map(|s| s + 1e-2).sum();
                seasonal_free.iter_mut().for_each(|s| *s /= total);
            }
            for (t, v) in adjusted.iter_mut().enumerate() {
                *v /= index[t % m].max(1e-2);
            }
        } else {
            for (t, v) in adjusted.iter_mut().enumerate() {
                *v -= index[t % m];
            }
        }
    }
    let maxn = (10usize.max(2 * m)).min(n);
    let mut out = vec![];
    if spec.has_trend() {
        let xs: Vec<f64> = (1..=maxn).map(|v| v as f64).collect();
        let (intercept, slope) = line_fit(&xs, &adjusted[..maxn]);
        let (mut l0, mut b0) = (intercept, slope);
        if (l0 + b0).abs() < 1e-8 {
            l0 *= 1.0 + 1e-3;
            b0 *= 1.0 + 1e-3;
        }
        out.push(l0);
        out.push(b0);
    } else {
        out.push(adjusted[..maxn].iter().sum::<f64>() / maxn as f64);
    }
    out.extend(seasonal_free);
    out
}

fn line_fit(x: &[f64], y: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (my - slope * mx, slope)
}

/// For fewer than three seasons: a linear trend plus one Fourier pair by least squares; the
/// seasonal part is what the trend leaves (R's `initstate` short-series branch).
// Matrix rows are read and written by index in the same loop (elimination, covariance).
#[allow(clippy::needless_range_loop)]
fn fourier_seasonal(y: &[f64], m: usize, multiplicative: bool) -> Vec<f64> {
    let n = y.len();
    let xs: Vec<f64> = (1..=n).map(|v| v as f64).collect();
    // Regress on [1, t, sin, cos] via normal equations.
    let cols: Vec<Vec<f64>> = vec![
        vec![1.0; n],
        xs.clone(),
        xs.iter()
            .map(|t| (2.0 * std::f64::consts::PI * t / m as f64).sin())
            .collect(),
        xs.iter()
            .map(|t| (2.0 * std::f64::consts::PI * t / m as f64).cos())
            .collect(),
    ];
    let mut a = [[0.0f64; 5]; 4];
    for i in 0..4 {
        for j in 0..4 {
            a[i][j] = cols[i].iter().zip(&cols[j]).map(|(x, y)| x * y).sum();
        }
        a[i][4] = cols[i].iter().zip(y).map(|(x, y)| x * y).sum();
    }
    for c in 0..4 {
        let pivot = (c..4)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap_or(c);
        a.swap(c, pivot);
        if a[c][c].abs() < 1e-12 {
            continue;
        }
        for r in 0..4 {
            if r != c {
                let f = a[r][c] / a[c][c];
                for j in c..5 {
                    a[r][j] -= f * a[c][j];
                }
            }
        }
    }
    let coef: Vec<f64> = (0..4)
        .map(|i| {
            if a[i][i].abs() > 1e-12 {
                a[i][4] / a[i][i]
            } else {
                0.0
            }
        })
        .collect();
    (0..m)
        .map(|i| {
            let values: Vec<f64> = (i..n)
                .step_by(m)
                .map(|t| {
                    let trend = coef[0] + coef[1] * (t + 1) as f64;
                    if multiplicative {
                        y[t] / trend
                    } else {
                        y[t] - trend
                    }
                })
                .collect();
            values.iter().sum::<f64>() / values.len().max(1) as f64
        })
        .collect()
}

/// A fitted ETS model.
#[derive(Debug, Clone)]
pub struct FittedEts {
    /// The form.
    pub spec: EtsSpec,
    /// Smoothing parameters.
    pub smoothing: Smoothing,
    /// Initial states [l, b?, s0 … s(m−1)] (s0 the most recent season before the data).
    pub initial: Vec<f64>,
    last: Vec<f64>,
    /// Residual variance Σe² / (n − parameters) (R's `sigma2`).
    pub sigma2: f64,
    /// Gaussian log-likelihood.
    pub log_likelihood: f64,
    /// AIC (σ² counted).
    pub aic: f64,
    /// Corrected AIC.
    pub aicc: f64,
    /// Whether Nelder–Mead met its tolerance.
    pub converged: bool,
    fitted: Vec<f64>,
    /// The optimiser's vector at the optimum (smoothing parameters, estimated states), so a
    /// later search can go on from it.
    optimum: Vec<f64>,
}

impl FittedEts {
    /// Point path from a state vector (level, trend, seasons).
    fn path(&self, state: &[f64], horizon: usize) -> Vec<f64> {
        let spec = &self.spec;
        let m = spec.m();
        let level = state[0];
        let trend = if spec.has_trend() { state[1] } else { 0.0 };
        let start = 1 + usize::from(spec.has_trend());
        let phi = self.smoothing.phi;
        let mut damp = 0.0;
        let mut power = 1.0;
        (1..=horizon)
            .map(|h| {
                power *= phi;
                damp += power;
                let q = level + if spec.has_trend() { damp * trend } else { 0.0 };
                match spec.season {
                    SeasonKind::None => q,
                    SeasonKind::Additive => q + state[start + m - 1 - ((h - 1) % m)],
                    SeasonKind::Multiplicative => q * state[start + m - 1 - ((h - 1) % m)],
                }
            })
            .collect()
    }

    fn analytic_sd(&self, horizon: usize) -> Vec<f64> {
        let Smoothing {
            alpha,
            beta,
            gamma,
            phi,
        } = self.smoothing;
        let m = self.spec.m();
        let mut sum = 0.0;
        (1..=horizon)
            .map(|h| {
                if h > 1 {
                    let j = (h - 1) as f64;
                    let trend_part = if self.spec.has_trend() {
                        if self.spec.damped {
                            beta * phi * (1.0 - phi.powf(j)) / (1.0 - phi)
                        } else {
                            beta * j
                        }
                    } else {
                        0.0
                    };
                    let season_part = if self.spec.has_season() && (h - 1) % m == 0 {
                        gamma
                    } else {
                        0.0
                    };
                    let c = alpha + trend_part + season_part;
                    sum += c * c;
                }
                (self.sigma2 * (1.0 + sum)).sqrt()
            })
            .collect()
    }

    /// Quantiles of simulated future paths (5,000, fixed seed).
    fn simulated(&self, horizon: usize, levels: &[f64]) -> Vec<Interval> {
        const PATHS: usize = 5_000;
        let spec = &self.spec;
        let m = spec.m();
        let sd = self.sigma2.sqrt();
        let mut rng = Normal::new(0x5eed_f0e5);
        let mut draws = vec![vec![0.0; PATHS]; horizon];
        let start = 1 + usize::from(spec.has_trend());
        let mut season = vec![0.0; m];
        let mut next = vec![0.0; m];
        let p = self.smoothing;
        for path in 0..PATHS {
            let mut level = self.last[0];
            let mut trend = if spec.has_trend() { self.last[1] } else { 0.0 };
            if spec.has_season() {
                season.copy_from_slice(&self.last[start..start + m]);
            }
            for row in draws.iter_mut() {
                let phib = p.phi * trend;
                let q = level + phib;
                let old_s = if spec.has_season() {
                    season[m - 1]
                } else {
                    0.0
                };
                let mean = match spec.season {
                    SeasonKind::None => q,
                    SeasonKind::Additive => q + old_s,
                    SeasonKind::Multiplicative => q * old_s,
                };
                let e = sd * rng.sample();
                let obs = match spec.error {
                    ErrorKind::Additive => mean + e,
                    ErrorKind::Multiplicative => mean * (1.0 + e),
                };
                row[path] = obs;
                let deseasonalised = match spec.season {
                    SeasonKind::None => obs,
                    SeasonKind::Additive => obs - old_s,
                    SeasonKind::Multiplicative => obs / old_s,
                };
                let new_level = q + p.alpha * (deseasonalised - q);
                if spec.has_trend() {
                    trend = phib + (p.beta / p.alpha) * (new_level - level - phib);
                }
                if spec.has_season() {
                    let target = match spec.season {
                        SeasonKind::Multiplicative => obs / q,
                        _ => obs - q,
                    };
                    next[0] = old_s + p.gamma * (target - old_s);
                    next[1..m].copy_from_slice(&season[..m - 1]);
                    std::mem::swap(&mut season, &mut next);
                }
                level = new_level;
            }
        }
        for row in draws.iter_mut() {
            row.sort_by(f64::total_cmp);
        }
        let quantile = |row: &[f64], q: f64| {
            let pos = q * (row.len() - 1) as f64;
            let (i, frac) = (pos.floor() as usize, pos.fract());
            let j = (i + 1).min(row.len() - 1);
            row[i] * (1.0 - frac) + row[j] * frac
        };
        levels
            .iter()
            .map(|&level| {
                let tail = (1.0 - level / 100.0) / 2.0;
                Interval {
                    level,
                    lower: draws.iter().map(|r| quantile(r, tail)).collect(),
                    upper: draws.iter().map(|r| quantile(r, 1.0 - tail)).collect(),
                }
            })
            .collect()
    }

    fn is_class_one(&self) -> bool {
        self.spec.error == ErrorKind::Additive && self.spec.season != SeasonKind::Multiplicative
    }
}

impl Fitted for FittedEts {
    fn parameters(&self) -> usize {
        let spec = &self.spec;
        let smoothing = 1
            + usize::from(spec.has_trend())
            + usize::from(spec.has_season())
            + usize::from(spec.damped);
        // Smoothing parameters, initial states and σ².
        smoothing + self.initial.len() + 1
    }

    fn condition(&self, y: &[f64]) -> Result<Box<dyn Fitted>, StatsError> {
        let label = self.spec.label();
        check_series(&label, y, 1)?;
        if self.spec.is_multiplicative()
            && let Some(index) = y.iter().position(|v| *v <= 0.0)
        {
            return Err(StatsError::NonPositive {
                model: label,
                index,
                value: y[index],
            });
        }
        let mut fitted = vec![0.0; y.len()];
        let mut work = Workspace::new(self.spec.m());
        let Some(run) = work.run(
            &self.spec,
            &self.smoothing,
            &self.initial,
            y,
            Some(&mut fitted),
        ) else {
            return Err(StatsError::NotConverged {
                model: label,
                reason: "the state recursions broke down on the new points".into(),
            });
        };
        Ok(Box::new(FittedEts {
            last: run.last,
            fitted,
            ..self.clone()
        }))
    }

    fn label(&self) -> String {
        let mut label = self.spec.label();
        if !self.converged {
            label.push_str(" (not converged)");
        }
        label
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast, StatsError> {
        for &level in levels {
            normal::two_sided_z(level)?;
        }
        let point = self.path(&self.last, horizon);
        if self.is_class_one() {
            return Forecast::normal(point, &self.analytic_sd(horizon), levels);
        }
        let intervals = self.simulated(horizon, levels);
        Ok(Forecast { point, intervals })
    }

    fn fitted_values(&self) -> Vec<f64> {
        self.fitted.clone()
    }

    fn aicc(&self) -> Option<f64> {
        Some(self.aicc)
    }
}

/// Seeded standard normal draws (xorshift64* + Box–Muller): reproducible intervals.
struct Normal {
    state: u64,
    spare: Option<f64>,
}

impl Normal {
    fn new(seed: u64) -> Self {
        Normal {
            state: seed.max(1),
            spare: None,
        }
    }

    fn uniform(&mut self) -> f64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let v = self.state.wrapping_mul(0x2545_f491_4f6c_dd1d);
        ((v >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn sample(&mut self) -> f64 {
        if let Some(v) = self.spare.take() {
            return v;
        }
        let (u, v) = (self.uniform(), self.uniform());
        let r = (-2.0 * u.ln()).sqrt();
        let angle = 2.0 * std::f64::consts::PI * v;
        self.spare = Some(r * angle.sin());
        r * angle.cos()
    }
}

/// Automatic ETS: fits every admissible form and keeps the lowest AICc (as R's `ets` and
/// StatsForecast's `AutoETS`): seasonal forms only for 2 ≤ m ≤ 24 with at least two seasons,
/// multiplicative forms only for strictly positive data, additive error with multiplicative
/// season left out (numerically unstable), damped and undamped trends.
#[derive(Debug, Clone, Copy)]
pub struct AutoEts {
    /// Season length m.
    pub season: usize,
}

impl AutoEts {
    /// Fits the candidates and returns the best.
    pub fn fit(&self, y: &[f64]) -> Result<FittedEts, StatsError> {
        check_series("auto ETS", y, 4)?;
        let positive = y.iter().all(|v| *v > 0.0);
        let seasonal = (2..=24).contains(&self.season) && y.len() >= 2 * self.season + 2;
        let mut screened: Vec<FittedEts> = vec![];
        let mut last_error = None;
        for error in [ErrorKind::Additive, ErrorKind::Multiplicative] {
            for (trend, damped) in [
                (TrendKind::None, false),
                (TrendKind::Additive, false),
                (TrendKind::Additive, true),
            ] {
                for season in [
                    SeasonKind::None,
                    SeasonKind::Additive,
                    SeasonKind::Multiplicative,
                ] {
                    if season != SeasonKind::None && !seasonal {
                        continue;
                    }
                    let multiplicative =
                        error == ErrorKind::Multiplicative || season == SeasonKind::Multiplicative;
                    if multiplicative && !positive {
                        continue;
                    }
                    if error == ErrorKind::Additive && season == SeasonKind::Multiplicative {
                        continue;
                    }
                    let spec = EtsSpec {
                        error,
                        trend,
                        damped,
                        season,
                        period: self.season,
                    };
                    match spec.fit_with_restarts(y, SCREEN_RESTARTS) {
                        Ok(f) if f.aicc.is_finite() => screened.push(f),
                        Ok(_) => {}
                        Err(e) => last_error = Some(e),
                    }
                }
            }
        }
        // Screening finds each form's optimum to within a little; the forms that could still
        // win are fitted again with every restart, and the lowest AICc of all wins.
        let leader = screened
            .iter()
            .map(|f| f.aicc)
            .fold(f64::INFINITY, f64::min);
        let mut best: Option<FittedEts> = None;
        for screen in screened {
            let candidate = if screen.aicc <= leader + SCREEN_MARGIN {
                match screen
                    .spec
                    .fit_from(y, Start::Polish(&screen.optimum), FULL_RESTARTS)
                {
                    Ok(full) if full.aicc < screen.aicc => full,
                    _ => screen,
                }
            } else {
                screen
            };
            if best.as_ref().is_none_or(|b| candidate.aicc < b.aicc) {
                best = Some(candidate);
            }
        }
        best.ok_or_else(|| {
            last_error.unwrap_or(StatsError::NotConverged {
                model: "auto ETS".into(),
                reason: "no form could be fitted".into(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holt_on_a_straight_line_forecasts_the_line() {
        let y: Vec<f64> = (0..30)
            .map(|t| 5.0 + 2.0 * t as f64 + if t % 2 == 0 { 0.01 } else { -0.01 })
            .collect();
        let spec = EtsSpec {
            trend: TrendKind::Additive,
            ..EtsSpec::ses()
        };
        let fit = spec.fit(&y).unwrap();
        let fc = fit.predict(3, &[95.0]).unwrap();
        for (h, p) in fc.point.iter().enumerate() {
            let expected = 5.0 + 2.0 * (30 + h) as f64;
            assert!((p - expected).abs() < 0.1, "step {h}: {p} vs {expected}");
        }
    }

    #[test]
    fn ses_recursion_by_hand() {
        // With α and ℓ₀ given, the pass is the textbook recursion ℓ = ℓ + α (y − ℓ).
        let spec = EtsSpec::ses();
        let y = [3.0, 5.0, 4.0, 6.0, 5.0];
        let p = Smoothing {
            alpha: 0.5,
            beta: 0.0,
            gamma: 0.0,
            phi: 1.0,
        };
        let mut fitted = vec![0.0; 5];
        let run = Workspace::new(1)
            .run(&spec, &p, &[4.0], &y, Some(&mut fitted))
            .unwrap();
        assert_eq!(fitted, vec![4.0, 3.5, 4.25, 4.125, 5.0625]);
        assert!((run.last[0] - 5.03125).abs() < 1e-12);
        let sse: f64 = y.iter().zip(&fitted).map(|(a, b)| (a - b).powi(2)).sum();
        assert!((run.sse - sse).abs() < 1e-12);
    }

    #[test]
    fn bad_inputs_get_specific_errors() {
        let mam = EtsSpec {
            error: ErrorKind::Multiplicative,
            trend: TrendKind::Additive,
            damped: false,
            season: SeasonKind::Multiplicative,
            period: 4,
        };
        let mut y: Vec<f64> = (0..20).map(|t| 10.0 + (t % 4) as f64).collect();
        y[7] = -1.0;
        assert!(matches!(
            mam.fit(&y),
            Err(StatsError::NonPositive { index: 7, .. })
        ));
        assert!(matches!(mam.fit(&y[..6]), Err(StatsError::TooShort { .. })));
        assert!(matches!(
            EtsSpec::ses().fit(&[2.0; 10]),
            Err(StatsError::ConstantSeries { .. })
        ));
        let mut gap = vec![1.0, 2.0, 3.0, 2.0, 1.0, 2.0];
        gap[2] = f64::NAN;
        assert!(matches!(
            EtsSpec::ses().fit(&gap),
            Err(StatsError::MissingValues { index: 2, .. })
        ));
    }
}

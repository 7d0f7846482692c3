//! The Theta family: the M3 competition's winner (Assimakopoulos & Nikolopoulos 2000) in
//! the state-space form of Fiorucci et al. (2016), as StatsForecast's `AutoTheta` fits it.
//!
//! A Theta model is simple exponential smoothing of the series plus a share `(1 − 1/θ)`
//! of its linear trend. The four forms differ in whether θ is fixed at 2 (standard) or
//! estimated (optimised), and whether the trend line is fitted once to the whole series or
//! updated at every point (dynamic). Before fitting, a series that passes the seasonality
//! test is seasonally adjusted by classical decomposition (multiplicative where the data
//! allow), and the forecast is re-seasonalised. The initial level, α ∈ [0.1, 0.99] and θ ≥ 1
//! are chosen by Nelder–Mead on the in-sample one-step squared errors; `AutoTheta` keeps
//! the form with the lowest.

use serde::{Deserialize, Serialize};

use super::decompose::{classical_seasonal, is_seasonal};
use super::optimize::NelderMead;
use super::simulate::{sample_intervals, standard_normal};
use super::{Fitted, Forecast, Interval, StatsError, check_series};
use crate::rng::SplitMix64;

/// The four Theta forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ThetaForm {
    /// Standard Theta (θ = 2, trend line fitted once): the M3 method.
    Standard,
    /// Optimised Theta (θ estimated).
    Optimized,
    /// Dynamic standard Theta (θ = 2, trend updated at every point).
    DynamicStandard,
    /// Dynamic optimised Theta.
    DynamicOptimized,
}

impl ThetaForm {
    /// Every form, in StatsForecast's order (ties keep the earlier one).
    pub const ALL: [ThetaForm; 4] = [
        ThetaForm::Standard,
        ThetaForm::Optimized,
        ThetaForm::DynamicStandard,
        ThetaForm::DynamicOptimized,
    ];

    /// StatsForecast's short name: `STM`, `OTM`, `DSTM`, `DOTM`.
    pub fn code(&self) -> &'static str {
        match self {
            ThetaForm::Standard => "STM",
            ThetaForm::Optimized => "OTM",
            ThetaForm::DynamicStandard => "DSTM",
            ThetaForm::DynamicOptimized => "DOTM",
        }
    }

    fn dynamic(&self) -> bool {
        matches!(
            self,
            ThetaForm::DynamicStandard | ThetaForm::DynamicOptimized
        )
    }

    fn estimates_theta(&self) -> bool {
        matches!(self, ThetaForm::Optimized | ThetaForm::DynamicOptimized)
    }
}

/// Fits a Theta model: one form, or every form with the best kept (`AutoTheta`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutoTheta {
    /// Season length (1 for none); seasons of 4 or more are tested and removed.
    pub season: usize,
    /// The form to fit; every form when `None`.
    pub form: Option<ThetaForm>,
}

/// How the series was seasonally adjusted before the fit.
#[derive(Debug, Clone, PartialEq)]
struct Season {
    /// Seasonal figure by position (t mod m, t counted from the fit's first point).
    figure: Vec<f64>,
    multiplicative: bool,
}

impl Season {
    /// `y` adjusted by `season`, or `y` itself without one.
    fn apply(season: Option<&Season>, y: &[f64]) -> Vec<f64> {
        season.map_or_else(|| y.to_vec(), |s| s.adjust(y))
    }

    fn adjust(&self, y: &[f64]) -> Vec<f64> {
        let m = self.figure.len();
        y.iter()
            .enumerate()
            .map(|(t, v)| {
                if self.multiplicative {
                    v / self.figure[t % m]
                } else {
                    v - self.figure[t % m]
                }
            })
            .collect()
    }

    fn restore(&self, t: usize, v: f64) -> f64 {
        let s = self.figure[t % self.figure.len()];
        if self.multiplicative { v * s } else { v + s }
    }
}

/// Estimated parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Params {
    level0: f64,
    alpha: f64,
    theta: f64,
}

/// The state after a point: level, running mean, trend intercept A and slope B, and the
/// one-step forecast μ made before the point was seen.
type State = [f64; 5];

/// A fitted Theta model.
#[derive(Debug, Clone)]
pub struct FittedTheta {
    form: ThetaForm,
    params: Params,
    season: Option<Season>,
    /// Seasonally adjusted series.
    adjusted: Vec<f64>,
    /// One-step in-sample errors on the adjusted series.
    residuals: Vec<f64>,
    last: State,
    objective: f64,
}

const ALPHA_BOUNDS: (f64, f64) = (0.1, 0.99);
const THETA_BOUNDS: (f64, f64) = (1.0, 1e10);

impl AutoTheta {
    /// Fits to `y` (no missing values, at least 4 points).
    ///
    /// # Errors
    /// [`StatsError::MissingValues`], [`StatsError::TooShort`], or
    /// [`StatsError::NotConverged`] when no form gives finite errors.
    pub fn fit(&self, y: &[f64]) -> Result<FittedTheta, StatsError> {
        check_series("Theta", y, 4)?;
        let (season, adjusted) = self.adjusted(y);
        let forms: Vec<ThetaForm> = match self.form {
            Some(form) => vec![form],
            None => ThetaForm::ALL.to_vec(),
        };
        let mut best: Option<FittedTheta> = None;
        for form in forms {
            let params = estimate(&adjusted, form);
            let Some(run) = run(&adjusted, form, params) else {
                continue;
            };
            if best.as_ref().is_none_or(|b| run.objective < b.objective) {
                best = Some(FittedTheta {
                    form,
                    params,
                    season: season.clone(),
                    adjusted: adjusted.clone(),
                    residuals: run.residuals,
                    last: run.last,
                    objective: run.objective,
                });
            }
        }
        best.ok_or_else(|| StatsError::NotConverged {
            model: "Theta".into(),
            reason: "no form gives finite in-sample errors".into(),
        })
    }

    /// The model at given parameters instead of estimated ones (StatsForecast's
    /// `initial_smoothed`, `alpha`, `theta` arguments), on the same seasonal adjustment:
    /// for checking the recursions and intervals against a reference's fit.
    ///
    /// # Errors
    /// As [`AutoTheta::fit`].
    pub fn fit_fixed(
        &self,
        y: &[f64],
        form: ThetaForm,
        level0: f64,
        alpha: f64,
        theta: f64,
    ) -> Result<FittedTheta, StatsError> {
        check_series("Theta", y, 4)?;
        let (season, adjusted) = self.adjusted(y);
        let params = Params {
            level0,
            alpha,
            theta,
        };
        let run = run(&adjusted, form, params).ok_or_else(|| StatsError::NotConverged {
            model: "Theta".into(),
            reason: "the recursions broke down at the given parameters".into(),
        })?;
        Ok(FittedTheta {
            form,
            params,
            season,
            adjusted,
            residuals: run.residuals,
            last: run.last,
            objective: run.objective,
        })
    }

    /// The seasonal adjustment for `y` and the adjusted series (`y` itself without one).
    fn adjusted(&self, y: &[f64]) -> (Option<Season>, Vec<f64>) {
        let season = self.season_of(y);
        let adjusted = Season::apply(season.as_ref(), y);
        (season, adjusted)
    }

    /// The seasonal adjustment StatsForecast makes: none unless the season tests
    /// significant; multiplicative unless the data are not all positive or a seasonal
    /// index falls under 0.01.
    fn season_of(&self, y: &[f64]) -> Option<Season> {
        let m = self.season;
        if !is_seasonal(y, m) {
            return None;
        }
        if y.iter().all(|v| *v > 0.0) {
            let figure = classical_seasonal(y, m, true);
            if figure.iter().all(|s| *s >= 0.01) {
                return Some(Season {
                    figure,
                    multiplicative: true,
                });
            }
        }
        Some(Season {
            figure: classical_seasonal(y, m, false),
            multiplicative: false,
        })
    }
}

/// Nelder–Mead over the free parameters (initial level always; α; θ for the optimised
/// forms), from StatsForecast's start (level y₀/2, α 0.5, θ 2), bounds by clamping.
fn estimate(y: &[f64], form: ThetaForm) -> Params {
    let clamp = |x: &[f64]| Params {
        level0: x[0],
        alpha: x[1].clamp(ALPHA_BOUNDS.0, ALPHA_BOUNDS.1),
        theta: if form.estimates_theta() {
            x[2].clamp(THETA_BOUNDS.0, THETA_BOUNDS.1)
        } else {
            2.0
        },
    };
    let mut x0 = vec![y[0] / 2.0, 0.5];
    if form.estimates_theta() {
        x0.push(2.0);
    }
    let objective = |x: &[f64]| run(y, form, clamp(x)).map_or(f64::INFINITY, |r| r.objective);
    // Restarted from the optimum once: a simplex started far from the level (y₀/2) can
    // stall before the minimum.
    let optimiser = NelderMead::default();
    let first = optimiser.minimize(objective, &x0);
    let second = optimiser.minimize(objective, &first.x);
    clamp(if second.value <= first.value {
        &second.x
    } else {
        &first.x
    })
}

/// The in-sample pass.
struct Run {
    residuals: Vec<f64>,
    last: State,
    /// Sum of squared one-step errors from the fourth point on, over the mean |y|.
    objective: f64,
}

fn initial_state(y: &[f64], form: ThetaForm, p: Params) -> State {
    let (a, b, mu) = if form.dynamic() {
        (y[0], 0.0, y[0])
    } else {
        let n = y.len() as f64;
        let mean = y.iter().sum::<f64>() / n;
        let weighted = y
            .iter()
            .enumerate()
            .map(|(i, v)| (i + 1) as f64 * v)
            .sum::<f64>()
            / n;
        let b = 6.0 * (2.0 * weighted - (n + 1.0) * mean) / (n * n - 1.0);
        let a = mean - (n + 1.0) * b / 2.0;
        (a, b, p.level0 + (1.0 - 1.0 / p.theta) * (a + b))
    };
    [p.alpha * y[0] + (1.0 - p.alpha) * p.level0, y[0], a, b, mu]
}

/// The state after point `i` (0-based, `i ≥ 1`) from the state before it; `y` is the
/// observation, or `None` to forecast (the forecast stands in for it).
fn step(prev: &State, i: usize, form: ThetaForm, p: Params, y: Option<f64>) -> State {
    let [level, mean, a, b, _] = *prev;
    let decay = 1.0 - p.alpha;
    let mu = level
        + (1.0 - 1.0 / p.theta)
            * (a * decay.powi(i as i32) + b * (1.0 - decay.powi(i as i32 + 1)) / p.alpha);
    let y = y.unwrap_or(mu);
    let i_f = i as f64;
    let new_mean = (i_f * mean + y) / (i_f + 1.0);
    let (new_a, new_b) = if form.dynamic() {
        let new_b = ((i_f - 1.0) * b + 6.0 * (y - mean) / (i_f + 1.0)) / (i_f + 2.0);
        (new_mean - new_b * (i_f + 2.0) / 2.0, new_b)
    } else {
        (a, b)
    };
    [p.alpha * y + decay * level, new_mean, new_a, new_b, mu]
}

fn run(y: &[f64], form: ThetaForm, p: Params) -> Option<Run> {
    let n = y.len();
    let mut state = initial_state(y, form, p);
    let mut residuals = Vec::with_capacity(n);
    residuals.push(y[0] - state[4]);
    for (i, &v) in y.iter().enumerate().skip(1) {
        state = step(&state, i, form, p, Some(v));
        residuals.push(v - state[4]);
    }
    let scale = (y.iter().map(|v| v.abs()).sum::<f64>() / n as f64).max(1e-10);
    let objective = residuals.iter().skip(3).map(|e| e * e).sum::<f64>() / scale;
    objective.is_finite().then_some(Run {
        residuals,
        last: state,
        objective,
    })
}

/// Sample paths simulated (StatsForecast's `compute_pi_samples`) for the intervals.
const SIMULATED_PATHS: usize = 5_000;

impl FittedTheta {
    /// The form kept.
    pub fn form(&self) -> ThetaForm {
        self.form
    }

    /// The in-sample objective at the estimated parameters.
    pub fn objective(&self) -> f64 {
        self.objective
    }

    /// Whether the series was seasonally adjusted, and how (`Some(true)`: multiplicative).
    pub fn seasonal_adjustment(&self) -> Option<bool> {
        self.season.as_ref().map(|s| s.multiplicative)
    }

    /// α, θ and the initial level, as estimated.
    pub fn parameters_estimated(&self) -> (f64, f64, f64) {
        (self.params.alpha, self.params.theta, self.params.level0)
    }

    fn point_path(&self, horizon: usize) -> Vec<f64> {
        let n = self.adjusted.len();
        let mut state = self.last;
        (0..horizon)
            .map(|j| {
                state = step(&state, n + j, self.form, self.params, None);
                state[4]
            })
            .collect()
    }

    /// Standard deviation of the one-step errors after the first three (ddof 1).
    fn sigma(&self) -> f64 {
        let tail = if self.residuals.len() > 4 {
            &self.residuals[3..]
        } else {
            &self.residuals[..]
        };
        let n = tail.len() as f64;
        let mean = tail.iter().sum::<f64>() / n;
        (tail.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt()
    }

    /// Quantiles of simulated paths: each step adds a normal error with the in-sample σ and
    /// updates level, mean and a dynamic trend with it.
    fn simulated(&self, horizon: usize, levels: &[f64]) -> Vec<Interval> {
        let n = self.adjusted.len();
        let sigma = self.sigma();
        let p = self.params;
        let mut rng = SplitMix64::new(0x7e7a);
        let mut paths = vec![vec![0.0; SIMULATED_PATHS]; horizon];
        for path in 0..SIMULATED_PATHS {
            let [mut level, mut mean, mut a, mut b, _] = self.last;
            for (j, at_step) in paths.iter_mut().enumerate() {
                let i = (n + j) as f64;
                let decay = 1.0 - p.alpha;
                let value = level
                    + (1.0 - 1.0 / p.theta)
                        * (a * decay.powf(i) + b * (1.0 - decay.powf(i + 1.0)) / p.alpha)
                    + sigma * standard_normal(&mut rng);
                at_step[path] = value;
                level = p.alpha * value + decay * level;
                mean = (i * mean + value) / (i + 1.0);
                b = ((i - 1.0) * b + 6.0 * (value - mean) / (i + 1.0)) / (i + 2.0);
                a = mean - b * (i + 2.0) / 2.0;
            }
        }
        for step in &mut paths {
            step.sort_by(f64::total_cmp);
        }
        sample_intervals(&paths, levels, |j, v| self.restore(n + j, v))
    }

    fn restore(&self, t: usize, v: f64) -> f64 {
        match &self.season {
            Some(s) => s.restore(t, v),
            None => v,
        }
    }
}

impl Fitted for FittedTheta {
    fn label(&self) -> String {
        match &self.season {
            Some(s) => format!(
                "Theta({}, {} season {})",
                self.form.code(),
                if s.multiplicative { "mult." } else { "add." },
                s.figure.len()
            ),
            None => format!("Theta({})", self.form.code()),
        }
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast, StatsError> {
        for &level in levels {
            super::normal::two_sided_z(level)?;
        }
        let n = self.adjusted.len();
        let point = self
            .point_path(horizon)
            .into_iter()
            .enumerate()
            .map(|(j, v)| self.restore(n + j, v))
            .collect();
        Ok(Forecast {
            point,
            intervals: self.simulated(horizon, levels),
        })
    }

    fn fitted_values(&self) -> Vec<f64> {
        self.adjusted
            .iter()
            .zip(&self.residuals)
            .enumerate()
            .map(|(t, (y, e))| self.restore(t, y - e))
            .collect()
    }

    fn parameters(&self) -> usize {
        // Level, α, θ and σ, plus the seasonal figure.
        4 + self.season.as_ref().map_or(0, |s| s.figure.len())
    }

    fn condition(&self, y: &[f64]) -> Result<Box<dyn Fitted>, StatsError> {
        check_series("Theta", y, 4)?;
        let adjusted = Season::apply(self.season.as_ref(), y);
        let run =
            run(&adjusted, self.form, self.params).ok_or_else(|| StatsError::NotConverged {
                model: self.label(),
                reason: "the recursions broke down on the new points".into(),
            })?;
        Ok(Box::new(FittedTheta {
            adjusted,
            residuals: run.residuals,
            last: run.last,
            objective: run.objective,
            ..self.clone()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_straight_line_is_forecast_along_its_trend() {
        let y: Vec<f64> = (0..40).map(|t| 10.0 + 0.5 * t as f64).collect();
        let fit = AutoTheta {
            season: 1,
            form: None,
        }
        .fit(&y)
        .unwrap();
        let f = fit.predict(5, &[80.0]).unwrap();
        for (h, v) in f.point.iter().enumerate() {
            let expected = 10.0 + 0.5 * (40 + h) as f64;
            assert!((v - expected).abs() < 0.5, "{h}: {v} vs {expected}");
        }
        let interval = &f.intervals[0];
        assert!(interval.lower[0] <= f.point[0] && f.point[0] <= interval.upper[0]);
    }

    #[test]
    fn conditioning_keeps_the_parameters_and_matches_a_pass_over_the_longer_series() {
        let y: Vec<f64> = (0..60)
            .map(|t| 50.0 + t as f64 + 8.0 * ((t % 12) as f64 - 5.5).abs() + (t % 5) as f64)
            .collect();
        let theta = AutoTheta {
            season: 12,
            form: Some(ThetaForm::DynamicOptimized),
        };
        let fit = theta.fit(&y[..48]).unwrap();
        let moved = fit.condition(&y).unwrap();
        assert_eq!(moved.label(), fit.label());
        assert_eq!(moved.parameters(), fit.parameters());
        let path = moved.predict(3, &[]).unwrap().point;
        assert!(path.iter().all(|v| v.is_finite()));
        assert_ne!(path, fit.predict(3, &[]).unwrap().point);
    }
}

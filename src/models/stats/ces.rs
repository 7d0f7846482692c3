//! Complex exponential smoothing (Svetunkov & Kourentzes 2015; Svetunkov, Kourentzes &
//! Ord 2022) as StatsForecast's `AutoCES` fits it: the level is a complex number whose
//! imaginary part carries the "information potential", so one smoothing parameter pair
//! (α₀ + iα₁) spans level, trend-like and damped behaviour without choosing a trend form.
//!
//! Four seasonal forms: none (N), simple (S: the complex level runs per season position),
//! partial (P: an additive real seasonal component) and full (F: a second, complex
//! seasonal level). The states start from simple guesses, are refined by a backward pass
//! (backcasting), and α₀, α₁ (and β₀, β₁) are chosen by Nelder–Mead on n·log(SSE); AutoCES
//! keeps the form with the lowest AICc. Intervals, as StatsForecast's, are quantiles of
//! forecasts from the last states perturbed by N(0, σ²) noise.

use serde::{Deserialize, Serialize};

use super::decompose::classical_seasonal;
use super::optimize::NelderMead;
use super::simulate::{sample_intervals, standard_normal};
use super::{Fitted, Forecast, StatsError, check_series};
use crate::rng::SplitMix64;

/// The seasonal form of a CES model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CesSeason {
    /// No season.
    None,
    /// Simple: the complex level per season position.
    Simple,
    /// Partial: an additive real seasonal component.
    Partial,
    /// Full: a complex seasonal component.
    Full,
}

impl CesSeason {
    /// Every form, in StatsForecast's order (ties keep the earlier one).
    pub const ALL: [CesSeason; 4] = [
        CesSeason::None,
        CesSeason::Simple,
        CesSeason::Partial,
        CesSeason::Full,
    ];

    /// StatsForecast's letter: N, S, P, F.
    pub fn code(&self) -> &'static str {
        match self {
            CesSeason::None => "N",
            CesSeason::Simple => "S",
            CesSeason::Partial => "P",
            CesSeason::Full => "F",
        }
    }

    fn components(&self) -> usize {
        match self {
            CesSeason::None | CesSeason::Simple => 2,
            CesSeason::Partial => 3,
            CesSeason::Full => 4,
        }
    }

    /// The level recursion looks one step back (N, P, F) or one season back (S).
    fn level_lag(&self, m: usize) -> usize {
        if *self == CesSeason::Simple { m } else { 1 }
    }

    fn has_seasonal_state(&self) -> bool {
        matches!(self, CesSeason::Partial | CesSeason::Full)
    }
}

/// Fits CES: one seasonal form, or every form admissible for the season (`AutoCES`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutoCes {
    /// Season length (1 for none); the seasonal forms need two full seasons.
    pub season: usize,
    /// The form to fit; every admissible one when `None`.
    pub form: Option<CesSeason>,
}

/// Smoothing parameters: α₀ + iα₁ for the level, β₀ + iβ₁ for a full season (β₀ alone for a
/// partial one).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CesParams {
    /// Real part of the level's smoothing parameter.
    pub alpha0: f64,
    /// Imaginary part.
    pub alpha1: f64,
    /// Seasonal smoothing, real part (partial and full forms).
    pub beta0: f64,
    /// Seasonal smoothing, imaginary part (full form).
    pub beta1: f64,
}

type State = [f64; 4];

/// A fitted CES model.
#[derive(Debug, Clone)]
pub struct FittedCes {
    form: CesSeason,
    m: usize,
    params: CesParams,
    /// The states the fit started from (before backcasting), kept for conditioning.
    initial: Vec<State>,
    /// States after the last point: the last `m` rows.
    last: Vec<State>,
    residuals: Vec<f64>,
    y: Vec<f64>,
    /// n·log(SSE), the fit's objective.
    objective: f64,
    aicc: f64,
    sigma2: f64,
}

/// Lower and upper bounds of the free parameters, in order (StatsForecast's).
const LOWER: [f64; 4] = [0.01, 0.01, 0.01, 0.01];
const UPPER: [f64; 4] = [1.8, 1.9, 1.5, 1.5];

impl AutoCes {
    /// Fits to `y` (no missing values).
    ///
    /// # Errors
    /// [`StatsError::MissingValues`], [`StatsError::TooShort`] (more points than
    /// parameters are needed), or [`StatsError::NotConverged`] when no form fits.
    pub fn fit(&self, y: &[f64]) -> Result<FittedCes, StatsError> {
        let m = self.season.max(1);
        let seasonal_ok = m > 1 && y.len() >= 2 * m;
        let forms: Vec<CesSeason> = match self.form {
            Some(form) if seasonal_ok || form == CesSeason::None => vec![form],
            Some(_) => return Err(season_refused(self.season, y.len())),
            None if seasonal_ok => CesSeason::ALL.to_vec(),
            None => vec![CesSeason::None],
        };
        let needed = if forms.contains(&CesSeason::Full) {
            5
        } else {
            4
        };
        check_series("CES", y, needed)?;
        let mut best: Option<FittedCes> = None;
        for form in forms {
            let Some(fit) = fit_form(y, form, m) else {
                continue;
            };
            if best.as_ref().is_none_or(|b| fit.aicc < b.aicc) {
                best = Some(fit);
            }
        }
        best.ok_or_else(|| StatsError::NotConverged {
            model: "CES".into(),
            reason: "no seasonal form gives a finite fit".into(),
        })
    }

    /// The model at given smoothing parameters (nothing estimated; states from the same
    /// start and backcast): for checking against a reference's fit.
    ///
    /// # Errors
    /// [`StatsError::NotConverged`] when the recursions break down.
    pub fn fit_fixed(
        &self,
        y: &[f64],
        form: CesSeason,
        params: CesParams,
    ) -> Result<FittedCes, StatsError> {
        check_series("CES", y, 4)?;
        let m = if form == CesSeason::None {
            1
        } else {
            self.season.max(1)
        };
        if form != CesSeason::None && (m < 2 || y.len() < 2 * m) {
            return Err(season_refused(self.season, y.len()));
        }
        let initial = initial_states(y, form, m);
        finish(y, form, m, params, initial).ok_or_else(|| StatsError::NotConverged {
            model: "CES".into(),
            reason: "the recursions broke down at the given parameters".into(),
        })
    }
}

/// Why a seasonal form cannot be fitted: no season, or fewer than two seasons of points.
fn season_refused(season: usize, n: usize) -> StatsError {
    if season < 2 {
        StatsError::NeedsSeason {
            model: "seasonal CES".into(),
            season,
        }
    } else {
        StatsError::TooShort {
            model: format!("seasonal CES (season {season})"),
            needed: 2 * season,
            got: n,
        }
    }
}

fn fit_form(y: &[f64], form: CesSeason, m: usize) -> Option<FittedCes> {
    let m = if form == CesSeason::None { 1 } else { m };
    let initial = initial_states(y, form, m);
    let start: Vec<f64> = match form {
        CesSeason::None | CesSeason::Simple => vec![1.3, 1.0],
        CesSeason::Partial => vec![1.3, 1.0, 0.1],
        CesSeason::Full => vec![1.3, 1.0, 1.3, 1.0],
    };
    let params_of = |x: &[f64]| {
        let at = |k: usize, default: f64| x.get(k).map_or(default, |v| v.clamp(LOWER[k], UPPER[k]));
        CesParams {
            alpha0: at(0, 1.3),
            alpha1: at(1, 1.0),
            beta0: at(2, f64::NAN),
            beta1: at(3, f64::NAN),
        }
    };
    let objective = |x: &[f64]| {
        let mut states = initial.clone();
        calc(y, &mut states, form, m, params_of(x)).map_or(f64::INFINITY, |(lik, _)| lik)
    };
    let optimiser = NelderMead::default();
    let first = optimiser.minimize(objective, &start);
    let second = optimiser.minimize(objective, &first.x);
    let x = if second.value <= first.value {
        second.x
    } else {
        first.x
    };
    finish(y, form, m, params_of(&x), initial)
}

/// The final pass at fixed parameters: residuals, last states, criteria.
fn finish(
    y: &[f64],
    form: CesSeason,
    m: usize,
    params: CesParams,
    initial: Vec<State>,
) -> Option<FittedCes> {
    let mut states = initial.clone();
    let (objective, residuals) = calc(y, &mut states, form, m, params)?;
    let n = y.len();
    let last = states[n..n + m].to_vec();
    let k = (form.components() + 1) as f64;
    let nf = n as f64;
    let aic = objective + 2.0 * k;
    let aicc = if nf - k - 1.0 > 0.0 {
        aic + 2.0 * k * (k + 1.0) / (nf - k - 1.0)
    } else {
        f64::INFINITY
    };
    let sse: f64 = residuals.iter().map(|e| e * e).sum();
    let sigma2 = sse / (nf - k - 1.0).max(1.0);
    Some(FittedCes {
        form,
        m,
        params,
        initial,
        last,
        residuals,
        y: y.to_vec(),
        objective,
        aicc,
        sigma2,
    })
}

/// StatsForecast's starting states (one row for no season, `m` rows otherwise).
fn initial_states(y: &[f64], form: CesSeason, m: usize) -> Vec<State> {
    let mean_of = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    match form {
        CesSeason::None => {
            let mean = mean_of(&y[..10.max(m).min(y.len())]);
            vec![[mean, mean / 1.1, 0.0, 0.0]]
        }
        CesSeason::Simple => y[..m].iter().map(|&v| [v, v / 1.1, 0.0, 0.0]).collect(),
        CesSeason::Partial | CesSeason::Full => {
            let level = mean_of(&y[..m]);
            let seasonal = classical_seasonal(y, m, false);
            (0..m)
                .map(|t| {
                    let s = seasonal[t % m];
                    let full = if form == CesSeason::Full {
                        s / 1.1
                    } else {
                        0.0
                    };
                    [level, level / 1.1, s, full]
                })
                .collect()
        }
    }
}

/// The state at row `i` from the rows before it, after observing `y` there.
fn update(states: &mut [State], i: usize, form: CesSeason, m: usize, p: CesParams, y: f64) {
    let back = states[i - form.level_lag(m)];
    let mut e = y - back[0];
    if form.has_seasonal_state() {
        e -= states[i - m][2];
    }
    let mut next = [0.0; 4];
    next[0] = back[0] - (1.0 - p.alpha1) * back[1] + (p.alpha0 - p.alpha1) * e;
    next[1] = back[0] + (1.0 - p.alpha0) * back[1] + (p.alpha0 + p.alpha1) * e;
    let season = states[i - m];
    match form {
        CesSeason::Partial => next[2] = season[2] + p.beta0 * e,
        CesSeason::Full => {
            next[2] = season[2] - (1.0 - p.beta1) * season[3] + (p.beta0 - p.beta1) * e;
            next[3] = season[2] + (1.0 - p.beta0) * season[3] + (p.beta0 + p.beta1) * e;
        }
        _ => {}
    }
    states[i] = next;
}

/// Forecasts `h` steps from the `m` states before row `i`; returns the path and the
/// states it ran through (`m + h` rows).
fn forecast_from(
    states: &[State],
    i: usize,
    form: CesSeason,
    m: usize,
    p: CesParams,
    h: usize,
) -> (Vec<f64>, Vec<State>) {
    let mut rows = vec![[0.0; 4]; m + h];
    rows[..m].copy_from_slice(&states[i - m..i]);
    let mut path = Vec::with_capacity(h);
    for k in m..m + h {
        let mut f = rows[k - form.level_lag(m)][0];
        if form.has_seasonal_state() {
            f += rows[k - m][2];
        }
        path.push(f);
        update(&mut rows, k, form, m, p, f);
    }
    (path, rows)
}

/// One pass over `y` from the states in rows `0..m`; fills rows `m..n + m` and the
/// forecast-propagated rows `n + m..n + 2m`. Returns the one-step errors.
fn pass(y: &[f64], states: &mut Vec<State>, form: CesSeason, m: usize, p: CesParams) -> Vec<f64> {
    let n = y.len();
    states.resize(n + 2 * m, [0.0; 4]);
    let mut errors = Vec::with_capacity(n);
    for i in m..n + m {
        let mut f = states[i - form.level_lag(m)][0];
        if form.has_seasonal_state() {
            f += states[i - m][2];
        }
        errors.push(y[i - m] - f);
        update(states, i, form, m, p, y[i - m]);
    }
    let (_, rows) = forecast_from(states, n + m, form, m, p, m);
    states[n + m..n + 2 * m].copy_from_slice(&rows[m..]);
    errors
}

/// StatsForecast's `cescalc` with backfitting: forward, backward over the reversed series
/// (the end states seed the backcast), forward again from the backcast start. Returns
/// n·log(SSE) of the last pass and its errors.
fn calc(
    y: &[f64],
    states: &mut Vec<State>,
    form: CesSeason,
    m: usize,
    p: CesParams,
) -> Option<(f64, Vec<f64>)> {
    let n = y.len();
    pass(y, states, form, m, p);
    let reversed: Vec<f64> = y.iter().rev().copied().collect();
    states.reverse();
    pass(&reversed, states, form, m, p);
    states.reverse();
    let errors = pass(y, states, form, m, p);
    let sse: f64 = errors.iter().map(|e| e * e).sum();
    let lik = n as f64 * sse.ln();
    (lik.is_finite() && states.iter().flatten().all(|v| v.is_finite())).then_some((lik, errors))
}

/// Simulated perturbations of the last states, as StatsForecast's intervals use.
const SIMULATIONS: usize = 5_000;

impl FittedCes {
    /// The seasonal form kept.
    pub fn form(&self) -> CesSeason {
        self.form
    }

    /// The smoothing parameters.
    pub fn params(&self) -> CesParams {
        self.params
    }

    /// n·log(SSE) after backcasting: what the fit minimises.
    pub fn objective(&self) -> f64 {
        self.objective
    }

    fn path(&self, last: &[State], h: usize) -> Vec<f64> {
        forecast_from(last, self.m, self.form, self.m, self.params, h).0
    }
}

impl Fitted for FittedCes {
    fn label(&self) -> String {
        format!("CES({})", self.form.code())
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast, StatsError> {
        for &level in levels {
            super::normal::two_sided_z(level)?;
        }
        let point = self.path(&self.last, horizon);
        if levels.is_empty() {
            return Ok(Forecast {
                point,
                intervals: vec![],
            });
        }
        let sigma = self.sigma2.sqrt();
        let components = self.form.components();
        let mut rng = SplitMix64::new(0xCE5);
        let mut steps = vec![Vec::with_capacity(SIMULATIONS); horizon];
        for _ in 0..SIMULATIONS {
            let perturbed: Vec<State> = self
                .last
                .iter()
                .map(|row| {
                    let mut row = *row;
                    for v in row.iter_mut().take(components) {
                        *v += sigma * standard_normal(&mut rng);
                    }
                    row
                })
                .collect();
            for (step, v) in steps.iter_mut().zip(self.path(&perturbed, horizon)) {
                step.push(v);
            }
        }
        for step in &mut steps {
            step.sort_by(f64::total_cmp);
        }
        let intervals = sample_intervals(&steps, levels, |_, v| v);
        Ok(Forecast { point, intervals })
    }

    fn fitted_values(&self) -> Vec<f64> {
        self.y
            .iter()
            .zip(&self.residuals)
            .map(|(y, e)| y - e)
            .collect()
    }

    fn parameters(&self) -> usize {
        // Smoothing parameters, σ, and the m starting rows of states.
        let smoothing = match self.form {
            CesSeason::None | CesSeason::Simple => 2,
            CesSeason::Partial => 3,
            CesSeason::Full => 4,
        };
        smoothing + 1 + self.m * self.form.components()
    }

    fn condition(&self, y: &[f64]) -> Result<Box<dyn Fitted>, StatsError> {
        check_series("CES", y, 4)?;
        let fit =
            finish(y, self.form, self.m, self.params, self.initial.clone()).ok_or_else(|| {
                StatsError::NotConverged {
                    model: self.label(),
                    reason: "the recursions broke down on the new points".into(),
                }
            })?;
        Ok(Box::new(fit))
    }

    fn aicc(&self) -> Option<f64> {
        Some(self.aicc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seasonal_series_gets_a_seasonal_form_that_follows_it() {
        let y: Vec<f64> = (0..72)
            .map(|t| 100.0 + 0.5 * t as f64 + 10.0 * ((t % 12) as f64 * 0.52).sin())
            .collect();
        let fit = AutoCes {
            season: 12,
            form: None,
        }
        .fit(&y[..60])
        .unwrap();
        assert_ne!(fit.form(), CesSeason::None);
        let f = fit.predict(12, &[95.0]).unwrap();
        let mae: f64 = f
            .point
            .iter()
            .zip(&y[60..])
            .map(|(a, b)| (a - b).abs())
            .sum::<f64>()
            / 12.0;
        assert!(mae < 3.0, "MAE {mae}");
        let i = &f.intervals[0];
        assert!((0..12).all(|h| i.lower[h] <= f.point[h] && f.point[h] <= i.upper[h]));
        let moved = fit.condition(&y).unwrap();
        assert_eq!(moved.label(), fit.label());
        assert_ne!(
            moved.predict(3, &[]).unwrap().point,
            fit.predict(3, &[]).unwrap().point
        );
    }
}

//! A Prophet-style decomposition, fitted as Prophet fits it: a piecewise-linear trend with
//! automatic changepoints, Fourier seasonalities on the calendar (yearly, weekly, daily,
//! switched on by Prophet's rules on the history's span and spacing) and a holiday effect,
//! all additive, estimated by maximum a posteriori under Prophet's priors (Stan's
//! `prophet.stan`, linear growth, additive mode):
//!
//! - time `t` runs 0 … 1 over the history, the series is divided by its largest absolute
//!   value;
//! - 25 potential changepoints evenly over the first 80% of the history, each a change of
//!   the slope δⱼ with a Laplace(0, 0.05) prior (the lasso: most come out zero);
//! - growth `k` and offset `m` with Normal(0, 5) priors, seasonal and holiday coefficients
//!   with Normal(0, 10), the noise σ with a half-Normal(0, 0.5).
//!
//! Given σ the posterior mode is a weighted elastic net in the other parameters, solved
//! exactly by feature-sign search on the Gram matrix; σ then has a closed form; the two
//! alternate to a fixed point. Stan's L-BFGS seeks the same mode and stops short of it
//! where the Laplace prior is not smooth (`tests/prophet_reference.rs`: our objective is
//! lower on every reference series, the forecasts within 1% of the series' scale).
//!
//! With a cap, the trend is Prophet's logistic growth toward it (`logistic`: floor 0, the
//! cap constant), its mode found by BFGS with the exact gradient as Stan's L-BFGS finds
//! it (our objective again lower on both reference series, forecasts within 1.1%).
//!
//! Intervals are
//! Prophet's: 1,000 simulated futures whose trend takes new changepoints as often as the
//! history did (Laplace-distributed with the mean fitted |δ|), plus the noise.
//!
//! Without time stamps (a file in row order) the index is taken as days and the season
//! `m` becomes one seasonality of period `m` (order up to 10).

use std::sync::Arc;

mod calendar;
mod logistic;
mod solve;

pub use calendar::{Seasonality, TimeLine, auto_seasonalities};

use calendar::{DAY, fourier, round_half_even};
use solve::map_fit;

use super::simulate::{sample_intervals, standard_normal};
use super::{Fitted, Forecast, StatsError, check_series};
use crate::data::holidays::Holidays;
use crate::models::stats::linalg::carry_forward_within;
use crate::rng::SplitMix64;

const NAME: &str = "prophet";
/// Simulated futures behind the intervals (Prophet's `uncertainty_samples`).
const SAMPLES: usize = 1_000;

/// Prophet's settings that this model exposes.
#[derive(Debug, Clone, PartialEq)]
pub struct ProphetStyle {
    /// Potential changepoints (Prophet's `n_changepoints`).
    pub changepoints: usize,
    /// Share of the history they are spread over (`changepoint_range`).
    pub changepoint_range: f64,
    /// Scale of the changepoints' Laplace prior (`changepoint_prior_scale`).
    pub changepoint_prior: f64,
    /// Scale of the seasonal coefficients' normal prior (`seasonality_prior_scale`).
    pub seasonality_prior: f64,
    /// Scale of the holiday effect's normal prior (`holidays_prior_scale`).
    pub holidays_prior: f64,
}

impl Default for ProphetStyle {
    fn default() -> Self {
        ProphetStyle {
            changepoints: 25,
            changepoint_range: 0.8,
            changepoint_prior: 0.05,
            seasonality_prior: 10.0,
            holidays_prior: 10.0,
        }
    }
}

/// What the fit needs besides the series.
#[derive(Debug, Clone)]
pub struct ProphetInput<'a> {
    /// Time stamps of the points (and possibly later ones); `None` for row order.
    pub time: Option<TimeLine>,
    /// Season length in steps, used only without time stamps.
    pub season: usize,
    /// Holidays whose days share one effect; `None` or empty for none.
    pub holidays: Option<&'a Holidays>,
    /// Extra regressors: columns known ahead, aligned with the series from its first point
    /// and running past its end (read at the steps forecast); standardised as Prophet does
    /// (unless binary), each with a Normal(0, holidays prior) coefficient.
    pub regressors: &'a [&'a [f64]],
    /// Their names, for messages (`regressor N` where none is given).
    pub regressor_names: &'a [String],
    /// Logistic growth toward this capacity (the series' units, constant; floor 0), as
    /// Prophet's `growth="logistic"` with a `cap` column; linear growth when `None`.
    pub cap: Option<f64>,
}

/// The fitted decomposition.
#[derive(Debug, Clone)]
pub struct FittedProphet {
    /// Time origin (days) and span (days) that map onto t = 0 … 1.
    start: f64,
    span: f64,
    y_scale: f64,
    k: f64,
    m: f64,
    /// Changepoint times (in t) and slope changes.
    changepoints: Vec<f64>,
    deltas: Vec<f64>,
    seasonalities: Vec<Seasonality>,
    /// Coefficients of the seasonal terms, then the holiday effect when there is one.
    beta: Vec<f64>,
    holidays: Option<Holidays>,
    /// Extra regressors (forward-filled, from the first point on) with the mean and scale
    /// that standardise each.
    regressors: Arc<Vec<Vec<f64>>>,
    regressor_scales: Vec<(f64, f64)>,
    regressor_names: Vec<String>,
    sigma: f64,
    /// The logistic trend's capacity (the series' units); `None` for a linear trend.
    cap: Option<f64>,
    time: Option<TimeLine>,
    /// Points the forecast starts after.
    n: usize,
    /// The settings (priors) it was fitted with.
    spec: ProphetStyle,
}

impl FittedProphet {
    /// The features of point `index` at `day`: the seasonal terms, the holiday indicator,
    /// the standardised regressors; `None` where a regressor has no value there.
    fn features(&self, index: usize, day: f64) -> Option<Vec<f64>> {
        let mut x = fourier(day, &self.seasonalities);
        if let Some(h) = &self.holidays {
            let stamp = self.time.as_ref().map_or(0, |t| t.stamp_at(day));
            x.push(if h.contains(stamp) { 1.0 } else { 0.0 });
        }
        for (column, (mu, sd)) in self.regressors.iter().zip(&self.regressor_scales) {
            let v = *column.get(index)?;
            if !v.is_finite() {
                return None;
            }
            x.push((v - mu) / sd);
        }
        Some(x)
    }

    /// The seasonal, holiday and regressor effect at point `index` (scaled units).
    fn effect(&self, index: usize, day: f64) -> Option<f64> {
        Some(
            self.features(index, day)?
                .iter()
                .zip(&self.beta)
                .map(|(x, b)| x * b)
                .sum(),
        )
    }

    /// The trend at scaled time `t`, with `extra` changepoints `(s, δ)` after the fitted
    /// ones (the simulated futures'), in time order.
    fn trend(&self, t: f64, extra: &[(f64, f64)]) -> f64 {
        if let Some(cap) = self.cap {
            // The offsets' recursion runs through the changepoints in time order: the
            // fitted ones, then the extra ones (after the history, sorted).
            let all = self
                .changepoints
                .iter()
                .copied()
                .zip(self.deltas.iter().copied())
                .chain(extra.iter().copied());
            return logistic::trend(t, self.k, self.m, cap / self.y_scale, all);
        }
        let mut slope = self.k;
        let mut offset = self.m;
        for (&s, &d) in self
            .changepoints
            .iter()
            .zip(&self.deltas)
            .chain(extra.iter().map(|(s, d)| (s, d)))
        {
            if t >= s {
                slope += d;
                offset -= s * d;
            }
        }
        slope * t + offset
    }

    fn days(&self, from: usize, count: usize) -> Result<Vec<f64>, StatsError> {
        match &self.time {
            Some(time) => time.days(from, count),
            None => Ok((from..from + count).map(|i| i as f64).collect()),
        }
    }

    /// The fitted growth rate per day, in the series' units.
    pub fn growth_per_day(&self) -> f64 {
        self.k * self.y_scale / self.span
    }

    /// The negative log posterior (Prophet's objective, constants dropped) of parameters
    /// `at` on the fitted points `y`: what the fit minimises, to compare modes.
    pub fn objective(&self, y: &[f64], at: &ScaledParameters) -> f64 {
        let Ok(days) = self.days(0, y.len()) else {
            return f64::NAN;
        };
        let probe = FittedProphet {
            k: at.k,
            m: at.m,
            deltas: at.deltas.clone(),
            beta: at.beta.clone(),
            ..self.clone()
        };
        let ssr: f64 = days
            .iter()
            .zip(y)
            .enumerate()
            .map(|(i, (&d, v))| {
                let t = (d - self.start) / self.span;
                let s = probe.effect(i, d).unwrap_or(f64::NAN);
                (v / self.y_scale - probe.trend(t, &[]) - s).powi(2)
            })
            .sum();
        let seasonal = self
            .seasonalities
            .iter()
            .map(|s| 2 * s.order)
            .sum::<usize>();
        let beta_prior: f64 = at
            .beta
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let scale = if i < seasonal {
                    self.spec.seasonality_prior
                } else {
                    self.spec.holidays_prior
                };
                b * b / (2.0 * scale * scale)
            })
            .sum();
        let sigma = at.sigma;
        y.len() as f64 * sigma.ln()
            + ssr / (2.0 * sigma * sigma)
            + (at.k * at.k + at.m * at.m) / 50.0
            + at.deltas.iter().map(|d| d.abs()).sum::<f64>() / self.spec.changepoint_prior
            + beta_prior
            + 2.0 * sigma * sigma
    }

    /// The parameters in Prophet's scaled units (time 0 … 1, the series over its largest
    /// absolute value), as Prophet's `params` holds them.
    pub fn parameters_scaled(&self) -> ScaledParameters {
        ScaledParameters {
            k: self.k,
            m: self.m,
            sigma: self.sigma,
            deltas: self.deltas.clone(),
            beta: self.beta.clone(),
        }
    }
}

/// A fit's parameters in Prophet's scaled units.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaledParameters {
    /// Base growth rate.
    pub k: f64,
    /// Offset.
    pub m: f64,
    /// Noise standard deviation.
    pub sigma: f64,
    /// Slope changes at the changepoints.
    pub deltas: Vec<f64>,
    /// Seasonal terms' coefficients, then the holiday effect.
    pub beta: Vec<f64>,
}

impl ProphetStyle {
    /// Fits the decomposition to `y` (no gaps).
    ///
    /// # Errors
    /// [`StatsError::MissingValues`], [`StatsError::TooShort`] under 3 points,
    /// [`StatsError::InvalidSpec`] for stamps that do not cover the series or do not rise.
    pub fn fit(&self, y: &[f64], input: &ProphetInput<'_>) -> Result<FittedProphet, StatsError> {
        check_series(NAME, y, 3)?;
        let n = y.len();
        let days: Vec<f64> = match &input.time {
            Some(time) => {
                if time.len() < n {
                    return Err(StatsError::InvalidSpec(format!(
                        "{NAME} has time stamps for {} points; the series has {n}",
                        time.len()
                    )));
                }
                time.days(0, n)?
            }
            None => (0..n).map(|i| i as f64).collect(),
        };
        if days.windows(2).any(|w| w[1] <= w[0]) {
            return Err(StatsError::InvalidSpec(format!(
                "{NAME} needs rising time stamps (one point per time)"
            )));
        }
        let seasonalities = match &input.time {
            Some(_) => auto_seasonalities(&days),
            None if input.season >= 2 => vec![Seasonality {
                period: input.season as f64,
                order: (input.season / 2).min(10),
            }],
            None => vec![],
        };
        let start = days[0];
        let span = days[n - 1] - start;
        let t: Vec<f64> = days.iter().map(|d| (d - start) / span).collect();
        let y_scale = match y.iter().fold(0.0f64, |a, v| a.max(v.abs())) {
            0.0 => 1.0,
            s => s,
        };
        let ys: Vec<f64> = y.iter().map(|v| v / y_scale).collect();
        let cap = match input.cap {
            None => None,
            Some(cap) => {
                if !cap.is_finite() || cap <= 0.0 {
                    return Err(StatsError::InvalidSpec(format!(
                        "{NAME}'s cap must be a number above its floor, 0; it is {cap}"
                    )));
                }
                if let Some(at) = y.iter().position(|v| *v >= cap) {
                    return Err(StatsError::InvalidSpec(format!(
                        "{NAME}'s logistic growth needs a cap above every value of the series; \
                         the cap is {cap} and point {} is {}",
                        at + 1,
                        y[at]
                    )));
                }
                Some(cap)
            }
        };
        // Changepoints: evenly over the first share of the history (Prophet's grid).
        let hist = (n as f64 * self.changepoint_range).floor() as usize;
        let count = self.changepoints.min(hist.saturating_sub(1));
        let changepoints: Vec<f64> = if count > 0 {
            (1..=count)
                .map(|i| {
                    let at = round_half_even(i as f64 * (hist - 1) as f64 / count as f64);
                    t[at as usize]
                })
                .collect()
        } else {
            // Prophet's dummy changepoint at the start.
            vec![0.0]
        };
        // Holidays are days: without time stamps there are none to match.
        let holidays = input
            .holidays
            .filter(|_| input.time.is_some())
            .filter(|h| !h.is_empty())
            .filter(|h| days.iter().any(|&d| h.contains((d * DAY).round() as i64)))
            .cloned();
        let regressors: Vec<Vec<f64>> = input
            .regressors
            .iter()
            .map(|r| carry_forward_within(r))
            .collect();
        let regressor_names: Vec<String> = (0..regressors.len())
            .map(|i| {
                input
                    .regressor_names
                    .get(i)
                    .map_or_else(|| format!("regressor {}", i + 1), |n| format!("'{n}'"))
            })
            .collect();
        let mut regressor_scales = Vec::with_capacity(regressors.len());
        for (r, name) in regressors.iter().zip(&regressor_names) {
            let history = r.get(..n).unwrap_or(r);
            if let Some(at) = (0..n).find(|&i| !history.get(i).is_some_and(|v| v.is_finite())) {
                return Err(StatsError::InvalidSpec(format!(
                    "{NAME} needs the known-ahead input {name} at every point of the history; \
                     point {} has no value",
                    at + 1
                )));
            }
            regressor_scales.push(standardiser(history));
        }
        let mut fitted = FittedProphet {
            start,
            span,
            y_scale,
            k: 0.0,
            m: 0.0,
            changepoints,
            deltas: vec![],
            seasonalities,
            beta: vec![],
            holidays,
            regressors: Arc::new(regressors),
            regressor_scales,
            regressor_names,
            sigma: 1.0,
            cap,
            time: input.time.clone(),
            n,
            spec: self.clone(),
        };
        // Columns: t, 1, the changepoints' hinges, the seasonal terms, the holiday and the
        // regressors (every regressor has a value over the history, checked above).
        let rows: Vec<Vec<f64>> = t
            .iter()
            .zip(&days)
            .enumerate()
            .map(|(i, (&ti, &d))| {
                let mut row = vec![ti, 1.0];
                row.extend(
                    fitted
                        .changepoints
                        .iter()
                        .map(|&s| if ti >= s { ti - s } else { 0.0 }),
                );
                row.extend(fitted.features(i, d).unwrap_or_default());
                row
            })
            .collect();
        let s = fitted.changepoints.len();
        let p = rows[0].len();
        // Quadratic prior weight (θ²·w) and L1 weight per column.
        let mut quad = vec![0.0; p];
        let mut l1 = vec![0.0; p];
        quad[0] = 1.0 / (2.0 * 25.0);
        quad[1] = 1.0 / (2.0 * 25.0);
        for w in &mut l1[2..2 + s] {
            *w = 1.0 / self.changepoint_prior;
        }
        let seasonal = fitted
            .seasonalities
            .iter()
            .map(|s| 2 * s.order)
            .sum::<usize>();
        for (j, w) in quad.iter_mut().enumerate().skip(2 + s) {
            let scale = if j < 2 + s + seasonal {
                self.seasonality_prior
            } else {
                self.holidays_prior
            };
            *w = 1.0 / (2.0 * scale * scale);
        }
        if let Some(cap) = cap {
            let features: Vec<Vec<f64>> = rows.iter().map(|r| r[2 + s..].to_vec()).collect();
            let mode = logistic::Problem {
                t: &t,
                y: &ys,
                features: &features,
                quad: &quad[2 + s..],
                changepoints: &fitted.changepoints,
                cap: cap / y_scale,
                l1: 1.0 / self.changepoint_prior,
            }
            .solve();
            fitted.k = mode.k;
            fitted.m = mode.m;
            fitted.deltas = mode.deltas;
            fitted.beta = mode.beta;
            fitted.sigma = mode.sigma;
            return Ok(fitted);
        }
        // Prophet's start: the line through the first and last points.
        let mut theta = vec![0.0; p];
        theta[0] = ys[n - 1] - ys[0];
        theta[1] = ys[0];
        let sigma = map_fit(&rows, &ys, &quad, &l1, &mut theta);
        fitted.k = theta[0];
        fitted.m = theta[1];
        fitted.deltas = theta[2..2 + s].to_vec();
        fitted.beta = theta[2 + s..].to_vec();
        fitted.sigma = sigma;
        Ok(fitted)
    }
}

impl Fitted for FittedProphet {
    fn label(&self) -> String {
        let kept = self.deltas.iter().filter(|d| d.abs() > 1e-6).count();
        let seasons: Vec<String> = self
            .seasonalities
            .iter()
            .map(|s| match s.period {
                365.25 => "yearly".to_string(),
                7.0 => "weekly".to_string(),
                1.0 => "daily".to_string(),
                p => format!("period {p}"),
            })
            .collect();
        let regressors = match self.regressors.len() {
            0 => String::new(),
            1 => ", 1 regressor".to_string(),
            r => format!(", {r} regressors"),
        };
        let holidays = if self.holidays.is_some() {
            ", holidays"
        } else {
            ""
        };
        let growth = match self.cap {
            Some(cap) => format!("logistic trend to {cap}"),
            None => "linear trend".to_string(),
        };
        format!(
            "prophet ({growth}, {kept} of {} changepoints; {}{holidays}{regressors})",
            self.changepoints.len(),
            if seasons.is_empty() {
                "no season".to_string()
            } else {
                seasons.join(", ")
            }
        )
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast, StatsError> {
        let days = self.days(self.n, horizon)?;
        let t: Vec<f64> = days.iter().map(|d| (d - self.start) / self.span).collect();
        let seasonal: Vec<f64> = days
            .iter()
            .enumerate()
            .map(|(h, &d)| {
                self.effect(self.n + h, d).ok_or_else(|| {
                    let at = self.n + h;
                    let name = self
                        .regressors
                        .iter()
                        .zip(&self.regressor_names)
                        .find(|(r, _)| !r.get(at).is_some_and(|v| v.is_finite()))
                        .map_or("a known-ahead input", |(_, n)| n.as_str());
                    StatsError::InvalidSpec(format!(
                        "{NAME} needs {name} at every step forecast; step {} (point {}) has \
                         no value",
                        h + 1,
                        at + 1
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        let point: Vec<f64> = t
            .iter()
            .zip(&seasonal)
            .map(|(&ti, s)| (self.trend(ti, &[]) + s) * self.y_scale)
            .collect();
        if levels.is_empty() {
            return Ok(Forecast {
                point,
                intervals: vec![],
            });
        }
        // Prophet's simulation: new changepoints on (1, T] at the history's rate, their
        // slope changes Laplace with the mean fitted |δ|, plus the noise.
        let mut rng = SplitMix64::new(0x9e37_79b9 ^ self.n as u64);
        let last_t = t.iter().copied().fold(1.0, f64::max);
        let rate = self.changepoints.len() as f64 * (last_t - 1.0);
        let scale = self.deltas.iter().map(|d| d.abs()).sum::<f64>()
            / self.deltas.len().max(1) as f64
            + 1e-8;
        let mut samples = vec![Vec::with_capacity(SAMPLES); horizon];
        for _ in 0..SAMPLES {
            let changes = poisson(&mut rng, rate);
            let mut extra: Vec<(f64, f64)> = (0..changes)
                .map(|_| {
                    let at = 1.0 + rng.next_f64() * (last_t - 1.0);
                    let u = rng.next_f64() - 0.5;
                    (
                        at,
                        -scale * u.signum() * (1.0 - 2.0 * u.abs()).max(1e-300).ln(),
                    )
                })
                .collect();
            // In time order, as the logistic trend's offsets need them.
            extra.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (h, (&ti, s)) in t.iter().zip(&seasonal).enumerate() {
                let value = self.trend(ti, &extra) + s + self.sigma * standard_normal(&mut rng);
                samples[h].push(value * self.y_scale);
            }
        }
        for s in &mut samples {
            s.sort_by(f64::total_cmp);
        }
        let intervals = sample_intervals(&samples, levels, |_, v| v);
        Ok(Forecast { point, intervals })
    }

    fn fitted_values(&self) -> Vec<f64> {
        let Ok(days) = self.days(0, self.n) else {
            return vec![f64::NAN; self.n];
        };
        days.iter()
            .enumerate()
            .map(|(i, &d)| {
                let t = (d - self.start) / self.span;
                let s = self.effect(i, d).unwrap_or(f64::NAN);
                (self.trend(t, &[]) + s) * self.y_scale
            })
            .collect()
    }

    fn parameters(&self) -> usize {
        3 + self.deltas.len() + self.beta.len()
    }

    fn condition(&self, y: &[f64]) -> Result<Box<dyn Fitted>, StatsError> {
        check_series(NAME, y, 3)?;
        // The fitted curve is a function of time alone: a later origin only moves where
        // the forecast starts.
        let mut out = self.clone();
        out.n = y.len();
        Ok(Box::new(out))
    }
}

/// Prophet's standardisation of an extra regressor: none for a constant or a 0/1 column,
/// else its mean and sample standard deviation.
fn standardiser(history: &[f64]) -> (f64, f64) {
    let binary = history.iter().all(|&v| v == 0.0 || v == 1.0);
    let first = history[0];
    if binary || history.iter().all(|&v| v == first) || history.len() < 2 {
        return (0.0, 1.0);
    }
    let n = history.len() as f64;
    let mean = history.iter().sum::<f64>() / n;
    let var = history.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// A Poisson draw: by inversion for small means, else normal.
fn poisson(rng: &mut SplitMix64, mean: f64) -> usize {
    if mean <= 0.0 {
        return 0;
    }
    if mean > 200.0 {
        return (mean + mean.sqrt() * standard_normal(rng)).round().max(0.0) as usize;
    }
    let limit = (-mean).exp();
    let mut product = rng.next_f64();
    let mut count = 0;
    while product > limit {
        product *= rng.next_f64();
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Frequency;

    fn daily(n: usize) -> (Vec<i64>, Vec<f64>) {
        let start = 1_577_836_800; // 2020-01-01
        let stamps: Vec<i64> = (0..n as i64).map(|i| start + i * 86_400).collect();
        let y = (0..n)
            .map(|i| {
                let trend = if i < n / 2 {
                    0.1 * i as f64
                } else {
                    0.1 * (n / 2) as f64 - 0.05 * (i - n / 2) as f64
                };
                let week = (std::f64::consts::TAU * i as f64 / 7.0).sin() * 3.0;
                100.0 + trend + week
            })
            .collect();
        (stamps, y)
    }

    #[test]
    fn a_bent_trend_and_a_weekly_cycle_are_recovered() {
        let (stamps, y) = daily(400);
        let time = TimeLine::new(stamps.clone(), Some(Frequency::Seconds(86_400)));
        let input = ProphetInput {
            time: Some(time),
            season: 7,
            holidays: None,
            regressors: &[],
            regressor_names: &[],
            cap: None,
        };
        let fit = ProphetStyle::default().fit(&y[..380], &input).unwrap();
        assert_eq!(fit.seasonalities.len(), 1, "weekly only (under two years)");
        let f = fit.predict(20, &[80.0, 95.0]).unwrap();
        for (p, a) in f.point.iter().zip(&y[380..]) {
            assert!((p - a).abs() < 1.0, "{p} vs {a}");
        }
        let (i80, i95) = (&f.intervals[0], &f.intervals[1]);
        for h in 0..20 {
            assert!(i95.lower[h] <= i80.lower[h] && i80.lower[h] < f.point[h]);
            assert!(f.point[h] < i80.upper[h] && i80.upper[h] <= i95.upper[h]);
        }
        // Most changepoints are not used (the Laplace prior).
        let used = fit.deltas.iter().filter(|d| d.abs() > 1e-6).count();
        assert!(used < 25, "{used}");
        // Brought up to a later origin, it forecasts from there with the same curve.
        let later = fit.condition(&y[..390]).unwrap();
        let g = later.predict(10, &[]).unwrap();
        assert!((g.point[0] - f.point[10]).abs() < 1e-9);
    }

    #[test]
    fn holidays_get_their_own_effect_and_row_order_uses_the_season() {
        let (stamps, mut y) = daily(200);
        // Every 10th day is a holiday that lowers the series by 20.
        let days: Vec<i64> = stamps.iter().step_by(10).map(|s| s / 86_400).collect();
        for v in y.iter_mut().step_by(10) {
            *v -= 20.0;
        }
        let holidays = Holidays::new(crate::data::holidays::HolidayCalendar::None, &days);
        let input = ProphetInput {
            time: Some(TimeLine::new(stamps, Some(Frequency::Seconds(86_400)))),
            season: 7,
            holidays: Some(&holidays),
            regressors: &[],
            regressor_names: &[],
            cap: None,
        };
        let fit = ProphetStyle::default().fit(&y, &input).unwrap();
        let effect = fit.beta.last().unwrap() * fit.y_scale;
        assert!((effect + 20.0).abs() < 1.0, "{effect}");
        assert!(fit.label().contains("holidays"));
        let plain = ProphetInput {
            time: None,
            season: 7,
            holidays: None,
            regressors: &[],
            regressor_names: &[],
            cap: None,
        };
        let fit = ProphetStyle::default().fit(&y, &plain).unwrap();
        assert_eq!(fit.seasonalities[0].period, 7.0);
        assert!(fit.predict(5, &[90.0]).is_ok());
    }

    #[test]
    fn a_known_ahead_regressor_gets_its_effect_and_must_cover_the_steps() {
        let (stamps, mut y) = daily(300);
        let mut rng = SplitMix64::new(5);
        let x: Vec<f64> = (0..310).map(|_| 20.0 + 10.0 * rng.next_f64()).collect();
        for (v, r) in y.iter_mut().zip(&x) {
            *v += 2.0 * r;
        }
        let time = TimeLine::new(stamps, Some(Frequency::Seconds(86_400)));
        let input = ProphetInput {
            time: Some(time),
            season: 7,
            holidays: None,
            regressors: &[&x],
            regressor_names: &["x".into()],
            cap: None,
        };
        let fit = ProphetStyle::default().fit(&y[..290], &input).unwrap();
        // β is per standard deviation of the regressor, in scaled units.
        let (_, sd) = fit.regressor_scales[0];
        let per_unit = fit.beta.last().unwrap() * fit.y_scale / sd;
        assert!((per_unit - 2.0).abs() < 0.05, "{per_unit}");
        assert!(
            fit.label().ends_with("weekly, 1 regressor)"),
            "{}",
            fit.label()
        );
        let f = fit.predict(10, &[]).unwrap();
        for (p, a) in f.point.iter().zip(&y[290..]) {
            assert!((p - a).abs() < 1.5, "{p} vs {a}");
        }
        // The regressor runs 20 points past the fit: a forecast beyond them is refused.
        let err = fit.predict(21, &[]).unwrap_err().to_string();
        assert!(err.contains("'x'") && err.contains("step 21"), "{err}");
    }

    #[test]
    fn bad_input_is_refused() {
        let (stamps, y) = daily(50);
        let input = ProphetInput {
            time: Some(TimeLine::new(stamps[..40].to_vec(), None)),
            season: 7,
            holidays: None,
            regressors: &[],
            regressor_names: &[],
            cap: None,
        };
        assert!(ProphetStyle::default().fit(&y, &input).is_err());
        let input = ProphetInput {
            time: Some(TimeLine::new(stamps.clone(), None)),
            season: 7,
            holidays: None,
            regressors: &[],
            regressor_names: &[],
            cap: None,
        };
        let fit = ProphetStyle::default().fit(&y, &input).unwrap();
        // No frequency to extend the stamps past the data.
        assert!(fit.predict(3, &[]).is_err());
        let mut gap = y.clone();
        gap[3] = f64::NAN;
        assert!(ProphetStyle::default().fit(&gap, &input).is_err());
        assert_eq!(round_half_even(2.5), 2.0);
        assert_eq!(round_half_even(3.5), 4.0);
        assert_eq!(round_half_even(4.16), 4.0);
    }
}

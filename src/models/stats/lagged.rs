//! The features a direct multi-step model reads at a forecast origin, shared by the
//! penalised regressions and the boosted trees. Each sample predicts the change from the
//! last value, `y[t+k] − y[t]`, from what is known at the origin `t`:
//!
//! - the recent changes `y[t−j] − y[t]` (j = 1 … p − 1, p the season clamped to 3 … 24);
//! - for each seasonal period P, the change to the same phase one period back
//!   (`y[t+k−P⌈k/P⌉] − y[t]`, the seasonal naive forecast as a feature; only for a period
//!   longer than the lags, which otherwise hold it) and up to two Fourier pairs of the
//!   target's phase;
//! - for each other column (a factor), its last value and last change: only what was
//!   observed by the origin, so no future factor values are needed;
//! - for each column known ahead (a holiday flag, a planned price, a weather forecast), its
//!   value at the step forecast and its change from the origin to there.

use std::sync::Arc;

use super::linalg::{carry_forward, carry_forward_within};
use super::{Forecast, StatsError, check_series};

/// The other columns a row reads, aligned with the series from its first point and
/// possibly running past its end (missing values carried forward).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    /// Columns known only up to the origin (factors): read at the origin.
    pub past: Vec<Vec<f64>>,
    /// Columns known ahead: read at the step forecast, so they must run past the origin.
    pub ahead: Vec<Vec<f64>>,
    /// Their names, the factors' then the known-ahead columns' (for messages; `input N`
    /// where none is given).
    pub names: Vec<String>,
}

impl Inputs {
    /// The columns, gaps carried forward from the last value seen (a column known ahead
    /// only up to its last value: past it the model has nothing to read and says so).
    pub fn new(past: &[&[f64]], ahead: &[&[f64]]) -> Self {
        Inputs {
            past: past.iter().map(|f| carry_forward(f)).collect(),
            ahead: ahead.iter().map(|f| carry_forward_within(f)).collect(),
            names: vec![],
        }
    }

    /// The same columns with their names (the factors', then the known-ahead columns').
    pub fn named(mut self, names: &[String]) -> Self {
        self.names = names.to_vec();
        self
    }

    /// The name of input `i` (factors first).
    fn name(&self, i: usize) -> String {
        self.names
            .get(i)
            .map_or_else(|| format!("input {}", i + 1), |n| format!("'{n}'"))
    }

    /// The first input a row from origin `e` forecasting point `target` cannot read: a
    /// factor missing at the origin's last two points, a known-ahead column at the target
    /// (named, with the point, 1-based).
    pub fn gap(&self, e: usize, target: usize) -> Option<String> {
        let missing = |f: &[f64], i: usize| !f.get(i).is_some_and(|v| v.is_finite());
        for (i, f) in self.past.iter().enumerate() {
            if let Some(at) = [e - 2, e - 1].into_iter().find(|&at| missing(f, at)) {
                return Some(format!("{} at point {}", self.name(i), at + 1));
            }
        }
        self.ahead.iter().enumerate().find_map(|(j, f)| {
            missing(f, target).then(|| {
                format!(
                    "{} (known ahead) at point {}",
                    self.name(self.past.len() + j),
                    target + 1
                )
            })
        })
    }

    /// The shortest column's length, when there is any column.
    pub fn shortest(&self) -> Option<usize> {
        self.past.iter().chain(&self.ahead).map(Vec::len).min()
    }
}

/// Which features a row holds, fixed at fit time.
#[derive(Debug, Clone, PartialEq)]
pub struct LagDesign {
    /// Lags: the row holds the `lags − 1` recent changes.
    pub lags: usize,
    /// Seasonal periods with their Fourier pair counts.
    pub seasons: Vec<(usize, usize)>,
    /// Other columns read at the origin.
    pub factors: usize,
    /// Columns known ahead, read at the step forecast.
    pub ahead: usize,
}

impl LagDesign {
    /// The design for a season (1 for none), further periods and the columns of `inputs`.
    pub fn new(season: usize, periods: &[usize], inputs: &Inputs) -> Self {
        let mut seasons: Vec<(usize, usize)> = std::iter::once(season)
            .chain(periods.iter().copied())
            .filter(|&p| p >= 2)
            .map(|p| (p, (p / 2).min(2)))
            .collect();
        seasons.dedup_by_key(|s| s.0);
        LagDesign {
            lags: season.clamp(3, 24),
            seasons,
            factors: inputs.past.len(),
            ahead: inputs.ahead.len(),
        }
    }

    /// First origin with every feature defined.
    pub fn min_origin(&self) -> usize {
        self.seasons
            .iter()
            .map(|&(p, _)| p)
            .fold(self.lags.max(2), usize::max)
    }

    /// Features per row.
    pub fn width(&self) -> usize {
        self.lags - 1
            + self
                .seasons
                .iter()
                .map(|&(p, k)| usize::from(p > self.lags) + 2 * k)
                .sum::<usize>()
            + 2 * (self.factors + self.ahead)
    }

    /// A readable name per feature, in row order; the inputs are named from `input_names`
    /// (the factors', then the known-ahead columns') where given, else `input N`.
    pub fn names(&self, input_names: &[String]) -> Vec<String> {
        let mut names: Vec<String> = (1..self.lags).map(|j| format!("lag {j}")).collect();
        for &(period, pairs) in &self.seasons {
            if period > self.lags {
                names.push(format!("same phase, period {period}"));
            }
            for j in 1..=pairs {
                names.push(format!("sin {j}/{period}"));
                names.push(format!("cos {j}/{period}"));
            }
        }
        let name = |i: usize| {
            input_names
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("input {}", i + 1))
        };
        for i in 0..self.factors {
            names.push(format!("{} last", name(i)));
            names.push(format!("{} change", name(i)));
        }
        for i in self.factors..self.factors + self.ahead {
            names.push(format!("{} ahead", name(i)));
            names.push(format!("{} change ahead", name(i)));
        }
        names
    }

    /// The features for forecasting `y[e + k − 1]` from origin `e` (`y[..e]` known).
    /// `None` where a factor is missing at the origin or a known-ahead column at the step.
    pub fn row(&self, y: &[f64], inputs: &Inputs, e: usize, k: usize) -> Option<Vec<f64>> {
        let last = y[e - 1];
        let mut row = Vec::with_capacity(self.width());
        row.extend((1..self.lags).map(|j| y[e - 1 - j] - last));
        let target = e + k - 1;
        for &(period, pairs) in &self.seasons {
            // A season within the lags is already among them.
            if period > self.lags {
                row.push(y[target - period * k.div_ceil(period)] - last);
            }
            let phase = std::f64::consts::TAU * (target % period) as f64 / period as f64;
            for j in 1..=pairs {
                let (s, c) = (phase * j as f64).sin_cos();
                row.extend([s, c]);
            }
        }
        for f in &inputs.past {
            let (a, b) = (*f.get(e - 1)?, *f.get(e - 2)?);
            if !(a.is_finite() && b.is_finite()) {
                return None;
            }
            row.extend([a, a - b]);
        }
        for f in &inputs.ahead {
            let (a, b) = (*f.get(target)?, *f.get(e - 1)?);
            if !(a.is_finite() && b.is_finite()) {
                return None;
            }
            row.extend([a, a - b]);
        }
        Some(row)
    }

    /// Rows and targets (changes from the last value) for step `k` from the origins in
    /// `origins` that have every feature.
    pub fn samples(
        &self,
        y: &[f64],
        inputs: &Inputs,
        k: usize,
        origins: std::ops::Range<usize>,
    ) -> (Vec<Vec<f64>>, Vec<f64>) {
        origins
            .filter_map(|e| {
                let row = self.row(y, inputs, e, k)?;
                Some((row, y[e + k - 1] - y[e - 1]))
            })
            .unzip()
    }

    /// Samples of step `k` whose targets lie before `end`: the latest `max_samples`.
    pub fn latest_samples(
        &self,
        y: &[f64],
        inputs: &Inputs,
        k: usize,
        end: usize,
        max_samples: usize,
    ) -> (Vec<Vec<f64>>, Vec<f64>) {
        let last = (end + 1).saturating_sub(k);
        let first = self.min_origin().max(last.saturating_sub(max_samples));
        self.samples(y, inputs, k, first..last.max(first))
    }

    /// Samples of step `k` whose targets lie in `start..end` (a validation block).
    pub fn block_samples(
        &self,
        y: &[f64],
        inputs: &Inputs,
        k: usize,
        start: usize,
        end: usize,
    ) -> (Vec<Vec<f64>>, Vec<f64>) {
        let first = (start + 1).saturating_sub(k).max(self.min_origin());
        let last = (end + 1).saturating_sub(k).min(y.len() + 1 - k);
        self.samples(y, inputs, k, first..last.max(first))
    }
}

/// One step's model in a direct forecaster: from a row of [`LagDesign`] features to the
/// change from the last value.
pub trait StepModel: std::fmt::Debug + Clone + Send {
    /// The predicted change for `row`.
    fn change(&self, row: &[f64]) -> f64;
}

/// A direct multi-step forecaster, whatever its step models: one per step ahead on the
/// features of its design, with each step's residual spread, forecasting from the end of
/// its series (the penalised regressions and the boosted trees share it).
#[derive(Debug, Clone)]
pub struct DirectSteps<M> {
    /// The model's name in messages (`ridge`, `boosted trees`).
    pub name: &'static str,
    /// The features each row holds.
    pub design: LagDesign,
    /// One model per step ahead.
    pub steps: Vec<M>,
    /// Each step's residual spread (the normal intervals' σ).
    pub sd: Vec<f64>,
    /// The series the forecast starts after.
    pub y: Vec<f64>,
    /// Other columns from the series' first point, forward-filled, possibly running past
    /// `y` (factors are read before an origin, known-ahead columns at the step forecast).
    pub inputs: Arc<Inputs>,
}

impl<M: StepModel> DirectSteps<M> {
    /// The first `horizon` steps from the end of `y`, with normal intervals at `levels`.
    ///
    /// # Errors
    /// [`StatsError::InvalidSpec`] past the fitted steps, or where an input has no value
    /// at the origin (or a known-ahead one at a step).
    pub fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast, StatsError> {
        if horizon > self.steps.len() {
            return Err(StatsError::InvalidSpec(format!(
                "{} was fitted for {} steps ahead (one model each); {horizon} were asked",
                self.name,
                self.steps.len()
            )));
        }
        let e = self.y.len();
        let last = self.y[e - 1];
        let point = (1..=horizon)
            .zip(&self.steps)
            .map(|(k, step)| {
                let row = self
                    .design
                    .row(&self.y, &self.inputs, e, k)
                    .ok_or_else(|| {
                        let gap = self
                            .inputs
                            .gap(e, e + k - 1)
                            .unwrap_or_else(|| "an input".into());
                        StatsError::InvalidSpec(format!(
                            "{} has no value of {gap} to forecast step {k} from point {e}",
                            self.name
                        ))
                    })?;
                Ok(last + step.change(&row))
            })
            .collect::<Result<Vec<_>, StatsError>>()?;
        Forecast::normal(point, &self.sd[..horizon], levels)
    }

    /// In-sample one-step-ahead values (NaN before the first origin with every feature).
    pub fn fitted_values(&self) -> Vec<f64> {
        let Some(step) = self.steps.first() else {
            return vec![f64::NAN; self.y.len()];
        };
        (0..self.y.len())
            .map(|t| {
                if t < self.design.min_origin() {
                    return f64::NAN;
                }
                self.design
                    .row(&self.y, &self.inputs, t, 1)
                    .map_or(f64::NAN, |r| self.y[t - 1] + step.change(&r))
            })
            .collect()
    }

    /// The same steps forecasting from the end of `y` (the fitted series followed by later
    /// points).
    ///
    /// # Errors
    /// [`StatsError::MissingValues`] / [`StatsError::TooShort`] for an unusable `y`,
    /// [`StatsError::InvalidSpec`] when the inputs stop before it does.
    pub fn conditioned(&self, y: &[f64]) -> Result<Self, StatsError> {
        check_series(self.name, y, self.design.min_origin())?;
        if let Some(short) = self.inputs.shortest().filter(|&len| len < y.len()) {
            return Err(StatsError::InvalidSpec(format!(
                "{} has input values for {short} points; {} were given",
                self.name,
                y.len()
            )));
        }
        let mut out = self.clone();
        out.y = y.to_vec();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_hold_lags_seasons_and_factors_and_are_named() {
        let y: Vec<f64> = (0..200).map(|t| t as f64).collect();
        let doubled: Vec<f64> = (0..200).map(|t| 2.0 * t as f64).collect();
        let planned: Vec<f64> = (0..205).map(|t| 10.0 * t as f64).collect();
        let f = Inputs::new(&[&doubled], &[&planned]);
        let d = LagDesign::new(48, &[], &f);
        // 23 lags, the same-phase change (48 > 24 lags), two Fourier pairs, two factor
        // values and two known-ahead values.
        assert_eq!(d.width(), 23 + 1 + 4 + 2 + 2);
        let names = d.names(&["brent".into(), "plan".into()]);
        assert_eq!(names.len(), d.width());
        assert_eq!(names[0], "lag 1");
        assert_eq!(names[23], "same phase, period 48");
        assert_eq!(names[names.len() - 4], "brent last");
        assert_eq!(names[names.len() - 2], "plan ahead");
        let row = d.row(&y, &f, 100, 3).unwrap();
        assert_eq!(row.len(), d.width());
        assert_eq!(row[0], -1.0);
        // Target 102, the same phase a period back is 54: 54 − 99.
        assert_eq!(row[23], -45.0);
        assert_eq!(row[row.len() - 4..row.len() - 2], [198.0, 2.0]);
        // The plan at the target (102) and its change from the origin's last point (99).
        assert_eq!(row[row.len() - 2..], [1020.0, 30.0]);
        // Past the plan's end there is no row.
        assert!(d.row(&y, &f, 200, 6).is_none());
        // And the message names it, with the point.
        let named = f.clone().named(&["brent".into(), "plan".into()]);
        assert_eq!(
            named.gap(200, 205).as_deref(),
            Some("'plan' (known ahead) at point 206")
        );
        assert_eq!(named.gap(150, 152), None);
        let (rows, targets) = d.block_samples(&y, &f, 3, 150, 160);
        assert_eq!(rows.len(), 10);
        assert!(targets.iter().all(|&t| t == 3.0));
    }
}

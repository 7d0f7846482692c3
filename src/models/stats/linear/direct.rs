//! Direct multi-step penalised regression: one ridge / lasso / elastic-net regression per
//! step ahead, each predicting the change from the last value, `y[t+k] − y[t]`, from what
//! is known at the origin `t` (the recent changes, the season, other columns' last values:
//! [`LagDesign`]).
//!
//! With every coefficient at zero the forecast is the last value plus the average change
//! (the intercept): the penalty shrinks toward drift, never toward the mean of a level.
//! Features are standardised per step (as sklearn's `StandardScaler`); one penalty for all
//! steps is chosen by time-series cross-validation (three expanding splits of the latest
//! samples, validated on steps 1, ⌈h/2⌉ and h; 13 penalties: over four decades below the
//! largest useful one for the lasso and elastic net, over six decades per row for ridge).
//! Intervals are normal with each step's residual spread (the backtest adds conformal
//! ones).

use std::sync::Arc;

use super::penalised::{Gram, LinearFit, Penalty, Standardiser};
use crate::models::stats::lagged::{DirectSteps, Inputs, LagDesign, StepModel};
use crate::models::stats::{Fitted, Forecast, StatsError, check_series};

/// Most samples (origins) a step's regression is fitted on: the latest ones.
const MAX_SAMPLES: usize = 4_000;
/// Penalties tried, each a third of a decade below the last from the largest useful one.
const GRID: usize = 13;
/// Fewest samples a step needs to be fitted and its penalty chosen.
const MIN_SAMPLES: usize = 20;
/// Coordinate descent's stopping tolerance here: coefficients to 1e-9 of the largest.
const TOLERANCE: f64 = 1e-9;

/// The model: which penalty, the seasons, and how many steps it forecasts at once.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectRegression {
    /// Ridge, lasso or elastic net.
    pub penalty: Penalty,
    /// Season length (1 for none).
    pub season: usize,
    /// Further seasonal periods (the week of sub-daily data).
    pub periods: Vec<usize>,
    /// Steps ahead, one regression each.
    pub horizon: usize,
}

/// One step's regression: its scaler and coefficients.
#[derive(Debug, Clone)]
struct StepFit {
    scaler: Standardiser,
    fit: LinearFit,
}

impl StepModel for StepFit {
    fn change(&self, row: &[f64]) -> f64 {
        self.fit.predict(&self.scaler.apply(row))
    }
}

/// A fitted direct regression, ready to forecast from the end of its series.
#[derive(Debug, Clone)]
pub struct FittedDirect {
    model: DirectRegression,
    alpha: f64,
    direct: DirectSteps<StepFit>,
}

impl DirectRegression {
    fn name(&self) -> &'static str {
        match self.penalty {
            Penalty::Ridge => "ridge",
            Penalty::Lasso => "lasso",
            Penalty::ElasticNet { .. } => "elastic net",
        }
    }

    /// Fits every step on `y`, with `inputs` (other columns aligned with `y` from its first
    /// point and possibly longer: factors read at each origin, known-ahead columns at the
    /// step forecast, which must run past any origin forecast from).
    ///
    /// # Errors
    /// [`StatsError::MissingValues`] for gaps in `y`, [`StatsError::TooShort`] when a step
    /// has fewer than 20 samples, [`StatsError::InvalidSpec`] for a zero horizon.
    pub fn fit(&self, y: &[f64], inputs: Inputs) -> Result<FittedDirect, StatsError> {
        if self.horizon == 0 {
            return Err(StatsError::InvalidSpec(format!(
                "{} forecasts one regression per step; the horizon must be at least 1",
                self.name()
            )));
        }
        let design = LagDesign::new(self.season, &self.periods, &inputs);
        let min_origin = design.min_origin();
        check_series(self.name(), y, min_origin + self.horizon + MIN_SAMPLES - 1)?;
        let alpha = self.choose_alpha(&design, y, &inputs)?;
        let (steps, sd): (Vec<StepFit>, Vec<f64>) = (1..=self.horizon)
            .map(|k| {
                let (rows, targets) = self.step_samples(&design, y, &inputs, k, y.len());
                fit_step(self.penalty, alpha, &rows, &targets, self.name())
            })
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .unzip();
        Ok(FittedDirect {
            model: self.clone(),
            alpha,
            direct: DirectSteps {
                name: self.name(),
                design,
                steps,
                sd,
                y: y.to_vec(),
                inputs: Arc::new(inputs),
            },
        })
    }

    /// Samples of step `k` whose targets lie before `end`: the latest [`MAX_SAMPLES`].
    fn step_samples(
        &self,
        design: &LagDesign,
        y: &[f64],
        inputs: &Inputs,
        k: usize,
        end: usize,
    ) -> (Vec<Vec<f64>>, Vec<f64>) {
        design.latest_samples(y, inputs, k, end, MAX_SAMPLES)
    }

    /// The penalty with the least validation error over three expanding splits and up to
    /// three steps (the grid is the module's).
    fn choose_alpha(
        &self,
        design: &LagDesign,
        y: &[f64],
        inputs: &Inputs,
    ) -> Result<f64, StatsError> {
        let grid: Vec<f64> = match self.penalty {
            // Per row, over six decades: 1000 shrinks everything to drift, 0.001 nothing.
            Penalty::Ridge => (0..GRID)
                .map(|i| 10f64.powf(3.0 - i as f64 / 2.0))
                .collect(),
            penalty => {
                let (rows, targets) = self.step_samples(design, y, inputs, 1, y.len());
                let scaler = Standardiser::fit(&rows);
                let scaled: Vec<Vec<f64>> = rows.iter().map(|r| scaler.apply(r)).collect();
                let top = Gram::new(&scaled, &targets)?.alpha_max(penalty.l1_ratio());
                if !(top.is_finite() && top > 0.0) {
                    // Nothing to explain (a straight line): any penalty gives the drift.
                    return Ok(1.0);
                }
                (0..GRID)
                    .map(|i| top * 10f64.powf(-(i as f64) / 3.0))
                    .collect()
            }
        };
        let mut loss = [0.0; GRID];
        let mut validated = false;
        let mut steps = vec![1, self.horizon.div_ceil(2), self.horizon];
        steps.dedup();
        let n = y.len();
        let block = ((n - design.min_origin()) / 10).max(self.horizon).max(1);
        for split in 1..=3usize {
            let Some(valid_start) = n.checked_sub(split * block) else {
                continue;
            };
            let valid_end = valid_start + block;
            for &k in &steps {
                let (rows, targets) = self.step_samples(design, y, inputs, k, valid_start);
                if rows.len() < MIN_SAMPLES {
                    continue;
                }
                let scaler = Standardiser::fit(&rows);
                let scaled: Vec<Vec<f64>> = rows.iter().map(|r| scaler.apply(r)).collect();
                let gram = Gram::new(&scaled, &targets)?;
                validated = true;
                let (vrows, vtargets) = design.block_samples(y, inputs, k, valid_start, valid_end);
                let vscaled: Vec<Vec<f64>> = vrows.iter().map(|r| scaler.apply(r)).collect();
                let mut warm: Option<Vec<f64>> = None;
                for (i, &a) in grid.iter().enumerate() {
                    let alpha = solver_alpha(self.penalty, a, rows.len());
                    let Ok(fit) = gram.fit_within(self.penalty, alpha, warm.as_deref(), TOLERANCE)
                    else {
                        loss[i] = f64::INFINITY;
                        continue;
                    };
                    loss[i] += vscaled
                        .iter()
                        .zip(&vtargets)
                        .map(|(r, t)| (fit.predict(r) - t).powi(2))
                        .sum::<f64>()
                        / vtargets.len().max(1) as f64;
                    warm = Some(fit.coef);
                }
            }
        }
        // Too short for any split: the middle of the grid.
        let best = (0..GRID)
            .filter(|&i| validated && loss[i].is_finite())
            .min_by(|&a, &b| loss[a].total_cmp(&loss[b]))
            .unwrap_or(GRID / 2);
        Ok(grid[best])
    }
}

/// The penalty as the solver takes it: ridge's loss is a sum over `rows`, the others' a
/// mean.
fn solver_alpha(penalty: Penalty, alpha: f64, rows: usize) -> f64 {
    match penalty {
        Penalty::Ridge => alpha * rows as f64,
        _ => alpha,
    }
}

fn fit_step(
    penalty: Penalty,
    alpha: f64,
    rows: &[Vec<f64>],
    targets: &[f64],
    name: &str,
) -> Result<(StepFit, f64), StatsError> {
    if rows.len() < MIN_SAMPLES {
        return Err(StatsError::TooShort {
            model: name.to_string(),
            needed: MIN_SAMPLES,
            got: rows.len(),
        });
    }
    let scaler = Standardiser::fit(rows);
    let scaled: Vec<Vec<f64>> = rows.iter().map(|r| scaler.apply(r)).collect();
    let fit = Gram::new(&scaled, targets)?.fit(
        penalty,
        solver_alpha(penalty, alpha, rows.len()),
        None,
    )?;
    let ssr: f64 = scaled
        .iter()
        .zip(targets)
        .map(|(r, t)| (fit.predict(r) - t).powi(2))
        .sum();
    let dof = rows.len().saturating_sub(fit.nonzero() + 1).max(1);
    Ok((StepFit { scaler, fit }, (ssr / dof as f64).sqrt()))
}

impl FittedDirect {
    /// The chosen penalty (in sklearn's units for the lasso and elastic net; per row for
    /// ridge).
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The standardised coefficients of step `k` (1-based), a feature's weight per
    /// standard deviation: a first measure of what drives that step.
    pub fn coefficients(&self, k: usize) -> Option<&[f64]> {
        self.direct
            .steps
            .get(k.checked_sub(1)?)
            .map(|s| &s.fit.coef[..])
    }
}

impl Fitted for FittedDirect {
    fn label(&self) -> String {
        let steps = &self.direct.steps;
        let kept: usize = steps.iter().map(|s| s.fit.nonzero()).sum();
        let mean_kept = kept as f64 / steps.len().max(1) as f64;
        format!(
            "{} (α {:.3e}, {:.0} of {} features, {} steps)",
            self.model.name(),
            self.alpha,
            mean_kept,
            self.direct.design.width(),
            steps.len()
        )
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast, StatsError> {
        self.direct.predict(horizon, levels)
    }

    fn fitted_values(&self) -> Vec<f64> {
        self.direct.fitted_values()
    }

    fn parameters(&self) -> usize {
        self.direct
            .steps
            .iter()
            .map(|s| s.fit.nonzero() + 2)
            .sum::<usize>()
            + 1
    }

    fn condition(&self, y: &[f64]) -> Result<Box<dyn Fitted>, StatsError> {
        Ok(Box::new(FittedDirect {
            direct: self.direct.conditioned(y)?,
            ..self.clone()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seasonal(n: usize) -> Vec<f64> {
        (0..n)
            .map(|t| {
                let t = t as f64;
                50.0 + 0.1 * t
                    + 8.0 * (std::f64::consts::TAU * t / 12.0).sin()
                    + 0.5 * (t * 1.7).sin()
            })
            .collect()
    }

    fn model(penalty: Penalty, horizon: usize) -> DirectRegression {
        DirectRegression {
            penalty,
            season: 12,
            periods: vec![],
            horizon,
        }
    }

    #[test]
    fn every_penalty_forecasts_a_seasonal_series_with_its_trend() {
        let y = seasonal(240);
        let actual = seasonal(252)[240..].to_vec();
        for penalty in [
            Penalty::Ridge,
            Penalty::Lasso,
            Penalty::ElasticNet { l1_ratio: 0.5 },
        ] {
            let fit = model(penalty, 12).fit(&y, Inputs::default()).unwrap();
            let f = fit.predict(12, &[80.0]).unwrap();
            let mae: f64 = f
                .point
                .iter()
                .zip(&actual)
                .map(|(p, a)| (p - a).abs())
                .sum::<f64>()
                / 12.0;
            // The seasonal swing is ±8; a forecast that follows it errs by far less.
            assert!(mae < 1.0, "{penalty:?}: MAE {mae} ({})", fit.label());
            let i = &f.intervals[0];
            assert!(i.lower.iter().zip(&i.upper).all(|(l, u)| l < u));
            assert!(fit.predict(13, &[]).is_err(), "fitted for 12 steps");
        }
    }

    #[test]
    fn a_factor_that_leads_the_target_is_used() {
        // The target follows the factor's last value; without it, it is a random walk.
        let mut rng = crate::rng::SplitMix64::new(1);
        let mut noise = || rng.next_f64() - 0.5;
        let factor: Vec<f64> = (0..300).map(|_| noise() * 10.0).collect();
        let mut y = vec![0.0];
        for t in 1..300 {
            y.push(y[t - 1] + factor[t - 1] + 0.1 * noise());
        }
        let spec = DirectRegression {
            penalty: Penalty::Lasso,
            season: 1,
            periods: vec![],
            horizon: 1,
        };
        let with = spec.fit(&y[..299], Inputs::new(&[&factor], &[])).unwrap();
        let without = spec.fit(&y[..299], Inputs::default()).unwrap();
        let err = |f: &FittedDirect| (f.predict(1, &[]).unwrap().point[0] - y[299]).abs();
        assert!(err(&with) < 0.2, "{}", err(&with));
        assert!(err(&without) > err(&with));
        // The factor's last value carries (nearly) all the weight.
        let coef = with.coefficients(1).unwrap();
        let factor_weight = coef[coef.len() - 2].abs();
        assert!(
            coef[..coef.len() - 2]
                .iter()
                .all(|c| c.abs() < 0.1 * factor_weight)
        );
    }

    #[test]
    fn conditioning_moves_the_origin_and_short_or_gappy_series_are_refused() {
        let y = seasonal(200);
        let fit = model(Penalty::Ridge, 6)
            .fit(&y[..150], Inputs::default())
            .unwrap();
        let later = fit.condition(&y[..180]).unwrap();
        let direct = model(Penalty::Ridge, 6)
            .fit(&y[..150], Inputs::default())
            .unwrap();
        assert_ne!(
            later.predict(6, &[]).unwrap().point,
            direct.predict(6, &[]).unwrap().point
        );
        assert_eq!(later.fitted_values().len(), 180);
        assert!(matches!(
            model(Penalty::Ridge, 6).fit(&y[..30], Inputs::default()),
            Err(StatsError::TooShort { .. })
        ));
        let mut gap = y.clone();
        gap[50] = f64::NAN;
        assert!(matches!(
            model(Penalty::Lasso, 6).fit(&gap, Inputs::default()),
            Err(StatsError::MissingValues { .. })
        ));
        assert!(model(Penalty::Lasso, 0).fit(&y, Inputs::default()).is_err());
    }
}

//! Direct multi-step gradient boosting: one boosted-tree model per step ahead on the same
//! features as the penalised regressions ([`LagDesign`]: recent changes, the season, other
//! columns' last values, known-ahead columns at the step forecast), each predicting the
//! change from the last value. The number of
//! trees is chosen by early stopping on the latest block of samples (steps 1, ⌈h/2⌉ and h
//! validated, the round with the least summed validation error kept), then every step is
//! boosted that many rounds on all its samples. Intervals are normal with each step's
//! in-sample residual spread, widened by how much worse the validation errors were than
//! the in-sample ones (trees fit their training rows closely); the backtest adds conformal
//! ones.

use std::sync::Arc;

use super::tree::{Booster, TreeParams};
use crate::models::stats::lagged::{DirectSteps, Inputs, LagDesign, StepModel};
use crate::models::stats::{Fitted, Forecast, StatsError, check_series};

/// Most samples a step's trees are grown on: the latest ones.
const MAX_SAMPLES: usize = 2_000;
/// Most trees per step.
const MAX_ROUNDS: usize = 300;
/// Fewest samples a step needs.
const MIN_SAMPLES: usize = 30;
const NAME: &str = "boosted trees";

/// The model: seasons and how many steps it forecasts at once.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectBoost {
    /// Season length (1 for none).
    pub season: usize,
    /// Further seasonal periods (the week of sub-daily data).
    pub periods: Vec<usize>,
    /// Steps ahead, one booster each.
    pub horizon: usize,
    /// How the trees grow.
    pub params: TreeParams,
}

impl DirectBoost {
    /// The model with the default tree settings.
    pub fn new(season: usize, periods: &[usize], horizon: usize) -> Self {
        DirectBoost {
            season,
            periods: periods.to_vec(),
            horizon,
            params: TreeParams::default(),
        }
    }
}

/// A fitted direct booster, ready to forecast from the end of its series.
#[derive(Debug, Clone)]
pub struct FittedBoost {
    rounds: usize,
    direct: DirectSteps<Booster>,
}

impl StepModel for Booster {
    fn change(&self, row: &[f64]) -> f64 {
        self.predict(row)
    }
}

impl DirectBoost {
    /// Fits every step on `y`, with `inputs` (other columns aligned with `y` from its first
    /// point and possibly longer: factors read at each origin, known-ahead columns at the
    /// step forecast, which must run past any origin forecast from).
    ///
    /// # Errors
    /// [`StatsError::MissingValues`] for gaps in `y`, [`StatsError::TooShort`] when a step
    /// has fewer than 30 samples, [`StatsError::InvalidSpec`] for a zero horizon.
    pub fn fit(&self, y: &[f64], inputs: Inputs) -> Result<FittedBoost, StatsError> {
        if self.horizon == 0 {
            return Err(StatsError::InvalidSpec(format!(
                "{NAME} fit one model per step; the horizon must be at least 1"
            )));
        }
        let design = LagDesign::new(self.season, &self.periods, &inputs);
        check_series(
            NAME,
            y,
            design.min_origin() + self.horizon + MIN_SAMPLES - 1,
        )?;
        let (rounds, widen) = self.choose_rounds(&design, y, &inputs);
        let mut steps = Vec::with_capacity(self.horizon);
        let mut sd = Vec::with_capacity(self.horizon);
        for k in 1..=self.horizon {
            let (rows, targets) = design.latest_samples(y, &inputs, k, y.len(), MAX_SAMPLES);
            if rows.len() < MIN_SAMPLES {
                return Err(StatsError::TooShort {
                    model: NAME.into(),
                    needed: MIN_SAMPLES,
                    got: rows.len(),
                });
            }
            let booster = Booster::fit(&rows, &targets, rounds, &self.params);
            let ssr: f64 = rows
                .iter()
                .zip(&targets)
                .map(|(r, t)| (booster.predict(r) - t).powi(2))
                .sum();
            sd.push(widen * (ssr / rows.len() as f64).sqrt());
            steps.push(booster);
        }
        Ok(FittedBoost {
            rounds,
            direct: DirectSteps {
                name: NAME,
                design,
                steps,
                sd,
                y: y.to_vec(),
                inputs: Arc::new(inputs),
            },
        })
    }

    /// Early stopping on the latest block: the round count with the least validation
    /// error summed over steps 1, ⌈h/2⌉ and h, and the ratio of validation to in-sample
    /// error at that count (at least 1). Too short to hold a block out: 100 rounds, ×1.5.
    fn choose_rounds(&self, design: &LagDesign, y: &[f64], inputs: &Inputs) -> (usize, f64) {
        let n = y.len();
        let block = ((n - design.min_origin()) / 5).max(self.horizon);
        let mut steps = vec![1, self.horizon.div_ceil(2), self.horizon];
        steps.dedup();
        let mut valid = vec![0.0; MAX_ROUNDS];
        let mut train = vec![0.0; MAX_ROUNDS];
        let mut validated = false;
        for &k in &steps {
            let Some(start) = n.checked_sub(block) else {
                continue;
            };
            let (rows, targets) = design.latest_samples(y, inputs, k, start, MAX_SAMPLES);
            let (vrows, vtargets) = design.block_samples(y, inputs, k, start, n);
            if rows.len() < MIN_SAMPLES || vrows.is_empty() {
                continue;
            }
            validated = true;
            let mut vpred = vec![0.0; vrows.len()];
            let mut tpred = vec![0.0; rows.len()];
            let mut round = 0;
            Booster::fit_with(&rows, &targets, MAX_ROUNDS, &self.params, |b| {
                if round == 0 {
                    vpred.iter_mut().for_each(|p| *p = b.base);
                    tpred.iter_mut().for_each(|p| *p = b.base);
                }
                let mse = |pred: &mut [f64], rows: &[Vec<f64>], targets: &[f64]| {
                    let mut sum = 0.0;
                    for ((p, r), t) in pred.iter_mut().zip(rows).zip(targets) {
                        *p += b.last_tree(r);
                        sum += (*p - t).powi(2);
                    }
                    sum / targets.len() as f64
                };
                valid[round] += mse(&mut vpred, &vrows, &vtargets);
                train[round] += mse(&mut tpred, &rows, &targets);
                round += 1;
            });
        }
        if !validated {
            return (100, 1.5);
        }
        let best = (0..MAX_ROUNDS)
            .min_by(|&a, &b| valid[a].total_cmp(&valid[b]))
            .unwrap_or(MAX_ROUNDS - 1);
        let widen = if train[best] > 0.0 {
            (valid[best] / train[best]).sqrt().max(1.0)
        } else {
            1.0
        };
        (best + 1, widen)
    }
}

impl FittedBoost {
    /// Trees per step, as early stopping chose.
    pub fn rounds(&self) -> usize {
        self.rounds
    }

    /// Each feature's share of the total split gain over every step's trees, in the
    /// design's order, with its name (the inputs named from `input_names`: the factors',
    /// then the known-ahead columns').
    pub fn importance(&self, input_names: &[String]) -> Vec<(String, f64)> {
        let mut gains = vec![0.0; self.direct.design.width()];
        for step in &self.direct.steps {
            for (g, s) in gains.iter_mut().zip(&step.gains) {
                *g += s;
            }
        }
        let total: f64 = gains.iter().sum();
        self.direct
            .design
            .names(input_names)
            .into_iter()
            .zip(gains)
            .map(|(name, g)| (name, if total > 0.0 { g / total } else { 0.0 }))
            .collect()
    }
}

impl Fitted for FittedBoost {
    fn label(&self) -> String {
        format!(
            "boosted trees ({} trees × {} steps, {} features)",
            self.rounds,
            self.direct.steps.len(),
            self.direct.design.width()
        )
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast, StatsError> {
        self.direct.predict(horizon, levels)
    }

    fn fitted_values(&self) -> Vec<f64> {
        self.direct.fitted_values()
    }

    fn parameters(&self) -> usize {
        self.direct.steps.iter().map(Booster::size).sum::<usize>() + self.direct.sd.len()
    }

    fn condition(&self, y: &[f64]) -> Result<Box<dyn Fitted>, StatsError> {
        Ok(Box::new(FittedBoost {
            rounds: self.rounds,
            direct: self.direct.conditioned(y)?,
        }))
    }

    fn importance(&self, input_names: &[String]) -> Vec<(String, f64)> {
        FittedBoost::importance(self, input_names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regime_switch_driven_by_a_factor_is_learned_and_the_factor_ranks_first() {
        // The target rises while the factor is positive and falls while it is negative: a
        // nonlinear effect a tree finds and a linear model only averages.
        let mut rng = crate::rng::SplitMix64::new(7);
        let n = 700;
        let mut factor = vec![1.0];
        for t in 1..n {
            let flip = if rng.next_f64() < 0.05 { -1.0 } else { 1.0 };
            factor.push(factor[t - 1] * flip);
        }
        let mut y = vec![100.0];
        for t in 1..n {
            y.push(y[t - 1] + 2.0 * factor[t - 1] + 0.3 * (rng.next_f64() - 0.5));
        }
        let model = DirectBoost::new(1, &[], 3);
        let fit = model
            .fit(
                &y[..n - 3],
                Inputs::new(&[&factor], &[]).named(&["switch".into()]),
            )
            .unwrap();
        let f = fit.predict(3, &[80.0]).unwrap();
        for (k, p) in f.point.iter().enumerate() {
            let expected = y[n - 4] + 2.0 * factor[n - 4] * (k + 1) as f64;
            assert!((p - expected).abs() < 1.0, "step {k}: {p} vs {expected}");
        }
        let i = &f.intervals[0];
        assert!(i.lower.iter().zip(&i.upper).all(|(l, u)| l < u));
        let importance = fit.importance(&["switch".into()]);
        let top = importance
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        assert!(top.0.starts_with("switch"), "{importance:?}");
        let total: f64 = importance.iter().map(|x| x.1).sum();
        assert!((total - 1.0).abs() < 1e-9);
        assert!(fit.rounds() >= 1 && fit.rounds() <= MAX_ROUNDS);
    }

    #[test]
    fn conditioning_moves_the_origin_and_bad_input_is_refused() {
        let y: Vec<f64> = (0..300)
            .map(|t| 10.0 + (std::f64::consts::TAU * t as f64 / 7.0).sin() + 0.01 * t as f64)
            .collect();
        let model = DirectBoost::new(7, &[], 7);
        let fit = model.fit(&y[..250], Inputs::default()).unwrap();
        let later = fit.condition(&y[..280]).unwrap();
        let f = later.predict(7, &[]).unwrap();
        let mae: f64 = f
            .point
            .iter()
            .zip(&y[280..287])
            .map(|(p, a)| (p - a).abs())
            .sum::<f64>()
            / 7.0;
        assert!(mae < 0.3, "MAE {mae}");
        assert!(later.predict(8, &[]).is_err());
        assert!(matches!(
            model.fit(&y[..30], Inputs::default()),
            Err(StatsError::TooShort { .. })
        ));
        let mut gap = y.clone();
        gap[40] = f64::NAN;
        assert!(matches!(
            model.fit(&gap, Inputs::default()),
            Err(StatsError::MissingValues { .. })
        ));
        assert!(
            DirectBoost::new(7, &[], 0)
                .fit(&y, Inputs::default())
                .is_err()
        );
    }
}

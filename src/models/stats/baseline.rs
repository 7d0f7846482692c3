//! The benchmarks every model must beat: naive (last value), seasonal naive (last season),
//! drift (a line from the first to the last point) and mean. Intervals follow Hyndman &
//! Athanasopoulos, *Forecasting: Principles and Practice* §5.5 (normal, residual-based).

use super::{Fitted, Forecast, StatsError, check_series};

/// Which simple benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// Every future value is the last observed one.
    Naive,
    /// Every future value is the value one season earlier.
    SeasonalNaive {
        /// Season length in steps.
        season: usize,
    },
    /// The last value plus the average change so far, per step.
    Drift,
    /// The mean of the history.
    Mean,
}

impl Baseline {
    /// The model's name in the leaderboard and the CLI.
    pub fn name(&self) -> &'static str {
        match self {
            Baseline::Naive => "naive",
            Baseline::SeasonalNaive { .. } => "snaive",
            Baseline::Drift => "drift",
            Baseline::Mean => "mean",
        }
    }

    /// Fits the benchmark to `y` (no missing values).
    pub fn fit(&self, y: &[f64]) -> Result<FittedBaseline, StatsError> {
        let needed = match *self {
            Baseline::SeasonalNaive { season } => {
                if season < 1 {
                    return Err(StatsError::InvalidSpec(
                        "seasonal naive needs a season of at least 1 step".into(),
                    ));
                }
                season + 1
            }
            Baseline::Naive | Baseline::Drift => 2,
            Baseline::Mean => 2,
        };
        check_series(self.name(), y, needed)?;
        let n = y.len();
        let mut fitted = vec![f64::NAN; n];
        let lag = match *self {
            Baseline::SeasonalNaive { season } => season,
            _ => 1,
        };
        let slope = (y[n - 1] - y[0]) / (n - 1) as f64;
        let mean = y.iter().sum::<f64>() / n as f64;
        for t in 0..n {
            fitted[t] = match self {
                Baseline::Naive | Baseline::SeasonalNaive { .. } if t >= lag => y[t - lag],
                Baseline::Drift if t >= 1 => y[t - 1] + slope,
                Baseline::Mean => mean,
                _ => f64::NAN,
            };
        }
        let residuals: Vec<f64> = y
            .iter()
            .zip(&fitted)
            .filter(|(_, f)| f.is_finite())
            .map(|(y, f)| y - f)
            .collect();
        // Degrees of freedom used by the fit: drift and mean estimate one parameter.
        let used = match self {
            Baseline::Drift | Baseline::Mean => 1,
            _ => 0,
        };
        let sse: f64 = residuals.iter().map(|e| e * e).sum();
        let sigma = (sse / (residuals.len() - used).max(1) as f64).sqrt();
        Ok(FittedBaseline {
            kind: *self,
            history: y.to_vec(),
            fitted,
            slope,
            mean,
            sigma,
        })
    }
}

/// A fitted benchmark: its history, in-sample fit and residual scale.
#[derive(Debug, Clone)]
pub struct FittedBaseline {
    kind: Baseline,
    history: Vec<f64>,
    fitted: Vec<f64>,
    slope: f64,
    mean: f64,
    sigma: f64,
}

impl FittedBaseline {
    /// Residual standard deviation the intervals use.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }
}

impl Fitted for FittedBaseline {
    fn parameters(&self) -> usize {
        // The values the forecast repeats or extends, plus the residual scale σ.
        1 + match self.kind {
            Baseline::Naive | Baseline::Mean => 1,
            Baseline::SeasonalNaive { season } => season,
            Baseline::Drift => 2,
        }
    }

    fn condition(&self, y: &[f64]) -> Result<Box<dyn Fitted>, StatsError> {
        // The history moves on; the slope, mean and residual scale stay as fitted.
        let mut conditioned = self.kind.fit(y)?;
        conditioned.slope = self.slope;
        conditioned.mean = self.mean;
        conditioned.sigma = self.sigma;
        Ok(Box::new(conditioned))
    }

    fn label(&self) -> String {
        match self.kind {
            Baseline::SeasonalNaive { season } => format!("seasonal naive (m={season})"),
            other => other.name().to_string(),
        }
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast, StatsError> {
        let n = self.history.len();
        let last = self.history[n - 1];
        let (mut point, mut sd) = (Vec::with_capacity(horizon), Vec::with_capacity(horizon));
        for step in 1..=horizon {
            let h = step as f64;
            let (p, s) = match self.kind {
                Baseline::Naive => (last, self.sigma * h.sqrt()),
                Baseline::SeasonalNaive { season } => {
                    let back = season - ((step - 1) % season);
                    let k = ((step - 1) / season) as f64;
                    (self.history[n - back], self.sigma * (k + 1.0).sqrt())
                }
                Baseline::Drift => (
                    last + h * self.slope,
                    self.sigma * (h * (1.0 + h / (n - 1) as f64)).sqrt(),
                ),
                Baseline::Mean => (self.mean, self.sigma * (1.0 + 1.0 / n as f64).sqrt()),
            };
            point.push(p);
            sd.push(s);
        }
        Forecast::normal(point, &sd, levels)
    }

    fn fitted_values(&self) -> Vec<f64> {
        self.fitted.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_checked_paths() {
        let y = [1.0, 3.0, 2.0, 4.0, 6.0, 5.0];
        let f = |b: Baseline| b.fit(&y).unwrap().predict(4, &[]).unwrap().point;
        assert_eq!(f(Baseline::Naive), vec![5.0; 4]);
        assert_eq!(
            f(Baseline::SeasonalNaive { season: 3 }),
            vec![4.0, 6.0, 5.0, 4.0]
        );
        assert_eq!(f(Baseline::Drift), vec![5.8, 6.6, 7.4, 8.2]);
        assert_eq!(f(Baseline::Mean), vec![3.5; 4]);
    }

    #[test]
    fn naive_interval_widens_with_square_root_of_horizon() {
        let y = [1.0, 3.0, 2.0, 4.0, 6.0, 5.0];
        let fit = Baseline::Naive.fit(&y).unwrap();
        // residuals 2, -1, 2, 2, -1 → mean square 14/5
        assert!((fit.sigma() - (14.0f64 / 5.0).sqrt()).abs() < 1e-12);
        let fc = fit.predict(4, &[95.0]).unwrap();
        let w1 = fc.intervals[0].upper[0] - fc.point[0];
        let w4 = fc.intervals[0].upper[3] - fc.point[3];
        assert!((w4 / w1 - 2.0).abs() < 1e-12);
    }

    #[test]
    fn short_and_missing_series_are_refused() {
        assert!(matches!(
            Baseline::SeasonalNaive { season: 12 }.fit(&[1.0; 5]),
            Err(StatsError::TooShort { needed: 13, .. })
        ));
        assert!(matches!(
            Baseline::Naive.fit(&[1.0, f64::NAN, 2.0]),
            Err(StatsError::MissingValues { index: 1, .. })
        ));
    }
}

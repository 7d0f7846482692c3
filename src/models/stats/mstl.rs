//! MSTL (Bandara, Hyndman & Bergmeir 2021) as StatsForecast's `MSTL` model runs it: the
//! series is decomposed into a trend, one seasonal component per period (e.g. the day and
//! the week of half-hourly load) and a remainder by repeated STL; the seasonally adjusted
//! series (trend + remainder) is forecast by a non-seasonal model (AutoETS, as
//! StatsForecast's default), each seasonal component by repeating its last period. The
//! intervals are the adjusted series' model's, shifted by the seasonal forecast.
//!
//! STL is `stlrs` (a port of the original Fortran, as statsmodels' `STL` is), set as
//! statsmodels sets it: seasonal windows 11, 15, 19, … by period, seasonal degree 0,
//! jumps of 1, the low-pass window the next odd number above the period, five inner loops
//! and no robustness weights; two MSTL iterations.

use super::ets::AutoEts;
use super::{Fitted, Forecast, StatsError, check_series};

/// MSTL over the given seasonal periods, with AutoETS on the adjusted series.
#[derive(Debug, Clone, PartialEq)]
pub struct Mstl {
    /// Seasonal periods in steps; those that do not fit twice in the series are dropped.
    pub periods: Vec<usize>,
}

/// The decomposition of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct Decomposition {
    /// The periods kept, ascending.
    pub periods: Vec<usize>,
    /// One seasonal component per period.
    pub seasonal: Vec<Vec<f64>>,
    /// The trend.
    pub trend: Vec<f64>,
}

impl Decomposition {
    /// The series less every seasonal component.
    pub fn adjusted(&self, y: &[f64]) -> Vec<f64> {
        y.iter()
            .enumerate()
            .map(|(t, v)| v - self.seasonal.iter().map(|s| s[t]).sum::<f64>())
            .collect()
    }

    /// Each component's last period repeated, summed, for `h` steps after the end.
    fn seasonal_forecast(&self, h: usize) -> Vec<f64> {
        let n = self.trend.len();
        (0..h)
            .map(|j| {
                self.periods
                    .iter()
                    .zip(&self.seasonal)
                    .map(|(&p, s)| s[n - p + j % p])
                    .sum()
            })
            .collect()
    }
}

/// MSTL's decomposition of `y` over `periods` (each at least 2 and fitting twice).
///
/// # Errors
/// [`StatsError::InvalidSpec`] when STL refuses the input.
pub fn decompose(y: &[f64], periods: &[usize]) -> Result<Decomposition, StatsError> {
    let mut periods: Vec<usize> = periods.to_vec();
    periods.sort_unstable();
    periods.dedup();
    let n = y.len();
    let iterations = if periods.len() == 1 { 1 } else { 2 };
    let mut seasonal = vec![vec![0.0; n]; periods.len()];
    let mut deseasoned = y.to_vec();
    let mut trend = vec![0.0; n];
    for _ in 0..iterations {
        for (i, &period) in periods.iter().enumerate() {
            for (d, s) in deseasoned.iter_mut().zip(&seasonal[i]) {
                *d += s;
            }
            let low_pass = if period % 2 == 0 {
                period + 1
            } else {
                period + 2
            };
            let fit = stlrs::params()
                .seasonal_length(7 + 4 * (i + 1))
                .low_pass_length(low_pass)
                .seasonal_jump(1)
                .trend_jump(1)
                .low_pass_jump(1)
                .inner_loops(5)
                .fit(&deseasoned, period)
                .map_err(|e| StatsError::InvalidSpec(format!("STL: {e}")))?;
            seasonal[i] = fit.seasonal().to_vec();
            trend = fit.trend().to_vec();
            for (d, s) in deseasoned.iter_mut().zip(&seasonal[i]) {
                *d -= s;
            }
        }
    }
    Ok(Decomposition {
        periods,
        seasonal,
        trend,
    })
}

/// A fitted MSTL model.
pub struct FittedMstl {
    decomposition: Decomposition,
    /// The non-seasonal model of the adjusted series.
    adjusted_model: Box<dyn Fitted>,
}

impl Mstl {
    /// The periods that fit twice in `n` points.
    fn usable(&self, n: usize) -> Vec<usize> {
        self.periods
            .iter()
            .copied()
            .filter(|&p| p >= 2 && 2 * p <= n)
            .collect()
    }

    /// Decomposes `y` and fits AutoETS (no season) to the adjusted series.
    ///
    /// # Errors
    /// [`StatsError::TooShort`] when no period fits twice, [`StatsError::NeedsSeason`]
    /// without a period of 2 or more; the adjusted series' model's failure otherwise.
    pub fn fit(&self, y: &[f64]) -> Result<FittedMstl, StatsError> {
        check_series("MSTL", y, 4)?;
        let periods = self.usable(y.len());
        if periods.is_empty() {
            let shortest = self.periods.iter().copied().filter(|&p| p >= 2).min();
            return Err(match shortest {
                // Two full periods are needed to tell a season from noise.
                Some(p) => StatsError::TooShort {
                    model: format!("MSTL (period {p})"),
                    needed: 2 * p,
                    got: y.len(),
                },
                None => StatsError::NeedsSeason {
                    model: "MSTL".into(),
                    season: self.periods.iter().copied().max().unwrap_or(1),
                },
            });
        }
        let decomposition = decompose(y, &periods)?;
        let adjusted = decomposition.adjusted(y);
        let adjusted_model: Box<dyn Fitted> = Box::new(AutoEts { season: 1 }.fit(&adjusted)?);
        Ok(FittedMstl {
            decomposition,
            adjusted_model,
        })
    }
}

impl FittedMstl {
    /// The decomposition the fit rests on.
    pub fn decomposition(&self) -> &Decomposition {
        &self.decomposition
    }
}

impl Fitted for FittedMstl {
    fn label(&self) -> String {
        let periods: Vec<String> = self
            .decomposition
            .periods
            .iter()
            .map(usize::to_string)
            .collect();
        format!(
            "MSTL[{}] + {}",
            periods.join(","),
            self.adjusted_model.label()
        )
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast, StatsError> {
        let mut forecast = self.adjusted_model.predict(horizon, levels)?;
        let seasonal = self.decomposition.seasonal_forecast(horizon);
        let shift = |v: &mut Vec<f64>| v.iter_mut().zip(&seasonal).for_each(|(a, s)| *a += s);
        shift(&mut forecast.point);
        for interval in &mut forecast.intervals {
            shift(&mut interval.lower);
            shift(&mut interval.upper);
        }
        Ok(forecast)
    }

    fn fitted_values(&self) -> Vec<f64> {
        self.adjusted_model
            .fitted_values()
            .into_iter()
            .enumerate()
            .map(|(t, v)| {
                v + self
                    .decomposition
                    .seasonal
                    .iter()
                    .map(|s| s[t])
                    .sum::<f64>()
            })
            .collect()
    }

    fn parameters(&self) -> usize {
        // The adjusted model's, plus the last period of each seasonal component.
        self.adjusted_model.parameters() + self.decomposition.periods.iter().sum::<usize>()
    }

    /// The decomposition is a filter, so it is run again over the longer series (its
    /// settings kept); the adjusted series' model keeps its parameters.
    fn condition(&self, y: &[f64]) -> Result<Box<dyn Fitted>, StatsError> {
        check_series("MSTL", y, 4)?;
        let decomposition = decompose(y, &self.decomposition.periods)?;
        let adjusted_model = self.adjusted_model.condition(&decomposition.adjusted(y))?;
        Ok(Box::new(FittedMstl {
            decomposition,
            adjusted_model,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_seasons_are_separated_and_forecast() {
        // A daily (24) and weekly (168) cycle on a slow trend.
        let y: Vec<f64> = (0..24 * 7 * 6)
            .map(|t| {
                let t = t as f64;
                100.0
                    + 0.01 * t
                    + 10.0 * (std::f64::consts::TAU * t / 24.0).sin()
                    + 5.0 * (std::f64::consts::TAU * t / 168.0).cos()
            })
            .collect();
        let n = 24 * 7 * 5;
        let fit = Mstl {
            periods: vec![168, 24],
        }
        .fit(&y[..n])
        .unwrap();
        assert_eq!(fit.decomposition().periods, vec![24, 168]);
        let f = fit.predict(48, &[95.0]).unwrap();
        let mae: f64 = f
            .point
            .iter()
            .zip(&y[n..n + 48])
            .map(|(a, b)| (a - b).abs())
            .sum::<f64>()
            / 48.0;
        assert!(mae < 1.0, "MAE {mae}");
        assert!(
            fit.label().starts_with("MSTL[24,168] + ETS("),
            "{}",
            fit.label()
        );
        // A period that does not fit twice is dropped; none at all is an error.
        let short = Mstl {
            periods: vec![24, 168],
        }
        .fit(&y[..200])
        .unwrap();
        assert_eq!(short.decomposition().periods, vec![24]);
        assert!(matches!(
            Mstl { periods: vec![500] }.fit(&y[..200]),
            Err(StatsError::TooShort {
                needed: 1000,
                got: 200,
                ..
            })
        ));
    }
}

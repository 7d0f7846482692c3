//! GARCH around an ARIMA mean (`arima-garch`): auto-ARIMA forecasts the level, and a
//! GARCH(1,1) with a zero mean models the variance of its one-step residuals (as `arch`'s
//! `arch_model(residuals, mean="Zero")` would). The point forecast is ARIMA's; the
//! intervals replace ARIMA's constant innovation variance by GARCH's forecast conditional
//! variances, each carried into later steps by ARIMA's ψ-weights (differencing undone):
//! the h-step error variance is Σ_{j<h} ψⱼ² σ²_{n+h−j}. After a turbulent stretch the
//! bands are wider than ARIMA's; after a calm one, narrower.

use super::arima::FittedArima;
use super::garch::{Errors, Garch, GarchFit, Mean};
use super::{Fitted, Forecast, StatsError};

/// The GARCH the residuals get: (1,1), normal errors, no mean (ARIMA is the mean).
const RESIDUAL_GARCH: Garch = Garch {
    p: 1,
    q: 1,
    errors: Errors::Normal,
    mean: Mean::Zero,
};

/// A fitted ARIMA mean with GARCH on its residuals.
#[derive(Debug, Clone)]
pub struct FittedArimaGarch {
    arima: FittedArima,
    garch: GarchFit,
}

/// ARIMA's one-step residuals over the points it has a fitted value for.
fn residuals(arima: &FittedArima, y: &[f64]) -> Vec<f64> {
    y.iter()
        .zip(arima.fitted_values())
        .filter(|(_, f)| f.is_finite())
        .map(|(v, f)| v - f)
        .collect()
}

/// Fits GARCH(1,1) on the residuals of `arima`, an ARIMA model fitted on `y`.
///
/// # Errors
/// [`StatsError::TooShort`] when fewer than 30 residuals remain;
/// [`StatsError::ConstantSeries`] when ARIMA leaves no variation (a perfect fit);
/// [`StatsError::NotConverged`] from the GARCH likelihood.
pub fn fit_arima_garch(arima: FittedArima, y: &[f64]) -> Result<FittedArimaGarch, StatsError> {
    let e = residuals(&arima, y);
    let garch = RESIDUAL_GARCH.fit(&e).map_err(|err| match err {
        StatsError::TooShort { needed, got, .. } => StatsError::TooShort {
            model: "ARIMA-GARCH".into(),
            needed: needed + (y.len() - got),
            got: y.len(),
        },
        other => other,
    })?;
    Ok(FittedArimaGarch { arima, garch })
}

impl FittedArimaGarch {
    /// The GARCH fit on ARIMA's residuals.
    pub fn garch(&self) -> &GarchFit {
        &self.garch
    }
}

impl Fitted for FittedArimaGarch {
    fn label(&self) -> String {
        let p = &self.garch.params;
        let persistence: f64 = p.alpha.iter().chain(&p.beta).sum();
        format!(
            "{} + GARCH(1,1) on its residuals, α+β {persistence:.3}",
            self.arima.label()
        )
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast, StatsError> {
        let point = self.arima.predict(horizon, &[])?.point;
        let psi = self.arima.psi_weights(horizon);
        let sigma2 = self.garch.variance_forecast(horizon);
        let sd: Vec<f64> = (1..=horizon)
            .map(|h| {
                (0..h)
                    .map(|j| psi[j].powi(2) * sigma2[h - 1 - j])
                    .sum::<f64>()
                    .sqrt()
            })
            .collect();
        Forecast::normal(point, &sd, levels)
    }

    fn fitted_values(&self) -> Vec<f64> {
        self.arima.fitted_values()
    }

    fn parameters(&self) -> usize {
        // ARIMA's (σ² among them, which GARCH's ω, α, β replace).
        self.arima.parameters() + 2
    }

    fn condition(&self, y: &[f64]) -> Result<Box<dyn Fitted>, StatsError> {
        let arima = self.arima.conditioned(y)?;
        let garch = self.garch.rerun(&residuals(&arima, y));
        Ok(Box::new(FittedArimaGarch { arima, garch }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::stats::arima::{ArimaOrder, ArimaSpec};

    /// A random walk whose shocks follow GARCH(1,1), a calm stretch last.
    fn walk(n: usize, calm_tail: usize) -> Vec<f64> {
        let mut rng = crate::rng::SplitMix64::new(11);
        let mut uniform = || rng.next_f64().max(f64::MIN_POSITIVE);
        let (omega, alpha, beta) = (0.05, 0.15, 0.8);
        let mut s: f64 = omega / (1.0 - alpha - beta);
        let mut y = vec![100.0];
        for t in 0..n {
            let z = (-2.0 * uniform().ln()).sqrt() * (std::f64::consts::TAU * uniform()).cos();
            let scale = if t + calm_tail >= n { 0.2 } else { 1.0 };
            let e = scale * s.sqrt() * z;
            y.push(y[y.len() - 1] + 0.3 * e + e);
            s = omega + alpha * e * e / (scale * scale) + beta * s;
        }
        y
    }

    #[test]
    fn garch_on_arima_residuals_narrows_the_bands_after_a_calm_stretch() {
        let y = walk(1_500, 40);
        let arima = ArimaSpec::new(ArimaOrder::new(0, 1, 1)).fit(&y).unwrap();
        let plain = arima.predict(10, &[95.0]).unwrap();
        let fit = fit_arima_garch(arima, &y).unwrap();
        let f = fit.predict(10, &[95.0]).unwrap();
        assert_eq!(f.point, plain.point, "ARIMA is the mean");
        let width = |f: &Forecast, h: usize| f.intervals[0].upper[h] - f.intervals[0].lower[h];
        assert!(width(&f, 0) < 0.7 * width(&plain, 0), "calm: narrower");
        assert!((1..10).all(|h| width(&f, h) > width(&f, h - 1)), "widening");
        // ψ of ARIMA(0,1,1): 1, then 1 + θ at every later step.
        let theta = fit.arima.ma[0];
        let psi = fit.arima.psi_weights(3);
        assert!((psi[0] - 1.0).abs() < 1e-12 && (psi[2] - 1.0 - theta).abs() < 1e-12);
        assert!(fit.label().contains("GARCH(1,1) on its residuals"));
        let earlier = fit.condition(&y[..1_200]).unwrap();
        assert_eq!(earlier.fitted_values().len(), 1_200);
        // Too few residuals: the error names the model and counts the points.
        let short = ArimaSpec::new(ArimaOrder::new(0, 1, 1))
            .fit(&y[..20])
            .unwrap();
        assert!(matches!(
            fit_arima_garch(short, &y[..20]),
            Err(StatsError::TooShort { .. })
        ));
    }
}

//! Statistical forecasting models, in f64 on the CPU (WebGPU has no f64): the naive family,
//! exponential smoothing (ETS), ARIMA and harmonic regression, Theta, CES, MSTL and the
//! penalised regressions (ridge, lasso, elastic net), boosted trees, GARCH, VAR and a
//! Prophet-style decomposition. Every model sits behind one face: a [`ModelSpec`]
//! is fitted to a series and gives a [`Fitted`] model, which forecasts a point path with
//! prediction intervals at the asked levels.
//!
//! Reference implementations the numbers are checked against (fixtures in
//! `tests/data/stats/`, written by `tests/data/make_stats_reference.py`): statsmodels'
//! `SARIMAX` and `ETSModel`, StatsForecast's `AutoETS` / `AutoARIMA` / `AutoTheta` /
//! `AutoCES` / `MSTL`, pmdarima, scikit-learn's `Ridge` / `Lasso` / `ElasticNet`, `arch`, statsmodels' `VAR`,
//! LightGBM and Prophet.

pub mod arima;
pub mod arima_garch;
pub mod baseline;
pub mod boost;
pub mod ces;
pub mod decompose;
pub mod error;
pub mod ets;
pub mod garch;
pub mod kind;
pub mod lagged;
pub mod linalg;
pub mod linear;
pub mod mstl;
pub mod normal;
pub mod optimize;
pub mod prophet;
pub mod simulate;
pub mod theta;
pub mod var;

pub use error::StatsError;

/// Points past which a series counts as long: the automatic searches (ARIMA orders and
/// harmonic counts) compare candidates on its latest points, ETS holds its seasonal start
/// at the heuristic values, and the backtest's automatic refit fits once before the folds.
/// Candidates on twenty thousand points cost seconds each, and what is chosen on two
/// thousand is rarely what the rest would overturn.
pub const LONG_SERIES: usize = 2_000;

use serde::{Deserialize, Serialize};

/// One prediction interval: `lower[h]..upper[h]` holds the future value at step `h + 1` with
/// probability `level` percent under the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Coverage in percent, e.g. 80 or 95.
    pub level: f64,
    /// Lower bound per step.
    pub lower: Vec<f64>,
    /// Upper bound per step.
    pub upper: Vec<f64>,
}

/// A forecast: the point path (mean of the predictive distribution) and its intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// Point forecast per step ahead.
    pub point: Vec<f64>,
    /// One interval per asked level, in the order asked.
    pub intervals: Vec<Interval>,
}

impl Forecast {
    /// Builds a forecast whose intervals are symmetric normal ones: `point ± z·sd[h]`.
    pub fn normal(point: Vec<f64>, sd: &[f64], levels: &[f64]) -> Result<Self, StatsError> {
        let intervals = levels
            .iter()
            .map(|&level| {
                let z = normal::two_sided_z(level)?;
                Ok(Interval {
                    level,
                    lower: point.iter().zip(sd).map(|(p, s)| p - z * s).collect(),
                    upper: point.iter().zip(sd).map(|(p, s)| p + z * s).collect(),
                })
            })
            .collect::<Result<Vec<_>, StatsError>>()?;
        Ok(Forecast { point, intervals })
    }
}

/// A fitted statistical model: forecasts, and says what it is.
pub trait Fitted: Send {
    /// Short label of the fitted form, e.g. `ARIMA(2,1,2)` or `ETS(M,Ad,M)`.
    fn label(&self) -> String;
    /// Forecasts `horizon` steps past the end of the fitted series, with an interval per
    /// level (percent, in (0, 100)).
    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast, StatsError>;
    /// In-sample one-step-ahead fitted values (NaN where the model has none, e.g. the first
    /// point of a naive model).
    fn fitted_values(&self) -> Vec<f64>;
    /// The numbers the fitted model keeps to forecast (coefficients, initial states, the
    /// interval scale): its size, as the leaderboard reports it.
    fn parameters(&self) -> usize;
    /// The same model, its parameters kept (not estimated again), run over `y`: the series
    /// it was fitted on followed by later observations, so the next forecast starts at
    /// `y`'s end. A backtest that does not refit at every origin, and a forecast from a
    /// later origin, need this; it costs one filter pass instead of a fit.
    ///
    /// # Errors
    /// [`StatsError::MissingValues`] or [`StatsError::TooShort`] for an unusable `y`;
    /// [`StatsError::NotConverged`] when the recursions break down on the new points.
    fn condition(&self, y: &[f64]) -> Result<Box<dyn Fitted>, StatsError>;
    /// Corrected Akaike information criterion, where the model has a likelihood.
    fn aicc(&self) -> Option<f64> {
        None
    }
    /// Each feature's share of what the model learned from it (the boosted trees' split
    /// gain), named, the inputs after `input_names` (the factors', then the known-ahead
    /// columns'); empty for models without features.
    fn importance(&self, _input_names: &[String]) -> Vec<(String, f64)> {
        vec![]
    }
    /// How the forecast level answers a one-standard-deviation shock to each modelled
    /// variable over steps 0 … `steps` (VAR's orthogonalised impulse responses, cumulated
    /// onto the level), named after `names` (the target, then the inputs); empty for
    /// models of one variable.
    fn impulse_responses(&self, _steps: usize, _names: &[String]) -> Vec<(String, Vec<f64>)> {
        vec![]
    }
}

/// Checks the series every model needs: no missing values, at least `needed` points.
pub fn check_series(model: &str, y: &[f64], needed: usize) -> Result<(), StatsError> {
    if let Some(index) = y.iter().position(|v| !v.is_finite()) {
        return Err(StatsError::MissingValues {
            model: model.to_string(),
            index,
            count: y.iter().filter(|v| !v.is_finite()).count(),
        });
    }
    if y.len() < needed {
        return Err(StatsError::TooShort {
            model: model.to_string(),
            needed,
            got: y.len(),
        });
    }
    Ok(())
}

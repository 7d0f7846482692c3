//! The statistical models by name, as the leaderboard and the CLI's `--models` list them,
//! each with the automatic choices a forecaster would make for the season at hand.

use super::arima::FourierTerms;
use super::arima::auto::AutoArima;
use super::baseline::Baseline;
use super::ets::AutoEts;
use serde::{Deserialize, Serialize};

use super::{Fitted, StatsError};

/// A statistical model the leaderboard can fit; serialised by its name (`"snaive"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Last value.
    Naive,
    /// Value one season earlier.
    #[serde(rename = "snaive")]
    SeasonalNaive,
    /// Last value plus the average step.
    Drift,
    /// Mean of the history.
    Mean,
    /// Automatic exponential smoothing (every admissible ETS form, AICc).
    Ets,
    /// Automatic ARIMA (stepwise, AICc).
    Arima,
    /// Dynamic harmonic regression: Fourier terms for the season (K chosen by AICc) with
    /// automatic non-seasonal ARIMA errors; for long seasons (weekly m=52, half-hourly
    /// m=48) where seasonal ARIMA is slow and rigid.
    Dhr,
}

impl ModelKind {
    /// Every statistical model, in leaderboard order.
    pub const ALL: [ModelKind; 7] = [
        ModelKind::Naive,
        ModelKind::SeasonalNaive,
        ModelKind::Drift,
        ModelKind::Mean,
        ModelKind::Ets,
        ModelKind::Arima,
        ModelKind::Dhr,
    ];

    /// The name used in the CLI, the JSON lines and the leaderboard's `data-model`.
    pub fn name(&self) -> &'static str {
        match self {
            ModelKind::Naive => "naive",
            ModelKind::SeasonalNaive => "snaive",
            ModelKind::Drift => "drift",
            ModelKind::Mean => "mean",
            ModelKind::Ets => "ets",
            ModelKind::Arima => "arima",
            ModelKind::Dhr => "dhr",
        }
    }

    /// The model by name.
    pub fn parse(name: &str) -> Option<ModelKind> {
        ModelKind::ALL.into_iter().find(|k| k.name() == name.trim())
    }

    /// Fits the model to `y` with season length `season` (1 for none).
    pub fn fit(&self, y: &[f64], season: usize) -> Result<Box<dyn Fitted>, StatsError> {
        Ok(match self {
            ModelKind::Naive => Box::new(Baseline::Naive.fit(y)?),
            ModelKind::SeasonalNaive => {
                if season < 2 {
                    return Err(StatsError::NeedsSeason {
                        model: "seasonal naive".into(),
                        season,
                    });
                }
                Box::new(Baseline::SeasonalNaive { season }.fit(y)?)
            }
            ModelKind::Drift => Box::new(Baseline::Drift.fit(y)?),
            ModelKind::Mean => Box::new(Baseline::Mean.fit(y)?),
            ModelKind::Ets => Box::new(AutoEts { season }.fit(y)?),
            ModelKind::Arima => Box::new(AutoArima::new(season).fit(y)?),
            ModelKind::Dhr => Box::new(fit_dhr(y, season)?),
        })
    }
}

/// Dynamic harmonic regression with K harmonics of the season chosen by AICc among a few
/// values (1, 2, 4, 6, 10, at most m/2).
fn fit_dhr(y: &[f64], season: usize) -> Result<super::arima::FittedArima, StatsError> {
    if season < 2 {
        return Err(StatsError::NeedsSeason {
            model: "harmonic regression".into(),
            season,
        });
    }
    let mut best: Option<super::arima::FittedArima> = None;
    let mut last_error = None;
    for k in [1usize, 2, 4, 6, 10]
        .into_iter()
        .filter(|k| 2 * k <= season)
    {
        let auto = AutoArima::new(1).with_fourier(vec![FourierTerms {
            period: season as f64,
            harmonics: k,
        }]);
        match auto.fit(y) {
            Ok(f) if best.as_ref().is_none_or(|b| f.aicc < b.aicc) => best = Some(f),
            Ok(_) => {}
            Err(e) => last_error = Some(e),
        }
    }
    best.ok_or_else(|| {
        last_error.unwrap_or(StatsError::InvalidSpec("no harmonic count fits".into()))
    })
}

//! The statistical models by name, as the leaderboard and the CLI's `--models` list them,
//! each with the automatic choices a forecaster would make for the season at hand.

use super::arima::FourierTerms;
use super::arima::auto::{AutoArima, search_window};
use super::arima_garch::fit_arima_garch;
use super::baseline::Baseline;
use super::boost::DirectBoost;
use super::ces::AutoCes;
use super::ets::AutoEts;
use super::garch::{Errors, Garch, Mean as GarchMean};
use super::lagged::Inputs;
use super::linear::{DirectRegression, Penalty};
use super::mstl::Mstl;
use super::prophet::{ProphetInput, ProphetStyle, TimeLine};
use super::theta::{AutoTheta, ThetaForm};
use crate::data::Frequency;
use crate::data::holidays::Holidays;
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
    /// Automatic Theta: the four Theta forms on the seasonally adjusted series (when the
    /// season tests significant), the best in-sample kept.
    Theta,
    /// Automatic complex exponential smoothing: no season, simple, partial or full
    /// seasonal form by AICc.
    Ces,
    /// MSTL: trend, one seasonal component per period (the day and the week of sub-daily
    /// data) and a remainder by STL; AutoETS on the adjusted series.
    Mstl,
    /// Standard Theta (θ = 2), the M3 method.
    Stm,
    /// Optimised Theta (θ estimated).
    Otm,
    /// Dynamic standard Theta (trend updated at every point).
    Dstm,
    /// Dynamic optimised Theta.
    Dotm,
    /// Ridge regression per step ahead on recent changes, the season and other columns'
    /// last values, the penalty chosen by time-series cross-validation.
    Ridge,
    /// The lasso, likewise (drops the features that do not help).
    Lasso,
    /// The elastic net (half lasso, half ridge), likewise.
    #[serde(rename = "elasticnet")]
    ElasticNet,
    /// GARCH(1,1) on the returns (log changes of a positive series): the level carried by
    /// the mean return, intervals from the forecast volatility.
    Garch,
    /// Vector autoregression of the target with the factors, on first differences, the
    /// order by AIC (an AR on the changes without factors).
    Var,
    /// Gradient-boosted trees per step ahead on the regressions' features, the tree count
    /// by early stopping.
    Gbt,
    /// GARCH(1,1) with Student-t errors on the returns.
    #[serde(rename = "garch-t")]
    GarchT,
    /// GARCH(1,1) around an AR(1) mean of the returns.
    #[serde(rename = "ar-garch")]
    ArGarch,
    /// Auto-ARIMA's forecast with GARCH(1,1) on its residuals for the intervals.
    #[serde(rename = "arima-garch")]
    ArimaGarch,
    /// Prophet-style: piecewise-linear trend with automatic changepoints, calendar
    /// seasonalities and a holiday effect, fitted as Prophet fits it (MAP).
    Prophet,
}

impl ModelKind {
    /// Every statistical model `all` runs, in leaderboard order.
    pub const ALL: [ModelKind; 17] = [
        ModelKind::Naive,
        ModelKind::SeasonalNaive,
        ModelKind::Drift,
        ModelKind::Mean,
        ModelKind::Ets,
        ModelKind::Arima,
        ModelKind::Dhr,
        ModelKind::Theta,
        ModelKind::Ces,
        ModelKind::Mstl,
        ModelKind::Ridge,
        ModelKind::Lasso,
        ModelKind::ElasticNet,
        ModelKind::Garch,
        ModelKind::Var,
        ModelKind::Gbt,
        ModelKind::Prophet,
    ];

    /// Models asked for by name only: single forms of a family `all` already runs
    /// automatically.
    pub const NAMED_ONLY: [ModelKind; 7] = [
        ModelKind::Stm,
        ModelKind::Otm,
        ModelKind::Dstm,
        ModelKind::Dotm,
        ModelKind::GarchT,
        ModelKind::ArGarch,
        ModelKind::ArimaGarch,
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
            ModelKind::Theta => "theta",
            ModelKind::Ces => "ces",
            ModelKind::Mstl => "mstl",
            ModelKind::Stm => "stm",
            ModelKind::Otm => "otm",
            ModelKind::Dstm => "dstm",
            ModelKind::Dotm => "dotm",
            ModelKind::Ridge => "ridge",
            ModelKind::Lasso => "lasso",
            ModelKind::ElasticNet => "elasticnet",
            ModelKind::Garch => "garch",
            ModelKind::Var => "var",
            ModelKind::Gbt => "gbt",
            ModelKind::GarchT => "garch-t",
            ModelKind::ArGarch => "ar-garch",
            ModelKind::ArimaGarch => "arima-garch",
            ModelKind::Prophet => "prophet",
        }
    }

    /// A few words on what the model is, for pickers and help.
    pub fn describe(&self) -> &'static str {
        match self {
            ModelKind::Naive => "last value",
            ModelKind::SeasonalNaive => "value a season earlier",
            ModelKind::Drift => "last value plus the average step",
            ModelKind::Mean => "mean of the history",
            ModelKind::Ets => "automatic exponential smoothing",
            ModelKind::Arima => "automatic ARIMA",
            ModelKind::Dhr => "harmonic regression with ARIMA errors",
            ModelKind::Theta => "automatic Theta",
            ModelKind::Ces => "automatic complex exponential smoothing",
            ModelKind::Mstl => "several seasons by STL, ETS on the rest",
            ModelKind::Stm => "standard Theta",
            ModelKind::Otm => "optimised Theta",
            ModelKind::Dstm => "dynamic standard Theta",
            ModelKind::Dotm => "dynamic optimised Theta",
            ModelKind::Ridge => "ridge regression per step on lags and inputs",
            ModelKind::Lasso => "lasso per step on lags and inputs",
            ModelKind::ElasticNet => "elastic net per step on lags and inputs",
            ModelKind::Garch => "GARCH(1,1) volatility on the returns",
            ModelKind::Var => "vector autoregression with the inputs",
            ModelKind::Gbt => "gradient-boosted trees per step on lags and inputs",
            ModelKind::GarchT => "GARCH(1,1) with Student-t errors on the returns",
            ModelKind::ArGarch => "GARCH(1,1) around an AR(1) mean of the returns",
            ModelKind::ArimaGarch => "automatic ARIMA with GARCH(1,1) on its residuals",
            ModelKind::Prophet => "Prophet-style trend, calendar seasons and holidays",
        }
    }

    /// The model by name.
    pub fn parse(name: &str) -> Option<ModelKind> {
        ModelKind::ALL
            .into_iter()
            .chain(ModelKind::NAMED_ONLY)
            .find(|k| k.name() == name.trim())
    }

    /// Fits the model to `y` with season length `season` (1 for none).
    pub fn fit(&self, y: &[f64], season: usize) -> Result<Box<dyn Fitted>, StatsError> {
        self.fit_seasons(y, season, &[])
    }

    /// Fits the model to `y` with season length `season` and, for the models that take
    /// several (MSTL), further seasonal `periods` (e.g. the week of half-hourly data
    /// besides its day); the regressions forecast two seasons (at least 8 steps).
    pub fn fit_seasons(
        &self,
        y: &[f64],
        season: usize,
        periods: &[usize],
    ) -> Result<Box<dyn Fitted>, StatsError> {
        self.fit_input(&FitInput::univariate(
            y,
            season,
            periods,
            (2 * season).max(8),
        ))
    }

    /// Whether the model uses other columns (factors, read up to each origin) when it is
    /// given them.
    pub fn uses_factors(&self) -> bool {
        self.penalty().is_some() || matches!(self, ModelKind::Var | ModelKind::Gbt)
    }

    /// Whether the model uses columns known ahead (read at the steps it forecasts) when it
    /// is given them: the regressions, the boosted trees and Prophet's extra regressors.
    pub fn uses_ahead(&self) -> bool {
        self.penalty().is_some() || matches!(self, ModelKind::Gbt | ModelKind::Prophet)
    }

    fn penalty(&self) -> Option<Penalty> {
        match self {
            ModelKind::Ridge => Some(Penalty::Ridge),
            ModelKind::Lasso => Some(Penalty::Lasso),
            ModelKind::ElasticNet => Some(ELASTIC_NET),
            _ => None,
        }
    }

    /// Fits the model to what `input` gives: the univariate models read the series and
    /// seasons, the regressions also the horizon and the factors.
    pub fn fit_input(&self, input: &FitInput<'_>) -> Result<Box<dyn Fitted>, StatsError> {
        let (y, season, periods) = (input.y, input.season, input.periods);
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
            ModelKind::Theta => Box::new(AutoTheta { season, form: None }.fit(y)?),
            ModelKind::Ces => Box::new(AutoCes { season, form: None }.fit(y)?),
            ModelKind::Mstl => {
                let mut all = vec![season];
                all.extend(periods.iter().filter(|&&p| p != season));
                all.retain(|&p| p >= 2);
                if all.is_empty() {
                    return Err(StatsError::NeedsSeason {
                        model: "MSTL".into(),
                        season,
                    });
                }
                Box::new(Mstl { periods: all }.fit(y)?)
            }
            ModelKind::Stm => Box::new(theta(season, ThetaForm::Standard).fit(y)?),
            ModelKind::Otm => Box::new(theta(season, ThetaForm::Optimized).fit(y)?),
            ModelKind::Dstm => Box::new(theta(season, ThetaForm::DynamicStandard).fit(y)?),
            ModelKind::Dotm => Box::new(theta(season, ThetaForm::DynamicOptimized).fit(y)?),
            ModelKind::Ridge => Box::new(regression(Penalty::Ridge, input)?),
            ModelKind::Lasso => Box::new(regression(Penalty::Lasso, input)?),
            ModelKind::ElasticNet => Box::new(regression(ELASTIC_NET, input)?),
            ModelKind::Garch => Box::new(garch(Errors::Normal, GarchMean::Constant).fit_levels(y)?),
            ModelKind::GarchT => {
                Box::new(garch(Errors::StudentT, GarchMean::Constant).fit_levels(y)?)
            }
            ModelKind::ArGarch => Box::new(garch(Errors::Normal, GarchMean::Ar(1)).fit_levels(y)?),
            ModelKind::ArimaGarch => Box::new(fit_arima_garch(AutoArima::new(season).fit(y)?, y)?),
            ModelKind::Var => Box::new(super::var::fit_levels(y, input.factors)?),
            ModelKind::Gbt => {
                Box::new(DirectBoost::new(season, periods, input.horizon).fit(y, input.inputs())?)
            }
            ModelKind::Prophet => Box::new(
                ProphetStyle::default().fit(
                    y,
                    &ProphetInput {
                        time: input
                            .stamps
                            .map(|s| TimeLine::new(s.to_vec(), input.frequency.cloned())),
                        season,
                        holidays: input.holidays,
                        regressors: input.ahead,
                        regressor_names: input
                            .input_names
                            .get(input.factors.len()..)
                            .unwrap_or(&[]),
                        cap: input.cap,
                    },
                )?,
            ),
        })
    }
}

/// What a fit is given: the series, its seasons, the steps it must forecast and other
/// columns it may use.
#[derive(Debug, Clone, Copy)]
pub struct FitInput<'a> {
    /// The series (no gaps).
    pub y: &'a [f64],
    /// Season length (1 for none).
    pub season: usize,
    /// Further seasonal periods (MSTL's and the regressions').
    pub periods: &'a [usize],
    /// Steps ahead the fitted model must forecast (the regressions fit one per step).
    pub horizon: usize,
    /// Other columns aligned with `y` from its first point, possibly running past its end
    /// (only points before a forecast's origin are read).
    pub factors: &'a [&'a [f64]],
    /// Columns known ahead (a holiday flag, a planned price), aligned with `y` from its
    /// first point and running past its end: read at the steps forecast.
    pub ahead: &'a [&'a [f64]],
    /// Time stamps (seconds since the epoch) aligned with `y` from its first point,
    /// possibly running past its end; `None` for data in row order (the calendar models
    /// then count in steps).
    pub stamps: Option<&'a [i64]>,
    /// The data's frequency, which extends the stamps past their end.
    pub frequency: Option<&'a Frequency>,
    /// Holidays the calendar models give an effect (Prophet-style).
    pub holidays: Option<&'a Holidays>,
    /// The names of `factors` then `ahead`, for messages and importance.
    pub input_names: &'a [String],
    /// The capacity the Prophet-style model's logistic trend saturates at (the series'
    /// units); a linear trend when `None`.
    pub cap: Option<f64>,
}

impl<'a> FitInput<'a> {
    /// The series alone: no other columns, no time stamps, no holidays.
    pub fn univariate(y: &'a [f64], season: usize, periods: &'a [usize], horizon: usize) -> Self {
        FitInput {
            y,
            season,
            periods,
            horizon,
            factors: &[],
            ahead: &[],
            stamps: None,
            frequency: None,
            holidays: None,
            input_names: &[],
            cap: None,
        }
    }

    /// The factors and known-ahead columns, named, as the direct models read them.
    pub fn inputs(&self) -> Inputs {
        Inputs::new(self.factors, self.ahead).named(self.input_names)
    }
}

/// The elastic net `elasticnet` fits: half lasso, half ridge.
const ELASTIC_NET: Penalty = Penalty::ElasticNet { l1_ratio: 0.5 };

fn regression(
    penalty: Penalty,
    input: &FitInput<'_>,
) -> Result<super::linear::FittedDirect, StatsError> {
    DirectRegression {
        penalty,
        season: input.season,
        periods: input.periods.to_vec(),
        horizon: input.horizon,
    }
    .fit(input.y, input.inputs())
}

/// GARCH(1,1) with the given errors and mean.
fn garch(errors: Errors, mean: GarchMean) -> Garch {
    Garch {
        p: 1,
        q: 1,
        errors,
        mean,
    }
}

fn theta(season: usize, form: ThetaForm) -> AutoTheta {
    AutoTheta {
        season,
        form: Some(form),
    }
}

/// Dynamic harmonic regression with K harmonics of the season chosen by AICc among a few
/// values (1, 2, 4, 6, 10, at most m/2). On a long series K and the orders are chosen on
/// its latest points (the auto-ARIMA walk's search window) and only the pick is estimated
/// on the whole series.
fn fit_dhr(y: &[f64], season: usize) -> Result<super::arima::FittedArima, StatsError> {
    if season < 2 {
        return Err(StatsError::NeedsSeason {
            model: "harmonic regression".into(),
            season,
        });
    }
    let window = search_window(y, season);
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
        match auto.fit(window) {
            Ok(f) if best.as_ref().is_none_or(|b| f.aicc < b.aicc) => best = Some(f),
            Ok(_) => {}
            Err(e) => last_error = Some(e),
        }
    }
    // The window is the series' tail, so its fit forecasts from the same point: it stands
    // in should the estimate on the whole series fail.
    match best {
        Some(pick) if window.len() < y.len() => Ok(pick.spec().fit(y).unwrap_or(pick)),
        Some(pick) => Ok(pick),
        None => Err(last_error.unwrap_or(StatsError::InvalidSpec("no harmonic count fits".into()))),
    }
}

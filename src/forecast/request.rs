//! A leaderboard request as the CLI and the browser worker both make it: which column (and
//! which series of a panel), how to treat missing values, the season, the plan and the
//! models; resolved against the data and run through the one [`backtest::run`] loop.

use serde::{Deserialize, Serialize};

use super::backtest::{
    self, BacktestPlan, Compute, DEFAULT_FOLDS, DEFAULT_LEVELS, Layout, Leaderboard, TrainingWindow,
};
use super::catalog::{LSTM_MODEL, ModelSpec};
use super::series::{Covariate, SeriesChoice, SeriesData, series_data};
use crate::data::clean::FillStrategy;
use crate::data::frame::Frame;
use crate::train::{Host, TrainSettings};

/// What to compare and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardRequest {
    /// Column to forecast; the data's default target (the first clean numeric column)
    /// when empty.
    pub target: String,
    /// For a panel: the group to model (the first when `None`).
    pub series: Option<String>,
    /// Missing values: `None` leaves them, so each model reports them in its row.
    pub fill: Option<FillStrategy>,
    /// Season length; from the frequency when `None` (the daily cycle for sub-daily data).
    pub season: Option<usize>,
    /// Steps forecast from each origin; from the frequency when `None`.
    pub horizon: Option<usize>,
    /// Hold-out length; the horizon when `None`.
    pub holdout: Option<usize>,
    /// Number of backtest folds.
    pub folds: usize,
    /// Steps between origins; the horizon when `None`.
    pub step: Option<usize>,
    /// Sliding training window length; expanding when `None`.
    pub sliding: Option<usize>,
    /// Models by name (`naive`, `snaive`, `drift`, `mean`, `ets`, `arima`, `dhr`); every
    /// statistical model when empty or `all`.
    pub models: Vec<String>,
    /// Interval levels in percent.
    pub levels: Vec<f64>,
    /// Other columns the models may use as inputs, known only up to the origin (the LSTM
    /// uses them; the statistical models are univariate).
    #[serde(default)]
    pub covariates: Vec<String>,
    /// Also score the LSTM with these settings (its horizon and split are set by the
    /// plan), on the same origins; `None` leaves it out (it trains once per fold).
    #[serde(default)]
    pub lstm: Option<TrainSettings>,
}

impl LeaderboardRequest {
    /// Every statistical model, three folds, defaults from the data for the rest.
    pub fn new(target: impl Into<String>) -> Self {
        LeaderboardRequest {
            target: target.into(),
            series: None,
            fill: None,
            season: None,
            horizon: None,
            holdout: None,
            folds: DEFAULT_FOLDS,
            step: None,
            sliding: None,
            models: vec![],
            levels: DEFAULT_LEVELS.to_vec(),
            covariates: vec![],
            lstm: None,
        }
    }

    /// The models the request names, in order, the LSTM last when asked for.
    ///
    /// # Errors
    /// A message naming the unknown model and the known ones.
    pub fn model_specs(&self) -> Result<Vec<ModelSpec>, String> {
        let mut specs = if self.models.is_empty() || self.models.iter().any(|m| m == "all") {
            ModelSpec::statistical()
        } else {
            self.models
                .iter()
                .filter(|m| m.trim() != LSTM_MODEL || self.lstm.is_none())
                .map(|name| {
                    ModelSpec::by_name(name).ok_or_else(|| {
                        format!(
                            "unknown model '{name}'; the models are all, {}",
                            ModelSpec::names().join(", ")
                        )
                    })
                })
                .collect::<Result<Vec<_>, String>>()?
        };
        if let Some(settings) = &self.lstm {
            specs.push(ModelSpec::Lstm(Box::new(settings.clone())));
        }
        Ok(specs)
    }
}

/// A request resolved against the data: the series, the models and the plan with its
/// origins.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The target series.
    pub series: SeriesData,
    /// The models, in order.
    pub models: Vec<ModelSpec>,
    /// The plan.
    pub plan: BacktestPlan,
    /// Where the folds fall.
    pub layout: Layout,
}

/// Resolves the request: picks the series, the models, and lays out the folds.
///
/// # Errors
/// A message naming what does not fit: the column, the group, a model, the plan.
pub fn plan(frame: &Frame, request: &LeaderboardRequest) -> Result<Planned, String> {
    let series = series_data(
        frame,
        &SeriesChoice {
            target: &request.target,
            group: request.series.as_deref(),
            fill: request.fill,
            season: request.season,
            covariates: request
                .covariates
                .iter()
                .map(|name| Covariate {
                    name: name.clone(),
                    known_in_future: false,
                })
                .collect(),
        },
    )?;
    let models = request.model_specs()?;
    let horizon = request.horizon.unwrap_or(series.default_horizon);
    let plan = BacktestPlan {
        horizon,
        folds: request.folds.max(1),
        step: request.step.unwrap_or(horizon).max(1),
        window: match request.sliding {
            Some(n) => TrainingWindow::Sliding(n),
            None => TrainingWindow::Expanding,
        },
        holdout: request.holdout.unwrap_or(horizon),
        season: series.season,
        levels: request.levels.clone(),
    };
    let layout = plan.layout(series.len()).map_err(|e| e.to_string())?;
    Ok(Planned {
        series,
        models,
        plan,
        layout,
    })
}

/// Runs a whole leaderboard request through the backtest loop. The CLI runs it under
/// `block_on`, the worker as a future. `Err(None)` when cancelled.
///
/// # Errors
/// `Some(message)` when the request does not fit the data.
pub async fn run_leaderboard<H: Host>(
    frame: &Frame,
    request: &LeaderboardRequest,
    compute: Compute<'_>,
    host: &mut H,
) -> Result<(Leaderboard, Planned), Option<String>> {
    let planned = plan(frame, request).map_err(Some)?;
    match backtest::run(
        &planned.series,
        &planned.models,
        &planned.plan,
        compute,
        host,
    )
    .await
    {
        Ok(board) => Ok((board, planned)),
        Err(backtest::BacktestError::Cancelled) => Err(None),
        Err(e) => Err(Some(e.to_string())),
    }
}

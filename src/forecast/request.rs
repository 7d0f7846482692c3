//! A leaderboard request as the CLI and the browser worker both make it: which column (and
//! which series of a panel), how to treat missing values, the season, the plan and the
//! models; resolved against the data and run through the one [`backtest::run`] loop.

use serde::{Deserialize, Serialize};

use super::backtest::{
    self, BacktestPlan, Compute, DEFAULT_FOLDS, DEFAULT_LEVELS, Layout, Leaderboard, Refit,
    TrainingWindow,
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
    /// When the models are fitted again (at every origin unless asked otherwise).
    #[serde(default)]
    pub refit: Refit,
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
            refit: Refit::Always,
            models: vec![],
            levels: DEFAULT_LEVELS.to_vec(),
            covariates: vec![],
            lstm: None,
        }
    }

    /// The models the request names, in order: `all` is every statistical model, `lstm`
    /// the LSTM with the request's settings (the catalogue's defaults when it has none);
    /// with LSTM settings and no `lstm` among the names, the LSTM comes last. A model
    /// named twice runs once.
    ///
    /// # Errors
    /// A message naming the unknown model and the known ones.
    pub fn model_specs(&self) -> Result<Vec<ModelSpec>, String> {
        let lstm = || {
            ModelSpec::Lstm(Box::new(
                self.lstm
                    .clone()
                    .unwrap_or_else(super::catalog::lstm_defaults),
            ))
        };
        let mut specs: Vec<ModelSpec> = vec![];
        let names: Vec<&str> = if self.models.is_empty() {
            vec!["all"]
        } else {
            self.models.iter().map(|m| m.trim()).collect()
        };
        for name in names {
            let add = match name {
                "all" => ModelSpec::statistical(),
                LSTM_MODEL => vec![lstm()],
                other => vec![ModelSpec::by_name(other).ok_or_else(|| {
                    format!(
                        "unknown model '{other}'; the models are all, {}",
                        ModelSpec::names().join(", ")
                    )
                })?],
            };
            for spec in add {
                if specs.iter().all(|s| s.name() != spec.name()) {
                    specs.push(spec);
                }
            }
        }
        if self.lstm.is_some() && specs.iter().all(|s| s.name() != LSTM_MODEL) {
            specs.push(lstm());
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
        refit: request.refit,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(request: &LeaderboardRequest) -> Vec<&'static str> {
        request
            .model_specs()
            .unwrap()
            .iter()
            .map(ModelSpec::name)
            .collect()
    }

    #[test]
    fn models_by_name_all_and_the_lstm() {
        let mut request = LeaderboardRequest::new("y");
        assert_eq!(names(&request).len(), 7);
        request.models = vec!["naive".into(), "lstm".into(), "naive".into()];
        assert_eq!(names(&request), ["naive", "lstm"]);
        request.models = vec!["all".into(), "lstm".into()];
        assert_eq!(names(&request).last(), Some(&"lstm"));
        assert_eq!(names(&request).len(), 8);
        // LSTM settings without the name: the LSTM comes last, with those settings.
        request.models = vec!["snaive".into()];
        request.lstm = Some(TrainSettings {
            epochs: 2,
            ..TrainSettings::default()
        });
        let specs = request.model_specs().unwrap();
        assert_eq!(specs.len(), 2);
        assert!(matches!(&specs[1], ModelSpec::Lstm(s) if s.epochs == 2));
        request.models = vec!["prophet".into()];
        let err = request.model_specs().unwrap_err();
        assert!(err.contains("prophet") && err.contains("lstm"), "{err}");
    }
}

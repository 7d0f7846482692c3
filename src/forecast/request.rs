//! A leaderboard request as the CLI and the browser worker both make it: which column (and
//! which series of a panel), how to treat missing values, the season, the plan and the
//! models; resolved against the data and run through the one [`backtest::run`] loop.

use serde::{Deserialize, Serialize};

use super::backtest::{
    self, BacktestPlan, Compute, DEFAULT_FOLDS, DEFAULT_LEVELS, Layout, Leaderboard, Refit,
    TrainingWindow,
};
use super::catalog::{LSTM_MODEL, ModelSpec};
use super::grouped::{Group, run_grouped};
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
    /// For a panel: score every group, dealt into this many folds; the LSTM trains once
    /// per fold on the other folds' groups and forecasts groups it never saw. `None`
    /// scores the one series `series` names.
    #[serde(default)]
    pub group_folds: Option<usize>,
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
            group_folds: None,
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
/// origins — and, for grouped folds, every group.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The target series (for grouped folds, the charted group's).
    pub series: SeriesData,
    /// The models, in order.
    pub models: Vec<ModelSpec>,
    /// The plan.
    pub plan: BacktestPlan,
    /// Where the folds fall on `series`.
    pub layout: Layout,
    /// For grouped folds: every group long enough for the plan (empty otherwise).
    pub groups: Vec<Group>,
    /// The index of `series` in `groups`.
    pub shown: usize,
    /// Groups too short for the plan, left out.
    pub skipped: Vec<String>,
}

/// The request's target, fill, season and inputs on one group (or the only series).
fn choice<'a>(request: &'a LeaderboardRequest, group: Option<&'a str>) -> SeriesChoice<'a> {
    SeriesChoice {
        target: &request.target,
        group,
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
    }
}

/// Resolves the request: picks the series (every group's for grouped folds), the models,
/// and lays out the folds.
///
/// # Errors
/// A message naming what does not fit: the column, the group, a model, the plan.
pub fn plan(frame: &Frame, request: &LeaderboardRequest) -> Result<Planned, String> {
    let series = series_data(frame, &choice(request, request.series.as_deref()))?;
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
    let (mut groups, mut skipped) = (vec![], vec![]);
    if let Some(folds) = request.group_folds {
        let Some(panel) = &frame.groups else {
            return Err(format!(
                "grouped folds need a panel: {} has no group column (choose one when reading the file)",
                frame.file_name
            ));
        };
        if folds < 2 {
            return Err(format!("grouped folds must be at least 2, got {folds}"));
        }
        for name in &panel.names {
            let data = series_data(frame, &choice(request, Some(name)))?;
            match plan.layout(data.len()) {
                Ok(layout) => groups.push(Group {
                    name: name.clone(),
                    data,
                    layout,
                }),
                Err(_) => skipped.push(name.clone()),
            }
        }
        if groups.len() < 2 {
            return Err(format!(
                "grouped folds need at least 2 groups long enough for the plan; {} of {} are ({} too short)",
                groups.len(),
                panel.names.len(),
                skipped.join(", ")
            ));
        }
    }
    let shown_name = request
        .series
        .clone()
        .or_else(|| frame.groups.as_ref().and_then(|g| g.names.first().cloned()));
    let shown = groups
        .iter()
        .position(|g| Some(&g.name) == shown_name.as_ref())
        .unwrap_or(0);
    Ok(Planned {
        series,
        models,
        plan,
        layout,
        groups,
        shown,
        skipped,
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
    let outcome = match request.group_folds {
        Some(folds) => {
            run_grouped(
                &planned.groups,
                planned.shown,
                folds,
                &planned.models,
                &planned.plan,
                compute,
                host,
            )
            .await
        }
        None => {
            backtest::run(
                &planned.series,
                &planned.models,
                &planned.plan,
                compute,
                host,
            )
            .await
        }
    };
    match outcome {
        Ok(mut board) => {
            board.groups_skipped = planned.skipped.clone();
            Ok((board, planned))
        }
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

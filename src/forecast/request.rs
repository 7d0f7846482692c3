//! A leaderboard request as the CLI and the browser worker both make it: which column (and
//! which series of a panel), how to treat missing values, the season, the plan and the
//! models; resolved against the data and run through the one [`backtest::run`] loop.

use serde::{Deserialize, Serialize};

use super::backtest::{
    self, BacktestPlan, Compute, DEFAULT_FOLDS, DEFAULT_LEVELS, Layout, Leaderboard, Refit,
    TrainingWindow,
};
use super::catalog::{LSTM_MODEL, ModelSpec};
use super::ensemble::ENSEMBLE;
use super::grouped::{Group, run_grouped};
use super::hybrid::HybridForm;
use super::limits::MoveLimits;
use super::series::{Covariate, SeriesChoice, SeriesData, series_data};
use crate::data::clean::FillStrategy;
use crate::data::frame::Frame;
use crate::data::holidays::{HolidayCalendar, Holidays};
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
    /// Number of backtest folds; 0 chooses enough to cover a season, at least
    /// [`DEFAULT_FOLDS`].
    pub folds: usize,
    /// Steps between origins; the horizon when `None`.
    pub step: Option<usize>,
    /// Sliding training window length; expanding when `None`.
    pub sliding: Option<usize>,
    /// When the models are fitted again (automatically: at every origin on short series).
    #[serde(default)]
    pub refit: Refit,
    /// For a panel: score every group, dealt into this many folds; the LSTM trains once
    /// per fold on the other folds' groups and forecasts groups it never saw. `None`
    /// scores the one series `series` names.
    #[serde(default)]
    pub group_folds: Option<usize>,
    /// Models by name (`naive`, `snaive`, `drift`, `mean`, `ets`, `arima`, `dhr`, `theta`,
    /// `ces`, `mstl`, `ridge`, `lasso`, `elasticnet`, `gbt`, `garch`, `var`, `prophet`, the
    /// Theta forms `stm` `otm` `dstm` `dotm`, the GARCH forms `garch-t` `ar-garch`, `lstm`,
    /// `hybrid`, and `ensemble` for the ensembles of the others); every statistical model
    /// and the ensembles when empty or `all`.
    pub models: Vec<String>,
    /// Interval levels in percent.
    pub levels: Vec<f64>,
    /// Other columns the models may use as inputs, known only up to the origin (the LSTM,
    /// the regressions, the boosted trees and VAR use them; the other statistical models
    /// are univariate).
    #[serde(default)]
    pub covariates: Vec<String>,
    /// Other columns whose values are known ahead (a holiday flag, a planned price, a
    /// weather forecast): the regressions and boosted trees read them at the steps they
    /// forecast, Prophet-style takes them as extra regressors.
    #[serde(default)]
    pub future_known: Vec<String>,
    /// Also score the LSTM with these settings (its horizon and split are set by the
    /// plan), on the same origins; `None` leaves it out (it trains once per fold).
    #[serde(default)]
    pub lstm: Option<TrainSettings>,
    /// The settings of the hybrids' LSTM (on ARIMA's residuals, or under GARCH's bands)
    /// when `hybrid` or `lstm-garch` is among the models; the LSTM row's (or the
    /// catalogue's defaults) when `None`.
    #[serde(default)]
    pub hybrid_lstm: Option<TrainSettings>,
    /// Limits every forecast is held to (none by default).
    #[serde(default)]
    pub limits: MoveLimits,
    /// Built-in holiday calendar the calendar models (Prophet-style) give an effect.
    #[serde(default)]
    pub holidays: HolidayCalendar,
    /// The user's own holidays, as ISO dates (`YYYY-MM-DD`), besides the calendar's.
    #[serde(default)]
    pub user_holidays: Vec<String>,
    /// The capacity the Prophet-style model's trend saturates at (logistic growth, in the
    /// target's units, floor 0); linear growth when `None`. With several targets, the
    /// first one's.
    #[serde(default)]
    pub cap: Option<f64>,
    /// Further columns to forecast besides `target` (several related prices): each gets a
    /// leaderboard of its own, with the other targets among its inputs (see
    /// [`LeaderboardRequest::per_target`]).
    #[serde(default)]
    pub also_targets: Vec<String>,
}

impl LeaderboardRequest {
    /// Every statistical model and the ensembles, folds and the rest from the data.
    pub fn new(target: impl Into<String>) -> Self {
        LeaderboardRequest {
            target: target.into(),
            series: None,
            fill: None,
            season: None,
            horizon: None,
            holdout: None,
            folds: 0,
            step: None,
            sliding: None,
            refit: Refit::Auto,
            group_folds: None,
            models: vec![],
            levels: DEFAULT_LEVELS.to_vec(),
            covariates: vec![],
            future_known: vec![],
            lstm: None,
            hybrid_lstm: None,
            limits: MoveLimits::default(),
            holidays: HolidayCalendar::None,
            user_holidays: vec![],
            also_targets: vec![],
            cap: None,
        }
    }

    /// The targets this request forecasts, in order: `target`, then `also_targets` (each
    /// once).
    pub fn targets(&self) -> Vec<String> {
        let mut targets = vec![self.target.trim().to_string()];
        for t in &self.also_targets {
            let t = t.trim().to_string();
            if !t.is_empty() && !targets.contains(&t) {
                targets.push(t);
            }
        }
        targets
    }

    /// One request per target (one alone without `also_targets`): each forecasts its
    /// target with the other targets added to its inputs (known up to the origin), so the
    /// regressions, the trees and VAR model the related series together — VAR forecasts
    /// every target from the same system of equations.
    pub fn per_target(&self) -> Vec<LeaderboardRequest> {
        let targets = self.targets();
        targets
            .iter()
            .map(|target| {
                let mut covariates = self.covariates.clone();
                for other in &targets {
                    if other != target && !covariates.contains(other) {
                        covariates.push(other.clone());
                    }
                }
                LeaderboardRequest {
                    target: target.clone(),
                    covariates,
                    also_targets: vec![],
                    // The cap is in the first target's units.
                    cap: self.cap.filter(|_| *target == targets[0]),
                    ..self.clone()
                }
            })
            .collect()
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
            // A hybrid's LSTM: its own settings, else the LSTM row's, else defaults.
            let hybrid_lstm = || {
                Box::new(
                    self.hybrid_lstm
                        .clone()
                        .or_else(|| self.lstm.clone())
                        .unwrap_or_else(super::catalog::lstm_defaults),
                )
            };
            let add = match (name, HybridForm::parse(name)) {
                (_, Some(form)) => vec![ModelSpec::Hybrid(form, hybrid_lstm())],
                ("all", _) => ModelSpec::statistical(),
                (ENSEMBLE, _) => vec![],
                (LSTM_MODEL, _) => vec![lstm()],
                (other, None) => vec![ModelSpec::by_name(other).ok_or_else(|| {
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

    /// Whether the ensembles are asked for (`ensemble`, `all`, or no names).
    pub fn wants_ensembles(&self) -> bool {
        self.models.is_empty()
            || self
                .models
                .iter()
                .any(|m| matches!(m.trim(), "all" | ENSEMBLE))
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
        // A column named both ways is known ahead.
        covariates: request
            .covariates
            .iter()
            .filter(|name| !request.future_known.contains(name))
            .map(|name| Covariate {
                name: name.clone(),
                known_in_future: false,
            })
            .chain(request.future_known.iter().map(|name| Covariate {
                name: name.clone(),
                known_in_future: true,
            }))
            .collect(),
    }
}

/// Resolves the request: picks the series (every group's for grouped folds), the models,
/// and lays out the folds.
///
/// # Errors
/// A message naming what does not fit: the column, the group, a model, the plan.
pub fn plan(frame: &Frame, request: &LeaderboardRequest) -> Result<Planned, String> {
    let models = request.model_specs()?;
    let Some(folds) = request.group_folds else {
        let series = series_data(frame, &choice(request, request.series.as_deref()))?;
        let plan = backtest_plan(request, &series)?;
        let layout = plan.layout(series.len()).map_err(|e| e.to_string())?;
        return Ok(Planned {
            series,
            models,
            plan,
            layout,
            groups: vec![],
            shown: 0,
            skipped: vec![],
        });
    };
    let Some(panel) = &frame.groups else {
        return Err(format!(
            "grouped folds need a panel: {} has no group column (choose one when reading the file)",
            frame.file_name
        ));
    };
    if folds < 2 {
        return Err(format!("grouped folds must be at least 2, got {folds}"));
    }
    let all: Vec<(String, SeriesData)> = panel
        .names
        .iter()
        .map(|name| {
            Ok((
                name.clone(),
                series_data(frame, &choice(request, Some(name)))?,
            ))
        })
        .collect::<Result<_, String>>()?;
    // The charted group: the one asked for, else the first; its frequency sets the
    // defaults (every group shares the file's).
    let asked = match &request.series {
        Some(name) => all.iter().position(|(n, _)| n == name).ok_or_else(|| {
            format!(
                "no group '{name}' in column '{}'; the groups are {}",
                panel.column,
                panel.names.join(", ")
            )
        })?,
        None => 0,
    };
    let Some((_, charted)) = all.get(asked) else {
        return Err(format!("{} has no groups to score", frame.file_name));
    };
    let plan = backtest_plan(request, charted)?;
    let (mut groups, mut skipped) = (vec![], vec![]);
    for (name, data) in all {
        match plan.layout(data.len()) {
            Ok(layout) => groups.push(Group { name, data, layout }),
            Err(_) => skipped.push(name),
        }
    }
    if groups.len() < 2 {
        return Err(format!(
            "grouped folds need at least 2 groups long enough for the plan (a hold-out of {} and one fold of horizon {}); {} of {} groups are (too short: {})",
            plan.holdout,
            plan.horizon,
            groups.len(),
            panel.names.len(),
            if skipped.is_empty() {
                "none".to_string()
            } else {
                skipped.join(", ")
            }
        ));
    }
    // A charted group too short for the plan gives way to the first scored one.
    let shown_name = &panel.names[asked];
    let shown = groups
        .iter()
        .position(|g| &g.name == shown_name)
        .unwrap_or(0);
    Ok(Planned {
        series: groups[shown].data.clone(),
        models,
        plan,
        layout: groups[shown].layout.clone(),
        groups,
        shown,
        skipped,
    })
}

/// The request's plan on a series: its horizon and season unless the request sets them.
fn backtest_plan(
    request: &LeaderboardRequest,
    series: &SeriesData,
) -> Result<BacktestPlan, String> {
    let horizon = request.horizon.unwrap_or(series.default_horizon);
    let step = request.step.unwrap_or(horizon).max(1);
    let holidays = Holidays::from_dates(request.holidays, &request.user_holidays)
        .map_err(|e| e.to_string())?;
    Ok(BacktestPlan {
        horizon,
        folds: match request.folds {
            0 => auto_folds(series.season, step),
            n => n,
        },
        step,
        window: match request.sliding {
            Some(n) => TrainingWindow::Sliding(n),
            None => TrainingWindow::Expanding,
        },
        holdout: request.holdout.unwrap_or(horizon),
        season: series.season,
        levels: request.levels.clone(),
        refit: request.refit,
        // The frequency's longer periods (the week of sub-daily data) stay beside a
        // season chosen by hand.
        periods: series
            .periods
            .iter()
            .copied()
            .filter(|&p| p > series.season)
            .collect(),
        ensembles: request.wants_ensembles(),
        limits: request.limits.clone(),
        holidays,
        cap: request.cap,
    })
}

/// Folds when none are asked: enough origins to span a season (so every phase of it is
/// forecast from), and at least [`DEFAULT_FOLDS`] (a pick on fewer folds is mostly
/// noise), at most [`MAX_AUTO_FOLDS`]; series too short for them keep the origins that fit.
pub fn auto_folds(season: usize, step: usize) -> usize {
    DEFAULT_FOLDS
        .max(season.div_ceil(step.max(1)))
        .min(MAX_AUTO_FOLDS)
}

/// Most folds chosen automatically: a season of one-step origins on sub-daily data would
/// otherwise mean dozens of refits of every model.
pub const MAX_AUTO_FOLDS: usize = 12;

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
    fn grouped_folds_leave_out_short_groups_and_chart_a_scored_one() {
        let mut csv = String::from("site,year,load\n");
        for (site, days) in [("tiny", 6), ("north", 40), ("south", 36)] {
            for d in 0..days {
                csv.push_str(&format!("{site},{},{}\n", 1950 + d, (d * 7 % 5) + d));
            }
        }
        let frame = crate::data::read_csv("sites.csv", csv.as_bytes())
            .unwrap()
            .0;
        let request = LeaderboardRequest {
            group_folds: Some(2),
            horizon: Some(3),
            season: Some(1),
            models: vec!["naive".into()],
            ..LeaderboardRequest::new("load")
        };
        let planned = plan(&frame, &request).unwrap();
        assert_eq!(planned.skipped, ["tiny"]);
        let names: Vec<&str> = planned.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["north", "south"]);
        // "tiny" comes first but is left out: the chart shows the first scored group.
        assert_eq!(planned.shown, 0);
        assert_eq!(planned.series.len(), 40);
        assert_eq!(planned.layout, planned.groups[0].layout);

        let asked = LeaderboardRequest {
            series: Some("south".into()),
            ..request.clone()
        };
        let planned = plan(&frame, &asked).unwrap();
        assert_eq!((planned.shown, planned.series.len()), (1, 36));

        let unknown = LeaderboardRequest {
            series: Some("east".into()),
            ..request.clone()
        };
        let message = plan(&frame, &unknown).unwrap_err();
        assert!(
            message.contains("no group 'east'") && message.contains("north"),
            "{message}"
        );
        let too_long = LeaderboardRequest {
            horizon: Some(30),
            ..request
        };
        let message = plan(&frame, &too_long).unwrap_err();
        assert!(message.contains("0 of 3 groups"), "{message}");
    }

    #[test]
    fn models_by_name_all_and_the_lstm() {
        let mut request = LeaderboardRequest::new("y");
        let statistical = crate::models::stats::kind::ModelKind::ALL.len();
        assert_eq!(names(&request).len(), statistical);
        assert!(request.wants_ensembles());
        request.models = vec!["naive".into(), "lstm".into(), "naive".into()];
        assert!(!request.wants_ensembles());
        assert_eq!(names(&request), ["naive", "lstm"]);
        request.models = vec!["all".into(), "lstm".into()];
        assert_eq!(names(&request).last(), Some(&"lstm"));
        assert_eq!(names(&request).len(), statistical + 1);
        // LSTM settings without the name: the LSTM comes last, with those settings.
        request.models = vec!["snaive".into()];
        request.lstm = Some(TrainSettings {
            epochs: 2,
            ..TrainSettings::default()
        });
        let specs = request.model_specs().unwrap();
        assert_eq!(specs.len(), 2);
        assert!(matches!(&specs[1], ModelSpec::Lstm(s) if s.epochs == 2));
        request.models = vec!["tbats".into()];
        let err = request.model_specs().unwrap_err();
        assert!(err.contains("tbats") && err.contains("lstm"), "{err}");
    }

    #[test]
    fn several_targets_each_get_the_others_as_inputs() {
        let mut request = LeaderboardRequest::new("gasoline");
        request.covariates = vec!["crude".into(), "diesel".into()];
        request.also_targets = vec!["diesel".into(), " jet ".into(), "gasoline".into()];
        assert_eq!(request.targets(), ["gasoline", "diesel", "jet"]);
        let each = request.per_target();
        let inputs: Vec<(&str, Vec<&str>)> = each
            .iter()
            .map(|r| {
                assert!(r.also_targets.is_empty());
                (
                    r.target.as_str(),
                    r.covariates.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            inputs,
            [
                ("gasoline", vec!["crude", "diesel", "jet"]),
                ("diesel", vec!["crude", "diesel", "gasoline", "jet"]),
                ("jet", vec!["crude", "diesel", "gasoline"]),
            ]
        );
        // One target alone: the request as it is.
        request.also_targets.clear();
        assert_eq!(request.per_target(), [request.clone()]);
    }
}

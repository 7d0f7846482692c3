//! A leaderboard request as the CLI and the browser worker both make it: which column (and
//! which series of a panel), how to treat missing values, the season, the plan and the
//! models; turned into a univariate series and run through [`backtest::run`].

use serde::{Deserialize, Serialize};

use super::backtest::{self, BacktestPlan, Clock, Leaderboard, TrainingWindow};
use crate::data::clean::{FillStrategy, fill};
use crate::data::frame::{Column, Frame};
use crate::data::frequency::Frequency;
use crate::models::stats::catalog::ModelKind;
use crate::train::settings::TrainSettings;

/// What to compare and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardRequest {
    /// Column to forecast.
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
    /// Models by name (`naive`, `snaive`, `drift`, `mean`, `ets`, `arima`, `dhr`); all when empty.
    pub models: Vec<String>,
    /// Interval levels in percent.
    pub levels: Vec<f64>,
    /// Also score the LSTM with these settings (its horizon and split are set by the
    /// plan), on the same origins; `None` leaves it out (it trains once per fold).
    #[serde(default)]
    pub lstm: Option<TrainSettings>,
}

impl LeaderboardRequest {
    /// Every model, three folds, defaults from the data for the rest.
    pub fn new(target: impl Into<String>) -> Self {
        LeaderboardRequest {
            target: target.into(),
            series: None,
            fill: None,
            season: None,
            horizon: None,
            holdout: None,
            folds: 3,
            step: None,
            sliding: None,
            models: vec![],
            levels: vec![80.0, 95.0],
            lstm: None,
        }
    }
}

/// The season statistical models use for a frequency: the daily cycle for sub-daily data
/// (24 hourly, 48 half-hourly), else the calendar season (7 daily, 5 business-daily,
/// 52 weekly, 12 monthly, 4 quarterly), 1 when none.
pub fn model_season(frequency: &Frequency) -> usize {
    const DAY: i64 = 86_400;
    match *frequency {
        Frequency::Seconds(s) if s > 0 && s < DAY && DAY % s == 0 => (DAY / s) as usize,
        ref other => other.season().unwrap_or(1),
    }
}

/// The series the request names, ready for the models, with its labels.
#[derive(Debug, Clone)]
pub struct TargetSeries {
    /// Values (missing ones NaN unless filled).
    pub values: Vec<f64>,
    /// Time label of each value.
    pub labels: Vec<String>,
    /// Season length.
    pub season: usize,
    /// Default horizon for the frequency.
    pub horizon: usize,
    /// The same values as a one-column frame with their time stamps (what the LSTM trains
    /// on, so its calendar features line up with the values).
    pub frame: Frame,
}

/// Picks the target (and group) from the frame and applies the fill.
pub fn target_series(frame: &Frame, request: &LeaderboardRequest) -> Result<TargetSeries, String> {
    let frame = match (&request.series, &frame.groups) {
        (Some(name), _) => frame.group(name).map_err(|e| e.to_string())?,
        (None, Some(groups)) => match groups.names.first() {
            Some(first) => frame.group(first).map_err(|e| e.to_string())?,
            None => frame.clone(),
        },
        (None, None) => frame.clone(),
    };
    let column = frame.column(&request.target).ok_or_else(|| {
        format!(
            "no numeric column named '{}'; the numeric columns are {}",
            request.target,
            frame.numeric_names()
        )
    })?;
    let mut values = column.values.clone();
    let mut labels: Vec<String> = (0..frame.rows()).map(|r| frame.time_label(r)).collect();
    let mut timestamps = frame.timestamps.clone();
    let season = request
        .season
        .unwrap_or_else(|| model_season(&frame.frequency));
    if let Some(strategy) = request.fill {
        let positions: Vec<f64> = match &frame.timestamps {
            Some(t) => t.iter().map(|v| *v as f64).collect(),
            None => (0..values.len()).map(|r| r as f64).collect(),
        };
        if strategy == FillStrategy::Drop {
            let keep: Vec<bool> = values.iter().map(|v| v.is_finite()).collect();
            let mut k = keep.iter();
            labels.retain(|_| *k.next().unwrap_or(&false));
            if let Some(stamps) = timestamps.as_mut() {
                let mut k = keep.iter();
                stamps.retain(|_| *k.next().unwrap_or(&false));
            }
            values.retain(|v| v.is_finite());
        } else {
            fill(&mut values, &positions, strategy, Some(season));
        }
    }
    let series_frame = Frame {
        file_name: frame.file_name.clone(),
        time_name: frame.time_name.clone(),
        timestamps,
        time_has_clock: frame.time_has_clock,
        columns: vec![Column::new(request.target.clone(), values.clone())],
        text_columns: vec![],
        frequency: frame.frequency.clone(),
        groups: None,
    };
    Ok(TargetSeries {
        values,
        labels,
        season,
        horizon: frame.frequency.default_horizon().max(1),
        frame: series_frame,
    })
}

/// The models a request names.
pub fn models_of(request: &LeaderboardRequest) -> Result<Vec<ModelKind>, String> {
    if request.models.is_empty() || request.models.iter().any(|m| m == "all") {
        return Ok(ModelKind::ALL.to_vec());
    }
    request
        .models
        .iter()
        .map(|name| {
            ModelKind::parse(name).ok_or_else(|| {
                format!(
                    "unknown model '{name}'; the models are all, {}",
                    ModelKind::ALL.map(|k| k.name()).join(", ")
                )
            })
        })
        .collect()
}

/// A request resolved against the data: the series, the models and the plan with its
/// origins.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The target series.
    pub series: TargetSeries,
    /// The models, in order.
    pub models: Vec<ModelKind>,
    /// The plan.
    pub plan: BacktestPlan,
    /// Fold origins.
    pub origins: Vec<usize>,
    /// Where the hold-out starts.
    pub holdout_start: usize,
}

/// Resolves the request: picks the series, the models, and lays out the folds.
pub fn plan(frame: &Frame, request: &LeaderboardRequest) -> Result<Planned, String> {
    let series = target_series(frame, request)?;
    let models = models_of(request)?;
    let horizon = request.horizon.unwrap_or(series.horizon);
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
    let (origins, holdout_start) =
        backtest::layout(series.values.len(), &plan).map_err(|e| e.to_string())?;
    Ok(Planned {
        series,
        models,
        plan,
        origins,
        holdout_start,
    })
}

/// Runs the request on the frame in one go (the CLI; the worker goes model by model).
pub fn run(
    frame: &Frame,
    request: &LeaderboardRequest,
    clock: &dyn Clock,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<(Leaderboard, TargetSeries), String> {
    let planned = plan(frame, request)?;
    let board = backtest::run(
        &planned.series.values,
        &planned.models,
        &planned.plan,
        clock,
        progress,
    )
    .map_err(|e| e.to_string())?;
    Ok((board, planned.series))
}

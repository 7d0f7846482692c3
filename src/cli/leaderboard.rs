//! `foresight backtest`: the leaderboard on the command line, run through the engine's
//! [`Session`] as the browser worker runs it.

use serde_json::json;

use super::args::BacktestArgs;
use super::run::{CliError, SessionRun, emit, holiday_calendar, read_options};
use crate::jobs::{
    Event, FillStrategy, Host, HybridForm, Job, LONG_TRAINING, Leaderboard, LeaderboardRequest,
    ModelScore, MoveLimits, Progress, Refit, TrainSettings, lstm_defaults, step_runs,
};

/// Progress on stderr as `fitting done/total model` (silent with `--json`).
struct FittingHost {
    clock: std::time::Instant,
    quiet: bool,
}

impl Host for FittingHost {
    fn progress(&mut self, _progress: &Progress) {}
    fn cancelled(&self) -> bool {
        false
    }
    fn now_ms(&self) -> f64 {
        self.clock.elapsed().as_secs_f64() * 1e3
    }
    async fn yield_now(&self) {}
    fn fitting(&mut self, done: usize, total: usize, model: &str) {
        if !self.quiet {
            eprint!("\rfitting {done}/{total} {model:<8}");
        }
    }
}

/// Runs the backtest and prints the leaderboard (a table, or JSON lines).
pub fn run(args: &BacktestArgs) -> Result<(), CliError> {
    let fill = match args.fill.trim() {
        "none" => None,
        other => Some(FillStrategy::from_name(other).ok_or_else(|| {
            CliError::Usage(format!(
                "--fill must be none, drop, ffill, linear or seasonal, got '{other}'"
            ))
        })?),
    };
    let refit = Refit::parse(&args.refit).ok_or_else(|| {
        CliError::Usage(format!(
            "--refit must be auto, always, once or a number of origins, got '{}'",
            args.refit
        ))
    })?;
    let limits = move_limits(args)?;
    let options = read_options(&args.read)?;
    let mut host = FittingHost {
        clock: std::time::Instant::now(),
        quiet: args.json,
    };
    // `--models …,lstm` asks for the LSTM as `--lstm` does, with the `--lstm-*` settings;
    // The hybrids (`hybrid`, `lstm-garch`) train their LSTM with the same settings.
    let with_lstm = args.lstm || args.models.iter().any(|m| m.trim() == "lstm");
    let with_hybrid = args.models.iter().any(|m| HybridForm::parse(m).is_some());
    // The device matters only for the networks; the CPU needs no adapter probe.
    let mut session =
        SessionRun::open((with_lstm || with_hybrid).then_some(args.backend.as_str()))?;
    let summary = session.load(args.csv.as_deref(), &options, &mut host)?;
    let holidays = holiday_calendar(&args.holidays)?;
    let user_holidays = match &args.holiday_file {
        Some(path) => session.holidays(path, &mut host)?,
        None => Vec::new(),
    };
    let network = || {
        let mut settings = TrainSettings {
            epochs: args.lstm_epochs,
            ..lstm_defaults()
        }
        .with_hidden(args.lstm_hidden.clone());
        settings.data.window = args.lstm_window.unwrap_or(summary.suggested_window);
        settings.data.holidays = holidays;
        settings.data.user_holidays = user_holidays.clone();
        settings
    };
    let lstm = with_lstm.then(network);
    let hybrid_lstm = with_hybrid.then(network);
    // One leaderboard per target; with several, each has the others among its inputs.
    let (target, also_targets) = match args.target.split_first() {
        Some((first, rest)) => (first.trim().to_string(), rest.to_vec()),
        None => (String::new(), vec![]),
    };
    let request = LeaderboardRequest {
        target,
        also_targets,
        series: args.series.clone(),
        fill,
        season: args.season,
        horizon: args.horizon,
        holdout: args.holdout,
        folds: args.folds.unwrap_or(0),
        step: args.step,
        sliding: args.sliding,
        refit,
        group_folds: args.group_folds,
        models: args.models.clone(),
        levels: args.levels.clone(),
        covariates: args.features.clone(),
        future_known: args.future_known.clone(),
        lstm,
        hybrid_lstm,
        limits,
        holidays,
        user_holidays,
        cap: args.cap,
    };
    let several = request.targets().len() > 1;
    let views = match session.run(Job::Leaderboard(request), &mut host) {
        Event::Leaderboard(views) => views,
        other => return Err(CliError::from_event(other)),
    };
    for view in views {
        let board = view.board;
        let named = several.then_some(view.target.as_str());
        if args.json {
            for line in json_lines(&board, named) {
                emit(&format!("{line}\n"))?;
            }
        } else {
            eprintln!();
            if let Some(name) = named {
                emit(&format!("== {name} ==\n"))?;
            }
            emit(&table(&board))?;
        }
    }
    Ok(())
}

/// The move limits the flags set (`--limit-step`, `--limit-total`, `--band`, `--floor`).
fn move_limits(args: &BacktestArgs) -> Result<MoveLimits, CliError> {
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    MoveLimits::parse(
        &text(&args.limit_step),
        &text(&args.limit_total),
        &text(&args.band),
        &text(&args.floor),
    )
    .map_err(|e| CliError::Usage(format!("--{e}")))
}

/// A row's error with the flag that fixes it, where the engine names a setting.
fn error_text(row: &ModelScore) -> Option<String> {
    let flag = match row.error_setting.as_deref() {
        Some("season") => Some("--season"),
        Some("fill") => Some("--fill"),
        Some("window") => Some("--lstm-window"),
        _ => None,
    };
    row.error.as_ref().map(|e| match flag {
        Some(flag) => format!("{e} (set {flag})"),
        None => e.clone(),
    })
}

/// One JSON object per model (hold-out metrics, fit time, the backtest means, the error if
/// any), then `{"selected": …}`; each with `"target"` when one of several is named.
pub fn json_lines(board: &Leaderboard, target: Option<&str>) -> Vec<String> {
    let mut lines: Vec<String> = board
        .rows
        .iter()
        .map(|row| {
            let h = row.holdout.as_ref();
            let metric = |name: &str| h.and_then(|m| m.get(name));
            let coverage: serde_json::Map<String, serde_json::Value> = row
                .holdout_intervals
                .iter()
                .flat_map(|i| {
                    [
                        (format!("coverage_{}", i.level), json!(i.coverage)),
                        (
                            format!("interval_score_{}", i.level),
                            json!(i.interval_score),
                        ),
                    ]
                })
                .chain(row.holdout_conformal.iter().flat_map(|i| {
                    [
                        (format!("conformal_coverage_{}", i.level), json!(i.coverage)),
                        (
                            format!("conformal_interval_score_{}", i.level),
                            json!(i.interval_score),
                        ),
                    ]
                }))
                .collect();
            let mut v = json!({
                "model": row.model,
                "label": row.label,
                "mae": metric("mae"),
                "rmse": metric("rmse"),
                "mape": metric("mape"),
                "smape": metric("smape"),
                "mase": metric("mase"),
                "direction_accuracy": metric("direction_accuracy"),
                "direction_f1": metric("direction_f1"),
                "theil_u1": metric("theil_u1"),
                "theil_u2": metric("theil_u2"),
                "fit_ms": row.fit_ms,
                "forecast_ms": row.forecast_ms,
                "backtest_mase": row.backtest.as_ref().and_then(|m| m.get("mase")),
                "backtest_mae": row.backtest.as_ref().and_then(|m| m.get("mae")),
                "backtest_spread": row.backtest_spread,
                "folds": row.folds_scored,
                "parameters": row.parameters,
                "error": error_text(row),
                "warning": row.warning,
            });
            if let Some(obj) = v.as_object_mut() {
                if let Some(t) = target {
                    obj.insert("target".into(), json!(t));
                }
                obj.extend(coverage);
                if !row.members.is_empty() {
                    obj.insert("members".into(), json!(row.members));
                }
                if !row.weight_path.is_empty() {
                    obj.insert("weights_over_time".into(), json!(row.weight_path));
                }
                if !row.importance.is_empty() {
                    obj.insert("feature_importance".into(), json!(row.importance));
                }
                if !row.responses.is_empty() {
                    obj.insert("impulse_responses".into(), json!(row.responses));
                }
                if !row.parts.is_empty() {
                    obj.insert("parts".into(), json!(row.parts));
                }
                if !row.fold_scores.is_empty() {
                    obj.insert("fold_scores".into(), json!(row.fold_scores));
                }
                if !board.plan.limits.is_empty() {
                    obj.insert("limited_steps".into(), json!(row.limited_steps));
                }
            }
            v.to_string()
        })
        .collect();
    let mut last = json!({ "selected": board.selected, "why": board.why });
    if let Some(t) = target {
        last["target"] = json!(t);
    }
    if board.group_folds > 0 {
        last["groups"] = json!(board.groups);
        last["group_folds"] = json!(board.group_folds);
        last["groups_skipped"] = json!(board.groups_skipped);
    }
    lines.push(last.to_string());
    lines
}

/// The leaderboard as a text table.
pub fn table(board: &Leaderboard) -> String {
    let fmt = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.4}"));
    let mut out = format!(
        "{:<11} {:<34} {:>11} {:>11} {:>11} {:>11} {:>9}  {}\n",
        "model", "form", "bt MASE", "MAE", "RMSE", "MAPE %", "fit ms", "note"
    );
    for row in &board.rows {
        let h = row.holdout.as_ref();
        let mark = if board.selected.as_deref() == Some(&row.model) {
            "selected"
        } else {
            ""
        };
        out += &format!(
            "{:<11} {:<34} {:>11} {:>11} {:>11} {:>11} {:>9}  {}\n",
            row.model,
            row.label.clone().unwrap_or_default(),
            fmt(row.backtest.as_ref().and_then(|m| m.get("mase"))),
            fmt(h.and_then(|m| m.get("mae"))),
            fmt(h.and_then(|m| m.get("rmse"))),
            fmt(h.and_then(|m| m.get("mape"))),
            row.fit_ms.map_or("—".into(), |v| format!("{v:.1}")),
            error_text(row)
                .or_else(|| row.warning.clone())
                .unwrap_or_else(|| mark.to_string()),
        );
    }
    if board.group_folds > 0 {
        out += &format!(
            "{} groups in {} folds (scores are means over the groups; the LSTM forecasts groups it was not trained on)",
            board.groups.len(),
            board.group_folds
        );
        if !board.groups_skipped.is_empty() {
            out += &format!("; too short, left out: {}", board.groups_skipped.join(", "));
        }
        out += "\n";
    }
    out += &format!(
        "origins: {:?}; hold-out from point {} ({} points)\n",
        board.origins, board.holdout_start, board.plan.holdout
    );
    let plan = &board.plan;
    if plan.refit == Refit::Auto && plan.reuses_fits(&board.origins) {
        out += &format!(
            "origins past {LONG_TRAINING} training points reuse the fit before them, brought up \
             to date{}; --refit always fits at every origin\n",
            if plan.holdout > 0 {
                " (the hold-out is fitted afresh)"
            } else {
                ""
            }
        );
    }
    if !plan.limits.is_empty() {
        out += &format!("forecasts held to {}", plan.limits.describe());
        let bounded: Vec<String> = board
            .rows
            .iter()
            .filter(|r| !r.limited_steps.is_empty())
            .map(|r| format!("{} steps {}", r.model, step_runs(&r.limited_steps)))
            .collect();
        if bounded.is_empty() {
            out += "; no hold-out forecast reached them\n";
        } else {
            out += &format!("; on the hold-out they bound {}\n", bounded.join("; "));
        }
    }
    if let Some(why) = &board.why {
        out += &format!("picked {why}\n");
    }
    out
}

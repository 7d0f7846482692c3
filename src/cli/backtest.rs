//! `foresight backtest`: the leaderboard on the command line.

use serde_json::json;

use super::args::BacktestArgs;
use super::run::{CliError, read_file, read_options};
use crate::backend::{BackendChoice, select_native};
use crate::data::DatasetSummary;
use crate::data::clean::FillStrategy;
use crate::data::read_table;
use crate::eval::backtest::{Clock, Leaderboard, SystemClock};
use crate::eval::request::LeaderboardRequest;
use crate::train::backtest::run_leaderboard;
use crate::train::{Host, Progress, TrainSettings};

/// Progress on stderr as `fitting done/total model` (silent with `--json`).
struct FittingHost {
    clock: SystemClock,
    quiet: bool,
}

impl Host for FittingHost {
    fn progress(&mut self, _progress: &Progress) {}
    fn cancelled(&self) -> bool {
        false
    }
    fn now_ms(&self) -> f64 {
        self.clock.now_ms()
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
    let (name, bytes) = read_file(args.csv.as_deref())?;
    let options = read_options(&args.read)?;
    let loaded = read_table(&name, &bytes, &options, &mut |_| {})
        .map_err(|e| CliError::Engine(e.to_string()))?;
    let frame = loaded.frame;
    let target = match &args.target {
        Some(t) => t.clone(),
        None => frame
            .columns
            .first()
            .map(|c| c.name.clone())
            .ok_or_else(|| CliError::Engine(format!("{name} has no numeric column")))?,
    };
    let fill = match args.fill.trim() {
        "none" => None,
        other => Some(FillStrategy::from_name(other).ok_or_else(|| {
            CliError::Usage(format!(
                "--fill must be none, drop, ffill, linear or seasonal, got '{other}'"
            ))
        })?),
    };
    let lstm = if args.lstm {
        let summary = DatasetSummary::of(&frame, loaded.report.clone());
        let mut settings = TrainSettings {
            epochs: args.lstm_epochs,
            hidden: args.lstm_hidden.clone(),
            ..TrainSettings::default()
        };
        settings.dropout = settings
            .hidden
            .iter()
            .enumerate()
            .map(|(i, _)| if i == 0 { 0.2 } else { 0.1 })
            .collect();
        settings.data.window = args.lstm_window.unwrap_or(summary.suggested_window);
        Some(settings)
    } else {
        None
    };
    let req = LeaderboardRequest {
        target,
        series: args.series.clone(),
        fill,
        season: args.season,
        horizon: args.horizon,
        holdout: args.holdout,
        folds: args.folds,
        step: args.step,
        sliding: args.sliding,
        models: args.models.clone(),
        levels: args.levels.clone(),
        lstm,
    };
    // The device matters only for the LSTM; the CPU needs no adapter probe.
    let selected = if req.lstm.is_some() {
        let choice: BackendChoice = args.backend.parse().map_err(CliError::Usage)?;
        let selected = select_native(choice).map_err(CliError::Engine)?;
        if let Some(notice) = &selected.notice {
            eprintln!("notice: {notice}");
        }
        selected
    } else {
        crate::backend::cpu()
    };
    let mut host = FittingHost {
        clock: SystemClock::default(),
        quiet: args.json,
    };
    let (board, _) = futures::executor::block_on(run_leaderboard(
        &frame,
        &req,
        &selected.device,
        &selected.label,
        &mut host,
    ))
    .map_err(|e| CliError::Engine(e.unwrap_or_else(|| "cancelled".into())))?;
    if args.json {
        for line in json_lines(&board) {
            println!("{line}");
        }
    } else {
        eprintln!();
        print!("{}", table(&board));
    }
    Ok(())
}

/// One JSON object per model (hold-out metrics, fit time, the backtest means, the error if
/// any), then `{"selected": …}`.
pub fn json_lines(board: &Leaderboard) -> Vec<String> {
    let mut lines: Vec<String> = board
        .rows
        .iter()
        .map(|row| {
            let h = row.holdout.as_ref();
            let metric = |name: &str| h.and_then(|m| m.get(name));
            let coverage: serde_json::Map<String, serde_json::Value> = row
                .holdout_intervals
                .iter()
                .map(|i| (format!("coverage_{}", i.level), json!(i.coverage)))
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
                "folds": row.folds_scored,
                "error": row.error,
            });
            if let Some(obj) = v.as_object_mut() {
                obj.extend(coverage);
            }
            v.to_string()
        })
        .collect();
    lines.push(json!({ "selected": board.selected }).to_string());
    lines
}

/// The leaderboard as a text table.
pub fn table(board: &Leaderboard) -> String {
    let fmt = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.4}"));
    let mut out = format!(
        "{:<8} {:<34} {:>11} {:>11} {:>11} {:>11} {:>9}  {}\n",
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
            "{:<8} {:<34} {:>11} {:>11} {:>11} {:>11} {:>9}  {}\n",
            row.model,
            row.label.clone().unwrap_or_default(),
            fmt(row.backtest.as_ref().and_then(|m| m.get("mase"))),
            fmt(h.and_then(|m| m.get("mae"))),
            fmt(h.and_then(|m| m.get("rmse"))),
            fmt(h.and_then(|m| m.get("mape"))),
            row.fit_ms.map_or("—".into(), |v| format!("{v:.1}")),
            row.error.clone().unwrap_or_else(|| mark.to_string()),
        );
    }
    out += &format!(
        "origins: {:?}; hold-out from point {} ({} points)\n",
        board.origins, board.holdout_start, board.plan.holdout
    );
    out
}

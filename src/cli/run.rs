//! Runs CLI commands through the engine's [`Session`].

use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use thiserror::Error;

use super::args::{Cli, Command, ReadArgs, TrainArgs};
use crate::backend::{BackendChoice, select_native};
use crate::data::calendar::format_timestamp;
use crate::data::clean::FillStrategy;
use crate::data::holidays::{HolidayCalendar, parse_holiday_file};
use crate::data::read::datetime::DateOrder;
use crate::data::read::dialect::HeaderChoice;
use crate::data::read::number::DecimalMark;
use crate::data::read::{DuplicatePolicy, ReadOptions};
use crate::data::scale::ScalerKind;
use crate::data::window::WindowSpec;
use crate::data::{DatasetSummary, read_table};
use crate::jobs::{Event, Job, SAMPLE_CSV, SAMPLE_NAME, Session};
use crate::train::{Host, Progress, TrainOutcome, TrainSettings};

/// Why a command failed.
#[derive(Debug, Error)]
pub enum CliError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// The engine reported a failure.
    #[error("{0}")]
    Engine(String),
    /// A command-line value is wrong.
    #[error("{0}")]
    Usage(String),
}

/// Progress bar host for native runs.
struct TerminalHost {
    bar: ProgressBar,
    clock: Instant,
}

impl Host for TerminalHost {
    fn progress(&mut self, p: &Progress) {
        let total = (p.epochs * p.batches) as u64;
        self.bar.set_length(total);
        self.bar
            .set_position(((p.epoch - 1) * p.batches + p.batch) as u64);
        let val = p.validation_loss.map_or("-".into(), |v| format!("{v:.5}"));
        self.bar.set_message(format!(
            "epoch {}/{} loss {:.5} val {} eta {:.0}s",
            p.epoch,
            p.epochs,
            p.train_loss,
            val,
            p.eta_ms / 1000.0
        ));
    }
    fn cancelled(&self) -> bool {
        false
    }
    fn now_ms(&self) -> f64 {
        self.clock.elapsed().as_secs_f64() * 1000.0
    }
    async fn yield_now(&self) {}
}

/// The CSV's name and bytes (the bundled sample when no path is given).
pub fn read_file(path: Option<&Path>) -> Result<(String, Vec<u8>), CliError> {
    match path {
        None => Ok((SAMPLE_NAME.to_string(), SAMPLE_CSV.to_vec())),
        Some(p) => {
            let bytes = std::fs::read(p).map_err(|source| CliError::Io {
                path: p.display().to_string(),
                source,
            })?;
            Ok((p.display().to_string(), bytes))
        }
    }
}

fn write(path: &Path, text: &str) -> Result<(), CliError> {
    std::fs::write(path, text).map_err(|source| CliError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Prints a data-set summary the way `train` shows it before training.
pub fn describe(s: &DatasetSummary) -> String {
    let mut out = format!("file: {}\n", s.file_name);
    for fact in &s.report.facts {
        out += &format!("{}: {}\n", fact.name, fact.value);
    }
    out
}

/// Turns the reader flags into [`ReadOptions`].
///
/// # Errors
/// [`CliError::Usage`] for a value the reader does not know.
pub fn read_options(args: &ReadArgs) -> Result<ReadOptions, CliError> {
    let header = match args.header.trim() {
        "auto" => HeaderChoice::Auto,
        "none" => HeaderChoice::None,
        line => HeaderChoice::Line(line.parse().ok().filter(|l| *l > 0).ok_or_else(|| {
            CliError::Usage(format!(
                "--header must be auto, none or a line number ≥ 1, got '{line}'"
            ))
        })?),
    };
    let date_order = match args.date_order.trim() {
        "auto" => DateOrder::Auto,
        "day-first" | "dmy" => DateOrder::DayFirst,
        "month-first" | "mdy" => DateOrder::MonthFirst,
        other => {
            return Err(CliError::Usage(format!(
                "--date-order must be auto, day-first or month-first, got '{other}'"
            )));
        }
    };
    let duplicates = DuplicatePolicy::from_name(&args.duplicates).ok_or_else(|| {
        CliError::Usage(format!(
            "--duplicates must be error, last or mean, got '{}'",
            args.duplicates
        ))
    })?;
    let decimal = match args.decimal.trim() {
        "auto" => None,
        "point" | "." => Some(DecimalMark::Point),
        "comma" | "," => Some(DecimalMark::Comma),
        other => {
            return Err(CliError::Usage(format!(
                "--decimal must be auto, point or comma, got '{other}'"
            )));
        }
    };
    Ok(ReadOptions {
        decimal,
        encoding: args.encoding.clone(),
        delimiter: args.delimiter.clone(),
        header,
        time_column: args.time_column.clone(),
        date_order,
        group_column: args.group_column.clone(),
        duplicates,
    })
}

fn settings_for(args: &TrainArgs, summary: &DatasetSummary) -> Result<TrainSettings, CliError> {
    let target = match &args.target {
        Some(t) => t.clone(),
        None => summary.default_target.clone(),
    };
    let fill = FillStrategy::from_name(&args.fill).ok_or_else(|| {
        CliError::Usage(format!(
            "--fill must be drop, ffill, linear or seasonal, got '{}'",
            args.fill
        ))
    })?;
    let scaler = ScalerKind::from_name(&args.scaler).ok_or_else(|| {
        CliError::Usage(format!(
            "--scaler must be minmax, standard, robust or extended[:WIDEN[:floor]], got '{}'",
            args.scaler
        ))
    })?;
    let mut column_scalers = std::collections::BTreeMap::new();
    for entry in &args.column_scalers {
        let parsed = entry
            .split_once('=')
            .and_then(|(name, kind)| Some((name.trim().to_string(), ScalerKind::from_name(kind)?)));
        let (name, kind) = parsed.ok_or_else(|| {
            CliError::Usage(format!(
                "--column-scaler must be NAME=minmax|standard|robust|extended[:WIDEN[:floor]], got '{entry}'"
            ))
        })?;
        column_scalers.insert(name, kind);
    }
    let holidays = HolidayCalendar::from_name(&args.holidays).ok_or_else(|| {
        CliError::Usage(format!(
            "--holidays must be none, kr or us, got '{}'",
            args.holidays
        ))
    })?;
    let user_holidays = match &args.holiday_file {
        Some(path) => {
            let (name, bytes) = read_file(Some(path))?;
            parse_holiday_file(&name, &bytes)
                .map_err(|e| CliError::Engine(e.to_string()))?
                .into_iter()
                .map(|day| format_timestamp(day * 86_400, false))
                .collect()
        }
        None => Vec::new(),
    };
    Ok(TrainSettings {
        data: WindowSpec {
            fill,
            scaler,
            column_scalers,
            holidays,
            user_holidays,
            target,
            features: args.features.clone(),
            calendar: !args.no_calendar,
            window: args.window.unwrap_or(summary.suggested_window),
            horizon: args.horizon.unwrap_or(summary.suggested_horizon),
            group: args.series.clone(),
            ..WindowSpec::default()
        },
        hidden: args.hidden.clone(),
        dropout: TrainSettings::default()
            .dropout
            .into_iter()
            .chain(std::iter::repeat(0.1))
            .take(args.hidden.len())
            .collect(),
        epochs: args.epochs,
        batch_size: args.batch,
        learning_rate: args.lr,
        patience: args.patience,
        seed: args.seed,
        ..TrainSettings::default()
    })
}

/// CSV of the forecast past the end of the data.
pub fn forecast_csv(o: &TrainOutcome) -> String {
    let mut out = format!("step,time,{}_forecast\n", o.target);
    for (k, (label, value)) in o.forecast_labels.iter().zip(&o.forecast).enumerate() {
        out += &format!("{},{},{}\n", k + 1, label, value);
    }
    out
}

/// CSV of one-step-ahead predictions over the test part.
pub fn test_csv(o: &TrainOutcome) -> String {
    let mut out = "time,actual,predicted\n".to_string();
    for ((label, a), p) in o
        .test_labels
        .iter()
        .zip(&o.test_actual)
        .zip(&o.test_predicted)
    {
        let a = if a.is_nan() {
            String::new()
        } else {
            a.to_string()
        };
        out += &format!("{label},{a},{p}\n");
    }
    out
}

fn train_command(args: &TrainArgs) -> Result<(), CliError> {
    let choice: BackendChoice = args.backend.parse().map_err(CliError::Usage)?;
    let selected = select_native(choice).map_err(CliError::Engine)?;
    if let Some(notice) = &selected.notice {
        eprintln!("notice: {notice}");
    }
    eprintln!("backend: {}", selected.label);
    let (name, bytes) = read_file(args.csv.as_deref())?;
    let options = read_options(&args.read)?;
    let mut session = Session::new();
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} batches  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut host = TerminalHost {
        bar,
        clock: Instant::now(),
    };
    let summary = match session.load(&name, bytes.into(), &options, &mut host) {
        Event::Loaded(s) => s,
        Event::Failed { message } => return Err(CliError::Engine(message)),
        other => return Err(CliError::Engine(format!("unexpected event {other:?}"))),
    };
    eprint!("{}", describe(&summary));
    let settings = settings_for(args, &summary)?;
    eprintln!(
        "target: {}  window: {}  horizon: {}  epochs: {}",
        settings.data.target, settings.data.window, settings.data.horizon, settings.epochs
    );
    let event = futures::executor::block_on(session.run(
        Job::Train(settings),
        &selected.device,
        &selected.label,
        &mut host,
    ));
    host.bar.finish_and_clear();
    let outcome = match event {
        Event::Finished(o) => o,
        Event::Failed { message } => return Err(CliError::Engine(message)),
        other => return Err(CliError::Engine(format!("unexpected event {other:?}"))),
    };
    std::fs::create_dir_all(&args.out).map_err(|source| CliError::Io {
        path: args.out.display().to_string(),
        source,
    })?;
    write(&args.out.join("forecast.csv"), &forecast_csv(&outcome))?;
    write(&args.out.join("test.csv"), &test_csv(&outcome))?;
    let metrics = serde_json::json!({
        "backend": outcome.backend,
        "target": outcome.target,
        "features": outcome.features,
        "test": outcome.test_metrics,
        "best_epoch": outcome.best_epoch,
        "epochs_run": outcome.history.len(),
        "stopped_early": outcome.stopped_early,
        "history": outcome.history,
        "windows": {"train": outcome.window_counts[0], "validation": outcome.window_counts[1], "test": outcome.window_counts[2]},
        "filled_cells": outcome.filled_cells,
        "ms_per_step": outcome.ms_per_step,
        "total_ms": outcome.total_ms,
    });
    write(
        &args.out.join("metrics.json"),
        &serde_json::to_string_pretty(&metrics).unwrap_or_default(),
    )?;
    let m = outcome.test_metrics;
    println!(
        "test MAE {:.6}  RMSE {:.6}  MAPE {}  (best epoch {}, {} epochs, {:.1} ms/step on {})",
        m.mae,
        m.rmse,
        m.mape.map_or("n/a".into(), |v| format!("{v:.3}%")),
        outcome.best_epoch,
        outcome.history.len(),
        outcome.ms_per_step,
        outcome.backend
    );
    println!(
        "wrote {}/forecast.csv, test.csv, metrics.json",
        args.out.display()
    );
    Ok(())
}

/// Runs a parsed command line.
///
/// # Errors
/// A [`CliError`] with a message for the user.
pub fn main_with(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Inspect { csv, read, json } => {
            let (name, bytes) = read_file(csv.as_deref())?;
            let options = read_options(&read)?;
            let loaded = read_table(&name, &bytes, &options, &mut |_| {})
                .map_err(|e| CliError::Engine(e.to_string()))?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&loaded.report).unwrap_or_default()
                );
            } else {
                println!("file: {name}");
                print!("{}", loaded.report.to_text());
            }
            Ok(())
        }
        Command::Train(args) => train_command(&args),
        Command::Backtest(args) => super::backtest::run(&args),
        Command::Bench {
            backend,
            steps,
            window,
            threads,
            json,
            stepwise,
        } => {
            crate::models::lstm_kernel::burn_op::set_fused(!stepwise);
            super::bench::run(&backend, steps, window, threads, json)
        }
    }
}

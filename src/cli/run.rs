//! Runs CLI commands through the engine's [`Session`].

use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use thiserror::Error;

use super::args::{Cli, Command, TrainArgs};
use crate::backend::{BackendChoice, select_native};
use crate::data::window::WindowSpec;
use crate::data::{DatasetSummary, read_csv};
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

fn read_file(path: Option<&Path>) -> Result<(String, Vec<u8>), CliError> {
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

/// Prints a data-set summary the way `inspect` and `train` show it.
pub fn describe(s: &DatasetSummary) -> String {
    let mut out = format!(
        "file: {}\nrows: {}\ndelimiter: {:?}\n",
        s.file_name, s.rows, s.delimiter
    );
    match (&s.time_column, &s.time_range) {
        (Some(t), Some((a, b))) => out += &format!("time column: {t} ({a} .. {b})\n"),
        _ => out += "time column: none (row order)\n",
    }
    out += &format!("frequency: {}\nnumeric columns:\n", s.frequency);
    for (name, missing) in &s.numeric_columns {
        out += &format!("  {name} ({missing} missing)\n");
    }
    if !s.text_columns.is_empty() {
        out += &format!("text columns (not used): {}\n", s.text_columns.join(", "));
    }
    out
}

fn settings_for(args: &TrainArgs, summary: &DatasetSummary) -> Result<TrainSettings, CliError> {
    let target = match &args.target {
        Some(t) => t.clone(),
        None => summary.default_target.clone(),
    };
    Ok(TrainSettings {
        data: WindowSpec {
            target,
            features: args.features.clone(),
            calendar: !args.no_calendar,
            window: args.window.unwrap_or(summary.suggested_window),
            horizon: args.horizon.unwrap_or(summary.suggested_horizon),
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
    let mut session = Session::new();
    let summary = match session.load(&name, &bytes) {
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
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} batches  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut host = TerminalHost {
        bar,
        clock: Instant::now(),
    };
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
        Command::Inspect { csv } => {
            let (name, bytes) = read_file(csv.as_deref())?;
            let (frame, delimiter) =
                read_csv(&name, &bytes).map_err(|e| CliError::Engine(e.to_string()))?;
            print!("{}", describe(&DatasetSummary::of(&frame, delimiter)));
            Ok(())
        }
        Command::Train(args) => train_command(&args),
        Command::Bench {
            backend,
            steps,
            window,
        } => super::bench::run(&backend, steps, window),
    }
}

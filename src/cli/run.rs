//! Runs CLI commands through the engine's [`Session`].

use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use thiserror::Error;

use super::args::{Cli, Command, ReadArgs, TrainArgs};
use crate::backend::{BackendChoice, SelectedDevice, select_native};
use crate::jobs::{
    DatasetSummary, DateOrder, DecimalMark, DuplicatePolicy, Event, FillStrategy, HeaderChoice,
    HolidayCalendar, Host, Job, Progress, QuietHost, ReadOptions, SAMPLE_NAME, ScalerKind, Session,
    TrainOutcome, TrainSettings, WindowSpec,
};

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
    /// Whoever read the output stopped reading (`… | head`): not a failure.
    #[error("the output was closed")]
    OutputClosed,
}

/// Writes `text` to standard output; a reader that went away (a closed pipe) ends the
/// command quietly instead of a panic.
///
/// # Errors
/// [`CliError::OutputClosed`] for a closed pipe, [`CliError::Io`] for another failure.
pub fn emit(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::BrokenPipe => CliError::OutputClosed,
            _ => CliError::Io {
                path: "standard output".into(),
                source,
            },
        })
}

impl CliError {
    /// The error for an event that is not the one a command waits for: the engine's
    /// failure message, or (a bug) the event itself.
    pub fn from_event(event: Event) -> Self {
        match event {
            Event::Failed { message } => CliError::Engine(message),
            other => CliError::Engine(format!("unexpected event {other:?}")),
        }
    }
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

/// A file's name and bytes.
pub fn read_file(path: &Path) -> Result<(String, Vec<u8>), CliError> {
    let bytes = std::fs::read(path).map_err(|source| CliError::Io {
        path: path.display().to_string(),
        source,
    })?;
    Ok((path.display().to_string(), bytes))
}

/// A [`Session`] on a chosen device: every command reads its file and runs its work
/// through the same jobs the browser worker runs.
pub struct SessionRun {
    session: Session,
    selected: SelectedDevice,
}

impl SessionRun {
    /// A session on the device `backend` names (auto, gpu, cpu), or on the CPU without
    /// probing for an adapter when `None` (work that needs no device).
    ///
    /// # Errors
    /// [`CliError::Usage`] for an unknown backend, [`CliError::Engine`] when it is missing.
    pub fn open(backend: Option<&str>) -> Result<Self, CliError> {
        let selected = match backend {
            Some(name) => {
                let choice: BackendChoice = name.parse().map_err(CliError::Usage)?;
                let selected = select_native(choice).map_err(CliError::Engine)?;
                if let Some(notice) = &selected.notice {
                    eprintln!("notice: {notice}");
                }
                selected
            }
            None => crate::backend::cpu(),
        };
        Ok(SessionRun {
            session: Session::new(),
            selected,
        })
    }

    /// The device's name.
    pub fn backend(&self) -> &str {
        &self.selected.label
    }

    /// Runs one job to its end.
    pub fn run(&mut self, job: Job, host: &mut impl Host) -> Event {
        futures::executor::block_on(self.session.run(
            job,
            &self.selected.device,
            &self.selected.label,
            host,
        ))
    }

    /// Loads a CSV file (the bundled sample when no path is given) with the reader choices.
    ///
    /// # Errors
    /// [`CliError::Io`] when the file cannot be read, [`CliError::Engine`] when it does not
    /// parse.
    pub fn load(
        &mut self,
        path: Option<&Path>,
        options: &ReadOptions,
        host: &mut impl Host,
    ) -> Result<Box<DatasetSummary>, CliError> {
        let job = match path {
            None if *options == ReadOptions::default() => Job::LoadSample,
            None => Job::LoadCsv {
                file_name: SAMPLE_NAME.into(),
                bytes: crate::jobs::SAMPLE_CSV.to_vec(),
                options: options.clone(),
            },
            Some(p) => {
                let (file_name, bytes) = read_file(p)?;
                Job::LoadCsv {
                    file_name,
                    bytes,
                    options: options.clone(),
                }
            }
        };
        match self.run(job, host) {
            Event::Loaded(summary) => Ok(summary),
            other => Err(CliError::from_event(other)),
        }
    }

    /// Reads a holiday file into ISO dates.
    ///
    /// # Errors
    /// [`CliError::Io`] or the engine's message on a bad file.
    pub fn holidays(&mut self, path: &Path, host: &mut impl Host) -> Result<Vec<String>, CliError> {
        let (file_name, bytes) = read_file(path)?;
        match self.run(Job::ReadHolidays { file_name, bytes }, host) {
            Event::Holidays { dates, .. } => Ok(dates),
            other => Err(CliError::from_event(other)),
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

/// The built-in calendar `--holidays` names.
pub fn holiday_calendar(name: &str) -> Result<HolidayCalendar, CliError> {
    HolidayCalendar::from_name(name)
        .ok_or_else(|| CliError::Usage(format!("--holidays must be none, kr or us, got '{name}'")))
}

fn settings_for(
    args: &TrainArgs,
    summary: &DatasetSummary,
    user_holidays: Vec<String>,
) -> Result<TrainSettings, CliError> {
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
    let holidays = holiday_calendar(&args.holidays)?;
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
        epochs: args.epochs,
        batch_size: args.batch,
        learning_rate: args.lr,
        patience: args.patience,
        seed: args.seed,
        ..TrainSettings::default()
    }
    .with_hidden(args.hidden.clone()))
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
    let mut session = SessionRun::open(Some(&args.backend))?;
    eprintln!("backend: {}", session.backend());
    let options = read_options(&args.read)?;
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} batches  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut host = TerminalHost {
        bar,
        clock: Instant::now(),
    };
    let summary = session.load(args.csv.as_deref(), &options, &mut host)?;
    eprint!("{}", describe(&summary));
    let user_holidays = match &args.holiday_file {
        Some(path) => session.holidays(path, &mut host)?,
        None => Vec::new(),
    };
    let settings = settings_for(args, &summary, user_holidays)?;
    eprintln!(
        "target: {}  window: {}  horizon: {}  epochs: {}",
        settings.data.target, settings.data.window, settings.data.horizon, settings.epochs
    );
    let event = session.run(Job::Train(settings), &mut host);
    host.bar.finish_and_clear();
    let outcome = match event {
        Event::Finished(o) => o,
        other => return Err(CliError::from_event(other)),
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
    emit(&format!(
        "test MAE {:.6}  RMSE {:.6}  MAPE {}  (best epoch {}, {} epochs, {:.1} ms/step on {})\nwrote {}/forecast.csv, test.csv, metrics.json\n",
        m.mae,
        m.rmse,
        m.mape.map_or("n/a".into(), |v| format!("{v:.3}%")),
        outcome.best_epoch,
        outcome.history.len(),
        outcome.ms_per_step,
        outcome.backend,
        args.out.display()
    ))
}

/// Runs a parsed command line.
///
/// # Errors
/// A [`CliError`] with a message for the user.
pub fn main_with(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Inspect { csv, read, json } => {
            let options = read_options(&read)?;
            let mut session = SessionRun::open(None)?;
            let mut host = QuietHost;
            let summary = session.load(csv.as_deref(), &options, &mut host)?;
            if json {
                emit(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&summary.report).unwrap_or_default()
                ))
            } else {
                emit(&format!(
                    "file: {}\n{}",
                    summary.file_name,
                    summary.report.to_text()
                ))
            }
        }
        Command::Train(args) => train_command(&args),
        Command::Backtest(args) => super::leaderboard::run(&args),
        Command::Bench {
            backend,
            steps,
            window,
            threads,
            json,
            stepwise,
        } => {
            crate::bench::set_fused(!stepwise);
            super::bench::run(&backend, steps, window, threads, json)
        }
    }
}

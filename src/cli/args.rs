//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::jobs::{LeaderboardRequest, TrainSettings, lstm_defaults};

/// Foresight: train and run forecasting models natively.
#[derive(Debug, Parser)]
#[command(name = "foresight", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print what was read from a CSV file: encoding, delimiter, header, time column and
    /// date format, frequency and gaps, groups, duplicates, missing markers, per-column stats.
    Inspect {
        /// CSV file; the bundled sample when left out.
        csv: Option<PathBuf>,
        /// Reader choices (all detected when left out).
        #[command(flatten)]
        read: ReadArgs,
        /// Print the report as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Train the stacked LSTM, evaluate it on the test part, forecast past the end.
    Train(TrainArgs),
    /// Compare models on rolling-origin backtests and a final hold-out: one row (or JSON
    /// line) per model, then the model the backtest folds select.
    Backtest(BacktestArgs),
    /// Time training steps of the seed-004 reference model (batch 64, window 168,
    /// 6 features, LSTM 64→32).
    Bench {
        /// auto, gpu or cpu.
        #[arg(long, default_value = "auto")]
        backend: String,
        /// Timed steps after one warm-up step.
        #[arg(long, default_value_t = 3)]
        steps: usize,
        /// Window length (168 in the reference model).
        #[arg(long, default_value_t = 168)]
        window: usize,
        /// Threads for the CPU LSTM kernel (0: every core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Print one JSON line (path, model, ms_per_step, ms_infer_b1) instead of prose.
        #[arg(long)]
        json: bool,
        /// Run the LSTM as burn tensor operations per time step instead of the fused
        /// kernels (to measure what the kernels save).
        #[arg(long)]
        stepwise: bool,
    },
}

/// Overrides for what the reader detects (shared by `inspect` and `train`).
#[derive(Debug, Args, Default)]
pub struct ReadArgs {
    /// Text encoding: utf-8, utf-16le, utf-16be, cp949, shift_jis, windows-1252, …
    #[arg(long)]
    pub encoding: Option<String>,
    /// Field delimiter: one character, or "tab".
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Header: "auto", "none", or the 1-based line it is on (lines before it are skipped).
    #[arg(long, default_value = "auto")]
    pub header: String,
    /// Time column by name, or "none" to use row order.
    #[arg(long)]
    pub time_column: Option<String>,
    /// For DD/MM/YYYY-like dates: auto, day-first or month-first.
    #[arg(long, default_value = "auto")]
    pub date_order: String,
    /// Group column of a panel by name, or "none" for a single series.
    #[arg(long)]
    pub group_column: Option<String>,
    /// Duplicate time stamps: error, last (keep the last row) or mean.
    #[arg(long, default_value = "error")]
    pub duplicates: String,
    /// Decimal mark of numbers: auto, point (1,234.5) or comma (1.234,5).
    #[arg(long, default_value = "auto")]
    pub decimal: String,
}

/// Arguments of `foresight train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// CSV file; the bundled sample (US EIA weekly petroleum) when left out.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Reader choices (all detected when left out).
    #[command(flatten)]
    pub read: ReadArgs,
    /// For a panel: the group (series) to model; the first group when left out.
    #[arg(long)]
    pub series: Option<String>,
    /// Column to forecast; the first numeric column when left out.
    #[arg(long)]
    pub target: Option<String>,
    /// Extra input columns, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub features: Vec<String>,
    /// Past steps the model sees; one season of the data when left out (168 for hourly).
    #[arg(long)]
    pub window: Option<usize>,
    /// Steps to forecast; a frequency-based default when left out.
    #[arg(long)]
    pub horizon: Option<usize>,
    /// Maximum epochs (early stopping may end sooner).
    #[arg(long, default_value_t = TrainSettings::default().epochs)]
    pub epochs: usize,
    /// Windows per batch.
    #[arg(long, default_value_t = TrainSettings::default().batch_size)]
    pub batch: usize,
    /// Hidden sizes of the LSTM layers, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = TrainSettings::default().hidden)]
    pub hidden: Vec<usize>,
    /// Adam learning rate.
    #[arg(long, default_value_t = TrainSettings::default().learning_rate)]
    pub lr: f64,
    /// Early-stopping patience in epochs.
    #[arg(long, default_value_t = TrainSettings::default().patience)]
    pub patience: usize,
    /// Seed for weights, dropout and batch order.
    #[arg(long, default_value_t = TrainSettings::default().seed)]
    pub seed: u64,
    /// Leave out the calendar features (hour, weekday, month, day-of-year sin/cos,
    /// business-day and holiday flags).
    #[arg(long)]
    pub no_calendar: bool,
    /// Missing values: drop, ffill, linear (time-aware) or seasonal.
    #[arg(long, default_value = "ffill")]
    pub fill: String,
    /// Scaling: minmax, standard, robust, or extended[:WIDEN[:floor]] (range widened by WIDEN
    /// on each side, lower end floored at 0 with "floor").
    #[arg(long, default_value = "minmax")]
    pub scaler: String,
    /// A column's own scaling, NAME=SCALER (repeatable), e.g. conc=extended:0.2:floor.
    #[arg(long = "column-scaler")]
    pub column_scalers: Vec<String>,
    /// Built-in holiday calendar for the holiday feature: none, kr or us.
    #[arg(long, default_value = "none")]
    pub holidays: String,
    /// A holiday file (JSON list of dates, or CSV with a date on each line).
    #[arg(long)]
    pub holiday_file: Option<PathBuf>,
    /// auto (GPU if present, else CPU), gpu or cpu.
    #[arg(long, default_value = "auto")]
    pub backend: String,
    /// Folder for forecast.csv, test.csv and metrics.json.
    #[arg(long, default_value = "foresight-out")]
    pub out: PathBuf,
}

/// Arguments of `foresight backtest`.
#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// CSV file; the bundled sample when left out.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Reader choices (all detected when left out).
    #[command(flatten)]
    pub read: ReadArgs,
    /// For a panel: the group (series) to model; the first group when left out.
    #[arg(long)]
    pub series: Option<String>,
    /// Column to forecast; the first numeric column when left out. Several, comma-separated,
    /// give a leaderboard per target, each with the other targets among its factors (so
    /// `var` models them together and the regressions use them).
    #[arg(long, value_delimiter = ',')]
    pub target: Vec<String>,
    /// Steps forecast from each origin; a frequency-based default when left out.
    #[arg(long)]
    pub horizon: Option<usize>,
    /// Season length m; from the frequency when left out (24 hourly, 48 half-hourly,
    /// 7 daily, 5 business-daily, 52 weekly, 12 monthly, 4 quarterly).
    #[arg(long)]
    pub season: Option<usize>,
    /// Points kept for the final hold-out; the horizon when left out (0: none).
    #[arg(long)]
    pub holdout: Option<usize>,
    /// Rolling origins (folds) before the hold-out; when left out, enough to span a season
    /// and at least 5 (fewer where the series is short).
    #[arg(long)]
    pub folds: Option<usize>,
    /// Steps between origins; the horizon when left out.
    #[arg(long)]
    pub step: Option<usize>,
    /// Train on the last N points before each origin (sliding window) instead of all of
    /// them (expanding).
    #[arg(long)]
    pub sliding: Option<usize>,
    /// When models are fitted again: auto (at every origin while they train on at most
    /// 2,000 points; past that at the first origin and for the hold-out), always (at every
    /// origin), once (at the first; later origins reuse that fit, brought up to date with
    /// nothing estimated again), or N (at every N-th origin).
    #[arg(long, default_value = "auto")]
    pub refit: String,
    /// For a panel (a group column): score every group, dealt into K folds; the LSTM trains
    /// once per fold on the other folds' groups and forecasts groups it never saw.
    #[arg(long)]
    pub group_folds: Option<usize>,
    /// Models: all, or a comma-separated list of naive, snaive, drift, mean, ets, arima, dhr,
    /// theta (stm, otm, dstm, dotm), ces, mstl, ridge, lasso, elasticnet, gbt, garch (garch-t,
    /// ar-garch, arima-garch), var, prophet, ensemble, lstm, hybrid (auto-ARIMA with an LSTM
    /// on its residuals), lstm-garch (the LSTM with GARCH bands); the hybrids' LSTM takes
    /// the --lstm-* settings, and they are named only, like lstm.
    #[arg(long, value_delimiter = ',', default_value = "all")]
    pub models: Vec<String>,
    /// Missing values in the target: none (each model reports them), drop, ffill, linear or
    /// seasonal.
    #[arg(long, default_value = "none")]
    pub fill: String,
    /// Largest change of a forecast from one step to the next (the first from the last
    /// actual), in the series' units or with % of the previous value: every model's
    /// forecasts are held to it before they are scored.
    #[arg(long)]
    pub limit_step: Option<String>,
    /// Largest change of a forecast from the last actual at any step (units, or %).
    #[arg(long)]
    pub limit_total: Option<String>,
    /// A band around the last actual a forecast stays in, in % of it (e.g. 50%).
    #[arg(long)]
    pub band: Option<String>,
    /// Smallest value a forecast takes (e.g. 0 for prices and volumes).
    #[arg(long, allow_hyphen_values = true)]
    pub floor: Option<String>,
    /// Interval levels in percent, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = LeaderboardRequest::new("").levels)]
    pub levels: Vec<f64>,
    /// Built-in holiday calendar whose days the Prophet-style model gives an effect (and the
    /// LSTM a feature): none, kr or us.
    #[arg(long, default_value = "none")]
    pub holidays: String,
    /// A holiday file (JSON list of dates, or CSV with a date on each line), besides the
    /// calendar's days.
    #[arg(long)]
    pub holiday_file: Option<PathBuf>,
    /// Extra input columns (factors), comma-separated, for the LSTM, the regressions and
    /// boosted trees (ridge, lasso, elasticnet, gbt: their last value and change at each
    /// origin) and var (modelled with the target); the other statistical models are
    /// univariate.
    #[arg(long, value_delimiter = ',')]
    pub features: Vec<String>,
    /// Input columns whose values are known ahead (a holiday flag, a planned price, a
    /// weather forecast), comma-separated: the regressions and boosted trees read them at
    /// the steps they forecast, prophet takes them as extra regressors.
    #[arg(long, value_delimiter = ',')]
    pub future_known: Vec<String>,
    /// The capacity prophet's trend saturates at (logistic growth, in the target's units,
    /// floor 0; above every value of the series); linear growth without it.
    #[arg(long)]
    pub cap: Option<f64>,
    /// Also score the LSTM on the same origins (trained afresh per fold: slow).
    #[arg(long)]
    pub lstm: bool,
    /// LSTM input window; the data's suggested window when left out.
    #[arg(long)]
    pub lstm_window: Option<usize>,
    /// LSTM maximum epochs per fold (early stopping may end sooner).
    #[arg(long, default_value_t = lstm_defaults().epochs)]
    pub lstm_epochs: usize,
    /// LSTM hidden sizes per layer, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = lstm_defaults().hidden)]
    pub lstm_hidden: Vec<usize>,
    /// Device for the LSTM: auto, gpu or cpu.
    #[arg(long, default_value = "auto")]
    pub backend: String,
    /// One JSON line per model, then {"selected": …}.
    #[arg(long)]
    pub json: bool,
}

//! The page's state, split by concern into small structs of signals. Each is `Copy` (signals
//! are handles), provided once by [`super::App`] with `provide_context` and taken by the
//! components that need it with `expect_context`.

use leptos::prelude::*;

use crate::backend::BackendChoice;
use crate::jobs::{
    DatasetSummary, FillStrategy, HolidayCalendar, LeaderboardRequest, LeaderboardView, ModelSpec,
    Progress, ReadOptions, Refit, ScalerKind, SeriesView, TrainOutcome, TrainSettings,
};

/// What the page is doing; shown as `data-state` on the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppState {
    /// Nothing loaded yet.
    Idle,
    /// A file is being read.
    Loading,
    /// A data set is loaded and can be trained on.
    Ready,
    /// Training runs in the worker.
    Training,
    /// The model leaderboard is being computed in the worker.
    Comparing,
    /// A run finished; results are shown.
    Done,
    /// The last action failed; the banner says why, earlier data and results are kept.
    Error,
}

impl AppState {
    /// The `data-state` value.
    pub fn as_str(self) -> &'static str {
        match self {
            AppState::Idle => "idle",
            AppState::Loading => "loading",
            AppState::Ready => "ready",
            AppState::Training => "training",
            AppState::Comparing => "comparing",
            AppState::Done => "done",
            AppState::Error => "error",
        }
    }
}

/// Where the loaded data came from, so a restarted worker can be given the same data (a file
/// is read again from its handle; its bytes are not kept in the page).
#[derive(Clone)]
pub(crate) enum LoadSource {
    /// The bundled sample.
    Sample,
    /// A user's file.
    File(web_sys::File),
}

/// What the page is doing and what it tells the user: the state machine, the backend in use,
/// the error banner and the notice, and training progress.
#[derive(Clone, Copy)]
pub(crate) struct RunState {
    /// The `data-state` of the page.
    pub state: RwSignal<AppState>,
    /// The error banner's message.
    pub error: RwSignal<Option<String>>,
    /// A notice (no GPU, a cancelled run).
    pub notice: RwSignal<Option<String>>,
    /// The compute backend the worker uses, as it names it.
    pub backend_label: RwSignal<String>,
    /// Progress of the running training.
    pub progress: RwSignal<Option<Progress>>,
}

impl RunState {
    /// The state of a page that has just started.
    pub fn new() -> Self {
        RunState {
            state: RwSignal::new(AppState::Idle),
            error: RwSignal::new(None),
            notice: RwSignal::new(None),
            backend_label: RwSignal::new("starting…".into()),
            progress: RwSignal::new(None),
        }
    }

    /// Shows `message` in the banner and enters the error state.
    pub fn fail(&self, message: String) {
        self.error.set(Some(message));
        self.state.set(AppState::Error);
    }

    /// Whether the worker is busy with a load or a run, so controls that start one are off
    /// (tracked).
    pub fn busy(&self) -> bool {
        matches!(
            self.state.get(),
            AppState::Training | AppState::Loading | AppState::Comparing
        )
    }
}

/// The loaded data: its summary and read report, the reader choices, reading progress, the
/// series chosen in a panel, and the bookkeeping that lets a restarted worker load it again.
#[derive(Clone, Copy)]
pub(crate) struct DataState {
    /// What the engine says about the loaded data (with its read report).
    pub summary: RwSignal<Option<DatasetSummary>>,
    /// The reader choices the user made ("detect" unless changed).
    pub read_options: RwSignal<ReadOptions>,
    /// Share of the file read, while reading.
    pub reading: RwSignal<Option<f64>>,
    /// For a panel: the series (group) to model and to look at.
    pub series: RwSignal<Option<String>>,
    /// The load (or re-read) in flight.
    pub pending_load: StoredValue<Option<(LoadSource, ReadOptions)>, LocalStorage>,
    /// The last load that succeeded, replayed into a restarted worker so it holds the same
    /// data.
    pub last_load: StoredValue<Option<(LoadSource, ReadOptions)>, LocalStorage>,
}

impl DataState {
    /// Whether the loaded data is a panel (it has groups); tracked.
    pub fn is_panel(&self) -> bool {
        self.summary
            .with(|s| s.as_ref().is_some_and(|s| !s.report.groups.is_empty()))
    }

    /// [`Self::is_panel`], untracked.
    pub fn is_panel_untracked(&self) -> bool {
        self.summary
            .with_untracked(|s| s.as_ref().is_some_and(|s| !s.report.groups.is_empty()))
    }

    /// No data yet.
    pub fn new() -> Self {
        DataState {
            summary: RwSignal::new(None),
            read_options: RwSignal::new(ReadOptions::default()),
            reading: RwSignal::new(None),
            series: RwSignal::new(None),
            pending_load: StoredValue::new_local(None),
            last_load: StoredValue::new_local(None),
        }
    }

    /// Names of the loaded data's numeric columns (tracked: views re-render on a new load).
    pub fn numeric_columns(&self) -> Vec<String> {
        self.summary.with(|s| {
            s.as_ref()
                .map(|s| s.numeric_columns.iter().map(|c| c.0.clone()).collect())
                .unwrap_or_default()
        })
    }
}

/// The data view's choices (column, moving averages, lags) and the view the engine made.
#[derive(Clone, Copy)]
pub(crate) struct ExploreState {
    /// Column shown in the data view.
    pub column: RwSignal<String>,
    /// Show the 7-row moving average.
    pub ma7: RwSignal<bool>,
    /// Show the 30-row moving average.
    pub ma30: RwSignal<bool>,
    /// A custom moving-average window (0 = off).
    pub ma_custom: RwSignal<usize>,
    /// Largest ACF/PACF lag.
    pub lags: RwSignal<usize>,
    /// The data view from the engine.
    pub explored: RwSignal<Option<SeriesView>>,
}

impl ExploreState {
    /// The defaults: both averages on, 24 lags.
    pub fn new() -> Self {
        ExploreState {
            column: RwSignal::new(String::new()),
            ma7: RwSignal::new(true),
            ma30: RwSignal::new(true),
            ma_custom: RwSignal::new(0),
            lags: RwSignal::new(24),
            explored: RwSignal::new(None),
        }
    }
}

/// The model settings panel: what to forecast, from what, how, and on which backend.
#[derive(Clone, Copy)]
pub(crate) struct ModelSettings {
    /// Target column.
    pub target: RwSignal<String>,
    /// Input features besides the target.
    pub features: RwSignal<Vec<String>>,
    /// Those of the input features whose values are known ahead (a plan, a holiday flag).
    pub known_ahead: RwSignal<Vec<String>>,
    /// Input window (rows).
    pub window: RwSignal<usize>,
    /// Forecast horizon (rows).
    pub horizon: RwSignal<usize>,
    /// Most epochs to train.
    pub epochs: RwSignal<usize>,
    /// Adam's learning rate as typed (the engine says when it is not a positive number).
    pub learning_rate: RwSignal<String>,
    /// Backend choice for training.
    pub backend: RwSignal<BackendChoice>,
    /// Missing-value strategy.
    pub fill: RwSignal<FillStrategy>,
    /// Scaling of inputs and target.
    pub scaler: RwSignal<ScalerKind>,
    /// Built-in holiday calendar.
    pub holidays: RwSignal<HolidayCalendar>,
    /// The user's holidays (ISO dates) from a holiday file.
    pub user_holidays: RwSignal<Vec<String>>,
}

impl ModelSettings {
    /// The defaults shown before any data is loaded.
    pub fn new() -> Self {
        ModelSettings {
            target: RwSignal::new(String::new()),
            features: RwSignal::new(Vec::new()),
            known_ahead: RwSignal::new(Vec::new()),
            window: RwSignal::new(TrainSettings::default().data.window),
            horizon: RwSignal::new(1),
            epochs: RwSignal::new(TrainSettings::default().epochs),
            learning_rate: RwSignal::new(TrainSettings::default().learning_rate.to_string()),
            backend: RwSignal::new(BackendChoice::Auto),
            fill: RwSignal::new(FillStrategy::default()),
            scaler: RwSignal::new(ScalerKind::default()),
            holidays: RwSignal::new(HolidayCalendar::None),
            user_holidays: RwSignal::new(Vec::new()),
        }
    }
}

/// The last training's outcome.
#[derive(Clone, Copy)]
pub(crate) struct ResultsState {
    /// Metrics, forecast and loss history of the last finished training.
    pub outcome: RwSignal<Option<TrainOutcome>>,
}

impl ResultsState {
    /// No results yet.
    pub fn new() -> Self {
        ResultsState {
            outcome: RwSignal::new(None),
        }
    }
}

/// The model comparison: its settings, progress and last leaderboard.
#[derive(Clone, Copy)]
pub(crate) struct LeaderboardState {
    /// The leaderboard shown: the first target's of the last comparison, or the one
    /// picked among them (kept when a later comparison fails or is cancelled).
    pub board: RwSignal<Option<LeaderboardView>>,
    /// Every leaderboard of the last comparison, one per target.
    pub boards: RwSignal<Vec<LeaderboardView>>,
    /// Further columns to forecast besides the target (each its own leaderboard).
    pub also_targets: RwSignal<Vec<String>>,
    /// Leaderboard progress: fits done, fits in all, model running.
    pub fitting: RwSignal<Option<(usize, usize, String)>>,
    /// Season length for the statistical models (0: from the frequency).
    pub season: RwSignal<usize>,
    /// Backtest folds.
    pub folds: RwSignal<usize>,
    /// Score the LSTM (with the training settings) in the leaderboard too.
    pub compare_lstm: RwSignal<bool>,
    /// Also score the hybrid ARIMA–LSTM (an LSTM on ARIMA's residuals).
    pub compare_hybrid: RwSignal<bool>,
    /// Also score the LSTM with GARCH volatility bands.
    pub compare_lstm_garch: RwSignal<bool>,
    /// When the models are fitted again during the backtest.
    pub refit: RwSignal<Refit>,
    /// For a panel: score every group in this many folds of groups (0: the chosen series).
    pub group_folds: RwSignal<usize>,
    /// Move limits as typed (empty: none): largest step, largest total change, band (%),
    /// floor.
    pub limit_step: RwSignal<String>,
    /// Largest change from the last actual.
    pub limit_total: RwSignal<String>,
    /// Band around the last actual, in percent.
    pub limit_band: RwSignal<String>,
    /// Smallest forecast value.
    pub limit_floor: RwSignal<String>,
    /// The Prophet-style model's cap as typed (empty: linear growth).
    pub prophet_cap: RwSignal<String>,
    /// The statistical models ticked in the picker (all by default).
    pub models: RwSignal<Vec<String>>,
    /// Whether the ensembles run too.
    pub ensembles: RwSignal<bool>,
}

impl LeaderboardState {
    /// No leaderboard yet; three folds, season from the frequency, no LSTM.
    pub fn new() -> Self {
        LeaderboardState {
            board: RwSignal::new(None),
            boards: RwSignal::new(vec![]),
            also_targets: RwSignal::new(vec![]),
            fitting: RwSignal::new(None),
            season: RwSignal::new(0),
            folds: RwSignal::new(LeaderboardRequest::new("").folds),
            compare_lstm: RwSignal::new(false),
            compare_hybrid: RwSignal::new(false),
            compare_lstm_garch: RwSignal::new(false),
            refit: RwSignal::new(Refit::Auto),
            group_folds: RwSignal::new(0),
            limit_step: RwSignal::new(String::new()),
            limit_total: RwSignal::new(String::new()),
            limit_band: RwSignal::new(String::new()),
            limit_floor: RwSignal::new(String::new()),
            prophet_cap: RwSignal::new(String::new()),
            models: RwSignal::new(
                ModelSpec::all_described()
                    .into_iter()
                    .map(|(name, _)| name.to_string())
                    .collect(),
            ),
            ensembles: RwSignal::new(true),
        }
    }
}

//! What the user can ask for — load, re-read, explore, train, compare, cancel — turned into
//! jobs for the worker client and state changes. Components take [`Actions`] from context.

use leptos::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};

use super::state::{
    AppState, DataState, ExploreState, LeaderboardState, LoadSource, ModelSettings, ResultsState,
    RunState,
};
use crate::jobs::{
    ExploreRequest, HybridForm, Job, LeaderboardRequest, ModelSpec, MoveLimits, ReadOptions,
    TrainSettings, WindowSpec,
};
use crate::web::client::WorkerClient;

/// The page's commands: the worker client and every piece of state they change (all
/// handles, so `Copy`).
#[derive(Clone, Copy)]
pub(crate) struct Actions {
    /// The worker client (kept in the reactive arena so that `Actions` is `Copy`).
    client: StoredValue<WorkerClient, LocalStorage>,
    /// State machine, banner, notice, progress.
    pub run: RunState,
    /// The loaded data.
    pub data: DataState,
    /// The data view.
    pub explore: ExploreState,
    /// The model settings.
    pub model: ModelSettings,
    /// The training results.
    pub results: ResultsState,
    /// The model comparison.
    pub board: LeaderboardState,
}

impl Actions {
    /// Commands over `client` and fresh state.
    pub fn new(client: WorkerClient) -> Self {
        Actions {
            client: StoredValue::new_local(client),
            run: RunState::new(),
            data: DataState::new(),
            explore: ExploreState::new(),
            model: ModelSettings::new(),
            results: ResultsState::new(),
            board: LeaderboardState::new(),
        }
    }

    /// The worker client.
    pub fn client(&self) -> WorkerClient {
        self.client.get_value()
    }

    /// Sends a job to the worker, with the backend chosen for training.
    fn send(&self, job: Job) {
        self.client().send(job, self.model.backend.get_untracked());
    }

    /// Enters `state` (training or comparing) for a new run and sends its job.
    fn start_run(&self, state: AppState, job: Job) {
        self.run.state.set(state);
        self.client()
            .start_run(job, self.model.backend.get_untracked());
    }

    /// After a failure or cancel: back to the state that matches what is kept.
    pub fn settled_state(&self) -> AppState {
        if self.results.outcome.with_untracked(Option::is_some) {
            AppState::Done
        } else if self.data.summary.with_untracked(Option::is_some) {
            AppState::Ready
        } else {
            AppState::Idle
        }
    }

    /// Shows `message` in the banner and enters the error state.
    pub fn fail(&self, message: String) {
        self.run.fail(message);
    }

    /// Loads the sample or a file into the worker with `options`. A file is read once, with
    /// those options; the sample is loaded, then read again when the options are not the
    /// defaults.
    fn load(self, source: LoadSource, options: ReadOptions) {
        self.run.state.set(AppState::Loading);
        self.run.notice.set(None);
        self.data.reading.set(None);
        self.data
            .pending_load
            .set_value(Some((source.clone(), options.clone())));
        match source {
            LoadSource::Sample => {
                let reread = options != ReadOptions::default();
                self.send(Job::LoadSample);
                if reread {
                    self.send(Job::Reread(options));
                }
            }
            LoadSource::File(file) => spawn_local(async move {
                match JsFuture::from(file.array_buffer()).await {
                    Ok(buffer) => {
                        let job = Job::LoadCsv {
                            file_name: file.name(),
                            bytes: Vec::new(),
                            options,
                        };
                        self.client().send_with_bytes(
                            job,
                            self.model.backend.get_untracked(),
                            buffer,
                        );
                    }
                    Err(_) => self.fail(format!(
                        "{}: the browser could not read this file",
                        file.name()
                    )),
                }
            }),
        }
    }

    /// Loads the bundled sample, with every reader choice detected.
    pub fn load_sample(self) {
        self.data.read_options.set(ReadOptions::default());
        self.load(LoadSource::Sample, ReadOptions::default());
    }

    /// Reads a user's file in the worker, with every reader choice detected.
    pub fn load_file(self, file: web_sys::File) {
        self.data.read_options.set(ReadOptions::default());
        self.load(LoadSource::File(file), ReadOptions::default());
    }

    /// Reads the current data again with one reader choice changed.
    pub fn reread(self, change: impl FnOnce(&mut ReadOptions)) {
        let Some((source, _)) = self.data.last_load.get_value() else {
            return;
        };
        let mut options = self.data.read_options.get_untracked();
        change(&mut options);
        self.data.read_options.set(options.clone());
        self.run.state.set(AppState::Loading);
        self.data.reading.set(None);
        self.data
            .pending_load
            .set_value(Some((source, options.clone())));
        self.send(Job::Reread(options));
    }

    /// Asks the worker for the data view of the chosen column (queued behind running jobs).
    /// Reads its inputs tracked, so an effect calling it runs again when they change.
    pub fn explore(self) {
        let column = self.explore.column.get();
        if column.is_empty() || !self.data.summary.with(Option::is_some) {
            return;
        }
        let mut windows = Vec::new();
        if self.explore.ma7.get() {
            windows.push(7);
        }
        if self.explore.ma30.get() {
            windows.push(30);
        }
        let custom = self.explore.ma_custom.get();
        if custom > 0 && !windows.contains(&custom) {
            windows.push(custom);
        }
        self.send(Job::Explore(ExploreRequest {
            column,
            group: self.data.series.get(),
            windows,
            lags: self.explore.lags.get().max(1),
        }));
    }

    /// Has the worker read a holiday file (small: its bytes travel inside the JSON); the
    /// dates come back as [`crate::jobs::Event::Holidays`].
    pub fn load_holidays(self, file: web_sys::File) {
        spawn_local(async move {
            let file_name = file.name();
            match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    // The bytes travel beside the job, transferred, as a data file's do.
                    let job = Job::ReadHolidays {
                        file_name,
                        bytes: Vec::new(),
                    };
                    self.client()
                        .send_with_bytes(job, self.model.backend.get_untracked(), buffer);
                }
                Err(_) => {
                    self.fail(format!("{file_name}: the browser could not read this file"));
                }
            }
        });
    }

    /// The training settings as the panel shows them.
    pub fn settings(&self) -> TrainSettings {
        let m = self.model;
        TrainSettings {
            data: WindowSpec {
                target: m.target.get_untracked(),
                features: m.features.get_untracked(),
                window: m.window.get_untracked(),
                horizon: m.horizon.get_untracked(),
                group: self.data.series.get_untracked(),
                fill: m.fill.get_untracked(),
                scaler: m.scaler.get_untracked(),
                holidays: m.holidays.get_untracked(),
                user_holidays: m.user_holidays.get_untracked(),
                ..WindowSpec::default()
            },
            epochs: m.epochs.get_untracked(),
            // Checked before a run starts ([`Actions::learning_rate_error`]).
            learning_rate: self.learning_rate().unwrap_or(0.0),
            ..TrainSettings::default()
        }
    }

    /// The learning rate as typed, if it is a positive number.
    fn learning_rate(&self) -> Option<f64> {
        let text = self.model.learning_rate.get_untracked();
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
    }

    /// What is wrong with the learning rate as typed, if anything.
    fn learning_rate_error(&self) -> Option<String> {
        self.learning_rate().is_none().then(|| {
            format!(
                "Learning rate: expected a positive number such as 0.001, got '{}'",
                self.model.learning_rate.get_untracked().trim()
            )
        })
    }

    /// Trains with the panel's settings.
    pub fn train(self) {
        if let Some(message) = self.learning_rate_error() {
            self.fail(message);
            return;
        }
        self.run.error.set(None);
        self.run.notice.set(None);
        self.run.progress.set(None);
        self.start_run(AppState::Training, Job::Train(self.settings()));
    }

    /// Compares the models on the chosen target, series, fill and horizon.
    pub fn compare(self) {
        let m = self.model;
        let b = self.board;
        if m.target.get_untracked().is_empty() {
            self.fail("load a data set and choose a target column first".into());
            return;
        }
        let limits = match MoveLimits::parse(
            &b.limit_step.get_untracked(),
            &b.limit_total.get_untracked(),
            &b.limit_band.get_untracked(),
            &b.limit_floor.get_untracked(),
        ) {
            Ok(limits) => limits,
            Err(e) => {
                self.fail(e.to_string());
                return;
            }
        };
        let cap = match b.prophet_cap.get_untracked().trim() {
            "" => None,
            text => match text.parse::<f64>() {
                Ok(cap) if cap.is_finite() => Some(cap),
                _ => {
                    self.fail(format!(
                        "Prophet cap: expected a number (the level the trend saturates at), got '{text}'"
                    ));
                    return;
                }
            },
        };
        let picked = b.models.get_untracked();
        let with_ensembles = b.ensembles.get_untracked();
        let hybrids: Vec<String> = [
            (b.compare_hybrid, HybridForm::ArimaLstm),
            (b.compare_lstm_garch, HybridForm::LstmGarch),
        ]
        .into_iter()
        .filter(|(ticked, _)| ticked.get_untracked())
        .map(|(_, form)| form.name().to_string())
        .collect();
        let with_hybrid = !hybrids.is_empty();
        if picked.is_empty() && !b.compare_lstm.get_untracked() && !with_hybrid {
            self.fail("tick at least one model to compare (Models)".into());
            return;
        }
        // Everything ticked is `all`; otherwise the ticked names (and the ensembles), and
        // the hybrids ticked.
        let mut models: Vec<String> =
            if picked.len() == ModelSpec::all_described().len() && with_ensembles {
                vec!["all".to_string()]
            } else {
                picked
                    .into_iter()
                    .chain(with_ensembles.then(|| "ensemble".to_string()))
                    .collect()
            };
        models.extend(hybrids);
        // Nothing ticked but the LSTM: the LSTM alone (an empty list would mean all).
        if models.is_empty() {
            models.push("lstm".to_string());
        }
        let horizon = m.horizon.get_untracked().max(1);
        let season = b.season.get_untracked();
        let with_lstm = b.compare_lstm.get_untracked();
        if (with_lstm || with_hybrid)
            && let Some(message) = self.learning_rate_error()
        {
            self.fail(message);
            return;
        }
        let request = LeaderboardRequest {
            series: self.data.series.get_untracked(),
            fill: Some(m.fill.get_untracked()),
            season: (season > 0).then_some(season),
            horizon: Some(horizon),
            folds: b.folds.get_untracked(),
            refit: b.refit.get_untracked(),
            // Grouped folds only where the data is a panel (the setting stays for the next).
            group_folds: Some(b.group_folds.get_untracked())
                .filter(|k| *k >= 2 && self.data.is_panel_untracked()),
            lstm: with_lstm.then(|| self.settings()),
            // The hybrids' LSTM trains with the same settings.
            hybrid_lstm: with_hybrid.then(|| self.settings()),
            // The inputs chosen above feed the LSTM row (as Train does), the regressions,
            // the trees, VAR and prophet (its regressors: the known-ahead ones); the
            // univariate models ignore them.
            covariates: m.features.get_untracked(),
            // Of those, the ones marked known ahead.
            future_known: m
                .known_ahead
                .get_untracked()
                .into_iter()
                .filter(|c| m.features.with_untracked(|f| f.contains(c)))
                .collect(),
            limits,
            models,
            // The holidays chosen above: the Prophet-style model's holiday effect.
            holidays: m.holidays.get_untracked(),
            user_holidays: m.user_holidays.get_untracked(),
            // Logistic growth for the Prophet-style model when a cap is given.
            cap,
            // Further targets ticked (of this data set's columns): a leaderboard each.
            also_targets: {
                let columns = untrack(|| self.data.numeric_columns());
                b.also_targets
                    .get_untracked()
                    .into_iter()
                    .filter(|t| columns.contains(t))
                    .collect()
            },
            ..LeaderboardRequest::new(m.target.get_untracked())
        };
        self.run.error.set(None);
        self.run.notice.set(None);
        b.fitting.set(Some((0, 1, String::new())));
        self.start_run(AppState::Comparing, Job::Leaderboard(request));
    }

    /// Asks the worker to stop the running training or comparison. If that run has not
    /// stopped within the client's fallback delay, the client restarts the worker; the
    /// fresh one is given the data again and the cancel is reported.
    pub fn cancel(self) {
        let still_running = move || {
            matches!(
                self.run.state.get_untracked(),
                AppState::Training | AppState::Comparing
            )
        };
        let restarted = move || {
            // What was stopped, read before the reload moves the state to loading.
            let comparing = self.run.state.get_untracked() == AppState::Comparing;
            if let Some((source, options)) = self.data.last_load.get_value() {
                self.load(source, options);
            }
            super::report_cancel(self, comparing);
        };
        self.client()
            .cancel(self.model.backend.get_untracked(), still_running, restarted);
    }
}

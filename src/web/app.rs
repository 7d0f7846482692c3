//! The page: load data, choose settings, train in the worker, show metrics and charts.
//! `data-testid` attributes are a public contract (tests and users' scripts drive them).

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{MessageEvent, Worker};

use super::bridge::{
    APP_GLUE_URL, APP_WASM_URL, WorkerRequest, request_message, spawn_engine_worker,
};
use super::charts;

mod leaderboard;
use crate::backend::BackendChoice;
use crate::jobs::{
    CHOOSABLE_ENCODINGS, DatasetSummary, DateOrder, DecimalMark, DuplicatePolicy, Event,
    ExploreRequest, FillStrategy, HeaderChoice, HolidayCalendar, Job, LeaderboardView, NONE,
    Progress, ReadOptions, ReadReport, ScalerKind, SeriesView, TrainOutcome, TrainSettings,
    WindowSpec, format_number,
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
enum LoadSource {
    Sample,
    File(web_sys::File),
}

/// All page state, as copyable signal handles.
#[derive(Clone, Copy)]
struct Ctx {
    state: RwSignal<AppState>,
    summary: RwSignal<Option<DatasetSummary>>,
    error: RwSignal<Option<String>>,
    notice: RwSignal<Option<String>>,
    backend_label: RwSignal<String>,
    target: RwSignal<String>,
    features: RwSignal<Vec<String>>,
    window: RwSignal<usize>,
    horizon: RwSignal<usize>,
    epochs: RwSignal<usize>,
    backend: RwSignal<BackendChoice>,
    progress: RwSignal<Option<Progress>>,
    outcome: RwSignal<Option<TrainOutcome>>,
    worker: StoredValue<Option<Worker>, LocalStorage>,
    ready: RwSignal<bool>,
    /// Messages (with a buffer to transfer) waiting for the worker to be ready.
    queued: StoredValue<Vec<(JsValue, Option<JsValue>)>, LocalStorage>,
    /// The load (or re-read) in flight.
    pending_load: StoredValue<Option<(LoadSource, ReadOptions)>, LocalStorage>,
    /// The last load that succeeded, replayed into a restarted worker so it holds the same
    /// data.
    last_load: StoredValue<Option<(LoadSource, ReadOptions)>, LocalStorage>,
    /// The reader choices the user made ("detect" unless changed).
    read_options: RwSignal<ReadOptions>,
    /// Share of the file read, while reading.
    reading: RwSignal<Option<f64>>,
    /// For a panel: the series (group) to model.
    series: RwSignal<Option<String>>,
    /// Missing-value strategy.
    fill: RwSignal<FillStrategy>,
    /// Scaling of inputs and target.
    scaler: RwSignal<ScalerKind>,
    /// Built-in holiday calendar.
    holidays: RwSignal<HolidayCalendar>,
    /// The user's holidays (ISO dates) from a holiday file.
    user_holidays: RwSignal<Vec<String>>,
    /// Column shown in the data view.
    explore_column: RwSignal<String>,
    /// Moving averages shown: 7, 30 and a custom window (0 = off).
    ma7: RwSignal<bool>,
    ma30: RwSignal<bool>,
    ma_custom: RwSignal<usize>,
    /// Largest ACF/PACF lag.
    lags: RwSignal<usize>,
    /// The data view from the engine.
    explored: RwSignal<Option<SeriesView>>,
    /// The last model leaderboard (kept when a later one fails or is cancelled).
    board: RwSignal<Option<LeaderboardView>>,
    /// Leaderboard progress: fits done, fits in all, model running.
    fitting: RwSignal<Option<(usize, usize, String)>>,
    /// Season length for the statistical models (0: from the frequency).
    season: RwSignal<usize>,
    /// Backtest folds.
    folds: RwSignal<usize>,
    /// Score the LSTM (with the training settings) in the leaderboard too.
    compare_lstm: RwSignal<bool>,
    /// Counts the runs (trainings and comparisons) started, so that a cancel's fallback
    /// acts only on the run it was asked to stop, never on one started after it.
    runs_started: StoredValue<u64>,
}

impl Ctx {
    fn new() -> Self {
        Ctx {
            state: RwSignal::new(AppState::Idle),
            summary: RwSignal::new(None),
            error: RwSignal::new(None),
            notice: RwSignal::new(None),
            backend_label: RwSignal::new("starting…".into()),
            target: RwSignal::new(String::new()),
            features: RwSignal::new(Vec::new()),
            window: RwSignal::new(168),
            horizon: RwSignal::new(1),
            epochs: RwSignal::new(50),
            backend: RwSignal::new(BackendChoice::Auto),
            progress: RwSignal::new(None),
            outcome: RwSignal::new(None),
            worker: StoredValue::new_local(None),
            ready: RwSignal::new(false),
            queued: StoredValue::new_local(Vec::new()),
            pending_load: StoredValue::new_local(None),
            last_load: StoredValue::new_local(None),
            read_options: RwSignal::new(ReadOptions::default()),
            reading: RwSignal::new(None),
            series: RwSignal::new(None),
            fill: RwSignal::new(FillStrategy::default()),
            scaler: RwSignal::new(ScalerKind::default()),
            holidays: RwSignal::new(HolidayCalendar::None),
            user_holidays: RwSignal::new(Vec::new()),
            explore_column: RwSignal::new(String::new()),
            ma7: RwSignal::new(true),
            ma30: RwSignal::new(true),
            ma_custom: RwSignal::new(0),
            lags: RwSignal::new(24),
            explored: RwSignal::new(None),
            board: RwSignal::new(None),
            fitting: RwSignal::new(None),
            season: RwSignal::new(0),
            folds: RwSignal::new(3),
            compare_lstm: RwSignal::new(false),
            runs_started: StoredValue::new(0),
        }
    }

    /// Enters `state` (training or comparing) for a new run and sends its job.
    fn start_run(&self, state: AppState, job: Job) {
        self.runs_started.update_value(|n| *n += 1);
        self.state.set(state);
        self.send(job);
    }

    /// After a failure or cancel: back to the state that matches what is kept.
    fn settled_state(&self) -> AppState {
        if self.outcome.with_untracked(Option::is_some) {
            AppState::Done
        } else if self.summary.with_untracked(Option::is_some) {
            AppState::Ready
        } else {
            AppState::Idle
        }
    }

    fn fail(&self, message: String) {
        self.error.set(Some(message));
        self.state.set(AppState::Error);
    }

    /// Posts a message (transferring `transfer`), or queues it until the worker is ready.
    fn post(&self, message: JsValue, transfer: Option<JsValue>) {
        if !self.ready.get_untracked() {
            self.queued.update_value(|q| q.push((message, transfer)));
            return;
        }
        self.worker.with_value(|w| {
            if let Some(w) = w {
                let _ = match &transfer {
                    Some(buffer) => {
                        w.post_message_with_transfer(&message, &js_sys::Array::of1(buffer))
                    }
                    None => w.post_message(&message),
                };
            }
        });
    }

    /// Sends a job to the worker.
    fn send(&self, job: Job) {
        let request = WorkerRequest {
            job,
            backend: self.backend.get_untracked(),
        };
        self.post(request_message(&request, None), None);
    }

    /// Loads the sample or a file into the worker, then applies non-default reader choices.
    fn load(self, source: LoadSource, options: ReadOptions) {
        self.state.set(AppState::Loading);
        self.notice.set(None);
        self.reading.set(None);
        self.pending_load
            .set_value(Some((source.clone(), options.clone())));
        let reread = options != ReadOptions::default();
        match source {
            LoadSource::Sample => {
                self.send(Job::LoadSample);
                if reread {
                    self.send(Job::Reread(options));
                }
            }
            LoadSource::File(file) => spawn_local(async move {
                match JsFuture::from(file.array_buffer()).await {
                    Ok(buffer) => {
                        let request = WorkerRequest {
                            job: Job::LoadCsv {
                                file_name: file.name(),
                                bytes: Vec::new(),
                                options: ReadOptions::default(),
                            },
                            backend: self.backend.get_untracked(),
                        };
                        self.post(request_message(&request, Some(&buffer)), Some(buffer));
                        if reread {
                            self.send(Job::Reread(options));
                        }
                    }
                    Err(_) => self.fail(format!(
                        "{}: the browser could not read this file",
                        file.name()
                    )),
                }
            }),
        }
    }

    /// Reads the current data again with one reader choice changed.
    fn reread(self, change: impl FnOnce(&mut ReadOptions)) {
        let Some((source, _)) = self.last_load.get_value() else {
            return;
        };
        let mut options = self.read_options.get_untracked();
        change(&mut options);
        self.read_options.set(options.clone());
        self.state.set(AppState::Loading);
        self.reading.set(None);
        self.pending_load.set_value(Some((source, options.clone())));
        self.send(Job::Reread(options));
    }

    fn on_event(&self, event: Event) {
        match event {
            Event::Ready { backend, notice } => {
                self.backend_label.set(backend);
                self.notice.set(notice);
                self.ready.set(true);
                let queued = self
                    .queued
                    .try_update_value(std::mem::take)
                    .unwrap_or_default();
                for (message, transfer) in queued {
                    self.post(message, transfer);
                }
            }
            Event::Reading { fraction } => self.reading.set(Some(fraction)),
            Event::Explored(view) => self.explored.set(Some(*view)),
            Event::Loaded(summary) => {
                self.board.set(None);
                let loaded = self.pending_load.try_update_value(Option::take).flatten();
                if loaded.is_some() {
                    self.last_load.set_value(loaded);
                }
                // The same data again (e.g. a restarted worker reloading it) keeps the
                // user's settings and results.
                let same_data = self
                    .summary
                    .with_untracked(|s| s.as_ref() == Some(&summary));
                self.reading.set(None);
                if !same_data {
                    self.series.set(summary.report.groups.first().cloned());
                    self.explore_column.set(summary.default_target.clone());
                    self.explored.set(None);
                    self.target.set(summary.default_target.clone());
                    self.features.set(Vec::new());
                    self.window.set(summary.suggested_window);
                    self.horizon.set(summary.suggested_horizon);
                    self.outcome.set(None);
                    self.progress.set(None);
                    self.summary.set(Some(*summary));
                }
                self.error.set(None);
                self.state.set(if same_data {
                    self.settled_state()
                } else {
                    AppState::Ready
                });
            }
            Event::Holidays { dates, .. } => {
                self.user_holidays.set(dates);
                self.error.set(None);
            }
            Event::Started { backend } => self.backend_label.set(backend),
            Event::Fitting { done, total, model } => {
                self.fitting.set(Some((done, total, model)));
            }
            Event::Leaderboard(view) => {
                self.board.set(Some(*view));
                self.fitting.set(None);
                self.error.set(None);
                self.state.set(self.settled_state());
            }
            Event::Progress(p) => self.progress.set(Some(p)),
            Event::Finished(outcome) => {
                self.backend_label.set(outcome.backend.clone());
                self.outcome.set(Some(*outcome));
                self.error.set(None);
                self.state.set(AppState::Done);
            }
            Event::Cancelled => {
                let what = if self.state.get_untracked() == AppState::Comparing {
                    "Model comparison"
                } else {
                    "Training"
                };
                self.fitting.set(None);
                self.notice
                    .set(Some(format!("{what} cancelled; earlier results are kept.")));
                self.state.set(self.settled_state());
            }
            Event::Failed { message } => {
                // A failed load or re-read: the controls show the choices still in effect.
                if self
                    .pending_load
                    .try_update_value(Option::take)
                    .flatten()
                    .is_some()
                {
                    let kept = self
                        .last_load
                        .get_value()
                        .map(|(_, o)| o)
                        .unwrap_or_default();
                    self.read_options.set(kept);
                }
                self.reading.set(None);
                self.fail(message);
            }
        }
    }

    /// Starts (or restarts) the compute worker.
    fn spawn_worker(self) {
        self.ready.set(false);
        let worker = match spawn_engine_worker(APP_GLUE_URL, APP_WASM_URL, "start_worker") {
            Ok(w) => w,
            Err(e) => return self.fail(e),
        };
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
            let text = m.data().as_string().unwrap_or_default();
            match serde_json::from_str::<Event>(&text) {
                Ok(event) => self.on_event(event),
                Err(e) => self.fail(format!("unreadable message from the worker: {e}")),
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_e: web_sys::Event| {
            self.fail("the compute worker stopped with an error (see the browser console)".into());
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        self.worker.set_value(Some(worker));
    }

    /// Reads a user's file in the worker, with every reader choice detected.
    fn load_file(self, file: web_sys::File) {
        self.read_options.set(ReadOptions::default());
        self.load(LoadSource::File(file), ReadOptions::default());
    }

    /// Names of the loaded data's numeric columns (tracked: views re-render on a new load).
    fn numeric_columns(&self) -> Vec<String> {
        self.summary.with(|s| {
            s.as_ref()
                .map(|s| s.numeric_columns.iter().map(|c| c.0.clone()).collect())
                .unwrap_or_default()
        })
    }

    /// Asks the worker for the data view of the chosen column (queued behind running jobs).
    fn explore(self) {
        let column = self.explore_column.get();
        if column.is_empty() || !self.summary.with(Option::is_some) {
            return;
        }
        let mut windows = Vec::new();
        if self.ma7.get() {
            windows.push(7);
        }
        if self.ma30.get() {
            windows.push(30);
        }
        let custom = self.ma_custom.get();
        if custom > 0 && !windows.contains(&custom) {
            windows.push(custom);
        }
        self.send(Job::Explore(ExploreRequest {
            column,
            group: self.series.get(),
            windows,
            lags: self.lags.get().max(1),
        }));
    }

    /// Has the worker read a holiday file (small: its bytes travel inside the JSON); the
    /// dates come back as [`Event::Holidays`].
    fn load_holidays(self, file: web_sys::File) {
        spawn_local(async move {
            let file_name = file.name();
            match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    self.send(Job::ReadHolidays { file_name, bytes });
                }
                Err(_) => {
                    self.fail(format!("{file_name}: the browser could not read this file"));
                }
            }
        });
    }

    /// The training settings as the panel shows them.
    fn settings(&self) -> TrainSettings {
        TrainSettings {
            data: WindowSpec {
                target: self.target.get_untracked(),
                features: self.features.get_untracked(),
                window: self.window.get_untracked(),
                horizon: self.horizon.get_untracked(),
                group: self.series.get_untracked(),
                fill: self.fill.get_untracked(),
                scaler: self.scaler.get_untracked(),
                holidays: self.holidays.get_untracked(),
                user_holidays: self.user_holidays.get_untracked(),
                ..WindowSpec::default()
            },
            epochs: self.epochs.get_untracked(),
            ..TrainSettings::default()
        }
    }

    fn train(self) {
        self.error.set(None);
        self.notice.set(None);
        self.progress.set(None);
        self.start_run(AppState::Training, Job::Train(self.settings()));
    }

    /// Asks the worker to stop; if the same run has not stopped within 1.5 s (a long GPU
    /// kernel), the worker is terminated and a fresh one started. A run started after the
    /// cancel (the user may press Train again at once) is left alone.
    fn cancel(self) {
        self.send(Job::Cancel);
        let run = self.runs_started.get_value();
        let fallback = Closure::once_into_js(move || {
            let still_running = matches!(
                self.state.get_untracked(),
                AppState::Training | AppState::Comparing
            );
            if still_running && self.runs_started.get_value() == run {
                self.worker.with_value(|w| {
                    if let Some(w) = w {
                        w.terminate();
                    }
                });
                self.spawn_worker();
                if let Some((source, options)) = self.last_load.get_value() {
                    self.load(source, options);
                }
                self.on_event(Event::Cancelled);
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                fallback.unchecked_ref(),
                1500,
            );
        }
    }
}

fn format_ms(ms: f64) -> String {
    let s = (ms / 1000.0).round() as u64;
    if s >= 60 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

fn format_value(v: f64) -> String {
    if v == 0.0 || (v.abs() >= 0.01 && v.abs() < 1e6) {
        format!("{v:.4}")
    } else {
        format!("{v:.4e}")
    }
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx::new();
    ctx.spawn_worker();
    let busy = move || {
        matches!(
            ctx.state.get(),
            AppState::Training | AppState::Loading | AppState::Comparing
        )
    };

    view! {
        <main data-testid="app" data-state=move || ctx.state.get().as_str() class="app">
            <header class="top">
                <h1>"Foresight"</h1>
                <span class="backend">"backend: " <b data-testid="backend-label">{move || ctx.backend_label.get()}</b></span>
            </header>
            <ErrorBanner ctx=ctx />
            <DataPanel ctx=ctx busy=Signal::derive(busy) />
            <SettingsPanel ctx=ctx busy=Signal::derive(busy) />
            <ProgressPanel ctx=ctx />
            <ResultsPanel ctx=ctx />
            <leaderboard::LeaderboardPanel ctx=ctx busy=Signal::derive(busy) />
        </main>
    }
}

#[component]
fn ErrorBanner(ctx: Ctx) -> impl IntoView {
    view! {
        <Show when=move || ctx.error.with(Option::is_some)>
            <div class="error" role="alert" data-testid="error-banner">
                {move || ctx.error.get().unwrap_or_default()}
                <button class="dismiss" on:click=move |_| { ctx.error.set(None); ctx.state.set(ctx.settled_state()); }>"×"</button>
            </div>
        </Show>
        <Show when=move || ctx.notice.with(Option::is_some)>
            <div class="notice" data-testid="notice">{move || ctx.notice.get().unwrap_or_default()}</div>
        </Show>
    }
}

#[component]
fn DataPanel(ctx: Ctx, busy: Signal<bool>) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let on_change = move |ev: web_sys::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            ctx.load_file(file);
        }
        input.set_value("");
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if busy.get_untracked() {
            return;
        }
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            ctx.load_file(file);
        }
    };
    view! {
        <section class="panel data">
            <h2>"Data"</h2>
            <div class="drop" class:dragging=move || dragging.get()
                on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop>
                <label>"Drop a CSV here or pick one: "
                    <input type="file" accept=".csv,.tsv,.txt,text/csv" data-testid="upload-input"
                        prop:disabled=move || busy.get() on:change=on_change />
                </label>
                <span class="or">" or "</span>
                <button data-testid="sample-button" prop:disabled=move || busy.get()
                    on:click=move |_| { ctx.read_options.set(ReadOptions::default()); ctx.load(LoadSource::Sample, ReadOptions::default()); }>
                    "Load sample: US weekly petroleum (EIA)"
                </button>
            </div>
            <p class="reading" data-testid="read-progress" style:display=move || if ctx.reading.with(Option::is_some) { "block" } else { "none" }>
                {move || ctx.reading.get().map(|f| format!("Reading the file… {:.0}%", 100.0 * f))}
            </p>
            {move || ctx.summary.get().map(|s| view! { <Summary summary=s /> })}
            {move || ctx.summary.get().map(|s| view! { <DataReport ctx=ctx busy=busy report=s.report /> })}
            <SeriesPanel ctx=ctx />
        </section>
    }
}

#[component]
fn Summary(summary: DatasetSummary) -> impl IntoView {
    let time = match (&summary.time_column, &summary.time_range) {
        (Some(t), Some((a, b))) => format!("{t}, {a} … {b}"),
        _ => "none (rows in file order)".to_string(),
    };
    let columns = summary
        .numeric_columns
        .iter()
        .map(|(name, missing)| {
            if *missing > 0 {
                format!("{name} ({missing} missing)")
            } else {
                name.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <dl class="summary" data-testid="data-summary">
            <dt>"File"</dt><dd>{summary.file_name.clone()}</dd>
            <dt>"Rows"</dt><dd data-testid="summary-rows">{summary.rows}</dd>
            <dt>"Columns"</dt><dd>{summary.numeric_columns.len() + summary.text_columns.len() + usize::from(summary.time_column.is_some())}</dd>
            <dt>"Time column"</dt><dd>{time}</dd>
            <dt>"Frequency"</dt><dd data-testid="summary-frequency">{summary.frequency.clone()}</dd>
            <dt>"Numeric"</dt><dd>{columns}</dd>
            {(!summary.text_columns.is_empty()).then(|| view! { <dt>"Not used (text)"</dt><dd>{summary.text_columns.join(", ")}</dd> })}
        </dl>
    }
}

/// `(value, label)` pairs for a [`ChoiceField`].
fn choices(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
}

/// A select of reader choices: `(value, label)` options, the current value, and what to do
/// with a new one.
#[component]
fn ChoiceField(
    label: String,
    testid: &'static str,
    options: Vec<(String, String)>,
    current: String,
    busy: Signal<bool>,
    on_pick: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <label class="field">{label}
            <select data-testid=testid prop:disabled=move || busy.get()
                on:change=move |ev| on_pick(event_target_value(&ev))>
                {options.into_iter().map(|(value, text)| {
                    let selected = value == current;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// What the reader settled (the `data-report` facts), the reader choices to override it,
/// per-column statistics and a preview of the first rows.
#[component]
fn DataReport(ctx: Ctx, busy: Signal<bool>, report: ReadReport) -> impl IntoView {
    let chosen = ctx.read_options.get_untracked();
    let settled = report.settled.clone();
    let columns = report.preview.header.clone();
    let auto = |detected: Option<&str>| {
        (
            "auto".to_string(),
            format!("detect ({})", detected.unwrap_or("?")),
        )
    };
    let pairs = |values: &[&str]| -> Vec<(String, String)> {
        values
            .iter()
            .map(|v| (v.to_string(), v.to_string()))
            .collect()
    };
    let mut encodings = vec![auto(settled.encoding.as_deref())];
    encodings.extend(pairs(&CHOOSABLE_ENCODINGS));
    let mut delimiters = vec![auto(settled.delimiter.as_deref())];
    delimiters.extend(pairs(&[",", ";", "tab", "|"]));
    let header_now = match settled.header {
        HeaderChoice::Line(l) => format!("line {l}"),
        _ => "none".into(),
    };
    let mut headers = vec![auto(Some(&header_now)), ("none".into(), "no header".into())];
    headers.extend((1..=20).map(|l| (l.to_string(), format!("line {l}"))));
    let column_choices = |detected: Option<&str>| {
        let mut out = vec![auto(detected), (NONE.to_string(), "none".to_string())];
        out.extend(columns.iter().map(|c| (c.clone(), c.clone())));
        out
    };
    let time_choices = column_choices(settled.time_column.as_deref());
    let group_choices = column_choices(settled.group_column.as_deref());
    let orders = vec![
        auto(Some(match settled.date_order {
            DateOrder::DayFirst => "day-first",
            DateOrder::MonthFirst => "month-first",
            DateOrder::Auto => "n/a",
        })),
        ("day-first".into(), "day-first (DD/MM)".into()),
        ("month-first".into(), "month-first (MM/DD)".into()),
    ];
    let duplicates = choices(&[
        ("error", "stop with an error"),
        ("last", "keep the last row"),
        ("mean", "average them"),
    ]);
    let or_auto = |v: &Option<String>| v.clone().unwrap_or_else(|| "auto".into());
    let header_current = match chosen.header {
        HeaderChoice::Auto => "auto".into(),
        HeaderChoice::None => "none".into(),
        HeaderChoice::Line(l) => l.to_string(),
    };
    let order_current = match chosen.date_order {
        DateOrder::Auto => "auto",
        DateOrder::DayFirst => "day-first",
        DateOrder::MonthFirst => "month-first",
    };
    let duplicates_current = match chosen.duplicates {
        DuplicatePolicy::Error => "error",
        DuplicatePolicy::KeepLast => "last",
        DuplicatePolicy::Mean => "mean",
    };
    let some_unless_auto = |v: String| (v != "auto").then_some(v);
    let decimals = choices(&[
        ("auto", "detect per column"),
        ("point", "point (1,234.5)"),
        ("comma", "comma (1.234,5)"),
    ]);
    let decimal_current = match chosen.decimal {
        None => "auto",
        Some(DecimalMark::Point) => "point",
        Some(DecimalMark::Comma) => "comma",
    };
    let groups = report.groups.clone();
    let facts = report
        .facts
        .iter()
        .map(|f| view! { <tr><th scope="row">{f.name.clone()}</th><td>{f.value.clone()}</td></tr> })
        .collect_view();
    let number = |v: Option<f64>| v.map_or(String::new(), format_number);
    let stats = report
        .columns
        .iter()
        .map(|c| {
            view! {
                <tr><th scope="row">{c.name.clone()}</th><td>{c.kind.clone()}</td>
                <td>{format!("{} ({:.1}%)", c.missing, c.missing_percent)}</td>
                <td>{number(c.min)}</td><td>{number(c.max)}</td><td>{number(c.mean)}</td><td>{c.notes.clone()}</td></tr>
            }
        })
        .collect_view();
    let preview_head = report
        .preview
        .header
        .iter()
        .map(|h| view! { <th>{h.clone()}</th> })
        .collect_view();
    let preview_rows = report
        .preview
        .rows
        .iter()
        .map(|r| view! { <tr>{r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr> })
        .collect_view();
    view! {
        <div class="report">
            <div class="fields read-choices">
                <ChoiceField label="Encoding".into() testid="read-encoding" options=encodings current=or_auto(&chosen.encoding) busy=busy
                    on_pick=move |v| ctx.reread(|o| o.encoding = some_unless_auto(v)) />
                <ChoiceField label="Delimiter".into() testid="read-delimiter" options=delimiters current=or_auto(&chosen.delimiter) busy=busy
                    on_pick=move |v| ctx.reread(|o| o.delimiter = some_unless_auto(v)) />
                <ChoiceField label="Header".into() testid="read-header" options=headers current=header_current busy=busy
                    on_pick=move |v| ctx.reread(|o| o.header = match v.as_str() {
                        "auto" => HeaderChoice::Auto,
                        "none" => HeaderChoice::None,
                        l => l.parse().map_or(HeaderChoice::Auto, HeaderChoice::Line),
                    }) />
                <ChoiceField label="Time column".into() testid="read-time-column" options=time_choices current=or_auto(&chosen.time_column) busy=busy
                    on_pick=move |v| ctx.reread(|o| o.time_column = some_unless_auto(v)) />
                <ChoiceField label="Date order".into() testid="read-date-order" options=orders current=order_current.to_string() busy=busy
                    on_pick=move |v| ctx.reread(|o| o.date_order = match v.as_str() {
                        "day-first" => DateOrder::DayFirst,
                        "month-first" => DateOrder::MonthFirst,
                        _ => DateOrder::Auto,
                    }) />
                <ChoiceField label="Group column (panel)".into() testid="read-group-column" options=group_choices current=or_auto(&chosen.group_column) busy=busy
                    on_pick=move |v| ctx.reread(|o| o.group_column = some_unless_auto(v)) />
                <ChoiceField label="Decimal mark".into() testid="read-decimal" options=decimals current=decimal_current.to_string() busy=busy
                    on_pick=move |v| ctx.reread(|o| o.decimal = match v.as_str() {
                        "point" => Some(DecimalMark::Point),
                        "comma" => Some(DecimalMark::Comma),
                        _ => None,
                    }) />
                <ChoiceField label="Duplicate time stamps".into() testid="read-duplicates" options=duplicates current=duplicates_current.to_string() busy=busy
                    on_pick=move |v| ctx.reread(|o| o.duplicates = DuplicatePolicy::from_name(&v).unwrap_or_default()) />
                {(!groups.is_empty()).then(|| {
                    let current = ctx.series.get_untracked().unwrap_or_default();
                    let options: Vec<(String, String)> = groups.iter().map(|g| (g.clone(), g.clone())).collect();
                    view! {
                        <ChoiceField label="Series to model".into() testid="series-select" options=options current=current busy=busy
                            on_pick=move |v| ctx.series.set(Some(v)) />
                    }
                })}
            </div>
            <table class="facts" data-testid="data-report"><tbody>{facts}</tbody></table>
            <details class="column-stats" open=true><summary>"Columns"</summary>
                <table data-testid="column-stats">
                    <thead><tr><th>"column"</th><th>"kind"</th><th>"missing"</th><th>"min"</th><th>"max"</th><th>"mean"</th><th>"notes"</th></tr></thead>
                    <tbody>{stats}</tbody>
                </table>
            </details>
            <details class="preview"><summary>"Preview: the first rows as read"</summary>
                <div class="scroll"><table data-testid="data-preview">
                    <thead><tr>{preview_head}</tr></thead>
                    <tbody>{preview_rows}</tbody>
                </table></div>
            </details>
        </div>
    }
}

/// The data view: the chosen column with moving averages, and its ACF and PACF.
#[component]
fn SeriesPanel(ctx: Ctx) -> impl IntoView {
    let series_canvas = NodeRef::<html::Canvas>::new();
    let acf_canvas = NodeRef::<html::Canvas>::new();
    let pacf_canvas = NodeRef::<html::Canvas>::new();
    // Any change of column, windows, lags or series asks the engine again.
    Effect::new(move |_| ctx.explore());
    Effect::new(move |_| {
        let Some(view) = ctx.explored.get() else {
            return;
        };
        let drawn = [
            series_canvas.get().map(|c| charts::draw_series(&c, &view)),
            acf_canvas.get().map(|c| {
                charts::draw_correlogram(
                    &c,
                    "autocorrelation (ACF), 95% band",
                    &view.acf,
                    &view.acf_band,
                )
            }),
            pacf_canvas.get().map(|c| {
                let band = vec![view.pacf_band; view.pacf.len()];
                charts::draw_correlogram(
                    &c,
                    "partial autocorrelation (PACF), 95% band",
                    &view.pacf,
                    &band,
                )
            }),
        ];
        if let Some(Err(e)) = drawn.into_iter().flatten().find(Result::is_err) {
            ctx.fail(format!("could not draw the data view: {e}"));
        }
    });
    let columns = move || ctx.numeric_columns();
    view! {
        <div class="series-view" style:display=move || if ctx.summary.with(Option::is_some) { "block" } else { "none" }>
            <div class="fields">
                <label class="field">"Column"
                    <select data-testid="explore-column" on:change=move |ev| ctx.explore_column.set(event_target_value(&ev))
                        prop:value=move || ctx.explore_column.get()>
                        {move || columns().into_iter().map(|c| {
                            let selected = c == ctx.explore_column.get_untracked();
                            view! { <option value=c.clone() selected=selected>{c.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="feature"><input type="checkbox" data-testid="ma-7" prop:checked=move || ctx.ma7.get()
                    on:change=move |ev| ctx.ma7.set(event_target_checked(&ev)) />"7-row average"</label>
                <label class="feature"><input type="checkbox" data-testid="ma-30" prop:checked=move || ctx.ma30.get()
                    on:change=move |ev| ctx.ma30.set(event_target_checked(&ev)) />"30-row average"</label>
                <NumberField label="Custom average (0 = off)" testid="ma-custom" value=ctx.ma_custom min=0 busy=Signal::derive(|| false) />
                <NumberField label="ACF/PACF lags" testid="acf-lags" value=ctx.lags min=1 busy=Signal::derive(|| false) />
            </div>
            <div class="chart"><canvas data-testid="series-chart" node_ref=series_canvas></canvas></div>
            <div class="chart-pair">
                <div class="chart small"><canvas data-testid="acf-chart" node_ref=acf_canvas></canvas></div>
                <div class="chart small"><canvas data-testid="pacf-chart" node_ref=pacf_canvas></canvas></div>
            </div>
            <details class="correlations"><summary>"ACF and PACF values"</summary>
                <table data-testid="acf-table">
                    <thead><tr><th>"lag"</th><th>"ACF"</th><th>"±95%"</th><th>"PACF"</th><th>"±95%"</th></tr></thead>
                    <tbody>{move || ctx.explored.get().map(|v| {
                        (0..v.acf.len()).map(|k| view! {
                            <tr><td>{k}</td><td>{format!("{:.4}", v.acf[k])}</td><td>{format!("{:.4}", v.acf_band[k])}</td>
                            <td>{v.pacf.get(k).map_or(String::new(), |p| format!("{p:.4}"))}</td><td>{format!("{:.4}", v.pacf_band)}</td></tr>
                        }).collect_view()
                    })}</tbody>
                </table>
            </details>
        </div>
    }
}

/// A numeric input bound to a signal; ignores what does not parse.
#[component]
fn NumberField(
    label: &'static str,
    testid: &'static str,
    value: RwSignal<usize>,
    min: usize,
    busy: Signal<bool>,
) -> impl IntoView {
    view! {
        <label class="field">{label}
            <input type="number" min=min step="1" data-testid=testid prop:disabled=move || busy.get()
                prop:value=move || value.get().to_string()
                on:input=move |ev| { if let Ok(v) = event_target_value(&ev).trim().parse::<usize>() { value.set(v) } } />
        </label>
    }
}

#[component]
fn SettingsPanel(ctx: Ctx, busy: Signal<bool>) -> impl IntoView {
    let has_data = move || ctx.summary.with(Option::is_some);
    let columns = move || ctx.numeric_columns();
    view! {
        <section class="panel settings">
            <h2>"Model"</h2>
            <div class="fields">
                <label class="field">"Target"
                    <select data-testid="target-select" prop:disabled=move || busy.get() || !has_data()
                        on:change=move |ev| ctx.target.set(event_target_value(&ev))
                        prop:value=move || ctx.target.get()>
                        {move || columns().into_iter().map(|c| {
                            let selected = c == ctx.target.get_untracked();
                            view! { <option value=c.clone() selected=selected>{c.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <NumberField label="Window" testid="window-input" value=ctx.window min=1 busy=busy />
                <NumberField label="Horizon" testid="horizon-input" value=ctx.horizon min=1 busy=busy />
                <NumberField label="Epochs" testid="epochs-input" value=ctx.epochs min=1 busy=busy />
                <ChoiceField label="Missing values".into() testid="fill-select" busy=busy current="ffill".into()
                    options=choices(&[("ffill", "carry forward"), ("linear", "linear in time"), ("seasonal", "last season's value"), ("drop", "drop those rows")])
                    on_pick=move |v| ctx.fill.set(FillStrategy::from_name(&v).unwrap_or_default()) />
                <ChoiceField label="Scaling".into() testid="scaler-select" busy=busy current="minmax".into()
                    options=choices(&[("minmax", "min-max"), ("extended:0.1", "extended min-max (±10%)"), ("extended:0.1:floor", "extended min-max, floor 0"), ("standard", "standard (z-score)"), ("robust", "robust (median, IQR)")])
                    on_pick=move |v| ctx.scaler.set(ScalerKind::from_name(&v).unwrap_or_default()) />
                <ChoiceField label="Holidays".into() testid="holidays-select" busy=busy current="none".into()
                    options=choices(&[("none", "none"), ("kr", "Korea"), ("us", "United States")])
                    on_pick=move |v| ctx.holidays.set(HolidayCalendar::from_name(&v).unwrap_or_default()) />
                <label class="field">"Holiday file"
                    <input type="file" accept=".json,.csv,.txt" data-testid="holiday-input" prop:disabled=move || busy.get()
                        on:change=move |ev: web_sys::Event| {
                            let input: web_sys::HtmlInputElement = event_target(&ev);
                            if let Some(file) = input.files().and_then(|f| f.get(0)) { ctx.load_holidays(file); }
                            input.set_value("");
                        } />
                    <span class="hint" data-testid="holiday-count">{move || match ctx.user_holidays.with(Vec::len) { 0 => String::new(), n => format!("{n} dates") }}</span>
                </label>
                <label class="field">"Backend"
                    <select data-testid="backend-select" prop:disabled=move || busy.get()
                        on:change=move |ev| ctx.backend.set(event_target_value(&ev).parse().unwrap_or_default())>
                        <option value="auto" selected=true>"Automatic (fastest here)"</option>
                        <option value="gpu">"GPU (WebGPU)"</option>
                        <option value="cpu">"CPU"</option>
                    </select>
                </label>
            </div>
            <fieldset class="features" data-testid="features">
                <legend>"Input features (besides the target)"</legend>
                {move || columns().into_iter().filter(|c| *c != ctx.target.get()).map(|c| {
                    let name = c.clone();
                    let checked = ctx.features.with(|f| f.contains(&c));
                    view! {
                        <label class="feature"><input type="checkbox" data-testid=format!("feature-{c}") prop:checked=checked
                            prop:disabled=move || busy.get()
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                ctx.features.update(|f| { f.retain(|x| *x != name); if on { f.push(name.clone()) } });
                            } />{c.clone()}</label>
                    }
                }).collect_view()}
            </fieldset>
            <p class="defaults">"Stacked LSTM 64→32, dropout 0.2/0.1, L2 1e-4, Adam lr 1e-3, batch 64; chronological 80/20 split, last 10% of training windows for validation; early stopping (patience 7) keeps the best weights; scaling fitted on the training part only; calendar features (hour, weekday, month, day-of-year sin/cos, business-day and holiday flags) where the frequency gives them information."</p>
            <div class="actions">
                <button data-testid="train-button" class="primary" prop:disabled=move || busy.get() || !has_data()
                    on:click=move |_| ctx.train()>"Train"</button>
                <button data-testid="cancel-button" prop:disabled=move || ctx.state.get() != AppState::Training
                    on:click=move |_| ctx.cancel()>"Cancel"</button>
            </div>
        </section>
    }
}

#[component]
fn ProgressPanel(ctx: Ctx) -> impl IntoView {
    let shown = move || ctx.state.get() == AppState::Training || ctx.progress.with(Option::is_some);
    view! {
        <section class="panel progress" style:display=move || if shown() { "block" } else { "none" }>
            {move || {
                let p = ctx.progress.get();
                let (value, max) = p.as_ref().map_or((0.0, 1.0), |p| (((p.epoch - 1) * p.batches + p.batch) as f64, (p.epochs * p.batches).max(1) as f64));
                let text = match &p {
                    None => "starting…".to_string(),
                    Some(p) => format!(
                        "epoch {}/{} · batch {}/{} · train loss {:.5}{} · elapsed {} · about {} left (if all epochs run)",
                        p.epoch, p.epochs, p.batch, p.batches, p.train_loss,
                        p.validation_loss.map_or(String::new(), |v| format!(" · validation loss {v:.5}")),
                        format_ms(p.elapsed_ms), format_ms(p.eta_ms)
                    ),
                };
                view! {
                    <progress data-testid="progress" value=value max=max></progress>
                    <p class="progress-text" data-testid="progress-text">{text}</p>
                }
            }}
        </section>
    }
}

#[component]
fn ResultsPanel(ctx: Ctx) -> impl IntoView {
    let forecast_canvas = NodeRef::<html::Canvas>::new();
    let loss_canvas = NodeRef::<html::Canvas>::new();
    Effect::new(move |_| {
        if let (Some(o), Some(c)) = (ctx.outcome.get(), forecast_canvas.get()) {
            if let Err(e) = charts::draw_forecast(&c, &o) {
                ctx.fail(format!("could not draw the forecast chart: {e}"));
            }
        }
    });
    Effect::new(move |_| {
        if let (Some(o), Some(c)) = (ctx.outcome.get(), loss_canvas.get()) {
            if let Err(e) = charts::draw_loss(&c, &o.history, o.best_epoch) {
                ctx.fail(format!("could not draw the loss chart: {e}"));
            }
        }
    });
    let rows = move || {
        ctx.outcome.get().map(|o| {
            let m = o.test_metrics;
            vec![
                ("MAE".to_string(), format_value(m.mae)),
                ("RMSE".to_string(), format_value(m.rmse)),
                (
                    "MAPE".to_string(),
                    m.mape
                        .map_or("n/a (all actuals are 0)".into(), |v| format!("{v:.3}%")),
                ),
                ("Scored points".to_string(), m.count.to_string()),
                (
                    "Train loss (first → last epoch)".to_string(),
                    match (o.history.first(), o.history.last()) {
                        (Some(a), Some(b)) => {
                            format!("{} → {}", format_value(a.train), format_value(b.train))
                        }
                        _ => "n/a".into(),
                    },
                ),
                (
                    "Best epoch".to_string(),
                    format!(
                        "{} of {}{}",
                        o.best_epoch,
                        o.history.len(),
                        if o.stopped_early {
                            " (stopped early)"
                        } else {
                            ""
                        }
                    ),
                ),
                (
                    "Windows train / validation / test".to_string(),
                    format!(
                        "{} / {} / {}",
                        o.window_counts[0], o.window_counts[1], o.window_counts[2]
                    ),
                ),
                (
                    "Time per training step".to_string(),
                    format!("{:.1} ms", o.ms_per_step),
                ),
                ("Backend".to_string(), o.backend.clone()),
                (
                    "Steps split with a helper worker".to_string(),
                    format!("{} of {}", o.split_steps, o.training_steps),
                ),
            ]
        })
    };
    let forecast_rows = move || {
        ctx.outcome.get().map(|o| {
            o.forecast_labels
                .iter()
                .zip(&o.forecast)
                .map(|(l, v)| view! { <tr><td>{l.clone()}</td><td>{format_value(*v)}</td></tr> })
                .collect_view()
        })
    };
    view! {
        <section class="panel results" style:display=move || if ctx.outcome.with(Option::is_some) { "block" } else { "none" }>
            <h2>"Results"</h2>
            <p class="caption">{move || ctx.outcome.with(|o| o.as_ref().map(|o| format!("Test-set accuracy of '{}' in the data's own units, over every test window and horizon step.", o.target)))}</p>
            <table data-testid="metrics-table" class="metrics">
                <tbody>
                    {move || rows().unwrap_or_default().into_iter().map(|(k, v)| view! { <tr><th scope="row">{k}</th><td>{v}</td></tr> }).collect_view()}
                </tbody>
            </table>
            <div class="chart"><canvas data-testid="forecast-chart" node_ref=forecast_canvas></canvas></div>
            <details class="forecast-values"><summary>"Forecast values"</summary>
                <table><thead><tr><th>"time"</th><th>"forecast"</th></tr></thead><tbody>{forecast_rows}</tbody></table>
            </details>
            <div class="chart"><canvas data-testid="loss-chart" node_ref=loss_canvas></canvas></div>
        </section>
    }
}

//! The page: load data, choose settings, train in the worker, show metrics and charts.
//! `data-testid` attributes are a public contract (tests and users' scripts drive them).
//!
//! This module composes the page: it sets up the state (split by concern, shared by
//! context), starts the worker client and dispatches the worker's events to the state. The
//! panels live in the submodules.

use leptos::prelude::*;

use super::client::{Delivery, WorkerClient};
use crate::jobs::Event;

mod actions;
mod banner;
mod data_panel;
mod fields;
mod format;
mod leaderboard;
mod progress;
mod report;
mod results;
mod series_panel;
mod settings_panel;
mod state;
mod targets;

use actions::Actions;
pub use state::AppState;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let client = WorkerClient::new();
    let actions = Actions::new(client.clone());
    provide_context(actions);
    provide_context(actions.run);
    provide_context(actions.data);
    provide_context(actions.explore);
    provide_context(actions.model);
    provide_context(actions.results);
    provide_context(actions.board);
    client.start(move |delivery| on_delivery(actions, delivery));
    let run = actions.run;

    view! {
        <main data-testid="app" data-state=move || run.state.get().as_str() class="app">
            <header class="top">
                <h1>"Foresight"</h1>
                <span class="backend">"backend: " <b data-testid="backend-label">{move || run.backend_label.get()}</b></span>
            </header>
            <banner::ErrorBanner />
            <data_panel::DataPanel />
            <settings_panel::SettingsPanel />
            <progress::ProgressPanel />
            <results::ResultsPanel />
            <leaderboard::LeaderboardPanel />
        </main>
    }
}

/// What the worker client delivers: an event, or a transport failure for the banner.
fn on_delivery(actions: Actions, delivery: Delivery) {
    match delivery {
        Ok(event) => on_event(actions, event),
        Err(message) => actions.fail(message),
    }
}

/// Applies an event from the worker to the page's state.
fn on_event(a: Actions, event: Event) {
    let (run, data, model) = (a.run, a.data, a.model);
    match event {
        Event::Ready { backend, notice } => {
            run.backend_label.set(backend);
            run.notice.set(notice);
        }
        Event::Reading { fraction } => data.reading.set(Some(fraction)),
        Event::Explored(view) => a.explore.explored.set(Some(*view)),
        Event::Loaded(summary) => {
            a.board.board.set(None);
            let loaded = data.pending_load.try_update_value(Option::take).flatten();
            if loaded.is_some() {
                data.last_load.set_value(loaded);
            }
            // The same data again (e.g. a restarted worker reloading it) keeps the
            // user's settings and results.
            let same_data = data
                .summary
                .with_untracked(|s| s.as_ref() == Some(&summary));
            data.reading.set(None);
            if !same_data {
                data.series.set(summary.report.groups.first().cloned());
                a.explore.column.set(summary.default_target.clone());
                a.explore.explored.set(None);
                model.target.set(summary.default_target.clone());
                model.features.set(Vec::new());
                model.window.set(summary.suggested_window);
                model.horizon.set(summary.suggested_horizon);
                a.results.outcome.set(None);
                run.progress.set(None);
                data.summary.set(Some(*summary));
            }
            run.error.set(None);
            run.state.set(if same_data {
                a.settled_state()
            } else {
                AppState::Ready
            });
        }
        Event::Holidays { dates, .. } => {
            model.user_holidays.set(dates);
            run.error.set(None);
        }
        Event::Started { backend } => run.backend_label.set(backend),
        Event::Fitting {
            done,
            total,
            model: name,
        } => {
            a.board.fitting.set(Some((done, total, name)));
        }
        Event::Leaderboard(views) => {
            a.board.board.set(views.first().cloned());
            a.board.boards.set(views);
            a.board.fitting.set(None);
            run.error.set(None);
            run.state.set(a.settled_state());
        }
        Event::Progress(p) => run.progress.set(Some(p)),
        Event::Finished(outcome) => {
            run.backend_label.set(outcome.backend.clone());
            a.results.outcome.set(Some(*outcome));
            run.error.set(None);
            run.state.set(AppState::Done);
        }
        Event::Cancelled => {
            report_cancel(a, run.state.get_untracked() == AppState::Comparing);
        }
        Event::Failed { message } => {
            // A failed load or re-read: the controls show the choices still in effect.
            if data
                .pending_load
                .try_update_value(Option::take)
                .flatten()
                .is_some()
            {
                let kept = data
                    .last_load
                    .get_value()
                    .map(|(_, o)| o)
                    .unwrap_or_default();
                data.read_options.set(kept);
            }
            data.reading.set(None);
            a.fail(message);
        }
    }
}

/// Says that the run stopped (a comparison or a training) and settles the page's state.
fn report_cancel(a: Actions, comparing: bool) {
    let what = if comparing {
        "Model comparison"
    } else {
        "Training"
    };
    a.board.fitting.set(None);
    a.run
        .notice
        .set(Some(format!("{what} cancelled; earlier results are kept.")));
    a.run.state.set(a.settled_state());
}

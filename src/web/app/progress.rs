//! Training progress.

use leptos::prelude::*;

use super::format::format_ms;
use super::state::{AppState, RunState};

/// The training progress bar and its line of text (epoch, batch, losses, time).
#[component]
pub(crate) fn ProgressPanel() -> impl IntoView {
    let run = expect_context::<RunState>();
    let shown = move || run.state.get() == AppState::Training || run.progress.with(Option::is_some);
    view! {
        <section class="panel progress" style:display=move || if shown() { "block" } else { "none" }>
            {move || {
                let p = run.progress.get();
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

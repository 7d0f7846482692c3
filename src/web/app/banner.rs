//! The error banner (dismissable) and the notice line.

use leptos::prelude::*;

use super::actions::Actions;
use super::state::RunState;

/// The error banner, whose dismissal returns the page to the state that matches what is
/// kept, and the notice.
#[component]
pub(crate) fn ErrorBanner() -> impl IntoView {
    let actions = expect_context::<Actions>();
    let run = expect_context::<RunState>();
    view! {
        <Show when=move || run.error.with(Option::is_some)>
            <div class="error" role="alert" data-testid="error-banner">
                {move || run.error.get().unwrap_or_default()}
                <button class="dismiss" on:click=move |_| { run.error.set(None); run.state.set(actions.settled_state()); }>"×"</button>
            </div>
        </Show>
        <Show when=move || run.notice.with(Option::is_some)>
            <div class="notice" data-testid="notice">{move || run.notice.get().unwrap_or_default()}</div>
        </Show>
    }
}

//! Several targets: the further columns a comparison forecasts (each in a leaderboard of
//! its own, with the other targets among its inputs) and the switch between their
//! leaderboards.

use leptos::prelude::*;

use super::state::{DataState, LeaderboardState, ModelSettings};

/// Boxes for the further targets: every numeric column but the target chosen above,
/// folded under a summary that names the ticked ones.
#[component]
pub(crate) fn TargetPicker() -> impl IntoView {
    let data = expect_context::<DataState>();
    let model = expect_context::<ModelSettings>();
    let lb = expect_context::<LeaderboardState>();
    let boxes = move || {
        let target = model.target.get();
        data.numeric_columns()
            .into_iter()
            .filter(|c| *c != target)
            .map(|column| {
                let name = column.clone();
                let ticked = move || lb.also_targets.with(|t| t.contains(&name));
                let on = column.clone();
                view! {
                    <label>
                        <input type="checkbox" data-testid=format!("also-target-{column}") prop:checked=ticked
                            on:change=move |ev| {
                                let checked = event_target_checked(&ev);
                                lb.also_targets.update(|t| {
                                    t.retain(|c| *c != on);
                                    if checked { t.push(on.clone()); }
                                });
                            } />
                        {format!(" {column} ")}</label>
                }
            })
            .collect_view()
    };
    let summary = move || {
        let target = model.target.get();
        let also: Vec<String> = lb
            .also_targets
            .get()
            .into_iter()
            .filter(|t| *t != target)
            .collect();
        if also.is_empty() {
            format!("Targets: {target}")
        } else {
            format!("Targets: {target}, {}", also.join(", "))
        }
    };
    view! {
        <details class="model-picker" data-testid="compare-targets"
            title="Forecast several related columns: each gets a leaderboard of its own, with the other targets among its inputs (the regressions, the trees and VAR use them).">
            <summary>{summary}</summary>
            {boxes}
        </details>
    }
}

/// The target whose leaderboard is shown, when a comparison forecast several.
#[component]
pub(crate) fn TargetSwitch() -> impl IntoView {
    let lb = expect_context::<LeaderboardState>();
    let shown = move || lb.board.with(|b| b.as_ref().map(|v| v.target.clone()));
    let options = move || {
        lb.boards
            .get()
            .into_iter()
            .map(|view| {
                let target = view.target.clone();
                let selected = shown().as_deref() == Some(target.as_str());
                view! { <option value=target.clone() selected=selected>{target.clone()}</option> }
            })
            .collect_view()
    };
    view! {
        <div class="row" style:display=move || if lb.boards.with(|b| b.len() > 1) { "flex" } else { "none" }>
            <label>"Leaderboard of "
                <select data-testid="leaderboard-target"
                    on:change=move |ev| {
                        let target = event_target_value(&ev);
                        let view = lb.boards.with(|b| b.iter().find(|v| v.target == target).cloned());
                        if view.is_some() {
                            lb.board.set(view);
                        }
                    }>
                    {options}
                </select></label>
        </div>
    }
}

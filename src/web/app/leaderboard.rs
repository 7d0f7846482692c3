//! The model leaderboard: compare the statistical models on the same backtest origins and
//! hold-out, sort by any metric, see the chosen model (and any other) against the actuals.

use leptos::html;
use leptos::prelude::*;

use super::actions::Actions;
use super::format::format_value;
use super::state::{AppState, DataState, LeaderboardState, RunState};
use super::targets::{TargetPicker, TargetSwitch};
use crate::jobs::{IntervalScore, ModelScore, ModelSpec, Refit, step_runs};
use crate::web::charts;

/// One sortable column: header, key, and how to read it from a row.
struct MetricColumn {
    header: &'static str,
    key: &'static str,
    read: fn(&ModelScore) -> Option<f64>,
    lower_is_better: bool,
}

fn holdout(row: &ModelScore, name: &str) -> Option<f64> {
    row.holdout.as_ref().and_then(|m| m.get(name))
}

/// The hold-out coverage at `level` among interval scores (the model's own or conformal).
fn coverage(scores: &[IntervalScore], level: f64) -> Option<f64> {
    scores
        .iter()
        .find(|i| i.level == level)
        .and_then(|i| i.coverage)
}

const COLUMNS: [MetricColumn; 16] = [
    MetricColumn {
        header: "backtest MASE",
        key: "bt_mase",
        read: |r| r.backtest.as_ref().and_then(|m| m.get("mase")),
        lower_is_better: true,
    },
    MetricColumn {
        header: "MAE",
        key: "mae",
        read: |r| holdout(r, "mae"),
        lower_is_better: true,
    },
    MetricColumn {
        header: "RMSE",
        key: "rmse",
        read: |r| holdout(r, "rmse"),
        lower_is_better: true,
    },
    MetricColumn {
        header: "MAPE %",
        key: "mape",
        read: |r| holdout(r, "mape"),
        lower_is_better: true,
    },
    MetricColumn {
        header: "sMAPE %",
        key: "smape",
        read: |r| holdout(r, "smape"),
        lower_is_better: true,
    },
    MetricColumn {
        header: "MASE",
        key: "mase",
        read: |r| holdout(r, "mase"),
        lower_is_better: true,
    },
    MetricColumn {
        header: "direction acc.",
        key: "direction_accuracy",
        read: |r| holdout(r, "direction_accuracy"),
        lower_is_better: false,
    },
    MetricColumn {
        header: "direction F1",
        key: "direction_f1",
        read: |r| holdout(r, "direction_f1"),
        lower_is_better: false,
    },
    MetricColumn {
        header: "Theil U1",
        key: "theil_u1",
        read: |r| holdout(r, "theil_u1"),
        lower_is_better: true,
    },
    MetricColumn {
        header: "Theil U2",
        key: "theil_u2",
        read: |r| holdout(r, "theil_u2"),
        lower_is_better: true,
    },
    MetricColumn {
        header: "80% coverage",
        key: "coverage_80",
        read: |r| coverage(&r.holdout_intervals, 80.0),
        lower_is_better: false,
    },
    MetricColumn {
        header: "95% coverage",
        key: "coverage_95",
        read: |r| coverage(&r.holdout_intervals, 95.0),
        lower_is_better: false,
    },
    MetricColumn {
        header: "conformal 80%",
        key: "conformal_coverage_80",
        read: |r| coverage(&r.holdout_conformal, 80.0),
        lower_is_better: false,
    },
    MetricColumn {
        header: "conformal 95%",
        key: "conformal_coverage_95",
        read: |r| coverage(&r.holdout_conformal, 95.0),
        lower_is_better: false,
    },
    MetricColumn {
        header: "fit ms",
        key: "fit_ms",
        read: |r| r.fit_ms,
        lower_is_better: true,
    },
    MetricColumn {
        header: "forecast ms",
        key: "forecast_ms",
        read: |r| r.forecast_ms,
        lower_is_better: true,
    },
];

/// The best value of a column over the rows. Coverage is best closest to its level.
fn best_of(column: &MetricColumn, rows: &[ModelScore]) -> Option<f64> {
    let values = rows.iter().filter_map(|r| (column.read)(r));
    let target = match column.key {
        "coverage_80" | "conformal_coverage_80" => Some(0.8),
        "coverage_95" | "conformal_coverage_95" => Some(0.95),
        _ => None,
    };
    match target {
        Some(t) => values.min_by(|a, b| (a - t).abs().total_cmp(&(b - t).abs())),
        None if column.lower_is_better => values.min_by(f64::total_cmp),
        None => values.max_by(f64::total_cmp),
    }
}

fn show(key: &str, v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if key.contains("coverage") || key.starts_with("direction") => {
            format!("{:.0}%", 100.0 * v)
        }
        Some(v) if key.ends_with("_ms") => format!("{v:.1}"),
        Some(v) => format_value(v),
    }
}

/// The fitted form; for an ensemble, its members' weights too; for a hybrid, the range of
/// each part's contribution to the hold-out forecast.
fn form_text(row: &ModelScore) -> String {
    let label = row.label.clone().unwrap_or_default();
    if !row.parts.is_empty() {
        let parts: Vec<String> = row
            .parts
            .iter()
            .map(|p| {
                let low = p.forecast.iter().copied().fold(f64::INFINITY, f64::min);
                let high = p.forecast.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                format!("{} {} … {}", p.part, format_value(low), format_value(high))
            })
            .collect();
        return format!("{label} (parts: {})", parts.join("; "));
    }
    if row.members.is_empty() {
        return label;
    }
    let weights: Vec<String> = row
        .members
        .iter()
        .map(|m| format!("{} {:.2}", m.model, m.weight))
        .collect();
    format!("{label} (weights: {})", weights.join(", "))
}

/// Controls, progress, the table and the chart.
#[component]
pub(crate) fn LeaderboardPanel() -> impl IntoView {
    let actions = expect_context::<Actions>();
    let run = expect_context::<RunState>();
    let data = expect_context::<DataState>();
    let lb = expect_context::<LeaderboardState>();
    let busy = Signal::derive(move || run.busy());
    let sort_key = RwSignal::new("bt_mase".to_string());
    let chosen = RwSignal::new(None::<String>);
    let overlaid = RwSignal::new(Vec::<String>::new());
    let canvas = NodeRef::<html::Canvas>::new();
    let weights_canvas = NodeRef::<html::Canvas>::new();
    let importance_canvas = NodeRef::<html::Canvas>::new();
    let responses_canvas = NodeRef::<html::Canvas>::new();
    // A new leaderboard: the pick is the engine's selection, overlays reset.
    Effect::new(move |_| {
        let selected = lb
            .board
            .with(|b| b.as_ref().and_then(|b| b.board.selected.clone()));
        chosen.set(selected);
        overlaid.set(vec![]);
    });
    Effect::new(move |_| {
        let (Some(view), Some(c)) = (lb.board.get(), canvas.get()) else {
            return;
        };
        let pick = chosen.get();
        let extra = overlaid.get();
        if let Err(e) = charts::draw_leaderboard(&c, &view, pick.as_deref(), &extra) {
            run.fail(format!("could not draw the leaderboard chart: {e}"));
        }
    });
    Effect::new(move |_| {
        let (Some(view), Some(c)) = (lb.board.get(), weights_canvas.get()) else {
            return;
        };
        if let Err(e) = charts::draw_weights(&c, &view) {
            run.fail(format!("could not draw the ensemble weights: {e}"));
        }
    });
    // The chosen row's feature importance, or the first row that has one.
    let importance_row = move || {
        let pick = chosen.get();
        lb.board.with(|b| {
            let rows = &b.as_ref()?.board.rows;
            rows.iter()
                .find(|r| Some(&r.model) == pick.as_ref() && !r.importance.is_empty())
                .or_else(|| rows.iter().find(|r| !r.importance.is_empty()))
                .cloned()
        })
    };
    Effect::new(move |_| {
        let (Some(row), Some(c)) = (importance_row(), importance_canvas.get()) else {
            return;
        };
        if let Err(e) = charts::draw_importance(&c, &row) {
            run.fail(format!("could not draw the feature importance: {e}"));
        }
    });
    let importance_text = move || {
        importance_row().map(|row| {
            let top: Vec<String> = row
                .importance
                .iter()
                .take(5)
                .map(|s| format!("{} {:.0}%", s.feature, 100.0 * s.share))
                .collect();
            format!(
                "{}: what the forecast rests on — {}",
                row.model,
                top.join(", ")
            )
        })
    };
    // The VAR row's impulse responses.
    let responses_row = move || {
        lb.board.with(|b| {
            b.as_ref()?
                .board
                .rows
                .iter()
                .find(|r| !r.responses.is_empty())
                .cloned()
        })
    };
    Effect::new(move |_| {
        let (Some(row), Some(c)) = (responses_row(), responses_canvas.get()) else {
            return;
        };
        if let Err(e) = charts::draw_responses(&c, &row) {
            run.fail(format!("could not draw the impulse responses: {e}"));
        }
    });
    let responses_text = move || {
        responses_row().map(|row| {
            let each: Vec<String> = row
                .responses
                .iter()
                .map(|r| {
                    let last = r.response.last().copied().unwrap_or(f64::NAN);
                    format!("{} {}", r.shock, format_value(last))
                })
                .collect();
            format!(
                "{}: the level {} steps after a one-s.d. shock to — {}",
                row.model,
                row.responses[0].response.len().saturating_sub(1),
                each.join(", ")
            )
        })
    };
    let has_weights = move || {
        lb.board.with(|b| {
            b.as_ref()
                .is_some_and(|v| v.board.rows.iter().any(|r| !r.weight_path.is_empty()))
        })
    };
    let compare = move |_| actions.compare();
    let rows = move || {
        let Some(view) = lb.board.get() else {
            return vec![];
        };
        let mut rows = view.board.rows.clone();
        let key = sort_key.get();
        if let Some(col) = COLUMNS.iter().find(|c| c.key == key) {
            rows.sort_by(|a, b| {
                let (x, y) = ((col.read)(a), (col.read)(b));
                match (x, y) {
                    (Some(x), Some(y)) if col.lower_is_better => x.total_cmp(&y),
                    (Some(x), Some(y)) => y.total_cmp(&x),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
            });
        }
        rows
    };
    let table = move || {
        let view = lb.board.get()?;
        let all = view.board.rows.clone();
        let best: Vec<Option<f64>> = COLUMNS.iter().map(|c| best_of(c, &all)).collect();
        let selected = view.board.selected.clone();
        let header = COLUMNS
            .iter()
            .map(|c| {
                let key = c.key;
                view! {
                    <th data-sort=key class:sorted=move || sort_key.get() == key
                        on:click=move |_| sort_key.set(key.to_string())>{c.header}</th>
                }
            })
            .collect_view();
        let body = rows()
            .into_iter()
            .map(|row| {
                let name = row.model.clone();
                let for_pick = name.clone();
                let for_overlay = name.clone();
                let is_selected = selected.as_deref() == Some(name.as_str());
                let pick_name = name.clone();
                let on_pick = name.clone();
                let choose_id = format!("choose-{name}");
                let cells = COLUMNS
                    .iter()
                    .zip(&best)
                    .map(|(c, b)| {
                        let v = (c.read)(&row);
                        let is_best = v.is_some() && v == *b;
                        view! { <td data-metric=c.key class:best=is_best>{show(c.key, v)}</td> }
                    })
                    .collect_view();
                let note = error_note(&row);
                view! {
                    <tr data-model=name.clone() class:selected=is_selected class:failed=row.error.is_some()
                        class:chosen=move || chosen.get().as_deref() == Some(pick_name.as_str())>
                        <td><input type="radio" name="chosen-model" data-testid=choose_id
                            prop:checked=move || chosen.get().as_deref() == Some(for_pick.as_str())
                            on:change=move |_| chosen.set(Some(on_pick.clone())) /></td>
                        <td><input type="checkbox" data-testid=format!("overlay-{for_overlay}")
                            on:change={
                                let m = for_overlay.clone();
                                move |ev| {
                                    let on = event_target_checked(&ev);
                                    overlaid.update(|v| {
                                        v.retain(|x| x != &m);
                                        if on { v.push(m.clone()); }
                                    });
                                }
                            } /></td>
                        <th scope="row">{row.model.clone()}{is_selected.then_some(" ★")}</th>
                        <td class="form">{form_text(&row)}</td>
                        {cells}
                        <td class="note" data-testid="model-error">{note}</td>
                    </tr>
                }
            })
            .collect_view();
        let plan = view.board.plan.clone();
        let mut summary = format!(
            "{} folds (origins at points {:?}), horizon {}, season {}, hold-out: last {} points. Backtest MASE picks the model (a simpler one within 2% of the lowest wins the tie; an ensemble wins where it beats picking one model, scored as honestly as the ensembles are); the hold-out columns only report. Conformal intervals come from the fold errors.",
            view.board.origins.len(),
            view.board.origins,
            plan.horizon,
            plan.season,
            plan.holdout
        );
        if view.board.group_folds > 0 {
            summary += &format!(
                " Scored on all {} groups in {} folds of groups (means over the groups; the LSTM forecasts groups it was not trained on; the chart shows the series chosen above).",
                view.board.groups.len(),
                view.board.group_folds,
            );
            if !view.board.groups_skipped.is_empty() {
                summary += &format!(
                    " Too short, left out: {}.",
                    view.board.groups_skipped.join(", ")
                );
            }
        }
        let limits = (!plan.limits.is_empty()).then(|| {
            let bounded: Vec<String> = view
                .board
                .rows
                .iter()
                .filter(|r| !r.limited_steps.is_empty())
                .map(|r| format!("{} (steps {})", r.model, step_runs(&r.limited_steps)))
                .collect();
            let where_ = if bounded.is_empty() {
                "no hold-out forecast reached them".to_string()
            } else {
                format!("on the hold-out they bound {}", bounded.join(", "))
            };
            format!("Forecasts held to {}; {where_}.", plan.limits.describe())
        });
        let why = view.board.why.clone().map(|why| format!("Picked {why}."));
        Some(view! {
            <p class="plan">{summary}</p>
            <p class="plan" data-testid="limits-note">{limits}</p>
            <p class="why" data-testid="pick-reason">{why}</p>
            <div class="table-scroll">
            <table data-testid="leaderboard" class="leaderboard">
                <thead><tr><th>"pick"</th><th>"plot"</th><th>"model"</th><th>"form"</th>{header}<th>"note"</th></tr></thead>
                <tbody>{body}</tbody>
            </table>
            </div>
        })
    };
    let progress = move || {
        lb.fitting.get().map(|(done, total, model)| {
            let model = if model.is_empty() {
                String::new()
            } else {
                format!(" — fitting {model}")
            };
            format!("{done}/{total} fits{model}")
        })
    };
    view! {
        <section class="panel leaderboard-panel">
            <h2>"Compare models"</h2>
            <p class="hint">"Naive, seasonal naive, drift, mean, auto-ETS, auto-ARIMA, harmonic regression, AutoTheta, AutoCES, MSTL, ridge, lasso, elastic net and boosted trees (one model per step on recent changes, the season and the chosen inputs' past), GARCH(1,1) on the returns, a VAR of the changes and a Prophet-style trend with calendar seasons and the holidays chosen above — and the LSTM with the training settings above, when ticked (it trains once per fit) — scored on the same rolling origins, with five ensembles of them and conformal intervals for every row from its fold errors; horizon, target, series and fill as set above, and the inputs chosen above as the regressions', the trees' and VAR's factors."</p>
            <div class="row">
                <label>"Season (0 = from frequency) "
                    <input type="number" min="0" data-testid="season-input" prop:value=move || lb.season.get()
                        on:change=move |ev| lb.season.set(event_target_value(&ev).parse().unwrap_or(0)) /></label>
                <label>"Folds (0: auto) "
                    <input type="number" min="0" max="50" data-testid="folds-input" prop:value=move || lb.folds.get()
                        title="0: enough folds to span a season, at least 5"
                        on:change=move |ev| lb.folds.set(event_target_value(&ev).parse().unwrap_or(0)) /></label>
                <label title="Auto (the default) fits at every origin on a short series and, past 2,000 training points, at the first origin and for the hold-out; at every origin is the most faithful; fitting once (or every n-th origin) keeps the parameters and weights of the last fit and brings it up to each later origin — much faster, and what a model left in service would have forecast.">"Refit "
                    <select data-testid="refit-select"
                        on:change=move |ev| lb.refit.set(Refit::parse(&event_target_value(&ev)).unwrap_or_default())>
                        <option value="auto" selected=move || lb.refit.get() == Refit::Auto>"auto (once on long series)"</option>
                        <option value="always" selected=move || lb.refit.get() == Refit::Always>"at every origin"</option>
                        <option value="2" selected=move || lb.refit.get() == Refit::Every(2)>"every 2nd origin"</option>
                        <option value="5" selected=move || lb.refit.get() == Refit::Every(5)>"every 5th origin"</option>
                        <option value="once" selected=move || lb.refit.get() == Refit::Once>"once (first origin)"</option>
                    </select></label>
                <label title="Score every series of the panel: its groups are dealt into this many folds; the LSTM trains once per fold on the other folds' groups and forecasts groups it never saw, the statistical models fit each group's own history. 0 scores only the series chosen above."
                    style:display=move || if data.is_panel() { "inline" } else { "none" }>"Folds of groups "
                    <input type="number" min="0" max="50" data-testid="group-folds-input" prop:value=move || lb.group_folds.get()
                        on:change=move |ev| lb.group_folds.set(event_target_value(&ev).parse().unwrap_or(0)) /></label>
            </div>
            <div class="row limits" title="Limits every forecast is held to before it is scored (empty: none)">
                <LimitField label="Max step " testid="limit-step" value=lb.limit_step
                    title="Largest change from one step to the next (the first from the last actual): a number in the series' units, or a percentage of the previous value (5%). Every model's forecasts are held to the limits before they are scored." />
                <LimitField label="Max total " testid="limit-total" value=lb.limit_total
                    title="Largest change from the last actual at any step: units, or a percentage of it." />
                <LimitField label="Band ± % " testid="limit-band" value=lb.limit_band
                    title="A band around the last actual the forecast stays in, in percent of it." />
                <LimitField label="Floor " testid="limit-floor" value=lb.limit_floor
                    title="Smallest value a forecast takes (0 for prices and volumes)." />
                <LimitField label="Prophet cap " testid="prophet-cap" value=lb.prophet_cap
                    title="The level the Prophet-style trend saturates at (logistic growth, floor 0; above every value of the target). Empty: a linear trend." />
            </div>
            <ModelPicker models=lb.models ensembles=lb.ensembles />
            <TargetPicker />
            <div class="row">
                <label>"Include LSTM "
                    <input type="checkbox" data-testid="compare-lstm" prop:checked=move || lb.compare_lstm.get()
                        on:change=move |ev| lb.compare_lstm.set(event_target_checked(&ev)) /></label>
                <label title="Auto-ARIMA with an LSTM (the training settings above) on its one-step residuals: the forecast is ARIMA's plus the LSTM's forecast of what ARIMA misses. The LSTM trains once per fit.">"Include hybrid ARIMA–LSTM "
                    <input type="checkbox" data-testid="compare-hybrid" prop:checked=move || lb.compare_hybrid.get()
                        on:change=move |ev| lb.compare_hybrid.set(event_target_checked(&ev)) /></label>
                <label title="The LSTM's forecast (the training settings above) with GARCH(1,1) volatility bands from the returns: wide after turbulent days, narrow after calm ones.">"Include LSTM with GARCH bands "
                    <input type="checkbox" data-testid="compare-lstm-garch" prop:checked=move || lb.compare_lstm_garch.get()
                        on:change=move |ev| lb.compare_lstm_garch.set(event_target_checked(&ev)) /></label>
                <button data-testid="compare-button" prop:disabled=move || busy.get() || data.summary.with(Option::is_none)
                    on:click=compare>"Compare models"</button>
                <button data-testid="compare-cancel" prop:disabled=move || run.state.get() != AppState::Comparing
                    on:click=move |_| actions.cancel()>"Cancel"</button>
                <span data-testid="compare-progress">{progress}</span>
            </div>
            <TargetSwitch />
            {table}
            <canvas node_ref=canvas data-testid="leaderboard-chart" class="chart"
                style:display=move || if lb.board.with(Option::is_some) { "block" } else { "none" }></canvas>
            <canvas node_ref=weights_canvas data-testid="ensemble-weights-chart" class="chart"
                style:display=move || if has_weights() { "block" } else { "none" }></canvas>
            <p class="plan" data-testid="feature-importance-text">{importance_text}</p>
            <canvas node_ref=importance_canvas data-testid="feature-importance" class="chart"
                style:display=move || if importance_row().is_some() { "block" } else { "none" }></canvas>
            <p class="plan" data-testid="impulse-responses-text">{responses_text}</p>
            <canvas node_ref=responses_canvas data-testid="impulse-responses" class="chart"
                style:display=move || if responses_row().is_some() { "block" } else { "none" }></canvas>
        </section>
    }
}

/// The models to compare: a box per statistical model (all ticked at first) and one for
/// the ensembles, folded under a summary that counts them.
#[component]
fn ModelPicker(models: RwSignal<Vec<String>>, ensembles: RwSignal<bool>) -> impl IntoView {
    let catalogue = ModelSpec::all_described();
    let total = catalogue.len();
    let boxes = catalogue
        .into_iter()
        .map(|(name, about)| {
            let ticked = move || models.with(|m| m.iter().any(|n| n == name));
            view! {
                <label title=about>
                    <input type="checkbox" data-testid=format!("pick-model-{name}") prop:checked=ticked
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            models.update(|m| {
                                m.retain(|n| n != name);
                                if on { m.push(name.to_string()); }
                            });
                        } />
                    {format!(" {name} ")}</label>
            }
        })
        .collect_view();
    let summary = move || {
        format!(
            "Models ({} of {total}{})",
            models.with(Vec::len),
            if ensembles.get() { ", ensembles" } else { "" }
        )
    };
    view! {
        <details class="model-picker" data-testid="model-picker">
            <summary>{summary}</summary>
            {boxes}
            <label title="Mean, median, inverse-error, stacking and dynamic combinations of the ticked models">
                <input type="checkbox" data-testid="pick-model-ensemble" prop:checked=move || ensembles.get()
                    on:change=move |ev| ensembles.set(event_target_checked(&ev)) />
                " ensembles "</label>
        </details>
    }
}

/// A move limit's text field (empty: no limit), read when the comparison starts.
#[component]
fn LimitField(
    label: &'static str,
    testid: &'static str,
    title: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label title=title>{label}
            <input type="text" size="6" data-testid=testid placeholder="none" prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) /></label>
    }
}

/// A row's error with the field that fixes it, where the engine names a setting.
fn error_note(row: &ModelScore) -> String {
    let field = match row.error_setting.as_deref() {
        Some("season") => Some("Season"),
        Some("fill") => Some("Missing values"),
        Some("window") => Some("Window"),
        _ => None,
    };
    match (&row.error, field) {
        (Some(e), Some(field)) => format!("{e} (set {field})"),
        (Some(e), None) => e.clone(),
        (None, _) => row.warning.clone().unwrap_or_default(),
    }
}

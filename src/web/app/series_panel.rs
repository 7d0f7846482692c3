//! The data view: the chosen column with moving averages, and its ACF and PACF, drawn from
//! what the worker computes.

use leptos::html;
use leptos::prelude::*;

use super::actions::Actions;
use super::fields::NumberField;
use super::state::{DataState, ExploreState, RunState};
use crate::web::charts;

/// The data view: the chosen column with moving averages, and its ACF and PACF.
#[component]
pub(crate) fn SeriesPanel() -> impl IntoView {
    let actions = expect_context::<Actions>();
    let run = expect_context::<RunState>();
    let data = expect_context::<DataState>();
    let explore = expect_context::<ExploreState>();
    let series_canvas = NodeRef::<html::Canvas>::new();
    let acf_canvas = NodeRef::<html::Canvas>::new();
    let pacf_canvas = NodeRef::<html::Canvas>::new();
    // Any change of column, windows, lags or series asks the engine again.
    Effect::new(move |_| actions.explore());
    Effect::new(move |_| {
        let Some(view) = explore.explored.get() else {
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
            run.fail(format!("could not draw the data view: {e}"));
        }
    });
    let columns = move || data.numeric_columns();
    view! {
        <div class="series-view" style:display=move || if data.summary.with(Option::is_some) { "block" } else { "none" }>
            <div class="fields">
                <label class="field">"Column"
                    <select data-testid="explore-column" on:change=move |ev| explore.column.set(event_target_value(&ev))
                        prop:value=move || explore.column.get()>
                        {move || columns().into_iter().map(|c| {
                            let selected = c == explore.column.get_untracked();
                            view! { <option value=c.clone() selected=selected>{c.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="feature"><input type="checkbox" data-testid="ma-7" prop:checked=move || explore.ma7.get()
                    on:change=move |ev| explore.ma7.set(event_target_checked(&ev)) />"7-row average"</label>
                <label class="feature"><input type="checkbox" data-testid="ma-30" prop:checked=move || explore.ma30.get()
                    on:change=move |ev| explore.ma30.set(event_target_checked(&ev)) />"30-row average"</label>
                <NumberField label="Custom average (0 = off)" testid="ma-custom" value=explore.ma_custom min=0 busy=Signal::derive(|| false) />
                <NumberField label="ACF/PACF lags" testid="acf-lags" value=explore.lags min=1 busy=Signal::derive(|| false) />
            </div>
            <div class="chart"><canvas data-testid="series-chart" node_ref=series_canvas></canvas></div>
            <div class="chart-pair">
                <div class="chart small"><canvas data-testid="acf-chart" node_ref=acf_canvas></canvas></div>
                <div class="chart small"><canvas data-testid="pacf-chart" node_ref=pacf_canvas></canvas></div>
            </div>
            <details class="correlations"><summary>"ACF and PACF values"</summary>
                <table data-testid="acf-table">
                    <thead><tr><th>"lag"</th><th>"ACF"</th><th>"±95%"</th><th>"PACF"</th><th>"±95%"</th></tr></thead>
                    <tbody>{move || explore.explored.get().map(|v| {
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

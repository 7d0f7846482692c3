//! The data panel: pick or drop a file (or the sample), see reading progress, the summary,
//! the read report and the data view.

use leptos::prelude::*;

use super::actions::Actions;
use super::report::DataReport;
use super::series_panel::SeriesPanel;
use super::state::{DataState, RunState};
use crate::jobs::DatasetSummary;

/// File input, drop zone, sample button, and what was read.
#[component]
pub(crate) fn DataPanel() -> impl IntoView {
    let actions = expect_context::<Actions>();
    let run = expect_context::<RunState>();
    let data = expect_context::<DataState>();
    let busy = Signal::derive(move || run.busy());
    let dragging = RwSignal::new(false);
    let on_change = move |ev: web_sys::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            actions.load_file(file);
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
            actions.load_file(file);
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
                    on:click=move |_| actions.load_sample()>
                    "Load sample: US weekly petroleum (EIA)"
                </button>
            </div>
            <p class="reading" data-testid="read-progress" style:display=move || if data.reading.with(Option::is_some) { "block" } else { "none" }>
                {move || data.reading.get().map(|f| format!("Reading the file… {:.0}%", 100.0 * f))}
            </p>
            {move || data.summary.get().map(|s| view! { <Summary summary=s /> })}
            {move || data.summary.get().map(|s| view! { <DataReport busy=busy report=s.report /> })}
            <SeriesPanel />
        </section>
    }
}

/// The loaded data at a glance: file, rows, columns, time column, frequency.
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

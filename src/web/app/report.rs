//! The read report: what the reader settled, the reader choices to override it (each change
//! re-reads the file in the worker), per-column statistics and a preview of the first rows.

use leptos::prelude::*;

use super::actions::Actions;
use super::fields::{ChoiceField, choices};
use super::state::DataState;
use crate::jobs::{
    CHOOSABLE_ENCODINGS, DateOrder, DecimalMark, DuplicatePolicy, HeaderChoice, NONE, ReadReport,
    format_number,
};

/// What the reader settled (the `data-report` facts), the reader choices to override it,
/// per-column statistics and a preview of the first rows.
#[component]
pub(crate) fn DataReport(busy: Signal<bool>, report: ReadReport) -> impl IntoView {
    let actions = expect_context::<Actions>();
    let data = expect_context::<DataState>();
    let chosen = data.read_options.get_untracked();
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
                    on_pick=move |v| actions.reread(|o| o.encoding = some_unless_auto(v)) />
                <ChoiceField label="Delimiter".into() testid="read-delimiter" options=delimiters current=or_auto(&chosen.delimiter) busy=busy
                    on_pick=move |v| actions.reread(|o| o.delimiter = some_unless_auto(v)) />
                <ChoiceField label="Header".into() testid="read-header" options=headers current=header_current busy=busy
                    on_pick=move |v| actions.reread(|o| o.header = match v.as_str() {
                        "auto" => HeaderChoice::Auto,
                        "none" => HeaderChoice::None,
                        l => l.parse().map_or(HeaderChoice::Auto, HeaderChoice::Line),
                    }) />
                <ChoiceField label="Time column".into() testid="read-time-column" options=time_choices current=or_auto(&chosen.time_column) busy=busy
                    on_pick=move |v| actions.reread(|o| o.time_column = some_unless_auto(v)) />
                <ChoiceField label="Date order".into() testid="read-date-order" options=orders current=order_current.to_string() busy=busy
                    on_pick=move |v| actions.reread(|o| o.date_order = match v.as_str() {
                        "day-first" => DateOrder::DayFirst,
                        "month-first" => DateOrder::MonthFirst,
                        _ => DateOrder::Auto,
                    }) />
                <ChoiceField label="Group column (panel)".into() testid="read-group-column" options=group_choices current=or_auto(&chosen.group_column) busy=busy
                    on_pick=move |v| actions.reread(|o| o.group_column = some_unless_auto(v)) />
                <ChoiceField label="Decimal mark".into() testid="read-decimal" options=decimals current=decimal_current.to_string() busy=busy
                    on_pick=move |v| actions.reread(|o| o.decimal = match v.as_str() {
                        "point" => Some(DecimalMark::Point),
                        "comma" => Some(DecimalMark::Comma),
                        _ => None,
                    }) />
                <ChoiceField label="Duplicate time stamps".into() testid="read-duplicates" options=duplicates current=duplicates_current.to_string() busy=busy
                    on_pick=move |v| actions.reread(|o| o.duplicates = DuplicatePolicy::from_name(&v).unwrap_or_default()) />
                {(!groups.is_empty()).then(|| {
                    let current = data.series.get_untracked().unwrap_or_default();
                    let options: Vec<(String, String)> = groups.iter().map(|g| (g.clone(), g.clone())).collect();
                    view! {
                        <ChoiceField label="Series to model".into() testid="series-select" options=options current=current busy=busy
                            on_pick=move |v| data.series.set(Some(v)) />
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

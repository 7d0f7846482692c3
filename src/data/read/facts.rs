//! The report stage: the [`ReadReport`] of a read — facts in their fixed order, per-column
//! statistics, the preview and the settled options.

use super::columns::{Acc, Plan, Table};
use super::datetime::DateOrder;
use super::dialect::{Dialect, HeaderChoice};
use super::encoding::DetectedEncoding;
use super::frame::GroupColumn;
use super::frequency::{Cadence, OrderSummary};
use super::number::{DecimalMark, MISSING_MARKERS};
use super::report::{ColumnStats, Fact, Preview, ReadReport};
use super::time::TimeIndex;
use super::{Context, DuplicatePolicy, NONE, ReadOptions};
use crate::data::calendar::format_timestamp;
use crate::data::frame::{Column, Frame, Groups};
use crate::data::frequency::{Gap, Inferred};

/// How the file's text was laid out: settled before the columns.
pub(super) struct Layout<'a> {
    /// Delimiter, header and preamble.
    pub(super) dialect: &'a Dialect,
    /// The encoding and how it was chosen.
    pub(super) encoding: &'a DetectedEncoding,
    /// The lines inside the table left out, in words (`none` when every line was data).
    pub(super) skipped: &'a str,
}

/// Everything the report is written from.
pub(super) struct ReportParts<'a> {
    /// Encoding, delimiter, header and preamble.
    pub(super) layout: Layout<'a>,
    /// Column plans, what was left in the accumulators, missing markers, rows read.
    pub(super) table: &'a Table,
    /// The time index, if any.
    pub(super) time: Option<&'a TimeIndex>,
    /// The group column, if any.
    pub(super) groups: Option<&'a GroupColumn>,
    /// The frequency per group.
    pub(super) cadence: &'a Cadence,
    /// Row counts, order and duplicates.
    pub(super) order: OrderSummary,
    /// The frame built.
    pub(super) frame: &'a Frame,
    /// The first rows as read.
    pub(super) preview: Preview,
}

/// A fact.
fn fact(name: &str, value: String) -> Fact {
    Fact {
        name: name.into(),
        value,
    }
}

/// Writes the [`ReadReport`]: facts (layout, time, frequency, range, rows, groups, gaps,
/// duplicates, order, missing markers, number notes), column statistics in file order, the
/// preview, the group names and the settled options.
pub(super) fn write_report(ctx: &Context<'_>, parts: ReportParts<'_>) -> ReadReport {
    let ReportParts {
        layout,
        table: t,
        time,
        groups,
        cadence,
        order,
        frame,
        preview,
    } = parts;
    let headers = ctx.headers;
    let stats = column_stats_all(ctx, t, groups, frame);

    let mut facts = layout_facts(layout.dialect, layout.encoding);
    let mut skipped = layout.skipped.to_string();
    if layout.dialect.trailing_delimiter {
        let note = "every line's trailing delimiter (an empty last field)";
        skipped = if skipped == "none" {
            note.to_string()
        } else {
            format!("{skipped}; {note}")
        };
    }
    facts.push(fact("skipped", skipped));
    facts.push(fact(
        "time column",
        time.map_or("none (row order)".into(), |t| t.name.clone()),
    ));
    facts.push(fact(
        "date format",
        time.map_or("none".into(), |t| t.format.clone()),
    ));
    let group_count = groups.map_or(1, |g| g.names.len());
    let mut frequency_label = cadence.frequency.label();
    if group_count > 1 && !cadence.inferred.is_empty() {
        frequency_label += &format!(" ({} of {group_count} groups)", cadence.agreeing);
    }
    facts.push(fact("frequency", frequency_label));
    let has_clock = cadence.has_clock;
    if let Some(s) = frame.timestamps.as_ref().filter(|s| !s.is_empty()) {
        let (first, last) = (
            s.iter().min().copied().unwrap_or(0),
            s.iter().max().copied().unwrap_or(0),
        );
        facts.push(fact(
            "time range",
            format!(
                "{} .. {}",
                format_timestamp(first, has_clock),
                format_timestamp(last, has_clock)
            ),
        ));
    }
    facts.push(fact("rows", order.rows.to_string()));
    facts.push(fact("columns", headers.len().to_string()));
    facts.push(fact(
        "groups",
        match groups {
            Some(g) => format!(
                "{} (column '{}'{})",
                g.names.len(),
                headers[g.column],
                match (g.detected, time.is_some()) {
                    (false, _) => "",
                    (true, true) => ", detected: time stamps repeat across its values",
                    (true, false) => {
                        ", detected: runs one after another, an elapsed-time column restarting at 0 in each"
                    }
                }
            ),
            None => "none".into(),
        },
    ));
    facts.push(fact(
        "missing periods",
        gap_summary(&cadence.inferred, frame.groups.as_ref(), has_clock),
    ));
    let duplicates = order.duplicates;
    facts.push(fact(
        "duplicates",
        if duplicates.stamps == 0 {
            "none".into()
        } else {
            format!(
                "{} time stamp(s) on {} rows; {}",
                duplicates.stamps,
                duplicates.rows,
                match ctx.options.duplicates {
                    DuplicatePolicy::Mean => "averaged",
                    _ => "kept the last row",
                }
            )
        },
    ));
    facts.push(fact(
        "unsorted",
        match order.first_unsorted {
            Some(line) => {
                format!("yes: line {line} is earlier than the row before it; rows sorted by time")
            }
            None => "no".into(),
        },
    ));
    facts.push(fact("missing markers", markers_seen(&t.markers)));
    let number_notes: Vec<String> = stats
        .iter()
        .filter(|s| s.kind == "numeric" || s.kind == "mixed")
        .filter(|s| !s.notes.is_empty())
        .map(|s| format!("{}: {}", s.name, s.notes))
        .collect();
    facts.push(fact(
        "numbers",
        if number_notes.is_empty() {
            "plain".into()
        } else {
            number_notes.join("; ")
        },
    ));

    ReadReport {
        facts,
        columns: stats,
        preview,
        settled: settled_options(ctx, &layout, time, groups),
        groups: frame
            .groups
            .as_ref()
            .map_or(Vec::new(), |g| g.names.clone()),
    }
}

/// Names of the encoding, delimiter, header and preamble facts.
fn layout_facts(dialect: &Dialect, detected: &DetectedEncoding) -> Vec<Fact> {
    let preamble = if dialect.preamble.is_empty() {
        "none".to_string()
    } else {
        let quoted: Vec<String> = dialect
            .preamble
            .iter()
            .take(3)
            .map(|l| format!("'{}'", l.chars().take(60).collect::<String>()))
            .collect();
        format!(
            "{} line(s) skipped: {}",
            dialect.preamble.len(),
            quoted.join(", ")
        )
    };
    vec![
        fact("encoding", detected.name()),
        fact("encoding source", detected.how().into()),
        fact("delimiter", dialect.delimiter_name()),
        fact(
            "header row",
            if dialect.has_header {
                dialect.table_line.to_string()
            } else {
                "none".into()
            },
        ),
        fact("preamble", preamble),
    ]
}

/// The choices as settled, for the user to change one: every detected choice written out.
fn settled_options(
    ctx: &Context<'_>,
    layout: &Layout<'_>,
    time: Option<&TimeIndex>,
    groups: Option<&GroupColumn>,
) -> ReadOptions {
    let (dialect, options) = (layout.dialect, ctx.options);
    ReadOptions {
        encoding: Some(layout.encoding.name()),
        delimiter: Some(dialect.delimiter_name()),
        header: if dialect.has_header {
            HeaderChoice::Line(dialect.table_line)
        } else {
            HeaderChoice::None
        },
        time_column: Some(time.map_or(NONE.into(), |t| {
            t.name.split(" + ").next().unwrap_or(&t.name).to_string()
        })),
        date_order: time.map_or(DateOrder::Auto, |t| t.order),
        group_column: Some(groups.map_or(NONE.into(), |g| ctx.headers[g.column].clone())),
        duplicates: options.duplicates,
        decimal: options.decimal,
    }
}

/// `NA ×3, (empty) ×2`, or `none`.
fn markers_seen(markers: &[usize; MISSING_MARKERS.len()]) -> String {
    let seen: Vec<String> = markers
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(m, n)| {
            let marker = if MISSING_MARKERS[m].is_empty() {
                "(empty)".to_string()
            } else {
                MISSING_MARKERS[m].to_string()
            };
            format!("{marker} ×{n}")
        })
        .collect();
    if seen.is_empty() {
        "none".into()
    } else {
        seen.join(", ")
    }
}

/// `0`, or `12 in 3 gaps: 5 after 2024-01-05, …` (with the group for panels).
fn gap_summary(inferred: &[Inferred], groups: Option<&Groups>, has_clock: bool) -> String {
    let total: usize = inferred.iter().map(Inferred::missing_periods).sum();
    let irregular: usize = inferred.iter().map(|i| i.off_grid_steps).sum();
    if irregular > 0 {
        return format!("not counted: {irregular} step(s) are off the regular grid (irregular)");
    }
    if total == 0 {
        return "0".into();
    }
    let mut all: Vec<(usize, Gap)> = inferred
        .iter()
        .enumerate()
        .flat_map(|(g, i)| i.gaps.iter().map(move |gap| (g, *gap)))
        .collect();
    let count = all.len();
    all.sort_by_key(|(_, gap)| std::cmp::Reverse(gap.missing));
    let shown: Vec<String> = all
        .iter()
        .take(5)
        .map(|(g, gap)| {
            let group = groups.map_or(String::new(), |gr| format!("{}: ", gr.names[*g]));
            format!(
                "{group}{} after {}",
                gap.missing,
                format_timestamp(gap.after, has_clock)
            )
        })
        .collect();
    format!(
        "{total} in {count} gap(s); largest: {}{}",
        shown.join(", "),
        if count > shown.len() { ", …" } else { "" }
    )
}

/// Statistics of every column, in file order: value columns from the frame, the others by
/// their role (`time`, `group`, `text`) with the text column's missing cells.
fn column_stats_all(
    ctx: &Context<'_>,
    t: &Table,
    groups: Option<&GroupColumn>,
    frame: &Frame,
) -> Vec<ColumnStats> {
    let group_column = groups.map(|g| g.column);
    let rows_read = t.lines.len();
    let mut stats = Vec::with_capacity(ctx.headers.len());
    for (j, name) in ctx.headers.iter().enumerate() {
        let kind_of = |j: usize| -> &'static str {
            match t.plans[j] {
                _ if Some(j) == group_column => "group",
                Plan::Time(_) | Plan::Clock => "time",
                _ => "text",
            }
        };
        let stat = match frame.columns.iter().find(|c| &c.name == name) {
            Some(c) => column_stats(c, &t.accs[j]),
            None => ColumnStats {
                name: name.clone(),
                kind: if frame.text_columns.contains(name) {
                    "text"
                } else {
                    kind_of(j)
                }
                .into(),
                missing: match &t.accs[j] {
                    Acc::Text { missing, .. } => *missing,
                    _ => 0,
                },
                missing_percent: match &t.accs[j] {
                    Acc::Text { missing, .. } => 100.0 * *missing as f64 / rows_read.max(1) as f64,
                    _ => 0.0,
                },
                min: None,
                max: None,
                mean: None,
                notes: String::new(),
            },
        };
        stats.push(stat);
    }
    stats
}

/// Statistics of one value column (after ordering and merging duplicates), with notes on
/// how its numbers were read.
fn column_stats(c: &Column, acc: &Acc) -> ColumnStats {
    let rows = c.values.len().max(1);
    let finite: Vec<f64> = c.values.iter().copied().filter(|v| !v.is_nan()).collect();
    let invalid = c.invalid.as_ref().map_or(0, |i| i.total);
    // Bad cells are NaN too; after duplicates are merged fewer NaN may be left than bad cells.
    let missing = (c.values.len() - finite.len()).saturating_sub(invalid);
    let mut notes = Vec::new();
    if let Acc::Numeric {
        percent,
        currency,
        mark,
        ..
    } = acc
    {
        if *mark == DecimalMark::Comma {
            notes.push("decimal comma".to_string());
        }
        if *percent > 0 {
            notes.push("% signs removed (values in percent)".to_string());
        }
        if !currency.is_empty() {
            notes.push(format!(
                "currency {} removed",
                currency.iter().collect::<String>()
            ));
        }
    }
    if let Some(i) = &c.invalid {
        let cells: Vec<String> = i
            .examples
            .iter()
            .take(3)
            .map(|(l, t)| format!("line {l} '{t}'"))
            .collect();
        notes.push(format!(
            "{} cell(s) not numbers: {}",
            i.total,
            cells.join(", ")
        ));
    }
    ColumnStats {
        name: c.name.clone(),
        kind: if c.invalid.is_some() {
            "mixed"
        } else {
            "numeric"
        }
        .into(),
        missing,
        missing_percent: 100.0 * missing as f64 / rows as f64,
        min: finite.iter().copied().reduce(f64::min),
        max: finite.iter().copied().reduce(f64::max),
        mean: (!finite.is_empty()).then(|| finite.iter().sum::<f64>() / finite.len() as f64),
        notes: notes.join("; "),
    }
}

//! The frequency stage: rows put in (group, time) order, rows that share a time stamp merged
//! under the [`DuplicatePolicy`], and the frequency and gaps of each group's time stamps.

use std::ops::Range;

use super::columns::{Table, Values};
use super::frame::GroupColumn;
use super::time::TimeIndex;
use super::{Context, DuplicatePolicy};
use crate::data::calendar::format_timestamp;
use crate::data::error::{DataError, MAX_EXAMPLES};
use crate::data::frame::Frequency;
use crate::data::frequency::Inferred;

/// Rows that shared a time stamp (within a group).
#[derive(Debug, Clone, Copy)]
pub(super) struct Duplicates {
    /// Distinct (group, time) stamps that repeat.
    pub(super) stamps: usize,
    /// Rows on those stamps.
    pub(super) rows: usize,
}

/// What ordering the rows found, for the report.
#[derive(Debug, Clone, Copy)]
pub(super) struct OrderSummary {
    /// Rows kept.
    pub(super) rows: usize,
    /// The file line of the first row earlier than the row before it (in its group).
    pub(super) first_unsorted: Option<usize>,
    /// What was merged.
    pub(super) duplicates: Duplicates,
}

/// The rows in (group, time) order with duplicates merged.
pub(super) struct Ordered {
    /// One time stamp per row kept; `None` without a time column.
    pub(super) stamps: Option<Vec<i64>>,
    /// The group id of each row kept (all 0 for a single series).
    pub(super) groups: Vec<u32>,
    /// Counts for the report.
    pub(super) summary: OrderSummary,
}

/// Sorts the rows by (group, time) — a stable sort, so rows without a time column keep their
/// file order within a group — and merges rows that share a time stamp: the last one kept or
/// their mean, applied to every value column. Hands on the [`Ordered`] rows.
///
/// # Errors
/// [`DataError::DuplicateTimestamps`] when time stamps repeat and the policy is
/// [`DuplicatePolicy::Error`], with a hint naming candidate group columns.
pub(super) fn order_rows(
    ctx: &Context<'_>,
    t: &Table,
    time: Option<&TimeIndex>,
    groups: Option<&GroupColumn>,
    values: &mut Values,
) -> Result<Ordered, DataError> {
    let n = t.lines.len();
    let group_ids: Vec<u32> = groups.map_or_else(|| vec![0; n], |g| g.ids.clone());
    let group_count = groups.map_or(1, |g| g.names.len());
    let mut first_unsorted: Option<usize> = None;
    if let Some(time) = time {
        let mut last: Vec<Option<i64>> = vec![None; group_count];
        // One group id per row read.
        for (r, &g) in group_ids.iter().enumerate() {
            let g = g as usize;
            if last[g].is_some_and(|l| time.stamps[r] < l) && first_unsorted.is_none() {
                first_unsorted = Some(t.lines[r]);
            }
            last[g] = Some(time.stamps[r]);
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    if let Some(time) = time {
        order.sort_by_key(|&r| (group_ids[r], time.stamps[r]));
    } else {
        order.sort_by_key(|&r| group_ids[r]);
    }

    // Duplicates: runs of equal (group, time) in the sorted order.
    // Runs are kept as start positions into `order` (one allocation for a million rows).
    let mut run_starts: Vec<usize> = Vec::with_capacity(n + 1);
    for (i, &r) in order.iter().enumerate() {
        let same = i > 0 && {
            let p = order[i - 1];
            group_ids[p] == group_ids[r] && time.is_some_and(|t| t.stamps[p] == t.stamps[r])
        };
        if !same {
            run_starts.push(i);
        }
    }
    run_starts.push(n);
    let runs = || run_starts.windows(2).map(|w| &order[w[0]..w[1]]);
    let mut duplicate_examples: Vec<(String, Vec<usize>)> = Vec::new();
    let (mut duplicate_stamps, mut duplicate_rows) = (0usize, 0usize);
    for run in runs().filter(|run| run.len() > 1) {
        duplicate_stamps += 1;
        duplicate_rows += run.len();
        if duplicate_examples.len() < MAX_EXAMPLES {
            let stamp = time.map_or(0, |t| t.stamps[run[0]]);
            let mut label = format_timestamp(stamp, stamp % 86_400 != 0);
            if let Some(g) = groups {
                label = format!("{} {label}", g.names[group_ids[run[0]] as usize]);
            }
            duplicate_examples.push((label, run.iter().map(|&r| t.lines[r]).collect()));
        }
    }
    let policy = ctx.options.duplicates;
    if duplicate_stamps > 0 && policy == DuplicatePolicy::Error {
        let time_name = time.map_or(String::new(), |t| t.name.clone());
        let candidates: Vec<&String> = values.text_columns.iter().take(3).collect();
        let hint = if groups.is_none() && !candidates.is_empty() {
            format!(
                "If the file holds several series, choose the group column (e.g. {}); otherwise choose to keep the last row or average them",
                candidates
                    .iter()
                    .map(|c| format!("'{c}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            "Choose to keep the last row or to average them, or fix the file".into()
        };
        return Err(DataError::DuplicateTimestamps {
            file: ctx.file.into(),
            column: time_name,
            examples: duplicate_examples,
            total: duplicate_stamps,
            hint,
        });
    }

    // Apply the order and the duplicate policy to every column.
    let pick = |values: &[f64]| -> Vec<f64> {
        runs()
            .map(|run| match policy {
                DuplicatePolicy::Mean if run.len() > 1 => {
                    let seen: Vec<f64> = run
                        .iter()
                        .map(|&r| values[r])
                        .filter(|v| !v.is_nan())
                        .collect();
                    if seen.is_empty() {
                        f64::NAN
                    } else {
                        seen.iter().sum::<f64>() / seen.len() as f64
                    }
                }
                _ => values[*run.last().unwrap_or(&run[0])],
            })
            .collect()
    };
    for c in &mut values.columns {
        c.values = pick(&c.values);
    }
    let stamps: Option<Vec<i64>> = time.map(|time| runs().map(|run| time.stamps[run[0]]).collect());
    let kept_groups: Vec<u32> = runs().map(|run| group_ids[run[0]]).collect();
    Ok(Ordered {
        stamps,
        groups: kept_groups,
        summary: OrderSummary {
            rows: run_starts.len() - 1,
            first_unsorted,
            duplicates: Duplicates {
                stamps: duplicate_stamps,
                rows: duplicate_rows,
            },
        },
    })
}

/// The frequency settled on the ordered rows.
pub(super) struct Cadence {
    /// The rows of each group (one range for a single series).
    pub(super) ranges: Vec<Range<usize>>,
    /// What was inferred for each group; empty without a time column.
    pub(super) inferred: Vec<Inferred>,
    /// The most common frequency among the groups ([`Frequency::RowOrder`] without time).
    pub(super) frequency: Frequency,
    /// Groups whose own frequency is the settled one.
    pub(super) agreeing: usize,
    /// Whether any time stamp has a time of day.
    pub(super) has_clock: bool,
}

/// Splits the ordered rows into group ranges and infers each group's frequency and gaps; the
/// most common frequency is the frame's. Hands on the [`Cadence`].
pub(super) fn detect_frequency(rows: &Ordered) -> Cadence {
    let (kept_groups, n) = (&rows.groups, rows.summary.rows);
    let mut ranges = Vec::new();
    let mut start = 0;
    for r in 1..=n {
        if r == n || kept_groups[r] != kept_groups[start] {
            ranges.push(start..r);
            start = r;
        }
    }
    let inferred: Vec<Inferred> = match &rows.stamps {
        Some(stamps) => ranges
            .iter()
            .map(|range| Frequency::infer(&stamps[range.clone()]))
            .collect(),
        None => Vec::new(),
    };
    let frequency =
        most_common(inferred.iter().map(|i| i.frequency)).unwrap_or(Frequency::RowOrder);
    let agreeing = inferred.iter().filter(|i| i.frequency == frequency).count();
    let has_clock = rows
        .stamps
        .as_ref()
        .is_some_and(|s| s.iter().any(|t| t % 86_400 != 0));
    Cadence {
        ranges,
        inferred,
        frequency,
        agreeing,
        has_clock,
    }
}

/// The most frequent value (among equally frequent ones, the one seen last).
fn most_common(values: impl Iterator<Item = Frequency>) -> Option<Frequency> {
    let mut counts: Vec<(Frequency, usize)> = Vec::new();
    for v in values {
        match counts.iter_mut().find(|(f, _)| *f == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(f, _)| f)
}

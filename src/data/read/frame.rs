//! The frame stage: the group column of a panel (the user's, or one detected because time
//! stamps repeat), and the [`Frame`] built from the settled time index, values and groups.

use std::collections::HashMap;

use super::columns::{Acc, Table, Values};
use super::frequency::{Cadence, Ordered};
use super::report::format_number;
use super::time::TimeIndex;
use super::{Context, MAX_GROUPS, NONE};
use crate::data::error::DataError;
use crate::data::frame::{Frame, Groups};

/// The column that splits the file into series (a panel).
pub(super) struct GroupColumn {
    /// The column's index.
    pub(super) column: usize,
    /// The group id of each row read (file order).
    pub(super) ids: Vec<u32>,
    /// The group names, by id.
    pub(super) names: Vec<String>,
    /// Whether it was detected rather than chosen.
    pub(super) detected: bool,
}

/// Finds the group column: the user's, or — when time stamps repeat — the first text (or
/// small-integer) column that makes (group, time) unique. Hands on the [`GroupColumn`], or
/// `None` for a single series.
///
/// # Errors
/// [`DataError::NoSuchColumn`] for an unknown name, [`DataError::BadSetting`] when the chosen
/// column is neither labels nor whole numbers with at most [`MAX_GROUPS`] distinct values.
pub(super) fn find_groups(
    ctx: &Context<'_>,
    t: &Table,
    time: Option<&TimeIndex>,
) -> Result<Option<GroupColumn>, DataError> {
    let headers = ctx.headers;
    let ids_of = |j: usize| -> Option<(Vec<u32>, Vec<String>)> {
        match &t.accs[j] {
            Acc::Text {
                ids, names, capped, ..
            } if !capped => Some((ids.clone(), names.clone())),
            Acc::Numeric { values, bad, .. } if bad.total == 0 => {
                let mut index: HashMap<u64, u32> = HashMap::new();
                let mut names = Vec::new();
                let mut ids = Vec::with_capacity(values.len());
                for v in values {
                    let next = names.len() as u32;
                    let id = *index.entry(v.to_bits()).or_insert(next);
                    if id == next {
                        names.push(if v.is_nan() {
                            "(missing)".to_string()
                        } else {
                            format_number(*v)
                        });
                        if names.len() > MAX_GROUPS {
                            return None;
                        }
                    }
                    ids.push(id);
                }
                Some((ids, names))
            }
            _ => None,
        }
    };
    match ctx.options.group_column.as_deref().map(str::trim) {
        Some(NONE) => Ok(None),
        Some(name) => {
            let j =
                headers
                    .iter()
                    .position(|h| h == name)
                    .ok_or_else(|| DataError::NoSuchColumn {
                        file: ctx.file.into(),
                        column: name.into(),
                        role: "group column",
                        available: headers.join(", "),
                    })?;
            // The time stage has taken the time (and a joined clock) column's cells: such
            // a column has no ids left for the rows and cannot group them.
            let (ids, names) = ids_of(j)
                .filter(|(ids, _)| ids.len() == t.lines.len())
                .ok_or_else(|| DataError::BadSetting {
                    name: "group column",
                    expected: "a column of labels or whole numbers with at most 10,000 distinct values, other than the time column",
                    found: name.into(),
                })?;
            Ok(Some(GroupColumn {
                column: j,
                ids,
                names,
                detected: false,
            }))
        }
        None => {
            let Some(stamps) = time.map(|t| t.stamps.as_slice()) else {
                return Ok(row_order_panel(ctx, t, ids_of));
            };
            let unique = |ids: &[u32]| {
                let mut pairs: Vec<(u32, i64)> =
                    ids.iter().copied().zip(stamps.iter().copied()).collect();
                pairs.sort_unstable();
                pairs.windows(2).all(|w| w[0] != w[1])
            };
            if unique(&vec![0; stamps.len()]) {
                return Ok(None);
            }
            for j in group_candidates(t) {
                if let Some((ids, names)) = ids_of(j) {
                    let small = names.len() > 1 && names.len() * 2 <= ids.len();
                    if small && unique(&ids) {
                        return Ok(Some(GroupColumn {
                            column: j,
                            ids,
                            names,
                            detected: true,
                        }));
                    }
                }
            }
            Ok(None)
        }
    }
}

/// The columns that may group the rows, in the order they are tried: text columns, then
/// numeric ones (whole-number ids).
fn group_candidates(t: &Table) -> impl Iterator<Item = usize> + '_ {
    let of_kind = move |numeric: bool| {
        (0..t.accs.len()).filter(move |&j| match t.accs[j] {
            Acc::Text { .. } => !numeric,
            Acc::Numeric { .. } => numeric,
            _ => false,
        })
    };
    of_kind(false).chain(of_kind(true))
}

/// Header words of an elapsed-time column (time since a run started). Clock words (`hour`,
/// `min`) are not among them: `day,hour,load` is one series, not a panel of days.
const ELAPSED_NAMES: [&str; 8] = [
    "t", "time", "elapsed", "step", "runtime", "hours", "minutes", "seconds",
];

/// Without a time column: a panel of runs written one after another (`exp,t,…` with `t`
/// restarting at 0 in each experiment) — a column of labels or whole numbers in contiguous
/// blocks (two or more, each of two rows or more, no label coming back), beside an
/// elapsed-time column (named as one) that starts at 0 in every block and rises within it.
fn row_order_panel(
    ctx: &Context<'_>,
    t: &Table,
    ids_of: impl Fn(usize) -> Option<(Vec<u32>, Vec<String>)>,
) -> Option<GroupColumn> {
    let headers = ctx.headers;
    let elapsed: Vec<&[f64]> = (0..headers.len())
        .filter(|&k| ELAPSED_NAMES.contains(&headers[k].trim().to_lowercase().as_str()))
        .filter_map(|k| match &t.accs[k] {
            Acc::Numeric { values, .. }
                if values.len() == t.lines.len() && values.iter().all(|v| v.is_finite()) =>
            {
                Some(values.as_slice())
            }
            _ => None,
        })
        .collect();
    if elapsed.is_empty() {
        return None;
    }
    for j in group_candidates(t) {
        let Some((ids, names)) = ids_of(j).filter(|(ids, _)| ids.len() == t.lines.len()) else {
            continue;
        };
        let starts: Vec<usize> = (0..ids.len())
            .filter(|&i| i == 0 || ids[i] != ids[i - 1])
            .collect();
        // Each label in one block, every block two rows or more.
        let contiguous = starts.len() == names.len();
        let sizes_ok = starts
            .iter()
            .zip(starts.iter().skip(1).chain(std::iter::once(&ids.len())))
            .all(|(a, b)| b - a >= 2);
        if names.len() < 2 || !contiguous || !sizes_ok {
            continue;
        }
        let mut block_start = vec![false; ids.len()];
        for &s in &starts {
            block_start[s] = true;
        }
        let restarts = |values: &[f64]| {
            starts.iter().all(|&s| values[s] == 0.0)
                && (1..values.len())
                    .filter(|&i| !block_start[i])
                    .all(|i| values[i] > values[i - 1])
        };
        if elapsed.iter().any(|v| restarts(v)) {
            return Some(GroupColumn {
                column: j,
                ids,
                names,
                detected: true,
            });
        }
    }
    None
}

/// Everything the frame is built from.
pub(super) struct FrameParts<'a> {
    /// The time index, if any.
    pub(super) time: Option<&'a TimeIndex>,
    /// The group column, if any.
    pub(super) groups: Option<&'a GroupColumn>,
    /// The value and text columns (already in row order).
    pub(super) values: Values,
    /// The ordered rows.
    pub(super) rows: Ordered,
    /// The frequency and group ranges.
    pub(super) cadence: &'a Cadence,
}

/// Builds the [`Frame`]: the ordered time stamps, the value columns, the frequency and the
/// groups (their names in row order, with each group's rows). Hands on the frame.
pub(super) fn build_frame(ctx: &Context<'_>, parts: FrameParts<'_>) -> Frame {
    let FrameParts {
        time,
        groups,
        values,
        rows,
        cadence,
    } = parts;
    let frame_groups = groups.map(|g| Groups {
        column: ctx.headers[g.column].clone(),
        names: cadence
            .ranges
            .iter()
            .map(|r| g.names[rows.groups[r.start] as usize].clone())
            .collect(),
        ranges: cadence.ranges.clone(),
    });
    Frame {
        file_name: ctx.file.into(),
        time_name: time.map(|t| t.name.clone()),
        timestamps: rows.stamps,
        time_has_clock: cadence.has_clock,
        columns: values.columns,
        text_columns: values.text_columns,
        frequency: cadence.frequency,
        groups: frame_groups,
    }
}

//! The time stage: which column is the time index (the user's, the first column written as
//! dates, or none — then rows keep their file order), a time-of-day column joined to a
//! date-only one, the day/month order and UTC offsets, and one time stamp per row.

use std::collections::BTreeSet;

use super::columns::{Acc, Plan, Table, sample_cells};
use super::datetime::{CellTime, DateFamily, DateOrder, decide_order, detect_family, parse_cell};
use super::number::trim;
use super::{Context, NONE};
use crate::data::error::{DataError, MAX_EXAMPLES};
use crate::data::frame::InvalidCells;

/// The time column found on the sample, with the clock column joined to it.
pub(super) struct TimeColumn {
    /// The column's index.
    pub(super) column: usize,
    /// How its dates are written.
    pub(super) family: DateFamily,
    /// A time-of-day column beside a date-only time column.
    pub(super) clock: Option<usize>,
}

/// Finds the time column on the sample: the user's (any date family, number-like ones
/// included), none when the user chose [`NONE`], or else the first column written as dates.
/// A date-only column takes the first time-of-day column as its clock. Hands on the
/// [`TimeColumn`] for the columns stage to plan.
///
/// # Errors
/// [`DataError::NoSuchColumn`] for an unknown name, [`DataError::NotATimeColumn`] when the
/// chosen column holds no dates.
pub(super) fn find_time_column(
    ctx: &Context<'_>,
    sample: &[(usize, csv::StringRecord)],
) -> Result<Option<TimeColumn>, DataError> {
    let (file, headers) = (ctx.file, ctx.headers);
    let n = headers.len();
    let wanted = ctx.options.time_column.as_deref().map(str::trim);
    let time =
        match wanted {
            Some(NONE) => None,
            Some(name) => {
                let j = headers.iter().position(|h| h == name).ok_or_else(|| {
                    DataError::NoSuchColumn {
                        file: file.into(),
                        column: name.into(),
                        role: "time column",
                        available: headers.join(", "),
                    }
                })?;
                let cells = sample_cells(sample, j);
                // Chosen by the user: number-like families are allowed as if the header said so.
                let family = detect_family(&cells, "date", true).ok_or_else(|| {
                    let examples = sample
                        .iter()
                        .filter_map(|(line, r)| r.get(j).map(|c| (*line, trim(c).to_string())))
                        .filter(|(_, c)| detect_family(&[c.as_str()], "date", true).is_none())
                        .take(3)
                        .collect();
                    DataError::NotATimeColumn {
                        file: file.into(),
                        column: name.into(),
                        examples,
                    }
                })?;
                Some((j, family))
            }
            None => (0..n).find_map(|j| {
                detect_family(&sample_cells(sample, j), &headers[j], j == 0)
                    .filter(|f| *f != DateFamily::TimeOfDay)
                    .map(|f| (j, f))
            }),
        };
    let Some((j, family)) = time else {
        return Ok(None);
    };
    // A date-only column next to a time-of-day column: join them.
    let dates_only = sample
        .iter()
        .filter_map(|(_, r)| r.get(j).and_then(|c| parse_cell(c, family)))
        .all(|t| !t.has_time() && !matches!(t, CellTime::Epoch(_)));
    let clock = if dates_only {
        (0..n).find(|&k| {
            k != j
                && detect_family(&sample_cells(sample, k), &headers[k], false)
                    == Some(DateFamily::TimeOfDay)
        })
    } else {
        None
    };
    Ok(Some(TimeColumn {
        column: j,
        family,
        clock,
    }))
}

/// The settled time index: stamps per row (file order), the format in words, the columns used.
pub(super) struct TimeIndex {
    /// Seconds since the epoch, one per row read, in file order.
    pub(super) stamps: Vec<i64>,
    /// The date format in words, with how offsets, clock and day/month order were settled.
    pub(super) format: String,
    /// The time column's name (`date + time` when a clock column was joined).
    pub(super) name: String,
    /// The day/month order used.
    pub(super) order: DateOrder,
}

/// Resolves the time column read in the streaming pass (day/month order, offsets, a joined
/// clock column), taking its cells out of the table. Hands on the [`TimeIndex`], or `None`
/// when rows keep their file order.
///
/// # Errors
/// [`DataError::BadTimestamps`] naming the first cells of the time or clock column that are
/// not dates (or not dates under the settled day/month order).
pub(super) fn resolve_time(
    ctx: &Context<'_>,
    t: &mut Table,
) -> Result<Option<TimeIndex>, DataError> {
    let (file, headers) = (ctx.file, ctx.headers);
    let Some(j) = t.plans.iter().position(|p| matches!(p, Plan::Time(_))) else {
        return Ok(None);
    };
    let Plan::Time(family) = t.plans[j] else {
        return Ok(None);
    };
    let Acc::Time { cells, bad, .. } = std::mem::replace(&mut t.accs[j], Acc::new(Plan::Text))
    else {
        return Ok(None);
    };
    let mut bad = bad;
    let (order, order_reason) = match (family, ctx.options.date_order) {
        (DateFamily::DayMonth(_), DateOrder::Auto) => {
            let d = decide_order(&cells, &t.lines);
            (d.order, Some(d.reason))
        }
        (DateFamily::DayMonth(_), chosen) => (chosen, Some("chosen".to_string())),
        _ => (DateOrder::Auto, None),
    };
    let mut offsets = BTreeSet::new();
    let mut stamps = Vec::with_capacity(cells.len());
    let mut bad_resolved = InvalidCells::default();
    for (cell, line) in cells.iter().zip(&t.lines) {
        match cell.and_then(|c| c.resolve(order)) {
            Some(s) => {
                offsets.insert(cell.and_then(|c| c.offset()));
                stamps.push(s);
            }
            None => {
                if let Some(CellTime::Civil { year, a, b, .. }) = cell {
                    bad_resolved.push(*line, &format!("{a:02}/{b:02}/{year}"));
                }
                stamps.push(0);
            }
        }
    }
    for (line, text) in bad_resolved.examples {
        if bad.examples.len() < MAX_EXAMPLES {
            bad.examples.push((line, text));
        }
    }
    bad.total += bad_resolved.total;
    bad.examples.sort();
    let mut format = family.pattern(order);
    if bad.total > 0 {
        return Err(DataError::BadTimestamps {
            file: file.into(),
            column: headers[j].clone(),
            format,
            examples: bad.examples,
            total: bad.total,
        });
    }
    let civil_times = cells
        .iter()
        .flatten()
        .any(|c| matches!(c, CellTime::Civil { .. }) && c.has_time());
    if civil_times {
        format += " HH:MM:SS";
    }
    let written: Vec<i32> = offsets.iter().flatten().copied().collect();
    if written.len() > 1 || (written.len() == 1 && offsets.contains(&None)) {
        for (s, cell) in stamps.iter_mut().zip(&cells) {
            *s -= i64::from(cell.and_then(|c| c.offset()).unwrap_or(0));
        }
        format += " (UTC offsets differ; converted to UTC)";
    } else if let Some(o) = written.first() {
        format += &format!(
            " (UTC offset {}{:02}:{:02}; wall-clock time kept)",
            if *o < 0 { '-' } else { '+' },
            o.abs() / 3_600,
            o.abs() % 3_600 / 60
        );
    }
    let mut name = headers[j].clone();
    if let Some(k) = t.plans.iter().position(|p| *p == Plan::Clock)
        && let Acc::Clock { seconds, bad } = std::mem::replace(&mut t.accs[k], Acc::new(Plan::Text))
    {
        if bad.total > 0 {
            return Err(DataError::BadTimestamps {
                file: file.into(),
                column: headers[k].clone(),
                format: "HH:MM[:SS]".into(),
                examples: bad.examples,
                total: bad.total,
            });
        }
        for (s, c) in stamps.iter_mut().zip(seconds) {
            *s += i64::from(c);
        }
        name = format!("{} + {}", headers[j], headers[k]);
        format += " + HH:MM:SS";
    }
    if let Some(reason) = order_reason {
        format += &format!(" ({reason})");
    }
    Ok(Some(TimeIndex {
        stamps,
        format,
        name,
        order,
    }))
}

//! The columns stage: what each column holds, settled on the sample and then filled row by
//! row in the streaming pass (numbers parsed under their decimal mark, text columns
//! interned, missing markers counted); after the time and group columns are known, which
//! columns are numeric values and which are text.

use std::collections::{BTreeSet, HashMap};

use super::datetime::{CellTime, DateFamily, parse_cell};
use super::dialect::is_data_cell;
use super::number::{
    DecimalMark, MISSING_MARKERS, MarkEvidence, mark_evidence, missing_marker, parse_number, trim,
};
use super::{Context, MAX_FIELD_BYTES, MAX_GROUPS, SWALLOWED_ROWS, time};
use crate::data::error::{DataError, MAX_EXAMPLES};
use crate::data::frame::{Column, InvalidCells};

/// How a column is read, settled on the sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Plan {
    /// The time index, in this date family.
    Time(DateFamily),
    /// A time-of-day column joined to a date-only time column.
    Clock,
    /// Numbers under this decimal mark.
    Numeric(DecimalMark),
    /// Labels.
    Text,
}

/// A column being filled row by row.
pub(super) enum Acc {
    /// The time column's cells, parsed but not yet resolved (day/month order, offsets).
    Time {
        family: DateFamily,
        cells: Vec<Option<CellTime>>,
        bad: InvalidCells,
    },
    /// Seconds since midnight of the joined clock column.
    Clock {
        seconds: Vec<u32>,
        bad: InvalidCells,
    },
    /// Values (`NaN` for missing or bad cells) and what was stripped to read them.
    Numeric {
        values: Vec<f64>,
        bad: InvalidCells,
        percent: usize,
        currency: BTreeSet<char>,
        mark: DecimalMark,
    },
    /// Interned labels (dropped once there are more than [`MAX_GROUPS`] distinct ones).
    Text {
        ids: Vec<u32>,
        index: HashMap<String, u32>,
        names: Vec<String>,
        capped: bool,
        missing: usize,
    },
}

impl Acc {
    /// An empty accumulator for a column read as `plan`.
    pub(super) fn new(plan: Plan) -> Self {
        match plan {
            Plan::Time(family) => Acc::Time {
                family,
                cells: Vec::new(),
                bad: InvalidCells::default(),
            },
            Plan::Clock => Acc::Clock {
                seconds: Vec::new(),
                bad: InvalidCells::default(),
            },
            Plan::Numeric(mark) => Acc::Numeric {
                values: Vec::new(),
                bad: InvalidCells::default(),
                percent: 0,
                currency: BTreeSet::new(),
                mark,
            },
            Plan::Text => Acc::Text {
                ids: Vec::new(),
                index: HashMap::new(),
                names: Vec::new(),
                capped: false,
                missing: 0,
            },
        }
    }
}

/// The streaming part of a read: one accumulator per column, the file line of each row.
/// Handed on to the time, group, value and report stages.
pub(super) struct Table {
    /// Each column's plan.
    pub(super) plans: Vec<Plan>,
    /// Each column's cells so far.
    pub(super) accs: Vec<Acc>,
    /// The file line of each row kept.
    pub(super) lines: Vec<usize>,
    /// How often each of [`MISSING_MARKERS`] was seen in time and numeric columns.
    pub(super) markers: [usize; MISSING_MARKERS.len()],
    /// The first few rows with the wrong number of fields, as (line, fields).
    pub(super) ragged: Vec<(usize, usize)>,
    /// How many rows had the wrong number of fields.
    pub(super) ragged_total: usize,
    /// The field delimiter, to recognise rows swallowed by an open quote.
    delimiter: u8,
}

/// Lines inside a field (after its first) that look like rows of the table swallowed by a
/// quote left open: at least `fields` fields on the delimiter, two of them numbers or
/// dates (a note's lines with commas in them are not).
fn swallowed_rows(cell: &str, delimiter: u8, fields: usize) -> usize {
    if fields < 2 || !cell.contains('\n') {
        return 0;
    }
    cell.split('\n')
        .skip(1)
        .filter(|line| {
            let parts: Vec<&str> = line.split(delimiter as char).collect();
            parts.len() >= fields && parts.iter().filter(|p| is_data_cell(p)).count() >= 2
        })
        .count()
}

impl Table {
    /// An empty table for columns read as `plans`.
    pub(super) fn new(plans: Vec<Plan>, delimiter: u8) -> Self {
        Table {
            accs: plans.iter().map(|p| Acc::new(*p)).collect(),
            plans,
            lines: Vec::new(),
            markers: [0; MISSING_MARKERS.len()],
            ragged: Vec::new(),
            ragged_total: 0,
            delimiter,
        }
    }

    /// Adds one record read from file line `line`.
    pub(super) fn push(
        &mut self,
        file: &str,
        headers: &[String],
        record: &csv::StringRecord,
        line: usize,
    ) -> Result<(), DataError> {
        // A quote left open first: it also makes the row look ragged. It shows by
        // structure — the field runs over lines that look like rows of the table — not by
        // size (free text may be long).
        let name = |j: usize| {
            headers
                .get(j)
                .cloned()
                .unwrap_or_else(|| format!("column {}", j + 1))
        };
        for (j, cell) in record.iter().enumerate() {
            if cell.len() > MAX_FIELD_BYTES {
                return Err(DataError::FieldTooLarge {
                    file: file.into(),
                    line,
                    column: name(j),
                    bytes: cell.len(),
                    limit: MAX_FIELD_BYTES,
                });
            }
            let rows = swallowed_rows(cell, self.delimiter, self.plans.len());
            if rows >= SWALLOWED_ROWS {
                return Err(DataError::UnclosedQuote {
                    file: file.into(),
                    line,
                    column: name(j),
                    rows,
                });
            }
        }
        if record.len() != self.plans.len() {
            if self.ragged.len() < MAX_EXAMPLES {
                self.ragged.push((line, record.len()));
            }
            self.ragged_total += 1;
            return Ok(());
        }
        if !self.ragged.is_empty() {
            // The file is already wrong; keep scanning for more ragged rows only.
            return Ok(());
        }
        self.lines.push(line);
        for (cell, acc) in record.iter().zip(&mut self.accs) {
            let text = trim(cell);
            match acc {
                Acc::Time { family, cells, bad } => {
                    let parsed = parse_cell(text, *family);
                    if parsed.is_none() {
                        if let Some(m) = missing_marker(text) {
                            self.markers[m] += 1;
                        }
                        bad.push(line, text);
                    }
                    cells.push(parsed);
                }
                Acc::Clock { seconds, bad } => match parse_cell(text, DateFamily::TimeOfDay) {
                    Some(CellTime::TimeOfDay(s)) => seconds.push(s),
                    _ => {
                        bad.push(line, text);
                        seconds.push(0);
                    }
                },
                Acc::Numeric {
                    values,
                    bad,
                    percent,
                    currency,
                    mark,
                } => {
                    // Numbers first (the common case); no missing marker reads as a number.
                    if let Some(n) = parse_number(text, *mark) {
                        values.push(n.value);
                        *percent += usize::from(n.percent);
                        if let Some(c) = n.currency {
                            currency.insert(c);
                        }
                    } else if let Some(m) = missing_marker(text) {
                        self.markers[m] += 1;
                        values.push(f64::NAN);
                    } else {
                        values.push(f64::NAN);
                        bad.push(line, text);
                    }
                }
                Acc::Text {
                    ids,
                    index,
                    names,
                    capped,
                    missing,
                } => {
                    if missing_marker(text).is_some() {
                        *missing += 1;
                    }
                    if !*capped {
                        let next = names.len() as u32;
                        let id = *index.entry(text.to_string()).or_insert(next);
                        if id == next {
                            names.push(text.to_string());
                            if names.len() > MAX_GROUPS {
                                *capped = true;
                                ids.clear();
                                index.clear();
                                continue;
                            }
                        }
                        ids.push(id);
                    }
                }
            }
        }
        Ok(())
    }
}

/// Column names from the header (empty names become `column N`, repeats get ` (2)`), or
/// `column 1`, `column 2`, … without a header.
pub(super) fn column_names(header: Option<&csv::StringRecord>, fields: usize) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(fields);
    for j in 0..fields {
        let raw = header
            .and_then(|h| h.get(j))
            .map(|h| trim(h).to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| format!("column {}", j + 1));
        let mut name = raw.clone();
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{raw} ({k})");
            k += 1;
        }
        names.push(name);
    }
    names
}

/// The trimmed, non-missing sample cells of column `j`.
pub(super) fn sample_cells(sample: &[(usize, csv::StringRecord)], j: usize) -> Vec<&str> {
    sample
        .iter()
        .filter_map(|(_, r)| r.get(j).map(trim))
        .filter(|c| missing_marker(c).is_none())
        .collect()
}

/// Settles each column's plan from the sample: the time column (and a clock column joined
/// to it) as the time stage finds them, then numbers. Hands on one [`Plan`] per column.
pub(super) fn plan_columns(
    ctx: &Context<'_>,
    sample: &[(usize, csv::StringRecord)],
) -> Result<Vec<Plan>, DataError> {
    let n = ctx.headers.len();
    let mut plans = vec![Plan::Text; n];
    if let Some(found) = time::find_time_column(ctx, sample)? {
        plans[found.column] = Plan::Time(found.family);
        if let Some(k) = found.clock {
            plans[k] = Plan::Clock;
        }
    }

    // Numbers: a column is numeric when at least half of its non-missing sample cells read
    // as numbers under its decimal mark.
    let mut evidence = vec![(0usize, 0usize); n];
    for (j, e) in evidence.iter_mut().enumerate() {
        for c in sample_cells(sample, j) {
            match mark_evidence(c) {
                MarkEvidence::Point => e.0 += 1,
                MarkEvidence::Comma => e.1 += 1,
                _ => {}
            }
        }
    }
    let comma_columns = evidence.iter().filter(|(p, c)| *c > 0 && *p == 0).count();
    let point_columns = evidence.iter().filter(|(p, _)| *p > 0).count();
    let file_mark = if comma_columns > point_columns {
        DecimalMark::Comma
    } else {
        DecimalMark::Point
    };
    for j in 0..n {
        if plans[j] != Plan::Text {
            continue;
        }
        let (p, c) = evidence[j];
        let mark = match (ctx.options.decimal, p > 0, c > 0) {
            (Some(chosen), _, _) => chosen,
            (None, true, _) => DecimalMark::Point,
            (None, false, true) => DecimalMark::Comma,
            _ => file_mark,
        };
        let cells = sample_cells(sample, j);
        let numbers = cells
            .iter()
            .filter(|c| parse_number(c, mark).is_some())
            .count();
        if cells.is_empty() || numbers * 2 >= cells.len() {
            plans[j] = Plan::Numeric(mark);
        }
    }
    Ok(plans)
}

/// The value columns of the frame (file order, in the file's row order) and the names of the
/// text columns.
pub(super) struct Values {
    /// Numeric columns, each with its bad cells.
    pub(super) columns: Vec<Column>,
    /// Columns read as labels (the group column excluded).
    pub(super) text_columns: Vec<String>,
}

/// Settles which columns are values and which are text, leaving out the time, clock and
/// `group` columns: a numeric column with more bad cells than numbers is text after all.
/// Hands on the [`Values`] (their numbers taken out of the table).
///
/// # Errors
/// [`DataError::MixedTypes`] when every value column has bad cells (or is empty) and one
/// has bad cells; [`DataError::NoNumericColumn`] when no column holds a number.
pub(super) fn settle_values(
    ctx: &Context<'_>,
    t: &mut Table,
    group: Option<usize>,
) -> Result<Values, DataError> {
    let headers = ctx.headers;
    let mut columns = Vec::new();
    let mut text_columns = Vec::new();
    for (j, acc) in t.accs.iter_mut().enumerate() {
        if Some(j) == group {
            continue;
        }
        match acc {
            Acc::Numeric { values, bad, .. } => {
                let numbers = values.iter().filter(|v| !v.is_nan()).count();
                if bad.total > numbers {
                    text_columns.push(headers[j].clone());
                } else {
                    columns.push(Column {
                        name: headers[j].clone(),
                        values: std::mem::take(values),
                        invalid: (bad.total > 0).then(|| bad.clone()),
                    });
                }
            }
            Acc::Text { .. } if t.plans[j] == Plan::Text => text_columns.push(headers[j].clone()),
            _ => {}
        }
    }
    if columns
        .iter()
        .all(|c| c.invalid.is_some() || c.values.iter().all(|v| v.is_nan()))
    {
        if let Some(c) = columns.iter().find(|c| c.invalid.is_some()) {
            let invalid = c.invalid.clone().unwrap_or_default();
            return Err(DataError::MixedTypes {
                file: ctx.file.into(),
                column: c.name.clone(),
                examples: invalid.examples,
                total: invalid.total,
            });
        }
        if columns.iter().all(|c| c.values.iter().all(|v| v.is_nan())) {
            return Err(DataError::NoNumericColumn {
                file: ctx.file.into(),
                columns: headers.join(", "),
            });
        }
    }
    Ok(Values {
        columns,
        text_columns,
    })
}

#[cfg(test)]
mod tests {
    use super::swallowed_rows;

    #[test]
    fn an_open_quote_shows_by_the_rows_it_swallows_not_by_commas_in_a_note() {
        let note =
            "Supplier A, Busan, delayed\nSupplier B, Ulsan, on time\nSupplier C, Pohang, late";
        assert_eq!(swallowed_rows(note, b',', 3), 0);
        let open = "x\n2024-01-01,a,1\n2024-01-02,b,2\n2024-01-03,c,3";
        assert_eq!(swallowed_rows(open, b',', 3), 3);
    }
}

//! Reading a user's CSV: encoding, dialect, column types, number and date formats, time index,
//! groups (panels), order and duplicates — everything settled is reported, nothing guessed
//! silently, and every choice can be overridden through [`ReadOptions`].
//!
//! The file is read in one streaming pass: the first rows are held as a sample to settle each
//! column's type and format, then every row is parsed straight into column vectors.

pub mod datetime;
pub mod dialect;
pub mod encoding;
pub mod number;
pub mod report;

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use self::datetime::{CellTime, DateFamily, DateOrder, decide_order, detect_family, parse_cell};
use self::dialect::{HeaderChoice, delimiter_from_name, sniff};
use self::number::{
    DecimalMark, MISSING_MARKERS, MarkEvidence, mark_evidence, missing_marker, parse_number, trim,
};
use self::report::{ColumnStats, Fact, Preview, ReadReport, format_number};
use super::calendar::format_timestamp;
use super::error::{DataError, MAX_EXAMPLES};
use super::frame::{Column, Frame, Frequency, Groups, InvalidCells};
use super::frequency::{Gap, Inferred};

/// Rows held to settle column types and formats.
const SAMPLE_ROWS: usize = 1_000;
/// Rows shown in the preview.
const PREVIEW_ROWS: usize = 10;
/// Largest field we accept; bigger ones are almost always an unclosed quote.
pub const MAX_FIELD_BYTES: usize = 65_536;
/// Rows between progress reports.
const PROGRESS_EVERY: usize = 1 << 16;
/// Distinct values of a text column kept for group detection.
const MAX_GROUPS: usize = 10_000;
/// The option value that turns a detected column off (`time_column`, `group_column`).
pub const NONE: &str = "none";

/// What to do with rows that share a time stamp (within a group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum DuplicatePolicy {
    /// Stop with an error listing them (the default: never guess).
    #[default]
    Error,
    /// Keep the row that comes last in the file.
    KeepLast,
    /// Average the rows (missing cells ignored).
    Mean,
}

impl DuplicatePolicy {
    /// Reads `error`, `last` / `keep-last`, `mean`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "error" => Some(DuplicatePolicy::Error),
            "last" | "keep-last" | "keep_last" | "keeplast" => Some(DuplicatePolicy::KeepLast),
            "mean" | "average" => Some(DuplicatePolicy::Mean),
            _ => None,
        }
    }
}

/// Choices the user can override; `None` / `Auto` means "detect".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ReadOptions {
    /// Encoding label (`utf-8`, `cp949`, `shift_jis`, `windows-1252`, …).
    pub encoding: Option<String>,
    /// Delimiter: one character or `tab`.
    pub delimiter: Option<String>,
    /// Where the header is.
    pub header: HeaderChoice,
    /// Time column by name, or [`NONE`] for row order.
    pub time_column: Option<String>,
    /// Day-first or month-first for `DD/MM/YYYY`-like dates.
    pub date_order: DateOrder,
    /// Group column by name (a panel), or [`NONE`] for a single series.
    pub group_column: Option<String>,
    /// What to do with duplicate time stamps.
    pub duplicates: DuplicatePolicy,
    /// Decimal mark of every numeric column (detected per column when left out).
    pub decimal: Option<DecimalMark>,
}

/// A file read into a frame, with the report of how.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The data.
    pub frame: Frame,
    /// What was settled.
    pub report: ReadReport,
}

/// How a column is read, settled on the sample.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Plan {
    Time(DateFamily),
    Clock,
    Numeric(DecimalMark),
    Text,
}

/// A column being filled row by row.
enum Acc {
    Time {
        family: DateFamily,
        cells: Vec<Option<CellTime>>,
        bad: InvalidCells,
    },
    Clock {
        seconds: Vec<u32>,
        bad: InvalidCells,
    },
    Numeric {
        values: Vec<f64>,
        bad: InvalidCells,
        percent: usize,
        currency: BTreeSet<char>,
        mark: DecimalMark,
    },
    Text {
        ids: Vec<u32>,
        index: HashMap<String, u32>,
        names: Vec<String>,
        capped: bool,
        missing: usize,
    },
}

impl Acc {
    fn new(plan: Plan) -> Self {
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
struct Table {
    plans: Vec<Plan>,
    accs: Vec<Acc>,
    lines: Vec<usize>,
    markers: [usize; MISSING_MARKERS.len()],
    ragged: Vec<(usize, usize)>,
    ragged_total: usize,
}

impl Table {
    fn push(
        &mut self,
        file: &str,
        headers: &[String],
        record: &csv::StringRecord,
        line: usize,
    ) -> Result<(), DataError> {
        // An oversized field first: an unclosed quote also makes the row look ragged.
        if let Some((j, cell)) = record
            .iter()
            .enumerate()
            .find(|(_, c)| c.len() > MAX_FIELD_BYTES)
        {
            return Err(DataError::FieldTooLarge {
                file: file.into(),
                line,
                column: headers
                    .get(j)
                    .cloned()
                    .unwrap_or_else(|| format!("column {}", j + 1)),
                bytes: cell.len(),
                limit: MAX_FIELD_BYTES,
            });
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
fn column_names(header: Option<&csv::StringRecord>, fields: usize) -> Vec<String> {
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

/// Settles each column's plan from the sample.
fn plan_columns(
    file: &str,
    headers: &[String],
    sample: &[(usize, csv::StringRecord)],
    options: &ReadOptions,
) -> Result<Vec<Plan>, DataError> {
    let n = headers.len();
    let column_cells = |j: usize| -> Vec<&str> {
        sample
            .iter()
            .filter_map(|(_, r)| r.get(j).map(trim))
            .filter(|c| missing_marker(c).is_none())
            .collect()
    };
    let mut plans = vec![Plan::Text; n];

    // The time column: the user's, or the first column written as dates.
    let wanted = options.time_column.as_deref().map(str::trim);
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
                let cells = column_cells(j);
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
                detect_family(&column_cells(j), &headers[j], j == 0)
                    .filter(|f| *f != DateFamily::TimeOfDay)
                    .map(|f| (j, f))
            }),
        };
    if let Some((j, family)) = time {
        plans[j] = Plan::Time(family);
        // A date-only column next to a time-of-day column: join them.
        let dates_only = sample
            .iter()
            .filter_map(|(_, r)| r.get(j).and_then(|c| parse_cell(c, family)))
            .all(|t| !t.has_time() && !matches!(t, CellTime::Epoch(_)));
        if dates_only {
            if let Some(k) = (0..n).find(|&k| {
                k != j
                    && detect_family(&column_cells(k), &headers[k], false)
                        == Some(DateFamily::TimeOfDay)
            }) {
                plans[k] = Plan::Clock;
            }
        }
    }

    // Numbers: a column is numeric when at least half of its non-missing sample cells read
    // as numbers under its decimal mark.
    let mut evidence = vec![(0usize, 0usize); n];
    for (j, e) in evidence.iter_mut().enumerate() {
        for c in column_cells(j) {
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
        let mark = match (options.decimal, p > 0, c > 0) {
            (Some(chosen), _, _) => chosen,
            (None, true, _) => DecimalMark::Point,
            (None, false, true) => DecimalMark::Comma,
            _ => file_mark,
        };
        let cells = column_cells(j);
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

/// Reads CSV bytes into a [`Frame`] with a [`ReadReport`], calling `progress` with the share
/// of the file read so far.
///
/// # Errors
/// A [`DataError`] naming the file, line and column, with the first few offending cells,
/// for empty, binary, wrongly decoded, ragged, mixed-type, bad-date or duplicate-time input.
pub fn read_table(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<Loaded, DataError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DataError::Empty { file: file.into() });
    }
    let detected = encoding::detect(file, bytes, options.encoding.as_deref())?;
    let text = encoding::decode(file, bytes, &detected)?;
    if text.trim().is_empty() {
        return Err(DataError::Empty { file: file.into() });
    }
    let delimiter = match options
        .delimiter
        .as_deref()
        .filter(|d| !d.is_empty() && *d != "auto")
    {
        Some(name) => Some(
            delimiter_from_name(name).ok_or_else(|| DataError::BadSetting {
                name: "delimiter",
                expected: "one character or 'tab'",
                found: name.into(),
            })?,
        ),
        None => None,
    };
    let dialect = sniff(&text, delimiter, options.header);
    let table = &text[dialect.table_offset..];
    let line_base = dialect.table_line - 1;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(dialect.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(table.as_bytes());
    let malformed = |e: csv::Error| DataError::Malformed {
        file: file.into(),
        line: e.position().map_or(0, |p| p.line() as usize) + line_base,
        message: e.to_string(),
    };

    let mut record = csv::StringRecord::new();
    let header = if dialect.has_header {
        if !reader.read_record(&mut record).map_err(malformed)? {
            return Err(DataError::Empty { file: file.into() });
        }
        Some(record.clone())
    } else {
        None
    };
    let fields = header
        .as_ref()
        .map_or(dialect.fields, csv::StringRecord::len);
    let headers = column_names(header.as_ref(), fields);

    let line_of = |r: &csv::StringRecord| {
        let (byte, line) = r
            .position()
            .map_or((0, 0), |p| (p.byte() as usize, p.line() as usize));
        dialect::record_start(table, byte, line).1 + line_base
    };
    let mut sample: Vec<(usize, csv::StringRecord)> = Vec::new();
    while sample.len() < SAMPLE_ROWS && reader.read_record(&mut record).map_err(malformed)? {
        sample.push((line_of(&record), record.clone()));
    }
    if sample.is_empty() {
        return Err(DataError::NoRows { file: file.into() });
    }
    if header.is_none() && sample.len() == 1 {
        return Err(DataError::SingleLine { file: file.into() });
    }
    let plans = plan_columns(file, &headers, &sample, options)?;
    let mut t = Table {
        accs: plans.iter().map(|p| Acc::new(*p)).collect(),
        plans,
        lines: Vec::new(),
        markers: [0; MISSING_MARKERS.len()],
        ragged: Vec::new(),
        ragged_total: 0,
    };
    for (line, r) in &sample {
        t.push(file, &headers, r, *line)?;
    }
    let preview = Preview {
        header: headers.clone(),
        rows: sample
            .iter()
            .take(PREVIEW_ROWS)
            .map(|(_, r)| r.iter().map(str::to_string).collect())
            .collect(),
    };
    drop(sample);
    let mut count = 0;
    while reader.read_record(&mut record).map_err(malformed)? {
        let line = line_of(&record);
        t.push(file, &headers, &record, line)?;
        count += 1;
        if count % PROGRESS_EVERY == 0 {
            progress(reader.position().byte() as f64 / table.len().max(1) as f64);
        }
    }
    progress(1.0);
    if t.ragged_total > 0 {
        return Err(DataError::RaggedRows {
            file: file.into(),
            expected: fields,
            examples: t.ragged,
            total: t.ragged_total,
        });
    }
    assemble(file, headers, t, &dialect, &detected, options, preview)
}

/// Names of the encoding, delimiter, header and preamble facts.
fn layout_facts(dialect: &dialect::Dialect, detected: &encoding::DetectedEncoding) -> Vec<Fact> {
    let fact = |name: &str, value: String| Fact {
        name: name.into(),
        value,
    };
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

/// The settled time index: stamps per row (file order), the format in words, the columns used.
struct TimeIndex {
    stamps: Vec<i64>,
    format: String,
    name: String,
    order: DateOrder,
}

/// Resolves the time column (day/month order, offsets, a joined clock column).
fn resolve_time(
    file: &str,
    headers: &[String],
    t: &mut Table,
    options: &ReadOptions,
) -> Result<Option<TimeIndex>, DataError> {
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
    let (order, order_reason) = match (family, options.date_order) {
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
    if let Some(k) = t.plans.iter().position(|p| *p == Plan::Clock) {
        if let Acc::Clock { seconds, bad } = std::mem::replace(&mut t.accs[k], Acc::new(Plan::Text))
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

/// Finds the group column: the user's, or — when time stamps repeat — the first text (or
/// small-integer) column that makes (group, time) unique. Returns (column, id per row,
/// names, detected).
fn find_groups(
    file: &str,
    headers: &[String],
    t: &Table,
    stamps: Option<&[i64]>,
    options: &ReadOptions,
) -> Result<Option<(usize, Vec<u32>, Vec<String>, bool)>, DataError> {
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
    match options.group_column.as_deref().map(str::trim) {
        Some(NONE) => Ok(None),
        Some(name) => {
            let j =
                headers
                    .iter()
                    .position(|h| h == name)
                    .ok_or_else(|| DataError::NoSuchColumn {
                        file: file.into(),
                        column: name.into(),
                        role: "group column",
                        available: headers.join(", "),
                    })?;
            let (ids, names) = ids_of(j).ok_or_else(|| DataError::BadSetting {
                name: "group column",
                expected: "a column of labels or whole numbers with at most 10,000 distinct values",
                found: name.into(),
            })?;
            Ok(Some((j, ids, names, false)))
        }
        None => {
            let Some(stamps) = stamps else {
                return Ok(None);
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
            let text_first = (0..headers.len())
                .filter(|j| matches!(t.accs[*j], Acc::Text { .. }))
                .chain((0..headers.len()).filter(|j| matches!(t.accs[*j], Acc::Numeric { .. })));
            for j in text_first {
                if let Some((ids, names)) = ids_of(j) {
                    let small = names.len() > 1 && names.len() * 2 <= ids.len();
                    if small && unique(&ids) {
                        return Ok(Some((j, ids, names, true)));
                    }
                }
            }
            Ok(None)
        }
    }
}

/// Everything after the streaming pass: time index, groups, order, duplicates, frequency,
/// the frame and the report.
fn assemble(
    file: &str,
    headers: Vec<String>,
    mut t: Table,
    dialect: &dialect::Dialect,
    detected: &encoding::DetectedEncoding,
    options: &ReadOptions,
    preview: Preview,
) -> Result<Loaded, DataError> {
    let time = resolve_time(file, &headers, &mut t, options)?;
    let groups = find_groups(
        file,
        &headers,
        &t,
        time.as_ref().map(|t| t.stamps.as_slice()),
        options,
    )?;
    let group_column = groups.as_ref().map(|g| g.0);
    let rows_read = t.lines.len();

    // Numeric columns (a column with more bad cells than numbers is text after all).
    let mut columns = Vec::new();
    let mut text_columns = Vec::new();
    let mut stats = Vec::new();
    for (j, acc) in t.accs.iter_mut().enumerate() {
        if Some(j) == group_column {
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
                file: file.into(),
                column: c.name.clone(),
                examples: invalid.examples,
                total: invalid.total,
            });
        }
        if columns.iter().all(|c| c.values.iter().all(|v| v.is_nan())) {
            return Err(DataError::NoNumericColumn {
                file: file.into(),
                columns: headers.join(", "),
            });
        }
    }

    // Order rows by (group, time); note whether the file was out of order.
    let n = rows_read;
    let group_ids: Vec<u32> = groups.as_ref().map_or_else(|| vec![0; n], |g| g.1.clone());
    let group_count = groups.as_ref().map_or(1, |g| g.2.len());
    let mut first_unsorted: Option<usize> = None;
    if let Some(time) = &time {
        let mut last: Vec<Option<i64>> = vec![None; group_count];
        for r in 0..n {
            let g = group_ids[r] as usize;
            if last[g].is_some_and(|l| time.stamps[r] < l) && first_unsorted.is_none() {
                first_unsorted = Some(t.lines[r]);
            }
            last[g] = Some(time.stamps[r]);
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    if let Some(time) = &time {
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
            group_ids[p] == group_ids[r]
                && time.as_ref().is_some_and(|t| t.stamps[p] == t.stamps[r])
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
            let stamp = time.as_ref().map_or(0, |t| t.stamps[run[0]]);
            let mut label = format_timestamp(stamp, stamp % 86_400 != 0);
            if let Some(g) = &groups {
                label = format!("{} {label}", g.2[group_ids[run[0]] as usize]);
            }
            duplicate_examples.push((label, run.iter().map(|&r| t.lines[r]).collect()));
        }
    }
    if duplicate_stamps > 0 && options.duplicates == DuplicatePolicy::Error {
        let time_name = time.as_ref().map_or(String::new(), |t| t.name.clone());
        let candidates: Vec<&String> = text_columns.iter().take(3).collect();
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
            file: file.into(),
            column: time_name,
            examples: duplicate_examples,
            total: duplicate_stamps,
            hint,
        });
    }

    // Apply the order and the duplicate policy to every column.
    let pick = |values: &[f64]| -> Vec<f64> {
        runs()
            .map(|run| match options.duplicates {
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
    for c in &mut columns {
        c.values = pick(&c.values);
    }
    let stamps: Option<Vec<i64>> = time
        .as_ref()
        .map(|time| runs().map(|run| time.stamps[run[0]]).collect());
    let kept_groups: Vec<u32> = runs().map(|run| group_ids[run[0]]).collect();
    let rows = run_starts.len() - 1;
    drop(order);

    // Group ranges and frequency per group.
    let mut ranges = Vec::with_capacity(group_count);
    let mut start = 0;
    for r in 1..=rows {
        if r == rows || kept_groups[r] != kept_groups[start] {
            ranges.push(start..r);
            start = r;
        }
    }
    let inferred: Vec<Inferred> = match &stamps {
        Some(stamps) => ranges
            .iter()
            .map(|range| Frequency::infer(&stamps[range.clone()]))
            .collect(),
        None => Vec::new(),
    };
    let frequency =
        most_common(inferred.iter().map(|i| i.frequency)).unwrap_or(Frequency::RowOrder);
    let agreeing = inferred.iter().filter(|i| i.frequency == frequency).count();
    let has_clock = stamps
        .as_ref()
        .is_some_and(|s| s.iter().any(|t| t % 86_400 != 0));

    let frame_groups = groups.as_ref().map(|(j, _, names, _)| Groups {
        column: headers[*j].clone(),
        names: ranges
            .iter()
            .map(|r| names[kept_groups[r.start] as usize].clone())
            .collect(),
        ranges: ranges.clone(),
    });

    // Column statistics, in file order.
    for (j, name) in headers.iter().enumerate() {
        let kind_of = |j: usize| -> &'static str {
            match t.plans[j] {
                _ if Some(j) == group_column => "group",
                Plan::Time(_) | Plan::Clock => "time",
                _ => "text",
            }
        };
        let stat = match columns.iter().find(|c| &c.name == name) {
            Some(c) => column_stats(c, &t.accs[j]),
            None => ColumnStats {
                name: name.clone(),
                kind: if text_columns.contains(name) {
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
                    Acc::Text { missing, .. } => 100.0 * *missing as f64 / n.max(1) as f64,
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

    // The report.
    let mut facts = layout_facts(dialect, detected);
    let fact = |name: &str, value: String| Fact {
        name: name.into(),
        value,
    };
    facts.push(fact(
        "time column",
        time.as_ref()
            .map_or("none (row order)".into(), |t| t.name.clone()),
    ));
    facts.push(fact(
        "date format",
        time.as_ref().map_or("none".into(), |t| t.format.clone()),
    ));
    let mut frequency_label = frequency.label();
    if group_count > 1 && !inferred.is_empty() {
        frequency_label += &format!(" ({agreeing} of {group_count} groups)");
    }
    facts.push(fact("frequency", frequency_label));
    if let Some(s) = stamps.as_ref().filter(|s| !s.is_empty()) {
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
    facts.push(fact("rows", rows.to_string()));
    facts.push(fact("columns", headers.len().to_string()));
    facts.push(fact(
        "groups",
        match &groups {
            Some((j, _, names, detected)) => format!(
                "{} (column '{}'{})",
                names.len(),
                headers[*j],
                if *detected {
                    ", detected: time stamps repeat across its values"
                } else {
                    ""
                }
            ),
            None => "none".into(),
        },
    ));
    facts.push(fact(
        "missing periods",
        gap_summary(&inferred, frame_groups.as_ref(), has_clock),
    ));
    facts.push(fact(
        "duplicates",
        if duplicate_stamps == 0 {
            "none".into()
        } else {
            format!(
                "{duplicate_stamps} time stamp(s) on {duplicate_rows} rows; {}",
                match options.duplicates {
                    DuplicatePolicy::Mean => "averaged",
                    _ => "kept the last row",
                }
            )
        },
    ));
    facts.push(fact(
        "unsorted",
        match first_unsorted {
            Some(line) => {
                format!("yes: line {line} is earlier than the row before it; rows sorted by time")
            }
            None => "no".into(),
        },
    ));
    let seen: Vec<String> = t
        .markers
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
    facts.push(fact(
        "missing markers",
        if seen.is_empty() {
            "none".into()
        } else {
            seen.join(", ")
        },
    ));
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

    let settled = ReadOptions {
        encoding: Some(detected.name()),
        delimiter: Some(dialect.delimiter_name()),
        header: if dialect.has_header {
            HeaderChoice::Line(dialect.table_line)
        } else {
            HeaderChoice::None
        },
        time_column: Some(time.as_ref().map_or(NONE.into(), |t| {
            t.name.split(" + ").next().unwrap_or(&t.name).to_string()
        })),
        date_order: time.as_ref().map_or(DateOrder::Auto, |t| t.order),
        group_column: Some(
            groups
                .as_ref()
                .map_or(NONE.into(), |g| headers[g.0].clone()),
        ),
        duplicates: options.duplicates,
        decimal: options.decimal,
    };
    let report = ReadReport {
        facts,
        columns: stats,
        preview,
        settled,
        groups: frame_groups
            .as_ref()
            .map_or(Vec::new(), |g| g.names.clone()),
    };
    let frame = Frame {
        file_name: file.into(),
        time_name: time.as_ref().map(|t| t.name.clone()),
        timestamps: stamps,
        time_has_clock: has_clock,
        columns,
        text_columns,
        frequency,
        groups: frame_groups,
    };
    Ok(Loaded { frame, report })
}

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

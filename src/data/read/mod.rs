//! Reading a user's CSV: encoding, dialect, column types, number and date formats, time index,
//! groups (panels), order and duplicates — everything settled is reported, nothing guessed
//! silently, and every choice can be overridden through [`ReadOptions`].
//!
//! The file is read in one streaming pass: the first rows are held as a sample to settle each
//! column's type and format, then every row is parsed straight into column vectors.
//!
//! What follows the pass is a row of named stages, each in its own file, each handing a small
//! typed value to the next: columns (`columns.rs`: each column's type, numbers, text,
//! missing markers) → time (`time.rs`: the time index, date order and offsets, or row order)
//! → groups and values (a panel's group column in `frame.rs`, value and text columns in
//! `columns.rs`) → frequency (`frequency.rs`: row order, duplicates, frequency, gaps) → frame
//! (`frame.rs`) → report (`facts.rs`).

pub mod datetime;
pub mod dialect;
pub mod encoding;
pub mod number;
pub mod report;

mod columns;
mod facts;
mod frame;
mod frequency;
mod rows;
mod time;

use serde::{Deserialize, Serialize};

use self::columns::{Table, column_names, plan_columns};
use self::datetime::DateOrder;
use self::dialect::{HeaderChoice, delimiter_from_name, sniff};
use self::facts::{Layout, ReportParts, write_report};
use self::frame::{FrameParts, build_frame, find_groups};
use self::frequency::{detect_frequency, order_rows};
use self::number::DecimalMark;
use self::report::{Preview, ReadReport};
use self::rows::{RecordFilter, Skip, blank_lines};
use self::time::resolve_time;
use super::error::DataError;
use super::frame::Frame;

/// Rows held to settle column types and formats.
const SAMPLE_ROWS: usize = 1_000;
/// Rows shown in the preview.
const PREVIEW_ROWS: usize = 10;
/// Largest field read (a bound on memory; free text of any real length fits).
pub const MAX_FIELD_BYTES: usize = 16 << 20;
/// Lines inside one quoted field that look like rows of the table (as many fields) before
/// the field is taken for a quote left open.
pub const SWALLOWED_ROWS: usize = 3;
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

/// What every stage reads: the file's name (for errors), its column names and the user's
/// choices.
struct Context<'a> {
    /// The file's name, for errors.
    file: &'a str,
    /// Column names, in file order.
    headers: &'a [String],
    /// The user's choices.
    options: &'a ReadOptions,
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
        let mut header = record.clone();
        // A trailing delimiter on the header line too: its empty last name goes.
        if dialect.trailing_delimiter && header.len() == dialect.fields + 1 {
            header.truncate(dialect.fields);
        }
        Some(header)
    } else {
        None
    };
    let fields = header
        .as_ref()
        .map_or(dialect.fields, csv::StringRecord::len);
    let mut filter = RecordFilter::new(
        header.as_ref(),
        fields,
        dialect.trailing_delimiter,
        dialect.delimiter,
    );
    let headers = column_names(header.as_ref(), fields);
    let ctx = Context {
        file,
        headers: &headers,
        options,
    };

    let line_of = |r: &csv::StringRecord| {
        let (byte, line) = r
            .position()
            .map_or((0, 0), |p| (p.byte() as usize, p.line() as usize));
        dialect::record_start(table, byte, line).1 + line_base
    };
    let mut sample: Vec<(usize, csv::StringRecord)> = Vec::new();
    let mut ended = false;
    while sample.len() < SAMPLE_ROWS {
        if !reader.read_record(&mut record).map_err(malformed)? {
            ended = true;
            sample.extend(filter.finish());
            break;
        }
        sample.extend(filter.pass(line_of(&record), &record));
    }
    if sample.is_empty() {
        return Err(DataError::NoRows { file: file.into() });
    }
    if header.is_none() && sample.len() == 1 {
        return Err(DataError::SingleLine { file: file.into() });
    }
    let mut t = Table::new(plan_columns(&ctx, &sample)?, dialect.delimiter);
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
    while !ended && reader.read_record(&mut record).map_err(malformed)? {
        for (line, row) in filter.pass(line_of(&record), &record) {
            t.push(file, &headers, &row, line)?;
        }
        count += 1;
        if count % PROGRESS_EVERY == 0 {
            progress(reader.position().byte() as f64 / table.len().max(1) as f64);
        }
    }
    for (line, row) in filter.finish() {
        t.push(file, &headers, &row, line)?;
    }
    progress(1.0);
    let mut skipped = filter.skipped;
    skipped.extend(
        blank_lines(table, dialect.table_line)
            .into_iter()
            .map(|line| (line, Skip::Blank)),
    );
    skipped.sort_by_key(|(line, _)| *line);
    let skipped = rows::describe(&skipped);
    if t.ragged_total > 0 {
        return Err(DataError::RaggedRows {
            file: file.into(),
            expected: fields,
            examples: t.ragged,
            total: t.ragged_total,
        });
    }
    let layout = Layout {
        dialect: &dialect,
        encoding: &detected,
        skipped: &skipped,
    };
    assemble(&ctx, t, layout, preview)
}

/// Everything after the streaming pass, stage by stage: the time index, the group column,
/// the value columns, row order and duplicates, the frequency, the frame and the report.
/// Errors come in that order, so a file with several problems reports the same one first.
fn assemble(
    ctx: &Context<'_>,
    mut table: Table,
    layout: Layout<'_>,
    preview: Preview,
) -> Result<Loaded, DataError> {
    let time = resolve_time(ctx, &mut table)?;
    let groups = find_groups(ctx, &table, time.as_ref())?;
    let mut values = columns::settle_values(ctx, &mut table, groups.as_ref().map(|g| g.column))?;
    let rows = order_rows(ctx, &table, time.as_ref(), groups.as_ref(), &mut values)?;
    let order = rows.summary;
    let cadence = detect_frequency(&rows);
    let frame = build_frame(
        ctx,
        FrameParts {
            time: time.as_ref(),
            groups: groups.as_ref(),
            values,
            rows,
            cadence: &cadence,
        },
    );
    let report = write_report(
        ctx,
        ReportParts {
            layout,
            table: &table,
            time: time.as_ref(),
            groups: groups.as_ref(),
            cadence: &cadence,
            order,
            frame: &frame,
            preview,
        },
    );
    Ok(Loaded { frame, report })
}

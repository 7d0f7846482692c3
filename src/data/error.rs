//! Errors raised while reading and preparing user data.

use thiserror::Error;

/// Cells quoted in a message, at most this many; the rest are counted.
pub const MAX_EXAMPLES: usize = 10;

/// `line 5 'abc', line 9 'n.a.' and 3 more`.
fn cells(examples: &[(usize, String)], total: usize) -> String {
    let mut out = examples
        .iter()
        .map(|(line, text)| format!("line {line} '{}'", shorten(text)))
        .collect::<Vec<_>>()
        .join(", ");
    if total > examples.len() {
        out += &format!(" and {} more", total - examples.len());
    }
    out
}

/// `line 7 has 4, line 9 has 6 and 2 more`.
fn ragged(examples: &[(usize, usize)], total: usize) -> String {
    let mut out = examples
        .iter()
        .map(|(line, found)| format!("line {line} has {found}"))
        .collect::<Vec<_>>()
        .join(", ");
    if total > examples.len() {
        out += &format!(" and {} more", total - examples.len());
    }
    out
}

/// `2024-01-05 on lines 3, 4; 2024-01-06 on lines 8, 9 and 4 more`.
fn duplicates(examples: &[(String, Vec<usize>)], total: usize) -> String {
    let mut out = examples
        .iter()
        .map(|(stamp, lines)| {
            let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
            format!("{stamp} on lines {}", lines.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    if total > examples.len() {
        out += &format!(" and {} more", total - examples.len());
    }
    out
}

/// Long cells are cut for messages.
fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.to_string()
    }
}

/// What went wrong with a user's data, specific enough to fix the file: which file, line and
/// column, what was expected and what was found. Where a file has several problems of a
/// kind, the first [`MAX_EXAMPLES`] are quoted and the rest counted.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum DataError {
    /// The file has no bytes at all (or only white space).
    #[error("{file}: the file is empty; expected a CSV with a header row and data rows")]
    Empty { file: String },
    /// The file holds binary data (NUL bytes), not CSV text.
    #[error(
        "{file}: this is not a text CSV file (binary data at byte {offset}); expected text with comma-, semicolon-, tab- or pipe-separated columns"
    )]
    NotText { file: String, offset: usize },
    /// The user named an encoding we do not know.
    #[error("unknown encoding '{label}'; known encodings: {known}")]
    UnknownEncoding { label: String, known: String },
    /// The bytes are not valid in the chosen encoding.
    #[error(
        "{file}: line {line} (byte {offset}) is not valid {encoding}{}",
        .suggestion.as_ref().map(|s| format!("; the file looks like {s}: choose that encoding")).unwrap_or_default()
    )]
    WrongEncoding {
        file: String,
        encoding: String,
        line: usize,
        offset: usize,
        suggestion: Option<String>,
    },
    /// One line only: no header with data under it.
    #[error("{file}: the file has a single line; expected a header row and at least one data row")]
    SingleLine { file: String },
    /// There is a header but no data rows.
    #[error("{file}: the header is there but there are no data rows")]
    NoRows { file: String },
    /// Rows with a different number of fields than the header.
    #[error(
        "{file}: {total} row(s) do not have {expected} fields as the header does: {}",
        ragged(.examples, *.total)
    )]
    RaggedRows {
        file: String,
        expected: usize,
        examples: Vec<(usize, usize)>,
        total: usize,
    },
    /// A quoted field that swallows the rows after it: a quote left open.
    #[error(
        "{file}: line {line}, column '{column}': a quote (\") opened here runs over {rows} lines that look like rows of the table; close it, or remove the stray quote"
    )]
    UnclosedQuote {
        file: String,
        line: usize,
        column: String,
        rows: usize,
    },
    /// A field beyond any cell a forecast reads (memory is bounded).
    #[error(
        "{file}: line {line}, column '{column}' holds a field of {bytes} bytes (at most {limit} read)"
    )]
    FieldTooLarge {
        file: String,
        line: usize,
        column: String,
        bytes: usize,
        limit: usize,
    },
    /// The CSV parser failed (bad quoting and the like).
    #[error("{file}: could not read line {line}: {message}")]
    Malformed {
        file: String,
        line: usize,
        message: String,
    },
    /// No column holds numbers, so there is nothing to forecast.
    #[error(
        "{file}: no numeric column found (columns: {columns}); expected at least one column of numbers to forecast"
    )]
    NoNumericColumn { file: String, columns: String },
    /// A column of numbers has cells that are not numbers.
    #[error(
        "{file}: column '{column}' holds numbers but {total} cell(s) are not numbers: {}; fix them or mark them missing (empty, NA)",
        cells(.examples, *.total)
    )]
    MixedTypes {
        file: String,
        column: String,
        examples: Vec<(usize, String)>,
        total: usize,
    },
    /// The time column has cells that are not dates in the column's format.
    #[error(
        "{file}: time column '{column}' is read as {format}, but {total} cell(s) are not: {}",
        cells(.examples, *.total)
    )]
    BadTimestamps {
        file: String,
        column: String,
        format: String,
        examples: Vec<(usize, String)>,
        total: usize,
    },
    /// A column chosen as the time column holds no dates we can read.
    #[error(
        "{file}: column '{column}' is not a time column: {} is not a date or time in any format we read",
        cells(.examples, .examples.len())
    )]
    NotATimeColumn {
        file: String,
        column: String,
        examples: Vec<(usize, String)>,
    },
    /// The same time stamp appears more than once (within a group).
    #[error(
        "{file}: {total} time stamp(s) in '{column}' appear more than once: {}. {hint}",
        duplicates(.examples, *.total)
    )]
    DuplicateTimestamps {
        file: String,
        column: String,
        examples: Vec<(String, Vec<usize>)>,
        total: usize,
        hint: String,
    },
    /// A column named in the options is not in the file.
    #[error("{file}: there is no column '{column}' to use as the {role}; columns are: {available}")]
    NoSuchColumn {
        file: String,
        column: String,
        role: &'static str,
        available: String,
    },
    /// The requested column does not exist or is not numeric.
    #[error(
        "column '{column}' is not a numeric column of this file; numeric columns are: {available}"
    )]
    UnknownColumn { column: String, available: String },
    /// The target (or an input feature) column has no values at all.
    #[error("column '{column}' has no values: all {rows} rows are missing")]
    AllMissing { column: String, rows: usize },
    /// A group named for training is not in the panel.
    #[error("there is no group '{group}' in column '{column}'; groups are: {available}")]
    UnknownGroup {
        group: String,
        column: String,
        available: String,
    },
    /// A holiday file holds no dates we can read.
    #[error(
        "{file}: no dates found in this holiday file (found {found}); expected a JSON list of dates like [\"2024-01-01\"] or a CSV with a date on each line"
    )]
    BadHolidayFile { file: String, found: String },
    /// Fewer rows before a forecast origin than the model looks back.
    #[error(
        "the network looks back {window} rows, and only {rows} come before this forecast origin; use a shorter window, or origins later in the data (fewer folds, a smaller step)"
    )]
    BeforeFirstWindow { window: usize, rows: usize },
    /// No group of a panel is long enough to train one model across the groups.
    #[error(
        "window {window} + horizon {horizon} need a group of at least {needed} rows to train across the groups; the longest group has {longest}. Use a shorter window or horizon"
    )]
    GroupsTooShort {
        window: usize,
        horizon: usize,
        needed: usize,
        longest: usize,
    },
    /// Window and horizon do not fit in the data.
    #[error(
        "window {window} + horizon {horizon} need at least {needed} rows for training, validation and test; the file has {rows} rows. Use a shorter window or horizon, or more data"
    )]
    TooShort {
        window: usize,
        horizon: usize,
        needed: usize,
        rows: usize,
    },
    /// A setting is out of its allowed range.
    #[error("{name} must be {expected}, got {found}")]
    BadSetting {
        name: &'static str,
        expected: &'static str,
        found: String,
    },
}

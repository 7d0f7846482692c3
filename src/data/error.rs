//! Errors raised while reading and preparing user data.

use thiserror::Error;

/// What went wrong with a user's data, specific enough to fix the file: which file, row and
/// column, and what was expected.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum DataError {
    /// The file has no bytes at all.
    #[error("{file}: the file is empty; expected a CSV with a header row and data rows")]
    Empty { file: String },
    /// The file holds binary data (NUL bytes or invalid UTF-8), not CSV text.
    #[error(
        "{file}: this is not a text CSV file (binary data at byte {offset}); expected UTF-8 text with comma-, semicolon-, tab- or pipe-separated columns"
    )]
    NotText { file: String, offset: usize },
    /// There is a header but no data rows.
    #[error("{file}: the header is there but there are no data rows")]
    NoRows { file: String },
    /// A row has a different number of fields than the header.
    #[error("{file}: row {row} has {found} fields, expected {expected} as in the header")]
    RaggedRow {
        file: String,
        row: usize,
        expected: usize,
        found: usize,
    },
    /// The CSV parser failed (bad quoting and the like).
    #[error("{file}: could not read row {row}: {message}")]
    Malformed {
        file: String,
        row: usize,
        message: String,
    },
    /// No column holds numbers, so there is nothing to forecast.
    #[error(
        "{file}: no numeric column found (columns: {columns}); expected at least one column of numbers to forecast"
    )]
    NoNumericColumn { file: String, columns: String },
    /// The requested column does not exist or is not numeric.
    #[error(
        "column '{column}' is not a numeric column of this file; numeric columns are: {available}"
    )]
    UnknownColumn { column: String, available: String },
    /// The target (or an input feature) column has no values at all.
    #[error("column '{column}' has no values: all {rows} rows are missing")]
    AllMissing { column: String, rows: usize },
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

//! The in-memory table every model reads: a time index plus named f64 columns.

use std::ops::Range;

use super::calendar::format_timestamp;
use super::error::{DataError, MAX_EXAMPLES};
pub use super::frequency::Frequency;

/// Cells of a numeric column that are not numbers (kept as `NaN`), for the error raised when
/// the column is used.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InvalidCells {
    /// The first few, as (file line, cell text).
    pub examples: Vec<(usize, String)>,
    /// How many there are.
    pub total: usize,
}

impl InvalidCells {
    /// Records one bad cell.
    pub fn push(&mut self, line: usize, text: &str) {
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push((line, text.to_string()));
        }
        self.total += 1;
    }
}

/// One numeric column. Missing cells are `NaN`.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header name as written in the file.
    pub name: String,
    /// Values in row order; `NaN` marks a missing cell.
    pub values: Vec<f64>,
    /// Cells that were not numbers (mixed types): using the column is an error while any exist.
    pub invalid: Option<InvalidCells>,
}

impl Column {
    /// A column of clean values.
    pub fn new(name: impl Into<String>, values: Vec<f64>) -> Self {
        Column {
            name: name.into(),
            values,
            invalid: None,
        }
    }
}

/// A panel's series: the group column and, per group, its name and its rows (contiguous,
/// in time order).
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    /// Header of the group column.
    pub column: String,
    /// Group names in order of first appearance in the file.
    pub names: Vec<String>,
    /// Rows of each group.
    pub ranges: Vec<Range<usize>>,
}

impl Column {
    /// Number of missing (`NaN`) cells.
    pub fn missing(&self) -> usize {
        self.values.iter().filter(|v| v.is_nan()).count()
    }
}

/// A parsed data set: optional time index and numeric columns, all of the same length.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Name of the file it came from.
    pub file_name: String,
    /// Header of the time column, if one was found.
    pub time_name: Option<String>,
    /// Seconds since the Unix epoch per row (wall clock), when a time column was parsed.
    pub timestamps: Option<Vec<i64>>,
    /// Whether the stamps carry a time of day (labels then show it).
    pub time_has_clock: bool,
    /// Numeric columns, in file order.
    pub columns: Vec<Column>,
    /// Headers of columns that were not numeric (listed in the report, not used).
    pub text_columns: Vec<String>,
    /// Inferred spacing of the rows (of each group, for a panel).
    pub frequency: Frequency,
    /// The series of a panel, when the file has a group column.
    pub groups: Option<Groups>,
}

impl Frame {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.values.len())
    }

    /// The label of a row: its time stamp (ISO 8601), or its 1-based row number.
    pub fn time_label(&self, row: usize) -> String {
        match &self.timestamps {
            Some(stamps) => format_timestamp(stamps[row], self.time_has_clock),
            None => (row + 1).to_string(),
        }
    }

    /// The column forecast when none is chosen: the first numeric column that parsed
    /// cleanly and has at least one value. One rule for every shell.
    pub fn default_target(&self) -> Option<&str> {
        self.columns
            .iter()
            .find(|c| c.invalid.is_none() && c.missing() < self.rows())
            .map(|c| c.name.as_str())
    }

    /// The frame of one group of a panel (all of it when there are no groups).
    ///
    /// # Errors
    /// [`DataError::UnknownGroup`] when the panel has no such group.
    pub fn group(&self, name: &str) -> Result<Frame, DataError> {
        let Some(groups) = &self.groups else {
            return Ok(self.clone());
        };
        let index =
            groups
                .names
                .iter()
                .position(|n| n == name)
                .ok_or_else(|| DataError::UnknownGroup {
                    group: name.into(),
                    column: groups.column.clone(),
                    available: groups.names.join(", "),
                })?;
        let range = groups.ranges[index].clone();
        Ok(Frame {
            file_name: self.file_name.clone(),
            time_name: self.time_name.clone(),
            timestamps: self.timestamps.as_ref().map(|t| t[range.clone()].to_vec()),
            time_has_clock: self.time_has_clock,
            columns: self
                .columns
                .iter()
                .map(|c| Column {
                    name: c.name.clone(),
                    values: c.values[range.clone()].to_vec(),
                    invalid: c.invalid.clone(),
                })
                .collect(),
            text_columns: self.text_columns.clone(),
            frequency: self.frequency,
            groups: None,
        })
    }

    /// The numeric column with this name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Comma-separated numeric column names, for error messages.
    pub fn numeric_names(&self) -> String {
        self.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

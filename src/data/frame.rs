//! The in-memory table every model reads: a time index plus named f64 columns.

use serde::{Deserialize, Serialize};

/// One numeric column. Missing cells are `NaN`.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header name as written in the file.
    pub name: String,
    /// Values in row order; `NaN` marks a missing cell.
    pub values: Vec<f64>,
}

impl Column {
    /// Number of missing (`NaN`) cells.
    pub fn missing(&self) -> usize {
        self.values.iter().filter(|v| v.is_nan()).count()
    }
}

/// Spacing of the time index, inferred from the median step between timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Frequency {
    /// No time column: rows are taken in file order.
    RowOrder,
    /// A regular step of this many seconds (sub-daily, daily, weekly).
    Seconds(i64),
    /// Calendar months (28–31 days).
    Monthly,
    /// Calendar quarters.
    Quarterly,
    /// Calendar years.
    Yearly,
}

impl Frequency {
    /// Infers the frequency from sorted timestamps (seconds since the Unix epoch).
    pub fn infer(timestamps: &[i64]) -> Self {
        let mut steps: Vec<i64> = timestamps
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|d| *d > 0)
            .collect();
        if steps.is_empty() {
            return Frequency::RowOrder;
        }
        steps.sort_unstable();
        let median = steps[steps.len() / 2];
        const DAY: i64 = 86_400;
        match median {
            d if (28 * DAY..=31 * DAY).contains(&d) => Frequency::Monthly,
            d if (89 * DAY..=92 * DAY).contains(&d) => Frequency::Quarterly,
            d if (365 * DAY..=366 * DAY).contains(&d) => Frequency::Yearly,
            d => Frequency::Seconds(d),
        }
    }

    /// The words a forecaster would use for this frequency.
    pub fn label(&self) -> String {
        match *self {
            Frequency::RowOrder => "row order (no time column)".into(),
            Frequency::Monthly => "monthly".into(),
            Frequency::Quarterly => "quarterly".into(),
            Frequency::Yearly => "yearly".into(),
            Frequency::Seconds(s) => match s {
                86_400 => "daily".into(),
                604_800 => "weekly".into(),
                3_600 => "hourly".into(),
                s if s % 86_400 == 0 => format!("every {} days", s / 86_400),
                s if s % 3_600 == 0 => format!("every {} hours", s / 3_600),
                s if s % 60 == 0 => format!("every {} minutes", s / 60),
                s => format!("every {s} seconds"),
            },
        }
    }

    /// Steps in one season: a week of sub-daily data, a year of weekly/monthly/quarterly data.
    /// Used for the default window ("168 hourly steps, or one season").
    pub fn season(&self) -> Option<usize> {
        match *self {
            Frequency::Seconds(s) if s > 0 && s < 86_400 && 604_800 % s == 0 => {
                Some((604_800 / s) as usize)
            }
            Frequency::Seconds(86_400) => Some(7),
            Frequency::Seconds(604_800) => Some(52),
            Frequency::Monthly => Some(12),
            Frequency::Quarterly => Some(4),
            _ => None,
        }
    }

    /// Time stamps of the `steps` periods after `last`, or `None` without a time index.
    pub fn future(&self, last: i64, steps: usize) -> Option<Vec<i64>> {
        use super::calendar::add_months;
        let k = 1..=steps as i64;
        match *self {
            Frequency::RowOrder => None,
            Frequency::Seconds(d) => Some(k.map(|k| last + d * k).collect()),
            Frequency::Monthly => Some(k.map(|k| add_months(last, k)).collect()),
            Frequency::Quarterly => Some(k.map(|k| add_months(last, 3 * k)).collect()),
            Frequency::Yearly => Some(k.map(|k| add_months(last, 12 * k)).collect()),
        }
    }

    /// Whether hour-of-day cyclic features carry information at this frequency.
    pub fn has_hours(&self) -> bool {
        matches!(*self, Frequency::Seconds(s) if s < 86_400)
    }

    /// Whether day-of-week cyclic features carry information at this frequency.
    pub fn has_weekdays(&self) -> bool {
        matches!(*self, Frequency::Seconds(s) if s < 604_800)
    }
}

/// A parsed data set: optional time index and numeric columns, all of the same length.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Name of the file it came from.
    pub file_name: String,
    /// Header of the time column, if one was found.
    pub time_name: Option<String>,
    /// Time stamps as written in the file (one per row), for labels and output files.
    pub time_labels: Vec<String>,
    /// Seconds since the Unix epoch per row, when a time column was parsed.
    pub timestamps: Option<Vec<i64>>,
    /// Numeric columns, in file order.
    pub columns: Vec<Column>,
    /// Headers of columns that were not numeric (listed in the report, not used).
    pub text_columns: Vec<String>,
    /// Inferred spacing of the rows.
    pub frequency: Frequency,
}

impl Frame {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.time_labels.len()
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

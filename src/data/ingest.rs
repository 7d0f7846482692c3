//! CSV bytes → [`Frame`], with a summary of what was read for the UI and the CLI.

use serde::{Deserialize, Serialize};

use super::error::DataError;
use super::frame::Frame;
use super::read::report::ReadReport;
use super::read::{ReadOptions, read_table};

/// What was read from a file, shown to the user before training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetSummary {
    /// File name.
    pub file_name: String,
    /// Data rows (header excluded, duplicates merged).
    pub rows: usize,
    /// The time column's header, if one was found.
    pub time_column: Option<String>,
    /// First and last time stamp (ISO 8601).
    pub time_range: Option<(String, String)>,
    /// Inferred frequency in words.
    pub frequency: String,
    /// Numeric columns with their count of missing cells (in file order).
    pub numeric_columns: Vec<(String, usize)>,
    /// Columns that are not numeric and are not used.
    pub text_columns: Vec<String>,
    /// Column forecast by default: the first clean numeric column that has values.
    pub default_target: String,
    /// Default window: one season of the data (168 for hourly data).
    pub suggested_window: usize,
    /// Default horizon for this frequency.
    pub suggested_horizon: usize,
    /// What the reader settled, fact by fact.
    pub report: ReadReport,
}

impl DatasetSummary {
    /// Summarises a frame read with `report`. For a panel, window and horizon suit one group.
    pub fn of(frame: &Frame, report: ReadReport) -> Self {
        let time_range = match (&frame.timestamps, frame.rows()) {
            (Some(_), rows) if rows > 0 => Some((frame.time_label(0), frame.time_label(rows - 1))),
            _ => None,
        };
        let series_rows = frame
            .groups
            .as_ref()
            .and_then(|g| g.ranges.iter().map(|r| r.len()).min())
            .unwrap_or(frame.rows());
        let suggested_window = frame
            .frequency
            .season()
            .unwrap_or(24)
            .clamp(2, 168)
            .min(series_rows / 4)
            .max(2);
        let suggested_horizon = frame
            .frequency
            .default_horizon()
            .min((series_rows / 10).max(1));
        DatasetSummary {
            file_name: frame.file_name.clone(),
            rows: frame.rows(),
            time_column: frame.time_name.clone(),
            time_range,
            frequency: frame.frequency.label(),
            numeric_columns: frame
                .columns
                .iter()
                .map(|c| (c.name.clone(), c.missing()))
                .collect(),
            default_target: frame.default_target().unwrap_or_default().to_string(),
            text_columns: frame.text_columns.clone(),
            suggested_window,
            suggested_horizon,
            report,
        }
    }
}

/// Reads CSV bytes with every choice detected (see [`read_table`] for options and progress).
///
/// # Errors
/// A [`DataError`] naming the file, line and column.
pub fn read_csv(file: &str, bytes: &[u8]) -> Result<(Frame, ReadReport), DataError> {
    let loaded = read_table(file, bytes, &ReadOptions::default(), &mut |_| {})?;
    Ok((loaded.frame, loaded.report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Frequency;
    use crate::data::frequency::MonthAnchor;

    #[test]
    fn reads_a_weekly_file() {
        let csv = b"date,price,stocks\n2000-06-02,1.5,10\n2000-06-09,1.6,\n2000-06-16,1.7,12\n";
        let (frame, report) = read_csv("w.csv", csv).unwrap();
        assert_eq!(report.fact("delimiter"), Some(","));
        assert_eq!(frame.rows(), 3);
        assert_eq!(frame.time_name.as_deref(), Some("date"));
        assert_eq!(frame.frequency, Frequency::Weekly { weekday: 4 });
        assert_eq!(frame.column("stocks").unwrap().missing(), 1);
        let summary = DatasetSummary::of(&frame, report);
        assert_eq!(summary.default_target, "price");
        assert_eq!(
            summary.time_range,
            Some(("2000-06-02".into(), "2000-06-16".into()))
        );
    }

    #[test]
    fn semicolons_and_text_columns() {
        let csv = "t;site;v\n2020-01-01T00:00;a;1\n2020-01-01T01:00;b;2\n".as_bytes();
        let (frame, report) = read_csv("s.csv", csv).unwrap();
        assert_eq!(report.fact("delimiter"), Some(";"));
        assert_eq!(frame.text_columns, vec!["site".to_string()]);
        assert_eq!(frame.frequency.label(), "hourly");
        assert_eq!(frame.time_label(1), "2020-01-01T01:00:00");
    }

    #[test]
    fn sorts_unsorted_rows() {
        let csv = b"date,v\n2020-01-03,3\n2020-01-01,1\n2020-01-02,2\n";
        let (frame, report) = read_csv("u.csv", csv).unwrap();
        assert_eq!(frame.columns[0].values, vec![1.0, 2.0, 3.0]);
        assert_eq!(frame.time_label(0), "2020-01-01");
        assert!(report.fact("unsorted").unwrap().starts_with("yes: line 3"));
    }

    #[test]
    fn month_start_data() {
        let csv = b"month,v\n2020-01,1\n2020-02,2\n2020-03,3\n";
        let (frame, report) = read_csv("m.csv", csv).unwrap();
        assert_eq!(
            frame.frequency,
            Frequency::Monthly {
                anchor: MonthAnchor::Start
            }
        );
        assert_eq!(report.fact("date format"), Some("YYYY-MM"));
    }
}

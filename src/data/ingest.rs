//! CSV bytes → [`Frame`], with a summary of what was read for the UI and the CLI.

use serde::{Deserialize, Serialize};

use super::calendar::parse_timestamp;
use super::error::DataError;
use super::frame::{Column, Frame, Frequency};

/// Cells read as missing values.
const MISSING_MARKERS: [&str; 8] = ["", "NA", "N/A", "#N/A", "NaN", "nan", "null", "NULL"];

/// What was read from a file, shown to the user before training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetSummary {
    /// File name.
    pub file_name: String,
    /// Data rows (header excluded).
    pub rows: usize,
    /// The time column's header, if one was found.
    pub time_column: Option<String>,
    /// First and last time stamp as written.
    pub time_range: Option<(String, String)>,
    /// Inferred frequency in words.
    pub frequency: String,
    /// Numeric columns with their count of missing cells (in file order).
    pub numeric_columns: Vec<(String, usize)>,
    /// Columns that are not numeric and are not used.
    pub text_columns: Vec<String>,
    /// Field delimiter that was detected.
    pub delimiter: char,
    /// Column forecast by default: the first numeric column that has values.
    pub default_target: String,
    /// Default window: one season of the data (168 for hourly data).
    pub suggested_window: usize,
    /// Default horizon for this frequency.
    pub suggested_horizon: usize,
}

impl DatasetSummary {
    /// Summarises a frame.
    pub fn of(frame: &Frame, delimiter: char) -> Self {
        let time_range = match (
            frame.time_labels.first(),
            frame.time_labels.last(),
            &frame.time_name,
        ) {
            (Some(a), Some(b), Some(_)) => Some((a.clone(), b.clone())),
            _ => None,
        };
        let suggested_window = frame
            .frequency
            .season()
            .unwrap_or(24)
            .clamp(2, 168)
            .min(frame.rows() / 4)
            .max(2);
        let suggested_horizon = match frame.frequency {
            Frequency::Seconds(3_600) => 24,
            Frequency::Seconds(86_400) => 7,
            Frequency::Seconds(604_800) => 4,
            Frequency::Monthly => 12,
            Frequency::Quarterly => 4,
            _ => 1,
        }
        .min((frame.rows() / 10).max(1));
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
            default_target: frame
                .columns
                .iter()
                .find(|c| c.missing() < frame.rows())
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            text_columns: frame.text_columns.clone(),
            delimiter,
            suggested_window,
            suggested_horizon,
        }
    }
}

/// Rejects binary input: NUL bytes or invalid UTF-8. Returns the text without a UTF-8 BOM.
fn as_text<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, DataError> {
    if let Some(offset) = bytes.iter().position(|b| *b == 0) {
        return Err(DataError::NotText {
            file: file.into(),
            offset,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| DataError::NotText {
        file: file.into(),
        offset: e.valid_up_to(),
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Picks the delimiter that splits the header line into the most fields.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| header.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

/// A finite number; `inf` and the like are not numbers a forecaster means.
fn parse_number(cell: &str) -> Option<f64> {
    cell.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

fn is_missing(cell: &str) -> bool {
    MISSING_MARKERS.contains(&cell.trim())
}

/// Reads CSV bytes into a [`Frame`] and reports the delimiter used.
///
/// The first row is the header. A column is numeric when every non-missing cell is a number;
/// the first column whose every cell is an ISO date/time becomes the time index (rows are
/// sorted by it when out of order).
///
/// # Errors
/// A [`DataError`] naming the file, row and column for empty, binary, ragged or non-numeric
/// input.
pub fn read_csv(file: &str, bytes: &[u8]) -> Result<(Frame, char), DataError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DataError::Empty { file: file.into() });
    }
    let text = as_text(file, bytes)?;
    let delimiter = sniff_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| DataError::Malformed {
            file: file.into(),
            row: 1,
            message: e.to_string(),
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); headers.len()];
    for (index, record) in reader.records().enumerate() {
        let row = index + 2; // 1-based line number, header on line 1
        let record = record.map_err(|e| DataError::Malformed {
            file: file.into(),
            row,
            message: e.to_string(),
        })?;
        if record.len() != headers.len() {
            return Err(DataError::RaggedRow {
                file: file.into(),
                row,
                expected: headers.len(),
                found: record.len(),
            });
        }
        for (column, cell) in cells.iter_mut().zip(record.iter()) {
            column.push(cell.to_string());
        }
    }
    let rows = cells.first().map_or(0, Vec::len);
    if rows == 0 {
        return Err(DataError::NoRows { file: file.into() });
    }

    let mut time_index: Option<(String, Vec<i64>, usize)> = None;
    let mut columns = Vec::new();
    let mut text_columns = Vec::new();
    for (position, (name, column)) in headers.iter().zip(&cells).enumerate() {
        if time_index.is_none() {
            let stamps: Option<Vec<i64>> = column.iter().map(|c| parse_timestamp(c)).collect();
            if let Some(stamps) = stamps {
                time_index = Some((name.clone(), stamps, position));
                continue;
            }
        }
        let values: Option<Vec<f64>> = column
            .iter()
            .map(|c| {
                if is_missing(c) {
                    Some(f64::NAN)
                } else {
                    parse_number(c)
                }
            })
            .collect();
        // A column with no values at all stays a (numeric) column, so that choosing it as the
        // target says "all missing" rather than "not a column".
        match values {
            Some(values) => columns.push(Column {
                name: name.clone(),
                values,
            }),
            None => text_columns.push(name.clone()),
        }
    }
    if columns.iter().all(|c| c.missing() == rows) {
        return Err(DataError::NoNumericColumn {
            file: file.into(),
            columns: headers.join(", "),
        });
    }

    let (time_name, mut time_labels, mut timestamps) = match time_index {
        Some((name, stamps, position)) => (Some(name), cells[position].clone(), Some(stamps)),
        None => (None, (1..=rows).map(|r| r.to_string()).collect(), None),
    };
    if let Some(stamps) = &mut timestamps {
        if stamps.windows(2).any(|w| w[1] < w[0]) {
            let mut order: Vec<usize> = (0..rows).collect();
            order.sort_by_key(|&i| stamps[i]);
            *stamps = order.iter().map(|&i| stamps[i]).collect();
            time_labels = order.iter().map(|&i| time_labels[i].clone()).collect();
            for column in &mut columns {
                column.values = order.iter().map(|&i| column.values[i]).collect();
            }
        }
    }
    let frequency = timestamps
        .as_deref()
        .map_or(Frequency::RowOrder, Frequency::infer);
    let frame = Frame {
        file_name: file.into(),
        time_name,
        time_labels,
        timestamps,
        columns,
        text_columns,
        frequency,
    };
    Ok((frame, delimiter as char))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_weekly_file() {
        let csv = b"date,price,stocks\n2000-06-02,1.5,10\n2000-06-09,1.6,\n2000-06-16,1.7,12\n";
        let (frame, delimiter) = read_csv("w.csv", csv).unwrap();
        assert_eq!(delimiter, ',');
        assert_eq!(frame.rows(), 3);
        assert_eq!(frame.time_name.as_deref(), Some("date"));
        assert_eq!(frame.frequency, Frequency::Seconds(604_800));
        assert_eq!(frame.column("stocks").unwrap().missing(), 1);
    }

    #[test]
    fn semicolons_and_text_columns() {
        let csv = "t;site;v\n2020-01-01T00:00;a;1\n2020-01-01T01:00;b;2\n".as_bytes();
        let (frame, delimiter) = read_csv("s.csv", csv).unwrap();
        assert_eq!(delimiter, ';');
        assert_eq!(frame.text_columns, vec!["site".to_string()]);
        assert_eq!(frame.frequency.label(), "hourly");
    }

    #[test]
    fn sorts_unsorted_rows() {
        let csv = b"date,v\n2020-01-03,3\n2020-01-01,1\n2020-01-02,2\n";
        let (frame, _) = read_csv("u.csv", csv).unwrap();
        assert_eq!(frame.columns[0].values, vec![1.0, 2.0, 3.0]);
        assert_eq!(frame.time_labels[0], "2020-01-01");
    }

    #[test]
    fn bad_inputs_name_what_is_wrong() {
        assert!(matches!(
            read_csv("e.csv", b""),
            Err(DataError::Empty { .. })
        ));
        assert!(matches!(
            read_csv("b.png", b"\x89PNG\r\n\x1a\n\0\0"),
            Err(DataError::NotText { .. })
        ));
        assert!(matches!(
            read_csv("h.csv", b"a,b\n"),
            Err(DataError::NoRows { .. })
        ));
        assert!(matches!(
            read_csv("t.csv", b"a,b\nx,y\nz,w\n"),
            Err(DataError::NoNumericColumn { .. })
        ));
        let ragged = read_csv("r.csv", b"a,b\n1,2\n3\n").unwrap_err();
        assert_eq!(
            ragged,
            DataError::RaggedRow {
                file: "r.csv".into(),
                row: 3,
                expected: 2,
                found: 1
            }
        );
        assert!(ragged.to_string().contains("row 3"));
    }
}

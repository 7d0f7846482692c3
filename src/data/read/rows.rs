//! Which records are data: what spreadsheets and pandas skip without complaint is skipped
//! here too, and reported with its line — a header repeated further down (two exports
//! pasted together), a closing line with another field count (a totals row such as
//! `합계,6`, a note), blank lines; and a trailing delimiter on every line (one more, empty
//! field) is dropped. A row of the wrong length *between* data rows is still an error.

use std::fmt;

use super::dialect::is_data_cell;
use super::number::missing_marker;

/// Closing lines (at the very end, with another field count) skipped as totals or notes;
/// more than this many is a ragged file, not a footer.
const MAX_CLOSING_LINES: usize = 3;
/// Characters of a skipped line quoted in the report.
const QUOTED: usize = 40;

/// Why a line was left out.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Skip {
    /// A copy of the header.
    RepeatedHeader,
    /// An empty line.
    Blank,
    /// A closing line (totals, notes) with another number of fields; its text.
    Closing(String),
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::RepeatedHeader => write!(f, "the header repeated"),
            Skip::Blank => write!(f, "blank"),
            Skip::Closing(text) => write!(f, "a closing line '{text}'"),
        }
    }
}

/// Passes records on as data, holding back rows of another length until it is known
/// whether data follows them (then they are passed on, to be reported as ragged) or the
/// file ends (then, up to [`MAX_CLOSING_LINES`], they are skipped as closing lines).
pub(super) struct RecordFilter {
    header: Option<Vec<String>>,
    fields: usize,
    trailing_delimiter: bool,
    delimiter: char,
    held: Vec<(usize, csv::StringRecord)>,
    /// Lines left out, in file order, with why.
    pub(super) skipped: Vec<(usize, Skip)>,
}

impl RecordFilter {
    /// A filter for a table of `fields` fields with this header (if any) and `delimiter`
    /// (to quote a skipped line as written); with `trailing_delimiter`, each row's extra
    /// empty last field is dropped.
    pub(super) fn new(
        header: Option<&csv::StringRecord>,
        fields: usize,
        trailing_delimiter: bool,
        delimiter: u8,
    ) -> Self {
        RecordFilter {
            header: header.map(|h| h.iter().map(|c| c.trim().to_string()).collect()),
            fields,
            trailing_delimiter,
            delimiter: delimiter as char,
            held: vec![],
            skipped: vec![],
        }
    }

    /// The rows to take as data now, given the next record (read from file `line`).
    pub(super) fn pass(
        &mut self,
        line: usize,
        record: &csv::StringRecord,
    ) -> Vec<(usize, csv::StringRecord)> {
        let mut record = record.clone();
        if self.trailing_delimiter
            && record.len() == self.fields + 1
            && record.get(self.fields).is_some_and(|c| c.trim().is_empty())
        {
            record.truncate(self.fields);
        }
        if let Some(header) = &self.header
            && record.len() == header.len()
            && record.iter().zip(header).all(|(c, h)| c.trim() == h)
        {
            self.skipped.push((line, Skip::RepeatedHeader));
            return vec![];
        }
        if record.len() != self.fields {
            self.held.push((line, record));
            return vec![];
        }
        // Data follows the held rows: they were not closing lines.
        let mut out = std::mem::take(&mut self.held);
        out.push((line, record));
        out
    }

    /// At the end of the file: the held rows are closing lines (skipped) when there are few
    /// of them; otherwise they are returned, to be reported as ragged.
    pub(super) fn finish(&mut self) -> Vec<(usize, csv::StringRecord)> {
        let held = std::mem::take(&mut self.held);
        // Many of them, one spanning lines (a quote left open near the end), or one of
        // nothing but numbers and dates (a short row of data) is a broken file, not a
        // footer: a footer has words (`합계`, `Total`, `Source: …`).
        let spans_lines = |r: &csv::StringRecord| r.iter().any(|c| c.contains('\n'));
        let has_words = |r: &csv::StringRecord| {
            r.iter().any(|c| {
                !c.trim().is_empty() && !is_data_cell(c) && missing_marker(c.trim()).is_none()
            })
        };
        if held.len() > MAX_CLOSING_LINES
            || held.iter().any(|(_, r)| spans_lines(r) || !has_words(r))
        {
            return held;
        }
        for (line, record) in held {
            let text: Vec<&str> = record.iter().collect();
            let text: String = text
                .join(&self.delimiter.to_string())
                .chars()
                .take(QUOTED)
                .collect();
            self.skipped.push((line, Skip::Closing(text)));
        }
        vec![]
    }
}

/// The file lines (1-based, counted from `first_line`) of the blank lines in `table` that
/// come before its last non-blank line: rows a spreadsheet drops.
pub(super) fn blank_lines(table: &str, first_line: usize) -> Vec<usize> {
    // One pass, keeping only the blank lines' numbers (a large file is not split into a
    // vector of lines); those after the last line with text are trailing, not skipped.
    let mut blank = vec![];
    let mut last_text = None;
    for (i, line) in table.lines().enumerate() {
        if line.trim().is_empty() {
            blank.push(first_line + i);
        } else {
            last_text = Some(first_line + i);
        }
    }
    blank.retain(|&l| last_text.is_some_and(|last| l < last));
    blank
}

/// The report's words for the lines left out: `line 7 (the header repeated), line 40 (a
/// closing line '합계,6')`, blank lines counted together.
pub(super) fn describe(skipped: &[(usize, Skip)]) -> String {
    let blank: Vec<usize> = skipped
        .iter()
        .filter(|(_, s)| *s == Skip::Blank)
        .map(|(l, _)| *l)
        .collect();
    let mut parts: Vec<String> = skipped
        .iter()
        .filter(|(_, s)| *s != Skip::Blank)
        .take(5)
        .map(|(line, why)| format!("line {line} ({why})"))
        .collect();
    let others = skipped.iter().filter(|(_, s)| *s != Skip::Blank).count();
    if others > 5 {
        parts.push(format!("{} more", others - 5));
    }
    match blank.as_slice() {
        [] => {}
        [one] => parts.push(format!("1 blank line (line {one})")),
        [first, ..] => parts.push(format!("{} blank lines (first: line {first})", blank.len())),
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(cells: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(cells.to_vec())
    }

    #[test]
    fn repeated_headers_and_closing_lines_are_skipped_but_ragged_rows_between_data_are_not() {
        let header = record(&["date", "price"]);
        let mut filter = RecordFilter::new(Some(&header), 2, false, b',');
        assert_eq!(filter.pass(2, &record(&["2024-01-01", "1"])).len(), 1);
        assert!(filter.pass(3, &record(&["date", " price "])).is_empty());
        // A short row, then data: both go on (the short one to be reported as ragged).
        assert!(filter.pass(4, &record(&["oops"])).is_empty());
        assert_eq!(filter.pass(5, &record(&["2024-01-02", "2"])).len(), 2);
        // Short rows at the end are closing lines, if they hold words.
        assert!(filter.pass(6, &record(&["합계"])).is_empty());
        assert!(filter.finish().is_empty());
        let mut numbers = RecordFilter::new(Some(&header), 2, false, b',');
        numbers.pass(2, &record(&["2024-01-01", "1"]));
        numbers.pass(3, &record(&["3"]));
        assert_eq!(
            numbers.finish().len(),
            1,
            "a short row of data stays ragged"
        );
        assert_eq!(
            describe(&filter.skipped),
            "line 3 (the header repeated), line 6 (a closing line '합계')"
        );
        // A trailing delimiter's empty field is dropped.
        let mut trailing = RecordFilter::new(Some(&header), 2, true, b',');
        let rows = trailing.pass(2, &record(&["2024-01-01", "1", ""]));
        assert_eq!(rows[0].1.len(), 2);
    }

    #[test]
    fn blank_lines_inside_the_table_are_found() {
        assert_eq!(blank_lines("a,b\n1,2\n\n3,4\n\n", 5), vec![7]);
        assert_eq!(
            describe(&[(7, Skip::Blank), (9, Skip::Blank)]),
            "2 blank lines (first: line 7)"
        );
    }
}

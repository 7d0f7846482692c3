//! The shape of the text: which delimiter, where the table starts (title lines before it are
//! a preamble), and whether its first line is a header.

use serde::{Deserialize, Serialize};

use super::datetime::{DateFamily, parse_cell};
use super::number::{DecimalMark, missing_marker, parse_number, trim};

/// Delimiters we sniff, in order of preference on ties.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How many records of the file's start are looked at to sniff the dialect.
const SNIFF_RECORDS: usize = 200;
/// How many bytes of the file's start are looked at to sniff the dialect.
const SNIFF_BYTES: usize = 256 * 1024;

/// Where the header is, as chosen by the user or detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum HeaderChoice {
    /// Detect: the first line of the table is a header unless it holds numbers or dates.
    #[default]
    Auto,
    /// The header is on this 1-based line of the file; lines before it are a preamble.
    Line(usize),
    /// No header: columns are named `column 1`, `column 2`, …
    None,
}

/// What was settled about the text's layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Dialect {
    /// Field delimiter.
    pub delimiter: u8,
    /// Byte offset in the text where the table (header or first data row) starts.
    pub table_offset: usize,
    /// 1-based file line of the table's first line.
    pub table_line: usize,
    /// Whether the table's first line is a header.
    pub has_header: bool,
    /// Lines before the table that were skipped (titles, notes), as written.
    pub preamble: Vec<String>,
    /// Fields per row in the table (a trailing delimiter's empty field not counted).
    pub fields: usize,
    /// Every line ends with the delimiter: one more, empty field than the columns.
    pub trailing_delimiter: bool,
}

impl Dialect {
    /// The delimiter in words for the report (`,` `;` `tab` `|`).
    pub fn delimiter_name(&self) -> String {
        delimiter_name(self.delimiter)
    }
}

/// `tab` for a tab, the character otherwise.
pub fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".into(),
        d => (d as char).to_string(),
    }
}

/// Reads a user's delimiter choice: one character, or `tab` / `\t`.
pub fn delimiter_from_name(name: &str) -> Option<u8> {
    match name.trim() {
        "tab" | "\\t" | "\t" | "TAB" => Some(b'\t'),
        s if s.len() == 1 && s.is_ascii() => Some(s.as_bytes()[0]),
        _ => None,
    }
}

/// A record of the sniffing sample: its fields, where it starts and on which line.
struct SampleRecord {
    fields: Vec<String>,
    byte: usize,
    line: usize,
}

fn sample_records(text: &str, delimiter: u8) -> Vec<SampleRecord> {
    let end = floor_char_boundary(text, SNIFF_BYTES);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(&text.as_bytes()[..end]);
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    while out.len() < SNIFF_RECORDS {
        let byte = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(true) => {
                let (byte, line) = record_start(
                    text,
                    record.position().map_or(byte, |p| p.byte() as usize),
                    record.position().map_or(1, |p| p.line() as usize),
                );
                out.push(SampleRecord {
                    fields: record.iter().map(str::to_string).collect(),
                    byte,
                    line,
                });
            }
            // A cut-off quote at the sample's end, or the end itself.
            _ => break,
        }
    }
    // The last record may be cut by the sample's end.
    if end < text.len() && out.len() > 1 {
        out.pop();
    }
    out
}

/// Where a record really starts: the CSV reader reports the position before any blank lines
/// it skipped, so step over line breaks, counting lines.
pub fn record_start(text: &str, byte: usize, line: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let (mut byte, mut line) = (byte, line);
    while byte < bytes.len() && matches!(bytes[byte], b'\n' | b'\r') {
        if bytes[byte] == b'\n' {
            line += 1;
        }
        byte += 1;
    }
    (byte, line)
}

fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Most common field count among records, preferring larger counts on ties.
fn mode_fields(records: &[SampleRecord]) -> (usize, usize) {
    let mut counts = std::collections::BTreeMap::new();
    for r in records {
        *counts.entry(r.fields.len()).or_insert(0usize) += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(fields, n)| (*n, *fields))
        .unwrap_or((1, 0))
}

/// Whether a cell holds data (a number or a date) rather than a column name.
pub(super) fn is_data_cell(cell: &str) -> bool {
    let cell = trim(cell);
    if cell.is_empty() || missing_marker(cell).is_some() {
        return false;
    }
    parse_number(cell, DecimalMark::Point).is_some()
        || parse_number(cell, DecimalMark::Comma).is_some()
        || [
            DateFamily::YearFirst(b'-'),
            DateFamily::YearFirst(b'/'),
            DateFamily::YearFirst(b'.'),
            DateFamily::DayMonth(b'/'),
            DateFamily::DayMonth(b'.'),
            DateFamily::Korean,
            DateFamily::YearMonth(b'-'),
            DateFamily::Quarter,
            DateFamily::IsoWeek,
        ]
        .into_iter()
        .any(|f| parse_cell(cell, f).is_some())
}

/// A title line: at most one cell of text, the rest empty or missing markers.
fn is_title(r: &SampleRecord) -> bool {
    r.fields
        .iter()
        .filter(|c| {
            let c = trim(c);
            !c.is_empty() && missing_marker(c).is_none()
        })
        .count()
        <= 1
}

/// Settles delimiter, preamble and header from the start of the text.
///
/// The delimiter is the candidate whose most common field count (above one) covers the most
/// records; the table starts at the first record with that many fields after which the count
/// holds; records before it are the preamble. The table's first line is a header unless one
/// of its cells is a number or a date.
pub fn sniff(text: &str, delimiter: Option<u8>, header: HeaderChoice) -> Dialect {
    let candidates: Vec<u8> = match delimiter {
        Some(d) => vec![d],
        None => DELIMITERS.to_vec(),
    };
    let mut best: Option<(u8, Vec<SampleRecord>, usize, usize)> = None;
    for d in candidates {
        let records = sample_records(text, d);
        let (fields, covered) = mode_fields(&records);
        let score = if fields > 1 || delimiter.is_some() {
            covered
        } else {
            0
        };
        if best.as_ref().is_none_or(|(_, _, _, s)| score > *s) {
            best = Some((d, records, fields, score));
        }
    }
    let (delimiter, records, fields, _) = best.unwrap_or((b',', Vec::new(), 1, 0));

    // The table starts at the first record from which on (almost) every record has `fields`
    // fields; with an explicit header line, there.
    let start = match header {
        HeaderChoice::Line(line) => records.iter().position(|r| r.line >= line).unwrap_or(0),
        _ => {
            let mut start = 0;
            for (i, r) in records.iter().enumerate() {
                if r.fields.len() == fields {
                    start = i;
                    break;
                }
            }
            start
        }
    };
    // Title lines padded to the table's width (a spreadsheet export's `Plant 3 log,NA,,`)
    // look like the header; the header is the last line before the first row of data.
    let is_data_row = |r: &SampleRecord| {
        r.fields.len() == fields && r.fields.iter().filter(|c| is_data_cell(c)).count() >= 2
    };
    let start = match header {
        HeaderChoice::Auto => match records.iter().skip(start).position(is_data_row) {
            // …if the lines passed over look like titles (one text cell at most, the rest
            // empty or missing markers) and that line is a row of names (no empty cell, no
            // data): an empty row or a units row under a real header stays put.
            Some(first)
                if first > 1
                    && records[start..start + first - 1].iter().all(is_title)
                    && records[start + first - 1].fields.iter().all(|c| {
                        let c = trim(c);
                        !c.is_empty() && missing_marker(c).is_none() && !is_data_cell(c)
                    }) =>
            {
                start + first - 1
            }
            _ => start,
        },
        _ => start,
    };
    // A delimiter at the end of every data line: one more, empty field than the header
    // (`date,price` over `2024-01-01,5,`), or an empty last name over empty last cells.
    let data_from = |from: usize| {
        records
            .iter()
            .skip(from)
            .filter(|r| r.fields.len() == fields)
    };
    let empty_last = |r: &SampleRecord| r.fields.last().is_some_and(|c| c.trim().is_empty());
    let header_short = matches!(header, HeaderChoice::Auto)
        && start > 0
        && records[start - 1].fields.len() + 1 == fields
        && !records[start - 1].fields.iter().any(|c| is_data_cell(c));
    let trailing_delimiter = fields > 2
        && data_from(start + 1).count() > 0
        && data_from(start + 1).all(empty_last)
        && (header_short || records.get(start).is_some_and(empty_last));
    let start = if header_short && trailing_delimiter {
        start - 1
    } else {
        start
    };
    let preamble = records[..start.min(records.len())]
        .iter()
        .map(|r| {
            r.fields
                .join(&(delimiter as char).to_string())
                .trim()
                .to_string()
        })
        .collect();
    let has_header = match header {
        HeaderChoice::None => false,
        HeaderChoice::Line(_) => true,
        HeaderChoice::Auto => records
            .get(start)
            .is_some_and(|r| !r.fields.iter().any(|c| is_data_cell(c))),
    };
    let (table_offset, table_line) = records.get(start).map_or((0, 1), |r| (r.byte, r.line));
    Dialect {
        delimiter,
        table_offset,
        table_line,
        has_header,
        preamble,
        fields: if trailing_delimiter {
            fields - 1
        } else {
            fields
        },
        trailing_delimiter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_delimiters() {
        for (text, d) in [
            ("a,b,c\n1,2,3\n4,5,6\n", b','),
            ("a;b;c\n1,5;2,5;3\n4;5;6\n", b';'),
            ("a\tb\n1\t2\n", b'\t'),
            ("a|b\n1|2\n", b'|'),
            ("date,\"price, usd\"\n2024-01-01,\"1,000\"\n", b','),
        ] {
            let dialect = sniff(text, None, HeaderChoice::Auto);
            assert_eq!(dialect.delimiter, d, "{text}");
            assert!(dialect.has_header);
            assert!(dialect.preamble.is_empty());
        }
    }

    #[test]
    fn skips_title_lines_and_finds_the_header() {
        let text = "Naphtha MOPJ daily\nsource: exchange export\n\ndate,price,volume\n2024-01-02,600,10\n2024-01-03,601,11\n";
        let d = sniff(text, None, HeaderChoice::Auto);
        assert_eq!(d.delimiter, b',');
        assert_eq!(
            d.preamble,
            vec!["Naphtha MOPJ daily", "source: exchange export"]
        );
        assert_eq!(d.table_line, 4);
        assert!(d.has_header);
        assert_eq!(&text[d.table_offset..d.table_offset + 4], "date");
    }

    #[test]
    fn title_lines_padded_to_the_tables_width_are_a_preamble() {
        let text = "Plant 3 log,NA,,\nExported by LIMS,n/a,,\ndate,V,E,t\n2024-01-01,1,2,3\n2024-01-02,2,3,4\n";
        let d = sniff(text, None, HeaderChoice::Auto);
        assert_eq!(d.table_line, 3);
        assert!(d.has_header);
        assert_eq!(
            d.preamble,
            vec!["Plant 3 log,NA,,", "Exported by LIMS,n/a,,"]
        );
        // An empty row, a units row or a time-of-day column under a real header keeps it.
        for text in [
            "date,a,b\n,,\n2024-01-01,1,2\n",
            "date,temp,pres\n,degC,hPa\n2024-01-01,1,2\n",
            "time,temp,hum\n00:00,,\n00:10,,\n00:20,21,40\n",
        ] {
            assert_eq!(
                sniff(text, None, HeaderChoice::Auto).table_line,
                1,
                "{text}"
            );
        }
        // Rows of missing values before the first full one are still data.
        let gaps = sniff(
            "date,a,b\n2024-01-01,,\n2024-01-02,,\n2024-01-03,1,2\n",
            None,
            HeaderChoice::Auto,
        );
        assert_eq!(gaps.table_line, 1);
    }

    #[test]
    fn a_table_without_header() {
        let d = sniff("2024-01-01,5\n2024-01-02,6\n", None, HeaderChoice::Auto);
        assert!(!d.has_header);
        assert_eq!(d.fields, 2);
        let forced = sniff("2024-01-01,5\n2024-01-02,6\n", None, HeaderChoice::Line(1));
        assert!(forced.has_header);
    }

    #[test]
    fn names_delimiters() {
        assert_eq!(delimiter_name(b'\t'), "tab");
        assert_eq!(delimiter_from_name("tab"), Some(b'\t'));
        assert_eq!(delimiter_from_name(";"), Some(b';'));
        assert_eq!(delimiter_from_name("ab"), None);
    }
}

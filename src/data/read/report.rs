//! What the reader understood, as facts a person reads and a program parses: the UI's
//! `data-report` table and `foresight inspect` print the same list.

use serde::{Deserialize, Serialize};

use super::ReadOptions;

/// One fact: a name from a fixed vocabulary (`encoding`, `delimiter`, `header row`, …) and its
/// value in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// Fact name.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// Per-column facts for the data view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnStats {
    /// Header.
    pub name: String,
    /// `time`, `numeric`, `mixed`, `text` or `group`.
    pub kind: String,
    /// Missing cells.
    pub missing: usize,
    /// Missing cells as a percentage of rows.
    pub missing_percent: f64,
    /// Smallest value (numeric columns).
    pub min: Option<f64>,
    /// Largest value (numeric columns).
    pub max: Option<f64>,
    /// Mean value (numeric columns).
    pub mean: Option<f64>,
    /// What was done to read it (decimal comma, `%` removed, currency, bad cells, …).
    pub notes: String,
}

/// The first rows as read, for the preview table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Preview {
    /// Column names.
    pub header: Vec<String>,
    /// Cells as written in the file (after decoding).
    pub rows: Vec<Vec<String>>,
}

/// Everything the reader settled about a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadReport {
    /// Facts in a fixed order: encoding, delimiter, header row, preamble, time column, date
    /// format, frequency, rows, columns, groups, missing periods, duplicates, unsorted,
    /// missing markers, then numbers.
    pub facts: Vec<Fact>,
    /// Per-column statistics.
    pub columns: Vec<ColumnStats>,
    /// The first rows.
    pub preview: Preview,
    /// The settled choices, so a shell can show them and the user can change one.
    pub settled: ReadOptions,
    /// Group names of a panel (empty otherwise), so a shell can offer them.
    pub groups: Vec<String>,
}

impl ReadReport {
    /// The value of a fact by name.
    pub fn fact(&self, name: &str) -> Option<&str> {
        self.facts
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.as_str())
    }

    /// The report as `name: value` lines, then the column table (what `foresight inspect`
    /// prints).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.facts {
            out += &format!("{}: {}\n", f.name, f.value);
        }
        out += "\ncolumns:\n";
        let name_width = self
            .columns
            .iter()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        out += &format!(
            "  {:name_width$}  {:7}  {:>9}  {:>12}  {:>12}  {:>12}  notes\n",
            "name", "kind", "missing", "min", "max", "mean"
        );
        let num = |v: Option<f64>| v.map_or("".to_string(), format_number);
        for c in &self.columns {
            out += &format!(
                "  {:name_width$}  {:7}  {:>8.1}%  {:>12}  {:>12}  {:>12}  {}\n",
                c.name,
                c.kind,
                c.missing_percent,
                num(c.min),
                num(c.max),
                num(c.mean),
                c.notes
            );
        }
        out
    }
}

/// A number for tables: up to 6 significant digits, no exponent for ordinary magnitudes.
pub fn format_number(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if (1e-4..1e9).contains(&v.abs()) {
        let digits = (5 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
        let s = format!("{v:.digits$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        format!("{v:.4e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_tables() {
        assert_eq!(format_number(1.5), "1.5");
        assert_eq!(format_number(1234.5678), "1234.57");
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(-2.0), "-2");
        assert_eq!(format_number(123456789.0), "123456789");
        assert_eq!(format_number(1e12), "1.0000e12");
    }
}

//! Number cells as people write them: thousands separators, decimal commas, percent signs,
//! currency signs, accounting negatives — and the usual missing-value markers.

use serde::{Deserialize, Serialize};

/// Cells read as missing values. The report says which of them were seen.
pub const MISSING_MARKERS: [&str; 14] = [
    "", "NA", "N/A", "#N/A", "na", "n/a", "null", "NULL", "-", ".", "NaN", "nan", "None", "--",
];

/// Which marker a (trimmed) cell is, if it is one.
pub fn missing_marker(cell: &str) -> Option<usize> {
    let cell = trim(cell);
    MISSING_MARKERS.iter().position(|m| *m == cell)
}

/// Trims ASCII and Unicode white space, including no-break spaces Excel writes.
pub fn trim(cell: &str) -> &str {
    // Most cells start and end with a visible ASCII character: nothing to trim.
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => cell,
        _ => cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}'),
    }
}

/// The decimal mark of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum DecimalMark {
    /// `1,234.5`
    #[default]
    Point,
    /// `1.234,5` (and `1 234,5`)
    Comma,
}

/// What one cell tells about the column's decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkEvidence {
    /// Plain digits or nothing to go on.
    None,
    /// Only readable with a decimal point (`1.5`, `1,234.5`).
    Point,
    /// Only readable with a decimal comma (`1,5`, `1.234,5`).
    Comma,
    /// `1,234` or `1.234`: a thousands group or a decimal, depending on the column.
    Ambiguous,
}

/// Currency signs stripped from numbers.
const CURRENCY: [char; 6] = ['₩', '$', '€', '¥', '£', '￦'];

/// A number read from a cell, with the decorations that were removed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParsedNumber {
    /// The value as written (`5%` is 5, not 0.05: the column's unit is percent).
    pub value: f64,
    /// A `%` sign was removed.
    pub percent: bool,
    /// A currency sign was removed.
    pub currency: Option<char>,
}

/// Reads a number cell written with `mark` as its decimal mark.
///
/// Plain numbers (`-1.5e3`) take a fast path. Otherwise currency signs, `%`, a leading `+`,
/// Unicode minus, accounting parentheses and thousands separators (`,` `.` space, no-break
/// space, `'`) are accepted where they are unambiguous: groups after the first have exactly
/// three digits. Infinite and NaN spellings are not numbers.
pub fn parse_number(cell: &str, mark: DecimalMark) -> Option<ParsedNumber> {
    let s = trim(cell);
    if s.is_empty() {
        return None;
    }
    let plain = s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if plain && (mark == DecimalMark::Point || !s.contains('.')) {
        return s
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(|value| ParsedNumber {
                value,
                percent: false,
                currency: None,
            });
    }
    parse_decorated(s, mark)
}

fn parse_decorated(s: &str, mark: DecimalMark) -> Option<ParsedNumber> {
    let mut s = s;
    let mut negative = false;
    let mut currency = None;
    let mut percent = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        s = trim(inner);
    }
    // Sign and currency in either order: "-$5", "$-5", "₩1,000", "1,000₩", "5 €".
    for _ in 0..2 {
        if let Some(rest) = s.strip_prefix(['-', '−']) {
            negative = !negative;
            s = trim(rest);
        } else if let Some(rest) = s.strip_prefix('+') {
            s = trim(rest);
        }
        if let Some(c) = s.chars().next().filter(|c| CURRENCY.contains(c)) {
            currency = Some(c);
            s = trim(&s[c.len_utf8()..]);
        }
    }
    if let Some(c) = s.chars().last().filter(|c| CURRENCY.contains(c)) {
        currency = Some(c);
        s = trim(&s[..s.len() - c.len_utf8()]);
    }
    if let Some(rest) = s.strip_suffix('%') {
        percent = true;
        s = trim(rest);
    }
    let digits = normalise_digits(s, mark)?;
    let value: f64 = digits.parse().ok().filter(|v: &f64| v.is_finite())?;
    Some(ParsedNumber {
        value: if negative { -value } else { value },
        percent,
        currency,
    })
}

/// Rewrites `1.234.567,8` (comma mark) or `1,234,567.8` (point mark) as `1234567.8`, checking
/// that thousands groups have three digits. Exponents are allowed only without groups.
fn normalise_digits(s: &str, mark: DecimalMark) -> Option<String> {
    let (decimal, group_marks): (char, &[char]) = match mark {
        DecimalMark::Point => ('.', &[',', ' ', '\u{a0}', '\u{202f}', '\'']),
        DecimalMark::Comma => (',', &['.', ' ', '\u{a0}', '\u{202f}', '\'']),
    };
    let (int_part, frac_part) = match s.rsplit_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let mut out = String::with_capacity(s.len());
    let groups: Vec<&str> = int_part.split(group_marks).collect();
    if groups.len() > 1 {
        let first_ok = (1..=3).contains(&groups[0].len());
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return None;
        }
    }
    for g in &groups {
        if !g.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out.push_str(g);
    }
    if out.is_empty() && frac_part.is_none() {
        return None;
    }
    if let Some(frac) = frac_part {
        let (frac_digits, exponent) = match frac.find(['e', 'E']) {
            Some(i) if groups.len() == 1 => (&frac[..i], Some(&frac[i + 1..])),
            _ => (frac, None),
        };
        if !frac_digits.bytes().all(|b| b.is_ascii_digit())
            || (out.is_empty() && frac_digits.is_empty())
        {
            return None;
        }
        out.push('.');
        out.push_str(frac_digits);
        if let Some(exp) = exponent {
            let body = exp.strip_prefix(['-', '+']).unwrap_or(exp);
            if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            out.push('e');
            out.push_str(exp);
        }
    }
    Some(out)
}

/// What a cell says about the decimal mark (used on a sample to settle each column's mark).
pub fn mark_evidence(cell: &str) -> MarkEvidence {
    let s = trim(cell);
    let last_point = s.rfind('.');
    let last_comma = s.rfind(',');
    match (last_point, last_comma) {
        (Some(p), Some(c)) => {
            if p > c {
                MarkEvidence::Point
            } else {
                MarkEvidence::Comma
            }
        }
        (Some(p), None) => single_mark_evidence(s, p, '.', MarkEvidence::Point),
        (None, Some(c)) => single_mark_evidence(s, c, ',', MarkEvidence::Comma),
        (None, None) => MarkEvidence::None,
    }
}

/// With only one kind of mark: `d{1,3}(Xddd)+` could be thousands groups; anything else makes
/// the mark a decimal one.
fn single_mark_evidence(s: &str, last: usize, mark: char, decimal: MarkEvidence) -> MarkEvidence {
    let digits_after = s[last + 1..].bytes().take_while(u8::is_ascii_digit).count();
    let grouped = s.matches(mark).count();
    if digits_after == 3 && s[last + 1 + 3..].bytes().all(|b| !b.is_ascii_digit()) {
        if grouped == 1 || decimal == MarkEvidence::Point {
            // `1.234` / `1,234`, or `1.234.567` (only thousands for a point, as two decimal
            // points are impossible).
            if grouped > 1 {
                return MarkEvidence::Comma;
            }
            return MarkEvidence::Ambiguous;
        }
        return MarkEvidence::Point;
    }
    decimal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(cell: &str, mark: DecimalMark) -> Option<f64> {
        parse_number(cell, mark).map(|n| n.value)
    }

    #[test]
    fn plain_and_decorated_numbers() {
        use DecimalMark::*;
        assert_eq!(p("1.5", Point), Some(1.5));
        assert_eq!(p(" -2e3 ", Point), Some(-2000.0));
        assert_eq!(p("1,234.5", Point), Some(1234.5));
        assert_eq!(p("1.234,5", Comma), Some(1234.5));
        assert_eq!(p("1 234,5", Comma), Some(1234.5));
        assert_eq!(p("1\u{a0}234,5", Comma), Some(1234.5));
        assert_eq!(p("3,5", Comma), Some(3.5));
        assert_eq!(p("₩1,000", Point), Some(1000.0));
        assert_eq!(p("$-5.25", Point), Some(-5.25));
        assert_eq!(p("-$5.25", Point), Some(-5.25));
        assert_eq!(p("12,5 €", Comma), Some(12.5));
        assert_eq!(p("¥300", Point), Some(300.0));
        assert_eq!(p("(1,200)", Point), Some(-1200.0));
        assert_eq!(p("−4", Point), Some(-4.0));
        assert_eq!(p("+4", Point), Some(4.0));
        let pct = parse_number("12.5%", Point).unwrap();
        assert_eq!((pct.value, pct.percent), (12.5, true));
        assert_eq!(parse_number("₩1,000", Point).unwrap().currency, Some('₩'));
    }

    #[test]
    fn not_numbers() {
        use DecimalMark::*;
        for cell in [
            "abc", "1,23,4", "12,34", "inf", "NaN", "1.2.3", "--5", "", "e5", "1,2e5",
        ] {
            assert_eq!(p(cell, Point), None, "{cell}");
        }
        assert_eq!(p("1.5", Comma), None);
    }

    #[test]
    fn missing_markers() {
        for m in ["", " ", "NA", "N/A", "#N/A", "null", "-", ".", "NaN"] {
            assert!(missing_marker(m).is_some(), "{m:?}");
        }
        assert!(missing_marker("0").is_none());
    }

    #[test]
    fn decimal_mark_evidence() {
        assert_eq!(mark_evidence("1,5"), MarkEvidence::Comma);
        assert_eq!(mark_evidence("1.5"), MarkEvidence::Point);
        assert_eq!(mark_evidence("1.234,5"), MarkEvidence::Comma);
        assert_eq!(mark_evidence("1,234.5"), MarkEvidence::Point);
        assert_eq!(mark_evidence("1,234"), MarkEvidence::Ambiguous);
        assert_eq!(mark_evidence("1.234"), MarkEvidence::Ambiguous);
        assert_eq!(mark_evidence("1.234.567"), MarkEvidence::Comma);
        assert_eq!(mark_evidence("1,234,567"), MarkEvidence::Point);
        assert_eq!(mark_evidence("17"), MarkEvidence::None);
    }
}

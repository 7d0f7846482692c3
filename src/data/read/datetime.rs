//! Dates and times as files write them. A column's format is settled from a sample of its
//! cells (one format per column); day-first vs month-first is settled from the whole column.

use serde::{Deserialize, Serialize};

use crate::data::calendar::{days_from_civil, days_in_month};

/// Whether `03/04/2024` is the 3rd of April or March the 4th.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum DateOrder {
    /// Decide from the column: a first field above 12 means day-first, a second one
    /// month-first; if neither, the order under which the rows run in time.
    #[default]
    Auto,
    /// `DD/MM/YYYY`
    DayFirst,
    /// `MM/DD/YYYY`
    MonthFirst,
}

/// One way of writing time stamps. A column is read with exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFamily {
    /// `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, optionally with a time and UTC offset.
    YearFirst(u8),
    /// `YYYYMMDD`.
    Compact,
    /// `DD/MM/YYYY` or `MM/DD/YYYY` (also with `-` or `.`); the order is settled per column.
    DayMonth(u8),
    /// `2024년 1월 5일`.
    Korean,
    /// `2024-01`, `2024/01`.
    YearMonth(u8),
    /// `2024Q1`, `2024-Q1`, `2024 Q1`, `Q1 2024`.
    Quarter,
    /// `2024-W05` (ISO week; its Monday).
    IsoWeek,
    /// `2024` (needs a header that says year).
    Year,
    /// Excel serial day numbers (days since 1899-12-30; fractions are the time of day).
    ExcelSerial,
    /// Seconds since 1970-01-01.
    UnixSeconds,
    /// Milliseconds since 1970-01-01.
    UnixMillis,
    /// `HH:MM[:SS]` alone: a time column to join with a date column.
    TimeOfDay,
}

/// Families tried on a column, in order of preference on ties.
const FAMILIES: [DateFamily; 18] = [
    DateFamily::YearFirst(b'-'),
    DateFamily::YearFirst(b'/'),
    DateFamily::YearFirst(b'.'),
    DateFamily::DayMonth(b'/'),
    DateFamily::DayMonth(b'.'),
    DateFamily::DayMonth(b'-'),
    DateFamily::Korean,
    DateFamily::YearMonth(b'-'),
    DateFamily::YearMonth(b'/'),
    DateFamily::YearMonth(b'.'),
    DateFamily::Quarter,
    DateFamily::IsoWeek,
    DateFamily::Compact,
    DateFamily::Year,
    DateFamily::UnixMillis,
    DateFamily::UnixSeconds,
    DateFamily::ExcelSerial,
    DateFamily::TimeOfDay,
];

impl DateFamily {
    /// Numbers-only families, which a numeric column could match by chance: they need a
    /// header that names time (or, for `YYYYMMDD`, being the first column).
    fn needs_hint(self) -> bool {
        matches!(
            self,
            DateFamily::Compact
                | DateFamily::Year
                | DateFamily::ExcelSerial
                | DateFamily::UnixSeconds
                | DateFamily::UnixMillis
                | DateFamily::YearMonth(b'.')
        )
    }

    /// The pattern shown in the report.
    pub fn pattern(self, order: DateOrder) -> String {
        let s = |sep: u8| sep as char;
        match self {
            DateFamily::YearFirst(sep) => format!("YYYY{0}MM{0}DD", s(sep)),
            DateFamily::Compact => "YYYYMMDD".into(),
            DateFamily::DayMonth(sep) => match order {
                DateOrder::MonthFirst => format!("MM{0}DD{0}YYYY", s(sep)),
                _ => format!("DD{0}MM{0}YYYY", s(sep)),
            },
            DateFamily::Korean => "YYYY년 M월 D일".into(),
            DateFamily::YearMonth(sep) => format!("YYYY{}MM", s(sep)),
            DateFamily::Quarter => "YYYYQn".into(),
            DateFamily::IsoWeek => "YYYY-Www (ISO week, its Monday)".into(),
            DateFamily::Year => "YYYY".into(),
            DateFamily::ExcelSerial => "Excel serial days".into(),
            DateFamily::UnixSeconds => "Unix seconds".into(),
            DateFamily::UnixMillis => "Unix milliseconds".into(),
            DateFamily::TimeOfDay => "HH:MM:SS".into(),
        }
    }
}

/// A cell read by a family, before the column's day/month order is applied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellTime {
    /// A calendar date (`a`/`b` are month/day, or the two ambiguous fields of `DayMonth`),
    /// seconds into the day and the UTC offset in seconds when one was written.
    Civil {
        /// Year.
        year: i32,
        /// Month, or the first field of `DayMonth`.
        a: u8,
        /// Day, or the second field of `DayMonth`.
        b: u8,
        /// Seconds after midnight.
        seconds: u32,
        /// Written UTC offset in seconds.
        offset: Option<i32>,
    },
    /// Already seconds since the epoch (Excel serials, Unix times).
    Epoch(i64),
    /// A time of day alone, in seconds after midnight.
    TimeOfDay(u32),
}

impl CellTime {
    /// Seconds since the epoch (wall clock; offsets are applied by the caller), with `a`/`b`
    /// read in `order`. `None` when the date does not exist (e.g. month 13 under the order).
    pub fn resolve(self, order: DateOrder) -> Option<i64> {
        match self {
            CellTime::Civil {
                year,
                a,
                b,
                seconds,
                ..
            } => {
                let (month, day) = match order {
                    DateOrder::DayFirst => (b, a),
                    _ => (a, b),
                };
                let (year, month, day) = (i64::from(year), u32::from(month), u32::from(day));
                if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
                    return None;
                }
                Some(days_from_civil(year, month, day) * 86_400 + i64::from(seconds))
            }
            CellTime::Epoch(s) => Some(s),
            CellTime::TimeOfDay(s) => Some(i64::from(s)),
        }
    }

    /// The written UTC offset, if any.
    pub fn offset(self) -> Option<i32> {
        match self {
            CellTime::Civil { offset, .. } => offset,
            _ => None,
        }
    }

    /// Whether a time of day other than midnight was written.
    pub fn has_time(self) -> bool {
        match self {
            CellTime::Civil { seconds, .. } => seconds != 0,
            CellTime::Epoch(s) => s.rem_euclid(86_400) != 0,
            CellTime::TimeOfDay(_) => true,
        }
    }
}

/// Whether a header names a time column (`date`, `timestamp`, `일자`, `日付`, …).
pub fn header_names_time(header: &str) -> bool {
    const WORDS: [&str; 22] = [
        "date",
        "time",
        "day",
        "period",
        "year",
        "month",
        "week",
        "quarter",
        "timestamp",
        "ds",
        "dt",
        "datetime",
        "stamp",
        "epoch",
        "unix",
        "fecha",
        "datum",
        "zeit",
        "yyyymmdd",
        "ymd",
        "hour",
        "minute",
    ];
    const CJK: [&str; 11] = [
        "일자", "날짜", "시간", "일시", "기간", "연도", "년도", "日付", "日時", "時刻", "年月",
    ];
    let lower = header.to_lowercase();
    lower.split(|c: char| !c.is_alphanumeric()).any(|word| {
        WORDS.contains(&word) || WORDS.iter().any(|w| w.len() > 3 && word.starts_with(w))
    }) || CJK.iter().any(|w| lower.contains(w))
}

fn digits<T: std::str::FromStr>(s: &str, len: std::ops::RangeInclusive<usize>) -> Option<T> {
    if !len.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `HH:MM[:SS[.fff]]` with an optional `Z`, `UTC`, `±HH:MM`, `±HHMM` or `±HH`.
/// Returns (seconds after midnight, offset in seconds).
fn parse_clock(text: &str) -> Option<(u32, Option<i32>)> {
    let text = text.trim();
    let (clock, offset) = split_offset(text)?;
    let mut parts = clock.split(':');
    let hour: u32 = digits(parts.next()?, 1..=2)?;
    let minute: u32 = digits(parts.next()?, 2..=2)?;
    let second: u32 = match parts.next() {
        Some(s) => {
            let (whole, frac) = s.split_once(['.', ',']).unwrap_or((s, "0"));
            if !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits(whole, 2..=2)?
        }
        None => 0,
    };
    if parts.next().is_some()
        || hour > 24
        || minute > 59
        || second > 60
        || (hour == 24 && minute + second > 0)
    {
        return None;
    }
    Some((hour * 3_600 + minute * 60 + second.min(59), offset))
}

/// Splits a trailing zone designator off a clock time.
fn split_offset(text: &str) -> Option<(&str, Option<i32>)> {
    if let Some(clock) = text.strip_suffix('Z').or_else(|| text.strip_suffix(" UTC")) {
        return Some((clock.trim(), Some(0)));
    }
    // A sign after the clock's first character starts an offset.
    if let Some((i, _)) = text
        .char_indices()
        .skip(1)
        .find(|(_, c)| *c == '+' || *c == '-')
    {
        let (clock, zone) = text.split_at(i);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let zone = &zone[1..];
        let (h, m): (i32, i32) = match zone.split_once(':') {
            Some((h, m)) => (digits(h, 2..=2)?, digits(m, 2..=2)?),
            None if zone.len() == 4 => (
                digits(zone.get(..2)?, 2..=2)?,
                digits(zone.get(2..)?, 2..=2)?,
            ),
            None => (digits(zone, 2..=2)?, 0),
        };
        if h > 18 || m > 59 {
            return None;
        }
        return Some((clock.trim(), Some(sign * (h * 3_600 + m * 60))));
    }
    Some((text, None))
}

/// Splits `date[T| ]time` into the date and the optional clock part.
fn split_date_time(text: &str) -> (&str, Option<&str>) {
    match text.find(['T', ' ']) {
        Some(i) => (&text[..i], Some(text[i + 1..].trim_start())),
        None => (text, None),
    }
}

fn civil(year: i32, a: u8, b: u8, clock: Option<&str>) -> Option<CellTime> {
    let (seconds, offset) = match clock {
        Some(c) if !c.is_empty() => parse_clock(c)?,
        _ => (0, None),
    };
    Some(CellTime::Civil {
        year,
        a,
        b,
        seconds,
        offset,
    })
}

/// A `(year, month, day)` that exists.
fn valid_ymd(year: i32, month: u8, day: u8) -> bool {
    (1..=12).contains(&month)
        && day >= 1
        && u32::from(day) <= days_in_month(i64::from(year), u32::from(month))
}

/// Reads a cell with one family. `None` when the cell is not written that way.
pub fn parse_cell(cell: &str, family: DateFamily) -> Option<CellTime> {
    let text = cell.trim();
    match family {
        DateFamily::YearFirst(sep) => {
            let (date, clock) = split_date_time(text);
            let mut parts = date.split(sep as char);
            let year = digits(parts.next()?, 4..=4)?;
            let month = digits(parts.next()?, 1..=2)?;
            let day = digits(parts.next()?, 1..=2)?;
            if parts.next().is_some() || !valid_ymd(year, month, day) {
                return None;
            }
            civil(year, month, day, clock)
        }
        DateFamily::Compact => {
            let year = digits(text.get(..4)?, 4..=4)?;
            let month = digits(text.get(4..6)?, 2..=2)?;
            let day = digits(text.get(6..)?, 2..=2)?;
            ((1800..=2200).contains(&year) && valid_ymd(year, month, day))
                .then(|| civil(year, month, day, None))?
        }
        DateFamily::DayMonth(sep) => {
            let (date, clock) = split_date_time(text);
            let mut parts = date.split(sep as char);
            let a: u8 = digits(parts.next()?, 1..=2)?;
            let b: u8 = digits(parts.next()?, 1..=2)?;
            let year = digits(parts.next()?, 4..=4)?;
            // One of the two must be a month; both must be possible days.
            if parts.next().is_some() || a == 0 || b == 0 || a > 31 || b > 31 || (a > 12 && b > 12)
            {
                return None;
            }
            civil(year, a, b, clock)
        }
        DateFamily::Korean => {
            let (year, rest) = text.split_once('년')?;
            let (month, rest) = rest.split_once('월')?;
            let (day, rest) = rest.split_once('일')?;
            let year = digits(year.trim(), 4..=4)?;
            let month = digits(month.trim(), 1..=2)?;
            let day = digits(day.trim(), 1..=2)?;
            if !valid_ymd(year, month, day) {
                return None;
            }
            civil(year, month, day, Some(rest.trim()))
        }
        DateFamily::YearMonth(sep) => {
            let (year, month) = text.split_once(sep as char)?;
            let year = digits(year, 4..=4)?;
            let month = digits(month, 1..=2)?;
            valid_ymd(year, month, 1).then(|| civil(year, month, 1, None))?
        }
        DateFamily::Quarter => {
            let upper = text.to_ascii_uppercase();
            let (year, quarter) = if let Some(rest) = upper.strip_prefix('Q') {
                let q = rest.get(..1)?;
                (
                    rest[1..].trim_start_matches([' ', '-', '/']).to_string(),
                    q.to_string(),
                )
            } else {
                let (y, q) = upper.split_once('Q')?;
                (
                    y.trim_end_matches([' ', '-', '/', '_']).to_string(),
                    q.to_string(),
                )
            };
            let year = digits(&year, 4..=4)?;
            let quarter: u8 = digits(&quarter, 1..=1)?;
            (1..=4)
                .contains(&quarter)
                .then(|| civil(year, 3 * quarter - 2, 1, None))?
        }
        DateFamily::IsoWeek => {
            let (year, week) = text.split_once("-W").or_else(|| text.split_once('W'))?;
            let (week, weekday) = week.split_once('-').unwrap_or((week, "1"));
            let year: i32 = digits(year, 4..=4)?;
            let week: i64 = digits(week, 2..=2)?;
            let weekday: i64 = digits(weekday, 1..=1)?;
            if !(1..=53).contains(&week) || !(1..=7).contains(&weekday) {
                return None;
            }
            // Monday of ISO week 1 is the Monday on or before 4 January.
            let jan4 = days_from_civil(i64::from(year), 1, 4);
            let jan4_weekday = (jan4 + 3).rem_euclid(7);
            let day = jan4 - jan4_weekday + (week - 1) * 7 + (weekday - 1);
            Some(CellTime::Epoch(day * 86_400))
        }
        DateFamily::Year => {
            let year = digits(text, 4..=4)?;
            (1000..=3000)
                .contains(&year)
                .then(|| civil(year, 1, 1, None))?
        }
        DateFamily::ExcelSerial => {
            let serial: f64 = text.parse().ok()?;
            if !(10_000.0..=80_000.0).contains(&serial) {
                return None;
            }
            // 1899-12-30 is day 0 in Excel's 1900 system (after its 1900 leap-year bug).
            let base = days_from_civil(1899, 12, 30) * 86_400;
            Some(CellTime::Epoch(base + (serial * 86_400.0).round() as i64))
        }
        DateFamily::UnixSeconds => {
            let s: i64 = digits(text, 9..=10)?;
            (100_000_000..=4_102_444_800)
                .contains(&s)
                .then_some(CellTime::Epoch(s))
        }
        DateFamily::UnixMillis => {
            let ms: i64 = digits(text, 12..=13)?;
            (100_000_000_000..=4_102_444_800_000)
                .contains(&ms)
                .then_some(CellTime::Epoch(ms.div_euclid(1_000)))
        }
        DateFamily::TimeOfDay => {
            let (seconds, _) = parse_clock(text).filter(|(_, o)| o.is_none())?;
            text.contains(':').then_some(CellTime::TimeOfDay(seconds))
        }
    }
}

/// The family that reads a column, judged on a sample of its non-missing cells: the family
/// reading the most cells, if it reads at least 80% of them. Number-like families need a
/// header naming time (or, for `YYYYMMDD`, the first column).
pub fn detect_family(cells: &[&str], header: &str, first_column: bool) -> Option<DateFamily> {
    if cells.is_empty() {
        return None;
    }
    let hinted = header_names_time(header);
    let mut best: Option<(DateFamily, usize)> = None;
    for family in FAMILIES {
        if family.needs_hint() && !(hinted || (first_column && family == DateFamily::Compact)) {
            continue;
        }
        let read = cells
            .iter()
            .filter(|c| parse_cell(c, family).is_some())
            .count();
        if read > best.map_or(0, |(_, n)| n) {
            best = Some((family, read));
        }
    }
    best.filter(|(_, read)| *read * 5 >= cells.len() * 4)
        .map(|(family, _)| family)
}

/// How the day/month order of a `DayMonth` column was settled, for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderDecision {
    /// The order used.
    pub order: DateOrder,
    /// Why, in words.
    pub reason: String,
}

/// Settles day-first vs month-first from the whole column: a first field above 12 (day-first)
/// or a second one (month-first); when all fields are 12 or less, the order under which the
/// rows run forward in time. `lines` are the file lines of the cells, for the reason.
pub fn decide_order(cells: &[Option<CellTime>], lines: &[usize]) -> OrderDecision {
    let mut first_over: Option<usize> = None;
    let mut second_over: Option<usize> = None;
    for (i, cell) in cells.iter().enumerate() {
        if let Some(CellTime::Civil { a, b, .. }) = cell {
            if *a > 12 && first_over.is_none() {
                first_over = Some(i);
            }
            if *b > 12 && second_over.is_none() {
                second_over = Some(i);
            }
        }
    }
    let line = |i: usize| lines.get(i).copied().unwrap_or(i + 1);
    match (first_over, second_over) {
        (Some(i), None) => OrderDecision {
            order: DateOrder::DayFirst,
            reason: format!("day-first: line {} has a first field above 12", line(i)),
        },
        (None, Some(i)) => OrderDecision {
            order: DateOrder::MonthFirst,
            reason: format!("month-first: line {} has a second field above 12", line(i)),
        },
        (Some(i), Some(j)) => OrderDecision {
            // Mixed: whichever comes first wins; the other cells become bad cells.
            order: if i < j {
                DateOrder::DayFirst
            } else {
                DateOrder::MonthFirst
            },
            reason: format!(
                "inconsistent: line {} reads only day-first, line {} only month-first",
                line(i),
                line(j)
            ),
        },
        (None, None) => {
            let score = |order| {
                let mut stamps: Vec<i64> = cells
                    .iter()
                    .filter_map(|c| c.and_then(|c| c.resolve(order)))
                    .collect();
                let backwards = stamps.windows(2).filter(|w| w[1] < w[0]).count();
                stamps.sort_unstable();
                let mut classes: Vec<i64> =
                    stamps.windows(2).map(|w| step_class(w[1] - w[0])).collect();
                classes.sort_unstable();
                classes.dedup();
                (backwards, classes.len())
            };
            let (day_first, month_first) =
                (score(DateOrder::DayFirst), score(DateOrder::MonthFirst));
            if day_first < month_first {
                OrderDecision {
                    order: DateOrder::DayFirst,
                    reason: "day-first: every field is 12 or less; read day-first the rows run forward in time at a steadier step".into(),
                }
            } else if month_first < day_first {
                OrderDecision {
                    order: DateOrder::MonthFirst,
                    reason: "month-first: every field is 12 or less; read month-first the rows run forward in time at a steadier step".into(),
                }
            } else {
                OrderDecision {
                    order: DateOrder::MonthFirst,
                    reason: "month-first (ambiguous: every field is 12 or less; choose the order to change it)".into(),
                }
            }
        }
    }
}

/// Steps of a calendar month, quarter or year count as one step size whatever their days.
fn step_class(seconds: i64) -> i64 {
    const DAY: i64 = 86_400;
    match seconds {
        s if (28 * DAY..=31 * DAY).contains(&s) => -1,
        s if (89 * DAY..=92 * DAY).contains(&s) => -3,
        s if (365 * DAY..=366 * DAY).contains(&s) => -12,
        s => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::calendar::format_timestamp;

    fn read(cell: &str, family: DateFamily) -> Option<String> {
        let t = parse_cell(cell, family)?;
        let order = if matches!(family, DateFamily::DayMonth(_)) {
            DateOrder::DayFirst
        } else {
            DateOrder::Auto
        };
        Some(format_timestamp(t.resolve(order)?, t.has_time()))
    }

    #[test]
    fn every_family_reads_its_cells() {
        use DateFamily::*;
        let cases = [
            ("2024-01-05", YearFirst(b'-'), "2024-01-05"),
            (
                "2024-01-05T13:30:00",
                YearFirst(b'-'),
                "2024-01-05T13:30:00",
            ),
            ("2024-01-05 13:30", YearFirst(b'-'), "2024-01-05T13:30:00"),
            (
                "2024-01-05T13:30:00+09:00",
                YearFirst(b'-'),
                "2024-01-05T13:30:00",
            ),
            (
                "2024-01-05T13:30:00.250Z",
                YearFirst(b'-'),
                "2024-01-05T13:30:00",
            ),
            ("2024.01.05", YearFirst(b'.'), "2024-01-05"),
            ("2024/1/5", YearFirst(b'/'), "2024-01-05"),
            ("20240105", Compact, "2024-01-05"),
            ("05/01/2024", DayMonth(b'/'), "2024-01-05"),
            ("05.01.2024 08:00", DayMonth(b'.'), "2024-01-05T08:00:00"),
            ("2024년 1월 5일", Korean, "2024-01-05"),
            ("2024년 01월 05일 09:00", Korean, "2024-01-05T09:00:00"),
            ("2024-01", YearMonth(b'-'), "2024-01-01"),
            ("2024Q3", Quarter, "2024-07-01"),
            ("2024-Q4", Quarter, "2024-10-01"),
            ("Q2 2024", Quarter, "2024-04-01"),
            ("2024-W05", IsoWeek, "2024-01-29"),
            ("2021-W01", IsoWeek, "2021-01-04"),
            ("1999", Year, "1999-01-01"),
            ("45296", ExcelSerial, "2024-01-05"),
            ("45296.5", ExcelSerial, "2024-01-05T12:00:00"),
            ("1704412800", UnixSeconds, "2024-01-05"),
            ("1704412800000", UnixMillis, "2024-01-05"),
            ("13:45", TimeOfDay, "1970-01-01T13:45:00"),
        ];
        for (cell, family, expected) in cases {
            assert_eq!(read(cell, family).as_deref(), Some(expected), "{cell}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        use DateFamily::*;
        assert_eq!(read("2023-02-29", YearFirst(b'-')), None);
        assert_eq!(read("2024-13-01", YearFirst(b'-')), None);
        assert_eq!(read("12.5", YearFirst(b'.')), None);
        assert_eq!(read("2024Q5", Quarter), None);
        assert_eq!(read("2024-01-05T25:00", YearFirst(b'-')), None);
        assert_eq!(read("13/13/2024", DayMonth(b'/')), None);
        assert_eq!(read("123", UnixSeconds), None);
    }

    #[test]
    fn detects_a_column_family() {
        let iso = ["2024-01-01", "2024-01-02", ""];
        assert_eq!(
            detect_family(&iso[..2], "x", false),
            Some(DateFamily::YearFirst(b'-'))
        );
        let prices = ["1.5", "2.5", "3.0"];
        assert_eq!(detect_family(&prices, "price", false), None);
        let serials = ["45296", "45297"];
        assert_eq!(detect_family(&serials, "value", false), None);
        assert_eq!(
            detect_family(&serials, "Date", false),
            Some(DateFamily::ExcelSerial)
        );
        let compact = ["20240105", "20240106"];
        assert_eq!(
            detect_family(&compact, "x", true),
            Some(DateFamily::Compact)
        );
        assert_eq!(detect_family(&compact, "x", false), None);
        assert_eq!(
            detect_family(&["1999", "2000"], "year", false),
            Some(DateFamily::Year)
        );
        assert_eq!(
            detect_family(&["10:00", "11:00"], "time", false),
            Some(DateFamily::TimeOfDay)
        );
    }

    #[test]
    fn settles_day_month_order_from_the_whole_column() {
        let cells: Vec<Option<CellTime>> = ["01/02/2024", "13/02/2024"]
            .iter()
            .map(|c| parse_cell(c, DateFamily::DayMonth(b'/')))
            .collect();
        let d = decide_order(&cells, &[2, 3]);
        assert_eq!(d.order, DateOrder::DayFirst);
        assert!(d.reason.contains("line 3"), "{}", d.reason);

        let us: Vec<Option<CellTime>> = ["01/02/2024", "01/13/2024"]
            .iter()
            .map(|c| parse_cell(c, DateFamily::DayMonth(b'/')))
            .collect();
        assert_eq!(decide_order(&us, &[2, 3]).order, DateOrder::MonthFirst);

        // All fields ≤ 12: these rows run forward only when read day-first.
        let ambiguous: Vec<Option<CellTime>> = ["12/01/2024", "01/02/2024", "02/02/2024"]
            .iter()
            .map(|c| parse_cell(c, DateFamily::DayMonth(b'/')))
            .collect();
        let d = decide_order(&ambiguous, &[2, 3, 4]);
        assert_eq!(d.order, DateOrder::DayFirst);
    }

    #[test]
    fn header_hints() {
        for h in [
            "date",
            "Date",
            "trade_date",
            "DATE_TIME",
            "ds",
            "일자",
            "日付",
            "Timestamp",
        ] {
            assert!(header_names_time(h), "{h}");
        }
        for h in ["price", "value", "updates", "kds"] {
            assert!(!header_names_time(h), "{h}");
        }
    }
}

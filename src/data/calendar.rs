//! Calendar arithmetic: ISO time stamps to epoch seconds, and cyclic hour/weekday features.

use std::f64::consts::TAU;

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian), after H. Hinnant.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days in a calendar month (leap years included).
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

fn number<T: std::str::FromStr>(s: &str, digits: std::ops::RangeInclusive<usize>) -> Option<T> {
    if !digits.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `YYYY-MM-DD`, `YYYY/MM/DD` or either followed by `T` or a space and
/// `HH:MM[:SS[.fff]]`, into seconds since the Unix epoch (no time zone: wall-clock time).
/// Returns `None` for anything else; the caller decides whether the column is a time column.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = match text.find(['T', ' ']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let mut parts = date.split(['-', '/']);
    let year: i64 = number(parts.next()?, 4..=4)?;
    let month: u32 = number(parts.next()?, 1..=2)?;
    let day: u32 = number(parts.next()?, 1..=2)?;
    if parts.next().is_some()
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
    {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    if let Some(time) = time {
        let time = time.trim_end_matches('Z');
        let mut hms = time.split(':');
        let hour: i64 = number(hms.next()?, 1..=2)?;
        let minute: i64 = number(hms.next()?, 2..=2)?;
        let second: i64 = match hms.next() {
            Some(s) => number(s.split('.').next()?, 2..=2)?,
            None => 0,
        };
        if hms.next().is_some() || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        seconds += hour * 3_600 + minute * 60 + second;
    }
    Some(seconds)
}

/// Day of week with Monday = 0 … Sunday = 6.
pub fn weekday(epoch_seconds: i64) -> i64 {
    // 1970-01-01 was a Thursday (3 with Monday = 0).
    (epoch_seconds.div_euclid(86_400) + 3).rem_euclid(7)
}

/// Hour of day as a fraction in [0, 24), minutes included.
pub fn hour_of_day(epoch_seconds: i64) -> f64 {
    epoch_seconds.rem_euclid(86_400) as f64 / 3_600.0
}

/// Encodes a position in a cycle of `period` as (sin, cos), so that the end of the cycle sits
/// next to its start. The seed used `sin(2π·hour/23)`, which puts 23:00 on top of 00:00; the
/// period of the hour cycle is 24.
pub fn cyclic(position: f64, period: f64) -> (f64, f64) {
    let angle = TAU * position / period;
    (angle.sin(), angle.cos())
}

/// Civil date (year, month, day) of a day count from 1970-01-01, after H. Hinnant.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Formats epoch seconds as `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` when the time of day
/// matters.
pub fn format_timestamp(epoch_seconds: i64, with_time: bool) -> String {
    let (y, m, d) = civil_from_days(epoch_seconds.div_euclid(86_400));
    if !with_time {
        return format!("{y:04}-{m:02}-{d:02}");
    }
    let s = epoch_seconds.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        s / 3_600,
        s % 3_600 / 60,
        s % 60
    )
}

/// Adds whole calendar months, keeping the day of month where it exists (clamped otherwise).
pub fn add_months(epoch_seconds: i64, months: i64) -> i64 {
    let days = epoch_seconds.div_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let total = y * 12 + (m as i64 - 1) + months;
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    let nd = d.min(days_in_month(ny, nm));
    days_from_civil(ny, nm, nd) * 86_400 + epoch_seconds.rem_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_dates() {
        assert_eq!(parse_timestamp("1970-01-01"), Some(0));
        assert_eq!(parse_timestamp("2000-03-01"), Some(951_868_800));
        assert_eq!(parse_timestamp("2016-10-01T01:00:00"), Some(1_475_283_600));
        assert_eq!(parse_timestamp("2016-10-01 01:00"), Some(1_475_283_600));
        assert_eq!(parse_timestamp("2016/10/01"), parse_timestamp("2016-10-01"));
    }

    #[test]
    fn rejects_non_dates() {
        for bad in [
            "",
            "12.5",
            "2019-02-29",
            "2020-13-01",
            "2020-01-01T25:00",
            "abc",
            "20200101",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_and_month_arithmetic() {
        for text in ["1970-01-01", "2000-02-29", "2024-12-31", "1958-03-29"] {
            assert_eq!(
                format_timestamp(parse_timestamp(text).unwrap(), false),
                text
            );
        }
        assert_eq!(
            format_timestamp(parse_timestamp("2016-10-01T13:05:09").unwrap(), true),
            "2016-10-01T13:05:09"
        );
        let jan31 = parse_timestamp("2021-01-31").unwrap();
        assert_eq!(format_timestamp(add_months(jan31, 1), false), "2021-02-28");
        assert_eq!(format_timestamp(add_months(jan31, 13), false), "2022-02-28");
    }

    #[test]
    fn weekdays() {
        assert_eq!(weekday(0), 3); // Thursday
        assert_eq!(weekday(parse_timestamp("2024-01-01").unwrap()), 0); // Monday
        assert_eq!(weekday(parse_timestamp("2024-01-07T23:59").unwrap()), 6); // Sunday
    }

    #[test]
    fn cyclic_hour_wraps() {
        let (s0, c0) = cyclic(0.0, 24.0);
        let (s24, c24) = cyclic(24.0, 24.0);
        assert!((s0 - s24).abs() < 1e-12 && (c0 - c24).abs() < 1e-12);
        let (s6, c6) = cyclic(6.0, 24.0);
        assert!((s6 - 1.0).abs() < 1e-12 && c6.abs() < 1e-12);
    }
}

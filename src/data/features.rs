//! Calendar features from the time index: sin/cos of hour-of-day (period 24), day-of-week
//! (7), month (12) and day-of-year (365.25), a business-day flag and a holiday flag — each
//! only where the frequency gives it information.

use super::calendar::{civil_from_days, cyclic, days_from_civil, hour_of_day, weekday};
use super::frequency::Frequency;
use super::holidays::Holidays;

/// A named feature column.
pub type Feature = (String, Vec<f64>);

/// Day of the year, 0-based, with the time of day as a fraction.
fn day_of_year(epoch_seconds: i64) -> f64 {
    let day = epoch_seconds.div_euclid(86_400);
    let (year, _, _) = civil_from_days(day);
    (day - days_from_civil(year, 1, 1)) as f64 + epoch_seconds.rem_euclid(86_400) as f64 / 86_400.0
}

/// Month of the year, 0-based.
fn month(epoch_seconds: i64) -> f64 {
    let (_, m, _) = civil_from_days(epoch_seconds.div_euclid(86_400));
    f64::from(m - 1)
}

fn pair(name: &str, stamps: &[i64], position: impl Fn(i64) -> f64, period: f64) -> [Feature; 2] {
    let (sin, cos): (Vec<f64>, Vec<f64>) =
        stamps.iter().map(|t| cyclic(position(*t), period)).unzip();
    [(format!("{name}_sin"), sin), (format!("{name}_cos"), cos)]
}

/// The calendar features that carry information at `frequency`:
/// hour (sub-daily), weekday (up to daily and business-daily), month (all but yearly),
/// day-of-year (daily and finer, weekly), business-day flag (data that has weekends),
/// holiday flag (daily and finer, when there are holidays).
pub fn calendar_features(
    stamps: &[i64],
    frequency: Frequency,
    holidays: &Holidays,
) -> Vec<Feature> {
    let mut out = Vec::new();
    let sub_daily = frequency.has_hours();
    let daily_or_finer = matches!(frequency, Frequency::Seconds(s) if s <= 86_400)
        || frequency == Frequency::BusinessDaily;
    if sub_daily {
        out.extend(pair("hour", stamps, hour_of_day, 24.0));
    }
    if frequency.has_weekdays() {
        out.extend(pair("weekday", stamps, |t| weekday(t) as f64, 7.0));
    }
    let monthly_or_finer = !matches!(
        frequency,
        Frequency::Yearly | Frequency::RowOrder | Frequency::Irregular
    );
    if monthly_or_finer {
        out.extend(pair("month", stamps, month, 12.0));
    }
    if daily_or_finer
        || matches!(
            frequency,
            Frequency::Weekly { .. } | Frequency::Seconds(604_800)
        )
    {
        out.extend(pair("day_of_year", stamps, day_of_year, 365.25));
    }
    let has_weekends = matches!(frequency, Frequency::Seconds(s) if s <= 86_400)
        && stamps.iter().any(|t| weekday(*t) >= 5);
    if has_weekends {
        out.push((
            "business_day".into(),
            stamps
                .iter()
                .map(|t| f64::from(u8::from(weekday(*t) < 5 && !holidays.contains(*t))))
                .collect(),
        ));
    }
    if daily_or_finer && !holidays.is_empty() {
        out.push((
            "holiday".into(),
            stamps
                .iter()
                .map(|t| f64::from(u8::from(holidays.contains(*t))))
                .collect(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::calendar::parse_timestamp;
    use crate::data::holidays::HolidayCalendar;

    fn names(features: &[Feature]) -> Vec<&str> {
        features.iter().map(|(n, _)| n.as_str()).collect()
    }

    #[test]
    fn features_follow_the_frequency() {
        let hourly: Vec<i64> = (0..48).map(|h| 1_704_067_200 + 3_600 * h).collect();
        let f = calendar_features(&hourly, Frequency::Seconds(3_600), &Holidays::default());
        assert_eq!(
            names(&f),
            [
                "hour_sin",
                "hour_cos",
                "weekday_sin",
                "weekday_cos",
                "month_sin",
                "month_cos",
                "day_of_year_sin",
                "day_of_year_cos"
            ]
        );
        let monthly: Vec<i64> = (0..3)
            .map(|m| parse_timestamp(&format!("2024-0{}-01", m + 1)).unwrap())
            .collect();
        let f = calendar_features(
            &monthly,
            Frequency::Monthly {
                anchor: crate::data::frequency::MonthAnchor::Start,
            },
            &Holidays::default(),
        );
        assert_eq!(names(&f), ["month_sin", "month_cos"]);
        assert!((f[0].1[0] - 0.0).abs() < 1e-12 && (f[1].1[0] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn business_day_and_holiday_flags() {
        // Sat 30 Dec 2023 … Tue 2 Jan 2024, with 1 January a Korean holiday.
        let days: Vec<i64> = ["2023-12-30", "2023-12-31", "2024-01-01", "2024-01-02"]
            .iter()
            .map(|d| parse_timestamp(d).unwrap())
            .collect();
        let kr = Holidays::new(HolidayCalendar::Korea, &[]);
        let f = calendar_features(&days, Frequency::Seconds(86_400), &kr);
        let get = |name: &str| f.iter().find(|(n, _)| n == name).unwrap().1.clone();
        assert_eq!(get("business_day"), [0.0, 0.0, 0.0, 1.0]);
        assert_eq!(get("holiday"), [0.0, 0.0, 1.0, 0.0]);
        assert!((day_of_year(days[3]) - 1.0).abs() < 1e-12);
    }
}

//! The spacing of a time index: inferred from the time stamps (sub-hourly … yearly, business
//! days, weekly on a weekday, month start/end), with the gaps where periods are missing.

use serde::{Deserialize, Serialize};

use super::calendar::{add_months, civil_from_days, days_from_civil, days_in_month, weekday};

const DAY: i64 = 86_400;

/// Where in the month monthly (or quarterly) stamps sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MonthAnchor {
    /// The 1st.
    Start,
    /// The last day of the month.
    End,
    /// The same day number every month.
    Day(u8),
}

/// Spacing of the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Frequency {
    /// No time column: rows are taken in file order.
    RowOrder,
    /// A fixed step of this many seconds (sub-daily, daily, every n days).
    Seconds(i64),
    /// Monday to Friday; missing weekdays (holidays) are gaps.
    BusinessDaily,
    /// Every 7 days on one weekday (0 = Monday … 6 = Sunday).
    Weekly {
        /// The weekday, Monday = 0.
        weekday: u8,
    },
    /// Calendar months.
    Monthly {
        /// Day in the month.
        anchor: MonthAnchor,
    },
    /// Calendar quarters.
    Quarterly {
        /// Day in the quarter's month.
        anchor: MonthAnchor,
    },
    /// Calendar years.
    Yearly,
    /// No regular step: the rows are used in time order.
    Irregular,
}

/// A run of missing periods between two consecutive stamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    /// The stamp before the gap.
    pub after: i64,
    /// The stamp after the gap.
    pub before: i64,
    /// Periods missing in between.
    pub missing: usize,
}

/// A frequency with the gaps found under it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inferred {
    /// The spacing.
    pub frequency: Frequency,
    /// Every gap, in time order.
    pub gaps: Vec<Gap>,
    /// Steps that are not whole multiples of the frequency's step (irregular data).
    pub off_grid_steps: usize,
}

impl Inferred {
    /// Total missing periods.
    pub fn missing_periods(&self) -> usize {
        self.gaps.iter().map(|g| g.missing).sum()
    }
}

const WEEKDAYS: [&str; 7] = [
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
];

/// Weekdays (Mon–Fri) in the days `[0, e)` counted from a Monday.
fn weekdays_before(day: i64) -> i64 {
    let e = day + 3; // day 0 (1970-01-01) is a Thursday; e = 0 is a Monday
    5 * e.div_euclid(7) + e.rem_euclid(7).min(5)
}

/// The most common value (the smallest among equals).
fn mode(values: &[i64]) -> Option<i64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let mut best: Option<(i64, usize)> = None;
    let mut i = 0;
    while i < sorted.len() {
        let j = sorted[i..].iter().take_while(|v| **v == sorted[i]).count() + i;
        if best.is_none_or(|(_, n)| j - i > n) {
            best = Some((sorted[i], j - i));
        }
        i = j;
    }
    best.map(|(v, _)| v)
}

/// Gaps when every step should be a whole number of `unit`s (steps measured by `steps`).
fn gaps_in_units(stamps: &[i64], steps: &[i64], unit: i64) -> (Vec<Gap>, usize) {
    let mut gaps = Vec::new();
    let mut off = 0;
    for (i, step) in steps.iter().enumerate() {
        if *step % unit != 0 {
            off += 1;
        } else if *step > unit {
            gaps.push(Gap {
                after: stamps[i],
                before: stamps[i + 1],
                missing: (*step / unit - 1) as usize,
            });
        }
    }
    (gaps, off)
}

/// Weekday-only dates are business-daily when fewer than one business day in this many
/// (present ones counted) is missing (at least 80% present); else they are irregular.
const BUSINESS_COVERAGE_RATIO: usize = 4;

impl Frequency {
    /// Infers the spacing of sorted, distinct time stamps (seconds since the epoch).
    pub fn infer(stamps: &[i64]) -> Inferred {
        let regular = |frequency, (gaps, off_grid_steps)| Inferred {
            frequency,
            gaps,
            off_grid_steps,
        };
        if stamps.len() < 2 {
            return regular(Frequency::Irregular, (Vec::new(), 0));
        }
        let steps: Vec<i64> = stamps.windows(2).map(|w| w[1] - w[0]).collect();
        if stamps.iter().all(|s| s.rem_euclid(DAY) == 0) {
            if let Some(found) = Self::infer_calendar(stamps) {
                return found;
            }
            let days: Vec<i64> = stamps.iter().map(|s| s.div_euclid(DAY)).collect();
            let day_steps: Vec<i64> = steps.iter().map(|s| s / DAY).collect();
            let no_weekends = stamps.iter().all(|s| weekday(*s) < 5);
            let mode_days = mode(&day_steps).unwrap_or(1);
            let skips_weekend = days
                .windows(2)
                .any(|w| w[1] - w[0] - 1 > weekdays_before(w[1]) - weekdays_before(w[0] + 1));
            if no_weekends && mode_days == 1 && skips_weekend {
                let gaps = days
                    .windows(2)
                    .filter_map(|w| {
                        let missing = weekdays_before(w[1]) - weekdays_before(w[0] + 1);
                        (missing > 0).then_some(Gap {
                            after: w[0] * DAY,
                            before: w[1] * DAY,
                            missing: missing as usize,
                        })
                    })
                    .collect::<Vec<Gap>>();
                // An event log on weekdays (only the days something happened) misses a
                // good share of the business days; holidays miss a few percent.
                let missing: usize = gaps.iter().map(|g| g.missing).sum();
                if missing * BUSINESS_COVERAGE_RATIO > stamps.len() {
                    return regular(Frequency::Irregular, (Vec::new(), gaps.len()));
                }
                return regular(Frequency::BusinessDaily, (gaps, 0));
            }
            if mode_days == 7 {
                let first = weekday(stamps[0]);
                if stamps.iter().all(|s| weekday(*s) == first) {
                    return regular(
                        Frequency::Weekly {
                            weekday: first as u8,
                        },
                        gaps_in_units(stamps, &steps, 7 * DAY),
                    );
                }
            }
        }
        let step = mode(&steps).unwrap_or(1).max(1);
        let (gaps, off) = gaps_in_units(stamps, &steps, step);
        if off > 0 {
            return regular(Frequency::Irregular, (Vec::new(), off));
        }
        regular(Frequency::Seconds(step), (gaps, 0))
    }

    /// Monthly, quarterly or yearly when every stamp sits on the same day of its month.
    fn infer_calendar(stamps: &[i64]) -> Option<Inferred> {
        let civil: Vec<(i64, u32, u32)> = stamps
            .iter()
            .map(|s| civil_from_days(s.div_euclid(DAY)))
            .collect();
        let anchor = if civil.iter().all(|c| c.2 == 1) {
            MonthAnchor::Start
        } else if civil.iter().all(|c| c.2 == days_in_month(c.0, c.1)) {
            MonthAnchor::End
        } else if civil.iter().all(|c| c.2 == civil[0].2) {
            MonthAnchor::Day(civil[0].2 as u8)
        } else {
            return None;
        };
        let months: Vec<i64> = civil.iter().map(|c| c.0 * 12 + c.1 as i64 - 1).collect();
        let month_steps: Vec<i64> = months.windows(2).map(|w| w[1] - w[0]).collect();
        let unit = mode(&month_steps)?;
        let frequency = match unit {
            1 => Frequency::Monthly { anchor },
            3 => Frequency::Quarterly { anchor },
            12 => Frequency::Yearly,
            _ => return None,
        };
        let (gaps, off_grid_steps) = gaps_in_units(stamps, &month_steps, unit);
        let gaps = gaps
            .into_iter()
            .map(|g| Gap {
                after: g.after,
                before: g.before,
                missing: g.missing,
            })
            .collect();
        if off_grid_steps > 0 {
            return None;
        }
        Some(Inferred {
            frequency,
            gaps,
            off_grid_steps,
        })
    }

    /// The words a forecaster would use for this frequency.
    pub fn label(&self) -> String {
        let anchor = |a: MonthAnchor, period: &str| match a {
            MonthAnchor::Start => format!("{period} start"),
            MonthAnchor::End => format!("{period} end"),
            MonthAnchor::Day(d) => format!("day {d}"),
        };
        match *self {
            Frequency::RowOrder => "row order (no time column)".into(),
            Frequency::BusinessDaily => "business daily (Mon–Fri)".into(),
            Frequency::Weekly { weekday } => {
                format!("weekly ({})", WEEKDAYS[usize::from(weekday.min(6))])
            }
            Frequency::Monthly { anchor: a } => format!("monthly ({})", anchor(a, "month")),
            Frequency::Quarterly { anchor: a } => format!("quarterly ({})", anchor(a, "quarter")),
            Frequency::Yearly => "yearly".into(),
            Frequency::Irregular => "irregular".into(),
            Frequency::Seconds(s) => match s {
                86_400 => "daily".into(),
                604_800 => "weekly".into(),
                3_600 => "hourly".into(),
                60 => "every minute".into(),
                s if s % 86_400 == 0 => format!("every {} days", s / 86_400),
                s if s % 3_600 == 0 => format!("every {} hours", s / 3_600),
                s if s % 60 == 0 => format!("every {} minutes", s / 60),
                s => format!("every {s} seconds"),
            },
        }
    }

    /// Steps in one season: a week of sub-daily or daily data, a year of weekly, monthly or
    /// quarterly data. Used for the default window ("168 hourly steps, or one season").
    pub fn season(&self) -> Option<usize> {
        match *self {
            Frequency::Seconds(s) if s > 0 && s < DAY && 604_800 % s == 0 => {
                Some((604_800 / s) as usize)
            }
            Frequency::Seconds(DAY) => Some(7),
            Frequency::BusinessDaily => Some(5),
            Frequency::Seconds(604_800) | Frequency::Weekly { .. } => Some(52),
            Frequency::Monthly { .. } => Some(12),
            Frequency::Quarterly { .. } => Some(4),
            _ => None,
        }
    }

    /// A default forecast horizon at this frequency (a day of hours or of half-hours, a
    /// week of days, …): a day of any step from a quarter-hour up that divides it, an hour
    /// of shorter steps (at most 60 of them).
    pub fn default_horizon(&self) -> usize {
        match *self {
            Frequency::Seconds(s) if (900..DAY).contains(&s) && DAY % s == 0 => (DAY / s) as usize,
            Frequency::Seconds(s) if s > 0 && s < 900 && 3_600 % s == 0 => {
                ((3_600 / s) as usize).min(60)
            }
            Frequency::Seconds(DAY) => 7,
            Frequency::BusinessDaily => 23, // the naphtha service's month of business days
            Frequency::Seconds(604_800) | Frequency::Weekly { .. } => 4,
            Frequency::Monthly { .. } => 12,
            Frequency::Quarterly { .. } => 4,
            _ => 1,
        }
    }

    /// Time stamps of the `steps` periods after `last`, or `None` without a regular index.
    pub fn future(&self, last: i64, steps: usize) -> Option<Vec<i64>> {
        let k = 1..=steps as i64;
        let anchored = |months: i64, anchor: MonthAnchor| -> Vec<i64> {
            k.clone()
                .map(|k| {
                    let t = add_months(last, months * k);
                    match anchor {
                        MonthAnchor::End => {
                            let (y, m, _) = civil_from_days(t.div_euclid(DAY));
                            days_from_civil(y, m, days_in_month(y, m)) * DAY + t.rem_euclid(DAY)
                        }
                        _ => t,
                    }
                })
                .collect()
        };
        match *self {
            Frequency::RowOrder | Frequency::Irregular => None,
            Frequency::Seconds(d) => Some(k.map(|k| last + d * k).collect()),
            Frequency::Weekly { .. } => Some(k.map(|k| last + 7 * DAY * k).collect()),
            Frequency::BusinessDaily => {
                let mut out = Vec::with_capacity(steps);
                let mut t = last;
                while out.len() < steps {
                    t += DAY;
                    if weekday(t) < 5 {
                        out.push(t);
                    }
                }
                Some(out)
            }
            Frequency::Monthly { anchor } => Some(anchored(1, anchor)),
            Frequency::Quarterly { anchor } => Some(anchored(3, anchor)),
            Frequency::Yearly => Some(k.map(|k| add_months(last, 12 * k)).collect()),
        }
    }

    /// Whether hour-of-day cyclic features carry information at this frequency.
    pub fn has_hours(&self) -> bool {
        matches!(*self, Frequency::Seconds(s) if s < DAY)
    }

    /// Whether day-of-week cyclic features carry information at this frequency.
    pub fn has_weekdays(&self) -> bool {
        matches!(*self, Frequency::Seconds(s) if s < 604_800) || *self == Frequency::BusinessDaily
    }

    /// Whether stamps carry a time of day worth printing.
    pub fn shows_time(&self) -> bool {
        self.has_hours()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::calendar::{format_timestamp, parse_timestamp};

    fn stamps(texts: &[&str]) -> Vec<i64> {
        texts.iter().map(|t| parse_timestamp(t).unwrap()).collect()
    }

    #[test]
    fn an_event_log_on_weekdays_is_irregular_not_business_daily() {
        // Only the weekdays something happened: consecutive days now and then, many
        // business days with nothing.
        let s = stamps(&[
            "2024-01-02",
            "2024-01-03",
            "2024-01-08",
            "2024-01-09",
            "2024-01-15",
            "2024-01-16",
            "2024-01-24",
            "2024-01-25",
            "2024-02-05",
            "2024-02-06",
        ]);
        let inferred = Frequency::infer(&s);
        assert_eq!(inferred.frequency, Frequency::Irregular);
        assert!(inferred.off_grid_steps > 0);
    }

    #[test]
    fn business_days_with_a_holiday() {
        // Thu 28 Dec 2023, Fri 29, (Mon 1 Jan holiday), Tue 2 Jan, Wed 3.
        let s = stamps(&["2023-12-28", "2023-12-29", "2024-01-02", "2024-01-03"]);
        let inferred = Frequency::infer(&s);
        assert_eq!(inferred.frequency, Frequency::BusinessDaily);
        assert_eq!(inferred.missing_periods(), 1);
        assert_eq!(
            format_timestamp(inferred.gaps[0].after, false),
            "2023-12-29"
        );
        let next = Frequency::BusinessDaily.future(s[3], 3).unwrap();
        let labels: Vec<String> = next.iter().map(|t| format_timestamp(*t, false)).collect();
        assert_eq!(labels, ["2024-01-04", "2024-01-05", "2024-01-08"]);
    }

    #[test]
    fn weekly_on_fridays_with_a_gap() {
        let s = stamps(&["2024-01-05", "2024-01-12", "2024-01-26"]);
        let inferred = Frequency::infer(&s);
        assert_eq!(inferred.frequency, Frequency::Weekly { weekday: 4 });
        assert_eq!(inferred.frequency.label(), "weekly (Fridays)");
        assert_eq!(inferred.missing_periods(), 1);
    }

    #[test]
    fn month_start_end_quarters_years() {
        let start = Frequency::infer(&stamps(&["2024-01-01", "2024-02-01", "2024-04-01"]));
        assert_eq!(
            start.frequency,
            Frequency::Monthly {
                anchor: MonthAnchor::Start
            }
        );
        assert_eq!(start.missing_periods(), 1);
        let end = Frequency::infer(&stamps(&["2024-01-31", "2024-02-29", "2024-03-31"]));
        assert_eq!(end.frequency.label(), "monthly (month end)");
        let next = end
            .frequency
            .future(parse_timestamp("2024-03-31").unwrap(), 2)
            .unwrap();
        assert_eq!(format_timestamp(next[0], false), "2024-04-30");
        assert_eq!(format_timestamp(next[1], false), "2024-05-31");
        let q = Frequency::infer(&stamps(&["2024-01-01", "2024-04-01", "2024-07-01"]));
        assert_eq!(
            q.frequency,
            Frequency::Quarterly {
                anchor: MonthAnchor::Start
            }
        );
        let y = Frequency::infer(&stamps(&["2020-01-01", "2021-01-01", "2023-01-01"]));
        assert_eq!((y.frequency, y.missing_periods()), (Frequency::Yearly, 1));
    }

    #[test]
    fn sub_hourly_daily_and_irregular() {
        let m = Frequency::infer(&stamps(&[
            "2024-01-01T00:00",
            "2024-01-01T00:15",
            "2024-01-01T01:00",
        ]));
        assert_eq!(
            (m.frequency.label().as_str(), m.missing_periods()),
            ("every 15 minutes", 2)
        );
        let d = Frequency::infer(&stamps(&[
            "2024-01-06",
            "2024-01-07",
            "2024-01-08",
            "2024-01-10",
        ]));
        assert_eq!(
            (d.frequency, d.missing_periods()),
            (Frequency::Seconds(DAY), 1)
        );
        let i = Frequency::infer(&stamps(&[
            "2024-01-01T00:00",
            "2024-01-01T00:07",
            "2024-01-01T00:20",
            "2024-01-01T00:27",
        ]));
        assert_eq!(i.frequency, Frequency::Irregular);
        assert!(i.off_grid_steps > 0);
    }

    #[test]
    fn sub_daily_data_forecast_a_day_ahead_by_default() {
        let horizon = |s| Frequency::Seconds(s).default_horizon();
        assert_eq!((horizon(1_800), horizon(900), horizon(3_600)), (48, 96, 24));
        assert_eq!((horizon(300), horizon(60), horizon(7 * 3_600)), (12, 60, 1));
        assert_eq!(horizon(1), 60);
    }
}

//! Limits on how far a forecast may move, as the fuel-price desk caps its published
//! forecasts: a largest change per step, a largest change over the horizon, a band around
//! the last actual, and a floor. They bound the point path and every interval bound alike
//! (each path walked from the last actual), and say which steps they bound, so a capped
//! forecast is never mistaken for the model's own.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::models::stats::{Forecast, Interval};

/// A limit's size: in the series' units, or a percentage of the value it is measured
/// from (the previous step's for a step limit, the last actual's otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Amount {
    /// In the series' units.
    Absolute(f64),
    /// Percent of the reference value's magnitude.
    Percent(f64),
}

/// Why a limit could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LimitError {
    /// Not a number, or a negative one.
    #[error(
        "{what}: '{text}' is not a limit; write a number ≥ 0, optionally with % (e.g. 5 or 2.5%)"
    )]
    NotAnAmount {
        /// Which limit.
        what: &'static str,
        /// What was given.
        text: String,
    },
}

impl Amount {
    /// Parses `5` (units) or `5%` (percent); `what` names the limit in the error.
    ///
    /// # Errors
    /// [`LimitError::NotAnAmount`] for anything else or a negative size.
    pub fn parse(text: &str, what: &'static str) -> Result<Amount, LimitError> {
        let t = text.trim();
        let bad = || LimitError::NotAnAmount {
            what,
            text: text.to_string(),
        };
        let (number, percent) = match t.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (t, false),
        };
        let v: f64 = number.parse().map_err(|_| bad())?;
        if !(v.is_finite() && v >= 0.0) {
            return Err(bad());
        }
        Ok(if percent {
            Amount::Percent(v)
        } else {
            Amount::Absolute(v)
        })
    }

    /// The size measured from `reference`.
    fn size(&self, reference: f64) -> f64 {
        match *self {
            Amount::Absolute(v) => v,
            Amount::Percent(p) => reference.abs() * p / 100.0,
        }
    }
}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Amount::Absolute(v) => write!(f, "{v}"),
            Amount::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// The limits a forecast is held to; none by default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MoveLimits {
    /// Largest change from one step to the next (the first from the last actual).
    #[serde(default)]
    pub step: Option<Amount>,
    /// Largest change from the last actual at any step.
    #[serde(default)]
    pub total: Option<Amount>,
    /// Half-width of a band around the last actual, in percent of it.
    #[serde(default)]
    pub band: Option<f64>,
    /// Smallest value (0 for prices and volumes).
    #[serde(default)]
    pub floor: Option<f64>,
}

impl MoveLimits {
    /// The limits from their texts as typed (an empty text sets none): `step` and `total`
    /// as amounts (`5` or `5%`), `band` a percentage (`50` or `50%`), `floor` a number.
    ///
    /// # Errors
    /// [`LimitError::NotAnAmount`] naming the field that does not read.
    pub fn parse(step: &str, total: &str, band: &str, floor: &str) -> Result<Self, LimitError> {
        let amount = |text: &str, what| {
            (!text.trim().is_empty())
                .then(|| Amount::parse(text, what))
                .transpose()
        };
        let band = amount(band, "band")?.map(|a| match a {
            Amount::Absolute(v) | Amount::Percent(v) => v,
        });
        let floor = if floor.trim().is_empty() {
            None
        } else {
            let v: f64 = floor.trim().parse().map_err(|_| LimitError::NotAnAmount {
                what: "floor",
                text: floor.to_string(),
            })?;
            if !v.is_finite() {
                return Err(LimitError::NotAnAmount {
                    what: "floor",
                    text: floor.to_string(),
                });
            }
            Some(v)
        };
        Ok(MoveLimits {
            step: amount(step, "limit-step")?,
            total: amount(total, "limit-total")?,
            band,
            floor,
        })
    }

    /// Whether any limit is set.
    pub fn is_empty(&self) -> bool {
        self.step.is_none() && self.total.is_none() && self.band.is_none() && self.floor.is_none()
    }

    /// Holds `forecast` (from an origin whose last actual is `last`) to the limits: the
    /// point path and each interval bound, every path walked from `last`; the bounds then
    /// still enclose the point. Returns the steps (1-based) whose point a limit moved.
    pub fn apply(&self, last: f64, forecast: &mut Forecast) -> Vec<usize> {
        if self.is_empty() || !last.is_finite() {
            return vec![];
        }
        let before = forecast.point.clone();
        self.hold(last, &mut forecast.point);
        self.apply_to_intervals(last, &forecast.point, &mut forecast.intervals);
        before
            .iter()
            .zip(&forecast.point)
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(h, _)| h + 1)
            .collect()
    }

    /// Holds interval bounds (e.g. conformal ones) to the limits around an already held
    /// `point`.
    pub fn apply_to_intervals(&self, last: f64, point: &[f64], intervals: &mut [Interval]) {
        if self.is_empty() || !last.is_finite() {
            return;
        }
        for interval in intervals {
            self.hold(last, &mut interval.lower);
            self.hold(last, &mut interval.upper);
            for ((lo, hi), p) in interval
                .lower
                .iter_mut()
                .zip(interval.upper.iter_mut())
                .zip(point)
            {
                *lo = lo.min(*p);
                *hi = hi.max(*p);
            }
        }
    }

    /// One path held to the limits, step by step from `last`.
    fn hold(&self, last: f64, path: &mut [f64]) {
        // Sizes below zero (only a hand-written request could hold them) count as zero, so
        // every range stays ordered.
        let (mut low, mut high) = (f64::NEG_INFINITY, f64::INFINITY);
        if let Some(total) = self.total {
            let t = total.size(last).max(0.0);
            (low, high) = (low.max(last - t), high.min(last + t));
        }
        if let Some(band) = self.band {
            let b = (last.abs() * band / 100.0).max(0.0);
            (low, high) = (low.max(last - b), high.min(last + b));
        }
        if let Some(floor) = self.floor.filter(|f| f.is_finite()) {
            low = low.max(floor);
            high = high.max(low);
        }
        let mut previous = last;
        for v in path.iter_mut() {
            if !v.is_finite() {
                continue;
            }
            if let Some(step) = self.step {
                let s = step.size(previous).max(0.0);
                *v = v.clamp(previous - s, previous + s);
            }
            *v = v.clamp(low, high);
            previous = *v;
        }
    }

    /// The limits in words, for reports: `step ≤ 5%, total ≤ 20, band ±50%, floor 0`.
    pub fn describe(&self) -> String {
        let mut parts = vec![];
        if let Some(s) = self.step {
            parts.push(format!("step ≤ {s}"));
        }
        if let Some(t) = self.total {
            parts.push(format!("total ≤ {t}"));
        }
        if let Some(b) = self.band {
            parts.push(format!("band ±{b}%"));
        }
        if let Some(f) = self.floor {
            parts.push(format!("floor {f}"));
        }
        parts.join(", ")
    }
}

/// Steps (1-based, ascending) as runs, for reports: `1-3, 7`.
pub fn step_runs(steps: &[usize]) -> String {
    let mut runs: Vec<(usize, usize)> = vec![];
    for &s in steps {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == s => *end = s,
            _ => runs.push((s, s)),
        }
    }
    runs.iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forecast(point: Vec<f64>) -> Forecast {
        let lower = point.iter().map(|p| p - 10.0).collect();
        let upper = point.iter().map(|p| p + 10.0).collect();
        Forecast {
            point,
            intervals: vec![Interval {
                level: 95.0,
                lower,
                upper,
            }],
        }
    }

    #[test]
    fn amounts_parse_in_units_or_percent_and_refuse_the_rest() {
        assert_eq!(Amount::parse(" 5 ", "step"), Ok(Amount::Absolute(5.0)));
        assert_eq!(Amount::parse("2.5%", "step"), Ok(Amount::Percent(2.5)));
        for bad in ["", "-1", "five", "%", "nan"] {
            let e = Amount::parse(bad, "limit-step").unwrap_err();
            assert!(e.to_string().starts_with("limit-step:"), "{e}");
        }
    }

    #[test]
    fn each_limit_bounds_the_path_and_says_where() {
        let last = 100.0;
        let step = MoveLimits {
            step: Some(Amount::Percent(10.0)),
            ..MoveLimits::default()
        };
        let mut f = forecast(vec![130.0, 135.0, 100.0]);
        // 100 → at most 110 → at most 121 → at least 121 − 12.1.
        assert_eq!(step.apply(last, &mut f), vec![1, 2, 3]);
        for (p, want) in f.point.iter().zip([110.0, 121.0, 108.9]) {
            assert!((p - want).abs() < 1e-9, "{:?}", f.point);
        }
        let i = &f.intervals[0];
        assert!(i.lower.iter().zip(&f.point).all(|(l, p)| l <= p));
        assert!(i.upper.iter().zip(&f.point).all(|(u, p)| u >= p));
        // The upper bound walks from the last actual too.
        assert_eq!(i.upper[0], 110.0);

        let total = MoveLimits {
            total: Some(Amount::Absolute(5.0)),
            floor: Some(0.0),
            ..MoveLimits::default()
        };
        let mut f = forecast(vec![103.0, 90.0]);
        assert_eq!(total.apply(last, &mut f), vec![2]);
        assert_eq!(f.point, vec![103.0, 95.0]);

        let band = MoveLimits {
            band: Some(50.0),
            floor: Some(0.0),
            ..MoveLimits::default()
        };
        let mut f = forecast(vec![20.0, 160.0, 60.0]);
        assert_eq!(band.apply(last, &mut f), vec![1, 2]);
        assert_eq!(f.point, vec![50.0, 150.0, 60.0]);
        let floor = MoveLimits {
            floor: Some(0.0),
            ..MoveLimits::default()
        };
        let mut f = forecast(vec![3.0, -2.0]);
        assert_eq!(floor.apply(5.0, &mut f), vec![2]);
        assert_eq!(f.point, vec![3.0, 0.0]);
        assert_eq!(f.intervals[0].lower, vec![0.0, 0.0]);
        // Typed limits: empty fields set none; the band reads with or without %.
        assert_eq!(
            MoveLimits::parse("", " ", "", ""),
            Ok(MoveLimits::default())
        );
        let typed = MoveLimits::parse("5%", "20", "50", "-1.5").unwrap();
        assert_eq!(
            typed.describe(),
            "step ≤ 5%, total ≤ 20, band ±50%, floor -1.5"
        );
        assert!(
            MoveLimits::parse("", "", "", "zero")
                .unwrap_err()
                .to_string()
                .starts_with("floor:")
        );
        assert!(
            MoveLimits::parse("", "x", "", "")
                .unwrap_err()
                .to_string()
                .starts_with("limit-total:")
        );
        assert_eq!(step_runs(&[1, 2, 3, 7, 9, 10]), "1-3, 7, 9-10");
        // No limits: nothing moves.
        let mut f = forecast(vec![1e9]);
        assert!(MoveLimits::default().apply(last, &mut f).is_empty());
        assert_eq!(
            MoveLimits {
                step: Some(Amount::Percent(5.0)),
                total: Some(Amount::Absolute(20.0)),
                band: Some(50.0),
                floor: Some(0.0),
            }
            .describe(),
            "step ≤ 5%, total ≤ 20, band ±50%, floor 0"
        );
    }
}

//! Prophet's time line: the points' stamps (extended past the data by its frequency),
//! its automatic seasonalities and their Fourier terms, and its changepoint grid's rounding.

use std::sync::Arc;

use super::NAME;
use crate::data::Frequency;
use crate::models::stats::StatsError;

/// Seconds in a day: Prophet counts time in days.
pub const DAY: f64 = 86_400.0;

/// The points' time line: stamps (seconds since the epoch) for the fitted points and
/// possibly later ones, and the frequency that extends it past its end.
#[derive(Debug, Clone)]
pub struct TimeLine {
    stamps: Arc<Vec<i64>>,
    frequency: Option<Frequency>,
}

impl TimeLine {
    /// Stamps aligned with the series from its first point (possibly running past its end),
    /// and the frequency that extends them.
    pub fn new(stamps: Vec<i64>, frequency: Option<Frequency>) -> Self {
        TimeLine {
            stamps: Arc::new(stamps),
            frequency,
        }
    }

    /// Days since the epoch of points `from..from + count`, extended by the frequency past
    /// the stamps' end.
    pub(super) fn days(&self, from: usize, count: usize) -> Result<Vec<f64>, StatsError> {
        let known = self.stamps.len().saturating_sub(from).min(count);
        let mut out: Vec<f64> = self
            .stamps
            .get(from..from + known)
            .unwrap_or(&[])
            .iter()
            .map(|&s| s as f64 / DAY)
            .collect();
        if known < count {
            let last = *self.stamps.last().ok_or_else(no_stamps)?;
            let past_end = from + count - self.stamps.len();
            let more = self
                .frequency
                .as_ref()
                .and_then(|f| f.future(last, past_end))
                .ok_or_else(no_stamps)?;
            let skip = from.saturating_sub(self.stamps.len());
            out.extend(more[skip..].iter().map(|&s| s as f64 / DAY));
        }
        Ok(out)
    }

    /// Points with a stamp.
    pub fn len(&self) -> usize {
        self.stamps.len()
    }

    /// Whether no point has a stamp.
    pub fn is_empty(&self) -> bool {
        self.stamps.is_empty()
    }

    pub(super) fn stamp_at(&self, day: f64) -> i64 {
        (day * DAY).round() as i64
    }
}

fn no_stamps() -> StatsError {
    StatsError::InvalidSpec(format!(
        "{NAME} needs the time stamps of the forecast steps; the data's frequency does not \
         extend them (irregular or row-order data)"
    ))
}

/// One Fourier seasonality: period in days and order (pairs of terms).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seasonality {
    /// Period in days (365.25, 7, 1).
    pub period: f64,
    /// Sine–cosine pairs.
    pub order: usize,
}

/// Prophet's automatic seasonalities for points at `days`: yearly (order 10) with two
/// years of history, weekly (3) with two weeks and spacing under a week, daily (4) with
/// two days and spacing under a day.
pub fn auto_seasonalities(days: &[f64]) -> Vec<Seasonality> {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return vec![];
    };
    let span = last - first;
    let min_step = days
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|d| *d > 0.0)
        .fold(f64::INFINITY, f64::min);
    let mut out = vec![];
    if span >= 730.0 {
        out.push(Seasonality {
            period: 365.25,
            order: 10,
        });
    }
    if span >= 14.0 && min_step < 7.0 {
        out.push(Seasonality {
            period: 7.0,
            order: 3,
        });
    }
    if span >= 2.0 && min_step < 1.0 {
        out.push(Seasonality {
            period: 1.0,
            order: 4,
        });
    }
    out
}

/// numpy's `round` (half to even), as Prophet places its changepoints.
pub(super) fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

pub(super) fn fourier(day: f64, seasonalities: &[Seasonality]) -> Vec<f64> {
    let mut x = vec![];
    for s in seasonalities {
        for i in 1..=s.order {
            let c = std::f64::consts::TAU * day * i as f64 / s.period;
            x.push(c.sin());
            x.push(c.cos());
        }
    }
    x
}

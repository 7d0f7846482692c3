//! Missing values, filled by an explicit strategy. Filled points are marked, so the target's
//! filled points are never scored as if they had been observed.

use serde::{Deserialize, Serialize};

/// How missing cells of a model's columns are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FillStrategy {
    /// Drop rows where any used column is missing (windows then run over the rows that are
    /// left).
    Drop,
    /// Carry the last value forward (the first values backward).
    #[default]
    ForwardFill,
    /// Linear in time between the neighbouring observed values (by time stamp, or by row
    /// without a time index); ends take the nearest value.
    Linear,
    /// The value one season earlier (or later) when observed there, else linear.
    Seasonal,
}

impl FillStrategy {
    /// Reads `drop`, `ffill` / `forward`, `linear`, `seasonal`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "drop" => Some(FillStrategy::Drop),
            "ffill" | "forward" | "forward-fill" | "forward_fill" => {
                Some(FillStrategy::ForwardFill)
            }
            "linear" | "interpolate" => Some(FillStrategy::Linear),
            "seasonal" => Some(FillStrategy::Seasonal),
            _ => None,
        }
    }

    /// The name used in settings and the UI.
    pub fn name(self) -> &'static str {
        match self {
            FillStrategy::Drop => "drop",
            FillStrategy::ForwardFill => "ffill",
            FillStrategy::Linear => "linear",
            FillStrategy::Seasonal => "seasonal",
        }
    }
}

/// Fills `values` in place (for every strategy but [`FillStrategy::Drop`], which the caller
/// applies to whole rows). `positions` are the time stamps (or row numbers) of the values;
/// `season` is the number of rows in one season. Returns the mask of filled cells.
pub fn fill(
    values: &mut [f64],
    positions: &[f64],
    strategy: FillStrategy,
    season: Option<usize>,
) -> Vec<bool> {
    let filled: Vec<bool> = values.iter().map(|v| v.is_nan()).collect();
    if !filled.iter().any(|f| *f) || values.iter().all(|v| v.is_nan()) {
        return filled;
    }
    match strategy {
        FillStrategy::Drop => return vec![false; values.len()],
        FillStrategy::ForwardFill => forward_fill(values),
        FillStrategy::Linear => linear(values, positions),
        FillStrategy::Seasonal => {
            if let Some(season) = season.filter(|s| *s > 0 && *s < values.len()) {
                // Forward through the rows, so a gap two seasons long takes the last
                // observed season's value.
                let observed: Vec<f64> = values.to_vec();
                for i in 0..values.len() {
                    if observed[i].is_nan() {
                        let before = i.checked_sub(season).map(|j| values[j]);
                        let after = observed.get(i + season).copied();
                        if let Some(v) = before
                            .filter(|v| !v.is_nan())
                            .or(after.filter(|v| !v.is_nan()))
                        {
                            values[i] = v;
                        }
                    }
                }
            }
            linear(values, positions);
        }
    }
    filled
}

fn forward_fill(values: &mut [f64]) {
    let mut last = None;
    for v in values.iter_mut() {
        if v.is_nan() {
            if let Some(l) = last {
                *v = l;
            }
        } else {
            last = Some(*v);
        }
    }
    if let Some(first) = values.iter().copied().find(|v| !v.is_nan()) {
        for v in values.iter_mut().take_while(|v| v.is_nan()) {
            *v = first;
        }
    }
}

/// Linear interpolation over `positions`; leading and trailing gaps take the nearest value.
fn linear(values: &mut [f64], positions: &[f64]) {
    let known: Vec<usize> = (0..values.len()).filter(|&i| !values[i].is_nan()).collect();
    let (Some(&first), Some(&last)) = (known.first(), known.last()) else {
        return;
    };
    for i in 0..first {
        values[i] = values[first];
    }
    for i in last + 1..values.len() {
        values[i] = values[last];
    }
    for pair in known.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let span = positions[b] - positions[a];
        for i in a + 1..b {
            let t = if span > 0.0 {
                (positions[i] - positions[a]) / span
            } else {
                (i - a) as f64 / (b - a) as f64
            };
            values[i] = values[a] + (values[b] - values[a]) * t;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAN: f64 = f64::NAN;

    #[test]
    fn forward_fill_marks_what_it_filled() {
        let mut v = [NAN, 1.0, NAN, 3.0, NAN];
        let mask = fill(
            &mut v,
            &[0., 1., 2., 3., 4.],
            FillStrategy::ForwardFill,
            None,
        );
        assert_eq!(v, [1.0, 1.0, 1.0, 3.0, 3.0]);
        assert_eq!(mask, [true, false, true, false, true]);
    }

    #[test]
    fn linear_is_time_aware() {
        // pandas: Series([0, nan, 10], index=[t0, t0+1h, t0+4h]).interpolate("time") → 2.5
        let mut v = [0.0, NAN, 10.0];
        fill(&mut v, &[0.0, 3600.0, 14400.0], FillStrategy::Linear, None);
        assert_eq!(v, [0.0, 2.5, 10.0]);
        let mut ends = [NAN, 2.0, NAN, 4.0, NAN];
        fill(&mut ends, &[0., 1., 2., 3., 4.], FillStrategy::Linear, None);
        assert_eq!(ends, [2.0, 2.0, 3.0, 4.0, 4.0]);
    }

    #[test]
    fn seasonal_takes_last_season_then_interpolates() {
        let mut v = [1.0, 10.0, 2.0, NAN, 3.0, NAN];
        let pos = [0., 1., 2., 3., 4., 5.];
        fill(&mut v, &pos, FillStrategy::Seasonal, Some(2));
        assert_eq!(v, [1.0, 10.0, 2.0, 10.0, 3.0, 10.0]);
        let mut none_a_season_away = [NAN, 1.0, 3.0];
        fill(
            &mut none_a_season_away,
            &[0., 1., 2.],
            FillStrategy::Seasonal,
            Some(2),
        );
        assert_eq!(none_a_season_away, [3.0, 1.0, 3.0]);
    }

    #[test]
    fn names() {
        for s in [
            FillStrategy::Drop,
            FillStrategy::ForwardFill,
            FillStrategy::Linear,
            FillStrategy::Seasonal,
        ] {
            assert_eq!(FillStrategy::from_name(s.name()), Some(s));
        }
    }
}

//! Scalers fitted on the training part only, with exact inverses: min-max, the process model's
//! extended min-max (range widened per column, optionally floored at 0), standard and robust.
//! All are affine, `(x - offset) / scale`, and serialise (they are saved with models).

use serde::{Deserialize, Serialize};

/// Which scaling a column gets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScalerKind {
    /// `[min, max]` of the training part → `[0, 1]` (sklearn `MinMaxScaler`).
    #[default]
    MinMax,
    /// Min-max over a range widened by `widen` × range on both sides, so later values beyond
    /// the training range stay inside `[0, 1]`; with `floor_at_zero` the lower end is not
    /// taken below 0 (for quantities that cannot be negative).
    ExtendedMinMax {
        /// Widening ratio of the range on each side (0.1 = 10%).
        widen: f64,
        /// Keep the lower end at 0 or above.
        floor_at_zero: bool,
    },
    /// Zero mean, unit (population) standard deviation (sklearn `StandardScaler`).
    Standard,
    /// Median to 0, inter-quartile range to 1 (sklearn `RobustScaler`).
    Robust,
}

impl ScalerKind {
    /// Reads `minmax`, `extended[:widen[:floor]]`, `standard`, `robust`.
    pub fn from_name(name: &str) -> Option<Self> {
        let mut parts = name.trim().split(':');
        match parts.next()?.to_ascii_lowercase().as_str() {
            "minmax" | "min-max" => Some(ScalerKind::MinMax),
            "standard" | "zscore" => Some(ScalerKind::Standard),
            "robust" => Some(ScalerKind::Robust),
            "extended" | "extended-minmax" => {
                let widen = match parts.next() {
                    Some(w) => w
                        .parse()
                        .ok()
                        .filter(|w: &f64| w.is_finite() && *w >= 0.0)?,
                    None => 0.1,
                };
                let floor_at_zero = matches!(parts.next(), Some("floor" | "floor0" | "0"));
                Some(ScalerKind::ExtendedMinMax {
                    widen,
                    floor_at_zero,
                })
            }
            _ => None,
        }
    }
}

/// A fitted affine scaler: `transform(x) = (x - offset) / scale`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    /// What kind it is.
    pub kind: ScalerKind,
    /// Subtracted first.
    pub offset: f64,
    /// Divided by after; never 0.
    pub scale: f64,
}

/// Linear-interpolation quantile of sorted values (numpy's default).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

impl Scaler {
    /// Fits on the finite values of `values` (the training part). A constant or empty
    /// column gets a scale of 1, so it maps to 0 instead of dividing by zero.
    pub fn fit(kind: ScalerKind, values: &[f64]) -> Self {
        let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if finite.is_empty() {
            return Scaler {
                kind,
                offset: 0.0,
                scale: 1.0,
            };
        }
        let (offset, scale) = match kind {
            ScalerKind::MinMax | ScalerKind::ExtendedMinMax { .. } => {
                let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
                let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let (mut lo, mut hi) = (min, max);
                if let ScalerKind::ExtendedMinMax {
                    widen,
                    floor_at_zero,
                } = kind
                {
                    lo = min - widen * (max - min);
                    hi = max + widen * (max - min);
                    if floor_at_zero && min >= 0.0 {
                        lo = lo.max(0.0);
                    }
                }
                (lo, hi - lo)
            }
            ScalerKind::Standard => {
                let n = finite.len() as f64;
                let mean = finite.iter().sum::<f64>() / n;
                let var = finite.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
                (mean, var.sqrt())
            }
            ScalerKind::Robust => {
                finite.sort_by(f64::total_cmp);
                let median = quantile(&finite, 0.5);
                (median, quantile(&finite, 0.75) - quantile(&finite, 0.25))
            }
        };
        let scale = if scale.abs() < f64::EPSILON * offset.abs().max(1.0) {
            1.0
        } else {
            scale
        };
        Scaler {
            kind,
            offset,
            scale,
        }
    }

    /// Scales one value.
    pub fn transform(&self, value: f64) -> f64 {
        (value - self.offset) / self.scale
    }

    /// Maps a scaled value back to the data's own units (points and interval bounds alike).
    pub fn inverse(&self, scaled: f64) -> f64 {
        scaled * self.scale + self.offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Air passengers, the first 30 months (../shared/data/air_passengers_monthly.csv).
    const PASSENGERS: [f64; 30] = [
        112., 118., 132., 129., 121., 135., 148., 148., 136., 119., 104., 118., 115., 126., 141.,
        135., 125., 149., 170., 170., 158., 133., 114., 140., 145., 150., 178., 163., 172., 178.,
    ];

    /// sklearn 1.9.1 `fit(x).transform([[100], [150], [200]])` on the same data.
    #[test]
    fn matches_sklearn() {
        let cases = [
            (
                ScalerKind::Standard,
                [-1.9103418573579436, 0.5139498397968068, 2.938241536951557],
            ),
            (
                ScalerKind::Robust,
                [-1.2792792792792793, 0.5225225225225225, 2.324324324324324],
            ),
            (
                ScalerKind::MinMax,
                [-0.05405405405405417, 0.6216216216216217, 1.2972972972972971],
            ),
        ];
        for (kind, expected) in cases {
            let s = Scaler::fit(kind, &PASSENGERS);
            for (x, want) in [100.0, 150.0, 200.0].iter().zip(expected) {
                assert!((s.transform(*x) - want).abs() < 1e-12, "{kind:?} {x}");
                assert!((s.inverse(s.transform(*x)) - x).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn extended_min_max_widens_and_floors() {
        let s = Scaler::fit(
            ScalerKind::ExtendedMinMax {
                widen: 0.25,
                floor_at_zero: false,
            },
            &[2.0, 6.0],
        );
        assert_eq!((s.offset, s.scale), (1.0, 6.0));
        assert_eq!(s.transform(7.0), 1.0);
        let floored = Scaler::fit(
            ScalerKind::ExtendedMinMax {
                widen: 1.0,
                floor_at_zero: true,
            },
            &[2.0, 6.0, f64::NAN],
        );
        assert_eq!((floored.offset, floored.scale), (0.0, 10.0));
        assert_eq!(
            ScalerKind::from_name("extended:0.2:floor"),
            Some(ScalerKind::ExtendedMinMax {
                widen: 0.2,
                floor_at_zero: true
            })
        );
    }

    #[test]
    fn constant_column_maps_to_zero_and_round_trips_through_json() {
        let s = Scaler::fit(ScalerKind::Standard, &[3.0, 3.0]);
        assert_eq!(s.transform(3.0), 0.0);
        assert_eq!(s.inverse(0.0), 3.0);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Scaler>(&json).unwrap(), s);
    }
}

//! Min-max scaling to [0, 1], fitted on the training part only, with its inverse.

use serde::{Deserialize, Serialize};

/// Maps `x` to `(x - min) / (max - min)`; fitted on training rows so that no information
/// from validation or test rows leaks into the model's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MinMaxScaler {
    /// Smallest training value.
    pub min: f64,
    /// Largest training value.
    pub max: f64,
}

impl MinMaxScaler {
    /// Fits on the finite values of `values`. A constant (or empty) column gets a range of 1
    /// so that it maps to 0 instead of dividing by zero.
    pub fn fit(values: &[f64]) -> Self {
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.iter().copied().filter(|v| v.is_finite()) {
            min = min.min(v);
            max = max.max(v);
        }
        if !min.is_finite() {
            return MinMaxScaler { min: 0.0, max: 1.0 };
        }
        if max - min < f64::EPSILON * min.abs().max(1.0) {
            max = min + 1.0;
        }
        MinMaxScaler { min, max }
    }

    /// Scales one value.
    pub fn transform(&self, value: f64) -> f64 {
        (value - self.min) / (self.max - self.min)
    }

    /// Maps a scaled value back to the data's own units.
    pub fn inverse(&self, scaled: f64) -> f64 {
        scaled * (self.max - self.min) + self.min
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_range() {
        let s = MinMaxScaler::fit(&[2.0, 4.0, f64::NAN, 6.0]);
        assert_eq!((s.min, s.max), (2.0, 6.0));
        assert_eq!(s.transform(4.0), 0.5);
        assert_eq!(s.transform(8.0), 1.5); // values outside the training range are not clipped
        for v in [-3.0, 2.0, 5.5, 100.0] {
            assert!((s.inverse(s.transform(v)) - v).abs() < 1e-12);
        }
    }

    #[test]
    fn constant_column_maps_to_zero() {
        let s = MinMaxScaler::fit(&[3.0, 3.0]);
        assert_eq!(s.transform(3.0), 0.0);
        assert_eq!(s.inverse(0.0), 3.0);
    }
}

//! JSON has no NaN: missing values (`NaN`) cross the page/worker boundary as `null` and come
//! back as `NaN`. Use with `#[serde(with = "crate::data::json::nan_as_null")]`.

/// `Vec<f64>` with `NaN` (and ±∞) written as `null`.
pub mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes non-finite values as `null`.
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(values: &[f64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(values.iter().map(|v| v.is_finite().then_some(*v)))
    }

    /// Reads `null` as `NaN`.
    ///
    /// # Errors
    /// The deserializer's.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        let values: Vec<Option<f64>> = Deserialize::deserialize(d)?;
        Ok(values.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize)]
    struct Row {
        #[serde(with = "super::nan_as_null")]
        values: Vec<f64>,
    }

    #[test]
    fn nan_round_trips_as_null() {
        let json = serde_json::to_string(&Row {
            values: vec![1.5, f64::NAN],
        })
        .unwrap();
        assert_eq!(json, r#"{"values":[1.5,null]}"#);
        let back: Row = serde_json::from_str(&json).unwrap();
        assert_eq!(back.values[0], 1.5);
        assert!(back.values[1].is_nan());
    }
}

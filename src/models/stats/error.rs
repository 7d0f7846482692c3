//! Why a statistical model could not be fitted or could not forecast.

use thiserror::Error;

/// A statistical model's failure on the given series; the leaderboard shows it in the model's
/// row while the other models still run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StatsError {
    /// The series has fewer points than the model needs.
    #[error("{model} needs at least {needed} points; the series has {got}")]
    TooShort {
        /// Model label.
        model: String,
        /// Points needed.
        needed: usize,
        /// Points given.
        got: usize,
    },
    /// The series has missing (NaN) values; fill them first (Fill: forward / linear /
    /// seasonal).
    #[error(
        "{model} cannot use missing values: {count} in the target, the first at point {index}; choose a fill method"
    )]
    MissingValues {
        /// Model label.
        model: String,
        /// 0-based index of the first missing point.
        index: usize,
        /// How many points are missing.
        count: usize,
    },
    /// The series does not change, so the model's scale cannot be estimated.
    #[error("{model} cannot be fitted to a constant series (every value is {value})")]
    ConstantSeries {
        /// Model label.
        model: String,
        /// The constant value.
        value: f64,
    },
    /// A multiplicative model met a zero or negative value.
    #[error(
        "{model} needs strictly positive values; point {index} is {value} (use an additive form)"
    )]
    NonPositive {
        /// Model label.
        model: String,
        /// 0-based index of the first offending point.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// The optimiser stopped without reaching a finite optimum.
    #[error("{model} did not converge: {reason}")]
    NotConverged {
        /// Model label.
        model: String,
        /// What happened.
        reason: String,
    },
    /// A seasonal model was asked for without a season (a season length under 2).
    #[error("{model} needs a season length of 2 or more; the season length is {season}")]
    NeedsSeason {
        /// Model label.
        model: String,
        /// The season length given.
        season: usize,
    },
    /// The model specification is not valid (order, season, level…).
    #[error("invalid model specification: {0}")]
    InvalidSpec(String),
}

impl StatsError {
    /// The setting that would fix the error, in the data's terms (`season`), where one
    /// does; the shells name their own flag or field for it.
    pub fn setting(&self) -> Option<&'static str> {
        match self {
            StatsError::NeedsSeason { .. } => Some("season"),
            StatsError::MissingValues { .. } => Some("fill"),
            _ => None,
        }
    }
}

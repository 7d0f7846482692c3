//! Evaluation: accuracy metrics in the data's own units, and the scoring of forecasts
//! against what happened (a model's row of the leaderboard, the pick).
//!
//! Nothing here fits or runs a model: the backtest loop that produces the forecasts is
//! [`crate::forecast::backtest`].

pub mod metrics;
pub mod score;
pub mod select;

pub use metrics::{Context, IntervalScore, Metrics};
pub use score::{
    FeatureShare, FoldScore, Member, ModelScore, Part, Response, RowScorer, WeightsAt,
};
pub use select::{Selection, select};

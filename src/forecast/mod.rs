//! One face for every model, and one backtest loop behind it.
//!
//! A [`ModelSpec`] (serialisable: what tuning and the registry store) is fitted on a
//! training range of a [`SeriesData`] — the target, covariates flagged as known in the
//! future or not, the calendar that comes with the time index — into a [`FittedModel`],
//! which forecasts `h` steps from the end of its training data with intervals at chosen
//! levels and reports its size. The statistical models and the LSTM implement it; a new
//! family adds a variant to [`ModelSpec`], its fit in its own file here, and an entry in
//! [`catalog`].
//!
//! [`plan`] says where and how a backtest scores (folds, window, hold-out, refit policy);
//! [`backtest`] is the one rolling-origin loop (expanding or sliding window, a step
//! between origins, a final hold-out, fitting afresh at every origin or every n-th and
//! conditioning the last fit on the new points in between); the leaderboard
//! ([`request`]), the CLI and the worker all run it.

pub mod backtest;
pub mod catalog;
pub mod conformal;
pub mod ensemble;
pub mod fitted;
pub mod grouped;
pub mod hybrid;
pub mod limits;
pub mod lstm;
pub mod plan;
pub mod request;
pub mod series;

pub use backtest::{
    BacktestError, BacktestPlan, LONG_TRAINING, Leaderboard, Refit, TrainingWindow,
};
pub use catalog::ModelSpec;
pub use fitted::{FitContext, FitError, FittedModel};
pub use request::{LeaderboardRequest, Planned, run_leaderboard};
pub use series::{Covariate, SeriesData};

pub use crate::models::stats::{Forecast, Interval};

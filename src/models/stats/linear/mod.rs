//! Penalised linear models: ridge, the lasso and the elastic net, as solvers
//! ([`penalised`], matched to scikit-learn) and as forecasters ([`direct`]: one regression
//! per step ahead on the target's recent changes, its season and other columns' last
//! values, the penalty chosen by time-series cross-validation).

pub mod direct;
pub mod penalised;

pub use direct::{DirectRegression, FittedDirect};
pub use penalised::{Gram, LinearFit, Penalty, Standardiser};

//! Gradient-boosted trees: the booster ([`tree`], histogram-based and leaf-wise as LightGBM
//! grows its trees) and the forecaster ([`direct`]: one booster per step ahead on the
//! target's recent changes, its season, other columns' last values and known-ahead columns'
//! values at the step, the tree count by early stopping), with each feature's share of the split gain as its importance.

pub mod direct;
pub mod tree;

pub use direct::{DirectBoost, FittedBoost};
pub use tree::{Booster, TreeParams};

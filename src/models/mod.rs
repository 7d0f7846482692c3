//! Forecasting models. For now the neural family: a stacked LSTM with fused gates.

pub mod lstm;

pub use lstm::{FusedLstm, FusedLstmConfig, StackedLstm, StackedLstmConfig};

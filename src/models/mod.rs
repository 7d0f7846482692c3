//! Forecasting models: the neural family (a stacked LSTM with fused gates) and the
//! statistical models forecasters trust (`stats`).

pub mod dropout;
pub mod lstm;
pub mod lstm_kernel;
pub mod stats;

pub use lstm::{FusedLstm, FusedLstmConfig, LstmOutput, StackedLstm, StackedLstmConfig};

//! Data in: reading CSV bytes into a [`Frame`] (with a report of what was settled), calendar
//! features, scaling and windowing.
//!
//! Everything here is platform-free and runs the same in the browser worker and natively.

pub mod analysis;
pub mod calendar;
pub mod clean;
pub mod error;
pub mod features;
pub mod frame;
pub mod frequency;
pub mod holidays;
pub mod ingest;
pub mod json;
pub mod read;
pub mod scale;
pub mod window;

pub use error::DataError;
pub use frame::{Column, Frame, Frequency};
pub use ingest::{DatasetSummary, read_csv};
pub use read::{Loaded, ReadOptions, read_table};

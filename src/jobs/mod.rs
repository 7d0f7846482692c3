//! The Job / Event protocol spoken by both shells, the session that runs jobs, and the
//! engine's public surface for the shells.
//!
//! The browser worker receives `Job`s as JSON over `postMessage` and posts `Event`s back;
//! the CLI calls the same [`Session`] directly and prints the events. Shells (`web`, `cli`)
//! import engine types from here only — never from the reader's or a model's internals — so
//! the engine can be rearranged without touching them.

pub mod protocol;
pub mod session;

pub use protocol::{Event, ExploreRequest, Job, LeaderboardView};
pub use session::{SAMPLE_CSV, SAMPLE_NAME, Session};

// The engine's public surface for the shells: settings they fill in, results they show.
pub use crate::data::DatasetSummary;
pub use crate::data::analysis::SeriesView;
pub use crate::data::clean::FillStrategy;
pub use crate::data::holidays::HolidayCalendar;
pub use crate::data::read::datetime::DateOrder;
pub use crate::data::read::dialect::HeaderChoice;
pub use crate::data::read::encoding::CHOOSABLE as CHOOSABLE_ENCODINGS;
pub use crate::data::read::number::DecimalMark;
pub use crate::data::read::report::{ReadReport, format_number};
pub use crate::data::read::{DuplicatePolicy, NONE, ReadOptions};
pub use crate::data::scale::ScalerKind;
pub use crate::data::window::WindowSpec;
pub use crate::eval::{FeatureShare, IntervalScore, Metrics, ModelScore};
pub use crate::forecast::catalog::ModelSpec;
pub use crate::forecast::catalog::lstm_defaults;
pub use crate::forecast::hybrid::HybridForm;
pub use crate::forecast::limits::{MoveLimits, step_runs};
pub use crate::forecast::{Interval, LONG_TRAINING, Leaderboard, LeaderboardRequest, Refit};
pub use crate::train::{
    BatchHelper, EpochLoss, Host, Progress, QuietHost, TrainOutcome, TrainSettings,
};

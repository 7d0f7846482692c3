//! The Job / Event protocol spoken by both shells, and the session that runs jobs.
//!
//! The browser worker receives `Job`s as JSON over `postMessage` and posts `Event`s back;
//! the CLI calls the same [`Session`] directly and prints the events.

pub mod protocol;
pub mod session;

pub use protocol::{Event, ExploreRequest, Job, LeaderboardView};
pub use session::{SAMPLE_CSV, SAMPLE_NAME, Session};

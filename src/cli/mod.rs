//! The native command line: the same engine and Job/Event protocol as the browser worker,
//! with burn-wgpu on Vulkan/Metal (CPU fallback) and a progress bar.

pub mod alloc;
pub mod args;
pub mod bench;
pub mod leaderboard;
pub mod run;

pub use args::{Cli, Command};
pub use run::{CliError, main_with};

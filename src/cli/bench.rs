//! `foresight bench`: milliseconds per training step of the seed-004 reference model.

use std::time::Instant;

use super::run::CliError;
use crate::backend::{BackendChoice, select_native};
use crate::bench::{BATCH, FEATURES, reference_steps};

/// Times `steps` training steps (after one warm-up step) and prints the mean.
///
/// # Errors
/// Bad backend name, no GPU when one was required, or a failed read-back.
pub fn run(backend: &str, steps: usize, window: usize) -> Result<(), CliError> {
    let choice: BackendChoice = backend.parse().map_err(CliError::Usage)?;
    let selected = select_native(choice).map_err(CliError::Engine)?;
    if let Some(notice) = &selected.notice {
        eprintln!("notice: {notice}");
    }
    let clock = Instant::now();
    let now = || clock.elapsed().as_secs_f64() * 1000.0;
    let report = |step: usize, ms: f64| {
        eprintln!(
            "step {step}: {ms:.1} ms{}",
            if step == 0 { " (warm-up)" } else { "" }
        )
    };
    let times = futures::executor::block_on(reference_steps(
        &selected.device,
        window,
        steps,
        now,
        report,
    ))
    .map_err(CliError::Engine)?;
    let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
    println!(
        "reference model (batch {BATCH}, window {window}, {FEATURES} features, LSTM 64→32): {mean:.1} ms/step on {} over {} steps",
        selected.label,
        times.len()
    );
    Ok(())
}

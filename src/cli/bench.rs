//! `foresight bench`: milliseconds per training step of the seed-004 reference model.

use std::time::Instant;

use super::run::{CliError, emit};
use crate::backend::{BackendChoice, select_native};
use crate::bench::{self as kernel, BATCH, FEATURES, reference_inference, reference_steps};

/// Times `steps` training steps (after one warm-up step) and single-window inference, and
/// prints the medians (prose, or one JSON line with `json`, which adds the mean step: GPU
/// runs have occasional slow steps when the driver or allocator stalls). `threads` (0: every core) sets
/// the CPU kernel's threads.
///
/// # Errors
/// Bad backend name, no GPU when one was required, or a failed read-back.
pub fn run(
    backend: &str,
    steps: usize,
    window: usize,
    threads: usize,
    json: bool,
) -> Result<(), CliError> {
    let choice: BackendChoice = backend.parse().map_err(CliError::Usage)?;
    let selected = select_native(choice).map_err(CliError::Engine)?;
    kernel::set_threads(threads);
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
        None,
    ))
    .map_err(CliError::Engine)?;
    let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN);
    let infer = futures::executor::block_on(reference_inference(&selected.device, window, 20, now))
        .map_err(CliError::Engine)?;
    if json {
        let mut path = if selected.label == crate::backend::CPU_LABEL {
            format!("native-cpu-{}t", kernel::threads())
        } else {
            "native-wgpu".to_string()
        };
        if !kernel::fused() {
            path.push_str("-stepwise");
        }
        return emit(&format!(
            "{}\n",
            serde_json::json!({
                "path": path,
                "model": "s4-reference",
                "window": window,
                "ms_per_step": (median * 100.0).round() / 100.0,
                "ms_per_step_mean": (mean * 100.0).round() / 100.0,
                "ms_infer_b1": (infer * 1000.0).round() / 1000.0,
                "backend": selected.label,
                "adapter": selected.device.identity().map(|identity| identity.name),
            })
        ));
    }
    emit(&format!(
        "reference model (batch {BATCH}, window {window}, {FEATURES} features, LSTM 64→32): {median:.1} ms/step (median; mean {mean:.1}), single-window inference {infer:.2} ms, on {} over {} steps\n",
        selected.label,
        times.len()
    ))
}

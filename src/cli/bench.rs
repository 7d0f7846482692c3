//! `foresight bench`: milliseconds per training step of the seed-004 reference model.

use std::time::Instant;

use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Distribution, Tensor};

use super::run::CliError;
use crate::backend::{BackendChoice, select_native};
use crate::models::StackedLstmConfig;

/// Batch size of the reference model.
pub const BATCH: usize = 64;
/// Input features of the reference model.
pub const FEATURES: usize = 6;

/// Times `steps` training steps (after one warm-up step) and prints the mean.
///
/// # Errors
/// Bad backend name or no GPU when one was required.
pub fn run(backend: &str, steps: usize, window: usize) -> Result<(), CliError> {
    let choice: BackendChoice = backend.parse().map_err(CliError::Usage)?;
    let selected = select_native(choice).map_err(CliError::Engine)?;
    if let Some(notice) = &selected.notice {
        eprintln!("notice: {notice}");
    }
    let device = selected.device.clone().autodiff();
    device.seed(1);
    let mut model = StackedLstmConfig::new(FEATURES).init(&device);
    let mut optimizer = AdamConfig::new().init();
    let x = Tensor::<3>::random([BATCH, window, FEATURES], Distribution::Default, &device);
    let y = Tensor::<2>::random([BATCH, 1], Distribution::Default, &device);
    let mut times = Vec::new();
    for step in 0..=steps {
        let start = Instant::now();
        let loss = (model.forward(x.clone()) - y.clone()).square().mean();
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optimizer.step(1e-3, model, grads);
        futures::executor::block_on(loss.into_data_async())
            .map_err(|e| CliError::Engine(format!("{e:?}")))?;
        if step > 0 {
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        eprintln!(
            "step {step}: {:.1} ms{}",
            start.elapsed().as_secs_f64() * 1000.0,
            if step == 0 { " (warm-up)" } else { "" }
        );
    }
    let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
    println!(
        "reference model (batch {BATCH}, window {window}, {FEATURES} features, LSTM 64→32): {mean:.1} ms/step on {} over {} steps",
        selected.label,
        times.len()
    );
    Ok(())
}

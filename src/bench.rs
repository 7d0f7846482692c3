//! Training-step benchmark of the seed-004 reference model (batch 64, window 168,
//! 6 features, LSTM 64→32, Dense 1, Adam), shared by `foresight bench` and the browser
//! benchmark so both measure the same thing.

use burn::optim::AdamConfig;
use burn::tensor::{Device, Distribution, Tensor};

use crate::models::StackedLstmConfig;
/// The kernel switches a benchmark sets: CPU threads, fused kernels or the stepwise path.
pub use crate::models::lstm_kernel::burn_op::{fused, set_fused, set_threads, threads};
use crate::train::batch_split::{BatchHelper, StepGradients, batch_gradients};

/// Batch size of the reference model.
pub const BATCH: usize = 64;
/// Input features of the reference model.
pub const FEATURES: usize = 6;

/// A fixed pseudo-random batch `[BATCH, window, FEATURES]` and targets `[BATCH, 1]`, flat.
fn reference_batch(window: usize) -> (Vec<f32>, Vec<f32>) {
    let mut rng = crate::rng::SplitMix64::new(7);
    // Uniform on [0, 1), as burn's default distribution.
    let mut draw = |n: usize| (0..n).map(|_| rng.next_f32()).collect::<Vec<f32>>();
    let x = draw(BATCH * window * FEATURES);
    let y = draw(BATCH);
    (x, y)
}

/// Milliseconds of each training step (forward, backward, Adam update, loss read-back),
/// after one untimed warm-up step. `now_ms` is the platform clock; `report` sees each step;
/// with `helper`, half of each batch is computed there (the browser's second worker).
///
/// # Errors
/// The backend's message when a read-back fails.
pub async fn reference_steps(
    device: &Device,
    window: usize,
    steps: usize,
    now_ms: impl Fn() -> f64,
    mut report: impl FnMut(usize, f64),
    helper: Option<&dyn BatchHelper>,
) -> Result<Vec<f64>, String> {
    let device = device.clone().autodiff();
    device.seed(1);
    let config = StackedLstmConfig::new(FEATURES);
    let mut model = config.init(&device);
    let mut optimizer = AdamConfig::new().init();
    let (x, y) = reference_batch(window);
    let mut times = Vec::new();
    for step in 0..=steps {
        let start = now_ms();
        // The training loop's own step: forward and backward (half on the helper, if any).
        let StepGradients { loss, grads, .. } = batch_gradients(
            &model,
            &config,
            x.clone(),
            y.clone(),
            BATCH,
            window,
            &device,
            helper,
            step as u64,
        )
        .await
        .map_err(|e| e.to_string())?;
        model = optimizer.step(1e-3, model, grads);
        loss.into_data_async().await.map_err(|e| format!("{e:?}"))?;
        let ms = now_ms() - start;
        report(step, ms);
        if step > 0 {
            times.push(ms);
        }
    }
    Ok(times)
}

/// Median milliseconds of single-window inference (batch 1, the trained-model path without
/// autodiff, read-back included) over `runs` runs after one warm-up.
///
/// # Errors
/// The backend's message when a read-back fails.
pub async fn reference_inference(
    device: &Device,
    window: usize,
    runs: usize,
    now_ms: impl Fn() -> f64,
) -> Result<f64, String> {
    device.seed(2);
    let model = StackedLstmConfig::new(FEATURES).init(device);
    let x = Tensor::<3>::random([1, window, FEATURES], Distribution::Default, device);
    let mut times = Vec::new();
    for run in 0..=runs {
        let start = now_ms();
        model
            .forward(x.clone())
            .into_data_async()
            .await
            .map_err(|e| format!("{e:?}"))?;
        if run > 0 {
            times.push(now_ms() - start);
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(times.get(times.len() / 2).copied().unwrap_or(f64::NAN))
}

/// Reads CSV bytes with every choice detected and returns the rows read: the parse
/// benchmark's unit of work (the page's `read_csv_rows`).
///
/// # Errors
/// The reader's message.
pub fn parsed_rows(bytes: &[u8]) -> Result<usize, String> {
    crate::data::read_table("bench.csv", bytes, &Default::default(), &mut |_| {})
        .map(|loaded| loaded.frame.rows())
        .map_err(|e| e.to_string())
}

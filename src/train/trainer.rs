//! The training loop, written once for both shells: it awaits every read-back (a synchronous
//! read panics on the web), so the worker runs it as a future and the CLI under `block_on`.

use burn::module::Module;
use burn::optim::AdamConfig;
use burn::optim::decay::WeightDecayConfig;
use burn::tensor::{Device, Tensor, TensorData};

use super::batch_split::{StepGradients, batch_gradients};
use super::error::TrainError;
use super::host::Host;
use super::outcome::{EpochLoss, Progress, TrainOutcome};
use super::settings::TrainSettings;
use crate::data::calendar::format_timestamp;
use crate::data::scale::Scaler;
use crate::data::window::{Prepared, WindowSpec, last_window_scaled, prepare, series_of};
use crate::data::{Frame, Frequency};
use crate::eval::Metrics;
use crate::models::{StackedLstm, StackedLstmConfig};
use crate::rng::SplitMix64;

/// Reads a tensor back to the host without blocking (required on the web).
async fn read_back<const D: usize>(
    tensor: Tensor<D>,
    backend: &str,
) -> Result<Vec<f32>, TrainError> {
    let failed = |message: String| TrainError::Backend {
        backend: backend.to_string(),
        message,
    };
    let data = tensor
        .into_data_async()
        .await
        .map_err(|e| failed(format!("{e:?}")))?;
    data.convert::<f32>()
        .try_to_vec::<f32>()
        .map_err(|e| failed(format!("{e:?}")))
}

/// Input batch tensor `[batch, window, features]` on `device`.
fn input_tensor(prepared: &Prepared, x: Vec<f32>, batch: usize, device: &Device) -> Tensor<3> {
    Tensor::from_data(
        TensorData::new(x, [batch, prepared.window, prepared.n_features()]),
        device,
    )
}

/// Predictions `[windows, horizon]` (scaled) for the windows starting at `starts`.
async fn predict(
    model: &StackedLstm,
    prepared: &Prepared,
    starts: &[usize],
    batch_size: usize,
    device: &Device,
    backend: &str,
) -> Result<Vec<f32>, TrainError> {
    let mut out = Vec::with_capacity(starts.len() * prepared.horizon);
    for chunk in starts.chunks(batch_size) {
        let (x, _) = prepared.batch(chunk);
        let y = model.forward(input_tensor(prepared, x, chunk.len(), device));
        out.extend(read_back(y, backend).await?);
    }
    Ok(out)
}

/// Mean squared error (scaled units) of predictions against the targets of `starts`.
fn mse(prepared: &Prepared, starts: &[usize], predicted: &[f32]) -> f64 {
    let (_, y) = prepared.batch(starts);
    let sum: f64 = y
        .iter()
        .zip(predicted)
        .map(|(a, p)| ((a - p) as f64).powi(2))
        .sum();
    sum / y.len().max(1) as f64
}

/// Time labels of the `horizon` steps past the end of the data (row numbers without a
/// time index).
fn future_labels(frame: &Frame, horizon: usize) -> Vec<String> {
    let with_time = frame.time_has_clock;
    match (&frame.timestamps, frame.frequency) {
        (Some(stamps), f) if f != Frequency::RowOrder => {
            match stamps.last().and_then(|l| f.future(*l, horizon)) {
                Some(next) => next
                    .into_iter()
                    .map(|t| format_timestamp(t, with_time))
                    .collect(),
                None => (1..=horizon).map(|k| format!("+{k}")).collect(),
            }
        }
        _ => (frame.rows() + 1..=frame.rows() + horizon)
            .map(|r| r.to_string())
            .collect(),
    }
}

/// Trains the stacked LSTM on `frame`, evaluates it on the held-out test part and
/// forecasts the horizon past the end of the data.
///
/// `device` is a plain (non-autodiff) device; `backend` names it for the outcome and errors.
///
/// # Errors
/// As [`fit`], and [`TrainError::Backend`] when the forecast's read-back fails.
pub async fn train(
    frame: &Frame,
    settings: &TrainSettings,
    device: &Device,
    backend: &str,
    host: &mut impl Host,
) -> Result<TrainOutcome, TrainError> {
    let started = host.now_ms();
    let (mut outcome, trained) = fit(frame, settings, device, backend, host).await?;
    outcome.forecast = trained.forecast(device, backend).await?;
    outcome.total_ms = host.now_ms() - started;
    Ok(outcome)
}

/// A trained network with what it needs to forecast: the last window of (scaled) inputs
/// of its training data, and the column spec and scalers to scale a later one.
#[derive(Debug, Clone)]
pub struct TrainedLstm {
    model: StackedLstm,
    last_window: Vec<f32>,
    /// The columns and window it was trained on (its horizon is the spec's).
    spec: WindowSpec,
    /// One scaler per input column, the target's first.
    scalers: Vec<Scaler>,
}

impl TrainedLstm {
    /// Steps the network forecasts at once.
    pub fn horizon(&self) -> usize {
        self.spec.horizon
    }

    /// Trainable parameters (weights and biases).
    pub fn parameters(&self) -> usize {
        self.model.num_params()
    }

    /// Forecasts the trained horizon past the end of the training data, in the data's units.
    ///
    /// # Errors
    /// [`TrainError::Backend`] when the read-back fails.
    pub async fn forecast(&self, device: &Device, backend: &str) -> Result<Vec<f64>, TrainError> {
        self.forecast_window(self.last_window.clone(), device, backend)
            .await
    }

    /// Forecasts the trained horizon past the end of `frame` (the training data followed
    /// by later rows, or any series with the same columns), its last window scaled as the
    /// training data was: the weights and scalers stay as trained.
    ///
    /// # Errors
    /// [`TrainError::Data`] when `frame` lacks a column or a full window;
    /// [`TrainError::Backend`] when the read-back fails.
    pub async fn forecast_from(
        &self,
        frame: &Frame,
        device: &Device,
        backend: &str,
    ) -> Result<Vec<f64>, TrainError> {
        let window = last_window_scaled(frame, &self.spec, &self.scalers)?;
        self.forecast_window(window, device, backend).await
    }

    async fn forecast_window(
        &self,
        window: Vec<f32>,
        device: &Device,
        backend: &str,
    ) -> Result<Vec<f64>, TrainError> {
        let input = Tensor::from_data(
            TensorData::new(window, [1, self.spec.window, self.scalers.len()]),
            device,
        );
        let scaled = read_back(self.model.forward(input), backend).await?;
        let target = self.scalers[0];
        Ok(scaled.iter().map(|v| target.inverse(*v as f64)).collect())
    }
}

/// Trains the stacked LSTM on `frame` and evaluates it on the held-out test part; the
/// outcome's forecast is left empty (the returned [`TrainedLstm`] makes it).
///
/// `device` is a plain (non-autodiff) device; `backend` names it for the outcome and errors.
///
/// # Errors
/// Data and setting errors before any work, [`TrainError::NonFinite`] if the loss diverges,
/// [`TrainError::Cancelled`] when the host reports a cancel, [`TrainError::Backend`] when a
/// read-back fails.
pub async fn fit(
    frame: &Frame,
    settings: &TrainSettings,
    device: &Device,
    backend: &str,
    host: &mut impl Host,
) -> Result<(TrainOutcome, TrainedLstm), TrainError> {
    settings.validate().map_err(TrainError::Settings)?;
    // A panel is modelled one series (group) at a time, so windows never cross groups.
    let series = series_of(frame, &settings.data)?;
    let frame = &series;
    let prepared = prepare(frame, &settings.data)?;
    let model_config = StackedLstmConfig::new(prepared.n_features())
        .with_hidden(settings.hidden.clone())
        .with_dropout(settings.dropout.clone())
        .with_horizon(prepared.horizon);
    model_config.validate().map_err(TrainError::Settings)?;

    let started = host.now_ms();
    device.seed(settings.seed);
    let autodiff = device.clone().autodiff();
    let mut model: StackedLstm = model_config.init(&autodiff);
    // Keras' L2(λ) adds λ·Σw² to the loss; its gradient 2λ·w is Adam's coupled weight decay.
    let decay = (settings.l2 > 0.0).then(|| WeightDecayConfig::new(2.0 * settings.l2 as f32));
    let mut optimizer = AdamConfig::new()
        .with_epsilon(1e-7)
        .with_weight_decay(decay)
        .init();
    let mut rng = SplitMix64::new(settings.seed);

    let batch_size = settings.batch_size;
    let batches = prepared.train.len().div_ceil(batch_size);
    let total_batches = (batches * settings.epochs) as f64;
    let mut order = prepared.train.clone();
    let mut history = Vec::new();
    let (mut best, mut best_epoch, mut best_model, mut waited) =
        (f64::INFINITY, 0, model.clone(), 0);
    let (mut steps, mut split_steps, mut step_ms) = (0usize, 0usize, 0.0f64);
    let mut last_validation = None;

    for epoch in 1..=settings.epochs {
        rng.shuffle(&mut order);
        let mut loss_sum = 0.0;
        for (b, chunk) in order.chunks(batch_size).enumerate() {
            if host.cancelled() {
                return Err(TrainError::Cancelled);
            }
            let step_start = host.now_ms();
            let (x, y) = prepared.batch(chunk);
            // Dropout masks of the helper's half: a seed per step, from the run's seed.
            let part_seed = settings.seed ^ (steps as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let StepGradients { loss, grads, split } = batch_gradients(
                &model,
                &model_config,
                x,
                y,
                chunk.len(),
                prepared.window,
                &autodiff,
                host.batch_helper(),
                part_seed,
            )
            .await?;
            model = optimizer.step(settings.learning_rate, model, grads);
            let loss = read_back(loss, backend)
                .await?
                .first()
                .copied()
                .unwrap_or(f32::NAN) as f64;
            if !loss.is_finite() {
                return Err(TrainError::NonFinite { epoch, loss });
            }
            steps += 1;
            split_steps += usize::from(split);
            step_ms += host.now_ms() - step_start;
            loss_sum += loss;
            let elapsed = host.now_ms() - started;
            let done = ((epoch - 1) * batches + b + 1) as f64;
            host.progress(&Progress {
                epoch,
                epochs: settings.epochs,
                batch: b + 1,
                batches,
                train_loss: loss_sum / (b + 1) as f64,
                validation_loss: last_validation,
                elapsed_ms: elapsed,
                eta_ms: elapsed / done * (total_batches - done),
            });
            host.yield_now().await;
        }
        let valid = model.valid();
        let predicted = predict(
            &valid,
            &prepared,
            &prepared.validation,
            batch_size,
            device,
            backend,
        )
        .await?;
        let validation = mse(&prepared, &prepared.validation, &predicted);
        if !validation.is_finite() {
            return Err(TrainError::NonFinite {
                epoch,
                loss: validation,
            });
        }
        last_validation = Some(validation);
        history.push(EpochLoss {
            epoch,
            train: loss_sum / batches as f64,
            validation,
        });
        if validation < best {
            (best, best_epoch, best_model, waited) = (validation, epoch, model.clone(), 0);
        } else {
            waited += 1;
            if waited >= settings.patience {
                break;
            }
        }
        host.yield_now().await;
    }
    let stopped_early = history.len() < settings.epochs;
    let model = best_model.valid();

    let horizon = prepared.horizon;
    let window = prepared.window;
    let predicted = predict(
        &model,
        &prepared,
        &prepared.test,
        batch_size,
        device,
        backend,
    )
    .await?;
    let scaler = prepared.target_scaler;
    let (mut actual_all, mut predicted_all) = (Vec::new(), Vec::new());
    let (mut test_labels, mut test_actual, mut test_predicted) =
        (Vec::new(), Vec::new(), Vec::new());
    for (w, &start) in prepared.test.iter().enumerate() {
        for k in 0..horizon {
            let row = start + window + k;
            actual_all.push(prepared.target_observed[row]);
            predicted_all.push(scaler.inverse(predicted[w * horizon + k] as f64));
        }
        let row = start + window;
        test_labels.push(frame.time_label(prepared.frame_rows[row]));
        test_actual.push(prepared.target_observed[row]);
        test_predicted.push(scaler.inverse(predicted[w * horizon] as f64));
    }
    let outcome = TrainOutcome {
        backend: backend.to_string(),
        target: settings.data.target.clone(),
        features: prepared.feature_names.clone(),
        history,
        best_epoch,
        stopped_early,
        test_metrics: Metrics::compute(&actual_all, &predicted_all),
        test_labels,
        test_actual,
        test_predicted,
        forecast_labels: future_labels(frame, horizon),
        forecast: vec![],
        window_counts: [
            prepared.train.len(),
            prepared.validation.len(),
            prepared.test.len(),
        ],
        filled_cells: prepared.filled_cells,
        ms_per_step: step_ms / steps.max(1) as f64,
        total_ms: host.now_ms() - started,
        training_steps: steps,
        split_steps,
    };
    let trained = TrainedLstm {
        model,
        last_window: prepared.last_window(),
        spec: settings.data.clone(),
        scalers: prepared.scalers,
    };
    Ok((outcome, trained))
}

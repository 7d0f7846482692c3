//! Data-parallel training steps: one batch split between this thread and a helper (in the
//! browser, a second worker, since this toolchain has no wasm threads), each part's
//! gradients computed where it lies and summed here before the optimiser's step.
//!
//! Sequences of a batch are independent, and the loss is a mean over the batch, so the
//! batch's gradient is the row-weighted mean of its parts' gradients: the same step as one
//! process doing the whole batch (dropout masks aside: each side draws its own). The helper
//! holds no state between steps; every request carries the model's shape, the current
//! parameter values and the part's rows.
//!
//! Parameters and gradients travel as flat `f32` vectors in the order burn's
//! [`ModuleVisitor`] walks the model, which is the same on both sides for the same config.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::optim::GradientsParams;
use burn::tensor::{Device, Tensor, TensorData};
use futures::future::LocalBoxFuture;
use thiserror::Error;

use crate::models::{StackedLstm, StackedLstmConfig};

/// Smallest part worth sending away: below it the messages cost more than the work.
pub const MIN_PART_ROWS: usize = 8;

/// Why a split step failed.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SplitError {
    /// The helper could not be reached or failed on its part.
    #[error("the helper worker failed: {0}")]
    Helper(String),
    /// A message carried values that do not fit the model (a version mismatch or a bug).
    #[error("{what}: expected {expected} values, got {got}")]
    Mismatch {
        /// What was being read.
        what: String,
        /// Values the model needs.
        expected: usize,
        /// Values the message had.
        got: usize,
    },
    /// A tensor could not be read back from the backend.
    #[error("reading a tensor back failed: {0}")]
    ReadBack(String),
}

/// One part of a batch, for a helper: everything it needs to compute that part's gradients.
#[derive(Debug, Clone)]
pub struct PartRequest {
    /// The model's shape.
    pub config: StackedLstmConfig,
    /// Parameter values, flat, in visiting order.
    pub params: Vec<Vec<f32>>,
    /// Inputs `[rows, window, features]`, flat.
    pub x: Vec<f32>,
    /// Targets `[rows, horizon]`, flat.
    pub y: Vec<f32>,
    /// Sequences in the part.
    pub rows: usize,
    /// Time steps per sequence.
    pub window: usize,
    /// Seed of the helper's dropout masks for this step.
    pub seed: u64,
}

/// A part's result: its mean loss and the gradients of that loss, flat, in visiting order.
#[derive(Debug, Clone, PartialEq)]
pub struct PartGradients {
    /// Mean squared error over the part.
    pub loss: f32,
    /// Sequences in the part (its weight in the batch's mean).
    pub rows: usize,
    /// One flat gradient per parameter.
    pub grads: Vec<Vec<f32>>,
}

/// Something that computes a part's gradients elsewhere (the browser's helper worker).
pub trait BatchHelper {
    /// Sends `request` **before returning** (so the caller's own part runs meanwhile) and
    /// gives a future of the helper's answer.
    fn start(
        &self,
        request: PartRequest,
    ) -> LocalBoxFuture<'static, Result<PartGradients, SplitError>>;
}

/// Collects every float parameter as a flat tensor, with its id.
struct Flatten(Vec<(ParamId, Tensor<1>)>);

impl ModuleVisitor for Flatten {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        let n = value.shape().num_elements();
        self.0.push((param.id, value.reshape([n])));
    }
}

/// Collects every parameter's gradient as a flat tensor (zeros where it has none).
struct FlattenGrads<'a> {
    grads: &'a GradientsParams,
    out: Vec<Tensor<1>>,
}

impl ModuleVisitor for FlattenGrads<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        let n = value.shape().num_elements();
        let grad = match self.grads.get::<D>(param.id) {
            Some(g) => g.reshape([n]),
            None => Tensor::zeros([n], &value.device().inner()),
        };
        self.out.push(grad);
    }
}

/// Replaces every float parameter's value with the next vector of `values`.
struct Load<'a> {
    values: &'a [Vec<f32>],
    next: usize,
    error: Option<SplitError>,
}

impl ModuleMapper for Load<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let index = self.next;
        self.next += 1;
        let Some(values) = self.values.get(index) else {
            self.error.get_or_insert(SplitError::Mismatch {
                what: "parameters".into(),
                expected: index + 1,
                got: self.values.len(),
            });
            return param;
        };
        param.map(|old| {
            let dims = old.dims();
            let expected: usize = dims.iter().product();
            if values.len() != expected {
                self.error.get_or_insert(SplitError::Mismatch {
                    what: format!("parameter {index}"),
                    expected,
                    got: values.len(),
                });
                return old;
            }
            let grad = old.is_require_grad();
            Tensor::<D>::from_data(TensorData::new(values.clone(), dims), &old.device())
                .set_require_grad(grad)
        })
    }
}

/// Registers flat gradient vectors under the model's parameter ids.
struct Register<'a> {
    values: &'a [Vec<f32>],
    next: usize,
    grads: GradientsParams,
    device: Device,
    error: Option<SplitError>,
}

impl ModuleVisitor for Register<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let index = self.next;
        self.next += 1;
        let dims = param.val().dims();
        let expected: usize = dims.iter().product();
        match self.values.get(index) {
            Some(v) if v.len() == expected => {
                let grad = Tensor::<D>::from_data(TensorData::new(v.clone(), dims), &self.device);
                self.grads.register(param.id, grad);
            }
            other => {
                self.error.get_or_insert(SplitError::Mismatch {
                    what: format!("gradient {index}"),
                    expected,
                    got: other.map_or(0, Vec::len),
                });
            }
        }
    }
}

async fn read(tensor: Tensor<1>) -> Result<Vec<f32>, SplitError> {
    let data = tensor
        .into_data_async()
        .await
        .map_err(|e| SplitError::ReadBack(format!("{e:?}")))?;
    data.convert::<f32>()
        .try_to_vec::<f32>()
        .map_err(|e| SplitError::ReadBack(format!("{e:?}")))
}

/// Every parameter's value, flat, in visiting order.
///
/// # Errors
/// [`SplitError::ReadBack`] when the backend cannot read a tensor.
pub async fn param_values(model: &StackedLstm) -> Result<Vec<Vec<f32>>, SplitError> {
    let mut flat = Flatten(Vec::new());
    model.visit(&mut flat);
    let mut out = Vec::with_capacity(flat.0.len());
    for (_, t) in flat.0 {
        out.push(read(t).await?);
    }
    Ok(out)
}

/// `model` with its parameters replaced by `values` (ids, devices and gradient tracking kept).
///
/// # Errors
/// [`SplitError::Mismatch`] when `values` does not fit the model.
pub fn with_param_values(
    model: StackedLstm,
    values: &[Vec<f32>],
) -> Result<StackedLstm, SplitError> {
    let mut load = Load {
        values,
        next: 0,
        error: None,
    };
    let model = model.map(&mut load);
    if let Some(e) = load.error {
        return Err(e);
    }
    if load.next != values.len() {
        return Err(SplitError::Mismatch {
            what: "parameters".into(),
            expected: load.next,
            got: values.len(),
        });
    }
    Ok(model)
}

/// Every parameter's gradient in `grads`, flat, in visiting order.
///
/// # Errors
/// [`SplitError::ReadBack`] when the backend cannot read a tensor.
pub async fn gradient_values(
    model: &StackedLstm,
    grads: &GradientsParams,
) -> Result<Vec<Vec<f32>>, SplitError> {
    let mut flat = FlattenGrads {
        grads,
        out: Vec::new(),
    };
    model.visit(&mut flat);
    let mut out = Vec::with_capacity(flat.out.len());
    for t in flat.out {
        out.push(read(t).await?);
    }
    Ok(out)
}

/// Gradients for `model`'s parameters from flat vectors in visiting order, on `device`
/// (the plain device the model's autodiff device wraps).
///
/// # Errors
/// [`SplitError::Mismatch`] when `values` does not fit the model.
pub fn gradients_from_values(
    model: &StackedLstm,
    values: &[Vec<f32>],
    device: &Device,
) -> Result<GradientsParams, SplitError> {
    let mut register = Register {
        values,
        next: 0,
        grads: GradientsParams::new(),
        device: device.clone(),
        error: None,
    };
    model.visit(&mut register);
    match register.error {
        Some(e) => Err(e),
        None if register.next != values.len() => Err(SplitError::Mismatch {
            what: "gradients".into(),
            expected: register.next,
            got: values.len(),
        }),
        None => Ok(register.grads),
    }
}

/// Mean squared error of `model` on one part and its gradients (the plain training step's
/// forward and backward, without the optimiser).
fn loss_and_grads(
    model: &StackedLstm,
    config: &StackedLstmConfig,
    x: Vec<f32>,
    y: Vec<f32>,
    rows: usize,
    window: usize,
    device: &Device,
) -> (Tensor<1>, GradientsParams) {
    let x = Tensor::<3>::from_data(TensorData::new(x, [rows, window, config.d_input]), device);
    let y = Tensor::<2>::from_data(TensorData::new(y, [rows, config.horizon]), device);
    let loss = (model.forward(x) - y).square().mean();
    let grads = GradientsParams::from_grads(loss.backward(), model);
    (loss, grads)
}

/// The helper's side: builds the model on `device` (plain; autodiff is added here), loads
/// the request's parameters and returns its part's loss and gradients.
///
/// # Errors
/// [`SplitError::Mismatch`] when the request does not fit its own config;
/// [`SplitError::ReadBack`] when the backend fails.
pub async fn part_gradients(
    request: PartRequest,
    device: &Device,
) -> Result<PartGradients, SplitError> {
    let PartRequest {
        config,
        params,
        x,
        y,
        rows,
        window,
        seed,
    } = request;
    let features = config.d_input;
    if x.len() != rows * window * features {
        return Err(SplitError::Mismatch {
            what: "inputs".into(),
            expected: rows * window * features,
            got: x.len(),
        });
    }
    if y.len() != rows * config.horizon {
        return Err(SplitError::Mismatch {
            what: "targets".into(),
            expected: rows * config.horizon,
            got: y.len(),
        });
    }
    config
        .validate()
        .map_err(|e| SplitError::Helper(format!("invalid model: {e}")))?;
    let autodiff = device.clone().autodiff();
    device.seed(seed);
    let model = with_param_values(config.init(&autodiff), &params)?;
    let (loss, grads) = loss_and_grads(&model, &config, x, y, rows, window, &autodiff);
    let grads = gradient_values(&model, &grads).await?;
    let loss = read(loss).await?.first().copied().unwrap_or(f32::NAN);
    Ok(PartGradients { loss, rows, grads })
}

/// One batch's loss and gradients, ready for the optimiser.
pub struct StepGradients {
    /// Mean loss over the batch, `[1]` (not read back yet, so a GPU can run ahead).
    pub loss: Tensor<1>,
    /// Gradients of that loss.
    pub grads: GradientsParams,
    /// Whether the helper computed part of the batch (false when there was none, the batch
    /// was too small, or the helper failed and this side did its part).
    pub split: bool,
}

/// Forward and backward of one batch (`x: [rows, window, features]`, `y: [rows, horizon]`,
/// flat) on `autodiff`; when `helper` is given and the batch is large enough, the second
/// half goes to the helper while this side does the first, and the parts' gradients are
/// combined (row-weighted mean). Should the helper fail, this side computes its part too.
///
/// # Errors
/// A read-back failure, or a helper answer that does not fit the model.
#[allow(clippy::too_many_arguments)]
pub async fn batch_gradients(
    model: &StackedLstm,
    config: &StackedLstmConfig,
    x: Vec<f32>,
    y: Vec<f32>,
    rows: usize,
    window: usize,
    autodiff: &Device,
    helper: Option<&dyn BatchHelper>,
    seed: u64,
) -> Result<StepGradients, SplitError> {
    let (Some(helper), true) = (helper, rows >= 2 * MIN_PART_ROWS) else {
        let (loss, grads) = loss_and_grads(model, config, x, y, rows, window, autodiff);
        return Ok(StepGradients {
            loss,
            grads,
            split: false,
        });
    };
    let own_rows = rows / 2;
    let x_len = x.len() / rows;
    let y_len = y.len() / rows;
    let request = PartRequest {
        config: config.clone(),
        params: param_values(model).await?,
        x: x[own_rows * x_len..].to_vec(),
        y: y[own_rows * y_len..].to_vec(),
        rows: rows - own_rows,
        window,
        seed,
    };
    // Kept so that this side can do the helper's part itself if the helper fails.
    let (remote_x, remote_y) = (request.x.clone(), request.y.clone());
    let remote = helper.start(request);
    let (mut x, mut y) = (x, y);
    x.truncate(own_rows * x_len);
    y.truncate(own_rows * y_len);
    let (loss, grads) = loss_and_grads(model, config, x, y, own_rows, window, autodiff);
    let own = gradient_values(model, &grads).await?;
    let own_loss = read(loss).await?.first().copied().unwrap_or(f32::NAN);
    let (remote, split) = match remote.await {
        Ok(part) => (part, true),
        // A failed helper costs this step its speed-up, not the run.
        Err(_) => {
            let rows = rows - own_rows;
            let (loss, grads) =
                loss_and_grads(model, config, remote_x, remote_y, rows, window, autodiff);
            let grads = gradient_values(model, &grads).await?;
            let loss = read(loss).await?.first().copied().unwrap_or(f32::NAN);
            (PartGradients { loss, rows, grads }, false)
        }
    };
    if remote.grads.len() != own.len() {
        return Err(SplitError::Mismatch {
            what: "helper gradients".into(),
            expected: own.len(),
            got: remote.grads.len(),
        });
    }
    let (wa, wb) = (
        own_rows as f32 / rows as f32,
        remote.rows as f32 / rows as f32,
    );
    let mut combined = own;
    for (a, b) in combined.iter_mut().zip(&remote.grads) {
        if a.len() != b.len() {
            return Err(SplitError::Mismatch {
                what: "helper gradient".into(),
                expected: a.len(),
                got: b.len(),
            });
        }
        for (a, b) in a.iter_mut().zip(b) {
            *a = wa * *a + wb * b;
        }
    }
    let grads = gradients_from_values(model, &combined, &autodiff.clone().inner())?;
    let loss = Tensor::<1>::from_data(
        TensorData::new(vec![wa * own_loss + wb * remote.loss], [1]),
        &autodiff.clone().inner(),
    );
    Ok(StepGradients { loss, grads, split })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;
    use futures::executor::block_on;

    /// A helper in this process: the same `part_gradients` the browser's helper worker runs.
    struct InProcess(Device);

    impl BatchHelper for InProcess {
        fn start(
            &self,
            request: PartRequest,
        ) -> LocalBoxFuture<'static, Result<PartGradients, SplitError>> {
            let device = self.0.clone();
            Box::pin(async move { part_gradients(request, &device).await })
        }
    }

    /// A helper that always fails (a worker that crashed).
    struct Broken;

    impl BatchHelper for Broken {
        fn start(
            &self,
            _request: PartRequest,
        ) -> LocalBoxFuture<'static, Result<PartGradients, SplitError>> {
            Box::pin(async { Err(SplitError::Helper("gone".into())) })
        }
    }

    fn uniform(n: usize, rng: &mut SplitMix64) -> Vec<f32> {
        (0..n).map(|_| rng.next_f32() - 0.5).collect()
    }

    /// A small model without dropout (so a split step is the same step), and its config.
    fn model() -> (StackedLstm, StackedLstmConfig) {
        let config = StackedLstmConfig::new(3)
            .with_hidden(vec![6, 4])
            .with_dropout(vec![0.0, 0.0])
            .with_horizon(2);
        let autodiff = crate::backend::cpu().device.autodiff();
        (config.init(&autodiff), config)
    }

    /// Gradients (flat) and loss of one step of `model` on `rows` sequences, with `helper`
    /// or without. (The model is made once per test: burn's CPU RNG is one for the process,
    /// shared by tests running in parallel, so seeding it would not make two inits equal.)
    fn step(
        (model, config): &(StackedLstm, StackedLstmConfig),
        rows: usize,
        helper: Option<&dyn BatchHelper>,
    ) -> (f32, Vec<Vec<f32>>, bool) {
        let window = 7;
        let autodiff = crate::backend::cpu().device.autodiff();
        let mut rng = SplitMix64::new(3);
        let x = uniform(rows * window * config.d_input, &mut rng);
        let y = uniform(rows * config.horizon, &mut rng);
        let StepGradients { loss, grads, split } = block_on(batch_gradients(
            model, config, x, y, rows, window, &autodiff, helper, 5,
        ))
        .expect("step runs");
        let loss = block_on(read(loss)).expect("loss reads")[0];
        let grads = block_on(gradient_values(model, &grads)).expect("gradients read");
        (loss, grads, split)
    }

    /// The same step: losses within 1e-6 (relative) and gradients within [`assert_close`].
    fn assert_same_step(whole: (f32, &[Vec<f32>]), other: (f32, &[Vec<f32>]), what: &str) {
        let (whole_loss, loss) = (whole.0, other.0);
        assert!(
            (whole_loss - loss).abs() <= 1e-6 * whole_loss.abs().max(1.0),
            "loss: whole batch {whole_loss}, {what} {loss}"
        );
        assert_close(whole.1, other.1);
    }

    fn assert_close(a: &[Vec<f32>], b: &[Vec<f32>]) {
        assert_eq!(a.len(), b.len());
        for (i, (a, b)) in a.iter().zip(b).enumerate() {
            assert_eq!(a.len(), b.len(), "parameter {i}");
            let scale = a.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-3);
            for (j, (a, b)) in a.iter().zip(b).enumerate() {
                assert!(
                    (a - b).abs() <= 1e-5 * scale + 1e-7,
                    "parameter {i}[{j}]: whole batch {a}, split {b}"
                );
            }
        }
    }

    #[test]
    fn a_split_step_equals_the_whole_batch_step() {
        let helper = InProcess(crate::backend::cpu().device);
        let model = model();
        for rows in [16, 33] {
            let (whole_loss, whole, _) = step(&model, rows, None);
            let (split_loss, split, was_split) = step(&model, rows, Some(&helper));
            assert!(was_split, "the helper took part of {rows} rows");
            assert!(
                whole.iter().flatten().any(|g| g.abs() > 1e-6),
                "gradients are not all zero"
            );
            assert_same_step((whole_loss, &whole), (split_loss, &split), "split");
        }
    }

    #[test]
    fn a_failed_helper_costs_speed_not_the_step() {
        let model = model();
        let (whole_loss, whole, _) = step(&model, 20, None);
        let (loss, grads, was_split) = step(&model, 20, Some(&Broken));
        assert!(!was_split, "a failed helper's part is done here");
        assert_same_step((whole_loss, &whole), (loss, &grads), "after the fallback");
    }

    #[test]
    fn small_batches_are_not_split() {
        // Below 2 × MIN_PART_ROWS the helper is never asked (Broken would make no difference
        // either way; the result must be exactly the whole-batch step).
        let model = model();
        let (whole_loss, whole, _) = step(&model, MIN_PART_ROWS, None);
        let (loss, grads, was_split) = step(&model, MIN_PART_ROWS, Some(&Broken));
        assert!(!was_split);
        assert_eq!(whole_loss, loss);
        assert_close(&whole, &grads);
    }

    #[test]
    fn parameters_that_do_not_fit_are_refused() {
        let config = StackedLstmConfig::new(2)
            .with_hidden(vec![3])
            .with_dropout(vec![0.0]);
        let device = crate::backend::cpu().device.autodiff();
        let model = config.init(&device);
        let mut values = block_on(param_values(&model)).expect("values read");
        values[0].pop();
        let err = with_param_values(model, &values).expect_err("a short parameter");
        assert!(matches!(err, SplitError::Mismatch { .. }), "{err}");
    }
}

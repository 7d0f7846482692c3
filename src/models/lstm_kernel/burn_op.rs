//! The fused LSTM layer as one burn operation with its own backward pass, through burn's
//! backend-extension point: the CPU backend runs [`super::cpu`] over the whole sequence,
//! GPU backends run [`super::cube`]'s kernels, and burn's autodiff calls our backward instead of differentiating a dozen tensor
//! operations per time step. Optimisers, weight decay and the rest of the engine see an
//! ordinary module with ordinary parameters.
//!
//! burn 0.22 marks its ndarray backend deprecated (see `crate::backend` for why it stays).
#![allow(deprecated)]

use std::sync::Arc;

use burn::backend::autodiff::Autodiff;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Cube, Dispatch, DispatchDevice, ExtensionType, NdArray, backend_extension};
use burn::tensor::{Device, Tensor, TensorData};
use burn_cubecl::tensor::CubeTensor;

use super::cpu::{self, Shape, Trace, Weights};
use super::cube::{self, CubeTrace};

/// The layer's tensors: input `[batch, time, input]`, `w_x [input, 4H]`, `w_h [H, 4H]`,
/// `bias [4H]` (the layout of burn's `Linear`).
#[derive(ExtensionType)]
pub struct LstmInputs<B: burn::backend::Backend> {
    /// The sequence.
    pub x: FloatTensor<B>,
    /// Input projection.
    pub w_x: FloatTensor<B>,
    /// Recurrent projection.
    pub w_h: FloatTensor<B>,
    /// Gate bias.
    pub bias: FloatTensor<B>,
}

/// Backends that run the fused layer in one operation.
#[backend_extension(Autodiff, NdArray, Cube)]
pub trait FusedLstmBackend: burn::backend::Backend {
    /// Every hidden state of the layer over the sequence, then the final cell state:
    /// `[batch, time + 1, hidden]` (one output, so burn's autodiff sees one node).
    fn fused_lstm(#[extension_type] inputs: LstmInputs<Self>) -> FloatTensor<Self>;
}

/// Threads the CPU kernel was asked to use (0: every core).
static THREADS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Sets the CPU kernel's threads for this process (0: every core), e.g. to compare with a
/// peer at the same thread count.
pub fn set_threads(threads: usize) {
    THREADS.store(threads, std::sync::atomic::Ordering::Relaxed);
}

/// Threads for the CPU kernel: as set, else every core natively; one in the browser (no
/// wasm threads in this toolchain).
pub fn threads() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        match THREADS.load(std::sync::atomic::Ordering::Relaxed) {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
}

/// An NdArray tensor's values and shape: a copy of its slice when it is laid out
/// contiguously (burn's own read walks element by element when the array is shared, which
/// cost more than the layer's forward pass).
fn host(tensor: &FloatTensor<NdArray>) -> (Vec<f32>, Vec<usize>) {
    use burn::backend::ndarray::NdArrayTensor;
    if let NdArrayTensor::F32(storage) = tensor {
        let view = storage.view();
        let shape = view.shape().to_vec();
        let values = match view.as_slice() {
            Some(slice) => slice.to_vec(),
            None => view.iter().copied().collect(),
        };
        return (values, shape);
    }
    use burn::backend::ops::FloatTensorOps;
    use std::future::Future;
    // The CPU backend's read is an `async fn` that finishes on its first poll; polling it
    // here (not `block_on`) keeps this usable inside the worker's and the CLI's executors.
    let mut read = std::pin::pin!(NdArray::float_into_data(tensor.clone()));
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    let std::task::Poll::Ready(data) = read.as_mut().poll(&mut context) else {
        unreachable!("the CPU backend's read completes at once")
    };
    let data = data.expect("the CPU backend reads its own tensors");
    let shape = data.shape().to_vec();
    let values = data
        .convert::<f32>()
        .try_into_vec::<f32>()
        .expect("converted to f32");
    (values, shape)
}

/// An NdArray tensor from values.
fn tensor(values: Vec<f32>, shape: Vec<usize>) -> FloatTensor<NdArray> {
    burn::backend::ndarray::NdArrayTensor::from_data(TensorData::new(values, shape))
}

/// What the forward pass keeps for the backward pass.
struct Saved {
    shape: Shape,
    x: Vec<f32>,
    w_x: Vec<f32>,
    w_h: Vec<f32>,
    bias: Vec<f32>,
    trace: Trace,
}

impl std::fmt::Debug for Saved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Saved({:?})", self.shape)
    }
}

/// Reads the inputs and runs the CPU kernel forward.
fn run_forward(inputs: [&FloatTensor<NdArray>; 4]) -> Saved {
    let [x, w_x, w_h, bias] = inputs;
    let (x, x_shape) = host(x);
    let (w_x, _) = host(w_x);
    let (w_h, w_h_shape) = host(w_h);
    let (bias, _) = host(bias);
    let shape = Shape {
        batch: x_shape[0],
        time: x_shape[1],
        input: x_shape[2],
        hidden: w_h_shape[0],
    };
    let trace = cpu::forward(
        shape,
        &x,
        Weights {
            w_x: &w_x,
            w_h: &w_h,
            bias: &bias,
        },
        threads(),
    );
    Saved {
        shape,
        x,
        w_x,
        w_h,
        bias,
        trace,
    }
}

/// The operation's output from a forward run, `[batch, time + 1, hidden]`: every hidden
/// state and then the final cell state (see [`fused_lstm`]), moved out of the trace (the
/// backward pass reads the trace's own time-major copy).
fn output(saved: &mut Saved) -> FloatTensor<NdArray> {
    let s = saved.shape;
    let values = std::mem::take(&mut saved.trace.output);
    tensor(values, vec![s.batch, s.time + 1, s.hidden])
}

impl FusedLstmBackend for NdArray {
    fn fused_lstm(inputs: LstmInputs<Self>) -> FloatTensor<Self> {
        output(&mut run_forward([
            &inputs.x,
            &inputs.w_x,
            &inputs.w_h,
            &inputs.bias,
        ]))
    }
}

/// The backward step: our kernel's gradients for all four inputs.
#[derive(Debug)]
struct FusedLstmBackward;

impl Backward<NdArray, 4> for FusedLstmBackward {
    type State = Arc<Saved>;

    fn backward(
        self,
        ops: Ops<Self::State, 4>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let saved = ops.state;
        let s = saved.shape;
        let (d_out, _) = host(&grads.consume::<NdArray>(&ops.node));
        // The input's gradient only when the input is tracked (not for the data a first
        // layer reads).
        let need_dx = ops.parents[0].is_some();
        let g = cpu::backward(
            s,
            &saved.x,
            Weights {
                w_x: &saved.w_x,
                w_h: &saved.w_h,
                bias: &saved.bias,
            },
            &saved.trace,
            &d_out,
            need_dx,
        );
        let g4 = 4 * s.hidden;
        let [node_x, node_w_x, node_w_h, node_bias] = ops.parents;
        let outputs = [
            (node_x, g.x, vec![s.batch, s.time, s.input]),
            (node_w_x, g.w_x, vec![s.input, g4]),
            (node_w_h, g.w_h, vec![s.hidden, g4]),
            (node_bias, g.bias, vec![g4]),
        ];
        for (node, values, shape) in outputs {
            if let Some(node) = node {
                grads.register::<NdArray>(node.id, tensor(values, shape));
            }
        }
    }
}

impl<C: CheckpointStrategy> FusedLstmBackend for Autodiff<NdArray, C> {
    fn fused_lstm(inputs: LstmInputs<Self>) -> FloatTensor<Self> {
        let nodes = [
            inputs.x.node(),
            inputs.w_x.node(),
            inputs.w_h.node(),
            inputs.bias.node(),
        ];
        match FusedLstmBackward
            .prepare::<C>(nodes)
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let mut saved = run_forward([
                    inputs.x.primitive(),
                    inputs.w_x.primitive(),
                    inputs.w_h.primitive(),
                    inputs.bias.primitive(),
                ]);
                let out = output(&mut saved);
                prep.finish(Arc::new(saved), out)
            }
            OpsKind::UnTracked(prep) => {
                let mut saved = run_forward([
                    inputs.x.primitive(),
                    inputs.w_x.primitive(),
                    inputs.w_h.primitive(),
                    inputs.bias.primitive(),
                ]);
                prep.finish(output(&mut saved))
            }
        }
    }
}

impl FusedLstmBackend for Cube {
    fn fused_lstm(inputs: LstmInputs<Self>) -> FloatTensor<Self> {
        cube::forward(inputs.x, inputs.w_x, inputs.w_h, inputs.bias).hidden
    }
}

/// What the GPU forward pass keeps for the backward pass.
#[derive(Clone, Debug)]
struct CubeSaved {
    x: CubeTensor,
    w_x: CubeTensor,
    w_h: CubeTensor,
    trace: CubeTrace,
}

/// The backward step on GPU backends.
#[derive(Debug)]
struct CubeLstmBackward;

impl Backward<Cube, 4> for CubeLstmBackward {
    type State = CubeSaved;

    fn backward(
        self,
        ops: Ops<Self::State, 4>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let saved = ops.state;
        let d_hidden = grads.consume::<Cube>(&ops.node);
        let g = cube::backward(saved.x, saved.w_x, saved.w_h, &saved.trace, d_hidden);
        let [node_x, node_w_x, node_w_h, node_bias] = ops.parents;
        for (node, gradient) in [
            (node_x, g.x),
            (node_w_x, g.w_x),
            (node_w_h, g.w_h),
            (node_bias, g.bias),
        ] {
            if let Some(node) = node {
                grads.register::<Cube>(node.id, gradient);
            }
        }
    }
}

impl<C: CheckpointStrategy> FusedLstmBackend for Autodiff<Cube, C> {
    fn fused_lstm(inputs: LstmInputs<Self>) -> FloatTensor<Self> {
        let nodes = [
            inputs.x.node(),
            inputs.w_x.node(),
            inputs.w_h.node(),
            inputs.bias.node(),
        ];
        let x = inputs.x.primitive().clone();
        let w_x = inputs.w_x.primitive().clone();
        let w_h = inputs.w_h.primitive().clone();
        let bias = inputs.bias.primitive().clone();
        match CubeLstmBackward
            .prepare::<C>(nodes)
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let trace = cube::forward(x.clone(), w_x.clone(), w_h.clone(), bias);
                let out = trace.hidden.clone();
                prep.finish(CubeSaved { x, w_x, w_h, trace }, out)
            }
            OpsKind::UnTracked(prep) => prep.finish(cube::forward(x, w_x, w_h, bias).hidden),
        }
    }
}

/// Whether layers may run fused (on by default; off to measure the stepwise layer).
static FUSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Turns the fused kernels on or off for this process (off: every layer runs as burn
/// tensor operations per step), e.g. for `foresight bench --stepwise`.
pub fn set_fused(enabled: bool) {
    FUSED.store(enabled, std::sync::atomic::Ordering::Relaxed);
}

/// Whether the fused kernels are on (see [`set_fused`]).
pub fn fused() -> bool {
    FUSED.load(std::sync::atomic::Ordering::Relaxed)
}

/// True when tensors on `device` run on the CPU backend (our CPU kernel).
pub fn runs_on_cpu_kernel(device: &Device) -> bool {
    matches!(
        device.clone().inner().as_dispatch(),
        DispatchDevice::NdArray(_)
    )
}

/// True when a layer of `hidden` units on `device` runs as one fused operation: the CPU
/// kernel, or the GPU kernels up to [`cube::MAX_HIDDEN`] units (their workgroup memory).
pub fn runs_fused(device: &Device, hidden: usize) -> bool {
    if !fused() {
        return false;
    }
    match device.clone().inner().as_dispatch() {
        DispatchDevice::NdArray(_) => true,
        DispatchDevice::Cube(_) => hidden <= cube::MAX_HIDDEN,
        _ => false,
    }
}

/// One LSTM layer over `x: [batch, time, input]` (time ≥ 1) as one operation with a
/// hand-written backward pass: `[batch, time + 1, hidden]`, every hidden state and then the
/// final cell state (gradients flow into both). Only where [`runs_fused`] says so.
pub fn fused_lstm(x: Tensor<3>, w_x: Tensor<2>, w_h: Tensor<2>, bias: Tensor<1>) -> Tensor<3> {
    Tensor::from_dispatch(<Dispatch as FusedLstmBackend>::fused_lstm(LstmInputs {
        x: x.into_dispatch(),
        w_x: w_x.into_dispatch(),
        w_h: w_h.into_dispatch(),
        bias: bias.into_dispatch(),
    }))
}

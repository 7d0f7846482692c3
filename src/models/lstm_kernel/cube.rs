//! The fused LSTM layer on GPU backends (WebGPU in the browser, Vulkan/Metal natively):
//! CubeCL kernels that run a layer's whole time loop in one dispatch forward and one
//! backward, with the products over all time steps as single large matrix products.
//!
//! Per layer and training step that is 3 launches forward (input projection, bias, the
//! recurrence) and about 10 backward (the reverse recurrence, then `dW_x`, `dW_h`, the bias
//! and `dx` over all steps at once), where the stepwise layer issues ~25 per time step.
//!
//! Layout: one workgroup ("cube") per sequence; its threads own hidden units (thread `u`
//! owns units `u, u + threads, …`), so each thread's cell state never leaves it. The
//! previous hidden state sits in workgroup memory, read by every thread for the recurrent
//! product; `W_h` is read from global memory (it does not fit beyond `H ≈ 32`), in an order
//! where neighbouring threads read neighbouring addresses. Sequences are independent, so no
//! grid-wide barrier is needed (WebGPU has none).

use burn::backend::Cube;
use burn::backend::ops::FloatTensorOps;
use burn::tensor::{DType, Shape};
use burn_cubecl::kernel::into_contiguous;
use burn_cubecl::ops::numeric::{empty_device_dtype, zeros_client};
use burn_cubecl::tensor::CubeTensor;
use cubecl::prelude::*;

/// Threads per workgroup at most: WebGPU's default limit, which every adapter offers.
const MAX_THREADS: usize = 256;

/// Largest hidden size the kernels take: the backward pass keeps `6·H` floats in
/// workgroup memory, and WebGPU guarantees 16 KiB of it.
pub const MAX_HIDDEN: usize = 640;

/// `1 / (1 + e^-x)`; saturates cleanly (e^-x → ∞ gives 0).
#[cube]
fn logistic(x: f32) -> f32 {
    1.0f32 / (1.0f32 + (-x).exp())
}

/// `tanh(x) = 2σ(2x) − 1`: finite for every input, unlike `(e^2x − 1)/(e^2x + 1)`.
#[cube]
fn tanh_safe(x: f32) -> f32 {
    2.0f32 * logistic(2.0f32 * x) - 1.0f32
}

/// The recurrence forward for one sequence per workgroup. `projected [B, T, 4H]` is
/// `x·W_x + b` for every step; writes every hidden state and then the final cell state
/// into `hidden [B, T + 1, H]` (the operation's output), and every cell state and the
/// activated gates (i, f, g, o) that the backward pass needs.
#[cube(launch)]
fn lstm_forward_kernel(
    projected: &Tensor<f32>,
    w_h: &Tensor<f32>,
    hidden: &mut Tensor<f32>,
    cell: &mut Tensor<f32>,
    gates: &mut Tensor<f32>,
    time: u32,
    #[comptime] units: usize,
) {
    let sequence = CUBE_POS_X as usize;
    let threads = CUBE_DIM_X as usize;
    let steps = time as usize;
    let width = 4 * units;
    let mut h_prev = Shared::new_slice(units);

    let mut j = UNIT_POS_X as usize;
    while j < units {
        h_prev[j] = 0.0f32;
        j += threads;
    }
    sync_cube();

    for t in 0..steps {
        let row = sequence * steps + t;
        let out = (sequence * (steps + 1) + t) * units;
        let gate_row = row * width;
        let mut j = UNIT_POS_X as usize;
        while j < units {
            let mut a_i = projected[gate_row + j];
            let mut a_f = projected[gate_row + units + j];
            let mut a_g = projected[gate_row + 2 * units + j];
            let mut a_o = projected[gate_row + 3 * units + j];
            for k in 0..units {
                let h_k = h_prev[k];
                let w = k * width + j;
                a_i += h_k * w_h[w];
                a_f += h_k * w_h[w + units];
                a_g += h_k * w_h[w + 2 * units];
                a_o += h_k * w_h[w + 3 * units];
            }
            let i = logistic(a_i);
            let f = logistic(a_f);
            let g = tanh_safe(a_g);
            let o = logistic(a_o);
            let mut c_prev = 0.0f32;
            if t > 0 {
                c_prev = cell[(row - 1) * units + j];
            }
            let c = f * c_prev + i * g;
            cell[row * units + j] = c;
            hidden[out + j] = o * tanh_safe(c);
            gates[gate_row + j] = i;
            gates[gate_row + units + j] = f;
            gates[gate_row + 2 * units + j] = g;
            gates[gate_row + 3 * units + j] = o;
            j += threads;
        }
        // Every thread has read h_{t-1} before anyone overwrites it.
        sync_cube();
        let mut j = UNIT_POS_X as usize;
        while j < units {
            h_prev[j] = hidden[out + j];
            j += threads;
        }
        sync_cube();
    }
    // The final cell state after the hidden states (each thread its own units).
    let last = (sequence * steps + steps - 1) * units;
    let final_row = (sequence * (steps + 1) + steps) * units;
    let mut j = UNIT_POS_X as usize;
    while j < units {
        hidden[final_row + j] = cell[last + j];
        j += threads;
    }
}

/// The recurrence backward for one sequence per workgroup, last step first. Takes the loss
/// gradient of the operation's output `[B, T + 1, H]` (every hidden state, then the final
/// cell state) and writes the gradient of every gate's pre-activation
/// `[B, T, 4H]`; the weight and input gradients are products of that with the forward's
/// tensors, done outside over all steps at once. `w_h_t` is `W_hᵀ [4H, H]`.
#[cube(launch)]
fn lstm_backward_kernel(
    d_hidden: &Tensor<f32>,
    gates: &Tensor<f32>,
    cell: &Tensor<f32>,
    w_h_t: &Tensor<f32>,
    d_gates: &mut Tensor<f32>,
    time: u32,
    #[comptime] units: usize,
) {
    let sequence = CUBE_POS_X as usize;
    let threads = CUBE_DIM_X as usize;
    let steps = time as usize;
    let width = 4 * units;
    // dL/dh_t through h_{t+1}'s gates, dL/dc_t through c_{t+1}, and this step's gate
    // gradients, which every thread reads for the recurrent product.
    let mut dh_next = Shared::new_slice(units);
    let mut dc_next = Shared::new_slice(units);
    let mut d_gate = Shared::new_slice(width);

    let mut j = UNIT_POS_X as usize;
    while j < units {
        dh_next[j] = 0.0f32;
        dc_next[j] = d_hidden[(sequence * (steps + 1) + steps) * units + j];
        j += threads;
    }
    sync_cube();

    for back in 0..steps {
        let t = steps - 1 - back;
        let row = sequence * steps + t;
        let out = (sequence * (steps + 1) + t) * units;
        let gate_row = row * width;
        let mut j = UNIT_POS_X as usize;
        while j < units {
            let dh = d_hidden[out + j] + dh_next[j];
            let i = gates[gate_row + j];
            let f = gates[gate_row + units + j];
            let g = gates[gate_row + 2 * units + j];
            let o = gates[gate_row + 3 * units + j];
            let tanh_c = tanh_safe(cell[row * units + j]);
            let mut c_prev = 0.0f32;
            if t > 0 {
                c_prev = cell[(row - 1) * units + j];
            }
            let dc = dc_next[j] + dh * o * (1.0f32 - tanh_c * tanh_c);
            let d_i = dc * g * i * (1.0f32 - i);
            let d_f = dc * c_prev * f * (1.0f32 - f);
            let d_g = dc * i * (1.0f32 - g * g);
            let d_o = dh * tanh_c * o * (1.0f32 - o);
            dc_next[j] = dc * f;
            d_gate[j] = d_i;
            d_gate[units + j] = d_f;
            d_gate[2 * units + j] = d_g;
            d_gate[3 * units + j] = d_o;
            d_gates[gate_row + j] = d_i;
            d_gates[gate_row + units + j] = d_f;
            d_gates[gate_row + 2 * units + j] = d_g;
            d_gates[gate_row + 3 * units + j] = d_o;
            j += threads;
        }
        sync_cube();
        let mut k = UNIT_POS_X as usize;
        while k < units {
            let mut acc = 0.0f32;
            for m in 0..width {
                acc += d_gate[m] * w_h_t[m * units + k];
            }
            dh_next[k] = acc;
            k += threads;
        }
        // Every thread has read this step's gate gradients before the next step writes.
        sync_cube();
    }
}

/// What the forward pass leaves for the backward pass (all on the device).
#[derive(Clone, Debug)]
pub struct CubeTrace {
    /// Every hidden state, then the final cell state `[B, T + 1, H]`: the operation's output.
    pub hidden: CubeTensor,
    /// Every cell state `[B, T, H]`.
    pub cell: CubeTensor,
    /// Activated gates i, f, g, o `[B, T, 4H]`.
    pub gates: CubeTensor,
}

/// Dimensions of a tensor on the GPU backend.
fn dims<const D: usize>(tensor: &CubeTensor) -> [usize; D] {
    use burn::backend::TensorMetadata;
    tensor.shape().dims::<D>()
}

/// Threads per workgroup for `units` hidden units.
fn threads_for(units: usize, tensor: &CubeTensor) -> u32 {
    let hardware = tensor.client.properties().hardware.max_cube_dim.0 as usize;
    units.min(MAX_THREADS).min(hardware).max(1) as u32
}

/// The layer forward: `x [B, T, In]`, `w_x [In, 4H]`, `w_h [H, 4H]`, `bias [4H]`.
pub fn forward(x: CubeTensor, w_x: CubeTensor, w_h: CubeTensor, bias: CubeTensor) -> CubeTrace {
    let [batch, time, input] = dims::<3>(&x);
    let units = dims::<2>(&w_h)[0];
    let flat = Cube::float_reshape(x, Shape::new([batch * time, input]));
    let projected = Cube::float_add(
        Cube::float_matmul(flat, w_x),
        Cube::float_reshape(bias, Shape::new([1, 4 * units])),
    );
    let projected = into_contiguous(projected);
    let w_h = into_contiguous(w_h);
    let client = projected.client.clone();
    let device = projected.device.clone();
    let empty = |shape: [usize; 3]| {
        empty_device_dtype(
            client.clone(),
            device.clone(),
            Shape::new(shape),
            DType::F32,
        )
    };
    let hidden = empty([batch, time + 1, units]);
    let cell = empty([batch, time, units]);
    let gates = empty([batch, time, 4 * units]);
    let threads = threads_for(units, &projected);
    lstm_forward_kernel::launch(
        &client,
        CubeCount::Static(batch as u32, 1, 1),
        CubeDim::new_1d(threads),
        projected.into_tensor_arg(),
        w_h.into_tensor_arg(),
        hidden.clone().into_tensor_arg(),
        cell.clone().into_tensor_arg(),
        gates.clone().into_tensor_arg(),
        time as u32,
        units,
    );
    CubeTrace {
        hidden,
        cell,
        gates,
    }
}

/// Gradients of the layer's four inputs.
pub struct CubeGradients {
    /// `[B, T, In]`.
    pub x: CubeTensor,
    /// `[In, 4H]`.
    pub w_x: CubeTensor,
    /// `[H, 4H]`.
    pub w_h: CubeTensor,
    /// `[4H]`.
    pub bias: CubeTensor,
}

/// The layer backward from the loss gradient of the operation's output `[B, T + 1, H]`.
pub fn backward(
    x: CubeTensor,
    w_x: CubeTensor,
    w_h: CubeTensor,
    trace: &CubeTrace,
    d_hidden: CubeTensor,
) -> CubeGradients {
    let [batch, time, input] = dims::<3>(&x);
    let units = dims::<2>(&w_h)[0];
    let width = 4 * units;
    let rows = batch * time;
    let d_hidden = into_contiguous(d_hidden);
    let w_h_t = into_contiguous(Cube::float_transpose(w_h));
    let client = d_hidden.client.clone();
    let device = d_hidden.device.clone();
    let d_gates = empty_device_dtype(
        client.clone(),
        device.clone(),
        Shape::new([batch, time, width]),
        DType::F32,
    );
    let threads = threads_for(units, &d_hidden);
    lstm_backward_kernel::launch(
        &client,
        CubeCount::Static(batch as u32, 1, 1),
        CubeDim::new_1d(threads),
        d_hidden.into_tensor_arg(),
        trace.gates.clone().into_tensor_arg(),
        trace.cell.clone().into_tensor_arg(),
        w_h_t.into_tensor_arg(),
        d_gates.clone().into_tensor_arg(),
        time as u32,
        units,
    );
    let d_gates = Cube::float_reshape(d_gates, Shape::new([rows, width]));
    let x_flat = Cube::float_reshape(x, Shape::new([rows, input]));
    let d_w_x = Cube::float_matmul(Cube::float_transpose(x_flat), d_gates.clone());
    let d_bias = Cube::float_reshape(Cube::float_sum_dim(d_gates.clone(), 0), Shape::new([width]));
    // h_{t-1} for every step: zeros, then the hidden states but the last.
    let h_prev = if time > 1 {
        let first = zeros_client(
            client.clone(),
            device.clone(),
            Shape::new([batch, 1, units]),
            DType::F32,
        );
        let earlier = Cube::float_slice(
            trace.hidden.clone(),
            &[
                burn::tensor::Slice::from(0..batch),
                burn::tensor::Slice::from(0..time - 1),
                burn::tensor::Slice::from(0..units),
            ],
        );
        Cube::float_cat(vec![first, earlier], 1)
    } else {
        zeros_client(client, device, Shape::new([batch, 1, units]), DType::F32)
    };
    let h_prev = Cube::float_reshape(h_prev, Shape::new([rows, units]));
    let d_w_h = Cube::float_matmul(Cube::float_transpose(h_prev), d_gates.clone());
    let d_x = Cube::float_matmul(d_gates, Cube::float_transpose(w_x));
    CubeGradients {
        x: Cube::float_reshape(d_x, Shape::new([batch, time, input])),
        w_x: d_w_x,
        w_h: d_w_h,
        bias: d_bias,
    }
}

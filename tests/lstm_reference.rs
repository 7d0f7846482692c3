//! The fused LSTM kernels against PyTorch's `nn.LSTM` (float64 figures in
//! `tests/data/lstm/torch_lstm.json`, written by `tests/data/make_lstm_reference.py`): every
//! hidden state, the final h and c, and the gradients of the input and of every weight, for a
//! single layer, a two-layer stack and a long sequence with saturated gates. Checked on the
//! CPU kernel directly, and through the engine's layer (burn module + operation + autodiff)
//! on the CPU kernel and on the GPU kernels (wgpu: lavapipe in CI); the fused layer is also
//! checked against the same layer as burn tensor operations per step on both backends.
//!
//! Tolerance: |ours − reference| ≤ 1e-4 · (1 + |reference|) — f32 arithmetic over at most
//! 60 steps.

use foresight::models::lstm_kernel::cpu::{self, Shape, Weights};
use serde_json::Value;

const TOLERANCE: f64 = 1e-4;

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number") as f32)
        .collect()
}

/// `[rows, cols]` → `[cols, rows]`.
fn transpose(v: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut out = vec![0.0; v.len()];
    for r in 0..rows {
        for c in 0..cols {
            out[c * rows + r] = v[r * cols + c];
        }
    }
    out
}

fn assert_close(ours: &[f32], theirs: &[f32], what: &str) {
    assert_eq!(ours.len(), theirs.len(), "{what}: lengths");
    for (k, (a, b)) in ours.iter().zip(theirs).enumerate() {
        let (a, b) = (*a as f64, *b as f64);
        assert!(
            (a - b).abs() <= TOLERANCE * (1.0 + b.abs()),
            "{what}[{k}]: ours {a}, reference {b}"
        );
    }
}

/// One layer's weights in our layout, from PyTorch's.
struct Layer {
    w_x: Vec<f32>,
    w_h: Vec<f32>,
    bias: Vec<f32>,
}

fn layer_of(v: &Value, input: usize, hidden: usize) -> Layer {
    let g4 = 4 * hidden;
    let bias = floats(&v["bias_ih"])
        .iter()
        .zip(floats(&v["bias_hh"]))
        .map(|(a, b)| a + b)
        .collect();
    Layer {
        w_x: transpose(&floats(&v["weight_ih"]), g4, input),
        w_h: transpose(&floats(&v["weight_hh"]), g4, hidden),
        bias,
    }
}

/// The last step of `[batch, time, n]`: `[batch, n]`.
fn last_step(v: &[f32], batch: usize, time: usize, n: usize) -> Vec<f32> {
    (0..batch)
        .flat_map(|b| v[(b * time + time - 1) * n..(b * time + time) * n].to_vec())
        .collect()
}

#[test]
fn cpu_kernel_matches_pytorch_forward_and_gradients() {
    let text = std::fs::read_to_string("tests/data/lstm/torch_lstm.json").expect("fixture");
    let fixture: Value = serde_json::from_str(&text).expect("json");
    let cases = fixture["cases"].as_array().expect("cases");
    assert!(cases.len() >= 3);
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let get = |k: &str| case[k].as_u64().expect("size") as usize;
        let (batch, time) = (get("batch"), get("time"));
        let hidden: Vec<usize> = case["hidden"]
            .as_array()
            .expect("hidden")
            .iter()
            .map(|h| h.as_u64().expect("h") as usize)
            .collect();
        let specs = case["layers"].as_array().expect("layers");
        // Forward through the stack, keeping each layer's input and trace.
        let mut input = floats(&case["x"]);
        let mut d_in = get("input");
        let mut runs = vec![];
        for (l, spec) in specs.iter().enumerate() {
            let h = hidden[l];
            let layer = layer_of(spec, d_in, h);
            let shape = Shape {
                batch,
                time,
                input: d_in,
                hidden: h,
            };
            let w = Weights {
                w_x: &layer.w_x,
                w_h: &layer.w_h,
                bias: &layer.bias,
            };
            let trace = cpu::forward(shape, &input, w, 1);
            let what = format!("{name} layer {l}");
            assert_close(
                &last_step(&trace.hidden(shape), batch, time, h),
                &floats(&spec["h_n"]),
                &format!("{what} h_n"),
            );
            assert_close(
                &last_step(&trace.cells(shape), batch, time, h),
                &floats(&spec["c_n"]),
                &format!("{what} c_n"),
            );
            let next = trace.hidden(shape);
            runs.push((shape, layer, input, trace));
            input = next;
            d_in = h;
        }
        assert_close(&input, &floats(&case["output"]), &format!("{name} output"));
        // Backward from the last layer: its outputs get r_out; every layer's final h and c
        // get r_h and r_c.
        let mut d_hidden = floats(&case["r_out"]);
        for (l, (shape, layer, x, trace)) in runs.iter().enumerate().rev() {
            let spec = &specs[l];
            let h = shape.hidden;
            for (b, r) in floats(&spec["r_h"]).chunks(h).enumerate() {
                let at = (b * time + time - 1) * h;
                for (d, r) in d_hidden[at..at + h].iter_mut().zip(r) {
                    *d += r;
                }
            }
            let w = Weights {
                w_x: &layer.w_x,
                w_h: &layer.w_h,
                bias: &layer.bias,
            };
            // The operation's output is every hidden state, then the final cell state.
            let r_c = floats(&spec["r_c"]);
            let mut d_out = Vec::new();
            for (d_h, d_c) in d_hidden.chunks(time * h).zip(r_c.chunks(h)) {
                d_out.extend_from_slice(d_h);
                d_out.extend_from_slice(d_c);
            }
            let grads = cpu::backward(*shape, x, w, trace, &d_out, true);
            let what = format!("{name} layer {l}");
            let g4 = 4 * h;
            assert_close(
                &transpose(&grads.w_x, shape.input, g4),
                &floats(&spec["grad_weight_ih"]),
                &format!("{what} dW_ih"),
            );
            assert_close(
                &transpose(&grads.w_h, h, g4),
                &floats(&spec["grad_weight_hh"]),
                &format!("{what} dW_hh"),
            );
            assert_close(
                &grads.bias,
                &floats(&spec["grad_bias"]),
                &format!("{what} dbias"),
            );
            d_hidden = grads.x;
        }
        assert_close(&d_hidden, &floats(&case["grad_x"]), &format!("{name} dx"));
    }
}

/// Values of a tensor on the CPU backend.
fn values_of<const D: usize>(t: burn::tensor::Tensor<D>) -> Vec<f32> {
    t.into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .expect("f32 values")
}

/// The fused burn operation (hand-written backward, through burn's autodiff) against the
/// same layer written as burn tensor operations per step, on `device`: every hidden state,
/// the final h and c, the input's gradient and every parameter's gradient, with the loss
/// reaching the layer through all three outputs.
fn fused_matches_stepwise(
    device: burn::tensor::Device,
    batch: usize,
    time: usize,
    input: usize,
    hidden: usize,
) {
    use burn::tensor::{Distribution, Tensor};
    use foresight::models::FusedLstmConfig;
    let device = device.autodiff();
    device.seed(3);
    let layer = FusedLstmConfig::new(input, hidden).init(&device);
    let shape = format!("batch {batch}, time {time}, input {input}, hidden {hidden}");
    let x = Tensor::<3>::random(
        [batch, time, input],
        Distribution::Uniform(-1.0, 1.0),
        &device,
    )
    .require_grad();
    let uniform = Distribution::Uniform(-1.0, 1.0);
    let r = Tensor::<3>::random([batch, time, hidden], uniform, &device);
    let r_h = Tensor::<2>::random([batch, hidden], uniform, &device);
    let r_c = Tensor::<2>::random([batch, hidden], uniform, &device);
    let fused = layer.forward_state(x.clone());
    let stepwise = layer.forward_stepwise_state(x.clone());
    let pairs = [
        (fused.hidden.clone(), stepwise.hidden.clone(), "outputs"),
        (
            fused.h_n.clone().unsqueeze_dim(1),
            stepwise.h_n.clone().unsqueeze_dim(1),
            "h_n",
        ),
        (
            fused.c_n.clone().unsqueeze_dim(1),
            stepwise.c_n.clone().unsqueeze_dim(1),
            "c_n",
        ),
    ];
    for (a, b, what) in pairs {
        assert_close(&values_of(a), &values_of(b), &format!("{shape}: {what}"));
    }
    let loss = |o: foresight::models::LstmOutput| {
        (o.hidden * r.clone()).sum() + (o.h_n * r_h.clone()).sum() + (o.c_n * r_c.clone()).sum()
    };
    let grads_fused = loss(fused).backward();
    let grads_stepwise = loss(stepwise).backward();
    let grad = |t: Tensor<3>, g| values_of(t.grad(g).expect("x grad"));
    assert_close(
        &grad(x.clone(), &grads_fused),
        &grad(x.clone(), &grads_stepwise),
        &format!("{shape}: dx"),
    );
    let pairs = [
        (layer.input.weight.val(), "input weight"),
        (layer.recurrent.weight.val(), "recurrent weight"),
    ];
    for (w, what) in pairs {
        let a = values_of(w.grad(&grads_fused).expect("grad"));
        let b = values_of(w.grad(&grads_stepwise).expect("grad"));
        assert!(
            b.iter().any(|v| v.abs() > 1e-4),
            "{shape}: {what}: gradient is zero"
        );
        assert_close(&a, &b, &format!("{shape}: {what}"));
    }
    let bias = layer.input.bias.as_ref().expect("bias").val();
    assert_close(
        &values_of(bias.grad(&grads_fused).expect("grad")),
        &values_of(bias.grad(&grads_stepwise).expect("grad")),
        &format!("{shape}: bias"),
    );
}

/// The fused layer as the engine uses it (burn module, burn operation, burn's autodiff) on
/// `device`, against PyTorch's fixtures: a stack of layers with PyTorch's weights, the loss
/// reaching every layer's outputs and final (h, c); outputs, h_n, c_n and all gradients.
fn burn_layers_match_pytorch(device: burn::tensor::Device, path: &str) {
    use burn::module::Param;
    use burn::tensor::{Tensor, TensorData};
    use foresight::models::FusedLstmConfig;
    let device = device.autodiff();
    let text = std::fs::read_to_string("tests/data/lstm/torch_lstm.json").expect("fixture");
    let fixture: Value = serde_json::from_str(&text).expect("json");
    for case in fixture["cases"].as_array().expect("cases") {
        let name = format!("{path}: {}", case["name"].as_str().expect("name"));
        let get = |k: &str| case[k].as_u64().expect("size") as usize;
        let (batch, time) = (get("batch"), get("time"));
        let t3 = |v: Vec<f32>, n: usize| {
            Tensor::<3>::from_data(TensorData::new(v, [batch, time, n]), &device)
        };
        let t2 = |v: Vec<f32>, rows: usize, cols: usize| {
            Tensor::<2>::from_data(TensorData::new(v, [rows, cols]), &device)
        };
        let x = t3(floats(&case["x"]), get("input")).require_grad();
        let mut input = x.clone();
        let mut d_in = get("input");
        let mut loss = None::<Tensor<1>>;
        let mut layers = vec![];
        let specs = case["layers"].as_array().expect("layers");
        for (l, spec) in specs.iter().enumerate() {
            let h = case["hidden"][l].as_u64().expect("h") as usize;
            let weights = layer_of(spec, d_in, h);
            let mut layer = FusedLstmConfig::new(d_in, h).init(&device);
            layer.input.weight = Param::from_tensor(t2(weights.w_x, d_in, 4 * h));
            layer.input.bias = Some(Param::from_tensor(Tensor::<1>::from_data(
                TensorData::new(weights.bias, [4 * h]),
                &device,
            )));
            layer.recurrent.weight = Param::from_tensor(t2(weights.w_h, h, 4 * h));
            let out = layer.forward_state(input);
            let what = format!("{name} layer {l}");
            assert_close(
                &values_of(out.h_n.clone()),
                &floats(&spec["h_n"]),
                &format!("{what} h_n"),
            );
            assert_close(
                &values_of(out.c_n.clone()),
                &floats(&spec["c_n"]),
                &format!("{what} c_n"),
            );
            let term = (out.h_n * t2(floats(&spec["r_h"]), batch, h)).sum()
                + (out.c_n * t2(floats(&spec["r_c"]), batch, h)).sum();
            loss = Some(match loss {
                Some(total) => total + term,
                None => term,
            });
            layers.push(layer);
            input = out.hidden;
            d_in = h;
        }
        assert_close(
            &values_of(input.clone()),
            &floats(&case["output"]),
            &format!("{name} output"),
        );
        let loss = loss.expect("a layer") + (input * t3(floats(&case["r_out"]), d_in)).sum();
        let grads = loss.backward();
        for (l, (layer, spec)) in layers.iter().zip(specs).enumerate() {
            let what = format!("{name} layer {l}");
            let h = layer.d_hidden;
            let (rows, g4) = (layer.input.weight.val().dims()[0], 4 * h);
            let grad = |w: Tensor<2>| values_of(w.grad(&grads).expect("grad"));
            assert_close(
                &transpose(&grad(layer.input.weight.val()), rows, g4),
                &floats(&spec["grad_weight_ih"]),
                &format!("{what} dW_ih"),
            );
            assert_close(
                &transpose(&grad(layer.recurrent.weight.val()), h, g4),
                &floats(&spec["grad_weight_hh"]),
                &format!("{what} dW_hh"),
            );
            let bias = layer.input.bias.as_ref().expect("bias").val();
            assert_close(
                &values_of(bias.grad(&grads).expect("grad")),
                &floats(&spec["grad_bias"]),
                &format!("{what} dbias"),
            );
        }
        assert_close(
            &values_of(x.grad(&grads).expect("x grad")),
            &floats(&case["grad_x"]),
            &format!("{name} dx"),
        );
    }
}

/// A wgpu device (lavapipe in CI), asserting that an adapter exists.
fn gpu_device() -> burn::tensor::Device {
    use foresight::backend::{BackendChoice, select_native};
    let selected = select_native(BackendChoice::Gpu);
    assert!(
        selected.is_ok(),
        "a wgpu adapter must exist (lavapipe in CI): {:?}",
        selected.err()
    );
    selected.expect("checked").device
}

/// The engine's layer on the CPU kernel against PyTorch.
#[test]
#[allow(deprecated)]
fn cpu_layers_match_pytorch_through_burn() {
    burn_layers_match_pytorch(burn::tensor::Device::ndarray(), "cpu");
}

/// The engine's layer on the GPU kernels against PyTorch.
#[test]
fn gpu_layers_match_pytorch_through_burn() {
    burn_layers_match_pytorch(gpu_device(), "gpu");
}

/// The CPU kernel's burn operation against the stepwise layer.
#[test]
#[allow(deprecated)]
fn burn_operation_matches_the_stepwise_layer_in_values_and_gradients() {
    fused_matches_stepwise(burn::tensor::Device::ndarray(), 4, 9, 3, 5);
}

/// The GPU kernels (CubeCL on wgpu: lavapipe here, a real card elsewhere) against the
/// stepwise layer on the same device: one thread per unit, and more units than a
/// workgroup has threads (each thread then owns several units).
#[test]
fn gpu_kernels_match_the_stepwise_layer_in_values_and_gradients() {
    let device = gpu_device();
    fused_matches_stepwise(device.clone(), 4, 9, 3, 5);
    fused_matches_stepwise(device, 2, 5, 3, 300);
}

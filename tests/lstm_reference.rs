//! The fused LSTM kernels against PyTorch's `nn.LSTM` (float64 figures in
//! `tests/data/lstm/torch_lstm.json`, written by `tests/data/make_lstm_reference.py`): every
//! hidden state, the final h and c, and the gradients of the input and of every weight, for a
//! single layer, a two-layer stack and a long sequence with saturated gates.
//!
//! Tolerance: |ours − torch| ≤ 1e-4 · (1 + |torch|) — f32 arithmetic over at most 60 steps.

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
            let trace = cpu::forward(shape, &input, w);
            let what = format!("{name} layer {l}");
            assert_close(
                &last_step(&trace.hidden, batch, time, h),
                &floats(&spec["h_n"]),
                &format!("{what} h_n"),
            );
            assert_close(
                &last_step(&trace.cells, batch, time, h),
                &floats(&spec["c_n"]),
                &format!("{what} c_n"),
            );
            let next = trace.hidden.clone();
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
            let r_c = floats(&spec["r_c"]);
            let grads = cpu::backward(*shape, x, w, trace.view(), &d_hidden, Some(&r_c));
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
/// same layer written as burn tensor operations per step, on `device`: outputs, the input's
/// gradient and every parameter's gradient, for all-steps and last-step outputs.
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
    for all_steps in [true, false] {
        let x = Tensor::<3>::random(
            [batch, time, input],
            Distribution::Uniform(-1.0, 1.0),
            &device,
        )
        .require_grad();
        let steps = if all_steps { time } else { 1 };
        let r = Tensor::<3>::random(
            [batch, steps, hidden],
            Distribution::Uniform(-1.0, 1.0),
            &device,
        );
        let fused = layer.forward(x.clone(), all_steps);
        let stepwise = layer.forward_stepwise(x.clone(), all_steps);
        assert_close(
            &values_of(fused.clone()),
            &values_of(stepwise.clone()),
            &format!("{shape}: outputs"),
        );
        let grads_fused = (fused * r.clone()).sum().backward();
        let grads_stepwise = (stepwise * r).sum().backward();
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
    use foresight::backend::{BackendChoice, select_native};
    let selected = select_native(BackendChoice::Gpu);
    assert!(
        selected.is_ok(),
        "a wgpu adapter must exist (lavapipe in CI): {:?}",
        selected.err()
    );
    let device = selected.expect("checked").device;
    fused_matches_stepwise(device.clone(), 4, 9, 3, 5);
    fused_matches_stepwise(device, 2, 5, 3, 300);
}

//! The fused LSTM layer on the CPU: forward and backward over a whole sequence in plain Rust,
//! a per-step loop of one small GEMM plus the gate arithmetic, and every product that does
//! not depend on the recurrence (input projection, weight gradients, input gradient) done
//! as one large GEMM over all time steps. No tensor library inside the time loop.
//!
//! Layout (row-major, the burn `Linear` layout, i.e. PyTorch's weights transposed):
//! `x: [batch, time, input]`, `w_x: [input, 4·hidden]`, `w_h: [hidden, 4·hidden]`,
//! `bias: [4·hidden]` (PyTorch's `b_ih + b_hh`), gates in PyTorch's order i, f, g, o.
//! The initial state is zero.

use super::activation;
use super::gemm::{Operand, View, gemm, product};

/// Sizes of one layer's sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Sequences in the batch.
    pub batch: usize,
    /// Time steps.
    pub time: usize,
    /// Features per step coming in.
    pub input: usize,
    /// Hidden (and cell) size.
    pub hidden: usize,
}

impl Shape {
    /// Elements of `[batch, time, n]`.
    fn seq(&self, n: usize) -> usize {
        self.batch * self.time * n
    }

    /// The view of time step `t` inside a `[batch, time, width]` buffer: `[batch, width]`.
    fn step(&self, t: usize, width: usize) -> View {
        View {
            rows: self.batch,
            cols: width,
            offset: t * width,
            row_stride: self.time * width,
            col_stride: 1,
        }
    }
}

/// One layer's parameters, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Weights<'a> {
    /// `[input, 4·hidden]`.
    pub w_x: &'a [f32],
    /// `[hidden, 4·hidden]`.
    pub w_h: &'a [f32],
    /// `[4·hidden]`.
    pub bias: &'a [f32],
}

/// What the forward pass leaves: the outputs, and what the backward pass reads.
#[derive(Debug, Clone)]
pub struct Trace {
    /// Gate activations `[batch, time, 4·hidden]` (σ(i), σ(f), tanh(g), σ(o)).
    pub gates: Vec<f32>,
    /// Cell states `[batch, time, hidden]`.
    pub cells: Vec<f32>,
    /// tanh of the cell states (kept for the backward pass).
    pub cells_tanh: Vec<f32>,
    /// Hidden states `[batch, time, hidden]`: the layer's output.
    pub hidden: Vec<f32>,
}

/// A [`Trace`] borrowed, or the rows of some of its sequences: what the backward pass
/// reads (so a batch split over threads is not copied part by part).
#[derive(Debug, Clone, Copy)]
pub struct TraceView<'a> {
    /// Gate activations `[batch, time, 4·hidden]`.
    pub gates: &'a [f32],
    /// Cell states `[batch, time, hidden]`.
    pub cells: &'a [f32],
    /// tanh of the cell states.
    pub cells_tanh: &'a [f32],
    /// Hidden states `[batch, time, hidden]`.
    pub hidden: &'a [f32],
}

impl Trace {
    /// The whole trace, borrowed.
    pub fn view(&self) -> TraceView<'_> {
        TraceView {
            gates: &self.gates,
            cells: &self.cells,
            cells_tanh: &self.cells_tanh,
            hidden: &self.hidden,
        }
    }
}

impl<'a> TraceView<'a> {
    /// The sequences `batch` of a trace of `shape`.
    fn sequences(self, shape: Shape, batch: std::ops::Range<usize>) -> TraceView<'a> {
        let rows =
            |v: &'a [f32], n: usize| &v[batch.start * shape.time * n..batch.end * shape.time * n];
        TraceView {
            gates: rows(self.gates, 4 * shape.hidden),
            cells: rows(self.cells, shape.hidden),
            cells_tanh: rows(self.cells_tanh, shape.hidden),
            hidden: rows(self.hidden, shape.hidden),
        }
    }
}

/// Gradients of one layer.
#[derive(Debug, Clone)]
pub struct Grads {
    /// `[batch, time, input]`; empty when the caller did not ask for it.
    pub x: Vec<f32>,
    /// `[input, 4·hidden]`.
    pub w_x: Vec<f32>,
    /// `[hidden, 4·hidden]`.
    pub w_h: Vec<f32>,
    /// `[4·hidden]`.
    pub bias: Vec<f32>,
}

/// Zero for magnitudes below 1e-30. Gradients fade geometrically back through time, and
/// once they reach the subnormal range every multiply-add on them costs ~100× (measured:
/// backward of the reference model 1 s instead of tens of ms); values that small carry
/// nothing to the weights anyway.
#[inline]
fn flush(v: f32) -> f32 {
    if v.abs() < 1e-30 { 0.0 } else { v }
}

/// One sequence's step of the backward recurrence: from the gradient reaching its hidden
/// state (`d_out` from above plus `dh_in` from the next step) and its cell state (`dc_io`,
/// replaced by what flows on to the previous step's cell), the pre-activation gradients of
/// the four gates (`d_gate`, `[4·hidden]`). Blocks of [`LANES`] units are fixed-size arrays
/// the compiler keeps in vector registers (the plain loop over slices ran one lane at a time,
/// then a quarter of the step's time).
#[inline(always)]
fn gate_gradients(
    gate: &[f32],
    c_prev: &[f32],
    tc: &[f32],
    d_out: &[f32],
    dh_in: &[f32],
    dc_io: &mut [f32],
    d_gate: &mut [f32],
) {
    let n = tc.len();
    let (i, f, g, o) = (
        &gate[..n],
        &gate[n..2 * n],
        &gate[2 * n..3 * n],
        &gate[3 * n..4 * n],
    );
    let (d_i, rest) = d_gate[..4 * n].split_at_mut(n);
    let (d_f, rest) = rest.split_at_mut(n);
    let (d_g, d_o) = rest.split_at_mut(n);
    // Lanes of 8 as fixed-size arrays (whole vector registers), then the rest one by one.
    let whole = n - n % LANES;
    for start in (0..whole).step_by(LANES) {
        let lanes = start..start + LANES;
        let at = |v: &[f32]| -> [f32; LANES] {
            match v[lanes.clone()].try_into() {
                Ok(a) => a,
                Err(_) => unreachable!("the range is LANES long"),
            }
        };
        let (i, f, g, o) = (at(i), at(f), at(g), at(o));
        let (c_prev, tc, d_out, dh_in, dc_in) =
            (at(c_prev), at(tc), at(d_out), at(dh_in), at(dc_io));
        let mut out = [[0.0f32; LANES]; 5];
        for j in 0..LANES {
            let dh = flush(d_out[j] + dh_in[j]);
            let dc = flush(dc_in[j] + dh * o[j] * (1.0 - tc[j] * tc[j]));
            out[0][j] = dc * f[j];
            out[1][j] = dc * g[j] * i[j] * (1.0 - i[j]);
            out[2][j] = dc * c_prev[j] * f[j] * (1.0 - f[j]);
            out[3][j] = dc * i[j] * (1.0 - g[j] * g[j]);
            out[4][j] = dh * tc[j] * o[j] * (1.0 - o[j]);
        }
        dc_io[lanes.clone()].copy_from_slice(&out[0]);
        d_i[lanes.clone()].copy_from_slice(&out[1]);
        d_f[lanes.clone()].copy_from_slice(&out[2]);
        d_g[lanes.clone()].copy_from_slice(&out[3]);
        d_o[lanes].copy_from_slice(&out[4]);
    }
    for j in whole..n {
        let dh = flush(d_out[j] + dh_in[j]);
        let dc = flush(dc_io[j] + dh * o[j] * (1.0 - tc[j] * tc[j]));
        dc_io[j] = dc * f[j];
        d_i[j] = dc * g[j] * i[j] * (1.0 - i[j]);
        d_f[j] = dc * c_prev[j] * f[j] * (1.0 - f[j]);
        d_g[j] = dc * i[j] * (1.0 - g[j] * g[j]);
        d_o[j] = dh * tc[j] * o[j] * (1.0 - o[j]);
    }
}

/// Lanes of one vector register of f32 with AVX (two SSE or simd128 registers elsewhere).
const LANES: usize = 8;

/// Runs the layer over the whole sequence.
///
/// # Panics
/// When a slice's length disagrees with `shape` (a caller's bug; shapes come from the model).
#[inline(always)]
fn forward_body<const FAST: bool>(shape: Shape, x: &[f32], w: Weights<'_>) -> Trace {
    let Shape {
        batch,
        time,
        input,
        hidden,
    } = shape;
    let g4 = 4 * hidden;
    assert_eq!(x.len(), shape.seq(input), "x");
    assert_eq!(w.w_x.len(), input * g4, "w_x");
    assert_eq!(w.w_h.len(), hidden * g4, "w_h");
    assert_eq!(w.bias.len(), g4, "bias");
    // Pre-activations of every step at once: bias, then x·W_x as one GEMM.
    let mut gates = Vec::with_capacity(shape.seq(g4));
    for _ in 0..batch * time {
        gates.extend_from_slice(w.bias);
    }
    let rows = batch * time;
    gates.resize(rows * g4, 0.0);
    product::<FAST>(
        x,
        View::dense(rows, input, 0),
        &Operand::new(w.w_x, View::dense(input, g4, 0), FAST),
        true,
        &mut gates,
        View::dense(rows, g4, 0),
    );
    let w_h = Operand::new(w.w_h, View::dense(hidden, g4, 0), FAST);
    let mut cells = vec![0.0; shape.seq(hidden)];
    let mut cells_tanh = vec![0.0; shape.seq(hidden)];
    let mut hs = vec![0.0; shape.seq(hidden)];
    for t in 0..time {
        if t > 0 {
            // The recurrent part: gates[:, t] += h[:, t−1] · W_h.
            product::<FAST>(
                &hs,
                shape.step(t - 1, hidden),
                &w_h,
                true,
                &mut gates,
                shape.step(t, g4),
            );
        }
        for b in 0..batch {
            let row = (b * time + t) * g4;
            let cell = (b * time + t) * hidden;
            let gate = &mut gates[row..row + g4];
            activation::sigmoid_in_place(&mut gate[..2 * hidden]);
            activation::tanh_in_place(&mut gate[2 * hidden..3 * hidden]);
            activation::sigmoid_in_place(&mut gate[3 * hidden..]);
            let (i, rest) = gate.split_at(hidden);
            let (f, rest) = rest.split_at(hidden);
            let (g, o) = rest.split_at(hidden);
            let (before, now) = cells.split_at_mut(cell);
            let c_now = &mut now[..hidden];
            if t > 0 {
                let c_prev = &before[cell - hidden..];
                for j in 0..hidden {
                    c_now[j] = f[j] * c_prev[j] + i[j] * g[j];
                }
            } else {
                for j in 0..hidden {
                    c_now[j] = i[j] * g[j];
                }
            }
            let tc = &mut cells_tanh[cell..cell + hidden];
            tc.copy_from_slice(c_now);
            activation::tanh_in_place(tc);
            for ((h, o), tc) in hs[cell..cell + hidden].iter_mut().zip(o).zip(tc.iter()) {
                *h = o * tc;
            }
        }
    }
    Trace {
        gates,
        cells,
        cells_tanh,
        hidden: hs,
    }
}

/// Back-propagates `d_hidden` (the loss's gradient with respect to every hidden state
/// `[batch, time, hidden]`; zeros where a step's output is unused; the final h's gradient
/// belongs in its last step) and `d_cell_last` (with respect to the final cell state
/// `[batch, hidden]`, when the loss reads it) through the layer.
///
/// # Panics
/// When a slice's length disagrees with `shape` (a caller's bug).
#[inline(always)]
fn backward_body<const FAST: bool>(
    shape: Shape,
    x: &[f32],
    w: Weights<'_>,
    trace: TraceView<'_>,
    d_hidden: &[f32],
    d_cell_last: Option<&[f32]>,
    need_dx: bool,
) -> Grads {
    let Shape {
        batch,
        time,
        input,
        hidden,
    } = shape;
    let g4 = 4 * hidden;
    assert_eq!(d_hidden.len(), shape.seq(hidden), "d_hidden");
    assert_eq!(trace.gates.len(), shape.seq(g4), "trace");
    // Pre-activation gate gradients of every step, filled from the last step back.
    let mut d_gates = vec![0.0; shape.seq(g4)];
    let mut dh_next = vec![0.0; batch * hidden];
    let zeros = vec![0.0; hidden];
    let mut dc_next = match d_cell_last {
        Some(d) => {
            assert_eq!(d.len(), batch * hidden, "d_cell_last");
            d.to_vec()
        }
        None => vec![0.0; batch * hidden],
    };
    let w_h_t = Operand::new(w.w_h, View::dense(hidden, g4, 0).t(), FAST);
    for t in (0..time).rev() {
        for b in 0..batch {
            let row = (b * time + t) * g4;
            let cell = (b * time + t) * hidden;
            let c_prev = if t > 0 {
                &trace.cells[cell - hidden..cell]
            } else {
                &zeros[..]
            };
            gate_gradients(
                &trace.gates[row..row + g4],
                c_prev,
                &trace.cells_tanh[cell..cell + hidden],
                &d_hidden[cell..cell + hidden],
                &dh_next[b * hidden..(b + 1) * hidden],
                &mut dc_next[b * hidden..(b + 1) * hidden],
                &mut d_gates[row..row + g4],
            );
        }
        if t > 0 {
            // dh[:, t−1] from the recurrence: d_gates[:, t] · W_hᵀ.
            product::<FAST>(
                &d_gates,
                shape.step(t, g4),
                &w_h_t,
                false,
                &mut dh_next,
                View::dense(batch, hidden, 0),
            );
        }
    }
    let rows = batch * time;
    // h[:, t−1] beside d_gates[:, t] (zero at t = 0), so dW_h is one GEMM over all steps.
    let mut h_prev = vec![0.0; shape.seq(hidden)];
    for b in 0..batch {
        let start = b * time * hidden;
        let len = time.saturating_sub(1) * hidden;
        h_prev[start + hidden..start + hidden + len]
            .copy_from_slice(&trace.hidden[start..start + len]);
    }
    let mut d_w_h = vec![0.0; hidden * g4];
    gemm(
        1.0,
        &h_prev,
        View::dense(rows, hidden, 0).t(),
        &d_gates,
        View::dense(rows, g4, 0),
        0.0,
        &mut d_w_h,
        View::dense(hidden, g4, 0),
    );
    let mut d_w_x = vec![0.0; input * g4];
    gemm(
        1.0,
        x,
        View::dense(rows, input, 0).t(),
        &d_gates,
        View::dense(rows, g4, 0),
        0.0,
        &mut d_w_x,
        View::dense(input, g4, 0),
    );
    // The input's gradient, unless nobody reads it (the first layer's input is data):
    // this product reads and packs all of d_gates once more.
    let mut d_x = Vec::new();
    if need_dx {
        d_x = vec![0.0; shape.seq(input)];
        product::<FAST>(
            &d_gates,
            View::dense(rows, g4, 0),
            &Operand::new(w.w_x, View::dense(input, g4, 0).t(), FAST),
            false,
            &mut d_x,
            View::dense(rows, input, 0),
        );
    }
    let mut d_bias = vec![0.0; g4];
    for row in d_gates.chunks_exact(g4) {
        for (acc, v) in d_bias.iter_mut().zip(row) {
            *acc += v;
        }
    }
    Grads {
        x: d_x,
        w_x: d_w_x,
        w_h: d_w_h,
        bias: d_bias,
    }
}

/// Runs the layer over the whole sequence (see [`forward_body`]), compiled for AVX2 and FMA
/// when the processor has them: the gate arithmetic then runs 8 lanes wide instead of SSE2's
/// 4, with the same IEEE operations (the compiler never fuses them), and the matrix products
/// use fused multiply-adds, so the two builds' results differ in the last bits of products
/// only (as `matrixmultiply`'s own kernels do from machine to machine).
///
/// # Panics
/// When a slice's length disagrees with `shape` (a caller's bug; shapes come from the model).
pub fn forward(shape: Shape, x: &[f32], w: Weights<'_>) -> Trace {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the processor supports AVX2 and FMA (checked just above).
        return unsafe { forward_avx2(shape, x, w) };
    }
    forward_body::<false>(shape, x, w)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn forward_avx2(shape: Shape, x: &[f32], w: Weights<'_>) -> Trace {
    forward_body::<true>(shape, x, w)
}

/// The backward pass (see [`backward_body`]), compiled for AVX2 and FMA when the processor
/// has them (see [`forward`]).
/// The input's gradient (`Grads::x`) is left empty unless `need_dx`: a first layer's input
/// is data, and that product would read all of the gate gradients once more.
///
/// # Panics
/// When a slice's length disagrees with `shape` (a caller's bug).
pub fn backward(
    shape: Shape,
    x: &[f32],
    w: Weights<'_>,
    trace: TraceView<'_>,
    d_hidden: &[f32],
    d_cell_last: Option<&[f32]>,
    need_dx: bool,
) -> Grads {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the processor supports AVX2 and FMA (checked just above).
        return unsafe { backward_avx2(shape, x, w, trace, d_hidden, d_cell_last, need_dx) };
    }
    backward_body::<false>(shape, x, w, trace, d_hidden, d_cell_last, need_dx)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn backward_avx2(
    shape: Shape,
    x: &[f32],
    w: Weights<'_>,
    trace: TraceView<'_>,
    d_hidden: &[f32],
    d_cell_last: Option<&[f32]>,
    need_dx: bool,
) -> Grads {
    backward_body::<true>(shape, x, w, trace, d_hidden, d_cell_last, need_dx)
}

/// Whether this x86-64 processor has AVX2 and FMA (every one with AVX2 since 2013 but a
/// few low-end parts).
#[cfg(target_arch = "x86_64")]
fn has_avx2_fma() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

/// Sequences of a batch are independent through time, so a batch splits across threads
/// with no communication until the weight gradients are summed. One part per thread, each
/// at least [`MIN_PART`] sequences.
const MIN_PART: usize = 8;

/// How many parts to split `batch` into for `threads` threads.
fn parts(batch: usize, threads: usize) -> usize {
    threads.min(batch / MIN_PART).max(1)
}

/// Batch ranges of the parts.
fn ranges(batch: usize, parts: usize) -> Vec<std::ops::Range<usize>> {
    (0..parts)
        .map(|p| (p * batch / parts)..((p + 1) * batch / parts))
        .collect()
}

/// Runs `work` on each part, on scoped threads natively (the browser's worker has no wasm
/// threads here, so it runs them one after another).
fn each_part<T: Send>(
    ranges: &[std::ops::Range<usize>],
    work: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> Vec<T> {
    #[cfg(not(target_arch = "wasm32"))]
    if ranges.len() > 1 {
        return std::thread::scope(|scope| {
            let handles: Vec<_> = ranges
                .iter()
                .map(|r| {
                    let work = &work;
                    let r = r.clone();
                    scope.spawn(move || work(r))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| match h.join() {
                    Ok(v) => v,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        });
    }
    ranges.iter().cloned().map(work).collect()
}

/// [`forward`] with the batch split over `threads` threads (natively; one on wasm).
pub fn forward_threaded(shape: Shape, x: &[f32], w: Weights<'_>, threads: usize) -> Trace {
    let parts = parts(shape.batch, threads);
    if parts == 1 {
        return forward(shape, x, w);
    }
    let per_row = shape.time * shape.input;
    let traces = each_part(&ranges(shape.batch, parts), |r| {
        let part = Shape {
            batch: r.len(),
            ..shape
        };
        forward(part, &x[r.start * per_row..r.end * per_row], w)
    });
    let join = |pick: fn(&Trace) -> &Vec<f32>| {
        let mut all = Vec::with_capacity(traces.iter().map(|t| pick(t).len()).sum());
        for t in &traces {
            all.extend_from_slice(pick(t));
        }
        all
    };
    Trace {
        gates: join(|t| &t.gates),
        cells: join(|t| &t.cells),
        cells_tanh: join(|t| &t.cells_tanh),
        hidden: join(|t| &t.hidden),
    }
}

/// [`backward`] with the batch split over `threads` threads; weight gradients summed.
pub fn backward_threaded(
    shape: Shape,
    x: &[f32],
    w: Weights<'_>,
    trace: TraceView<'_>,
    d_hidden: &[f32],
    d_cell_last: Option<&[f32]>,
    need_dx: bool,
    threads: usize,
) -> Grads {
    let parts = parts(shape.batch, threads);
    if parts == 1 {
        return backward(shape, x, w, trace, d_hidden, d_cell_last, need_dx);
    }
    let (t, h) = (shape.time, shape.hidden);
    let grads = each_part(&ranges(shape.batch, parts), |r| {
        let part = Shape {
            batch: r.len(),
            ..shape
        };
        backward(
            part,
            &x[r.start * t * shape.input..r.end * t * shape.input],
            w,
            trace.sequences(shape, r.clone()),
            &d_hidden[r.start * t * h..r.end * t * h],
            d_cell_last.map(|d| &d[r.start * h..r.end * h]),
            need_dx,
        )
    });
    let mut grads = grads.into_iter();
    let Some(mut total) = grads.next() else {
        return backward(shape, x, w, trace, d_hidden, d_cell_last, need_dx);
    };
    for g in grads {
        total.x.extend_from_slice(&g.x);
        for (a, b) in [
            (&mut total.w_x, &g.w_x),
            (&mut total.w_h, &g.w_h),
            (&mut total.bias, &g.bias),
        ] {
            for (a, b) in a.iter_mut().zip(b) {
                *a += b;
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic values in (−scale, scale).
    fn values(n: usize, seed: u64, scale: f32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                ((s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * scale
            })
            .collect()
    }

    /// The loss Σ r·h over all hidden states, in f64 through the same kernel.
    fn loss(shape: Shape, x: &[f32], w: Weights<'_>, r: &[f32]) -> f64 {
        let trace = forward(shape, x, w);
        trace
            .hidden
            .iter()
            .zip(r)
            .map(|(h, r)| (*h as f64) * (*r as f64))
            .sum()
    }

    #[test]
    fn threaded_equals_single_threaded() {
        let shape = Shape {
            batch: 19,
            time: 6,
            input: 3,
            hidden: 5,
        };
        let x = values(shape.seq(3), 11, 1.0);
        let (w_x, w_h, bias) = (
            values(60, 12, 0.5),
            values(100, 13, 0.5),
            values(20, 14, 0.2),
        );
        let w = Weights {
            w_x: &w_x,
            w_h: &w_h,
            bias: &bias,
        };
        let r = values(shape.seq(5), 15, 1.0);
        let c = values(19 * 5, 16, 1.0);
        let one = forward(shape, &x, w);
        let two = forward_threaded(shape, &x, w, 2);
        assert_eq!(one.hidden, two.hidden);
        assert_eq!(one.gates, two.gates);
        let g1 = backward(shape, &x, w, one.view(), &r, Some(&c), true);
        let g2 = backward_threaded(shape, &x, w, two.view(), &r, Some(&c), true, 2);
        assert_eq!(g1.x, g2.x);
        for (a, b) in g1.w_h.iter().zip(&g2.w_h).chain(g1.w_x.iter().zip(&g2.w_x)) {
            assert!((a - b).abs() <= 1e-5 * (1.0 + a.abs()), "{a} vs {b}");
        }
        // Without the input's gradient (a first layer's data): the same weight gradients.
        for threads in [1, 2] {
            let g3 = backward_threaded(shape, &x, w, one.view(), &r, Some(&c), false, threads);
            assert!(g3.x.is_empty());
            let pairs = g1.w_h.iter().zip(&g3.w_h).chain(g1.w_x.iter().zip(&g3.w_x));
            for (a, b) in pairs.chain(g1.bias.iter().zip(&g3.bias)) {
                assert!((a - b).abs() <= 1e-5 * (1.0 + a.abs()), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn one_step_by_hand() {
        // One sequence, one step, one input, hidden 1: h = σ(o)·tanh(σ(i)·tanh(g)).
        let shape = Shape {
            batch: 1,
            time: 1,
            input: 1,
            hidden: 1,
        };
        let w = Weights {
            w_x: &[0.5, -0.5, 1.0, 2.0],
            w_h: &[0.0; 4],
            bias: &[0.1, 0.2, 0.3, 0.4],
        };
        let trace = forward(shape, &[1.0], w);
        let s = |v: f64| 1.0 / (1.0 + (-v).exp());
        let c = s(0.6) * 1.3f64.tanh();
        let h = s(2.4) * c.tanh();
        assert!((trace.cells[0] as f64 - c).abs() < 1e-6);
        assert!((trace.hidden[0] as f64 - h).abs() < 1e-6);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let shape = Shape {
            batch: 3,
            time: 5,
            input: 2,
            hidden: 4,
        };
        let g4 = 16;
        let x = values(shape.seq(2), 1, 1.0);
        let w_x = values(2 * g4, 2, 0.6);
        let w_h = values(4 * g4, 3, 0.6);
        let bias = values(g4, 4, 0.3);
        let r = values(shape.seq(4), 5, 1.0);
        let w = Weights {
            w_x: &w_x,
            w_h: &w_h,
            bias: &bias,
        };
        let trace = forward(shape, &x, w);
        let grads = backward(shape, &x, w, trace.view(), &r, None, true);
        let eps = 1e-2f32;
        let check = |analytic: &[f32], perturb: &dyn Fn(usize, f32) -> f64, what: &str| {
            for (k, a) in analytic.iter().enumerate() {
                let numeric = (perturb(k, eps) - perturb(k, -eps)) / (2.0 * eps as f64);
                assert!(
                    (numeric - *a as f64).abs() <= 2e-3 * (1.0 + numeric.abs()),
                    "{what}[{k}]: analytic {a}, numeric {numeric}"
                );
            }
        };
        let at = |v: &[f32], k: usize, d: f32| {
            let mut v = v.to_vec();
            v[k] += d;
            v
        };
        check(&grads.x, &|k, d| loss(shape, &at(&x, k, d), w, &r), "x");
        check(
            &grads.w_x,
            &|k, d| {
                let w_x = at(&w_x, k, d);
                loss(shape, &x, Weights { w_x: &w_x, ..w }, &r)
            },
            "w_x",
        );
        check(
            &grads.w_h,
            &|k, d| {
                let w_h = at(&w_h, k, d);
                loss(shape, &x, Weights { w_h: &w_h, ..w }, &r)
            },
            "w_h",
        );
        check(
            &grads.bias,
            &|k, d| {
                let bias = at(&bias, k, d);
                loss(shape, &x, Weights { bias: &bias, ..w }, &r)
            },
            "bias",
        );
    }
}

//! The fused LSTM layer on the CPU: forward and backward over a whole sequence in plain Rust,
//! a per-step loop of small products by weights packed once plus the gate arithmetic, and
//! the weight gradients as one large GEMM over all time steps. No tensor library inside the
//! time loop.
//!
//! Layout: the caller's tensors are batch-major and row-major (the burn `Linear` layout, i.e.
//! PyTorch's weights transposed): `x: [batch, time, input]`, `w_x: [input, 4·hidden]`,
//! `w_h: [hidden, 4·hidden]`, `bias: [4·hidden]` (PyTorch's `b_ih + b_hh`), gates in
//! PyTorch's order i, f, g, o; the initial state is zero. What the kernel keeps between the
//! passes is **time-major** (row `t·batch + b`), as cuDNN keeps it: each step's slice of the
//! gates, cells and gate gradients is one contiguous block, which the hardware prefetcher and
//! the TLB follow (batch-major, a step touched 64 rows 168 KB apart in each buffer), and the
//! hidden states of steps `0..T−1` line up row for row with the gate gradients of `1..T`, so
//! the recurrent weight's gradient is one GEMM with no copy.

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

    /// Elements of one sequence's row of the output `[batch, time + 1, hidden]`.
    fn output_row(&self) -> usize {
        (self.time + 1) * self.hidden
    }

    /// Time step `t` of a batch-major `[batch, time, width]` buffer: `[batch, width]`.
    fn batch_major_step(&self, t: usize, width: usize) -> View {
        View {
            rows: self.batch,
            cols: width,
            offset: t * width,
            row_stride: self.time * width,
            col_stride: 1,
        }
    }

    /// Time step `t` of a time-major `[time, batch, width]` buffer: `[batch, width]`.
    fn time_major_step(&self, t: usize, width: usize) -> View {
        View::dense(self.batch, width, t * self.batch * width)
    }

    /// The same shape for `batch` of its sequences.
    fn part(self, batch: usize) -> Shape {
        Shape { batch, ..self }
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

impl Weights<'_> {
    /// Panics unless the slices fit `shape` (a caller's bug; shapes come from the model).
    fn check(&self, shape: Shape) {
        let g4 = 4 * shape.hidden;
        assert_eq!(self.w_x.len(), shape.input * g4, "w_x");
        assert_eq!(self.w_h.len(), shape.hidden * g4, "w_h");
        assert_eq!(self.bias.len(), g4, "bias");
    }
}

/// What one part of the batch (the sequences one thread ran) leaves for the backward pass,
/// time-major (row `t·batch + b` of the part).
#[derive(Debug, Clone)]
struct PartTrace {
    /// Sequences in the part.
    batch: usize,
    /// Gate activations `[time, batch, 4·hidden]` (σ(i), σ(f), tanh(g), σ(o)).
    gates: Vec<f32>,
    /// Cell states `[time, batch, hidden]`.
    cells: Vec<f32>,
    /// tanh of the cell states.
    cells_tanh: Vec<f32>,
    /// Hidden states `[time, batch, hidden]`.
    hidden: Vec<f32>,
}

/// What the forward pass gives: the output, and what the backward pass reads.
#[derive(Debug, Clone)]
pub struct Trace {
    /// `[batch, time + 1, hidden]`: each sequence's hidden states, then its final cell state
    /// (the fused operation's output as it is, so it is handed on without a copy).
    pub output: Vec<f32>,
    /// The parts of the batch, in order.
    parts: Vec<PartTrace>,
}

impl Trace {
    /// Every hidden state `[batch, time, hidden]` (a copy out of [`Self::output`]).
    pub fn hidden(&self, shape: Shape) -> Vec<f32> {
        let row = shape.output_row();
        let mut hidden = Vec::with_capacity(shape.seq(shape.hidden));
        for sequence in self.output.chunks_exact(row.max(1)) {
            hidden.extend_from_slice(&sequence[..row - shape.hidden]);
        }
        hidden
    }

    /// Every cell state `[batch, time, hidden]` (gathered from the parts; for tests).
    pub fn cells(&self, shape: Shape) -> Vec<f32> {
        let mut cells = Vec::with_capacity(shape.seq(shape.hidden));
        for part in &self.parts {
            // The parts keep their cells time-major: `[time, part batch, hidden]`.
            cells.extend(swap_leading_axes(
                &part.cells,
                shape.time,
                part.batch,
                shape.hidden,
            ));
        }
        cells
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

/// `[outer, inner, width]` → `[inner, outer, width]`: swaps the two leading axes, which turns
/// batch-major rows into time-major ones (`outer` = batch) and back (`outer` = time).
fn swap_leading_axes(v: &[f32], outer: usize, inner: usize, width: usize) -> Vec<f32> {
    let mut out = vec![0.0; outer * inner * width];
    for o in 0..outer {
        for i in 0..inner {
            let (from, to) = ((o * inner + i) * width, (i * outer + o) * width);
            out[to..to + width].copy_from_slice(&v[from..from + width]);
        }
    }
    out
}

/// Zero for magnitudes below 1e-30. Gradients fade geometrically back through time, and
/// once they reach the subnormal range every multiply-add on them costs ~100× (measured:
/// backward of the reference model 1 s instead of tens of ms); values that small carry
/// nothing to the weights anyway.
#[inline]
fn flush(v: f32) -> f32 {
    if v.abs() < 1e-30 { 0.0 } else { v }
}

/// Runs one part of the batch over the whole sequence, writing its rows of the output
/// (`out`: `[batch, time + 1, hidden]`). `FAST`: compiled with AVX2 and FMA (see
/// [`product`]).
#[inline(always)]
fn forward_body<const FAST: bool>(
    shape: Shape,
    x: &[f32],
    w: Weights<'_>,
    out: &mut [f32],
) -> PartTrace {
    let Shape {
        batch,
        time,
        input,
        hidden,
    } = shape;
    let g4 = 4 * hidden;
    assert_eq!(x.len(), shape.seq(input), "x");
    assert_eq!(out.len(), batch * shape.output_row(), "output");
    w.check(shape);
    let w_x = Operand::new(w.w_x, View::dense(input, g4, 0), FAST);
    let w_h = Operand::new(w.w_h, View::dense(hidden, g4, 0), FAST);
    let mut gates = vec![0.0; shape.seq(g4)];
    let mut cells = vec![0.0; shape.seq(hidden)];
    let mut cells_tanh = vec![0.0; shape.seq(hidden)];
    let mut hs = vec![0.0; shape.seq(hidden)];
    let out_row = shape.output_row();
    let step_cells = batch * hidden;
    for t in 0..time {
        // Pre-activations of step t: bias + x[:, t]·W_x + h[:, t−1]·W_h, built while the
        // step's block is in cache.
        let block = t * batch * g4..(t + 1) * batch * g4;
        for row in gates[block].chunks_exact_mut(g4) {
            row.copy_from_slice(w.bias);
        }
        let step = shape.time_major_step(t, g4);
        product::<FAST>(
            x,
            shape.batch_major_step(t, input),
            &w_x,
            true,
            &mut gates,
            step,
        );
        if t > 0 {
            let prev = shape.time_major_step(t - 1, hidden);
            product::<FAST>(&hs, prev, &w_h, true, &mut gates, step);
        }
        for b in 0..batch {
            let row = (t * batch + b) * g4;
            let cell = (t * batch + b) * hidden;
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
                let c_prev = &before[cell - step_cells..cell - step_cells + hidden];
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
            let h_now = &mut hs[cell..cell + hidden];
            for ((h, o), tc) in h_now.iter_mut().zip(o).zip(tc.iter()) {
                *h = o * tc;
            }
            let at = b * out_row + t * hidden;
            out[at..at + hidden].copy_from_slice(h_now);
            if t + 1 == time {
                out[at + hidden..at + 2 * hidden].copy_from_slice(c_now);
            }
        }
    }
    PartTrace {
        batch,
        gates,
        cells,
        cells_tanh,
        hidden: hs,
    }
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

/// Back-propagates one part of the batch. `d_out` is the loss's gradient with respect to
/// the part's rows of the output `[batch, time + 1, hidden]` (every hidden state, then the
/// final cell state; zeros where unused). The input's gradient goes into `d_x`
/// (`[batch, time, input]`) when it is not empty; the weights' gradients are returned
/// (`Grads::x` empty).
#[inline(always)]
fn backward_body<const FAST: bool>(
    shape: Shape,
    x: &[f32],
    w: Weights<'_>,
    part: &PartTrace,
    d_out: &[f32],
    d_x: &mut [f32],
) -> Grads {
    let Shape {
        batch,
        time,
        input,
        hidden,
    } = shape;
    let g4 = 4 * hidden;
    let out_row = shape.output_row();
    assert_eq!(d_out.len(), batch * out_row, "d_out");
    assert_eq!(part.gates.len(), shape.seq(g4), "trace");
    assert_eq!(x.len(), shape.seq(input), "x");
    w.check(shape);
    let w_h_t = Operand::new(w.w_h, View::dense(hidden, g4, 0).t(), FAST);
    // Pre-activation gate gradients of every step (time-major), filled from the last back.
    let mut d_gates = vec![0.0; shape.seq(g4)];
    let mut dh_next = vec![0.0; batch * hidden];
    let mut dc_next = Vec::with_capacity(batch * hidden);
    for b in 0..batch {
        let at = b * out_row + time * hidden;
        dc_next.extend_from_slice(&d_out[at..at + hidden]);
    }
    let zeros = vec![0.0; hidden];
    let step_cells = batch * hidden;
    for t in (0..time).rev() {
        for b in 0..batch {
            let row = (t * batch + b) * g4;
            let cell = (t * batch + b) * hidden;
            let c_prev = if t > 0 {
                &part.cells[cell - step_cells..cell - step_cells + hidden]
            } else {
                &zeros[..]
            };
            let at = b * out_row + t * hidden;
            gate_gradients(
                &part.gates[row..row + g4],
                c_prev,
                &part.cells_tanh[cell..cell + hidden],
                &d_out[at..at + hidden],
                &dh_next[b * hidden..(b + 1) * hidden],
                &mut dc_next[b * hidden..(b + 1) * hidden],
                &mut d_gates[row..row + g4],
            );
        }
        if t > 0 {
            // dh[:, t−1] from the recurrence: d_gates[:, t] · W_hᵀ.
            product::<FAST>(
                &d_gates,
                shape.time_major_step(t, g4),
                &w_h_t,
                false,
                &mut dh_next,
                View::dense(batch, hidden, 0),
            );
        }
    }
    let rows = batch * time;
    // dW_h = Σ_t h[:, t−1]ᵀ·d_gates[:, t]: time-major, h of steps 0..T−1 and the gate
    // gradients of steps 1..T are the same rows, so this is one GEMM in place.
    let pairs = batch * time.saturating_sub(1);
    let mut d_w_h = vec![0.0; hidden * g4];
    gemm(
        1.0,
        &part.hidden,
        View::dense(pairs, hidden, 0).t(),
        &d_gates,
        View::dense(pairs, g4, batch * g4),
        0.0,
        &mut d_w_h,
        View::dense(hidden, g4, 0),
    );
    // dW_x = xᵀ·d_gates over all steps, with x time-major beside the gate gradients.
    let mut d_w_x = vec![0.0; input * g4];
    gemm(
        1.0,
        &swap_leading_axes(x, shape.batch, shape.time, input),
        View::dense(rows, input, 0).t(),
        &d_gates,
        View::dense(rows, g4, 0),
        0.0,
        &mut d_w_x,
        View::dense(input, g4, 0),
    );
    // The input's gradient, unless nobody reads it (the first layer's input is data): per
    // step, straight into the batch-major rows.
    if !d_x.is_empty() {
        assert_eq!(d_x.len(), shape.seq(input), "d_x");
        let w_x_t = Operand::new(w.w_x, View::dense(input, g4, 0).t(), FAST);
        for t in 0..time {
            let step = shape.time_major_step(t, g4);
            product::<FAST>(
                &d_gates,
                step,
                &w_x_t,
                false,
                d_x,
                shape.batch_major_step(t, input),
            );
        }
    }
    let mut d_bias = vec![0.0; g4];
    for row in d_gates.chunks_exact(g4) {
        for (acc, v) in d_bias.iter_mut().zip(row) {
            *acc += v;
        }
    }
    Grads {
        x: Vec::new(),
        w_x: d_w_x,
        w_h: d_w_h,
        bias: d_bias,
    }
}

/// [`forward_body`] compiled for AVX2 and FMA when the processor has them: the gate
/// arithmetic then runs 8 lanes wide instead of SSE2's 4, with the same IEEE operations (the
/// compiler never fuses them), and the products use fused multiply-adds, so the two builds'
/// results differ in the last bits of products only (as `matrixmultiply`'s own kernels do
/// from machine to machine).
fn forward_part(shape: Shape, x: &[f32], w: Weights<'_>, out: &mut [f32]) -> PartTrace {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the processor supports AVX2 and FMA (checked just above).
        return unsafe { forward_avx2(shape, x, w, out) };
    }
    forward_body::<false>(shape, x, w, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn forward_avx2(shape: Shape, x: &[f32], w: Weights<'_>, out: &mut [f32]) -> PartTrace {
    forward_body::<true>(shape, x, w, out)
}

/// [`backward_body`], compiled for AVX2 and FMA when the processor has them (see
/// [`forward_part`]).
fn backward_part(
    shape: Shape,
    x: &[f32],
    w: Weights<'_>,
    part: &PartTrace,
    d_out: &[f32],
    d_x: &mut [f32],
) -> Grads {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the processor supports AVX2 and FMA (checked just above).
        return unsafe { backward_avx2(shape, x, w, part, d_out, d_x) };
    }
    backward_body::<false>(shape, x, w, part, d_out, d_x)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn backward_avx2(
    shape: Shape,
    x: &[f32],
    w: Weights<'_>,
    part: &PartTrace,
    d_out: &[f32],
    d_x: &mut [f32],
) -> Grads {
    backward_body::<true>(shape, x, w, part, d_out, d_x)
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

/// Sizes of the parts (sequences each), in order.
fn part_sizes(batch: usize, parts: usize) -> Vec<usize> {
    (0..parts)
        .map(|p| (p + 1) * batch / parts - p * batch / parts)
        .collect()
}

/// `v` cut into consecutive chunks of `sizes[i]·unit` elements.
fn chunks_mut<'a>(mut v: &'a mut [f32], sizes: &[usize], unit: usize) -> Vec<&'a mut [f32]> {
    let mut chunks = Vec::with_capacity(sizes.len());
    for size in sizes {
        let (head, tail) = std::mem::take(&mut v).split_at_mut(size * unit);
        chunks.push(head);
        v = tail;
    }
    chunks
}

/// `v` cut into consecutive chunks of `sizes[i]·unit` elements.
fn chunks<'a>(mut v: &'a [f32], sizes: &[usize], unit: usize) -> Vec<&'a [f32]> {
    let mut chunks = Vec::with_capacity(sizes.len());
    for size in sizes {
        let (head, tail) = v.split_at(size * unit);
        chunks.push(head);
        v = tail;
    }
    chunks
}

/// Runs `work` on each item, on scoped threads natively (the browser's worker has no wasm
/// threads here, so it runs them one after another).
fn each_part<I: Send, T: Send>(items: Vec<I>, work: impl Fn(I) -> T + Sync) -> Vec<T> {
    #[cfg(not(target_arch = "wasm32"))]
    if items.len() > 1 {
        return std::thread::scope(|scope| {
            let handles: Vec<_> = items
                .into_iter()
                .map(|item| {
                    let work = &work;
                    scope.spawn(move || work(item))
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
    items.into_iter().map(work).collect()
}

/// Runs the layer over the whole sequence, the batch split over `threads` threads
/// (natively; one after another on wasm).
///
/// # Panics
/// When a slice's length disagrees with `shape` (a caller's bug; shapes come from the model).
pub fn forward(shape: Shape, x: &[f32], w: Weights<'_>, threads: usize) -> Trace {
    assert_eq!(x.len(), shape.seq(shape.input), "x");
    let sizes = part_sizes(shape.batch, parts(shape.batch, threads));
    let mut output = vec![0.0; shape.batch * shape.output_row()];
    let items: Vec<_> = chunks(x, &sizes, shape.time * shape.input)
        .into_iter()
        .zip(chunks_mut(&mut output, &sizes, shape.output_row()))
        .zip(&sizes)
        .collect();
    let parts = each_part(items, |((x, out), &size)| {
        forward_part(shape.part(size), x, w, out)
    });
    Trace { output, parts }
}

/// Back-propagates `d_out`, the loss's gradient with respect to the output
/// `[batch, time + 1, hidden]` (every hidden state, then the final cell state; zeros where
/// the loss does not read one), through the layer, on the threads the forward pass split the
/// batch over; the parts' weight gradients are summed. The input's gradient (`Grads::x`) is
/// left empty unless `need_dx`: a first layer's input is data, and that product would read
/// all of the gate gradients once more.
///
/// # Panics
/// When a slice's length disagrees with `shape` (a caller's bug).
pub fn backward(
    shape: Shape,
    x: &[f32],
    w: Weights<'_>,
    trace: &Trace,
    d_out: &[f32],
    need_dx: bool,
) -> Grads {
    assert_eq!(x.len(), shape.seq(shape.input), "x");
    assert_eq!(d_out.len(), shape.batch * shape.output_row(), "d_out");
    let sizes: Vec<usize> = trace.parts.iter().map(|p| p.batch).collect();
    assert_eq!(
        sizes.iter().sum::<usize>(),
        shape.batch,
        "trace of another batch"
    );
    let mut d_x = if need_dx {
        vec![0.0; shape.seq(shape.input)]
    } else {
        Vec::new()
    };
    let d_x_unit = if need_dx { shape.time * shape.input } else { 0 };
    let items: Vec<_> = trace
        .parts
        .iter()
        .zip(chunks(x, &sizes, shape.time * shape.input))
        .zip(chunks(d_out, &sizes, shape.output_row()))
        .zip(chunks_mut(&mut d_x, &sizes, d_x_unit))
        .collect();
    let grads = each_part(items, |(((part, x), d_out), d_x)| {
        backward_part(shape.part(part.batch), x, w, part, d_out, d_x)
    });
    let mut grads = grads.into_iter();
    let mut total = match grads.next() {
        Some(first) => first,
        None => Grads {
            x: Vec::new(),
            w_x: vec![0.0; w.w_x.len()],
            w_h: vec![0.0; w.w_h.len()],
            bias: vec![0.0; w.bias.len()],
        },
    };
    for g in grads {
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
    total.x = d_x;
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

    /// The gradient of the output `[batch, time + 1, hidden]` from that of every hidden
    /// state `[batch, time, hidden]` and, when given, of the final cell `[batch, hidden]`.
    fn d_output(shape: Shape, d_hidden: &[f32], d_cell: Option<&[f32]>) -> Vec<f32> {
        let (t, h) = (shape.time, shape.hidden);
        let mut out = Vec::new();
        for b in 0..shape.batch {
            out.extend_from_slice(&d_hidden[b * t * h..(b + 1) * t * h]);
            match d_cell {
                Some(d) => out.extend_from_slice(&d[b * h..(b + 1) * h]),
                None => out.extend(std::iter::repeat_n(0.0, h)),
            }
        }
        out
    }

    /// The loss Σ d·y over the output y (every hidden state and the final cell state), in
    /// f64 through the same kernel: its gradient with respect to the output is `d_out`.
    fn loss(shape: Shape, x: &[f32], w: Weights<'_>, d_out: &[f32]) -> f64 {
        let trace = forward(shape, x, w, 1);
        trace
            .output
            .iter()
            .zip(d_out)
            .map(|(y, d)| (*y as f64) * (*d as f64))
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
        let one = forward(shape, &x, w, 1);
        let two = forward(shape, &x, w, 2);
        assert_eq!(two.parts.len(), 2);
        assert_eq!(one.output, two.output);
        assert_eq!(one.cells(shape), two.cells(shape));
        let d_out = d_output(shape, &r, Some(&c));
        let g1 = backward(shape, &x, w, &one, &d_out, true);
        let g2 = backward(shape, &x, w, &two, &d_out, true);
        assert_eq!(g1.x, g2.x);
        for (a, b) in g1.w_h.iter().zip(&g2.w_h).chain(g1.w_x.iter().zip(&g2.w_x)) {
            assert!((a - b).abs() <= 1e-5 * (1.0 + a.abs()), "{a} vs {b}");
        }
        // Without the input's gradient (a first layer's data): the same weight gradients.
        for trace in [&one, &two] {
            let g3 = backward(shape, &x, w, trace, &d_out, false);
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
        let trace = forward(shape, &[1.0], w, 1);
        let s = |v: f64| 1.0 / (1.0 + (-v).exp());
        let c = s(0.6) * 1.3f64.tanh();
        let h = s(2.4) * c.tanh();
        assert!((trace.cells(shape)[0] as f64 - c).abs() < 1e-6);
        assert!((trace.hidden(shape)[0] as f64 - h).abs() < 1e-6);
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
        // The final cell state's gradient as well as every hidden state's.
        let r = d_output(shape, &r, Some(&values(3 * 4, 6, 1.0)));
        let trace = forward(shape, &x, w, 1);
        let grads = backward(shape, &x, w, &trace, &r, true);
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

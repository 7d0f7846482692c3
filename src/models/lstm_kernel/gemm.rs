//! A safe, bounds-checked face over `matrixmultiply::sgemm` for row-major views with
//! arbitrary strides, so the LSTM kernel can multiply a time step's slice of a
//! `[batch, time, ·]` buffer in place, with no copies.

/// A matrix view: `rows × cols` elements at `offset + r·row_stride + c·col_stride`.
#[derive(Debug, Clone, Copy)]
pub struct View {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// First element.
    pub offset: usize,
    /// Step between rows.
    pub row_stride: usize,
    /// Step between columns.
    pub col_stride: usize,
}

impl View {
    /// A dense row-major matrix starting at `offset`.
    pub fn dense(rows: usize, cols: usize, offset: usize) -> Self {
        View {
            rows,
            cols,
            offset,
            row_stride: cols,
            col_stride: 1,
        }
    }

    /// The same elements read as the transpose.
    pub fn t(self) -> Self {
        View {
            rows: self.cols,
            cols: self.rows,
            offset: self.offset,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
        }
    }

    /// Index one past the last element (for the bounds check).
    fn end(&self) -> usize {
        if self.rows == 0 || self.cols == 0 {
            return self.offset;
        }
        self.offset + (self.rows - 1) * self.row_stride + (self.cols - 1) * self.col_stride + 1
    }
}

/// `C ← α·A·B + β·C` over views into `a`, `b` and `c`.
///
/// # Panics
/// When the shapes disagree or a view leaves its slice: both are programming errors in the
/// kernel (shapes come from the layer, never from user data).
// BLAS's gemm signature: scale, three operand views and their slices.
#[allow(clippy::too_many_arguments)]
pub fn gemm(
    alpha: f32,
    a: &[f32],
    va: View,
    b: &[f32],
    vb: View,
    beta: f32,
    c: &mut [f32],
    vc: View,
) {
    assert!(
        va.cols == vb.rows && va.rows == vc.rows && vb.cols == vc.cols,
        "gemm shapes {}×{} · {}×{} → {}×{}",
        va.rows,
        va.cols,
        vb.rows,
        vb.cols,
        vc.rows,
        vc.cols
    );
    assert!(va.end() <= a.len() && vb.end() <= b.len() && vc.end() <= c.len());
    if vc.rows == 0 || vc.cols == 0 {
        return;
    }
    if va.cols == 0 {
        for r in 0..vc.rows {
            for k in 0..vc.cols {
                let i = vc.offset + r * vc.row_stride + k * vc.col_stride;
                c[i] *= beta;
            }
        }
        return;
    }
    // SAFETY: every element the views address lies inside its slice (checked above), C's
    // strides are non-zero for a non-empty C (views built by this module), and `c` is a
    // unique borrow distinct from `a` and `b`.
    unsafe {
        matrixmultiply::sgemm(
            vc.rows,
            va.cols,
            vc.cols,
            alpha,
            a.as_ptr().add(va.offset),
            va.row_stride as isize,
            va.col_stride as isize,
            b.as_ptr().add(vb.offset),
            vb.row_stride as isize,
            vb.col_stride as isize,
            beta,
            c.as_mut_ptr().add(vc.offset),
            vc.row_stride as isize,
            vc.col_stride as isize,
        );
    }
}

/// Rows up to which [`gemm_small`] beats the packed GEMM (packing a 64×256 weight for a
/// single row cost more than the product: single-window inference 2 ms → well under 1 ms).
pub const SMALL_ROWS: usize = 8;

/// Columns of C one pass of [`gemm_small`] keeps in registers while it runs down all of K:
/// natively 8 AVX registers of 8 lanes (half of AVX2's 16 ymm registers, the rest for B),
/// in the browser 8 v128 registers of 4 lanes (engines map v128 onto 16 xmm registers).
#[cfg(target_arch = "wasm32")]
const SMALL_BLOCK: usize = 32;
#[cfg(not(target_arch = "wasm32"))]
const SMALL_BLOCK: usize = 64;

/// `C ← A·B + C` for few rows of A, with B dense row-major. Each row of C is built a block
/// of [`SMALL_BLOCK`] columns at a time: the block's sums stay in registers while K is
/// walked, so each multiply-add costs one load of B (the plain row-gather loop loaded and
/// stored C for every k: single-window inference was bound by those memory operations).
///
/// # Panics
/// As [`gemm`]: shapes that disagree or views outside their slices.
#[inline(always)]
pub fn gemm_small(a: &[f32], va: View, b: &[f32], vb: View, c: &mut [f32], vc: View) {
    assert!(va.cols == vb.rows && va.rows == vc.rows && vb.cols == vc.cols);
    assert!(vb.col_stride == 1 && vc.col_stride == 1, "dense rows");
    assert!(va.end() <= a.len() && vb.end() <= b.len() && vc.end() <= c.len());
    let (n, k_len) = (vc.cols, va.cols);
    for r in 0..vc.rows {
        let start = vc.offset + r * vc.row_stride;
        let c_row = &mut c[start..start + n];
        let a_at = |k: usize| a[va.offset + r * va.row_stride + k * va.col_stride];
        let b_row = |k: usize| &b[vb.offset + k * vb.row_stride..vb.offset + k * vb.row_stride + n];
        let blocks = n / SMALL_BLOCK;
        for block in 0..blocks {
            let cols = block * SMALL_BLOCK..(block + 1) * SMALL_BLOCK;
            let mut sums = [0.0f32; SMALL_BLOCK];
            sums.copy_from_slice(&c_row[cols.clone()]);
            for k in 0..k_len {
                let scale = a_at(k);
                let b_block: &[f32; SMALL_BLOCK] = match b_row(k)[cols.clone()].try_into() {
                    Ok(block) => block,
                    Err(_) => unreachable!("the range is SMALL_BLOCK long"),
                };
                for (sum, b) in sums.iter_mut().zip(b_block) {
                    *sum += scale * b;
                }
            }
            c_row[cols].copy_from_slice(&sums);
        }
        // The columns past the last whole block, as a row gather.
        let tail = blocks * SMALL_BLOCK;
        if tail < n {
            for k in 0..k_len {
                let scale = a_at(k);
                for (c, b) in c_row[tail..].iter_mut().zip(&b_row(k)[tail..]) {
                    *c += scale * b;
                }
            }
        }
    }
}

/// Columns of one panel of a [`PackedB`]: two AVX registers of f32.
pub const PANEL: usize = 16;

/// Rows of C one pass of the AVX2 kernel keeps in registers: with [`PANEL`] columns that is
/// 12 of AVX2's 16 registers (the rest hold B and a broadcast of A).
#[cfg(target_arch = "x86_64")]
const BLOCK_ROWS: usize = 6;

/// A right-hand matrix `B: [k, n]` copied once into panels of [`PANEL`] columns, each panel
/// `k` rows of `PANEL` contiguous values (columns past `n` are zero). The LSTM multiplies by
/// the same recurrent weight 168 times per layer and pass: packed once, every product reads
/// it as a stream, where `matrixmultiply` packed both operands on every call (a fifth of a
/// training step).
/// (Off x86-64 nothing reads a packed matrix: the browser keeps `matrixmultiply`'s wasm SIMD.)
#[derive(Debug, Clone)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub struct PackedB {
    k: usize,
    n: usize,
    panels: Vec<f32>,
}

impl PackedB {
    /// Packs the view `vb` of `b` (any strides: a transpose packs as well).
    ///
    /// # Panics
    /// When the view leaves the slice (a caller's bug).
    pub fn new(b: &[f32], vb: View) -> Self {
        assert!(vb.end() <= b.len(), "packed view outside its slice");
        let (k, n) = (vb.rows, vb.cols);
        let mut panels = vec![0.0; n.div_ceil(PANEL) * k * PANEL];
        for (p, panel) in panels.chunks_exact_mut(k * PANEL).enumerate() {
            let cols = (n - p * PANEL).min(PANEL);
            for (row, dst) in panel.chunks_exact_mut(PANEL).enumerate() {
                for (j, v) in dst[..cols].iter_mut().enumerate() {
                    *v = b[vb.offset + row * vb.row_stride + (p * PANEL + j) * vb.col_stride];
                }
            }
        }
        PackedB { k, n, panels }
    }
}

/// The right-hand side of many products by the same matrix (a layer's weight): packed for
/// the AVX2 kernel when the caller runs with it, else the plain view for `matrixmultiply`
/// (the browser, and processors without AVX2 and FMA).
#[derive(Debug, Clone)]
pub struct Operand<'a> {
    b: &'a [f32],
    view: View,
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    packed: Option<PackedB>,
}

impl<'a> Operand<'a> {
    /// The view `vb` of `b`; `fast`: the caller runs with AVX2 and FMA (then `B` is packed).
    pub fn new(b: &'a [f32], vb: View, fast: bool) -> Self {
        Operand {
            b,
            view: vb,
            packed: fast.then(|| PackedB::new(b, vb)),
        }
    }
}

/// `C ← A·B`, or `C ← C + A·B` with `accumulate`, for a prepared `B`. `FAST`: the caller is
/// compiled with AVX2 and FMA on a processor that has them (then a packed `B` goes through
/// [`gemm_packed_avx2`]), otherwise `matrixmultiply`; few rows added to C with a dense `B`
/// use [`gemm_small`] on either route.
///
/// # Panics
/// As [`gemm`]: shapes that disagree or views outside their slices.
#[inline(always)]
pub fn product<const FAST: bool>(
    a: &[f32],
    va: View,
    rhs: &Operand<'_>,
    accumulate: bool,
    c: &mut [f32],
    vc: View,
) {
    // A single window's rows: the row-at-a-time kernel keeps 8 independent sums per row in
    // flight, where one row of a panel block would wait on 2.
    if accumulate && va.rows <= SMALL_ROWS && rhs.view.col_stride == 1 {
        gemm_small(a, va, rhs.b, rhs.view, c, vc);
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if FAST && let Some(packed) = &rhs.packed {
        // SAFETY: `FAST` promises AVX2 and FMA (the callers check the processor).
        unsafe { gemm_packed_avx2(a, va, packed, accumulate, c, vc) };
        return;
    }
    let beta = if accumulate { 1.0 } else { 0.0 };
    gemm(1.0, a, va, rhs.b, rhs.view, beta, c, vc);
}

/// `C ← A·B` (or `C ← C + A·B`) for a packed `B`, with A's and C's rows dense
/// (`col_stride` 1) at any row stride, so a step's slice of a `[batch, time, ·]` buffer is
/// read in place: blocks of [`BLOCK_ROWS`] × [`PANEL`] sums stay in AVX registers while K
/// is walked, with fused multiply-adds.
///
/// # Safety
/// The processor must have AVX2 and FMA.
///
/// # Panics
/// As [`gemm`]: shapes that disagree or views outside their slices.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
pub unsafe fn gemm_packed_avx2(
    a: &[f32],
    va: View,
    b: &PackedB,
    accumulate: bool,
    c: &mut [f32],
    vc: View,
) {
    assert!(
        va.cols == b.k && va.rows == vc.rows && b.n == vc.cols,
        "packed gemm shapes"
    );
    assert!(va.col_stride == 1 && vc.col_stride == 1, "dense rows");
    assert!(va.end() <= a.len() && vc.end() <= c.len());
    if b.k == 0 || b.n == 0 {
        if !accumulate {
            for r in 0..vc.rows {
                let start = vc.offset + r * vc.row_stride;
                c[start..start + vc.cols].fill(0.0);
            }
        }
        return;
    }
    for (p, panel) in b.panels.chunks_exact(b.k * PANEL).enumerate() {
        let cols = p * PANEL..(p * PANEL + PANEL).min(b.n);
        let mut row = 0;
        while row + BLOCK_ROWS <= vc.rows {
            // SAFETY: AVX2 and FMA (this function's contract); the rows lie inside `a`
            // (checked above) and `panel` holds `k` rows of PANEL.
            let sums = unsafe { block_avx2::<BLOCK_ROWS>(a, va, row, panel) };
            store(&sums, accumulate, c, vc, row, cols.clone());
            row += BLOCK_ROWS;
        }
        for row in row..vc.rows {
            // SAFETY: as above.
            let sums = unsafe { block_avx2::<1>(a, va, row, panel) };
            store(&sums, accumulate, c, vc, row, cols.clone());
        }
    }
}

/// The sums of rows `row..row + R` of A times one panel: `R` × [`PANEL`] values.
///
/// # Safety
/// AVX2 and FMA; rows `row..row + R` of `va` lie inside `a` (each `va.cols` long) and
/// `panel` is `va.cols` rows of [`PANEL`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn block_avx2<const R: usize>(
    a: &[f32],
    va: View,
    row: usize,
    panel: &[f32],
) -> [[f32; PANEL]; R] {
    use std::arch::x86_64::*;
    debug_assert!(panel.len() == va.cols * PANEL);
    let rows: [*const f32; R] =
        std::array::from_fn(|i| a[va.offset + (row + i) * va.row_stride..].as_ptr());
    let mut sums = [[_mm256_setzero_ps(); 2]; R];
    let mut b = panel.as_ptr();
    for k in 0..va.cols {
        // SAFETY: `k < va.cols`, inside every row and the panel (the contract).
        unsafe {
            let b0 = _mm256_loadu_ps(b);
            let b1 = _mm256_loadu_ps(b.add(8));
            for i in 0..R {
                let a = _mm256_broadcast_ss(&*rows[i].add(k));
                sums[i][0] = _mm256_fmadd_ps(a, b0, sums[i][0]);
                sums[i][1] = _mm256_fmadd_ps(a, b1, sums[i][1]);
            }
            b = b.add(PANEL);
        }
    }
    let mut out = [[0.0f32; PANEL]; R];
    for (out, sums) in out.iter_mut().zip(&sums) {
        // SAFETY: `out` holds PANEL = 16 floats.
        unsafe {
            _mm256_storeu_ps(out.as_mut_ptr(), sums[0]);
            _mm256_storeu_ps(out.as_mut_ptr().add(8), sums[1]);
        }
    }
    out
}

/// Writes (or adds) a block's sums into rows `row..` of C, columns `cols`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn store<const R: usize>(
    sums: &[[f32; PANEL]; R],
    accumulate: bool,
    c: &mut [f32],
    vc: View,
    row: usize,
    cols: std::ops::Range<usize>,
) {
    for (i, sums) in sums.iter().enumerate() {
        let start = vc.offset + (row + i) * vc.row_stride;
        let c_row = &mut c[start + cols.start..start + cols.end];
        for (c, sum) in c_row.iter_mut().zip(sums) {
            *c = if accumulate { *c + sum } else { *sum };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strided_product_matches_the_loop() {
        // A 2×3, B 3×2 read as the transpose of a 2×3 buffer, C written into rows 0 and 2.
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let b = [1.0, 0.0, -1.0, 2.0, 1.0, 0.5];
        let mut c = vec![1.0; 6];
        let vc = View {
            rows: 2,
            cols: 2,
            offset: 0,
            row_stride: 4,
            col_stride: 1,
        };
        gemm(
            1.0,
            &a,
            View::dense(2, 3, 0),
            &b,
            View::dense(2, 3, 0).t(),
            1.0,
            &mut c,
            vc,
        );
        // A·Bᵀ = [[1-3, 2+2+1.5], [4-6, 8+5+3]] = [[-2, 5.5], [-2, 16]], plus the ones.
        assert_eq!(c, vec![-1.0, 6.5, 1.0, 1.0, -1.0, 17.0]);
        let mut small = vec![1.0; 6];
        let bt = [1.0, 2.0, 0.0, 1.0, -1.0, 0.5]; // B above, stored dense
        gemm_small(
            &a,
            View::dense(2, 3, 0),
            &bt,
            View::dense(3, 2, 0),
            &mut small,
            vc,
        );
        assert_eq!(small, c);
    }

    /// Whole register blocks and a tail, against the packed GEMM.
    #[test]
    fn small_product_matches_the_packed_one() {
        let (rows, k, n) = (3, 7, 2 * SMALL_BLOCK + 5);
        let value = |i: usize| ((i * 37 % 101) as f32 - 50.0) / 25.0;
        let a: Vec<f32> = (0..rows * k).map(value).collect();
        let b: Vec<f32> = (0..k * n).map(|i| value(i + 11)).collect();
        let start: Vec<f32> = (0..rows * n).map(|i| value(i + 5)).collect();
        let mut packed = start.clone();
        gemm(
            1.0,
            &a,
            View::dense(rows, k, 0),
            &b,
            View::dense(k, n, 0),
            1.0,
            &mut packed,
            View::dense(rows, n, 0),
        );
        let mut small = start;
        gemm_small(
            &a,
            View::dense(rows, k, 0),
            &b,
            View::dense(k, n, 0),
            &mut small,
            View::dense(rows, n, 0),
        );
        for (i, (s, p)) in small.iter().zip(&packed).enumerate() {
            assert!(
                (s - p).abs() <= 1e-5 * (1.0 + p.abs()),
                "element {i}: {s} vs {p}"
            );
        }
    }

    /// Every block shape (whole row blocks, single rows, a part panel), transposed packing,
    /// overwrite and accumulate, on both routes of `product`, against the plain GEMM.
    #[test]
    fn prepared_products_match_matrixmultiply() {
        let value = |i: usize| ((i * 37 % 101) as f32 - 50.0) / 25.0;
        #[cfg(target_arch = "x86_64")]
        let fast = is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma");
        #[cfg(not(target_arch = "x86_64"))]
        let fast = false;
        for (rows, k, n) in [(1, 5, 3), (7, 9, PANEL + 5), (13, 33, 3 * PANEL), (6, 1, 1)] {
            let a: Vec<f32> = (0..rows * k).map(value).collect();
            // B stored as its transpose [n, k], read through a transposed view; and dense.
            let bt: Vec<f32> = (0..n * k).map(|i| value(i + 11)).collect();
            let b: Vec<f32> = (0..k * n).map(|i| bt[(i % n) * k + i / n]).collect();
            let start: Vec<f32> = (0..rows * n).map(|i| value(i + 5)).collect();
            let (va, vc) = (View::dense(rows, k, 0), View::dense(rows, n, 0));
            for (data, vb) in [(&bt, View::dense(n, k, 0).t()), (&b, View::dense(k, n, 0))] {
                for accumulate in [false, true] {
                    let mut want = start.clone();
                    let beta = if accumulate { 1.0 } else { 0.0 };
                    gemm(1.0, &a, va, data, vb, beta, &mut want, vc);
                    let run = |packed: bool| {
                        let mut c = start.clone();
                        let operand = Operand::new(data, vb, packed);
                        if packed {
                            product::<true>(&a, va, &operand, accumulate, &mut c, vc);
                        } else {
                            product::<false>(&a, va, &operand, accumulate, &mut c, vc);
                        }
                        c
                    };
                    let mut got = vec![run(false)];
                    if fast {
                        got.push(run(true));
                    }
                    for g in &got {
                        for (i, (g, w)) in g.iter().zip(&want).enumerate() {
                            assert!(
                                (g - w).abs() <= 1e-5 * (1.0 + w.abs()),
                                "{rows}×{k}·{k}×{n} element {i}: {g} vs {w}"
                            );
                        }
                    }
                }
            }
        }
    }
}

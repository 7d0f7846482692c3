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
}

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

/// `C ← A·B + C` for few rows of A, with B dense row-major: each row of C gathers the rows
/// of B scaled by A's entries (contiguous, vectorisable, no packing).
///
/// # Panics
/// As [`gemm`]: shapes that disagree or views outside their slices.
#[inline(always)]
pub fn gemm_small(a: &[f32], va: View, b: &[f32], vb: View, c: &mut [f32], vc: View) {
    assert!(va.cols == vb.rows && va.rows == vc.rows && vb.cols == vc.cols);
    assert!(vb.col_stride == 1 && vc.col_stride == 1, "dense rows");
    assert!(va.end() <= a.len() && vb.end() <= b.len() && vc.end() <= c.len());
    let n = vc.cols;
    for r in 0..vc.rows {
        let start = vc.offset + r * vc.row_stride;
        let c_row = &mut c[start..start + n];
        for k in 0..va.cols {
            let scale = a[va.offset + r * va.row_stride + k * va.col_stride];
            if scale == 0.0 {
                continue;
            }
            let b_start = vb.offset + k * vb.row_stride;
            for (c, b) in c_row.iter_mut().zip(&b[b_start..b_start + n]) {
                *c += scale * b;
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
}

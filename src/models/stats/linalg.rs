//! Small dense linear algebra the least-squares models share (row-major `n × n` matrices):
//! a Cholesky factor, solves with it, and its log-determinant.

/// Lower Cholesky factor of the symmetric `n × n` row-major `a`; `Err(j)` when the matrix
/// is not (numerically) positive definite, `j` the first column that fails — for a Gram
/// matrix, the first column that is constant or a combination of the ones before it.
pub fn cholesky(a: &[f64], n: usize) -> Result<Vec<f64>, usize> {
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let d = a[j * n + j] - (0..j).map(|k| l[j * n + k] * l[j * n + k]).sum::<f64>();
        if d <= 1e-12 * a[j * n + j].abs().max(1e-300) {
            return Err(j);
        }
        l[j * n + j] = d.sqrt();
        for i in j + 1..n {
            let s = a[i * n + j] - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
            l[i * n + j] = s / l[j * n + j];
        }
    }
    Ok(l)
}

/// Solves `L Lᵀ x = b` in place, `l` from [`cholesky`].
pub fn cholesky_solve(l: &[f64], n: usize, b: &mut [f64]) {
    for i in 0..n {
        b[i] = (b[i] - (0..i).map(|k| l[i * n + k] * b[k]).sum::<f64>()) / l[i * n + i];
    }
    for i in (0..n).rev() {
        b[i] = (b[i] - (i + 1..n).map(|k| l[k * n + i] * b[k]).sum::<f64>()) / l[i * n + i];
    }
}

/// `ln det(L Lᵀ)` from the factor.
pub fn cholesky_log_det(l: &[f64], n: usize) -> f64 {
    2.0 * (0..n).map(|i| l[i * n + i].ln()).sum::<f64>()
}

/// Missing values carried forward from the last one seen; leading gaps stay missing (no
/// later value is ever copied back), so a model reading point `t` sees only `..=t`.
pub fn carry_forward(values: &[f64]) -> Vec<f64> {
    let mut last = f64::NAN;
    values
        .iter()
        .map(|&v| {
            if v.is_finite() {
                last = v;
            }
            last
        })
        .collect()
}

/// Gaps carried forward only up to the last value present: what is missing after it stays
/// missing (a column known ahead that stops does not become a flat plan).
pub fn carry_forward_within(values: &[f64]) -> Vec<f64> {
    let end = values
        .iter()
        .rposition(|v| v.is_finite())
        .map_or(0, |i| i + 1);
    let mut out = carry_forward(&values[..end]);
    out.resize(values.len(), f64::NAN);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_positive_definite_system_and_names_the_first_dependent_column() {
        let a = [4.0, 2.0, 2.0, 3.0];
        let l = cholesky(&a, 2).unwrap();
        let mut b = [2.0, 1.0];
        cholesky_solve(&l, 2, &mut b);
        // 4x + 2y = 2, 2x + 3y = 1 → x = 0.5, y = 0.
        assert!((b[0] - 0.5).abs() < 1e-12 && b[1].abs() < 1e-12);
        assert!((cholesky_log_det(&l, 2) - 8f64.ln()).abs() < 1e-12);
        // The second column repeats the first.
        assert_eq!(cholesky(&[1.0, 1.0, 1.0, 1.0], 2), Err(1));
        let filled = carry_forward(&[f64::NAN, 1.0, f64::NAN, 3.0]);
        assert!(filled[0].is_nan());
        assert_eq!(&filled[1..], &[1.0, 1.0, 3.0]);
        let within = carry_forward_within(&[1.0, f64::NAN, 2.0, f64::NAN]);
        assert_eq!(&within[..3], &[1.0, 1.0, 2.0]);
        assert!(within[3].is_nan());
    }
}

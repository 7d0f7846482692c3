//! Lag polynomials: products, differencing, and the reparameterisation that keeps AR parts
//! stationary and MA parts invertible during optimisation (Jones 1980, via partial
//! autocorrelations, as statsmodels' `constrain_stationary_univariate`).

/// Product of two lag polynomials given by their coefficients from lag 0 upwards.
pub fn multiply(a: &[f64], b: &[f64]) -> Vec<f64> {
    if a.is_empty() || b.is_empty() {
        return vec![];
    }
    let mut out = vec![0.0; a.len() + b.len() - 1];
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            out[i + j] += x * y;
        }
    }
    out
}

/// `(1 − B)^d (1 − B^m)^D` as coefficients from lag 0.
pub fn differencing(d: usize, seasonal_d: usize, season: usize) -> Vec<f64> {
    let mut poly = vec![1.0];
    for _ in 0..d {
        poly = multiply(&poly, &[1.0, -1.0]);
    }
    for _ in 0..seasonal_d {
        let mut s = vec![0.0; season + 1];
        s[0] = 1.0;
        s[season] = -1.0;
        poly = multiply(&poly, &s);
    }
    poly
}

/// Applies a differencing polynomial: `w[t] = Σ_k poly[k]·y[t+len−1−k]`, one value per full
/// window (the first `poly.len() − 1` points are consumed).
pub fn difference(y: &[f64], poly: &[f64]) -> Vec<f64> {
    let lags = poly.len() - 1;
    (lags..y.len())
        .map(|t| poly.iter().enumerate().map(|(k, c)| c * y[t - k]).sum())
        .collect()
}

/// Coefficients `g[0..n]` of the power series `1 / poly(B)` (poly[0] = 1): the weights that
/// undo differencing, used to carry forecast-error variance from the differenced series back
/// to the original one.
pub fn inverse_series(poly: &[f64], n: usize) -> Vec<f64> {
    let mut g = vec![0.0; n];
    for h in 0..n {
        let mut v = if h == 0 { 1.0 } else { 0.0 };
        for k in 1..poly.len().min(h + 1) {
            v -= poly[k] * g[h - k];
        }
        g[h] = v;
    }
    g
}

/// Maps unconstrained reals to the coefficients `φ` of a stationary AR polynomial
/// `1 − φ₁B − … − φₚBᵖ`: each real becomes a partial autocorrelation in (−1, 1)
/// (`x / √(1 + x²)`), and Durbin–Levinson turns those into coefficients.
pub fn stationary_from_unconstrained(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let mut phi = vec![0.0; n];
    let mut prev = vec![0.0; n];
    for k in 0..n {
        let r = x[k] / (1.0 + x[k] * x[k]).sqrt();
        prev[..k].copy_from_slice(&phi[..k]);
        for i in 0..k {
            phi[i] = prev[i] - r * prev[k - 1 - i];
        }
        phi[k] = r;
    }
    phi
}

/// Inverse of [`stationary_from_unconstrained`] for a stationary `φ` (reverse Durbin–Levinson);
/// `None` when `φ` is not stationary.
pub fn unconstrained_from_stationary(phi: &[f64]) -> Option<Vec<f64>> {
    let n = phi.len();
    let mut cur = phi.to_vec();
    let mut x = vec![0.0; n];
    for k in (0..n).rev() {
        let r = cur[k];
        if r.abs() >= 1.0 || !r.is_finite() {
            return None;
        }
        x[k] = r / (1.0 - r * r).sqrt();
        let denom = 1.0 - r * r;
        let prev: Vec<f64> = (0..k)
            .map(|i| (cur[i] + r * cur[k - 1 - i]) / denom)
            .collect();
        cur[..k].copy_from_slice(&prev);
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seasonal_differencing_polynomial() {
        // (1 − B)(1 − B⁴) = 1 − B − B⁴ + B⁵
        assert_eq!(differencing(1, 1, 4), vec![1.0, -1.0, 0.0, 0.0, -1.0, 1.0]);
        assert_eq!(
            difference(&[1.0, 4.0, 9.0, 16.0], &[1.0, -1.0]),
            vec![3.0, 5.0, 7.0]
        );
    }

    #[test]
    fn inverse_series_undoes_differencing() {
        // 1 / (1 − B) = 1 + B + B² + …
        assert_eq!(inverse_series(&[1.0, -1.0], 4), vec![1.0; 4]);
        // 1 / (1 − B)² = 1 + 2B + 3B² + …
        assert_eq!(
            inverse_series(&differencing(2, 0, 1), 4),
            vec![1.0, 2.0, 3.0, 4.0]
        );
    }

    #[test]
    fn transform_round_trips_and_stays_stationary() {
        let x = [0.7, -1.3, 2.0];
        let phi = stationary_from_unconstrained(&x);
        let back = unconstrained_from_stationary(&phi).unwrap();
        for (a, b) in x.iter().zip(&back) {
            assert!((a - b).abs() < 1e-10);
        }
        // AR(1): φ = r
        let one = stationary_from_unconstrained(&[1.0]);
        assert!((one[0] - 1.0 / 2f64.sqrt()).abs() < 1e-15);
        assert!(unconstrained_from_stationary(&[1.2]).is_none());
    }
}

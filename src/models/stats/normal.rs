//! The standard normal quantile function, for prediction intervals.

use super::StatsError;

/// The `z` with P(|Z| ≤ z) = level/100 for a standard normal Z, e.g. 1.959964 for 95.
pub fn two_sided_z(level: f64) -> Result<f64, StatsError> {
    if !(level > 0.0 && level < 100.0) {
        return Err(StatsError::InvalidSpec(format!(
            "interval level {level} must lie strictly between 0 and 100 (percent)"
        )));
    }
    Ok(quantile(0.5 + level / 200.0))
}

/// Inverse of the standard normal CDF for `p` in (0, 1): Acklam's rational approximation
/// (relative error < 1.2e-9) refined by one Halley step on `erfc`, giving full f64 accuracy
/// for the levels intervals use.
// The coefficients as published, digit for digit.
#[allow(clippy::excessive_precision)]
pub fn quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383577518672690e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let low = 0.02425;
    let x = if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    // One Halley step: e = Φ(x) − p.
    let e = 0.5 * erfc(-x / std::f64::consts::SQRT_2) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// Standard normal cumulative distribution function.
pub fn cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7,
/// then good enough for one refinement step of the quantile, which converges cubically).
// The coefficients as published, digit for digit.
#[allow(clippy::excessive_precision)]
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 2.0 / (2.0 + z);
    let ty = 4.0 * t - 2.0;
    const COF: [f64; 28] = [
        -1.3026537197817094,
        6.4196979235649026e-1,
        1.9476473204185836e-2,
        -9.561514786808631e-3,
        -9.46595344482036e-4,
        3.66839497852761e-4,
        4.2523324806907e-5,
        -2.0278578112534e-5,
        -1.624290004647e-6,
        1.303655835580e-6,
        1.5626441722e-8,
        -8.5238095915e-8,
        6.529054439e-9,
        5.059343495e-9,
        -9.91364156e-10,
        -2.27365122e-10,
        9.6467911e-11,
        2.394038e-12,
        -6.886027e-12,
        8.94487e-13,
        3.13092e-13,
        -1.12708e-13,
        3.81e-16,
        7.106e-15,
        -1.523e-15,
        -9.4e-17,
        1.21e-16,
        -2.8e-17,
    ];
    let (mut d, mut dd) = (0.0, 0.0);
    for &c in COF.iter().skip(1).rev() {
        let tmp = d;
        d = ty * d - dd + c;
        dd = tmp;
    }
    let r = t * (-z * z + 0.5 * (COF[0] + ty * d) - dd).exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_quantiles() {
        // scipy.stats.norm.ppf
        assert!((quantile(0.975) - 1.959963984540054).abs() < 1e-12);
        assert!((quantile(0.9) - 1.2815515655446004).abs() < 1e-12);
        assert!((quantile(0.5)).abs() < 1e-15);
        assert!((quantile(1e-6) + 4.753424308822899).abs() < 1e-9);
        assert!((two_sided_z(80.0).unwrap() - 1.2815515655446004).abs() < 1e-12);
        assert!((cdf(1.959963984540054) - 0.975).abs() < 1e-14);
    }

    #[test]
    fn levels_outside_zero_to_hundred_are_refused() {
        assert!(two_sided_z(100.0).is_err());
        assert!(two_sided_z(0.0).is_err());
        assert!(two_sided_z(f64::NAN).is_err());
    }
}

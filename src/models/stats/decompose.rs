//! Classical seasonal decomposition and the seasonality test the Theta family uses before
//! it fits (StatsForecast's `auto_theta`, statsmodels' `seasonal_decompose`).

use crate::data::analysis::acf;

/// One-sided 90% normal quantile: the seasonality test's critical value (`norm.ppf(0.95)`).
const SEASONALITY_Z: f64 = 1.644_853_626_951_472_2;

/// Whether `y` has a season of length `m` worth removing: the lag-`m` autocorrelation
/// exceeds 1.645 standard errors under Bartlett's formula (the M-competition Theta test).
/// Needs `m ≥ 4` and two full seasons; false otherwise.
pub fn is_seasonal(y: &[f64], m: usize) -> bool {
    if m < 4 || y.len() < 2 * m {
        return false;
    }
    let r = acf(y, m);
    if r.len() <= m {
        return false;
    }
    let sum_sq: f64 = r[1..m].iter().map(|v| v * v).sum();
    let se = ((1.0 + 2.0 * sum_sq) / y.len() as f64).sqrt();
    se > 0.0 && r[m].abs() / se > SEASONALITY_Z
}

/// R's `decompose` seasonal figure (centred moving-average trend, position means,
/// normalised to sum 0 / mean 1), by position t mod m.
pub fn classical_seasonal(y: &[f64], m: usize, multiplicative: bool) -> Vec<f64> {
    let n = y.len();
    let half = m / 2;
    let mut ratio = vec![f64::NAN; n];
    for t in half..n.saturating_sub(half) {
        let trend = if m % 2 == 1 {
            y[t - half..=t + half].iter().sum::<f64>() / m as f64
        } else {
            (y[t - half + 1..t + half].iter().sum::<f64>() + 0.5 * (y[t - half] + y[t + half]))
                / m as f64
        };
        ratio[t] = if multiplicative {
            y[t] / trend
        } else {
            y[t] - trend
        };
    }
    let mut figure: Vec<f64> = (0..m)
        .map(|i| {
            let v: Vec<f64> = ratio
                .iter()
                .skip(i)
                .step_by(m)
                .copied()
                .filter(|v| v.is_finite())
                .collect();
            if v.is_empty() {
                if multiplicative { 1.0 } else { 0.0 }
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            }
        })
        .collect();
    let mean = figure.iter().sum::<f64>() / m as f64;
    if multiplicative {
        figure.iter_mut().for_each(|v| *v /= mean);
    } else {
        figure.iter_mut().for_each(|v| *v -= mean);
    }
    figure
}

//! Looking at a series before modelling it: moving averages (the naphtha system's 7/30-day
//! analysis), autocorrelation (ACF) and partial autocorrelation (PACF) with their 95% bands,
//! and a decimated copy for drawing long series.

use serde::{Deserialize, Serialize};

use super::error::DataError;
use super::frame::Frame;

/// z for a two-sided 95% band.
const Z95: f64 = 1.959_963_984_540_054;

/// Trailing mean over `k` rows, `NaN` until `k` rows are seen or where the window holds a
/// missing value (pandas `rolling(k).mean()`).
pub fn moving_average(values: &[f64], k: usize) -> Vec<f64> {
    let k = k.max(1);
    let mut out = vec![f64::NAN; values.len()];
    let (mut sum, mut missing) = (0.0, 0usize);
    for i in 0..values.len() {
        let v = values[i];
        if v.is_nan() {
            missing += 1;
        } else {
            sum += v;
        }
        if i >= k {
            let old = values[i - k];
            if old.is_nan() {
                missing -= 1;
            } else {
                sum -= old;
            }
        }
        if i + 1 >= k && missing == 0 {
            out[i] = sum / k as f64;
        }
    }
    out
}

fn observed_demeaned(values: &[f64]) -> Vec<f64> {
    let x: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let mean = x.iter().sum::<f64>() / x.len().max(1) as f64;
    x.iter().map(|v| v - mean).collect()
}

/// Sample autocorrelation at lags `0..=lags`, missing values dropped (statsmodels
/// `acf(x, nlags, missing="drop")`).
pub fn acf(values: &[f64], lags: usize) -> Vec<f64> {
    let x = observed_demeaned(values);
    let n = x.len();
    let c0: f64 = x.iter().map(|v| v * v).sum();
    (0..=lags.min(n.saturating_sub(1)))
        .map(|k| {
            if c0 == 0.0 {
                return if k == 0 { 1.0 } else { 0.0 };
            }
            (k..n).map(|t| x[t] * x[t - k]).sum::<f64>() / c0
        })
        .collect()
}

/// Half-widths of the 95% band of each ACF lag under Bartlett's formula (statsmodels'
/// `alpha=0.05` confidence intervals around the estimate): lag 0 has none.
pub fn acf_band(acf: &[f64], n: usize) -> Vec<f64> {
    let n = n.max(1) as f64;
    let mut out = Vec::with_capacity(acf.len());
    let mut sum_sq = 0.0;
    for (k, r) in acf.iter().enumerate() {
        if k == 0 {
            out.push(0.0);
            continue;
        }
        out.push(Z95 * ((1.0 + 2.0 * sum_sq) / n).sqrt());
        sum_sq += r * r;
    }
    out
}

/// Partial autocorrelation at lags `0..=lags` by Yule–Walker with unbiased autocovariances
/// (statsmodels `pacf(x, nlags)`, method `"ywadjusted"`), solved by Durbin–Levinson.
pub fn pacf(values: &[f64], lags: usize) -> Vec<f64> {
    let x = observed_demeaned(values);
    let n = x.len();
    let lags = lags.min(n.saturating_sub(2));
    let r: Vec<f64> = (0..=lags)
        .map(|k| (k..n).map(|t| x[t] * x[t - k]).sum::<f64>() / (n - k) as f64)
        .collect();
    let mut out = vec![1.0];
    if r.first().is_none_or(|r0| *r0 == 0.0) {
        out.extend(std::iter::repeat_n(0.0, lags));
        return out;
    }
    let mut phi: Vec<f64> = Vec::new();
    let mut variance = r[0];
    for k in 1..=lags {
        let num = r[k]
            - phi
                .iter()
                .enumerate()
                .map(|(j, p)| p * r[k - 1 - j])
                .sum::<f64>();
        let a = num / variance;
        let mut next: Vec<f64> = phi
            .iter()
            .enumerate()
            .map(|(j, p)| p - a * phi[k - 2 - j])
            .collect();
        next.push(a);
        phi = next;
        variance *= 1.0 - a * a;
        out.push(a);
        if variance <= 0.0 {
            out.extend(std::iter::repeat_n(0.0, lags - k));
            break;
        }
    }
    out
}

/// A moving average over the drawn rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovingAverage {
    /// Window in rows.
    pub window: usize,
    /// Values at the drawn rows (`NaN` until a full window is seen, or with a gap in it).
    #[serde(with = "super::json::nan_as_null")]
    pub values: Vec<f64>,
}

/// A series prepared for the data view: decimated points, moving averages, ACF and PACF.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesView {
    /// Column shown.
    pub column: String,
    /// Rows in the series.
    pub rows: usize,
    /// Rows kept for drawing (every row when short; extremes per bucket when long).
    pub rows_shown: Vec<usize>,
    /// Labels of the kept rows (ISO time or row number).
    pub labels: Vec<String>,
    /// Values of the kept rows (`NaN` where missing).
    #[serde(with = "super::json::nan_as_null")]
    pub values: Vec<f64>,
    /// Moving averages over the kept rows.
    pub moving_averages: Vec<MovingAverage>,
    /// ACF at lags 0..
    pub acf: Vec<f64>,
    /// 95% band half-width per ACF lag.
    pub acf_band: Vec<f64>,
    /// PACF at lags 0..
    pub pacf: Vec<f64>,
    /// 95% band half-width of the PACF (±1.96/√n).
    pub pacf_band: f64,
}

/// Rows to draw: all of them up to `max_points`, else the first, the smallest and the
/// largest value of each bucket (so peaks survive), in row order.
pub fn decimate(values: &[f64], max_points: usize) -> Vec<usize> {
    let n = values.len();
    if n <= max_points.max(2) {
        return (0..n).collect();
    }
    let buckets = (max_points / 2).max(1);
    let mut rows = Vec::with_capacity(2 * buckets + 1);
    for b in 0..buckets {
        let (start, end) = (b * n / buckets, ((b + 1) * n / buckets).min(n));
        if start >= end {
            continue;
        }
        let slice = &values[start..end];
        let mut lo: Option<usize> = None;
        let mut hi: Option<usize> = None;
        for (i, v) in slice.iter().enumerate().filter(|(_, v)| !v.is_nan()) {
            if lo.is_none_or(|l| *v < slice[l]) {
                lo = Some(i);
            }
            if hi.is_none_or(|h| *v > slice[h]) {
                hi = Some(i);
            }
        }
        match (lo, hi) {
            (Some(a), Some(b)) => {
                rows.push(start + a.min(b));
                if a != b {
                    rows.push(start + a.max(b));
                }
            }
            _ => rows.push(start),
        }
    }
    rows
}

/// Builds the data view of `column` (of one group for a panel): moving averages over
/// `windows`, ACF/PACF up to `lags`, at most about `max_points` drawn points.
///
/// # Errors
/// [`DataError::UnknownColumn`] when the column is not numeric.
pub fn series_view(
    frame: &Frame,
    column: &str,
    windows: &[usize],
    lags: usize,
    max_points: usize,
) -> Result<SeriesView, DataError> {
    let values = &frame
        .column(column)
        .ok_or_else(|| DataError::UnknownColumn {
            column: column.into(),
            available: frame.numeric_names(),
        })?
        .values;
    let n_observed = values.iter().filter(|v| !v.is_nan()).count();
    let rows_shown = decimate(values, max_points);
    let moving_averages = windows
        .iter()
        .filter(|k| **k >= 1)
        .map(|&k| {
            let ma = moving_average(values, k);
            MovingAverage {
                window: k,
                values: rows_shown.iter().map(|&r| ma[r]).collect(),
            }
        })
        .collect();
    let acf_values = acf(values, lags);
    Ok(SeriesView {
        column: column.into(),
        rows: values.len(),
        labels: rows_shown.iter().map(|&r| frame.time_label(r)).collect(),
        values: rows_shown.iter().map(|&r| values[r]).collect(),
        rows_shown,
        moving_averages,
        acf_band: acf_band(&acf_values, n_observed),
        acf: acf_values,
        pacf: pacf(values, lags),
        pacf_band: Z95 / (n_observed.max(1) as f64).sqrt(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Air passengers, the first 48 months (../shared/data/air_passengers_monthly.csv).
    const X: [f64; 48] = [
        112., 118., 132., 129., 121., 135., 148., 148., 136., 119., 104., 118., 115., 126., 141.,
        135., 125., 149., 170., 170., 158., 133., 114., 140., 145., 150., 178., 163., 172., 178.,
        199., 199., 184., 162., 146., 166., 171., 180., 193., 181., 183., 218., 230., 242., 209.,
        191., 172., 194.,
    ];

    fn close(a: &[f64], b: &[f64], tol: f64) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < tol, "{a:?} vs {b:?}");
        }
    }

    /// statsmodels 0.15.0: `acf(x, nlags=10, alpha=0.05)`, `pacf(x, nlags=10, alpha=0.05)`.
    #[test]
    fn acf_and_pacf_match_statsmodels() {
        let a = acf(&X, 10);
        close(
            &a,
            &[
                1.0,
                0.8500096575751835,
                0.6796497276442319,
                0.5460323158257895,
                0.47270003935917443,
                0.42551731803670606,
                0.3835193175799453,
                0.3044435171552549,
                0.2607982623653406,
                0.27407803563705985,
                0.3127444763529109,
            ],
            1e-12,
        );
        close(
            &acf_band(&a, 48),
            &[
                0.0,
                0.28289643351904303,
                0.4423538589776663,
                0.5192425392646868,
                0.5633250783131649,
                0.5942221622883419,
                0.6181273186942463,
                0.6368863740089772,
                0.6484285805356729,
                0.6567695758191072,
                0.6658602292482876,
            ],
            1e-12,
        );
        close(
            &pacf(&X, 10),
            &[
                1.0,
                0.8680949694384852,
                -0.18014267957852192,
                0.051412049234470764,
                0.14327629947898698,
                0.02617161445576529,
                0.009087845891327067,
                -0.1702307711798666,
                0.18465098371780234,
                0.21633701715525763,
                0.0824112718335191,
            ],
            1e-10,
        );
    }

    /// statsmodels `acf(y, nlags=5, missing="drop")` with rows 5 and 17 missing.
    #[test]
    fn acf_drops_missing_values_like_statsmodels() {
        let mut y = X;
        y[5] = f64::NAN;
        y[17] = f64::NAN;
        close(
            &acf(&y, 5),
            &[
                1.0,
                0.8344009166920247,
                0.6676325210698036,
                0.544589215500039,
                0.473056428605031,
                0.42320385619237555,
            ],
            1e-12,
        );
    }

    /// pandas `Series(x).rolling(7).mean()`.
    #[test]
    fn moving_average_matches_pandas() {
        let ma = moving_average(&X, 7);
        assert!(ma[..6].iter().all(|v| v.is_nan()));
        close(
            &ma[6..10],
            &[
                127.85714285714286,
                133.0,
                135.57142857142858,
                133.71428571428572,
            ],
            1e-12,
        );
        let gap = moving_average(&[1.0, f64::NAN, 3.0, 4.0, 5.0], 2);
        assert!(gap[1].is_nan() && gap[2].is_nan());
        assert_eq!(gap[3..], [3.5, 4.5]);
    }

    #[test]
    fn empty_constant_and_missing_series_do_not_panic() {
        for values in [vec![], vec![f64::NAN; 5], vec![3.0; 10], vec![1.0]] {
            let a = acf(&values, 5);
            assert!(a.first().is_none_or(|r| *r == 1.0));
            assert!(pacf(&values, 5).iter().all(|v| v.is_finite()));
            assert_eq!(moving_average(&values, 3).len(), values.len());
            assert!(decimate(&values, 2).len() <= values.len());
        }
    }

    #[test]
    fn decimation_keeps_extremes_in_order() {
        let values: Vec<f64> = (0..10_000).map(|i| ((i as f64) / 50.0).sin()).collect();
        let rows = decimate(&values, 200);
        assert!(rows.len() <= 200);
        assert!(rows.windows(2).all(|w| w[0] < w[1]));
        let max = rows.iter().map(|&r| values[r]).fold(f64::MIN, f64::max);
        assert!((max - 1.0).abs() < 1e-3);
        assert_eq!(decimate(&[1.0, 2.0], 200), [0, 1]);
    }
}

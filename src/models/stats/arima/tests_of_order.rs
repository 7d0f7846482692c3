//! How many differences a series needs: the KPSS test for d (as R's `ndiffs` and
//! pmdarima's default) and a seasonal-strength test for D (as R's `nsdiffs(test = "seas")`
//! and StatsForecast's AutoARIMA).

/// KPSS level-stationarity statistic with the Newey–West lag truncation `⌊3√n / 13⌋` that
/// R's `ndiffs` passes to urca (`use.lag`) and StatsForecast copies. (pmdarima uses
/// `⌊4 (n/100)^¼⌋`, one lag more from n ≈ 200: on US unemployment it keeps d = 0 where R and
/// StatsForecast difference once.)
pub fn kpss_statistic(y: &[f64]) -> Option<f64> {
    let n = y.len();
    if n < 3 {
        return None;
    }
    let nf = n as f64;
    let mean = y.iter().sum::<f64>() / nf;
    let e: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let mut s = 0.0;
    let mut eta = 0.0;
    for v in &e {
        s += v;
        eta += s * s;
    }
    let lags = (3.0 * nf.sqrt() / 13.0).floor() as usize;
    let mut variance = e.iter().map(|v| v * v).sum::<f64>() / nf;
    for l in 1..=lags.min(n - 1) {
        let gamma: f64 = (l..n).map(|t| e[t] * e[t - l]).sum::<f64>() / nf;
        variance += 2.0 * (1.0 - l as f64 / (lags as f64 + 1.0)) * gamma;
    }
    (variance > 0.0).then(|| eta / (nf * nf * variance))
}

/// 5% critical value of the KPSS level test (Kwiatkowski et al. 1992, Table 1).
pub const KPSS_CRITICAL_5PCT: f64 = 0.463;

/// Number of first differences (up to `max_d`) after which KPSS no longer rejects
/// stationarity at 5%.
pub fn ndiffs(y: &[f64], max_d: usize) -> usize {
    let mut x = y.to_vec();
    for d in 0..max_d {
        match kpss_statistic(&x) {
            Some(stat) if stat > KPSS_CRITICAL_5PCT => {
                x = x.windows(2).map(|w| w[1] - w[0]).collect();
            }
            _ => return d,
        }
    }
    max_d
}

/// Seasonal strength `max(0, 1 − Var(remainder) / Var(seasonal + remainder))` from a
/// classical additive decomposition (centred moving-average trend, seasonal means by
/// position). `None` with fewer than two full seasons.
pub fn seasonal_strength(y: &[f64], season: usize) -> Option<f64> {
    let n = y.len();
    if season < 2 || n < 2 * season {
        return None;
    }
    // Centred moving average of order m (2×m when m is even).
    let half = season / 2;
    let mut trend = vec![f64::NAN; n];
    for (t, slot) in trend.iter_mut().enumerate().take(n - half).skip(half) {
        *slot = if season % 2 == 1 {
            y[t - half..=t + half].iter().sum::<f64>() / season as f64
        } else {
            let inner: f64 = y[t - half + 1..t + half].iter().sum();
            (inner + 0.5 * (y[t - half] + y[t + half])) / season as f64
        };
    }
    let detrended: Vec<f64> = y.iter().zip(&trend).map(|(a, b)| a - b).collect();
    let mut sums = vec![0.0; season];
    let mut counts = vec![0usize; season];
    for (t, v) in detrended.iter().enumerate() {
        if v.is_finite() {
            sums[t % season] += v;
            counts[t % season] += 1;
        }
    }
    let mut seasonal: Vec<f64> = sums
        .iter()
        .zip(&counts)
        .map(|(s, c)| if *c > 0 { s / *c as f64 } else { 0.0 })
        .collect();
    let centre = seasonal.iter().sum::<f64>() / season as f64;
    seasonal.iter_mut().for_each(|v| *v -= centre);
    let (mut rem, mut both) = (vec![], vec![]);
    for (t, v) in detrended.iter().enumerate() {
        if v.is_finite() {
            rem.push(v - seasonal[t % season]);
            both.push(*v);
        }
    }
    let var = |x: &[f64]| {
        let m = x.iter().sum::<f64>() / x.len() as f64;
        x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / x.len() as f64
    };
    let denominator = var(&both);
    if denominator <= 0.0 {
        return Some(0.0);
    }
    Some((1.0 - var(&rem) / denominator).clamp(0.0, 1.0))
}

/// Seasonal differences (0 or 1): 1 when the seasonal strength exceeds 0.64, the threshold
/// of R's `nsdiffs(test = "seas")`.
pub fn nsdiffs(y: &[f64], season: usize) -> usize {
    match seasonal_strength(y, season) {
        Some(s) if s > 0.64 => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_walk_needs_one_difference_and_noise_none() {
        // Deterministic pseudo-noise.
        let mut state = 12345u64;
        let mut noise = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 10_000) as f64 / 10_000.0 - 0.5
        };
        let e: Vec<f64> = (0..300).map(|_| noise()).collect();
        let walk: Vec<f64> = e
            .iter()
            .scan(0.0, |s, v| {
                *s += v;
                Some(*s)
            })
            .collect();
        assert_eq!(ndiffs(&e, 2), 0);
        assert_eq!(ndiffs(&walk, 2), 1);
    }

    #[test]
    fn strong_seasonality_is_detected() {
        let y: Vec<f64> = (0..48)
            .map(|t| 10.0 * ((t % 12) as f64 - 5.5).abs() + 0.1 * t as f64)
            .collect();
        assert!(seasonal_strength(&y, 12).unwrap() > 0.9);
        assert_eq!(nsdiffs(&y, 12), 1);
        assert_eq!(seasonal_strength(&y[..20], 12), None);
    }
}

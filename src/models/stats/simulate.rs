//! What the simulated and empirical intervals share: standard normal draws from the
//! project's seeded generator, and quantiles of a sorted sample as numpy takes them.

use super::Interval;
use crate::rng::SplitMix64;

/// Central intervals at each level (percent) from samples per step, each step's sorted
/// ascending: the (100 − level)/200 and 1 − that quantiles, passed through `place(step,
/// value)` (e.g. adding the point forecast, or restoring a season).
pub fn sample_intervals(
    sorted_steps: &[Vec<f64>],
    levels: &[f64],
    place: impl Fn(usize, f64) -> f64,
) -> Vec<Interval> {
    levels
        .iter()
        .map(|&level| {
            let low = (100.0 - level) / 200.0;
            let (lower, upper) = sorted_steps
                .iter()
                .enumerate()
                .map(|(h, s)| (place(h, quantile(s, low)), place(h, quantile(s, 1.0 - low))))
                .unzip();
            Interval {
                level,
                lower,
                upper,
            }
        })
        .collect()
}

/// numpy's default (linear-interpolation) quantile `q` ∈ [0, 1] of sorted values; NaN for
/// none.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return f64::NAN;
    };
    let pos = q.clamp(0.0, 1.0) * last as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(last);
    sorted[lo] + pos.fract() * (sorted[hi] - sorted[lo])
}

/// A standard normal draw (Box–Muller on two uniforms in (0, 1)).
pub fn standard_normal(rng: &mut SplitMix64) -> f64 {
    let uniform =
        |rng: &mut SplitMix64| ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    let (u, v) = (uniform(rng), uniform(rng));
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_and_draws_are_standard() {
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_eq!(quantile(&[5.0], 0.9), 5.0);
        assert!(quantile(&[], 0.5).is_nan());
        let mut rng = SplitMix64::new(1);
        let draws: Vec<f64> = (0..20_000).map(|_| standard_normal(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / draws.len() as f64;
        assert!(
            mean.abs() < 0.03 && (var - 1.0).abs() < 0.03,
            "{mean} {var}"
        );
    }
}

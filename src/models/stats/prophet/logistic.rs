//! Prophet's logistic growth: a trend that saturates at a capacity `C` (the user's cap,
//! constant, floor 0), `g(t) = C / (1 + exp(−(k + aᵀδ)(t − (m + aᵀγ))))`, where each
//! changepoint sⱼ changes the rate by δⱼ and moves the offset by
//! γⱼ = (sⱼ − mⱼ)(1 − kⱼ / kⱼ₊₁) so the curve stays continuous (`prophet.stan`).
//!
//! The posterior mode is no longer a quadratic programme: it is found, as Stan finds it,
//! by quasi-Newton descent (BFGS) on the negative log posterior with σ profiled out (it
//! has a closed form given the rest), from Prophet's start, with the exact gradient —
//! forward derivatives of the γ recursion, summed per stretch between changepoints.

use crate::models::stats::optimize::Bfgs;

/// The logistic trend at `t` with base rate `k`, offset `m`, capacity `cap` (scaled) and
/// changepoints `(sⱼ, δⱼ)` in rising order.
pub(super) fn trend(
    t: f64,
    k: f64,
    m: f64,
    cap: f64,
    changepoints: impl IntoIterator<Item = (f64, f64)>,
) -> f64 {
    let (mut rate, mut offset) = (k, m);
    for (s, d) in changepoints {
        let next = rate + d;
        let gamma = (s - offset) * (1.0 - rate / next);
        if t < s {
            break;
        }
        rate = next;
        offset += gamma;
    }
    cap / (1.0 + (-rate * (t - offset)).exp())
}

/// Prophet's start (`logistic_growth_init`): the logistic curve through the first and last
/// points (each kept within 1–99% of the cap), on t = 0 … 1.
pub(super) fn start(first: f64, last: f64, cap: f64) -> (f64, f64) {
    let clip = |y: f64| y.clamp(0.01 * cap, 0.99 * cap);
    let mut r0 = cap / clip(first);
    let r1 = cap / clip(last);
    if (r0 - r1).abs() <= 0.01 {
        r0 *= 1.05;
    }
    let (l0, l1) = ((r0 - 1.0).ln(), (r1 - 1.0).ln());
    let k = l0 - l1;
    (k, l0 / k)
}

/// What the fit is given: scaled times (0 … 1) and values, the other features of each
/// point (seasonal terms, holiday, regressors) with their quadratic prior weights, the
/// changepoint times, the scaled cap, and the changepoints' L1 weight (1 / prior scale).
pub(super) struct Problem<'a> {
    pub t: &'a [f64],
    pub y: &'a [f64],
    pub features: &'a [Vec<f64>],
    pub quad: &'a [f64],
    pub changepoints: &'a [f64],
    pub cap: f64,
    pub l1: f64,
}

/// The posterior mode: `(k, m, δ, β, σ)`.
pub(super) struct Mode {
    pub k: f64,
    pub m: f64,
    pub deltas: Vec<f64>,
    pub beta: Vec<f64>,
    pub sigma: f64,
}

impl Problem<'_> {
    fn split<'x>(&self, x: &'x [f64]) -> (f64, f64, &'x [f64], &'x [f64]) {
        let s = self.changepoints.len();
        (x[0], x[1], &x[2..2 + s], &x[2 + s..])
    }

    /// σ given the sum of squared residuals: the root of 4σ⁴ + nσ² = SSR.
    fn sigma(&self, ssr: f64) -> f64 {
        let n = self.y.len() as f64;
        ((-n + (n * n + 16.0 * ssr).sqrt()) / 8.0).sqrt().max(1e-12)
    }

    /// Residuals and, per point, the trend and its stretch (changepoints passed).
    fn residuals(&self, x: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let (k, m, deltas, beta) = self.split(x);
        let cps: Vec<(f64, f64)> = self
            .changepoints
            .iter()
            .copied()
            .zip(deltas.iter().copied())
            .collect();
        let mut e = Vec::with_capacity(self.y.len());
        let mut g = Vec::with_capacity(self.y.len());
        for ((&t, &y), row) in self.t.iter().zip(self.y).zip(self.features) {
            let trend = trend(t, k, m, self.cap, cps.iter().copied());
            let effect: f64 = row.iter().zip(beta).map(|(a, b)| a * b).sum();
            e.push(y - trend - effect);
            g.push(trend);
        }
        (e, g)
    }

    /// The negative log posterior with σ at its best (constants dropped).
    fn objective(&self, x: &[f64]) -> f64 {
        let (k, m, deltas, beta) = self.split(x);
        let (e, _) = self.residuals(x);
        let ssr: f64 = e.iter().map(|v| v * v).sum();
        let sigma = self.sigma(ssr);
        let value = self.y.len() as f64 * sigma.ln()
            + ssr / (2.0 * sigma * sigma)
            + 2.0 * sigma * sigma
            + (k * k + m * m) / 50.0
            + self.l1 * deltas.iter().map(|d| d.abs()).sum::<f64>()
            + beta
                .iter()
                .zip(self.quad)
                .map(|(b, q)| q * b * b)
                .sum::<f64>();
        if value.is_finite() { value } else { f64::NAN }
    }

    /// The objective's gradient (σ at its best, so only SSR's own gradient matters).
    fn gradient(&self, x: &[f64]) -> Vec<f64> {
        let (k, m, deltas, beta) = self.split(x);
        let s = deltas.len();
        let trend_dims = 2 + s;
        // Rate and offset after c changepoints, with their derivatives in (k, m, δ).
        let mut rates = vec![k];
        let mut offsets = vec![m];
        let mut d_rate = vec![unit(trend_dims, 0)];
        let mut d_offset = vec![unit(trend_dims, 1)];
        for (j, (&sj, &dj)) in self.changepoints.iter().zip(deltas).enumerate() {
            let (kj, mj) = (rates[j], offsets[j]);
            let next = kj + dj;
            let ratio = 1.0 - kj / next;
            let mut dk_next = d_rate[j].clone();
            dk_next[2 + j] += 1.0;
            let d_gamma: Vec<f64> = (0..trend_dims)
                .map(|i| {
                    -d_offset[j][i] * ratio
                        - (sj - mj) * (d_rate[j][i] * next - kj * dk_next[i]) / (next * next)
                })
                .collect();
            rates.push(next);
            offsets.push(mj + (sj - mj) * ratio);
            d_offset.push(
                d_offset[j]
                    .iter()
                    .zip(&d_gamma)
                    .map(|(a, b)| a + b)
                    .collect(),
            );
            d_rate.push(dk_next);
        }
        let (e, g) = self.residuals(x);
        let ssr: f64 = e.iter().map(|v| v * v).sum();
        let sigma = self.sigma(ssr);
        let w = 1.0 / (2.0 * sigma * sigma);
        // dSSR/dθ = −2 Σ eᵢ ∂fitᵢ/∂θ; the trend's part summed per stretch.
        let mut grad = vec![0.0; x.len()];
        let mut per_stretch = vec![(0.0, 0.0); s + 1];
        for (i, (&t, row)) in self.t.iter().zip(self.features).enumerate() {
            let c = self.changepoints.iter().take_while(|&&cp| t >= cp).count();
            let slope = g[i] * (1.0 - g[i] / self.cap);
            per_stretch[c].0 += e[i] * slope * (t - offsets[c]);
            per_stretch[c].1 += e[i] * slope * rates[c];
            for (out, a) in grad[trend_dims..].iter_mut().zip(row) {
                *out -= 2.0 * w * e[i] * a;
            }
        }
        for (c, (a, b)) in per_stretch.iter().enumerate() {
            for i in 0..trend_dims {
                grad[i] -= 2.0 * w * (a * d_rate[c][i] - b * d_offset[c][i]);
            }
        }
        grad[0] += k / 25.0;
        grad[1] += m / 25.0;
        for (out, d) in grad[2..trend_dims].iter_mut().zip(deltas) {
            *out += self.l1 * if *d == 0.0 { 0.0 } else { d.signum() };
        }
        for ((out, b), q) in grad[trend_dims..].iter_mut().zip(beta).zip(self.quad) {
            *out += 2.0 * q * b;
        }
        grad
    }

    /// The posterior mode from Prophet's start (δ = 0, β = 0).
    pub fn solve(&self) -> Mode {
        let n = self.y.len();
        let (k, m) = start(self.y[0], self.y[n - 1], self.cap);
        let s = self.changepoints.len();
        let mut x0 = vec![k, m];
        x0.extend(std::iter::repeat_n(0.0, s + self.quad.len()));
        let solver = Bfgs {
            max_iterations: 2_000,
            gradient_tolerance: 1e-8,
            value_tolerance: 1e-14,
        };
        let found = solver.minimize_with_gradient(
            |x| self.objective(x),
            |_, x, count| {
                *count += 1;
                self.gradient(x)
            },
            &x0,
        );
        let (e, _) = self.residuals(&found.x);
        let sigma = self.sigma(e.iter().map(|v| v * v).sum());
        let (k, m, deltas, beta) = self.split(&found.x);
        Mode {
            k,
            m,
            deltas: deltas.to_vec(),
            beta: beta.to_vec(),
            sigma,
        }
    }
}

fn unit(n: usize, i: usize) -> Vec<f64> {
    let mut v = vec![0.0; n];
    v[i] = 1.0;
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gradient_is_the_objectives() {
        let t: Vec<f64> = (0..60).map(|i| i as f64 / 59.0).collect();
        let y: Vec<f64> = t
            .iter()
            .map(|&t| 0.9 / (1.0 + (-6.0 * (t - 0.4)).exp()) + 0.02 * (20.0 * t).sin())
            .collect();
        let features: Vec<Vec<f64>> = t.iter().map(|&t| vec![(20.0 * t).sin()]).collect();
        let problem = Problem {
            t: &t,
            y: &y,
            features: &features,
            quad: &[0.005],
            changepoints: &[0.3, 0.6],
            cap: 1.0,
            l1: 20.0,
        };
        let x = [5.0, 0.35, 0.7, -1.2, 0.01];
        let ours = problem.gradient(&x);
        let mut count = 0;
        let numeric = crate::models::stats::optimize::gradient(
            &mut |x: &[f64]| problem.objective(x),
            &x,
            &mut count,
        );
        for (a, b) in ours.iter().zip(&numeric) {
            assert!(
                (a - b).abs() < 1e-5 * (1.0 + b.abs()),
                "{ours:?} vs {numeric:?}"
            );
        }
        let mode = problem.solve();
        assert!((mode.k - 6.0).abs() < 1.0, "rate {}", mode.k);
        assert!(mode.sigma < 0.02, "σ {}", mode.sigma);
    }
}

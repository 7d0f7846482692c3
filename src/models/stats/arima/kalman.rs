//! Exact Gaussian likelihood of a stationary ARMA process by the Kalman filter, in Harvey's
//! state-space form (as statsmodels' SARIMAX uses for the differenced part):
//!
//! state αₜ of size r = max(p, q + 1), transition T with φ down the first column and ones on
//! the superdiagonal, disturbance loading R = (1, θ₁, …, θᵣ₋₁)ᵀ, observation wₜ = αₜ[0].
//!
//! The filter runs with σ² = 1 and the scale is concentrated out. The initial covariance is
//! the process's stationary one (from its autocovariances). Once the state covariance
//! stops changing the filter freezes it, so a long series costs O(r) per step after the first
//! few hundred. The optimiser uses [`Arma::likelihood`], the Chandrasekhar recursions, which
//! give the same likelihood in O(r) per step.

/// A stationary ARMA model in full (seasonal parts multiplied out): `w_t = Σ φ_i w_{t−i} + ε_t
/// + Σ θ_j ε_{t−j}`.
#[derive(Debug, Clone)]
pub struct Arma {
    /// AR coefficients φ₁…φₚ.
    pub phi: Vec<f64>,
    /// MA coefficients θ₁…θ_q.
    pub theta: Vec<f64>,
}

/// The sufficient statistics of the concentrated Gaussian likelihood.
#[derive(Debug, Clone, Copy)]
pub struct Likelihood {
    /// Σ vₜ² / Fₜ (with σ² = 1).
    pub sum_squares: f64,
    /// Σ ln Fₜ.
    pub sum_log_f: f64,
    /// Points filtered.
    pub n: usize,
}

impl Likelihood {
    /// Maximum-likelihood σ² (concentrated): Σ vₜ²/Fₜ / n.
    pub fn sigma2(&self) -> f64 {
        self.sum_squares / self.n as f64
    }

    /// The exact Gaussian log-likelihood at the concentrated σ².
    pub fn log_likelihood(&self) -> f64 {
        let n = self.n as f64;
        -0.5 * n * ((2.0 * std::f64::consts::PI).ln() + self.sigma2().ln() + 1.0)
            - 0.5 * self.sum_log_f
    }
}

/// What one filter pass gives.
#[derive(Debug, Clone)]
pub struct Filtered {
    /// Σ vₜ² / Fₜ (with σ² = 1).
    pub sum_squares: f64,
    /// Σ ln Fₜ.
    pub sum_log_f: f64,
    /// Points filtered.
    pub n: usize,
    /// One-step prediction errors vₜ (only when asked for).
    pub innovations: Vec<f64>,
    /// Predicted state for the step after the last point.
    pub next_state: Vec<f64>,
    /// Its covariance (σ² = 1), row-major r × r.
    pub next_covariance: Vec<f64>,
}

impl Filtered {
    /// The likelihood part.
    pub fn likelihood(&self) -> Likelihood {
        Likelihood {
            sum_squares: self.sum_squares,
            sum_log_f: self.sum_log_f,
            n: self.n,
        }
    }

    /// Maximum-likelihood σ² (concentrated): Σ vₜ²/Fₜ / n.
    pub fn sigma2(&self) -> f64 {
        self.likelihood().sigma2()
    }

    /// The exact Gaussian log-likelihood at the concentrated σ².
    pub fn log_likelihood(&self) -> f64 {
        self.likelihood().log_likelihood()
    }
}

impl Arma {
    /// State dimension r = max(p, q + 1).
    pub fn state_size(&self) -> usize {
        self.phi.len().max(self.theta.len() + 1)
    }

    fn loading(&self) -> Vec<f64> {
        let r = self.state_size();
        let mut l = vec![0.0; r];
        l[0] = 1.0;
        for (j, t) in self.theta.iter().enumerate() {
            l[j + 1] = *t;
        }
        l
    }

    fn phi_at(&self, i: usize) -> f64 {
        self.phi.get(i).copied().unwrap_or(0.0)
    }

    /// `T · a` for the companion-form transition.
    pub fn transition(&self, a: &[f64], out: &mut [f64]) {
        let r = a.len();
        for i in 0..r {
            out[i] = self.phi_at(i) * a[0] + if i + 1 < r { a[i + 1] } else { 0.0 };
        }
    }

    /// `T · M · Tᵀ + R Rᵀ` for an r × r row-major M, in O(r²).
    fn propagate(&self, m: &[f64], loading: &[f64], tmp: &mut [f64], out: &mut [f64]) {
        let r = loading.len();
        // tmp = T M
        for i in 0..r {
            let phi = self.phi_at(i);
            for j in 0..r {
                let below = if i + 1 < r { m[(i + 1) * r + j] } else { 0.0 };
                tmp[i * r + j] = phi * m[j] + below;
            }
        }
        // out = tmp Tᵀ + R Rᵀ
        for i in 0..r {
            for j in 0..r {
                let right = if j + 1 < r { tmp[i * r + j + 1] } else { 0.0 };
                out[i * r + j] = self.phi_at(j) * tmp[i * r] + right + loading[i] * loading[j];
            }
        }
    }

    /// ψ-weights of the MA(∞) form, ψ₀ … ψ_{count−1}: `ψ_j = θ_j + Σ φ_i ψ_{j−i}`.
    pub fn psi_weights(&self, count: usize) -> Vec<f64> {
        let mut psi = vec![0.0; count];
        for j in 0..count {
            let theta = if j == 0 {
                1.0
            } else {
                self.theta.get(j - 1).copied().unwrap_or(0.0)
            };
            psi[j] = theta
                + (1..=self.phi.len().min(j))
                    .map(|i| self.phi[i - 1] * psi[j - i])
                    .sum::<f64>();
        }
        psi
    }

    /// Autocovariances γ(0) … γ(lags) of w (σ² = 1): the p + 1 Yule–Walker-type equations
    /// `γ(h) − Σ φ_i γ(|h − i|) = Σ_{j ≥ h} θ_j ψ_{j−h}` solved directly, then the AR
    /// recursion beyond p. `None` when the system is singular or γ(0) is not positive (φ on
    /// or outside the unit circle).
    fn autocovariances(&self, lags: usize, psi: &[f64]) -> Option<Vec<f64>> {
        let p = self.phi.len();
        let q = self.theta.len();
        let theta = |j: usize| {
            if j == 0 {
                1.0
            } else {
                self.theta.get(j - 1).copied().unwrap_or(0.0)
            }
        };
        let ma_part = |h: usize| (h..=q).map(|j| theta(j) * psi[j - h]).sum::<f64>();
        let size = p + 1;
        let mut a = vec![0.0; size * size];
        let mut b = vec![0.0; size];
        for h in 0..size {
            a[h * size + h] += 1.0;
            for i in 1..=p {
                a[h * size + h.abs_diff(i)] -= self.phi[i - 1];
            }
            b[h] = ma_part(h);
        }
        let mut gamma = solve(&mut a, &mut b, size)?;
        if !(gamma[0] > 0.0 && gamma[0].is_finite()) {
            return None;
        }
        for h in size..=lags {
            let ar: f64 = (1..=p).map(|i| self.phi[i - 1] * gamma[h - i]).sum();
            gamma.push(ar + if h <= q { ma_part(h) } else { 0.0 });
        }
        gamma.truncate(lags + 1);
        Some(gamma)
    }

    /// Stationary state covariance P = T P Tᵀ + R Rᵀ in O(p³ + r²): the first row
    /// `P[0][k] = Cov(w_t, α_t[k])` from the autocovariances and ψ-weights, then the rest
    /// from the bottom-right corner by the fixed-point equation entry by entry,
    /// `P[i][j] = φᵢ₊₁φⱼ₊₁P₀₀ + φᵢ₊₁P[0][j+1] + φⱼ₊₁P[i+1][0] + P[i+1][j+1] + RᵢRⱼ`.
    /// (Lyapunov doubling costs O(r³) per step and dominated long-seasonal fits.) `None`
    /// when the process is not stationary.
    pub fn stationary_covariance(&self) -> Option<Vec<f64>> {
        let r = self.state_size();
        let loading = self.loading();
        let psi = self.psi_weights(r + 1);
        let gamma = self.autocovariances(r, &psi)?;
        // α_t[k] = Σ_{l>k} φ_l w_{t+k−l} + Σ_{l≥k} θ_l ε_{t+k−l} (θ₀ = 1), so
        // Cov(w_t, α_t[k]) = Σ_{l>k} φ_l γ(l−k) + Σ_{l≥k} θ_l ψ_{l−k}.
        let mut first = vec![0.0; r];
        for (k, slot) in first.iter_mut().enumerate() {
            let ar: f64 = (k + 1..=self.phi.len())
                .map(|l| self.phi[l - 1] * gamma[l - k])
                .sum();
            let ma: f64 = (k..r).map(|l| loading[l] * psi[l - k]).sum();
            *slot = ar + ma;
        }
        let mut p = vec![0.0; r * r];
        let at = |p: &[f64], i: usize, j: usize| {
            if i < r && j < r { p[i * r + j] } else { 0.0 }
        };
        for i in (1..r).rev() {
            for j in (i..r).rev() {
                let value = self.phi_at(i) * self.phi_at(j) * first[0]
                    + self.phi_at(i) * first.get(j + 1).copied().unwrap_or(0.0)
                    + self.phi_at(j) * first.get(i + 1).copied().unwrap_or(0.0)
                    + at(&p, i + 1, j + 1)
                    + loading[i] * loading[j];
                p[i * r + j] = value;
                p[j * r + i] = value;
            }
        }
        for (k, v) in first.iter().enumerate() {
            p[k] = *v;
            p[k * r] = *v;
        }
        p.iter().all(|v| v.is_finite()).then_some(p)
    }

    /// The likelihood alone, by the Chandrasekhar recursions (Morf, Sidhu & Kailath 1974;
    /// statsmodels' `filter_chandrasekhar`): from the stationary start, the covariance
    /// increment `P_{t+1} − P_t = sₜ wₜ wₜᵀ` stays rank one for a scalar observation, so
    /// Fₜ and the gain follow in O(r) per step instead of the O(r²) covariance update:
    ///
    /// `F_{t+1} = Fₜ + sₜ zₜ²`, `G_{t+1} = Gₜ + sₜ zₜ T wₜ` (G = T P Zᵀ, zₜ = wₜ[0]),
    /// `s_{t+1} = sₜ + sₜ² zₜ² / Fₜ`, `w_{t+1} = T wₜ − G_{t+1} zₜ / F_{t+1}`,
    /// starting from `w₁ = G₁`, `s₁ = −1/F₁`.
    ///
    /// What the optimiser calls; [`Arma::filter`] (which also keeps the final state
    /// covariance for forecasting) gives the same figures to rounding.
    pub fn likelihood(&self, w: &[f64]) -> Option<Likelihood> {
        let r = self.state_size();
        let p1 = self.stationary_covariance()?;
        let column: Vec<f64> = (0..r).map(|k| p1[k * r]).collect();
        let mut f = p1[0];
        let mut g = vec![0.0; r];
        self.transition(&column, &mut g);
        let mut increment = g.clone();
        let mut s = if f > 0.0 { -1.0 / f } else { return None };
        let mut a = vec![0.0; r];
        let mut a_next = vec![0.0; r];
        let mut tw = vec![0.0; r];
        let (mut sum_squares, mut sum_log_f) = (0.0, 0.0);
        let mut steady = false;
        for &obs in w {
            if f.is_nan() || f <= 0.0 {
                return None;
            }
            let v = obs - a[0];
            sum_squares += v * v / f;
            sum_log_f += f.ln();
            // a_{t+1} = T aₜ + Gₜ vₜ / Fₜ
            self.transition(&a, &mut a_next);
            let scale = v / f;
            for i in 0..r {
                a[i] = a_next[i] + g[i] * scale;
            }
            if !steady {
                let z = increment[0];
                self.transition(&increment, &mut tw);
                let f_next = f + s * z * z;
                let sz = s * z;
                for i in 0..r {
                    g[i] += sz * tw[i];
                }
                let s_next = s + s * s * z * z / f;
                let k = z / f_next;
                for i in 0..r {
                    increment[i] = tw[i] - g[i] * k;
                }
                f = f_next;
                s = s_next;
                // Freeze once the increment no longer moves P (as `filter` does).
                let largest = increment.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                if (s * largest * largest).abs() < 1e-12 {
                    steady = true;
                }
            }
        }
        let out = Likelihood {
            sum_squares,
            sum_log_f,
            n: w.len(),
        };
        (sum_squares.is_finite() && sum_log_f.is_finite()).then_some(out)
    }

    /// Runs the filter over `w` (already centred). `None` when the model is not stationary
    /// or the filter breaks down numerically.
    pub fn filter(&self, w: &[f64], keep_innovations: bool) -> Option<Filtered> {
        let r = self.state_size();
        let loading = self.loading();
        let mut p = self.stationary_covariance()?;
        let mut a = vec![0.0; r];
        let mut a_next = vec![0.0; r];
        let mut p_upd = vec![0.0; r * r];
        let mut p_next = vec![0.0; r * r];
        let mut tmp = vec![0.0; r * r];
        let mut gain = vec![0.0; r];
        let (mut sum_squares, mut sum_log_f) = (0.0, 0.0);
        let mut innovations = Vec::with_capacity(if keep_innovations { w.len() } else { 0 });
        let mut steady = false;
        let mut f = p[0];
        for &obs in w {
            let v = obs - a[0];
            if !steady {
                f = p[0];
                if f.is_nan() || f <= 0.0 {
                    return None;
                }
                for i in 0..r {
                    gain[i] = p[i] / f;
                }
            }
            sum_squares += v * v / f;
            sum_log_f += f.ln();
            if keep_innovations {
                innovations.push(v);
            }
            for i in 0..r {
                a[i] += gain[i] * v;
            }
            self.transition(&a, &mut a_next);
            std::mem::swap(&mut a, &mut a_next);
            if !steady {
                for i in 0..r {
                    for j in 0..r {
                        p_upd[i * r + j] = p[i * r + j] - gain[i] * p[j];
                    }
                }
                self.propagate(&p_upd, &loading, &mut tmp, &mut p_next);
                let change = p
                    .iter()
                    .zip(&p_next)
                    .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
                std::mem::swap(&mut p, &mut p_next);
                // The gain and F are then fixed: once P no longer moves, K = T P e₁ / F is
                // what the full recursion would keep computing.
                if change < 1e-12 {
                    steady = true;
                    f = p[0];
                    if f.is_nan() || f <= 0.0 {
                        return None;
                    }
                    for i in 0..r {
                        gain[i] = p[i] / f;
                    }
                }
            }
        }
        (sum_squares.is_finite() && sum_log_f.is_finite()).then_some(Filtered {
            sum_squares,
            sum_log_f,
            n: w.len(),
            innovations,
            next_state: a,
            next_covariance: p,
        })
    }

    /// Forecast-error covariances of the next `horizon` values of w (σ² = 1):
    /// `cov[i][j] = Cov(w_{n+1+i} − ŵ, w_{n+1+j} − ŵ)`, from the state covariance after the
    /// last point, and the point forecasts of the centred series.
    // Matrix rows are read and written by index in the same loop (elimination, covariance).
    #[allow(clippy::needless_range_loop)]
    pub fn forecast(&self, filtered: &Filtered, horizon: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
        let r = self.state_size();
        let loading = self.loading();
        let mut a = filtered.next_state.clone();
        let mut a_next = vec![0.0; r];
        let mut p = filtered.next_covariance.clone();
        let mut p_next = vec![0.0; r * r];
        let mut tmp = vec![0.0; r * r];
        let mut points = Vec::with_capacity(horizon);
        let mut cov = vec![vec![0.0; horizon]; horizon];
        let mut u = vec![0.0; r];
        let mut u_next = vec![0.0; r];
        for i in 0..horizon {
            points.push(a[0]);
            // Cov(w_i, w_j) for j ≥ i = [T^{j−i} P_i e₁]₀.
            for k in 0..r {
                u[k] = p[k * r];
            }
            for j in i..horizon {
                cov[i][j] = u[0];
                cov[j][i] = u[0];
                self.transition(&u, &mut u_next);
                std::mem::swap(&mut u, &mut u_next);
            }
            self.transition(&a, &mut a_next);
            std::mem::swap(&mut a, &mut a_next);
            self.propagate(&p, &loading, &mut tmp, &mut p_next);
            std::mem::swap(&mut p, &mut p_next);
        }
        (points, cov)
    }
}

/// Solves `a x = b` (n × n, row-major) by Gaussian elimination with partial pivoting;
/// `None` when singular. Overwrites both.
fn solve(a: &mut [f64], b: &mut [f64], n: usize) -> Option<Vec<f64>> {
    for col in 0..n {
        let pivot =
            (col..n).max_by(|&x, &y| a[x * n + col].abs().total_cmp(&a[y * n + col].abs()))?;
        if a[pivot * n + col].abs() < 1e-12 {
            return None;
        }
        if pivot != col {
            for k in 0..n {
                a.swap(pivot * n + k, col * n + k);
            }
            b.swap(pivot, col);
        }
        let diagonal = a[col * n + col];
        for row in col + 1..n {
            let factor = a[row * n + col] / diagonal;
            if factor != 0.0 {
                for k in col..n {
                    a[row * n + k] -= factor * a[col * n + k];
                }
                b[row] -= factor * b[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|k| a[row * n + k] * x[k]).sum();
        x[row] = (b[row] - tail) / a[row * n + row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
fn matmul(a: &[f64], b: &[f64], out: &mut [f64], r: usize) {
    for i in 0..r {
        for j in 0..r {
            out[i * r + j] = (0..r).map(|k| a[i * r + k] * b[k * r + j]).sum();
        }
    }
}

#[cfg(test)]
fn matmul_transposed(a: &[f64], b: &[f64], out: &mut [f64], r: usize) {
    for i in 0..r {
        for j in 0..r {
            out[i * r + j] = (0..r).map(|k| a[i * r + k] * b[j * r + k]).sum();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Arma {
        /// Reference: P = T P Tᵀ + R Rᵀ by Lyapunov doubling (P ← P + A P Aᵀ,
        /// A ← A²). `None` when it does not settle (a non-stationary φ).
        fn stationary_covariance_by_doubling(&self) -> Option<Vec<f64>> {
            let r = self.state_size();
            let loading = self.loading();
            let mut p: Vec<f64> = (0..r * r)
                .map(|k| loading[k / r] * loading[k % r])
                .collect();
            let mut a = vec![0.0; r * r];
            for i in 0..r {
                a[i * r] = self.phi_at(i);
                if i + 1 < r {
                    a[i * r + i + 1] = 1.0;
                }
            }
            let mut tmp = vec![0.0; r * r];
            for _ in 0..64 {
                let norm = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                if norm < 1e-15 {
                    return p.iter().all(|v| v.is_finite()).then_some(p);
                }
                if !norm.is_finite() || norm > 1e12 {
                    return None;
                }
                // tmp = A P; p += tmp Aᵀ
                matmul(&a, &p, &mut tmp, r);
                let mut add = vec![0.0; r * r];
                matmul_transposed(&tmp, &a, &mut add, r);
                for (x, y) in p.iter_mut().zip(&add) {
                    *x += y;
                }
                let mut squared = vec![0.0; r * r];
                matmul(&a, &a, &mut squared, r);
                a = squared;
            }
            None
        }
    }

    #[test]
    fn stationary_covariance_matches_lyapunov_doubling() {
        let seasonal_ar = {
            // (1 − 0.5B)(1 − 0.8B¹²)
            let mut phi = vec![0.0; 13];
            phi[0] = 0.5;
            phi[11] = 0.8;
            phi[12] = -0.4;
            phi
        };
        let cases = [
            Arma {
                phi: vec![0.6],
                theta: vec![],
            },
            Arma {
                phi: vec![],
                theta: vec![0.4, -0.3],
            },
            Arma {
                phi: vec![1.2, -0.5],
                theta: vec![0.3, 0.2, -0.1],
            },
            Arma {
                phi: seasonal_ar.clone(),
                theta: vec![0.3],
            },
            Arma {
                phi: vec![0.2],
                theta: {
                    let mut t = vec![0.0; 13];
                    t[0] = -0.4;
                    t[11] = -0.6;
                    t[12] = 0.24;
                    t
                },
            },
            Arma {
                phi: seasonal_ar,
                theta: {
                    let mut t = vec![0.0; 14];
                    t[1] = 0.5;
                    t[13] = -0.2;
                    t
                },
            },
        ];
        for arma in cases {
            let fast = arma.stationary_covariance().expect("stationary");
            let slow = arma
                .stationary_covariance_by_doubling()
                .expect("stationary");
            for (a, b) in fast.iter().zip(&slow) {
                assert!(
                    (a - b).abs() < 1e-9 * b.abs().max(1.0),
                    "{a} vs {b} for {arma:?}"
                );
            }
        }
        assert!(
            Arma {
                phi: vec![1.0],
                theta: vec![]
            }
            .stationary_covariance()
            .is_none()
        );
    }

    #[test]
    fn ar1_stationary_variance_is_one_over_one_minus_phi_squared() {
        let m = Arma {
            phi: vec![0.6],
            theta: vec![],
        };
        let p = m.stationary_covariance().unwrap();
        assert!((p[0] - 1.0 / (1.0 - 0.36)).abs() < 1e-12);
        assert!(
            Arma {
                phi: vec![1.01],
                theta: vec![]
            }
            .stationary_covariance()
            .is_none()
        );
    }

    #[test]
    fn ar1_likelihood_matches_closed_form() {
        // Exact AR(1) log-likelihood with σ² concentrated out.
        let w = [0.3, -0.2, 0.5, 0.1, 0.9, -0.4];
        let phi = 0.5;
        let f = Arma {
            phi: vec![phi],
            theta: vec![],
        }
        .filter(&w, false)
        .unwrap();
        let mut ss = w[0] * w[0] * (1.0 - phi * phi);
        for t in 1..w.len() {
            ss += (w[t] - phi * w[t - 1]).powi(2);
        }
        let n = w.len() as f64;
        let s2 = ss / n;
        let ll = -0.5 * n * ((2.0 * std::f64::consts::PI).ln() + s2.ln() + 1.0)
            + 0.5 * (1.0 - phi * phi).ln();
        assert!(
            (f.log_likelihood() - ll).abs() < 1e-12,
            "{} vs {ll}",
            f.log_likelihood()
        );
    }

    #[test]
    fn chandrasekhar_likelihood_matches_the_full_filter() {
        let w: Vec<f64> = (0..300)
            .map(|t| ((t as f64) * 0.37).sin() + 0.3 * ((t * t % 17) as f64 - 8.0) / 8.0)
            .collect();
        let seasonal_ma = {
            let mut t = vec![0.0; 13];
            t[0] = -0.4;
            t[11] = -0.9;
            t[12] = 0.36;
            t
        };
        let cases = [
            Arma {
                phi: vec![0.6],
                theta: vec![],
            },
            Arma {
                phi: vec![],
                theta: vec![0.95],
            },
            Arma {
                phi: vec![1.2, -0.5],
                theta: vec![0.3, 0.2, -0.1],
            },
            Arma {
                phi: vec![0.2],
                theta: seasonal_ma,
            },
        ];
        for arma in cases {
            let full = arma.filter(&w, false).expect("filter");
            let fast = arma.likelihood(&w).expect("likelihood");
            assert!(
                (full.sum_squares - fast.sum_squares).abs() < 1e-8 * full.sum_squares,
                "{arma:?}"
            );
            assert!(
                (full.sum_log_f - fast.sum_log_f).abs() < 1e-8 * full.sum_log_f.abs().max(1.0),
                "{arma:?}: {} vs {}",
                full.sum_log_f,
                fast.sum_log_f
            );
        }
    }

    #[test]
    fn ma1_first_variance_includes_theta() {
        let m = Arma {
            phi: vec![],
            theta: vec![0.4],
        };
        let p = m.stationary_covariance().unwrap();
        assert!((p[0] - 1.16).abs() < 1e-12);
    }
}

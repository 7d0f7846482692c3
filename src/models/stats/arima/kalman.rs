//! Exact Gaussian likelihood of a stationary ARMA process by the Kalman filter, in Harvey's
//! state-space form (as statsmodels' SARIMAX uses for the differenced part):
//!
//! state αₜ of size r = max(p, q + 1), transition T with φ down the first column and ones on
//! the superdiagonal, disturbance loading R = (1, θ₁, …, θᵣ₋₁)ᵀ, observation wₜ = αₜ[0].
//!
//! The filter runs with σ² = 1 and the scale is concentrated out. The initial covariance is
//! the process's stationary one (solved by Lyapunov doubling). Once the state covariance
//! stops changing the filter freezes it, so a long series costs O(r) per step after the first
//! few hundred.

/// A stationary ARMA model in full (seasonal parts multiplied out): `w_t = Σ φ_i w_{t−i} + ε_t
/// + Σ θ_j ε_{t−j}`.
#[derive(Debug, Clone)]
pub struct Arma {
    /// AR coefficients φ₁…φₚ.
    pub phi: Vec<f64>,
    /// MA coefficients θ₁…θ_q.
    pub theta: Vec<f64>,
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

    /// Stationary state covariance: P = T P Tᵀ + R Rᵀ, by doubling (P ← P + A P Aᵀ,
    /// A ← A²). `None` when it does not settle (a non-stationary φ).
    pub fn stationary_covariance(&self) -> Option<Vec<f64>> {
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

fn matmul(a: &[f64], b: &[f64], out: &mut [f64], r: usize) {
    for i in 0..r {
        for j in 0..r {
            out[i * r + j] = (0..r).map(|k| a[i * r + k] * b[k * r + j]).sum();
        }
    }
}

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
    fn ma1_first_variance_includes_theta() {
        let m = Arma {
            phi: vec![],
            theta: vec![0.4],
        };
        let p = m.stationary_covariance().unwrap();
        assert!((p[0] - 1.16).abs() < 1e-12);
    }
}

//! Derivative-free and quasi-Newton minimisers for maximum likelihood: Nelder–Mead (what
//! StatsForecast's ETS uses) and BFGS on central-difference gradients (what statsmodels'
//! state-space models use, on unconstrained transformed parameters).

/// Where a minimiser stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    /// Arguments at the minimum found.
    pub x: Vec<f64>,
    /// Objective there.
    pub value: f64,
    /// Whether the stopping tolerance was met (rather than the iteration limit).
    pub converged: bool,
    /// Objective evaluations used.
    pub evaluations: usize,
}

/// Nelder–Mead settings.
#[derive(Debug, Clone, Copy)]
pub struct NelderMead {
    /// Iteration limit.
    pub max_iterations: usize,
    /// Stop when the simplex's objective spread falls below `tolerance · (|f| + tolerance)`.
    pub tolerance: f64,
    /// …and when no vertex lies further than this from the best one (per coordinate,
    /// relative to `1 + |x|`), so a symmetric simplex straddling the minimum is not taken
    /// for a converged one.
    pub x_tolerance: f64,
    /// Initial simplex step per coordinate, as a fraction of the start (or absolute when the
    /// coordinate is zero).
    pub step: f64,
}

impl Default for NelderMead {
    fn default() -> Self {
        NelderMead {
            max_iterations: 2_000,
            tolerance: 1e-10,
            x_tolerance: 1e-7,
            step: 0.05,
        }
    }
}

impl NelderMead {
    /// Minimises `f` from `x0`. Non-finite objective values count as +∞, so a penalty or an
    /// invalid region simply repels the simplex.
    // Simplex vertices are updated in place against vertex 0 by index.
    #[allow(clippy::needless_range_loop)]
    pub fn minimize(&self, mut f: impl FnMut(&[f64]) -> f64, x0: &[f64]) -> Minimum {
        let n = x0.len();
        let mut eval = |x: &[f64], count: &mut usize| {
            *count += 1;
            let v = f(x);
            if v.is_finite() { v } else { f64::INFINITY }
        };
        let mut evaluations = 0;
        if n == 0 {
            let value = eval(x0, &mut evaluations);
            return Minimum {
                x: vec![],
                value,
                converged: true,
                evaluations,
            };
        }
        let mut simplex: Vec<Vec<f64>> = vec![x0.to_vec()];
        for i in 0..n {
            let mut x = x0.to_vec();
            x[i] = if x[i] != 0.0 {
                x[i] * (1.0 + self.step)
            } else {
                self.step * 0.5
            };
            simplex.push(x);
        }
        let mut values: Vec<f64> = simplex.iter().map(|x| eval(x, &mut evaluations)).collect();
        let mut converged = false;
        for _ in 0..self.max_iterations {
            let mut order: Vec<usize> = (0..=n).collect();
            order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
            // Reorder by moving the vertices (no copies).
            let mut taken = std::mem::take(&mut simplex);
            simplex = order
                .iter()
                .map(|&i| std::mem::take(&mut taken[i]))
                .collect();
            values = order.iter().map(|&i| values[i]).collect();
            let (best, worst) = (values[0], values[n]);
            let flat = (worst - best).abs() <= self.tolerance * (best.abs() + self.tolerance);
            let small = simplex[1..].iter().all(|x| {
                x.iter()
                    .zip(&simplex[0])
                    .all(|(a, b)| (a - b).abs() <= self.x_tolerance * (1.0 + b.abs()))
            });
            if best.is_finite() && flat && small {
                converged = true;
                break;
            }
            let centroid: Vec<f64> = (0..n)
                .map(|j| simplex[..n].iter().map(|x| x[j]).sum::<f64>() / n as f64)
                .collect();
            let along = |t: f64| -> Vec<f64> {
                (0..n)
                    .map(|j| centroid[j] + t * (simplex[n][j] - centroid[j]))
                    .collect()
            };
            // Gao & Han's (2012) dimension-adapted coefficients: the classic 2 / ½ / ½
            // make the simplex collapse early above ~10 dimensions (ETS with a season).
            let nf = n as f64;
            let (expand, contract, shrink) = if nf > 2.0 {
                (1.0 + 2.0 / nf, 0.75 - 0.5 / nf, 1.0 - 1.0 / nf)
            } else {
                (2.0, 0.5, 0.5)
            };
            let reflected = along(-1.0);
            let f_r = eval(&reflected, &mut evaluations);
            if f_r < values[0] {
                let expanded = along(-expand);
                let f_e = eval(&expanded, &mut evaluations);
                if f_e < f_r {
                    simplex[n] = expanded;
                    values[n] = f_e;
                } else {
                    simplex[n] = reflected;
                    values[n] = f_r;
                }
            } else if f_r < values[n - 1] {
                simplex[n] = reflected;
                values[n] = f_r;
            } else {
                let (contracted, f_c) = if f_r < values[n] {
                    let c = along(-contract);
                    let v = eval(&c, &mut evaluations);
                    (c, v)
                } else {
                    let c = along(contract);
                    let v = eval(&c, &mut evaluations);
                    (c, v)
                };
                if f_c < values[n].min(f_r) {
                    simplex[n] = contracted;
                    values[n] = f_c;
                } else {
                    for i in 1..=n {
                        for j in 0..n {
                            simplex[i][j] =
                                simplex[0][j] + shrink * (simplex[i][j] - simplex[0][j]);
                        }
                        values[i] = eval(&simplex[i], &mut evaluations);
                    }
                }
            }
        }
        let best = (0..=n)
            .min_by(|&a, &b| values[a].total_cmp(&values[b]))
            .unwrap_or(0);
        Minimum {
            x: simplex[best].clone(),
            value: values[best],
            converged,
            evaluations,
        }
    }
}

/// BFGS settings (gradients by central differences).
#[derive(Debug, Clone, Copy)]
pub struct Bfgs {
    /// Iteration limit.
    pub max_iterations: usize,
    /// Stop when the gradient's largest component falls below this.
    pub gradient_tolerance: f64,
    /// Stop when an iteration improves the objective by less than this, relatively.
    pub value_tolerance: f64,
}

impl Default for Bfgs {
    fn default() -> Self {
        Bfgs {
            max_iterations: 200,
            gradient_tolerance: 1e-6,
            value_tolerance: 1e-12,
        }
    }
}

/// Central-difference gradient of `f` at `x` (step scaled to each coordinate).
pub fn gradient(f: &mut impl FnMut(&[f64]) -> f64, x: &[f64], count: &mut usize) -> Vec<f64> {
    let mut probe = x.to_vec();
    (0..x.len())
        .map(|i| {
            let h = 1e-6 * x[i].abs().max(1.0);
            probe[i] = x[i] + h;
            let up = f(&probe);
            probe[i] = x[i] - h;
            let down = f(&probe);
            probe[i] = x[i];
            *count += 2;
            (up - down) / (2.0 * h)
        })
        .collect()
}

impl Bfgs {
    /// Minimises a smooth `f` from `x0`, its gradient by central differences.
    pub fn minimize(&self, f: impl FnMut(&[f64]) -> f64, x0: &[f64]) -> Minimum {
        self.minimize_with_gradient(f, |f, x, count| gradient(f, x, count), x0)
    }

    /// Minimises a smooth `f` from `x0` with the gradient `grad` gives (it is handed `f`,
    /// for a numerical gradient, and the evaluation count to add to).
    pub fn minimize_with_gradient<F: FnMut(&[f64]) -> f64>(
        &self,
        mut f: F,
        mut grad: impl FnMut(&mut F, &[f64], &mut usize) -> Vec<f64>,
        x0: &[f64],
    ) -> Minimum {
        let n = x0.len();
        let mut evaluations = 1;
        let mut x = x0.to_vec();
        let mut value = f(&x);
        if n == 0 || !value.is_finite() {
            return Minimum {
                x,
                value,
                converged: n == 0,
                evaluations,
            };
        }
        let mut g = grad(&mut f, &x, &mut evaluations);
        // Inverse Hessian approximation, identity scaled at the first step.
        let mut h_inv = identity(n);
        let mut converged = false;
        let mut first = true;
        for _ in 0..self.max_iterations {
            if g.iter().all(|v| v.abs() < self.gradient_tolerance) {
                converged = true;
                break;
            }
            let mut direction: Vec<f64> = (0..n)
                .map(|i| -(0..n).map(|j| h_inv[i][j] * g[j]).sum::<f64>())
                .collect();
            let mut slope: f64 = direction.iter().zip(&g).map(|(d, g)| d * g).sum();
            if slope >= 0.0 || !slope.is_finite() {
                // Not a descent direction: restart from steepest descent.
                h_inv = identity(n);
                direction = g.iter().map(|v| -v).collect();
                slope = -g.iter().map(|v| v * v).sum::<f64>();
            }
            let mut step = if first {
                (1.0 / g.iter().map(|v| v.abs()).fold(0.0, f64::max)).min(1.0)
            } else {
                1.0
            };
            // Backtracking line search with the Armijo condition.
            let mut accepted = None;
            for _ in 0..40 {
                let candidate: Vec<f64> = x
                    .iter()
                    .zip(&direction)
                    .map(|(x, d)| x + step * d)
                    .collect();
                let v = f(&candidate);
                evaluations += 1;
                if v.is_finite() && v <= value + 1e-4 * step * slope {
                    accepted = Some((candidate, v));
                    break;
                }
                step *= 0.5;
            }
            let Some((x_new, v_new)) = accepted else {
                // No decrease along the direction: at a (numerical) minimum.
                converged = g.iter().all(|v| v.abs() < self.gradient_tolerance.sqrt());
                break;
            };
            let g_new = grad(&mut f, &x_new, &mut evaluations);
            let s: Vec<f64> = x_new.iter().zip(&x).map(|(a, b)| a - b).collect();
            let y: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
            let sy: f64 = s.iter().zip(&y).map(|(a, b)| a * b).sum();
            if first && sy > 0.0 {
                let yy: f64 = y.iter().map(|v| v * v).sum();
                h_inv = identity(n);
                for (i, row) in h_inv.iter_mut().enumerate() {
                    row[i] = sy / yy;
                }
            }
            first = false;
            if sy > 1e-12 {
                let hy: Vec<f64> = (0..n)
                    .map(|i| (0..n).map(|j| h_inv[i][j] * y[j]).sum())
                    .collect();
                let yhy: f64 = y.iter().zip(&hy).map(|(a, b)| a * b).sum();
                for i in 0..n {
                    for j in 0..n {
                        h_inv[i][j] += (sy + yhy) * s[i] * s[j] / (sy * sy)
                            - (hy[i] * s[j] + s[i] * hy[j]) / sy;
                    }
                }
            }
            let improvement = value - v_new;
            x = x_new;
            g = g_new;
            value = v_new;
            if improvement.abs() <= self.value_tolerance * (value.abs() + 1e-10) {
                converged = true;
                break;
            }
        }
        Minimum {
            x,
            value,
            converged,
            evaluations,
        }
    }
}

fn identity(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(x: &[f64]) -> f64 {
        (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2)
    }

    #[test]
    fn nelder_mead_finds_rosenbrock_minimum() {
        let m = NelderMead::default().minimize(rosenbrock, &[-1.2, 1.0]);
        assert!(m.converged);
        assert!(
            (m.x[0] - 1.0).abs() < 1e-3 && (m.x[1] - 1.0).abs() < 1e-3,
            "{m:?}"
        );
    }

    #[test]
    fn bfgs_finds_rosenbrock_minimum() {
        let m = Bfgs::default().minimize(rosenbrock, &[-1.2, 1.0]);
        assert!(
            (m.x[0] - 1.0).abs() < 1e-4 && (m.x[1] - 1.0).abs() < 1e-4,
            "{m:?}"
        );
    }

    #[test]
    fn infinite_regions_repel_nelder_mead() {
        let f = |x: &[f64]| {
            if x[0] < 0.5 {
                f64::NAN
            } else {
                (x[0] - 2.0).powi(2)
            }
        };
        let m = NelderMead::default().minimize(f, &[1.0]);
        assert!((m.x[0] - 2.0).abs() < 1e-4, "{m:?}");
    }
}

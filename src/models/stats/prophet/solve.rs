//! The posterior mode of the Prophet-style model: the noise σ alternated with the other
//! parameters, which solve an L1-penalised quadratic programme exactly (feature-sign search).

/// The posterior mode: minimises n·log σ + ‖y − Zθ‖²/(2σ²) + Σ quadⱼθⱼ² + Σ l1ⱼ|θⱼ| + 2σ²
/// over θ (starting from `theta`) and σ; returns σ. Given σ, θ solves a quadratic
/// programme with an L1 term (scaled by σ²: ½θᵀAθ − cᵀθ + σ²Σ l1ⱼ|θⱼ|, A = ZᵀZ +
/// 2σ²·diag(quad)); σ then solves 4σ⁴ + nσ² = ‖y − Zθ‖².
pub(super) fn map_fit(
    rows: &[Vec<f64>],
    y: &[f64],
    quad: &[f64],
    l1: &[f64],
    theta: &mut [f64],
) -> f64 {
    let p = theta.len();
    let n = y.len() as f64;
    let mut gram = vec![vec![0.0; p]; p];
    let mut zy = vec![0.0; p];
    for (row, &v) in rows.iter().zip(y) {
        for (i, (&ri, out)) in row.iter().zip(zy.iter_mut()).enumerate() {
            *out += ri * v;
            for (g, &rj) in gram[i][i..].iter_mut().zip(&row[i..]) {
                *g += ri * rj;
            }
        }
    }
    // The lower triangle mirrors the upper.
    let upper = gram.clone();
    for (i, row) in gram.iter_mut().enumerate() {
        for (j, g) in row.iter_mut().enumerate().take(i) {
            *g = upper[j][i];
        }
    }
    let yy: f64 = y.iter().map(|v| v * v).sum();
    let ssr = |theta: &[f64]| -> f64 {
        (yy - 2.0 * dot(theta, &zy) + dot(theta, &mat_vec(&gram, theta))).max(0.0)
    };
    let mut sigma = 1.0f64;
    for _ in 0..500 {
        let s2 = sigma * sigma;
        let a: Vec<Vec<f64>> = gram
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut row = row.clone();
                row[i] += 2.0 * s2 * quad[i];
                row
            })
            .collect();
        let lambda: Vec<f64> = l1.iter().map(|w| s2 * w).collect();
        feature_sign(&a, &zy, &lambda, theta);
        let next = ((-n + (n * n + 16.0 * ssr(theta)).sqrt()) / 8.0)
            .sqrt()
            .max(1e-12);
        let settled = (next - sigma).abs() <= 1e-12 * sigma;
        sigma = next;
        if settled {
            break;
        }
    }
    sigma
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn mat_vec(a: &[Vec<f64>], x: &[f64]) -> Vec<f64> {
    a.iter().map(|row| dot(row, x)).collect()
}

/// Minimises ½θᵀAθ − bᵀθ + Σ λⱼ|θⱼ| (A positive definite on every coordinate subset that
/// matters, λⱼ ≥ 0, zero for unpenalised coordinates) from `theta` by feature-sign search
/// (Lee, Battle, Raina & Ng, 2007): guess the signs of an active set, solve the equality
/// system exactly, step back to the best point where a sign flips, and bring in the zero
/// coordinate whose gradient most exceeds its penalty, until the optimality conditions
/// hold. Exact in a finite number of steps, where coordinate descent crawls along the
/// nearly collinear changepoint columns.
fn feature_sign(a: &[Vec<f64>], b: &[f64], lambda: &[f64], theta: &mut [f64]) {
    let p = theta.len();
    let tol = 1e-11 * b.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let objective = |th: &[f64]| {
        0.5 * dot(th, &mat_vec(a, th)) - dot(b, th)
            + th.iter().zip(lambda).map(|(t, l)| l * t.abs()).sum::<f64>()
    };
    let grad = |th: &[f64], j: usize| dot(&a[j], th) - b[j];
    // Active: nonzero, unpenalised, or just brought in (with the sign it is to take).
    let mut active: Vec<bool> = (0..p)
        .map(|j| theta[j] != 0.0 || lambda[j] == 0.0)
        .collect();
    let mut sign: Vec<f64> = theta
        .iter()
        .map(|t| if *t == 0.0 { 0.0 } else { t.signum() })
        .collect();
    for _ in 0..(20 * p + 100) {
        let settled = (0..p).filter(|&j| active[j]).all(|j| {
            let g = grad(theta, j);
            if lambda[j] == 0.0 {
                g.abs() <= tol
            } else if theta[j] != 0.0 {
                (g + lambda[j] * theta[j].signum()).abs() <= tol
            } else {
                // Brought in but still zero: the step below moves it.
                false
            }
        });
        if settled {
            let violation = (0..p)
                .filter(|&j| theta[j] == 0.0 && lambda[j] > 0.0)
                .map(|j| (j, grad(theta, j)))
                .filter(|&(j, g)| g.abs() - lambda[j] > tol)
                .max_by(|x, y| (x.1.abs() - lambda[x.0]).total_cmp(&(y.1.abs() - lambda[y.0])));
            let Some((j, g)) = violation else {
                return;
            };
            active[j] = true;
            sign[j] = -g.signum();
        }
        let set: Vec<usize> = (0..p).filter(|&j| active[j]).collect();
        let k = set.len();
        let mut system = vec![0.0; k * k];
        for (r, &i) in set.iter().enumerate() {
            for (c, &j) in set.iter().enumerate() {
                system[r * k + c] = a[i][j];
            }
        }
        let mut x: Vec<f64> = set.iter().map(|&j| b[j] - lambda[j] * sign[j]).collect();
        let Ok(l) = crate::models::stats::linalg::cholesky(&system, k) else {
            return;
        };
        crate::models::stats::linalg::cholesky_solve(&l, k, &mut x);
        let from = theta.to_vec();
        let mut to = from.clone();
        for (&j, v) in set.iter().zip(&x) {
            to[j] = *v;
        }
        // Candidate steps: the whole way, and every point where a penalised coordinate
        // crosses zero on the way.
        let mut steps = vec![1.0];
        for &j in &set {
            if lambda[j] > 0.0 && from[j] != 0.0 && from[j].signum() != to[j].signum() {
                steps.push(from[j] / (from[j] - to[j]));
            }
        }
        let point = |alpha: f64| -> Vec<f64> {
            (0..p)
                .map(|j| {
                    let v = from[j] + alpha * (to[j] - from[j]);
                    let crossed = lambda[j] > 0.0
                        && from[j] != 0.0
                        && from[j].signum() != to[j].signum()
                        && (alpha - from[j] / (from[j] - to[j])).abs() < 1e-15;
                    if crossed { 0.0 } else { v }
                })
                .collect()
        };
        let best = steps
            .iter()
            .map(|&alpha| point(alpha))
            .min_by(|x, y| objective(x).total_cmp(&objective(y)))
            .unwrap_or(from);
        theta.copy_from_slice(&best);
        for j in 0..p {
            if lambda[j] > 0.0 && theta[j] == 0.0 {
                active[j] = false;
                sign[j] = 0.0;
            } else if theta[j] != 0.0 {
                sign[j] = theta[j].signum();
            }
        }
    }
}

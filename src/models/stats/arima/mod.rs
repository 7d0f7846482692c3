//! Seasonal ARIMA(p,d,q)(P,D,Q)m with an optional constant and Fourier regressors (dynamic
//! harmonic regression), estimated by exact Gaussian maximum likelihood.
//!
//! The series is differenced by `(1 − B)^d (1 − B^m)^D`; the differenced series is a
//! regression (constant, differenced Fourier terms) plus a stationary ARMA error whose exact
//! likelihood comes from the Kalman filter (`kalman`). This equals statsmodels' `SARIMAX`
//! likelihood, whose diffuse integrated states are burnt in the first `d + mD` points.
//! Estimation follows R's "CSS-ML": conditional sum of squares for a start, then BFGS on the
//! exact likelihood, with AR parts kept stationary and MA parts invertible by the partial
//! autocorrelation reparameterisation (`polynomial`).

pub mod auto;
pub mod kalman;
pub mod polynomial;
pub mod tests_of_order;

use super::optimize::{Bfgs, Minimum};
use super::{Fitted, Forecast, StatsError, check_series};
use kalman::{Arma, Filtered};
use serde::{Deserialize, Serialize};

/// Orders of a seasonal ARIMA model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ArimaOrder {
    /// Non-seasonal AR order.
    pub p: usize,
    /// Non-seasonal differences.
    pub d: usize,
    /// Non-seasonal MA order.
    pub q: usize,
    /// Seasonal AR order.
    pub seasonal_p: usize,
    /// Seasonal differences.
    pub seasonal_d: usize,
    /// Seasonal MA order.
    pub seasonal_q: usize,
    /// Season length m (1 for none).
    pub season: usize,
}

impl ArimaOrder {
    /// A non-seasonal ARIMA(p,d,q).
    pub fn new(p: usize, d: usize, q: usize) -> Self {
        ArimaOrder {
            p,
            d,
            q,
            seasonal_p: 0,
            seasonal_d: 0,
            seasonal_q: 0,
            season: 1,
        }
    }

    /// Adds a seasonal part (P,D,Q)m.
    pub fn seasonal(mut self, p: usize, d: usize, q: usize, season: usize) -> Self {
        self.seasonal_p = p;
        self.seasonal_d = d;
        self.seasonal_q = q;
        self.season = season;
        self
    }

    fn has_seasonal_part(&self) -> bool {
        self.season > 1 && (self.seasonal_p + self.seasonal_d + self.seasonal_q) > 0
    }

    /// Points lost to differencing.
    pub fn lost(&self) -> usize {
        self.d + self.seasonal_d * self.season
    }
}

impl std::fmt::Display for ArimaOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ARIMA({},{},{})", self.p, self.d, self.q)?;
        if self.has_seasonal_part() {
            write!(
                f,
                "({},{},{})[{}]",
                self.seasonal_p, self.seasonal_d, self.seasonal_q, self.season
            )?;
        }
        Ok(())
    }
}

/// Fourier terms for one seasonal period: `sin(2πkt/period)`, `cos(2πkt/period)`, k = 1…K.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FourierTerms {
    /// Period in steps (may be fractional, e.g. 365.25 for daily data).
    pub period: f64,
    /// Number of harmonics K (2K columns; the cosine at k = period/2 is dropped as it
    /// duplicates itself).
    pub harmonics: usize,
}

/// What to fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArimaSpec {
    /// Orders.
    pub order: ArimaOrder,
    /// Include a constant: the mean when nothing is differenced, the drift when one
    /// difference is taken. Not allowed with two or more differences.
    pub constant: bool,
    /// Fourier regressors (dynamic harmonic regression).
    pub fourier: Vec<FourierTerms>,
}

impl ArimaSpec {
    /// A spec with no constant and no regressors.
    pub fn new(order: ArimaOrder) -> Self {
        ArimaSpec {
            order,
            constant: false,
            fourier: vec![],
        }
    }

    /// Sets the constant.
    pub fn with_constant(mut self, constant: bool) -> Self {
        self.constant = constant;
        self
    }

    /// Adds Fourier regressors.
    pub fn with_fourier(mut self, fourier: Vec<FourierTerms>) -> Self {
        self.fourier = fourier;
        self
    }

    fn label(&self) -> String {
        let mut s = self.order.to_string();
        if self.constant {
            s.push_str(if self.order.lost() == 0 {
                " with mean"
            } else {
                " with drift"
            });
        }
        for f in &self.fourier {
            s.push_str(&format!(
                " + Fourier(period {}, K={})",
                f.period, f.harmonics
            ));
        }
        s
    }

    /// Fits by exact maximum likelihood (CSS start, then BFGS on the Kalman-filter
    /// likelihood).
    pub fn fit(&self, y: &[f64]) -> Result<FittedArima, StatsError> {
        self.fit_with(y, Method::CssMl)
    }

    /// Fits by conditional sum of squares only: much faster, used by the automatic search on
    /// long series (as R's `auto.arima(approximation = TRUE)`), then refitted by ML.
    pub fn fit_css(&self, y: &[f64]) -> Result<FittedArima, StatsError> {
        self.fit_with(y, Method::Css)
    }

    pub(crate) fn fit_with(&self, y: &[f64], method: Method) -> Result<FittedArima, StatsError> {
        let label = self.label();
        let o = self.order;
        if o.season == 0 {
            return Err(StatsError::InvalidSpec(
                "season length must be at least 1".into(),
            ));
        }
        if o.has_seasonal_part() && o.season < 2 {
            return Err(StatsError::InvalidSpec(
                "a seasonal part needs a season of at least 2 steps".into(),
            ));
        }
        if self.constant && o.d + o.seasonal_d > 1 {
            return Err(StatsError::InvalidSpec(format!(
                "{label}: a constant with {} differences would be a quadratic or higher trend; \
                 drop the constant or a difference",
                o.d + o.seasonal_d
            )));
        }
        let design = Design::new(self);
        let k_arma = o.p + o.q + o.seasonal_p + o.seasonal_q;
        let k = k_arma + design.columns.len();
        let seasons_needed = if o.has_seasonal_part() {
            2 * o.season
        } else {
            0
        };
        let needed = (o.lost() + k + 3).max(seasons_needed + o.d + 1);
        check_series(&label, y, needed)?;
        let (w, xw) = design.differenced_series(o, y);
        let spread = w.iter().fold(0.0f64, |m, v| m.max((v - w[0]).abs()));
        if spread <= 1e-12 * w[0].abs().max(1.0) {
            return Err(StatsError::ConstantSeries {
                model: label,
                value: y[0],
            });
        }
        let problem = Problem {
            order: o,
            w: &w,
            xw: &xw,
        };
        let beta0 = least_squares(&w, &xw).unwrap_or_else(|| vec![0.0; xw.len()]);
        let mut start = vec![0.0; k_arma];
        start.extend(&beta0);
        let bfgs = Bfgs::default();
        // Starts: zeros, and Hannan–Rissanen regression estimates (what statsmodels starts
        // from). ARMA likelihoods are often multimodal (e.g. ARIMA(2,1,2) on air passengers has
        // a far better optimum near the invertibility boundary), so every start is refined by
        // CSS and then by exact ML, and the best likelihood wins.
        let mut starts = vec![start.clone()];
        if let Some(mut hr) = problem.hannan_rissanen(&beta0) {
            hr.extend(&beta0);
            if method == Method::CssMl {
                starts.push(hr);
            } else {
                starts = vec![hr];
            }
        }
        let mut best: Option<Minimum> = None;
        for s in &starts {
            let css = bfgs.minimize(|x| problem.css_objective(x), s);
            let candidates = match method {
                Method::Css => vec![css],
                Method::Quick => {
                    let from = if css.value.is_finite() { &css.x } else { s };
                    vec![bfgs.minimize(|x| problem.ml_objective(x), from)]
                }
                Method::CssMl => {
                    let mut c = vec![bfgs.minimize(|x| problem.ml_objective(x), s)];
                    if css.value.is_finite() {
                        c.push(bfgs.minimize(|x| problem.ml_objective(x), &css.x));
                    }
                    c
                }
            };
            for c in candidates {
                if best.as_ref().is_none_or(|b| c.value < b.value - 1e-9) {
                    best = Some(c);
                }
            }
        }
        let Some(best) = best else {
            return Err(StatsError::NotConverged {
                model: label,
                reason: "no start could be evaluated".into(),
            });
        };
        if !best.value.is_finite() {
            return Err(StatsError::NotConverged {
                model: label,
                reason: "no finite likelihood was found".into(),
            });
        }
        let params = problem.unpack(&best.x);
        let centred = problem.centred(&params.beta);
        let arma = params.arma(o);
        let filtered = match method {
            Method::CssMl | Method::Quick => arma.filter(&centred, true),
            Method::Css => None,
        };
        let (sigma2, log_likelihood, innovations, state) = match filtered {
            Some(f) => (
                f.sigma2(),
                f.log_likelihood(),
                f.innovations.clone(),
                Some(f),
            ),
            None => {
                // CSS: residuals conditional on zero pre-sample errors.
                let (sse, residuals, used) = problem.css_residuals(&params, &centred);
                let s2 = sse / used as f64;
                let ll = -0.5 * used as f64 * ((2.0 * std::f64::consts::PI).ln() + s2.ln() + 1.0);
                let state = arma.filter(&centred, false);
                (s2, ll, residuals, state)
            }
        };
        let Some(state) = state else {
            return Err(StatsError::NotConverged {
                model: label,
                reason: "the fitted model is not stationary".into(),
            });
        };
        let nobs = w.len();
        let n_params = k + 1;
        let aic = -2.0 * log_likelihood + 2.0 * n_params as f64;
        let aicc = if nobs > n_params + 1 {
            aic + 2.0 * (n_params * (n_params + 1)) as f64 / (nobs - n_params - 1) as f64
        } else {
            f64::INFINITY
        };
        let fitted = fitted_from_innovations(y, &innovations, o.lost());
        Ok(FittedArima {
            spec: self.clone(),
            label,
            ar: params.ar,
            ma: params.ma,
            seasonal_ar: params.sar,
            seasonal_ma: params.sma,
            beta: params.beta,
            sigma2,
            log_likelihood,
            aic,
            aicc,
            nobs,
            converged: best.converged,
            history: y.to_vec(),
            fitted,
            state,
            arma,
        })
    }
}

/// The differenced series less its regression part: what the ARMA filter sees.
fn centred(w: &[f64], xw: &[Vec<f64>], beta: &[f64]) -> Vec<f64> {
    (0..w.len())
        .map(|t| w[t] - xw.iter().zip(beta).map(|(c, b)| c[t] * b).sum::<f64>())
        .collect()
}

/// One-step fitted values `y − e` (NaN for the points differencing used up).
fn fitted_from_innovations(y: &[f64], innovations: &[f64], lost: usize) -> Vec<f64> {
    let mut fitted = vec![f64::NAN; y.len()];
    for (t, e) in innovations.iter().enumerate() {
        fitted[t + lost] = y[t + lost] - e;
    }
    fitted
}

/// How hard to look for the optimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    /// Conditional sum of squares from one start (fast search on long series).
    Css,
    /// CSS then exact ML from one start (Hannan–Rissanen when available): the search.
    Quick,
    /// CSS then exact ML from every start, and ML straight from each start too.
    CssMl,
}

/// Regressors in level space: the constant (already in differenced space) and Fourier terms.
struct Design {
    columns: Vec<Regressor>,
}

#[derive(Debug, Clone, Copy)]
enum Regressor {
    /// A one in the differenced series (mean or drift).
    Constant,
    /// `sin` (false) or `cos` (true) of `2π t / period · k`.
    Fourier { period: f64, k: usize, cos: bool },
}

impl Regressor {
    fn at(&self, t: usize) -> f64 {
        match *self {
            Regressor::Constant => 1.0,
            Regressor::Fourier { period, k, cos } => {
                let angle = 2.0 * std::f64::consts::PI * k as f64 * (t + 1) as f64 / period;
                if cos { angle.cos() } else { angle.sin() }
            }
        }
    }
}

impl Design {
    fn new(spec: &ArimaSpec) -> Self {
        let mut columns = vec![];
        if spec.constant {
            columns.push(Regressor::Constant);
        }
        for f in &spec.fourier {
            for k in 1..=f.harmonics {
                columns.push(Regressor::Fourier {
                    period: f.period,
                    k,
                    cos: false,
                });
                // sin(πt) is identically zero at k = period/2; keep only its cosine.
                if (2.0 * k as f64 - f.period).abs() < 1e-9 {
                    columns.pop();
                }
                columns.push(Regressor::Fourier {
                    period: f.period,
                    k,
                    cos: true,
                });
            }
        }
        Design { columns }
    }

    /// The differenced series `w` and the regressors as it sees them.
    fn differenced_series(&self, o: ArimaOrder, y: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
        let diff = polynomial::differencing(o.d, o.seasonal_d, o.season);
        let w = polynomial::difference(y, &diff);
        let xw = self
            .columns
            .iter()
            .map(|c| Design::differenced(c, &diff, o.lost(), y.len()))
            .collect();
        (w, xw)
    }

    /// The regressor as the differenced series sees it, at level-space times `from..to`.
    fn differenced(column: &Regressor, diff: &[f64], from: usize, to: usize) -> Vec<f64> {
        (from..to)
            .map(|t| match column {
                Regressor::Constant => 1.0,
                other => diff
                    .iter()
                    .enumerate()
                    .map(|(k, c)| c * other.at(t - k))
                    .sum(),
            })
            .collect()
    }
}

/// The optimisation problem: the differenced series and regressors.
struct Problem<'a> {
    order: ArimaOrder,
    w: &'a [f64],
    xw: &'a [Vec<f64>],
}

/// Parameters in their constrained (model) form.
struct Params {
    ar: Vec<f64>,
    ma: Vec<f64>,
    sar: Vec<f64>,
    sma: Vec<f64>,
    beta: Vec<f64>,
}

impl Params {
    /// The full ARMA with seasonal parts multiplied out.
    fn arma(&self, o: ArimaOrder) -> Arma {
        let ar_poly = polynomial::multiply(
            &lag_poly(&self.ar, 1, -1.0),
            &lag_poly(&self.sar, o.season, -1.0),
        );
        let ma_poly = polynomial::multiply(
            &lag_poly(&self.ma, 1, 1.0),
            &lag_poly(&self.sma, o.season, 1.0),
        );
        let mut phi: Vec<f64> = ar_poly[1..].iter().map(|c| -c).collect();
        let mut theta: Vec<f64> = ma_poly[1..].to_vec();
        while phi.last() == Some(&0.0) {
            phi.pop();
        }
        while theta.last() == Some(&0.0) {
            theta.pop();
        }
        Arma { phi, theta }
    }
}

/// `1 + sign·(c₁B^s + c₂B^{2s} + …)`.
fn lag_poly(coefficients: &[f64], spacing: usize, sign: f64) -> Vec<f64> {
    let mut p = vec![0.0; coefficients.len() * spacing + 1];
    p[0] = 1.0;
    for (i, c) in coefficients.iter().enumerate() {
        p[(i + 1) * spacing] = sign * c;
    }
    p
}

impl Problem<'_> {
    fn unpack(&self, x: &[f64]) -> Params {
        let o = self.order;
        let mut at = 0;
        let mut take = |n: usize| {
            let s = &x[at..at + n];
            at += n;
            s.to_vec()
        };
        let ar = polynomial::stationary_from_unconstrained(&take(o.p));
        let ma: Vec<f64> = polynomial::stationary_from_unconstrained(&take(o.q))
            .iter()
            .map(|v| -v)
            .collect();
        let sar = polynomial::stationary_from_unconstrained(&take(o.seasonal_p));
        let sma: Vec<f64> = polynomial::stationary_from_unconstrained(&take(o.seasonal_q))
            .iter()
            .map(|v| -v)
            .collect();
        let beta = take(self.xw.len());
        Params {
            ar,
            ma,
            sar,
            sma,
            beta,
        }
    }

    fn centred(&self, beta: &[f64]) -> Vec<f64> {
        centred(self.w, self.xw, beta)
    }

    /// Hannan–Rissanen start values in unconstrained form: a long autoregression gives
    /// residuals, then one regression of w on its own lags and those residuals' lags gives
    /// AR and MA coefficients (seasonal lags at multiples of m). Coefficients outside the
    /// stationary / invertible region are shrunk towards zero until inside.
    fn hannan_rissanen(&self, beta: &[f64]) -> Option<Vec<f64>> {
        let o = self.order;
        let w = self.centred(beta);
        let n = w.len();
        let ma_lags: Vec<usize> = (1..=o.q)
            .chain((1..=o.seasonal_q).map(|j| j * o.season))
            .collect();
        let ar_lags: Vec<usize> = (1..=o.p)
            .chain((1..=o.seasonal_p).map(|j| j * o.season))
            .collect();
        if ar_lags.is_empty() && ma_lags.is_empty() {
            return None;
        }
        let max_ma = ma_lags.iter().copied().max().unwrap_or(0);
        let long = if max_ma > 0 {
            (2 * max_ma).max(o.p + 1)
        } else {
            0
        };
        let max_ar = ar_lags.iter().copied().max().unwrap_or(0);
        let first = (long + max_ma).max(max_ar);
        if n < first + ar_lags.len() + ma_lags.len() + 10 {
            return None;
        }
        let mut residuals = vec![0.0; n];
        if long > 0 {
            let cols: Vec<Vec<f64>> = (1..=long)
                .map(|lag| (long..n).map(|t| w[t - lag]).collect())
                .collect();
            let target: Vec<f64> = w[long..].to_vec();
            let coef = least_squares(&target, &cols)?;
            for t in long..n {
                residuals[t] = w[t]
                    - (1..=long)
                        .map(|lag| coef[lag - 1] * w[t - lag])
                        .sum::<f64>();
            }
        }
        let target: Vec<f64> = w[first..].to_vec();
        let mut cols: Vec<Vec<f64>> = ar_lags
            .iter()
            .map(|&lag| (first..n).map(|t| w[t - lag]).collect())
            .collect();
        cols.extend(
            ma_lags
                .iter()
                .map(|&lag| (first..n).map(|t| residuals[t - lag]).collect::<Vec<f64>>()),
        );
        let coef = least_squares(&target, &cols)?;
        let (ar, rest) = coef.split_at(o.p);
        let (sar, rest) = rest.split_at(o.seasonal_p);
        let (ma, sma) = rest.split_at(o.q);
        let mut out = unconstrained_or_shrunk(ar, 1.0);
        out.extend(unconstrained_or_shrunk(ma, -1.0));
        out.extend(unconstrained_or_shrunk(sar, 1.0));
        out.extend(unconstrained_or_shrunk(sma, -1.0));
        Some(out)
    }

    fn ml_objective(&self, x: &[f64]) -> f64 {
        let params = self.unpack(x);
        let centred = self.centred(&params.beta);
        match params.arma(self.order).likelihood(&centred) {
            Some(f) if f.sum_squares > 0.0 => -f.log_likelihood(),
            _ => f64::INFINITY,
        }
    }

    /// Conditional sum of squares: residuals from the first point with a full AR history,
    /// pre-sample errors set to zero.
    fn css_residuals(&self, params: &Params, centred: &[f64]) -> (f64, Vec<f64>, usize) {
        let arma = params.arma(self.order);
        let p = arma.phi.len();
        // Seasonal products are mostly zeros (lags 1, m, m + 1…): loop over the rest only.
        let nonzero = |c: &[f64]| -> Vec<(usize, f64)> {
            c.iter()
                .enumerate()
                .filter(|(_, v)| **v != 0.0)
                .map(|(i, v)| (i + 1, *v))
                .collect()
        };
        let (phi, theta) = (nonzero(&arma.phi), nonzero(&arma.theta));
        let mut e = vec![0.0; centred.len()];
        let mut sse = 0.0;
        for t in p..centred.len() {
            let mut v = centred[t];
            for &(lag, c) in &phi {
                v -= c * centred[t - lag];
            }
            for &(lag, c) in &theta {
                if t >= lag {
                    v -= c * e[t - lag];
                }
            }
            e[t] = v;
            sse += v * v;
        }
        (sse, e, centred.len().saturating_sub(p).max(1))
    }

    fn css_objective(&self, x: &[f64]) -> f64 {
        let params = self.unpack(x);
        let centred = self.centred(&params.beta);
        let (sse, _, used) = self.css_residuals(&params, &centred);
        if sse > 0.0 && sse.is_finite() {
            0.5 * used as f64 * (sse / used as f64).ln()
        } else {
            f64::INFINITY
        }
    }
}

/// The unconstrained form of `sign·coefficients` (AR: +1, MA: −1), shrinking them by 10%
/// steps until they are stationary; zeros when even that fails.
fn unconstrained_or_shrunk(coefficients: &[f64], sign: f64) -> Vec<f64> {
    let mut c: Vec<f64> = coefficients.iter().map(|v| sign * v).collect();
    for _ in 0..30 {
        if let Some(x) = polynomial::unconstrained_from_stationary(&c) {
            return x;
        }
        c.iter_mut().for_each(|v| *v *= 0.9);
    }
    vec![0.0; coefficients.len()]
}

/// Ordinary least squares of `w` on the columns (normal equations, Gaussian elimination with
/// partial pivoting); `None` when they are singular.
// Matrix rows are read and written by index in the same loop (elimination, covariance).
#[allow(clippy::needless_range_loop)]
fn least_squares(w: &[f64], columns: &[Vec<f64>]) -> Option<Vec<f64>> {
    let k = columns.len();
    let mut a = vec![vec![0.0; k + 1]; k];
    for i in 0..k {
        for j in 0..k {
            a[i][j] = columns[i].iter().zip(&columns[j]).map(|(x, y)| x * y).sum();
        }
        a[i][k] = columns[i].iter().zip(w).map(|(x, y)| x * y).sum();
    }
    for c in 0..k {
        let pivot = (c..k).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[pivot][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, pivot);
        for r in 0..k {
            if r != c {
                let f = a[r][c] / a[c][c];
                for j in c..=k {
                    a[r][j] -= f * a[c][j];
                }
            }
        }
    }
    Some((0..k).map(|i| a[i][k] / a[i][i]).collect())
}

/// A fitted ARIMA model.
#[derive(Debug, Clone)]
pub struct FittedArima {
    spec: ArimaSpec,
    label: String,
    /// Non-seasonal AR coefficients φ (statsmodels' `ar.L*`).
    pub ar: Vec<f64>,
    /// Non-seasonal MA coefficients θ (`ma.L*`).
    pub ma: Vec<f64>,
    /// Seasonal AR coefficients Φ (`ar.S.L*`).
    pub seasonal_ar: Vec<f64>,
    /// Seasonal MA coefficients Θ (`ma.S.L*`).
    pub seasonal_ma: Vec<f64>,
    /// Regression coefficients: the constant's (mean or drift) first, then Fourier terms.
    pub beta: Vec<f64>,
    /// Innovation variance σ².
    pub sigma2: f64,
    /// Exact log-likelihood (of the differenced series).
    pub log_likelihood: f64,
    /// Akaike information criterion (σ² counted as a parameter, as statsmodels does).
    pub aic: f64,
    /// Corrected AIC.
    pub aicc: f64,
    /// Points the likelihood covers (after differencing).
    pub nobs: usize,
    /// Whether the optimiser met its tolerance.
    pub converged: bool,
    history: Vec<f64>,
    fitted: Vec<f64>,
    state: Filtered,
    arma: Arma,
}

impl FittedArima {
    /// The spec this model was fitted with.
    pub fn spec(&self) -> &ArimaSpec {
        &self.spec
    }

    /// The same coefficients run over `y` (a longer or shorter history): the Kalman filter
    /// brought up to its last point.
    ///
    /// # Errors
    /// [`StatsError::TooShort`] on `y`; [`StatsError::NotConverged`] when the filter fails.
    pub fn conditioned(&self, y: &[f64]) -> Result<FittedArima, StatsError> {
        let o = self.spec.order;
        check_series(&self.label, y, o.lost() + 1)?;
        let (w, xw) = Design::new(&self.spec).differenced_series(o, y);
        let Some(state) = self.arma.filter(&centred(&w, &xw, &self.beta), true) else {
            return Err(StatsError::NotConverged {
                model: self.label.clone(),
                reason: "the Kalman filter failed on the new points".into(),
            });
        };
        Ok(FittedArima {
            fitted: fitted_from_innovations(y, &state.innovations, o.lost()),
            history: y.to_vec(),
            state,
            ..self.clone()
        })
    }

    /// The weights ψ₀ = 1, ψ₁, … ψ_{count−1} with which a shock at the forecast origin
    /// carries into the levels `j` steps later (the ARMA part's MA(∞) weights with the
    /// differencing undone): the h-step forecast error is Σ_{j<h} ψⱼ ε_{n+h−j}.
    pub fn psi_weights(&self, count: usize) -> Vec<f64> {
        let o = self.spec.order;
        let diff = polynomial::differencing(o.d, o.seasonal_d, o.season);
        let g = polynomial::inverse_series(&diff, count);
        let psi = self.arma.psi_weights(count);
        (0..count)
            .map(|j| (0..=j).map(|i| psi[i] * g[j - i]).sum())
            .collect()
    }

    /// The constant in statsmodels' `trend="c"` form: the intercept of the ARMA equation,
    /// `mean · φ(1) · Φ(1)`.
    pub fn intercept(&self) -> Option<f64> {
        if !self.spec.constant {
            return None;
        }
        let phi1: f64 = 1.0 - self.arma.phi.iter().sum::<f64>();
        Some(self.beta[0] * phi1)
    }
}

impl Fitted for FittedArima {
    fn parameters(&self) -> usize {
        // Coefficients, regression terms and σ².
        self.ar.len()
            + self.ma.len()
            + self.seasonal_ar.len()
            + self.seasonal_ma.len()
            + self.beta.len()
            + 1
    }

    fn label(&self) -> String {
        self.label.clone()
    }

    fn condition(&self, y: &[f64]) -> Result<Box<dyn Fitted>, StatsError> {
        Ok(Box::new(self.conditioned(y)?))
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast, StatsError> {
        let o = self.spec.order;
        let n = self.history.len();
        let diff = polynomial::differencing(o.d, o.seasonal_d, o.season);
        let design = Design::new(&self.spec);
        let (arma_points, cov) = self.arma.forecast(&self.state, horizon);
        // Differenced forecasts: ARMA part plus the regression at future times.
        let mut w_future = arma_points;
        for (column, b) in design.columns.iter().zip(&self.beta) {
            for (h, w) in w_future.iter_mut().enumerate() {
                *w += b * Design::differenced(column, &diff, n + h, n + h + 1)[0];
            }
        }
        // Undo differencing: y_t = w_t − Σ_{k≥1} c_k y_{t−k}.
        let mut path = self.history.clone();
        for w in &w_future {
            let t = path.len();
            let v = w - diff
                .iter()
                .enumerate()
                .skip(1)
                .map(|(k, c)| c * path[t - k])
                .sum::<f64>();
            path.push(v);
        }
        let point = path[n..].to_vec();
        let g = polynomial::inverse_series(&diff, horizon);
        let sd: Vec<f64> = (0..horizon)
            .map(|h| {
                let mut v = 0.0;
                for i in 0..=h {
                    for j in 0..=h {
                        v += g[h - i] * g[h - j] * cov[i][j];
                    }
                }
                (self.sigma2 * v.max(0.0)).sqrt()
            })
            .collect();
        Forecast::normal(point, &sd, levels)
    }

    fn fitted_values(&self) -> Vec<f64> {
        self.fitted.clone()
    }

    fn aicc(&self) -> Option<f64> {
        Some(self.aicc)
    }
}

//! Automatic ARIMA: the Hyndman–Khandakar stepwise search (R's `auto.arima`, StatsForecast's
//! and pmdarima's `AutoARIMA`): D from seasonal strength, d from KPSS, then a walk over
//! neighbouring orders by AICc from a few starting models. Candidates are compared by
//! conditional sum of squares (R's `approximation`) and the leaders refitted by exact ML;
//! where exact ML is cheap (m ≤ 12, n ≤ 1,000) a second walk compares candidates by exact ML
//! as StatsForecast and pmdarima do, and the pick with the lower exact AICc wins — so the
//! choice is never worse by AICc than either walk's.

use std::collections::HashMap;

use super::tests_of_order::{ndiffs, nsdiffs};
use super::{ArimaOrder, ArimaSpec, FittedArima, FourierTerms, Method};
use crate::models::stats::{LONG_SERIES, StatsError, check_series};

/// Search limits and switches.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoArima {
    /// Season length m (1 for none).
    pub season: usize,
    /// Largest p and q.
    pub max_p: usize,
    /// Largest q.
    pub max_q: usize,
    /// Largest seasonal P.
    pub max_seasonal_p: usize,
    /// Largest seasonal Q.
    pub max_seasonal_q: usize,
    /// Largest p + q + P + Q.
    pub max_order: usize,
    /// Largest d.
    pub max_d: usize,
    /// Most candidate models fitted.
    pub max_models: usize,
    /// Compare candidates by CSS only; `None` decides by cost (CSS alone when m > 12 or
    /// n > 1,000; otherwise a CSS walk and an exact-ML walk, the better pick kept).
    pub approximation: Option<bool>,
    /// Fourier regressors (dynamic harmonic regression); the ARIMA part is then
    /// non-seasonal.
    pub fourier: Vec<FourierTerms>,
}

impl AutoArima {
    /// R's defaults for season `m`.
    pub fn new(season: usize) -> Self {
        AutoArima {
            season: season.max(1),
            max_p: 5,
            max_q: 5,
            max_seasonal_p: 2,
            max_seasonal_q: 2,
            max_order: 5,
            max_d: 2,
            max_models: 94,
            approximation: None,
            fourier: vec![],
        }
    }

    /// Uses Fourier terms for the seasonality instead of seasonal ARIMA terms.
    pub fn with_fourier(mut self, fourier: Vec<FourierTerms>) -> Self {
        self.fourier = fourier;
        self
    }

    /// Searches and returns the model with the lowest AICc, refitted by exact ML.
    pub fn fit(&self, y: &[f64]) -> Result<FittedArima, StatsError> {
        let name = if self.fourier.is_empty() {
            "auto ARIMA"
        } else {
            "dynamic harmonic regression"
        };
        check_series(name, y, 4)?;
        let spread = y.iter().fold(0.0f64, |m, v| m.max((v - y[0]).abs()));
        if spread == 0.0 {
            return Err(StatsError::ConstantSeries {
                model: name.into(),
                value: y[0],
            });
        }
        let m = if self.fourier.is_empty() {
            self.season
        } else {
            1
        };
        let seasonal = m > 1 && y.len() > 2 * m;
        let big_d = if seasonal { nsdiffs(y, m) } else { 0 };
        let seasonally_differenced: Vec<f64> = if big_d == 1 {
            (m..y.len()).map(|t| y[t] - y[t - m]).collect()
        } else {
            y.to_vec()
        };
        let d = ndiffs(&seasonally_differenced, self.max_d);
        // The walk compares orders on the latest points of a long series; the pick is
        // then estimated on all of them.
        let search = Search {
            limits: self,
            y: search_window(y, m),
            d,
            big_d,
            m,
            seasonal,
        };
        let approximate = self.approximation.unwrap_or(!exact_affordable(y.len(), m));
        let mut css_leaders = search.run(Method::Css, &[]);
        // Refit the CSS leaders by exact ML; the first that fits is the CSS walk's pick.
        let mut last_error = None;
        let mut best: Option<FittedArima> = None;
        css_leaders.truncate(5);
        for (_, spec) in &css_leaders {
            match spec.fit_with(y, Method::CssMl) {
                Ok(f) => {
                    best = Some(f);
                    break;
                }
                Err(e) => last_error = Some(e),
            }
        }
        if !approximate {
            // Where exact ML is affordable, a second walk compares candidates by it (as
            // StatsForecast and pmdarima do), starting from R's models and from the CSS
            // walk's pick, so it ends no worse than either.
            let extra: Vec<Candidate> = best.iter().map(|f| Candidate::of(f.spec())).collect();
            for (_, spec) in search.run(Method::Quick, &extra).iter().take(5) {
                if best.as_ref().is_some_and(|b| b.spec() == spec) {
                    break;
                }
                match spec.fit_with(y, Method::CssMl) {
                    Ok(f) => {
                        if best.as_ref().is_none_or(|b| f.aicc < b.aicc) {
                            best = Some(f);
                        }
                        break;
                    }
                    Err(e) => last_error = Some(e),
                }
            }
        }
        best.ok_or_else(|| {
            last_error.unwrap_or(StatsError::NotConverged {
                model: name.into(),
                reason: "no candidate model could be fitted".into(),
            })
        })
    }
}

/// The latest points the walk compares orders on: all of a short series; of a long one
/// ([`LONG_SERIES`]) the latest [`LONG_SERIES`] points or ten seasons of `m`, whichever is
/// more. Only the pick is then estimated on the whole series.
pub fn search_window(y: &[f64], m: usize) -> &[f64] {
    let keep = LONG_SERIES.max(10 * m);
    &y[y.len().saturating_sub(keep)..]
}

/// Whether comparing candidates by exact ML is cheap enough: the Kalman filter costs about
/// n·r² per likelihood with r ≈ m + 1 states for a seasonal model, so long seasons (weekly,
/// sub-daily) and long series compare by CSS alone, as R's `approximation` does.
fn exact_affordable(n: usize, m: usize) -> bool {
    m <= 12 && n <= 1_000
}

/// A point of the walk: the orders it varies and the constant.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    p: usize,
    q: usize,
    seasonal_p: usize,
    seasonal_q: usize,
    constant: bool,
}

impl Candidate {
    fn of(spec: &ArimaSpec) -> Self {
        Candidate {
            p: spec.order.p,
            q: spec.order.q,
            seasonal_p: spec.order.seasonal_p,
            seasonal_q: spec.order.seasonal_q,
            constant: spec.constant,
        }
    }
}

/// One stepwise walk over orders with d and D fixed.
struct Search<'a> {
    limits: &'a AutoArima,
    y: &'a [f64],
    d: usize,
    big_d: usize,
    m: usize,
    seasonal: bool,
}

impl Search<'_> {
    /// Walks from R's starting models (and `extra_starts`) to a local AICc minimum,
    /// comparing candidates by `method`; returns every fitted candidate, lowest AICc first.
    fn run(&self, method: Method, extra_starts: &[Candidate]) -> Vec<(f64, ArimaSpec)> {
        let Search {
            limits,
            y,
            d,
            big_d,
            m,
            seasonal,
        } = *self;
        let constant_allowed = d + big_d <= 1;

        let mut tried: HashMap<(usize, usize, usize, usize, bool), f64> = HashMap::new();
        let mut fits: Vec<(f64, ArimaSpec)> = vec![];
        let spec_of = |p, q, sp, sq, c: bool| {
            let mut order = ArimaOrder::new(p, d, q);
            if seasonal {
                order = order.seasonal(sp, big_d, sq, m);
            }
            ArimaSpec::new(order)
                .with_constant(c)
                .with_fourier(limits.fourier.clone())
        };
        let mut try_model = |p: usize, q: usize, sp: usize, sq: usize, c: bool| -> f64 {
            let (sp, sq) = if seasonal { (sp, sq) } else { (0, 0) };
            if p > limits.max_p
                || q > limits.max_q
                || sp > limits.max_seasonal_p
                || sq > limits.max_seasonal_q
                || p + q + sp + sq > limits.max_order
                || (c && !constant_allowed)
            {
                return f64::INFINITY;
            }
            if let Some(v) = tried.get(&(p, q, sp, sq, c)) {
                return *v;
            }
            if tried.len() >= limits.max_models {
                return f64::INFINITY;
            }
            let spec = spec_of(p, q, sp, sq, c);
            let aicc = spec
                .fit_with(y, method)
                .map(|f| f.aicc)
                .ok()
                .filter(|v| v.is_finite())
                .unwrap_or(f64::INFINITY);
            tried.insert((p, q, sp, sq, c), aicc);
            if aicc.is_finite() {
                fits.push((aicc, spec));
            }
            aicc
        };

        let c0 = constant_allowed;
        let (sp0, sq0) = if seasonal { (1, 1) } else { (0, 0) };
        let mut best = (f64::INFINITY, (0, 0, 0, 0, c0));
        let mut starts = vec![
            (2, 2, sp0, sq0, c0),
            (0, 0, 0, 0, c0),
            (1, 0, sp0, 0, c0),
            (0, 1, 0, sq0, c0),
        ];
        if c0 {
            starts.push((0, 0, 0, 0, false));
        }
        starts.extend(
            extra_starts
                .iter()
                .map(|c| (c.p, c.q, c.seasonal_p, c.seasonal_q, c.constant)),
        );
        for (p, q, sp, sq, c) in starts {
            let v = try_model(p, q, sp, sq, c);
            if v < best.0 {
                best = (v, (p, q, sp, sq, c));
            }
        }
        loop {
            let (p, q, sp, sq, c) = best.1;
            let mut neighbours: Vec<(isize, isize, isize, isize)> = vec![
                (-1, 0, 0, 0),
                (1, 0, 0, 0),
                (0, -1, 0, 0),
                (0, 1, 0, 0),
                (-1, -1, 0, 0),
                (1, 1, 0, 0),
                (-1, 1, 0, 0),
                (1, -1, 0, 0),
            ];
            if seasonal {
                neighbours.extend([
                    (0, 0, -1, 0),
                    (0, 0, 1, 0),
                    (0, 0, 0, -1),
                    (0, 0, 0, 1),
                    (0, 0, -1, -1),
                    (0, 0, 1, 1),
                    (0, 0, -1, 1),
                    (0, 0, 1, -1),
                ]);
            }
            let mut improved = false;
            let shift = |v: usize, by: isize| v.checked_add_signed(by);
            for (dp, dq, dsp, dsq) in neighbours {
                let (Some(np), Some(nq), Some(nsp), Some(nsq)) =
                    (shift(p, dp), shift(q, dq), shift(sp, dsp), shift(sq, dsq))
                else {
                    continue;
                };
                let v = try_model(np, nq, nsp, nsq, c);
                if v < best.0 {
                    best = (v, (np, nq, nsp, nsq, c));
                    improved = true;
                    break;
                }
            }
            if !improved && constant_allowed {
                let v = try_model(p, q, sp, sq, !c);
                if v < best.0 {
                    best = (v, (p, q, sp, sq, !c));
                    improved = true;
                }
            }
            if !improved {
                break;
            }
        }
        fits.sort_by(|a, b| a.0.total_cmp(&b.0));
        fits
    }
}

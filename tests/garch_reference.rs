//! GARCH against Python `arch` 8.0.0 on real daily returns (WTI crude 2012–2019, 100 × log
//! change): constant mean with GARCH(1,1), (2,1) and (1,2) under normal errors and (1,1)
//! under Student-t errors; AR(1) and zero means (the latter as on a mean model's
//! residuals, `arima-garch`) with GARCH(1,1). Fixture `tests/data/stats/garch.json`, written by
//! `tests/data/make_garch_reference.py`. The variance backcast must agree to 1e-12; ω, α,
//! β and ν within 1e-3 relative (or 1e-4 absolute where `arch` puts a coefficient on its
//! zero bound), the mean within 1e-3 of the returns' standard deviation, the
//! log-likelihood within 0.01% (ours at least as high, less a rounding hair) and the
//! 10-step variance forecasts within 1e-3 relative.

use foresight::models::stats::garch::{Errors, Garch, Mean, backcast};
use serde_json::Value;

mod common;
use common::floats;

fn close(ours: f64, theirs: f64, what: &str) {
    let ok = if theirs.abs() < 1e-6 {
        ours.abs() < 1e-4
    } else {
        ((ours - theirs) / theirs).abs() < 1e-3
    };
    assert!(ok, "{what}: ours {ours}, arch {theirs}");
}

#[test]
fn garch_fits_match_arch_on_daily_oil_returns() {
    let text = std::fs::read_to_string("tests/data/stats/garch.json").expect("fixture");
    let fixture: Value = serde_json::from_str(&text).expect("json");
    let returns = floats(&fixture["returns"]);
    let n = returns.len() as f64;
    let mean = returns.iter().sum::<f64>() / n;
    let sd = (returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / n).sqrt();
    let residuals: Vec<f64> = returns.iter().map(|r| r - mean).collect();
    let fits = fixture["fits"].as_array().expect("fits");
    assert_eq!(fits.len(), 6);
    for want in fits {
        let p = want["p"].as_u64().expect("p") as usize;
        let q = want["q"].as_u64().expect("q") as usize;
        let errors = if want["dist"] == "t" {
            Errors::StudentT
        } else {
            Errors::Normal
        };
        let ar = want["ar"].as_u64().unwrap_or(0) as usize;
        let mean = match (want["mean"].as_str(), ar) {
            (Some("Zero"), _) => Mean::Zero,
            (_, 0) => Mean::Constant,
            (_, lags) => Mean::Ar(lags),
        };
        let what = format!("{mean:?} GARCH({p},{q}) {}", want["dist"]);
        let b = want["backcast"].as_f64().expect("backcast");
        let fit = Garch { p, q, errors, mean }.fit(&returns).expect("fit");
        // The backcast comes from the residuals at arch's starting values: about the mean
        // (checked here to 1e-12), or of the AR mean's least squares (to 1e-9, through
        // our solve).
        let tolerance = if ar == 0 { 1e-12 } else { 1e-9 };
        assert!((fit.backcast - b).abs() < tolerance * b, "{what}: backcast");
        match mean {
            Mean::Constant => assert!(
                (backcast(&residuals) - b).abs() < 1e-12 * b,
                "{what}: backcast"
            ),
            Mean::Zero => assert!((backcast(&returns) - b).abs() < 1e-12 * b, "{what}"),
            Mean::Ar(_) => {}
        }
        let params = &want["params"];
        // A zero mean has no constant.
        let mu = params
            .get("mu")
            .or_else(|| params.get("Const"))
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        for (i, phi) in fit.params.phi.iter().enumerate() {
            let theirs = params[format!("y[{}]", i + 1)].as_f64().expect("phi");
            assert!(
                (phi - theirs).abs() < 1e-3,
                "{what}: AR[{}] ours {phi} arch {theirs}",
                i + 1
            );
        }
        assert!(
            (fit.params.mu - mu).abs() < 1e-3 * sd,
            "{what}: mu ours {} arch {mu}",
            fit.params.mu
        );
        close(
            fit.params.omega,
            params["omega"].as_f64().expect("omega"),
            &format!("{what} omega"),
        );
        for (i, a) in fit.params.alpha.iter().enumerate() {
            let theirs = params[format!("alpha[{}]", i + 1)].as_f64().expect("alpha");
            close(*a, theirs, &format!("{what} alpha[{}]", i + 1));
        }
        for (j, b) in fit.params.beta.iter().enumerate() {
            let theirs = params[format!("beta[{}]", j + 1)].as_f64().expect("beta");
            close(*b, theirs, &format!("{what} beta[{}]", j + 1));
        }
        if let Some(nu) = fit.params.nu {
            close(
                nu,
                params["nu"].as_f64().expect("nu"),
                &format!("{what} nu"),
            );
        }
        let ll = want["loglikelihood"].as_f64().expect("loglikelihood");
        assert!(
            ((fit.loglikelihood - ll) / ll).abs() < 1e-4,
            "{what}: log-likelihood ours {} arch {ll}",
            fit.loglikelihood
        );
        assert!(
            fit.loglikelihood >= ll - 1e-6,
            "{what}: arch found a higher optimum"
        );
        let variance = fit.return_variance_forecast(10);
        for (k, (ours, theirs)) in variance
            .iter()
            .zip(floats(&want["variance_forecast"]))
            .enumerate()
        {
            close(*ours, theirs, &format!("{what} variance step {}", k + 1));
        }
        for (k, (ours, theirs)) in fit
            .mean_forecast(10)
            .iter()
            .zip(floats(&want["mean_forecast"]))
            .enumerate()
        {
            assert!(
                (ours - theirs).abs() < 1e-3 * sd,
                "{what} mean step {}: ours {ours} arch {theirs}",
                k + 1
            );
        }
    }
}

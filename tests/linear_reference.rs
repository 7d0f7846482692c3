//! The penalised regressions against scikit-learn 1.9.1: `StandardScaler`, `Ridge`,
//! `Lasso` and `ElasticNet` fitted on real factors (US quarterly macro data: inflation on
//! last quarter's growth rates, rates and unemployment), fixture
//! `tests/data/stats/linear.json` written by `tests/data/make_linear_reference.py`.
//! Coefficients and intercepts must match within 1e-6 on the standardised factors.

use foresight::models::stats::linear::{Gram, Penalty, Standardiser};
use serde_json::Value;

mod common;
use common::floats;

#[test]
fn ridge_lasso_and_elastic_net_match_sklearn_on_standardised_factors() {
    let text = std::fs::read_to_string("tests/data/stats/linear.json").expect("fixture");
    let fixture: Value = serde_json::from_str(&text).expect("json");
    let raw: Vec<Vec<f64>> = fixture["x_raw"]
        .as_array()
        .expect("rows")
        .iter()
        .map(floats)
        .collect();
    let y = floats(&fixture["y"]);
    let scaler = Standardiser::fit(&raw);
    for (ours, theirs) in scaler.mean.iter().zip(floats(&fixture["scaler_mean"])) {
        assert!((ours - theirs).abs() < 1e-12, "mean {ours} vs {theirs}");
    }
    for (ours, theirs) in scaler.scale.iter().zip(floats(&fixture["scaler_scale"])) {
        assert!((ours - theirs).abs() < 1e-12, "scale {ours} vs {theirs}");
    }
    let x: Vec<Vec<f64>> = raw.iter().map(|r| scaler.apply(r)).collect();
    let gram = Gram::new(&x, &y).expect("design");
    let fits = fixture["fits"].as_array().expect("fits");
    assert_eq!(fits.len(), 6);
    let mut dropped = 0;
    for fit in fits {
        let alpha = fit["alpha"].as_f64().expect("alpha");
        let penalty = match fit["model"].as_str().expect("model") {
            "ridge" => Penalty::Ridge,
            "lasso" => Penalty::Lasso,
            _ => Penalty::ElasticNet {
                l1_ratio: fit["l1_ratio"].as_f64().expect("l1_ratio"),
            },
        };
        let ours = gram.fit(penalty, alpha, None).expect("fit");
        let want = floats(&fit["coef"]);
        let intercept = fit["intercept"].as_f64().expect("intercept");
        assert!(
            (ours.intercept - intercept).abs() < 1e-6,
            "{penalty:?} α {alpha}: intercept {} vs {intercept}",
            ours.intercept
        );
        for (i, (w, v)) in ours.coef.iter().zip(&want).enumerate() {
            assert!(
                (w - v).abs() < 1e-6,
                "{penalty:?} α {alpha}: coefficient {i} is {w}, sklearn {v}"
            );
            // Where sklearn drops a feature, so do we (exactly zero).
            if *v == 0.0 {
                assert_eq!(*w, 0.0);
                dropped += 1;
            }
        }
    }
    assert!(dropped >= 3, "the lasso fixtures drop features: {dropped}");
}

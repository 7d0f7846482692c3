//! VAR against statsmodels 0.15 `VAR` on real quarterly data (US growth rates of GDP,
//! consumption and investment — statsmodels' own example — and the levels of inflation,
//! unemployment and the bill rate, where the criteria disagree). Fixture
//! `tests/data/stats/var.json`, written by `tests/data/make_var_reference.py`: the order
//! each criterion picks must be statsmodels', and at the AIC's order the coefficients,
//! residual covariance, criteria, 8-step forecasts and 95% bounds, and the impulse
//! responses (plain and orthogonalised, steps 0 … 8) within 1e-8.

use foresight::models::stats::var::{Criterion, fit, select_order};
use serde_json::Value;

mod common;
use common::floats;

fn rows(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().expect("rows").iter().map(floats).collect()
}

fn close(ours: f64, theirs: f64, what: &str) {
    assert!(
        (ours - theirs).abs() <= 1e-8 * (1.0 + theirs.abs()),
        "{what}: ours {ours}, statsmodels {theirs}"
    );
}

#[test]
fn var_orders_coefficients_and_intervals_match_statsmodels() {
    let text = std::fs::read_to_string("tests/data/stats/var.json").expect("fixture");
    let fixture: Value = serde_json::from_str(&text).expect("json");
    let cases = fixture["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 2);
    let mut orders_seen = vec![];
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let data = rows(&case["data"]);
        let selected = &case["selected"];
        let ours = select_order(&data, 8).expect("select");
        let theirs =
            ["aic", "bic", "hqic", "fpe"].map(|k| selected[k].as_u64().expect("order") as usize);
        assert_eq!(ours, theirs, "{name}: orders (aic, bic, hqic, fpe)");
        orders_seen.extend(ours);
        let model = fit(&data, 8, Criterion::Aic).expect("fit");
        assert_eq!(
            model.p as u64,
            case["k_ar"].as_u64().expect("k_ar"),
            "{name}"
        );
        for (r, (ours, theirs)) in model.params.iter().zip(rows(&case["params"])).enumerate() {
            for (c, (a, b)) in ours.iter().zip(&theirs).enumerate() {
                close(*a, *b, &format!("{name} params[{r}][{c}]"));
            }
        }
        for (i, (a, b)) in model
            .sigma_u
            .iter()
            .zip(rows(&case["sigma_u"]).concat())
            .enumerate()
        {
            close(*a, b, &format!("{name} sigma_u[{i}]"));
        }
        for (key, ours) in [
            ("aic", model.criteria.aic),
            ("bic", model.criteria.bic),
            ("hqic", model.criteria.hqic),
            ("fpe", model.criteria.fpe),
        ] {
            close(
                ours,
                case[key].as_f64().expect("criterion"),
                &format!("{name} {key}"),
            );
        }
        let forecast = model.forecast(&data, 8);
        let mse = model.mse(8);
        let z = 1.959_963_984_540_054;
        for (h, ((point, lower), upper)) in rows(&case["forecast"])
            .iter()
            .zip(rows(&case["lower_95"]))
            .zip(rows(&case["upper_95"]))
            .enumerate()
        {
            for v in 0..model.k {
                close(
                    forecast[h][v],
                    point[v],
                    &format!("{name} forecast[{h}][{v}]"),
                );
                let sd = mse[h][v * model.k + v].sqrt();
                close(
                    forecast[h][v] - z * sd,
                    lower[v],
                    &format!("{name} lower[{h}][{v}]"),
                );
                close(
                    forecast[h][v] + z * sd,
                    upper[v],
                    &format!("{name} upper[{h}][{v}]"),
                );
            }
        }
        // Impulse responses, plain and orthogonalised, steps 0 … 8.
        for (key, orthogonal) in [("irf", false), ("orth_irf", true)] {
            let ours = model.impulse_responses(8, orthogonal).expect("irf");
            let theirs = case[key].as_array().expect("irf");
            assert_eq!(ours.len(), theirs.len(), "{name} {key} steps");
            for (h, matrix) in theirs.iter().enumerate() {
                for (r, row) in rows(matrix).iter().enumerate() {
                    for (c, want) in row.iter().enumerate() {
                        let got = ours[h][r * model.k + c];
                        assert!(
                            (got - want).abs() <= 1e-8 * want.abs().max(1e-3),
                            "{name} {key}[{h}][{r}][{c}]: ours {got} statsmodels {want}"
                        );
                    }
                }
            }
        }
    }
    // The fixtures exercise disagreeing criteria, not only order 1.
    assert!(orders_seen.iter().any(|&p| p > 2), "{orders_seen:?}");
}

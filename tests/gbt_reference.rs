//! Boosted trees against LightGBM 4.7.0 on the same features of real half-hourly
//! electricity demand (the direct design of `models::stats::lagged`: 23 recent changes, the
//! same phase a day back, two Fourier pairs of the day), steps 1 and 12 ahead, 1,600 rows
//! to train and the next 400 to test, with the same settings (15 leaves, 10 rows a leaf,
//! L2 1, rate 0.1, 64 bins, no sampling) after 50 and 200 trees. Fixture
//! `tests/data/stats/gbt.json`, written by `tests/data/make_gbt_reference.py`. The
//! features must match LightGBM's input to 1e-9; our test error must be within 10% of
//! LightGBM's (the two bin and break ties differently, so the trees are not identical)
//! and far below the test variance.

use foresight::models::stats::boost::{Booster, TreeParams};
use foresight::models::stats::lagged::{Inputs, LagDesign};
use serde_json::Value;

mod common;
use common::{column, floats};

#[test]
fn boosted_trees_match_lightgbm_test_error_on_half_hourly_demand() {
    let text = std::fs::read_to_string("tests/data/stats/gbt.json").expect("fixture");
    let fixture: Value = serde_json::from_str(&text).expect("json");
    let y = column("taylor_uk_demand_halfhourly_2000.csv", "demand_mw");
    let samples = fixture["samples"].as_u64().expect("samples") as usize;
    let train = fixture["train"].as_u64().expect("train") as usize;
    let none = Inputs::default();
    let design = LagDesign::new(48, &[], &none);
    for case in fixture["cases"].as_array().expect("cases") {
        let k = case["step"].as_u64().expect("step") as usize;
        let rounds = case["rounds"].as_u64().expect("rounds") as usize;
        let (rows, targets) = design.latest_samples(&y, &none, k, y.len(), samples);
        assert_eq!(rows.len(), samples);
        let first = case["first_origin"].as_u64().expect("origin") as usize;
        assert_eq!(
            rows[0],
            design.row(&y, &none, first, k).expect("row"),
            "the samples start at LightGBM's first origin"
        );
        for (ours, theirs) in rows[0].iter().zip(floats(&case["first_row"])) {
            assert!(
                (ours - theirs).abs() < 1e-9,
                "first row: {ours} vs {theirs}"
            );
        }
        for (j, want) in floats(&case["column_sums"]).into_iter().enumerate() {
            let sum: f64 = rows.iter().map(|r| r[j]).sum();
            assert!(
                (sum - want).abs() <= 1e-9 * want.abs().max(1.0),
                "column {j}: {sum} vs {want}"
            );
        }
        let booster = Booster::fit(
            &rows[..train],
            &targets[..train],
            rounds,
            &TreeParams::default(),
        );
        let test = &targets[train..];
        let mse = rows[train..]
            .iter()
            .zip(test)
            .map(|(r, t)| (booster.predict(r) - t).powi(2))
            .sum::<f64>()
            / test.len() as f64;
        let theirs = case["test_mse"].as_f64().expect("mse");
        let variance = case["test_variance"].as_f64().expect("variance");
        println!("step {k}, {rounds} trees: test MSE ours {mse:.0}, LightGBM {theirs:.0}");
        assert!(
            mse <= 1.10 * theirs,
            "step {k}, {rounds} trees: ours {mse}, LightGBM {theirs}"
        );
        assert!(mse < 0.1 * variance);
    }
}

//! Helpers shared by the reference tests: fixture series and JSON figures.
#![allow(dead_code)] // each test binary uses its own subset

use serde_json::Value;

/// The column `name` of `tests/data/stats/{file}` as numbers.
pub fn column(file: &str, name: &str) -> Vec<f64> {
    let text = std::fs::read_to_string(format!("tests/data/stats/{file}")).expect("fixture csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let at = header.iter().position(|h| *h == name).expect("column");
    lines
        .map(|l| l.split(',').nth(at).expect("cell").parse().expect("number"))
        .collect()
}

/// A JSON array of numbers.
pub fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// `ours` within `relative` of `theirs`.
pub fn close(ours: f64, theirs: f64, relative: f64) -> bool {
    (ours - theirs).abs() <= relative * theirs.abs().max(1e-12)
}

//! How the page writes durations and values.

/// A duration in milliseconds as whole seconds, or minutes and seconds from a minute on
/// ("42s", "3m 05s").
pub(crate) fn format_ms(ms: f64) -> String {
    let s = (ms / 1000.0).round() as u64;
    if s >= 60 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// A metric or forecast value: four decimals, or scientific notation for very small or
/// very large magnitudes.
pub(crate) fn format_value(v: f64) -> String {
    if v == 0.0 || (v.abs() >= 0.01 && v.abs() < 1e6) {
        format!("{v:.4}")
    } else {
        format!("{v:.4e}")
    }
}

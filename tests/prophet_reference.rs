//! The Prophet-style model against Prophet 1.5.0 (linear growth, additive, automatic
//! seasonalities, MAP by Stan's L-BFGS) on three real series, four fits: monthly airline passengers
//! (yearly), WTI crude on business days (yearly and weekly) and eight weeks of hourly I-94
//! traffic (daily and weekly) with the US public holidays sharing one effect, alone and with
//! the air temperature as an extra regressor (known ahead); and logistic growth (caps 700
//! and 130) on the airline and WTI series: objectives lower than Prophet's by 0.09 and 40,
//! point gaps 0.36% and 1.1% of scale, 80% widths within 6% and 16%. Fixture
//! `tests/data/stats/prophet.json`, written by `tests/data/make_prophet_reference.py`.
//!
//! Both seek the same posterior mode, ours exactly (feature-sign search), Stan's by
//! L-BFGS to its default tolerances, which stop short of it where the Laplace prior on the
//! changepoints is not smooth: on all four fits our mode's objective (the negative log
//! posterior) is lower than that of Prophet's parameters (by 0.6, 6.3, 0.1 and 0.05), and the
//! parameters differ where Stan stopped (WTI's growth rate by 11%). So the test asserts
//! that ours is at least as good a mode, the point forecasts within 1% of the series'
//! scale (its largest absolute value; the gaps are 0.67%, 0.19%, 0.15% and 0.15%), and the 80%
//! intervals (1,000 simulated futures each, from different random draws) within 15% in
//! width and 20% of the width in position.

use foresight::data::Frequency;
use foresight::data::holidays::{HolidayCalendar, Holidays};
use foresight::models::stats::Fitted;
use foresight::models::stats::prophet::{ProphetInput, ProphetStyle, ScaledParameters, TimeLine};
use serde_json::Value;

mod common;
use common::floats;

#[test]
fn prophet_style_fits_match_prophet_on_real_series() {
    let text = std::fs::read_to_string("tests/data/stats/prophet.json").expect("fixture");
    let fixture: Value = serde_json::from_str(&text).expect("json");
    let us = Holidays::new(HolidayCalendar::UnitedStates, &[]);
    let cases = fixture["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 6);
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let stamps: Vec<i64> = case["stamps"]
            .as_array()
            .expect("stamps")
            .iter()
            .map(|v| v.as_i64().expect("stamp"))
            .collect();
        let y = floats(&case["y"]);
        let h = case["horizon"].as_u64().expect("horizon") as usize;
        let n = y.len() - h;
        // The regressors run past the training points, as known-ahead inputs do.
        let regressors: Vec<Vec<f64>> = case["regressors"]
            .as_object()
            .expect("regressors")
            .values()
            .map(floats)
            .collect();
        let columns: Vec<&[f64]> = regressors.iter().map(Vec::as_slice).collect();
        let input = ProphetInput {
            // The stamps run past the training points: the forecast steps' own dates.
            time: Some(TimeLine::new(stamps, None::<Frequency>)),
            season: 1,
            holidays: case["holidays"].as_bool().unwrap_or(false).then_some(&us),
            regressors: &columns,
            regressor_names: &[],
            cap: case["cap"].as_f64(),
        };
        let fit = ProphetStyle::default().fit(&y[..n], &input).expect(name);
        let scale = case["y_scale"].as_f64().expect("scale");
        let k = case["k"].as_f64().expect("k");
        let sigma = case["sigma_obs"].as_f64().expect("sigma");
        let ours = fit.parameters_scaled();
        let theirs = ScaledParameters {
            k,
            m: case["m"].as_f64().expect("m"),
            sigma,
            deltas: floats(&case["delta"]),
            // Prophet pads an empty regressor matrix with one zero column.
            beta: floats(&case["beta"])
                .into_iter()
                .take(ours.beta.len())
                .collect(),
        };
        let (mine, stan) = (
            fit.objective(&y[..n], &ours),
            fit.objective(&y[..n], &theirs),
        );
        println!("{name}: objective ours {mine:.6}, Prophet's {stan:.6}");
        assert!(
            mine <= stan + 1e-6 * stan.abs(),
            "{name}: ours {mine} vs {stan}"
        );
        println!(
            "{name}: k ours {:.5} Prophet {k:.5}; σ ours {:.5} Prophet {sigma:.5}; {}",
            ours.k,
            ours.sigma,
            fit.label()
        );
        let f = fit.predict(h, &[80.0]).expect("forecast");
        let yhat = floats(&case["yhat"]);
        let worst = f
            .point
            .iter()
            .zip(&yhat)
            .map(|(a, b)| (a - b).abs() / scale)
            .fold(0.0, f64::max);
        println!("{name}: worst point gap {:.4}% of scale", 100.0 * worst);
        // Logistic growth: Stan stops further from the mode (on WTI its objective is 40
        // above ours, its σ 9% above), so its forecast and bands are further from ours.
        let logistic = !case["cap"].is_null();
        let (tolerance, widths) = if logistic { (0.015, 0.2) } else { (0.01, 0.15) };
        assert!(worst < tolerance, "{name}: {:?} vs {yhat:?}", f.point);
        let (lower, upper) = (floats(&case["yhat_lower"]), floats(&case["yhat_upper"]));
        let band = &f.intervals[0];
        let width_gap = (0..h)
            .map(|i| {
                let width = upper[i] - lower[i];
                ((band.upper[i] - band.lower[i]) - width).abs() / width
            })
            .fold(0.0, f64::max);
        println!("{name}: worst 80% width gap {:.1}%", 100.0 * width_gap);
        assert!(width_gap < widths, "{name}: 80% widths {width_gap}");
        for step in 0..h {
            let width = upper[step] - lower[step];
            assert!(
                (band.lower[step] - lower[step]).abs() < 0.2 * width
                    && (band.upper[step] - upper[step]).abs() < 0.2 * width,
                "{name} step {step}: [{}, {}] vs [{}, {}]",
                band.lower[step],
                band.upper[step],
                lower[step],
                upper[step]
            );
        }
    }
}

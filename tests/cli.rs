//! The native CLI writes the forecast CSV and metrics JSON the issue promises.

use std::process::Command;

fn foresight() -> Command {
    Command::new(env!("CARGO_BIN_EXE_foresight"))
}

/// Failure drill: training that diverges mid-run (a learning rate far too high) stops with
/// the epoch named, and the results of an earlier run in the same folder are untouched.
#[test]
fn a_diverging_run_names_its_epoch_and_leaves_earlier_results_intact() {
    let out = std::env::temp_dir().join(format!("foresight-drill-{}", std::process::id()));
    let train = |lr: &str| {
        foresight()
            .args([
                "train",
                "--backend",
                "cpu",
                "--epochs",
                "2",
                "--window",
                "6",
            ])
            .args(["--horizon", "3", "--hidden", "8,4", "--lr", lr, "--out"])
            .arg(&out)
            .output()
            .expect("runs")
    };
    assert!(train("0.001").status.success());
    let files = ["forecast.csv", "test.csv", "metrics.json"];
    let before: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(out.join(f)).expect("written"))
        .collect();
    let failed = train("1e30");
    assert!(!failed.status.success());
    let err = String::from_utf8_lossy(&failed.stderr);
    assert!(err.contains("training diverged at epoch 1"), "{err}");
    for (f, was) in files.iter().zip(&before) {
        assert_eq!(
            &std::fs::read(out.join(f)).expect("still there"),
            was,
            "{f}"
        );
    }
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn train_writes_forecast_and_metrics() {
    let out = std::env::temp_dir().join(format!("foresight-cli-{}", std::process::id()));
    let status = foresight()
        .args([
            "train",
            "--backend",
            "cpu",
            "--epochs",
            "1",
            "--window",
            "6",
            "--horizon",
            "3",
            "--hidden",
            "8,4",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        status.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let forecast = std::fs::read_to_string(out.join("forecast.csv")).expect("forecast.csv");
    let lines: Vec<&str> = forecast.lines().collect();
    assert_eq!(
        lines[0],
        "step,time,mn_midgrade_gasoline_price_usd_gal_forecast"
    );
    assert_eq!(lines.len(), 4, "{forecast}");
    // The sample is weekly and ends on 2020-02-07: the forecast continues it week by week.
    assert!(lines[1].starts_with("1,2020-02-14,"), "{}", lines[1]);
    let metrics: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("metrics.json")).expect("metrics.json"),
    )
    .expect("json");
    assert!(metrics["test"]["mae"].as_f64().is_some_and(|v| v > 0.0));
    assert!(
        metrics["test"]["rmse"]
            .as_f64()
            .is_some_and(|v| v >= metrics["test"]["mae"].as_f64().unwrap_or(f64::MAX))
    );
    assert_eq!(metrics["backend"], "CPU (ndarray)");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn bad_input_gives_a_specific_error() {
    let dir = std::env::temp_dir().join(format!("foresight-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let binary = dir.join("image.png");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("write");
    let output = foresight()
        .args(["inspect"])
        .arg(&binary)
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("image.png") && stderr.contains("not a text CSV"),
        "{stderr}"
    );

    let text_only = dir.join("names.csv");
    std::fs::write(&text_only, "name,city\nann,oslo\nbo,rome\n").expect("write");
    let output = foresight()
        .args(["train", "--backend", "cpu", "--csv"])
        .arg(&text_only)
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no numeric column"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn inspect_reports_what_it_read() {
    let output = foresight().arg("inspect").output().expect("runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("rows: 1028"), "{text}");
    assert!(text.contains("frequency: weekly"), "{text}");
    assert!(
        text.contains("time column: date\n")
            && text.contains("time range: 2000-06-02 .. 2020-02-07"),
        "{text}"
    );
}

/// `backtest --json` on the monthly airline series with `args`: one JSON value per line.
fn backtest_json(args: &[&str]) -> Vec<serde_json::Value> {
    backtest_json_on("tests/data/stats/air_passengers_monthly.csv", args)
}

/// `backtest --json` on `csv` with `args`: one JSON value per line.
fn backtest_json_on(csv: &str, args: &[&str]) -> Vec<serde_json::Value> {
    let out = foresight()
        .args(["backtest", "--csv", csv, "--json"])
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

#[test]
fn backtest_json_includes_the_lstm_when_asked() {
    let lines = backtest_json(&[
        "--models",
        "naive,snaive",
        "--folds",
        "2",
        "--lstm",
        "--lstm-epochs",
        "2",
        "--lstm-hidden",
        "8",
        "--lstm-window",
        "12",
        "--backend",
        "cpu",
    ]);
    let models: Vec<&str> = lines.iter().filter_map(|v| v["model"].as_str()).collect();
    assert_eq!(models, ["naive", "snaive", "lstm"]);
    let lstm = &lines[2];
    assert_eq!(lstm["folds"], 2);
    assert!(
        lstm["mae"]
            .as_f64()
            .is_some_and(|v| v.is_finite() && v > 0.0)
    );
    assert!(lstm["backtest_mase"].as_f64().is_some_and(f64::is_finite));
    assert_eq!(lstm["label"], "LSTM 8, window 12");
    assert!(lines[3]["selected"].is_string());
}

/// `bench --json` prints one line a harness can read: the path, the model and positive
/// times; the CPU path names its thread count, `--stepwise` says so in the path.
#[test]
fn bench_prints_one_json_line_per_run() {
    for (extra, path) in [
        (None, "native-cpu-1t"),
        (Some("--stepwise"), "native-cpu-1t-stepwise"),
    ] {
        let mut command = foresight();
        command.args([
            "bench",
            "--backend",
            "cpu",
            "--threads",
            "1",
            "--window",
            "4",
            "--steps",
            "1",
            "--json",
        ]);
        command.args(extra);
        let out = command.output().expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("utf-8");
        let row: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON line");
        assert_eq!(row["path"], path);
        assert_eq!(row["model"], "s4-reference");
        for key in ["ms_per_step", "ms_per_step_mean", "ms_infer_b1"] {
            let v = row[key].as_f64().expect("a number");
            assert!(v > 0.0 && v.is_finite(), "{key}: {v}");
        }
    }
}

/// The engine names the setting a model needs in the data's terms; the CLI names its flag.
#[test]
fn a_model_that_needs_a_season_names_the_flag() {
    let lines = backtest_json(&["--models", "naive,snaive", "--season", "1"]);
    let error = lines[1]["error"]
        .as_str()
        .expect("snaive fails without a season");
    assert!(
        error.contains("season length") && error.ends_with("(set --season)"),
        "{error}"
    );
    assert!(lines[0]["error"].is_null());
    assert_eq!(
        lines[0]["parameters"], 2,
        "naive keeps its last value and σ"
    );
}

#[test]
fn backtest_refit_once_reuses_the_first_fit() {
    let once = backtest_json(&["--models", "drift,ets", "--folds", "2", "--refit", "once"]);
    let always = backtest_json(&["--models", "drift,ets", "--folds", "2", "--refit", "always"]);
    for lines in [&once, &always] {
        assert_eq!(lines[0]["model"], "drift");
        assert_eq!(lines[0]["folds"], 2);
        assert!(
            lines[1]["backtest_mase"]
                .as_f64()
                .is_some_and(f64::is_finite)
        );
    }
    // Drift keeps the slope of its fit on the first origin's history: another hold-out.
    assert_ne!(once[0]["mae"], always[0]["mae"]);

    let output = foresight()
        .args(["backtest", "--refit", "sometimes"])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--refit must be auto, always, once or a number"),
        "{stderr}"
    );

    // On a long series (4,032 half-hourly points) the default refit says it reused fits.
    let long = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/stats/taylor_uk_demand_halfhourly_2000.csv"
    );
    let table = |refit: &str| {
        let output = foresight()
            .args([
                "backtest", "--csv", long, "--models", "naive", "--refit", refit,
            ])
            .output()
            .expect("runs");
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(table("auto").contains("reuse the fit before them"));
    assert!(!table("always").contains("reuse the fit before them"));
}

#[test]
fn backtest_grouped_folds_score_every_group_of_a_panel() {
    let out = foresight()
        .args([
            "backtest",
            "--csv",
            "tests/data/stats/grunfeld_panel_annual.csv",
            "--target",
            "invest",
            "--group-folds",
            "3",
            "--horizon",
            "2",
            "--folds",
            "2",
            "--models",
            "naive,drift",
            "--json",
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines[0]["folds"], 22, "two origins in each of 11 firms");
    let last = lines.last().expect("selected line");
    assert_eq!(last["group_folds"], 3);
    assert_eq!(last["groups"].as_array().map(Vec::len), Some(11));

    let out = foresight()
        .args(["backtest", "--group-folds", "3"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("need a panel"));
}

#[test]
fn regressions_use_the_named_factors_and_report_their_size() {
    let run = |features: &[&str]| {
        let mut args = vec![
            "--target",
            "infl",
            "--models",
            "ridge,lasso,elasticnet",
            "--horizon",
            "4",
        ];
        args.extend_from_slice(features);
        backtest_json_on("tests/data/stats/us_macro_quarterly.csv", &args)
    };
    let alone = run(&[]);
    let with = run(&["--features", "tbilrate,unemp"]);
    for lines in [&alone, &with] {
        let rows: Vec<&serde_json::Value> =
            lines.iter().filter(|l| l.get("model").is_some()).collect();
        let names: Vec<&str> = rows.iter().filter_map(|r| r["model"].as_str()).collect();
        assert_eq!(names, ["ridge", "lasso", "elasticnet"]);
        for row in rows {
            assert!(row["mase"].as_f64().is_some_and(f64::is_finite), "{row}");
            assert!(row["coverage_95"].as_f64().is_some(), "{row}");
        }
    }
    // Two factors add their last value and change: four more features per step.
    let label = |lines: &[serde_json::Value]| lines[0]["label"].to_string();
    assert_ne!(
        label(&alone),
        label(&with),
        "{} / {}",
        label(&alone),
        label(&with)
    );
}

#[test]
fn move_limits_hold_the_forecasts_and_say_which_steps_they_bound() {
    let lines = backtest_json(&[
        "--models",
        "naive,drift",
        "--horizon",
        "6",
        "--limit-step",
        "0.5",
        "--floor",
        "0",
    ]);
    let row = |name: &str| {
        lines
            .iter()
            .find(|l| l["model"] == name)
            .unwrap_or_else(|| panic!("{name} row"))
    };
    // Naive repeats the last value: no limit reached. Drift climbs about 2.4 a month, so a
    // step of 0.5 bounds every step.
    assert_eq!(row("naive")["limited_steps"], serde_json::json!([]));
    assert_eq!(
        row("drift")["limited_steps"],
        serde_json::json!([1, 2, 3, 4, 5, 6])
    );
    let unlimited = backtest_json(&["--models", "drift", "--horizon", "6"]);
    assert!(unlimited[0].get("limited_steps").is_none());
    assert_ne!(unlimited[0]["mae"], row("drift")["mae"]);

    let out = foresight()
        .args(["backtest", "--models", "naive", "--limit-total", "lots"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--limit-total: 'lots' is not a limit"),
        "{err}"
    );
}

#[test]
fn the_dynamic_ensemble_reports_its_weights_over_time() {
    let lines = backtest_json(&[
        "--models",
        "naive,snaive,drift,ets,ensemble",
        "--folds",
        "4",
    ]);
    let dynamic = lines
        .iter()
        .find(|l| l["model"] == "ens-dynamic")
        .expect("ens-dynamic row");
    let path = dynamic["weights_over_time"]
        .as_array()
        .expect("weights over time");
    // Folds 2–4 (the first has no fold before it) and the hold-out.
    assert_eq!(path.len(), 4, "{dynamic}");
    assert_eq!(dynamic["folds"], 3);
    for at in path {
        let total: f64 = at["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| m["weight"].as_f64().expect("weight"))
            .sum();
        assert!((total - 1.0).abs() < 1e-9, "{at}");
    }
    // The hold-out's weights are the row's members.
    assert_eq!(path[3]["members"], dynamic["members"]);
    assert!(
        lines
            .iter()
            .filter(|l| l.get("weights_over_time").is_some())
            .count()
            == 1
    );
}

#[test]
fn several_targets_give_a_leaderboard_each_with_the_others_as_factors() {
    let lines = backtest_json_on(
        "tests/data/stats/us_macro_quarterly.csv",
        &[
            "--target",
            "infl,unemp",
            "--models",
            "naive,var",
            "--horizon",
            "4",
        ],
    );
    // Per target: two model lines and the selection, each naming the target.
    assert_eq!(lines.len(), 6);
    for (i, target) in ["infl", "unemp"].into_iter().enumerate() {
        let block = &lines[3 * i..3 * i + 3];
        assert!(block.iter().all(|l| l["target"] == target), "{block:?}");
        assert!(block[2].get("selected").is_some());
        // The VAR models the target with the other one: two columns.
        let var = block.iter().find(|l| l["model"] == "var").expect("var row");
        assert!(
            var["label"]
                .as_str()
                .is_some_and(|l| l.contains("2 columns")),
            "{var}"
        );
    }
    // A target that is no numeric column is named before anything runs.
    let out = foresight()
        .args([
            "backtest",
            "--csv",
            "tests/data/stats/us_macro_quarterly.csv",
        ])
        .args(["--target", "infl,inflation", "--models", "naive"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no leaderboard for 'infl' either");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no numeric column named 'inflation' to forecast"),
        "{err}"
    );
    // One target keeps today's lines, with no target field.
    let one = backtest_json(&["--models", "naive"]);
    assert!(one.iter().all(|l| l.get("target").is_none()));
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    use std::process::Stdio;
    // `foresight backtest --json | head -c 0`: the reader is gone before anything is
    // written, so the first line meets a closed pipe.
    let mut child = foresight()
        .args([
            "backtest",
            "--csv",
            "tests/data/stats/air_passengers_monthly.csv",
        ])
        .args(["--models", "naive,drift,mean", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("waits");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn prophet_gives_the_chosen_holidays_an_effect_and_gbt_says_what_drives_it() {
    let csv = "tests/data/stats/metro_traffic_hourly_2018.csv";
    let label = |lines: &[serde_json::Value]| {
        lines
            .iter()
            .find(|l| l["model"] == "prophet")
            .and_then(|l| l["label"].as_str().map(str::to_string))
            .expect("prophet label")
    };
    let plain = backtest_json_on(csv, &["--models", "prophet", "--folds", "1"]);
    assert!(!label(&plain).contains("holidays"), "{}", label(&plain));
    // Eight weeks from June: 4 July falls in the history.
    let us = backtest_json_on(
        csv,
        &[
            "--models",
            "prophet,gbt",
            "--folds",
            "1",
            "--holidays",
            "us",
        ],
    );
    assert!(label(&us).contains("daily, holidays"), "{}", label(&us));
    let gbt = us.iter().find(|l| l["model"] == "gbt").expect("gbt");
    let importance = gbt["feature_importance"].as_array().expect("importance");
    let shares: Vec<f64> = importance
        .iter()
        .map(|f| f["share"].as_f64().expect("share"))
        .collect();
    assert!(shares.windows(2).all(|w| w[0] >= w[1]), "largest first");
    assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    // A calendar that does not exist is named.
    let out = foresight()
        .args([
            "backtest",
            "--csv",
            csv,
            "--models",
            "prophet",
            "--holidays",
            "mars",
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--holidays must be none, kr or us"));
}

#[test]
fn known_ahead_inputs_are_read_at_the_steps_forecast() {
    let csv = "tests/data/stats/metro_traffic_hourly_2018.csv";
    let lines = backtest_json_on(
        csv,
        &[
            "--models",
            "ridge,gbt,prophet,var",
            "--folds",
            "1",
            "--future-known",
            "temp_k",
        ],
    );
    let row = |m: &str| lines.iter().find(|l| l["model"] == m).expect("row");
    // VAR reads no future, but still models the known-ahead column's past with the target.
    assert!(
        row("var")["label"]
            .as_str()
            .is_some_and(|l| l.ends_with("of 2 columns")),
        "{}",
        row("var")
    );
    assert!(
        row("prophet")["label"]
            .as_str()
            .is_some_and(|l| l.ends_with("1 regressor)")),
        "{}",
        row("prophet")
    );
    let features: Vec<&str> = row("gbt")["feature_importance"]
        .as_array()
        .expect("importance")
        .iter()
        .filter_map(|f| f["feature"].as_str())
        .collect();
    assert!(features.contains(&"temp_k ahead"), "{features:?}");
    assert!(!features.contains(&"temp_k last"), "{features:?}");
    // Ridge grows by the known-ahead pair: compare its size without the input.
    let plain = backtest_json_on(csv, &["--models", "ridge", "--folds", "1"]);
    assert!(
        row("ridge")["label"]
            .as_str()
            .is_some_and(|l| l.contains("of 34 features")),
        "{}",
        row("ridge")
    );
    assert!(
        plain[0]["label"]
            .as_str()
            .is_some_and(|l| l.contains("of 32 features")),
        "{}",
        plain[0]
    );
    // A column that does not exist is named.
    let out = foresight()
        .args([
            "backtest",
            "--csv",
            csv,
            "--future-known",
            "rain",
            "--models",
            "ridge",
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("'rain'"));
}

/// `backtest --json` of `models` on one fold, any LSTM among them small and quick.
fn with_a_small_lstm(models: &str) -> Vec<serde_json::Value> {
    backtest_json(&[
        "--models",
        models,
        "--folds",
        "1",
        "--lstm-window",
        "12",
        "--lstm-epochs",
        "3",
        "--backend",
        "cpu",
    ])
}

#[test]
fn the_hybrid_adds_an_lstm_on_arimas_residuals() {
    let lines = with_a_small_lstm("arima,hybrid");
    let row = |m: &str| lines.iter().find(|l| l["model"] == m).expect("row");
    let (arima, hybrid) = (row("arima"), row("hybrid"));
    // Only the models named: the hybrid's LSTM does not add an LSTM row.
    assert_eq!(lines.len(), 3, "{lines:?}");
    let label = hybrid["label"].as_str().expect("label");
    let arima_label = arima["label"].as_str().expect("label");
    assert!(
        label.starts_with(arima_label) && label.ends_with("window 12 on its residuals"),
        "{label}"
    );
    assert!(hybrid["error"].is_null(), "{hybrid}");
    // The correction moves the forecast, and ARIMA's intervals move with it.
    let (a, h) = (arima["mae"].as_f64(), hybrid["mae"].as_f64());
    assert!(a.is_some() && h.is_some() && a != h, "{a:?} {h:?}");
    assert!(hybrid["coverage_95"].as_f64().is_some());
    assert!(hybrid["parameters"].as_u64() > arima["parameters"].as_u64());
    // Each part's contribution to the hold-out forecast: ARIMA's (the ARIMA row's form)
    // and the LSTM's correction, a forecast each over the horizon.
    let parts = hybrid["parts"].as_array().expect("parts");
    assert_eq!(parts.len(), 2, "{parts:?}");
    assert_eq!(parts[0]["part"], arima["label"]);
    assert_eq!(parts[1]["part"], "LSTM on its residuals");
    let steps = |p: &serde_json::Value| p["forecast"].as_array().map(Vec::len);
    assert!(steps(&parts[0]).is_some_and(|n| n > 0) && steps(&parts[0]) == steps(&parts[1]));
}

#[test]
fn garch_puts_its_bands_around_the_lstms_and_arimas_forecasts() {
    let lines = with_a_small_lstm("lstm,lstm-garch,arima,arima-garch");
    let row = |m: &str| lines.iter().find(|l| l["model"] == m).expect("row");
    for (mean, banded) in [("lstm", "lstm-garch"), ("arima", "arima-garch")] {
        let (m, b) = (row(mean), row(banded));
        assert!(b["error"].is_null(), "{b}");
        // The point forecast is the mean model's (the LSTM trains the same, seeded), the
        // intervals GARCH's.
        assert_eq!(m["mae"], b["mae"], "{mean}");
        assert!(b["coverage_95"].as_f64().is_some(), "{b}");
        assert!(b["interval_score_95"] != m["interval_score_95"], "{b}");
        let label = b["label"].as_str().expect("label");
        assert!(label.contains("GARCH(1,1)"), "{label}");
    }
}

#[test]
fn a_cap_gives_prophet_logistic_growth_and_must_lie_above_the_series() {
    let run = |cap: &str| {
        backtest_json_on(
            "tests/data/stats/air_passengers_monthly.csv",
            &["--models", "prophet", "--cap", cap, "--folds", "1"],
        )
    };
    let lines = run("900");
    let label = lines[0]["label"].as_str().expect("label");
    assert!(
        label.starts_with("prophet (logistic trend to 900,"),
        "{label}"
    );
    assert!(lines[0]["mase"].as_f64().is_some_and(f64::is_finite));
    // A cap under the data is the user's mistake: the row says which point it cuts.
    let lines = run("300");
    let error = lines[0]["error"].as_str().expect("error");
    assert!(
        error.contains("cap above every value") && error.contains("the cap is 300 and point"),
        "{error}"
    );
}

#[test]
fn var_reports_how_the_level_answers_each_variables_shock() {
    let lines = backtest_json_on(
        "tests/data/stats/us_macro_quarterly.csv",
        &[
            "--target",
            "infl",
            "--features",
            "unemp",
            "--models",
            "var",
            "--horizon",
            "4",
        ],
    );
    let var = lines.iter().find(|l| l["model"] == "var").expect("var");
    let responses = var["impulse_responses"].as_array().expect("responses");
    let shocks: Vec<&str> = responses
        .iter()
        .filter_map(|r| r["shock"].as_str())
        .collect();
    assert_eq!(shocks, ["infl", "unemp"]);
    for r in responses {
        assert_eq!(r["response"].as_array().map(Vec::len), Some(5), "{r}");
    }
    // Orthogonalised with the target first: its own shock moves it at once, the input's
    // only from the next step.
    let at = |i: usize, h: usize| responses[i]["response"][h].as_f64().expect("value");
    assert!(at(0, 0) > 0.0);
    assert_eq!(at(1, 0), 0.0);
    assert!(at(1, 4) != 0.0);
}

//! Native end-to-end training: the engine trains a tiny model on wgpu (Vulkan; lavapipe in
//! CI) and on the CPU backend, the loss falls, and one seed gives one result.

use std::sync::Mutex;
use std::time::Instant;

use foresight::backend::{BackendChoice, SelectedDevice, select_native};
use foresight::data::read_csv;
use foresight::data::window::WindowSpec;
use foresight::forecast::backtest::Compute;
use foresight::jobs::SAMPLE_CSV;
use foresight::train::{Host, Progress, TrainOutcome, TrainSettings, train};

/// Backends seed a process-wide generator: training tests take turns.
static SERIAL: Mutex<()> = Mutex::new(());

struct RecordingHost {
    clock: Instant,
    progress_events: usize,
}

impl RecordingHost {
    fn new() -> Self {
        RecordingHost {
            clock: Instant::now(),
            progress_events: 0,
        }
    }
}

/// The CPU device of a selection, as the backtest takes it.
fn compute(selected: &SelectedDevice) -> Compute<'_> {
    Compute {
        device: &selected.device,
        backend: &selected.label,
    }
}

impl Host for RecordingHost {
    fn progress(&mut self, _progress: &Progress) {
        self.progress_events += 1;
    }
    fn cancelled(&self) -> bool {
        false
    }
    fn now_ms(&self) -> f64 {
        self.clock.elapsed().as_secs_f64() * 1000.0
    }
    async fn yield_now(&self) {}
}

fn tiny_settings() -> TrainSettings {
    TrainSettings {
        data: WindowSpec {
            target: "mn_midgrade_gasoline_price_usd_gal".into(),
            features: vec!["us_refinery_utilization_pct".into()],
            window: 8,
            horizon: 2,
            ..WindowSpec::default()
        },
        hidden: vec![16, 8],
        dropout: vec![0.0, 0.0],
        epochs: 4,
        batch_size: 64,
        learning_rate: 1e-2,
        patience: 10,
        seed: 7,
        ..TrainSettings::default()
    }
}

fn run(choice: BackendChoice) -> TrainOutcome {
    let selected = select_native(choice).expect("backend available");
    let (frame, _) = read_csv("eia.csv", SAMPLE_CSV).expect("sample parses");
    let mut host = RecordingHost::new();
    let outcome = futures::executor::block_on(train(
        &frame,
        &tiny_settings(),
        &selected.device,
        &selected.label,
        &mut host,
    ))
    .expect("training succeeds");
    assert!(
        host.progress_events >= outcome.history.len(),
        "progress is reported per batch"
    );
    outcome
}

fn assert_learns(outcome: &TrainOutcome) {
    let first = outcome.history.first().expect("at least one epoch");
    let last = outcome.history.last().expect("at least one epoch");
    assert!(
        last.train < first.train,
        "training loss falls: {:?}",
        outcome.history
    );
    assert_eq!(outcome.forecast.len(), 2);
    assert!(outcome.forecast.iter().all(|v| v.is_finite()));
    assert!(outcome.test_metrics.mae.is_finite() && outcome.test_metrics.mae > 0.0);
    // Gasoline is priced in dollars: a trained model is off by well under a dollar.
    assert!(
        outcome.test_metrics.mae < 1.0,
        "MAE {:?}",
        outcome.test_metrics
    );
    assert_eq!(outcome.test_actual.len(), outcome.test_predicted.len());
}

#[test]
fn trains_on_the_cpu_backend_and_is_reproducible() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let a = run(BackendChoice::Cpu);
    assert_learns(&a);
    let b = run(BackendChoice::Cpu);
    assert_eq!(a.history, b.history, "same seed, same losses");
    assert_eq!(a.forecast, b.forecast, "same seed, same forecast");
}

#[test]
fn trains_on_wgpu_vulkan_and_is_reproducible() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let selected = select_native(BackendChoice::Gpu);
    assert!(
        selected.is_ok(),
        "a wgpu adapter must exist (lavapipe in CI): {:?}",
        selected.err()
    );
    let a = run(BackendChoice::Gpu);
    assert_learns(&a);
    let b = run(BackendChoice::Gpu);
    for (x, y) in a.history.iter().zip(&b.history) {
        assert!(
            (x.train - y.train).abs() <= 1e-5 * x.train.abs().max(1e-6),
            "{x:?} vs {y:?}"
        );
    }
    for (x, y) in a.forecast.iter().zip(&b.forecast) {
        assert!((x - y).abs() <= 1e-4 * x.abs().max(1.0), "{x} vs {y}");
    }
}

#[test]
fn bad_settings_fail_before_training() {
    let (frame, _) = read_csv("eia.csv", SAMPLE_CSV).expect("sample parses");
    let selected = select_native(BackendChoice::Cpu).expect("cpu");
    let mut host = RecordingHost::new();
    let mut settings = tiny_settings();
    settings.data.horizon = 5000;
    let err =
        futures::executor::block_on(train(&frame, &settings, &selected.device, "cpu", &mut host))
            .unwrap_err();
    assert!(err.to_string().contains("horizon 5000"), "{err}");
    settings.data.horizon = 2;
    settings.data.target = "no_such_column".into();
    let err =
        futures::executor::block_on(train(&frame, &settings, &selected.device, "cpu", &mut host))
            .unwrap_err();
    assert!(err.to_string().contains("no_such_column"), "{err}");
    assert_eq!(host.progress_events, 0);
}

/// The LSTM in the leaderboard: trained per fold on exactly the origins the statistical
/// models use, scored by the same metrics, its failure on a too-short fold kept in its row.
#[test]
fn lstm_is_scored_on_the_same_origins_as_the_statistical_models() {
    use foresight::forecast::{LeaderboardRequest, run_leaderboard};
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let selected = select_native(BackendChoice::Cpu).expect("cpu backend");
    let (frame, _) = read_csv("eia.csv", SAMPLE_CSV).expect("sample parses");
    let mut settings = tiny_settings();
    settings.epochs = 3;
    let request = LeaderboardRequest {
        models: vec!["naive".into(), "snaive".into()],
        horizon: Some(4),
        folds: 2,
        lstm: Some(settings),
        ..LeaderboardRequest::new("mn_midgrade_gasoline_price_usd_gal")
    };
    let mut host = RecordingHost::new();
    let (board, planned) = futures::executor::block_on(run_leaderboard(
        &frame,
        &request,
        compute(&selected),
        &mut host,
    ))
    .expect("leaderboard runs");
    let names: Vec<&str> = board.rows.iter().map(|r| r.model.as_str()).collect();
    assert_eq!(names, ["naive", "snaive", "lstm"]);
    let lstm = &board.rows[2];
    assert_eq!(lstm.error, None);
    assert_eq!(lstm.folds_scored, 2, "one score per origin");
    assert_eq!(board.origins, planned.layout.origins);
    let backtest = lstm.backtest.as_ref().expect("backtest metrics");
    let holdout = lstm.holdout.as_ref().expect("hold-out metrics");
    assert!(backtest.mae.is_finite() && backtest.mae > 0.0);
    assert!(holdout.mase.is_some_and(f64::is_finite));
    assert_eq!(lstm.forecast.as_ref().map(|f| f.point.len()), Some(4));
    assert_eq!(lstm.label.as_deref(), Some("LSTM 16→8, window 8"));
    assert!(lstm.fit_ms.is_some_and(|ms| ms > 0.0));

    // A window longer than the early folds' history: the row says why, the others stand.
    let mut long = tiny_settings();
    long.data.window = 5_000;
    let request = LeaderboardRequest {
        lstm: Some(long),
        ..request
    };
    let (board, _) = futures::executor::block_on(run_leaderboard(
        &frame,
        &request,
        compute(&selected),
        &mut host,
    ))
    .expect("leaderboard runs");
    let lstm = &board.rows[2];
    let error = lstm
        .error
        .as_deref()
        .expect("the LSTM row reports its failure");
    assert!(
        error.contains("5000") || error.contains("window"),
        "{error}"
    );
    assert_eq!(lstm.error_setting.as_deref(), Some("window"));
    assert!(board.rows[0].error.is_none() && board.rows[0].holdout.is_some());
}

/// Without refitting, the LSTM trains once, at the first origin, and forecasts every later
/// origin from that origin's last window, scaled with its training scalers: the hold-out
/// forecast is exactly the first fit brought up to the hold-out.
#[test]
fn lstm_without_refit_forecasts_later_origins_from_its_first_fit() {
    use foresight::forecast::series::{Covariate, SeriesChoice, series_data};
    use foresight::forecast::{LeaderboardRequest, ModelSpec, Refit, run_leaderboard};
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let selected = select_native(BackendChoice::Cpu).expect("cpu backend");
    let compute = compute(&selected);
    let (frame, _) = read_csv("eia.csv", SAMPLE_CSV).expect("sample parses");
    let mut host = RecordingHost::new();
    let settings = tiny_settings();
    let target = settings.data.target.clone();
    let request = LeaderboardRequest {
        models: vec!["lstm".into()],
        horizon: Some(2),
        folds: 2,
        refit: Refit::Once,
        covariates: settings.data.features.clone(),
        lstm: Some(settings.clone()),
        ..LeaderboardRequest::new(target.clone())
    };
    let (board, planned) =
        futures::executor::block_on(run_leaderboard(&frame, &request, compute, &mut host))
            .expect("leaderboard runs");
    let lstm = &board.rows[0];
    assert_eq!(lstm.error, None);
    assert_eq!(lstm.folds_scored, 2);

    let data = series_data(
        &frame,
        &SeriesChoice {
            target: &target,
            covariates: vec![Covariate {
                name: settings.data.features[0].clone(),
                known_in_future: false,
            }],
            ..SeriesChoice::default()
        },
    )
    .expect("series");
    let mut ctx = planned.plan.fit_context(compute, &mut host);
    let first_origin = planned.layout.origins[0];
    let spec = ModelSpec::Lstm(Box::new(settings));
    let fitted =
        futures::executor::block_on(spec.fit(&data, 0, first_origin, &mut ctx)).expect("fits");
    let own = futures::executor::block_on(
        fitted
            .condition(&data, first_origin)
            .unwrap()
            .forecast(2, &ctx),
    )
    .expect("forecast");
    let direct = futures::executor::block_on(fitted.forecast(2, &ctx)).expect("forecast");
    assert_eq!(
        own.point, direct.point,
        "conditioning on its own range changes nothing"
    );
    let moved = fitted
        .condition(&data, planned.layout.holdout_start)
        .expect("condition");
    assert_eq!(moved.range(), (0, planned.layout.holdout_start));
    let holdout = futures::executor::block_on(moved.forecast(2, &ctx)).expect("forecast");
    assert_eq!(
        Some(&holdout.point),
        lstm.forecast.as_ref().map(|f| &f.point)
    );
    assert_ne!(holdout.point, direct.point);
}

/// Grouped folds over a panel (Grunfeld: 11 firms, 20 years): a local model's scores are
/// the means of its scores on each firm alone; the LSTM is trained once per fold on the
/// other folds' firms, and its forecast of a firm is that network's, brought up to the firm.
#[test]
fn grouped_folds_score_every_group_and_train_the_lstm_on_the_others() {
    use foresight::forecast::grouped::fold_of;
    use foresight::forecast::{LeaderboardRequest, ModelSpec, run_leaderboard};
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let selected = select_native(BackendChoice::Cpu).expect("cpu backend");
    let compute = compute(&selected);
    let bytes = std::fs::read("tests/data/stats/grunfeld_panel_annual.csv").expect("panel");
    let (frame, _) = read_csv("grunfeld.csv", &bytes).expect("panel parses");
    let mut host = RecordingHost::new();
    let mut settings = tiny_settings();
    settings.data.window = 4;
    settings.data.features = vec![];
    let request = LeaderboardRequest {
        models: vec!["naive".into(), "drift".into()],
        horizon: Some(2),
        folds: 2,
        group_folds: Some(3),
        lstm: Some(settings.clone()),
        ..LeaderboardRequest::new("invest")
    };
    let mut run = |request: &LeaderboardRequest| {
        futures::executor::block_on(run_leaderboard(&frame, request, compute, &mut host))
            .expect("leaderboard runs")
    };
    let (board, planned) = run(&request);
    assert_eq!(board.groups.len(), 11);
    assert_eq!(board.group_folds, 3);
    for row in &board.rows {
        assert_eq!(row.error, None, "{}", row.model);
        assert_eq!(row.folds_scored, 22, "{}: two origins per firm", row.model);
    }
    // Local models: the mean of each firm scored alone.
    let mut maes = vec![];
    for name in &board.groups {
        let alone = LeaderboardRequest {
            series: Some(name.clone()),
            group_folds: None,
            lstm: None,
            models: vec!["drift".into()],
            ..request.clone()
        };
        maes.push(
            run(&alone).0.rows[0]
                .holdout
                .as_ref()
                .expect("hold-out")
                .mae,
        );
    }
    let mean = maes.iter().sum::<f64>() / maes.len() as f64;
    let drift = board.rows[1].holdout.as_ref().expect("hold-out").mae;
    assert!((drift - mean).abs() < 1e-9, "{drift} vs {mean}");

    // The LSTM's hold-out forecast of the first firm (fold 0) is the network trained on
    // the firms of folds 1 and 2 only.
    let training: Vec<_> = planned
        .groups
        .iter()
        .enumerate()
        .filter(|(i, _)| fold_of(*i, 3) != 0)
        .map(|(_, g)| &g.data)
        .collect();
    assert_eq!(training.len(), 7);
    let mut ctx = planned.plan.fit_context(compute, &mut host);
    let spec = ModelSpec::Lstm(Box::new(settings));
    let global = futures::executor::block_on(spec.fit_across(&training, &mut ctx)).expect("fits");
    let first = &planned.groups[0];
    let brought = global
        .condition(&first.data, first.layout.holdout_start)
        .expect("condition");
    let forecast = futures::executor::block_on(brought.forecast(2, &ctx)).expect("forecast");
    let lstm = &board.rows[2];
    assert_eq!(
        Some(&forecast.point),
        lstm.forecast.as_ref().map(|f| &f.point)
    );

    // No panel, no grouped folds: the error says why.
    let (single, _) = read_csv("eia.csv", SAMPLE_CSV).expect("sample parses");
    let error = futures::executor::block_on(run_leaderboard(
        &single,
        &LeaderboardRequest {
            group_folds: Some(3),
            ..LeaderboardRequest::new("")
        },
        compute,
        &mut host,
    ))
    .expect_err("not a panel");
    assert!(error.is_some_and(|e| e.contains("need a panel")));
}

/// A cancel is seen within one fit: the leaderboard stops after the fit during which the
/// user pressed Cancel, not at the end of the model.
#[test]
fn leaderboard_cancel_acts_between_fits() {
    use foresight::forecast::{LeaderboardRequest, run_leaderboard};

    struct CancelAfter {
        fits_seen: std::cell::Cell<usize>,
        limit: usize,
        clock: Instant,
    }
    impl Host for CancelAfter {
        fn progress(&mut self, _progress: &Progress) {}
        fn cancelled(&self) -> bool {
            self.fits_seen.get() >= self.limit
        }
        fn now_ms(&self) -> f64 {
            self.clock.elapsed().as_secs_f64() * 1000.0
        }
        async fn yield_now(&self) {}
        fn fitting(&mut self, done: usize, _total: usize, _model: &str) {
            self.fits_seen.set(done);
        }
    }
    let selected = select_native(BackendChoice::Cpu).expect("cpu backend");
    let (frame, _) = read_csv("eia.csv", SAMPLE_CSV).expect("sample parses");
    let request = LeaderboardRequest {
        models: vec!["naive".into(), "ets".into(), "arima".into()],
        horizon: Some(4),
        folds: 3,
        ..LeaderboardRequest::new("mn_midgrade_gasoline_price_usd_gal")
    };
    let mut host = CancelAfter {
        fits_seen: std::cell::Cell::new(0),
        limit: 6,
        clock: Instant::now(),
    };
    let result = futures::executor::block_on(run_leaderboard(
        &frame,
        &request,
        compute(&selected),
        &mut host,
    ));
    assert!(matches!(result, Err(None)), "cancelled, not failed");
    // Four fits per model (three folds and the hold-out): the sixth fit is the second of
    // `ets`, and nothing after it ran.
    assert_eq!(host.fits_seen.get(), 6);
}

/// `auto` trains on the CPU kernel when the only adapter is a software renderer (lavapipe
/// here and in CI), and on the GPU when it is a real card.
#[test]
fn auto_prefers_the_cpu_kernel_over_a_software_adapter() {
    let gpu = select_native(BackendChoice::Gpu).expect("a wgpu adapter (lavapipe without a GPU)");
    let identity = gpu.device.identity().expect("the adapter names itself");
    let name = identity.name.to_ascii_lowercase();
    let software = identity.physical.is_none() || name.contains("llvmpipe");
    let auto = select_native(BackendChoice::Auto).expect("auto");
    if software {
        assert_eq!(
            auto.label,
            foresight::backend::CPU_LABEL,
            "{}",
            identity.name
        );
        let notice = auto.notice.expect("a notice says why");
        assert!(notice.contains("software renderer"), "{notice}");
    } else {
        assert_eq!(auto.label, "wgpu (GPU)");
    }
}

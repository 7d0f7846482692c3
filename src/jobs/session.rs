//! A session holds the loaded data set (and its file, so it can be read again with other
//! choices) and runs jobs against it. A failed load or run leaves the previous data in place.

use std::borrow::Cow;

use burn::tensor::Device;

use super::protocol::{Event, Job, LeaderboardView};
use crate::data::analysis::series_view;
use crate::data::calendar::format_timestamp;
use crate::data::holidays::parse_holiday_file;
use crate::data::window::{WindowSpec, series_of};
use crate::data::{DatasetSummary, Frame, ReadOptions, read_table};
use crate::forecast::backtest::Compute;
use crate::forecast::{LeaderboardRequest, run_leaderboard};
use crate::train::{Host, TrainError, train};

/// The bundled sample data set (US EIA weekly petroleum series; public domain).
pub const SAMPLE_CSV: &[u8] = include_bytes!("../../public/data/eia_petroleum_weekly.csv");
/// File name of the sample.
pub const SAMPLE_NAME: &str = "eia_petroleum_weekly.csv";

/// Points drawn for a series in the data view (extremes kept when decimating).
const MAX_DRAWN_POINTS: usize = 1_500;

/// The file behind the loaded data set.
#[derive(Debug)]
struct Source {
    name: String,
    bytes: Cow<'static, [u8]>,
}

/// State kept between jobs.
#[derive(Debug, Default)]
pub struct Session {
    frame: Option<Frame>,
    source: Option<Source>,
}

impl Session {
    /// An empty session.
    pub fn new() -> Self {
        Session::default()
    }

    /// The loaded data set, if any.
    pub fn frame(&self) -> Option<&Frame> {
        self.frame.as_ref()
    }

    /// Reads a CSV and keeps it if it parses; otherwise keeps what was loaded before.
    pub fn load(
        &mut self,
        file_name: &str,
        bytes: Cow<'static, [u8]>,
        options: &ReadOptions,
        host: &mut impl Host,
    ) -> Event {
        let source = Source {
            name: file_name.into(),
            bytes,
        };
        let event = self.read(&source, options, host);
        if matches!(event, Event::Loaded(_)) {
            self.source = Some(source);
        }
        event
    }

    /// Reads the current file again with other choices; on failure the data set is kept.
    pub fn reread(&mut self, options: &ReadOptions, host: &mut impl Host) -> Event {
        let Some(source) = self.source.take() else {
            return Event::Failed {
                message: TrainError::NoData.to_string(),
            };
        };
        let event = self.read(&source, options, host);
        self.source = Some(source);
        event
    }

    /// Reads `source`; the frame is replaced only when it reads.
    fn read(&mut self, source: &Source, options: &ReadOptions, host: &mut impl Host) -> Event {
        match read_table(&source.name, &source.bytes, options, &mut |f| {
            host.reading(f)
        }) {
            Ok(loaded) => {
                let summary = DatasetSummary::of(&loaded.frame, loaded.report);
                self.frame = Some(loaded.frame);
                Event::Loaded(Box::new(summary))
            }
            Err(e) => Event::Failed {
                message: e.to_string(),
            },
        }
    }

    /// Runs one job and returns the event that ends it. Progress goes to `host` meanwhile.
    /// `Cancel` is handled by the shell (it flips the host's flag), so here it is a no-op.
    pub async fn run(
        &mut self,
        job: Job,
        device: &Device,
        backend: &str,
        host: &mut impl Host,
    ) -> Event {
        match job {
            Job::LoadCsv {
                file_name,
                bytes,
                options,
            } => self.load(&file_name, Cow::Owned(bytes), &options, host),
            Job::LoadSample => self.load(
                SAMPLE_NAME,
                Cow::Borrowed(SAMPLE_CSV),
                &ReadOptions::default(),
                host,
            ),
            Job::Reread(options) => self.reread(&options, host),
            Job::ReadHolidays { file_name, bytes } => {
                match parse_holiday_file(&file_name, &bytes) {
                    Ok(days) => Event::Holidays {
                        file_name,
                        dates: days
                            .into_iter()
                            .map(|day| format_timestamp(day * 86_400, false))
                            .collect(),
                    },
                    Err(e) => Event::Failed {
                        message: e.to_string(),
                    },
                }
            }
            Job::Explore(request) => {
                let Some(frame) = &self.frame else {
                    return Event::Failed {
                        message: TrainError::NoData.to_string(),
                    };
                };
                let spec = WindowSpec {
                    group: request.group.clone(),
                    ..WindowSpec::default()
                };
                match series_of(frame, &spec).and_then(|f| {
                    series_view(
                        &f,
                        &request.column,
                        &request.windows,
                        request.lags,
                        MAX_DRAWN_POINTS,
                    )
                }) {
                    Ok(view) => Event::Explored(Box::new(view)),
                    Err(e) => Event::Failed {
                        message: e.to_string(),
                    },
                }
            }
            Job::Train(settings) => {
                let Some(frame) = &self.frame else {
                    return Event::Failed {
                        message: TrainError::NoData.to_string(),
                    };
                };
                match train(frame, &settings, device, backend, host).await {
                    Ok(outcome) => Event::Finished(Box::new(outcome)),
                    Err(TrainError::Cancelled) => Event::Cancelled,
                    Err(e) => Event::Failed {
                        message: e.to_string(),
                    },
                }
            }
            Job::Leaderboard(request) => {
                let Some(frame) = &self.frame else {
                    return Event::Failed {
                        message: TrainError::NoData.to_string(),
                    };
                };
                match leaderboards(frame, &request, device, backend, host).await {
                    Ok(views) => Event::Leaderboard(views),
                    Err(None) => Event::Cancelled,
                    Err(Some(message)) => Event::Failed { message },
                }
            }
            Job::Cancel => Event::Cancelled,
        }
    }
}

/// Most points of the series sent back for the chart.
const LEADERBOARD_TAIL: usize = 600;

/// Runs a leaderboard per target of `request` (see [`LeaderboardRequest::per_target`]),
/// every target checked before anything runs; `Err(None)` when cancelled.
async fn leaderboards(
    frame: &Frame,
    request: &LeaderboardRequest,
    device: &Device,
    backend: &str,
    host: &mut impl Host,
) -> Result<Vec<LeaderboardView>, Option<String>> {
    let mut request = request.clone();
    if request.target.trim().is_empty() && !request.also_targets.is_empty() {
        request.target = frame.default_target().unwrap_or_default().to_string();
    }
    let several = request.targets().len() > 1;
    if several
        && let Some(bad) = request
            .targets()
            .into_iter()
            .find(|t| frame.column(t).is_none())
    {
        return Err(Some(format!(
            "no numeric column named '{bad}' to forecast; the numeric columns are {}",
            frame.numeric_names()
        )));
    }
    let mut views = vec![];
    for one in request.per_target() {
        let mut host = TargetHost {
            inner: &mut *host,
            target: several.then(|| one.target.clone()),
        };
        views.push(leaderboard(frame, &one, device, backend, &mut host).await?);
    }
    Ok(views)
}

/// A host that names the target in each leaderboard's fitting progress (`price: arima`)
/// when there are several.
struct TargetHost<'a, H: Host> {
    inner: &'a mut H,
    target: Option<String>,
}

impl<H: Host> Host for TargetHost<'_, H> {
    fn progress(&mut self, progress: &crate::train::Progress) {
        self.inner.progress(progress);
    }
    fn cancelled(&self) -> bool {
        self.inner.cancelled()
    }
    fn now_ms(&self) -> f64 {
        self.inner.now_ms()
    }
    fn yield_now(&self) -> impl Future<Output = ()> {
        self.inner.yield_now()
    }
    fn reading(&mut self, fraction: f64) {
        self.inner.reading(fraction);
    }
    fn fitting(&mut self, done: usize, total: usize, model: &str) {
        match &self.target {
            Some(target) => self
                .inner
                .fitting(done, total, &format!("{target}: {model}")),
            None => self.inner.fitting(done, total, model),
        }
    }
    fn batch_helper(&self) -> Option<&dyn crate::train::BatchHelper> {
        self.inner.batch_helper()
    }
}

/// Runs one leaderboard (see [`run_leaderboard`]) and cuts the view the page draws;
/// `Err(None)` when cancelled.
async fn leaderboard(
    frame: &Frame,
    request: &LeaderboardRequest,
    device: &Device,
    backend: &str,
    host: &mut impl Host,
) -> Result<LeaderboardView, Option<String>> {
    let compute = Compute { device, backend };
    let (board, planned) = run_leaderboard(frame, request, compute, host).await?;
    let n = planned.series.len();
    let first_shown = n.saturating_sub(LEADERBOARD_TAIL.max(4 * planned.plan.holdout));
    Ok(LeaderboardView {
        board,
        first_shown,
        actual: planned.series.values[first_shown..].to_vec(),
        labels: planned.series.labels[first_shown..].to_vec(),
        target: planned.series.target.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::QuietHost;

    fn run(session: &mut Session, job: Job) -> Event {
        let cpu = crate::backend::cpu();
        futures::executor::block_on(session.run(job, &cpu.device, &cpu.label, &mut QuietHost))
    }

    #[test]
    fn a_holiday_file_is_read_by_the_engine_and_leaves_the_data_alone() {
        let mut session = Session::new();
        assert!(matches!(
            run(&mut session, Job::LoadSample),
            Event::Loaded(_)
        ));
        let job = Job::ReadHolidays {
            file_name: "days.json".into(),
            bytes: br#"["2024-01-01", "2024-12-25"]"#.to_vec(),
        };
        // The job crosses to the worker as JSON and back.
        let job: Job = serde_json::from_str(&job.to_json()).unwrap();
        match run(&mut session, job) {
            Event::Holidays { file_name, dates } => {
                assert_eq!(file_name, "days.json");
                assert_eq!(dates, ["2024-01-01", "2024-12-25"]);
            }
            other => panic!("{other:?}"),
        }
        let bad = Job::ReadHolidays {
            file_name: "bad.csv".into(),
            bytes: b"not a date\n".to_vec(),
        };
        match run(&mut session, bad) {
            Event::Failed { message } => assert!(message.contains("bad.csv"), "{message}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            session.frame().map(|f| f.file_name.as_str()),
            Some(SAMPLE_NAME)
        );
    }
}

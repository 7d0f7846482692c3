//! A session holds the loaded data set and runs jobs against it. A failed load or run leaves
//! the previous data set in place.

use burn::tensor::Device;

use super::protocol::{Event, Job};
use crate::data::{DatasetSummary, Frame, read_csv};
use crate::train::{Host, TrainError, train};

/// The bundled sample data set (US EIA weekly petroleum series; public domain).
pub const SAMPLE_CSV: &[u8] = include_bytes!("../../public/data/eia_petroleum_weekly.csv");
/// File name of the sample.
pub const SAMPLE_NAME: &str = "eia_petroleum_weekly.csv";

/// State kept between jobs.
#[derive(Debug, Default)]
pub struct Session {
    frame: Option<Frame>,
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
    pub fn load(&mut self, file_name: &str, bytes: &[u8]) -> Event {
        match read_csv(file_name, bytes) {
            Ok((frame, delimiter)) => {
                let summary = DatasetSummary::of(&frame, delimiter);
                self.frame = Some(frame);
                Event::Loaded(summary)
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
            Job::LoadCsv { file_name, bytes } => self.load(&file_name, &bytes),
            Job::LoadSample => self.load(SAMPLE_NAME, SAMPLE_CSV),
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
            Job::Cancel => Event::Cancelled,
        }
    }
}

//! Messages between a shell and the engine.

use serde::{Deserialize, Serialize};

use crate::data::analysis::SeriesView;
use crate::data::json::nan_as_null;
use crate::data::{DatasetSummary, ReadOptions};
use crate::forecast::{Leaderboard, LeaderboardRequest};
use crate::train::{Progress, TrainOutcome, TrainSettings};

/// Work a shell asks the engine to do.
// One job is made per user action and moved once; boxing variants would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Job {
    /// Read a user's CSV file (its raw bytes).
    /// The bytes travel beside the JSON message in the browser (a transferred ArrayBuffer),
    /// so `bytes` is empty there and filled in by the worker.
    LoadCsv {
        /// File name, for messages.
        file_name: String,
        /// Raw file content.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        bytes: Vec<u8>,
        /// Reader choices (all detected by default).
        #[serde(default)]
        options: ReadOptions,
    },
    /// Load the bundled sample data set.
    LoadSample,
    /// Read the current file again with other choices (encoding, delimiter, time column…).
    Reread(ReadOptions),
    /// Read a holiday file (a JSON list of dates, or a date on each line) into dates for
    /// the holiday feature; the loaded data set is not touched.
    ReadHolidays {
        /// File name, for messages.
        file_name: String,
        /// Raw file content; in the browser it travels beside the JSON, as a file to
        /// load does.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        bytes: Vec<u8>,
    },
    /// Look at one column: moving averages, ACF and PACF, points to draw.
    Explore(ExploreRequest),
    /// Train on the loaded data set.
    Train(TrainSettings),
    /// Compare statistical models on rolling-origin backtests and a hold-out.
    Leaderboard(LeaderboardRequest),
    /// Stop the running job.
    Cancel,
}

/// What to show of a column in the data view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExploreRequest {
    /// Numeric column.
    pub column: String,
    /// For a panel: the group; the first one when left out.
    #[serde(default)]
    pub group: Option<String>,
    /// Moving-average windows (rows).
    #[serde(default)]
    pub windows: Vec<usize>,
    /// Largest ACF/PACF lag.
    #[serde(default = "default_lags")]
    pub lags: usize,
}

fn default_lags() -> usize {
    24
}

/// What the engine reports back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// The worker is up; `backend` names the compute backend it will use.
    Ready {
        /// e.g. "WebGPU (google swiftshader)" or "CPU (ndarray)".
        backend: String,
        /// Why the GPU is not used, when it is not.
        notice: Option<String>,
    },
    /// Share of the file read so far (0–1), while a file is read.
    Reading {
        /// 0–1.
        fraction: f64,
    },
    /// A data set was read.
    Loaded(Box<DatasetSummary>),
    /// A holiday file was read: its dates as ISO `YYYY-MM-DD`, in file order.
    Holidays {
        /// File name.
        file_name: String,
        /// The dates.
        dates: Vec<String>,
    },
    /// The data view of a column.
    Explored(Box<SeriesView>),
    /// A training run started.
    Started {
        /// Backend running it.
        backend: String,
    },
    /// Progress of the running job.
    Progress(Progress),
    /// A training run finished.
    Finished(Box<TrainOutcome>),
    /// Leaderboard progress: fits done out of all, and the model being fitted.
    Fitting {
        /// Fits finished.
        done: usize,
        /// Fits in all.
        total: usize,
        /// Model now running.
        model: String,
    },
    /// The leaderboards, one per target asked for (the first target's first), each with
    /// the series it was scored on.
    Leaderboard(Vec<LeaderboardView>),
    /// The running job stopped on the user's request; earlier results are untouched.
    Cancelled,
    /// A job failed; `message` says what and where. Earlier results and data are untouched.
    Failed {
        /// Human-readable, specific message.
        message: String,
    },
}

/// A leaderboard with what the page needs to draw it: the end of the series with labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardView {
    /// Scores, selection, origins, plan.
    pub board: Leaderboard,
    /// Index in the series of the first point below.
    pub first_shown: usize,
    /// The series from `first_shown` to its end (NaN = missing).
    #[serde(with = "nan_as_null")]
    pub actual: Vec<f64>,
    /// Time labels of those points.
    pub labels: Vec<String>,
    /// The target column.
    pub target: String,
}

impl Job {
    /// The file content a job carries (a CSV to load, a holiday file), which the browser
    /// sends beside the JSON message as a transferred buffer.
    pub fn file_bytes_mut(&mut self) -> Option<&mut Vec<u8>> {
        match self {
            Job::LoadCsv { bytes, .. } | Job::ReadHolidays { bytes, .. } => Some(bytes),
            _ => None,
        }
    }

    /// Serialises for `postMessage`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Event {
    /// Serialises for `postMessage`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(r#"{{"Failed":{{"message":"could not encode an event: {e}"}}}}"#)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_and_events_round_trip_through_json() {
        let job = Job::Train(TrainSettings::default());
        assert_eq!(serde_json::from_str::<Job>(&job.to_json()).unwrap(), job);
        let event = Event::Failed {
            message: "row 3".into(),
        };
        assert_eq!(
            serde_json::from_str::<Event>(&event.to_json()).unwrap(),
            event
        );
        // Missing values (NaN) cross as null and come back as NaN.
        let frame = crate::data::read_csv("m.csv", b"t,v\n1,1\n2,\n3,3\n4,4\n")
            .unwrap()
            .0;
        let view = crate::data::analysis::series_view(&frame, "v", &[2], 2, 100).unwrap();
        let back: Event = serde_json::from_str(&Event::Explored(Box::new(view)).to_json()).unwrap();
        match back {
            Event::Explored(v) => {
                assert!(v.values[1].is_nan() && v.moving_averages[0].values[1].is_nan());
                assert_eq!(v.moving_averages[0].values[3], 3.5);
            }
            other => panic!("{other:?}"),
        }
        // Settings may be partial: missing fields take the defaults.
        let partial: TrainSettings = serde_json::from_str(r#"{"epochs": 3}"#).unwrap();
        assert_eq!(partial.epochs, 3);
        assert_eq!(partial.hidden, vec![64, 32]);
    }
}

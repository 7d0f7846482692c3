//! Messages between a shell and the engine.

use serde::{Deserialize, Serialize};

use crate::data::{DatasetSummary, ReadOptions};
use crate::train::{Progress, TrainOutcome, TrainSettings};

/// Work a shell asks the engine to do.
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
    /// Train on the loaded data set.
    Train(TrainSettings),
    /// Stop the running job.
    Cancel,
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
    /// A training run started.
    Started {
        /// Backend running it.
        backend: String,
    },
    /// Progress of the running job.
    Progress(Progress),
    /// A training run finished.
    Finished(Box<TrainOutcome>),
    /// The running job stopped on the user's request; earlier results are untouched.
    Cancelled,
    /// A job failed; `message` says what and where. Earlier results and data are untouched.
    Failed {
        /// Human-readable, specific message.
        message: String,
    },
}

impl Job {
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
        // Settings may be partial: missing fields take the defaults.
        let partial: TrainSettings = serde_json::from_str(r#"{"epochs": 3}"#).unwrap();
        assert_eq!(partial.epochs, 3);
        assert_eq!(partial.hidden, vec![64, 32]);
    }
}

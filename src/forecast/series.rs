//! The data a model is fitted on: one series (one group of a panel) with its target,
//! covariates and time index, resolved from a loaded frame.

use crate::data::clean::{FillStrategy, fill};
use crate::data::frame::{Column, Frame};
use crate::data::frequency::Frequency;

/// A covariate: another column the model may use as an input.
#[derive(Debug, Clone, PartialEq)]
pub struct Covariate {
    /// Column name.
    pub name: String,
    /// Whether its future values are known when forecasting (a holiday flag, a planned
    /// price) rather than only its past (another measured series).
    pub known_in_future: bool,
}

/// One series ready for the models: the target's values (missing ones NaN unless filled),
/// their time labels, the season, and a frame of the target and covariates on the same time
/// index (what the LSTM trains on, so its calendar features line up with the values).
#[derive(Debug, Clone)]
pub struct SeriesData {
    /// Target column name.
    pub target: String,
    /// Target values.
    pub values: Vec<f64>,
    /// Time label of each value.
    pub labels: Vec<String>,
    /// Season length (1 for none).
    pub season: usize,
    /// Further seasonal periods of the frequency, for multi-seasonal models: the week of
    /// sub-daily data, the year of daily data.
    pub periods: Vec<usize>,
    /// Default horizon for the frequency.
    pub default_horizon: usize,
    /// Covariates, in the frame after the target.
    pub covariates: Vec<Covariate>,
    /// The target (first) and covariates with their time stamps; no groups.
    pub frame: Frame,
}

impl SeriesData {
    /// Points in the series.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the series has no points.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The covariates' columns from point `start` on, split into those known only up to
    /// an origin (factors) and those known ahead, each in the covariates' order.
    pub fn inputs(&self, start: usize) -> (Vec<&[f64]>, Vec<&[f64]>) {
        let mut past = vec![];
        let mut ahead = vec![];
        for (covariate, column) in self
            .covariates
            .iter()
            .zip(self.frame.columns.iter().skip(1))
        {
            let values = column.values.get(start..).unwrap_or(&[]);
            if covariate.known_in_future {
                ahead.push(values);
            } else {
                past.push(values);
            }
        }
        (past, ahead)
    }

    /// The covariates' names split as [`SeriesData::inputs`] splits their columns: the
    /// factors', then the known-ahead columns'.
    pub fn input_name_groups(&self) -> (Vec<String>, Vec<String>) {
        let (ahead, past): (Vec<&Covariate>, Vec<&Covariate>) =
            self.covariates.iter().partition(|c| c.known_in_future);
        let names = |group: Vec<&Covariate>| group.iter().map(|c| c.name.clone()).collect();
        (names(past), names(ahead))
    }

    /// The covariates' names in the order the feature-based models read them: the factors,
    /// then the known-ahead columns.
    pub fn input_names(&self) -> Vec<String> {
        let (mut past, ahead) = self.input_name_groups();
        past.extend(ahead);
        past
    }

    /// The same series with other target values (a model's residuals, say): the values and
    /// the frame's target column both replaced.
    pub fn with_target_values(&self, values: Vec<f64>) -> SeriesData {
        let mut out = self.clone();
        if let Some(target) = out.frame.columns.first_mut() {
            target.values = values.clone();
        }
        out.values = values;
        out
    }

    /// Rows `start..end` of the series frame: what a model trains on for one origin.
    pub fn frame_rows(&self, start: usize, end: usize) -> Frame {
        Frame {
            timestamps: self
                .frame
                .timestamps
                .as_ref()
                .map(|t| t[start..end].to_vec()),
            columns: self
                .frame
                .columns
                .iter()
                .map(|c| Column::new(c.name.clone(), c.values[start..end].to_vec()))
                .collect(),
            groups: None,
            ..self.frame.clone()
        }
    }
}

/// The season statistical models use for a frequency: the daily cycle for sub-daily data
/// (24 hourly, 48 half-hourly), else the calendar season (7 daily, 5 business-daily,
/// 52 weekly, 12 monthly, 4 quarterly), 1 when none.
pub fn model_season(frequency: &Frequency) -> usize {
    const DAY: i64 = 86_400;
    match *frequency {
        Frequency::Seconds(s) if s > 0 && s < DAY && DAY % s == 0 => (DAY / s) as usize,
        ref other => other.season().unwrap_or(1),
    }
}

/// Seasonal periods besides [`model_season`] a frequency has: the week of sub-daily data
/// (336 half-hours), the year of daily data (365 days).
pub fn extra_periods(frequency: &Frequency) -> Vec<usize> {
    let day = model_season(frequency);
    match *frequency {
        Frequency::Seconds(86_400) => vec![365],
        Frequency::Seconds(_) => frequency
            .season()
            .filter(|&week| day > 1 && week > day && week % day == 0)
            .into_iter()
            .collect(),
        _ => vec![],
    }
}

/// Keeps the items whose row is marked in `keep` (rows past its end are dropped).
fn keep_rows<T>(items: &mut Vec<T>, keep: &[bool]) {
    let mut marks = keep.iter();
    items.retain(|_| marks.next().copied().unwrap_or(false));
}

/// What to pick from a frame.
#[derive(Debug, Clone, Default)]
pub struct SeriesChoice<'a> {
    /// Target column; the frame's default target when empty.
    pub target: &'a str,
    /// For a panel: the group (the first when `None`).
    pub group: Option<&'a str>,
    /// Missing values: `None` leaves them (each model reports them).
    pub fill: Option<FillStrategy>,
    /// Season length; from the frequency when `None`.
    pub season: Option<usize>,
    /// Other columns the models may use as inputs (the LSTM does; the statistical models
    /// are univariate).
    pub covariates: Vec<Covariate>,
}

/// Picks the target (and group) from the frame and applies the fill.
///
/// # Errors
/// A message naming the unknown group or column.
pub fn series_data(frame: &Frame, choice: &SeriesChoice<'_>) -> Result<SeriesData, String> {
    // The default target is the whole data set's (as its summary says), not a group's.
    let target = match choice.target.trim() {
        "" => frame
            .default_target()
            .ok_or_else(|| format!("{} has no numeric column to forecast", frame.file_name))?
            .to_string(),
        name => name.to_string(),
    };
    let covariates: Vec<Covariate> = choice
        .covariates
        .iter()
        .filter(|c| c.name != target)
        .cloned()
        .collect();
    let frame = match (choice.group, &frame.groups) {
        (Some(name), _) => frame.group(name).map_err(|e| e.to_string())?,
        (None, Some(groups)) => match groups.names.first() {
            Some(first) => frame.group(first).map_err(|e| e.to_string())?,
            None => frame.clone(),
        },
        (None, None) => frame.clone(),
    };
    let column = frame.column(&target).ok_or_else(|| {
        format!(
            "no numeric column named '{}'; the numeric columns are {}",
            target,
            frame.numeric_names()
        )
    })?;
    let mut values = column.values.clone();
    let mut inputs: Vec<Vec<f64>> = covariates
        .iter()
        .map(|c| {
            frame
                .column(&c.name)
                .map(|col| col.values.clone())
                .ok_or_else(|| {
                    format!(
                        "no numeric column named '{}' for an input; the numeric columns are {}",
                        c.name,
                        frame.numeric_names()
                    )
                })
        })
        .collect::<Result<_, _>>()?;
    let mut labels: Vec<String> = (0..frame.rows()).map(|r| frame.time_label(r)).collect();
    let mut timestamps = frame.timestamps.clone();
    let season = choice
        .season
        .unwrap_or_else(|| model_season(&frame.frequency));
    if let Some(strategy) = choice.fill {
        let positions: Vec<f64> = match &frame.timestamps {
            Some(t) => t.iter().map(|v| *v as f64).collect(),
            None => (0..values.len()).map(|r| r as f64).collect(),
        };
        if strategy == FillStrategy::Drop {
            let keep: Vec<bool> = values.iter().map(|v| v.is_finite()).collect();
            keep_rows(&mut labels, &keep);
            if let Some(stamps) = timestamps.as_mut() {
                keep_rows(stamps, &keep);
            }
            for input in &mut inputs {
                keep_rows(input, &keep);
            }
            values.retain(|v| v.is_finite());
        } else {
            fill(&mut values, &positions, strategy, Some(season));
            for (input, covariate) in inputs.iter_mut().zip(&covariates) {
                // A column known ahead is filled only up to its last value: past it nothing
                // is known, and the models that read it there say so.
                let end = input
                    .iter()
                    .rposition(|v| v.is_finite())
                    .map_or(0, |i| i + 1);
                fill(input, &positions, strategy, Some(season));
                if covariate.known_in_future {
                    input[end..].iter_mut().for_each(|v| *v = f64::NAN);
                }
            }
        }
    }
    let series_frame = Frame {
        file_name: frame.file_name.clone(),
        time_name: frame.time_name.clone(),
        timestamps,
        time_has_clock: frame.time_has_clock,
        columns: std::iter::once(Column::new(target.clone(), values.clone()))
            .chain(
                covariates
                    .iter()
                    .zip(inputs)
                    .map(|(c, v)| Column::new(c.name.clone(), v)),
            )
            .collect(),
        text_columns: vec![],
        frequency: frame.frequency,
        groups: None,
    };
    Ok(SeriesData {
        target,
        values,
        labels,
        season,
        periods: extra_periods(&frame.frequency),
        default_horizon: frame.frequency.default_horizon().max(1),
        covariates,
        frame: series_frame,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_target_means_the_frames_default_target() {
        // The first numeric column is empty: the default (the page's rule) is the next one.
        let csv = b"date,blank,price,volume\n2020-01-06,,1.5,10\n2020-01-13,,1.7,11\n2020-01-20,,1.6,12\n";
        let frame = crate::data::read_csv("p.csv", csv).unwrap().0;
        let expected = frame.default_target().unwrap().to_string();
        let data = series_data(&frame, &SeriesChoice::default()).unwrap();
        assert_eq!(data.target, expected);
        assert_ne!(data.target, "blank");
        assert_eq!(data.values, frame.column(&expected).unwrap().values);
        assert_eq!(data.frame_rows(1, 3).rows(), 2);
        let err = series_data(
            &frame,
            &SeriesChoice {
                target: "nope",
                ..SeriesChoice::default()
            },
        )
        .unwrap_err();
        assert!(err.contains("nope") && err.contains("price"), "{err}");

        // Covariates travel in the frame after the target, on the same rows.
        let with_input = series_data(
            &frame,
            &SeriesChoice {
                target: "price",
                covariates: vec![Covariate {
                    name: "volume".into(),
                    known_in_future: false,
                }],
                ..SeriesChoice::default()
            },
        )
        .unwrap();
        let names: Vec<&str> = with_input
            .frame
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["price", "volume"]);
        assert_eq!(with_input.frame.columns[1].values, [10.0, 11.0, 12.0]);
    }

    #[test]
    fn a_column_known_ahead_is_filled_only_up_to_its_last_value() {
        let csv = b"date,price,plan,other\n2020-01-06,1.5,10,1\n2020-01-13,1.7,,2\n2020-01-20,1.6,12,\n2020-01-27,1.8,,\n";
        let frame = crate::data::read_csv("p.csv", csv).unwrap().0;
        let data = series_data(
            &frame,
            &SeriesChoice {
                target: "price",
                fill: Some(FillStrategy::ForwardFill),
                covariates: vec![
                    Covariate {
                        name: "plan".into(),
                        known_in_future: true,
                    },
                    Covariate {
                        name: "other".into(),
                        known_in_future: false,
                    },
                ],
                ..SeriesChoice::default()
            },
        )
        .unwrap();
        let (past, ahead) = data.inputs(0);
        // The plan's gap inside is filled; after its last value nothing is known.
        assert_eq!(&ahead[0][..3], &[10.0, 10.0, 12.0]);
        assert!(ahead[0][3].is_nan());
        // A column known only up to each origin is filled as the target is.
        assert_eq!(past[0], &[1.0, 2.0, 2.0, 2.0]);
        assert_eq!(data.input_names(), ["other", "plan"]);
    }
}

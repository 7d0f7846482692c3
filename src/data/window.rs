//! Turning a frame into scaled model inputs and sliding windows, split chronologically.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::clean::{FillStrategy, fill};
use super::error::DataError;
use super::features::calendar_features;
use super::frame::{Frame, Groups};
use super::holidays::{HolidayCalendar, Holidays};
use super::scale::{Scaler, ScalerKind};

/// Which columns feed the model and how windows are cut.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowSpec {
    /// Column to forecast; it is always the first input feature too.
    pub target: String,
    /// Extra numeric input columns (the target is added automatically).
    pub features: Vec<String>,
    /// Add calendar features (hour, weekday, month, day-of-year sin/cos; business-day and
    /// holiday flags) where the frequency gives them information.
    pub calendar: bool,
    /// Past steps the model sees.
    pub window: usize,
    /// Future steps the model predicts at once (direct multi-horizon output).
    pub horizon: usize,
    /// Share of rows held out at the end for the test part (0.2 = chronological 80/20).
    pub test_fraction: f64,
    /// Share of training windows (the latest ones) used for validation.
    pub validation_fraction: f64,
    /// For a panel: the group (series) to model; the first group when left out. Windows
    /// never cross groups.
    #[serde(default)]
    pub group: Option<String>,
    /// For a panel: train one model on every group's windows (a global model; windows
    /// still never cross groups) instead of on one group. Needs a test fraction of 0.
    #[serde(default)]
    pub across_groups: bool,
    /// How missing cells of the used columns are handled.
    #[serde(default)]
    pub fill: FillStrategy,
    /// How every input column and the target are scaled (fitted on the training part).
    #[serde(default)]
    pub scaler: ScalerKind,
    /// Per-column scaling that overrides `scaler` (e.g. the process model's extended
    /// min-max with its own widening ratio per column).
    #[serde(default)]
    pub column_scalers: BTreeMap<String, ScalerKind>,
    /// Built-in holiday calendar for the holiday and business-day features.
    #[serde(default)]
    pub holidays: HolidayCalendar,
    /// The user's own holidays, as ISO dates (`YYYY-MM-DD`).
    #[serde(default)]
    pub user_holidays: Vec<String>,
}

/// Scaled inputs with window positions for the train, validation and test parts.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Input feature names in column order of `inputs`.
    pub feature_names: Vec<String>,
    /// Scaled inputs, row-major `[rows, features]`.
    pub inputs: Vec<f32>,
    /// Scaled target per row.
    pub target: Vec<f32>,
    /// Target in the data's own units (missing values filled), for metrics and charts.
    pub target_raw: Vec<f64>,
    /// Target as observed (`NaN` where the file had no value): metrics skip those rows.
    pub target_observed: Vec<f64>,
    /// Scaler of the target, to put predictions back into the data's units.
    pub target_scaler: Scaler,
    /// Scaler of every input column, in the order of `feature_names` (the target's first).
    pub scalers: Vec<Scaler>,
    /// Frame row of each prepared row (they differ when rows with missing cells are dropped).
    pub frame_rows: Vec<usize>,
    /// Window start rows used for training.
    pub train: Vec<usize>,
    /// Window start rows used for validation (early stopping).
    pub validation: Vec<usize>,
    /// Window start rows whose targets lie in the test part.
    pub test: Vec<usize>,
    /// First row of the test part.
    pub test_start: usize,
    /// Cells filled because they were missing (by the spec's fill strategy).
    pub filled_cells: usize,
    /// Rows dropped because a used column was missing there (fill strategy `drop`).
    pub dropped_rows: usize,
    /// Window length.
    pub window: usize,
    /// Horizon length.
    pub horizon: usize,
}

impl Prepared {
    /// Number of input features.
    pub fn n_features(&self) -> usize {
        self.feature_names.len()
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.target.len()
    }

    /// Gathers windows starting at `starts` into `([batch, window, features], [batch, horizon])`
    /// flat row-major buffers.
    pub fn batch(&self, starts: &[usize]) -> (Vec<f32>, Vec<f32>) {
        let f = self.n_features();
        let mut x = Vec::with_capacity(starts.len() * self.window * f);
        let mut y = Vec::with_capacity(starts.len() * self.horizon);
        for &s in starts {
            x.extend_from_slice(&self.inputs[s * f..(s + self.window) * f]);
            y.extend_from_slice(&self.target[s + self.window..s + self.window + self.horizon]);
        }
        (x, y)
    }

    /// The last `window` rows as one input window `[1, window, features]`, for the forecast
    /// past the end of the data.
    pub fn last_window(&self) -> Vec<f32> {
        let f = self.n_features();
        let n = self.rows();
        self.inputs[(n - self.window) * f..n * f].to_vec()
    }
}

/// The single series a spec models: the named group of a panel, or its first group (the
/// whole panel when the spec trains across groups).
///
/// # Errors
/// [`DataError::UnknownGroup`] for a group the panel does not have.
pub fn series_of<'a>(frame: &'a Frame, spec: &WindowSpec) -> Result<Cow<'a, Frame>, DataError> {
    if spec.across_groups {
        return Ok(Cow::Borrowed(frame));
    }
    match (&frame.groups, &spec.group) {
        (Some(_), Some(name)) => frame.group(name).map(Cow::Owned),
        (Some(groups), None) => frame
            .group(groups.names.first().map_or("", String::as_str))
            .map(Cow::Owned),
        (None, _) => Ok(Cow::Borrowed(frame)),
    }
}

/// First row of the test part for `rows` rows.
fn test_start_of(rows: usize, test_fraction: f64) -> usize {
    ((rows as f64) * (1.0 - test_fraction)).floor() as usize
}

/// Whether `rows` rows hold two training windows (one becomes validation) before the test
/// part and one full test horizon after it. A test fraction of 0 asks for no test part
/// (a backtest fold: everything before the origin trains, the origin's future scores).
fn fits(rows: usize, window: usize, horizon: usize, test_fraction: f64) -> bool {
    let test_start = test_start_of(rows, test_fraction);
    let test_fits = test_fraction == 0.0 || rows - test_start >= horizon;
    test_start > window + horizon && test_fits
}

/// Smallest number of rows that fits `window` and `horizon` (see [`prepare`]).
pub fn rows_needed(window: usize, horizon: usize, test_fraction: f64) -> usize {
    (1..)
        .find(|&rows| fits(rows, window, horizon, test_fraction))
        .unwrap_or(usize::MAX)
}

/// Builds scaled inputs and window positions from a frame.
///
/// # Errors
/// [`DataError::UnknownColumn`] for a missing or non-numeric column, [`DataError::AllMissing`]
/// for an empty target, [`DataError::TooShort`] when window and horizon do not fit, and
/// [`DataError::BadSetting`] for zero window/horizon or fractions outside (0, 1).
pub fn prepare(frame: &Frame, spec: &WindowSpec) -> Result<Prepared, DataError> {
    if frame.groups.is_some() && !spec.across_groups {
        let series = series_of(frame, spec)?;
        return prepare(&series, spec);
    }
    if spec.window == 0 {
        return Err(DataError::BadSetting {
            name: "window",
            expected: "at least 1",
            found: "0".into(),
        });
    }
    if spec.horizon == 0 {
        return Err(DataError::BadSetting {
            name: "horizon",
            expected: "at least 1",
            found: "0".into(),
        });
    }
    for (name, value, zero_allowed) in [
        ("test fraction", spec.test_fraction, true),
        ("validation fraction", spec.validation_fraction, false),
    ] {
        let low_ok = value > 0.0 || (zero_allowed && value == 0.0);
        if !(low_ok && value < 1.0) {
            return Err(DataError::BadSetting {
                name,
                expected: "between 0 and 1",
                found: value.to_string(),
            });
        }
    }
    if spec.across_groups
        && let Some(groups) = &frame.groups
    {
        return prepare_panel(frame, groups, spec);
    }
    let Columns {
        names,
        series,
        target_observed,
        frame_rows,
        filled_cells,
        dropped_rows,
    } = columns(frame, spec)?;
    let rows = frame_rows.len();
    if !fits(rows, spec.window, spec.horizon, spec.test_fraction) {
        let needed = rows_needed(spec.window, spec.horizon, spec.test_fraction);
        return Err(DataError::TooShort {
            window: spec.window,
            horizon: spec.horizon,
            needed,
            rows,
        });
    }
    let test_start = test_start_of(rows, spec.test_fraction);
    let Scaled {
        scalers,
        inputs,
        target,
    } = scale(&series, &names, spec, test_start);
    let target_raw = series[0].clone();
    let target_scaler = scalers[0];

    let (w, h) = (spec.window, spec.horizon);
    let train_all: Vec<usize> = (0..=test_start - w - h).collect();
    let n_validation = ((train_all.len() as f64 * spec.validation_fraction).ceil() as usize)
        .clamp(1, train_all.len() - 1);
    let (train, validation) = train_all.split_at(train_all.len() - n_validation);
    let test: Vec<usize> = (test_start - w..=rows - w - h).collect();
    Ok(Prepared {
        feature_names: names,
        inputs,
        target,
        target_raw,
        target_observed,
        target_scaler,
        scalers,
        frame_rows,
        train: train.to_vec(),
        validation: validation.to_vec(),
        test,
        test_start,
        filled_cells,
        dropped_rows,
        window: w,
        horizon: h,
    })
}

/// The model's input columns over a frame's rows, before scaling: the target first, then
/// the covariates and calendar features, missing cells filled (or their rows dropped).
struct Columns {
    names: Vec<String>,
    series: Vec<Vec<f64>>,
    target_observed: Vec<f64>,
    frame_rows: Vec<usize>,
    filled_cells: usize,
    dropped_rows: usize,
}

/// Gathers, fills and extends (calendar) the columns `spec` uses.
fn columns(frame: &Frame, spec: &WindowSpec) -> Result<Columns, DataError> {
    let rows = frame.rows();
    let lookup = |name: &str| {
        let column = frame.column(name).ok_or_else(|| DataError::UnknownColumn {
            column: name.into(),
            available: frame.numeric_names(),
        })?;
        match &column.invalid {
            Some(invalid) => Err(DataError::MixedTypes {
                file: frame.file_name.clone(),
                column: name.into(),
                examples: invalid.examples.clone(),
                total: invalid.total,
            }),
            None => Ok(column),
        }
    };
    let target_column = lookup(&spec.target)?;
    if target_column.missing() == rows {
        return Err(DataError::AllMissing {
            column: spec.target.clone(),
            rows,
        });
    }
    let mut names = vec![spec.target.clone()];
    let mut series = vec![target_column.values.clone()];
    for feature in spec.features.iter().filter(|f| **f != spec.target) {
        let column = lookup(feature)?;
        if column.missing() == rows {
            return Err(DataError::AllMissing {
                column: feature.clone(),
                rows,
            });
        }
        names.push(feature.clone());
        series.push(column.values.clone());
    }
    let holidays = Holidays::from_dates(spec.holidays, &spec.user_holidays)?;

    // Rows kept: all of them, or those where every used column was observed.
    let frame_rows: Vec<usize> = if spec.fill == FillStrategy::Drop {
        (0..rows)
            .filter(|&r| series.iter().all(|s| !s[r].is_nan()))
            .collect()
    } else {
        (0..rows).collect()
    };
    let dropped_rows = rows - frame_rows.len();
    if dropped_rows > 0 {
        for s in &mut series {
            *s = frame_rows.iter().map(|&r| s[r]).collect();
        }
    }
    let rows = frame_rows.len();
    let stamps: Option<Vec<i64>> = frame
        .timestamps
        .as_ref()
        .map(|t| frame_rows.iter().map(|&r| t[r]).collect());
    let positions: Vec<f64> = match &stamps {
        Some(t) => t.iter().map(|v| *v as f64).collect(),
        None => (0..rows).map(|r| r as f64).collect(),
    };
    let target_observed = series[0].clone();
    let season = frame.frequency.season();
    let mut filled_cells = 0;
    for s in &mut series {
        filled_cells += fill(s, &positions, spec.fill, season)
            .iter()
            .filter(|f| **f)
            .count();
    }
    if spec.calendar
        && let Some(stamps) = &stamps
    {
        for (name, values) in calendar_features(stamps, frame.frequency, &holidays) {
            names.push(name);
            series.push(values);
        }
    }
    Ok(Columns {
        names,
        series,
        target_observed,
        frame_rows,
        filled_cells,
        dropped_rows,
    })
}

/// Columns scaled for the model.
struct Scaled {
    scalers: Vec<Scaler>,
    /// Row-major `[rows, columns]`.
    inputs: Vec<f32>,
    /// The target (first) column, scaled.
    target: Vec<f32>,
}

/// Fits each column's scaler (the spec's kind, or the column's own) on its first
/// `fit_rows` rows and scales every row.
fn scale(series: &[Vec<f64>], names: &[String], spec: &WindowSpec, fit_rows: usize) -> Scaled {
    let scalers: Vec<Scaler> = series
        .iter()
        .zip(names)
        .map(|(s, name)| {
            let kind = spec
                .column_scalers
                .get(name)
                .copied()
                .unwrap_or(spec.scaler);
            Scaler::fit(kind, &s[..fit_rows.min(s.len())])
        })
        .collect();
    let rows = series.first().map_or(0, Vec::len);
    let f = series.len();
    let mut inputs = vec![0f32; rows * f];
    for (j, (s, scaler)) in series.iter().zip(&scalers).enumerate() {
        for (r, v) in s.iter().enumerate() {
            inputs[r * f + j] = scaler.transform(*v) as f32;
        }
    }
    let target = series
        .first()
        .map(|s| s.iter().map(|v| scalers[0].transform(*v) as f32).collect())
        .unwrap_or_default();
    Scaled {
        scalers,
        inputs,
        target,
    }
}

/// Windows from every group of a panel for one global model: the groups' rows one after
/// another, each column scaled over all of them, windows that never cross a group, the
/// latest windows of each group for validation, no test part. Groups too short for one
/// window are left out. The window, horizon and fractions are checked by [`prepare`].
fn prepare_panel(frame: &Frame, groups: &Groups, spec: &WindowSpec) -> Result<Prepared, DataError> {
    if spec.test_fraction != 0.0 {
        return Err(DataError::BadSetting {
            name: "test fraction",
            expected: "0 when one model trains across the groups",
            found: spec.test_fraction.to_string(),
        });
    }
    let (w, h) = (spec.window, spec.horizon);
    let mut names: Vec<String> = vec![];
    let mut series: Vec<Vec<f64>> = vec![];
    let (mut target_observed, mut frame_rows) = (vec![], vec![]);
    let (mut train, mut validation) = (vec![], vec![]);
    let (mut filled_cells, mut dropped_rows, mut longest) = (0, 0, 0);
    for (name, range) in groups.names.iter().zip(&groups.ranges) {
        let group = columns(&frame.group(name)?, spec)?;
        let rows = group.frame_rows.len();
        longest = longest.max(rows);
        filled_cells += group.filled_cells;
        dropped_rows += group.dropped_rows;
        if rows < w + h + 1 {
            continue;
        }
        if names.is_empty() {
            names = group.names.clone();
            series = vec![vec![]; names.len()];
        } else if names != group.names {
            return Err(DataError::BadSetting {
                name: "input columns",
                expected: "the same in every group",
                found: format!(
                    "{} in group {name}, {} before it",
                    group.names.join(", "),
                    names.join(", ")
                ),
            });
        }
        let offset = target_observed.len();
        let starts: Vec<usize> = (offset..=offset + rows - w - h).collect();
        let n_validation = ((starts.len() as f64 * spec.validation_fraction).ceil() as usize)
            .min(starts.len() - 1);
        train.extend_from_slice(&starts[..starts.len() - n_validation]);
        validation.extend_from_slice(&starts[starts.len() - n_validation..]);
        for (all, column) in series.iter_mut().zip(group.series) {
            all.extend(column);
        }
        target_observed.extend(group.target_observed);
        frame_rows.extend(group.frame_rows.iter().map(|r| range.start + r));
    }
    if train.is_empty() || validation.is_empty() {
        return Err(DataError::GroupsTooShort {
            window: w,
            horizon: h,
            needed: w + h + 2,
            longest,
        });
    }
    let rows = target_observed.len();
    let Scaled {
        scalers,
        inputs,
        target,
    } = scale(&series, &names, spec, rows);
    let target_raw = series[0].clone();
    Ok(Prepared {
        feature_names: names,
        inputs,
        target,
        target_raw,
        target_observed,
        target_scaler: scalers[0],
        scalers,
        frame_rows,
        train,
        validation,
        test: vec![],
        test_start: rows,
        filled_cells,
        dropped_rows,
        window: w,
        horizon: h,
    })
}

/// The last `spec.window` rows of `frame` as one input window `[1, window, features]`,
/// scaled with `scalers` fitted before (a trained model's): how a model forecasts from an
/// origin later than the end of its training data without seeing the new points' scale.
///
/// # Errors
/// The column errors of [`prepare`]; [`DataError::TooShort`] for fewer rows than the
/// window; [`DataError::BadSetting`] when the frame gives other input columns than the
/// scalers were fitted for.
pub fn last_window_scaled(
    frame: &Frame,
    spec: &WindowSpec,
    scalers: &[Scaler],
) -> Result<Vec<f32>, DataError> {
    let series = series_of(frame, spec)?;
    let columns = columns(&series, spec)?;
    let rows = columns.frame_rows.len();
    if rows < spec.window {
        return Err(DataError::BeforeFirstWindow {
            window: spec.window,
            rows,
        });
    }
    if columns.series.len() != scalers.len() {
        return Err(DataError::BadSetting {
            name: "input columns",
            expected: "the columns the model was trained on",
            found: format!(
                "{} columns here ({}) for a model trained on {}",
                columns.names.len(),
                columns.names.join(", "),
                scalers.len()
            ),
        });
    }
    let mut window = Vec::with_capacity(spec.window * scalers.len());
    for r in rows - spec.window..rows {
        for (column, scaler) in columns.series.iter().zip(scalers) {
            window.push(scaler.transform(column[r]) as f32);
        }
    }
    Ok(window)
}

/// Day numbers of the user's holidays (ISO dates).
///
/// # Errors
/// [`DataError::BadSetting`] for an entry that is not an ISO date.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::ingest::read_csv;

    fn frame(rows: usize) -> Frame {
        let mut csv = String::from("t,y,x\n");
        for i in 0..rows {
            csv.push_str(&format!("2020-01-01T{:02}:00,{},{}\n", i % 24, i, 2 * i));
        }
        // hours wrap within one day: make the time stamps unique by day too
        let csv = csv
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    l.to_string()
                } else {
                    l.replacen("2020-01-01", &format!("2020-01-{:02}", 1 + (i - 1) / 24), 1)
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        read_csv("f.csv", csv.as_bytes()).unwrap().0
    }

    fn spec(window: usize, horizon: usize) -> WindowSpec {
        WindowSpec {
            target: "y".into(),
            features: vec!["x".into()],
            calendar: false,
            window,
            horizon,
            test_fraction: 0.2,
            validation_fraction: 0.1,
            group: None,
            across_groups: false,
            fill: FillStrategy::default(),
            scaler: ScalerKind::default(),
            column_scalers: BTreeMap::new(),
            holidays: HolidayCalendar::None,
            user_holidays: Vec::new(),
        }
    }

    #[test]
    fn windows_split_chronologically_without_overlapping_targets() {
        let p = prepare(&frame(100), &spec(10, 3)).unwrap();
        assert_eq!(p.test_start, 80);
        // train + validation targets end before the test part; test targets start in it
        let last_val = *p.validation.last().unwrap();
        assert_eq!(last_val + 10 + 3, 80);
        assert!(p.train.last().unwrap() < p.validation.first().unwrap());
        assert_eq!(p.test.first().copied(), Some(70));
        assert_eq!(p.test.last().copied(), Some(100 - 13));
        assert_eq!(p.validation.len(), ((68.0f64) * 0.1).ceil() as usize);
    }

    #[test]
    fn a_global_model_gets_every_groups_windows_and_none_across_groups() {
        let mut panel = frame(100);
        panel.groups = Some(Groups {
            column: "g".into(),
            names: vec!["a".into(), "b".into(), "short".into()],
            ranges: vec![0..40, 40..95, 95..100],
        });
        let mut spec = spec(10, 3);
        spec.across_groups = true;
        assert!(matches!(
            prepare(&panel, &spec),
            Err(DataError::BadSetting {
                name: "test fraction",
                ..
            })
        ));
        spec.test_fraction = 0.0;
        let p = prepare(&panel, &spec).unwrap();
        // The short group (5 rows) holds no window and is left out.
        assert_eq!(p.rows(), 95);
        assert_eq!(p.frame_rows[40], 40);
        let group_of = |row: usize| usize::from(row >= 40);
        for &start in p.train.iter().chain(&p.validation) {
            assert_eq!(group_of(start), group_of(start + 12), "window at {start}");
        }
        // 28 windows in a (3 validate), 43 in b (5 validate); scaled over both groups.
        assert_eq!((p.train.len(), p.validation.len()), (63, 8));
        assert_eq!(p.validation[..3], [25, 26, 27]);
        assert_eq!(p.target_scaler.scale, 94.0);
        assert!(p.test.is_empty());
    }

    #[test]
    fn scaler_sees_training_rows_only() {
        let p = prepare(&frame(100), &spec(10, 3)).unwrap();
        assert_eq!(p.target_scaler.offset, 0.0);
        assert_eq!(p.target_scaler.scale, 79.0);
        assert!(p.target[99] > 1.0);
        assert!((p.target_scaler.inverse(p.target[99] as f64) - 99.0).abs() < 1e-4);
    }

    #[test]
    fn batches_have_the_right_values() {
        let p = prepare(&frame(100), &spec(4, 2)).unwrap();
        let (x, y) = p.batch(&[5]);
        assert_eq!(x.len(), 4 * 2);
        let inv = |v: f32| p.target_scaler.inverse(v as f64).round();
        assert_eq!(inv(x[0]), 5.0); // first row of the window, target feature
        assert_eq!(inv(x[6]), 8.0); // last row of the window
        assert_eq!(
            y.iter().map(|v| inv(*v)).collect::<Vec<_>>(),
            vec![9.0, 10.0]
        );
    }

    #[test]
    fn calendar_features_for_hourly_data() {
        let mut s = spec(4, 2);
        s.calendar = true;
        let p = prepare(&frame(100), &s).unwrap();
        assert_eq!(
            p.feature_names,
            vec![
                "y",
                "x",
                "hour_sin",
                "hour_cos",
                "weekday_sin",
                "weekday_cos",
                "month_sin",
                "month_cos",
                "day_of_year_sin",
                "day_of_year_cos",
                "business_day"
            ]
        );
    }

    #[test]
    fn too_short_and_bad_columns_are_errors() {
        assert!(matches!(
            prepare(&frame(30), &spec(20, 10)),
            Err(DataError::TooShort { .. })
        ));
        let mut s = spec(4, 2);
        s.target = "nope".into();
        assert!(matches!(
            prepare(&frame(50), &s),
            Err(DataError::UnknownColumn { .. })
        ));
    }

    #[test]
    fn all_missing_target_or_feature_is_named() {
        let mut csv = String::from("t,y,x\n");
        for i in 0..60 {
            csv.push_str(
                &format!("2020-03-{:02},{i},\n", 1 + i % 30)
                    .replace("2020-03-", if i < 30 { "2020-03-" } else { "2020-04-" }),
            );
        }
        let (frame, _) = read_csv("m.csv", csv.as_bytes()).unwrap();
        let err = prepare(&frame, &spec(4, 2)).unwrap_err();
        assert_eq!(
            err,
            DataError::AllMissing {
                column: "x".into(),
                rows: 60
            }
        );
        assert!(err.to_string().contains("column 'x' has no values"));
    }

    #[test]
    fn a_column_can_have_its_own_scaler() {
        let mut s = spec(4, 2);
        s.column_scalers.insert(
            "x".into(),
            ScalerKind::ExtendedMinMax {
                widen: 0.5,
                floor_at_zero: true,
            },
        );
        let p = prepare(&frame(100), &s).unwrap();
        // y keeps min-max over training rows 0..80 (0..79); x = 2·row is widened by half its
        // range (158) on each side, floored at 0: [0, 237].
        assert_eq!((p.target_scaler.offset, p.target_scaler.scale), (0.0, 79.0));
        let x_at_row_10 = p.inputs[10 * p.n_features() + 1] as f64;
        assert!((x_at_row_10 - 20.0 / 237.0).abs() < 1e-6, "{x_at_row_10}");
    }

    #[test]
    fn dropped_rows_keep_their_frame_rows_and_filled_targets_are_not_observed() {
        let mut csv = String::from("t,y,x\n");
        for r in 0..60 {
            let y = if r % 10 == 3 {
                String::new()
            } else {
                r.to_string()
            };
            csv += &format!("2024-01-01T{:02}:{:02},{y},{}\n", r / 60, r % 60, r * 2);
        }
        let (frame, _) = read_csv("d.csv", csv.as_bytes()).unwrap();
        let drop = prepare(
            &frame,
            &WindowSpec {
                fill: FillStrategy::Drop,
                ..spec(4, 2)
            },
        )
        .unwrap();
        assert_eq!(
            (drop.rows(), drop.dropped_rows, drop.filled_cells),
            (54, 6, 0)
        );
        assert_eq!(&drop.frame_rows[2..5], &[2, 4, 5]);
        let linear = prepare(
            &frame,
            &WindowSpec {
                fill: FillStrategy::Linear,
                ..spec(4, 2)
            },
        )
        .unwrap();
        assert_eq!((linear.rows(), linear.filled_cells), (60, 6));
        assert_eq!(linear.target_raw[3], 3.0);
        assert!(linear.target_observed[3].is_nan());
    }
}

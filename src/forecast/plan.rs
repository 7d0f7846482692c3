//! Where and how a backtest scores its models: the horizon, the folds (rolling origins)
//! and the step between them, the training window, the hold-out, when models are fitted
//! again, and the origins between folds the conformal calibration also forecasts from.

use serde::{Deserialize, Serialize};

use super::backtest::{BacktestError, Compute};
use super::conformal::local_scale;
use super::fitted::FitContext;
use super::limits::MoveLimits;
use crate::data::holidays::Holidays;
use crate::train::Host;

/// Fewest rolling origins when none are chosen (more where a season needs them).
pub const DEFAULT_FOLDS: usize = 5;
/// Interval levels (percent) when none are chosen.
pub const DEFAULT_LEVELS: [f64; 2] = [80.0, 95.0];

/// How the training window moves between origins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrainingWindow {
    /// Train on everything before the origin.
    Expanding,
    /// Train on the last `n` points before the origin.
    Sliding(usize),
}

/// When a backtest fits its models again. Between fits, the last fitted model is
/// conditioned on the points up to the next origin with nothing estimated again
/// (statsmodels' `append(refit=False)`, darts' `retrain=False`): far cheaper, and what a
/// model deployed without retraining would have forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Refit {
    /// Fit afresh at every origin while the training range is short; past
    /// [`LONG_TRAINING`] points, at the first origin and for the hold-out, the first fit
    /// brought up to the origins between (parameters estimated on thousands of points
    /// barely move a horizon later, and refits there cost most of a run).
    #[default]
    Auto,
    /// Fit afresh at every origin and for the hold-out.
    Always,
    /// Fit at every n-th origin (the first, the (n+1)-th, …; the hold-out counts as the
    /// last origin).
    Every(usize),
    /// Fit at the first origin only.
    Once,
}

/// Training points past which [`Refit::Auto`] fits only at the first origin and for the
/// hold-out: the models' own threshold for a long series.
pub const LONG_TRAINING: usize = crate::models::stats::LONG_SERIES;

/// Windows the conformal intervals aim to be calibrated on (folds and the origins between
/// them): enough for a 95% bound that is not simply the largest error seen.
pub const CALIBRATION_WINDOWS: usize = 20;

impl Refit {
    /// Whether the fit for origin number `i` (0 = the first; the hold-out, if any, last) is
    /// a fresh one, given whether it is the hold-out's and the points it trains on.
    pub fn fits_at(&self, i: usize, holdout: bool, trained_on: usize) -> bool {
        match *self {
            Refit::Auto => i == 0 || holdout || trained_on <= LONG_TRAINING,
            Refit::Always => true,
            Refit::Every(n) => i.is_multiple_of(n.max(1)),
            Refit::Once => i == 0,
        }
    }

    /// Parses `auto`, `always`, `once` or a count n (every n-th origin).
    pub fn parse(text: &str) -> Option<Refit> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(Refit::Auto),
            "always" | "1" => Some(Refit::Always),
            "once" | "never" | "0" => Some(Refit::Once),
            n => n.parse::<usize>().ok().map(Refit::Every),
        }
    }
}

/// Where and how the models are scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestPlan {
    /// Steps forecast from each origin.
    pub horizon: usize,
    /// Number of rolling origins (folds).
    pub folds: usize,
    /// Steps between consecutive origins.
    pub step: usize,
    /// Training window.
    pub window: TrainingWindow,
    /// Points at the end kept for the final hold-out (0: none).
    pub holdout: usize,
    /// Season length m (1 for none), for seasonal models and MASE.
    pub season: usize,
    /// Interval levels in percent.
    pub levels: Vec<f64>,
    /// When the models are fitted again.
    #[serde(default)]
    pub refit: Refit,
    /// Further seasonal periods besides `season` for the multi-seasonal models (the week
    /// of sub-daily data): MSTL's.
    #[serde(default)]
    pub periods: Vec<usize>,
    /// Also score ensembles of the models (rows `ens-mean`, `ens-median`, `ens-inverse`,
    /// `ens-stack`), built from their fold forecasts.
    #[serde(default)]
    pub ensembles: bool,
    /// Limits every forecast (folds, calibration windows, hold-out) is held to before it
    /// is scored, as it would be published.
    #[serde(default)]
    pub limits: MoveLimits,
    /// Holidays the calendar models (Prophet-style) give an effect.
    #[serde(default)]
    pub holidays: Holidays,
    /// The capacity the Prophet-style model's logistic trend saturates at; linear growth
    /// when `None`.
    #[serde(default)]
    pub cap: Option<f64>,
}

impl BacktestPlan {
    /// A plan with three origins one horizon apart and a hold-out of one horizon.
    pub fn new(horizon: usize, season: usize) -> Self {
        BacktestPlan {
            horizon,
            folds: DEFAULT_FOLDS,
            step: horizon,
            window: TrainingWindow::Expanding,
            holdout: horizon,
            season: season.max(1),
            levels: DEFAULT_LEVELS.to_vec(),
            refit: Refit::Auto,
            periods: vec![],
            ensembles: false,
            limits: MoveLimits::default(),
            holidays: Holidays::default(),
            cap: None,
        }
    }

    /// The fold origins (index of the first forecast point), oldest first: the last one
    /// ends where the hold-out starts. Origins leaving fewer than `min_train` points to
    /// train on are dropped.
    pub fn origins(&self, n: usize, min_train: usize) -> Vec<usize> {
        let Some(last) = self
            .holdout
            .checked_add(self.horizon)
            .and_then(|end| n.checked_sub(end))
        else {
            return vec![];
        };
        // Stops at the first origin before the data (a huge fold count costs nothing).
        let mut out: Vec<usize> = (0..self.folds)
            .map_while(|i| {
                i.checked_mul(self.step.max(1))
                    .and_then(|back| last.checked_sub(back))
            })
            .take_while(|o| *o >= min_train)
            .collect();
        out.reverse();
        out
    }

    /// The training range `[start, origin)` for an origin (the window slides or expands).
    pub fn training_range(&self, origin: usize) -> (usize, usize) {
        let start = match self.window {
            TrainingWindow::Expanding => 0,
            TrainingWindow::Sliding(len) => origin.saturating_sub(len),
        };
        (start, origin)
    }

    /// The origins the conformal calibration forecasts from besides the folds, each with
    /// the fold whose fit serves it (its index in `layout.origins`): one horizon apart,
    /// back from the last fold, so that folds and these windows number about
    /// [`CALIBRATION_WINDOWS`] and none shares an actual with a fold. A window after a fold
    /// is served by the latest fold before it, brought up with nothing estimated again;
    /// one before the first fold by the first fold's fit, run over the points before it —
    /// unless the backtest fits afresh at the earliest such window and brings that fit up
    /// to each, which it does wherever the refit policy fits afresh at that size (so no
    /// window's actuals shaped the parameters that forecast it). Windows never reach into
    /// the hold-out and leave at least two of the longest season to run over.
    ///
    /// Five folds alone give five scores per step, whose largest is then the 95% bound,
    /// and windows packed between the folds share most of their actuals: either way such
    /// intervals cover about 5/6 of what follows. Windows spread over a longer span also
    /// see more of the series' moods. None where nothing would use them (no hold-out, or
    /// no interval levels).
    pub fn calibration_windows(&self, layout: &Layout) -> Vec<(usize, usize)> {
        let (Some(&first), Some(&last)) = (layout.origins.first(), layout.origins.last()) else {
            return vec![];
        };
        if self.holdout == 0 || self.levels.is_empty() {
            return vec![];
        }
        let longest = self.periods.iter().copied().fold(self.season, usize::max);
        let floor = longest.saturating_mul(2).max(8);
        let step = self.horizon.max(1);
        let wanted = CALIBRATION_WINDOWS.saturating_sub(layout.origins.len());
        let mut windows: Vec<(usize, usize)> = (0..)
            .map_while(|k: usize| k.checked_mul(step).and_then(|back| last.checked_sub(back)))
            .take_while(|&origin| origin >= floor)
            .filter(|&origin| {
                layout
                    .origins
                    .iter()
                    .all(|&o| o.abs_diff(origin) >= self.horizon)
            })
            .filter(|&origin| origin + self.horizon <= layout.holdout_start)
            .take(wanted)
            .map(|origin| {
                let fold = if origin < first {
                    0
                } else {
                    layout
                        .origins
                        .iter()
                        .rposition(|&o| o <= origin)
                        .unwrap_or(0)
                };
                (fold, origin)
            })
            .collect();
        windows.reverse();
        windows
    }

    /// The series' local scale at `origin` that conformal scores are divided by (and
    /// bounds multiplied by): [`local_scale`] with this plan's season and horizon.
    pub fn conformal_scale(&self, y: &[f64], origin: usize) -> f64 {
        local_scale(y, origin, self.season, self.horizon)
    }

    /// Whether fit number `i` (the folds' oldest first, then the hold-out's when
    /// `holdout`), trained on `start..end`, is a fresh one under the refit policy.
    pub fn fits_afresh(&self, i: usize, holdout: bool, (start, end): (usize, usize)) -> bool {
        self.refit.fits_at(i, holdout, end - start)
    }

    /// Whether any of the fold `origins` reuses an earlier fit brought up to date.
    pub fn reuses_fits(&self, origins: &[usize]) -> bool {
        origins
            .iter()
            .enumerate()
            .any(|(i, &origin)| !self.fits_afresh(i, false, self.training_range(origin)))
    }

    /// What a fit under this plan runs with: the device, the host, the horizon, levels
    /// and season.
    pub fn fit_context<'a, H: Host>(
        &'a self,
        compute: Compute<'a>,
        host: &'a mut H,
    ) -> FitContext<'a, H> {
        FitContext {
            device: compute.device,
            backend: compute.backend,
            host,
            horizon: self.horizon,
            levels: &self.levels,
            season: self.season,
            periods: &self.periods,
            holidays: &self.holidays,
            cap: self.cap,
        }
    }

    /// The fold origins and the hold-out start for a series of `n` points.
    ///
    /// # Errors
    /// [`BacktestError::InvalidPlan`] for a zero horizon or fold count or a hold-out
    /// longer than the horizon,
    /// [`BacktestError::TooShort`] when not one fold fits.
    pub fn layout(&self, n: usize) -> Result<Layout, BacktestError> {
        if self.horizon == 0 || self.folds == 0 {
            return Err(BacktestError::InvalidPlan(format!(
                "horizon and folds must be at least 1; got horizon {} and {} folds",
                self.horizon, self.folds
            )));
        }
        if self.holdout > self.horizon {
            return Err(BacktestError::InvalidPlan(format!(
                "the hold-out ({}) is forecast from one origin, so it can be at most the horizon ({}); lengthen the horizon or shorten the hold-out",
                self.holdout, self.horizon
            )));
        }
        let min_train = self.season.saturating_mul(2).max(8);
        let origins = self.origins(n, min_train);
        if origins.is_empty() {
            return Err(BacktestError::TooShort {
                n,
                holdout: self.holdout,
                horizon: self.horizon,
                min_train,
            });
        }
        Ok(Layout {
            origins,
            holdout_start: n - self.holdout,
        })
    }
}

/// Where the folds fall on one series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Fold origins (index of the first forecast point), oldest first.
    pub origins: Vec<usize>,
    /// Index where the hold-out starts (the series length when there is none).
    pub holdout_start: usize,
}

impl Layout {
    /// Fits per model: one per origin plus the hold-out.
    pub fn fits_per_model(&self, plan: &BacktestPlan) -> usize {
        self.origins.len() + usize::from(plan.holdout > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_windows_step_back_a_horizon_at_a_time_from_the_last_fold() {
        let mut plan = BacktestPlan::new(8, 4);
        plan.folds = 5;
        let layout = plan.layout(200).unwrap();
        assert_eq!(layout.origins, vec![152, 160, 168, 176, 184]);
        let windows = plan.calibration_windows(&layout);
        // Folds one horizon apart: the other 15 windows all lie before the first fold,
        // served by its fit, the oldest leaving two seasons (8 points) to run over.
        assert_eq!(windows.len(), 15);
        assert_eq!(windows.first(), Some(&(0, 32)));
        assert_eq!(windows.last(), Some(&(0, 144)));
        assert!(windows.windows(2).all(|w| w[1].1 - w[0].1 == 8));
        // A short series has fewer; the floor keeps two of the longest season.
        let short = plan.layout(80).unwrap();
        let origins: Vec<usize> = plan
            .calibration_windows(&short)
            .iter()
            .map(|w| w.1)
            .collect();
        assert_eq!(origins, vec![8, 16, 24]);
        plan.periods = vec![20];
        let origins: Vec<usize> = plan
            .calibration_windows(&short)
            .iter()
            .map(|w| w.1)
            .collect();
        assert!(origins.is_empty());
        plan.periods.clear();
        // Folds two horizons apart: the windows between them are served by the fold before.
        plan.step = 16;
        let layout = plan.layout(200).unwrap();
        assert_eq!(layout.origins, vec![120, 136, 152, 168, 184]);
        let windows = plan.calibration_windows(&layout);
        assert_eq!(
            &windows[windows.len() - 4..],
            &[(0, 128), (1, 144), (2, 160), (3, 176)]
        );
        assert!(windows.iter().all(|&(_, o)| o + 8 <= layout.holdout_start));
        // Without a hold-out or levels nothing would use them.
        let mut no_holdout = plan.clone();
        no_holdout.holdout = 0;
        assert!(
            no_holdout
                .calibration_windows(&no_holdout.layout(200).unwrap())
                .is_empty()
        );
        plan.levels.clear();
        assert!(plan.calibration_windows(&layout).is_empty());
        // As many folds as windows wanted: none more.
        let mut many = BacktestPlan::new(8, 4);
        many.folds = CALIBRATION_WINDOWS;
        assert!(
            many.calibration_windows(&many.layout(400).unwrap())
                .is_empty()
        );
    }

    #[test]
    fn origins_end_at_the_holdout_and_step_back() {
        let mut plan = BacktestPlan::new(4, 1);
        plan.folds = 3;
        plan.step = 2;
        // n = 30, hold-out 4 → last origin 22; then 20, 18.
        assert_eq!(plan.origins(30, 8), vec![18, 20, 22]);
        assert!(plan.origins(14, 8).is_empty());
        assert_eq!(plan.origins(18, 8), vec![8, 10]);
        plan.window = TrainingWindow::Sliding(10);
        assert_eq!(plan.training_range(18), (8, 18));
        assert_eq!(plan.training_range(6), (0, 6));
    }

    #[test]
    fn plans_that_cannot_hold_are_refused_without_overflow() {
        let mut plan = BacktestPlan::new(4, 1);
        plan.folds = usize::MAX;
        // A huge fold count stops at the first origin before the data.
        assert_eq!(plan.origins(30, 8), vec![10, 14, 18, 22]);
        plan.holdout = usize::MAX;
        assert!(plan.origins(30, 8).is_empty());
        plan.horizon = usize::MAX;
        assert!(matches!(
            plan.layout(30),
            Err(BacktestError::TooShort { .. })
        ));
        let mut plan = BacktestPlan::new(4, 1);
        plan.holdout = 8;
        let Err(BacktestError::InvalidPlan(message)) = plan.layout(60) else {
            panic!("a hold-out longer than the horizon was accepted");
        };
        assert!(
            message.contains("hold-out (8)") && message.contains("horizon (4)"),
            "{message}"
        );
        plan.holdout = 4;
        plan.season = usize::MAX;
        assert!(matches!(
            plan.layout(60),
            Err(BacktestError::TooShort { .. })
        ));
    }
}

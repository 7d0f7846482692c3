//! Ensembles as leaderboard candidates: combinations of the other rows' forecasts from the
//! same origins — the mean or median of the best k, inverse-error weights, and stacking
//! (non-negative least squares on the fold forecasts). Members and weights are chosen on
//! the folds only; an ensemble's score on a fold uses members and weights chosen on the
//! folds whose forecast windows do not overlap it (so none of its actuals were seen), which
//! ranks it against single models without peeking; it needs two folds at least. Its
//! hold-out uses weights from every fold. The dynamic ensemble instead looks only back:
//! at each origin its weights come from the folds before it, the latest counting most, so
//! its weights move over time as the members' recent errors do (its path is kept). On a panel each group chooses its own members;
//! the row shows the charted group's.

use super::backtest::{BacktestPlan, FoldPath, SeriesPaths, last_before};
use super::conformal::Calibration;
use super::series::SeriesData;
use crate::eval::score::{Member, ModelScore, RowScorer, Scored, WeightsAt};
use crate::models::stats::Forecast;

/// Members the mean, median and inverse-error ensembles take (the best on the folds).
pub const TOP_K: usize = 3;
/// Most members stacking weighs.
pub const STACK_POOL: usize = 6;
/// The name `--models` and the request use for every ensemble.
pub const ENSEMBLE: &str = "ensemble";

/// How members are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combiner {
    /// Equal weights over the best [`TOP_K`].
    Mean,
    /// Step-by-step median of the best [`TOP_K`].
    Median,
    /// Weights proportional to 1 / fold MASE over the best [`TOP_K`].
    InverseError,
    /// Non-negative least squares of the actuals on the members' fold forecasts (the best
    /// [`STACK_POOL`]), weights scaled to sum to 1.
    Stacking,
    /// S1's dynamic weights over the best [`TOP_K`] by recent error (the fold errors
    /// before the origin, each fold half the weight of the one after it): wᵢ ∝ 1 / (1 +
    /// MAPEᵢ over the last [`RECENT_POINTS`] points forecast before the origin, in percent),
    /// blended with the static inverse-error weights by a momentum of [`MOMENTUM`].
    Dynamic,
}

/// Points (the latest forecast before an origin) whose MAPE sets the dynamic weights: S1's
/// "last 30 days".
pub const RECENT_POINTS: usize = 30;
/// The static weights' share in the dynamic ensemble's blend (S1's momentum).
pub const MOMENTUM: f64 = 0.7;

impl Combiner {
    /// Every combiner, in leaderboard order.
    pub const ALL: [Combiner; 5] = [
        Combiner::Mean,
        Combiner::Median,
        Combiner::InverseError,
        Combiner::Stacking,
        Combiner::Dynamic,
    ];

    /// The row's name.
    pub fn name(&self) -> &'static str {
        match self {
            Combiner::Mean => "ens-mean",
            Combiner::Median => "ens-median",
            Combiner::InverseError => "ens-inverse",
            Combiner::Stacking => "ens-stack",
            Combiner::Dynamic => "ens-dynamic",
        }
    }

    fn verb(&self) -> &'static str {
        match self {
            Combiner::Mean => "mean",
            Combiner::Median => "median",
            Combiner::InverseError => "inverse-error weights",
            Combiner::Stacking => "stacking",
            Combiner::Dynamic => "dynamic weights (recent MAPE, momentum 0.7)",
        }
    }
}

/// A model whose forecasts may enter an ensemble: its name and, per series, its paths.
pub struct Candidate<'a> {
    /// Model name.
    pub name: &'a str,
    /// Its folds and hold-out, one entry per series (same order as the series).
    pub paths: &'a [SeriesPaths],
}

/// One ensemble row per combiner, scored on every series (the `shown` one's hold-out kept
/// for the chart).
pub fn ensemble_rows(
    candidates: &[Candidate<'_>],
    series: &[&SeriesData],
    shown: usize,
    plan: &BacktestPlan,
) -> Vec<ModelScore> {
    Combiner::ALL
        .iter()
        .map(|&combiner| {
            let mut row =
                RowScorer::new(combiner.name(), plan.season, &plan.levels, plan.holdout > 0);
            let mut members = vec![];
            let mut path = vec![];
            for (s, data) in series.iter().enumerate() {
                let shows = s == shown;
                match score_one(combiner, candidates, s, data, plan, &mut row, shows) {
                    Ok((weights, over_time)) if shows || members.is_empty() => {
                        members = weights;
                        path = over_time;
                    }
                    Ok(_) => {}
                    Err(message) => row.record_error(message, None),
                }
            }
            let mut score = row.finish();
            score.members = members;
            score.weight_path = path;
            score
        })
        .collect()
}

/// One candidate on one series: its forecasts at the common origins (in order) and the
/// error of each.
struct Pooled<'a> {
    name: &'a str,
    folds: Vec<&'a FoldPath>,
    holdout: Option<&'a Scored>,
    errors: Vec<f64>,
    /// Forecasts from the calibration's other origins ([`SeriesPaths::calibration`]).
    calibration: &'a [(usize, Vec<f64>)],
}

fn score_one(
    combiner: Combiner,
    candidates: &[Candidate<'_>],
    s: usize,
    data: &SeriesData,
    plan: &BacktestPlan,
    row: &mut RowScorer<'_>,
    shows: bool,
) -> Result<(Vec<Member>, Vec<WeightsAt>), String> {
    let y = &data.values;
    // The origins any model scored; the pool: the models that scored every one of them
    // (and the hold-out), their folds matched by origin.
    let mut origins: Vec<usize> = candidates
        .iter()
        .filter_map(|c| c.paths.get(s))
        .flat_map(|p| p.folds.iter().map(|f| f.origin))
        .collect();
    origins.sort_unstable();
    origins.dedup();
    if origins.len() < 2 {
        return Err(format!(
            "an ensemble needs at least 2 folds to choose its members on folds it is not scored on; {} scored",
            origins.len()
        ));
    }
    let pool: Vec<Pooled> = candidates
        .iter()
        .filter_map(|c| {
            let paths = c.paths.get(s)?;
            let folds: Vec<&FoldPath> = origins
                .iter()
                .map(|&o| paths.folds.iter().find(|f| f.origin == o))
                .collect::<Option<_>>()?;
            (plan.holdout == 0 || paths.holdout.is_some()).then(|| Pooled {
                name: c.name,
                errors: folds.iter().map(|f| f.error).collect(),
                folds,
                holdout: paths.holdout.as_ref(),
                calibration: &paths.calibration,
            })
        })
        .collect();
    if pool.len() < 2 {
        return Err(format!(
            "an ensemble needs two models that scored every fold; {} did",
            pool.len()
        ));
    }
    let mut calibration = Calibration::default();
    let mut path = vec![];
    let named = |weights: &[(usize, f64)]| -> Vec<Member> {
        weights
            .iter()
            .map(|&(i, weight)| Member {
                model: pool[i].name.to_string(),
                weight,
            })
            .collect()
    };
    for (target, &origin) in origins.iter().enumerate() {
        // Members and weights from the folds whose forecast windows do not overlap this
        // one's (none of its actuals seen) — for the dynamic ensemble, only those before
        // it; a fold with no such neighbour is not scored.
        let training: Vec<usize> = origins
            .iter()
            .enumerate()
            .filter(|&(_, &o)| match combiner {
                Combiner::Dynamic => o + plan.horizon <= origin,
                _ => o.abs_diff(origin) >= plan.horizon,
            })
            .map(|(f, _)| f)
            .collect();
        if training.is_empty() {
            continue;
        }
        let weights = choose(combiner, &pool, &training, y);
        if combiner == Combiner::Dynamic {
            path.push(WeightsAt {
                origin,
                members: named(&weights),
            });
        }
        let point = combine(combiner, &weights, |i| &pool[i].folds[target].point);
        if point.is_empty() {
            return Err("no member has finite fold errors to weigh".into());
        }
        let fold = pool[0].folds[target];
        row.record_fold(y, fold.history_start, origin, &plain(point.clone()));
        calibration.add_scaled(&y[origin..], &point, plan.conformal_scale(y, origin));
    }
    let all: Vec<usize> = (0..origins.len()).collect();
    let weights = choose(combiner, &pool, &all, y);
    if weights.is_empty() {
        return Err("no member has finite fold errors to weigh".into());
    }
    // The calibration's other windows, combined with the final weights where every member
    // forecast from them (the weights come from the folds, which share no actual with
    // these windows when the folds are a horizon apart, as by default).
    let extra: Vec<usize> = pool[weights[0].0]
        .calibration
        .iter()
        .map(|(o, _)| *o)
        .collect();
    for origin in extra {
        let paths: Option<Vec<&[f64]>> = (0..pool.len())
            .map(|i| {
                if weights.iter().any(|&(w, _)| w == i) {
                    pool[i]
                        .calibration
                        .iter()
                        .find(|(o, _)| *o == origin)
                        .map(|(_, p)| &p[..])
                } else {
                    Some(&[][..])
                }
            })
            .collect();
        if let Some(paths) = paths {
            let point = combine(combiner, &weights, |i| paths[i]);
            calibration.add_scaled(&y[origin..], &point, plan.conformal_scale(y, origin));
        }
    }
    let members = named(&weights);
    if plan.holdout > 0 {
        if combiner == Combiner::Dynamic {
            path.push(WeightsAt {
                origin: y.len() - plan.holdout,
                members: members.clone(),
            });
        }
        let runs: Vec<&Scored> = weights
            .iter()
            .filter_map(|&(i, _)| pool[i].holdout)
            .collect();
        let point = combine(combiner, &weights, |i| {
            pool[i].holdout.map_or(&[][..], |r| &r.forecast.point[..])
        });
        let names: Vec<&str> = weights.iter().map(|&(i, _)| pool[i].name).collect();
        let origin = y.len() - plan.holdout;
        let last = last_before(data, origin);
        let mut forecast = plain(point);
        // The members were held to the limits; so is their combination. A step counts as
        // bounded where any member's was.
        let mut limited = plan.limits.apply(last, &mut forecast);
        limited.extend(runs.iter().flat_map(|r| r.limited.iter().copied()));
        limited.sort_unstable();
        limited.dedup();
        let mut conformal = calibration.intervals_scaled(
            &forecast.point,
            &plan.levels,
            plan.conformal_scale(y, origin),
        );
        plan.limits
            .apply_to_intervals(last, &forecast.point, &mut conformal);
        let run = Scored {
            conformal,
            forecast,
            label: format!("{} of {}", combiner.verb(), names.join(", ")),
            fit_ms: runs.iter().map(|r| r.fit_ms).sum(),
            forecast_ms: runs.iter().map(|r| r.forecast_ms).sum(),
            parameters: runs.iter().map(|r| r.parameters).sum::<usize>() + weights.len(),
            limited,
            importance: vec![],
            responses: vec![],
            parts: vec![],
        };
        row.record_holdout(y, origin, run, shows);
    }
    Ok((members, path))
}

/// Weights scaled to sum to 1 (equal where they sum to nothing finite).
fn normalised(weights: Vec<(usize, f64)>) -> Vec<(usize, f64)> {
    let total: f64 = weights.iter().map(|w| w.1).sum();
    let n = weights.len().max(1) as f64;
    weights
        .into_iter()
        .map(|(i, w)| {
            let share = if total.is_finite() && total > 0.0 {
                w / total
            } else {
                1.0 / n
            };
            (i, share)
        })
        .collect()
}

/// A member's MAPE (percent) over the last [`RECENT_POINTS`] actual points it forecast in
/// the `training` folds (the latest first); 0 where no point has a nonzero actual.
fn recent_mape(member: &Pooled<'_>, training: &[usize], y: &[f64]) -> f64 {
    let mut folds: Vec<usize> = training.to_vec();
    folds.sort_unstable_by(|a, b| b.cmp(a));
    let mut errors = vec![];
    'folds: for f in folds {
        let path = member.folds[f];
        for (h, p) in path.point.iter().enumerate().rev() {
            if errors.len() == RECENT_POINTS {
                break 'folds;
            }
            if let Some(&a) = y
                .get(path.origin + h)
                .filter(|a| a.is_finite() && **a != 0.0)
            {
                errors.push(100.0 * ((a - p) / a).abs());
            }
        }
    }
    if errors.is_empty() {
        0.0
    } else {
        errors.iter().sum::<f64>() / errors.len() as f64
    }
}

fn plain(point: Vec<f64>) -> Forecast {
    Forecast {
        point,
        intervals: vec![],
    }
}

/// Members (indices into the pool) and weights, chosen on the `training` folds.
fn choose(
    combiner: Combiner,
    pool: &[Pooled<'_>],
    training: &[usize],
    y: &[f64],
) -> Vec<(usize, f64)> {
    // The dynamic ensemble weighs each fold half as much as the one after it.
    let latest = training.iter().copied().max().unwrap_or(0);
    let fold_weight = |f: usize| match combiner {
        Combiner::Dynamic => 0.5f64.powi((latest - f) as i32),
        _ => 1.0,
    };
    let total_weight: f64 = training.iter().map(|&f| fold_weight(f)).sum();
    let mean_error = |i: usize| {
        training
            .iter()
            .map(|&f| fold_weight(f) * pool[i].errors[f])
            .sum::<f64>()
            / total_weight
    };
    let mut ranked: Vec<(usize, f64)> = (0..pool.len())
        .map(|i| (i, mean_error(i)))
        .filter(|(_, e)| e.is_finite())
        .collect();
    // Stable: ties keep the leaderboard's order.
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1));
    if ranked.is_empty() {
        return vec![];
    }
    match combiner {
        Combiner::Mean | Combiner::Median => {
            let top: Vec<usize> = ranked.iter().take(TOP_K).map(|r| r.0).collect();
            let w = 1.0 / top.len().max(1) as f64;
            top.into_iter().map(|i| (i, w)).collect()
        }
        Combiner::InverseError => {
            let top = &ranked[..ranked.len().min(TOP_K)];
            let inverse: Vec<f64> = top.iter().map(|(_, e)| 1.0 / e.max(1e-12)).collect();
            normalised(top.iter().map(|t| t.0).zip(inverse).collect())
        }
        Combiner::Dynamic => {
            let top: Vec<usize> = ranked.iter().take(TOP_K).map(|r| r.0).collect();
            // Static: inverse of the members' plain mean fold error.
            let plain = |i: usize| {
                training.iter().map(|&f| pool[i].errors[f]).sum::<f64>() / training.len() as f64
            };
            let fixed = normalised(
                top.iter()
                    .map(|&i| (i, 1.0 / plain(i).max(1e-12)))
                    .collect(),
            );
            let recent = normalised(
                top.iter()
                    .map(|&i| (i, 1.0 / (1.0 + recent_mape(&pool[i], training, y))))
                    .collect(),
            );
            fixed
                .iter()
                .zip(&recent)
                .map(|(&(i, s), &(_, d))| (i, MOMENTUM * s + (1.0 - MOMENTUM) * d))
                .collect()
        }
        Combiner::Stacking => {
            let members: Vec<usize> = ranked.iter().take(STACK_POOL).map(|r| r.0).collect();
            let mut columns = vec![vec![]; members.len()];
            let mut target = vec![];
            for &f in training {
                let origin = pool[members[0]].folds[f].origin;
                for h in 0..pool[members[0]].folds[f].point.len() {
                    let Some(&actual) = y.get(origin + h).filter(|v| v.is_finite()) else {
                        continue;
                    };
                    let row: Vec<f64> = members
                        .iter()
                        .map(|&i| pool[i].folds[f].point.get(h).copied().unwrap_or(f64::NAN))
                        .collect();
                    if row.iter().all(|v| v.is_finite()) {
                        target.push(actual);
                        for (c, v) in columns.iter_mut().zip(row) {
                            c.push(v);
                        }
                    }
                }
            }
            let w = non_negative_least_squares(&columns, &target);
            let total: f64 = w.iter().sum();
            let w: Vec<f64> = if total > 0.0 {
                w.iter().map(|v| v / total).collect()
            } else {
                vec![1.0 / members.len() as f64; members.len()]
            };
            members
                .into_iter()
                .zip(w)
                .filter(|(_, w)| *w > 0.0)
                .collect()
        }
    }
}

/// The combined path: weighted sum, or the step-by-step median of the members.
fn combine<'p>(
    combiner: Combiner,
    weights: &[(usize, f64)],
    path: impl Fn(usize) -> &'p [f64],
) -> Vec<f64> {
    let steps = weights
        .iter()
        .map(|&(i, _)| path(i).len())
        .min()
        .unwrap_or(0);
    (0..steps)
        .map(|h| match combiner {
            Combiner::Median => {
                let mut v: Vec<f64> = weights.iter().map(|&(i, _)| path(i)[h]).collect();
                v.sort_by(f64::total_cmp);
                let k = v.len();
                if k % 2 == 1 {
                    v[k / 2]
                } else {
                    0.5 * (v[k / 2 - 1] + v[k / 2])
                }
            }
            _ => weights.iter().map(|&(i, w)| w * path(i)[h]).sum(),
        })
        .collect()
}

/// min ‖Σ wⱼ·columnⱼ − target‖² over w ≥ 0, by cyclic coordinate descent on the normal
/// equations (a convex problem; a few members, a few hundred rows).
pub fn non_negative_least_squares(columns: &[Vec<f64>], target: &[f64]) -> Vec<f64> {
    let k = columns.len();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let gram: Vec<Vec<f64>> = columns
        .iter()
        .map(|a| columns.iter().map(|b| dot(a, b)).collect())
        .collect();
    let rhs: Vec<f64> = columns.iter().map(|a| dot(a, target)).collect();
    let mut w = vec![0.0; k];
    for _ in 0..2_000 {
        let mut moved = 0.0f64;
        for j in 0..k {
            if gram[j][j] <= 0.0 {
                continue;
            }
            let gradient = (0..k).map(|l| gram[j][l] * w[l]).sum::<f64>() - rhs[j];
            let next = (w[j] - gradient / gram[j][j]).max(0.0);
            moved = moved.max((next - w[j]).abs());
            w[j] = next;
        }
        if moved < 1e-12 {
            break;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_negative_least_squares_recovers_weights_and_clips_negatives() {
        let a: Vec<f64> = (0..20).map(|t| (t as f64).sin() + 2.0).collect();
        let b: Vec<f64> = (0..20).map(|t| (t as f64 * 0.7).cos() + 3.0).collect();
        let target: Vec<f64> = a.iter().zip(&b).map(|(x, y)| 0.3 * x + 0.7 * y).collect();
        let w = non_negative_least_squares(&[a.clone(), b.clone()], &target);
        assert!(
            (w[0] - 0.3).abs() < 1e-6 && (w[1] - 0.7).abs() < 1e-6,
            "{w:?}"
        );
        // A target that wants a negative weight on `b` gets zero there.
        let target: Vec<f64> = a.iter().zip(&b).map(|(x, y)| 2.0 * x - 0.5 * y).collect();
        let w = non_negative_least_squares(&[a, b], &target);
        assert!(w[0] > 0.0 && w[1] == 0.0, "{w:?}");
    }

    #[test]
    fn ensembles_are_rows_scored_on_the_same_folds_with_weights_and_conformal_intervals() {
        use crate::forecast::backtest::{Compute, run};
        use crate::forecast::catalog::ModelSpec;
        use crate::forecast::series::{SeriesChoice, series_data};
        use crate::models::stats::kind::ModelKind;
        let csv: String = std::iter::once("t,v\n".to_string())
            .chain((0..80).map(|t| {
                let v = 20.0 + 0.3 * t as f64 + 4.0 * ((t % 4) as f64 - 1.5) + (t % 7) as f64;
                format!("{},{v}\n", t + 1)
            }))
            .collect();
        let frame = crate::data::read_csv("s.csv", csv.as_bytes()).unwrap().0;
        let choice = SeriesChoice {
            target: "v",
            season: Some(4),
            ..SeriesChoice::default()
        };
        let data = series_data(&frame, &choice).unwrap();
        let mut plan = BacktestPlan::new(4, 4);
        plan.ensembles = true;
        let models: Vec<ModelSpec> = [
            ModelKind::Naive,
            ModelKind::SeasonalNaive,
            ModelKind::Drift,
            ModelKind::Ets,
        ]
        .into_iter()
        .map(ModelSpec::Stats)
        .collect();
        let cpu = crate::backend::cpu();
        let compute = Compute {
            device: &cpu.device,
            backend: &cpu.label,
        };
        let board_of = |plan: &BacktestPlan| {
            futures::executor::block_on(run(
                &data,
                &models,
                plan,
                compute,
                &mut crate::train::QuietHost,
            ))
            .unwrap()
        };
        let board = board_of(&plan);
        assert_eq!(board.rows.len(), 9);
        let row = |name: &str| board.rows.iter().find(|r| r.model == name).unwrap();
        for combiner in Combiner::ALL {
            let ens = row(combiner.name());
            assert_eq!(ens.error, None, "{}", combiner.name());
            // The dynamic ensemble looks only back: the first fold has nothing before it.
            let scored = plan.folds - usize::from(combiner == Combiner::Dynamic);
            assert_eq!(ens.folds_scored, scored, "{}", combiner.name());
            let total: f64 = ens.members.iter().map(|m| m.weight).sum();
            assert!((total - 1.0).abs() < 1e-9, "{}: {total}", combiner.name());
            assert_eq!(ens.conformal.len(), 2);
            assert_eq!(ens.holdout_conformal.len(), 2);
        }
        // The mean's hold-out forecast is the mean of its members'.
        let mean = row("ens-mean");
        assert_eq!(mean.members.len(), TOP_K);
        let point = &mean.forecast.as_ref().unwrap().point;
        for (h, v) in point.iter().enumerate() {
            let expected: f64 = mean
                .members
                .iter()
                .map(|m| row(&m.model).forecast.as_ref().unwrap().point[h])
                .sum::<f64>()
                / TOP_K as f64;
            assert!((v - expected).abs() < 1e-9);
        }
        // The dynamic ensemble's weights over time: one set per scored fold, then the
        // hold-out's, each summing to 1; only it keeps a path.
        let dynamic = row("ens-dynamic");
        let path = &dynamic.weight_path;
        assert_eq!(path.len(), plan.folds);
        assert!(path.windows(2).all(|w| w[0].origin < w[1].origin));
        assert_eq!(
            path.last().map(|w| w.origin),
            Some(data.len() - plan.holdout)
        );
        assert_eq!(path.last().map(|w| &w.members), Some(&dynamic.members));
        for at in path {
            let total: f64 = at.members.iter().map(|m| m.weight).sum();
            assert!((total - 1.0).abs() < 1e-9);
        }
        assert!(
            board
                .rows
                .iter()
                .filter(|r| !r.weight_path.is_empty())
                .count()
                == 1
        );
        // Every single model has conformal intervals too, scored on the hold-out.
        assert!(board.rows.iter().all(|r| r.holdout_conformal.len() == 2));
        assert!(board.why.is_some());

        // One fold leaves no other fold to choose members on: the ensembles say so; the
        // single models still calibrate on the windows before that fold.
        plan.folds = 1;
        let board = board_of(&plan);
        let mean = board.rows.iter().find(|r| r.model == "ens-mean").unwrap();
        assert!(
            mean.error.as_deref().unwrap().contains("at least 2 folds"),
            "{:?}",
            mean.error
        );
        for row in &board.rows {
            assert_eq!(
                row.conformal.is_empty(),
                row.model.starts_with("ens-"),
                "{row:?}"
            );
        }
        assert_ne!(board.selected.as_deref(), Some("ens-mean"));
    }

    #[test]
    fn median_and_weighted_combinations() {
        let paths = [vec![1.0, 10.0], vec![2.0, 20.0], vec![9.0, 30.0]];
        let w = [(0, 1.0 / 3.0), (1, 1.0 / 3.0), (2, 1.0 / 3.0)];
        assert_eq!(
            combine(Combiner::Median, &w, |i| &paths[i]),
            vec![2.0, 20.0]
        );
        let mean = combine(Combiner::Mean, &w, |i| &paths[i]);
        assert!((mean[0] - 4.0).abs() < 1e-12 && (mean[1] - 20.0).abs() < 1e-12);
    }
}

#[cfg(test)]
mod dynamic_tests {
    use super::*;

    fn path(origin: usize, point: Vec<f64>, error: f64) -> FoldPath {
        FoldPath {
            origin,
            history_start: 0,
            point,
            error,
        }
    }

    #[test]
    fn dynamic_weights_blend_the_static_ones_with_recent_mape_by_the_momentum() {
        // Actuals 100 from point 10 on; two folds of five points at 10 and 15.
        let y = vec![100.0; 20];
        let good = [path(10, vec![90.0; 5], 1.0), path(15, vec![99.0; 5], 1.0)];
        let poor = [path(10, vec![99.0; 5], 1.0), path(15, vec![80.0; 5], 1.0)];
        let pooled = |folds: &'static [FoldPath], name: &'static str| Pooled {
            name,
            folds: folds.iter().collect(),
            holdout: None,
            errors: folds.iter().map(|f| f.error).collect(),
            calibration: &[],
        };
        let (good, poor): (&'static [FoldPath], &'static [FoldPath]) =
            (Box::leak(Box::new(good)), Box::leak(Box::new(poor)));
        let pool = [pooled(good, "good"), pooled(poor, "poor")];
        // Over both folds (ten points): MAPE 5.5% and 10.5%.
        assert!((recent_mape(&pool[0], &[0, 1], &y) - 5.5).abs() < 1e-12);
        assert!((recent_mape(&pool[1], &[0, 1], &y) - 10.5).abs() < 1e-12);
        let w = choose(Combiner::Dynamic, &pool, &[0, 1], &y);
        // Equal fold errors: static weights ½ each; dynamic ∝ 1/6.5 and 1/11.5.
        let d0 = (1.0 / 6.5) / (1.0 / 6.5 + 1.0 / 11.5);
        assert!((w[0].1 - (0.7 * 0.5 + 0.3 * d0)).abs() < 1e-12, "{w:?}");
        assert!((w[0].1 + w[1].1 - 1.0).abs() < 1e-12);
        assert!(w[0].1 > w[1].1);
    }
}

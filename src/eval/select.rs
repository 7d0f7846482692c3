//! The pick: which leaderboard row to trust, decided on the backtest folds alone (the
//! hold-out never).
//!
//! A single model's mean fold error flatters it: it is the best of many on those very
//! folds (the winner's curse), while an ensemble's fold errors are honest — its members
//! and weights at each fold are chosen on the other folds, whose windows do not overlap
//! it. So the pick first finds the single model the folds favour, then scores that *way
//! of picking* as the ensembles are scored: on each fold, the single model the other
//! folds favour, scored there. Where an ensemble's mean over the same folds is lower than
//! that honest score, the ensemble is picked (`tests/bench/pick_rules.py`, rule `cv`,
//! replays it on the bench series: BENCHMARKS.md).

use super::score::{FoldScore, ModelScore};

/// Within this share of the lowest mean fold error, models tie and the simpler one is
/// picked: on a few folds such gaps are noise, and the simpler model is the safer bet.
pub const TIE_TOLERANCE: f64 = 0.02;

/// The pick and why it was made.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selection {
    /// The model picked.
    pub model: Option<String>,
    /// The reason, with the fold scores it rests on.
    pub why: Option<String>,
}

/// The single model the folds favour: the lowest mean backtest MASE (MAE when no model
/// has a MASE), except that among the rows within [`TIE_TOLERANCE`] of it the simplest
/// (fewest numbers kept) wins.
fn lowest_on_the_folds(rows: &[&ModelScore]) -> Selection {
    let metric = if rows.iter().any(|r| fold_mean(r, "mase").is_some()) {
        "mase"
    } else {
        "mae"
    };
    let scored: Vec<(&ModelScore, f64)> = rows
        .iter()
        .filter_map(|r| Some((*r, fold_mean(r, metric)?)))
        .collect();
    let Some(&(best, lowest)) = scored.iter().min_by(|a, b| a.1.total_cmp(&b.1)) else {
        return Selection::default();
    };
    let size = |r: &ModelScore| r.parameters.unwrap_or(usize::MAX);
    let &(pick, score) = scored
        .iter()
        .filter(|(_, v)| *v <= lowest + TIE_TOLERANCE * lowest.abs())
        .min_by(|a, b| size(a.0).cmp(&size(b.0)).then(a.1.total_cmp(&b.1)))
        .unwrap_or(&(best, lowest));
    let spread = |r: &ModelScore| {
        r.backtest_spread
            .map(|sd| format!(", sd {sd:.3} over {} folds", r.folds_scored))
            .unwrap_or_default()
    };
    let label = metric.to_uppercase();
    let numbers = |r: &ModelScore| {
        r.parameters
            .map_or("unknown".to_string(), |p| p.to_string())
    };
    let why = if pick.model == best.model {
        let runner_up = scored
            .iter()
            .filter(|(r, _)| r.model != best.model)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(r, v)| format!("; next {} {v:.3}", r.model))
            .unwrap_or_default();
        format!(
            "{}: lowest mean fold {label} {lowest:.3}{}{runner_up}",
            pick.model,
            spread(pick)
        )
    } else {
        format!(
            "{}: fold {label} {score:.3}{}, within {:.0}% of the lowest ({} {lowest:.3}) and simpler ({} numbers against {})",
            pick.model,
            spread(pick),
            100.0 * TIE_TOLERANCE,
            best.model,
            numbers(pick),
            numbers(best)
        )
    };
    Selection {
        model: Some(pick.model.clone()),
        why: Some(why),
    }
}

fn fold_mean(row: &ModelScore, metric: &str) -> Option<f64> {
    row.backtest.as_ref()?.get(metric)
}

/// Picks on the folds only. On one series' folds (`horizon`: their forecast length, which
/// says whose windows overlap): the single model the folds favour, or an ensemble where it
/// beats picking a single model as honestly scored (see the module's notes). On folds over
/// several series (a panel, `None`): the lowest fold mean of any row, ensembles included.
pub fn select(rows: &[ModelScore], horizon: Option<usize>) -> Selection {
    let all: Vec<&ModelScore> = rows.iter().collect();
    let Some(horizon) = horizon else {
        return lowest_on_the_folds(&all);
    };
    let singles: Vec<&ModelScore> = rows.iter().filter(|r| r.members.is_empty()).collect();
    let single = if singles.iter().any(|r| r.backtest.is_some()) {
        lowest_on_the_folds(&singles)
    } else {
        lowest_on_the_folds(&all)
    };
    let Some((ensemble, theirs, ours, folds)) = better_ensemble(rows, horizon) else {
        return single;
    };
    let why = format!(
        "{ensemble}: mean fold error {theirs:.3} over {folds} folds, against {ours:.3} for \
         picking on each fold the single model the other folds favour (as the ensemble's \
         members and weights are chosen); the single model the folds favour is {}",
        single.model.as_deref().unwrap_or("none")
    );
    Selection {
        model: Some(ensemble),
        why: Some(why),
    }
}

/// The ensemble row (if any) whose mean fold error beats the honest score of picking a
/// single model, over the folds both scored: `(its name, its mean, the single-pick mean,
/// folds)`. `None` with too few folds (or, defensively, where origins repeat).
fn better_ensemble(rows: &[ModelScore], horizon: usize) -> Option<(String, f64, f64, usize)> {
    let is_ensemble = |r: &ModelScore| !r.members.is_empty();
    let by_origin = |scores: &[FoldScore]| -> Option<Vec<(usize, f64)>> {
        let mut out: Vec<(usize, f64)> = scores.iter().map(|f| (f.origin, f.error)).collect();
        out.sort_by_key(|f| f.0);
        // A repeated origin: folds of several series, not one timeline.
        out.windows(2).all(|w| w[0].0 < w[1].0).then_some(out)
    };
    let singles: Vec<(&ModelScore, Vec<(usize, f64)>)> = rows
        .iter()
        .filter(|r| !is_ensemble(r) && !r.fold_scores.is_empty())
        .map(|r| Some((r, by_origin(&r.fold_scores)?)))
        .collect::<Option<_>>()?;
    let mut origins: Vec<usize> = singles
        .iter()
        .flat_map(|(_, f)| f.iter().map(|x| x.0))
        .collect();
    origins.sort_unstable();
    origins.dedup();
    let error_at =
        |f: &[(usize, f64)], origin: usize| f.iter().find(|x| x.0 == origin).map(|x| x.1);
    let size = |r: &ModelScore| r.parameters.unwrap_or(usize::MAX);
    // The honest score of picking one model: on each fold, the pick (the same tie rule)
    // of the folds whose windows do not overlap it, scored there.
    let mut honest: Vec<(usize, f64)> = vec![];
    for &origin in &origins {
        let others: Vec<usize> = origins
            .iter()
            .copied()
            .filter(|&o| o.abs_diff(origin) >= horizon.max(1))
            .collect();
        if others.is_empty() {
            continue;
        }
        let candidates: Vec<(&ModelScore, f64, f64)> = singles
            .iter()
            .filter_map(|(row, f)| {
                let here = error_at(f, origin)?;
                let rest: Vec<f64> = others
                    .iter()
                    .map(|&o| error_at(f, o))
                    .collect::<Option<_>>()?;
                Some((*row, rest.iter().sum::<f64>() / rest.len() as f64, here))
            })
            .collect();
        let Some(lowest) = candidates.iter().map(|c| c.1).min_by(f64::total_cmp) else {
            continue;
        };
        if let Some(pick) = candidates
            .iter()
            .filter(|c| c.1 <= lowest + TIE_TOLERANCE * lowest.abs())
            .min_by(|a, b| size(a.0).cmp(&size(b.0)).then(a.1.total_cmp(&b.1)))
        {
            honest.push((origin, pick.2));
        }
    }
    if honest.len() < 2 {
        return None;
    }
    let mean = |f: &[(usize, f64)]| -> Option<f64> {
        let errors: Vec<f64> = honest
            .iter()
            .map(|&(o, _)| error_at(f, o))
            .collect::<Option<_>>()?;
        Some(errors.iter().sum::<f64>() / errors.len() as f64)
    };
    let ours = mean(&honest)?;
    // The ensembles scored on every one of those folds (the dynamic one, which needs a
    // fold before its first, is not).
    rows.iter()
        .filter(|r| is_ensemble(r))
        .filter_map(|r| Some((r.model.clone(), mean(&by_origin(&r.fold_scores)?)?)))
        .filter(|(_, m)| m.is_finite() && *m < ours)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(name, m)| (name, m, ours, honest.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Metrics;
    use crate::eval::score::{Member, RowScorer};

    fn scored_row(model: &str, mase: f64, parameters: usize) -> ModelScore {
        let mut row = RowScorer::new(model, 1, &[], false).finish();
        row.backtest = Some(Metrics {
            mase: Some(mase),
            ..Metrics::default()
        });
        row.parameters = Some(parameters);
        row
    }

    #[test]
    fn a_simpler_model_within_the_tie_tolerance_is_picked_and_the_reason_says_so() {
        let rows = [
            scored_row("ets", 0.500, 20),
            scored_row("snaive", 0.505, 13),
            scored_row("arima", 0.600, 5),
        ];
        let pick = select(&rows, Some(1));
        assert_eq!(pick.model.as_deref(), Some("snaive"));
        let why = pick.why.unwrap();
        assert!(
            why.contains("within 2%") && why.contains("ets 0.500"),
            "{why}"
        );
        // Outside the tolerance the lowest wins, and the runner-up is named.
        let rows = [scored_row("ets", 0.500, 20), scored_row("snaive", 0.52, 13)];
        let pick = select(&rows, Some(1));
        assert_eq!(pick.model.as_deref(), Some("ets"));
        assert!(pick.why.unwrap().contains("next snaive 0.520"));
    }

    /// A row with these fold errors (at origins 10, 20, …) and their mean.
    fn with_folds(model: &str, errors: &[f64], parameters: usize) -> ModelScore {
        let mean = errors.iter().sum::<f64>() / errors.len() as f64;
        let mut row = scored_row(model, mean, parameters);
        row.fold_scores = errors
            .iter()
            .enumerate()
            .map(|(i, &error)| FoldScore {
                origin: 10 * (i + 1),
                error,
            })
            .collect();
        row
    }

    #[test]
    fn an_ensemble_is_picked_where_it_beats_picking_one_model_honestly() {
        // Each single model shines on one fold and fails on the next: the mean favours
        // `b`, but picking on each fold by the other folds mostly picks the one that fails.
        let a = with_folds("a", &[0.2, 1.0, 0.3, 1.1, 0.4], 3);
        let b = with_folds("b", &[1.0, 0.2, 1.0, 0.2, 0.3], 3);
        let mut ens = with_folds("ens-mean", &[0.6, 0.6, 0.6, 0.6, 0.6], 7);
        ens.members = vec![Member {
            model: "a".into(),
            weight: 0.5,
        }];
        let rows = [a.clone(), b.clone(), ens.clone()];
        let all: Vec<&ModelScore> = rows.iter().collect();
        assert_eq!(lowest_on_the_folds(&all).model.as_deref(), Some("b"));
        let pick = select(&rows, Some(1));
        assert_eq!(pick.model.as_deref(), Some("ens-mean"));
        let why = pick.why.unwrap();
        assert!(
            why.contains("0.600 over 5 folds, against 0.880") && why.ends_with("favour is b"),
            "{why}"
        );
        // A steady single model keeps the pick: its honest score is its own.
        let steady = with_folds("steady", &[0.3, 0.3, 0.3, 0.3, 0.3], 2);
        let pick = select(&[a, b, steady, ens], Some(1));
        assert_eq!(pick.model.as_deref(), Some("steady"));
    }
}

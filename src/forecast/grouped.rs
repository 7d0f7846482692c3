//! Grouped k-fold over the series of a panel: the groups are dealt into k folds; a global
//! model (the LSTM) is trained once per fold on the other folds' groups and scored on each
//! held-out group it never saw, brought up to every origin of that group; a local model
//! (the statistical ones) is fitted on each group's own history as on a single series.
//! Every group is scored on the same rolling origins as one series would be, by the same
//! loop ([`super::backtest`]), and a row's scores are means over all groups.

use super::backtest::{
    BacktestError, BacktestPlan, Compute, FittingHost, Layout, Leaderboard, Scoring, SeriesPaths,
    add_ensembles, score_series,
};
use super::catalog::ModelSpec;
use super::series::SeriesData;
use crate::eval::{RowScorer, select};
use crate::train::Host;

/// One group of a panel, ready to score.
#[derive(Debug, Clone)]
pub struct Group {
    /// The group's name (its value in the group column).
    pub name: String,
    /// Its series.
    pub data: SeriesData,
    /// Where its folds fall.
    pub layout: Layout,
}

/// The fold (0..k) a group at `index` falls in: dealt in turn, so folds differ in size
/// by at most one group.
pub fn fold_of(index: usize, folds: usize) -> usize {
    index % folds.max(1)
}

/// Runs every model over every group: global models trained once per fold of groups on
/// the other folds, local models fitted per group. `shown` is the group whose hold-out
/// forecasts the rows keep (the charted one).
///
/// # Errors
/// [`BacktestError::InvalidPlan`] for fewer than two folds or groups;
/// [`BacktestError::Cancelled`] on a cancel. A model's own failure stays in its row.
pub async fn run_grouped<H: Host>(
    groups: &[Group],
    shown: usize,
    folds: usize,
    models: &[ModelSpec],
    plan: &BacktestPlan,
    compute: Compute<'_>,
    host: &mut H,
) -> Result<Leaderboard, BacktestError> {
    if folds < 2 || groups.len() < 2 {
        return Err(BacktestError::InvalidPlan(format!(
            "grouped folds need at least 2 folds and 2 groups; got {folds} folds and {} groups",
            groups.len()
        )));
    }
    let folds = folds.min(groups.len());
    let per_group: usize = groups.iter().map(|g| g.layout.fits_per_model(plan)).sum();
    let per_model = |spec: &ModelSpec| per_group + if spec.is_global() { folds } else { 0 };
    let total: usize = models.iter().map(per_model).sum();
    let mut done = 0;
    let mut rows = Vec::with_capacity(models.len());
    // paths[model][group]
    let mut paths: Vec<Vec<SeriesPaths>> = Vec::with_capacity(models.len());
    for spec in models {
        let mut model_paths = vec![SeriesPaths::default(); groups.len()];
        let mut progress = FittingHost {
            inner: &mut *host,
            done,
            total,
            model: spec.name(),
        };
        let mut row = RowScorer::new(spec.name(), plan.season, &plan.levels, plan.holdout > 0);
        progress.started().await?;
        if spec.is_global() {
            for fold in 0..folds {
                let training: Vec<&SeriesData> = groups
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| fold_of(*i, folds) != fold)
                    .map(|(_, g)| &g.data)
                    .collect();
                let global = fit_global(spec, &training, plan, compute, &mut progress).await;
                progress.step_done().await?;
                let global = match global {
                    Ok(global) => global,
                    Err(e) if e.is_cancelled() => return Err(BacktestError::Cancelled),
                    Err(e) => {
                        row.record_error(e.to_string(), e.setting().map(str::to_string));
                        continue;
                    }
                };
                for (i, group) in groups.iter().enumerate() {
                    if fold_of(i, folds) == fold {
                        let series = Scoring {
                            data: &group.data,
                            layout: &group.layout,
                            global: Some(&global),
                            shows: i == shown,
                        };
                        model_paths[i] =
                            score_series(&series, spec, plan, compute, &mut progress, &mut row)
                                .await?;
                    }
                }
            }
        } else {
            for (i, group) in groups.iter().enumerate() {
                let series = Scoring {
                    data: &group.data,
                    layout: &group.layout,
                    global: None,
                    shows: i == shown,
                };
                model_paths[i] =
                    score_series(&series, spec, plan, compute, &mut progress, &mut row).await?;
            }
        }
        done += per_model(spec);
        rows.push(row.finish());
        paths.push(model_paths);
    }
    host.fitting(total, total, "");
    let series: Vec<&SeriesData> = groups.iter().map(|g| &g.data).collect();
    add_ensembles(&mut rows, &paths, &series, shown, plan);
    let shown_layout = &groups[shown.min(groups.len() - 1)].layout;
    // Folds over several series: their means only (origins are not one timeline).
    let selection = select(&rows, None);
    Ok(Leaderboard {
        selected: selection.model,
        why: selection.why,
        rows,
        origins: shown_layout.origins.clone(),
        holdout_start: shown_layout.holdout_start,
        plan: plan.clone(),
        groups: groups.iter().map(|g| g.name.clone()).collect(),
        group_folds: folds,
        groups_skipped: vec![],
    })
}

/// Trains a global model on the training groups, timed.
async fn fit_global<H: Host>(
    spec: &ModelSpec,
    training: &[&SeriesData],
    plan: &BacktestPlan,
    compute: Compute<'_>,
    host: &mut FittingHost<'_, H>,
) -> Result<(super::fitted::FittedModel, f64), super::fitted::FitError> {
    let mut ctx = plan.fit_context(compute, host);
    let t0 = ctx.host.now_ms();
    let fitted = spec.fit_across(training, &mut ctx).await?;
    let ms = ctx.host.now_ms() - t0;
    Ok((fitted, ms))
}

//! The results of the last training: test metrics, the forecast and the loss history.

use leptos::html;
use leptos::prelude::*;

use super::format::format_value;
use super::state::{ResultsState, RunState};
use crate::web::charts;

/// Test metrics, the forecast chart and values, and the loss chart of the last training.
#[component]
pub(crate) fn ResultsPanel() -> impl IntoView {
    let run = expect_context::<RunState>();
    let results = expect_context::<ResultsState>();
    let forecast_canvas = NodeRef::<html::Canvas>::new();
    let loss_canvas = NodeRef::<html::Canvas>::new();
    Effect::new(move |_| {
        if let (Some(o), Some(c)) = (results.outcome.get(), forecast_canvas.get())
            && let Err(e) = charts::draw_forecast(&c, &o)
        {
            run.fail(format!("could not draw the forecast chart: {e}"));
        }
    });
    Effect::new(move |_| {
        if let (Some(o), Some(c)) = (results.outcome.get(), loss_canvas.get())
            && let Err(e) = charts::draw_loss(&c, &o.history, o.best_epoch)
        {
            run.fail(format!("could not draw the loss chart: {e}"));
        }
    });
    let rows = move || {
        results.outcome.get().map(|o| {
            let m = o.test_metrics;
            vec![
                ("MAE".to_string(), format_value(m.mae)),
                ("RMSE".to_string(), format_value(m.rmse)),
                (
                    "MAPE".to_string(),
                    m.mape
                        .map_or("n/a (all actuals are 0)".into(), |v| format!("{v:.3}%")),
                ),
                ("Scored points".to_string(), m.count.to_string()),
                (
                    "Train loss (first → last epoch)".to_string(),
                    match (o.history.first(), o.history.last()) {
                        (Some(a), Some(b)) => {
                            format!("{} → {}", format_value(a.train), format_value(b.train))
                        }
                        _ => "n/a".into(),
                    },
                ),
                (
                    "Best epoch".to_string(),
                    format!(
                        "{} of {}{}",
                        o.best_epoch,
                        o.history.len(),
                        if o.stopped_early {
                            " (stopped early)"
                        } else {
                            ""
                        }
                    ),
                ),
                (
                    "Windows train / validation / test".to_string(),
                    format!(
                        "{} / {} / {}",
                        o.window_counts[0], o.window_counts[1], o.window_counts[2]
                    ),
                ),
                (
                    "Time per training step".to_string(),
                    format!("{:.1} ms", o.ms_per_step),
                ),
                ("Backend".to_string(), o.backend.clone()),
                (
                    "Steps split with a helper worker".to_string(),
                    format!("{} of {}", o.split_steps, o.training_steps),
                ),
            ]
        })
    };
    let forecast_rows = move || {
        results.outcome.get().map(|o| {
            o.forecast_labels
                .iter()
                .zip(&o.forecast)
                .map(|(l, v)| view! { <tr><td>{l.clone()}</td><td>{format_value(*v)}</td></tr> })
                .collect_view()
        })
    };
    view! {
        <section class="panel results" style:display=move || if results.outcome.with(Option::is_some) { "block" } else { "none" }>
            <h2>"Results"</h2>
            <p class="caption">{move || results.outcome.with(|o| o.as_ref().map(|o| format!("Test-set accuracy of '{}' in the data's own units, over every test window and horizon step.", o.target)))}</p>
            <table data-testid="metrics-table" class="metrics">
                <tbody>
                    {move || rows().unwrap_or_default().into_iter().map(|(k, v)| view! { <tr><th scope="row">{k}</th><td>{v}</td></tr> }).collect_view()}
                </tbody>
            </table>
            <div class="chart"><canvas data-testid="forecast-chart" node_ref=forecast_canvas></canvas></div>
            <details class="forecast-values"><summary>"Forecast values"</summary>
                <table><thead><tr><th>"time"</th><th>"forecast"</th></tr></thead><tbody>{forecast_rows}</tbody></table>
            </details>
            <div class="chart"><canvas data-testid="loss-chart" node_ref=loss_canvas></canvas></div>
        </section>
    }
}

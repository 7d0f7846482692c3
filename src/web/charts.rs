//! Charts drawn with plotters on a canvas, sized for the screen's pixel ratio so lines and
//! text stay crisp on HiDPI displays. Every value drawn comes from a [`TrainOutcome`].

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use crate::jobs::{
    EpochLoss, FeatureShare, Interval, LeaderboardView, ModelScore, SeriesView, TrainOutcome,
};

const ACTUAL: RGBColor = RGBColor(40, 40, 40);
const PREDICTED: RGBColor = RGBColor(31, 119, 180);
const FORECAST: RGBColor = RGBColor(214, 39, 40);
const VALIDATION: RGBColor = RGBColor(255, 127, 14);

/// Sizes the canvas' backing store to its CSS box × devicePixelRatio; returns the ratio.
fn fit_to_screen(canvas: &HtmlCanvasElement) -> f64 {
    let ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let rect = canvas.get_bounding_client_rect();
    let (w, h) = (rect.width().max(300.0), rect.height().max(200.0));
    canvas.set_width((w * ratio).round() as u32);
    canvas.set_height((h * ratio).round() as u32);
    ratio
}

/// The canvas sized for the screen, cleared to white, as a drawing area; with the pixel
/// ratio every size is scaled by.
fn blank_area(
    canvas: &HtmlCanvasElement,
) -> Result<(DrawingArea<CanvasBackend, plotters::coord::Shift>, f64), String> {
    let ratio = fit_to_screen(canvas);
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    Ok((root, ratio))
}

/// Grid and axes for charts whose x positions index `labels` (time stamps, cut to the date).
fn time_axis<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    labels: &[String],
    font: u32,
) -> Result<(), String> {
    chart
        .configure_mesh()
        .x_labels(6)
        .x_label_formatter(&|x| {
            labels
                .get(x.round() as usize)
                .map(|l| l.chars().take(10).collect())
                .unwrap_or_default()
        })
        .label_style(("sans-serif", font))
        .draw()
        .map_err(|e| e.to_string())
}

/// Draws `values` as a line broken where values are missing, with one legend entry.
fn gapped_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    values: &[f64],
    color: RGBColor,
    stroke: u32,
    label: String,
) -> Result<(), String> {
    let mut first = true;
    for segment in segments(values) {
        let drawn = chart
            .draw_series(LineSeries::new(segment, color.stroke_width(stroke)))
            .map_err(|e| e.to_string())?;
        if std::mem::take(&mut first) {
            drawn
                .label(label.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        }
    }
    Ok(())
}

/// The legend box every chart uses.
fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    font: u32,
    position: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font(("sans-serif", font))
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())
}

fn finite_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(1e-9);
    (lo - pad, hi + pad)
}

/// Actual vs one-step-ahead predicted over the test part, then the forecast past the end.
pub fn draw_forecast(canvas: &HtmlCanvasElement, outcome: &TrainOutcome) -> Result<(), String> {
    let (root, ratio) = blank_area(canvas)?;
    let n = outcome.test_actual.len();
    let total = n + outcome.forecast.len();
    let (lo, hi) = finite_range(
        outcome
            .test_actual
            .iter()
            .chain(&outcome.test_predicted)
            .chain(&outcome.forecast)
            .copied(),
    );
    let labels: Vec<String> = outcome
        .test_labels
        .iter()
        .chain(&outcome.forecast_labels)
        .cloned()
        .collect();
    let font = (13.0 * ratio) as u32;
    let mut chart = ChartBuilder::on(&root)
        .margin((10.0 * ratio) as u32)
        .x_label_area_size((32.0 * ratio) as u32)
        .y_label_area_size((64.0 * ratio) as u32)
        .caption(
            format!("{}: test part and forecast", outcome.target),
            ("sans-serif", font + 2),
        )
        .build_cartesian_2d(0f64..(total.max(2) - 1) as f64, lo..hi)
        .map_err(|e| e.to_string())?;
    time_axis(&mut chart, &labels, font)?;
    let stroke = (1.5 * ratio) as u32;
    let series = |values: &[f64], offset: usize| -> Vec<(f64, f64)> {
        values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, v)| ((i + offset) as f64, *v))
            .collect()
    };
    chart
        .draw_series(LineSeries::new(
            series(&outcome.test_actual, 0),
            ACTUAL.stroke_width(stroke),
        ))
        .map_err(|e| e.to_string())?
        .label("actual")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], ACTUAL));
    chart
        .draw_series(LineSeries::new(
            series(&outcome.test_predicted, 0),
            PREDICTED.stroke_width(stroke),
        ))
        .map_err(|e| e.to_string())?
        .label("predicted (1 step ahead)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], PREDICTED));
    chart
        .draw_series(LineSeries::new(
            series(&outcome.forecast, n),
            FORECAST.stroke_width(stroke),
        ))
        .map_err(|e| e.to_string())?
        .label("forecast")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], FORECAST));
    legend(&mut chart, font, SeriesLabelPosition::UpperLeft)?;
    root.present().map_err(|e| e.to_string())
}

/// Training and validation loss per epoch.
pub fn draw_loss(
    canvas: &HtmlCanvasElement,
    history: &[EpochLoss],
    best_epoch: usize,
) -> Result<(), String> {
    let (root, ratio) = blank_area(canvas)?;
    let (lo, hi) = finite_range(history.iter().flat_map(|h| [h.train, h.validation]));
    let epochs = history.len().max(2) as f64;
    let font = (13.0 * ratio) as u32;
    let mut chart = ChartBuilder::on(&root)
        .margin((10.0 * ratio) as u32)
        .x_label_area_size((32.0 * ratio) as u32)
        .y_label_area_size((64.0 * ratio) as u32)
        .caption(
            format!("loss (MSE, scaled) — best epoch {best_epoch}"),
            ("sans-serif", font + 2),
        )
        .build_cartesian_2d(1f64..epochs, lo.min(0.0).max(lo)..hi)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .x_labels(history.len().clamp(2, 10))
        .x_label_formatter(&|x| {
            if (x - x.round()).abs() < 1e-6 {
                format!("{}", x.round() as i64)
            } else {
                String::new()
            }
        })
        .label_style(("sans-serif", font))
        .draw()
        .map_err(|e| e.to_string())?;
    let stroke = (1.5 * ratio) as u32;
    let train: Vec<(f64, f64)> = history.iter().map(|h| (h.epoch as f64, h.train)).collect();
    let validation: Vec<(f64, f64)> = history
        .iter()
        .map(|h| (h.epoch as f64, h.validation))
        .collect();
    chart
        .draw_series(LineSeries::new(train, PREDICTED.stroke_width(stroke)))
        .map_err(|e| e.to_string())?
        .label("train")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], PREDICTED));
    chart
        .draw_series(LineSeries::new(validation, VALIDATION.stroke_width(stroke)))
        .map_err(|e| e.to_string())?
        .label("validation")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], VALIDATION));
    legend(&mut chart, font, SeriesLabelPosition::UpperRight)?;
    root.present().map_err(|e| e.to_string())
}

const MOVING: [RGBColor; 3] = [
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
];

/// Runs of finite values as (x, y) segments, so missing values show as gaps.
fn segments(values: &[f64]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if v.is_finite() {
            current.push((i as f64, *v));
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The series of the data view with its moving averages; gaps where values are missing.
pub fn draw_series(canvas: &HtmlCanvasElement, view: &SeriesView) -> Result<(), String> {
    let (root, ratio) = blank_area(canvas)?;
    let n = view.values.len();
    let (lo, hi) = finite_range(view.values.iter().copied());
    let font = (13.0 * ratio) as u32;
    let caption = if n < view.rows {
        format!(
            "{} ({} rows; {} drawn, extremes kept)",
            view.column, view.rows, n
        )
    } else {
        format!("{} ({} rows)", view.column, view.rows)
    };
    let mut chart = ChartBuilder::on(&root)
        .margin((10.0 * ratio) as u32)
        .x_label_area_size((32.0 * ratio) as u32)
        .y_label_area_size((64.0 * ratio) as u32)
        .caption(caption, ("sans-serif", font + 2))
        .build_cartesian_2d(0f64..(n.max(2) - 1) as f64, lo..hi)
        .map_err(|e| e.to_string())?;
    time_axis(&mut chart, &view.labels, font)?;
    let stroke = (1.2 * ratio) as u32;
    gapped_line(
        &mut chart,
        &view.values,
        ACTUAL,
        stroke,
        view.column.clone(),
    )?;
    for (i, average) in view.moving_averages.iter().enumerate() {
        let label = format!("moving average ({})", average.window);
        gapped_line(
            &mut chart,
            &average.values,
            MOVING[i % MOVING.len()],
            stroke + 1,
            label,
        )?;
    }
    legend(&mut chart, font, SeriesLabelPosition::UpperLeft)?;
    root.present().map_err(|e| e.to_string())
}

/// An ACF or PACF plot: a stem per lag and the 95% band (per lag for the ACF).
pub fn draw_correlogram(
    canvas: &HtmlCanvasElement,
    title: &str,
    values: &[f64],
    band: &[f64],
) -> Result<(), String> {
    let (root, ratio) = blank_area(canvas)?;
    let font = (13.0 * ratio) as u32;
    let lags = values.len().max(2) as f64;
    let mut chart = ChartBuilder::on(&root)
        .margin((10.0 * ratio) as u32)
        .x_label_area_size((32.0 * ratio) as u32)
        .y_label_area_size((48.0 * ratio) as u32)
        .caption(title, ("sans-serif", font + 2))
        .build_cartesian_2d(-0.5f64..lags - 0.5, -1.05f64..1.05)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("lag")
        .label_style(("sans-serif", font))
        .draw()
        .map_err(|e| e.to_string())?;
    let stroke = (2.0 * ratio) as u32;
    let upper: Vec<(f64, f64)> = band
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, b)| (k as f64, *b))
        .collect();
    let lower: Vec<(f64, f64)> = upper.iter().map(|(k, b)| (*k, -b)).collect();
    for line in [upper, lower] {
        chart
            .draw_series(LineSeries::new(line, VALIDATION.stroke_width(stroke / 2)))
            .map_err(|e| e.to_string())?;
    }
    chart
        .draw_series(values.iter().enumerate().map(|(k, v)| {
            PathElement::new(
                vec![(k as f64, 0.0), (k as f64, *v)],
                PREDICTED.stroke_width(stroke),
            )
        }))
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(
            values
                .iter()
                .enumerate()
                .map(|(k, v)| Circle::new((k as f64, *v), stroke + 1, PREDICTED.filled())),
        )
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

/// Colours for models overlaid on the leaderboard chart.
const OVERLAYS: [RGBColor; 5] = [
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
];

/// The interval with the highest level.
fn widest(intervals: &[Interval]) -> Option<&Interval> {
    intervals.iter().max_by(|a, b| a.level.total_cmp(&b.level))
}

/// The end of the series, the chosen model's hold-out forecast with its widest interval as a
/// band, and any other models' hold-out forecasts the user toggled on.
pub fn draw_leaderboard(
    canvas: &HtmlCanvasElement,
    view: &LeaderboardView,
    chosen: Option<&str>,
    overlaid: &[String],
) -> Result<(), String> {
    let (root, ratio) = blank_area(canvas)?;
    let offset = view.board.holdout_start.saturating_sub(view.first_shown);
    let forecast_of = |name: &str| {
        view.board
            .rows
            .iter()
            .find(|r| r.model == name)
            .and_then(|r| r.forecast.as_ref())
    };
    // A model's widest interval: its own, else the conformal one from the folds.
    let band_of = |name: &str| {
        let row = view.board.rows.iter().find(|r| r.model == name)?;
        let own = row.forecast.as_ref().and_then(|f| widest(&f.intervals));
        own.map(|b| (b, false))
            .or_else(|| widest(&row.conformal).map(|b| (b, true)))
    };
    let chosen_fc = chosen.and_then(forecast_of);
    let band = chosen.and_then(band_of);
    let mut all: Vec<f64> = view.actual.clone();
    for name in chosen
        .into_iter()
        .chain(overlaid.iter().map(String::as_str))
    {
        if let Some(f) = forecast_of(name) {
            all.extend(&f.point);
        }
        if let Some((b, _)) = band_of(name) {
            all.extend(&b.lower);
            all.extend(&b.upper);
        }
    }
    let (lo, hi) = finite_range(all.into_iter());
    let n = view.actual.len();
    let font = (13.0 * ratio) as u32;
    let mut chart = ChartBuilder::on(&root)
        .margin((10.0 * ratio) as u32)
        .x_label_area_size((32.0 * ratio) as u32)
        .y_label_area_size((64.0 * ratio) as u32)
        .caption(
            format!("{}: hold-out forecasts against the actuals", view.target),
            ("sans-serif", font + 2),
        )
        .build_cartesian_2d(0f64..(n.max(2) - 1) as f64, lo..hi)
        .map_err(|e| e.to_string())?;
    time_axis(&mut chart, &view.labels, font)?;
    let stroke = (1.5 * ratio) as u32;
    let path = |values: &[f64]| -> Vec<(f64, f64)> {
        values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, v)| ((i + offset) as f64, *v))
            .collect()
    };
    for (i, name) in overlaid.iter().enumerate() {
        if Some(name.as_str()) == chosen {
            continue;
        }
        if let Some((b, _)) = band_of(name) {
            let color = OVERLAYS[i % OVERLAYS.len()];
            let mut polygon = path(&b.upper);
            polygon.extend(path(&b.lower).into_iter().rev());
            chart
                .draw_series(std::iter::once(Polygon::new(polygon, color.mix(0.08))))
                .map_err(|e| e.to_string())?;
        }
    }
    if let Some((b, conformal)) = band {
        let mut polygon = path(&b.upper);
        polygon.extend(path(&b.lower).into_iter().rev());
        chart
            .draw_series(std::iter::once(Polygon::new(polygon, FORECAST.mix(0.15))))
            .map_err(|e| e.to_string())?
            .label(format!(
                "{:.0}% {}interval",
                b.level,
                if conformal { "conformal " } else { "" }
            ))
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 4), (x + 20, y + 4)], FORECAST.mix(0.3).filled())
            });
    }
    gapped_line(&mut chart, &view.actual, ACTUAL, stroke, "actual".into())?;
    for (i, name) in overlaid.iter().enumerate() {
        if Some(name.as_str()) == chosen {
            continue;
        }
        if let Some(f) = forecast_of(name) {
            let color = OVERLAYS[i % OVERLAYS.len()];
            chart
                .draw_series(LineSeries::new(path(&f.point), color.stroke_width(stroke)))
                .map_err(|e| e.to_string())?
                .label(name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        }
    }
    if let (Some(name), Some(f)) = (chosen, chosen_fc) {
        chart
            .draw_series(LineSeries::new(
                path(&f.point),
                FORECAST.stroke_width(stroke + 1),
            ))
            .map_err(|e| e.to_string())?
            .label(format!("{name} (chosen)"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], FORECAST));
    }
    legend(&mut chart, font, SeriesLabelPosition::UpperLeft)?;
    root.present().map_err(|e| e.to_string())
}

/// The dynamic ensemble's weights over time: one line per member, a point per origin (the
/// hold-out's last); a member left out at an origin weighs 0 there.
pub fn draw_weights(canvas: &HtmlCanvasElement, view: &LeaderboardView) -> Result<(), String> {
    let Some(row) = view.board.rows.iter().find(|r| !r.weight_path.is_empty()) else {
        return Ok(());
    };
    let path = &row.weight_path;
    let (root, ratio) = blank_area(canvas)?;
    let labels: Vec<String> = path
        .iter()
        .map(|at| {
            at.origin
                .checked_sub(view.first_shown)
                .and_then(|i| view.labels.get(i))
                .cloned()
                .unwrap_or_else(|| format!("point {}", at.origin))
        })
        .collect();
    let mut names: Vec<&str> = vec![];
    for at in path {
        for m in &at.members {
            if !names.contains(&m.model.as_str()) {
                names.push(&m.model);
            }
        }
    }
    let font = (13.0 * ratio) as u32;
    let mut chart = ChartBuilder::on(&root)
        .margin((10.0 * ratio) as u32)
        .x_label_area_size((32.0 * ratio) as u32)
        .y_label_area_size((48.0 * ratio) as u32)
        .caption(
            format!(
                "{}: weights by origin (the last is the hold-out's)",
                row.model
            ),
            ("sans-serif", font + 2),
        )
        .build_cartesian_2d(0f64..(path.len().max(2) - 1) as f64, 0f64..1.05)
        .map_err(|e| e.to_string())?;
    time_axis(&mut chart, &labels, font)?;
    let stroke = (2.0 * ratio) as u32;
    for (i, name) in names.iter().enumerate() {
        let color = OVERLAYS[i % OVERLAYS.len()];
        let weights: Vec<(f64, f64)> = path
            .iter()
            .enumerate()
            .map(|(x, at)| {
                let w = at
                    .members
                    .iter()
                    .find(|m| m.model == *name)
                    .map_or(0.0, |m| m.weight);
                (x as f64, w)
            })
            .collect();
        chart
            .draw_series(LineSeries::new(weights.clone(), color.stroke_width(stroke)))
            .map_err(|e| e.to_string())?
            .label(name.to_string())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        chart
            .draw_series(
                weights
                    .into_iter()
                    .map(|p| Circle::new(p, (3.0 * ratio) as u32, color.filled())),
            )
            .map_err(|e| e.to_string())?;
    }
    legend(&mut chart, font, SeriesLabelPosition::UpperLeft)?;
    root.present().map_err(|e| e.to_string())
}

/// Features shown in the importance chart: the largest shares.
const IMPORTANCE_BARS: usize = 12;

/// A row's feature importance as horizontal bars, the largest share on top.
pub fn draw_importance(canvas: &HtmlCanvasElement, row: &ModelScore) -> Result<(), String> {
    let shares: Vec<&FeatureShare> = row.importance.iter().take(IMPORTANCE_BARS).collect();
    if shares.is_empty() {
        return Ok(());
    }
    let (root, ratio) = blank_area(canvas)?;
    let font = (13.0 * ratio) as u32;
    let top = shares.iter().map(|s| s.share).fold(0.0, f64::max).max(1e-9);
    let n = shares.len() as f64;
    let names: Vec<String> = shares.iter().map(|s| s.feature.clone()).collect();
    let mut chart = ChartBuilder::on(&root)
        .margin((10.0 * ratio) as u32)
        .x_label_area_size((32.0 * ratio) as u32)
        .y_label_area_size((150.0 * ratio) as u32)
        .caption(
            format!("{}: feature importance (share of split gain)", row.model),
            ("sans-serif", font + 2),
        )
        .build_cartesian_2d(0f64..top * 1.1, -0.5f64..n - 0.5)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(shares.len())
        .y_label_formatter(&|y| {
            // Bars run top-down: the first (largest) at the top.
            let i = (n - 1.0 - y.round()) as usize;
            names.get(i).cloned().unwrap_or_default()
        })
        .x_label_formatter(&|x| format!("{:.0}%", 100.0 * x))
        .label_style(("sans-serif", font))
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(shares.iter().enumerate().map(|(i, s)| {
            let y = n - 1.0 - i as f64;
            Rectangle::new([(0.0, y - 0.35), (s.share, y + 0.35)], PREDICTED.filled())
        }))
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

/// A VAR row's impulse responses: how the target's forecast level answers a one-standard-
/// deviation (orthogonalised) shock to each variable, steps 0 … h after it, one line per
/// shocked variable.
pub fn draw_responses(canvas: &HtmlCanvasElement, row: &ModelScore) -> Result<(), String> {
    if row.responses.is_empty() {
        return Ok(());
    }
    let (root, ratio) = blank_area(canvas)?;
    let font = (13.0 * ratio) as u32;
    let steps = row
        .responses
        .iter()
        .map(|r| r.response.len())
        .max()
        .unwrap_or(1);
    let values = row
        .responses
        .iter()
        .flat_map(|r| r.response.iter().copied());
    let (low, high) = values
        .filter(|v| v.is_finite())
        .fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = ((high - low) * 0.08).max(1e-9);
    let mut chart = ChartBuilder::on(&root)
        .margin((10.0 * ratio) as u32)
        .x_label_area_size((32.0 * ratio) as u32)
        .y_label_area_size((56.0 * ratio) as u32)
        .caption(
            format!(
                "{}: the level's response to a one-s.d. shock, by steps after it",
                row.model
            ),
            ("sans-serif", font + 2),
        )
        .build_cartesian_2d(0f64..(steps.max(2) - 1) as f64, low - pad..high + pad)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("steps after the shock")
        .label_style(("sans-serif", font))
        .draw()
        .map_err(|e| e.to_string())?;
    let stroke = (2.0 * ratio) as u32;
    for (i, r) in row.responses.iter().enumerate() {
        let color = OVERLAYS[i % OVERLAYS.len()];
        let line: Vec<(f64, f64)> = r
            .response
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(s, v)| (s as f64, *v))
            .collect();
        chart
            .draw_series(LineSeries::new(line, color.stroke_width(stroke)))
            .map_err(|e| e.to_string())?
            .label(format!("shock to {}", r.shock))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
    }
    legend(&mut chart, font, SeriesLabelPosition::UpperRight)?;
    root.present().map_err(|e| e.to_string())
}

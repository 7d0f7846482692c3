//! The model settings panel: what to forecast, from what and how; Train and Cancel.

use leptos::prelude::*;

use super::actions::Actions;
use super::fields::{ChoiceField, NumberField, choices};
use super::state::{AppState, DataState, ModelSettings, RunState};
use crate::jobs::{FillStrategy, HolidayCalendar, ScalerKind};

/// Target, window, horizon, epochs, missing values, scaling, holidays, backend, input
/// features; Train and Cancel.
#[component]
pub(crate) fn SettingsPanel() -> impl IntoView {
    let actions = expect_context::<Actions>();
    let run = expect_context::<RunState>();
    let data = expect_context::<DataState>();
    let model = expect_context::<ModelSettings>();
    let busy = Signal::derive(move || run.busy());
    let has_data = move || data.summary.with(Option::is_some);
    let columns = move || data.numeric_columns();
    view! {
        <section class="panel settings">
            <h2>"Model"</h2>
            <div class="fields">
                <label class="field">"Target"
                    <select data-testid="target-select" prop:disabled=move || busy.get() || !has_data()
                        on:change=move |ev| model.target.set(event_target_value(&ev))
                        prop:value=move || model.target.get()>
                        {move || columns().into_iter().map(|c| {
                            let selected = c == model.target.get_untracked();
                            view! { <option value=c.clone() selected=selected>{c.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <NumberField label="Window" testid="window-input" value=model.window min=1 busy=busy />
                <NumberField label="Horizon" testid="horizon-input" value=model.horizon min=1 busy=busy />
                <NumberField label="Epochs" testid="epochs-input" value=model.epochs min=1 busy=busy />
                <label class="field" title="Adam's step size. Too high and training diverges: the run stops and names the epoch, earlier results stay.">"Learning rate"
                    <input type="text" size="8" data-testid="lr-input" prop:disabled=move || busy.get()
                        prop:value=move || model.learning_rate.get()
                        on:change=move |ev| model.learning_rate.set(event_target_value(&ev)) /></label>
                <ChoiceField label="Missing values".into() testid="fill-select" busy=busy current="ffill".into()
                    options=choices(&[("ffill", "carry forward"), ("linear", "linear in time"), ("seasonal", "last season's value"), ("drop", "drop those rows")])
                    on_pick=move |v| model.fill.set(FillStrategy::from_name(&v).unwrap_or_default()) />
                <ChoiceField label="Scaling".into() testid="scaler-select" busy=busy current="minmax".into()
                    options=choices(&[("minmax", "min-max"), ("extended:0.1", "extended min-max (±10%)"), ("extended:0.1:floor", "extended min-max, floor 0"), ("standard", "standard (z-score)"), ("robust", "robust (median, IQR)")])
                    on_pick=move |v| model.scaler.set(ScalerKind::from_name(&v).unwrap_or_default()) />
                <ChoiceField label="Holidays".into() testid="holidays-select" busy=busy current="none".into()
                    options=choices(&[("none", "none"), ("kr", "Korea"), ("us", "United States")])
                    on_pick=move |v| model.holidays.set(HolidayCalendar::from_name(&v).unwrap_or_default()) />
                <label class="field">"Holiday file"
                    <input type="file" accept=".json,.csv,.txt" data-testid="holiday-input" prop:disabled=move || busy.get()
                        on:change=move |ev: web_sys::Event| {
                            let input: web_sys::HtmlInputElement = event_target(&ev);
                            if let Some(file) = input.files().and_then(|f| f.get(0)) { actions.load_holidays(file); }
                            input.set_value("");
                        } />
                    <span class="hint" data-testid="holiday-count">{move || match model.user_holidays.with(Vec::len) { 0 => String::new(), n => format!("{n} dates") }}</span>
                </label>
                <label class="field">"Backend"
                    <select data-testid="backend-select" prop:disabled=move || busy.get()
                        on:change=move |ev| model.backend.set(event_target_value(&ev).parse().unwrap_or_default())>
                        <option value="auto" selected=true>"Automatic (fastest here)"</option>
                        <option value="gpu">"GPU (WebGPU)"</option>
                        <option value="cpu">"CPU"</option>
                    </select>
                </label>
            </div>
            <fieldset class="features" data-testid="features">
                <legend>"Input features (besides the target)"</legend>
                {move || columns().into_iter().filter(|c| *c != model.target.get()).map(|c| {
                    let name = c.clone();
                    let known = c.clone();
                    let checked = model.features.with(|f| f.contains(&c));
                    let ahead = model.known_ahead.with(|f| f.contains(&c));
                    let unticked = !checked;
                    view! {
                        <span class="feature"><label><input type="checkbox" data-testid=format!("feature-{c}") prop:checked=checked
                            prop:disabled=move || busy.get()
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                model.features.update(|f| { f.retain(|x| *x != name); if on { f.push(name.clone()) } });
                            } />{c.clone()}</label>
                            <label class="ahead" title="Its values are known ahead (a plan, a holiday flag, a weather forecast): the regressions and boosted trees read it at the steps they forecast, prophet takes it as an extra regressor; the rest read only its past. Tick the input first.">
                                <input type="checkbox" data-testid=format!("ahead-{c}") prop:checked=ahead
                                    prop:disabled=move || busy.get() || unticked
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        model.known_ahead.update(|f| { f.retain(|x| *x != known); if on { f.push(known.clone()) } });
                                    } />"known ahead"</label></span>
                    }
                }).collect_view()}
            </fieldset>
            <p class="defaults">"Stacked LSTM 64→32, dropout 0.2/0.1, L2 1e-4, Adam lr 1e-3, batch 64; chronological 80/20 split, last 10% of training windows for validation; early stopping (patience 7) keeps the best weights; scaling fitted on the training part only; calendar features (hour, weekday, month, day-of-year sin/cos, business-day and holiday flags) where the frequency gives them information."</p>
            <div class="actions">
                <button data-testid="train-button" class="primary" prop:disabled=move || busy.get() || !has_data()
                    on:click=move |_| actions.train()>"Train"</button>
                <button data-testid="cancel-button" prop:disabled=move || run.state.get() != AppState::Training
                    on:click=move |_| actions.cancel()>"Cancel"</button>
            </div>
        </section>
    }
}

//! Form fields shared by the panels: a numeric input and a select of choices.

use leptos::prelude::*;

/// A numeric input bound to a signal; ignores what does not parse.
#[component]
pub(crate) fn NumberField(
    label: &'static str,
    testid: &'static str,
    value: RwSignal<usize>,
    min: usize,
    busy: Signal<bool>,
) -> impl IntoView {
    view! {
        <label class="field">{label}
            <input type="number" min=min step="1" data-testid=testid prop:disabled=move || busy.get()
                prop:value=move || value.get().to_string()
                on:input=move |ev| { if let Ok(v) = event_target_value(&ev).trim().parse::<usize>() { value.set(v) } } />
        </label>
    }
}

/// `(value, label)` pairs for a [`ChoiceField`].
pub(crate) fn choices(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
}

/// A select of choices: `(value, label)` options, the current value, and what to do with a
/// new one.
#[component]
pub(crate) fn ChoiceField(
    label: String,
    testid: &'static str,
    options: Vec<(String, String)>,
    current: String,
    busy: Signal<bool>,
    on_pick: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <label class="field">{label}
            <select data-testid=testid prop:disabled=move || busy.get()
                on:change=move |ev| on_pick(event_target_value(&ev))>
                {options.into_iter().map(|(value, text)| {
                    let selected = value == current;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

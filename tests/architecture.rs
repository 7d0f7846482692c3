//! The one-way arrows between top-level modules of `src/`, checked on the sources: a module
//! imports only modules of a lower layer, and the shells reach the engine through `jobs`
//! (and the device choice in `backend`, the benchmark in `bench`), never through the
//! reader, the metrics or the forecasting layer directly.

use std::collections::BTreeMap;
use std::path::Path;

/// Layers, lowest first; a module may import modules of strictly lower layers.
const LAYERS: &[&[&str]] = &[
    &["rng", "backend"],
    &["data"],
    &["models"],
    &["eval"],
    &["train"],
    &["forecast", "bench"],
    &["jobs"],
    &["cli", "web"],
];

/// What the shells may not import even though it is below them.
const SHELL_FORBIDDEN: &[&str] = &["data", "eval", "forecast"];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// Every `crate::name` a file refers to outside comments.
fn crate_refs(text: &str) -> Vec<String> {
    let mut out = vec![];
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            // `crate::{a, b::c}` names several modules at once (on one line).
            if let Some(group) = after.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.push(name);
                    }
                }
            }
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
            rest = after;
        }
    }
    out
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn references_are_found_in_paths_and_groups_but_not_comments() {
    let text = "use crate::data::Frame;\nuse crate::{eval, train::Host};\n// crate::web\n";
    assert_eq!(crate_refs(text), ["data", "eval", "train"]);
}

#[test]
fn arrows_between_top_level_modules_point_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = vec![];
    files(&src, &mut all);
    let mut edges: BTreeMap<(String, String), String> = BTreeMap::new();
    for path in &all {
        let relative = path.strip_prefix(&src).expect("under src");
        let first = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or_default();
        let module = first.trim_end_matches(".rs");
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("readable");
        for target in crate_refs(&text) {
            if target != module && layer_of(&target).is_some() {
                edges
                    .entry((module.to_string(), target))
                    .or_insert_with(|| relative.display().to_string());
            }
        }
    }
    let mut wrong = vec![];
    for ((from, to), file) in &edges {
        let (Some(a), Some(b)) = (layer_of(from), layer_of(to)) else {
            wrong.push(format!("{file}: module '{from}' is not in a layer"));
            continue;
        };
        if b >= a {
            wrong.push(format!(
                "{file}: {from} imports {to} (same or higher layer)"
            ));
        }
        if ["cli", "web"].contains(&from.as_str()) && SHELL_FORBIDDEN.contains(&to.as_str()) {
            wrong.push(format!(
                "{file}: the shell '{from}' imports '{to}'; take it from crate::jobs"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "arrows that point the wrong way:\n{}",
        wrong.join("\n")
    );
    // The check sees the modules it should: the engine's layers are all there.
    for layer in LAYERS {
        for module in *layer {
            let exists = src.join(module).is_dir() || src.join(format!("{module}.rs")).is_file();
            assert!(exists, "src/{module} is gone: update LAYERS");
        }
    }
}

#[test]
fn no_source_file_outgrows_the_house_rule() {
    // Numeric kernels may be long; everything else stays under ~800 lines.
    const KERNELS: &[&str] = &["lstm_kernel/cpu.rs", "stats/ets.rs"];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = vec![];
    files(&src, &mut all);
    let long: Vec<String> = all
        .iter()
        .filter(|p| !KERNELS.iter().any(|k| p.ends_with(k)))
        .filter_map(|p| {
            let lines = std::fs::read_to_string(p).ok()?.lines().count();
            (lines > 850).then(|| format!("{} ({lines} lines)", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "files over the limit: {}", long.join(", "));
}

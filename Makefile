# Foresight build glue. Quick start: `make serve` (app on http://127.0.0.1:8080) and
# `make test` (every test). Both install what is missing first (.ci/setup.sh).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

# One target dir outside the clone, reused across clones and runs; one profile (dev, with
# optimised dependencies) shared by the CLI, native tests, the served app and browser tests.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/foresight-target
PORT ?= 8080
WASM := $(CARGO_TARGET_DIR)/wasm32-unknown-unknown/debug/foresight.wasm
# The served app builds Foresight's own crate at opt-level 3 (the CPU LSTM kernel's inner
# loops), as a release would, without rebuilding the shared optimised dependencies.
WEB_OPT := --config 'profile.dev.package.foresight.opt-level=3' \
	--config 'profile.dev.package.foresight.debug-assertions=false' \
	--config 'profile.dev.package.foresight.overflow-checks=false'
export CHROMEDRIVER ?= /usr/bin/chromedriver
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER := wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT ?= 600

.PHONY: setup lint web serve test test-native test-browser test-e2e bench bench-web bench-parse bench-lstm-web bench-ui-flow bench-stats bench-pick bench-factors bench-binary pyref bench-lstm fmt

setup:
	@bash .ci/setup.sh

## Build the browser app into dist/.
web: setup
	cargo rustc --lib --target wasm32-unknown-unknown --crate-type cdylib $(WEB_OPT)
	rm -rf dist && mkdir -p dist/pkg
	wasm-bindgen --target web --no-typescript --out-dir dist/pkg $(WASM)
	cp -r public/. dist/
	cp index.html dist/
	cp -r style dist/style

## Serve the app on http://127.0.0.1:$(PORT) (Ctrl-C stops it).
serve: web
	@echo "Foresight: open http://127.0.0.1:$(PORT)/"
	python3 -m http.server $(PORT) --bind 127.0.0.1 --directory dist

## Every test: formatting and lints, native unit + integration (CPU and wgpu on
## Vulkan/lavapipe), browser tests (wasm-bindgen-test in headless Chromium with WebGPU),
## end-to-end UI tests.
test: lint test-native test-browser test-e2e

## Formatting and clippy (warnings are errors) for the native build and the browser build.
lint: setup
	cargo fmt --all --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --test web --test web_bench -- -D warnings

test-native: setup
	cargo test

test-browser: setup
	cargo test --target wasm32-unknown-unknown --test web

test-e2e: web
	cargo build
	node --test tests/e2e/

## Benchmarks (figures go to BENCHMARKS.md by hand, with these commands).
bench-parse: web
	node tests/e2e/bench_parse.mjs

## LSTM training step in the browser: Foresight's CPU kernel (wasm) vs TF.js cpu/wasm/webgl/
## webgpu in one Chromium page (PEERS=--no-peers: Foresight alone; WINDOW, STEPS, ROUNDS, BACKENDS,
## FORESIGHT_GPU=1: see the script).
bench-lstm-web: web
	node tests/e2e/bench_lstm.mjs $(PEERS)

## The page's whole flow at default settings (open, sample, Train, results), timed.
bench-ui-flow: web
	node tests/e2e/bench_ui_flow.mjs

bench: setup
	cargo run -- bench --backend cpu --steps 3
	cargo run -- bench --backend gpu --steps 2

bench-web: setup
	cargo test --target wasm32-unknown-unknown --test web_bench -- --nocapture

## Foresight's CLI with its own crate at opt-level 3 (as a release build, without rebuilding
## the shared dependencies), kept as foresight-bench; the dev build is restored after.
BENCH_BIN := $(CARGO_TARGET_DIR)/foresight-bench
bench-binary: setup
	cargo build --bin foresight $(WEB_OPT)
	cp $(CARGO_TARGET_DIR)/debug/foresight $(BENCH_BIN)
	cargo build --bin foresight

## The statistical peers' venv (StatsForecast, pmdarima, statsmodels, sklearn), made on first use.
PYREF ?= $(HOME)/.cache/foresight-pyref
pyref:
	test -x $(PYREF)/bin/python || python3 -m venv $(PYREF)
	$(PYREF)/bin/python -c "import statsforecast, pmdarima, sklearn, utilsforecast, arch, lightgbm, prophet" 2>/dev/null || \
		$(PYREF)/bin/pip install statsforecast==2.1.1 pmdarima==2.1.1 scikit-learn utilsforecast arch==8.0.0 lightgbm==4.7.0 prophet==1.5.0

## AutoETS / auto-ARIMA / Theta / CES / MSTL against StatsForecast and pmdarima, and GARCH /
## VAR / ridge / lasso / elastic net / boosted trees / Prophet-style against arch,
## statsmodels, scikit-learn, LightGBM and Prophet; PEERS=--no-peers times Foresight alone.
bench-stats: bench-binary pyref
	$(PYREF)/bin/python tests/bench/stats_peers.py --foresight $(BENCH_BIN) $(PEERS)

## The leaderboard's pick against the best peer on real series from ../shared/data (half
## of them in none of the repo's fixtures; DATA="--data DIR" elsewhere), with the pick's
## conformal coverage and wall time.
bench-pick: bench-binary pyref
	$(PYREF)/bin/python tests/bench/pick_peers.py --foresight $(BENCH_BIN) $(DATA) $(PEERS)

## The same question on six price and macro series with related columns given as factors
## (--features), against arch, statsmodels VAR, sklearn, LightGBM, Prophet and StatsForecast.
bench-factors: bench-binary pyref
	$(PYREF)/bin/python tests/bench/factor_peers.py --foresight $(BENCH_BIN) $(DATA) $(PEERS)

## LSTM training step and single-window inference: Foresight's native CPU kernel (1 and 2
## threads) against PyTorch at the same thread counts (a venv with torch is made on first
## use); PEERS=--no-peers times Foresight alone.
TORCHENV ?= $(HOME)/.cache/foresight-torch
bench-lstm: bench-binary
	test -n "$(PEERS)" || test -x $(TORCHENV)/bin/python || python3 -m venv $(TORCHENV)
	test -n "$(PEERS)" || $(TORCHENV)/bin/python -c "import torch" 2>/dev/null || \
		$(TORCHENV)/bin/pip install torch
	python3 tests/bench/lstm_peers.py --foresight $(BENCH_BIN) \
		--torch-python $(TORCHENV)/bin/python $(PEERS)

fmt:
	cargo fmt --all

// LSTM training step in the browser: Foresight (its fused CPU kernel in wasm, on one worker
// and with a helper worker taking half of each batch, and optionally WebGPU) against TF.js 4.22.0 on its cpu, wasm (SIMD), webgl and webgpu backends, all in the
// same headless Chromium page. The model is the seed-004 reference of tests/bench/lstm_torch.py
// (batch 64, window 168, 6 features, LSTM 64 → dropout 0.2 → LSTM 32 → dropout 0.1 → Dense 1,
// MSE, Adam lr 1e-3). A training step is forward + backward + Adam update + reading the loss
// back (TF.js: model.trainOnBatch, which awaits loss.data()); one untimed warm-up step, then
// the median of the timed steps. Single-window inference: predict on [1, window, 6] with the
// result read back, median of 20 runs after a warm-up (3 on the slow TF.js paths). Prints one JSON line per figure (the
// format of tests/bench/lstm_peers.py), then a Markdown table for BENCHMARKS.md.
//
// Run with `make bench-lstm-web` (builds dist/ first), or on an existing dist/:
//   node tests/e2e/bench_lstm.mjs [--no-peers]
// Environment knobs:
//   WINDOW=168          sequence length
//   STEPS=5             timed steps for the fast paths (browser-cpu, tfjs-wasm, tfjs-webgl)
//   SLOW_STEPS=2        timed steps for the slow paths (tfjs-cpu, tfjs-webgpu, browser-webgpu:
//                       WebGPU is SwiftShader in headless Chromium without a GPU)
//   INFER_RUNS=20       timed single-window inference runs, TF.js fast paths (Foresight's
//                       bench_lstm always times 20)
//   SLOW_INFER_RUNS=3   the same on tfjs-cpu and tfjs-webgpu (seconds a run on SwiftShader)
//   ROUNDS=1            rounds; each runs every path, Foresight and TF.js interleaved, and a
//                       path's figure is the median over rounds
//   BACKENDS=cpu,wasm,webgl,webgpu   TF.js backends to time (none: Foresight alone, as --no-peers)
//   FORESIGHT_GPU=1     also time Foresight on WebGPU (off by default: slow on SwiftShader)
//   CHROMIUM=/usr/bin/chromium
// A backend that fails to start (or to train) is reported as failed with its error.
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';
import { serveDist, launchChromium } from './bench_page.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const modules = path.join(root, 'tests/e2e/node_modules');
const window = Number(process.env.WINDOW || 168);
const steps = Number(process.env.STEPS || 5);
const slowSteps = Number(process.env.SLOW_STEPS || 2);
const inferRuns = Number(process.env.INFER_RUNS || 20);
const slowInferRuns = Number(process.env.SLOW_INFER_RUNS || 3);
const rounds = Number(process.env.ROUNDS || 1);
// `--no-peers` (or BACKENDS=none) times Foresight's own paths alone.
const noPeers = process.argv.includes('--no-peers') || process.env.BACKENDS === 'none';
const backends = noPeers ? [] : (process.env.BACKENDS || 'cpu,wasm,webgl,webgpu').split(',').map((s) => s.trim()).filter(Boolean);
const foresightGpu = process.env.FORESIGHT_GPU === '1';
const TFJS = '4.22.0';
const slow = new Set(['tfjs-cpu', 'tfjs-webgpu', 'browser-webgpu']);

const scripts = {
  tf: path.join(modules, '@tensorflow/tfjs/dist/tf.min.js'),
  wasm: path.join(modules, '@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js'),
  webgpu: path.join(modules, '@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js'),
};
for (const file of Object.values(scripts)) {
  if (!fs.existsSync(file)) {
    console.error(`missing ${path.relative(root, file)}: run (cd tests/e2e && npm ci)`);
    process.exit(1);
  }
}
if (!fs.existsSync(path.join(root, 'dist/pkg/foresight_bg.wasm'))) {
  console.error('missing dist/pkg: run `make web` first');
  process.exit(1);
}

const { port, server } = await serveDist(root);
// WebGPU on SwiftShader, as in tests/e2e/app.test.mjs.
const browser = await launchChromium(['--enable-unsafe-webgpu']);

const started = performance.now();
const results = {}; // path -> [figure per round]
const failures = {}; // path -> error message
const wasmFiles = new Set();

// One TF.js backend in the page: build the reference model, time trainOnBatch and predict.
async function tfjsPath(page, backend, timedSteps, inferRuns) {
  return page.evaluate(async ({ backend, window, timedSteps, inferRuns }) => {
    const tf = globalThis.tf;
    const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
    if (backend === 'wasm') tf.wasm.setWasmPaths('/tfjs/');
    let ok;
    try {
      ok = await tf.setBackend(backend);
      await tf.ready();
    } catch (e) {
      throw new Error(`setBackend('${backend}') threw: ${e?.message || e}`);
    }
    if (!ok || tf.getBackend() !== backend) throw new Error(`setBackend('${backend}') failed (active backend: ${tf.getBackend()})`);
    const info = { backend: tf.getBackend() };
    if (backend === 'wasm') {
      info.wasm_simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      info.wasm_threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    }
    if (backend === 'webgl') {
      const gl = tf.backend().gpgpu?.gl;
      const ext = gl?.getExtension('WEBGL_debug_renderer_info');
      if (ext) info.renderer = gl.getParameter(ext.UNMASKED_RENDERER_WEBGL);
      info.webgl_version = tf.env().getNumber('WEBGL_VERSION');
    }
    if (backend === 'webgpu') {
      const adapterInfo = tf.backend().adapterInfo;
      if (adapterInfo) info.adapter = [adapterInfo.vendor, adapterInfo.architecture, adapterInfo.description].filter(Boolean).join(' ');
    }
    const engine = tf.engine();
    const batch = 64, features = 6;
    const x = tf.randomUniform([batch, window, features]);
    const y = tf.randomUniform([batch, 1]);
    const x1 = tf.randomUniform([1, window, features]);
    // The seed-004 reference model, as tests/bench/lstm_torch.py (PyTorch's LSTM gates use
    // the logistic sigmoid; TF.js's default recurrentActivation is hardSigmoid).
    const model = tf.sequential();
    model.add(tf.layers.lstm({ units: 64, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [window, features] }));
    model.add(tf.layers.dropout({ rate: 0.2 }));
    model.add(tf.layers.lstm({ units: 32, recurrentActivation: 'sigmoid' }));
    model.add(tf.layers.dropout({ rate: 0.1 }));
    model.add(tf.layers.dense({ units: 1 }));
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
    // Kernels per training step: count engine.runKernelFunc calls (every kernel, forward and
    // backward, goes through it) during the timed steps; a counter costs nothing next to a
    // kernel, unlike tf.profile, which reads every kernel's output back.
    const runKernelFunc = engine.runKernelFunc;
    let kernels = 0, counting = false;
    engine.runKernelFunc = function (...args) { if (counting) kernels++; return runKernelFunc.apply(this, args); };
    try {
      const stepMs = [];
      let loss;
      for (let step = 0; step <= timedSteps; step++) {
        counting = step > 0; // the first step warms up (shader compiles, Adam's slots)
        const t0 = performance.now();
        loss = await model.trainOnBatch(x, y); // reads the loss back (await loss.data())
        const ms = performance.now() - t0;
        if (step > 0) stepMs.push(ms);
      }
      counting = false;
      if (!Number.isFinite(loss)) throw new Error(`loss is ${loss}`);
      const inferMs = [];
      for (let run = 0; run <= inferRuns; run++) {
        const t0 = performance.now();
        const out = model.predict(x1);
        await out.data();
        const ms = performance.now() - t0;
        out.dispose();
        if (run > 0) inferMs.push(ms);
      }
      return {
        ms_per_step: median(stepMs), ms_infer_b1: median(inferMs), steps: stepMs,
        kernels_per_step: Math.round(kernels / timedSteps), loss, info,
      };
    } finally {
      engine.runKernelFunc = runKernelFunc;
      model.dispose();
      tf.dispose([x, y, x1]);
      tf.disposeVariables();
    }
  }, { backend, window, timedSteps, inferRuns });
}

// Foresight's own benchmark entry point (src/web/mod.rs bench_lstm), in the same page.
// workers 2: a helper worker takes half of each batch (the app does this on two cores or more).
async function foresightPath(page, backend, timedSteps, workers = 1) {
  return page.evaluate(async ({ backend, window, timedSteps, workers }) => {
    const m = await import('./pkg/foresight.js');
    const t0 = performance.now();
    const out = JSON.parse(await m.bench_lstm(backend, window, timedSteps, workers));
    return { ...out, wall_ms: performance.now() - t0 };
  }, { backend, window, timedSteps, workers });
}

try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  // TF.js's wasm binaries come straight from node_modules (dist/ stays as `make web` left it).
  await page.route('**/tfjs/*.wasm', (route) => {
    const name = path.basename(new URL(route.request().url()).pathname);
    wasmFiles.add(name);
    const file = path.join(modules, '@tensorflow/tfjs-backend-wasm/dist', name);
    if (!fs.existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, contentType: 'application/wasm', body: fs.readFileSync(file) });
  });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('[data-testid="app"]');
  await page.addScriptTag({ path: scripts.tf });
  for (const [name, file] of [['wasm', scripts.wasm], ['webgpu', scripts.webgpu]]) {
    if (!backends.includes(name)) continue;
    try {
      await page.addScriptTag({ path: file });
    } catch (e) {
      failures[`tfjs-${name}`] = `loading ${path.basename(file)}: ${e.message.split('\n')[0]}`;
    }
  }
  const tfVersion = await page.evaluate(() => tf.version.tfjs);
  const chrome = await browser.version();
  console.error(`# window ${window}, batch 64, ${rounds} round(s), ${steps} timed steps (slow paths ${slowSteps}), Chromium ${chrome}, TF.js ${tfVersion}`);

  const paths = [
    { path: 'browser-cpu', run: (n) => foresightPath(page, 'cpu', n) },
    { path: 'browser-cpu-2w', run: (n) => foresightPath(page, 'cpu', n, 2) },
    ...(foresightGpu ? [{ path: 'browser-webgpu', run: (n) => foresightPath(page, 'gpu', n) }] : []),
    ...backends.map((b) => ({ path: `tfjs-${b}`, run: (n) => tfjsPath(page, b, n, slow.has(`tfjs-${b}`) ? slowInferRuns : inferRuns) })),
  ];
  // Interleave: Foresight CPU, then each TF.js backend, then Foresight again in later rounds.
  for (let round = 0; round < rounds; round++) {
    for (const p of paths) {
      if (failures[p.path]) continue;
      const n = slow.has(p.path) ? slowSteps : steps;
      const t0 = performance.now();
      try {
        const r = await p.run(n);
        (results[p.path] ||= []).push(r);
        console.error(`#   round ${round + 1} ${p.path}: ${r.ms_per_step.toFixed(1)} ms/step, infer ${r.ms_infer_b1.toFixed(2)} ms `
          + `(${((performance.now() - t0) / 1000).toFixed(1)} s wall)`);
      } catch (e) {
        failures[p.path] = e.message.split('\n')[0].replace(/^page\.evaluate: (Error: )?/, '');
        console.error(`#   ${p.path} failed: ${failures[p.path]}`);
      }
    }
  }

  const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const round2 = (v, d) => Math.round(v * 10 ** d) / 10 ** d;
  const rows = [];
  for (const p of paths) {
    const rs = results[p.path];
    if (!rs) {
      console.log(JSON.stringify({ path: p.path, model: 's4-reference', window, failed: failures[p.path] || 'no result' }));
      continue;
    }
    const line = {
      path: p.path, model: 's4-reference', window,
      ms_per_step: round2(median(rs.map((r) => r.ms_per_step)), 2),
      ms_infer_b1: round2(median(rs.map((r) => r.ms_infer_b1)), 3),
    };
    if (p.path.startsWith('browser-')) {
      line.backend = rs[0].backend;
      line.workers = rs[0].workers;
    } else {
      line.tfjs = tfVersion;
      line.kernels_per_step = rs[0].kernels_per_step;
      Object.assign(line, rs[0].info);
      delete line.backend;
      if (p.path === 'tfjs-wasm') line.wasm_binary = [...wasmFiles].join(',');
    }
    line.steps = slow.has(p.path) ? slowSteps : steps;
    line.infer_runs = p.path.startsWith('browser-') ? 20 : slow.has(p.path) ? slowInferRuns : inferRuns;
    line.rounds = rs.length;
    if (failures[p.path]) line.failed_later = failures[p.path];
    console.log(JSON.stringify(line));
    rows.push(line);
  }

  const tfjsBest = rows.filter((r) => r.path.startsWith('tfjs-')).sort((a, b) => a.ms_per_step - b.ms_per_step)[0];
  console.log('');
  console.log(`window ${window}, batch 64, Chromium ${chrome}, TF.js ${tfVersion}; median of ${steps} steps (${slowSteps} on ${[...slow].join(', ')}), inference median of 20 runs (${slowInferRuns} on tfjs-cpu, tfjs-webgpu), ${rounds} round(s)`);
  console.log('');
  console.log(`| path | ms per step | single-window inference ms | TF.js best step ÷ this path's step${tfjsBest ? ` (best: ${tfjsBest.path})` : ''} |`);
  console.log('|---|---:|---:|---:|');
  for (const r of rows) {
    const ratio = tfjsBest ? `${(tfjsBest.ms_per_step / r.ms_per_step).toFixed(2)}×` : 'n/a';
    console.log(`| ${r.path} | ${r.ms_per_step.toFixed(1)} | ${r.ms_infer_b1.toFixed(2)} | ${ratio} |`);
  }
  for (const p of paths) {
    if (!results[p.path]) console.log(`| ${p.path} | failed: ${failures[p.path] || 'no result'} | | |`);
  }
  console.error(`# wall time ${((performance.now() - started) / 1000).toFixed(0)} s`);
} finally {
  await browser.close();
  server.kill();
}

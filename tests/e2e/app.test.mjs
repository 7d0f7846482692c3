// End-to-end tests: the built app (dist/) served on loopback, driven in Debian's headless
// Chromium through the data-testid contract, as a user would. Training runs in the app's
// Web Worker on WebGPU (SwiftShader). Writes docs/screenshot.png for the README.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { chromium } from 'playwright-core';
import { waitForAppState, readTable } from './bench_page.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
let server, browser, page, base;
const requested = [];

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function waitForServer(url, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server at ${url} did not start`);
}

const byId = (id) => `[data-testid="${id}"]`;
const state = () => page.getAttribute(byId('app'), 'data-state');
const waitState = (expected, timeout) => waitForAppState(page, expected, timeout);
async function setNumber(id, value) {
  await page.fill(byId(id), String(value));
}

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'pkg', 'foresight_bg.wasm')), 'run `make web` first');
  const port = await freePort();
  base = `http://127.0.0.1:${port}/`;
  server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dist], { stdio: 'ignore' });
  await waitForServer(base);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-dev-shm-usage', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 1500 }, deviceScaleFactor: 1 });
  // Every request of the page and its workers, for the privacy check at the end.
  page.context().on('request', (r) => requested.push(r.url()));
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(base);
  await page.waitForSelector(byId('app'));
});

after(async () => {
  await browser?.close();
  server?.kill();
});

test('the worker finds a WebGPU adapter and says which backend runs', async () => {
  await page.waitForFunction((sel) => !document.querySelector(sel)?.textContent.includes('starting'), byId('backend-label'), { timeout: 120000 });
  // Headless Chromium's adapter is SwiftShader, a software renderer: "auto" trains on the
  // CPU kernel there and says why (the notice names the adapter, so one was found).
  assert.equal(await page.textContent(byId('backend-label')), 'CPU (ndarray)');
  assert.match(await page.textContent(byId('notice')), /adapter is a software renderer \(.*swiftshader/i);
  assert.equal(await state(), 'idle');
});

test('sample → train a tiny model in the worker → metrics and charts', async () => {
  await page.click(byId('sample-button'));
  await waitState('ready');
  assert.equal(await page.textContent(byId('summary-rows')), '1028');
  assert.equal(await page.textContent(byId('summary-frequency')), 'weekly (Fridays)');
  assert.equal(await page.inputValue(byId('target-select')), 'mn_midgrade_gasoline_price_usd_gal');
  await setNumber('window-input', 4);
  await setNumber('horizon-input', 2);
  await setNumber('epochs-input', 3);
  await page.click(byId('train-button'));
  await waitState('training', 10000);
  // The page stays responsive while the worker trains: the progress bar moves.
  await page.waitForFunction((sel) => Number(document.querySelector(sel)?.value) > 0, byId('progress'), { timeout: 300000 });
  assert.match(await page.textContent(byId('progress-text')), /epoch \d+\/3 · batch \d+\/\d+ · train loss/);
  await waitState(['done', 'error'], 600000);
  assert.equal(await state(), 'done', await page.textContent('body'));

  const rows = await readTable(page, 'metrics-table');
  for (const name of ['MAE', 'RMSE']) {
    const v = Number(rows[name]);
    assert.ok(Number.isFinite(v) && v > 0 && v < 2, `${name} = ${rows[name]}`);
  }
  assert.match(rows.MAPE, /^\d+(\.\d+)?%$/);
  assert.equal(rows.Backend, 'CPU (ndarray)');
  const [first, last] = rows['Train loss (first → last epoch)'].split(' → ').map(Number);
  assert.ok(last < first, `loss falls in the worker: ${first} → ${last}`);

  for (const id of ['forecast-chart', 'loss-chart']) {
    const painted = await page.$eval(byId(id), (c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 200) dark++;
      return { dark, w: c.width };
    });
    assert.ok(painted.w >= 300 && painted.dark > 500, `${id} is drawn: ${JSON.stringify(painted)}`);
  }
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  await page.screenshot({ path: path.join(root, 'docs', 'screenshot.png'), fullPage: true });
});

test('failure drill: a run that diverges names its epoch and keeps the earlier results', async () => {
  // The results of the run above are on the page.
  const before = await readTable(page, 'metrics-table');
  await page.fill(byId('lr-input'), '1e30');
  await page.locator(byId('lr-input')).dispatchEvent('change');
  await page.click(byId('train-button'));
  await waitState('error', 300000);
  assert.match(await page.textContent(byId('error-banner')), /training diverged at epoch 1 \(loss is (inf|NaN)\)/);
  assert.deepEqual(await readTable(page, 'metrics-table'), before, 'the earlier results stay');
  // A learning rate that is no number is named as such.
  await page.fill(byId('lr-input'), 'fast');
  await page.locator(byId('lr-input')).dispatchEvent('change');
  await page.click(byId('train-button'));
  await waitState('error', 5000);
  assert.match(await page.textContent(byId('error-banner')), /Learning rate: expected a positive number such as 0\.001, got 'fast'/);
  await page.fill(byId('lr-input'), '0.001');
  await page.locator(byId('lr-input')).dispatchEvent('change');
  // Dismissing the message returns the page to its results.
  await page.click(`${byId('error-banner')} button.dismiss`);
  await waitState('done', 5000);
});

test('a holiday file is read by the worker, its bytes sent beside the job', async () => {
  const days = Buffer.from('["2019-12-25", "2020-01-01", "2020-07-03"]');
  await page.setInputFiles(byId('holiday-input'), { name: 'days.json', mimeType: 'application/json', buffer: days });
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '3 dates', byId('holiday-count'), { timeout: 30000 });
  assert.equal(await state(), 'done');
});

test('on two cores or more, a helper worker computes half of each CPU training batch', async () => {
  // The engine worker started its helper (a second wasm instance in a nested worker) on the
  // first CPU run above; by this run it has loaded, so batches are split from the start.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await page.click(byId('train-button'));
  await waitState(['done', 'error'], 600000);
  assert.equal(await state(), 'done', await page.textContent('body'));
  const rows = await readTable(page, 'metrics-table');
  assert.equal(rows.Backend, 'CPU (ndarray)');
  const [split, total] = rows['Steps split with a helper worker'].split(' of ').map(Number);
  assert.ok(total > 0 && split <= total, rows['Steps split with a helper worker']);
  if (cores >= 2) assert.ok(split > 0, `${cores} cores, yet no step was split: ${split} of ${total}`);
  else assert.equal(split, 0);
  const [first, last] = rows['Train loss (first → last epoch)'].split(' → ').map(Number);
  assert.ok(last < first, `loss falls with the batch split: ${first} → ${last}`);
});

test('choosing GPU trains on WebGPU in the worker', async () => {
  await page.selectOption(byId('backend-select'), 'gpu');
  await setNumber('epochs-input', 2);
  await page.click(byId('train-button'));
  await waitState(['done', 'error'], 600000);
  assert.equal(await state(), 'done', await page.textContent('body'));
  const rows = await readTable(page, 'metrics-table');
  assert.equal(rows.Backend, 'WebGPU');
  assert.match(rows['Steps split with a helper worker'], /^0 of \d+$/, 'no helper on the GPU');
  assert.ok(Number(rows.MAE) > 0, `MAE = ${rows.MAE}`);
  await page.selectOption(byId('backend-select'), 'auto');
});

test('cancel stops a long run within two seconds and keeps the page usable', async () => {
  await setNumber('window-input', 52);
  await setNumber('epochs-input', 200);
  await page.click(byId('train-button'));
  await waitState('training', 10000);
  await page.waitForFunction((sel) => Number(document.querySelector(sel)?.value) > 0, byId('progress'), { timeout: 300000 });
  const t0 = Date.now();
  await page.click(byId('cancel-button'));
  await waitState(['done', 'ready'], 5000);
  assert.ok(Date.now() - t0 < 2500, `cancel took ${Date.now() - t0} ms`);
  // Earlier results are kept, and the app still trains after a cancel.
  assert.equal(await state(), 'done');
  assert.ok(await page.isVisible(byId('metrics-table')));
  assert.equal(await page.isDisabled(byId('train-button')), false);
  // A run started at once is not stopped by that cancel: its fallback (terminate the worker
  // if the cancelled run still goes on after 1.5 s) is for the cancelled run only.
  await page.click(byId('train-button'));
  await waitState('training', 10000);
  await page.waitForTimeout(2500);
  assert.equal(await state(), 'training', 'the run started after the cancel is still training');
  await page.click(byId('cancel-button'));
  await waitState(['done', 'ready'], 5000);
});

test('bad input gives a specific message and keeps what was loaded', async () => {
  const bad = [
    ['photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /photo\.png: this is not a text CSV file/],
    ['empty.csv', Buffer.from(''), /empty\.csv: the file is empty/],
    ['names.csv', Buffer.from('name,city\nann,oslo\nbo,rome\n'), /names\.csv: no numeric column found/],
    ['ragged.csv', Buffer.from('a,b\n1,2\n3\n'), /ragged\.csv: 1 row\(s\) do not have 2 fields as the header does: line 3 has 1/],
  ];
  let first = true;
  for (const [name, buffer, message] of bad) {
    await page.setInputFiles(byId('upload-input'), { name, mimeType: 'text/csv', buffer });
    // The worker reads the file after it finishes the training step that was in flight
    // when the previous test cancelled: on SwiftShader one step at window 52 can take tens
    // of seconds, so the first file may wait for it.
    await waitState('error', first ? 120000 : 20000);
    first = false;
    assert.match(await page.textContent(byId('error-banner')), message);
    // what was loaded before is still there
    assert.equal(await page.textContent(byId('summary-rows')), '1028');
  }
  const allMissing = 'date,price,other\n' + Array.from({ length: 40 }, (_, i) =>
    `2020-01-${String(1 + (i % 28)).padStart(2, '0')}T${String(Math.floor(i / 28)).padStart(2, '0')}:00,,${i}`).join('\n');
  await page.setInputFiles(byId('upload-input'), { name: 'gaps.csv', mimeType: 'text/csv', buffer: Buffer.from(allMissing) });
  await waitState('ready', 20000);
  assert.equal(await page.inputValue(byId('target-select')), 'other', 'the default target has values');
  await page.selectOption(byId('target-select'), 'price');
  await page.click(byId('train-button'));
  await waitState('error', 30000);
  assert.match(await page.textContent(byId('error-banner')), /column 'price' has no values: all 40 rows are missing/);

  await page.click(byId('sample-button'));
  await waitState('ready');
  await setNumber('window-input', 4);
  await setNumber('horizon-input', 100000);
  await page.click(byId('train-button'));
  await waitState('error', 30000);
  assert.match(await page.textContent(byId('error-banner')), /horizon 100000 need at least \d+ rows .* the file has 1028 rows/);
  assert.equal(await page.isDisabled(byId('train-button')), false);
});

const report = () => readTable(page, 'data-report');

test('the data report says what was read, and a changed choice re-reads the file', async () => {
  const korean = fs.readFileSync(path.join(root, 'tests/data/formats/cp949_korean.csv'));
  await page.setInputFiles(byId('upload-input'), { name: 'korean.csv', mimeType: 'text/csv', buffer: korean });
  await waitState('ready', 20000);
  let facts = await report();
  assert.equal(facts.encoding, 'cp949');
  assert.equal(facts['time column'], '일자');
  assert.equal(facts['date format'], 'YYYY년 M월 D일');
  assert.equal(facts.frequency, 'daily');
  assert.equal(facts.rows, '10');
  for (const name of ['delimiter', 'header row', 'columns', 'groups', 'missing periods', 'duplicates', 'unsorted', 'missing markers']) {
    assert.ok(name in facts, `fact ${name}`);
  }
  assert.match(await page.textContent(byId('column-stats')), /currency ￦ removed/);
  // Override: no time column → rows in file order.
  await page.selectOption(byId('read-time-column'), 'none');
  await waitState('ready', 20000);
  facts = await report();
  assert.equal(facts['time column'], 'none (row order)');
  // A wrong encoding choice fails with the line and keeps the data as it was.
  await page.selectOption(byId('read-encoding'), 'utf-8');
  await waitState('error', 20000);
  assert.match(await page.textContent(byId('error-banner')), /korean\.csv: line 1 \(byte 0\) is not valid utf-8; the file looks like cp949/);
  assert.equal((await report())['time column'], 'none (row order)');

  // A panel: groups are detected and one series is chosen for the model.
  const panel = fs.readFileSync(path.join(root, 'tests/data/formats/panel_experiments.csv'));
  await page.setInputFiles(byId('upload-input'), { name: 'panel.csv', mimeType: 'text/csv', buffer: panel });
  await waitState('ready', 20000);
  facts = await report();
  assert.match(facts.groups, /^3 \(column 'exp', detected/);
  const series = await page.$$eval(`${byId('series-select')} option`, (os) => os.map((o) => o.value));
  assert.deepEqual(series, ['1', '2', '3']);
});

test('the data view draws the series with moving averages, and its ACF and PACF', async () => {
  await page.click(byId('sample-button'));
  await waitState('ready', 20000);
  const painted = async (id) => page.$eval(byId(id), (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let dark = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200) dark++;
    return dark;
  });
  await page.waitForFunction((sel) => document.querySelectorAll(`${sel} tbody tr`).length === 25, byId('acf-table'), { timeout: 20000 });
  for (const id of ['series-chart', 'acf-chart', 'pacf-chart']) {
    assert.ok(await painted(id) > 500, `${id} is drawn`);
  }
  const lag1 = await page.$eval(`${byId('acf-table')} tbody tr:nth-child(2)`, (tr) => [...tr.children].map((td) => Number(td.textContent)));
  assert.equal(lag1[0], 1);
  assert.ok(lag1[1] > 0.5 && lag1[1] <= 1, `a weekly fuel price is autocorrelated at lag 1: ${lag1[1]}`);
  // Fewer lags: the engine is asked again.
  await setNumber('acf-lags', 10);
  await page.waitForFunction((sel) => document.querySelectorAll(`${sel} tbody tr`).length === 11, byId('acf-table'), { timeout: 20000 });
});

test('the leaderboard scores every model on the same folds, with the numbers the CLI gives', async () => {
  const csv = path.join(root, 'tests/data/stats/air_passengers_monthly.csv');
  await page.setInputFiles(byId('upload-input'), csv);
  await waitState('ready', 30000);
  await setNumber('horizon-input', 12);
  // Two folds: the fewest that give ensembles a fold to choose on and conformal intervals
  // a spread.
  await setNumber('folds-input', 2);
  // A limit that does not read is refused with the field's name; nothing runs.
  await page.fill(byId('limit-total'), 'ten');
  await page.click(byId('compare-button'));
  await waitState('error', 10000);
  assert.match(await page.textContent(byId('error-banner')), /limit-total: 'ten' is not a limit/);
  await page.fill(byId('limit-total'), '');
  // Forecasts held to a step limit and a floor, as the CLI's --limit-step and --floor.
  await page.fill(byId('limit-step'), '12%');
  await page.fill(byId('limit-floor'), '0');
  await page.click(byId('compare-button'));
  await page.waitForSelector(`${byId('leaderboard')} tr[data-model="ens-stack"]`, { timeout: 240000 });
  await waitState('ready');
  const models = await page.$$eval(`${byId('leaderboard')} tbody tr`, (rows) => rows.map((r) => r.dataset.model));
  assert.deepEqual([...models].sort(), ['arima', 'ces', 'dhr', 'drift', 'elasticnet', 'ens-dynamic', 'ens-inverse', 'ens-mean', 'ens-median', 'ens-stack', 'ets', 'garch', 'gbt', 'lasso', 'mean', 'mstl', 'naive', 'prophet', 'ridge', 'snaive', 'theta', 'var']);
  const cell = (model, metric) => page.textContent(`${byId('leaderboard')} tr[data-model="${model}"] td[data-metric="${metric}"]`);
  // The same request through the native CLI: the page shows the engine's numbers.
  const target = process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache/foresight-target');
  const bin = path.join(target, 'debug', 'foresight');
  assert.ok(fs.existsSync(bin), `build the CLI first (${bin})`);
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync(bin, ['backtest', '--csv', csv, '--horizon', '12', '--folds', '2', '--fill', 'ffill', '--limit-step', '12%', '--floor', '0', '--json'], { encoding: 'utf8' });
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  const last = lines.pop();
  // The page says which steps the limits bound, as the CLI's limited_steps do.
  const note = await page.textContent(byId('limits-note'));
  assert.match(note, /^Forecasts held to step ≤ 12%, floor 0; /);
  const runs = (steps) => steps.reduce((acc, s) => {
    const last = acc[acc.length - 1];
    if (last && last[1] + 1 === s) last[1] = s; else acc.push([s, s]);
    return acc;
  }, []).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ');
  for (const row of lines) {
    assert.ok(Array.isArray(row.limited_steps), `${row.model}: limited_steps`);
    // The simple models forecast alike in wasm and natively, so the same steps are bound.
    if (['naive', 'snaive', 'drift', 'mean'].includes(row.model)) {
      const named = new RegExp(`(bound |, )${row.model} \\(steps ${runs(row.limited_steps)}\\)`).test(note);
      assert.equal(named, row.limited_steps.length > 0, `${row.model} ${JSON.stringify(row.limited_steps)}: ${note}`);
    }
  }
  const selected = last.selected;
  // The pick says why, on the page as in the CLI.
  assert.match(last.why, new RegExp(`^${selected}: `));
  assert.equal(await page.textContent(byId('pick-reason')), `Picked ${last.why}.`);
  for (const row of lines) {
    const ui = Number(await cell(row.model, 'mae'));
    // Optimised fits may stop a hair apart in wasm and natively; ensembles inherit it.
    const exact = ['naive', 'snaive', 'drift', 'mean'].includes(row.model);
    const tolerance = exact ? 1e-4 : 0.02;
    assert.ok(Math.abs(ui - row.mae) <= tolerance * Math.abs(row.mae), `${row.model}: page MAE ${ui} vs CLI ${row.mae}`);
  }
  const starred = await page.$$eval(`${byId('leaderboard')} tr.selected`, (rows) => rows.map((r) => r.dataset.model));
  assert.deepEqual(starred, [selected]);
  assert.ok(!['naive', 'drift', 'mean'].includes(selected), `a seasonal model should win on air passengers, got ${selected}`);
  // Every row has conformal intervals from its fold, scored on the hold-out; an ensemble
  // names its members' weights.
  for (const row of lines) {
    assert.ok(row.conformal_coverage_95 !== undefined && row.conformal_coverage_95 !== null, `${row.model}: conformal coverage`);
  }
  assert.match(await page.textContent(`${byId('leaderboard')} tr[data-model="ens-mean"] td.form`), /^mean of .+ \(weights: .+ 0\.33/);
  // The boosted trees say what their forecast rests on, as the CLI's feature_importance.
  const gbt = lines.find((l) => l.model === 'gbt');
  assert.ok(gbt.feature_importance.length > 0, 'gbt: feature_importance');
  const shares = gbt.feature_importance.reduce((a, f) => a + f.share, 0);
  assert.ok(Math.abs(shares - 1) < 1e-9, `importance shares sum to ${shares}`);
  const topFeature = gbt.feature_importance[0].feature;
  assert.match(await page.textContent(byId('feature-importance-text')), new RegExp(`^gbt: what the forecast rests on — ${topFeature.replace(/[()]/g, '.')} \\d+%`));
  const importanceDrawn = await page.$eval(byId('feature-importance'), (c) => c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 !== 3 && v < 200));
  assert.ok(importanceDrawn, 'the feature importance chart has ink on it');
  // Sorting by a column reorders the rows; the chart is drawn.
  await page.click(`${byId('leaderboard')} th[data-sort="rmse"]`);
  const sorted = await page.$$eval(`${byId('leaderboard')} tbody tr td[data-metric="rmse"]`, (cells) => cells.map((c) => Number(c.textContent)).filter((v) => !Number.isNaN(v)));
  assert.deepEqual(sorted, [...sorted].sort((a, b) => a - b));
  const drawn = await page.$eval(byId('leaderboard-chart'), (c) => c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 !== 3 && v < 200));
  assert.ok(drawn, 'the leaderboard chart has ink on it');
  // The dynamic ensemble's weights over time are drawn from the engine's path.
  const dynamic = lines.find((l) => l.model === 'ens-dynamic');
  assert.ok(Array.isArray(dynamic.weights_over_time) && dynamic.weights_over_time.length >= 2, 'ens-dynamic has weights over time');
  const inked = await page.$eval(byId('ensemble-weights-chart'), (c) => c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 !== 3 && v < 200));
  assert.ok(inked, 'the ensemble weights chart has ink on it');
  await page.click(byId('overlay-naive'));
  await page.fill(byId('limit-step'), '');
  await page.fill(byId('limit-floor'), '');
});

test('the LSTM joins the leaderboard on the same origins, fitted once and brought up to each', async () => {
  // Air passengers is still loaded, horizon 12 and two folds from the test above.
  await setNumber('window-input', 4);
  await setNumber('epochs-input', 1);
  await page.check(byId('compare-lstm'));
  // And the hybrids: ARIMA with an LSTM (the same settings) on its residuals, and the
  // LSTM inside GARCH's bands.
  await page.check(byId('compare-hybrid'));
  await page.check(byId('compare-lstm-garch'));
  // Fitted once: the hold-out forecast comes from the first origin's network, brought up
  // to the hold-out with its weights and scalers kept.
  await page.selectOption(byId('refit-select'), 'once');
  await page.click(byId('compare-button'));
  await waitState('comparing', 10000);
  await page.waitForSelector(`${byId('leaderboard')} tr[data-model="lstm"]`, { timeout: 600000 });
  await waitState('ready');
  const models = await page.$$eval(`${byId('leaderboard')} tbody tr`, (rows) => rows.map((r) => r.dataset.model));
  assert.equal(models.length, 25);
  assert.ok(models.includes('lstm'));
  assert.match(await page.textContent(`${byId('leaderboard')} tr[data-model="lstm-garch"] td.form`), /^LSTM 64→32, window 4 with GARCH\(1,1\) on log returns, α\+β [\d.]+ bands$/);
  assert.equal(await page.textContent(`${byId('leaderboard')} tr[data-model="lstm-garch"] ${byId('model-error')}`), '');
  // The hybrid's form names its parts and the range of each one's contribution.
  assert.match(await page.textContent(`${byId('leaderboard')} tr[data-model="hybrid"] td.form`), /^ARIMA\(.+ \+ LSTM 64→32, window 4 on its residuals \(parts: ARIMA\(.+ [-\d.e]+ … [-\d.e]+; LSTM on its residuals [-\d.e]+ … [-\d.e]+\)$/);
  assert.equal(await page.textContent(`${byId('leaderboard')} tr[data-model="hybrid"] ${byId('model-error')}`), '');
  const cell = (metric) => page.textContent(`${byId('leaderboard')} tr[data-model="lstm"] td[data-metric="${metric}"]`);
  // The LSTM has no intervals of its own; its conformal ones (two folds) are scored.
  assert.notEqual(await cell('conformal_coverage_95'), '—');
  for (const metric of ['bt_mase', 'mae', 'rmse']) {
    const v = Number(await cell(metric));
    assert.ok(Number.isFinite(v) && v > 0, `lstm ${metric} = ${await cell(metric)}`);
  }
  assert.equal(await page.textContent(`${byId('leaderboard')} tr[data-model="lstm"] ${byId('model-error')}`), '');
  assert.match(await page.textContent(`${byId('leaderboard')} tr[data-model="lstm"] td.form`), /^LSTM 64→32, window 4$/);
  await page.uncheck(byId('compare-lstm'));
  await page.uncheck(byId('compare-hybrid'));
  await page.uncheck(byId('compare-lstm-garch'));
  await page.selectOption(byId('refit-select'), 'auto');
});

test('a panel is compared across its groups, dealt into folds of groups', async () => {
  const csv = path.join(root, 'tests/data/stats/grunfeld_panel_annual.csv');
  await page.setInputFiles(byId('upload-input'), csv);
  await waitState('ready', 30000);
  assert.ok(await page.isVisible(byId('group-folds-input')), 'a panel offers folds of groups');
  // No move limits here, whatever an earlier test left.
  await page.fill(byId('limit-step'), '');
  await page.fill(byId('limit-floor'), '');
  await setNumber('horizon-input', 2);
  await setNumber('folds-input', 1);
  await setNumber('group-folds-input', 3);
  // The model picker: only naive and drift, no ensembles.
  await page.click(`${byId('model-picker')} summary`);
  const boxes = page.locator(`${byId('model-picker')} input[type=checkbox]`);
  for (let i = 0; i < await boxes.count(); i++) {
    const id = await boxes.nth(i).getAttribute('data-testid');
    await boxes.nth(i).setChecked(['pick-model-naive', 'pick-model-drift'].includes(id));
  }
  assert.match(await page.textContent(`${byId('model-picker')} summary`), /^Models \(2 of \d+\)$/);
  await page.click(byId('compare-button'));
  await page.waitForSelector(`${byId('leaderboard')} tr[data-model="drift"]`, { timeout: 240000 });
  await waitState('ready');
  const picked = await page.$$eval(`${byId('leaderboard')} tbody tr`, (rows) => rows.map((r) => r.dataset.model));
  assert.deepEqual([...picked].sort(), ['drift', 'naive']);
  assert.match(await page.textContent('.leaderboard-panel .plan'), /all 11 groups in 3 folds of groups/);
  // The same request through the CLI: the page shows the engine's numbers.
  const target = process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache/foresight-target');
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync(path.join(target, 'debug', 'foresight'), ['backtest', '--csv', csv, '--horizon', '2', '--folds', '1', '--group-folds', '3', '--models', 'naive,drift', '--fill', 'ffill', '--json'], { encoding: 'utf8' });
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  for (const row of lines.slice(0, 2)) {
    assert.equal(row.folds, 11, `${row.model}: one origin in each of 11 firms`);
    const ui = Number(await page.textContent(`${byId('leaderboard')} tr[data-model="${row.model}"] td[data-metric="mae"]`));
    assert.ok(Math.abs(ui - row.mae) <= 1e-4 * Math.abs(row.mae), `${row.model}: page MAE ${ui} vs CLI ${row.mae}`);
  }
  await setNumber('group-folds-input', 0);
  for (let i = 0; i < await boxes.count(); i++) await boxes.nth(i).check();
});

test('an input known ahead feeds the regressions and prophet, as the CLI --future-known', async () => {
  const csv = path.join(root, 'tests/data/stats/metro_traffic_hourly_2018.csv');
  await page.setInputFiles(byId('upload-input'), csv);
  await waitState('ready', 30000);
  await page.selectOption(byId('target-select'), 'traffic_volume');
  // Known ahead is a property of a ticked input.
  assert.ok(await page.isDisabled(byId('ahead-temp_k')), 'the known-ahead tick waits for the input');
  await page.check(byId('feature-temp_k'));
  await page.check(byId('ahead-temp_k'));
  // And a cap: prophet's trend grows logistically toward it.
  await page.fill(byId('prophet-cap'), '10000');
  await setNumber('horizon-input', 24);
  await setNumber('folds-input', 1);
  await page.$eval(byId('model-picker'), (d) => { d.open = true; });
  const boxes = page.locator(`${byId('model-picker')} input[type=checkbox]`);
  for (let i = 0; i < await boxes.count(); i++) {
    const id = await boxes.nth(i).getAttribute('data-testid');
    await boxes.nth(i).setChecked(['pick-model-ridge', 'pick-model-prophet'].includes(id));
  }
  await page.click(byId('compare-button'));
  await page.waitForSelector(`${byId('leaderboard')} tr[data-model="prophet"]`, { timeout: 120000 });
  await waitState('ready');
  const form = (model) => page.textContent(`${byId('leaderboard')} tr[data-model="${model}"] td.form`);
  // Prophet takes the temperature as a regressor; ridge reads it at each step forecast (two
  // more features than without it), as `backtest --future-known temp_k` does.
  assert.match(await form('prophet'), /^prophet \(logistic trend to 10000, .+1 regressor\)$/);
  assert.match(await form('ridge'), /of 34 features/);
  await page.uncheck(byId('ahead-temp_k'));
  await page.uncheck(byId('feature-temp_k'));
  await page.fill(byId('prophet-cap'), '');
  for (let i = 0; i < await boxes.count(); i++) await boxes.nth(i).check();
});

test('several targets get a leaderboard each, the others among their inputs, as the CLI --target a,b', async () => {
  const csv = path.join(root, 'tests/data/stats/us_macro_quarterly.csv');
  await page.setInputFiles(byId('upload-input'), csv);
  await waitState('ready', 30000);
  await page.selectOption(byId('target-select'), 'infl');
  await setNumber('horizon-input', 4);
  await setNumber('folds-input', 1);
  await page.$eval(byId('model-picker'), (d) => { d.open = true; });
  const boxes = page.locator(`${byId('model-picker')} input[type=checkbox]`);
  for (let i = 0; i < await boxes.count(); i++) {
    const id = await boxes.nth(i).getAttribute('data-testid');
    await boxes.nth(i).setChecked(['pick-model-naive', 'pick-model-var'].includes(id));
  }
  await page.$eval(byId('compare-targets'), (d) => { d.open = true; });
  assert.equal(await page.locator(byId('also-target-infl')).count(), 0, 'the target is not offered again');
  await page.check(byId('also-target-tbilrate'));
  assert.match(await page.textContent(`${byId('compare-targets')} summary`), /^Targets: infl, tbilrate$/);
  await page.click(byId('compare-button'));
  await page.waitForSelector(`${byId('leaderboard')} tr[data-model="var"]`, { timeout: 120000 });
  await waitState('ready');
  const options = await page.$$eval(`${byId('leaderboard-target')} option`, (os) => os.map((o) => o.value));
  assert.deepEqual(options, ['infl', 'tbilrate']);
  // The CLI's lines for the same request: one leaderboard per target, each line naming it.
  const target = process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache/foresight-target');
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync(path.join(target, 'debug', 'foresight'), ['backtest', '--csv', csv, '--target', 'infl,tbilrate', '--horizon', '4', '--folds', '1', '--models', 'naive,var', '--json'], { encoding: 'utf8' });
  const lines = out.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.model);
  for (const name of ['infl', 'tbilrate']) {
    await page.selectOption(byId('leaderboard-target'), name);
    for (const row of lines.filter((l) => l.target === name)) {
      const cell = `${byId('leaderboard')} tr[data-model="${row.model}"] td[data-metric="mae"]`;
      await page.waitForFunction(([sel, want]) => {
        const v = Number(document.querySelector(sel)?.textContent);
        return Math.abs(v - want) <= 1e-4 * Math.abs(want);
      }, [cell, row.mae]);
    }
    // VAR models both targets together.
    assert.match(await page.textContent(`${byId('leaderboard')} tr[data-model="var"] td.form`), /2 columns/);
  }
  // Its impulse responses (the board shown: tbilrate's), drawn and in words, as the CLI's.
  const cliVar = lines.find((l) => l.target === 'tbilrate' && l.model === 'var');
  const shocks = cliVar.impulse_responses.map((r) => r.shock);
  assert.deepEqual(shocks, ['tbilrate', 'infl']);
  assert.match(await page.textContent(byId('impulse-responses-text')), /^var: the level 4 steps after a one-s\.d\. shock to — tbilrate [-\d.e]+, infl [-\d.e]+$/);
  const responsesDrawn = await page.$eval(byId('impulse-responses'), (c) => c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 !== 3 && v < 200));
  assert.ok(responsesDrawn, 'the impulse responses chart has ink on it');
  await page.uncheck(byId('also-target-tbilrate'));
  for (let i = 0; i < await boxes.count(); i++) await boxes.nth(i).check();
});

test('a million-row, 80 MB file is read in the worker while the page stays responsive', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'foresight-')), 'million.csv');
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, 'time,load,temp,price,wind,solar,demand,flow,level,rate\n');
  let chunk = [];
  const t0 = Date.UTC(2000, 0, 1);
  for (let i = 0; i < 1000000; i++) {
    const iso = new Date(t0 + i * 3600000).toISOString().slice(0, 19);
    const v = (k) => ((i * 7919 + k * 104729) % 100000) / 100;
    chunk.push(`${iso},${v(1)},${v(2)},${v(3)},${v(4)},${v(5)},${v(6)},${v(7)},${v(8)},${v(9)}`);
    if (chunk.length === 50000) { fs.writeSync(out, chunk.join('\n') + '\n'); chunk = []; }
  }
  fs.closeSync(out);
  assert.ok(fs.statSync(file).size > 60e6, 'the file is large');
  // Watch the page's event loop: the longest gap between 20 ms ticks while the file loads.
  await page.evaluate(() => {
    window.__gap = 0;
    let last = performance.now();
    window.__ticker = setInterval(() => {
      const now = performance.now();
      window.__gap = Math.max(window.__gap, now - last);
      last = now;
    }, 20);
  });
  await page.setInputFiles(byId('upload-input'), file);
  let sawProgress = false;
  const end = Date.now() + 180000;
  while (Date.now() < end && (await state()) !== 'ready') {
    const text = await page.textContent(byId('read-progress'));
    if (/Reading the file… \d+%/.test(text || '')) sawProgress = true;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(await state(), 'ready', await page.textContent(byId('error-banner')).catch(() => ''));
  const gap = await page.evaluate(() => { clearInterval(window.__ticker); return window.__gap; });
  const facts = await report();
  assert.equal(facts.rows, '1000000');
  assert.equal(facts.frequency, 'hourly');
  assert.ok(sawProgress, 'reading progress was shown');
  assert.ok(gap < 1000, `the page's event loop never stalled for a second (longest gap ${gap.toFixed(0)} ms)`);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('failure drill: reloading the tab mid-run brings back a clean, working page', async () => {
  await page.click(byId('sample-button'));
  await waitState('ready', 60000);
  await setNumber('window-input', 52);
  await setNumber('epochs-input', 50);
  await page.click(byId('train-button'));
  await waitState('training', 10000);
  await page.reload();
  await page.waitForSelector(byId('app'));
  // Nothing half-done survives: no error, no stale progress, and the app works again.
  assert.equal(await state(), 'idle');
  assert.equal(await page.locator(byId('error-banner')).count(), 0);
  await page.click(byId('sample-button'));
  await waitState('ready', 60000);
  assert.equal(await page.textContent(byId('summary-rows')), '1028');
});

test('no request leaves the page\'s origin, and the Content-Security-Policy forbids one', async () => {
  // The whole flow above (sample, uploads, training on the GPU and the CPU, comparisons):
  // every request went to the page's own origin, or stayed in the browser (blob:, data:).
  assert.ok(requested.length > 5, `requests seen: ${requested.length}`);
  const origin = new URL(base).origin;
  const away = requested.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:') && new URL(u).origin !== origin);
  assert.deepEqual(away, [], 'requests to other origins');
  // The policy itself: a request elsewhere is refused by the browser, not just not made.
  const violated = await page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
    fetch('https://example.com/upload', { method: 'POST', body: 'data' }).catch(() => {});
    setTimeout(() => resolve('no violation reported'), 5000);
  }));
  assert.equal(violated, 'connect-src');
});

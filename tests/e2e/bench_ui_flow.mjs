// The skeleton's UI flow at the page's default settings, timed as a user meets it: open the
// app, load the bundled sample, press Train with nothing changed, wait for the results.
// Prints each phase, the best epoch of those run (early stopping may end before the
// maximum) and the step time from the results table, and one JSON line. Run with
// `make bench-ui-flow` (it builds the app first); RUNS=3 repeats the flow, each in a
// fresh page. Not a test: issue 6's "UI flow under a minute" target lives here.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { serveDist, launchChromium, waitForAppState, readTable } from './bench_page.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const runs = Number(process.env.RUNS || 1);
const byId = (id) => `[data-testid="${id}"]`;

const { port, server } = await serveDist(root);
const browser = await launchChromium(['--enable-unsafe-webgpu']);
const results = [];
try {
  for (let run = 1; run <= runs; run++) {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    const t0 = Date.now();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction((sel) => !document.querySelector(sel)?.textContent.includes('starting'),
      byId('backend-label'), { timeout: 120000 });
    const tReady = Date.now();
    await page.click(byId('sample-button'));
    await waitForAppState(page, 'ready', 60000);
    const tLoaded = Date.now();
    const settings = {
      window: await page.inputValue(byId('window-input')),
      horizon: await page.inputValue(byId('horizon-input')),
      epochs: await page.inputValue(byId('epochs-input')),
    };
    await page.click(byId('train-button'));
    await waitForAppState(page, ['done', 'error'], 600000);
    const tDone = Date.now();
    const state = await page.getAttribute(byId('app'), 'data-state');
    if (state !== 'done') throw new Error(`training ended in ${state}: ${await page.textContent(byId('error-banner'))}`);
    const rows = await readTable(page, 'metrics-table');
    const result = {
      path: 'ui-flow-default',
      backend: await page.textContent(byId('backend-label')),
      cores: await page.evaluate(() => navigator.hardwareConcurrency),
      settings,
      best_epoch: rows['Best epoch'],
      ms_per_step: rows['Time per training step'],
      windows: rows['Windows train / validation / test'],
      split_steps: rows['Steps split with a helper worker'],
      s_app_start: (tReady - t0) / 1000,
      s_load_sample: (tLoaded - tReady) / 1000,
      s_train: (tDone - tLoaded) / 1000,
      s_total: (tDone - t0) / 1000,
      mae: rows.MAE,
    };
    console.log(`# run ${run}: app ${result.s_app_start.toFixed(1)} s, sample ${result.s_load_sample.toFixed(1)} s, `
      + `train ${result.s_train.toFixed(1)} s (best epoch ${result.best_epoch}, max ${settings.epochs}; ${result.ms_per_step} a step), total ${result.s_total.toFixed(1)} s`);
    console.log(JSON.stringify(result));
    results.push(result);
    await page.close();
  }
  const totals = results.map((r) => r.s_total).sort((a, b) => a - b);
  console.log(`# median total ${totals[Math.floor(totals.length / 2)].toFixed(1)} s over ${runs} run(s)`);
} finally {
  await browser.close();
  server.kill();
}

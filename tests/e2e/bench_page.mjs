// Shared by the browser benchmarks (bench_parse.mjs, bench_lstm.mjs, bench_ui_flow.mjs) and
// the e2e tests: serve dist/ on a free loopback port, start Debian's headless Chromium with
// the e2e tests' flags, and read the app's state and tables through its data-testid contract.
import { spawn } from 'node:child_process';
import path from 'node:path';
import net from 'node:net';
import { chromium } from 'playwright-core';

/** Serves `root`/dist on 127.0.0.1 at a free port; returns { port, server } (kill it after). */
export async function serveDist(root) {
  const port = await new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', path.join(root, 'dist')], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1000));
  return { port, server };
}

/** Headless Chromium ($CHROMIUM or /usr/bin/chromium) with a large JS heap, plus `extraArgs`. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--js-flags=--max-old-space-size=8192', ...extraArgs],
  });
}

const byTestId = (id) => `[data-testid="${id}"]`;

/** Waits until the app's `data-state` is `expected` (a state or a list of them). */
export async function waitForAppState(page, expected, timeout = 60000) {
  await page.waitForFunction(
    ([sel, want]) => want.includes(document.querySelector(sel)?.getAttribute('data-state')),
    [byTestId('app'), [].concat(expected)], { timeout, polling: 100 });
}

/** A two-column table of the page (`<th>` name, `<td>` value per row) as an object. */
export async function readTable(page, testid) {
  return page.$$eval(`${byTestId(testid)} tr`, (trs) =>
    Object.fromEntries(trs.map((tr) => [tr.querySelector('th').textContent, tr.querySelector('td').textContent])));
}

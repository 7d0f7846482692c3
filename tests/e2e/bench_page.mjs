// Shared by the browser benchmarks (bench_parse.mjs, bench_lstm.mjs): serve dist/ on a free
// loopback port and start Debian's headless Chromium with the e2e tests' flags.
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

// CSV parse throughput in the browser: Foresight's reader (wasm) against PapaParse, on the
// same generated file in the same headless Chromium page. Run with `make bench-parse`;
// prints a Markdown table row set for BENCHMARKS.md.
//   ROWS=1000000 node tests/e2e/bench_parse.mjs
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { serveDist, launchChromium } from './bench_page.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rows = Number(process.env.ROWS || 1000000);
const runs = Number(process.env.RUNS || 3);

const { port, server } = await serveDist(root);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('[data-testid="app"]');
  await page.addScriptTag({ path: path.join(root, 'tests/e2e/node_modules/papaparse/papaparse.min.js') });
  const result = await page.evaluate(async ({ rows, runs }) => {
    // 1 time column (hourly ISO) + 9 numeric columns, a few decimals each: ~80 bytes a row.
    const parts = ['time,load,temp,price,wind,solar,demand,flow,level,rate\n'];
    let t = Date.UTC(2000, 0, 1);
    let seed = 1;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    for (let i = 0; i < rows; i++, t += 3600000) {
      const iso = new Date(t).toISOString().slice(0, 19);
      parts.push(`${iso},${(500 + 100 * rnd()).toFixed(2)},${(20 * rnd() - 5).toFixed(1)},${(60 + 10 * rnd()).toFixed(3)},`
        + `${(12 * rnd()).toFixed(2)},${(800 * rnd()).toFixed(1)},${(1000 + 300 * rnd()).toFixed(2)},${(5 * rnd()).toFixed(4)},`
        + `${(100 * rnd()).toFixed(2)},${(rnd() / 10).toFixed(5)}\n`);
    }
    const text = parts.join('');
    const bytes = new TextEncoder().encode(text);
    const m = await import('./pkg/foresight.js');
    const time = (f) => { const t0 = performance.now(); const out = f(); return [performance.now() - t0, out]; };
    const ours = [], papa = [], papaStrings = [];
    let oursRows = 0, papaRows = 0, papaStringRows = 0;
    for (let r = 0; r < runs; r++) {
      const [ms1, n1] = time(() => m.read_csv_rows(bytes));
      ours.push(ms1); oursRows = n1;
      const [ms2, n2] = time(() => Papa.parse(text, { header: true, dynamicTyping: true, skipEmptyLines: true }).data.length);
      papa.push(ms2); papaRows = n2;
      const [ms3, n3] = time(() => Papa.parse(text, { skipEmptyLines: true }).data.length - 1);
      papaStrings.push(ms3); papaStringRows = n3;
    }
    const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
    return { mb: bytes.length / 1e6, ours: median(ours), papa: median(papa), papaStrings: median(papaStrings), oursRows, papaRows, papaStringRows, wasmMb: m.wasm_memory_bytes() / 1e6 };
  }, { rows, runs });
  const fmt = (ms) => `${(ms / 1000).toFixed(2)} s, ${(result.mb / (ms / 1000)).toFixed(1)} MB/s`;
  console.log(`file: ${rows} rows x 10 columns, ${result.mb.toFixed(1)} MB (median of ${runs} runs, ${await browser.version()})`);
  console.log(`| Foresight read_table (wasm, types + dates + frequency + report) | ${fmt(result.ours)} | ${result.oursRows} rows | wasm memory after: ${result.wasmMb.toFixed(0)} MB |`);
  console.log(`| PapaParse 5.7.1 (header, dynamicTyping) | ${fmt(result.papa)} | ${result.papaRows} rows | |`);
  console.log(`| PapaParse 5.7.1 (arrays of strings, no typing) | ${fmt(result.papaStrings)} | ${result.papaStringRows} rows | |`);
} finally {
  await browser.close();
  server.kill();
}

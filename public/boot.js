// Starts the app: the wasm module, then the page. A file of its own (not an inline script),
// so the Content-Security-Policy can allow scripts from this origin only.
import init, { start_app } from './pkg/foresight.js';

await init();
start_app();

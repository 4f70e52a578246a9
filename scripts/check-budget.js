// Fails when the browser download grows past DESIGN.md's budget: the wasm + JS a page with
// islands loads at most 150 KB brotli, CSS at most 60 KB. Pages are built as islands, so every
// page with an island loads the same one wasm and one JS file (and a page without one loads
// neither); end2end/tests/weight.spec.ts measures the same on the wire, page by page.
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const pkg = process.argv[2] ?? path.join(__dirname, '..', 'target', 'site', 'pkg');
// The names pages link (scripts/assets.js), and what the server sends for them: the brotli copy.
const names = JSON.parse(fs.readFileSync(path.join(pkg, 'assets.json'), 'utf8'));
const br = (file) => {
  const copy = path.join(pkg, `${file}.br`);
  if (fs.existsSync(copy)) return fs.statSync(copy).size;
  return zlib.brotliCompressSync(fs.readFileSync(path.join(pkg, file))).length;
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const BUDGET = 150 * 1024;
const CSS_BUDGET = 60 * 1024;

const scripts = br(names.wasm) + br(names.js);
const css = br(names.css);
const raw = fs.statSync(path.join(pkg, names.wasm)).size;
console.log(`size budget: wasm ${kb(raw)} raw; wasm + JS ${kb(scripts)} brotli (budget 150 KB); CSS ${kb(css)} brotli (budget 60 KB)`);
let over = false;
if (scripts > BUDGET) { console.error('size budget: a page with islands needs more than 150 KB brotli of wasm + JS'); over = true; }
if (css > CSS_BUDGET) { console.error('size budget: CSS is over 60 KB brotli'); over = true; }
process.exit(over ? 1 : 0);

// Fails when the browser download for a page grows past DESIGN.md's budget: brotli-compressed
// wasm + JS at most 300 KB for any page, CSS at most 60 KB.
//
// With `cargo leptos build --split` a page downloads the main wasm and JS, plus the chunks its
// route needs (listed in __wasm_split_manifest.json). Each page's total is checked.
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const pkg = process.argv[2] ?? path.join(__dirname, '..', 'target', 'site', 'pkg');
// What the server sends: the precompressed copy (scripts/precompress.js) when there is one.
const br = (file) => {
  const copy = path.join(pkg, `${file}.br`);
  if (fs.existsSync(copy)) return fs.statSync(copy).size;
  return zlib.brotliCompressSync(fs.readFileSync(path.join(pkg, file))).length;
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const BUDGET = 300 * 1024;

const files = fs.readdirSync(pkg);
const splitJs = files.filter((f) => f.startsWith('__wasm_split') && f.endsWith('.js'));
const base = br('send_portal.wasm') + br('send_portal.js') + splitJs.reduce((n, f) => n + br(f), 0);
const css = br('send_portal.css');
const raw = fs.statSync(path.join(pkg, 'send_portal.wasm')).size;
console.log(`size budget: main wasm ${kb(raw)} raw; main wasm + JS ${kb(base)} brotli; CSS ${kb(css)} brotli (budget 60 KB)`);

let over = false;
const manifestFile = path.join(pkg, '__wasm_split_manifest.json');
const pages = fs.existsSync(manifestFile) ? Object.entries(JSON.parse(fs.readFileSync(manifestFile, 'utf8'))) : [];
const sizes = new Map();
const chunkSize = (name) => {
  if (!sizes.has(name)) sizes.set(name, br(`${name}.wasm`));
  return sizes.get(name);
};
const totals = pages
  .map(([route, chunks]) => [route.replace(/^__|_\d+$/g, ''), base + chunks.reduce((n, c) => n + chunkSize(c), 0)])
  .sort((a, b) => b[1] - a[1]);
for (const [route, total] of totals.slice(0, 5)) {
  console.log(`size budget: ${route}: ${kb(total)} brotli with the main wasm (budget 300 KB)`);
}
const heaviest = totals.length ? totals[0][1] : base;
if (heaviest > BUDGET) { console.error('size budget: a page needs more than 300 KB brotli of wasm + JS'); over = true; }
if (css > 60 * 1024) { console.error('size budget: CSS is over 60 KB brotli'); over = true; }
process.exit(over ? 1 : 0);

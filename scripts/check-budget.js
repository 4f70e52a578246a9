// Fails when the browser download for a page grows past DESIGN.md's budget:
// brotli-compressed wasm + JS at most 300 KB, CSS at most 60 KB.
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const pkg = process.argv[2] ?? path.join(__dirname, '..', 'target', 'site', 'pkg');
const br = (file) => zlib.brotliCompressSync(fs.readFileSync(path.join(pkg, file))).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const script = br('send_portal.wasm') + br('send_portal.js');
const css = br('send_portal.css');
const raw = fs.statSync(path.join(pkg, 'send_portal.wasm')).size;
console.log(`size budget: wasm ${kb(raw)} raw; wasm + JS ${kb(script)} brotli (budget 300 KB); CSS ${kb(css)} brotli (budget 60 KB)`);
let over = false;
if (script > 300 * 1024) { console.error('size budget: wasm + JS is over 300 KB brotli'); over = true; }
if (css > 60 * 1024) { console.error('size budget: CSS is over 60 KB brotli'); over = true; }
process.exit(over ? 1 : 0);

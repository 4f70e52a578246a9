// After every `cargo leptos build` (the Makefile runs it):
// 1. copies the built JS, wasm and CSS to names carrying a digest of their content
//    (send_portal.<16 hex digits>.wasm) and lists them in pkg/assets.json, which the server
//    reads to link them; those names are cached by browsers for a year (server/src/middleware.rs);
// 2. writes a brotli (quality 11) and a gzip (level 9) copy beside each of them, so the server
//    sends them as they are instead of compressing on the fly at a lower quality. The server
//    ignores copies older than their file.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const pkg = process.argv[2] ?? path.join(__dirname, '..', 'target', 'site', 'pkg');
const OUTPUT = 'send_portal';
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const fingerprinted = /^[A-Za-z0-9_-]+\.[0-9a-f]{16}\.(js|wasm|css)(\.br|\.gz)?$/;

// Copies from earlier builds go: only this build's names are served.
for (const name of fs.readdirSync(pkg)) {
  if (fingerprinted.test(name)) fs.rmSync(path.join(pkg, name));
}

const names = {};
for (const ext of ['js', 'wasm', 'css']) {
  const content = fs.readFileSync(path.join(pkg, `${OUTPUT}.${ext}`));
  const digest = crypto.createHash('sha256').update(content).digest('hex').slice(0, 16);
  names[ext] = `${OUTPUT}.${digest}.${ext}`;
  fs.writeFileSync(path.join(pkg, names[ext]), content);
}
fs.writeFileSync(path.join(pkg, 'assets.json'), `${JSON.stringify(names, null, 2)}\n`);

let raw = 0;
let brotli = 0;
for (const name of fs.readdirSync(pkg)) {
  if (!/\.(js|wasm|css)$/.test(name)) continue;
  const file = path.join(pkg, name);
  const content = fs.readFileSync(file);
  const br = zlib.brotliCompressSync(content, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: content.length,
    },
  });
  fs.writeFileSync(`${file}.br`, br);
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(content, { level: 9 }));
  raw += content.length;
  brotli += br.length;
}
console.log(`assets in ${pkg}: ${Object.values(names).join(', ')}; ${kb(raw)} raw, ${kb(brotli)} brotli`);

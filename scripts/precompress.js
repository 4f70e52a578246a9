// Writes a brotli (quality 11) and a gzip (level 9) copy beside every built JS, wasm and CSS file
// of the site, so the server sends them as they are instead of compressing on the fly at a lower
// quality (the main wasm: 219 KB at quality 11 against 269 KB on the fly). Run after every
// `cargo leptos build` (the Makefile does); the server ignores copies older than their file.
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const pkg = process.argv[2] ?? path.join(__dirname, '..', 'target', 'site', 'pkg');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
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
console.log(`precompressed ${pkg}: ${kb(raw)} raw, ${kb(brotli)} brotli`);

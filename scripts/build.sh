#!/usr/bin/env bash
# Builds what the portal serves: the release server binary and the browser half (the wasm, its
# JS glue, the CSS and public/), then names the assets by their digest (scripts/assets.js).
# Usage: scripts/build.sh [build|test]   (the argument is passed to scripts/bootstrap.sh)
#
# The server needs nothing but Rust, so plain cargo builds it while scripts/bootstrap.sh
# installs the tools the browser half needs (cargo-leptos, wasm-bindgen, npm packages): on a
# fresh machine the two take as long as the longer of them, not their sum. cargo-leptos then
# builds the front end only, in its own target directory (target/front).
#
# cargo-leptos is not asked to build the server: it would set LEPTOS_* variables that the leptos
# crates read at compile time, so its build and cargo's (the tests', the bench's) would each
# recompile leptos, the app and the server after the other. The server takes nothing from those
# variables: it builds its own Leptos options (server/src/startup.rs) and links the assets
# through pkg/assets.json.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-build}"
export PATH="$HOME/.cargo/bin:$PATH"

# Line by line rather than a progress bar: this build's lines interleave with bootstrap's.
CARGO_TERM_PROGRESS_WHEN=never cargo build --locked --profile server-release -p server --bin send-portal &
server=$!
# If anything below fails, the server's build does not go on alone.
trap 'kill "$server" 2>/dev/null || true' EXIT

scripts/bootstrap.sh "$what"
cargo leptos build --release --frontend-only
if ! wait "$server"; then
  echo "build: the server's build failed (its errors are above)" >&2
  exit 1
fi
trap - EXIT
node scripts/assets.js

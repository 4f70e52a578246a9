#!/usr/bin/env bash
# `make test`: every check and test, ordered so that a fresh machine's two cores both work.
#
# In the background, each in a target directory of its own: the tools install (cargo-leptos,
# wasm-bindgen, s3s-fs, the npm packages, Chromium; scripts/bootstrap.sh), then the browser half
# builds (`make front`). Meanwhile, in the foreground: formatting, layers and clippy, then one
# build of the server side (the binary, the tests and the bench, sharing every crate); then the
# tests run on one core while the browser half may still be building on the other; then the
# Playwright suite and the bench's smoke run, which need both halves.
#
# The background's output is printed when it is waited for, so the two do not interleave.
set -euo pipefail
cd "$(dirname "$0")/.."

logs="$(mktemp -d)"
tools_ready="$logs/tools-ready"
(scripts/bootstrap.sh test && touch "$tools_ready" && make front) >"$logs/background.log" 2>&1 &
background=$!
trap 'kill "$background" 2>/dev/null || true; rm -rf "$logs"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
background_failed() {
  cat "$logs/background.log"
  echo "make test: $1 failed (its output is above)" >&2
  exit 1
}

# Returns once the tools are installed; fails with the background's log if that failed.
wait_for_tools() {
  while [ ! -e "$tools_ready" ]; do
    if ! kill -0 "$background" 2>/dev/null && [ ! -e "$tools_ready" ]; then
      background_failed "installing the tools"
    fi
    sleep 2
  done
}

step "formatting and layers"
make fmt layers
step "clippy (server side)"
make clippy-server
step "building the server, the tests and the bench"
make unit-build

step "waiting for the tools (installing in the background)"
wait_for_tools
step "clippy (browser side)"
make clippy-front
step "unit and integration tests"
make unit

step "waiting for the browser half (building in the background)"
if ! wait "$background"; then background_failed "building the browser half"; fi
cat "$logs/background.log"
step "Playwright"
make e2e-run
step "the bench's smoke run"
make bench-smoke

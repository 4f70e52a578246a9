#!/usr/bin/env bash
# Installs the build and test tools the portal needs, from package registries only
# (crates.io, npm, Debian). Each tool is skipped when the pinned version is already present.
# Usage: scripts/bootstrap.sh [build|test]   (test adds Chromium for Playwright)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
what="${1:-build}"
export PATH="$HOME/.cargo/bin:$PATH"

# The tools are built without optimisation: their own speed does not matter to us (they spend
# their time waiting for cargo), and optimising them took three quarters of a first run.
# Each in its own target directory (not CARGO_TARGET_DIR), so that they build while the
# portal's own build holds that one (scripts/build.sh).
UNOPTIMISED="env -u CARGO_TARGET_DIR CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_DEBUG=false \
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 \
  CARGO_PROFILE_RELEASE_INCREMENTAL=false"

say() { printf '\033[1mbootstrap:\033[0m %s\n' "$*"; }

# 1. The wasm target for the browser half.
if ! rustup target list --installed | grep -qx "$RUST_WASM_TARGET"; then
  say "adding Rust target $RUST_WASM_TARGET"
  rustup target add "$RUST_WASM_TARGET"
fi

# 2. cargo-leptos, built from its crates.io source with one dependency held back (see versions.env).
if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes several minutes, once)"
  work="$(mktemp -d)"
  mkdir -p "$work/fetch/src"
  cat > "$work/fetch/Cargo.toml" <<TOML
[package]
name = "fetch-cargo-leptos"
version = "0.0.0"
edition = "2021"
[dependencies]
cargo-leptos = "=$CARGO_LEPTOS_VERSION"
TOML
  touch "$work/fetch/src/lib.rs"
  # Fetching a crate that depends on it is the registry-only way to get its source.
  (cd "$work/fetch" && cargo fetch --quiet)
  crate="$(find "$HOME/.cargo/registry/cache" -name "cargo-leptos-$CARGO_LEPTOS_VERSION.crate" | head -n 1)"
  tar -xzf "$crate" -C "$work"
  (cd "$work/cargo-leptos-$CARGO_LEPTOS_VERSION" &&
    cargo update --quiet -p cargo-util-schemas --precise "$CARGO_UTIL_SCHEMAS_VERSION" &&
    $UNOPTIMISED cargo install --quiet --path . --locked --features no_downloads)
  rm -rf "$work"
fi

# 3. wasm-bindgen-cli at exactly the version of the wasm-bindgen crate.
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # --locked fails: a locked dependency of this release is no longer in the index.
  $UNOPTIMISED cargo install --quiet wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# 4. npm tools: wasm-opt (binaryen), sass, govuk-frontend, Playwright and axe, from end2end/package-lock.json.
if [ ! -d "$root/end2end/node_modules" ] || [ "$root/end2end/package-lock.json" -nt "$root/end2end/node_modules/.package-lock.json" ]; then
  say "installing npm packages (end2end/)"
  if [ -n "${CI:-}" ]; then (cd "$root/end2end" && npm ci --no-audit --no-fund)
  else (cd "$root/end2end" && npm install --no-audit --no-fund); fi
fi

# 5. For the tests: Chromium (Debian's; Playwright's own download cannot work here), Python
#    for the layers check (scripts/layers.py), and s3s-fs, an S3 server from crates.io, for
#    the two-servers test.
if [ "$what" = "test" ]; then
  if [ "$(s3s-fs --version 2>/dev/null | awk '{print $2}')" != "$S3S_FS_VERSION" ]; then
    say "installing s3s-fs $S3S_FS_VERSION (for the two-servers test)"
    $UNOPTIMISED cargo install --quiet s3s-fs --version "$S3S_FS_VERSION" --features binary --locked
  fi
  missing=""
  command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
  command -v python3 >/dev/null 2>&1 || missing="$missing python3"
  if [ -n "$missing" ]; then
    say "installing Debian packages:$missing"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
  fi
fi
say "tools ready"

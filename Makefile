# SEND Portal — the two commands of the README, and a few helpers.
#   make run    build (release) and serve on http://127.0.0.1:3000 with SQLite, demo accounts and the dev mailbox
#   make test   every check and test: fmt, clippy, unit + integration (SQLite, and PostgreSQL when
#               TEST_POSTGRES_URL is set), release build, Playwright with JavaScript on and off
# Each installs the tools it lacks first (scripts/bootstrap.sh; versions in scripts/versions.env).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR
# Every cargo build of the server side (the binary, the tests, clippy, the bench) uses one profile
# and one feature set, so they share every compiled crate: built once, not once per command.
PROFILE := server-release
SERVER_PKGS := -p app -p server --features app/ssr
BIN := $(CARGO_TARGET_DIR)/$(PROFILE)/send-portal
SITE_ROOT := $(CURDIR)/target/site

.PHONY: help run build front test lint fmt layers clippy-server clippy-front unit unit-build e2e e2e-run \
	bench bench-smoke tools tools-test clean

help:
	@echo "make run   – build and serve the portal on http://127.0.0.1:3000 (SQLite, demo accounts, dev mailbox)"
	@echo "make test  – run every check and test"

tools:
	@scripts/bootstrap.sh build

tools-test:
	@scripts/bootstrap.sh test

# The server's build runs while the tools for the browser half install (scripts/build.sh).
build:
	@scripts/build.sh build

# The browser half alone (wasm, JS, CSS, public/) in its own target directory, then the digests.
front: tools
	cargo leptos build --release --frontend-only
	node scripts/assets.js

# Example tiles for the council's other services on the home page (see PORTAL_SERVICE_TILES).
DEMO_TILES := School places|https://www.gov.uk/apply-for-primary-school-place;Free school meals|https://www.gov.uk/apply-free-school-meals

run: build
	PORTAL_SITE_ROOT=$(SITE_ROOT) PORTAL_SERVICE_TILES="$${PORTAL_SERVICE_TILES:-$(DEMO_TILES)}" $(BIN)

# Everything, in the order that keeps both cores busy on a fresh machine (scripts/test.sh).
test:
	@scripts/test.sh

lint: fmt layers clippy-server clippy-front

fmt:
	cargo fmt --all -- --check

layers:
	python3 scripts/layers.py app/src app/LAYERS

clippy-server:
	cargo clippy --locked --profile $(PROFILE) $(SERVER_PKGS) --all-targets -- -D warnings

clippy-front:
	cargo clippy --locked -p frontend --target wasm32-unknown-unknown -- -D warnings

# Builds the tests, the bench and the binary they start, without running anything.
unit-build:
	cargo test --locked --profile $(PROFILE) $(SERVER_PKGS) --no-run

unit:
	@if [ -z "$${TEST_POSTGRES_URL:-}" ]; then \
	  echo "PostgreSQL pass skipped: TEST_POSTGRES_URL is not set (for example postgres://postgres@127.0.0.1:5432/postgres)."; \
	else \
	  echo "PostgreSQL pass on: integration tests also run against $${TEST_POSTGRES_URL%%\?*}"; \
	fi
	# One test at a time: several Leptos renders on separate tokio runtimes in one process can
	# leave a page render waiting forever (seen about 1 run in 5); see the issue notes.
	cargo test --locked --profile $(PROFILE) $(SERVER_PKGS) -- --test-threads=1

e2e: build e2e-run

# The Playwright suite against what `make build` (or `make test`) built, after the size check.
e2e-run:
	node scripts/check-budget.js
	cd end2end && PORTAL_BIN=$(BIN) PORTAL_SITE_ROOT=$(SITE_ROOT) npx playwright test

# Not part of `make test`: the release server under load, beside a bare handler (README, Benchmark).
bench: build
	cargo build --locked --profile $(PROFILE) $(SERVER_PKGS) --example bench
	PORTAL_BIN=$(BIN) $(CARGO_TARGET_DIR)/$(PROFILE)/examples/bench

# In `make test`: every row of the bench, briefly and with a few people, only to show it still
# runs (the figures mean nothing). `make unit-build` has built it already.
bench-smoke:
	cargo build --locked --profile $(PROFILE) $(SERVER_PKGS) --example bench
	BENCH_SMOKE=1 PORTAL_BIN=$(BIN) $(CARGO_TARGET_DIR)/$(PROFILE)/examples/bench

clean:
	cargo clean
	rm -rf target/site end2end/test-results end2end/playwright-report

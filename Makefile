# SEND Portal — the two commands of the README, and a few helpers.
#   make run    build (release) and serve on http://127.0.0.1:3000 with SQLite, demo accounts and the dev mailbox
#   make test   every check and test: fmt, clippy, unit + integration (SQLite, and PostgreSQL when
#               TEST_POSTGRES_URL is set), release build, Playwright with JavaScript on and off
# Each installs the tools it lacks first (scripts/bootstrap.sh; versions in scripts/versions.env).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR
BIN := $(CARGO_TARGET_DIR)/server-release/send-portal
SITE_ROOT := $(CURDIR)/target/site

.PHONY: help run build test lint unit e2e bench bench-smoke tools tools-test clean

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

# Example tiles for the council's other services on the home page (see PORTAL_SERVICE_TILES).
DEMO_TILES := School places|https://www.gov.uk/apply-for-primary-school-place;Free school meals|https://www.gov.uk/apply-free-school-meals

run: build
	PORTAL_SITE_ROOT=$(SITE_ROOT) PORTAL_SERVICE_TILES="$${PORTAL_SERVICE_TILES:-$(DEMO_TILES)}" $(BIN)

lint:
	cargo fmt --all -- --check
	python3 scripts/layers.py app/src app/LAYERS
	cargo clippy --locked -p app -p server --features app/ssr --all-targets -- -D warnings
	cargo clippy --locked -p frontend --target wasm32-unknown-unknown -- -D warnings

unit:
	@if [ -z "$${TEST_POSTGRES_URL:-}" ]; then \
	  echo "PostgreSQL pass skipped: TEST_POSTGRES_URL is not set (for example postgres://postgres@127.0.0.1:5432/postgres)."; \
	else \
	  echo "PostgreSQL pass on: integration tests also run against $${TEST_POSTGRES_URL%%\?*}"; \
	fi
	# One test at a time: several Leptos renders on separate tokio runtimes in one process can
	# leave a page render waiting forever (seen about 1 run in 5); see the issue notes.
	cargo test --locked -p app -p server --features app/ssr -- --test-threads=1

e2e:
	cargo leptos build --release
	node scripts/assets.js
	node scripts/check-budget.js
	cd end2end && PORTAL_BIN=$(BIN) PORTAL_SITE_ROOT=$(SITE_ROOT) npx playwright test

test: tools-test lint unit e2e bench-smoke

# Not part of `make test`: the release server under load, beside a bare handler (README, Benchmark).
bench: build
	PORTAL_BIN=$(BIN) cargo run --locked --profile server-release -p server --example bench

# In `make test`: every row of the bench, briefly and with a few people, only to show it still
# runs (the figures mean nothing). Built with the packages `make unit` names, so the tests'
# build of the app is reused, not redone.
bench-smoke:
	cargo build --locked -p app -p server --features app/ssr --example bench
	BENCH_SMOKE=1 PORTAL_BIN=$(BIN) $(CARGO_TARGET_DIR)/debug/examples/bench

clean:
	cargo clean
	rm -rf target/site end2end/test-results end2end/playwright-report

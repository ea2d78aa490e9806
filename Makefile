# The two commands of the README: `make serve` and `make test`. Both run `make setup` first,
# which installs what is missing (and nothing when all is there).
SHELL := /bin/bash
# cargo-installed tools, then npm's binaryen (its wasm-opt; Debian's is too old), first on PATH.
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export WASM_BINDGEN_TEST_TIMEOUT ?= 300

.PHONY: setup serve build build-testing test test-native test-wasm test-e2e lint bench bench-peers bench-wasm soak fuzz clean

setup:
	@bash scripts/setup.sh

## Build the release page and serve it on http://127.0.0.1:8080 (rebuilds on change).
serve: setup
	trunk serve --release

## The release page in dist/.
build: setup
	trunk build --release

## The same page with the `testing` feature (benchmark entry points, debug_panic) in
## dist-testing/, for the wasm benchmark and the e2e panic test; never served to people.
build-testing: setup
	trunk build --release --features testing --dist dist-testing

## Every suite: formatting and lints, native tests, wasm tests in headless Chromium, the
## end-to-end browser tests against the release build.
test: setup lint test-native test-wasm test-e2e

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --tests -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --features testing -- -D warnings

test-native:
	cargo test

test-wasm:
	timeout 1200 wasm-pack test --headless --chrome --release -- --test web

test-e2e: build build-testing
	timeout 1200 node --test --test-concurrency=1 tests/e2e/

## Criterion benchmarks (native), then the same workloads timed in headless Chromium beside
## native rounds of the same code.
bench: setup
	cargo bench --bench engine
	$(MAKE) bench-wasm

bench-wasm: build build-testing
	cargo build --release --example bench_native
	node tests/e2e/bench.mjs

## micrograd itself (from PyPI, in a virtualenv) against this crate on the golden workload.
bench-peers:
	bash scripts/bench-peers.sh

## The long soak: a million native training steps with memory flat, and 100,000 in the
## browser with the wasm memory unchanged after warm-up.
soak: build
	SOAK_STEPS=1000000 cargo test --release --test alloc soak -- --nocapture
	SOAK_STEPS=100000 timeout 1800 node --test tests/e2e/soak.test.mjs

## Fuzz the saved-state and settings parsers (FUZZ_SECONDS, default 60).
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
	cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run parse_state -- -max_total_time=$${FUZZ_SECONDS:-60}

clean:
	cargo clean
	rm -rf dist dist-testing node_modules

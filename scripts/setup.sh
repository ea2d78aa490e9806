#!/usr/bin/env bash
# Installs what building, serving and testing need, each piece only when it is missing,
# so a second run installs nothing. Called by `make setup` (and so by `make serve`/`make test`).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

# The wasm-bindgen CLI must equal the crate version pinned in Cargo.toml exactly.
WB_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
TRUNK_VERSION=0.21.14
WASM_PACK_VERSION=0.15.1

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
if [ ${#need_apt[@]} -gt 0 ]; then
  # chromium and chromium-driver go in one command so their versions match.
  say "apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver graphviz
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  # No --locked: the CLI's own lock file names a crate version the registry lacks.
  say "cargo install wasm-bindgen-cli $WB_VERSION (about 10-15 minutes)"
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  # --locked: without it trunk 0.21 fails to compile; 0.22 needs a newer rustc.
  say "cargo install trunk $TRUNK_VERSION (about 15-20 minutes)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --force
fi

if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
  # --locked: the versions its own lock file was tested with.
  say "cargo install wasm-pack $WASM_PACK_VERSION (about 2-9 minutes)"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked --force
fi

# npm packages for the end-to-end tests and the release build's wasm-opt (Debian's binaryen is
# too old: its output fails at load). Installed from package-lock.json when it exists.
if [ -f package.json ]; then
  if [ ! -d node_modules/playwright-core ] || [ ! -x node_modules/.bin/wasm-opt ] \
     || [ ! -d node_modules/axe-core ] || [ package.json -nt node_modules/.setup-stamp ]; then
    say "npm install"
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
    touch node_modules/.setup-stamp
  fi
fi

# Offline Trunk builds need the crates already fetched.
cargo fetch -q
say "ready"

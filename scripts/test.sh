#!/usr/bin/env bash
# Set up what is missing and run every test: formatting, lints, the engine and CLI
# (unit, golden scenarios, properties), the release build of the page, and the
# end-to-end tests in headless Chromium. Screenshots land in tests/e2e/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
. scripts/env.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
t0=$(date +%s)

step "format"
cargo fmt --all -- --check

step "lints (native crates, then the page for wasm32)"
cargo clippy --all-targets --locked -- -D warnings
cargo clippy -p vpclab-web --target wasm32-unknown-unknown --locked -- -D warnings

step "engine and CLI tests"
cargo test --locked
# The page's reducer, embed options and host messages are plain Rust: tested natively too.
cargo test --locked -p vpclab-web

step "release build of the page"
trunk build --release

step "end-to-end tests in headless Chromium"
node --test tests/e2e/

printf '\nall tests passed in %ss\n' "$(( $(date +%s) - t0 ))"

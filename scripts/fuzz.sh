#!/usr/bin/env bash
# Fuzz every decoder of untrusted input for a bounded time each (default 60 s):
#   scripts/fuzz.sh [SECONDS]
# Needs the nightly toolchain and cargo-fuzz (installed into the tools root if missing).
# CI runs the always-on equivalent instead: crates/vpclab-core/tests/robustness.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
secs="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --root "$TOOLS"
cd fuzz
for target in topology_json aws_import share_link; do
  mkdir -p "corpus/$target"
  cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$secs" -rss_limit_mb=4096
done

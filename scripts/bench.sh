#!/usr/bin/env bash
# Benchmarks: the engine natively and as WebAssembly under Node, the same suite in one run,
# with the WASM/native ratio. `--quick` for a short run. Figures go to stdout (Markdown).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
. scripts/env.sh
quick="${1:-}"
cargo build -q --release --locked -p vpclab-cli --bin vpclab-bench
cargo build -q --release --locked -p vpclab-bench-wasm --target wasm32-unknown-unknown
out=target/bench-wasm
wasm-bindgen --target nodejs --out-dir "$out" target/wasm32-unknown-unknown/release/vpclab_bench_wasm.wasm
./target/release/vpclab-bench --json $quick > "$out/native.json"
node -e '
  const bench = require(process.argv[1] + "/vpclab_bench_wasm.js");
  const quick = process.argv[2] === "--quick";
  require("fs").writeFileSync(process.argv[1] + "/wasm.json", bench.run(quick));
' "$PWD/$out" "$quick"
node -e '
  const [dir] = process.argv.slice(1);
  const n = require(dir + "/native.json"), w = require(dir + "/wasm.json");
  const fmt = (us) => us < 1e3 ? us.toFixed(1) + " µs" : us < 1e6 ? (us / 1e3).toFixed(2) + " ms" : (us / 1e6).toFixed(2) + " s";
  console.log("| scale | interfaces | SG rules | operation | native | wasm (node " + process.version + ") | wasm/native |");
  console.log("|---|---:|---:|---|---:|---:|---:|");
  n.forEach((f, i) => {
    const g = w[i];
    console.log(`| ${f.scale} | ${f.interfaces} | ${f.rules} | ${f.operation} | ${fmt(f.micros)} | ${fmt(g.micros)} | ${(g.micros / f.micros).toFixed(2)} |`);
  });
' "$PWD/$out"

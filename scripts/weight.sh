#!/usr/bin/env bash
# Page weight (gzip -9, as ../shared/tools/probe-page.mjs counts it) against issue 4's
# yardstick, a Yew hello-world built with the same release profile, and against two floors
# of the engine alone: the least a page must ship to answer one query at first render, and
# everything the page's first render asks of the engine. Figures go to stdout (Markdown).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
. scripts/env.sh
release=target/wasm32-unknown-unknown/release
out=target/weight
rm -rf "$out" && mkdir -p "$out"
cargo build -q --release --locked --target wasm32-unknown-unknown -p vpclab-web --example hello
cargo build -q --release --locked --target wasm32-unknown-unknown -p vpclab-bench-wasm \
  --example weight_answer --example weight_first_render
trunk build --release >/dev/null 2>&1
gz() { gzip -9 -c "$@" | wc -c; }
# Built as trunk builds the page: wasm-bindgen for the web, then wasm-opt -Oz.
weigh() {
  wasm-bindgen --target web --no-typescript --out-dir "$out" "$release/examples/$1.wasm"
  wasm-opt -Oz "$out/${1}_bg.wasm" -o "$out/$1.opt.wasm"
  echo $(( $(gz "$out/$1.opt.wasm") + $(gz "$out/$1.js") ))
}
hello=$(weigh hello)
answer=$(weigh weight_answer)
first=$(weigh weight_first_render)
page=0
for f in dist/*.wasm dist/*.js dist/*.css dist/index.html dist/*.svg; do
  case "$f" in */worker.js) continue ;; esac # loaded only for a large network's matrix
  page=$(( page + $(gz "$f") ))
done
row() { awk -v n="$1" -v b="$2" -v h="$hello" 'BEGIN { printf "| %s | %.1f KB | %.1f× |\n", n, b / 1000, b / h }'; }
echo "| wasm + js (gzip -9) | weight | × hello-world |"
echo "|---|---:|---:|"
row "Yew hello-world (web/examples/hello.rs)" "$hello"
row "engine: read, build, answer one query (weight_answer)" "$answer"
row "engine: all the first render needs, no view (weight_first_render)" "$first"
row "the page (dist/, with css, html and icon)" "$page"
awk -v h="$hello" 'BEGIN { printf "\nIssue 4 bound: 3 × hello-world = %.1f KB\n", 3 * h / 1000 }'

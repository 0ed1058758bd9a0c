#!/usr/bin/env bash
# Install what vpclab needs to build and test, from the package registries only
# (crates.io, npm, Debian). Reuses whatever is already installed at the right version,
# so a warm machine makes no network calls. Safe to run again and again.
#
#   scripts/setup.sh            # tools to build and serve the page
#   scripts/setup.sh --browser  # also Chromium, for the end-to-end tests
#
# Tools go to $VPCLAB_TOOLS (default ~/.cache/vpclab/tools), outside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
TOOLS="${VPCLAB_TOOLS:-$HOME/.cache/vpclab/tools}"
export PATH="$TOOLS/bin:$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
want_browser=0
[ "${1:-}" = "--browser" ] && want_browser=1

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# The wasm-bindgen CLI must match the library in Cargo.lock exactly.
cargo metadata --format-version 1 --locked >/dev/null 2>&1 || cargo generate-lockfile
WBG_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p' | head -n1)

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -qF "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 10 minutes on 2 cores, once)"
  cargo install --locked "trunk@$TRUNK_VERSION" --root "$TOOLS"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -qF "$WBG_VERSION"; then
  say "installing wasm-bindgen-cli $WBG_VERSION (about 3 minutes, once)"
  # Not --locked: its lockfile wants crates newer than the registry mirror holds.
  cargo install "wasm-bindgen-cli@$WBG_VERSION" --root "$TOOLS"
fi

# npm: wasm-opt (binaryen) and playwright-core, pinned in package-lock.json.
stamp=node_modules/.vpclab-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  say "installing npm packages (binaryen, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

if [ "$want_browser" = 1 ] && ! { [ -x /usr/bin/chromium ] && command -v chromedriver >/dev/null 2>&1; }; then
  say "installing Chromium from Debian"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi
say "ready (trunk $(trunk --version | cut -d' ' -f2), wasm-bindgen $WBG_VERSION, $(wasm-opt --version | cut -d' ' -f1-3))"

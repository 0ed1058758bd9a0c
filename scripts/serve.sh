#!/usr/bin/env bash
# Set up what is missing, build the page and serve the playground with the default
# example at http://127.0.0.1:${PORT:-8080}/ (Ctrl+C to stop).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
exec trunk serve --release --address "${ADDRESS:-127.0.0.1}" --port "${PORT:-8080}"

#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release -DCRM_METRICS_BUILD_TESTS=OFF -DCRM_METRICS_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" --target example_demo
./build/release/examples/example_demo

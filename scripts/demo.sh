#!/usr/bin/env bash
# The README's first command: installs what is missing, builds crm-report, and ends with its report
# on the built-in sample data (drawn with the library's own generators) on the screen. The same
# report is written as a self-contained HTML page and as JSON beside the build (paths printed first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release -DCRM_METRICS_BUILD_TESTS=OFF -DCRM_METRICS_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" --target crm-report
out=build/release/crm-report-sample
echo "crm-metrics: crm-report on the built-in sample; also written to $out.html and $out.json"
echo "  (your own orders: build/release/tools/crm-report/crm-report orders.csv --html report.html; --help for more)"
echo
./build/release/tools/crm-report/crm-report --html "$out.html" --json "$out.json"

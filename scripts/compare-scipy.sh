#!/usr/bin/env bash
# crm-metrics: the customer-base models against a straightforward SciPy fit, same run, same data.
# Builds the Google Benchmark programs in Release (build/bench), then runs every
# benchmarks/compare_scipy_*.py with Debian's SciPy (scripts/scipy-env.sh) on one core (taskset -c 0;
# the library and SciPy are both single-threaded here). Each script prints the estimates it checked,
# then a table of CPU-time medians: library (ms), SciPy (ms) and SciPy/library.
# Usage: bash scripts/compare-scipy.sh [repeats=7]
# Env: CRM_METRICS_DATA_DIR (default ../shared/data), CRM_BENCH_REPEATS_1M (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
export CRM_BENCH_REPEATS=${1:-${CRM_BENCH_REPEATS:-7}}
export CRM_METRICS_DATA_DIR=${CRM_METRICS_DATA_DIR:-$(cd .. && pwd)/shared/data}
PY=$(bash scripts/scipy-env.sh)
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=-O3 -march=x86-64-v2 -DNDEBUG" \
  -DCRM_METRICS_BUILD_TESTS=OFF -DCRM_METRICS_BUILD_EXAMPLES=OFF >/dev/null
targets=""
for f in benchmarks/*_bench.cpp; do targets="$targets $(basename "$f" .cpp)"; done
cmake --build build/bench -j "$(nproc)" --target $targets >/dev/null
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
echo "crm-metrics vs SciPy, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, one used; medians of CPU time"
for s in benchmarks/compare_scipy_*.py; do
  echo
  echo "== $s"
  $pin "$PY" "$s" --bench-dir build/bench/benchmarks
done

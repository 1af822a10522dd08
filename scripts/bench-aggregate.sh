#!/usr/bin/env bash
# The aggregation layer against DuckDB and pandas on the same generated order log, in one run
# (benchmarks/compare_duckdb_pandas.py), then the CSV parser benchmark (aggregate_csv_bench).
# A benchmark script, never part of scripts/test.sh: it installs what only the comparison needs
#   Debian: python3-pandas (the pandas side), libfccp-dev and libfast-float-dev (the parsers
#           aggregate_csv_bench measures ours against), nodejs and npm;
#   npm:    @duckdb/node-api (benchmarks/package.json), into build/bench-aggregate/node (never committed).
# Usage: bash scripts/bench-aggregate.sh [repetitions=5] [extra compare_duckdb_pandas.py options,
#        e.g. --orders 1000000 --customers 100000 for a quick run]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}
shift || true
extra=(python3-pandas libfccp-dev libfast-float-dev)
# node and npm by command, not by package: a Node.js from elsewhere (e.g. a nodejs package that
# bundles npm) conflicts with Debian's npm package
command -v node >/dev/null || extra+=(nodejs)
command -v npm >/dev/null || extra+=(npm)
bash scripts/install-deps.sh "${extra[@]}"
out=build/bench-aggregate
mkdir -p "$out/node"
cp benchmarks/package.json "$out/node/package.json"
(cd "$out/node" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
cmake -S . -B "$out/cmake" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-O3 -march=x86-64-v2 -DNDEBUG" \
  -DCRM_METRICS_BUILD_TESTS=OFF -DCRM_METRICS_BUILD_EXAMPLES=OFF -DCRM_METRICS_BUILD_REPORT=OFF >/dev/null
cmake --build "$out/cmake" --target aggregate_csv_bench -j "$(nproc)" >/dev/null
bench="$out/cmake/benchmarks/aggregate_csv_bench"
echo "=== same data, same run: crm vs DuckDB vs pandas ($(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)) ==="
python3 benchmarks/compare_duckdb_pandas.py --bench "$bench" --node-dir "$out/node" --reps "$reps" --data "$out" "$@" \
  2>"$out/compare.json"
echo
echo "=== CSV parsers (1M orders, 30 MB): crm reader on 1 and 2 threads, fast-cpp-csv-parser, amount parsers ==="
"$bench" --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true 2>/dev/null | grep -vE "_mean|_stddev|_cv"

#!/usr/bin/env bash
# Zero-overhead check of the formula metrics: builds the release preset, runs every metric benchmark
# (benchmarks/<domain>_bench.cpp with BM_<metric>_library / _try / _hand triples) with repetitions,
# and prints the median time of each form and the ratios library/hand and try/library.
# Usage: bash scripts/bench-metrics.sh [repetitions=15]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-15}
bash scripts/install-deps.sh
cmake --preset release -DCRM_METRICS_BUILD_TESTS=OFF >/dev/null
domains="acquisition retention revenue email loyalty engagement service"
targets=""
for d in $domains; do [ -f "benchmarks/${d}_bench.cpp" ] && targets="$targets ${d}_bench"; done
cmake --build --preset release -j "$(nproc)" --target $targets >/dev/null
out=$(mktemp -d)
for t in $targets; do
  taskset -c 0 "./build/release/benchmarks/$t" --benchmark_repetitions="$reps" \
    --benchmark_report_aggregates_only=true --benchmark_format=json --benchmark_out="$out/$t.json" \
    --benchmark_out_format=json >/dev/null 2>&1 || ./build/release/benchmarks/$t \
    --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
    --benchmark_out="$out/$t.json" --benchmark_out_format=json >/dev/null
done
python3 - "$out" <<'PY'
import json, sys, glob, re
rows = {}
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    for b in json.load(open(f))["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        m = re.match(r"BM_(.+)_(library|try|hand)(/.*)?_median$", b["name"])
        if m:
            rows.setdefault(m.group(1), {})[m.group(2)] = b["real_time"]
print(f"{'metric':32} {'hand ns':>9} {'library ns':>11} {'try ns':>9} {'lib/hand':>9} {'try/lib':>8}")
for k, v in sorted(rows.items()):
    h, l, t = v.get("hand"), v.get("library"), v.get("try")
    fmt = lambda x: f"{x:9.3f}" if x is not None else "        -"
    r1 = f"{l/h:9.2f}" if h and l else "        -"
    r2 = f"{t/l:8.2f}" if t and l else "       -"
    print(f"{k:32} {fmt(h)} {l if l is None else f'{l:11.3f}'} {fmt(t)} {r1} {r2}")
PY

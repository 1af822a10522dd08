#!/usr/bin/env bash
# Coverage-guided fuzzing of the library's readers with libFuzzer (clang), under ASan and UBSan
# (docs/testing.md, "Fuzzing"). Not part of scripts/test.sh: a fuzzing run is open-ended; the test
# suite replays every target's seeds, fixed mutations and tests/fuzz/regressions instead.
#
#   bash scripts/fuzz.sh [seconds per target = 300] [target ... (default: every target)]
#
# Builds the targets in build/fuzz (clang 14, -DCRM_METRICS_BUILD_FUZZERS=ON), starts each from its
# seeds (written by its replay program) and the corpus kept in build/fuzz/corpus-<target> from earlier
# runs, and stops at the first failure: the input is left in build/fuzz/findings/ (copy it to
# tests/fuzz/regressions/<target>/<what> once the bug is fixed). Exit status 1 on a finding.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(state_fuzz csv_fuzz model_csv_fuzz report_fuzz)
bash scripts/install-deps.sh  # clang 14 and its sanitizer runtime (libFuzzer), and what the tests and crm-report need
out=build/fuzz
cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 -DCRM_METRICS_BUILD_FUZZERS=ON -DCRM_METRICS_FUZZ_REPLAY=ON \
  -DCRM_METRICS_BUILD_EXAMPLES=OFF -DCRM_METRICS_BUILD_BENCHMARKS=OFF >/dev/null
mkdir -p "$out/findings"
status=0
for t in "${targets[@]}"; do
  cmake --build "$out" --target "$t" "${t}_replay" -j "$(nproc)" >/dev/null
  corpus="$out/corpus-$t"
  mkdir -p "$corpus"
  "$out/tests/fuzz/${t}_replay" --write-seeds "$corpus"
  echo "=== $t: $seconds s from $(ls "$corpus" | wc -l) inputs"
  if ! "$out/tests/fuzz/$t" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=30 \
      -max_len=8192 -artifact_prefix="$out/findings/$t-" -print_final_stats=1 2>"$out/$t.log"; then
    echo "$t: a finding (build/fuzz/findings/, log $out/$t.log):"
    grep -E "ERROR|runtime error|state_fuzz:|SUMMARY" "$out/$t.log" | head -5
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$out/$t.log" | tail -2
  fi
done
exit $status

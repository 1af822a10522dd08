#!/usr/bin/env bash
# crm-metrics: the static analysis of docs/testing.md ("Static analysis"), by hand, not part of the
# suite (about 16 minutes on one core for everything): clang-tidy 14 over one translation unit per
# public header and over test files that instantiate the templates, and cppcheck over the headers.
# It prints every finding; reading them is the work (most are the NaN tests `x != x` and the other
# false positives docs/testing.md lists), so it exits 0 unless a tool cannot run.
# Usage: bash scripts/static-analysis.sh [headers|tests|cppcheck ...]   (default: all three)
#   CRM_TIDY_TESTS="bg_nbd_test aggregate_orders_test" picks the test files (default: the 17 of the
#   last run); output in build/static-analysis/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/build/static-analysis
parts=${*:-headers tests cppcheck}
bash scripts/install-deps.sh clang-tidy-14 cppcheck >/dev/null
checks='-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-exception-escape,performance-*,clang-analyzer-*,cert-err34-c,cert-flp30-c,concurrency-*,misc-redundant-expression,misc-misplaced-const,misc-uniqueptr-reset-release,readability-misleading-indentation,cppcoreguidelines-narrowing-conversions,cppcoreguidelines-pro-type-member-init,cppcoreguidelines-slicing'
flags="-std=c++20 -I$root/include -I$root/tests -DFMT_SHARED"
mkdir -p "$out/tu"

# One translation unit per public header (not detail/, reached through the public ones; not the
# umbrellas, which only include the others), and a compile database for them and the test files.
headers=$(cd include && find crm -name '*.hpp' -not -path '*/detail/*' | sort | grep -vE '^crm/(aggregate|metrics|models|statistics)\.hpp$')
tests=${CRM_TIDY_TESTS:-aggregate_orders_test bg_nbd_test models_batch_test aggregate_rfm_test aggregate_cohort_test
  aggregate_csv_test aggregate_merge_test executor_test aggregate_interrupt_test contractual_test pareto_nbd_test
  gamma_gamma_test bg_bb_test model_intervals_test models_homogeneous_test samples_test bayes_test}
{
  echo "["
  sep=""
  for h in $headers; do
    tu="$out/tu/$(echo "$h" | tr '/.' '__').cpp"
    echo "#include <$h>" > "$tu"
    printf '%s{"directory": "%s", "file": "%s", "command": "clang++-14 %s -c %s -o /dev/null"}\n' "$sep" "$out/tu" "$tu" "$flags" "$tu"
    sep=","
  done
  for t in $tests; do
    printf '%s{"directory": "%s", "file": "%s", "command": "clang++-14 %s -c %s -o /dev/null"}\n' "$sep" "$root/tests" "$root/tests/$t.cpp" "$flags" "$root/tests/$t.cpp"
  done
  echo "]"
} > "$out/compile_commands.json"

tidy() {  # tidy FILE: its findings in the library's headers
  clang-tidy-14 -p "$out" --quiet --checks="$checks" --header-filter="$root/include/crm/.*" "$1" 2>/dev/null |
    grep -E "^$root/include/.*(warning|error):" || true
}
for part in $parts; do
  case $part in
    headers)
      echo "=== clang-tidy: one translation unit per public header ($(echo "$headers" | wc -w)) ==="
      for h in $headers; do tidy "$out/tu/$(echo "$h" | tr '/.' '__').cpp"; done | sort -u | tee "$out/headers.txt" ;;
    tests)
      echo "=== clang-tidy: test files that instantiate the templates ($(echo "$tests" | wc -w)) ==="
      for t in $tests; do tidy "$root/tests/$t.cpp"; done | sort -u | tee "$out/tests.txt" ;;
    cppcheck)
      # cppcheck 2.10 cannot parse [[likely]]/[[unlikely]] before a nested if: it reads a copy of the
      # headers without them (same line numbers)
      echo "=== cppcheck over the public headers (a copy without [[likely]]/[[unlikely]]) ==="
      rm -rf "$out/include" && cp -r include "$out/include"
      find "$out/include" -name '*.hpp' -exec sed -i 's/\[\[\(un\)\?likely\]\]//g' {} +
      for h in $headers; do echo "#include <$h>"; done > "$out/cppcheck.cpp"
      cppcheck --std=c++20 --enable=warning,performance,portability --inline-suppr --quiet \
        --suppress=missingIncludeSystem -I "$out/include" "$out/cppcheck.cpp" 2>&1 | tee "$out/cppcheck.txt" ;;
    *) echo "unknown part $part (headers, tests, cppcheck)" >&2; exit 2 ;;
  esac
done
echo "=== findings: $out/{headers,tests,cppcheck}.txt ==="

#!/usr/bin/env bash
# The README's test command: installs what is missing, then builds and runs the whole suite with both
# compilers users build it with: the clang preset (clang 14 + libstdc++, AddressSanitizer + UBSan,
# warnings as errors) and the dev preset (g++ 12, warnings as errors, plus the packaging checks:
# header self-containment, include orders, must-not-compile, consumers). Ends with ctest's summary
# line. CRM_TEST_PRESETS="dev" runs one preset only; "asan" is g++ under the sanitizers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
presets=${CRM_TEST_PRESETS:-"clang dev"}
status=0
for p in $presets; do
  echo "=== crm-metrics: preset $p ==="
  cmake --preset "$p" >/dev/null
  cmake --build --preset "$p" -j "$jobs"
  ctest --preset "$p" -j "$jobs" || status=1
done
exit $status

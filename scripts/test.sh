#!/usr/bin/env bash
# The README's test command: installs what is missing, then builds and runs the whole suite in the
# dev preset (warnings as errors) and the asan preset (AddressSanitizer + UBSan). Ends with ctest's
# summary line. CRM_TEST_PRESETS="dev" runs one preset only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
presets=${CRM_TEST_PRESETS:-"asan dev"}
status=0
for p in $presets; do
  echo "=== crm-metrics: preset $p ==="
  cmake --preset "$p" >/dev/null
  cmake --build --preset "$p" -j "$jobs"
  ctest --preset "$p" -j "$jobs" || status=1
done
exit $status

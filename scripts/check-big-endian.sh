#!/usr/bin/env bash
# crm-metrics: the aggregation layer on a big-endian machine, by hand (not part of the README's test
# command: about 6 minutes here). Cross-compiles test files for IBM Z (s390x, big-endian) with
# Debian's cross compiler and runs them under qemu-user: the serialized states' little-endian format
# (docs/aggregation.md, "Serialized states") and the CSV reader's word-at-a-time loops must give on
# a big-endian machine exactly what they give on x86-64. Installs crossbuild-essential-s390x and
# qemu-user when missing. Usage: bash scripts/check-big-endian.sh [TEST_FILE_STEM ...]
# (default: every tests/aggregate_*_test.cpp); build in build/big-endian.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh crossbuild-essential-s390x qemu-user
src=$PWD
out=build/big-endian
mkdir -p "$out"
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  for f in tests/aggregate_*_test.cpp; do tests+=("$(basename "$f" .cpp)"); done
fi
cxx=s390x-linux-gnu-g++
# Boost, {fmt} (header-only) and Catch2 v2 are headers without machine code: the host's copies serve,
# searched after the cross compiler's own (-idirafter), so the C library's headers are the target's.
flags=(-std=c++20 -O1 -g0 -DFMT_HEADER_ONLY -Wall -Wextra -Werror -I"$src/include" -I"$src/tests" -idirafter /usr/include)
printf '#define CATCH_CONFIG_MAIN\n#include "catch.hpp"\n' > "$out/main.cpp"
[ -f "$out/main.o" ] || $cxx "${flags[@]}" -Wno-error -c "$out/main.cpp" -o "$out/main.o"
printf '%s\n' "${tests[@]}" | xargs -P "$(nproc)" -I{} $cxx "${flags[@]}" -c "$src/tests/{}.cpp" -o "$out/{}.o"
status=0
for t in "${tests[@]}"; do
  $cxx "$out/main.o" "$out/$t.o" -o "$out/$t" -pthread
  echo "=== $t (s390x, big-endian, under qemu) ==="
  CRM_METRICS_DATA_DIR=${CRM_METRICS_DATA_DIR:-$src/../shared/data} qemu-s390x -L /usr/s390x-linux-gnu "$out/$t" | tail -2 || status=1
done
exit $status

#!/usr/bin/env bash
# crm-metrics: the library on other CPUs, by hand (not part of the README's test command). Cross-compiles
# test files with Debian's cross compiler and runs them under qemu-user:
#   --arch s390x (the default): IBM Z, big-endian. The serialized states' little-endian format
#     (docs/aggregation.md, "Serialized states") and the CSV reader's word-at-a-time loops must give
#     there exactly what they give on x86-64; default files: every tests/aggregate_*_test.cpp.
#   --arch arm64: 64-bit ARM (AWS Graviton, Ampere; Linux's long double there is IEEE quad, and the
#     batch predictions take their portable path); default files: every tests/*_test.cpp.
# Installs crossbuild-essential-ARCH and qemu-user when missing. Usage:
#   bash scripts/check-cross.sh [--arch s390x|arm64] [TEST_FILE_STEM ...]     (build in build/cross-ARCH)
set -euo pipefail
cd "$(dirname "$0")/.."
arch=s390x
if [ "${1:-}" = --arch ]; then arch=$2; shift 2; fi
case $arch in
  s390x) triple=s390x-linux-gnu qemu=qemu-s390x pattern='tests/aggregate_*_test.cpp' ;;
  arm64) triple=aarch64-linux-gnu qemu=qemu-aarch64 pattern='tests/*_test.cpp' ;;
  *) echo "check-cross.sh: --arch s390x or arm64, not $arch" >&2; exit 2 ;;
esac
bash scripts/install-deps.sh "crossbuild-essential-$arch" qemu-user
src=$PWD
out=build/cross-$arch
mkdir -p "$out"
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  for f in $pattern; do tests+=("$(basename "$f" .cpp)"); done
fi
cxx=$triple-g++
# Boost, {fmt} (header-only) and Catch2 v2 are headers without machine code: the host's copies serve,
# searched after the cross compiler's own (-idirafter), so the C library's headers are the target's.
# (-Wno-psabi: GCC's notes on arm64 that std::pair<double, double> is passed as in C++14 since GCC 10.1)
flags=(-std=c++20 -O1 -g0 -DFMT_HEADER_ONLY -Wall -Wextra -Werror -Wno-psabi -I"$src/include" -I"$src/tests" -idirafter /usr/include)
printf '#define CATCH_CONFIG_MAIN\n#include "catch.hpp"\n' > "$out/main.cpp"
[ -f "$out/main.o" ] || $cxx "${flags[@]}" -Wno-error -c "$out/main.cpp" -o "$out/main.o"
printf '%s\n' "${tests[@]}" | xargs -P "$(nproc)" -I{} $cxx "${flags[@]}" -c "$src/tests/{}.cpp" -o "$out/{}.o"
status=0
for t in "${tests[@]}"; do
  $cxx "$out/main.o" "$out/$t.o" -o "$out/$t" -pthread
  echo "=== $t ($arch, under qemu) ==="
  CRM_METRICS_DATA_DIR=${CRM_METRICS_DATA_DIR:-$src/../shared/data} $qemu -L "/usr/$triple" "$out/$t" | tail -2 || status=1
done
exit $status

#!/usr/bin/env bash
# crm-metrics: the library with LLVM's libc++ instead of libstdc++ (what clang users on macOS and the
# BSDs build with). libc++ 14 has no floating std::from_chars and rounds a long double's std::to_chars
# to double, so the library reads amounts and writes long double states through the C library there
# (include/crm/detail/charconv.hpp); this check compiles every public header in one translation unit
# and builds and runs the CSV reader's and the serialization's tests against libc++, warnings as errors.
# {fmt} is used header-only (FMT_HEADER_ONLY: Debian's libfmt is built against libstdc++), Catch2 must
# be the header-only v2. Usage: check.sh SOURCE_DIR WORK_DIR [CLANG++]. Exit 77 (a skip) when clang or
# libc++ is missing, unless CI is set (scripts/install-deps.sh installs libc++-14-dev there).
set -euo pipefail
src=$(cd "$1" && pwd)
work=$2
cxx=${3:-clang++-14}
mkdir -p "$work"
cd "$work"
flags=(-std=c++20 -stdlib=libc++ -DFMT_HEADER_ONLY -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror
       -I"$src/include" -I"$src/tests")
printf '#include <vector>\nint main() { return std::vector<int>{1}.size() == 1 ? 0 : 1; }\n' > probe.cpp
if ! command -v "$cxx" >/dev/null || ! "$cxx" "${flags[@]}" probe.cpp -o probe 2>probe.log || ! ./probe; then
  cat probe.log 2>/dev/null || true
  if [ -n "${CI:-}" ]; then echo "libc++ check: $cxx with -stdlib=libc++ does not work (CI is set)"; exit 1; fi
  echo "libc++ check: skipped ($cxx with -stdlib=libc++ not available: apt-get install clang-14 libc++-14-dev libc++abi-14-dev)"
  exit 77
fi
{
  (cd "$src/include" && find crm -name '*.hpp' -not -path '*/detail/*' | LC_ALL=C sort) | sed 's|.*|#include <&>|'
  echo 'int main() { return 0; }'
} > headers.cpp
printf '#define CATCH_CONFIG_MAIN\n#include "catch.hpp"\n' > main.cpp
pids=()
"$cxx" "${flags[@]}" -fsyntax-only headers.cpp & pids+=($!)
"$cxx" "${flags[@]}" -O0 -g0 -c main.cpp -o main.o & pids+=($!)
for p in "${pids[@]}"; do wait "$p"; done
echo "libc++ check: every public header compiles in one translation unit"
pids=()
for t in aggregate_csv_test aggregate_serialize_test; do
  "$cxx" "${flags[@]}" -O0 -g0 -c "$src/tests/$t.cpp" -o "$t.o" & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
"$cxx" -stdlib=libc++ main.o aggregate_csv_test.o aggregate_serialize_test.o -o tests_libcxx -pthread
./tests_libcxx

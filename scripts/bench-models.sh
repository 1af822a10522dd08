#!/usr/bin/env bash
# crm-metrics: the batch predictions (crm/models/batch.hpp) against the same formulas vectorised with
# NumPy/SciPy, same 1M generated customers, same run (benchmarks/compare_numpy_models.py).
# A benchmark script, never part of scripts/test.sh. It installs what only the comparison needs:
#   Debian: python3-numpy and libsleef-dev (through scripts/install-deps.sh's arguments); SciPy through
#           scripts/scipy-env.sh (python3-scipy pulls libboost1.74-dev, which conflicts with the
#           libboost1.81-dev the project builds with, so the package is unpacked into a private prefix).
# Builds models_batch_bench in Release for this machine (-O3 -march=native, g++) once per vector-math
# path: the default (build/bench-models/libmvec: glibc's libmvec on glibc x86-64, no extra library:
# libm.so pulls libmvec in), the std:: path (-DCRM_METRICS_NO_LIBMVEC; build/bench-models/std) and SLEEF
# (-DCRM_METRICS_USE_SLEEF, linked with -lsleef; build/bench-models/sleef), and compares every build with
# the same NumPy timings in one run. NumPy runs on one core; the library on one thread pinned to core 0
# and on two threads.
# Usage: bash scripts/bench-models.sh [repetitions=5] [extra compare_numpy_models.py options, e.g.
#        --only bg_alive,gg_spend; --only NAME also runs NAME's columnar form, NAME_cols, where there is one]
#   CRM_BENCH_PATHS="std libmvec" picks the paths (default: std libmvec sleef);
#   CRM_BENCH_MARCH=x86-64-v2 builds for another target (default: native);
#   CRM_BENCH_OUT=DIR builds and writes the data there (default: build/bench-models).
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}
shift || true
bash scripts/install-deps.sh python3-numpy libsleef-dev
PY=$(bash scripts/scipy-env.sh)
out=${CRM_BENCH_OUT:-build/bench-models}
march=${CRM_BENCH_MARCH:-native}
common=(-DCMAKE_BUILD_TYPE=Release -DCRM_METRICS_BUILD_TESTS=OFF -DCRM_METRICS_BUILD_EXAMPLES=OFF -DCRM_METRICS_BUILD_REPORT=OFF)
paths=${CRM_BENCH_PATHS:-std libmvec sleef}
for v in $paths; do
  case $v in
    std) flags=(-DCRM_METRICS_NO_LIBMVEC) ;;
    libmvec) flags=() ;;
    sleef) flags=(-DCRM_METRICS_USE_SLEEF) ;;
    *) echo "unknown path $v (std, libmvec or sleef)" >&2; exit 2 ;;
  esac
  libs=(); [ "$v" = sleef ] && libs=(-DCMAKE_CXX_STANDARD_LIBRARIES=-lsleef)
  cmake -S . -B "$out/$v" "${common[@]}" "-DCMAKE_CXX_FLAGS=-O3 -march=$march -DNDEBUG ${flags[*]:-}" "${libs[@]}" >/dev/null
  cmake --build "$out/$v" --target models_batch_bench -j 2 >/dev/null
done
echo "=== crm batch predictions vs NumPy/SciPy, 1M customers ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, -march=$march, commit $(git rev-parse --short HEAD)) ==="
benches=()
for v in $paths; do benches+=(--bench "$v=$out/$v/benchmarks/models_batch_bench"); done
"$PY" benchmarks/compare_numpy_models.py "${benches[@]}" --reps "$reps" --data "$out/data" "$@"

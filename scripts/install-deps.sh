#!/usr/bin/env bash
# Installs what crm-metrics needs on Debian bookworm / Ubuntu (apt-get), only what is missing;
# arguments name extra packages (the benchmark scripts pass theirs).
#   compiler + cmake (with make, and Ninja: scripts/test.sh builds with it), fmt 9 (libfmt-dev), Boost 1.81 headers (libboost1.81-dev), Catch2 (catch2),
#   CLI11 and nlohmann-json (libcli11-dev, nlohmann-json3-dev: tools/crm-report),
#   Google Benchmark (libbenchmark-dev, for benchmarks/), pkg-config (for the pkg-config check),
#   clang 14 with its sanitizer runtime (clang-14, libclang-rt-14-dev: the clang preset),
#   SLEEF (libsleef-dev: the tests of the optional SLEEF path of the batch predictions; the library
#   itself never needs it), LLVM's linker (lld: links the project's own programs four times faster,
#   CRM_METRICS_USE_LLD in CMakeLists.txt; optional), LLVM's libc++ (libc++-14-dev, libc++abi-14-dev:
#   the libc++ check of tests/libcxx).
set -euo pipefail
pkgs=(g++ clang-14 libclang-rt-14-dev cmake make ninja-build libfmt-dev libboost1.81-dev catch2 libbenchmark-dev pkg-config
      libcli11-dev nlohmann-json3-dev libsleef-dev lld libc++-14-dev libc++abi-14-dev)
if [ -n "${CI:-}" ]; then pkgs+=(chromium); fi  # CI opens crm-report's HTML page in it (tests/report)
pkgs+=("$@")  # extra packages a benchmark script needs (scripts/bench-*.sh), same install path
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  echo "crm-metrics: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

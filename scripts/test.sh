#!/usr/bin/env bash
# The README's test command: installs what is missing, then builds and checks the whole suite with both
# compilers users build it with: the clang preset (clang 14 + libstdc++, AddressSanitizer + UBSan,
# warnings as errors) builds and runs every test; the dev preset (g++ 12, warnings as errors) checks
# that they compile, runs what clang leaves out and the packaging checks (header self-containment,
# include orders, must-not-compile, consumers, the README's first command). Ends with ctest's summary
# line. CRM_TEST_PRESETS="dev" runs one preset only (and builds and runs every test with g++);
# "asan" is g++ under the sanitizers.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each phase is stamped with the seconds since the start, so a slow CI run shows where its time went.
t0=$(date +%s)
stamp() { echo "=== crm-metrics: $1 (at $(( $(date +%s) - t0 )) s) ==="; }
stamp "installing what is missing"
bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
presets=${CRM_TEST_PRESETS:-"clang dev"}
status=0
# The optional PostgreSQL extension (extensions/postgresql): installs PostgreSQL 15 when missing, builds
# the extension once (g++, no sanitizer: postgres cannot load one), runs its SQL tests in a private
# cluster owned by an unprivileged user, stopped even on failure. It runs in the background beside the
# first preset's build (its own build is one large translation unit, which left a core idle for
# about 100 s when it ran alone); its log is printed whole after that build, so that the log still
# ends with ctest's summary. CRM_TEST_POSTGRESQL=0 skips it.
# Jobs beside a build: bg_start KEY LABEL COMMAND... runs COMMAND in the background with its output in a
# file; bg_finish KEY waits for it, stamps its end and prints its log (a failure fails the run).
declare -A bg_pid=() bg_log=() bg_label=()
bg_start() {
  local key=$1 label=$2
  shift 2
  stamp "$label: started in the background"
  bg_label[$key]=$label
  bg_log[$key]=$(mktemp)
  "$@" > "${bg_log[$key]}" 2>&1 &
  bg_pid[$key]=$!
}
bg_finish() {
  local key=$1 rc=0
  [ -n "${bg_pid[$key]:-}" ] || return 0
  wait "${bg_pid[$key]}" || rc=$?
  stamp "${bg_label[$key]}: finished (exit status $rc); its log:"
  cat "${bg_log[$key]}"
  rm -f "${bg_log[$key]}"
  bg_pid[$key]=""
  [ "$rc" = 0 ] || status=1
}
if [ "${CRM_TEST_POSTGRESQL:-1}" != 0 ]; then
  bg_start pg "PostgreSQL extension" bash scripts/test-postgresql.sh
fi
first_command="^report: the README's first command"
# Ninja when it is installed (scripts/install-deps.sh installs ninja-build): it keeps both cores busy
# to the end of the build, where make left the longest compiles (the grouped test files'
# translation units, CRM_METRICS_TEST_UNITY) running alone at the end (docs/testing.md: the clang
# preset's build, PostgreSQL beside it, took 832 s with make and 758 s with Ninja in the same slow
# hours of the VM). A build tree configured before keeps its generator.
for p in $presets; do
  stamp "preset $p: configure and build"
  generator=()
  if [ ! -f "build/$p/CMakeCache.txt" ] && command -v ninja >/dev/null; then generator=(-G Ninja); fi
  # The test programs are built and run once: in the clang preset, under ASan+UBSan. When the clang
  # preset runs here, the dev preset after it only checks that they compile with g++ -Werror
  # (CRM_METRICS_TEST_CHECK_ONLY: -fsyntax-only, no programs) and builds and runs what the clang tree
  # left out (its CRM_METRICS_TEST_EXCLUDE: the std:: path's batch programs), its own -march=native
  # programs and the packaging tests; run alone (CRM_TEST_PRESETS=dev) it builds and runs everything
  # (docs/testing.md).
  check_only=(-DCRM_METRICS_TEST_CHECK_ONLY=OFF)
  if [ "$p" = dev ] && [[ " $presets " == *" clang "* ]]; then
    run_here=$(sed -n 's/^CRM_METRICS_TEST_EXCLUDE:[A-Z]*=//p' build/clang/CMakeCache.txt)
    check_only=(-DCRM_METRICS_TEST_CHECK_ONLY=ON "-DCRM_METRICS_TEST_RUN_HERE=$run_here")
  fi
  cmake --preset "$p" "${generator[@]}" "${check_only[@]}" >/dev/null
  # The README's first command on a fresh clone (the test of that name, in the dev preset: crm-report's
  # release build in a clone, about 220 s of CPU) starts beside this build, as PostgreSQL does beside the
  # clang preset's: run after it, with the few other dev tests beside it, its serial steps left a core
  # idle (docs/testing.md). Its log is printed after the build; the ctest after it runs the rest.
  exclude=()
  if [ "$p" = dev ] && ctest --preset "$p" -N -R "$first_command" 2>/dev/null | grep -q "Total Tests: 1$"; then
    bg_start first "preset $p: the README's first command" ctest --preset "$p" -R "$first_command"
    exclude=(-E "$first_command")
  fi
  cmake --build --preset "$p" -j "$jobs" || { bg_finish pg; bg_finish first; exit 1; }
  stamp "preset $p: built"  # (apart from the background jobs' ends, which bg_finish stamps after waiting)
  bg_finish pg
  bg_finish first
  stamp "preset $p: ctest"
  ctest --preset "$p" -j "$jobs" "${exclude[@]}" || status=1
done
bg_finish pg
exit $status

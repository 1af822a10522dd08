#!/bin/sh
# Compiler launcher for programs that are built only to check that they compile (the benchmarks in
# the dev preset, CRM_METRICS_BENCH_CHECK_ONLY): runs the compile command with -fsyntax-only (parsing,
# template instantiation, front-end warnings as errors; no code generation, no object, no link),
# then leaves an empty object file where the command would have written one, so that the build tool
# sees the step done and does not run it again until a dependency changes.
out=""
prev=""
for arg in "$@"; do
  if [ "$prev" = "-o" ]; then out=$arg; fi
  prev=$arg
done
"$@" -fsyntax-only || exit $?
if [ -n "$out" ]; then : > "$out"; fi

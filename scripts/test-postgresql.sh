#!/usr/bin/env bash
# Tests of the PostgreSQL extension crm_metrics (extensions/postgresql, docs/postgresql.md).
#
#   bash scripts/test-postgresql.sh [--stage DIR] [--keep] [--only GLOB] [--ubsan | --valgrind]
#
# Installs PostgreSQL 15 and its server headers from Debian when missing; builds the extension
# (unless --stage names a directory with lib/crm_metrics.so and extension/*, as the ctest test
# postgresql_extension passes); installs it into the server's directories; starts a private cluster
# (scripts/postgresql-cluster.sh: temporary directory, Unix socket there, no TCP, run as `nobody`
# when this script runs as root); loads the CDNOW and donations data from ../shared/data with COPY
# (never copied into the repository); runs every extensions/postgresql/test/[0-9]*.sql in order (each stops at
# its first failed check; --only GLOB runs only the files whose name matches it, e.g. --only '38_*');
# stops the cluster and removes the directory on exit, failure included
# (--keep leaves the directory). --ubsan (not in CI: time) builds the extension with
# -fsanitize=undefined into build/postgresql-ubsan (or uses --stage) and fails on any
# UndefinedBehaviorSanitizer report; --valgrind (not in CI: about 6 minutes) runs the server under
# valgrind memcheck and fails on any error with a frame in crm_metrics.so (docs/postgresql.md,
# "Sanitizers").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=postgresql-cluster.sh
source "$root/scripts/postgresql-cluster.sh"
stage=""
stage_given=""
pg_keep=0
pg_sanitize=0
pg_valgrind=0
only='[0-9]*'
while [ $# -gt 0 ]; do
  case "$1" in
    --stage) stage=$2; stage_given=1; shift 2 ;;
    --keep) pg_keep=1; shift ;;
    --only) only=$2; shift 2 ;;
    --ubsan) pg_sanitize=1; shift ;;
    --valgrind) pg_valgrind=1; shift ;;
    *) echo "usage: $0 [--stage DIR] [--keep] [--only GLOB] [--ubsan | --valgrind]" >&2; exit 2 ;;
  esac
done

pg_install_packages
if [ "$pg_valgrind" = 1 ] && ! command -v valgrind >/dev/null; then
  echo "test-postgresql: --valgrind needs valgrind (apt-get install valgrind)" >&2
  exit 2
fi
if [ -z "$stage" ]; then
  if [ "$pg_sanitize" = 1 ]; then stage=$(pg_build_extension "$root" ubsan); else stage=$(pg_build_extension "$root"); fi
fi
pg_install_extension "$stage"
pg_start_cluster max_worker_processes=8 max_parallel_workers=4 shared_buffers=64MB

# The data, read by this script (the server user need not read ../shared) and sent with COPY.
data=$root/../shared/data/cdnow
[ -d "$data" ] || data=/work/shared/data/cdnow
psql_ -f - < "$root/extensions/postgresql/test/data.sql"
# CDNOW_sample.txt: whitespace-separated "master_id sample_id yyyymmdd cds amount"; the sample id
# (1..2357) is the customer of the published summaries.
awk 'NF == 5 { printf "%d\t%s-%s-%s\t%d\t%s\n", $2, substr($3,1,4), substr($3,5,2), substr($3,7,2), $4, $5 }' \
  "$data/CDNOW_sample.txt" | psql_ -c "COPY cdnow (customer, day, cds, amount) FROM STDIN"
tail -n +2 "$data/cdnow_customers_summary_with_transactions.csv" |
  psql_ -c "COPY cdnow_summary (customer, x, t_x, big_t, zbar) FROM STDIN WITH (FORMAT csv)"
# donations.csv (Fader, Hardie & Shang 2010): frequency, recency, periods, weights of 11,104 donors
tail -n +2 "$data/../donations/donations.csv" |
  psql_ -c "COPY donations (frequency, recency, periods, weight) FROM STDIN WITH (FORMAT csv)"
# scripts/data/homogeneous_{bg,pareto}_nbd.csv: 300 customers generated with one drop-out probability
# (death rate) for everyone, whose fits end on the boundary at infinity (36_boundary.sql)
for m in bg pareto; do
  tail -n +2 "$root/scripts/data/homogeneous_${m}_nbd.csv" |
    psql_ -c "COPY homogeneous_${m} (x, t_x, big_t) FROM STDIN WITH (FORMAT csv)"
done

failed=0
passed=0
# The C++ core without a server (test/core_test.cpp: out of memory at every allocation, cancels
# during a fit's sort), when this script built the extension and runs every test (with --stage,
# ctest runs it as postgresql_core).
core_test=$stage/../crm_metrics_pg_core_test
if [ -z "$stage_given" ] && [ "$only" = '[0-9]*' ]; then
  start=$(date +%s.%N)
  if out=$("$core_test" 2>&1); then
    printf 'ok      %-28s %5.1f s\n' "core_test" "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"
    passed=$((passed + 1))
  else
    printf 'FAILED  %s\n%s\n' "core_test" "$out"
    failed=$((failed + 1))
  fi
fi
for t in "$root"/extensions/postgresql/test/$only.sql; do
  name=$(basename "$t" .sql)
  start=$(date +%s.%N)
  if out=$(psql_ -o /dev/null -f - < "$t" 2>&1); then
    printf 'ok      %-28s %5.1f s\n' "$name" "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"
    passed=$((passed + 1))
  else
    printf 'FAILED  %s\n%s\n' "$name" "$out"
    failed=$((failed + 1))
  fi
done
if { [ "$pg_sanitize" = 1 ] || [ "$pg_valgrind" = 1 ]; } && ! pg_sanitizer_reports; then
  echo "test-postgresql: sanitizer reports (above)"
  failed=$((failed + 1))
fi
echo "test-postgresql: $passed passed, $failed failed"
[ "$failed" = 0 ]

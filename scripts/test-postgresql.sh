#!/usr/bin/env bash
# Tests of the PostgreSQL extension crm_metrics (extensions/postgresql, docs/postgresql.md).
#
#   bash scripts/test-postgresql.sh [--stage DIR] [--keep]
#
# Installs PostgreSQL 15 and its server headers from Debian when missing; builds the extension
# (unless --stage names a directory with lib/crm_metrics.so and extension/*, as the ctest test
# postgresql_extension passes); installs it into the server's directories (pg_config --pkglibdir,
# --sharedir/extension; PostgreSQL 15 reads extensions from nowhere else); starts a private cluster
# (initdb into a temporary directory, Unix socket in that directory, no TCP, run by an unprivileged
# user since PostgreSQL refuses root: `nobody` when this script runs as root); loads the CDNOW data
# from ../shared/data with COPY (never copied into the repository); runs every
# extensions/postgresql/test/*.sql in order (each stops at its first failed check); stops the
# cluster and removes the directory on exit, failure included (--keep leaves the directory).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stage=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --stage) stage=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: $0 [--stage DIR] [--keep]" >&2; exit 2 ;;
  esac
done

pgbin=/usr/lib/postgresql/15/bin
if [ ! -x "$pgbin/postgres" ] || [ ! -f /usr/include/postgresql/15/server/postgres.h ]; then
  echo "test-postgresql: installing postgresql-15 and postgresql-server-dev-15 from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-server-dev-15 >/dev/null
fi
pg_config=$pgbin/pg_config

if [ -z "$stage" ]; then
  build=$root/build/postgresql
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRM_METRICS_BUILD_POSTGRESQL=ON \
    -DCRM_METRICS_BUILD_TESTS=OFF -DCRM_METRICS_BUILD_EXAMPLES=OFF -DCRM_METRICS_BUILD_BENCHMARKS=OFF \
    -DCRM_METRICS_BUILD_REPORT=OFF -DCRM_METRICS_INSTALL=OFF >/dev/null
  cmake --build "$build" --target crm_metrics_pg -j "$(nproc 2>/dev/null || echo 2)"
  stage=$build/extensions/postgresql/stage
fi
[ -f "$stage/lib/crm_metrics.so" ] || { echo "test-postgresql: $stage/lib/crm_metrics.so not found" >&2; exit 1; }

# Install the built files where the server looks for them.
install -m 0755 "$stage/lib/crm_metrics.so" "$("$pg_config" --pkglibdir)/crm_metrics.so"
install -m 0644 "$stage"/extension/crm_metrics.control "$stage"/extension/crm_metrics--*.sql \
  "$("$pg_config" --sharedir)/extension/"

tmp=$(mktemp -d /tmp/crm-pg-test.XXXXXX)
if [ "$(id -u)" = 0 ]; then
  pguser=nobody
  chown "$pguser" "$tmp"
  as_pg() { runuser -u "$pguser" -- "$@"; }
else
  as_pg() { "$@"; }
fi
chmod 700 "$tmp"
cleanup() {
  local status=$?
  if [ -f "$tmp/data/postmaster.pid" ]; then
    as_pg "$pgbin/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ "$status" != 0 ] && [ -f "$tmp/server.log" ]; then
    echo "--- server log (last 30 lines) ---" >&2
    tail -n 30 "$tmp/server.log" >&2 || true
  fi
  if [ "$keep" = 1 ]; then echo "test-postgresql: kept $tmp"; else rm -rf "$tmp"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_pg "$pgbin/initdb" -D "$tmp/data" -U postgres -A trust --no-sync -E UTF8 --locale=C >/dev/null
as_pg "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -o "-k $tmp -c listen_addresses= -c fsync=off \
  -c max_worker_processes=8 -c max_parallel_workers=4 -c shared_buffers=64MB" start >/dev/null
export PGHOST=$tmp PGUSER=postgres PGDATABASE=postgres PGOPTIONS="-c client_min_messages=warning"
psql_() { as_pg "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

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

failed=0
passed=0
for t in "$root"/extensions/postgresql/test/[0-9]*.sql; do
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
echo "test-postgresql: $passed passed, $failed failed"
[ "$failed" = 0 ]

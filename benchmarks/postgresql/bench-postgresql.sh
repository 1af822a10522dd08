#!/usr/bin/env bash
# The PostgreSQL benchmark of issue 12 (never run in CI): the extension's aggregates against the same
# results in plain SQL (GROUP BY customer; window functions for the cohort matrix) in the same
# database and run, with max_parallel_workers_per_gather = 0, 1 and 2; and DuckDB on the same
# orders (benchmarks/compare_duckdb.mjs) when its npm package is installed.
#
#   bash benchmarks/postgresql/bench-postgresql.sh [--orders N] [--customers M] [--reps R]
#                                                  [--workers "0 1 2"] [--node-dir DIR]
#                                                  [--tasks rfm,cohort] [--trace] [--partitions N]
#
# Orders: benchmarks/generate_orders.hpp (default 10M orders over 1M customers, dates 2022-2023).
# Prints, per task and setting, the median wall time of R runs, the ratio plain SQL / extension, the
# median CPU time of the cluster's processes over the statement (backend and parallel workers, read
# from /proc), and checks that both sides (and DuckDB) agree on counts, sums and checksums.
# --partitions N also loads orders_b, the same orders partitioned by LIST on a hash bucket of the
# customer (hashint8(customer) & (N - 1), N a power of 2), and adds the tasks rfm_part and cohort_part:
# one whole aggregate per partition (docs/postgresql.md, "Scaling with workers: one state per
# partition"); select them with --tasks (e.g. --tasks rfm,rfm_part,cohort,cohort_part).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../scripts/postgresql-cluster.sh
source "$root/scripts/postgresql-cluster.sh"
orders=10000000
customers=1000000
reps=3
workers="0 1 2"
node_dir=""
partitions=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --orders) orders=$2; shift 2 ;;
    --customers) customers=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --node-dir) node_dir=$2; shift 2 ;;
    --tasks) extra+=(--tasks "$2"); shift 2 ;;
    --trace) extra+=(--trace); shift ;;
    --partitions) partitions=$2; extra+=(--partitions "$2"); shift 2 ;;
    *) echo "usage: $0 [--orders N] [--customers M] [--reps R] [--workers LIST] [--node-dir DIR] [--tasks LIST] [--trace] [--partitions N]" >&2; exit 2 ;;
  esac
done
out=$root/build/bench-postgresql
mkdir -p "$out"

pg_install_packages
# Release build of the extension, in its own directory
build=$out/cmake
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-O3 -DNDEBUG" -DCRM_METRICS_BUILD_POSTGRESQL=ON \
  -DCRM_METRICS_BUILD_TESTS=OFF -DCRM_METRICS_BUILD_EXAMPLES=OFF -DCRM_METRICS_BUILD_BENCHMARKS=OFF \
  -DCRM_METRICS_BUILD_REPORT=OFF -DCRM_METRICS_INSTALL=OFF >/dev/null
cmake --build "$build" --target crm_metrics_pg -j "$(nproc)" >/dev/null
pg_install_extension "$build/extensions/postgresql/stage"

csv=$out/orders-$orders-$customers.csv
if [ ! -f "$csv" ]; then
  g++ -std=c++20 -O2 -o "$out/write_orders" "$root/benchmarks/postgresql/write_orders.cpp"
  "$out/write_orders" "$csv" "$orders" "$customers"
fi

pg_start_cluster shared_buffers=2GB work_mem=2GB maintenance_work_mem=1GB max_worker_processes=8 \
  max_parallel_workers=4 max_wal_size=8GB synchronous_commit=off jit=off
chmod 755 "$pg_tmp"  # the driver's psql (as the server user) needs the socket only
psql_ -c "CREATE EXTENSION crm_metrics" \
      -c "CREATE TABLE orders (customer bigint NOT NULL, day date NOT NULL, amount float8 NOT NULL)"
psql_ -c "COPY orders FROM STDIN WITH (FORMAT csv, HEADER true)" < "$csv"
psql_ -c "ALTER TABLE orders SET (parallel_workers = 2)" -c "VACUUM ANALYZE orders"
if [ "$partitions" -gt 0 ]; then
  if [ $((partitions & (partitions - 1))) != 0 ]; then echo "--partitions must be a power of 2" >&2; exit 2; fi
  psql_ -c "CREATE TABLE orders_b (customer bigint NOT NULL, day date NOT NULL, amount float8 NOT NULL, bucket int NOT NULL) PARTITION BY LIST (bucket)"
  for k in $(seq 0 $((partitions - 1))); do
    psql_ -c "CREATE TABLE orders_b$k PARTITION OF orders_b FOR VALUES IN ($k)"
  done
  psql_ -c "INSERT INTO orders_b SELECT customer, day, amount, hashint8(customer) & $((partitions - 1)) FROM orders" -c "VACUUM ANALYZE orders_b"
fi

duck=""
if [ -z "$node_dir" ] && [ -d "$root/build/bench-aggregate/node/node_modules/@duckdb/node-api" ]; then
  node_dir=$root/build/bench-aggregate/node
fi
if [ -n "$node_dir" ] && command -v node >/dev/null; then
  cp "$root/benchmarks/compare_duckdb.mjs" "$node_dir/compare_duckdb.mjs"
  duck=$node_dir/compare_duckdb.mjs
fi

psql_cmd="$pgbin/psql"
[ "$(id -u)" = 0 ] && psql_cmd="runuser -u nobody -- $pgbin/psql"
python3 "$root/benchmarks/postgresql/bench_postgresql.py" --psql "$psql_cmd" --reps "$reps" --workers "$workers" \
  --postmaster-pid "$(head -1 "$pg_tmp/data/postmaster.pid")" \
  --orders "$orders" --customers "$customers" --csv "$csv" ${duck:+--duckdb "$duck"} "${extra[@]}"

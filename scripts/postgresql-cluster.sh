# Sourced by scripts/test-postgresql.sh and benchmarks/postgresql/bench-postgresql.sh: PostgreSQL 15
# from Debian, the crm_metrics extension built and installed, and a private cluster (initdb into a
# temporary directory, Unix socket in that directory, no TCP, run as `nobody` when the caller is
# root since PostgreSQL refuses root) that is stopped and removed on exit, failure included.
# Sets pgbin, pg_tmp, PGHOST/PGUSER/PGDATABASE; defines as_pg and psql_.

pgbin=/usr/lib/postgresql/15/bin

pg_install_packages() {
  if [ ! -x "$pgbin/postgres" ] || [ ! -f /usr/include/postgresql/15/server/postgres.h ]; then
    echo "postgresql: installing postgresql-15 and postgresql-server-dev-15 from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-server-dev-15 >/dev/null
  fi
}

# pg_build_extension ROOT [ubsan]: configures ROOT/build/postgresql (only the extension) and builds
# it and its core test (crm_metrics_pg_core_test, beside the stage directory); with `ubsan`, ROOT/build/postgresql-ubsan with -fsanitize=undefined (a report aborts the
# backend); prints the stage directory (lib/crm_metrics.so, extension/*). AddressSanitizer is not
# offered: its runtime must be preloaded into the server, and Debian's postgres then hangs at
# startup (docs/postgresql.md, "Sanitizers").
pg_build_extension() {
  local root=$1 build=$1/build/postgresql flags=()
  if [ "${2:-}" = ubsan ]; then
    build=$root/build/postgresql-ubsan
    local san="-O1 -g -fsanitize=undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
    flags=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS=$san" "-DCMAKE_CXX_FLAGS=$san"
           "-DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=undefined")
  else
    # -O2 with line tables only (-g1: backtraces keep function names and lines), not RelWithDebInfo's full -g: the
    # extension's one large translation unit compiled in 93 s against 140 s (g++ 12, 2026-12-06), time CI spends
    # beside the clang preset's build
    flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")
  fi
  cmake -S "$root" -B "$build" "${flags[@]}" -DCRM_METRICS_BUILD_POSTGRESQL=ON \
    -DCRM_METRICS_BUILD_TESTS=OFF -DCRM_METRICS_BUILD_EXAMPLES=OFF -DCRM_METRICS_BUILD_BENCHMARKS=OFF \
    -DCRM_METRICS_BUILD_REPORT=OFF -DCRM_METRICS_INSTALL=OFF >/dev/null || return 1
  # `|| return 1`: called as stage=$(pg_build_extension ...), where set -e does not reach (a command
  # substitution does not inherit it), a failed build went on to test the build before it
  cmake --build "$build" --target crm_metrics_pg crm_metrics_pg_core_test -j "$(nproc 2>/dev/null || echo 2)" >&2 || return 1
  echo "$build/extensions/postgresql/stage"
}

# pg_install_extension STAGE: copies the built files where the server reads extensions (PostgreSQL 15
# reads them from pg_config --pkglibdir and --sharedir/extension only).
pg_install_extension() {
  local stage=$1
  [ -f "$stage/lib/crm_metrics.so" ] || { echo "postgresql: $stage/lib/crm_metrics.so not found" >&2; return 1; }
  install -m 0755 "$stage/lib/crm_metrics.so" "$("$pgbin/pg_config" --pkglibdir)/crm_metrics.so"
  install -m 0644 "$stage"/extension/crm_metrics.control "$stage"/extension/crm_metrics--*.sql \
    "$("$pgbin/pg_config" --sharedir)/extension/"
}

# pg_start_cluster [postgres -c options...]: a private cluster; stopped by the EXIT trap. With
# pg_sanitize=1 UndefinedBehaviorSanitizer reports of the server's processes go to
# $pg_tmp/ubsan.<pid>; with pg_valgrind=1 the server runs under valgrind memcheck, logs in
# $pg_tmp/vg.<pid> (see pg_sanitizer_reports).
pg_start_cluster() {
  pg_tmp=$(mktemp -d /tmp/crm-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then
    chown nobody "$pg_tmp"
    as_pg() { runuser -u nobody -- "$@"; }
  else
    as_pg() { "$@"; }
  fi
  chmod 700 "$pg_tmp"
  trap pg_cleanup EXIT
  trap 'exit 130' INT TERM
  local opts="-k $pg_tmp -c listen_addresses= -c fsync=off"
  for o in "$@"; do opts="$opts -c $o"; done
  as_pg "$pgbin/initdb" -D "$pg_tmp/data" -U postgres -A trust --no-sync -E UTF8 --locale=C >/dev/null
  if [ "${pg_valgrind:-0}" = 1 ]; then
    # postgres itself under valgrind (pg_ctl would start it through a shell); the backends are
    # forks of it, so valgrind follows them
    local i
    as_pg valgrind --quiet --error-limit=no --num-callers=40 --log-file="$pg_tmp/vg.%p" \
      "$pgbin/postgres" -D "$pg_tmp/data" $opts >"$pg_tmp/server.log" 2>&1 &
    for i in $(seq 1 300); do
      as_pg "$pgbin/pg_isready" -q -h "$pg_tmp" && break
      sleep 1
    done
  elif [ "${pg_sanitize:-0}" = 1 ]; then
    as_pg env UBSAN_OPTIONS="print_stacktrace=1:log_path=$pg_tmp/ubsan" \
      "$pgbin/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/server.log" -w -o "$opts" start >/dev/null
  else
    as_pg "$pgbin/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/server.log" -w -o "$opts" start >/dev/null
  fi
  export PGHOST=$pg_tmp PGUSER=postgres PGDATABASE=postgres PGOPTIONS="-c client_min_messages=warning"
}
# pg_sanitizer_reports: prints the sanitizer reports of the cluster's processes (for valgrind, the
# errors with a crm_metrics.so frame: PostgreSQL's own, e.g. uninitialised WAL padding written by
# pwrite, are not ours); false when there are any. Stops the server first.
pg_sanitizer_reports() {
  local f found=0
  as_pg "$pgbin/pg_ctl" -D "$pg_tmp/data" -m fast -w stop >/dev/null 2>&1 || true
  for f in "$pg_tmp"/vg.*; do
    [ -e "$f" ] || continue
    awk '/^==[0-9]+== [A-Z]/ { if (b ~ /crm_metrics/) print b; b = $0 "\n"; next } { b = b $0 "\n" }
         END { if (b ~ /crm_metrics/) print b }' "$f" > "$f.ours"
    if [ -s "$f.ours" ]; then
      found=1
      echo "--- valgrind errors in crm_metrics, $f ---"
      cat "$f.ours"
    fi
  done
  for f in "$pg_tmp"/ubsan.*; do
    [ -e "$f" ] || continue
    found=1
    echo "--- sanitizer report $f ---"
    cat "$f"
  done
  [ "$found" = 0 ]
}
psql_() { as_pg "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

pg_cleanup() {
  local status=$?
  if [ -f "$pg_tmp/data/postmaster.pid" ]; then
    as_pg "$pgbin/pg_ctl" -D "$pg_tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ "$status" != 0 ] && [ -f "$pg_tmp/server.log" ]; then
    echo "--- server log (last 30 lines) ---" >&2
    tail -n 30 "$pg_tmp/server.log" >&2 || true
  fi
  if [ "${pg_keep:-0}" = 1 ]; then echo "postgresql: kept $pg_tmp"; else rm -rf "$pg_tmp"; fi
  exit "$status"
}

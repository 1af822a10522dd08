#!/usr/bin/env python3
"""Timings of benchmarks/postgresql/bench-postgresql.sh (which starts the cluster and loads the
orders table). Each task runs as the extension's aggregate and as plain SQL, R times per
max_parallel_workers_per_gather setting; prints medians and the ratio plain / extension, and checks
that the two sides (and DuckDB, when given) agree."""
import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time

END = "2023-12-31"  # the generator's last day: calibration end of the RFM summary
TASKS = {
    # name: (extension query, plain SQL query, checksum query over the result or None)
    "average_check": (
        "SELECT crm_average_check(amount) FROM orders",
        "SELECT sum(amount) / count(*) FROM orders",
        None),
    "repeat_share": (
        "SELECT (s).customers, (s).repeat_customers FROM (SELECT crm_orders(customer, day, amount) s FROM orders) x",
        "SELECT count(*), sum(CASE WHEN n >= 2 THEN 1 ELSE 0 END) FROM "
        "(SELECT customer, count(*) AS n FROM orders GROUP BY customer) s",
        None),
    # the same share through crm_repeat_purchase_share, whose state keeps purchase counts alone
    # (repeat_purchase_accumulator: a 16-byte slot per customer, 12 bytes serialized)
    "repeat_counts": (
        "SELECT crm_repeat_purchase_share(customer, day, amount) FROM orders",
        "SELECT sum(CASE WHEN n >= 2 THEN 1 ELSE 0 END)::float8 / count(*) FROM "
        "(SELECT customer, count(*) AS n FROM orders GROUP BY customer) s",
        None),
    "rfm": (
        # the rows read from the aggregate's running state (a scalar subquery would copy, so
        # serialize, the state first: docs/postgresql.md, "Where the time goes")
        f"CREATE TEMP TABLE r AS SELECT x.* FROM (SELECT crm_rfm_state(customer, day, amount, '{END}', 1) s FROM orders) a "
        "CROSS JOIN LATERAL crm_rfm_rows(a.s) x",
        "CREATE TEMP TABLE r AS "
        "WITH d AS (SELECT customer, day, sum(amount) AS v FROM orders GROUP BY customer, day), "
        "c AS (SELECT customer, count(*) - 1 AS frequency, min(day) AS first, max(day) AS last, sum(v) AS total, "
        "(array_agg(v ORDER BY day))[1] AS first_v FROM d GROUP BY customer) "
        f"SELECT customer, frequency, (last - first)::float8 AS recency, (DATE '{END}' - first)::float8 AS \"T\", "
        "CASE WHEN frequency > 0 THEN (total - first_v) / frequency ELSE 0 END AS monetary_value FROM c",
        "SELECT count(*), sum(frequency), sum(recency), sum(\"T\"), round(sum(monetary_value)::numeric, 2), "
        "sum((customer % 1000003) * (frequency + 7 * recency + 13 * \"T\")) FROM r"),
    "cohort": (
        "CREATE TEMP TABLE c AS SELECT cohort, period_offset AS k, active AS n FROM "
        "unnest((SELECT crm_cohorts(customer, day, amount, 'month', '2022-01-01', 24) FROM orders)) WHERE active > 0",
        "CREATE TEMP TABLE c AS "
        "WITH m AS (SELECT DISTINCT customer, date_trunc('month', day)::date AS month FROM orders), "
        "w AS (SELECT customer, month, min(month) OVER (PARTITION BY customer) AS cohort FROM m) "
        "SELECT cohort, (12 * (extract(year FROM month) - extract(year FROM cohort)) "
        "+ extract(month FROM month) - extract(month FROM cohort))::int AS k, count(*) AS n FROM w GROUP BY 1, 2",
        "SELECT count(*), sum(n), sum(n * (k + 1)), sum(n * (extract(year FROM cohort) * 12 + extract(month FROM cohort))) FROM c"),
}

# The same two results from orders_b, the orders partitioned by a hash bucket of the customer
# (bench-postgresql.sh --partitions N): one whole (not partial) aggregate per partition under a
# Parallel Append, so workers compute whole states of disjoint customers and nothing is merged
# (docs/postgresql.md, "Scaling with workers: one state per partition"). Compared with the same
# plain SQL over the unpartitioned table.
PARTITIONS = 0


def per_partition(q):
    return " UNION ALL ".join(q.format(t=f"orders_b{k}") for k in range(PARTITIONS))


def add_partitioned_tasks():
    TASKS["rfm_part"] = (
        "CREATE TEMP TABLE r AS SELECT x.* FROM ("
        + per_partition(f"SELECT crm_rfm_state(customer, day, amount, '{END}', 1) s FROM {{t}}")
        + ") a CROSS JOIN LATERAL crm_rfm_rows(a.s) x",
        TASKS["rfm"][1], TASKS["rfm"][2])
    TASKS["cohort_part"] = (
        "CREATE TEMP TABLE c AS SELECT cohort, period_offset AS k, sum(active) AS n FROM ("
        + per_partition("SELECT crm_cohorts(customer, day, amount, 'month', '2022-01-01', 24) c FROM {t}")
        + ") a CROSS JOIN LATERAL unnest(a.c) WHERE active > 0 GROUP BY 1, 2",
        TASKS["cohort"][1], TASKS["cohort"][2])


def ext_settings(name, workers):
    """Settings of a task's extension query besides the workers. With one state per partition and as
    many workers as cores (2 here) the leader only writes the rows, which overlaps with the workers'
    aggregates, instead of also taking partitions itself; and with parallel_tuple_cost 0 the planner
    puts the row function below the Gather, so each worker builds its partition's rows from its running
    state (no state serialized and read back) and the tuple queues carry rows. With fewer workers the
    leader takes partitions as usual (with 1 worker and no leader participation PostgreSQL plans no
    parallel scan at all)."""
    if name in ("rfm_part", "cohort_part") and workers >= 2:
        return ["parallel_leader_participation = off", "parallel_tuple_cost = 0"]
    return []


POSTMASTER = None  # pid of the cluster's postmaster (--postmaster-pid): CPU time is read from /proc


def cluster_cpu():
    """CPU seconds (user + system) of the whole cluster so far: the postmaster and its live children
    (the backend, parallel workers), plus the children it has reaped (exited workers)."""
    if POSTMASTER is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")

    def fields(pid):
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()  # fields from 3 (state) on
    total = 0
    f = fields(POSTMASTER)
    total += sum(int(x) for x in f[11:15])  # utime stime cutime cstime
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == POSTMASTER:
            continue
        try:
            f = fields(d)
        except OSError:
            continue
        if int(f[1]) == POSTMASTER:
            total += int(f[11]) + int(f[12])
    return total / tick


class Session:
    """One psql session, fed statement by statement, so the cluster's CPU time can be read just
    before and after the timed statement."""

    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd + ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)

    def do(self, sql):
        self.p.stdin.write(sql + ("\n" if sql.startswith("\\") else ";\n") + "\\echo __crm_bench_done__\n")
        self.p.stdin.flush()
        lines = []
        for line in self.p.stdout:
            line = line.rstrip("\n")
            if line == "__crm_bench_done__":
                return lines
            lines.append(line)
        sys.exit(f"psql failed on: {sql}")

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def psql(cmd, sql, settings=(), check=None):
    """Runs sql (after the settings) in a fresh session: wall seconds (psql's \\timing), cluster CPU
    seconds over the statement, and the rows of `check` (run afterwards, untimed) or of sql."""
    s = Session(cmd)
    for x in settings:
        s.do(f"SET {x}")
    s.do("\\timing on")
    c0 = cluster_cpu()
    out = s.do(sql)
    time.sleep(0.05)  # the postmaster reaps exited parallel workers
    cpu = cluster_cpu() - c0
    times = [float(t) / 1000 for t in re.findall(r"^Time: ([0-9.]+) ms", "\n".join(out), re.M)]
    rows = [l for l in out if l and not l.startswith("Time:") and not l.startswith("Timing is")]
    if check is not None:
        s.do("\\timing off")
        rows = [l for l in s.do(check) if l]
        s.do("DROP TABLE " + sql.split()[3])
    s.close()
    return times[-1], cpu, rows


def trace(cmd, sql, workers, settings=()):
    """The extension's DEBUG1 timing lines (glue.c) for one run of sql: {operation: [count, bytes, ms]};
    a parallel worker's operations are named "worker <operation>", the others are the leader's."""
    script = "".join(f"SET {x};\n" for x in settings)
    script += f"SET max_parallel_workers_per_gather = {workers};\nSET client_min_messages = debug1;\n" + sql + ";\n"
    if sql.startswith("CREATE TEMP TABLE"):
        script += "DROP TABLE " + sql.split()[3] + ";\n"
    p = subprocess.run(cmd + ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"], input=script, capture_output=True, text=True)
    out = {}
    for op, size, ms, worker in re.findall(r"crm_metrics: (\w+), (\d+) bytes, ([0-9.]+) ms( \(parallel worker\))?", p.stderr):
        c = out.setdefault(("worker " if worker else "") + op, [0, 0, 0.0])
        c[0] += 1
        c[1] += int(size)
        c[2] += float(ms)
    return out


def run(cmd, sql, check, workers, settings=()):
    # a temp table is created, checksummed (untimed) and dropped within one session
    return psql(cmd, sql, [f"max_parallel_workers_per_gather = {workers}", *settings], check)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--psql", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--workers", default="0 1 2")
    ap.add_argument("--orders", type=int)
    ap.add_argument("--customers", type=int)
    ap.add_argument("--csv")
    ap.add_argument("--duckdb")
    ap.add_argument("--tasks", default=",".join(TASKS), help="comma-separated subset of " + ",".join(TASKS))
    ap.add_argument("--trace", action="store_true",
                    help="after the timed runs, one more run of each extension query with the DEBUG1 timing of "
                         "serialize/deserialize/merge (summed over the leader and the workers)")
    ap.add_argument("--postmaster-pid", type=int, help="read the cluster's CPU time from /proc (median per cell)")
    ap.add_argument("--partitions", type=int, default=0,
                    help="orders_b has this many partitions (bench-postgresql.sh --partitions): adds rfm_part, cohort_part")
    a = ap.parse_args()
    global POSTMASTER, PARTITIONS
    POSTMASTER = a.postmaster_pid
    PARTITIONS = a.partitions
    if PARTITIONS:
        add_partitioned_tasks()
    cmd = shlex.split(a.psql)
    workers = [int(w) for w in a.workers.split()]
    print(f"PostgreSQL 15, {a.orders} orders over {a.customers} customers, median of {a.reps} runs (seconds)")
    print(f"{'task':15} {'workers':>7} {'extension':>10} {'plain SQL':>10} {'plain/ext':>9}   CPU s (extension, plain SQL)")
    ok = True
    results = {}
    tasks = [t for t in a.tasks.split(",") if t]
    for name in tasks:
        if name not in TASKS:
            sys.exit(f"unknown task {name}")
    for name, (ext, plain, check) in ((n, TASKS[n]) for n in tasks):
        for w in workers:
            te, tp, ce, cp = [], [], [], []
            for _ in range(a.reps):
                t, c, re_ = run(cmd, ext, check, w, ext_settings(name, w))
                te.append(t)
                ce.append(c)
                t, c, rp = run(cmd, plain, check, w)
                tp.append(t)
                cp.append(c)
            me, mp = statistics.median(te), statistics.median(tp)
            agree = agree_rows(name, re_, rp)
            ok = ok and agree
            results[name] = re_
            cpu = f"  {statistics.median(ce):6.2f} {statistics.median(cp):6.2f}" if POSTMASTER else ""
            print(f"{name:15} {w:>7} {me:>10.3f} {mp:>10.3f} {mp / me:>8.1f}x{cpu} {'' if agree else 'RESULTS DIFFER: ' + str(re_) + ' vs ' + str(rp)}",
                  flush=True)
            if a.trace:
                t = trace(cmd, ext, w, ext_settings(name, w))
                print("    " + "; ".join(f"{op}: {c[0]}x, {c[1] / 1e6:.1f} MB, {c[2] / 1000:.3f} s" for op, c in sorted(t.items())),
                      flush=True)
    if a.duckdb:
        for threads in (1, 2):
            p = subprocess.run(["node", a.duckdb, a.csv, "memory", END, str(a.reps), str(threads)],
                               capture_output=True, text=True, cwd=a.duckdb.rsplit("/", 1)[0])
            if p.returncode != 0:
                print(f"duckdb failed: {p.stderr.strip()[:300]}")
                continue
            d = json.loads(p.stdout.strip().splitlines()[-1])
            med = {k: statistics.median(v) for k, v in d["times"].items()}
            print(f"DuckDB in memory, {threads} thread(s): " + ", ".join(f"{k} {v:.3f}" for k, v in med.items()))
            r = d["results"]
            if results.get("repeat_share"):
                c, rep = results["repeat_share"][0].split("|")
                same = int(c) == r["customers"] and int(rep) == r["repeat_customers"]
                ok = ok and same
                print(f"  DuckDB agrees on customers and repeat customers: {same}")
    print("all sides agree" if ok else "SIDES DISAGREE")
    return 0 if ok else 1


def agree_rows(name, a, b):
    if name == "average_check":
        return abs(float(a[0]) - float(b[0])) <= 1e-9 * abs(float(b[0]))
    return a == b


if __name__ == "__main__":
    sys.exit(main())

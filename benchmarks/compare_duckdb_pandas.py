#!/usr/bin/env python3
"""The aggregation layer against DuckDB and pandas, same data, same run (issue 8).

Run through scripts/bench-aggregate.sh, which builds the C++ side and installs DuckDB (npm) and
pandas (Debian). Generates N orders over M customers (benchmarks/generate_orders.hpp), then times
average check, repeat-purchase share, the RFM summary (lifetimes semantics, calibration end = the
last date, unit days) and the monthly acquisition-cohort matrix on every side:
  crm-memory    this library on a std::vector of orders (the load is not timed)
  crm-csv       this library straight from the CSV (memory-mapped reader, streaming accumulators)
  duckdb-memory DuckDB (@duckdb/node-api) on a table loaded first (the load is not timed)
  duckdb-csv    DuckDB straight over read_csv(...)
  pandas        pandas on a DataFrame read first (the read is timed separately)
  floor         a plain streaming sum over the library's in-memory orders (memory bandwidth), and
                one random counter update per order (the least a count per customer can cost)
Each side runs in its own process, so its peak memory (maxrss from wait4) is its own. Every side's
results are checked against crm-memory's (order count, revenue, customers and repeaters, RFM row
count, sums and a hash, every cohort cell) before any time is printed.

Usage: compare_duckdb_pandas.py --bench BUILD/aggregate_csv_bench --node-dir DIR [--orders N]
       [--customers M] [--reps R] [--threads K] [--data DIR] [--sides a,b,...]
The pandas worker: compare_duckdb_pandas.py --pandas FILE END_DATE REPS (run with Debian's python3).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

PANDAS_PYTHON = "/usr/bin/python3"


def pandas_worker(path, end_date, reps):
    import numpy as np
    import pandas as pd

    times, cpu = {}, {}
    t0, c0 = time.perf_counter(), time.process_time()
    df = pd.read_csv(path, dtype={"customer_id": "int64", "amount": "float64"}, parse_dates=["date"])
    times["read_csv"] = [time.perf_counter() - t0]
    cpu["read_csv"] = [time.process_time() - c0]
    end = pd.Timestamp(end_date)
    res = {}

    def average_check():
        res["orders"] = int(len(df))
        res["revenue"] = float(df["amount"].sum())

    def repeat_share():
        n = df.groupby("customer_id").size()
        res["customers"] = int(len(n))
        res["repeat_customers"] = int((n >= 2).sum())

    def rfm():
        d = df.groupby(["customer_id", "date"], sort=True)["amount"].sum().reset_index()
        g = d.groupby("customer_id", sort=True)
        first = g["date"].min()
        last = g["date"].max()
        freq = g.size() - 1
        total = g["amount"].sum()
        first_v = g["amount"].first()
        out = pd.DataFrame({"frequency": freq, "recency": (last - first).dt.days, "age": (end - first).dt.days})
        out["monetary"] = np.where(freq > 0, (total - first_v) / freq.where(freq > 0, 1), 0.0)
        res["rfm"] = out

    def cohort():
        month = (df["date"].dt.year - 1970) * 12 + df["date"].dt.month - 1
        m = pd.DataFrame({"customer_id": df["customer_id"], "month": month}).drop_duplicates()
        m["cohort"] = m.groupby("customer_id")["month"].transform("min")
        m["k"] = m["month"] - m["cohort"]
        res["cohort"] = m.groupby(["cohort", "k"]).size()

    for name, f in [("average_check", average_check), ("repeat_share", repeat_share), ("rfm", rfm), ("cohort", cohort)]:
        times[name], cpu[name] = [], []
        for _ in range(reps):
            t0, c0 = time.perf_counter(), time.process_time()
            f()
            times[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    r = res["rfm"]
    ids = r.index.to_numpy(dtype=np.uint64)
    w = (r["frequency"] + 7 * r["recency"] + 13 * r["age"]).to_numpy(dtype=np.uint64)
    h = int(((ids % np.uint64(1000003)) * w).sum(dtype=np.uint64))  # wraps mod 2^64 like the others
    results = {
        "orders": res["orders"], "revenue": res["revenue"], "customers": res["customers"],
        "repeat_customers": res["repeat_customers"], "rfm_rows": int(len(r)),
        "sum_frequency": int(r["frequency"].sum()), "sum_recency": int(r["recency"].sum()),
        "sum_age": int(r["age"].sum()), "rfm_hash": str(h), "sum_monetary": float(r["monetary"].sum()),
        "cohort": [[int(c), int(k), int(n)] for (c, k), n in res["cohort"].items()],
    }
    print(json.dumps({"side": "pandas", "threads": 1, "times": times, "cpu": cpu, "results": results}))


def run_side(cmd, env=None):
    """Runs one side; returns (its JSON, peak resident memory in MiB)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"side failed ({p.returncode}): {' '.join(cmd)}\n{err.decode(errors='replace')}")
    line = [l for l in out.decode().splitlines() if l.startswith("{")][-1]
    return json.loads(line), usage.ru_maxrss / 1024.0


def check_agree(ref, other, name):
    """Every result must agree with the reference side; exits with the differences otherwise."""
    bad = []
    for k in ["orders", "customers", "repeat_customers", "rfm_rows", "sum_frequency", "sum_recency", "sum_age", "rfm_hash"]:
        if k in other and str(other[k]) != str(ref[k]):
            bad.append(f"{k}: {other[k]} != {ref[k]}")
    for k in ["revenue", "sum_monetary"]:
        if k in other and abs(other[k] - ref[k]) > 1e-9 * max(1.0, abs(ref[k])):
            bad.append(f"{k}: {other[k]!r} != {ref[k]!r}")
    if "cohort" in other and sorted(map(tuple, other["cohort"])) != sorted(map(tuple, ref["cohort"])):
        bad.append("cohort matrix differs")
    if bad:
        sys.exit(f"{name} disagrees with crm-memory:\n  " + "\n  ".join(bad))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--pandas":
        return pandas_worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True, help="the aggregate_csv_bench executable")
    ap.add_argument("--node-dir", required=True, help="directory with node_modules/@duckdb/node-api")
    ap.add_argument("--orders", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default="build/bench-aggregate")
    ap.add_argument("--split", default="input", choices=["input", "customer"],
                    help="how crm-memory's add_parallel splits the orders between threads")
    ap.add_argument("--sides", default="crm-memory,crm-csv,floor,duckdb-memory,duckdb-csv,pandas")
    a = ap.parse_args()
    sides = a.sides.split(",")
    os.makedirs(a.data, exist_ok=True)
    path = os.path.abspath(os.path.join(a.data, f"orders_{a.orders}_{a.customers}.csv"))
    if not os.path.exists(path):
        print(f"generating {path} ...", flush=True)
        subprocess.run([a.bench, "--write-orders", path, str(a.orders), str(a.customers)], check=True)
    with open(path, "rb") as f:  # the log is sorted by date: the last line has the last date
        f.seek(-200, os.SEEK_END)
        end_date = f.read().decode().strip().splitlines()[-1].split(",")[1]
    size_mb = os.path.getsize(path) / 2**20
    print(f"data: {path} ({size_mb:.0f} MiB), {a.orders} orders, {a.customers} customers, end {end_date}; "
          f"{a.reps} repetitions, {a.threads} threads, crm-memory split by {a.split}", flush=True)

    here = os.path.dirname(os.path.abspath(__file__))
    cmds = {
        "crm-memory": [a.bench, "--compare", path, "--side", "memory", "--threads", str(a.threads), "--reps", str(a.reps), "--customers", str(a.customers), "--split", a.split],
        "crm-csv": [a.bench, "--compare", path, "--side", "csv", "--threads", str(a.threads), "--reps", str(a.reps), "--customers", str(a.customers)],
        "floor": [a.bench, "--compare", path, "--side", "floor", "--threads", str(a.threads), "--reps", str(a.reps), "--customers", str(a.customers)],
        "duckdb-memory": ["node", os.path.join(here, "compare_duckdb.mjs"), path, "memory", end_date, str(a.reps), str(a.threads)],
        "duckdb-csv": ["node", os.path.join(here, "compare_duckdb.mjs"), path, "csv", end_date, str(a.reps), str(a.threads)],
        "pandas": [PANDAS_PYTHON, os.path.abspath(__file__), "--pandas", path, end_date, str(a.reps)],
    }
    env = dict(os.environ, NODE_PATH=os.path.join(os.path.abspath(a.node_dir), "node_modules"))
    out, peak = {}, {}
    for s in sides:
        print(f"running {s} ...", flush=True)
        cmd = cmds[s]
        if s.startswith("duckdb"):  # ES modules ignore NODE_PATH: run from a copy beside node_modules
            mjs = os.path.join(os.path.abspath(a.node_dir), "compare_duckdb.mjs")
            with open(cmd[1]) as src, open(mjs, "w") as dst:
                dst.write(src.read())
            cmd = [cmd[0], mjs] + cmd[2:]
        out[s], peak[s] = run_side(cmd, env)

    ref = out.get("crm-memory", {}).get("results")
    if ref is None:
        sys.exit("crm-memory is the reference side: include it in --sides")
    for s in sides:
        if s not in ("crm-memory", "floor"):
            check_agree(ref, out[s]["results"], s)
    print(f"results agree: {ref['orders']} orders, revenue {ref['revenue']:.2f}, {ref['customers']} customers "
          f"({ref['repeat_customers']} repeat), RFM rows {ref['rfm_rows']} (hash {ref['rfm_hash']}), "
          f"{len(ref['cohort'])} cohort cells")

    tasks = ["average_check", "repeat_share", "rfm", "cohort"]
    shown = [s for s in sides if s != "floor"]
    summary = {"peak_mib": peak}
    for kind, title in [("times", "wall-clock seconds (median)"), ("cpu", "CPU seconds, all threads (median)")]:
        med = {s: {k: statistics.median(v) for k, v in out[s][kind].items()} for s in sides}
        summary[kind] = med
        print()
        print(f"{title:34}" + "".join(f"{s:>14}" for s in shown))
        for t in tasks:
            print(f"{t:34}" + "".join(f"{med[s].get(t, float('nan')):14.4f}" for s in shown))
        if "pandas" in med:
            print(f"{'pandas read_csv':34}{'':>{14 * (len(shown) - 1)}}{med['pandas']['read_csv']:14.4f}")
        if "floor" in med:
            print(f"{'floor: streaming sum, in memory':34}{med['floor']['floor']:14.4f}")
            if "floor_random" in med["floor"]:
                print(f"{'floor: a random update per order':34}{med['floor']['floor_random']:14.4f}")
        print(f"ratios ({kind}; above 1: the library is faster)")
        for t in tasks:
            row = [f"  {t:14}"]
            if "duckdb-memory" in med:
                row.append(f"duckdb-memory/crm-memory {med['duckdb-memory'][t] / med['crm-memory'][t]:6.2f}")
            if "duckdb-csv" in med and "crm-csv" in med:
                row.append(f"duckdb-csv/crm-csv {med['duckdb-csv'][t] / med['crm-csv'][t]:6.2f}")
            if "pandas" in med:
                row.append(f"pandas/crm-memory {med['pandas'][t] / med['crm-memory'][t]:6.2f}")
            if "floor" in med:
                row.append(f"crm-memory/floor {med['crm-memory'][t] / med['floor']['floor']:6.2f}")
                if "floor_random" in med["floor"]:
                    row.append(f"crm-memory/random floor {med['crm-memory'][t] / med['floor']['floor_random']:6.2f}")
            print("  ".join(row))
    print()
    print(f"{'peak resident MiB':34}" + "".join(f"{peak[s]:14.0f}" for s in shown)
          + (f"   (floor process {peak['floor']:.0f})" if "floor" in peak else ""))
    if "duckdb-memory" in peak:
        print(f"  duckdb-memory/crm-memory {peak['duckdb-memory'] / peak['crm-memory']:6.2f}"
              + (f"  duckdb-csv/crm-csv {peak['duckdb-csv'] / peak['crm-csv']:6.2f}" if "duckdb-csv" in peak and "crm-csv" in peak else ""))
    print(json.dumps(summary), file=sys.stderr)


if __name__ == "__main__":
    main()

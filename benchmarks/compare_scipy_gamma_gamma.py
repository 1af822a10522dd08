#!/usr/bin/env python3
# crm-metrics: Gamma-Gamma and BG/BB fits, this library vs a straightforward SciPy fit, same run, same data.
# SPDX-License-Identifier: MIT
#
# SciPy side: scipy.optimize.minimize of the same negative log-likelihood over log-parameters,
# written with scipy.special (gammaln, betaln, vectorised with NumPy), from the same start point
# (all ones) as the library, with the method that reaches the published estimates from there:
# Gamma-Gamma with method='Nelder-Mead' (what the Python package lifetimes uses; the default BFGS
# with numerical gradients runs off to p = 2.4e4 on CDNOW), BG/BB with the default BFGS (Nelder-Mead
# with default tolerances stops 5 % short of delta). The estimates are printed and checked. Library side: benchmarks/gamma_gamma_bench (Google
# Benchmark, --benchmark_repetitions) run from this script. Both on one core; CPU-time medians.
#
# Usage: PY=$(bash scripts/scipy-env.sh); "$PY" benchmarks/compare_scipy_gamma_gamma.py --bench-dir build/rel/benchmarks
#        (or via scripts/compare-scipy.sh, which runs every benchmarks/compare_scipy_*.py)
import argparse, csv, json, os, statistics, subprocess, sys, time
import numpy as np
from scipy import optimize, special

HERE = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--bench-dir", default=os.environ.get("CRM_BENCH_DIR", os.path.join(HERE, "..", "build", "bench", "benchmarks")))
ap.add_argument("--data-dir", default=os.environ.get("CRM_METRICS_DATA_DIR", os.path.join(HERE, "..", "..", "shared", "data")))
ap.add_argument("--repeats", type=int, default=int(os.environ.get("CRM_BENCH_REPEATS", "7")))
args = ap.parse_args()


def median_cpu_seconds(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def library_medians(names):
    exe = os.path.join(args.bench_dir, "gamma_gamma_bench")
    if not os.path.exists(exe):
        sys.exit("gamma_gamma_bench not found in %s (build it in Release, pass --bench-dir)" % args.bench_dir)
    out = subprocess.run([exe, "--benchmark_filter=^(%s)$" % "|".join(names), "--benchmark_format=json",
                          "--benchmark_repetitions=%d" % args.repeats, "--benchmark_report_aggregates_only=true"],
                         check=True, capture_output=True, text=True, env=dict(os.environ, CRM_METRICS_DATA_DIR=args.data_dir)).stdout
    res = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
            res[b["run_name"]] = b["cpu_time"] * scale
    return res


# --- SciPy fits ---------------------------------------------------------------------------------
rows = list(csv.DictReader(open(os.path.join(args.data_dir, "cdnow", "cdnow_customers_summary_with_transactions.csv"))))
x = np.array([float(r["x"]) for r in rows]); z = np.array([float(r["zbar"]) for r in rows])
x, z = x[x > 0], z[x > 0]


def gg_nll(lp):
    p, q, g = np.exp(lp)
    return -np.sum(special.gammaln(p * x + q) - special.gammaln(p * x) - special.gammaln(q) + q * np.log(g)
                   + (p * x - 1) * np.log(z) + p * x * np.log(x) - (p * x + q) * np.log(g + x * z))


def scipy_gg():
    return optimize.minimize(gg_nll, np.zeros(3), method="Nelder-Mead")


don = list(csv.DictReader(open(os.path.join(args.data_dir, "donations", "donations.csv"))))
X = np.array([int(r["frequency"]) for r in don]); TX = np.array([int(r["recency"]) for r in don])
N = np.array([int(r["periods"]) for r in don]); W = np.array([float(r["weights"]) for r in don])
I = np.arange(N.max())[None, :]
MASK = I < (N - TX)[:, None]


def bb_nll(lp):
    a, b, g, d = np.exp(lp)
    alive = special.betaln(a + X, b + N - X) - special.betaln(a, b) + special.betaln(g, d + N) - special.betaln(g, d)
    drop = (special.betaln(a + X[:, None], b + TX[:, None] - X[:, None] + I) - special.betaln(a, b)
            + special.betaln(g + 1, d + TX[:, None] + I) - special.betaln(g, d))
    terms = np.where(MASK, np.exp(drop), 0.0).sum(axis=1) + np.exp(alive)
    return -np.sum(W * np.log(terms))


def scipy_bb():
    return optimize.minimize(bb_nll, np.zeros(4))


check_gg, check_bb = scipy_gg(), scipy_bb()
for est, pub in ((np.exp(check_gg.x), (6.25, 3.74, 15.44)), (np.exp(check_bb.x), (1.204, 0.750, 0.657, 2.783))):
    if np.max(np.abs(est / np.array(pub) - 1)) > 0.01:
        sys.exit("SciPy fit did not reach the published estimates %s: %s" % (pub, est))
print("SciPy estimates: Gamma-Gamma p, q, gamma = %s; BG/BB alpha, beta, gamma, delta = %s"
      % (np.round(np.exp(check_gg.x), 3), np.round(np.exp(check_bb.x), 3)))

cases = [("Gamma-Gamma fit, CDNOW (946 customers)", "gamma_gamma_fit_cdnow", scipy_gg),
         ("BG/BB fit, donations (22 weighted rows)", "bg_bb_fit_donations", scipy_bb)]
lib = library_medians([c[1] for c in cases])
print("%-42s %14s %14s %9s" % ("case", "library (ms)", "SciPy (ms)", "ratio"))
for title, bench, fn in cases:
    s = median_cpu_seconds(fn, args.repeats)
    l = lib[bench]
    print("%-42s %14.3f %14.3f %8.1fx" % (title, l * 1e3, s * 1e3, s / l))

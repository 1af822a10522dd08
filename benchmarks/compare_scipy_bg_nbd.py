#!/usr/bin/env python3
# crm-metrics: BG/NBD and Pareto/NBD fits and predictions, this library vs a straightforward SciPy fit,
# in the same run on the same data.
# SPDX-License-Identifier: MIT
#
# SciPy side: scipy.optimize.minimize of the same negative log-likelihood over log-parameters, written
# with scipy.special (gammaln, betaln, hyp2f1; vectorised with NumPy over the raw customer rows), from
# the same start point (all ones). BG/NBD with the default method (BFGS, numerical gradient), which
# reaches the published CDNOW estimates from there; Pareto/NBD with method='Nelder-Mead' (what the
# Python package lifetimes uses), tightened until it reaches the reference estimates. Every SciPy fit is
# checked against the reference estimates before it is timed. Predictions: P(alive) and E[Y(39) | history]
# vectorised with scipy.special.hyp2f1. Library side: benchmarks/bg_nbd_bench and pareto_nbd_bench
# (Google Benchmark, --benchmark_repetitions), run from this script; bg_nbd_bench --write-synthetic
# writes the 1M-customer sample that both sides fit. Both on one core (run under taskset by
# scripts/compare-scipy.sh); CPU-time medians.
#
# Usage: PY=$(bash scripts/scipy-env.sh); "$PY" benchmarks/compare_scipy_bg_nbd.py --bench-dir build/bench/benchmarks
#        (or via scripts/compare-scipy.sh, which runs every benchmarks/compare_scipy_*.py)
import argparse, csv, json, os, statistics, subprocess, sys, tempfile, time
import numpy as np
from scipy import optimize, special

HERE = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--bench-dir", default=os.environ.get("CRM_BENCH_DIR", os.path.join(HERE, "..", "build", "bench", "benchmarks")))
ap.add_argument("--data-dir", default=os.environ.get("CRM_METRICS_DATA_DIR", os.path.join(HERE, "..", "..", "shared", "data")))
ap.add_argument("--repeats", type=int, default=int(os.environ.get("CRM_BENCH_REPEATS", "7")))
ap.add_argument("--repeats-1m", type=int, default=int(os.environ.get("CRM_BENCH_REPEATS_1M", "3")))
args = ap.parse_args()


def median_cpu_seconds(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def library_medians(exe_name, names, repeats):
    exe = os.path.join(args.bench_dir, exe_name)
    if not os.path.exists(exe):
        sys.exit("%s not found in %s (build it in Release, pass --bench-dir)" % (exe_name, args.bench_dir))
    out = subprocess.run([exe, "--benchmark_filter=^(%s)$" % "|".join(names), "--benchmark_format=json",
                          "--benchmark_repetitions=%d" % repeats, "--benchmark_report_aggregates_only=true"],
                         check=True, capture_output=True, text=True,
                         env=dict(os.environ, CRM_METRICS_DATA_DIR=args.data_dir)).stdout
    res = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
            res[b["run_name"]] = b["cpu_time"] * scale
    return res


def read_rfm(path):
    d = np.genfromtxt(path, delimiter=",", names=True)
    return d["frequency"].astype(float), d["recency"].astype(float), d["T"].astype(float)


# --- the likelihoods, as a SciPy user writes them -----------------------------------------------
def bg_nll(lp, x, tx, T):
    r, alpha, a, b = np.exp(lp)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + x) - special.betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    return -np.mean(a1 + a2 + np.logaddexp(a3, a4))  # per customer, as lifetimes does


def pareto_nll(lp, x, tx, T):
    r, alpha, s, beta = np.exp(lp)
    if alpha >= beta:
        F1 = special.hyp2f1(r + s + x, s + 1, r + s + x + 1, (alpha - beta) / (alpha + tx))
        F2 = special.hyp2f1(r + s + x, s + 1, r + s + x + 1, (alpha - beta) / (alpha + T))
        A0 = F1 / (alpha + tx) ** (r + s + x) - F2 / (alpha + T) ** (r + s + x)
    else:
        F1 = special.hyp2f1(r + s + x, r + x, r + s + x + 1, (beta - alpha) / (beta + tx))
        F2 = special.hyp2f1(r + s + x, r + x, r + s + x + 1, (beta - alpha) / (beta + T))
        A0 = F1 / (beta + tx) ** (r + s + x) - F2 / (beta + T) ** (r + s + x)
    ll = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
          + np.log(1.0 / ((alpha + T) ** (r + x) * (beta + T) ** s) + s / (r + s + x) * A0))
    v = -np.mean(ll)
    return v if np.isfinite(v) else np.inf


def bg_palive(p, x, tx, T):
    r, alpha, a, b = p
    return np.where(x > 0, 1.0 / (1.0 + a / np.maximum(b + x - 1, 1e-300) * ((alpha + T) / (alpha + tx)) ** (r + x)), 1.0)


def bg_conditional(p, x, tx, T, t):
    r, alpha, a, b = p
    h = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    return (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * h) * bg_palive(p, x, tx, T)


def check(name, est, ref):
    est = np.asarray(est)
    if np.max(np.abs(est / np.array(ref) - 1)) > 0.01:
        sys.exit("SciPy %s did not reach the reference estimates %s: %s" % (name, ref, est))
    print("SciPy %s: %s" % (name, np.round(est, 4)))


# --- data -----------------------------------------------------------------------------------------
cx, ctx, cT = read_rfm(os.path.join(args.data_dir, "cdnow", "cdnow_customers_summary.csv"))
tmp = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
tmp.close()
subprocess.run([os.path.join(args.bench_dir, "bg_nbd_bench"), "--write-synthetic=" + tmp.name], check=True)
mx, mtx, mT = read_rfm(tmp.name)
os.unlink(tmp.name)

fit_bg_cdnow = lambda: optimize.minimize(bg_nll, np.zeros(4), args=(cx, ctx, cT))
fit_bg_1m = lambda: optimize.minimize(bg_nll, np.zeros(4), args=(mx, mtx, mT))
fit_pareto_cdnow = lambda: optimize.minimize(pareto_nll, np.zeros(4), args=(cx, ctx, cT), method="Nelder-Mead",
                                             options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 4000, "maxfev": 8000})
P1M = (0.243, 4.414, 0.793, 2.426)
scipy_palive_1m = lambda: bg_palive(P1M, mx, mtx, mT)
scipy_conditional_1m = lambda: bg_conditional(P1M, mx, mtx, mT, 39.0)

check("BG/NBD on CDNOW (r, alpha, a, b)", np.exp(fit_bg_cdnow().x), (0.243, 4.414, 0.793, 2.426))
check("BG/NBD on 1M generated from (0.243, 4.414, 0.793, 2.426)", np.exp(fit_bg_1m().x), (0.243, 4.414, 0.793, 2.426))
check("Pareto/NBD on CDNOW (r, alpha, s, beta)", np.exp(fit_pareto_cdnow().x), (0.553275, 10.577612, 0.606214, 11.667913))

lib = library_medians("bg_nbd_bench", ["bg_nbd_fit_cdnow"], args.repeats)
lib.update(library_medians("bg_nbd_bench", ["bg_nbd_fit_1m", "bg_nbd_probability_alive_1m",
                                            "bg_nbd_conditional_expected_1m"], args.repeats_1m))
lib.update(library_medians("pareto_nbd_bench", ["pareto_nbd_fit_cdnow"], args.repeats))

cases = [("BG/NBD fit, CDNOW (2357 customers)", "bg_nbd_fit_cdnow", fit_bg_cdnow, args.repeats),
         ("BG/NBD fit, 1M generated customers", "bg_nbd_fit_1m", fit_bg_1m, args.repeats_1m),
         ("Pareto/NBD fit, CDNOW", "pareto_nbd_fit_cdnow", fit_pareto_cdnow, args.repeats),
         ("BG/NBD P(alive), 1M customers", "bg_nbd_probability_alive_1m", scipy_palive_1m, args.repeats_1m),
         ("BG/NBD E[Y(39)|history], 1M customers", "bg_nbd_conditional_expected_1m", scipy_conditional_1m, args.repeats_1m)]
print("%-42s %14s %14s %9s" % ("case", "library (ms)", "SciPy (ms)", "ratio"))
for title, bench, fn, reps in cases:
    s = median_cpu_seconds(fn, reps)
    l = lib[bench]
    print("%-42s %14.3f %14.3f %8.1fx" % (title, l * 1e3, s * 1e3, s / l))
fit = lib["bg_nbd_fit_1m"]
print("library predictions for 1M customers vs the library's 1M fit: P(alive) %.3f, E[Y(39)|history] %.3f, "
      "both %.3f of the fit time (target < 0.1)"
      % (lib["bg_nbd_probability_alive_1m"] / fit, lib["bg_nbd_conditional_expected_1m"] / fit,
         (lib["bg_nbd_probability_alive_1m"] + lib["bg_nbd_conditional_expected_1m"]) / fit))

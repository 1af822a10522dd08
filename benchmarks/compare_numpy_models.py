#!/usr/bin/env python3
# crm-metrics: the batch predictions of crm/models/batch.hpp against the same formulas vectorised with
# NumPy/SciPy, on the same 1M generated customers, in one run.
#
# 1. models_batch_bench --write-data writes the inputs (library generators, seed 2026) and
#    --write-results every prediction of the library; NumPy reads both as raw float64.
# 2. Every prediction is computed with NumPy/SciPy (the published formulas, vectorised over all rows the
#    way a Python user writes them: scipy.special.hyp2f1/betaln/gammaln/betainc) and compared with the
#    library's: the largest relative difference must stay below 1e-7 (the SciPy special functions are
#    accurate to about 1e-13 here; a wrong formula differs by far more). Nothing is timed unless they agree.
# 3. NumPy is timed on one core (sched_setaffinity {0}); the library through models_batch_bench with
#    one thread (pinned to core 0) and with two (batch_options::threads = 2, both cores).
# The columnar forms (models_batch_bench's NAME_cols: crm::rfm_column_view / crm::spend_column_view, the same
# customers held as columns, as NumPy holds them) are checked and timed with their row form NAME and
# compared with the same NumPy timing of NAME; --only NAME includes NAME_cols.
# Prints medians of wall and CPU time and the ratios. Several builds of the library (e.g. its std:: and
# libmvec paths) are compared with the same NumPy timings: give --bench once per build, as LABEL=PATH.
# Usage (scripts/bench-models.sh runs it):
#   compare_numpy_models.py --bench [LABEL=]build/.../models_batch_bench [--bench ...] [--reps 5]
#                           [--data DIR] [--only bg_alive,...]
import argparse, json, os, statistics, subprocess, sys, tempfile, time

import numpy as np
from scipy.special import betainc, betaln, gammaln, hyp2f1

ap = argparse.ArgumentParser()
ap.add_argument("--bench", required=True, action="append")
ap.add_argument("--reps", type=int, default=5)
ap.add_argument("--data", default=None)
ap.add_argument("--only", default="")
args = ap.parse_args()

# Parameters: the same as benchmarks/models_batch_bench.cpp.
BG = (0.243, 4.414, 0.793, 2.426)       # BG/NBD, CDNOW (Fader, Hardie & Lee 2005)
MBG = (0.525, 6.183, 0.891, 1.614)      # modified BG/NBD, CDNOW
PN = (0.553, 10.58, 0.606, 11.67)       # Pareto/NBD, CDNOW
GG = (6.25, 3.74, 15.44)                # Gamma-Gamma, CDNOW
BB = (1.204, 0.750, 0.657, 2.783)       # BG/BB, donations (Fader, Hardie & Shang 2010)
HORIZON = 39.0
YEAR = dict(periods=12, length=4.345, rate=0.01, margin=0.3)
DONATION_YEARS = dict(periods=5, length=1.0, rate=0.1, margin=1.0)

builds = [(b.split("=", 1) if "=" in b else (os.path.basename(os.path.dirname(os.path.dirname(b))), b)) for b in args.bench]
tmp = args.data or tempfile.mkdtemp(prefix="crm-batch-")
subprocess.run([builds[0][1], "--write-data=" + tmp], check=True)
for label, path in builds:
    subprocess.run([path, "--write-results=" + os.path.join(tmp, "results-" + label)], check=True)
col = lambda name: np.fromfile(os.path.join(tmp, name + ".f64"), dtype=np.float64)
lib = lambda label, name: np.fromfile(os.path.join(tmp, "results-" + label, name + ".f64"), dtype=np.float64)
D = {k: (col(k + "_x"), col(k + "_tx"), col(k + "_T")) for k in ("bg", "mbg", "pn")}
GX, GZ = col("gg_x"), col("gg_z")
BX, BTX, BN = col("bb_x"), col("bb_tx"), col("bb_n")


# ---- BG/NBD and modified BG/NBD (k = 0, 1) ----
def bg_alive(p, x, tx, T, k=0):
    r, al, a, b = p
    odds = a / (b + np.maximum(x + k, 1) - 1) * ((al + T) / (al + tx)) ** (r + x)
    return np.where(x + k > 0, 1.0 / (1.0 + odds), 1.0)


def bg_expected(p, x, tx, T, t, k=0, alive=None):
    r, al, a, b = p
    z = t / (al + T + t)
    h = hyp2f1(r + x, b + x + k, a + b + x + k - 1, z)
    bracket = (a + b + x + k - 1) / (a - 1) * (1 - ((al + T) / (al + T + t)) ** (r + x) * h)
    return bracket * (bg_alive(p, x, tx, T, k) if alive is None else alive)


def bg_pmf(p, n, t, k=0):  # FHL 2005 eq. (8); k = 1: Batislam et al. (2007)
    r, al, a, b = p
    lb = betaln(a, b)
    log_nb = gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * (np.log(al) - np.log(al + t)) + n * (np.log(t) - np.log(al + t))
    out = np.exp(betaln(a, b + n + k) - lb + log_nb)
    tail = np.where(n > 0, betainc(np.maximum(n, 1), r, t / (al + t)), 1.0)  # P(N >= n), N ~ NBD(r, al/(al+t))
    return out + np.where(n + k > 0, np.exp(betaln(a + 1, b + np.maximum(n + k, 1) - 1) - lb) * tail, 0.0)


def clv(expected_at, spend, h):  # sum_i margin spend (E(iL) - E((i-1)L)) / (1+d)^i
    value, prev = 0.0, 0.0
    for i in range(1, h["periods"] + 1):
        cur = expected_at(i * h["length"])
        value = value + (cur - prev) / (1 + h["rate"]) ** i
        prev = cur
    return value * h["margin"] * spend


# ---- Pareto/NBD (Fader & Hardie 2005 note; 2006 note for P(X(t) = n)) ----
def pn_alive(p, x, tx, T):
    r, al, s, be = p
    a_ = r + s + x
    if al >= be:
        d, F = al, lambda t: hyp2f1(a_, s + 1, a_ + 1, (al - be) / (al + t))
    else:
        d, F = be, lambda t: hyp2f1(a_, r + x, a_ + 1, (be - al) / (be + t))
    u1 = np.log(F(tx)) - a_ * np.log(d + tx)
    u2 = np.log(F(T)) - a_ * np.log(d + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_a0 = np.where(u1 > u2, u1 + np.log(-np.expm1(u2 - u1)), -np.inf)
    lo = np.log(s) - np.log(a_) + (r + x) * np.log(al + T) + s * np.log(be + T) + log_a0
    return 1.0 / (1.0 + np.exp(lo))


def pn_factor(p, x, T, t):
    r, al, s, be = p
    return (r + x) * (be + T) / ((al + T) * (s - 1)) * (1 - ((be + T) / (be + T + t)) ** (s - 1))


def pn_pmf(p, n, t):
    r, al, s, be = p
    first = np.exp(gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * (np.log(al) - np.log(al + t)) +
                   n * (np.log(t) - np.log(al + t)) + s * (np.log(be) - np.log(be + t)))
    d, diff = (al, al - be) if al >= be else (be, be - al)
    bb = np.full_like(n, s + 1) if al >= be else r + n
    cc = r + s + n + 1
    braces = hyp2f1(r + s, bb, cc, diff / d)
    for j in range(int(n.max()) + 1):
        m = n >= j
        tm = t[m]
        log_coef = gammaln(r + s + j) - gammaln(r + s) - gammaln(j + 1) + (r + s) * np.log(d / (d + tm)) + j * (np.log(tm) - np.log(d + tm))
        braces[m] -= np.exp(log_coef) * hyp2f1(r + s + j, bb[m], cc[m], diff / (d + tm))
    log_pref = r * np.log(al) + s * np.log(be) - (r + s) * np.log(d) + betaln(r + n, s + 1) - betaln(r, s)
    return np.maximum(first + np.exp(log_pref) * braces, 0.0)


# ---- Gamma-Gamma (Fader, Hardie & Lee 2005) ----
def gg_spend(p, x, z):
    pp, q, g = p
    return pp * (g + x * z) / (pp * x + q - 1)


# ---- BG/BB (Fader, Hardie & Shang 2010) ----
def bb_parts(p, x, tx, n):
    al, be, ga, de = p
    lb_ab, lb_gd = betaln(al, be), betaln(ga, de)
    l_alive = betaln(al + x, be + n - x) - lb_ab + betaln(ga, de + n) - lb_gd
    L = np.exp(l_alive)
    for i in range(int((n - tx).max())):
        m = i < n - tx
        L[m] += np.exp(betaln(al + x[m], be + tx[m] - x[m] + i) - lb_ab + betaln(ga + 1, de + tx[m] + i) - lb_gd)
    return l_alive, L


def bb_alive(p, x, tx, n):
    al, be, ga, de = p
    l_alive, L = bb_parts(p, x, tx, n)
    return np.exp(l_alive + betaln(ga, de + n + 1) - betaln(ga, de + n)) / L


def bb_expected(p, x, tx, n, ns, parts=None):  # FHS 2010's closed form of E[X(n, n + n*)]
    al, be, ga, de = p
    _, L = bb_parts(p, x, tx, n) if parts is None else parts
    lead = np.exp(betaln(al + x + 1, be + n - x) - betaln(al, be)) * de / (ga - 1) * np.exp(gammaln(ga + de) - gammaln(1 + de))
    return lead * (np.exp(gammaln(1 + de + n) - gammaln(ga + de + n)) - np.exp(gammaln(1 + de + n + ns) - gammaln(ga + de + n + ns))) / L


def bb_pmf(p, x, n):
    al, be, ga, de = p
    lb_ab, lb_gd = betaln(al, be), betaln(ga, de)
    lchoose = lambda top, k: gammaln(top + 1) - gammaln(k + 1) - gammaln(top - k + 1)
    v = np.exp(lchoose(n, x) + betaln(al + x, be + n - x) - lb_ab + betaln(ga, de + n) - lb_gd)
    for i in range(int(n.max())):
        m = (x <= i) & (i < n)
        v[m] += np.exp(lchoose(i, x[m]) + betaln(al + x[m], be + i - x[m]) - lb_ab + betaln(ga + 1, de + i) - lb_gd)
    return np.minimum(v, 1.0)


bgx, bgtx, bgT = D["bg"]
mx, mtx, mT = D["mbg"]
px, ptx, pT = D["pn"]
SPEND = gg_spend(GG, GX, GZ)  # expected spend per BG/NBD customer, as the bench uses
BBSPEND = np.full_like(BX, 25.0)


def bg_clv_np():
    alive = bg_alive(BG, bgx, bgtx, bgT)
    return clv(lambda t: bg_expected(BG, bgx, bgtx, bgT, t, alive=alive), SPEND, YEAR)


def mbg_clv_np():
    alive = bg_alive(MBG, mx, mtx, mT, 1)
    return clv(lambda t: bg_expected(MBG, mx, mtx, mT, t, 1, alive=alive), SPEND, YEAR)


def pn_clv_np():
    alive = pn_alive(PN, px, ptx, pT)
    return clv(lambda t: pn_factor(PN, px, pT, t) * alive, SPEND, YEAR)


def bb_clv_np():
    parts = bb_parts(BB, BX, BTX, BN)
    return clv(lambda t: bb_expected(BB, BX, BTX, BN, t, parts), BBSPEND, DONATION_YEARS)


CASES = {  # name: (what, NumPy function)
    "bg_alive": ("BG/NBD P(alive)", lambda: bg_alive(BG, bgx, bgtx, bgT)),
    "bg_expected": ("BG/NBD E[Y(39) \\| history]", lambda: bg_expected(BG, bgx, bgtx, bgT, HORIZON)),
    "bg_pmf": ("BG/NBD P(X(T) = x)", lambda: bg_pmf(BG, bgx, bgT)),
    "bg_clv": ("BG/NBD + Gamma-Gamma CLV, 12 months", bg_clv_np),
    "mbg_alive": ("MBG/NBD P(alive)", lambda: bg_alive(MBG, mx, mtx, mT, 1)),
    "mbg_expected": ("MBG/NBD E[Y(39) \\| history]", lambda: bg_expected(MBG, mx, mtx, mT, HORIZON, 1)),
    "mbg_pmf": ("MBG/NBD P(X(T) = x)", lambda: bg_pmf(MBG, mx, mT, 1)),
    "mbg_clv": ("MBG/NBD + Gamma-Gamma CLV, 12 months", mbg_clv_np),
    "pn_alive": ("Pareto/NBD P(alive)", lambda: pn_alive(PN, px, ptx, pT)),
    "pn_expected": ("Pareto/NBD E[Y(39) \\| history]", lambda: pn_factor(PN, px, pT, HORIZON) * pn_alive(PN, px, ptx, pT)),
    "pn_pmf": ("Pareto/NBD P(X(T) = x)", lambda: pn_pmf(PN, px, pT)),
    "pn_clv": ("Pareto/NBD + Gamma-Gamma CLV, 12 months", pn_clv_np),
    "gg_spend": ("Gamma-Gamma E[Z \\| x, zbar]", lambda: gg_spend(GG, GX, GZ)),
    "bb_alive": ("BG/BB P(alive next)", lambda: bb_alive(BB, BX, BTX, BN)),
    "bb_expected": ("BG/BB E[X(n, n+5)]", lambda: bb_expected(BB, BX, BTX, BN, 5.0)),
    "bb_pmf": ("BG/BB P(X(n) = x)", lambda: bb_pmf(BB, BX, BN)),
    "bb_clv": ("BG/BB CLV, 5 years", bb_clv_np),
}
COLUMNAR = {"bg_alive_cols": "bg_alive", "mbg_alive_cols": "mbg_alive", "pn_alive_cols": "pn_alive",
            "bg_expected_cols": "bg_expected", "pn_expected_cols": "pn_expected", "bg_clv_cols": "bg_clv",
            "mbg_clv_cols": "mbg_clv", "pn_clv_cols": "pn_clv", "gg_spend_cols": "gg_spend"}
for c, base in COLUMNAR.items():
    CASES[c] = (CASES[base][0] + ", columns", CASES[base][1])
only = [c for c in args.only.split(",") if c] or [c for c in CASES if c not in COLUMNAR]
only = [c for c in only if c not in COLUMNAR]
only = [x for c in only for x in ([c] + [k for k, b in COLUMNAR.items() if b == c])]  # each row form, then its columnar form

# ---- agreement ----
worst = {}
want_of = {}
for label, _ in builds:
    for name in only:
        base = COLUMNAR.get(name, name)
        if base not in want_of:
            want_of[base] = CASES[base][1]()
        want, got = want_of[base], lib(label, name)
        if name in COLUMNAR and not np.array_equal(got, lib(label, base)):
            sys.exit("%s (%s): the columnar form's results differ from the row form's" % (name, label))
        if want.shape != got.shape or not np.all(np.isfinite(got)) or not np.all(np.isfinite(want)):
            sys.exit("%s (%s): non-finite values or shapes differ" % (name, label))
        rel = float(np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-300)))
        worst[(label, name)] = rel
        if rel > 1e-7:
            i = int(np.argmax(np.abs(got - want) / np.maximum(np.abs(want), 1e-300)))
            sys.exit("%s (%s): library and NumPy disagree at row %d: %r vs %r (relative %.3g)" % (name, label, i, got[i], want[i], rel))
print("agreement: every prediction of every build equals NumPy/SciPy's to a relative %.1e or better (largest: %s)" %
      (max(worst.values()), max(worst, key=worst.get)))

# ---- NumPy timings, one core ----
os.sched_setaffinity(0, {0})
np_times = {}
load_before = open("/proc/loadavg").read().split()[:3]
for name in [c for c in only if c not in COLUMNAR]:
    fn = CASES[name][1]
    wall, cpu = [], []
    for _ in range(args.reps):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c0), wall.append(time.perf_counter() - w0)
    np_times[name] = (statistics.median(wall) * 1e3, statistics.median(cpu) * 1e3)
os.sched_setaffinity(0, set(range(os.cpu_count())))


# ---- library timings: one thread pinned to core 0, two threads on both cores ----
def bench(path, threads, pin, suffix=""):
    cmd = ([] if not pin else ["taskset", "-c", "0"]) + [
        path, "--benchmark_filter=^(%s)%s/threads:%d/" % ("|".join(only), suffix, threads), "--benchmark_format=json",
        "--benchmark_repetitions=%d" % args.reps] + (["--benchmark_report_aggregates_only=true"] if args.reps > 1 else []) + [
        "--benchmark_min_time=0.05"]
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    res = {"vector_math": out["context"].get("vector_math", "?")}
    for b in out["benchmarks"]:
        if b.get("aggregate_name") == "median" or (args.reps == 1 and b.get("run_type") == "iteration"):
            res[b["run_name"].split("/")[0].split("@")[0]] = (b["real_time"], b["cpu_time"])
    return res


for label, path in builds:
    lib1 = bench(path, 1, True)
    lib2 = bench(path, 2, False)
    lib2p = bench(path, 2, False, "@pool")  # the second thread's part on a crm::thread_pool kept between calls
    print("\n--- build %s: library vector math %s; load average at the start of the NumPy timings: %s, now: %s" %
          (label, lib1["vector_math"], " ".join(load_before), " ".join(open("/proc/loadavg").read().split()[:3])))
    print("medians of %d runs, ms: wall (CPU of the whole process); NumPy on one core, timed once for every build" % args.reps)
    print("| prediction | NumPy/SciPy | crm, 1 thread | crm, 2 threads | NumPy / crm 1 thread, wall (CPU) | 1 thread / 2 threads, wall |"
          " crm, 2 threads, pool | 1 thread / 2 threads, pool, wall |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in only:
        n, a, b, c = np_times[COLUMNAR.get(name, name)], lib1[name], lib2[name], lib2p[name]
        print("| %s | %.1f (%.1f) | %.2f (%.2f) | %.2f (%.2f) | %.1f× (%.1f×) | %.2f× | %.2f (%.2f) | %.2f× |" %
              (CASES[name][0], n[0], n[1], a[0], a[1], b[0], b[1], n[0] / a[0], n[1] / a[1], a[0] / b[0], c[0], c[1], a[0] / c[0]))

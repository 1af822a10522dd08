#!/usr/bin/env python3
# crm-metrics: reference values for tests/model_intervals_test.cpp and tests/model_diagnostics_test.cpp,
# computed independently of the library: mpmath (50 digits) for the BG/NBD likelihood, its Hessian
# and the gradients of the predictions; SciPy/NumPy for the fit, the bootstrap and the diagnostics.
# Run: PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/intervals_diagnostics_reference.py [section]
#   sections: fit, delta, bootstrap, diagnostics (default: all). Data: ../shared/data/cdnow.
# Every printed line names the quantity and how it was computed; the C++ tests quote them.
import datetime as dt
import os
import sys

import mpmath as mp
import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1
from scipy.stats import norm

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("CRM_METRICS_DATA_DIR", os.path.join(HERE, "..", "..", "shared", "data"))
CUSTOMER1 = (2, 30.43, 38.86)  # customer 1 of CDNOW: x, t_x, T (weeks)
LEVEL = 0.90


def read_summary():
    rows = np.loadtxt(os.path.join(DATA, "cdnow", "cdnow_customers_summary.csv"), delimiter=",", skiprows=1)
    return rows[:, 1], rows[:, 2], rows[:, 3]  # x, t_x, T


def nll_np(u, x, tx, T):
    """-ln L of BG/NBD (FHL 2005 eq. 6) at u = ln(r, alpha, a, b), NumPy/SciPy."""
    r, alpha, a, b = np.exp(u)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(b + x - 1) - (r + x) * np.log(alpha + tx), -np.inf)
    return -np.sum(a1 + a2 + np.logaddexp(a3, a4))


def fit():
    """Independent SciPy fit: Nelder-Mead then BFGS on ln(parameters)."""
    x, tx, T = read_summary()
    f = lambda u: nll_np(u, x, tx, T)
    res = minimize(f, np.log([1.0, 1.0, 1.0, 1.0]), method="Nelder-Mead", options={"maxiter": 20000, "xatol": 1e-10, "fatol": 1e-12})
    res = minimize(f, res.x, method="BFGS", options={"gtol": 1e-9})
    return np.exp(res.x), -res.fun


# The parameters at which every reference value below is computed: fit() printed them (rounded to
# 6 significant digits, then used as exact inputs by this script and by the C++ tests).
P = (0.242593, 4.41353, 0.792886, 2.42575)


def mp_row_ll(r, alpha, a, b, x, tx, T):
    x = mp.mpf(x)
    a1 = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha)
    a2 = mp.log(mp.beta(a, b + x)) - mp.log(mp.beta(a, b))
    t3 = (alpha + T) ** (-(r + x))
    if x > 0:
        t3 += a / (b + x - 1) * (alpha + tx) ** (-(r + x))
    return a1 + a2 + mp.log(t3)


def mp_nll(u, data):
    r, alpha, a, b = [mp.exp(v) for v in u]
    return -mp.fsum(w * mp_row_ll(r, alpha, a, b, x, tx, T) for (x, tx, T), w in data)


def compressed_data():
    x, tx, T = read_summary()
    counts = {}
    for row in zip(x, tx, T):
        key = (int(row[0]), mp.mpf(str(row[1])), mp.mpf(str(row[2])))
        counts[key] = counts.get(key, 0) + 1
    return list(counts.items())


def mp_hessian(f, u, h):
    n = len(u)
    H = mp.matrix(n, n)
    f0 = f(u)

    def at(i, di, j, dj):
        v = list(u)
        v[i] += di * h
        v[j] += dj * h
        return f(v)

    for i in range(n):
        H[i, i] = (at(i, 1, i, 0) - 2 * f0 + at(i, -1, i, 0)) / h**2
        for j in range(i):
            H[i, j] = H[j, i] = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h**2)
    return H


def mp_palive(p, x, tx, T):
    r, alpha, a, b = p
    if x == 0:
        return mp.mpf(1)
    return 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def mp_expected(p, t):
    r, alpha, a, b = p
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * mp.hyp2f1(r, b, a + b - 1, t / (alpha + t)))


def mp_conditional(p, x, tx, T, t):
    r, alpha, a, b = p
    z = t / (alpha + T + t)
    br = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * mp.hyp2f1(r + x, b + x, a + b + x - 1, z))
    return br * mp_palive(p, x, tx, T)


def mp_gradient(f, u, h):
    g = []
    for i in range(len(u)):
        up, down = list(u), list(u)
        up[i] += h
        down[i] -= h
        g.append((f([mp.exp(v) for v in up]) - f([mp.exp(v) for v in down])) / (2 * h))
    return g


def delta_interval(y, g, C, scale):
    se = mp.sqrt(sum(g[i] * C[i, j] * g[j] for i in range(4) for j in range(4)))
    z = mp.sqrt(2) * mp.erfinv(mp.mpf(LEVEL))
    if scale == "log":
        lo, hi = y * mp.exp(-z * se / y), y * mp.exp(z * se / y)
    else:  # logit
        l, d = mp.log(y / (1 - y)), z * se / (y * (1 - y))
        lo, hi = 1 / (1 + mp.exp(-(l - d))), 1 / (1 + mp.exp(-(l + d)))
    return se, lo, hi


def section_fit():
    p, ll = fit()
    print(f"scipy fit of BG/NBD on cdnow_customers_summary.csv: r={p[0]!r} alpha={p[1]!r} a={p[2]!r} b={p[3]!r} lnL={ll!r}")


def log_covariance():
    mp.mp.dps = 50
    data = compressed_data()
    u = [mp.log(mp.mpf(str(v))) for v in P]
    H = mp_hessian(lambda v: mp_nll(v, data), u, mp.mpf("1e-12"))
    return u, H**-1


def section_delta():
    u, C = log_covariance()
    p = [mp.exp(v) for v in u]
    print(f"# BG/NBD at {P} on CDNOW (2357 rows), mpmath dps=50, Hessian of -lnL in ln(params) by central differences h=1e-12")
    for i, name in enumerate(("r", "alpha", "a", "b")):
        print(f"se({name}) = p*sqrt(C_ii) = {mp.nstr(p[i] * mp.sqrt(C[i, i]), 12)}")
    print("log_covariance = [" + ", ".join("[" + ", ".join(mp.nstr(C[i, j], 12) for j in range(4)) + "]" for i in range(4)) + "]")
    h = mp.mpf("1e-15")
    x, tx, T = CUSTOMER1
    x, tx, T = mp.mpf(x), mp.mpf(str(tx)), mp.mpf(str(T))
    cases = [
        ("expected_purchases(39)", lambda q: mp_expected(q, 39), "log"),
        ("probability_alive(2, 30.43, 38.86)", lambda q: mp_palive(q, x, tx, T), "logit"),
        ("conditional_expected_purchases((2, 30.43, 38.86), 39)", lambda q: mp_conditional(q, x, tx, T, 39), "log"),
    ]
    for name, f, scale in cases:
        y = f(p)
        se, lo, hi = delta_interval(y, mp_gradient(f, u, h), C, scale)
        print(f"{name}: estimate {mp.nstr(y, 12)} se {mp.nstr(se, 12)} 90% delta ({scale}) [{mp.nstr(lo, 12)}, {mp.nstr(hi, 12)}]")
    # whole base: sum over the 2357 customers of the conditional expectation over 39 weeks
    data = compressed_data()
    total = lambda q: mp.fsum(w * mp_conditional(q, mp.mpf(xx), t1, t2, 39) for (xx, t1, t2), w in data)
    mp.mp.dps = 30
    y = total(p)
    se, lo, hi = delta_interval(y, mp_gradient(total, u, mp.mpf("1e-10")), C, "log")
    print(f"sum of conditional_expected_purchases(row, 39) over CDNOW: estimate {mp.nstr(y, 12)} se {mp.nstr(se, 12)} "
          f"90% delta (log) [{mp.nstr(lo, 12)}, {mp.nstr(hi, 12)}]")


def section_bootstrap():
    """Parametric bootstrap with NumPy's own generator: 400 000 draws of ln(params) ~ N(u, C)."""
    u, C = log_covariance()
    uu = np.array([float(v) for v in u])
    CC = np.array([[float(C[i, j]) for j in range(4)] for i in range(4)])
    rng = np.random.default_rng(20260101)
    d = np.exp(rng.multivariate_normal(uu, CC, size=400_000))
    r, alpha, a, b = d.T
    x, tx, T = CUSTOMER1
    e39 = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + 39)) ** r * hyp2f1(r, b, a + b - 1, 39 / (alpha + 39)))
    pa = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))
    print("# numpy default_rng(20260101).multivariate_normal(u, C, 400000); quantiles by np.quantile (linear)")
    for name, v in (("expected_purchases(39)", e39), ("probability_alive(2, 30.43, 38.86)", pa)):
        lo, hi = np.quantile(v, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
        print(f"{name}: bootstrap sd {np.std(v, ddof=1)!r} 90% [{lo!r}, {hi!r}]")


def cdnow_transactions():
    """Per customer (sample id): sorted distinct purchase days since 1997-01-01 (several purchases on
    one day are one transaction, as in the published summary)."""
    d0 = dt.date(1997, 1, 1)
    days = {}
    with open(os.path.join(DATA, "cdnow", "CDNOW_sample.txt")) as f:
        for line in f:
            fields = line.split()
            s = fields[2]
            day = (dt.date(int(s[:4]), int(s[4:6]), int(s[6:])) - d0).days
            days.setdefault(int(fields[1]), set()).add(day)
    return {k: sorted(v) for k, v in days.items()}


CAL_END = 272  # day index of 1997-09-30: purchases on days <= 272 are in the calibration period
END = 545      # 1998-06-30


def section_diagnostics():
    tx_days = cdnow_transactions()
    ids = sorted(tx_days)
    x = np.array([sum(1 for d in tx_days[i] if d <= CAL_END) - 1 for i in ids], dtype=float)
    first = np.array([tx_days[i][0] for i in ids], dtype=float)
    last = np.array([max(d for d in tx_days[i] if d <= CAL_END) for i in ids], dtype=float)
    t_x = (last - first) / 7.0
    T = (CAL_END - first) / 7.0
    hold = np.array([sum(1 for d in tx_days[i] if d > CAL_END) for i in ids], dtype=float)
    r, alpha, a, b = P
    star = (END - CAL_END) / 7.0  # 39 weeks
    # lifetimes' BetaGeoFitter.conditional_expected_number_of_purchases_up_to_time, written out
    z = star / (alpha + T + star)
    br = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + star)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z))
    pa = np.where(x > 0, 1 / (1 + (x > 0) * a / np.maximum(b + x - 1, 1e-300) * ((alpha + T) / (alpha + t_x)) ** (r + x)), 1.0)
    pred = br * pa
    print(f"# CDNOW_sample.txt, distinct purchase days; calibration days 0..{CAL_END}, holdout {CAL_END + 1}..{END} ({star} weeks); BG/NBD at {P}")
    print(f"customers {len(ids)}, calibration repeat purchases {int(x.sum())}, holdout purchases {int(hold.sum())}, "
          f"predicted holdout {pred.sum()!r}")
    for k in range(8):
        sel = x >= 7 if k == 7 else x == k
        print(f"frequency {k}{'+' if k == 7 else ''}: customers {int(sel.sum())} mean actual {hold[sel].mean()!r} mean predicted {pred[sel].mean()!r}")
    # cumulative repeat purchases at the end of each week w = 1..78 (time w weeks = day 7 w)
    # actual: repeat purchase days d with d / 7 <= w; predicted: sum_i E[X(w - s_i)] for s_i = first_i / 7 < w
    repeat_days = np.array([d for i in ids for d in tx_days[i][1:]], dtype=float)
    s = first / 7.0

    def expected(t):
        t = np.maximum(t, 0.0)
        return np.where(t > 0, (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t))), 0.0)

    print("# week: actual cumulative, predicted cumulative (scipy hyp2f1, summed over customers)")
    for w in (1, 10, 20, 30, 39, 40, 50, 60, 70, 78):
        act = int(np.sum(repeat_days / 7.0 <= w))
        prd = float(np.sum(expected(w - s)))
        print(f"week {w}: actual {act} predicted {prd!r}")


if __name__ == "__main__":
    which = sys.argv[1:] or ["fit", "delta", "bootstrap", "diagnostics"]
    for name in which:
        globals()["section_" + name]()

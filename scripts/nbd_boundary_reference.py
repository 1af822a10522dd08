#!/usr/bin/env python3
# crm-metrics: reference values for the boundary reports of the BG/NBD fits (tests/nbd_test.cpp),
# computed with SciPy only, independently of the library: on the first n customers of
# ../shared/data/cdnow/cdnow_customers_summary.csv,
#   nbd:   the NBD fit, scipy.optimize.minimize (Nelder-Mead, then BFGS) of
#          -sum[gammaln(r+x) - gammaln(r) + r log(alpha) - (r+x) log(alpha+T)] over log(r), log(alpha);
#          standard errors from the inverse of a central-difference Hessian of that sum in (r, alpha);
#   limit: the BG/NBD likelihood on its boundary a, b -> 0 with pi = a/(a+b) held (where those fits
#          end): B(a,b+x)/B(a,b) -> 1-pi and a/(b+x-1) B(a,b+x)/B(a,b) -> pi [x = 1], 0 [x >= 2], so
#          L = g_0(T) [x = 0], (1-pi) g_1(T) + pi g_1(t_x) [x = 1], (1-pi) g_x(T) [x >= 2],
#          g_x(t) = G(r+x)/G(r) alpha^r / (alpha+t)^(r+x); its supremum by the same minimize calls;
#   lr:    2 (limit - nbd) and its p-value 0.5 * scipy.stats.chi2.sf(lr, 1) (Self & Liang 1987).
# Run: PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/nbd_boundary_reference.py
import os
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, gammaln, logit
from scipy.stats import chi2

from numdiff import hessian  # scripts/numdiff.py

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, "..", "..", "shared", "data", "cdnow", "cdnow_customers_summary.csv")
rows = np.loadtxt(data, delimiter=",", skiprows=1)
X, TX, T = rows[:, 1], rows[:, 2], rows[:, 3]


def nbd_ll(r, alpha, x, T):
    return np.sum(gammaln(r + x) - gammaln(r) + r * np.log(alpha) - (r + x) * np.log(alpha + T))


def log_g(r, alpha, x, t):
    return gammaln(r + x) - gammaln(r) + r * np.log(alpha) - (r + x) * np.log(alpha + t)


def limit_ll(r, alpha, pi, x, tx, T):
    out = np.where(x == 0, log_g(r, alpha, 0, T), 0.0)
    one = np.logaddexp(np.log1p(-pi) + log_g(r, alpha, 1, T), np.log(pi) + log_g(r, alpha, 1, tx))
    out = np.where(x == 1, one, out)
    out = np.where(x >= 2, np.log1p(-pi) + log_g(r, alpha, x, T), out)
    return np.sum(out)


def fit(nll, start):
    res = minimize(nll, start, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 40000, "maxfev": 80000})
    res = minimize(nll, res.x, method="BFGS", options={"gtol": 1e-10})
    return res




for n in (10, 17, 50, 100):
    x, tx, t = X[:n], TX[:n], T[:n]
    res = fit(lambda lp: -nbd_ll(np.exp(lp[0]), np.exp(lp[1]), x, t), np.log([1.0, np.mean(t)]))
    r, alpha = np.exp(res.x)
    H = hessian(lambda p: -nbd_ll(p[0], p[1], x, t), [r, alpha])
    se = np.sqrt(np.diag(np.linalg.inv(H)))
    ll_nbd = nbd_ll(r, alpha, x, t)
    lim = fit(lambda q: -limit_ll(np.exp(q[0]), np.exp(q[1]), expit(q[2]), x, tx, t), [np.log(r), np.log(alpha), 0.0])
    ll_lim = -lim.fun
    lr = 2 * (ll_lim - ll_nbd)
    print(f"first {n}: nbd r={r!r} alpha={alpha!r} se_r={se[0]!r} se_alpha={se[1]!r} ll={ll_nbd!r}; "
          f"limit ll={ll_lim!r} (r={np.exp(lim.x[0])!r} alpha={np.exp(lim.x[1])!r} pi={expit(lim.x[2])!r}); "
          f"lr={lr!r} p={0.5 * chi2.sf(lr, 1)!r}")

# NBD predictions at r = 0.55, alpha = 10.58 (scipy.stats.nbinom.pmf(n, r, alpha/(alpha+t)); the rest
# as written), and the boundary p-values 0.5 * scipy.stats.chi2.sf(c, 1).
from scipy.stats import nbinom

r, alpha = 0.55, 10.58
for (x, tx, T_) in [(2, 30.43, 38.86), (0, 0.0, 38.86), (7, 29.43, 35.0)]:
    ll = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - (r + x) * np.log(alpha + T_)
    print(f"nbd({r}, {alpha}) x={x} T={T_}: loglik {ll!r} conditional t=39 {(r + x) / (alpha + T_) * 39.0!r}")
print(f"nbd({r}, {alpha}) expected t=39: {r * 39.0 / alpha!r}")
for n in (0, 1, 5):
    print(f"nbd({r}, {alpha}) pmf n={n} t=39: {nbinom.pmf(n, r, alpha / (alpha + 39.0))!r}")
for c in (0.5, 2.705543454095404, 10.0):
    print(f"0.5 * chi2.sf({c}, 1) = {0.5 * chi2.sf(c, 1)!r}")

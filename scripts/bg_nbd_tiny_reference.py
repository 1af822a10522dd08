#!/usr/bin/env python3
# crm-metrics: reference values for the BG/NBD fit on the 3 customers (x, t_x, T) = (0, 0, 3), (1, 1, 3),
# (3, 3, 3) (tests/bg_nbd_test.cpp, "a fit stopped on a local boundary supremum starts again"), computed with
# SciPy only, independently of the library.
#
# The BG/NBD likelihood (Fader, Hardie & Lee 2005, eq. 6) has no interior maximum on these customers. Its
# supremum is on the boundary a, b -> 0 with a/(a+b) = pi fixed, where the drop-out probability p is 1 for a
# share pi of the customers (they drop out at their first repeat purchase) and 0 for the rest. There
#   L_i = G(x, T) (1 - pi) + pi [x = 1] G(1, t_x)   (x >= 1),   L_i = G(0, T)   (x = 0),
# G(x, t) = E lambda^x exp(-lambda t) = Gamma(r + x)/Gamma(r) alpha^r/(alpha + t)^(r + x), lambda ~ Gamma(r, alpha).
# Printed: that limit's supremum over (r, alpha, pi), and the supremum on the boundary a -> 0 (the NBD: L_i =
# G(x, T)) that a fit stopped at before, and the full likelihood maximised from a grid of starts (log parameters
# in [-25, 25]), which runs to the same limit.
# Run: PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/bg_nbd_tiny_reference.py
import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, expit, gammaln

ROWS = [(0, 0.0, 3.0), (1, 1.0, 3.0), (3, 3.0, 3.0)]


def lg(r, alpha, x, t):
    return gammaln(r + x) - gammaln(r) + r * np.log(alpha) - (r + x) * np.log(alpha + t)


def corner(u):
    r, alpha = np.exp(u[:2])
    pi = expit(u[2])
    total = 0.0
    for x, tx, T in ROWS:
        if x == 0:
            total += lg(r, alpha, 0, T)
        else:
            total += np.logaddexp(np.log1p(-pi) + lg(r, alpha, x, T), np.log(pi) + lg(r, alpha, 1, tx) if x == 1 else -np.inf)
    return total


def nbd(u):
    r, alpha = np.exp(u)
    return sum(lg(r, alpha, x, T) for x, tx, T in ROWS)


def full(u):
    r, alpha, a, b = np.exp(u)
    total = 0.0
    for x, tx, T in ROWS:
        a1 = lg(r, alpha, x, T) + betaln(a, b + x) - betaln(a, b)
        if x > 0:
            a2 = np.log(a) - np.log(b + x - 1) + betaln(a, b + x) - betaln(a, b) + gammaln(r + x) - gammaln(r) + r * np.log(alpha) - (r + x) * np.log(alpha + tx)
            total += np.logaddexp(a1, a2)
        else:
            total += a1
    return total


def best_of(f, starts, **kw):
    best = None
    for s in starts:
        with np.errstate(all="ignore"):
            res = minimize(lambda u: -f(u), np.array(s, float), **kw)
        if best is None or res.fun < best.fun:
            best = res
    return best


c = best_of(corner, [[1, 2, 0], [0, 1, -1], [2, 3, 1]], method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-15, "maxiter": 20000})
r, alpha = np.exp(c.x[:2])
print(f"a, b -> 0 supremum lnL = {-c.fun:.10f} at r = {r:.8f}, alpha = {alpha:.8f}, pi = {expit(c.x[2]):.8f}")
n = best_of(nbd, [[1, 2], [0, 1], [3, 4]], method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-15, "maxiter": 20000})
print(f"a -> 0 (NBD) supremum lnL = {-n.fun:.10f} at r = {np.exp(n.x[0]):.8f}, alpha = {np.exp(n.x[1]):.8f}")
starts = [[0, 0, 0, 0], [2, 2, -2, 2], [-2, -1, 2, -2], [3, 3, 3, 3], [0, 0, -5, -5], [5, 5, 0, 5], [-1, 0, 5, 5], [1, 1, -8, 2]]
f = best_of(full, starts, method="L-BFGS-B", bounds=[(-25, 25)] * 4)
print(f"full likelihood, best of 8 starts: lnL = {-f.fun:.10f} at (r, alpha, a, b) = {np.exp(f.x)}")

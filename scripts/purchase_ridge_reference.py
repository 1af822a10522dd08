#!/usr/bin/env python3
# crm-metrics: reference values for the purchase-rate ridge of Pareto/NBD (tests/pareto_nbd_test.cpp, "the
# purchase-rate ridge"), computed with SciPy only, independently of the library.
#
# On 4 customers (x, t_x, T) = (2, 10, 40), (0, 0, 40), (5, 35, 40), (1, 3, 40) the Pareto/NBD likelihood has no
# interior maximum: it rises toward r, alpha -> infinity with r/alpha = lambda fixed, one purchase rate for all.
# There the Gamma(r, alpha) of the purchase rate collapses to the point lambda and the likelihood of a customer is
#   L = lambda^x [ exp(-lambda T) (beta/(beta+T))^s + int_{t_x}^T exp(-lambda tau) s beta^s (beta+tau)^-(s+1) dtau ]
# (alive at T, or dead at tau in (t_x, T] with the Gamma(s, beta)-mixed death density). Printed: the supremum of
# that limit over (lambda, s, beta) (scipy.integrate.quad inside scipy.optimize.minimize from a grid of starts),
# and the full Pareto/NBD ln L (Schmittlein, Morrison & Colombo 1987, in the closed form of Fader, Hardie & Lee
# 2005, "A Note on Implementing the Pareto/NBD Model", eq. (22)-(24) with scipy.special.hyp2f1) at r = 10, 30,
# 100 with alpha = r / lambda and (s, beta) of the supremum: below it and rising toward it.
# Run: PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/purchase_ridge_reference.py
import numpy as np
from scipy.integrate import quad
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

ROWS = [(2, 10.0, 40.0), (0, 0.0, 40.0), (5, 35.0, 40.0), (1, 3.0, 40.0)]


def limit_ll(u):
    lam, s, beta = np.exp(u)
    total = 0.0
    for x, tx, T in ROWS:
        alive = np.exp(-lam * T) * (beta / (beta + T)) ** s
        dead, _ = quad(lambda tau: np.exp(-lam * tau) * s * beta ** s * (beta + tau) ** (-(s + 1)), tx, T, epsabs=0, epsrel=1e-13, limit=200)
        total += x * np.log(lam) + np.log(alive + dead)
    return total


def full_ll(r, alpha, s, beta):
    # Fader, Hardie & Lee (2005), eq. (22)-(24)
    total = 0.0
    for x, tx, T in ROWS:
        maxab = max(alpha, beta)
        absab = abs(alpha - beta)
        param2 = s + 1 if alpha >= beta else r + x
        f1 = hyp2f1(r + s + x, param2, r + s + x + 1, absab / (maxab + tx))
        f2 = hyp2f1(r + s + x, param2, r + s + x + 1, absab / (maxab + T))
        a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        a2 = np.log(f1) - (r + s + x) * np.log(maxab + tx)
        a3 = np.log(f2) - (r + s + x) * np.log(maxab + T)
        l1 = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        # ln [ exp(l1) + s/(r+s+x) (exp(a2) - exp(a3)) ]
        inner = np.exp(l1) + s / (r + s + x) * (np.exp(a2) - np.exp(a3))
        total += a1 + np.log(inner)
    return total


best = None
for start in ([-2.0, 0.0, 2.0], [-2.5, 1.0, 3.0], [-1.5, -1.0, 1.0], [-2.0, 2.0, 5.0]):
    res = minimize(lambda u: -limit_ll(u), start, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 20000, "maxfev": 20000})
    if best is None or res.fun < best.fun:
        best = res
lam, s, beta = np.exp(best.x)
sup = -best.fun
print(f"limit supremum lnL = {sup:.10f} at lambda = {lam:.8f}, s = {s:.8f}, beta = {beta:.8f}")
for r in (10.0, 30.0, 100.0):  # (the closed form loses its digits beyond)
    print(f"full lnL at r = {r:g}, alpha = r/lambda: {full_ll(r, r / lam, s, beta):.10f}")

#!/usr/bin/env python3
# crm-metrics: reference for docs/testing.md ("Other CPUs": the modified BG/NBD on tests/nbd_test.cpp's data C,
# 20 customers of one low purchase rate). At a, b -> 0 with a/(a+b) = pi and r, alpha -> infinity with
# r/alpha = lambda the modified BG/NBD (Batislam et al. 2007; a customer may drop out at time 0) becomes the
# zero-inflated Poisson: per customer L = (1 - pi) lambda^x e^(-lambda T) + pi [x = 0] (the purchase times'
# density, as the library's likelihoods). Its maximum, by SciPy's Nelder-Mead from three starts, against the
# NBD limit's ln L the library reports there (-28.588651452142479).
#   PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/modified_bgnbd_zip_reference.py
import math

from scipy.optimize import minimize

rows = [(0, 0, 21), (0, 0, 21), (1, 10.35, 28), (0, 0, 19), (0, 0, 34), (0, 0, 20), (0, 0, 15), (1, 26.33, 45),
        (0, 0, 29), (0, 0, 42), (0, 0, 14), (2, 28.78, 43), (0, 0, 33), (1, 8.77, 25), (0, 0, 49), (0, 0, 20),
        (0, 0, 25), (0, 0, 37), (0, 0, 12), (0, 0, 28)]


def nll(v):
    lam, pi = math.exp(v[0]), 1.0 / (1.0 + math.exp(-v[1]))
    s = 0.0
    for x, _tx, t in rows:
        s += math.log((1 - pi) * lam ** x * math.exp(-lam * t) + (pi if x == 0 else 0.0))
    return -s


best = min((minimize(nll, s, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20000})
            for s in ([-4.0, -1.0], [-5.0, 0.0], [-3.0, -2.0])), key=lambda r: r.fun)
lam, pi = math.exp(best.x[0]), 1.0 / (1.0 + math.exp(-best.x[1]))
print(f"zero-inflated Poisson: lambda {lam:.10f}, pi {pi:.10f}, ln L {-best.fun:.15f}")
print(f"above the NBD limit's -28.588651452142479 by {-best.fun + 28.588651452142479:.6f} nats")

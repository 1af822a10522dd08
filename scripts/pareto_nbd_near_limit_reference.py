#!/usr/bin/env python3
# crm-metrics: an independent SciPy fit of the Pareto/NBD near its NBD limit (tests/pareto_nbd_test.cpp,
# "fit_pareto_nbd: an interior maximum with a tiny death rate"). Run:
#   PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/pareto_nbd_near_limit_reference.py
# Data: scripts/data/pareto_nbd_near_limit.csv, the 400 customers of
#   crm::generate(crm::pareto_nbd<double>{0.3, 1.0, 0.3, 1e6}, {.customers = 400, .first_age = 50.0,
#   .last_age = 52.0, .seed = 9}) written with %.17g (the test regenerates them and checks the sums below).
# Likelihood (Fader & Hardie 2005): L = G(r+x)/G(r) alpha^r beta^s [ (alpha+T)^-(r+x) (beta+T)^-s + s I ],
# I = int_tx^T (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau, integrated per customer by
# scipy.integrate.quad (QUADPACK, epsrel 1e-12) after factoring out the integrand at tau = tx (no 2F1);
# minimised over log-parameters by scipy.optimize.minimize(method="Nelder-Mead") and then
# method="BFGS" (finite-difference gradient) from r = alpha... = (1, 1, 1, 100).
import csv
import math
import os
import sys

import numpy as np
from scipy import integrate, optimize, special

here = os.path.dirname(os.path.abspath(__file__))
rows = []
with open(os.path.join(here, "data", "pareto_nbd_near_limit.csv")) as f:
    for rec in csv.DictReader(f):
        rows.append((float(rec["frequency"]), float(rec["recency"]), float(rec["T"])))
print(f"customers {len(rows)}, sum x {sum(r[0] for r in rows)!r}, sum tx {sum(r[1] for r in rows)!r}, "
      f"sum T {sum(r[2] for r in rows)!r}", flush=True)


def loglik(p):
    r, alpha, s, beta = p
    total = 0.0
    for x, tx, T in rows:
        alive = -(r + x) * math.log(alpha + T) - s * math.log(beta + T)
        if T > tx:
            g = lambda tau: math.exp(-(r + x) * math.log1p((tau - tx) / (alpha + tx)) - (s + 1) * math.log1p((tau - tx) / (beta + tx)))
            q, _ = integrate.quad(g, tx, T, epsabs=0.0, epsrel=1e-12, limit=200)
            died = math.log(s) - (r + x) * math.log(alpha + tx) - (s + 1) * math.log(beta + tx) + math.log(q)
            m = max(alive, died)
            tail = m + math.log(math.exp(alive - m) + math.exp(died - m))
        else:
            tail = alive
        total += special.gammaln(r + x) - special.gammaln(r) + r * math.log(alpha) + s * math.log(beta) + tail
    return total


def nll(u):
    v = -loglik(np.exp(u)) / len(rows)
    return v if math.isfinite(v) else 1e300


u0 = np.log([1.0, 1.0, 1.0, 100.0])
nm = optimize.minimize(nll, u0, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 20000, "maxfev": 20000})
bf = optimize.minimize(nll, nm.x, method="BFGS", options={"gtol": 1e-9})
p = np.exp(bf.x)
print(f"Nelder-Mead {nm.message}; BFGS {bf.message}", flush=True)
print(f"r = {p[0]:.8g}, alpha = {p[1]:.8g}, s = {p[2]:.8g}, beta = {p[3]:.8g}, loglik {loglik(p):.10f}", flush=True)
if len(sys.argv) > 1:  # ln L at given parameters, e.g. the library's optimum
    q = [float(v) for v in sys.argv[1:5]]
    print(f"loglik at {q}: {loglik(q):.10f}")

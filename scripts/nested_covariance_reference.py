#!/usr/bin/env python3
# crm-metrics: reference covariances of the nested models a boundary report carries
# (boundary_report::nested_covariance; tests/models_homogeneous_test.cpp, tests/nbd_test.cpp), computed
# with SciPy/NumPy only, independently of the library: the inverse of a central-difference Hessian of
# the nested model's -ln L in its natural parameters (scripts/numdiff.py's hessian, relative step h),
# at the SciPy maxima the other reference scripts found:
#   homogeneous BG/NBD, modified BG/NBD, Pareto/NBD: the likelihoods and data of
#     scripts/homogeneous_reference.py (imported), at its printed "params"; h = 1e-4 (Pareto 1e-3);
#   NBD: the first 50 customers of ../shared/data/cdnow/cdnow_customers_summary.csv, at
#     scripts/nbd_boundary_reference.py's "first 50: nbd r=... alpha=..."; h = 1e-5.
# Then two delta-method values by hand (analytic gradients, no differences), z = scipy.stats.norm.ppf(0.95):
#   NBD E[Y(t) | x, T] = (r+x) t / (alpha+T) at (x, T) = (2, 38.86), t = 39:
#     g = (t/(alpha+T), -(r+x) t/(alpha+T)^2), se = sqrt(g' C g), 90% interval exp(ln f -+ z se/f) f;
#   homogeneous Pareto/NBD E[X(t)] = (r/alpha)(1 - e^(-mu t))/mu at t = 52:
#     g = (f/r, -f/alpha, (r/alpha)(t e^(-mu t) mu - (1 - e^(-mu t)))/mu^2), the same interval.
# Run: PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/nested_covariance_reference.py
import math
import os

import numpy as np
from scipy.stats import norm

from homogeneous_reference import bg_hom_ll, load, pareto_hom_ll  # scripts/homogeneous_reference.py
from numdiff import hessian  # scripts/numdiff.py

here = os.path.dirname(os.path.abspath(__file__))


def show(name, theta, H):
    C = np.linalg.inv(H)
    print(f"{name}: at {[float(v) for v in theta]!r}")
    for i in range(len(theta)):
        print(f"{name}: cov[{i}] {[float(v) for v in C[i]]!r}")
    print(f"{name}: se {[float(math.sqrt(C[i][i])) for i in range(len(theta))]!r}")
    return C


# scripts/homogeneous_reference.py's "params" lines
bg = [0.48927303663274685, 1.7559037585058719, 0.295741901822225]
mbg = [0.45235991876478027, 1.7159339290803075, 0.26987210869764067]
par = [0.37242773196295714, 1.7223431414159363, 0.04075932609343711]
for fname, k, theta in (("homogeneous_bg_nbd.csv", 0, bg), ("homogeneous_modified_bg_nbd.csv", 1, mbg)):
    x, tx, T = load(fname)
    show(fname, theta, hessian(lambda q: -bg_hom_ll(q[0], q[1], q[2], x, tx, T, k), theta, 1e-4))
x, tx, T = load("homogeneous_pareto_nbd.csv")
Cp = show("homogeneous_pareto_nbd.csv", par, hessian(lambda q: -pareto_hom_ll(q[0], q[1], q[2], x, tx, T), par, 1e-3))

# NBD on the first 50 CDNOW customers (scripts/nbd_boundary_reference.py's fit)
rows = np.loadtxt(os.path.join(here, "..", "..", "shared", "data", "cdnow", "cdnow_customers_summary.csv"), delimiter=",", skiprows=1)
X, TT = rows[:50, 1], rows[:50, 3]
from scipy.special import gammaln


def nbd_ll(r, alpha):
    return np.sum(gammaln(r + X) - gammaln(r) + r * np.log(alpha) - (r + X) * np.log(alpha + TT))


nbd = [0.2661727396588649, 9.730612225976744]
Cn = show("cdnow first 50 nbd", nbd, hessian(lambda q: -nbd_ll(q[0], q[1]), nbd, 1e-5))

z = float(norm.ppf(0.95))
print(f"z = norm.ppf(0.95) = {z!r}")


def delta(name, f, g, C):
    g = np.array(g)
    se = float(math.sqrt(g @ C @ g))
    print(f"{name}: f {f!r} se {se!r} 90% [{f * math.exp(-z * se / f)!r}, {f * math.exp(z * se / f)!r}]")


r, alpha = nbd
x, T_, t = 2.0, 38.86, 39.0
f = (r + x) * t / (alpha + T_)
delta("nbd conditional (2, 38.86) t=39", f, [t / (alpha + T_), -(r + x) * t / (alpha + T_) ** 2], Cn)
r, alpha, mu = par
t = 52.0
f = r / alpha * (1 - math.exp(-mu * t)) / mu
delta("homogeneous pareto expected t=52", f, [f / r, -f / alpha, r / alpha * (t * math.exp(-mu * t) * mu - (1 - math.exp(-mu * t))) / mu ** 2], Cp)

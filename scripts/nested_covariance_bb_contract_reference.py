#!/usr/bin/env python3
# crm-metrics: reference covariances of the nested models of BG/BB's and sBG/BdW's boundaries
# (boundary_report::nested_covariance; tests/bg_bb_boundary_test.cpp, tests/contractual_nested_test.cpp),
# computed with SciPy/NumPy only, independently of the library: each nested model's -ln L written from
# its definition, maximised by scipy.optimize.minimize (Nelder-Mead then BFGS, on unconstrained
# transforms), and the inverse of a central-difference Hessian in its natural parameters
# (scripts/numdiff.py's hessian, relative step h = 1e-4) at that maximum. A sibling of
# scripts/nested_covariance_reference.py (the NBD and homogeneous models).
#   BG/BB (the data and likelihoods of scripts/bg_bb_boundary_reference.py, imported: LAST, HT, HP, BIN;
#     nodrop_ll, hd_ll, hp_ll, binom_ll):
#     LAST bb_no_dropout: the Beta-Bernoulli (alpha, beta);
#     HT bb_homogeneous_dropout: (alpha, beta, theta);
#     HP bb_homogeneous_purchase: (p, gamma, delta);
#     BIN bb_binomial: p (1 x 1; by hand p(1-p)/sum w n).
#   sBG/BdW, cohorts of survivor counts n_0..n_7, a customer churning at t adds ln(S(t-1) - S(t)), one
#     still active at the last period 7 ln S(7):
#     the geometric S(t) = (1-theta)^t on 1000 900 810 729 656 590 531 478 (by hand: theta(1-theta)/E);
#     the discrete Weibull S(t) = (1-theta)^(t^c) on 1000 897 794 725 649 588 523 455 (theta, c);
#     power-law survival S(t) = min(1, (tau/t)^k) on 13 9 3 2 1 1 1 0 (k, tau; tau < 1) and on
#     13 13 11 7 6 6 6 6 (tau in (1, 2)).
# Then one delta-method interval per nested model, z = scipy.stats.norm.ppf(0.95), 90 %, from the
# gradient of the prediction in the log-parameters by central differences (step 1e-6) and C_u = C/(p p'):
#   beta_bernoulli: E[X(n)] = alpha/(alpha+beta) u (1 - u^n)/theta (n alpha/(alpha+beta) at theta = 0),
#     u = 1-theta, at n = 10, log scale;
#   beta_geometric_bernoulli: E[X(n)] = p sum_{t=1}^n S(t), S(t) = prod_{j<t} (delta+j)/(gamma+delta+j)
#     (n p at gamma = 0), at n = 10, log scale;
#   discrete Weibull / geometric / power law: S(12), logit scale.
# Run: PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/nested_covariance_bb_contract_reference.py
import contextlib
import io
import math

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from scipy.stats import norm

with contextlib.redirect_stdout(io.StringIO()):  # its own reference values, printed on import
    from bg_bb_boundary_reference import BIN, HP, HT, LAST, binom_ll, hd_ll, hp_ll, nodrop_ll  # scripts/bg_bb_boundary_reference.py
from numdiff import hessian  # scripts/numdiff.py

z = float(norm.ppf(0.95))


def fit(f, to_nat, u0):
    r = minimize(lambda u: -f(*to_nat(u)), u0, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 40000, "maxfev": 40000})
    r = minimize(lambda u: -f(*to_nat(u)), r.x, method="BFGS", options={"gtol": 1e-10})
    return np.array(to_nat(r.x))


def show(name, theta, C):
    print(f"{name}: at {[float(v) for v in theta]!r}")
    for i in range(len(theta)):
        print(f"{name}: cov[{i}] {[float(v) for v in C[i]]!r}")
    print(f"{name}: se {[float(math.sqrt(C[i][i])) for i in range(len(theta))]!r}")


def covariance(name, f, theta):
    C = np.linalg.inv(hessian(lambda q: -f(*q), theta, 1e-4))
    show(name, theta, C)
    return C


def delta(name, pred, theta, C, scale, free=None):
    """delta-method interval of pred(theta) on `scale`, in the log-parameters of the first `free` ones"""
    n = len(theta) if free is None else free
    u = np.log(np.array(theta[:n], dtype=float))
    Cu = np.array([[C[i][j] / (theta[i] * theta[j]) for j in range(n)] for i in range(n)])
    rest = list(theta[n:])
    at = lambda v: pred(*(list(np.exp(v)) + rest))
    f, h = at(u), 1e-6
    g = np.array([(at(u + h * e) - at(u - h * e)) / (2 * h) for e in np.eye(n)])
    se = float(math.sqrt(g @ Cu @ g))
    if scale == "log":
        lo, hi = f * math.exp(-z * se / f), f * math.exp(z * se / f)
    else:
        l, w = math.log(f / (1 - f)), z * se / (f * (1 - f))
        lo, hi = expit(l - w), expit(l + w)
    print(f"{name}: f {f!r} se {se!r} 90% [{lo!r}, {hi!r}]")


# ---- BG/BB ----------------------------------------------------------------------------------------
def bb_expected(a, b, th, n=10):
    u = 1 - th
    return n * a / (a + b) if th == 0 else a / (a + b) * u * (1 - u ** n) / th


def bgb_expected(p, g, d, n=10):
    if g == 0:
        return n * p
    s, S = 0.0, 1.0
    for t in range(1, n + 1):
        S *= (d + t - 1) / (g + d + t - 1)
        s += S
    return p * s


th = fit(lambda a, b: nodrop_ll(LAST, a, b), lambda u: (np.exp(u[0]), np.exp(u[1])), [0.0, 0.0])
C = covariance("LAST bb_no_dropout (alpha, beta)", lambda a, b: nodrop_ll(LAST, a, b), th)
delta("LAST beta_bernoulli E[X(10)]", bb_expected, list(th) + [0.0], C, "log", free=2)

th = fit(lambda a, b, t: hd_ll(HT, a, b, t), lambda u: (np.exp(u[0]), np.exp(u[1]), expit(u[2])), [0.0, 0.0, -1.0])
C = covariance("HT bb_homogeneous_dropout (alpha, beta, theta)", lambda a, b, t: hd_ll(HT, a, b, t), th)
delta("HT beta_bernoulli E[X(10)]", bb_expected, list(th), C, "log")

th = fit(lambda p, g, d: hp_ll(HP, p, g, d), lambda u: (expit(u[0]), np.exp(u[1]), np.exp(u[2])), [0.0, 0.0, 0.0])
C = covariance("HP bb_homogeneous_purchase (p, gamma, delta)", lambda p, g, d: hp_ll(HP, p, g, d), th)
delta("HP beta_geometric_bernoulli E[X(10)]", bgb_expected, list(th), C, "log")

pb = 138.0 / 264.0  # sum w x / sum w n, by hand
C = covariance("BIN bb_binomial (p)", lambda p: binom_ll(BIN, p), np.array([pb]))
print(f"BIN by hand p(1-p)/264 = {pb * (1 - pb) / 264!r}")
delta("BIN beta_geometric_bernoulli{p, 0, 1} E[X(10)]", bgb_expected, [pb, 0.0, 1.0], C, "log", free=1)


# ---- sBG / BdW ------------------------------------------------------------------------------------
def cohort_ll(n, S):
    """ln L of survivor counts n_0..n_K under S(t)"""
    K = len(n) - 1
    ll = sum((n[t - 1] - n[t]) * math.log(S(t - 1) - S(t)) for t in range(1, K + 1) if n[t - 1] > n[t])
    return ll + n[K] * math.log(S(K))


GEO = [1000, 900, 810, 729, 656, 590, 531, 478]
DW = [1000, 897, 794, 725, 649, 588, 523, 455]
PL1 = [13, 9, 3, 2, 1, 1, 1, 0]
PL2 = [13, 13, 11, 7, 6, 6, 6, 6]
dw = lambda th, c: (lambda t: (1 - th) ** (t ** c))
pl = lambda k, tau: (lambda t: 1.0 if t == 0 else min(1.0, (tau / t) ** k))

theta_g = 522 / 5216  # D / E, by hand
C = covariance("GEO geometric (theta)", lambda th: cohort_ll(GEO, dw(th, 1.0)), np.array([theta_g]))
print(f"GEO by hand theta(1-theta)/5216 = {theta_g * (1 - theta_g) / 5216!r}")
delta("GEO geometric S(12)", lambda th, c: dw(th, c)(12), [theta_g, 1.0], C, "logit", free=1)

th = fit(lambda t, c: cohort_ll(DW, dw(t, c)), lambda u: (expit(u[0]), np.exp(u[1])), [-2.0, 0.0])
C = covariance("DW discrete Weibull (theta, c)", lambda t, c: cohort_ll(DW, dw(t, c)), th)
delta("DW discrete Weibull S(12)", lambda t, c: dw(t, c)(12), list(th), C, "logit")

for name, n, tau0 in (("PL1", PL1, 0.8), ("PL2", PL2, 1.5)):
    lo = math.floor(tau0)  # tau in (lo, lo + 1): S(t) = (tau/t)^k for t > tau, smooth in (k, tau) there
    th = fit(lambda k, tau: cohort_ll(n, pl(k, tau)), lambda u: (np.exp(u[0]), lo + expit(u[1])), [0.0, 0.0])
    C = covariance(f"{name} power law (k, tau)", lambda k, tau: cohort_ll(n, pl(k, tau)), th)
    delta(f"{name} power law S(12)", lambda k, tau: pl(k, tau)(12), list(th), C, "logit")

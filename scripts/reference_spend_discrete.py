#!/usr/bin/env python3
# crm-metrics: independent SciPy reference values for tests/gamma_gamma_test.cpp and tests/bg_bb_test.cpp.
# SPDX-License-Identifier: MIT
#
# Every closed form of crm/models/gamma_gamma.hpp and crm/models/bg_bb.hpp is checked against a
# direct numerical integration of the individual-level model over its mixing distribution
# (scipy.integrate.quad; QAWS with weight='alg' for the Beta kernels), and the fits against
# scipy.optimize.minimize of the same likelihood written with scipy.special.
# Usage: PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/reference_spend_discrete.py
import csv, os
import numpy as np
from scipy import integrate, optimize, special, stats

DATA = os.environ.get("CRM_METRICS_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
Q = dict(epsabs=0, epsrel=1e-12, limit=500)

# ---- Gamma-Gamma: z ~ Gamma(p, rate nu), nu ~ Gamma(q, rate gamma) -------------------------------
P, QQ, G = 6.25, 3.74, 15.44
prior = stats.gamma(a=QQ, scale=1 / G)
def gg_density(x, zbar):  # density of the mean of x values: x * Gamma(px, nu) density at x*zbar
    f = lambda nu: x * stats.gamma(a=P * x, scale=1 / nu).pdf(x * zbar) * prior.pdf(nu)
    return integrate.quad(f, 0, np.inf, **Q)[0]
def gg_conditional(x, zbar):  # E[p / nu | data]
    f = lambda nu: stats.gamma(a=P * x, scale=1 / nu).pdf(x * zbar) * prior.pdf(nu)
    num = integrate.quad(lambda nu: P / nu * f(nu), 0, np.inf, **Q)[0]
    return num / integrate.quad(f, 0, np.inf, **Q)[0]
print("gg log density (2, 22.35):      %.15g" % np.log(gg_density(2, 22.35)))
print("gg log density (1, 11.77):      %.15g" % np.log(gg_density(1, 11.77)))
print("gg E[Z] population:             %.15g" % integrate.quad(lambda nu: P / nu * prior.pdf(nu), 0, np.inf, **Q)[0])
print("gg E[Z | 2, 22.35]:             %.15g" % gg_conditional(2, 22.35))
print("gg E[Z | 1, 11.77]:             %.15g" % gg_conditional(1, 11.77))
print("gg E[Z | 20, 80.0]:             %.15g" % gg_conditional(20, 80.0))

rows = list(csv.DictReader(open(os.path.join(DATA, "cdnow", "cdnow_customers_summary_with_transactions.csv"))))
x = np.array([float(r["x"]) for r in rows]); z = np.array([float(r["zbar"]) for r in rows])
x, z = x[x > 0], z[x > 0]
def gg_nll(lp):
    p, q, g = np.exp(lp)
    return -np.sum(special.gammaln(p * x + q) - special.gammaln(p * x) - special.gammaln(q) + q * np.log(g)
                   + (p * x - 1) * np.log(z) + p * x * np.log(x) - (p * x + q) * np.log(g + x * z))
r = optimize.minimize(gg_nll, np.zeros(3), method="Nelder-Mead", options=dict(xatol=1e-10, fatol=1e-12, maxfev=40000))
r = optimize.minimize(gg_nll, r.x, method="BFGS", options=dict(gtol=1e-8))
print("gg CDNOW fit (p, q, gamma), LL: %s %.10f" % (np.exp(r.x), -r.fun))

# ---- BG/BB: p ~ Beta(a, b), theta ~ Beta(g, d) ----------------------------------------------------
A, B, C, D = 1.204, 0.750, 0.657, 2.783
BAB, BCD = special.beta(A, B), special.beta(C, D)
def E2(fp_ftheta_terms):  # E over p and theta of sum_k fp_k(p) * ft_k(theta)
    s = 0.0
    for fp, ft in fp_ftheta_terms:
        ip = integrate.quad(fp, 0, 1, weight="alg", wvar=(A - 1, B - 1), **Q)[0] / BAB
        it = integrate.quad(ft, 0, 1, weight="alg", wvar=(C - 1, D - 1), **Q)[0] / BCD
        s += ip * it
    return s
def bb_terms(x, tx, n):  # individual-level likelihood as products f(p) g(theta)
    t = [(lambda p: p**x * (1 - p)**(n - x), lambda th: (1 - th)**n)]
    for i in range(n - tx):
        t.append((lambda p, i=i: p**x * (1 - p)**(tx - x + i), lambda th, i=i: th * (1 - th)**(tx + i)))
    return t
def bb_L(x, tx, n): return E2(bb_terms(x, tx, n))
for (x_, tx_, n_) in [(0, 0, 6), (3, 4, 6), (6, 6, 6), (1, 1, 6), (2, 5, 10)]:
    L = bb_L(x_, tx_, n_)
    alive = E2([(lambda p: p**x_ * (1 - p)**(n_ - x_), lambda th: (1 - th)**(n_ + 1))]) / L
    cond5 = E2([(lambda p: p**(x_ + 1) * (1 - p)**(n_ - x_), lambda th: sum((1 - th)**t for t in range(n_ + 1, n_ + 6)))]) / L
    zz = 1 / 1.1
    dert = E2([(lambda p: p**(x_ + 1) * (1 - p)**(n_ - x_), lambda th: (1 - th)**(n_ + 1) * zz / (1 - (1 - th) * zz))]) / L
    print("bb (%d,%d,%d): lnL %.15g  P(alive n+1) %.15g  E[next 5] %.15g  DERT(0.1) %.15g" % (x_, tx_, n_, np.log(L), alive, cond5, dert))
for n_ in [1, 6, 10]:
    print("bb E[X(%d)]: %.15g" % (n_, E2([(lambda p: p, lambda th: sum((1 - th)**t for t in range(1, n_ + 1)))])))
for (x_, n_) in [(0, 6), (2, 6), (6, 6)]:
    pmf = E2([(lambda p: stats.binom.pmf(x_, n_, p), lambda th: (1 - th)**n_)] +
             [(lambda p, i=i: stats.binom.pmf(x_, i, p), lambda th, i=i: th * (1 - th)**i) for i in range(x_, n_)])
    print("bb P(X(%d) = %d): %.15g" % (n_, x_, pmf))

don = list(csv.DictReader(open(os.path.join(DATA, "donations", "donations.csv"))))
X = np.array([int(r["frequency"]) for r in don]); TX = np.array([int(r["recency"]) for r in don])
N = np.array([int(r["periods"]) for r in don]); W = np.array([float(r["weights"]) for r in don])
def bb_nll(lp):
    a, b, g, d = np.exp(lp)
    ll = 0.0
    for x_, tx_, n_, w_ in zip(X, TX, N, W):
        s = np.exp(special.betaln(a + x_, b + n_ - x_) - special.betaln(a, b) + special.betaln(g, d + n_) - special.betaln(g, d))
        for i in range(n_ - tx_):
            s += np.exp(special.betaln(a + x_, b + tx_ - x_ + i) - special.betaln(a, b) + special.betaln(g + 1, d + tx_ + i) - special.betaln(g, d))
        ll += w_ * np.log(s)
    return -ll
r = optimize.minimize(bb_nll, np.zeros(4), method="Nelder-Mead", options=dict(xatol=1e-10, fatol=1e-10, maxfev=40000))
r = optimize.minimize(bb_nll, r.x, method="BFGS", options=dict(gtol=1e-6))
print("bb donations fit (alpha, beta, gamma, delta), LL: %s %.10f" % (np.exp(r.x), -r.fun))

# ---- CLV (tests/clv_test.cpp): lifetimes' discounted form with BG/NBD (FHL 2005 eq. for E[Y(t)|x,t_x,T],
# scipy.special.hyp2f1) and the Gamma-Gamma conditional spend, both with the published CDNOW parameters.
r_, al_, a_, b_ = 0.243, 4.414, 0.793, 2.426
def bgnbd_cond(t, x, tx, T):
    h = special.hyp2f1(r_ + x, b_ + x, a_ + b_ + x - 1, t / (al_ + T + t))
    num = (a_ + b_ + x - 1) / (a_ - 1) * (1 - ((al_ + T) / (al_ + T + t)) ** (r_ + x) * h)
    return num / (1 + (x > 0) * a_ / (b_ + x - 1) * ((al_ + T) / (al_ + tx)) ** (r_ + x))
def clv(x, tx, T, zbar, months=12, weeks_per_month=4.345, d=0.01):
    spend = (G + x * zbar) * P / (P * x + QQ - 1)
    return sum(spend * (bgnbd_cond(i * weeks_per_month, x, tx, T) - bgnbd_cond((i - 1) * weeks_per_month, x, tx, T)) / (1 + d) ** i
               for i in range(1, months + 1))
for c in [(2, 30.43, 38.86, 22.35), (1, 1.71, 38.86, 11.77), (0, 0.0, 38.86, 0.0), (29, 37.71, 38.00, 26.26)]:
    print("clv BG/NBD+GG CDNOW %s: %.15g" % (c, clv(*c)))

# ---- Standard errors: inverse of a central-difference Hessian (numpy, step 1e-4 relative) of the
# negative log-likelihood in the natural parameters, at the SciPy optimum.
def hessian(f, th, h=1e-4):
    k = len(th); H = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            ei = np.zeros(k); ej = np.zeros(k); ei[i] = h * th[i]; ej[j] = h * th[j]
            H[i, j] = (f(th + ei + ej) - f(th + ei - ej) - f(th - ei + ej) + f(th - ei - ej)) / (4 * ei[i] * ej[j])
    return H
gg_theta = np.exp(optimize.minimize(gg_nll, np.log([6.25, 3.74, 15.44]), method="BFGS", options=dict(gtol=1e-9)).x)
print("gg CDNOW standard errors (p, q, gamma): %s" % np.sqrt(np.diag(np.linalg.inv(hessian(lambda t: gg_nll(np.log(t)), gg_theta)))))
bb_theta = np.exp(r.x)
print("bb donations standard errors (alpha, beta, gamma, delta): %s" % np.sqrt(np.diag(np.linalg.inv(hessian(lambda t: bb_nll(np.log(t)), bb_theta)))))

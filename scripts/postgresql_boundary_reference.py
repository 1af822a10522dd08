#!/usr/bin/env python3
# crm-metrics: reference values for the PostgreSQL extension's fits on a boundary
# (extensions/postgresql/test/36_boundary.sql), computed with SciPy only, independently of the library:
#   nbd:   the 100 rows the test generates with generate_series (i = 1..100: x = (7i mod 11) - 3 when
#          (7i mod 11) >= 4 else 0, T = 20 + 5 (i mod 7), t_x = T when x > 0 else 0: every repeat
#          customer bought at the end, so nobody is seen to drop out) fitted by the NBD (the BG/NBD
#          likelihood at a -> 0, the Pareto/NBD's at s/beta -> 0): minimize of
#          -sum[gammaln(r+x) - gammaln(r) + r log(alpha) - (r+x) log(alpha+T)] over log(r), log(alpha),
#          standard errors from a central-difference Hessian (scripts/numdiff.py); the BG/NBD ln L at
#          (r, alpha) and a = 1e-9, b = 1 (FHL 2005 eq. 6, betaln) to show the limit is its supremum;
#          the NBD's E[Y(t) | x, T] = (r+x) t / (alpha+T) for (x, T) = (2, 30), t = 10;
#   gg_q:  Gamma-Gamma at q -> infinity on (x, zbar) = (1, 10), (2, 20), (3, 15): zbar ~ Gamma(p x,
#          scale theta/x), minimize of -sum scipy.stats.gamma.logpdf(zbar, p x, scale=theta/x); the
#          nested prediction p theta;
#   gg_p:  Gamma-Gamma at p -> infinity on (1, 5), (1, 50), (2, 8), (2, 80), (3, 6), (3, 60): zbar ~
#          Inverse-Gamma(q, scale c), minimize of -sum scipy.stats.invgamma.logpdf(zbar, q, scale=c);
#          the nested prediction c / (q - 1) for a customer without repeat purchases;
#   dw:    the discrete Weibull S(t) = (1-theta)^(t^c) on the cohort 1000 897 794 725 649 588 523 455
#          (BdW's homogeneous churn), minimize of -ln L over logit(theta), log(c);
#   corner: Pareto/NBD's corner s, beta -> 0 on the nbd rows: the zero-inflated NBD (r, alpha, pi), its
#          maximum by L-BFGS-B (scripts/bg_nbd_zero_limit_reference.py's zero_limit, m = x + 1) polished by
#          Newton steps and its covariance (the inverse Hessian), both by central differences of ln L in mpmath
#          at 40 digits (that script's zero_limit_mp, mp_polished_covariance); the 90 % delta-method intervals of
#          P(alive | x = 0, T = 30) on the logit scale and of E[Y(10) | x = 2, t_x = T = 30] on the log scale,
#          with the analytic gradients of logit P = ln(1 - pi) + r ln(alpha/(alpha+30)) - ln pi and of
#          ln E = ln(r + 2) + ln 10 - ln(alpha + 30).
# Run (Debian python3-mpmath too): PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/postgresql_boundary_reference.py
import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, expit, gammaln, logit
from scipy.stats import gamma, invgamma

from numdiff import hessian  # scripts/numdiff.py


def fit(nll, start):
    a = minimize(nll, start, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 40000})
    b = minimize(nll, a.x, method="BFGS", options={"gtol": 1e-10})
    return b.x if b.fun <= a.fun else a.x


i = np.arange(1, 101)
m = (7 * i) % 11
X = np.where(m >= 4, m - 3, 0).astype(float)
T = 20.0 + 5.0 * (i % 7)
TX = np.where(X > 0, T, 0.0)


def nbd_ll(r, alpha):
    return np.sum(gammaln(r + X) - gammaln(r) + r * np.log(alpha) - (r + X) * np.log(alpha + T))


def bgnbd_ll(r, alpha, a, b):
    A = gammaln(r + X) - gammaln(r) + r * np.log(alpha)
    alive = betaln(a, b + X) - betaln(a, b) - (r + X) * np.log(alpha + T)
    dead = betaln(a + 1, b + np.maximum(X, 1) - 1) - betaln(a, b) - (r + X) * np.log(alpha + TX)
    return np.sum(A + np.where(X > 0, np.logaddexp(alive, dead), alive))


u = fit(lambda v: -nbd_ll(np.exp(v[0]), np.exp(v[1])), [0.0, 2.0])
r, alpha = np.exp(u)
se = np.sqrt(np.diag(np.linalg.inv(hessian(lambda p: -nbd_ll(p[0], p[1]), [r, alpha]))))
print(f"nbd: r {r:.10f} ({se[0]:.6f}) alpha {alpha:.10f} ({se[1]:.6f}) lnL {nbd_ll(r, alpha):.10f}")
print(f"  BG/NBD lnL at a = 1e-9, b = 1: {bgnbd_ll(r, alpha, 1e-9, 1.0):.10f}; at a = 0.1, b = 1: {bgnbd_ll(r, alpha, 0.1, 1.0):.10f}")
print(f"  E[Y(10) | x = 2, T = 30] = {(r + 2) * 10 / (alpha + 30):.12f}")

x = np.array([1.0, 2.0, 3.0])
z = np.array([10.0, 20.0, 15.0])
u = fit(lambda v: -np.sum(gamma.logpdf(z, np.exp(v[0]) * x, scale=np.exp(v[1]) / x)), [1.0, 0.0])
p, theta = np.exp(u)
ll = lambda v: -np.sum(gamma.logpdf(z, v[0] * x, scale=v[1] / x))
se = np.sqrt(np.diag(np.linalg.inv(hessian(ll, [p, theta]))))
print(f"gg_q: p {p:.10f} ({se[0]:.6f}) theta {theta:.10f} ({se[1]:.6f}) lnL {-ll([p, theta]):.10f} p theta {p * theta:.12f}")

x = np.array([1.0, 1, 2, 2, 3, 3])
z = np.array([5.0, 50, 8, 80, 6, 60])
u = fit(lambda v: -np.sum(invgamma.logpdf(z, np.exp(v[0]), scale=np.exp(v[1]))), [0.0, 2.0])
q, c = np.exp(u)
ll = lambda v: -np.sum(invgamma.logpdf(z, v[0], scale=v[1]))
se = np.sqrt(np.diag(np.linalg.inv(hessian(ll, [q, c]))))
print(f"gg_p: q {q:.10f} ({se[0]:.6f}) c {c:.10f} ({se[1]:.6f}) lnL {-ll([q, c]):.10f} c/(q-1) {c / (q - 1):.10f}")

S = np.array([1000, 897, 794, 725, 649, 588, 523, 455], dtype=float)
t = np.arange(1, len(S))
churn = S[:-1] - S[1:]


def dw_ll(th, cc):
    lu = np.log1p(-th)
    return np.sum(churn * (np.log(-np.expm1((t**cc - (t - 1) ** cc) * lu)) + (t - 1) ** cc * lu)) + S[-1] * t[-1] ** cc * lu


u = fit(lambda v: -dw_ll(expit(v[0]), np.exp(v[1])), [logit(0.1), 0.0])
th, cc = expit(u[0]), np.exp(u[1])
se = np.sqrt(np.diag(np.linalg.inv(hessian(lambda v: -dw_ll(v[0], v[1]), [th, cc]))))
print(f"dw: theta {th:.10f} ({se[0]:.6f}) c {cc:.10f} ({se[1]:.6f}) lnL {dw_ll(th, cc):.10f}")


# corner: the zero-inflated NBD on the nbd rows
import math  # noqa: E402

import mpmath  # noqa: E402
from scipy.stats import norm  # noqa: E402

from bg_nbd_zero_limit_reference import mp_polished_covariance, zero_limit, zero_limit_mp  # noqa: E402

rows = np.column_stack([X, TX, T])
z = minimize(lambda v: -zero_limit(v, rows, 1), np.array([0.0, 2.0, 0.0]), method="L-BFGS-B",
             bounds=[(-10, 10), (-10, 10), (-40, 40)], options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-10})
pt = [mpmath.mpf(math.exp(z.x[0])), mpmath.mpf(math.exp(z.x[1])), mpmath.mpf(float(expit(z.x[2])))]
data = [(mpmath.mpf(float(a)), mpmath.mpf(float(b)), mpmath.mpf(float(c))) for a, b, c in zip(X, TX, T)]
nll = lambda q: -zero_limit_mp(q, data)
pt, cov = mp_polished_covariance(nll, pt)
r, alpha, pi = (float(v) for v in pt)
se = np.sqrt(np.diag(cov))
print(f"corner: r {r:.10f} ({se[0]:.6f}) alpha {alpha:.10f} ({se[1]:.6f}) pi {pi:.10f} ({se[2]:.6f}) lnL {-float(nll(pt)):.10f}")
zq = norm.ppf(0.95)
a30 = (alpha / (alpha + 30)) ** r
p_alive = (1 - pi) * a30 / ((1 - pi) * a30 + pi)
grad = np.array([math.log(alpha / (alpha + 30)), r * (1 / alpha - 1 / (alpha + 30)), -1 / (1 - pi) - 1 / pi])
half = zq * math.sqrt(grad @ cov @ grad)
print(f"  P(alive | 0, 0, 30) {p_alive:.12f}, 90 % [{expit(logit(p_alive) - half):.10f}, {expit(logit(p_alive) + half):.10f}]")
e = (r + 2) * 10 / (alpha + 30)
grad = np.array([1 / (r + 2), -1 / (alpha + 30), 0.0])
half = zq * math.sqrt(grad @ cov @ grad)
print(f"  E[Y(10) | 2, 30, 30] {e:.12f}, 90 % [{e * math.exp(-half):.10f}, {e * math.exp(half):.10f}]")

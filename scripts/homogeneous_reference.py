#!/usr/bin/env python3
# crm-metrics: independent SciPy fits of the homogeneous drop-out models (tests/models_homogeneous_test.cpp):
# the limits of BG/NBD and the modified BG/NBD as a, b -> infinity with a/(a+b) -> p, and of Pareto/NBD as
# s, beta -> infinity with s/beta -> mu. Run:
#   PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/homogeneous_reference.py
# Data: scripts/data/homogeneous_{bg_nbd,modified_bg_nbd,pareto_nbd}.csv, 300 customers each of
#   crm::generate(crm::bg_nbd<double>{0.5, 2, 3e5, 7e5}, {.customers = 300, .first_age = 20, .last_age = 52, .seed = 1}),
#   crm::generate(crm::modified_bg_nbd<double>{0.5, 2, 3e5, 7e5}, {... .seed = 2}),
#   crm::generate(crm::pareto_nbd<double>{0.5, 2, 1e6, 2e7}, {... .seed = 2}),
# written with %.17g (the test regenerates them and checks the sums printed below).
# Likelihoods, written here from the model definitions (m = x + k, k = 0 BG/NBD, 1 modified):
#   BG family:  L = G(r+x)/G(r) alpha^r [ (1-p)^m (alpha+T)^-(r+x) + [m > 0] p (1-p)^(m-1) (alpha+tx)^-(r+x) ]
#   Pareto:     L = G(r+x)/G(r) alpha^r [ e^(-mu T) (alpha+T)^-(r+x) + mu int_tx^T e^(-mu tau) (alpha+tau)^-(r+x) dtau ],
#               the integral by scipy.integrate.quad (epsrel 1e-13) after factoring out the integrand at tx.
# Fits: scipy.optimize.minimize(method="Nelder-Mead") then method="BFGS" over (log r, log alpha, logit p)
# or (log r, log alpha, log mu); standard errors from the inverse of a central-difference Hessian of -ln L
# in the natural parameters. Heterogeneity score (d ln L_full / d e at e = 0, e = 1/(a+b+1) or 1/s),
# computed from the FULL models' likelihoods (scipy.special.betaln for the Beta mixture; quad for the
# Pareto/NBD death integral I = int_tx^T (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau) at the homogeneous
# maximum: D(K) = (ln L_full(K) - ln L_hom) / e(K), Richardson 2 D(2K) - D(K) with K = a+b (or s) = 2e3.
import csv
import math
import os

import numpy as np
from scipy import integrate, optimize, special

from numdiff import hessian  # scripts/numdiff.py

here = os.path.dirname(os.path.abspath(__file__))


def load(name):
    rows = []
    with open(os.path.join(here, "data", name)) as f:
        for rec in csv.DictReader(f):
            rows.append((float(rec["frequency"]), float(rec["recency"]), float(rec["T"])))
    x = np.array([r[0] for r in rows]); tx = np.array([r[1] for r in rows]); T = np.array([r[2] for r in rows])
    print(f"{name}: customers {len(rows)}, sum x {x.sum()!r}, sum tx {tx.sum()!r}, sum T {T.sum()!r}")
    return x, tx, T


def bg_hom_ll(r, alpha, p, x, tx, T, k):
    m = x + k
    base = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    alive = m * np.log1p(-p) - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore"):
        dead = np.where(m > 0, np.log(p) + (m - 1) * np.log1p(-p) - (r + x) * np.log(alpha + tx), -np.inf)
    return float(np.sum(base + np.logaddexp(alive, dead)))


def bg_full_ll(r, alpha, a, b, x, tx, T, k):
    # FHL 2005 eq. (6) (k = 0) and Batislam et al. 2007 (k = 1)
    m = x + k
    base = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    alive = special.betaln(a, b + m) - special.betaln(a, b) - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        dead = np.where(m > 0, special.betaln(a + 1, np.maximum(b + m - 1, 1e-300)) - special.betaln(a, b) - (r + x) * np.log(alpha + tx), -np.inf)
    return float(np.sum(base + np.logaddexp(alive, dead)))


def death_integral(c, alpha, mu, tx, T):
    # int_tx^T e^(-mu tau) (alpha+tau)^-c dtau = e^(-mu tx) (alpha+tx)^-c int_0^(T-tx) e^(-mu u) (1+u/(alpha+tx))^-c du
    g = lambda u: math.exp(-mu * u - c * math.log1p(u / (alpha + tx)))
    q, _ = integrate.quad(g, 0.0, T - tx, epsabs=0.0, epsrel=1e-13, limit=400)
    return -mu * tx - c * math.log(alpha + tx) + math.log(q)


def pareto_hom_ll(r, alpha, mu, x, tx, T):
    total = 0.0
    for xi, ti, Ti in zip(x, tx, T):
        c = r + xi
        alive = -mu * Ti - c * math.log(alpha + Ti)
        t = alive
        if Ti > ti:
            died = math.log(mu) + death_integral(c, alpha, mu, ti, Ti)
            t = np.logaddexp(alive, died)
        total += math.lgamma(r + xi) - math.lgamma(r) + r * math.log(alpha) + t
    return total


def pareto_full_ll(r, alpha, s, beta, x, tx, T):
    total = 0.0
    for xi, ti, Ti in zip(x, tx, T):
        alive = -(r + xi) * math.log(alpha + Ti) - s * math.log(beta + Ti)
        t = alive
        if Ti > ti:
            g = lambda u: math.exp(-(r + xi) * math.log1p(u / (alpha + ti)) - (s + 1) * math.log1p(u / (beta + ti)))
            q, _ = integrate.quad(g, 0.0, Ti - ti, epsabs=0.0, epsrel=1e-13, limit=400)
            died = math.log(s) - (r + xi) * math.log(alpha + ti) - (s + 1) * math.log(beta + ti) + math.log(q)
            t = np.logaddexp(alive, died)
        total += math.lgamma(r + xi) - math.lgamma(r) + r * math.log(alpha) + s * math.log(beta) + t
    return total


def fit(nll, u0):
    res = optimize.minimize(nll, u0, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000, "maxfev": 40000})
    res = optimize.minimize(nll, res.x, method="BFGS", options={"gtol": 1e-8})
    return res




def report(name, theta, ll, H, score):
    cov = np.linalg.inv(H)
    se = np.sqrt(np.diag(cov))
    print(f"{name}: params {theta[0]!r} {theta[1]!r} {theta[2]!r}")
    print(f"{name}: se {se[0]!r} {se[1]!r} {se[2]!r}")
    print(f"{name}: loglik {ll!r}")
    print(f"{name}: heterogeneity score {score!r}")


def main():
    for fname, k in (("homogeneous_bg_nbd.csv", 0), ("homogeneous_modified_bg_nbd.csv", 1)):
        x, tx, T = load(fname)
        nll = lambda u: -bg_hom_ll(math.exp(u[0]), math.exp(u[1]), special.expit(u[2]), x, tx, T, k)
        res = fit(nll, [0.0, math.log(36.0), -1.0])
        theta = [math.exp(res.x[0]), math.exp(res.x[1]), float(special.expit(res.x[2]))]
        ll = bg_hom_ll(*theta, x, tx, T, k)
        H = hessian(lambda q: -bg_hom_ll(q[0], q[1], q[2], x, tx, T, k), theta, 1e-4)
        r, alpha, p = theta

        def D(K):
            e = 1.0 / (K + 1.0)
            return (bg_full_ll(r, alpha, p * K, (1 - p) * K, x, tx, T, k) - ll) / e
        score = 2 * D(4e3) - D(2e3)
        report(fname, theta, ll, H, score)

    x, tx, T = load("homogeneous_pareto_nbd.csv")
    nll = lambda u: -pareto_hom_ll(math.exp(u[0]), math.exp(u[1]), math.exp(u[2]), x, tx, T)
    res = fit(nll, [0.0, math.log(36.0), math.log(0.03)])
    theta = [math.exp(v) for v in res.x]
    ll = pareto_hom_ll(*theta, x, tx, T)
    H = hessian(lambda q: -pareto_hom_ll(q[0], q[1], q[2], x, tx, T), theta, 1e-3)
    r, alpha, mu = theta


    def Dp(S):
        return (pareto_full_ll(r, alpha, S, S / mu, x, tx, T) - ll) * S
    score = 2 * Dp(4e3) - Dp(2e3)
    report("homogeneous_pareto_nbd.csv", theta, ll, H, score)


if __name__ == "__main__":  # scripts/nested_covariance_reference.py imports the likelihoods
    main()

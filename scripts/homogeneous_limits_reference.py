#!/usr/bin/env python3
# crm-metrics: reference values for the limits where nobody drops out (tests/models_homogeneous_test.cpp,
# "homogeneous fits name the limit where nobody drops out"; tests/nbd_test.cpp, "fit_nbd: an optimizer that
# fails on the Poisson ridge"), computed with SciPy and mpmath only, independently of the library.
#
# Data A, 5 customers (x, t_x, T) of one Poisson rate and nobody dropping out: the NBD's likelihood rises toward
# r, alpha -> infinity with r/alpha = lambda (the Poisson). Printed: lambda = sum x / sum T, the Poisson's ln L
# sum (x ln lambda - lambda T) (the NBD's without the x! terms), the NBD's ln L at r = 1e12, alpha = r / lambda
# in 50-digit mpmath (loggamma), the homogeneous BG/NBD family's there with p = 0.01, and mpmath's one-sided derivatives at 0 of the Poisson-limit likelihoods of
# the homogeneous models in their drop-out parameter (the drop-out scores):
#   BG/NBD family (m = x + shift): L = lambda^x e^-(lambda T) (1-p)^m + [m > 0] p (1-p)^(m-1) lambda^x e^-(lambda t_x)
#   Pareto/NBD: L = lambda^x [ e^-((lambda+mu) T) + mu int_{t_x}^T e^-((lambda+mu) tau) dtau ]   (mpmath quad)
# and of the NBD's ln L in 1/r at 0 (the overdispersion score), by mpmath at lambda fixed.
# Data B, 5 customers: the NBD has an interior maximum (SciPy Nelder-Mead on log r, log alpha), and the
# homogeneous models' likelihoods, maximised by SciPy's L-BFGS-B with the drop-out parameter bounded below by 0
# (p in [0, 0.999], mu in [0, 10]), end at that bound with the NBD's ln L; their drop-out scores at the NBD's
# (r, alpha) by mpmath's one-sided derivatives of the likelihoods
#   BG/NBD family: L = G(r+x)/G(r) alpha^r [ (1-p)^m (alpha+T)^-(r+x) + [m > 0] p (1-p)^(m-1) (alpha+t_x)^-(r+x) ]
#   Pareto/NBD: L = G(r+x)/G(r) alpha^r [ e^(-mu T) (alpha+T)^-(r+x) + mu int_{t_x}^T e^(-mu tau) (alpha+tau)^-(r+x) dtau ]
# Data C, 20 customers of one low Poisson rate: the NBD's maximum (SciPy Nelder-Mead), and BG/NBD's likelihood
# (FHL 2005 eq. 6) maximised from five starts by L-BFGS-B, a and b at most e^14: it ends with a/(a+b) near 0 and
# the NBD's ln L.
# Data D, 8 customers of whom none made a second repeat purchase: BG/NBD's likelihood is then a function of
# pi = a/(a+b), maximised by L-BFGS-B over (r, alpha, pi in [1e-9, 1]) from three starts: it ends at pi = 1.
# Data E, 23 customers on which the modified BG/NBD runs to a, b -> infinity and r, alpha -> infinity at once: the
# supremum of that corner's likelihood (Poisson purchases, one drop-out probability), by Nelder-Mead.
# Data F, 31 customers of whom one made a repeat purchase: Pareto/NBD runs to s, beta -> infinity and r, alpha ->
# infinity at once, its homogeneous model to r, alpha -> infinity; the supremum of that corner's likelihood (Poisson
# purchases at rate lambda, exponential lifetimes at rate mu), by Nelder-Mead from twelve starts.
# Data G, 21 customers on which the zero-inflated NBD (the modified BG/NBD's limit a, b -> 0) runs to r, alpha ->
# infinity: the supremum of the zero-inflated Poisson, L = (1 - pi) lambda^x e^(-lambda T) + pi [x = 0], by Nelder-Mead.
# Data H, 13 customers on which Pareto/NBD's limit s, beta -> 0 (the same zero-inflated NBD) runs there: the same.
# Data I, 7 customers on which the homogeneous fits converged at p (mu) -> 0: as data B.
# Run: PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/homogeneous_limits_reference.py
import mpmath as mp
import numpy as np
from scipy.integrate import quad
from scipy.optimize import minimize
from scipy.special import gammaln

mp.mp.dps = 50
A = [(33, 12.89, 13), (67, 19.89, 21), (63, 20.62, 21), (104, 37.65, 38), (99, 36.65, 37)]
B = [(3, 11.67, 13), (12, 21.73, 23), (2, 11.9, 15), (25, 44.54, 45), (18, 26.36, 32)]


def mpf_rows(rows):
    return [(mp.mpf(x), mp.mpf(str(tx)), mp.mpf(str(t))) for x, tx, t in rows]


def dropout_score(rows, shift, kernel):
    """mpmath's one-sided derivative at p = 0 of sum ln[(1-p)^m K(x, T) + [m > 0] p (1-p)^(m-1) K(x, t_x)], m = x + shift:
    the homogeneous BG/NBD family's ln L in p (K the purchase part, alive until the time given)."""
    def lik(p):
        total = 0
        for x, tx, t in rows:
            m = x + shift
            v = (1 - p) ** m * kernel(x, t)
            if m > 0:
                v += p * (1 - p) ** (m - 1) * kernel(x, tx)
            total += mp.log(v)
        return total
    return mp.diff(lik, mp.mpf(0), direction=1)


def death_score(rows, kernel):
    """The same in mu of sum ln[e^(-mu T) K(x, T) + mu int_{t_x}^T e^(-mu tau) K(x, tau) dtau] (homogeneous Pareto/NBD)."""
    def lik(mu):
        return sum(mp.log(mp.exp(-mu * t) * kernel(x, t) + mu * mp.quad(lambda tau: mp.exp(-mu * tau) * kernel(x, tau), [tx, t]))
                   for x, tx, t in rows)
    return mp.diff(lik, mp.mpf(0), direction=1)


def poisson_a():
    rows = mpf_rows(A)
    lam = sum(x for x, _, _ in rows) / sum(t for _, _, t in rows)
    ll = sum(x * mp.log(lam) - lam * t for x, _, t in rows)
    print("A: lambda", mp.nstr(lam, 17), " Poisson ln L", mp.nstr(ll, 17))
    r = mp.mpf(10) ** 12
    alpha = r / lam
    nbd = sum(mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha) - (r + x) * mp.log(alpha + t) for x, _, t in rows)
    print("A: NBD ln L at r = 1e12, alpha = r/lambda", mp.nstr(nbd, 17))

    def nbd_in_kappa(k):
        if k == 0:
            return ll
        rr = 1 / k
        aa = rr / lam
        return sum(mp.loggamma(rr + x) - mp.loggamma(rr) + rr * mp.log(aa) - (rr + x) * mp.log(aa + t) for x, _, t in rows)

    for shift in (0, 1):
        p = mp.mpf("0.01")
        hom = 0
        for x, tx, t in rows:
            m = x + shift
            v = (1 - p) ** m * (alpha + t) ** (-(r + x)) + (p * (1 - p) ** (m - 1) * (alpha + tx) ** (-(r + x)) if m > 0 else 0)
            hom += mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha) + mp.log(v)
        print("A: homogeneous shift", shift, "ln L at r = 1e12, alpha = r/lambda, p = 0.01", mp.nstr(hom, 17))
    print("A: overdispersion score d lnL / d(1/r) at 0", mp.nstr(mp.diff(nbd_in_kappa, mp.mpf(0), h=mp.mpf('1e-25'), direction=1), 17))
    def poisson(x, t):
        return lam ** x * mp.exp(-lam * t)
    for shift in (0, 1):
        print("A: drop-out score, Poisson limit, shift", shift, mp.nstr(dropout_score(rows, shift, poisson), 17))
    print("A: death score, Poisson limit", mp.nstr(death_score(rows, poisson), 17))


def nbd_ll(r, alpha, rows):
    return sum(gammaln(r + x) - gammaln(r) + r * np.log(alpha) - (r + x) * np.log(alpha + t) for x, _, t in rows)


def bg_ll(r, alpha, p, rows, shift):
    total = 0.0
    for x, tx, t in rows:
        m = x + shift
        lv = m * np.log1p(-p) - (r + x) * np.log(alpha + t)
        if m > 0 and p > 0:
            lv = np.logaddexp(lv, np.log(p) + (m - 1) * np.log1p(-p) - (r + x) * np.log(alpha + tx))
        total += gammaln(r + x) - gammaln(r) + r * np.log(alpha) + lv
    return total


def pareto_ll(r, alpha, mu, rows):
    total = 0.0
    for x, tx, t in rows:
        c0 = -(r + x) * np.log(alpha + tx)  # the integrand's largest log, at tau = t_x
        dead, _ = quad(lambda tau: np.exp(-mu * tau - (r + x) * np.log(alpha + tau) - c0), tx, t, epsabs=0, epsrel=1e-13, limit=200)
        v = np.exp(-mu * t - (r + x) * np.log(alpha + t) - c0) + mu * dead
        total += gammaln(r + x) - gammaln(r) + r * np.log(alpha) + c0 + np.log(v)
    return total


def limit_at_zero(name, data, nbd_start):
    opt = dict(xatol=1e-12, fatol=1e-14, maxiter=20000, maxfev=40000)
    f = minimize(lambda u: -nbd_ll(np.exp(u[0]), np.exp(u[1]), data), nbd_start, method="Nelder-Mead", options=opt)
    r, alpha = np.exp(f.x)
    print(name + ": NBD fit r", repr(r), "alpha", repr(alpha), "ln L", repr(-f.fun))
    for shift in (0, 1):
        g = minimize(lambda v: -bg_ll(np.exp(v[0]), np.exp(v[1]), v[2], data, shift), [np.log(r), np.log(alpha), 0.1], method="L-BFGS-B",
                     bounds=[(-10, 10), (-10, 10), (0.0, 0.999)])
        print(name + ": homogeneous shift", shift, "bounded maximum at p", g.x[2], "ln L", repr(-g.fun))
    g = minimize(lambda v: -pareto_ll(np.exp(v[0]), np.exp(v[1]), v[2], data), [np.log(r), np.log(alpha), 0.05], method="L-BFGS-B",
                 bounds=[(-10, 10), (-10, 10), (0.0, 10.0)])
    print(name + ": homogeneous Pareto bounded maximum at mu", g.x[2], "ln L", repr(-g.fun))
    rm, am = mp.mpf(r), mp.mpf(alpha)
    rows = mpf_rows(data)
    def nbd(x, t):
        return (am + t) ** (-(rm + x))
    for shift in (0, 1):
        print(name + ": drop-out score at the NBD fit, shift", shift, mp.nstr(dropout_score(rows, shift, nbd), 17))
    print(name + ": death score at the NBD fit", mp.nstr(death_score(rows, nbd), 17))


C = [(0, 0, 21), (0, 0, 21), (1, 10.35, 28), (0, 0, 19), (0, 0, 34), (0, 0, 20), (0, 0, 15), (1, 26.33, 45), (0, 0, 29), (0, 0, 42),
     (0, 0, 14), (2, 28.78, 43), (0, 0, 33), (1, 8.77, 25), (0, 0, 49), (0, 0, 20), (0, 0, 25), (0, 0, 37), (0, 0, 12), (0, 0, 28)]


def bgnbd_ll(r, alpha, a, b, rows):
    # Fader, Hardie & Lee (2005) eq. (6)
    total = 0.0
    for x, tx, t in rows:
        a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
        a3 = -(r + x) * np.log(alpha + t)
        v = np.exp(a3)
        if x > 0:
            a4 = np.log(a) - np.log(b + x - 1) - (r + x) * np.log(alpha + tx)
            v = np.exp(a3) + np.exp(a4)
        total += a1 + a2 + np.log(v)
    return total


def limit_c():
    opt = dict(xatol=1e-12, fatol=1e-14, maxiter=20000, maxfev=40000)
    f = minimize(lambda u: -nbd_ll(np.exp(u[0]), np.exp(u[1]), C), [0.0, 3.0], method="Nelder-Mead", options=opt)
    print("C: NBD fit r", repr(np.exp(f.x[0])), "alpha", repr(np.exp(f.x[1])), "ln L", repr(-f.fun))
    # a and b at most e^14 = 1.2e6: beyond, gammaln of a + b (1.6e7 there) loses more than 1e-9 per term and
    # the sum drifts upward by rounding alone (unbounded, Nelder-Mead reached a = 3e12 with ln L 2 nats too high)
    best = None
    for a0, b0 in ((1.0, 1.0), (0.1, 10.0), (1.0, 100.0), (10.0, 80.0), (1e-3, 1.0)):
        g = minimize(lambda u: -bgnbd_ll(*np.exp(u), C), np.log([1.0, 30.0, a0, b0]), method="L-BFGS-B",
                     bounds=[(-10, 10), (-10, 12), (-30, 14), (-30, 14)], options=dict(ftol=1e-15, gtol=1e-10, maxiter=20000))
        if best is None or g.fun < best.fun:
            best = g
    print("C: BG/NBD, best of five L-BFGS-B starts: (r, alpha, a, b)", np.exp(best.x), "a/(a+b)",
          np.exp(best.x[2]) / (np.exp(best.x[2]) + np.exp(best.x[3])), "ln L", repr(-best.fun))


D = [(0, 0, 41), (0, 0, 37), (0, 0, 10), (1, 15.17, 47), (0, 0, 40), (1, 2.69, 12), (1, 11.82, 38), (0, 0, 13)]


def first_repeat_ll(r, alpha, pi, rows):
    # BG/NBD's likelihood when nobody made a second repeat purchase (a function of pi = a/(a+b) alone):
    # x = 0: (alpha/(alpha+T))^r; x = 1: r alpha^r [(1 - pi) (alpha+T)^-(r+1) + pi (alpha+t_x)^-(r+1)]
    total = 0.0
    for x, tx, t in rows:
        if x == 0:
            total += r * (np.log(alpha) - np.log(alpha + t))
        else:
            lv = np.logaddexp(np.log1p(-pi) - (r + 1) * np.log(alpha + t) if pi < 1 else -np.inf, np.log(pi) - (r + 1) * np.log(alpha + tx))
            total += np.log(r) + r * np.log(alpha) + lv
    return total


def limit_d():
    best = None
    for p0 in (0.2, 0.5, 0.9):
        g = minimize(lambda v: -first_repeat_ll(np.exp(v[0]), np.exp(v[1]), v[2], D), [0.0, 2.0, p0], method="L-BFGS-B",
                     bounds=[(-10, 10), (-10, 12), (1e-9, 1.0)], options=dict(ftol=1e-15, gtol=1e-10, maxiter=20000))
        if best is None or g.fun < best.fun:
            best = g
    print("D: nobody at a second repeat purchase, L-BFGS-B over (r, alpha, pi in [1e-9, 1]): r", repr(np.exp(best.x[0])), "alpha",
          repr(np.exp(best.x[1])), "pi", best.x[2], "ln L", repr(-best.fun))


E = [(2, 0.7142, 44.6870), (1, 0.0449, 15.0641), (1, 0.0025, 50.3269), (1, 0.5367, 22.1762), (1, 0.1431, 11.1361), (1, 0.0185, 19.1177),
     (1, 0.1340, 34.5506), (1, 0.0854, 31.4836), (3, 0.6749, 31.3760), (1, 0.1816, 39.8424), (2, 0.1506, 37.6651), (1, 0.5921, 11.8939),
     (1, 0.0484, 18.4023), (3, 0.7404, 17.9039), (1, 0.0540, 49.0720), (1, 0.4703, 48.5862), (1, 0.4258, 21.0520), (1, 0.9476, 33.8425),
     (1, 0.0354, 14.5204), (1, 0.2305, 19.1161), (1, 0.0015, 47.3381), (1, 0.0774, 25.7876), (1, 0.1277, 44.1679)]


def corner_e():
    # the modified BG/NBD's corner of both ridges: Poisson purchases at rate lambda, drop-out with one probability p
    # at time 0 and after each purchase: L = lambda^x [(1-p)^(x+1) e^(-lambda T) + p (1-p)^x e^(-lambda t_x)]
    def ll(lam, p):
        return sum(x * np.log(lam) + x * np.log1p(-p) + np.logaddexp(np.log1p(-p) - lam * t, np.log(p) - lam * tx) for x, tx, t in E)
    best = None
    for p0 in (0.1, 0.5, 0.9):
        g = minimize(lambda v: -ll(np.exp(v[0]), 1 / (1 + np.exp(-v[1]))), [0.0, np.log(p0 / (1 - p0))], method="Nelder-Mead",
                     options=dict(xatol=1e-12, fatol=1e-14, maxiter=20000, maxfev=40000))
        if best is None or g.fun < best.fun:
            best = g
    print("E: the corner (Poisson purchases, one drop-out probability): lambda", repr(np.exp(best.x[0])), "p",
          repr(1 / (1 + np.exp(-best.x[1]))), "ln L", repr(-best.fun))


F = [(0, 0, T) for T in (13.75, 30.15, 42.6, 27.86, 50.7, 43.1, 24.47, 18.6, 25.08, 19.8, 31.35, 48.79, 16.01, 50.23, 29.15, 35.8, 13.47,
                         21.02, 21.33, 12.12, 34.61, 26.53, 23.7, 15.75, 43.09, 18.29, 42.38, 12.75, 20.88, 29.97)] + [(1, 6.1, 19.48)]


def corner_f():
    # Pareto/NBD's corner of both ridges: L = lambda^x [lambda e^(-(lambda+mu) T) + mu e^(-(lambda+mu) t_x)] / (lambda+mu)
    def ll(lam, mu):
        return sum(x * np.log(lam) + np.logaddexp(np.log(lam) - (lam + mu) * t, np.log(mu) - (lam + mu) * tx) - np.log(lam + mu)
                   for x, tx, t in F)
    best = None
    for l0 in (0.01, 0.1, 1):
        for m0 in (0.01, 0.1, 1, 10):
            g = minimize(lambda v: -ll(np.exp(v[0]), np.exp(v[1])), [np.log(l0), np.log(m0)], method="Nelder-Mead",
                         options=dict(xatol=1e-12, fatol=1e-14, maxiter=20000, maxfev=40000))
            if best is None or g.fun < best.fun:
                best = g
    print("F: the corner (Poisson purchases, exponential lifetimes): lambda", repr(np.exp(best.x[0])), "mu", repr(np.exp(best.x[1])),
          "ln L", repr(-best.fun))


G = [(0, 0, T) for T in (47.2, 39.65, 41.9, 41.11, 35.38, 16.21, 21.37, 14.01, 17.08, 34.05)] + [
    (1, 28.66, 43.84), (2, 19.04, 30.33), (1, 25.68, 35.73), (1, 18.82, 23.52), (1, 24.86, 26.21), (1, 11.67, 13.55), (1, 1.45, 15.32),
    (1, 14.51, 36.3), (1, 30.2, 41.62), (1, 5.51, 28.88), (1, 18.07, 37.9)]


H = [(0, 0, 43.2064), (5, 44.2817, 48.1487), (1, 9.6557, 28.5197), (0, 0, 13.8701), (2, 11.0857, 25.4526), (0, 0, 13.0142),
     (3, 30.5222, 31.5008), (2, 29.5216, 33.6629), (0, 0, 15.6152), (0, 0, 45.192), (0, 0, 46.4598), (0, 0, 44.1323), (0, 0, 19.2724)]
# Data I, 7 customers of whom one made repeat purchases: the homogeneous fits used to converge at p (mu) of 1e-11 to
# 4e-10 and return it as an estimate; their likelihoods, maximised with the drop-out parameter bounded below by 0, end
# there with the NBD's ln L, and the scores at the NBD's maximum are negative (as for data B).
I = [(0, 0, 35.94), (3, 38.18, 49.24), (0, 0, 44.65), (0, 0, 40.44), (0, 0, 36.47), (0, 0, 18.33), (0, 0, 18.40)]


def zero_inflated_poisson(name, data):
    # the zero-inflated Poisson: a share pi never buys, the rest buy at one Poisson rate lambda
    def ll(lam, pi):
        return sum(np.log((1 - pi) * lam ** x * np.exp(-lam * t) + (pi if x == 0 else 0.0)) for x, tx, t in data)
    best = None
    for l0 in (0.01, 0.1):
        for p0 in (0.01, 0.1, 0.5):
            g = minimize(lambda v: -ll(np.exp(v[0]), 1 / (1 + np.exp(-v[1]))), [np.log(l0), np.log(p0 / (1 - p0))], method="Nelder-Mead",
                         options=dict(xatol=1e-12, fatol=1e-14, maxiter=20000, maxfev=40000))
            if best is None or g.fun < best.fun:
                best = g
    print(name + ": the zero-inflated Poisson: lambda", repr(np.exp(best.x[0])), "pi", repr(1 / (1 + np.exp(-best.x[1]))), "ln L",
          repr(-best.fun))


poisson_a()
limit_at_zero("B", B, [0.0, 0.0])
limit_c()
limit_d()
corner_e()
corner_f()
zero_inflated_poisson("G", G)
zero_inflated_poisson("H", H)
limit_at_zero("I", I, [0.0, 2.0])

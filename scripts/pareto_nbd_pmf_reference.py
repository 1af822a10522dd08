#!/usr/bin/env python3
# crm-metrics: independent references for P(X(t) = n) of the Pareto/NBD (crm/models/pareto_nbd.hpp,
# pareto_nbd::probability_of_purchases) and of the homogeneous Pareto/NBD (crm/models/homogeneous.hpp,
# homogeneous_pareto_nbd::probability_of_purchases); tests/pareto_nbd_test.cpp and
# tests/models_homogeneous_test.cpp quote the values printed here. Run:
#   python3 scripts/pareto_nbd_pmf_reference.py [grid|closed|large_s|large_n|cancel|underflow|coefficient|homogeneous|all]   (Debian python3-mpmath; 60 digits)
# Pareto/NBD (lambda ~ Gamma(r, alpha), mu ~ Gamma(s, beta)), a new customer:
#   P(X(t) = n) = NB(n; t) (1 + t/beta)^-s + int_0^t s/beta (1 + tau/beta)^-(s+1) NB(n; tau) dtau,
#   NB(n; tau) = G(r+n)/(G(r) n!) (alpha/(alpha+tau))^r (tau/(alpha+tau))^n
#   (alive at t with n purchases, or dead at tau in (0, t] after n purchases in (0, tau]; the death
#   density E[mu e^(-mu tau)] = s/beta (1 + tau/beta)^-(s+1)). The integral by mpmath.quad twice:
#   "ts" tanh-sinh on the 55 subintervals cut at t k/40 (k = 1..40) and t 10^-k (k = 1..15), and "gl"
#   Gauss-Legendre on the cuts t k/25 and t 3^-k (k = 1..29); the largest relative difference of the
#   two over the grid is printed (the value given is "ts"). Spot checks against Fader & Hardie's (2006)
#   closed form with mpmath.hyp2f1 at 120 digits (the braces cancel) are printed by `closed`.
# Homogeneous Pareto/NBD (death rate mu for everyone), a new customer (`homogeneous`):
#   P(X(t) = n) = e^(-mu t) NB(n; t) + int_0^t mu e^(-mu tau) NB(n; tau) dtau ("tau": the tanh-sinh quad
#   of "grid"), and independently over the purchase rate instead of the death time ("lambda"):
#   int_0^inf Gamma(lambda; r, rate alpha) [e^(-(lambda+mu) t) (lambda t)^n/n! + mu lambda^n/(lambda+mu)^(n+1)
#   P(n+1, (lambda+mu) t)] dlambda (given lambda: alive at t with n Poisson purchases, or dead at tau with
#   n purchases before it, int_0^t mu e^(-mu tau) e^(-lambda tau) (lambda tau)^n/n! dtau in closed form with
#   the regularized lower incomplete gamma P = mpmath.gammainc(n+1, 0, x, regularized=True)), by
#   tanh-sinh on cuts at (alpha/r) 10^k, k = -12..6; their relative difference is printed.
import sys

from mpmath import mp, mpf, quad, log, exp, loggamma, log1p, hyp2f1, beta as B, gamma, factorial, gammainc, inf

mp.dps = 60


def nb(n, r, al, tau):
    lt = n * log(tau / (al + tau)) if n else 0
    return exp(loggamma(r + n) - loggamma(r) - loggamma(n + 1) + r * log(al / (al + tau)) + lt)


def cuts(t, method, mode=None):
    if mode is not None:  # also cut at mode 2^(k/4), k = -200..200, inside (0, t)
        extra = [mode * mpf(2) ** (mpf(k) / 4) for k in range(-200, 201)]
        return sorted(set(cuts(t, method) + [x for x in extra if 0 < x < t]))
    if method == "ts":
        return sorted(set([mpf(0)] + [t * k / 40 for k in range(1, 41)] + [t / mpf(10) ** k for k in range(1, 16)]))
    return sorted(set([mpf(0)] + [t * k / 25 for k in range(1, 26)] + [t / mpf(3) ** k for k in range(1, 30)]))


def death_quad(f, t, method, mode=None):
    return quad(f, cuts(t, method, mode), method="tanh-sinh" if method == "ts" else "gauss-legendre")


def pareto_mode(r, al, s, be, n, t):
    """The mode in tau of the death integrand tau^n (1 + tau/be)^-(s+1) (al + tau)^-(r+n), by bisection in log tau."""
    d = lambda u: (n + 1) - (s + 1) * exp(u) / (be + exp(u)) - (r + n) * exp(u) / (al + exp(u))
    lo, hi = log(t) - 200, log(t)
    if d(hi) > 0:
        return t
    for _ in range(300):
        mid = (lo + hi) / 2
        if d(mid) > 0:
            lo = mid
        else:
            hi = mid
    return exp((lo + hi) / 2)


def pareto_pmf(r, al, s, be, n, t, method, at_mode=False):
    first = nb(n, r, al, t) * exp(-s * log1p(t / be))
    mode = pareto_mode(r, al, s, be, n, t) if at_mode else None
    return first + death_quad(lambda tau: s / be * exp(-(s + 1) * log1p(tau / be)) * nb(n, r, al, tau), t, method, mode)


def homogeneous_pmf(r, al, mu, n, t, method):
    return exp(-mu * t) * nb(n, r, al, t) + death_quad(lambda tau: mu * exp(-mu * tau) * nb(n, r, al, tau), t, method)


def pareto_closed(r, al, s, be, n, t):
    """Fader & Hardie (2006), the closed form the library sums."""
    first = nb(n, r, al, t) * (be / (be + t)) ** s
    if al >= be:
        b1 = hyp2f1(r + s, s + 1, r + s + n + 1, (al - be) / al) / al ** (r + s)
        b2 = lambda j: hyp2f1(r + s + j, s + 1, r + s + n + 1, (al - be) / (al + t)) / (al + t) ** (r + s + j)
    else:
        b1 = hyp2f1(r + s, r + n, r + s + n + 1, (be - al) / be) / be ** (r + s)
        b2 = lambda j: hyp2f1(r + s + j, r + n, r + s + n + 1, (be - al) / (be + t)) / (be + t) ** (r + s + j)
    braces = b1 - sum(gamma(r + s + j) / (gamma(r + s) * factorial(j)) * t ** j * b2(j) for j in range(n + 1))
    return first + al ** r * be ** s * B(r + n, s + 1) / B(r, s) * braces


def grid():
    # s in {1, 1e3, 1e5, 1e7}, beta = s/mu, mu in {0.01, 0.1}, r in {0.5, 3}, alpha in {1, 10},
    # t in {1, 39, 1000}, n in {0, 1, 5, 50}; columns: s mu r alpha t n P (17 digits), then |ts - gl|/P
    worst = mpf(0)
    print("# s mu r alpha t n P(X(t)=n) rel(ts-gl)")
    for s in ("1", "1e3", "1e5", "1e7"):
        for mu in ("0.01", "0.1"):
            for r in ("0.5", "3"):
                for al in ("1", "10"):
                    for t in ("1", "39", "1000"):
                        for n in (0, 1, 5, 50):
                            S, M, R, A, Tt = mpf(s), mpf(mu), mpf(r), mpf(al), mpf(t)
                            a = pareto_pmf(R, A, S, S / M, n, Tt, "ts")
                            b = pareto_pmf(R, A, S, S / M, n, Tt, "gl")
                            d = abs(a - b) / a
                            worst = max(worst, d)
                            print(s, mu, r, al, t, n, mp.nstr(a, 20, min_fixed=-1, max_fixed=0), mp.nstr(d, 3), flush=True)
    print("# largest relative difference ts - gl:", mp.nstr(worst, 3))


def closed():
    # spot checks of the quadrature against the closed form (120 digits for the closed form's cancellation)
    for (s, mu, r, al, t, n) in (("1", "0.01", "0.5", "1", "39", 5), ("1e3", "0.1", "3", "10", "1000", 50), ("1e5", "0.1", "0.5", "10", "1", 0),
                                 ("1e5", "0.01", "0.5", "1", "39", 5)):
        S, M, R, A, Tt = mpf(s), mpf(mu), mpf(r), mpf(al), mpf(t)
        a = pareto_pmf(R, A, S, S / M, n, Tt, "ts")
        mp.dps = 120
        c = pareto_closed(R, A, S, S / M, n, Tt)
        mp.dps = 60
        print(f"closed s={s} mu={mu} r={r} alpha={al} t={t} n={n}: quad {mp.nstr(a, 20)} closed {mp.nstr(c, 20)} rel {mp.nstr((c - a) / a, 3)}")


def homogeneous_lambda(r, al, mu, n, t):
    def f(lam):
        dens = exp(r * log(al) + (r - 1) * log(lam) - al * lam - loggamma(r))
        alive = exp(-(lam + mu) * t + n * log(lam * t) - loggamma(n + 1)) if n else exp(-(lam + mu) * t)
        dead = mu * exp(n * log(lam) - (n + 1) * log(lam + mu)) * gammainc(n + 1, 0, (lam + mu) * t, regularized=True)
        return dens * (alive + dead)
    scale = al / r
    return quad(f, [mpf(0)] + [scale * mpf(10) ** k for k in range(-12, 7)] + [inf])


# (r, alpha, mu, t, n): tests/models_homogeneous_test.cpp, "P(X(t) = n) of the homogeneous Pareto/NBD matches mpmath"
HOMOGENEOUS_POINTS = [("0.55", "10.58", "0.02", "39", n) for n in (0, 1, 2, 5, 10, 50)] + [
    ("0.7", "5", "0.05", "20", 0), ("0.7", "5", "0.05", "20", 7),
    ("3", "1", "2", "1000", 0), ("3", "1", "2", "1000", 5),
    ("0.2", "1e-3", "1e-4", "0.5", 3), ("0.5", "1e4", "0.1", "1e6", 1),
    ("10", "0.1", "0.001", "52", 600),
]


def homogeneous():
    for (r, al, mu, t, n) in HOMOGENEOUS_POINTS:
        R, A, M, Tt = mpf(r), mpf(al), mpf(mu), mpf(t)
        a = homogeneous_pmf(R, A, M, n, Tt, "ts")
        b = homogeneous_lambda(R, A, M, n, Tt)
        print(f"r={r} alpha={al} mu={mu} t={t} n={n}: {mp.nstr(a, 20)} (tau - lambda)/tau {mp.nstr((a - b) / a, 3)}", flush=True)


# log(G(r+n) / (G(r) n!)) at large n (`coefficient`; detail::log_nb_coefficient): mpmath.loggamma.
def nb_coefficients():
    for (r, n) in (("0.55", 10 ** 6), ("3.5", 10 ** 5), ("0.55", 100), ("12", 5000)):
        R = mpf(r)
        print(f"r={r} n={n}: {mp.nstr(loggamma(R + n) - loggamma(R) - loggamma(n + 1), 20)}")


# Where the closed form's prefactor alpha^r beta^s / alpha^(r+s) B(r+n, s+1)/B(r, s) is below the smallest
# double (`underflow`): s = 170, beta = 0.63, r = 7, alpha = 38, t = 1.2, n = 10, 14, 22. The death integral
# cut at mode 2^(k/8), k = -400..400, by tanh-sinh and Gauss-Legendre with maxdegree 10 (the cuts of
# `cancel` leave 1e-11 between the two at n = 22); their relative difference is printed.
def underflow_points():
    S, BE, R, A, Tt = mpf(170), mpf("0.63"), mpf(7), mpf(38), mpf("1.2")
    for n in (10, 14, 22):
        f = lambda tau: S / BE * exp(-(S + 1) * log1p(tau / BE)) * nb(n, R, A, tau)
        m = pareto_mode(R, A, S, BE, n, Tt)
        pts = sorted(set([mpf(0), Tt] + [x for x in (m * mpf(2) ** (mpf(k) / 8) for k in range(-400, 401)) if 0 < x < Tt]))
        first = nb(n, R, A, Tt) * exp(-S * log1p(Tt / BE))
        a = first + quad(f, pts, method="tanh-sinh", maxdegree=10)
        b = first + quad(f, pts, method="gauss-legendre", maxdegree=10)
        print(f"s=170 beta=0.63 r=7 alpha=38 t=1.2 n={n}: {mp.nstr(a, 20)} (ts - gl)/ts {mp.nstr((a - b) / a, 3)}", flush=True)


# Points where the closed form's braces cancel (`cancel`): (s, beta, r, alpha, t, n); the quadrature
# also cut about the integrand's mode (mode 2^(k/4), k = -200..200, the mode by bisection on the
# derivative of its log in log tau): "ts" and "gl" then agree where the plain cuts of "grid" leave
# peaked integrands (tiny s/beta-weighted probabilities) to 1e-2.
CANCEL_POINTS = [
    ("0.0154", "0.0273", "0.626", "447", "6.25", 3),
    ("0.02914", "87850", "5.111", "0.09214", "34.66", 2),
    ("0.606", "5", "0.553", "10.578", "78", 94),
]


def cancel_points():
    for (s, be, r, al, t, n) in CANCEL_POINTS:
        S, BE, R, A, Tt = mpf(s), mpf(be), mpf(r), mpf(al), mpf(t)
        a = pareto_pmf(R, A, S, BE, n, Tt, "ts", True)
        b = pareto_pmf(R, A, S, BE, n, Tt, "gl", True)
        print(f"s={s} beta={be} r={r} alpha={al} t={t} n={n}: {mp.nstr(a, 20)} (ts - gl)/ts {mp.nstr((a - b) / a, 3)}", flush=True)


# Points where the closed form is summed at large s (tests/pareto_nbd_test.cpp, "the closed form at large s"):
# (s, beta, r, alpha, t, n); printed with both quads' relative difference.
CLOSED_FORM_POINTS = [
    ("1e7", "1e7", "0.5", "1e7", "1", 5),
    ("1e7", "1e6", "0.5", "1e3", "39", 0),
    ("1e6", "1e8", "0.5", "1e5", "1", 0),
    ("1e6", "1e7", "0.5", "1e7", "39", 5),
    ("1e5", "1e5", "0.5", "1e5", "1", 5),
    ("1e4", "1e4", "0.5", "10", "39", 0),
    ("1e3", "1e3", "0.5", "1e3", "1", 5),
]


def closed_form_points():
    for (s, be, r, al, t, n) in CLOSED_FORM_POINTS:
        S, BE, R, A, Tt = mpf(s), mpf(be), mpf(r), mpf(al), mpf(t)
        a = pareto_pmf(R, A, S, BE, n, Tt, "ts")
        b = pareto_pmf(R, A, S, BE, n, Tt, "gl")
        print(f"s={s} beta={be} r={r} alpha={al} t={t} n={n}: {mp.nstr(a, 20)} (ts - gl)/ts {mp.nstr((a - b) / a, 3)}", flush=True)


# Points with n of 10^5 and 10^6 (`large_n`; tests/pareto_nbd_test.cpp, "P(X(t) = n) at n of 10^5 and
# 10^6"): (s, beta, r, alpha, t, n), the death integral cut about its mode as in `cancel`, by tanh-sinh
# and Gauss-Legendre; their relative difference is printed.
LARGE_N_POINTS = [
    ("2", "100", "10", "0.1", "1e6", 10 ** 5),
    ("2", "1", "1", "0.1", "1e6", 10 ** 5),
    ("0.5", "1e4", "10", "0.1", "1e6", 10 ** 5),
    ("0.5", "1", "0.3", "0.1", "1e4", 10 ** 6),
]


def large_n_points():
    for (s, be, r, al, t, n) in LARGE_N_POINTS:
        S, BE, R, A, Tt = mpf(s), mpf(be), mpf(r), mpf(al), mpf(t)
        a = pareto_pmf(R, A, S, BE, n, Tt, "ts", True)
        b = pareto_pmf(R, A, S, BE, n, Tt, "gl", True)
        print(f"s={s} beta={be} r={r} alpha={al} t={t} n={n}: {mp.nstr(a, 20)} (ts - gl)/ts {mp.nstr((a - b) / a, 3)}", flush=True)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what in ("grid", "all"):
        grid()
    if what in ("closed", "all"):
        closed()
    if what in ("homogeneous", "all"):
        homogeneous()
    if what in ("underflow", "all"):
        underflow_points()
    if what in ("coefficient", "all"):
        nb_coefficients()
    if what in ("cancel", "all"):
        cancel_points()
    if what in ("large_s", "all"):
        closed_form_points()
    if what in ("large_n", "all"):
        large_n_points()

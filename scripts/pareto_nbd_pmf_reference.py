#!/usr/bin/env python3
# crm-metrics: independent references for P(X(t) = n) of the Pareto/NBD (crm/models/pareto_nbd.hpp,
# pareto_nbd::probability_of_purchases) and of the homogeneous Pareto/NBD (crm/models/homogeneous.hpp,
# homogeneous_pareto_nbd::probability_of_purchases); tests/pareto_nbd_test.cpp and
# tests/models_homogeneous_test.cpp quote the values printed here. Run:
#   python3 scripts/pareto_nbd_pmf_reference.py [grid|closed|all]   (Debian python3-mpmath; 60 digits)
# Pareto/NBD (lambda ~ Gamma(r, alpha), mu ~ Gamma(s, beta)), a new customer:
#   P(X(t) = n) = NB(n; t) (1 + t/beta)^-s + int_0^t s/beta (1 + tau/beta)^-(s+1) NB(n; tau) dtau,
#   NB(n; tau) = G(r+n)/(G(r) n!) (alpha/(alpha+tau))^r (tau/(alpha+tau))^n
#   (alive at t with n purchases, or dead at tau in (0, t] after n purchases in (0, tau]; the death
#   density E[mu e^(-mu tau)] = s/beta (1 + tau/beta)^-(s+1)). The integral by mpmath.quad twice:
#   "ts" tanh-sinh on the 55 subintervals cut at t k/40 (k = 1..40) and t 10^-k (k = 1..15), and "gl"
#   Gauss-Legendre on the cuts t k/25 and t 3^-k (k = 1..29); the largest relative difference of the
#   two over the grid is printed (the value given is "ts"). Spot checks against Fader & Hardie's (2006)
#   closed form with mpmath.hyp2f1 at 120 digits (the braces cancel) are printed by `closed`.
# Homogeneous Pareto/NBD (death rate mu for everyone), a new customer:
#   P(X(t) = n) = e^(-mu t) NB(n; t) + int_0^t mu e^(-mu tau) NB(n; tau) dtau, by the same two quads.
import sys

from mpmath import mp, mpf, quad, log, exp, loggamma, log1p, hyp2f1, beta as B, gamma, factorial

mp.dps = 60


def nb(n, r, al, tau):
    lt = n * log(tau / (al + tau)) if n else 0
    return exp(loggamma(r + n) - loggamma(r) - loggamma(n + 1) + r * log(al / (al + tau)) + lt)


def cuts(t, method):
    if method == "ts":
        return sorted(set([mpf(0)] + [t * k / 40 for k in range(1, 41)] + [t / mpf(10) ** k for k in range(1, 16)]))
    return sorted(set([mpf(0)] + [t * k / 25 for k in range(1, 26)] + [t / mpf(3) ** k for k in range(1, 30)]))


def death_quad(f, t, method):
    return quad(f, cuts(t, method), method="tanh-sinh" if method == "ts" else "gauss-legendre")


def pareto_pmf(r, al, s, be, n, t, method):
    first = nb(n, r, al, t) * exp(-s * log1p(t / be))
    return first + death_quad(lambda tau: s / be * exp(-(s + 1) * log1p(tau / be)) * nb(n, r, al, tau), t, method)


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


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what in ("grid", "all"):
        grid()
    if what in ("closed", "all"):
        closed()

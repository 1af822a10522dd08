#!/usr/bin/env python3
# crm-metrics: mpmath reference values for the BG/NBD expected purchases at every horizon and parameter
# (tests/bg_nbd_expectation_test.cpp). Debian's python3-mpmath; run: python3 scripts/hyp2f1_reference.py
#
# Q(a, b', r', alpha', t) = E[(1 - exp(-lambda p t)) / p], lambda ~ Gamma(r', alpha'), p ~ Beta(a, b'),
# the expected purchases in the next t of a live customer (FHL 2005, eq. 10 without P(alive)), is
# computed in two independent ways at 40 significant digits:
#   closed: C/(a-1) * (1 - (alpha'/(alpha'+t))**r' * mpmath.hyp2f1(r', b', C, t/(alpha'+t))), C = a+b'-1
#           (mpmath continues 2F1 analytically near z = 1; undefined at a = 1 and for C a non-positive integer)
#   quad:   mpmath.quad(lambda p: p**(a-1) (1-p)**(b'-1) / mpmath.beta(a, b') * h(p), splits) with
#           h(p) = -mpmath.expm1(-r' mpmath.log1p(p t/alpha')) / p, split at the Beta mode and at 1/(r' w)
# Each line prints both and their relative difference; the test holds the closed value (quad where the
# closed form is undefined), with the call named beside it. `hyp2f1_reference.py pareto` and
# `hyp2f1_reference.py pareto_pmf`: the Pareto/NBD cases at the end of this file.
import sys

import mpmath as mp

mp.mp.dps = 40


def closed(a, bp, rp, al, t):
    a, bp, rp, al, t = map(mp.mpf, (a, bp, rp, al, t))
    C = a + bp - 1
    z = t / (al + t)
    return C / (a - 1) * (1 - (al / (al + t)) ** rp * mp.hyp2f1(rp, bp, C, z, maxterms=10**7))


def quad(a, bp, rp, al, t):
    a, bp, rp, al, t = map(mp.mpf, (a, bp, rp, al, t))
    w = t / al
    lB = mp.log(mp.beta(a, bp))

    def f(p):
        if p == 0:
            return mp.mpf(0) if a > 1 else mp.inf
        h = -mp.expm1(-rp * mp.log1p(p * w)) / p
        return mp.exp((a - 1) * mp.log(p) + (bp - 1) * mp.log1p(-p) - lB) * h

    pts = sorted({mp.mpf(0), mp.mpf(1)} | {x for x in (a / (a + bp), 1 / (rp * w), 1 / w, 1 / (2 * (a + bp)),
                                                         10 / (a + bp), mp.mpf('0.5'))
                                           if 0 < x < 1})
    # geometric refinement towards 0 (the p^(a-1) end) so tanh-sinh sees each scale
    lo = pts[1]
    extra = [lo * mp.mpf(10) ** (-k) for k in range(1, 40)]
    pts = sorted(set(pts) | set(extra))
    half = mp.mpf('0.5')
    left_pts = [p for p in pts if p <= half] + ([half] if half not in pts else [])
    right_pts = [p for p in pts if p >= half]
    if a >= 1:
        left = mp.quad(f, sorted(set(left_pts)), maxdegree=10)
    else:  # p = u^(1/a), p^(a-1) dp = du / a: bounded at u = 0
        def g(u):
            p = u ** (1 / a)
            h = rp * w if p * w < mp.mpf(10) ** -30 else -mp.expm1(-rp * mp.log1p(p * w)) / p
            return mp.exp((bp - 1) * mp.log1p(-p) - lB) * h / a
        left = mp.quad(g, sorted({p ** a for p in left_pts}), maxdegree=10)
    if bp >= 1:
        right = mp.quad(f, right_pts, maxdegree=10)
    else:  # q = 1 - p = v^(1/b'), q^(b'-1) dq = dv / b': bounded at v = 0
        def k(v):
            q = v ** (1 / bp)
            p = 1 - q
            h = -mp.expm1(-rp * mp.log1p(p * w)) / p
            return mp.exp((a - 1) * mp.log(p) - lB) * h / bp
        right = mp.quad(k, sorted({(1 - p) ** bp for p in right_pts}), maxdegree=10)
    return left + right


CASES = [
    # (a, b, r, alpha, x, T, t, k)   k = 1: the modified BG/NBD
    (0.793, 2.426, 0.243, 4.414, 0, 0, 39, 0),        # CDNOW, new customer (FHL 2005 eq. 9)
    (0.793, 2.426, 0.243, 4.414, 2, 38.86, 39, 0),     # CDNOW customer 1
    (0.793, 2.426, 0.243, 4.414, 0, 38.86, 1e6, 0),    # a < 1, x = 0, long horizon
    (0.793, 2.426, 0.243, 4.414, 1500, 38.86, 1e6, 0),  # heavy buyer, t = 1e6 (did not converge before)
    (0.793, 2.426, 0.243, 4.414, 20000, 38.86, 1e5, 0),  # x = 20000, t = 1e5 (did not converge before)
    (0.793, 2.426, 0.243, 4.414, 100000, 1e7, 1e6, 0),  # x = 1e5, age 1e7
    (0.793, 2.426, 0.243, 4.414, 100000, 38.86, 1e12, 0),  # x = 1e5, a very long horizon
    (0.793, 2.426, 0.243, 4.414, 0, 1e7, 52, 0),       # age 1e7
    (0.3, 0.4, 0.243, 4.414, 0, 0, 39, 0),             # a + b < 1: C < 0 (refused before)
    (0.3, 0.4, 0.243, 4.414, 0, 0, 1e6, 0),
    (0.3, 0.4, 0.243, 4.414, 0, 38.86, 1e9, 0),
    (0.5, 0.5, 0.243, 4.414, 0, 0, 39, 0),             # a + b = 1: C = 0
    (1.0, 2.426, 0.243, 4.414, 0, 0, 39, 0),           # a = 1: pole of the closed form
    (1.0, 2.426, 0.243, 4.414, 3, 20, 1e6, 0),
    (0.999, 2.426, 0.243, 4.414, 0, 0, 1e6, 0),
    (1e-3, 1e-3, 1e-3, 1e-3, 0, 0, 52, 0),              # tiny parameters
    (1e-3, 1e-3, 1e-3, 1e-3, 5, 10, 1e6, 0),
    (0.5, 1e3, 0.2, 4.0, 0, 30, 1e6, 0),                # b >> r + x
    (1e4, 1e4, 1e4, 1e4, 10, 100, 1e6, 0),             # huge parameters
    (2.5, 3.0, 1e3, 1e-2, 50, 30, 1e6, 0),
    (0.891, 1.614, 0.525, 6.183, 0, 0, 39, 1),          # modified BG/NBD at the lifetimes estimates
    (0.891, 1.614, 0.525, 6.183, 1500, 38.86, 1e6, 1),
    (0.4, 0.3, 0.525, 6.183, 0, 0, 1e6, 1),
    (0.891, 1.614, 0.525, 6.183, 20000, 1e7, 1e7, 1),
]


def main():
    for (a, b, r, al, x, T, t, k) in CASES:
        bp, rp, alp = b + x + k, r + x, al + T
        q = quad(a, bp, rp, alp, t)
        try:
            c = closed(a, bp, rp, alp, t)
            if not mp.isfinite(c):
                raise ValueError("closed form undefined")
            diff = abs(c - q) / q
            ref, how = c, "closed"
        except (ZeroDivisionError, ValueError, mp.libmp.NoConvergence) as e:  # a = 1, C = 0, ...
            c, diff, ref, how = None, None, q, "quad"
        print(f"a={a} b'={bp} r'={rp} alpha'={alp} t={t}: {mp.nstr(ref, 20)} ({how}; quad {mp.nstr(q, 20)}"
              f"{'' if diff is None else '; rel diff ' + mp.nstr(diff, 3)})", flush=True)


if __name__ == "__main__" and len(sys.argv) == 1:
    main()


# Pareto/NBD (tests/pareto_nbd_test.cpp, "bounded work" case): P(alive) and ln L at parameters where
# the 2F1 of the closed form needs ~1/(1-z) terms. I = int_tx^T (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau:
#   closed: s/(r+s+x) A0, A0 = F(tx)/(D+tx)^(r+s+x) - F(T)/(D+T)^(r+s+x), F(t) = mpmath.hyp2f1(r+s+x, s+1,
#           r+s+x+1, (alpha-beta)/(alpha+t)) and D = alpha when alpha >= beta, else mpmath.hyp2f1(r+s+x, r+x,
#           r+s+x+1, (beta-alpha)/(beta+t)) and D = beta (Fader & Hardie 2005), divided by s
#   quad:   mpmath.quad of the integrand over [tx, T] split at geometric points
# P(alive) = 1 / (1 + s I (alpha+T)^(r+x) (beta+T)^s), with the closed I (quad agrees to 1e-11 or better);
# ln L = loggamma(r+x) - loggamma(r) + r log(alpha) + s log(beta) + log((alpha+T)^-(r+x) (beta+T)^-s + s I).
PARETO = [
    ((0.5, 1e-3, 1.0, 1e3), (0, 0.0, 38.86)),
    ((0.5, 1e-3, 1.0, 1e3), (0, 0.0, 1e7)),
    ((0.5, 1e-3, 1.0, 1e3), (3, 1.0, 38.86)),
    ((0.5, 1e3, 0.5, 1e-3), (0, 0.0, 38.86)),
    ((0.5, 1e3, 0.5, 1e-3), (10000, 1e-3, 2e-3)),
    ((0.55, 10.58, 0.606, 11.67), (2, 30.43, 38.86)),
]


def pareto_integral_closed(r, alpha, s, beta, x, tx, T):
    a = r + s + x
    if alpha >= beta:
        F = lambda t: mp.hyp2f1(a, s + 1, a + 1, (alpha - beta) / (alpha + t), maxterms=10**7)
        D = alpha
    else:
        F = lambda t: mp.hyp2f1(a, r + x, a + 1, (beta - alpha) / (beta + t), maxterms=10**7)
        D = beta
    return (F(tx) / (D + tx) ** a - F(T) / (D + T) ** a) / a


def pareto_integral_quad(r, alpha, s, beta, x, tx, T):
    f = lambda tau: (alpha + tau) ** (-(r + x)) * (beta + tau) ** (-(s + 1))
    m = min(alpha, beta)
    pts = [tx]
    p = tx + m * mp.mpf(10) ** -3
    while p < T:
        pts.append(p)
        p = tx + (p - tx) * 10
    pts.append(T)
    return mp.quad(f, pts, maxdegree=10)


def pareto_main():
    for (r, alpha, s, beta), (x, tx, T) in PARETO:
        r, alpha, s, beta, x, tx, T = map(mp.mpf, (r, alpha, s, beta, x, tx, T))
        iq = pareto_integral_quad(r, alpha, s, beta, x, tx, T)
        ic = pareto_integral_closed(r, alpha, s, beta, x, tx, T)
        # the closed form is the reference (mpmath's hyp2f1 at 40 digits); quad is the independent check
        odds = s * ic * (alpha + T) ** (r + x) * (beta + T) ** s
        ll = (mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha) + s * mp.log(beta)
              + mp.log((alpha + T) ** (-(r + x)) * (beta + T) ** (-s) + s * ic))
        print(f"pareto r={mp.nstr(r, 6)} alpha={mp.nstr(alpha, 6)} s={mp.nstr(s, 6)} beta={mp.nstr(beta, 6)} "
              f"x={mp.nstr(x, 6)} tx={mp.nstr(tx, 6)} T={mp.nstr(T, 6)}: palive {mp.nstr(1 / (1 + odds), 20)} "
              f"loglik {mp.nstr(ll, 20)} (I quad {mp.nstr(iq, 12)}, closed {mp.nstr(ic, 12)}, rel diff {mp.nstr(abs(iq - ic) / iq, 3)})",
              flush=True)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "pareto":
    pareto_main()


# Pareto/NBD P(X(t) = n) (Fader & Hardie 2006) as the NBD term of the survivors plus the integral over
# the death time tau in (0, t] (death density s beta^s (beta+tau)^-(s+1), then n purchases in (0, tau]):
#   (beta/(beta+t))^s NB(n; r, alpha/(alpha+t)) + mpmath.quad(lambda tau: s beta^s (beta+tau)^-(s+1)
#       * exp(loggamma(r+n) - loggamma(r) - loggamma(n+1)) (alpha/(alpha+tau))^r (tau/(alpha+tau))^n, [0, ..., t])
PARETO_PMF = [
    ((0.5, 1e-3, 1.0, 1e3), 3, 52.0),
    ((0.5, 1e-3, 1.0, 1e3), 0, 1e6),
    ((0.5, 1e3, 0.5, 1e-3), 3, 39.0),
    ((0.55, 10.58, 0.606, 11.67), 2, 39.0),
    ((0.55, 10.58, 0.606, 11.67), 20, 1.0),
]


def pareto_pmf_main():
    for (r, alpha, s, beta), n, t in PARETO_PMF:
        r, alpha, s, beta, t = map(mp.mpf, (r, alpha, s, beta, t))
        nb = lambda tau: mp.exp(mp.loggamma(r + n) - mp.loggamma(r) - mp.loggamma(n + 1)) * (alpha / (alpha + tau)) ** r * (tau / (alpha + tau)) ** n
        first = (beta / (beta + t)) ** s * nb(t)
        f = lambda tau: s * beta ** s * (beta + tau) ** (-(s + 1)) * nb(tau)
        pts = [mp.mpf(0)] + [x for x in (alpha / 100, alpha, beta / 100, beta, 10 * alpha, 10 * beta) if 0 < x < t] + [t]
        pts = sorted(set(pts))
        total = first + mp.quad(f, pts, maxdegree=10)
        print(f"pareto pmf r={mp.nstr(r, 6)} alpha={mp.nstr(alpha, 6)} s={mp.nstr(s, 6)} beta={mp.nstr(beta, 6)} "
              f"n={n} t={mp.nstr(t, 6)}: {mp.nstr(total, 20)}", flush=True)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "pareto_pmf":
    pareto_pmf_main()


# Pareto/NBD fit near its NBD limit (tests/pareto_nbd_test.cpp, "the fit's likelihood near z = 1"): ln L of
# one customer and its gradient in (r, alpha, s, beta), where the fit's 2F1 series would need ~1/(1-z)
# terms and the fit integrates the death term instead. ln L as in pareto_main (closed form with
# mpmath.hyp2f1, 40 digits); the gradient by mpmath.diff of that closed ln L in each parameter.
PARETO_FIT = [
    ((0.29, 0.97, 2e-6, 1.3e6), (0, 0.0, 51.0)),
    ((0.29, 0.97, 2e-6, 1.3e6), (1, 10.0, 51.0)),
    ((0.29, 0.97, 2e-6, 1.3e6), (3, 20.0, 51.0)),
    ((0.2989, 1.09, 0.0212, 934.0), (0, 0.0, 50.7)),
    ((0.2989, 1.09, 0.0212, 934.0), (2, 30.5, 50.7)),
    ((0.3, 1e4, 0.8, 1.0), (1, 5.0, 40.0)),
]


def pareto_loglik(r, alpha, s, beta, x, tx, T):
    i = pareto_integral_closed(r, alpha, s, beta, x, tx, T)
    return (mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha) + s * mp.log(beta)
            + mp.log((alpha + T) ** (-(r + x)) * (beta + T) ** (-s) + s * i))


def pareto_fit_main():
    for (r, alpha, s, beta), (x, tx, T) in PARETO_FIT:
        p = list(map(mp.mpf, (r, alpha, s, beta)))
        x, tx, T = map(mp.mpf, (x, tx, T))
        ll = pareto_loglik(*p, x, tx, T)
        grad = []
        for j in range(4):
            def f(v, j=j):
                q = list(p)
                q[j] = v
                return pareto_loglik(*q, x, tx, T)
            grad.append(mp.diff(f, p[j]))
        print(f"pareto_fit r={r} alpha={alpha} s={s} beta={beta} x={mp.nstr(x, 6)} tx={mp.nstr(tx, 6)} T={mp.nstr(T, 6)}: "
              f"loglik {mp.nstr(ll, 20)} grad {', '.join(mp.nstr(g, 17) for g in grad)}", flush=True)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "pareto_fit":
    pareto_fit_main()


# Pareto/NBD at its edges (tests/pareto_nbd_test.cpp, "large s and t_x next to T"): P(alive), ln L and
# E[Y(t) | x, t_x, T] at t = 52, where the double-precision closed form cancels (s up to 1e8, whose
# terms s log(beta+T) reach 1e9) or the death window (t_x, T] is 1e-9 ... 1e-15 of T wide. The death
# integral I = int_tx^T (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau by mpmath.quad at 40 digits, split
# from t_x at geometric steps starting at a sixteenth of the integrand's decay length
# 1 / ((r+x)/(alpha+t_x) + (s+1)/(beta+t_x)); t_x is the double T (1 - eps) (printed with repr, exact in
# mpmath), so T - t_x is exact. Each line also gives I by a second quad (an eighth of the length, steps
# of 2) and, for s < 1e4, by the closed form (mpmath.hyp2f1), with the largest relative difference.
# Printed: P(alive), ln L, E[Y] (0.0 where below 1e-300, beyond the doubles' normal range) and log(odds
# dead : alive) = log(s I (alpha+T)^(r+x) (beta+T)^s).
#   E[Y] = (r+x)(beta+T)/((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive) (Fader & Hardie 2005;
#   (r+x)(beta+T)/(alpha+T) log(1 + t/(beta+T)) P(alive) at s = 1)
PARETO_EDGE_MODELS = [(0.55, 10.58, s, s / 0.05) for s in (3e5, 1e6, 1e7, 1e8)] + [
    (0.55, 10.58, 3e5, 11.67), (0.55, 10.58, 1e6, 11.67), (0.5, 1e-3, 1e6, 0.1), (0.5, 1e-3, 3e5, 1e3),
    (0.5, 1e3, 1e6, 1e-3)]
PARETO_EDGE_ROWS = [(0, 0.0, 38.86), (2, 30.43, 38.86), (1, 5000.0, 1e4), (10000, 9000.0, 1e4), (1, 0.0, 1e-3),
                    (2, 38.86 * (1 - 1e-9), 38.86), (1, 1e4 * (1 - 1e-12), 1e4)]
PARETO_EDGE_NEAR = [((0.5, 10.0, 1.0, 0.01), T, x) for T in (0.01, 38.86) for x in (1, 10000)] + [
    ((0.5, 0.01, 1.0, 10.0), T, x) for T in (0.01, 38.86) for x in (1, 10000)] + [
    ((0.5, 1000.0, 1.0, 1.0), 0.01, 1), ((0.5, 1.0, 1.0, 1000.0), 0.01, 1), ((0.55, 10.58, 0.606, 11.67), 38.86, 2),
    ((0.55, 10.58, 1e6, 2e7), 38.86, 2)]
PARETO_EDGE_EPS = (1e-9, 1e-12, 1e-15)


def pareto_from_integral(r, alpha, s, beta, x, T, I):
    """From the death integral I = int_tx^T (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau: the odds of
    death, P(alive), ln L and E[Y(52) | x, t_x, T] of a Pareto/NBD customer."""
    odds = s * I * (alpha + T) ** (r + x) * (beta + T) ** s
    pa = 1 / (1 + odds)
    ll = (mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha) + s * mp.log(beta)
          + mp.log((alpha + T) ** (-(r + x)) * (beta + T) ** (-s) + s * I))
    t = mp.mpf(52)
    L = mp.log1p(t / (beta + T))
    growth = L if s == 1 else -mp.expm1(-(s - 1) * L) / (s - 1)
    ey = (r + x) * (beta + T) / (alpha + T) * growth * pa
    return odds, pa, ll, ey


def pareto_edge_quad(r, alpha, s, beta, x, tx, T, first, step, w=None):
    """The integral of (alpha+tau)^-(r+x) (beta+tau)^-(s+1) (times w(tau) when given) from tx to T,
    split a `first` fraction of the decay length past tx, then in steps growing `step` times."""
    logf = lambda tau: -(r + x) * mp.log(alpha + tau) - (s + 1) * mp.log(beta + tau)
    scale = 1 / ((r + x) / (alpha + tx) + (s + 1) / (beta + tx))
    pts, h = [tx], scale * first
    while tx + h < T:
        pts.append(tx + h)
        h *= step
    pts.append(T)
    f0 = logf(tx)
    if w is None:
        return mp.quad(lambda tau: mp.exp(logf(tau) - f0), pts, maxdegree=12) * mp.exp(f0)
    return mp.quad(lambda tau: w(tau) * mp.exp(logf(tau) - f0), pts, maxdegree=12) * mp.exp(f0)


def double_text(v):
    """v with 20 digits, or 0.0 below the doubles' normal range (what a double holds there)."""
    return "0.0" if v < mp.mpf("1e-300") else mp.nstr(v, 20)


def pareto_edges_main():
    cases = [(m, row) for m in PARETO_EDGE_MODELS for row in PARETO_EDGE_ROWS]
    cases += [(m, (x, T * (1 - e), T)) for (m, T, x) in PARETO_EDGE_NEAR for e in PARETO_EDGE_EPS]
    for (r, alpha, s, beta), (x, tx, T) in cases:
        txs = repr(float(tx))
        r, alpha, s, beta, x, tx, T = map(mp.mpf, (r, alpha, s, beta, x, float(tx), T))
        i1 = pareto_edge_quad(r, alpha, s, beta, x, tx, T, mp.mpf(1) / 16, 4)
        i2 = pareto_edge_quad(r, alpha, s, beta, x, tx, T, mp.mpf(1) / 8, 2)
        diff = abs(i1 - i2) / i1
        if s < 1e4:
            diff = max(diff, abs(pareto_integral_closed(r, alpha, s, beta, x, tx, T) - i1) / i1)
        odds, pa, ll, ey = pareto_from_integral(r, alpha, s, beta, x, T, i1)
        print(f"    {{{mp.nstr(r, 6)}, {mp.nstr(alpha, 6)}, {mp.nstr(s, 6)}, {mp.nstr(beta, 6)}, {mp.nstr(x, 6)}, {txs}, "
              f"{mp.nstr(T, 6)}, {double_text(pa)}, {mp.nstr(ll, 20)}, {double_text(ey)}, {mp.nstr(mp.log(odds), 20)}}},  "
              f"// I rel diff {mp.nstr(diff, 2)}", flush=True)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "pareto_edges":
    pareto_edges_main()


# Pareto/NBD fit's likelihood at large s and t_x next to T (tests/pareto_nbd_test.cpp, "the fit's
# likelihood at large s and t_x next to T"): ln L of one customer and its gradient in (r, alpha, s, beta)
# as the fit evaluates them (detail::pareto_nbd_nll), where the closed form's terms s log(beta+T) reach
# 1e8 and the death window (t_x, T] is 1e-6 ... 1e-12 of T wide. The death integral I and the four
# integrals of its derivatives, dI/dr = -int log(alpha+tau) f, dI/dalpha = -(r+x) int f/(alpha+tau),
# dI/ds = -int log(beta+tau) f, dI/dbeta = -(s+1) int f/(beta+tau) (f the integrand of I), by mpmath.quad
# at 40 digits, split as in pareto_edge_quad (a sixteenth of the decay length, steps of 4); I also with
# the second splitting (an eighth, steps of 2), the largest relative difference printed ("I rel diff").
# With A = (alpha+T)^-(r+x) (beta+T)^-s (the alive part):
#   ln L = loggamma(r+x) - loggamma(r) + r log(alpha) + s log(beta) + log(A + s I)
#   d/dr     = digamma(r+x) - digamma(r) + log(alpha) + (-A log(alpha+T) + s dI/dr) / (A + s I)
#   d/dalpha = r/alpha + (-A (r+x)/(alpha+T) + s dI/dalpha) / (A + s I)
#   d/ds     = log(beta) + (-A log(beta+T) + I + s dI/ds) / (A + s I)
#   d/dbeta  = s/beta + (-A s/(beta+T) + s dI/dbeta) / (A + s I)
# t_x is the double T (1 - eps) (printed with repr, exact in mpmath).
PARETO_FIT_EDGE_MODELS = [(0.55, 10.58, 0.606, 11.67), (0.55, 10.58, 0.606, 5.0), (0.29, 0.97, 2e-6, 1.3e6),
                          (0.3, 1e4, 0.8, 1.0)] + [(0.55, 10.58, s, 20 * s) for s in (1e3, 1e4, 1e5, 1e6, 1e7)] + [
    (0.55, 10.58, 1e4, 1.0), (0.55, 10.58, 1e6, 1.0), (0.55, 10.58, 1e7, 10.0), (0.5, 1e4, 1e3, 1.0),
    (0.5, 1e4, 1e6, 10.0), (0.5, 10.0, 1.0, 0.01), (0.5, 0.01, 1.0, 10.0), (0.5, 1e-3, 1e3, 1e3)]
PARETO_FIT_EDGE_ROWS = [(x, 38.86 * (1 - e), 38.86) for x in (1, 50) for e in (1e-6, 1e-9, 1e-12)] + [
    (2, 1e4 * (1 - 1e-9), 1e4), (2, 30.43, 38.86), (0, 0.0, 38.86)]


def pareto_fit_edge_quad(r, alpha, s, beta, x, tx, T, w, first, step):
    return pareto_edge_quad(r, alpha, s, beta, x, tx, T, first, step, w)


def pareto_fit_edges_main():
    for (r, alpha, s, beta) in PARETO_FIT_EDGE_MODELS:
        for (x, tx, T) in PARETO_FIT_EDGE_ROWS:
            txs = repr(float(tx))
            r_, alpha_, s_, beta_, x_, tx_, T_ = map(mp.mpf, (r, alpha, s, beta, x, float(tx), T))
            A = mp.exp(-(r_ + x_) * mp.log(alpha_ + T_) - s_ * mp.log(beta_ + T_))
            if tx_ < T_:
                q = lambda w: pareto_fit_edge_quad(r_, alpha_, s_, beta_, x_, tx_, T_, w, mp.mpf(1) / 16, 4)
                I = q(lambda t: 1)
                Ir = -q(lambda t: mp.log(alpha_ + t))
                Ia = -(r_ + x_) * q(lambda t: 1 / (alpha_ + t))
                Is = -q(lambda t: mp.log(beta_ + t))
                Ib = -(s_ + 1) * q(lambda t: 1 / (beta_ + t))
                I2 = pareto_fit_edge_quad(r_, alpha_, s_, beta_, x_, tx_, T_, lambda t: 1, mp.mpf(1) / 8, 2)
                diff = abs(I - I2) / I
            else:
                I = Ir = Ia = Is = Ib = mp.mpf(0)
                diff = mp.mpf(0)
            tot = A + s_ * I
            ll = mp.loggamma(r_ + x_) - mp.loggamma(r_) + r_ * mp.log(alpha_) + s_ * mp.log(beta_) + mp.log(tot)
            g = [mp.digamma(r_ + x_) - mp.digamma(r_) + mp.log(alpha_) + (-A * mp.log(alpha_ + T_) + s_ * Ir) / tot,
                 r_ / alpha_ + (-A * (r_ + x_) / (alpha_ + T_) + s_ * Ia) / tot,
                 mp.log(beta_) + (-A * mp.log(beta_ + T_) + I + s_ * Is) / tot,
                 s_ / beta_ + (-A * s_ / (beta_ + T_) + s_ * Ib) / tot]
            print(f"    {{{r!r}, {alpha!r}, {s!r}, {beta!r}, {x}, {txs}, {T!r}, {mp.nstr(ll, 20)}, "
                  f"{{{', '.join(mp.nstr(v, 17) for v in g)}}}}},  // I rel diff {mp.nstr(diff, 2)}", flush=True)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "pareto_fit_edges":
    pareto_fit_edges_main()


# Pareto/NBD predictions where z = |alpha - beta| / (max(alpha, beta) + t) is near 1 with moderate s
# (tests/pareto_nbd_test.cpp, "near z = 1 the rounding of z is counted"): P(alive), ln L and E[Y(52) | x, t_x, T] of
# one customer, where the double closed form's F(t) = 2F1(..; z) moves by z |d log F/dz| eps ~ b |alpha -
# beta| / (min(alpha, beta) + t) eps from the rounding of z alone (alpha = 1e5, beta = 1, s = 1e3:
# 1e8 eps). alpha/beta (or beta/alpha) from 1e2 to 1e7, s from 1 to 1e4, x from 0 to 5. I by the closed
# form with mpmath.hyp2f1 at 40 digits (s <= 1e4, t_x away from T: no cancellation at 40 digits), checked
# against mpmath.quad split as in pareto_edge_quad ("I rel diff"). Also printed, for the bound the
# predictions use (detail::pareto_z_rounding: z |d log F/dz| <= b z / (1 - z) = b |alpha - beta| /
# (min(alpha, beta) + t)), the ratio of the true z |d log F/dz| (mpmath.diff of log F at 40 digits) to
# that bound at t_x and at T (at most 1 where the bound holds). P(alive) and E[Y] print as 0.0 where below
# 1e-300, beyond the doubles' normal range.
PARETO_Z_MODELS = [(0.5, al, s, be) for (al, be) in ((1e2, 1.0), (1e3, 1.0), (1e4, 1.0), (1e5, 1.0), (1e6, 0.1), (1e7, 1.0),
                                                     (1.0, 1e3), (0.1, 1e5), (1.0, 1e7))
                   for s in (1.0, 30.0, 100.0, 1e3, 1e4)]
PARETO_Z_ROWS = [(0, 0.0, 38.86), (1, 30.43, 38.86), (2, 5.0, 38.86), (5, 38.0, 38.86)]


def pareto_z_ratio(r, alpha, s, beta, x, t):
    # z |d log F/dz| / (b |alpha - beta| / (min(alpha, beta) + t)) with F(t) as in pareto_integral_closed
    a = r + s + x
    b = s + 1 if alpha >= beta else r + x
    D = max(alpha, beta)
    z = abs(alpha - beta) / (D + t)
    d = mp.diff(lambda v: mp.log(mp.hyp2f1(a, b, a + 1, v, maxterms=10**7)), z)
    return z * abs(d) / (b * abs(alpha - beta) / (min(alpha, beta) + t))


def pareto_z_main():
    for (r, alpha, s, beta) in PARETO_Z_MODELS:
        for (x, tx, T) in PARETO_Z_ROWS:
            r_, alpha_, s_, beta_, x_, tx_, T_ = map(mp.mpf, (r, alpha, s, beta, x, tx, T))
            ic = pareto_integral_closed(r_, alpha_, s_, beta_, x_, tx_, T_)
            iq = pareto_edge_quad(r_, alpha_, s_, beta_, x_, tx_, T_, mp.mpf(1) / 16, 4)
            diff = abs(ic - iq) / iq
            odds, pa, ll, ey = pareto_from_integral(r_, alpha_, s_, beta_, x_, T_, ic)
            k1 = pareto_z_ratio(r_, alpha_, s_, beta_, x_, tx_)
            k2 = pareto_z_ratio(r_, alpha_, s_, beta_, x_, T_)
            print(f"    {{{r!r}, {alpha!r}, {s!r}, {beta!r}, {x}, {tx!r}, {T!r}, {double_text(pa)}, {mp.nstr(ll, 20)}, "
                  f"{double_text(ey)}}},  // I rel diff {mp.nstr(diff, 2)}, z |dlogF/dz| / bound {mp.nstr(k1, 6)}, "
                  f"{mp.nstr(k2, 6)}", flush=True)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "pareto_z":
    pareto_z_main()

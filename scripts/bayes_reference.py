#!/usr/bin/env python3
"""High-precision reference values of P(p_B > p_A) for tests/bayes_test.cpp.

Posteriors p_A ~ Beta(alpha + x_a, beta + n_a - x_a), p_B ~ Beta(alpha + x_b, beta + n_b - x_b).
Computed with mpmath (Debian python3-mpmath 1.2.1) at 60 significant digits, by two methods:

  sum  Evan Miller's finite sum over an integer posterior parameter k (k terms), started from
       mpmath.loggamma and continued by the exact ratio recurrence; when two parameters are small
       integers the script evaluates the sum over both (different terms entirely: over alpha_B, and
       1 - the sum over alpha_A) and prints their difference, which must be below 1e-25;
  quad mpmath.quad of dbeta(x; alpha_B, beta_B) * betainc(alpha_A, beta_A, 0, x, regularized=True)
       over the quantile range of B's posterior split at its mode +/- k sd (non-integer priors).

The quadrature is first checked against the sum on three integer-prior cases (agreement ~1e-51).

Usage: /usr/bin/python3 scripts/bayes_reference.py        (about 8 minutes: the 10^6-term sums)
Prints one C++ initializer per case: {{x_a, n_a}, {x_b, n_b}, alpha, beta, P} and the method.

Mode `tiny` (/usr/bin/python3 scripts/bayes_reference.py tiny, about 6 minutes): priors with a
parameter far below 1 (1e-300 to 0.1), whose posteriors put most of their mass below the smallest
double, at 40 digits. The priors are the doubles the test passes (mpf(float(...))). Each value is
computed twice, P(B > A) = J(B; A) = 1 - J(A; B), J(D; O) = int_0^1 f_D(x) I_x(O) dx: over B's
density and over A's (different integrands), and the line carries their difference (below 1e-30).
J puts the density's small parameter at 0 (else reflects: J(D; O) = 1 - J(D'; O'), D' = (b, a)),
takes [0, 1e-60] in closed form (x^(a-1) and I_x = x^oa / (oa B) to first order in x: relative
error (b x0)^2) and [1e-60, 1] by mpmath.quad in t = ln x; I_x by its positive 2F1(a + b, 1; a + 1)
series in x or in 1 - x, whichever converges sooner.
"""
import sys
import mpmath as mp

mp.mp.dps = 60


def miller(aa, ba, ab, bb):
    """P(p_b > p_a) with p_a ~ Beta(aa, ba), p_b ~ Beta(ab, bb), ab a positive integer."""
    aa, ba, bb = mp.mpf(aa), mp.mpf(ba), mp.mpf(bb)
    n = int(ab)
    t = mp.exp(mp.loggamma(ba + bb) + mp.loggamma(aa + ba) - mp.loggamma(aa + ba + bb) - mp.loggamma(ba))
    c = aa + ba + bb
    s = mp.mpf(0)
    for i in range(n):
        s += t
        t = t * (aa + i) * (bb + i) / ((c + i) * (1 + i))
    return s


def by_sum(aa, ba, ab, bb, limit=2_000_000):
    """The sum over the smallest integer parameter; a second sum as a cross-check when cheap."""
    cands = []
    for k, v in (("alpha_b", ab), ("alpha_a", aa), ("beta_a", ba), ("beta_b", bb)):
        if mp.isint(v) and v <= limit:
            cands.append((v, k))
    cands.sort()
    def one(k):
        if k == "alpha_b":
            return miller(aa, ba, ab, bb)
        if k == "alpha_a":
            return 1 - miller(ab, bb, aa, ba)
        if k == "beta_a":  # P(p_b > p_a) = P(q_a > q_b), q ~ Beta(beta, alpha)
            return miller(bb, ab, ba, aa)
        return 1 - miller(ba, aa, bb, ab)
    p = one(cands[0][1])
    check = None
    if len(cands) > 1 and cands[1][0] <= 200_000:
        check = abs(one(cands[1][1]) - p)
        assert check < mp.mpf("1e-25"), (aa, ba, ab, bb, check)
    return p, "sum over %s (%d terms)" % (cands[0][1], int(cands[0][0])), check


def by_quad(aa, ba, ab, bb):
    aa, ba, ab, bb = map(mp.mpf, (aa, ba, ab, bb))
    if ab > 1 and bb > 1:
        mode = (ab - 1) / (ab + bb - 2)
    else:
        mode = mp.mpf(0) if ab <= 1 else mp.mpf(1)
    sd = mp.sqrt(ab * bb / ((ab + bb) ** 2 * (ab + bb + 1)))
    lb = mp.betaln(ab, bb) if hasattr(mp, "betaln") else mp.log(mp.beta(ab, bb))
    def f(x):
        if x <= 0 or x >= 1:
            return mp.mpf(0)
        dens = mp.exp((ab - 1) * mp.log(x) + (bb - 1) * mp.log1p(-x) - lb)
        return dens * mp.betainc(aa, ba, 0, x, regularized=True)
    pts = [mp.mpf(0)] + [mode + k * sd for k in (-8, -4, -2, -1, 0, 1, 2, 4, 8, 16, 40)]
    pts = sorted(set(p for p in pts if 0 <= p < 1)) + [min(mp.mpf(1), mode + 200 * sd)]
    return mp.quad(f, pts), "quad", None


def post(xa, na, xb, nb, alpha, beta):
    a, b = mp.mpf(alpha), mp.mpf(beta)
    return a + xa, b + na - xa, a + xb, b + nb - xb


# (x_a, n_a, x_b, n_b, alpha, beta)
CASES = [
    # few successes among very many trials (the Poisson limit): sums of a handful of terms
    (5, 10**9, 5, 10**9, 1, 1),
    (5, 10**9, 9, 10**9, 1, 1),
    (0, 10**9, 3, 10**9, 1, 1),
    (5, 10**8, 40, 10**10, 1, 1),          # extreme imbalance, 10^8 vs 10^10 trials
    (30, 10**10, 2, 10**8, 1, 1),
    (2, 5 * 10**18, 7, 4 * 10**18, 1, 1),  # counts near the top of long long
    # exact sum up to its switch (10^5 terms) and one past it (quadrature)
    (99_998, 10**6, 100_500, 10**6, 1, 1),  # alpha_a = 99 999
    (99_999, 10**8, 10**7, 10**10, 1, 1),   # alpha_a = 10^5 = bayes_exact_max_terms
    (100_000, 10**8, 10**7 + 5_000, 10**10, 1, 1),  # 10^5 + 1: quadrature
    (150_000, 10**6, 151_000, 10**6, 1, 1),  # quadrature, moderate
    # quadrature vs normal approximation switch: smallest parameter 10^6 - 1 / 10^6
    (999_998, 10**8, 100_100_000, 10**10, 1, 1),   # alpha_a = 999 999: quadrature
    (999_999, 10**8, 100_050_000, 10**10, 1, 1),   # alpha_a = 10^6: normal approximation
    (1_000_000, 5 * 10**6, 1_002_000, 5 * 10**6, 1, 1),  # balanced, normal approximation
    # one arm of 10^11 to 10^17 successes, the other below 10^6: the narrow expansion
    (999_998, 10**7, 10**17, 10**18, 1, 1),
    (999_998, 10**7, 10**11, 10**12, 1, 1),
    (200_000, 2 * 10**6, 10**11, 10**12, 1, 1),
    (500_000, 10**9, 10**11, 2 * 10**14, 1, 1),
    # rates near 1: few failures (the sum over beta_a)
    (10**9 - 3, 10**9, 10**9 - 8, 10**9, 1, 1),
    # non-integer (Jeffreys) prior: quadrature
    (5, 10**9, 9, 10**9, 0.5, 0.5),
    (3, 40, 9, 41, 0.5, 0.5),
    (120, 2400, 150, 2400, 0.5, 0.5),
    (40, 10**8, 4100, 10**10, 0.5, 0.5),   # 10^8 vs 10^10 trials
    (0, 10**8, 0, 10**10, 0.5, 0.5),
]


def tiny_ibeta(a, b, x, y):
    """I_x(a, b), y = 1 - x given separately: x^a y^b / (a B(a, b)) 2F1(a + b, 1; a + 1; x), or
    1 - the same for (b, a, y): the series whose terms stop growing sooner and then fall faster."""
    if x <= 0:
        return mp.mpf(0)
    if y <= 0:
        return mp.mpf(1)

    def f21(p, q, z):  # 2F1(p, 1; q; z), positive terms whose ratio falls to z
        s, t, k = mp.mpf(0), mp.mpf(1), 0
        eps = mp.mpf(10) ** (-mp.mp.dps - 5)
        while True:
            s += t
            t = t * (p + k) * z / (q + k)
            k += 1
            r = (p + k) * z / (q + k)  # the tail is below t / (1 - r)
            if r < 1 and t < eps * s * (1 - r):
                return s
            assert k < 10**7

    lb = mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)
    cost_x = max(0, (a + b) * x - a) + (100 / -mp.log(x) if x < 1 else mp.inf)
    cost_y = max(0, (a + b) * y - b) + (100 / -mp.log(y) if y < 1 else mp.inf)
    if cost_x <= cost_y:
        return mp.exp(a * mp.log(x) + b * mp.log(y) - mp.log(a) - lb) * f21(a + b, a + 1, x)
    return 1 - mp.exp(b * mp.log(y) + a * mp.log(x) - mp.log(b) - lb) * f21(a + b, b + 1, y)


def tiny_J(a, b, oa, ob, x0=mp.mpf("1e-60")):
    """int_0^1 f(x; a, b) I_x(oa, ob) dx, the density's small parameter at 0 (see the module's doc)."""
    if b < a:
        return 1 - tiny_J(b, a, ob, oa, x0)
    lbeta = lambda p, q: mp.loggamma(p) + mp.loggamma(q) - mp.loggamma(p + q)
    lb, lob = lbeta(a, b), lbeta(oa, ob)
    c = -(b - 1) + oa * (1 - ob) / (oa + 1)
    s = a + oa
    low = mp.exp(s * mp.log(x0) - lb - mp.log(oa) - lob) * (1 / s + c * x0 / (s + 1))

    def g(t):
        x, y = mp.exp(t), -mp.expm1(t)
        return mp.exp(a * t + (b - 1) * mp.log(y) - lb) * tiny_ibeta(oa, ob, x, y)

    pts = set(mp.mpf(10) ** (-k) for k in range(0, 61, 6))
    for (p, q) in ((a, b), (oa, ob)):
        m, sd = p / (p + q), mp.sqrt(p * q / ((p + q) ** 2 * (p + q + 1)))
        pts.update(m + k * sd for k in (-4, -1, 0, 1, 4, 16))
    ts = [mp.log(x0)] + sorted(mp.log(p) for p in pts if x0 < p < 1) + [mp.mpf(0)]
    return low + mp.quad(g, ts)


# (x_a, n_a, x_b, n_b, alpha, beta): a prior parameter far below 1, on A's side, B's side or both
TINY_COUNTS = [(0, 100, 1, 100), (0, 100, 0, 100), (1, 1, 0, 1), (0, 10, 0, 1000), (100, 100, 99, 100),
               (3, 100, 0, 100), (0, 100, 100, 100)]
TINY_PRIORS = [(1e-300, 0.3), (1e-30, 1e-300), (1e-10, 0.3), (1e-3, 0.3), (0.01, 1), (0.1, 1e-10),
               (0.3, 1e-300), (1e-3, 1e-3)]
TINY_LARGE = [(0, 1000000, 5, 1000000, 1e-300, 0.3), (0, 1000000, 5, 1000000, 1e-10, 0.3)]  # 10^6: slow


def main_tiny():
    mp.mp.dps = 40
    cases = [c + p for p in TINY_PRIORS for c in TINY_COUNTS] + TINY_LARGE
    for xa, na, xb, nb, alpha, beta in cases:
        al, be = mp.mpf(float(alpha)), mp.mpf(float(beta))
        aa, ba, ab, bb = al + xa, be + (na - xa), al + xb, be + (nb - xb)
        p = tiny_J(ab, bb, aa, ba)        # over B's density: P(A < x)
        q = 1 - tiny_J(aa, ba, ab, bb)    # over A's density: 1 - P(B < x)
        assert abs(p - q) < mp.mpf("1e-30"), (xa, na, xb, nb, alpha, beta, p, q)
        print("    {{%d, %d}, {%d, %d}, %r, %r, %sL},  // two integrals differ by %s"
              % (xa, na, xb, nb, alpha, beta, mp.nstr(p, 21, min_fixed=-4, max_fixed=1), mp.nstr(abs(p - q), 2)))
        sys.stdout.flush()


def validate_quad():
    """The quadrature against the sum on integer-prior cases of the same shape as the quad cases."""
    for c in [(40, 10**8, 4100, 10**10, 1, 1), (0, 10**8, 0, 10**10, 1, 1), (5, 10**9, 9, 10**9, 1, 1)]:
        aa, ba, ab, bb = post(*c)
        d = by_quad(aa, ba, ab, bb)[0] - by_sum(aa, ba, ab, bb)[0]
        assert abs(d) < mp.mpf("1e-30"), (c, d)
        print("    // quad - sum for %s: %s" % (c, mp.nstr(d, 2)))  # about 1e-51


def main():
    validate_quad()
    for xa, na, xb, nb, alpha, beta in CASES:
        aa, ba, ab, bb = post(xa, na, xb, nb, alpha, beta)
        integer = all(mp.isint(v) for v in (aa,)) or any(mp.isint(v) for v in (aa, ba, ab, bb))
        if integer and min(v for v in (aa, ba, ab, bb) if mp.isint(v)) <= 2_000_000:
            p, how, check = by_sum(aa, ba, ab, bb)
        else:
            p, how, check = by_quad(aa, ba, ab, bb)
        extra = "" if check is None else ", cross-check %s" % mp.nstr(check, 2)
        print("    {{%d, %d}, {%d, %d}, %s, %s, %s},  // %s%s"
              % (xa, na, xb, nb, alpha, beta, mp.nstr(p, 20, min_fixed=-30, max_fixed=1), how, extra))
        sys.stdout.flush()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "tiny":
        main_tiny()
    else:
        main()

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
    main()

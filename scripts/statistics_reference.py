#!/usr/bin/env python3
"""Reference values for the statistics tests that are not in R's output already.

1. A/B tests at the limits of count_t (2^63 - 1 = 9223372036854775807), for tests/ab_test_test.cpp:
   mpmath (Debian python3-mpmath 1.2.1) at 50 digits, from the counts exactly:
     p = (x_a + x_b) / (n_a + n_b), z = (x_b/n_b - x_a/n_a) / sqrt(p (1 - p) (1/n_a + 1/n_b)),
     z-test p-value = erfc(|z| / sqrt(2)), chi-square = z^2 (Pearson, uncorrected),
     Wald difference interval d -/+ qnorm(0.975) sqrt(p_a q_a / n_a + p_b q_b / n_b),
     Fisher two-sided p = sum of hypergeometric P(k) <= P(observed) (1 + 1e-7), by mpmath.binomial.
2. Student's t intervals of a mean from a summary (n, mean, sd) and from raw values, for
   tests/mean_test.cpp: SciPy 1.10 (Debian python3-scipy, see scripts/scipy-env.sh)
     scipy.stats.t.interval(level, n - 1, loc=mean, scale=sd / sqrt(n))
   and the same interval from mpmath at 30 digits, with the t quantile solved from
   betainc(nu/2, 1/2, 0, nu/(nu + t^2), regularized=True) / 2 = (1 - level) / 2 (mpmath.findroot
   started at SciPy's t). SciPy's t.ppf is off by up to 2.5e-10 relative at small df (df = 1: tan(0.475 pi)
   is 12.706204736174698, which R and mpmath give), so the tests use the mpmath values; for raw
   values the mean and sd are computed exactly first.
3. Mean and sample variance of values near the limits of float, double and long double, for
   tests/mean_test.cpp: mpmath exactly (fractions of the binary values).

4. Clopper-Pearson and Jeffreys limits at huge counts (n = 10^12 .. 2^63 - 1), for
   tests/proportion_test.cpp: the Beta quantiles (qbeta(a, x, n-x+1), qbeta(1-a, x+1, n-x);
   Jeffreys qbeta(a | 1-a, x+1/2, n-x+1/2)) by mpmath at 50 + digits(n) digits, each solved by Newton
   in logit(t) on the tail mass, the mass a tanh-sinh integral of the Beta density from t outward
   (independent of the library's Cornish-Fisher form). Printed as limit - x/n to 25 digits.
5. The same limits a few successes from 0 (x = 1, 2, 3, 10) at n = 10^12, 10^17, 2^63 - 1, where
   part 4's Newton from the normal start does not converge: t with I_t(a, b) = tail, t tiny, solved
   by mpmath.findroot (Illinois) on log t over a bracket, the regularized incomplete Beta by
   mpmath.betainc(a, b, 0, t) at 60 digits (its series converges fast for t ~ 1/n). By symmetry
   (a Beta(a, b) variable is 1 - a Beta(b, a) one) the limits of n - x successes are 1 minus the
   limits of x swapped, so the tests check x = n - 1, ... against the same values. Printed as
   n * (limit - x/n): CP lower, CP upper, Jeffreys lower, Jeffreys upper.

6. Planning at low powers, for tests/planning_test.cpp: R's power.prop.test equation
     power = Phi((sqrt(n) |d| - z_a A) / B), z_a = norm.isf(alpha / 2), A = sqrt((p1 + p2)(q1 + q2) / 2),
     B = sqrt(p1 q1 + p2 q2)
   solved for n = ((z_a A + z_b B) / d)^2, z_b = norm.ppf(power), by mpmath at 40 digits, where
   z_a A + z_b B > 0; at or below the power of n = 0, Phi(-z_a A / B), no n solves it (R's uniroot
   fails too). Prints the power at n = 0 and n for powers above it; SciPy's norm.ppf beside them.
   Also the minimum detectable effect d at powers near 1 (baseline 0.05, n = 8000, alpha 0.05):
   the root of power(d) = target by 200 bisections of [0, 1 - p1] at 40 digits.

7. Jeffreys limits at low levels, where the equal-tailed posterior interval lies beside x / n,
   for tests/proportion_test.cpp: qbeta(a | 1 - a, x + 1/2, n - x + 1/2), a = (1 - level) / 2, by
   mpmath.findroot (Illinois, on t over a bracket) of betainc(x + 1/2, n - x + 1/2, 0, t,
   regularized=True) - a at 40 digits for small n, and by part 4's Newton on the integrated
   density for n = 10^7; also the tail below x / n, betainc(x + 1/2, n - x + 1/2, 0, x / n), and
   its limit for 1 of n as n grows, P(Gamma(3/2) < 1) = gammainc(3/2, 0, 1, regularized=True),
   which makes 1 - 2 P the level below which the interval of 1 of a large n excludes x / n.

8. Normal critical values at levels near 0, for tests/proportion_test.cpp: z = sqrt(2) erfinv(level)
   by mpmath at 40 digits (the doubles the tests pass), and the Wilson upper limit of 0 of n,
   z^2 / (n + z^2), which has no cancellation and so shows z's own precision.

9. Student's t critical values at levels near 0 and 1, for tests/mean_test.cpp: t with
   P(|T| < t) = level, T ~ Student's t with nu = n - 1 degrees of freedom, by mpmath.findroot
   (Illinois, on log t over a bracket) at 50 digits of the t CDF itself, the density
   gamma((nu+1)/2) / (sqrt(nu pi) gamma(nu/2)) (1 + u^2/nu)^(-(nu+1)/2) integrated by mpmath.quad:
   2 * quad(density, [0, t]) = level below level 1/2, 2 * quad(density, [t, inf]) = 1 - level from
   1/2 on (1 - level is exact for those doubles); cross-checked against the incomplete-beta form
   betainc(1/2, nu/2, 0, t^2/(nu + t^2), regularized=True) = level. Printed as t / sqrt(n), the
   upper limit of mean 0, sd 1 (mean_interval({n, 0, 1}, level)). Levels 1e-12, 1e-9, 1e-6, 0.5,
   0.9, 1 - 1e-9 (the doubles), n = 2, 10, 1000, 2^53.
10. Clopper-Pearson and Jeffreys limits at the same levels, for tests/proportion_test.cpp:
   qbeta(a, x, n-x+1), qbeta(1-a, x+1, n-x), Jeffreys qbeta(a | 1-a, x+1/2, n-x+1/2),
   a = (1 - level) / 2 with the level the double the test passes, each t with
   betainc(a_, b_, 0, t, regularized=True) = tail solved by mpmath.findroot (Illinois, on logit t
   over a bracket) at 50 digits; x of n = 3 of 10, 1 of 1000, 1 of 1, 0 of 1.
11. Wilson limits of few successes at high levels, for tests/proportion_test.cpp: the closed form
   (x + z^2/2 -/+ z sqrt(x (n - x) / n + z^2 / 4)) / (n + z^2), z = sqrt(2) erfinv(level), by
   mpmath at 60 digits from the counts and the double levels (the lower limit's subtraction is
   harmless at 60 digits).
12. Relative lift of close rates at large n, for tests/ab_test_test.cpp: the Katz log risk-ratio
   interval exp(ln(p_b / p_a) -/+ z sqrt(1/x_b - 1/n_b + 1/x_a - 1/n_a)) - 1, z = sqrt(2)
   erfinv(level), by mpmath at 60 digits from the counts exactly (cancellation is harmless there).
13. NPS intervals and comparisons at large counts, for tests/nps_statistics_test.cpp: score
   100 (P - D) / n, SE = 100 sqrt((p + d - (p - d)^2) / n) with p = P/n, d = D/n, interval
   score -/+ z SE (z = sqrt(2) erfinv(0.95) of the double 0.95), and the difference of two scores,
   by mpmath at 60 digits from the counts exactly.

Usage: PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/statistics_reference.py
(part 2 is skipped with a note if SciPy is not importable);
python3 scripts/statistics_reference.py proportion   prints part 4 only (mpmath alone, about 2 min);
python3 scripts/statistics_reference.py proportion_edges   prints part 5 only (a few seconds);
python3 scripts/statistics_reference.py planning   prints part 6 only (instant; SciPy optional);
python3 scripts/statistics_reference.py jeffreys_low   prints part 7 only (a few seconds);
python3 scripts/statistics_reference.py low_levels   prints part 8 only (instant);
python3 scripts/statistics_reference.py t_levels   prints part 9 only (a few seconds);
python3 scripts/statistics_reference.py beta_levels   prints part 10 only (a few seconds);
python3 scripts/statistics_reference.py wilson_extremes   prints part 11 only (instant);
python3 scripts/statistics_reference.py lift_extremes   prints part 12 only (instant);
python3 scripts/statistics_reference.py nps_extremes   prints part 13 only (instant).
"""
from fractions import Fraction
import mpmath as mp

mp.mp.dps = 50
MAX = 2**63 - 1


def ab(xa, na, xb, nb):
    xa, na, xb, nb = map(mp.mpf, (xa, na, xb, nb))
    p = (xa + xb) / (na + nb)
    pa, pb = xa / na, xb / nb
    z = (pb - pa) / mp.sqrt(p * (1 - p) * (1 / na + 1 / nb))
    half = mp.sqrt(2) * mp.erfinv(mp.mpf("0.95")) * mp.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    return z, mp.erfc(abs(z) / mp.sqrt(2)), z * z, pb - pa - half, pb - pa + half


def fisher(xa, na, xb, nb):
    big_k, big_n, m = xa + xb, na + nb, na
    lo, hi = max(0, m - (big_n - big_k)), min(big_k, m)
    prob = lambda k: mp.binomial(big_k, k) * mp.binomial(big_n - big_k, m - k) / mp.binomial(big_n, m)
    obs = prob(xa)
    return mp.fsum(prob(k) for k in range(lo, hi + 1) if prob(k) <= obs * (1 + mp.mpf("1e-7")))


AB_CASES = [
    (2_500_000_000_000_000_000, 5_000_000_000_000_000_000, 2_500_000_010_000_000_000, 5_000_000_000_000_000_000),
    (1, 9_000_000_000_000_000_000, 40, 9_200_000_000_000_000_000),
    (MAX - 20, MAX, MAX - 2, MAX),
    (0, MAX, 3, MAX),
    (4_000_000_000_000_000_000, MAX, 4_000_000_005_000_000_000, MAX),
]
FISHER_CASES = [(0, MAX, 3, MAX), (MAX - 2, MAX, MAX, MAX), (1, 9_000_000_000_000_000_000, 6, 9_200_000_000_000_000_000)]


def part1():
    print("// A/B at the limits of count_t: {a}, {b}, z, z p-value, chi-square, Wald lower, Wald upper")
    for xa, na, xb, nb in AB_CASES:
        vals = ", ".join(mp.nstr(v, 17) for v in ab(xa, na, xb, nb))
        print("    {{%d, %d}, {%d, %d}, %s}," % (xa, na, xb, nb, vals))
    print("// Fisher at the limits: {a}, {b}, p")
    for xa, na, xb, nb in FISHER_CASES:
        print("    {{%d, %d}, {%d, %d}, %s}," % (xa, na, xb, nb, mp.nstr(fisher(xa, na, xb, nb), 17)))


T_CASES = [  # (n, mean, sd, level); n = 2 is in tests/mean_test.cpp from R (SciPy's df = 1 quantile
    # is 4e-11 off tan(0.475 pi) = 12.706204736174698, which R and mpmath give)
    (30, 1094.0, 250.0, 0.95),
    (69659, 35.893648056963208, 36.28194235, 0.99),
    (5, -3.5, 0.001, 0.5),
]
VALUES = [1200.0, 850.0, 990.0, 1430.0, 760.0, 1105.0, 1320.0]


def t_interval_mp(n, mean, sd, level, t_start):
    nu = mp.mpf(n - 1)
    upper = (1 - mp.mpf(level)) / 2
    f = lambda t: mp.betainc(nu / 2, mp.mpf(1) / 2, 0, nu / (nu + t * t), regularized=True) / 2 - upper
    t = mp.findroot(f, mp.mpf(t_start))
    half = t * mp.mpf(sd) / mp.sqrt(n)
    return mp.mpf(mean) - half, mp.mpf(mean) + half


def part2():
    try:
        import numpy as np
        from scipy import stats
    except ImportError:
        print("// part 2 skipped: SciPy not importable (use scripts/scipy-env.sh)")
        return
    print("// t intervals: n, mean, sd, level -> lower, upper (mpmath); SciPy's lower, upper")
    for n, mean, sd, level in T_CASES:
        lo, hi = stats.t.interval(level, n - 1, loc=mean, scale=sd / np.sqrt(n))
        mlo, mhi = t_interval_mp(n, mean, sd, level, stats.t.ppf(1 - (1 - level) / 2, n - 1))
        print("    {%d, %r, %r, %r, %s, %s},  // SciPy %r, %r" % (n, mean, sd, level, mp.nstr(mlo, 17), mp.nstr(mhi, 17), lo, hi))
    v = np.array(VALUES)
    lo, hi = stats.t.interval(0.95, len(v) - 1, loc=v.mean(), scale=v.std(ddof=1) / np.sqrt(len(v)))
    fr = [mp.mpf(x) for x in VALUES]
    m = mp.fsum(fr) / len(fr)
    sd = mp.sqrt(mp.fsum((x - m) ** 2 for x in fr) / (len(fr) - 1))
    mlo, mhi = t_interval_mp(len(fr), m, sd, 0.95, stats.t.ppf(0.975, len(v) - 1))
    print("// values %s: mean %s, sd %s, 95%% interval %s, %s (SciPy %r, %r)"
          % (VALUES, mp.nstr(m, 17), mp.nstr(sd, 17), mp.nstr(mlo, 17), mp.nstr(mhi, 17), lo, hi))


def exact_stats(values):
    fr = [Fraction(v) for v in values]
    n = len(fr)
    mean = sum(fr) / n
    var = sum((x - mean) ** 2 for x in fr) / (n - 1)
    return mp.mpf(mean.numerator) / mean.denominator, mp.mpf(var.numerator) / var.denominator


def part3():
    import numpy as np
    f_max = float(np.finfo(np.float32).max)
    d_max = float.fromhex("0x1.fffffffffffffp+1023")
    cases = {
        "double {1e308, -1e308}": [1e308, -1e308],
        "double {max, max, -max}": [d_max, d_max, -d_max],
        "double {max, max/2, max/4, -max}": [d_max, d_max / 2, d_max / 4, -d_max],
        "float {max, -max}": [f_max, -f_max],
        "float {3e38, 3e38, 1e38}": [float(np.float32(3e38)), float(np.float32(3e38)), float(np.float32(1e38))],
        "double {1e-300, 3e-300, 2e-300}": [1e-300, 3e-300, 2e-300],
    }
    print("// running_stats near the limits: exact mean and sample variance of the binary values")
    for name, vals in cases.items():
        m, v = exact_stats(vals)
        print("//   %s: mean %s, variance %s, sd %s" % (name, mp.nstr(m, 17), mp.nstr(v, 17), mp.nstr(mp.sqrt(v), 17)))


def beta_tail_quantile(a, b, tail, upper):
    """t with P(X <= t) = tail (upper False) or P(X >= t) = tail (upper True), X ~ Beta(a, b), at
    the current mp.dps: Newton in logit(t), first at 25 digits, then at full precision."""
    full = mp.mp.dps
    a, b, tail = mp.mpf(a), mp.mpf(b), mp.mpf(tail)
    st = {}

    def setup():
        st["logc"] = mp.loggamma(a + b) - mp.loggamma(a) - mp.loggamma(b)
        st["cutoff"] = mp.log(tail) - (mp.mp.dps + 10) * mp.log(10)

    logf = lambda u: st["logc"] + (a - 1) * mp.log(u) + (b - 1) * mp.log1p(-u)
    f = lambda u: mp.exp(logf(u))
    sd = mp.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))

    def mass(t):  # integral from t outward in steps sd, 2 sd, 4 sd, ... to where the density is negligible
        pts, step = [t], sd
        while True:
            nxt = t + step if upper else t - step
            if upper and nxt >= 1:
                pts.append(mp.mpf(1))
                break
            if not upper and nxt <= 0:
                pts.append(mp.mpf(0))
                break
            pts.append(nxt)
            if logf(nxt) < st["cutoff"]:
                break
            step *= 2
        return mp.quad(f, sorted(pts))

    z = mp.sqrt(2) * mp.erfinv(2 * tail - 1)
    y = mp.log(a / b) + (-z if upper else z) * mp.sqrt(1 / a + 1 / b)
    mp.mp.dps = 25
    setup()
    for _ in range(200):
        t = 1 / (1 + mp.exp(-y))
        dy = -(mass(t) - tail) / (f(t) * t * (1 - t) * (-1 if upper else 1))
        y += max(-2, min(2, dy))
        if abs(dy) < mp.mpf(10) ** (-(mp.mp.dps - 12)):
            if mp.mp.dps == full:
                return 1 / (1 + mp.exp(-y))
            mp.mp.dps = full
            setup()
    raise RuntimeError("no convergence")


def proportion_limits(x, n, level, jeffreys):
    """(lower - x/n, upper - x/n) of the Clopper-Pearson or Jeffreys interval, 0 < x < n."""
    mp.mp.dps = 50 + len(str(n))
    half, s, p = (1 - mp.mpf(level)) / 2, mp.mpf(1) / 2, mp.mpf(x) / n
    lo = beta_tail_quantile(*((x + s, n - x + s) if jeffreys else (x, n - x + 1)), half, False) - p
    hi = beta_tail_quantile(*((x + s, n - x + s) if jeffreys else (x + 1, n - x)), half, True) - p
    mp.mp.dps = 50
    return lo, hi


PROPORTION_NS = [10**12, 10**14, 10**16, 10**17, 10**18, MAX]


def proportion_cases():
    cases = [(10**16 // 2, 10**16, "0.95"), (922337203685477580, MAX, "0.95")]
    for n in PROPORTION_NS:
        for x in (n // 10**6, n // 10, n // 2, n - n // 1000):
            cases.append((x, n, "0.95"))
        cases.append((n // 10, n, "0.999"))
        cases.append((n // 10, n, "0.5"))
    return cases


def part4():
    print("// Clopper-Pearson and Jeffreys at huge n: x, n, level, CP lower - x/n, CP upper - x/n, Jeffreys lower - x/n, upper - x/n")
    for x, n, level in proportion_cases():
        cp, j = proportion_limits(x, n, level, False), proportion_limits(x, n, level, True)
        print("    {%d, %d, %s, %s}," % (x, n, level, ", ".join(mp.nstr(v, 25) for v in cp + j)), flush=True)


def tiny_beta_quantile(a, b, tail, n):
    """t with I_t(a, b) = tail for a Beta(a, b) quantile near 0 (a small, b ~ n huge)."""
    f = lambda lt: mp.betainc(a, b, 0, mp.exp(lt), regularized=True) - tail
    bracket = (mp.log(mp.mpf(10) ** -6 / n), mp.log(mp.mpf(100) * (a + 10) / n))
    lt = mp.findroot(f, bracket, solver="illinois", tol=mp.mpf(10) ** -100, maxsteps=500)
    if abs(f(lt)) > mp.mpf(10) ** -45 * tail:
        raise RuntimeError("no convergence")
    return mp.exp(lt)


PROPORTION_EDGE_NS = [10**12, 10**17, MAX]
PROPORTION_EDGE_XS = [1, 2, 3, 10]


def part5():
    mp.mp.dps = 60
    half = (1 - mp.mpf("0.95")) / 2
    print("// Clopper-Pearson and Jeffreys a few successes from 0 at 95 %: x, n, then n * (limit - x/n) for CP lower,")
    print("// CP upper, Jeffreys lower, Jeffreys upper")
    for n in PROPORTION_EDGE_NS:
        for x in PROPORTION_EDGE_XS:
            s = mp.mpf(1) / 2
            lims = [tiny_beta_quantile(mp.mpf(x), mp.mpf(n - x + 1), half, n),
                    tiny_beta_quantile(mp.mpf(x + 1), mp.mpf(n - x), 1 - half, n),
                    tiny_beta_quantile(x + s, n - x + s, half, n),
                    tiny_beta_quantile(x + s, n - x + s, 1 - half, n)]
            print("    {%d, %d, %s}," % (x, n, ", ".join(mp.nstr(n * v - x, 25) + "L" for v in lims)), flush=True)
    mp.mp.dps = 50


PLANNING_CASES = [  # (baseline, effect, alpha, powers)
    (0.05, 0.01, 0.05, (0.01, 0.02, 0.03)),
    (0.5, 0.1, 0.5, (0.2, 0.3)),
]


def part6():
    mp.mp.dps = 40
    try:
        from scipy.stats import norm
    except ImportError:
        norm = None
    print("// planning at low powers: baseline, effect, alpha: power at n = 0; then power -> n (or none)")
    for p1, d, alpha, powers in PLANNING_CASES:
        p1, d, alpha = mp.mpf(p1), mp.mpf(d), mp.mpf(alpha)  # the doubles the tests pass
        p2 = p1 + d
        big_a = mp.sqrt((p1 + p2) * (2 - p1 - p2) / 2)
        big_b = mp.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
        z_a = mp.sqrt(2) * mp.erfinv(1 - alpha)
        at_zero = mp.ncdf(-z_a * big_a / big_b)
        line = "//   %s, %s, %s: power at n = 0 %s;" % (mp.nstr(p1, 17), mp.nstr(d, 17), mp.nstr(alpha, 17), mp.nstr(at_zero, 17))
        for power in powers:
            z_b = mp.sqrt(2) * mp.erfinv(2 * mp.mpf(power) - 1)
            s = z_a * big_a + z_b * big_b
            n = "none" if s <= 0 else mp.nstr((s / d) ** 2, 17)
            if norm is not None and s > 0:
                n += " (SciPy %r)" % (((norm.isf(float(alpha) / 2) * float(big_a) + norm.ppf(power) * float(big_b)) / float(d)) ** 2)
            line += " power %r -> n %s;" % (power, n)
        print(line)
    p1, n, alpha = mp.mpf(0.05), 8000, mp.mpf(0.05)
    z_a = mp.sqrt(2) * mp.erfinv(1 - alpha)

    def power_at(d):
        p2 = p1 + d
        big_a = mp.sqrt((p1 + p2) * (2 - p1 - p2) / 2)
        big_b = mp.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
        return mp.ncdf((mp.sqrt(n) * d - z_a * big_a) / big_b)

    line = "//   mde, baseline 0.05, n 8000, alpha 0.05:"
    for target in (0.8, 0.99999, 0.9999999, 0.999999999):
        lo, hi = mp.mpf(0), 1 - p1
        for _ in range(200):
            mid = (lo + hi) / 2
            if power_at(mid) < mp.mpf(target):
                lo = mid
            else:
                hi = mid
        line += " power %r -> %s;" % (target, mp.nstr((lo + hi) / 2, 20))
    print(line)
    mp.mp.dps = 50


JEFFREYS_LOW_CASES = [(1, 100, "0.1"), (99, 100, "0.1"), (1, 100, "0.2"), (3, 10, "0.1"), (3, 10, "1e-9"), (0, 10, "0.1"),
                      (10, 10, "0.1")]
JEFFREYS_LOW_LARGE = [(1000000, 10000000, "1e-6")]


def part7():
    mp.mp.dps = 40
    print("// Jeffreys at low levels: x, n, level: lower, upper; tail below x/n")
    for x, n, level in JEFFREYS_LOW_CASES:
        a, b = mp.mpf(x) + mp.mpf(1) / 2, mp.mpf(n - x) + mp.mpf(1) / 2
        half = (1 - mp.mpf(float(level))) / 2  # the double the test passes

        def q(tail):
            f = lambda t: mp.betainc(a, b, 0, t, regularized=True) - tail
            return mp.findroot(f, (mp.mpf(10) ** -30, 1 - mp.mpf(10) ** -30), solver="illinois", tol=mp.mpf(10) ** -60)

        lo = mp.mpf(0) if x == 0 else q(half)
        hi = mp.mpf(1) if x == n else q(1 - half)
        tail = mp.betainc(a, b, 0, mp.mpf(x) / n, regularized=True)
        print("//   %d, %d, %s: %s, %s; tail %s" % (x, n, level, mp.nstr(lo, 20), mp.nstr(hi, 20), mp.nstr(tail, 10)))
    for x, n, level in JEFFREYS_LOW_LARGE:
        lo, hi = proportion_limits(x, n, float(level), True)
        print("//   %d, %d, %s: limit - x/n %s, %s" % (x, n, level, mp.nstr(lo, 20), mp.nstr(hi, 20)))
    mp.mp.dps = 40
    g = mp.gammainc(mp.mpf(3) / 2, 0, 1, regularized=True)
    print("//   1 of n, n -> infinity: tail %s, level below which x/n is outside %s" % (mp.nstr(g, 10), mp.nstr(1 - 2 * g, 10)))
    mp.mp.dps = 50


def part8():
    mp.mp.dps = 40
    print("// levels near 0: level, z = sqrt(2) erfinv(level), Wilson upper limit of 0 of 10 = z^2 / (10 + z^2)")
    for level in (1e-9, 1e-6, 1e-3):
        z = mp.sqrt(2) * mp.erfinv(mp.mpf(level))
        print("//   %r: z %s, upper %s" % (level, mp.nstr(z, 20), mp.nstr(z * z / (10 + z * z), 20)))
    mp.mp.dps = 50


EXTREME_LEVELS = (1e-12, 1e-9, 1e-6, 0.5, 0.9, 1 - 1e-9)


def bracketed_root(g, u0, scale):
    """The root of the increasing g near u0: a bracket u0 -/+ d, d growing by 4, then Illinois
    until |g| < scale 10^-(dps - 5) (g's values are of order scale)."""
    d = mp.mpf(10) ** -3
    while not (g(u0 - d) < 0 < g(u0 + d)):
        d *= 4
    return mp.findroot(g, (u0 - d, u0 + d), solver="illinois", tol=scale * mp.mpf(10) ** -(mp.mp.dps - 5), maxsteps=200)


def t_two_sided(nu, level):
    """t with P(|T| < t) = level from the integrated t density (level the exact double)."""
    nu, level = mp.mpf(nu), mp.mpf(level)
    with mp.extradps(30):  # the difference of two log-gammas near 2^52 cancels 17 digits
        c = mp.exp(mp.loggamma((nu + 1) / 2) - mp.loggamma(nu / 2)) / mp.sqrt(nu * mp.pi)
    dens = lambda u: c * mp.exp(-(nu + 1) / 2 * mp.log1p(u * u / nu))
    if level < mp.mpf(1) / 2:
        g = lambda lt: 2 * mp.quad(dens, [0, mp.exp(lt)]) - level
    else:
        g = lambda lt: (1 - level) - 2 * mp.quad(dens, [mp.exp(lt), mp.inf])
    t = mp.exp(bracketed_root(g, mp.log(mp.sqrt(2) * mp.erfinv(level)), min(level, 1 - level)))
    check = mp.betainc(mp.mpf(1) / 2, nu / 2, 0, t * t / (nu + t * t), regularized=True)
    if abs(check - level) > mp.mpf(10) ** -40 * level:
        raise RuntimeError("the t CDF and the incomplete-beta form disagree")
    return t


def part9():
    mp.mp.dps = 50
    print("// Student's t at extreme levels: n, level, t_{n-1} / sqrt(n) (the upper limit of mean 0, sd 1)")
    for n in (2, 10, 1000, 2**53):
        for level in EXTREME_LEVELS:
            t = t_two_sided(n - 1, level)
            print("    {%d, %r, %sL}," % (n, level, mp.nstr(t / mp.sqrt(n), 40, min_fixed=-1, max_fixed=1)), flush=True)


def beta_level_quantile(a, b, tail):
    """t with I_t(a, b) = tail."""
    a, b, tail = mp.mpf(a), mp.mpf(b), mp.mpf(tail)
    g = lambda y: mp.betainc(a, b, 0, 1 / (1 + mp.exp(-y)), regularized=True) - tail
    y0 = mp.log(a / b)
    return 1 / (1 + mp.exp(-bracketed_root(g, y0, min(tail, 1 - tail))))


def part10():
    mp.mp.dps = 50
    print("// Clopper-Pearson and Jeffreys at extreme levels: x, n, level: CP lower, CP upper, Jeffreys lower, Jeffreys upper")
    s = mp.mpf(1) / 2
    for x, n in ((3, 10), (1, 1000), (1, 1), (0, 1)):
        for level in EXTREME_LEVELS:
            half = (1 - mp.mpf(level)) / 2
            lims = [mp.mpf(0) if x == 0 else beta_level_quantile(x, n - x + 1, half),
                    mp.mpf(1) if x == n else beta_level_quantile(x + 1, n - x, 1 - half),
                    mp.mpf(0) if x == 0 else beta_level_quantile(x + s, n - x + s, half),
                    mp.mpf(1) if x == n else beta_level_quantile(x + s, n - x + s, 1 - half)]
            print("    {%d, %d, %r, %s}," % (x, n, level, ", ".join(mp.nstr(v, 25, min_fixed=-1, max_fixed=1) + "L" for v in lims)), flush=True)


WILSON_EXTREMES = [(1, 1, 0.999999), (1, 2, 1 - 1e-12), (1, 10, 1 - 1e-15), (1, 1000, 0.999999), (1, 1000, 1 - 1e-9),
                   (1, 1000, 1 - 1e-15), (1, 2**53, 0.95), (1, 2**53, 1 - 1e-9), (1, 2**53, 1 - 1e-15),
                   (5, 10**12, 1 - 1e-9), (0, 1, 0.95), (1, 1, 0.95), (2**53 - 1, 2**53, 1 - 1e-15)]


def part11():
    mp.mp.dps = 60
    print("// Wilson at high levels: x, n, level, lower, upper")
    for x, n, level in WILSON_EXTREMES:
        z = mp.sqrt(2) * mp.erfinv(mp.mpf(level))
        x_, n_, z2 = mp.mpf(x), mp.mpf(n), z * z
        root = z * mp.sqrt(x_ * (n_ - x_) / n_ + z2 / 4)
        lo = mp.mpf(0) if x == 0 else (x_ + z2 / 2 - root) / (n_ + z2)
        hi = mp.mpf(1) if x == n else (x_ + z2 / 2 + root) / (n_ + z2)
        print("    {%d, %d, %r, \"%s\", \"%s\"}," % (x, n, level, mp.nstr(lo, 40, min_fixed=-1, max_fixed=1),
                                             mp.nstr(hi, 40, min_fixed=-1, max_fixed=1)))
    mp.mp.dps = 50


LIFT_EXTREMES = [(81, 263, 95, 270, 0.95), (100000000, 1000000000, 100000001, 1000000000, 0.95),
                 (999999999, 1000000000, 999999998, 1000000000, 0.95), (1, 2, 1, 1, 0.95),
                 (4000000000000000000, MAX, 4000000005000000000, MAX, 0.95), (MAX - 807, MAX, MAX, MAX, 0.95),
                 (5, 1000, 7, 1000, 1e-9), (1, 10**18, 1, 1, 1 - 1e-15)]


def part12():
    mp.mp.dps = 60
    print("// relative lift: {x_a, n_a}, {x_b, n_b}, level, lift, lower, upper")
    for xa, na, xb, nb, level in LIFT_EXTREMES:
        z = mp.sqrt(2) * mp.erfinv(mp.mpf(level))
        ratio = (mp.mpf(xb) / nb) / (mp.mpf(xa) / na)
        se = mp.sqrt(mp.mpf(1) / xb - mp.mpf(1) / nb + mp.mpf(1) / xa - mp.mpf(1) / na)
        vals = [ratio - 1, mp.exp(mp.log(ratio) - z * se) - 1, mp.exp(mp.log(ratio) + z * se) - 1]
        print("    {{%d, %d}, {%d, %d}, %r, %s}," % (xa, na, xb, nb, level, ", ".join(
            '"%s"' % mp.nstr(v, 40, min_fixed=-1, max_fixed=1) for v in vals)))
    mp.mp.dps = 50


NPS_EXTREMES = [(60, 25, 15), (300000001, 400000000, 300000000), (500000000000000001, 0, 500000000000000000),
                (3, 1, 1)]
NPS_PAIRS = [((300000000, 400000000, 300000000), (300000001, 400000000, 300000000)),
             ((600000000000, 250000000000, 150000000000), (600000000001, 250000000000, 150000000000))]


def nps_mp(c):
    big_p, big_a, big_d = (mp.mpf(v) for v in c)
    n = big_p + big_a + big_d
    p, d = big_p / n, big_d / n
    return 100 * (big_p - big_d) / n, 100 * mp.sqrt((p + d - (p - d) ** 2) / n)


def part13():
    mp.mp.dps = 60
    z = mp.sqrt(2) * mp.erfinv(mp.mpf(0.95))
    print("// NPS at large counts, level 0.95: {promoters, passives, detractors}, score, lower, upper")
    for c in NPS_EXTREMES:
        score, se = nps_mp(c)
        vals = [score, max(-100, score - z * se), min(100, score + z * se)]
        print("    {{%d, %d, %d}, %s}," % (c + (", ".join('"%s"' % mp.nstr(v, 40, min_fixed=-1, max_fixed=1) for v in vals),)))
    print("// compare_nps at large counts, level 0.95: a, b, difference, lower, upper")
    for a, b in NPS_PAIRS:
        sa, ea = nps_mp(a)
        sb, eb = nps_mp(b)
        diff, se = sb - sa, mp.sqrt(ea ** 2 + eb ** 2)
        vals = [diff, diff - z * se, diff + z * se]
        print("    {{%d, %d, %d}, {%d, %d, %d}, %s}," % (a + b + (", ".join(
            '"%s"' % mp.nstr(v, 40, min_fixed=-1, max_fixed=1) for v in vals),)))
    mp.mp.dps = 50


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["proportion"]:
        part4()
    elif sys.argv[1:] == ["proportion_edges"]:
        part5()
    elif sys.argv[1:] == ["planning"]:
        part6()
    elif sys.argv[1:] == ["jeffreys_low"]:
        part7()
    elif sys.argv[1:] == ["low_levels"]:
        part8()
    elif sys.argv[1:] == ["t_levels"]:
        part9()
    elif sys.argv[1:] == ["beta_levels"]:
        part10()
    elif sys.argv[1:] == ["wilson_extremes"]:
        part11()
    elif sys.argv[1:] == ["lift_extremes"]:
        part12()
    elif sys.argv[1:] == ["nps_extremes"]:
        part13()
    else:
        part1()
        part2()
        part3()
        part4()
        part5()
        part6()
        part7()
        part8()
        part9()
        part10()
        part11()
        part12()
        part13()

// Tests of <crm/statistics/ab_test.hpp>: difference and lift of two rates, z test, chi-square, Fisher.
//
// Reference values from R 4.2.2 (digits = 17); a = control (xa of na), b = variant (xb of nb),
// tab <- matrix(c(xa, na-xa, xb, nb-xb), nrow = 2, byrow = TRUE):
//   Wald difference:   prop.test(c(xb, xa), c(nb, na), correct = FALSE)$conf.int
//   Newcombe:          wil <- function(x, n) prop.test(x, n, correct = FALSE)$conf.int;
//                      d - sqrt((pb - lb)^2 + (ua - pa)^2), d + sqrt((ub - pb)^2 + (pa - la)^2)
//                      (base R has no Newcombe function; this builds it from R's own Wilson limits)
//   z test:            prop.test(c(xa, xb), c(na, nb), correct = FALSE): X-squared = z^2, p.value
//   Yates chi-square:  chisq.test(tab, correct = TRUE)$statistic, $p.value
//   Fisher:            fisher.test(tab)$p.value  (SciPy 1.10 fisher_exact agrees to 3e-15 relative)
//   lift:              rr <- (xb/nb)/(xa/na); se <- sqrt(1/xb - 1/nb + 1/xa - 1/na);
//                      c(rr - 1, exp(log(rr) -/+ qnorm(.975)*se) - 1)
// Tolerances: closed forms 1e-12 relative; normal and chi-square tail probabilities 1e-10 relative
// (Boost's erfc vs R's pnorm, both accurate to a few ulps, amplified by the statistic's rounding);
// Fisher 1e-10 relative (R adds dhyper terms; we use the ratio recurrence in log space).
#include "catch.hpp"
#include "number_helpers.hpp"

#include <crm/multiprecision.hpp>
#include <crm/statistics.hpp>

#include <cmath>
#include <limits>
#include <string>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace ab_test_test {

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
struct ab_reference {
  crm::proportion_sample a, b;
  double wald_lower, wald_upper;
  double newcombe_lower, newcombe_upper;
  double x2, z_p;
  double yates_x2, yates_p;
  double fisher_p;
};
constexpr ab_reference ab_references[] = {
    {{120, 2400}, {150, 2400}, -0.00053128881701680272, 0.02553128881701679717, -0.00055995260202275354,
     0.02563573920490604466, 3.5320088300220753, 0.060194816159114137, 3.30046602894285, 0.069260230886081256,
     0.069083973842777674},
    {{3, 40}, {9, 41}, -0.0062021835318521734, 0.2952265737757546749, -0.014181807497209875, 0.300025917666518427,
     3.3504838282078468, 0.067185263402414347, 2.3032227598091186, 0.1291058761510471, 0.11566657521763916},
    {{0, 20}, {4, 20}, 0.024695491884683701, 0.375304508115316349, -0.00050912712009726357, 0.41601743225189352637,
     4.4444444444444446, 0.035014981019662543, 2.5, 0.11384629800665812, 0.10602910602910603},
    {{480, 4000}, {560, 4000}, 0.0052676402647363549, 0.0347323597352636806, 0.0052604402146697888,
     0.0347452584488306404, 7.0733863837312114, 0.0078237247262729209, 6.8976569407603892, 0.0086308792723736975,
     0.0086069610918707261},
};
}  // namespace

TEST_CASE("rate_difference, z test, chi-square and Fisher match R on four A/B tables", "[statistics][ab_test]") {
  for (const ab_reference& r : ab_references) {
    INFO(r.a.successes << "/" << r.a.trials << " vs " << r.b.successes << "/" << r.b.trials);
    const double d = r.b.observed().fraction - r.a.observed().fraction;
    const auto wald = crm::rate_difference(r.a, r.b, 0.95, crm::difference_method::wald);
    CHECK_THAT(wald.point.fraction, WithinRel(d, 1e-15));
    CHECK_THAT(wald.lower.fraction, WithinRel(r.wald_lower, 1e-11));
    CHECK_THAT(wald.upper.fraction, WithinRel(r.wald_upper, 1e-12));
    const auto newcombe = crm::rate_difference(r.a, r.b);  // Newcombe is the default
    CHECK_THAT(newcombe.lower.fraction, WithinRel(r.newcombe_lower, 1e-11));
    CHECK_THAT(newcombe.upper.fraction, WithinRel(r.newcombe_upper, 1e-12));
    const auto z = crm::two_proportion_z_test(r.a, r.b);
    CHECK(z.statistic > 0);  // b converts better in every case
    CHECK_THAT(z.statistic * z.statistic, WithinRel(r.x2, 1e-12));
    CHECK_THAT(z.p_value, WithinRel(r.z_p, 1e-10));
    const auto chi2 = crm::chi_square_test(r.a, r.b);
    CHECK_THAT(chi2.statistic, WithinRel(r.x2, 1e-12));
    CHECK_THAT(chi2.p_value, WithinRel(r.z_p, 1e-10));
    const auto yates = crm::chi_square_test(r.a, r.b, true);
    CHECK_THAT(yates.statistic, WithinRel(r.yates_x2, 1e-12));
    CHECK_THAT(yates.p_value, WithinRel(r.yates_p, 1e-10));
    CHECK_THAT(crm::fisher_exact_test(r.a, r.b).p_value, WithinRel(r.fisher_p, 1e-10));
  }
}

TEMPLATE_TEST_CASE("relative_lift: log risk-ratio interval matches R", "[statistics][ab_test]", double, long double) {
  using T = TestType;
  const T level = T(95) / T(100);
  // 120/2400 vs 150/2400 -> 0.25, -0.01008759937704462, 0.57842249376481525
  const auto l = crm::relative_lift({120, 2400}, {150, 2400}, level);
  CHECK_THAT(static_cast<double>(l.point.fraction), WithinRel(0.25, 1e-12));
  CHECK_THAT(static_cast<double>(l.lower.fraction), WithinRel(-0.01008759937704462, 1e-10));
  CHECK_THAT(static_cast<double>(l.upper.fraction), WithinRel(0.57842249376481525, 1e-12));
  // 3/40 vs 9/41 -> 1.9268292682926829, -0.1461357856359180, 9.0324260246864672
  const auto s = crm::relative_lift({3, 40}, {9, 41}, level);
  CHECK_THAT(static_cast<double>(s.point.fraction), WithinRel(1.9268292682926829, 1e-12));
  CHECK_THAT(static_cast<double>(s.lower.fraction), WithinRel(-0.1461357856359180, 1e-11));
  CHECK_THAT(static_cast<double>(s.upper.fraction), WithinRel(9.0324260246864672, 1e-12));
  // 480/4000 vs 560/4000 -> 0.1666..., 0.041214182037069946, 0.307234510048819187
  const auto b = crm::relative_lift({480, 4000}, {560, 4000}, level);
  CHECK_THAT(static_cast<double>(b.lower.fraction), WithinRel(0.041214182037069946, 1e-11));
  CHECK_THAT(static_cast<double>(b.upper.fraction), WithinRel(0.307234510048819187, 1e-12));
}

TEMPLATE_TEST_CASE("relative_lift: close rates at large n keep the lift's digits", "[statistics][ab_test]", double,
                   long double, crm::decimal50, crm::quad) {
  // (found by an audit) p_b / p_a - 1, 1/x - 1/n and exp(.) - 1 each cancelled for close rates: 1e8 + 1
  // against 1e8 of 1e9 trials gave a lift 6e-9 off relative, 999999998 against 999999999 of 1e9 an
  // upper limit 6e-8 off, and rates near 1 at 2^63 - 1 trials a lift 1.5 times off. References:
  // python3 scripts/statistics_reference.py lift_extremes (mpmath at 60 digits from the counts
  // exactly, z = sqrt(2) erfinv(level) of the double level): a, b, level, lift, lower, upper.
  using T = TestType;
  struct ref {
    crm::proportion_sample a, b;
    double level;
    const char* values[3];
  };
  const ref refs[] = {
      {{81, 263}, {95, 270}, 0.95, {"1.424325560128029263831732967535436671239e-1", "-1.039837743906508985463871444260811456811e-1", "4.566166412336540605907825582663824721054e-1"}},
      {{100000000, 1000000000}, {100000001, 1000000000}, 0.95, {"1.0e-8", "-2.629121939727802222523294173525227683302e-4", "2.630013402322584669574238085816593453894e-4"}},
      {{999999999, 1000000000}, {999999998, 1000000000}, 0.95, {"-1.000000001000000001000000001000000001e-9", "-4.394757196900533714648888899262468236864e-9", "2.394757206424910182414179960864878670678e-9"}},
      {{1, 2}, {1, 1}, 0.95, {"1.0", "-4.998046934801871333548298732356208897997e-1", "6.996876315834760748552618617465363368778"}},
      {{4000000000000000000, 9223372036854775807}, {4000000005000000000, 9223372036854775807}, 0.95, {"1.25e-9", "2.070494685990753612691701476371698880749e-10", "2.292950532488670449455083751152847820081e-9"}},
      {{9223372036854775000, 9223372036854775807}, {9223372036854775807, 9223372036854775807}, 0.95, {"8.74951153195802154892828852279800005434e-17", "8.145847734293095342938952776840340816454e-17", "9.353175329622947758561724074868068654451e-17"}},
      {{5, 1000}, {7, 1000}, 1e-09, {"4.0e-1", "3.999999989755891404142317139107389607739e-1", "4.000000010244108603353522932357857997198e-1"}},
      {{1, 1000000000000000000}, {1, 1}, 0.999999999999999, {"9.99999999999999999e+17", "3.265403550250481060014201898681795560991e+14", "3.062408626104695089538667842589997204437e+21"}},
  };
  // 8 ulps of the type times the condition of exp(u) - 1 in u, 1 + |u| (u = 49.5 for 1 of 10^18
  // against 1 of 1 at 1 - 1e-15: u itself rounds); the references' 40 digits bound decimal50
  T tolerance = T(8) * T(std::numeric_limits<T>::epsilon());
  if (tolerance < crm_test::parse<T>("1e-38")) tolerance = crm_test::parse<T>("1e-38");
  using std::abs;
  for (const ref& r : refs) {
    INFO(r.a.successes << " of " << r.a.trials << " against " << r.b.successes << " of " << r.b.trials << " at " << r.level);
    const auto l = crm::relative_lift(r.a, r.b, T(r.level));
    const T got[3] = {l.point.fraction, l.lower.fraction, l.upper.fraction};
    for (int i = 0; i < 3; ++i) {
      const T expected = crm_test::parse<T>(r.values[i]);
      INFO("value " << i << ": " << static_cast<double>(got[i]) << ", mpmath " << r.values[i]);
      const T condition = T(1) + T(std::abs(std::log1p(static_cast<double>(expected))));
      CHECK(T(abs(T(got[i] - expected))) <= tolerance * condition * T(abs(expected)));
    }
  }
}

TEST_CASE("fisher_exact_test: extreme tables and large counts match R", "[statistics][ab_test]") {
  // fisher.test(matrix(c(1, 0, 0, 1), 2, byrow = TRUE))$p.value -> 1
  CHECK_THAT(crm::fisher_exact_test({1, 1}, {0, 1}).p_value, WithinRel(1.0, 1e-12));
  // fisher.test(matrix(c(0, 500, 60, 440), 2, byrow = TRUE))$p.value -> 2.6384685627647022e-19
  // (SciPy: fisher_exact([[0, 500], [60, 440]]) -> 2.6384685627647094e-19)
  CHECK_THAT(crm::fisher_exact_test({0, 500}, {60, 500}).p_value, WithinRel(2.6384685627647022e-19, 1e-9));
  // fisher.test(matrix(c(1200, 23800, 1320, 23680), 2, byrow = TRUE))$p.value -> 0.01497477191638364
  CHECK_THAT(crm::fisher_exact_test({1200, 25000}, {1320, 25000}).p_value, WithinRel(0.01497477191638364, 1e-9));
  CHECK_THAT(crm::fisher_exact_test<long double>({1200, 25000}, {1320, 25000}).p_value,
             WithinRel(0.01497477191638364, 1e-9));
}

TEST_CASE("fisher_exact_test: float and multiprecision types, bounded", "[statistics][ab_test]") {
  // float summed its log-probabilities in float: p = 1 for 499 000 / 10^6 against 501 000 / 10^6 and
  // 0.0605 for the worked example (found by an audit); the sums are now made in double. Reference:
  // the exact hypergeometric tail in mpmath at 30 digits, symmetric arms (na == nb), R's definition:
  //   import mpmath as mp; mp.mp.dps = 30
  //   lp = lambda k, K, N, m: mp.log(mp.binomial(K, k)) + mp.log(mp.binomial(N-K, m-k)) - mp.log(mp.binomial(N, m))
  //   p = 2 * sum(mp.e**lp(k, xa+xb, 2*n, n) for k in range(0, xa+1))   (summed down from xa until negligible)
  //   -> 499000/1e6 vs 501000/1e6: 0.00469843126446; 120/2400 vs 150/2400: 0.0690839738428
  CHECK_THAT(static_cast<double>(crm::fisher_exact_test<float>({499'000, 1'000'000}, {501'000, 1'000'000}).p_value),
             WithinRel(0.00469843126446, 1e-6));
  // (40 digits: 0.0046984312644577646638; double summed plainly was 1.5e-9 off, compensated 3.4e-12)
  CHECK_THAT(crm::fisher_exact_test<double>({499'000, 1'000'000}, {501'000, 1'000'000}).p_value,
             WithinRel(0.0046984312644577646638, 1e-11));
  const double worked = crm::fisher_exact_test<double>({120, 2400}, {150, 2400}).p_value;
  CHECK_THAT(worked, WithinRel(0.0690839738428, 1e-9));
  CHECK_THAT(static_cast<double>(crm::fisher_exact_test<float>({120, 2400}, {150, 2400}).p_value), WithinRel(worked, 1e-6));
  // Boost.Multiprecision: exact for small supports, refused beyond 10^4 tables (bounded time)
  CHECK_THAT(static_cast<double>(crm::fisher_exact_test<crm::decimal50>({120, 2400}, {150, 2400}).p_value), WithinRel(worked, 1e-12));
  const auto big = crm::try_fisher_exact_test<crm::decimal50>({499'000, 1'000'000}, {501'000, 1'000'000});
  REQUIRE_FALSE(big);
  CHECK(big.error().code == crm::errc::out_of_range);
  CHECK(std::string(big.error().field) == "trials");
  // the bound: hi - lo = min(K, m) - max(0, m - F) = 10^4 tables is refused, 10^4 - 1 summed (not run
  // here: about 2 s in decimal50); double sums it
  CHECK_FALSE(crm::try_fisher_exact_test<crm::decimal50>({5000, 10'000}, {5000, 10'000}));
  CHECK(crm::try_fisher_exact_test<double>({5000, 10'000}, {5000, 10'000}));
  // The bound of docs/statistics.md for float, double and long double, "refuses supports above 10^7
  // tables": the support is lo..hi, lo = max(0, m - F), hi = min(K, m) (K successes, F failures,
  // m = a.trials). 5e6 of 1e7 against 5e6 of 1e7: K = m = F = 1e7, lo 0, hi 1e7, 10^7 + 1 tables:
  // refused. (4 999 999 of 9 999 999 against 5e6 of 1e7, 10^7 tables, is summed: 0.6 s at -O1, not
  // run here; the constant below is what keeps that side.)
  STATIC_REQUIRE(crm::fisher_exact_max_support == 10'000'000);
  STATIC_REQUIRE(crm::fisher_exact_max_support_multiprecision == 10'000);
  const auto over = crm::try_fisher_exact_test<double>({5'000'000, 10'000'000}, {5'000'000, 10'000'000});
  REQUIRE_FALSE(over);
  CHECK(crm::message(over.error()) ==
        "crm::fisher_exact_test: trials is out of range (too many tables to sum; use chi_square_test)");
}

TEST_CASE("rate_difference: Newcombe's interval for rates near 1 as accurate as for rates near 0", "[statistics][ab_test]") {
  // (found by an audit) the Wilson limits' distances from the rates were differences of numbers near 1:
  // n - 20 against n - 10 of 1e17 gave [-5.7e-17, 2.6e-16] where the mirror image (20 against 10) is
  // [-2.18e-16, 9.75e-18]. Reference: Newcombe's formula on the two Wilson intervals in mpmath at
  // 40 digits (z = sqrt(2) erfinv(0.95)): n - 20 vs n - 10 -> 1e-16, -9.7527310087751178e-18,
  // 2.1812896399485582e-16; 20 vs 10 -> -1e-16, -2.1812896399485582e-16, 9.7527310087751178e-18.
  constexpr crm::count_t n = 100'000'000'000'000'000;
  const auto near1 = crm::rate_difference<double>({n - 20, n}, {n - 10, n});
  const auto near0 = crm::rate_difference<double>({20, n}, {10, n});
  CHECK_THAT(near1.point.fraction, WithinRel(1e-16, 1e-12));
  CHECK_THAT(near1.lower.fraction, WithinRel(-9.7527310087751178e-18, 1e-9));
  CHECK_THAT(near1.upper.fraction, WithinRel(2.1812896399485582e-16, 1e-9));
  CHECK_THAT(near0.lower.fraction, WithinRel(-2.1812896399485582e-16, 1e-9));
  CHECK_THAT(near0.upper.fraction, WithinRel(9.7527310087751178e-18, 1e-9));
  // every count against its mirror image: the interval negated
  for (const crm::count_t k : {0LL, 1LL, 7LL, 1000LL}) {
    const auto hi = crm::rate_difference<double>({n - k - 5, n}, {n - k, n});
    const auto lo = crm::rate_difference<double>({k + 5, n}, {k, n});
    INFO("k " << k);
    CHECK_THAT(hi.lower.fraction, WithinRel(-lo.upper.fraction, 1e-9));
    CHECK_THAT(hi.upper.fraction, WithinRel(-lo.lower.fraction, 1e-9));
  }
}

TEST_CASE("A/B tests: counts of 10^12 do not overflow", "[statistics][ab_test]") {
  const crm::proportion_sample a{100'000'000'000, 1'000'000'000'000};
  const crm::proportion_sample b{100'000'100'000, 1'000'000'000'000};
  // z = 1e-7 / sqrt(p(1-p) 2e-12), p = 0.10000005: an independent closed form in double.
  const double p = 0.10000005;
  const double z = 1e-7 / std::sqrt(p * (1 - p) * 2e-12);
  CHECK_THAT(crm::two_proportion_z_test(a, b).statistic, WithinRel(z, 1e-6));
  CHECK_THAT(crm::chi_square_test(a, b).statistic, WithinRel(z * z, 1e-6));
  const auto d = crm::rate_difference(a, b);
  CHECK_THAT(d.point.fraction, WithinRel(1e-7, 1e-4));
  CHECK(d.lower.fraction < 1e-7);
  CHECK(d.upper.fraction > 1e-7);
  // Fisher's exact test refuses a support of 2e11 tables instead of running for hours.
  const auto f = crm::try_fisher_exact_test(a, b);
  CHECK(f.error().code == crm::errc::out_of_range);
  CHECK(std::string(f.error().field) == "trials");
}

TEST_CASE("A/B tests: bad input is an error naming the field, in both forms", "[statistics][ab_test][errors]") {
  using crm::errc;
  CHECK_THROWS_WITH(crm::rate_difference({1, 0}, {1, 2}), "crm::rate_difference: a.trials is zero (zero denominator)");
  CHECK_THROWS_WITH(crm::two_proportion_z_test({1, 2}, {3, 2}),
                    "crm::two_proportion_z_test: b.successes is larger than its whole (must not exceed b.trials)");
  CHECK(crm::try_rate_difference({1, 2}, {1, 2}, 1.5).error().code == errc::out_of_range);
  CHECK(crm::try_relative_lift({0, 20}, {4, 20}).error().code == errc::zero_denominator);
  CHECK(std::string(crm::try_relative_lift({0, 20}, {4, 20}).error().field) == "a.successes");
  CHECK(std::string(crm::try_relative_lift({3, 20}, {0, 20}).error().field) == "b.successes");
  CHECK(crm::try_two_proportion_z_test({0, 20}, {0, 30}).error().code == errc::zero_denominator);
  CHECK(crm::try_chi_square_test({20, 20}, {30, 30}).error().code == errc::zero_denominator);
  CHECK(crm::try_fisher_exact_test({-1, 20}, {3, 30}).error().code == errc::negative);
  CHECK_THROWS_AS(crm::fisher_exact_test({1, 0}, {3, 30}), crm::metric_error);
  CHECK_THROWS_AS(crm::chi_square_test({1, 2}, {3, -30}), crm::metric_error);
  CHECK_THROWS_AS(crm::relative_lift({1, 2}, {0, 30}), crm::metric_error);
  // (found by an audit) a method cast from outside the enumeration silently gave Newcombe's interval.
  CHECK_THROWS_WITH(crm::rate_difference({1, 2}, {1, 2}, 0.95, static_cast<crm::difference_method>(7)),
                    "crm::rate_difference: method is out of range (not a difference_method)");
}

// A/B tests at the limits of count_t (2^63 - 1): sums of two counts overflow long long, and used
// to give a NaN z or a negative chi-square. mpmath at 50 digits from the exact counts
// (scripts/statistics_reference.py part 1): z, z p-value, chi-square = z^2, Wald interval; Fisher
// by summing hypergeometric probabilities from mpmath.binomial.
TEMPLATE_TEST_CASE("A/B tests: counts up to 2^63 - 1 in both arms, against mpmath", "[statistics][ab_test]", double,
                   long double) {
  using T = TestType;
  struct ref {
    crm::proportion_sample a, b;
    double z, z_p, x2, wald_lower, wald_upper;
  };
  constexpr crm::count_t max = std::numeric_limits<crm::count_t>::max();
  const ref refs[] = {
      {{2500000000000000000, 5000000000000000000}, {2500000010000000000, 5000000000000000000}, 6.3245553203367587,
       2.5396285894708648e-10, 40.0, 1.3802049676954384e-9, 2.6197950323045616e-9},
      {{1, 9000000000000000000}, {40, 9200000000000000000}, 6.0207762515625639, 1.7358257281241753e-9,
       36.249746671379757, 2.8718488128754982e-18, 5.601581138815323e-18},
      {{max - 20, max}, {max - 2, max}, 3.8376128944009878, 0.00012423612343122095, 14.727272727272727,
       9.5485187012257051e-19, 2.9482759508252455e-18},
      {{0, max}, {3, max}, 1.7320508075688773, 0.083264516663550402, 3.0, -4.2799661626045608e-20,
       6.9332096511734827e-19},
      {{4000000000000000000, max}, {4000000005000000000, max}, 2.349061539513135, 0.018820795900228683,
       5.5180901164198198, 8.9793393513659642e-11, 9.9440877897184479e-10},
  };
  for (const ref& r : refs) {
    INFO(r.a.successes << "/" << r.a.trials << " vs " << r.b.successes << "/" << r.b.trials);
    const auto z = crm::two_proportion_z_test<T>(r.a, r.b);
    CHECK_THAT(static_cast<double>(z.statistic), WithinRel(r.z, 1e-12));
    CHECK_THAT(static_cast<double>(z.p_value), WithinRel(r.z_p, 1e-10));
    const auto chi2 = crm::chi_square_test<T>(r.a, r.b);
    CHECK_THAT(static_cast<double>(chi2.statistic), WithinRel(r.x2, 1e-9));
    CHECK(chi2.statistic >= T(0));
    const auto yates = crm::chi_square_test<T>(r.a, r.b, true);
    CHECK(yates.statistic >= T(0));
    CHECK(yates.statistic <= chi2.statistic);
    const auto wald = crm::rate_difference<T>(r.a, r.b, T(95) / T(100), crm::difference_method::wald);
    CHECK_THAT(static_cast<double>(wald.lower.fraction), WithinRel(r.wald_lower, 1e-9));
    CHECK_THAT(static_cast<double>(wald.upper.fraction), WithinRel(r.wald_upper, 1e-9));
    const auto newcombe = crm::rate_difference<T>(r.a, r.b);
    CHECK(newcombe.lower.fraction <= newcombe.point.fraction);
    CHECK(newcombe.point.fraction <= newcombe.upper.fraction);
  }
  // Fisher: few successes (or few failures) give a small support however large the trials.
  // {0 of max} vs {3 of max} -> 0.25; {max - 2 of max} vs {max of max} -> 0.5;
  // {1 of 9e18} vs {6 of 9.2e18} -> 0.12515849535003262.
  CHECK_THAT(static_cast<double>(crm::fisher_exact_test<T>({0, max}, {3, max}).p_value), WithinRel(0.25, 1e-12));
  CHECK_THAT(static_cast<double>(crm::fisher_exact_test<T>({max - 2, max}, {max, max}).p_value), WithinRel(0.5, 1e-12));
  CHECK_THAT(static_cast<double>(crm::fisher_exact_test<T>({1, 9'000'000'000'000'000'000}, {6, 9'200'000'000'000'000'000})
                                     .p_value),
             WithinRel(0.12515849535003262, 1e-10));
  // A support of 2^63 tables is refused, not wrapped around.
  CHECK(crm::try_fisher_exact_test<T>({max / 2, max}, {max / 2, max}).error().code == crm::errc::out_of_range);
  // All succeeded / all failed in both arms of 2^63 - 1: no variation, an error (not 0 / 0).
  CHECK(crm::try_two_proportion_z_test<T>({max, max}, {max, max}).error().code == crm::errc::zero_denominator);
  CHECK(crm::try_chi_square_test<T>({0, max}, {0, max}).error().code == crm::errc::zero_denominator);
}

}  // namespace ab_test_test

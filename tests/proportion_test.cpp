// Tests of <crm/statistics/proportion.hpp>: Wilson, Agresti-Coull, Clopper-Pearson and Jeffreys
// intervals of successes of trials.
//
// Reference values come from R 4.2.2 (Debian bookworm r-base-core), printed with digits = 17:
//   Wilson:          prop.test(x, n, conf.level = cf, correct = FALSE)$conf.int
//   Clopper-Pearson: binom.test(x, n, conf.level = cf)$conf.int
//                    (qbeta(a, x, n-x+1), qbeta(1-a, x+1, n-x)) for n = 10^12, where binom.test
//                    tries to allocate the whole support
//   Jeffreys:        c(if (x == 0) 0 else qbeta(a, x+.5, n-x+.5), if (x == n) 1 else qbeta(1-a, x+.5, n-x+.5)),
//                    a = (1 - cf) / 2
//   Agresti-Coull:   z <- qnorm(1-a); nt <- n+z^2; pt <- (x+z^2/2)/nt; h <- z*sqrt(pt*(1-pt)/nt);
//                    c(max(0, pt-h), min(1, pt+h))   (base R has no Agresti-Coull function)
// Tolerances: R computes in double; its normal and beta quantiles are accurate to a few ulps, so
// closed forms (Wilson, Agresti-Coull) must agree to 1e-12 relative and Beta-quantile intervals to
// 1e-10 relative (Boost's and R's inverse incomplete beta are independent iterative solvers).
#include "catch.hpp"

#include <crm/multiprecision.hpp>
#include <crm/statistics.hpp>

#include <limits>

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
struct reference {
  crm::count_t x, n;
  double level;
  crm::interval_method method;
  double lower, upper;
};
using m = crm::interval_method;
// R outputs (see the calls at the top of the file).
constexpr reference references[] = {
    {81, 263, 0.95, m::wilson, 0.25528851987827428, 0.36620957698280016},
    {81, 263, 0.95, m::clopper_pearson, 0.25273674558527121, 0.36762192260135140},
    {81, 263, 0.95, m::jeffreys, 0.25452193499102344, 0.36564749917408246},
    {81, 263, 0.95, m::agresti_coull, 0.25522066518999675, 0.36627743167107751},
    // 0 of n: an open rate of 0 out of 40 recipients still has an upper limit near 9 %.
    {0, 40, 0.95, m::wilson, 0.0, 0.087621601197286611},
    {0, 40, 0.95, m::clopper_pearson, 0.0, 0.088097302878802353},
    {0, 40, 0.95, m::jeffreys, 0.0, 0.060497975214079514},
    {0, 40, 0.95, m::agresti_coull, 0.0, 0.10439621800024657},
    // n of n.
    {40, 40, 0.95, m::wilson, 0.91237839880271332, 1.0},
    {40, 40, 0.95, m::clopper_pearson, 0.91190269712119765, 1.0},
    {40, 40, 0.95, m::jeffreys, 0.93950202478592049, 1.0},
    {40, 40, 0.95, m::agresti_coull, 0.89560378199975366, 1.0},
    // n = 1.
    {1, 1, 0.95, m::wilson, 0.2065493143772375, 1.0},
    {1, 1, 0.95, m::clopper_pearson, 0.025000000000000022, 1.0},
    {1, 1, 0.95, m::jeffreys, 0.14674631630957519, 1.0},
    {1, 1, 0.95, m::agresti_coull, 0.16749948547941307, 1.0},
    {0, 1, 0.95, m::wilson, 0.0, 0.79345068562276255},
    {0, 1, 0.95, m::clopper_pearson, 0.0, 0.97499999999999998},
    {0, 1, 0.95, m::jeffreys, 0.0, 0.85325368369042476},
    {0, 1, 0.95, m::agresti_coull, 0.0, 0.83250051452058693},
    // Confidence levels 0.5 and 0.999.
    {7, 40, 0.5, m::wilson, 0.13819582272004965, 0.21911375927842128},
    {7, 40, 0.5, m::clopper_pearson, 0.12863884369463199, 0.23388261096264140},
    {7, 40, 0.5, m::jeffreys, 0.13979219410635396, 0.22050970029421935},
    {7, 40, 0.5, m::agresti_coull, 0.13803293235656464, 0.21927664964190638},
    {7, 40, 0.999, m::wilson, 0.055689386369520685, 0.432777169107477766},
    {7, 40, 0.999, m::clopper_pearson, 0.035846442090711035, 0.434232514269646597},
    {7, 40, 0.999, m::jeffreys, 0.041479915769302149, 0.419281605036626814},
    {7, 40, 0.999, m::agresti_coull, 0.045938138922234528, 0.442528416554763881},
    // An open rate from 40 000 recipients at 99 %.
    {12345, 40000, 0.99, m::wilson, 0.30270793489070263, 0.31460554224704224},
    {12345, 40000, 0.99, m::clopper_pearson, 0.30268637110495111, 0.31460927407471295},
    {12345, 40000, 0.99, m::jeffreys, 0.30269880292516377, 0.31459670887270363},
    {12345, 40000, 0.99, m::agresti_coull, 0.30270785023817587, 0.31460562689956911},
};

void check_limit(double got, double want, double rel) {
  if (want == 0.0)
    CHECK(got == 0.0);  // exact: the interval of 0 successes starts at 0 by definition
  else
    CHECK_THAT(got, WithinRel(want, rel));
}
}  // namespace

TEST_CASE("proportion_interval: all four methods match R at edge counts and levels", "[statistics][proportion]") {
  for (const reference& r : references) {
    INFO(crm::name(r.method) << " " << r.x << " of " << r.n << " at " << r.level);
    const crm::rate_estimate<double> e = crm::proportion_interval({.successes = r.x, .trials = r.n}, r.level, r.method);
    const bool closed_form = r.method == m::wilson || r.method == m::agresti_coull;
    check_limit(e.lower.fraction, r.lower, closed_form ? 1e-12 : 1e-10);
    check_limit(e.upper.fraction, r.upper, closed_form ? 1e-12 : 1e-10);
    CHECK(e.point.fraction == static_cast<double>(r.x) / static_cast<double>(r.n));
    CHECK(e.level == r.level);
    CHECK(e.lower <= e.point);
    CHECK(e.point <= e.upper);
  }
}

TEST_CASE("proportion_interval: Wilson is the default method and 95 % the default level", "[statistics][proportion]") {
  const auto e = crm::proportion_interval({.successes = 81, .trials = 263});
  CHECK(e.level == 0.95);
  CHECK_THAT(e.lower.fraction, WithinRel(0.25528851987827428, 1e-12));
}

// Boost.Multiprecision types: the same R references (doubles, so compared at 1e-12 relative: R's
// values carry ~16 digits, and our decimal50/quad limits are more precise than that). The test
// targets are compiled with CXX_EXTENSIONS OFF (-std=c++20): under -std=gnu++20 Boost.Math
// instantiated for these types needs libquadmath (docs/statistics.md).
TEMPLATE_TEST_CASE("proportion_interval: Boost.Multiprecision decimal50 and quad", "[statistics][proportion]",
                   crm::decimal50, crm::quad) {
  using T = TestType;
  const T level = T(95) / T(100);
  const crm::proportion_sample s{.successes = 81, .trials = 263};
  const auto w = crm::proportion_interval(s, level);
  CHECK_THAT(static_cast<double>(w.lower.fraction), WithinRel(0.25528851987827428, 1e-12));
  CHECK_THAT(static_cast<double>(w.upper.fraction), WithinRel(0.36620957698280016, 1e-12));
  const auto cp = crm::proportion_interval(s, level, m::clopper_pearson);
  CHECK_THAT(static_cast<double>(cp.lower.fraction), WithinRel(0.25273674558527121, 1e-10));
  CHECK_THAT(static_cast<double>(cp.upper.fraction), WithinRel(0.36762192260135140, 1e-10));
  const auto j = crm::proportion_interval(s, level, m::jeffreys);
  CHECK_THAT(static_cast<double>(j.lower.fraction), WithinRel(0.25452193499102344, 1e-10));
  CHECK_THAT(static_cast<double>(j.upper.fraction), WithinRel(0.36564749917408246, 1e-10));
  const auto ac = crm::proportion_interval(s, level, m::agresti_coull);
  CHECK_THAT(static_cast<double>(ac.lower.fraction), WithinRel(0.25522066518999675, 1e-12));
  CHECK_THAT(static_cast<double>(ac.upper.fraction), WithinRel(0.36627743167107751, 1e-12));
  // 3 of 10, Wilson: scipy.stats.binomtest(3, 10).proportion_ci(method='wilson') (SciPy 1.10.1)
  // = (0.10779126740630102, 0.6032218525388546)
  const auto small = crm::proportion_interval(crm::proportion_sample{.successes = 3, .trials = 10}, level);
  CHECK_THAT(static_cast<double>(small.lower.fraction), WithinRel(0.10779126740630102, 1e-12));
  CHECK_THAT(static_cast<double>(small.upper.fraction), WithinRel(0.6032218525388546, 1e-12));
}

TEMPLATE_TEST_CASE("proportion_interval: float, double and long double", "[statistics][proportion]", float, double,
                   long double) {
  using T = TestType;
  // float carries 7 digits; the others are compared with R's double values at 1e-12 (closed form)
  // and 1e-10 (Beta quantiles).
  const double closed = std::is_same_v<T, float> ? 1e-5 : 1e-12;
  const double beta = std::is_same_v<T, float> ? 1e-4 : 1e-10;
  const T level = T(95) / T(100);
  const crm::proportion_sample s{.successes = 81, .trials = 263};
  const auto w = crm::proportion_interval(s, level);
  CHECK_THAT(static_cast<double>(w.lower.fraction), WithinRel(0.25528851987827428, closed));
  CHECK_THAT(static_cast<double>(w.upper.fraction), WithinRel(0.36620957698280016, closed));
  const auto cp = crm::proportion_interval(s, level, m::clopper_pearson);
  CHECK_THAT(static_cast<double>(cp.lower.fraction), WithinRel(0.25273674558527121, beta));
  CHECK_THAT(static_cast<double>(cp.upper.fraction), WithinRel(0.36762192260135140, beta));
  const auto j = crm::proportion_interval(s, level, m::jeffreys);
  CHECK_THAT(static_cast<double>(j.lower.fraction), WithinRel(0.25452193499102344, beta));
  CHECK_THAT(static_cast<double>(j.upper.fraction), WithinRel(0.36564749917408246, beta));
  const auto ac = crm::proportion_interval(s, level, m::agresti_coull);
  CHECK_THAT(static_cast<double>(ac.lower.fraction), WithinRel(0.25522066518999675, closed));
  CHECK_THAT(static_cast<double>(ac.upper.fraction), WithinRel(0.36627743167107751, closed));
}

TEMPLATE_TEST_CASE("proportion_interval: n = 10^12 keeps its precision", "[statistics][proportion]", double, long double) {
  using T = TestType;
  const crm::proportion_sample big{.successes = 123'456'789'012, .trials = 1'000'000'000'000};
  const T level = T(95) / T(100);
  // The interval is 1.3e-6 wide; R's and SciPy's Clopper-Pearson limits at this n differ from each
  // other by 9e-13 (beta.ppf(0.025, x, n-x+1) gives 0.123456144260337 in SciPy 1.10), so the Beta
  // quantile limits are checked to 2e-12 absolute (0.15 % of the width). Wilson is a closed form.
  const auto w = crm::proportion_interval(big, level);
  CHECK_THAT(static_cast<double>(w.lower.fraction), WithinRel(0.12345614426211923, 1e-12));
  CHECK_THAT(static_cast<double>(w.upper.fraction), WithinRel(0.12345743376477372, 1e-12));
  const auto cp = crm::proportion_interval(big, level, m::clopper_pearson);
  CHECK_THAT(static_cast<double>(cp.lower.fraction), WithinAbs(0.12345614426126258, 2e-12));
  CHECK_THAT(static_cast<double>(cp.upper.fraction), WithinAbs(0.12345743376491713, 2e-12));
  const auto j = crm::proportion_interval(big, level, m::jeffreys);
  CHECK_THAT(static_cast<double>(j.lower.fraction), WithinAbs(0.12345614426176259, 2e-12));
  CHECK_THAT(static_cast<double>(j.upper.fraction), WithinAbs(0.12345743376441709, 2e-12));
  // Near the edges at n = 10^12: R qbeta(0.025, n-1, 2) and qbeta(0.975, 2, n-1).
  const auto near_all = crm::proportion_interval({.successes = 999'999'999'999, .trials = 1'000'000'000'000}, level,
                                                 m::clopper_pearson);
  CHECK_THAT(static_cast<double>(near_all.lower.fraction), WithinAbs(0.99999999999442835, 1e-15));
  const auto near_none = crm::proportion_interval({.successes = 1, .trials = 1'000'000'000'000}, level,
                                                  m::clopper_pearson);
  CHECK_THAT(static_cast<double>(near_none.upper.fraction), WithinRel(5.5716433909261601e-12, 1e-8));
}

TEST_CASE("proportion_interval: bad input is an error naming the field, in both forms", "[statistics][proportion][errors]") {
  using crm::errc;
  CHECK_THROWS_WITH(crm::proportion_interval({.successes = 0, .trials = 0}),
                    "crm::proportion_interval: trials is zero (zero denominator)");
  CHECK_THROWS_WITH(crm::proportion_interval({.successes = 5, .trials = 4}),
                    "crm::proportion_interval: successes is larger than its whole (must not exceed trials)");
  CHECK_THROWS_AS(crm::proportion_interval({.successes = -1, .trials = 4}), crm::metric_error);
  CHECK(crm::try_proportion_interval({.successes = 1, .trials = -4}).error().code == errc::negative);
  CHECK(crm::try_proportion_interval({.successes = -1, .trials = 4}).error().code == errc::negative);
  CHECK(crm::try_proportion_interval({.successes = 1, .trials = 0}).error().code == errc::zero_denominator);
  for (double level : {0.0, 1.0, -0.5, 95.0}) {
    const auto r = crm::try_proportion_interval({.successes = 1, .trials = 4}, level);
    CHECK(r.error().code == errc::out_of_range);
    CHECK(std::string(r.error().field) == "level");
  }
  CHECK(crm::try_proportion_interval({.successes = 1, .trials = 4}, std::numeric_limits<double>::quiet_NaN())
            .error()
            .code == errc::not_finite);
  CHECK_FALSE(crm::proportion_sample{.successes = 3, .trials = 2}.ok());
  CHECK(crm::proportion_sample{.successes = 2, .trials = 2}.ok());
}

TEST_CASE("proportion_sample: the observed rate is a constexpr share (001 line 74: opens / delivered)",
          "[statistics][proportion]") {
  // 001_15fb4e46a87cf176.txt line 74: open rate = opens / delivered x 100 %.
  STATIC_REQUIRE(crm::proportion_sample{.successes = 25, .trials = 200}.observed().percent() == 12.5);
  STATIC_REQUIRE(std::is_trivially_copyable_v<crm::rate_estimate<double>>);
}

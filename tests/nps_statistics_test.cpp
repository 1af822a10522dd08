// Tests of <crm/statistics/nps.hpp>: standard error and interval of an NPS, comparison of two NPS.
//
// NPS = % promoters - % detractors (001_15fb4e46a87cf176.txt line 84; promoters 9-10, detractors
// 0-6, line 82). Reference values from R 4.2.2, computed from the raw answers scored +1/0/-1 (not
// from our count formula), digits = 17:
//   sc  <- function(P, Pa, D) c(rep(1, P), rep(0, Pa), rep(-1, D))
//   nps <- function(s, conf = .95) { m <- mean(s); se <- sqrt(mean((s - m)^2) / length(s));
//                                    c(100*m, 100*se, 100*(m + c(-1, 1)*qnorm(1 - (1 - conf)/2)*se)) }
// Tolerance 1e-12 relative: closed forms in double; R's qnorm is accurate to a few ulps.
#include "catch.hpp"
#include "number_helpers.hpp"

#include <crm/multiprecision.hpp>
#include <crm/statistics.hpp>

#include <limits>
#include <string>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace nps_statistics_test {

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEMPLATE_TEST_CASE("nps_interval: matches R on the +1/0/-1 scores", "[statistics][nps]", double, long double) {
  using T = TestType;
  const crm::nps_counts c{.promoters = 60, .passives = 25, .detractors = 15};
  // nps(sc(60, 25, 15)) -> 45, 7.399324293474371, 30.497590874857956, 59.502409125142044
  CHECK_THAT(static_cast<double>(crm::nps_standard_error<T>(c)), WithinRel(7.399324293474371, 1e-12));
  const auto e = crm::nps_interval(c, T(95) / T(100));
  CHECK_THAT(static_cast<double>(e.point), WithinRel(45.0, 1e-12));
  CHECK_THAT(static_cast<double>(e.lower), WithinRel(30.497590874857956, 1e-12));
  CHECK_THAT(static_cast<double>(e.upper), WithinRel(59.502409125142044, 1e-12));
  // nps(sc(60, 25, 15), .999) -> 20.652325617344978, 69.347674382655029
  const auto wide = crm::nps_interval(c, T(999) / T(1000));
  CHECK_THAT(static_cast<double>(wide.lower), WithinRel(20.652325617344978, 1e-12));
  CHECK_THAT(static_cast<double>(wide.upper), WithinRel(69.347674382655029, 1e-12));
  // nps(sc(3, 1, 1), .5) -> 40, 35.777087639996630, 15.868721094955355, 64.131278905044653
  const auto small = crm::nps_interval({.promoters = 3, .passives = 1, .detractors = 1}, T(1) / T(2));
  CHECK_THAT(static_cast<double>(small.lower), WithinRel(15.868721094955355, 1e-12));
  CHECK_THAT(static_cast<double>(small.upper), WithinRel(64.131278905044653, 1e-12));
}

TEST_CASE("nps_interval: n = 1 and unanimous answers collapse honestly, and the interval stays in [-100, 100]",
          "[statistics][nps]") {
  const auto one = crm::nps_interval({.promoters = 1, .passives = 0, .detractors = 0});
  CHECK(one.point == 100.0);
  CHECK(one.lower == 100.0);  // SE 0: every answer (the only one) is a promoter
  CHECK(crm::nps_standard_error({.promoters = 0, .passives = 7, .detractors = 0}) == 0.0);
  // One promoter, one detractor: NPS 0, SE 100 sqrt(1/2): the Wald limits -138.6 / +138.6 are clipped.
  const auto split = crm::nps_interval({.promoters = 1, .passives = 0, .detractors = 1});
  CHECK(split.lower == -100.0);
  CHECK(split.upper == 100.0);
  // 10^12 respondents (P = 5e11, passives = D = 2.5e11) do not overflow:
  // p_P + p_D - (p_P - p_D)^2 = 0.75 - 0.0625 = 0.6875, SE = 100 sqrt(0.6875 / 10^12).
  const crm::nps_counts huge{.promoters = 500'000'000'000, .passives = 250'000'000'000, .detractors = 250'000'000'000};
  CHECK_THAT(crm::nps_standard_error(huge), WithinRel(100.0 * std::sqrt(0.6875 / 1e12), 1e-12));
}

TEST_CASE("nps statistics: nearly unanimous answers keep their positive standard error", "[statistics][nps]") {
  // p_P + p_D - (p_P - p_D)^2 cancelled to 0 when nearly every answer was a promoter (found by an
  // audit): a standard error of 0 for 1e8 promoters and one detractor in float, and compare_nps then
  // refused "every answer in both surveys is of one kind". Reference: mpmath at 30 digits, from the
  // definition, 100 sqrt((p + d - (p - d)^2) / n) with p = P/n, d = D/n:
  //   python3 -c "import mpmath as mp; mp.mp.dps = 30; n = mp.mpf(P + A + D); p = P/n; d = D/n;
  //               print(100*mp.sqrt((p + d - (p - d)**2)/n))"
  CHECK_THAT(static_cast<double>(crm::nps_standard_error<float>({.promoters = 100'000'000, .passives = 0, .detractors = 1})),
             WithinRel(1.999999970000000375e-6, 1e-6));
  CHECK_THAT(static_cast<double>(crm::nps_standard_error<float>({.promoters = 100'000'000, .passives = 1, .detractors = 0})),
             WithinRel(9.999999850000001875e-7, 1e-6));
  CHECK_THAT(static_cast<double>(crm::nps_standard_error<float>({.promoters = 1'000'000, .passives = 0, .detractors = 1})),
             WithinRel(0.00019999970000037499956, 1e-6));
  CHECK_THAT(crm::nps_standard_error<double>({.promoters = 40'000'000'000'000'000, .passives = 0, .detractors = 1}),
             WithinRel(5.0000000000000011178e-15, 1e-12));
  CHECK_THAT(crm::nps_standard_error<double>({.promoters = 40'000'000'000'000'000, .passives = 1, .detractors = 0}),
             WithinRel(2.5000000000000005589e-15, 1e-12));
  // so the comparison of two such surveys is answered (not "of one kind")
  const auto c = crm::try_compare_nps<float>({.promoters = 100'000'000, .passives = 0, .detractors = 1},
                                             {.promoters = 100'000'000, .passives = 1, .detractors = 0}, 0.95f);
  REQUIRE(c);
  CHECK(c->difference.lower < c->difference.upper);
  const auto c2 = crm::try_compare_nps<double>({.promoters = 40'000'000'000'000'000, .passives = 0, .detractors = 1},
                                               {.promoters = 40'000'000'000'000'000, .passives = 1, .detractors = 0});
  REQUIRE(c2);
}

TEST_CASE("compare_nps: difference, interval and p-value match R", "[statistics][nps]") {
  // a <- sc(60, 25, 15); b <- sc(140, 40, 20); se_x <- sqrt(mean((x - mean(x))^2) / length(x));
  // d <- mean(b) - mean(a); se <- sqrt(sa^2 + sb^2); z <- d / se
  // c(100*d, 100*(d + c(-1, 1)*qnorm(.975)*se), z, 2*pnorm(-abs(z)))
  //   -> 15, -2.170671637658036612, 32.170671637658031727, 1.712190436606048083, 0.086861579274437634
  const auto r = crm::compare_nps({.promoters = 60, .passives = 25, .detractors = 15},
                                  {.promoters = 140, .passives = 40, .detractors = 20});
  CHECK_THAT(r.difference.point, WithinRel(15.0, 1e-12));
  CHECK_THAT(r.difference.lower, WithinRel(-2.170671637658036612, 1e-11));
  CHECK_THAT(r.difference.upper, WithinRel(32.170671637658031727, 1e-12));
  CHECK_THAT(r.z, WithinRel(1.712190436606048083, 1e-12));
  CHECK_THAT(r.p_value, WithinRel(0.086861579274437634, 1e-11));
  // (found by an audit) the interval was not clipped to the differences that exist: one promoter and
  // one detractor in each survey, by hand: NPS 0 each, SE_a = SE_b = 100 sqrt((1/2 + 1/2 - 0) / 2) =
  // 70.71, SE = 100; at 99.9 % z = scipy.stats.norm.isf(0.0005) = 3.2905267314918945, so 0 -/+ 329.05
  // -> [-200, 200]; at 95 % (z = 1.959963984540054) 0 -/+ 195.9963984540054 stays.
  const auto wide = crm::compare_nps({.promoters = 1, .passives = 0, .detractors = 1},
                                     {.promoters = 1, .passives = 0, .detractors = 1}, 0.999);
  CHECK(wide.difference.lower == -200.0);
  CHECK(wide.difference.upper == 200.0);
  const auto inside = crm::compare_nps({.promoters = 1, .passives = 0, .detractors = 1},
                                       {.promoters = 1, .passives = 0, .detractors = 1});
  CHECK_THAT(inside.difference.upper, WithinRel(195.9963984540054, 1e-12));
}

TEST_CASE("nps statistics: bad input is an error naming the field, in both forms", "[statistics][nps][errors]") {
  CHECK_THROWS_WITH(crm::nps_interval({.promoters = 0, .passives = 0, .detractors = 0}),
                    "crm::nps_interval: respondents is empty (no answers)");
  CHECK_THROWS_WITH(crm::nps_standard_error({.promoters = 1, .passives = -1, .detractors = 0}),
                    "crm::nps_standard_error: passives is negative");
  CHECK(crm::try_nps_interval({.promoters = 1, .passives = 0, .detractors = 0}, 1.0).error().code ==
        crm::errc::out_of_range);
  CHECK(crm::try_nps_interval({.promoters = 1, .passives = 0, .detractors = 0}, std::numeric_limits<double>::infinity())
            .error()
            .code == crm::errc::not_finite);
  const auto same = crm::try_compare_nps({.promoters = 5, .passives = 0, .detractors = 0},
                                         {.promoters = 0, .passives = 0, .detractors = 9});
  CHECK(same.error().code == crm::errc::zero_denominator);
  CHECK(std::string(same.error().field) == "standard_error");
  CHECK_THROWS_AS(crm::compare_nps({.promoters = -1, .passives = 0, .detractors = 0},
                                   {.promoters = 1, .passives = 0, .detractors = 0}),
                  crm::metric_error);
  // (found by an audit) compare_nps named a bad count "promoters" whichever survey it was in; now
  // "a.promoters" or "b.promoters", as the A/B functions name "a.successes".
  CHECK_THROWS_WITH(crm::compare_nps({.promoters = 1, .passives = 1, .detractors = 1},
                                     {.promoters = -1, .passives = 1, .detractors = 1}),
                    "crm::compare_nps: b.promoters is negative");
  CHECK(std::string(crm::try_compare_nps({.promoters = 1, .passives = -1, .detractors = 1},
                                         {.promoters = 1, .passives = 1, .detractors = 1})
                        .error()
                        .field) == "a.passives");
  CHECK(std::string(crm::try_compare_nps({.promoters = 1, .passives = 1, .detractors = 1},
                                         {.promoters = 0, .passives = 0, .detractors = 0})
                        .error()
                        .field) == "b.respondents");
  // Counts whose sum exceeds count_t: an overflow error, not a negative number of respondents.
  constexpr crm::count_t max = std::numeric_limits<crm::count_t>::max();
  for (const crm::nps_counts& c : {crm::nps_counts{max, 1, 0}, crm::nps_counts{1, max, 0}, crm::nps_counts{max / 2, max / 2, 2},
                                   crm::nps_counts{0, 0, max}}) {
    const auto r = crm::try_nps_interval(c);
    if (c.detractors == max) {
      CHECK(r.has_value());  // max respondents fits
      continue;
    }
    CHECK(r.error().code == crm::errc::overflow);
    CHECK(std::string(r.error().field) == "respondents");
    CHECK(crm::try_compare_nps(crm::nps_counts{1, 1, 1}, c).error().code == crm::errc::overflow);
    CHECK(std::string(crm::try_compare_nps(c, crm::nps_counts{1, 1, 1}).error().field) == "a.respondents");
  }
}

TEMPLATE_TEST_CASE("nps_interval and compare_nps: the score and the difference from the counts, as crm::nps",
                   "[statistics][nps]", double, long double, crm::decimal50, crm::quad) {
  // (found by an audit) the score was promoters / n - detractors / n, which cancelled: 60, 25, 15 gave
  // 44.999999999999993 where crm::nps gives 45; 300000001, 4e8, 3e8 a score 2.8e-8 off relative;
  // 5e17 + 1 promoters against 5e17 detractors a score of 0. compare_nps's difference of two rounded
  // scores kept only their absolute precision (scores near 50, 5.5e-11 apart: 1e-4 off relative).
  // Now 100 (P - D) / n as crm::nps computes it, and the difference with an exact numerator.
  // References: python3 scripts/statistics_reference.py nps_extremes (mpmath at 60 digits from the
  // counts; level 0.95).
  using T = TestType;
  struct single {
    crm::nps_counts c;
    const char* values[3];  // score, lower, upper
  };
  const single singles[] = {
      {{60, 25, 15}, {"4.5e+1", "3.049759087485795294344594399740385591741e+1", "5.950240912514204705655405600259614408259e+1"}},
      {{300000001, 400000000, 300000000}, {"9.99999999000000000999999999000000001e-8", "-4.800811675555257422450943330599141239523e-3", "4.801011675555057422451143330598941239523e-3"}},
      {{500000000000000001, 0, 500000000000000000}, {"9.99999999999999999000000000000000001e-17", "-1.959963983540053854624448658556616249242e-7", "1.959963985540053854624448656556616249242e-7"}},
      {{3, 1, 1}, {"4.0e+1", "-3.012180324612651688285819561353996662562e+1", "100"}},
  };
  struct pair {
    crm::nps_counts a, b;
    const char* values[3];  // difference, lower, upper
  };
  const pair pairs[] = {
      {{300000000, 400000000, 300000000}, {300000001, 400000000, 300000000}, {"9.99999999000000000999999999000000001e-8", "-6.789414403891336752262544503758800437462e-3", "6.789614403891136752262744503758600437462e-3"}},
      {{600000000000, 250000000000, 150000000000}, {600000000001, 250000000000, 150000000000}, {"5.4999999999945000000000054999999999945e-11", "-2.0509498171851793351498294956065471735e-4", "2.0509509171851793340498294956076471735e-4"}},
  };
  // 8 ulps of the type; the references' 40 digits bound decimal50
  T tolerance = T(8) * T(std::numeric_limits<T>::epsilon());
  if (tolerance < crm_test::parse<T>("1e-38")) tolerance = crm_test::parse<T>("1e-38");
  using std::abs;
  const T level = crm_test::parse<T>("0.95");
  const T level_double = T(0.95);  // the references are for the double 0.95
  for (const single& r : singles) {
    INFO(r.c.promoters << ", " << r.c.passives << ", " << r.c.detractors);
    const auto e = crm::nps_interval(r.c, level_double);
    CHECK(e.point == crm::nps<T>(r.c).points);
    CHECK(crm::nps_interval(r.c, level).point == crm::nps<T>(r.c).points);
    const T got[3] = {e.point, e.lower, e.upper};
    for (int i = 0; i < 3; ++i) {
      const T expected = crm_test::parse<T>(r.values[i]);
      INFO("value " << i << ": " << static_cast<double>(got[i]) << ", mpmath " << r.values[i]);
      CHECK(T(abs(T(got[i] - expected))) <= tolerance * T(abs(expected)));
    }
  }
  for (const pair& r : pairs) {
    INFO(r.a.promoters << " against " << r.b.promoters << " promoters");
    const auto d = crm::compare_nps(r.a, r.b, level_double);
    const T got[3] = {d.difference.point, d.difference.lower, d.difference.upper};
    for (int i = 0; i < 3; ++i) {
      const T expected = crm_test::parse<T>(r.values[i]);
      INFO("value " << i << ": " << static_cast<double>(got[i]) << ", mpmath " << r.values[i]);
      CHECK(T(abs(T(got[i] - expected))) <= tolerance * T(abs(expected)));
    }
  }
}

}  // namespace nps_statistics_test

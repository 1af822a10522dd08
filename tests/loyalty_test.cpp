// Tests of <crm/metrics/loyalty.hpp>: NPS from counts and from raw 0-10 answers, the NPS classifier,
// CSAT from counts and from answers, and the printed form of an NPS.
//
// NPS follows 001_15fb4e46a87cf176.txt lines 82-84 (9-10 promoters, 0-6 detractors, NPS = %
// promoters - % detractors). The seed gives no worked numbers; each expected value is that formula
// applied by hand, written out in the comment. CSAT follows the standard definition (share of
// satisfied answers, 4-5 on a 1-5 scale).
#include "catch.hpp"
#include "limits_helpers.hpp"
#include "number_helpers.hpp"

#include <crm/format.hpp>
#include <crm/metrics/loyalty.hpp>
#include <crm/multiprecision.hpp>

#include <fmt/format.h>

#include <array>
#include <limits>
#include <string>
#include <vector>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace loyalty_test {

namespace {
template <class T>
bool close(const T& a, const T& b) {
  const T eps = std::numeric_limits<T>::epsilon() * T(64);
  const T diff = a > b ? T(a - b) : T(b - a);
  const T mag = b < T(0) ? T(-b) : b;
  return diff <= eps * (mag > T(1) ? mag : T(1));
}
constexpr int five_answers[] = {10, 9, 8, 6, 10};
}  // namespace

// 001_15fb4e46a87cf176.txt line 82: 9-10 promoters, 0-6 detractors (7-8 passives by elimination).
static_assert(crm::nps_category(10) == crm::nps_group::promoter);
static_assert(crm::nps_category(9) == crm::nps_group::promoter);
static_assert(crm::nps_category(8) == crm::nps_group::passive);
static_assert(crm::nps_category(7) == crm::nps_group::passive);
static_assert(crm::nps_category(6) == crm::nps_group::detractor);
static_assert(crm::nps_category(0) == crm::nps_group::detractor);
static_assert(!crm::try_nps_category(11).has_value() && !crm::try_nps_category(-1).has_value());
// 001 line 84: 50 % promoters - 18 % detractors = NPS +32.
static_assert(crm::nps({.promoters = 50, .passives = 32, .detractors = 18}).points == 32.0);
// 3 promoters (10, 9, 10), 1 passive (8), 1 detractor (6) of 5: 60 % - 20 % = +40.
static_assert(crm::nps_of_answers(five_answers).points == 40.0);
static_assert(crm::tally_nps_answers(five_answers).promoters == 3);
// CSAT: 172 satisfied of 200 = 86 %.
static_assert(crm::csat({.satisfied = 172, .respondents = 200}).fraction == 0.86);
static_assert(std::is_trivially_copyable_v<crm::nps_score<double>>);
static_assert(std::is_aggregate_v<crm::nps_counts> && std::is_aggregate_v<crm::csat_counts>);

TEMPLATE_TEST_CASE("nps: % promoters - % detractors (001 line 84), every number type", "[loyalty]", float, double,
                   long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // 50 promoters, 32 passives, 18 detractors of 100: 50 % - 18 % = +32.
  const crm::nps_score<T> s = crm::nps<T>({.promoters = 50, .passives = 32, .detractors = 18});
  CHECK(close(s.points, T(32)));
  CHECK(close(s.promoter_share.fraction, T(1) / T(2)));
  CHECK(close(s.detractor_share.fraction, T(18) / T(100)));
  CHECK(close(s.net().percent(), T(32)));
  // 10 promoters, 20 passives, 70 detractors: 10 % - 70 % = -60.
  CHECK(close(crm::nps<T>({.promoters = 10, .passives = 20, .detractors = 70}).points, T(-60)));
  // Extremes: everybody a promoter is +100, everybody a detractor is -100, only passives is 0.
  CHECK(close(crm::nps<T>({.promoters = 7}).points, T(100)));
  CHECK(close(crm::nps<T>({.detractors = 3}).points, T(-100)));
  CHECK(crm::nps<T>({.passives = 4}).points == T(0));
  // 2 promoters, 1 passive of 3: 200 / 3 = 66.666...
  CHECK(close(crm::nps<T>({.promoters = 2, .passives = 1}).points, T(200) / T(3)));
  // Raw answers, 001 line 82: {10, 9, 8, 6, 10} -> 3 promoters, 1 detractor of 5 -> +40.
  CHECK(close(crm::nps_of_answers<T>(five_answers).points, T(40)));
  CHECK(crm::try_nps_of_answers<T>(five_answers)->points == crm::nps_of_answers<T>(five_answers).points);
  CHECK(crm::try_nps<T>({.promoters = 1})->points == T(100));
}

// The rounding docs/metrics/loyalty.md states: correctly rounded where T holds 100 (p - d) and n
// exactly. Reference: the same quotient in long double (its 64-bit significand holds every
// operand exactly, and rounding its correctly rounded quotient to float is innocuous: 64 >= 2 * 24 + 2,
// Figueroa 1995), for random counts with n and 100 |p - d| below 2^24.
TEST_CASE("nps: float points are correctly rounded below 2^24, within one ulp beyond, decimal50 exact at any count",
          "[loyalty][limits]") {
  std::mt19937_64 g(20261204);
  int checked = 0;
  for (int i = 0; i < 200'000; ++i) {
    const auto n = static_cast<crm::count_t>(1 + g() % 16'777'215);  // 1 .. 2^24 - 1
    const auto p = static_cast<crm::count_t>(g() % static_cast<std::uint64_t>(n + 1));
    const crm::count_t rest = n - p;
    const crm::count_t lo = std::max<crm::count_t>(0, p - 167'772), hi = std::min(rest, p + 167'772);
    if (lo > hi) continue;
    const crm::count_t d = lo + static_cast<crm::count_t>(g() % static_cast<std::uint64_t>(hi - lo + 1));  // 100 |p - d| < 2^24
    const float want = static_cast<float>(100.0L * static_cast<long double>(p - d) / static_cast<long double>(n));
    const float got = crm::nps<float>({.promoters = p, .passives = n - p - d, .detractors = d}).points;
    ++checked;
    if (got != want) {
      INFO(p << " promoters, " << d << " detractors of " << n);
      CHECK(got == want);
    }
  }
  CHECK(checked > 50'000);
  // Beyond 2^24 in float (the audit's case): one ulp from the correctly rounded 37.506073.
  const float beyond = crm::nps<float>({.promoters = 2'431'523, .passives = 416'783, .detractors = 991'400}).points;
  const float exact = static_cast<float>(100.0L * (2'431'523.0L - 991'400.0L) / 3'839'706.0L);
  CHECK(std::fabs(beyond - exact) <= std::nextafter(exact, 100.0f) - exact);
  // decimal50 at counts whose prime factors are above 10^8: the reduced ratio is exact.
  using D = crm::decimal50;
  CHECK(crm::nps<D>({.promoters = 100'000'007, .passives = 0, .detractors = 0}).points == D(100));
  CHECK(crm::nps<D>({.promoters = 1'000'000'007, .passives = 0, .detractors = 1'000'000'007}).points == D(0));
  CHECK(crm::nps<D>({.promoters = 300'000'021, .passives = 700'000'049, .detractors = 0}).points == D(30));
  CHECK(crm::nps<D>({.promoters = 300'000'021, .passives = 700'000'049, .detractors = 0}).promoter_share.fraction == D("0.3"));
}

TEST_CASE("nps: raw answers and counts agree, every score 0..10 lands in its group", "[loyalty]") {
  // One answer of each score 0..10: promoters 9, 10 (2); passives 7, 8 (2); detractors 0..6 (7).
  std::vector<int> all(11);
  for (int i = 0; i <= 10; ++i) all[static_cast<std::size_t>(i)] = i;
  const crm::nps_counts c = crm::tally_nps_answers(all);
  CHECK(c.promoters == 2);
  CHECK(c.passives == 2);
  CHECK(c.detractors == 7);
  // (2 - 7) / 11 x 100 = -45.4545...
  CHECK_THAT(crm::nps_of_answers(all).points, Catch::Matchers::WithinRel(-500.0 / 11.0, 1e-15));
  CHECK(crm::nps_of_answers(all) == crm::nps(c));
}

TEST_CASE("nps: bad counts are errors naming the field, both forms", "[loyalty][errors]") {
  CHECK_THROWS_WITH(crm::nps({}), "crm::nps: respondents is zero (zero denominator)");
  CHECK_THROWS_WITH(crm::nps({.promoters = -1, .passives = 3}), "crm::nps: promoters is negative");
  CHECK(crm::try_nps({.promoters = 4, .passives = -2}).error().code == crm::errc::negative);
  CHECK(std::string(crm::try_nps({.promoters = 4, .passives = -2}).error().field) == "passives");
  CHECK(std::string(crm::try_nps({.promoters = 0, .detractors = -1}).error().field) == "detractors");
  CHECK(crm::try_nps({}).error().code == crm::errc::zero_denominator);
  CHECK_FALSE(crm::nps_counts{}.ok());
  CHECK(crm::nps_counts{.promoters = 1}.ok());
}

TEST_CASE("nps_of_answers: an answer outside 0..10 names its index, both forms", "[loyalty][errors]") {
  const std::array<int, 5> bad{10, 9, 7, 11, 3};
  try {
    (void)crm::nps_of_answers(bad);
    FAIL("no exception");
  } catch (const crm::survey_answer_error& e) {
    CHECK(std::string(e.what()) == "crm::nps_of_answers: answers[3] = 11 is out of range (must lie in 0..10)");
    CHECK(e.index() == 3);
    CHECK(e.answer() == 11);
    CHECK(e.code() == crm::errc::out_of_range);
    CHECK(std::string(e.metric()) == "nps_of_answers");
  }
  const std::vector<int> negative{-1};
  CHECK_THROWS_AS(crm::nps_of_answers(negative), crm::metric_error);
  CHECK_THROWS_WITH(crm::tally_nps_answers(negative),
                    "crm::tally_nps_answers: answers[0] = -1 is out of range (must lie in 0..10)");
  const auto r = crm::try_nps_of_answers(bad);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == crm::errc::out_of_range);
  CHECK(std::string(r.error().field) == "answers");
  CHECK(crm::first_invalid_nps_answer(bad) == 3);
  CHECK(crm::first_invalid_nps_answer(five_answers) == 5);
  CHECK(crm::try_tally_nps_answers(bad).error().code == crm::errc::out_of_range);
  // No answers: an empty-input error (a tally of nothing is all zeros, not an error).
  CHECK(crm::try_nps_of_answers(std::span<const int>{}).error().code == crm::errc::empty_input);
  CHECK_THROWS_WITH(crm::nps_of_answers(std::span<const int>{}), "crm::nps_of_answers: answers is empty");
  CHECK(crm::tally_nps_answers(std::span<const int>{}).respondents() == 0);
  CHECK_THROWS_WITH(crm::nps_category(12), "crm::nps_category: answer is out of range (must lie in 0..10)");
}

TEST_CASE("nps: printed as NPS +32 with a sign, precision on request", "[loyalty][format]") {
  CHECK(fmt::format("{}", crm::nps({.promoters = 50, .passives = 32, .detractors = 18})) == "NPS +32");
  CHECK(fmt::format("{}", crm::nps({.promoters = 10, .passives = 20, .detractors = 70})) == "NPS -60");
  CHECK(fmt::format("{}", crm::nps({.passives = 4})) == "NPS 0");
  CHECK(fmt::format("{:.1}", crm::nps({.promoters = 50, .passives = 32, .detractors = 18})) == "NPS +32.0");
  CHECK(fmt::format("{}", crm::nps({.promoters = 2, .passives = 1})) == "NPS +66.67");
  CHECK(fmt::format("{:.0}", crm::nps({.promoters = 2, .passives = 1})) == "NPS +67");
  // 1 promoter, 2000 passives, 1 detractor: exactly 0, never "+0" or "-0".
  CHECK(fmt::format("{:.1}", crm::nps({.promoters = 1, .passives = 2000, .detractors = 1})) == "NPS 0.0");
  // -1 / 2001 x 100 = -0.04998 rounds to zero at one decimal: printed without a sign.
  CHECK(fmt::format("{:.1}", crm::nps({.passives = 2000, .detractors = 1})) == "NPS 0.0");
  CHECK(fmt::format("{}", crm::nps<crm::decimal50>({.promoters = 3, .passives = 1, .detractors = 1})) == "NPS +40");
}

TEMPLATE_TEST_CASE("csat: satisfied / respondents, every number type", "[loyalty]", float, double, long double,
                   crm::decimal50, crm::quad) {
  using T = TestType;
  // 172 satisfied of 200 = 86 %.
  CHECK(close(crm::csat<T>({.satisfied = 172, .respondents = 200}).percent(), T(86)));
  // Answers {5, 4, 3, 5, 1} on 1-5: 3 answers are 4 or 5 -> 3 / 5 = 60 %.
  constexpr int answers[] = {5, 4, 3, 5, 1};
  CHECK(close(crm::csat_of_answers<T>(answers).percent(), T(60)));
  // The same answers with only 5 counted as satisfied: 2 / 5 = 40 %.
  CHECK(close(crm::csat_of_answers<T>(answers, {.lowest = 1, .highest = 5, .satisfied_from = 5}).percent(), T(40)));
  // A 0-10 scale with 9-10 as satisfied: {10, 9, 8, 0} -> 2 / 4 = 50 %.
  constexpr int ten[] = {10, 9, 8, 0};
  CHECK(close(crm::csat_of_answers<T>(ten, {.lowest = 0, .highest = 10, .satisfied_from = 9}).percent(), T(50)));
  CHECK(crm::try_csat<T>({.satisfied = 1, .respondents = 4})->fraction == crm::csat<T>({.satisfied = 1, .respondents = 4}).fraction);
}

TEST_CASE("csat: bad counts, answers and scales are errors, both forms", "[loyalty][errors]") {
  using crm::errc;
  CHECK_THROWS_WITH(crm::csat({.satisfied = 5, .respondents = 0}), "crm::csat: respondents is zero (zero denominator)");
  CHECK_THROWS_WITH(crm::csat({.satisfied = 5, .respondents = 4}),
                    "crm::csat: satisfied is larger than its whole (must not exceed respondents)");
  CHECK(crm::try_csat({.satisfied = -1, .respondents = 4}).error().code == errc::negative);
  CHECK(crm::try_csat({.satisfied = 1, .respondents = -4}).error().code == errc::negative);
  CHECK(crm::try_csat({.satisfied = 5, .respondents = 4}).error().code == errc::part_exceeds_whole);
  CHECK_FALSE(crm::csat_counts{.satisfied = 5, .respondents = 4}.ok());

  const std::vector<int> bad{5, 6, 1};
  CHECK_THROWS_WITH(crm::csat_of_answers(bad),
                    "crm::csat_of_answers: answers[1] = 6 is out of range (must lie in the scale lowest..highest)");
  CHECK(crm::try_csat_of_answers(bad).error().code == errc::out_of_range);
  CHECK(crm::first_invalid_csat_answer(bad) == 1);
  const std::vector<int> zero{0};
  CHECK(crm::try_csat_of_answers(zero).error().code == errc::out_of_range);  // 0 is outside 1..5
  CHECK(crm::try_csat_of_answers(std::span<const int>{}).error().code == errc::empty_input);
  // Scales: lowest >= highest, satisfied_from outside (lowest, highest].
  const std::vector<int> ok{3};
  const auto bad_scale = crm::try_csat_of_answers(ok, {.lowest = 5, .highest = 1, .satisfied_from = 4});
  CHECK(bad_scale.error().code == errc::out_of_range);
  CHECK(std::string(bad_scale.error().field) == "scale");
  CHECK_THROWS_WITH(crm::csat_of_answers(ok, {.lowest = 1, .highest = 5, .satisfied_from = 6}),
                    "crm::csat_of_answers: scale is out of range (needs lowest < satisfied_from <= highest)");
  CHECK_FALSE(crm::csat_scale{.lowest = 1, .highest = 5, .satisfied_from = 1}.ok());
  CHECK(crm::csat_scale{}.ok());
}

// --- exact decimal division and the limits of the number types -----------------------------------------

TEST_CASE("loyalty: NPS and CSAT are exact in decimal50 whenever they terminate", "[loyalty][exact]") {
  using D = crm::decimal50;
  // Hand arithmetic over 30 and 12 respondents (factor 3: a division through D(n) would round).
  const auto s = crm::nps<D>({.promoters = 15, .passives = 12, .detractors = 3});  // 50 % - 10 % = +40
  CHECK(s.points == D(40));
  CHECK(s.promoter_share.fraction == D("0.5"));
  CHECK(s.detractor_share.fraction == D("0.1"));
  CHECK(crm::nps<D>({.promoters = 3, .passives = 6, .detractors = 3}).points == D(0));
  CHECK(crm::nps<D>({.promoters = 9, .passives = 0, .detractors = 3}).points == D(50));
  CHECK(crm::csat<D>({.satisfied = 27, .respondents = 30}).fraction == D("0.9"));
  const int half[] = {5, 1, 4, 3, 5, 1};  // 3 of 6 satisfied: exactly 0.5
  CHECK(crm::csat_of_answers<D>(half).fraction == D("0.5"));
  const int answers[] = {5, 5, 4, 3, 5, 1, 4, 5, 2, 5, 4, 3};  // 8 of 12: 2/3 does not terminate, close only
  CHECK(crm_test::approx_equal(crm::csat_of_answers<D>(answers).fraction, D(2) / D(3)));
}

TEMPLATE_TEST_CASE("nps: counts at the limits of count_t", "[loyalty][limits]", float, double, long double, crm::decimal50,
                   crm::quad) {
  using T = TestType;
  using crm_test::kMaxCount;
  CHECK(crm::nps<T>({.promoters = kMaxCount}).points == T(100));
  CHECK(crm::nps<T>({.detractors = kMaxCount}).points == T(-100));
  // Respondents beyond count_t: errc::overflow (and ok() false), never a wrapped sum.
  const crm::nps_counts many{.promoters = kMaxCount, .passives = kMaxCount};
  CHECK_FALSE(many.ok());
  crm_test::check_overflow(crm::try_nps<T>(many), [&] { return crm::nps<T>(many); }, "nps", "respondents");
  const crm::nps_counts last{.promoters = kMaxCount - 1, .passives = 0, .detractors = 2};
  CHECK_FALSE(last.ok());
  CHECK(crm::try_nps<T>(last).error().code == crm::errc::overflow);
  CHECK(crm::csat<T>({.satisfied = kMaxCount, .respondents = kMaxCount}).fraction == T(1));
}

}  // namespace loyalty_test

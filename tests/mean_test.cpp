// Tests of <crm/statistics/mean.hpp>: Welford's running statistics, Chan's merge, the t interval.
//
// Reference values from R 4.2.2 (digits = 17) on the CDNOW purchases of ../shared/data:
//   d <- read.table("cdnow/CDNOW_master.txt", header = TRUE); v <- d$dollar_value
//   length(v); mean(v); var(v)          -> 69659, 35.893648056963208, 1316.379340755631347
//   t.test(v)$conf.int                  -> 35.624210862049765, 36.163085251876645
//   t.test(v, conf.level = .999)$conf.int -> 35.441286416907467, 36.346009697018950
//   t.test(c(10, 14), conf.level = .5)$conf.int -> 10, 14 ;  t.test(c(10, 14))$conf.int ->
//     -13.412409472349388, 37.412409472349388
// Tolerance: 1e-12 relative. Welford's and R's two-pass results agree to ~1e-14 on 69 659 values
// of this size; the t quantiles (Boost vs R's qt) agree to a few ulps.
#include "catch.hpp"
#include "data_path.hpp"
#include "number_helpers.hpp"

#include <crm/multiprecision.hpp>
#include <crm/statistics.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace mean_test {

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
constexpr crm::running_stats<double> textbook() {
  crm::running_stats<double> s;
  for (double v : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) s.add(v);
  return s;
}
constexpr crm::running_stats<double> textbook_merged() {
  crm::running_stats<double> a;
  crm::running_stats<double> b;
  for (double v : {2.0, 4.0, 4.0}) a.add(v);
  for (double v : {4.0, 5.0, 5.0, 7.0, 9.0}) b.add(v);
  a.merge(b);
  return a;
}
}  // namespace

// 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squared deviations 32, sample variance 32 / 7.
static_assert(textbook().mean() == 5.0);
static_assert(textbook().sum_of_squares() == 32.0);
static_assert(textbook().variance() == 32.0 / 7.0);
static_assert(textbook_merged().mean() == 5.0 && textbook_merged().sum_of_squares() == 32.0);
static_assert(textbook_merged().count() == 8);

TEST_CASE("mean_interval: the average check of every CDNOW purchase matches R's t.test", "[statistics][mean][data]") {
  const auto file = crm_test::data_file("cdnow/CDNOW_master.txt");
  CRM_REQUIRE_DATA(file);
  std::ifstream in(file);
  std::string header;
  std::getline(in, header);
  std::vector<double> values;
  std::string id;
  long long date = 0;
  long long cds = 0;
  double dollars = 0;
  while (in >> id >> date >> cds >> dollars) values.push_back(dollars);
  REQUIRE(values.size() == 69659);

  crm::running_stats<double> whole;
  for (double v : values) whole.add(v);
  CHECK(whole.count() == 69659);
  CHECK_THAT(whole.mean(), WithinRel(35.893648056963208, 1e-12));
  CHECK_THAT(whole.variance(), WithinRel(1316.379340755631347, 1e-12));
  const auto ci = crm::mean_interval(whole);
  CHECK_THAT(ci.lower, WithinRel(35.624210862049765, 1e-12));
  CHECK_THAT(ci.upper, WithinRel(36.163085251876645, 1e-12));
  const auto ci999 = crm::mean_interval(whole, 0.999);
  CHECK_THAT(ci999.lower, WithinRel(35.441286416907467, 1e-12));
  CHECK_THAT(ci999.upper, WithinRel(36.346009697018950, 1e-12));

  // Four shards of unequal size, merged in a tree: the same statistics as the single stream.
  crm::running_stats<double> parts[4];
  const std::size_t cuts[5] = {0, 7, 20000, 20001, values.size()};
  for (int k = 0; k < 4; ++k)
    for (std::size_t i = cuts[k]; i < cuts[k + 1]; ++i) parts[k].add(values[i]);
  parts[0].merge(parts[1]);
  parts[2].merge(parts[3]);
  parts[0].merge(parts[2]);
  CHECK(parts[0].count() == whole.count());
  CHECK_THAT(parts[0].mean(), WithinRel(whole.mean(), 1e-13));
  CHECK_THAT(parts[0].variance(), WithinRel(whole.variance(), 1e-12));
}

TEMPLATE_TEST_CASE("mean_interval: two values and confidence levels 0.5 / 0.95 match R", "[statistics][mean]", double,
                   long double) {
  using T = TestType;
  crm::running_stats<T> s;
  s.add(T(10));
  s.add(T(14));
  const auto half = crm::mean_interval(s, T(1) / T(2));  // t.test(c(10, 14), conf.level = .5): 10, 14
  CHECK_THAT(static_cast<double>(half.lower), WithinRel(10.0, 1e-12));
  CHECK_THAT(static_cast<double>(half.upper), WithinRel(14.0, 1e-12));
  const auto ci = crm::mean_interval(s, T(95) / T(100));  // t.test(c(10, 14)): -13.412..., 37.412...
  CHECK_THAT(static_cast<double>(ci.lower), WithinRel(-13.412409472349388, 1e-12));
  CHECK_THAT(static_cast<double>(ci.upper), WithinRel(37.412409472349388, 1e-12));
  CHECK(ci.point == T(12));
}

TEST_CASE("running_stats: merging with an empty accumulator, and a large offset", "[statistics][mean]") {
  crm::running_stats<double> a;
  crm::running_stats<double> empty;
  a.add(1.0);
  a.merge(empty);
  CHECK(a.count() == 1);
  empty.merge(a);
  CHECK(empty.mean() == 1.0);
  // Welford is stable where the naive sum of squares cancels: values 1e9 + {4, 7, 13, 16} have
  // sample variance 30 exactly (the textbook example of Chan, Golub & LeVeque).
  crm::running_stats<double> shifted;
  for (double v : {4.0, 7.0, 13.0, 16.0}) shifted.add(1e9 + v);
  CHECK_THAT(shifted.variance(), WithinRel(30.0, 1e-9));
}

TEST_CASE("running_stats and mean_interval: bad input is an error, nothing is added", "[statistics][mean][errors]") {
  crm::running_stats<double> s;
  CHECK(s.try_mean().error().code == crm::errc::empty_input);
  CHECK_THROWS_WITH(s.mean(), "crm::running_stats::mean: count is empty (no values added)");
  CHECK(s.try_add(std::numeric_limits<double>::quiet_NaN()).code == crm::errc::not_finite);
  CHECK_THROWS_AS(s.add(std::numeric_limits<double>::infinity()), crm::metric_error);
  CHECK(s.count() == 0);
  s.add(3.0);
  CHECK(s.try_variance().error().code == crm::errc::empty_input);
  CHECK_THROWS_WITH(crm::mean_interval(s), "crm::mean_interval: count is empty (needs at least 2 values)");
  s.add(5.0);
  CHECK(crm::try_mean_interval(s, 0.0).error().code == crm::errc::out_of_range);
  CHECK(crm::try_mean_interval(s, 1.0).error().code == crm::errc::out_of_range);
  CHECK(crm::try_mean_interval(s, 0.9).has_value());
}

TEST_CASE("mean_interval: from a summary and from a range of values, against mpmath and SciPy", "[statistics][mean]") {
  // scripts/statistics_reference.py part 2: SciPy 1.10 stats.t.interval(level, n - 1, loc=mean,
  // scale=sd / sqrt(n)), and the same interval with mpmath's t quantile (30 digits), used here:
  // SciPy's t.ppf is up to 2.5e-10 relative off at small df (SciPy's value in the comment).
  struct ref {
    crm::count_t n;
    double mean, sd, level, lower, upper;
  };
  const ref refs[] = {
      {30, 1094.0, 250.0, 0.95, 1000.648465810475, 1187.351534189525},  // SciPy: the same
      {69659, 35.89364805696321, 36.28194235, 0.99, 35.539544009278687, 36.247752104647729},  // SciPy: the same
      {5, -3.5, 0.001, 0.5, -3.5003312498061624, -3.4996687501938376},  // SciPy -3.5003312498061527, -3.4996687501938473
  };
  for (const ref& r : refs) {
    INFO("n = " << r.n << ", level " << r.level);
    const crm::mean_summary<double> s{.count = r.n, .mean = r.mean, .standard_deviation = r.sd};
    CHECK(s.ok());
    const auto ci = crm::mean_interval(s, r.level);
    CHECK(ci.point == r.mean);
    CHECK_THAT(ci.lower, WithinRel(r.lower, 1e-12));
    CHECK_THAT(ci.upper, WithinRel(r.upper, 1e-12));
    const auto cl = crm::mean_interval(crm::mean_summary<long double>{r.n, r.mean, r.sd}, static_cast<long double>(r.level));
    CHECK_THAT(static_cast<double>(cl.lower), WithinRel(r.lower, 1e-12));
  }
  // The summary's default type is double, so braced initialisation works without naming it.
  CHECK_THAT(crm::mean_interval({.count = 30, .mean = 1094.0, .standard_deviation = 250.0}).upper,
             WithinRel(1187.351534189525, 1e-12));
  // A range: values = [1200, 850, 990, 1430, 760, 1105, 1320]; mpmath: mean 1093.5714285714286,
  // sd 244.00673292818318, 95 % interval 867.90283906182263, 1319.2400180810345 (SciPy
  // stats.t.interval(0.95, 6, loc=mean, scale=std(ddof=1)/sqrt(7)) -> 867.9028392788568, 1319.2400178640005).
  const std::vector<double> checks{1200, 850, 990, 1430, 760, 1105, 1320};
  const auto v = crm::mean_interval(checks);
  CHECK_THAT(v.point, WithinRel(1093.5714285714286, 1e-14));
  CHECK_THAT(v.lower, WithinRel(867.90283906182263, 1e-12));
  CHECK_THAT(v.upper, WithinRel(1319.2400180810345, 1e-12));
  const float floats[] = {1200.f, 850.f, 990.f, 1430.f, 760.f, 1105.f, 1320.f};
  CHECK_THAT(static_cast<double>(crm::mean_interval(floats).upper), WithinRel(1319.2400180810345, 1e-5));
}

TEMPLATE_TEST_CASE("mean_interval: levels near 0 and 1 keep the t quantile's digits", "[statistics][mean]", float, double,
                   long double, crm::decimal50, crm::quad) {
  // (found by an audit) t came from Boost's quantile of the complement (1 - level) / 2, a probability
  // next to 1/2 at low levels that keeps only its absolute precision: in double t was 2.8e-8 relative
  // off at level 1e-9 and 2.2e-5 at 1e-12 (n = 2, 10, 1000 alike). The upper limit of mean 0, sd 1 is
  // t_{n-1} / sqrt(n) itself. References: python3 scripts/statistics_reference.py t_levels (mpmath at
  // 50 digits: findroot of the t CDF, 2 quad(density, [0, t]) = level below 1/2 and
  // 2 quad(density, [t, inf]) = 1 - level from 1/2 on, for the double levels; checked against
  // betainc(1/2, nu/2, 0, t^2 / (nu + t^2), regularized=True) = level).
  using T = TestType;
  struct ref {
    crm::count_t n;
    double level;
    const char* upper;
  };
  const ref refs[] = {
      {2, 1e-12, "1.110720734539591539413653641759522680582e-12"},
      {2, 1e-09, "1.110720734539591631844956447294596769597e-9"},
      {2, 1e-06, "1.110720734540505042679260106793342590194e-6"},
      {2, 0.5, "7.071067811865475244008443621048490392848e-1"},
      {2, 0.9, "4.464496510753559709313960906639679626444"},
      {2, 0.999999999, "4.501581708098955689537165587269162639933e+8"},
      {10, 1e-12, "4.074733468392932064979087203334906422664e-13"},
      {10, 1e-09, "4.074733468392932401969384990686384923775e-10"},
      {10, 1e-06, "4.074733468394184826342025379340305272999e-7"},
      {10, 0.5, "2.22220254597728483196158317336515244629e-1"},
      {10, 0.9, "5.796812075504562031325991364372664372395e-1"},
      {10, 0.999999999, "8.113224244790682582594654754210812480173"},
      {1000, 1e-12, "3.964319245200795086243755135367385598942e-14"},
      {1000, 1e-09, "3.964319245200795413923030966937595844274e-11"},
      {1000, 1e-06, "3.964319245201834401930901805367830867529e-8"},
      {1000, 0.5, "2.133700714663973941460664213596486395896e-2"},
      {1000, 0.9, "5.206311786485795888529471374191182185694e-2"},
      {1000, 0.999999999, "1.95064775544748266914937297240427759448e-1"},
      {9007199254740992, 1e-12, "1.32058102704995575610075590554156530987e-20"},  // n = 2^53
      {9007199254740992, 1e-09, "1.320581027049955865255682409031069486058e-17"},
      {9007199254740992, 1e-06, "1.320581027050301450207703170578772734158e-14"},
      {9007199254740992, 0.5, "7.106904330916254112740519989505691659914e-9"},
      {9007199254740992, 0.9, "1.733134915942958418230738942451433221652e-8"},
      {9007199254740992, 0.999999999, "6.437309664644847275707721748837563600365e-8"},
  };
  // 64 ulps of the type (Boost's quantile in quad is about 25 ulps off; t, 1/sqrt(n) and their
  // product each round); the references' 40 digits bound decimal50
  using std::abs;
  T tolerance = T(64) * T(std::numeric_limits<T>::epsilon());
  if (tolerance < T(1e-38)) tolerance = T(1e-38);
  for (const ref& r : refs) {
    INFO("n = " << r.n << ", level " << r.level);
    const T level = T(r.level);  // the double the reference was computed for (float: the nearest float)
    if (!(level < T(1))) continue;  // 1 - 1e-9 is 1 in float
    const auto ci = crm::mean_interval(crm::mean_summary<T>{r.n, T(0), T(1)}, level);
    const T expected = crm_test::parse<T>(r.upper);
    const T rel = T(abs(T(ci.upper - expected)) / expected);
    INFO("relative error " << static_cast<double>(rel));
    CHECK(rel <= tolerance);
    CHECK(ci.lower == -ci.upper);
  }
}

TEST_CASE("mean_interval: summary and range errors name the field", "[statistics][mean][errors]") {
  using crm::errc;
  const auto field = [](const auto& r) { return std::string(r.error().field); };
  CHECK(crm::try_mean_interval(crm::mean_summary<double>{.count = 1, .mean = 1.0, .standard_deviation = 1.0}).error().code ==
        errc::empty_input);
  CHECK(field(crm::try_mean_interval(crm::mean_summary<double>{.count = 5, .mean = crm_test::kNaN, .standard_deviation = 1.0})) ==
        "mean");
  CHECK(field(crm::try_mean_interval(crm::mean_summary<double>{.count = 5, .mean = 1.0, .standard_deviation = -1.0})) ==
        "standard_deviation");
  CHECK_FALSE((crm::mean_summary<double>{.count = 5, .mean = 1.0, .standard_deviation = -1.0}.ok()));
  CHECK_FALSE((crm::mean_summary<double>{.count = 1, .mean = 1.0, .standard_deviation = 1.0}.ok()));
  CHECK_THROWS_WITH(crm::mean_interval(std::vector<double>{1.0, crm_test::kInf}),
                    "crm::mean_interval: values is not finite (NaN or infinity)");
  CHECK(crm::try_mean_interval(std::vector<double>{1.0}).error().code == errc::empty_input);
  // Limits beyond the type: mean 1e308, sd 1e308, n = 2 -> half-width 12.7e308.
  const auto over = crm::try_mean_interval(crm::mean_summary<double>{.count = 2, .mean = 1e308, .standard_deviation = 1e308});
  CHECK(over.error().code == errc::overflow);
  CHECK(field(over) == "interval");
}

// Exact mean, sample variance and standard deviation of the binary values (mpmath on fractions,
// scripts/statistics_reference.py part 3); for +/-v by hand: mean 0, variance 2 v^2, sd sqrt(2) v.
TEST_CASE("running_stats: values near the limits of double, float and long double", "[statistics][mean]") {
  using crm::errc;
  {
    crm::running_stats<double> s;
    s.add(1e308);
    s.add(-1e308);
    CHECK(s.mean() == 0.0);
    CHECK(s.try_variance().error().code == errc::overflow);  // 2e616
    CHECK(s.try_sum_of_squares().error().code == errc::overflow);
    CHECK_THAT(s.standard_deviation(), WithinRel(1.4142135623730951e308, 1e-15));
    CHECK(crm::try_mean_interval(s).error().code == errc::overflow);  // sd 1.4e308 x t(1) = 12.7
  }
  {
    const double max = std::numeric_limits<double>::max();
    crm::running_stats<double> s;
    for (double v : {max, max / 2, max / 4, -max}) s.add(v);
    CHECK_THAT(s.mean(), WithinRel(3.370674627866842e307, 1e-15));
    CHECK_THAT(s.standard_deviation(), WithinRel(1.5295805259517894e308, 1e-15));
    crm::running_stats<double> t;
    for (double v : {max, max, -max}) t.add(v);
    CHECK_THAT(t.mean(), WithinRel(5.9923104495410524e307, 1e-15));
    CHECK(t.try_standard_deviation().error().code == errc::overflow);  // 2.08e308
    // Merged halves give the same.
    crm::running_stats<double> a, b;
    a.add(max);
    a.add(max / 2);
    b.add(max / 4);
    b.add(-max);
    a.merge(b);
    CHECK_THAT(a.mean(), WithinRel(3.370674627866842e307, 1e-15));
    CHECK_THAT(a.standard_deviation(), WithinRel(1.5295805259517894e308, 1e-15));
  }
  {
    crm::running_stats<double> tiny;  // squares of 1e-300 underflow; the scaled update keeps them
    for (double v : {1e-300, 3e-300, 2e-300}) tiny.add(v);
    CHECK_THAT(tiny.mean(), WithinRel(2e-300, 1e-15));
    CHECK_THAT(tiny.standard_deviation(), WithinRel(1e-300, 1e-15));
  }
  {
    const float max = std::numeric_limits<float>::max();
    crm::running_stats<float> s;
    s.add(max);
    s.add(-max);
    CHECK(s.mean() == 0.0f);
    CHECK(s.try_standard_deviation().error().code == errc::overflow);  // 4.81e38
    crm::running_stats<float> t;
    for (float v : {3e38f, 3e38f, 1e38f}) t.add(v);
    CHECK_THAT(static_cast<double>(t.mean()), WithinRel(2.3333333263413603e38, 1e-6));
    CHECK_THAT(static_cast<double>(t.standard_deviation()), WithinRel(1.1547005600120964e38, 1e-6));
    CHECK(t.try_variance().error().code == errc::overflow);
  }
  {
    crm::running_stats<long double> s;
    s.add(5e4931L);
    s.add(-5e4931L);
    CHECK(s.mean() == 0.0L);
    CHECK(s.try_variance().error().code == errc::overflow);
    const long double sd = s.standard_deviation();
    CHECK(std::abs(sd / (1.41421356237309504880L * 5e4931L) - 1.0L) < 1e-17L);
  }
  // The count itself: 2^63 - 1 values at most. Merging an accumulator with itself doubles it.
  crm::running_stats<double> doubling;
  doubling.add(1.0);
  for (int k = 0; k < 62; ++k) doubling.merge(doubling);
  CHECK(doubling.count() == crm::count_t{1} << 62);
  const crm::error_info e = doubling.try_merge(doubling);
  CHECK(e.code == errc::overflow);
  CHECK(std::string(e.field) == "count");
  CHECK(doubling.count() == crm::count_t{1} << 62);  // nothing merged
}

}  // namespace mean_test

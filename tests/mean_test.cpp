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

#include <crm/statistics.hpp>

#include <fstream>
#include <limits>
#include <string>
#include <vector>

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

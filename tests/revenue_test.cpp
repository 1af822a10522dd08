// Tests of <crm/metrics/revenue.hpp>: ROI, ROMI, average check, LTV/CLV, CAC.
#include "catch.hpp"

#include <crm/metrics.hpp>
#include <crm/multiprecision.hpp>

#include <limits>

using Catch::Matchers::WithinRel;

// 004_27df46bff09b8c6f.txt line 111: invested 100 000 RUB, income 250 000 RUB -> ROI 150 %.
static_assert(crm::roi({.revenue = 250'000.0, .cost = 100'000.0}).percent() == 150.0);
// 004_27df46bff09b8c6f.txt line 269 (and the table at lines 278-282): 100 000 -> 150 000 is 50 %.
static_assert(crm::roi({.revenue = 150'000.0, .cost = 100'000.0}).fraction == 0.5);

TEMPLATE_TEST_CASE("roi: worked examples of 004 for every number type", "[revenue]", float, double,
                   long double, crm::decimal50, crm::quad) {
  using T = TestType;
  CHECK(crm::roi(crm::investment<T>{.revenue = T(250000), .cost = T(100000)}).percent() == T(150));
  CHECK(crm::roi(crm::investment<T>{.revenue = T(150000), .cost = T(100000)}).percent() == T(50));
  CHECK(crm::roi(crm::investment<T>{.revenue = T(50000), .cost = T(100000)}).percent() == T(-50));
}

TEST_CASE("roi: bad input is an error naming metric and field, in both forms", "[revenue][errors]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(crm::roi({.revenue = 1.0, .cost = 0.0}), "crm::roi: cost is zero (zero denominator)");
  CHECK_THROWS_WITH(crm::roi({.revenue = -1.0, .cost = 5.0}), "crm::roi: revenue is negative");
  CHECK_THROWS_AS(crm::roi({.revenue = nan, .cost = 5.0}), crm::metric_error);
  CHECK(crm::try_roi({.revenue = 1.0, .cost = -2.0}).error().code == crm::errc::negative);
  CHECK(crm::try_roi({.revenue = nan, .cost = 2.0}).error().code == crm::errc::not_finite);
  CHECK(crm::try_roi({.revenue = 1.0, .cost = std::numeric_limits<double>::infinity()}).error().code ==
        crm::errc::not_finite);
  CHECK_FALSE(crm::investment<double>{.revenue = 1.0, .cost = 0.0}.ok());
  CHECK(crm::investment<double>{.revenue = 1.0, .cost = 2.0}.ok());
}

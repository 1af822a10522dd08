// Tests of <crm/statistics/samples.hpp>: each sample's observed rate is the metric it stands for.
#include "catch.hpp"

#include <crm/metrics.hpp>
#include <crm/statistics.hpp>

#include <limits>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace samples_test {

TEST_CASE("samples: the observed rate of each sample equals the library's metric", "[statistics][samples]") {
  crm::email_campaign<double> c;
  c.sent = 10'000;
  c.delivered = 9'600;
  c.unique_opens = 2'400;
  c.unique_clicks = 480;
  c.conversions = 96;
  c.unsubscribed = 12;
  c.hard_bounces = 300;
  c.soft_bounces = 100;
  c.revenue = 5'000.0;
  c.cost = 1'000.0;
  REQUIRE(c.ok());
  CHECK(crm::open_rate_sample(c).observed() == crm::open_rate(c));
  CHECK(crm::click_through_sample(c).observed() == crm::click_through_rate(c));
  CHECK(crm::click_to_open_sample(c).observed() == crm::click_to_open_rate(c));
  CHECK(crm::email_conversion_sample(c).observed() == crm::email_conversion_rate(c));
  CHECK(crm::unsubscribe_sample(c).observed() == crm::unsubscribe_rate(c));
  const crm::conversion_counts conv{.actions = 25, .audience = 1'000};
  CHECK(crm::conversion_sample(conv).observed() == crm::conversion_rate(conv));
  const crm::churn_counts churn{.customers_at_start = 800, .customers_lost = 40};
  CHECK(crm::churn_sample(churn).observed() == crm::churn_rate(churn));
  const crm::retention_counts ret{.customers_at_start = 1'000, .customers_at_end = 1'050, .new_customers = 150};
  CHECK(crm::retention_sample(ret).observed() == crm::retention_rate(ret));
  const crm::repeat_counts rep{.repeat_customers = 300, .customers = 1'200};
  CHECK(crm::repeat_purchase_sample(rep).observed() == crm::repeat_purchase_share(rep));
  // The interval of the open rate: 2 400 of 9 600 = 25 %, Wilson 95 %. R 4.2.2:
  // prop.test(2400, 9600, correct = FALSE)$conf.int -> 0.24143925427803292, 0.25876074167343943
  const auto e = crm::proportion_interval(crm::open_rate_sample(c));
  CHECK(e.point == crm::open_rate(c));
  CHECK_THAT(e.lower.fraction, Catch::Matchers::WithinRel(0.24143925427803292, 1e-12));
  CHECK_THAT(e.upper.fraction, Catch::Matchers::WithinRel(0.25876074167343943, 1e-12));
  // Invalid counts reach the interval function, which names them.
  const crm::churn_counts bad{.customers_at_start = 0, .customers_lost = 0};
  CHECK(crm::try_proportion_interval(crm::churn_sample(bad)).error().code == crm::errc::zero_denominator);
  // A negative (invalid) count whose difference would overflow count_t: no wrap-around; the
  // interval reports successes larger than the trials.
  const crm::retention_counts wild{.customers_at_start = 10,
                                   .customers_at_end = std::numeric_limits<crm::count_t>::max(),
                                   .new_customers = -5};
  CHECK(crm::try_proportion_interval(crm::retention_sample(wild)).error().code == crm::errc::part_exceeds_whole);
}


}  // namespace samples_test

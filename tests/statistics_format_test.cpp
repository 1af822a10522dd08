// Tests of <crm/statistics/format.hpp>: estimates print as "12.5% [11.8%, 13.2%] 95% CI".
#include "catch.hpp"

#include <crm/statistics.hpp>
#include <crm/statistics/format.hpp>

#include <fmt/format.h>

TEST_CASE("statistics format: a rate estimate prints in percent with its interval and level", "[statistics][format]") {
  // Wilson interval of 81 of 263 (R: 0.25528851987827428, 0.36620957698280016).
  const auto e = crm::proportion_interval({.successes = 81, .trials = 263});
  CHECK(fmt::format("{}", e) == "30.8% [25.53%, 36.62%] 95% CI");
  CHECK(fmt::format("{:.1}", e) == "30.8% [25.5%, 36.6%] 95% CI");
  CHECK(fmt::format("{:.0}", e) == "31% [26%, 37%] 95% CI");
  const crm::rate_estimate<double> built{{0.125}, {0.118}, {0.132}, 0.999};
  CHECK(fmt::format("{}", built) == "12.5% [11.8%, 13.2%] 99.9% CI");
  const crm::rate_estimate<long double> half{{0.5L}, {0.25L}, {0.75L}, 0.5L};
  CHECK(fmt::format("{}", half) == "50% [25%, 75%] 50% CI");
}

TEST_CASE("statistics format: NPS and mean estimates print in their own units", "[statistics][format]") {
  // R: nps(sc(60, 25, 15)) -> 45, 30.497590874857956, 59.502409125142044
  const auto nps = crm::nps_interval({.promoters = 60, .passives = 25, .detractors = 15});
  CHECK(fmt::format("{}", nps) == "45 [30.5, 59.5] 95% CI");
  CHECK(fmt::format("{:.2}", nps) == "45.00 [30.50, 59.50] 95% CI");
  const auto lift = crm::rate_difference({.successes = 120, .trials = 2400}, {.successes = 150, .trials = 2400});
  CHECK(fmt::format("{:.2}", lift) == "1.25% [-0.06%, 2.56%] 95% CI");
}

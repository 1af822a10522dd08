// CRM_METRICS_ASSERT, the check of programming errors (docs/errors.md: "which you can define before
// including any header; it defaults to `assert`"): defined here to record its message, so that a
// programming error is seen to reach it. (The checks sit in noexcept functions, so a definition that
// throws would terminate; the one tried here is building a result from an error_info that holds no
// error, after which the result is still well defined.)
#include <string>

namespace {
std::string last_assert;
}
#define CRM_METRICS_ASSERT(cond, msg) ((cond) ? void(0) : void(last_assert = (msg)))

#include "catch.hpp"

#include <crm/metrics.hpp>

TEST_CASE("CRM_METRICS_ASSERT: a definition before the headers replaces assert", "[core][docs]") {
  last_assert.clear();
  const auto ok = crm::try_roi({.revenue = 2.0, .cost = 1.0});
  CHECK(ok->fraction == 1.0);
  CHECK(last_assert.empty());  // a result with a value passes every check
  const crm::result<crm::rate<double>> r{crm::error_info{}};  // an error_info whose code is errc::ok
  CHECK(last_assert == "crm::result built from an error_info without error");
}

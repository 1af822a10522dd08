// crm-metrics tests: checks shared by the overflow grids (values near the limits of each number
// type) and the exact decimal division grids of the metric tests.
#pragma once

#include "catch.hpp"

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>
#include <crm/core/result.hpp>

#include <limits>
#include <string>

namespace crm_test {

/// Both forms report errc::overflow naming `metric` and `field`: the try_ form's error_info, and
/// the message the throwing form raises ("crm::roi: result overflows the number type (...)").
template <class R, class Throwing>
void check_overflow(const crm::result<R>& r, Throwing&& throwing, const std::string& metric, const std::string& field) {
  INFO(metric << " field " << field);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == crm::errc::overflow);
  CHECK(std::string(r.error().metric) == metric);
  CHECK(std::string(r.error().field) == field);
  const std::string start = "crm::" + metric + ": " + field + " overflows the number type (";
  try {
    (void)throwing();
    FAIL("no exception from " << metric);
  } catch (const crm::metric_error& e) {
    CHECK(e.code() == crm::errc::overflow);
    CHECK(std::string(e.what()).rfind(start, 0) == 0);
  }
}

/// The largest finite value of T and the smallest positive normal one.
template <class T>
T largest() {
  return std::numeric_limits<T>::max();
}
template <class T>
T smallest() {
  return std::numeric_limits<T>::min();
}

inline constexpr crm::count_t kMaxCount = std::numeric_limits<crm::count_t>::max();

}  // namespace crm_test

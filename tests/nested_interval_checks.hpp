// crm-metrics tests: checks shared by the tests of the nested models' covariance and intervals
// (boundary_report::nested_covariance, crm::try_parameter_estimate(nested, boundary)).
#pragma once

#include "catch.hpp"

#include <crm/models/fit.hpp>
#include <crm/models/intervals.hpp>

#include <cmath>
#include <cstddef>
#include <vector>

namespace crm_test {
/// Every entry C(i, j) within `tol` sqrt(ref_ii ref_jj) of the reference (the correlation's scale), and
/// the size the reference's.
inline void check_covariance(const crm::parameter_covariance& c, const std::vector<std::vector<double>>& ref, double tol) {
  REQUIRE(c.size == ref.size());
  for (std::size_t i = 0; i < ref.size(); ++i)
    for (std::size_t j = 0; j < ref.size(); ++j) {
      INFO("entry " << i << ", " << j);
      CHECK_THAT(c(i, j), Catch::Matchers::WithinAbs(ref[i][j], tol * std::sqrt(ref[i][i] * ref[j][j])));
    }
}
/// A delta-method interval against a reference: the estimate within 1e-6, its standard error within
/// 1e-3 and the bounds within `bounds_tol` (relative).
inline void check_interval(const crm::result<crm::prediction_interval<double>>& r, double f, double se, double lower, double upper,
                           double bounds_tol) {
  using Catch::Matchers::WithinRel;
  REQUIRE(r);
  CHECK_THAT(r->estimate, WithinRel(f, 1e-6));
  CHECK_THAT(r->standard_error, WithinRel(se, 1e-3));
  CHECK_THAT(r->lower, WithinRel(lower, bounds_tol));
  CHECK_THAT(r->upper, WithinRel(upper, bounds_tol));
}
}  // namespace crm_test

// crm-metrics tests: a model's likelihood along a ridge toward a limit of its parameter space.
#pragma once

#include "catch.hpp"

#include <crm/core/error.hpp>
#include <crm/models/fit.hpp>

#include <string>
#include <vector>

namespace crm_test {

/// The log-likelihood of `rows` under model_at(k), k = 1e2, 1e4, 1e6 (farther and farther along the ridge), rises
/// with k, stays below `sup` (the limit's supremum from an independent fit) and ends within `reach` of it.
template <class ModelAt, class Row>
void check_climbs_toward(ModelAt&& model_at, const std::vector<Row>& rows, double sup, double reach) {
  double previous = -1e300;
  for (const double k : {1e2, 1e4, 1e6}) {
    const auto m = model_at(k);
    double ll = 0;
    for (const Row& c : rows) ll += m.log_likelihood(c);
    CAPTURE(k, ll);
    CHECK(ll < sup + 1e-9);
    CHECK(ll > previous);
    previous = ll;
  }
  CHECK(previous > sup - reach);
}

/// fit(options) fails with errc::not_identifiable on `field`, its detail containing `phrase`, under both boundary
/// policies (a limit the fit names without an estimate).
template <class Fit>
void check_named_under_both_policies(Fit&& fit, const std::string& field, const std::string& phrase) {
  for (const crm::fit_options& o : {crm::fit_options{}, crm::fit_options{.on_boundary = crm::boundary_policy::report}}) {
    const auto f = fit(o);
    REQUIRE_FALSE(f);
    CHECK(f.error().code == crm::errc::not_identifiable);
    CHECK(std::string(f.error().field) == field);
    CHECK(std::string(f.error().detail).find(phrase) != std::string::npos);
  }
}

}  // namespace crm_test

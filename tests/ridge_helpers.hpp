// crm-metrics tests: a model's likelihood along a ridge toward a limit of its parameter space.
#pragma once

#include "catch.hpp"

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

}  // namespace crm_test

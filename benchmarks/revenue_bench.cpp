// crm-metrics benchmarks: revenue metrics, library (throwing) vs try_ (non-throwing) vs hand-written.
// SPDX-License-Identifier: MIT
//
// For each metric: BM_<metric>_library, BM_<metric>_try and BM_<metric>_hand (the bare double
// expression, no checks), each over 1024 different valid inputs so nothing constant-folds.
#include <crm/metrics/revenue.hpp>

#include "metric_bench.hpp"

#include <array>
#include <cstddef>

namespace {
constexpr std::size_t n_inputs = 1024;

/// One customer segment: every field any revenue metric below needs, all valid.
struct segment {
  double revenue, cost, average_check, frequency, length, churn, margin, retention, discount;
  crm::count_t orders;
};

const std::array<segment, n_inputs>& segments() {
  static const std::array<segment, n_inputs> all = [] {
    std::array<segment, n_inputs> a{};
    for (std::size_t i = 0; i < n_inputs; ++i) {
      const double k = static_cast<double>(i);
      a[i] = segment{.revenue = 100'000.0 + 37.0 * k,
                     .cost = 20'000.0 + 11.0 * k,
                     .average_check = 25.0 + 0.25 * k,
                     .frequency = 1.0 + 0.01 * k,
                     .length = 1.0 + 0.005 * k,
                     .churn = 0.02 + 0.0005 * k,
                     .margin = 10.0 + 0.1 * k,
                     .retention = 0.5 + 0.0004 * k,
                     .discount = 0.05 + 0.0001 * k,
                     .orders = 50 + static_cast<crm::count_t>(i)};
    }
    return a;
  }();
  return all;
}

}  // namespace

// Each metric: (name, inputs expression over `s`, member of the result, hand-written expression).
#define CRM_REVENUE_BENCH(metric, inputs, member, hand_expr) \
  CRM_METRIC_BENCH(metric, segment, segments, s, CRM_ARGS(inputs), member, hand_expr)

CRM_REVENUE_BENCH(roi, CRM_ARGS({.revenue = s.revenue, .cost = s.cost}), fraction, (s.revenue - s.cost) / s.cost);
CRM_REVENUE_BENCH(romi, CRM_ARGS({.revenue = s.revenue, .marketing_cost = s.cost}), fraction, (s.revenue - s.cost) / s.cost);
CRM_REVENUE_BENCH(average_check, CRM_ARGS({.revenue = s.revenue, .orders = s.orders}), amount,
                  s.revenue / static_cast<double>(s.orders));
CRM_REVENUE_BENCH(ltv,
                  CRM_ARGS({.average_check = s.average_check, .purchase_frequency = s.frequency,
                            .relationship_length = s.length}),
                  amount, s.average_check * s.frequency * s.length);
CRM_REVENUE_BENCH(ltv_from_churn,
                  CRM_ARGS({.average_check = s.average_check, .purchase_frequency = s.frequency, .churn_rate = s.churn}),
                  amount, s.average_check * s.frequency * 1.0 / s.churn);
CRM_REVENUE_BENCH(discounted_ltv, CRM_ARGS({.margin = s.margin, .retention_rate = s.retention, .discount_rate = s.discount}),
                  amount, s.margin * s.retention / (1.0 + s.discount - s.retention));
CRM_REVENUE_BENCH(cac_payback_period, CRM_ARGS({.acquisition_cost = s.cost / 100.0, .margin_per_period = s.margin}), count,
                  s.cost / 100.0 / s.margin);
CRM_REVENUE_BENCH(ltv_to_cac, CRM_ARGS({.lifetime_value = s.revenue / 50.0, .acquisition_cost = s.cost / 100.0}), factor,
                  s.revenue / 50.0 / (s.cost / 100.0));

BENCHMARK_MAIN();

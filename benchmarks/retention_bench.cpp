// crm-metrics benchmarks: retention metrics, library (throwing) vs try_ (non-throwing) vs hand-written.
// SPDX-License-Identifier: MIT
//
// For each metric: BM_<metric>_library, BM_<metric>_try and BM_<metric>_hand (the bare double
// expression, no checks), each over 1024 different valid inputs so nothing constant-folds.
#include <crm/metrics/retention.hpp>

#include "metric_bench.hpp"

#include <array>
#include <cstddef>

namespace {
constexpr std::size_t n_inputs = 1024;

/// One period of a customer base: every field any metric below needs, all valid.
struct period {
  crm::count_t at_start, at_end, fresh, lost, repeaters, purchases;
  double churn, first_day, last_day;
};

const std::array<period, n_inputs>& periods() {
  static const std::array<period, n_inputs> all = [] {
    std::array<period, n_inputs> a{};
    for (std::size_t i = 0; i < n_inputs; ++i) {
      const auto k = static_cast<crm::count_t>(i);
      const crm::count_t start = 5'000 + 3 * k, lost = 100 + k % 200, fresh = 150 + k % 250;
      a[i] = period{.at_start = start,
                    .at_end = start - lost + fresh,
                    .fresh = fresh,
                    .lost = lost,
                    .repeaters = 1'000 + k,
                    .purchases = 2 + k % 20,
                    .churn = 0.01 + 0.0005 * static_cast<double>(k),
                    .first_day = 19'000.0 + static_cast<double>(k),
                    .last_day = 19'100.0 + 2.0 * static_cast<double>(k)};
    }
    return a;
  }();
  return all;
}

}  // namespace

// Each metric: (name, inputs expression over `p`, accessor of the result value, hand-written expression).
#define CRM_RETENTION_BENCH(metric, inputs, member, hand_expr) \
  CRM_METRIC_BENCH(metric, period, periods, p, CRM_ARGS(inputs), member, hand_expr)

CRM_RETENTION_BENCH(retention_rate,
                    CRM_ARGS({.customers_at_start = p.at_start, .customers_at_end = p.at_end, .new_customers = p.fresh}),
                    fraction, static_cast<double>(p.at_end - p.fresh) / static_cast<double>(p.at_start));
CRM_RETENTION_BENCH(churn_rate, CRM_ARGS({.customers_at_start = p.at_start, .customers_lost = p.lost}), fraction,
                    static_cast<double>(p.lost) / static_cast<double>(p.at_start));
CRM_RETENTION_BENCH(repeat_purchase_share, CRM_ARGS({.repeat_customers = p.repeaters, .customers = p.at_start}), fraction,
                    static_cast<double>(p.repeaters) / static_cast<double>(p.at_start));
CRM_RETENTION_BENCH(customer_lifetime, CRM_ARGS({.churn_rate = p.churn}), count, 1.0 / p.churn);
CRM_RETENTION_BENCH(average_time_between_purchases,
                    CRM_ARGS({.first_purchase = crm::days<double>(p.first_day),
                              .last_purchase = crm::days<double>(p.last_day), .purchases = p.purchases}),
                    count(), (p.last_day - p.first_day) / static_cast<double>(p.purchases - 1));

BENCHMARK_MAIN();

// crm-metrics benchmarks: acquisition metrics, library (throwing) vs try_ (non-throwing) vs hand-written.
// SPDX-License-Identifier: MIT
//
// For each metric: BM_<metric>_library, BM_<metric>_try and BM_<metric>_hand (the bare double
// expression, no checks), each over 1024 different valid inputs so nothing constant-folds.
#include <crm/metrics/acquisition.hpp>

#include "metric_bench.hpp"

#include <array>
#include <cstddef>

namespace {
constexpr std::size_t n_inputs = 1024;

/// One acquisition period: every field any metric below needs, all valid.
struct period {
  crm::count_t visitors, leads, customers, base_at_start, base_at_end;
  double cost;
};

const std::array<period, n_inputs>& periods() {
  static const std::array<period, n_inputs> all = [] {
    std::array<period, n_inputs> a{};
    for (std::size_t i = 0; i < n_inputs; ++i) {
      const auto k = static_cast<crm::count_t>(i);
      a[i] = period{.visitors = 10'000 + 37 * k,
                    .leads = 200 + k % 300,
                    .customers = 20 + k % 150,
                    .base_at_start = 5'000 + 3 * k,
                    .base_at_end = 5'100 + 2 * k + k % 17,
                    .cost = 40'000.0 + 13.0 * static_cast<double>(k)};
    }
    return a;
  }();
  return all;
}

}  // namespace

// Each metric: (name, inputs expression over `p`, member of the result, hand-written expression).
#define CRM_ACQUISITION_BENCH(metric, inputs, member, hand_expr) \
  CRM_METRIC_BENCH(metric, period, periods, p, CRM_ARGS(inputs), member, hand_expr)

CRM_ACQUISITION_BENCH(conversion_rate, CRM_ARGS({.actions = p.customers, .audience = p.visitors}), fraction,
                      static_cast<double>(p.customers) / static_cast<double>(p.visitors));
CRM_ACQUISITION_BENCH(lead_conversion, CRM_ARGS({.new_customers = p.customers, .leads = p.leads}), fraction,
                      static_cast<double>(p.customers) / static_cast<double>(p.leads));
CRM_ACQUISITION_BENCH(customer_base_growth, CRM_ARGS({.customers_at_start = p.base_at_start, .customers_at_end = p.base_at_end}),
                      fraction,
                      (static_cast<double>(p.base_at_end) - static_cast<double>(p.base_at_start)) /
                          static_cast<double>(p.base_at_start));
CRM_ACQUISITION_BENCH(cac, CRM_ARGS({.marketing_and_sales_cost = p.cost, .new_customers = p.customers}), amount,
                      p.cost / static_cast<double>(p.customers));

// The funnel (3 stages, std::array form): the overall rate and both stage rates are computed.
void BM_funnel_library(benchmark::State& st) {
  crm_bench::run_inputs(st, periods(), [](const period& p) {
    const crm::funnel_conversion<double, 3> f = crm::funnel(std::array<crm::count_t, 3>{p.visitors, p.leads, p.customers});
    return f.overall.fraction + f.stage_rates[0].fraction + f.stage_rates[1].fraction;
  });
}
void BM_funnel_try(benchmark::State& st) {
  crm_bench::run_inputs(st, periods(), [](const period& p) {
    const auto f = crm::try_funnel(std::array<crm::count_t, 3>{p.visitors, p.leads, p.customers});
    return f ? f->overall.fraction + f->stage_rates[0].fraction + f->stage_rates[1].fraction : -1.0;
  });
}
void BM_funnel_hand(benchmark::State& st) {
  crm_bench::run_inputs(st, periods(), [](const period& p) {
    const double v = static_cast<double>(p.visitors), l = static_cast<double>(p.leads), c = static_cast<double>(p.customers);
    return c / v + l / v + c / l;
  });
}
BENCHMARK(BM_funnel_library);
BENCHMARK(BM_funnel_try);
BENCHMARK(BM_funnel_hand);

BENCHMARK_MAIN();

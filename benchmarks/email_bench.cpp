// crm-metrics benchmarks: e-mail metrics, library (throwing) vs try_ (non-throwing) vs hand-written.
// SPDX-License-Identifier: MIT
//
// For each metric: BM_<metric>_library, BM_<metric>_try and BM_<metric>_hand (the bare double
// expression, no checks), each over 1024 different valid campaigns so nothing constant-folds.
#include <crm/metrics/email.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>

namespace {
constexpr std::size_t n_inputs = 1024;

const std::array<crm::email_campaign<double>, n_inputs>& campaigns() {
  static const std::array<crm::email_campaign<double>, n_inputs> all = [] {
    std::array<crm::email_campaign<double>, n_inputs> a{};
    for (std::size_t i = 0; i < n_inputs; ++i) {
      const auto k = static_cast<crm::count_t>(i);
      crm::email_campaign<double>& c = a[i];
      c.sent = 10'000 + 37 * k;
      c.hard_bounces = 50 + k % 40;
      c.soft_bounces = 120 + k % 90;
      c.delivered = c.sent - c.hard_bounces - c.soft_bounces;
      c.unique_opens = c.delivered / 5 + k % 300;
      c.unique_clicks = c.unique_opens / 6 + k % 50;
      c.conversions = c.unique_clicks / 4;
      c.unsubscribed = 5 + k % 20;
      c.spam_complaints = 1 + k % 7;
      c.revenue = 40'000.0 + 13.0 * static_cast<double>(k);
      c.cost = 12'000.0 + 3.0 * static_cast<double>(k % 97);
    }
    return a;
  }();
  return all;
}

template <class F>
void run(benchmark::State& state, F f) {
  const auto& in = campaigns();
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = f(in[i]);
    benchmark::DoNotOptimize(r);
    i = (i + 1) % n_inputs;
  }
}
}  // namespace

#define CRM_EMAIL_BENCH(metric, hand_expr)                                                                      \
  void BM_##metric##_library(benchmark::State& s) {                                                             \
    run(s, [](const crm::email_campaign<double>& c) { return crm::metric(c).fraction; });                       \
  }                                                                                                             \
  void BM_##metric##_try(benchmark::State& s) {                                                                 \
    run(s, [](const crm::email_campaign<double>& c) {                                                           \
      const auto r = crm::try_##metric(c);                                                                      \
      return r ? r->fraction : -1.0;                                                                            \
    });                                                                                                         \
  }                                                                                                             \
  void BM_##metric##_hand(benchmark::State& s) {                                                                \
    run(s, [](const crm::email_campaign<double>& c) { return hand_expr; });                                     \
  }                                                                                                             \
  BENCHMARK(BM_##metric##_library);                                                                             \
  BENCHMARK(BM_##metric##_try);                                                                                 \
  BENCHMARK(BM_##metric##_hand);

CRM_EMAIL_BENCH(open_rate, static_cast<double>(c.unique_opens) / static_cast<double>(c.delivered))
CRM_EMAIL_BENCH(open_rate_of_sent, static_cast<double>(c.unique_opens) / static_cast<double>(c.sent))
CRM_EMAIL_BENCH(click_through_rate, static_cast<double>(c.unique_clicks) / static_cast<double>(c.delivered))
CRM_EMAIL_BENCH(click_to_open_rate, static_cast<double>(c.unique_clicks) / static_cast<double>(c.unique_opens))
CRM_EMAIL_BENCH(email_conversion_rate, static_cast<double>(c.conversions) / static_cast<double>(c.sent))
CRM_EMAIL_BENCH(email_refusal_rate,
                static_cast<double>(c.unsubscribed + c.spam_complaints) / static_cast<double>(c.delivered))
CRM_EMAIL_BENCH(email_bounce_rate, static_cast<double>(c.hard_bounces + c.soft_bounces) / static_cast<double>(c.sent))
CRM_EMAIL_BENCH(email_roi, (c.revenue - c.cost) / c.cost)

BENCHMARK_MAIN();

// crm-metrics benchmarks: what one BG/BB prediction costs as the opportunities n grow, and the DERT
// refusal of a discount rate too small to sum (docs/models.md, BG/BB, "Work and limits").
// SPDX-License-Identifier: MIT
//
// Run: build/<dir>/benchmarks/bg_bb_bench --benchmark_repetitions=5
//        --benchmark_report_aggregates_only=true   (quote the medians; about 40 s in all)
// Model: the donations estimates (FHS 2010: 1.204, 0.750, 0.657, 2.783). The customer bought once, at
// the first opportunity (x = 1, t_x = 1), then nothing for n - 1 opportunities: the sums run over
// n - t_x terms, the most a row of n opportunities asks. n = 10^5 and 10^6 (10^8 is a hundred
// times 10^6: every step is the same work, left out to keep the run short).
#include <crm/models/bg_bb.hpp>

#include <benchmark/benchmark.h>

namespace {
constexpr crm::bg_bb<double> donations{1.204, 0.750, 0.657, 2.783};

crm::discrete_row<double> lapsed(crm::count_t n) { return {.frequency = 1, .recency = 1, .periods = n}; }

void bg_bb_log_likelihood(benchmark::State& state) {
  const auto c = lapsed(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(donations.try_log_likelihood(c));
}
BENCHMARK(bg_bb_log_likelihood)->ArgName("n")->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void bg_bb_probability_alive(benchmark::State& state) {
  const auto c = lapsed(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(donations.try_probability_alive(c));
}
BENCHMARK(bg_bb_probability_alive)->ArgName("n")->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// P(X(n) = x) of a new customer, x = 1: n - 1 terms of three log-gammas and two log-betas.
void bg_bb_probability_of_purchases(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(donations.try_probability_of_purchases(1, state.range(0)));
}
BENCHMARK(bg_bb_probability_of_purchases)->ArgName("n")->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// DERT at d = 1e-9 for the donations data's own customer (x = 3, t_x = 6, n = 6): the 2F1 series
// would need more than 1e8 terms, so after 1e8 of them the call returns not_converged.
void bg_bb_dert_refused(benchmark::State& state) {
  const crm::discrete_row<double> c{.frequency = 3, .recency = 6, .periods = 6};
  for (auto _ : state) {
    const auto r = donations.try_discounted_expected_residual_transactions(c, 1e-9);
    if (r) return state.SkipWithError("d = 1e-9 was not refused");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(bg_bb_dert_refused)->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();

// crm-metrics benchmarks: the run times docs/statistics.md quotes for multiprecision statistics.
// SPDX-License-Identifier: MIT
//
// Run: build/<dir>/benchmarks/statistics_bench --benchmark_repetitions=5
//        --benchmark_report_aggregates_only=true   (quote the medians; about a minute in all)
// What each benchmark backs (docs/statistics.md, "Large counts" and the A/B tests' table):
//  - clopper_pearson_decimal50/x/n: one crm::proportion_interval in crm::decimal50 at level 0.95.
//    Below the Cornish-Fisher switch (x, n - x >= 1e4 and nu = x (n - x) / n >= 1e6 max(4, z^2) =
//    4e6 at 0.95) the limits are Boost's ibeta_inv / ibetac_inv; above it the expansion. The rows
//    below the switch are nu just under 4e6 at x/n = 1/2, 1/10 and 1/1000, and x = 9,999 (under the
//    x >= 1e4 gate) at n = 10^8 and 2^63 - 1; above it n = 10^8, 10^14 and 2^63 - 1 at x/n = 1/10.
//  - clopper_pearson_decimal50_below_switch/k: the same just below the switch of level 1 - 10^-k.
//  - boost_quantile_decimal50/n: Boost's two limits called directly, as before the switch existed.
//  - decimal50_log: one Boost.Multiprecision log of a cpp_dec_float_50 (fisher_exact_test takes
//    a few per table).
//  - fisher_exact_decimal50 / fisher_exact_double: the largest support each type accepts (9,999 tables
//    for multiprecision types, 9,999,999 for double): the bounded time that limit gives.
#include <crm/multiprecision.hpp>
#include <crm/statistics.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <limits>

namespace {
using crm::decimal50;
using m = crm::interval_method;

void clopper_pearson_decimal50(benchmark::State& state) {
  const crm::proportion_sample s{.successes = state.range(0), .trials = state.range(1)};
  const decimal50 level = decimal50(95) / decimal50(100);
  for (auto _ : state) benchmark::DoNotOptimize(crm::proportion_interval(s, level, m::clopper_pearson));
  const double x = static_cast<double>(s.successes);
  const double nx = static_cast<double>(s.trials - s.successes);
  state.counters["nu"] = x * (nx / (x + nx));
}
constexpr std::int64_t max_count = std::numeric_limits<std::int64_t>::max();
BENCHMARK(clopper_pearson_decimal50)
    ->ArgNames({"x", "n"})
    // below the switch (Boost's quantile): nu = 3.99e6 at x/n = 1/2, 3.9999e6 at 1/10 and 1/1000
    ->Args({7'980'000, 15'960'000})
    ->Args({4'444'333, 44'443'330})
    ->Args({4'000'000, 4'000'000'000})
    ->Args({9'999, 100'000'000})  // x < 1e4 keeps Boost's quantile at any n
    ->Args({9'999, max_count})
    // above the switch (the Cornish-Fisher expansion)
    ->Args({10'000'000, 100'000'000})
    ->Args({10'000'000'000'000, 100'000'000'000'000})
    ->Args({max_count / 10, max_count})
    ->Unit(benchmark::kMillisecond);

// Higher levels move the switch up (nu >= 1e6 z^2 once z > 2): x/n = 1/10 at 0.1 % below the switch
// of level 1 - 10^-k, so Boost's quantile, with the largest nu it is given at that level.
void clopper_pearson_decimal50_below_switch(benchmark::State& state) {
  const decimal50 level = decimal50(1) - pow(decimal50(10), -static_cast<int>(state.range(0)));
  const double z = static_cast<double>(crm::detail::normal_critical(level));
  const double nu = 0.999 * 1e6 * (z < 2.0 ? 4.0 : z * z);
  const auto x = static_cast<crm::count_t>(nu / 0.9);
  const crm::proportion_sample s{.successes = x, .trials = 10 * x};
  if (crm::detail::use_large_beta_quantile(x, 9 * x, level)) return state.SkipWithError("above the switch");
  for (auto _ : state) benchmark::DoNotOptimize(crm::proportion_interval(s, level, m::clopper_pearson));
  state.counters["n"] = static_cast<double>(s.trials);
  state.counters["nu"] = 0.9 * static_cast<double>(x);
}
BENCHMARK(clopper_pearson_decimal50_below_switch)->ArgName("level_1_minus_10^-k")->Arg(2)->Arg(3)->Arg(6)->Arg(12)->Arg(30)->Unit(benchmark::kMillisecond);

// What the library did at every n before the switch existed (2026-12-04): Boost's ibeta_inv and
// ibetac_inv in decimal50, the two Clopper-Pearson limits of x = n/10 at 0.95, called directly (the
// library's policy). Its time grows with n; n = 10^14 (115 s) is left out to keep the run short.
void boost_quantile_decimal50(benchmark::State& state) {
  const decimal50 n = decimal50(state.range(0));
  const decimal50 x = n / 10;
  const decimal50 half_alpha = decimal50(25) / decimal50(1000);
  for (auto _ : state) {
    decimal50 lo = boost::math::ibeta_inv(x, decimal50(n - x + 1), half_alpha, crm::detail::stat_policy());
    decimal50 hi = boost::math::ibetac_inv(decimal50(x + 1), decimal50(n - x), half_alpha, crm::detail::stat_policy());
    benchmark::DoNotOptimize(lo);
    benchmark::DoNotOptimize(hi);
  }
}
BENCHMARK(boost_quantile_decimal50)->ArgName("n")->Arg(100'000'000)->Arg(10'000'000'000)->Unit(benchmark::kMillisecond);

void decimal50_log(benchmark::State& state) {
  decimal50 v = decimal50(123'456'789) / decimal50(1'000);
  for (auto _ : state) {
    benchmark::DoNotOptimize(v);
    decimal50 r = log(v);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(decimal50_log)->Unit(benchmark::kMicrosecond);

// a = 5,000 of 10,000 against b = 4,999 of 10,000: K = 9,999 successes, support 9,999 tables + 1
void fisher_exact_decimal50(benchmark::State& state) {
  const crm::proportion_sample a{.successes = 5'000, .trials = 10'000};
  const crm::proportion_sample b{.successes = state.range(0) - 5'000, .trials = 10'000};
  for (auto _ : state) benchmark::DoNotOptimize(crm::fisher_exact_test<decimal50>(a, b));
  state.counters["tables"] = static_cast<double>(state.range(0) + 1);
}
BENCHMARK(fisher_exact_decimal50)->ArgName("K")->Arg(9'998)->Unit(benchmark::kMillisecond);

void fisher_exact_double(benchmark::State& state) {
  const crm::proportion_sample a{.successes = 5'000'000, .trials = 10'000'000};
  const crm::proportion_sample b{.successes = state.range(0) - 5'000'000, .trials = 10'000'000};
  for (auto _ : state) benchmark::DoNotOptimize(crm::fisher_exact_test<double>(a, b));
  state.counters["tables"] = static_cast<double>(state.range(0) + 1);
}
BENCHMARK(fisher_exact_double)->ArgName("K")->Arg(9'999'998)->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();

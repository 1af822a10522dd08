// crm-metrics benchmarks: the contractual retention fits, sBG and beta-discrete-Weibull (Fader &
// Hardie 2007; Fader, Hardie, Liu & Davin 2018): the paper's "regular" cohort (years 0-7) and a
// generated cohort of 100 000 customers over 60 periods, the case docs/models.md quotes for the cost
// of the accurate ln(1 - r(t)) step ("Numerics and bounded work").
// SPDX-License-Identifier: MIT
//
// Run: build/release/benchmarks/contractual_bench (medians: --benchmark_repetitions=5
// --benchmark_report_aggregates_only=true).
#include <crm/models/contractual.hpp>

#include <benchmark/benchmark.h>

#include <vector>

namespace {
// Fader & Hardie (2007), "How to Project Customer Retention", the "regular" segment, years 0-7.
const std::vector<crm::count_t> regular{1000, 631, 468, 382, 326, 289, 262, 241};

const std::vector<crm::count_t>& long_cohort() {
  static const std::vector<crm::count_t> c =
      crm::generate(crm::bdw<double>{0.7, 1.2, 0.9}, crm::contract_generate_options{.customers = 100'000, .periods = 60, .seed = 7});
  return c;
}

void BM_fit_sbg_regular(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(crm::fit_sbg<double>(std::span<const crm::count_t>(regular)));
}
BENCHMARK(BM_fit_sbg_regular)->Unit(benchmark::kMicrosecond);

void BM_fit_bdw_regular(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(crm::fit_bdw<double>(std::span<const crm::count_t>(regular)));
}
BENCHMARK(BM_fit_bdw_regular)->Unit(benchmark::kMicrosecond);

void BM_fit_bdw_60_periods(benchmark::State& state) {
  const std::vector<crm::count_t>& c = long_cohort();
  for (auto _ : state) benchmark::DoNotOptimize(crm::fit_bdw<double>(std::span<const crm::count_t>(c)));
}
BENCHMARK(BM_fit_bdw_60_periods)->Unit(benchmark::kMicrosecond);
}  // namespace

BENCHMARK_MAIN();

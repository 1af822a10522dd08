// crm-metrics benchmarks: Gamma-Gamma and BG/BB fits and predictions (CDNOW, donations, 1M generated).
// SPDX-License-Identifier: MIT
//
// Run: build/<dir>/benchmarks/gamma_gamma_bench [--benchmark_filter=...]. The SciPy comparison is
// benchmarks/compare_scipy_gamma_gamma.py, driven by scripts/compare-scipy.sh. Data: $CRM_METRICS_DATA_DIR,
// else ../shared/data beside the checkout; a benchmark whose file is missing reports an error.
#include <crm/models/bg_bb.hpp>
#include <crm/models/gamma_gamma.hpp>

#include <benchmark/benchmark.h>

#include "../tests/data_path.hpp"

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace {
using crm_test::data_file;  // $CRM_METRICS_DATA_DIR, else ../shared/data beside the checkout
const crm::gamma_gamma<double> cdnow_gg{.p = 6.25, .q = 3.74, .gamma = 15.44};
const crm::bg_bb<double> donations_bb{.alpha = 1.204, .beta = 0.750, .gamma = 0.657, .delta = 2.783};

const std::vector<crm::spend_row<double>>& million_spend() {
  static const std::vector<crm::spend_row<double>> rows = [] {
    std::vector<crm::count_t> x(1'000'000);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 1 + static_cast<crm::count_t>(i % 7);
    return crm::generate(cdnow_gg, x, 101);
  }();
  return rows;
}

void gamma_gamma_fit_cdnow(benchmark::State& state) {
  const auto file = data_file("cdnow/cdnow_customers_summary_with_transactions.csv");
  if (!std::filesystem::exists(file)) return state.SkipWithError("CDNOW data not found");
  const auto rows = crm::repeat_customers(crm::read_spend_csv(file));
  for (auto _ : state) benchmark::DoNotOptimize(crm::fit_gamma_gamma(rows));
  state.counters["customers"] = static_cast<double>(rows.size());
}
BENCHMARK(gamma_gamma_fit_cdnow)->Unit(benchmark::kMillisecond);

void gamma_gamma_fit_1m(benchmark::State& state) {
  const auto& rows = million_spend();
  for (auto _ : state) benchmark::DoNotOptimize(crm::fit_gamma_gamma(rows));
}
BENCHMARK(gamma_gamma_fit_1m)->Unit(benchmark::kMillisecond);

void gamma_gamma_conditional_spend_1m(benchmark::State& state) {
  const auto& rows = million_spend();
  std::vector<double> out(rows.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < rows.size(); ++i)
      out[i] = cdnow_gg.conditional_expected_average_spend(rows[i].frequency, rows[i].average_spend);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(gamma_gamma_conditional_spend_1m)->Unit(benchmark::kMillisecond);

void bg_bb_fit_donations(benchmark::State& state) {
  const auto file = data_file("donations/donations.csv");
  if (!std::filesystem::exists(file)) return state.SkipWithError("donations data not found");
  const auto rows = crm::read_discrete_csv(file);
  for (auto _ : state) benchmark::DoNotOptimize(crm::fit_bg_bb(rows));
}
BENCHMARK(bg_bb_fit_donations)->Unit(benchmark::kMillisecond);

void bg_bb_generate_compress_fit_1m(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(crm::fit_bg_bb(crm::compress(crm::generate(donations_bb, {.customers = 1'000'000, .periods = 10, .seed = 11}))));
}
BENCHMARK(bg_bb_generate_compress_fit_1m)->Unit(benchmark::kMillisecond);

void bg_bb_predictions_1m(benchmark::State& state) {
  // P(alive) and expected donations in the next 5 years for 1M donors (uncompressed, one by one).
  static const auto rows = crm::generate(donations_bb, {.customers = 1'000'000, .periods = 6, .seed = 12});
  std::vector<double> alive(rows.size()), next(rows.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      alive[i] = donations_bb.probability_alive(rows[i]);
      next[i] = donations_bb.conditional_expected_purchases(rows[i], 5.0);
    }
    benchmark::DoNotOptimize(alive.data());
    benchmark::DoNotOptimize(next.data());
  }
}
BENCHMARK(bg_bb_predictions_1m)->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();

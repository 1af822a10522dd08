// crm-metrics benchmarks: BG/NBD fits (CDNOW, 1M generated customers) and predictions for 1M customers.
// SPDX-License-Identifier: MIT
//
// Run: build/<dir>/benchmarks/bg_nbd_bench [--benchmark_filter=...]. The SciPy comparison is
// benchmarks/compare_scipy_bg_nbd.py, driven by scripts/compare-scipy.sh. `bg_nbd_bench
// --write-synthetic=FILE` writes the 1M-customer sample used here (seed 2026) as CSV and exits, so
// that SciPy fits exactly the same data. Data: $CRM_METRICS_DATA_DIR, else ../shared/data.
#include <crm/models/bg_nbd.hpp>
#include <crm/models/clv.hpp>
#include <crm/models/generate.hpp>

#include <benchmark/benchmark.h>

#include "../tests/data_path.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <span>
#include <thread>
#include <vector>

namespace {
using crm_test::data_file;  // $CRM_METRICS_DATA_DIR, else ../shared/data beside the checkout
constexpr crm::bg_nbd<double> cdnow_bg{0.243, 4.414, 0.793, 2.426};

/// 1M customers from the CDNOW estimates, acquired on one of the 12 weeks' days as CDNOW's cohort
/// (ages 39 - k/7 weeks, k = 0..84), purchases in continuous time, seed 2026.
const std::vector<crm::rfm_row<double>>& million() {
  static const std::vector<crm::rfm_row<double>> rows = crm::generate(
      cdnow_bg, {.customers = 1'000'000, .first_age = 27.0, .last_age = 39.0, .age_step = 1.0 / 7.0, .seed = 2026});
  return rows;
}

void bg_nbd_fit_cdnow(benchmark::State& state) {
  const auto file = data_file("cdnow/cdnow_customers_summary.csv");
  if (!std::filesystem::exists(file)) return state.SkipWithError("CDNOW data not found");
  const auto rows = crm::read_rfm_csv(file);
  for (auto _ : state) benchmark::DoNotOptimize(crm::fit_bg_nbd(rows));
  state.counters["customers"] = static_cast<double>(rows.size());
}
BENCHMARK(bg_nbd_fit_cdnow)->Unit(benchmark::kMillisecond);

// The whole fit of the raw 1M rows, compression included.
void bg_nbd_fit_1m(benchmark::State& state) {
  const auto& rows = million();
  for (auto _ : state) benchmark::DoNotOptimize(crm::fit_bg_nbd(rows));
}
BENCHMARK(bg_nbd_fit_1m)->Unit(benchmark::kMillisecond);

// Batch forms (crm::bg_nbd::probability_alive(span), conditional_expected_purchases(span, t)).
void bg_nbd_probability_alive_1m(benchmark::State& state) {
  const auto& rows = million();
  for (auto _ : state) benchmark::DoNotOptimize(cdnow_bg.probability_alive(std::span<const crm::rfm_row<double>>(rows)));
}
BENCHMARK(bg_nbd_probability_alive_1m)->Unit(benchmark::kMillisecond);

void bg_nbd_conditional_expected_1m(benchmark::State& state) {
  const auto& rows = million();
  for (auto _ : state)
    benchmark::DoNotOptimize(cdnow_bg.conditional_expected_purchases(std::span<const crm::rfm_row<double>>(rows), 39.0));
}
BENCHMARK(bg_nbd_conditional_expected_1m)->Unit(benchmark::kMillisecond);

// The per-customer form in a loop: one 2F1 per customer.
void bg_nbd_conditional_expected_1m_per_customer(benchmark::State& state) {
  const auto& rows = million();
  std::vector<double> out(rows.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < rows.size(); ++i) out[i] = cdnow_bg.conditional_expected_purchases(rows[i], 39.0);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(bg_nbd_conditional_expected_1m_per_customer)->Unit(benchmark::kMillisecond);

// What a second core adds: the same 1M conditional expectations split over two std::threads.
void bg_nbd_conditional_expected_1m_2threads(benchmark::State& state) {
  const std::span<const crm::rfm_row<double>> rows(million());
  const std::size_t half = rows.size() / 2;
  for (auto _ : state) {
    std::vector<double> first;
    std::thread t([&] { first = cdnow_bg.conditional_expected_purchases(rows.first(half), 39.0); });
    std::vector<double> second = cdnow_bg.conditional_expected_purchases(rows.subspan(half), 39.0);
    t.join();
    benchmark::DoNotOptimize(first.data());
    benchmark::DoNotOptimize(second.data());
  }
}
BENCHMARK(bg_nbd_conditional_expected_1m_2threads)->Unit(benchmark::kMillisecond)->UseRealTime();

// What a second core adds to fitting: two independent 1M fits at once (e.g. two segments).
void bg_nbd_two_fits_1m_2threads(benchmark::State& state) {
  const auto& rows = million();
  for (auto _ : state) {
    std::thread t([&] { benchmark::DoNotOptimize(crm::fit_bg_nbd(rows)); });
    benchmark::DoNotOptimize(crm::fit_bg_nbd(rows));
    t.join();
  }
}
BENCHMARK(bg_nbd_two_fits_1m_2threads)->Unit(benchmark::kMillisecond)->UseRealTime();

// customer_lifetime_value: one conditional expectation (a 2F1) per period, so its time grows with
// `periods` (docs/models.md, BG/BB "Work and limits"). The worked example's customer 1 (x = 2,
// t_x = 30.43, T = 38.86; docs/models.md, "Worked example: CDNOW"), months of 4.345 weeks.
void bg_nbd_clv_periods(benchmark::State& state) {
  const crm::rfm_row<double> c{2, 30.43, 38.86};
  const crm::clv_horizon<double> h{.periods = state.range(0), .period_length = 4.345, .discount_rate = 0.01, .margin = 0.3};
  for (auto _ : state) benchmark::DoNotOptimize(crm::try_customer_lifetime_value(cdnow_bg, c, 24.66, h));
  state.counters["per_period"] =
      benchmark::Counter(static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(bg_nbd_clv_periods)->ArgName("periods")->Arg(12)->Arg(120)->Arg(1200)->Unit(benchmark::kMicrosecond);

int write_synthetic(const char* path) {
  std::FILE* f = std::fopen(path, "w");
  if (f == nullptr) return 1;
  std::fprintf(f, "frequency,recency,T\n");
  for (const auto& c : million()) std::fprintf(f, "%.17g,%.17g,%.17g\n", c.frequency, c.recency, c.age);
  return std::fclose(f) == 0 ? 0 : 1;
}
}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--write-synthetic=", 18) == 0) return write_synthetic(argv[i] + 18);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

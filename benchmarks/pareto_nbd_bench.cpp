// crm-metrics benchmarks: Pareto/NBD and modified BG/NBD fits on CDNOW, Pareto/NBD P(alive) for 1M customers.
// SPDX-License-Identifier: MIT
//
// Run: build/<dir>/benchmarks/pareto_nbd_bench [--benchmark_filter=...]. The SciPy comparison is
// benchmarks/compare_scipy_bg_nbd.py, driven by scripts/compare-scipy.sh.
#include <crm/models/generate.hpp>
#include <crm/models/modified_bg_nbd.hpp>
#include <crm/models/pareto_nbd.hpp>

#include <benchmark/benchmark.h>

#include "../tests/data_path.hpp"

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace {
using crm_test::data_file;  // $CRM_METRICS_DATA_DIR, else ../shared/data beside the checkout
constexpr crm::pareto_nbd<double> cdnow_pnbd{0.553, 10.578, 0.606, 11.669};

void pareto_nbd_fit_cdnow(benchmark::State& state) {
  const auto file = data_file("cdnow/cdnow_customers_summary.csv");
  if (!std::filesystem::exists(file)) return state.SkipWithError("CDNOW data not found");
  const auto rows = crm::read_rfm_csv(file);
  for (auto _ : state) benchmark::DoNotOptimize(crm::fit_pareto_nbd(rows));
}
BENCHMARK(pareto_nbd_fit_cdnow)->Unit(benchmark::kMillisecond);

void modified_bg_nbd_fit_cdnow(benchmark::State& state) {
  const auto file = data_file("cdnow/cdnow_customers_summary.csv");
  if (!std::filesystem::exists(file)) return state.SkipWithError("CDNOW data not found");
  const auto rows = crm::read_rfm_csv(file);
  for (auto _ : state) benchmark::DoNotOptimize(crm::fit_modified_bg_nbd(rows));
}
BENCHMARK(modified_bg_nbd_fit_cdnow)->Unit(benchmark::kMillisecond);

void pareto_nbd_probability_alive_1m(benchmark::State& state) {
  static const auto rows =
      crm::generate(cdnow_pnbd, {.customers = 1'000'000, .first_age = 27.0, .last_age = 39.0, .seed = 2026});
  std::vector<double> out(rows.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < rows.size(); ++i) out[i] = cdnow_pnbd.probability_alive(rows[i]);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(pareto_nbd_probability_alive_1m)->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();

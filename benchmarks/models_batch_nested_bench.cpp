// crm-metrics benchmarks: the nested models' batch forms (crm::nbd, crm::homogeneous_bg_nbd,
// crm::homogeneous_pareto_nbd; crm/models/batch.hpp) against the loop over the scalar functions they
// replace (what crm-report's nested forecast did before), for 100 000 generated customers.
// SPDX-License-Identifier: MIT
//
// Run (docs/batch.md, "The nested models"): build/release/benchmarks/models_batch_nested_bench
//   --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Names: <prediction>/<model>/threads:0 is the loop over the scalar function (one thread), threads:1
// and threads:2 the batch form with batch_options::threads = 1, 2.
// Data: BG/NBD customers at the CDNOW estimates (FHL 2005), ages on CDNOW's day grid (27-39 weeks),
// purchases in continuous time, seed 2026; the CLV with 12 periods of 4.345 weeks and a spend of 30 a
// purchase for everyone.
#include <crm/models/batch.hpp>
#include <crm/models/generate.hpp>
#include <crm/models/homogeneous.hpp>
#include <crm/models/nbd.hpp>

#include <benchmark/benchmark.h>

#include <span>
#include <vector>

namespace {
using rows_t = std::vector<crm::rfm_row<double>>;
const crm::nbd<double> nbd_model{0.385, 12.07};
const crm::homogeneous_bg_nbd<double> hbg{0.489, 1.756, 0.296};
const crm::homogeneous_pareto_nbd<double> hpn{0.372, 1.722, 0.0408};
const crm::clv_horizon<double> year{.periods = 12, .period_length = 4.345, .discount_rate = 0.01, .margin = 0.3};
constexpr double horizon_weeks = 39.0;

const rows_t& rows() {
  static const rows_t r = crm::generate(crm::bg_nbd<double>{0.243, 4.414, 0.793, 2.426},
                                        crm::generate_options<double>{.customers = 100'000, .first_age = 27.0, .last_age = 39.0,
                                                                      .age_step = 1.0 / 7.0, .seed = 2026});
  return r;
}
const std::vector<double>& spend() {
  static const std::vector<double> s(rows().size(), 30.0);
  return s;
}

// range(0): 0 = the loop over scalar(row i, i), else batch(out, threads)
template <class Scalar, class Batch>
void run(benchmark::State& st, Scalar&& scalar, Batch&& batch) {
  std::vector<double> out(rows().size());
  const auto threads = static_cast<unsigned>(st.range(0));
  for (auto _ : st) {
    if (threads == 0) {
      for (std::size_t i = 0; i < rows().size(); ++i) out[i] = scalar(rows()[i], i);
    } else if (!batch(std::span<double>(out), threads)) {
      st.SkipWithError("batch error");
    }
    benchmark::DoNotOptimize(out.data());
  }
}
using span_rows = std::span<const crm::rfm_row<double>>;
template <class Model>
void alive(benchmark::State& st, const Model& m) {
  run(st, [&](const auto& c, std::size_t) { return m.probability_alive(c); },
      [&](std::span<double> out, unsigned th) { return bool(crm::try_batch_probability_alive(m, span_rows(rows()), out, {th})); });
}
template <class Model>
void expected(benchmark::State& st, const Model& m) {
  run(st, [&](const auto& c, std::size_t) { return m.conditional_expected_purchases(c, horizon_weeks); },
      [&](std::span<double> out, unsigned th) {
        return bool(crm::try_batch_conditional_expected_purchases(m, span_rows(rows()), horizon_weeks, out, {th}));
      });
}
template <class Model>
void clv(benchmark::State& st, const Model& m) {
  run(st, [&](const auto& c, std::size_t i) { return crm::customer_lifetime_value(m, c, spend()[i], year); },
      [&](std::span<double> out, unsigned th) {
        return bool(crm::try_batch_customer_lifetime_value(m, span_rows(rows()), std::span<const double>(spend()), year, out, {th}));
      });
}

void args(benchmark::internal::Benchmark* b) {
  b->ArgName("threads")->Arg(0)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
}
BENCHMARK_CAPTURE(alive, nbd, nbd_model)->Apply(args);
BENCHMARK_CAPTURE(expected, nbd, nbd_model)->Apply(args);
BENCHMARK_CAPTURE(clv, nbd, nbd_model)->Apply(args);
BENCHMARK_CAPTURE(alive, homogeneous_bg_nbd, hbg)->Apply(args);
BENCHMARK_CAPTURE(expected, homogeneous_bg_nbd, hbg)->Apply(args);
BENCHMARK_CAPTURE(clv, homogeneous_bg_nbd, hbg)->Apply(args);
BENCHMARK_CAPTURE(alive, homogeneous_pareto_nbd, hpn)->Apply(args);
BENCHMARK_CAPTURE(expected, homogeneous_pareto_nbd, hpn)->Apply(args);
BENCHMARK_CAPTURE(clv, homogeneous_pareto_nbd, hpn)->Apply(args);
}  // namespace

BENCHMARK_MAIN();

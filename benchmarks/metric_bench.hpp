// crm-metrics benchmarks: the library / try_ / hand-written triple shared by the metric benchmarks.
// SPDX-License-Identifier: MIT
//
// CRM_METRIC_BENCH(metric, Input, inputs_fn, var, inputs, member, hand_expr) defines and registers
// BM_<metric>_library (throwing form), BM_<metric>_try (non-throwing form) and BM_<metric>_hand
// (the bare double expression, no checks), each cycling over the array returned by inputs_fn() so
// nothing constant-folds. `var` names the current Input in `inputs` and `hand_expr`.
// scripts/bench-metrics.sh pairs the three into ratios.
#pragma once

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>

namespace crm_bench {
template <class In, std::size_t N, class F>
void run_inputs(benchmark::State& state, const std::array<In, N>& in, F f) {
  std::size_t i = 0;
  for (auto _ : state) {
    const double r = f(in[i]);
    benchmark::DoNotOptimize(r);
    i = (i + 1) % N;
  }
}
}  // namespace crm_bench

#define CRM_ARGS(...) __VA_ARGS__

#define CRM_METRIC_BENCH(metric, Input, inputs_fn, var, inputs, member, hand_expr)                 \
  void BM_##metric##_library(benchmark::State& st) {                                              \
    crm_bench::run_inputs(st, inputs_fn(), [](const Input& var) { return crm::metric(inputs).member; }); \
  }                                                                                               \
  void BM_##metric##_try(benchmark::State& st) {                                                  \
    crm_bench::run_inputs(st, inputs_fn(), [](const Input& var) {                                 \
      const auto r = crm::try_##metric(inputs);                                                   \
      return r ? r->member : -1.0;                                                                \
    });                                                                                           \
  }                                                                                               \
  void BM_##metric##_hand(benchmark::State& st) {                                                 \
    crm_bench::run_inputs(st, inputs_fn(), [](const Input& var) { return hand_expr; });           \
  }                                                                                               \
  BENCHMARK(BM_##metric##_library);                                                               \
  BENCHMARK(BM_##metric##_try);                                                                   \
  BENCHMARK(BM_##metric##_hand)

// crm-metrics benchmarks: NPS and CSAT, library (throwing) vs try_ (non-throwing) vs hand-written.
// SPDX-License-Identifier: MIT
//
// For each metric: BM_<metric>_library, BM_<metric>_try and BM_<metric>_hand (the bare double
// computation, no checks), over many different valid inputs so nothing constant-folds.
#include <crm/metrics/loyalty.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <span>
#include <vector>

namespace {
constexpr std::size_t n_inputs = 1024;
constexpr std::size_t n_surveys = 64;
constexpr std::size_t answers_per_survey = 500;

const std::array<crm::nps_counts, n_inputs>& counts() {
  static const std::array<crm::nps_counts, n_inputs> all = [] {
    std::array<crm::nps_counts, n_inputs> a{};
    for (std::size_t i = 0; i < n_inputs; ++i) {
      const auto k = static_cast<crm::count_t>(i);
      a[i] = crm::nps_counts{.promoters = 100 + k % 211, .passives = 80 + k % 97, .detractors = 40 + k % 131};
    }
    return a;
  }();
  return all;
}

// 64 surveys of 500 answers 0..10 from a fixed linear congruential sequence.
const std::vector<std::vector<int>>& surveys() {
  static const std::vector<std::vector<int>> all = [] {
    std::vector<std::vector<int>> s(n_surveys, std::vector<int>(answers_per_survey));
    unsigned x = 12345u;
    for (auto& survey : s)
      for (int& a : survey) {
        x = x * 1103515245u + 12345u;
        a = static_cast<int>((x >> 16) % 11u);
      }
    return s;
  }();
  return all;
}

template <class Input, class F>
void run(benchmark::State& state, const Input& inputs, F f) {
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = f(inputs[i]);
    benchmark::DoNotOptimize(r);
    i = (i + 1) % inputs.size();
  }
}

double hand_nps(const crm::nps_counts& c) {
  const double n = static_cast<double>(c.promoters + c.passives + c.detractors);
  return 100.0 * static_cast<double>(c.promoters - c.detractors) / n;
}
double hand_nps_of_answers(const std::vector<int>& answers) {
  long long promoters = 0;
  long long detractors = 0;
  for (const int a : answers) {
    promoters += a >= 9;
    detractors += a <= 6;
  }
  return 100.0 * static_cast<double>(promoters - detractors) / static_cast<double>(answers.size());
}
double hand_csat(const std::vector<int>& answers) {
  long long satisfied = 0;
  for (const int a : answers) satisfied += a >= 4;
  return static_cast<double>(satisfied) / static_cast<double>(answers.size());
}
// CSAT on these 0..10 answers, counting 4 and above as satisfied (as hand_csat does).
constexpr crm::csat_scale ten_point{.lowest = 0, .highest = 10, .satisfied_from = 4};
}  // namespace

void BM_nps_library(benchmark::State& s) {
  run(s, counts(), [](const crm::nps_counts& c) { return crm::nps(c).points; });
}
void BM_nps_try(benchmark::State& s) {
  run(s, counts(), [](const crm::nps_counts& c) {
    const auto r = crm::try_nps(c);
    return r ? r->points : -1000.0;
  });
}
void BM_nps_hand(benchmark::State& s) { run(s, counts(), hand_nps); }
BENCHMARK(BM_nps_library);
BENCHMARK(BM_nps_try);
BENCHMARK(BM_nps_hand);

void BM_nps_of_answers_library(benchmark::State& s) {
  run(s, surveys(), [](const std::vector<int>& a) { return crm::nps_of_answers(a).points; });
}
void BM_nps_of_answers_try(benchmark::State& s) {
  run(s, surveys(), [](const std::vector<int>& a) {
    const auto r = crm::try_nps_of_answers(a);
    return r ? r->points : -1000.0;
  });
}
void BM_nps_of_answers_hand(benchmark::State& s) { run(s, surveys(), hand_nps_of_answers); }
BENCHMARK(BM_nps_of_answers_library);
BENCHMARK(BM_nps_of_answers_try);
BENCHMARK(BM_nps_of_answers_hand);

void BM_csat_of_answers_library(benchmark::State& s) {
  run(s, surveys(), [](const std::vector<int>& a) { return crm::csat_of_answers(a, ten_point).fraction; });
}
void BM_csat_of_answers_try(benchmark::State& s) {
  run(s, surveys(), [](const std::vector<int>& a) {
    const auto r = crm::try_csat_of_answers(a, ten_point);
    return r ? r->fraction : -1.0;
  });
}
void BM_csat_of_answers_hand(benchmark::State& s) { run(s, surveys(), hand_csat); }
BENCHMARK(BM_csat_of_answers_library);
BENCHMARK(BM_csat_of_answers_try);
BENCHMARK(BM_csat_of_answers_hand);

BENCHMARK_MAIN();

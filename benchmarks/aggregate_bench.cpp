// crm-metrics benchmarks: the aggregation layer from memory: the per-customer table (crm's
// open-addressing table against std::unordered_map and, when installed, tsl::robin_map from
// Debian's robin-map-dev), then each accumulator on 10M orders over 1M customers (the log of
// benchmarks/generate_orders.hpp; CRM_BENCH_ORDERS / CRM_BENCH_CUSTOMERS change the size), on one
// and two threads, with the bytes held per customer as a counter. docs/aggregation.md quotes it.
//   build/<dir>/benchmarks/aggregate_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <crm/aggregate.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string>
#include <unordered_map>
#include <vector>

#if __has_include(<tsl/robin_map.h>)
#include <tsl/robin_map.h>
#define CRM_BENCH_HAVE_ROBIN_MAP 1
#endif

#include "generate_orders.hpp"

namespace {
std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

struct data {
  std::vector<crm::order<double>> orders;
  std::uint64_t customers = 0;
  data() {
    const std::uint64_t n = env_or("CRM_BENCH_ORDERS", 10'000'000), m = env_or("CRM_BENCH_CUSTOMERS", 1'000'000);
    customers = m;
    const auto raw = crm_bench::generate_orders(n, m);
    orders.reserve(raw.size());
    for (const auto& o : raw)
      orders.push_back({.customer = o.customer,
                        .time = crm::to_time(std::chrono::sys_days{std::chrono::days{o.day}}),
                        .amount = static_cast<double>(o.cents) / 100.0});
  }
};
const data& log() {
  static const data d;
  return d;
}

// --- the per-customer table: count orders per customer (the repeat-share state) -------------------
struct counter {
  std::uint32_t orders = 0;
  std::uint32_t first_day = 0;
};

void BM_table_crm(benchmark::State& state) {
  const auto& d = log();
  for (auto _ : state) {
    crm::customer_table<counter> t;
    if (state.range(0) != 0) t.reserve(d.customers);
    const std::size_t n = d.orders.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (i + 8 < n) t.prefetch(d.orders[i + 8].customer);
      ++t.try_emplace(d.orders[i].customer).first->orders;
    }
    benchmark::DoNotOptimize(t.size());
    state.counters["bytes_per_customer"] = static_cast<double>(t.memory_bytes()) / static_cast<double>(t.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.orders.size()));
}
BENCHMARK(BM_table_crm)->Arg(0)->Arg(1)->ArgName("reserved")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_table_crm_no_prefetch(benchmark::State& state) {
  const auto& d = log();
  for (auto _ : state) {
    crm::customer_table<counter> t;
    t.reserve(d.customers);
    for (const auto& o : d.orders) ++t.try_emplace(o.customer).first->orders;
    benchmark::DoNotOptimize(t.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.orders.size()));
}
BENCHMARK(BM_table_crm_no_prefetch)->Unit(benchmark::kMillisecond)->UseRealTime();

// The room a reserved table of 16-byte slots gets (docs/aggregation.md, "The per-customer table"):
// reserve(n) of this counter (8-byte id + 8 bytes) sizes it for n * reserve_room = 2n customers,
// 2.85 slots per customer; reserve(n / 2) gives the 1.43 of larger slots (arg: room 2 or 1).
// Orders in log order, the slot 8 ahead prefetched, as BM_table_crm; ns per order = the time /
// 10^7 orders (1 / items_per_second).
void BM_table_room(benchmark::State& state) {
  static_assert(crm::customer_table<counter>::reserve_room == 2);
  const auto& d = log();
  for (auto _ : state) {
    crm::customer_table<counter> t;
    t.reserve(state.range(0) == 2 ? d.customers : d.customers / 2);
    const std::size_t n = d.orders.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (i + 8 < n) t.prefetch(d.orders[i + 8].customer);
      ++t.try_emplace(d.orders[i].customer).first->orders;
    }
    benchmark::DoNotOptimize(t.size());
    state.counters["slots_per_customer"] = static_cast<double>(t.capacity()) / static_cast<double>(t.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.orders.size()));
}
BENCHMARK(BM_table_room)->Arg(2)->Arg(1)->ArgName("room")->Unit(benchmark::kMillisecond)->UseRealTime();

// Bytes per customer of a node-based map: the buckets plus one node (next pointer, key, value,
// cached hash: 32 bytes for this value type) rounded up to glibc malloc's 16-byte chunks + 8.
template <class Map>
void table_bench(benchmark::State& state, double node_bytes) {
  const auto& d = log();
  for (auto _ : state) {
    Map t;
    if (state.range(0) != 0) t.reserve(d.customers);
    for (const auto& o : d.orders) ++t[o.customer].orders;
    benchmark::DoNotOptimize(t.size());
    state.counters["bytes_per_customer"] =
        (static_cast<double>(t.bucket_count()) * sizeof(void*) + node_bytes * static_cast<double>(t.size())) /
        static_cast<double>(t.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.orders.size()));
}
void BM_table_unordered_map(benchmark::State& state) {
  table_bench<std::unordered_map<std::uint64_t, counter>>(state, 48.0);
}
BENCHMARK(BM_table_unordered_map)->Arg(0)->Arg(1)->ArgName("reserved")->Unit(benchmark::kMillisecond)->UseRealTime();
#ifdef CRM_BENCH_HAVE_ROBIN_MAP
void BM_table_robin_map(benchmark::State& state) {
  const auto& d = log();
  for (auto _ : state) {
    tsl::robin_map<std::uint64_t, counter> t;
    if (state.range(0) != 0) t.reserve(d.customers);
    for (const auto& o : d.orders) ++t[o.customer].orders;
    benchmark::DoNotOptimize(t.size());
    // bucket: key, value, 2-byte distance, 2-byte padding (tsl's bucket_entry)
    state.counters["bytes_per_customer"] = static_cast<double>(t.bucket_count() * 24) / static_cast<double>(t.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.orders.size()));
}
BENCHMARK(BM_table_robin_map)->Arg(0)->Arg(1)->ArgName("reserved")->Unit(benchmark::kMillisecond)->UseRealTime();
#endif

// --- accumulators --------------------------------------------------------------------------------
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// partitioned: the partitioned add of add_parallel where it applies (false: chunks and a merge)
template <class Acc, class Make, class Finish>
void accumulator_bench(benchmark::State& state, Make make, Finish finish, bool partitioned = true) {
  const auto& d = log();
  const auto threads = static_cast<unsigned>(state.range(0));
  double bytes = 0, customers = 0;
  const double cpu0 = process_cpu_seconds();
  for (auto _ : state) {
    Acc acc = make();
    const crm::add_report r = crm::add_parallel(acc, d.orders, {.threads = threads, .partitioned = partitioned});
    benchmark::DoNotOptimize(r.used);
    finish(acc, bytes, customers);
  }
  // CPU seconds of every thread per iteration (Google Benchmark's CPU column counts the calling thread only)
  state.counters["process_cpu_s"] = (process_cpu_seconds() - cpu0) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.orders.size()));
  if (customers > 0) state.counters["bytes_per_customer"] = bytes / customers;
}

void BM_order_totals(benchmark::State& state) {
  accumulator_bench<crm::order_totals_accumulator<double>>(
      state, [] { return crm::order_totals_accumulator<double>{}; },
      [](const auto& acc, double&, double&) { benchmark::DoNotOptimize(crm::average_check(acc.totals())); });
}
BENCHMARK(BM_order_totals)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_repeat_share(benchmark::State& state) {
  accumulator_bench<crm::customer_accumulator<double>>(
      state, [] { return crm::customer_accumulator<double>(log().customers / 2); },
      [](const auto& acc, double& bytes, double& customers) {
        const crm::repeat_counts r = acc.repeat();
        benchmark::DoNotOptimize(crm::repeat_purchase_share(r));
        bytes = static_cast<double>(acc.memory_bytes());
        customers = static_cast<double>(r.customers);
      },
      state.range(1) != 0);
}
BENCHMARK(BM_repeat_share)->ArgsProduct({{1, 2}, {1, 0}})->ArgNames({"threads", "partitioned"})->Unit(benchmark::kMillisecond)->UseRealTime();

// range(1): 1 with the day log (exact merges of any split), 0 without (contiguous chunks only).
void BM_rfm(benchmark::State& state) {
  const bool day_log = state.range(1) != 0;
  accumulator_bench<crm::rfm_accumulator<double>>(
      state,
      [day_log] {
        crm::rfm_accumulator<double> a({.calibration_end = std::chrono::sys_days{std::chrono::days{crm_bench::first_day_2022 + 729}},
                                        .day_log = day_log});
        a.reserve(log().customers / 2);
        return a;
      },
      [](const auto& acc, double& bytes, double& customers) {
        const auto rows = acc.rows();
        benchmark::DoNotOptimize(rows.data());
        bytes = static_cast<double>(acc.memory_bytes());
        customers = static_cast<double>(rows.size());
      },
      state.range(2) != 0);
}
BENCHMARK(BM_rfm)->ArgsProduct({{1, 2}, {1, 0}, {1, 0}})->ArgNames({"threads", "day_log", "partitioned"})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_cohort_month(benchmark::State& state) {
  accumulator_bench<crm::period_accumulator<double>>(
      state,
      [] {
        crm::period_accumulator<double> a({.unit = crm::period_unit::month,
                                           .first = std::chrono::sys_days{std::chrono::days{crm_bench::first_day_2022}},
                                           .periods = 24});
        a.reserve(log().customers / 2);
        return a;
      },
      [](const auto& acc, double& bytes, double& customers) {
        const auto m = acc.cohorts();
        benchmark::DoNotOptimize(m.active.data());
        bytes = static_cast<double>(acc.memory_bytes());
        customers = static_cast<double>(acc.customers());
      },
      state.range(1) != 0);
}
BENCHMARK(BM_cohort_month)->ArgsProduct({{1, 2}, {1, 0}})->ArgNames({"threads", "partitioned"})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_period_stats_month(benchmark::State& state) {
  accumulator_bench<crm::period_accumulator<double>>(
      state,
      [] {
        crm::period_accumulator<double> a({.unit = crm::period_unit::month,
                                           .first = std::chrono::sys_days{std::chrono::days{crm_bench::first_day_2022}},
                                           .periods = 24,
                                           .inactive_periods = 3});
        a.reserve(log().customers / 2);
        return a;
      },
      [](const auto& acc, double&, double&) { benchmark::DoNotOptimize(acc.stats().data()); });
}
BENCHMARK(BM_period_stats_month)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_serialize_rfm(benchmark::State& state) {
  crm::rfm_accumulator<double> acc({.calibration_end = std::chrono::sys_days{std::chrono::days{crm_bench::first_day_2022 + 729}}});
  acc.add(log().orders);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto b = acc.serialize();
    bytes = b.size();
    benchmark::DoNotOptimize(crm::rfm_accumulator<double>::try_deserialize(b).has_value());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["state_bytes_per_customer"] = static_cast<double>(bytes) / static_cast<double>(acc.customers());
}
BENCHMARK(BM_serialize_rfm)->Unit(benchmark::kMillisecond)->UseRealTime();
}  // namespace

BENCHMARK_MAIN();

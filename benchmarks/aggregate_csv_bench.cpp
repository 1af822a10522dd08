// crm-metrics benchmarks: reading order logs (the CSV reader against fast-cpp-csv-parser, number
// parsing with std::from_chars against fast_float and strtod), and the C++ side of the DuckDB /
// pandas comparison (benchmarks/compare_duckdb_pandas.py).
//
//   aggregate_csv_bench                       Google Benchmark: parsers on 1M generated orders
//                                             (CRM_BENCH_CSV_ORDERS=N: N orders, e.g. BM_read_peak_memory
//                                             on the 10M-order, 286 MiB log)
//   aggregate_csv_bench --write-orders FILE N M [seed]     writes the generated order log
//   aggregate_csv_bench --compare FILE --side memory|csv|floor [--threads K] [--reps R] [--customers M] [--pool]
//                       [--window-bytes N: the CSV reader's pread window, 0: through the memory map]
//                       [--round-records N] [--round-bytes N]   (rounds of add_parallel / scan_csv_into)
//                       [--split input|customer]   (how add_parallel splits the orders in memory)
//                       [--retained-limit BYTES]   (crm::set_retained_memory_limit; 0: keep no freed block)
//                       [--task average_check|repeat_share|rfm|cohort]   (one task alone; or
//                        repeat_share_customers: the repeat share through customer_accumulator)
//       times the comparison tasks (average check, repeat share, RFM, monthly cohort matrix) and
//       prints one JSON object: times in seconds per repetition and the results to cross-check.
#include <crm/aggregate.hpp>
#include <crm/aggregate/csv.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#if __has_include(<fast_float/fast_float.h>)
#include <fast_float/fast_float.h>
#define CRM_BENCH_FAST_FLOAT 1
#endif
#if __has_include(<libfccp/csv.h>)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wunknown-warning-option"
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#include <libfccp/csv.h>
#pragma GCC diagnostic pop
#define CRM_BENCH_FCCP 1
#endif

#include <fcntl.h>
#include <unistd.h>

#include "generate_orders.hpp"

namespace {

using order = crm::order<double>;

// ---------------------------------------------------------------------------------------------
// Google Benchmark part: one generated file of 1M orders (about 30 MB), read several ways.

// CRM_BENCH_CSV_ORDERS=N makes it N orders over N / 10 customers instead (10000000: the 286 MiB log
// docs/aggregation.md's memory figures read), written once to the temporary directory.
const std::string& bench_file() {
  static const std::string path = [] {
    const char* env = std::getenv("CRM_BENCH_CSV_ORDERS");
    const std::uint64_t n = env != nullptr && *env != '\0' ? std::strtoull(env, nullptr, 10) : 1'000'000;
    const std::string name = n == 1'000'000 ? "crm_aggregate_csv_bench_1M.csv" : "crm_aggregate_csv_bench_" + std::to_string(n) + ".csv";
    const std::string p = (std::filesystem::temp_directory_path() / name).string();
    if (!std::filesystem::exists(p)) crm_bench::write_orders_csv(crm_bench::generate_orders(n, n / 10), p);
    return p;
  }();
  return path;
}

// One pass of `scan(format, sink)` over the bench file per iteration, summing the amounts per
// thread so nothing is optimised away; bytes per second of the file.
template <class Scan>
void read_bench(benchmark::State& st, Scan scan) {
  const crm::csv_format f{.threads = static_cast<unsigned>(st.range(0))};
  for (auto _ : st) {
    std::vector<double> sums(f.threads, 0.0);
    const crm::csv_summary s = scan(f, [&](unsigned w, std::span<const order> b) {
      for (const order& o : b) sums[w] += o.amount;
    });
    benchmark::DoNotOptimize(sums.data());
    if (!s.ok()) st.SkipWithError(s.message().c_str());
  }
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) *
                       static_cast<std::int64_t>(std::filesystem::file_size(bench_file())));
}

// The reader as a library user calls it.
void BM_read_crm(benchmark::State& st) {
  read_bench(st, [](const crm::csv_format& f, auto sink) { return crm::scan_csv<order>(bench_file(), crm::order_columns{}, f, sink); });
}
BENCHMARK(BM_read_crm)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// The same reader with its fixed-layout fast path turned off: every line through the general
// field splitter (what any other layout, quoting or a whitespace-separated file costs).
void BM_read_crm_general(benchmark::State& st) {
  read_bench(st, [](const crm::csv_format& f, auto sink) {
    return crm::detail::run_csv<order, false>(crm::csv_input(bench_file()), crm::order_columns{}, f, sink);
  });
}
BENCHMARK(BM_read_crm_general)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// How the bytes come in, one thread, each pass counting the line breaks (memchr): arg 0 = a
// memory map kept whole, 1 = a memory map whose parsed pages are released (madvise DONTNEED) every
// arg1 KiB (what the reader does), 2 = pread() into one reused buffer of arg1 KiB. rss_KiB: the
// growth of the process's resident memory from the start of a pass to its end (before unmapping).
std::int64_t resident_kib() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (f != nullptr) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<std::int64_t>(resident) * (sysconf(_SC_PAGESIZE) / 1024);
}
void BM_input(benchmark::State& st) {
  const int mode = static_cast<int>(st.range(0));
  const auto window = static_cast<std::size_t>(st.range(1)) << 10;
  std::size_t lines = 0;
  std::int64_t grew = 0;
  for (auto _ : st) {
    const std::int64_t rss0 = resident_kib();
    lines = 0;
    if (mode == 2) {
      const int fd = ::open(bench_file().c_str(), O_RDONLY);
      std::vector<char> buf(window);
      std::size_t carry = 0;  // a line cut by the buffer is moved to its front
      for (;;) {
        const ssize_t got = ::read(fd, buf.data() + carry, buf.size() - carry);
        if (got <= 0) break;
        const char* b = buf.data();
        const char* e = b + carry + static_cast<std::size_t>(got);
        const char* last = b;
        while (b < e) {
          const auto [le, next] = crm::detail::line_at(b, e);
          if (le == e) break;
          ++lines;
          last = b = next;
        }
        carry = static_cast<std::size_t>(e - last);
        std::memmove(buf.data(), last, carry);
      }
      ::close(fd);
      grew = resident_kib() - rss0;
    } else {
      crm::detail::csv_bytes bytes;
      const char* why = "";
      if (!bytes.open(bench_file(), why)) st.SkipWithError(why);
      const char* b = bytes.view().data();
      const char* e = b + bytes.view().size();
      const char* released = b;
      while (b < e) {
        b = crm::detail::line_at(b, e).second, ++lines;
        if (mode == 1 && static_cast<std::size_t>(b - released) >= window) {
          bytes.release(released, b);
          released = b;
        }
      }
      grew = resident_kib() - rss0;
    }
    benchmark::DoNotOptimize(lines);
  }
  st.counters["rss_KiB"] = static_cast<double>(grew);
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) *
                       static_cast<std::int64_t>(std::filesystem::file_size(bench_file())));
}
BENCHMARK(BM_input)->Args({0, 0})->Args({1, 1024})->Args({1, 16384})->Args({2, 64})->Args({2, 1024})->UseRealTime()->Unit(benchmark::kMillisecond);

// The whole read's peak memory: crm::scan_csv on arg threads, a running sum per thread as the
// callback (docs/aggregation.md, "Threads and memory"). Before each pass the process's peak
// resident size (VmHWM) is reset to its current size (writing 5 to /proc/self/clear_refs, Linux
// 4.0 and later); after it, peak_growth_KiB = VmHWM - the resident size at the start: what the
// pass added at its worst (the largest over the passes): the reader's windows, buffers and threads. peak_KiB is VmHWM itself,
// the whole process (this program's own data included).
std::int64_t status_kib(const char* field) {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return -1;
  char line[256];
  std::int64_t v = -1;
  const std::size_t len = std::strlen(field);
  while (std::fgets(line, sizeof line, f) != nullptr)
    if (std::strncmp(line, field, len) == 0) v = std::strtoll(line + len, nullptr, 10);
  std::fclose(f);
  return v;
}
bool reset_peak_resident() {
  std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (f == nullptr) return false;
  const bool ok = std::fputs("5", f) >= 0;
  return std::fclose(f) == 0 && ok;
}
void BM_read_peak_memory(benchmark::State& st) {
  const crm::csv_format f{.threads = static_cast<unsigned>(st.range(0))};
  const std::string& file = bench_file();
  std::int64_t growth = 0, peak = 0;
  for (auto _ : st) {
    st.PauseTiming();
    if (!reset_peak_resident()) return st.SkipWithError("cannot reset VmHWM (/proc/self/clear_refs)");
    const std::int64_t rss0 = status_kib("VmRSS:");
    st.ResumeTiming();
    std::vector<double> sums(f.threads, 0.0);
    const crm::csv_summary s = crm::scan_csv<order>(file, crm::order_columns{}, f, [&](unsigned w, std::span<const order> b) {
      for (const order& o : b) sums[w] += o.amount;
    });
    benchmark::DoNotOptimize(sums.data());
    if (!s.ok()) return st.SkipWithError(s.message().c_str());
    st.PauseTiming();
    peak = status_kib("VmHWM:");
    growth = std::max(growth, peak - rss0);
    st.ResumeTiming();
  }
  st.counters["peak_growth_KiB"] = static_cast<double>(growth);
  st.counters["peak_KiB"] = static_cast<double>(peak);
  st.counters["file_MiB"] = static_cast<double>(std::filesystem::file_size(file)) / 1048576.0;
}
BENCHMARK(BM_read_peak_memory)->Arg(2)->ArgName("threads")->UseRealTime()->Unit(benchmark::kMillisecond);

#ifdef CRM_BENCH_FCCP
// fast-cpp-csv-parser (Debian libfccp-dev): its own line reader (a background thread reads ahead)
// and number parser; the date as text, converted with the same ISO-day function as ours.
void BM_read_fccp(benchmark::State& st) {
  for (auto _ : st) {
    io::CSVReader<3> in(bench_file());
    in.read_header(io::ignore_extra_column, "customer_id", "date", "amount");
    std::uint64_t id = 0;
    char* date = nullptr;
    double amount = 0, sum = 0;
    std::int64_t days = 0;
    while (in.read_row(id, date, amount)) {
      std::chrono::sys_days d{};
      if (!crm::detail::parse_iso_day(date, d).ok()) st.SkipWithError("bad date");
      days += d.time_since_epoch().count();
      sum += amount + static_cast<double>(id & 1);
    }
    benchmark::DoNotOptimize(sum);
    benchmark::DoNotOptimize(days);
  }
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) *
                       static_cast<std::int64_t>(std::filesystem::file_size(bench_file())));
}
BENCHMARK(BM_read_fccp)->UseRealTime()->Unit(benchmark::kMillisecond);
#endif

// The line-splitting floor: memchr for every line break of the mapped file, nothing parsed.
void BM_read_lines_only(benchmark::State& st) {
  crm::detail::csv_bytes bytes;
  const char* why = "";
  if (!bytes.open(bench_file(), why)) st.SkipWithError(why);
  for (auto _ : st) {
    const std::string_view v = bytes.view();
    const char* b = v.data();
    const char* e = b + v.size();
    std::size_t n = 0;
    while (b < e) b = crm::detail::line_at(b, e).second, ++n;
    benchmark::DoNotOptimize(n);
  }
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) * static_cast<std::int64_t>(bytes.view().size()));
}
BENCHMARK(BM_read_lines_only)->UseRealTime()->Unit(benchmark::kMillisecond);

// Amount fields alone: std::from_chars (g++ 12), fast_float, strtod.
const std::vector<std::string>& amount_texts() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out;
    for (const auto& o : crm_bench::generate_orders(200'000, 20'000)) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%" PRId64 ".%02d", o.cents / 100, static_cast<int>(o.cents % 100));
      out.emplace_back(buf);
    }
    return out;
  }();
  return v;
}
// Sums every amount text parsed by parse(text, double&).
template <class Parse>
void amount_bench(benchmark::State& st, Parse parse) {
  for (auto _ : st) {
    double sum = 0;
    for (const std::string& s : amount_texts()) {
      double x = 0;
      parse(std::string_view(s), x);
      sum += x;
    }
    benchmark::DoNotOptimize(sum);
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * amount_texts().size()));
}
void BM_amount_from_chars(benchmark::State& st) {
  amount_bench(st, [](std::string_view s, double& x) { std::from_chars(s.data(), s.data() + s.size(), x); });
}
BENCHMARK(BM_amount_from_chars);
#ifdef CRM_BENCH_FAST_FLOAT
void BM_amount_fast_float(benchmark::State& st) {
  amount_bench(st, [](std::string_view s, double& x) { fast_float::from_chars(s.data(), s.data() + s.size(), x); });
}
BENCHMARK(BM_amount_fast_float);
#endif
void BM_amount_strtod(benchmark::State& st) {  // the texts are std::strings: data() is NUL-terminated
  amount_bench(st, [](std::string_view s, double& x) { x = std::strtod(s.data(), nullptr); });
}
BENCHMARK(BM_amount_strtod);
void BM_amount_crm_parse_amount(benchmark::State& st) {  // the reader's checked parser
  amount_bench(st, [](std::string_view s, double& x) { (void)crm::detail::parse_amount(s, x); });
}
BENCHMARK(BM_amount_crm_parse_amount);

// ---------------------------------------------------------------------------------------------
// The comparison side (see compare_duckdb_pandas.py for what each task means).

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
// CPU seconds of the whole process (every thread): the work done, whatever else runs on the machine.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Runs f(part, [begin, end)) on k threads over a vector split in k contiguous parts.
template <class F>
void on_parts(std::size_t n, unsigned k, F&& f) {
  std::vector<std::thread> pool;
  for (unsigned p = 1; p < k; ++p) pool.emplace_back([&, p] { f(p, n * p / k, n * (p + 1) / k); });
  f(0u, std::size_t{0}, n / k);
  for (auto& t : pool) t.join();
}

struct results {
  std::uint64_t orders = 0;
  double revenue = 0;
  std::uint64_t customers = 0, repeat_customers = 0;
  std::uint64_t rfm_rows = 0, sum_frequency = 0, sum_recency = 0, sum_age = 0, rfm_hash = 0;
  double sum_monetary = 0;
  std::vector<std::array<std::uint64_t, 3>> cohort;  // {cohort as months since 1970-01, k, customers}
};

std::uint64_t rfm_hash(const std::vector<crm::rfm_summary_row<double>>& rows, results& r) {
  std::uint64_t h = 0;
  for (const auto& x : rows) {
    const auto f = static_cast<std::uint64_t>(x.frequency), rec = static_cast<std::uint64_t>(x.recency),
               age = static_cast<std::uint64_t>(x.age);
    r.sum_frequency += f;
    r.sum_recency += rec;
    r.sum_age += age;
    r.sum_monetary += x.monetary_value;
    h += (x.customer % 1000003) * (f + 7 * rec + 13 * age);  // mod 2^64
  }
  r.rfm_rows = rows.size();
  return h;
}

// add_parallel's options; split by customer when asked and when the library has that split
// (checked at compile time, so this file builds against either version of <crm/aggregate/parallel.hpp>).
template <class Opt = crm::parallel_options>
bool parallel_split_by_customer(Opt& o) {
  if constexpr (requires(Opt x) { x.split = decltype(x.split)::customer; }) {
    o.split = decltype(o.split)::customer;
    return true;
  } else {
    return false;
  }
}

// The tasks, on the library's accumulators: from memory through crm::add_parallel; from the CSV
// through crm::try_scan_csv_into (the partitioned add in rounds for the per-customer
// accumulators; one accumulator per parsing thread, merged in file order, for the order totals).
struct task_runner {
  unsigned threads;
  std::size_t customers_hint;
  const std::vector<order>* orders;  // null: read `file`
  crm::parallel_options popts;       // for add_parallel (from memory)
  std::string file;
  crm::rfm_options rfm_opt;
  crm::period_options period_opt;
  std::size_t round_bytes = crm::csv_format{}.round_bytes;  // for scan_csv_into (from the CSV)
  crm::executor* executor = nullptr;                          // --pool: a crm::thread_pool for both

  template <class Acc>
  void accumulate(Acc& acc) {
    if (orders != nullptr) {
      (void)crm::add_parallel(acc, std::span<const order>(*orders), popts);
      return;
    }
    const crm::csv_summary s = crm::try_scan_csv_into<order>(file, crm::order_columns{},
                                                            crm::csv_format{.threads = threads, .round_bytes = round_bytes, .executor = executor}, acc);
    if (!s.ok()) std::fprintf(stderr, "%s\n", s.message().c_str()), std::exit(2);
  }
  void average_check(results& r) {
    crm::order_totals_accumulator<double> acc;
    accumulate(acc);
    const auto t = acc.totals();
    r.orders = t.orders;
    r.revenue = t.revenue;
  }
  // The repeat share from Acc: repeat_purchase_accumulator (a count per customer) for the task,
  // customer_accumulator (first and last purchase and revenue too) for --task
  // repeat_share_customers, a comparison only.
  template <class Acc>
  void repeat_share(results& r) {
    Acc acc(customers_hint);
    accumulate(acc);
    const auto rep = acc.repeat();
    r.customers = rep.customers;
    r.repeat_customers = rep.repeat_customers;
  }
  // The rows on the task's threads where this version of the library builds them on threads
  // (checked at compile time, as the split above).
  template <class Acc>
  auto rfm_rows(const Acc& acc) {
    if constexpr (requires { acc.rows(popts); }) {
      crm::parallel_options p = popts;
      p.threads = threads;
      return acc.rows(p);
    } else {
      return acc.rows();
    }
  }
  // The rows are built inside the timing (as DuckDB's side materialises its table); their checksum
  // only for the results kept (`keep`, outside the timing: DuckDB's checksum query is untimed too).
  void rfm(results& r, bool keep) {
    crm::rfm_accumulator<double> acc(rfm_opt);
    acc.reserve(customers_hint);
    accumulate(acc);
    const auto rows = rfm_rows(acc);
    if (keep) r.rfm_hash = rfm_hash(rows, r);
  }
  void cohorts(results& r) {
    crm::period_accumulator<double> acc(period_opt);
    acc.reserve(customers_hint);
    accumulate(acc);
    const crm::cohort_matrix<double> m = acc.cohorts();
    r.cohort.clear();
    for (std::int32_t c = 0; c < m.periods; ++c)
      for (std::int32_t k = 0; c + k < m.periods; ++k)
        if (const crm::count_t n = m.cell(c, k).active_in_period; n != 0)
          r.cohort.push_back(
              {static_cast<std::uint64_t>(m.first_period + c), static_cast<std::uint64_t>(k), static_cast<std::uint64_t>(n)});
  }
};

using timings = std::map<std::string, std::vector<double>>;
void print_timings(const char* key, const timings& times) {
  std::printf("\"%s\": {", key);
  bool first = true;
  for (const auto& [k, v] : times) {
    std::printf("%s\"%s\": [", first ? "" : ", ", k.c_str());
    for (std::size_t i = 0; i < v.size(); ++i) std::printf("%s%.6f", i ? ", " : "", v[i]);
    std::printf("]");
    first = false;
  }
  std::printf("}, ");
}
void print_json(const char* side, unsigned threads, const timings& times, const timings& cpu, const results& r,
                double floor_sum) {
  std::printf("{\"side\": \"%s\", \"threads\": %u, ", side, threads);
  print_timings("times", times);
  print_timings("cpu", cpu);
  std::printf("\"results\": {\"orders\": %" PRIu64 ", \"revenue\": %.4f, \"customers\": %" PRIu64
              ", \"repeat_customers\": %" PRIu64 ", \"rfm_rows\": %" PRIu64 ", \"sum_frequency\": %" PRIu64
              ", \"sum_recency\": %" PRIu64 ", \"sum_age\": %" PRIu64 ", \"rfm_hash\": \"%" PRIu64
              "\", \"sum_monetary\": %.6f, \"floor_sum\": %.4f, \"cohort\": [",
              r.orders, r.revenue, r.customers, r.repeat_customers, r.rfm_rows, r.sum_frequency, r.sum_recency,
              r.sum_age, r.rfm_hash, r.sum_monetary, floor_sum);
  for (std::size_t i = 0; i < r.cohort.size(); ++i)
    std::printf("%s[%" PRIu64 ", %" PRIu64 ", %" PRIu64 "]", i ? ", " : "", r.cohort[i][0], r.cohort[i][1], r.cohort[i][2]);
  std::printf("]}}\n");
}

int compare_main(int argc, char** argv) {
  std::string file, side = "memory", split = "input", only;  // only: one of the four tasks alone (empty: all)
  unsigned threads = 2, reps = 5;
  std::size_t customers_hint = 1'000'000;  // room reserved in the per-customer tables
  std::size_t round_records = crm::parallel_options{}.round_records;  // add_parallel's rounds (memory)
  std::size_t round_bytes = crm::csv_format{}.round_bytes;            // scan_csv_into's rounds (csv)
  bool use_pool = false;  // --pool: the threads' parts on a crm::thread_pool kept for the run (executor)
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--compare" && i + 1 < argc) file = argv[++i];
    else if (a == "--side" && i + 1 < argc) side = argv[++i];
    else if (a == "--threads" && i + 1 < argc) threads = static_cast<unsigned>(std::atoi(argv[++i]));
    else if (a == "--reps" && i + 1 < argc) reps = static_cast<unsigned>(std::atoi(argv[++i]));
    else if (a == "--split" && i + 1 < argc) split = argv[++i];
    else if (a == "--task" && i + 1 < argc) only = argv[++i];
    else if (a == "--customers" && i + 1 < argc) customers_hint = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--round-records" && i + 1 < argc) round_records = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--round-bytes" && i + 1 < argc) round_bytes = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--retained-limit" && i + 1 < argc) crm::set_retained_memory_limit(std::strtoull(argv[++i], nullptr, 10));
    else if (a == "--pool") use_pool = true;
    else if (a == "--window-bytes" && i + 1 < argc) crm::detail::csv_window_bytes() = std::strtoull(argv[++i], nullptr, 10);
  }
  threads = std::max(1u, threads);
  // The first and last dates (the log is sorted by date: the last line has the last date, the
  // calibration end) from the file's first and last 4 KiB, read with pread: the csv side's peak
  // resident memory is then the reader's and the accumulators' alone, not a pass over the whole file.
  const int fd = ::open(file.c_str(), O_RDONLY);
  if (fd < 0) return std::fprintf(stderr, "%s: cannot open\n", file.c_str()), 2;
  const off_t file_size = ::lseek(fd, 0, SEEK_END);
  const auto read_at = [fd](off_t off, std::size_t n) {
    std::string buf(n, '\0');
    const ssize_t got = ::pread(fd, buf.data(), n, off);
    buf.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    return buf;
  };
  const std::string head_bytes = read_at(0, 4096);
  const std::string tail_bytes = read_at(file_size > 4096 ? file_size - 4096 : 0, 4096);
  ::close(fd);
  const std::string_view head = std::string_view(head_bytes).substr(head_bytes.find('\n') + 1);  // first data line
  const std::string_view first_date = head.substr(head.find(',') + 1, 10);
  std::string_view tail = tail_bytes;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.remove_suffix(1);
  tail = tail.substr(tail.rfind('\n') + 1);
  const std::string_view last_date = tail.substr(tail.find(',') + 1, 10);
  crm::time_point begin{}, end{};
  if (!crm::detail::parse_time(first_date, crm::time_format::iso_date, {}, begin).ok() ||
      !crm::detail::parse_time(last_date, crm::time_format::iso_date, {}, end).ok())
    return std::fprintf(stderr, "cannot read the first and last dates\n"), 2;
  // The number of lines (room reserved in the orders vector): only the in-memory sides need it.
  std::size_t lines = 0;
  if (side == "memory" || side == "floor") {
    crm::detail::csv_bytes bytes;
    const char* why = "";
    if (!bytes.open(file, why)) return std::fprintf(stderr, "%s: %s\n", file.c_str(), why), 2;
    for (const char* b = bytes.view().data(); b < bytes.view().data() + bytes.view().size();)
      b = crm::detail::line_at(b, bytes.view().data() + bytes.view().size()).second, ++lines;
  }
  const auto month_of = [](crm::time_point t) { return crm::period_of_day(crm::period_unit::month, crm::day_number(t)); };

  const crm::rfm_options opt{.calibration_end = std::chrono::floor<std::chrono::days>(end)};
  const crm::period_options popt{.unit = crm::period_unit::month, .first = std::chrono::floor<std::chrono::days>(begin),
                                 .periods = month_of(end) - month_of(begin) + 1};
  std::map<std::string, std::vector<double>> times, cpu;
  results r;
  double floor_sum = 0;
  std::vector<order> orders;
  task_runner run{threads, customers_hint, nullptr, {}, file, opt, popt};
  run.popts.threads = threads;
  run.popts.round_records = round_records;
  run.round_bytes = round_bytes;
  std::optional<crm::thread_pool> pool;
  if (use_pool && threads > 1) {
    pool.emplace(threads - 1);
    run.popts.executor = run.executor = &*pool;
  }
  if (split == "customer" && !parallel_split_by_customer(run.popts))
    return std::fprintf(stderr, "this version of add_parallel has no split by customer\n"), 2;
  if (side == "memory" || side == "floor") {
    orders.reserve(lines);
    const crm::csv_summary s = crm::scan_csv<order>(file, crm::order_columns{}, crm::csv_format{},
                                                    [&](unsigned, std::span<const order> b) {
                                                      orders.insert(orders.end(), b.begin(), b.end());
                                                    });
    if (!s.ok()) return std::fprintf(stderr, "%s\n", s.message().c_str()), 2;
    run.orders = &orders;
  }
  // task(results, keep): keep is false inside the timing, true for the untimed run whose results
  // are kept (a task may skip work that only checks its results when keep is false).
  auto timed = [&](const char* name, auto&& task) {
    for (unsigned i = 0; i < reps; ++i) {
      results tmp;
      const double c0 = process_cpu_seconds();
      const auto t0 = std::chrono::steady_clock::now();
      task(tmp, false);
      times[name].push_back(seconds_since(t0));
      cpu[name].push_back(process_cpu_seconds() - c0);
      if (i == 0) task(r, true);  // keep the results (outside the timing)
    }
  };
  if (side == "floor") {
    timed("floor", [&](results&, bool) {
      std::vector<double> part(threads, 0.0);
      on_parts(orders.size(), threads, [&](unsigned p, std::size_t b, std::size_t e) {
        double s = 0;
        for (std::size_t i = b; i < e; ++i) s += orders[i].amount;
        part[p] = s;
      });
      floor_sum = 0;
      for (double x : part) floor_sum += x;
    });
    // The least a count per customer can cost: every thread reads every order and, for the ids its
    // half of the hashes holds, adds one to a counter at a hashed place in an array of 2^20 (4 MiB
    // per thread, larger than a core's cache): no keys, no collisions resolved, no checks.
    timed("floor_random", [&](results&, bool) {
      std::vector<std::vector<std::uint32_t>> count(threads, std::vector<std::uint32_t>(std::size_t{1} << 20));
      on_parts(threads, threads, [&](unsigned t, std::size_t, std::size_t) {
        std::vector<std::uint32_t>& c = count[t];
        for (const order& o : orders) {
          const std::uint64_t h = o.customer * 0x9E3779B97F4A7C15ULL;
          if (((h >> 32) * threads >> 32) == t) ++c[(h >> 12) & ((std::size_t{1} << 20) - 1)];
        }
      });
      std::uint64_t n = 0;
      for (const auto& c : count)
        for (const std::uint32_t x : c) n += x;
      if (n != orders.size()) std::fprintf(stderr, "floor_random counted %" PRIu64 " orders\n", n), std::exit(2);
    });
  } else {
    const auto wanted = [&only](const char* name) { return only.empty() || only == name; };
    if (wanted("average_check")) timed("average_check", [&](results& x, bool) { run.average_check(x); });
    if (wanted("repeat_share")) timed("repeat_share", [&](results& x, bool) { run.repeat_share<crm::repeat_purchase_accumulator<double>>(x); });
    if (only == "repeat_share_customers")
      timed("repeat_share_customers", [&](results& x, bool) { run.repeat_share<crm::customer_accumulator<double>>(x); });
    if (wanted("rfm")) timed("rfm", [&](results& x, bool keep) { run.rfm(x, keep); });
    if (wanted("cohort")) timed("cohort", [&](results& x, bool) { run.cohorts(x); });
  }
  if (side == "memory") std::fprintf(stderr, "crm-memory: add_parallel split by %s\n", split.c_str());
  print_json(side == "memory" ? "crm-memory" : side == "csv" ? "crm-csv" : "floor", threads, times, cpu, r, floor_sum);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 5 && std::strcmp(argv[1], "--write-orders") == 0) {
    const auto n = std::strtoull(argv[3], nullptr, 10), m = std::strtoull(argv[4], nullptr, 10);
    const std::uint64_t seed = argc >= 6 ? std::strtoull(argv[5], nullptr, 10) : 20240601;
    return crm_bench::write_orders_csv(crm_bench::generate_orders(n, m, seed), argv[2]) ? 0 : 1;
  }
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--compare") == 0) return compare_main(argc, argv);
  (void)bench_file();  // generate the data before any timing
  (void)amount_texts();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

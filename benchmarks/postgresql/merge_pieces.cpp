// crm-metrics PostgreSQL benchmark, the library pieces alone: what the parallel leader does with
// the partial states of the benchmark's RFM and cohort aggregates (docs/postgresql.md, "Where the
// time goes"), timed without PostgreSQL. The orders of benchmarks/generate_orders.hpp (sorted by
// day) are split into two parts by alternating blocks of rows, as a parallel scan hands out blocks
// of the table, so each part holds nearly every customer. Per accumulator, median of R runs, ms:
// serialize a part, try_deserialize it, try_merge of the read part into the other (the old combine:
// read, then merge), try_merge_serialized (the new combine: merge straight from the bytes), and
// for RFM rows() of the merged state. CPU time of the process, not wall time.
//   g++ -std=c++20 -O3 -DNDEBUG -Iinclude -o merge_pieces benchmarks/postgresql/merge_pieces.cpp
//   ./merge_pieces [orders=10000000] [customers=1000000] [block=4096] [reps=3]
// SPDX-License-Identifier: MIT
#include "../generate_orders.hpp"

#include <crm/aggregate/cohort.hpp>
#include <crm/aggregate/rfm.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

namespace {
// CPU milliseconds of the process over f() (the machine is shared: wall time would count other
// jobs; rows() may run on several threads, whose CPU time adds up).
template <class F>
double ms(F&& f) {
  timespec a{}, b{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
  f();
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
  return static_cast<double>(b.tv_sec - a.tv_sec) * 1e3 + static_cast<double>(b.tv_nsec - a.tv_nsec) / 1e6;
}
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class Acc>
void pieces(const char* what, const Acc& a, const Acc& b, int reps) {
  std::vector<double> ser, de, merge, bytes_merge, rows;
  std::size_t size = 0;
  bool same = true;
  for (int r = 0; r < reps; ++r) {
    std::vector<std::byte> bytes;
    ser.push_back(ms([&] { bytes = a.serialize(); }));
    size = bytes.size();
    crm::result<Acc> back = crm::error_info{};
    de.push_back(ms([&] { back = Acc::try_deserialize(bytes); }));
    Acc old = b;
    merge.push_back(ms([&] { (void)old.try_merge(*back); }));
    Acc fresh = b;
    bytes_merge.push_back(ms([&] {
      if (fresh.try_merge_serialized(bytes)) std::abort();
    }));
    if constexpr (requires { fresh.rows(); }) {
      rows.push_back(ms([&] {
        if (fresh.rows().empty()) std::abort();
      }));
      if (r == 0) same = fresh.rows() == old.rows();
    } else {
      if (r == 0) same = fresh == old;
    }
  }
  std::printf("%-7s state %.1f MB: serialize %.0f ms, try_deserialize %.0f ms, try_merge %.0f ms (read + merge %.0f ms), "
              "try_merge_serialized %.0f ms",
              what, static_cast<double>(size) / 1e6, median(ser), median(de), median(merge), median(de) + median(merge),
              median(bytes_merge));
  // The leader with one worker: its own state serialized (PostgreSQL flattens a partial result)
  // and read back as the first state, the worker's merged: before, read and merged; now, merged
  // from its bytes.
  std::printf("; leader with 1 worker: before %.0f ms, now %.0f ms", median(ser) + 2 * median(de) + median(merge),
              median(ser) + median(de) + median(bytes_merge));
  if (!rows.empty()) std::printf(", rows() of the merged state %.0f ms", median(rows));
  std::printf("; same result: %s\n", same ? "yes" : "NO");
}
}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000000;
  const std::uint64_t m = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
  const std::size_t block = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 4096;
  const int reps = argc > 4 ? std::atoi(argv[4]) : 3;
  const auto log = crm_bench::generate_orders(n, m, 20240601);
  std::vector<crm::order<double>> part[2];
  for (std::size_t i = 0; i < log.size(); ++i) {
    const auto& o = log[i];
    part[(i / block) % 2].push_back({o.customer, crm::to_time(std::chrono::sys_days{std::chrono::days{o.day}}),
                                     static_cast<double>(o.cents) / 100.0});
  }
  std::printf("%llu orders, %llu customers, two parts of alternating blocks of %zu rows, median of %d, CPU ms\n",
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(m), block, reps);
  using namespace std::chrono;
  {
    const crm::rfm_options o{.calibration_end = sys_days{year{2023} / 12 / 31}};
    crm::rfm_accumulator<double> a(o), b(o);
    a.add(part[0]);
    b.add(part[1]);
    pieces("rfm", a, b, reps);
  }
  {
    const crm::period_options o{.unit = crm::period_unit::month, .first = sys_days{year{2022} / 1 / 1}, .periods = 24, .cohort_revenue = true};
    crm::period_accumulator<double> a(o), b(o);
    a.add(part[0]);
    b.add(part[1]);
    pieces("cohort", a, b, reps);
  }
}

// crm-metrics tests: rfm_accumulator::rows() on several threads (rows(parallel_options),
// model_rows(p), spend_rows(policy, p)) gives exactly the one-thread rows, and the radix sort under
// it (detail::sort_by_customer on threads) gives exactly std::stable_sort's order; the distinct-day
// counts rows() recounts from the day log (merged parts whose days interleave) equal a count of the
// raw orders' days per customer (std::set), across blocks of the log and at the ends of the
// accepted date range.
#include <crm/aggregate/parallel.hpp>
#include <crm/aggregate/rfm.hpp>
#include <crm/multiprecision.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "random_merge.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace aggregate_rfm_rows_test {

using namespace std::chrono;
using dec = crm::decimal50;

namespace {
std::mt19937_64 rng(20261202);

// n orders of `customers` customers with random 64-bit ids (customer 0 among them), over `span`
// days from 2023-01-01, in random order; amounts in cents, a few returns.
std::vector<crm::order<dec>> random_log(int n, int customers, int span) {
  std::vector<std::uint64_t> ids(static_cast<std::size_t>(customers));
  for (std::uint64_t& id : ids) id = rng();
  ids[0] = 0;
  std::vector<crm::order<dec>> log;
  for (int i = 0; i < n; ++i) {
    const long long cents = rng() % 25 == 0 ? -static_cast<long long>(rng() % 3000) : static_cast<long long>(rng() % 40000);
    log.push_back({.customer = ids[rng() % ids.size()],
                   .time = crm::to_time(sys_days{2023y / 1 / 1} + days{static_cast<int>(rng() % static_cast<unsigned>(span))}),
                   .amount = dec(cents) / dec(100)});
  }
  return log;
}
}  // namespace

TEST_CASE("rfm_accumulator: rows(parallel_options) equals rows() on 1, 2, 3 and 7 threads (random logs, merged parts with "
          "inexact customers, decimal money)",
          "[aggregate][rfm][parallel]") {
  // Each state: the log added by the partitioned add on 7 threads (8 parts of the table, so up to 7
  // threads get parts), merged with parts of a second log split record by record and shuffled, so
  // many customers' days interleave and their counts come from the day log. The rows on k threads
  // (every thread used: min_records_per_thread = 1) equal the one-thread rows bit for bit, and those
  // equal the rows of one accumulator that got every record in order.
  const crm::rfm_options plain{.calibration_end = 2023y / 12 / 31d};
  const crm::rfm_options holdout{.calibration_end = 2023y / 6 / 30d, .observation_end = 2023y / 12 / 31d, .time_unit = days{7}};
  for (const crm::rfm_options& o : {plain, holdout}) {
    for (int round = 0; round < 2; ++round) {
      const int customers = 200 + static_cast<int>(rng() % 3000);
      const auto first = random_log(6000, customers, 365), second = random_log(3000, customers, 365);
      crm::rfm_accumulator<dec> acc(o), whole(o);
      (void)crm::add_parallel(acc, first, {.threads = 7, .min_records_per_thread = 1});
      std::vector<crm::rfm_accumulator<dec>> parts;
      for (int p = 0; p < 3; ++p) parts.push_back(acc.fresh());
      std::vector<crm::order<dec>> shuffled = second;
      std::shuffle(shuffled.begin(), shuffled.end(), rng);
      for (const auto& r : shuffled) parts[rng() % parts.size()].add(r);
      acc.merge(crm_test::merge_randomly(std::move(parts), rng));
      whole.add(first);
      whole.add(second);
      const auto want = whole.rows();
      REQUIRE(acc.rows() == want);
      for (const unsigned threads : {1U, 2U, 3U, 7U}) {
        const crm::parallel_options p{.threads = threads, .min_records_per_thread = 1};
        CHECK(acc.rows(p) == want);
        CHECK(acc.model_rows(p) == acc.model_rows());
        CHECK(acc.spend_rows(crm::zero_spend_rows::skip, p) == acc.spend_rows(crm::zero_spend_rows::skip));
        CHECK(acc.spend_rows(crm::zero_spend_rows::refuse, p) == acc.spend_rows());
        // the default threshold leaves these small states on the calling thread: the same rows
        CHECK(acc.rows({.threads = threads}) == want);
      }
    }
  }
  // Many buckets (about 31,000 customers: 16 buckets of the ids' top bits), and ids crowded into one
  // bucket (all but a few below 2^20, a few near 2^63: one bucket holds nearly every row)
  for (const bool crowded : {false, true}) {
    std::vector<crm::order<double>> log;
    for (int i = 0; i < 60000; ++i) {
      const std::uint64_t c = rng() % 40000;
      const std::uint64_t id = crowded ? (c < 5 ? (std::uint64_t{1} << 63) + c : c) : c * 0x9E3779B97F4A7C15ULL;
      log.push_back({id, crm::to_time(sys_days{2023y / 1 / 1} + days{static_cast<int>(rng() % 365)}), static_cast<double>(rng() % 9000) / 4});
    }
    crm::rfm_accumulator<double> acc(plain);
    (void)crm::add_parallel(acc, log, {.threads = 3, .min_records_per_thread = 1});
    const auto want = acc.rows();
    REQUIRE(want.size() > 25000);
    CHECK(std::is_sorted(want.begin(), want.end(), [](const auto& a, const auto& b) { return a.customer < b.customer; }));
    for (const unsigned threads : {2U, 3U, 7U}) CHECK(acc.rows({.threads = threads, .min_records_per_thread = 1}) == want);
  }
  // Empty, and customer 0 alone (no part of the table exists yet)
  crm::rfm_accumulator<dec> empty(plain), zero(plain);
  zero.add({.customer = 0, .time = crm::to_time(2023y / 3 / 1d), .amount = dec(5)});
  for (const unsigned threads : {1U, 2U, 7U}) {
    const crm::parallel_options p{.threads = threads, .min_records_per_thread = 1};
    CHECK(empty.rows(p).empty());
    REQUIRE(zero.rows(p).size() == 1);
    CHECK(zero.rows(p) == zero.rows());
  }
}

TEST_CASE("detail::sort_by_customer on threads: std::stable_sort's order for keys of any width", "[aggregate][rfm][parallel]") {
  // Records (key, position): equal keys keep their input order. Keys below 2^8, 2^20, 2^40, any
  // 64-bit value, one key for all (every pass skipped), and keys that share all but their top digit.
  struct rec {
    std::uint64_t first;
    std::uint32_t second;
    bool operator==(const rec&) const = default;
  };
  const auto key = [](const rec& r) { return r.first; };
  for (const int width : {8, 20, 40, 64, 0, -1}) {
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{255}, std::size_t{256}, std::size_t{3001}, std::size_t{20000}}) {
      std::vector<rec> v(n);
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t r = rng();
        const std::uint64_t k = width == 64 ? r : width == 0 ? 42 : width == -1 ? (r % 3) << 56 : r >> (64 - width);
        v[i] = {k, static_cast<std::uint32_t>(i)};
      }
      std::vector<rec> want = v;
      std::stable_sort(want.begin(), want.end(), [](const rec& a, const rec& b) { return a.first < b.first; });
      for (const std::size_t threads : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}}) {
        std::vector<rec> got = v;
        crm::detail::sort_by_customer(got, key, threads, 1);
        CHECK(got == want);
        std::vector<rec, crm::detail::huge_page_allocator<rec>> huge(v.begin(), v.end());
        crm::detail::sort_by_customer(huge, key, threads, 1);
        CHECK(std::equal(huge.begin(), huge.end(), want.begin(), want.end()));
      }
    }
  }
}

TEST_CASE("rfm_accumulator: recounted distinct days equal a std::set count of the orders' days (parts merged in memory and "
          "from bytes, several log blocks, 1900-01-01 and 2199-12-31, holdout)",
          "[aggregate][rfm][parallel]") {
  // About 80,000 customers with indices in three blocks of the day log (2^15 indices each); each
  // customer's orders cut into 3 parts at random, so after the merges nearly every count is inexact
  // and comes from the log's recount (several segments, the same day in several of them). The
  // reference: per customer the set of its purchase days (amount >= 0) up to calibration_end and in
  // (calibration_end, observation_end], counted with std::set; frequency = calibration days - 1.
  const auto d1900 = sys_days{1900y / 1 / 1}, d2199 = sys_days{2199y / 12 / 31};
  struct setup {
    crm::rfm_options o;
    sys_days from;
    int span;
  };
  const setup cases[] = {
      {{.calibration_end = 1900y / 3 / 1d, .observation_end = 2199y / 12 / 31d}, d1900, 400},  // both ends
      {{.calibration_end = 2199y / 12 / 31d}, d2199 - days{300}, 301},
      {{.calibration_end = 2023y / 6 / 30d, .observation_end = 2023y / 12 / 31d, .time_unit = days{7}}, sys_days{2023y / 1 / 1}, 365},
  };
  for (const setup& c : cases) {
    std::vector<crm::order<double>> log;
    const int customers = 80000;
    for (int i = 0; i < 4 * customers; ++i) {
      const auto id = static_cast<std::uint64_t>(rng() % static_cast<std::uint64_t>(customers)) * 0x9E3779B97F4A7C15ULL + 1;
      int d = static_cast<int>(rng() % static_cast<std::uint64_t>(c.span));
      if (i % 97 == 0) d = 0;
      if (i % 89 == 0) d = c.span - 1;
      const sys_days day = c.from + days{d};
      const double amount = rng() % 40 == 0 ? -1.0 : static_cast<double>(rng() % 500);
      log.push_back({id, crm::to_time(day > d2199 ? d2199 : day), amount});
    }
    // the end days: 2199-12-31 itself, and 1900-01-01 (a customer of its own, in the last block)
    log.push_back({7, crm::to_time(d2199), 1.0});
    log.push_back({7, crm::to_time(d1900), 2.0});
    log.push_back({7, crm::to_time(d1900), 3.0});
    std::map<std::uint64_t, std::pair<std::set<int>, std::set<int>>> want_days;
    const int cal = static_cast<int>(c.o.calibration_end.time_since_epoch().count());
    const int end = static_cast<int>((c.o.has_holdout() ? c.o.observation_end : c.o.calibration_end).time_since_epoch().count());
    std::vector<crm::order<double>> kept;
    for (const auto& r : log) {
      const int d = static_cast<int>(floor<days>(r.time).time_since_epoch().count());
      if (d > end) continue;  // after the observation end: not accepted
      kept.push_back(r);
      if (r.amount < 0) continue;
      auto& e = want_days[r.customer];
      (d <= cal ? e.first : e.second).insert(d);
    }
    std::vector<crm::rfm_accumulator<double>> parts(3, crm::rfm_accumulator<double>(c.o));
    for (const auto& r : kept) parts[rng() % 3].add(r);
    // merged in memory, and merged from the parts' bytes (try_merge_serialized: positions in
    // several blocks of 2^15, its day log bucketed by position block)
    crm::rfm_accumulator<double> from_bytes = parts[0];
    for (std::size_t p = 1; p < parts.size(); ++p) REQUIRE_FALSE(from_bytes.try_merge_serialized(parts[p].serialize()));
    const crm::rfm_accumulator<double> in_memory = crm_test::merge_randomly(std::move(parts), rng);
    const crm::rfm_accumulator<double>& merged_from_bytes = from_bytes;
    std::size_t expected_rows = 0;
    for (const auto& [id, e] : want_days) expected_rows += e.first.empty() ? 0 : 1;
    for (const crm::rfm_accumulator<double>* acc : {&in_memory, &merged_from_bytes}) {
      for (const unsigned threads : {1U, 3U}) {
        const auto rows = acc->rows({.threads = threads, .min_records_per_thread = 1});
        REQUIRE(rows.size() == expected_rows);
        std::size_t wrong = 0;
        for (const auto& r : rows) {
          const auto& e = want_days.at(r.customer);
          wrong += r.frequency != static_cast<crm::count_t>(e.first.size()) - 1 ||
                   r.holdout_frequency != static_cast<crm::count_t>(e.second.size());
        }
        CHECK(wrong == 0);
      }
      CHECK(acc->rows() == acc->rows({.threads = 3, .min_records_per_thread = 1}));
    }
  }
}

}  // namespace aggregate_rfm_rows_test

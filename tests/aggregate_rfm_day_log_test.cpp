// crm-metrics tests: the RFM day log in 4 bytes per entry (detail::day_log): every (customer index,
// day) pushed comes back, over the whole accepted date range and across index blocks; sealed and
// shrunk copies hold exactly their entries.
#include <crm/aggregate/detail/day_log.hpp>
#include <crm/aggregate/rfm.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "catch.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace aggregate_rfm_day_log_test {

using namespace std::chrono;

TEST_CASE("detail::day_log: every (index, day) pushed comes back, 1900-01-01 .. 2199-12-31, indices in any block",
          "[aggregate][rfm]") {
  std::mt19937_64 rng(4);
  const auto day0 = static_cast<std::int32_t>(sys_days{year{1900} / 1 / 1}.time_since_epoch().count());
  const auto day1 = static_cast<std::int32_t>(sys_days{year{2199} / 12 / 31}.time_since_epoch().count());
  std::vector<std::pair<std::uint32_t, std::int32_t>> want = {
      {0, day0}, {0, day1}, {32767, day0}, {32768, day1}, {32768, 0}, {4294967295U, day1}, {4294967295U, day0}, {65536, -1}};
  for (int i = 0; i < 20000; ++i) {
    const std::uint32_t index = i % 3 == 0 ? static_cast<std::uint32_t>(rng()) : static_cast<std::uint32_t>(rng() % 200000);
    want.emplace_back(index, day0 + static_cast<std::int32_t>(rng() % static_cast<std::uint64_t>(day1 - day0 + 1)));
  }
  crm::detail::day_log log;
  std::vector<std::pair<std::uint32_t, std::int32_t>> small;  // indices below 200,000 only: 7 blocks
  crm::detail::day_log few;
  for (const auto& [i, d] : want) {
    log.push(i, d);
    if (i < 200000) {
      few.push(i, d);
      small.emplace_back(i, d);
    }
  }
  const auto entries = [](const crm::detail::day_log& l) {
    std::vector<std::pair<std::uint32_t, std::int32_t>> v;
    l.for_each([&v](std::uint32_t i, std::int32_t d) { v.emplace_back(i, d); });
    std::sort(v.begin(), v.end());
    return v;
  };
  std::sort(want.begin(), want.end());
  std::sort(small.begin(), small.end());
  CHECK(log.size() == want.size());
  CHECK(entries(log) == want);
  // the raw entries block by block (what rfm_accumulator's recount reads): the same entries
  std::vector<std::pair<std::uint32_t, std::int32_t>> raw;
  for (std::size_t b = 0; b < log.blocks() + 2; ++b)
    for (const std::uint32_t e : log.block(b))
      raw.emplace_back(static_cast<std::uint32_t>(b << crm::detail::day_log::index_bits) | crm::detail::day_log::entry_index(e),
                       static_cast<std::int32_t>(crm::detail::day_log::entry_day(e)) + day0);
  std::sort(raw.begin(), raw.end());
  CHECK(raw == want);
  CHECK(log.blocks() == (std::size_t{4294967295U} >> crm::detail::day_log::index_bits) + 1);
  const crm::detail::day_log sealed = few.sealed();
  CHECK(entries(sealed) == small);
  CHECK(sealed.size() == small.size());
  // 4 bytes an entry, plus a 24-byte header per block of 32,768 indices
  CHECK(sealed.memory_bytes() == 4 * small.size() + 7 * sizeof(std::vector<std::uint32_t>));
  crm::detail::day_log shrunk = few;
  shrunk.shrink_to_fit();
  CHECK(shrunk.memory_bytes() == sealed.memory_bytes());
  CHECK(entries(shrunk) == small);
  few.clear();
  CHECK(few.empty());
  CHECK(entries(few).empty());
}

TEST_CASE("rfm_accumulator: the day log takes 4 bytes per logged day", "[aggregate][rfm]") {
  // Customers with many distinct days: the state's bytes grow by 4 per logged day (the table's
  // size is the same in both states: the same customers, reserved alike).
  std::mt19937_64 rng(5);
  const crm::rfm_options o{.calibration_end = 2024y / 12 / 31d};
  crm::rfm_accumulator<double> with(o), without({.calibration_end = o.calibration_end, .day_log = false});
  with.reserve(1000);
  without.reserve(1000);
  std::vector<crm::order<double>> log;
  for (int d = 0; d < 300; ++d)
    for (std::uint64_t c = 1; c <= 1000; ++c)
      if (rng() % 3 == 0) log.push_back({c, crm::to_time(sys_days{2024y / 1 / 1} + days{d}), 1.0});
  with.add(log);
  without.add(log);
  const std::size_t n = with.day_log_size();
  REQUIRE(n > 90000);
  const std::size_t extra = with.memory_bytes() - without.memory_bytes();
  CHECK(extra >= 4 * n);
  CHECK(extra <= 8 * n);  // one growing vector per block: at most twice its entries
  CHECK(with.rows() == without.rows());
}

TEST_CASE("rfm_accumulator: merging many one-customer states keeps its counts of the day log's segments",
          "[aggregate][rfm]") {
  // A merged state's day log goes into the open log when small (at most small_merge_log entries),
  // else into a segment of its own; memory_bytes() and day_log_size() keep running sums of the
  // segments (they summed every segment per call: merging N states, with the PostgreSQL extension
  // asking memory_bytes() after each merge, took time quadratic in N; found by an audit). The sums
  // must equal what the log holds: each state's 3 days, and 4 bytes per day at least.
  const crm::rfm_options o{.calibration_end = 2024y / 12 / 31d};
  crm::rfm_accumulator<double> all(o);
  std::size_t before = all.memory_bytes();
  const auto state = [&o](std::uint64_t from, std::uint64_t to) {
    crm::rfm_accumulator<double> s(o);
    for (std::uint64_t c = from; c <= to; ++c)
      for (int d : {1, 5, 9}) s.add(crm::order<double>{c, crm::to_time(sys_days{2024y / 3 / 1} + days{d}), 2.0});
    return s;
  };
  for (std::uint64_t c = 1; c <= 3000; ++c) {  // small: into the open log
    REQUIRE_FALSE(all.try_merge(state(c, c)));
    if (c % 500 == 0) {
      CHECK(all.day_log_size() == 3 * c);
      CHECK(all.memory_bytes() >= before);
      CHECK(all.memory_bytes() >= 4 * 3 * c);
      before = all.memory_bytes();
    }
  }
  for (std::uint64_t c = 3001; c <= 9000; c += 1500) {  // 4500 days each: a segment each, exactly sized
    REQUIRE_FALSE(all.try_merge(state(c, c + 1499)));
    CHECK(all.day_log_size() == 3 * (c + 1499));
    CHECK(all.memory_bytes() >= before + 4 * 4500);
    before = all.memory_bytes();
  }
  // the same state read back from its bytes, and merged from bytes into an empty one, count alike
  const auto back = crm::rfm_accumulator<double>::try_deserialize(all.serialize());
  REQUIRE(back);
  CHECK(back->day_log_size() == all.day_log_size());
  crm::rfm_accumulator<double> from_bytes(o);
  REQUIRE_FALSE(from_bytes.try_merge_serialized(all.serialize()));
  CHECK(from_bytes.day_log_size() == all.day_log_size());
  CHECK(from_bytes.rows() == all.rows());
  CHECK(all.rows().size() == 9000);
  CHECK(all.rows()[0].frequency == 2);  // 3 distinct days: 2 repeat periods
}

TEST_CASE("rfm_accumulator: 20 000 one-customer states merged one by one equal the direct accumulation",
          "[aggregate][rfm]") {
  // Merging N one-customer states one by one was quadratic in N (the table rebuilt every few dozen
  // merges, and a merge from bytes walked the whole table; found by an audit). Merged in memory and
  // from bytes, the result equals the accumulation of all the orders at once: rows compared exactly
  // (==: every double bit for bit), the day log as long. Each customer has two states whose days
  // interleave (1 and 9, then 5), so the counts come from the day log of the merged state.
  const crm::rfm_options o{.calibration_end = 2024y / 6 / 30d, .observation_end = 2024y / 12 / 31d};
  crm::rfm_accumulator<double> direct(o), in_memory(o), from_bytes(o);
  for (std::uint64_t c = 1; c <= 20000; ++c) {
    const auto order = [&](int day, double amount) {
      return crm::order<double>{c * 0x9E3779B97F4A7C15ULL, crm::to_time(sys_days{2024y / 3 / 1} + days{day}), amount};
    };
    const double cents = static_cast<double>(c % 97) / 100.0;
    crm::rfm_accumulator<double> first(o), second(o);
    for (const auto& r : {order(1, 2.5 + cents), order(9, 1.0)}) {
      first.add(r);
      direct.add(r);
    }
    const int later = c % 3 == 0 ? 200 : 5;  // a holdout purchase for a third of them
    second.add(order(later, 0.5 + cents));
    direct.add(order(later, 0.5 + cents));
    for (const auto* part : {&first, &second}) {
      REQUIRE_FALSE(in_memory.try_merge(*part));
      REQUIRE_FALSE(from_bytes.try_merge_serialized(part->serialize()));
    }
  }
  const auto want = direct.rows();
  REQUIRE(want.size() == 20000);
  CHECK(in_memory.rows() == want);
  CHECK(from_bytes.rows() == want);
  CHECK(in_memory == direct);
  CHECK(from_bytes == direct);
  CHECK(in_memory.day_log_size() == direct.day_log_size());
  CHECK(from_bytes.day_log_size() == direct.day_log_size());
  CHECK(crm::rfm_accumulator<double>::deserialize(from_bytes.serialize()) == direct);
}

}  // namespace aggregate_rfm_day_log_test

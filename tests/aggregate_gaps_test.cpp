// crm-metrics tests: time between purchases per period (period_options::gaps): hand-worked logs, an
// independent brute-force reference over random logs in random order (each customer's purchases
// sorted, every gap given to the period of its later purchase), merges of random splits, serialized
// states (round trips and corrupted buffers refused), add_parallel, and the sum over periods against
// customer_accumulator::gaps().
#include <crm/aggregate.hpp>
#include <crm/aggregate/parallel.hpp>
#include <crm/multiprecision.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "catch.hpp"
#include "random_merge.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace aggregate_gaps_test {

using namespace std::chrono;
using crm::order;
using crm::period_unit;

namespace {
crm::time_point at(year_month_day d, hours h = hours{0}) { return crm::to_time(sys_days{d}) + h; }
constexpr std::int64_t day_s = 86400;

// The gaps of each period by the definition: per customer the purchases (amount >= 0) sorted by
// time; the gap between purchases i - 1 and i belongs to the period of purchase i.
struct reference {
  std::vector<std::int64_t> seconds;
  std::vector<crm::count_t> gaps;
};
reference brute_force(const std::vector<order<double>>& log, period_unit u, std::int32_t p0, int periods) {
  std::map<crm::customer_id, std::vector<std::int64_t>> times;
  for (const auto& o : log)
    if (!(o.amount < 0)) times[o.customer].push_back(o.time.time_since_epoch().count());
  reference r{std::vector<std::int64_t>(static_cast<std::size_t>(periods), 0), std::vector<crm::count_t>(static_cast<std::size_t>(periods), 0)};
  for (auto& entry : times) {
    std::vector<std::int64_t>& t = entry.second;
    std::sort(t.begin(), t.end());
    for (std::size_t i = 1; i < t.size(); ++i) {
      const auto p = static_cast<std::size_t>(crm::period_of(u, crm::time_point{seconds{t[i]}}) - p0);
      r.seconds[p] += t[i] - t[i - 1];
      ++r.gaps[p];
    }
  }
  return r;
}
bool matches(const std::vector<crm::period_gaps>& g, const reference& r, std::int32_t p0) {
  if (g.size() != r.gaps.size()) return false;
  for (std::size_t p = 0; p < g.size(); ++p)
    if (g[p].period != p0 + static_cast<std::int32_t>(p) || g[p].seconds != r.seconds[p] || g[p].gaps != r.gaps[p]) return false;
  return true;
}

// The overall gaps of customer_accumulator in seconds (its table holds first and last purchase).
std::int64_t customer_seconds(const crm::customer_accumulator<double>& c) {
  std::int64_t s = 0;
  c.table().for_each([&](crm::customer_id, const auto& st) {
    if (st.orders >= 2) s += st.last - st.first;
  });
  return s;
}
// The sum over periods equals the customer accumulator's overall gaps: seconds and count exactly,
// and the days as customer_accumulator::gaps() converts them, bit for bit.
void check_against_customers(const std::vector<crm::period_gaps>& g, const std::vector<order<double>>& log) {
  crm::customer_accumulator<double> c;
  c.add(log);
  crm::period_gaps total;
  for (const auto& x : g) {
    total.seconds += x.seconds;
    total.gaps += x.gaps;
  }
  CHECK(total.seconds == customer_seconds(c));
  CHECK(total.gaps == c.gaps().gaps);
  CHECK(total.days().sum_of_gaps.count() == c.gaps().sum_of_gaps.count());
}

std::vector<order<double>> random_log(std::mt19937_64& rng, period_unit u, std::int32_t p0, int periods, int n, int customers) {
  const sys_days begin = crm::period_start(u, p0);
  const auto span_days = static_cast<unsigned long long>((crm::period_start(u, p0 + periods) - begin).count());
  std::vector<order<double>> log;
  for (int i = 0; i < n; ++i) {
    const crm::customer_id c = (rng() % static_cast<unsigned>(customers)) * 0x9E3779B97F4A7C15ULL;
    const auto t = crm::to_time(begin + days{static_cast<long long>(rng() % span_days)}) + seconds{static_cast<long long>(rng() % day_s)};
    const double amount = rng() % 8 == 0 ? -2.5 : rng() % 16 == 0 ? 0.0 : 1.0 + static_cast<double>(rng() % 100);
    log.push_back({c, t, amount});
  }
  std::shuffle(log.begin(), log.end(), rng);
  return log;
}
}  // namespace

TEST_CASE("period gaps: a small log by hand", "[aggregate][cohort][gaps]") {
  // Months Jan..Jun 2024 (2024 is a leap year). A: Jan 10, Feb 10, Apr 1. B: Feb 1, Feb 20, Mar 3.
  // C: Mar 9, Jun 30. D: a return in May (not a purchase).
  // A: Jan 10 -> Feb 10 = 31 days (ends in Feb); Feb 10 -> Apr 1 = 19 + 1 + 31 = 51 days (ends in Apr).
  // B: Feb 1 -> Feb 20 = 19 days (Feb); Feb 20 -> Mar 3 = 9 + 3 = 12 days (Mar).
  // C: Mar 9 -> Jun 30 = 22 + 30 + 31 + 30 = 113 days (Jun).
  // Per month: Jan none; Feb 2 gaps, 31 + 19 = 50 days; Mar 1 gap, 12; Apr 1, 51; May none; Jun 1, 113.
  // Over the log: 8 purchases of 3 customers make 5 gaps of 226 days (A 82, B 31, C 113).
  std::vector<order<double>> log = {
      {1, at(2024y / 1 / 10), 10}, {1, at(2024y / 2 / 10), 10}, {2, at(2024y / 2 / 1), 5}, {2, at(2024y / 2 / 20), 5},
      {2, at(2024y / 3 / 3), 5},   {3, at(2024y / 3 / 9), 20},  {1, at(2024y / 4 / 1), 10}, {4, at(2024y / 5 / 2), -3},
      {3, at(2024y / 6 / 30), 20}};
  const crm::period_options opt{.unit = period_unit::month, .first = 2024y / 1 / 1d, .periods = 6, .gaps = true};
  const std::vector<crm::count_t> gaps = {0, 2, 1, 1, 0, 1};
  const std::vector<std::int64_t> days_ = {0, 50, 12, 51, 0, 113};
  for (int order_kind = 0; order_kind < 3; ++order_kind) {
    if (order_kind == 1) std::reverse(log.begin(), log.end());
    if (order_kind == 2) std::sort(log.begin(), log.end(), [](const auto& x, const auto& y) { return x.time < y.time; });
    crm::period_accumulator<double> acc(opt);
    acc.add(log);
    const auto g = acc.gap_totals();
    REQUIRE(g.size() == 6);
    for (std::size_t p = 0; p < 6; ++p) {
      INFO("month " << p << ", record order " << order_kind);
      CHECK(g[p].period == acc.first_period() + static_cast<std::int32_t>(p));
      CHECK(g[p].gaps == gaps[p]);
      CHECK(g[p].seconds == days_[p] * day_s);
    }
    check_against_customers(g, log);
    std::int64_t total = 0;
    crm::count_t count = 0;
    for (const auto& x : g) {
      total += x.seconds;
      count += x.gaps;
    }
    CHECK(total == 226 * day_s);
    CHECK(count == 5);
    const auto d = acc.gaps();
    CHECK(crm::average_time_between_purchases(d[1]).count() == 25.0);  // 50 days / 2 gaps
    CHECK(crm::average_time_between_purchases(d[5]).count() == 113.0);
    // in decimal: February's 50 days over 2 gaps, exactly
    CHECK(crm::average_time_between_purchases(acc.gaps<crm::decimal50>()[1]).count() == crm::decimal50(25));
    // January has no gap: the metric's own error, not a made-up zero.
    CHECK(d[0].gaps == 0);
    CHECK(d[0].sum_of_gaps.count() == 0.0);
    CHECK(crm::try_average_time_between_purchases(d[0]).error().code == crm::errc::zero_denominator);
    CHECK(std::string(crm::try_average_time_between_purchases(d[0]).error().field) == "gaps");
  }
  // The output quoted in docs/aggregation.md (section "Time between purchases per period").
  crm::period_accumulator<double> acc(opt);
  acc.add(log);
  std::string out;
  for (const crm::period_gaps& g : acc.gap_totals()) {
    char line[96];
    const auto avg = crm::try_average_time_between_purchases(g.days());
    if (avg) std::snprintf(line, sizeof line, "%s: %lld gap%s, average %.1f days\n",
                           crm::period_label(period_unit::month, g.period).c_str(), static_cast<long long>(g.gaps), g.gaps == 1 ? "" : "s",
                           avg->count());
    else std::snprintf(line, sizeof line, "%s: no gaps\n", crm::period_label(period_unit::month, g.period).c_str());
    out += line;
  }
  CHECK(out ==
        "2024-01: no gaps\n"
        "2024-02: 2 gaps, average 25.0 days\n"
        "2024-03: 1 gap, average 12.0 days\n"
        "2024-04: 1 gap, average 51.0 days\n"
        "2024-05: no gaps\n"
        "2024-06: 1 gap, average 113.0 days\n");
}

TEST_CASE("period gaps: times of day, same-second purchases, a gap across a period boundary", "[aggregate][cohort][gaps]") {
  // Days. X: Jan 1 22:00, Jan 2 01:00, Jan 2 01:00 (twice in the same second), Jan 4 00:00.
  // Gaps: 3 h ending Jan 2, 0 s ending Jan 2, 47 h ending Jan 4 (Jan 2 01:00 -> Jan 4 00:00).
  // Y: Jan 3 12:00 only: no gap.
  const std::vector<order<double>> log = {{7, at(2024y / 1 / 4), 1.0}, {7, at(2024y / 1 / 2, hours{1}), 1.0},
                                          {8, at(2024y / 1 / 3, hours{12}), 1.0}, {7, at(2024y / 1 / 2, hours{1}), 2.0},
                                          {7, at(2024y / 1 / 1, hours{22}), 1.0}};
  crm::period_accumulator<double> acc({.unit = period_unit::day, .first = 2024y / 1 / 1d, .periods = 4, .gaps = true});
  acc.add(log);
  const auto g = acc.gap_totals();
  CHECK(g[0].gaps == 0);
  CHECK(g[1].gaps == 2);
  CHECK(g[1].seconds == 3 * 3600);
  CHECK(g[2].gaps == 0);
  CHECK(g[3].gaps == 1);
  CHECK(g[3].seconds == 47 * 3600);
  check_against_customers(g, log);
  // days(): 3 h = 0.125 day over 2 gaps
  CHECK(crm::average_time_between_purchases(g[1].days()).count() == 0.0625);
  // Gaps not kept: an error naming the field, never zeros.
  crm::period_accumulator<double> plain({.unit = period_unit::day, .first = 2024y / 1 / 1d, .periods = 4});
  plain.add(log);
  CHECK(crm::message(plain.try_gaps().error()) ==
        "crm::period_accumulator: gaps is empty (were not kept (build the accumulator with period_options::gaps = true))");
  CHECK_THROWS_AS(plain.gap_totals(), crm::metric_error);
}

TEST_CASE("period gaps: random logs in random order against the brute-force reference, every unit", "[aggregate][cohort][gaps]") {
  std::mt19937_64 rng(808);
  struct cfg {
    period_unit unit;
    int periods;
  };
  for (const cfg k : {cfg{period_unit::month, 24}, cfg{period_unit::week, 105}, cfg{period_unit::day, 731}, cfg{period_unit::quarter, 8},
                      cfg{period_unit::year, 3}, cfg{period_unit::day, 64}}) {
    for (int round = 0; round < 3; ++round) {
      crm::period_accumulator<double> acc({.unit = k.unit, .first = 2023y / 3 / 14d, .periods = k.periods, .gaps = true});
      const std::int32_t p0 = acc.first_period();
      const auto log = random_log(rng, k.unit, p0, k.periods, 3000, 1 + static_cast<int>(rng() % 300));
      REQUIRE(acc.add(log).used == 3000);
      const auto g = acc.gap_totals();
      CHECK(matches(g, brute_force(log, k.unit, p0, k.periods), p0));
      check_against_customers(g, log);
    }
  }
}

TEST_CASE("period gaps: a large unsorted log (the entry log is combined as it grows), merged splits, threads",
          "[aggregate][cohort][gaps][merge]") {
  std::mt19937_64 rng(4242);
  const crm::period_options opt{.unit = period_unit::day, .first = 2023y / 1 / 1d, .periods = 400, .inactive_periods = 30, .gaps = true};
  crm::period_accumulator<double> whole(opt);
  const std::int32_t p0 = whole.first_period();
  // 100,000 records (about 87,500 purchases) of 3,000 customers over 400 days in random order:
  // almost every purchase starts an entry, so the log passes the 65,536 entries at which it is
  // first combined.
  const auto log = random_log(rng, period_unit::day, p0, 400, 100000, 3000);
  REQUIRE(whole.add(log).rejected == 0);
  const reference ref = brute_force(log, period_unit::day, p0, 400);
  CHECK(matches(whole.gap_totals(), ref, p0));
  check_against_customers(whole.gap_totals(), log);
  SECTION("random splits into 1..16 parts, merged in random order, some serialized on the way") {
    for (int trial = 0; trial < 4; ++trial) {
      const std::size_t k = 1 + rng() % 16;
      std::vector<std::vector<order<double>>> parts(k);
      for (const auto& o : log) parts[rng() % k].push_back(o);
      std::vector<crm::period_accumulator<double>> states;
      for (auto& p : parts) {
        crm::period_accumulator<double> a = whole.fresh();
        a.add(p);
        states.push_back(rng() % 2 == 0 ? a : crm::period_accumulator<double>::deserialize(a.serialize()));
      }
      const crm::period_accumulator<double> merged = crm_test::merge_randomly(std::move(states), rng);
      CHECK(matches(merged.gap_totals(), ref, p0));
      CHECK(merged == whole);
    }
  }
  SECTION("serialize round trip") {
    const auto back = crm::period_accumulator<double>::deserialize(whole.serialize());
    CHECK(back == whole);
    CHECK(matches(back.gap_totals(), ref, p0));
  }
  SECTION("add_parallel (chunks and a merge: the partitioned add is not taken) equals one thread") {
    for (const unsigned threads : {2U, 3U}) {
      crm::period_accumulator<double> par(opt);
      CHECK_FALSE(par.partitioned_ok(log.size(), crm::on_bad_record::stop));
      const auto r = crm::add_parallel(par, std::span<const order<double>>(log), {.threads = threads, .min_records_per_thread = 1000});
      CHECK(r.used == 100000);
      CHECK(matches(par.gap_totals(), ref, p0));
      CHECK(par == whole);
    }
  }
}

TEST_CASE("period gaps: memory per customer and active period", "[aggregate][cohort][gaps]") {
  // A time-sorted log: one 20-byte entry per customer and active period (the current one per
  // customer, the earlier ones in the log), at most twice that with the vectors' spare capacity.
  std::mt19937_64 rng(5);
  auto log = random_log(rng, period_unit::month, crm::period_of(period_unit::month, at(2023y / 1 / 1)), 24, 100000, 20000);
  std::sort(log.begin(), log.end(), [](const auto& x, const auto& y) { return x.time < y.time; });
  crm::period_options opt{.unit = period_unit::month, .first = 2023y / 1 / 1d, .periods = 24};
  crm::period_accumulator<double> plain(opt);
  opt.gaps = true;
  crm::period_accumulator<double> with(opt);
  plain.add(log);
  with.add(log);
  crm::count_t customer_periods = 0;
  for (const auto& s : plain.stats()) customer_periods += s.active_customers;
  const double per = static_cast<double>(with.memory_bytes() - plain.memory_bytes()) / static_cast<double>(customer_periods);
  CHECK(per >= 20.0);
  CHECK(per <= 40.0);
  // Unsorted: 200,000 purchases of 2 customers alternating between 2 months. Each purchase logs an
  // entry, but the log is combined whenever it reaches 65,536 entries (then twice what is left):
  // it never holds more than 65,536 (1.25 MiB), where keeping every entry would take 4 MB.
  std::vector<order<double>> flip;
  for (int i = 0; i < 200000; ++i)
    flip.push_back({static_cast<crm::customer_id>(i % 4 < 2 ? 1 : 2), at(2023y / (i % 2 == 0 ? January : February) / 3d) + seconds{i}, 1.0});
  crm::period_accumulator<double> small({.unit = period_unit::month, .first = 2023y / 1 / 1d, .periods = 2, .gaps = true});
  small.add(flip);
  CHECK(small.memory_bytes() < std::size_t{65536} * 20 + 16384);
  CHECK(matches(small.gap_totals(), brute_force(flip, period_unit::month, small.first_period(), 2), small.first_period()));
}

namespace {
std::uint64_t rd(const std::vector<std::byte>& b, std::size_t at, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t k = 0; k < n; ++k) v |= std::uint64_t(std::to_integer<unsigned>(b[at + k])) << (8 * k);
  return v;
}
void wr(std::vector<std::byte>& b, std::size_t at, std::size_t n, std::uint64_t v) {
  for (std::size_t k = 0; k < n; ++k) b[at + k] = static_cast<std::byte>((v >> (8 * k)) & 0xFF);
}
// New payload length and checksum after a change made on purpose, so the payload checks are reached.
void reseal(std::vector<std::byte>& b) {
  wr(b, 16, 8, b.size() - 32);
  wr(b, b.size() - 8, 8, crm::detail::checksum(std::span<const std::byte>(b).subspan(24, b.size() - 32)));
}
std::string refusal(const std::vector<std::byte>& b) {
  const auto r = crm::period_accumulator<double>::try_deserialize(b);
  return r ? std::string("accepted") : crm::message(r.error());
}
constexpr std::size_t flags_at = 24 + 1 + 4 + 4 + 4;  // after unit, first, periods, inactive_periods
constexpr std::size_t entry_size = 20;                // customer, period, first, last, purchases
}  // namespace

TEST_CASE("period gaps: serialized states, corrupted gap entries are refused", "[aggregate][cohort][gaps][serialize]") {
  // Months Jan..Mar 2024. A (id 1): Jan 5, Jan 9, Mar 2. B (id 2): Feb 3.
  crm::period_accumulator<double> acc({.unit = period_unit::month, .first = 2024y / 1 / 1d, .periods = 3, .gaps = true});
  acc.add(std::vector<order<double>>{{1, at(2024y / 3 / 2), 1.0}, {2, at(2024y / 2 / 3), 1.0}, {1, at(2024y / 1 / 9), 1.0},
                                     {1, at(2024y / 1 / 5), 1.0}});
  const std::vector<std::byte> bytes = acc.serialize();
  CHECK(std::to_integer<int>(bytes[flags_at]) == 2);
  // Three entries at the end, in order of (customer position, period): A Jan, A Mar, B Feb (or B
  // first, by the table's order), then the checksum.
  const std::size_t entries_at = bytes.size() - 8 - 3 * entry_size;
  REQUIRE(rd(bytes, entries_at - 8, 8) == 3);
  const auto back = crm::period_accumulator<double>::try_deserialize(bytes);
  REQUIRE(back.has_value());
  CHECK(*back == acc);
  CHECK(back->gap_totals() == acc.gap_totals());
  // Jan: 4 days (Jan 5 -> 9); Feb: none; Mar: Jan 9 -> Mar 2 = 22 + 29 + 2 = 53 days.
  CHECK(acc.gap_totals()[0].seconds == 4 * day_s);
  CHECK(acc.gap_totals()[2].seconds == 53 * day_s);
  const auto corrupt = [&](auto&& change) {
    std::vector<std::byte> b = bytes;
    change(b);
    reseal(b);
    return refusal(b);
  };
  const auto entry = [&](std::size_t k, std::size_t field) { return entries_at + k * entry_size + field; };
  // An unknown option flag (a newer library's, or damage).
  CHECK(corrupt([](auto& b) { b[flags_at] = std::byte{6}; }) ==
        "crm::period_accumulator: flags is malformed (has an unknown option (corrupted state, or one of a newer library))");
  // Gaps announced but not there (flag set on a state without them), and there but not announced.
  crm::period_accumulator<double> plain({.unit = period_unit::month, .first = 2024y / 1 / 1d, .periods = 3});
  plain.add(std::vector<order<double>>{{1, at(2024y / 1 / 9), 1.0}});
  std::vector<std::byte> p = plain.serialize();
  p[flags_at] = std::byte{2};
  reseal(p);
  CHECK(refusal(p) == "crm::period_accumulator: gaps is malformed (is cut off (truncated state))");
  CHECK(corrupt([](auto& b) { b[flags_at] = std::byte{0}; }) == "crm::period_accumulator: payload is malformed (has bytes after the state)");
  // A purchase count that does not match the period's orders / the periods with two or more.
  CHECK(corrupt([&](auto& b) { wr(b, entry(0, 16), 4, rd(b, entry(0, 16), 4) + 1); }).find("gaps is malformed") != std::string::npos);
  // An entry for a period without purchases (B's Feb moved to Jan).
  for (std::size_t k = 0; k < 3; ++k)
    if (rd(bytes, entry(k, 4), 4) == 1) CHECK(corrupt([&](auto& b) { wr(b, entry(k, 4), 4, 0); }).find("gaps is malformed") != std::string::npos);
  // A time past the end of its period; first after last; a single purchase with two times.
  CHECK(corrupt([&](auto& b) { wr(b, entry(0, 12), 4, 31 * day_s); }) ==
        "crm::period_accumulator: gaps is malformed (has an entry out of range (corrupted state))");
  CHECK(corrupt([&](auto& b) { wr(b, entry(1, 8), 4, rd(b, entry(1, 12), 4) + 1); }).find("out of range") != std::string::npos);
  // Entries out of order (two swapped).
  CHECK(corrupt([&](auto& b) {
          for (std::size_t i = 0; i < entry_size; ++i) std::swap(b[entry(0, i)], b[entry(2, i)]);
        }).find("gaps is malformed") != std::string::npos);
  // An entry dropped (the count says 2): not every active period is covered.
  CHECK(corrupt([&](auto& b) {
          b.erase(b.begin() + static_cast<std::ptrdiff_t>(entry(2, 0)), b.begin() + static_cast<std::ptrdiff_t>(entry(3, 0)));
          wr(b, entries_at - 8, 8, 2);
        }).find("gaps is malformed") != std::string::npos);
  // A count larger than the buffer could hold: refused before anything is allocated.
  CHECK(corrupt([&](auto& b) { wr(b, entries_at - 8, 8, ~0ULL); }) ==
        "crm::period_accumulator: gaps is malformed (is larger than the buffer can hold (truncated or corrupted state))");
}

TEST_CASE("period gaps: a customer with more than 2^32 - 1 purchases in a period keeps exact counts", "[aggregate][cohort][gaps]") {
  // A state made by hand: customer 1 with 2^32 - 1 purchases in January 2024 (Jan 5 .. Jan 9), read
  // back, then one purchase more in January and one in February. January's purchases no longer fit
  // one entry: they stay in two, and the gaps add up in 64 bits.
  crm::period_accumulator<double> two({.unit = period_unit::month, .first = 2024y / 1 / 1d, .periods = 2, .gaps = true});
  two.add(std::vector<order<double>>{{1, at(2024y / 1 / 5), 1.0}, {1, at(2024y / 1 / 9), 1.0}});
  std::vector<std::byte> b = two.serialize();
  const std::uint64_t many = std::numeric_limits<std::uint32_t>::max();
  const std::size_t orders_at = flags_at + 1;  // January's order count, the first per-period field
  REQUIRE(rd(b, orders_at, 8) == 2);
  wr(b, orders_at, 8, many);
  wr(b, b.size() - 8 - 4, 4, many);  // the entry's purchases
  reseal(b);
  crm::period_accumulator<double> acc = crm::period_accumulator<double>::deserialize(b);
  CHECK(acc.gap_totals()[0].gaps == static_cast<crm::count_t>(many - 1));
  acc.add(order<double>{1, at(2024y / 1 / 2), 1.0});  // Jan 2: 3 days before the earliest
  acc.add(order<double>{1, at(2024y / 2 / 1), 1.0});  // Feb 1: 23 days after the latest (Jan 9)
  const auto g = acc.gap_totals();
  // January: 2^32 purchases make 2^32 - 1 gaps spanning Jan 2 -> Jan 9; February: one gap of 23 days.
  CHECK(g[0].gaps == static_cast<crm::count_t>(many));
  CHECK(g[0].seconds == 7 * day_s);
  CHECK(g[1].gaps == 1);
  CHECK(g[1].seconds == 23 * day_s);
  // Two entries of one customer and period survive a round trip and a merge.
  const auto back = crm::period_accumulator<double>::deserialize(acc.serialize());
  CHECK(back == acc);
  crm::period_accumulator<double> merged = back;
  merged.merge(crm::period_accumulator<double>::deserialize(two.serialize()));
  CHECK(merged.gap_totals()[0].gaps == static_cast<crm::count_t>(many) + 2);
  CHECK(merged.gap_totals()[0].seconds == 7 * day_s);
}

}  // namespace aggregate_gaps_test

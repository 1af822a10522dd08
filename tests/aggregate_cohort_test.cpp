// crm-metrics tests: calendar periods, per-period customer counts (new, returning, lost, retention,
// churn) and the acquisition-cohort matrix, against brute-force counts over sets.
#include <crm/aggregate/cohort.hpp>
#include <crm/metrics/acquisition.hpp>
#include <crm/metrics/retention.hpp>
#include <crm/multiprecision.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "catch.hpp"
#include "merge_serialized_helpers.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace aggregate_cohort_test {

using namespace std::chrono;
using crm::order;
using crm::period_unit;

namespace {
crm::time_point at(year_month_day d) { return crm::to_time(sys_days{d}); }

// ISO 8601 week of a date by the ordinal-date rule: week = (ordinal - weekday + 10) / 7, weekday
// Monday = 1; week 0 belongs to the previous year's last week, week 53 to next year's week 1 when
// the year has only 52 weeks (its Dec 31 is before Thursday).
std::pair<int, int> iso_week(sys_days d) {
  const year_month_day ymd{d};
  const int ordinal = static_cast<int>((d - sys_days{ymd.year() / 1 / 1}).count()) + 1;
  const int wd = static_cast<int>(weekday{d}.iso_encoding());
  int y = static_cast<int>(ymd.year());
  int w = (ordinal - wd + 10) / 7;
  const auto weeks_in = [](int yy) {
    const int jan1 = static_cast<int>(weekday{sys_days{year{yy} / 1 / 1}}.iso_encoding());
    const bool leap = year{yy}.is_leap();
    return (jan1 == 4 || (leap && jan1 == 3)) ? 53 : 52;
  };
  if (w < 1) {
    --y;
    w = weeks_in(y);
  } else if (w > weeks_in(y)) {
    ++y;
    w = 1;
  }
  return {y, w};
}
}  // namespace

TEST_CASE("periods: period_start is defined for every int32, clamped to std::chrono's years", "[aggregate][cohort]") {
  // before 2026-12-05 the ends of int32 overflowed an int (found by tests/fuzz/state_fuzz.cpp)
  constexpr std::int32_t lo = std::numeric_limits<std::int32_t>::min(), hi = std::numeric_limits<std::int32_t>::max();
  for (const period_unit u : {period_unit::month, period_unit::quarter, period_unit::year}) {
    CHECK(crm::period_start(u, lo) == sys_days{year{-32767} / 1 / 1});
    CHECK(crm::period_start(u, hi) == sys_days{year{32767} / 1 / 1});
  }
  CHECK(crm::period_start(period_unit::day, lo) == sys_days{days{lo}});
  CHECK(crm::period_start(period_unit::week, hi) == sys_days{days{static_cast<long long>(hi) * 7 - 3}});
  // inside the range nothing changed: the last month and quarter of year 32767 and the first of -32767
  CHECK(crm::period_start(period_unit::month, (32767 - 1970) * 12 + 11) == sys_days{year{32767} / 12 / 1});
  CHECK(crm::period_start(period_unit::quarter, (-32767 - 1970) * 4) == sys_days{year{-32767} / 1 / 1});
}

TEST_CASE("periods: numbering, first days and labels of every day 1990..2030", "[aggregate][cohort]") {
  for (sys_days d = sys_days{1990y / 1 / 1}; d < sys_days{2031y / 1 / 1}; d += days{1}) {
    const auto dn = static_cast<std::int32_t>(d.time_since_epoch().count());
    const year_month_day ymd{d};
    const int y = static_cast<int>(ymd.year()), m = static_cast<int>(static_cast<unsigned>(ymd.month()));
    CHECK(crm::period_of_day(period_unit::day, dn) == dn);
    CHECK(crm::period_of_day(period_unit::month, dn) == (y - 1970) * 12 + m - 1);
    CHECK(crm::period_of_day(period_unit::quarter, dn) == (y - 1970) * 4 + (m - 1) / 3);
    CHECK(crm::period_of_day(period_unit::year, dn) == y - 1970);
    const std::int32_t w = crm::period_of_day(period_unit::week, dn);
    // the week's first day is a Monday no later than d and less than 7 days before it
    const sys_days monday = crm::period_start(period_unit::week, w);
    CHECK(weekday{monday} == Monday);
    CHECK(monday <= d);
    CHECK(d - monday < days{7});
    const auto [iy, iw] = iso_week(d);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-W%02d", iy, iw);
    CHECK(crm::period_label(period_unit::week, w) == buf);
    for (const period_unit u : {period_unit::day, period_unit::month, period_unit::quarter, period_unit::year}) {
      const std::int32_t p = crm::period_of_day(u, dn);
      CHECK(crm::period_start(u, p) <= d);
      CHECK(crm::period_of_day(u, static_cast<std::int32_t>(crm::period_start(u, p).time_since_epoch().count())) == p);
      CHECK(crm::period_of_day(u, static_cast<std::int32_t>(crm::period_start(u, p).time_since_epoch().count()) - 1) == p - 1);
    }
  }
  // Published ISO facts: 2021-01-03 is in 2020-W53; 2024-12-30 in 2025-W01; 2026-12-01 in 2026-W49.
  CHECK(crm::period_label(period_unit::week, crm::period_of(period_unit::week, at(2021y / 1 / 3))) == "2020-W53");
  CHECK(crm::period_label(period_unit::week, crm::period_of(period_unit::week, at(2024y / 12 / 30))) == "2025-W01");
  CHECK(crm::period_label(period_unit::week, crm::period_of(period_unit::week, at(2026y / 12 / 1))) == "2026-W49");
  CHECK(crm::period_label(period_unit::month, crm::period_of(period_unit::month, at(2024y / 3 / 5))) == "2024-03");
  CHECK(crm::period_label(period_unit::quarter, crm::period_of(period_unit::quarter, at(2024y / 8 / 5))) == "2024-Q3");
  CHECK(crm::period_label(period_unit::day, crm::period_of(period_unit::day, at(1969y / 12 / 31))) == "1969-12-31");
  CHECK(crm::period_label(period_unit::year, crm::period_of(period_unit::year, at(1950y / 3 / 1))) == "1950");
}

TEST_CASE("period_accumulator: a small log by hand", "[aggregate][cohort]") {
  // Months Jan..Jun 2024. A: Jan, Feb, Apr. B: Feb (twice), Mar. C: Mar, Jun. D: a return in May.
  const std::vector<order<double>> log = {
      {1, at(2024y / 1 / 10), 10}, {1, at(2024y / 2 / 10), 10}, {2, at(2024y / 2 / 1), 5}, {2, at(2024y / 2 / 20), 5},
      {2, at(2024y / 3 / 3), 5},   {3, at(2024y / 3 / 9), 20},  {1, at(2024y / 4 / 1), 10}, {4, at(2024y / 5 / 2), -3},
      {3, at(2024y / 6 / 30), 20}};
  SECTION("inactive after one period") {
    crm::period_accumulator<double> acc({.unit = period_unit::month, .first = 2024y / 1 / 15d, .periods = 6});
    CHECK(acc.add(log).used == 9);
    CHECK(acc.customers() == 3);
    const auto s = acc.stats();
    REQUIRE(s.size() == 6);
    CHECK(crm::period_label(period_unit::month, s[0].period) == "2024-01");
    // at end per month (bought this month): Jan {A}, Feb {A,B}, Mar {B,C}, Apr {A}, May {}, Jun {C}
    const std::vector<long long> end = {1, 2, 2, 1, 0, 1}, fresh = {1, 1, 1, 0, 0, 0}, ret = {0, 0, 0, 1, 0, 1},
                                 lost = {0, 0, 1, 2, 1, 0}, active = {1, 2, 2, 1, 0, 1}, rep = {0, 1, 0, 0, 0, 0},
                                 orders = {1, 3, 2, 1, 0, 1};
    for (std::size_t p = 0; p < 6; ++p) {
      INFO("month " << p);
      CHECK(s[p].customers_at_end == end[p]);
      CHECK(s[p].customers_at_start == (p == 0 ? 0 : end[p - 1]));
      CHECK(s[p].new_customers == fresh[p]);
      CHECK(s[p].returning_customers == ret[p]);
      CHECK(s[p].lost_customers == lost[p]);
      CHECK(s[p].active_customers == active[p]);
      CHECK(s[p].repeat_customers == rep[p]);
      CHECK(s[p].orders == orders[p]);
    }
    CHECK(s[4].revenue == -3.0);
    // March: 2 at start (A, B), A lost, C new: churn 1/2, retention (2 - 1) / 2.
    CHECK(crm::churn_rate(s[2].churn()).fraction == 0.5);
    CHECK(crm::retention_rate(s[2].retention()).fraction == 0.5);
    CHECK(crm::new_customers(s[2].flow()) == 1);
    // April: A returns, B and C lost: retention (1 - 1) / 2 = 0, churn 2 / 2.
    CHECK(crm::retention_rate(s[3].retention()).fraction == 0.0);
    CHECK(crm::churn_rate(s[3].churn()).fraction == 1.0);
    CHECK(crm::purchase_frequency(s[1].purchases()).factor == 1.5);
    CHECK(crm::repeat_purchase_share(s[1].repeat()).fraction == 0.5);
    CHECK(crm::average_check(s[1].totals()).amount == 20.0 / 3.0);
    const auto c = acc.cohorts();
    CHECK(c.sizes == std::vector<long long>{1, 1, 1, 0, 0, 0});
    CHECK(c.cell(0, 0).active_in_period == 1);  // A in Jan
    CHECK(c.cell(0, 1).active_in_period == 1);  // A in Feb
    CHECK(c.cell(0, 2).active_in_period == 0);
    CHECK(c.cell(0, 3).active_in_period == 1);  // A in Apr
    CHECK(c.cell(2, 3).active_in_period == 1);  // C in Jun
    CHECK(crm::cohort_retention(c.cell(1, 1)).fraction == 1.0);
    CHECK(c.revenues.empty());
  }
  SECTION("inactive after two periods; cohort revenue") {
    crm::period_accumulator<double> acc(
        {.unit = period_unit::month, .first = 2024y / 1 / 1d, .periods = 6, .inactive_periods = 2, .cohort_revenue = true});
    acc.add(log);
    const auto s = acc.stats();
    // at end: bought this month or last: Jan {A}, Feb {A,B}, Mar {A,B,C}, Apr {A,B,C}, May {A}, Jun {C}
    const std::vector<long long> end = {1, 2, 3, 3, 1, 1}, lost = {0, 0, 0, 0, 2, 1}, ret = {0, 0, 0, 0, 0, 1};
    for (std::size_t p = 0; p < 6; ++p) {
      INFO("month " << p);
      CHECK(s[p].customers_at_end == end[p]);
      CHECK(s[p].lost_customers == lost[p]);
      CHECK(s[p].returning_customers == ret[p]);
      CHECK(s[p].customers_at_end == s[p].customers_at_start + s[p].new_customers + s[p].returning_customers - s[p].lost_customers);
    }
    const auto c = acc.cohorts();
    CHECK(c.revenue(0, 0) == 10.0);
    CHECK(c.revenue(0, 3) == 10.0);
    CHECK(c.revenue(1, 0) == 10.0);  // B's two February orders
    CHECK(c.revenue(2, 3) == 20.0);
  }
}

namespace {
struct brute {
  std::vector<long long> end, start, fresh, ret, lost, active, rep, orders;
  std::vector<long long> sizes, cells;
};
brute brute_force(const std::vector<order<double>>& log, period_unit u, std::int32_t first, int n, int w) {
  std::map<crm::customer_id, std::map<int, int>> per;  // customer -> period -> purchases
  brute b;
  b.orders.assign(static_cast<std::size_t>(n), 0);
  for (const auto& o : log) {
    if (o.amount < 0) continue;
    const int p = crm::period_of(u, o.time) - first;
    ++per[o.customer][p];
    ++b.orders[static_cast<std::size_t>(p)];
  }
  const auto N = static_cast<std::size_t>(n);
  b.end.assign(N, 0);
  b.start.assign(N, 0);
  b.fresh.assign(N, 0);
  b.ret.assign(N, 0);
  b.lost.assign(N, 0);
  b.active.assign(N, 0);
  b.rep.assign(N, 0);
  b.sizes.assign(N, 0);
  b.cells.assign(N * N, 0);
  for (const auto& entry : per) {
    const auto& m = entry.second;  // a named reference, not a structured binding: clang 14 cannot capture those
    const int f = m.begin()->first;
    ++b.sizes[static_cast<std::size_t>(f)];
    const auto in_end = [&](int p) {
      if (p < 0) return false;
      for (int q = p - w + 1; q <= p; ++q)
        if (m.count(q)) return true;
      return false;
    };
    for (int p = 0; p < n; ++p) {
      const auto P = static_cast<std::size_t>(p);
      const bool e = in_end(p), s = in_end(p - 1);
      b.end[P] += e;
      b.start[P] += s;
      b.fresh[P] += p == f;
      b.ret[P] += e && !s && p != f;
      b.lost[P] += s && !e;
      b.active[P] += m.count(p) > 0;
      b.rep[P] += m.count(p) > 0 && m.at(p) >= 2;
      if (m.count(p)) ++b.cells[static_cast<std::size_t>(f) * N + static_cast<std::size_t>(p - f)];
    }
  }
  return b;
}
}  // namespace

TEST_CASE("period_accumulator: random logs against brute-force sets, every unit, horizons past 64", "[aggregate][cohort]") {
  std::mt19937_64 rng(11);
  struct cfg {
    period_unit unit;
    int periods;
    int window;
  };
  const std::vector<cfg> cfgs = {{period_unit::month, 24, 1},  {period_unit::month, 24, 3},  {period_unit::week, 105, 1},
                                 {period_unit::week, 105, 70}, {period_unit::day, 731, 30}, {period_unit::quarter, 8, 2},
                                 {period_unit::year, 2, 1},    {period_unit::day, 200, 64}, {period_unit::week, 128, 65}};
  for (const cfg& k : cfgs) {
    for (int round = 0; round < 3; ++round) {
      const sys_days first = 2023y / 1 / 1d;
      crm::period_accumulator<double> acc({.unit = k.unit, .first = first, .periods = k.periods, .inactive_periods = k.window});
      const std::int32_t p0 = acc.first_period();
      const sys_days end = crm::period_start(k.unit, p0 + k.periods);
      const auto span_days = static_cast<unsigned long long>((end - crm::period_start(k.unit, p0)).count());
      std::vector<order<double>> log;
      const int customers = 1 + static_cast<int>(rng() % 200);
      for (int i = 0; i < 2000; ++i) {
        const auto c = static_cast<crm::customer_id>(rng() % static_cast<unsigned>(customers)) << 20;
        const sys_days d = crm::period_start(k.unit, p0) + days{static_cast<long long>(rng() % span_days)};
        log.push_back({c, crm::to_time(d), (rng() % 8 == 0) ? -1.0 : 1.0});
      }
      REQUIRE(acc.add(log).used == 2000);
      const brute b = brute_force(log, k.unit, p0, k.periods, k.window);
      const auto s = acc.stats();
      bool ok = true;
      for (std::size_t p = 0; p < s.size(); ++p)
        ok = ok && s[p].customers_at_end == b.end[p] && s[p].customers_at_start == b.start[p] &&
             s[p].new_customers == b.fresh[p] && s[p].returning_customers == b.ret[p] && s[p].lost_customers == b.lost[p] &&
             s[p].active_customers == b.active[p] && s[p].repeat_customers == b.rep[p] && s[p].orders == b.orders[p];
      CHECK(ok);
      const auto c = acc.cohorts();
      CHECK(c.sizes == b.sizes);
      CHECK(c.active == b.cells);
    }
  }
}

TEST_CASE("period_accumulator: bad options and records", "[aggregate][cohort]") {
  CHECK(crm::period_accumulator<double>::try_create({.periods = 0}).error().field == std::string("periods"));
  CHECK(crm::period_accumulator<double>::try_create({.first = 2024y / 1 / 1d, .periods = 4097}).error().code == crm::errc::out_of_range);
  CHECK(crm::period_accumulator<double>::try_create({.first = 2024y / 1 / 1d, .periods = 3, .inactive_periods = 0})
            .error()
            .field == std::string("inactive_periods"));
  CHECK_THROWS_AS(crm::period_accumulator<double>({.first = 1800y / 1 / 1d, .periods = 3}), crm::metric_error);
  crm::period_accumulator<double> acc({.unit = period_unit::month, .first = 2024y / 1 / 1d, .periods = 3});
  const std::vector<order<double>> log = {{1, at(2023y / 12 / 31), 1.0}, {1, at(2024y / 4 / 1), 1.0}, {1, at(2024y / 3 / 31), 1.0}};
  const auto r = acc.try_add(log, crm::on_bad_record::skip);
  CHECK(r.used == 1);
  CHECK(r.rejected == 2);
  CHECK(crm::message(r.first_error()) ==
        "crm::period_accumulator: time is out of range (is outside the periods of the accumulator) (record 0)");
  // No customer before the first period: the first period's retention has a zero denominator.
  CHECK(crm::try_retention_rate(acc.stats()[0].retention()).error().code == crm::errc::zero_denominator);
}

TEST_CASE("period_accumulator: try_merge_serialized reads a part straight from its bytes, damaged buffers leave the state unchanged",
          "[aggregate][cohort][merge][serialize]") {
  // Random logs (amounts in quarters: sums exact) split at random into 2 to 4 parts, each merged
  // into the first through its bytes: the whole's statistics and cohort matrix, bit for bit; cohort
  // revenue on and off, horizons of one and of several words, double and decimal50; gaps go
  // through try_deserialize and give the same.
  std::mt19937_64 rng(1203);
  const sys_days first = 2023y / 1 / 1d;
  const std::vector<crm::period_options> cfgs = {
      {.unit = period_unit::month, .first = first, .periods = 24, .cohort_revenue = true},
      {.unit = period_unit::month, .first = first, .periods = 24, .inactive_periods = 3},
      {.unit = period_unit::week, .first = first, .periods = 130, .inactive_periods = 5, .cohort_revenue = true},
      {.unit = period_unit::month, .first = first, .periods = 12, .cohort_revenue = true, .gaps = true}};
  for (const crm::period_options& o : cfgs) {
    for (int round = 0; round < 3; ++round) {
      crm::period_accumulator<double> probe(o);
      const sys_days end = crm::period_start(o.unit, probe.first_period() + o.periods);
      const auto span_days = static_cast<unsigned long long>((end - first).count());
      const int customers = 1 + static_cast<int>(rng() % 300), records = static_cast<int>(rng() % 3000);
      const std::size_t parts = 2 + rng() % 3;
      crm::period_accumulator<double> whole(o);
      std::vector<crm::period_accumulator<double>> part(parts, crm::period_accumulator<double>(o));
      crm::period_accumulator<crm::decimal50> whole_d(o);
      std::vector<crm::period_accumulator<crm::decimal50>> part_d(parts, crm::period_accumulator<crm::decimal50>(o));
      for (int i = 0; i < records; ++i) {
        const order<double> r{rng() % static_cast<unsigned>(customers), crm::to_time(first + days{static_cast<long long>(rng() % span_days)}),
                              static_cast<double>(rng() % 4000) / 4.0 - (rng() % 20 == 0 ? 1000.0 : 0.0)};
        const std::size_t p = rng() % parts;
        whole.add(r);
        part[p].add(r);
        const order<crm::decimal50> rd{r.customer, r.time, crm::decimal50(r.amount)};
        whole_d.add(rd);
        part_d[p].add(rd);
      }
      crm::period_accumulator<double> merged = part[0];
      crm::period_accumulator<crm::decimal50> merged_d = part_d[0];
      for (std::size_t p = 1; p < parts; ++p) {
        REQUIRE_FALSE(merged.try_merge_serialized(part[p].serialize()));
        REQUIRE_FALSE(merged_d.try_merge_serialized(part_d[p].serialize()));
      }
      CHECK(merged == whole);
      CHECK(merged_d == whole_d);
      crm::period_accumulator<double> empty(o);
      REQUIRE_FALSE(empty.try_merge_serialized(part[1].serialize()));
      CHECK(empty == part[1]);
      if (round == 0) crm_test::check_merge_serialized(part[0], part[1], rng);
    }
  }
  // Refused: other options (try_merge's error), another kind; a customer twice behind a valid
  // checksum; the state unchanged each time.
  crm::period_accumulator<double> a(cfgs[0]), b(cfgs[1]), twice(cfgs[1]);
  a.add({1, crm::to_time(first), 5.0});
  b.add({2, crm::to_time(first), 5.0});
  const crm::period_accumulator<double> before = a;
  CHECK(crm::message(a.try_merge_serialized(b.serialize())) ==
        "crm::period_accumulator: options is malformed (differ between the merged accumulators)");
  CHECK(std::string(a.try_merge_serialized(crm::customer_accumulator<double>().serialize()).field) == "kind");
  twice.add({7, crm::to_time(first), 5.0});
  twice.add({8, crm::to_time(first), 5.0});
  std::vector<std::byte> bytes = twice.serialize();
  // payload: 14 option bytes, 24 per period (orders, returns, revenue), the count, 24-byte records
  const std::size_t first_record = 24 + 14 + 24 * 24 + 8;
  for (std::size_t k = 0; k < 8; ++k) bytes[first_record + 24 + k] = bytes[first_record + k];
  crm_test::reseal(bytes);
  CHECK(crm::message(crm::period_accumulator<double>::try_deserialize(bytes).error()) ==
        "crm::period_accumulator: customer is malformed (appears twice (corrupted state))");
  twice = crm::period_accumulator<double>(cfgs[1]);
  twice.add({9, crm::to_time(first), 1.0});
  const crm::period_accumulator<double> twice_before = twice;
  CHECK(crm::message(twice.try_merge_serialized(bytes)) == "crm::period_accumulator: customer is malformed (appears twice (corrupted state))");
  CHECK(twice == twice_before);
  CHECK(a == before);
}

}  // namespace aggregate_cohort_test

// crm-metrics tests: merge() is exact for every accumulator: random data split at random into 1..16
// parts (customers in several parts, purchase days interleaved, records shuffled), merged in random
// order and grouping, some parts passed through serialize/deserialize on the way, equals the whole,
// bit for bit (decimal money). And the multi-threaded driver reports exactly as one thread.
#include <crm/aggregate.hpp>
#include <crm/aggregate/parallel.hpp>
#include <crm/multiprecision.hpp>

#include <algorithm>
#include <chrono>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "catch.hpp"
#include "random_merge.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace aggregate_merge_test {

using namespace std::chrono;
using dec = crm::decimal50;

namespace {
std::mt19937_64 rng(2026);

template <class T>
std::vector<crm::order<T>> random_orders(int n, int customers, int day_span) {
  std::vector<crm::order<T>> v;
  const sys_days start = 2023y / 1 / 1d;
  for (int i = 0; i < n; ++i) {
    const auto day = start + days{static_cast<long long>(rng() % static_cast<unsigned>(day_span))};
    const long long cents = (rng() % 10 == 0) ? -static_cast<long long>(rng() % 5000) : static_cast<long long>(rng() % 20000);
    v.push_back({.customer = (rng() % static_cast<unsigned>(customers)) * 0x9E3779B97F4A7C15ULL,
                 .time = crm::to_time(day) + seconds{static_cast<long long>(rng() % 86400)},
                 .amount = T(cents) / T(100)});
  }
  return v;
}

// Splits at random into 1..16 parts, adds each (shuffled), merges in random grouping; every other
// state goes through serialize/deserialize first.
template <class Acc, class Rec>
Acc split_and_merge(const Acc& proto, std::vector<Rec> recs) {
  const std::size_t k = 1 + rng() % 16;
  std::vector<std::vector<Rec>> parts(k);
  for (const Rec& r : recs) parts[rng() % k].push_back(r);
  std::vector<Acc> states;
  for (auto& p : parts) {
    std::shuffle(p.begin(), p.end(), rng);
    Acc a = proto.fresh();
    REQUIRE(a.try_add(std::span<const Rec>(p)).rejected == 0);
    if (rng() % 2 == 0) {
      const auto bytes = a.serialize();
      a = Acc::deserialize(bytes);
    }
    states.push_back(std::move(a));
  }
  return crm_test::merge_randomly(std::move(states), rng);
}

template <class Acc, class Rec>
void check_merges(const Acc& proto, const std::vector<Rec>& recs, int trials = 12) {
  Acc whole = proto.fresh();
  REQUIRE(whole.try_add(std::span<const Rec>(recs)).rejected == 0);
  for (int t = 0; t < trials; ++t) {
    const Acc merged = split_and_merge(proto, recs);
    CHECK(merged == whole);
  }
  // a.merge(a) is the state of adding the records twice (the period accumulator's logs were read
  // while they grew: a use after free under ASan)
  Acc twice = whole;
  REQUIRE(twice.try_add(std::span<const Rec>(recs)).rejected == 0);
  Acc self = whole;
  REQUIRE(!self.try_merge(self));
  CHECK(self == twice);
}
}  // namespace

TEST_CASE("merge: order accumulators, exact in decimal", "[aggregate][merge]") {
  for (int round = 0; round < 4; ++round) {
    const auto orders = random_orders<dec>(1500, 1 + static_cast<int>(rng() % 200), 60 + static_cast<int>(rng() % 700));
    check_merges(crm::order_totals_accumulator<dec>{}, orders);
    check_merges(crm::customer_accumulator<dec>{}, orders);
    check_merges(crm::repeat_purchase_accumulator<dec>{}, orders);
    check_merges(crm::spend_accumulator<dec>(crm::period_unit::week), [&] {
      std::vector<crm::spend_record<dec>> s;
      for (const auto& o : orders) s.push_back({o.time, static_cast<crm::tag_id>(o.customer % 5), abs(o.amount)});
      return s;
    }());
  }
}

TEST_CASE("merge: RFM summary with holdout, interleaved and same-day purchases", "[aggregate][merge][rfm]") {
  for (int round = 0; round < 6; ++round) {
    // Few customers and few days: most customers buy several times on the same days, in every part.
    const auto orders = random_orders<dec>(1200, 1 + static_cast<int>(rng() % 60), 30 + static_cast<int>(rng() % 120));
    crm::rfm_accumulator<dec> proto({.calibration_end = 2023y / 2 / 15d, .observation_end = 2023y / 12 / 31d, .time_unit = days{7}});
    check_merges(proto, orders);
    // The double version: counts and times bit for bit (money may differ in the last bits).
    std::vector<crm::order<double>> od;
    for (const auto& o : orders) od.push_back({o.customer, o.time, static_cast<double>(o.amount)});
    crm::rfm_accumulator<double> pd({.calibration_end = 2023y / 2 / 15d, .observation_end = 2023y / 12 / 31d, .time_unit = days{7}});
    crm::rfm_accumulator<double> whole = pd.fresh();
    whole.add(od);
    const auto want = whole.rows();
    for (int t = 0; t < 6; ++t) {
      const auto got = split_and_merge(pd, od).rows();
      REQUIRE(got.size() == want.size());
      bool same = true;
      for (std::size_t i = 0; i < got.size(); ++i)
        same = same && got[i].customer == want[i].customer && got[i].frequency == want[i].frequency &&
               got[i].recency == want[i].recency && got[i].age == want[i].age && got[i].holdout_frequency == want[i].holdout_frequency;
      CHECK(same);
    }
  }
}

TEST_CASE("merge: per-period counts and cohorts, horizons of one and several words", "[aggregate][merge][cohort]") {
  for (int round = 0; round < 3; ++round) {
    const auto orders = random_orders<dec>(1500, 1 + static_cast<int>(rng() % 150), 700);
    check_merges(crm::period_accumulator<dec>(
                     {.unit = crm::period_unit::month, .first = 2023y / 1 / 1d, .periods = 24, .inactive_periods = 2, .cohort_revenue = true}),
                 orders);
    check_merges(crm::period_accumulator<dec>({.unit = crm::period_unit::week, .first = 2023y / 1 / 1d, .periods = 105, .inactive_periods = 3}),
                 orders);
    check_merges(crm::period_accumulator<dec>({.unit = crm::period_unit::day, .first = 2023y / 1 / 1d, .periods = 700, .gaps = true}), orders);
  }
}

TEST_CASE("merge: e-mail events and survey answers", "[aggregate][merge]") {
  using K = crm::email_event_kind;
  std::vector<crm::email_event<dec>> ev;
  for (int i = 0; i < 3000; ++i) {
    const auto k = static_cast<K>(rng() % 9);
    ev.push_back({rng() % 300, static_cast<crm::tag_id>(1 + rng() % 3), k, crm::to_time(sys_days{2024y / 1 / 1}),
                  k == K::conversion ? dec(static_cast<long long>(rng() % 9999)) / 100 : dec(0)});
  }
  check_merges(crm::email_accumulator<dec>{}, ev);
  crm::email_accumulator<dec> declared;
  for (crm::tag_id c = 1; c <= 3; ++c) declared.declare(c, dec(c) / 10);
  check_merges(declared, ev);
  std::vector<crm::survey_answer> answers;
  for (int i = 0; i < 2000; ++i) answers.push_back({rng() % 100, crm::to_time(sys_days{2024y / 1 / 1}), static_cast<int>(rng() % 11)});
  check_merges(crm::nps_accumulator{}, answers);
  check_merges(crm::csat_accumulator({.lowest = 0, .highest = 10, .satisfied_from = 9}), answers);
}

TEST_CASE("merge: different options are refused", "[aggregate][merge]") {
  crm::rfm_accumulator<double> a({.calibration_end = 2023y / 2 / 15d});
  crm::rfm_accumulator<double> b({.calibration_end = 2023y / 2 / 16d});
  CHECK(a.try_merge(b).field == std::string("options"));
  CHECK_THROWS_AS(a.merge(b), crm::metric_error);
  crm::period_accumulator<double> p({.first = 2023y / 1 / 1d, .periods = 3});
  crm::period_accumulator<double> q({.first = 2023y / 1 / 1d, .periods = 4});
  CHECK(p.try_merge(q).code == crm::errc::malformed);
  // Any day of the same first period names the same horizon.
  crm::period_accumulator<double> r({.first = 2023y / 1 / 20d, .periods = 3});
  CHECK(!p.try_merge(r));
  crm::email_accumulator<double> e1, e2;
  e1.declare(1);
  CHECK(e1.try_merge(e2).field == std::string("campaign"));
  crm::csat_accumulator c5, c10({.lowest = 0, .highest = 10, .satisfied_from = 9});
  CHECK(c5.try_merge(c10).field == std::string("scale"));
}

TEST_CASE("add_parallel: same state and same report as one thread", "[aggregate][merge][parallel]") {
  auto orders = random_orders<dec>(5000, 300, 700);
  crm::rfm_accumulator<dec> proto({.calibration_end = 2024y / 12 / 31d, .time_unit = days{1}});
  crm::rfm_accumulator<dec> one = proto.fresh();
  one.add(orders);
  for (const unsigned threads : {1U, 2U, 3U, 7U})
    for (const bool partitioned : {true, false}) {
      crm::rfm_accumulator<dec> many = proto.fresh();
      const crm::add_report r =
          crm::add_parallel(many, orders, {.threads = threads, .min_records_per_thread = 100, .partitioned = partitioned});
      CHECK(r.used == 5000);
      CHECK(many == one);
    }
  // A bad record at 3210: with stop, the report and the state are those of one thread.
  orders[3210].amount = dec(std::numeric_limits<double>::quiet_NaN());
  orders[4500].time = crm::to_time(sys_days{2300y / 1 / 1});
  for (const auto policy : {crm::on_bad_record::stop, crm::on_bad_record::skip}) {
    crm::rfm_accumulator<dec> seq = proto.fresh();
    const crm::add_report want = seq.try_add(orders, policy);
    crm::rfm_accumulator<dec> par = proto.fresh();
    const crm::add_report got =
        crm::try_add_parallel(par, std::span<const crm::order<dec>>(orders),
                              {.threads = 4, .policy = policy, .min_records_per_thread = 100, .partitioned = false})
            .value();
    CHECK(got.used == want.used);
    CHECK(got.rejected == want.rejected);
    CHECK(got.unread == want.unread);
    CHECK(got.records() == 5000);
    CHECK(got.first_error().index == 3210);
    CHECK(got.first_rejections[1].index == want.first_rejections[1].index);
    CHECK(par == seq);
  }
  crm::customer_accumulator<dec> c;
  CHECK_THROWS_AS(crm::add_parallel(c, orders, {.threads = 2, .min_records_per_thread = 100}), crm::bad_record);
}

TEST_CASE("merge into an empty accumulator: the table first grows to the other's size", "[aggregate][merge]") {
  // Inserting keys in another table's slot order into a smaller table piles them into long runs.
  crm::customer_table<int> big, empty;
  for (std::uint64_t k = 1; k <= 50000; ++k) big.try_emplace(k * 0x9E3779B97F4A7C15ULL);
  empty.prepare_merge(big);
  CHECK(empty.capacity() >= big.capacity());
  const auto orders = random_orders<double>(20000, 5000, 700);
  crm::customer_accumulator<double> a, whole;
  a.add(orders);
  whole.merge(a);
  CHECK(whole == a);
}

TEST_CASE("merge from bytes: a table that would overflow grows once, before the customers are inserted", "[aggregate][merge]") {
  // customer_table::prepare_merge(ids): a table reserved for its own customers (as one read from
  // bytes is) and ids of which a fifth are new: most parts would pass their limit, so the table is
  // sized up front and the inserts never grow it; a table with room left is not touched.
  const auto key = [](std::uint64_t k) { return k * 0x9E3779B97F4A7C15ULL; };
  struct wide {  // a 32-byte slot: reserve() gives the room asked for (16-byte slots get twice that)
    long long n = 0;
    long long pad[2] = {};
  };
  STATIC_REQUIRE(crm::customer_table<wide>::reserve_room == 1);
  crm::customer_table<wide> t(100000);
  for (std::uint64_t k = 1; k <= 100000; ++k) t.try_emplace(key(k));
  const std::size_t before = t.capacity();
  std::vector<crm::customer_id> ids;
  for (std::uint64_t k = 20001; k <= 120000; ++k) ids.push_back(key(k));
  t.prepare_merge(std::span<const crm::customer_id>(ids));
  const std::size_t prepared = t.capacity();
  CHECK(prepared > before);
  for (const crm::customer_id c : ids) ++t.try_emplace_in_part(c).first->n;
  CHECK(t.capacity() == prepared);  // no part grew during the inserts
  CHECK(t.size() == 120000);
  CHECK(t.find(key(1))->n == 0);
  CHECK(t.find(key(50000))->n == 1);
  CHECK(t.find(key(120000))->n == 1);
  crm::customer_table<wide> roomy(240000);
  for (std::uint64_t k = 1; k <= 100000; ++k) roomy.try_emplace(key(k));
  const std::size_t roomy_cap = roomy.capacity();
  roomy.prepare_merge(std::span<const crm::customer_id>(ids));
  CHECK(roomy.capacity() == roomy_cap);
  // The accumulators: a part merged from bytes into a state read from bytes (every part of its
  // table sized up front) and into one built by adds equals the merge of the part read back.
  const auto orders = random_orders<double>(30000, 10000, 700);
  std::vector<crm::order<double>> half[2];
  for (std::size_t i = 0; i < orders.size(); ++i) half[(i / 64) % 2].push_back(orders[i]);
  crm::rfm_accumulator<double> ra({.calibration_end = 2024y / 12 / 31d}), rb = ra.fresh();
  crm::period_accumulator<double> pa({.unit = crm::period_unit::month, .first = 2023y / 1 / 1d, .periods = 24, .cohort_revenue = true}),
      pb = pa.fresh();
  ra.add(half[0]);
  rb.add(half[1]);
  pa.add(half[0]);
  pb.add(half[1]);
  const auto check = [](const auto& target, const auto& part) {
    using Acc = std::remove_cvref_t<decltype(target)>;
    Acc got = target, want = target;
    REQUIRE_FALSE(got.try_merge_serialized(part.serialize()));
    want.merge(Acc::deserialize(part.serialize()));
    CHECK(got == want);
  };
  check(crm::rfm_accumulator<double>::deserialize(ra.serialize()), rb);
  check(ra, rb);
  check(crm::period_accumulator<double>::deserialize(pa.serialize()), pb);
  check(pa, pb);
}

namespace {
// A table value that counts the slot moves of rehashes and rebuilds (place() move-assigns a slot).
struct counted_moves {
  static inline std::size_t moves = 0;
  int n = 0;
  counted_moves() = default;
  counted_moves(const counted_moves&) = default;
  counted_moves& operator=(const counted_moves&) = default;
  counted_moves(counted_moves&& o) noexcept : n(o.n) { ++moves; }
  counted_moves& operator=(counted_moves&& o) noexcept {
    n = o.n;
    ++moves;
    return *this;
  }
  ~counted_moves() = default;
};
}  // namespace

TEST_CASE("merge: one customer at a time, the table grows by a factor (linear in the customers)", "[aggregate][merge]") {
  // prepare_merge sized the table for exactly the customers it would hold, so merging N one-customer
  // parts one by one rebuilt the whole table every few dozen merges: about N^2 / 50 slot moves, 8
  // million for 20 000 parts (found by an audit). Now a table that grows gets room for half its
  // customers again at least (and splits into parts as reserve() would): a few moves per customer.
  const auto key = [](std::uint64_t k) { return k * 0x9E3779B97F4A7C15ULL; };
  constexpr std::uint64_t n = 20000;
  SECTION("from another table (a merge in memory)") {
    crm::customer_table<counted_moves> t;
    counted_moves::moves = 0;
    for (std::uint64_t k = 1; k <= n; ++k) {
      const std::size_t before = counted_moves::moves;
      crm::customer_table<counted_moves> one;
      one.try_emplace(key(k)).first->n = 1;
      counted_moves::moves = before;  // the one-customer table's own moves are not the target's
      t.prepare_merge(one);
      t.try_emplace(key(k)).first->n += 1;
    }
    CHECK(t.size() == n);
    CHECK(t.find(key(n / 2))->n == 1);
    CHECK(counted_moves::moves <= 8 * n);
  }
  SECTION("from the ids of serialized parts (a merge from bytes)") {
    crm::customer_table<counted_moves> t;
    counted_moves::moves = 0;
    for (std::uint64_t k = 1; k <= n; ++k) {
      const crm::customer_id id = key(k);
      t.prepare_merge(std::span<const crm::customer_id>(&id, 1));
      t.try_emplace_in_part(id).first->n += 1;
    }
    CHECK(t.size() == n);
    CHECK(t.find(key(n / 2))->n == 1);
    CHECK(counted_moves::moves <= 8 * n);
    CHECK(t.part_count() > 1);  // split as it grew, not one part of 20 000 customers
  }
}

TEST_CASE("merge from bytes: 20 000 one-customer period states one by one equal the direct accumulation", "[aggregate][merge][cohort]") {
  // The merge from bytes reserved its revenue log (and its words beyond the first) for the exact size
  // at every merged state: merging N one-customer states copied the whole log N times (found by an
  // audit). The state merged one by one equals the accumulation of all the orders at once.
  const crm::period_options o{.unit = crm::period_unit::month, .first = 2023y / 1 / 1d, .periods = 70, .cohort_revenue = true};
  crm::period_accumulator<double> direct(o), merged(o);
  for (std::uint64_t c = 1; c <= 20000; ++c) {
    crm::period_accumulator<double> one(o);
    for (const int m : {static_cast<int>(c % 12), static_cast<int>(c % 12) + 1, 69}) {
      const crm::order<double> r{c * 0x9E3779B97F4A7C15ULL, crm::to_time(sys_days{2023y / 1 / 15d} + days{30 * m}), 1.0 + static_cast<double>(c % 5)};
      one.add(r);
      direct.add(r);
    }
    REQUIRE_FALSE(merged.try_merge_serialized(one.serialize()));
  }
  CHECK(merged == direct);
  CHECK(merged.cohorts().revenues == direct.cohorts().revenues);
}

// The partitioned add of add_parallel (customer_accumulator, rfm_accumulator and period_accumulator
// up to 64 periods without cohort revenue): the orders are scattered by the customer's part of the
// table and each thread adds its parts. Checked against one thread's try_add on the same records:
// the state (==, which with decimal money compares every sum bit for bit), the report, the state
// after a serialize round trip, for 2, 3 and 7 threads, rounds of 1000 or all records, a state that held
// customers before, customer id 0, and bad records in different chunks with either policy.
template <class Acc>
void check_partitioned(const Acc& proto, std::vector<crm::order<dec>> orders, const std::vector<crm::order<dec>>& before) {
  for (const std::size_t round : {std::size_t{1000}, std::size_t{1} << 23})
    for (const unsigned threads : {2U, 3U, 7U})
      if (round == 1000 || threads != 3)
      for (const auto policy : {crm::on_bad_record::stop, crm::on_bad_record::skip}) {
        Acc seq = proto.fresh(), par = proto.fresh();
        seq.add(before);
        par.add(before);
        const crm::add_report want = seq.try_add(orders, policy);
        const crm::parallel_options opt{.threads = threads, .policy = policy, .min_records_per_thread = 100, .round_records = round};
        const crm::add_report got = crm::try_add_parallel(par, std::span<const crm::order<dec>>(orders), opt).value();
        CHECK(got.used == want.used);
        CHECK(got.rejected == want.rejected);
        CHECK(got.unread == want.unread);
        CHECK(got.records() == static_cast<crm::count_t>(orders.size()));
        for (std::size_t k = 0; k < crm::add_report::kept_rejections; ++k) {
          CHECK(got.first_rejections[k].index == want.first_rejections[k].index);
          CHECK(got.first_rejections[k].error.field == want.first_rejections[k].error.field);
        }
        CHECK(par == seq);
        CHECK(Acc::deserialize(par.serialize()) == seq);
        // and the state keeps growing correctly after the partitioned add
        par.add(before);
        seq.add(before);
        CHECK(par == seq);
      }
}

TEST_CASE("add_parallel: the partitioned add equals one thread's add", "[aggregate][merge][parallel]") {
  STATIC_REQUIRE(crm::detail::partitioned_accumulator<crm::customer_accumulator<dec>, crm::order<dec>>);
  STATIC_REQUIRE(crm::detail::partitioned_accumulator<crm::repeat_purchase_accumulator<dec>, crm::order<dec>>);
  STATIC_REQUIRE(crm::detail::partitioned_accumulator<crm::rfm_accumulator<dec>, crm::order<dec>>);
  STATIC_REQUIRE(crm::detail::partitioned_accumulator<crm::period_accumulator<double>, crm::order<double>>);
  STATIC_REQUIRE_FALSE(crm::detail::partitioned_accumulator<crm::order_totals_accumulator<double>, crm::order<double>>);
  auto orders = random_orders<dec>(6000, 900, 700);
  const auto before = random_orders<dec>(500, 1200, 700);
  for (int i = 0; i < 6000; i += 97) orders[static_cast<std::size_t>(i)].customer = 0;  // customer 0 too
  crm::customer_accumulator<dec> cust;
  crm::repeat_purchase_accumulator<dec> lean;
  crm::rfm_accumulator<dec> rfm({.calibration_end = 2024y / 6 / 30d, .observation_end = 2024y / 12 / 31d, .time_unit = days{7}});
  crm::period_accumulator<dec> months({.unit = crm::period_unit::month, .first = 2023y / 1 / 1d, .periods = 24, .inactive_periods = 2});
  crm::period_accumulator<dec> days_({.unit = crm::period_unit::day, .first = 2023y / 1 / 1d, .periods = 700});  // 700 days: one thread's path
  crm::period_accumulator<dec> revenue({.unit = crm::period_unit::month, .first = 2023y / 1 / 1d, .periods = 24, .cohort_revenue = true});
  crm::period_accumulator<dec> gaps({.unit = crm::period_unit::month, .first = 2023y / 1 / 1d, .periods = 24, .gaps = true});  // chunks and a merge
  SECTION("clean records") {
    check_partitioned(cust, orders, before);
    check_partitioned(lean, orders, before);
    check_partitioned(rfm, orders, before);
    check_partitioned(months, orders, before);
    check_partitioned(days_, orders, before);
    check_partitioned(revenue, orders, before);
    check_partitioned(gaps, orders, before);
  }
  SECTION("bad records in the first, a middle and the last chunk") {
    for (const std::size_t at : {std::size_t{10}, std::size_t{2500}, std::size_t{3100}, std::size_t{5990}})
      orders[at].amount = dec(std::numeric_limits<double>::quiet_NaN());
    orders[4000].time = crm::to_time(sys_days{2300y / 1 / 1});
    check_partitioned(cust, orders, before);
    check_partitioned(lean, orders, before);
    check_partitioned(rfm, orders, before);
    check_partitioned(months, orders, before);
    check_partitioned(gaps, orders, before);
  }
  SECTION("with double amounts: every count and time as one thread's") {
    std::vector<crm::order<double>> d;
    for (const auto& o : orders) d.push_back({.customer = o.customer, .time = o.time, .amount = static_cast<double>(o.amount)});
    crm::customer_accumulator<double> one, two;
    one.add(d);
    crm::add_parallel(two, d, {.threads = 2, .min_records_per_thread = 100, .round_records = 1500});
    CHECK(one.repeat().repeat_customers == two.repeat().repeat_customers);
    CHECK(one.purchases().customers == two.purchases().customers);
    CHECK(one.gaps().gaps == two.gaps().gaps);
    CHECK(one.gaps().sum_of_gaps.count() == two.gaps().sum_of_gaps.count());
    CHECK(one.totals().revenue == Approx(two.totals().revenue).epsilon(1e-12));
  }
}

TEST_CASE("add_parallel: the morsels' sums are merged in input order, whichever thread took them", "[aggregate][merge][parallel]") {
  // Binary sums depend on the order of addition: merged in the order the threads finished, the
  // revenue would vary from run to run. Merged in input order, every run gives the same bits.
  std::vector<crm::order<double>> d;
  for (const auto& o : random_orders<dec>(40000, 3000, 700)) d.push_back({o.customer, o.time, static_cast<double>(o.amount) * 1.1});
  const crm::parallel_options opt{.threads = 3, .min_records_per_thread = 100, .round_records = 7000};
  crm::customer_accumulator<double> first;
  crm::add_parallel(first, d, opt);
  for (int run = 0; run < 8; ++run) {
    crm::customer_accumulator<double> again;
    crm::add_parallel(again, d, opt);
    CHECK(again.totals().revenue == first.totals().revenue);
    CHECK(again.order_totals_state().returned() == first.order_totals_state().returned());
    CHECK(again == first);
  }
}

TEST_CASE("fresh(): reserved as the accumulator it comes from", "[aggregate][merge][parallel]") {
  crm::customer_accumulator<double> c(100000);
  CHECK(c.fresh().table().capacity() >= 100000);
  crm::repeat_purchase_accumulator<double> lean(100000);
  CHECK(lean.fresh().table().capacity() >= 200000);  // twice the room for its 16-byte slots
  crm::rfm_accumulator<double> r({.calibration_end = 2024y / 6 / 30d});
  r.reserve(50000);
  CHECK(r.fresh().memory_bytes() >= 50000 * 64);
  crm::period_accumulator<double> p({.unit = crm::period_unit::month, .first = 2023y / 1 / 1d, .periods = 24});
  p.reserve(50000);
  CHECK(p.fresh().memory_bytes() >= 50000 * 40);
  CHECK(crm::customer_accumulator<double>().fresh().memory_bytes() < 1000);
}

// RFM without the day log: a customer's days out of order are a rejected record on one thread; two
// chunks added apart met them only in their merge, which refused the whole batch (malformed,
// "day_log") with no report. add_parallel now adds such an accumulator on one thread.
TEST_CASE("add_parallel: RFM without the day log reports out-of-order days as one thread does", "[aggregate][merge][parallel]") {
  const sys_days d0 = 2024y / 1 / 1d;
  const crm::rfm_options op{.calibration_end = d0 + days{100}, .day_log = false};
  std::vector<crm::order<double>> recs;
  for (int i = 0; i < 100; ++i) recs.push_back({crm::customer_id(100 + i), crm::to_time(d0 + days{i % 50}), 1.0});
  recs[10] = {1, crm::to_time(d0), 1.0};
  recs[20] = {1, crm::to_time(d0 + days{10}), 1.0};
  recs[70] = {1, crm::to_time(d0 + days{5}), 1.0};  // between day 0 and day 10: refused without the log
  for (const auto policy : {crm::on_bad_record::stop, crm::on_bad_record::skip}) {
    crm::rfm_accumulator<double> one(op);
    const crm::add_report r1 = one.try_add(std::span<const crm::order<double>>(recs), policy);
    REQUIRE(r1.rejected == 1);
    for (const unsigned threads : {2U, 3U}) {
      INFO("threads " << threads);
      crm::rfm_accumulator<double> many(op);
      const auto r = crm::try_add_parallel(many, std::span<const crm::order<double>>(recs),
                                           {.threads = threads, .policy = policy, .min_records_per_thread = 1});
      REQUIRE(r);
      CHECK(r->used == r1.used);
      CHECK(r->rejected == r1.rejected);
      CHECK(r->unread == r1.unread);
      CHECK(r->first_error().index == 70);
      CHECK(many == one);
    }
  }
}

}  // namespace aggregate_merge_test

// crm-metrics tests: order accumulators (revenue and orders; per-customer repeat share, purchase
// frequency, time between purchases), the per-customer table, and bad records.
#include <crm/aggregate.hpp>  // the umbrella: the docs/aggregation.md cases below
#include <crm/aggregate/orders.hpp>
#include <crm/aggregate/parallel.hpp>
#include <crm/metrics/retention.hpp>
#include <crm/metrics/revenue.hpp>
#include <crm/multiprecision.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "catch.hpp"
#if defined(CRM_METRICS_CATCH2_V3)
using Catch::Approx;
#endif
#include "number_helpers.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace aggregate_orders_test {

using namespace std::chrono;
using crm::order;

namespace {
crm::time_point at(year_month_day d, int hour = 0) { return crm::to_time(sys_days{d}) + hours{hour}; }
}  // namespace

TEST_CASE("customer_accumulator: a small log by hand", "[aggregate][orders]") {
  // Customer 7: 3 purchases (Jan 1, Jan 11, Jan 31) and a return; customer 0: one free order;
  // customer 2^64-1: 2 purchases on the same day; customer 9: only a return (not a customer).
  const std::vector<order<double>> log = {
      {7, at(2024y / 1 / 1), 10.0},   {0, at(2024y / 1 / 2), 0.0},     {7, at(2024y / 1 / 11), 20.0},
      {~0ULL, at(2024y / 1 / 5, 9), 5.0}, {~0ULL, at(2024y / 1 / 5, 21), 7.0}, {7, at(2024y / 1 / 31), 30.0},
      {7, at(2024y / 2 / 1), -20.0},  {9, at(2024y / 2 / 2), -1.0}};
  crm::customer_accumulator<double> acc;
  const crm::add_report rep = acc.add(log);
  CHECK(rep.used == 8);
  CHECK(rep.records() == 8);
  CHECK(acc.customers() == 3);
  CHECK(acc.repeat().repeat_customers == 2);
  CHECK(acc.repeat().customers == 3);
  CHECK(acc.purchases().orders == 6);
  CHECK(acc.purchases().customers == 3);
  // Net revenue 72 - 21 = 51 over 6 orders.
  CHECK(acc.totals().revenue == 51.0);
  CHECK(acc.totals().orders == 6);
  CHECK(acc.order_totals_state().returns() == 2);
  CHECK(acc.order_totals_state().returned() == 21.0);
  CHECK(crm::average_check(acc.totals()).amount == 8.5);
  // Gaps: customer 7: 30 days over 2 gaps; customer ~0: 12 hours over 1 gap: 30.5 days / 3.
  const auto g = acc.gaps();
  CHECK(g.gaps == 3);
  CHECK(g.sum_of_gaps.count() == 30.5);
  CHECK(crm::average_time_between_purchases(g).count() == Approx(30.5 / 3));
  CHECK(crm::repeat_purchase_share(acc.repeat()).fraction == Approx(2.0 / 3.0));
  REQUIRE(acc.find(9) == nullptr);
  REQUIRE(acc.find(0) != nullptr);
  CHECK(acc.find(0)->orders == 1);
}

TEMPLATE_TEST_CASE("order_totals_accumulator: sums in the number type, exact in decimal", "[aggregate][orders]", float,
                   double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  crm::order_totals_accumulator<T> acc;
  for (int i = 0; i < 1000; ++i) acc.add(order<T>{1, at(2024y / 1 / 1), crm_test::parse<T>("0.10")});
  acc.add(order<T>{1, at(2024y / 1 / 1), crm_test::parse<T>("-0.30")});
  CHECK(acc.orders() == 1000);
  CHECK(acc.returns() == 1);
  // 1000 additions of 0.10 in binary drift by up to ~1000 ulp of 100; in decimal they are exact.
  const double got = static_cast<double>(T(acc.totals().revenue));
  CHECK_THAT(got, Catch::Matchers::WithinRel(99.70, std::is_same_v<T, float> ? 1e-4 : 1e-12));
  if constexpr (std::is_same_v<T, crm::decimal50>) CHECK(acc.totals().revenue == crm::decimal50("99.7"));
}

TEST_CASE("customer_accumulator: random logs against a plain std::map count", "[aggregate][orders]") {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 40; ++round) {
    const int customers = 1 + static_cast<int>(rng() % 300);
    const int n = static_cast<int>(rng() % 3000);
    std::vector<order<double>> log;
    for (int i = 0; i < n; ++i) {
      const auto c = static_cast<crm::customer_id>(rng() % static_cast<unsigned>(customers)) * 0x9E3779B97F4A7C15ULL;
      const auto t = at(2023y / 1 / 1) + seconds{static_cast<long long>(rng() % (86400ULL * 700))};
      const double amount = (rng() % 10 == 0) ? -double(rng() % 50) : double(rng() % 10000) / 100.0;
      log.push_back({c, t, amount});
    }
    struct ref {
      long long orders = 0;
      crm::time_point first = crm::time_point::max(), last = crm::time_point::min();
    };
    std::map<crm::customer_id, ref> m;
    long long orders = 0;
    for (const auto& o : log) {
      if (o.amount < 0) continue;
      ref& r = m[o.customer];
      ++r.orders;
      ++orders;
      r.first = std::min(r.first, o.time);
      r.last = std::max(r.last, o.time);
    }
    long long repeat = 0, gaps = 0, secs = 0;
    for (const auto& [c, r] : m) {
      repeat += r.orders >= 2;
      if (r.orders >= 2) {
        gaps += r.orders - 1;
        secs += (r.last - r.first).count();
      }
    }
    crm::customer_accumulator<double> acc;
    REQUIRE(acc.add(log).used == n);
    CHECK(acc.customers() == static_cast<long long>(m.size()));
    CHECK(acc.repeat().repeat_customers == repeat);
    CHECK(acc.purchases().orders == orders);
    CHECK(acc.gaps().gaps == gaps);
    CHECK(acc.gaps().sum_of_gaps.count() == Approx(double(secs) / 86400.0).epsilon(1e-12));
    crm::repeat_purchase_accumulator<double> lean;
    REQUIRE(lean.add(log).used == n);
    CHECK(lean.customers() == static_cast<long long>(m.size()));
    CHECK(lean.repeat().repeat_customers == repeat);
    CHECK(lean.purchases().orders == orders);
    CHECK(lean.returns() == n - orders);
    for (const auto& [c, r] : m) REQUIRE(lean.purchases_of(c) == static_cast<std::uint32_t>(r.orders));
    CHECK(lean.purchases_of(0x1234567) == 0);
    // and the same in two threads' partitioned add, in small rounds
    crm::repeat_purchase_accumulator<double> par;
    (void)crm::add_parallel(par, log, {.threads = 2, .min_records_per_thread = 16, .round_records = 200});
    CHECK(par == lean);
  }
}

TEST_CASE("huge_page_allocator: arrays of 2 MiB and more on 2 MiB boundaries, usable to the last byte and freed",
          "[aggregate][orders]") {
  using alloc = crm::detail::huge_page_allocator<std::uint64_t>;
  constexpr std::size_t mib = std::size_t{1} << 20;
  alloc a;
  for (int round = 0; round < 3; ++round)  // allocated and freed again: nothing kept between rounds
    for (const std::size_t bytes : {std::size_t{64}, 2 * mib - 8, 2 * mib, 2 * mib + 8, 5 * mib + 24, 33 * mib}) {
      CAPTURE(round, bytes);
      const std::size_t n = bytes / sizeof(std::uint64_t);
      std::uint64_t* p = a.allocate(n);
      REQUIRE(p != nullptr);
      if (bytes >= 2 * mib) CHECK(reinterpret_cast<std::uintptr_t>(p) % (2 * mib) == 0);
      for (std::size_t i = 0; i < n; ++i) p[i] = i * 3 + 1;  // every byte writable
      std::uint64_t sum = 0;
      for (std::size_t i = 0; i < n; i += 4099) sum += p[i] - (i * 3 + 1);
      CHECK(sum == 0);
      a.deallocate(p, n);
    }
}

#if defined(__linux__)
TEST_CASE("retained memory: a freed large block is taken again by the next allocation of its size, within the limit",
          "[aggregate][orders]") {
  using alloc = crm::detail::huge_page_allocator<std::uint64_t>;
  constexpr std::size_t mib = std::size_t{1} << 20, n4 = 4 * mib / sizeof(std::uint64_t);
  crm::release_retained_memory();
  REQUIRE(crm::retained_memory() == 0);
  alloc a;
  std::uint64_t* p = a.allocate(n4);
  p[0] = 7;
  a.deallocate(p, n4);
  CHECK(crm::retained_memory() == 4 * mib);
  std::uint64_t* q = a.allocate(n4);  // the same block, its old contents still there (callers initialise)
  CHECK(q == p);
  CHECK(crm::retained_memory() == 0);
  a.deallocate(q, n4);
  // an allocation of another size first unmaps kept blocks of at least its size
  std::uint64_t* r = a.allocate(2 * n4);
  CHECK(crm::retained_memory() == 0);
  a.deallocate(r, 2 * n4);
  CHECK(crm::retained_memory() == 8 * mib);
  crm::release_retained_memory();
  CHECK(crm::retained_memory() == 0);
  // limit 0: nothing kept; a block larger than the limit is unmapped at once
  crm::set_retained_memory_limit(0);
  p = a.allocate(n4);
  a.deallocate(p, n4);
  CHECK(crm::retained_memory() == 0);
  crm::set_retained_memory_limit(6 * mib);
  p = a.allocate(2 * n4);
  a.deallocate(p, 2 * n4);
  CHECK(crm::retained_memory() == 0);
  p = a.allocate(n4);
  a.deallocate(p, n4);
  CHECK(crm::retained_memory() == 4 * mib);
  crm::set_retained_memory_limit(2 * mib);  // lowering the limit unmaps what is beyond it
  CHECK(crm::retained_memory() == 0);
  crm::set_retained_memory_limit(crm::detail::retained_blocks::default_limit);
}

TEST_CASE("retained memory: blocks older than max_age are unmapped at the next call", "[aggregate][orders]") {
  using blocks = crm::detail::retained_blocks;
  constexpr std::size_t bytes = std::size_t{2} << 20;
  blocks b;  // an instance of its own, fed blocks mapped here, with times given
  const auto t0 = blocks::clock::now();
  void* m1 = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  void* m2 = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(m1 != MAP_FAILED);
  REQUIRE(m2 != MAP_FAILED);
  REQUIRE(b.keep(m1, bytes, t0));
  CHECK(b.take(bytes, t0 + blocks::max_age) == m1);  // at max_age: still kept
  REQUIRE(b.keep(m1, bytes, t0));
  REQUIRE(b.keep(m2, bytes, t0 + blocks::max_age));
  CHECK(b.bytes() == 2 * bytes);
  // one second past m1's age: m1 unmapped, m2 taken
  CHECK(b.take(bytes, t0 + blocks::max_age + std::chrono::seconds(1)) == m2);
  CHECK(b.bytes() == 0);
  ::munmap(m2, bytes);
}

TEST_CASE("retained memory: an accumulator built on a reused table starts empty", "[aggregate][orders]") {
  crm::release_retained_memory();
  std::mt19937_64 g(11);
  for (int round = 0; round < 3; ++round) {
    crm::repeat_purchase_accumulator<double> acc(300'000);  // a table of several MiB: kept and taken again
    if (round > 0) CHECK(crm::retained_memory() < std::size_t{256} << 20);
    CHECK(acc.customers() == 0);
    std::map<std::uint64_t, int> want;
    for (int i = 0; i < 50'000; ++i) {
      const std::uint64_t id = g() % 20'000 + 1;
      ++want[id];
      acc.add(order<double>{.customer = id, .time = at(2024y / 1 / 1), .amount = 1.0});
    }
    std::uint64_t repeat = 0;
    for (const auto& [id, n] : want) repeat += n >= 2 ? 1 : 0;
    CHECK(static_cast<std::uint64_t>(acc.repeat().customers) == want.size());
    CHECK(static_cast<std::uint64_t>(acc.repeat().repeat_customers) == repeat);
  }
  CHECK(crm::retained_memory() > 0);
  crm::release_retained_memory();
}
#endif

TEST_CASE("customer_table: agrees with std::unordered_map on adversarial ids", "[aggregate][orders]") {
  std::mt19937_64 rng(7);
  const std::vector<std::uint64_t> strides = {1, 2, 1ULL << 32, 1ULL << 40, 0x9E3779B97F4A7C15ULL, 0};
  for (const std::uint64_t stride : strides) {
    crm::customer_table<long long> t;
    std::unordered_map<std::uint64_t, long long> ref;
    for (int i = 0; i < 20000; ++i) {
      const std::uint64_t key = stride == 0 ? rng() : static_cast<std::uint64_t>(rng() % 5000) * stride;
      ++*t.try_emplace(key).first;
      ++ref[key];
    }
    REQUIRE(t.size() == ref.size());
    for (const auto& [k, v] : ref) {
      REQUIRE(t.find(k) != nullptr);
      CHECK(*t.find(k) == v);
    }
    CHECK(t.find(123456789123ULL * 3 + 1) == (ref.count(123456789123ULL * 3 + 1) ? t.find(123456789123ULL * 3 + 1) : nullptr));
    CHECK(t.size() <= t.capacity() * 3 / 4);
  }
}

TEST_CASE("customer_table: a part sized from another table's share probes within its own slots", "[aggregate][orders]") {
  // prepare_merge(other) grows each part to its share of other's part: other's 64 parts of 4,496
  // slots shared by this table's 1,024 parts give 4,496 >> 4 = 281 slots, which is not a whole
  // number of the 4-slot groups that 16-byte slots are probed in; the part gets 288 (before the
  // groups, any size did: a probe from the last group then ran past the part's array).
  const auto key = [](std::uint64_t k) { return k * 0x9E3779B97F4A7C15ULL + 1; };
  crm::customer_table<int> other(100000);
  REQUIRE(other.part_count() == 64);
  REQUIRE(other.capacity() == 64 * 4496);
  for (std::uint64_t k = 1; k <= 20000; ++k) ++*other.try_emplace(key(k)).first;
  crm::customer_table<int> t;
  t.ensure_parts(10);
  REQUIRE(t.part_count() == 1024);
  t.prepare_merge(other);
  CHECK(t.capacity() == 1024 * 288);
  other.for_each([&t](crm::customer_id c, int n) { *t.try_emplace_in_part(c).first += n; });
  CHECK(t.size() == 20000);
  for (std::uint64_t k = 1; k <= 20000; ++k) {
    const int* v = t.find(key(k));
    REQUIRE(v != nullptr);
    CHECK(*v == 1);
  }
}

// The SSE2 group probe (four 16-byte slots at once) runs on every x86-64 build; the slot-at-a-time
// probe only on other targets and for other slot sizes. Both must place every key in the same slot
// (the layout is the iteration order, and so the order of serialized states): each key is placed
// by both, in arrays of 16 to 5,568 slots, up to the table's 3/4 limit, with keys crowded onto a
// few homes and onto the last group (probes that wrap to slot 0).
template <class V>
void check_probes_agree(std::uint64_t seed) {
  using probes = crm::detail::customer_table_probes<V>;
  using slot = typename probes::slot;
  STATIC_REQUIRE(sizeof(slot) == 16);
  std::mt19937_64 rng(seed);
  for (const std::size_t cap : {std::size_t{16}, std::size_t{32}, std::size_t{1008}, std::size_t{5568}}) {
    for (const int bits : {0, 3}) {
      for (int trial = 0; trial < 20; ++trial) {
        std::vector<slot> a(cap), b(cap);
        std::size_t size_a = 0, size_b = 0;
        // trial % 4: 0 random keys; 1 and 2, up to 48 keys homed in one of two groups or in the last group
        // (whose probes wrap to slot 0), 3 both, the rest random, all in random order
        const std::size_t wanted0 = probes::home(rng() | 1, bits, cap) / 4 * 4, last_group = cap - 4;
        const std::size_t limit = cap - cap / 4 - 1;  // the table's 3/4 limit, less the key placed past it
        std::vector<std::uint64_t> keys;
        for (std::size_t crowded = 0; crowded < (trial % 4 == 0 ? 0 : std::min<std::size_t>(48, limit / 2));) {
          const std::uint64_t k = rng() | 1;
          const std::size_t h = probes::home(k, bits, cap);
          if ((trial % 4 != 2 && (h == wanted0 || h == (wanted0 + 4) % cap)) || (trial % 4 != 1 && h == last_group))
            keys.push_back(k), ++crowded;
        }
        while (keys.size() < limit) keys.push_back(rng() | 1);
        std::shuffle(keys.begin(), keys.end(), rng);
        std::size_t differ = 0;  // keys placed or found in different slots (one CHECK per trial: fast under ASan)
        std::unordered_map<std::uint64_t, V> placed;  // each distinct key's count
        for (std::size_t i = 0; i < keys.size(); ++i) {
          const std::uint64_t k = i > 0 && i % 7 == 0 ? keys[rng() % i] : keys[i];  // some keys again: found, not placed
          const std::size_t h = probes::home(k, bits, cap);
          const auto [va, new_a] = probes::slots(a.data(), cap, h, k, size_a);
          if constexpr (probes::has_groups) {
            const auto [vb, new_b] = probes::groups(b.data(), cap, h, k, size_b);
            differ += new_a != new_b || reinterpret_cast<const char*>(va) - reinterpret_cast<const char*>(a.data()) !=
                                            reinterpret_cast<const char*>(vb) - reinterpret_cast<const char*>(b.data());
            ++*vb;
          }
          ++*va;
          differ += new_a != (++placed[k] == 1) || *va != placed[k];
        }
        CHECK(size_a == placed.size());
        CHECK(differ == 0);
        if constexpr (probes::has_groups) {
          CHECK(size_a == size_b);
          CHECK(std::equal(a.begin(), a.end(), b.begin(), [](const slot& x, const slot& y) { return x.key == y.key && x.value == y.value; }));
        }
      }
    }
  }
}

TEST_CASE("customer_table: the slot-at-a-time probe places every key where the SSE2 group probe does", "[aggregate][orders]") {
  check_probes_agree<std::uint32_t>(21);
  check_probes_agree<long long>(22);
}

TEST_CASE("customer_table: a part's writer places every key where try_emplace_in_part does, growing alike",
          "[aggregate][orders]") {
  std::mt19937_64 rng(11);
  std::vector<std::uint64_t> keys;
  for (int i = 0; i < 30000; ++i) keys.push_back(i % 97 == 0 ? 0 : rng() % 9000 * 0x9E3779B97F4A7C15ULL);
  crm::customer_table<long long> a(64), b(64);  // far too small: every part grows several times
  a.ensure_parts(3);
  b.ensure_parts(3);
  REQUIRE(a.part_count() == 8);
  const std::size_t before = a.capacity();
  for (const std::uint64_t k : keys) ++*a.try_emplace_in_part(k).first;
  for (std::size_t p = 0; p < b.part_count(); ++p) {  // one writer per part, each part's keys in input order
    auto w = b.write_part(p);
    for (const std::uint64_t k : keys)
      if (b.part_of(k) == p) {
        const auto [v, created] = w.try_emplace(k);
        CHECK(created == (*v == 0));
        ++*v;
      }
  }
  CHECK(a.capacity() > before);
  CHECK(b.capacity() == a.capacity());
  CHECK(b.size() == a.size());
  std::vector<std::pair<std::uint64_t, long long>> sa, sb;  // slot order: the same layout
  a.for_each([&sa](crm::customer_id c, long long n) { sa.emplace_back(c, n); });
  b.for_each([&sb](crm::customer_id c, long long n) { sb.emplace_back(c, n); });
  CHECK(sa == sb);
  REQUIRE(b.find(0) != nullptr);
  CHECK(*b.find(0) == std::count(keys.begin(), keys.end(), std::uint64_t{0}));
  // One part of 16 slots, 12 keys (its limit): probes that run past the last slot go on at slot 0.
  std::mt19937_64 rng2(5);
  for (int trial = 0; trial < 2000; ++trial) {
    crm::customer_table<int> x, y;
    x.ensure_parts(0);
    y.ensure_parts(0);
    REQUIRE(y.part_count() == 1);
    REQUIRE(y.capacity() == 16);
    std::vector<std::uint64_t> ks(12);
    for (std::uint64_t& k : ks) k = rng2() | 1;
    for (const std::uint64_t k : ks) ++*x.try_emplace_in_part(k).first;
    {
      auto w = y.write_part(0);
      for (const std::uint64_t k : ks) ++*w.try_emplace(k).first;
    }
    std::vector<std::pair<std::uint64_t, int>> sx, sy;
    x.for_each([&sx](crm::customer_id c, int n) { sx.emplace_back(c, n); });
    y.for_each([&sy](crm::customer_id c, int n) { sy.emplace_back(c, n); });
    REQUIRE(sx == sy);
  }
}

TEST_CASE("order accumulators: bad records are rejected by index and field, counts add up", "[aggregate][orders]") {
  const double nan = crm_test::kNaN, inf = crm_test::kInf;
  const std::vector<order<double>> log = {{1, at(2024y / 1 / 1), 10.0},
                                          {2, at(2024y / 1 / 1), nan},
                                          {3, at(2024y / 1 / 1), 5.0},
                                          {4, at(1899y / 12 / 31), 5.0},
                                          {5, at(2024y / 1 / 1), -inf},
                                          {6, crm::to_time(sys_days{2200y / 1 / 1}), 1.0},
                                          {7, at(2024y / 1 / 2), 1.0}};
  SECTION("stop at the first bad record") {
    crm::customer_accumulator<double> acc;
    const crm::add_report r = acc.try_add(log);
    CHECK(r.used == 1);
    CHECK(r.rejected == 1);
    CHECK(r.unread == 5);
    CHECK(r.records() == 7);
    CHECK(r.first_error().index == 1);
    CHECK(r.first_error().error.code == crm::errc::not_finite);
    CHECK(std::string(r.first_error().error.field) == "amount");
    CHECK(crm::message(r.first_error()) == "crm::customer_accumulator: amount is not finite (NaN or infinity) (record 1)");
    CHECK(acc.customers() == 1);
  }
  SECTION("skip and count") {
    crm::customer_accumulator<double> acc;
    const crm::add_report r = acc.try_add(log, crm::on_bad_record::skip);
    CHECK(r.used == 3);
    CHECK(r.rejected == 4);
    CHECK(r.unread == 0);
    CHECK(r.records() == 7);
    CHECK(r.first_rejections[1].index == 3);
    CHECK(std::string(r.first_rejections[1].error.field) == "time");
    CHECK(r.first_rejections[1].error.code == crm::errc::out_of_range);
    CHECK(r.first_rejections[2].index == 4);
    CHECK(r.first_rejections[3].index == 5);
    CHECK(acc.customers() == 3);
    CHECK(acc.totals().revenue == 16.0);
  }
  SECTION("repeat_purchase_accumulator: the same checks, the same counts") {
    crm::repeat_purchase_accumulator<double> acc;
    const crm::add_report r = acc.try_add(log, crm::on_bad_record::skip);
    CHECK(r.used == 3);
    CHECK(r.rejected == 4);
    CHECK(r.records() == 7);
    CHECK(r.first_rejections[0].index == 1);
    CHECK(crm::message(r.first_error()) == "crm::repeat_purchase_accumulator: amount is not finite (NaN or infinity) (record 1)");
    CHECK(std::string(r.first_rejections[1].error.field) == "time");
    CHECK(r.first_rejections[3].index == 5);
    CHECK(acc.customers() == 3);
    CHECK(acc.orders() == 3);
    CHECK(acc.returns() == 0);
  }
  SECTION("throwing form names the record") {
    crm::order_totals_accumulator<double> acc;
    try {
      acc.add(log);
      FAIL("no exception");
    } catch (const crm::bad_record& e) {
      CHECK(e.index() == 1);
      CHECK(std::string(e.what()) == "crm::order_totals_accumulator: amount is not finite (NaN or infinity) (record 1)");
      CHECK(e.code() == crm::errc::not_finite);
    }
    CHECK(acc.orders() == 1);
  }
  SECTION("overflowing sums are refused, the state unchanged") {
    crm::order_totals_accumulator<double> acc;
    acc.add(order<double>{1, at(2024y / 1 / 1), std::numeric_limits<double>::max()});
    const crm::error_info e = acc.try_add(order<double>{1, at(2024y / 1 / 1), std::numeric_limits<double>::max()});
    CHECK(e.code == crm::errc::overflow);
    CHECK(std::string(e.field) == "revenue");
    CHECK(acc.orders() == 1);
  }
  SECTION("empty input: nothing used, metrics report the zero denominator") {
    crm::customer_accumulator<double> acc;
    const crm::add_report r = acc.add(std::vector<order<double>>{});
    CHECK(r.records() == 0);
    CHECK(crm::try_repeat_purchase_share(acc.repeat()).error().code == crm::errc::zero_denominator);
    CHECK(crm::try_average_check(acc.totals()).error().code == crm::errc::zero_denominator);
  }
}

// docs/aggregation.md quotes the output of examples/aggregate.cpp; these are the same records and
// the values worked out by hand (the comments give the arithmetic).
TEST_CASE("docs/aggregation.md: the example's numbers, worked out by hand", "[aggregate][orders][docs]") {
  const auto day = [](year_month_day d) { return crm::to_time(sys_days{d}); };
  const std::vector<order<double>> orders = {
      {101, day(2024y / 1 / 5), 30.00},  {102, day(2024y / 1 / 20), 12.50}, {101, day(2024y / 2 / 2), 45.00},
      {103, day(2024y / 2 / 14), 80.00}, {101, day(2024y / 2 / 2), 5.00},   {104, day(2024y / 3 / 1), 20.00},
      {102, day(2024y / 3 / 15), 17.50}, {103, day(2024y / 3 / 20), -80.00}, {105, day(2024y / 4 / 2), 60.00},
      {101, day(2024y / 4 / 10), 25.00}};
  crm::customer_accumulator<double> c;
  CHECK(c.add(orders).used == 10);
  CHECK(crm::repeat_purchase_share(c.repeat()).fraction == 0.4);   // 101 and 102 of 5
  CHECK(crm::average_check(c.totals()).amount == Approx(215.0 / 9));  // (295 - 80) / 9 purchases = 23.89
  CHECK(crm::purchase_frequency(c.purchases()).factor == 1.8);     // 9 / 5
  crm::rfm_accumulator<double> rfm({.calibration_end = 2024y / 4 / 30d});
  rfm.add(orders);
  const auto rows = rfm.rows();
  REQUIRE(rows.size() == 5);
  // 101: days Jan 5, Feb 2 (two orders, 50), Apr 10 (25): x 2, t_x 96, T 116, value (50 + 25) / 2
  CHECK(rows[0].frequency == 2);
  CHECK(rows[0].recency == 96);
  CHECK(rows[0].age == 116);
  CHECK(rows[0].monetary_value == 37.5);
  CHECK(rows[1].frequency == 1);  // 102: Jan 20, Mar 15
  CHECK(rows[1].recency == 55);
  CHECK(rows[1].age == 101);
  CHECK(rows[2].frequency == 0);  // 103: Feb 14; the return is not a purchase
  CHECK(rows[2].age == 76);
  CHECK(rows[3].age == 60);
  CHECK(rows[4].age == 28);
  CHECK(rfm.returns() == 1);
  crm::period_accumulator<double> m({.unit = crm::period_unit::month, .first = 2024y / 1 / 1d, .periods = 4});
  m.add(orders);
  const auto s = m.stats();
  // buyers: Jan {101, 102}, Feb {101, 103}, Mar {102, 104}, Apr {101, 105}
  CHECK(s[1].lost_customers == 1);
  CHECK(s[2].new_customers == 1);
  CHECK(s[2].returning_customers == 1);
  CHECK(s[2].lost_customers == 2);
  CHECK(s[3].returning_customers == 1);
  CHECK(crm::churn_rate(s[2].churn()).fraction == 1.0);
  const auto cm = m.cohorts();
  CHECK(cm.sizes[0] == 2);
  CHECK(cm.cell(0, 1).active_in_period == 1);
  CHECK(cm.cell(0, 2).active_in_period == 1);
  CHECK(cm.cell(0, 3).active_in_period == 1);
  // 212 bytes: 24 header + 32 totals + 8 count + 5 x 28 per customer + 8 checksum
  CHECK(c.serialize().size() == 212);
}

TEST_CASE("docs/aggregation.md: slot sizes per customer for double", "[aggregate][orders][docs]") {
  STATIC_REQUIRE(sizeof(crm::customer_table<crm::customer_accumulator<double>::state>::slot) == 32);
  STATIC_REQUIRE(sizeof(crm::customer_table<crm::rfm_accumulator<double>::state>::slot) == 64);
  STATIC_REQUIRE(sizeof(crm::customer_table<crm::period_accumulator<double>::state>::slot) == 40);
  STATIC_REQUIRE(sizeof(crm::customer_table<std::uint16_t>::slot) == 16);  // e-mail: event kinds per recipient
  // Between 4/3 and 8/3 slots per customer: at most 3/4 full, doubling.
  crm::customer_table<int> t;
  for (std::uint64_t k = 1; k <= 100000; ++k) {
    t.try_emplace(k * 7919);
    REQUIRE((4 * t.size() <= 3 * t.capacity()));
    REQUIRE((t.capacity() <= 16 || 8 * t.size() > 3 * t.capacity()));
  }
  // Reserved for a million: 256 parts of 5,568 slots (1.43 per customer), and a million customers
  // then fit without growing; with slots of 16 bytes twice the room: 512 parts (2.85 per customer).
  using wide = crm::customer_accumulator<double>::state;
  crm::customer_table<wide> r(1'000'000);
  CHECK(r.part_count() == 256);
  CHECK(r.capacity() == 256 * 5568);
  for (std::uint64_t k = 1; k <= 1'000'000; ++k) r.try_emplace(k * 0x9E3779B97F4A7C15ULL);
  CHECK(r.size() == 1'000'000);
  CHECK(r.capacity() == 256 * 5568);
  STATIC_REQUIRE(sizeof(crm::customer_table<crm::repeat_purchase_accumulator<double>::state>::slot) == 16);
  STATIC_REQUIRE(crm::customer_table<int>::reserve_room == 2);
  STATIC_REQUIRE(crm::customer_table<wide>::reserve_room == 1);
  crm::customer_table<int> small(1'000'000);
  CHECK(small.part_count() == 512);
  CHECK(small.capacity() == 512 * 5568);
  // More parts (as add_parallel asks for a large batch) keep the room reserved: 100,000 customers
  // still fit without a part growing.
  crm::customer_table<int> m(100'000);
  const std::size_t reserved = m.capacity();
  m.ensure_parts(10);
  CHECK(m.part_count() == 1024);
  CHECK(m.capacity() >= reserved);
  const std::size_t split = m.capacity();
  for (std::uint64_t k = 1; k <= 100'000; ++k) m.try_emplace(k * 0x9E3779B97F4A7C15ULL);
  CHECK(m.capacity() == split);
}

TEST_CASE("customer_accumulator: a first purchase refused for overflow leaves no trace in the customer's state",
          "[aggregate][orders]") {
  // Customer 2's first purchase would push the float revenue past its largest value: refused, and the
  // slot it took stays empty. Its next purchase then starts the customer (first = last = that time,
  // one order). (The partitioned add of add_parallel checks the sum before any slot is taken.)
  const std::vector<order<float>> log = {{1, at(2024y / 1 / 1), 3.0e38f}, {2, at(2024y / 1 / 2), 3.0e38f}};
  crm::customer_accumulator<float> acc;
  const crm::add_report r = acc.try_add(std::span<const order<float>>(log), crm::on_bad_record::skip);
  CHECK(r.rejected == 1);
  CHECK(r.first_error().index == 1);
  CHECK(r.first_error().error.code == crm::errc::overflow);
  CHECK(acc.find(2) == nullptr);
  crm::customer_accumulator<float> fresh;
  fresh.add(order<float>{2, at(2024y / 3 / 1), 1.0f});
  acc.add(order<float>{2, at(2024y / 3 / 1), 1.0f});  // 3e38 + 1 is still a float
  REQUIRE(acc.find(2) != nullptr);
  CHECK(acc.find(2)->first == fresh.find(2)->first);
  CHECK(acc.find(2)->last == fresh.find(2)->last);
  CHECK(acc.find(2)->orders == 1);
  CHECK(acc.customers() == 2);
}

TEST_CASE("customer_accumulator: a refused merge changes nothing, and every error names the customer accumulator",
          "[aggregate][orders]") {
  // The totals overflow only once b's revenue is added; the table used to be merged first, leaving
  // a with b's customer and without b's order (an impossible state that serialized without complaint).
  crm::customer_accumulator<double> a, b;
  a.add(order<double>{1, at(2024y / 1 / 1), 1e308});
  b.add(order<double>{2, at(2024y / 1 / 2), 1e308});
  const crm::customer_accumulator<double> before = a;
  const crm::error_info e = a.try_merge(b);
  CHECK(e.code == crm::errc::overflow);
  CHECK(std::string(e.metric) == "customer_accumulator");
  CHECK(std::string(e.field) == "revenue");
  CHECK(a == before);
  CHECK(a.customers() == 1);
  CHECK(a.purchases().orders == 1);
  // the same sum refused on add: named after the accumulator it was given to
  crm::customer_accumulator<double> c;
  c.add(order<double>{1, at(2024y / 1 / 1), 1e308});
  const crm::error_info f = c.try_add(order<double>{3, at(2024y / 1 / 3), 1e308});
  CHECK(f.code == crm::errc::overflow);
  CHECK(std::string(f.metric) == "customer_accumulator");
  CHECK_THROWS_WITH(c.add(order<double>{3, at(2024y / 1 / 3), 1e308}),
                    Catch::Matchers::StartsWith("crm::customer_accumulator: revenue"));
}

TEST_CASE("repeat_purchase_accumulator: a small log by hand, the 2^32 - 1 purchases of one customer", "[aggregate][orders]") {
  // Customer 1: three purchases, one of them free (amount 0), and a return; customer 2: one
  // purchase; customer 3: only a return, so not a customer. Repeat share 1/2, frequency 4/2.
  const std::vector<order<double>> log = {{1, at(2024y / 1 / 1), 10.0}, {2, at(2024y / 1 / 3), 4.0},   {1, at(2024y / 1 / 1), 0.0},
                                          {1, at(2024y / 2 / 1), 5.0},  {1, at(2024y / 2 / 2), -5.0}, {3, at(2024y / 2 / 2), -1.0}};
  crm::repeat_purchase_accumulator<double> acc;
  CHECK(acc.add(log).used == 6);
  CHECK(acc.repeat().repeat_customers == 1);
  CHECK(acc.repeat().customers == 2);
  CHECK(crm::repeat_purchase_share(acc.repeat()).value() == 0.5);
  CHECK(crm::purchase_frequency(acc.purchases()).value() == 2.0);
  CHECK(acc.orders() == 4);
  CHECK(acc.returns() == 2);
  CHECK(acc.purchases_of(1) == 3);
  CHECK(acc.purchases_of(3) == 0);
  // One customer at 2^32 - 1 purchases (a state read from bytes): the next purchase is refused,
  // the state unchanged; a merge that would pass it too.
  crm::repeat_purchase_accumulator<double> one;
  one.add(order<double>{5, at(2024y / 1 / 1), 1.0});
  auto bytes = one.serialize();
  const std::uint64_t most = 0xFFFFFFFFULL;
  for (std::size_t k = 0; k < 8; ++k) bytes[24 + k] = static_cast<std::byte>((most >> (8 * k)) & 0xFF);  // orders
  for (std::size_t k = 0; k < 4; ++k) bytes[24 + 8 + 8 + 8 + 8 + k] = std::byte{0xFF};                   // customer 5's purchases
  const auto len = static_cast<std::size_t>(bytes.size() - 24 - 8);
  const std::uint64_t sum = crm::detail::checksum(std::span<const std::byte>(bytes).subspan(24, len));
  for (std::size_t k = 0; k < 8; ++k) bytes[bytes.size() - 8 + k] = static_cast<std::byte>((sum >> (8 * k)) & 0xFF);
  crm::repeat_purchase_accumulator<double> full = crm::repeat_purchase_accumulator<double>::deserialize(bytes);
  REQUIRE(full.purchases_of(5) == most);
  const crm::error_info e = full.try_add(order<double>{5, at(2024y / 1 / 2), 1.0});
  CHECK(e.code == crm::errc::overflow);
  CHECK(crm::message(e) == "crm::repeat_purchase_accumulator: orders overflows the number type (one customer has more than 2^32 - 1 purchases)");
  CHECK(full.purchases_of(5) == most);
  CHECK(full.orders() == static_cast<crm::count_t>(most));
  const crm::repeat_purchase_accumulator<double> before = full;
  CHECK(full.try_merge(one).code == crm::errc::overflow);
  CHECK(full == before);
  CHECK_FALSE(full.partitioned_ok(1, crm::on_bad_record::stop));  // add_parallel then adds on one thread, which checks
  CHECK(full.try_add(order<double>{6, at(2024y / 1 / 2), 1.0}).code == crm::errc::ok);  // other customers still count
}

TEST_CASE("customer_table: the radix sort by customer id equals std::stable_sort", "[aggregate][orders]") {
  // rfm_accumulator::rows() sorts its customers with it: full 64-bit ids, ids below 2^40 (the
  // passes above the highest bit are skipped), ids sharing a middle byte (a pass skipped), repeated
  // ids (stability: the second member keeps input order), and short inputs.
  std::uint64_t x = 88172645463325252ULL;
  const auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{255}, std::size_t{256}, std::size_t{5000}, std::size_t{70000}}) {
    for (int kind = 0; kind < 4; ++kind) {
      CAPTURE(n, kind);
      std::vector<std::pair<std::uint64_t, std::uint32_t>> v(n);
      for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t id = next();
        if (kind == 1) id &= (std::uint64_t{1} << 40) - 1;
        if (kind == 2) id = (id & ~(std::uint64_t{0xFF} << 16)) | (std::uint64_t{0x5A} << 16);
        if (kind == 3) id %= 97;  // many repeats
        v[i] = {id, static_cast<std::uint32_t>(i)};
      }
      auto expected = v;
      std::stable_sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      crm::detail::sort_by_customer(v, [](const std::pair<std::uint64_t, std::uint32_t>& p) { return p.first; });
      CHECK(v == expected);
    }
  }
}

TEST_CASE("docs/aggregation.md: the defaults it states, and the first eight rejections kept", "[aggregate][orders][docs]") {
  // "Threads": one thread by default; min_records_per_thread 65,536; rounds of 2^21 records; the
  // partitioned add where it applies; a batch stops at the first bad record (on_bad_record::stop).
  constexpr crm::parallel_options p{};
  STATIC_REQUIRE(p.threads == 1);
  STATIC_REQUIRE(p.policy == crm::on_bad_record::stop);
  STATIC_REQUIRE(p.min_records_per_thread == 65'536);
  STATIC_REQUIRE(p.round_records == std::size_t{2'097'152});  // 2^21
  STATIC_REQUIRE(p.partitioned);
  // "Memory kept for reuse": at most 256 MiB kept, nothing longer than 10 seconds.
  STATIC_REQUIRE(crm::detail::retained_blocks::default_limit == std::size_t{268'435'456});  // 256 * 2^20
  STATIC_REQUIRE(crm::detail::retained_blocks::max_age == std::chrono::seconds(10));
  // "Bad records": the first eight rejections are kept with their index; all are counted. Ten NaN
  // amounts at records 0, 2, ..., 18 between good orders, skipped: rejections 0..7 kept, at 0..14.
  std::vector<order<double>> log;
  for (int k = 0; k < 20; ++k)
    log.push_back({static_cast<std::uint64_t>(k), at(2024y / 1 / 1), k % 2 == 0 ? crm_test::kNaN : 1.0});
  crm::customer_accumulator<double> acc;
  const crm::add_report r = acc.try_add(log, crm::on_bad_record::skip);
  CHECK(r.used == 10);
  CHECK(r.rejected == 10);
  STATIC_REQUIRE(crm::add_report::kept_rejections == 8);
  for (std::size_t k = 0; k < 8; ++k) {
    CHECK(r.first_rejections[k].index == 2 * k);
    CHECK(std::string(r.first_rejections[k].error.field) == "amount");
  }
  // the default policy of try_add(span) is stop
  crm::customer_accumulator<double> stopped;
  const crm::add_report s = stopped.try_add(log);
  CHECK(s.used == 0);
  CHECK(s.rejected == 1);
  CHECK(s.unread == 19);
}

}  // namespace aggregate_orders_test

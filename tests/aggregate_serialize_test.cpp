// crm-metrics tests: serialized accumulator states: round trips for every accumulator and number
// type; the documented frame byte by byte; truncated, padded, bit-flipped, wrong-version,
// wrong-kind and wrong-type buffers refused with a clear error and never read out of bounds
// (run under ASan+UBSan); corrupted payloads behind a valid checksum refused or read safely.
#include <crm/aggregate.hpp>
#include <crm/detail/charconv.hpp>
#include <crm/multiprecision.hpp>

#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "catch.hpp"
#include "le_bytes.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace aggregate_serialize_test {

using namespace std::chrono;

namespace {
std::mt19937_64 rng(99);

template <class T>
std::vector<crm::order<T>> some_orders(int n) {
  std::vector<crm::order<T>> v;
  for (int i = 0; i < n; ++i)
    v.push_back({.customer = rng() % 40,
                 .time = crm::to_time(sys_days{2023y / 1 / 1} + days{static_cast<long long>(rng() % 400)}),
                 .amount = T(static_cast<long long>(rng() % 10000) - 1000) / T(100)});
  return v;
}

std::uint64_t rd64(const std::vector<std::byte>& b, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t k = 0; k < 8; ++k) v |= std::uint64_t(std::to_integer<unsigned>(b[at + k])) << (8 * k);
  return v;
}
// Re-seals a payload changed on purpose: new checksum, so the payload validators are exercised.
void reseal(std::vector<std::byte>& b) {
  const std::size_t len = b.size() - 32;
  crm_test::put_le(b, b.size() - 8, crm::detail::checksum(std::span<const std::byte>(b).subspan(24, len)));
}

template <class Acc>
void check_bytes(const Acc& a) {
  const std::vector<std::byte> bytes = a.serialize();
  // Frame: "CRMA", version 1, payload length, checksum (docs/aggregation.md, "Serialized states").
  REQUIRE(bytes.size() >= 32);
  CHECK(std::to_integer<char>(bytes[0]) == 'C');
  CHECK(std::to_integer<char>(bytes[3]) == 'A');
  CHECK(std::to_integer<int>(bytes[4]) == 1);
  CHECK(std::to_integer<int>(bytes[5]) == 0);
  CHECK(rd64(bytes, 16) == bytes.size() - 32);
  const auto back = Acc::try_deserialize(bytes);
  REQUIRE(back.has_value());
  CHECK(*back == a);
  // Every truncation and one padding byte are refused.
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto r = Acc::try_deserialize(std::span<const std::byte>(bytes.data(), n));
    REQUIRE(!r.has_value());
    CHECK(r.error().code == crm::errc::malformed);
  }
  std::vector<std::byte> padded = bytes;
  padded.push_back(std::byte{0});
  CHECK(std::string(Acc::try_deserialize(padded).error().field) == "length");
  // Every single bit flip is refused (header fields, payload via the checksum, the checksum itself).
  const std::size_t step = bytes.size() > 4000 ? 7 : 1;
  for (std::size_t i = 0; i < bytes.size(); i += step)
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<std::byte> f = bytes;
      f[i] ^= static_cast<std::byte>(1 << bit);
      const auto r = Acc::try_deserialize(f);
      REQUIRE(!r.has_value());
    }
  // A future version is refused by name.
  std::vector<std::byte> v2 = bytes;
  v2[4] = std::byte{2};
  CHECK(crm::message(Acc::try_deserialize(v2).error()) ==
        std::string("crm::") + Acc::name + ": version is out of range (is not a format version this library reads (1))");
  CHECK_THROWS_AS(Acc::deserialize(v2), crm::metric_error);
  // Random corruption of the payload behind a valid checksum: refused, or read into a valid state
  // that serializes again (never a crash or an out-of-bounds read: this test runs under ASan).
  for (int t = 0; t < 300; ++t) {
    std::vector<std::byte> f = bytes;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips && f.size() > 32; ++k) f[24 + rng() % (f.size() - 32)] ^= static_cast<std::byte>(1U << (rng() % 8));
    reseal(f);
    const auto r = Acc::try_deserialize(f);
    if (r.has_value()) CHECK(Acc::try_deserialize(r->serialize()).has_value());
  }
}
}  // namespace

TEMPLATE_TEST_CASE("serialize: every accumulator round-trips and refuses damaged buffers", "[aggregate][serialize]", double,
                   float, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  const auto orders = some_orders<T>(300);
  crm::order_totals_accumulator<T> totals;
  totals.add(orders);
  check_bytes(totals);
  crm::customer_accumulator<T> customers;
  customers.add(orders);
  check_bytes(customers);
  crm::repeat_purchase_accumulator<T> repeat;
  repeat.add(orders);
  check_bytes(repeat);
  crm::rfm_accumulator<T> rfm({.calibration_end = 2023y / 6 / 30d, .observation_end = 2024y / 12 / 31d, .time_unit = days{7}});
  auto shuffled = orders;
  std::shuffle(shuffled.begin(), shuffled.end(), rng);  // out-of-order days: inexact counts and the day log
  rfm.add(shuffled);
  check_bytes(rfm);
  crm::period_accumulator<T> months({.first = 2023y / 1 / 1d, .periods = 14, .inactive_periods = 2, .cohort_revenue = true});
  months.add(orders);
  check_bytes(months);
  crm::period_accumulator<T> weeks({.unit = crm::period_unit::week, .first = 2023y / 1 / 1d, .periods = 70});
  weeks.add(orders);
  check_bytes(weeks);
  crm::period_accumulator<T> gaps({.unit = crm::period_unit::week, .first = 2023y / 1 / 1d, .periods = 70, .gaps = true});
  gaps.add(shuffled);  // out of order: several gap entries per customer and period before they are combined
  check_bytes(gaps);
  crm::email_accumulator<T> email;
  email.declare(3, T(1));
  for (int i = 0; i < 200; ++i)
    email.add(crm::email_event<T>{rng() % 50, 3, static_cast<crm::email_event_kind>(rng() % 8), orders[0].time, T(0)});
  check_bytes(email);
  crm::spend_accumulator<T> spend(crm::period_unit::week);
  spend.add(crm::spend_record<T>{orders[0].time, 4, T(3)});
  spend.add(crm::spend_record<T>{orders[5].time, 2, T(1)});
  check_bytes(spend);
  check_bytes(crm::order_totals_accumulator<T>{});  // empty states too
  check_bytes(crm::customer_accumulator<T>{});
  check_bytes(crm::repeat_purchase_accumulator<T>{});
}

TEST_CASE("serialize: surveys, wrong kind and number type are refused", "[aggregate][serialize]") {
  crm::nps_accumulator nps;
  for (int i = 0; i < 100; ++i) nps.add(crm::survey_answer{1, crm::to_time(sys_days{2024y / 1 / 1}), i % 11});
  check_bytes(nps);
  crm::csat_accumulator csat({.lowest = 1, .highest = 7, .satisfied_from = 6});
  csat.add(crm::survey_answer{1, crm::to_time(sys_days{2024y / 1 / 1}), 6});
  check_bytes(csat);
  crm::customer_accumulator<double> c;
  c.add(crm::order<double>{1, crm::to_time(sys_days{2024y / 1 / 1}), 1.0});
  const auto bytes = c.serialize();
  CHECK(std::string(crm::rfm_accumulator<double>::try_deserialize(bytes).error().field) == "kind");
  CHECK(std::string(crm::customer_accumulator<float>::try_deserialize(bytes).error().field) == "number_type");
  CHECK(std::string(crm::customer_accumulator<crm::decimal50>::try_deserialize(bytes).error().field) == "number_type");
  std::vector<std::byte> bad = bytes;
  bad[0] = std::byte{'X'};
  CHECK(crm::message(crm::customer_accumulator<double>::try_deserialize(bad).error()) ==
        "crm::customer_accumulator: magic is malformed (is not \"CRMA\" (not a crm-metrics state))");
  // A corrupted count with a valid checksum is refused before anything is allocated.
  std::vector<std::byte> big = bytes;
  const std::size_t count_at = 24 + 8 + 8 + 8 + 8;  // after revenue, returned, orders, returns
  crm_test::put_le(big, count_at, ~0ULL);
  reseal(big);
  CHECK(std::string(crm::customer_accumulator<double>::try_deserialize(big).error().field) == "customers");
}

TEST_CASE("serialize: repeat_purchase_accumulator refuses a state whose counts disagree", "[aggregate][serialize]") {
  crm::repeat_purchase_accumulator<double> a;
  const auto t = crm::to_time(sys_days{2024y / 1 / 1});
  a.add(std::vector<crm::order<double>>{{7, t, 1.0}, {7, t, 2.0}, {9, t, 3.0}, {9, t, -1.0}});
  const auto bytes = a.serialize();
  REQUIRE(bytes.size() == 24 + 8 + 8 + 8 + 2 * 12 + 8);  // orders, returns, customers, 2 x (id, purchases), checksum
  CHECK(crm::repeat_purchase_accumulator<double>::deserialize(bytes) == a);
  const std::size_t first_count = 24 + 8 + 8 + 8 + 8;  // the first customer's purchases (u32)
  {  // a customer with no purchases
    auto b = bytes;
    for (std::size_t k = 0; k < 4; ++k) b[first_count + k] = std::byte{0};
    reseal(b);
    const auto e = crm::repeat_purchase_accumulator<double>::try_deserialize(b).error();
    CHECK(crm::message(e) == "crm::repeat_purchase_accumulator: purchases is malformed (must be >= 1 (corrupted state))");
  }
  {  // purchases that do not add up to the orders
    auto b = bytes;
    b[first_count] = std::byte{5};
    reseal(b);
    CHECK(std::string(crm::repeat_purchase_accumulator<double>::try_deserialize(b).error().field) == "orders");
  }
  {  // the same customer twice
    auto b = bytes;
    for (std::size_t k = 0; k < 8; ++k) b[first_count + 4 + k] = b[first_count - 8 + k];
    reseal(b);
    CHECK(std::string(crm::repeat_purchase_accumulator<double>::try_deserialize(b).error().field) == "customer");
  }
}

// States that pass the checksum but cannot come from any records (each field edited, then resealed):
// refused, naming the field, where they used to be accepted and then gave signed overflow (the
// survey tallies, merged order counts) or impossible summaries (docs/aggregation.md: "an impossible
// per-customer record is refused").
TEST_CASE("serialize: impossible states behind a valid checksum are refused, merges of extreme counts refuse, never overflow",
          "[aggregate][serialize]") {
  const auto t0 = crm::to_time(sys_days{2024y / 1 / 1});
  const auto put = [](std::vector<std::byte>& b, std::size_t at, auto v) {
    crm_test::put_le(b, at, v);  // little-endian on every machine, as the format is
    reseal(b);
  };
  {  // NPS: counts whose sum passes 2^63 - 1 (tally() added them in signed arithmetic)
    crm::nps_accumulator nps;
    nps.add(crm::survey_answer{1, t0, 9});
    auto b = nps.serialize();
    const std::size_t counts_at = 24 + 12;  // lowest, highest, extra: then 11 counts
    put(b, counts_at + 9 * 8, std::int64_t{1} << 62);
    put(b, counts_at + 10 * 8, std::int64_t{1} << 62);
    const auto e = crm::nps_accumulator::try_deserialize(b);
    REQUIRE_FALSE(e);
    CHECK(std::string(e.error().field) == "counts");
    // one such count is a valid state; two of them cannot be merged
    auto one = nps.serialize();
    put(one, counts_at + 9 * 8, std::int64_t{1} << 62);
    crm::nps_accumulator a = crm::nps_accumulator::deserialize(one);
    const crm::nps_accumulator copy = a;
    CHECK(a.try_merge(copy).code == crm::errc::overflow);
    CHECK(a == copy);
  }
  {  // order totals: orders = 2^63 - 1 is a state; adding one more order by a merge is refused
    crm::order_totals_accumulator<double> x;
    x.add(crm::order<double>{1, t0, 1.0});
    auto b = x.serialize();
    put(b, 24 + 16, std::numeric_limits<std::int64_t>::max());  // after revenue and returned
    crm::order_totals_accumulator<double> big = crm::order_totals_accumulator<double>::deserialize(b);
    const crm::order_totals_accumulator<double> before = big;
    const crm::error_info e = big.try_merge(x);
    CHECK(e.code == crm::errc::overflow);
    CHECK(std::string(e.field) == "orders");
    CHECK(big == before);
  }
  {  // customers: orders that differ from the customers' purchases
    crm::customer_accumulator<double> c;
    c.add(std::vector<crm::order<double>>{{1, t0, 1.0}, {2, t0, 2.0}, {2, t0 + hours{1}, 2.0}});
    auto b = c.serialize();
    put(b, 24 + 16, std::int64_t{0});
    CHECK(std::string(crm::customer_accumulator<double>::try_deserialize(b).error().field) == "orders");
  }
  {  // RFM: 1000 distinct purchase days between a first and a last day that are the same day
    crm::rfm_accumulator<double> a({.calibration_end = sys_days{2024y / 1 / 31}, .day_log = false});
    a.add(crm::order<double>{42, t0, 10.0});
    auto b = a.serialize();
    put(b, 24 + 22 + 8 + 8 + 16, std::uint32_t{1000});  // the customer's days
    CHECK(std::string(crm::rfm_accumulator<double>::try_deserialize(b).error().field) == "customer");
  }
  {  // periods: no orders in a period where two customers bought, one of them twice
    crm::period_accumulator<double> a({.unit = crm::period_unit::month, .first = sys_days{2024y / 1 / 1}, .periods = 2});
    a.add(std::vector<crm::order<double>>{{1, t0, 10.0}, {1, t0 + days{1}, 10.0}, {2, t0, 10.0}});
    auto b = a.serialize();
    put(b, 24 + 14, std::int64_t{2});  // period 0's orders: 3 needed (1 + 2)
    CHECK(std::string(crm::period_accumulator<double>::try_deserialize(b).error().field) == "orders");
    put(b, 24 + 14, std::int64_t{3});
    CHECK(crm::period_accumulator<double>::try_deserialize(b).has_value());
    // a first period outside 1900..2199 (found by tests/fuzz/state_fuzz.cpp: at the ends of int32 it
    // overflowed in period_start, UB that UBSan reports; now refused before its start is computed)
    for (const std::int32_t first : {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max(),
                                     std::int32_t{(1900 - 1970) * 12 - 1}, std::int32_t{(2200 - 1970) * 12}}) {
      put(b, 24 + 1, first);  // after the unit
      CHECK(std::string(crm::period_accumulator<double>::try_deserialize(b).error().field) == "first");
    }
    put(b, 24 + 1, std::int32_t{(1900 - 1970) * 12});  // 1900-01 and 2199-12: the ends of the range, read
    CHECK(crm::period_accumulator<double>::try_deserialize(b).has_value());
    put(b, 24 + 1, std::int32_t{(2200 - 1970) * 12 - 1});
    CHECK(crm::period_accumulator<double>::try_deserialize(b).has_value());
  }
  {  // spend: a channel with more spend than the total (a merge then made it inf)
    crm::spend_accumulator<double> a;
    a.add(crm::spend_record<double>{t0, 7, 1.0});
    auto b = a.serialize();
    put(b, 24 + 2 + 8 + 8 + 4, 1e308);  // unit flags, total, channel count, channel id: its spend
    CHECK(std::string(crm::spend_accumulator<double>::try_deserialize(b).error().field) == "channel");
  }
}


// A state read back may hold a count of 2^63 - 1; the next order or return of that count is refused
// (errc::overflow naming the count), the state unchanged, never a wrapped count (undefined
// behaviour), on one thread and in crm::add_parallel's two-phase add. Byte offsets: the 24-byte frame,
// then the payloads of write_payload (order totals: revenue, returned, orders, returns; repeat
// purchases: orders, returns; RFM: calibration day, holdout flag, end day, unit, day-log flag,
// returns; periods: unit, first, periods, inactive periods, flags, then per period orders, returns,
// revenue).
TEST_CASE("serialize: one more order or return past 2^63 - 1 read back is refused, the state unchanged", "[aggregate][serialize]") {
  constexpr std::uint64_t most = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const auto t = crm::to_time(sys_days{2024y / 3 / 1});
  const crm::order<double> purchase{.customer = 7, .time = t, .amount = 5.0}, refund{.customer = 7, .time = t, .amount = -2.0};
  // acc's count at `at` (which must hold `now`) set to 2^63 - 1, through its bytes
  const auto full = [&](const auto& acc, std::size_t at, std::uint64_t now) {
    std::vector<std::byte> b = acc.serialize();
    REQUIRE(rd64(b, at) == now);
    crm_test::put_le(b, at, most);
    reseal(b);
    auto r = std::remove_cvref_t<decltype(acc)>::try_deserialize(b);
    REQUIRE(r);
    return *r;
  };
  // the record refused alone, in a batch (skip) and, with a round of >= 2 x 65 536 records, by add_parallel
  const auto refused = [&](auto acc, const crm::order<double>& bad, const char* field) {
    INFO(acc.name << " " << field);
    const auto before = acc;
    const crm::error_info e = acc.try_add(bad);
    CHECK(e.code == crm::errc::overflow);
    CHECK(std::string(e.field) == field);
    CHECK(acc == before);
    std::vector<crm::order<double>> batch(140'000, bad.amount < 0 ? purchase : refund);
    batch[70'001] = bad;
    const crm::add_report one = acc.try_add(std::span<const crm::order<double>>(batch), crm::on_bad_record::skip);
    CHECK(one.rejected == 1);
    CHECK(one.first_rejections[0].index == 70'001);
    // two threads: the record is in the second half, which is counted apart from the full count
    // and merged into it, so the merge fails (documented at try_add_parallel: overflow for the batch)
    auto acc2 = before;
    const auto two = crm::try_add_parallel(acc2, std::span<const crm::order<double>>(batch), {.threads = 2, .policy = crm::on_bad_record::skip});
    REQUIRE(!two);
    CHECK(two.error().code == crm::errc::overflow);
    CHECK(std::string(two.error().field) == field);
    // ... and in the first half it is the one thread's report and state
    std::swap(batch[70'001], batch[3]);
    auto one_first = before;
    auto acc3 = before;
    const crm::add_report r1 = one_first.try_add(std::span<const crm::order<double>>(batch), crm::on_bad_record::skip);
    const auto r3 = crm::try_add_parallel(acc3, std::span<const crm::order<double>>(batch), {.threads = 2, .policy = crm::on_bad_record::skip});
    REQUIRE(r3);
    CHECK(r3->rejected == 1);
    CHECK(r3->used == r1.used);
    CHECK(r3->first_rejections[0].index == 3);
    CHECK(r3->first_rejections[0].index == r1.first_rejections[0].index);
    CHECK(acc3 == one_first);
  };
  crm::order_totals_accumulator<double> totals;
  totals.add(std::vector<crm::order<double>>{purchase, purchase, refund});
  refused(full(totals, 24 + 16, 2), purchase, "orders");
  refused(full(totals, 24 + 24, 1), refund, "returns");
  crm::customer_accumulator<double> customers;
  customers.add(std::vector<crm::order<double>>{purchase, refund});
  refused(full(customers, 24 + 24, 1), refund, "returns");
  crm::repeat_purchase_accumulator<double> repeat;
  repeat.add(std::vector<crm::order<double>>{purchase, refund});
  refused(full(repeat, 24 + 8, 1), refund, "returns");
  crm::rfm_accumulator<double> rfm({.calibration_end = sys_days{2024y / 12 / 31}});
  rfm.add(std::vector<crm::order<double>>{purchase, refund});
  refused(full(rfm, 24 + 14, 1), refund, "returns");
  crm::period_accumulator<double> periods({.unit = crm::period_unit::month, .first = sys_days{2024y / 1 / 1}, .periods = 12});
  periods.add(std::vector<crm::order<double>>{purchase, refund});
  const std::size_t march = 24 + 14 + 2 * 24;  // the third period's orders, then its returns
  refused(full(periods, march, 1), purchase, "orders");
  refused(full(periods, march + 8, 1), refund, "returns");
}

namespace {
unsigned rd16(const std::vector<std::byte>& b, std::size_t at) {
  return std::to_integer<unsigned>(b[at]) | (std::to_integer<unsigned>(b[at + 1]) << 8);
}
std::uint32_t rd32(const std::vector<std::byte>& b, std::size_t at) {
  return static_cast<std::uint32_t>(rd16(b, at) | (rd16(b, at + 2) << 16));
}
}  // namespace

TEMPLATE_TEST_CASE("serialize: the frame's kind, number type, digits and reserved fields are docs/aggregation.md's table",
                   "[aggregate][serialize][docs]", double, float, long double, crm::decimal50, crm::quad) {
  // docs/aggregation.md, "Serialized states", little-endian: offset 6 u16 the state kind (1 order
  // totals, 2 customers, 3 RFM, 4 periods, 5 e-mail, 6 NPS, 7 CSAT, 8 spend, 9 repeat purchases);
  // offset 8 u16 the number type (1 float, 2 double, 3 long double, 4 other); offset 10 u16
  // std::numeric_limits<T>::digits; offset 12 u32 reserved, 0. A reader outside the library (a
  // database, another language) goes by these numbers, so they are written here as the table has them.
  using T = TestType;
  const unsigned type = std::is_same_v<T, float> ? 1 : std::is_same_v<T, double> ? 2 : std::is_same_v<T, long double> ? 3 : 4;
  const auto frame = [&](const std::vector<std::byte>& b, unsigned kind, unsigned number_type, unsigned digits) {
    REQUIRE(b.size() >= 32);
    CHECK(rd16(b, 6) == kind);
    CHECK(rd16(b, 8) == number_type);
    CHECK(rd16(b, 10) == digits);
    CHECK(rd32(b, 12) == 0);
  };
  const auto digits = static_cast<unsigned>(std::numeric_limits<T>::digits);
  frame(crm::order_totals_accumulator<T>{}.serialize(), 1, type, digits);
  frame(crm::customer_accumulator<T>{}.serialize(), 2, type, digits);
  frame(crm::rfm_accumulator<T>({.calibration_end = 2023y / 6 / 30d}).serialize(), 3, type, digits);
  frame(crm::period_accumulator<T>({.first = 2023y / 1 / 1d, .periods = 3}).serialize(), 4, type, digits);
  frame(crm::email_accumulator<T>{}.serialize(), 5, type, digits);
  frame(crm::spend_accumulator<T>{}.serialize(), 8, type, digits);
  frame(crm::repeat_purchase_accumulator<T>{}.serialize(), 9, type, digits);
  // the survey tallies hold counts only and are written as double's
  frame(crm::nps_accumulator{}.serialize(), 6, 2, 53);
  frame(crm::csat_accumulator({.lowest = 1, .highest = 5, .satisfied_from = 4}).serialize(), 7, 2, 53);
}

}  // namespace aggregate_serialize_test

// A long double is stored as std::to_chars's hexadecimal text and read back with std::from_chars
// (exact). Where the standard library has no such conversions for long double (libc++: none to read,
// and its std::to_chars rounds a long double to double), the library writes the same text through
// snprintf's %La in the "C" locale and reads it with strtold_l (crm/detail/charconv.hpp). Expected
// texts: libstdc++ 12's std::to_chars(first, last, v, chars_format::hex) and glibc's %La, printed by a
// throwaway g++ 12 program on 2026-12-07 (x86-64, 64-bit significand); elsewhere the round trip.
TEST_CASE("serialize: a long double's text is the same with and without the standard library's conversions",
          "[aggregate][serialize]") {
  const auto text = [](long double v) {
    char buf[64];
    const std::to_chars_result r = crm::detail::long_double_to_hex(buf, buf + sizeof buf, v);
    REQUIRE(r.ec == std::errc{});
    return std::string(buf, r.ptr);
  };
  const auto read = [](const std::string& s) {
    long double v = -7.0L;
    const std::from_chars_result r = crm::detail::long_double_from_hex(s.data(), s.data() + s.size(), v);
    REQUIRE(r.ec == std::errc{});
    REQUIRE(r.ptr == s.data() + s.size());
    return v;
  };
  if constexpr (std::numeric_limits<long double>::digits == 64 && std::numeric_limits<long double>::max_exponent == 16384) {
    CHECK(text(1.0L) == "8p-3");
    CHECK(text(0.1L) == "c.ccccccccccccccdp-7");
    CHECK(text(-3.5L) == "-ep-2");
    CHECK(text(0.0L) == "0p+0");
    CHECK(text(-0.0L) == "-0p+0");
    CHECK(text(1.0L / 3) == "a.aaaaaaaaaaaaaabp-5");
    CHECK(text(1e-4940L) == "0.000000663278e62p-16385");  // subnormal
    CHECK(text(1e4000L) == "d.1ba8323fe558c61p+13284");
  }
  // the round trip, exact, over pseudo-random values of every exponent (subnormals included)
  std::uint64_t x = 0x2545F4914F6CDD1DULL;
  auto next = [&x] { return x ^= x << 13, x ^= x >> 7, x ^= x << 17; };
  constexpr int lo = std::numeric_limits<long double>::min_exponent - std::numeric_limits<long double>::digits,
                hi = std::numeric_limits<long double>::max_exponent - 1;
  for (int i = 0; i < 20000; ++i) {
    const long double m = static_cast<long double>(next()) / 18446744073709551616.0L;  // [0, 1), 64 random bits
    long double v = std::ldexp(m, lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1)));
    if (next() % 2) v = -v;
    CAPTURE(text(v));
    CHECK(read(text(v)) == v);
#if CRM_METRICS_FLOAT_CHARCONV && CRM_METRICS_DETAIL_C_LOCALE_CHARCONV
    // the conversions of the other standard libraries, compared here with libstdc++'s
    char buf[64];
    const std::to_chars_result c = crm::detail::c_locale_to_hex(buf, buf + sizeof buf, v);
    REQUIRE(c.ec == std::errc{});
    CHECK(std::string(buf, c.ptr) == text(v));
    long double back = -7.0L;
    const std::string s = text(v);
    const std::from_chars_result f = crm::detail::c_locale_from_hex(s.data(), s.data() + s.size(), back);
    CHECK(f.ec == std::errc{});
    CHECK(f.ptr == s.data() + s.size());
    CHECK(back == v);
#endif
  }
  CHECK(std::isinf(read("inf")));
  CHECK(std::isnan(read("nan")));
  long double v = -7.0L;
  const std::string junk = "p+3";
  CHECK(crm::detail::long_double_from_hex(junk.data(), junk.data() + junk.size(), v).ec == std::errc::invalid_argument);
  CHECK(v == -7.0L);
}

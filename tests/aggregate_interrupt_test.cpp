// crm-metrics tests: the interrupt hook of the walks over a whole state (crm/core/interrupt.hpp,
// docs/aggregation.md, "Stopping a long call"): asked about once per 4096 customers by reading,
// writing, merging and summarising a state; a hook that answers false changes no result; one that
// answers true stops the call with crm::interrupted; an interrupted table growth leaves the table as
// it was; the hook is the calling thread's only, and scoped_interrupt_hook puts the previous back.
#include <crm/aggregate.hpp>
#include <crm/core/interrupt.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <thread>
#include <vector>

#include "catch.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace aggregate_interrupt_test {

using namespace std::chrono;

namespace {
// A hook that counts its asks and answers true from ask number `stop_at` on (0: never).
struct counting_hook {
  std::size_t asks = 0;
  std::size_t stop_at = 0;
  static bool ask(void* c) noexcept {
    auto* h = static_cast<counting_hook*>(c);
    ++h->asks;
    return h->stop_at != 0 && h->asks >= h->stop_at;
  }
  crm::interrupt_hook hook() noexcept { return {&ask, this}; }
};

// 65 536 customers: at least 8 asks per walk (one per 8192 at most), so a call stopped at the third
// ask stops well inside it (200 000 took 28 s of the clang preset's ctest under the sanitizers).
constexpr std::uint64_t customers = 65536;

// Orders of `customers` customers, two or three purchase days each (days out of order: the RFM day
// log is used), over 2023.
std::vector<crm::order<double>> orders() {
  std::vector<crm::order<double>> v;
  const sys_days start = 2023y / 1 / 1d;
  for (std::uint64_t i = 0; i < 5 * customers / 2; ++i) {
    const auto day = start + days{static_cast<long long>(i * 7919 % 360)};
    v.push_back({.customer = (i % customers) * 0x9E3779B97F4A7C15ULL + 1, .time = crm::to_time(day), .amount = double(1 + i % 7)});
  }
  return v;
}

crm::rfm_accumulator<double> rfm_of(std::span<const crm::order<double>> v) {
  crm::rfm_accumulator<double> a({.calibration_end = 2023y / 12 / 31d, .time_unit = days{7}});
  a.add(v);
  return a;
}
crm::period_accumulator<double> periods_of(std::span<const crm::order<double>> v) {
  crm::period_accumulator<double> a({.unit = crm::period_unit::month, .first = 2023y / 1 / 1d, .periods = 12});
  a.add(v);
  return a;
}
}  // namespace

TEST_CASE("interrupt hook: a hook that never stops is asked about once per 4096 customers and changes nothing", "[interrupt]") {
  const auto log = orders();
  const auto rfm = rfm_of(log);
  const auto per = periods_of(log);
  crm::customer_accumulator<double> ord;
  ord.add(log);
  // without a hook
  const auto rows = rfm.rows();
  const auto rfm_bytes = rfm.serialize(), per_bytes = per.serialize(), ord_bytes = ord.serialize();
  const auto stats = per.stats();
  REQUIRE(rows.size() == customers);

  counting_hook h;
  const crm::scoped_interrupt_hook guard(h.hook());
  const auto asked = [&h](auto&& call) {
    h.asks = 0;
    call();
    return h.asks;
  };
  // once per 4096 records read, or per part of the table (at most 8192 slots): at least every 8192
  const std::size_t least = customers / 8192;
  CHECK(asked([&] { CHECK(rfm.rows() == rows); }) >= least);
  CHECK(asked([&] { CHECK((rfm.serialize() == rfm_bytes)); }) >= least);
  CHECK(asked([&] { CHECK(*crm::rfm_accumulator<double>::try_deserialize(rfm_bytes) == rfm); }) >= least);
  CHECK(asked([&] { CHECK((per.serialize() == per_bytes)); }) >= least);
  CHECK(asked([&] { CHECK(*crm::period_accumulator<double>::try_deserialize(per_bytes) == per); }) >= least);
  CHECK(asked([&] { CHECK(per.stats().size() == stats.size()); }) >= least);
  CHECK(asked([&] { CHECK((ord.serialize() == ord_bytes)); }) >= least);
  CHECK(asked([&] { CHECK(ord.repeat().customers == static_cast<crm::count_t>(customers)); }) >= least);
  // merges: the same state as without a hook
  auto m = rfm_of(std::span(log).first(log.size() / 2));
  const auto rest = rfm_of(std::span(log).subspan(log.size() / 2));
  CHECK(asked([&] { CHECK(!m.try_merge_serialized(rest.serialize())); }) >= least);
  CHECK(m.rows() == rows);
  auto p = periods_of(std::span(log).first(log.size() / 3));
  const auto prest = periods_of(std::span(log).subspan(log.size() / 3));
  CHECK(asked([&] { CHECK(!p.try_merge(prest)); }) >= least);
  CHECK(p == per);
}

TEST_CASE("interrupt hook: a hook that answers true stops the walk with crm::interrupted", "[interrupt]") {
  const auto log = orders();
  const auto rfm = rfm_of(log);
  const auto per = periods_of(log);
  crm::customer_accumulator<double> ord;
  ord.add(log);
  const auto rfm_bytes = rfm.serialize(), per_bytes = per.serialize(), ord_bytes = ord.serialize();

  counting_hook h;
  const crm::scoped_interrupt_hook guard(h.hook());
  // each call stops at the hook's third ask: well inside the walk (at least 8 asks each, above)
  const auto stops = [&h](auto&& call) {
    h.asks = 0;
    h.stop_at = 3;
    bool stopped = false;
    try {
      call();
    } catch (const crm::interrupted&) {
      stopped = true;
    }
    h.stop_at = 0;
    return stopped && h.asks == 3;
  };
  CHECK(stops([&] { (void)rfm.rows(); }));
  CHECK(stops([&] { (void)rfm.model_rows(); }));
  CHECK(stops([&] { (void)rfm.spend_rows(); }));
  CHECK(stops([&] { (void)rfm.serialize(); }));
  CHECK(stops([&] { (void)crm::rfm_accumulator<double>::try_deserialize(rfm_bytes); }));  // the try_ form too
  CHECK(stops([&] { (void)per.cohorts(); }));
  CHECK(stops([&] { (void)per.stats(); }));
  CHECK(stops([&] { (void)crm::period_accumulator<double>::try_deserialize(per_bytes); }));
  CHECK(stops([&] { (void)ord.repeat(); }));
  CHECK(stops([&] { (void)ord.gaps(); }));
  CHECK(stops([&] { (void)crm::customer_accumulator<double>::try_deserialize(ord_bytes); }));
  auto m = rfm_of(std::span(log).first(log.size() / 2));
  CHECK(stops([&] { (void)m.try_merge_serialized(rfm_bytes); }));
  auto p = periods_of(std::span(log).first(log.size() / 2));
  CHECK(stops([&] { (void)p.try_merge(per); }));
  // rows() on four threads: the calling thread asks (the others have no hook) and the call stops
  CHECK(stops([&] { (void)rfm.rows(crm::parallel_options{.threads = 4, .min_records_per_thread = 1}); }));
  // the accumulators the stopped calls only read are whole
  CHECK((rfm.serialize() == rfm_bytes));
}

TEST_CASE("interrupt hook: an interrupted growth of a customer table leaves it as it was", "[interrupt]") {
  crm::customer_table<std::uint32_t> t;
  for (std::uint32_t i = 1; i <= 100000; ++i) *t.try_emplace(i * 0x9E3779B97F4A7C15ULL).first = i;
  counting_hook h;
  h.stop_at = 2;
  {
    const crm::scoped_interrupt_hook guard(h.hook());
    CHECK_THROWS_AS(t.reserve(4000000), crm::interrupted);  // a rebuild into one larger array
  }
  CHECK(h.asks == 2);
  REQUIRE(t.size() == 100000);
  bool all = true;
  for (std::uint32_t i = 1; i <= 100000; ++i) {
    const std::uint32_t* v = t.find(i * 0x9E3779B97F4A7C15ULL);
    all = all && v != nullptr && *v == i;
  }
  CHECK(all);
  t.reserve(4000000);  // no hook now: it grows
  CHECK(t.size() == 100000);
}

TEST_CASE("interrupt hook: the calling thread's own, and put back by scoped_interrupt_hook", "[interrupt]") {
  const auto log = orders();
  const auto rfm = rfm_of(log);
  counting_hook outer, inner;
  outer.stop_at = 1;  // would stop at once
  const crm::interrupt_hook before = crm::set_interrupt_hook(outer.hook());
  CHECK(before.stop == nullptr);  // none by default
  {
    const crm::scoped_interrupt_hook guard(inner.hook());  // never stops
    CHECK(rfm.rows().size() == customers);
    CHECK(inner.asks > 0);
    CHECK(outer.asks == 0);
  }
  // another thread has no hook: its walk runs to the end
  std::size_t rows_there = 0;
  std::thread([&] { rows_there = rfm.rows().size(); }).join();
  CHECK(rows_there == customers);
  CHECK(outer.asks == 0);
  // the outer hook is back
  CHECK_THROWS_AS(rfm.rows(), crm::interrupted);
  CHECK(outer.asks == 1);
  const crm::interrupt_hook replaced = crm::set_interrupt_hook(before);
  CHECK(replaced.context == &outer);
  CHECK(rfm.rows().size() == customers);
}

}  // namespace aggregate_interrupt_test

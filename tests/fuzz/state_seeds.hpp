// crm-metrics fuzz seeds: one real state of every case of tests/fuzz/state_fuzz.cpp, as its input
// (the case byte, then the payload without its frame), so that the fuzzer and the replay test start
// from states with customers, days, periods, campaigns and gaps in them.
#pragma once

#include <crm/aggregate.hpp>
#include <crm/multiprecision.hpp>

#include <chrono>
#include <cstdint>
#include <vector>

namespace crm_fuzz {

using decimal = boost::multiprecision::cpp_dec_float_50;
using bytes = std::vector<std::uint8_t>;

inline bytes seed_of(std::uint8_t which, const std::vector<std::byte>& state) {
  bytes s{which};
  constexpr std::size_t header = crm::detail::state_header_size, trailer = crm::detail::state_trailer_size;
  for (std::size_t i = header; i + trailer < state.size(); ++i) s.push_back(std::to_integer<std::uint8_t>(state[i]));
  return s;
}

template <class T>
std::vector<crm::order<T>> seed_orders() {
  using namespace std::chrono;
  std::vector<crm::order<T>> v;
  const sys_days d0 = sys_days{year{2024} / 1 / 1};
  for (int i = 0; i < 40; ++i) {
    const auto day = d0 + days{(i * 37) % 300};
    v.push_back({.customer = static_cast<crm::customer_id>(1000 + (i * 7) % 13), .time = sys_seconds{day} + seconds{i * 61},
                 .amount = T(10 + (i % 5)) / T(4) * T(i % 9 == 0 ? -1 : 1), .channel = static_cast<crm::tag_id>(i % 3),
                 .campaign = static_cast<crm::tag_id>(i % 2)});
  }
  return v;
}

template <class T, class Acc>
std::vector<std::byte> with_orders(Acc a) {
  (void)a.try_add(std::span<const crm::order<T>>(seed_orders<T>()), crm::on_bad_record::skip);
  return a.serialize();
}

inline crm::rfm_options seed_rfm_options() {
  using namespace std::chrono;
  return {.calibration_end = sys_days{year{2024} / 6 / 30}, .observation_end = sys_days{year{2024} / 12 / 31}, .time_unit = days{7}};
}
inline crm::period_options seed_period_options() {
  using namespace std::chrono;
  return {.unit = crm::period_unit::month, .first = sys_days{year{2024} / 1 / 1}, .periods = 12, .inactive_periods = 2,
          .cohort_revenue = true, .gaps = true};
}

template <class T>
std::vector<std::byte> email_state() {
  using namespace std::chrono;
  crm::email_accumulator<T> a;
  std::vector<crm::email_event<T>> ev;
  for (int i = 0; i < 30; ++i)
    ev.push_back({.recipient = static_cast<crm::customer_id>(i % 7), .campaign = static_cast<crm::tag_id>(1 + i % 3),
                  .kind = static_cast<crm::email_event_kind>(i % 9), .time = sys_seconds{sys_days{year{2024} / 3 / 1}} + seconds{i},
                  .revenue = i % 9 == 8 ? T(12) : T(0)});
  (void)a.try_add(std::span<const crm::email_event<T>>(ev), crm::on_bad_record::skip);
  return a.serialize();
}

template <class Acc>
std::vector<std::byte> survey_state(Acc a) {
  using namespace std::chrono;
  std::vector<crm::survey_answer> v;
  for (int i = 0; i < 25; ++i) v.push_back({.respondent = static_cast<crm::customer_id>(i), .time = sys_seconds{sys_days{year{2024} / 1 / 1}}, .score = i % 11});
  (void)a.try_add(std::span<const crm::survey_answer>(v), crm::on_bad_record::skip);
  return a.serialize();
}

template <class T>
std::vector<std::byte> spend_state() {
  using namespace std::chrono;
  crm::spend_accumulator<T> a(crm::period_unit::month);
  std::vector<crm::spend_record<T>> v;
  for (int i = 0; i < 12; ++i)
    v.push_back({.time = sys_seconds{sys_days{year{2024} / 1 / 1} + days{i * 31}}, .channel = static_cast<crm::tag_id>(i % 4), .amount = T(100 + i)});
  (void)a.try_add(std::span<const crm::spend_record<T>>(v), crm::on_bad_record::skip);
  return a.serialize();
}

/// One seed per case of state_fuzz.cpp (case byte = index).
inline std::vector<bytes> state_seeds() {
  return {
      seed_of(0, with_orders<double>(crm::order_totals_accumulator<double>{})),
      seed_of(1, with_orders<double>(crm::customer_accumulator<double>{})),
      seed_of(2, with_orders<double>(crm::repeat_purchase_accumulator<double>{})),
      seed_of(3, with_orders<double>(crm::rfm_accumulator<double>(seed_rfm_options()))),
      seed_of(4, with_orders<double>(crm::period_accumulator<double>(seed_period_options()))),
      seed_of(5, email_state<double>()),
      seed_of(6, survey_state(crm::nps_accumulator{})),
      seed_of(7, survey_state(crm::csat_accumulator{})),
      seed_of(8, spend_state<double>()),
      seed_of(9, with_orders<decimal>(crm::order_totals_accumulator<decimal>{})),
      seed_of(10, with_orders<decimal>(crm::rfm_accumulator<decimal>(seed_rfm_options()))),
      seed_of(11, with_orders<decimal>(crm::period_accumulator<decimal>(seed_period_options()))),
      seed_of(12, with_orders<float>(crm::customer_accumulator<float>{})),
      seed_of(13, email_state<long double>()),
      seed_of(14, spend_state<decimal>()),
      seed_of(15, with_orders<decimal>(crm::customer_accumulator<decimal>{})),
  };
}

}  // namespace crm_fuzz

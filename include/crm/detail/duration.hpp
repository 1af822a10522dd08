// crm-metrics: averages of std::chrono durations shared by the service and engagement metrics.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/metrics.hpp>
#pragma once

#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>

#include <chrono>
#include <ranges>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE

namespace detail {

template <class D>
inline constexpr bool is_duration_v = false;
template <class Rep, class Period>
inline constexpr bool is_duration_v<std::chrono::duration<Rep, Period>> = true;

/// The representation of an average of durations: Rep when it is a crm::number, else double.
template <class Rep>
using average_rep_t = std::conditional_t<number<Rep>, Rep, double>;

/// An average duration in the unit of the input.
template <class Rep, class Period>
using average_duration_t = std::chrono::duration<average_rep_t<Rep>, Period>;

/// The fast check behind ok() of the duration inputs: total finite and >= 0, count > 0.
template <class Rep, class Period>
[[nodiscard]] constexpr bool duration_total_ok(std::chrono::duration<Rep, Period> total, count_t count) noexcept(
    std::is_arithmetic_v<average_rep_t<Rep>>) {
  return fast_non_negative(static_cast<average_rep_t<Rep>>(total.count())) && count > 0;
}

/// total / count, both checked: total finite and >= 0, count > 0.
template <class Rep, class Period>
[[nodiscard]] constexpr result<average_duration_t<Rep, Period>> mean_duration(
    const char* metric, const char* total_field, std::chrono::duration<Rep, Period> total, const char* count_field,
    count_t count) noexcept(std::is_arithmetic_v<average_rep_t<Rep>>) {
  using R = average_rep_t<Rep>;
  const R t = static_cast<R>(total.count());
  if (auto e = first_error({check_non_negative(metric, total_field, t), check_count_positive(metric, count_field, count)}))
    return e;
  return average_duration_t<Rep, Period>{divide_by_count(t, count)};
}

/// The mean of a range of durations, each finite and >= 0; the range must not be empty. A sum beyond
/// the representation is errc::overflow (a single pass: the range may be an input range).
template <class Range>
[[nodiscard]] constexpr auto mean_duration_of(const char* metric, const char* field, const Range& durations) {
  using D = std::ranges::range_value_t<Range>;
  using R = average_rep_t<typename D::rep>;
  using out = std::chrono::duration<R, typename D::period>;
  R sum = number_traits<R>::zero();
  count_t n = 0;
  for (const D& d : durations) {
    const R v = static_cast<R>(d.count());
    if (auto e = check_non_negative(metric, field, v)) return result<out>(e);
    sum += v;
    ++n;
  }
  if (n == 0) return result<out>(error_info{errc::empty_input, metric, field});
  if (!fast_finite(sum)) return result<out>(overflow_error(metric, field, "their sum exceeds the number type"));
  return result<out>(out{divide_by_count(sum, n)});
}

}  // namespace detail

/// A range of std::chrono::duration values (std::span, std::vector, std::array, ...).
template <class Range>
concept duration_range = std::ranges::input_range<Range> && detail::is_duration_v<std::ranges::range_value_t<Range>>;

CRM_METRICS_END_NAMESPACE

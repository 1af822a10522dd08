// crm-metrics: input validation shared by every metric.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/metrics.hpp>
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>

#include <initializer_list>
#include <limits>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

template <number T>
[[nodiscard]] constexpr error_info check_finite(const char* metric, const char* field, const T& v) {
  if (!number_traits<T>::is_finite(v)) return {errc::not_finite, metric, field};
  return {};
}

/// Finite and >= 0 (money, durations, amounts).
template <number T>
[[nodiscard]] constexpr error_info check_non_negative(const char* metric, const char* field, const T& v) {
  if (!number_traits<T>::is_finite(v)) return {errc::not_finite, metric, field};
  if (v < number_traits<T>::zero()) return {errc::negative, metric, field};
  return {};
}

/// Finite and > 0 (divisors).
template <number T>
[[nodiscard]] constexpr error_info check_positive(const char* metric, const char* field, const T& v) {
  if (!number_traits<T>::is_finite(v)) return {errc::not_finite, metric, field};
  if (v < number_traits<T>::zero()) return {errc::negative, metric, field};
  if (v == number_traits<T>::zero()) return {errc::zero_denominator, metric, field};
  return {};
}

[[nodiscard]] constexpr error_info check_count(const char* metric, const char* field, count_t n) noexcept {
  if (n < 0) return {errc::negative, metric, field};
  return {};
}

/// A count used as a divisor: > 0.
[[nodiscard]] constexpr error_info check_count_positive(const char* metric, const char* field, count_t n) noexcept {
  if (n < 0) return {errc::negative, metric, field};
  if (n == 0) return {errc::zero_denominator, metric, field};
  return {};
}

/// part <= whole; `relation` names both, e.g. "opens > delivered".
template <class A>
[[nodiscard]] constexpr error_info check_part(const char* metric, const char* relation, const A& part, const A& whole) {
  if (whole < part) return {errc::part_exceeds_whole, metric, relation};
  return {};
}

/// A fraction in [0, 1].
template <number T>
[[nodiscard]] constexpr error_info check_unit_interval(const char* metric, const char* field, const T& v) {
  if (!number_traits<T>::is_finite(v)) return {errc::not_finite, metric, field};
  if (v < number_traits<T>::zero() || number_traits<T>::one() < v) return {errc::out_of_range, metric, field, "must lie in [0, 1]"};
  return {};
}

/// The first error of a list of checks, or ok. Checks are evaluated in order (all of them, since
/// they are plain arguments; they are cheap comparisons).
[[nodiscard]] constexpr error_info first_error(std::initializer_list<error_info> errors) noexcept {
  for (const error_info& e : errors)
    if (e) return e;
  return {};
}

// Fast paths of the checks of <crm/detail/check.hpp>, used by ok() and by the happy path of the
// try_ forms: two comparisons for built-in floating point (NaN fails every comparison, an infinity
// fails the bound), the full checks for other number types. Whenever a fast path fails, the try_
// forms run the full checks, so every error is reported the same way. A fast path may be stricter
// than the full checks, never looser.
template <number T>
[[nodiscard]] constexpr bool fast_non_negative(const T& v) noexcept(std::is_arithmetic_v<T>) {
  if constexpr (std::is_floating_point_v<T>)
    return (v >= T(0)) && (v <= std::numeric_limits<T>::max());
  else
    return number_traits<T>::is_finite(v) && !(v < number_traits<T>::zero());
}
template <number T>
[[nodiscard]] constexpr bool fast_positive(const T& v) noexcept(std::is_arithmetic_v<T>) {
  if constexpr (std::is_floating_point_v<T>)
    return (v > T(0)) && (v <= std::numeric_limits<T>::max());
  else
    return number_traits<T>::is_finite(v) && number_traits<T>::zero() < v;
}
template <number T>
[[nodiscard]] constexpr bool fast_finite(const T& v) noexcept(std::is_arithmetic_v<T>) {
  if constexpr (std::is_floating_point_v<T>)
    return (v >= std::numeric_limits<T>::lowest()) && (v <= std::numeric_limits<T>::max());
  else
    return number_traits<T>::is_finite(v);
}
template <number T>
[[nodiscard]] constexpr bool fast_unit_interval(const T& v) noexcept(std::is_arithmetic_v<T>) {
  if constexpr (std::is_floating_point_v<T>)
    return (v >= T(0)) && (v <= T(1));
  else
    return number_traits<T>::is_finite(v) && !(v < number_traits<T>::zero()) && !(number_traits<T>::one() < v);
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE

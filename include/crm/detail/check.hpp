// crm-metrics: input validation shared by every metric.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/metrics.hpp>
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>

#include <initializer_list>

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

}  // namespace detail
CRM_METRICS_END_NAMESPACE

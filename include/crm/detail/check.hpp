// crm-metrics: input validation shared by every metric.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/metrics.hpp>
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>

#include <array>
#include <concepts>
#include <cstddef>
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

/// part <= whole. `field` names the part, `detail` the relation in words, e.g. field "opens",
/// detail "must not exceed delivered": "crm::open_rate: opens is larger than its whole (must not
/// exceed delivered)".
template <class A>
[[nodiscard]] constexpr error_info check_part(const char* metric, const char* field, const A& part, const A& whole,
                                              const char* detail) {
  if (whole < part) return {errc::part_exceeds_whole, metric, field, detail};
  return {};
}

/// true when a + b does not fit count_t (then a + b must not be evaluated: signed overflow).
[[nodiscard]] constexpr bool sum_overflows(count_t a, count_t b) noexcept {
  return b > 0 ? a > std::numeric_limits<count_t>::max() - b : a < std::numeric_limits<count_t>::min() - b;
}

/// errc::overflow for a value computed from finite inputs that is not finite: `field` is "result"
/// or the sum that overflowed, `detail` the expression, e.g. "revenue / cost is too large".
[[nodiscard]] constexpr error_info overflow_error(const char* metric, const char* field, const char* detail) noexcept {
  return {errc::overflow, metric, field, detail};
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

/// The product of finite factors >= 0, multiplied in an order that overflows only when the
/// product itself does: while the running product is at least 1 the smallest factor left comes
/// next, below 1 the largest (so 1e200 * 1e200 * 1e-300 gives 1e100, not infinity). A zero factor
/// gives zero, never 0 * inf = NaN.
template <number T, std::size_t N>
[[nodiscard]] constexpr T ordered_product(std::array<T, N> f) {
  for (std::size_t i = 1; i < N; ++i)  // insertion sort: N is 3 or 4
    for (std::size_t j = i; j > 0 && f[j] < f[j - 1]; --j) {
      T t = f[j];
      f[j] = f[j - 1];
      f[j - 1] = t;
    }
  std::size_t lo = 0;
  std::size_t hi = N;
  T p = number_traits<T>::one();
  while (lo < hi) p = number_traits<T>::one() < p || p == number_traits<T>::one() ? T(p * f[lo++]) : T(p * f[--hi]);
  return p;
}

/// first * rest... for finite factors >= 0: the plain left-to-right product, and only when that is
/// not finite (an overflowing intermediate or result) or below the smallest normal value of T (an
/// intermediate that underflowed: 1e-200 * 1e-200 * 1e300 was 0, not 1e-100) the ordered product
/// above. The result is not finite only when the product overflows T, and 0 only when a factor is
/// 0 or the product itself is below what T can hold.
template <number T, class... F>
  requires(std::same_as<F, T> && ...)
[[nodiscard]] constexpr T product_of_non_negative(const T& first, const F&... rest) noexcept(std::is_arithmetic_v<T>) {
  T p = first;
  ((p = T(p * rest)), ...);
  if (number_traits<T>::is_finite(p) && !(p < std::numeric_limits<T>::min())) [[likely]]
    return p;
  return ordered_product<T, 1 + sizeof...(F)>({first, rest...});
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

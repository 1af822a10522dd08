// crm-metrics: the number concept every metric is templated on, and its traits.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Customization point: crm::number_traits<T> (zero, one, is_exact, is_finite). Specialize it for a
// number type that is not a built-in floating-point type; <crm/multiprecision.hpp> does so for
// Boost.Multiprecision.
#pragma once

#include <crm/core/config.hpp>

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE

/// Traits of a number type used for money and rates. The primary template serves every type
/// for which std::numeric_limits is specialized (built-in floating point, Boost.Multiprecision).
template <class T>
struct number_traits {
  static constexpr T zero() noexcept(std::is_arithmetic_v<T>) { return T(0); }
  static constexpr T one() noexcept(std::is_arithmetic_v<T>) { return T(1); }
  /// true when decimal fractions such as 0.10 are represented exactly (decimal types).
  static constexpr bool is_exact = std::numeric_limits<T>::is_exact || std::numeric_limits<T>::radix == 10;
  /// Finite check usable in constant expressions for built-in types.
  static constexpr bool is_finite(const T& v) noexcept(std::is_arithmetic_v<T>) {
    if constexpr (std::is_floating_point_v<T>) {
      // NaN != NaN; |inf| > max. Both are constexpr-friendly, unlike std::isfinite before C++23.
      return v == v && v <= std::numeric_limits<T>::max() && v >= std::numeric_limits<T>::lowest();
    } else if constexpr (std::numeric_limits<T>::has_infinity || std::numeric_limits<T>::has_quiet_NaN) {
      using std::isfinite;
      return static_cast<bool>(isfinite(v));
    } else {
      return true;
    }
  }
};

/// A number type usable for money and rates: ordered field arithmetic, constructible from int.
/// Integers are rejected on purpose: a rate computed in an integer type truncates to zero.
template <class T>
concept number = std::numeric_limits<T>::is_specialized && !std::numeric_limits<T>::is_integer &&
                 std::constructible_from<T, int> && requires(const T& a, const T& b) {
                   { a + b } -> std::convertible_to<T>;
                   { a - b } -> std::convertible_to<T>;
                   { a * b } -> std::convertible_to<T>;
                   { a / b } -> std::convertible_to<T>;
                   { a < b } -> std::convertible_to<bool>;
                   { a == b } -> std::convertible_to<bool>;
                 };

/// Counts (customers, orders, e-mails). Signed on purpose: a negative count read from a database
/// or a subtraction is caught and reported by the metric, where an unsigned type would wrap silently.
using count_t = long long;

/// Converts a count to T explicitly (house rule: never divide two integers).
template <number T>
[[nodiscard]] constexpr T to_number(count_t n) noexcept(std::is_arithmetic_v<T>) {
  return T(n);
}

CRM_METRICS_END_NAMESPACE

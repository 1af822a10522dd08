// crm-metrics: the number concept every metric is templated on, and its traits.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Customization point: crm::number_traits<T> (zero, one, is_exact, is_finite, divide). The primary
// template serves built-in floating point and Boost.Multiprecision as they are; specialize it for
// another number type (docs/how-to/custom-number-types.md).
#pragma once

#include <crm/core/config.hpp>

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <numeric>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE

/// Counts (customers, orders, e-mails). Signed on purpose: a negative count read from a database
/// or a subtraction is caught and reported by the metric, where an unsigned type would wrap silently.
using count_t = long long;

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
  /// x / n for a count n > 0: how every metric divides a value by a count. A type that divides by
  /// an integer directly (`x /= n`, as Boost.Multiprecision numbers do) does so; that is exact
  /// whenever the quotient terminates within the precision of T (cpp_dec_float_50: 0.30 / 3 gives
  /// exactly 0.10, where 0.30 / T(3) multiplies by a rounded reciprocal and gives 0.0999...9).
  /// Other types divide by T(n).
  static constexpr T divide(const T& x, count_t n) noexcept(std::is_arithmetic_v<T>) {
    if constexpr (std::is_arithmetic_v<T>) {
      return x / static_cast<T>(n);
    } else if constexpr (requires(T& r, count_t k) { r /= k; }) {
      T r(x);
      if constexpr (std::numeric_limits<T>::radix == 10)
        divide_decimal_in_steps(r, n);
      else
        r /= n;
      return r;
    } else {
      return x / T(n);
    }
  }

 private:
  /// cpp_dec_float divides exactly (long division) only by an integer below 10^8; above, it
  /// multiplies by a rounded reciprocal. A larger count is therefore divided in steps below 10^8:
  /// by its factors 2 and 5, by its odd factors up to 10^5, then by what is left. Each step is exact
  /// when the whole quotient terminates, so the quotient is exact whenever what is left is below
  /// 10^8 (every count below 10^8, 10^9 = 2^9 5^9, 2^63 - 1 = 7^2 73 127 337 92737 649657, ...).
  static constexpr void divide_decimal_in_steps(T& r, count_t n) {
    constexpr count_t step = 100'000'000;
    if (n < step) {
      r /= n;
      return;
    }
    count_t left = n;
    count_t pending = 1;  // product of factors taken out and not yet divided by, below step
    const auto take = [&](count_t f) {
      if (pending > step / f) {
        r /= pending;
        pending = 1;
      }
      pending *= f;
      left /= f;
    };
    while (left % 2 == 0) take(2);
    while (left % 5 == 0) take(5);
    for (count_t d = 3; left >= step && d <= 100'000 && d <= left / d; d += 2)
      while (left % d == 0) take(d);
    if (pending > 1) r /= pending;
    if (left > 1) r /= left;
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

/// Converts a count to T explicitly (house rule: never divide two integers).
template <number T>
[[nodiscard]] constexpr T to_number(count_t n) noexcept(std::is_arithmetic_v<T>) {
  return T(n);
}

/// x / n for a count n > 0 through number_traits<T>::divide; a specialization of number_traits
/// written before divide existed (without it) gets x / T(n).
template <number T>
[[nodiscard]] constexpr T divide_by_count(const T& x, count_t n) noexcept(std::is_arithmetic_v<T>) {
  if constexpr (requires { number_traits<T>::divide(x, n); })
    return number_traits<T>::divide(x, n);
  else
    return x / T(n);
}

/// The ratio of two counts, a / b with b > 0, computed as divide_by_count(T(a), b): exact in a
/// decimal type whenever the ratio terminates (30 of 300 is exactly 0.1). A decimal type divides
/// the reduced fraction: a / b terminates exactly when b / gcd(a, b) has no prime factor but 2 and 5,
/// and divide_by_count divides by those exactly at any size (1 000 000 007 of 2 000 000 014 is
/// exactly 0.5; unreduced, the left-over factor 1 000 000 007 was divided by a rounded reciprocal).
template <number T>
[[nodiscard]] constexpr T count_ratio(count_t a, count_t b) noexcept(std::is_arithmetic_v<T>) {
  if constexpr (!std::is_arithmetic_v<T> && std::numeric_limits<T>::radix == 10) {
    if (a != std::numeric_limits<count_t>::min()) {  // gcd takes |a|
      const count_t g = std::gcd(a, b);            // b > 0, so g > 0
      return divide_by_count(to_number<T>(a / g), b / g);
    }
  }
  return divide_by_count(to_number<T>(a), b);
}

CRM_METRICS_END_NAMESPACE

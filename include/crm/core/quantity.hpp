// crm-metrics: result types that keep their meaning: rate, money, multiple, period_count.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// A rate is always a fraction (0.125), never a bare number that is sometimes x100; percent() gives
// 12.5 on request and the fmt formatter prints "12.5%". Money stays money. Durations measured in
// wall-clock time use std::chrono::duration<T, ...>; durations in the user's own periods (months,
// weeks: whatever the churn or margin was measured per) use crm::period_count<T>.
#pragma once

#include <crm/core/number.hpp>

#include <chrono>
#include <compare>
#include <ratio>

CRM_METRICS_BEGIN_NAMESPACE

namespace detail {
/// a <=> b for any number type: the built-in comparison where T has one, else an ordering from <
/// and == (Boost.Multiprecision 1.81 defines no operator<=>, so rate<decimal50> and
/// money<decimal50> could not be ordered); NaN compares unordered, as for double.
template <number T>
constexpr auto three_way(const T& a, const T& b) {
  if constexpr (std::three_way_comparable<T>) {
    return a <=> b;
  } else {
    if (a < b) return std::partial_ordering::less;
    if (b < a) return std::partial_ordering::greater;
    if (a == b) return std::partial_ordering::equivalent;
    return std::partial_ordering::unordered;
  }
}
}  // namespace detail

/// A share or rate as a fraction: 0.125 means 12.5 %. May exceed 1 or be negative where the metric
/// allows it (ROI, growth rates).
template <number T>
struct rate {
  T fraction{};
  /// The same rate in percent: fraction x 100 (not finite for a fraction beyond max / 100 of T).
  [[nodiscard]] constexpr T percent() const { return fraction * T(100); }
  [[nodiscard]] constexpr const T& value() const noexcept { return fraction; }
  friend constexpr bool operator==(const rate&, const rate&) = default;
  friend constexpr auto operator<=>(const rate& a, const rate& b) { return detail::three_way(a.fraction, b.fraction); }
};

/// An amount of money in the currency of the inputs.
template <number T>
struct money {
  T amount{};
  [[nodiscard]] constexpr const T& value() const noexcept { return amount; }
  friend constexpr bool operator==(const money&, const money&) = default;
  friend constexpr auto operator<=>(const money& a, const money& b) { return detail::three_way(a.amount, b.amount); }
};

/// A dimensionless ratio that is not a share: LTV:CAC = 3.2x, purchases per customer = 1.7.
template <number T>
struct multiple {
  T factor{};
  [[nodiscard]] constexpr const T& value() const noexcept { return factor; }
  friend constexpr bool operator==(const multiple&, const multiple&) = default;
  friend constexpr auto operator<=>(const multiple& a, const multiple& b) { return detail::three_way(a.factor, b.factor); }
};

/// A length of time counted in the caller's own period (the period churn, margin or frequency was
/// measured per: a month, a week, a year).
template <number T>
struct period_count {
  T count{};
  [[nodiscard]] constexpr const T& value() const noexcept { return count; }
  friend constexpr bool operator==(const period_count&, const period_count&) = default;
  friend constexpr auto operator<=>(const period_count& a, const period_count& b) { return detail::three_way(a.count, b.count); }
};

/// Wall-clock durations with a number-type representation.
template <number T>
using seconds = std::chrono::duration<T>;
template <number T>
using hours = std::chrono::duration<T, std::ratio<3600>>;
template <number T>
using days = std::chrono::duration<T, std::ratio<86400>>;

CRM_METRICS_END_NAMESPACE

// crm-metrics: fmt formatters for the statistics results: "12.5% [11.8%, 13.2%] 95% CI".
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Format spec: [[fill]align][width][.precision]; the precision applies to the estimate and both limits,
// the width to the whole text (right-aligned by default); the level prints with as many decimals as it
// has (up to 10, more only where 10 would show 100 or 0; "99.999% CI", never a rounded "100% CI"):
//   rate_estimate  "{}"    -> "30.8% [25.53%, 36.62%] 95% CI"  (percent, up to 2 decimals, trailing 0s trimmed)
//                  "{:.1}" -> "30.8% [25.5%, 36.6%] 95% CI"    (exactly 1 decimal)
//   value_estimate "{}"    -> "45 [30.5, 59.5] 95% CI"         (NPS points, a mean in data units)
//                  "{:.2}" -> "45.00 [30.50, 59.50] 95% CI"
// (Wilson interval of 81 of 263; nps_interval of 60 / 25 / 15: tests/statistics_format_test.cpp
// checks these lines.)
// Works for every number type crm/format.hpp can render (built-in floating point; Boost
// multiprecision with <crm/multiprecision.hpp>).
#pragma once

#include <crm/format.hpp>
#include <crm/statistics/estimate.hpp>

#include <fmt/format.h>

#include <limits>
#include <string>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

template <class Q>
struct is_rate : std::false_type {};
template <class T>
struct is_rate<rate<T>> : std::true_type {};

/// A confidence level in percent with `decimals` digits after the point, trailing zeros trimmed:
/// the fraction's own digits with the point moved two places (the fraction times 100 may round to
/// 100: 0.99999999999999989 x 100 is 100 in double), and with the fewest more digits that make the
/// text neither "100" for a level below 1 nor "0" for one above 0 (0.9999999999999 printed "100",
/// 1e-13 "0").
template <class T>
[[nodiscard]] std::string level_percent_text(const T& level, int decimals) {
  const auto shifted = [&](int d) -> std::string {
    std::string s = to_fixed(level, d + 2);
    const std::size_t dot = s.find('.');
    if (dot == std::string::npos) return trim_zeros(to_fixed(T(level * T(100)), d));  // nan, inf
    s.erase(dot, 1);
    s.insert(dot + 2, 1, '.');
    const std::size_t first = s.front() == '-' ? 1 : 0;  // "095.0" -> "95.0", "000.1" -> "0.1"
    while (s.size() > first + 1 && s[first] == '0' && s[first + 1] != '.') s.erase(first, 1);
    return trim_zeros(std::move(s));
  };
  // one more decimal at a time (the fewest that show the level), past 64 doubling: the smallest long
  // double needs about 4950
  for (int d = decimals;;) {
    std::string text = shifted(d);
    const bool below_one = level < T(1) && text == "100";
    const bool above_zero = T(0) < level && text == "0";
    if ((!below_one && !above_zero) || d > 8192) return text;
    d = d < 64 ? d + 1 : 2 * d;
  }
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE

template <class Q, class T>
struct fmt::formatter<crm::estimate<Q, T>> : crm::detail::precision_spec {
  template <class FormatContext>
  auto format(const crm::estimate<Q, T>& e, FormatContext& ctx) const {
    const auto show = [this](const Q& q) -> std::string {
      if constexpr (crm::detail::is_rate<Q>::value) {
        const T pct = q.percent();
        return render(pct, 2, true) + "%";
      } else {
        return render(q, 2, true);
      }
    };
    // as many decimals as the type carries beyond the level's own digits (float: 3, so 0.95f prints
    // 95, not 94.9999981), at most 10; more where those would round to 100 or 0
    constexpr int digits = std::numeric_limits<T>::digits10;
    constexpr int decimals = digits - 3 < 0 ? 0 : digits - 3 > 10 ? 10 : digits - 3;
    const std::string level = crm::detail::level_percent_text(e.level, decimals);
    return emit(ctx, fmt::format("{} [{}, {}] {}% CI", show(e.point), show(e.lower), show(e.upper), level));
  }
};

// crm-metrics: fmt formatters for the statistics results: "12.5% [11.8%, 13.2%] 95% CI".
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Format spec: [[fill]align][width][.precision]; the precision applies to the estimate and both limits,
// the width to the whole text (right-aligned by default); the level prints with as many decimals as it
// has (up to 10; "99.999% CI", never a rounded "100% CI"):
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
    const T level_pct = e.level * T(100);
    // as many decimals as the type carries beyond the level's own digits (float: 3, so 0.95f prints
    // 95, not 94.9999981), at most 10
    constexpr int digits = std::numeric_limits<T>::digits10;
    constexpr int decimals = digits - 3 < 0 ? 0 : digits - 3 > 10 ? 10 : digits - 3;
    const std::string level = crm::detail::trim_zeros(crm::detail::to_fixed(level_pct, decimals));
    return emit(ctx, fmt::format("{} [{}, {}] {}% CI", show(e.point), show(e.lower), show(e.upper), level));
  }
};

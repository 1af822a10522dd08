// crm-metrics: revenue and customer-value metrics: ROI, ROMI, average check, LTV/CLV, CAC.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#pragma once

#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>

CRM_METRICS_BEGIN_NAMESPACE

/// Inputs of a return-on-investment calculation.
template <number T = double>
struct investment {
  T revenue{};  ///< income the investment brought (money, >= 0)
  T cost{};     ///< the investment itself (money, > 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return !detail::first_error({detail::check_non_negative("roi", "revenue", revenue),
                                 detail::check_positive("roi", "cost", cost)});
  }
};

/**
 * @brief Return on investment: (revenue - cost) / cost.
 * @returns a rate (1.5 = 150 %); negative when the investment lost money.
 * Source: 000 "ROI (Return on Investment)"; 004_27df46bff09b8c6f.txt line 111 (100 000 -> 250 000
 * gives 150 %) and line 267.
 * Errors: cost zero, negative or not finite; revenue negative or not finite.
 *
 * **Example**
 *     crm::roi({.revenue = 250'000.0, .cost = 100'000.0}).percent() == 150.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_roi(const investment<T>& in) noexcept(std::is_arithmetic_v<T>) {
  if (auto e = detail::first_error({detail::check_non_negative("roi", "revenue", in.revenue),
                                    detail::check_positive("roi", "cost", in.cost)}))
    return e;
  return rate<T>{(in.revenue - in.cost) / in.cost};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> roi(const investment<T>& in) {
  return try_roi(in).value();
}

CRM_METRICS_END_NAMESPACE

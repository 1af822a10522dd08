// crm-metrics: what a decimal number's text says about its size, for the readers' messages.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private
#pragma once

#include <crm/core/config.hpp>

#include <cstdint>
#include <string_view>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

/**
 * For the text of a decimal number, [+-]digits[.digits][(e|E)[+-]digits], that a number type
 * refused as out of its range: true when the value is too small (a nonzero value whose decimal
 * order, the place of its first significant digit plus the exponent, is negative: 1e-400, 0.000...1),
 * false when too large (1e400) or zero. Exponents are clamped at 10^12, so no text overflows it.
 */
constexpr bool decimal_text_too_small(std::string_view s) noexcept {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::int64_t order = 0;  // 10^(order - 1) <= |value| < 10^order before the exponent
  bool significant = false;
  for (; i < s.size() && digit(s[i]); ++i)
    if (significant || s[i] != '0') significant = true, ++order;
  if (i < s.size() && s[i] == '.')
    for (++i; i < s.size() && digit(s[i]); ++i)
      if (!significant) {
        if (s[i] == '0') --order;
        else significant = true;
      }
  if (!significant) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    const bool negative = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::int64_t e = 0;
    for (; i < s.size() && digit(s[i]); ++i) e = e < 1'000'000'000'000 ? e * 10 + (s[i] - '0') : e;
    order += negative ? -e : e;
  }
  return order < 0;
}

/// True when the mantissa of a decimal text has a nonzero digit (the value is not zero).
constexpr bool decimal_text_nonzero(std::string_view s) noexcept {
  for (const char c : s) {
    if (c == 'e' || c == 'E') break;
    if (c >= '1' && c <= '9') return true;
  }
  return false;
}

/// The reason a reader gives for a number its type cannot hold, after "column N 'field' ".
constexpr const char* out_of_range_reason(std::string_view s) noexcept {
  return decimal_text_too_small(s) ? "is too small for the number type (not zero, but it would round to 0)"
                                   : "is outside the range of the number type";
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE

// crm-metrics: fmt formatters for rate, money, multiple and periods (opt-in; needs {fmt} >= 9).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Format spec (the same for all of them): [[fill]align][width][.precision], e.g. "{:>8.1}"
//   rate     "{}" -> "12.5%"    (percent, up to 2 decimals, trailing zeros trimmed)
//            "{:.2}" -> "12.50%" (exactly 2 decimals)
//   money    "{}" -> "250000.00" (2 decimals),  "{:.0}" -> "250000"
//   multiple "{}" -> "3.2x",     periods "{}" -> "4 periods"
// Works for every number type for which crm::detail::to_fixed has an overload: built-in floating
// point here, Boost.Multiprecision in <crm/multiprecision.hpp>.
#pragma once

#include <crm/core/quantity.hpp>

#include <fmt/format.h>

#include <string>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

/// Fixed notation with `decimals` digits after the point.
template <class T>
  requires std::is_floating_point_v<T>
[[nodiscard]] inline std::string to_fixed(T v, int decimals) {
  return fmt::format("{:.{}f}", v, decimals);
}

/// Any type with Boost.Multiprecision's str(digits, flags) member.
template <class T>
  requires(!std::is_floating_point_v<T>) && requires(const T& v) { v.str(0, std::ios_base::fixed); }
[[nodiscard]] inline std::string to_fixed(const T& v, int decimals) {
  return v.str(decimals, std::ios_base::fixed);
}

/// "12.50" -> "12.5", "150.00" -> "150", "-0.00" -> "0".
[[nodiscard]] inline std::string trim_zeros(std::string s) {
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  // characters, not `s == "-0"` and `s = "0"`: inlined at -O3, g++ 12 warned on those
  // (-Wmaybe-uninitialized in the confidence-level text of <crm/statistics/format.hpp>; GCC PR 105329
  // for a one-character assignment) in a user's Release build
  if (s.size() == 2 && s[0] == '-' && s[1] == '0') s.erase(0, 1);
  return s;
}

/// Parses "[[fill]align][width][.precision]" (align: '<' left, '>' right, '^' centre; fill: one
/// ASCII character) and remembers them; precision is -1 when absent.
struct precision_spec {
  int precision = -1;
  int width = 0;
  char fill = ' ';
  char align = '\0';
  template <class ParseContext>
  constexpr auto parse(ParseContext& ctx) {
    auto it = ctx.begin();
    const auto end = ctx.end();
    auto is_align = [](char c) { return c == '<' || c == '>' || c == '^'; };
    if (it != end && it + 1 != end && *it != '}' && is_align(static_cast<char>(*(it + 1)))) {
      fill = static_cast<char>(*it);
      align = static_cast<char>(*(it + 1));
      it += 2;
    } else if (it != end && is_align(static_cast<char>(*it))) {
      align = static_cast<char>(*it++);
    }
    while (it != end && *it >= '0' && *it <= '9') width = width * 10 + (*it++ - '0');
    if (it != end && *it == '.') {
      ++it;
      int p = 0;
      bool digits = false;
      while (it != end && *it >= '0' && *it <= '9') {
        p = p * 10 + (*it - '0');
        ++it;
        digits = true;
      }
      if (!digits) FMT_THROW(fmt::format_error("crm: expected digits after '.' in format spec"));
      precision = p;
    }
    if (it != end && *it != '}') FMT_THROW(fmt::format_error("crm: format spec is [[fill]align][width][.precision]"));
    return it;
  }
  /// Writes `s` padded to the requested width (right-aligned by default, like numbers).
  template <class FormatContext>
  auto emit(FormatContext& ctx, const std::string& s) const {
    auto out = ctx.out();
    const int len = static_cast<int>(s.size());
    const int pad = width > len ? width - len : 0;
    const int left = align == '<' ? 0 : align == '^' ? pad / 2 : pad;
    for (int i = 0; i < left; ++i) *out++ = fill;
    for (char c : s) *out++ = c;
    for (int i = 0; i < pad - left; ++i) *out++ = fill;
    return out;
  }
  /// fixed with the given precision, or `fallback` decimals with trailing zeros trimmed; a value that
  /// rounds to zero prints without a sign ("{:.1}" of -1e-7 is "0.0", not "-0.0").
  template <class T>
  [[nodiscard]] std::string render(const T& v, int fallback, bool trim) const {
    std::string s = to_fixed(v, precision >= 0 ? precision : fallback);
    if (!s.empty() && s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);  // not "-inf"
    return precision < 0 && trim ? trim_zeros(std::move(s)) : s;
  }
  /// A fraction in percent. Where fraction x 100 overflows T (a ROI of 1e307 in double) the
  /// fraction's own digits are written with the point moved two places, never "inf%".
  template <class T>
  [[nodiscard]] std::string render_percent(const T& fraction) const {
    const T pct = fraction * T(100);
    if (crm::number_traits<T>::is_finite(pct) || !crm::number_traits<T>::is_finite(fraction)) return render(pct, 2, true);
    const int p = precision >= 0 ? precision : 2;
    std::string s = to_fixed(fraction, p + 2);
    const std::size_t dot = s.find('.');  // p + 2 >= 2 decimals: there is a point
    s.erase(dot, 1);
    if (p > 0) s.insert(dot + 2, 1, '.');
    return precision < 0 ? trim_zeros(std::move(s)) : s;
  }
};

}  // namespace detail
CRM_METRICS_END_NAMESPACE

template <class T>
struct fmt::formatter<crm::rate<T>> : crm::detail::precision_spec {
  template <class FormatContext>
  auto format(const crm::rate<T>& r, FormatContext& ctx) const {
    return emit(ctx, render_percent(r.fraction) + "%");
  }
};

template <class T>
struct fmt::formatter<crm::money<T>> : crm::detail::precision_spec {
  template <class FormatContext>
  auto format(const crm::money<T>& m, FormatContext& ctx) const {
    return emit(ctx, render(m.amount, 2, false));
  }
};

template <class T>
struct fmt::formatter<crm::multiple<T>> : crm::detail::precision_spec {
  template <class FormatContext>
  auto format(const crm::multiple<T>& m, FormatContext& ctx) const {
    return emit(ctx, render(m.value(), 2, true) + "x");
  }
};

template <class T>
struct fmt::formatter<crm::period_count<T>> : crm::detail::precision_spec {
  template <class FormatContext>
  auto format(const crm::period_count<T>& p, FormatContext& ctx) const {
    return emit(ctx, render(p.count, 2, true) + " periods");
  }
};

// --- NPS (appended by the loyalty metrics) -------------------------------------------------------
// nps_score "{}" -> "NPS +32", "NPS -12.5", "NPS 0" (points, up to 2 decimals, trailing zeros
// trimmed, an explicit sign when not zero); "{:.1}" -> "NPS +32.0".
#include <crm/metrics/loyalty.hpp>

template <class T>
struct fmt::formatter<crm::nps_score<T>> : crm::detail::precision_spec {
  template <class FormatContext>
  auto format(const crm::nps_score<T>& s, FormatContext& ctx) const {
    std::string p = render(s.points, 2, true);
    const bool zero = p.find_first_of("123456789") == std::string::npos;
    if (zero && !p.empty() && p.front() == '-') p.erase(0, 1);  // "-0.0" -> "0.0"
    const char* sign = (!zero && p.front() != '-') ? "+" : "";
    return emit(ctx, std::string("NPS ") + sign + p);
  }
};

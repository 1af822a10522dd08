// crm-metrics: floating-point text conversions that std::from_chars / std::to_chars give where the
// standard library has them for floating types (libstdc++ 11 and later, MSVC), and the same results
// through the C library in the "C" locale where it does not (libc++ up to at least 19: no floating
// std::from_chars; its long double std::to_chars rounds to double).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private
#pragma once

#include <crm/core/config.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#if defined(__unix__) || defined(__APPLE__)
#include <locale.h>  // newlocale, uselocale, strtod_l (glibc with _GNU_SOURCE, the BSDs)
#if defined(__APPLE__)
#include <xlocale.h>  // strtod_l, strtof_l, strtold_l
#endif
#define CRM_METRICS_DETAIL_C_LOCALE_CHARCONV 1
#else
#define CRM_METRICS_DETAIL_C_LOCALE_CHARCONV 0
#endif

/// 1 when the standard library converts floating types (std::from_chars and std::to_chars of float,
/// double and long double: the feature macro __cpp_lib_to_chars); 0 makes the library use its C-locale
/// conversions instead (defined by the library from <charconv>; define it to 0 before any crm header to
/// force those, e.g. to test them).
#if !defined(CRM_METRICS_FLOAT_CHARCONV)
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
#define CRM_METRICS_FLOAT_CHARCONV 1
#else
#define CRM_METRICS_FLOAT_CHARCONV 0
#endif
#endif

#if !CRM_METRICS_FLOAT_CHARCONV && !CRM_METRICS_DETAIL_C_LOCALE_CHARCONV
#error "crm-metrics: this standard library has no floating-point std::from_chars and this platform no strtod_l; the aggregation layer cannot read amounts here"
#endif

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

#if CRM_METRICS_DETAIL_C_LOCALE_CHARCONV
/// The "C" locale, made once (newlocale; never freed: it lives as long as the process).
inline locale_t c_locale() noexcept {
  static const locale_t c = ::newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  return c;
}

/// The length of the longest prefix of [first, last) that std::from_chars(..., chars_format::general)
/// reads: an optional '-', then a decimal (digits with an optional '.', at least one digit, an optional
/// exponent e/E[+-]digits taken only when it has a digit), or inf / infinity, or nan / nan(chars) with
/// chars letters, digits and '_' (all in any case); 0 when none. `nonzero` tells whether the decimal
/// has a nonzero digit before its exponent.
inline std::size_t general_float_prefix(const char* first, const char* last, bool& nonzero) noexcept {
  const auto lower_is = [&](const char* p, const char* word) {
    for (; *word != '\0'; ++p, ++word)
      if (p == last || (*p | 0x20) != *word) return false;
    return true;
  };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  nonzero = false;
  const char* p = first;
  if (p != last && *p == '-') ++p;
  if (lower_is(p, "inf")) return static_cast<std::size_t>((lower_is(p, "infinity") ? p + 8 : p + 3) - first);
  if (lower_is(p, "nan")) {
    p += 3;
    if (p != last && *p == '(') {
      const char* q = p + 1;
      while (q != last && (digit(*q) || *q == '_' || ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z'))) ++q;
      if (q != last && *q == ')') p = q + 1;
    }
    return static_cast<std::size_t>(p - first);
  }
  std::size_t digits = 0;
  for (; p != last && digit(*p); ++p, ++digits) nonzero = nonzero || *p != '0';
  if (p != last && *p == '.')
    for (++p; p != last && digit(*p); ++p, ++digits) nonzero = nonzero || *p != '0';
  if (digits == 0) return 0;
  if (p != last && (*p == 'e' || *p == 'E')) {
    const char* q = p + 1;
    if (q != last && (*q == '+' || *q == '-')) ++q;
    if (q != last && digit(*q)) {
      while (q != last && digit(*q)) ++q;
      p = q;
    }
  }
  return static_cast<std::size_t>(p - first);
}

/// strtof_l / strtod_l / strtold_l in the "C" locale of the NUL-terminated text s (the nearest value).
template <class F>
F c_strto(const char* s) noexcept {
  if constexpr (std::is_same_v<F, float>) return ::strtof_l(s, nullptr, c_locale());
  else if constexpr (std::is_same_v<F, double>) return ::strtod_l(s, nullptr, c_locale());
  else return ::strtold_l(s, nullptr, c_locale());
}

/// Calls f(text) with [first, first + n) as a NUL-terminated string: on the stack when short.
template <class R, class Fn>
R with_c_string(const char* first, std::size_t n, Fn&& f) {
  char small[128];
  if (n < sizeof small) {
    std::memcpy(small, first, n);
    small[n] = '\0';
    return f(static_cast<const char*>(small));
  }
  const std::string big(first, n);
  return f(big.c_str());
}

/**
 * std::from_chars(first, last, value, std::chars_format::general) for float, double and long double
 * through strto*_l in the "C" locale: the same text read (the longest prefix of the grammar above; no
 * leading space or '+', no hexadecimal), the nearest value, errc::invalid_argument with ptr = first when
 * no number starts there, errc::result_out_of_range when the value is too large for F or a nonzero value
 * rounds to zero (value then unchanged; a value that is subnormal in F is read, as libstdc++ reads float
 * and double). Allocates only for a number of 128 characters or more.
 */
template <class F>
std::from_chars_result c_locale_from_chars(const char* first, const char* last, F& value) {
  static_assert(std::is_floating_point_v<F>);
  bool nonzero = false;
  const std::size_t n = general_float_prefix(first, last, nonzero);
  if (n == 0) return {first, std::errc::invalid_argument};
  const char* end = first + n;
  const char* s = *first == '-' ? first + 1 : first;
  const bool word = (*s | 0x20) == 'i' || (*s | 0x20) == 'n';
  const F v = with_c_string<F>(first, n, [](const char* z) { return c_strto<F>(z); });
  if (!word && (std::isinf(v) || (v == F(0) && nonzero))) return {end, std::errc::result_out_of_range};
  value = v;
  return {end, std::errc{}};
}

/// The text of a long double as std::to_chars(first, last, v, std::chars_format::hex) writes it with
/// libstdc++ (glibc's %La without "0x": exact, e.g. "c.ccccccccccccccdp-7" for 0.1L on x86-64),
/// through snprintf under the "C" locale of this thread. errc::value_too_large when it does not fit.
inline std::to_chars_result c_locale_to_hex(char* first, char* last, long double v) {
  char buf[96];
  const locale_t old = ::uselocale(c_locale());
  const int len = std::snprintf(buf, sizeof buf, "%La", v);
  ::uselocale(old);
  if (len <= 0 || static_cast<std::size_t>(len) >= sizeof buf) return {last, std::errc::value_too_large};
  const std::string_view text(buf, static_cast<std::size_t>(len));
  const std::size_t sign = text.front() == '-' ? 1 : 0;
  const std::size_t skip = text.substr(sign, 2) == "0x" || text.substr(sign, 2) == "0X" ? 2 : 0;  // the prefix
  const std::size_t out = text.size() - skip;
  if (out > static_cast<std::size_t>(last - first)) return {last, std::errc::value_too_large};
  if (sign != 0) *first = '-';
  std::memcpy(first + sign, text.data() + sign + skip, out - sign);
  return {first + out, std::errc{}};
}

/// std::from_chars(first, last, value, std::chars_format::hex) for long double through strtold_l in
/// the "C" locale: [-]hexdigits[.hexdigits][p[+-]digits] (no "0x"), or inf / infinity / nan[(chars)];
/// errc::invalid_argument when none starts at first; out_of_range as c_locale_from_chars.
inline std::from_chars_result c_locale_from_hex(const char* first, const char* last, long double& value) {
  const auto hex = [](char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); };
  const char* p = first;
  const bool negative = p != last && *p == '-';
  if (negative) ++p;
  if (p != last && ((*p | 0x20) == 'i' || (*p | 0x20) == 'n')) return c_locale_from_chars(first, last, value);
  std::string text(negative ? "-0x" : "0x");
  std::size_t digits = 0;
  bool nonzero = false;
  for (; p != last && hex(*p); ++p, ++digits) text += *p, nonzero = nonzero || *p != '0';
  if (p != last && *p == '.') {
    text += '.';
    for (++p; p != last && hex(*p); ++p, ++digits) text += *p, nonzero = nonzero || *p != '0';
  }
  if (digits == 0) return {first, std::errc::invalid_argument};
  if (p != last && (*p == 'p' || *p == 'P')) {
    const char* q = p + 1;
    if (q != last && (*q == '+' || *q == '-')) ++q;
    if (q != last && *q >= '0' && *q <= '9') {
      while (q != last && *q >= '0' && *q <= '9') ++q;
      text.append(p, q);
      p = q;
    }
  }
  const long double v = ::strtold_l(text.c_str(), nullptr, c_locale());
  if (std::isinf(v) || (v == 0.0L && nonzero)) return {p, std::errc::result_out_of_range};
  value = v;
  return {p, std::errc{}};
}
#endif  // CRM_METRICS_DETAIL_C_LOCALE_CHARCONV

/// std::from_chars(first, last, value, std::chars_format::general) for float, double and long double
/// on every standard library (c_locale_from_chars where it has none).
template <class F>
std::from_chars_result floating_from_chars(const char* first, const char* last, F& value) {
#if CRM_METRICS_FLOAT_CHARCONV
  return std::from_chars(first, last, value, std::chars_format::general);
#else
  return c_locale_from_chars(first, last, value);
#endif
}

/// std::to_chars(first, last, v, std::chars_format::hex) of a long double on every standard library.
inline std::to_chars_result long_double_to_hex(char* first, char* last, long double v) {
#if CRM_METRICS_FLOAT_CHARCONV
  return std::to_chars(first, last, v, std::chars_format::hex);
#else
  return c_locale_to_hex(first, last, v);
#endif
}

/// std::from_chars(first, last, value, std::chars_format::hex) of a long double on every standard library.
inline std::from_chars_result long_double_from_hex(const char* first, const char* last, long double& value) {
#if CRM_METRICS_FLOAT_CHARCONV
  return std::from_chars(first, last, value, std::chars_format::hex);
#else
  return c_locale_from_hex(first, last, value);
#endif
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE

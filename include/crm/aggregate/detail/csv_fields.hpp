// crm-metrics: field parsers of the CSV reader: ids, amounts, dates and times, e-mail event kinds.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/aggregate/csv.hpp>
//
// Each parser takes the whole field (already trimmed and unquoted) and either fills its output or
// returns a field_failure (an errc and a static reason). They never throw and never allocate for
// the built-in types, so the reader's hot loop has no exceptions in it.
#pragma once

#include <crm/aggregate/records.hpp>
#include <crm/core/error.hpp>
#include <crm/core/number.hpp>
#include <crm/detail/charconv.hpp>
#include <crm/detail/decimal_text.hpp>

#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE

/// How a time column is written. Every form is read as UTC (a time without a zone, as in
/// iso_date_time without Z or an offset and in day_month_year, is taken as UTC).
enum class time_format : std::uint8_t {
  iso_date,       ///< 2023-07-14 (midnight)
  iso_date_time,  ///< 2023-07-14T08:30:00 or with a space, optional :SS, .fraction (dropped), Z or
                  ///< ±HH:MM (converted to UTC); a date alone is its midnight
  yyyymmdd,       ///< 20230714, as in the CDNOW files
  epoch_seconds,  ///< seconds since 1970-01-01T00:00:00Z, an integer (may be negative)
  /// 31.03.2024, as 1C, Bitrix24, amoCRM and most European exports write it: day and month of one or
  /// two digits, a four-digit year, one separator ('.', '/' or '-') used twice; optionally a space
  /// and H:MM or H:MM:SS (an hour of one or two digits: 1C writes 9:05:00), local time taken as UTC;
  /// a date alone is its midnight. A two-digit year is refused (no guessing the century).
  day_month_year,
  month_day_year,  ///< 03/31/2024, the US order; otherwise as day_month_year
};

namespace detail {

/// Why a field was rejected; code == errc::ok means it was accepted.
struct field_failure {
  errc code = errc::ok;
  const char* reason = "";
  [[nodiscard]] constexpr bool ok() const noexcept { return code == errc::ok; }
};

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr bool all_digits(const char* p, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i)
    if (!is_digit(p[i])) return false;
  return true;
}
constexpr int digits_value(const char* p, std::size_t n) noexcept {
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v * 10 + (p[i] - '0');
  return v;
}

/// The eight bytes at p as a little-endian integer (the first byte lowest), on any byte order: one
/// load, and on a big-endian machine a byte swap. The SWAR loops of the reader read text through it,
/// so they run the same on both orders (before 2026-12-07 the fast path's digit runs loaded natively
/// and read digits wrongly on s390x: docs/testing.md, "Other CPUs").
inline std::uint64_t load_le64(const char* p) noexcept {
  std::uint64_t w = 0;
  std::memcpy(&w, p, 8);
  if constexpr (std::endian::native == std::endian::big) {
#if defined(__GNUC__) || defined(__clang__)
    w = __builtin_bswap64(w);
#else
    std::uint64_t r = 0;
    for (int k = 0; k < 8; ++k) r |= ((w >> (8 * k)) & 0xFFU) << (8 * (7 - k));
    w = r;
#endif
  }
  return w;
}

/// Eight ASCII digits at p as a number, or -1 when they are not all digits (SWAR on a
/// little-endian load; the classic shift-and-multiply reduction of simdjson and fast_float).
inline std::int64_t eight_digits(const char* p) noexcept {
  std::uint64_t v = load_le64(p);
  if ((((v & 0xF0F0F0F0F0F0F0F0ULL) | (((v + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) !=
       0x3333333333333333ULL))
    return -1;
  v = ((v & 0x0F0F0F0F0F0F0F0FULL) * 2561) >> 8;
  v = ((v & 0x00FF00FF00FF00FFULL) * 6553601) >> 16;
  return static_cast<std::int64_t>(((v & 0x0000FFFF0000FFFFULL) * 42949672960001ULL) >> 32);
}

/// An unsigned whole number (customer ids, campaign and channel ids); a leading '+' is allowed.
template <class U>
constexpr field_failure parse_unsigned(std::string_view s, U& out) noexcept {
  static_assert(std::is_unsigned_v<U>);
  if (s.empty()) return {errc::malformed, "is empty where a whole number is required"};
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '-') return {errc::negative, "is a negative id"};
  if (*b == '+') ++b;
  if (b == e || !is_digit(*b)) return {errc::malformed, "is not a whole number"};
  U v = 0;
  if (static_cast<std::size_t>(e - b) < std::numeric_limits<U>::digits10) {  // cannot overflow: no checks
    if constexpr (sizeof(U) == 8) {
      for (; e - b >= 8; b += 8) {
        const std::int64_t d8 = eight_digits(b);
        if (d8 < 0) return {errc::malformed, "is not a whole number"};
        v = static_cast<U>(v * 100000000u + static_cast<U>(d8));
      }
    }
    for (; b != e; ++b) {
      if (!is_digit(*b)) return {errc::malformed, "is not a whole number"};
      v = static_cast<U>(v * 10 + static_cast<U>(*b - '0'));
    }
    out = v;
    return {};
  }
  for (; b != e; ++b) {
    if (!is_digit(*b)) return {errc::malformed, "is not a whole number"};
    const auto d = static_cast<U>(*b - '0');
    if (v > static_cast<U>((static_cast<U>(-1) - d) / 10)) return {errc::out_of_range, "is too large for its type"};
    v = static_cast<U>(v * 10 + d);
  }
  out = v;
  return {};
}

/// A signed int (survey scores, epoch seconds).
template <class I>
constexpr field_failure parse_signed(std::string_view s, I& out) noexcept {
  if (s.empty()) return {errc::malformed, "is empty where a whole number is required"};
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+' && ++b != e && *b == '-') return {errc::malformed, "is not a whole number"};
  const auto [p, ec] = std::from_chars(b, e, out);
  if (ec == std::errc::result_out_of_range) return {errc::out_of_range, "is too large for its type"};
  if (ec != std::errc{} || p != e) return {errc::malformed, "is not a whole number"};
  return {};
}

/// true for nan, inf, infinity in any case and with a sign, and for a NaN with a payload,
/// nan(chars) with chars letters, digits and '_' (what std::from_chars reads as a NaN, e.g. nan(1),
/// which std::nan("1") prints): reported as not finite, not malformed, in every number type (a
/// decimal type said "is not a number" for nan(1) where double said "is not finite").
constexpr bool names_non_finite(std::string_view s) noexcept {
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  auto lower_eq = [](std::string_view a, std::string_view lit) {
    if (a.size() != lit.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      char c = a[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != lit[i]) return false;
    }
    return true;
  };
  if (s.size() >= 5 && lower_eq(s.substr(0, 4), "nan(") && s.back() == ')') {
    for (const char c : s.substr(4, s.size() - 5))
      if (!(is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')) return false;
    return true;
  }
  return lower_eq(s, "nan") || lower_eq(s, "inf") || lower_eq(s, "infinity");
}

/// A plain decimal: [+-]digits[.digits][e[+-]digits], at least one digit before the exponent.
constexpr bool plain_decimal(std::string_view s) noexcept {
  std::size_t i = 0;
  const std::size_t n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < n && is_digit(s[i])) ++i, ++digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < n && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}

/// True when the exponent of a plain decimal (after its e or E) is beyond +-limit (read with
/// saturation, so any number of digits is safe); false without an exponent.
constexpr bool decimal_exponent_beyond(std::string_view s, std::int64_t limit) noexcept {
  const std::size_t at = s.find_first_of("eE");
  if (at == std::string_view::npos) return false;
  std::size_t i = at + 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::int64_t v = 0;
  for (; i < s.size(); ++i) {
    v = v * 10 + (s[i] - '0');
    if (v > limit) return true;
  }
  return false;
}

/// Clinger's fast path: a plain decimal [-+]digits[.digits] with at most 15 significant digits
/// and at most 22 digits after the point is m / 10^k with m and 10^k exact doubles, so one
/// correctly rounded division gives the same double as std::from_chars. false: not that shape
/// (the caller falls back to std::from_chars).
inline bool exact_decimal_double(std::string_view s, double& out) noexcept {
  static constexpr double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = s.data();
  const char* e = p + s.size();
  const bool neg = *p == '-';
  if (*p == '-' || *p == '+') ++p;
  std::uint64_t m = 0;
  int digits = 0, frac = 0;
  const char* start = p;
  for (; p != e && is_digit(*p); ++p, ++digits) m = m * 10 + static_cast<std::uint64_t>(*p - '0');
  if (p == start) return false;
  if (p != e && *p == '.') {
    ++p;
    for (; p != e && is_digit(*p); ++p, ++digits, ++frac) m = m * 10 + static_cast<std::uint64_t>(*p - '0');
  }
  if (p != e || digits > 15 || frac > 22) return false;
  const double v = static_cast<double>(m) / pow10[frac];
  out = neg ? -v : v;
  return true;
}

/// An amount in T. Built-in floating types: std::from_chars (the nearest value; see
/// docs/aggregation.md for why not fast_float; where the standard library has no floating
/// std::from_chars, as libc++, strtod_l in the "C" locale with its rules: detail::floating_from_chars). Other types (decimal money): validated as a plain
/// decimal, then T's string constructor, so "19.99" is exactly 19.99 in cpp_dec_float_50.
template <number T>
field_failure parse_amount(std::string_view s, T& out) {
  if (s.empty()) return {errc::malformed, "is empty where an amount is required"};
  if constexpr (std::is_same_v<T, double>) {
    if (exact_decimal_double(s, out)) return {};
  }
  if constexpr (std::is_floating_point_v<T>) {
    const char* b = s.data();
    const char* e = b + s.size();
    if (*b == '+' && ++b != e && *b == '-') return {errc::malformed, "is not a number"};
    const auto [p, ec] = detail::floating_from_chars(b, e, out);  // std::from_chars where the standard library has it
    if (ec == std::errc::result_out_of_range) return {errc::out_of_range, out_of_range_reason(s)};
    if (ec != std::errc{} || p != e) return {errc::malformed, "is not a number"};
    if (!std::isfinite(out)) return {errc::not_finite, "is not finite (NaN or infinity)"};
  } else {
    if (names_non_finite(s)) return {errc::not_finite, "is not finite (NaN or infinity)"};
    if (!plain_decimal(s)) return {errc::malformed, "is not a number"};
    // An exponent beyond +-10^9 is outside any money type's range, and Boost's string constructor
    // throws std::runtime_error for one beyond int (1e-99999999999): refused here, before it.
    if (decimal_exponent_beyond(s, 1'000'000'000)) return {errc::out_of_range, out_of_range_reason(s)};
#if CRM_METRICS_HAS_EXCEPTIONS
    try {
      out = T(std::string(s));
    } catch (const std::exception&) {  // a type that refuses a text plain_decimal accepts
      return {errc::out_of_range, out_of_range_reason(s)};
    }
#else
    out = T(std::string(s));
#endif
    if (!number_traits<T>::is_finite(out)) return {errc::out_of_range, out_of_range_reason(s)};
    // a type that rounds a value below its range to 0 (cpp_dec_float: 1e-100000000) instead of refusing it
    if (out == T(0) && decimal_text_nonzero(s)) return {errc::out_of_range, out_of_range_reason(s)};
  }
  return {};
}

/// The two reasons of amount_separator_reason that name the reader's decimal-comma option: a '.'
/// where the decimal separator is ',', and a ',' where it is '.'. Each reader says its own option
/// (csv_format::decimal_comma here, model_csv_format::decimal_comma in the model readers).
struct decimal_separator_words {
  const char* point_in_comma_file;
  const char* comma_in_point_file;
};
inline constexpr decimal_separator_words csv_format_separator_words{
    "has a decimal point '.', but with csv_format::decimal_comma the decimal separator is ',' (and thousands "
    "separators are not accepted)",
    "has a decimal comma ',' (read such a file with csv_format::decimal_comma; thousands separators are not "
    "accepted)"};

/// Why an amount that is no number has a separator it may not have, in words; nullptr when it has
/// none of them (or is no number in any case: "12x"). A space, a no-break space (U+00A0, U+202F) or
/// an apostrophe between digits is a thousands separator. With a decimal comma, a '.' is a thousands
/// separator when there are several or a ',' follows, else a decimal point; with a decimal point, a
/// ',' is a thousands separator when there are several or a '.' follows, else a decimal comma.
/// Either way the amount is refused: "1.234" may be 1234 or 1.234, and the reader never guesses.
constexpr const char* amount_separator_reason(std::string_view s, bool decimal_comma,
                                              const decimal_separator_words& words = csv_format_separator_words) noexcept {
  constexpr std::string_view nbsp = "\xC2\xA0", narrow_nbsp = "\xE2\x80\xAF";
  std::size_t i = 0;
  const std::size_t n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  bool space = false, no_break = false, apostrophe = false, dot_after_comma = false, comma_after_dot = false;
  int dots = 0, commas = 0, digits = 0;
  bool after_digit = false;
  while (i < n && s[i] != 'e' && s[i] != 'E') {
    const char c = s[i];
    if (is_digit(c)) {
      ++digits;
      after_digit = true;
      ++i;
      continue;
    }
    std::size_t width = 1;
    if (c == '.') {
      ++dots;
      dot_after_comma = dot_after_comma || commas > 0;
    } else if (c == ',') {
      ++commas;
      comma_after_dot = comma_after_dot || dots > 0;
    } else {
      if (c == ' ') space = true;
      else if (c == '\'') apostrophe = true;
      else if (s.substr(i, 2) == nbsp) no_break = true, width = 2;
      else if (s.substr(i, 3) == narrow_nbsp) no_break = true, width = 3;
      else return nullptr;
      if (!after_digit || i + width >= n || !is_digit(s[i + width])) return nullptr;  // grouping is between digits
    }
    after_digit = false;
    i += width;
  }
  if (digits == 0) return nullptr;
  if (i < n) {  // an exponent
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < n && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0 || i != n) return nullptr;
  }
  if (space) return "has a thousands separator (a space): amounts are read without digit grouping";
  if (no_break) return "has a thousands separator (a no-break space): amounts are read without digit grouping";
  if (apostrophe) return "has a thousands separator (an apostrophe): amounts are read without digit grouping";
  if (decimal_comma) {
    if (dots == 0) return nullptr;
    if (dots > 1 || comma_after_dot) return "has a thousands separator ('.'): amounts are read without digit grouping";
    return words.point_in_comma_file;
  }
  if (commas == 0) return nullptr;
  if (commas > 1 || dot_after_comma) return "has a thousands separator (','): amounts are read without digit grouping";
  return words.comma_in_point_file;
}

/// An amount in T with the decimal separator of the file: parse_amount's rules with ',' in place of
/// '.' when decimal_comma (then any '.' is refused: never read as a decimal point or skipped as a
/// thousands separator). The text given to T is the field's with ',' made '.', so a decimal type is
/// exact: 0,10 is exactly 0.10. A field refused for a separator says which (amount_separator_reason).
/// `words`: how the reasons name the decimal-comma option (the model readers name theirs).
template <number T>
field_failure parse_comma_amount(std::string_view s, T& out,
                                 const decimal_separator_words& words = csv_format_separator_words);

template <number T>
field_failure parse_amount(std::string_view s, T& out, bool decimal_comma,
                           const decimal_separator_words& words = csv_format_separator_words) {
  if (decimal_comma) [[unlikely]]
    return parse_comma_amount(s, out, words);
  const field_failure r = parse_amount(s, out);
  if (r.code == errc::malformed) [[unlikely]]
    if (const char* why = amount_separator_reason(s, false, words)) return {errc::malformed, why};
  return r;
}

/// parse_amount(s, out, true): the decimal-comma form, out of the point form's way.
template <number T>
field_failure parse_comma_amount(std::string_view s, T& out, const decimal_separator_words& words) {
  if (const char* why = amount_separator_reason(s, true, words)) return {errc::malformed, why};
  if (s.find('.') != std::string_view::npos) return {errc::malformed, "is not a number"};
  char buffer[64];
  if (s.size() <= sizeof buffer) {
    for (std::size_t i = 0; i < s.size(); ++i) buffer[i] = s[i] == ',' ? '.' : s[i];
    return parse_amount(std::string_view(buffer, s.size()), out);
  }
  std::string text(s);
  for (char& c : text)
    if (c == ',') c = '.';
  return parse_amount(std::string_view(text), out);
}

/// The accepted range of dates, inclusive.
struct date_range {
  std::chrono::sys_days earliest{std::chrono::year{1900} / 1 / 1};
  std::chrono::sys_days latest{std::chrono::year{2199} / 12 / 31};
};

constexpr field_failure make_day(int y, int m, int d, std::chrono::sys_days& out) noexcept {
  if (m < 1 || m > 12) return {errc::out_of_range, "has a month outside 1..12"};
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return {errc::out_of_range, "is not a calendar date (no such day in that month)"};
  out = std::chrono::sys_days{ymd};
  return {};
}

/// "2023-07-14" at p (10 characters).
constexpr field_failure parse_iso_day(const char* p, std::chrono::sys_days& out) noexcept {
  if (!all_digits(p, 4) || p[4] != '-' || !all_digits(p + 5, 2) || p[7] != '-' || !all_digits(p + 8, 2))
    return {errc::malformed, "is not an ISO date (YYYY-MM-DD)"};
  return make_day(digits_value(p, 4), digits_value(p + 5, 2), digits_value(p + 8, 2), out);
}

/// A numeric date, day first (31.03.2024) or month first (03/31/2024): day and month of one or two
/// digits, a four-digit year, one separator ('.', '/' or '-') used twice; optionally one space and
/// H:MM or H:MM:SS (an hour of one or two digits). Fills the day and the time of day.
constexpr field_failure parse_numeric_date(std::string_view s, bool day_first, std::chrono::sys_days& day,
                                           std::chrono::seconds& in_day) noexcept {
  const field_failure bad =
      day_first ? field_failure{errc::malformed,
                                "is not a date in the form DD.MM.YYYY (or DD/MM/YYYY, DD-MM-YYYY), optionally followed "
                                "by HH:MM or HH:MM:SS"}
                : field_failure{errc::malformed,
                                "is not a date in the form MM/DD/YYYY (or MM.DD.YYYY, MM-DD-YYYY), optionally followed "
                                "by HH:MM or HH:MM:SS"};
  std::size_t i = 0;
  const auto number = [&](std::size_t least, std::size_t most, int& v) {  // a run of least..most digits at i
    const std::size_t from = i;
    while (i < s.size() && i - from < most && is_digit(s[i])) ++i;
    if (i - from < least) return false;
    v = digits_value(s.data() + from, i - from);
    return true;
  };
  int first = 0, second = 0, y = 0, hh = 0, mm = 0, ss = 0;
  if (!number(1, 2, first) || i >= s.size()) return bad;
  const char sep = s[i++];
  if (sep != '.' && sep != '/' && sep != '-') return bad;
  if (!number(1, 2, second) || i >= s.size() || s[i++] != sep || !number(4, 4, y)) return bad;
  const bool timed = i < s.size();
  if (timed) {
    if (s[i++] != ' ' || !number(1, 2, hh) || i >= s.size() || s[i++] != ':' || !number(2, 2, mm)) return bad;
    if (i < s.size() && (s[i++] != ':' || !number(2, 2, ss))) return bad;
    if (i != s.size()) return bad;
  }
  if (const field_failure r = day_first ? make_day(y, second, first, day) : make_day(y, first, second, day); !r.ok())
    return r;
  if (hh > 23 || mm > 59 || ss > 60) return {errc::out_of_range, "has a time of day outside 00:00:00..23:59:60"};
  in_day = std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss};
  return {};
}

/// A time field in format f, checked against the date range.
constexpr field_failure parse_time(std::string_view s, time_format f, const date_range& range,
                                   time_point& out) noexcept {
  if (s.empty()) return {errc::malformed, "is empty where a date or time is required"};
  std::chrono::sys_days day{};
  std::chrono::seconds in_day{0};
  switch (f) {
    case time_format::iso_date: {
      if (s.size() != 10) return {errc::malformed, "is not an ISO date (YYYY-MM-DD)"};
      if (const field_failure r = parse_iso_day(s.data(), day); !r.ok()) return r;
      break;
    }
    case time_format::yyyymmdd: {
      if (s.size() != 8 || !all_digits(s.data(), 8)) return {errc::malformed, "is not a date in the form YYYYMMDD"};
      const char* p = s.data();
      if (const field_failure r = make_day(digits_value(p, 4), digits_value(p + 4, 2), digits_value(p + 6, 2), day);
          !r.ok())
        return r;
      break;
    }
    case time_format::iso_date_time: {
      if (s.size() < 10) return {errc::malformed, "is not an ISO date-time (YYYY-MM-DDTHH:MM:SS)"};
      if (const field_failure r = parse_iso_day(s.data(), day); !r.ok()) return r;
      std::string_view t = s.substr(10);
      if (!t.empty()) {
        constexpr field_failure bad{errc::malformed, "is not an ISO date-time (YYYY-MM-DDTHH:MM:SS)"};
        if ((t[0] != 'T' && t[0] != ' ') || t.size() < 6 || !all_digits(t.data() + 1, 2) || t[3] != ':' ||
            !all_digits(t.data() + 4, 2))
          return bad;
        const int hh = digits_value(t.data() + 1, 2);
        const int mm = digits_value(t.data() + 4, 2);
        int ss = 0;
        t.remove_prefix(6);
        if (!t.empty() && t[0] == ':') {
          if (t.size() < 3 || !all_digits(t.data() + 1, 2)) return bad;
          ss = digits_value(t.data() + 1, 2);
          t.remove_prefix(3);
          if (!t.empty() && (t[0] == '.' || t[0] == ',')) {  // fraction of a second: dropped
            t.remove_prefix(1);
            if (t.empty() || !is_digit(t[0])) return bad;
            while (!t.empty() && is_digit(t[0])) t.remove_prefix(1);
          }
        }
        if (hh > 23 || mm > 59 || ss > 60) return {errc::out_of_range, "has a time of day outside 00:00:00..23:59:60"};
        int offset_min = 0;
        if (t == "Z") {
          t = {};
        } else if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
          if (t.size() != 6 || !all_digits(t.data() + 1, 2) || t[3] != ':' || !all_digits(t.data() + 4, 2)) return bad;
          const int oh = digits_value(t.data() + 1, 2), om = digits_value(t.data() + 4, 2);
          if (om > 59 || oh * 60 + om > 18 * 60) return {errc::out_of_range, "has a UTC offset outside -18:00..+18:00"};
          offset_min = oh * 60 + om;
          if (t[0] == '-') offset_min = -offset_min;
          t = {};
        }
        if (!t.empty()) return bad;
        in_day = std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss} -
                 std::chrono::minutes{offset_min};
      }
      break;
    }
    case time_format::day_month_year:
    case time_format::month_day_year: {
      if (const field_failure r = parse_numeric_date(s, f == time_format::day_month_year, day, in_day); !r.ok()) return r;
      break;
    }
    case time_format::epoch_seconds: {
      long long v = 0;
      if (const field_failure r = parse_signed(s, v); !r.ok())
        return r.code == errc::out_of_range ? field_failure{errc::out_of_range, "is outside the accepted date range"}
                                            : field_failure{errc::malformed, "is not a whole number of seconds"};
      // Range check before building a time point, so no arithmetic can overflow.
      const long long lo = range.earliest.time_since_epoch().count() * 86400LL;
      const long long hi = range.latest.time_since_epoch().count() * 86400LL + 86399LL;
      if (v < lo || v > hi) return {errc::out_of_range, "is outside the accepted date range"};
      out = time_point{std::chrono::seconds{v}};
      return {};
    }
  }
  if (day < range.earliest || day > range.latest) return {errc::out_of_range, "is outside the accepted date range"};
  out = time_point{day} + in_day;
  // a UTC offset or a leap second can carry a time of the first or last day out of the range
  if (out < time_point{range.earliest} || out >= time_point{range.latest + std::chrono::days{1}})
    return {errc::out_of_range, "is outside the accepted date range"};
  return {};
}

/// An e-mail event kind by name: sent, delivered, hard_bounce, soft_bounce, open, click,
/// unsubscribe, spam_complaint, conversion; any case, '-' or ' ' in place of '_'.
constexpr field_failure parse_email_kind(std::string_view s, email_event_kind& out) noexcept {
  constexpr std::string_view names[] = {"sent",  "delivered", "hard_bounce", "soft_bounce",   "open",
                                        "click", "unsubscribe", "spam_complaint", "conversion"};
  for (std::size_t k = 0; k < std::size(names); ++k) {
    const std::string_view n = names[k];
    if (n.size() != s.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < n.size() && same; ++i) {
      char c = s[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c == '-' || c == ' ') c = '_';
      same = c == n[i];
    }
    if (same) {
      out = static_cast<email_event_kind>(k);
      return {};
    }
  }
  if (s.empty()) return {errc::malformed, "is empty where an e-mail event kind is required"};
  return {errc::malformed,
          "is not an e-mail event kind (sent, delivered, hard_bounce, soft_bounce, open, click, unsubscribe, "
          "spam_complaint, conversion)"};
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE

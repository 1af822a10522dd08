// crm-metrics: the CSV reader's fast path for order logs in a fixed layout (digits-only ids, an ISO
// or YYYYMMDD date of fixed width, plain decimal amounts with a decimal point, no quotes or blanks),
// and the date cache.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/aggregate/csv.hpp>
//
// The fast path accepts a line only when the general path would accept it with the same record;
// anything else (a blank, a quote, a sign, a long number, a bad date, a missing or extra field, the
// last bytes of a chunk) makes it return nullptr, and the general path reads the line and reports
// it. So the fast path changes no result and no message, only the time.
#pragma once

#include <crm/aggregate/detail/csv_fields.hpp>
#include <crm/aggregate/records.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

/// The last time field read and its value: logs are sorted by time, so most rows repeat the
/// previous row's date and skip the calendar arithmetic. One per worker.
struct time_cache {
  std::array<char, 32> text{};
  std::size_t size = 0;  ///< 0: empty
  time_point value{};
  field_failure parse(std::string_view s, time_format f, const date_range& range, time_point& out) {
    // size != 0: an empty cache must not match an empty field (it gave the first rows of a piece
    // with an empty date the time 1970-01-01 instead of "is empty where a date or time is required")
    if (s.size() == size && size != 0 && same_text(s)) {
      out = value;
      return {};
    }
    const field_failure r = parse_time(s, f, range, out);
    if (r.ok() && s.size() <= text.size()) {
      std::memcpy(text.data(), s.data(), s.size());
      size = s.size();
      value = out;
    }
    return r;
  }
  bool same_text(std::string_view s) const noexcept {
    if (size < 8 || size > 16) return std::memcmp(s.data(), text.data(), size) == 0;
    std::uint64_t a = 0, b = 0, c = 0, d = 0;  // two overlapping words cover 8..16 bytes
    std::memcpy(&a, s.data(), 8);
    std::memcpy(&b, text.data(), 8);
    std::memcpy(&c, s.data() + size - 8, 8);
    std::memcpy(&d, text.data() + size - 8, 8);
    return ((a ^ b) | (c ^ d)) == 0;
  }
};

/// The run of ASCII digits at the start of the eight bytes at p: returns its length (0..8) and
/// stores its value in v. SWAR on a little-endian load (load_le64, any byte order): a byte is a digit when its high nibble is 3 and adding
/// 6 keeps it there; carries only reach bytes after the first non-digit, which are not used.
inline unsigned digit_run8(const char* p, std::uint64_t& v) noexcept {
  constexpr std::uint64_t hi = 0xF0F0F0F0F0F0F0F0ULL, threes = 0x3030303030303030ULL;
  const std::uint64_t w = load_le64(p);
  const std::uint64_t m = ((w & hi) ^ threes) | (((w + 0x0606060606060606ULL) & hi) ^ threes);
  const std::uint64_t flags = (((m & 0x7F7F7F7F7F7F7F7FULL) + 0x7F7F7F7F7F7F7F7FULL) | m) & 0x8080808080808080ULL;
  const unsigned n = flags == 0 ? 8u : static_cast<unsigned>(std::countr_zero(flags)) >> 3;
  if (n == 0) return 0;
  std::uint64_t d = (w - threes) << (8 * (8 - n));  // the n digits, as the last n of eight (leading zeros)
  d = (d * 10 + (d >> 8)) & 0x00FF00FF00FF00FFULL;
  d = (d * 100 + (d >> 16)) & 0x0000FFFF0000FFFFULL;
  v = (d * 10000 + (d >> 32)) & 0xFFFFFFFFULL;
  return n;
}

/// The columns of an order log, when the fast path applies to them.
struct fast_order_layout {
  static constexpr std::size_t max_columns = 8;
  bool enabled = false;
  std::size_t columns = 0;
  std::array<int, max_columns> role{};  ///< per column: -1 unused, else csv_schema<order<T>>'s role
  char delimiter = ',';
  char quote = '"';
  std::size_t time_width = 10;  ///< 10: iso_date, 8: yyyymmdd
  time_format time = time_format::iso_date;
  date_range dates{};
  bool standard = false;  ///< exactly customer, time, amount: read without the per-column dispatch
};

/// The fast layout for a delimited order log whose header (or names) fixes the field count, with
/// a fixed-width date format (iso_date, yyyymmdd) and amounts with a decimal point; disabled
/// otherwise: day_month_year and month_day_year (day and month of one or two digits), the date-time
/// forms, and csv_format::decimal_comma (fast_amount reads a '.' as the decimal point, which a
/// decimal-comma file must refuse) are read by the general path only.
inline fast_order_layout make_fast_order_layout(const std::vector<int>& role_of, std::size_t width, char delimiter,
                                                char quote, bool whitespace, time_format time, const date_range& dates,
                                                bool decimal_comma = false) {
  fast_order_layout l;
  auto plain = [](char c) { return is_digit(c) || c == '-' || c == '.' || c == '\n' || c == '\r' || is_blank(c); };
  if (whitespace || width == 0 || width != role_of.size() || width > fast_order_layout::max_columns ||
      plain(delimiter) || plain(quote) || delimiter == quote)
    return l;
  if (time != time_format::iso_date && time != time_format::yyyymmdd) return l;
  if (decimal_comma) return l;
  l.columns = width;
  for (std::size_t c = 0; c < width; ++c) l.role[c] = role_of[c];
  l.delimiter = delimiter;
  l.quote = quote;
  l.time = time;
  l.time_width = time == time_format::iso_date ? 10 : 8;
  l.dates = dates;
  l.standard = width == 3 && role_of[0] == 0 && role_of[1] == 1 && role_of[2] == 2;
  l.enabled = true;
  return l;
}

/// The fast readers of one field at q: each returns the byte after the field, or nullptr.
/// An unsigned 64-bit id of 1..19 digits (parse_unsigned's unchecked case).
inline const char* fast_id(const char* q, std::uint64_t& out) noexcept {
  static constexpr std::uint64_t ten_to[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  std::uint64_t v1 = 0, v2 = 0, v3 = 0;
  const unsigned n1 = digit_run8(q, v1);
  if (n1 < 8) {
    out = v1;
    return n1 == 0 ? nullptr : q + n1;
  }
  const unsigned n2 = digit_run8(q + 8, v2);
  if (n2 < 8) {
    out = v1 * ten_to[n2] + v2;
    return q + 8 + n2;
  }
  const unsigned n3 = digit_run8(q + 16, v3);
  if (n3 > 3) return nullptr;  // 20 digits or more: the checked path
  out = (v1 * 100000000u + v2) * ten_to[n3] + v3;
  return q + 16 + n3;
}
/// A date of exactly l.time_width characters.
inline const char* fast_time(const char* q, const fast_order_layout& l, time_cache& cache, time_point& out) noexcept {
  return cache.parse({q, l.time_width}, l.time, l.dates, out).ok() ? q + l.time_width : nullptr;
}
/// An amount [-]digits[.digits] of at most 15 digits: exact_decimal_double's case, the same double.
inline const char* fast_amount(const char* q, double& out) noexcept {
  static constexpr double pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16};
  const bool neg = *q == '-';
  q += neg;
  std::uint64_t m = 0;
  const char* d0 = q;
  for (; is_digit(*q) && q - d0 < 16; ++q) m = m * 10 + static_cast<std::uint64_t>(*q - '0');
  const auto whole = q - d0;
  if (whole == 0) return nullptr;
  std::ptrdiff_t frac = 0;
  if (*q == '.') {
    const char* f0 = ++q;
    for (; is_digit(*q) && q - f0 < 16; ++q) m = m * 10 + static_cast<std::uint64_t>(*q - '0');
    frac = q - f0;
  }
  if (whole + frac > 15) return nullptr;
  const double v = static_cast<double>(m) / pow10[frac];
  out = neg ? -v : v;
  return q;
}
/// The end of a line at q ("\n" or "\r\n"): the start of the next line, or nullptr.
inline const char* fast_line_end(const char* q) noexcept {
  if (*q == '\n') return q + 1;
  if (*q == '\r' && q[1] == '\n') return q + 2;
  return nullptr;
}

/// Reads the line at p as an order in the fast layout: returns the start of the next line and
/// fills r, or returns nullptr (r is then garbage) when the line is not in the fast layout or is
/// bad, for the general path to read. Reads only inside [p, e).
template <class T>
const char* fast_order_line(const char* p, const char* e, const fast_order_layout& l, order<T>& r,
                            time_cache& cache) noexcept {
  static_assert(std::is_same_v<T, double>, "the fast path builds doubles (Clinger's exact case)");
  constexpr std::ptrdiff_t room = 48;  // bytes any field reader reads from its start, at most, plus 2
  if (l.standard) {  // customer_id,date,amount
    if (e - p < 3 * room) return nullptr;
    const char* q = fast_id(p, r.customer);
    if (q == nullptr || *q != l.delimiter) return nullptr;
    q = fast_time(q + 1, l, cache, r.time);
    if (q == nullptr || *q != l.delimiter) return nullptr;
    q = fast_amount(q + 1, r.amount);
    return q == nullptr ? nullptr : fast_line_end(q);
  }
  const std::size_t last = l.columns - 1;
  for (std::size_t c = 0;; ++c) {
    if (e - p < room) return nullptr;
    const char* q = p;
    switch (l.role[c]) {
      case 0: q = fast_id(q, r.customer); break;
      case 1: q = fast_time(q, l, cache, r.time); break;
      case 2: q = fast_amount(q, r.amount); break;
      case 3:
      case 4: {  // channel, campaign: empty (0) or 1..8 digits (parse_unsigned<uint32_t>'s unchecked case)
        std::uint64_t v = 0;
        const unsigned n = digit_run8(q, v);
        if (n == 8) return nullptr;
        (l.role[c] == 3 ? r.channel : r.campaign) = static_cast<tag_id>(v);
        q += n;
        break;
      }
      default: {  // a column no field reads: anything but a quote up to the delimiter (or line end)
        const char stop = c == last ? '\n' : l.delimiter;
        while (q < e && *q != stop && *q != '\n') {
          if (*q == l.quote) return nullptr;
          ++q;
        }
        if (q == e || *q != stop) return nullptr;
        if (c == last) return q + 1;  // a '\r' before it belongs to the unused field
        break;
      }
    }
    if (q == nullptr) return nullptr;
    if (c == last) return fast_line_end(q);
    if (*q != l.delimiter) return nullptr;
    p = q + 1;
  }
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE

// crm-report: number formatting shared by the terminal and HTML outputs.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#pragma once

#include "report.hpp"

#include <crm/format.hpp>
#include <fmt/core.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace crm_report {

/// The note under the parameters of a forecast from a fit on the boundary (plain text: the terminal's, and the
/// page's after escaping). At Pareto/NBD's corner s, beta -> 0 and BG/NBD's a, b -> 0 and b -> 0 the forecast is the
/// limit itself, tested against the NBD (pi = 0); elsewhere it is the nested model's, tested against the fitted model.
inline std::string boundary_note(const forecast_figures& f) {
  const boundary_figures& b = *f.boundary;
  const bool pareto_corner = b.where == "s_and_beta_to_zero";
  if (pareto_corner || b.where == "a_and_b_to_zero" || b.where == "b_to_zero")
    return fmt::format("{}'s likelihood is maximised on the boundary of its parameters ({}); the forecast is that limit's model, {} "
                       "(likelihood-ratio test of the share that {}, against the NBD: {:.3g}, p = {:.3g})",
                       b.fitted_model, b.description, f.model, pareto_corner ? "never buys again" : "drops out at its first repeat purchase",
                       b.lr_statistic, b.lr_p_value);
  return fmt::format("{}'s likelihood is maximised on the boundary of its parameters ({}); the forecast is the nested model's, {} "
                     "(likelihood-ratio test against it: {:.3g}, p = {:.3g})",
                     b.fitted_model, b.description, f.model, b.lr_statistic, b.lr_p_value);
}

/// Columns a UTF-8 string takes (one per code point: enough for the text the report prints).
inline std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

/// `s` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD, the
/// replacement character (each maximal invalid subpart by one, as Unicode's "U+FFFD substitution of
/// maximal subparts" recommends). Text of the input files reaches the pages (a rejected row's value,
/// a column or file name), and a file need not be UTF-8: a Windows-1251 export of 1C writes its
/// Cyrillic in single bytes. The HTML page declares UTF-8; the JSON dump refuses invalid UTF-8 (it
/// threw, and crm-report ended with "internal error": found by tests/fuzz/report_fuzz.cpp).
inline std::string valid_utf8(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  const auto byte = [&s](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char b = byte(i);
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (b < 0x80) len = 1;
    else if (b >= 0xC2 && b <= 0xDF) len = 2;
    else if (b >= 0xE0 && b <= 0xEF) len = 3, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
    else if (b >= 0xF0 && b <= 0xF4) len = 4, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
    std::size_t ok = len == 0 ? 0 : 1;  // bytes of a well-formed prefix
    while (ok > 0 && ok < len && i + ok < s.size()) {
      const unsigned char c = byte(i + ok);
      if (ok == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF)) break;
      ++ok;
    }
    if (len != 0 && ok == len) {
      out.append(s, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD in place of the maximal invalid subpart
      i += ok == 0 ? 1 : ok;
    }
  }
  return out;
}

/// "1234567" -> "1 234 567": a run of digits in groups of three from the right, with a plain space.
inline std::string group_digits(const std::string& digits) {
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ' ';
    out += digits[i];
  }
  return out;
}

/// 1234567 -> "1 234 567"; every int64 value, INT64_MIN included (its magnitude taken unsigned).
inline std::string count_text(std::int64_t v) {
  const std::uint64_t magnitude = v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  return fmt::format("{}{}", v < 0 ? "-" : "", group_digits(std::to_string(magnitude)));
}

/// The text of a number that rounds to zero without its sign ("-0.0" -> "0.0", "+0.0%" -> "0.0%"), as
/// the library's formatters print it (<crm/format.hpp>); "-inf" and "nan" are left as they are.
inline std::string unsigned_zero(std::string s) {
  const bool digits = s.find_first_of("0123456789") != std::string::npos;
  if (digits && s.find_first_of("123456789") == std::string::npos && !s.empty() && (s.front() == '-' || s.front() == '+'))
    s.erase(0, 1);
  return s;
}

inline std::string fixed(double v, int decimals) { return unsigned_zero(fmt::format("{:.{}f}", v, decimals)); }

/// Money with two decimals and grouped thousands: "$ 1 234.50" (the currency as given). Any finite
/// double: fmt writes it exactly to two decimals (1e19 is "10000000000000000000.00") and the digits
/// before the point are grouped as text, with no integer conversion.
inline std::string money_text(double v, const std::string& currency) {
  const std::string text = fmt::format("{:.2f}", std::fabs(v));
  const std::size_t point = text.find('.');
  if (point == std::string::npos) return fmt::format("{}", v);  // not finite: "inf", "nan"
  const bool zero = text.find_first_not_of("0.") == std::string::npos;
  return fmt::format("{}{}{}{}", v < 0 && !zero ? "-" : "", currency.empty() ? "" : currency + " ",
                     group_digits(text.substr(0, point)), text.substr(point));
}

/// A fraction in percent with one decimal, through the library's formatter (<crm/format.hpp>): no
/// sign on a value that rounds to zero, and a percent beyond a double (a ROMI of 1e307) written as
/// the fraction's digits with the point moved, never "inf%".
inline std::string percent(double fraction) { return fmt::format("{:.1}", crm::rate<double>{fraction}); }
/// "+12.5%", "-3.0%"; "0.0%" for a value that rounds to zero.
inline std::string signed_percent(double fraction) {
  std::string s = percent(fraction);
  return s.front() != '-' && s.find_first_of("123456789") != std::string::npos ? fmt::format("+{}", s) : s;
}
inline std::string interval_text(const interval& i) { return fmt::format("[{}, {}]", percent(i.lower), percent(i.upper)); }

}  // namespace crm_report

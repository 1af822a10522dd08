// crm-metrics: Boost.Multiprecision support: number aliases and fmt formatters (opt-in).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// The metrics work with any boost::multiprecision::number without this header (the crm::number
// concept only needs std::numeric_limits and arithmetic). Include it for:
//  - crm::decimal50 (cpp_dec_float_50: exact decimal money) and crm::quad (cpp_bin_float_quad);
//  - fmt::formatter for boost::multiprecision::number, honouring "{:.Nf}"-style precision, which
//    bookworm's fmt 9.1 does not provide.
#pragma once

#include <crm/format.hpp>

#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/cpp_dec_float.hpp>

#include <ios>
#include <string>

CRM_METRICS_BEGIN_NAMESPACE
/// 50 decimal digits: 0.10 is exact, so ten times 0.10 sums to exactly 1.00.
using decimal50 = boost::multiprecision::cpp_dec_float_50;
/// IEEE quadruple precision (113-bit significand), in software.
using quad = boost::multiprecision::cpp_bin_float_quad;
CRM_METRICS_END_NAMESPACE

/// Formats a Boost.Multiprecision number: "{}" prints all significant digits, "{:.N}" or "{:.Nf}"
/// prints N digits after the point in fixed notation, "{:.Ne}" scientific.
template <class Backend, boost::multiprecision::expression_template_option ET>
struct fmt::formatter<boost::multiprecision::number<Backend, ET>> {
  int precision = -1;
  char type = '\0';
  constexpr auto parse(format_parse_context& ctx) {
    auto it = ctx.begin();
    const auto end = ctx.end();
    if (it != end && *it == '.') {
      ++it;
      int p = 0;
      while (it != end && *it >= '0' && *it <= '9') p = p * 10 + (*it++ - '0');
      precision = p;
    }
    if (it != end && (*it == 'f' || *it == 'e' || *it == 'g')) type = *it++;
    if (it != end && *it != '}') FMT_THROW(fmt::format_error("crm: Boost.Multiprecision spec is [.N][f|e|g]"));
    return it;
  }
  template <class FormatContext>
  auto format(const boost::multiprecision::number<Backend, ET>& v, FormatContext& ctx) const {
    std::string s;
    if (precision < 0 && type == '\0') {
      s = v.str(0);
    } else {
      std::ios_base::fmtflags f = type == 'e' ? std::ios_base::scientific
                                  : type == 'g' ? std::ios_base::fmtflags{}
                                                : std::ios_base::fixed;
      s = v.str(precision < 0 ? 6 : precision, f);
    }
    return fmt::format_to(ctx.out(), "{}", s);
  }
};

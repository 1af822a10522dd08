// crm-report: number formatting shared by the terminal and HTML outputs.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#pragma once

#include "report.hpp"

#include <fmt/core.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace crm_report {

/// Columns a UTF-8 string takes (one per code point: enough for the text the report prints).
inline std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

/// 1234567 -> "1 234 567" (thin groups with a plain space).
inline std::string count_text(std::int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ' ';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

inline std::string fixed(double v, int decimals) { return fmt::format("{:.{}f}", v, decimals); }

/// Money with two decimals and grouped thousands: "$ 1 234.50" (the currency as given).
inline std::string money_text(double v, const std::string& currency) {
  const double r = std::round(std::fabs(v) * 100.0) / 100.0;
  const auto whole = static_cast<std::int64_t>(std::floor(r));
  const auto cents = static_cast<int>(std::lround((r - static_cast<double>(whole)) * 100.0));
  return fmt::format("{}{}{}.{:02d}", v < 0 ? "-" : "", currency.empty() ? "" : currency + " ", count_text(whole), cents);
}

inline std::string percent(double fraction) { return fmt::format("{:.1f}%", fraction * 100.0); }
inline std::string signed_percent(double fraction) { return fmt::format("{:+.1f}%", fraction * 100.0); }
inline std::string interval_text(const interval& i) {
  return fmt::format("[{:.1f}%, {:.1f}%]", i.lower * 100.0, i.upper * 100.0);
}

}  // namespace crm_report

// crm-metrics: calendar periods of the aggregation layer: day, ISO week, month, quarter, year.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// A period is numbered by a signed integer counted from the Unix epoch (UTC): day 0 is 1970-01-01,
// week 0 is the ISO week (Monday to Sunday) that contains it (starting Monday 1969-12-29), month 0
// is January 1970, quarter 0 is 1970-Q1, year 0 is 1970. Numbers are consecutive, so "k periods
// later" is index + k in every unit. Built on std::chrono's civil calendar (C++20).
// Customization points: none.
#pragma once

#include <crm/aggregate/records.hpp>
#include <crm/core/error.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

CRM_METRICS_BEGIN_NAMESPACE

/// The calendar unit periods are counted in.
enum class period_unit : unsigned char { day, week, month, quarter, year };

/// The earliest time a record may carry: 1900-01-01 00:00:00 UTC.
inline constexpr time_point earliest_time{std::chrono::sys_days{std::chrono::year{1900} / 1 / 1}};
/// The first time after the latest a record may carry: 2200-01-01 00:00:00 UTC.
inline constexpr time_point end_of_time{std::chrono::sys_days{std::chrono::year{2200} / 1 / 1}};

/**
 * @brief Checks that a record's time lies in [1900-01-01, 2200-01-01) UTC, the range every
 * accumulator accepts (a date outside it is taken for a broken field, e.g. 0001-01-01 or 9999-12-31).
 * Errors: errc::out_of_range naming `what` and field "time".
 */
[[nodiscard]] constexpr error_info check_time(const char* what, time_point t) noexcept {
  if (t < earliest_time || t >= end_of_time)
    return {errc::out_of_range, what, "time", "must lie in 1900-01-01 .. 2199-12-31"};
  return {};
}

/// The day of a time point (days since 1970-01-01, UTC; earlier days negative).
[[nodiscard]] constexpr std::int32_t day_number(time_point t) noexcept {
  return static_cast<std::int32_t>(std::chrono::floor<std::chrono::days>(t).time_since_epoch().count());
}

/**
 * @brief The number of the period that contains day `d` (see the header comment for the origin).
 * Week: floor((d + 3) / 7) (1970-01-01 was a Thursday). Month: 12 (year - 1970) + month - 1.
 * Quarter: 4 (year - 1970) + (month - 1) / 3. Year: year - 1970.
 */
[[nodiscard]] constexpr std::int32_t period_of_day(period_unit u, std::int32_t d) noexcept {
  using namespace std::chrono;
  switch (u) {
    case period_unit::day: return d;
    case period_unit::week: return static_cast<std::int32_t>((d + 3 >= 0) ? (d + 3) / 7 : -((-(d + 3) + 6) / 7));
    default: break;
  }
  const year_month_day ymd{sys_days{std::chrono::days{d}}};
  const int y = static_cast<int>(ymd.year()) - 1970;
  const int m = static_cast<int>(static_cast<unsigned>(ymd.month())) - 1;
  switch (u) {
    case period_unit::month: return y * 12 + m;
    case period_unit::quarter: return y * 4 + m / 3;
    default: return y;
  }
}
/// The period that contains time point `t`.
[[nodiscard]] constexpr std::int32_t period_of(period_unit u, time_point t) noexcept { return period_of_day(u, day_number(t)); }

/// The first day of period `p`. Any p: a month, quarter or year period of a year outside
/// std::chrono's -32767..32767 starts at the first period of the nearest of those years (before
/// 2026-12-05, p near the ends of int32 overflowed an int; a corrupted serialized state reached it,
/// found by tests/fuzz/state_fuzz.cpp).
[[nodiscard]] constexpr std::chrono::sys_days period_start(period_unit u, std::int32_t p) noexcept {
  using namespace std::chrono;
  const auto floor_div = [](std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  // the first day of month m of year 1970 + y; of the nearest representable year's first month when
  // 1970 + y is outside -32767..32767
  const auto start = [](std::int64_t y, unsigned m) {
    constexpr std::int64_t lo = -32767, hi = 32767;
    if (1970 + y < lo) return sys_days{year{static_cast<int>(lo)} / 1 / 1};
    if (1970 + y > hi) return sys_days{year{static_cast<int>(hi)} / 1 / 1};
    return sys_days{year{static_cast<int>(1970 + y)} / month{m} / 1};
  };
  switch (u) {
    case period_unit::day: return sys_days{std::chrono::days{p}};
    case period_unit::week: return sys_days{std::chrono::days{static_cast<long long>(p) * 7 - 3}};
    case period_unit::month: {
      const std::int64_t y = floor_div(p, 12);
      return start(y, static_cast<unsigned>(p - 12 * y + 1));
    }
    case period_unit::quarter: {
      const std::int64_t y = floor_div(p, 4);
      return start(y, static_cast<unsigned>(3 * (p - 4 * y) + 1));
    }
    case period_unit::year: return start(p, 1);
  }
  return sys_days{};
}

/// A readable name of period `p`: "2024-03-05", "2024-W09" (ISO week-year and week), "2024-03",
/// "2024-Q1", "2024".
[[nodiscard]] inline std::string period_label(period_unit u, std::int32_t p) {
  using namespace std::chrono;
  const sys_days start = period_start(u, p);
  const year_month_day ymd{start};
  const int y = static_cast<int>(ymd.year());
  const unsigned m = static_cast<unsigned>(ymd.month());
  char buf[32];
  switch (u) {
    case period_unit::day:
      std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, static_cast<unsigned>(ymd.day()));
      break;
    case period_unit::week: {
      // ISO 8601: the week belongs to the year of its Thursday; week 1 holds the year's first Thursday.
      const sys_days thursday = start + std::chrono::days{3};
      const year ty = year_month_day{thursday}.year();
      const int week = static_cast<int>((thursday - sys_days{ty / 1 / 1}).count() / 7 + 1);
      std::snprintf(buf, sizeof buf, "%04d-W%02d", static_cast<int>(ty), week);
      break;
    }
    case period_unit::month: std::snprintf(buf, sizeof buf, "%04d-%02u", y, m); break;
    case period_unit::quarter: std::snprintf(buf, sizeof buf, "%04d-Q%u", y, (m - 1) / 3 + 1); break;
    case period_unit::year: std::snprintf(buf, sizeof buf, "%04d", y); break;
  }
  return buf;
}

CRM_METRICS_END_NAMESPACE

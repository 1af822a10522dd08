// crm-metrics: the (successes, trials) behind each proportion metric, for intervals and A/B tests.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Each function maps a metric's input struct to the proportion_sample whose observed rate is that
// metric, so that e.g. crm::proportion_interval(crm::open_rate_sample(campaign)) is the interval of
// crm::open_rate(campaign). The counts are passed through unchanged: invalid counts are reported by
// the statistics function that receives them (on its fields "successes" and "trials").
// Customization points: none.
#pragma once

#include <crm/metrics/acquisition.hpp>
#include <crm/metrics/email.hpp>
#include <crm/metrics/retention.hpp>
#include <crm/statistics/proportion.hpp>

#include <limits>

CRM_METRICS_BEGIN_NAMESPACE

/// Open rate (001_15fb4e46a87cf176.txt line 74): unique opens of delivered.
template <number T>
[[nodiscard]] constexpr proportion_sample open_rate_sample(const email_campaign<T>& c) noexcept {
  return {.successes = c.unique_opens, .trials = c.delivered};
}
/// CTR (001 line 78): unique clicks of delivered.
template <number T>
[[nodiscard]] constexpr proportion_sample click_through_sample(const email_campaign<T>& c) noexcept {
  return {.successes = c.unique_clicks, .trials = c.delivered};
}
/// Click-to-open rate: unique clicks of unique opens.
template <number T>
[[nodiscard]] constexpr proportion_sample click_to_open_sample(const email_campaign<T>& c) noexcept {
  return {.successes = c.unique_clicks, .trials = c.unique_opens};
}
/// E-mail conversion (000_9949ba3a3098aa87.txt line 154): conversions of sent.
template <number T>
[[nodiscard]] constexpr proportion_sample email_conversion_sample(const email_campaign<T>& c) noexcept {
  return {.successes = c.conversions, .trials = c.sent};
}
/// Unsubscribe rate: unsubscribed of delivered.
template <number T>
[[nodiscard]] constexpr proportion_sample unsubscribe_sample(const email_campaign<T>& c) noexcept {
  return {.successes = c.unsubscribed, .trials = c.delivered};
}
/// Conversion to a target action (001 line 60): actions of the named audience.
[[nodiscard]] constexpr proportion_sample conversion_sample(const conversion_counts& c) noexcept {
  return {.successes = c.actions, .trials = c.audience};
}
/// Churn rate (001 line 42): customers lost of customers at the start of the period.
[[nodiscard]] constexpr proportion_sample churn_sample(const churn_counts& c) noexcept {
  return {.successes = c.customers_lost, .trials = c.customers_at_start};
}
/// Retention rate (001 line 36): customers at the end minus new customers, of customers at the start.
/// A difference that would overflow count_t (only possible with a negative, invalid count) becomes
/// the largest count, which the statistics function reports as larger than the trials.
[[nodiscard]] constexpr proportion_sample retention_sample(const retention_counts& c) noexcept {
  constexpr count_t max = std::numeric_limits<count_t>::max();
  constexpr count_t min = std::numeric_limits<count_t>::min();
  count_t retained = max;
  if (c.new_customers >= 0 ? c.customers_at_end >= min + c.new_customers : c.customers_at_end <= max + c.new_customers)
    retained = c.customers_at_end - c.new_customers;
  return {.successes = retained, .trials = c.customers_at_start};
}
/// Repeat-purchase share (001 line 66): customers with >= 2 purchases of all customers.
[[nodiscard]] constexpr proportion_sample repeat_purchase_sample(const repeat_counts& c) noexcept {
  return {.successes = c.repeat_customers, .trials = c.customers};
}

CRM_METRICS_END_NAMESPACE

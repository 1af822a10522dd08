// crm-metrics: the raw records the aggregation layer reads: orders, e-mail events, survey answers,
// marketing spend.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Plain value structs, one per row of a user's log. Customer and recipient ids are 64-bit integers;
// string ids go through crm::customer_dictionary (<crm/aggregate/ids.hpp>) or a hash of the caller's
// choice. Time points are std::chrono::sys_seconds (a date alone is its midnight UTC; see to_time()).
#pragma once

#include <crm/core/number.hpp>

#include <chrono>
#include <cstdint>

CRM_METRICS_BEGIN_NAMESPACE

/// A customer (or e-mail recipient) id: any 64-bit value.
using customer_id = std::uint64_t;
/// A channel or campaign id; 0 means "none given".
using tag_id = std::uint32_t;

/// A point in time, second resolution, UTC.
using time_point = std::chrono::sys_seconds;

/// The time point of a calendar date (its midnight, UTC).
[[nodiscard]] constexpr time_point to_time(std::chrono::sys_days d) noexcept { return time_point{d}; }

/// One order (or a return: a negative amount; see docs/aggregation.md for how each accumulator
/// treats returns).
template <number T = double>
struct order {
  customer_id customer{};  ///< who bought
  time_point time{};       ///< when
  T amount{};              ///< how much, in the currency of the log
  tag_id channel = 0;      ///< acquisition or sales channel, 0 = none
  tag_id campaign = 0;     ///< marketing campaign, 0 = none
};

/// What happened to one e-mail of a campaign, as e-mail services log it.
enum class email_event_kind : std::uint8_t {
  sent,
  delivered,
  hard_bounce,
  soft_bounce,
  open,
  click,
  unsubscribe,
  spam_complaint,
  conversion,  ///< a purchase attributed to the e-mail; carries revenue
};

/// One e-mail event.
template <number T = double>
struct email_event {
  customer_id recipient{};
  tag_id campaign{};
  email_event_kind kind = email_event_kind::sent;
  time_point time{};
  T revenue{};  ///< only for conversion events; zero otherwise
};

/// One survey answer: an NPS answer 0..10 or a CSAT answer on the survey's scale.
struct survey_answer {
  customer_id respondent{};
  time_point time{};
  int score = 0;
};

/// Marketing or sales spend of one channel in one period (for CAC, ROMI and LTV:CAC from raw data).
template <number T = double>
struct spend_record {
  time_point time{};  ///< any time inside the period the spend belongs to
  tag_id channel = 0;
  T amount{};
};

CRM_METRICS_END_NAMESPACE

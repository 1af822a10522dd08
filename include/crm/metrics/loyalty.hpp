// crm-metrics: loyalty metrics: Net Promoter Score from counts and raw 0-10 answers, satisfaction.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#pragma once

#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>

CRM_METRICS_BEGIN_NAMESPACE

/// Counts of answers to "How likely are you to recommend us?" on the 0-10 scale: promoters answered
/// 9-10, passives 7-8, detractors 0-6 (001_15fb4e46a87cf176.txt line 82).
struct nps_counts {
  count_t promoters = 0;
  count_t passives = 0;
  count_t detractors = 0;
  [[nodiscard]] constexpr count_t respondents() const noexcept { return promoters + passives + detractors; }
  [[nodiscard]] constexpr bool ok() const noexcept {
    return promoters >= 0 && passives >= 0 && detractors >= 0 && respondents() > 0;
  }
};
CRM_METRICS_END_NAMESPACE

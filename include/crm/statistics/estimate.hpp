// crm-metrics: the result types of the statistics layer: a point estimate with its confidence interval.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Customization points: none. Formatters for these types are in <crm/statistics/format.hpp>.
#pragma once

#include <crm/core/quantity.hpp>

CRM_METRICS_BEGIN_NAMESPACE

/// A point estimate with a two-sided confidence interval [lower, upper] at confidence `level`
/// (0.95 = 95 %). Q is the quantity estimated: crm::rate<T> for proportions and rate differences,
/// T itself for NPS points and means (in the unit of the data: money for an average check).
template <class Q, number T>
struct estimate {
  Q point{};   ///< the estimate itself (e.g. the observed rate successes / trials)
  Q lower{};   ///< lower confidence limit
  Q upper{};   ///< upper confidence limit
  T level{};   ///< confidence level of [lower, upper], a fraction (0.95)
  friend constexpr bool operator==(const estimate&, const estimate&) = default;
};

/// An estimated rate (a proportion, or a difference or lift of rates) with its interval.
template <number T = double>
using rate_estimate = estimate<rate<T>, T>;

/// An estimated plain number (NPS points, a mean in the unit of the data) with its interval.
template <number T = double>
using value_estimate = estimate<T, T>;

CRM_METRICS_END_NAMESPACE

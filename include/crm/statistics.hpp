// crm-metrics: umbrella header of the statistics layer: intervals, A/B tests, Bayesian comparison, planning.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Needs Boost.Math (headers only). The fmt formatters of the result types are opt-in:
// <crm/statistics/format.hpp>.
#pragma once

#include <crm/statistics/estimate.hpp>
#include <crm/statistics/proportion.hpp>
#include <crm/statistics/mean.hpp>
#include <crm/statistics/nps.hpp>
#include <crm/statistics/ab_test.hpp>
#include <crm/statistics/bayes.hpp>
#include <crm/statistics/planning.hpp>
#include <crm/statistics/samples.hpp>

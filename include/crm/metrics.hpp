// crm-metrics: umbrella header of the metric layer: every formula metric of the library.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Needs only the standard library. Opt-in integrations: <crm/format.hpp> (fmt formatters),
// <crm/multiprecision.hpp> (Boost.Multiprecision aliases and formatters). Other layers have their own
// umbrellas: <crm/statistics.hpp>, <crm/models.hpp>.
#pragma once

#include <crm/version.hpp>
#include <crm/core/error.hpp>
#include <crm/core/number.hpp>
#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/metrics/acquisition.hpp>
#include <crm/metrics/email.hpp>
#include <crm/metrics/engagement.hpp>
#include <crm/metrics/loyalty.hpp>
#include <crm/metrics/retention.hpp>
#include <crm/metrics/revenue.hpp>
#include <crm/metrics/service.hpp>

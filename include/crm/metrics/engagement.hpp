// crm-metrics: web and social engagement metrics: web bounce rate, engagement rate, reach rate, subscriber growth.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#pragma once

#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>

CRM_METRICS_BEGIN_NAMESPACE

CRM_METRICS_END_NAMESPACE

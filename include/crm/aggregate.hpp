// crm-metrics: the aggregation layer: from raw records (orders, e-mail events, survey answers,
// spend) to the input structs of every metric, interval and model.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Accumulators add one record or a span, merge exactly (merge(a, b) equals adding a's and b's
// records to one accumulator) and serialize to a versioned byte format. docs/aggregation.md.
#pragma once

#include <crm/aggregate/cohort.hpp>          // IWYU pragma: export
#include <crm/aggregate/customer_table.hpp>  // IWYU pragma: export
#include <crm/aggregate/email.hpp>           // IWYU pragma: export
#include <crm/aggregate/ids.hpp>             // IWYU pragma: export
#include <crm/aggregate/orders.hpp>          // IWYU pragma: export
#include <crm/aggregate/parallel.hpp>        // IWYU pragma: export
#include <crm/aggregate/periods.hpp>         // IWYU pragma: export
#include <crm/aggregate/records.hpp>         // IWYU pragma: export
#include <crm/aggregate/report.hpp>          // IWYU pragma: export
#include <crm/aggregate/rfm.hpp>             // IWYU pragma: export
#include <crm/aggregate/survey.hpp>          // IWYU pragma: export
#include <crm/core/interrupt.hpp>            // IWYU pragma: export

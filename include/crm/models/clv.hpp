// crm-metrics: clv model (placeholder; filled by the spend-and-discrete models work).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#pragma once

#include <crm/core/config.hpp>

// crm-metrics: library version, the single source of truth (CMake parses this file).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#pragma once

#define CRM_METRICS_VERSION_MAJOR 0
#define CRM_METRICS_VERSION_MINOR 1
#define CRM_METRICS_VERSION_PATCH 0
/// major * 10000 + minor * 100 + patch
#define CRM_METRICS_VERSION \
  (CRM_METRICS_VERSION_MAJOR * 10000 + CRM_METRICS_VERSION_MINOR * 100 + CRM_METRICS_VERSION_PATCH)

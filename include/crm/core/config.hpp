// crm-metrics: configuration macros (ABI namespace, assertions, exception support).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#pragma once

#include <crm/version.hpp>

#include <cassert>

// Public API lives in crm::v0 (inline), so two major versions can be linked into one program
// without ODR clashes. A test static-asserts the name.
#define CRM_METRICS_ABI_NAMESPACE v0
#define CRM_METRICS_BEGIN_NAMESPACE \
  namespace crm {                   \
  inline namespace v0 {
#define CRM_METRICS_END_NAMESPACE \
  }                               \
  }

// Violated preconditions (programming errors, not bad data) go through this macro.
// Users may define it before including any crm header.
#ifndef CRM_METRICS_ASSERT
#define CRM_METRICS_ASSERT(cond, msg) assert((cond) && (msg))
#endif

// Exceptions: detected from the compiler; -fno-exceptions builds get abort() on the throwing API and
// should use the try_* (non-throwing) forms.
#ifndef CRM_METRICS_HAS_EXCEPTIONS
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define CRM_METRICS_HAS_EXCEPTIONS 1
#else
#define CRM_METRICS_HAS_EXCEPTIONS 0
#endif
#endif

// crm-metrics: Catch2 v2/v3 shim for the tests.
#pragma once
#if defined(CRM_METRICS_CATCH2_V3)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

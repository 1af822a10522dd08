// crm-metrics: the precompiled header of the test programs (tests/CMakeLists.txt,
// CRM_METRICS_TEST_PCH): Catch2, the Boost.Math and Boost.Multiprecision headers the library uses,
// {fmt} and common standard headers, parsed once per build instead of once per test. No crm header:
// a test that sets a CRM_METRICS_* macro before it includes the library (e.g. CRM_METRICS_NO_LIBMVEC)
// still gets what it asks for. Nothing here may define a macro.
#pragma once
#include "catch.hpp"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/policies/policy.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/expm1.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/log1p.hpp>
#include <boost/math/tools/roots.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/cpp_dec_float.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

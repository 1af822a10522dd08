// Compile-only checks of <crm/metrics/revenue.hpp>: result units, noexcept policy, constexpr.
#include <crm/metrics/revenue.hpp>
#include <crm/multiprecision.hpp>

#include <type_traits>

namespace {
using crm::decimal50;
// Results keep their meaning: rates, money, multiples, periods.
static_assert(std::is_same_v<decltype(crm::romi({.revenue = 1.0, .marketing_cost = 1.0})), crm::rate<double>>);
static_assert(std::is_same_v<decltype(crm::average_check({.revenue = 1.0, .orders = 1})), crm::money<double>>);
static_assert(std::is_same_v<decltype(crm::purchase_frequency({.orders = 1, .customers = 1})), crm::multiple<double>>);
static_assert(std::is_same_v<decltype(crm::purchase_frequency<float>({.orders = 1, .customers = 1})), crm::multiple<float>>);
static_assert(std::is_same_v<decltype(crm::ltv(crm::ltv_inputs<decimal50>{})), crm::money<decimal50>>);
static_assert(std::is_same_v<decltype(crm::try_cac_payback_period(crm::payback_inputs<long double>{})),
                             crm::result<crm::period_count<long double>>>);
static_assert(std::is_same_v<decltype(crm::ltv_to_cac(crm::unit_economics<float>{})), crm::multiple<float>>);
static_assert(std::is_same_v<decltype(crm::cost_to_revenue({.cost = 1.0, .revenue = 1.0})), crm::rate<double>>);
// The try_ forms never throw for built-in types; for Boost numbers (which may allocate) they are not noexcept.
static_assert(noexcept(crm::try_romi(crm::marketing_investment<double>{})));
static_assert(noexcept(crm::try_discounted_ltv(crm::discounted_ltv_inputs<float>{})));
static_assert(!noexcept(crm::try_romi(crm::marketing_investment<decimal50>{})));
static_assert(!noexcept(crm::romi(crm::marketing_investment<double>{})));
// Default member initializers: an empty churn_ltv_inputs has gross_margin 1 (revenue form).
static_assert(crm::churn_ltv_inputs<double>{}.gross_margin == 1.0);
static_assert(!crm::churn_ltv_inputs<double>{}.ok());  // churn 0: infinite lifetime
// The number type of a braced call (docs/metrics.md, "Which number type?"): a braced list cannot
// deduce T, so it is the default, double, whatever the fields hold; naming T or passing a typed
// struct computes in that type.
static_assert(std::is_same_v<decltype(crm::roi({.revenue = 0.3f, .cost = 0.1f})), crm::rate<double>>);
static_assert(std::is_same_v<decltype(crm::roi<float>({.revenue = 0.3f, .cost = 0.1f})), crm::rate<float>>);
static_assert(std::is_same_v<decltype(crm::roi(crm::investment<float>{.revenue = 0.3f, .cost = 0.1f})), crm::rate<float>>);
static_assert(std::is_same_v<decltype(crm::ltv<long double>({.average_check = 1.0L})), crm::money<long double>>);
static_assert(std::is_same_v<decltype(crm::average_check<float>({.revenue = 0.3f, .orders = 3})), crm::money<float>>);
// Computed in float, 0.3f - 0.1f over 0.1f is float arithmetic, not double arithmetic.
static_assert(crm::roi<float>({.revenue = 0.3f, .cost = 0.1f}).fraction == (0.3f - 0.1f) / 0.1f);
static_assert(crm::roi({.revenue = 0.3f, .cost = 0.1f}).fraction == (double(0.3f) - double(0.1f)) / double(0.1f));
}  // namespace

// The control of tests/fail/revenue_roi_constexpr_overflow.cpp: the same call whose result fits
// double is a constant expression.
static_assert(crm::try_roi({.revenue = 1e300, .cost = 1e-5}));
static_assert(!crm::try_roi({.revenue = 1.0, .cost = 0.0}));
#if defined(__clang__)
// Clang evaluates the overflowing division in a constant expression, so there the error is a
// compile-time value too (GCC rejects the expression: tests/fail/gcc_revenue_roi_constexpr_overflow.cpp).
static_assert(crm::try_roi({.revenue = 1e308, .cost = 1e-10}).error().code == crm::errc::overflow);
#endif

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
}  // namespace

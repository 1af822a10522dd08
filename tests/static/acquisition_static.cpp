// Compile-only checks of <crm/metrics/acquisition.hpp>: result units, noexcept policy, constexpr funnel.
#include <crm/metrics/acquisition.hpp>
#include <crm/multiprecision.hpp>

#include <array>
#include <type_traits>

namespace {
static_assert(std::is_same_v<decltype(crm::conversion_rate<crm::quad>({.actions = 1, .audience = 2})), crm::rate<crm::quad>>);
static_assert(std::is_same_v<decltype(crm::cac({.marketing_and_sales_cost = 1.0, .new_customers = 1})), crm::money<double>>);
static_assert(std::is_same_v<decltype(crm::try_new_customers({})), crm::result<crm::count_t>>);
static_assert(std::is_same_v<decltype(crm::funnel(std::array<crm::count_t, 4>{})), crm::funnel_conversion<double, 4>>);
static_assert(std::is_same_v<decltype(crm::funnel(std::array<crm::count_t, 4>{}).stage_rates),
                             std::array<crm::rate<double>, 3>>);
static_assert(noexcept(crm::try_conversion_rate({.actions = 1, .audience = 2})));
static_assert(noexcept(crm::try_new_customers({})));
static_assert(!noexcept(crm::try_conversion_rate<crm::decimal50>({.actions = 1, .audience = 2})));
// A funnel of 4 stages evaluated entirely at compile time: 1 000 -> 100 -> 50 -> 10.
constexpr auto kFunnel = crm::funnel(std::array<crm::count_t, 4>{1'000, 100, 50, 10});
static_assert(kFunnel.stage_rates[0].fraction == 0.1 && kFunnel.stage_rates[1].fraction == 0.5 &&
              kFunnel.stage_rates[2].fraction == 0.2 && kFunnel.overall.fraction == 0.01);
}  // namespace

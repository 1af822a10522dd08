// Compile-only checks of <crm/metrics/retention.hpp>: result units (periods, chrono durations), noexcept policy.
#include <crm/metrics/retention.hpp>
#include <crm/multiprecision.hpp>

#include <chrono>
#include <ratio>
#include <type_traits>

namespace {
static_assert(std::is_same_v<decltype(crm::churn_rate({.customers_at_start = 1, .customers_lost = 0})), crm::rate<double>>);
static_assert(std::is_same_v<decltype(crm::customer_lifetime(crm::churn_per_period<crm::decimal50>{})),
                             crm::period_count<crm::decimal50>>);
// Time between purchases keeps the unit of its inputs.
using hours_ld = std::chrono::duration<long double, std::ratio<3600>>;
static_assert(std::is_same_v<decltype(crm::average_time_between_purchases(crm::purchase_dates<long double, std::ratio<3600>>{})),
                             hours_ld>);
static_assert(std::is_same_v<decltype(crm::average_time_between_purchases({.sum_of_gaps = crm::days<double>(1), .gaps = 1})),
                             crm::days<double>>);
static_assert(crm::average_time_between_purchases(crm::purchase_gaps<double, std::ratio<3600>>{
                  .sum_of_gaps = crm::hours<double>(48.0), .gaps = 2}) == crm::days<double>(1.0));
static_assert(noexcept(crm::try_retention_rate({})));
static_assert(noexcept(crm::try_average_time_between_purchases(crm::purchase_gaps<float>{})));
static_assert(!noexcept(crm::try_customer_lifetime(crm::churn_per_period<crm::quad>{})));
}  // namespace

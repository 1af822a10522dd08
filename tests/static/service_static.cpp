// Compile-time tests of <crm/metrics/service.hpp>.
#include <crm/metrics/service.hpp>

#include <chrono>

using namespace std::chrono_literals;

namespace {
constexpr double shares_sum() {
  const crm::count_t lost[] = {1, 2, 1};
  crm::rate<double> s[3];
  (void)crm::lost_deal_shares(lost, s);
  return s[0].fraction + s[1].fraction + s[2].fraction;  // 0.25 + 0.5 + 0.25
}
}  // namespace

static_assert(shares_sum() == 1.0);
static_assert(crm::average_response_time({.total_response_time = 30s, .responses = 4}).count() == 7.5);
static_assert(crm::average_lead_processing_time(crm::lead_processing_times<double, std::ratio<3600>>{
                                                    .total_processing_time = 9h, .leads = 4})
                  .count() == 2.25);
static_assert(crm::unresolved_request_share({.requests = 8, .unresolved = 2}).fraction == 0.25);
static_assert(crm::revenue_per_manager({.revenue = 900.0, .managers = 4}).amount == 225.0);
static_assert(crm::deals_per_manager({.deals = 9, .managers = 4}).value() == 2.25);
static_assert(crm::lost_deal_share({.lost_for_reason = 1, .lost_deals = 8}).fraction == 0.125);
static_assert(crm::try_revenue_per_manager({.revenue = 1.0, .managers = 0}).error().code == crm::errc::zero_denominator);

// Compile-only check of docs/errors.md: every input struct of the formula metrics has
// `constexpr bool ok() const`, true when every field is valid.
#include <crm/metrics.hpp>

#include <chrono>
#include <concepts>

namespace {
template <class S>
concept has_ok = requires(const S& s) {
  { s.ok() } -> std::same_as<bool>;
};

// acquisition
static_assert(has_ok<crm::conversion_counts> && has_ok<crm::lead_counts> && has_ok<crm::visitor_counts>);
static_assert(has_ok<crm::customer_flow> && has_ok<crm::customer_base> && has_ok<crm::acquisition_costs<>>);
static_assert(has_ok<crm::channel_counts> && has_ok<crm::acquisition_channel<>>);
// retention
static_assert(has_ok<crm::retention_counts> && has_ok<crm::churn_counts> && has_ok<crm::repeat_counts>);
static_assert(has_ok<crm::churn_per_period<>> && has_ok<crm::purchase_dates<>> && has_ok<crm::purchase_gaps<>>);
static_assert(has_ok<crm::cohort_counts>);
// revenue
static_assert(has_ok<crm::investment<>> && has_ok<crm::marketing_investment<>> && has_ok<crm::order_totals<>>);
static_assert(has_ok<crm::purchase_counts> && has_ok<crm::ltv_inputs<>> && has_ok<crm::clv_inputs<>>);
static_assert(has_ok<crm::margin_ltv_inputs<>> && has_ok<crm::churn_ltv_inputs<>> && has_ok<crm::discounted_ltv_inputs<>>);
static_assert(has_ok<crm::payback_inputs<>> && has_ok<crm::unit_economics<>> && has_ok<crm::cost_and_revenue<>>);
static_assert(has_ok<crm::acquired_customers<>>);
// email, loyalty
static_assert(has_ok<crm::email_campaign<>>);
static_assert(has_ok<crm::nps_counts> && has_ok<crm::csat_counts> && has_ok<crm::csat_scale>);
// engagement, service (also with integer tick counts)
static_assert(has_ok<crm::site_traffic> && has_ok<crm::social_stats> && has_ok<crm::subscriber_counts>);
static_assert(has_ok<crm::interaction_times<>> && has_ok<crm::interaction_times<long long, std::milli>>);
static_assert(has_ok<crm::response_times<>> && has_ok<crm::lead_processing_times<int, std::ratio<60>>>);
static_assert(has_ok<crm::request_counts> && has_ok<crm::sales_team<>> && has_ok<crm::lost_deal_counts>);

using namespace std::chrono_literals;
static_assert(crm::interaction_times<>{.total_interaction_time = 600s, .interactions = 8}.ok());
static_assert(!crm::interaction_times<>{.total_interaction_time = 600s, .interactions = 0}.ok());
static_assert(!crm::response_times<>{.total_response_time = -1s, .responses = 3}.ok());
static_assert(crm::lead_processing_times<long long, std::ratio<3600>>{.total_processing_time = 36h, .leads = 16}.ok());
static_assert(!crm::acquisition_channel<double>{.cost = 1.0, .new_customers = 0}.ok());
}  // namespace

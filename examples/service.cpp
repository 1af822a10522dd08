// crm-metrics example: service and sales-team metrics.
#include <crm/format.hpp>
#include <crm/metrics/service.hpp>

#include <fmt/core.h>

#include <array>
#include <chrono>
#include <vector>

int main() {
  using namespace std::chrono_literals;
  // Times keep their unit: minutes in, minutes out.
  const std::vector<std::chrono::minutes> replies{4min, 12min, 7min, 30min};
  fmt::print("average response time: {} min\n", crm::average_response_time(replies).count());
  const auto per_lead = crm::average_lead_processing_time(
      crm::lead_processing_times<double, std::ratio<3600>>{.total_processing_time = 36h, .leads = 16});
  fmt::print("average lead processing time: {} h\n", per_lead.count());

  fmt::print("unresolved requests: {}\n", crm::unresolved_request_share({.requests = 400, .unresolved = 26}));

  const crm::sales_team<double> team{.revenue = 1'200'000.0, .deals = 30, .managers = 4};
  fmt::print("revenue per manager: {}\n", crm::revenue_per_manager(team));
  fmt::print("deals per manager:   {}\n", crm::deals_per_manager(team));

  const std::array<const char*, 3> reasons{"price", "competitor", "no answer"};
  const std::array<crm::count_t, 3> lost{30, 15, 5};
  std::array<crm::rate<double>, 3> shares{};
  const crm::count_t total = crm::lost_deal_shares(lost, shares);
  fmt::print("{} lost deals:\n", total);
  for (std::size_t i = 0; i < reasons.size(); ++i) fmt::print("  {:<10} {}\n", reasons[i], shares[i]);
  return 0;
}

// crm-metrics example: acquisition and funnel metrics (<crm/metrics/acquisition.hpp>), printed with fmt.
#include <crm/format.hpp>
#include <crm/metrics.hpp>

#include <fmt/format.h>

#include <array>

int main() {
  fmt::print("conversion, 25 of 1 000 messages (001:60)   {}\n", crm::conversion_rate({.actions = 25, .audience = 1'000}));
  fmt::print("conversion, 150 of 5 000 visitors (000:74)  {}\n", crm::conversion_rate({.actions = 150, .audience = 5'000}));
  fmt::print("lead conversion, 30 of 200 leads (002:7)    {}\n", crm::lead_conversion({.new_customers = 30, .leads = 200}));

  // Visitor -> lead -> customer funnel, no allocation.
  const auto f = crm::funnel(std::array<crm::count_t, 3>{10'000, 200, 30});
  fmt::print("funnel 10 000 -> 200 -> 30: steps {:.1} and {:.1}, overall {:.1}\n", f.stage_rates[0], f.stage_rates[1],
             f.overall);

  fmt::print("new customers (1 000 -> 1 100, 50 lost)     {}\n",
             crm::new_customers({.customers_at_start = 1'000, .customers_at_end = 1'100, .customers_lost = 50}));
  fmt::print("customer-base growth                        {}\n",
             crm::customer_base_growth({.customers_at_start = 1'000, .customers_at_end = 1'100}));
  fmt::print("CAC, 50 000 for 125 customers (001:48)      {}\n",
             crm::cac({.marketing_and_sales_cost = 50'000.0, .new_customers = 125}));

  // Per channel: share of new customers and CAC, and the blended CAC.
  const std::array<crm::acquisition_channel<double>, 3> channels{{{.cost = 6'000.0, .new_customers = 30},
                                                                  {.cost = 3'000.0, .new_customers = 90},
                                                                  {.cost = 1'500.0, .new_customers = 30}}};
  std::array<crm::channel_result<double>, 3> per_channel{};
  const crm::money<double> blended = crm::channel_breakdown<double>(channels, per_channel);
  const std::array<const char*, 3> names{"search", "e-mail", "social"};
  for (std::size_t i = 0; i < channels.size(); ++i)
    fmt::print("  {:7} share {:>7}  CAC {:>8}\n", names[i], fmt::format("{}", per_channel[i].share),
               fmt::format("{}", per_channel[i].cac));
  fmt::print("  blended CAC {}\n", blended);

  const auto bad = crm::try_conversion_rate({.actions = 11, .audience = 10});
  if (bad) return 1;
  fmt::print("error: {}\n", crm::message(bad.error()));
  return 0;
}

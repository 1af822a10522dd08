// crm-metrics example: revenue and customer-value metrics (<crm/metrics/revenue.hpp>), printed with fmt.
#include <crm/format.hpp>
#include <crm/metrics.hpp>
#include <crm/multiprecision.hpp>

#include <fmt/core.h>

int main() {
  // A shop's year: 125 000 of revenue from 50 orders by 20 customers, 20 000 of marketing spend.
  fmt::print("ROI (004:111)                 {}\n", crm::roi({.revenue = 250'000.0, .cost = 100'000.0}));
  fmt::print("ROMI (001:54)                 {}\n", crm::romi({.revenue = 125'000.0, .marketing_cost = 100'000.0}));
  fmt::print("average check (001:30)        {}\n", crm::average_check({.revenue = 125'000.0, .orders = 50}));
  fmt::print("purchase frequency            {}\n", crm::purchase_frequency({.orders = 50, .customers = 20}));

  // Lifetime value: the two formulas of the documents, and the standard forms.
  fmt::print("LTV, 40 x 4/yr x 3 yr (001:24)  {}\n",
             crm::ltv({.average_check = 40.0, .purchase_frequency = 4.0, .relationship_length = 3.0}));
  fmt::print("CLV, 40 x 12 purchases x 3 (002:10) {}  (counts the lifetime twice)\n",
             crm::clv({.average_check = 40.0, .purchases = 12.0, .customer_lifetime = 3.0}));
  fmt::print("margin LTV at 30 %            {}\n",
             crm::gross_margin_ltv({.average_check = 40.0, .purchase_frequency = 4.0, .relationship_length = 3.0,
                                    .gross_margin = 0.3}));
  fmt::print("LTV from 25 % churn a year    {}\n",
             crm::ltv_from_churn({.average_check = 40.0, .purchase_frequency = 4.0, .churn_rate = 0.25}));
  fmt::print("Gupta-Lehmann, m 100, r 80 %, d 12 % {}\n",
             crm::discounted_ltv({.margin = 100.0, .retention_rate = 0.8, .discount_rate = 0.12}));

  // Acquisition economics (003:32-34: $100 CAC against $1000 profit a year).
  const crm::multiple<double> ratio = crm::ltv_to_cac({.lifetime_value = 1'000.0, .acquisition_cost = 100.0});
  fmt::print("LTV:CAC                       {} (loses money: {})\n", ratio, crm::acquisition_loses_money(ratio));
  fmt::print("CAC payback                   {}\n", crm::cac_payback_period({.acquisition_cost = 300.0, .margin_per_period = 25.0}));
  fmt::print("cost-to-revenue (000:188)     {}\n", crm::cost_to_revenue({.cost = 20'000.0, .revenue = 80'000.0}));
  fmt::print("profit per acquired customer  {}\n",
             crm::profit_per_acquired_customer({.gross_profit = 50'000.0, .acquisition_cost = 10'000.0, .customers = 100}));

  // Exact decimal money.
  fmt::print("average check in decimal50    {}\n",
             crm::average_check(crm::order_totals<crm::decimal50>{.revenue = crm::decimal50("1234.50"), .orders = 10}));

  // Bad input: the non-throwing form reports metric and field.
  const auto bad = crm::try_average_check({.revenue = 100.0, .orders = 0});
  if (bad) return 1;
  fmt::print("error                         {}\n", crm::message(bad.error()));
  return 0;
}

// crm-metrics example: retention and churn metrics (<crm/metrics/retention.hpp>), printed with fmt.
#include <crm/format.hpp>
#include <crm/metrics.hpp>

#include <fmt/core.h>

#include <array>
#include <chrono>

int main() {
  // A month: 1 000 customers at the start, 120 lost, 170 new, 1 050 at the end.
  fmt::print("retention rate (001:36)        {}\n",
             crm::retention_rate({.customers_at_start = 1'000, .customers_at_end = 1'050, .new_customers = 170}));
  fmt::print("churn rate (001:42)            {}\n", crm::churn_rate({.customers_at_start = 1'000, .customers_lost = 120}));
  fmt::print("repeat-purchase share (001:66) {}\n", crm::repeat_purchase_share({.repeat_customers = 320, .customers = 1'000}));
  fmt::print("lifetime at 5 % churn a month  {}\n", crm::customer_lifetime({.churn_rate = 0.05}));

  // Average time between purchases, from calendar dates: 4 purchases from 1 Jan to 1 Mar 2024.
  using namespace std::chrono;
  const sys_days first_day = year{2024} / January / 1;
  const sys_days final_day = year{2024} / March / 1;
  const crm::days<double> gap = crm::average_time_between_purchases(
      {.first_purchase = crm::days<double>(first_day.time_since_epoch()),
       .last_purchase = crm::days<double>(final_day.time_since_epoch()), .purchases = 4});
  fmt::print("time between purchases         {} days\n", gap.count());

  // Cohort retention curve: a cohort of 400, active in months 0..3.
  const std::array<crm::count_t, 4> active{400, 180, 100, 120};
  std::array<crm::rate<double>, 4> curve{};
  (void)crm::cohort_retention_curve<double>(400, active, curve);
  fmt::print("cohort retention by month      {} {} {} {}\n", curve[0], curve[1], curve[2], curve[3]);

  const auto bad = crm::try_churn_rate({.customers_at_start = 10, .customers_lost = 11});
  if (bad) return 1;
  fmt::print("error: {}\n", crm::message(bad.error()));
  return 0;
}

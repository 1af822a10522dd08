// crm-metrics example: from raw records to metrics and models (<crm/aggregate.hpp>): an order log
// -> repeat share, average check, RFM summary, monthly customer flow and cohorts; e-mail events ->
// open rate; a state serialized and merged. Output quoted (and checked) in docs/aggregation.md.
#include <crm/aggregate.hpp>
#include <crm/format.hpp>
#include <crm/metrics.hpp>

#include <fmt/core.h>

#include <chrono>
#include <vector>

int main() {
  using namespace std::chrono;
  const auto day = [](year_month_day d) { return crm::to_time(sys_days{d}); };
  const std::vector<crm::order<double>> orders = {
      {101, day(2024y / 1 / 5), 30.00},  {102, day(2024y / 1 / 20), 12.50}, {101, day(2024y / 2 / 2), 45.00},
      {103, day(2024y / 2 / 14), 80.00}, {101, day(2024y / 2 / 2), 5.00},   {104, day(2024y / 3 / 1), 20.00},
      {102, day(2024y / 3 / 15), 17.50}, {103, day(2024y / 3 / 20), -80.00},  // a return
      {105, day(2024y / 4 / 2), 60.00},  {101, day(2024y / 4 / 10), 25.00}};

  crm::customer_accumulator<double> customers;
  const crm::add_report used = customers.add(orders);
  fmt::print("records used {}, rejected {}\n", used.used, used.rejected);
  fmt::print("repeat-purchase share {}\n", crm::repeat_purchase_share(customers.repeat()));
  fmt::print("average check {:.2f}\n", crm::average_check(customers.totals()).amount);
  fmt::print("purchase frequency {:.2f}\n", crm::purchase_frequency(customers.purchases()).factor);

  crm::rfm_accumulator<double> rfm({.calibration_end = 2024y / 4 / 30d});
  rfm.add(orders);
  for (const auto& r : rfm.rows())
    fmt::print("customer {}: frequency {} recency {} T {} value {:.2f}\n", r.customer, r.frequency, r.recency, r.age,
               r.monetary_value);

  crm::period_accumulator<double> months({.unit = crm::period_unit::month, .first = 2024y / 1 / 1d, .periods = 4});
  months.add(orders);
  for (const auto& p : months.stats())
    fmt::print("{}: start {} new {} returning {} lost {} end {}\n", crm::period_label(crm::period_unit::month, p.period),
               p.customers_at_start, p.new_customers, p.returning_customers, p.lost_customers, p.customers_at_end);
  fmt::print("March churn {}\n", crm::churn_rate(months.stats()[2].churn()));
  const crm::cohort_matrix<double> cohorts = months.cohorts();
  fmt::print("January cohort: {} customers, active {} {} {} {}\n", cohorts.sizes[0], cohorts.cell(0, 0).active_in_period,
             cohorts.cell(0, 1).active_in_period, cohorts.cell(0, 2).active_in_period, cohorts.cell(0, 3).active_in_period);

  using K = crm::email_event_kind;
  const auto t = day(2024y / 5 / 1);
  crm::email_accumulator<double> email;
  email.declare(7, 50.0);
  email.add(std::vector<crm::email_event<double>>{{1, 7, K::delivered, t, 0},  {1, 7, K::open, t, 0},   {1, 7, K::open, t, 0},
                                                  {2, 7, K::delivered, t, 0},  {3, 7, K::soft_bounce, t, 0},
                                                  {4, 7, K::click, t, 0}});
  fmt::print("open rate {}\n", crm::open_rate(email.campaign(7)));

  // A state is a value: to bytes and back, then merged with another part.
  const std::vector<std::byte> bytes = customers.serialize();
  crm::customer_accumulator<double> other;
  other.add(crm::order<double>{106, day(2024y / 4 / 20), 10.0});
  other.merge(crm::customer_accumulator<double>::deserialize(bytes));
  fmt::print("state {} bytes; merged customers {}\n", bytes.size(), other.customers());

  const auto bad = customers.try_add(std::vector<crm::order<double>>{{107, day(1850y / 1 / 1), 5.0}});
  fmt::print("{}\n", crm::message(bad.first_error()));
  return 0;
}

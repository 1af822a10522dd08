// crm-metrics example: honest uncertainty for CRM rates: intervals, an A/B test, and its planning.
// Runs on built-in numbers; no input needed.
#include <crm/statistics.hpp>
#include <crm/statistics/format.hpp>

#include <fmt/core.h>

int main() {
  // The same 25 % open rate from 40 and from 40 000 delivered e-mails (open rate = opens / delivered,
  // 001_15fb4e46a87cf176.txt line 74) is not equally sure:
  fmt::print("open rate, 10 of 40:         {:.1}\n", crm::proportion_interval({.successes = 10, .trials = 40}));
  fmt::print("open rate, 10 000 of 40 000: {:.1}\n", crm::proportion_interval({.successes = 10'000, .trials = 40'000}));
  fmt::print("  exact (Clopper-Pearson):   {:.1}\n",
             crm::proportion_interval({.successes = 10, .trials = 40}, 0.95, crm::interval_method::clopper_pearson));

  // NPS = % promoters - % detractors (001 line 84), with its interval in points.
  fmt::print("NPS, 60/25/15 answers:       {:.1}\n", crm::nps_interval({.promoters = 60, .passives = 25, .detractors = 15}));

  // An A/B test of a subject line: 120 of 2 400 converted with A, 150 of 2 400 with B.
  const crm::proportion_sample a{.successes = 120, .trials = 2'400};
  const crm::proportion_sample b{.successes = 150, .trials = 2'400};
  fmt::print("\nA/B: difference B - A        {:.2}\n", crm::rate_difference(a, b));
  fmt::print("     relative lift           {:.1}\n", crm::relative_lift(a, b));
  fmt::print("     z test p-value          {:.4f}\n", crm::two_proportion_z_test(a, b).p_value);
  fmt::print("     Fisher exact p-value    {:.4f}\n", crm::fisher_exact_test(a, b).p_value);
  fmt::print("     P(B beats A)            {:.4f}\n", crm::probability_b_beats_a(a, b).probability);

  // Planning: how many recipients per arm to detect 5 % -> 6 % with 80 % power at alpha 0.05?
  const crm::sample_size<double> n = crm::sample_size_per_arm({.baseline = 0.05, .minimum_detectable_effect = 0.01});
  fmt::print("\nplanning: 5% -> 6% needs {} recipients per arm (n = {:.1f})\n", n.per_arm, n.exact);
  const crm::rate<double> mde = crm::minimum_detectable_effect({.baseline = 0.05, .trials_per_arm = 2'400});
  fmt::print("          2 400 per arm detect +{:.2f} points from 5%\n", mde.percent());

  // The average check (revenue / orders, 001 line 30) from streamed order values, merged per shard.
  crm::running_stats<double> monday;
  crm::running_stats<double> tuesday;
  for (double v : {1200.0, 850.0, 990.0, 1430.0}) monday.add(v);
  for (double v : {760.0, 1105.0, 1320.0}) tuesday.add(v);
  monday.merge(tuesday);
  fmt::print("\naverage check of {} orders: {:.0}\n", monday.count(), crm::mean_interval(monday));
  return 0;
}

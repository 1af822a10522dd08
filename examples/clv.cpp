// crm-metrics example: what a customer is worth: Gamma-Gamma spend + BG/NBD purchases -> discounted CLV;
// and the BG/BB model of yearly donations.
// SPDX-License-Identifier: MIT
//
// Reads the published CDNOW and donations files when they are found ($CRM_METRICS_DATA_DIR, or
// ../shared/data beside the checkout, seen from the checkout or from build/<dir>/examples), else
// fits the same models on customers drawn from the generators, so the example always runs.
#include <crm/models/bg_bb.hpp>
#include <crm/models/bg_nbd.hpp>
#include <crm/models/clv.hpp>
#include <crm/models/gamma_gamma.hpp>
#include <crm/models/generate.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace {
std::filesystem::path data_dir() {
  if (const char* env = std::getenv("CRM_METRICS_DATA_DIR"); env != nullptr && *env != '\0') return env;
  for (const char* p : {"../shared/data", "../../shared/data", "../../../shared/data", "../../../../shared/data"})
    if (std::filesystem::exists(std::filesystem::path(p) / "cdnow")) return p;
  return {};
}
}  // namespace

int main() {
  const std::filesystem::path dir = data_dir();
  const std::filesystem::path cdnow = dir / "cdnow" / "cdnow_customers_summary_with_transactions.csv";
  const std::filesystem::path donations = dir / "donations" / "donations.csv";

  // 1. Purchases (BG/NBD) and spend (Gamma-Gamma) of the CDNOW customers, weeks as time unit.
  std::vector<crm::rfm_row<double>> customers;
  std::vector<crm::spend_row<double>> spend;
  if (!dir.empty() && std::filesystem::exists(cdnow)) {
    std::printf("CDNOW data: %s\n", cdnow.string().c_str());
    customers = crm::read_rfm_csv(cdnow, "x", "t_x", "T");
    spend = crm::read_spend_csv(cdnow);  // columns x, zbar
  } else {
    std::printf("CDNOW data not found: fitting generated customers instead\n");
    customers = crm::generate(crm::bg_nbd<double>{.r = 0.243, .alpha = 4.414, .a = 0.793, .b = 2.426},
                                     crm::generate_options<double>{.customers = 2357, .first_age = 27, .last_age = 39, .seed = 1});
    std::vector<crm::count_t> x;
    for (const auto& c : customers) x.push_back(static_cast<crm::count_t>(c.frequency));
    spend = crm::generate(crm::gamma_gamma<double>{.p = 6.25, .q = 3.74, .gamma = 15.44}, x, 2);
  }
  const auto purchases = crm::fit_bg_nbd(customers);
  const auto value = crm::fit_gamma_gamma(crm::repeat_customers(spend));  // the x > 0 customers only
  std::printf("BG/NBD:      r %.3f  alpha %.3f  a %.3f  b %.3f  (published 0.243 4.414 0.793 2.426)\n", purchases.params.r,
              purchases.params.alpha, purchases.params.a, purchases.params.b);
  std::printf("Gamma-Gamma: p %.2f (SE %.2f)  q %.2f (SE %.2f)  gamma %.2f (SE %.2f)  (published 6.25 3.74 15.44)\n",
              value.params.p, value.standard_errors.p, value.params.q, value.standard_errors.q, value.params.gamma,
              value.standard_errors.gamma);
  std::printf("mean spend per transaction across customers: %.2f\n", value.params.expected_average_spend());

  // 12 months ahead, 4.345 weeks a month, 1 % a month discount, 30 % margin.
  const crm::clv_horizon<double> year{.periods = 12, .period_length = 4.345, .discount_rate = 0.01, .margin = 0.3};
  std::printf("\n customer    x    t_x      T   zbar | E[spend]  P(alive)  E[buys, 1y]  CLV (12 months, 30%% margin)\n");
  for (std::size_t i = 0; i < 5 && i < customers.size(); ++i) {
    const crm::rfm_row<double>& c = customers[i];
    const double s = value.params.conditional_expected_average_spend(spend[i].frequency, spend[i].average_spend);
    std::printf(" %8zu %4.0f %6.2f %6.2f %6.2f | %8.2f  %8.3f  %11.3f  %10.2f\n", i + 1, c.frequency, c.recency, c.age,
                spend[i].average_spend, s, purchases.params.probability_alive(c),
                purchases.params.conditional_expected_purchases(c, 52.0),
                crm::customer_lifetime_value(purchases.params, c, s, year));
  }

  // 2. Yearly donations: BG/BB on 6 opportunities after the first donation.
  std::vector<crm::discrete_row<double>> donors;
  if (!dir.empty() && std::filesystem::exists(donations)) {
    donors = crm::read_discrete_csv(donations);
  } else {
    donors = crm::compress(crm::generate(crm::bg_bb<double>{.alpha = 1.204, .beta = 0.750, .gamma = 0.657, .delta = 2.783},
                                               {.customers = 11104, .periods = 6, .seed = 3}));
  }
  const auto bb = crm::fit_bg_bb(donors);
  std::printf("\nBG/BB: alpha %.3f  beta %.3f  gamma %.3f  delta %.3f  (published 1.204 0.750 0.657 2.783), LL %.1f\n",
              bb.params.alpha, bb.params.beta, bb.params.gamma, bb.params.delta, bb.log_likelihood);
  std::printf(" donor history (x, t_x, n) | P(active next year)  E[donations, next 5 years]  DERT at 10%%\n");
  for (const crm::discrete_row<double> d : {crm::discrete_row<double>{6, 6, 6}, crm::discrete_row<double>{3, 4, 6},
                                            crm::discrete_row<double>{1, 1, 6}, crm::discrete_row<double>{0, 0, 6}})
    std::printf(" (%lld, %lld, %lld)                 | %19.3f  %26.3f  %11.3f\n", d.frequency, d.recency, d.periods,
                bb.params.probability_alive(d), bb.params.conditional_expected_purchases(d, 5.0),
                bb.params.discounted_expected_residual_transactions(d, 0.1));
  return 0;
}

// crm-metrics example: fit BG/NBD to a customer base and forecast who buys again.
// SPDX-License-Identifier: MIT
//
// Reads the CDNOW summary (frequency, recency, T in weeks) when it is found ($CRM_METRICS_DATA_DIR or
// ../shared/data), else draws 20 000 customers from the published CDNOW estimates; fits BG/NBD, prints
// the parameters with standard errors and a few predictions; then fits the sBG contractual retention
// model to a published cohort and projects it.
#include <crm/models.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace {
std::filesystem::path find_cdnow() {
  const char* rel = "cdnow/cdnow_customers_summary.csv";
  if (const char* env = std::getenv("CRM_METRICS_DATA_DIR"); env != nullptr && *env != '\0')
    if (std::filesystem::exists(std::filesystem::path(env) / rel)) return std::filesystem::path(env) / rel;
  for (const char* up : {"../shared/data", "../../shared/data", "../../../shared/data", "../../../../shared/data"})
    if (std::filesystem::exists(std::filesystem::path(up) / rel)) return std::filesystem::path(up) / rel;
  return {};
}
}  // namespace

int main() {
  std::vector<crm::rfm_row<double>> customers;
  if (const auto file = find_cdnow(); !file.empty()) {
    customers = crm::read_rfm_csv(file);  // columns frequency, recency, T
    std::printf("CDNOW: %zu customers from %s\n", customers.size(), file.filename().string().c_str());
  } else {
    customers = crm::generate(crm::bg_nbd<double>{0.243, 4.414, 0.793, 2.426},
                              {.customers = 20'000, .first_age = 27.0, .last_age = 39.0, .age_step = 1.0 / 7.0, .seed = 7});
    std::printf("CDNOW data not found: %zu customers drawn from BG/NBD(0.243, 4.414, 0.793, 2.426)\n", customers.size());
  }

  // Non-throwing form: a result that holds the fit or says what went wrong.
  const auto fit = crm::try_fit_bg_nbd(customers);
  if (!fit) {
    std::printf("fit failed: %s\n", crm::message(fit.error()).c_str());
    return 1;
  }
  const crm::bg_nbd<double>& m = fit->params;
  const crm::bg_nbd<double>& se = fit->standard_errors;
  std::printf("BG/NBD  r = %.3f (%.3f)  alpha = %.3f (%.3f)  a = %.3f (%.3f)  b = %.3f (%.3f)\n", m.r, se.r, m.alpha,
              se.alpha, m.a, se.a, m.b, se.b);
  std::printf("log-likelihood %.1f over %.0f customers; %d iterations, %s\n", fit->log_likelihood, fit->customers,
              fit->report.iterations, crm::describe(fit->report.reason));

  std::printf("a new customer buys %.3f times in 39 weeks, %.3f in 78; P(no repeat purchase in 39 weeks) = %.3f\n",
              m.expected_purchases(39.0), m.expected_purchases(78.0), m.probability_of_purchases(0, 39.0));
  const crm::rfm_row<double> examples[] = {{2, 30.43, 38.86}, {2, 5.0, 38.86}, {0, 0.0, 38.86}, {12, 37.0, 38.86}};
  std::printf("%10s %8s %8s %10s %22s\n", "frequency", "recency", "T", "P(alive)", "purchases next 39 wk");
  for (const auto& c : examples)
    std::printf("%10.0f %8.2f %8.2f %10.3f %22.3f\n", c.frequency, c.recency, c.age, m.probability_alive(c),
                m.conditional_expected_purchases(c, 39.0));

  // Errors name the model and the field instead of producing NaN:
  const auto bad = m.try_probability_alive({3, 40.0, 38.86});
  std::printf("recency after T: %s\n", crm::message(bad.error()).c_str());

  // Contractual retention (sBG): the "regular" cohort of Fader & Hardie (2007), survivors at years
  // 0-7, projected to years 8-12 and valued with DERL.
  const std::vector<crm::count_t> regular = {1000, 631, 468, 382, 326, 289, 262, 241};
  const std::vector<crm::count_t> later = {223, 207, 194, 183, 173};  // observed years 8-12
  const auto sbg = crm::try_fit_sbg(regular);
  if (!sbg) {
    std::printf("sBG fit failed: %s\n", crm::message(sbg.error()).c_str());
    return 1;
  }
  std::printf("sBG  alpha = %.3f (%.3f)  beta = %.3f (%.3f)\n", sbg->params.alpha, sbg->standard_errors.alpha,
              sbg->params.beta, sbg->standard_errors.beta);
  const std::vector<double> curve = sbg->params.survival_curve(12);
  for (std::size_t t = 8; t <= 12; ++t)
    std::printf("year %2zu: projected %5.0f, observed %3lld\n", t, 1000 * curve[t], later[t - 8]);
  std::printf("a subscriber who renewed 4 times, margin 100 a year, 10 %% discount: worth %.0f\n",
              sbg->params.residual_lifetime_value(4, 0.1, 100.0));
  const auto lifetime = sbg->params.try_expected_lifetime();
  std::printf("undiscounted expected lifetime: %s\n", lifetime ? "finite" : crm::message(lifetime.error()).c_str());
  return 0;
}

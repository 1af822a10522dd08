// Built with -fno-exceptions: the try_ forms of the prediction intervals and of the calibration-vs-
// holdout diagnostics compute, reject bad input and report without throwing.
#include <crm/models/diagnostics.hpp>
#include <crm/models/intervals.hpp>

#include <array>
#include <cstdio>
#include <span>
#include <vector>

#include "fail.hpp"

using crm_noexcept::fail;

int main() {
  const std::vector<crm::rfm_row<double>> rows = {{0, 0, 30}, {1, 5, 30}, {2, 20, 35}, {4, 28, 30}, {0, 0, 20}, {3, 10, 25}};
  const crm::bg_nbd<double> m{0.243, 4.414, 0.793, 2.426};
  std::array<std::array<double, 4>, 4> cov{};
  for (std::size_t i = 0; i < 4; ++i) cov[i][i] = 0.01;
  const auto est = crm::try_parameter_estimate(m, cov);
  if (!est) return fail("estimate", 1);
  const auto delta = crm::try_conditional_expected_purchases_intervals(*est, std::span<const crm::rfm_row<double>>(rows), 26.0);
  const auto boot = crm::try_probability_alive_interval(*est, rows[1], {.method = crm::prediction_interval_method::bootstrap, .draws = 50});
  if (!delta || !boot) return fail("intervals", 2);
  if (!(delta->total.lower < delta->total.estimate && delta->total.estimate < delta->total.upper)) return fail("total", 3);
  if (crm::try_expected_purchases_interval(*est, 26.0, {.level = 1.5})) return fail("level accepted", 4);
  std::array<std::array<double, 4>, 4> bad = cov;
  bad[0][1] = 1.0;
  if (crm::try_parameter_estimate(m, bad)) return fail("asymmetric covariance accepted", 5);
  const std::vector<double> holdout = {0, 1, 2, 3, 0, 1};
  const auto table = crm::try_calibration_vs_holdout(m, rows, holdout, 26.0, 2);
  if (!table || table->groups.size() != 3) return fail("table", 6);
  const std::vector<double> short_holdout = {0};
  const auto refused = crm::try_calibration_vs_holdout(m, rows, short_holdout, 26.0);
  if (refused || refused.error().code != crm::errc::out_of_range) return fail("length mismatch accepted", 7);
  const std::vector<double> first = {0, 1}, repeats = {2, 3}, times = {2, 1};
  if (crm::try_purchase_tracking(m, first, repeats, times)) return fail("unsorted times accepted", 8);
  std::printf("%s\n", crm::message(refused.error()).c_str());
  return 0;
}

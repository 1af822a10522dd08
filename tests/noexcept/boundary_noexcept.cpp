// Built with -fno-exceptions: the boundary reports of the BG/NBD and Pareto/NBD fits, the NBD fit, the
// expected purchases at every horizon (series and quadrature) and the Pareto/NBD death integral compute
// and reject bad input without throwing.
#include <crm/models/bg_nbd.hpp>
#include <crm/models/modified_bg_nbd.hpp>
#include <crm/models/nbd.hpp>
#include <crm/models/pareto_nbd.hpp>

#include <cstdio>
#include <vector>

#include "fail.hpp"

using crm_noexcept::fail;

int main() {
  // nobody drops out: 2 repeat purchases per 10 weeks, most customers seen to the end
  std::vector<crm::rfm_row<double>> rows;
  for (int i = 0; i < 40; ++i) rows.push_back({static_cast<double>(i % 7), i % 7 == 0 ? 0.0 : 29.0 + (i % 3) * 0.3, 30.0});
  crm::fit_options report;
  report.on_boundary = crm::boundary_policy::report;
  const auto bg = crm::try_fit_bg_nbd(rows, report);
  const auto mbg = crm::try_fit_modified_bg_nbd(rows, report);
  const auto pn = crm::try_fit_pareto_nbd(rows, report);
  const auto nbd = crm::try_fit_nbd(rows);
  if (!nbd) return fail("nbd fit", 1);
  if (bg && bg->boundary.where != crm::fit_boundary::none && !bg->boundary.nested_fitted) return fail("nested", 2);
  (void)mbg, (void)pn;
  if (crm::try_boundary_likelihood_ratio(1.0, 0.0)->p_value >= 0.5) return fail("lr", 3);
  const crm::bg_nbd<double> small{0.243, 4.414, 0.3, 0.4};
  if (!small.try_expected_purchases(1e6)) return fail("expected purchases, a + b < 1", 4);  // quadrature path
  if (!small.try_conditional_expected_purchases({1500, 38.0, 38.86}, 1e6)) return fail("heavy buyer", 5);
  if (small.try_expected_purchases(-1.0)) return fail("negative horizon accepted", 6);
  const crm::pareto_nbd<double> extreme{0.5, 1e-3, 1.0, 1e3};
  if (!extreme.try_probability_alive({0, 0, 38.86})) return fail("pareto death integral", 7);
  if (crm::nbd<double>{0.0, 1.0}.try_expected_purchases(1.0)) return fail("r = 0 accepted", 8);
  std::printf("%s\n", crm::message(small.try_expected_purchases(-1.0).error()).c_str());
  return 0;
}

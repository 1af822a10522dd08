// Built with -fno-exceptions: the BG/BB fit's boundary reports (no drop-out, homogeneous drop-out, the
// binomial corner, a corner's error), the nested crm::beta_bernoulli and crm::beta_geometric_bernoulli models
// and crm::try_nested_bg_bb_model, try_nested_bg_bb_purchase_model compute and reject bad input without throwing.
#include <crm/models/bg_bb.hpp>

#include <vector>

#include "fail.hpp"

using crm_noexcept::fail;

int main() {
  // every customer transacted at the last opportunity: nobody can be seen to drop out
  const std::vector<crm::discrete_row<double>> rows{{1, 6, 6, 10}, {3, 6, 6, 20}, {6, 6, 6, 5}, {2, 6, 6, 30}, {5, 6, 6, 7}};
  crm::fit_options report;
  report.on_boundary = crm::boundary_policy::report;
  const auto f = crm::try_fit_bg_bb(rows, report);
  if (!f || f->boundary.where != crm::fit_boundary::bb_no_dropout || !f->boundary.nested_fitted) return fail("no drop-out report", 1);
  const auto e = crm::try_fit_bg_bb(rows);
  if (e || e.error().code != crm::errc::not_identifiable) return fail("default policy", 2);
  const auto m = crm::try_nested_bg_bb_model(*f);
  if (!m || m->theta != 0.0) return fail("nested model", 3);
  const crm::beta_bernoulli<double> h{2.0, 3.0, 0.2};
  if (!h.try_probability_alive({1, 1, 2, 1}) || !h.try_discounted_expected_residual_transactions({1, 1, 2, 1}, 0.1)) return fail("predictions", 4);
  if (crm::beta_bernoulli<double>{2.0, 3.0, 1.0}.try_expected_purchases(1.0)) return fail("theta = 1 accepted", 5);
  if (h.try_conditional_expected_purchases({2, 1, 2, 1}, 1.0)) return fail("bad row accepted", 6);
  crm::fit_result<crm::bg_bb<double>> interior;
  if (crm::try_nested_bg_bb_model(interior)) return fail("interior fit has a nested model", 7);
  // the model at bb_homogeneous_purchase and the binomial corner (crm::beta_geometric_bernoulli)
  const crm::beta_geometric_bernoulli<double> g{0.4, 0.66, 2.8};
  if (!g.try_probability_alive({2, 4, 7, 1}) || !g.try_discounted_expected_residual_transactions({2, 4, 7, 1}, 0.1) ||
      !g.try_probability_of_purchases(2, 7) || !g.try_expected_purchases(7.0))
    return fail("beta_geometric_bernoulli predictions", 8);
  if (crm::beta_geometric_bernoulli<double>{1.0, 0.66, 2.8}.try_expected_purchases(1.0)) return fail("p = 1 accepted", 9);
  if (crm::try_nested_bg_bb_purchase_model(interior)) return fail("interior fit has a purchase model", 10);
  const auto b = crm::try_fit_bg_bb(std::vector<crm::discrete_row<double>>{{1, 2, 3, 1}, {2, 3, 3, 1}}, report);
  if (!b || b->boundary.where != crm::fit_boundary::bb_binomial || !crm::try_nested_bg_bb_purchase_model(*b)) return fail("binomial", 11);
  const auto c = crm::try_fit_bg_bb(std::vector<crm::discrete_row<double>>{{1, 1, 3, 1}, {0, 0, 3, 1}}, report);
  if (c || c.error().code != crm::errc::not_identifiable) return fail("corner", 12);
  return 0;
}

// crm-report: the forecast section, through the library's model layer: the RFM summary
// (crm::rfm_accumulator) -> the Gamma-Gamma fit (here) and the BG/NBD or Pareto/NBD fit
// (forecast_bg_nbd.cpp, forecast_pareto_nbd.cpp) -> predictions with their intervals, calibration
// vs holdout and tracking (forecast_models.hpp).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#include "add_all.hpp"
#include "forecast_models.hpp"
#include "report.hpp"

#include <crm/aggregate/rfm.hpp>
#include <crm/models.hpp>

#include <vector>

namespace crm_report {

using namespace std::chrono;

void forecast_figures_of(report& rep, const report_input& in, const report_options& o, sys_days first, sys_days cal_end,
                         sys_days last, double horizon) {
  forecast_figures f;
  f.time_unit = "weeks";
  f.calibration_end = iso_date(cal_end);
  f.horizon = horizon;
  // The RFM summary to the calibration end, in weeks, with the rest of the data as holdout.
  crm::rfm_accumulator<double> calibration({.calibration_end = cal_end, .observation_end = last,
                                            .time_unit = std::chrono::weeks{1}});
  calibration.reserve(static_cast<std::size_t>(rep.head.customers));  // (see period_figures)
  add_all(calibration, in.orders, rep, "orders", o.skip_bad_rows, false);
  f.customers = static_cast<std::int64_t>(calibration.rows().size());
  const auto compressed = crm::compress(calibration.model_rows());

  // Gamma-Gamma on the calibration repeat customers' mean repeat-purchase values.
  // Gamma-Gamma needs positive values: repeat customers whose repeat purchases were all free (amount
  // 0) are left out of the spend fit (and counted).
  std::vector<crm::spend_row<double>> spend;
  for (const crm::spend_row<double>& s : crm::repeat_customers(calibration.spend_rows())) {
    if (s.average_spend > 0) spend.push_back(s);
    else ++f.spend_rows_left_out;
  }
  // Fitted with boundary_policy::report: on the boundary p -> infinity (each customer's transactions
  // all at its own mean) or q -> infinity (one value distribution for everyone) the nested model
  // predicts the spend (crm::try_nested_spend_model).
  spend_models sm;
  crm::fit_options spend_opt;
  spend_opt.on_boundary = crm::boundary_policy::report;
  if (const auto fit = crm::try_fit_gamma_gamma(spend, spend_opt)) {
    const crm::boundary_report& b = fit->boundary;
    if (b.where == crm::fit_boundary::none) {
      sm.full = fit->params;
      // The estimate behind the CLV intervals: the covariance the fit computed (crm::fit_result::covariance).
      // Before 2026-12-05 it was the Hessian of -ln L by second differences over the spend rows in the
      // data's unit, which on a flat fit (q in the thousands: one value distribution for nearly
      // everyone) drowned in the rounding of ln L and was not positive definite, and the report said
      // "no CLV intervals" where the fit's own Hessian, taken in the unit of the spends' geometric
      // mean, was.
      sm.full_estimate = crm::try_parameter_estimate(*fit);
      f.spend_parameters = {{"p", fit->params.p, fit->standard_errors.p},
                            {"q", fit->params.q, fit->standard_errors.q},
                            {"gamma", fit->params.gamma, fit->standard_errors.gamma}};
    } else if (const auto m = crm::try_nested_spend_model(*fit)) {
      sm.nested = *m;
      // The estimate behind the CLV intervals: the nested fit's covariance in the boundary report (an
      // error, and "no CLV intervals" with it, when that is not there).
      sm.nested_estimate = crm::try_parameter_estimate(*m, b);
      const bool own = b.where == crm::fit_boundary::p_to_infinity;
      f.spend_parameters = {{own ? "q" : "p", b.nested_r, b.nested_r_se}, {own ? "c" : "theta", b.nested_alpha, b.nested_alpha_se}};
      f.spend_boundary = boundary_figures{"Gamma-Gamma", crm::to_string(b.where), b.description, b.lr_statistic, b.lr_p_value};
    } else {
      f.spend_note = crm::message(m.error());
    }
  } else {
    f.spend_note = crm::message(fit.error());
  }

  // Predictions from the whole history (ages to the last day of the data).
  // observation_end = calibration_end: no holdout (an engaged optional also keeps g++ 12 from a false
  // maybe-uninitialized warning on the empty one).
  crm::rfm_accumulator<double> whole({.calibration_end = last, .observation_end = last, .time_unit = std::chrono::weeks{1}});
  whole.reserve(static_cast<std::size_t>(rep.head.customers));
  add_all(whole, in.orders, rep, "orders", o.skip_bad_rows, false);

  const forecast_inputs x{sm, calibration, whole, compressed, in, o, first, cal_end, last};
  if (o.model == model_kind::bg_nbd) forecast_bg_nbd(f, x);
  else forecast_pareto_nbd(f, x);
  rep.forecast = std::move(f);
}

}  // namespace crm_report

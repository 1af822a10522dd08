// crm-report: the forecast from a fitted transaction model, shared by forecast.cpp (the RFM summaries
// and the spend model) and the two model files, forecast_bg_nbd.cpp and forecast_pareto_nbd.cpp
// (each fits its model and forecasts with it, or with the nested model at a boundary of the fit):
// predictions with their intervals (crm/models/intervals.hpp), calibration vs holdout and the
// tracking of repeat purchases over time (crm/models/diagnostics.hpp). The two models are two
// translation units so that two cores compile them: as one file the forecast was the longest compile
// of the README's first command (113 s of its 137 s at -O3, g++ 12, 2026-12-07).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// This file does not include <crm/statistics.hpp>: crm/models/intervals.hpp and
// crm/statistics/proportion.hpp both define crm::interval_method, so the two layers cannot be
// included in one translation unit (reported to the model layer's owners).
#pragma once

#include "report.hpp"

#include <crm/aggregate/rfm.hpp>
#include <crm/models.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace crm_report {

/// The spend model with the estimate behind the CLV intervals: Gamma-Gamma's fit (the fit's own
/// covariance), or when that ended on a boundary its nested model (the nested fit's covariance, which
/// the boundary report carries: boundary_report::nested_covariance), or neither.
struct spend_models {
  std::optional<crm::gamma_gamma<double>> full;
  std::optional<crm::result<crm::parameter_estimate<crm::gamma_gamma<double>>>> full_estimate;
  std::optional<crm::gamma_gamma_nested<double>> nested;
  std::optional<crm::result<crm::parameter_estimate<crm::gamma_gamma_nested<double>>>> nested_estimate;
};

/// What forecast.cpp hands the model files: the two RFM summaries (to the calibration end, with the
/// holdout; and of the whole history), the calibration summary with identical customers merged, the
/// spend model, the input and the options.
struct forecast_inputs {
  const spend_models& spend;
  crm::rfm_accumulator<double>& calibration;
  crm::rfm_accumulator<double>& whole;
  std::span<const crm::rfm_row<double>> compressed;
  const report_input& in;
  const report_options& o;
  std::chrono::sys_days first, cal_end, last;
};

/// BG/NBD (forecast_bg_nbd.cpp) or Pareto/NBD (forecast_pareto_nbd.cpp) fitted on `x.compressed`
/// with boundary_policy::report, and the forecast from the fit or its nested model in `f`. A fit or
/// a prediction that fails throws std::runtime_error with the library's message (the report shows
/// it in place of the forecast).
void forecast_bg_nbd(forecast_figures& f, const forecast_inputs& x);
void forecast_pareto_nbd(forecast_figures& f, const forecast_inputs& x);

namespace forecast_detail {

using namespace std::chrono;

inline interval of(const crm::prediction_interval<double>& p) { return {p.estimate, p.lower, p.upper}; }

/// The interval of a prediction, or none (and the first failure's message in `note`).
inline std::optional<interval> kept(const crm::result<crm::prediction_interval<double>>& r, std::string& note, const char* what) {
  if (r) return of(*r);
  if (note.empty()) note = std::string(what) + ": " + crm::message(r.error());
  return std::nullopt;
}

/// Every customer's purchase days (orders with an amount >= 0, as the RFM summary counts them),
/// as day numbers since `first`, sorted and distinct.
inline std::unordered_map<crm::customer_id, std::vector<std::int32_t>> purchase_days(const report_input& in, sys_days first) {
  std::unordered_map<crm::customer_id, std::vector<std::int32_t>> days;
  for (const crm::order<double>& o : in.orders)
    if (o.amount >= 0) days[o.customer].push_back(static_cast<std::int32_t>((floor<std::chrono::days>(o.time) - first).count()));
  for (auto& [id, d] : days) {
    std::sort(d.begin(), d.end());
    d.erase(std::unique(d.begin(), d.end()), d.end());
  }
  return days;
}

/// Cumulative repeat purchases of the calibration cohort (customers whose first purchase is on or
/// before the calibration end) over time, actual and predicted by crm::try_purchase_tracking. One
/// clock: weeks since the first day of the data; a purchase on day d is at d / 7; points every week
/// (every k weeks when the data span more than 260) to the end of the data's last week.
template <class Model>
void tracking_figures(forecast_figures& f, const Model& model, const report_input& in, sys_days first, sys_days cal_end,
                      sys_days last) {
  const std::int32_t cal_day = static_cast<std::int32_t>((cal_end - first).count());
  std::vector<double> starts, repeats;
  for (const auto& [id, d] : purchase_days(in, first)) {
    if (d.front() > cal_day) continue;  // acquired in the holdout: not in the fitted cohort
    starts.push_back(d.front() / 7.0);
    for (std::size_t k = 1; k < d.size(); ++k) repeats.push_back(d[k] / 7.0);
  }
  const auto weeks_total = static_cast<std::int64_t>(std::ceil(static_cast<double>((last - first).count() + 1) / 7.0));
  const std::int64_t step = std::max<std::int64_t>(1, (weeks_total + 259) / 260);
  std::vector<double> times;
  for (std::int64_t w = step; w < weeks_total + step; w += step) times.push_back(static_cast<double>(w));
  const auto track = crm::try_purchase_tracking(model, starts, repeats, times);
  if (!track) throw std::runtime_error(crm::message(track.error()));
  f.tracking_customers = static_cast<std::int64_t>(starts.size());
  f.tracking_calibration_end = cal_day / 7.0;
  for (const crm::tracking_point<double>& p : *track)
    f.tracking.push_back({p.time, p.actual_cumulative, p.predicted_cumulative, p.actual_incremental, p.predicted_incremental});
}

/// The estimate of a spend model for the CLV intervals, or none (and "no CLV intervals: " with its
/// error in `note`, if that is still empty).
template <class Spend>
std::optional<crm::parameter_estimate<Spend>> spend_estimate(const std::optional<crm::result<crm::parameter_estimate<Spend>>>& e,
                                                             std::string& note) {
  if (!e) return std::nullopt;
  if (*e) return **e;
  if (note.empty()) note = "no CLV intervals: " + crm::message(e->error());
  return std::nullopt;
}

/// Predictions from each customer's whole history with the calibration fit, their intervals (from
/// `est`, the estimate of the model's parameters), and the holdout diagnostics.
template <class Model>
void predictions(forecast_figures& f, const Model& model, const crm::result<crm::parameter_estimate<Model>>& est,
                 const spend_models& sm, crm::rfm_accumulator<double>& calibration, crm::rfm_accumulator<double>& whole,
                 const report_input& in, const report_options& o, sys_days first, sys_days cal_end, sys_days last) {
  const crm::interval_options level{.level = o.level};  // delta method (the default)
  if (!est) f.interval_note = "no intervals: " + crm::message(est.error());
  const std::optional<crm::gamma_gamma<double>>& gg = sm.full;
  const bool has_spend = sm.full || sm.nested;
  // The spend model's estimate: Gamma-Gamma's, or its nested model's at a boundary (since 2026-12-06;
  // before, the nested spend model had no CLV intervals).
  const auto gg_est = spend_estimate(sm.full_estimate, f.interval_note);
  const auto nested_est = spend_estimate(sm.nested_estimate, f.interval_note);

  const auto now = whole.rows();
  const auto now_rows = whole.model_rows();
  // The whole base's expected purchases next period with its interval, over the compressed
  // summary (identical customers weighted).
  const auto base_rows = crm::compress(now_rows);
  if (est) {
    const auto base = crm::try_conditional_expected_purchases_intervals(*est, std::span<const crm::rfm_row<double>>(base_rows), f.horizon, level);
    if (base) {
      f.expected_purchases_next_period = base->total.estimate;
      f.expected_purchases_next_period_ci = of(base->total);
    } else {
      f.interval_note = "expected purchases next period: " + crm::message(base.error());
    }
  }
  if (!f.expected_purchases_next_period_ci)
    for (const auto& r : base_rows) f.expected_purchases_next_period += r.weight * model.conditional_expected_purchases(r, f.horizon);

  f.p_alive_histogram.assign(10, 0);
  const std::size_t n = now.size();
  const crm::clv_horizon<double> horizon{.periods = 12, .period_length = f.horizon, .discount_rate = 0.01, .margin = 1.0};
  // The spend per transaction of customer i: Gamma-Gamma's given (x, zbar), or the nested model's;
  // customers whose repeat purchases were all free get the population's mean spend (x = 0).
  const auto spend_of = [&](double frequency, double average_spend) {
    const double x = average_spend > 0 ? frequency : 0.0;
    return gg ? gg->conditional_expected_average_spend(x, average_spend) : sm.nested->conditional_expected_average_spend(x, average_spend);
  };
  std::vector<double> alive(n), expected(n), spend(has_spend ? n : 0), clv(has_spend ? n : 0);
  for (std::size_t i = 0; i < n && has_spend; ++i) spend[i] = spend_of(now_rows[i].frequency, now[i].monetary_value);
  {
    // The whole base at once (crm/models/batch.hpp): P(alive), E[Y(t) | x, t_x, T] and the CLV equal
    // the scalar functions' within the ulp bounds stated there (docs/batch.md); the 2F1 brackets once
    // per distinct (x, T) instead of 13 times per customer. The nested models' (homogeneous, NBD) batch
    // forms are the scalar functions row by row (the homogeneous Pareto/NBD's once per distinct row),
    // bit for bit. The top customers' figures are the scalar functions' again below, as their
    // intervals' points are.
    const std::span<const crm::rfm_row<double>> rows(now_rows);
    const auto check = [](const auto& r) {
      if (!r) throw crm::batch_error(r.error(), r.row());
    };
    check(crm::try_batch_probability_alive(model, rows, std::span<double>(alive)));
    check(crm::try_batch_conditional_expected_purchases(model, rows, f.horizon, std::span<double>(expected)));
    if (has_spend) check(crm::try_batch_customer_lifetime_value(model, rows, std::span<const double>(spend), horizon, std::span<double>(clv)));
  }
  std::vector<customer_forecast> all;
  all.reserve(n);
  double sum_alive = 0, sum_clv = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& c = now[i];
    all.push_back({c.customer, now_rows[i].frequency, c.recency, c.age, c.monetary_value, alive[i], expected[i], has_spend ? clv[i] : 0, {}, {}, {}});
    sum_alive += alive[i];
    f.p_alive_histogram[std::min<std::size_t>(9, static_cast<std::size_t>(alive[i] * 10.0))] += 1;
    if (has_spend) sum_clv += clv[i];
  }
  f.mean_p_alive = sum_alive / static_cast<double>(n);
  if (has_spend) f.mean_clv = sum_clv / static_cast<double>(n);
  if (has_spend) {
    // The whole base's CLV with its interval (since 2026-12-06; before, only the mean CLV, without an
    // interval): sum_i w_i CLV_i and its delta-method interval from the same two estimates as the top
    // customers' CLV intervals, over the whole-history summary with the customers of the same
    // (x, t_x, T) and average spend merged into one row weighted by their number. A customer without
    // repeat purchases enters with average spend 0 (the spend model's population mean, as above); a
    // repeat customer whose repeat purchases were all free cannot enter (the library's CLV takes the
    // spend given the row's own x, and Gamma-Gamma refuses an average spend of 0 for x > 0): left
    // out, and counted. Without an interval the value is the batch forms' sum over the same customers.
    std::vector<crm::rfm_row<double>> kept;
    std::vector<double> kept_spends;
    kept.reserve(n);
    kept_spends.reserve(n);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const crm::rfm_row<double>& r = now_rows[i];
      if (r.frequency > 0 && !(now[i].monetary_value > 0)) {
        ++f.base_clv_customers_left_out;
        continue;
      }
      kept.push_back(r);
      kept_spends.push_back(r.frequency > 0 ? now[i].monetary_value : 0.0);
      sum += r.weight * clv[i];
    }
    f.base_clv = sum;
    const crm::rows_with_spend<double> merged =
        crm::try_compress(std::span<const crm::rfm_row<double>>(kept), std::span<const double>(kept_spends)).value();  // same lengths
    const auto base_clv = [&](const auto& spend_est) {
      const auto ci = crm::try_customer_lifetime_value_intervals(*est, spend_est, std::span<const crm::rfm_row<double>>(merged.rows),
                                                                 std::span<const double>(merged.average_spends), horizon, level);
      if (ci) {
        f.base_clv = ci->total.estimate;
        f.base_clv_ci = of(ci->total);
      } else if (f.interval_note.empty()) {
        f.interval_note = "CLV of the whole base: " + crm::message(ci.error());
      }
    };
    if (est && gg_est) base_clv(*gg_est);
    else if (est && nested_est) base_clv(*nested_est);
  }
  const auto top = std::min(static_cast<std::size_t>(std::max(0, o.top)), all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(top), all.end(), [&](const auto& a, const auto& b) {
    return has_spend ? a.clv > b.clv : a.expected_purchases > b.expected_purchases;
  });
  all.resize(top);
  for (customer_forecast& cf : all) {  // the scalar functions' figures, as before (and as the intervals' points)
    const crm::rfm_row<double> row{cf.frequency, cf.recency, cf.age, 1.0};
    cf.p_alive = model.probability_alive(row);
    cf.expected_purchases = model.conditional_expected_purchases(row, f.horizon);
    if (has_spend) cf.clv = crm::customer_lifetime_value(model, row, spend_of(cf.frequency, cf.average_spend), horizon);
  }
  // Intervals of the top customers' predictions.
  if (est) {
    for (customer_forecast& cf : all) {
      const crm::rfm_row<double> row{cf.frequency, cf.recency, cf.age, 1.0};
      cf.p_alive_ci = kept(crm::try_probability_alive_interval(*est, row, level), f.interval_note, "P(alive)");
      cf.expected_purchases_ci =
          kept(crm::try_conditional_expected_purchases_interval(*est, row, f.horizon, level), f.interval_note, "expected purchases");
      // The library's CLV takes the spend given (x, zbar): the same as above except for a repeat
      // customer whose repeat purchases were all free (zbar = 0), who has no interval.
      const auto clv_interval = [&](const auto& spend_est) {
        cf.clv_ci = kept(crm::try_customer_lifetime_value_interval(*est, spend_est, row, cf.frequency > 0 ? cf.average_spend : 0.0, horizon, level),
                         f.interval_note, "CLV");
      };
      if (cf.frequency == 0 || cf.average_spend > 0) {
        if (gg_est) clv_interval(*gg_est);
        else if (nested_est) clv_interval(*nested_est);
      }
    }
  }
  f.top = std::move(all);

  // Holdout: purchases after the calibration end, predicted vs actual, by calibration frequency.
  if (last > cal_end) {
    const double length = calibration.holdout_duration();
    f.holdout_length = length;
    const auto cal = calibration.rows();
    std::vector<double> actual;
    actual.reserve(cal.size());
    for (const auto& c : cal) actual.push_back(static_cast<double>(c.holdout_frequency));
    const auto table = crm::try_calibration_vs_holdout(model, calibration.model_rows(), actual, length, 7);
    if (!table) throw std::runtime_error(crm::message(table.error()));
    for (const crm::holdout_group<double>& g : table->groups)
      f.holdout.push_back({std::to_string(g.frequency) + (g.and_more ? "+" : ""), static_cast<std::int64_t>(g.customers),
                           g.mean_actual, g.mean_predicted});
    f.holdout_actual_total = table->total_actual;
    f.holdout_predicted_total = table->total_predicted;
    tracking_figures(f, model, in, first, cal_end, last);
  }
}

/// The forecast of a BG/NBD or Pareto/NBD fit that ended on a boundary, from its nested model: the
/// homogeneous model at the boundary at infinity (everyone drops out with the same probability, or
/// dies at the same rate), the NBD where no drop-out is visible (a -> 0, s -> 0, beta -> infinity).
/// Other boundaries (b -> 0, a and b -> 0: drop-out right at the first chance) have no nested model
/// that forecasts: the forecast is not available, with the boundary named. The intervals come from the
/// nested model's covariance the boundary report carries (boundary_report::nested_covariance,
/// crm::try_parameter_estimate(nested, boundary)), as an interior fit's come from its own.
/// At Pareto/NBD's corner s, beta -> 0 (a share dies at once) the limit is itself a model, the zero-inflated NBD
/// (crm::try_zero_inflated_estimates), and so is BG/NBD's at a, b -> 0 and b -> 0 (a share drops out right after its
/// first repeat purchase: crm::try_first_repeat_dropout_estimates), each with the covariance of its r, alpha, pi in
/// the boundary report (boundary_report::limit_covariance, crm::try_parameter_estimate(model, boundary)); the nested
/// NBD is then only the likelihood-ratio test's null (since 2026-12-06; before, the forecast was refused there).
template <class Full, class Forecast>
void nested_forecast(forecast_figures& f, const crm::fit_result<Full>& fit, Forecast&& forecast) {
  const crm::boundary_report& b = fit.boundary;
  const std::string why = f.model + "'s likelihood is maximised on the boundary of its parameters: " + b.description;
  // the forecast from a corner's limit (r, alpha, pi), named `name`
  const auto from_limit = [&](const auto& model, const char* name) {
    if (!model) throw std::runtime_error(why + ": " + crm::message(model.error()));
    f.boundary = boundary_figures{f.model, crm::to_string(b.where), b.description, b.lr_statistic, b.lr_p_value};
    f.log_likelihood = fit.log_likelihood;
    f.converged = true;
    f.model = name;
    const crm::parameter_covariance& c = b.limit_covariance;
    const auto se = [&](std::size_t i) { return c.size == 3 ? std::sqrt(c(i, i)) : std::numeric_limits<double>::quiet_NaN(); };
    f.parameters = {{"r", model->r, se(0)}, {"alpha", model->alpha, se(1)}, {"pi", model->pi, se(2)}};
    forecast(*model, crm::try_parameter_estimate(*model, b));
  };
  if constexpr (requires { crm::try_zero_inflated_estimates(fit); }) {
    if (b.where == crm::fit_boundary::s_and_beta_to_zero)
      return from_limit(crm::try_zero_inflated_estimates(fit), "zero-inflated NBD (a share never buys again)");
  }
  // BG/NBD's a, b -> 0 and b -> 0: a share (all at b -> 0) drops out right after its first repeat purchase
  if constexpr (requires { crm::try_first_repeat_dropout_estimates(fit); }) {
    if (b.where == crm::fit_boundary::a_and_b_to_zero || b.where == crm::fit_boundary::b_to_zero)
      return from_limit(crm::try_first_repeat_dropout_estimates(fit), "NBD with drop-out at the first repeat purchase");
  }
  if (!b.nested_fitted) throw std::runtime_error(why + "; the nested model's fit failed: " + crm::message(b.nested_error));
  f.boundary = boundary_figures{f.model, crm::to_string(b.where), b.description, b.lr_statistic, b.lr_p_value};
  f.log_likelihood = b.nested_log_likelihood;
  f.converged = true;
  switch (b.where) {
    case crm::fit_boundary::homogeneous_dropout:
    case crm::fit_boundary::homogeneous_death_rate: {
      const auto model = crm::try_homogeneous_estimates(fit);
      if (!model) throw std::runtime_error(why + ": " + crm::message(model.error()));
      const bool bg = b.where == crm::fit_boundary::homogeneous_dropout;
      f.model += bg ? ", homogeneous drop-out" : ", homogeneous death rate";
      f.parameters = {{"r", b.nested_r, b.nested_r_se}, {"alpha", b.nested_alpha, b.nested_alpha_se},
                      {bg ? "p" : "mu", b.nested_dropout, b.nested_dropout_se}};
      forecast(*model, crm::try_parameter_estimate(*model, b));
      return;
    }
    case crm::fit_boundary::a_to_zero:
    case crm::fit_boundary::s_to_zero:
    case crm::fit_boundary::beta_to_infinity: {
      f.model = "NBD (no drop-out)";
      f.parameters = {{"r", b.nested_r, b.nested_r_se}, {"alpha", b.nested_alpha, b.nested_alpha_se}};
      const crm::nbd<double> nbd{b.nested_r, b.nested_alpha};
      forecast(nbd, crm::try_parameter_estimate(nbd, b));
      return;
    }
    default:
      throw std::runtime_error(why);
  }
}

/// The forecast of a fit (crm::result of a fit_result): from the fit's own parameters (r, alpha,
/// then `third` and `fourth`: a, b or s, beta) when it is interior, else from the nested model's.
/// The estimate behind the intervals: the covariance the fit computed (crm::fit_result::covariance,
/// crm::try_parameter_estimate(fit)); for a nested model forecasting for a fit on the boundary, the
/// nested fit's covariance in the boundary report (boundary_report::nested_covariance). Before
/// 2026-12-06 the report had only the nested standard errors, and the nested model's estimate was the
/// Hessian of -ln L by second differences over the calibration summary at its parameters.
template <class Fit, class Third, class Fourth>
void forecast_fitted(forecast_figures& f, const Fit& fit, const char* third, const char* fourth, Third third_of, Fourth fourth_of,
                     const forecast_inputs& x) {
  const auto forecast_with = [&](const auto& model, const auto& est) {
    predictions(f, model, est, x.spend, x.calibration, x.whole, x.in, x.o, x.first, x.cal_end, x.last);
  };
  if (!fit) throw std::runtime_error(crm::message(fit.error()));
  if (fit->boundary.where != crm::fit_boundary::none) return nested_forecast(f, *fit, forecast_with);
  const auto& p = fit->params;
  const auto& se = fit->standard_errors;
  f.parameters = {{"r", p.r, se.r}, {"alpha", p.alpha, se.alpha}, {third, third_of(p), third_of(se)}, {fourth, fourth_of(p), fourth_of(se)}};
  f.log_likelihood = fit->log_likelihood;
  f.converged = fit->report.converged;
  forecast_with(p, crm::try_parameter_estimate(*fit));
}

/// The fit options of the transaction models: a fit whose likelihood is maximised on the boundary of
/// its parameter space has no estimates of its own; its boundary report carries the nested model,
/// which forecasts instead (docs/models.md, "Predictions of the nested models").
inline crm::fit_options reporting_boundaries() {
  crm::fit_options opt;
  opt.on_boundary = crm::boundary_policy::report;
  return opt;
}

}  // namespace forecast_detail
}  // namespace crm_report

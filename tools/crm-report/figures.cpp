// crm-report: every figure of the report, computed through the library's public API:
// records -> aggregation -> metrics -> intervals -> models.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#include "report.hpp"
#include "shim.hpp"

#include <crm/aggregate/orders.hpp>
#include <crm/aggregate/periods.hpp>
#include <crm/metrics.hpp>
#include <crm/models.hpp>
#include <crm/statistics.hpp>
#include <crm/version.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace crm_report {
namespace {

using namespace std::chrono;

crm::period_unit unit_of(period_kind k) {
  switch (k) {
    case period_kind::week: return crm::period_unit::week;
    case period_kind::quarter: return crm::period_unit::quarter;
    default: return crm::period_unit::month;
  }
}
const char* name_of(period_kind k) {
  switch (k) {
    case period_kind::week: return "week";
    case period_kind::quarter: return "quarter";
    default: return "month";
  }
}
/// Length of one period in weeks (the models' time unit): 7 days, 365.25 / 12 days, 365.25 / 4 days.
double weeks_per(period_kind k) {
  switch (k) {
    case period_kind::week: return 1.0;
    case period_kind::quarter: return 365.25 / 4.0 / 7.0;
    default: return 365.25 / 12.0 / 7.0;
  }
}
/// Periods without a purchase after which a customer counts as lost (about 90 days).
int lapse_of(period_kind k) {
  switch (k) {
    case period_kind::week: return 13;
    case period_kind::quarter: return 1;
    default: return 3;
  }
}

std::string iso(sys_days d) {
  const year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

interval of(const crm::rate_estimate<double>& e) { return {e.point.value(), e.lower.value(), e.upper.value()}; }
interval of(const crm::value_estimate<double>& e) { return {e.point, e.lower, e.upper}; }

/// The rate interval of a proportion sample, or a note when it has no trials.
std::optional<interval> proportion(const crm::proportion_sample& s, double level) {
  const auto r = crm::try_proportion_interval(s, level);
  if (!r) return std::nullopt;
  return of(*r);
}

void headline_figures(report& rep, const report_input& in, double level) {
  crm::customer_accumulator<double> acc;
  const crm::add_report added = acc.try_add(std::span<const crm::order<double>>(in.orders), crm::on_bad_record::stop);
  if (added.rejected != 0) throw input_error(rep.inputs.front().source + ": " + crm::message(added.first_error()));
  headline& h = rep.head;
  h.customers = acc.customers();
  h.orders = acc.order_totals_state().orders();
  h.returns = acc.order_totals_state().returns();
  h.revenue = acc.totals().revenue;
  if (h.customers == 0) throw input_error(rep.inputs.front().source + ": has no purchases (only returns)");
  const crm::repeat_counts repeat = acc.repeat();
  h.repeat_customers = repeat.repeat_customers;
  // Average check: revenue / orders of purchases (001 line 30), with the t interval of the mean order.
  crm::running_stats<double> checks;
  for (const auto& o : in.orders)
    if (o.amount >= 0) checks.add(o.amount);
  const double check = crm::average_check(acc.order_totals_state().gross_totals()).value();
  if (const auto e = crm::try_mean_interval(checks, level)) h.average_check = of(*e);
  else h.average_check = {check, check, check};
  h.average_check.point = check;
  // Purchase frequency: orders / customers (000 line 32), t interval of the orders per customer.
  crm::running_stats<double> per_customer;
  acc.table().for_each([&](crm::customer_id, const auto& s) {
    if (s.orders > 0) per_customer.add(static_cast<double>(s.orders));
  });
  const double freq = crm::purchase_frequency(acc.purchases()).value();
  if (const auto e = crm::try_mean_interval(per_customer, level)) h.purchase_frequency = of(*e);
  h.purchase_frequency.point = freq;
  h.repeat_share = of(crm::proportion_interval(crm::repeat_purchase_sample(repeat), level));
  if (const auto gaps = acc.gaps<double>(); gaps.gaps > 0)
    h.mean_days_between_purchases = crm::average_time_between_purchases(gaps).count();
}

void period_figures(report& rep, const report_input& in, const report_options& o) {
  const crm::period_unit u = unit_of(o.period);
  for (const shim::period_counts& p : shim::periods(in.orders, u, lapse_of(o.period))) {
    period_row r{crm::period_label(u, p.period), p.at_start, p.new_customers, p.lost, p.at_end, p.active, p.orders,
                 p.revenue, {}, {}, {}};
    if (p.at_start > 0) {
      const crm::retention_counts rc{.customers_at_start = p.at_start, .customers_at_end = p.at_end,
                                     .new_customers = p.new_customers};
      r.retention = proportion(crm::retention_sample(rc), o.level);
      r.churn = proportion(crm::churn_sample({.customers_at_start = p.at_start, .customers_lost = p.lost}), o.level);
      r.growth = crm::customer_base_growth({.customers_at_start = p.at_start, .customers_at_end = p.at_end}).value();
    }
    rep.periods.push_back(std::move(r));
  }
  for (shim::cohort& c : shim::cohorts(in.orders, u)) {
    cohort_row r{crm::period_label(u, c.period), c.size, c.active, c.revenue, {}};
    for (const std::int64_t a : c.active)
      r.retention.push_back(crm::cohort_retention({.cohort_size = c.size, .active_in_period = a}).value());
    rep.cohorts.push_back(std::move(r));
  }
}

void email_figures(report& rep, const report_input& in, double level) {
  if (in.email_events.empty()) return;
  funnel_figures f;
  const crm::email_campaign<double> c = shim::email_totals(in.email_events, &f.campaigns);
  f.sent = c.sent, f.delivered = c.delivered, f.opens = c.unique_opens, f.clicks = c.unique_clicks;
  f.conversions = c.conversions, f.unsubscribed = c.unsubscribed, f.spam = c.spam_complaints;
  f.hard_bounces = c.hard_bounces, f.soft_bounces = c.soft_bounces, f.revenue = c.revenue;
  const auto ci = [&](const crm::proportion_sample& s) { return proportion(s, level).value_or(interval{}); };
  f.delivery = ci({.successes = c.delivered, .trials = c.sent});
  f.open = ci(crm::open_rate_sample(c));
  f.click_through = ci(crm::click_through_sample(c));
  f.click_to_open = ci(crm::click_to_open_sample(c));
  f.conversion = ci(crm::email_conversion_sample(c));
  f.unsubscribe = ci(crm::unsubscribe_sample(c));
  rep.email = f;
}

void nps_figures_of(report& rep, const report_input& in, double level) {
  if (in.nps_answers.empty()) return;
  std::vector<int> scores;
  scores.reserve(in.nps_answers.size());
  for (const auto& a : in.nps_answers) scores.push_back(a.score);
  const std::size_t bad = crm::first_invalid_nps_answer(scores);
  if (bad != scores.size()) {
    const std::string src = std::find_if(rep.inputs.begin(), rep.inputs.end(), [](const input_file& f) {
                              return f.role == "nps";
                            })->source;
    throw input_error(src + ": answer " + std::to_string(bad + 1) + " (respondent " +
                      std::to_string(in.nps_answers[bad].respondent) + ") has score " + std::to_string(scores[bad]) +
                      ", outside the NPS scale 0..10");
  }
  const crm::nps_counts c = crm::tally_nps_answers(scores);
  rep.nps = nps_figures{c.promoters, c.passives, c.detractors, of(crm::nps_interval(c, level))};
}

/// The forecast: fit on the calibration window, predict from each customer's whole history.
void forecast_figures_of(report& rep, const report_input& in, const report_options& o, sys_days cal_end,
                         sys_days last) {
  forecast_figures f;
  f.time_unit = "weeks";
  f.calibration_end = iso(cal_end);
  const auto hist = shim::histories(in.orders);
  const auto end_day = static_cast<std::int32_t>(cal_end.time_since_epoch().count());
  const auto last_day = static_cast<std::int32_t>(last.time_since_epoch().count());
  const auto cal = shim::rfm_summary(hist, end_day);
  f.customers = static_cast<std::int64_t>(cal.size());
  std::vector<crm::rfm_row<double>> rows;
  for (const auto& c : cal) rows.push_back(c.row);
  const auto compressed = crm::compress(rows);

  // Either model behind one prediction interface.
  std::optional<crm::bg_nbd<double>> bg;
  std::optional<crm::pareto_nbd<double>> pn;
  if (o.model == model_kind::bg_nbd) {
    f.model = "BG/NBD";
    const auto fit = crm::try_fit_bg_nbd(compressed);
    if (!fit) throw std::runtime_error(crm::message(fit.error()));
    bg = fit->params;
    const auto& p = fit->params;
    const auto& se = fit->standard_errors;
    f.parameters = {{"r", p.r, se.r}, {"alpha", p.alpha, se.alpha}, {"a", p.a, se.a}, {"b", p.b, se.b}};
    f.log_likelihood = fit->log_likelihood;
    f.converged = fit->report.converged;
  } else {
    f.model = "Pareto/NBD";
    const auto fit = crm::try_fit_pareto_nbd(compressed);
    if (!fit) throw std::runtime_error(crm::message(fit.error()));
    pn = fit->params;
    const auto& p = fit->params;
    const auto& se = fit->standard_errors;
    f.parameters = {{"r", p.r, se.r}, {"alpha", p.alpha, se.alpha}, {"s", p.s, se.s}, {"beta", p.beta, se.beta}};
    f.log_likelihood = fit->log_likelihood;
    f.converged = fit->report.converged;
  }
  const auto expected = [&](const crm::rfm_row<double>& r, double t) {
    return bg ? bg->conditional_expected_purchases(r, t) : pn->conditional_expected_purchases(r, t);
  };
  const auto alive = [&](const crm::rfm_row<double>& r) {
    return bg ? bg->probability_alive(r) : pn->probability_alive(r);
  };

  // Gamma-Gamma on the calibration repeat customers' mean repeat-purchase values.
  std::vector<crm::spend_row<double>> spend;
  for (const auto& c : cal)
    if (c.row.frequency > 0 && c.repeat_mean > 0) spend.push_back({c.row.frequency, c.repeat_mean, 1.0});
  std::optional<crm::gamma_gamma<double>> gg;
  if (const auto fit = crm::try_fit_gamma_gamma(spend)) {
    gg = fit->params;
    f.spend_parameters = {{"p", fit->params.p, fit->standard_errors.p},
                          {"q", fit->params.q, fit->standard_errors.q},
                          {"gamma", fit->params.gamma, fit->standard_errors.gamma}};
  } else {
    f.spend_note = crm::message(fit.error());
  }

  // Predictions from the whole history (ages to the last day of the data).
  f.horizon = weeks_per(o.period);
  const auto now = shim::rfm_summary(hist, last_day);
  f.p_alive_histogram.assign(10, 0);
  std::vector<customer_forecast> all;
  double sum_alive = 0, sum_clv = 0;
  const crm::clv_horizon<double> horizon{.periods = 12, .period_length = f.horizon, .discount_rate = 0.01, .margin = 1.0};
  for (const auto& c : now) {
    customer_forecast cf{c.id, c.row.frequency, c.row.recency, c.row.age, c.repeat_mean, alive(c.row),
                         expected(c.row, f.horizon), 0};
    sum_alive += cf.p_alive;
    f.expected_purchases_next_period += cf.expected_purchases;
    f.p_alive_histogram[std::min<std::size_t>(9, static_cast<std::size_t>(cf.p_alive * 10.0))] += 1;
    if (gg) {
      const double s = gg->conditional_expected_average_spend(c.repeat_mean > 0 ? c.row.frequency : 0.0, c.repeat_mean);
      cf.clv = bg ? crm::customer_lifetime_value(*bg, c.row, s, horizon) : crm::customer_lifetime_value(*pn, c.row, s, horizon);
      sum_clv += cf.clv;
    }
    all.push_back(cf);
  }
  f.mean_p_alive = sum_alive / static_cast<double>(now.size());
  if (gg) f.mean_clv = sum_clv / static_cast<double>(now.size());
  const auto top = static_cast<std::size_t>(std::max(0, o.top));
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(top, all.size())), all.end(),
                    [&](const auto& a, const auto& b) {
                      return gg ? a.clv > b.clv : a.expected_purchases > b.expected_purchases;
                    });
  all.resize(std::min(top, all.size()));
  f.top = std::move(all);

  // Holdout: purchases after the calibration end, predicted vs actual, by calibration frequency.
  if (last_day > end_day) {
    const double length = (last_day - end_day) / 7.0;
    f.holdout_length = length;
    constexpr int groups = 8;
    std::vector<holdout_row> h(groups);
    for (int k = 0; k < groups; ++k) h[static_cast<std::size_t>(k)].frequency = k + 1 < groups ? std::to_string(k) : std::to_string(k) + "+";
    for (const auto& c : cal) {
      const double predicted = expected(c.row, length);
      holdout_row& g = h[std::min<std::size_t>(groups - 1, static_cast<std::size_t>(c.row.frequency))];
      g.customers += 1, g.actual += c.holdout_purchases, g.predicted += predicted;
      f.holdout_actual_total += c.holdout_purchases, f.holdout_predicted_total += predicted;
    }
    for (holdout_row& g : h)
      if (g.customers > 0) g.actual /= static_cast<double>(g.customers), g.predicted /= static_cast<double>(g.customers);
    f.holdout = std::move(h);
  }
  rep.forecast = std::move(f);
}

void cost_figures_of(report& rep, const report_input& in, const report_options& o) {
  if (in.costs.empty()) return;
  const crm::period_unit u = unit_of(o.period);
  cost_figures c;
  std::int32_t lo = INT32_MAX, hi = INT32_MIN;
  for (const auto& s : in.costs) {
    c.spend += s.amount;
    const std::int32_t p = crm::period_of(u, s.time);
    lo = std::min(lo, p), hi = std::max(hi, p);
  }
  // New customers: first purchase in a period the costs cover; their revenue to the end of the data.
  std::unordered_map<crm::customer_id, std::int32_t> first;
  for (const auto& ord : in.orders) {
    if (ord.amount < 0) continue;
    const std::int32_t p = crm::period_of(u, ord.time);
    auto [it, created] = first.try_emplace(ord.customer, p);
    if (!created) it->second = std::min(it->second, p);
  }
  for (const auto& [id, p] : first) c.new_customers += p >= lo && p <= hi;
  for (const auto& ord : in.orders) {
    const std::int32_t p = first.count(ord.customer) != 0 ? first[ord.customer] : INT32_MIN;
    if (p >= lo && p <= hi) c.revenue += ord.amount;
  }
  if (c.new_customers > 0) {
    const double cac = crm::cac({.marketing_and_sales_cost = c.spend, .new_customers = c.new_customers}).value();
    c.cac = cac;
    if (rep.forecast && rep.forecast->mean_clv && cac > 0) {
      c.ltv = *rep.forecast->mean_clv;
      c.ltv_basis = "mean CLV of the forecast (12 periods ahead, 1 % discount per period)";
      c.ltv_to_cac = crm::ltv_to_cac({.lifetime_value = *c.ltv, .acquisition_cost = cac}).value();
    }
  }
  if (c.spend > 0 && c.revenue >= 0)
    c.romi = crm::romi({.revenue = c.revenue, .marketing_cost = c.spend}).value();
  rep.costs = c;
}

}  // namespace

report compute_report(const report_input& in, const report_options& o) {
  report rep;
  rep.version = std::to_string(CRM_METRICS_VERSION_MAJOR) + "." + std::to_string(CRM_METRICS_VERSION_MINOR) + "." +
                std::to_string(CRM_METRICS_VERSION_PATCH);
  rep.currency = o.currency;
  rep.period = name_of(o.period);
  rep.level = o.level;
  rep.sample = in.sample;
  rep.inputs = in.files;
  for (const input_file& f : in.files) rep.partial = rep.partial || f.rejected > 0;
  if (in.orders.empty()) throw input_error(in.files.front().source + ": has no orders");
  const auto [lo, hi] = std::minmax_element(in.orders.begin(), in.orders.end(),
                                            [](const auto& a, const auto& b) { return a.time < b.time; });
  const sys_days first = floor<days>(lo->time), last = floor<days>(hi->time);
  rep.first_date = iso(first), rep.last_date = iso(last);

  sys_days cal_end{};
  if (!o.calibration_end.empty()) {
    cal_end = parse_date_option(o.calibration_end, "--calibration-end");
    if (cal_end < first || cal_end > last)
      throw input_error("--calibration-end " + iso(cal_end) + " is outside the data of " + in.files.front().source +
                        " (" + rep.first_date + " .. " + rep.last_date + ")");
  } else {
    // Two thirds into the data, moved to the end of its period.
    const sys_days mid = first + days{(last - first).count() * 2 / 3};
    const crm::period_unit u = unit_of(o.period);
    cal_end = std::min(last, crm::period_start(u, crm::period_of(u, sys_seconds{mid}) + 1) - days{1});
    rep.notes.push_back("calibration end " + iso(cal_end) + " (two thirds into the data; set it with --calibration-end)");
  }

  headline_figures(rep, in, o.level);
  period_figures(rep, in, o);
  email_figures(rep, in, o.level);
  nps_figures_of(rep, in, o.level);
  try {
    forecast_figures_of(rep, in, o, cal_end, last);
  } catch (const std::exception& e) {
    rep.forecast_error = e.what();
  }
  cost_figures_of(rep, in, o);
  return rep;
}

}  // namespace crm_report

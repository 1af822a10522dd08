// crm-report: every figure of the report, computed through the library's public API:
// records -> aggregation -> metrics -> intervals; the forecast (models) is in forecast.cpp.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#include "add_all.hpp"
#include "report.hpp"

#include <crm/aggregate/cohort.hpp>
#include <crm/aggregate/email.hpp>
#include <crm/aggregate/orders.hpp>
#include <crm/aggregate/periods.hpp>
#include <crm/aggregate/survey.hpp>
#include <crm/metrics.hpp>
#include <crm/statistics.hpp>
#include <crm/version.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
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

std::string iso(sys_days d) { return iso_date(d); }

interval of(const crm::rate_estimate<double>& e) { return {e.point.value(), e.lower.value(), e.upper.value()}; }
interval of(const crm::value_estimate<double>& e) { return {e.point, e.lower, e.upper}; }

/// The rate interval of a proportion sample, or none when it has no trials.
std::optional<interval> proportion(const crm::proportion_sample& s, double level) {
  const auto r = crm::try_proportion_interval(s, level);
  if (!r) return std::nullopt;
  return of(*r);
}

/// The t interval of the mean of `stats`, or none with the library's reason as a note (fewer than two
/// values: one order, one customer). Never the point repeated or zeros in its place. Its lower bound
/// is clipped at `least`, the smallest value the figure can take (every value is at least that, so
/// the mean is too, and the coverage stays what it was): with a few customers the t interval of the
/// orders per customer reached below 1 and even below 0 ([-4.85, 7.85] for 1 and 2 orders).
std::optional<interval> mean_ci(report& rep, const char* figure, const crm::running_stats<double>& stats, double level,
                                double least) {
  const auto e = crm::try_mean_interval(stats, level);
  if (e) {
    interval i = of(*e);
    i.lower = std::max(i.lower, least);
    return i;
  }
  rep.notes.push_back(std::string(figure) + ": no interval: " + crm::message(e.error()));
  return std::nullopt;
}

/// A rate of the e-mail funnel with its Wilson interval, when the library's metric (crm::try_open_rate,
/// ...) gives it; else none, the metric's message as a note (click-to-open without opens, or with
/// clicks above opens).
std::optional<interval> funnel_rate(report& rep, const char* figure, const crm::result<crm::rate<double>>& metric,
                                    const crm::proportion_sample& s, double level) {
  crm::error_info why = metric.error();
  if (!why) {
    const auto r = crm::try_proportion_interval(s, level);
    if (r) return of(*r);
    why = r.error();
  }
  rep.notes.push_back(std::string(figure) + ": not applicable: " + crm::message(why));
  return std::nullopt;
}

void headline_figures(report& rep, const report_input& in, double level, bool skip) {
  crm::customer_accumulator<double> acc;
  add_all(acc, in.orders, rep, "orders", skip);
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
  h.average_check = crm::average_check(acc.order_totals_state().gross_totals()).value();
  h.average_check_ci = mean_ci(rep, "average check", checks, level, 0.0);  // amounts of purchases: >= 0
  // Purchase frequency: orders / customers (000 line 32), t interval of the orders per customer.
  crm::running_stats<double> per_customer;
  acc.table().for_each([&](crm::customer_id, const auto& s) {
    if (s.orders > 0) per_customer.add(static_cast<double>(s.orders));
  });
  h.purchase_frequency = crm::purchase_frequency(acc.purchases()).value();
  h.purchase_frequency_ci = mean_ci(rep, "purchase frequency", per_customer, level, 1.0);  // a customer has an order
  h.repeat_share = of(crm::proportion_interval(crm::repeat_purchase_sample(repeat), level));
  if (const auto gaps = acc.gaps<double>(); gaps.gaps > 0)
    h.mean_days_between_purchases = crm::average_time_between_purchases(gaps).count();
}


/// Per-period counts and the cohort matrix (crm::period_accumulator); returns the accumulator's
/// cohort matrix for the cost figures.
crm::cohort_matrix<double> period_figures(report& rep, const report_input& in, const report_options& o, sys_days first,
                                          sys_days last) {
  const crm::period_unit u = unit_of(o.period);
  const std::int32_t p0 = crm::period_of(u, sys_seconds{first}), p1 = crm::period_of(u, sys_seconds{last});
  crm::period_accumulator<double> acc({.unit = u, .first = first, .periods = p1 - p0 + 1,
                                       .inactive_periods = lapse_of(o.period), .cohort_revenue = true});
  // reserved for the customers the headline counted: the table is not rebuilt as it grows (each
  // rebuild mapped and zeroed a new array: a third of the report's time on 1M orders)
  acc.reserve(static_cast<std::size_t>(rep.head.customers));
  add_all(acc, in.orders, rep, "orders", o.skip_bad_rows, false);
  for (const crm::period_stats<double>& p : acc.stats()) {
    period_row r{crm::period_label(u, p.period), p.customers_at_start, p.new_customers, p.returning_customers,
                 p.lost_customers, p.customers_at_end, p.active_customers, p.orders, p.revenue, {}, {}, {}};
    if (p.customers_at_start > 0) {
      r.retention = proportion(crm::retention_sample(p.retention()), o.level);
      r.churn = proportion(crm::churn_sample(p.churn()), o.level);
      r.growth = crm::customer_base_growth(p.base()).value();
    }
    rep.periods.push_back(std::move(r));
  }
  crm::cohort_matrix<double> m = acc.cohorts();
  for (std::int32_t c = 0; c < m.periods; ++c) {
    if (m.sizes[static_cast<std::size_t>(c)] == 0) continue;
    cohort_row r{crm::period_label(u, m.first_period + c), m.sizes[static_cast<std::size_t>(c)], {}, {}, {}};
    for (std::int32_t k = 0; k < static_cast<std::int32_t>(m.columns(c)); ++k) {
      const crm::cohort_counts cell = m.cell(c, k);
      r.active.push_back(cell.active_in_period);
      r.revenue.push_back(m.revenue(c, k));
      r.retention.push_back(crm::cohort_retention(cell).value());
    }
    rep.cohorts.push_back(std::move(r));
  }
  return m;
}

void email_figures(report& rep, const report_input& in, double level, bool skip) {
  if (in.email_events.empty() && in.funnel.empty()) return;
  // Campaigns from the events (unique recipients per campaign) or from the funnel file.
  std::vector<crm::email_campaign<double>> campaigns = in.funnel;
  if (!in.email_events.empty()) {
    crm::email_accumulator<double> acc;
    add_all(acc, in.email_events, rep, "email", skip);
    for (const auto& [id, x] : acc.campaigns()) campaigns.push_back(x);
  }
  // The funnel of all campaigns together: their counts added up. A total beyond crm::count_t (or a
  // revenue beyond double) is bad input naming the file and the field, as the library's accumulators
  // report an overflowing sum; the counts are >= 0 (read_funnel, crm::email_accumulator).
  const std::string& file =
      std::find_if(rep.inputs.begin(), rep.inputs.end(), [](const input_file& x) { return x.role == "funnel" || x.role == "email"; })
          ->source;
  const auto overflow = [&](const char* field, const char* why) {
    return input_error(file + ": " + field + " " + crm::describe(crm::errc::overflow) + " (" + why + ")");
  };
  const auto add = [&](crm::count_t& total, crm::count_t x, const char* field) {
    if (x > std::numeric_limits<crm::count_t>::max() - total) throw overflow(field, "its sum over the campaigns passes 2^63 - 1");
    total += x;
  };
  crm::email_campaign<double> c{};
  funnel_figures f;
  for (const auto& x : campaigns) {
    ++f.campaigns;
    add(c.sent, x.sent, "sent"), add(c.delivered, x.delivered, "delivered"), add(c.unique_opens, x.unique_opens, "unique_opens");
    add(c.unique_clicks, x.unique_clicks, "unique_clicks"), add(c.conversions, x.conversions, "conversions");
    add(c.unsubscribed, x.unsubscribed, "unsubscribed"), add(c.spam_complaints, x.spam_complaints, "spam_complaints");
    add(c.hard_bounces, x.hard_bounces, "hard_bounces"), add(c.soft_bounces, x.soft_bounces, "soft_bounces");
    c.revenue += x.revenue;
    if (!std::isfinite(c.revenue)) throw overflow("revenue", "its sum over the campaigns is too large");
  }
  f.sent = c.sent, f.delivered = c.delivered, f.opens = c.unique_opens, f.clicks = c.unique_clicks;
  f.conversions = c.conversions, f.unsubscribed = c.unsubscribed, f.spam = c.spam_complaints;
  f.hard_bounces = c.hard_bounces, f.soft_bounces = c.soft_bounces, f.revenue = c.revenue;
  f.delivery = funnel_rate(rep, "delivery rate", crm::try_delivery_rate(c), {.successes = c.delivered, .trials = c.sent}, level);
  f.open = funnel_rate(rep, "open rate", crm::try_open_rate(c), crm::open_rate_sample(c), level);
  f.click_through = funnel_rate(rep, "click-through rate", crm::try_click_through_rate(c), crm::click_through_sample(c), level);
  f.click_to_open = funnel_rate(rep, "click-to-open rate", crm::try_click_to_open_rate(c), crm::click_to_open_sample(c), level);
  f.conversion = funnel_rate(rep, "conversion rate", crm::try_email_conversion_rate(c), crm::email_conversion_sample(c), level);
  f.unsubscribe = funnel_rate(rep, "unsubscribe rate", crm::try_unsubscribe_rate(c), crm::unsubscribe_sample(c), level);
  rep.email = f;
}

void nps_figures_of(report& rep, const report_input& in, double level, bool skip) {
  if (in.nps_answers.empty()) return;
  crm::nps_accumulator acc;
  add_all(acc, in.nps_answers, rep, "nps", skip);
  const crm::nps_counts c = acc.tally();
  const interval ci = of(crm::nps_interval(c, level));
  nps_figures n{c.promoters, c.passives, c.detractors, ci.point, ci};
  // every answer of one kind: the normal interval's standard error is 0 and the "interval" is the
  // point itself (docs/statistics.md: report the counts instead), so no bounds, and a note
  const int kinds = (c.promoters > 0) + (c.passives > 0) + (c.detractors > 0);
  if (kinds == 1) {
    n.score_ci.reset();
    rep.notes.push_back("NPS: no interval: every answer is of one kind, so the normal approximation's standard error is 0 (" +
                        std::to_string(c.respondents()) + (c.respondents() == 1 ? " answer)" : " answers)"));
  }
  rep.nps = n;
}

/// CAC, ROMI and LTV:CAC: the spend of the costs file against the customers acquired in the periods
/// it covers (their first purchase in one of them) and those customers' revenue to the end of the data.
void cost_figures_of(report& rep, const report_input& in, const report_options& o, const crm::cohort_matrix<double>& m) {
  if (in.costs.empty()) return;
  const crm::period_unit u = unit_of(o.period);
  crm::spend_accumulator<double> spend;
  add_all(spend, in.costs, rep, "costs", o.skip_bad_rows);
  std::int32_t lo = INT32_MAX, hi = INT32_MIN;
  for (const auto& s : in.costs) {
    const std::int32_t p = crm::period_of(u, s.time);
    lo = std::min(lo, p), hi = std::max(hi, p);
  }
  cost_figures c;
  c.spend = spend.total();
  for (std::int32_t k = 0; k < m.periods; ++k) {
    const std::int32_t p = m.first_period + k;
    if (p < lo || p > hi) continue;
    c.new_customers += m.sizes[static_cast<std::size_t>(k)];
    for (std::int32_t j = 0; j < static_cast<std::int32_t>(m.columns(k)); ++j) c.revenue += m.revenue(k, j);
  }
  // Each quotient through the library's try_ form: one it refuses (a result beyond double, from a
  // spend of 1e-307) is null with the library's message as a note, not an internal error.
  const auto kept = [&](const char* figure, const auto& r) -> std::optional<double> {
    if (r) return r->value();
    rep.notes.push_back(std::string(figure) + ": not available: " + crm::message(r.error()));
    return std::nullopt;
  };
  if (c.new_customers > 0) {
    c.cac = kept("CAC", crm::try_cac(spend.costs(c.new_customers)));
    if (rep.forecast && rep.forecast->mean_clv && c.cac && *c.cac > 0) {
      c.ltv = *rep.forecast->mean_clv;
      c.ltv_basis = "mean CLV of the forecast (12 periods ahead, 1 % discount per period)";
      c.ltv_to_cac = kept("LTV:CAC", crm::try_ltv_to_cac({.lifetime_value = *c.ltv, .acquisition_cost = *c.cac}));
    }
  }
  if (c.spend > 0 && c.revenue >= 0) c.romi = kept("ROMI", crm::try_romi({.revenue = c.revenue, .marketing_cost = c.spend}));
  rep.costs = c;
}

}  // namespace

std::string iso_date(sys_days d) {
  const year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

report compute_report(const report_input& in, const report_options& o) {
  report rep;
  rep.version = std::to_string(CRM_METRICS_VERSION_MAJOR) + "." + std::to_string(CRM_METRICS_VERSION_MINOR) + "." +
                std::to_string(CRM_METRICS_VERSION_PATCH);
  rep.currency = o.currency;
  rep.period = name_of(o.period);
  rep.inactive_periods = lapse_of(o.period);
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

  headline_figures(rep, in, o.level, o.skip_bad_rows);
  const crm::cohort_matrix<double> cohorts = period_figures(rep, in, o, first, last);
  email_figures(rep, in, o.level, o.skip_bad_rows);
  nps_figures_of(rep, in, o.level, o.skip_bad_rows);
  try {
    forecast_figures_of(rep, in, o, first, cal_end, last, weeks_per(o.period));
  } catch (const input_error&) {
    throw;
  } catch (const std::exception& e) {
    rep.forecast_error = e.what();
  }
  cost_figures_of(rep, in, o, cohorts);
  return rep;
}

}  // namespace crm_report

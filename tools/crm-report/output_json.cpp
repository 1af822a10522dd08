// crm-report: every figure as JSON, with nlohmann::json. The schema is documented in docs/report.md
// ("JSON schema"); "schema_version" changes when a field changes meaning or type (a number that may
// now be null), or disappears.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#include "report.hpp"

#include <nlohmann/json.hpp>

namespace crm_report {
namespace {

using json = nlohmann::ordered_json;

json of(const interval& i) { return {{"value", i.point}, {"lower", i.lower}, {"upper", i.upper}}; }
template <class T>
json opt(const std::optional<T>& v) {
  if (!v) return nullptr;
  if constexpr (std::is_same_v<T, interval>) return of(*v);
  else return *v;
}
/// A figure with its interval's bounds, null when the interval cannot be computed.
json with_bounds(double point, const std::optional<interval>& ci) {
  if (!ci) return {{"value", point}, {"lower", nullptr}, {"upper", nullptr}};
  return {{"value", point}, {"lower", ci->lower}, {"upper", ci->upper}};
}
json params(const std::vector<parameter>& ps) {
  json o = json::object();
  for (const parameter& p : ps) o[p.name] = {{"value", p.value}, {"standard_error", p.standard_error}};
  return o;
}

}  // namespace

std::string to_json_text(const report& r) {
  json j;
  j["schema_version"] = 4;
  j["generator"] = "crm-report " + r.version;
  j["currency"] = r.currency;
  j["period"] = r.period;
  j["inactive_periods"] = r.inactive_periods;
  j["confidence_level"] = r.level;
  j["first_date"] = r.first_date;
  j["last_date"] = r.last_date;
  j["sample"] = r.sample;
  j["partial"] = r.partial;
  j["inputs"] = json::array();
  for (const input_file& f : r.inputs)
    j["inputs"].push_back({{"role", f.role}, {"source", f.source}, {"rows", f.rows}, {"used", f.used},
                           {"rejected", f.rejected}, {"first_rejections", f.first_rejections}});
  j["notes"] = r.notes;
  const headline& h = r.head;
  j["headline"] = {{"customers", h.customers},
                   {"orders", h.orders},
                   {"returns", h.returns},
                   {"revenue", h.revenue},
                   {"average_check", with_bounds(h.average_check, h.average_check_ci)},
                   {"purchase_frequency", with_bounds(h.purchase_frequency, h.purchase_frequency_ci)},
                   {"repeat_customers", h.repeat_customers},
                   {"repeat_purchase_share", of(h.repeat_share)},
                   {"mean_days_between_purchases", opt(h.mean_days_between_purchases)}};
  j["periods"] = json::array();
  for (const period_row& p : r.periods)
    j["periods"].push_back({{"period", p.label},
                            {"customers_at_start", p.at_start},
                            {"new_customers", p.new_customers},
                            {"returning_customers", p.returning},
                            {"customers_lost", p.lost},
                            {"customers_at_end", p.at_end},
                            {"active_customers", p.active},
                            {"orders", p.orders},
                            {"revenue", p.revenue},
                            {"retention_rate", opt(p.retention)},
                            {"churn_rate", opt(p.churn)},
                            {"base_growth", opt(p.growth)}});
  j["cohorts"] = json::array();
  for (const cohort_row& c : r.cohorts)
    j["cohorts"].push_back({{"cohort", c.label}, {"size", c.size}, {"active", c.active}, {"retention", c.retention},
                            {"revenue", c.revenue}});
  if (r.email) {
    const funnel_figures& f = *r.email;
    j["email"] = {{"campaigns", f.campaigns},
                  {"sent", f.sent},
                  {"delivered", f.delivered},
                  {"unique_opens", f.opens},
                  {"unique_clicks", f.clicks},
                  {"conversions", f.conversions},
                  {"unsubscribed", f.unsubscribed},
                  {"spam_complaints", f.spam},
                  {"hard_bounces", f.hard_bounces},
                  {"soft_bounces", f.soft_bounces},
                  {"revenue", f.revenue},
                  {"delivery_rate", opt(f.delivery)},
                  {"open_rate", opt(f.open)},
                  {"click_through_rate", opt(f.click_through)},
                  {"click_to_open_rate", opt(f.click_to_open)},
                  {"conversion_rate", opt(f.conversion)},
                  {"unsubscribe_rate", opt(f.unsubscribe)}};
  } else {
    j["email"] = nullptr;
  }
  if (r.nps)
    j["nps"] = {{"promoters", r.nps->promoters}, {"passives", r.nps->passives}, {"detractors", r.nps->detractors},
                {"score", with_bounds(r.nps->score, r.nps->score_ci)}};
  else
    j["nps"] = nullptr;
  if (r.costs)
    j["costs"] = {{"spend", r.costs->spend},           {"new_customers", r.costs->new_customers},
                  {"revenue", r.costs->revenue},       {"cac", opt(r.costs->cac)},
                  {"romi", opt(r.costs->romi)},        {"ltv", opt(r.costs->ltv)},
                  {"ltv_to_cac", opt(r.costs->ltv_to_cac)}, {"ltv_basis", r.costs->ltv_basis}};
  else
    j["costs"] = nullptr;
  if (r.forecast) {
    const forecast_figures& f = *r.forecast;
    json top = json::array();
    for (const customer_forecast& c : f.top)
      top.push_back({{"customer", c.id}, {"frequency", c.frequency}, {"recency", c.recency}, {"age", c.age},
                     {"average_spend", c.average_spend}, {"p_alive", c.p_alive},
                     {"expected_purchases_next_period", c.expected_purchases}, {"clv", c.clv},
                     {"p_alive_interval", opt(c.p_alive_ci)},
                     {"expected_purchases_next_period_interval", opt(c.expected_purchases_ci)},
                     {"clv_interval", opt(c.clv_ci)}});
    json holdout = nullptr;
    if (f.holdout_length) {
      json rows = json::array();
      for (const holdout_row& x : f.holdout)
        rows.push_back({{"frequency", x.frequency}, {"customers", x.customers}, {"predicted", x.predicted},
                        {"actual", x.actual}});
      holdout = {{"length", *f.holdout_length}, {"predicted_total", f.holdout_predicted_total},
                 {"actual_total", f.holdout_actual_total}, {"by_frequency", rows}};
    }
    json tracking = nullptr;
    if (f.holdout_length) {
      json points = json::array();
      for (const tracking_row& x : f.tracking)
        points.push_back({{"week", x.time}, {"actual_cumulative", x.actual_cumulative},
                          {"predicted_cumulative", x.predicted_cumulative}, {"actual_incremental", x.actual_incremental},
                          {"predicted_incremental", x.predicted_incremental}});
      tracking = {{"customers", f.tracking_customers}, {"calibration_end_week", f.tracking_calibration_end},
                  {"points", points}};
    }
    const auto boundary = [](const std::optional<boundary_figures>& b) -> json {
      if (!b) return nullptr;
      return {{"fitted_model", b->fitted_model}, {"where", b->where}, {"description", b->description},
              {"lr_statistic", b->lr_statistic}, {"lr_p_value", b->lr_p_value}};
    };
    j["forecast"] = {{"model", f.model},
                     {"boundary", boundary(f.boundary)},
                     {"spend_boundary", boundary(f.spend_boundary)},
                     {"time_unit", f.time_unit},
                     {"calibration_end", f.calibration_end},
                     {"customers", f.customers},
                     {"parameters", params(f.parameters)},
                     {"log_likelihood", f.log_likelihood},
                     {"converged", f.converged},
                     {"spend_model", f.spend_parameters.empty() ? json(nullptr) : params(f.spend_parameters)},
                     {"spend_note", f.spend_note},
                     {"spend_rows_left_out", f.spend_rows_left_out},
                     {"horizon", f.horizon},
                     {"expected_purchases_next_period", f.expected_purchases_next_period},
                     {"expected_purchases_next_period_interval", opt(f.expected_purchases_next_period_ci)},
                     {"interval_note", f.interval_note},
                     {"mean_p_alive", f.mean_p_alive},
                     {"p_alive_histogram", f.p_alive_histogram},
                     {"clv_periods", f.clv_horizon_periods},
                     {"clv_discount_rate", f.clv_discount_rate},
                     {"mean_clv", opt(f.mean_clv)},
                     {"base_clv", f.base_clv ? with_bounds(*f.base_clv, f.base_clv_ci) : json(nullptr)},
                     {"base_clv_customers_left_out", f.base_clv_customers_left_out},
                     {"top_customers", top},
                     {"holdout", holdout},
                     {"tracking", tracking}};
    j["forecast_error"] = nullptr;
  } else {
    j["forecast"] = nullptr;
    j["forecast_error"] = opt(r.forecast_error);
  }
  // text of the input files that is not UTF-8 (a Windows-1251 export) with U+FFFD in place of each
  // invalid sequence, as on the HTML page (dump() threw on it: found by tests/fuzz/report_fuzz.cpp)
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace crm_report

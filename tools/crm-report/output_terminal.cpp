// crm-report: the report on the terminal, with {fmt}: aligned tables, colour only when asked for.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#include "format_util.hpp"
#include "report.hpp"

#include <fmt/color.h>
#include <fmt/core.h>

#include <algorithm>
#include <cstdio>

namespace crm_report {
namespace {

struct printer {
  bool color = false;
  std::FILE* out = stdout;

  void title(const std::string& s) const {
    if (color) fmt::print(out, "\n{}\n", fmt::styled(s, fmt::emphasis::bold | fmt::fg(fmt::terminal_color::cyan)));
    else fmt::print(out, "\n{}\n", s);
  }
  void note(const std::string& s) const {
    if (color) fmt::print(out, "{}\n", fmt::styled(s, fmt::fg(fmt::terminal_color::yellow)));
    else fmt::print(out, "{}\n", s);
  }
  /// A table: the first column left-aligned, the others right-aligned, widths from the content.
  void table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) const {
    std::vector<std::size_t> w(head.size());
    for (std::size_t c = 0; c < head.size(); ++c) w[c] = display_width(head[c]);
    for (const auto& r : rows)
      for (std::size_t c = 0; c < r.size() && c < w.size(); ++c) w[c] = std::max(w[c], display_width(r[c]));
    const auto line = [&](const std::vector<std::string>& r, bool bold) {
      std::string s = "  ";
      for (std::size_t c = 0; c < r.size() && c < w.size(); ++c) {
        const std::string pad(w[c] - display_width(r[c]), ' ');
        s += c == 0 ? r[c] + pad : pad + r[c];
        if (c + 1 < r.size()) s += "  ";
      }
      if (bold && color) fmt::print(out, "{}\n", fmt::styled(s, fmt::emphasis::bold));
      else fmt::print(out, "{}\n", s);
    };
    line(head, true);
    for (const auto& r : rows) line(r, false);
  }
};

/// "[lower, upper]" in the figure's own text, or "-" when there is no interval.
template <class Text>
std::string bounds_text(const std::optional<interval>& i, Text text) {
  return i ? "[" + text(i->lower) + ", " + text(i->upper) + "]" : std::string("-");
}

}  // namespace

void print_terminal(const report& r, bool color) {
  const printer p{color};
  const std::string& cur = r.currency;
  const std::string ci = fmt::format("{:g}% CI", r.level * 100);
  fmt::print("crm-report {} — {}{} to {}, one row per {}\n", r.version,
             r.sample ? "built-in sample data, " : "", r.first_date, r.last_date, r.period);
  for (const input_file& f : r.inputs)
    fmt::print("  {:<7} {}: {} rows, {} used, {} rejected\n", f.role, f.source, f.rows, f.used, f.rejected);
  if (r.partial) {
    p.note("PARTIAL REPORT: rows were rejected (--skip-bad-rows); the figures cover only the rows used.");
    for (const input_file& f : r.inputs)
      for (const std::string& s : f.first_rejections) p.note("  rejected: " + s);
  }
  for (const std::string& n : r.notes) p.note("note: " + n);

  const headline& h = r.head;
  p.title("Headline");
  std::vector<std::vector<std::string>> rows = {
      {"customers", count_text(h.customers), ""},
      {"orders", count_text(h.orders), h.returns > 0 ? count_text(h.returns) + " returns not counted" : ""},
      {"revenue (net)", money_text(h.revenue, cur), ""},
      {"average check", money_text(h.average_check, cur),
       bounds_text(h.average_check_ci, [&](double v) { return money_text(v, cur); })},
      {"purchase frequency", fixed(h.purchase_frequency, 2) + " orders/customer",
       bounds_text(h.purchase_frequency_ci, [](double v) { return fixed(v, 2); })},
      {"repeat-purchase share", percent(h.repeat_share.point), interval_text(h.repeat_share)},
  };
  if (h.mean_days_between_purchases) rows.push_back({"days between purchases", fixed(*h.mean_days_between_purchases, 1), "mean"});
  p.table({"figure", "value", ci}, rows);

  p.title(fmt::format("Customer base per {} (back: bought again after being lost; lost: no purchase in {} {}s)", r.period,
                      r.inactive_periods, r.period));
  rows.clear();
  for (const period_row& x : r.periods)
    rows.push_back({x.label, count_text(x.at_start), count_text(x.new_customers), count_text(x.returning), count_text(x.lost),
                    count_text(x.at_end), x.retention ? percent(x.retention->point) + " " + interval_text(*x.retention) : "-",
                    x.churn ? percent(x.churn->point) : "-", x.growth ? signed_percent(*x.growth) : "-",
                    money_text(x.revenue, cur)});
  p.table({r.period, "start", "new", "back", "lost", "end", "retention [" + ci + "]", "churn", "growth", "revenue"}, rows);

  p.title("Acquisition cohorts: share of the cohort buying k periods after the first purchase");
  std::size_t width = 0;
  for (const cohort_row& c : r.cohorts) width = std::max(width, c.retention.size());
  width = std::min<std::size_t>(width, 13);
  std::vector<std::string> head = {"cohort", "size"};
  for (std::size_t k = 0; k < width; ++k) head.push_back(fmt::format("+{}", k));
  rows.clear();
  for (const cohort_row& c : r.cohorts) {
    std::vector<std::string> row = {c.label, count_text(c.size)};
    for (std::size_t k = 0; k < width; ++k) row.push_back(k < c.retention.size() ? fixed(c.retention[k] * 100, 0) : "");
    rows.push_back(std::move(row));
  }
  p.table(head, rows);
  fmt::print("  (per cent of the cohort)\n");

  if (r.email) {
    const funnel_figures& f = *r.email;
    p.title(fmt::format("E-mail ({} campaigns, unique recipients per campaign)", f.campaigns));
    // A rate that does not apply (its reason among the notes at the top): "-" in both columns.
    const auto rate = [](const std::optional<interval>& x, const char* of) { return x ? percent(x->point) + of : "-"; };
    const auto bounds = [](const std::optional<interval>& x) { return x ? interval_text(*x) : "-"; };
    p.table({"stage", "count", "rate", ci},
            {{"sent", count_text(f.sent), "", ""},
             {"delivered", count_text(f.delivered), rate(f.delivery, " of sent"), bounds(f.delivery)},
             {"opened", count_text(f.opens), rate(f.open, " of delivered"), bounds(f.open)},
             {"clicked", count_text(f.clicks), rate(f.click_through, " of delivered"), bounds(f.click_through)},
             {"click-to-open", "", rate(f.click_to_open, " of opened"), bounds(f.click_to_open)},
             {"converted", count_text(f.conversions), rate(f.conversion, " of sent"), bounds(f.conversion)},
             {"unsubscribed", count_text(f.unsubscribed), rate(f.unsubscribe, " of delivered"), bounds(f.unsubscribe)},
             {"bounced (hard/soft)", count_text(f.hard_bounces) + "/" + count_text(f.soft_bounces), "", ""},
             {"revenue", money_text(f.revenue, cur), "", ""}});
  }
  if (r.nps) {
    const nps_figures& n = *r.nps;
    p.title("NPS");
    p.table({"promoters", "passives", "detractors", "NPS", ci},
            {{count_text(n.promoters), count_text(n.passives), count_text(n.detractors), fixed(n.score, 1),
              bounds_text(n.score_ci, [](double v) { return fixed(v, 1); })}});
  }
  if (r.costs) {
    const cost_figures& c = *r.costs;
    p.title("Acquisition economics (costs file)");
    rows = {{"marketing and sales spend", money_text(c.spend, cur)},
            {"new customers in those periods", count_text(c.new_customers)},
            {"their revenue to date", money_text(c.revenue, cur)}};
    if (c.cac) rows.push_back({"CAC", money_text(*c.cac, cur)});
    if (c.romi) rows.push_back({"ROMI", percent(*c.romi)});
    if (c.ltv_to_cac) rows.push_back({"LTV:CAC", fixed(*c.ltv_to_cac, 2) + " (LTV " + money_text(*c.ltv, cur) + ")"});
    p.table({"figure", "value"}, rows);
  }
  if (r.forecast) {
    const forecast_figures& f = *r.forecast;
    p.title(fmt::format("Forecast: {} + Gamma-Gamma, fitted on {} customers to {} (time unit: weeks)", f.model,
                        f.customers, f.calibration_end));
    rows.clear();
    for (const parameter& x : f.parameters) rows.push_back({x.name, fixed(x.value, 3), fixed(x.standard_error, 3)});
    for (const parameter& x : f.spend_parameters) rows.push_back({x.name + " (spend)", fixed(x.value, 3), fixed(x.standard_error, 3)});
    p.table({"parameter", "estimate", "std. error"}, rows);
    if (f.boundary) p.note(boundary_note(f));
    if (f.spend_boundary)
      p.note(fmt::format("Gamma-Gamma's likelihood is maximised on the boundary of its parameters ({}); the spend per transaction is "
                         "the nested model's",
                         f.spend_boundary->description));
    if (!f.converged) p.note("the fit did not converge: read the parameters with care");
    if (!f.spend_note.empty()) p.note("no spend model: " + f.spend_note);
    if (f.spend_rows_left_out > 0)
      fmt::print("  spend model fitted without {} repeat {} whose repeat purchases were all free\n", f.spend_rows_left_out,
                 f.spend_rows_left_out == 1 ? "customer" : "customers");
    fmt::print("  log-likelihood {:.1f}\n", f.log_likelihood);
    fmt::print("  expected purchases next {} ({:.2f} weeks): {:.1f}{}\n", r.period, f.horizon, f.expected_purchases_next_period,
               f.expected_purchases_next_period_ci ? fmt::format(" [{}: {:.1f}, {:.1f}]", ci, f.expected_purchases_next_period_ci->lower,
                                                                 f.expected_purchases_next_period_ci->upper)
                                                   : "");
    if (!f.interval_note.empty()) p.note("  " + f.interval_note);
    fmt::print("  mean P(alive): {}\n", percent(f.mean_p_alive));
    std::string hist;
    for (std::size_t k = 0; k < f.p_alive_histogram.size(); ++k)
      hist += fmt::format("{}{:.1f}-{:.1f}: {}", k ? ", " : "", 0.1 * static_cast<double>(k),
                          0.1 * static_cast<double>(k + 1), f.p_alive_histogram[k]);
    fmt::print("  P(alive) histogram: {}\n", hist);
    if (f.mean_clv) fmt::print("  mean CLV (12 {}s, 1% discount per {}): {}\n", r.period, r.period, money_text(*f.mean_clv, cur));
    if (f.base_clv) {
      fmt::print("  CLV of the whole base (12 {}s, 1% discount per {}): {}, {} {}\n", r.period, r.period, money_text(*f.base_clv, cur), ci,
                 bounds_text(f.base_clv_ci, [&](double v) { return money_text(v, cur); }));
      if (f.base_clv_customers_left_out > 0)
        fmt::print("    without {} repeat {} whose repeat purchases were all free\n", f.base_clv_customers_left_out,
                   f.base_clv_customers_left_out == 1 ? "customer" : "customers");
    }
    rows.clear();
    for (const customer_forecast& c : f.top)
      rows.push_back({std::to_string(c.id), fixed(c.frequency, 0), fixed(c.recency, 1), fixed(c.age, 1), percent(c.p_alive),
                      bounds_text(c.p_alive_ci, [](double v) { return percent(v); }), fixed(c.expected_purchases, 2),
                      money_text(c.clv, cur), bounds_text(c.clv_ci, [&](double v) { return money_text(v, cur); })});
    fmt::print("\n  Top customers by CLV\n");
    p.table({"customer", "repeats", "recency", "age", "P(alive)", ci, "next " + r.period, "CLV", ci}, rows);
    if (f.holdout_length && !f.tracking.empty()) {
      // The tracking's point at (or just after) the calibration end, and its last point.
      const auto at = std::find_if(f.tracking.begin(), f.tracking.end(),
                                   [&](const tracking_row& x) { return x.time >= f.tracking_calibration_end; });
      const tracking_row& c = at != f.tracking.end() ? *at : f.tracking.back();
      const tracking_row& e = f.tracking.back();
      fmt::print("\n  Cumulative repeat purchases of the {} customers acquired by {}, actual vs predicted:\n"
                 "    week {:g}: {:.0f} vs {:.1f}; week {:g} (end of the data): {:.0f} vs {:.1f}\n",
                 count_text(f.tracking_customers), f.calibration_end, c.time, c.actual_cumulative, c.predicted_cumulative, e.time,
                 e.actual_cumulative, e.predicted_cumulative);
    }
    if (f.holdout_length) {
      fmt::print("\n  Holdout: {:.1f} weeks after {}: purchases per customer, predicted vs actual\n", *f.holdout_length,
                 f.calibration_end);
      rows.clear();
      for (const holdout_row& x : f.holdout)
        rows.push_back({x.frequency, count_text(x.customers), fixed(x.predicted, 3), fixed(x.actual, 3)});
      rows.push_back({"all", count_text(f.customers), fixed(f.holdout_predicted_total, 0), fixed(f.holdout_actual_total, 0)});
      p.table({"repeats in calibration", "customers", "predicted", "actual"}, rows);
    }
  } else if (r.forecast_error) {
    p.note("forecast not available: " + *r.forecast_error);
  }
  if (r.partial) p.note("\nPARTIAL REPORT: computed without the rejected rows listed at the top.");
}

}  // namespace crm_report

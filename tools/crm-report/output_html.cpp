// crm-report: the self-contained HTML page: inline CSS and SVG, no script, font or image from the
// network (a Content-Security-Policy of default-src 'none' makes the browser refuse any). Every
// figure that is also in the JSON carries data-json (its JSON pointer) and data-value (the number
// exactly as in the JSON), so tests/report can check the page against the JSON.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#include "format_util.hpp"
#include "report.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace crm_report {
namespace {

std::string esc(const std::string& text) {
  const std::string s = valid_utf8(text);  // the page is UTF-8 whatever the input files were
  std::string o;
  for (const char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

/// A value cell: visible text, with the JSON pointer and the exact number for the checks.
std::string cell(const std::string& text, const std::string& pointer, double value) {
  return fmt::format("<td data-json=\"{}\" data-value=\"{}\">{}</td>", esc(pointer), value, esc(text));
}
std::string cell(const std::string& text, const std::string& pointer, std::int64_t value) {
  return fmt::format("<td data-json=\"{}\" data-value=\"{}\">{}</td>", esc(pointer), value, esc(text));
}
std::string td(const std::string& text) { return "<td>" + esc(text) + "</td>"; }
std::string th_row(std::initializer_list<std::string> heads) {
  std::string s = "<tr>";
  for (const std::string& h : heads) s += "<th>" + esc(h) + "</th>";
  return s + "</tr>";
}
std::string ci_text(const interval& i) { return percent(i.lower) + " – " + percent(i.upper); }

/// Cells for a figure and its interval: value, lower, upper; "–" (and no data-json: the JSON has
/// null) for bounds that cannot be computed.
std::string interval_cells(double point, const std::optional<interval>& i, const std::string& ptr, bool as_percent,
                           const std::string& currency = "") {
  const auto text = [&](double v) {
    return as_percent ? percent(v) : currency.empty() ? fixed(v, 2) : money_text(v, currency);
  };
  const std::string value = cell(text(point), ptr + "/value", point);
  if (!i) return value + td("–") + td("–");
  return value + cell(text(i->lower), ptr + "/lower", i->lower) + cell(text(i->upper), ptr + "/upper", i->upper);
}

/// Colour of a share 0..1 on a white-to-blue scale.
std::string heat(double v) {
  const double t = std::clamp(v, 0.0, 1.0);
  const auto mix = [&](int a, int b) { return static_cast<int>(std::lround(a + (b - a) * std::sqrt(t))); };
  return fmt::format("rgb({},{},{})", mix(247, 8), mix(251, 69), mix(255, 148));
}

/// The smallest "nice" axis top (4 steps of 1, 2, 2.5 or 5 x 10^k) at or above `top`.
double nice_top(double top) {
  const double raw = std::max(top, 1e-12) / 4.0;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * magnitude >= raw) return 4.0 * m * magnitude;
  return 4.0 * 10.0 * magnitude;
}

const char* palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                         "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"};

/// An x/y frame: axes, y ticks as per cent or plain numbers, labels.
struct frame {
  double w = 640, h = 260, left = 56, right = 16, top = 16, bottom = 40;
  double ymax = 1;
  std::size_t n = 1;  ///< x positions 0..n-1
  [[nodiscard]] double x(double i) const { return left + (w - left - right) * (n <= 1 ? 0.5 : i / static_cast<double>(n - 1)); }
  [[nodiscard]] double y(double v) const { return top + (h - top - bottom) * (1.0 - v / ymax); }
  [[nodiscard]] std::string axes(bool pct, const std::string& xlabel) const {
    std::string s = fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", left, top, h - bottom);
    s += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>", left, h - bottom, w - right);
    for (int k = 0; k <= 4; ++k) {
      const double v = ymax * k / 4.0;
      s += fmt::format("<line class=\"grid\" x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\"/>", left, y(v), w - right);
      s += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>", left - 6, y(v) + 4,
                       pct ? fmt::format("{:.0f}%", v * 100) : fmt::format("{:.6g}", v));
    }
    s += fmt::format("<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", (left + w - right) / 2,
                     h - 6, esc(xlabel));
    return s;
  }
};

std::string svg_open(const std::string& id, double w, double h, const std::string& label) {
  return fmt::format("<svg id=\"{}\" class=\"chart\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\">",
                     id, esc(label), w, h, w, h);
}

std::string cohort_heatmap(const report& r) {
  const std::size_t rows = std::min<std::size_t>(r.cohorts.size(), 40);
  std::size_t cols = 0;
  for (std::size_t i = 0; i < rows; ++i) cols = std::max(cols, r.cohorts[i].retention.size());
  cols = std::min<std::size_t>(cols, 40);
  const double cw = std::max(16.0, std::min(44.0, 620.0 / static_cast<double>(std::max<std::size_t>(cols, 1)))), ch = 20, left = 76, top = 24;
  const double w = left + cw * static_cast<double>(cols) + 10, h = top + ch * static_cast<double>(rows) + 10;
  std::string s = svg_open("chart-cohort-heatmap", w, h, "Acquisition-cohort retention heatmap");
  for (std::size_t k = 0; k < cols; ++k)
    s += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"16\" text-anchor=\"middle\">+{}</text>",
                     left + cw * (static_cast<double>(k) + 0.5), k);
  for (std::size_t i = 0; i < rows; ++i) {
    const cohort_row& c = r.cohorts[i];
    const double y = top + ch * static_cast<double>(i);
    s += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>", left - 6, y + 14, esc(c.label));
    for (std::size_t k = 0; k < cols && k < c.retention.size(); ++k) {
      const double v = c.retention[k];
      s += fmt::format("<rect class=\"cell\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\" "
                       "data-json=\"/cohorts/{}/retention/{}\" data-value=\"{}\"><title>{} +{}: {}</title></rect>",
                       left + cw * static_cast<double>(k), y, cw - 1, ch - 1, heat(v), i, k, v, esc(c.label), k, percent(v));
      if (cw >= 28)
        s += fmt::format("<text class=\"cellnum\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" style=\"fill:{}\">{:.0f}</text>",
                         left + cw * (static_cast<double>(k) + 0.5), y + 14, v > 0.45 ? "#fff" : "#222", v * 100);
    }
  }
  return s + "</svg>";
}

std::string retention_curves(const report& r) {
  frame f;
  f.h = 280;
  std::size_t n = 1;
  double ymax = 0.05;
  const std::size_t shown = std::min<std::size_t>(r.cohorts.size(), 12);
  for (std::size_t i = 0; i < shown; ++i) {
    n = std::max(n, r.cohorts[i].retention.size());
    for (std::size_t k = 1; k < r.cohorts[i].retention.size(); ++k) ymax = std::max(ymax, r.cohorts[i].retention[k]);
  }
  f.n = std::max<std::size_t>(n, 2);
  f.ymax = std::min(1.0, std::ceil(ymax * 10.0) / 10.0);
  std::string s = svg_open("chart-retention-curves", f.w, f.h, "Retention curves by acquisition cohort");
  s += f.axes(true, "periods after the first purchase (from +1)");
  for (std::size_t i = 0; i < shown; ++i) {
    const cohort_row& c = r.cohorts[i];
    std::string pts;
    for (std::size_t k = 1; k < c.retention.size(); ++k)
      pts += fmt::format("{:.1f},{:.1f} ", f.x(static_cast<double>(k)), f.y(std::min(c.retention[k], f.ymax)));
    s += fmt::format("<polyline class=\"curve\" fill=\"none\" stroke=\"{}\" points=\"{}\"><title>{}</title></polyline>",
                     palette[i % 12], pts, esc(c.label));
    s += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" style=\"fill:{}\">{}</text>", f.w - 90,
                     f.top + 12 + 13 * static_cast<double>(i), palette[i % 12], esc(c.label));
  }
  return s + "</svg>";
}

std::string funnel_chart(const funnel_figures& e) {
  const std::pair<const char*, std::int64_t> stages[] = {{"sent", e.sent},         {"delivered", e.delivered},
                                                          {"opened", e.opens},      {"clicked", e.clicks},
                                                          {"converted", e.conversions}};
  const char* keys[] = {"sent", "delivered", "unique_opens", "unique_clicks", "conversions"};
  const double w = 640, bar = 30, gap = 10, left = 90;
  std::string s = svg_open("chart-funnel", w, 5 * (bar + gap) + 10, "E-mail funnel");
  for (std::size_t i = 0; i < 5; ++i) {
    const double share = e.sent > 0 ? static_cast<double>(stages[i].second) / static_cast<double>(e.sent) : 0.0;
    const double len = std::max(1.0, (w - left - 150) * share), y = 5 + static_cast<double>(i) * (bar + gap);
    s += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>", left - 8, y + 20, stages[i].first);
    s += fmt::format("<rect class=\"bar\" x=\"{}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\" "
                     "data-json=\"/email/{}\" data-value=\"{}\"/>",
                     left, y, len, bar, palette[i], keys[i], stages[i].second);
    s += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\">{} ({})</text>", left + len + 8, y + 20,
                     count_text(stages[i].second), percent(share));
  }
  return s + "</svg>";
}

std::string p_alive_histogram(const forecast_figures& fc) {
  frame f;
  f.n = 10;
  std::int64_t top = 1;
  for (const std::int64_t v : fc.p_alive_histogram) top = std::max(top, v);
  f.ymax = nice_top(static_cast<double>(top));
  std::string s = svg_open("chart-p-alive", f.w, f.h, "Distribution of P(alive)");
  s += f.axes(false, "P(alive)");
  const double bw = (f.w - f.left - f.right) / 10.0;
  for (std::size_t k = 0; k < fc.p_alive_histogram.size(); ++k) {
    const auto v = static_cast<double>(fc.p_alive_histogram[k]);
    const double x = f.left + bw * static_cast<double>(k);
    s += fmt::format("<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#1f77b4\" "
                     "data-json=\"/forecast/p_alive_histogram/{}\" data-value=\"{}\"><title>{:.1f}–{:.1f}: {}</title></rect>",
                     x + 2, f.y(v), bw - 4, f.y(0) - f.y(v), k, fc.p_alive_histogram[k], 0.1 * static_cast<double>(k),
                     0.1 * static_cast<double>(k + 1), fc.p_alive_histogram[k]);
    s += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{:.1f}</text>", x,
                     f.h - f.bottom + 14, 0.1 * static_cast<double>(k));
  }
  s += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">1.0</text>", f.w - f.right,
                   f.h - f.bottom + 14);
  return s + "</svg>";
}

std::string holdout_chart(const forecast_figures& fc) {
  frame f;
  f.n = fc.holdout.size();
  double top = 0.1;
  for (const holdout_row& h : fc.holdout) top = std::max({top, h.actual, h.predicted});
  f.ymax = nice_top(top);
  f.left = 70;
  std::string s = svg_open("chart-holdout", f.w, f.h, "Predicted vs actual holdout purchases by calibration frequency");
  s += f.axes(false, "repeat purchases in the calibration window");
  std::string actual, predicted;
  for (std::size_t k = 0; k < fc.holdout.size(); ++k) {
    const holdout_row& h = fc.holdout[k];
    actual += fmt::format("{:.1f},{:.1f} ", f.x(static_cast<double>(k)), f.y(h.actual));
    predicted += fmt::format("{:.1f},{:.1f} ", f.x(static_cast<double>(k)), f.y(h.predicted));
    s += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>",
                     f.x(static_cast<double>(k)), f.h - f.bottom + 14, esc(h.frequency));
    s += fmt::format("<circle class=\"point\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"#d62728\" "
                     "data-json=\"/forecast/holdout/by_frequency/{}/actual\" data-value=\"{}\"/>",
                     f.x(static_cast<double>(k)), f.y(h.actual), k, h.actual);
    s += fmt::format("<circle class=\"point\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"#1f77b4\" "
                     "data-json=\"/forecast/holdout/by_frequency/{}/predicted\" data-value=\"{}\"/>",
                     f.x(static_cast<double>(k)), f.y(h.predicted), k, h.predicted);
  }
  s += fmt::format("<polyline class=\"curve\" fill=\"none\" stroke=\"#d62728\" points=\"{}\"/>", actual);
  s += fmt::format("<polyline class=\"curve\" fill=\"none\" stroke=\"#1f77b4\" stroke-dasharray=\"6 4\" points=\"{}\"/>", predicted);
  s += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" style=\"fill:#d62728\">actual</text>", f.left + 12, f.top + 12);
  s += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" style=\"fill:#1f77b4\">predicted ({})</text>", f.left + 12, f.top + 26, esc(fc.model));
  return s + "</svg>";
}

/// Cumulative repeat purchases of the calibration cohort over time, actual vs predicted (the
/// tracking figure of Fader, Hardie & Lee 2005), with the calibration end marked.
std::string tracking_chart(const forecast_figures& fc) {
  frame f;
  f.h = 280;
  f.n = fc.tracking.size();
  double top = 1;
  for (const tracking_row& t : fc.tracking) top = std::max({top, t.actual_cumulative, t.predicted_cumulative});
  f.ymax = nice_top(top);
  f.left = 70;
  // x by time from week 0 (the calibration end falls between points)
  const double t0 = 0, t1 = fc.tracking.back().time;
  const auto x = [&](double t) { return f.left + (f.w - f.left - f.right) * (t - t0) / (t1 - t0); };
  std::string s = svg_open("chart-tracking", f.w, f.h, "Cumulative repeat purchases over time, actual vs predicted");
  s += f.axes(false, "weeks since the first day of the data");
  const double xc = x(std::clamp(fc.tracking_calibration_end, t0, t1));
  s += fmt::format("<line class=\"axis\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke-dasharray=\"3 3\"/>", xc, f.top,
                   f.h - f.bottom);
  s += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{}\">calibration end</text>", xc + 4, f.h - f.bottom - 6);
  const double step = nice_top(t1) / 4.0;  // ticks at 0, step, 2 step, ... within the data
  for (double t = 0; t <= t1 + 1e-9; t += step)
    s += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{:g}</text>", x(t), f.h - f.bottom + 14, t);
  std::string actual, predicted;
  for (std::size_t k = 0; k < fc.tracking.size(); ++k) {
    const tracking_row& t = fc.tracking[k];
    actual += fmt::format("{:.1f},{:.1f} ", x(t.time), f.y(t.actual_cumulative));
    predicted += fmt::format("{:.1f},{:.1f} ", x(t.time), f.y(t.predicted_cumulative));
    const std::string ptr = "/forecast/tracking/points/" + std::to_string(k);
    s += fmt::format("<circle class=\"point\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2\" fill=\"#d62728\" data-json=\"{}/actual_cumulative\" "
                     "data-value=\"{}\"><title>week {:g}: {:.0f} actual</title></circle>",
                     x(t.time), f.y(t.actual_cumulative), ptr, t.actual_cumulative, t.time, t.actual_cumulative);
    s += fmt::format("<circle class=\"point\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2\" fill=\"#1f77b4\" data-json=\"{}/predicted_cumulative\" "
                     "data-value=\"{}\"><title>week {:g}: {:.1f} predicted</title></circle>",
                     x(t.time), f.y(t.predicted_cumulative), ptr, t.predicted_cumulative, t.time, t.predicted_cumulative);
  }
  s += fmt::format("<polyline class=\"curve\" fill=\"none\" stroke=\"#d62728\" points=\"{}\"/>", actual);
  s += fmt::format("<polyline class=\"curve\" fill=\"none\" stroke=\"#1f77b4\" stroke-dasharray=\"6 4\" points=\"{}\"/>", predicted);
  s += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" style=\"fill:#d62728\">actual</text>", f.left + 12, f.top + 12);
  s += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" style=\"fill:#1f77b4\">predicted ({})</text>", f.left + 12, f.top + 26,
                   esc(fc.model));
  return s + "</svg>";
}

constexpr const char* style = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:1000px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#555}.partial{background:#fff3cd;border:1px solid #e0b100;padding:8px 12px;margin:12px 0}
table{border-collapse:collapse;margin:6px 0 12px}th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f5f7fa}
.chart{display:block;margin:8px 0;max-width:100%;height:auto}.axis{stroke:#444}.grid{stroke:#e5e5e5}
.tick,.label,.cellnum{font-size:11px;fill:#333}.label{font-size:12px}.curve{stroke-width:2}
.note{color:#555;font-size:13px}
)";

}  // namespace

std::string to_html(const report& r) {
  const std::string& cur = r.currency;
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  s += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
  s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  s += "<title>CRM report " + esc(r.first_date) + " – " + esc(r.last_date) + "</title>\n<style>" + style + "</style></head><body>\n";
  s += "<h1>CRM report</h1>\n";
  s += fmt::format("<p class=\"meta\">{}{} to {}, per {}; crm-report {}. Intervals are {:g}% confidence intervals.</p>\n",
                   r.sample ? "Built-in sample data, " : "", esc(r.first_date), esc(r.last_date), esc(r.period),
                   esc(r.version), r.level * 100);
  s += "<table id=\"inputs\">" + th_row({"input", "source", "rows", "used", "rejected"});
  for (std::size_t i = 0; i < r.inputs.size(); ++i) {
    const input_file& f = r.inputs[i];
    const std::string p = "/inputs/" + std::to_string(i);
    s += "<tr>" + td(f.role) + td(f.source) + cell(count_text(static_cast<std::int64_t>(f.rows)), p + "/rows", static_cast<std::int64_t>(f.rows)) +
         cell(count_text(static_cast<std::int64_t>(f.used)), p + "/used", static_cast<std::int64_t>(f.used)) +
         cell(count_text(static_cast<std::int64_t>(f.rejected)), p + "/rejected", static_cast<std::int64_t>(f.rejected)) + "</tr>";
  }
  s += "</table>\n";
  if (r.partial) {
    s += "<div class=\"partial\" id=\"partial\"><strong>Partial report:</strong> rows were rejected (--skip-bad-rows); "
         "the figures cover only the rows used.<ul>";
    for (const input_file& f : r.inputs)
      for (const std::string& x : f.first_rejections) s += "<li>" + esc(x) + "</li>";
    s += "</ul></div>\n";
  }
  for (const std::string& n : r.notes) s += "<p class=\"note\">Note: " + esc(n) + "</p>\n";

  const headline& h = r.head;
  s += "<h2>Headline</h2><table id=\"headline\">" + th_row({"figure", "value", "lower", "upper"});
  s += "<tr>" + td("customers") + cell(count_text(h.customers), "/headline/customers", h.customers) + "<td></td><td></td></tr>";
  s += "<tr>" + td("orders") + cell(count_text(h.orders), "/headline/orders", h.orders) + "<td></td><td></td></tr>";
  s += "<tr>" + td("revenue (net)") + cell(money_text(h.revenue, cur), "/headline/revenue", h.revenue) + "<td></td><td></td></tr>";
  s += "<tr>" + td("average check") + interval_cells(h.average_check, h.average_check_ci, "/headline/average_check", false, cur) + "</tr>";
  s += "<tr>" + td("purchase frequency (orders per customer)") +
       interval_cells(h.purchase_frequency, h.purchase_frequency_ci, "/headline/purchase_frequency", false) + "</tr>";
  s += "<tr>" + td("repeat-purchase share") +
       interval_cells(h.repeat_share.point, h.repeat_share, "/headline/repeat_purchase_share", true) + "</tr>";
  s += "</table>\n";

  s += "<h2>Customer base per " + esc(r.period) + "</h2>\n<table id=\"periods\">" +
       th_row({r.period, "at start", "new", "returning", "lost", "at end", "retention", "retention CI", "churn", "growth", "revenue"});
  for (std::size_t i = 0; i < r.periods.size(); ++i) {
    const period_row& p = r.periods[i];
    const std::string ptr = "/periods/" + std::to_string(i);
    s += "<tr>" + td(p.label) + cell(count_text(p.at_start), ptr + "/customers_at_start", p.at_start) +
         cell(count_text(p.new_customers), ptr + "/new_customers", p.new_customers) +
         cell(count_text(p.returning), ptr + "/returning_customers", p.returning) +
         cell(count_text(p.lost), ptr + "/customers_lost", p.lost) + cell(count_text(p.at_end), ptr + "/customers_at_end", p.at_end);
    s += p.retention ? cell(percent(p.retention->point), ptr + "/retention_rate/value", p.retention->point) + td(ci_text(*p.retention))
                     : td("–") + td("");
    s += p.churn ? cell(percent(p.churn->point), ptr + "/churn_rate/value", p.churn->point) : td("–");
    s += p.growth ? cell(signed_percent(*p.growth), ptr + "/base_growth", *p.growth) : td("–");
    s += cell(money_text(p.revenue, cur), ptr + "/revenue", p.revenue) + "</tr>";
  }
  s += "</table>\n";

  s += "<h2>Acquisition cohorts</h2><p class=\"note\">Share of each cohort (customers by the period of their first "
       "purchase) that bought again k periods later.</p>\n";
  s += cohort_heatmap(r) + "\n" + retention_curves(r) + "\n";

  if (r.email) {
    const funnel_figures& e = *r.email;
    s += fmt::format("<h2>E-mail funnel ({} campaigns)</h2>\n", e.campaigns) + funnel_chart(e) + "\n";
    s += "<table id=\"email\">" + th_row({"rate", "value", "lower", "upper"});
    const std::pair<const char*, std::pair<const char*, const std::optional<interval>*>> rates[] = {
        {"delivery rate (of sent)", {"delivery_rate", &e.delivery}},
        {"open rate (of delivered)", {"open_rate", &e.open}},
        {"click-through rate (of delivered)", {"click_through_rate", &e.click_through}},
        {"click-to-open rate", {"click_to_open_rate", &e.click_to_open}},
        {"conversion rate (of sent)", {"conversion_rate", &e.conversion}},
        {"unsubscribe rate (of delivered)", {"unsubscribe_rate", &e.unsubscribe}}};
    for (const auto& [label, x] : rates) {
      const std::optional<interval>& rate = *x.second;  // none: the rate does not apply (JSON null)
      s += "<tr>" + td(label) +
           (rate ? interval_cells(rate->point, rate, std::string("/email/") + x.first, true) : td("–") + td("–") + td("–")) + "</tr>";
    }
    s += "</table>\n";
  } else {
    s += "<h2>E-mail funnel</h2><p class=\"note\">No e-mail events given (--emails).</p>\n";
  }
  if (r.nps) {
    const nps_figures& n = *r.nps;
    s += "<h2>NPS</h2><table id=\"nps\">" + th_row({"promoters", "passives", "detractors", "NPS", "lower", "upper"});
    s += "<tr>" + cell(count_text(n.promoters), "/nps/promoters", n.promoters) +
         cell(count_text(n.passives), "/nps/passives", n.passives) +
         cell(count_text(n.detractors), "/nps/detractors", n.detractors) +
         cell(fixed(n.score, 1), "/nps/score/value", n.score) +
         (n.score_ci ? cell(fixed(n.score_ci->lower, 1), "/nps/score/lower", n.score_ci->lower) +
                           cell(fixed(n.score_ci->upper, 1), "/nps/score/upper", n.score_ci->upper)
                     : td("–") + td("–")) +
         "</tr></table>\n";
  }
  if (r.costs) {
    const cost_figures& c = *r.costs;
    s += "<h2>Acquisition economics</h2><table id=\"costs\">" + th_row({"figure", "value"});
    s += "<tr>" + td("marketing and sales spend") + cell(money_text(c.spend, cur), "/costs/spend", c.spend) + "</tr>";
    s += "<tr>" + td("new customers in those periods") + cell(count_text(c.new_customers), "/costs/new_customers", c.new_customers) + "</tr>";
    s += "<tr>" + td("their revenue to date") + cell(money_text(c.revenue, cur), "/costs/revenue", c.revenue) + "</tr>";
    if (c.cac) s += "<tr>" + td("CAC") + cell(money_text(*c.cac, cur), "/costs/cac", *c.cac) + "</tr>";
    if (c.romi) s += "<tr>" + td("ROMI") + cell(percent(*c.romi), "/costs/romi", *c.romi) + "</tr>";
    if (c.ltv_to_cac) s += "<tr>" + td("LTV:CAC") + cell(fixed(*c.ltv_to_cac, 2), "/costs/ltv_to_cac", *c.ltv_to_cac) + "</tr>";
    s += "</table>\n";
  }
  if (r.forecast) {
    const forecast_figures& f = *r.forecast;
    s += fmt::format("<h2>Forecast: {} + Gamma-Gamma</h2>\n<p class=\"note\">Fitted on {} customers' orders to {} "
                     "(time unit: weeks); predictions use each customer's whole history.</p>\n",
                     esc(f.model), f.customers, esc(f.calibration_end));
    if (f.boundary) s += fmt::format("<p class=\"note\" id=\"boundary\">{}.</p>\n", esc(boundary_note(f)));
    if (f.spend_boundary)
      s += fmt::format("<p class=\"note\" id=\"spend-boundary\">Gamma-Gamma's likelihood is maximised on the boundary of its parameters "
                       "({}); the spend per transaction is the nested model's.</p>\n",
                       esc(f.spend_boundary->description));
    s += "<table id=\"parameters\">" + th_row({"parameter", "estimate", "standard error"});
    for (const parameter& p : f.parameters)
      s += "<tr>" + td(p.name) + cell(fixed(p.value, 3), "/forecast/parameters/" + p.name + "/value", p.value) +
           cell(fixed(p.standard_error, 3), "/forecast/parameters/" + p.name + "/standard_error", p.standard_error) + "</tr>";
    for (const parameter& p : f.spend_parameters)
      s += "<tr>" + td(p.name + " (spend)") + cell(fixed(p.value, 3), "/forecast/spend_model/" + p.name + "/value", p.value) +
           cell(fixed(p.standard_error, 3), "/forecast/spend_model/" + p.name + "/standard_error", p.standard_error) + "</tr>";
    s += "</table>\n<table id=\"forecast\">" + th_row({"figure", "value", "lower", "upper"});
    s += "<tr>" + td("expected purchases next " + r.period + " (all customers)") +
         cell(fixed(f.expected_purchases_next_period, 1), "/forecast/expected_purchases_next_period", f.expected_purchases_next_period);
    if (const auto& i = f.expected_purchases_next_period_ci)
      s += cell(fixed(i->lower, 1), "/forecast/expected_purchases_next_period_interval/lower", i->lower) +
           cell(fixed(i->upper, 1), "/forecast/expected_purchases_next_period_interval/upper", i->upper);
    else
      s += td("–") + td("–");
    s += "</tr><tr>" + td("mean P(alive)") + cell(percent(f.mean_p_alive), "/forecast/mean_p_alive", f.mean_p_alive) + "<td></td><td></td></tr>";
    if (f.mean_clv)
      s += "<tr>" + td("mean CLV (12 periods, 1% discount)") + cell(money_text(*f.mean_clv, cur), "/forecast/mean_clv", *f.mean_clv) +
           "<td></td><td></td></tr>";
    if (f.base_clv) {
      s += "<tr>" + td("CLV of the whole base (12 periods, 1% discount)") +
           cell(money_text(*f.base_clv, cur), "/forecast/base_clv/value", *f.base_clv);
      if (const auto& i = f.base_clv_ci)
        s += cell(money_text(i->lower, cur), "/forecast/base_clv/lower", i->lower) +
             cell(money_text(i->upper, cur), "/forecast/base_clv/upper", i->upper);
      else
        s += td("–") + td("–");
      s += "</tr>";
    }
    s += "</table>\n";
    if (f.base_clv && f.base_clv_customers_left_out > 0)
      s += fmt::format("<p class=\"note\">The CLV of the whole base leaves out {} repeat {} whose repeat purchases were all free.</p>\n",
                       count_text(f.base_clv_customers_left_out), f.base_clv_customers_left_out == 1 ? "customer" : "customers");
    if (!f.interval_note.empty()) s += "<p class=\"note\">" + esc(f.interval_note) + "</p>\n";
    s += "<h3>P(alive) of the customers</h3>\n" + p_alive_histogram(f) + "\n";
    if (f.holdout_length && !f.tracking.empty()) {
      s += fmt::format("<h3>Repeat purchases over time</h3><p class=\"note\">Cumulative repeat purchases of the {} customers "
                       "acquired by {}, week by week, actual and predicted by the model fitted to {} (the tracking plot of "
                       "the BG/NBD paper).</p>\n",
                       count_text(f.tracking_customers), esc(f.calibration_end), esc(f.calibration_end));
      s += tracking_chart(f) + "\n";
    }
    if (f.holdout_length) {
      s += fmt::format("<h3>Holdout: {:.1f} weeks after {}</h3><p class=\"note\">Mean purchases per customer in the "
                       "holdout, by repeat purchases in the calibration window (the standard BG/NBD diagnostic).</p>\n",
                       *f.holdout_length, esc(f.calibration_end));
      s += holdout_chart(f) + "\n<table id=\"holdout\">" + th_row({"calibration repeats", "customers", "predicted", "actual"});
      for (std::size_t k = 0; k < f.holdout.size(); ++k) {
        const holdout_row& x = f.holdout[k];
        const std::string ptr = "/forecast/holdout/by_frequency/" + std::to_string(k);
        s += "<tr>" + td(x.frequency) + cell(count_text(x.customers), ptr + "/customers", x.customers) +
             cell(fixed(x.predicted, 3), ptr + "/predicted", x.predicted) + cell(fixed(x.actual, 3), ptr + "/actual", x.actual) + "</tr>";
      }
      s += "<tr>" + td("all") + td(count_text(f.customers)) +
           cell(fixed(f.holdout_predicted_total, 0), "/forecast/holdout/predicted_total", f.holdout_predicted_total) +
           cell(fixed(f.holdout_actual_total, 0), "/forecast/holdout/actual_total", f.holdout_actual_total) + "</tr></table>\n";
    }
    s += "<h3>Top customers by CLV</h3><table id=\"top\">" +
         th_row({"customer", "repeats", "recency (weeks)", "age (weeks)", "P(alive)", "lower", "upper", "next " + r.period, "CLV",
                 "lower", "upper"});
    const auto bounds = [](const std::optional<interval>& i, const std::string& ptr, auto text) {
      if (!i) return td("–") + td("–");
      return cell(text(i->lower), ptr + "/lower", i->lower) + cell(text(i->upper), ptr + "/upper", i->upper);
    };
    for (std::size_t k = 0; k < f.top.size(); ++k) {
      const customer_forecast& c = f.top[k];
      const std::string ptr = "/forecast/top_customers/" + std::to_string(k);
      s += "<tr>" + td(std::to_string(c.id)) + td(fixed(c.frequency, 0)) + td(fixed(c.recency, 1)) + td(fixed(c.age, 1)) +
           cell(percent(c.p_alive), ptr + "/p_alive", c.p_alive) +
           bounds(c.p_alive_ci, ptr + "/p_alive_interval", [](double v) { return percent(v); }) +
           cell(fixed(c.expected_purchases, 2), ptr + "/expected_purchases_next_period", c.expected_purchases) +
           cell(money_text(c.clv, cur), ptr + "/clv", c.clv) +
           bounds(c.clv_ci, ptr + "/clv_interval", [&](double v) { return money_text(v, cur); }) + "</tr>";
    }
    s += "</table>\n";
  } else if (r.forecast_error) {
    s += "<h2>Forecast</h2><p class=\"note\">Not available: " + esc(*r.forecast_error) + "</p>\n";
  }
  s += "</body></html>\n";
  return s;
}

}  // namespace crm_report

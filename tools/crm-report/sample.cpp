// crm-report: the built-in sample, drawn with the library's own generators (deterministic).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Orders: 2000 customers acquired on the days of 12 weeks, observed to 78 weeks after the first
// acquisition day, purchases drawn by crm::generate from a BG/NBD model with the CDNOW estimates of
// Fader, Hardie & Lee (2005) (r = 0.243, alpha = 4.414, a = 0.793, b = 2.426; weeks), spend per
// customer from crm::generate of a Gamma-Gamma model with their estimates (p = 6.25, q = 3.74,
// gamma = 15.44). crm::generate returns each customer's (x, t_x, T); the orders are rebuilt from it:
// the first purchase T weeks before the end, the last repeat at t_x, and the other x - 1 repeats
// uniform on (0, t_x) (given x events of a Poisson process up to its last one, the others are
// uniform order statistics). The x + 1 amounts are split from the customer's mean by Dirichlet(p)
// weights, which is exactly the Gamma-Gamma model's joint law of the values given their mean.
// E-mail, NPS and costs samples are small and drawn with the same seeded engine.
#include "report.hpp"

#include <crm/models/gamma_gamma.hpp>
#include <crm/models/generate.hpp>

#include <cmath>
#include <random>

namespace crm_report {
namespace {

using namespace std::chrono;

double uniform(std::mt19937_64& g) { return (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53; }

/// Gamma(shape, 1) by Marsaglia & Tsang (2000); shape >= 1 here.
double gamma1(std::mt19937_64& g, double shape) {
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x = 0, v = 0;
    do {
      const double u1 = uniform(g), u2 = uniform(g);
      x = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform(g);
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double cents(double v) { return std::round(v * 100.0) / 100.0; }

}  // namespace

report_input builtin_sample() {
  report_input in;
  in.sample = true;
  constexpr double span_weeks = 78.0;
  const sys_days start = year{2024} / January / 1;
  const sys_seconds end = sys_days{start + days{static_cast<int>(span_weeks * 7)}};
  const crm::bg_nbd<double> purchases{.r = 0.243, .alpha = 4.414, .a = 0.793, .b = 2.426};
  const crm::gamma_gamma<double> spend{.p = 6.25, .q = 3.74, .gamma = 15.44};
  const auto rows = crm::generate(purchases, crm::generate_options<double>{
                                                 .customers = 2000, .first_age = span_weeks - 12.0, .last_age = span_weeks,
                                                 .age_step = 1.0 / 7.0, .seed = 20240101});
  std::vector<crm::count_t> counts;
  for (const auto& r : rows) counts.push_back(static_cast<crm::count_t>(r.frequency) + 1);
  const auto means = crm::generate(spend, std::span<const crm::count_t>(counts), 7);
  std::mt19937_64 g(99);
  const auto at = [&](double w) {
    return sys_seconds{floor<seconds>(end - duration<double>(w * 7 * 86400.0))};
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const crm::customer_id id = 100000 + 7 * i;
    const double first = r.age;  // weeks before the end
    std::vector<double> times{0.0};
    const auto x = static_cast<int>(r.frequency);
    for (int k = 0; k + 1 < x; ++k) times.push_back(uniform(g) * r.recency);
    if (x > 0) times.push_back(r.recency);
    std::vector<double> w;
    double sum = 0;
    for (std::size_t k = 0; k < times.size(); ++k) sum += w.emplace_back(gamma1(g, spend.p));
    const double total = means[i].average_spend * static_cast<double>(times.size());
    for (std::size_t k = 0; k < times.size(); ++k)
      in.orders.push_back({.customer = id, .time = at(first - times[k]), .amount = std::max(0.01, cents(total * w[k] / sum))});
  }
  std::sort(in.orders.begin(), in.orders.end(), [](const auto& a, const auto& b) { return a.time < b.time; });

  // E-mail: three campaigns to 1500 customers each; rates typical of retail newsletters.
  const double p_deliver = 0.96, p_open = 0.24, p_click = 0.16, p_convert = 0.18, p_unsub = 0.004, p_spam = 0.0008;
  for (crm::tag_id c = 1; c <= 3; ++c) {
    const sys_seconds when = sys_days{start + weeks{20 * c}};
    for (std::size_t k = 0; k < 1500; ++k) {
      const crm::customer_id who = 100000 + 7 * ((k * 13 + c * 101) % 2000);
      using kind = crm::email_event_kind;
      in.email_events.push_back({who, c, kind::sent, when, 0.0});
      if (uniform(g) > p_deliver) {
        in.email_events.push_back({who, c, uniform(g) < 0.3 ? kind::hard_bounce : kind::soft_bounce, when, 0.0});
        continue;
      }
      in.email_events.push_back({who, c, kind::delivered, when, 0.0});
      if (uniform(g) < p_unsub) in.email_events.push_back({who, c, kind::unsubscribe, when + hours{2}, 0.0});
      if (uniform(g) < p_spam) in.email_events.push_back({who, c, kind::spam_complaint, when + hours{2}, 0.0});
      if (uniform(g) > p_open) continue;
      in.email_events.push_back({who, c, kind::open, when + hours{1}, 0.0});
      if (uniform(g) < 0.3) in.email_events.push_back({who, c, kind::open, when + hours{30}, 0.0});  // a second open
      if (uniform(g) > p_click) continue;
      in.email_events.push_back({who, c, kind::click, when + hours{1}, 0.0});
      if (uniform(g) < p_convert)
        in.email_events.push_back({who, c, kind::conversion, when + hours{3}, cents(20.0 + 60.0 * uniform(g))});
    }
  }
  // NPS: 400 answers, a retailer's typical spread (about 45 % promoters, 20 % detractors).
  const double cumulative[11] = {0.02, 0.04, 0.06, 0.09, 0.12, 0.16, 0.20, 0.35, 0.55, 0.75, 1.0};
  for (std::size_t k = 0; k < 400; ++k) {
    const double u = uniform(g);
    int score = 0;
    while (u > cumulative[score]) ++score;
    in.nps_answers.push_back({100000 + 7 * k, sys_days{start + weeks{30}}, score});
  }
  // Costs: marketing spend per month over the 12 acquisition weeks, two channels.
  for (unsigned m = 1; m <= 3; ++m) {
    in.costs.push_back({sys_days{year{2024} / month{m} / 1}, 1, 6000.0 + 500.0 * m});
    in.costs.push_back({sys_days{year{2024} / month{m} / 1}, 2, 2500.0});
  }
  const auto file = [](const char* role, std::size_t n) {
    input_file f;
    f.role = role;
    f.source = "built-in sample";
    f.rows = f.used = n;
    return f;
  };
  in.files = {file("orders", in.orders.size()), file("email", in.email_events.size()),
              file("nps", in.nps_answers.size()), file("costs", in.costs.size())};
  return in;
}

}  // namespace crm_report

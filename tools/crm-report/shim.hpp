// crm-report: TEMPORARY stand-ins for accumulators of the aggregation layer (issue 8) that have not
// landed yet in include/crm/aggregate/. Each is replaced by the library's own as soon as it exists;
// nothing here is meant to stay.
#pragma once

#include <crm/aggregate/periods.hpp>
#include <crm/aggregate/records.hpp>
#include <crm/metrics/email.hpp>
#include <crm/metrics/retention.hpp>
#include <crm/models/data.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

namespace crm_report::shim {

/// Per customer: purchase days (distinct) with the value of each day.
struct history {
  std::vector<std::pair<std::int32_t, double>> days;  ///< sorted by day, values of a day added
};

inline std::unordered_map<crm::customer_id, history> histories(const std::vector<crm::order<double>>& orders) {
  std::unordered_map<crm::customer_id, history> h;
  for (const auto& o : orders) {
    if (o.amount < 0) continue;
    h[o.customer].days.emplace_back(crm::day_number(o.time), o.amount);
  }
  for (auto& [id, c] : h) {
    std::sort(c.days.begin(), c.days.end());
    std::vector<std::pair<std::int32_t, double>> merged;
    for (const auto& d : c.days) {
      if (!merged.empty() && merged.back().first == d.first) merged.back().second += d.second;
      else merged.push_back(d);
    }
    c.days = std::move(merged);
  }
  return h;
}

struct rfm_customer {
  crm::customer_id id = 0;
  crm::rfm_row<double> row;
  double repeat_mean = 0;        ///< mean value of the repeat purchase days (0 when none)
  double holdout_purchases = 0;  ///< purchase days after the calibration end
};

/// Lifetimes-compatible summary in weeks: customers first seen on or before `end_day`.
inline std::vector<rfm_customer> rfm_summary(const std::unordered_map<crm::customer_id, history>& h,
                                             std::int32_t end_day) {
  std::vector<rfm_customer> out;
  for (const auto& [id, c] : h) {
    const std::int32_t first = c.days.front().first;
    if (first > end_day) continue;
    rfm_customer r{id, {}, 0, 0};
    double x = 0, sum = 0;
    std::int32_t last = first;
    for (std::size_t k = 1; k < c.days.size(); ++k) {
      if (c.days[k].first <= end_day) {
        x += 1, sum += c.days[k].second, last = c.days[k].first;
      } else {
        r.holdout_purchases += 1;
      }
    }
    r.row = {x, (last - first) / 7.0, (end_day - first) / 7.0, 1.0};
    r.repeat_mean = x > 0 ? sum / x : 0;
    out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

/// Per period: customers at start, new, lost (no purchase for `lapse` periods), at end; active.
struct period_counts {
  std::int32_t period = 0;
  std::int64_t at_start = 0, new_customers = 0, lost = 0, at_end = 0, active = 0, orders = 0;
  double revenue = 0;
};

inline std::vector<period_counts> periods(const std::vector<crm::order<double>>& orders, crm::period_unit u,
                                          int lapse) {
  std::map<crm::customer_id, std::pair<std::int32_t, std::vector<std::int32_t>>> seen;  // first, periods
  std::int32_t lo = INT32_MAX, hi = INT32_MIN;
  std::map<std::int32_t, std::pair<std::int64_t, double>> per;  // orders, revenue
  for (const auto& o : orders) {
    const std::int32_t p = crm::period_of(u, o.time);
    lo = std::min(lo, p), hi = std::max(hi, p);
    if (o.amount < 0) {
      per[p].second += o.amount;
      continue;
    }
    per[p].first += 1, per[p].second += o.amount;
    seen[o.customer].second.push_back(p);
  }
  std::vector<period_counts> out;
  if (seen.empty()) return out;
  for (std::int32_t p = lo; p <= hi; ++p) out.push_back({p, 0, 0, 0, 0, 0, per[p].first, per[p].second});
  // In the base at the end of period q when a purchase period s has s <= q <= s + lapse - 1.
  for (auto& [id, c] : seen) {
    auto& ps = c.second;
    std::sort(ps.begin(), ps.end());
    ps.erase(std::unique(ps.begin(), ps.end()), ps.end());
    for (const std::int32_t p : ps) out[static_cast<std::size_t>(p - lo)].active += 1;
    std::size_t k = 0;
    bool member_before = false;
    for (std::int32_t q = ps.front(); q <= std::min(hi, ps.back() + lapse); ++q) {
      while (k + 1 < ps.size() && ps[k + 1] <= q) ++k;
      const bool bought = ps[k] == q;
      const bool member = ps[k] <= q && q <= ps[k] + lapse - 1;
      period_counts& r = out[static_cast<std::size_t>(q - lo)];
      if (member_before) r.at_start += 1;
      if (bought && !member_before) r.new_customers += 1;
      if (member_before && !member) r.lost += 1;
      member_before = member;
    }
  }
  for (auto& p : out) p.at_end = p.at_start + p.new_customers - p.lost;
  return out;
}

struct cohort {
  std::int32_t period = 0;
  std::int64_t size = 0;
  std::vector<std::int64_t> active;
  std::vector<double> revenue;
};

inline std::vector<cohort> cohorts(const std::vector<crm::order<double>>& orders, crm::period_unit u) {
  std::map<crm::customer_id, std::vector<std::pair<std::int32_t, double>>> seen;
  std::int32_t hi = INT32_MIN;
  for (const auto& o : orders) {
    if (o.amount < 0) continue;
    const std::int32_t p = crm::period_of(u, o.time);
    hi = std::max(hi, p);
    seen[o.customer].emplace_back(p, o.amount);
  }
  std::map<std::int32_t, cohort> by;
  for (auto& [id, ps] : seen) {
    std::sort(ps.begin(), ps.end());
    const std::int32_t first = ps.front().first;
    cohort& c = by[first];
    c.period = first;
    c.size += 1;
    const auto width = static_cast<std::size_t>(hi - first + 1);
    c.active.resize(width), c.revenue.resize(width);
    std::int32_t prev = INT32_MIN;
    for (const auto& [p, v] : ps) {
      const auto k = static_cast<std::size_t>(p - first);
      if (p != prev) c.active[k] += 1;
      c.revenue[k] += v;
      prev = p;
    }
  }
  std::vector<cohort> out;
  for (auto& [p, c] : by) out.push_back(std::move(c));
  return out;
}

/// One email_campaign per campaign, counted unique per recipient, summed over campaigns.
inline crm::email_campaign<double> email_totals(const std::vector<crm::email_event<double>>& events,
                                                std::int64_t* campaigns) {
  using kind = crm::email_event_kind;
  std::map<std::pair<crm::tag_id, int>, std::set<crm::customer_id>> who;
  std::set<crm::tag_id> ids;
  double revenue = 0;
  for (const auto& e : events) {
    who[{e.campaign, static_cast<int>(e.kind)}].insert(e.recipient);
    ids.insert(e.campaign);
    if (e.kind == kind::conversion) revenue += e.revenue;
  }
  const auto n = [&](kind k) {
    crm::count_t s = 0;
    for (const auto& [key, set] : who)
      if (key.second == static_cast<int>(k)) s += static_cast<crm::count_t>(set.size());
    return s;
  };
  *campaigns = static_cast<std::int64_t>(ids.size());
  return {.sent = n(kind::sent), .delivered = n(kind::delivered), .unique_opens = n(kind::open),
          .unique_clicks = n(kind::click), .conversions = n(kind::conversion), .unsubscribed = n(kind::unsubscribe),
          .spam_complaints = n(kind::spam_complaint), .hard_bounces = n(kind::hard_bounce),
          .soft_bounces = n(kind::soft_bounce), .revenue = revenue, .cost = 0};
}

}  // namespace crm_report::shim

// crm-metrics: customers per calendar period (at start, new, returning, lost, at end: retention,
// churn, growth) and the acquisition-cohort retention matrix, from orders.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// The accumulator covers a fixed range of periods (the horizon: `periods` periods of `unit` from the
// one that contains `first`) and keeps, per customer, the set of periods with a purchase and the set
// with two or more: one bit each per period (a 40-byte slot for a horizon of up to 64 periods; 16
// more bytes per customer for every further 64). Merging ORs the sets, so it is exact.
//
// "Lost" in order data (001_15fb4e46a87cf176.txt line 40 defines churn as the share of customers
// who stopped dealing with the company during the period, line 42 the formula): a customer is a
// customer at the end of period p when they bought in one of the last `inactive_periods` periods
// (p - inactive_periods, p]; a customer at the end of p - 1 who is not one at the end of p is lost
// in p. A customer who buys again after being lost is "returning" in that period, not new. So, per
// period: at_end = at_start + new + returning - lost, at_start(p) = at_end(p - 1).
// Returns (negative amounts) are not purchases: they neither make a customer active nor count as
// orders; they reduce the period's net revenue (see docs/aggregation.md, "Returns").
//
// Time between purchases per period (period_options::gaps): a gap between two consecutive purchases
// of a customer belongs to the period of its LATER purchase. Per customer and active period p the
// accumulator keeps (first time in p, last time in p, purchases in p), a 20-byte entry; then the
// gaps ending in p number purchases_p - 1, plus 1 when the customer bought in an earlier period, and
// sum to last_p - (last time in the customer's latest earlier active period, or first_p if none).
// Entries of one customer and period combine by min, max and +, so merging is exact in any order.
// Customization points: none.
#pragma once

#include <crm/aggregate/customer_table.hpp>
#include <crm/aggregate/detail/bytes.hpp>
#include <crm/aggregate/detail/partitioned.hpp>
#include <crm/aggregate/orders.hpp>
#include <crm/aggregate/periods.hpp>
#include <crm/aggregate/records.hpp>
#include <crm/aggregate/report.hpp>
#include <crm/core/result.hpp>
#include <crm/metrics/acquisition.hpp>
#include <crm/metrics/retention.hpp>
#include <crm/metrics/revenue.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <type_traits>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

/// The periods an accumulator covers and its inactivity rule.
struct period_options {
  period_unit unit = period_unit::month;
  std::chrono::sys_days first{};    ///< any day of the first period of the horizon
  std::int32_t periods = 0;         ///< number of periods covered (1..4096)
  std::int32_t inactive_periods = 1;  ///< a customer with no purchase in this many periods is lost (>= 1)
  bool cohort_revenue = false;      ///< also keep revenue per cohort cell (memory: one entry per customer and active period)
  bool gaps = false;                ///< also keep the time between purchases per period (memory: a 20-byte entry per customer and active period)
  friend constexpr bool operator==(const period_options&, const period_options&) = default;
};

/// What happened in one period. Feed the members to the metrics: retention(), churn(), flow(),
/// base(), purchases(), totals(), repeat().
template <number T = double>
struct period_stats {
  std::int32_t period = 0;  ///< period number (crm::period_label gives its name)
  count_t customers_at_start = 0;
  count_t new_customers = 0;        ///< first purchase ever in this period
  count_t returning_customers = 0;  ///< bought again after having been lost
  count_t lost_customers = 0;
  count_t customers_at_end = 0;
  count_t active_customers = 0;  ///< bought in this period
  count_t repeat_customers = 0;  ///< bought at least twice in this period
  count_t orders = 0;            ///< purchases in this period
  T revenue{};                   ///< net revenue: purchases minus refunds of this period

  /// {at start, at end, new + returning}: the retention rate of 001 line 36 counts as retained the
  /// customers at the end who did not join during the period, so returning customers join here.
  [[nodiscard]] constexpr retention_counts retention() const noexcept {
    return {.customers_at_start = customers_at_start, .customers_at_end = customers_at_end,
            .new_customers = new_customers + returning_customers};
  }
  [[nodiscard]] constexpr churn_counts churn() const noexcept {
    return {.customers_at_start = customers_at_start, .customers_lost = lost_customers};
  }
  [[nodiscard]] constexpr customer_flow flow() const noexcept {
    return {.customers_at_start = customers_at_start, .customers_at_end = customers_at_end, .customers_lost = lost_customers};
  }
  [[nodiscard]] constexpr customer_base base() const noexcept {
    return {.customers_at_start = customers_at_start, .customers_at_end = customers_at_end};
  }
  /// {orders, active customers}: purchase frequency of the period.
  [[nodiscard]] constexpr purchase_counts purchases() const noexcept { return {.orders = orders, .customers = active_customers}; }
  /// {net revenue, orders}: average check of the period.
  [[nodiscard]] order_totals<T> totals() const { return {.revenue = revenue, .orders = orders}; }
  /// {customers with >= 2 purchases in the period, active customers}.
  [[nodiscard]] constexpr repeat_counts repeat() const noexcept {
    return {.repeat_customers = repeat_customers, .customers = active_customers};
  }
};

/**
 * @brief The gaps between consecutive purchases of one customer that end in one period (the gap
 * belongs to the period of its later purchase), summed over customers, exact: in whole seconds.
 * days() gives the input of crm::average_time_between_purchases (003_f1c74d43239c9d2b.txt line 15).
 */
struct period_gaps {
  std::int32_t period = 0;   ///< period number (crm::period_label gives its name)
  std::int64_t seconds = 0;  ///< sum of the gaps ending in this period, in seconds
  count_t gaps = 0;          ///< number of gaps ending in this period

  /// {sum of the gaps in days, gaps}: for a period without gaps, gaps = 0 and
  /// crm::average_time_between_purchases reports its error. Binary floating point: seconds / 86400
  /// in one rounding, as customer_accumulator::gaps() converts; other types (decimal): whole days
  /// plus the remainder / 86400, so whole days stay exact (a decimal division need not be).
  template <number F = double>
  [[nodiscard]] purchase_gaps<F> days() const {
    using day_t = std::chrono::duration<F, std::ratio<86400>>;
    if constexpr (std::is_floating_point_v<F>) {
      return {.sum_of_gaps = day_t(F(static_cast<double>(seconds)) / F(86400)), .gaps = gaps};
    } else {
      const F whole(static_cast<long long>(seconds / 86400));
      if (seconds % 86400 == 0) return {.sum_of_gaps = day_t(whole), .gaps = gaps};
      return {.sum_of_gaps = day_t(F(whole + F(static_cast<long long>(seconds % 86400)) / F(86400))), .gaps = gaps};
    }
  }
  friend constexpr bool operator==(const period_gaps&, const period_gaps&) = default;
};

/**
 * @brief The acquisition-cohort matrix: cohort c = customers whose first purchase is in period
 * first_period + c; column k = k periods later. cell(c, k) = {cohort size, customers of the cohort
 * who bought in period c + k} (a crm::cohort_counts, so crm::cohort_retention gives the rate);
 * revenue(c, k) = their purchases in that period (when kept). Row c has periods - c columns.
 */
template <number T = double>
struct cohort_matrix {
  period_unit unit = period_unit::month;
  std::int32_t first_period = 0;
  std::int32_t periods = 0;
  std::vector<count_t> sizes;   ///< per cohort
  std::vector<count_t> active;  ///< periods x periods, row-major; cells with c + k >= periods are 0
  std::vector<T> revenues;      ///< same shape; empty when cohort revenue was not kept

  [[nodiscard]] std::size_t columns(std::int32_t c) const noexcept { return static_cast<std::size_t>(periods - c); }
  [[nodiscard]] cohort_counts cell(std::int32_t c, std::int32_t k) const {
    return {.cohort_size = sizes[static_cast<std::size_t>(c)], .active_in_period = active[at(c, k)]};
  }
  [[nodiscard]] const T& revenue(std::int32_t c, std::int32_t k) const { return revenues[at(c, k)]; }
  [[nodiscard]] std::size_t at(std::int32_t c, std::int32_t k) const noexcept {
    return static_cast<std::size_t>(c) * static_cast<std::size_t>(periods) + static_cast<std::size_t>(k);
  }
};

/**
 * @brief Per-period customer counts and the acquisition-cohort matrix (see the header comment).
 * Errors (per record): amount NaN/inf ("amount"); time outside 1900..2199 or outside the horizon
 * (out_of_range, "time"); a revenue sum that overflows T (overflow, "revenue"). Options: periods
 * outside 1..4096, inactive_periods < 1, first out of range (out_of_range naming the option).
 *
 * **Example**
 *     crm::period_accumulator<double> acc({.unit = crm::period_unit::month, .first = 2024y / 1 / 1d, .periods = 24});
 *     acc.add(orders);
 *     for (const auto& p : acc.stats()) if (p.customers_at_start > 0) crm::churn_rate(p.churn());
 *     crm::cohort_matrix<double> m = acc.cohorts();
 */
template <number T = double>
class period_accumulator : public detail::accumulator_base<period_accumulator<T>, order<T>, T>,
                           public detail::reserved_like_parent<period_accumulator<T>> {
 public:
  using detail::accumulator_base<period_accumulator<T>, order<T>, T>::add;
  static constexpr const char* name = "period_accumulator";
  static constexpr detail::state_kind kind = detail::state_kind::periods;
  static constexpr std::int32_t max_periods = 4096;
  struct state {
    std::uint64_t active = 0;  ///< periods 0..63 with a purchase
    std::uint64_t multi = 0;   ///< periods 0..63 with two or more
    std::uint32_t index = 0;   ///< position in the overflow words and the revenue log
    std::int32_t period = -1;  ///< period of `revenue` (cohort revenue only)
    T revenue{};               ///< revenue of this customer in `period`, not yet in the log
  };

  period_accumulator() = default;
  explicit period_accumulator(const period_options& o) : opt_(o) {
    if (const error_info e = check_options(o)) detail::throw_metric_error(e);
    init();
  }
  [[nodiscard]] static result<period_accumulator> try_create(const period_options& o) {
    if (const error_info e = check_options(o)) return e;
    period_accumulator a;
    a.opt_ = o;
    a.init();
    return a;
  }
  [[nodiscard]] static constexpr error_info check_options(const period_options& o) noexcept {
    if (o.periods < 1 || o.periods > max_periods) return {errc::out_of_range, name, "periods", "must lie in 1..4096"};
    if (o.inactive_periods < 1) return {errc::out_of_range, name, "inactive_periods", "must be at least 1"};
    if (check_time(name, time_point{o.first})) return {errc::out_of_range, name, "first", "must lie in 1900-01-01 .. 2199-12-31"};
    return {};
  }
  [[nodiscard]] const period_options& options() const noexcept { return opt_; }

  // The two-phase add of crm::add_parallel (detail::partitioned_accumulator): for horizons of up to
  // 64 periods without cohort revenue or gaps (the per-customer state is then the slot alone).
  struct part_entry {
    customer_id customer;
    std::int32_t period;
  };
  using part_context = detail::index_claims;
  [[nodiscard]] period_accumulator partitioned_side() const {
    period_accumulator a;
    a.opt_ = opt_;
    a.init();
    return a;
  }
  [[nodiscard]] bool partitioned_ok(std::size_t, on_bad_record) const noexcept {
    return words_ == 1 && !opt_.cohort_revenue && !opt_.gaps;
  }
  error_info partitioned_scan(const order<T>& o, bool& emit) {
    if (const error_info e = detail::check_order(name, o)) [[unlikely]] return e;
    const std::int32_t p = period_index(o.time);
    if (p < 0 || p >= opt_.periods) [[unlikely]]
      return {errc::out_of_range, name, "time", "is outside the periods of the accumulator"};
    const auto pi = static_cast<std::size_t>(p);
    emit = !(o.amount < number_traits<T>::zero());
    count_t& c = (emit ? orders_ : returns_)[pi];
    if (c == detail::count_max) [[unlikely]] return detail::count_overflow(name, emit ? "orders" : "returns");
    T r = revenue_[pi];
    if (!detail::add_finite(r, o.amount)) [[unlikely]] return overflow();
    revenue_[pi] = r;
    ++c;
    return {};
  }
  [[nodiscard]] part_entry partitioned_entry(const order<T>& o) { return {o.customer, period_index(o.time)}; }
  error_info partitioned_apply(const part_entry& e, part_context& c, typename customer_table<state>::part_writer& w) {
    auto [s, created] = w.try_emplace(e.customer);
    if (created) s->index = c.take();
    const std::uint64_t bit = std::uint64_t{1} << e.period;
    s->multi |= s->active & bit;
    s->active |= bit;
    return {};
  }
  void partitioned_start(std::span<part_context> cs) { detail::index_claims::start(cs, next_index_); }
  void partitioned_finish(std::span<part_context> cs, std::size_t) { next_index_ = detail::index_claims::finish(cs); }
  [[nodiscard]] customer_table<state>& partitioned_table() noexcept { return table_; }

  /// Number of the first period of the horizon.
  [[nodiscard]] std::int32_t first_period() const noexcept { return first_; }

  error_info try_add(const order<T>& o) {
    if (const error_info e = detail::check_order(name, o)) [[unlikely]] return e;
    const std::int32_t p = period_index(o.time);
    if (p < 0 || p >= opt_.periods) [[unlikely]]
      return {errc::out_of_range, name, "time", "is outside the periods of the accumulator"};
    const auto pi = static_cast<std::size_t>(p);
    const bool refund = o.amount < number_traits<T>::zero();
    // a state read back may hold 2^63 - 1 orders (or returns) in a period: one more is refused
    if ((refund ? returns_ : orders_)[pi] == detail::count_max) [[unlikely]]
      return detail::count_overflow(name, refund ? "returns" : "orders");
    if (refund) {
      T r = revenue_[pi];
      if (!detail::add_finite(r, o.amount)) return overflow();
      revenue_[pi] = r;
      ++returns_[pi];
      return {};
    }
    T r = revenue_[pi];
    if (!detail::add_finite(r, o.amount)) [[unlikely]] return overflow();
    auto [s, created] = table_.try_emplace(o.customer);
    if (created) {
      s->index = next_index_++;
      if (words_ > 1) extra_.resize(extra_.size() + 2 * (words_ - 1), 0);
    }
    revenue_[pi] = r;
    ++orders_[pi];
    std::uint64_t* act;
    std::uint64_t* mul;
    const std::uint64_t bit = std::uint64_t{1} << (pi & 63);
    if (pi < 64) {
      act = &s->active;
      mul = &s->multi;
    } else {
      std::uint64_t* w = &extra_[static_cast<std::size_t>(s->index) * 2 * (words_ - 1)];
      act = w + (pi / 64 - 1);
      mul = w + (words_ - 1) + (pi / 64 - 1);
    }
    *mul |= *act & bit;
    *act |= bit;
    if (opt_.gaps) [[unlikely]] add_gap(s->index, p, o.time.time_since_epoch().count());
    if (opt_.cohort_revenue) {
      if (s->period == p) {
        s->revenue = T(s->revenue + o.amount);
      } else {
        if (s->period >= 0) log_.push_back({s->index, s->period, s->revenue});
        s->period = p;
        s->revenue = o.amount;
      }
    }
    return {};
  }
  add_report try_add(std::span<const order<T>> records, on_bad_record policy = on_bad_record::stop) {
    return detail::add_prefetched(table_, records, policy, [this](const order<T>& o) { return try_add(o); });
  }

  /// Customers with a purchase in the horizon.
  [[nodiscard]] count_t customers() const noexcept { return static_cast<count_t>(table_.size()); }
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return table_.memory_bytes() + extra_.capacity() * 8 + log_.capacity() * sizeof(log_entry) +
           revenue_.capacity() * sizeof(T) + 2 * orders_.capacity() * sizeof(count_t) +
           (gap_log_.capacity() + gap_cur_.capacity()) * sizeof(gap_entry) + starts_.capacity() * sizeof(std::int64_t) +
           sizeof(*this) - sizeof(table_);
  }

  /// One entry per period of the horizon, in order.
  [[nodiscard]] std::vector<period_stats<T>> stats() const {
    const auto n = static_cast<std::size_t>(opt_.periods);
    std::vector<count_t> at_end(n, 0), fresh(n, 0), returning(n, 0), lost(n, 0), active(n, 0), multi(n, 0);
    const std::size_t W = words_;
    std::array<std::uint64_t, 64> a{}, m{}, e{}, shifted{};
    table_.for_each([&](customer_id, const state& s) {
      load(s, a.data(), m.data());
      // e = OR of a << j for j < inactive_periods: a customer at the end of each period.
      spread(a.data(), e.data(), shifted.data());
      const std::size_t f = lowest(a.data());
      ++fresh[f];
      count_bits(a.data(), active);
      count_bits(m.data(), multi);
      count_bits(e.data(), at_end);
      // lost: at the end of p - 1 and not of p; returning: at the end of p, not of p - 1, p != f.
      shift1(e.data(), shifted.data());
      for (std::size_t k = 0; k < W; ++k) {
        const std::uint64_t prev = shifted[k];
        const std::uint64_t l = prev & ~e[k] & mask(k);
        std::uint64_t r = e[k] & ~prev;
        if (f / 64 == k) r &= ~(std::uint64_t{1} << (f & 63));
        count_word(l, k, lost);
        count_word(r, k, returning);
      }
    });
    std::vector<period_stats<T>> out(n);
    for (std::size_t p = 0; p < n; ++p) {
      period_stats<T>& s = out[p];
      s.period = first_ + static_cast<std::int32_t>(p);
      s.customers_at_start = p == 0 ? 0 : at_end[p - 1];
      s.new_customers = fresh[p];
      s.returning_customers = returning[p];
      s.lost_customers = lost[p];
      s.customers_at_end = at_end[p];
      s.active_customers = active[p];
      s.repeat_customers = multi[p];
      s.orders = orders_[p];
      s.revenue = revenue_[p];
    }
    return out;
  }

  /// The acquisition-cohort matrix over the horizon.
  [[nodiscard]] cohort_matrix<T> cohorts() const {
    cohort_matrix<T> c;
    const auto n = static_cast<std::size_t>(opt_.periods);
    c.unit = opt_.unit;
    c.first_period = first_;
    c.periods = opt_.periods;
    c.sizes.assign(n, 0);
    c.active.assign(n * n, 0);
    std::vector<std::uint32_t> cohort_of;
    if (opt_.cohort_revenue) cohort_of.assign(next_index_, 0);
    std::array<std::uint64_t, 64> a{}, m{};
    table_.for_each([&](customer_id, const state& s) {
      load(s, a.data(), m.data());
      const std::size_t f = lowest(a.data());
      ++c.sizes[f];
      count_t* row = &c.active[f * n];
      for (std::size_t k = 0; k < words_; ++k)
        for (std::uint64_t w = a[k]; w != 0; w &= w - 1) ++row[k * 64 + static_cast<std::size_t>(std::countr_zero(w)) - f];
      if (opt_.cohort_revenue) cohort_of[s.index] = static_cast<std::uint32_t>(f);
    });
    if (opt_.cohort_revenue) {
      c.revenues.assign(n * n, T(0));
      const auto put = [&](std::uint32_t idx, std::int32_t p, const T& v) {
        const std::size_t f = cohort_of[idx];
        T& cell = c.revenues[f * n + static_cast<std::size_t>(p) - f];
        cell = T(cell + v);
      };
      for (std::size_t i = 0; i < log_.size(); ++i) {
        detail::check_interrupt_every(i);
        put(log_[i].index, log_[i].period, log_[i].revenue);
      }
      table_.for_each([&](customer_id, const state& s) {
        if (s.period >= 0) put(s.index, s.period, s.revenue);
      });
    }
    return c;
  }

  /**
   * @brief The time between purchases per period (needs period_options::gaps): one period_gaps per
   * period of the horizon, in order. A gap between two consecutive purchases of a customer belongs to
   * the period of its later purchase, so the gaps of all periods are those of
   * customer_accumulator::gaps() over the same purchases (count and seconds). Exact and independent
   * of the order records were added or merged in.
   * Errors: gaps not kept (empty_input, "gaps"); a period's sum beyond 2^63 - 1 seconds (overflow, "gaps").
   *
   * **Example**
   *     crm::period_accumulator<double> acc({.first = 2024y / 1 / 1d, .periods = 12, .gaps = true});
   *     acc.add(orders);
   *     const auto g = acc.gaps();                       // std::vector<crm::purchase_gaps<double>>
   *     crm::try_average_time_between_purchases(g[2]);   // days; an error for a period without gaps
   */
  [[nodiscard]] result<std::vector<period_gaps>> try_gap_totals() const {
    if (!opt_.gaps) return error_info{errc::empty_input, name, "gaps", "were not kept (build the accumulator with period_options::gaps = true)"};
    std::vector<period_gaps> out(static_cast<std::size_t>(opt_.periods));
    for (std::size_t p = 0; p < out.size(); ++p) out[p].period = first_ + static_cast<std::int32_t>(p);
    const std::vector<gap_entry> v = gap_entries();
    bool overflowed = false;
    bool has_prev = false;
    std::int64_t prev_last = 0;
    for (std::size_t i = 0; i < v.size();) {
      const gap_entry& e = v[i];
      if (i == 0 || v[i - 1].index != e.index) has_prev = false;
      const auto p = static_cast<std::size_t>(e.period);
      std::int64_t first = starts_[p] + e.first, last = starts_[p] + e.last;
      count_t n = e.n;
      std::size_t j = i + 1;
      for (; j < v.size() && v[j].index == e.index && v[j].period == e.period; ++j) {  // split at 2^32 - 1 purchases
        first = std::min(first, starts_[p] + v[j].first);
        last = std::max(last, starts_[p] + v[j].last);
        n += v[j].n;
      }
      period_gaps& g = out[p];
      g.gaps += n - 1 + (has_prev ? 1 : 0);
      const std::int64_t d = last - (has_prev ? prev_last : first);  // >= 0: periods and times ascend
      if (d > std::numeric_limits<std::int64_t>::max() - g.seconds) overflowed = true;
      else g.seconds += d;
      has_prev = true;
      prev_last = last;
      i = j;
    }
    if (overflowed) return error_info{errc::overflow, name, "gaps", "a period's sum of gaps exceeds 2^63 - 1 seconds"};
    return out;
  }
  /// Throwing form of try_gap_totals().
  [[nodiscard]] std::vector<period_gaps> gap_totals() const { return try_gap_totals().value(); }
  /// try_gap_totals() as the inputs of crm::average_time_between_purchases, in days (period_gaps::days).
  template <number F = double>
  [[nodiscard]] result<std::vector<purchase_gaps<F>>> try_gaps() const {
    const result<std::vector<period_gaps>> t = try_gap_totals();
    if (!t) return t.error();
    std::vector<purchase_gaps<F>> out;
    out.reserve(t->size());
    for (const period_gaps& g : *t) out.push_back(g.template days<F>());
    return out;
  }
  /// Throwing form of try_gaps().
  template <number F = double>
  [[nodiscard]] std::vector<purchase_gaps<F>> gaps() const {
    return try_gaps<F>().value();
  }

  error_info try_merge(const period_accumulator& other) {
    // a.merge(a): the loops below append to the logs they read, so merge a copy
    if (&other == this) return try_merge(period_accumulator(other));
    if (!(opt_ == other.opt_)) return {errc::malformed, name, "options", "differ between the merged accumulators"};
    std::vector<T> rev = revenue_;
    for (std::size_t p = 0; p < rev.size(); ++p)
      if (!detail::add_finite(rev[p], other.revenue_[p])) return overflow();
    for (std::size_t p = 0; p < orders_.size(); ++p) {
      count_t n = orders_[p], m = returns_[p];
      if (!detail::add_counts(n, other.orders_[p])) return {errc::overflow, name, "orders", "a period's orders pass 2^63 - 1"};
      if (!detail::add_counts(m, other.returns_[p])) return {errc::overflow, name, "returns", "a period's returns pass 2^63 - 1"};
    }
    revenue_ = std::move(rev);
    for (std::size_t p = 0; p < orders_.size(); ++p) {
      orders_[p] += other.orders_[p];
      returns_[p] += other.returns_[p];
    }
    std::vector<std::uint32_t> remap(other.next_index_, 0);
    const std::size_t X = 2 * (words_ - 1);
    table_.prepare_merge(other.table_);
    other.table_.for_each([&](customer_id c, const state& o) {
      const std::uint32_t i = merge_bits(c, o.active, o.multi, X > 0 ? &other.extra_[std::size_t{o.index} * X] : nullptr);
      remap[o.index] = i;
      if (opt_.cohort_revenue && o.period >= 0) log_.push_back({i, o.period, o.revenue});
    });
    for (std::size_t i = 0; i < other.log_.size(); ++i) {
      detail::check_interrupt_every(i);
      const log_entry& e = other.log_[i];
      log_.push_back({remap[e.index], e.period, e.revenue});
    }
    if (opt_.gaps) {
      gap_repeats_ = true;
      const auto moved = [&](gap_entry e) {
        e.index = remap[e.index];
        push_gap(e);
      };
      for (const gap_entry& e : other.gap_log_) moved(e);
      for (const gap_entry& e : other.gap_cur_)
        if (e.period >= 0) moved(e);
    }
    last_day_ = none_day;
    return {};
  }

  /// Adds the records of a state serialized by serialize(), read straight from its bytes: the same
  /// state as try_merge(try_deserialize(bytes).value()), without building the other accumulator
  /// (one pass over the buffer checks all of it, a second adds its customers, prefetching their
  /// slots; with period_options::gaps, through try_deserialize). Errors: those of try_deserialize
  /// for a truncated, padded, corrupted, foreign or wrong-version buffer (malformed, or out_of_range
  /// for the version, naming the field; when a buffer has several faults another of them may be
  /// named), then those of try_merge (different options: malformed, "options"; a revenue sum
  /// overflows T: overflow, "revenue"). On any error the state is unchanged: nothing changes
  /// before the whole buffer has been checked. Never reads outside `bytes`.
  error_info try_merge_serialized(std::span<const std::byte> bytes) {
    error_info e;
    const std::span<const std::byte> payload = detail::open_state<T>(bytes, kind, name, e);
    if (e) return e;
    detail::byte_reader r(payload, name);
    period_options o;
    std::int32_t first = 0;
    if (!read_head(r, o, first)) return r.error();
    if (!(o == opt_) || opt_.gaps) return merge_deserialized(bytes);  // try_merge's error, or the gap entries
    if (first != first_) return {errc::malformed, name, "first", "is invalid (corrupted state)"};
    const std::size_t P = orders_.size(), X = 2 * (words_ - 1);
    std::vector<count_t> orders(P), returns(P);
    std::vector<T> revenue = revenue_;
    bool overflows = false;
    for (std::size_t p = 0; p < P && r.ok(); ++p) {
      orders[p] = r.get<std::int64_t>("orders");
      returns[p] = r.get<std::int64_t>("returns");
      const T v = r.template get_number<T>("revenue");
      if (r.ok() && (orders[p] < 0 || returns[p] < 0 || !number_traits<T>::is_finite(v)))
        r.fail(errc::malformed, "orders", "is invalid (corrupted state)");
      overflows = overflows || !detail::add_finite(revenue[p], v);
    }
    const std::uint64_t n = r.get_count("customers", 24 + 8 * X);
    if (n > std::numeric_limits<std::uint32_t>::max()) return {errc::malformed, name, "customers", "is too large"};
    std::vector<customer_id> ids;
    ids.reserve(static_cast<std::size_t>(n));
    std::vector<std::int32_t> first_active;
    first_active.reserve(static_cast<std::size_t>(n));
    std::array<std::uint64_t, 64> a{}, m{};
    std::vector<std::uint64_t> least(P, 0);
    for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
      detail::check_interrupt_every(static_cast<std::size_t>(i));
      ids.push_back(r.get<std::uint64_t>("customer"));
      read_bits(r, a.data(), m.data());
      if (!r.ok()) break;
      if (!valid_bits(a.data(), m.data())) r.fail(errc::malformed, "customer", "has an impossible state (corrupted state)");
      first_active.push_back(static_cast<std::int32_t>(lowest(a.data())));
      count_least(a.data(), m.data(), least);
    }
    if (r.ok() && !orders_cover(orders, least)) r.fail(errc::malformed, "orders", fewer_orders);
    const std::uint64_t k = r.get_count("revenue_log", 10);
    if (r.ok() && !opt_.cohort_revenue && k != 0) r.fail(errc::malformed, "revenue_log", "is not empty without cohort revenue");
    for (std::uint64_t i = 0; i < k && r.ok(); ++i) {
      detail::check_interrupt_every(static_cast<std::size_t>(i));
      const log_entry le = read_log_entry(r);
      if (r.ok() && (le.index >= n || le.period < first_active[le.index] || le.period >= opt_.periods || !detail::fast_non_negative(le.revenue)))
        r.fail(errc::malformed, "revenue_log", "has an entry out of range (corrupted state)");
    }
    if (r.ok() && !r.at_end()) r.fail(errc::malformed, "payload", "has bytes after the state");
    if (!r.ok()) return r.error();
    if (detail::any_repeated(ids)) return {errc::malformed, name, "customer", "appears twice (corrupted state)"};
    if (overflows) return overflow();
    for (std::size_t p = 0; p < P; ++p) {
      count_t x = orders_[p], y = returns_[p];
      if (!detail::add_counts(x, orders[p])) return {errc::overflow, name, "orders", "a period's orders pass 2^63 - 1"};
      if (!detail::add_counts(y, returns[p])) return {errc::overflow, name, "returns", "a period's returns pass 2^63 - 1"};
    }
    // the buffer is whole: add it
    detail::byte_reader w(payload, name);
    (void)read_head(w, o, first);
    for (std::size_t p = 0; p < P; ++p) {
      (void)w.get<std::int64_t>("orders");
      (void)w.get<std::int64_t>("returns");
      (void)w.template get_number<T>("revenue");
      orders_[p] += orders[p];
      returns_[p] += returns[p];
    }
    revenue_ = std::move(revenue);
    (void)w.get<std::uint64_t>("customers");
    table_.prepare_merge(std::span<const customer_id>(ids));
    if (X > 0) reserve_more(extra_, ids.size() * X);  // an upper bound, allocated once
    std::vector<std::uint32_t> remap(ids.size(), 0);
    std::array<std::uint64_t, 128> words{};  // words 1.. of active, then of multi
    constexpr std::size_t ahead = 16;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      detail::check_interrupt_every(i);
      if (i + ahead < ids.size()) table_.prefetch(ids[i + ahead]);
      const customer_id c = w.get<std::uint64_t>("customer");
      const std::uint64_t active = w.get<std::uint64_t>("active"), multi = w.get<std::uint64_t>("multi");
      for (std::size_t q = 0; q < X; ++q) words[q] = w.get<std::uint64_t>("active");
      remap[i] = merge_bits(c, active, multi, words.data(), true);
    }
    (void)w.get<std::uint64_t>("revenue_log");
    reserve_more(log_, static_cast<std::size_t>(k));
    for (std::uint64_t i = 0; i < k; ++i) {
      detail::check_interrupt_every(static_cast<std::size_t>(i));
      log_entry le = read_log_entry(w);
      le.index = remap[le.index];
      log_.push_back(le);
    }
    last_day_ = none_day;
    return {};
  }

  void write_payload(detail::byte_writer& w) const {
    w.put(static_cast<std::uint8_t>(opt_.unit));
    w.put(first_);
    w.put(opt_.periods);
    w.put(opt_.inactive_periods);
    w.put(static_cast<std::uint8_t>((opt_.cohort_revenue ? 1 : 0) | (opt_.gaps ? 2 : 0)));  // option flags
    for (std::size_t p = 0; p < orders_.size(); ++p) {
      w.put(static_cast<std::int64_t>(orders_[p]));
      w.put(static_cast<std::int64_t>(returns_[p]));
      w.put_number(revenue_[p]);
    }
    w.put(static_cast<std::uint64_t>(table_.size()));
    std::vector<std::uint32_t> position(next_index_, 0);
    std::uint32_t pos = 0;
    const std::size_t X = 2 * (words_ - 1);
    table_.for_each([&](customer_id c, const state& s) {
      position[s.index] = pos++;
      w.put(c);
      w.put(s.active);
      w.put(s.multi);
      for (std::size_t k = 0; k < X; ++k) w.put(extra_[std::size_t{s.index} * X + k]);
    });
    // The revenue log, then each customer's revenue not yet in it, in the order cohorts() adds them
    // (so a round trip gives the same sums to the last bit in binary floating point too).
    std::uint64_t buffered = 0;
    table_.for_each([&](customer_id, const state& s) { buffered += s.period >= 0; });
    w.put(static_cast<std::uint64_t>(log_.size() + buffered));
    const auto put = [&](std::uint32_t index, std::int32_t period, const T& revenue) {
      w.put(position[index]);
      w.put(period);
      w.put_number(revenue);
    };
    for (std::size_t i = 0; i < log_.size(); ++i) {
      detail::check_interrupt_every(i);
      put(log_[i].index, log_[i].period, log_[i].revenue);
    }
    table_.for_each([&](customer_id, const state& s) {
      if (s.period >= 0) put(s.index, s.period, s.revenue);
    });
    if (!opt_.gaps) return;
    // The gap entries, combined, by customer position and period.
    std::vector<gap_entry> v = gap_entries();
    for (gap_entry& e : v) e.index = position[e.index];
    std::sort(v.begin(), v.end(), key_less);
    w.put(static_cast<std::uint64_t>(v.size()));
    for (const gap_entry& e : v) {
      w.put(e.index);
      w.put(e.period);
      w.put(e.first);
      w.put(e.last);
      w.put(e.n);
    }
  }
  void read_payload(detail::byte_reader& r) {
    period_options o;
    std::int32_t first = 0;
    if (!read_head(r, o, first)) return;
    opt_ = o;
    init();
    if (first_ != first) return r.fail(errc::malformed, "first", "is invalid (corrupted state)");
    for (std::size_t p = 0; p < orders_.size() && r.ok(); ++p) {
      orders_[p] = r.get<std::int64_t>("orders");
      returns_[p] = r.get<std::int64_t>("returns");
      revenue_[p] = r.template get_number<T>("revenue");
      if (r.ok() && (orders_[p] < 0 || returns_[p] < 0 || !number_traits<T>::is_finite(revenue_[p])))
        return r.fail(errc::malformed, "orders", "is invalid (corrupted state)");
    }
    const std::size_t X = 2 * (words_ - 1);
    const std::uint64_t n = r.get_count("customers", 24 + 8 * X);
    if (n > std::numeric_limits<std::uint32_t>::max()) return r.fail(errc::malformed, "customers", "is too large");
    table_.reserve(static_cast<std::size_t>(n));
    extra_.assign(static_cast<std::size_t>(n) * X, 0);
    std::vector<std::int32_t> first_active(static_cast<std::size_t>(n), 0);
    std::vector<customer_id> ids(opt_.gaps ? static_cast<std::size_t>(n) : 0);
    std::uint64_t active_periods = 0;
    std::vector<std::uint64_t> least(orders_.size(), 0);  // orders each period must have: 1 per active, 2 per multi customer
    std::array<std::uint64_t, 64> act{}, mul{};  // one customer's words (valid() loads them)
    for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
      detail::check_interrupt_every(static_cast<std::size_t>(i));
      const auto c = r.get<std::uint64_t>("customer");
      state s;
      s.active = r.get<std::uint64_t>("active");
      s.multi = r.get<std::uint64_t>("multi");
      for (std::size_t k = 0; k < X; ++k) extra_[static_cast<std::size_t>(i) * X + k] = r.get<std::uint64_t>("active");
      if (!r.ok()) return;
      s.index = static_cast<std::uint32_t>(i);
      if (!valid(s, act.data(), mul.data())) return r.fail(errc::malformed, "customer", "has an impossible state (corrupted state)");
      auto [slot, created] = table_.try_emplace(c);
      if (!created) return r.fail(errc::malformed, "customer", "appears twice (corrupted state)");
      *slot = s;
      first_active[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(lowest(act.data()));
      count_least(act.data(), mul.data(), least);
      if (opt_.gaps) {
        ids[static_cast<std::size_t>(i)] = c;
        for (std::size_t k = 0; k < words_; ++k) active_periods += static_cast<std::uint64_t>(std::popcount(act[k]));
      }
    }
    if (!r.ok()) return;
    if (!orders_cover(orders_, least)) return r.fail(errc::malformed, "orders", fewer_orders);
    next_index_ = static_cast<std::uint32_t>(n);
    const std::uint64_t m = r.get_count("revenue_log", 10);
    if (!opt_.cohort_revenue && m != 0) return r.fail(errc::malformed, "revenue_log", "is not empty without cohort revenue");
    log_.reserve(static_cast<std::size_t>(m));  // get_count: m entries fit in the buffer
    for (std::uint64_t i = 0; i < m && r.ok(); ++i) {
      detail::check_interrupt_every(static_cast<std::size_t>(i));
      const log_entry e = read_log_entry(r);
      if (!r.ok()) return;
      // (a period before the customer's first would index before the cohort's row)
      if (e.index >= n || e.period < first_active[e.index] || e.period >= opt_.periods || !detail::fast_non_negative(e.revenue))
        return r.fail(errc::malformed, "revenue_log", "has an entry out of range (corrupted state)");
      log_.push_back(e);
    }
    if (opt_.gaps) read_gaps(r, ids, active_periods);
  }

  /// Same options, same per-period statistics, same cohort matrix.
  friend bool operator==(const period_accumulator& a, const period_accumulator& b) {
    if (!(a.opt_ == b.opt_) || a.table_.size() != b.table_.size() || a.returns_ != b.returns_) return false;
    const auto sa = a.stats(), sb = b.stats();
    for (std::size_t p = 0; p < sa.size(); ++p)
      if (!same(sa[p], sb[p])) return false;
    const auto ca = a.cohorts(), cb = b.cohorts();
    if (!(ca.sizes == cb.sizes && ca.active == cb.active && ca.revenues == cb.revenues)) return false;
    if (!a.opt_.gaps) return true;
    const auto ga = a.try_gap_totals(), gb = b.try_gap_totals();
    return ga.has_value() == gb.has_value() && (!ga.has_value() || *ga == *gb);
  }

 private:
  struct log_entry {
    std::uint32_t index = 0;
    std::int32_t period = 0;
    T revenue{};
  };
  // One customer's purchases in one period (period_options::gaps): times in seconds after the
  // period's first instant (a period is at most 366 days, so they fit 32 bits).
  struct gap_entry {
    std::uint32_t index = 0;   // the customer's index
    std::int32_t period = -1;  // -1: none (an empty current entry)
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    std::uint32_t n = 0;  // purchases
  };
  static_assert(sizeof(gap_entry) == 20);
  static constexpr std::size_t min_gap_compaction = 1 << 16;
  static bool key_less(const gap_entry& a, const gap_entry& b) noexcept {
    return a.index != b.index ? a.index < b.index : a.period < b.period;
  }
  // Sorts by customer and period and combines the entries of one customer and period (min, max, +);
  // two whose purchases together would pass 2^32 - 1 stay apart (try_gap_totals adds them in 64 bits).
  static void combine(std::vector<gap_entry>& v) {
    std::sort(v.begin(), v.end(), key_less);
    std::size_t out = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (out > 0) {
        gap_entry& b = v[out - 1];
        if (b.index == v[i].index && b.period == v[i].period && v[i].n <= std::numeric_limits<std::uint32_t>::max() - b.n) {
          b.first = std::min(b.first, v[i].first);
          b.last = std::max(b.last, v[i].last);
          b.n += v[i].n;
          continue;
        }
      }
      v[out++] = v[i];
    }
    v.resize(out);
  }
  // Every entry (the log and the current ones), combined.
  [[nodiscard]] std::vector<gap_entry> gap_entries() const {
    std::vector<gap_entry> v;
    v.reserve(gap_log_.size() + gap_cur_.size());
    v.insert(v.end(), gap_log_.begin(), gap_log_.end());
    for (const gap_entry& e : gap_cur_)
      if (e.period >= 0) v.push_back(e);
    combine(v);
    return v;
  }
  // The log grows by entries that may repeat a customer and period (unsorted input, merges): when it
  // doubles, it is combined, so it holds at most about twice the distinct entries. While every
  // customer's purchases came in period order, its entries are all distinct: no combining then.
  void push_gap(const gap_entry& e) {
    gap_log_.push_back(e);
    if (gap_repeats_ && gap_log_.size() >= gap_compact_at_) {
      combine(gap_log_);
      gap_compact_at_ = std::max(2 * gap_log_.size(), min_gap_compaction);
    }
  }
  // A purchase at t (seconds) in period p: into the customer's current entry when it is of p,
  // otherwise the current entry goes to the log and a new one starts (time-sorted input thus logs
  // one entry per customer and period).
  void add_gap(std::uint32_t index, std::int32_t p, std::int64_t t) {
    if (index >= gap_cur_.size()) gap_cur_.resize(std::size_t{index} + 1);
    gap_entry& c = gap_cur_[index];
    const auto off = static_cast<std::uint32_t>(t - starts_[static_cast<std::size_t>(p)]);
    if (c.period == p && c.n < std::numeric_limits<std::uint32_t>::max()) {
      c.first = std::min(c.first, off);
      c.last = std::max(c.last, off);
      ++c.n;
      return;
    }
    if (c.period >= 0) {
      gap_repeats_ = gap_repeats_ || p <= c.period;  // back to an earlier period (or 2^32 purchases)
      push_gap(c);
    }
    c = {index, p, off, off, 1};
  }
  // The gap entries of a serialized state (after the customers and the revenue log): in order of
  // (customer, period), each inside its period, one customer's purchases in a period adding up to
  // 1 on a period with one purchase and 2 or more on one with several, entries for exactly the active
  // periods, and the purchases of each period adding up to its orders.
  void read_gaps(detail::byte_reader& r, const std::vector<customer_id>& ids, std::uint64_t active_periods) {
    const std::uint64_t g = r.get_count("gaps", sizeof(gap_entry));
    gap_log_.reserve(static_cast<std::size_t>(g));
    std::vector<count_t> purchases(static_cast<std::size_t>(opt_.periods), 0);
    std::uint64_t keys = 0, group = 0;  // distinct (customer, period); purchases of the current one
    std::array<std::uint64_t, 64> a{}, m{};
    const auto bad = [&r](const char* detail) { r.fail(errc::malformed, "gaps", detail); };
    const auto multi_ok = [&](const gap_entry& e) {
      const auto p = static_cast<std::size_t>(e.period);
      return (((m[p / 64] >> (p % 64)) & 1) != 0) == (group >= 2);
    };
    for (std::uint64_t i = 0; i < g && r.ok(); ++i) {
      detail::check_interrupt_every(static_cast<std::size_t>(i));
      gap_entry e;
      e.index = r.get<std::uint32_t>("gaps");
      e.period = r.get<std::int32_t>("gaps");
      e.first = r.get<std::uint32_t>("gaps");
      e.last = r.get<std::uint32_t>("gaps");
      e.n = r.get<std::uint32_t>("gaps");
      if (!r.ok()) return;
      if (e.index >= ids.size() || e.period < 0 || e.period >= opt_.periods || e.n == 0 || e.first > e.last ||
          (e.n == 1 && e.first != e.last) ||
          e.last >= starts_[static_cast<std::size_t>(e.period) + 1] - starts_[static_cast<std::size_t>(e.period)])
        return bad("has an entry out of range (corrupted state)");
      const bool same = !gap_log_.empty() && gap_log_.back().index == e.index && gap_log_.back().period == e.period;
      if (!same) {
        if (!gap_log_.empty() && (key_less(e, gap_log_.back()) || !multi_ok(gap_log_.back())))
          return bad("has entries out of order or purchases that do not match the periods with two or more (corrupted state)");
        load(*table_.find(ids[e.index]), a.data(), m.data());
        const auto p = static_cast<std::size_t>(e.period);
        if (((a[p / 64] >> (p % 64)) & 1) == 0) return bad("has an entry for a period without purchases (corrupted state)");
        ++keys;
        group = 0;
      }
      group += e.n;
      purchases[static_cast<std::size_t>(e.period)] += e.n;
      gap_log_.push_back(e);
    }
    if (!r.ok()) return;
    if (!gap_log_.empty() && !multi_ok(gap_log_.back()))
      return bad("has purchases that do not match the periods with two or more (corrupted state)");
    if (keys != active_periods) return bad("does not cover every period with purchases (corrupted state)");
    if (purchases != orders_) return bad("has purchases that do not add up to the orders of their period (corrupted state)");
    gap_compact_at_ = std::max(2 * gap_log_.size(), min_gap_compaction);
    gap_repeats_ = !gap_log_.empty();  // a customer's next purchase may fall in a logged period
  }
  static constexpr std::int32_t none_day = std::numeric_limits<std::int32_t>::min();
  static bool same(const period_stats<T>& x, const period_stats<T>& y) {
    return x.customers_at_start == y.customers_at_start && x.new_customers == y.new_customers &&
           x.returning_customers == y.returning_customers && x.lost_customers == y.lost_customers &&
           x.customers_at_end == y.customers_at_end && x.active_customers == y.active_customers &&
           x.repeat_customers == y.repeat_customers && x.orders == y.orders && x.revenue == y.revenue;
  }
  error_info overflow() const noexcept { return {errc::overflow, name, "revenue", "the period's sum of amounts is too large"}; }
  // The period of t, relative to the first of the horizon (the last day's period is cached).
  std::int32_t period_index(time_point t) {
    const std::int32_t d = day_number(t);
    if (d != last_day_) {
      last_day_ = d;
      last_rel_ = period_of_day(opt_.unit, d) - first_;
    }
    return last_rel_;
  }
  void init() {
    first_ = period_of(opt_.unit, time_point{opt_.first});
    opt_.first = period_start(opt_.unit, first_);  // any day of the period names it: keep its first day
    words_ = (static_cast<std::size_t>(opt_.periods) + 63) / 64;
    const auto n = static_cast<std::size_t>(opt_.periods);
    orders_.assign(n, 0);
    returns_.assign(n, 0);
    revenue_.assign(n, T(0));
    last_day_ = none_day;
    if (opt_.gaps) {  // the first second of each period, and of the one after the horizon
      starts_.resize(n + 1);
      for (std::size_t p = 0; p <= n; ++p)
        starts_[p] = std::int64_t{period_start(opt_.unit, first_ + static_cast<std::int32_t>(p)).time_since_epoch().count()} * 86400;
    }
  }
  // The options at the start of a payload (and the number of its first period); false when r
  // failed (or they are invalid).
  static bool read_head(detail::byte_reader& r, period_options& o, std::int32_t& first) {
    const auto unit = r.get<std::uint8_t>("unit");
    first = r.get<std::int32_t>("first");
    o.periods = r.get<std::int32_t>("periods");
    o.inactive_periods = r.get<std::int32_t>("inactive_periods");
    const auto flags = r.get<std::uint8_t>("flags");
    if (!r.ok()) return false;
    if (unit > static_cast<std::uint8_t>(period_unit::year)) return r.fail(errc::malformed, "unit", "is invalid (corrupted state)"), false;
    if (flags > 3) return r.fail(errc::malformed, "flags", "has an unknown option (corrupted state, or one of a newer library)"), false;
    o.unit = static_cast<period_unit>(unit);
    o.cohort_revenue = (flags & 1) != 0;
    o.gaps = (flags & 2) != 0;
    // the first period must lie in 1900 .. 2199 before its start is computed (found by
    // tests/fuzz/state_fuzz.cpp: a first period near the ends of int32 overflowed in period_start)
    if (first < period_of(o.unit, earliest_time) || first > period_of(o.unit, end_of_time - std::chrono::seconds{1}))
      return r.fail(errc::malformed, "first", "is invalid (corrupted state)"), false;
    o.first = period_start(o.unit, first);
    if (const error_info oe = check_options(o)) return r.fail(errc::malformed, oe.field, "is invalid (corrupted state)"), false;
    return true;
  }
  // A customer's active and multi words from a payload (after its id), as load() gives them.
  void read_bits(detail::byte_reader& r, std::uint64_t* a, std::uint64_t* m) const {
    a[0] = r.get<std::uint64_t>("active");
    m[0] = r.get<std::uint64_t>("multi");
    for (std::size_t k = 1; k < words_; ++k) a[k] = r.get<std::uint64_t>("active");
    for (std::size_t k = 1; k < words_; ++k) m[k] = r.get<std::uint64_t>("active");
  }
  static log_entry read_log_entry(detail::byte_reader& r) {
    log_entry e;
    e.index = r.get<std::uint32_t>("revenue_log");
    e.period = r.get<std::int32_t>("revenue_log");
    e.revenue = r.template get_number<T>("revenue_log");
    return e;
  }
  error_info merge_deserialized(std::span<const std::byte> bytes) {
    const result<period_accumulator> other = period_accumulator::try_deserialize(bytes);
    if (!other) return other.error();
    return try_merge(*other);
  }
  // v.reserve(v.size() + n), except that a vector that must grow gets at least half its capacity
  // again. The merge from bytes reserved the exact size of its revenue log for every merged state,
  // so merging N one-customer states one by one copied the whole log at each merge: quadratic in N
  // (94 % of the time of merging 80 000 such states, perf; found by an audit).
  template <class E>
  static void reserve_more(std::vector<E>& v, std::size_t n) {
    if (v.capacity() - v.size() < n) v.reserve(std::max(v.size() + n, v.capacity() + v.capacity() / 2));
  }
  // Adds customer c's periods of another part (`v`: its words 1.. of active, then of multi; unread
  // for a horizon of one word); returns c's index. keep_parts: a full part grows alone instead of
  // the whole table splitting into more parts (see customer_table::prepare_merge(ids)).
  std::uint32_t merge_bits(customer_id c, std::uint64_t active, std::uint64_t multi, const std::uint64_t* v, bool keep_parts = false) {
    const std::size_t X = 2 * (words_ - 1);
    auto [s, created] = keep_parts ? table_.try_emplace_in_part(c) : table_.try_emplace(c);
    if (created) {
      s->index = next_index_++;
      if (X > 0) extra_.resize(extra_.size() + X, 0);
    }
    s->multi |= multi | (s->active & active);
    s->active |= active;
    if (X > 0) {
      std::uint64_t* w = &extra_[std::size_t{s->index} * X];
      const std::size_t h = words_ - 1;
      for (std::size_t k = 0; k < h; ++k) {
        w[h + k] |= v[h + k] | (w[k] & v[k]);
        w[k] |= v[k];
      }
    }
    return s->index;
  }
  [[nodiscard]] std::uint64_t mask(std::size_t k) const noexcept {
    const std::size_t bits = static_cast<std::size_t>(opt_.periods) - 64 * k;
    return bits >= 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << bits) - 1);
  }
  void load(const state& s, std::uint64_t* a, std::uint64_t* m) const noexcept {
    a[0] = s.active;
    m[0] = s.multi;
    if (words_ > 1) {
      const std::uint64_t* w = &extra_[std::size_t{s.index} * 2 * (words_ - 1)];
      for (std::size_t k = 1; k < words_; ++k) {
        a[k] = w[k - 1];
        m[k] = w[words_ - 1 + k - 1];
      }
    }
  }
  [[nodiscard]] std::size_t lowest(const std::uint64_t* a) const noexcept {
    for (std::size_t k = 0; k < words_; ++k)
      if (a[k] != 0) return 64 * k + static_cast<std::size_t>(std::countr_zero(a[k]));
    return 0;  // unreachable: every customer has a purchase
  }
  // out = in << 1 (towards later periods), across words.
  void shift1(const std::uint64_t* in, std::uint64_t* out) const noexcept {
    std::uint64_t carry = 0;
    for (std::size_t k = 0; k < words_; ++k) {
      out[k] = (in[k] << 1) | carry;
      carry = in[k] >> 63;
    }
  }
  // e = a | a << 1 | ... | a << (inactive_periods - 1), clipped to the horizon.
  void spread(const std::uint64_t* a, std::uint64_t* e, std::uint64_t* tmp) const noexcept {
    for (std::size_t k = 0; k < words_; ++k) e[k] = a[k];
    const auto w = static_cast<std::size_t>(std::min(opt_.inactive_periods, opt_.periods));
    // doubling: after the step with span s, e covers shifts 0..s-1
    std::size_t span = 1;
    while (span < w) {
      const std::size_t step = std::min(span, w - span);
      shift_by(e, tmp, step);
      for (std::size_t k = 0; k < words_; ++k) e[k] |= tmp[k];
      span += step;
    }
    for (std::size_t k = 0; k < words_; ++k) e[k] &= mask(k);
  }
  void shift_by(const std::uint64_t* in, std::uint64_t* out, std::size_t by) const noexcept {
    const std::size_t wq = by / 64, bq = by % 64;
    for (std::size_t k = 0; k < words_; ++k) {
      std::uint64_t v = 0;
      if (k >= wq) {
        v = in[k - wq] << bq;
        if (bq != 0 && k >= wq + 1) v |= in[k - wq - 1] >> (64 - bq);
      }
      out[k] = v;
    }
  }
  void count_bits(const std::uint64_t* a, std::vector<count_t>& into) const noexcept {
    for (std::size_t k = 0; k < words_; ++k) count_word(a[k], k, into);
  }
  static void count_word(std::uint64_t w, std::size_t k, std::vector<count_t>& into) noexcept {
    for (; w != 0; w &= w - 1) ++into[64 * k + static_cast<std::size_t>(std::countr_zero(w))];
  }
  // The active and multi words of a customer: inside the horizon, multi within active, not empty.
  [[nodiscard]] bool valid_bits(const std::uint64_t* a, const std::uint64_t* m) const noexcept {
    bool any = false;
    for (std::size_t k = 0; k < words_; ++k) {
      if ((a[k] & ~mask(k)) != 0 || (m[k] & ~a[k]) != 0) return false;
      any = any || a[k] != 0;
    }
    return any;
  }
  // A customer's state read from a payload; loads its words into a and m (of 64 words each, kept
  // by the caller: zeroing two fresh arrays per customer took half of try_deserialize's time).
  [[nodiscard]] bool valid(const state& s, std::uint64_t* a, std::uint64_t* m) const noexcept {
    load(s, a, m);
    if (!valid_bits(a, m)) return false;
    if (!opt_.cohort_revenue) return s.period == -1;
    if (s.period == -1) return true;
    return s.period >= 0 && s.period < opt_.periods && ((a[static_cast<std::size_t>(s.period) / 64] >> (s.period % 64)) & 1) != 0 &&
           detail::fast_non_negative(s.revenue);
  }

  // A serialized state's orders must cover its customers: a purchase per period a customer is active
  // in, two per period it bought in more than once. count_least adds one customer's share.
  static constexpr const char* fewer_orders = "are fewer than the period's customers' purchases (corrupted state)";
  void count_least(const std::uint64_t* a, const std::uint64_t* m, std::vector<std::uint64_t>& least) const {
    for (std::size_t k = 0; k < words_; ++k)
      for (const std::uint64_t* w : {&a[k], &m[k]})
        for (std::uint64_t bits = *w; bits != 0; bits &= bits - 1) {
          const std::size_t p = k * 64 + static_cast<std::size_t>(std::countr_zero(bits));
          if (p < least.size()) ++least[p];
        }
  }
  [[nodiscard]] static bool orders_cover(const std::vector<count_t>& orders, const std::vector<std::uint64_t>& least) {
    for (std::size_t p = 0; p < least.size(); ++p)
      if (static_cast<std::uint64_t>(orders[p]) < least[p]) return false;
    return true;
  }

  period_options opt_{};
  std::int32_t first_ = 0;
  std::size_t words_ = 1;
  customer_table<state> table_;
  std::vector<std::uint64_t> extra_;  // per customer: words 1.. of active, then of multi
  std::vector<log_entry> log_;
  std::vector<count_t> orders_, returns_;
  std::vector<T> revenue_;
  std::vector<gap_entry> gap_log_;         // period_options::gaps: entries of past periods (and merged ones)
  std::vector<gap_entry> gap_cur_;         // per customer index: the entry of its latest period added
  std::vector<std::int64_t> starts_;       // period_options::gaps: first second of each period
  std::size_t gap_compact_at_ = min_gap_compaction;
  bool gap_repeats_ = false;  // the log may hold two entries of one customer and period
  std::uint32_t next_index_ = 0;
  std::int32_t last_day_ = none_day;  // cache of the last day's period
  std::int32_t last_rel_ = 0;
};

CRM_METRICS_END_NAMESPACE

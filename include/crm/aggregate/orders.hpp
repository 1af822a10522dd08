// crm-metrics: order accumulators: revenue and orders (constant memory), and per-customer counts
// for repeat-purchase share, purchase frequency and time between purchases.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Returns and refunds are orders with a negative amount. Here they are not purchases: they do not
// count as orders, do not make anyone a customer, and reduce the net revenue (see
// docs/aggregation.md, "Returns"). Every accumulator is a value: copyable, comparable with ==,
// mergeable (merge(a, b) is what adding a's and b's records to one accumulator gives, in any order
// and grouping), and serializable (serialize() / deserialize(), format in docs/aggregation.md).
// Customization points: none.
#pragma once

#include <crm/aggregate/customer_table.hpp>
#include <crm/aggregate/detail/bytes.hpp>
#include <crm/aggregate/detail/partitioned.hpp>
#include <crm/aggregate/periods.hpp>
#include <crm/aggregate/records.hpp>
#include <crm/aggregate/report.hpp>
#include <crm/core/result.hpp>
#include <crm/metrics/retention.hpp>
#include <crm/metrics/revenue.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

namespace detail {
/// The checks every order passes before any accumulator looks at it: amount finite, time in range.
template <number T>
[[nodiscard]] constexpr error_info check_order(const char* what, const order<T>& o) {
  if (!number_traits<T>::is_finite(o.amount)) return {errc::not_finite, what, "amount"};
  return check_time(what, o.time);
}
/// The largest count a state holds (a state read back or merged may hold it: the next record of
/// that count is then refused with count_overflow, never wrapped).
inline constexpr count_t count_max = std::numeric_limits<count_t>::max();
[[nodiscard]] constexpr error_info count_overflow(const char* what, const char* field) noexcept {
  return {errc::overflow, what, field, "passes 2^63 - 1"};
}
/// a += b for counts (both >= 0, as every count of a state is): false, leaving a unchanged, when the
/// sum would pass count_t's largest value.
[[nodiscard]] constexpr bool add_counts(count_t& a, count_t b) noexcept {
  if (a > std::numeric_limits<count_t>::max() - b) return false;
  a += b;
  return true;
}
/// a + b in place, refused (and a left unchanged) when the sum is not finite.
template <number T>
[[nodiscard]] constexpr bool add_finite(T& a, const T& b) {
  T s = a + b;
  if (!number_traits<T>::is_finite(s)) return false;
  a = s;
  return true;
}
/// Batch add with the slot of record i + 8 prefetched while record i is added.
template <class Table, class Rec, class One>
add_report add_prefetched(const Table& table, std::span<const Rec> records, on_bad_record policy, One&& one) {
  constexpr std::size_t ahead = 16;
  return add_batch(records, policy, std::forward<One>(one), [&](std::size_t i) {
    if (i + ahead < records.size()) table.prefetch(records[i + ahead].customer);
  });
}
}  // namespace detail

/**
 * @brief Revenue and orders of an order log, in constant memory: the input of the average check.
 * Purchases (amount >= 0, a zero amount is a free order) add to revenue and orders; returns
 * (amount < 0) add to `returned` and `returns` and reduce the net revenue, not the order count.
 * totals() = {net revenue, orders} feeds crm::average_check (001_15fb4e46a87cf176.txt line 30,
 * "Общий доход ÷ Количество заказов").
 * Errors (per record): amount NaN/inf (not_finite, "amount"); time outside 1900..2199
 * (out_of_range, "time"); a sum that overflows T (overflow, "revenue").
 *
 * **Example**
 *     crm::order_totals_accumulator<double> acc;
 *     acc.add(orders);                                   // std::span<const crm::order<double>>
 *     crm::money<double> check = crm::average_check(acc.totals());
 */
template <number T = double>
class order_totals_accumulator : public detail::accumulator_base<order_totals_accumulator<T>, order<T>, T> {
 public:
  using detail::accumulator_base<order_totals_accumulator<T>, order<T>, T>::add;
  static constexpr detail::state_kind kind = detail::state_kind::order_totals;
  static constexpr const char* name = "order_totals_accumulator";

  /// Adds one record; returns the reason when it is rejected (then the state is unchanged).
  error_info try_add(const order<T>& o) {
    if (const error_info e = detail::check_order(name, o)) [[unlikely]] return e;
    if (number_traits<T>::zero() <= o.amount) {
      // a state read back may hold 2^63 - 1 orders: one more is refused, never a wrapped count
      if (orders_ == detail::count_max) [[unlikely]] return detail::count_overflow(name, "orders");
      if (!detail::add_finite(revenue_, o.amount)) return {errc::overflow, name, "revenue", "the sum of amounts is too large"};
      ++orders_;
    } else {
      if (returns_ == detail::count_max) [[unlikely]] return detail::count_overflow(name, "returns");
      const T refund = -o.amount;
      if (!detail::add_finite(returned_, refund)) return {errc::overflow, name, "returned", "the sum of refunds is too large"};
      ++returns_;
    }
    return {};
  }
  add_report try_add(std::span<const order<T>> records, on_bad_record policy = on_bad_record::stop) {
    return detail::add_batch(records, policy, [this](const order<T>& o) { return try_add(o); });
  }

  /// An accumulator with the same options and no records (what crm::add_parallel gives each thread).
  [[nodiscard]] order_totals_accumulator fresh() const { return {}; }
  /// {net revenue = purchases - refunds, orders}: the input of crm::average_check.
  [[nodiscard]] order_totals<T> totals() const { return {.revenue = T(revenue_ - returned_), .orders = orders_}; }
  /// {revenue of purchases only, orders}.
  [[nodiscard]] order_totals<T> gross_totals() const { return {.revenue = revenue_, .orders = orders_}; }
  [[nodiscard]] const T& revenue() const noexcept { return revenue_; }
  [[nodiscard]] const T& returned() const noexcept { return returned_; }
  [[nodiscard]] count_t orders() const noexcept { return orders_; }
  [[nodiscard]] count_t returns() const noexcept { return returns_; }

  /// Adds the records of `other` (as if they had been added here). Errors (the state is then
  /// unchanged): a sum overflows T, or a count count_t (overflow).
  error_info try_merge(const order_totals_accumulator& other) {
    T r = revenue_, d = returned_;
    if (!detail::add_finite(r, other.revenue_)) return {errc::overflow, name, "revenue", "the sum of amounts is too large"};
    if (!detail::add_finite(d, other.returned_)) return {errc::overflow, name, "returned", "the sum of refunds is too large"};
    count_t n = orders_, m = returns_;
    if (!detail::add_counts(n, other.orders_)) return {errc::overflow, name, "orders", "the number of orders passes 2^63 - 1"};
    if (!detail::add_counts(m, other.returns_)) return {errc::overflow, name, "returns", "the number of returns passes 2^63 - 1"};
    revenue_ = r;
    returned_ = d;
    orders_ = n;
    returns_ = m;
    return {};
  }

  friend bool operator==(const order_totals_accumulator& a, const order_totals_accumulator& b) {
    return a.revenue_ == b.revenue_ && a.returned_ == b.returned_ && a.orders_ == b.orders_ && a.returns_ == b.returns_;
  }

  /// The payload of the state (also inside other states).
  void write_payload(detail::byte_writer& w) const {
    w.put_number(revenue_);
    w.put_number(returned_);
    w.put(static_cast<std::int64_t>(orders_));
    w.put(static_cast<std::int64_t>(returns_));
  }
  void read_payload(detail::byte_reader& r) {
    revenue_ = r.template get_number<T>("revenue");
    returned_ = r.template get_number<T>("returned");
    orders_ = r.template get<std::int64_t>("orders");
    returns_ = r.template get<std::int64_t>("returns");
    if (!r.ok()) return;
    if (!detail::fast_non_negative(revenue_)) r.fail(errc::malformed, "revenue", "must be finite and >= 0");
    else if (!detail::fast_non_negative(returned_)) r.fail(errc::malformed, "returned", "must be finite and >= 0");
    else if (orders_ < 0) r.fail(errc::malformed, "orders", "must be >= 0");
    else if (returns_ < 0) r.fail(errc::malformed, "returns", "must be >= 0");
  }

 private:
  T revenue_{};
  T returned_{};
  count_t orders_ = 0;
  count_t returns_ = 0;
};

/**
 * @brief Per-customer order counts: repeat-purchase share, purchase frequency, average time between
 * purchases, and (through totals()) the average check.
 * State: revenue and order totals, plus per customer the first and last purchase time and the
 * number of purchases (a 32-byte slot of crm::customer_table; see docs/aggregation.md for the
 * measured bytes per customer). Only purchases (amount >= 0) make a customer; returns reduce net
 * revenue only.
 * - repeat(): {customers with >= 2 purchases, customers} -> crm::repeat_purchase_share
 *   (001_15fb4e46a87cf176.txt line 66).
 * - purchases(): {orders, customers} -> crm::purchase_frequency (000_9949ba3a3098aa87.txt line 32).
 * - gaps(): sum over customers of (last - first purchase) and of (purchases - 1), in days ->
 *   crm::average_time_between_purchases (003_f1c74d43239c9d2b.txt line 15): each customer's n
 *   purchases make n - 1 gaps whose sum is last - first, so the pooled mean is exact and mergeable.
 * Errors (per record): those of order_totals_accumulator, and more than 2^32 - 1 purchases of one
 * customer (overflow, "orders").
 */
template <number T = double>
class customer_accumulator : public detail::accumulator_base<customer_accumulator<T>, order<T>, T>,
                             public detail::reserved_like_parent<customer_accumulator<T>> {
 public:
  using detail::accumulator_base<customer_accumulator<T>, order<T>, T>::add;
  static constexpr detail::state_kind kind = detail::state_kind::customers;
  static constexpr const char* name = "customer_accumulator";
  struct state {
    std::int64_t first = 0;  ///< seconds since the epoch of the first purchase
    std::int64_t last = 0;   ///< of the last purchase
    std::uint32_t orders = 0;
  };

  customer_accumulator() = default;
  /// Reserves room for `customers` customers (saves rehashing when the number is known).
  explicit customer_accumulator(std::size_t customers) { this->reserve(customers); }

  error_info try_add(const order<T>& o) {
    if (const error_info e = detail::check_order(name, o)) [[unlikely]] return e;
    if (o.amount < number_traits<T>::zero()) return mine(totals_.try_add(o));
    const std::int64_t t = o.time.time_since_epoch().count();
    auto [s, created] = table_.try_emplace(o.customer);
    if (created || s->orders == 0) {
      if (const error_info e = totals_.try_add(o)) [[unlikely]] return mine(e);  // leaves an empty slot: dropped by orders == 0
      *s = state{t, t, 1};
      return {};
    }
    if (s->orders == std::numeric_limits<std::uint32_t>::max()) [[unlikely]]
      return {errc::overflow, name, "orders", "one customer has more than 2^32 - 1 purchases"};
    if (const error_info e = totals_.try_add(o)) [[unlikely]] return mine(e);
    s->first = std::min(s->first, t);
    s->last = std::max(s->last, t);
    ++s->orders;
    return {};
  }
  add_report try_add(std::span<const order<T>> records, on_bad_record policy = on_bad_record::stop) {
    return detail::add_prefetched(table_, records, policy, [this](const order<T>& o) { return try_add(o); });
  }


  // The two-phase add of crm::add_parallel (detail::partitioned_accumulator).
  struct part_entry {
    customer_id customer;
    std::int64_t time;
  };
  struct part_context {};
  [[nodiscard]] customer_accumulator partitioned_side() const { return {}; }
  /// No customer can pass 2^32 - 1 purchases in this batch, so the two phases add exactly as try_add.
  [[nodiscard]] bool partitioned_ok(std::size_t records, on_bad_record) const noexcept {
    return static_cast<std::uint64_t>(totals_.orders()) + records < std::numeric_limits<std::uint32_t>::max();
  }
  error_info partitioned_scan(const order<T>& o, bool& emit) {
    if (const error_info e = detail::check_order(name, o)) [[unlikely]] return e;
    emit = !(o.amount < number_traits<T>::zero());
    return mine(totals_.try_add(o));
  }
  [[nodiscard]] part_entry partitioned_entry(const order<T>& o) const noexcept {
    return {o.customer, o.time.time_since_epoch().count()};
  }
  error_info partitioned_apply(const part_entry& e, part_context&, typename customer_table<state>::part_writer& w) {
    auto [s, created] = w.try_emplace(e.customer);
    if (created || s->orders == 0) {
      *s = state{e.time, e.time, 1};
    } else {
      s->first = std::min(s->first, e.time);
      s->last = std::max(s->last, e.time);
      ++s->orders;
    }
    return {};
  }
  void partitioned_start(std::span<part_context>) noexcept {}
  void partitioned_finish(std::span<part_context>, std::size_t) noexcept {}
  [[nodiscard]] customer_table<state>& partitioned_table() noexcept { return table_; }
  /// Customers with at least one purchase.
  [[nodiscard]] count_t customers() const {
    count_t n = 0;
    table_.for_each([&n](customer_id, const state& s) { n += s.orders > 0; });
    return n;
  }
  /// {customers with >= 2 purchases, customers}: the input of crm::repeat_purchase_share.
  [[nodiscard]] repeat_counts repeat() const {
    repeat_counts r;
    table_.for_each([&r](customer_id, const state& s) {
      r.customers += s.orders > 0;
      r.repeat_customers += s.orders >= 2;
    });
    return r;
  }
  /// {orders, customers}: the input of crm::purchase_frequency (orders per customer).
  [[nodiscard]] purchase_counts purchases() const { return {.orders = totals_.orders(), .customers = customers()}; }
  /// {net revenue, orders}: the input of crm::average_check.
  [[nodiscard]] order_totals<T> totals() const { return totals_.totals(); }
  [[nodiscard]] const order_totals_accumulator<T>& order_totals_state() const noexcept { return totals_; }
  /// Sum of (last - first purchase) over customers in days, and sum of (purchases - 1): the input of
  /// crm::average_time_between_purchases.
  template <number F = double>
  [[nodiscard]] purchase_gaps<F> gaps() const {
    std::int64_t seconds = 0;
    count_t n = 0;
    table_.for_each([&](customer_id, const state& s) {
      if (s.orders < 2) return;
      seconds += s.last - s.first;
      n += static_cast<count_t>(s.orders) - 1;
    });
    return {.sum_of_gaps = std::chrono::duration<F, std::ratio<86400>>(F(static_cast<double>(seconds)) / F(86400)), .gaps = n};
  }
  /// The state of one customer, or nullptr.
  [[nodiscard]] const state* find(customer_id c) const noexcept {
    const state* s = table_.find(c);
    return s != nullptr && s->orders > 0 ? s : nullptr;
  }
  [[nodiscard]] const customer_table<state>& table() const noexcept { return table_; }
  [[nodiscard]] std::size_t memory_bytes() const noexcept { return table_.memory_bytes() + sizeof(*this) - sizeof(table_); }

  /// Adds the records of `other`. Errors (the state is then unchanged): a sum of amounts overflows T
  /// (overflow, "revenue" or "returned"); a customer would pass 2^32 - 1 purchases (overflow,
  /// "orders"). Both are checked before anything changes.
  error_info try_merge(const customer_accumulator& other) {
    order_totals_accumulator<T> totals = totals_;
    if (const error_info e = totals.try_merge(other.totals_)) return mine(e);
    constexpr std::uint64_t most = std::numeric_limits<std::uint32_t>::max();
    // no customer can pass the limit unless the two sides' purchases together can
    if (static_cast<std::uint64_t>(totals_.orders()) + static_cast<std::uint64_t>(other.totals_.orders()) > most) {
      error_info over;
      other.table_.for_each([&](customer_id c, const state& o) {
        const state* s = table_.find(c);
        if (!over && s != nullptr && std::uint64_t{s->orders} + o.orders > most)
          over = {errc::overflow, name, "orders", "one customer has more than 2^32 - 1 purchases"};
      });
      if (over) return over;
    }
    table_.prepare_merge(other.table_);
    other.table_.for_each([&](customer_id c, const state& o) {
      if (o.orders == 0) return;
      auto [s, created] = table_.try_emplace(c);
      if (created || s->orders == 0) {
        *s = o;
        return;
      }
      s->first = std::min(s->first, o.first);
      s->last = std::max(s->last, o.last);
      s->orders += o.orders;  // at most 2^32 - 1: checked above
    });
    totals_ = std::move(totals);
    return {};
  }

  void write_payload(detail::byte_writer& w) const {
    totals_.write_payload(w);
    w.put(static_cast<std::uint64_t>(customers()));
    table_.for_each([&w](customer_id c, const state& s) {
      if (s.orders == 0) return;
      w.put(c);
      w.put(s.first);
      w.put(s.last);
      w.put(s.orders);
    });
  }
  void read_payload(detail::byte_reader& r) {
    totals_.read_payload(r);
    const std::uint64_t n = r.get_count("customers", 28);
    table_.reserve(static_cast<std::size_t>(n));
    const std::int64_t lo = earliest_time.time_since_epoch().count(), hi = end_of_time.time_since_epoch().count();
    std::uint64_t purchases = 0;  // every order is one customer's purchase
    for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
      detail::check_interrupt_every(static_cast<std::size_t>(i));
      const auto c = r.get<std::uint64_t>("customer");
      const state s{r.get<std::int64_t>("first"), r.get<std::int64_t>("last"), r.get<std::uint32_t>("orders")};
      if (!r.ok()) return;
      if (s.orders == 0 || s.first > s.last || s.first < lo || s.last >= hi || (s.orders == 1 && s.first != s.last))
        return r.fail(errc::malformed, "customer", "has an impossible state (corrupted state)");
      auto [slot, created] = table_.try_emplace(c);
      if (!created) return r.fail(errc::malformed, "customer", "appears twice (corrupted state)");
      *slot = s;
      purchases += s.orders;
    }
    if (r.ok() && purchases != static_cast<std::uint64_t>(totals_.orders()))
      r.fail(errc::malformed, "orders", "differ from the customers' purchases (corrupted state)");
  }

  friend bool operator==(const customer_accumulator& a, const customer_accumulator& b) {
    if (!(a.totals_ == b.totals_) || a.customers() != b.customers()) return false;
    bool same = true;
    a.table_.for_each([&](customer_id c, const state& s) {
      if (!same || s.orders == 0) return;
      const state* o = b.find(c);
      same = o != nullptr && o->first == s.first && o->last == s.last && o->orders == s.orders;
    });
    return same;
  }

 private:
  // An error of the order totals kept inside, named after this accumulator.
  [[nodiscard]] static error_info mine(error_info e) noexcept {
    if (e) e.metric = name;
    return e;
  }
  customer_table<state> table_;
  order_totals_accumulator<T> totals_;
};

/**
 * @brief Purchases per customer and nothing else: repeat-purchase share and purchase frequency from
 * a 16-byte slot of crm::customer_table per customer (the id and a 32-bit count: half of
 * customer_accumulator's; reserved, its table takes twice the room, as much memory and a third less
 * time per purchase; docs/aggregation.md has the bytes per customer). Use it when
 * those two metrics are all you need; customer_accumulator adds the first and last purchase times
 * (time between purchases) and the revenue (average check).
 * Only purchases (amount >= 0) count and make a customer; returns (amount < 0) are checked and
 * counted in returns(), nothing else.
 * - repeat(): {customers with >= 2 purchases, customers} -> crm::repeat_purchase_share
 *   (001_15fb4e46a87cf176.txt line 66).
 * - purchases(): {orders, customers} -> crm::purchase_frequency (000_9949ba3a3098aa87.txt line 32).
 * Errors (per record): amount NaN/inf (not_finite, "amount"); time outside 1900..2199
 * (out_of_range, "time"); more than 2^32 - 1 purchases of one customer (overflow, "orders").
 *
 * **Example**
 *     crm::repeat_purchase_accumulator<double> acc;
 *     acc.add(orders);                                   // std::span<const crm::order<double>>
 *     double share = crm::repeat_purchase_share(acc.repeat());
 */
template <number T = double>
class repeat_purchase_accumulator : public detail::accumulator_base<repeat_purchase_accumulator<T>, order<T>, T>,
                                    public detail::reserved_like_parent<repeat_purchase_accumulator<T>> {
 public:
  using detail::accumulator_base<repeat_purchase_accumulator<T>, order<T>, T>::add;
  static constexpr detail::state_kind kind = detail::state_kind::repeat_purchases;
  static constexpr const char* name = "repeat_purchase_accumulator";
  using state = std::uint32_t;  ///< purchases of one customer (0: a slot not in use)

  repeat_purchase_accumulator() = default;
  /// Reserves room for `customers` customers (saves rehashing when the number is known).
  explicit repeat_purchase_accumulator(std::size_t customers) { this->reserve(customers); }

  error_info try_add(const order<T>& o) {
    if (const error_info e = detail::check_order(name, o)) [[unlikely]] return e;
    if (o.amount < number_traits<T>::zero()) {
      if (returns_ == detail::count_max) [[unlikely]] return detail::count_overflow(name, "returns");
      ++returns_;
      return {};
    }
    if (orders_ == detail::count_max) [[unlikely]] return detail::count_overflow(name, "orders");
    state& n = *table_.try_emplace(o.customer).first;
    if (n == std::numeric_limits<state>::max()) [[unlikely]] return overflow();
    ++n;
    ++orders_;
    return {};
  }
  add_report try_add(std::span<const order<T>> records, on_bad_record policy = on_bad_record::stop) {
    return detail::add_prefetched(table_, records, policy, [this](const order<T>& o) { return try_add(o); });
  }

  // The two-phase add of crm::add_parallel (detail::partitioned_accumulator): an entry is the id.
  struct part_entry {
    customer_id customer;
  };
  struct part_context {};
  [[nodiscard]] repeat_purchase_accumulator partitioned_side() const { return {}; }
  /// No customer can pass 2^32 - 1 purchases in this batch, so the two phases add exactly as try_add.
  [[nodiscard]] bool partitioned_ok(std::size_t records, on_bad_record) const noexcept {
    return static_cast<std::uint64_t>(orders_) + records < std::numeric_limits<state>::max();
  }
  error_info partitioned_scan(const order<T>& o, bool& emit) {
    if (const error_info e = detail::check_order(name, o)) [[unlikely]] return e;
    emit = !(o.amount < number_traits<T>::zero());
    count_t& c = emit ? orders_ : returns_;
    if (c == detail::count_max) [[unlikely]] return detail::count_overflow(name, emit ? "orders" : "returns");
    ++c;
    return {};
  }
  [[nodiscard]] part_entry partitioned_entry(const order<T>& o) const noexcept { return {o.customer}; }
  error_info partitioned_apply(const part_entry& e, part_context&, typename customer_table<state>::part_writer& w) {
    ++*w.try_emplace(e.customer).first;
    return {};
  }
  void partitioned_start(std::span<part_context>) noexcept {}
  void partitioned_finish(std::span<part_context>, std::size_t) noexcept {}
  [[nodiscard]] customer_table<state>& partitioned_table() noexcept { return table_; }

  /// Customers with at least one purchase.
  [[nodiscard]] count_t customers() const { return repeat().customers; }
  /// {customers with >= 2 purchases, customers}: the input of crm::repeat_purchase_share.
  [[nodiscard]] repeat_counts repeat() const {
    repeat_counts r;
    table_.for_each([&r](customer_id, state n) {
      r.customers += n > 0;
      r.repeat_customers += n >= 2;
    });
    return r;
  }
  /// {orders, customers}: the input of crm::purchase_frequency (orders per customer).
  [[nodiscard]] purchase_counts purchases() const { return {.orders = orders_, .customers = customers()}; }
  /// Purchases (orders with amount >= 0) and returns (amount < 0) added.
  [[nodiscard]] count_t orders() const noexcept { return orders_; }
  [[nodiscard]] count_t returns() const noexcept { return returns_; }
  /// The purchases of one customer (0 for a customer never seen).
  [[nodiscard]] std::uint32_t purchases_of(customer_id c) const noexcept {
    const state* n = table_.find(c);
    return n == nullptr ? 0 : *n;
  }
  [[nodiscard]] const customer_table<state>& table() const noexcept { return table_; }
  [[nodiscard]] std::size_t memory_bytes() const noexcept { return table_.memory_bytes() + sizeof(*this) - sizeof(table_); }

  /// Adds the records of `other`. Errors: one customer's purchases pass 2^32 - 1 (overflow,
  /// "orders"), or the orders or returns 2^63 - 1 (overflow, "orders" / "returns"); nothing is
  /// changed.
  error_info try_merge(const repeat_purchase_accumulator& other) {
    if (count_t n = orders_; !detail::add_counts(n, other.orders_)) return detail::count_overflow(name, "orders");
    if (count_t n = returns_; !detail::add_counts(n, other.returns_)) return detail::count_overflow(name, "returns");
    // no customer can pass the bound while both sides' purchases together stay below it
    constexpr std::uint64_t most = std::numeric_limits<state>::max();
    bool over = false;
    if (static_cast<std::uint64_t>(orders_) + static_cast<std::uint64_t>(other.orders_) > most)
      other.table_.for_each([&](customer_id c, state o) { over = over || std::uint64_t(purchases_of(c)) + o > most; });
    if (over) return overflow();
    table_.prepare_merge(other.table_);
    other.table_.for_each([&](customer_id c, state o) {
      if (o != 0) *table_.try_emplace(c).first += o;
    });
    orders_ += other.orders_;
    returns_ += other.returns_;
    return {};
  }

  /// Payload: orders, returns (i64), customers (u64), then per customer its id (u64) and purchases
  /// (u32, at least 1), whose sum must equal orders.
  void write_payload(detail::byte_writer& w) const {
    w.put(static_cast<std::int64_t>(orders_));
    w.put(static_cast<std::int64_t>(returns_));
    w.put(static_cast<std::uint64_t>(customers()));
    table_.for_each([&w](customer_id c, state n) {
      if (n == 0) return;
      w.put(c);
      w.put(n);
    });
  }
  void read_payload(detail::byte_reader& r) {
    orders_ = r.template get<std::int64_t>("orders");
    returns_ = r.template get<std::int64_t>("returns");
    if (!r.ok()) return;
    if (orders_ < 0) return r.fail(errc::malformed, "orders", "must be >= 0");
    if (returns_ < 0) return r.fail(errc::malformed, "returns", "must be >= 0");
    const std::uint64_t n = r.get_count("customers", 12);
    table_.reserve(static_cast<std::size_t>(n));
    std::uint64_t sum = 0;
    for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
      detail::check_interrupt_every(static_cast<std::size_t>(i));
      const auto c = r.get<std::uint64_t>("customer");
      const auto k = r.get<std::uint32_t>("purchases");
      if (!r.ok()) return;
      if (k == 0) return r.fail(errc::malformed, "purchases", "must be >= 1 (corrupted state)");
      auto [slot, created] = table_.try_emplace(c);
      if (!created) return r.fail(errc::malformed, "customer", "appears twice (corrupted state)");
      *slot = k;
      sum += k;
    }
    if (r.ok() && sum != static_cast<std::uint64_t>(orders_))
      r.fail(errc::malformed, "orders", "differs from the sum of the customers' purchases (corrupted state)");
  }

  friend bool operator==(const repeat_purchase_accumulator& a, const repeat_purchase_accumulator& b) {
    if (a.orders_ != b.orders_ || a.returns_ != b.returns_ || a.customers() != b.customers()) return false;
    bool same = true;
    a.table_.for_each([&](customer_id c, state n) { same = same && (n == 0 || b.purchases_of(c) == n); });
    return same;
  }

 private:
  [[nodiscard]] static error_info overflow() noexcept {
    return {errc::overflow, name, "orders", "one customer has more than 2^32 - 1 purchases"};
  }
  customer_table<state> table_;
  count_t orders_ = 0;
  count_t returns_ = 0;
};

CRM_METRICS_END_NAMESPACE

// crm-metrics: the RFM summary of an order log, for the customer-base models (BG/NBD, Pareto/NBD,
// Gamma-Gamma), as the `lifetimes` Python package computes it.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Per customer, over the calibration period (up to and including calibration_end):
//   frequency  x   = distinct purchase days - 1 (same-day purchases count once, their values add)
//   recency    t_x = (last purchase day - first purchase day) / time_unit
//   age        T   = (calibration_end - first purchase day) / time_unit
//   monetary_value = mean value of the x repeat purchase days (0 when x = 0): "zbar"
// and, when an observation_end after calibration_end is given, over the holdout period
// (calibration_end, observation_end]: holdout_frequency = distinct purchase days, holdout value =
// mean value per holdout purchase day, holdout duration = (observation_end - calibration_end) /
// time_unit. Customers whose first purchase falls in the holdout are not in the summary (counted
// by holdout_only_customers()). These are the definitions of lifetimes'
// summary_data_from_transaction_data and calibration_and_holdout_data (freq 'D'), and of Fader,
// Hardie & Lee (2005) for x, t_x, T.
// Returns (negative amounts) are not purchases and are left out of the summary: counted by
// returns(), no other effect.
// Customization points: none.
#pragma once

#include <crm/aggregate/customer_table.hpp>
#include <crm/aggregate/detail/bytes.hpp>
#include <crm/aggregate/detail/day_log.hpp>
#include <crm/aggregate/detail/partitioned.hpp>
#include <crm/aggregate/orders.hpp>
#include <crm/aggregate/parallel.hpp>
#include <crm/aggregate/periods.hpp>
#include <crm/aggregate/records.hpp>
#include <crm/aggregate/report.hpp>
#include <crm/core/result.hpp>
#include <crm/models/data.hpp>
#include <crm/models/gamma_gamma.hpp>

#include <algorithm>
#include <bit>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

/// The observation_end of an RFM summary without a holdout period.
inline constexpr std::chrono::sys_days no_holdout = std::chrono::sys_days::min();

/// Where the calibration period ends, where observation ends, and the time unit of recency and T.
struct rfm_options {
  std::chrono::sys_days calibration_end{};          ///< last day of the calibration period (inclusive)
  std::chrono::sys_days observation_end = no_holdout;  ///< last day of the holdout (inclusive), or no_holdout
  std::chrono::days time_unit{1};                   ///< e.g. std::chrono::weeks{1} for weeks (days / 7)
  /// Keep every customer's purchase days (4 bytes per distinct day) so that records in any order
  /// and parts split in any way merge exactly. false: no day log; then a record strictly between a
  /// customer's first and last purchase day seen so far, and a merge of parts whose days of one
  /// customer interleave, are errors (a time-sorted log cut into contiguous chunks, as
  /// crm::add_parallel cuts it, never meets either).
  bool day_log = true;
  [[nodiscard]] constexpr bool has_holdout() const noexcept { return observation_end != no_holdout; }
  friend constexpr bool operator==(const rfm_options&, const rfm_options&) = default;
};

/// One customer of the summary. `T` is the money type of the orders.
template <number T = double>
struct rfm_summary_row {
  customer_id customer{};
  count_t frequency = 0;       ///< x: repeat purchase days in the calibration period
  double recency = 0;          ///< t_x, in time units
  double age = 0;              ///< T, in time units
  T monetary_value{};          ///< mean value of the repeat purchase days; 0 when frequency == 0
  count_t holdout_frequency = 0;  ///< purchase days in the holdout
  T holdout_monetary_value{};     ///< mean value per holdout purchase day; 0 when none
  friend bool operator==(const rfm_summary_row&, const rfm_summary_row&) = default;
};

/**
 * @brief Builds the RFM summary (see the header comment) from orders, one record at a time.
 * State per customer: a 64-byte slot (first and last calibration and holdout day, distinct-day
 * counts, first-day value, calibration and holdout value), plus, with rfm_options::day_log (the
 * default), a 4-byte entry per distinct purchase day of a customer: it makes merge() exact when
 * two parts hold purchases of the same customer on interleaved days. Counts need the log only for
 * such customers (and for out-of-order records that fall strictly between a customer's first and
 * last day seen so far); without it those two cases are errors.
 * Errors (per record): amount NaN/inf ("amount"); time outside 1900..2199 or after the observation
 * end (out_of_range, "time"); a value sum that overflows T (overflow, "value"). Options: time_unit
 * not positive, observation_end before calibration_end, calibration_end out of range (out_of_range,
 * field "time_unit", "observation_end" or "calibration_end").
 *
 * **Example**
 *     crm::rfm_accumulator<double> acc({.calibration_end = 2024y / 12 / 31d, .time_unit = std::chrono::weeks{1}});
 *     acc.add(orders);
 *     auto fit = crm::fit_bg_nbd(acc.model_rows());
 */
template <number T = double>
class rfm_accumulator : public detail::accumulator_base<rfm_accumulator<T>, order<T>, T>,
                        public detail::reserved_like_parent<rfm_accumulator<T>> {
 public:
  using detail::accumulator_base<rfm_accumulator<T>, order<T>, T>::add;
  static constexpr detail::state_kind kind = detail::state_kind::rfm;
  static constexpr const char* name = "rfm_accumulator";
  struct state {
    static constexpr std::int32_t none_first = std::numeric_limits<std::int32_t>::max();
    static constexpr std::int32_t none_last = std::numeric_limits<std::int32_t>::min();
    std::int32_t first = none_first;  ///< first calibration purchase day
    std::int32_t last = none_last;    ///< last calibration purchase day
    std::int32_t hold_first = none_first;
    std::int32_t hold_last = none_last;
    std::uint32_t days = 0;       ///< distinct calibration purchase days (exact unless inexact & 1)
    std::uint32_t hold_days = 0;  ///< distinct holdout purchase days (exact unless inexact & 2)
    std::uint32_t index = 0;      ///< position in the day log
    std::uint8_t inexact = 0;
    T first_value{};  ///< value of the first calibration day
    T value{};        ///< value of all calibration days
    T hold_value{};   ///< value of all holdout days
  };

  rfm_accumulator() = default;
  /// Throws crm::metric_error for invalid options (see try_create).
  explicit rfm_accumulator(const rfm_options& o) : opt_(o) {
    if (const error_info e = check_options(o)) detail::throw_metric_error(e);
    set_days();
  }
  [[nodiscard]] static result<rfm_accumulator> try_create(const rfm_options& o) {
    if (const error_info e = check_options(o)) return e;
    rfm_accumulator a;
    a.opt_ = o;
    a.set_days();
    return a;
  }
  [[nodiscard]] static constexpr error_info check_options(const rfm_options& o) noexcept {
    if (o.time_unit.count() <= 0) return {errc::out_of_range, name, "time_unit", "must be at least one day"};
    if (check_time(name, time_point{o.calibration_end}))
      return {errc::out_of_range, name, "calibration_end", "must lie in 1900-01-01 .. 2199-12-31"};
    if (o.has_holdout() && o.observation_end < o.calibration_end)
      return {errc::out_of_range, name, "observation_end", "must not be before calibration_end"};
    if (o.has_holdout() && check_time(name, time_point{o.observation_end}))
      return {errc::out_of_range, name, "observation_end", "must lie in 1900-01-01 .. 2199-12-31"};
    return {};
  }
  [[nodiscard]] const rfm_options& options() const noexcept { return opt_; }

  // The two-phase add of crm::add_parallel (detail::partitioned_accumulator), with the day log on
  // (without it a record between a customer's first and last day is an error that depends on the
  // state; the one-thread path keeps that rule).
  struct part_entry {
    customer_id customer;
    std::int32_t day;
    T amount;
  };
  struct alignas(detail::thread_state_alignment) part_context {
    detail::index_claims index;
    detail::day_log log;
  };
  [[nodiscard]] rfm_accumulator partitioned_side() const {
    rfm_accumulator a;
    a.opt_ = opt_;
    a.set_days();
    return a;
  }
  [[nodiscard]] bool partitioned_ok(std::size_t, on_bad_record) const noexcept { return opt_.day_log; }
  /// False without the day log: a customer's days out of order are a rejected record when added on
  /// one thread, but chunks added apart and then merged would only meet them in the merge, as an
  /// error for the whole batch; crm::add_parallel then adds on one thread.
  [[nodiscard]] bool chunks_merge_exactly() const noexcept { return opt_.day_log; }
  error_info partitioned_scan(const order<T>& o, bool& emit) {
    if (const error_info e = detail::check_order(name, o)) [[unlikely]] return e;
    if (day_number(o.time) > end_day_) [[unlikely]]
      return {errc::out_of_range, name, "time", opt_.has_holdout() ? "is after observation_end" : "is after calibration_end (no holdout asked for)"};
    emit = !(o.amount < number_traits<T>::zero());
    if (!emit && returns_ == detail::count_max) [[unlikely]] return detail::count_overflow(name, "returns");
    returns_ += emit ? 0 : 1;
    return {};
  }
  [[nodiscard]] part_entry partitioned_entry(const order<T>& o) const { return {o.customer, day_number(o.time), o.amount}; }
  error_info partitioned_apply(const part_entry& e, part_context& c, typename customer_table<state>::part_writer& w) {
    auto [s, created] = w.try_emplace(e.customer);
    if (created) s->index = c.index.take();
    if (e.day <= cal_day_) {
      T v = s->value;
      if (!detail::add_finite(v, e.amount)) [[unlikely]] return overflow();
      s->value = v;
      add_day(*s, e.day, e.amount, s->first, s->last, s->days, 1, c.log);
    } else {
      T v = s->hold_value;
      if (!detail::add_finite(v, e.amount)) [[unlikely]] return overflow();
      s->hold_value = v;
      T unused{};
      add_day(*s, e.day, unused, s->hold_first, s->hold_last, s->hold_days, 2, c.log);
    }
    return {};
  }
  void partitioned_start(std::span<part_context> cs) {
    std::vector<detail::index_claims> claims(cs.size());
    detail::index_claims::start(claims, next_index_);
    for (std::size_t t = 0; t < cs.size(); ++t) cs[t].index = claims[t];
  }
  void partitioned_finish(std::span<part_context> cs, std::size_t) {
    next_index_ = cs.empty() ? next_index_ : detail::index_claims::finish(std::span<detail::index_claims>(&cs[0].index, 1));
    for (part_context& c : cs) {  // each thread's days of this round: a segment of the log, exactly sized
      if (c.log.empty()) continue;
      sealed_.push_back(c.log.sealed());
      count_sealed(sealed_.back());
      c.log.clear();  // its capacity serves the next round
    }
  }
  [[nodiscard]] customer_table<state>& partitioned_table() noexcept { return table_; }

  error_info try_add(const order<T>& o) {
    if (const error_info e = detail::check_order(name, o)) [[unlikely]] return e;
    const std::int32_t d = day_number(o.time);
    if (d > end_day_) [[unlikely]]
      return {errc::out_of_range, name, "time", opt_.has_holdout() ? "is after observation_end" : "is after calibration_end (no holdout asked for)"};
    if (o.amount < number_traits<T>::zero()) {
      if (returns_ == detail::count_max) [[unlikely]] return detail::count_overflow(name, "returns");
      ++returns_;
      return {};
    }
    auto [s, created] = table_.try_emplace(o.customer);
    if (created) s->index = next_index_++;
    if (!opt_.day_log) [[unlikely]] {
      const bool cal = d <= cal_day_;
      if (d > (cal ? s->first : s->hold_first) && d < (cal ? s->last : s->hold_last))
        return {errc::out_of_range, name, "time",
                "falls between the customer's first and last purchase days seen so far (counting distinct days out of order needs day_log)"};
    }
    if (d <= cal_day_) {
      T v = s->value;
      if (!detail::add_finite(v, o.amount)) [[unlikely]] return overflow();
      s->value = v;
      add_day(*s, d, o.amount, s->first, s->last, s->days, 1, log_);
    } else {
      T v = s->hold_value;
      if (!detail::add_finite(v, o.amount)) [[unlikely]] return overflow();
      s->hold_value = v;
      T unused{};
      add_day(*s, d, unused, s->hold_first, s->hold_last, s->hold_days, 2, log_);
    }
    return {};
  }
  add_report try_add(std::span<const order<T>> records, on_bad_record policy = on_bad_record::stop) {
    return detail::add_prefetched(table_, records, policy, [this](const order<T>& o) { return try_add(o); });
  }

  /// Customers in the summary (a purchase in the calibration period).
  [[nodiscard]] count_t customers() const {
    count_t n = 0;
    table_.for_each([&n](customer_id, const state& s) { n += s.first != state::none_first; });
    return n;
  }
  /// Customers whose purchases all fall in the holdout (not in the summary).
  [[nodiscard]] count_t holdout_only_customers() const {
    count_t n = 0;
    table_.for_each([&n](customer_id, const state& s) { n += s.first == state::none_first && s.hold_days > 0; });
    return n;
  }
  /// Records with a negative amount (returns), left out of the summary.
  [[nodiscard]] count_t returns() const noexcept { return returns_; }
  /// (observation_end - calibration_end) / time_unit; 0 without a holdout.
  [[nodiscard]] double holdout_duration() const noexcept {
    return static_cast<double>(end_day_ - cal_day_) / static_cast<double>(opt_.time_unit.count());
  }
  /// Bytes held: the table and the day log.
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    const std::size_t n = table_.memory_bytes() + log_.memory_bytes() + sizeof(*this) - sizeof(table_);
    return n + sealed_bytes_ + sealed_.capacity() * sizeof(sealed_[0]);
  }
  /// Entries in the day log.
  [[nodiscard]] std::size_t day_log_size() const noexcept { return log_.size() + sealed_size_; }

  /// The summary, one row per customer with a calibration purchase, sorted by customer id.
  [[nodiscard]] std::vector<rfm_summary_row<T>> rows() const { return rows(parallel_options{}); }
  /// rows() on up to p.threads threads (the calling one and p.threads - 1 started here, or tasks of
  /// p.executor; fewer when a thread would get fewer than p.min_records_per_thread customers). The same rows as rows(), in
  /// any number type: each row is computed from its customer's state alone, and ids are distinct.
  /// How: each thread walks a range of the table's parts, builds the rows of its customers in slot
  /// order and writes each straight into the output, into the range of its bucket (the next bits of
  /// the id below those all ids share, about 2,048 rows per bucket); then the threads sort the
  /// buckets, each in the cache. No sorted copy of the customers besides the output itself: the
  /// memory rows() adds is the output, plus, when some bucket holds many more rows than the
  /// others (ids that crowd into one range), a copy of that bucket.
  [[nodiscard]] std::vector<rfm_summary_row<T>> rows(const parallel_options& p) const {
    const detail::executor_scope on(p.executor);
    const std::size_t k = row_threads(p);
    const std::size_t parts = table_.part_count();
    // calls f(id, state) for the summary's customers of thread t's range of parts, in slot order
    const auto walk = [&](std::size_t t, auto&& f) {
      const auto take = [&f](customer_id c, const state& s) {
        if (s.first != state::none_first) f(c, s);
      };
      if (parts == 0) table_.for_each(take);  // customer 0 alone, or no one
      else
        for (std::size_t q = parts * t / k; q < parts * (t + 1) / k; ++q) table_.for_each_in_part(q, take);
    };
    // 1. how many rows, and which bits of the ids differ
    struct alignas(detail::thread_state_alignment) scan {  // one thread's, on cache lines of its own
      std::size_t rows = 0;
      std::uint64_t any = 0, all = ~std::uint64_t{0};
      bool inexact = false;
    };
    std::vector<scan> scans(k);
    detail::on_threads(k, [&](std::size_t t) {
      scan& sc = scans[t];
      walk(t, [&sc](customer_id c, const state& s) {
        ++sc.rows;
        sc.any |= c;
        sc.all &= c;
        sc.inexact = sc.inexact || s.inexact != 0;
      });
    });
    scan total;
    for (const scan& sc : scans) {
      total.rows += sc.rows;
      total.any |= sc.any;
      total.all &= sc.all;
      total.inexact = total.inexact || sc.inexact;
    }
    const std::size_t n = total.rows;
    // bucket = `bits` bits of the id right below the bits every id shares: ids of a lower bucket are smaller
    const int differ = static_cast<int>(std::bit_width(total.any ^ total.all));
    const int bits = std::min({differ, 16, std::max(0, static_cast<int>(std::bit_width(n / 2048)))});
    const int shift = differ - bits;
    const std::size_t buckets = std::size_t{1} << bits;
    const auto bucket = [shift, bits](customer_id c) { return bits == 0 ? std::size_t{0} : static_cast<std::size_t>(c >> shift) & ((std::size_t{1} << bits) - 1); };
    // 2. rows per bucket and thread; exact day counts where a customer's count needs the day log
    std::vector<std::vector<std::size_t>> at(k, std::vector<std::size_t>(buckets, 0));
    std::vector<unsigned char> need(total.inexact ? next_index_ : 0, 0);
    detail::on_threads(k, [&](std::size_t t) {
      std::vector<std::size_t>& h = at[t];
      walk(t, [&](customer_id c, const state& s) {
        ++h[bucket(c)];
        if (s.inexact != 0) need[s.index] = s.inexact;
      });
    });
    std::vector<std::size_t> start(buckets + 1, 0);  // bucket b's rows: [start[b], start[b + 1])
    for (std::size_t b = 0, sum = 0; b < buckets; ++b) {
      start[b] = sum;
      for (std::size_t t = 0; t < k; ++t) {
        const std::size_t m = at[t][b];
        at[t][b] = sum;  // where thread t writes its rows of bucket b
        sum += m;
      }
    }
    start[buckets] = n;
    exact_days fix;
    if (total.inexact) fix = recount(need, k);
    // 3. every row, into its bucket
    std::vector<rfm_summary_row<T>> out;
    out.reserve(n);
    detail::advise_huge_pages(out.data(), n * sizeof(rfm_summary_row<T>));
    out.resize(n);
    detail::on_threads(k, [&](std::size_t t) {
      std::vector<std::size_t>& next = at[t];
      walk(t, [&](customer_id c, const state& s) {
        out[next[bucket(c)]++] = make_row(c, s, (s.inexact & 1) ? fix.days[s.index] : s.days, (s.inexact & 2) ? fix.hold_days[s.index] : s.hold_days);
      });
    });
    // 4. each bucket sorted by id: its ids with their places, sorted, then the rows moved through a
    // scratch copy (threads take contiguous ranges of buckets, about n / k rows each)
    detail::on_threads(k, [&](std::size_t t) {
      const std::size_t b0 = static_cast<std::size_t>(std::lower_bound(start.begin(), start.end(), n * t / k) - start.begin());
      const std::size_t b1 = static_cast<std::size_t>(std::lower_bound(start.begin(), start.end(), n * (t + 1) / k) - start.begin());
      std::vector<ref> keys;
      std::vector<rfm_summary_row<T>> scratch;
      for (std::size_t b = b0; b < std::min(b1, buckets); ++b) {
        detail::check_interrupt();  // (a thread of p.threads has no hook: only the calling one asks)
        const std::size_t lo = start[b], m = start[b + 1] - lo;
        if (m < 2) continue;
        keys.clear();
        for (std::size_t i = 0; i < m; ++i) keys.push_back({out[lo + i].customer, i});
        detail::sort_by_customer(keys, [](const ref& r) { return r.id; });
        scratch.clear();
        for (const ref& r : keys) scratch.push_back(std::move(out[lo + r.at]));
        std::move(scratch.begin(), scratch.end(), out.begin() + static_cast<std::ptrdiff_t>(lo));
      }
    });
    return out;
  }
  /// The (frequency, recency, T) rows of rows(), same order, for crm::fit_bg_nbd and the other
  /// transaction models.
  template <std::floating_point F = double>
  [[nodiscard]] std::vector<rfm_row<F>> model_rows() const {
    return model_rows<F>(parallel_options{});
  }
  /// model_rows() from rows(p): the same rows, built on up to p.threads threads.
  template <std::floating_point F = double>
  [[nodiscard]] std::vector<rfm_row<F>> model_rows(const parallel_options& p) const {
    const std::vector<rfm_summary_row<T>> rs = rows(p);
    std::vector<rfm_row<F>> out;
    out.reserve(rs.size());
    for (const auto& r : rs) out.push_back({F(r.frequency), F(r.recency), F(r.age), F(1)});
    return out;
  }
  /// The (frequency, monetary value) rows of rows(), same order, every customer: x = 0 included
  /// (pass them through crm::repeat_customers before crm::fit_gamma_gamma), and so are repeat
  /// customers whose repeat purchases are all free (x > 0, monetary value 0), which
  /// crm::fit_gamma_gamma refuses (out_of_range, "average_spend"): spend_rows(zero_spend_rows::skip)
  /// leaves those out, zero_spend_repeaters() counts them.
  template <std::floating_point F = double>
  [[nodiscard]] std::vector<spend_row<F>> spend_rows() const {
    return spend_rows<F>(zero_spend_rows::refuse);
  }
  /// spend_rows() with a policy for repeat customers of monetary value 0: zero_spend_rows::refuse
  /// keeps them (the model then refuses the data), zero_spend_rows::skip leaves them out.
  template <std::floating_point F = double>
  [[nodiscard]] std::vector<spend_row<F>> spend_rows(zero_spend_rows policy) const {
    return spend_rows<F>(policy, parallel_options{});
  }
  /// spend_rows(policy) from rows(p): the same rows, built on up to p.threads threads.
  template <std::floating_point F = double>
  [[nodiscard]] std::vector<spend_row<F>> spend_rows(zero_spend_rows policy, const parallel_options& p) const {
    const std::vector<rfm_summary_row<T>> rs = rows(p);
    std::vector<spend_row<F>> out;
    out.reserve(rs.size());
    for (const auto& r : rs) {
      if (policy == zero_spend_rows::skip && r.frequency > 0 && !(number_traits<T>::zero() < r.monetary_value)) continue;
      out.push_back({F(r.frequency), static_cast<F>(r.monetary_value), F(1)});
    }
    return out;
  }
  /// Repeat customers (x > 0) whose repeat purchases sum to 0: what spend_rows(zero_spend_rows::skip) leaves out.
  [[nodiscard]] count_t zero_spend_repeaters() const {
    count_t n = 0;
    for (const auto& r : rows()) n += r.frequency > 0 && !(number_traits<T>::zero() < r.monetary_value);
    return n;
  }

  /// Adds the records of `other`. Errors: different options (malformed, "options"); a value sum
  /// overflows T (overflow, "value"); without day_log, days of a customer that interleave between
  /// the parts (malformed, "day_log"). A refused merge leaves the state unchanged.
  error_info try_merge(const rfm_accumulator& other) {
    if (&other == this) {  // merging a state with itself: from a copy, since this one changes
      const rfm_accumulator copy = other;
      return try_merge(copy);
    }
    if (!(opt_ == other.opt_)) return {errc::malformed, name, "options", "differ between the merged accumulators"};
    if (count_t n = returns_; !detail::add_counts(n, other.returns_)) return detail::count_overflow(name, "returns");
    error_info err;
    other.table_.for_each([&](customer_id c, const state& o) {  // first the checks: nothing changes on error
      const state* s = err ? nullptr : table_.find(c);
      if (s == nullptr) return;
      T v = s->value, h = s->hold_value;
      if (!detail::add_finite(v, o.value) || !detail::add_finite(h, o.hold_value)) err = overflow();
      else if (!opt_.day_log && (interleave(s->first, s->last, s->days, o.first, o.last, o.days) ||
                                 interleave(s->hold_first, s->hold_last, s->hold_days, o.hold_first, o.hold_last, o.hold_days)))
        err = {errc::malformed, name, "day_log", "is off, and a customer's purchase days interleave between the parts"};
    });
    if (err) return err;
    table_.prepare_merge(other.table_);
    std::vector<std::uint32_t> remap(other.next_index_, 0);
    other.table_.for_each([&](customer_id c, const state& o) { remap[o.index] = merge_one(c, o); });
    if (const std::size_t m = other.day_log_size(); m > 0 && m <= small_merge_log) {  // into the open log
      other.for_each_logged([&](std::uint64_t e) { log_.push(remap[static_cast<std::uint32_t>(e >> 32)], unpack_day(e)); });
    } else if (m > 0) {  // a new segment: the log is never copied to grow
      detail::day_log& seg = sealed_.emplace_back();
      other.for_each_logged([&](std::uint64_t e) { seg.push(remap[static_cast<std::uint32_t>(e >> 32)], unpack_day(e)); });
      seg.shrink_to_fit();
      count_sealed(seg);
    }
    returns_ += other.returns_;
    return {};
  }

  /// Adds the records of a state serialized by serialize(), read straight from its bytes: the same
  /// state as try_merge(try_deserialize(bytes).value()), without building the other accumulator
  /// (one pass over the buffer checks all of it, a second adds its customers, prefetching their
  /// slots). Errors: those of try_deserialize for a truncated, padded, corrupted, foreign or
  /// wrong-version buffer (malformed, or out_of_range for the version, naming the field; when a
  /// buffer has several faults another of them may be named), then those of try_merge (different
  /// options: malformed, "options"; a value sum overflows T: overflow, "value"). On any error the
  /// state is unchanged: nothing changes before the whole buffer has been checked. Never reads
  /// outside `bytes`.
  error_info try_merge_serialized(std::span<const std::byte> bytes) {
    error_info e;
    const std::span<const std::byte> payload = detail::open_state<T>(bytes, kind, name, e);
    if (e) return e;
    detail::byte_reader r(payload, name);
    rfm_options o;
    count_t returns = 0;
    if (!read_head(r, o, returns)) return r.error();
    if (count_t n = returns_; (o == opt_) && !detail::add_counts(n, returns)) return detail::count_overflow(name, "returns");
    // other options (try_merge's error, after the whole buffer is read) and merges without the day
    // log (whose checks need the other's table): through an accumulator
    if (!(o == opt_) || !opt_.day_log) return merge_deserialized(bytes);
    const std::uint64_t n = r.get_count("customers", 33);
    if (n > std::numeric_limits<std::uint32_t>::max()) return {errc::malformed, name, "customers", "is too large"};
    std::vector<customer_id> ids;
    ids.reserve(static_cast<std::size_t>(n));
    T most{}, most_hold{};  // the largest sums of the buffer (values are >= 0: see valid())
    for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
      detail::check_interrupt_every(static_cast<std::size_t>(i));
      customer_id c{};
      state s;
      read_record(r, c, s);
      if (!r.ok()) break;
      if (!valid(s)) r.fail(errc::malformed, "customer", "has an impossible state (corrupted state)");
      ids.push_back(c);
      if (most < s.value) most = s.value;
      if (most_hold < s.hold_value) most_hold = s.hold_value;
    }
    const std::uint64_t m = r.get_count("day_log", 8);
    for (std::uint64_t i = 0; i < m && r.ok(); ++i) {
      detail::check_interrupt_every(static_cast<std::size_t>(i));
      const auto entry = r.get<std::uint64_t>("day_log");
      const std::int32_t d = unpack_day(entry);
      if (r.ok() && ((entry >> 32) >= n || d > end_day_ || d < day_number(earliest_time)))
        r.fail(errc::malformed, "day_log", "has an entry out of range (corrupted state)");
    }
    if (r.ok() && !r.at_end()) r.fail(errc::malformed, "payload", "has bytes after the state");
    if (!r.ok()) return r.error();
    if (detail::any_repeated(ids)) return {errc::malformed, name, "customer", "appears twice (corrupted state)"};
    // Sums are >= 0, so no customer's sum can overflow when the largest sums of the customers both
    // sides hold add up; otherwise try_merge checks customer by customer. This state's are found by
    // a walk over its table when the table is not much larger than the buffer, else by looking up
    // the buffer's customers: a walk over the whole table for every merged buffer made merging N
    // one-customer states one by one quadratic in N (found by an audit).
    T mine{}, mine_hold{};
    const auto largest = [&](const state& s) {
      if (mine < s.value) mine = s.value;
      if (mine_hold < s.hold_value) mine_hold = s.hold_value;
    };
    if (table_.capacity() <= 16 * ids.size()) {
      table_.for_each([&](customer_id, const state& s) { largest(s); });
    } else {
      for (const customer_id c : ids)
        if (const state* s = table_.find(c)) largest(*s);
    }
    if (!detail::add_finite(mine, most) || !detail::add_finite(mine_hold, most_hold)) return merge_deserialized(bytes);
    // the buffer is whole: add it
    detail::byte_reader w(payload, name);
    (void)read_head(w, o, returns);
    (void)w.get<std::uint64_t>("customers");
    table_.prepare_merge(std::span<const customer_id>(ids));
    std::vector<std::uint32_t> remap(ids.size(), 0);
    constexpr std::size_t ahead = 16;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      detail::check_interrupt_every(i);
      if (i + ahead < ids.size()) table_.prefetch(ids[i + ahead]);
      customer_id c{};
      state s;
      read_record(w, c, s);
      remap[i] = merge_one(c, s, true);
    }
    const std::uint64_t k = w.get<std::uint64_t>("day_log");
    if (k > 0 && k <= small_merge_log) {  // into the open log, as try_merge adds
      for (std::uint64_t i = 0; i < k; ++i) {
        detail::check_interrupt_every(static_cast<std::size_t>(i));
        const auto entry = w.get<std::uint64_t>("day_log");
        log_.push(remap[static_cast<std::uint32_t>(entry >> 32)], unpack_day(entry));
      }
    } else if (k > 0) {  // a new segment, as try_merge adds
      // An entry names its customer by position in the buffer, in the order of the other state's
      // log, so remap[position] would be a read anywhere in 4 bytes per customer: a cache miss per
      // entry (0.27 to 0.31 s of CPU for the 3.3M entries of a third of 10M orders over 1M
      // customers). So the entries are first bucketed by block of 2^15 positions (4 bytes each:
      // the position's low bits and the day's offset, as detail::day_log packs an entry), then
      // remapped block by block, with that block's 128 KiB of remap in the cache.
      using log = detail::day_log;
      constexpr std::uint32_t low = (std::uint32_t{1} << log::index_bits) - 1;
      const std::size_t blocks = (ids.size() >> log::index_bits) + 1;
      std::vector<std::size_t> at(blocks + 1, 0);  // block b's entries: [at[b], at[b + 1])
      detail::byte_reader again = w;
      for (std::uint64_t i = 0; i < k; ++i) {
        detail::check_interrupt_every(static_cast<std::size_t>(i));
        ++at[static_cast<std::size_t>(w.get<std::uint64_t>("day_log") >> (32 + log::index_bits)) + 1];
      }
      for (std::size_t b = 0; b < blocks; ++b) at[b + 1] += at[b];
      std::vector<std::uint32_t> bucketed(static_cast<std::size_t>(k));
      std::vector<std::size_t> next(at.begin(), at.end() - 1);
      for (std::uint64_t i = 0; i < k; ++i) {
        detail::check_interrupt_every(static_cast<std::size_t>(i));
        const auto entry = again.get<std::uint64_t>("day_log");
        const auto pos = static_cast<std::uint32_t>(entry >> 32);
        bucketed[next[pos >> log::index_bits]++] = ((pos & low) << log::day_bits) | static_cast<std::uint32_t>(unpack_day(entry) - log::first_day);
      }
      // each block of the new segment allocated once: its entries counted first (a pass as cheap
      // as the one below: the same block of remap in the cache)
      std::vector<std::size_t> per((std::size_t{next_index_} >> log::index_bits) + 1, 0);
      for (std::size_t b = 0; b < blocks; ++b) {
        detail::check_interrupt();
        const std::uint32_t* block_remap = remap.data() + (b << log::index_bits);
        for (std::size_t j = at[b]; j < at[b + 1]; ++j) ++per[block_remap[log::entry_index(bucketed[j])] >> log::index_bits];
      }
      detail::day_log& seg = sealed_.emplace_back();
      for (std::size_t b = 0; b < per.size(); ++b)
        if (per[b] > 0) seg.reserve(b, per[b]);
      for (std::size_t b = 0; b < blocks; ++b) {
        detail::check_interrupt();
        const std::uint32_t* block_remap = remap.data() + (b << log::index_bits);
        for (std::size_t j = at[b]; j < at[b + 1]; ++j)
          seg.push(block_remap[log::entry_index(bucketed[j])], static_cast<std::int32_t>(log::entry_day(bucketed[j])) + log::first_day);
      }
      count_sealed(seg);
    }
    returns_ += returns;
    return {};
  }

  void write_payload(detail::byte_writer& w) const {
    w.put(static_cast<std::int32_t>(cal_day_));
    w.put(static_cast<std::uint8_t>(opt_.has_holdout() ? 1 : 0));
    w.put(static_cast<std::int32_t>(end_day_));
    w.put(static_cast<std::int32_t>(opt_.time_unit.count()));
    w.put(static_cast<std::uint8_t>(opt_.day_log ? 1 : 0));
    w.put(static_cast<std::int64_t>(returns_));
    w.put(static_cast<std::uint64_t>(table_.size()));
    std::vector<std::uint32_t> position(next_index_, 0);
    std::uint32_t pos = 0;
    table_.for_each([&](customer_id c, const state& s) {
      position[s.index] = pos++;
      w.put(c);
      w.put(s.first);
      w.put(s.last);
      w.put(s.hold_first);
      w.put(s.hold_last);
      w.put(s.days);
      w.put(s.hold_days);
      w.put(s.inexact);
      w.put_number(s.first_value);
      w.put_number(s.value);
      w.put_number(s.hold_value);
    });
    w.put(static_cast<std::uint64_t>(day_log_size()));
    for_each_logged([&](std::uint64_t e) { w.put(pack(position[static_cast<std::uint32_t>(e >> 32)], unpack_day(e))); });
  }
  void read_payload(detail::byte_reader& r) {
    rfm_options o;
    count_t returns = 0;
    if (!read_head(r, o, returns)) return;
    opt_ = o;
    set_days();
    returns_ = returns;
    const std::uint64_t n = r.get_count("customers", 33);
    if (n > std::numeric_limits<std::uint32_t>::max()) return r.fail(errc::malformed, "customers", "is too large");
    table_.reserve(static_cast<std::size_t>(n));
    for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
      detail::check_interrupt_every(static_cast<std::size_t>(i));
      customer_id c{};
      state s;
      read_record(r, c, s);
      if (!r.ok()) return;
      if (!valid(s)) return r.fail(errc::malformed, "customer", "has an impossible state (corrupted state)");
      s.index = static_cast<std::uint32_t>(i);
      auto [slot, created] = table_.try_emplace(c);
      if (!created) return r.fail(errc::malformed, "customer", "appears twice (corrupted state)");
      *slot = s;
    }
    next_index_ = static_cast<std::uint32_t>(n);
    const std::uint64_t m = r.get_count("day_log", 8);
    if (!opt_.day_log && m != 0) return r.fail(errc::malformed, "day_log", "has entries but is off (corrupted state)");
    if (m > 0 && r.ok()) {  // each block of the log allocated once: its entries counted first
      std::vector<std::size_t> per((static_cast<std::size_t>(n) >> detail::day_log::index_bits) + 1, 0);
      detail::byte_reader ahead = r;
      for (std::uint64_t i = 0; i < m && ahead.ok(); ++i) {
        detail::check_interrupt_every(static_cast<std::size_t>(i));
        const std::uint64_t pos = ahead.get<std::uint64_t>("day_log") >> 32;
        if (ahead.ok() && pos < n) ++per[static_cast<std::size_t>(pos >> detail::day_log::index_bits)];
      }
      for (std::size_t b = 0; b < per.size(); ++b)
        if (per[b] > 0) log_.reserve(b, per[b]);
    }
    for (std::uint64_t i = 0; i < m && r.ok(); ++i) {
      detail::check_interrupt_every(static_cast<std::size_t>(i));
      const auto entry = r.get<std::uint64_t>("day_log");
      if (!r.ok()) return;
      const std::int32_t d = unpack_day(entry);
      if ((entry >> 32) >= n || d > end_day_ || d < day_number(earliest_time))
        return r.fail(errc::malformed, "day_log", "has an entry out of range (corrupted state)");
      log_.push(static_cast<std::uint32_t>(entry >> 32), d);
    }
  }

  /// Same options, same summary (rows()), same holdout-only customers and returns.
  friend bool operator==(const rfm_accumulator& a, const rfm_accumulator& b) {
    return a.opt_ == b.opt_ && a.returns_ == b.returns_ && a.holdout_only_customers() == b.holdout_only_customers() &&
           a.rows() == b.rows();
  }

 private:
  struct ref {  // a row of a bucket in rows(): its id and place
    customer_id id;
    std::size_t at;
  };
  struct exact_days {
    std::vector<std::uint32_t> days, hold_days;
  };
  static constexpr std::uint64_t pack(std::uint32_t index, std::int32_t day) noexcept {
    return (std::uint64_t(index) << 32) | std::uint64_t(static_cast<std::uint32_t>(day) ^ 0x80000000U);
  }
  static constexpr std::int32_t unpack_day(std::uint64_t e) noexcept {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(e) ^ 0x80000000U);
  }
  // The options and returns that start a payload; false when r failed (or they are invalid).
  static bool read_head(detail::byte_reader& r, rfm_options& o, count_t& returns) {
    const auto cal = r.get<std::int32_t>("calibration_end");
    const auto has_obs = r.get<std::uint8_t>("observation_end");
    const auto obs = r.get<std::int32_t>("observation_end");
    const auto unit = r.get<std::int32_t>("time_unit");
    const auto day_log = r.get<std::uint8_t>("day_log");
    const auto ret = r.get<std::int64_t>("returns");
    if (!r.ok()) return false;
    o.calibration_end = std::chrono::sys_days{std::chrono::days{cal}};
    if (has_obs > 1 || (has_obs == 0 && obs != cal)) return r.fail(errc::malformed, "observation_end", "is inconsistent (corrupted state)"), false;
    o.observation_end = has_obs == 1 ? std::chrono::sys_days{std::chrono::days{obs}} : no_holdout;
    o.time_unit = std::chrono::days{unit};
    if (day_log > 1) return r.fail(errc::malformed, "day_log", "is invalid (corrupted state)"), false;
    o.day_log = day_log == 1;
    if (const error_info oe = check_options(o)) return r.fail(errc::malformed, oe.field, "is invalid (corrupted state)"), false;
    if (ret < 0) return r.fail(errc::malformed, "returns", "is negative (corrupted state)"), false;
    returns = ret;
    return true;
  }
  // One customer record of a payload, in write_payload's order (s.index is left alone).
  static void read_record(detail::byte_reader& r, customer_id& c, state& s) {
    c = r.get<std::uint64_t>("customer");
    s.first = r.get<std::int32_t>("first");
    s.last = r.get<std::int32_t>("last");
    s.hold_first = r.get<std::int32_t>("hold_first");
    s.hold_last = r.get<std::int32_t>("hold_last");
    s.days = r.get<std::uint32_t>("days");
    s.hold_days = r.get<std::uint32_t>("hold_days");
    s.inexact = r.get<std::uint8_t>("inexact");
    s.first_value = r.template get_number<T>("first_value");
    s.value = r.template get_number<T>("value");
    s.hold_value = r.template get_number<T>("hold_value");
  }
  error_info merge_deserialized(std::span<const std::byte> bytes) {
    const result<rfm_accumulator> other = rfm_accumulator::try_deserialize(bytes);
    if (!other) return other.error();
    return try_merge(*other);
  }
  // Adds customer c's state `o` of another part (sums checked by the caller); returns c's index.
  // keep_parts: a full part grows alone instead of the whole table splitting into more parts (see
  // customer_table::prepare_merge(ids)).
  std::uint32_t merge_one(customer_id c, const state& o, bool keep_parts = false) {
    auto [s, created] = keep_parts ? table_.try_emplace_in_part(c) : table_.try_emplace(c);
    if (created) {
      *s = o;
      s->index = next_index_++;
      return s->index;
    }
    s->value = T(s->value + o.value);
    s->hold_value = T(s->hold_value + o.hold_value);
    if (o.days > 0) {
      if (s->days == 0 || o.first < s->first) s->first_value = o.first_value;
      else if (o.first == s->first) s->first_value = T(s->first_value + o.first_value);  // <= value: finite
    }
    merge_range(*s, o.first, o.last, o.days, o.inexact & 1, 1, s->first, s->last, s->days);
    merge_range(*s, o.hold_first, o.hold_last, o.hold_days, o.inexact & 2, 2, s->hold_first, s->hold_last, s->hold_days);
    return s->index;
  }
  // Threads for rows(p): p.threads, fewer when a thread would get fewer than
  // p.min_records_per_thread customers, at most one per part of the table.
  std::size_t row_threads(const parallel_options& p) const noexcept {
    std::size_t k = p.threads == 0 ? 1 : p.threads;
    const std::size_t per = p.min_records_per_thread == 0 ? 1 : p.min_records_per_thread;
    const std::size_t n = table_.size();
    if (k > 1 && n / k < per) k = n / per < 1 ? 1 : n / per;
    return std::min(k, std::max<std::size_t>(1, table_.part_count()));
  }
  // The row of customer c from its state and its exact distinct-day counts.
  rfm_summary_row<T> make_row(customer_id c, const state& s, std::uint32_t days, std::uint32_t hold) const {
    const double unit = static_cast<double>(opt_.time_unit.count());
    rfm_summary_row<T> r;
    r.customer = c;
    r.frequency = static_cast<count_t>(days) - 1;
    r.recency = static_cast<double>(s.last - s.first) / unit;
    r.age = static_cast<double>(cal_day_ - s.first) / unit;
    if (r.frequency > 0) r.monetary_value = T(T(s.value - s.first_value) / to_number<T>(r.frequency));
    r.holdout_frequency = hold;
    if (hold > 0) r.holdout_monetary_value = T(s.hold_value / to_number<T>(static_cast<count_t>(hold)));
    return r;
  }
  error_info overflow() const noexcept { return {errc::overflow, name, "value", "the sum of a customer's amounts is too large"}; }
  void set_days() {
    cal_day_ = static_cast<std::int32_t>(opt_.calibration_end.time_since_epoch().count());
    end_day_ = opt_.has_holdout() ? static_cast<std::int32_t>(opt_.observation_end.time_since_epoch().count()) : cal_day_;
  }
  // One purchase day into a [first, last] range with a distinct-day count; `value_of_first` is
  // the first-day value to update (calibration only).
  static bool interleave(std::int32_t af, std::int32_t al, std::uint32_t ad, std::int32_t bf, std::int32_t bl, std::uint32_t bd) noexcept {
    return ad > 0 && bd > 0 && !(al < bf || bl < af || al == bf || bl == af);
  }
  void add_day(state& s, std::int32_t d, const T& amount, std::int32_t& first, std::int32_t& last, std::uint32_t& days,
               std::uint8_t bit, detail::day_log& log) const {
    const bool calibration = bit == 1;
    if (d == last || d == first) {
      if (calibration && d == first) s.first_value += amount;
      return;
    }
    if (opt_.day_log) log.push(s.index, d);
    if (d > last) {
      if (first == state::none_first) {
        first = d;
        if (calibration) s.first_value = amount;
      }
      last = d;
      ++days;
    } else if (d < first) {
      first = d;
      if (calibration) s.first_value = amount;
      ++days;
    } else {
      s.inexact |= bit;  // strictly between first and last: maybe a day seen before
    }
  }
  // Merges the range of another part into this one (see docs/aggregation.md, "Exact merges").
  static void merge_range(state& s, std::int32_t of, std::int32_t ol, std::uint32_t od, int o_inexact, std::uint8_t bit,
                          std::int32_t& first, std::int32_t& last, std::uint32_t& days) {
    if (od == 0) return;
    if (days == 0) {
      first = of;
      last = ol;
      days = od;
      if (o_inexact) s.inexact |= bit;
      return;
    }
    if (o_inexact) s.inexact |= bit;
    if (last < of || ol < first) days += od;
    else if (last == of || ol == first) days += od - 1;
    else s.inexact |= bit;
    first = std::min(first, of);
    last = std::max(last, ol);
  }
  // Calls f(entry) for every entry of the day log (segments, then the open part).
  template <class F>
  void for_each_logged(F&& f) const {
    const auto packed = [&f](std::uint32_t index, std::int32_t day) { f(pack(index, day)); };
    for (const auto& seg : sealed_) seg.for_each(packed);
    log_.for_each(packed);
  }
  // Exact distinct-day counts, from the day log, of the customers whose counts are inexact.
  // (need[i]: the inexact bits of the customer with index i, 0 for the others.) Linear in the log's
  // size and cache-local, one block of the log (2^15 customer indices) at a time: the block's
  // entries of the customers in need, from every segment, are bucketed by customer (a count and a
  // scatter: the 128 KiB of counts and the block's days stay in the cache), then each customer's
  // days are marked in a bitmap of every day the log can hold (16 KiB), a day counted when its bit
  // was clear, and the bits cleared again. Blocks are independent: `threads` threads take
  // contiguous ranges of them. (It replaced a radix sort of the whole log by (index, day): 0.55 to
  // 0.8 s for the 10M entries of a merged state of 1M customers; docs/postgresql.md.)
  exact_days recount(const std::vector<unsigned char>& need, std::size_t threads) const {
    using log = detail::day_log;
    exact_days out;
    out.days.assign(next_index_, 0);
    out.hold_days.assign(next_index_, 0);
    std::size_t blocks = log_.blocks();
    for (const auto& seg : sealed_) blocks = std::max(blocks, seg.blocks());
    const std::size_t k = std::max<std::size_t>(1, std::min(threads, blocks));
    const std::int64_t cal = std::int64_t{cal_day_} - log::first_day;  // offsets <= cal: calibration days
    detail::on_threads(k, [&](std::size_t t) {
      constexpr std::size_t per_block = std::size_t{1} << log::index_bits;
      std::vector<std::uint32_t> end(per_block);  // per customer of the block: where its days end
      std::vector<std::uint32_t> days;             // the block's days, grouped by customer
      std::vector<std::uint64_t> seen(std::size_t{1} << (log::day_bits - 6), 0);
      for (std::size_t b = blocks * t / k; b < blocks * (t + 1) / k; ++b) {
        detail::check_interrupt();
        const std::size_t base = b << log::index_bits;
        if (base >= next_index_) break;
        const std::size_t m = std::min(per_block, std::size_t{next_index_} - base);
        const unsigned char* wants = need.data() + base;
        const auto each = [&](auto&& f) {
          for (const auto& seg : sealed_)
            for (const std::uint32_t e : seg.block(b)) f(e);
          for (const std::uint32_t e : log_.block(b)) f(e);
        };
        std::fill(end.begin(), end.begin() + static_cast<std::ptrdiff_t>(m), 0U);
        each([&](std::uint32_t e) {
          const std::uint32_t i = log::entry_index(e);
          if (wants[i]) ++end[i];
        });
        std::uint32_t sum = 0;
        for (std::size_t i = 0; i < m; ++i) {  // end[i]: where customer i's days start, for now
          const std::uint32_t c = end[i];
          end[i] = sum;
          sum += c;
        }
        days.resize(sum);
        each([&](std::uint32_t e) {
          const std::uint32_t i = log::entry_index(e);
          if (wants[i]) days[end[i]++] = log::entry_day(e);
        });
        std::uint32_t from = 0;
        for (std::size_t i = 0; i < m; ++i) {  // customer i's days: [from, end[i])
          std::uint32_t cd = 0, hd = 0;
          for (std::uint32_t j = from; j < end[i]; ++j) {
            const std::uint32_t d = days[j];
            const std::uint64_t bit = std::uint64_t{1} << (d & 63);
            if (seen[d >> 6] & bit) continue;
            seen[d >> 6] |= bit;
            if (std::int64_t{d} <= cal) ++cd;
            else ++hd;
          }
          for (std::uint32_t j = from; j < end[i]; ++j) seen[days[j] >> 6] = 0;
          out.days[base + i] = cd;
          out.hold_days[base + i] = hd;
          from = end[i];
        }
      }
    });
    return out;
  }
  bool valid(const state& s) const {
    const bool cal = s.days == 0 ? (s.first == state::none_first && s.last == state::none_last)
                                 : (s.first <= s.last && s.last <= cal_day_ && s.first >= day_number(earliest_time));
    const bool hold = s.hold_days == 0 ? (s.hold_first == state::none_first && s.hold_last == state::none_last)
                                       : (s.hold_first <= s.hold_last && s.hold_first > cal_day_ && s.hold_last <= end_day_);
    // an exact count of distinct days between first and last: at most last - first + 1 of them, and
    // two or more when first and last differ
    const auto days_fit = [](std::uint32_t days, std::int32_t first, std::int32_t last) {
      const std::int64_t span = std::int64_t{last} - first + 1;
      return days == 0 || (days <= span && (first == last || days >= 2));
    };
    const bool counts = ((s.inexact & 1) != 0 || days_fit(s.days, s.first, s.last)) &&
                        ((s.inexact & 2) != 0 || days_fit(s.hold_days, s.hold_first, s.hold_last));
    return cal && hold && counts && (s.days > 0 || s.hold_days > 0) && s.inexact < (opt_.day_log ? 4 : 1) &&
           detail::fast_non_negative(s.first_value) && detail::fast_non_negative(s.value) &&
           detail::fast_non_negative(s.hold_value) && !(s.value < s.first_value);
  }

  rfm_options opt_{};
  std::int32_t cal_day_ = 0;
  std::int32_t end_day_ = 0;
  customer_table<state> table_;
  detail::day_log log_;                // the day log: days added on one thread
  std::vector<detail::day_log> sealed_;  // and segments of it from partitioned rounds and merges
  // A merged state's day log of at most this many entries goes into the open log rather than into a
  // segment of its own: a segment costs a few allocations and a block header per 2^15 customer
  // indices of this state, so merging N one-customer states one by one held O(N^2 / 2^15) bytes of
  // headers and rows() walked N segments per block (found by an audit).
  static constexpr std::size_t small_merge_log = 4096;
  // The segments' bytes and entries, kept as they are sealed (segments never change after): summing
  // them per call made memory_bytes() linear in the segments, and merging N one-customer states, with
  // the PostgreSQL extension asking memory_bytes() after each merge, quadratic (found by an audit).
  std::size_t sealed_bytes_ = 0, sealed_size_ = 0;
  void count_sealed(const detail::day_log& seg) noexcept {
    sealed_bytes_ += seg.memory_bytes();
    sealed_size_ += seg.size();
  }
  std::uint32_t next_index_ = 0;
  count_t returns_ = 0;
};

CRM_METRICS_END_NAMESPACE

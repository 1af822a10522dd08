// crm-metrics: survey answers -> NPS and CSAT counts; marketing spend -> totals per channel. Both
// in constant memory (a tally per answer value; a sum per channel).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Every answer is counted (a respondent who answers twice counts twice: surveys are analysed per
// answer; deduplicate upstream if the survey allows one answer per person).
// Customization points: none.
#pragma once

#include <crm/aggregate/detail/bytes.hpp>
#include <crm/aggregate/orders.hpp>
#include <crm/aggregate/periods.hpp>
#include <crm/aggregate/records.hpp>
#include <crm/aggregate/report.hpp>
#include <crm/core/result.hpp>
#include <crm/metrics/acquisition.hpp>
#include <crm/metrics/loyalty.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

namespace detail {
/// A tally of integer answers lowest..highest.
template <class Derived>
class answer_tally : public accumulator_base<Derived, survey_answer, double> {
 public:
  error_info try_add(const survey_answer& a) {
    if (const error_info e = check_time(Derived::name, a.time)) [[unlikely]] return e;
    if (a.score < lowest_ || a.score > highest_) [[unlikely]] return {errc::out_of_range, Derived::name, "score", Derived::range_text};
    // a state read back may hold 2^63 - 1 answers: one more would overflow the tallies' sum
    if (total_ == std::numeric_limits<count_t>::max()) [[unlikely]]
      return {errc::overflow, Derived::name, "counts", "the number of answers passes 2^63 - 1"};
    ++counts_[static_cast<std::size_t>(a.score - lowest_)];
    ++total_;
    return {};
  }
  add_report try_add(std::span<const survey_answer> records, on_bad_record policy = on_bad_record::stop) {
    return add_batch(records, policy, [this](const survey_answer& a) { return try_add(a); });
  }
  /// An accumulator with the same scale and no answers.
  [[nodiscard]] Derived fresh() const {
    Derived d = static_cast<const Derived&>(*this);
    for (count_t& c : d.counts_) c = 0;
    d.total_ = 0;
    return d;
  }
  /// Answers with each score, lowest first.
  [[nodiscard]] std::span<const count_t> counts() const noexcept { return counts_; }
  [[nodiscard]] count_t respondents() const noexcept { return total_; }
  error_info try_merge(const Derived& other) {
    if (other.lowest_ != lowest_ || other.highest_ != highest_ || other.extra() != static_cast<const Derived&>(*this).extra())
      return {errc::malformed, Derived::name, "scale", "differs between the merged accumulators"};
    // every state keeps its counts' sum within count_t (read_payload refuses one that does not),
    // so the tallies and respondents() cannot overflow; a merge that would break that is refused
    count_t total = total_;
    if (!add_counts(total, other.total_))
      return {errc::overflow, Derived::name, "counts", "the number of answers passes 2^63 - 1"};
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    total_ = total;
    return {};
  }
  void write_payload(byte_writer& w) const {
    w.put(static_cast<std::int32_t>(lowest_));
    w.put(static_cast<std::int32_t>(highest_));
    w.put(static_cast<std::int32_t>(static_cast<const Derived&>(*this).extra()));
    for (const count_t c : counts_) w.put(static_cast<std::int64_t>(c));
  }
  void read_payload(byte_reader& r) {
    const auto lo = r.get<std::int32_t>("lowest");
    const auto hi = r.get<std::int32_t>("highest");
    const auto ex = r.get<std::int32_t>("scale");
    if (!r.ok()) return;
    if (!static_cast<Derived&>(*this).configure(lo, hi, ex)) return r.fail(errc::malformed, "scale", "is invalid (corrupted state)");
    count_t total = 0;
    for (count_t& c : counts_) {
      c = r.get<std::int64_t>("counts");
      if (r.ok() && c < 0) return r.fail(errc::malformed, "counts", "is negative (corrupted state)");
      if (r.ok() && !add_counts(total, c)) return r.fail(errc::malformed, "counts", "sum past 2^63 - 1 (corrupted state)");
    }
    total_ = total;
  }
  friend bool operator==(const Derived& a, const Derived& b) {
    return a.lowest_ == b.lowest_ && a.highest_ == b.highest_ && a.extra() == b.extra() && a.counts_ == b.counts_;
  }

 protected:
  void set_range(int lowest, int highest) {
    lowest_ = lowest;
    highest_ = highest;
    counts_.assign(static_cast<std::size_t>(highest - lowest + 1), 0);
    total_ = 0;
  }
  [[nodiscard]] count_t sum(int from, int to) const noexcept {
    // in long long: a scale may end at INT_MAX, where an int `s <= highest_; ++s` never ended (it
    // overflowed and read outside counts_; found by clang-tidy's review, 2026-12-07)
    const long long lo = std::max<long long>(from, lowest_), hi = std::min<long long>(to, highest_);
    count_t n = 0;
    for (long long s = lo; s <= hi; ++s) n += counts_[static_cast<std::size_t>(s - lowest_)];
    return n;
  }

 private:
  int lowest_ = 0;
  int highest_ = 0;
  std::vector<count_t> counts_;
  count_t total_ = 0;  ///< the sum of counts_, within count_t (every add, merge and read keeps it so)
};
}  // namespace detail

/**
 * @brief NPS answers (0..10) -> crm::nps_counts: promoters 9-10, passives 7-8, detractors 0-6
 * (001_15fb4e46a87cf176.txt line 82). Constant memory: 11 counters.
 * Errors (per record): a score outside 0..10 (out_of_range, "score"); time outside 1900..2199; a
 * state already holding 2^63 - 1 answers (overflow, "counts").
 */
class nps_accumulator final : public detail::answer_tally<nps_accumulator> {
 public:
  using detail::accumulator_base<nps_accumulator, survey_answer, double>::add;
  static constexpr const char* name = "nps_accumulator";
  static constexpr detail::state_kind kind = detail::state_kind::nps;
  nps_accumulator() { set_range(0, 10); }
  /// The input of crm::nps.
  [[nodiscard]] nps_counts tally() const noexcept {
    return {.promoters = sum(9, 10), .passives = sum(7, 8), .detractors = sum(0, 6)};
  }
  [[nodiscard]] int extra() const noexcept { return 0; }
  bool configure(int lo, int hi, int ex) {
    if (lo != 0 || hi != 10 || ex != 0) return false;
    set_range(0, 10);
    return true;
  }
  static constexpr const char* range_text = "must lie in 0..10";
};

/**
 * @brief CSAT answers on a crm::csat_scale -> crm::csat_counts (satisfied = answers from
 * satisfied_from up). Constant memory: one counter per scale value.
 * Errors: an invalid scale (out_of_range, "scale"); per record, a score outside the scale
 * (out_of_range, "score"), time outside 1900..2199, a state already holding 2^63 - 1 answers
 * (overflow, "counts").
 */
class csat_accumulator final : public detail::answer_tally<csat_accumulator> {
 public:
  using detail::accumulator_base<csat_accumulator, survey_answer, double>::add;
  static constexpr const char* name = "csat_accumulator";
  static constexpr detail::state_kind kind = detail::state_kind::csat;
  static constexpr int max_scale_width = 1000;
  csat_accumulator() { configure(1, 5, 4); }
  explicit csat_accumulator(const csat_scale& s) {
    if (!configure(s.lowest, s.highest, s.satisfied_from))
      detail::throw_metric_error({errc::out_of_range, name, "scale", "must have lowest < satisfied_from <= highest, at most 1000 values"});
  }
  [[nodiscard]] static result<csat_accumulator> try_create(const csat_scale& s) {
    csat_accumulator a;
    if (!a.configure(s.lowest, s.highest, s.satisfied_from))
      return error_info{errc::out_of_range, name, "scale", "must have lowest < satisfied_from <= highest, at most 1000 values"};
    return a;
  }
  /// The input of crm::csat.
  [[nodiscard]] csat_counts tally() const noexcept { return {.satisfied = sum(scale_.satisfied_from, scale_.highest), .respondents = respondents()}; }
  [[nodiscard]] const csat_scale& scale() const noexcept { return scale_; }
  [[nodiscard]] int extra() const noexcept { return scale_.satisfied_from; }
  bool configure(int lo, int hi, int from) {
    const csat_scale s{lo, hi, from};
    if (!s.ok() || static_cast<long long>(hi) - lo >= max_scale_width) return false;
    scale_ = s;
    set_range(lo, hi);
    return true;
  }
  static constexpr const char* range_text = "must lie on the survey's scale";

 private:
  csat_scale scale_{};
};

/**
 * @brief Marketing and sales spend -> totals overall, per channel and (when constructed with a
 * period unit) per calendar period: with the new customers of the same period
 * (crm::period_accumulator) the input of crm::cac (001_15fb4e46a87cf176.txt line 48). Memory: one
 * sum per channel and per period met.
 * Errors (per record): amount NaN/inf or negative ("amount"); time outside 1900..2199; a sum that
 * overflows T. Merging accumulators with different period units is refused ("unit").
 *
 * **Example**
 *     crm::spend_accumulator<double> spend(crm::period_unit::month);
 *     spend.add(records);
 *     crm::money<double> cac = crm::cac(spend.costs_in(p.period, p.new_customers));  // p: a period_stats
 */
template <number T = double>
class spend_accumulator : public detail::accumulator_base<spend_accumulator<T>, spend_record<T>, T> {
 public:
  using detail::accumulator_base<spend_accumulator<T>, spend_record<T>, T>::add;
  static constexpr const char* name = "spend_accumulator";
  static constexpr detail::state_kind kind = detail::state_kind::spend;

  /// Totals overall and per channel only.
  spend_accumulator() = default;
  /// Also totals per period of `unit`.
  explicit spend_accumulator(period_unit unit) : by_period_(true), unit_(unit) {}

  error_info try_add(const spend_record<T>& s) {
    if (const error_info e = detail::check_non_negative(name, "amount", s.amount)) [[unlikely]] return e;
    if (const error_info e = check_time(name, s.time)) [[unlikely]] return e;
    T total = total_;
    if (!detail::add_finite(total, s.amount)) return {errc::overflow, name, "amount", "the sum of spend is too large"};
    total_ = total;
    add_to(channels_, s.channel, s.amount);  // each part <= total: finite
    if (by_period_) add_to(periods_, period_of(unit_, s.time), s.amount);
    return {};
  }
  add_report try_add(std::span<const spend_record<T>> records, on_bad_record policy = on_bad_record::stop) {
    return detail::add_batch(records, policy, [this](const spend_record<T>& s) { return try_add(s); });
  }
  [[nodiscard]] spend_accumulator fresh() const { return by_period_ ? spend_accumulator(unit_) : spend_accumulator(); }
  [[nodiscard]] const T& total() const noexcept { return total_; }
  /// Spend of one channel (0 when none was recorded).
  [[nodiscard]] T channel(tag_id c) const { return find(channels_, c); }
  /// Every channel with spend, sorted by id.
  [[nodiscard]] const std::vector<std::pair<tag_id, T>>& channels() const noexcept { return channels_; }
  /// Spend in period p (crm::period_of numbering; 0 when none, or without a period unit).
  [[nodiscard]] T period(std::int32_t p) const { return find(periods_, p); }
  /// Every period with spend, sorted (empty without a period unit).
  [[nodiscard]] const std::vector<std::pair<std::int32_t, T>>& periods() const noexcept { return periods_; }
  /// {total spend, new customers}: the input of crm::cac.
  [[nodiscard]] acquisition_costs<T> costs(count_t new_customers) const {
    return {.marketing_and_sales_cost = total_, .new_customers = new_customers};
  }
  /// {spend in period p, new customers of p}: CAC of one period.
  [[nodiscard]] acquisition_costs<T> costs_in(std::int32_t p, count_t new_customers) const {
    return {.marketing_and_sales_cost = period(p), .new_customers = new_customers};
  }

  error_info try_merge(const spend_accumulator& other) {
    if (by_period_ != other.by_period_ || (by_period_ && unit_ != other.unit_))
      return {errc::malformed, name, "unit", "differs between the merged accumulators"};
    T total = total_;
    if (!detail::add_finite(total, other.total_)) return {errc::overflow, name, "amount", "the sum of spend is too large"};
    total_ = total;
    for (const auto& [c, v] : other.channels_) add_to(channels_, c, v);
    for (const auto& [p, v] : other.periods_) add_to(periods_, p, v);
    return {};
  }
  void write_payload(detail::byte_writer& w) const {
    w.put(static_cast<std::uint8_t>(by_period_ ? 1 : 0));
    w.put(static_cast<std::uint8_t>(unit_));
    w.put_number(total_);
    write_map(w, channels_);
    write_map(w, periods_);
  }
  void read_payload(detail::byte_reader& r) {
    const auto by = r.get<std::uint8_t>("unit");
    const auto unit = r.get<std::uint8_t>("unit");
    // without periods the unit is the default one (month): any other would make an equal state unequal
    if (r.ok() && (by > 1 || unit > static_cast<std::uint8_t>(period_unit::year) ||
                   (by == 0 && unit != static_cast<std::uint8_t>(period_unit::month))))
      return r.fail(errc::malformed, "unit", "is invalid (corrupted state)");
    by_period_ = by == 1;
    unit_ = static_cast<period_unit>(unit);
    total_ = r.template get_number<T>("total");
    read_map(r, channels_, "channel");
    read_map(r, periods_, "period");
    if (r.ok() && (!detail::fast_non_negative(total_) || (!by_period_ && !periods_.empty())))
      return r.fail(errc::malformed, "total", "is invalid (corrupted state)");
    // every part is a sum of some of the amounts of the total, so at most the total (in floating
    // point too: rounding is monotone); merges rely on it to keep the parts finite
    const auto within = [this](const auto& m) {
      return std::all_of(m.begin(), m.end(), [this](const auto& kv) { return detail::fast_non_negative(kv.second) && !(total_ < kv.second); });
    };
    if (r.ok() && !within(channels_)) return r.fail(errc::malformed, "channel", "has spend outside 0 .. total (corrupted state)");
    if (r.ok() && !within(periods_)) r.fail(errc::malformed, "period", "has spend outside 0 .. total (corrupted state)");
  }
  friend bool operator==(const spend_accumulator& a, const spend_accumulator& b) {
    return a.by_period_ == b.by_period_ && a.unit_ == b.unit_ && a.total_ == b.total_ && a.channels_ == b.channels_ &&
           a.periods_ == b.periods_;
  }

 private:
  template <class K>
  static void add_to(std::vector<std::pair<K, T>>& m, K k, const T& v) {
    auto it = std::lower_bound(m.begin(), m.end(), k, [](const auto& p, K x) { return p.first < x; });
    if (it == m.end() || it->first != k) it = m.insert(it, {k, T(0)});
    it->second = T(it->second + v);
  }
  template <class K>
  static T find(const std::vector<std::pair<K, T>>& m, K k) {
    const auto it = std::lower_bound(m.begin(), m.end(), k, [](const auto& p, K x) { return p.first < x; });
    return it != m.end() && it->first == k ? it->second : T(0);
  }
  template <class K>
  static void write_map(detail::byte_writer& w, const std::vector<std::pair<K, T>>& m) {
    w.put(static_cast<std::uint64_t>(m.size()));
    for (const auto& [k, v] : m) {
      w.put(k);
      w.put_number(v);
    }
  }
  template <class K>
  static void read_map(detail::byte_reader& r, std::vector<std::pair<K, T>>& m, const char* field) {
    const std::uint64_t n = r.get_count(field, 8);
    for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
      detail::check_interrupt_every(static_cast<std::size_t>(i));
      const auto k = r.get<K>(field);
      const T v = r.template get_number<T>(field);
      if (!r.ok()) return;
      if ((!m.empty() && m.back().first >= k) || !detail::fast_non_negative(v))
        return r.fail(errc::malformed, field, "is invalid (corrupted state)");
      m.emplace_back(k, v);
    }
  }
  T total_{};
  std::vector<std::pair<tag_id, T>> channels_;
  std::vector<std::pair<std::int32_t, T>> periods_;
  bool by_period_ = false;
  period_unit unit_ = period_unit::month;
};

CRM_METRICS_END_NAMESPACE

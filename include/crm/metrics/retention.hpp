// crm-metrics: retention and churn metrics: retention, churn, repeat-purchase share, lifetime from churn, time between purchases, cohort retention.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Every metric comes in two forms: crm::x(inputs) throws crm::metric_error on bad input,
// crm::try_x(inputs) returns crm::result<R> carrying the same crm::error_info. Counts are count_t;
// metrics that only take counts are templates whose number type defaults to double:
//     crm::churn_rate({.customers_at_start = 1'000, .customers_lost = 50})   // rate<double>, 5 %
// Time between purchases keeps its unit: std::chrono::duration<T, Period> (days by default).
// Customization points: none beyond crm::number_traits<T> (see <crm/core/number.hpp>).
// Seeds: 000 = 000_9949ba3a3098aa87.txt, 001 = 001_15fb4e46a87cf176.txt, 003 = 003_f1c74d43239c9d2b.txt,
// 004 = 004_27df46bff09b8c6f.txt (in ../shared/seeds).
#pragma once

#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>

#include <chrono>
#include <cstddef>
#include <limits>
#include <ratio>
#include <span>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE

// --- retention and churn -------------------------------------------------------------------------

/// Customer counts of one period, for the retention rate.
struct retention_counts {
  count_t customers_at_start = 0;  ///< customers at the start of the period (> 0)
  count_t customers_at_end = 0;    ///< customers at the end of the period (>= 0)
  count_t new_customers = 0;       ///< customers acquired during the period (>= 0, <= customers_at_end)
  [[nodiscard]] constexpr bool ok() const noexcept {
    return customers_at_start > 0 && new_customers >= 0 && new_customers <= customers_at_end &&
           customers_at_end - new_customers <= customers_at_start;
  }
};

/**
 * @brief Customer retention rate: (customers_at_end - new_customers) / customers_at_start.
 * @returns a rate (0.9 = 90 % of the starting customers are still customers).
 * Source: 001_15fb4e46a87cf176.txt line 36, "(Клиенты на конец периода − Новые клиенты) ÷ Клиенты в
 * начале периода) × 100%" (the document's parentheses are unbalanced; this is the reading).
 * With no returning lapsed customers, retention = 1 - churn (crm::churn_rate).
 * Errors: customers_at_start zero or negative; a negative count; new_customers > customers_at_end;
 * customers_at_end - new_customers > customers_at_start (more customers retained than there were).
 *
 * **Example**
 *     crm::retention_rate({.customers_at_start = 1'000, .customers_at_end = 1'050, .new_customers = 150}).percent() == 90.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_retention_rate(const retention_counts& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error(
            {detail::check_count_positive("retention_rate", "customers_at_start", in.customers_at_start),
             detail::check_count("retention_rate", "customers_at_end", in.customers_at_end),
             detail::check_count("retention_rate", "new_customers", in.new_customers),
             detail::check_part("retention_rate", "new_customers", in.new_customers, in.customers_at_end,
                                "must not exceed customers_at_end")}))
      return e;
    if (auto e = detail::check_part("retention_rate", "customers_at_end", in.customers_at_end - in.new_customers,
                                    in.customers_at_start,
                                    "customers_at_end - new_customers, the customers retained, must not exceed customers_at_start"))
      return e;
  }
  return rate<T>{count_ratio<T>(in.customers_at_end - in.new_customers, in.customers_at_start)};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> retention_rate(const retention_counts& in) {
  return try_retention_rate<T>(in).value();
}

/// Customers at the start of a period and how many of them were lost during it.
struct churn_counts {
  count_t customers_at_start = 0;  ///< customers at the start of the period (> 0)
  count_t customers_lost = 0;      ///< of them, lost during the period (>= 0, <= customers_at_start)
  [[nodiscard]] constexpr bool ok() const noexcept {
    return customers_at_start > 0 && customers_lost >= 0 && customers_lost <= customers_at_start;
  }
};

/**
 * @brief Churn rate: customers_lost / customers_at_start.
 * @returns a rate per period (0.05 = 5 % of the starting customers lost).
 * Source: 001_15fb4e46a87cf176.txt line 42, "(Число ушедших клиентов ÷ Общее число клиентов в
 * начале периода) × 100%".
 * Errors: customers_at_start zero or negative; customers_lost negative or > customers_at_start.
 *
 * **Example**
 *     crm::churn_rate({.customers_at_start = 1'000, .customers_lost = 100}).percent() == 10.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_churn_rate(const churn_counts& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error(
            {detail::check_count_positive("churn_rate", "customers_at_start", in.customers_at_start),
             detail::check_count("churn_rate", "customers_lost", in.customers_lost),
             detail::check_part("churn_rate", "customers_lost", in.customers_lost, in.customers_at_start,
                                "must not exceed customers_at_start")}))
      return e;
  }
  return rate<T>{count_ratio<T>(in.customers_lost, in.customers_at_start)};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> churn_rate(const churn_counts& in) {
  return try_churn_rate<T>(in).value();
}

/// Customers with repeat purchases out of all customers.
struct repeat_counts {
  count_t repeat_customers = 0;  ///< customers with 2 or more purchases (>= 0, <= customers)
  count_t customers = 0;         ///< all customers (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept {
    return repeat_customers >= 0 && customers > 0 && repeat_customers <= customers;
  }
};

/**
 * @brief Repeat-purchase share: repeat_customers / customers.
 * @returns a rate.
 * Source: 001_15fb4e46a87cf176.txt line 66, "(Количество клиентов с ≥2 покупками ÷ Общее количество
 * клиентов) × 100%".
 * Errors: customers zero or negative; repeat_customers negative or > customers.
 *
 * **Example**
 *     crm::repeat_purchase_share({.repeat_customers = 320, .customers = 1'000}).percent() == 32.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_repeat_purchase_share(const repeat_counts& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error(
            {detail::check_count("repeat_purchase_share", "repeat_customers", in.repeat_customers),
             detail::check_count_positive("repeat_purchase_share", "customers", in.customers),
             detail::check_part("repeat_purchase_share", "repeat_customers", in.repeat_customers, in.customers,
                                "must not exceed customers")}))
      return e;
  }
  return rate<T>{count_ratio<T>(in.repeat_customers, in.customers)};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> repeat_purchase_share(const repeat_counts& in) {
  return try_repeat_purchase_share<T>(in).value();
}

// --- lifetime --------------------------------------------------------------------------------------

/// A constant churn rate per period.
template <number T = double>
struct churn_per_period {
  T churn_rate{};  ///< share of customers lost per period, in (0, 1]
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_unit_interval(churn_rate) && churn_rate != T(0);
  }
};

/**
 * @brief Expected customer lifetime from churn: 1 / churn_rate.
 * @returns crm::period_count<T>, in the period the churn was measured per (churn 5 % a month: 20 months).
 * Source: 003_f1c74d43239c9d2b.txt line 15 and 004_27df46bff09b8c6f.txt line 417 name customer
 * lifetime without a formula; this is the standard expected lifetime under a constant churn rate c
 * (the lifetime in periods is geometric with mean 1 / c).
 * Errors: churn_rate zero (infinite lifetime: zero denominator), outside [0, 1] or not finite; so
 * small (a subnormal) that 1 / churn_rate exceeds the number type (errc::overflow, field "result").
 *
 * **Example**
 *     crm::customer_lifetime({.churn_rate = 0.05}).count == 20.0
 */
template <number T = double>
[[nodiscard]] constexpr result<period_count<T>> try_customer_lifetime(const churn_per_period<T>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::check_unit_interval("customer_lifetime", "churn_rate", in.churn_rate)) return e;
    if (in.churn_rate == number_traits<T>::zero())
      return error_info{errc::zero_denominator, "customer_lifetime", "churn_rate", "zero churn means an infinite lifetime"};
  }
  const T v = number_traits<T>::one() / in.churn_rate;
  if (!detail::fast_finite(v)) [[unlikely]]
    return detail::overflow_error("customer_lifetime", "result", "churn_rate is so small that 1 / churn_rate is too large");
  return period_count<T>{v};
}
template <number T = double>
[[nodiscard]] constexpr period_count<T> customer_lifetime(const churn_per_period<T>& in) {
  return try_customer_lifetime(in).value();
}

// --- time between purchases ----------------------------------------------------------------------

/// First and last purchase of a customer (as durations since any common epoch) and the number of
/// purchases between them, both included.
template <number T = double, class Period = std::ratio<86400>>
struct purchase_dates {
  std::chrono::duration<T, Period> first_purchase{};  ///< time of the first purchase
  std::chrono::duration<T, Period> last_purchase{};   ///< time of the last purchase (>= first_purchase)
  count_t purchases = 0;                              ///< purchases, first and last included (>= 2)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_finite(first_purchase.count()) && detail::fast_finite(last_purchase.count()) && purchases >= 2 &&
           !(last_purchase.count() < first_purchase.count());
  }
};

/**
 * @brief Average time between purchases: (last_purchase - first_purchase) / (purchases - 1).
 * @returns std::chrono::duration<T, Period>, in the unit of the inputs (days by default).
 * Source: 003_f1c74d43239c9d2b.txt line 15 names it without a formula; this is the standard
 * inter-purchase time: n purchases make n - 1 gaps, whose sum is last - first.
 * Time points convert with .time_since_epoch(), e.g. for std::chrono::sys_days d:
 * crm::days<double>(d.time_since_epoch()).
 * Errors: purchases < 2 (out_of_range: there is no gap); last_purchase before first_purchase
 * (out_of_range, field "last_purchase"); a time not finite; a gap beyond the number type
 * (errc::overflow, field "result": only with one gap between times near both limits of T).
 *
 * **Example**
 *     crm::average_time_between_purchases({.first_purchase = crm::days<double>(10),
 *                                          .last_purchase = crm::days<double>(100), .purchases = 4})
 *         == crm::days<double>(30)
 */
template <number T = double, class Period = std::ratio<86400>>
[[nodiscard]] constexpr result<std::chrono::duration<T, Period>> try_average_time_between_purchases(
    const purchase_dates<T, Period>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error(
            {detail::check_finite("average_time_between_purchases", "first_purchase", in.first_purchase.count()),
             detail::check_finite("average_time_between_purchases", "last_purchase", in.last_purchase.count()),
             detail::check_count("average_time_between_purchases", "purchases", in.purchases)})) return e;
    if (in.purchases < 2)
      return error_info{errc::out_of_range, "average_time_between_purchases", "purchases", "needs at least 2 purchases"};
    if (in.last_purchase.count() < in.first_purchase.count())
      return error_info{errc::out_of_range, "average_time_between_purchases", "last_purchase", "must not be before first_purchase"};
  }
  const T elapsed = in.last_purchase.count() - in.first_purchase.count();
  if (detail::fast_finite(elapsed)) [[likely]]
    return std::chrono::duration<T, Period>(divide_by_count(elapsed, in.purchases - 1));
  // last - first overflowed (times near the limits of T on both sides of zero): divide first.
  const T v = divide_by_count(in.last_purchase.count(), in.purchases - 1) -
              divide_by_count(in.first_purchase.count(), in.purchases - 1);
  if (!detail::fast_finite(v))
    return detail::overflow_error("average_time_between_purchases", "result",
                                  "last_purchase - first_purchase is too large for purchases - 1 gaps");
  return std::chrono::duration<T, Period>(v);
}
template <number T = double, class Period = std::ratio<86400>>
[[nodiscard]] constexpr std::chrono::duration<T, Period> average_time_between_purchases(const purchase_dates<T, Period>& in) {
  return try_average_time_between_purchases(in).value();
}

/// A sum of gaps between consecutive purchases (of one customer or many) and their number.
template <number T = double, class Period = std::ratio<86400>>
struct purchase_gaps {
  std::chrono::duration<T, Period> sum_of_gaps{};  ///< total time between consecutive purchases (>= 0)
  count_t gaps = 0;                                ///< number of gaps: purchases - 1 per customer (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_non_negative(sum_of_gaps.count()) && gaps > 0;
  }
};

/**
 * @brief Average time between purchases from a sum of gaps: sum_of_gaps / gaps.
 * @returns std::chrono::duration<T, Period>.
 * Source: as above (003 line 15); pooling gaps over customers weights each customer by their
 * number of gaps. For one customer it equals the first/last form.
 * Errors: gaps zero or negative; sum_of_gaps negative or not finite.
 *
 * **Example**
 *     crm::average_time_between_purchases({.sum_of_gaps = crm::days<double>(90), .gaps = 3})
 *         == crm::days<double>(30)
 */
template <number T = double, class Period = std::ratio<86400>>
[[nodiscard]] constexpr result<std::chrono::duration<T, Period>> try_average_time_between_purchases(
    const purchase_gaps<T, Period>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error(
            {detail::check_non_negative("average_time_between_purchases", "sum_of_gaps", in.sum_of_gaps.count()),
             detail::check_count_positive("average_time_between_purchases", "gaps", in.gaps)})) return e;
  }
  return std::chrono::duration<T, Period>(divide_by_count(in.sum_of_gaps.count(), in.gaps));
}
template <number T = double, class Period = std::ratio<86400>>
[[nodiscard]] constexpr std::chrono::duration<T, Period> average_time_between_purchases(const purchase_gaps<T, Period>& in) {
  return try_average_time_between_purchases(in).value();
}

// --- cohort retention ----------------------------------------------------------------------------

/// A cohort (customers acquired in the same period) and how many of them were active in period k.
struct cohort_counts {
  count_t cohort_size = 0;       ///< customers in the cohort (> 0)
  count_t active_in_period = 0;  ///< of them, active (bought) in period k (>= 0, <= cohort_size)
  [[nodiscard]] constexpr bool ok() const noexcept {
    return cohort_size > 0 && active_in_period >= 0 && active_in_period <= cohort_size;
  }
};

/**
 * @brief Cohort retention in period k: active_in_period / cohort_size.
 * @returns a rate: the share of the cohort active in period k.
 * Source: 000_9949ba3a3098aa87.txt line 24 (share of customers who stay after the first purchase)
 * and line 214 name it without a formula; this is the standard cohort-analysis definition
 * (customers of the cohort active in period k over the cohort's size at acquisition).
 * Errors: cohort_size zero or negative; active_in_period negative or > cohort_size.
 *
 * **Example**
 *     crm::cohort_retention({.cohort_size = 400, .active_in_period = 100}).percent() == 25.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_cohort_retention(const cohort_counts& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error(
            {detail::check_count_positive("cohort_retention", "cohort_size", in.cohort_size),
             detail::check_count("cohort_retention", "active_in_period", in.active_in_period),
             detail::check_part("cohort_retention", "active_in_period", in.active_in_period, in.cohort_size,
                                "must not exceed cohort_size")}))
      return e;
  }
  return rate<T>{count_ratio<T>(in.active_in_period, in.cohort_size)};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> cohort_retention(const cohort_counts& in) {
  return try_cohort_retention<T>(in).value();
}

/**
 * @brief Cohort retention curve: curve[k] = active_by_period[k] / cohort_size for every period k.
 * @param cohort_size customers in the cohort (> 0).
 * @param active_by_period customers of the cohort active in periods 0, 1, 2, ... (each between 0 and
 *        cohort_size; not necessarily decreasing, since lapsed customers may come back).
 * @param curve output: exactly active_by_period.size() rates. Left unspecified on error.
 * Source and definition: as crm::cohort_retention. No allocation.
 * Errors: cohort_size zero or negative; active_by_period empty (empty_input); curve of the wrong
 * size (out_of_range); an active count negative or > cohort_size.
 */
template <number T = double>
[[nodiscard]] constexpr result<std::size_t> try_cohort_retention_curve(count_t cohort_size,
                                                                       std::span<const count_t> active_by_period,
                                                                       std::span<rate<T>> curve) noexcept(std::is_arithmetic_v<T>) {
  if (auto e = detail::check_count_positive("cohort_retention_curve", "cohort_size", cohort_size)) return e;
  if (active_by_period.empty()) return error_info{errc::empty_input, "cohort_retention_curve", "active_by_period"};
  if (curve.size() != active_by_period.size())
    return error_info{errc::out_of_range, "cohort_retention_curve", "curve", "must hold one rate per period"};
  for (const count_t active : active_by_period)
    if (auto e = detail::first_error(
            {detail::check_count("cohort_retention_curve", "active_by_period", active),
             detail::check_part("cohort_retention_curve", "active_by_period", active, cohort_size,
                                "each count must not exceed cohort_size")}))
      return e;
  for (std::size_t k = 0; k < active_by_period.size(); ++k) curve[k] = rate<T>{count_ratio<T>(active_by_period[k], cohort_size)};
  return active_by_period.size();
}
/// Throwing form; returns the number of rates written.
template <number T = double>
constexpr std::size_t cohort_retention_curve(count_t cohort_size, std::span<const count_t> active_by_period,
                                             std::span<rate<T>> curve) {
  return try_cohort_retention_curve<T>(cohort_size, active_by_period, curve).value();
}

CRM_METRICS_END_NAMESPACE

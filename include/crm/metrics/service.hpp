// crm-metrics: service and sales-team metrics: response and lead processing time, unresolved share, per-manager revenue and deals, lost-deal reasons.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// The documents name these metrics without formulas (000 lines 58 and 206, 002 line 11, 003 lines
// 13 and 23-28); the library follows the plain standard definitions written at each function.
// Average times keep the unit of their input: a total in std::chrono::minutes gives an average in
// minutes, with a floating (or Boost.Multiprecision) representation so nothing truncates: the
// input's representation when it is a crm::number, else double. For money (sales_team) a braced
// list cannot deduce the type: crm::revenue_per_manager({...}) computes in double, whatever the
// fields hold; write crm::revenue_per_manager<float>({...}) or pass a crm::sales_team<float>.
#pragma once

#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>
#include <crm/detail/duration.hpp>

#include <chrono>
#include <cstddef>
#include <ranges>
#include <ratio>
#include <span>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE

/// Time the team spent answering customer requests, and how many requests it answered.
template <class Rep = double, class Period = std::ratio<1>>
struct response_times {
  std::chrono::duration<Rep, Period> total_response_time{};  ///< sum over requests of (first answer - request), >= 0
  count_t responses = 0;                                     ///< requests answered (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<detail::average_rep_t<Rep>>) {
    return detail::duration_total_ok(total_response_time, responses);
  }
};

/// Time from a lead's arrival to its processing (first contact or qualification), summed, and the number of leads.
template <class Rep = double, class Period = std::ratio<1>>
struct lead_processing_times {
  std::chrono::duration<Rep, Period> total_processing_time{};  ///< sum over leads of (processed - arrived), >= 0
  count_t leads = 0;                                           ///< leads processed (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<detail::average_rep_t<Rep>>) {
    return detail::duration_total_ok(total_processing_time, leads);
  }
};

/**
 * @brief Average response time: total response time / responses, in the unit of the input.
 * Source: the standard mean; named without a formula in 000_9949ba3a3098aa87.txt line 58 and
 * 002_16fc3440f7c5e33f.txt line 11 ("Час відгуку на запит клієнта").
 * Errors: total_response_time negative or not finite; responses zero or negative.
 *
 * **Example**
 *     using namespace std::chrono_literals;
 *     crm::average_response_time(crm::response_times<double, std::ratio<60>>{
 *         .total_response_time = 90min, .responses = 12}).count() == 7.5   // minutes
 */
template <class Rep, class Period>
[[nodiscard]] constexpr result<detail::average_duration_t<Rep, Period>> try_average_response_time(
    const response_times<Rep, Period>& in) noexcept(std::is_arithmetic_v<detail::average_rep_t<Rep>>) {
  return detail::mean_duration("average_response_time", "total_response_time", in.total_response_time, "responses",
                               in.responses);
}
template <class Rep, class Period>
[[nodiscard]] constexpr detail::average_duration_t<Rep, Period> average_response_time(
    const response_times<Rep, Period>& in) {
  return try_average_response_time(in).value();
}
/// The same as a braced list with a total in seconds: crm::average_response_time({.total_response_time = 90s, .responses = 4}).
[[nodiscard]] constexpr result<seconds<double>> try_average_response_time(const response_times<>& in) noexcept {
  return try_average_response_time<double, std::ratio<1>>(in);
}
[[nodiscard]] constexpr seconds<double> average_response_time(const response_times<>& in) {
  return try_average_response_time(in).value();
}

/**
 * @brief Average response time over individual response times: their mean, in their unit.
 * Source: as above (the arithmetic mean).
 * Errors: an empty range (errc::empty_input); a negative or non-finite time (field "response_times");
 * times whose sum exceeds the representation (errc::overflow, field "response_times").
 */
template <duration_range Range>
[[nodiscard]] constexpr auto try_average_response_time(const Range& times) {
  return detail::mean_duration_of("average_response_time", "response_times", times);
}
template <duration_range Range>
[[nodiscard]] constexpr auto average_response_time(const Range& times) {
  return try_average_response_time(times).value();
}

/**
 * @brief Average lead processing time: total processing time / leads, in the unit of the input.
 * Source: the standard mean; named without a formula in 000_9949ba3a3098aa87.txt line 204-206
 * ("Среднее время обработки лидов").
 * Errors: total_processing_time negative or not finite; leads zero or negative.
 *
 * **Example**
 *     using namespace std::chrono_literals;
 *     crm::average_lead_processing_time(crm::lead_processing_times<double, std::ratio<3600>>{
 *         .total_processing_time = 36h, .leads = 16}).count() == 2.25   // hours
 */
template <class Rep, class Period>
[[nodiscard]] constexpr result<detail::average_duration_t<Rep, Period>> try_average_lead_processing_time(
    const lead_processing_times<Rep, Period>& in) noexcept(std::is_arithmetic_v<detail::average_rep_t<Rep>>) {
  return detail::mean_duration("average_lead_processing_time", "total_processing_time", in.total_processing_time,
                               "leads", in.leads);
}
template <class Rep, class Period>
[[nodiscard]] constexpr detail::average_duration_t<Rep, Period> average_lead_processing_time(
    const lead_processing_times<Rep, Period>& in) {
  return try_average_lead_processing_time(in).value();
}
/// The same as a braced list with a total in seconds.
[[nodiscard]] constexpr result<seconds<double>> try_average_lead_processing_time(
    const lead_processing_times<>& in) noexcept {
  return try_average_lead_processing_time<double, std::ratio<1>>(in);
}
[[nodiscard]] constexpr seconds<double> average_lead_processing_time(const lead_processing_times<>& in) {
  return try_average_lead_processing_time(in).value();
}

/**
 * @brief Average lead processing time over individual processing times: their mean, in their unit.
 * Errors: an empty range (errc::empty_input); a negative or non-finite time (field "processing_times");
 * times whose sum exceeds the representation (errc::overflow, field "processing_times").
 */
template <duration_range Range>
[[nodiscard]] constexpr auto try_average_lead_processing_time(const Range& times) {
  return detail::mean_duration_of("average_lead_processing_time", "processing_times", times);
}
template <duration_range Range>
[[nodiscard]] constexpr auto average_lead_processing_time(const Range& times) {
  return try_average_lead_processing_time(times).value();
}

/// Customer requests (tickets, complaints) in a period and how many of them are still unresolved.
struct request_counts {
  count_t requests = 0;    ///< all requests received in the period
  count_t unresolved = 0;  ///< of those, not resolved at the end of the period
  [[nodiscard]] constexpr bool ok() const noexcept { return unresolved >= 0 && requests > 0 && unresolved <= requests; }
};

/**
 * @brief Unresolved-request share: unresolved / requests.
 * @returns a rate in [0, 1].
 * Source: the plain share; 000_9949ba3a3098aa87.txt line 58 names "the number of unresolved
 * problems" as a service-quality indicator.
 * Errors: a negative count; requests zero; unresolved > requests.
 *
 * **Example**
 *     crm::unresolved_request_share({.requests = 400, .unresolved = 26}).percent() == 6.5
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_unresolved_request_share(const request_counts& in) noexcept(
    std::is_arithmetic_v<T>) {
  constexpr const char* m = "unresolved_request_share";
  if (auto e = detail::first_error(
          {detail::check_count(m, "unresolved", in.unresolved), detail::check_count_positive(m, "requests", in.requests)}))
    return e;
  if (in.requests < in.unresolved) return error_info{errc::part_exceeds_whole, m, "unresolved", "must not exceed requests"};
  return rate<T>{count_ratio<T>(in.unresolved, in.requests)};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> unresolved_request_share(const request_counts& in) {
  return try_unresolved_request_share<T>(in).value();
}

/// A sales team's results over a period.
template <number T = double>
struct sales_team {
  T revenue{};           ///< revenue closed by the team (money, >= 0)
  count_t deals = 0;     ///< deals closed (won)
  count_t managers = 0;  ///< managers in the team
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return !detail::first_error({detail::check_non_negative("sales_team", "revenue", revenue),
                                 detail::check_count("sales_team", "deals", deals),
                                 detail::check_count_positive("sales_team", "managers", managers)});
  }
};

/**
 * @brief Revenue per manager: revenue / managers.
 * @returns money per manager; exact in a decimal type whenever the quotient terminates.
 * Source: the plain average; 003_f1c74d43239c9d2b.txt line 28 (the CRM "shows the volume of deals by
 * manager and the income each employee brings").
 * Errors: revenue negative or not finite; managers zero or negative.
 *
 * **Example**
 *     crm::revenue_per_manager({.revenue = 1'200'000.0, .managers = 4}).amount == 300'000.0
 */
template <number T = double>
[[nodiscard]] constexpr result<money<T>> try_revenue_per_manager(const sales_team<T>& in) noexcept(
    std::is_arithmetic_v<T>) {
  constexpr const char* m = "revenue_per_manager";
  if (auto e = detail::first_error(
          {detail::check_non_negative(m, "revenue", in.revenue), detail::check_count_positive(m, "managers", in.managers)}))
    return e;
  return money<T>{divide_by_count(in.revenue, in.managers)};
}
template <number T = double>
[[nodiscard]] constexpr money<T> revenue_per_manager(const sales_team<T>& in) {
  return try_revenue_per_manager(in).value();
}

/**
 * @brief Deals per manager: deals / managers.
 * @returns a multiple (deals per manager, e.g. 7.5).
 * Source: the plain average; 003_f1c74d43239c9d2b.txt line 28 ("volume of deals by manager").
 * Errors: deals negative; managers zero or negative.
 */
template <number T = double>
[[nodiscard]] constexpr result<multiple<T>> try_deals_per_manager(const sales_team<T>& in) noexcept(
    std::is_arithmetic_v<T>) {
  constexpr const char* m = "deals_per_manager";
  if (auto e = detail::first_error(
          {detail::check_count(m, "deals", in.deals), detail::check_count_positive(m, "managers", in.managers)}))
    return e;
  return multiple<T>{count_ratio<T>(in.deals, in.managers)};
}
template <number T = double>
[[nodiscard]] constexpr multiple<T> deals_per_manager(const sales_team<T>& in) {
  return try_deals_per_manager(in).value();
}

/// Deals lost for one reason, out of all deals lost in the period.
struct lost_deal_counts {
  count_t lost_for_reason = 0;  ///< deals lost for this reason (price, competitor, no answer, ...)
  count_t lost_deals = 0;       ///< all deals lost in the period, for any reason
  [[nodiscard]] constexpr bool ok() const noexcept {
    return lost_for_reason >= 0 && lost_deals > 0 && lost_for_reason <= lost_deals;
  }
};

/**
 * @brief Share of lost deals lost for one reason: lost for the reason / all lost deals.
 * @returns a rate in [0, 1].
 * Source: the plain share; 003_f1c74d43239c9d2b.txt line 13 (the CRM "analyses the reasons deals
 * are lost").
 * Errors: a negative count; lost_deals zero; lost_for_reason > lost_deals.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_lost_deal_share(const lost_deal_counts& in) noexcept(
    std::is_arithmetic_v<T>) {
  constexpr const char* m = "lost_deal_share";
  if (auto e = detail::first_error({detail::check_count(m, "lost_for_reason", in.lost_for_reason),
                                    detail::check_count_positive(m, "lost_deals", in.lost_deals)}))
    return e;
  if (in.lost_deals < in.lost_for_reason)
    return error_info{errc::part_exceeds_whole, m, "lost_for_reason", "must not exceed lost_deals"};
  return rate<T>{count_ratio<T>(in.lost_for_reason, in.lost_deals)};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> lost_deal_share(const lost_deal_counts& in) {
  return try_lost_deal_share<T>(in).value();
}

/**
 * @brief Shares of lost deals by reason: shares[i] = lost_by_reason[i] / sum of lost_by_reason.
 * Fills the caller's span (no allocation); the shares sum to 1 up to rounding of T.
 * @returns the total number of lost deals.
 * Source: as lost_deal_share (003_f1c74d43239c9d2b.txt line 13).
 * Errors: shares.size() != lost_by_reason.size() (errc::out_of_range, field "shares"); no reasons
 * (errc::empty_input); a negative count (field "lost_by_reason"); no lost deals at all (zero
 * denominator, field "lost_by_reason"); counts whose sum exceeds count_t (errc::overflow). On error
 * `shares` is left unchanged.
 *
 * **Example**
 *     const crm::count_t lost[] = {30, 15, 5};   // price, competitor, no answer
 *     crm::rate<double> shares[3];
 *     crm::lost_deal_shares(lost, shares);       // 60 %, 30 %, 10 %; returns 50
 */
template <number T = double>
[[nodiscard]] constexpr result<count_t> try_lost_deal_shares(
    std::span<const count_t> lost_by_reason, std::type_identity_t<std::span<rate<T>>> shares) noexcept(
    std::is_arithmetic_v<T>) {
  constexpr const char* m = "lost_deal_shares";
  if (shares.size() != lost_by_reason.size())
    return error_info{errc::out_of_range, m, "shares", "must have as many elements as lost_by_reason"};
  if (lost_by_reason.empty()) return error_info{errc::empty_input, m, "lost_by_reason"};
  count_t total = 0;
  for (const count_t n : lost_by_reason) {
    if (auto e = detail::check_count(m, "lost_by_reason", n)) return e;
    if (detail::sum_overflows(total, n)) return detail::overflow_error(m, "lost_by_reason", "their sum exceeds count_t");
    total += n;
  }
  if (total == 0) return error_info{errc::zero_denominator, m, "lost_by_reason", "the counts sum to zero"};
  for (std::size_t i = 0; i < lost_by_reason.size(); ++i) shares[i] = rate<T>{count_ratio<T>(lost_by_reason[i], total)};
  return total;
}
template <number T = double>
constexpr count_t lost_deal_shares(std::span<const count_t> lost_by_reason,
                                   std::type_identity_t<std::span<rate<T>>> shares) {
  return try_lost_deal_shares<T>(lost_by_reason, shares).value();
}

CRM_METRICS_END_NAMESPACE

// crm-metrics: acquisition and funnel metrics: conversion, funnel steps, lead conversion, new customers, growth, CAC per channel.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Every metric comes in two forms: crm::x(inputs) throws crm::metric_error on bad input,
// crm::try_x(inputs) returns crm::result<R> carrying the same crm::error_info. Counts are count_t;
// metrics that only take counts are templates whose number type defaults to double:
//     crm::conversion_rate({.actions = 25, .audience = 1'000})            // rate<double>, 2.5 %
//     crm::conversion_rate<crm::decimal50>({.actions = 25, .audience = 1'000})
// Money inputs do not choose the type either: a braced list cannot deduce it, so
// crm::cac({.marketing_and_sales_cost = 0.3f, .new_customers = 3}) computes in double; write
// crm::cac<float>({...}) or pass a crm::acquisition_costs<float>.
// Nothing here allocates: the funnel writes its stage rates into a caller's span or std::array.
// Customization points: none beyond crm::number_traits<T> (see <crm/core/number.hpp>).
// Seeds: 000 = 000_9949ba3a3098aa87.txt, 001 = 001_15fb4e46a87cf176.txt, 002 = 002_16fc3440f7c5e33f.txt,
// 003 = 003_f1c74d43239c9d2b.txt (in ../shared/seeds).
#pragma once

#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>

#include <array>
#include <cstddef>
#include <limits>
#include <span>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE

// --- conversion ----------------------------------------------------------------------------------

/// A number of target actions out of an explicit audience.
struct conversion_counts {
  count_t actions = 0;   ///< target actions: purchases, sign-ups, subscriptions (>= 0, <= audience)
  count_t audience = 0;  ///< whom they came from: messages sent, impressions, visitors, recipients (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept { return actions >= 0 && audience > 0 && actions <= audience; }
};

/**
 * @brief Conversion rate: actions / audience, over an explicitly named audience.
 * @returns a rate (0.025 = 2.5 %).
 * Source: the documents divide by different audiences, so the caller names it:
 * 001_15fb4e46a87cf176.txt line 60, target actions ÷ messages sent or impressions;
 * 000_9949ba3a3098aa87.txt line 74, customers who took the action ÷ visitors or offer recipients;
 * 000 line 154, conversions ÷ e-mails sent. Lead conversion (002) is crm::lead_conversion.
 * Errors: audience zero or negative; actions negative; actions > audience.
 *
 * **Example**
 *     crm::conversion_rate({.actions = 25, .audience = 1'000}).percent() == 2.5
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_conversion_rate(const conversion_counts& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error({detail::check_count("conversion_rate", "actions", in.actions),
                                      detail::check_count_positive("conversion_rate", "audience", in.audience),
                                      detail::check_part("conversion_rate", "actions", in.actions, in.audience, "must not exceed audience")}))
      return e;
  }
  return rate<T>{count_ratio<T>(in.actions, in.audience)};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> conversion_rate(const conversion_counts& in) {
  return try_conversion_rate<T>(in).value();
}

/// Leads and the new customers that came from them.
struct lead_counts {
  count_t new_customers = 0;  ///< leads that became paying customers (>= 0, <= leads)
  count_t leads = 0;          ///< leads (potential customers) in the period (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept { return new_customers >= 0 && leads > 0 && new_customers <= leads; }
};

/**
 * @brief Lead conversion (lead -> customer): new_customers / leads.
 * @returns a rate.
 * Source: 002_16fc3440f7c5e33f.txt line 7, "Конверсія = (Кількість нових клієнтів / Кількість
 * лідів) * 100%"; 000_9949ba3a3098aa87.txt line 202 (lead-to-customer conversion, no formula).
 * Errors: leads zero or negative; new_customers negative; new_customers > leads.
 *
 * **Example**
 *     crm::lead_conversion({.new_customers = 30, .leads = 200}).percent() == 15.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_lead_conversion(const lead_counts& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error({detail::check_count("lead_conversion", "new_customers", in.new_customers),
                                      detail::check_count_positive("lead_conversion", "leads", in.leads),
                                      detail::check_part("lead_conversion", "new_customers", in.new_customers, in.leads, "must not exceed leads")}))
      return e;
  }
  return rate<T>{count_ratio<T>(in.new_customers, in.leads)};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> lead_conversion(const lead_counts& in) {
  return try_lead_conversion<T>(in).value();
}

/// Visitors and the leads (contacts left) that came from them.
struct visitor_counts {
  count_t leads = 0;     ///< visitors who left their contact details (>= 0, <= visitors)
  count_t visitors = 0;  ///< visitors in the period (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept { return leads >= 0 && visitors > 0 && leads <= visitors; }
};

/**
 * @brief Visitor -> lead conversion: leads / visitors.
 * @returns a rate.
 * Source: 000_9949ba3a3098aa87.txt line 198 names it (visitors who leave their contact details)
 * without a formula; this is the standard definition, the first step of the visitor -> lead ->
 * customer funnel (crm::funnel for all steps at once).
 * Errors: visitors zero or negative; leads negative; leads > visitors.
 *
 * **Example**
 *     crm::visitor_to_lead({.leads = 200, .visitors = 10'000}).percent() == 2.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_visitor_to_lead(const visitor_counts& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error({detail::check_count("visitor_to_lead", "leads", in.leads),
                                      detail::check_count_positive("visitor_to_lead", "visitors", in.visitors),
                                      detail::check_part("visitor_to_lead", "leads", in.leads, in.visitors, "must not exceed visitors")}))
      return e;
  }
  return rate<T>{count_ratio<T>(in.leads, in.visitors)};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> visitor_to_lead(const visitor_counts& in) {
  return try_visitor_to_lead<T>(in).value();
}

// --- funnel --------------------------------------------------------------------------------------

/**
 * @brief Funnel conversion, stage by stage: writes stages[i + 1] / stages[i] into stage_rates[i]
 *        and returns the overall conversion stages.back() / stages.front().
 * @param stages counts at each stage, widest first (visitors, leads, customers, ...); at least 2,
 *        none negative, none larger than the stage before it.
 * @param stage_rates output: exactly stages.size() - 1 rates. Left unspecified on error.
 * @returns the overall conversion as a rate.
 * Source: 003_f1c74d43239c9d2b.txt line 14 (sales-funnel report) and 000_9949ba3a3098aa87.txt lines
 * 196-202 (visitor -> lead -> customer conversion) name it without a formula; this is the standard
 * stage-to-stage definition. The product of the stage rates equals the overall rate.
 * Errors: fewer than 2 stages (empty_input); stage_rates of the wrong size (out_of_range); a
 * negative stage; a stage larger than the one before; a zero stage followed by another stage (its
 * next rate would be 0/0: zero denominator).
 * No allocation.
 *
 * **Example**
 *     std::array<crm::rate<double>, 2> steps{};
 *     const std::array<crm::count_t, 3> counts{10'000, 200, 30};
 *     crm::funnel(counts, steps);   // steps: 2 %, 15 %; returns 0.3 %
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_funnel(std::span<const count_t> stages, std::span<rate<T>> stage_rates) noexcept(
    std::is_arithmetic_v<T>) {
  if (stages.size() < 2) return error_info{errc::empty_input, "funnel", "stages", "needs at least 2 stages"};
  if (stage_rates.size() != stages.size() - 1)
    return error_info{errc::out_of_range, "funnel", "stage_rates", "must hold stages.size() - 1 rates"};
  for (std::size_t i = 0; i < stages.size(); ++i) {
    if (stages[i] < 0) return error_info{errc::negative, "funnel", "stages"};
    if (i > 0 && stages[i - 1] < stages[i])
      return error_info{errc::part_exceeds_whole, "funnel", "stages", "each stage must not exceed the stage before it"};
  }
  for (std::size_t i = 0; i + 1 < stages.size(); ++i) {
    if (stages[i] == 0)
      return error_info{errc::zero_denominator, "funnel", "stages", "a stage with zero count has a following stage"};
    stage_rates[i] = rate<T>{count_ratio<T>(stages[i + 1], stages[i])};
  }
  return rate<T>{count_ratio<T>(stages.back(), stages.front())};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> funnel(std::span<const count_t> stages, std::span<rate<T>> stage_rates) {
  return try_funnel<T>(stages, stage_rates).value();
}

/// Stage-to-stage and overall conversion of a funnel of N stages (N >= 2).
template <number T, std::size_t N>
struct funnel_conversion {
  std::array<rate<T>, N - 1> stage_rates{};  ///< stage_rates[i] = stages[i + 1] / stages[i]
  rate<T> overall{};                         ///< last stage / first stage
};

/**
 * @brief Funnel conversion of a fixed number of stages, returned by value (no allocation).
 * @returns crm::funnel_conversion<T, N>: the N - 1 stage rates and the overall rate.
 * Same definition, source and errors as the span form above.
 *
 * **Example**
 *     const auto f = crm::funnel(std::array<crm::count_t, 3>{10'000, 200, 30});
 *     // f.stage_rates = {2 %, 15 %}, f.overall = 0.3 %
 */
template <number T = double, std::size_t N>
  requires(N >= 2)
[[nodiscard]] constexpr result<funnel_conversion<T, N>> try_funnel(const std::array<count_t, N>& stages) noexcept(
    std::is_arithmetic_v<T>) {
  funnel_conversion<T, N> out{};
  const result<rate<T>> overall = try_funnel<T>(std::span<const count_t>(stages), std::span<rate<T>>(out.stage_rates));
  if (!overall) return overall.error();
  out.overall = *overall;
  return out;
}
template <number T = double, std::size_t N>
  requires(N >= 2)
[[nodiscard]] constexpr funnel_conversion<T, N> funnel(const std::array<count_t, N>& stages) {
  return try_funnel<T, N>(stages).value();
}

// --- customer base -------------------------------------------------------------------------------

/// Customer counts of one period, for the number of new customers.
struct customer_flow {
  count_t customers_at_start = 0;  ///< customers at the start of the period (>= 0)
  count_t customers_at_end = 0;    ///< customers at the end of the period (>= 0)
  count_t customers_lost = 0;      ///< customers lost during the period (>= 0, <= customers_at_start)
  [[nodiscard]] constexpr bool ok() const noexcept {
    return customers_at_start >= 0 && customers_lost >= 0 && customers_lost <= customers_at_start &&
           customers_at_end >= customers_at_start - customers_lost;
  }
};

/**
 * @brief Number of new customers of a period: customers_at_end - customers_at_start + customers_lost.
 * @returns a count.
 * Source: 000_9949ba3a3098aa87.txt lines 18-20 name it (counted by acquisition source) without a
 * formula; when new customers are not counted directly this is the balance of the customer base
 * (end = start - lost + new), the same balance that underlies the retention rate of 001 line 36.
 * Errors: a negative count; customers_lost > customers_at_start; customers_at_end below
 * customers_at_start - customers_lost (errc::out_of_range, field "customers_at_end": the three
 * counts are inconsistent and new customers would be negative). The result never overflows.
 *
 * **Example**
 *     crm::new_customers({.customers_at_start = 1'000, .customers_at_end = 1'100, .customers_lost = 50}) == 150
 */
[[nodiscard]] constexpr result<count_t> try_new_customers(const customer_flow& in) noexcept {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error(
            {detail::check_count("new_customers", "customers_at_start", in.customers_at_start),
             detail::check_count("new_customers", "customers_at_end", in.customers_at_end),
             detail::check_count("new_customers", "customers_lost", in.customers_lost),
             detail::check_part("new_customers", "customers_lost", in.customers_lost, in.customers_at_start,
                                "must not exceed customers_at_start")}))
      return e;
    if (in.customers_at_end < in.customers_at_start - in.customers_lost)
      return error_info{errc::out_of_range, "new_customers", "customers_at_end",
                        "must be at least customers_at_start - customers_lost, or new customers would be negative"};
  }
  // end - (start - lost): start - lost is in [0, start] and at most end, so nothing overflows.
  return in.customers_at_end - (in.customers_at_start - in.customers_lost);
}
[[nodiscard]] constexpr count_t new_customers(const customer_flow& in) { return try_new_customers(in).value(); }

/// Customer base at the start and the end of a period.
struct customer_base {
  count_t customers_at_start = 0;  ///< customers at the start of the period (> 0)
  count_t customers_at_end = 0;    ///< customers at the end of the period (>= 0)
  [[nodiscard]] constexpr bool ok() const noexcept { return customers_at_start > 0 && customers_at_end >= 0; }
};

/**
 * @brief Customer-base growth rate: (customers_at_end - customers_at_start) / customers_at_start.
 * @returns a rate; negative when the base shrank.
 * Source: 000_9949ba3a3098aa87.txt line 70 ("growth of the customer base", counted as registered
 * users, subscribers or buyers) names it without a formula; this is the standard period growth rate.
 * Errors: customers_at_start zero or negative; customers_at_end negative.
 *
 * **Example**
 *     crm::customer_base_growth({.customers_at_start = 1'000, .customers_at_end = 1'100}).percent() == 10.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_customer_base_growth(const customer_base& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error(
            {detail::check_count_positive("customer_base_growth", "customers_at_start", in.customers_at_start),
             detail::check_count("customer_base_growth", "customers_at_end", in.customers_at_end)})) return e;
  }
  // the difference in count_t first (end >= 0, start > 0: it cannot overflow), then one rounding
  // to T: converting each count first lost the difference (float: 20,000,001 vs 20,000,000 gave 0)
  return rate<T>{count_ratio<T>(in.customers_at_end - in.customers_at_start, in.customers_at_start)};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> customer_base_growth(const customer_base& in) {
  return try_customer_base_growth<T>(in).value();
}

// --- acquisition cost and channels ---------------------------------------------------------------

/// Acquisition spend and the new customers it brought (for the whole business or one channel).
template <number T = double>
struct acquisition_costs {
  T marketing_and_sales_cost{};  ///< all marketing and sales costs of the period (money, >= 0)
  count_t new_customers = 0;     ///< new customers of the same period (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_non_negative(marketing_and_sales_cost) && new_customers > 0;
  }
};

/**
 * @brief Customer acquisition cost: marketing_and_sales_cost / new_customers.
 * @returns money per new customer; exact in a decimal type whenever the quotient terminates.
 * Source: 001_15fb4e46a87cf176.txt line 48, "Все затраты на маркетинг и продажи ÷ Количество
 * новых клиентов". Per channel: pass the channel's costs and the channel's new customers, or use
 * crm::channel_breakdown.
 * Errors: new_customers zero or negative; marketing_and_sales_cost negative or not finite.
 *
 * **Example**
 *     crm::cac({.marketing_and_sales_cost = 50'000.0, .new_customers = 125}).amount == 400.0
 */
template <number T = double>
[[nodiscard]] constexpr result<money<T>> try_cac(const acquisition_costs<T>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error({detail::check_non_negative("cac", "marketing_and_sales_cost", in.marketing_and_sales_cost),
                                      detail::check_count_positive("cac", "new_customers", in.new_customers)}))
      return e;
  }
  return money<T>{divide_by_count(in.marketing_and_sales_cost, in.new_customers)};
}
template <number T = double>
[[nodiscard]] constexpr money<T> cac(const acquisition_costs<T>& in) {
  return try_cac(in).value();
}

/// New customers of one channel out of all new customers.
struct channel_counts {
  count_t channel_new_customers = 0;  ///< new customers who came through the channel (>= 0)
  count_t all_new_customers = 0;      ///< new customers of all channels, same period (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept {
    return channel_new_customers >= 0 && all_new_customers > 0 && channel_new_customers <= all_new_customers;
  }
};

/**
 * @brief Channel share of new customers: channel_new_customers / all_new_customers.
 * @returns a rate.
 * Source: 003_f1c74d43239c9d2b.txt line 38 (which acquisition channel brings the most customers)
 * and 000_9949ba3a3098aa87.txt line 20 (new customers by acquisition source) name it without a
 * formula; this is the standard share of a total.
 * Errors: all_new_customers zero or negative; channel_new_customers negative or larger than
 * all_new_customers.
 *
 * **Example**
 *     crm::channel_share({.channel_new_customers = 30, .all_new_customers = 120}).percent() == 25.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_channel_share(const channel_counts& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error(
            {detail::check_count("channel_share", "channel_new_customers", in.channel_new_customers),
             detail::check_count_positive("channel_share", "all_new_customers", in.all_new_customers),
             detail::check_part("channel_share", "channel_new_customers", in.channel_new_customers, in.all_new_customers,
                                "must not exceed all_new_customers")})) return e;
  }
  return rate<T>{count_ratio<T>(in.channel_new_customers, in.all_new_customers)};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> channel_share(const channel_counts& in) {
  return try_channel_share<T>(in).value();
}

/// One acquisition channel: its spend and the new customers it brought.
template <number T = double>
struct acquisition_channel {
  T cost{};                   ///< spend on the channel (money, >= 0)
  count_t new_customers = 0;  ///< new customers from the channel (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_non_negative(cost) && new_customers > 0;
  }
};

/// Share of new customers and CAC of one channel.
template <number T = double>
struct channel_result {
  rate<T> share{};  ///< channel new customers / all new customers
  money<T> cac{};   ///< channel cost / channel new customers
};

/**
 * @brief Per-channel share of new customers and CAC: for each channel i,
 *        out[i].share = new_customers_i / sum of new_customers, out[i].cac = cost_i / new_customers_i.
 * @param channels every channel of the period (the shares add up to 1).
 * @param out output, exactly channels.size() entries. Left unspecified on error.
 * @returns the blended CAC of all channels: total cost / total new customers.
 * Source: 001 line 48 (CAC) per channel, and 003_f1c74d43239c9d2b.txt lines 37-38 and 45 (channel
 * effectiveness, to spread investment over the best channels).
 * Errors: no channels (empty_input); out of the wrong size (out_of_range); a channel with zero
 * or negative new customers (its CAC is undefined); a cost negative or not finite; new customers
 * whose sum exceeds count_t (errc::overflow, field "new_customers"). Costs whose sum exceeds T
 * are not an error: the blended CAC is then summed per customer.
 * No allocation.
 *
 * **Example**
 *     const std::array<crm::acquisition_channel<double>, 2> ch{{{.cost = 6'000.0, .new_customers = 30},
 *                                                              {.cost = 3'000.0, .new_customers = 90}}};
 *     std::array<crm::channel_result<double>, 2> out{};
 *     crm::channel_breakdown<double>(ch, out);  // 25 % at 200, 75 % at 33.33; blended CAC 75
 */
template <number T = double>
[[nodiscard]] constexpr result<money<T>> try_channel_breakdown(std::span<const acquisition_channel<T>> channels,
                                                               std::span<channel_result<T>> out) noexcept(std::is_arithmetic_v<T>) {
  if (channels.empty()) return error_info{errc::empty_input, "channel_breakdown", "channels"};
  if (out.size() != channels.size())
    return error_info{errc::out_of_range, "channel_breakdown", "out", "must hold one entry per channel"};
  count_t all_new = 0;
  T all_cost = number_traits<T>::zero();
  for (const acquisition_channel<T>& c : channels) {
    if (!c.ok()) [[unlikely]] {
      if (auto e = detail::first_error({detail::check_non_negative("channel_breakdown", "cost", c.cost),
                                        detail::check_count_positive("channel_breakdown", "new_customers", c.new_customers)}))
        return e;
    }
    if (detail::sum_overflows(all_new, c.new_customers)) [[unlikely]]
      return detail::overflow_error("channel_breakdown", "new_customers", "their sum over the channels exceeds count_t");
    all_new += c.new_customers;
    all_cost += c.cost;
  }
  for (std::size_t i = 0; i < channels.size(); ++i) {
    out[i].share = rate<T>{count_ratio<T>(channels[i].new_customers, all_new)};
    out[i].cac = money<T>{divide_by_count(channels[i].cost, channels[i].new_customers)};
  }
  if (detail::fast_finite(all_cost)) [[likely]]
    return money<T>{divide_by_count(all_cost, all_new)};
  // The costs sum beyond T; their blended CAC does not: sum the costs per customer instead.
  T blended = number_traits<T>::zero();
  for (const acquisition_channel<T>& c : channels) blended += divide_by_count(c.cost, all_new);
  return money<T>{blended};
}
template <number T = double>
[[nodiscard]] constexpr money<T> channel_breakdown(std::span<const acquisition_channel<T>> channels,
                                                   std::span<channel_result<T>> out) {
  return try_channel_breakdown<T>(channels, out).value();
}

CRM_METRICS_END_NAMESPACE

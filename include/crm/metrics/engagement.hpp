// crm-metrics: web and social engagement metrics: web bounce rate, engagement rate, reach rate, subscriber growth.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// The documents name these metrics (004_27df46bff09b8c6f.txt lines 98, 227-229 and 373-377;
// 000_9949ba3a3098aa87.txt lines 184-186) and give no formula except the description of the bounce
// rate (004 line 229). The library follows the standard web and social-media analytics definitions
// written at each function. Three metrics share the word "bounce"; this header has the web one
// (web_bounce_rate); <crm/metrics/email.hpp> has email_bounce_rate (undeliverable mail) and
// email_refusal_rate (the documents' e-mail "отказы").
#pragma once

#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>
#include <crm/detail/duration.hpp>

#include <chrono>
#include <ratio>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE

/// Web-site traffic over a period.
struct site_traffic {
  count_t sessions = 0;              ///< visits (sessions)
  count_t single_page_sessions = 0;  ///< visits that left after the first page without interacting
  count_t unique_visitors = 0;       ///< distinct visitors in the period
  count_t returning_visitors = 0;    ///< of those, visitors who had visited before the period or earlier in it
  [[nodiscard]] constexpr bool ok() const noexcept {
    return sessions >= 0 && single_page_sessions >= 0 && unique_visitors >= 0 && returning_visitors >= 0 &&
           single_page_sessions <= sessions && returning_visitors <= unique_visitors;
  }
};

/// Activity of a social-media account or post over a period.
struct social_stats {
  count_t followers = 0;    ///< subscribers of the account
  count_t reach = 0;        ///< distinct people who saw the content (may include non-followers)
  count_t impressions = 0;  ///< times the content was shown
  count_t likes = 0;
  count_t comments = 0;
  count_t shares = 0;  ///< reposts
  count_t clicks = 0;  ///< clicks on the link of the post
  /// Interactions: likes + comments + shares (004 line 374; 000 line 185). Precondition: the sum
  /// fits count_t (the engagement metrics check it and report errc::overflow).
  [[nodiscard]] constexpr count_t interactions() const noexcept { return likes + comments + shares; }
  [[nodiscard]] constexpr bool ok() const noexcept {
    return followers >= 0 && reach >= 0 && impressions >= 0 && likes >= 0 && comments >= 0 && shares >= 0 &&
           clicks >= 0 && clicks <= impressions;
  }
};

/// Subscribers (followers, newsletter subscribers) at the start and end of a period, and new ones.
struct subscriber_counts {
  count_t at_start = 0;         ///< subscribers at the start of the period
  count_t at_end = 0;           ///< subscribers at the end of the period
  count_t new_subscribers = 0;  ///< subscribed during the period
  /// Consistent counts: at_end - at_start cannot exceed the new subscribers.
  [[nodiscard]] constexpr bool ok() const noexcept {
    return at_start > 0 && at_end >= 0 && new_subscribers >= 0 && at_end - at_start <= new_subscribers;
  }
};

namespace detail {
/// part / whole for counts: part >= 0, whole > 0; part <= whole only when `relation` (the detail of
/// the error, e.g. "must not exceed sessions") is not null.
template <number T>
[[nodiscard]] constexpr result<rate<T>> engagement_share(const char* metric, const char* part_field, count_t part,
                                                         const char* whole_field, count_t whole,
                                                         const char* relation) noexcept(std::is_arithmetic_v<T>) {
  if (auto e = first_error({check_count(metric, part_field, part), check_count_positive(metric, whole_field, whole)}))
    return e;
  if (relation != nullptr && whole < part) return error_info{errc::part_exceeds_whole, metric, part_field, relation};
  return rate<T>{count_ratio<T>(part, whole)};
}

/// likes + comments + shares, each checked >= 0 and their sum checked against count_t.
[[nodiscard]] constexpr error_info check_interactions(const char* metric, const social_stats& in) noexcept {
  if (auto e = first_error({check_count(metric, "likes", in.likes), check_count(metric, "comments", in.comments),
                            check_count(metric, "shares", in.shares)}))
    return e;
  if (sum_overflows(in.likes, in.comments) || sum_overflows(in.likes + in.comments, in.shares))
    return overflow_error(metric, "interactions", "likes + comments + shares exceeds count_t");
  return {};
}
}  // namespace detail

/**
 * @brief Web bounce rate: single-page sessions / sessions.
 * @returns a rate in [0, 1]. Not an e-mail metric (see email_bounce_rate, email_refusal_rate).
 * Source: 004_27df46bff09b8c6f.txt line 229 ("Показатель отказов": the share of users who leave the
 * site right after opening the first page; also the table at line 238); counted per session, the
 * standard web-analytics definition.
 * Errors: a negative count; sessions zero; single_page_sessions > sessions.
 *
 * **Example**
 *     crm::web_bounce_rate({.sessions = 5000, .single_page_sessions = 2100}).percent() == 42.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_web_bounce_rate(const site_traffic& in) noexcept(std::is_arithmetic_v<T>) {
  return detail::engagement_share<T>("web_bounce_rate", "single_page_sessions", in.single_page_sessions, "sessions",
                                     in.sessions, "must not exceed sessions");
}
template <number T = double>
[[nodiscard]] constexpr rate<T> web_bounce_rate(const site_traffic& in) {
  return try_web_bounce_rate<T>(in).value();
}

/**
 * @brief Returning-visitor share: returning visitors / unique visitors.
 * @returns a rate in [0, 1].
 * Source: the standard web-analytics "returning users" share; 004_27df46bff09b8c6f.txt line 98 names
 * repeat visits ("Повторные посещения") without a formula.
 * Errors: a negative count; unique_visitors zero; returning_visitors > unique_visitors.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_returning_visitor_share(const site_traffic& in) noexcept(
    std::is_arithmetic_v<T>) {
  return detail::engagement_share<T>("returning_visitor_share", "returning_visitors", in.returning_visitors,
                                     "unique_visitors", in.unique_visitors, "must not exceed unique_visitors");
}
template <number T = double>
[[nodiscard]] constexpr rate<T> returning_visitor_share(const site_traffic& in) {
  return try_returning_visitor_share<T>(in).value();
}

/**
 * @brief Engagement rate by reach (ERR): (likes + comments + shares) / reach.
 * @returns a rate; it may exceed 1, since one person can like, comment and share.
 * Source: the standard social-media definition (interactions / reach); 004_27df46bff09b8c6f.txt
 * lines 373-374 and 000_9949ba3a3098aa87.txt lines 185-186 name engagement and reach.
 * Errors: a negative count; reach zero; likes + comments + shares beyond count_t (errc::overflow,
 * field "interactions").
 *
 * **Example**
 *     crm::engagement_rate_by_reach({.reach = 2000, .likes = 90, .comments = 6, .shares = 4}).percent() == 5.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_engagement_rate_by_reach(const social_stats& in) noexcept(
    std::is_arithmetic_v<T>) {
  constexpr const char* m = "engagement_rate_by_reach";
  if (auto e = detail::check_interactions(m, in)) return e;
  return detail::engagement_share<T>(m, "interactions", in.interactions(), "reach", in.reach, nullptr);
}
template <number T = double>
[[nodiscard]] constexpr rate<T> engagement_rate_by_reach(const social_stats& in) {
  return try_engagement_rate_by_reach<T>(in).value();
}

/**
 * @brief Engagement rate by followers: (likes + comments + shares) / followers.
 * @returns a rate; it may exceed 1 (non-followers interact too).
 * Source: the standard social-media definition (interactions / followers); 000_9949ba3a3098aa87.txt
 * lines 184-185 (subscriber count, engagement). Differs from engagement_rate_by_reach whenever reach
 * differs from the follower count.
 * Errors: a negative count; followers zero; likes + comments + shares beyond count_t
 * (errc::overflow, field "interactions").
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_engagement_rate_by_followers(const social_stats& in) noexcept(
    std::is_arithmetic_v<T>) {
  constexpr const char* m = "engagement_rate_by_followers";
  if (auto e = detail::check_interactions(m, in)) return e;
  return detail::engagement_share<T>(m, "interactions", in.interactions(), "followers", in.followers, nullptr);
}
template <number T = double>
[[nodiscard]] constexpr rate<T> engagement_rate_by_followers(const social_stats& in) {
  return try_engagement_rate_by_followers<T>(in).value();
}

/**
 * @brief Reach rate: reach / followers.
 * @returns a rate; above 1 when the content reached people beyond the followers.
 * Source: the standard social-media definition; 004_27df46bff09b8c6f.txt line 373 ("Охват": how many
 * people saw the content).
 * Errors: a negative count; followers zero.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_reach_rate(const social_stats& in) noexcept(std::is_arithmetic_v<T>) {
  return detail::engagement_share<T>("reach_rate", "reach", in.reach, "followers", in.followers, nullptr);
}
template <number T = double>
[[nodiscard]] constexpr rate<T> reach_rate(const social_stats& in) {
  return try_reach_rate<T>(in).value();
}

/**
 * @brief Click-through rate of a post: clicks / impressions.
 * @returns a rate in [0, 1].
 * Source: 004_27df46bff09b8c6f.txt line 375 ("CTR: the percentage of users who followed the link from
 * your post"), computed over impressions, the standard advertising and social definition.
 * Errors: a negative count; impressions zero; clicks > impressions.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_post_click_through_rate(const social_stats& in) noexcept(
    std::is_arithmetic_v<T>) {
  return detail::engagement_share<T>("post_click_through_rate", "clicks", in.clicks, "impressions", in.impressions,
                                     "must not exceed impressions");
}
template <number T = double>
[[nodiscard]] constexpr rate<T> post_click_through_rate(const social_stats& in) {
  return try_post_click_through_rate<T>(in).value();
}

/**
 * @brief Subscriber growth rate (net): (at_end - at_start) / at_start.
 * @returns a rate; negative when the audience shrank (never below -1).
 * Source: the standard audience-growth definition; 004_27df46bff09b8c6f.txt line 376 ("Показатель
 * роста подписчиков") and 000_9949ba3a3098aa87.txt line 70 (base growth in subscribers) name it.
 * Variant: new_subscriber_rate (gross: new / at_start, ignores unsubscribes).
 * Errors: a negative count; at_start zero.
 *
 * **Example**
 *     crm::subscriber_growth_rate({.at_start = 4000, .at_end = 4300}).percent() == 7.5
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_subscriber_growth_rate(const subscriber_counts& in) noexcept(
    std::is_arithmetic_v<T>) {
  constexpr const char* m = "subscriber_growth_rate";
  if (auto e = detail::first_error({detail::check_count(m, "at_end", in.at_end), detail::check_count_positive(m, "at_start", in.at_start)}))
    return e;
  return rate<T>{count_ratio<T>(in.at_end - in.at_start, in.at_start)};  // at_end >= 0, at_start > 0: no overflow
}
template <number T = double>
[[nodiscard]] constexpr rate<T> subscriber_growth_rate(const subscriber_counts& in) {
  return try_subscriber_growth_rate<T>(in).value();
}

/**
 * @brief New-subscriber rate (gross growth): new subscribers / at_start.
 * @returns a rate (>= 0; may exceed 1).
 * Source: the standard gross audience-growth definition (as subscriber_growth_rate, without
 * subtracting the subscribers who left).
 * Errors: a negative count; at_start zero.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_new_subscriber_rate(const subscriber_counts& in) noexcept(
    std::is_arithmetic_v<T>) {
  return detail::engagement_share<T>("new_subscriber_rate", "new_subscribers", in.new_subscribers, "at_start",
                                     in.at_start, nullptr);
}
template <number T = double>
[[nodiscard]] constexpr rate<T> new_subscriber_rate(const subscriber_counts& in) {
  return try_new_subscriber_rate<T>(in).value();
}

/// Total time users spent interacting with content (on a page, watching a post) and the number of interactions.
template <class Rep = double, class Period = std::ratio<1>>
struct interaction_times {
  std::chrono::duration<Rep, Period> total_interaction_time{};  ///< summed over interactions (finite, >= 0)
  count_t interactions = 0;                                     ///< visits or views measured (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<detail::average_rep_t<Rep>>) {
    return detail::duration_total_ok(total_interaction_time, interactions);
  }
};

/**
 * @brief Average interaction time (also: average time on page): total time / interactions, in the
 * unit of the input.
 * Source: the standard mean; 004_27df46bff09b8c6f.txt line 377 ("Среднее время взаимодействия") and
 * line 228 ("Время на странице").
 * Errors: total_interaction_time negative or not finite; interactions zero or negative.
 *
 * **Example**
 *     using namespace std::chrono_literals;
 *     crm::average_interaction_time({.total_interaction_time = 600s, .interactions = 8}).count() == 75.0
 */
template <class Rep, class Period>
[[nodiscard]] constexpr result<detail::average_duration_t<Rep, Period>> try_average_interaction_time(
    const interaction_times<Rep, Period>& in) noexcept(std::is_arithmetic_v<detail::average_rep_t<Rep>>) {
  return detail::mean_duration("average_interaction_time", "total_interaction_time", in.total_interaction_time,
                               "interactions", in.interactions);
}
template <class Rep, class Period>
[[nodiscard]] constexpr detail::average_duration_t<Rep, Period> average_interaction_time(
    const interaction_times<Rep, Period>& in) {
  return try_average_interaction_time(in).value();
}
/// The same as a braced list with a total in seconds.
[[nodiscard]] constexpr result<seconds<double>> try_average_interaction_time(const interaction_times<>& in) noexcept {
  return try_average_interaction_time<double, std::ratio<1>>(in);
}
[[nodiscard]] constexpr seconds<double> average_interaction_time(const interaction_times<>& in) {
  return try_average_interaction_time(in).value();
}

/**
 * @brief Average interaction time over individual interaction times: their mean, in their unit.
 * Errors: an empty range (errc::empty_input); a negative or non-finite time (field "interaction_times");
 * times whose sum exceeds the representation (errc::overflow, field "interaction_times").
 */
template <duration_range Range>
[[nodiscard]] constexpr auto try_average_interaction_time(const Range& times) {
  return detail::mean_duration_of("average_interaction_time", "interaction_times", times);
}
template <duration_range Range>
[[nodiscard]] constexpr auto average_interaction_time(const Range& times) {
  return try_average_interaction_time(times).value();
}

CRM_METRICS_END_NAMESPACE

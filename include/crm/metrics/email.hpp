// crm-metrics: e-mail campaign metrics: open rate, CTR, click-to-open, unsubscribe, bounce, spam complaints, email ROI.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Every metric reads the fields of one crm::email_campaign<T> it needs, and checks only those
// fields and the relations between them (so a caller who tracks opens but not bounces can still ask
// for the open rate). email_campaign::ok() checks the whole campaign. A braced campaign is an
// email_campaign<double> (a braced list cannot deduce T): write crm::email_roi<float>({...}) or
// pass a crm::email_campaign<float> to compute in another type.
//
// Which base? The documents disagree and the library keeps each definition under its own name:
//   open rate      unique opens / delivered  (001 line 74, 000 line 166; industry default) -> open_rate
//                  unique opens / sent       (000 line 134 "from all recipients")         -> open_rate_of_sent
//   click rate     unique clicks / delivered (001 line 78; industry default)              -> click_through_rate
//                  unique clicks / sent      (000 line 158 "Отклик", line 138 "Клики")    -> click_through_rate_of_sent
//                  unique clicks / unique opens (click-to-open, industry)                 -> click_to_open_rate
//   unsubscribes   unsubscribed / delivered  (industry default)                           -> unsubscribe_rate
//                  unsubscribed / sent       (000 line 142 "from all recipients")         -> unsubscribe_rate_of_sent
//   "отказы"       (unsubscribed + spam complaints) / delivered (000 line 162)           -> email_refusal_rate
//   bounces        undeliverable / sent (industry; not the documents' "отказы")          -> email_bounce_rate ...
// In 000 the "recipients" (получатели) of a mailing are the addresses it was sent to, so
// "÷ all recipients" is computed over `sent`.
//
// Relations enforced (a violation is errc::part_exceeds_whole naming the part as the field and the
// relation in the detail: "crm::open_rate: unique_opens is larger than its whole (must not exceed
// delivered)"):
//   delivered <= sent; delivered + hard_bounces + soft_bounces <= sent;
//   unique_opens, unique_clicks, unsubscribed, spam_complaints each <= delivered;
//   unsubscribed + spam_complaints <= delivered (email_refusal_rate only);
//   conversions <= sent (a conversion is a recipient who acted, 000 line 146);
//   unique_clicks <= unique_opens only in click_to_open_rate: image blocking lets a recipient click
//   without a tracked open, so the other metrics do not require it.
#pragma once

#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>
#include <crm/metrics/revenue.hpp>

#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE

/// The counts of one e-mail mailing (all counts are unique recipients) and its money.
template <number T = double>
struct email_campaign {
  count_t sent = 0;             ///< messages sent: every address the mailing went to ("recipients" in 000)
  count_t delivered = 0;        ///< accepted by the receiving servers
  count_t unique_opens = 0;     ///< recipients who opened at least once
  count_t unique_clicks = 0;    ///< recipients who clicked a link at least once
  count_t conversions = 0;      ///< recipients who completed the target action (purchase, form)
  count_t unsubscribed = 0;     ///< recipients who unsubscribed from this mailing
  count_t spam_complaints = 0;  ///< recipients who marked it as spam
  count_t hard_bounces = 0;     ///< permanently undeliverable (unknown address, blocked domain)
  count_t soft_bounces = 0;     ///< temporarily undeliverable (mailbox full, server down)
  T revenue{};                  ///< income attributed to the mailing (money, >= 0)
  T cost{};                     ///< cost of the mailing (money, > 0 for email_roi)

  /// true when every count is >= 0, every relation listed at the top of the header holds (except
  /// the two that a single metric requires: unsubscribed + spam_complaints <= delivered and
  /// unique_clicks <= unique_opens), and revenue and cost are finite and >= 0.
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>);
};

namespace detail {

/// part / whole for two counts of an e-mail campaign: both >= 0, whole > 0, part <= whole (else
/// part_exceeds_whole with `relation` as the detail, e.g. "must not exceed delivered").
template <number T>
[[nodiscard]] constexpr result<rate<T>> email_share(const char* metric, const char* part_field, count_t part,
                                                    const char* whole_field, count_t whole,
                                                    const char* relation) noexcept(std::is_arithmetic_v<T>) {
  if (auto e = first_error({check_count(metric, part_field, part), check_count_positive(metric, whole_field, whole)}))
    return e;
  if (whole < part) return error_info{errc::part_exceeds_whole, metric, part_field, relation};
  return rate<T>{count_ratio<T>(part, whole)};
}

/// delivered <= sent, checked by every metric whose base is `sent` and that also reads delivered.
[[nodiscard]] constexpr error_info email_check_delivery(const char* metric, count_t sent, count_t delivered) noexcept {
  return first_error({check_count(metric, "sent", sent), check_count(metric, "delivered", delivered),
                      check_part(metric, "delivered", delivered, sent, "must not exceed sent")});
}

}  // namespace detail

template <number T>
constexpr bool email_campaign<T>::ok() const noexcept(std::is_arithmetic_v<T>) {
  constexpr const char* m = "email_campaign";
  if (sent < 0 || delivered < 0 || unique_opens < 0 || unique_clicks < 0 || conversions < 0 || unsubscribed < 0 ||
      spam_complaints < 0 || hard_bounces < 0 || soft_bounces < 0 || sent < delivered)
    return false;
  // delivered + hard_bounces + soft_bounces <= sent, written so that no sum can overflow.
  const count_t undelivered = sent - delivered;
  return hard_bounces <= undelivered && soft_bounces <= undelivered - hard_bounces && unique_opens <= delivered &&
         unique_clicks <= delivered && conversions <= sent && unsubscribed <= delivered &&
         spam_complaints <= delivered && !detail::check_non_negative(m, "revenue", revenue) &&
         !detail::check_non_negative(m, "cost", cost);
}

/**
 * @brief Open rate: unique opens / delivered. The industry default and the documents' formula.
 * @returns a rate in [0, 1].
 * Source: 001_15fb4e46a87cf176.txt line 74 "(Открытия ÷ Доставленные письма) × 100%";
 * 000_9949ba3a3098aa87.txt line 166 ("Коэффициент открытия": opened / delivered).
 * Variant: open_rate_of_sent (÷ sent, 000 line 134).
 * Errors: a negative count; delivered zero; unique_opens > delivered.
 *
 * **Example**
 *     crm::open_rate({.delivered = 800, .unique_opens = 200}).percent() == 25.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_open_rate(const email_campaign<T>& c) noexcept(std::is_arithmetic_v<T>) {
  return detail::email_share<T>("open_rate", "unique_opens", c.unique_opens, "delivered", c.delivered,
                                "must not exceed delivered");
}
template <number T = double>
[[nodiscard]] constexpr rate<T> open_rate(const email_campaign<T>& c) {
  return try_open_rate(c).value();
}

/**
 * @brief Open rate over every message sent: unique opens / sent.
 * @returns a rate in [0, 1]; lower than open_rate when some messages bounced.
 * Source: 000_9949ba3a3098aa87.txt line 134 ("Открытия": share of recipients who opened, "from the
 * total number of recipients").
 * Errors: a negative count; sent zero; delivered > sent; unique_opens > delivered.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_open_rate_of_sent(const email_campaign<T>& c) noexcept(
    std::is_arithmetic_v<T>) {
  constexpr const char* m = "open_rate_of_sent";
  if (auto e = detail::first_error({detail::email_check_delivery(m, c.sent, c.delivered),
                                    detail::check_count(m, "unique_opens", c.unique_opens),
                                    detail::check_part(m, "unique_opens", c.unique_opens, c.delivered,
                                                           "must not exceed delivered")}))
    return e;
  return detail::email_share<T>(m, "unique_opens", c.unique_opens, "sent", c.sent, "must not exceed sent");
}
template <number T = double>
[[nodiscard]] constexpr rate<T> open_rate_of_sent(const email_campaign<T>& c) {
  return try_open_rate_of_sent(c).value();
}

/**
 * @brief Click-through rate: unique clicks / delivered. The industry default and 001's formula.
 * @returns a rate in [0, 1].
 * Source: 001_15fb4e46a87cf176.txt line 78 "(Клики ÷ Доставленные письма) × 100%".
 * Variants: click_through_rate_of_sent (÷ sent, 000 lines 138 and 158), click_to_open_rate.
 * Errors: a negative count; delivered zero; unique_clicks > delivered.
 *
 * **Example**
 *     crm::click_through_rate({.delivered = 800, .unique_clicks = 40}).percent() == 5.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_click_through_rate(const email_campaign<T>& c) noexcept(
    std::is_arithmetic_v<T>) {
  return detail::email_share<T>("click_through_rate", "unique_clicks", c.unique_clicks, "delivered", c.delivered,
                                "must not exceed delivered");
}
template <number T = double>
[[nodiscard]] constexpr rate<T> click_through_rate(const email_campaign<T>& c) {
  return try_click_through_rate(c).value();
}

/**
 * @brief Click rate over every message sent: unique clicks / sent (the documents' "отклик", response).
 * @returns a rate in [0, 1].
 * Source: 000_9949ba3a3098aa87.txt line 158 ("2. Отклик": clicks / sent messages × 100%); the same
 * quantity as 000 line 138 ("Клики": clickers "from the total number of recipients").
 * Errors: a negative count; sent zero; delivered > sent; unique_clicks > delivered.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_click_through_rate_of_sent(const email_campaign<T>& c) noexcept(
    std::is_arithmetic_v<T>) {
  constexpr const char* m = "click_through_rate_of_sent";
  if (auto e = detail::first_error({detail::email_check_delivery(m, c.sent, c.delivered),
                                    detail::check_count(m, "unique_clicks", c.unique_clicks),
                                    detail::check_part(m, "unique_clicks", c.unique_clicks, c.delivered,
                                                           "must not exceed delivered")}))
    return e;
  return detail::email_share<T>(m, "unique_clicks", c.unique_clicks, "sent", c.sent, "must not exceed sent");
}
template <number T = double>
[[nodiscard]] constexpr rate<T> click_through_rate_of_sent(const email_campaign<T>& c) {
  return try_click_through_rate_of_sent(c).value();
}

/**
 * @brief Click-to-open rate (CTOR): unique clicks / unique opens.
 * @returns a rate in [0, 1]: the share of openers who clicked.
 * Source: standard e-mail analytics definition (catalog section 2: "users expect it beside CTR").
 * Errors: a negative count; unique_opens zero; unique_clicks > unique_opens (opens must be tracked
 * for this metric: a click without a tracked open makes it meaningless).
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_click_to_open_rate(const email_campaign<T>& c) noexcept(
    std::is_arithmetic_v<T>) {
  return detail::email_share<T>("click_to_open_rate", "unique_clicks", c.unique_clicks, "unique_opens",
                                c.unique_opens, "must not exceed unique_opens");
}
template <number T = double>
[[nodiscard]] constexpr rate<T> click_to_open_rate(const email_campaign<T>& c) {
  return try_click_to_open_rate(c).value();
}

/**
 * @brief E-mail conversion rate: conversions / sent.
 * @returns a rate in [0, 1].
 * Source: 000_9949ba3a3098aa87.txt line 154 ("1. Конверсия": conversions / sent messages × 100%);
 * line 146 (share of recipients who completed the target action).
 * Errors: a negative count; sent zero; conversions > sent.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_email_conversion_rate(const email_campaign<T>& c) noexcept(
    std::is_arithmetic_v<T>) {
  return detail::email_share<T>("email_conversion_rate", "conversions", c.conversions, "sent", c.sent,
                                "must not exceed sent");
}
template <number T = double>
[[nodiscard]] constexpr rate<T> email_conversion_rate(const email_campaign<T>& c) {
  return try_email_conversion_rate(c).value();
}

/**
 * @brief The documents' e-mail "refusals" (отказы): (unsubscribed + spam complaints) / delivered.
 * @returns a rate in [0, 1]. Not a bounce rate (see email_bounce_rate) nor a web bounce rate.
 * Source: 000_9949ba3a3098aa87.txt line 162 ("3. Отказы": recipients who unsubscribed or marked the
 * mail as spam, divided by delivered messages × 100%).
 * Errors: a negative count; delivered zero; unsubscribed + spam_complaints > delivered.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_email_refusal_rate(const email_campaign<T>& c) noexcept(
    std::is_arithmetic_v<T>) {
  constexpr const char* m = "email_refusal_rate";
  if (auto e = detail::first_error({detail::check_count(m, "unsubscribed", c.unsubscribed),
                                    detail::check_count(m, "spam_complaints", c.spam_complaints),
                                    detail::check_count_positive(m, "delivered", c.delivered)}))
    return e;
  if (c.delivered < c.unsubscribed || c.delivered - c.unsubscribed < c.spam_complaints)  // no sum: it could overflow
    return error_info{errc::part_exceeds_whole, m, "unsubscribed", "unsubscribed + spam_complaints must not exceed delivered"};
  return rate<T>{count_ratio<T>(c.unsubscribed + c.spam_complaints, c.delivered)};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> email_refusal_rate(const email_campaign<T>& c) {
  return try_email_refusal_rate(c).value();
}

/**
 * @brief Unsubscribe rate: unsubscribed / delivered (the industry default).
 * @returns a rate in [0, 1].
 * Source: standard e-mail analytics definition (catalog section 2); 000 divides by all recipients
 * instead: see unsubscribe_rate_of_sent.
 * Errors: a negative count; delivered zero; unsubscribed > delivered.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_unsubscribe_rate(const email_campaign<T>& c) noexcept(
    std::is_arithmetic_v<T>) {
  return detail::email_share<T>("unsubscribe_rate", "unsubscribed", c.unsubscribed, "delivered", c.delivered,
                                "must not exceed delivered");
}
template <number T = double>
[[nodiscard]] constexpr rate<T> unsubscribe_rate(const email_campaign<T>& c) {
  return try_unsubscribe_rate(c).value();
}

/**
 * @brief Unsubscribe rate over every message sent: unsubscribed / sent.
 * @returns a rate in [0, 1].
 * Source: 000_9949ba3a3098aa87.txt line 142 ("Отписки": share of recipients who unsubscribed "from
 * the total number of recipients").
 * Errors: a negative count; sent zero; delivered > sent; unsubscribed > delivered.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_unsubscribe_rate_of_sent(const email_campaign<T>& c) noexcept(
    std::is_arithmetic_v<T>) {
  constexpr const char* m = "unsubscribe_rate_of_sent";
  if (auto e = detail::first_error({detail::email_check_delivery(m, c.sent, c.delivered),
                                    detail::check_count(m, "unsubscribed", c.unsubscribed),
                                    detail::check_part(m, "unsubscribed", c.unsubscribed, c.delivered,
                                                           "must not exceed delivered")}))
    return e;
  return detail::email_share<T>(m, "unsubscribed", c.unsubscribed, "sent", c.sent, "must not exceed sent");
}
template <number T = double>
[[nodiscard]] constexpr rate<T> unsubscribe_rate_of_sent(const email_campaign<T>& c) {
  return try_unsubscribe_rate_of_sent(c).value();
}

/**
 * @brief Spam-complaint rate: spam complaints / delivered.
 * @returns a rate in [0, 1] (mailbox providers treat about 0.1 % as the alarm level).
 * Source: standard definition used by mailbox providers' postmaster tools (complaints / delivered).
 * Errors: a negative count; delivered zero; spam_complaints > delivered.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_spam_complaint_rate(const email_campaign<T>& c) noexcept(
    std::is_arithmetic_v<T>) {
  return detail::email_share<T>("spam_complaint_rate", "spam_complaints", c.spam_complaints, "delivered",
                                c.delivered, "must not exceed delivered");
}
template <number T = double>
[[nodiscard]] constexpr rate<T> spam_complaint_rate(const email_campaign<T>& c) {
  return try_spam_complaint_rate(c).value();
}

/**
 * @brief Delivery rate: delivered / sent.
 * @returns a rate in [0, 1].
 * Source: standard e-mail analytics definition (the complement of the bounce rate when every
 * undelivered message is counted as a bounce).
 * Errors: a negative count; sent zero; delivered > sent.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_delivery_rate(const email_campaign<T>& c) noexcept(
    std::is_arithmetic_v<T>) {
  return detail::email_share<T>("delivery_rate", "delivered", c.delivered, "sent", c.sent, "must not exceed sent");
}
template <number T = double>
[[nodiscard]] constexpr rate<T> delivery_rate(const email_campaign<T>& c) {
  return try_delivery_rate(c).value();
}

namespace detail {
/// (hard bounces if count_hard) + (soft bounces if count_soft) over sent, after checking sent > 0,
/// delivered <= sent and delivered + hard_bounces + soft_bounces <= sent (written so that no sum
/// can overflow).
template <number T>
[[nodiscard]] constexpr result<rate<T>> email_bounce_share(const char* metric, bool count_hard, bool count_soft,
                                                           count_t sent, count_t delivered, count_t hard_bounces,
                                                           count_t soft_bounces) noexcept(std::is_arithmetic_v<T>) {
  if (auto e = first_error({check_count_positive(metric, "sent", sent), check_count(metric, "delivered", delivered),
                            check_count(metric, "hard_bounces", hard_bounces),
                            check_count(metric, "soft_bounces", soft_bounces),
                            check_part(metric, "delivered", delivered, sent, "must not exceed sent")}))
    return e;
  const count_t undelivered = sent - delivered;
  if (undelivered < hard_bounces)
    return error_info{errc::part_exceeds_whole, metric, "hard_bounces", "delivered + hard_bounces + soft_bounces must not exceed sent"};
  if (undelivered - hard_bounces < soft_bounces)
    return error_info{errc::part_exceeds_whole, metric, "soft_bounces", "delivered + hard_bounces + soft_bounces must not exceed sent"};
  const count_t bounced = (count_hard ? hard_bounces : 0) + (count_soft ? soft_bounces : 0);
  return rate<T>{count_ratio<T>(bounced, sent)};
}
}  // namespace detail

/**
 * @brief E-mail bounce rate: (hard bounces + soft bounces) / sent.
 * @returns a rate in [0, 1]. Not the documents' "отказы" (email_refusal_rate) nor web_bounce_rate.
 * Source: standard e-mail analytics definition (undeliverable / sent; catalog section 2, "bounce").
 * Errors: a negative count; sent zero; delivered > sent; delivered + hard_bounces + soft_bounces > sent.
 *
 * **Example**
 *     crm::email_bounce_rate({.sent = 1000, .delivered = 960, .hard_bounces = 10, .soft_bounces = 30})
 *         .percent() == 4.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_email_bounce_rate(const email_campaign<T>& c) noexcept(
    std::is_arithmetic_v<T>) {
  return detail::email_bounce_share<T>("email_bounce_rate", true, true, c.sent, c.delivered, c.hard_bounces,
                                       c.soft_bounces);
}
template <number T = double>
[[nodiscard]] constexpr rate<T> email_bounce_rate(const email_campaign<T>& c) {
  return try_email_bounce_rate(c).value();
}

/**
 * @brief Hard-bounce rate: hard bounces / sent (permanently undeliverable addresses).
 * @returns a rate in [0, 1].
 * Source: standard e-mail analytics definition (catalog section 2, "bounce").
 * Errors: as email_bounce_rate.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_email_hard_bounce_rate(const email_campaign<T>& c) noexcept(
    std::is_arithmetic_v<T>) {
  return detail::email_bounce_share<T>("email_hard_bounce_rate", true, false, c.sent, c.delivered, c.hard_bounces,
                                       c.soft_bounces);
}
template <number T = double>
[[nodiscard]] constexpr rate<T> email_hard_bounce_rate(const email_campaign<T>& c) {
  return try_email_hard_bounce_rate(c).value();
}

/**
 * @brief Soft-bounce rate: soft bounces / sent (temporarily undeliverable).
 * @returns a rate in [0, 1].
 * Source: standard e-mail analytics definition (catalog section 2, "bounce").
 * Errors: as email_bounce_rate.
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_email_soft_bounce_rate(const email_campaign<T>& c) noexcept(
    std::is_arithmetic_v<T>) {
  return detail::email_bounce_share<T>("email_soft_bounce_rate", false, true, c.sent, c.delivered, c.hard_bounces,
                                       c.soft_bounces);
}
template <number T = double>
[[nodiscard]] constexpr rate<T> email_soft_bounce_rate(const email_campaign<T>& c) {
  return try_email_soft_bounce_rate(c).value();
}

/**
 * @brief E-mail ROI: (revenue - cost) / cost, crm::roi applied to the mailing's revenue and cost.
 * @returns a rate (1.5 = 150 %); negative when the mailing lost money.
 * Source: 000_9949ba3a3098aa87.txt line 170 ("5. ROI": (income - mailing costs) / costs × 100%).
 * Errors: as crm::roi (cost zero, negative or not finite; revenue negative or not finite), reported
 * under the metric name "email_roi".
 *
 * **Example**
 *     crm::email_roi({.revenue = 45'000.0, .cost = 15'000.0}).percent() == 200.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_email_roi(const email_campaign<T>& c) noexcept(std::is_arithmetic_v<T>) {
  result<rate<T>> r = try_roi(investment<T>{.revenue = c.revenue, .cost = c.cost});
  if (r) return r;
  error_info e = r.error();
  e.metric = "email_roi";
  return e;
}
template <number T = double>
[[nodiscard]] constexpr rate<T> email_roi(const email_campaign<T>& c) {
  return try_email_roi(c).value();
}

CRM_METRICS_END_NAMESPACE

// Tests of <crm/metrics/email.hpp>: open rate, CTR, click-to-open, conversion, refusals,
// unsubscribes, spam complaints, delivery and bounce rates, email ROI.
//
// The seeds state the e-mail formulas but give no worked numbers, so every reference value below is
// the seed's formula applied by hand to one campaign, written out in the comment.
#include "catch.hpp"
#include "limits_helpers.hpp"

#include <crm/format.hpp>
#include <crm/metrics/email.hpp>
#include <crm/multiprecision.hpp>

#include <fmt/format.h>

#include <limits>
#include <string>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace email_test {

namespace {

// |a - b| <= 64 ulp-ish of T, relative to max(1, |b|).
template <class T>
bool close(const T& a, const T& b) {
  const T eps = std::numeric_limits<T>::epsilon() * T(64);
  const T diff = a > b ? T(a - b) : T(b - a);
  const T mag = b < T(0) ? T(-b) : b;
  return diff <= eps * (mag > T(1) ? mag : T(1));
}

// One mailing used throughout: 1000 sent, 960 delivered (10 hard + 30 soft bounces), 240 unique
// opens, 48 unique clicks, 12 conversions, 6 unsubscribes, 2 spam complaints, 45 000 revenue for a
// 15 000 cost.
template <class T>
constexpr crm::email_campaign<T> campaign() {
  return {.sent = 1000,
          .delivered = 960,
          .unique_opens = 240,
          .unique_clicks = 48,
          .conversions = 12,
          .unsubscribed = 6,
          .spam_complaints = 2,
          .hard_bounces = 10,
          .soft_bounces = 30,
          .revenue = T(45000),
          .cost = T(15000)};
}

}  // namespace

// Compile-time evaluation of the double forms.
static_assert(crm::open_rate(campaign<double>()).fraction == 0.25);            // 240 / 960
static_assert(crm::click_through_rate(campaign<double>()).fraction == 0.05);  // 48 / 960
static_assert(crm::click_to_open_rate(campaign<double>()).fraction == 0.2);   // 48 / 240
static_assert(crm::email_bounce_rate(campaign<double>()).fraction == 0.04);   // 40 / 1000
static_assert(crm::email_roi(campaign<double>()).fraction == 2.0);            // (45000 - 15000) / 15000
static_assert(crm::open_rate({.delivered = 800, .unique_opens = 200}).percent() == 25.0);  // braced list, T = double
static_assert(!crm::try_open_rate({.delivered = 0}).has_value());
static_assert(campaign<double>().ok());
static_assert(std::is_trivially_copyable_v<crm::email_campaign<double>>);
static_assert(std::is_aggregate_v<crm::email_campaign<double>>);

TEMPLATE_TEST_CASE("email: the seeds' formulas on one campaign, for every number type", "[email]", float, double,
                   long double, crm::decimal50, crm::quad) {
  using T = TestType;
  const crm::email_campaign<T> c = campaign<T>();
  REQUIRE(c.ok());
  // 001_15fb4e46a87cf176.txt line 74, 000_9949ba3a3098aa87.txt line 166: opens / delivered = 240 / 960 = 25 %.
  CHECK(close(crm::open_rate(c).percent(), T(25)));
  // 000_9949ba3a3098aa87.txt line 134 ("from all recipients"): 240 / 1000 = 24 %.
  CHECK(close(crm::open_rate_of_sent(c).percent(), T(24)));
  // 001_15fb4e46a87cf176.txt line 78: clicks / delivered = 48 / 960 = 5 %.
  CHECK(close(crm::click_through_rate(c).percent(), T(5)));
  // 000_9949ba3a3098aa87.txt line 158 ("Отклик") and line 138 ("Клики"): clicks / sent = 48 / 1000 = 4.8 %.
  CHECK(close(crm::click_through_rate_of_sent(c).percent(), T(48) / T(10)));
  // Click-to-open (industry): clicks / opens = 48 / 240 = 20 %.
  CHECK(close(crm::click_to_open_rate(c).percent(), T(20)));
  // 000_9949ba3a3098aa87.txt line 154 ("1. Конверсия"): conversions / sent = 12 / 1000 = 1.2 %.
  CHECK(close(crm::email_conversion_rate(c).percent(), T(12) / T(10)));
  // 000_9949ba3a3098aa87.txt line 162 ("3. Отказы"): (6 + 2) / 960 = 1 / 120 = 0.8333... %.
  CHECK(close(crm::email_refusal_rate(c).fraction, T(1) / T(120)));
  // Industry unsubscribe rate: 6 / 960 = 1 / 160 = 0.625 %.
  CHECK(close(crm::unsubscribe_rate(c).percent(), T(625) / T(1000)));
  // 000_9949ba3a3098aa87.txt line 142 ("Отписки", from all recipients): 6 / 1000 = 0.6 %.
  CHECK(close(crm::unsubscribe_rate_of_sent(c).percent(), T(6) / T(10)));
  // Spam-complaint rate: 2 / 960 = 1 / 480.
  CHECK(close(crm::spam_complaint_rate(c).fraction, T(1) / T(480)));
  // Delivery rate: 960 / 1000 = 96 %; bounce rates: (10 + 30) / 1000 = 4 %, 10 / 1000 = 1 %, 30 / 1000 = 3 %.
  CHECK(close(crm::delivery_rate(c).percent(), T(96)));
  CHECK(close(crm::email_bounce_rate(c).percent(), T(4)));
  CHECK(close(crm::email_hard_bounce_rate(c).percent(), T(1)));
  CHECK(close(crm::email_soft_bounce_rate(c).percent(), T(3)));
  // 000_9949ba3a3098aa87.txt line 170 ("5. ROI"): (45 000 - 15 000) / 15 000 = 200 %.
  CHECK(close(crm::email_roi(c).percent(), T(200)));
  // The try forms give the same values.
  CHECK(crm::try_open_rate(c).value() == crm::open_rate(c));
  CHECK(crm::try_email_refusal_rate(c)->fraction == crm::email_refusal_rate(c).fraction);
}

// docs/errors.md: ok() checks the fields, not each metric's denominator.
TEST_CASE("email: an empty campaign is ok(), and a rate of it is a zero denominator, not a value", "[email][errors]") {
  const crm::email_campaign c{};
  CHECK(c.ok());
  const auto r = crm::try_open_rate(c);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == crm::errc::zero_denominator);
}

TEST_CASE("email: decimal50 gives exact decimal rates where double cannot", "[email]") {
  using crm::decimal50;
  const crm::email_campaign<decimal50> c = campaign<decimal50>();
  // Over 1000 sent, 12 and 48 are exact decimals: the shares are exactly 0.012 and 0.048.
  // (cpp_dec_float divides through a reciprocal, so only divisors like 1000 give exact quotients.)
  CHECK(crm::email_conversion_rate(c).fraction == decimal50("0.012"));
  CHECK(crm::click_through_rate_of_sent(c).fraction == decimal50("0.048"));
  CHECK(crm::unsubscribe_rate_of_sent(c).fraction == decimal50("0.006"));
  // Decimal money: revenue 1100.10 for cost 1000.00 is ROI (100.10 / 1000) = 10.01 % exactly;
  // in double 1100.10 is not representable and the ROI comes out as 10.00999...
  const crm::email_campaign<decimal50> money{.revenue = decimal50("1100.10"), .cost = decimal50("1000.00")};
  CHECK(crm::email_roi(money).percent() == decimal50("10.01"));
  CHECK(crm::email_roi({.revenue = 1100.10, .cost = 1000.00}).percent() != 10.01);
}

TEST_CASE("email: definitions that disagree give different values on the same campaign", "[email]") {
  const auto c = campaign<double>();
  // open rate: ÷ delivered (001 line 74) vs ÷ sent (000 line 134): 25 % vs 24 %.
  CHECK(crm::open_rate(c).fraction != crm::open_rate_of_sent(c).fraction);
  CHECK(crm::open_rate(c) > crm::open_rate_of_sent(c));
  // CTR: ÷ delivered (001 line 78), ÷ sent (000 lines 138, 158), ÷ opens (CTOR): 5 %, 4.8 %, 20 %.
  CHECK(crm::click_through_rate(c) > crm::click_through_rate_of_sent(c));
  CHECK(crm::click_to_open_rate(c) > crm::click_through_rate(c));
  // unsubscribes: ÷ delivered (industry) vs ÷ sent (000 line 142); refusals add spam (000 line 162).
  CHECK(crm::unsubscribe_rate(c) > crm::unsubscribe_rate_of_sent(c));
  CHECK(crm::email_refusal_rate(c) > crm::unsubscribe_rate(c));
  // "bounce": the documents' refusals (0.83 %) are not the undeliverable share (4 %).
  CHECK(crm::email_refusal_rate(c).fraction != crm::email_bounce_rate(c).fraction);
  // With nothing bounced the ÷ delivered and ÷ sent forms agree.
  const crm::email_campaign<double> clean{.sent = 500, .delivered = 500, .unique_opens = 100, .unique_clicks = 20};
  CHECK(crm::open_rate(clean) == crm::open_rate_of_sent(clean));
  CHECK(crm::click_through_rate(clean) == crm::click_through_rate_of_sent(clean));
}

TEST_CASE("email: a click without a tracked open is allowed except in click-to-open", "[email]") {
  // Image blocking: 30 unique clicks, only 20 tracked opens. CTR is fine, CTOR is an error.
  const crm::email_campaign<double> c{.sent = 100, .delivered = 100, .unique_opens = 20, .unique_clicks = 30};
  CHECK(crm::click_through_rate(c).percent() == 30.0);
  CHECK(crm::try_click_to_open_rate(c).error().code == crm::errc::part_exceeds_whole);
  CHECK_THROWS_WITH(crm::click_to_open_rate(c),
                    "crm::click_to_open_rate: unique_clicks is larger than its whole (must not exceed unique_opens)");
}

namespace {
using try_fn = crm::result<crm::rate<double>> (*)(const crm::email_campaign<double>&);
using throw_fn = crm::rate<double> (*)(const crm::email_campaign<double>&);
struct metric_case {
  const char* name;
  try_fn try_form;
  throw_fn throwing_form;
};
#define CRM_EMAIL_METRIC(name) metric_case{#name, &crm::try_##name<double>, &crm::name<double>}

// Checks that both forms report `code` on `field` for campaign `c`.
void check_error(const metric_case& m, const crm::email_campaign<double>& c, crm::errc code, const char* field) {
  INFO(m.name << " field " << field);
  const auto r = m.try_form(c);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == code);
  CHECK(std::string(r.error().metric) == m.name);
  CHECK(std::string(r.error().field) == field);
  try {
    (void)m.throwing_form(c);
    FAIL("no exception from " << m.name);
  } catch (const crm::metric_error& e) {
    CHECK(e.code() == code);
    CHECK(std::string(e.field()) == field);
    CHECK(std::string(e.what()).find(std::string("crm::") + m.name + ": " + field) == 0);
  }
}
}  // namespace

TEST_CASE("email: zero denominators, negative counts and parts larger than their whole, both forms", "[email][errors]") {
  using crm::errc;
  const auto good = campaign<double>();
  auto with = [&](auto change) {
    crm::email_campaign<double> c = good;
    change(c);
    return c;
  };
  const auto zero_delivered = with([](auto& c) { c.delivered = 0; c.unique_opens = 0; c.unique_clicks = 0; c.unsubscribed = 0; c.spam_complaints = 0; });
  const auto zero_sent = crm::email_campaign<double>{};
  const auto neg_opens = with([](auto& c) { c.unique_opens = -1; });
  const auto neg_clicks = with([](auto& c) { c.unique_clicks = -5; });
  const auto opens_gt_delivered = with([](auto& c) { c.unique_opens = 961; });
  const auto clicks_gt_delivered = with([](auto& c) { c.unique_clicks = 961; c.unique_opens = 961; });
  const auto delivered_gt_sent = with([](auto& c) { c.delivered = 1001; });

  const metric_case open = CRM_EMAIL_METRIC(open_rate);
  check_error(open, zero_delivered, errc::zero_denominator, "delivered");
  check_error(open, neg_opens, errc::negative, "unique_opens");
  check_error(open, opens_gt_delivered, errc::part_exceeds_whole, "unique_opens");

  const metric_case open_sent = CRM_EMAIL_METRIC(open_rate_of_sent);
  check_error(open_sent, zero_sent, errc::zero_denominator, "sent");
  check_error(open_sent, delivered_gt_sent, errc::part_exceeds_whole, "delivered");
  check_error(open_sent, opens_gt_delivered, errc::part_exceeds_whole, "unique_opens");
  check_error(open_sent, neg_opens, errc::negative, "unique_opens");

  const metric_case ctr = CRM_EMAIL_METRIC(click_through_rate);
  check_error(ctr, zero_delivered, errc::zero_denominator, "delivered");
  check_error(ctr, neg_clicks, errc::negative, "unique_clicks");
  check_error(ctr, clicks_gt_delivered, errc::part_exceeds_whole, "unique_clicks");

  const metric_case ctr_sent = CRM_EMAIL_METRIC(click_through_rate_of_sent);
  check_error(ctr_sent, zero_sent, errc::zero_denominator, "sent");
  check_error(ctr_sent, delivered_gt_sent, errc::part_exceeds_whole, "delivered");
  check_error(ctr_sent, clicks_gt_delivered, errc::part_exceeds_whole, "unique_clicks");

  const metric_case ctor = CRM_EMAIL_METRIC(click_to_open_rate);
  check_error(ctor, with([](auto& c) { c.unique_opens = 0; c.unique_clicks = 0; }), errc::zero_denominator,
              "unique_opens");
  check_error(ctor, neg_clicks, errc::negative, "unique_clicks");

  const metric_case conv = CRM_EMAIL_METRIC(email_conversion_rate);
  check_error(conv, zero_sent, errc::zero_denominator, "sent");
  check_error(conv, with([](auto& c) { c.conversions = -1; }), errc::negative, "conversions");
  check_error(conv, with([](auto& c) { c.conversions = 1001; }), errc::part_exceeds_whole, "conversions");

  const metric_case refusal = CRM_EMAIL_METRIC(email_refusal_rate);
  check_error(refusal, zero_delivered, errc::zero_denominator, "delivered");
  check_error(refusal, with([](auto& c) { c.spam_complaints = -1; }), errc::negative, "spam_complaints");
  check_error(refusal, with([](auto& c) { c.unsubscribed = 500; c.spam_complaints = 461; }),
              errc::part_exceeds_whole, "unsubscribed");

  const metric_case unsub = CRM_EMAIL_METRIC(unsubscribe_rate);
  check_error(unsub, zero_delivered, errc::zero_denominator, "delivered");
  check_error(unsub, with([](auto& c) { c.unsubscribed = -2; }), errc::negative, "unsubscribed");
  check_error(unsub, with([](auto& c) { c.unsubscribed = 961; }), errc::part_exceeds_whole, "unsubscribed");

  const metric_case unsub_sent = CRM_EMAIL_METRIC(unsubscribe_rate_of_sent);
  check_error(unsub_sent, zero_sent, errc::zero_denominator, "sent");
  check_error(unsub_sent, delivered_gt_sent, errc::part_exceeds_whole, "delivered");
  check_error(unsub_sent, with([](auto& c) { c.unsubscribed = 961; }), errc::part_exceeds_whole, "unsubscribed");

  const metric_case spam = CRM_EMAIL_METRIC(spam_complaint_rate);
  check_error(spam, zero_delivered, errc::zero_denominator, "delivered");
  check_error(spam, with([](auto& c) { c.spam_complaints = 961; }), errc::part_exceeds_whole, "spam_complaints");

  const metric_case delivery = CRM_EMAIL_METRIC(delivery_rate);
  check_error(delivery, zero_sent, errc::zero_denominator, "sent");
  check_error(delivery, delivered_gt_sent, errc::part_exceeds_whole, "delivered");
  check_error(delivery, with([](auto& c) { c.delivered = -1; }), errc::negative, "delivered");

  for (const metric_case& bounce : {CRM_EMAIL_METRIC(email_bounce_rate), CRM_EMAIL_METRIC(email_hard_bounce_rate),
                                    CRM_EMAIL_METRIC(email_soft_bounce_rate)}) {
    check_error(bounce, zero_sent, errc::zero_denominator, "sent");
    check_error(bounce, delivered_gt_sent, errc::part_exceeds_whole, "delivered");
    check_error(bounce, with([](auto& c) { c.hard_bounces = -1; }), errc::negative, "hard_bounces");
    check_error(bounce, with([](auto& c) { c.soft_bounces = -1; }), errc::negative, "soft_bounces");
    // 960 delivered + 10 + 31 bounced = 1001 > 1000 sent: the soft bounces are one too many.
    check_error(bounce, with([](auto& c) { c.soft_bounces = 31; }), errc::part_exceeds_whole, "soft_bounces");
    // 960 delivered + 41 hard bounces = 1001 > 1000 sent.
    check_error(bounce, with([](auto& c) { c.hard_bounces = 41; c.soft_bounces = 0; }), errc::part_exceeds_whole,
                "hard_bounces");
  }
}

TEST_CASE("email_roi: money errors are crm::roi's, named email_roi", "[email][errors]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(crm::email_roi({.revenue = 100.0, .cost = 0.0}), "crm::email_roi: cost is zero (zero denominator)");
  CHECK_THROWS_WITH(crm::email_roi({.revenue = -1.0, .cost = 10.0}), "crm::email_roi: revenue is negative");
  CHECK_THROWS_AS(crm::email_roi({.revenue = nan, .cost = 10.0}), crm::metric_error);
  CHECK(crm::try_email_roi({.revenue = 1.0, .cost = inf}).error().code == crm::errc::not_finite);
  CHECK(crm::try_email_roi({.revenue = nan, .cost = 1.0}).error().code == crm::errc::not_finite);
  CHECK(std::string(crm::try_email_roi({.revenue = 1.0, .cost = -3.0}).error().metric) == "email_roi");
  CHECK(crm::try_email_roi({.revenue = 1.0, .cost = -3.0}).error().code == crm::errc::negative);
  // A mailing that lost money: revenue 5 000 for cost 20 000 is -75 %.
  CHECK(crm::email_roi({.revenue = 5'000.0, .cost = 20'000.0}).percent() == -75.0);
}

TEST_CASE("email_campaign: ok() checks every count and relation", "[email]") {
  CHECK(campaign<double>().ok());
  CHECK(crm::email_campaign<double>{}.ok());
  CHECK_FALSE(crm::email_campaign<double>{.sent = 10, .delivered = 11}.ok());
  CHECK_FALSE(crm::email_campaign<double>{.sent = 10, .delivered = 8, .hard_bounces = 2, .soft_bounces = 1}.ok());
  CHECK_FALSE(crm::email_campaign<double>{.sent = 10, .delivered = 8, .unique_opens = 9}.ok());
  CHECK_FALSE(crm::email_campaign<double>{.sent = 10, .delivered = 8, .unique_clicks = 9}.ok());
  CHECK_FALSE(crm::email_campaign<double>{.sent = 10, .delivered = 8, .spam_complaints = -1}.ok());
  CHECK_FALSE(crm::email_campaign<double>{.revenue = std::numeric_limits<double>::quiet_NaN()}.ok());
  // Clicks above tracked opens is a valid campaign (only click_to_open_rate refuses it).
  CHECK(crm::email_campaign<double>{.sent = 10, .delivered = 10, .unique_opens = 2, .unique_clicks = 3}.ok());
}

TEST_CASE("email: rates print as percents", "[email][format]") {
  const auto c = campaign<double>();
  CHECK(fmt::format("{}", crm::open_rate(c)) == "25%");
  CHECK(fmt::format("{}", crm::click_through_rate_of_sent(c)) == "4.8%");
  CHECK(fmt::format("{:.3}", crm::email_refusal_rate(c)) == "0.833%");
  CHECK(fmt::format("{}", crm::email_roi(campaign<crm::decimal50>())) == "200%");
}

// --- exact decimal division and the limits of the number types -----------------------------------------

TEST_CASE("email: every rate is exact in decimal50 whenever it terminates", "[email][exact]") {
  using D = crm::decimal50;
  // Hand arithmetic on a campaign whose bases (3000 sent, 2400 delivered, 600 opens) have a factor 3,
  // where a division through D(n) (a rounded reciprocal) would miss.
  const crm::email_campaign<D> c{.sent = 3000, .delivered = 2400, .unique_opens = 600, .unique_clicks = 120,
                                 .conversions = 30, .unsubscribed = 12, .spam_complaints = 6, .hard_bounces = 150,
                                 .soft_bounces = 450, .revenue = D("0.75"), .cost = D("0.25")};
  REQUIRE(c.ok());
  CHECK(crm::open_rate(c).fraction == D("0.25"));
  CHECK(crm::open_rate_of_sent(c).fraction == D("0.2"));
  CHECK(crm::click_through_rate(c).fraction == D("0.05"));
  CHECK(crm::click_through_rate_of_sent(c).fraction == D("0.04"));
  CHECK(crm::click_to_open_rate(c).fraction == D("0.2"));
  CHECK(crm::email_conversion_rate(c).fraction == D("0.01"));
  CHECK(crm::email_refusal_rate(c).fraction == D("0.0075"));
  CHECK(crm::unsubscribe_rate(c).fraction == D("0.005"));
  CHECK(crm::unsubscribe_rate_of_sent(c).fraction == D("0.004"));
  CHECK(crm::spam_complaint_rate(c).fraction == D("0.0025"));
  CHECK(crm::delivery_rate(c).fraction == D("0.8"));
  CHECK(crm::email_bounce_rate(c).fraction == D("0.2"));
  CHECK(crm::email_hard_bounce_rate(c).fraction == D("0.05"));
  CHECK(crm::email_soft_bounce_rate(c).fraction == D("0.15"));
  // Money / money goes through cpp_dec_float's rounded reciprocal (docs/metrics/revenue.md): exact
  // here because 1 / 0.25 terminates.
  CHECK(crm::email_roi(c).fraction == D(2));
}

TEMPLATE_TEST_CASE("email: counts and money at the limits of the number types", "[email][limits]", float, double, long double,
                   crm::decimal50, crm::quad) {
  using T = TestType;
  using crm_test::kMaxCount;
  const crm::email_campaign<T> all{.sent = kMaxCount, .delivered = kMaxCount, .unique_opens = kMaxCount,
                                   .unique_clicks = kMaxCount, .conversions = kMaxCount, .unsubscribed = kMaxCount,
                                   .spam_complaints = 0};
  CHECK(all.ok());
  CHECK(crm::open_rate(all).fraction == T(1));
  CHECK(crm::click_to_open_rate(all).fraction == T(1));
  CHECK(crm::email_refusal_rate(all).fraction == T(1));
  // Bounces whose sum (or sum with delivered) exceeds count_t: a clear error and ok() false, never a
  // wrapped (undefined) sum.
  const crm::email_campaign<T> bounced{.sent = kMaxCount, .delivered = 0, .hard_bounces = kMaxCount, .soft_bounces = kMaxCount};
  CHECK_FALSE(bounced.ok());
  const auto b = crm::try_email_bounce_rate(bounced);
  CHECK(b.error().code == crm::errc::part_exceeds_whole);
  CHECK(std::string(b.error().field) == "soft_bounces");
  CHECK(crm::email_hard_bounce_rate(crm::email_campaign<T>{.sent = kMaxCount, .delivered = 0, .hard_bounces = kMaxCount})
            .fraction == T(1));
  const crm::email_campaign<T> refused{.sent = kMaxCount, .delivered = kMaxCount, .unsubscribed = kMaxCount,
                                       .spam_complaints = kMaxCount};
  CHECK(refused.ok());  // each count is within delivered; only their sum is not
  CHECK_FALSE(crm::try_email_refusal_rate(refused).has_value());
  CHECK(crm::message(crm::try_email_refusal_rate(refused).error()) ==
        "crm::email_refusal_rate: unsubscribed is larger than its whole (unsubscribed + spam_complaints must not exceed "
        "delivered)");
  // email_roi reports crm::roi's overflow under its own name.
  const crm::email_campaign<T> huge{.revenue = crm_test::largest<T>(), .cost = crm_test::smallest<T>()};
  crm_test::check_overflow(crm::try_email_roi(huge), [&] { return crm::email_roi(huge); }, "email_roi", "result");
}

}  // namespace email_test

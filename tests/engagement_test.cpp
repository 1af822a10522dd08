// Tests of <crm/metrics/engagement.hpp>: web bounce rate, returning-visitor share, social
// engagement rate (by reach, by followers), reach rate, post CTR, subscriber growth, average
// interaction time.
//
// The seeds name these metrics without formulas (004_27df46bff09b8c6f.txt lines 98, 227-229,
// 373-377; 000_9949ba3a3098aa87.txt lines 184-186), except the description of the bounce rate (004
// line 229). The tests follow the standard web and social-media analytics definitions (named at
// each test); every expected value is hand arithmetic written out beside it.
#include "catch.hpp"
#include "limits_helpers.hpp"

#include <crm/format.hpp>
#include <crm/metrics/engagement.hpp>
#include <crm/multiprecision.hpp>

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <limits>
#include <string>
#include <vector>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace engagement_test {

using namespace std::chrono_literals;

namespace {
template <class T>
bool close(const T& a, const T& b) {
  const T eps = std::numeric_limits<T>::epsilon() * T(64);
  const T diff = a > b ? T(a - b) : T(b - a);
  const T mag = b < T(0) ? T(-b) : b;
  return diff <= eps * (mag > T(1) ? mag : T(1));
}
constexpr crm::site_traffic traffic{
    .sessions = 5000, .single_page_sessions = 2100, .unique_visitors = 3200, .returning_visitors = 800};
constexpr crm::social_stats post{.followers = 8000,
                                 .reach = 2000,
                                 .impressions = 5000,
                                 .likes = 90,
                                 .comments = 6,
                                 .shares = 4,
                                 .clicks = 150};
constexpr crm::subscriber_counts audience{.at_start = 4000, .at_end = 4300, .new_subscribers = 500};
}  // namespace

// Compile-time evaluation of the double forms.
static_assert(crm::web_bounce_rate(traffic).fraction == 0.42);            // 2100 / 5000
static_assert(crm::returning_visitor_share(traffic).fraction == 0.25);    // 800 / 3200
static_assert(post.interactions() == 100);                               // 90 + 6 + 4
static_assert(crm::engagement_rate_by_reach(post).fraction == 0.05);     // 100 / 2000
static_assert(crm::engagement_rate_by_followers(post).fraction == 0.0125);  // 100 / 8000
static_assert(crm::reach_rate(post).fraction == 0.25);                   // 2000 / 8000
static_assert(crm::post_click_through_rate(post).fraction == 0.03);      // 150 / 5000
static_assert(crm::subscriber_growth_rate(audience).fraction == 0.075);  // (4300 - 4000) / 4000
static_assert(crm::new_subscriber_rate(audience).fraction == 0.125);     // 500 / 4000
static_assert(crm::average_interaction_time({.total_interaction_time = 600s, .interactions = 8}).count() == 75.0);
static_assert(traffic.ok() && post.ok() && audience.ok());

TEMPLATE_TEST_CASE("engagement: standard definitions on one site and one post, every number type", "[engagement]",
                   float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // 004_27df46bff09b8c6f.txt line 229 (share leaving after the first page), per session:
  // 2100 / 5000 = 42 %.
  CHECK(close(crm::web_bounce_rate<T>(traffic).percent(), T(42)));
  // Returning-visitor share (004 line 98, repeat visits; standard "returning users" share): 800 / 3200 = 25 %.
  CHECK(close(crm::returning_visitor_share<T>(traffic).percent(), T(25)));
  // Engagement rate by reach (004 lines 373-374): (90 + 6 + 4) / 2000 = 5 %.
  CHECK(close(crm::engagement_rate_by_reach<T>(post).percent(), T(5)));
  // Engagement rate by followers (000 lines 184-185): 100 / 8000 = 1.25 %.
  CHECK(close(crm::engagement_rate_by_followers<T>(post).percent(), T(125) / T(100)));
  // Reach rate (004 line 373): 2000 / 8000 = 25 %.
  CHECK(close(crm::reach_rate<T>(post).percent(), T(25)));
  // Post CTR (004 line 375), over impressions: 150 / 5000 = 3 %.
  CHECK(close(crm::post_click_through_rate<T>(post).percent(), T(3)));
  // Subscriber growth (004 line 376): net (4300 - 4000) / 4000 = 7.5 %; gross 500 / 4000 = 12.5 %.
  CHECK(close(crm::subscriber_growth_rate<T>(audience).percent(), T(75) / T(10)));
  CHECK(close(crm::new_subscriber_rate<T>(audience).percent(), T(125) / T(10)));
  // A shrinking audience: 4000 -> 3600 is -10 %.
  CHECK(close(crm::subscriber_growth_rate<T>({.at_start = 4000, .at_end = 3600}).percent(), T(-10)));
  // Average interaction time (004 line 377): 600 s over 8 interactions = 75 s, in T.
  const crm::interaction_times<T> times{.total_interaction_time = crm::seconds<T>(T(600)), .interactions = 8};
  const crm::seconds<T> avg = crm::average_interaction_time(times);
  CHECK(close(avg.count(), T(75)));
  // Its mean over individual times {30 s, 90 s, 60 s} = 60 s.
  const std::array<crm::seconds<T>, 3> each{crm::seconds<T>(T(30)), crm::seconds<T>(T(90)), crm::seconds<T>(T(60))};
  CHECK(close(crm::average_interaction_time(each).count(), T(60)));
  CHECK(crm::try_web_bounce_rate<T>(traffic)->fraction == crm::web_bounce_rate<T>(traffic).fraction);
}

TEST_CASE("engagement: the two engagement rates and the two growth rates differ on the same input", "[engagement]") {
  // Same interactions, different bases: 5 % of reach vs 1.25 % of followers.
  CHECK(crm::engagement_rate_by_reach(post) > crm::engagement_rate_by_followers(post));
  // When reach equals the follower count they agree.
  const crm::social_stats even{.followers = 2000, .reach = 2000, .likes = 50};
  CHECK(crm::engagement_rate_by_reach(even) == crm::engagement_rate_by_followers(even));
  // Net growth (7.5 %) counts the 200 who left; gross (12.5 %) does not.
  CHECK(crm::new_subscriber_rate(audience) > crm::subscriber_growth_rate(audience));
  // Rates that may exceed 100 %: a viral post reached 3x the followers; interactions above reach.
  CHECK(crm::reach_rate({.followers = 1000, .reach = 3000}).percent() == 300.0);
  CHECK(crm::engagement_rate_by_reach({.reach = 10, .likes = 10, .comments = 5}).percent() == 150.0);
}

TEST_CASE("average_interaction_time: keeps the unit of its input", "[engagement]") {
  // Integer minutes in, floating minutes out: {3 min, 4 min} -> 3.5 min (not truncated to 3).
  const std::vector<std::chrono::minutes> mins{3min, 4min};
  const auto avg = crm::average_interaction_time(mins);
  static_assert(std::is_same_v<decltype(avg), const std::chrono::duration<double, std::ratio<60>>>);
  CHECK(avg.count() == 3.5);
  // A typed struct in hours gives hours: 5 h over 4 = 1.25 h.
  const auto h = crm::average_interaction_time(crm::interaction_times<double, std::ratio<3600>>{
      .total_interaction_time = 5h, .interactions = 4});
  static_assert(std::is_same_v<decltype(h), const crm::hours<double>>);
  CHECK(h.count() == 1.25);
  // A braced list is in seconds: 2 min over 3 = 40 s.
  CHECK(crm::average_interaction_time({.total_interaction_time = 2min, .interactions = 3}).count() == 40.0);
}

TEST_CASE("engagement: bad input is an error naming metric and field, both forms", "[engagement][errors]") {
  using crm::errc;
  CHECK_THROWS_WITH(crm::web_bounce_rate({.sessions = 0}), "crm::web_bounce_rate: sessions is zero (zero denominator)");
  CHECK_THROWS_WITH(crm::web_bounce_rate({.sessions = 10, .single_page_sessions = 11}),
                    "crm::web_bounce_rate: single_page_sessions is larger than its whole (must not exceed sessions)");
  CHECK(crm::try_web_bounce_rate({.sessions = 10, .single_page_sessions = -1}).error().code == errc::negative);
  CHECK(crm::try_web_bounce_rate({.sessions = -10}).error().code == errc::negative);

  CHECK(crm::try_returning_visitor_share({.unique_visitors = 0}).error().code == errc::zero_denominator);
  CHECK(crm::try_returning_visitor_share({.unique_visitors = 5, .returning_visitors = 6}).error().code ==
        errc::part_exceeds_whole);
  CHECK_THROWS_AS(crm::returning_visitor_share({.unique_visitors = 5, .returning_visitors = -6}), crm::metric_error);

  CHECK_THROWS_WITH(crm::engagement_rate_by_reach({.followers = 10}),
                    "crm::engagement_rate_by_reach: reach is zero (zero denominator)");
  CHECK(std::string(crm::try_engagement_rate_by_reach({.reach = 10, .likes = -1}).error().field) == "likes");
  CHECK(std::string(crm::try_engagement_rate_by_reach({.reach = 10, .comments = -1}).error().field) == "comments");
  CHECK(std::string(crm::try_engagement_rate_by_followers({.followers = 10, .shares = -1}).error().field) == "shares");
  CHECK(crm::try_engagement_rate_by_followers({.reach = 10}).error().code == errc::zero_denominator);
  CHECK_THROWS_AS(crm::engagement_rate_by_followers({.followers = -3}), crm::metric_error);

  CHECK(crm::try_reach_rate({.reach = 5}).error().code == errc::zero_denominator);
  CHECK(crm::try_reach_rate({.followers = 5, .reach = -5}).error().code == errc::negative);
  CHECK_THROWS_AS(crm::reach_rate({}), crm::metric_error);

  CHECK_THROWS_WITH(crm::post_click_through_rate({.impressions = 10, .clicks = 11}),
                    "crm::post_click_through_rate: clicks is larger than its whole (must not exceed impressions)");
  CHECK(crm::try_post_click_through_rate({.impressions = 0}).error().code == errc::zero_denominator);
  CHECK(crm::try_post_click_through_rate({.impressions = 5, .clicks = -1}).error().code == errc::negative);

  CHECK_THROWS_WITH(crm::subscriber_growth_rate({.at_start = 0, .at_end = 10}),
                    "crm::subscriber_growth_rate: at_start is zero (zero denominator)");
  CHECK(std::string(crm::try_subscriber_growth_rate({.at_start = 10, .at_end = -1}).error().field) == "at_end");
  CHECK(crm::try_new_subscriber_rate({.at_start = 10, .new_subscribers = -1}).error().code == errc::negative);
  CHECK_THROWS_AS(crm::new_subscriber_rate({.at_start = -1}), crm::metric_error);
  CHECK_FALSE(crm::subscriber_counts{.at_start = 100, .at_end = 200, .new_subscribers = 50}.ok());

  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(crm::average_interaction_time({.total_interaction_time = crm::seconds<double>(nan), .interactions = 2}),
                    "crm::average_interaction_time: total_interaction_time is not finite (NaN or infinity)");
  CHECK(crm::try_average_interaction_time({.total_interaction_time = 5s, .interactions = 0}).error().code ==
        errc::zero_denominator);
  CHECK(crm::try_average_interaction_time({.total_interaction_time = -5s, .interactions = 2}).error().code ==
        errc::negative);
  const std::vector<crm::seconds<double>> none;
  CHECK_THROWS_WITH(crm::average_interaction_time(none), "crm::average_interaction_time: interaction_times is empty");
  const std::vector<std::chrono::seconds> negative{5s, -1s};
  CHECK(crm::try_average_interaction_time(negative).error().code == errc::negative);
  const std::vector<crm::seconds<double>> inf{crm::seconds<double>(std::numeric_limits<double>::infinity())};
  CHECK(crm::try_average_interaction_time(inf).error().code == errc::not_finite);
}

TEST_CASE("engagement: rates print as percents, durations keep their count", "[engagement][format]") {
  CHECK(fmt::format("{}", crm::web_bounce_rate(traffic)) == "42%");
  CHECK(fmt::format("{}", crm::engagement_rate_by_followers(post)) == "1.25%");
  CHECK(fmt::format("{:.1}", crm::subscriber_growth_rate(audience)) == "7.5%");
}

// --- exact decimal division and the limits of the number types -----------------------------------------

TEST_CASE("engagement: rates and average times are exact in decimal50 whenever they terminate", "[engagement][exact]") {
  using D = crm::decimal50;
  // Hand arithmetic; bases with a factor 3, where a division through D(n) would round.
  CHECK(crm::web_bounce_rate<D>({.sessions = 300, .single_page_sessions = 126}).fraction == D("0.42"));
  CHECK(crm::returning_visitor_share<D>({.unique_visitors = 3200, .returning_visitors = 800}).fraction == D("0.25"));
  const crm::social_stats exact_post{.followers = 6000, .reach = 1200, .impressions = 3000, .likes = 54, .comments = 3, .shares = 3,
                               .clicks = 90};
  CHECK(crm::engagement_rate_by_reach<D>(exact_post).fraction == D("0.05"));
  CHECK(crm::engagement_rate_by_followers<D>(exact_post).fraction == D("0.01"));
  CHECK(crm::reach_rate<D>(exact_post).fraction == D("0.2"));
  CHECK(crm::post_click_through_rate<D>(exact_post).fraction == D("0.03"));
  CHECK(crm::subscriber_growth_rate<D>({.at_start = 300, .at_end = 330, .new_subscribers = 60}).fraction == D("0.1"));
  CHECK(crm::new_subscriber_rate<D>({.at_start = 300, .at_end = 330, .new_subscribers = 60}).fraction == D("0.2"));
  const crm::interaction_times<D> times{.total_interaction_time = crm::seconds<D>(D("0.30")), .interactions = 3};
  CHECK(crm::average_interaction_time(times).count() == D("0.10"));
  const std::array<crm::seconds<D>, 3> each{crm::seconds<D>(D("0.10")), crm::seconds<D>(D("0.15")), crm::seconds<D>(D("0.05"))};
  CHECK(crm::average_interaction_time(each).count() == D("0.10"));
}

TEMPLATE_TEST_CASE("engagement: counts and times at the limits of the number types", "[engagement][limits]", float, double,
                   long double, crm::decimal50, crm::quad) {
  using T = TestType;
  using crm_test::kMaxCount;
  // Interactions beyond count_t: errc::overflow naming "interactions", never a wrapped sum.
  const crm::social_stats viral{.followers = 1, .reach = 1, .likes = kMaxCount, .comments = 1};
  crm_test::check_overflow(crm::try_engagement_rate_by_reach<T>(viral), [&] { return crm::engagement_rate_by_reach<T>(viral); },
                           "engagement_rate_by_reach", "interactions");
  crm_test::check_overflow(crm::try_engagement_rate_by_followers<T>(viral),
                           [&] { return crm::engagement_rate_by_followers<T>(viral); }, "engagement_rate_by_followers",
                           "interactions");
  const crm::social_stats most{.followers = 1, .reach = 1, .likes = kMaxCount};
  CHECK(crm::engagement_rate_by_reach<T>(most).fraction == T(kMaxCount));
  CHECK(crm::web_bounce_rate<T>({.sessions = kMaxCount, .single_page_sessions = kMaxCount}).fraction == T(1));
  // Times that sum beyond T: errc::overflow for the range form; a total of big over 1 is big.
  const T big = crm_test::largest<T>();
  const std::array<crm::seconds<T>, 2> long_ones{crm::seconds<T>(big), crm::seconds<T>(big)};
  crm_test::check_overflow(crm::try_average_interaction_time(long_ones), [&] { return crm::average_interaction_time(long_ones); },
                           "average_interaction_time", "interaction_times");
  const crm::interaction_times<T> total{.total_interaction_time = crm::seconds<T>(big), .interactions = 1};
  CHECK(crm::average_interaction_time(total).count() == big);
}

}  // namespace engagement_test

// Compile-time tests of <crm/metrics/engagement.hpp>.
#include <crm/metrics/engagement.hpp>

#include <chrono>

using namespace std::chrono_literals;

static_assert(crm::web_bounce_rate({.sessions = 200, .single_page_sessions = 50}).fraction == 0.25);  // 004 line 229
static_assert(crm::engagement_rate_by_reach({.reach = 400, .likes = 30, .comments = 6, .shares = 4}).fraction == 0.1);
static_assert(crm::engagement_rate_by_followers({.followers = 800, .likes = 40}).fraction == 0.05);
static_assert(crm::reach_rate({.followers = 100, .reach = 150}).fraction == 1.5);
static_assert(crm::post_click_through_rate({.impressions = 1000, .clicks = 25}).fraction == 0.025);
static_assert(crm::subscriber_growth_rate({.at_start = 200, .at_end = 150}).fraction == -0.25);
static_assert(crm::new_subscriber_rate({.at_start = 200, .new_subscribers = 50}).fraction == 0.25);
static_assert(crm::average_interaction_time({.total_interaction_time = 90s, .interactions = 4}).count() == 22.5);
static_assert(crm::try_web_bounce_rate({.sessions = 0}).error().code == crm::errc::zero_denominator);

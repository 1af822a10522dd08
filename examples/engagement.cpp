// crm-metrics example: web and social engagement metrics.
#include <crm/format.hpp>
#include <crm/metrics/engagement.hpp>

#include <fmt/core.h>

#include <chrono>
#include <vector>

int main() {
  using namespace std::chrono_literals;
  const crm::site_traffic site{
      .sessions = 5000, .single_page_sessions = 2100, .unique_visitors = 3200, .returning_visitors = 800};
  fmt::print("web bounce rate (004:229): {}\n", crm::web_bounce_rate(site));
  fmt::print("returning visitors:        {}\n", crm::returning_visitor_share(site));

  const crm::social_stats post{.followers = 8000,
                               .reach = 2000,
                               .impressions = 5000,
                               .likes = 90,
                               .comments = 6,
                               .shares = 4,
                               .clicks = 150};
  fmt::print("engagement rate by reach:     {}\n", crm::engagement_rate_by_reach(post));
  fmt::print("engagement rate by followers: {}\n", crm::engagement_rate_by_followers(post));
  fmt::print("reach rate:                   {}\n", crm::reach_rate(post));
  fmt::print("post CTR:                     {}\n", crm::post_click_through_rate(post));

  const crm::subscriber_counts audience{.at_start = 4000, .at_end = 4300, .new_subscribers = 500};
  fmt::print("subscriber growth (net):   {}\n", crm::subscriber_growth_rate(audience));
  fmt::print("new subscribers (gross):   {}\n", crm::new_subscriber_rate(audience));

  const std::vector<std::chrono::seconds> visits{40s, 95s, 12s, 180s};
  fmt::print("average time on page: {} s\n", crm::average_interaction_time(visits).count());
  return 0;
}

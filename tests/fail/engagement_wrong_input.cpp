// Must not compile: a web bounce rate needs site traffic, not social-media stats.
#include <crm/metrics/engagement.hpp>

int main() {
  const crm::social_stats post{.followers = 10, .reach = 5};
  return static_cast<int>(crm::web_bounce_rate(post).fraction);
}

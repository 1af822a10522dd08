// Compile-time tests of <crm/metrics/email.hpp>: the double forms evaluate in constant expressions,
// the input is a trivially copyable aggregate, and the try form reports errors at compile time.
#include <crm/metrics/email.hpp>

#include <type_traits>

namespace {
constexpr crm::email_campaign<double> mailing{.sent = 1000,
                                              .delivered = 960,
                                              .unique_opens = 240,
                                              .unique_clicks = 48,
                                              .conversions = 12,
                                              .unsubscribed = 6,
                                              .spam_complaints = 2,
                                              .hard_bounces = 10,
                                              .soft_bounces = 30,
                                              .revenue = 45'000.0,
                                              .cost = 15'000.0};
}  // namespace

static_assert(std::is_aggregate_v<crm::email_campaign<double>>);
static_assert(std::is_trivially_copyable_v<crm::email_campaign<double>>);
static_assert(mailing.ok());
static_assert(crm::open_rate(mailing).fraction == 0.25);                   // 240 / 960, 001 line 74
static_assert(crm::open_rate_of_sent(mailing).fraction == 0.24);           // 240 / 1000, 000 line 134
static_assert(crm::click_through_rate(mailing).fraction == 0.05);          // 48 / 960, 001 line 78
static_assert(crm::click_through_rate_of_sent(mailing).fraction == 0.048); // 48 / 1000, 000 line 158
static_assert(crm::email_conversion_rate(mailing).fraction == 0.012);      // 12 / 1000, 000 line 154
static_assert(crm::unsubscribe_rate_of_sent(mailing).fraction == 0.006);   // 6 / 1000, 000 line 142
static_assert(crm::delivery_rate(mailing).fraction == 0.96);               // 960 / 1000
static_assert(crm::email_hard_bounce_rate(mailing).fraction == 0.01);      // 10 / 1000
static_assert(crm::email_soft_bounce_rate(mailing).fraction == 0.03);      // 30 / 1000
static_assert(crm::email_roi(mailing).percent() == 200.0);                 // 000 line 170
static_assert(crm::try_open_rate(crm::email_campaign<double>{}).error().code == crm::errc::zero_denominator);
static_assert(crm::try_email_roi(crm::email_campaign<double>{.revenue = 1.0}).error().code ==
              crm::errc::zero_denominator);
static_assert(noexcept(crm::try_open_rate(mailing)));

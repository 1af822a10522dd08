// crm-metrics example: the e-mail metrics of one mailing, in every definition the documents use.
#include <crm/format.hpp>
#include <crm/metrics/email.hpp>

#include <fmt/core.h>

int main() {
  // 1000 sent, 960 delivered (10 hard + 30 soft bounces), 240 opened, 48 clicked, 12 bought,
  // 6 unsubscribed, 2 marked it as spam; 45 000 revenue for a 15 000 mailing.
  const crm::email_campaign<double> mailing{.sent = 1000,
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
  fmt::print("open rate (÷ delivered, 001:74):          {}\n", crm::open_rate(mailing));
  fmt::print("open rate (÷ sent, 000:134):              {}\n", crm::open_rate_of_sent(mailing));
  fmt::print("CTR (÷ delivered, 001:78):                {}\n", crm::click_through_rate(mailing));
  fmt::print("response / CTR (÷ sent, 000:158):         {}\n", crm::click_through_rate_of_sent(mailing));
  fmt::print("click-to-open rate:                       {}\n", crm::click_to_open_rate(mailing));
  fmt::print("conversion (÷ sent, 000:154):             {}\n", crm::email_conversion_rate(mailing));
  fmt::print("refusals (unsub + spam ÷ delivered, 000:162): {:.2}\n", crm::email_refusal_rate(mailing));
  fmt::print("unsubscribe rate (÷ delivered):           {:.3}\n", crm::unsubscribe_rate(mailing));
  fmt::print("unsubscribe rate (÷ sent, 000:142):       {}\n", crm::unsubscribe_rate_of_sent(mailing));
  fmt::print("spam-complaint rate:                      {:.3}\n", crm::spam_complaint_rate(mailing));
  fmt::print("delivery rate:                            {}\n", crm::delivery_rate(mailing));
  fmt::print("bounce rate (hard {}, soft {}):            {}\n", crm::email_hard_bounce_rate(mailing),
             crm::email_soft_bounce_rate(mailing), crm::email_bounce_rate(mailing));
  fmt::print("email ROI (000:170):                      {}\n", crm::email_roi(mailing));

  // Bad data is reported, not turned into a number.
  const auto broken = crm::try_open_rate(crm::email_campaign<double>{.delivered = 100, .unique_opens = 120});
  if (!broken) fmt::print("invalid campaign: {}\n", crm::message(broken.error()));
  return 0;
}

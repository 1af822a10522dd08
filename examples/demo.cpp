// crm-metrics demo: the worked examples of the source documents, computed and printed.
// Runs on built-in sample data; no input needed.
#include <crm/format.hpp>
#include <crm/metrics.hpp>

#include <fmt/core.h>

int main() {
  fmt::print("crm-metrics {}.{}.{} demo: worked examples of the source documents\n\n",
             CRM_METRICS_VERSION_MAJOR, CRM_METRICS_VERSION_MINOR, CRM_METRICS_VERSION_PATCH);
  // 004_27df46bff09b8c6f.txt line 111
  fmt::print("ROI, 100 000 invested, 250 000 income (004:111): {}\n",
             crm::roi({.revenue = 250'000.0, .cost = 100'000.0}));
  // 004_27df46bff09b8c6f.txt line 269
  fmt::print("ROI, 100 000 spent, 150 000 returned (004:269): {}\n",
             crm::roi({.revenue = 150'000.0, .cost = 100'000.0}));

  // 001_15fb4e46a87cf176.txt lines 74, 78; 000_9949ba3a3098aa87.txt lines 154-170 (illustrative inputs)
  const crm::email_campaign<double> mailing{.sent = 1000, .delivered = 960, .unique_opens = 240,
                                            .unique_clicks = 48, .conversions = 12, .unsubscribed = 6,
                                            .spam_complaints = 2, .revenue = 45'000.0, .cost = 15'000.0};
  fmt::print("Email open rate, 240 opens / 960 delivered (001:74): {}\n", crm::open_rate(mailing));
  fmt::print("Email CTR, 48 clicks / 960 delivered (001:78): {}\n", crm::click_through_rate(mailing));
  fmt::print("Email refusals, (6 + 2) / 960 (000:162): {:.2}\n", crm::email_refusal_rate(mailing));
  fmt::print("Email ROI, 45 000 for 15 000 (000:170): {}\n", crm::email_roi(mailing));
  // 001_15fb4e46a87cf176.txt lines 82-84
  fmt::print("NPS, 50 promoters / 32 passives / 18 detractors (001:84): {}\n",
             crm::nps({.promoters = 50, .passives = 32, .detractors = 18}));
  return 0;
}

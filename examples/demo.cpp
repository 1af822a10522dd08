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
  // 003_f1c74d43239c9d2b.txt lines 32-34: $1000 profit a year against a CAC of $10 or $100
  fmt::print("LTV:CAC, $1000 vs $10 / $100 CAC (003:32-34): {} / {}\n",
             crm::ltv_to_cac({.lifetime_value = 1'000.0, .acquisition_cost = 10.0}),
             crm::ltv_to_cac({.lifetime_value = 1'000.0, .acquisition_cost = 100.0}));
  // 001_15fb4e46a87cf176.txt line 46: CAC above LTV means marketing loses money
  fmt::print("CAC 100 vs LTV 80 loses money (001:46): {}\n",
             crm::acquisition_loses_money(crm::ltv_to_cac({.lifetime_value = 80.0, .acquisition_cost = 100.0})));
  // 001 line 24 vs 002 line 10: one customer, 12 purchases in 3 years at 40
  fmt::print("LTV (001:24) {} vs CLV (002:10) {}\n",
             crm::ltv({.average_check = 40.0, .purchase_frequency = 4.0, .relationship_length = 3.0}),
             crm::clv({.average_check = 40.0, .purchases = 12.0, .customer_lifetime = 3.0}));

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

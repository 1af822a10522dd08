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
  return 0;
}

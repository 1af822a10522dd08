// A consumer of crm-metrics: includes the umbrella header and prints a metric.
#include <crm/metrics.hpp>
#include <crm/format.hpp>

#include <fmt/core.h>

int main() {
  // 004_27df46bff09b8c6f.txt line 111: 100 000 invested, 250 000 returned -> ROI 150 %.
  const auto r = crm::roi({.revenue = 250'000.0, .cost = 100'000.0});
  fmt::print("ROI {}\n", r);
  return r.percent() == 150.0 ? 0 : 1;
}

// Must not compile: ROI over an integer number type (a rate in int truncates to 0 or 1).
#include <crm/metrics/revenue.hpp>

int main() {
  const crm::investment<int> in{.revenue = 250'000, .cost = 100'000};
  return static_cast<int>(crm::roi(in).fraction);
}

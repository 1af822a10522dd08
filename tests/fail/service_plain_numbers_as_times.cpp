// Must not compile: plain numbers are not response times; the unit must be a std::chrono::duration.
#include <crm/metrics/service.hpp>

#include <vector>

int main() {
  const std::vector<double> minutes{3.0, 4.0};
  return static_cast<int>(crm::average_response_time(minutes).count());
}

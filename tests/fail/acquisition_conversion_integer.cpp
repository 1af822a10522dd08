// Must not compile: a conversion rate computed in int (25 / 1000 would be 0).
#include <crm/metrics/acquisition.hpp>

int main() {
  return static_cast<int>(crm::conversion_rate<int>({.actions = 25, .audience = 1'000}).fraction);
}

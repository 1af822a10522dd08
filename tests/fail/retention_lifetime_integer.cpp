// Must not compile: customer lifetime from a churn rate held in an integer type.
#include <crm/metrics/retention.hpp>

int main() {
  return static_cast<int>(crm::customer_lifetime(crm::churn_per_period<int>{.churn_rate = 1}).count);
}

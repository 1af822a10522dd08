// Must not compile: lifetime value in an integer type (LTV inputs such as 0.25 gross margin would truncate).
#include <crm/metrics/revenue.hpp>

int main() {
  const crm::money<long> v = crm::ltv<long>({.average_check = 40, .purchase_frequency = 6, .relationship_length = 3});
  return static_cast<int>(v.amount);
}

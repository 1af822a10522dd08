// Must not compile: an NPS computed in an integer type (the shares would truncate).
#include <crm/metrics/loyalty.hpp>

int main() { return static_cast<int>(crm::nps<long long>({.promoters = 5, .detractors = 1}).points); }

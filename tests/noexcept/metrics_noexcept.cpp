// Built with -fno-exceptions: the try_* forms report errors as values.
#include <crm/metrics.hpp>

#include <cstdio>

int main() {
  const auto ok = crm::try_roi({.revenue = 250'000.0, .cost = 100'000.0});
  const auto bad = crm::try_roi({.revenue = 250'000.0, .cost = 0.0});
  if (!ok || ok->percent() != 150.0) return 1;
  if (bad || bad.error().code != crm::errc::zero_denominator) return 2;
  std::printf("try_roi ok: %g%%, error: %s/%s\n", ok->percent(), bad.error().metric, bad.error().field);
  return 0;
}

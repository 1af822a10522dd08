// Built with -fno-exceptions: an interrupt hook is never asked (crm/core/interrupt.hpp: there is no
// way out of the call without an exception), so the walks over a state run to their end.
#include <crm/aggregate/rfm.hpp>
#include <crm/core/interrupt.hpp>

#include <chrono>
#include <cstddef>
#include <vector>

#include "fail.hpp"

using crm_noexcept::fail;

namespace {
std::size_t asks = 0;
bool always_stop(void*) noexcept {
  ++asks;
  return true;
}
}  // namespace

int main() {
  using namespace std::chrono;
  auto acc = crm::rfm_accumulator<double>::try_create({.calibration_end = sys_days{year{2023} / 12 / 31}, .time_unit = days{7}});
  if (!acc) return fail("not created", 1);
  crm::rfm_accumulator<double> a = *acc;
  std::vector<crm::order<double>> log;
  for (unsigned i = 0; i < 50000; ++i)
    log.push_back({i % 20000 + 1, crm::to_time(sys_days{year{2023} / 1 / 1} + days{i * 7919 % 360}), 1.0});
  if (a.try_add(log).rejected != 0) return fail("rejected", 2);
  const crm::scoped_interrupt_hook guard({&always_stop, nullptr});
  const auto back = crm::rfm_accumulator<double>::try_deserialize(a.serialize());
  if (!back) return fail(crm::message(back.error()).c_str(), 3);
  if (back->rows().size() != 20000) return fail("rows cut short", 4);
  if (asks != 0) return fail("the hook was asked", 5);
  return 0;
}

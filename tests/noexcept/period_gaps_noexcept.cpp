// Built with -fno-exceptions: the time between purchases per period through the try_ forms
// (try_create, try_add, try_gaps, try_deserialize and the metric's try_ form) without throwing.
#include <crm/aggregate/cohort.hpp>

#include <chrono>
#include <cstdio>
#include <vector>

#include "fail.hpp"

using crm_noexcept::fail;

int main() {
  using namespace std::chrono;
  auto acc = crm::period_accumulator<double>::try_create({.first = sys_days{year{2024} / 1 / 1}, .periods = 2, .gaps = true});
  if (!acc) return fail("not created", 1);
  crm::period_accumulator<double> a = *acc;
  // Jan 10 and Jan 20 (a 10-day gap in January), Feb 9 (a 20-day gap in February); one record outside.
  const std::vector<crm::order<double>> log = {{1, crm::to_time(sys_days{year{2024} / 1 / 10}), 1.0},
                                               {1, crm::to_time(sys_days{year{2024} / 2 / 9}), 1.0},
                                               {1, crm::to_time(sys_days{year{2024} / 1 / 20}), 1.0},
                                               {2, crm::to_time(sys_days{year{2024} / 3 / 1}), 1.0}};
  const crm::add_report r = a.try_add(log, crm::on_bad_record::skip);
  if (r.used != 3 || r.rejected != 1) return fail("wrong report", 2);
  const auto back = crm::period_accumulator<double>::try_deserialize(a.serialize());
  if (!back) return fail(crm::message(back.error()).c_str(), 3);
  const auto g = back->try_gaps();
  if (!g || g->size() != 2) return fail("no gaps", 4);
  const auto jan = crm::try_average_time_between_purchases((*g)[0]), feb = crm::try_average_time_between_purchases((*g)[1]);
  if (!jan || jan->count() != 10.0 || !feb || feb->count() != 20.0) return fail("wrong averages", 5);
  auto plain = crm::period_accumulator<double>::try_create({.first = sys_days{year{2024} / 1 / 1}, .periods = 2});
  if (plain->try_gaps().error().code != crm::errc::empty_input) return fail("gaps without the option", 6);
  std::printf("January %.0f days, February %.0f days\n", jan->count(), feb->count());
  return 0;
}

// Built with -fno-exceptions: the fmt formatters of <crm/format.hpp>, <crm/statistics/format.hpp>
// and <crm/multiprecision.hpp> compile and print. Boost without exceptions asks the program to define
// boost::throw_exception (docs/errors.md); this one aborts, as the throwing API does.
#include <crm/format.hpp>
#include <crm/metrics.hpp>
#include <crm/multiprecision.hpp>
#include <crm/statistics.hpp>
#include <crm/statistics/format.hpp>

#include <boost/assert/source_location.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

namespace boost {
void throw_exception(const std::exception&) { std::abort(); }
void throw_exception(const std::exception&, const boost::source_location&) { std::abort(); }
}  // namespace boost

namespace {
int expect(const std::string& got, const char* want, int code) {
  if (got == want) return 0;
  std::printf("expected '%s', got '%s'\n", want, got.c_str());
  return code;
}
}  // namespace

int main() {
  const auto roi = crm::try_roi({.revenue = 250'000.0, .cost = 100'000.0});
  if (!roi) return 1;
  int status = expect(fmt::format("{}", *roi), "150%", 2);
  status |= expect(fmt::format("{:>8.1}", *roi), "  150.0%", 3);
  const auto check = crm::try_average_check<crm::decimal50>({.revenue = crm::decimal50("0.30"), .orders = 3});
  if (!check) return 4;
  status |= expect(fmt::format("{:.2f}", check->amount), "0.10", 5);
  const auto nps = crm::try_nps({.promoters = 50, .passives = 32, .detractors = 18});
  if (!nps) return 6;
  status |= expect(fmt::format("{}", *nps), "NPS +32", 7);
  const auto wilson = crm::try_proportion_interval<double>({.successes = 50, .trials = 400});
  if (!wilson) return 8;
  std::printf("%s\n", fmt::format("{}", *wilson).c_str());
  std::printf("formatters without exceptions: %s %s %s\n", fmt::format("{}", *roi).c_str(),
              fmt::format("{:.2f}", check->amount).c_str(), fmt::format("{}", *nps).c_str());
  return status;
}

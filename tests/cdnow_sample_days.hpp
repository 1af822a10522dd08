// crm-metrics tests: CDNOW_sample.txt read without the library (an independent reading for the
// tests that check the library's own CDNOW results): per sample id, its distinct purchase days.
#pragma once

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace crm_test {
/// Sample id -> distinct purchase days (days since 1997-01-01), from the whitespace-separated
/// "master_id sample_id yyyymmdd quantity amount" lines of CDNOW_sample.txt.
inline std::map<int, std::set<int>> cdnow_sample_days(const std::string& file) {
  std::map<int, std::set<int>> days;
  std::ifstream in(file);
  std::string line;
  const std::chrono::sys_days origin = std::chrono::year{1997} / 1 / 1;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string master, id, date;
    fields >> master >> id >> date;
    if (date.size() != 8) continue;
    const std::chrono::year_month_day ymd{std::chrono::year{std::stoi(date.substr(0, 4))},
                                          std::chrono::month{static_cast<unsigned>(std::stoi(date.substr(4, 2)))},
                                          std::chrono::day{static_cast<unsigned>(std::stoi(date.substr(6, 2)))}};
    days[std::stoi(id)].insert(static_cast<int>((std::chrono::sys_days{ymd} - origin).count()));
  }
  return days;
}
}  // namespace crm_test

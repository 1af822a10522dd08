// crm-report: adding the records of an input file to a library accumulator, with the file's line
// and column named for a record the accumulator refuses (figures.cpp and forecast.cpp).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#pragma once

#include "report.hpp"

#include <crm/aggregate/report.hpp>

#include <algorithm>
#include <span>
#include <string>
#include <vector>

namespace crm_report {

/// Adds every record to an accumulator. A refused record is bad input named by file, line and column;
/// with --skip-bad-rows it is skipped instead, and (when `count`: once per file) counted as rejected.
template <class Acc, class Record>
void add_all(Acc& acc, const std::vector<Record>& records, report& rep, const char* role, bool skip, bool count = true) {
  const auto policy = skip ? crm::on_bad_record::skip : crm::on_bad_record::stop;
  const crm::add_report r = acc.try_add(std::span<const Record>(records), policy);
  if (r.rejected == 0) return;
  input_file& f = *std::find_if(rep.inputs.begin(), rep.inputs.end(), [&](const input_file& x) { return x.role == role; });
  const auto describe = [&](const crm::rejected_record& x) {
    const crm::error_info& e = x.error;
    std::string why = crm::describe(e.code);
    if (e.detail != nullptr && *e.detail != '\0') why += std::string(" (") + e.detail + ")";
    return locate(f, x.index, e.field != nullptr ? e.field : "", why);
  };
  if (!skip) throw input_error(describe(r.first_error()));
  if (!count) return;
  f.used -= static_cast<std::uint64_t>(r.rejected);
  f.rejected += static_cast<std::uint64_t>(r.rejected);
  for (std::size_t k = 0; k < std::min<std::size_t>(r.first_rejections.size(), static_cast<std::size_t>(r.rejected)); ++k)
    if (f.first_rejections.size() < 5) f.first_rejections.push_back(describe(r.first_rejections[k]));
  rep.partial = true;
}

/// "2024-03-31".
[[nodiscard]] std::string iso_date(std::chrono::sys_days d);

}  // namespace crm_report

// crm-metrics: the row-by-row validation loop shared by the model data types.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/models.hpp>
#pragma once

#include <crm/core/error.hpp>

#include <cstddef>
#include <span>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

/// The first row for which check(row, model) reports an error; `errc::empty_input` for no rows.
/// `row` (optional) receives the 0-based index of the bad row.
template <class Row, class Check>
[[nodiscard]] constexpr error_info first_invalid_row(std::span<const Row> rows, const char* model, std::size_t* row,
                                                     Check check) {
  if (rows.empty()) return {errc::empty_input, model, "customers"};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (const error_info e = check(rows[i], model)) {
      if (row != nullptr) *row = i;
      return e;
    }
  }
  return {};
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE

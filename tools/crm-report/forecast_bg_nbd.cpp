// crm-report: the BG/NBD fit of the forecast section and its forecast (forecast_models.hpp).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#include "forecast_models.hpp"

namespace crm_report {

void forecast_bg_nbd(forecast_figures& f, const forecast_inputs& x) {
  f.model = "BG/NBD";
  forecast_detail::forecast_fitted(
      f, crm::try_fit_bg_nbd(x.compressed, forecast_detail::reporting_boundaries()), "a", "b",
      [](const auto& m) { return m.a; }, [](const auto& m) { return m.b; }, x);
}

}  // namespace crm_report

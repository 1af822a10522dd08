// crm-report: the Pareto/NBD fit of the forecast section and its forecast (forecast_models.hpp).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#include "forecast_models.hpp"

namespace crm_report {

void forecast_pareto_nbd(forecast_figures& f, const forecast_inputs& x) {
  f.model = "Pareto/NBD";
  forecast_detail::forecast_fitted(
      f, crm::try_fit_pareto_nbd(x.compressed, forecast_detail::reporting_boundaries()), "s", "beta",
      [](const auto& m) { return m.s; }, [](const auto& m) { return m.beta; }, x);
}

}  // namespace crm_report

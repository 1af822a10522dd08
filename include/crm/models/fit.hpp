// crm-metrics: what every model fit takes and returns: options, convergence report, fit_result.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// All model fits are maximum likelihood: they minimise the mean negative log-likelihood per
// customer plus an optional L2 penalty on the parameters (as the Python package lifetimes does),
// over the logarithms of the parameters so that they stay positive, with a BFGS quasi-Newton method
// and a strong-Wolfe line search (crm/models/detail/optimize.hpp). Standard errors come from the
// inverse Hessian of the unpenalised negative log-likelihood at the optimum.
#pragma once

#include <crm/core/error.hpp>

CRM_METRICS_BEGIN_NAMESPACE

/// Options of every model fit.
struct fit_options {
  /// L2 penalty: the objective is -log L / customers + penalizer * sum(parameter^2) (lifetimes'
  /// `penalizer_coef`). 0 = plain maximum likelihood.
  double penalizer = 0.0;
  int max_iterations = 1000;          ///< BFGS iterations (each with a line search)
  double gradient_tolerance = 1e-7;   ///< stop when max |d objective / d log(parameter)| is below
  double function_tolerance = 1e-12;  ///< or when an iteration changes the objective by less (relative)
};

/// Why the optimizer stopped.
enum class stop_reason {
  gradient_small,         ///< converged: the gradient is below gradient_tolerance
  function_change_small,  ///< converged: the objective no longer changes (function_tolerance)
  max_iterations,         ///< not converged: ran out of iterations
  line_search_failed,     ///< not converged: no step along the search direction decreases the objective
  not_finite,             ///< not converged: the objective or its gradient is NaN or infinite at the start
};

/// A short English phrase for a stop reason (a static string).
[[nodiscard]] constexpr const char* describe(stop_reason r) noexcept {
  switch (r) {
    case stop_reason::gradient_small: return "gradient below tolerance";
    case stop_reason::function_change_small: return "objective change below tolerance";
    case stop_reason::max_iterations: return "maximum number of iterations reached";
    case stop_reason::line_search_failed: return "line search failed to decrease the objective";
    case stop_reason::not_finite: return "objective or gradient not finite";
  }
  return "unknown";
}

/// The optimizer's report.
struct convergence {
  bool converged = false;
  int iterations = 0;            ///< BFGS iterations
  int function_evaluations = 0;  ///< objective-and-gradient evaluations, line searches included
  double gradient_norm = 0.0;    ///< max |d objective / d log(parameter)| at the end
  stop_reason reason = stop_reason::max_iterations;
};

/// A fitted model: parameters, their standard errors (same struct, one SE per parameter),
/// the maximised log-likelihood (unpenalised, summed over customers and weights) and the report.
template <class Params>
struct fit_result {
  Params params{};
  Params standard_errors{};  ///< sqrt of the diagonal of the inverse Hessian of -log L at the optimum
  double log_likelihood = 0.0;
  double customers = 0.0;  ///< sum of the weights
  convergence report{};
};

namespace detail {
/// Validation of fit_options, shared by all fits.
[[nodiscard]] constexpr error_info check_fit_options(const char* model, const fit_options& o) noexcept {
  if (!(o.penalizer >= 0.0) || o.penalizer > 1e300) return {errc::out_of_range, model, "fit_options.penalizer", "must be finite and >= 0"};
  if (o.max_iterations <= 0) return {errc::out_of_range, model, "fit_options.max_iterations", "must be > 0"};
  if (!(o.gradient_tolerance > 0.0) || o.gradient_tolerance > 1e300) return {errc::out_of_range, model, "fit_options.gradient_tolerance", "must be finite and > 0"};
  if (!(o.function_tolerance >= 0.0) || o.function_tolerance > 1e300) return {errc::out_of_range, model, "fit_options.function_tolerance", "must be finite and >= 0"};
  return {};
}
}  // namespace detail

CRM_METRICS_END_NAMESPACE

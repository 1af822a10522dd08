// crm-metrics: what every model fit takes and returns: options, convergence report, fit_result.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// All model fits are maximum likelihood: they minimise the mean negative log-likelihood per
// customer plus an optional L2 penalty on the parameters (as the Python package lifetimes does),
// over the logarithms of the parameters so that they stay positive, with a BFGS quasi-Newton method
// and a strong-Wolfe line search (crm/models/detail/optimize.hpp). Standard errors come from the
// inverse Hessian of the unpenalised negative log-likelihood at the optimum, which the fit keeps
// whole (fit_result::covariance) for the prediction intervals of crm/models/intervals.hpp.
#pragma once

#include <crm/core/error.hpp>

#include <array>
#include <cstddef>

CRM_METRICS_BEGIN_NAMESPACE

/// What a fit of BG/NBD, the modified BG/NBD, Pareto/NBD, BG/BB, sBG, BdW or Gamma-Gamma does when its likelihood has no
/// interior maximum and the optimizer runs to a boundary of the parameter space.
enum class boundary_policy {
  error,   ///< return errc::not_identifiable naming the boundary (the default; existing callers rely on it)
  report,  ///< return the fit with fit_result::boundary filled in (which boundary, nested NBD, LR test)
};

/// Options of every model fit.
struct fit_options {
  /// L2 penalty: the objective is -log L / customers + penalizer * sum(parameter^2) (lifetimes'
  /// `penalizer_coef`). 0 = plain maximum likelihood.
  double penalizer = 0.0;
  int max_iterations = 1000;          ///< BFGS iterations (each with a line search)
  double gradient_tolerance = 1e-7;   ///< stop when max |d objective / d log(parameter)| is below
  double function_tolerance = 1e-12;  ///< or when an iteration changes the objective by less (relative)
  boundary_policy on_boundary = boundary_policy::error;  ///< see crm::boundary_report
  /// Asked before each likelihood evaluation of the optimizer (nullptr: never): returning true stops
  /// the fit with errc::not_converged, detail "interrupted" (stop_reason::interrupted), within one
  /// evaluation, so a host stays responsive to a cancel request during a long fit (the PostgreSQL
  /// extension passes the backend's query-cancel flag). Called with `interrupt_context`; no allocation.
  bool (*interrupt)(void* context) noexcept = nullptr;
  void* interrupt_context = nullptr;  ///< passed to `interrupt`

  /// Whether `interrupt` asks to stop now.
  [[nodiscard]] bool interrupted() const noexcept { return interrupt != nullptr && interrupt(interrupt_context); }
  /// Default options that keep this one's interrupt (for the nested fits a fit makes).
  [[nodiscard]] fit_options interrupt_only() const noexcept {
    fit_options o;
    o.interrupt = interrupt;
    o.interrupt_context = interrupt_context;
    return o;
  }
};

/// Why the optimizer stopped.
enum class stop_reason {
  gradient_small,         ///< converged: the gradient is below gradient_tolerance
  /// the objective no longer changes (function_tolerance) while the gradient is above its tolerance;
  /// converged only when certified: the Newton decrement with the Hessian of the standard errors at
  /// most 1e-6 (the point within 1e-3 standard errors of the maximum), after up to 3 restarts of the
  /// optimizer from that Hessian and then one Newton step; a fit that cannot certify it returns
  /// errc::not_converged
  function_change_small,
  max_iterations,         ///< not converged: ran out of iterations
  /// no step along the search direction decreases the objective (in floating point); in a fit,
  /// converged only when certified as function_change_small is, else errc::not_converged
  line_search_failed,
  not_finite,             ///< not converged: the objective or its gradient is NaN or infinite at the start
  interrupted,            ///< not converged: fit_options::interrupt asked to stop
};

/// A short English phrase for a stop reason (a static string).
[[nodiscard]] constexpr const char* describe(stop_reason r) noexcept {
  switch (r) {
    case stop_reason::gradient_small: return "gradient below tolerance";
    case stop_reason::function_change_small: return "objective change below tolerance";
    case stop_reason::max_iterations: return "maximum number of iterations reached";
    case stop_reason::line_search_failed: return "line search failed to decrease the objective";
    case stop_reason::not_finite: return "objective or gradient not finite";
    case stop_reason::interrupted: return "interrupted";
  }
  return "unknown";
}

/// The optimizer's report.
struct convergence {
  bool converged = false;  ///< a certified (local) maximum: gradient_small, or a certified function_change_small or line_search_failed
  int iterations = 0;            ///< BFGS iterations
  int function_evaluations = 0;  ///< objective-and-gradient evaluations, line searches included
  double gradient_norm = 0.0;    ///< max |d objective / d log(parameter)| at the end
  stop_reason reason = stop_reason::max_iterations;
};

/// The most parameters a fitted model of the library has (BG/NBD, Pareto/NBD, BG/BB: 4).
inline constexpr std::size_t max_fit_parameters = 4;

/**
 * @brief The covariance matrix of a fit's parameters, in the natural parameters (not their
 * logarithms) and in the model's own order (bg_nbd: r, alpha, a, b; see each model): the inverse of
 * the Hessian of the unpenalised -ln L at the optimum (the observed information), whose diagonal's
 * square roots are fit_result::standard_errors. Unit: product of the two parameters' units.
 * `size` is the number of parameters, and 0 when there is no covariance: a fit on a boundary of the
 * parameter space (fit_options::on_boundary = boundary_policy::report, standard errors +infinity:
 * the information matrix is singular there) or a default-constructed fit_result. Entries beyond
 * `size` are 0. crm::try_parameter_estimate(fit) (crm/models/intervals.hpp) turns it into the
 * covariance of the log-parameters the prediction intervals use, C_u[i][j] = C[i][j] / (p_i p_j).
 */
struct parameter_covariance {
  std::size_t size = 0;  ///< number of parameters; 0: unavailable
  std::array<std::array<double, max_fit_parameters>, max_fit_parameters> values{};

  /// true when the fit has a covariance (size > 0).
  [[nodiscard]] constexpr bool available() const noexcept { return size != 0; }
  /// Cov(p_i, p_j); i, j < size.
  [[nodiscard]] constexpr double operator()(std::size_t i, std::size_t j) const noexcept { return values[i][j]; }
};

/// Which boundary of the parameter space a fit ran to (crm::boundary_report::where).
enum class fit_boundary {
  none,              ///< an interior maximum: the ordinary fit
  a_to_zero,         ///< BG/NBD family: a -> 0 (or b -> infinity: the mean a/(a+b) -> 0), p ~ Beta(a, b) concentrates at 0: no drop-out, the NBD limit
  b_to_zero,         ///< BG/NBD family: b -> 0: every customer drops out at the first chance
  a_and_b_to_zero,   ///< BG/NBD family: a, b -> 0: every drop-out probability is 0 or 1
  s_to_zero,         ///< Pareto/NBD: s -> 0: the death rate mu ~ Gamma(s, beta) vanishes, the NBD limit
  beta_to_infinity,  ///< Pareto/NBD: beta -> infinity (mean death rate s/beta -> 0), the NBD limit
  homogeneous_dropout,     ///< BG/NBD family: a, b -> infinity with a/(a+b) -> p: everyone drops out with probability p
  homogeneous_death_rate,  ///< Pareto/NBD: s, beta -> infinity with s/beta -> mu: everyone dies at rate mu
  homogeneous_churn,       ///< sBG, BdW: alpha, beta -> infinity with alpha/(alpha+beta) -> theta: everyone churns with probability theta
  /// Gamma-Gamma: p -> infinity, gamma -> 0 with p gamma fixed: every transaction of a customer has the
  /// customer's own mean value (no spread within a customer); the average spends are Inverse-Gamma(q, p gamma)
  p_to_infinity,
  /// Gamma-Gamma: q, gamma -> infinity with gamma/q fixed: the customers' value rates nu ~ Gamma(q, gamma)
  /// collapse to the point q/gamma, every customer's transactions have the same Gamma(p, scale gamma/q)
  /// distribution (no heterogeneity of the mean spend across customers); the average spends are then
  /// Gamma(p x, scale gamma/(q x))
  q_to_infinity,
  /// BdW: alpha -> 0 and c -> infinity with alpha c -> k (beta with alpha: beta/(alpha+beta) -> tau^k for
  /// tau < 1; or beta -> infinity with beta^(1/c) -> tau >= 1): power-law survival, S(t) = min(1, (tau/t)^k)
  /// for t >= 1 (a share 1 - tau^k churns at period 1 when tau < 1; nobody churns before period tau
  /// otherwise), the discrete Pareto
  power_law_survival,
  /// BG/BB: gamma/(gamma+delta) -> 0 (gamma -> 0, or delta -> infinity): the drop-out probabilities theta ~
  /// Beta(gamma, delta) collapse to 0, nobody drops out; the purchases are Beta-Bernoulli, p ~ Beta(alpha, beta)
  bb_no_dropout,
  /// BG/BB: gamma, delta -> infinity with gamma/(gamma+delta) -> theta: every customer has the same drop-out
  /// probability theta before each opportunity (homogeneous drop-out)
  bb_homogeneous_dropout,
  /// BG/BB: alpha, beta -> infinity with alpha/(alpha+beta) -> p: every active customer transacts with the same
  /// probability p at each opportunity (homogeneous purchase probability)
  bb_homogeneous_purchase,
  /// BG/BB: alpha, beta -> infinity with alpha/(alpha+beta) -> p, and gamma/(gamma+delta) -> 0: every customer
  /// transacts with the same probability p at each opportunity and nobody drops out, X(n) ~ Binomial(n, p) (a
  /// corner: the purchase and the drop-out boundaries at once). Appended after the values stored before.
  bb_binomial,
  /// Pareto/NBD: s, beta -> 0 with s ln(1/beta) -> -ln(1 - pi): Gamma(s, beta) tends to (1 - pi) delta_0 +
  /// pi delta_infinity, a share pi of the customers dies at once (no repeat purchase), the rest never (a
  /// zero-inflated NBD). Appended after the values stored before.
  s_and_beta_to_zero,
};

/// The enumerator's name, e.g. "homogeneous_dropout" (a static string; for files and logs).
[[nodiscard]] constexpr const char* to_string(fit_boundary b) noexcept {
  switch (b) {
    case fit_boundary::none: return "none";
    case fit_boundary::a_to_zero: return "a_to_zero";
    case fit_boundary::b_to_zero: return "b_to_zero";
    case fit_boundary::a_and_b_to_zero: return "a_and_b_to_zero";
    case fit_boundary::s_to_zero: return "s_to_zero";
    case fit_boundary::beta_to_infinity: return "beta_to_infinity";
    case fit_boundary::homogeneous_dropout: return "homogeneous_dropout";
    case fit_boundary::homogeneous_death_rate: return "homogeneous_death_rate";
    case fit_boundary::homogeneous_churn: return "homogeneous_churn";
    case fit_boundary::p_to_infinity: return "p_to_infinity";
    case fit_boundary::q_to_infinity: return "q_to_infinity";
    case fit_boundary::power_law_survival: return "power_law_survival";
    case fit_boundary::bb_no_dropout: return "bb_no_dropout";
    case fit_boundary::bb_homogeneous_dropout: return "bb_homogeneous_dropout";
    case fit_boundary::bb_homogeneous_purchase: return "bb_homogeneous_purchase";
    case fit_boundary::bb_binomial: return "bb_binomial";
    case fit_boundary::s_and_beta_to_zero: return "s_and_beta_to_zero";
  }
  return "unknown";
}

/// A short English phrase for a boundary (a static string).
[[nodiscard]] constexpr const char* describe(fit_boundary b) noexcept {
  switch (b) {
    case fit_boundary::none: return "interior maximum";
    case fit_boundary::a_to_zero: return "a -> 0: no drop-out visible in the data (the NBD limit)";
    case fit_boundary::b_to_zero: return "b -> 0: every customer drops out at the first chance";
    case fit_boundary::a_and_b_to_zero:
      return "a, b -> 0: every drop-out probability is 0 or 1 (a share a/(a+b) of the customers drops out at the first chance, the rest never)";
    case fit_boundary::s_to_zero: return "s -> 0: no death visible in the data (the NBD limit)";
    case fit_boundary::beta_to_infinity: return "beta -> infinity: no death visible in the data (the NBD limit)";
    case fit_boundary::homogeneous_dropout:
      return "a, b -> infinity with a/(a+b) fixed: every customer has the same drop-out probability p (homogeneous drop-out)";
    case fit_boundary::homogeneous_death_rate:
      return "s, beta -> infinity with s/beta fixed: every customer has the same death rate mu (homogeneous death rate)";
    case fit_boundary::homogeneous_churn:
      return "alpha, beta -> infinity with alpha/(alpha+beta) fixed: every customer has the same churn probability theta (homogeneous churn)";
    case fit_boundary::p_to_infinity:
      return "p -> infinity with p gamma fixed: every transaction of a customer has the customer's mean value (no spread of "
             "values within a customer; the average spends are Inverse-Gamma(q, p gamma))";
    case fit_boundary::q_to_infinity:
      return "q, gamma -> infinity with gamma/q fixed: every customer's transactions have the same value distribution "
             "Gamma(p, scale gamma/q) (no heterogeneity of the mean spend across customers; the average spends are "
             "Gamma(p x, scale gamma/(q x)))";
    case fit_boundary::power_law_survival:
      return "alpha -> 0, c -> infinity with alpha c fixed: power-law survival S(t) = min(1, (tau/t)^k) (the discrete Pareto; "
             "a share churns at period 1, or nobody before period tau, the rest on a power law of tenure)";
    case fit_boundary::bb_no_dropout:
      return "gamma/(gamma+delta) -> 0: no drop-out visible in the data (the Beta-Bernoulli limit, p ~ Beta(alpha, beta))";
    case fit_boundary::bb_homogeneous_dropout:
      return "gamma, delta -> infinity with gamma/(gamma+delta) fixed: every customer has the same drop-out probability theta "
             "(homogeneous drop-out)";
    case fit_boundary::bb_homogeneous_purchase:
      return "alpha, beta -> infinity with alpha/(alpha+beta) fixed: every active customer has the same transaction probability p "
             "(homogeneous purchase probability)";
    case fit_boundary::bb_binomial:
      return "alpha, beta -> infinity with alpha/(alpha+beta) fixed and gamma/(gamma+delta) -> 0: every customer has the same "
             "transaction probability p and nobody drops out (the binomial)";
    case fit_boundary::s_and_beta_to_zero:
      return "s, beta -> 0 with s ln(1/beta) fixed: a share of the customers dies at once (no repeat purchase), the rest never "
             "(a zero-inflated NBD)";
  }
  return "unknown";
}

/**
 * @brief What a fit says when its likelihood is maximised on the boundary of the parameter space
 * (filled only with fit_options::on_boundary = boundary_policy::report; `where` is `none` otherwise).
 * The fit's `params` are then the optimizer's last point on its way to the boundary (a valid model
 * whose log-likelihood, `fit_result::log_likelihood`, is within the optimizer's tolerance of the
 * supremum), and its `standard_errors` are +infinity: the information matrix is singular there.
 * What to use instead is the nested model: the NBD (lambda ~ Gamma(r, alpha), nobody drops out; see
 * crm/models/nbd.hpp) fitted to the same data, with its standard errors and log-likelihood, and the
 * likelihood-ratio comparison of the two: statistic 2 (ln L_full - ln L_NBD) with the p-value of the
 * mixture 0.5 chi2_0 + 0.5 chi2_1 (Self & Liang 1987, one parameter on the boundary; see
 * crm::boundary_likelihood_ratio for the caveat). A small p-value says the drop-out process is real
 * even though its Beta (or gamma) heterogeneity ran to the edge; a large one says the NBD suffices.
 * The other way out is a penalized fit (fit_options::penalizer), which keeps the parameters inside.
 *
 * The other boundary is at infinity (`homogeneous_dropout`, `homogeneous_death_rate`): the Beta (gamma)
 * mixing distribution of the drop-out probability (death rate) collapses to a point, every customer
 * has the same one. The nested model is then the homogeneous model of crm/models/homogeneous.hpp,
 * three parameters: r, alpha in nested_r, nested_alpha and the drop-out probability p (BG/NBD family)
 * or death rate mu (Pareto/NBD) in nested_dropout, each with its standard error; nested_parameters
 * is 3 (2 for the NBD), and heterogeneity_score says whether letting the drop-out vary would raise the
 * likelihood at the homogeneous maximum (<= 0: no, the ridge is a maximum; crm::heterogeneity_score).
 * The likelihood ratio is formed and tested the same way (Self & Liang's mixture: one parameter, the
 * variance scale 1/(a+b+1) or 1/s, on the boundary 0).
 *
 * The contractual fits (crm::try_fit_sbg, crm::try_fit_bdw; crm/models/contractual.hpp) have the same
 * boundary at infinity (`homogeneous_churn`: alpha, beta -> infinity with alpha/(alpha+beta) -> theta,
 * every customer churns with the same probability theta per period). Their nested model has no r or
 * alpha (nested_r, nested_alpha and their SEs are 0): for sBG the geometric model, S(t) = (1-theta)^t,
 * nested_parameters 1, theta in nested_dropout and its SE in nested_dropout_se, nested_shape 1 and
 * nested_shape_se 0; for BdW the discrete Weibull, S(t) = (1-theta)^(t^c), nested_parameters 2, theta
 * in nested_dropout, c in nested_shape, their SEs in nested_dropout_se and nested_shape_se.
 * heterogeneity_score is d ln L / d e at e = 0 with e = 1/(alpha+beta+1) (Var theta = theta (1-theta) e),
 * and the likelihood ratio is tested by the same mixture.
 */
struct boundary_report {
  fit_boundary where = fit_boundary::none;
  const char* description = "";  ///< describe(where)
  bool nested_fitted = false;    ///< false: the NBD fit itself failed (nested_error says why)
  error_info nested_error{};
  double nested_r = 0.0, nested_alpha = 0.0;        ///< the NBD's maximum-likelihood estimates
  double nested_r_se = 0.0, nested_alpha_se = 0.0;  ///< and their standard errors
  double nested_log_likelihood = 0.0;
  double lr_statistic = 0.0;  ///< 2 (ln L_full - ln L_NBD), >= 0
  double lr_p_value = 1.0;    ///< P(0.5 chi2_0 + 0.5 chi2_1 >= lr_statistic)
  // Added for the homogeneous boundaries; the fields above keep their meaning (nested_r, nested_alpha
  // and their SEs are the nested model's r and alpha whichever it is).
  /// 2: the NBD (r, alpha); 3: a homogeneous model (r, alpha, nested_dropout); contractual models: 1 (the
  /// geometric, nested_dropout = theta) or 2 (the discrete Weibull, theta and nested_shape = c); 0: none
  int nested_parameters = 0;
  double nested_dropout = 0.0;      ///< homogeneous model: p (BG/NBD family, per drop-out chance), mu (Pareto/NBD, per time unit) or theta (sBG, BdW: churn probability per period); 0 for the NBD
  double nested_dropout_se = 0.0;   ///< its standard error
  double heterogeneity_score = 0.0; ///< homogeneous model: d ln L / d(variance scale) at its maximum (crm::heterogeneity_score)
  // Added for the contractual models (homogeneous_churn); the fields above keep their meaning.
  double nested_shape = 0.0;     ///< BdW: the discrete Weibull's c; sBG: 1 (the geometric); 0 for the other models
  double nested_shape_se = 0.0;  ///< its standard error (0 for the geometric, whose c is fixed)
  // Gamma-Gamma's p_to_infinity: the nested model is zbar ~ Inverse-Gamma(q, scale c = p gamma) whatever x,
  // 2 parameters: q in nested_r, c in nested_alpha (money), with their SEs; heterogeneity_score is then
  // d ln L / d(1/p) at its maximum, sum w (q(q-1) - 2 q c/zbar + (c/zbar)^2) / (2x): <= 0, the limit is
  // the maximum; > 0, some spread within customers raises the likelihood (an interior maximum).
  // Gamma-Gamma's q_to_infinity: the nested model is zbar ~ Gamma(p x, scale theta / x), theta = gamma/q
  // (money), 2 parameters: p in nested_r, theta in nested_alpha, with their SEs; heterogeneity_score is
  // d ln L / d(1/q) at its maximum, sum w ((p x - x zbar/theta)^2 - p x) / 2: <= 0, the limit is the
  // maximum; > 0, some heterogeneity of the customers' value rates raises the likelihood.
  // BdW's power_law_survival: the nested model is S(t) = min(1, (tau/t)^k), 2 parameters: the scale tau
  // (periods) in nested_alpha, the exponent k = lim alpha c in nested_shape, with their SEs (tau's 0 where
  // it sits at a period j with nobody churning up to j+1 and the likelihood peaks at its kink);
  // nested_dropout = 1 - min(1, tau^k), the share churning at period 1, with its SE; nested_r 0;
  // heterogeneity_score is d ln L / d alpha at alpha = 0 along alpha c = k, beta/(alpha+beta) = tau^k
  // (tau < 1; Euler's gamma times [n_2 2^-k/(1 - 2^-k) - those churning after period 2 - those active
  // after period 1], n_2 those churning at period 2): <= 0, the limit is a local maximum; > 0, a better
  // interior point; for tau >= 1 it is 0 (the full ln L approaches the limit faster than any power of alpha).
  // BG/BB (crm::try_fit_bg_bb): bb_no_dropout: the Beta-Bernoulli, 2 parameters, alpha in nested_r and beta in
  // nested_alpha with their SEs, nested_dropout 0; heterogeneity_score is d ln L / d theta at theta = 0 (a
  // homogeneous drop-out probability theta entering), sum w (sum_i A_i / A - n), A_i / A the ratios of the
  // drop-out terms of L to its "alive" term: <= 0, no drop-out is a local maximum in that direction.
  // bb_homogeneous_dropout: 3 parameters, alpha, beta in nested_r, nested_alpha, theta in nested_dropout, with
  // their SEs; heterogeneity_score d ln L / d e at e = 1/(gamma+delta+1) = 0. bb_homogeneous_purchase: 3
  // parameters, p in nested_purchase, gamma, delta in nested_r, nested_alpha, with their SEs;
  // heterogeneity_score d ln L / d e at e = 1/(alpha+beta+1) = 0; its prediction model is
  // crm::beta_geometric_bernoulli (crm::try_nested_bg_bb_purchase_model). bb_binomial (a corner: alpha, beta -> infinity
  // and gamma/(gamma+delta) -> 0): 1 parameter, p = sum w x / sum w n in nested_purchase with its SE, nested_r,
  // nested_alpha 0 (gamma 0, delta not identified); heterogeneity_score the larger of the scores of a spread of p
  // and of a drop-out (both <= 0 where it is named); predicted from crm::beta_geometric_bernoulli{p, 0, 1}. The other
  // corners (p -> 1, every p or theta 0 or 1, two limits at once) are no boundary: the fit fails with
  // errc::not_identifiable naming the corner. (See docs/models.md, BG/BB.)
  double nested_purchase = 0.0;     ///< BG/BB's bb_homogeneous_purchase, bb_binomial: the common transaction probability p; 0 otherwise
  double nested_purchase_se = 0.0;  ///< its standard error
  /// The nested model's full parameter covariance: the inverse Hessian of its unpenalised -ln L at its
  /// maximum (natural parameters), in the order of the model it predicts through, whose diagonal's square
  /// roots are the standard errors above; crm::try_parameter_estimate(model, boundary)
  /// (crm/models/intervals.hpp) turns it into the estimate of the intervals. Filled at every boundary:
  ///  - the NBD (r, alpha) of the BG/NBD family's and Pareto/NBD's boundaries a -> 0, b -> 0, a and b -> 0,
  ///    s -> 0, beta -> infinity; the homogeneous models (r, alpha, p or mu) at homogeneous_dropout and
  ///    homogeneous_death_rate;
  ///  - BG/BB (added 2026-12-06): crm::beta_bernoulli's (alpha, beta) at bb_no_dropout (theta = 0 held),
  ///    (alpha, beta, theta) at bb_homogeneous_dropout; crm::beta_geometric_bernoulli's (p, gamma, delta) at
  ///    bb_homogeneous_purchase, (p) at bb_binomial (gamma = 0, delta = 1 held; delta is not identified);
  ///  - sBG, BdW: crm::discrete_weibull_churn's (theta) (sBG, the geometric, c = 1 held) or (theta, c) (BdW) at
  ///    homogeneous_churn; crm::power_law_survival's (k, tau) at power_law_survival;
  ///  - Gamma-Gamma: crm::gamma_gamma_nested's (shape, scale): (q, c) at p_to_infinity, (p, theta) at
  ///    q_to_infinity (the scale in the data's unit of money).
  /// size 0 (unavailable) when the nested fit failed, and at power_law_survival where tau sits at its kink
  /// (a whole period, nested_alpha_se 0: the likelihood is not differentiable in tau there). Added 2026-12;
  /// the fields above keep their meaning.
  parameter_covariance nested_covariance{};
  /// At a corner whose limit is itself the model to predict from, the zero-inflated NBD (crm::zero_inflated_nbd:
  /// Pareto/NBD's s_and_beta_to_zero and the modified BG/NBD's a_and_b_to_zero; crm::try_zero_inflated_estimates):
  /// the covariance of its (r, alpha, pi), the inverse Hessian of the limit's -ln L at its maximum (natural
  /// parameters), which crm::try_parameter_estimate(zero_inflated_nbd, boundary) turns into the estimate of its
  /// intervals. size 0 elsewhere, and where that Hessian is not positive definite. The nested_* fields above stay
  /// the NBD's (pi = 0), the likelihood-ratio test's null. Added 2026-12-06.
  parameter_covariance limit_covariance{};
};

/// A fitted model: parameters, their standard errors (same struct, one SE per parameter),
/// the maximised log-likelihood (unpenalised, summed over customers and weights), the report, and
/// the parameters' full covariance matrix.
template <class Params>
struct fit_result {
  Params params{};
  Params standard_errors{};  ///< sqrt of the diagonal of the inverse Hessian of -log L at the optimum
  double log_likelihood = 0.0;
  double customers = 0.0;  ///< sum of the weights
  convergence report{};
  boundary_report boundary{};  ///< a boundary maximum, when fit_options::on_boundary asks for the report
  /// The inverse Hessian of -log L at the optimum (natural parameters); unavailable (size 0) at a
  /// boundary maximum. With a penalizer > 0 it is taken at the penalised optimum, like standard_errors.
  parameter_covariance covariance{};

  /// true when `params` are maximum-likelihood estimates to predict from: the optimizer converged
  /// (report.converged) at an interior maximum (boundary.where == fit_boundary::none). false for a
  /// fit returned with a boundary report (boundary_policy::report): its params are where the
  /// optimizer stopped on its way to the boundary (for the boundary at infinity, e.g. Pareto/NBD's
  /// s, beta -> infinity, a point far out on the ridge), not estimates: predict from the nested model
  /// (crm::try_homogeneous_estimates, or the NBD's nested_r, nested_alpha). Outside a boundary report
  /// the library's fits return an error (errc::not_converged) rather than an unconverged fit.
  [[nodiscard]] constexpr bool params_are_estimates() const noexcept {
    return report.converged && boundary.where == fit_boundary::none;
  }
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

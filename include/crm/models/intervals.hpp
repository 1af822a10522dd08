// crm-metrics: prediction intervals of the customer-base models (delta method, parametric bootstrap).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// A fitted model's parameters are asymptotically normal around the maximum-likelihood estimate with
// covariance the inverse of the observed information (the Hessian of -ln L). Every fit of this
// library works on the logarithms of the parameters, and so does this header: the covariance is
// held for u = ln(parameters), the gradients of predictions are taken with respect to u, and the
// bootstrap draws u ~ N(u_hat, C_u), so every drawn parameter is positive.
//   - delta method: Var[f] = g' C_u g with g = df/du by central differences (step cbrt(eps), eps at least
//     double's: u and the differences are doubles);
//     the interval is built on a scale where f is unbounded (ln f for counts and money, logit f for
//     probabilities) and mapped back, so it never leaves the range of the prediction;
//   - parametric bootstrap: f at `draws` parameter vectors drawn from N(u_hat, C_u) (no refits),
//     interval = the empirical (1 - level)/2 and (1 + level)/2 quantiles (linear interpolation),
//     deterministic for a given seed (std::mt19937_64 and the portable normal sampler of
//     crm/models/generate.hpp).
// Whole-base predictions (a vector of per-customer predictions) get an interval per customer and
// one for their weighted total, with the correlation through the shared parameters accounted for.
// Every evaluation of the predictions after the first (2N for the delta method, `draws` for the
// bootstrap: each over every customer for a whole base) first asks the thread's interrupt hook
// (crm/core/interrupt.hpp), and leaves with crm::interrupted when it answers true.
//
// Customization point: crm::model_parameters<Model> (size, get, make) for a model of your own.
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/interrupt.hpp>
#include <crm/core/result.hpp>
#include <crm/models/bg_bb.hpp>
#include <crm/models/batch.hpp>
#include <crm/models/bg_nbd.hpp>
#include <crm/models/clv.hpp>
#include <crm/models/contractual.hpp>
#include <crm/models/contractual_nested.hpp>
#include <crm/models/data.hpp>
#include <crm/models/detail/optimize.hpp>
#include <crm/models/detail/special.hpp>
#include <crm/models/fit.hpp>
#include <crm/models/gamma_gamma.hpp>
#include <crm/models/generate.hpp>
#include <crm/models/homogeneous.hpp>
#include <crm/models/modified_bg_nbd.hpp>
#include <crm/models/nbd.hpp>
#include <crm/models/pareto_nbd.hpp>

#include <boost/math/special_functions/erf.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <utility>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

/// The parameters of a model as an array (all > 0), and back. Specialised for every model of the
/// library; specialise it (size, number, get, make) to get intervals for a model of your own.
template <class Model>
struct model_parameters;

template <std::floating_point T>
struct model_parameters<bg_nbd<T>> {
  using number = T;
  static constexpr std::size_t size = 4;
  static constexpr std::array<T, 4> get(const bg_nbd<T>& m) noexcept { return {m.r, m.alpha, m.a, m.b}; }
  static constexpr bg_nbd<T> make(const std::array<T, 4>& v) noexcept { return {v[0], v[1], v[2], v[3]}; }
};
template <std::floating_point T>
struct model_parameters<modified_bg_nbd<T>> {
  using number = T;
  static constexpr std::size_t size = 4;
  static constexpr std::array<T, 4> get(const modified_bg_nbd<T>& m) noexcept { return {m.r, m.alpha, m.a, m.b}; }
  static constexpr modified_bg_nbd<T> make(const std::array<T, 4>& v) noexcept { return {v[0], v[1], v[2], v[3]}; }
};
template <std::floating_point T>
struct model_parameters<pareto_nbd<T>> {
  using number = T;
  static constexpr std::size_t size = 4;
  static constexpr std::array<T, 4> get(const pareto_nbd<T>& m) noexcept { return {m.r, m.alpha, m.s, m.beta}; }
  static constexpr pareto_nbd<T> make(const std::array<T, 4>& v) noexcept { return {v[0], v[1], v[2], v[3]}; }
};
// The nested models of the boundaries (crm/models/nbd.hpp, crm/models/homogeneous.hpp): p of the
// homogeneous BG/NBD family is a probability, so a bootstrap draw of ln p above 0 (p >= 1) is refused
// by the model's check (errc::out_of_range on "p") and fails that interval.
template <std::floating_point T>
struct model_parameters<nbd<T>> {
  using number = T;
  static constexpr std::size_t size = 2;
  static constexpr std::array<T, 2> get(const nbd<T>& m) noexcept { return {m.r, m.alpha}; }
  static constexpr nbd<T> make(const std::array<T, 2>& v) noexcept { return {v[0], v[1]}; }
};
template <std::floating_point T, int Shift>
struct model_parameters<homogeneous_bgnbd_family<T, Shift>> {
  using number = T;
  static constexpr std::size_t size = 3;
  static constexpr std::array<T, 3> get(const homogeneous_bgnbd_family<T, Shift>& m) noexcept { return {m.r, m.alpha, m.p}; }
  static constexpr homogeneous_bgnbd_family<T, Shift> make(const std::array<T, 3>& v) noexcept { return {v[0], v[1], v[2]}; }
};
template <std::floating_point T>
struct model_parameters<homogeneous_pareto_nbd<T>> {
  using number = T;
  static constexpr std::size_t size = 3;
  static constexpr std::array<T, 3> get(const homogeneous_pareto_nbd<T>& m) noexcept { return {m.r, m.alpha, m.mu}; }
  static constexpr homogeneous_pareto_nbd<T> make(const std::array<T, 3>& v) noexcept { return {v[0], v[1], v[2]}; }
};
// The zero-inflated NBD (crm/models/nbd.hpp) of the corners s, beta -> 0 and a, b -> 0, and of
// crm::try_fit_zero_inflated_nbd: pi is a probability, drawn on the log scale as p above (a draw at or above 1
// fails that interval); pi = 0 (the NBD face of its fit) is held.
template <std::floating_point T>
struct model_parameters<zero_inflated_nbd<T>> {
  using number = T;
  static constexpr std::size_t size = 3;
  static constexpr std::array<T, 3> get(const zero_inflated_nbd<T>& m) noexcept { return {m.r, m.alpha, m.pi}; }
  static constexpr zero_inflated_nbd<T> make(const std::array<T, 3>& v) noexcept { return {v[0], v[1], v[2]}; }
};
// BG/NBD's limit at a, b -> 0 (crm::first_repeat_dropout_nbd): pi as the zero-inflated NBD's; pi = 1 (b -> 0) held.
template <std::floating_point T>
struct model_parameters<first_repeat_dropout_nbd<T>> {
  using number = T;
  static constexpr std::size_t size = 3;
  static constexpr std::array<T, 3> get(const first_repeat_dropout_nbd<T>& m) noexcept { return {m.r, m.alpha, m.pi}; }
  static constexpr first_repeat_dropout_nbd<T> make(const std::array<T, 3>& v) noexcept { return {v[0], v[1], v[2]}; }
};
template <std::floating_point T>
struct model_parameters<bg_bb<T>> {
  using number = T;
  static constexpr std::size_t size = 4;
  static constexpr std::array<T, 4> get(const bg_bb<T>& m) noexcept { return {m.alpha, m.beta, m.gamma, m.delta}; }
  static constexpr bg_bb<T> make(const std::array<T, 4>& v) noexcept { return {v[0], v[1], v[2], v[3]}; }
};
template <std::floating_point T>
struct model_parameters<gamma_gamma<T>> {
  using number = T;
  static constexpr std::size_t size = 3;
  static constexpr std::array<T, 3> get(const gamma_gamma<T>& m) noexcept { return {m.p, m.q, m.gamma}; }
  static constexpr gamma_gamma<T> make(const std::array<T, 3>& v) noexcept { return {v[0], v[1], v[2]}; }
};
template <std::floating_point T>
struct model_parameters<sbg<T>> {
  using number = T;
  static constexpr std::size_t size = 2;
  static constexpr std::array<T, 2> get(const sbg<T>& m) noexcept { return {m.alpha, m.beta}; }
  static constexpr sbg<T> make(const std::array<T, 2>& v) noexcept { return sbg<T>{v[0], v[1], {}}; }
};
template <std::floating_point T>
struct model_parameters<bdw<T>> {
  using number = T;
  static constexpr std::size_t size = 3;
  static constexpr std::array<T, 3> get(const bdw<T>& m) noexcept { return {m.alpha, m.beta, m.c}; }
  static constexpr bdw<T> make(const std::array<T, 3>& v) noexcept { return bdw<T>{v[0], v[1], v[2]}; }
};
// The nested models of BG/BB's and sBG/BdW's boundaries (crm/models/bg_bb.hpp,
// crm/models/contractual_nested.hpp). A nested model with fewer parameters than its type holds them
// fixed (held: no variance, never moved by the intervals): beta_bernoulli's theta = 0 at bb_no_dropout,
// beta_geometric_bernoulli's gamma = 0, delta = 1 at bb_binomial, discrete_weibull_churn's c = 1 for sBG
// (crm::try_parameter_estimate(nested, boundary)). Probabilities (theta, p) are drawn on the log scale as
// the homogeneous BG/NBD's p: a bootstrap draw at or above 1 fails that interval (errc::out_of_range).
template <std::floating_point T>
struct model_parameters<beta_bernoulli<T>> {
  using number = T;
  static constexpr std::size_t size = 3;
  static constexpr std::array<T, 3> get(const beta_bernoulli<T>& m) noexcept { return {m.alpha, m.beta, m.theta}; }
  static constexpr beta_bernoulli<T> make(const std::array<T, 3>& v) noexcept { return {v[0], v[1], v[2]}; }
};
template <std::floating_point T>
struct model_parameters<beta_geometric_bernoulli<T>> {
  using number = T;
  static constexpr std::size_t size = 3;
  static constexpr std::array<T, 3> get(const beta_geometric_bernoulli<T>& m) noexcept { return {m.p, m.gamma, m.delta}; }
  static constexpr beta_geometric_bernoulli<T> make(const std::array<T, 3>& v) noexcept { return {v[0], v[1], v[2]}; }
};
template <std::floating_point T>
struct model_parameters<discrete_weibull_churn<T>> {
  using number = T;
  static constexpr std::size_t size = 2;
  static constexpr std::array<T, 2> get(const discrete_weibull_churn<T>& m) noexcept { return {m.theta, m.c}; }
  static constexpr discrete_weibull_churn<T> make(const std::array<T, 2>& v) noexcept { return {v[0], v[1]}; }
};
template <std::floating_point T>
struct model_parameters<power_law_survival<T>> {
  using number = T;
  static constexpr std::size_t size = 2;
  static constexpr std::array<T, 2> get(const power_law_survival<T>& m) noexcept { return {m.k, m.tau}; }
  static constexpr power_law_survival<T> make(const std::array<T, 2>& v) noexcept { return {v[0], v[1]}; }
};
// Gamma-Gamma's nested spend model (crm/models/gamma_gamma.hpp): (shape, scale), its boundary kept from
// the estimate's model (make(like, values): a model with fields that are not parameters).
template <std::floating_point T>
struct model_parameters<gamma_gamma_nested<T>> {
  using number = T;
  static constexpr std::size_t size = 2;
  static constexpr std::array<T, 2> get(const gamma_gamma_nested<T>& m) noexcept { return {m.shape, m.scale}; }
  static constexpr gamma_gamma_nested<T> make(const gamma_gamma_nested<T>& like, const std::array<T, 2>& v) noexcept {
    return {like.where, v[0], v[1]};
  }
};

namespace detail {
/// model_parameters<Model>::make(like, values) where the model has one (fields that are not
/// parameters, taken from `like`), else make(values).
template <class Model, class Values>
[[nodiscard]] constexpr Model make_like(const Model& like, const Values& v) noexcept {
  if constexpr (requires { model_parameters<Model>::make(like, v); })
    return model_parameters<Model>::make(like, v);
  else
    return model_parameters<Model>::make(v);
}
}  // namespace detail

/**
 * @brief A model's parameters with the covariance of their logarithms: the asymptotic normal
 * distribution of the maximum-likelihood estimate, u = ln(parameters) ~ N(ln(params), log_covariance).
 * Build it with crm::try_parameter_estimate: from a fit_result (the covariance the fit kept), from
 * the data at the fitted parameters, or from a covariance matrix of the natural parameters obtained
 * elsewhere, or for a nested model from a boundary report (try_parameter_estimate(nested, boundary)).
 * A parameter whose row of log_covariance is exactly 0 is held: the delta method and the bootstrap
 * never move it, and it may be 0 (ln 0 = -infinity; a nested model's theta = 0 or gamma = 0). Before
 * 2026-12-06 such a row made the bootstrap fail ("must be symmetric positive definite").
 */
template <class Model>
struct parameter_estimate {
  using model_type = Model;
  using number = typename model_parameters<Model>::number;
  static constexpr std::size_t size = model_parameters<Model>::size;
  Model params{};
  /// Covariance of (ln p_1, ..., ln p_N), the inverse Hessian of -ln L in the log-parameters.
  std::array<std::array<double, size>, size> log_covariance{};

  /// Standard errors of the natural parameters, p_i sqrt(C_ii) (delta method); equal to the
  /// standard errors of crm::fit_result at the maximum (the Hessians differ by the score, 0 there).
  [[nodiscard]] Model standard_errors() const {
    const std::array<number, size> p = model_parameters<Model>::get(params);
    std::array<number, size> se{};
    for (std::size_t i = 0; i < size; ++i) se[i] = p[i] * static_cast<number>(std::sqrt(log_covariance[i][i]));
    return detail::make_like(params, se);
  }
  /// Covariance of the natural parameters, p_i p_j C_ij.
  [[nodiscard]] std::array<std::array<double, size>, size> covariance() const {
    const std::array<number, size> p = model_parameters<Model>::get(params);
    std::array<std::array<double, size>, size> c{};
    for (std::size_t i = 0; i < size; ++i)
      for (std::size_t j = 0; j < size; ++j)
        c[i][j] = static_cast<double>(p[i]) * static_cast<double>(p[j]) * log_covariance[i][j];
    return c;
  }
  /// ln(parameters) (what the delta method and the bootstrap perturb).
  [[nodiscard]] std::array<double, size> log_values() const {
    const std::array<number, size> p = model_parameters<Model>::get(params);
    std::array<double, size> u{};
    for (std::size_t i = 0; i < size; ++i) u[i] = std::log(static_cast<double>(p[i]));
    return u;
  }
  /// The model at u = ln(parameters).
  [[nodiscard]] Model model_at(const std::array<double, size>& u) const {
    std::array<number, size> p{};
    for (std::size_t i = 0; i < size; ++i) p[i] = static_cast<number>(std::exp(u[i]));
    return detail::make_like(params, p);
  }
};

/// Delta method or parametric bootstrap.
enum class prediction_interval_method { delta, bootstrap };

/// The scale on which a delta-method interval is symmetric: `natural` (f +- z se), `log`
/// (exp(ln f +- z se/f): counts, money, lifetimes, never below 0) or `logit` (probabilities,
/// never outside (0, 1)). The bootstrap's quantile interval does not depend on the scale.
enum class prediction_scale { natural, log, logit };

/// Options of every interval.
struct interval_options {
  double level = 0.90;                              ///< coverage probability, in (0, 1)
  prediction_interval_method method = prediction_interval_method::delta;  ///< delta method or parametric bootstrap
  std::size_t draws = 2000;                         ///< bootstrap: parameter draws (2 .. 10^7)
  std::uint64_t seed = 42;                          ///< bootstrap: std::mt19937_64 seed

  /// level in (0, 1), draws in [2, 10^7].
  [[nodiscard]] constexpr error_info check(const char* name) const noexcept {
    if (!(level == level)) return {errc::not_finite, name, "level"};
    if (!(level > 0.0 && level < 1.0)) return {errc::out_of_range, name, "level", "must lie strictly between 0 and 1"};
    if (method == prediction_interval_method::bootstrap && (draws < 2 || draws > 10'000'000))
      return {errc::out_of_range, name, "draws", "must lie in [2, 10^7]"};
    return {};
  }
  [[nodiscard]] constexpr bool ok() const noexcept { return !check("interval_options"); }
};

/// A prediction with its interval: the prediction at the estimated parameters, the bounds, and
/// the standard error of the prediction (delta method: sqrt(g' C g); bootstrap: standard deviation
/// of the draws). Same unit as the prediction.
template <class T>
struct prediction_interval {
  T estimate{};
  T lower{};
  T upper{};
  T standard_error{};
  /// lower <= value <= upper.
  [[nodiscard]] constexpr bool contains(T value) const noexcept { return lower <= value && value <= upper; }
};

/// Intervals of a whole-base prediction: one per customer (row) and one for the weighted total.
template <class T>
struct prediction_intervals {
  std::vector<prediction_interval<T>> each;
  prediction_interval<T> total{};
};

namespace detail {

/// The estimates of two independent fits as one (block-diagonal covariance), for predictions that
/// need both (CLV: a transaction model and Gamma-Gamma). model_at returns the pair of models.
template <class E1, class E2>
struct joint_estimate {
  using model_type = std::pair<typename E1::model_type, typename E2::model_type>;
  using number = typename E1::number;
  static constexpr std::size_t size = E1::size + E2::size;
  E1 first;
  E2 second;
  std::array<std::array<double, size>, size> log_covariance{};

  joint_estimate(const E1& a, const E2& b) : first(a), second(b) {
    for (std::size_t i = 0; i < E1::size; ++i)
      for (std::size_t j = 0; j < E1::size; ++j) log_covariance[i][j] = a.log_covariance[i][j];
    for (std::size_t i = 0; i < E2::size; ++i)
      for (std::size_t j = 0; j < E2::size; ++j) log_covariance[E1::size + i][E1::size + j] = b.log_covariance[i][j];
  }
  [[nodiscard]] std::array<double, size> log_values() const {
    std::array<double, size> u{};
    const auto u1 = first.log_values();
    const auto u2 = second.log_values();
    std::copy(u1.begin(), u1.end(), u.begin());
    std::copy(u2.begin(), u2.end(), u.begin() + static_cast<std::ptrdiff_t>(E1::size));
    return u;
  }
  [[nodiscard]] model_type model_at(const std::array<double, size>& u) const {
    std::array<double, E1::size> u1{};
    std::array<double, E2::size> u2{};
    std::copy(u.begin(), u.begin() + static_cast<std::ptrdiff_t>(E1::size), u1.begin());
    std::copy(u.begin() + static_cast<std::ptrdiff_t>(E1::size), u.end(), u2.begin());
    return {first.model_at(u1), second.model_at(u2)};
  }
};

/// The estimate's own model(s), where the point prediction is evaluated: not model_at(log_values()),
/// whose exp(ln p) can differ from p in the last bit, which made an interval's estimate differ from
/// the point prediction in its last digits.
template <class Model>
[[nodiscard]] const Model& point_model(const parameter_estimate<Model>& e) noexcept {
  return e.params;
}
template <class E1, class E2>
[[nodiscard]] typename joint_estimate<E1, E2>::model_type point_model(const joint_estimate<E1, E2>& e) {
  return {e.first.params, e.second.params};
}

/// Standard normal quantile z with P(|Z| <= z) = level.
[[nodiscard]] inline double two_sided_z(double level) {
  return std::sqrt(2.0) * boost::math::erf_inv(level, quiet_math_policy());
}

/// The delta interval of one prediction y with standard error se, symmetric on `scale`.
template <class T>
[[nodiscard]] result<prediction_interval<T>> delta_bounds(T y, double se, double z, prediction_scale scale, const char* name) {
  prediction_interval<T> out{y, y, y, static_cast<T>(se)};
  if (!std::isfinite(se)) return error_info{errc::not_finite, name, "standard_error"};
  if (se == 0.0) return out;
  const double v = static_cast<double>(y);
  switch (scale) {
    case prediction_scale::natural:
      out.lower = static_cast<T>(v - z * se), out.upper = static_cast<T>(v + z * se);
      break;
    case prediction_scale::log: {
      if (!(v > 0.0)) return error_info{errc::out_of_range, name, "prediction", "must be > 0 for an interval on the log scale"};
      const double h = z * se / v;
      out.lower = static_cast<T>(v * std::exp(-h)), out.upper = static_cast<T>(v * std::exp(h));
      break;
    }
    case prediction_scale::logit: {
      if (!(v > 0.0 && v < 1.0))
        return error_info{errc::out_of_range, name, "prediction", "must lie strictly between 0 and 1 for an interval on the logit scale"};
      const double l = std::log(v) - std::log1p(-v), h = z * se / (v * (1.0 - v));
      out.lower = static_cast<T>(1.0 / (1.0 + std::exp(-(l - h)))), out.upper = static_cast<T>(1.0 / (1.0 + std::exp(-(l + h))));
      break;
    }
  }
  return out;
}

/// Empirical quantile with linear interpolation between order statistics (Hyndman & Fan type 7,
/// NumPy's default): sorted[(n-1) p].
[[nodiscard]] inline double sorted_quantile(const std::vector<double>& sorted, double p) noexcept {
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

/// The bootstrap interval of one prediction from its draws (sorted in place).
template <class T>
[[nodiscard]] prediction_interval<T> bootstrap_bounds(T y, std::vector<double>& draws, double level) {
  double mean = 0.0;
  for (const double d : draws) mean += d;
  mean /= static_cast<double>(draws.size());
  double ss = 0.0;
  for (const double d : draws) ss += (d - mean) * (d - mean);
  std::sort(draws.begin(), draws.end());
  return {y, static_cast<T>(sorted_quantile(draws, (1.0 - level) / 2.0)), static_cast<T>(sorted_quantile(draws, (1.0 + level) / 2.0)),
          static_cast<T>(std::sqrt(ss / static_cast<double>(draws.size() - 1)))};
}

/// Which parameters of a log-covariance are held (crm::model_parameters' note on the nested models):
/// those whose row is exactly 0 (no variance, no correlation; a fitted covariance never has one).
template <std::size_t N>
[[nodiscard]] std::array<bool, N> held_parameters(const mat<N>& c) noexcept {
  std::array<bool, N> held{};
  for (std::size_t i = 0; i < N; ++i) held[i] = std::all_of(c[i].begin(), c[i].end(), [](double v) { return v == 0.0; });
  return held;
}
/// How many leading parameters a covariance estimates: N less its trailing held ones (at least 1), e.g. 2 for a
/// limit's (r, alpha, pi) with pi held at 0 or 1.
template <std::size_t N>
[[nodiscard]] std::size_t estimated_parameters(const mat<N>& c) noexcept {
  const std::array<bool, N> held = held_parameters<N>(c);
  std::size_t n = N;
  while (n > 1 && held[n - 1]) --n;
  return n;
}
/// cholesky_lower of the parameters not held, with the held rows and columns 0 (so a draw never moves
/// them): the held diagonal entries set to the others' largest first, which factors them apart from
/// the rest (their rows are 0), then zeroed. nullopt as cholesky_lower for the rest.
template <std::size_t N>
[[nodiscard]] std::optional<mat<N>> cholesky_lower_held(mat<N> a, const std::array<bool, N>& held) {
  double scale = 0.0;
  for (std::size_t i = 0; i < N; ++i)
    if (!held[i]) scale = std::max(scale, std::abs(a[i][i]));
  for (std::size_t i = 0; i < N; ++i)
    if (held[i]) {
      for (std::size_t j = 0; j < N; ++j) a[i][j] = a[j][i] = 0.0;
      a[i][i] = scale > 0.0 ? scale : 1.0;
    }
  std::optional<mat<N>> l = cholesky_lower<N>(a);
  if (l)
    for (std::size_t i = 0; i < N; ++i)
      if (held[i]) (*l)[i][i] = 0.0;
  return l;
}

/// The epsilon a difference step in u = ln(parameters) is scaled from: T's, but at least double's. The step
/// moves u, a double, and the differences are taken in double: with a smaller epsilon (IEEE quad long
/// double, Linux on arm64 and s390x) the delta method's step was 6e-12, which u + h rounded by 4e-5 of
/// itself, and every gradient was off by as much (scripts/check-cross.sh --arch arm64, 2026-12-07).
template <class T>
[[nodiscard]] constexpr double step_epsilon() noexcept {
  return std::max(static_cast<double>(std::numeric_limits<T>::epsilon()), std::numeric_limits<double>::epsilon());
}

/// The core of every interval: f(model) -> result<std::vector<T>> (one entry per customer), the
/// total weighted by `weights` (empty: all 1).
template <class E, class F>
[[nodiscard]] auto intervals(const E& est, F&& f, prediction_scale scale, const interval_options& opt, std::span<const typename E::number> weights,
                             const char* name) -> result<prediction_intervals<typename E::number>> {
  using T = typename E::number;
  constexpr std::size_t N = E::size;
  if (const error_info e = opt.check(name)) return e;
  const std::array<double, N> u0 = est.log_values();
  const std::array<bool, N> held = held_parameters<N>(est.log_covariance);
  for (std::size_t i = 0; i < N; ++i)  // a held parameter may be 0 (ln 0 = -infinity, which no step or draw moves)
    if (!std::isfinite(u0[i]) && !(held[i] && u0[i] < 0.0)) return error_info{errc::out_of_range, name, "parameters", "must be finite and > 0"};
  const result<std::vector<T>> y0 = f(point_model(est));
  if (!y0) return y0.error();
  const std::size_t n = y0->size();
  if (n == 0) return error_info{errc::empty_input, name, "rows"};
  if (!weights.empty() && weights.size() != n)
    return error_info{errc::out_of_range, name, "weights", "must have one entry per prediction"};
  const auto weight = [&](std::size_t i) { return weights.empty() ? 1.0 : static_cast<double>(weights[i]); };
  double total0 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(static_cast<double>((*y0)[i]))) return error_info{errc::not_finite, name, "prediction"};
    total0 += weight(i) * static_cast<double>((*y0)[i]);
  }
  if (!std::isfinite(total0)) return error_info{errc::overflow, name, "total"};
  const prediction_scale total_scale = scale == prediction_scale::logit ? prediction_scale::log : scale;
  prediction_intervals<T> out;
  out.each.resize(n);

  if (opt.method == prediction_interval_method::delta) {
    // g_i = df/du_i by central differences, per prediction and for the total. A held parameter has no variance and
    // is never moved (its g stays 0): a step would leave its range, e.g. crm::first_repeat_dropout_nbd's pi = 1
    // held at BG/NBD's b -> 0 (ln pi = 0, one step up and pi > 1 is refused).
    const double h = std::cbrt(step_epsilon<T>());
    std::vector<std::array<double, N>> g(n);
    std::array<double, N> gt{};
    for (std::size_t k = 0; k < N; ++k) {
      if (held[k]) continue;
      std::array<double, N> up = u0, down = u0;
      up[k] += h, down[k] -= h;
      check_interrupt();
      const result<std::vector<T>> yu = f(est.model_at(up));
      if (!yu) return yu.error();
      check_interrupt();
      const result<std::vector<T>> yd = f(est.model_at(down));
      if (!yd) return yd.error();
      if (yu->size() != n || yd->size() != n) return error_info{errc::out_of_range, name, "prediction", "changed length with the parameters"};
      gt[k] = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        g[i][k] = (static_cast<double>((*yu)[i]) - static_cast<double>((*yd)[i])) / (2.0 * h);
        gt[k] += weight(i) * g[i][k];
      }
    }
    const double z = two_sided_z(opt.level);
    // sqrt(g' C g), with g divided by its largest entry first: for a prediction near 1e-195 the
    // squares of g underflowed to 0 and the interval claimed no uncertainty at all (found by an
    // audit: the bootstrap's spanned seven orders of magnitude)
    const auto quad = [&](const std::array<double, N>& v) {
      double m = 0.0;
      for (const double x : v) m = std::max(m, std::abs(x));
      if (!(m > 0.0) || !std::isfinite(m)) return m == 0.0 ? 0.0 : m;
      double s = 0.0;
      for (std::size_t a = 0; a < N; ++a)
        for (std::size_t b = 0; b < N; ++b) s += (v[a] / m) * est.log_covariance[a][b] * (v[b] / m);
      return m * std::sqrt(std::max(s, 0.0));
    };
    for (std::size_t i = 0; i < n; ++i) {
      const result<prediction_interval<T>> b = delta_bounds<T>((*y0)[i], quad(g[i]), z, scale, name);
      if (!b) return b.error();
      out.each[i] = *b;
    }
    const result<prediction_interval<T>> bt = delta_bounds<T>(static_cast<T>(total0), quad(gt), z, total_scale, name);
    if (!bt) return bt.error();
    out.total = *bt;
    return out;
  }

  // Parametric bootstrap: u = u0 + L z, z ~ N(0, I).
  const std::optional<mat<N>> l = cholesky_lower_held<N>(est.log_covariance, held);
  if (!l) return error_info{errc::out_of_range, name, "log_covariance", "must be symmetric positive definite"};
  if (static_cast<double>(opt.draws) * static_cast<double>(n) > 1e8)
    return error_info{errc::overflow, name, "draws", "draws x predictions exceeds 10^8 stored values"};
  std::vector<double> values(opt.draws * n);  // draw-major: values[d * n + i]
  std::vector<double> totals(opt.draws);
  std::mt19937_64 gen(opt.seed);
  for (std::size_t d = 0; d < opt.draws; ++d) {
    std::array<double, N> zs{}, u = u0;
    for (double& v : zs) v = draw_normal(gen);
    for (std::size_t a = 0; a < N; ++a)
      for (std::size_t b = 0; b <= a; ++b) u[a] += (*l)[a][b] * zs[b];
    check_interrupt();
    const result<std::vector<T>> y = f(est.model_at(u));
    if (!y) return y.error();
    if (y->size() != n) return error_info{errc::out_of_range, name, "prediction", "changed length with the parameters"};
    double t = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = static_cast<double>((*y)[i]);
      if (!std::isfinite(v)) return error_info{errc::not_finite, name, "prediction", "at a bootstrap draw of the parameters"};
      values[d * n + i] = v;
      t += weight(i) * v;
    }
    totals[d] = t;
  }
  std::vector<double> column(opt.draws);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t d = 0; d < opt.draws; ++d) column[d] = values[d * n + i];
    out.each[i] = bootstrap_bounds<T>((*y0)[i], column, opt.level);
  }
  out.total = bootstrap_bounds<T>(static_cast<T>(total0), totals, opt.level);
  return out;
}

/// One prediction: f(model) -> result<T>, through the batch core.
template <class E, class F>
[[nodiscard]] auto interval(const E& est, F&& f, prediction_scale scale, const interval_options& opt, const char* name)
    -> result<prediction_interval<typename E::number>> {
  using T = typename E::number;
  const auto one = [&f](const typename E::model_type& m) -> result<std::vector<T>> {
    const result<T> v = f(m);
    if (!v) return v.error();
    return std::vector<T>{*v};
  };
  const result<prediction_intervals<T>> r = intervals(est, one, scale, opt, std::span<const T>{}, name);
  if (!r) return r.error();
  return r->each.front();
}

/// Total -ln L of a model over its data: the model's own total for cohort data, else the weighted
/// sum over (compressed) rows.
template <class Model, class Data>
[[nodiscard]] result<double> total_negative_log_likelihood(const Model& m, const Data& data) {
  if constexpr (requires { m.try_log_likelihood(data); }) {
    const auto v = m.try_log_likelihood(data);
    if (!v) return v.error();
    return -static_cast<double>(*v);
  } else {
    double s = 0.0;
    for (const auto& row : data) {
      const auto v = m.try_log_likelihood(row);
      if (!v) return v.error();
      s -= static_cast<double>(row.weight) * static_cast<double>(*v);
    }
    return s;
  }
}

/// The estimate at `m` from the data: the Hessian of -ln L in u = ln(parameters) by central second
/// differences of the total (step eps^(1/4), error O(h^2)), inverted by Cholesky.
template <class Model, class Data>
[[nodiscard]] result<parameter_estimate<Model>> estimate_from_data(const Model& m, const Data& data, const char* name) {
  using P = model_parameters<Model>;
  using T = typename P::number;
  constexpr std::size_t N = P::size;
  parameter_estimate<Model> est{m, {}};
  const std::array<double, N> u0 = est.log_values();
  for (const double u : u0)
    if (!std::isfinite(u)) return error_info{errc::out_of_range, name, "parameters", "must be finite and > 0"};
  const double h = std::pow(step_epsilon<T>(), 0.25);  // (ln L is summed in double too)
  const auto f = [&](std::array<double, N> u, std::size_t i, double di, std::size_t j, double dj) -> result<double> {
    u[i] += di * h, u[j] += dj * h;
    return total_negative_log_likelihood(est.model_at(u), data);
  };
  const result<double> f0 = total_negative_log_likelihood(m, data);
  if (!f0) return f0.error();
  if (!std::isfinite(*f0)) return error_info{errc::not_finite, name, "log-likelihood", "not finite at these parameters"};
  // f(u +- h e_i) for the diagonal; f(u + h(e_i + e_j)) and f(u - h(e_i + e_j)) for each pair:
  // H_ij = [f(++) - f(+i) - f(+j) + 2 f0 - f(-i) - f(-j) + f(--)] / (2 h^2); 1 + 2N + N(N-1) evaluations.
  std::array<double, N> fp{}, fm{};
  for (std::size_t i = 0; i < N; ++i) {
    const result<double> plus = f(u0, i, 1.0, i, 0.0), minus = f(u0, i, -1.0, i, 0.0);
    if (!plus) return plus.error();
    if (!minus) return minus.error();
    fp[i] = *plus, fm[i] = *minus;
  }
  mat<N> hess{};
  for (std::size_t i = 0; i < N; ++i) {
    hess[i][i] = (fp[i] - 2.0 * *f0 + fm[i]) / (h * h);
    for (std::size_t j = 0; j < i; ++j) {
      const result<double> pp = f(u0, i, 1.0, j, 1.0), mm = f(u0, i, -1.0, j, -1.0);
      if (!pp) return pp.error();
      if (!mm) return mm.error();
      hess[i][j] = hess[j][i] = (*pp - fp[i] - fp[j] + 2.0 * *f0 - fm[i] - fm[j] + *mm) / (2.0 * h * h);
    }
  }
  const std::optional<mat<N>> cov = invert_spd<N>(hess);
  if (!cov)
    return error_info{errc::not_identifiable, name, "parameters",
                      "the Hessian of -ln L is not positive definite here (evaluate at the maximum-likelihood estimate)"};
  est.log_covariance = *cov;
  return est;
}

/// Gamma-Gamma from its spend rows: the Hessian its fit takes (detail::objective_hessian: the analytic
/// Hessian of -ln L, gamma_gamma_objective::hessian, in the unit of the spends' weighted geometric mean;
/// central differences of its analytic gradient before 2026-12-07), inverted in the log-parameters as the
/// fit's own test does (in (p, q, gamma) the pivot of p ~ 1e7 is 1e-18 against 1e7), not second
/// differences of ln L in the data's unit. Those drowned in the rounding of ln L on a flat
/// fit (q ~ 1e4, gamma ~ 5e10 in a minor unit: the information's smallest eigenvalue in the
/// log-parameters 0.0166, the rounding of ln L's second differences about 60) and were not positive
/// definite, or off by 15 % (q ~ 1 400); found by crm-report's tests, 2026-12-05.
template <class T, class Data>
[[nodiscard]] result<parameter_estimate<gamma_gamma<T>>> estimate_from_data(const gamma_gamma<T>& m, const Data& data, const char* name) {
  const std::span<const spend_row<T>> rows(data);
  if (const error_info e = validate(rows, name)) return e;
  parameter_estimate<gamma_gamma<T>> est{m, {}};
  for (const double u : est.log_values())
    if (!std::isfinite(u)) return error_info{errc::out_of_range, name, "parameters", "must be finite and > 0"};
  using W = spend_work_type<T>;
  const spend_in_unit<W> in_unit = spend_in_geometric_mean_unit<W>(rows, true);
  const gamma_gamma_objective<W> objective{std::span<const spend_row<W>>(in_unit.rows)};
  const vec<3> at{static_cast<double>(m.p), static_cast<double>(m.q), static_cast<double>(m.gamma) / std::exp(static_cast<double>(in_unit.log_unit))};
  auto nll = gamma_gamma_nll(objective);
  vec<3> g{};
  if (!std::isfinite(nll(at, g))) return error_info{errc::not_finite, name, "log-likelihood", "not finite at these parameters"};
  // the information in ln(p, q, gamma), H_ij theta_i theta_j, the same in any unit of gamma
  mat<3> h = objective_hessian<3>(nll, at);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) h[i][j] *= at[i] * at[j];
  const std::optional<mat<3>> cov = invert_spd<3>(h);
  if (!cov)
    return error_info{errc::not_identifiable, name, "parameters",
                      "the Hessian of -ln L is not positive definite here (evaluate at the maximum-likelihood estimate)"};
  est.log_covariance = *cov;
  return est;
}

}  // namespace detail

/**
 * @brief The asymptotic normal distribution of a fitted model's parameters, from its data: the
 * covariance of ln(parameters) is the inverse of the observed information, the Hessian of the
 * total -ln L (weights counted) in the log-parameters, by central second differences (step
 * eps^(1/4) on the log scale); for Gamma-Gamma the Hessian its fit takes (analytic, in the unit of
 * the spends' geometric mean). Call it at the fitted parameters
 * (`fit.params`): there it gives the standard errors the fit reports. Rows: crm::rfm_row (BG/NBD, modified BG/NBD, Pareto/NBD),
 * crm::spend_row (Gamma-Gamma), crm::discrete_row (BG/BB); cohorts of survivors (sBG, BdW).
 * Errors: the model's own errors for invalid parameters or rows; empty data (`errc::empty_input`,
 * field "rows"); -ln L not finite; a Hessian that is not positive definite (`errc::not_identifiable`,
 * field "parameters": not a maximum of the likelihood).
 *
 * **Example**
 *     auto fit = crm::fit_bg_nbd(rows);
 *     auto est = crm::parameter_estimate_from(fit.params, rows);   // then intervals, below
 */
template <class Model, class Row>
[[nodiscard]] result<parameter_estimate<Model>> try_parameter_estimate(const Model& model, std::span<const Row> rows) {
  constexpr const char* name = "parameter_estimate";
  if (rows.empty()) return error_info{errc::empty_input, name, "rows"};
  if constexpr (requires { compress(rows); }) {
    const auto packed = compress(rows);
    return detail::estimate_from_data(model, packed, name);
  } else {
    return detail::estimate_from_data(model, rows, name);
  }
}
template <class Model, class Row>
[[nodiscard]] result<parameter_estimate<Model>> try_parameter_estimate(const Model& model, const std::vector<Row>& rows) {
  return try_parameter_estimate(model, std::span<const Row>(rows));
}
template <class Model, class Row>
[[nodiscard]] parameter_estimate<Model> parameter_estimate_from(const Model& model, std::span<const Row> rows) {
  return try_parameter_estimate(model, rows).value();
}
template <class Model, class Row>
[[nodiscard]] parameter_estimate<Model> parameter_estimate_from(const Model& model, const std::vector<Row>& rows) {
  return try_parameter_estimate(model, std::span<const Row>(rows)).value();
}

namespace detail {
/// try_parameter_estimate(model, covariance) with the parameters from index `estimated` on held (a
/// nested model's fixed ones, crm::model_parameters): finite and >= 0, their log-covariance rows 0
/// whatever `covariance` holds there; the others as the public form checks them.
template <class Model>
[[nodiscard]] result<parameter_estimate<Model>> estimate_from_covariance(
    const Model& model, const std::array<std::array<double, model_parameters<Model>::size>, model_parameters<Model>::size>& covariance,
    std::size_t estimated, const char* name) {
  constexpr std::size_t N = model_parameters<Model>::size;
  parameter_estimate<Model> est{model, {}};
  const auto p = model_parameters<Model>::get(model);
  std::array<bool, N> held{};
  for (std::size_t i = 0; i < N; ++i) {
    held[i] = i >= estimated;
    const double v = static_cast<double>(p[i]);
    if (!(std::isfinite(v) && (v > 0.0 || (held[i] && v == 0.0))))
      return error_info{errc::out_of_range, name, "parameters", "must be finite and > 0"};
  }
  for (std::size_t i = 0; i < estimated; ++i)
    for (std::size_t j = 0; j < estimated; ++j) {
      const double c = covariance[i][j];
      if (!std::isfinite(c)) return error_info{errc::not_finite, name, "covariance"};
      if (std::abs(c - covariance[j][i]) > 1e-9 * std::max(std::abs(c), std::abs(covariance[j][i])))
        return error_info{errc::out_of_range, name, "covariance", "must be symmetric"};
      est.log_covariance[i][j] = c / (static_cast<double>(p[i]) * static_cast<double>(p[j]));
    }
  if (!cholesky_lower_held<N>(est.log_covariance, held)) return error_info{errc::out_of_range, name, "covariance", "must be positive definite"};
  return est;
}
}  // namespace detail

/**
 * @brief An estimate from a covariance matrix of the natural parameters obtained elsewhere (a
 * published table, another program): C_u[i][j] = C[i][j] / (p_i p_j).
 * Errors: a parameter not finite or <= 0 (field "parameters"); an entry not finite (field
 * "covariance"); not symmetric (relative 1e-9) or not positive definite (`errc::out_of_range`,
 * field "covariance").
 */
template <class Model>
[[nodiscard]] result<parameter_estimate<Model>> try_parameter_estimate(
    const Model& model, const std::array<std::array<double, model_parameters<Model>::size>, model_parameters<Model>::size>& covariance) {
  return detail::estimate_from_covariance(model, covariance, model_parameters<Model>::size, "parameter_estimate");
}
template <class Model>
[[nodiscard]] parameter_estimate<Model> parameter_estimate_from(
    const Model& model, const std::array<std::array<double, model_parameters<Model>::size>, model_parameters<Model>::size>& covariance) {
  return try_parameter_estimate(model, covariance).value();
}

/**
 * @brief The estimate straight from a fit, with no likelihood evaluation: `fit.params` and the
 * covariance the fit kept (crm::fit_result::covariance, the inverse Hessian of -ln L in the natural
 * parameters at the optimum), C_u[i][j] = C[i][j] / (p_i p_j). At a maximum of the likelihood this
 * is the estimate try_parameter_estimate(fit.params, rows) computes from the data (the Hessians in
 * the natural and in the log-parameters differ by the score, 0 there): every entry within 2e-4 of
 * sqrt(C_ii C_jj) on the tests' fits of every model (docs/model-diagnostics.md). After a penalised fit
 * (fit_options::penalizer > 0) the optimum is not a maximum of ln L and the two differ.
 * Errors: a fit without covariance (`errc::not_identifiable`, field "covariance": a boundary maximum
 * reported by fit_options::on_boundary, or a default-constructed fit_result); a covariance of another
 * size than the model's parameters (`errc::out_of_range`, field "covariance"); then those of
 * try_parameter_estimate(model, covariance).
 *
 * **Example**
 *     auto fit = crm::fit_bg_nbd(rows);
 *     auto est = crm::parameter_estimate_from(fit);   // no pass over the rows
 */
template <class Model>
[[nodiscard]] result<parameter_estimate<Model>> try_parameter_estimate(const fit_result<Model>& fit) {
  constexpr const char* name = "parameter_estimate";
  constexpr std::size_t N = model_parameters<Model>::size;
  if (!fit.covariance.available())
    return error_info{errc::not_identifiable, name, "covariance",
                      "is not available: the fit ran to a boundary of the parameter space (see fit_result::boundary)"};
  if (fit.covariance.size != N) return error_info{errc::out_of_range, name, "covariance", "must have one row per parameter of the model"};
  std::array<std::array<double, N>, N> c{};
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j) c[i][j] = fit.covariance(i, j);
  // a last parameter with its covariance row 0 is held (crm::try_fit_zero_inflated_nbd's pi = 0,
  // crm::try_fit_first_repeat_dropout_nbd's pi = 0 or 1)
  return detail::estimate_from_covariance(fit.params, c, detail::estimated_parameters<N>(c), name);
}
/// Throwing form of try_parameter_estimate(fit) (crm::metric_error).
template <class Model>
[[nodiscard]] parameter_estimate<Model> parameter_estimate_from(const fit_result<Model>& fit) {
  return try_parameter_estimate(fit).value();
}

namespace detail {
/// The nested models whose boundary report carries their covariance (boundary_report::nested_covariance):
/// at which boundaries, their parameters as the report holds them, in model_parameters' order, and how
/// many of them the nested fit estimated (the covariance's size; the rest are held at their values).
template <class Model>
struct nested_in_report;
template <std::floating_point T>
struct nested_in_report<nbd<T>> {
  [[nodiscard]] static constexpr bool at(fit_boundary w) noexcept {
    return w == fit_boundary::a_to_zero || w == fit_boundary::b_to_zero || w == fit_boundary::a_and_b_to_zero ||
           w == fit_boundary::s_to_zero || w == fit_boundary::beta_to_infinity;
  }
  [[nodiscard]] static constexpr std::array<T, 2> values(const boundary_report& b) noexcept {
    return {static_cast<T>(b.nested_r), static_cast<T>(b.nested_alpha)};
  }
  [[nodiscard]] static constexpr std::size_t estimated(const boundary_report&) noexcept { return 2; }
};
template <std::floating_point T, int Shift>
struct nested_in_report<homogeneous_bgnbd_family<T, Shift>> {
  [[nodiscard]] static constexpr bool at(fit_boundary w) noexcept { return w == fit_boundary::homogeneous_dropout; }
  [[nodiscard]] static constexpr std::array<T, 3> values(const boundary_report& b) noexcept {
    return {static_cast<T>(b.nested_r), static_cast<T>(b.nested_alpha), static_cast<T>(b.nested_dropout)};
  }
  [[nodiscard]] static constexpr std::size_t estimated(const boundary_report&) noexcept { return 3; }
};
template <std::floating_point T>
struct nested_in_report<homogeneous_pareto_nbd<T>> {
  [[nodiscard]] static constexpr bool at(fit_boundary w) noexcept { return w == fit_boundary::homogeneous_death_rate; }
  [[nodiscard]] static constexpr std::array<T, 3> values(const boundary_report& b) noexcept {
    return {static_cast<T>(b.nested_r), static_cast<T>(b.nested_alpha), static_cast<T>(b.nested_dropout)};
  }
  [[nodiscard]] static constexpr std::size_t estimated(const boundary_report&) noexcept { return 3; }
};
// BG/BB: crm::try_nested_bg_bb_model's and crm::try_nested_bg_bb_purchase_model's models
template <std::floating_point T>
struct nested_in_report<beta_bernoulli<T>> {
  [[nodiscard]] static constexpr bool at(fit_boundary w) noexcept {
    return w == fit_boundary::bb_no_dropout || w == fit_boundary::bb_homogeneous_dropout;
  }
  [[nodiscard]] static constexpr std::array<T, 3> values(const boundary_report& b) noexcept {
    return {static_cast<T>(b.nested_r), static_cast<T>(b.nested_alpha),
            b.where == fit_boundary::bb_no_dropout ? T(0) : static_cast<T>(b.nested_dropout)};
  }
  [[nodiscard]] static constexpr std::size_t estimated(const boundary_report& b) noexcept {
    return b.where == fit_boundary::bb_no_dropout ? 2 : 3;  // theta held at 0
  }
};
template <std::floating_point T>
struct nested_in_report<beta_geometric_bernoulli<T>> {
  [[nodiscard]] static constexpr bool at(fit_boundary w) noexcept {
    return w == fit_boundary::bb_homogeneous_purchase || w == fit_boundary::bb_binomial;
  }
  [[nodiscard]] static constexpr std::array<T, 3> values(const boundary_report& b) noexcept {
    const bool binomial = b.where == fit_boundary::bb_binomial;
    return {static_cast<T>(b.nested_purchase), binomial ? T(0) : static_cast<T>(b.nested_r), binomial ? T(1) : static_cast<T>(b.nested_alpha)};
  }
  [[nodiscard]] static constexpr std::size_t estimated(const boundary_report& b) noexcept {
    return b.where == fit_boundary::bb_binomial ? 1 : 3;  // gamma = 0, delta = 1 held
  }
};
// sBG, BdW: crm::try_nested_contract_model's models
template <std::floating_point T>
struct nested_in_report<discrete_weibull_churn<T>> {
  [[nodiscard]] static constexpr bool at(fit_boundary w) noexcept { return w == fit_boundary::homogeneous_churn; }
  [[nodiscard]] static constexpr std::array<T, 2> values(const boundary_report& b) noexcept {
    return {static_cast<T>(b.nested_dropout), static_cast<T>(b.nested_shape)};
  }
  [[nodiscard]] static constexpr std::size_t estimated(const boundary_report& b) noexcept {
    return b.nested_parameters == 1 ? 1 : 2;  // sBG: the geometric, c = 1 held
  }
};
template <std::floating_point T>
struct nested_in_report<power_law_survival<T>> {
  [[nodiscard]] static constexpr bool at(fit_boundary w) noexcept { return w == fit_boundary::power_law_survival; }
  [[nodiscard]] static constexpr std::array<T, 2> values(const boundary_report& b) noexcept {
    return {static_cast<T>(b.nested_shape), static_cast<T>(b.nested_alpha)};
  }
  [[nodiscard]] static constexpr std::size_t estimated(const boundary_report&) noexcept { return 2; }
};
// Gamma-Gamma: crm::try_nested_spend_model's model, whose own boundary must be the report's (where_of)
template <std::floating_point T>
struct nested_in_report<gamma_gamma_nested<T>> {
  [[nodiscard]] static constexpr bool at(fit_boundary w) noexcept { return w == fit_boundary::p_to_infinity || w == fit_boundary::q_to_infinity; }
  [[nodiscard]] static constexpr std::array<T, 2> values(const boundary_report& b) noexcept {
    return {static_cast<T>(b.nested_r), static_cast<T>(b.nested_alpha)};
  }
  [[nodiscard]] static constexpr std::size_t estimated(const boundary_report&) noexcept { return 2; }
  [[nodiscard]] static constexpr fit_boundary where_of(const gamma_gamma_nested<T>& m) noexcept { return m.where; }
};
}  // namespace detail

/**
 * @brief The estimate of the nested model of a fit that ended on a boundary (fit_options::on_boundary =
 * boundary_policy::report), with no likelihood evaluation: `nested` (crm::try_homogeneous_estimates(fit)
 * at the boundary at infinity, crm::nbd{b.nested_r, b.nested_alpha} at the NBD limit) and the covariance
 * its fit kept, boundary_report::nested_covariance (the inverse Hessian of the nested model's -ln L at
 * its maximum), C_u[i][j] = C[i][j] / (p_i p_j): the delta-method and bootstrap intervals of the nested
 * model's predictions, as try_parameter_estimate(fit) gives them for an interior fit. Models: crm::nbd
 * (BG/NBD family's and Pareto/NBD's a_to_zero, b_to_zero, a_and_b_to_zero, s_to_zero, beta_to_infinity),
 * crm::homogeneous_bg_nbd and crm::homogeneous_modified_bg_nbd (homogeneous_dropout),
 * crm::homogeneous_pareto_nbd (homogeneous_death_rate); BG/BB's crm::beta_bernoulli (bb_no_dropout:
 * alpha, beta, theta = 0 held; bb_homogeneous_dropout: alpha, beta, theta; crm::try_nested_bg_bb_model)
 * and crm::beta_geometric_bernoulli (bb_homogeneous_purchase: p, gamma, delta; bb_binomial: p, with
 * gamma = 0 and delta = 1 held; crm::try_nested_bg_bb_purchase_model); sBG's and BdW's
 * crm::discrete_weibull_churn (homogeneous_churn: theta, c; sBG's geometric theta, c = 1 held) and BdW's
 * crm::power_law_survival (power_law_survival: k, tau; none where tau sits at its kink, a whole period j:
 * errc::not_identifiable on "covariance"; crm::try_nested_contract_model); Gamma-Gamma's
 * crm::gamma_gamma_nested (p_to_infinity: q, c; q_to_infinity: p, theta; its `where` the report's;
 * crm::try_nested_spend_model). A held parameter has no variance: no interval ever moves it.
 * Errors: the report is of another boundary (`errc::out_of_range`, field "boundary"); its nested fit
 * failed (that fit's error, boundary_report::nested_error); `nested`'s parameters are not the report's
 * (`errc::out_of_range`, field "parameters"); no covariance of the size the nested fit estimated
 * (`errc::not_identifiable`, field "covariance"); then those of try_parameter_estimate(model, covariance).
 *
 * **Example**
 *     auto fit = crm::fit_pareto_nbd(rows, {.on_boundary = crm::boundary_policy::report});
 *     auto nested = crm::try_homogeneous_estimates(fit);                      // at homogeneous_death_rate
 *     auto est = crm::try_parameter_estimate(*nested, fit.boundary);          // then intervals, below
 */
template <class Model>
  requires requires { detail::nested_in_report<Model>::at(fit_boundary::none); }
[[nodiscard]] result<parameter_estimate<Model>> try_parameter_estimate(const Model& nested, const boundary_report& b) {
  constexpr const char* name = "parameter_estimate";
  constexpr std::size_t N = model_parameters<Model>::size;
  using traits = detail::nested_in_report<Model>;
  if (!traits::at(b.where)) return error_info{errc::out_of_range, name, "boundary", "the report's nested model is not of this kind"};
  if constexpr (requires { traits::where_of(nested); })
    if (traits::where_of(nested) != b.where) return error_info{errc::out_of_range, name, "boundary", "the report's nested model is not of this kind"};
  if (!b.nested_fitted) return b.nested_error;
  if (model_parameters<Model>::get(nested) != traits::values(b))
    return error_info{errc::out_of_range, name, "parameters", "must be the boundary report's nested model"};
  const std::size_t n = traits::estimated(b);
  if (b.nested_covariance.size != n)
    return error_info{errc::not_identifiable, name, "covariance", "the boundary report has no covariance of the nested model"};
  std::array<std::array<double, N>, N> c{};
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) c[i][j] = b.nested_covariance(i, j);
  return detail::estimate_from_covariance(nested, c, n, name);
}
/// Throwing form of try_parameter_estimate(nested, boundary) (crm::metric_error).
template <class Model>
  requires requires { detail::nested_in_report<Model>::at(fit_boundary::none); }
[[nodiscard]] parameter_estimate<Model> parameter_estimate_from(const Model& nested, const boundary_report& b) {
  return try_parameter_estimate(nested, b).value();
}

/**
 * @brief The estimate of the zero-inflated NBD a fit names at its corner (Pareto/NBD's s_and_beta_to_zero, the
 * modified BG/NBD's a_and_b_to_zero; `model` = crm::try_zero_inflated_estimates(fit)) from the covariance of its
 * (r, alpha, pi) the boundary report carries (boundary_report::limit_covariance), with no likelihood evaluation:
 * the delta-method and bootstrap intervals of its predictions. Errors: the report is of another boundary
 * (`errc::out_of_range`, field "boundary"); no covariance of three parameters (`errc::not_identifiable`, field
 * "covariance"); then those of try_parameter_estimate(model, covariance).
 *
 * **Example**
 *     auto fit = crm::fit_pareto_nbd(rows, {.on_boundary = crm::boundary_policy::report});
 *     auto zi = crm::try_zero_inflated_estimates(fit);                       // at s_and_beta_to_zero
 *     auto est = crm::try_parameter_estimate(*zi, fit.boundary);             // then intervals, below
 */
namespace detail {
/// The estimate of a corner's limit model (r, alpha, pi) from boundary_report::limit_covariance, for a report of
/// boundary `at` or `or_at` (`what`: the report's other boundaries' error); pi held where its row is 0.
template <class Model>
[[nodiscard]] result<parameter_estimate<Model>> limit_estimate(const Model& model, const boundary_report& b, fit_boundary at, fit_boundary or_at,
                                                               const char* what) {
  constexpr const char* name = "parameter_estimate";
  if (b.where != at && b.where != or_at) return error_info{errc::out_of_range, name, "boundary", what};
  if (b.limit_covariance.size != 3)
    return error_info{errc::not_identifiable, name, "covariance", "the boundary report has no covariance of the limit's model"};
  std::array<std::array<double, 3>, 3> c{};
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) c[i][j] = b.limit_covariance(i, j);
  return estimate_from_covariance(model, c, estimated_parameters<3>(c), name);
}
}  // namespace detail
template <std::floating_point T>
[[nodiscard]] result<parameter_estimate<zero_inflated_nbd<T>>> try_parameter_estimate(const zero_inflated_nbd<T>& model,
                                                                                     const boundary_report& b) {
  return detail::limit_estimate(model, b, fit_boundary::s_and_beta_to_zero, fit_boundary::a_and_b_to_zero,
                                "the report is not of a corner whose limit is the zero-inflated NBD");
}
/// Throwing form of try_parameter_estimate(zero_inflated_nbd, boundary) (crm::metric_error).
template <std::floating_point T>
[[nodiscard]] parameter_estimate<zero_inflated_nbd<T>> parameter_estimate_from(const zero_inflated_nbd<T>& model, const boundary_report& b) {
  return try_parameter_estimate(model, b).value();
}

/**
 * @brief The same for the model a BG/NBD fit names at a, b -> 0 or b -> 0 (`model` =
 * crm::try_first_repeat_dropout_estimates(fit)): the covariance of its (r, alpha, pi) in the boundary report; at
 * b -> 0 pi = 1 is held (its row 0: no interval moves it). Errors: the report is of another boundary
 * (`errc::out_of_range`, field "boundary"); no covariance of three parameters (`errc::not_identifiable`, field
 * "covariance"); then those of try_parameter_estimate(model, covariance).
 */
template <std::floating_point T>
[[nodiscard]] result<parameter_estimate<first_repeat_dropout_nbd<T>>> try_parameter_estimate(const first_repeat_dropout_nbd<T>& model,
                                                                                             const boundary_report& b) {
  return detail::limit_estimate(model, b, fit_boundary::a_and_b_to_zero, fit_boundary::b_to_zero,
                                "the report is not of BG/NBD's a, b -> 0 or b -> 0");
}
/// Throwing form of try_parameter_estimate(first_repeat_dropout_nbd, boundary) (crm::metric_error).
template <std::floating_point T>
[[nodiscard]] parameter_estimate<first_repeat_dropout_nbd<T>> parameter_estimate_from(const first_repeat_dropout_nbd<T>& model,
                                                                                     const boundary_report& b) {
  return try_parameter_estimate(model, b).value();
}

/**
 * @brief Interval of any prediction f(model) -> crm::result<T> (a unit of f's own): delta method or
 * parametric bootstrap (see the top of this header), `level` coverage (default 90 %).
 * Errors: invalid options (field "level" or "draws"); f's own errors, at the estimate or at any
 * perturbed or drawn parameters (passed on unchanged); a prediction or standard error that is not
 * finite; a prediction outside the open range the scale needs (> 0 for log, (0, 1) for logit)
 * while its standard error is not 0.
 *
 * **Example**
 *     auto i = crm::try_prediction_interval(est, [](const crm::bg_nbd<>& m) { return m.try_expected_purchases(39.0); },
 *                                           crm::prediction_scale::log, {.level = 0.9});
 */
template <class Model, class F>
[[nodiscard]] result<prediction_interval<typename model_parameters<Model>::number>> try_prediction_interval(
    const parameter_estimate<Model>& est, F&& f, prediction_scale scale, const interval_options& opt = {}) {
  return detail::interval(est, f, scale, opt, "prediction_interval");
}
template <class Model, class F>
[[nodiscard]] prediction_interval<typename model_parameters<Model>::number> prediction_interval_of(
    const parameter_estimate<Model>& est, F&& f, prediction_scale scale, const interval_options& opt = {}) {
  return try_prediction_interval(est, f, scale, opt).value();
}

/**
 * @brief Intervals of a whole-base prediction f(model) -> crm::result<std::vector<T>>: one per
 * entry and one for the total sum_i w_i f_i (weights empty: all 1), whose variance counts the
 * correlation of the entries through the shared parameters (on the log scale when `scale` is
 * logit: a sum of probabilities is an expected count). The bootstrap keeps draws x entries values
 * (at most 10^8).
 * Errors: those of try_prediction_interval; no entries (`errc::empty_input`); weights of another
 * length (`errc::out_of_range`, field "weights"); a total that overflows.
 */
template <class Model, class F>
[[nodiscard]] result<prediction_intervals<typename model_parameters<Model>::number>> try_prediction_intervals(
    const parameter_estimate<Model>& est, F&& f, prediction_scale scale, const interval_options& opt = {},
    std::span<const typename model_parameters<Model>::number> weights = {}) {
  return detail::intervals(est, f, scale, opt, weights, "prediction_intervals");
}
/// Throwing form of try_prediction_intervals (crm::metric_error).
template <class Model, class F>
[[nodiscard]] prediction_intervals<typename model_parameters<Model>::number> prediction_intervals_of(
    const parameter_estimate<Model>& est, F&& f, prediction_scale scale, const interval_options& opt = {},
    std::span<const typename model_parameters<Model>::number> weights = {}) {
  return try_prediction_intervals(est, f, scale, opt, weights).value();
}

namespace detail {
/// Per-row predictions through the model's batch form when it has one, else row by row.
template <class Model, class Row, class One>
[[nodiscard]] auto per_row(std::span<const Row> rows, One&& one) -> result<std::vector<typename model_parameters<Model>::number>> {
  using T = typename model_parameters<Model>::number;
  std::vector<T> out;
  out.reserve(rows.size());
  for (const Row& row : rows) {
    const result<T> v = one(row);
    if (!v) return v.error();
    out.push_back(*v);
  }
  return out;
}
template <class Row, class T>
[[nodiscard]] std::vector<T> row_weights(std::span<const Row> rows) {
  std::vector<T> w;
  w.reserve(rows.size());
  for (const Row& r : rows) w.push_back(static_cast<T>(r.weight));
  return w;
}
template <class E, class F>
[[nodiscard]] auto rows_intervals(const E& est, F&& f, prediction_scale scale, const interval_options& opt, std::span<const typename E::number> w,
                                  const char* name, std::size_t rows) -> result<prediction_intervals<typename E::number>> {
  if (rows == 0) return error_info{errc::empty_input, name, "rows"};
  return intervals(est, f, scale, opt, w, name);
}
}  // namespace detail

/**
 * @brief P(alive | history) with its interval (logit scale), for BG/NBD, modified BG/NBD,
 * Pareto/NBD and BG/BB; the probability that the customer is still active (see each model).
 * Errors: those of the model's try_probability_alive and of try_prediction_interval.
 */
template <class Model, class Row>
[[nodiscard]] result<prediction_interval<typename model_parameters<Model>::number>> try_probability_alive_interval(
    const parameter_estimate<Model>& est, const Row& customer, const interval_options& opt = {}) {
  return detail::interval(est, [&](const Model& m) { return m.try_probability_alive(customer); }, prediction_scale::logit, opt,
                          "probability_alive_interval");
}
/// P(alive) of every customer with its interval, and the expected number of active customers
/// sum_i w_i P_i (weights = the rows' weights) with its interval. Errors as above; no rows.
template <class Model, class Row>
[[nodiscard]] result<prediction_intervals<typename model_parameters<Model>::number>> try_probability_alive_intervals(
    const parameter_estimate<Model>& est, std::span<const Row> rows, const interval_options& opt = {}) {
  using T = typename model_parameters<Model>::number;
  const std::vector<T> w = detail::row_weights<Row, T>(rows);
  const auto f = [&](const Model& m) -> result<std::vector<T>> {
    if constexpr (requires { m.try_probability_alive(rows); })
      return m.try_probability_alive(rows);
    else
      return detail::per_row<Model, Row>(rows, [&](const Row& r) { return m.try_probability_alive(r); });
  };
  return detail::rows_intervals(est, f, prediction_scale::logit, opt, std::span<const T>(w), "probability_alive_intervals", rows.size());
}

/**
 * @brief Expected repeat purchases of a new customer in (0, t] with its interval (log scale), for
 * BG/NBD, modified BG/NBD, Pareto/NBD (t in the data's time unit) and BG/BB (t opportunities).
 * Errors: those of the model's try_expected_purchases and of try_prediction_interval.
 */
template <class Model, class T>
[[nodiscard]] result<prediction_interval<typename model_parameters<Model>::number>> try_expected_purchases_interval(
    const parameter_estimate<Model>& est, T t, const interval_options& opt = {}) {
  return detail::interval(est, [&](const Model& m) { return m.try_expected_purchases(t); }, prediction_scale::log, opt,
                          "expected_purchases_interval");
}

/**
 * @brief Expected purchases of a customer with this history in the next t, with its interval (log
 * scale); the model's try_conditional_expected_purchases (transactions).
 */
template <class Model, class Row, class T>
[[nodiscard]] result<prediction_interval<typename model_parameters<Model>::number>> try_conditional_expected_purchases_interval(
    const parameter_estimate<Model>& est, const Row& customer, T t, const interval_options& opt = {}) {
  return detail::interval(est, [&](const Model& m) { return m.try_conditional_expected_purchases(customer, t); }, prediction_scale::log, opt,
                          "conditional_expected_purchases_interval");
}
/// The same for every customer, and the whole base's expected purchases in the next t,
/// sum_i w_i E_i (weights = the rows' weights), each with its interval. Errors as above; no rows.
template <class Model, class Row, class T>
[[nodiscard]] result<prediction_intervals<typename model_parameters<Model>::number>> try_conditional_expected_purchases_intervals(
    const parameter_estimate<Model>& est, std::span<const Row> rows, T t, const interval_options& opt = {}) {
  using N = typename model_parameters<Model>::number;
  const std::vector<N> w = detail::row_weights<Row, N>(rows);
  const auto f = [&](const Model& m) -> result<std::vector<N>> {
    if constexpr (requires { m.try_conditional_expected_purchases(rows, t); })
      return m.try_conditional_expected_purchases(rows, t);
    else
      return detail::per_row<Model, Row>(rows, [&](const Row& r) { return m.try_conditional_expected_purchases(r, t); });
  };
  return detail::rows_intervals(est, f, prediction_scale::log, opt, std::span<const N>(w), "conditional_expected_purchases_intervals",
                                rows.size());
}

/// The spend models in number type T: Gamma-Gamma and its nested model (crm::gamma_gamma_nested).
template <class Model, class T>
concept spend_model = std::same_as<typename model_parameters<Model>::number, T> && requires(const Model& m, T x) {
  m.try_conditional_expected_average_spend(x, x);
};

/**
 * @brief Gamma-Gamma expected value of a customer's next transaction given x past transactions
 * averaging zbar, with its interval (log scale; money); x = 0 gives the population mean. Also of the
 * nested spend model of a fit on a boundary (crm::gamma_gamma_nested, crm::try_parameter_estimate(nested,
 * boundary); at p_to_infinity a customer with x > 0 has zbar itself, standard error 0).
 * Errors: those of the model's try_conditional_expected_average_spend and try_prediction_interval.
 */
template <std::floating_point T, spend_model<T> Spend>
[[nodiscard]] result<prediction_interval<T>> try_expected_average_spend_interval(const parameter_estimate<Spend>& est, T frequency,
                                                                                  T average_spend, const interval_options& opt = {}) {
  return detail::interval(
      est, [&](const Spend& m) { return m.try_conditional_expected_average_spend(frequency, average_spend); }, prediction_scale::log, opt,
      "expected_average_spend_interval");
}

namespace detail {
template <class TxModel, class Spend, class T, class Row>
[[nodiscard]] result<T> clv_of(const TxModel& tx, const Spend& gg, const Row& row, T average_spend, const clv_horizon<T>& h) {
  const result<T> spend = gg.try_conditional_expected_average_spend(static_cast<T>(row.frequency), average_spend);
  if (!spend) return spend.error();
  return try_customer_lifetime_value(tx, row, *spend, h);
}
}  // namespace detail

/**
 * @brief Customer lifetime value (crm::try_customer_lifetime_value, money) with its interval from
 * both fits: the transaction model's estimate and the Gamma-Gamma estimate, independent of each
 * other (the Gamma-Gamma model assumes spend independent of the transaction process), so the joint
 * covariance is block-diagonal. The expected spend is the Gamma-Gamma conditional expectation given
 * (frequency of the row, average_spend); average_spend = 0 for a customer without repeat purchases
 * (population mean). Log scale.
 * Errors: those of try_customer_lifetime_value, of the spend expectation and of
 * try_prediction_interval.
 */
template <class TxModel, std::floating_point T, spend_model<T> Spend, class Row>
[[nodiscard]] result<prediction_interval<T>> try_customer_lifetime_value_interval(const parameter_estimate<TxModel>& transactions,
                                                                                   const parameter_estimate<Spend>& spend, const Row& customer,
                                                                                   T average_spend, const clv_horizon<T>& horizon,
                                                                                   const interval_options& opt = {}) {
  const detail::joint_estimate<parameter_estimate<TxModel>, parameter_estimate<Spend>> est(transactions, spend);
  return detail::interval(
      est, [&](const auto& m) { return detail::clv_of(m.first, m.second, customer, average_spend, horizon); }, prediction_scale::log, opt,
      "customer_lifetime_value_interval");
}
/// CLV of every customer (average_spends[i] for rows[i]) and of the whole base, sum_i w_i CLV_i,
/// each with its interval. Errors as above; no rows; average_spends of another length
/// (`errc::out_of_range`, field "average_spends"). With rfm_row rows and a transaction model that
/// has a batch CLV (crm::try_batch_customer_lifetime_value, crm/models/batch.hpp: BG/NBD, modified
/// BG/NBD, Pareto/NBD and their nested models) each of the 1 + 2N evaluations of the delta method
/// (N parameters of both models) computes the CLVs through it, equal to the scalar function's within
/// its ulp bounds (docs/batch.md), the BG/NBD family's 2F1 brackets once per distinct (x, T) instead
/// of H per row (since 2026-12-06; before, always row by row); then every row's spend is computed
/// before any CLV, so of a row with a bad spend and an earlier row with a bad history the spend's
/// error is returned.
template <class TxModel, std::floating_point T, spend_model<T> Spend, class Row>
[[nodiscard]] result<prediction_intervals<T>> try_customer_lifetime_value_intervals(const parameter_estimate<TxModel>& transactions,
                                                                                    const parameter_estimate<Spend>& spend,
                                                                                    std::span<const Row> rows, std::span<const T> average_spends,
                                                                                    const clv_horizon<T>& horizon, const interval_options& opt = {}) {
  constexpr const char* name = "customer_lifetime_value_intervals";
  if (average_spends.size() != rows.size())
    return error_info{errc::out_of_range, name, "average_spends", "must have one entry per row"};
  const detail::joint_estimate<parameter_estimate<TxModel>, parameter_estimate<Spend>> est(transactions, spend);
  const std::vector<T> w = detail::row_weights<Row, T>(rows);
  const auto f = [&](const auto& m) -> result<std::vector<T>> {
    std::vector<T> out(rows.size());
    if constexpr (std::same_as<Row, rfm_row<T>> &&
                  requires(std::span<const T> s, std::span<T> o) { try_batch_customer_lifetime_value(m.first, rows, s, horizon, o); }) {
      std::vector<T> expected_spend(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const result<T> s = m.second.try_conditional_expected_average_spend(static_cast<T>(rows[i].frequency), average_spends[i]);
        if (!s) return s.error();
        expected_spend[i] = *s;
      }
      const auto b = try_batch_customer_lifetime_value(m.first, rows, std::span<const T>(expected_spend), horizon, std::span<T>(out));
      if (!b) return b.error();
      return out;
    } else {
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const result<T> v = detail::clv_of(m.first, m.second, rows[i], average_spends[i], horizon);
        if (!v) return v.error();
        out[i] = *v;
      }
      return out;
    }
  };
  return detail::rows_intervals(est, f, prediction_scale::log, opt, std::span<const T>(w), name, rows.size());
}

/// The models with a survival curve: sBG, BdW and their nested models (crm::discrete_weibull_churn,
/// crm::power_law_survival).
template <class Model>
concept survival_model = requires(const Model& m, count_t t) {
  m.try_survival(t);
  m.try_retention_rate(t);
  m.try_survival_curve(t);
};

/**
 * @brief Projected survival S(t) of an sBG or BdW cohort (share still active after t periods) with
 * its interval (logit scale; S(0) = 1 has the interval [1, 1]); also of their nested models,
 * crm::discrete_weibull_churn and crm::power_law_survival (crm::try_parameter_estimate(nested, boundary)).
 * Errors: those of the model's try_survival and of try_prediction_interval.
 */
template <survival_model Model>
[[nodiscard]] result<prediction_interval<typename model_parameters<Model>::number>> try_survival_interval(const parameter_estimate<Model>& est,
                                                                                                         count_t t, const interval_options& opt = {}) {
  return detail::interval(est, [&](const Model& m) { return m.try_survival(t); }, prediction_scale::logit, opt, "survival_interval");
}
/// Projected retention rate r(t) = S(t)/S(t-1), t >= 1, with its interval (logit scale).
template <survival_model Model>
[[nodiscard]] result<prediction_interval<typename model_parameters<Model>::number>> try_retention_rate_interval(
    const parameter_estimate<Model>& est, count_t t, const interval_options& opt = {}) {
  return detail::interval(est, [&](const Model& m) { return m.try_retention_rate(t); }, prediction_scale::logit, opt, "retention_rate_interval");
}
/// The projected survival curve S(0..periods), each point with its interval (logit scale), and its
/// sum, the expected lifetime within periods + 1 periods (sum_{t=0}^{periods} S(t)), with its interval.
template <survival_model Model>
[[nodiscard]] result<prediction_intervals<typename model_parameters<Model>::number>> try_survival_curve_intervals(
    const parameter_estimate<Model>& est, count_t periods, const interval_options& opt = {}) {
  using T = typename model_parameters<Model>::number;
  return detail::intervals(est, [&](const Model& m) { return m.try_survival_curve(periods); }, prediction_scale::logit, opt, std::span<const T>{},
                           "survival_curve_intervals");
}

// Throwing forms of the named intervals above (crm::metric_error on any error of the try_ form).
template <class Model, class Row>
[[nodiscard]] auto probability_alive_interval(const parameter_estimate<Model>& est, const Row& customer, const interval_options& opt = {}) {
  return try_probability_alive_interval(est, customer, opt).value();
}
template <class Model, class Row>
[[nodiscard]] auto probability_alive_intervals(const parameter_estimate<Model>& est, std::span<const Row> rows, const interval_options& opt = {}) {
  return try_probability_alive_intervals(est, rows, opt).value();
}
template <class Model, class T>
[[nodiscard]] auto expected_purchases_interval(const parameter_estimate<Model>& est, T t, const interval_options& opt = {}) {
  return try_expected_purchases_interval(est, t, opt).value();
}
template <class Model, class Row, class T>
[[nodiscard]] auto conditional_expected_purchases_interval(const parameter_estimate<Model>& est, const Row& customer, T t,
                                                           const interval_options& opt = {}) {
  return try_conditional_expected_purchases_interval(est, customer, t, opt).value();
}
template <class Model, class Row, class T>
[[nodiscard]] auto conditional_expected_purchases_intervals(const parameter_estimate<Model>& est, std::span<const Row> rows, T t,
                                                            const interval_options& opt = {}) {
  return try_conditional_expected_purchases_intervals(est, rows, t, opt).value();
}
template <std::floating_point T, spend_model<T> Spend>
[[nodiscard]] prediction_interval<T> expected_average_spend_interval(const parameter_estimate<Spend>& est, T frequency, T average_spend,
                                                                     const interval_options& opt = {}) {
  return try_expected_average_spend_interval(est, frequency, average_spend, opt).value();
}
template <class TxModel, std::floating_point T, spend_model<T> Spend, class Row>
[[nodiscard]] prediction_interval<T> customer_lifetime_value_interval(const parameter_estimate<TxModel>& transactions,
                                                                      const parameter_estimate<Spend>& spend, const Row& customer,
                                                                      T average_spend, const clv_horizon<T>& horizon, const interval_options& opt = {}) {
  return try_customer_lifetime_value_interval(transactions, spend, customer, average_spend, horizon, opt).value();
}
template <class TxModel, std::floating_point T, spend_model<T> Spend, class Row>
[[nodiscard]] prediction_intervals<T> customer_lifetime_value_intervals(const parameter_estimate<TxModel>& transactions,
                                                                        const parameter_estimate<Spend>& spend, std::span<const Row> rows,
                                                                        std::span<const T> average_spends, const clv_horizon<T>& horizon,
                                                                        const interval_options& opt = {}) {
  return try_customer_lifetime_value_intervals(transactions, spend, rows, average_spends, horizon, opt).value();
}
template <survival_model Model>
[[nodiscard]] auto survival_interval(const parameter_estimate<Model>& est, count_t t, const interval_options& opt = {}) {
  return try_survival_interval(est, t, opt).value();
}
template <survival_model Model>
[[nodiscard]] auto retention_rate_interval(const parameter_estimate<Model>& est, count_t t, const interval_options& opt = {}) {
  return try_retention_rate_interval(est, t, opt).value();
}
template <survival_model Model>
[[nodiscard]] auto survival_curve_intervals(const parameter_estimate<Model>& est, count_t periods, const interval_options& opt = {}) {
  return try_survival_curve_intervals(est, periods, opt).value();
}

CRM_METRICS_END_NAMESPACE

// crm-metrics: a small dense BFGS minimiser with a strong-Wolfe line search, numerical Hessians.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/models.hpp>
//
// The models have 2 to 4 parameters, so a dense BFGS with an N x N inverse-Hessian approximation on
// std::array is all that is needed: no allocation, no dependency. Algorithms: Nocedal & Wright,
// "Numerical Optimization" (2nd ed., 2006): BFGS update (6.17), initial scaling (6.20), strong-Wolfe
// line search (Algorithms 3.5 and 3.6) with safeguarded cubic interpolation (3.59).
// See docs/models.md for why this rather than LBFGS++/Eigen or Boost.Math.
#pragma once

#include <crm/core/result.hpp>
#include <crm/models/fit.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <optional>
#include <utility>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

template <std::size_t N>
using vec = std::array<double, N>;
template <std::size_t N>
using mat = std::array<std::array<double, N>, N>;

template <std::size_t N>
[[nodiscard]] constexpr double dot(const vec<N>& a, const vec<N>& b) noexcept {
  double s = 0.0;
  for (std::size_t i = 0; i < N; ++i) s += a[i] * b[i];
  return s;
}
template <std::size_t N>
[[nodiscard]] constexpr double max_abs(const vec<N>& a) noexcept {
  double m = 0.0;
  for (double v : a) m = std::max(m, v < 0 ? -v : v);
  return m;
}
template <std::size_t N>
[[nodiscard]] constexpr bool all_finite(const vec<N>& a) noexcept {
  for (double v : a)
    if (!(v - v == 0.0)) return false;  // false for NaN and +-inf
  return true;
}
template <std::size_t N>
[[nodiscard]] constexpr mat<N> identity() noexcept {
  mat<N> m{};
  for (std::size_t i = 0; i < N; ++i) m[i][i] = 1.0;
  return m;
}

/// Result of minimize_bfgs.
template <std::size_t N>
struct minimum {
  vec<N> x{};
  double value = 0.0;
  vec<N> gradient{};
  convergence report{};
};

/**
 * Minimises f over R^N with BFGS. `f(x, grad)` returns the objective and writes its gradient; it may
 * return NaN or +inf where the objective is undefined (the line search then shortens the step).
 * Stops with interrupted as soon as opt.interrupted() (asked before every evaluation), with
 * gradient_small when max|grad| <= gradient_tolerance, with function_change_small when
 * an iteration changes f by at most function_tolerance * max(|f|, 1) (both "converged" here; a fit
 * certifies the second, fit_positive), else with max_iterations, line_search_failed or not_finite (at
 * the start point). `inverse_hessian` (optional): the first inverse-Hessian approximation (a restart
 * with a Hessian at `start`, positive definite), taken as it is instead of the scaled identity.
 */
template <std::size_t N, class F>
[[nodiscard]] minimum<N> minimize_bfgs(F&& f, const vec<N>& start, const fit_options& opt, const mat<N>* inverse_hessian = nullptr) {
  constexpr double c1 = 1e-4, c2 = 0.9;
  minimum<N> m;
  convergence& rep = m.report;
  vec<N> x = start, g{};
  if (opt.interrupted()) {
    m.x = x, m.value = std::numeric_limits<double>::quiet_NaN();
    rep.reason = stop_reason::interrupted;
    return m;
  }
  double fx = f(x, g);
  rep.function_evaluations = 1;
  if (!std::isfinite(fx) || !all_finite(g)) {
    m.x = x, m.value = fx, m.gradient = g;
    rep.reason = stop_reason::not_finite;
    rep.gradient_norm = max_abs(g);
    return m;
  }
  mat<N> H = inverse_hessian != nullptr ? *inverse_hessian : identity<N>();
  bool h_is_identity = inverse_hessian == nullptr;
  bool first_step = inverse_hessian == nullptr;

  // One trial point of the line search.
  struct point {
    double a, f, d;  // step, objective, directional derivative
    vec<N> x, g;
  };
  bool stop = false;  // fit_options::interrupt asked: no further evaluation
  const auto eval = [&](const vec<N>& x0, const vec<N>& dir, double a) {
    point p{a, 0.0, 0.0, {}, {}};
    for (std::size_t i = 0; i < N; ++i) p.x[i] = x0[i] + a * dir[i];
    if (stop || (stop = opt.interrupted())) {
      p.f = std::numeric_limits<double>::infinity();
      p.d = std::numeric_limits<double>::quiet_NaN();
      return p;
    }
    p.f = f(p.x, p.g);
    ++rep.function_evaluations;
    if (!std::isfinite(p.f) || !all_finite(p.g)) {
      p.f = std::numeric_limits<double>::infinity();
      p.d = std::numeric_limits<double>::quiet_NaN();
    } else {
      p.d = dot(p.g, dir);
    }
    return p;
  };
  // Safeguarded cubic interpolation of the minimiser between lo and hi; bisection as fallback.
  const auto interpolate = [](const point& lo, const point& hi) {
    const double mid = 0.5 * (lo.a + hi.a);
    if (!std::isfinite(hi.f) || !std::isfinite(hi.d)) return mid;
    const double d1 = lo.d + hi.d - 3.0 * (lo.f - hi.f) / (lo.a - hi.a);
    const double rad = d1 * d1 - lo.d * hi.d;
    if (!(rad >= 0.0)) return mid;
    const double d2 = (hi.a > lo.a ? 1.0 : -1.0) * std::sqrt(rad);
    const double a = hi.a - (hi.a - lo.a) * (hi.d + d2 - d1) / (hi.d - lo.d + 2.0 * d2);
    const double lo_b = std::min(lo.a, hi.a), hi_b = std::max(lo.a, hi.a), w = hi_b - lo_b;
    if (!std::isfinite(a) || a < lo_b + 0.1 * w || a > hi_b - 0.1 * w) return mid;
    return a;
  };
  // Strong-Wolfe line search; returns the accepted point, or nullopt.
  const auto line_search = [&](const vec<N>& dir, double f0, double d0, double a_init) -> std::optional<point> {
    point prev{0.0, f0, d0, x, g};
    double a = a_init;
    const auto zoom = [&](point lo, point hi) -> std::optional<point> {
      for (int j = 0; j < 60; ++j) {
        const double aj = interpolate(lo, hi);
        if (!(std::abs(hi.a - lo.a) > 1e-16 * std::max(1.0, std::abs(lo.a)))) break;
        point p = eval(x, dir, aj);
        if (p.f > f0 + c1 * aj * d0 || p.f >= lo.f) {
          hi = p;
        } else {
          if (std::abs(p.d) <= -c2 * d0) return p;
          if (p.d * (hi.a - lo.a) >= 0) hi = lo;
          lo = p;
        }
      }
      // The interval collapsed: accept lo when it decreased the objective (Armijo holds for it).
      if (lo.a > 0.0 && lo.f < f0) return lo;
      return std::nullopt;
    };
    for (int i = 0; i < 60; ++i) {
      point p = eval(x, dir, a);
      if (p.f > f0 + c1 * a * d0 || (i > 0 && p.f >= prev.f)) return zoom(prev, p);
      if (std::abs(p.d) <= -c2 * d0) return p;
      if (p.d >= 0) return zoom(p, prev);
      prev = p;
      a *= 2.0;
    }
    return std::nullopt;
  };

  while (true) {
    rep.gradient_norm = max_abs(g);
    if (stop || (stop = opt.interrupted())) {
      rep.reason = stop_reason::interrupted;
      break;
    }
    if (rep.gradient_norm <= opt.gradient_tolerance) {
      rep.converged = true, rep.reason = stop_reason::gradient_small;
      break;
    }
    if (rep.iterations >= opt.max_iterations) {
      rep.reason = stop_reason::max_iterations;
      break;
    }
    vec<N> dir{};
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) dir[i] -= H[i][j] * g[j];
    double d0 = dot(g, dir);
    if (!(d0 < 0.0)) {  // not a descent direction: restart from steepest descent
      H = identity<N>(), h_is_identity = true;
      for (std::size_t i = 0; i < N; ++i) dir[i] = -g[i];
      d0 = dot(g, dir);
    }
    const double a_init = first_step ? std::min(1.0, 1.0 / max_abs(g)) : 1.0;
    std::optional<point> p = line_search(dir, fx, d0, a_init);
    if (!p && !h_is_identity) {  // retry once along steepest descent with a fresh approximation
      H = identity<N>(), h_is_identity = true;
      for (std::size_t i = 0; i < N; ++i) dir[i] = -g[i];
      d0 = dot(g, dir);
      p = line_search(dir, fx, d0, std::min(1.0, 1.0 / max_abs(g)));
    }
    if (!p) {
      rep.reason = stop ? stop_reason::interrupted : stop_reason::line_search_failed;
      break;
    }
    ++rep.iterations;
    vec<N> s{}, y{};
    for (std::size_t i = 0; i < N; ++i) s[i] = p->x[i] - x[i], y[i] = p->g[i] - g[i];
    const double f_old = fx;
    x = p->x, g = p->g, fx = p->f;
    const double sy = dot(s, y);
    if (sy > 1e-12 * std::sqrt(dot(s, s) * dot(y, y))) {
      if (first_step || h_is_identity) {  // Nocedal & Wright (6.20): scale before the first update
        const double scale = sy / dot(y, y);
        H = identity<N>();
        for (std::size_t i = 0; i < N; ++i) H[i][i] = scale;
      }
      const double rho = 1.0 / sy;
      vec<N> hy{};
      for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < N; ++j) hy[i] += H[i][j] * y[j];
      const double yhy = dot(y, hy);
      for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < N; ++j)
          H[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
      h_is_identity = false;
    }
    first_step = false;
    if (std::abs(f_old - fx) <= opt.function_tolerance * std::max({std::abs(f_old), std::abs(fx), 1.0})) {
      rep.gradient_norm = max_abs(g);
      if (rep.gradient_norm <= opt.gradient_tolerance) {
        rep.converged = true, rep.reason = stop_reason::gradient_small;
      } else {
        rep.converged = true, rep.reason = stop_reason::function_change_small;
      }
      break;
    }
  }
  m.x = x, m.value = fx, m.gradient = g;
  return m;
}

/// The Hessian of a function from its analytic gradient by central differences,
/// H[i][j] = (g_j(x + h_i e_i) - g_j(x - h_i e_i)) / (2 h_i), symmetrised. h_i = step * |x_i| (step
/// itself when x_i == 0). `grad(x, g)` writes the gradient (its return value is ignored).
template <std::size_t N, class G>
[[nodiscard]] mat<N> hessian_from_gradient(G&& grad, const vec<N>& x, double step = 1e-5) {
  mat<N> h{};
  for (std::size_t i = 0; i < N; ++i) {
    const double hi = x[i] != 0.0 ? step * std::abs(x[i]) : step;
    vec<N> xp = x, xm = x, gp{}, gm{};
    xp[i] += hi, xm[i] -= hi;
    (void)grad(xp, gp);
    (void)grad(xm, gm);
    for (std::size_t j = 0; j < N; ++j) h[i][j] = (gp[j] - gm[j]) / (2.0 * hi);
  }
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < i; ++j) h[i][j] = h[j][i] = 0.5 * (h[i][j] + h[j][i]);
  return h;
}

/// The Hessian of an objective `nll` at x: `nll.hessian(x)` where the objective has one (an analytic
/// Hessian: crm::sbg and crm::bdw, whose central differences missed the near-singular ridge block by
/// factors of 4), else hessian_from_gradient (central differences of its gradient).
template <std::size_t N, class G>
[[nodiscard]] mat<N> objective_hessian(G&& nll, const vec<N>& x) {
  if constexpr (requires { { nll.hessian(x) } -> std::convertible_to<mat<N>>; })
    return nll.hessian(x);
  else
    return hessian_from_gradient<N>(nll, x);
}

/// The lower Cholesky factor L of a symmetric positive-definite matrix, A = L L^T (only the lower
/// triangle of A is read); nullopt when A is not finite or not (numerically) positive definite: a
/// pivot at or below 1e-13 times the largest diagonal entry. Shared by invert_spd and the parametric
/// bootstrap of crm/models/intervals.hpp.
template <std::size_t N>
[[nodiscard]] std::optional<mat<N>> cholesky_lower(const mat<N>& a) {
  mat<N> l{};
  double max_diag = 0.0;
  for (std::size_t i = 0; i < N; ++i) max_diag = std::max(max_diag, std::abs(a[i][i]));
  if (!(max_diag > 0.0) || !std::isfinite(max_diag)) return std::nullopt;
  for (std::size_t j = 0; j < N; ++j) {
    double d = a[j][j];
    for (std::size_t k = 0; k < j; ++k) d -= l[j][k] * l[j][k];
    if (!(d > 1e-13 * max_diag) || !std::isfinite(d)) return std::nullopt;
    l[j][j] = std::sqrt(d);
    for (std::size_t i = j + 1; i < N; ++i) {
      double s = a[i][j];
      for (std::size_t k = 0; k < j; ++k) s -= l[i][k] * l[j][k];
      l[i][j] = s / l[j][j];
    }
  }
  return l;
}

/// The inverse of a symmetric positive-definite matrix by Cholesky factorisation (cholesky_lower);
/// nullopt when the matrix is not (numerically) positive definite or not finite. The result is
/// exactly symmetric.
template <std::size_t N>
[[nodiscard]] std::optional<mat<N>> invert_spd(const mat<N>& a) {
  const std::optional<mat<N>> factor = cholesky_lower<N>(a);
  if (!factor) return std::nullopt;
  const mat<N>& l = *factor;
  // inv(L), lower triangular, then inv(A) = inv(L)^T inv(L).
  mat<N> li{};
  for (std::size_t i = 0; i < N; ++i) {
    li[i][i] = 1.0 / l[i][i];
    for (std::size_t j = 0; j < i; ++j) {
      double s = 0.0;
      for (std::size_t k = j; k < i; ++k) s -= l[i][k] * li[k][j];
      li[i][j] = s / l[i][i];
    }
  }
  mat<N> inv{};
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      double s = 0.0;
      for (std::size_t k = std::max(i, j); k < N; ++k) s += li[k][i] * li[k][j];
      inv[i][j] = s;
    }
  return inv;
}

/// What fit_positive returns: parameters, standard errors, their covariance, log-likelihood, report.
template <std::size_t N>
struct positive_fit {
  vec<N> theta{};
  vec<N> standard_errors{};
  mat<N> covariance{};  ///< inverse Hessian of nll at theta (natural parameters)
  double log_likelihood = 0.0;
  double customers = 0.0;
  convergence report{};
  /// The Hessian passed only with the scale parameters in their own units (see fit_positive).
  bool unit_rescued = false;
  /// The optimizer's first run stopped on the objective-change rule (or a failed line search) with the gradient above its
  /// tolerance (whatever the certification in fit_positive then found; the BG/NBD family compares such
  /// fits with the ridge at infinity).
  bool function_change_stop = false;
};

/// The Newton decrement below which fit_positive certifies a point where the objective stopped changing
/// (stop_reason::function_change_small) as the maximum: g^T H^-1 g (g, H the gradient and Hessian of the
/// penalised -ln L, nats), the squared length, in standard errors, of the Newton step to the maximum of
/// the quadratic model, twice the ln L it would gain. 1e-6: within 1e-3 standard errors, 5e-7 nats.
inline constexpr double newton_decrement_tolerance = 1e-6;
/// The most BFGS restarts (each from the Hessian at its start) fit_positive makes after such stops.
inline constexpr int certification_restarts = 3;
/// The most Newton (or Levenberg-Marquardt) steps a fit with an analytic Hessian takes from its converged
/// point (fit_positive).
inline constexpr int analytic_newton_steps = 4;

/// fit_result::covariance from fit_positive's matrix.
template <std::size_t N>
[[nodiscard]] constexpr parameter_covariance to_parameter_covariance(const mat<N>& c) noexcept {
  static_assert(N >= 1 && N <= max_fit_parameters, "crm::parameter_covariance holds at most max_fit_parameters parameters");
  parameter_covariance out;
  out.size = N;
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j) out.values[i][j] = c[i][j];
  return out;
}
/// The same of parameters v_i = f_i(theta_i), each a function of one fitted parameter (a probability
/// fitted through its odds, theta from lambda = -ln(1-theta)): Cov(v_i, v_j) = J_i J_j C_ij with
/// J_i = dv_i / dtheta_i (the delta method, exact for the inverse Hessian at a maximum: a
/// reparameterisation's Hessian there is J^-T H J^-1, the score being 0).
template <std::size_t N>
[[nodiscard]] constexpr parameter_covariance to_parameter_covariance(const mat<N>& c, const vec<N>& jacobian) noexcept {
  parameter_covariance out = to_parameter_covariance<N>(c);
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j) out.values[i][j] *= jacobian[i] * jacobian[j];
  return out;
}

/// The fit_result of a model from fit_positive's output; `make(values)` builds a Model from N numbers
/// (used for the parameters and for their standard errors).
template <class Model, std::size_t N, class Make>
[[nodiscard]] fit_result<Model> to_fit_result(const positive_fit<N>& f, Make&& make) {
  fit_result<Model> out;
  out.params = make(f.theta);
  out.standard_errors = make(f.standard_errors);
  out.covariance = to_parameter_covariance<N>(f.covariance);
  out.log_likelihood = f.log_likelihood;
  out.customers = f.customers;
  out.report = f.report;
  return out;
}

/// The optimizer's last point when a fit fails: fit_positive passes it to callback() (as its
/// `boundary` argument, which then names no boundary) before its error, for the caller to diagnose.
template <std::size_t N>
struct last_point_seen {
  vec<N> at{};
  bool seen = false;
  [[nodiscard]] auto callback() noexcept {
    return [this](const vec<N>& theta) -> error_info {
      at = theta, seen = true;
      return {};
    };
  }
};

/**
 * The maximum-likelihood fit shared by every model with N positive parameters.
 * `nll(theta, grad)` returns the total (weighted, unpenalised) negative log-likelihood and writes
 * its gradient with respect to theta; NaN/inf where undefined. Minimises
 * nll(exp(u)) / customers + penalizer * sum(exp(u)^2) over u = log(theta) from log(theta0).
 * The result keeps the inverse Hessian of nll at the optimum (natural parameters, `covariance`)
 * and the square roots of its diagonal (`standard_errors`).
 * A stop on the objective-change rule, or on a failed line search (before 2026-12: always not converged,
 * also at the maximum, where no step lowers the objective in floating point: a Gamma likelihood plus a
 * constant of 1e4 nats per customer stopped so with a gradient of 6.6e-7), with the gradient still
 * above its tolerance certifies nothing
 * (a BG/NBD fit with |ln L| of 1e6 nats stops when an iteration gains less than 1e-6 nats, and such fits
 * stopped 0.13 to 2.5 nats below the maximum with gradients of 1e-3..3e-2): there the Hessian of nll at
 * the point (central differences of the gradient, 2N evaluations, or the objective's own analytic
 * Hessian, see objective_hessian; the one the standard errors take when the point is kept, so
 * certifying costs nothing more) gives the Newton decrement G^T (H + 2 pen C I)^-1 G
 * (G the gradient of the penalised -ln L); at most newton_decrement_tolerance (1e-6) certifies the point
 * (converged, function_change_small: within 1e-3 standard errors of the maximum of the quadratic
 * model). Otherwise BFGS starts again from the point with that Hessian as its first inverse-Hessian
 * approximation (at most certification_restarts times, within max_iterations in all) and the test is
 * repeated where it stops the same way. A point it cannot certify is not converged: the restarts spent,
 * or one that found no better point (not_converged), or a Hessian there that is not positive definite
 * (not_identifiable, as before). A fit whose gradient meets its tolerance takes none of this.
 * Errors (naming `model`): not_converged (field "parameters", detail = the stop reason, or for an
 * uncertified objective-change stop "objective change below tolerance, but not certified as a maximum
 * (...)"); not_identifiable when the Hessian of nll at the optimum is not positive definite. When the fit
 * fails that way, `boundary(theta)` (optional) may name the boundary of the parameter space the
 * optimizer ran to; its error is returned instead. `last_report` (optional) receives the optimizer's
 * report whatever the outcome.
 */
template <std::size_t N, class NLL, class Boundary = std::nullptr_t>
[[nodiscard]] result<positive_fit<N>> fit_positive(NLL&& nll, const vec<N>& theta0, double customers,
                                                   const fit_options& opt, const char* model,
                                                   Boundary&& boundary = nullptr, convergence* last_report = nullptr,
                                                   const std::array<bool, N>& unit = {}) {
  const auto on_boundary = [&](const vec<N>& theta) -> error_info {
    if constexpr (std::is_same_v<std::remove_cvref_t<Boundary>, std::nullptr_t>)
      return (void)theta, error_info{};
    else
      return boundary(theta);
  };
  if (auto e = check_fit_options(model, opt)) return e;
  const double pen = opt.penalizer;
  const auto objective = [&](const vec<N>& u, vec<N>& gu) {
    vec<N> th{}, gt{};
    for (std::size_t i = 0; i < N; ++i) th[i] = std::exp(u[i]);
    if (!all_finite(th)) return std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < N; ++i)
      if (!(th[i] > 0.0)) return std::numeric_limits<double>::infinity();
    double v = nll(th, gt) / customers;
    for (std::size_t i = 0; i < N; ++i) {
      v += pen * th[i] * th[i];
      gu[i] = (gt[i] / customers + 2.0 * pen * th[i]) * th[i];
    }
    return v;
  };
  vec<N> u0{};
  for (std::size_t i = 0; i < N; ++i) u0[i] = std::log(theta0[i]);
  minimum<N> m = minimize_bfgs<N>(objective, u0, opt);
  positive_fit<N> out;
  // (a failed line search is certified the same way: no step lowers the objective in floating point,
  // which at the maximum is what happens once the gain left is below its rounding)
  const auto uncertified_stop = [](const minimum<N>& p) {
    return p.report.reason == stop_reason::function_change_small || p.report.reason == stop_reason::line_search_failed;
  };
  out.function_change_stop = uncertified_stop(m);
  // Certify an objective-change stop (see above). In u = log(theta) the Hessian of the objective is
  // S (H + 2 pen C I) S / C + diag(g_u) with S = diag(theta); without the last term (0 at a stationary
  // point) it is positive definite with H, and S scales away the parameters' units. The decrement is
  // the same in theta and u: (C g_u)^T (S (H + 2 pen C I) S)^-1 (C g_u) = G^T (H + 2 pen C I)^-1 G.
  mat<N> h_last{};
  vec<N> h_at{};
  bool have_h = false, not_pd = false;
  // The inverse of S (H + 2 pen C I) S at theta (none when not positive definite) and the Newton
  // decrement of the objective's gradient g_u there (infinite without the inverse).
  // S (H + 2 pen C I) S: the Hessian of the penalised -ln L in u (times C), without the score term.
  const auto in_log_parameters = [pen, customers](const vec<N>& theta, const mat<N>& h) {
    mat<N> hs{};
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) hs[i][j] = theta[i] * theta[j] * (h[i][j] + (i == j ? 2.0 * pen * customers : 0.0));
    return hs;
  };
  const auto newton_decrement = [&](const vec<N>& theta, const mat<N>& h, const vec<N>& g) {
    const mat<N> hs = in_log_parameters(theta, h);
    std::pair<std::optional<mat<N>>, double> r{invert_spd<N>(hs), std::numeric_limits<double>::infinity()};
    if (r.first) {
      r.second = 0.0;
      for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < N; ++j) r.second += customers * g[i] * (*r.first)[i][j] * customers * g[j];
    }
    return r;
  };
  // The point u - M^-1 C g_u of a Newton step from the current point with that inverse M^-1 (newton_decrement's).
  const auto newton_point = [&m, customers](const mat<N>& inv) {
    vec<N> u1 = m.x;
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) u1[i] -= inv[i][j] * customers * m.gradient[j];
    return u1;
  };
  // With an analytic Hessian, from a point where it is not positive definite in u: Levenberg-Marquardt
  // steps, (S (H + 2 pen C I) S + mu I)^-1 times the gradient, mu the first of 1e-12, 1e-11, ... times the
  // largest diagonal entry that makes the matrix positive definite (at most analytic_newton_steps, each
  // at most 1 in u and kept when the objective rises by no more than 1e-9 relative, ln L's rounding where
  // this happens), until the Hessian at the point is positive definite; true then (h_last is that Hessian).
  // Where a stiff and a nearly flat direction meet, a point off the stiff ridge by 1e-7 can see the flat
  // direction's curvature negative: 20 customers whose spends vary by 5 %, at p = 2.7e5 (the maximum
  // 4e-7 nats above the limit p -> infinity), -9.3e-6 there against +6e-7 on the ridge (mpmath's profile).
  // What it reaches is then certified (decrement) as any point is.
  constexpr bool analytic_hessian = requires { { nll.hessian(h_at) } -> std::convertible_to<mat<N>>; };
  const auto to_positive_definite = [&]() -> bool {
    for (int step = 0;; ++step) {
      vec<N> th{};
      for (std::size_t i = 0; i < N; ++i) th[i] = std::exp(m.x[i]);
      const mat<N> h = objective_hessian<N>(nll, th);
      const mat<N> hs = in_log_parameters(th, h);
      double top = 0.0;
      for (std::size_t i = 0; i < N; ++i) top = std::max(top, std::abs(hs[i][i]));
      if (invert_spd<N>(hs)) {
        h_last = h, h_at = th, have_h = true;
        return true;
      }
      if (step == analytic_newton_steps || opt.interrupted() || !(top > 0.0) || !std::isfinite(top)) return false;
      std::optional<mat<N>> inv;
      // mu finite too: where 1e2 * top overflows (top above 1.8e306) mu <= inf held for ever once mu
      // was inf, and the loop never ended (found by clang-tidy's cert-flp30-c, 2026-12-07)
      for (double mu = 1e-12 * top; !inv && mu <= 1e2 * top && std::isfinite(mu); mu *= 10.0) {
        mat<N> t = hs;
        for (std::size_t i = 0; i < N; ++i) t[i][i] += mu;
        inv = invert_spd<N>(t);
      }
      if (!inv) return false;
      const vec<N> u1 = newton_point(*inv);
      vec<N> g1{};
      double length = 0.0;
      for (std::size_t i = 0; i < N; ++i) length = std::max(length, std::abs(u1[i] - m.x[i]));
      if (!(length <= 1.0)) return false;
      const double f1 = objective(u1, g1);
      ++m.report.function_evaluations;
      if (!std::isfinite(f1) || !all_finite(g1) || f1 > m.value + 1e-9 * std::max(std::abs(m.value), 1.0)) return false;
      m.x = u1, m.value = f1, m.gradient = g1, m.report.gradient_norm = max_abs(g1);
    }
  };
  bool regularized = false;  // to_positive_definite tried (once a fit)
  for (int restart = 0; uncertified_stop(m); ++restart) {
    for (std::size_t i = 0; i < N; ++i) h_at[i] = std::exp(m.x[i]);
    h_last = objective_hessian<N>(nll, h_at);  // (counted below where it is not the standard errors')
    have_h = true;
    const auto [inv, decrement] = newton_decrement(h_at, h_last, m.gradient);
    if (decrement <= newton_decrement_tolerance) {  // certified: converged (reason kept)
      m.report.converged = true;
      break;
    }
    if constexpr (analytic_hessian) {
      if (!inv && !regularized) {
        regularized = true;
        if (to_positive_definite()) continue;  // tested again where the Hessian is positive definite
      }
    }
    if (!inv) {  // not certified; an objective-change stop is refused as not identifiable (as before)
      m.report.converged = false, not_pd = m.report.reason == stop_reason::function_change_small;
      break;
    }
    m.report.function_evaluations += static_cast<int>(2 * N);  // the point is left (or refused)
    if (restart < certification_restarts && m.report.iterations < opt.max_iterations) {
      mat<N> h0 = *inv;  // the inverse Hessian of the objective (per customer) in u
      for (auto& rw : h0)
        for (double& v : rw) v *= customers;
      fit_options again = opt;
      again.max_iterations = opt.max_iterations - m.report.iterations;
      minimum<N> m2 = minimize_bfgs<N>(objective, m.x, again, &h0);
      m2.report.iterations += m.report.iterations;
      m2.report.function_evaluations += m.report.function_evaluations;
      if (m2.report.reason == stop_reason::interrupted || m2.value < m.value) {
        m = m2;  // interrupted: reported as such below; a better point: tested again if it stopped the same way
        continue;
      }
      m.report.iterations = m2.report.iterations, m.report.function_evaluations = m2.report.function_evaluations;
    }
    // No restart left, or it found no lower objective (where the gain the decrement predicts, half of
    // it in nats, is below the objective's rounding: ln L of 1e10 nats): one Newton step from the point,
    // kept when it certifies itself (its own decrement at most the tolerance) without raising the
    // objective beyond that rounding.
    const vec<N> u1 = newton_point(*inv);
    vec<N> g1{};
    const double f1 = opt.interrupted() ? std::numeric_limits<double>::infinity() : objective(u1, g1);
    ++m.report.function_evaluations;
    bool certified = false;
    if (std::isfinite(f1) && all_finite(g1) && f1 <= m.value + 64.0 * std::numeric_limits<double>::epsilon() * std::max(std::abs(m.value), 1.0)) {
      vec<N> th1{};
      for (std::size_t i = 0; i < N; ++i) th1[i] = std::exp(u1[i]);
      const mat<N> h1 = objective_hessian<N>(nll, th1);  // (the standard errors' when kept)
      if (newton_decrement(th1, h1, g1).second <= newton_decrement_tolerance) {
        certified = true;
        m.x = u1, m.value = f1, m.gradient = g1, m.report.gradient_norm = max_abs(g1);
        h_at = th1, h_last = h1;
      }
      if (!certified) m.report.function_evaluations += static_cast<int>(2 * N);
    }
    m.report.converged = certified;
    break;
  }
  if (last_report != nullptr) *last_report = m.report;
  out.report = m.report;
  out.customers = customers;
  if (!m.report.converged) {
    if (m.report.reason == stop_reason::interrupted)  // no boundary test: the point is wherever it stopped
      return error_info{errc::not_converged, model, "parameters", describe(m.report.reason)};
    if (m.report.reason == stop_reason::not_finite)
      return error_info{errc::not_finite, model, "log-likelihood", "not finite at the start point"};
    vec<N> at{};
    for (std::size_t i = 0; i < N; ++i) at[i] = std::exp(m.x[i]);
    if (const error_info e = on_boundary(at)) return e;
    if (not_pd)  // as a converged fit with that Hessian would have been refused
      return error_info{errc::not_identifiable, model, "parameters",
                        "the Hessian of the log-likelihood is not positive definite at the optimum"};
    if (m.report.reason == stop_reason::function_change_small)
      return error_info{errc::not_converged, model, "parameters",
                        "objective change below tolerance, but not certified as a maximum (the gradient above its tolerance, "
                        "the Newton step from the point not below 1e-3 standard errors)"};
    if (m.report.reason == stop_reason::line_search_failed)
      return error_info{errc::not_converged, model, "parameters",
                        "line search failed to decrease the objective, and the point not certified as a maximum (the gradient "
                        "above its tolerance, the Newton step from the point not below 1e-3 standard errors)"};
    return error_info{errc::not_converged, model, "parameters", describe(m.report.reason)};
  }
  // With an analytic Hessian, Newton steps from the converged point (at most analytic_newton_steps), each
  // kept when its gradient and Hessian are finite, the Hessian positive definite and the decrement smaller
  // than before (down to its rounding, not to a tolerance): the covariance is then taken at the maximum
  // itself. Where the likelihood has a stiff and a nearly flat direction the flat direction's
  // curvature changes fast off the maximum: a Gamma-Gamma fit certified 3e-10 off its stiff ridge had
  // standard errors of p and q 2.3 and 2.0 times too small (8.4e7 against 1.9e8 by mpmath at the
  // maximum); one step gave them to 0.02 %. The step is judged by the decrement, from the gradient, not
  // by ln L, whose rounding there (1e-9 nats) is above the 1e-11 nats the step gains; it starts only from
  // a point the decrement certifies (at most newton_decrement_tolerance), and so moves less than 1e-3
  // standard errors. A gradient stop where the Hessian is not positive definite first takes
  // to_positive_definite's steps, kept only when the point they reach certifies.
  if constexpr (analytic_hessian) {
    const auto point = [&m] {
      vec<N> th{};
      for (std::size_t i = 0; i < N; ++i) th[i] = std::exp(m.x[i]);
      return th;
    };
    vec<N> th0 = point();
    if (!(have_h && h_at == th0)) h_last = objective_hessian<N>(nll, th0), h_at = th0, have_h = true;
    auto nd = newton_decrement(th0, h_last, m.gradient);
    if (!nd.first && !regularized) {  // a gradient stop where the Hessian is not positive definite
      regularized = true;
      const minimum<N> before = m;
      const mat<N> h_before = h_last;
      if (to_positive_definite()) th0 = point(), nd = newton_decrement(th0, h_last, m.gradient);
      if (!nd.first || !(nd.second <= newton_decrement_tolerance)) {  // kept only where it certifies
        const int evaluations = m.report.function_evaluations;
        m = before, m.report.function_evaluations = evaluations;
        th0 = point(), h_last = h_before, h_at = th0, nd.first.reset();
      }
    }
    // (only from a point within 1e-3 standard errors of the maximum: the steps stay in its quadratic basin)
    for (int step = 0; step < analytic_newton_steps && nd.first && nd.second > 0.0 && nd.second <= newton_decrement_tolerance &&
                       !opt.interrupted();
         ++step) {
      const vec<N> u1 = newton_point(*nd.first);
      vec<N> g1{}, th1{};
      const double f1 = objective(u1, g1);
      ++m.report.function_evaluations;
      if (!std::isfinite(f1) || !all_finite(g1)) break;
      for (std::size_t i = 0; i < N; ++i) th1[i] = std::exp(u1[i]);
      const mat<N> h1 = objective_hessian<N>(nll, th1);
      auto nd1 = newton_decrement(th1, h1, g1);
      if (!nd1.first || !(nd1.second < nd.second)) break;
      m.x = u1, m.value = f1, m.gradient = g1, m.report.gradient_norm = max_abs(g1);
      h_last = h1, h_at = th1, nd = std::move(nd1);
    }
  }
  for (std::size_t i = 0; i < N; ++i) out.theta[i] = std::exp(m.x[i]);
  vec<N> g{};
  out.log_likelihood = -nll(out.theta, g);
  if (!std::isfinite(out.log_likelihood))
    return error_info{errc::not_finite, model, "log-likelihood", "not finite at the optimum"};
  // (a certified objective-change stop has its Hessian already, at this very point)
  const mat<N> h = have_h && h_at == out.theta ? h_last : objective_hessian<N>(nll, out.theta);
  std::optional<mat<N>> cov = invert_spd<N>(h);
  if (!cov) {
    if (const error_info e = on_boundary(out.theta)) return e;
    // No boundary in sight: decide again with every parameter that carries the data's unit (unit[i]:
    // alpha and beta the unit of time, gamma that of money) measured in its own value, on S H S with
    // S = diag(theta_i for those, 1 for the others), as if the data were in the unit where that
    // parameter is 1. On H alone ages of 4e5 or 4e-8 instead of ~40 make the entries span 13 orders of
    // magnitude, and a good fit was refused as not positive definite (before 2026-12-03). Such a fit
    // is marked unit_rescued: a caller that looks for a boundary at infinity when the test fails
    // (the BG/NBD family) still looks. Cov = S (S H S)^-1 S. With an analytic Hessian (objective_hessian:
    // accurate to its rounding, not to a difference step) every parameter is measured in its own value,
    // S = diag(theta), the test in the log-parameters the certification above uses: a Gamma-Gamma fit
    // at p ~ 1e7, q ~ 2e6 has an information in the log-parameters with eigenvalues 3.6e7, 1.9 and 0.0024,
    // positive definite, but 1/p^2 makes its pivot in p 1e-18 against 1e7 in gamma (before 2026-12-07
    // refused as not positive definite).
    vec<N> sc{};
    mat<N> hs = h;
    for (std::size_t i = 0; i < N; ++i) sc[i] = unit[i] || analytic_hessian ? out.theta[i] : 1.0;
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) hs[i][j] = h[i][j] * sc[i] * sc[j];
    cov = invert_spd<N>(hs);
    if (!cov)
      return error_info{errc::not_identifiable, model, "parameters",
                        "the Hessian of the log-likelihood is not positive definite at the optimum"};
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) (*cov)[i][j] *= sc[i] * sc[j];
    out.unit_rescued = true;
  }
  out.covariance = *cov;
  for (std::size_t i = 0; i < N; ++i) out.standard_errors[i] = std::sqrt((*cov)[i][i]);
  return out;
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE

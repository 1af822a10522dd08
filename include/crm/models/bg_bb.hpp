// crm-metrics: the BG/BB model of repeat transactions at discrete opportunities: fit, predictions, generator.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Fader, Hardie & Shang (2010), "Customer-base analysis in a discrete-time noncontractual setting",
// Marketing Science 29(6), 1086-1108. At each of n transaction opportunities (yearly donations,
// annual events, ...) an active customer transacts with probability p; before each opportunity he
// becomes inactive for good with probability theta. p ~ Beta(alpha, beta) and theta ~ Beta(gamma,
// delta) across customers. A customer is summarised by (x, t_x, n): x repeat transactions, the last
// at opportunity t_x (0 when x = 0), out of n opportunities.
//
// Customization points: none (T is any std::floating_point type).
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>
#include <crm/core/result.hpp>
#include <crm/models/detail/csv.hpp>
#include <crm/models/detail/optimize.hpp>
#include <crm/models/detail/rows.hpp>
#include <crm/models/detail/special.hpp>
#include <crm/models/fit.hpp>
#include <crm/models/generate.hpp>
#include <crm/models/nbd.hpp>

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

/// One customer (or `weight` identical customers) of a discrete-opportunity model.
template <std::floating_point T = double>
struct discrete_row {
  count_t frequency{};  ///< x: number of repeat transactions (0 <= x <= recency)
  count_t recency{};    ///< t_x: the opportunity of the last transaction (0 when x = 0, <= periods)
  count_t periods{};    ///< n: number of transaction opportunities observed
  T weight{1};          ///< number of identical customers this row stands for (> 0)
  friend constexpr bool operator==(const discrete_row&, const discrete_row&) = default;
};

namespace detail {
/// ln B(a, b)
template <class T>
[[nodiscard]] inline T bb_lbeta(T a, T b) {
  return quiet_lgamma(a) + quiet_lgamma(b) - quiet_lgamma(a + b);
}
/// From what sum of Beta parameters (a+b, g+d) the ratios of Beta functions of bb_log_beta_ratio are summed
/// term by term (and up to how many terms): there ln B - ln B by log-gamma functions cancels ~ ln G(a+b) ~
/// (a+b) ln(a+b) down to values near 1 and keeps an absolute error of about eps (a+b) ln(a+b) (1e-9 at
/// 1e6, times a row's weight: 1e-5 nats on 3,000 customers, more than a boundary comparison tolerates).
inline constexpr double bb_ratio_sum_from = 64.0;
inline constexpr count_t bb_ratio_sum_terms = 64;
/// ln [B(p+i, q+j) / B(p, q)] = ln [(p)_i (q)_j / (p+q)_(i+j)] for whole i, j >= 0: with p + q >= 64 and
/// i + j <= 64 as sum_{k<i} ln((p+k)/(p+q+k)) + sum_{k<j} ln((q+k)/(p+q+i+k)) (each ratio to a few ulp),
/// else as bb_lbeta(p+i, q+j) - lb, lb = bb_lbeta(p, q) passed in (the form used before 2026-12-05: the same
/// numbers where the parameters are small).
template <class T>
[[nodiscard]] inline T bb_log_beta_ratio(T p, T q, count_t i, count_t j, T lb) {
  if (!(p + q >= T(bb_ratio_sum_from)) || i + j > bb_ratio_sum_terms)
    return bb_lbeta(p + static_cast<T>(i), q + static_cast<T>(j)) - lb;
  T s = 0;
  for (count_t k = 0; k < i; ++k) s += std::log((p + static_cast<T>(k)) / (p + q + static_cast<T>(k)));
  for (count_t k = 0; k < j; ++k) s += std::log((q + static_cast<T>(k)) / (p + q + static_cast<T>(i + k)));
  return s;
}
template <class T>
[[nodiscard]] constexpr bool bb_finite(T v) noexcept {
  return v == v && v <= std::numeric_limits<T>::max() && v >= std::numeric_limits<T>::lowest();
}
template <class T>
[[nodiscard]] constexpr error_info check_discrete_row(const discrete_row<T>& c, const char* model) noexcept {
  if (!bb_finite(c.weight)) return {errc::not_finite, model, "weight"};
  if (c.frequency < 0) return {errc::negative, model, "frequency"};
  if (c.recency < 0) return {errc::negative, model, "recency"};
  if (c.periods < 0) return {errc::negative, model, "periods"};
  if (c.recency > c.periods) return {errc::part_exceeds_whole, model, "recency", "must not exceed periods"};
  if (c.frequency > c.recency) return {errc::part_exceeds_whole, model, "frequency", "must not exceed recency: x transactions need x opportunities up to the last one"};
  if (c.frequency == 0 && c.recency != 0) return {errc::malformed, model, "recency", "must be 0 when frequency is 0"};
  if (c.weight < T(0)) return {errc::negative, model, "weight"};
  if (c.weight == T(0)) return {errc::zero_denominator, model, "weight"};
  return {};
}
}  // namespace detail

/**
 * @brief The first invalid row, as an error naming `model` and the field.
 * Rules: 0 <= frequency <= recency <= periods; recency == 0 when frequency == 0; weight finite and
 * > 0. An empty span is `errc::empty_input`. `row` (optional) receives the 0-based index.
 */
template <std::floating_point T>
[[nodiscard]] constexpr error_info validate(std::span<const discrete_row<T>> rows, const char* model,
                                            std::size_t* row = nullptr) noexcept {
  return detail::first_invalid_row(rows, model, row,
                                   [](const discrete_row<T>& c, const char* m) { return detail::check_discrete_row(c, m); });
}

/**
 * @brief Reads (frequency, recency, periods[, weight]) rows from a CSV file with a header line.
 * Defaults are the columns of the published donations file (`frequency`, `recency`, `periods`,
 * `weights`); `weight_col` empty means weight 1. Counts must be whole numbers ("6", not "6.0").
 * `format`: the delimiter and the weights' decimal separator (crm::model_csv_format).
 * Any malformed or invalid row (see crm::validate) raises crm::data_error(file, line, column, field, reason).
 */
template <std::floating_point T = double>
[[nodiscard]] std::vector<discrete_row<T>> read_discrete_csv(const std::filesystem::path& file,
                                                             std::string_view frequency_col = "frequency",
                                                             std::string_view recency_col = "recency",
                                                             std::string_view periods_col = "periods",
                                                             std::string_view weight_col = "weights",
                                                             const model_csv_format& format = {}) {
  detail::csv_reader in(file, format);
  const std::size_t fx = in.column(frequency_col);
  const std::size_t fr = in.column(recency_col);
  const std::size_t fn = in.column(periods_col);
  const bool weighted = !weight_col.empty();
  const std::size_t fw = weighted ? in.column(weight_col) : 0;
  std::vector<discrete_row<T>> rows;
  while (in.next()) {
    discrete_row<T> c;
    c.frequency = in.number<count_t>(fx, frequency_col);
    c.recency = in.number<count_t>(fr, recency_col);
    c.periods = in.number<count_t>(fn, periods_col);
    if (weighted) c.weight = in.number<T>(fw, weight_col);
    if (const error_info e = detail::check_discrete_row(c, "read_discrete_csv")) {
      const std::string_view f = e.field;
      const std::string_view col = f == "frequency" ? frequency_col
                                   : f == "recency" ? recency_col
                                   : f == "periods" ? periods_col
                                                    : weight_col;
      std::string what = describe(e.code);
      std::string_view detail = e.detail;
      if (e.code == errc::part_exceeds_whole) {  // name the whole's column; keep the reason after ": "
        what = "is larger than " + std::string(f == "recency" ? periods_col : recency_col);
        const std::size_t reason = detail.find(": ");
        detail = reason == std::string_view::npos ? std::string_view() : detail.substr(reason + 2);
      }
      if (!detail.empty()) what = what + " (" + std::string(detail) + ")";
      in.fail(in.line(), std::string(col), what);
    }
    rows.push_back(c);
  }
  return rows;
}

/// Merges identical (frequency, recency, periods) rows, summing weights; sorted by that key.
/// A fit on the result equals a fit on the input. Allocates the result.
template <std::floating_point T>
[[nodiscard]] std::vector<discrete_row<T>> compress(std::span<const discrete_row<T>> rows) {
  std::vector<discrete_row<T>> v(rows.begin(), rows.end());
  const auto key = [](const discrete_row<T>& c) { return std::array<count_t, 3>{c.frequency, c.recency, c.periods}; };
  std::sort(v.begin(), v.end(), [&](const discrete_row<T>& l, const discrete_row<T>& r) { return key(l) < key(r); });
  std::vector<discrete_row<T>> out;
  for (const discrete_row<T>& c : v) {
    if (!out.empty() && key(out.back()) == key(c))
      out.back().weight += c.weight;
    else
      out.push_back(c);
  }
  return out;
}
template <std::floating_point T>
[[nodiscard]] std::vector<discrete_row<T>> compress(const std::vector<discrete_row<T>>& rows) {
  return compress(std::span<const discrete_row<T>>(rows));
}

namespace detail {
/// The arguments of P(X(n) = x): x, n >= 0 ("purchases", "periods"), x <= n.
[[nodiscard]] constexpr error_info check_purchases_in(count_t x, count_t n, const char* name) noexcept {
  if (x < 0) return error_info{errc::negative, name, "purchases"};
  if (n < 0) return error_info{errc::negative, name, "periods"};
  if (x > n) return error_info{errc::part_exceeds_whole, name, "purchases", "must not exceed periods"};
  return {};
}
/// ln C(top, k) = ln G(r+k)/(G(r) k!) with r = top - k + 1 (whole top >= k >= 0): the NBD's coefficient,
/// detail::log_nb_coefficient.
template <class T>
[[nodiscard]] T log_choose(T top, T k) noexcept {
  return log_nb_coefficient(top - k + T(1), k);
}
/// ln L of one row and, optionally, d ln L / d(alpha, beta, gamma, delta). The likelihood
/// (Fader, Hardie & Shang 2010) is a sum of n - t_x + 1 terms
///   A   = B(a+x, b+n-x)/B(a,b) * B(g, d+n)/B(g,d)                 (still active after n)
///   A_i = B(a+x, b+t_x-x+i)/B(a,b) * B(g+1, d+t_x+i)/B(g,d)       (inactive from t_x+i+1), i < n-t_x
/// summed in log space (log-sum-exp); A_{i+1}/A_i and the digamma terms follow by recurrence, so a
/// row costs O(n - t_x) flops and a fixed number of special functions.
template <class T>
T bg_bb_row_ll(T a, T b, T g, T d, count_t x_, count_t tx_, count_t n_, std::array<T, 4>* grad, T* log_alive = nullptr) {
  const T x = static_cast<T>(x_), tx = static_cast<T>(tx_), n = static_cast<T>(n_);
  const T lb_ab = bb_lbeta(a, b), lb_gd = bb_lbeta(g, d);
  // ln B(g+1, d+k)/B(g,d) = ln B(g, d+k)/B(g,d) + ln(g/(g+d+k)) (bb_log_beta_ratio: accurate far out on a ridge)
  const T l_alive = bb_log_beta_ratio(a, b, x_, n_ - x_, lb_ab) + bb_log_beta_ratio(g, d, 0, n_, lb_gd);
  if (log_alive != nullptr) *log_alive = l_alive;
  const count_t m = n_ - tx_;  // number of "dropped out" terms
  // log-sum-exp over the terms, first pass for the maximum
  T l_i = bb_log_beta_ratio(a, b, x_, tx_ - x_, lb_ab) +
          (g + d >= T(bb_ratio_sum_from) ? bb_log_beta_ratio(g, d, 0, tx_, lb_gd) + std::log(g / (g + d + tx))
                                         : bb_lbeta(g + T(1), d + tx) - lb_gd);
  T mx = l_alive;
  {
    T l = l_i;
    for (count_t i = 0; i < m; ++i) {
      mx = std::max(mx, l);
      const T k = static_cast<T>(i);
      l += std::log(((b + tx - x + k) * (d + tx + k)) / ((a + b + tx + k) * (g + d + T(1) + tx + k)));
    }
  }
  T sum = std::exp(l_alive - mx);
  std::array<T, 4> acc{};
  if (grad != nullptr) {
    const T w = sum;
    acc[0] = w * (quiet_digamma(a + x) - quiet_digamma(a + b + n));
    acc[1] = w * (quiet_digamma(b + n - x) - quiet_digamma(a + b + n));
    acc[2] = w * (quiet_digamma(g) - quiet_digamma(g + d + n));
    acc[3] = w * (quiet_digamma(d + n) - quiet_digamma(g + d + n));
  }
  if (m > 0) {
    const T psi_ax = grad != nullptr ? quiet_digamma(a + x) : T(0);
    const T psi_g1 = grad != nullptr ? quiet_digamma(g + T(1)) : T(0);
    T psi_b = grad != nullptr ? quiet_digamma(b + tx - x) : T(0);
    T psi_ab = grad != nullptr ? quiet_digamma(a + b + tx) : T(0);
    T psi_d = grad != nullptr ? quiet_digamma(d + tx) : T(0);
    T psi_gd = grad != nullptr ? quiet_digamma(g + d + T(1) + tx) : T(0);
    T l = l_i;
    for (count_t i = 0; i < m; ++i) {
      const T k = static_cast<T>(i);
      const T w = std::exp(l - mx);
      sum += w;
      if (grad != nullptr) {
        acc[0] += w * (psi_ax - psi_ab);
        acc[1] += w * (psi_b - psi_ab);
        acc[2] += w * (psi_g1 - psi_gd);
        acc[3] += w * (psi_d - psi_gd);
        psi_b += T(1) / (b + tx - x + k);
        psi_ab += T(1) / (a + b + tx + k);
        psi_d += T(1) / (d + tx + k);
        psi_gd += T(1) / (g + d + T(1) + tx + k);
      }
      l += std::log(((b + tx - x + k) * (d + tx + k)) / ((a + b + tx + k) * (g + d + T(1) + tx + k)));
    }
  }
  if (grad != nullptr) {
    const T base_ab = quiet_digamma(a + b);
    const T base_a = quiet_digamma(a) - base_ab, base_b = quiet_digamma(b) - base_ab;
    const T base_gd = quiet_digamma(g + d);
    const T base_g = quiet_digamma(g) - base_gd, base_d = quiet_digamma(d) - base_gd;
    (*grad)[0] = acc[0] / sum - base_a;
    (*grad)[1] = acc[1] / sum - base_b;
    (*grad)[2] = acc[2] / sum - base_g;
    (*grad)[3] = acc[3] / sum - base_d;
  }
  return mx + std::log(sum);
}

/// prod_{j<count} (d + j) / (g + d + j) = B(g, d + count) / B(g, d), for small counts.
template <class T>
[[nodiscard]] constexpr T bb_survival_ratio(T g, T d, count_t count) noexcept {
  T r = 1;
  for (count_t j = 0; j < count; ++j) r *= (d + static_cast<T>(j)) / (g + d + static_cast<T>(j));
  return r;
}

/// sum_{k=0}^{count-1} prod_{j<k} (d + s + j) / (g + d + s + j) = sum_k (a)_k / (c)_k with a = d + s,
/// c = g + d + s: the survival ratios of the dropout process. Up to 1e6 terms it is summed directly;
/// beyond, the closed form (c-1)/(g-1) [1 - (a)_K / (c-1)_K] (a telescoping sum, valid for g != 1)
/// is used with log-gamma functions; nullopt-like NaN when g is within 1e-3 of 1 and K > 1e6.
template <class T>
[[nodiscard]] T bb_survival_sum(T g, T d, T s, count_t count) noexcept {
  if (count <= 1'000'000) {
    T term = 1, sum = 0;
    for (count_t k = 0; k < count; ++k) {
      sum += term;
      const T j = static_cast<T>(k);
      term *= (d + s + j) / (g + d + s + j);
    }
    return sum;
  }
  if (!(std::abs(g - T(1)) >= T(1e-3))) return std::numeric_limits<T>::quiet_NaN();
  const T a = d + s, c = g + d + s, K = static_cast<T>(count);
  // (a)_K / (c-1)_K = [G(a+K)/G(a+K+g-1)] / [G(a)/G(a+g-1)]: Boost's tgamma_delta_ratio keeps each
  // ratio accurate to a few ulp where a difference of log-gammas near 1e9 would lose 7 digits.
  const T r1 = boost::math::tgamma_delta_ratio(a + K, g - T(1), quiet_math_policy());
  const T r2 = boost::math::tgamma_delta_ratio(a, g - T(1), quiet_math_policy());
  const T log_ratio = r1 > T(0) && r2 > T(0) && bb_finite(r1) && bb_finite(r2)
                          ? std::log(r1) - std::log(r2)
                          : quiet_lgamma(a + K) - quiet_lgamma(a) + quiet_lgamma(c - T(1)) - quiet_lgamma(c - T(1) + K);
  return (c - T(1)) / (g - T(1)) * -std::expm1(log_ratio);
}

/// The drop-out process of bb_nested_row_ll: none (nobody drops out), theta ~ Beta(gamma, delta) (the full
/// model's), or one theta for everybody (homogeneous drop-out).
enum class bb_dropout { none, beta, point };

/// ln L of one row of the BG/BB model or of a model nested at its boundaries, and optionally its gradient
/// and curvature. L is a sum of terms P(j) D, one "still active after n" (j = n - x non-purchases, D the
/// probability of surviving n drop-out chances) and, unless nobody drops out, n - t_x "inactive from
/// t_x+i+1" terms (j = t_x - x + i, D the probability of surviving t_x + i chances and dropping at the next):
///   purchases, BetaP:  P(j) = B(a+x, b+j)/B(a,b)        (p ~ Beta(a, b); parameters v0 = a, v1 = b)
///              point:  P(j) = p^x (1-p)^j               (p = q/(1+q); v0 = q, the odds)
///   drop-out,  beta:   D = B(g, d+k)/B(g,d), B(g+1, d+k)/B(g,d)   (theta ~ Beta(g, d); v2 = g, v3 = d)
///              point:  D = (1-theta)^k, theta (1-theta)^k        (theta = u/(1+u); v2 = u, the odds)
///              none:   D = 1 (the "active" term only: Beta-Bernoulli, t_x does not matter)
/// Summed in log space with a running maximum. `grad` receives d ln L / d(v0, v1, v2, v3) (0 for unused
/// slots); `curv` (point processes only) receives v(1-v)/2 * (d^2 L / dv^2) / L for v = p (curv[0]) and
/// v = theta (curv[1]), the heterogeneity score's row term (crm::boundary_report).
template <class T, bool BetaP, bb_dropout Drop>
T bb_nested_row_ll(T v0, T v1, T v2, T v3, count_t x_, count_t tx_, count_t n_, std::array<T, 4>* grad,
                   std::array<T, 2>* curv = nullptr) {
  const T x = static_cast<T>(x_), tx = static_cast<T>(tx_), n = static_cast<T>(n_);
  const bool g_on = grad != nullptr, c_on = curv != nullptr;
  // purchase side
  T lb_ab = 0, base_a = 0, base_b = 0, lq = 0, l1q = 0, p = 0;
  if constexpr (BetaP) {
    lb_ab = bb_lbeta(v0, v1);
    if (g_on) {
      const T dab = quiet_digamma(v0 + v1);
      base_a = quiet_digamma(v0) - dab, base_b = quiet_digamma(v1) - dab;
    }
  } else {
    lq = std::log(v0), l1q = std::log1p(v0), p = v0 / (T(1) + v0);
  }
  // ln P(j) and its derivatives
  struct side {
    T l = 0, d0 = 0, d1 = 0, psi_b = 0, psi_ab = 0;
  };
  const auto purchase_at = [&](T j) {
    side s;
    if constexpr (BetaP) {
      s.l = bb_log_beta_ratio(v0, v1, x_, static_cast<count_t>(j), lb_ab);  // (ratios far out: the limit's digits)
      if (g_on) {
        s.psi_b = quiet_digamma(v1 + j), s.psi_ab = quiet_digamma(v0 + v1 + x + j);
        s.d0 = quiet_digamma(v0 + x) - s.psi_ab - base_a;
        s.d1 = s.psi_b - s.psi_ab - base_b;
      }
    } else {
      s.l = x * lq - (x + j) * l1q;
      s.d0 = x / v0 - (x + j) / (T(1) + v0);
    }
    return s;
  };
  const auto purchase_step = [&](side& s, T j) {  // j -> j + 1
    if constexpr (BetaP) {
      s.l += std::log((v1 + j) / (v0 + v1 + x + j));
      if (g_on) {
        s.psi_b += T(1) / (v1 + j), s.psi_ab += T(1) / (v0 + v1 + x + j);
        const T psi_ax = s.d0 + s.psi_ab - T(1) / (v0 + v1 + x + j) + base_a;  // digamma(a+x), unchanged
        s.d0 = psi_ax - s.psi_ab - base_a;
        s.d1 = s.psi_b - s.psi_ab - base_b;
      }
    } else {
      s.l -= l1q;
      s.d0 -= T(1) / (T(1) + v0);
    }
  };
  const auto purchase_curv = [&](T j) {  // p(1-p)/2 * [x(x-1)/p^2 - 2xj/(p(1-p)) + j(j-1)/(1-p)^2]
    if constexpr (BetaP) {
      return T(0);
    } else {
      const T u = T(1) - p;
      return (x * (x - T(1)) * u / p - T(2) * x * j + j * (j - T(1)) * p / u) / T(2);
    }
  };
  // drop-out side
  T lb_gd = 0, base_g = 0, base_d = 0, lu = 0, l1u = 0, theta = 0;
  if constexpr (Drop == bb_dropout::beta) {
    lb_gd = bb_lbeta(v2, v3);
    if (g_on) {
      const T dgd = quiet_digamma(v2 + v3);
      base_g = quiet_digamma(v2) - dgd, base_d = quiet_digamma(v3) - dgd;
    }
  } else if constexpr (Drop == bb_dropout::point) {
    lu = std::log(v2), l1u = std::log1p(v2), theta = v2 / (T(1) + v2);
  }
  // online log-sum-exp of the terms with their gradients and curvatures
  T mx = -std::numeric_limits<T>::infinity(), sum = 0;
  std::array<T, 4> acc{};
  std::array<T, 2> cacc{};
  const auto add = [&](T l, T d0, T d1, T d2, T d3, T c0, T c1) {
    if (!(l > -std::numeric_limits<T>::infinity())) return;
    if (l > mx) {
      const T scale = sum > T(0) ? std::exp(mx - l) : T(0);
      sum *= scale;
      for (T& v : acc) v *= scale;
      for (T& v : cacc) v *= scale;
      mx = l;
    }
    const T w = std::exp(l - mx);
    sum += w;
    acc[0] += w * d0, acc[1] += w * d1, acc[2] += w * d2, acc[3] += w * d3;
    cacc[0] += w * c0, cacc[1] += w * c1;
  };
  {  // still active after n
    const side s = purchase_at(n - x);
    T l = s.l, d2 = 0, d3 = 0, c1 = 0;
    if constexpr (Drop == bb_dropout::beta) {
      l += bb_log_beta_ratio(v2, v3, 0, n_, lb_gd);
      if (g_on) {
        const T psi_gdn = quiet_digamma(v2 + v3 + n);
        d2 = quiet_digamma(v2) - psi_gdn - base_g;
        d3 = quiet_digamma(v3 + n) - psi_gdn - base_d;
      }
    } else if constexpr (Drop == bb_dropout::point) {
      l -= n * l1u;
      d2 = -n / (T(1) + v2);
      c1 = theta * n * (n - T(1)) / (T(2) * (T(1) - theta));
    }
    add(l, s.d0, s.d1, d2, d3, c_on ? purchase_curv(n - x) : T(0), c1);
  }
  if constexpr (Drop != bb_dropout::none) {
    const count_t m = n_ - tx_;
    if (m > 0) {
      side s = purchase_at(tx - x);
      T ld = 0, psi_d = 0, psi_gd1 = 0, psi_g1 = 0;
      if constexpr (Drop == bb_dropout::beta) {
        ld = v2 + v3 >= T(bb_ratio_sum_from) ? bb_log_beta_ratio(v2, v3, 0, tx_, lb_gd) + std::log(v2 / (v2 + v3 + tx))
                                              : bb_lbeta(v2 + T(1), v3 + tx) - lb_gd;
        if (g_on) psi_d = quiet_digamma(v3 + tx), psi_gd1 = quiet_digamma(v2 + v3 + T(1) + tx), psi_g1 = quiet_digamma(v2 + T(1));
      } else {
        ld = lu - (tx + T(1)) * l1u;
      }
      for (count_t i = 0; i < m; ++i) {
        const T k = tx + static_cast<T>(i), j = tx - x + static_cast<T>(i);
        T d2 = 0, d3 = 0, c1 = 0;
        if constexpr (Drop == bb_dropout::beta) {
          d2 = psi_g1 - psi_gd1 - base_g;
          d3 = psi_d - psi_gd1 - base_d;
        } else {
          d2 = T(1) / v2 - (k + T(1)) / (T(1) + v2);
          c1 = (k * (k - T(1)) * theta - T(2) * k * (T(1) - theta)) / (T(2) * (T(1) - theta));
        }
        add(s.l + ld, s.d0, s.d1, d2, d3, c_on ? purchase_curv(j) : T(0), c1);
        purchase_step(s, j);
        if constexpr (Drop == bb_dropout::beta) {
          ld += std::log((v3 + k) / (v2 + v3 + T(1) + k));
          if (g_on) psi_d += T(1) / (v3 + k), psi_gd1 += T(1) / (v2 + v3 + T(1) + k);
        } else {
          ld -= l1u;
        }
      }
    }
  }
  if (g_on) {
    for (std::size_t i = 0; i < 4; ++i) (*grad)[i] = acc[i] / sum;
  }
  if (c_on) *curv = {cacc[0] / sum, cacc[1] / sum};
  return mx + std::log(sum);
}
/// A whole number of opportunities v (>= 0, < 1e15) as a count, or the error naming `field`.
template <class T>
[[nodiscard]] constexpr result<count_t> bb_whole_periods(T v, const char* name, const char* field) noexcept {
  if (!bb_finite(v)) return error_info{errc::not_finite, name, field};
  if (v < T(0)) return error_info{errc::negative, name, field};
  if (!(v < T(1e15))) return error_info{errc::out_of_range, name, field, "more than 1e15 opportunities"};
  const count_t k = static_cast<count_t>(v);
  if (static_cast<T>(k) != v) return error_info{errc::malformed, name, field, "must be a whole number of opportunities"};
  return k;
}
/// bb_survival_sum's refusal: more than 1e6 periods with gamma within 1e-3 of 1 (errc::out_of_range, "gamma").
template <class T>
[[nodiscard]] constexpr error_info bb_check_long_sum(T gamma, count_t periods, const char* name) noexcept {
  if (periods > 1'000'000 && !(std::abs(gamma - T(1)) >= T(1e-3)))
    return error_info{errc::out_of_range, name, "gamma", "within 1e-3 of 1, where more than 1e6 periods cannot be summed accurately"};
  return {};
}
/// DERT's series sum_{k>=0} z^k prod_{j<k} (d+s+j)/(g+d+s+j) = 2F1(1, d+s; g+d+s; z), z = 1/(1+discount):
/// term ratios below z, so the tail after a term t_k is at most t_k z/(1-z); stops when that bound is
/// below half the unit roundoff of T times the partial sum. Errors: more than 1e8 terms (not_converged,
/// "discount_rate").
template <class T>
[[nodiscard]] result<T> bb_dert_series(T g, T d, T s, T z, const char* name) noexcept {
  T term = 1, sum = 0;
  for (long long k = 0;; ++k) {
    sum += term;
    if (term * z / (T(1) - z) <= std::numeric_limits<T>::epsilon() / T(2) * sum) break;
    if (k > 100'000'000) return error_info{errc::not_converged, name, "discount_rate", "the series needs more than 1e8 terms"};
    const T j = static_cast<T>(k);
    term *= z * (d + s + j) / (g + d + s + j);
  }
  return sum;
}
/// v, or errc::not_finite on "result" (a prediction of the nested models).
template <class T>
[[nodiscard]] result<T> bb_result(T v, const char* name) noexcept {
  if (!bb_finite(v)) return error_info{errc::not_finite, name, "result"};
  return v;
}
/// A discount rate of DERT: finite and > 0.
template <class T>
[[nodiscard]] constexpr error_info bb_check_discount(T discount_rate, const char* name) noexcept {
  if (!bb_finite(discount_rate)) return error_info{errc::not_finite, name, "discount_rate"};
  if (!(discount_rate > T(0))) return error_info{errc::out_of_range, name, "discount_rate", "must be > 0"};
  return {};
}
}  // namespace detail

/**
 * @brief The beta-geometric/beta-binomial (BG/BB) model of repeat transactions at discrete
 * opportunities: p ~ Beta(alpha, beta), theta ~ Beta(gamma, delta).
 * Source: Fader, Hardie & Shang (2010), Marketing Science 29(6); on the 11,104 donors of the
 * donations data they report alpha = 1.204, beta = 0.750, gamma = 0.657, delta = 2.783.
 *
 * **Example**
 *     crm::bg_bb<> m{.alpha = 1.204, .beta = 0.750, .gamma = 0.657, .delta = 2.783};
 *     m.probability_alive({.frequency = 3, .recency = 4, .periods = 6});
 *     m.conditional_expected_purchases({.frequency = 3, .recency = 4, .periods = 6}, 5);  // next 5 years
 */
template <std::floating_point T = double>
struct bg_bb {
  T alpha{};  ///< Beta(alpha, beta): transaction probability p of an active customer (> 0)
  T beta{};   ///< (> 0)
  T gamma{};  ///< Beta(gamma, delta): probability theta of becoming inactive before an opportunity (> 0)
  T delta{};  ///< (> 0)

  /// All parameters finite and > 0.
  [[nodiscard]] constexpr bool ok() const noexcept { return !check("bg_bb"); }
  /// The first parameter that is not finite and > 0, as an error naming `name` and the parameter.
  [[nodiscard]] constexpr error_info check(const char* name) const noexcept {
    const T* v[4] = {&alpha, &beta, &gamma, &delta};
    const char* f[4] = {"alpha", "beta", "gamma", "delta"};
    for (int i = 0; i < 4; ++i) {
      if (!detail::bb_finite(*v[i])) return {errc::not_finite, name, f[i]};
      if (!(*v[i] > T(0))) return {errc::out_of_range, name, f[i], "model parameters must be > 0"};
    }
    return {};
  }

  /**
   * @brief ln L(alpha, beta, gamma, delta | x, t_x, n) of one customer (unweighted):
   * L = B(a+x, b+n-x)/B(a,b) B(g, d+n)/B(g,d)
   *     + sum_{i=0}^{n-t_x-1} B(a+x, b+t_x-x+i)/B(a,b) B(g+1, d+t_x+i)/B(g,d).
   * Source: Fader, Hardie & Shang (2010), the likelihood function. Errors: invalid parameters or row; not finite.
   */
  [[nodiscard]] result<T> try_log_likelihood(const discrete_row<T>& c) const noexcept {
    constexpr const char* name = "bg_bb.log_likelihood";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_discrete_row(c, name)) return e;
    const T ll = detail::bg_bb_row_ll<T>(alpha, beta, gamma, delta, c.frequency, c.recency, c.periods, nullptr);
    if (!detail::bb_finite(ll)) return error_info{errc::not_finite, name, "result"};
    return ll;
  }
  /// Throwing form of try_log_likelihood (crm::metric_error).
  [[nodiscard]] T log_likelihood(const discrete_row<T>& c) const { return try_log_likelihood(c).value(); }

  /**
   * @brief Probability that the customer is still active at opportunity n + `ahead` (a fraction):
   * P = B(a+x, b+n-x)/B(a,b) B(g, d+n+ahead)/B(g,d) / L. `ahead` = 1 (the default) is the
   * P(alive in period n+1 | x, t_x, n) of Fader, Hardie & Shang (2010); `ahead` = 0 gives
   * the probability of being active at the last observed opportunity.
   * Errors: invalid parameters or row; ahead < 0; not finite.
   */
  [[nodiscard]] result<T> try_probability_alive(const discrete_row<T>& c, count_t ahead = 1) const noexcept {
    constexpr const char* name = "bg_bb.probability_alive";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_discrete_row(c, name)) return e;
    if (ahead < 0) return error_info{errc::negative, name, "ahead"};
    const T n = static_cast<T>(c.periods);
    T alive_n = 0;  // ln of the "still active after n" term of L
    const T ll = detail::bg_bb_row_ll<T>(alpha, beta, gamma, delta, c.frequency, c.recency, c.periods, nullptr, &alive_n);
    // B(g, d+n+ahead) / B(g, d+n) = prod_{j<ahead} (d+n+j) / (g+d+n+j)
    const T survive = ahead <= 16 ? std::log(detail::bb_survival_ratio(gamma, delta + n, ahead))
                                  : detail::bb_lbeta(gamma, delta + n + static_cast<T>(ahead)) - detail::bb_lbeta(gamma, delta + n);
    const T pa = std::exp(alive_n + survive - ll);
    if (!detail::bb_finite(pa)) return error_info{errc::not_finite, name, "result"};
    return std::min(pa, T(1));
  }
  /// Throwing form of try_probability_alive (crm::metric_error).
  [[nodiscard]] T probability_alive(const discrete_row<T>& c, count_t ahead = 1) const {
    return try_probability_alive(c, ahead).value();
  }

  /**
   * @brief Expected number of transactions of a new customer in its first n opportunities:
   * E[X(n)] = alpha/(alpha+beta) * sum_{t=1}^{n} B(g, d+t)/B(g,d), which equals Fader, Hardie & Shang
   * (2010)'s closed form alpha/(alpha+beta) * delta/(gamma-1) * [1 - G(g+d) G(1+d+n) / (G(g+d+n) G(1+d))]
   * and, unlike it, has no removable singularity at gamma = 1. Summed in O(n) up to n = 1e6, by
   * that closed form beyond. Unit: transactions. Errors: invalid parameters; n negative, fractional
   * or not finite; n > 1e6 with gamma within 1e-3 of 1 (`errc::out_of_range`, field "gamma").
   */
  [[nodiscard]] result<T> try_expected_purchases(T n) const noexcept {
    constexpr const char* name = "bg_bb.expected_purchases";
    if (const error_info e = check(name)) return e;
    const result<count_t> k = detail::bb_whole_periods(n, name, "periods");
    if (!k) return k.error();
    // S_1 = B(g, d+1)/B(g, d) = d / (g + d); S_{t+1} / S_t = (d + t) / (g + d + t).
    if (const error_info e = detail::bb_check_long_sum(gamma, *k, name)) return e;
    const T v = alpha / (alpha + beta) * delta / (gamma + delta) * detail::bb_survival_sum(gamma, delta, T(1), *k);
    if (!detail::bb_finite(v)) return error_info{errc::not_finite, name, "result"};
    return v;
  }
  /// Throwing form of try_expected_purchases (crm::metric_error).
  [[nodiscard]] T expected_purchases(T n) const { return try_expected_purchases(n).value(); }

  /**
   * @brief Expected number of transactions in the next n* opportunities (n, n + n*] of a customer
   * with history (x, t_x, n):
   * E = B(a+x+1, b+n-x)/B(a,b) / L * sum_{t=n+1}^{n+n*} B(g, d+t)/B(g,d), the summed form of
   * the closed-form conditional expectation of Fader, Hardie & Shang (2010). Unit: transactions.
   * O(n*) up to n* = 1e6, closed form beyond. Errors: invalid parameters or row; n* negative,
   * fractional or not finite; n* > 1e6 with gamma within 1e-3 of 1; not finite.
   */
  [[nodiscard]] result<T> try_conditional_expected_purchases(const discrete_row<T>& c, T future_periods) const noexcept {
    constexpr const char* name = "bg_bb.conditional_expected_purchases";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_discrete_row(c, name)) return e;
    const result<count_t> k = detail::bb_whole_periods(future_periods, name, "future_periods");
    if (!k) return k.error();
    if (const error_info e = detail::bb_check_long_sum(gamma, *k, name)) return e;
    const T v = std::exp(log_next_transaction(c)) *
                detail::bb_survival_sum(gamma, delta, static_cast<T>(c.periods + 1), *k);
    if (!detail::bb_finite(v)) return error_info{errc::not_finite, name, "result"};
    return v;
  }
  /// Throwing form of try_conditional_expected_purchases (crm::metric_error).
  [[nodiscard]] T conditional_expected_purchases(const discrete_row<T>& c, T future_periods) const {
    return try_conditional_expected_purchases(c, future_periods).value();
  }

  /**
   * @brief Probability that a new customer makes exactly x transactions in n opportunities:
   * P(X(n) = x) = C(n,x) B(a+x, b+n-x)/B(a,b) B(g, d+n)/B(g,d)
   *             + sum_{i=x}^{n-1} C(i,x) B(a+x, b+i-x)/B(a,b) B(g+1, d+i)/B(g,d).
   * Source: Fader, Hardie & Shang (2010). Unit: probability. O(n) special functions.
   * Errors: invalid parameters; x or n negative; x > n; not finite.
   */
  [[nodiscard]] result<T> try_probability_of_purchases(count_t x, count_t n) const noexcept {
    constexpr const char* name = "bg_bb.probability_of_purchases";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_purchases_in(x, n, name)) return e;
    using detail::bb_lbeta;
    const T tx = static_cast<T>(x), tn = static_cast<T>(n);
    const T lb_ab = bb_lbeta(alpha, beta), lb_gd = bb_lbeta(gamma, delta);
    T v = std::exp(detail::log_choose(tn, tx) + bb_lbeta(alpha + tx, beta + tn - tx) - lb_ab + bb_lbeta(gamma, delta + tn) - lb_gd);
    for (count_t i = x; i < n; ++i) {
      const T ti = static_cast<T>(i);
      v += std::exp(detail::log_choose(ti, tx) + bb_lbeta(alpha + tx, beta + ti - tx) - lb_ab + bb_lbeta(gamma + T(1), delta + ti) - lb_gd);
    }
    if (!detail::bb_finite(v)) return error_info{errc::not_finite, name, "result"};
    return std::min(v, T(1));
  }
  /// Throwing form of try_probability_of_purchases (crm::metric_error).
  [[nodiscard]] T probability_of_purchases(count_t x, count_t n) const { return try_probability_of_purchases(x, n).value(); }

  /**
   * @brief Discounted expected residual transactions of a customer with history (x, t_x, n):
   * DERT(d) = sum_{t>n} E[transaction at t] / (1+d)^(t-n)
   *         = B(a+x+1, b+n-x)/B(a,b) B(g, d+n+1)/B(g,d) / (1+d) * 2F1(1, d+n+1; g+d+n+1; 1/(1+d)) / L.
   * Source: Fader, Hardie & Shang (2010), DERT. Multiply by the margin per transaction for the
   * residual lifetime value. The 2F1 series has term ratios below z = 1/(1+d), so the tail after
   * term t_k is at most t_k z / (1 - z); the sum stops when that bound falls below half the unit
   * roundoff of T times the partial sum.
   * Unit: discounted transactions. Errors: invalid parameters or row; discount_rate <= 0 or not
   * finite (at 0 the sum diverges unless gamma > 1); not finite.
   */
  [[nodiscard]] result<T> try_discounted_expected_residual_transactions(const discrete_row<T>& c, T discount_rate) const noexcept {
    constexpr const char* name = "bg_bb.discounted_expected_residual_transactions";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_discrete_row(c, name)) return e;
    if (const error_info e = detail::bb_check_discount(discount_rate, name)) return e;
    const T z = T(1) / (T(1) + discount_rate);
    const result<T> sum = detail::bb_dert_series(gamma, delta, static_cast<T>(c.periods + 1), z, name);
    if (!sum) return sum;
    const T v = std::exp(log_next_transaction(c)) * z * *sum;
    if (!detail::bb_finite(v)) return error_info{errc::not_finite, name, "result"};
    return v;
  }
  /// Throwing form of try_discounted_expected_residual_transactions (crm::metric_error).
  [[nodiscard]] T discounted_expected_residual_transactions(const discrete_row<T>& c, T discount_rate) const {
    return try_discounted_expected_residual_transactions(c, discount_rate).value();
  }

  friend constexpr bool operator==(const bg_bb&, const bg_bb&) = default;

 private:
  // ln [ B(a+x+1, b+n-x)/B(a,b) B(g, d+n+1)/B(g,d) / L ]: the probability of a transaction at
  // opportunity n+1 given the history; later opportunities scale it by survival ratios.
  [[nodiscard]] T log_next_transaction(const discrete_row<T>& c) const noexcept {
    const T x = static_cast<T>(c.frequency), n = static_cast<T>(c.periods);
    T alive_n = 0;
    const T ll = detail::bg_bb_row_ll<T>(alpha, beta, gamma, delta, c.frequency, c.recency, c.periods, nullptr, &alive_n);
    // B(a+x+1, b+n-x) / B(a+x, b+n-x) = (a+x)/(a+b+n); B(g, d+n+1) / B(g, d+n) = (d+n)/(g+d+n).
    return alive_n + std::log((alpha + x) / (alpha + beta + n) * (delta + n) / (gamma + delta + n)) - ll;
  }
};

namespace detail {
/// alpha + beta or gamma + delta from which a converged BG/BB fit is compared with the boundaries at
/// infinity (a Beta there has a standard deviation below 10 % of sqrt(m (1-m)), m its mean: the fit is on
/// its way to the ridge).
inline constexpr double bg_bb_ridge_check_scale = 1e2;
/// gamma/(gamma+delta) below which a converged BG/BB fit is compared with the no-drop-out boundary.
inline constexpr double bg_bb_no_dropout_check = 1e-3;
/// Where a restart from a boundary's direction begins: alpha + beta or gamma + delta (homogeneous limits),
/// delta with gamma = 1 (no drop-out).
inline constexpr double bg_bb_ridge_scale = 1e3;

/// The models nested in BG/BB at its boundaries (see bb_nested_row_ll).
enum class bb_nested_kind { no_dropout, homogeneous_dropout, homogeneous_purchase };

/// A nested BG/BB fit: its maximum-likelihood parameters with standard errors (alpha, beta: the Beta of
/// p, for no_dropout and homogeneous_dropout; theta, the common drop-out probability, for
/// homogeneous_dropout, 0 otherwise; p, gamma, delta for homogeneous_purchase), ln L and the heterogeneity
/// score (crm::boundary_report): no_dropout d ln L / d theta at theta = 0; the homogeneous ones
/// d ln L / d e at e = 0, e = 1/(a+b+1) of the collapsed Beta.
struct bb_nested_fit {
  fit_boundary where = fit_boundary::none;
  double alpha = 0.0, beta = 0.0, theta = 0.0, p = 0.0, gamma = 0.0, delta = 0.0;
  double alpha_se = 0.0, beta_se = 0.0, theta_se = 0.0, p_se = 0.0, gamma_se = 0.0, delta_se = 0.0;
  double log_likelihood = 0.0;
  double heterogeneity_score = 0.0;
  convergence report{};
  /// The inverse Hessian of -ln L at the maximum in the prediction model's parameter order
  /// (boundary_report::nested_covariance): crm::beta_bernoulli's (alpha, beta[, theta]),
  /// crm::beta_geometric_bernoulli's (p[, gamma, delta]); the square roots of its diagonal are the SEs above.
  parameter_covariance covariance{};
};

/// Where the side of a BG/BB point is headed (bb_purchase_side, bb_dropout_side, below).
enum class bb_side { interior, homogeneous, extreme, two_point };
[[nodiscard]] inline bb_side bb_purchase_side(const vec<4>& v) noexcept;
[[nodiscard]] inline bb_side bb_dropout_side(const vec<4>& v) noexcept;

/// A nested BG/BB fit's estimate on a limit of its own: a Beta's sum at least bg_bb_nested_limit_sum, or a share or
/// probability within bg_bb_nested_limit_share of 0 or 1 (far beyond the thresholds of a point, bb_purchase_side).
inline constexpr double bg_bb_nested_limit_sum = 1e6;
inline constexpr double bg_bb_nested_limit_share = 1e-6;
/// Where a nested fit that failed was headed: its optimizer's last point as the BG/BB corner it stands for
/// (the boundary's own side, and the side the nested model left free classified as bb_purchase_side /
/// bb_dropout_side do: a probability p within 1e-3 of 1 is extreme (p -> 1), theta within 1e-3 of 0 extreme (nobody
/// drops out)), and the nested ln L there (the limit of the full likelihood). `have` false: no such point
/// (the fit converged, or stopped before one: interrupted, max_iterations, not finite).
struct bb_nested_runoff {
  bool have = false;
  bb_side purchase = bb_side::interior, dropout = bb_side::interior;
  double log_likelihood = 0.0;
};

/// Fits a nested BG/BB model by fit_positive over (alpha, beta) [no_dropout], (alpha, beta, theta/(1-theta))
/// [homogeneous_dropout] or (p/(1-p), gamma, delta) [homogeneous_purchase]; a probability's SE and its
/// rows of the covariance by the delta method, d v / d odds = (1-v)^2. Errors: the fit's (not_converged, not_identifiable: e.g. a
/// probability running to 0 or 1); then `runoff` (optional) receives where its optimizer was headed.
template <std::floating_point T, bb_nested_kind Kind>
[[nodiscard]] result<bb_nested_fit> fit_bb_nested(std::span<const discrete_row<T>> rows, const fit_options& opt, const char* name,
                                                  bb_nested_runoff* runoff = nullptr) {
  constexpr std::size_t N = Kind == bb_nested_kind::no_dropout ? 2 : 3;
  constexpr bool beta_p = Kind != bb_nested_kind::homogeneous_purchase;
  constexpr bb_dropout drop = Kind == bb_nested_kind::no_dropout            ? bb_dropout::none
                              : Kind == bb_nested_kind::homogeneous_dropout ? bb_dropout::point
                                                                            : bb_dropout::beta;
  // the model's (v0, v1, v2, v3) from the fitted vector, and which slot each fitted parameter is
  static constexpr std::array<std::size_t, 3> slot = beta_p ? std::array<std::size_t, 3>{0, 1, 2} : std::array<std::size_t, 3>{0, 2, 3};
  const auto row_ll = [](const vec<N>& th, const discrete_row<T>& c, std::array<T, 4>* gr, std::array<T, 2>* cv) {
    std::array<T, 4> v{};
    for (std::size_t i = 0; i < N; ++i) v[slot[i]] = static_cast<T>(th[i]);
    return bb_nested_row_ll<T, beta_p, drop>(v[0], v[1], v[2], v[3], c.frequency, c.recency, c.periods, gr, cv);
  };
  double customers = 0.0;
  for (const discrete_row<T>& c : rows) customers += static_cast<double>(c.weight);
  const auto nll = [&rows, &row_ll](const vec<N>& th, vec<N>& grad) -> double {
    T ll = 0;
    std::array<T, 4> acc{};
    for (const discrete_row<T>& c : rows) {
      std::array<T, 4> gr{};
      ll += c.weight * row_ll(th, c, &gr, nullptr);
      for (std::size_t i = 0; i < 4; ++i) acc[i] += c.weight * gr[i];
    }
    for (std::size_t i = 0; i < N; ++i) grad[i] = -static_cast<double>(acc[slot[i]]);
    const double v = -static_cast<double>(ll);
    return std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
  };
  vec<N> start{};
  start.fill(1.0);
  if constexpr (Kind == bb_nested_kind::homogeneous_dropout) start[2] = 0.25;
  last_point_seen<N> last_point;
  convergence last{};
  const result<positive_fit<N>> f = fit_positive<N>(nll, start, customers, opt, name, last_point.callback(), &last);
  // the BG/BB corner a nested point stands for: the boundary's own side, the free side by its thresholds
  const auto runoff_at = [&nll](const vec<N>& v) {
    vec<N> g{};
    bb_nested_runoff r;
    r.log_likelihood = -nll(v, g);
    r.have = std::isfinite(r.log_likelihood);
    if constexpr (Kind == bb_nested_kind::homogeneous_purchase) {
      r.purchase = 1.0 / (1.0 + v[0]) < bg_bb_no_dropout_check ? bb_side::extreme : bb_side::homogeneous;  // 1 - p < 1e-3
      r.dropout = bb_dropout_side({1.0, 1.0, v[1], v[2]});
    } else {
      r.purchase = bb_purchase_side({v[0], v[1], 1.0, 1.0});
      if constexpr (Kind == bb_nested_kind::no_dropout)
        r.dropout = bb_side::extreme;
      else
        r.dropout = v[2] / (1.0 + v[2]) < bg_bb_no_dropout_check ? bb_side::extreme : bb_side::homogeneous;
    }
    return r;
  };
  if (!f) {
    if (runoff != nullptr && last_point.seen && last.reason != stop_reason::max_iterations && f.error().code != errc::not_finite)
      *runoff = runoff_at(last_point.at);
    return f.error();
  }
  // A converged nested fit whose free side is far out on a limit of its own (a Beta's sum >= 1e6, a share or
  // probability within 1e-6 of 0 or 1) has no estimate: the optimizer stopped where ln L is flat to its
  // tolerance on the way to a corner (the tiny data sets: the Beta-Bernoulli at alpha + beta = 1e8 on the way to
  // the binomial). Refused as a failed fit that ran there.
  {
    const vec<N>& v = f->theta;
    const auto far = [](double a, double b) { return a + b >= bg_bb_nested_limit_sum || b / (a + b) < bg_bb_nested_limit_share; };
    bool limit = false;
    if constexpr (Kind == bb_nested_kind::homogeneous_purchase)
      limit = 1.0 / (1.0 + v[0]) < bg_bb_nested_limit_share || v[1] + v[2] >= bg_bb_nested_limit_sum ||
              v[1] / (v[1] + v[2]) < bg_bb_nested_limit_share;
    else
      limit = far(v[0], v[1]) || (Kind == bb_nested_kind::homogeneous_dropout && v[2] / (1.0 + v[2]) < bg_bb_nested_limit_share);
    if (limit) {
      if (runoff != nullptr) *runoff = runoff_at(v);
      return error_info{errc::not_identifiable, name, "parameters", "the nested fit's estimate is on a limit of its own"};
    }
  }
  bb_nested_fit out;
  out.log_likelihood = f->log_likelihood;
  out.report = f->report;
  vec<N> jacobian{};
  jacobian.fill(1.0);
  const auto prob = [&f, &jacobian](std::size_t i, double& v, double& se) {
    const double q = f->theta[i];
    v = q / (1.0 + q);
    jacobian[i] = 1.0 / ((1.0 + q) * (1.0 + q));
    se = f->standard_errors[i] * jacobian[i];
  };
  T score = 0;
  if constexpr (Kind == bb_nested_kind::no_dropout) {
    out.where = fit_boundary::bb_no_dropout;
    out.alpha = f->theta[0], out.beta = f->theta[1], out.alpha_se = f->standard_errors[0], out.beta_se = f->standard_errors[1];
    // d ln L / d theta at 0: sum_i B(a+x, b+t_x-x+i) / B(a+x, b+n-x) - n
    const T a = static_cast<T>(out.alpha), b = static_cast<T>(out.beta), lb = bb_lbeta(a, b);
    for (const discrete_row<T>& c : rows) {
      const count_t x = c.frequency;
      const T n = static_cast<T>(c.periods);
      const T alive = bb_log_beta_ratio(a, b, x, c.periods - x, lb);
      T s = 0;
      for (count_t i = 0; i < c.periods - c.recency; ++i) s += std::exp(bb_log_beta_ratio(a, b, x, c.recency - x + i, lb) - alive);
      score += c.weight * (s - n);
    }
  } else {
    if constexpr (Kind == bb_nested_kind::homogeneous_dropout) {
      out.where = fit_boundary::bb_homogeneous_dropout;
      out.alpha = f->theta[0], out.beta = f->theta[1], out.alpha_se = f->standard_errors[0], out.beta_se = f->standard_errors[1];
      prob(2, out.theta, out.theta_se);
    } else {
      out.where = fit_boundary::bb_homogeneous_purchase;
      prob(0, out.p, out.p_se);
      out.gamma = f->theta[1], out.delta = f->theta[2], out.gamma_se = f->standard_errors[1], out.delta_se = f->standard_errors[2];
    }
    for (const discrete_row<T>& c : rows) {
      std::array<T, 2> cv{};
      (void)row_ll(f->theta, c, nullptr, &cv);
      score += c.weight * (Kind == bb_nested_kind::homogeneous_dropout ? cv[1] : cv[0]);
    }
  }
  out.covariance = to_parameter_covariance<N>(f->covariance, jacobian);  // (alpha, beta[, theta]) or (p, gamma, delta)
  out.heterogeneity_score = static_cast<double>(score);
  return out;
}

/// The binomial nested at BG/BB's corner bb_binomial (alpha, beta -> infinity, gamma/(gamma+delta) -> 0): one
/// transaction probability p, nobody dropping out, L = p^x (1-p)^(n-x) (t_x does not matter). Closed form:
/// p = sum w x / sum w n, SE sqrt(p(1-p) / sum w n) (the inverse of the information sum w n / (p(1-p)), the
/// 1 x 1 covariance),
/// ln L = sum w [x ln p + (n-x) ln(1-p)]. heterogeneity_score is the larger of the scores of the two ways out
/// of the corner: a spread of p, d ln L / d e at e = 1/(alpha+beta+1) = 0, sum w [x(x-1)(1-p)/p - 2x(n-x) +
/// (n-x)(n-x-1)p/(1-p)]/2; a drop-out, d ln L / d theta at theta = 0, sum w [sum_{i<n-t_x} (1-p)^(t_x+i-n) - n]
/// (both <= 0: the corner is a local maximum in both). Errors: p not in (0, 1) (errc::not_identifiable).
template <std::floating_point T>
[[nodiscard]] result<bb_nested_fit> fit_bb_binomial(std::span<const discrete_row<T>> rows, const char* name) {
  T sx = 0, sn = 0;
  for (const discrete_row<T>& c : rows) sx += c.weight * static_cast<T>(c.frequency), sn += c.weight * static_cast<T>(c.periods);
  const T p = sx / sn;
  if (!(p > T(0) && p < T(1))) return error_info{errc::not_identifiable, name, "frequency", "the binomial's p is 0 or 1"};
  const T lp = std::log(p), lq = std::log1p(-p);
  T ll = 0, spread = 0, drop = 0;
  for (const discrete_row<T>& c : rows) {
    const T x = static_cast<T>(c.frequency), j = static_cast<T>(c.periods - c.frequency), n = static_cast<T>(c.periods);
    ll += c.weight * (x * lp + j * lq);
    spread += c.weight * (x * (x - T(1)) * (T(1) - p) / p - T(2) * x * j + j * (j - T(1)) * p / (T(1) - p)) / T(2);
    T s = 0;
    for (count_t i = 0; i < c.periods - c.recency; ++i) s += std::exp(static_cast<T>(c.recency + i - c.periods) * lq);
    drop += c.weight * (s - n);
  }
  bb_nested_fit out;
  out.where = fit_boundary::bb_binomial;
  out.p = static_cast<double>(p);
  out.p_se = static_cast<double>(std::sqrt(p * (T(1) - p) / sn));
  out.covariance.size = 1;
  out.covariance.values[0][0] = static_cast<double>(p * (T(1) - p) / sn);
  out.log_likelihood = static_cast<double>(ll);
  out.heterogeneity_score = static_cast<double>(std::max(spread, drop));
  out.report.converged = true;
  out.report.reason = stop_reason::gradient_small;
  return out;
}

/// Where a BG/BB point (alpha, beta, gamma, delta) is headed, one side at a time: the Beta of p (interior;
/// alpha, beta -> infinity: one p for all; beta/(alpha+beta) -> 0: p -> 1, every active customer transacts at
/// every opportunity; alpha, beta -> 0: every p 0 or 1) and the Beta of theta (interior; gamma/(gamma+delta)
/// -> 0: nobody drops out; gamma, delta -> infinity: one theta for all; gamma, delta -> 0: every theta 0 or 1).
/// Thresholds: a sum of 100 or more (bg_bb_ridge_check_scale) or below 1e-2 (bg_bb_two_point_check), a
/// share below 1e-3 (bg_bb_no_dropout_check).
inline constexpr double bg_bb_two_point_check = 1e-2;
/// Where a failed BG/BB fit at a corner starts again (try_fit_bg_bb): (alpha, beta, gamma, delta) toward each
/// corner where both Betas collapse, a Beta's sum 1e-2 (toward a two-point mass) or 2e3 (toward a point mass).
inline constexpr std::array<vec<4>, 4> bg_bb_corner_starts{{{5e-3, 5e-3, 5e-3, 5e-3}, {5e-3, 5e-3, 1e3, 1e3}, {1e3, 1e3, 5e-3, 5e-3}, {1e3, 1e3, 1e3, 1e3}}};
/// How much more likely (relative to max(1, |ln L|)) a restart's corner must be than the optimizer's first point to be
/// the one named: two approaches of one supremum from different sides differ by up to a few 1e-7 nats.
inline constexpr double bg_bb_corner_gain = 1e-6;
/// The Beta of p: extreme is beta/(alpha+beta) -> 0 (p -> 1).
[[nodiscard]] inline bb_side bb_purchase_side(const vec<4>& v) noexcept {
  const double s = v[0] + v[1];
  if (v[1] / s < bg_bb_no_dropout_check) return bb_side::extreme;
  if (s >= bg_bb_ridge_check_scale) return bb_side::homogeneous;
  if (s < bg_bb_two_point_check) return bb_side::two_point;
  return bb_side::interior;
}
/// The Beta of theta: extreme is gamma/(gamma+delta) -> 0 (nobody drops out).
[[nodiscard]] inline bb_side bb_dropout_side(const vec<4>& v) noexcept {
  const double s = v[2] + v[3];
  if (v[2] / s < bg_bb_no_dropout_check) return bb_side::extreme;
  if (s >= bg_bb_ridge_check_scale) return bb_side::homogeneous;
  if (s < bg_bb_two_point_check) return bb_side::two_point;
  return bb_side::interior;
}
/// The error detail of a corner, a point headed for a limit that no nested model names (indexed by
/// bb_purchase_side, bb_dropout_side); nullptr for an interior point and for the three boundaries, whose nested
/// fits are compared. The binomial corner has its nested fit too; a fit that ran there and was not named says so.
/// `via_nested`: the corner where a failed nested fit ran (bb_nested_runoff), more likely than the optimizer's
/// point; the detail says so, and is nullptr at the binomial corner too (its closed-form fit is compared only
/// where the optimizer's point is).
[[nodiscard]] inline const char* bb_corner_detail(bb_side purchase, bb_side dropout, bool via_nested = false) noexcept {
#define CRM_BB_P1 "alpha, beta -> infinity (one transaction probability for all)"
#define CRM_BB_P2 "beta/(alpha+beta) -> 0 (p -> 1: every active customer transacts at every opportunity)"
#define CRM_BB_P3 "alpha, beta -> 0 (every transaction probability 0 or 1)"
#define CRM_BB_D1 "gamma, delta -> infinity (one drop-out probability for all)"
#define CRM_BB_D2 "gamma/(gamma+delta) -> 0 (nobody drops out)"
#define CRM_BB_D3 "gamma, delta -> 0 (every drop-out probability 0 or 1)"
#define CRM_BB_CORNERS(PREFIX, BINOMIAL)                                                                                     \
  {{nullptr, nullptr, nullptr, PREFIX CRM_BB_D3},                                                                            \
   {nullptr, PREFIX CRM_BB_P1 " with " CRM_BB_D1, BINOMIAL, PREFIX CRM_BB_P1 " with " CRM_BB_D3},                            \
   {PREFIX CRM_BB_P2, PREFIX CRM_BB_P2 " with " CRM_BB_D1, PREFIX CRM_BB_P2 " with " CRM_BB_D2, PREFIX CRM_BB_P2 " with " CRM_BB_D3}, \
   {PREFIX CRM_BB_P3, PREFIX CRM_BB_P3 " with " CRM_BB_D1, PREFIX CRM_BB_P3 " with " CRM_BB_D2, PREFIX CRM_BB_P3 " with " CRM_BB_D3}}
  // rows: purchase interior (the drop-out side alone), alpha, beta -> infinity, p -> 1, alpha, beta -> 0
  static constexpr const char* table[4][4] = CRM_BB_CORNERS(
      "the optimizer ran to a corner of the parameter space, a limit the fit does not name: ",
      "the optimizer ran to the corner " CRM_BB_P1 " with " CRM_BB_D2 " (the binomial), but the binomial is not the "
      "supremum there (less likely than the point, or a way out of the corner raises the likelihood)");
  static constexpr const char* nested[4][4] = CRM_BB_CORNERS(
      "the likelihood rises toward a corner of the parameter space (where the fit nested at a boundary ran, more likely "
      "than the optimizer's point), a limit the fit does not name: ",
      nullptr);
#undef CRM_BB_CORNERS
#undef CRM_BB_P1
#undef CRM_BB_P2
#undef CRM_BB_P3
#undef CRM_BB_D1
#undef CRM_BB_D2
#undef CRM_BB_D3
  return (via_nested ? nested : table)[static_cast<int>(purchase)][static_cast<int>(dropout)];
}
/// The error detail of a point on one of the three boundaries (bb_no_dropout, bb_homogeneous_dropout,
/// bb_homogeneous_purchase, by bb_purchase_side and bb_dropout_side) whose nested fit gives no estimate to name
/// there; nullptr elsewhere.
[[nodiscard]] inline const char* bb_boundary_failed_detail(bb_side purchase, bb_side dropout) noexcept {
#define CRM_BB_WHY "gives no estimate that is the supremum (it failed, or is less likely than the optimizer's point, or a way out of the boundary raises the likelihood): no estimate"
  if (purchase == bb_side::interior && dropout == bb_side::extreme)
    return "the optimizer ran to the boundary gamma/(gamma+delta) -> 0 (nobody drops out), but the nested fit there (the Beta-Bernoulli) " CRM_BB_WHY;
  if (purchase == bb_side::interior && dropout == bb_side::homogeneous)
    return "the optimizer ran to the boundary gamma, delta -> infinity (one drop-out probability for all), but the nested fit there "
           "(the Beta-Bernoulli with a common drop-out probability) " CRM_BB_WHY;
  if (purchase == bb_side::homogeneous && dropout == bb_side::interior)
    return "the optimizer ran to the boundary alpha, beta -> infinity (one transaction probability for all), but the nested fit there "
           "(crm::beta_geometric_bernoulli) " CRM_BB_WHY;
#undef CRM_BB_WHY
  return nullptr;
}

/// The proportions a BG/BB data set can determine: over each distinct number of opportunities n, the
/// patterns (x, t_x) number 1 + n(n+1)/2 and their probabilities sum to 1, so sum over distinct n of n(n+1)/2.
/// Below 4 (every customer with n = 1, or every one with n = 2) the model's four parameters are not
/// identifiable: a fit that fails there says so (try_fit_bg_bb).
template <std::floating_point T>
[[nodiscard]] bool bg_bb_too_few_proportions(std::span<const discrete_row<T>> rows) noexcept {
  const count_t n = rows.empty() ? 0 : rows.front().periods;
  return n <= 2 && std::all_of(rows.begin(), rows.end(), [n](const discrete_row<T>& c) { return c.periods == n; });
}
template <std::floating_point T>
[[nodiscard]] result<fit_result<bg_bb<T>>> fit_bg_bb_rows(std::span<const discrete_row<T>> rows, const fit_options& options);
}  // namespace detail

/**
 * @brief Maximum-likelihood fit of the BG/BB model to (frequency, recency, periods, weight) rows.
 * Maximises sum_i w_i ln L_i (see bg_bb::log_likelihood) over (alpha, beta, gamma, delta) with
 * analytic gradients, the optional L2 penalty of crm::fit_options, and standard errors from the
 * inverse Hessian of -ln L. Fader, Hardie & Shang (2010) report alpha = 1.204, beta = 0.750,
 * gamma = 0.657, delta = 2.783 on the weighted donations data. Deterministic (start at all ones).
 * Compress identical rows first (crm::compress) for speed; the result is the same.
 * Boundary maxima: where the likelihood is maximised on a boundary of the parameter space (nobody seen
 * to drop out: gamma/(gamma+delta) -> 0; one drop-out probability for all: gamma, delta -> infinity; one
 * transaction probability for all: alpha, beta -> infinity) the fit returns `errc::not_identifiable`
 * naming it (field "gamma" or "alpha"), or with fit_options::on_boundary = boundary_policy::report the
 * fit with crm::boundary_report filled in (fit_boundary::bb_no_dropout, bb_homogeneous_dropout,
 * bb_homogeneous_purchase, and the corner bb_binomial: alpha, beta -> infinity with gamma/(gamma+delta) -> 0;
 * the nested model's estimates, SEs, ln L, heterogeneity score and LR test);
 * crm::try_nested_bg_bb_model turns the first two into a crm::beta_bernoulli to predict from,
 * crm::try_nested_bg_bb_purchase_model the last two into a crm::beta_geometric_bernoulli
 * (docs/models.md, "BG/BB: boundary maxima").
 * Errors: an invalid row (crm::validate); nobody with a repeat transaction, or nobody without
 * one, or no opportunity at all (`errc::not_identifiable`); invalid options;
 * `errc::not_converged`; `errc::not_identifiable` when the Hessian is not positive definite; a failed fit
 * that ran to a corner with no nested model (p -> 1; every p or theta 0 or 1; two limits at once):
 * `errc::not_identifiable` on "alpha" or "gamma", the detail naming the corner (detail::bb_corner_detail), the most
 * likely of the optimizer's and those of its restarts toward the four corners (detail::bg_bb_corner_starts; a
 * restart that converges inside, more likely, is the fit); a
 * failed fit on one of the three boundaries whose nested fit ran to such a corner of its own, at least as likely as
 * the optimizer's point: the same, naming that corner ("the likelihood rises toward a corner ..."); else on one of
 * the three boundaries with no nested estimate to name: `errc::not_identifiable`, "the optimizer ran to the
 * boundary ..." (detail::bb_boundary_failed_detail). Never the optimizer's error at a boundary. A failed fit
 * on data where every customer had the same 1 or 2 opportunities: `errc::not_identifiable` on "periods" (at
 * most 3 proportions for 4 parameters: detail::bg_bb_too_few_proportions).
 */
template <std::floating_point T>
[[nodiscard]] result<fit_result<bg_bb<T>>> try_fit_bg_bb(std::span<const discrete_row<T>> rows, const fit_options& options = {}) {
  result<fit_result<bg_bb<T>>> f = detail::fit_bg_bb_rows<T>(rows, options);
  // (found by an audit of small random data sets, 2026-12-07: 14 of 300 ended "the Hessian ... is not positive
  // definite", every one with all customers over 1 or 2 opportunities)
  if (!f && std::string_view(f.error().field) == "parameters" && detail::bg_bb_too_few_proportions(rows))
    return error_info{errc::not_identifiable, "fit_bg_bb", "periods",
                      "every customer had the same 1 or 2 transaction opportunities: the data determine at most 3 proportions, "
                      "fewer than the model's 4 parameters, which have no separate estimates"};
  return f;
}
template <std::floating_point T>
[[nodiscard]] result<fit_result<bg_bb<T>>> detail::fit_bg_bb_rows(std::span<const discrete_row<T>> rows, const fit_options& options) {
  constexpr const char* name = "fit_bg_bb";
  if (const error_info e = validate(rows, name)) return e;
  bool repeat = false, no_repeat = false;
  double customers = 0.0;
  for (const discrete_row<T>& c : rows) {
    repeat = repeat || c.frequency > 0;
    no_repeat = no_repeat || c.frequency < c.periods;
    customers += static_cast<double>(c.weight);
  }
  if (!repeat)
    return error_info{errc::not_identifiable, name, "frequency", "nobody made a repeat transaction"};
  if (!no_repeat)
    return error_info{errc::not_identifiable, name, "frequency", "every customer transacted at every opportunity"};
  if (const error_info e = detail::check_fit_options(name, options)) return e;
  const auto nll = [rows](const detail::vec<4>& th, detail::vec<4>& grad) -> double {
    const T a = static_cast<T>(th[0]), b = static_cast<T>(th[1]), g = static_cast<T>(th[2]), d = static_cast<T>(th[3]);
    T ll = 0;
    std::array<T, 4> acc{};
    for (const discrete_row<T>& c : rows) {
      std::array<T, 4> gr{};
      ll += c.weight * detail::bg_bb_row_ll<T>(a, b, g, d, c.frequency, c.recency, c.periods, &gr);
      for (std::size_t i = 0; i < 4; ++i) acc[i] += c.weight * gr[i];
    }
    for (std::size_t i = 0; i < 4; ++i) grad[i] = -static_cast<double>(acc[i]);
    return -static_cast<double>(ll);
  };
  detail::last_point_seen<4> last_point;
  convergence last{};
  const result<detail::positive_fit<4>> f =
      detail::fit_positive<4>(nll, {1.0, 1.0, 1.0, 1.0}, customers, options, name, last_point.callback(), &last);
  const detail::vec<4>& at = last_point.at;
  const auto make = [](const detail::vec<4>& v) {
    return bg_bb<T>{static_cast<T>(v[0]), static_cast<T>(v[1]), static_cast<T>(v[2]), static_cast<T>(v[3])};
  };
  const auto plain = [&]() -> result<fit_result<bg_bb<T>>> {
    if (!f) return f.error();
    return detail::to_fit_result<bg_bb<T>>(*f, make);
  };
  // The boundaries (docs/models.md, "BG/BB: boundary maxima"): compared only after a failed fit (not an
  // interrupted one, nor one stopped by max_iterations or at a non-finite point), or a converged one that
  // is on its way to a boundary (gamma + delta or alpha + beta >= bg_bb_ridge_check_scale, or a mean
  // drop-out probability gamma/(gamma+delta) below bg_bb_no_dropout_check) or whose first stop certified
  // no stationary point; with a penalizer never (it keeps the parameters inside). An ordinary fit (the
  // donations', at alpha + beta 2.0, gamma + delta 3.4) costs nothing more.
  if (options.penalizer != 0.0 || last.reason == stop_reason::interrupted) return plain();
  if (!f && (!last_point.seen || f.error().code == errc::not_finite || last.reason == stop_reason::max_iterations)) return plain();
  const detail::vec<4> point = f ? f->theta : at;
  const bool toward = point[0] + point[1] >= detail::bg_bb_ridge_check_scale || point[2] + point[3] >= detail::bg_bb_ridge_check_scale ||
                      point[2] / (point[2] + point[3]) < detail::bg_bb_no_dropout_check;
  if (f && !f->function_change_stop && !toward) return plain();
  detail::vec<4> g{};
  const double ll_point = f ? f->log_likelihood : -nll(point, g);
  if (!std::isfinite(ll_point)) return plain();
  const double tol = 1e-9 * std::max(1.0, std::abs(ll_point));
  // The boundary named (the default policy's error, or the report).
  const auto named = [&](const detail::bb_nested_fit& b) -> result<fit_result<bg_bb<T>>> {
    if (options.on_boundary == boundary_policy::error) {
      switch (b.where) {
        case fit_boundary::bb_no_dropout:
          return error_info{errc::not_identifiable, name, "gamma",
                            "the likelihood is maximised on the boundary gamma/(gamma+delta) -> 0: no drop-out visible in the data "
                            "(the Beta-Bernoulli limit)"};
        case fit_boundary::bb_homogeneous_dropout:
          return error_info{errc::not_identifiable, name, "gamma",
                            "the likelihood is maximised on the boundary gamma, delta -> infinity with gamma/(gamma+delta) fixed: every "
                            "customer has the same drop-out probability (homogeneous drop-out)"};
        case fit_boundary::bb_binomial:
          return error_info{errc::not_identifiable, name, "alpha",
                            "the likelihood is maximised at the corner alpha, beta -> infinity with alpha/(alpha+beta) fixed and "
                            "gamma/(gamma+delta) -> 0: every customer has the same transaction probability and nobody drops out "
                            "(the binomial)"};
        default:
          return error_info{errc::not_identifiable, name, "alpha",
                            "the likelihood is maximised on the boundary alpha, beta -> infinity with alpha/(alpha+beta) fixed: every "
                            "customer has the same transaction probability (homogeneous purchase probability)"};
      }
    }
    fit_result<bg_bb<T>> out;
    out.params = make(point);
    const double inf = std::numeric_limits<double>::infinity();
    out.standard_errors = make(detail::vec<4>{inf, inf, inf, inf});
    out.log_likelihood = ll_point;
    out.customers = customers;
    out.report = f ? f->report : last;
    boundary_report& r = out.boundary;
    r.where = b.where;
    r.description = describe(b.where);
    r.nested_fitted = true;
    r.nested_parameters = b.where == fit_boundary::bb_binomial ? 1 : b.where == fit_boundary::bb_no_dropout ? 2 : 3;
    r.nested_log_likelihood = b.log_likelihood;
    r.heterogeneity_score = b.heterogeneity_score;
    r.nested_covariance = b.covariance;
    if (b.where == fit_boundary::bb_homogeneous_purchase || b.where == fit_boundary::bb_binomial) {
      // (the binomial: gamma = 0, delta not identified: both 0)
      r.nested_r = b.gamma, r.nested_alpha = b.delta, r.nested_r_se = b.gamma_se, r.nested_alpha_se = b.delta_se;
      r.nested_purchase = b.p, r.nested_purchase_se = b.p_se;
    } else {
      r.nested_r = b.alpha, r.nested_alpha = b.beta, r.nested_r_se = b.alpha_se, r.nested_alpha_se = b.beta_se;
      r.nested_dropout = b.theta, r.nested_dropout_se = b.theta_se;
    }
    if (const auto lr = try_boundary_likelihood_ratio(ll_point, b.log_likelihood)) r.lr_statistic = lr->statistic, r.lr_p_value = lr->p_value;
    return out;
  };
  // A failed fit that ran to a corner (two limits at once, or p -> 1, or every p or theta 0 or 1) fails with
  // an error naming the corner, not the optimizer's (detail::bb_corner_detail).
  const detail::bb_side purchase_side = detail::bb_purchase_side(point), dropout_side = detail::bb_dropout_side(point);
  // Where the failed nested fits ran (detail::bb_nested_runoff), filled in below.
  std::array<detail::bb_nested_runoff, 3> runoff{};
  const auto unnamed = [&]() -> result<fit_result<bg_bb<T>>> {
    if (f) return plain();
    const auto field = [](detail::bb_side purchase) { return purchase != detail::bb_side::interior ? "alpha" : "gamma"; };
    // The optimizer started again from the directions of the four corners where both Betas collapse
    // (detail::bg_bb_corner_starts): a point and a corner may each be a local supremum only (two of the tiny
    // data sets run from (1, 1, 1, 1) to p -> 1 with one drop-out probability, ln L -3.3651 and -4.1879, while
    // the supremum is every p 0 or 1 with one drop-out probability, -3.2958 and -4.1589). A restart that
    // converges inside, more likely than the point, is the fit; one that runs to a corner with no nested model
    // at least bg_bb_corner_gain more likely than the point (and than any nested fit's corner) is the corner named.
    detail::bb_nested_runoff again{};
    for (const detail::vec<4>& start : detail::bg_bb_corner_starts) {
      detail::last_point_seen<4> seen;
      convergence stop{};
      const result<detail::positive_fit<4>> f2 = detail::fit_positive<4>(nll, start, customers, options, name, seen.callback(), &stop);
      if (stop.reason == stop_reason::interrupted) return f2 ? plain() : result<fit_result<bg_bb<T>>>(f2.error());
      const detail::vec<4> end = f2 ? f2->theta : seen.at;
      if (f2) {
        const bool edge = end[0] + end[1] >= detail::bg_bb_ridge_check_scale || end[2] + end[3] >= detail::bg_bb_ridge_check_scale ||
                          end[2] / (end[2] + end[3]) < detail::bg_bb_no_dropout_check;
        if (!f2->function_change_stop && !edge && f2->log_likelihood > ll_point + tol) return detail::to_fit_result<bg_bb<T>>(*f2, make);
        continue;
      }
      if (!seen.seen || stop.reason == stop_reason::max_iterations || f2.error().code == errc::not_finite) continue;
      detail::vec<4> g2{};
      const double ll2 = -nll(end, g2);
      const detail::bb_side ps = detail::bb_purchase_side(end), ds = detail::bb_dropout_side(end);
      const bool binomial = ps == detail::bb_side::homogeneous && ds == detail::bb_side::extreme;
      if (std::isfinite(ll2) && !binomial && detail::bb_corner_detail(ps, ds) != nullptr && (!again.have || ll2 > again.log_likelihood))
        again = {true, ps, ds, ll2};
    }
    const double gain = detail::bg_bb_corner_gain * std::max(1.0, std::abs(ll_point));
    bool again_best = again.have && again.log_likelihood > ll_point + gain;
    for (const detail::bb_nested_runoff& r : runoff)
      if (again_best && r.have && detail::bb_corner_detail(r.purchase, r.dropout, true) != nullptr && r.log_likelihood + gain >= again.log_likelihood)
        again_best = false;
    if (again_best) return error_info{errc::not_identifiable, name, field(again.purchase), detail::bb_corner_detail(again.purchase, again.dropout)};
    // A nested fit that ran to a corner of its own at least as likely as the optimizer's point: the likelihood
    // rises toward that corner (three of the tiny data sets of tests/bg_bb_boundary_test.cpp: before 2026-12-06
    // the optimizer's error). Named when the point is on no corner, or more likely than the point at the binomial
    // corner (whose own detail says only that the binomial is not the supremum); else the point's corner.
    const detail::bb_nested_runoff* up = nullptr;
    for (const detail::bb_nested_runoff& r : runoff)
      if (r.have && detail::bb_corner_detail(r.purchase, r.dropout, true) != nullptr && r.log_likelihood >= ll_point - tol &&
          (up == nullptr || r.log_likelihood > up->log_likelihood))
        up = &r;
    const auto rises = [&]() -> error_info {
      return {errc::not_identifiable, name, field(up->purchase), detail::bb_corner_detail(up->purchase, up->dropout, true)};
    };
    const bool at_binomial = purchase_side == detail::bb_side::homogeneous && dropout_side == detail::bb_side::extreme;
    if (at_binomial && up != nullptr && up->log_likelihood > ll_point + tol) return rises();
    if (const char* corner = detail::bb_corner_detail(purchase_side, dropout_side))
      return error_info{errc::not_identifiable, name, field(purchase_side), corner};
    if (up != nullptr) return rises();
    // On one of the three boundaries with no nested estimate to name there: say so, not the optimizer's error.
    if (const char* why = detail::bb_boundary_failed_detail(purchase_side, dropout_side))
      return error_info{errc::not_identifiable, name, field(purchase_side), why};
    return plain();
  };
  // The binomial corner (alpha, beta -> infinity, gamma/(gamma+delta) -> 0), where every other nested fit runs
  // to a boundary of its own: named when the binomial is as likely as the point and no way out of the corner
  // raises the likelihood (its score <= 0).
  if (purchase_side == detail::bb_side::homogeneous && dropout_side == detail::bb_side::extreme) {
    const result<detail::bb_nested_fit> bin = detail::fit_bb_binomial(rows, name);
    if (bin && bin->heterogeneity_score <= 0.0 && bin->log_likelihood >= ll_point - tol) return named(*bin);
  }
  const fit_options nested_options = options.interrupt_only();
  // The nested models: nobody drops out (the Beta-Bernoulli); a common drop-out probability; a common
  // purchase probability. The most likely of those whose heterogeneity score is <= 0 (a local maximum of
  // the full likelihood) is the candidate; one with a score > 0 says a better interior point exists, and
  // the optimizer starts again from its direction (scale bg_bb_ridge_scale).
  const result<detail::bb_nested_fit> nd = detail::fit_bb_nested<T, detail::bb_nested_kind::no_dropout>(rows, nested_options, name, &runoff[0]);
  const result<detail::bb_nested_fit> hd =
      detail::fit_bb_nested<T, detail::bb_nested_kind::homogeneous_dropout>(rows, nested_options, name, &runoff[1]);
  const result<detail::bb_nested_fit> hp =
      detail::fit_bb_nested<T, detail::bb_nested_kind::homogeneous_purchase>(rows, nested_options, name, &runoff[2]);
  const result<detail::bb_nested_fit>* best = nullptr;
  for (const result<detail::bb_nested_fit>* c : {&nd, &hd, &hp})
    if (*c && (best == nullptr || (*c)->log_likelihood > (*best)->log_likelihood)) best = c;
  if (best == nullptr) return unnamed();
  const detail::bb_nested_fit& b = **best;
  if (f && f->log_likelihood > b.log_likelihood + tol) return plain();
  if (b.heterogeneity_score > 0.0) {
    detail::vec<4> start = point;
    const double S = detail::bg_bb_ridge_scale;
    if (b.where == fit_boundary::bb_no_dropout) start = {b.alpha, b.beta, 1.0, S};
    if (b.where == fit_boundary::bb_homogeneous_dropout) start = {b.alpha, b.beta, b.theta * S, (1.0 - b.theta) * S};
    if (b.where == fit_boundary::bb_homogeneous_purchase) start = {b.p * S, (1.0 - b.p) * S, b.gamma, b.delta};
    const result<detail::positive_fit<4>> f2 = detail::fit_positive<4>(nll, start, customers, options, name);
    if (f2 && f2->log_likelihood > b.log_likelihood + tol) {
      detail::positive_fit<4> out = *f2;  // the report counts both runs
      out.report.iterations += last.iterations;
      out.report.function_evaluations += last.function_evaluations;
      return detail::to_fit_result<bg_bb<T>>(out, make);
    }
    return unnamed();  // the score says the limit is no maximum: no boundary to name
  }
  if (!f && !(b.log_likelihood >= ll_point - tol)) return unnamed();
  return named(b);
}
template <std::floating_point T>
[[nodiscard]] result<fit_result<bg_bb<T>>> try_fit_bg_bb(const std::vector<discrete_row<T>>& rows,
                                                        const fit_options& options = {}) {
  return try_fit_bg_bb(std::span<const discrete_row<T>>(rows), options);
}
/// Throwing form of try_fit_bg_bb (crm::metric_error).
template <std::floating_point T>
[[nodiscard]] fit_result<bg_bb<T>> fit_bg_bb(std::span<const discrete_row<T>> rows, const fit_options& options = {}) {
  return try_fit_bg_bb(rows, options).value();
}
template <std::floating_point T>
[[nodiscard]] fit_result<bg_bb<T>> fit_bg_bb(const std::vector<discrete_row<T>>& rows, const fit_options& options = {}) {
  return try_fit_bg_bb(std::span<const discrete_row<T>>(rows), options).value();
}

/**
 * @brief The model nested in BG/BB at its drop-out boundaries: p ~ Beta(alpha, beta) as in BG/BB, and one
 * drop-out probability theta for every customer (bb_homogeneous_dropout: gamma, delta -> infinity with
 * gamma/(gamma+delta) -> theta), theta = 0 for nobody dropping out (bb_no_dropout: the Beta-Bernoulli).
 * With A(j) = B(alpha+x, beta+j)/B(alpha,beta) and u = 1 - theta:
 *   L = A(n-x) u^n + sum_{i=0}^{n-t_x-1} A(t_x-x+i) theta u^(t_x+i)      (theta = 0: L = A(n-x))
 *   P(alive at n+k) = A(n-x) u^(n+k) / L
 *   E[X(n)] = alpha/(alpha+beta) sum_{t=1}^n u^t = alpha/(alpha+beta) u (1 - u^n)/theta   (n alpha/(alpha+beta) at 0)
 *   E[X(n, n+n*) | x, t_x, n] = N sum_{k<n*} u^k,  N = (alpha+x)/(alpha+beta+n) A(n-x) u^(n+1) / L
 *   P(X(n) = x) = C(n,x) A(n-x) u^n + sum_{i=x}^{n-1} C(i,x) A(i-x) theta u^i
 *   DERT(d) = N sum_{k>=0} u^k / (1+d)^(k+1) = N / (d + theta)
 * (the limits of bg_bb's formulas: B(g, d+k)/B(g,d) -> u^k, B(g+1, d+k)/B(g,d) -> theta u^k; docs/models.md).
 * Errors: alpha, beta not finite or <= 0; theta not finite or outside [0, 1); the row and argument errors
 * of crm::bg_bb's predictions.
 */
template <std::floating_point T = double>
struct beta_bernoulli {
  T alpha{};  ///< Beta(alpha, beta): transaction probability p of an active customer (> 0)
  T beta{};   ///< (> 0)
  T theta{};  ///< the drop-out probability before each opportunity, the same for everybody (0 <= theta < 1)

  [[nodiscard]] constexpr error_info check(const char* name) const noexcept {
    if (!detail::bb_finite(alpha)) return {errc::not_finite, name, "alpha"};
    if (!(alpha > T(0))) return {errc::out_of_range, name, "alpha", "model parameters must be > 0"};
    if (!detail::bb_finite(beta)) return {errc::not_finite, name, "beta"};
    if (!(beta > T(0))) return {errc::out_of_range, name, "beta", "model parameters must be > 0"};
    if (!detail::bb_finite(theta)) return {errc::not_finite, name, "theta"};
    if (!(theta >= T(0) && theta < T(1))) return {errc::out_of_range, name, "theta", "a drop-out probability in [0, 1)"};
    return {};
  }
  [[nodiscard]] constexpr bool ok() const noexcept { return !check("beta_bernoulli"); }

  /// ln L of one customer (weight ignored); nats.
  [[nodiscard]] result<T> try_log_likelihood(const discrete_row<T>& c) const noexcept {
    constexpr const char* name = "beta_bernoulli.log_likelihood";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_discrete_row(c, name)) return e;
    return detail::bb_result(row_ll(c), name);
  }
  [[nodiscard]] T log_likelihood(const discrete_row<T>& c) const { return try_log_likelihood(c).value(); }

  /// P(active at opportunity n + ahead | x, t_x, n); 1 when theta = 0.
  [[nodiscard]] result<T> try_probability_alive(const discrete_row<T>& c, count_t ahead = 1) const noexcept {
    constexpr const char* name = "beta_bernoulli.probability_alive";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_discrete_row(c, name)) return e;
    if (ahead < 0) return error_info{errc::negative, name, "ahead"};
    const T n = static_cast<T>(c.periods + ahead);
    const result<T> v = detail::bb_result(std::exp(log_alive(c) + n * std::log1p(-theta) - row_ll(c)), name);
    if (!v) return v;
    return std::min(*v, T(1));
  }
  [[nodiscard]] T probability_alive(const discrete_row<T>& c, count_t ahead = 1) const { return try_probability_alive(c, ahead).value(); }

  /// E[X(n)] of a new customer; transactions. Errors: n negative, fractional, not finite or >= 1e15.
  [[nodiscard]] result<T> try_expected_purchases(T n) const noexcept {
    constexpr const char* name = "beta_bernoulli.expected_purchases";
    if (const error_info e = check(name)) return e;
    const result<count_t> k = detail::bb_whole_periods(n, name, "periods");
    if (!k) return k.error();
    return detail::bb_result(alpha / (alpha + beta) * geometric_sum(static_cast<T>(*k), T(1) - theta) * (T(1) - theta), name);
  }
  [[nodiscard]] T expected_purchases(T n) const { return try_expected_purchases(n).value(); }

  /// Expected transactions in the next n* opportunities of a customer with history (x, t_x, n).
  [[nodiscard]] result<T> try_conditional_expected_purchases(const discrete_row<T>& c, T future_periods) const noexcept {
    constexpr const char* name = "beta_bernoulli.conditional_expected_purchases";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_discrete_row(c, name)) return e;
    const result<count_t> k = detail::bb_whole_periods(future_periods, name, "future_periods");
    if (!k) return k.error();
    return detail::bb_result(std::exp(log_next(c)) * geometric_sum(static_cast<T>(*k), T(1) - theta), name);
  }
  [[nodiscard]] T conditional_expected_purchases(const discrete_row<T>& c, T future_periods) const {
    return try_conditional_expected_purchases(c, future_periods).value();
  }

  /// P(X(n) = x) of a new customer. Errors: x or n negative; x > n.
  [[nodiscard]] result<T> try_probability_of_purchases(count_t x, count_t n) const noexcept {
    constexpr const char* name = "beta_bernoulli.probability_of_purchases";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_purchases_in(x, n, name)) return e;
    using detail::bb_lbeta;
    const T tx = static_cast<T>(x), tn = static_cast<T>(n), lb = bb_lbeta(alpha, beta), lu = std::log1p(-theta);
    T v = std::exp(detail::log_choose(tn, tx) + bb_lbeta(alpha + tx, beta + tn - tx) - lb + tn * lu);
    if (theta > T(0))
      for (count_t i = x; i < n; ++i) {
        const T ti = static_cast<T>(i);
        v += std::exp(detail::log_choose(ti, tx) + bb_lbeta(alpha + tx, beta + ti - tx) - lb + std::log(theta) + ti * lu);
      }
    const result<T> r = detail::bb_result(v, name);
    if (!r) return r;
    return std::min(*r, T(1));
  }
  [[nodiscard]] T probability_of_purchases(count_t x, count_t n) const { return try_probability_of_purchases(x, n).value(); }

  /// DERT(d) = N / (d + theta) (see above); discounted transactions. Errors: discount_rate <= 0 or not finite.
  [[nodiscard]] result<T> try_discounted_expected_residual_transactions(const discrete_row<T>& c, T discount_rate) const noexcept {
    constexpr const char* name = "beta_bernoulli.discounted_expected_residual_transactions";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_discrete_row(c, name)) return e;
    if (const error_info e = detail::bb_check_discount(discount_rate, name)) return e;
    return detail::bb_result(std::exp(log_next(c)) / (discount_rate + theta), name);
  }
  [[nodiscard]] T discounted_expected_residual_transactions(const discrete_row<T>& c, T discount_rate) const {
    return try_discounted_expected_residual_transactions(c, discount_rate).value();
  }

  friend constexpr bool operator==(const beta_bernoulli&, const beta_bernoulli&) = default;

 private:
  [[nodiscard]] T row_ll(const discrete_row<T>& c) const noexcept {
    if (theta == T(0)) return log_alive(c);
    const T u = theta / (T(1) - theta);
    return detail::bb_nested_row_ll<T, true, detail::bb_dropout::point>(alpha, beta, u, T(0), c.frequency, c.recency, c.periods, nullptr);
  }
  // ln A(n-x)
  [[nodiscard]] T log_alive(const discrete_row<T>& c) const noexcept {
    const T x = static_cast<T>(c.frequency), n = static_cast<T>(c.periods);
    return detail::bb_lbeta(alpha + x, beta + n - x) - detail::bb_lbeta(alpha, beta);
  }
  // ln N = ln[(alpha+x)/(alpha+beta+n) A(n-x) u^(n+1) / L]
  [[nodiscard]] T log_next(const discrete_row<T>& c) const noexcept {
    const T x = static_cast<T>(c.frequency), n = static_cast<T>(c.periods);
    return std::log((alpha + x) / (alpha + beta + n)) + log_alive(c) + (n + T(1)) * std::log1p(-theta) - row_ll(c);
  }
  // sum_{k<K} u^k = (1 - u^K)/(1 - u), K at u = 1
  [[nodiscard]] T geometric_sum(T K, T u) const noexcept {
    if (theta == T(0)) return K;
    return -std::expm1(K * std::log(u)) / theta;
  }
};

/**
 * @brief The model to predict from when a BG/BB fit ended on a drop-out boundary (boundary_policy::report):
 * bb_no_dropout gives crm::beta_bernoulli{alpha = nested_r, beta = nested_alpha, theta = 0},
 * bb_homogeneous_dropout the same with theta = nested_dropout. Never throws.
 * Errors (errc::out_of_range on "boundary"): the fit ended at no boundary (its params are the estimates)
 * or on bb_homogeneous_purchase (its model is crm::beta_geometric_bernoulli: crm::try_nested_bg_bb_purchase_model);
 * the nested fit's error when it failed.
 */
template <std::floating_point T>
[[nodiscard]] result<beta_bernoulli<T>> try_nested_bg_bb_model(const fit_result<bg_bb<T>>& fit) noexcept {
  constexpr const char* name = "nested_bg_bb_model";
  const boundary_report& b = fit.boundary;
  if (b.where == fit_boundary::bb_homogeneous_purchase)
    return error_info{errc::out_of_range, name, "boundary",
                      "the fit ended on bb_homogeneous_purchase, whose model is crm::beta_geometric_bernoulli (crm::try_nested_bg_bb_purchase_model)"};
  if (b.where != fit_boundary::bb_no_dropout && b.where != fit_boundary::bb_homogeneous_dropout)
    return error_info{errc::out_of_range, name, "boundary", "the fit did not end on the boundary bb_no_dropout or bb_homogeneous_dropout"};
  if (!b.nested_fitted) return b.nested_error;
  const beta_bernoulli<T> m{static_cast<T>(b.nested_r), static_cast<T>(b.nested_alpha),
                            b.where == fit_boundary::bb_no_dropout ? T(0) : static_cast<T>(b.nested_dropout)};
  if (const error_info e = m.check(name)) return e;
  return m;
}

/**
 * @brief The model nested in BG/BB at its purchase boundary bb_homogeneous_purchase (alpha, beta -> infinity
 * with alpha/(alpha+beta) -> p): every active customer transacts with the same probability p at each
 * opportunity, the drop-out probabilities theta ~ Beta(gamma, delta) as in BG/BB: the beta-geometric
 * drop-out with Bernoulli purchases, BG/BB with the Beta taken off the Bernoulli (hence the name, after
 * "beta-geometric/beta-Bernoulli"). gamma = 0 means nobody drops out: the binomial, X(n) ~ Binomial(n, p)
 * (delta then plays no part). With S(k) = B(gamma, delta+k)/B(gamma,delta) = prod_{j<k} (delta+j)/(gamma+delta+j)
 * (1 at gamma = 0) and D(k) = B(gamma+1, delta+k)/B(gamma,delta) = gamma/(gamma+delta+k) S(k), the limits of
 * bg_bb's formulas under B(alpha+x, beta+j)/B(alpha,beta) -> p^x (1-p)^j (docs/models.md):
 *   L = p^x (1-p)^(n-x) S(n) + sum_{i=0}^{n-t_x-1} p^x (1-p)^(t_x-x+i) D(t_x+i)
 *   P(alive at n+k) = p^x (1-p)^(n-x) S(n+k) / L
 *   E[X(n)] = p sum_{t=1}^n S(t)                                   (n p at gamma = 0)
 *   E[X(n, n+n*) | x, t_x, n] = p^(x+1) (1-p)^(n-x) / L sum_{t=n+1}^{n+n*} S(t)
 *   P(X(n) = x) = C(n,x) p^x (1-p)^(n-x) S(n) + sum_{i=x}^{n-1} C(i,x) p^x (1-p)^(i-x) D(i)
 *   DERT(d) = p^(x+1) (1-p)^(n-x) S(n+1) / L / (1+d) 2F1(1, delta+n+1; gamma+delta+n+1; 1/(1+d))   (p/d at gamma = 0)
 * Errors: p not finite or outside (0, 1); gamma not finite or < 0; delta not finite or <= 0; the row and
 * argument errors of crm::bg_bb's predictions (and its refusal of more than 1e6 periods with gamma within
 * 1e-3 of 1).
 */
template <std::floating_point T = double>
struct beta_geometric_bernoulli {
  T p{};      ///< the transaction probability of an active customer at each opportunity, the same for everybody (0 < p < 1)
  T gamma{};  ///< Beta(gamma, delta): drop-out probability theta before each opportunity (>= 0; 0: nobody drops out)
  T delta{};  ///< (> 0)

  [[nodiscard]] constexpr error_info check(const char* name) const noexcept {
    if (!detail::bb_finite(p)) return {errc::not_finite, name, "p"};
    if (!(p > T(0) && p < T(1))) return {errc::out_of_range, name, "p", "a transaction probability in (0, 1)"};
    if (!detail::bb_finite(gamma)) return {errc::not_finite, name, "gamma"};
    if (!(gamma >= T(0))) return {errc::out_of_range, name, "gamma", "must be >= 0 (0: nobody drops out)"};
    if (!detail::bb_finite(delta)) return {errc::not_finite, name, "delta"};
    if (!(delta > T(0))) return {errc::out_of_range, name, "delta", "model parameters must be > 0"};
    return {};
  }
  [[nodiscard]] constexpr bool ok() const noexcept { return !check("beta_geometric_bernoulli"); }

  /// ln L of one customer (weight ignored); nats.
  [[nodiscard]] result<T> try_log_likelihood(const discrete_row<T>& c) const noexcept {
    constexpr const char* name = "beta_geometric_bernoulli.log_likelihood";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_discrete_row(c, name)) return e;
    return detail::bb_result(row_ll(c), name);
  }
  [[nodiscard]] T log_likelihood(const discrete_row<T>& c) const { return try_log_likelihood(c).value(); }

  /// P(active at opportunity n + ahead | x, t_x, n); 1 when gamma = 0. Errors: ahead < 0.
  [[nodiscard]] result<T> try_probability_alive(const discrete_row<T>& c, count_t ahead = 1) const noexcept {
    constexpr const char* name = "beta_geometric_bernoulli.probability_alive";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_discrete_row(c, name)) return e;
    if (ahead < 0) return error_info{errc::negative, name, "ahead"};
    const result<T> v = detail::bb_result(std::exp(log_purchases(c.frequency, c.periods - c.frequency) + log_survival(c.periods + ahead) - row_ll(c)), name);
    if (!v) return v;
    return std::min(*v, T(1));
  }
  [[nodiscard]] T probability_alive(const discrete_row<T>& c, count_t ahead = 1) const { return try_probability_alive(c, ahead).value(); }

  /// E[X(n)] of a new customer; transactions. Errors: n negative, fractional, not finite or >= 1e15.
  [[nodiscard]] result<T> try_expected_purchases(T n) const noexcept {
    constexpr const char* name = "beta_geometric_bernoulli.expected_purchases";
    if (const error_info e = check(name)) return e;
    const result<count_t> k = detail::bb_whole_periods(n, name, "periods");
    if (!k) return k.error();
    if (gamma == T(0)) return detail::bb_result(static_cast<T>(*k) * p, name);
    if (const error_info e = detail::bb_check_long_sum(gamma, *k, name)) return e;
    return detail::bb_result(p * delta / (gamma + delta) * detail::bb_survival_sum(gamma, delta, T(1), *k), name);
  }
  [[nodiscard]] T expected_purchases(T n) const { return try_expected_purchases(n).value(); }

  /// Expected transactions in the next n* opportunities of a customer with history (x, t_x, n).
  [[nodiscard]] result<T> try_conditional_expected_purchases(const discrete_row<T>& c, T future_periods) const noexcept {
    constexpr const char* name = "beta_geometric_bernoulli.conditional_expected_purchases";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_discrete_row(c, name)) return e;
    const result<count_t> k = detail::bb_whole_periods(future_periods, name, "future_periods");
    if (!k) return k.error();
    if (gamma == T(0)) return detail::bb_result(static_cast<T>(*k) * p, name);
    if (const error_info e = detail::bb_check_long_sum(gamma, *k, name)) return e;
    return detail::bb_result(std::exp(log_next(c)) * detail::bb_survival_sum(gamma, delta, static_cast<T>(c.periods + 1), *k), name);
  }
  [[nodiscard]] T conditional_expected_purchases(const discrete_row<T>& c, T future_periods) const {
    return try_conditional_expected_purchases(c, future_periods).value();
  }

  /// P(X(n) = x) of a new customer (the binomial at gamma = 0). Errors: x or n negative; x > n.
  [[nodiscard]] result<T> try_probability_of_purchases(count_t x, count_t n) const noexcept {
    constexpr const char* name = "beta_geometric_bernoulli.probability_of_purchases";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_purchases_in(x, n, name)) return e;
    const T tx = static_cast<T>(x);
    T v = std::exp(detail::log_choose(static_cast<T>(n), tx) + log_purchases(x, n - x) + log_survival(n));
    if (gamma > T(0)) {
      T ls = log_survival(x);  // ln S(i)
      for (count_t i = x; i < n; ++i) {
        const T ti = static_cast<T>(i);
        v += std::exp(detail::log_choose(ti, tx) + log_purchases(x, i - x) + ls + std::log(gamma / (gamma + delta + ti)));
        ls += std::log((delta + ti) / (gamma + delta + ti));
      }
    }
    const result<T> r = detail::bb_result(v, name);
    if (!r) return r;
    return std::min(*r, T(1));
  }
  [[nodiscard]] T probability_of_purchases(count_t x, count_t n) const { return try_probability_of_purchases(x, n).value(); }

  /// DERT(d) (see above); discounted transactions. Errors: discount_rate <= 0 or not finite; the series
  /// needing more than 1e8 terms (not_converged, "discount_rate").
  [[nodiscard]] result<T> try_discounted_expected_residual_transactions(const discrete_row<T>& c, T discount_rate) const noexcept {
    constexpr const char* name = "beta_geometric_bernoulli.discounted_expected_residual_transactions";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_discrete_row(c, name)) return e;
    if (const error_info e = detail::bb_check_discount(discount_rate, name)) return e;
    if (gamma == T(0)) return detail::bb_result(p / discount_rate, name);
    const T z = T(1) / (T(1) + discount_rate);
    const result<T> sum = detail::bb_dert_series(gamma, delta, static_cast<T>(c.periods + 1), z, name);
    if (!sum) return sum;
    return detail::bb_result(std::exp(log_next(c)) * z * *sum, name);
  }
  [[nodiscard]] T discounted_expected_residual_transactions(const discrete_row<T>& c, T discount_rate) const {
    return try_discounted_expected_residual_transactions(c, discount_rate).value();
  }

  friend constexpr bool operator==(const beta_geometric_bernoulli&, const beta_geometric_bernoulli&) = default;

 private:
  // ln [p^x (1-p)^j]
  [[nodiscard]] T log_purchases(count_t x, count_t j) const noexcept {
    return static_cast<T>(x) * std::log(p) + static_cast<T>(j) * std::log1p(-p);
  }
  // ln S(k) (0 at gamma = 0)
  [[nodiscard]] T log_survival(count_t k) const noexcept {
    if (gamma == T(0)) return T(0);
    return detail::bb_log_beta_ratio(gamma, delta, 0, k, detail::bb_lbeta(gamma, delta));
  }
  [[nodiscard]] T row_ll(const discrete_row<T>& c) const noexcept {
    if (gamma == T(0)) return log_purchases(c.frequency, c.periods - c.frequency);
    // the terms p^x (1-p)^j S or D, summed in log space (detail::bb_nested_row_ll with p through its odds)
    return detail::bb_nested_row_ll<T, false, detail::bb_dropout::beta>(p / (T(1) - p), T(0), gamma, delta, c.frequency, c.recency,
                                                                          c.periods, nullptr);
  }
  // ln [p^(x+1) (1-p)^(n-x) S(n+1) / L]: the probability of a transaction at opportunity n+1 given the history
  [[nodiscard]] T log_next(const discrete_row<T>& c) const noexcept {
    const T n = static_cast<T>(c.periods);
    return log_purchases(c.frequency + 1, c.periods - c.frequency) + log_survival(c.periods) + std::log((delta + n) / (gamma + delta + n)) -
           row_ll(c);
  }
};

/**
 * @brief The model to predict from when a BG/BB fit ended on its purchase boundary (boundary_policy::report):
 * bb_homogeneous_purchase gives crm::beta_geometric_bernoulli{p = nested_purchase, gamma = nested_r,
 * delta = nested_alpha}; the corner bb_binomial {p = nested_purchase, gamma = 0, delta = 1} (the binomial:
 * nobody drops out, delta plays no part). (A function of its own, not crm::try_nested_bg_bb_model, whose callers hold a
 * crm::beta_bernoulli.) Never throws.
 * Errors (errc::out_of_range on "boundary"): the fit ended on no such boundary; the nested fit's error when it failed.
 */
template <std::floating_point T>
[[nodiscard]] result<beta_geometric_bernoulli<T>> try_nested_bg_bb_purchase_model(const fit_result<bg_bb<T>>& fit) noexcept {
  constexpr const char* name = "nested_bg_bb_purchase_model";
  const boundary_report& b = fit.boundary;
  if (b.where != fit_boundary::bb_homogeneous_purchase && b.where != fit_boundary::bb_binomial)
    return error_info{errc::out_of_range, name, "boundary", "the fit did not end on the boundary bb_homogeneous_purchase or bb_binomial"};
  if (!b.nested_fitted) return b.nested_error;
  const bool binomial = b.where == fit_boundary::bb_binomial;
  const beta_geometric_bernoulli<T> m{static_cast<T>(b.nested_purchase), binomial ? T(0) : static_cast<T>(b.nested_r),
                                      binomial ? T(1) : static_cast<T>(b.nested_alpha)};
  if (const error_info e = m.check(name)) return e;
  return m;
}

/// How many customers to draw with how many opportunities each, and the seed.
struct discrete_generate_options {
  count_t customers = 1000;  ///< number of customers (> 0)
  count_t periods = 6;       ///< transaction opportunities n after the first transaction (>= 0)
  std::uint64_t seed = 42;   ///< std::mt19937_64 seed
};

/**
 * @brief Draws customers from the BG/BB model, simulating every opportunity: per customer
 * p ~ Beta(alpha, beta) and theta ~ Beta(gamma, delta); at each opportunity t = 1..n an active
 * customer first becomes inactive with probability theta, and otherwise transacts with
 * probability p. Returns (x, t_x, n) rows of weight 1 (crm::compress them before fitting).
 * Deterministic for a seed (std::mt19937_64 and the portable samplers of crm/models/generate.hpp).
 * Errors: invalid parameters; customers <= 0; periods < 0.
 */
template <std::floating_point T>
[[nodiscard]] result<std::vector<discrete_row<T>>> try_generate(const bg_bb<T>& model,
                                                                      const discrete_generate_options& options) {
  constexpr const char* name = "generate(bg_bb)";
  if (const error_info e = model.check(name)) return e;
  if (options.customers <= 0) return error_info{errc::out_of_range, name, "customers", "must be > 0"};
  if (options.periods < 0) return error_info{errc::negative, name, "periods"};
  std::mt19937_64 g(options.seed);
  const double a = static_cast<double>(model.alpha), b = static_cast<double>(model.beta);
  const double c = static_cast<double>(model.gamma), d = static_cast<double>(model.delta);
  std::vector<discrete_row<T>> rows;
  if (auto e = detail::reserve_rows(rows, options.customers, name)) return e;
  for (count_t i = 0; i < options.customers; ++i) {
    const double p = detail::draw_beta(g, a, b), theta = detail::draw_beta(g, c, d);
    discrete_row<T> row{0, 0, options.periods, T(1)};
    for (count_t t = 1; t <= options.periods; ++t) {
      if (detail::uniform01(g) < theta) break;  // inactive from opportunity t on
      if (detail::uniform01(g) < p) ++row.frequency, row.recency = t;
    }
    rows.push_back(row);
  }
  return rows;
}
/// Throwing form of try_generate (crm::metric_error).
template <std::floating_point T>
[[nodiscard]] std::vector<discrete_row<T>> generate(const bg_bb<T>& model, const discrete_generate_options& options) {
  return try_generate(model, options).value();
}

CRM_METRICS_END_NAMESPACE

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
  const T l_alive = bb_lbeta(a + x, b + n - x) - lb_ab + bb_lbeta(g, d + n) - lb_gd;
  if (log_alive != nullptr) *log_alive = l_alive;
  const count_t m = n_ - tx_;  // number of "dropped out" terms
  // log-sum-exp over the terms, first pass for the maximum
  T l_i = bb_lbeta(a + x, b + tx - x) - lb_ab + bb_lbeta(g + T(1), d + tx) - lb_gd;
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
    const result<count_t> k = whole(n, name, "periods");
    if (!k) return k.error();
    // S_1 = B(g, d+1)/B(g, d) = d / (g + d); S_{t+1} / S_t = (d + t) / (g + d + t).
    if (*k > 1'000'000 && !(std::abs(gamma - T(1)) >= T(1e-3)))
      return error_info{errc::out_of_range, name, "gamma", "within 1e-3 of 1, where more than 1e6 periods cannot be summed accurately"};
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
    const result<count_t> k = whole(future_periods, name, "future_periods");
    if (!k) return k.error();
    if (*k > 1'000'000 && !(std::abs(gamma - T(1)) >= T(1e-3)))
      return error_info{errc::out_of_range, name, "gamma", "within 1e-3 of 1, where more than 1e6 periods cannot be summed accurately"};
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
    if (x < 0) return error_info{errc::negative, name, "purchases"};
    if (n < 0) return error_info{errc::negative, name, "periods"};
    if (x > n) return error_info{errc::part_exceeds_whole, name, "purchases", "must not exceed periods"};
    using detail::bb_lbeta;
    using detail::quiet_lgamma;
    const T tx = static_cast<T>(x), tn = static_cast<T>(n);
    const T lb_ab = bb_lbeta(alpha, beta), lb_gd = bb_lbeta(gamma, delta);
    const auto lchoose = [](T top, T k) { return quiet_lgamma(top + T(1)) - quiet_lgamma(k + T(1)) - quiet_lgamma(top - k + T(1)); };
    T v = std::exp(lchoose(tn, tx) + bb_lbeta(alpha + tx, beta + tn - tx) - lb_ab + bb_lbeta(gamma, delta + tn) - lb_gd);
    for (count_t i = x; i < n; ++i) {
      const T ti = static_cast<T>(i);
      v += std::exp(lchoose(ti, tx) + bb_lbeta(alpha + tx, beta + ti - tx) - lb_ab + bb_lbeta(gamma + T(1), delta + ti) - lb_gd);
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
    if (!detail::bb_finite(discount_rate)) return error_info{errc::not_finite, name, "discount_rate"};
    if (!(discount_rate > T(0))) return error_info{errc::out_of_range, name, "discount_rate", "must be > 0"};
    const T z = T(1) / (T(1) + discount_rate);
    const T s = static_cast<T>(c.periods + 1);
    T term = 1, sum = 0;
    for (long long k = 0;; ++k) {
      sum += term;
      if (term * z / (T(1) - z) <= std::numeric_limits<T>::epsilon() / T(2) * sum) break;
      if (k > 100'000'000) return error_info{errc::not_converged, name, "discount_rate", "the series needs more than 1e8 terms"};
      const T j = static_cast<T>(k);
      term *= z * (delta + s + j) / (gamma + delta + s + j);
    }
    const T v = std::exp(log_next_transaction(c)) * z * sum;
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
  [[nodiscard]] static constexpr result<count_t> whole(T v, const char* name, const char* field) noexcept {
    if (!detail::bb_finite(v)) return error_info{errc::not_finite, name, field};
    if (v < T(0)) return error_info{errc::negative, name, field};
    if (!(v < T(1e15))) return error_info{errc::out_of_range, name, field, "more than 1e15 opportunities"};
    const count_t k = static_cast<count_t>(v);
    if (static_cast<T>(k) != v) return error_info{errc::malformed, name, field, "must be a whole number of opportunities"};
    return k;
  }
};

/**
 * @brief Maximum-likelihood fit of the BG/BB model to (frequency, recency, periods, weight) rows.
 * Maximises sum_i w_i ln L_i (see bg_bb::log_likelihood) over (alpha, beta, gamma, delta) with
 * analytic gradients, the optional L2 penalty of crm::fit_options, and standard errors from the
 * inverse Hessian of -ln L. Fader, Hardie & Shang (2010) report alpha = 1.204, beta = 0.750,
 * gamma = 0.657, delta = 2.783 on the weighted donations data. Deterministic (start at all ones).
 * Compress identical rows first (crm::compress) for speed; the result is the same.
 * Errors: an invalid row (crm::validate); nobody with a repeat transaction, or nobody without
 * one, or no opportunity at all (`errc::not_identifiable`); invalid options;
 * `errc::not_converged`; `errc::not_identifiable` when the Hessian is not positive definite.
 */
template <std::floating_point T>
[[nodiscard]] result<fit_result<bg_bb<T>>> try_fit_bg_bb(std::span<const discrete_row<T>> rows,
                                                        const fit_options& options = {}) {
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
  const result<detail::positive_fit<4>> f = detail::fit_positive<4>(nll, {1.0, 1.0, 1.0, 1.0}, customers, options, name);
  if (!f) return f.error();
  fit_result<bg_bb<T>> out;
  out.params = {static_cast<T>(f->theta[0]), static_cast<T>(f->theta[1]), static_cast<T>(f->theta[2]),
                static_cast<T>(f->theta[3])};
  out.standard_errors = {static_cast<T>(f->standard_errors[0]), static_cast<T>(f->standard_errors[1]),
                         static_cast<T>(f->standard_errors[2]), static_cast<T>(f->standard_errors[3])};
  out.covariance = detail::to_parameter_covariance<4>(f->covariance);
  out.log_likelihood = f->log_likelihood;
  out.customers = f->customers;
  out.report = f->report;
  return out;
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

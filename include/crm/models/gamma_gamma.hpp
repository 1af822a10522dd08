// crm-metrics: the Gamma-Gamma spend model: expected average spend per transaction, fit, generator.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base analysis",
// Journal of Marketing Research 42(4), 415-430, section "Adding monetary value"; and Fader & Hardie
// (2013), "The Gamma-Gamma model of monetary value" (note). The value z of each transaction of a
// customer is Gamma(p, nu); nu varies across customers as Gamma(q, gamma). The model is independent
// of the transaction model: combine it with BG/NBD, Pareto/NBD or BG/BB for a lifetime value
// (crm/models/clv.hpp).
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
#include <boost/math/special_functions/log1p.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

/// One customer (or `weight` identical customers) of the spend model.
template <std::floating_point T = double>
struct spend_row {
  T frequency{};      ///< x: number of transactions whose values are averaged (integer-valued)
  T average_spend{};  ///< zbar: mean value of those x transactions (money per transaction)
  T weight{1};        ///< number of identical customers this row stands for (> 0)
  friend constexpr bool operator==(const spend_row&, const spend_row&) = default;
};

namespace detail {
template <class T>
[[nodiscard]] constexpr bool spend_finite(T v) noexcept {
  return v == v && v <= std::numeric_limits<T>::max() && v >= std::numeric_limits<T>::lowest();
}
template <class T>
[[nodiscard]] constexpr error_info check_spend_row(const spend_row<T>& c, const char* model) noexcept {
  if (!spend_finite(c.frequency)) return {errc::not_finite, model, "frequency"};
  if (!spend_finite(c.average_spend)) return {errc::not_finite, model, "average_spend"};
  if (!spend_finite(c.weight)) return {errc::not_finite, model, "weight"};
  if (c.frequency < T(0)) return {errc::negative, model, "frequency"};
  if (c.frequency < T(1e18) && c.frequency != static_cast<T>(static_cast<long long>(c.frequency)))
    return {errc::malformed, model, "frequency", "must be a whole number of transactions"};
  if (c.frequency == T(0))
    return {errc::out_of_range, model, "frequency",
            "must be >= 1: the spend model needs the value of at least one transaction; "
            "select the repeat customers first (crm::repeat_customers)"};
  if (c.average_spend < T(0)) return {errc::negative, model, "average_spend"};
  if (c.average_spend == T(0)) return {errc::out_of_range, model, "average_spend", "must be > 0 (Gamma-distributed values)"};
  if (c.weight < T(0)) return {errc::negative, model, "weight"};
  if (c.weight == T(0)) return {errc::zero_denominator, model, "weight"};
  return {};
}
}  // namespace detail

/**
 * @brief The first invalid row of spend data, as an error naming `model` and the field.
 * Rules: all fields finite; frequency a whole number >= 1; average_spend > 0; weight > 0. An empty
 * span is `errc::empty_input`. `row` (optional) receives the 0-based index of the row.
 */
template <std::floating_point T>
[[nodiscard]] constexpr error_info validate(std::span<const spend_row<T>> rows, const char* model,
                                            std::size_t* row = nullptr) noexcept {
  return detail::first_invalid_row(rows, model, row,
                                   [](const spend_row<T>& c, const char* m) { return detail::check_spend_row(c, m); });
}

/// The rows with frequency > 0: the customers whose spend the model can learn from (Fader, Hardie
/// & Lee 2005 fit it on the 946 CDNOW customers with at least one repeat purchase). Explicit, so
/// that no row is ever dropped behind the caller's back. Allocates the result.
template <std::floating_point T>
[[nodiscard]] std::vector<spend_row<T>> repeat_customers(std::span<const spend_row<T>> rows) {
  std::vector<spend_row<T>> out;
  for (const spend_row<T>& c : rows)
    if (c.frequency > T(0)) out.push_back(c);
  return out;
}
template <std::floating_point T>
[[nodiscard]] std::vector<spend_row<T>> repeat_customers(const std::vector<spend_row<T>>& rows) {
  return repeat_customers(std::span<const spend_row<T>>(rows));
}

/// What read_spend_csv does with a repeat customer (frequency > 0) whose average spend is exactly 0
/// (in exported summaries typically refunds that cancelled the purchases' value).
enum class zero_spend_rows {
  refuse,  ///< crm::data_error naming the line (the default: the model needs spend > 0)
  skip,    ///< leave the row out and count it in spend_csv_data::skipped_zero_spend
};

/// Columns and the zero-spend policy of read_spend_csv. The names are owned strings, as in the
/// aggregation layer's column structs: options built from a temporary (`.weight_col = name()`) and
/// read later keep their names (views of the temporary read freed memory).
struct spend_csv_options {
  std::string frequency_col = "x";         ///< number of transactions
  std::string average_spend_col = "zbar";  ///< their mean value
  std::string weight_col{};                ///< empty: weight 1
  zero_spend_rows zero_spend = zero_spend_rows::refuse;
};

/// The rows read, and what was left out on request (never silently).
template <std::floating_point T = double>
struct spend_csv_data {
  std::vector<spend_row<T>> rows;
  count_t skipped_zero_spend = 0;             ///< repeat-customer rows with average spend 0 left out
  T skipped_zero_spend_weight{0};             ///< their total weight (customers they stood for)
  std::vector<long long> skipped_lines;       ///< their 1-based line numbers in the file
};

/**
 * @brief Reads (frequency, average spend[, weight]) rows from a CSV file with a header line.
 * Columns are found by name (defaults: the published CDNOW file `x`, `zbar`); an empty weight
 * column means weight 1. Rows with frequency 0 are kept (their average_spend must then be 0): pass
 * the rows through crm::repeat_customers before fitting. A repeat customer with average spend
 * exactly 0 is refused unless `options.zero_spend` is `zero_spend_rows::skip`: then the row is left
 * out and counted, with its weight and line, in the result. Any malformed row, negative or
 * non-finite value, fractional frequency, or (refused) zero spend raises
 * crm::data_error(file, line, column, field, reason). `format`: the delimiter and decimal separator
 * (crm::model_csv_format), e.g. `{.delimiter = ';', .decimal_comma = true}` for zbar written 10,50.
 *
 * **Example**
 *     auto data = crm::read_spend_csv(file, {.zero_spend = crm::zero_spend_rows::skip});
 *     // data.rows, and data.skipped_zero_spend customers left out (data.skipped_lines)
 */
template <std::floating_point T = double>
[[nodiscard]] spend_csv_data<T> read_spend_csv(const std::filesystem::path& file, const spend_csv_options& options,
                                               const model_csv_format& format = {}) {
  detail::csv_reader in(file, format);
  const std::size_t fx = in.column(options.frequency_col);
  const std::size_t fz = in.column(options.average_spend_col);
  const bool weighted = !options.weight_col.empty();
  const std::size_t fw = weighted ? in.column(options.weight_col) : 0;
  spend_csv_data<T> out;
  while (in.next()) {
    spend_row<T> c;
    c.frequency = in.number<T>(fx, options.frequency_col);
    c.average_spend = in.number<T>(fz, options.average_spend_col);
    if (weighted) c.weight = in.number<T>(fw, options.weight_col);
    if (c.frequency == T(0)) {
      if (c.average_spend != T(0))
        in.fail(in.line(), std::string(options.average_spend_col), "must be 0 when " + std::string(options.frequency_col) + " is 0");
      if (!detail::spend_finite(c.weight) || !(c.weight > T(0)))
        in.fail(in.line(), std::string(options.weight_col), "must be a finite number > 0");
    } else if (const error_info e = detail::check_spend_row(c, "read_spend_csv")) {
      const std::string_view f = e.field;
      const bool zero_spend = f == "average_spend" && e.code == errc::out_of_range;  // finite x > 0, zbar == 0
      if (zero_spend && options.zero_spend == zero_spend_rows::skip) {
        if (!detail::spend_finite(c.weight) || !(c.weight > T(0)))
          in.fail(in.line(), std::string(options.weight_col), "must be a finite number > 0");
        ++out.skipped_zero_spend;
        out.skipped_zero_spend_weight += c.weight;
        out.skipped_lines.push_back(in.line());
        continue;
      }
      const std::string_view col = f == "frequency" ? options.frequency_col : f == "average_spend" ? options.average_spend_col : options.weight_col;
      std::string what = describe(e.code);
      if (e.detail != nullptr && *e.detail != '\0') what = what + " (" + e.detail + ")";
      if (zero_spend) what += "; to leave such rows out and count them, read with zero_spend_rows::skip";
      in.fail(in.line(), std::string(col), what);
    }
    out.rows.push_back(c);
  }
  return out;
}
/// read_spend_csv with these columns, refusing zero spend: the rows only.
template <std::floating_point T = double>
[[nodiscard]] std::vector<spend_row<T>> read_spend_csv(const std::filesystem::path& file,
                                                       std::string_view frequency_col = "x",
                                                       std::string_view average_spend_col = "zbar",
                                                       std::string_view weight_col = "",
                                                       const model_csv_format& format = {}) {
  return read_spend_csv<T>(file, spend_csv_options{std::string(frequency_col), std::string(average_spend_col),
                                                   std::string(weight_col), zero_spend_rows::refuse},
                           format)
      .rows;
}

namespace detail {
/// Where the Gamma-Gamma likelihood's terms in a = p x switch from Boost's lgamma and digamma to
/// Stirling's series (the first omitted term of detail::stirling_remainder_b16 below 1e-26 there).
inline constexpr double gg_stirling_min = 32.0;
/// R(t) = ln t - 1/(2t) - digamma(t) by its series sum B_2k / (2k t^2k), k = 1..8 (A&S 6.3.18),
/// t >= gg_stirling_min.
template <class T>
[[nodiscard]] T gg_digamma_remainder(T t) noexcept {
  constexpr long double num[8] = {1.0L, -1.0L, 1.0L, -1.0L, 1.0L, -691.0L, 1.0L, -3617.0L};
  constexpr long double den[8] = {12.0L, 120.0L, 252.0L, 240.0L, 132.0L, 32760.0L, 12.0L, 8160.0L};
  const T inv2 = T(1) / (t * t);
  T power = inv2, sum = T(0);
  for (int k = 0; k < 8; ++k, power *= inv2) sum += static_cast<T>(num[k] / den[k]) * power;
  return sum;
}
/// The part of one customer's Gamma-Gamma log-likelihood that depends on a = p x and q,
/// D(a, q) = ln G(a+q) - ln G(a) - q ln a (-> q(q-1)/(2a) as a -> infinity), and its derivatives
/// D_a = digamma(a+q) - digamma(a) - q/a, D_q = digamma(a+q) - ln a. For a >= gg_stirling_min from
/// Stirling's series, so that nothing of the size of ln G(a) cancels (lgamma(a+q) - lgamma(a) at
/// a = 1e7 loses 1e-9 nats a customer, the digammas' difference times a, the gradient in ln p, 1e-9):
///   D = (a+q-1/2) log1pmx(q/a) + q(q-1/2)/a + S(a+q) - S(a)    (q < a/2; else (a+q-1/2) log1p(q/a) - q + ...)
///   D_a = log1pmx(q/a) + q/(2a(a+q)) - R(a+q) + R(a),   D_q = log1p(q/a) - 1/(2(a+q)) - R(a+q).
template <class T>
struct gg_shape_terms {
  T d, d_a, d_q;
};
template <class T>
[[nodiscard]] gg_shape_terms<T> gg_shape(T a, T q, bool derivatives) {
  gg_shape_terms<T> r{};
  if (a < T(gg_stirling_min)) {
    r.d = quiet_lgamma(a + q) - quiet_lgamma(a) - q * std::log(a);
    if (derivatives) {
      const T da = quiet_digamma(a + q);
      r.d_a = da - quiet_digamma(a) - q / a;
      r.d_q = da - std::log(a);
    }
    return r;
  }
  const T ratio = q / a;
  const T l1 = std::log1p(ratio);
  const T lm = ratio < T(0.5) ? T(boost::math::log1pmx(ratio, quiet_math_policy())) : l1 - ratio;
  const T s = stirling_remainder_b16(a + q) - stirling_remainder_b16(a);
  r.d = (ratio < T(0.5) ? (a + q - T(0.5)) * lm + q * (q - T(0.5)) / a : (a + q - T(0.5)) * l1 - q) + s;
  if (derivatives) {
    const T ra = gg_digamma_remainder(a), raq = gg_digamma_remainder(a + q);
    r.d_a = lm + q / (T(2) * a * (a + q)) - raq + ra;
    r.d_q = l1 - T(1) / (T(2) * (a + q)) - raq;
  }
  return r;
}

/// Whether one row's (or a data set's, a = p times the largest x) log-likelihood is taken in the form for
/// large q: q >= gg_stirling_min and q > a. The usual form's terms of the size of q ln q cancel (300 rows
/// lost 3.4e-3 nats at q = 1e10, and the fits that ran to q -> infinity failed their line search); below
/// 32 they are at most 110 nats and the usual form is kept.
template <class T>
[[nodiscard]] bool gg_uses_large_q_form(T a, T q) noexcept {
  return q >= T(gg_stirling_min) && q > a;
}

/// The history a spend prediction is conditioned on: x = 0 with zbar = 0, or a valid spend row
/// (check_spend_row); errors name `name`.
template <class T>
[[nodiscard]] constexpr error_info check_spend_history(T frequency, T average_spend, const char* name) noexcept {
  if (frequency == T(0)) {
    if (!spend_finite(average_spend)) return {errc::not_finite, name, "average_spend"};
    if (average_spend != T(0)) return {errc::malformed, name, "average_spend", "must be 0 when frequency is 0"};
    return {};
  }
  return check_spend_row(spend_row<T>{frequency, average_spend, T(1)}, name);
}

}  // namespace detail

/**
 * @brief The Gamma-Gamma spend model with shape p of the transaction values and a Gamma(q, gamma)
 * distribution of their rate across customers.
 * Source: Fader, Hardie & Lee (2005) JMR 42(4), section "Adding monetary value"; Fader & Hardie (2013) note.
 * On CDNOW they report p = 6.25, q = 3.74, gamma = 15.44.
 *
 * **Example**
 *     crm::gamma_gamma<> m{.p = 6.25, .q = 3.74, .gamma = 15.44};
 *     m.conditional_expected_average_spend(2, 22.35);  // 24.66 dollars per future transaction
 */
template <std::floating_point T = double>
struct gamma_gamma {
  T p{};      ///< shape of the Gamma distribution of one transaction's value (> 0)
  T q{};      ///< shape of the Gamma distribution of the value rate nu across customers (> 0)
  T gamma{};  ///< scale of that distribution (money, > 0)

  /// All parameters finite and > 0.
  [[nodiscard]] constexpr bool ok() const noexcept { return !check("gamma_gamma"); }

  /**
   * @brief Log density of one customer's average spend zbar given x transactions:
   * ln f(zbar | x) = ln G(px+q) - ln G(px) - ln G(q) + q ln gamma + (px-1) ln zbar + px ln x
   *                  - (px+q) ln(gamma + x zbar).
   * Unweighted (the row's weight is ignored). Source: Fader & Hardie (2013) note, the marginal
   * density of zbar; the likelihood Fader, Hardie & Lee (2005) maximize.
   * Errors: invalid parameters; an invalid row (see crm::validate); a non-finite result.
   */
  [[nodiscard]] result<T> try_log_likelihood(const spend_row<T>& c) const noexcept {
    if (const error_info e = check("gamma_gamma.log_likelihood")) return e;
    if (const error_info e = detail::check_spend_row(c, "gamma_gamma.log_likelihood")) return e;
    // FHL's form rearranged as the fit's (detail::gamma_gamma_objective): nothing of the size of
    // p x ln zbar cancels (at p = 1e9 that form lost 1e-6 nats a row).
    // For q >= 32 and q > p x the form for large q (gamma_gamma_objective::large_q): the first one's terms
    // of the size of q ln q cancel (300 rows lost 3.4e-3 nats at q = 1e10).
    const T px = p * c.frequency, s = c.frequency * c.average_spend;
    const T ll = detail::gg_uses_large_q_form(px, q)
                     ? detail::gg_shape(q, px, false).d + px * (std::log(q) - std::log(gamma) + std::log(s)) - detail::quiet_lgamma(px) -
                           std::log(c.average_spend) - (px + q) * std::log1p(s / gamma)
                     : detail::gg_shape(px, q, false).d - detail::quiet_lgamma(q) + q * (std::log(p) + std::log(gamma)) -
                           (q + T(1)) * std::log(c.average_spend) - (px + q) * std::log1p(gamma / s);
    if (!detail::spend_finite(ll)) return error_info{errc::not_finite, "gamma_gamma.log_likelihood", "result"};
    return ll;
  }
  /// Throwing form of try_log_likelihood (crm::metric_error).
  [[nodiscard]] T log_likelihood(const spend_row<T>& c) const { return try_log_likelihood(c).value(); }

  /**
   * @brief Mean value of a transaction across all customers: E[Z] = p gamma / (q - 1) (money).
   * Source: Fader & Hardie (2013) note; Fader, Hardie & Lee (2005).
   * Errors: invalid parameters; q <= 1 (the mean is infinite), `errc::out_of_range` on field "q".
   */
  [[nodiscard]] constexpr result<T> try_expected_average_spend() const noexcept {
    if (const error_info e = check("gamma_gamma.expected_average_spend")) return e;
    if (!(q > T(1))) return error_info{errc::out_of_range, "gamma_gamma.expected_average_spend", "q", "the mean spend is infinite unless q > 1"};
    return p * gamma / (q - T(1));
  }
  /// Throwing form of try_expected_average_spend (crm::metric_error).
  [[nodiscard]] constexpr T expected_average_spend() const { return try_expected_average_spend().value(); }

  /**
   * @brief Expected value of a future transaction of a customer whose x past transactions averaged
   * zbar: E[Z | x, zbar] = p (gamma + x zbar) / (p x + q - 1) (money), a weighted average of the
   * population mean p gamma / (q - 1) and zbar with weight p x / (p x + q - 1) on zbar.
   * x = 0 gives the population mean (zbar must then be 0).
   * Source: Fader, Hardie & Lee (2005) JMR 42(4); Fader & Hardie (2013) note.
   * Errors: invalid parameters; x negative, fractional or not finite; zbar <= 0 when x > 0, or
   * != 0 when x = 0; p x + q <= 1 (infinite expectation), `errc::out_of_range` on field "q".
   */
  [[nodiscard]] constexpr result<T> try_conditional_expected_average_spend(T frequency, T average_spend) const noexcept {
    constexpr const char* name = "gamma_gamma.conditional_expected_average_spend";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_spend_history(frequency, average_spend, name)) return e;
    const T px = p * frequency;
    if (!(px + q > T(1))) return error_info{errc::out_of_range, name, "q", "the expected spend is infinite unless p*frequency + q > 1"};
    // Weighted-average form: no overflow of gamma + x zbar for large x. One division, by the
    // common denominator (the batch form's speed is bound by division: docs/batch.md).
    const T r = T(1) / (px + q - T(1));
    const T w = px * r;
    const T population = p * gamma * r;
    const T v = population + w * average_spend;
    if (!detail::spend_finite(v)) return error_info{errc::not_finite, name, "result"};
    return v;
  }
  /// Throwing form of try_conditional_expected_average_spend (crm::metric_error).
  [[nodiscard]] constexpr T conditional_expected_average_spend(T frequency, T average_spend) const {
    return try_conditional_expected_average_spend(frequency, average_spend).value();
  }

  friend constexpr bool operator==(const gamma_gamma&, const gamma_gamma&) = default;

  /// The first parameter that is not finite and > 0, as an error naming `name` and the parameter.
  [[nodiscard]] constexpr error_info check(const char* name) const noexcept {
    const T* v[3] = {&p, &q, &gamma};
    const char* f[3] = {"p", "q", "gamma"};
    for (int i = 0; i < 3; ++i) {
      if (!detail::spend_finite(*v[i])) return {errc::not_finite, name, f[i]};
      if (!(*v[i] > T(0))) return {errc::out_of_range, name, f[i], "model parameters must be > 0"};
    }
    return {};
  }
};

namespace detail {
// The likelihood in the form a fit evaluates fast and without cancellation: with s = x zbar,
//   ln f(zbar | x) = D(px, q) - ln G(q) + q ln(p gamma) - (q+1) ln zbar - (px + q) log1p(gamma / s),
// FHL's form rearranged (its (px-1) ln zbar + px ln x - (px+q) ln(gamma + s) cancel to within the
// terms above), so that it stays accurate as p -> infinity with p gamma fixed, where the fit runs
// when the data show no spread of the transaction values within a customer (before 2026-12, the
// sums p sum x ln zbar - p sum x ln(gamma + s) of 1e9 nats at p = 1e6 cancelled to the last 1e-6
// nats and the line search failed there: 2 of 400 fits of 300 generated customers). Terms that depend
// only on x are computed once per distinct x, sums of ln zbar once per data set; one log1p and one
// division per row remain.
template <class T>
class gamma_gamma_objective {
 public:
  explicit gamma_gamma_objective(std::span<const spend_row<T>> rows) {
    std::vector<std::pair<T, T>> xw;  // (x, weight)
    xw.reserve(rows.size());
    x_.reserve(rows.size());
    s_.reserve(rows.size());
    w_.reserve(rows.size());
    for (const spend_row<T>& c : rows) {
      x_.push_back(c.frequency);
      s_.push_back(c.frequency * c.average_spend);
      w_.push_back(c.weight);
      sum_w_ += c.weight;
      sum_w_lz_ += c.weight * std::log(c.average_spend);
      sum_wx_ += c.weight * c.frequency;
      sum_wx_lz_ += c.weight * c.frequency * std::log(c.average_spend);
      max_x_ = std::max(max_x_, c.frequency);
      xw.emplace_back(c.frequency, c.weight);
    }
    std::sort(xw.begin(), xw.end());
    for (const auto& [x, w] : xw) {
      if (!gx_.empty() && gx_.back() == x)
        gw_.back() += w;
      else
        gx_.push_back(x), gw_.push_back(w);
    }
  }
  [[nodiscard]] T customers() const noexcept { return sum_w_; }

  /// The Hessian of ln L in (p, q, gamma), analytic. With a = p x, s = x zbar and pi = s/(gamma + s),
  /// FHL's density of zbar is a beta density in pi, ln f = -ln B(a, q) + a ln pi + q ln(1 - pi) - ln zbar, so
  ///   d2/dp2 = sum w x^2 (psi'(a+q) - psi'(a)), d2/dp dq = sum w x psi'(a+q), d2/dq2 = sum w (psi'(a+q) - psi'(q)),
  ///   d2/dp dgamma = -sum w x/(gamma+s), d2/dq dgamma = sum w s/(gamma (gamma+s)),
  ///   d2/dgamma2 = sum w (a/(gamma+s)^2 - q s (2 gamma + s)/(gamma^2 (gamma+s)^2)),
  /// every sum without cancellation (the trigamma differences by detail::trigamma_difference). Central
  /// differences of the gradient (the Hessian before 2026-12-07) lose the weak direction where the spends
  /// barely vary: at the maximum p ~ 1.4e7, q ~ 2.2e6 of tests/gamma_gamma_test.cpp's six customers the
  /// information in the log-parameters has eigenvalues 3.6e7, 1.9 and 0.0024, and differences of a
  /// gradient of that size came out not positive definite.
  [[nodiscard]] std::array<std::array<T, 3>, 3> hessian(T p, T q, T g) const {
    T pp = 0, pq = 0, qq = 0, pg = 0, qg = 0, gg = 0;
    for (std::size_t i = 0; i < gx_.size(); ++i) {
      const T a = p * gx_[i];
      pp += gw_[i] * gx_[i] * gx_[i] * trigamma_difference(a, q);
      pq += gw_[i] * gx_[i] * quiet_trigamma(a + q);
      qq += gw_[i] * trigamma_difference(q, a);
    }
    for (std::size_t i = 0; i < x_.size(); ++i) {
      const T gs = g + s_[i], r = T(1) / gs;
      pg -= w_[i] * x_[i] * r;
      qg += w_[i] * s_[i] * r / g;
      gg += w_[i] * r * r * (p * x_[i] - q * s_[i] * (T(2) * g + s_[i]) / (g * g));
    }
    return {{{pp, pq, pg}, {pq, qq, qg}, {pg, qg, gg}}};
  }

  /// Weighted log-likelihood at (p, q, gamma); `grad` receives d/dp, d/dq, d/dgamma. Where q >= 32 and
  /// q > p x for every x, in the form for large q (gg_uses_large_q_form).
  T operator()(T p, T q, T g, std::array<T, 3>* grad) const {
    if (gg_uses_large_q_form(p * max_x_, q)) return large_q(p, q, g, grad);
    const T lpg = std::log(p) + std::log(g);
    T ll = sum_w_ * (q * lpg - quiet_lgamma(q)) - (q + T(1)) * sum_w_lz_;
    T dp = sum_w_ * q / p, dq = sum_w_ * (lpg - quiet_digamma(q)) - sum_w_lz_, dg = sum_w_ * q / g;
    for (std::size_t i = 0; i < gx_.size(); ++i) {
      const gg_shape_terms<T> t = gg_shape(p * gx_[i], q, grad != nullptr);
      ll += gw_[i] * t.d;
      dp += gw_[i] * gx_[i] * t.d_a;
      dq += gw_[i] * t.d_q;
    }
    const auto [a, b, c, e] = row_sums(g, false, grad != nullptr);
    ll -= p * a + q * b;
    if (grad != nullptr) {
      (*grad)[0] = dp - a;
      (*grad)[1] = dq - b;
      (*grad)[2] = dg - (p * c + q * e);
    }
    return ll;
  }

 private:
  /// The form for large q (see gg_uses_large_q_form): with a = p x, s = x zbar, E = D(q, a) (gg_shape
  /// with the roles of its arguments swapped: ln G(q+a) - ln G(q) - a ln q, -> a(a-1)/(2q)),
  ///   ln f = E + a ln(q s / gamma) - ln G(a) - ln zbar - (a + q) log1p(s / gamma),
  /// in which nothing of the size of q ln q is formed (the form above cancels -ln G(q), q ln gamma and
  /// q log1p(gamma/s) of 1e6 nats a row at q = 1e5, 2e11 at q = 1e10); as q -> infinity with gamma/q = theta it tends to
  /// the Gamma(a, scale theta/x) density of zbar. Derivatives: d/da = E_a + ln(q s/gamma) - digamma(a)
  /// - log1p(s/gamma), E_a = digamma(q+a) - ln q; d/dq = E_q + a/q - log1p(s/gamma), E_q = digamma(q+a) -
  /// digamma(q) - a/q; d/dgamma = (-a + (a+q) s/(gamma + s)) / gamma.
  T large_q(T p, T q, T g, std::array<T, 3>* grad) const {
    const T lqg = std::log(q) - std::log(g);
    T ll = p * (lqg * sum_wx_ + sum_wx_lz_) - sum_w_lz_;  // sum w (a ln(q/gamma) + a ln zbar - ln zbar)
    T dp = lqg * sum_wx_ + sum_wx_lz_, dq = p * sum_wx_ / q, dg = -p * sum_wx_;
    for (std::size_t i = 0; i < gx_.size(); ++i) {
      const T a = p * gx_[i], lx = std::log(gx_[i]);
      const gg_shape_terms<T> t = gg_shape(q, a, grad != nullptr);
      ll += gw_[i] * (t.d - quiet_lgamma(a) + a * lx);
      if (grad != nullptr) {
        dp += gw_[i] * gx_[i] * (t.d_q - quiet_digamma(a) + lx);
        dq += gw_[i] * t.d_a;
      }
    }
    const auto [a, b, c, e] = row_sums(g, true, grad != nullptr);
    ll -= p * a + q * b;
    if (grad != nullptr) {
      (*grad)[0] = dp - a;
      (*grad)[1] = dq - b;
      (*grad)[2] = (dg + p * c + q * e) / g;
    }
    return ll;
  }

  /// The sums over the rows of both forms, with s = x zbar: w x L, w L and (with the gradient) w x R,
  /// w R, where L = log1p(gamma/s), R = 1/(gamma + s) (the usual form) or, for large q, L = log1p(s/gamma),
  /// R = s/(gamma + s).
  [[nodiscard]] std::array<T, 4> row_sums(T g, bool large_q_form, bool with_gradient) const {
    T a = 0, b = 0, c = 0, e = 0;
    for (std::size_t i = 0; i < x_.size(); ++i) {
      const T l = large_q_form ? std::log1p(s_[i] / g) : std::log1p(g / s_[i]);
      const T wx = w_[i] * x_[i];
      a += wx * l;
      b += w_[i] * l;
      if (with_gradient) {
        const T r = large_q_form ? s_[i] / (g + s_[i]) : T(1) / (g + s_[i]);
        c += wx * r;
        e += w_[i] * r;
      }
    }
    return {a, b, c, e};
  }

  std::vector<T> x_, s_, w_, gx_, gw_;
  T sum_w_ = 0, sum_w_lz_ = 0, sum_wx_ = 0, sum_wx_lz_ = 0, max_x_ = 0;
};
}  // namespace detail

namespace detail {
/// p from which a converged Gamma-Gamma fit is compared with the limit p -> infinity (a transaction's
/// value then has a coefficient of variation below 10 % within a customer).
inline constexpr double gamma_gamma_ridge_check_p = 1e2;
/// The Gamma-Gamma model's limit p -> infinity, p gamma = c: zbar ~ Inverse-Gamma(q, scale c) whatever x.
struct gamma_gamma_limit {
  double q = 0, c = 0, q_se = 0, c_se = 0, log_likelihood = 0;
  double score = 0;  ///< d ln L / d(1/p) at 1/p = 0: sum w (q(q-1) - 2 q c/zbar + (c/zbar)^2) / (2x)
  mat<2> covariance{};  ///< the inverse Hessian of -ln L at the maximum in (q, c), in the unit of the rows fitted
};
/// Maximum-likelihood fit of that limit (ln f = q ln c - ln G(q) - (q+1) ln zbar - c/zbar) and its score.
template <class T>
[[nodiscard]] result<gamma_gamma_limit> fit_gamma_gamma_limit(std::span<const spend_row<T>> rows, const fit_options& opt,
                                                              const char* name) {
  double w = 0, lz = 0, iz = 0;  // sums of w, w ln zbar, w / zbar
  for (const spend_row<T>& r : rows) {
    const double wi = static_cast<double>(r.weight), z = static_cast<double>(r.average_spend);
    w += wi, lz += wi * std::log(z), iz += wi / z;
  }
  const auto nll = [&](const vec<2>& th, vec<2>& g) -> double {
    const double q = th[0], c = th[1];
    g[0] = -(w * (std::log(c) - static_cast<double>(quiet_digamma(q))) - lz);
    g[1] = -(w * q / c - iz);
    return -(w * (q * std::log(c) - static_cast<double>(quiet_lgamma(q))) - (q + 1.0) * lz - c * iz);
  };
  const result<positive_fit<2>> f = fit_positive<2>(nll, {1.0, w / iz}, w, opt, name, nullptr, nullptr, {false, true});
  if (!f) return f.error();
  gamma_gamma_limit out;
  out.q = f->theta[0], out.c = f->theta[1], out.log_likelihood = f->log_likelihood;
  out.q_se = f->standard_errors[0], out.c_se = f->standard_errors[1];
  out.covariance = f->covariance;
  for (const spend_row<T>& r : rows) {
    const double y = out.c / static_cast<double>(r.average_spend);
    out.score += static_cast<double>(r.weight) * (out.q * (out.q - 1.0) - 2.0 * out.q * y + y * y) / (2.0 * static_cast<double>(r.frequency));
  }
  return out;
}

/// q from which a converged Gamma-Gamma fit is compared with the limit q -> infinity (the value rates nu
/// across customers then have a coefficient of variation 1/sqrt(q) below 10 %).
inline constexpr double gamma_gamma_ridge_check_q = 1e2;
/// The Gamma-Gamma model's other limit, q, gamma -> infinity with gamma/q = theta: every customer's value
/// rate is 1/theta, zbar ~ Gamma(p x, scale theta/x). p in `q`, theta in `c` (the fields of gamma_gamma_limit).
/// Maximum-likelihood fit of that limit, ln f = -ln G(px) + px ln(x zbar/theta) - ln zbar - x zbar/theta,
/// and its score d ln L / d(1/q) at 1/q = 0 with p and theta fixed: with nu ~ Gamma(q, rate q/nu0), Var nu =
/// nu0^2/q and the higher central moments O(1/q^2), E[L(nu)] = L(nu0) + L''(nu0) Var nu / 2 + ..., and
/// L(nu) ~ nu^(px) e^(-nu x zbar) gives L'' nu0^2 / L = (px - x zbar/theta)^2 - px, so
///   score = sum w ((px - x zbar/theta)^2 - px) / 2.
template <class T>
[[nodiscard]] result<gamma_gamma_limit> fit_gamma_gamma_q_limit(std::span<const spend_row<T>> rows, const fit_options& opt,
                                                                const char* name) {
  std::vector<std::pair<double, double>> xw;  // (x, weight), merged per x below
  double w = 0, wx = 0, ws = 0, lz = 0, wxlz = 0;  // sums of w, w x, w x zbar, w ln zbar, w x ln zbar
  for (const spend_row<T>& r : rows) {
    const double wi = static_cast<double>(r.weight), x = static_cast<double>(r.frequency), z = static_cast<double>(r.average_spend);
    w += wi, wx += wi * x, ws += wi * x * z, lz += wi * std::log(z), wxlz += wi * x * std::log(z);
    xw.emplace_back(x, wi);
  }
  std::sort(xw.begin(), xw.end());
  std::vector<std::pair<double, double>> groups;
  for (const auto& [x, wi] : xw) {
    if (!groups.empty() && groups.back().first == x)
      groups.back().second += wi;
    else
      groups.emplace_back(x, wi);
  }
  const auto nll = [&](const vec<2>& th, vec<2>& g) -> double {
    const double p = th[0], theta = th[1], lt = std::log(theta);
    double ll = p * (wxlz - wx * lt) - lz - ws / theta, dp = wxlz - wx * lt;
    for (const auto& [x, gw] : groups) {
      const double lx = std::log(x);
      ll += gw * (p * x * lx - static_cast<double>(quiet_lgamma(p * x)));
      dp += gw * x * (lx - static_cast<double>(quiet_digamma(p * x)));
    }
    g[0] = -dp;
    g[1] = -(-p * wx / theta + ws / (theta * theta));
    return -ll;
  };
  const result<positive_fit<2>> f = fit_positive<2>(nll, {1.0, ws / wx}, w, opt, name, nullptr, nullptr, {false, true});
  if (!f) return f.error();
  gamma_gamma_limit out;
  out.q = f->theta[0], out.c = f->theta[1], out.log_likelihood = f->log_likelihood;
  out.q_se = f->standard_errors[0], out.c_se = f->standard_errors[1];
  out.covariance = f->covariance;
  for (const spend_row<T>& r : rows) {
    const double a = out.q * static_cast<double>(r.frequency), y = static_cast<double>(r.frequency * r.average_spend) / out.c;
    out.score += static_cast<double>(r.weight) * ((a - y) * (a - y) - a) / 2.0;
  }
  return out;
}
}  // namespace detail

namespace detail {
/// The number type Gamma-Gamma's fit and its data Hessian work in: at least double (float's rounding of
/// ln L is above what the optimizer needs).
template <class T>
using spend_work_type = std::conditional_t<(sizeof(T) < sizeof(double)), double, T>;
/// Spend rows in the unit of their weighted geometric mean k (zbar / k), the number type W, the sum of
/// weights and ln k (0 and the data's own unit when `rescale` is false).
template <class W>
struct spend_in_unit {
  std::vector<spend_row<W>> rows;
  W sum_weights{}, log_unit{};
};
/// The rows in the unit k = exp(sum w ln zbar / sum w): gamma scales with the unit and p, q do not, and
/// ln L changes by -ln k per customer, so fits and Hessians in k are those of the data's unit with
/// gamma / k, while ln L's terms stay near 1 whether the spends are in cents or millions.
template <class W, class T>
[[nodiscard]] spend_in_unit<W> spend_in_geometric_mean_unit(std::span<const spend_row<T>> rows, bool rescale) {
  spend_in_unit<W> out;
  W sum_wlz = 0;
  for (const spend_row<T>& c : rows) out.sum_weights += W(c.weight), sum_wlz += W(c.weight) * std::log(W(c.average_spend));
  out.log_unit = rescale ? sum_wlz / out.sum_weights : W(0);
  out.rows.reserve(rows.size());
  for (const spend_row<T>& c : rows)
    out.rows.push_back(spend_row<W>{W(c.frequency), std::exp(std::log(W(c.average_spend)) - out.log_unit), W(c.weight)});
  return out;
}
/// -ln L and its gradient in (p, q, gamma) as the optimizer takes them, and its analytic Hessian
/// (gamma_gamma_objective::hessian; detail::objective_hessian takes it).
template <class W>
struct gamma_gamma_nll_fn {
  const gamma_gamma_objective<W>* objective;
  double operator()(const vec<3>& th, vec<3>& grad) const {
    std::array<W, 3> g{};
    const W ll = (*objective)(static_cast<W>(th[0]), static_cast<W>(th[1]), static_cast<W>(th[2]), &g);
    for (std::size_t i = 0; i < 3; ++i) grad[i] = -static_cast<double>(g[i]);
    return -static_cast<double>(ll);
  }
  [[nodiscard]] mat<3> hessian(const vec<3>& th) const {
    const auto h = objective->hessian(static_cast<W>(th[0]), static_cast<W>(th[1]), static_cast<W>(th[2]));
    mat<3> out{};
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = 0; j < 3; ++j) out[i][j] = -static_cast<double>(h[i][j]);
    return out;
  }
};
template <class W>
[[nodiscard]] gamma_gamma_nll_fn<W> gamma_gamma_nll(const gamma_gamma_objective<W>& objective) {
  return {&objective};
}
}  // namespace detail

/**
 * @brief Maximum-likelihood fit of the Gamma-Gamma spend model to (frequency, average spend, weight)
 * rows of customers with at least one transaction (crm::repeat_customers).
 * Maximises sum_i w_i ln f(zbar_i | x_i) (see gamma_gamma::log_likelihood) over (p, q, gamma), as
 * Fader, Hardie & Lee (2005) JMR 42(4) (p = 6.25, q = 3.74, gamma = 15.44 on the 946 CDNOW
 * repeat customers), with the optional L2 penalty of crm::fit_options. Standard errors come from
 * the inverse Hessian of -ln L. Deterministic (start point p = q = gamma = 1).
 * Where the data show no spread of values within a customer the likelihood has no interior maximum:
 * it rises as p -> infinity with p gamma fixed (fit_boundary::p_to_infinity; the average spends are then
 * Inverse-Gamma(q, p gamma)). Under boundary_policy::error (the default) that is `errc::not_identifiable`
 * on field "p" naming the boundary; under boundary_policy::report the fit's last point with the
 * boundary report (nested model q, c = p gamma in nested_r, nested_alpha; its score in
 * heterogeneity_score). Where the average spends vary across customers no more than the spread within
 * a customer explains, it rises as q, gamma -> infinity with gamma/q = theta fixed (fit_boundary::q_to_infinity:
 * every customer's value rate is 1/theta, zbar ~ Gamma(p x, scale theta/x)): `errc::not_identifiable` on
 * field "q", or the report with p in nested_r, theta in nested_alpha and the score d ln L/d(1/q) in
 * heterogeneity_score. Fits of 2 or 3 customers mostly end on one of the two boundaries, so named.
 * A penalizer keeps the parameters inside.
 * Errors: an invalid row (crm::validate, naming the row's field); every average_spend equal
 * (`errc::not_identifiable`: a spread of spends is needed); invalid options; `errc::not_converged`
 * when the optimizer stops without meeting its tolerance; `errc::not_identifiable` when the
 * Hessian at the optimum is not positive definite.
 */
template <std::floating_point T>
[[nodiscard]] result<fit_result<gamma_gamma<T>>> try_fit_gamma_gamma(std::span<const spend_row<T>> rows,
                                                                    const fit_options& options = {}) {
  constexpr const char* name = "fit_gamma_gamma";
  if (const error_info e = validate(rows, name)) return e;
  bool spread = false;
  for (const spend_row<T>& c : rows) spread = spread || c.average_spend != rows.front().average_spend;
  if (!spread)
    return error_info{errc::not_identifiable, name, "average_spend",
                      "every customer has the same average spend: the spread of spends identifies p and q"};
  // The fit works in the unit k = the (weighted) geometric mean of the average spends, and in at least
  // double: gamma scales with the unit and p, q do not, so the fit is the same for spends in cents or
  // in millions (before 2026-12 the start gamma = 1 was 1e13 units from spends of 1e12, and the fit
  // failed; float data failed on the rounding of ln L in float). A penalized fit keeps the data's unit:
  // its penalty, penalizer * (p^2 + q^2 + gamma^2), is on gamma in that unit (crm::fit_options).
  using W = detail::spend_work_type<T>;
  const detail::spend_in_unit<W> in_unit = detail::spend_in_geometric_mean_unit<W>(rows, options.penalizer == 0.0);
  const std::vector<spend_row<W>>& scaled = in_unit.rows;
  const double shift = static_cast<double>(in_unit.sum_weights * in_unit.log_unit);  // ln L in the data's unit = ln L in `unit` - shift
  const double k = static_cast<double>(std::exp(in_unit.log_unit));
  const detail::gamma_gamma_objective<W> objective{std::span<const spend_row<W>>(scaled)};
  const auto nll = detail::gamma_gamma_nll(objective);
  detail::vec<3> at{};  // where a failed fit stopped
  const auto last_point = [&at](const detail::vec<3>& th) { return at = th, error_info{}; };
  convergence last{};
  const double customers = static_cast<double>(objective.customers());
  const result<detail::positive_fit<3>> f =
      detail::fit_positive<3>(nll, {1.0, 1.0, 1.0}, customers, options, name, last_point, &last, {false, false, true});
  // The boundary p -> infinity with p gamma = c fixed (every transaction of a customer at the
  // customer's own mean): there zbar ~ Inverse-Gamma(q, c) whatever x, and ln L(p) = ln L_IG + A/p + ...
  // with A = sum w (q(q-1) - 2 q c/zbar + (c/zbar)^2)/(2x) at that model's maximum. The boundary
  // q -> infinity with gamma/q = theta fixed (every customer's value rate the same, 1/theta): there zbar ~
  // Gamma(px, scale theta/x), and ln L(q) = ln L_G + B/q + ... with B = sum w ((px - x zbar/theta)^2 - px)/2.
  // With the score <= 0 and the nested model at least as likely as the fit's point (within 1e-9 relative)
  // the likelihood has no interior maximum there and the boundary is named (of two, the more likely
  // nested model); looked at where the fit failed (the Hessian not positive definite along the flat
  // ridge, or no convergence) or stopped at p >= gamma_gamma_ridge_check_p (q >= gamma_gamma_ridge_check_q).
  // (Before 2026-12 the limit q -> infinity was not looked at: of 40 sets of 300 customers generated with
  // one value rate for all, 16 fits failed with a failed line search or a Hessian not positive definite,
  // and so did most fits of 2 to 5 customers.)
  if (options.penalizer == 0.0 && last.reason != stop_reason::interrupted && (f || f.error().code != errc::not_finite) &&
      (!f || f->theta[0] >= detail::gamma_gamma_ridge_check_p || f->theta[1] >= detail::gamma_gamma_ridge_check_q)) {
    const detail::vec<3> point = f ? f->theta : at;
    detail::vec<3> g{};
    const double ll = (f ? f->log_likelihood : -nll(point, g)) - shift;
    const double tol = 1e-9 * std::max(1.0, std::abs(ll));
    const std::span<const spend_row<W>> data(scaled);
    // a nested model in the data's unit when it names the boundary (score <= 0, at least as likely as the point)
    const auto candidate = [&](const result<detail::gamma_gamma_limit>& fitted) -> std::optional<detail::gamma_gamma_limit> {
      if (!fitted) return std::nullopt;
      detail::gamma_gamma_limit lim = *fitted;
      lim.c *= k, lim.c_se *= k, lim.log_likelihood -= shift;
      if (!std::isfinite(ll) || !(lim.score <= 0.0) || !(lim.log_likelihood >= ll - tol)) return std::nullopt;
      return lim;
    };
    // (both limits, whichever parameter is out: a fit certified far out along p -> infinity can have the
    // limit q -> infinity more likely still; (x, zbar) = (4, 8.18), (6, 27.14) by 0.095 nats, and only
    // the first was looked at when the fit converged there)
    const std::optional<detail::gamma_gamma_limit> at_p = candidate(detail::fit_gamma_gamma_limit(data, options.interrupt_only(), name));
    const std::optional<detail::gamma_gamma_limit> at_q = candidate(detail::fit_gamma_gamma_q_limit(data, options.interrupt_only(), name));
    const bool p_side = at_p && !(at_q && at_q->log_likelihood > at_p->log_likelihood);
    if (at_p || at_q) {
      const detail::gamma_gamma_limit& lim = p_side ? *at_p : *at_q;
      if (options.on_boundary == boundary_policy::error) {
        if (p_side)
          return error_info{errc::not_identifiable, name, "p",
                            "the likelihood is maximised on the boundary p -> infinity with p gamma fixed: every transaction of a "
                            "customer has the customer's mean value (no spread of values within a customer; the average spends "
                            "are Inverse-Gamma(q, p gamma)); fit with a penalizer, or use each customer's own mean"};
        return error_info{errc::not_identifiable, name, "q",
                          "the likelihood is maximised on the boundary q, gamma -> infinity with gamma/q fixed: every customer's "
                          "transactions have the same value distribution (no heterogeneity of the mean spend across customers; "
                          "the average spends are Gamma(p x, scale gamma/(q x))); fit with a penalizer, or use the population "
                          "mean for everyone"};
      }
      fit_result<gamma_gamma<T>> out;
      out.params = {static_cast<T>(point[0]), static_cast<T>(point[1]), static_cast<T>(point[2] * k)};
      const T inf = std::numeric_limits<T>::infinity();
      out.standard_errors = {inf, inf, inf};
      out.log_likelihood = ll;
      out.customers = customers;
      out.report = last;
      boundary_report& b = out.boundary;
      b.where = p_side ? fit_boundary::p_to_infinity : fit_boundary::q_to_infinity;
      b.description = describe(b.where);
      b.nested_fitted = true;
      b.nested_parameters = 2;
      b.nested_r = lim.q, b.nested_alpha = lim.c;
      b.nested_r_se = lim.q_se, b.nested_alpha_se = lim.c_se;
      b.nested_covariance = detail::to_parameter_covariance<2>(lim.covariance, {1.0, k});  // the scale in the data's unit
      b.nested_log_likelihood = lim.log_likelihood;
      b.heterogeneity_score = lim.score;
      if (const auto lr = try_boundary_likelihood_ratio(ll, lim.log_likelihood)) b.lr_statistic = lr->statistic, b.lr_p_value = lr->p_value;
      return out;
    }
  }
  if (!f) return f.error();
  fit_result<gamma_gamma<T>> out;
  out.params = {static_cast<T>(f->theta[0]), static_cast<T>(f->theta[1]), static_cast<T>(f->theta[2] * k)};
  out.standard_errors = {static_cast<T>(f->standard_errors[0]), static_cast<T>(f->standard_errors[1]),
                         static_cast<T>(f->standard_errors[2] * k)};
  detail::mat<3> cov = f->covariance;
  for (std::size_t i = 0; i < 3; ++i) cov[i][2] *= k, cov[2][i] *= k;
  out.covariance = detail::to_parameter_covariance<3>(cov);
  out.log_likelihood = f->log_likelihood - shift;
  out.customers = f->customers;
  out.report = f->report;
  return out;
}
template <std::floating_point T>
[[nodiscard]] result<fit_result<gamma_gamma<T>>> try_fit_gamma_gamma(const std::vector<spend_row<T>>& rows,
                                                                    const fit_options& options = {}) {
  return try_fit_gamma_gamma(std::span<const spend_row<T>>(rows), options);
}
/// Throwing form of try_fit_gamma_gamma (crm::metric_error).
template <std::floating_point T>
[[nodiscard]] fit_result<gamma_gamma<T>> fit_gamma_gamma(std::span<const spend_row<T>> rows, const fit_options& options = {}) {
  return try_fit_gamma_gamma(rows, options).value();
}
template <std::floating_point T>
[[nodiscard]] fit_result<gamma_gamma<T>> fit_gamma_gamma(const std::vector<spend_row<T>>& rows, const fit_options& options = {}) {
  return try_fit_gamma_gamma(std::span<const spend_row<T>>(rows), options).value();
}

/**
 * @brief Draws the spend of customers with the given numbers of transactions from the model:
 * for each customer nu ~ Gamma(q, rate gamma), then each of its x transactions z ~ Gamma(p, rate
 * nu), every transaction drawn; the row holds x and the mean of the x values (0 when x = 0), weight 1.
 * Deterministic for a seed (std::mt19937_64 and the portable samplers of crm/models/generate.hpp).
 * Errors: invalid parameters; a negative frequency (field "frequencies").
 */
template <std::floating_point T>
[[nodiscard]] result<std::vector<spend_row<T>>> try_generate(const gamma_gamma<T>& model,
                                                                   std::span<const count_t> frequencies,
                                                                   std::uint64_t seed) {
  constexpr const char* name = "generate(gamma_gamma)";
  if (const error_info e = model.check(name)) return e;
  for (const count_t x : frequencies)
    if (x < 0) return error_info{errc::negative, name, "frequencies"};
  std::mt19937_64 g(seed);
  const double p = static_cast<double>(model.p), q = static_cast<double>(model.q), gm = static_cast<double>(model.gamma);
  std::vector<spend_row<T>> rows;
  rows.reserve(frequencies.size());
  for (const count_t x : frequencies) {
    const double nu = detail::draw_gamma(g, q, gm);
    double sum = 0.0;
    for (count_t j = 0; j < x; ++j) sum += detail::draw_gamma(g, p, nu);
    const T avg = x > 0 ? static_cast<T>(sum / static_cast<double>(x)) : T(0);
    rows.push_back(spend_row<T>{static_cast<T>(x), avg, T(1)});
  }
  return rows;
}
/// Throwing form of try_generate (crm::metric_error).
template <std::floating_point T>
[[nodiscard]] std::vector<spend_row<T>> generate(const gamma_gamma<T>& model, std::span<const count_t> frequencies,
                                                       std::uint64_t seed) {
  return try_generate(model, frequencies, seed).value();
}

/**
 * @brief The spend model a Gamma-Gamma fit's boundary nests, for predictions when the fit ended there
 * (boundary_policy::report; docs/models.md, "Spend per transaction"):
 * - fit_boundary::p_to_infinity: no spread of values within a customer, every transaction is worth
 *   the customer's own mean; zbar ~ Inverse-Gamma(shape, scale) across customers (shape = q, scale =
 *   c = p gamma, money);
 * - fit_boundary::q_to_infinity: every customer's transactions have the same value distribution,
 *   Gamma(shape = p, scale = theta = gamma/q, money).
 * The limits of gamma_gamma's predictions: E[Z | x, zbar] = p (gamma + x zbar)/(p x + q - 1) tends to
 * zbar (x > 0) as p -> infinity with p gamma = c, and to p theta as q -> infinity with gamma/q = theta.
 */
template <std::floating_point T = double>
struct gamma_gamma_nested {
  fit_boundary where = fit_boundary::p_to_infinity;
  T shape{};  ///< p_to_infinity: q of the Inverse-Gamma of zbar; q_to_infinity: p of one transaction's Gamma
  T scale{};  ///< p_to_infinity: c = p gamma; q_to_infinity: theta = gamma / q (money)

  /// Mean value of a transaction across all customers (money): c / (shape - 1) at p_to_infinity (the
  /// mean of the Inverse-Gamma; infinite unless shape > 1: `errc::out_of_range` on "q"), p theta at
  /// q_to_infinity. Errors: a parameter not finite and > 0, a boundary other than these two.
  [[nodiscard]] constexpr result<T> try_expected_average_spend() const noexcept {
    constexpr const char* name = "gamma_gamma_nested.expected_average_spend";
    if (const error_info e = check(name)) return e;
    if (where == fit_boundary::q_to_infinity) return shape * scale;
    if (!(shape > T(1))) return error_info{errc::out_of_range, name, "q", "the mean spend is infinite unless q > 1"};
    return scale / (shape - T(1));
  }
  [[nodiscard]] constexpr T expected_average_spend() const { return try_expected_average_spend().value(); }

  /// Expected value of a future transaction of a customer whose x past transactions averaged zbar
  /// (money): zbar itself at p_to_infinity (x > 0; the population mean for x = 0), p theta at
  /// q_to_infinity. Errors: those of try_expected_average_spend where it is used, and the row's as
  /// gamma_gamma::try_conditional_expected_average_spend checks them (x negative, fractional or not
  /// finite; zbar <= 0 when x > 0, != 0 when x = 0).
  [[nodiscard]] constexpr result<T> try_conditional_expected_average_spend(T frequency, T average_spend) const noexcept {
    constexpr const char* name = "gamma_gamma_nested.conditional_expected_average_spend";
    if (const error_info e = check(name)) return e;
    if (const error_info e = detail::check_spend_history(frequency, average_spend, name)) return e;
    if (where == fit_boundary::p_to_infinity && frequency > T(0)) return average_spend;
    return try_expected_average_spend();
  }
  [[nodiscard]] constexpr T conditional_expected_average_spend(T frequency, T average_spend) const {
    return try_conditional_expected_average_spend(frequency, average_spend).value();
  }

  /// The parameters finite and > 0 and `where` one of the two boundaries, else an error naming `name`.
  [[nodiscard]] constexpr error_info check(const char* name) const noexcept {
    if (where != fit_boundary::p_to_infinity && where != fit_boundary::q_to_infinity)
      return {errc::out_of_range, name, "where", "must be p_to_infinity or q_to_infinity"};
    if (!detail::spend_finite(shape) || !(shape > T(0))) return {errc::out_of_range, name, "shape", "must be finite and > 0"};
    if (!detail::spend_finite(scale) || !(scale > T(0))) return {errc::out_of_range, name, "scale", "must be finite and > 0"};
    return {};
  }
};

/**
 * @brief The nested spend model of a Gamma-Gamma fit that ended on the boundary p -> infinity or
 * q -> infinity (fit with boundary_policy::report): shape and scale from `fit.boundary` (nested_r,
 * nested_alpha). Errors: the fit did not end on one of those boundaries (`errc::out_of_range` on
 * "boundary": its params are the estimates); the nested fit failed (its error).
 */
template <std::floating_point T>
[[nodiscard]] result<gamma_gamma_nested<T>> try_nested_spend_model(const fit_result<gamma_gamma<T>>& fit) {
  const boundary_report& b = fit.boundary;
  if (b.where != fit_boundary::p_to_infinity && b.where != fit_boundary::q_to_infinity)
    return error_info{errc::out_of_range, "nested_spend_model", "boundary", "the fit did not end on the boundary p or q -> infinity"};
  if (!b.nested_fitted) return b.nested_error;
  return gamma_gamma_nested<T>{b.where, static_cast<T>(b.nested_r), static_cast<T>(b.nested_alpha)};
}

CRM_METRICS_END_NAMESPACE

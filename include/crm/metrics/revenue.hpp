// crm-metrics: revenue and customer-value metrics: ROI, ROMI, average check, purchase frequency, LTV/CLV, payback, LTV:CAC.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Every metric comes in two forms: crm::x(inputs) throws crm::metric_error on bad input,
// crm::try_x(inputs) returns crm::result<R> carrying the same crm::error_info. Inputs are
// aggregates, so a call reads like the formula:
//     crm::ltv({.average_check = 40.0, .purchase_frequency = 6.0, .relationship_length = 3.0})
// Money is in the currency of the inputs; "per period" quantities use one period of the caller's
// choosing (a month, a year) throughout a call.
//
// The number type: a braced list cannot deduce a template argument, so a braced call computes in
// the default, double, whatever its fields are: crm::roi({.revenue = 0.3f, .cost = 0.1f}) converts
// both to double and returns rate<double>. Name the type to compute in another one:
//     crm::roi<float>({.revenue = 0.3f, .cost = 0.1f})                       // rate<float>
//     crm::roi<crm::decimal50>({.revenue = crm::decimal50("0.30"), .cost = crm::decimal50("0.10")})
// or pass a typed struct: crm::roi(crm::investment<float>{...}). (tests/static/revenue_static.cpp
// pins this behaviour.)
//
// Division by a count (orders, customers) goes through number_traits<T>::divide, exact in a decimal
// type whenever the quotient terminates. A result (or intermediate) that exceeds the number type is
// errc::overflow with the field "result", never infinity.
// Customization points: none beyond crm::number_traits<T> (see <crm/core/number.hpp>).
// Seeds: 000 = 000_9949ba3a3098aa87.txt, 001 = 001_15fb4e46a87cf176.txt, 002 = 002_16fc3440f7c5e33f.txt,
// 003 = 003_f1c74d43239c9d2b.txt, 004 = 004_27df46bff09b8c6f.txt (in ../shared/seeds).
#pragma once

#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>

#include <limits>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE

// --- ROI and ROMI ----------------------------------------------------------------------------------

/// Inputs of a return-on-investment calculation.
template <number T = double>
struct investment {
  T revenue{};  ///< income the investment brought (money, >= 0)
  T cost{};     ///< the investment itself (money, > 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_non_negative(revenue) && detail::fast_positive(cost);
  }
};

/**
 * @brief Return on investment: (revenue - cost) / cost.
 * @returns a rate (1.5 = 150 %); negative when the investment lost money.
 * Source: 000 "ROI (Return on Investment)"; 004_27df46bff09b8c6f.txt line 111 (100 000 -> 250 000
 * gives 150 %) and line 267.
 * Errors: cost zero, negative or not finite; revenue negative or not finite; a result beyond the
 * number type (errc::overflow, field "result": a huge revenue on a tiny cost).
 *
 * **Example**
 *     crm::roi({.revenue = 250'000.0, .cost = 100'000.0}).percent() == 150.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_roi(const investment<T>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error({detail::check_non_negative("roi", "revenue", in.revenue),
                                      detail::check_positive("roi", "cost", in.cost)})) return e;
  }
  const T r = (in.revenue - in.cost) / in.cost;
  if (!detail::fast_finite(r)) [[unlikely]]
    return detail::overflow_error("roi", "result", "revenue is too large for so small a cost");
  return rate<T>{r};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> roi(const investment<T>& in) {
  return try_roi(in).value();
}

/// Inputs of ROMI: marketing spend only, and the revenue that spend brought.
template <number T = double>
struct marketing_investment {
  T revenue{};         ///< revenue attributed to the marketing (money, >= 0)
  T marketing_cost{};  ///< marketing spend (money, > 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_non_negative(revenue) && detail::fast_positive(marketing_cost);
  }
};

/**
 * @brief Return on marketing investment: (revenue - marketing_cost) / marketing_cost.
 * @returns a rate (0.25 = 25 %); negative when the campaign lost money.
 * Source: 001_15fb4e46a87cf176.txt line 54, "((Доход − Затраты) ÷ Затраты) × 100%". The arithmetic
 * is that of crm::roi; ROMI is kept as its own name because it is restricted to marketing spend and
 * the revenue attributed to it (a mailing, a segment, a trigger: 001 line 52).
 * Errors: marketing_cost zero, negative or not finite; revenue negative or not finite; a result
 * beyond the number type (errc::overflow, field "result").
 *
 * **Example**
 *     crm::romi({.revenue = 125'000.0, .marketing_cost = 100'000.0}).percent() == 25.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_romi(const marketing_investment<T>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error({detail::check_non_negative("romi", "revenue", in.revenue),
                                      detail::check_positive("romi", "marketing_cost", in.marketing_cost)})) return e;
  }
  const T r = (in.revenue - in.marketing_cost) / in.marketing_cost;
  if (!detail::fast_finite(r)) [[unlikely]]
    return detail::overflow_error("romi", "result", "revenue is too large for so small a marketing_cost");
  return rate<T>{r};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> romi(const marketing_investment<T>& in) {
  return try_romi(in).value();
}

// --- average check and purchase frequency -----------------------------------------------------------

/// Revenue and number of orders of one period.
template <number T = double>
struct order_totals {
  T revenue{};     ///< total revenue of the period (money, >= 0)
  count_t orders = 0;  ///< orders (purchases) in the same period (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_non_negative(revenue) && (orders > 0);
  }
};

/**
 * @brief Average check (average order value, AOV): revenue / orders.
 * @returns money per order; exact in a decimal type whenever the quotient terminates (0.30 over 3
 *          orders is exactly 0.10 in crm::decimal50). It cannot overflow (orders >= 1).
 * Source: 001_15fb4e46a87cf176.txt line 30, "Общий доход ÷ Количество заказов"; 000_9949ba3a3098aa87.txt
 * line 78 (total revenue divided by the number of purchases for a period).
 * Errors: orders zero or negative; revenue negative or not finite.
 *
 * **Example**
 *     crm::average_check({.revenue = 125'000.0, .orders = 50}).amount == 2'500.0
 */
template <number T = double>
[[nodiscard]] constexpr result<money<T>> try_average_check(const order_totals<T>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error({detail::check_non_negative("average_check", "revenue", in.revenue),
                                      detail::check_count_positive("average_check", "orders", in.orders)})) return e;
  }
  return money<T>{divide_by_count(in.revenue, in.orders)};
}
template <number T = double>
[[nodiscard]] constexpr money<T> average_check(const order_totals<T>& in) {
  return try_average_check(in).value();
}
/// The same metric under its English name (AOV); errors are reported as "average_check".
template <number T = double>
[[nodiscard]] constexpr result<money<T>> try_average_order_value(const order_totals<T>& in) noexcept(std::is_arithmetic_v<T>) {
  return try_average_check(in);
}
template <number T = double>
[[nodiscard]] constexpr money<T> average_order_value(const order_totals<T>& in) {
  return try_average_check(in).value();
}

/// Orders and distinct customers of one period.
struct purchase_counts {
  count_t orders = 0;     ///< orders (purchases) in the period (>= 0)
  count_t customers = 0;  ///< distinct customers who could buy in the period (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept { return orders >= 0 && customers > 0; }
};

/**
 * @brief Purchase frequency: orders / customers, in one period.
 * @returns a multiple: purchases per customer per period (1.7 = 1.7 purchases).
 * Source: 000_9949ba3a3098aa87.txt line 32 names it ("the number of purchases customers make in a
 * given period") without a formula; this is the standard definition (orders per customer).
 * Errors: customers zero or negative; orders negative.
 *
 * **Example**
 *     crm::purchase_frequency({.orders = 170, .customers = 100}).value() == 1.7
 */
template <number T = double>
[[nodiscard]] constexpr result<multiple<T>> try_purchase_frequency(const purchase_counts& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error({detail::check_count("purchase_frequency", "orders", in.orders),
                                      detail::check_count_positive("purchase_frequency", "customers", in.customers)}))
      return e;
  }
  return multiple<T>{count_ratio<T>(in.orders, in.customers)};
}
template <number T = double>
[[nodiscard]] constexpr multiple<T> purchase_frequency(const purchase_counts& in) {
  return try_purchase_frequency<T>(in).value();
}

// --- lifetime value: the documents' two formulas -----------------------------------------------------

/// Inputs of the frequency-based LTV of 001.
template <number T = double>
struct ltv_inputs {
  T average_check{};        ///< money per order (>= 0)
  T purchase_frequency{};   ///< orders per customer per period (>= 0)
  T relationship_length{};  ///< average length of the relationship, in the same periods (>= 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_non_negative(average_check) && detail::fast_non_negative(purchase_frequency) &&
           detail::fast_non_negative(relationship_length);
  }
};

/**
 * @brief Customer lifetime value, frequency form: average_check x purchase_frequency x relationship_length.
 * @returns money per customer over the relationship. This is revenue, not profit; see
 *          crm::gross_margin_ltv for the margin-based form.
 * Source: 001_15fb4e46a87cf176.txt line 24, "LTV = Средний чек × Частота покупок × Средняя
 * продолжительность отношений с клиентом". Frequency and length must use the same period.
 * Errors: any field negative or not finite; a product beyond the number type (errc::overflow, field
 * "result"; factors are reordered first, so only a product that itself overflows is an error).
 *
 * **Example**
 *     crm::ltv({.average_check = 40.0, .purchase_frequency = 6.0, .relationship_length = 3.0}).amount == 720.0
 */
template <number T = double>
[[nodiscard]] constexpr result<money<T>> try_ltv(const ltv_inputs<T>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error({detail::check_non_negative("ltv", "average_check", in.average_check),
                                      detail::check_non_negative("ltv", "purchase_frequency", in.purchase_frequency),
                                      detail::check_non_negative("ltv", "relationship_length", in.relationship_length)}))
      return e;
  }
  const T v = detail::product_of_non_negative(in.average_check, in.purchase_frequency, in.relationship_length);
  if (!detail::fast_finite(v)) [[unlikely]]
    return detail::overflow_error("ltv", "result", "average_check * purchase_frequency * relationship_length is too large");
  return money<T>{v};
}
template <number T = double>
[[nodiscard]] constexpr money<T> ltv(const ltv_inputs<T>& in) {
  return try_ltv(in).value();
}

/// Inputs of the count-based CLV of 002.
template <number T = double>
struct clv_inputs {
  T average_check{};      ///< money per purchase (>= 0)
  T purchases{};          ///< "number of purchases" (>= 0)
  T customer_lifetime{};  ///< "customer lifetime" (>= 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_non_negative(average_check) && detail::fast_non_negative(purchases) &&
           detail::fast_non_negative(customer_lifetime);
  }
};

/**
 * @brief Customer lifetime value, count form of 002: average_check x purchases x customer_lifetime.
 * @returns money per customer.
 * Source: 002_16fc3440f7c5e33f.txt line 10, "CLV = Средній чек * Кількість покупок * Термін життя
 * клієнта", implemented as written. It equals crm::ltv only when `purchases` is a count per period
 * of `customer_lifetime`; fed the total number of purchases of the relationship it counts the
 * lifetime twice (12 purchases in 3 years at 40: ltv gives 480, clv gives 1440). Prefer crm::ltv
 * unless you follow 002.
 * Errors: any field negative or not finite; a product beyond the number type (errc::overflow, field
 * "result").
 *
 * **Example**
 *     crm::clv({.average_check = 40.0, .purchases = 4.0, .customer_lifetime = 3.0}).amount == 480.0
 */
template <number T = double>
[[nodiscard]] constexpr result<money<T>> try_clv(const clv_inputs<T>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error({detail::check_non_negative("clv", "average_check", in.average_check),
                                      detail::check_non_negative("clv", "purchases", in.purchases),
                                      detail::check_non_negative("clv", "customer_lifetime", in.customer_lifetime)}))
      return e;
  }
  const T v = detail::product_of_non_negative(in.average_check, in.purchases, in.customer_lifetime);
  if (!detail::fast_finite(v)) [[unlikely]]
    return detail::overflow_error("clv", "result", "average_check * purchases * customer_lifetime is too large");
  return money<T>{v};
}
template <number T = double>
[[nodiscard]] constexpr money<T> clv(const clv_inputs<T>& in) {
  return try_clv(in).value();
}

// --- lifetime value: standard forms beyond the documents ---------------------------------------------

/// Inputs of the margin-based LTV.
template <number T = double>
struct margin_ltv_inputs {
  T average_check{};        ///< money per order (>= 0)
  T purchase_frequency{};   ///< orders per customer per period (>= 0)
  T relationship_length{};  ///< periods (>= 0)
  T gross_margin{};         ///< gross margin as a fraction of revenue, in [0, 1]
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_non_negative(average_check) && detail::fast_non_negative(purchase_frequency) &&
           detail::fast_non_negative(relationship_length) && detail::fast_unit_interval(gross_margin);
  }
};

/**
 * @brief Margin-based LTV: average_check x purchase_frequency x relationship_length x gross_margin.
 * @returns money: the gross profit a customer brings over the relationship (001 line 22 describes LTV
 *          as profit; the formula of line 24 multiplies revenue only).
 * Source: the standard margin form of LTV (e.g. Farris et al., "Marketing Metrics", ch. 5: customer
 * value counts contribution margin, not revenue); it is crm::ltv times the gross margin.
 * Errors: average_check, purchase_frequency or relationship_length negative or not finite;
 * gross_margin outside [0, 1] or not finite; a product beyond the number type (errc::overflow, field
 * "result").
 *
 * **Example**
 *     crm::gross_margin_ltv({.average_check = 40.0, .purchase_frequency = 6.0,
 *                            .relationship_length = 3.0, .gross_margin = 0.25}).amount == 180.0
 */
template <number T = double>
[[nodiscard]] constexpr result<money<T>> try_gross_margin_ltv(const margin_ltv_inputs<T>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error(
            {detail::check_non_negative("gross_margin_ltv", "average_check", in.average_check),
             detail::check_non_negative("gross_margin_ltv", "purchase_frequency", in.purchase_frequency),
             detail::check_non_negative("gross_margin_ltv", "relationship_length", in.relationship_length),
             detail::check_unit_interval("gross_margin_ltv", "gross_margin", in.gross_margin)})) return e;
  }
  const T v = detail::product_of_non_negative(in.average_check, in.purchase_frequency, in.relationship_length,
                                              in.gross_margin);
  if (!detail::fast_finite(v)) [[unlikely]]
    return detail::overflow_error("gross_margin_ltv", "result",
                                  "average_check * purchase_frequency * relationship_length * gross_margin is too large");
  return money<T>{v};
}
template <number T = double>
[[nodiscard]] constexpr money<T> gross_margin_ltv(const margin_ltv_inputs<T>& in) {
  return try_gross_margin_ltv(in).value();
}

/// Inputs of the LTV whose relationship length is derived from churn.
template <number T = double>
struct churn_ltv_inputs {
  T average_check{};       ///< money per order (>= 0)
  T purchase_frequency{};  ///< orders per customer per period (>= 0)
  T churn_rate{};          ///< share of customers lost per period, in (0, 1]
  T gross_margin = T(1);   ///< gross margin in [0, 1]; 1 (the default) gives the revenue form
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_non_negative(average_check) && detail::fast_non_negative(purchase_frequency) &&
           detail::fast_unit_interval(churn_rate) && (churn_rate != T(0)) && detail::fast_unit_interval(gross_margin);
  }
};

/**
 * @brief LTV with the lifetime derived from churn:
 *        average_check x purchase_frequency x gross_margin x (1 / churn_rate).
 * @returns money per customer.
 * Source: 001 line 24 with the average relationship length replaced by the expected lifetime
 * 1 / churn (periods) of a constant per-period churn (geometric lifetime; see
 * crm::customer_lifetime in <crm/metrics/retention.hpp>).
 * Errors: churn_rate zero (infinite lifetime: zero denominator), outside [0, 1] or not finite;
 * gross_margin outside [0, 1]; average_check or purchase_frequency negative or not finite; a
 * result beyond the number type (errc::overflow, field "result").
 *
 * **Example**
 *     crm::ltv_from_churn({.average_check = 40.0, .purchase_frequency = 1.0, .churn_rate = 0.05}).amount == 800.0
 */
template <number T = double>
[[nodiscard]] constexpr result<money<T>> try_ltv_from_churn(const churn_ltv_inputs<T>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error(
            {detail::check_non_negative("ltv_from_churn", "average_check", in.average_check),
             detail::check_non_negative("ltv_from_churn", "purchase_frequency", in.purchase_frequency),
             detail::check_unit_interval("ltv_from_churn", "churn_rate", in.churn_rate),
             detail::check_unit_interval("ltv_from_churn", "gross_margin", in.gross_margin)})) return e;
    if (in.churn_rate == number_traits<T>::zero())
      return error_info{errc::zero_denominator, "ltv_from_churn", "churn_rate", "zero churn means an infinite lifetime"};
  }
  T v = T(detail::product_of_non_negative(in.average_check, in.purchase_frequency, in.gross_margin) / in.churn_rate);
  // a numerator below the smallest normal value (1e-25 * 1e-25 in float) need not make a result
  // below it: 1 / churn_rate (>= 1) joins the ordered product as a fourth factor (one more rounding)
  if (v < std::numeric_limits<T>::min()) [[unlikely]] {
    const T inverse = T(number_traits<T>::one() / in.churn_rate);
    if (detail::fast_finite(inverse))
      v = detail::product_of_non_negative(in.average_check, in.purchase_frequency, in.gross_margin, inverse);
  }
  if (!detail::fast_finite(v)) [[unlikely]]
    return detail::overflow_error("ltv_from_churn", "result",
                                  "average_check * purchase_frequency * gross_margin is too large for so small a churn_rate");
  return money<T>{v};
}
template <number T = double>
[[nodiscard]] constexpr money<T> ltv_from_churn(const churn_ltv_inputs<T>& in) {
  return try_ltv_from_churn(in).value();
}

/// Inputs of the retention/discount LTV of Gupta & Lehmann.
template <number T = double>
struct discounted_ltv_inputs {
  T margin{};          ///< margin per customer per period, received at the end of each period (money; may be negative)
  T retention_rate{};  ///< share of customers kept from one period to the next, in [0, 1]
  T discount_rate{};   ///< discount rate per period (0.1 = 10 %), >= 0
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_finite(margin) && detail::fast_unit_interval(retention_rate) &&
           detail::fast_non_negative(discount_rate) && ((retention_rate != T(1)) || (discount_rate != T(0)));
  }
};

/**
 * @brief LTV with constant retention and discounting: margin x retention_rate / (1 + discount_rate - retention_rate).
 * @returns money: the present value of the margins of one customer, over an infinite horizon,
 *          margins received at the end of each period, the first one after one period of retention.
 * Source: Gupta & Lehmann (2003), "Customers as assets", Journal of Interactive Marketing 17(1):
 * the sum over t >= 1 of m r^t / (1 + d)^t = m r / (1 + d - r). The factor r / (1 + d - r) is
 * their "margin multiple".
 * Errors: retention_rate outside [0, 1]; discount_rate negative; any field not finite;
 * retention_rate 1 with discount_rate 0 (zero denominator, field "discount_rate": an infinite sum);
 * a result beyond the number type (errc::overflow, field "result").
 *
 * **Example**
 *     crm::discounted_ltv({.margin = 100.0, .retention_rate = 0.8, .discount_rate = 0.12}).amount // 250
 */
template <number T = double>
[[nodiscard]] constexpr result<money<T>> try_discounted_ltv(const discounted_ltv_inputs<T>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error({detail::check_finite("discounted_ltv", "margin", in.margin),
                                      detail::check_unit_interval("discounted_ltv", "retention_rate", in.retention_rate),
                                      detail::check_non_negative("discounted_ltv", "discount_rate", in.discount_rate)}))
      return e;
  }
  // (1 - r) + d, not 1 + d - r: 1 - r is exact for r >= 1/2, so a small d survives (1 + 1e-20 - 1
  // would be 0 in double); the denominator is zero only for r = 1 and d = 0.
  const T denominator = T(number_traits<T>::one() - in.retention_rate) + in.discount_rate;
  if (denominator == number_traits<T>::zero())
    return error_info{errc::zero_denominator, "discounted_ltv", "discount_rate",
                      "must be positive when retention_rate is 1: the sum is infinite"};
  const T v = in.margin * in.retention_rate / denominator;
  if (!detail::fast_finite(v)) [[unlikely]]
    return detail::overflow_error("discounted_ltv", "result", "margin is too large for so small a 1 + discount_rate - retention_rate");
  return money<T>{v};
}
template <number T = double>
[[nodiscard]] constexpr money<T> discounted_ltv(const discounted_ltv_inputs<T>& in) {
  return try_discounted_ltv(in).value();
}

// --- acquisition economics -------------------------------------------------------------------------

/// Inputs of the CAC payback period.
template <number T = double>
struct payback_inputs {
  T acquisition_cost{};   ///< CAC: money spent to acquire one customer (>= 0)
  T margin_per_period{};  ///< gross margin one customer brings per period (money, > 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_non_negative(acquisition_cost) && detail::fast_positive(margin_per_period);
  }
};

/**
 * @brief CAC payback period: acquisition_cost / margin_per_period.
 * @returns crm::period_count<T>: how many periods of margin repay the acquisition cost (months when the
 *          margin is monthly).
 * Source: the standard unit-economics definition (CAC payback = CAC / monthly gross margin per
 * customer); CAC as in 001_15fb4e46a87cf176.txt line 48 (crm::cac in <crm/metrics/acquisition.hpp>).
 * Errors: margin_per_period zero (never pays back: zero denominator), negative or not finite;
 * acquisition_cost negative or not finite; a result beyond the number type (errc::overflow, field
 * "result").
 *
 * **Example**
 *     crm::cac_payback_period({.acquisition_cost = 300.0, .margin_per_period = 25.0}).count == 12.0
 */
template <number T = double>
[[nodiscard]] constexpr result<period_count<T>> try_cac_payback_period(const payback_inputs<T>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error({detail::check_non_negative("cac_payback_period", "acquisition_cost", in.acquisition_cost),
                                      detail::check_positive("cac_payback_period", "margin_per_period", in.margin_per_period)}))
      return e;
  }
  const T v = in.acquisition_cost / in.margin_per_period;
  if (!detail::fast_finite(v)) [[unlikely]]
    return detail::overflow_error("cac_payback_period", "result", "acquisition_cost is too large for so small a margin_per_period");
  return period_count<T>{v};
}
template <number T = double>
[[nodiscard]] constexpr period_count<T> cac_payback_period(const payback_inputs<T>& in) {
  return try_cac_payback_period(in).value();
}

/// The value of a customer against the cost of acquiring one.
template <number T = double>
struct unit_economics {
  T lifetime_value{};    ///< LTV per customer (money, >= 0)
  T acquisition_cost{};  ///< CAC per customer (money, > 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_non_negative(lifetime_value) && detail::fast_positive(acquisition_cost);
  }
};

/**
 * @brief LTV:CAC ratio: lifetime_value / acquisition_cost.
 * @returns a multiple (3 = "3x"); below 1 the customer is worth less than it cost to acquire.
 * Source: 003_f1c74d43239c9d2b.txt lines 32-34 (a customer acquired for $10 or $100 who brings $1000
 * profit a year: either cost is acceptable, 100x and 10x); 001_15fb4e46a87cf176.txt line 46 ("if
 * the acquisition cost is greater than LTV, marketing loses money": see crm::acquisition_loses_money).
 * Errors: acquisition_cost zero, negative or not finite; lifetime_value negative or not finite; a
 * result beyond the number type (errc::overflow, field "result").
 *
 * **Example**
 *     crm::ltv_to_cac({.lifetime_value = 1'000.0, .acquisition_cost = 100.0}).value() == 10.0
 */
template <number T = double>
[[nodiscard]] constexpr result<multiple<T>> try_ltv_to_cac(const unit_economics<T>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error({detail::check_non_negative("ltv_to_cac", "lifetime_value", in.lifetime_value),
                                      detail::check_positive("ltv_to_cac", "acquisition_cost", in.acquisition_cost)}))
      return e;
  }
  const T v = in.lifetime_value / in.acquisition_cost;
  if (!detail::fast_finite(v)) [[unlikely]]
    return detail::overflow_error("ltv_to_cac", "result", "lifetime_value is too large for so small an acquisition_cost");
  return multiple<T>{v};
}
template <number T = double>
[[nodiscard]] constexpr multiple<T> ltv_to_cac(const unit_economics<T>& in) {
  return try_ltv_to_cac(in).value();
}

/// true when an LTV:CAC ratio is below 1: acquisition costs more than the customer is worth, and
/// "marketing loses money" (001_15fb4e46a87cf176.txt line 46).
template <number T>
[[nodiscard]] constexpr bool acquisition_loses_money(const multiple<T>& ltv_to_cac_ratio) {
  return ltv_to_cac_ratio.value() < number_traits<T>::one();
}

/// Costs against the revenue they produced.
template <number T = double>
struct cost_and_revenue {
  T cost{};     ///< spend (money, >= 0)
  T revenue{};  ///< revenue obtained with it (money, > 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_non_negative(cost) && detail::fast_positive(revenue);
  }
};

/**
 * @brief Cost-to-revenue ratio: cost / revenue.
 * @returns a rate (0.2 = 20 % of revenue spent); above 1 the channel costs more than it brings.
 * Source: 000_9949ba3a3098aa87.txt line 188 names it for social media ("how much the company spent
 * on marketing in social networks and how much it received") without a formula; this is the
 * standard definition (spend as a share of revenue; the reciprocal of ROAS).
 * Errors: revenue zero, negative or not finite; cost negative or not finite; a result beyond the
 * number type (errc::overflow, field "result").
 *
 * **Example**
 *     crm::cost_to_revenue({.cost = 20'000.0, .revenue = 80'000.0}).percent() == 25.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_cost_to_revenue(const cost_and_revenue<T>& in) noexcept(std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error({detail::check_non_negative("cost_to_revenue", "cost", in.cost),
                                      detail::check_positive("cost_to_revenue", "revenue", in.revenue)})) return e;
  }
  const T v = in.cost / in.revenue;
  if (!detail::fast_finite(v)) [[unlikely]]
    return detail::overflow_error("cost_to_revenue", "result", "cost is too large for so small a revenue");
  return rate<T>{v};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> cost_to_revenue(const cost_and_revenue<T>& in) {
  return try_cost_to_revenue(in).value();
}

/// Profit from acquired customers and what acquiring them cost.
template <number T = double>
struct acquired_customers {
  T gross_profit{};       ///< gross profit the acquired customers brought (money; may be negative)
  T acquisition_cost{};   ///< total spent to acquire them (money, >= 0)
  count_t customers = 0;  ///< customers acquired (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return detail::fast_finite(gross_profit) && detail::fast_non_negative(acquisition_cost) && (customers > 0);
  }
};

/**
 * @brief Profit per acquired customer: (gross_profit - acquisition_cost) / customers.
 * @returns money per customer; negative when acquisition cost more than the customers brought.
 * Source: 003_f1c74d43239c9d2b.txt line 16 names it ("what profit the business gets from each
 * acquired customer") without a formula; this is the standard unit-economics reading: the
 * customers' gross profit net of their acquisition cost, per customer (= profit per customer - CAC).
 * Errors: customers zero or negative; acquisition_cost negative or not finite; gross_profit not
 * finite; a loss per customer beyond the number type (errc::overflow, field "result").
 *
 * **Example**
 *     crm::profit_per_acquired_customer({.gross_profit = 50'000.0, .acquisition_cost = 10'000.0,
 *                                        .customers = 100}).amount == 400.0
 */
template <number T = double>
[[nodiscard]] constexpr result<money<T>> try_profit_per_acquired_customer(const acquired_customers<T>& in) noexcept(
    std::is_arithmetic_v<T>) {
  if (!in.ok()) [[unlikely]] {
    if (auto e = detail::first_error(
            {detail::check_finite("profit_per_acquired_customer", "gross_profit", in.gross_profit),
             detail::check_non_negative("profit_per_acquired_customer", "acquisition_cost", in.acquisition_cost),
             detail::check_count_positive("profit_per_acquired_customer", "customers", in.customers)})) return e;
  }
  const T net = in.gross_profit - in.acquisition_cost;
  if (detail::fast_finite(net)) [[likely]]
    return money<T>{divide_by_count(net, in.customers)};
  // gross_profit - acquisition_cost overflowed (a huge loss): divide first.
  const T v = divide_by_count(in.gross_profit, in.customers) - divide_by_count(in.acquisition_cost, in.customers);
  if (!detail::fast_finite(v))
    return detail::overflow_error("profit_per_acquired_customer", "result",
                                  "gross_profit - acquisition_cost per customer is too large a loss");
  return money<T>{v};
}
template <number T = double>
[[nodiscard]] constexpr money<T> profit_per_acquired_customer(const acquired_customers<T>& in) {
  return try_profit_per_acquired_customer(in).value();
}

CRM_METRICS_END_NAMESPACE

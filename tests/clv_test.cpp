// Tests of <crm/models/clv.hpp>: model-based customer lifetime value, discounted per period.
#include "catch.hpp"

#include <crm/models/bg_bb.hpp>
#include <crm/models/bg_nbd.hpp>
#include <crm/models/clv.hpp>
#include <crm/models/gamma_gamma.hpp>

#include <cmath>
#include <limits>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace clv_test {

using Catch::Matchers::WithinRel;

namespace {
/// A transaction model with a constant rate: E[X(t)] = rate * t for everyone. Its CLV has the
/// closed form of an annuity, margin * spend * rate * L * (1 - (1 + d)^-H) / d.
template <class T>
struct constant_rate {
  T rate;
  [[nodiscard]] crm::result<T> try_conditional_expected_purchases(int /*customer*/, T t) const {
    if (t < T(0)) return crm::error_info{crm::errc::negative, "constant_rate", "t"};
    if (rate < T(0)) return crm::error_info{crm::errc::negative, "constant_rate", "rate"};
    return rate * t;
  }
};
}  // namespace

static_assert(crm::conditional_transaction_model<constant_rate<double>, int, double>);
static_assert(crm::conditional_transaction_model<crm::bg_bb<double>, crm::discrete_row<double>, double>);
static_assert(crm::conditional_transaction_model<crm::bg_nbd<double>, crm::rfm_row<double>, double>);
static_assert(!crm::conditional_transaction_model<crm::gamma_gamma<double>, crm::rfm_row<double>, double>);
static_assert(crm::clv_horizon<double>{}.ok());
static_assert(!crm::clv_horizon<double>{.margin = 1.5}.ok());

TEMPLATE_TEST_CASE("customer_lifetime_value: a constant purchase rate gives the annuity formula", "[clv]", double,
                   long double) {
  using T = TestType;
  const constant_rate<T> m{T(0.5)};  // 0.5 purchases per week
  const crm::clv_horizon<T> h{.periods = 12, .period_length = T(4.345), .discount_rate = T(0.01), .margin = T(0.3)};
  const T spend = T(40);
  const T annuity = h.margin * spend * m.rate * h.period_length * (T(1) - std::pow(T(1.01), T(-12))) / T(0.01);
  CHECK_THAT(static_cast<double>(crm::customer_lifetime_value(m, 0, spend, h)), WithinRel(static_cast<double>(annuity), 1e-12));
  // No discounting: margin x spend x expected purchases over the horizon, the 001 line 24 /
  // 002 line 10 "average check x number of purchases x lifetime" with predicted purchases.
  const crm::clv_horizon<T> flat{.periods = 12, .period_length = T(4.345), .discount_rate = T(0), .margin = T(1)};
  CHECK_THAT(static_cast<double>(crm::customer_lifetime_value(m, 0, spend, flat)),
             WithinRel(static_cast<double>(spend * m.rate * T(12) * T(4.345)), 1e-12));
}

TEST_CASE("customer_lifetime_value: BG/NBD + Gamma-Gamma on CDNOW customers equals an independent SciPy sum",
          "[clv]") {
  // SciPy (scripts/reference_spend_discrete.py): sum_{i=1}^{12} spend * (E[Y(4.345 i)] - E[Y(4.345 (i-1))]) / 1.01^i
  // with E[Y(t)|x,t_x,T] of Fader, Hardie & Lee (2005) written with scipy.special.hyp2f1, at the
  // published BG/NBD r, alpha, a, b = 0.243, 4.414, 0.793, 2.426 and Gamma-Gamma 6.25, 3.74, 15.44.
  const crm::bg_nbd<double> tx{.r = 0.243, .alpha = 4.414, .a = 0.793, .b = 2.426};
  const crm::gamma_gamma<double> gg{.p = 6.25, .q = 3.74, .gamma = 15.44};
  const crm::clv_horizon<double> h{.periods = 12, .period_length = 4.345, .discount_rate = 0.01};
  struct customer {
    double x, tx, age, zbar, clv;
  };
  // CDNOW customers 1, 2, 3 and 157 of cdnow_customers_summary_with_transactions.csv.
  for (const customer& c : {customer{2, 30.43, 38.86, 22.35, 36.2892111255992}, customer{1, 1.71, 38.86, 11.77, 4.63729465974718},
                            customer{0, 0.0, 38.86, 0.0, 8.36900435892018}, customer{29, 37.71, 38.0, 26.26, 625.334150346276}}) {
    const double spend = gg.conditional_expected_average_spend(c.x, c.zbar);
    INFO("x " << c.x);
    CHECK_THAT(crm::customer_lifetime_value(tx, crm::rfm_row<double>{c.x, c.tx, c.age, 1}, spend, h), WithinRel(c.clv, 1e-8));
  }
}

TEST_CASE("customer_lifetime_value: BG/BB over a long horizon converges to margin x spend x DERT", "[clv]") {
  // Two code paths: cumulative conditional expectations discounted period by period here, the 2F1
  // series of Fader, Hardie & Shang (2010) in discounted_expected_residual_transactions.
  const crm::bg_bb<double> m{.alpha = 1.204, .beta = 0.750, .gamma = 0.657, .delta = 2.783};
  const crm::discrete_row<double> donor{3, 4, 6, 1};
  const crm::clv_horizon<double> h{.periods = 3000, .period_length = 1, .discount_rate = 0.1, .margin = 0.8};
  CHECK_THAT(crm::customer_lifetime_value(m, donor, 50.0, h),
             WithinRel(0.8 * 50.0 * m.discounted_expected_residual_transactions(donor, 0.1), 1e-10));
  // A longer horizon never lowers the value; a higher discount rate never raises it.
  const crm::clv_horizon<double> h5{.periods = 5, .period_length = 1, .discount_rate = 0.1};
  const crm::clv_horizon<double> h10{.periods = 10, .period_length = 1, .discount_rate = 0.1};
  const crm::clv_horizon<double> h10d{.periods = 10, .period_length = 1, .discount_rate = 0.2};
  CHECK(crm::customer_lifetime_value(m, donor, 50.0, h5) < crm::customer_lifetime_value(m, donor, 50.0, h10));
  CHECK(crm::customer_lifetime_value(m, donor, 50.0, h10d) < crm::customer_lifetime_value(m, donor, 50.0, h10));
}

TEST_CASE("customer_lifetime_value: bad horizon, spend or model prediction is an error, in both forms",
          "[clv][errors]") {
  const constant_rate<double> m{0.5};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(crm::try_customer_lifetime_value(m, 0, 10.0, {.periods = 0}).error().field == std::string("periods"));
  CHECK(crm::try_customer_lifetime_value(m, 0, 10.0, {.period_length = 0}).error().field == std::string("period_length"));
  CHECK(crm::try_customer_lifetime_value(m, 0, 10.0, {.discount_rate = -0.1}).error().code == crm::errc::negative);
  CHECK(crm::try_customer_lifetime_value(m, 0, 10.0, {.discount_rate = nan}).error().code == crm::errc::not_finite);
  CHECK(crm::try_customer_lifetime_value(m, 0, 10.0, {.margin = 1.2}).error().field == std::string("margin"));
  CHECK(crm::try_customer_lifetime_value(m, 0, -10.0, {}).error().field == std::string("expected_spend"));
  CHECK(crm::try_customer_lifetime_value(m, 0, nan, {}).error().code == crm::errc::not_finite);
  CHECK_THROWS_WITH(crm::customer_lifetime_value(m, 0, 10.0, {.margin = -1.0}),
                    Catch::Matchers::Contains("crm::customer_lifetime_value: margin"));
  // The model's own error is passed on.
  const constant_rate<double> broken{-1};
  CHECK(crm::try_customer_lifetime_value(broken, 0, 10.0, {}).error().field == std::string("rate"));
  const crm::bg_bb<double> bb{.alpha = 1, .beta = 1, .gamma = 1, .delta = 1};
  CHECK(crm::try_customer_lifetime_value(bb, crm::discrete_row<double>{3, 2, 6, 1}, 10.0, {}).error().code ==
        crm::errc::part_exceeds_whole);
  // BG/BB counts whole opportunities: a fractional period length is refused by the model.
  CHECK(crm::try_customer_lifetime_value(bb, crm::discrete_row<double>{1, 2, 6, 1}, 10.0, {.period_length = 0.5}).error().code ==
        crm::errc::malformed);
  CHECK_THROWS_AS(crm::customer_lifetime_value(bb, crm::discrete_row<double>{1, 2, 6, 1}, 10.0, {.period_length = 0.5}),
                  crm::metric_error);
}

}  // namespace clv_test

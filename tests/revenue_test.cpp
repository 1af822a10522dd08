// Tests of <crm/metrics/revenue.hpp>: ROI, ROMI, average check, purchase frequency, LTV/CLV forms,
// CAC payback, LTV:CAC, cost-to-revenue, profit per acquired customer.
// Seeds (../shared/seeds): 000 = 000_9949ba3a3098aa87.txt, 001 = 001_15fb4e46a87cf176.txt,
// 002 = 002_16fc3440f7c5e33f.txt, 003 = 003_f1c74d43239c9d2b.txt, 004 = 004_27df46bff09b8c6f.txt.
#include "catch.hpp"
#include "number_helpers.hpp"
#include "data_path.hpp"
#include "limits_helpers.hpp"

#include <crm/metrics.hpp>
#include <crm/multiprecision.hpp>

#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace revenue_test {

using Catch::Matchers::WithinRel;

namespace {
using crm_test::approx_equal;
using crm_test::kInf;
using crm_test::kNaN;
using crm_test::parse;
}  // namespace

// --- compile-time evaluation of the double forms ----------------------------------------------------
// 004_27df46bff09b8c6f.txt line 111: invested 100 000 RUB, income 250 000 RUB -> ROI 150 %.
static_assert(crm::roi({.revenue = 250'000.0, .cost = 100'000.0}).percent() == 150.0);
// 004_27df46bff09b8c6f.txt line 269 (and the table at lines 278-282): 100 000 -> 150 000 is 50 %.
static_assert(crm::roi({.revenue = 150'000.0, .cost = 100'000.0}).fraction == 0.5);
static_assert(crm::romi({.revenue = 125'000.0, .marketing_cost = 100'000.0}).percent() == 25.0);
static_assert(crm::average_check({.revenue = 125'000.0, .orders = 50}).amount == 2'500.0);
static_assert(crm::average_order_value({.revenue = 125'000.0, .orders = 50}).amount == 2'500.0);
static_assert(crm::purchase_frequency({.orders = 300, .customers = 200}).value() == 1.5);
static_assert(crm::ltv({.average_check = 40.0, .purchase_frequency = 6.0, .relationship_length = 3.0}).amount == 720.0);
static_assert(crm::clv({.average_check = 40.0, .purchases = 4.0, .customer_lifetime = 3.0}).amount == 480.0);
static_assert(crm::gross_margin_ltv({.average_check = 40.0, .purchase_frequency = 6.0, .relationship_length = 3.0,
                                     .gross_margin = 0.25})
                  .amount == 180.0);
static_assert(crm::ltv_from_churn({.average_check = 40.0, .purchase_frequency = 1.0, .churn_rate = 0.25}).amount == 160.0);
static_assert(crm::discounted_ltv({.margin = 100.0, .retention_rate = 0.5, .discount_rate = 0.0}).amount == 100.0);
static_assert(crm::cac_payback_period({.acquisition_cost = 300.0, .margin_per_period = 25.0}).count == 12.0);
static_assert(crm::ltv_to_cac({.lifetime_value = 1'000.0, .acquisition_cost = 100.0}).value() == 10.0);
static_assert(crm::cost_to_revenue({.cost = 20'000.0, .revenue = 80'000.0}).percent() == 25.0);
static_assert(crm::profit_per_acquired_customer({.gross_profit = 50'000.0, .acquisition_cost = 10'000.0, .customers = 100})
                  .amount == 400.0);
static_assert(!crm::try_romi({.revenue = 1.0, .marketing_cost = 0.0}).has_value());
static_assert(crm::acquisition_loses_money(crm::ltv_to_cac({.lifetime_value = 80.0, .acquisition_cost = 100.0})));

// House style 9: the input structs are trivially copyable aggregates for T = double.
static_assert(std::is_trivially_copyable_v<crm::marketing_investment<double>> &&
              std::is_aggregate_v<crm::marketing_investment<double>>);
static_assert(std::is_trivially_copyable_v<crm::order_totals<double>> && std::is_aggregate_v<crm::ltv_inputs<double>>);
static_assert(std::is_trivially_copyable_v<crm::churn_ltv_inputs<double>> &&
              std::is_trivially_copyable_v<crm::discounted_ltv_inputs<double>>);
static_assert(std::is_same_v<decltype(crm::cac_payback_period({.acquisition_cost = 1.0, .margin_per_period = 1.0})),
                             crm::period_count<double>>);
static_assert(std::is_same_v<decltype(crm::ltv_to_cac({.lifetime_value = 1.0, .acquisition_cost = 1.0})), crm::multiple<double>>);

// --- ROI ----------------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("roi: worked examples of 004 for every number type", "[revenue]", float, double,
                   long double, crm::decimal50, crm::quad) {
  using T = TestType;
  CHECK(crm::roi(crm::investment<T>{.revenue = T(250000), .cost = T(100000)}).percent() == T(150));
  CHECK(crm::roi(crm::investment<T>{.revenue = T(150000), .cost = T(100000)}).percent() == T(50));
  CHECK(crm::roi(crm::investment<T>{.revenue = T(50000), .cost = T(100000)}).percent() == T(-50));
}

TEST_CASE("roi: bad input is an error naming metric and field, in both forms", "[revenue][errors]") {
  CHECK_THROWS_WITH(crm::roi({.revenue = 1.0, .cost = 0.0}), "crm::roi: cost is zero (zero denominator)");
  CHECK_THROWS_WITH(crm::roi({.revenue = -1.0, .cost = 5.0}), "crm::roi: revenue is negative");
  CHECK_THROWS_AS(crm::roi({.revenue = kNaN, .cost = 5.0}), crm::metric_error);
  CHECK(crm::try_roi({.revenue = 1.0, .cost = -2.0}).error().code == crm::errc::negative);
  CHECK(crm::try_roi({.revenue = kNaN, .cost = 2.0}).error().code == crm::errc::not_finite);
  CHECK(crm::try_roi({.revenue = 1.0, .cost = kInf}).error().code == crm::errc::not_finite);
  CHECK_FALSE(crm::investment<double>{.revenue = 1.0, .cost = 0.0}.ok());
  CHECK(crm::investment<double>{.revenue = 1.0, .cost = 2.0}.ok());
}

// --- ROMI ---------------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("romi: 001 line 54 ((revenue - costs) / costs) for every number type", "[revenue]", float, double,
                   long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: (125 000 - 100 000) / 100 000 = 0.25 = 25 %.
  CHECK(crm::romi(crm::marketing_investment<T>{.revenue = T(125000), .marketing_cost = T(100000)}).percent() == T(25));
  // A campaign that brought back only 40 000 of 100 000: (40 000 - 100 000) / 100 000 = -60 %.
  CHECK(approx_equal(crm::romi(crm::marketing_investment<T>{.revenue = T(40000), .marketing_cost = T(100000)}).percent(), T(-60)));
}

TEST_CASE("romi: same arithmetic as roi on the same numbers (001 line 54 vs 000 line 86), separate names", "[revenue]") {
  CHECK(crm::romi({.revenue = 250'000.0, .marketing_cost = 100'000.0}) == crm::roi({.revenue = 250'000.0, .cost = 100'000.0}));
}

TEST_CASE("romi: bad input, both forms, message names metric and field", "[revenue][errors]") {
  CHECK_THROWS_WITH(crm::romi({.revenue = 10.0, .marketing_cost = 0.0}),
                    "crm::romi: marketing_cost is zero (zero denominator)");
  CHECK_THROWS_WITH(crm::romi({.revenue = -10.0, .marketing_cost = 1.0}), "crm::romi: revenue is negative");
  const auto r = crm::try_romi({.revenue = kNaN, .marketing_cost = 1.0});
  CHECK(r.error().code == crm::errc::not_finite);
  CHECK(std::string(r.error().field) == "revenue");
  CHECK(crm::try_romi({.revenue = 1.0, .marketing_cost = -kInf}).error().code == crm::errc::not_finite);
  CHECK(crm::try_romi({.revenue = 1.0, .marketing_cost = -3.0}).error().code == crm::errc::negative);
  CHECK_FALSE(crm::marketing_investment<double>{.revenue = 1.0, .marketing_cost = 0.0}.ok());
}

// --- average check and purchase frequency ------------------------------------------------------------

TEMPLATE_TEST_CASE("average_check: 001 line 30 and 000 line 78 (revenue / orders) for every number type", "[revenue]",
                   float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 125 000 / 50 orders = 2 500 per order.
  CHECK(crm::average_check(crm::order_totals<T>{.revenue = T(125000), .orders = 50}).amount == T(2500));
  CHECK(crm::average_order_value(crm::order_totals<T>{.revenue = T(125000), .orders = 50}).amount == T(2500));
  // 1 000 / 3 orders = 333.33...
  CHECK(approx_equal(crm::average_check(crm::order_totals<T>{.revenue = T(1000), .orders = 3}).amount, T(T(1000) / T(3))));
  CHECK(crm::average_check(crm::order_totals<T>{.revenue = T(0), .orders = 7}).amount == T(0));
}

TEST_CASE("average_check: decimal money is exactly 0.10-granular in decimal50, not in double", "[revenue]") {
  // Ten orders of 0.10: revenue summed order by order, then divided by 10.
  crm::decimal50 revenue_dec = 0;
  double revenue_dbl = 0;
  for (int i = 0; i < 10; ++i) {
    revenue_dec += crm::decimal50("0.10");
    revenue_dbl += 0.10;
  }
  CHECK(crm::average_check(crm::order_totals<crm::decimal50>{.revenue = revenue_dec, .orders = 10}).amount ==
        crm::decimal50("0.10"));
  CHECK(crm::average_check({.revenue = revenue_dbl, .orders = 10}).amount != 0.10);  // binary rounding shows
  // 1 234.50 over 10 orders is exactly 123.45 in decimal50.
  CHECK(crm::average_check(crm::order_totals<crm::decimal50>{.revenue = crm::decimal50("1234.50"), .orders = 10}).amount ==
        crm::decimal50("123.45"));
}

TEST_CASE("average_check: bad input, both forms", "[revenue][errors]") {
  CHECK_THROWS_WITH(crm::average_check({.revenue = 100.0, .orders = 0}),
                    "crm::average_check: orders is zero (zero denominator)");
  CHECK_THROWS_WITH(crm::average_order_value({.revenue = 100.0, .orders = -2}), "crm::average_check: orders is negative");
  CHECK(crm::try_average_check({.revenue = -1.0, .orders = 2}).error().code == crm::errc::negative);
  CHECK(crm::try_average_check({.revenue = kInf, .orders = 2}).error().code == crm::errc::not_finite);
  CHECK(crm::try_average_order_value({.revenue = kNaN, .orders = 2}).error().code == crm::errc::not_finite);
  CHECK_FALSE(crm::order_totals<double>{.revenue = 1.0, .orders = 0}.ok());
}

TEMPLATE_TEST_CASE("purchase_frequency: orders / customers (000 line 32, standard definition) for every number type",
                   "[revenue]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 300 orders by 200 customers = 1.5 purchases per customer.
  CHECK(crm::purchase_frequency<T>({.orders = 300, .customers = 200}).value() == T(3) / T(2));
  CHECK(approx_equal(crm::purchase_frequency<T>({.orders = 170, .customers = 100}).value(), parse<T>("1.7")));
  CHECK(crm::purchase_frequency<T>({.orders = 0, .customers = 5}).value() == T(0));
}

TEST_CASE("purchase_frequency: bad input, both forms", "[revenue][errors]") {
  CHECK_THROWS_WITH(crm::purchase_frequency({.orders = 3, .customers = 0}),
                    "crm::purchase_frequency: customers is zero (zero denominator)");
  CHECK(crm::try_purchase_frequency({.orders = -1, .customers = 3}).error().code == crm::errc::negative);
  CHECK(crm::try_purchase_frequency<float>({.orders = 1, .customers = -3}).error().code == crm::errc::negative);
  CHECK_FALSE(crm::purchase_counts{.orders = 1, .customers = 0}.ok());
}

TEST_CASE("purchase_frequency: CDNOW 1/10 sample, 6 919 purchases by 2 357 customers (data README)", "[revenue][data]") {
  // Published size of the sample (Fader & Hardie; ../shared/data/README.md): 2 357 customers, 6 919
  // purchases over 1997-01 .. 1998-06. Columns: master id, sample id, date, CDs, dollar value.
  const auto f = crm_test::data_file("cdnow/CDNOW_sample.txt");
  CRM_REQUIRE_DATA(f);
  std::ifstream in(f);
  REQUIRE(in);
  std::set<long long> customers;
  crm::count_t orders = 0;
  double revenue = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    long long master = 0, id = 0, date = 0, cds = 0;
    double value = 0;
    if (!(row >> master >> id >> date >> cds >> value)) continue;
    customers.insert(id);
    ++orders;
    revenue += value;
  }
  REQUIRE(orders == 6919);
  REQUIRE(customers.size() == 2357);
  CHECK_THAT(crm::purchase_frequency({.orders = orders, .customers = static_cast<crm::count_t>(customers.size())}).value(),
             WithinRel(6919.0 / 2357.0, 1e-15));
  // Average check over the same purchases is revenue / 6 919.
  CHECK_THAT(crm::average_check({.revenue = revenue, .orders = orders}).amount, WithinRel(revenue / 6919.0, 1e-15));
}

// --- LTV / CLV -----------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("ltv: 001 line 24 (average check x purchase frequency x relationship length) for every number type",
                   "[revenue]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 40 per order x 6 orders a year x 3 years = 720.
  CHECK(crm::ltv(crm::ltv_inputs<T>{.average_check = T(40), .purchase_frequency = T(6), .relationship_length = T(3)}).amount ==
        T(720));
  // 19.99 x 2.5 x 4 = 199.9
  CHECK(approx_equal(crm::ltv(crm::ltv_inputs<T>{.average_check = parse<T>("19.99"), .purchase_frequency = parse<T>("2.5"),
                                          .relationship_length = T(4)})
                  .amount,
              parse<T>("199.9")));
}

TEMPLATE_TEST_CASE("clv: 002 line 10 (average check x number of purchases x customer lifetime) for every number type",
                   "[revenue]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 40 x 4 purchases x 3 = 480.
  CHECK(crm::clv(crm::clv_inputs<T>{.average_check = T(40), .purchases = T(4), .customer_lifetime = T(3)}).amount == T(480));
}

// An intermediate product below the smallest normal number made a representable LTV 0 (a made-up
// zero): 1e-200 x 1e-200 x 1e300 is 1e-100 (hand arithmetic), and the ordered product finds it.
TEST_CASE("ltv, clv, gross_margin_ltv, ltv_from_churn: an intermediate underflow is not a zero result", "[revenue][limits]") {
  const auto rel = [](double got, double want) { return std::fabs(got - want) <= 4e-16 * want; };
  CHECK(rel(crm::ltv({.average_check = 1e-200, .purchase_frequency = 1e-200, .relationship_length = 1e300}).amount, 1e-100));
  CHECK(rel(crm::clv({.average_check = 1e-200, .purchases = 1e-200, .customer_lifetime = 1e300}).amount, 1e-100));
  CHECK(rel(crm::gross_margin_ltv({.average_check = 1e-200, .purchase_frequency = 1e-200, .relationship_length = 1e300,
                                   .gross_margin = 0.5})
                .amount,
            5e-101));
  const float f = crm::ltv<float>({.average_check = 1e-30f, .purchase_frequency = 1e-30f, .relationship_length = 1e30f}).amount;
  CHECK(std::fabs(f - 1e-30f) <= 4 * std::numeric_limits<float>::epsilon() * 1e-30f);
  const float c = crm::ltv_from_churn<float>({.average_check = 1e-25f, .purchase_frequency = 1e-25f, .churn_rate = 1e-20f}).amount;
  CHECK(std::fabs(c - 1e-30f) <= 4 * std::numeric_limits<float>::epsilon() * 1e-30f);
  // A product truly below double's range rounds to 0 (1e-410), and a zero factor is exactly 0.
  CHECK(crm::ltv({.average_check = 1e-200, .purchase_frequency = 1e-200, .relationship_length = 1e-10}).amount == 0.0);
  CHECK(crm::ltv({.average_check = 0.0, .purchase_frequency = 1e-200, .relationship_length = 1e300}).amount == 0.0);
}

TEST_CASE("ltv vs clv: 001 and 002 differ on the same customer (12 purchases in 3 years at 40)", "[revenue][variants]") {
  // 001 line 24: frequency = 12 / 3 = 4 a year, so 40 x 4 x 3 = 480 (= the customer's revenue 12 x 40).
  const double by_001 = crm::ltv({.average_check = 40.0, .purchase_frequency = 12.0 / 3.0, .relationship_length = 3.0}).amount;
  // 002 line 10 taken literally with the number of purchases (12): 40 x 12 x 3 = 1 440.
  const double by_002 = crm::clv({.average_check = 40.0, .purchases = 12.0, .customer_lifetime = 3.0}).amount;
  CHECK(by_001 == 480.0);
  CHECK(by_002 == 1440.0);
  CHECK(by_001 != by_002);
  // They agree only when 002's "number of purchases" is a count per period of the lifetime.
  CHECK(crm::clv({.average_check = 40.0, .purchases = 4.0, .customer_lifetime = 3.0}).amount == by_001);
}

TEST_CASE("ltv, clv: bad input, both forms", "[revenue][errors]") {
  CHECK_THROWS_WITH(crm::ltv({.average_check = -1.0, .purchase_frequency = 1.0, .relationship_length = 1.0}),
                    "crm::ltv: average_check is negative");
  CHECK_THROWS_WITH(crm::clv({.average_check = 1.0, .purchases = 1.0, .customer_lifetime = kNaN}),
                    "crm::clv: customer_lifetime is not finite (NaN or infinity)");
  CHECK(crm::try_ltv({.average_check = 1.0, .purchase_frequency = -2.0, .relationship_length = 1.0}).error().code ==
        crm::errc::negative);
  CHECK(crm::try_ltv({.average_check = 1.0, .purchase_frequency = 2.0, .relationship_length = kInf}).error().code ==
        crm::errc::not_finite);
  CHECK(crm::try_clv({.average_check = 1.0, .purchases = -1.0, .customer_lifetime = 1.0}).error().code == crm::errc::negative);
  CHECK(std::string(crm::try_clv({.average_check = 1.0, .purchases = -1.0, .customer_lifetime = 1.0}).error().field) ==
        "purchases");
  CHECK_FALSE(crm::ltv_inputs<double>{.average_check = kNaN}.ok());
  CHECK(crm::clv_inputs<double>{}.ok());  // all zero: a worthless customer, not an error
}

TEMPLATE_TEST_CASE("gross_margin_ltv: ltv x gross margin (standard margin form) for every number type", "[revenue]", float,
                   double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 40 x 6 x 3 = 720 of revenue; at a 25 % gross margin, 180 of profit.
  const crm::money<T> v = crm::gross_margin_ltv(crm::margin_ltv_inputs<T>{
      .average_check = T(40), .purchase_frequency = T(6), .relationship_length = T(3), .gross_margin = T(1) / T(4)});
  CHECK(v.amount == T(180));
  // A margin of 1 gives back the revenue form of 001.
  CHECK(crm::gross_margin_ltv(crm::margin_ltv_inputs<T>{.average_check = T(40), .purchase_frequency = T(6),
                                                        .relationship_length = T(3), .gross_margin = T(1)}) ==
        crm::ltv(crm::ltv_inputs<T>{.average_check = T(40), .purchase_frequency = T(6), .relationship_length = T(3)}));
}

TEST_CASE("gross_margin_ltv: revenue LTV and margin LTV differ on the same input", "[revenue][variants]") {
  const double revenue_ltv = crm::ltv({.average_check = 40.0, .purchase_frequency = 6.0, .relationship_length = 3.0}).amount;
  const double margin_ltv =
      crm::gross_margin_ltv({.average_check = 40.0, .purchase_frequency = 6.0, .relationship_length = 3.0, .gross_margin = 0.3})
          .amount;
  CHECK(revenue_ltv == 720.0);
  CHECK_THAT(margin_ltv, WithinRel(216.0, 1e-15));  // 720 x 0.3
}

TEST_CASE("gross_margin_ltv: bad input, both forms", "[revenue][errors]") {
  CHECK_THROWS_WITH(
      crm::gross_margin_ltv({.average_check = 1.0, .purchase_frequency = 1.0, .relationship_length = 1.0, .gross_margin = 1.5}),
      "crm::gross_margin_ltv: gross_margin is out of range (must lie in [0, 1])");
  CHECK(crm::try_gross_margin_ltv({.average_check = 1.0, .purchase_frequency = 1.0, .relationship_length = 1.0,
                                   .gross_margin = -0.1})
            .error()
            .code == crm::errc::out_of_range);
  CHECK(crm::try_gross_margin_ltv({.average_check = 1.0, .purchase_frequency = 1.0, .relationship_length = -1.0,
                                   .gross_margin = 0.5})
            .error()
            .code == crm::errc::negative);
  CHECK(crm::try_gross_margin_ltv({.average_check = 1.0, .purchase_frequency = kNaN, .relationship_length = 1.0,
                                   .gross_margin = 0.5})
            .error()
            .code == crm::errc::not_finite);
}

TEMPLATE_TEST_CASE("ltv_from_churn: lifetime 1 / churn replaces the relationship length of 001 line 24", "[revenue]", float,
                   double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 40 x 1 purchase a month / 0.05 churn a month = 40 x 20 months = 800.
  const T churn = parse<T>("0.05");
  const crm::money<T> v =
      crm::ltv_from_churn(crm::churn_ltv_inputs<T>{.average_check = T(40), .purchase_frequency = T(1), .churn_rate = churn});
  CHECK(approx_equal(v.amount, T(800)));
  // The same as ltv() with relationship_length = crm::customer_lifetime(churn).
  const T lifetime = crm::customer_lifetime(crm::churn_per_period<T>{.churn_rate = churn}).count;
  CHECK(approx_equal(v.amount,
              crm::ltv(crm::ltv_inputs<T>{.average_check = T(40), .purchase_frequency = T(1), .relationship_length = lifetime})
                  .amount));
  // With a 25 % gross margin: 200.
  CHECK(approx_equal(crm::ltv_from_churn(crm::churn_ltv_inputs<T>{.average_check = T(40), .purchase_frequency = T(1),
                                                            .churn_rate = churn, .gross_margin = T(1) / T(4)})
                  .amount,
              T(200)));
}

TEST_CASE("ltv_from_churn: zero churn is an infinite lifetime, an error in both forms", "[revenue][errors]") {
  CHECK_THROWS_WITH(crm::ltv_from_churn({.average_check = 40.0, .purchase_frequency = 1.0, .churn_rate = 0.0}),
                    "crm::ltv_from_churn: churn_rate is zero (zero denominator) (zero churn means an infinite lifetime)");
  CHECK(crm::try_ltv_from_churn({.average_check = 40.0, .purchase_frequency = 1.0, .churn_rate = 1.2}).error().code ==
        crm::errc::out_of_range);
  CHECK(crm::try_ltv_from_churn({.average_check = 40.0, .purchase_frequency = 1.0, .churn_rate = 0.1, .gross_margin = 2.0})
            .error()
            .code == crm::errc::out_of_range);
  CHECK(crm::try_ltv_from_churn({.average_check = -40.0, .purchase_frequency = 1.0, .churn_rate = 0.1}).error().code ==
        crm::errc::negative);
  CHECK(crm::try_ltv_from_churn({.average_check = 40.0, .purchase_frequency = 1.0, .churn_rate = kNaN}).error().code ==
        crm::errc::not_finite);
}

TEMPLATE_TEST_CASE("discounted_ltv: Gupta & Lehmann 2003, m r / (1 + d - r), for every number type", "[revenue]", float, double,
                   long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 100 x 0.8 / (1 + 0.12 - 0.8) = 80 / 0.32 = 250 (margin multiple 2.5).
  CHECK(approx_equal(crm::discounted_ltv(crm::discounted_ltv_inputs<T>{.margin = T(100), .retention_rate = parse<T>("0.8"),
                                                                .discount_rate = parse<T>("0.12")})
                  .amount,
              T(250)));
  // 100 x 0.9 / (1 + 0.1 - 0.9) = 90 / 0.2 = 450 (margin multiple 4.5).
  CHECK(approx_equal(crm::discounted_ltv(crm::discounted_ltv_inputs<T>{.margin = T(100), .retention_rate = parse<T>("0.9"),
                                                                .discount_rate = parse<T>("0.1")})
                  .amount,
              T(450)));
  // No retention: the customer never comes back, the value is 0.
  CHECK(crm::discounted_ltv(crm::discounted_ltv_inputs<T>{.margin = T(100), .retention_rate = T(0), .discount_rate = T(0)})
            .amount == T(0));
}

TEST_CASE("discounted_ltv: equals the discounted sum of retained margins, computed independently", "[revenue]") {
  // Independent check: sum over t = 1..4000 of m r^t / (1 + d)^t, term by term in long double
  // (the closed form is the limit of this geometric series).
  for (const double r : {0.6, 0.7, 0.8, 0.9}) {
    for (const double d : {0.10, 0.12, 0.14, 0.16}) {
      long double sum = 0, term = 1;
      for (int t = 1; t <= 4000; ++t) {
        term *= static_cast<long double>(r) / (1.0L + static_cast<long double>(d));
        sum += 100.0L * term;
      }
      CHECK_THAT(crm::discounted_ltv({.margin = 100.0, .retention_rate = r, .discount_rate = d}).amount,
                 WithinRel(static_cast<double>(sum), 1e-12));
    }
  }
}

TEST_CASE("discounted_ltv vs ltv_from_churn: discounting and end-of-period margins make them differ", "[revenue][variants]") {
  // Same customer: margin 100 a period, churn 20 % (retention 80 %).
  const double churn_form = crm::ltv_from_churn({.average_check = 100.0, .purchase_frequency = 1.0, .churn_rate = 0.2}).amount;
  const double gl_undiscounted = crm::discounted_ltv({.margin = 100.0, .retention_rate = 0.8, .discount_rate = 0.0}).amount;
  const double gl_discounted = crm::discounted_ltv({.margin = 100.0, .retention_rate = 0.8, .discount_rate = 0.1}).amount;
  CHECK_THAT(churn_form, WithinRel(500.0, 1e-15));       // 100 / 0.2: margin of the first period included
  CHECK_THAT(gl_undiscounted, WithinRel(400.0, 1e-14));  // 100 x 0.8 / 0.2: first margin after one retention
  CHECK_THAT(gl_discounted, WithinRel(80.0 / 0.3, 1e-14));
  CHECK(gl_discounted < gl_undiscounted);
  CHECK(gl_undiscounted < churn_form);
}

TEST_CASE("discounted_ltv: bad input, both forms", "[revenue][errors]") {
  CHECK_THROWS_WITH(crm::discounted_ltv({.margin = 100.0, .retention_rate = 1.0, .discount_rate = 0.0}),
                    "crm::discounted_ltv: discount_rate is zero (zero denominator) (must be positive when retention_rate "
                    "is 1: the sum is infinite)");
  CHECK(crm::try_discounted_ltv({.margin = 100.0, .retention_rate = 1.1, .discount_rate = 0.1}).error().code ==
        crm::errc::out_of_range);
  CHECK(crm::try_discounted_ltv({.margin = 100.0, .retention_rate = 0.5, .discount_rate = -0.1}).error().code ==
        crm::errc::negative);
  CHECK(crm::try_discounted_ltv({.margin = kInf, .retention_rate = 0.5, .discount_rate = 0.1}).error().code ==
        crm::errc::not_finite);
  // A negative margin is meaningful (a customer who costs money): a negative value, not an error.
  CHECK_THAT(crm::discounted_ltv({.margin = -10.0, .retention_rate = 0.5, .discount_rate = 0.0}).amount, WithinRel(-10.0, 1e-15));
  CHECK(crm::discounted_ltv({.margin = 1.0, .retention_rate = 1.0, .discount_rate = 0.1}).amount > 0.0);
}

// --- payback, LTV:CAC, cost-to-revenue, profit per customer ----------------------------------------

TEMPLATE_TEST_CASE("cac_payback_period: CAC / margin per period, in periods, for every number type", "[revenue]", float, double,
                   long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Standard unit-economics definition. Hand arithmetic: 300 / 25 a month = 12 months.
  CHECK(crm::cac_payback_period(crm::payback_inputs<T>{.acquisition_cost = T(300), .margin_per_period = T(25)}).count == T(12));
  CHECK(approx_equal(crm::cac_payback_period(crm::payback_inputs<T>{.acquisition_cost = T(100), .margin_per_period = T(30)}).count,
              T(T(10) / T(3))));
}

TEST_CASE("cac_payback_period: a customer who brings no margin never pays back: an error", "[revenue][errors]") {
  CHECK_THROWS_WITH(crm::cac_payback_period({.acquisition_cost = 300.0, .margin_per_period = 0.0}),
                    "crm::cac_payback_period: margin_per_period is zero (zero denominator)");
  CHECK(crm::try_cac_payback_period({.acquisition_cost = 300.0, .margin_per_period = -5.0}).error().code == crm::errc::negative);
  CHECK(crm::try_cac_payback_period({.acquisition_cost = -3.0, .margin_per_period = 5.0}).error().code == crm::errc::negative);
  CHECK(crm::try_cac_payback_period({.acquisition_cost = kNaN, .margin_per_period = 5.0}).error().code == crm::errc::not_finite);
  CHECK_FALSE(crm::payback_inputs<double>{.acquisition_cost = 1.0}.ok());
}

TEMPLATE_TEST_CASE("ltv_to_cac: 003 lines 32-34, $10 or $100 CAC against $1000 profit a year", "[revenue]", float, double,
                   long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // 003 line 33: the customer brought $1000 profit in a year; line 34: a CAC of $10 or of $100 is acceptable.
  const crm::multiple<T> at_10 = crm::ltv_to_cac(crm::unit_economics<T>{.lifetime_value = T(1000), .acquisition_cost = T(10)});
  const crm::multiple<T> at_100 = crm::ltv_to_cac(crm::unit_economics<T>{.lifetime_value = T(1000), .acquisition_cost = T(100)});
  CHECK(at_10.value() == T(100));
  CHECK(at_100.value() == T(10));
  CHECK_FALSE(crm::acquisition_loses_money(at_10));
  CHECK_FALSE(crm::acquisition_loses_money(at_100));
}

TEST_CASE("ltv_to_cac: 001 line 46, CAC above LTV means marketing loses money", "[revenue]") {
  const crm::multiple<double> r = crm::ltv_to_cac({.lifetime_value = 80.0, .acquisition_cost = 100.0});
  CHECK(r.value() == 0.8);
  CHECK(crm::acquisition_loses_money(r));
  CHECK(r < crm::multiple<double>{1.0});
  CHECK_FALSE(crm::acquisition_loses_money(crm::ltv_to_cac({.lifetime_value = 100.0, .acquisition_cost = 100.0})));
}

TEST_CASE("ltv_to_cac: bad input, both forms", "[revenue][errors]") {
  CHECK_THROWS_WITH(crm::ltv_to_cac({.lifetime_value = 100.0, .acquisition_cost = 0.0}),
                    "crm::ltv_to_cac: acquisition_cost is zero (zero denominator)");
  CHECK(crm::try_ltv_to_cac({.lifetime_value = -100.0, .acquisition_cost = 1.0}).error().code == crm::errc::negative);
  CHECK(crm::try_ltv_to_cac({.lifetime_value = 100.0, .acquisition_cost = kInf}).error().code == crm::errc::not_finite);
}

TEMPLATE_TEST_CASE("cost_to_revenue: cost / revenue (000 line 188, standard definition) for every number type", "[revenue]", float,
                   double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 20 000 spent for 80 000 of revenue = 0.25 = 25 %.
  CHECK(crm::cost_to_revenue(crm::cost_and_revenue<T>{.cost = T(20000), .revenue = T(80000)}).percent() == T(25));
  // Spending more than the revenue: 150 %.
  CHECK(crm::cost_to_revenue(crm::cost_and_revenue<T>{.cost = T(3), .revenue = T(2)}).fraction == T(3) / T(2));
}

TEST_CASE("cost_to_revenue: bad input, both forms", "[revenue][errors]") {
  CHECK_THROWS_WITH(crm::cost_to_revenue({.cost = 10.0, .revenue = 0.0}),
                    "crm::cost_to_revenue: revenue is zero (zero denominator)");
  CHECK(crm::try_cost_to_revenue({.cost = -10.0, .revenue = 1.0}).error().code == crm::errc::negative);
  CHECK(crm::try_cost_to_revenue({.cost = 10.0, .revenue = kNaN}).error().code == crm::errc::not_finite);
}

TEMPLATE_TEST_CASE("profit_per_acquired_customer: (gross profit - acquisition cost) / customers (003 line 16)", "[revenue]",
                   float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: (50 000 - 10 000) / 100 = 400 per customer.
  CHECK(crm::profit_per_acquired_customer(
            crm::acquired_customers<T>{.gross_profit = T(50000), .acquisition_cost = T(10000), .customers = 100})
            .amount == T(400));
  // (5 000 - 10 000) / 100 = -50: acquisition cost more than the customers brought.
  CHECK(crm::profit_per_acquired_customer(
            crm::acquired_customers<T>{.gross_profit = T(5000), .acquisition_cost = T(10000), .customers = 100})
            .amount == T(-50));
}

TEST_CASE("profit_per_acquired_customer: bad input, both forms", "[revenue][errors]") {
  CHECK_THROWS_WITH(crm::profit_per_acquired_customer({.gross_profit = 10.0, .acquisition_cost = 1.0, .customers = 0}),
                    "crm::profit_per_acquired_customer: customers is zero (zero denominator)");
  CHECK(crm::try_profit_per_acquired_customer({.gross_profit = 10.0, .acquisition_cost = -1.0, .customers = 3}).error().code ==
        crm::errc::negative);
  CHECK(crm::try_profit_per_acquired_customer({.gross_profit = kNaN, .acquisition_cost = 1.0, .customers = 3}).error().code ==
        crm::errc::not_finite);
  CHECK(crm::try_profit_per_acquired_customer({.gross_profit = 1.0, .acquisition_cost = 1.0, .customers = -3}).error().code ==
        crm::errc::negative);
}

// --- ok() agrees with the try_ forms ------------------------------------------------------------------

namespace {
// ok() checks the inputs: false exactly when the try_ form reports a bad input; true when it has a
// value or when valid inputs give a result beyond the number type (errc::overflow).
template <class R>
bool agrees(bool ok, const crm::result<R>& r) {
  if (!ok) return !r.has_value() && r.error().code != crm::errc::overflow;
  return r.has_value() || r.error().code == crm::errc::overflow;
}
}  // namespace

TEMPLATE_TEST_CASE("revenue inputs: ok() is true exactly when the inputs are valid (fast path = full checks)",
                   "[revenue][errors]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  const std::array<T, 9> v{T(-1),
                           T(0),
                           T(1) / T(2),
                           T(1),
                           T(2),
                           std::numeric_limits<T>::quiet_NaN(),
                           std::numeric_limits<T>::infinity(),
                           -std::numeric_limits<T>::infinity(),
                           std::numeric_limits<T>::max()};
  const std::array<crm::count_t, 3> n{-1, 0, 3};
  for (const T& a : v) {
    for (const T& b : v) {
      const crm::investment<T> i{.revenue = a, .cost = b};
      CHECK(agrees(i.ok(), crm::try_roi(i)));
      const crm::marketing_investment<T> m{.revenue = a, .marketing_cost = b};
      CHECK(agrees(m.ok(), crm::try_romi(m)));
      const crm::payback_inputs<T> p{.acquisition_cost = a, .margin_per_period = b};
      CHECK(agrees(p.ok(), crm::try_cac_payback_period(p)));
      const crm::unit_economics<T> u{.lifetime_value = a, .acquisition_cost = b};
      CHECK(agrees(u.ok(), crm::try_ltv_to_cac(u)));
      const crm::cost_and_revenue<T> c{.cost = a, .revenue = b};
      CHECK(agrees(c.ok(), crm::try_cost_to_revenue(c)));
      for (const T& c3 : v) {
        const crm::ltv_inputs<T> l{.average_check = a, .purchase_frequency = b, .relationship_length = c3};
        CHECK(agrees(l.ok(), crm::try_ltv(l)));
        const crm::clv_inputs<T> k{.average_check = a, .purchases = b, .customer_lifetime = c3};
        CHECK(agrees(k.ok(), crm::try_clv(k)));
        const crm::margin_ltv_inputs<T> g{.average_check = T(1), .purchase_frequency = a, .relationship_length = b,
                                          .gross_margin = c3};
        CHECK(agrees(g.ok(), crm::try_gross_margin_ltv(g)));
        const crm::churn_ltv_inputs<T> h{.average_check = T(1), .purchase_frequency = a, .churn_rate = b, .gross_margin = c3};
        CHECK(agrees(h.ok(), crm::try_ltv_from_churn(h)));
        const crm::discounted_ltv_inputs<T> d{.margin = a, .retention_rate = b, .discount_rate = c3};
        CHECK(agrees(d.ok(), crm::try_discounted_ltv(d)));
      }
      for (const crm::count_t k : n) {
        const crm::order_totals<T> o{.revenue = a, .orders = k};
        CHECK(agrees(o.ok(), crm::try_average_check(o)));
        const crm::acquired_customers<T> q{.gross_profit = a, .acquisition_cost = b, .customers = k};
        CHECK(agrees(q.ok(), crm::try_profit_per_acquired_customer(q)));
      }
    }
  }
  for (const crm::count_t a : n)
    for (const crm::count_t b : n) {
      const crm::purchase_counts pc{.orders = a, .customers = b};
      CHECK(agrees(pc.ok(), crm::try_purchase_frequency<T>(pc)));
    }
}

// --- exact decimal money: division by a count (number_traits<T>::divide) --------------------------------

TEST_CASE("money per count is exact in decimal50 whenever the quotient terminates", "[revenue][exact]") {
  using D = crm::decimal50;
  // Hand arithmetic; every quotient terminates. Dividing by D(n) instead multiplies by a rounded
  // reciprocal and misses the first row (0.30 / D(3) = 0.0999...9): see core_test.
  struct row {
    const char* money;
    crm::count_t n;
    const char* exact;
  };
  const row grid[] = {{"0.30", 3, "0.10"},   {"1.00", 8, "0.125"},     {"123.45", 5, "24.69"},
                      {"90", 3, "30"},       {"1234.50", 10, "123.45"}, {"0.99", 9, "0.11"},
                      {"7.77", 7, "1.11"},   {"2000.01", 3, "666.67"},  {"0.000006", 6, "0.000001"},
                      {"1000000.00", 64, "15625"}, {"0.01", 1000, "0.00001"}};
  for (const row& r : grid) {
    INFO(r.money << " / " << r.n);
    const D m(r.money);
    const D exact(r.exact);
    CHECK(crm::average_check(crm::order_totals<D>{.revenue = m, .orders = r.n}).amount == exact);
    CHECK(crm::average_order_value(crm::order_totals<D>{.revenue = m, .orders = r.n}).amount == exact);
    // (gross profit - acquisition cost) / customers with a cost of 1.00 added to both sides.
    CHECK(crm::profit_per_acquired_customer(crm::acquired_customers<D>{
                                                .gross_profit = D(m + D("1.00")), .acquisition_cost = D("1.00"), .customers = r.n})
              .amount == exact);
    // A loss: (0 - m) / n = -exact.
    CHECK(crm::profit_per_acquired_customer(crm::acquired_customers<D>{.gross_profit = D(0), .acquisition_cost = m, .customers = r.n})
              .amount == D(-exact));
  }
  // Purchases per customer: 3 of 30 customers, 1 of 8, 7 of 20, 100 of 3 (not terminating: close only).
  CHECK(crm::purchase_frequency<D>({.orders = 3, .customers = 30}).value() == D("0.1"));
  CHECK(crm::purchase_frequency<D>({.orders = 1, .customers = 8}).value() == D("0.125"));
  CHECK(crm::purchase_frequency<D>({.orders = 7, .customers = 20}).value() == D("0.35"));
  CHECK(crm::purchase_frequency<D>({.orders = 36, .customers = 3}).value() == D(12));
  CHECK(crm_test::approx_equal(crm::purchase_frequency<D>({.orders = 100, .customers = 3}).value(), D(100) / D(3)));
  // Money / money has no integer divisor: cpp_dec_float's own division, through a rounded
  // reciprocal (docs/metrics/revenue.md): exact for 1 / 0.25, not for 1 / 0.30.
  CHECK(crm::roi<D>({.revenue = D("0.75"), .cost = D("0.25")}).fraction == D(2));
  const D roi = crm::roi<D>({.revenue = D("0.90"), .cost = D("0.30")}).fraction;
  CHECK(roi != D(2));
  CHECK(roi < D(2));
  CHECK(D(D(2) - roi) < D("1e-60"));
}

// --- overflow: finite inputs whose result exceeds the number type ----------------------------------------

TEMPLATE_TEST_CASE("revenue: a result beyond the number type is errc::overflow naming the metric, in both forms",
                   "[revenue][errors][limits]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  using crm_test::check_overflow;
  const T big = crm_test::largest<T>();
  const T tiny = crm_test::smallest<T>();
  const T half = T(1) / T(2);
  // A huge revenue on a tiny cost: (big - tiny) / tiny is far beyond big.
  const crm::investment<T> huge_roi{.revenue = big, .cost = tiny};
  check_overflow(crm::try_roi(huge_roi), [&] { return crm::roi(huge_roi); }, "roi", "result");
  const crm::marketing_investment<T> huge_romi{.revenue = big, .marketing_cost = tiny};
  check_overflow(crm::try_romi(huge_romi), [&] { return crm::romi(huge_romi); }, "romi", "result");
  const crm::ltv_inputs<T> huge_ltv{.average_check = big, .purchase_frequency = T(2), .relationship_length = T(1)};
  check_overflow(crm::try_ltv(huge_ltv), [&] { return crm::ltv(huge_ltv); }, "ltv", "result");
  const crm::clv_inputs<T> huge_clv{.average_check = big, .purchases = T(3), .customer_lifetime = T(1)};
  check_overflow(crm::try_clv(huge_clv), [&] { return crm::clv(huge_clv); }, "clv", "result");
  const crm::margin_ltv_inputs<T> huge_margin{.average_check = big, .purchase_frequency = T(2), .relationship_length = T(2),
                                              .gross_margin = half};
  check_overflow(crm::try_gross_margin_ltv(huge_margin), [&] { return crm::gross_margin_ltv(huge_margin); },
                 "gross_margin_ltv", "result");
  const crm::churn_ltv_inputs<T> huge_churn{.average_check = big, .purchase_frequency = T(1), .churn_rate = half};
  check_overflow(crm::try_ltv_from_churn(huge_churn), [&] { return crm::ltv_from_churn(huge_churn); }, "ltv_from_churn",
                 "result");
  const crm::discounted_ltv_inputs<T> huge_discounted{.margin = big, .retention_rate = T(1), .discount_rate = tiny};
  check_overflow(crm::try_discounted_ltv(huge_discounted), [&] { return crm::discounted_ltv(huge_discounted); },
                 "discounted_ltv", "result");
  const crm::payback_inputs<T> huge_payback{.acquisition_cost = big, .margin_per_period = tiny};
  check_overflow(crm::try_cac_payback_period(huge_payback), [&] { return crm::cac_payback_period(huge_payback); },
                 "cac_payback_period", "result");
  const crm::unit_economics<T> huge_ratio{.lifetime_value = big, .acquisition_cost = tiny};
  check_overflow(crm::try_ltv_to_cac(huge_ratio), [&] { return crm::ltv_to_cac(huge_ratio); }, "ltv_to_cac", "result");
  const crm::cost_and_revenue<T> huge_cost{.cost = big, .revenue = tiny};
  check_overflow(crm::try_cost_to_revenue(huge_cost), [&] { return crm::cost_to_revenue(huge_cost); }, "cost_to_revenue",
                 "result");
  // A loss of 2 x big on one customer.
  const crm::acquired_customers<T> huge_loss{.gross_profit = T(-big), .acquisition_cost = big, .customers = 1};
  check_overflow(crm::try_profit_per_acquired_customer(huge_loss), [&] { return crm::profit_per_acquired_customer(huge_loss); },
                 "profit_per_acquired_customer", "result");
}

TEMPLATE_TEST_CASE("revenue: results at the limits of the number type that fit are computed, not refused",
                   "[revenue][limits]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  const T big = crm_test::largest<T>();
  const T half = T(1) / T(2);
  const T quarter = T(1) / T(4);
  // Results that are exactly big, big / 2 or big / 4 (scaling by powers of 2 and 10 is exact here
  // for binary types; decimal50 rounds big / 4 the same way in every order, compared approximately).
  CHECK(crm::roi(crm::investment<T>{.revenue = big, .cost = T(1)}).fraction == T(big - T(1)));
  CHECK(crm::average_check(crm::order_totals<T>{.revenue = big, .orders = crm_test::kMaxCount}).amount > T(0));
  CHECK(crm::average_check(crm::order_totals<T>{.revenue = big, .orders = 1}).amount == big);
  // The left-to-right product big x 2 overflows; the product itself (big x 2 x 1/4 = big / 2) does not.
  CHECK(crm_test::approx_equal(
      crm::ltv(crm::ltv_inputs<T>{.average_check = big, .purchase_frequency = T(2), .relationship_length = quarter}).amount,
      T(big / T(2))));
  CHECK(crm_test::approx_equal(
      crm::clv(crm::clv_inputs<T>{.average_check = T(2), .purchases = big, .customer_lifetime = quarter}).amount,
      T(big / T(2))));
  CHECK(crm_test::approx_equal(crm::gross_margin_ltv(crm::margin_ltv_inputs<T>{.average_check = big, .purchase_frequency = T(2),
                                                                              .relationship_length = T(2), .gross_margin = quarter})
                                   .amount,
                               big));
  // A zero factor gives zero, not 0 x inf = NaN, even when the other factors overflow together.
  CHECK(crm::ltv(crm::ltv_inputs<T>{.average_check = big, .purchase_frequency = big, .relationship_length = T(0)}).amount == T(0));
  CHECK(crm::gross_margin_ltv(crm::margin_ltv_inputs<T>{.average_check = big, .purchase_frequency = big,
                                                        .relationship_length = big, .gross_margin = T(0)})
            .amount == T(0));
  CHECK(crm_test::approx_equal(
      crm::ltv_from_churn(crm::churn_ltv_inputs<T>{.average_check = T(big / T(4)), .purchase_frequency = T(1), .churn_rate = half})
          .amount,
      T(big / T(2))));
  // A huge loss spread over two customers: (-big - big) / 2 overflows only before the division.
  CHECK(crm_test::approx_equal(
      crm::profit_per_acquired_customer(crm::acquired_customers<T>{.gross_profit = T(-big), .acquisition_cost = big, .customers = 2})
          .amount,
      T(-big)));
  CHECK(crm::ltv_to_cac(crm::unit_economics<T>{.lifetime_value = big, .acquisition_cost = T(1)}).value() == big);
}

TEST_CASE("discounted_ltv: full retention with a tiny discount is a large finite value, not a zero denominator",
          "[revenue][limits]") {
  // m r / ((1 - r) + d) with r = 1: m / d. In double 1 + 1e-20 - 1 is 0; (1 - 1) + 1e-20 is 1e-20.
  CHECK_THAT(crm::discounted_ltv({.margin = 1.0, .retention_rate = 1.0, .discount_rate = 1e-20}).amount, WithinRel(1e20, 1e-15));
  CHECK_THAT(crm::discounted_ltv<float>({.margin = 1.0f, .retention_rate = 1.0f, .discount_rate = 1e-20f}).amount,
             WithinRel(1e20f, 1e-6f));
}

TEST_CASE("revenue: a braced call computes in double unless the number type is named", "[revenue][types]") {
  // 0.3f and 0.1f converted to double: (0.30000001192... - 0.10000000149...) / 0.10000000149... in
  // double, not the float quotient. crm::roi<float> computes in float.
  const auto in_double = crm::roi({.revenue = 0.3f, .cost = 0.1f});
  const auto in_float = crm::roi<float>({.revenue = 0.3f, .cost = 0.1f});
  STATIC_REQUIRE(std::is_same_v<decltype(in_double), const crm::rate<double>>);
  STATIC_REQUIRE(std::is_same_v<decltype(in_float), const crm::rate<float>>);
  CHECK(in_double.fraction == (static_cast<double>(0.3f) - static_cast<double>(0.1f)) / static_cast<double>(0.1f));
  CHECK(in_float.fraction == (0.3f - 0.1f) / 0.1f);
}

}  // namespace revenue_test

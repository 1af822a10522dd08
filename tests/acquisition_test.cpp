// Tests of <crm/metrics/acquisition.hpp>: conversion over an explicit audience, lead and visitor
// conversion, funnel, new customers, customer-base growth, CAC, channel share and per-channel CAC.
// Seeds (../shared/seeds): 000 = 000_9949ba3a3098aa87.txt, 001 = 001_15fb4e46a87cf176.txt,
// 002 = 002_16fc3440f7c5e33f.txt, 003 = 003_f1c74d43239c9d2b.txt.
#include "catch.hpp"
#include "number_helpers.hpp"
#include "limits_helpers.hpp"

#include <crm/metrics.hpp>
#include <crm/multiprecision.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <type_traits>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace acquisition_test {

using Catch::Matchers::WithinRel;

namespace {
using crm_test::approx_equal;
using crm_test::kInf;
using crm_test::kNaN;
using crm_test::parse;
}  // namespace

// --- compile-time evaluation of the double forms ----------------------------------------------------
static_assert(crm::conversion_rate({.actions = 25, .audience = 1'000}).percent() == 2.5);
static_assert(crm::lead_conversion({.new_customers = 30, .leads = 200}).percent() == 15.0);
static_assert(crm::visitor_to_lead({.leads = 200, .visitors = 10'000}).percent() == 2.0);
static_assert(crm::funnel(std::array<crm::count_t, 3>{10'000, 200, 30}).stage_rates[1].fraction == 0.15);
static_assert(crm::funnel(std::array<crm::count_t, 3>{10'000, 200, 30}).overall.fraction == 0.003);
static_assert(crm::new_customers({.customers_at_start = 1'000, .customers_at_end = 1'100, .customers_lost = 50}) == 150);
static_assert(crm::customer_base_growth({.customers_at_start = 1'000, .customers_at_end = 1'100}).percent() == 10.0);
static_assert(crm::cac({.marketing_and_sales_cost = 50'000.0, .new_customers = 125}).amount == 400.0);
static_assert(crm::channel_share({.channel_new_customers = 30, .all_new_customers = 120}).fraction == 0.25);
static_assert([] {
  const std::array<crm::acquisition_channel<double>, 2> ch{{{.cost = 6'000.0, .new_customers = 30},
                                                           {.cost = 3'000.0, .new_customers = 90}}};
  std::array<crm::channel_result<double>, 2> out{};
  return crm::channel_breakdown<double>(ch, out).amount == 75.0 && out[0].cac.amount == 200.0 && out[1].share.fraction == 0.75;
}());
static_assert(!crm::try_conversion_rate({.actions = 11, .audience = 10}).has_value());
static_assert(!crm::try_new_customers({.customers_at_start = 10, .customers_at_end = 3, .customers_lost = 2}).has_value());

static_assert(std::is_trivially_copyable_v<crm::conversion_counts> && std::is_aggregate_v<crm::lead_counts>);
static_assert(std::is_trivially_copyable_v<crm::acquisition_costs<double>> &&
              std::is_trivially_copyable_v<crm::funnel_conversion<double, 4>>);
static_assert(std::is_same_v<decltype(crm::conversion_rate({.actions = 1, .audience = 2})), crm::rate<double>>);
static_assert(std::is_same_v<decltype(crm::new_customers({})), crm::count_t>);

// --- conversion ----------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("conversion_rate: actions / audience, each audience of the documents, for every number type",
                   "[acquisition]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // 001 line 60: target actions / messages sent or impressions. Hand arithmetic: 25 purchases from
  // 1 000 messages = 2.5 %.
  CHECK(approx_equal(crm::conversion_rate<T>({.actions = 25, .audience = 1'000}).percent(), parse<T>("2.5")));
  // 000 line 74: buyers among visitors of an online shop. 150 of 5 000 visitors = 3 %.
  CHECK(approx_equal(crm::conversion_rate<T>({.actions = 150, .audience = 5'000}).percent(), T(3)));
  // 000 line 74: among recipients of the offer. 150 of the 600 who got the offer = 25 %.
  CHECK(approx_equal(crm::conversion_rate<T>({.actions = 150, .audience = 600}).percent(), T(25)));
  CHECK(crm::conversion_rate<T>({.actions = 0, .audience = 600}).fraction == T(0));
}

TEST_CASE("conversion_rate: the same actions over different audiences (001 line 60 vs 000 line 74) differ",
          "[acquisition][variants]") {
  // A campaign: 20 000 impressions, 2 000 site visitors, 400 offer recipients, 100 purchases.
  const crm::rate<double> per_impression = crm::conversion_rate({.actions = 100, .audience = 20'000});
  const crm::rate<double> per_visitor = crm::conversion_rate({.actions = 100, .audience = 2'000});
  const crm::rate<double> per_recipient = crm::conversion_rate({.actions = 100, .audience = 400});
  CHECK(per_impression.percent() == 0.5);
  CHECK(per_visitor.percent() == 5.0);
  CHECK(per_recipient.percent() == 25.0);
  CHECK(per_impression < per_visitor);
  CHECK(per_visitor < per_recipient);
}

TEST_CASE("conversion_rate: bad input, both forms, message names metric and field", "[acquisition][errors]") {
  CHECK_THROWS_WITH(crm::conversion_rate({.actions = 11, .audience = 10}),
                    "crm::conversion_rate: actions is larger than its whole (must not exceed audience)");
  CHECK_THROWS_WITH(crm::conversion_rate({.actions = 1, .audience = 0}),
                    "crm::conversion_rate: audience is zero (zero denominator)");
  CHECK(crm::try_conversion_rate({.actions = -1, .audience = 10}).error().code == crm::errc::negative);
  CHECK(crm::try_conversion_rate<crm::decimal50>({.actions = 1, .audience = -10}).error().code == crm::errc::negative);
  CHECK_FALSE(crm::conversion_counts{.actions = 11, .audience = 10}.ok());
  CHECK(crm::conversion_counts{.actions = 10, .audience = 10}.ok());
}

TEMPLATE_TEST_CASE("lead_conversion: 002 line 7 (new customers / leads) for every number type", "[acquisition]", float, double,
                   long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 30 customers from 200 leads = 15 %.
  CHECK(approx_equal(crm::lead_conversion<T>({.new_customers = 30, .leads = 200}).percent(), T(15)));
  CHECK(crm::lead_conversion<T>({.new_customers = 1, .leads = 8}).fraction == T(1) / T(8));
}

TEST_CASE("lead_conversion (002 line 7) and conversion over visitors (000 line 74) differ on one funnel",
          "[acquisition][variants]") {
  // 10 000 visitors, 200 leads, 30 customers.
  CHECK(crm::lead_conversion({.new_customers = 30, .leads = 200}).percent() == 15.0);
  CHECK(crm::conversion_rate({.actions = 30, .audience = 10'000}).fraction == 0.003);
}

TEST_CASE("lead_conversion: bad input, both forms", "[acquisition][errors]") {
  CHECK_THROWS_WITH(crm::lead_conversion({.new_customers = 5, .leads = 4}),
                    "crm::lead_conversion: new_customers is larger than its whole (must not exceed leads)");
  CHECK(crm::try_lead_conversion({.new_customers = 1, .leads = 0}).error().code == crm::errc::zero_denominator);
  CHECK(crm::try_lead_conversion({.new_customers = -1, .leads = 3}).error().code == crm::errc::negative);
}

TEMPLATE_TEST_CASE("visitor_to_lead: leads / visitors (000 line 198, standard definition) for every number type",
                   "[acquisition]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 200 leads from 10 000 visitors = 2 %.
  CHECK(approx_equal(crm::visitor_to_lead<T>({.leads = 200, .visitors = 10'000}).percent(), T(2)));
}

TEST_CASE("visitor_to_lead: bad input, both forms", "[acquisition][errors]") {
  CHECK_THROWS_WITH(crm::visitor_to_lead({.leads = 5, .visitors = 4}),
                    "crm::visitor_to_lead: leads is larger than its whole (must not exceed visitors)");
  CHECK(crm::try_visitor_to_lead({.leads = 0, .visitors = 0}).error().code == crm::errc::zero_denominator);
  CHECK(crm::try_visitor_to_lead({.leads = -2, .visitors = 4}).error().code == crm::errc::negative);
}

// --- funnel --------------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("funnel: visitor -> lead -> customer, stage by stage and overall (000 lines 196-202, 003 line 14)",
                   "[acquisition]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 10 000 visitors, 200 leads (2 %), 30 customers (15 % of leads); overall 0.3 %.
  const crm::funnel_conversion<T, 3> f = crm::funnel<T>(std::array<crm::count_t, 3>{10'000, 200, 30});
  CHECK(approx_equal(f.stage_rates[0].percent(), T(2)));
  CHECK(approx_equal(f.stage_rates[1].percent(), T(15)));
  CHECK(approx_equal(f.overall.percent(), parse<T>("0.3")));
  // The stages agree with the named single-step metrics.
  CHECK(f.stage_rates[0] == crm::visitor_to_lead<T>({.leads = 200, .visitors = 10'000}));
  CHECK(f.stage_rates[1] == crm::lead_conversion<T>({.new_customers = 30, .leads = 200}));
  // The product of the stage rates is the overall rate.
  CHECK(approx_equal(T(f.stage_rates[0].fraction * f.stage_rates[1].fraction), f.overall.fraction));
}

TEST_CASE("funnel: span form writes into the caller's buffer, five stages", "[acquisition]") {
  // A sales funnel: 8 000 visitors, 400 leads, 160 qualified, 80 proposals, 20 deals.
  const std::array<crm::count_t, 5> stages{8'000, 400, 160, 80, 20};
  std::array<crm::rate<double>, 4> steps{};
  const crm::rate<double> overall = crm::funnel<double>(stages, steps);
  CHECK(steps[0].percent() == 5.0);
  CHECK(steps[1].percent() == 40.0);
  CHECK(steps[2].percent() == 50.0);
  CHECK(steps[3].percent() == 25.0);
  CHECK(overall.fraction == 20.0 / 8'000.0);
  // An empty last stage is a valid 0 %.
  const std::array<crm::count_t, 3> none_bought{100, 10, 0};
  std::array<crm::rate<double>, 2> r{};
  CHECK(crm::funnel<double>(none_bought, r).fraction == 0.0);
  CHECK(r[1].fraction == 0.0);
}

TEST_CASE("funnel: bad input, both forms", "[acquisition][errors]") {
  std::array<crm::rate<double>, 2> steps{};
  const std::array<crm::count_t, 3> widening{100, 10, 20};
  CHECK_THROWS_WITH(crm::funnel<double>(widening, steps), "crm::funnel: stages is larger than its whole (each stage must not exceed the stage before it)");
  CHECK(crm::try_funnel(std::array<crm::count_t, 3>{100, 10, 20}).error().code == crm::errc::part_exceeds_whole);
  CHECK_THROWS_AS(crm::funnel(std::array<crm::count_t, 3>{100, 10, 20}), crm::metric_error);
  const std::array<crm::count_t, 3> negative{100, -10, -20};
  CHECK(crm::try_funnel<double>(negative, steps).error().code == crm::errc::negative);
  const std::array<crm::count_t, 3> empty_middle{100, 0, 0};  // 0 leads, then 0 customers: 0 / 0
  CHECK(crm::try_funnel<double>(empty_middle, steps).error().code == crm::errc::zero_denominator);
  CHECK(crm::try_funnel(std::array<crm::count_t, 2>{0, 0}).error().code == crm::errc::zero_denominator);
  const std::array<crm::count_t, 1> one{100};
  CHECK(crm::try_funnel<double>(one, std::span<crm::rate<double>>{}).error().code == crm::errc::empty_input);
  std::array<crm::rate<double>, 3> wrong_size{};
  const std::array<crm::count_t, 3> ok{100, 10, 1};
  CHECK(crm::try_funnel<double>(ok, wrong_size).error().code == crm::errc::out_of_range);
  CHECK_THROWS_AS(crm::funnel<double>(ok, wrong_size), crm::metric_error);
}

// --- customer base -------------------------------------------------------------------------------

TEST_CASE("new_customers: end - start + lost, consistent with 001 line 36 and line 42", "[acquisition]") {
  // 000 lines 18-20 (no formula): balance of the base. 1 000 at start, 50 lost, 1 100 at end -> 150 new.
  CHECK(crm::new_customers({.customers_at_start = 1'000, .customers_at_end = 1'100, .customers_lost = 50}) == 150);
  // The same period through 001: retention (1 100 - 150) / 1 000 = 95 % and churn 50 / 1 000 = 5 %.
  const crm::count_t fresh = crm::new_customers({.customers_at_start = 1'000, .customers_at_end = 1'100, .customers_lost = 50});
  CHECK(crm::retention_rate({.customers_at_start = 1'000, .customers_at_end = 1'100, .new_customers = fresh}).percent() == 95.0);
  CHECK(crm::churn_rate({.customers_at_start = 1'000, .customers_lost = 50}).percent() == 5.0);
  // A shrinking base with acquisitions: 500 - 200 + 20 = 320 at end -> 20 new.
  CHECK(crm::new_customers({.customers_at_start = 500, .customers_at_end = 320, .customers_lost = 200}) == 20);
  CHECK(crm::new_customers({}) == 0);
}

TEST_CASE("new_customers: inconsistent counts are an error in both forms", "[acquisition][errors]") {
  CHECK_THROWS_WITH(crm::new_customers({.customers_at_start = 10, .customers_at_end = 3, .customers_lost = 2}),
                    "crm::new_customers: customers_at_end is out of range (must be at least customers_at_start - "
                    "customers_lost, or new customers would be negative)");
  CHECK(crm::try_new_customers({.customers_at_start = 10, .customers_at_end = 30, .customers_lost = 12}).error().code ==
        crm::errc::part_exceeds_whole);
  CHECK(crm::try_new_customers({.customers_at_start = -1, .customers_at_end = 3, .customers_lost = 0}).error().code ==
        crm::errc::negative);
  CHECK_FALSE(crm::customer_flow{.customers_at_start = 10, .customers_at_end = 3, .customers_lost = 2}.ok());
  CHECK(crm::customer_flow{.customers_at_start = 10, .customers_at_end = 8, .customers_lost = 2}.ok());
}

TEMPLATE_TEST_CASE("customer_base_growth: (end - start) / start (000 line 70, standard definition) for every number type",
                   "[acquisition]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 1 000 -> 1 100 is +10 %; 800 -> 600 is -25 %.
  CHECK(approx_equal(crm::customer_base_growth<T>({.customers_at_start = 1'000, .customers_at_end = 1'100}).percent(), T(10)));
  CHECK(crm::customer_base_growth<T>({.customers_at_start = 800, .customers_at_end = 600}).percent() == T(-25));
  CHECK(crm::customer_base_growth<T>({.customers_at_start = 50, .customers_at_end = 150}).fraction == T(2));
  // The difference is taken in counts, then rounded once: 20 000 000 -> 20 000 001 is exactly
  // 1 / 20 000 000 = 5e-8 rounded to T (converting each count first gave 0 in float, where both
  // round to the same value).
  CHECK(crm::customer_base_growth<T>({.customers_at_start = 20'000'000, .customers_at_end = 20'000'001}).fraction ==
        crm::count_ratio<T>(1, 20'000'000));
  CHECK(crm::customer_base_growth<T>({.customers_at_start = 20'000'000, .customers_at_end = 20'000'001}).fraction > T(0));
}

TEST_CASE("customer_base_growth: bad input, both forms", "[acquisition][errors]") {
  CHECK_THROWS_WITH(crm::customer_base_growth({.customers_at_start = 0, .customers_at_end = 10}),
                    "crm::customer_base_growth: customers_at_start is zero (zero denominator)");
  CHECK(crm::try_customer_base_growth({.customers_at_start = 5, .customers_at_end = -1}).error().code == crm::errc::negative);
}

// --- CAC and channels ----------------------------------------------------------------------------

TEMPLATE_TEST_CASE("cac: 001 line 48 (all marketing and sales costs / new customers) for every number type", "[acquisition]",
                   float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 50 000 / 125 new customers = 400.
  CHECK(crm::cac(crm::acquisition_costs<T>{.marketing_and_sales_cost = T(50000), .new_customers = 125}).amount == T(400));
  // 003 line 32: "acquiring one customer costs $10": 1 000 spent for 100 customers.
  CHECK(crm::cac(crm::acquisition_costs<T>{.marketing_and_sales_cost = T(1000), .new_customers = 100}).amount == T(10));
}

TEST_CASE("cac: decimal money stays exact (199.90 over 10 customers is 19.99)", "[acquisition]") {
  CHECK(crm::cac(crm::acquisition_costs<crm::decimal50>{.marketing_and_sales_cost = crm::decimal50("199.90"),
                                                        .new_customers = 10})
            .amount == crm::decimal50("19.99"));
}

TEST_CASE("cac: bad input, both forms", "[acquisition][errors]") {
  CHECK_THROWS_WITH(crm::cac({.marketing_and_sales_cost = 500.0, .new_customers = 0}),
                    "crm::cac: new_customers is zero (zero denominator)");
  CHECK_THROWS_WITH(crm::cac({.marketing_and_sales_cost = -500.0, .new_customers = 3}),
                    "crm::cac: marketing_and_sales_cost is negative");
  CHECK(crm::try_cac({.marketing_and_sales_cost = kNaN, .new_customers = 3}).error().code == crm::errc::not_finite);
  CHECK(crm::try_cac({.marketing_and_sales_cost = kInf, .new_customers = 3}).error().code == crm::errc::not_finite);
  CHECK(crm::try_cac({.marketing_and_sales_cost = 5.0, .new_customers = -3}).error().code == crm::errc::negative);
  CHECK_FALSE(crm::acquisition_costs<double>{.marketing_and_sales_cost = 5.0}.ok());
}

TEMPLATE_TEST_CASE("channel_share: channel new customers / all new customers (003 line 38) for every number type",
                   "[acquisition]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 30 of 120 new customers came by e-mail = 25 %.
  CHECK(approx_equal(crm::channel_share<T>({.channel_new_customers = 30, .all_new_customers = 120}).percent(), T(25)));
}

TEST_CASE("channel_share: bad input, both forms", "[acquisition][errors]") {
  CHECK_THROWS_WITH(crm::channel_share({.channel_new_customers = 130, .all_new_customers = 120}),
                    "crm::channel_share: channel_new_customers is larger than its whole (must not exceed all_new_customers)");
  CHECK(crm::try_channel_share({.channel_new_customers = 0, .all_new_customers = 0}).error().code ==
        crm::errc::zero_denominator);
  CHECK(crm::try_channel_share({.channel_new_customers = -1, .all_new_customers = 10}).error().code == crm::errc::negative);
}

TEMPLATE_TEST_CASE("channel_breakdown: share and CAC per channel, blended CAC (001 line 48 per channel, 003 line 38)",
                   "[acquisition]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: search 6 000 for 30 customers (CAC 200, 25 %), e-mail 3 000 for 90 (CAC 33.33,
  // 75 %); blended 9 000 / 120 = 75.
  const std::array<crm::acquisition_channel<T>, 2> channels{{{.cost = T(6000), .new_customers = 30},
                                                             {.cost = T(3000), .new_customers = 90}}};
  std::array<crm::channel_result<T>, 2> out{};
  const crm::money<T> blended = crm::channel_breakdown<T>(channels, out);
  CHECK(approx_equal(blended.amount, T(75)));
  CHECK(approx_equal(out[0].cac.amount, T(200)));
  CHECK(approx_equal(out[1].cac.amount, T(T(100) / T(3))));
  CHECK(approx_equal(out[0].share.percent(), T(25)));
  CHECK(approx_equal(out[1].share.percent(), T(75)));
  // Each entry is what the single-channel metrics give.
  CHECK(out[0].cac == crm::cac(crm::acquisition_costs<T>{.marketing_and_sales_cost = T(6000), .new_customers = 30}));
  CHECK(out[1].share == crm::channel_share<T>({.channel_new_customers = 90, .all_new_customers = 120}));
  // The blended CAC is the CAC of the totals, not the mean of the channel CACs (116.67).
  CHECK(blended == crm::cac(crm::acquisition_costs<T>{.marketing_and_sales_cost = T(9000), .new_customers = 120}));
}

TEST_CASE("channel_breakdown: bad input, both forms", "[acquisition][errors]") {
  std::array<crm::channel_result<double>, 2> out{};
  const std::array<crm::acquisition_channel<double>, 2> no_customers{{{.cost = 10.0, .new_customers = 5},
                                                                      {.cost = 10.0, .new_customers = 0}}};
  CHECK_THROWS_WITH(crm::channel_breakdown<double>(no_customers, out),
                    "crm::channel_breakdown: new_customers is zero (zero denominator)");
  const std::array<crm::acquisition_channel<double>, 2> negative_cost{{{.cost = -10.0, .new_customers = 5},
                                                                       {.cost = 10.0, .new_customers = 5}}};
  CHECK(crm::try_channel_breakdown<double>(negative_cost, out).error().code == crm::errc::negative);
  const std::array<crm::acquisition_channel<double>, 1> nan_cost{{{.cost = kNaN, .new_customers = 5}}};
  std::array<crm::channel_result<double>, 1> out1{};
  CHECK(crm::try_channel_breakdown<double>(nan_cost, out1).error().code == crm::errc::not_finite);
  const std::array<crm::acquisition_channel<double>, 1> fine{{{.cost = 1.0, .new_customers = 5}}};
  CHECK(crm::try_channel_breakdown<double>(fine, out).error().code == crm::errc::out_of_range);
  CHECK(crm::try_channel_breakdown<double>(std::span<const crm::acquisition_channel<double>>{},
                                           std::span<crm::channel_result<double>>{})
            .error()
            .code == crm::errc::empty_input);
}

// --- ok() agrees with the try_ forms ------------------------------------------------------------------

TEMPLATE_TEST_CASE("acquisition inputs: ok() is true exactly when the try_ form has a value (fast path = full checks)",
                   "[acquisition][errors]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  const std::array<crm::count_t, 6> n{-1, 0, 1, 2, 5, 9};
  for (const crm::count_t a : n) {
    for (const crm::count_t b : n) {
      const crm::conversion_counts c{.actions = a, .audience = b};
      CHECK(c.ok() == crm::try_conversion_rate<T>(c).has_value());
      const crm::lead_counts l{.new_customers = a, .leads = b};
      CHECK(l.ok() == crm::try_lead_conversion<T>(l).has_value());
      const crm::visitor_counts v{.leads = a, .visitors = b};
      CHECK(v.ok() == crm::try_visitor_to_lead<T>(v).has_value());
      const crm::customer_base g{.customers_at_start = a, .customers_at_end = b};
      CHECK(g.ok() == crm::try_customer_base_growth<T>(g).has_value());
      const crm::channel_counts s{.channel_new_customers = a, .all_new_customers = b};
      CHECK(s.ok() == crm::try_channel_share<T>(s).has_value());
      for (const crm::count_t k : n) {
        const crm::customer_flow f{.customers_at_start = a, .customers_at_end = b, .customers_lost = k};
        CHECK(f.ok() == crm::try_new_customers(f).has_value());
      }
    }
  }
  const std::array<T, 6> money{T(-1), T(0), T(5), std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                               -std::numeric_limits<T>::infinity()};
  for (const T& m : money)
    for (const crm::count_t k : n) {
      const crm::acquisition_costs<T> c{.marketing_and_sales_cost = m, .new_customers = k};
      CHECK(c.ok() == crm::try_cac(c).has_value());
    }
}

// --- exact decimal division and the limits of the number types -----------------------------------------

TEST_CASE("acquisition: money and counts per count are exact in decimal50 whenever the quotient terminates",
          "[acquisition][exact]") {
  using D = crm::decimal50;
  // Hand arithmetic; each divisor has a factor 3, so dividing through D(n) (a rounded reciprocal) would miss.
  CHECK(crm::cac(crm::acquisition_costs<D>{.marketing_and_sales_cost = D("0.30"), .new_customers = 3}).amount == D("0.10"));
  CHECK(crm::cac(crm::acquisition_costs<D>{.marketing_and_sales_cost = D("2000.01"), .new_customers = 3}).amount ==
        D("666.67"));
  CHECK(crm::cac(crm::acquisition_costs<D>{.marketing_and_sales_cost = D("123.45"), .new_customers = 15}).amount == D("8.23"));
  CHECK(crm::conversion_rate<D>({.actions = 3, .audience = 30}).fraction == D("0.1"));
  CHECK(crm::lead_conversion<D>({.new_customers = 9, .leads = 36}).fraction == D("0.25"));
  CHECK(crm::visitor_to_lead<D>({.leads = 3, .visitors = 12}).fraction == D("0.25"));
  CHECK(crm::channel_share<D>({.channel_new_customers = 33, .all_new_customers = 330}).fraction == D("0.1"));
  CHECK(crm::customer_base_growth<D>({.customers_at_start = 30, .customers_at_end = 33}).fraction == D("0.1"));
  CHECK(crm::customer_base_growth<D>({.customers_at_start = 30, .customers_at_end = 27}).fraction == D("-0.1"));
  const auto f = crm::funnel<D>(std::array<crm::count_t, 3>{300, 30, 3});
  CHECK(f.stage_rates[0].fraction == D("0.1"));
  CHECK(f.stage_rates[1].fraction == D("0.1"));
  CHECK(f.overall.fraction == D("0.01"));
  const std::array<crm::acquisition_channel<D>, 2> ch{{{.cost = D("0.90"), .new_customers = 3}, {.cost = D("0.30"), .new_customers = 3}}};
  std::array<crm::channel_result<D>, 2> out{};
  CHECK(crm::channel_breakdown<D>(ch, out).amount == D("0.20"));  // 1.20 / 6
  CHECK(out[0].cac.amount == D("0.30"));
  CHECK(out[1].cac.amount == D("0.10"));
  CHECK(out[0].share.fraction == D("0.5"));
}

TEMPLATE_TEST_CASE("acquisition: counts and money at the limits of the number types", "[acquisition][limits]", float, double,
                   long double, crm::decimal50, crm::quad) {
  using T = TestType;
  using crm_test::kMaxCount;
  const T big = crm_test::largest<T>();
  // Ratios of counts never overflow: the largest counts give finite, correct rates.
  CHECK(crm::conversion_rate<T>({.actions = kMaxCount, .audience = kMaxCount}).fraction == T(1));
  CHECK(crm::conversion_rate<T>({.actions = 1, .audience = kMaxCount}).fraction > T(0));
  CHECK(crm::funnel<T>(std::array<crm::count_t, 3>{kMaxCount, kMaxCount, 0}).overall.fraction == T(0));
  CHECK(crm::customer_base_growth<T>({.customers_at_start = 1, .customers_at_end = kMaxCount}).fraction ==
        T(T(kMaxCount) - T(1)));
  // Money per count cannot exceed the money.
  CHECK(crm::cac(crm::acquisition_costs<T>{.marketing_and_sales_cost = big, .new_customers = 1}).amount == big);
  // Channel costs that sum beyond T: the blended CAC, big / 2 + big / 2, still fits.
  const std::array<crm::acquisition_channel<T>, 2> costly{{{.cost = big, .new_customers = 1}, {.cost = big, .new_customers = 1}}};
  std::array<crm::channel_result<T>, 2> out{};
  CHECK(crm_test::approx_equal(crm::channel_breakdown<T>(costly, out).amount, big));
  CHECK(out[1].share.fraction == T(1) / T(2));
  CHECK(out[1].cac.amount == big);
  // New customers that sum beyond count_t: errc::overflow, never a wrapped (undefined) sum.
  const std::array<crm::acquisition_channel<T>, 2> crowded{{{.cost = T(1), .new_customers = kMaxCount},
                                                           {.cost = T(1), .new_customers = 1}}};
  crm_test::check_overflow(crm::try_channel_breakdown<T>(crowded, out), [&] { return crm::channel_breakdown<T>(crowded, out); },
                           "channel_breakdown", "new_customers");
}

TEST_CASE("new_customers: the largest counts give the balance without overflowing", "[acquisition][limits]") {
  using crm_test::kMaxCount;
  CHECK(crm::new_customers({.customers_at_start = kMaxCount, .customers_at_end = kMaxCount, .customers_lost = kMaxCount}) ==
        kMaxCount);
  CHECK(crm::new_customers({.customers_at_start = kMaxCount, .customers_at_end = 0, .customers_lost = kMaxCount}) == 0);
  CHECK(crm::new_customers({.customers_at_start = 0, .customers_at_end = kMaxCount, .customers_lost = 0}) == kMaxCount);
  CHECK(crm::try_new_customers({.customers_at_start = kMaxCount, .customers_at_end = 0, .customers_lost = 1}).error().code ==
        crm::errc::out_of_range);
}

}  // namespace acquisition_test

// Tests of the core: ABI namespace, error policy, result<R>, quantity types and their formatting.
#include "catch.hpp"

#include <crm/format.hpp>
#include <crm/metrics.hpp>
#include <crm/multiprecision.hpp>

#include <fmt/format.h>

#include <string>
#include <type_traits>

// House style 4: the public API lives in the inline ABI namespace crm::v0.
static_assert(std::is_same_v<crm::rate<double>, crm::v0::rate<double>>);
static_assert(std::is_trivially_copyable_v<crm::rate<double>>);
static_assert(std::is_trivially_copyable_v<crm::error_info>);
static_assert(std::is_base_of_v<std::domain_error, crm::metric_error>);
static_assert(crm::number<double> && crm::number<float> && crm::number<long double>);
static_assert(crm::number<crm::decimal50> && crm::number<crm::quad>);
static_assert(!crm::number<int> && !crm::number<long long>, "integer rates would truncate");
static_assert(CRM_METRICS_VERSION == CRM_METRICS_VERSION_MAJOR * 10000 + CRM_METRICS_VERSION_MINOR * 100 +
                                         CRM_METRICS_VERSION_PATCH);

TEST_CASE("number_traits: finite check rejects NaN and infinity for every number type", "[core]") {
  CHECK(crm::number_traits<double>::is_finite(1.0));
  CHECK_FALSE(crm::number_traits<double>::is_finite(std::numeric_limits<double>::quiet_NaN()));
  CHECK_FALSE(crm::number_traits<float>::is_finite(std::numeric_limits<float>::infinity()));
  CHECK_FALSE(crm::number_traits<long double>::is_finite(-std::numeric_limits<long double>::infinity()));
  CHECK_FALSE(crm::number_traits<crm::decimal50>::is_finite(std::numeric_limits<crm::decimal50>::quiet_NaN()));
  CHECK_FALSE(crm::number_traits<crm::quad>::is_finite(std::numeric_limits<crm::quad>::infinity()));
  CHECK(crm::number_traits<crm::decimal50>::is_exact);
  CHECK_FALSE(crm::number_traits<double>::is_exact);
}

TEST_CASE("metric_error: message names the metric and the field", "[core]") {
  try {
    (void)crm::roi({.revenue = 1.0, .cost = 0.0});
    FAIL("no exception");
  } catch (const crm::metric_error& e) {
    CHECK(std::string(e.what()) == "crm::roi: cost is zero (zero denominator)");
    CHECK(e.code() == crm::errc::zero_denominator);
    CHECK(std::string(e.field()) == "cost");
  }
}

TEST_CASE("result: value, error and value_or", "[core]") {
  constexpr crm::result<int> good(3);
  static_assert(good.has_value() && *good == 3);
  const crm::result<int> bad(crm::error_info{crm::errc::negative, "m", "f"});
  CHECK_FALSE(bad);
  CHECK(bad.value_or(7) == 7);
  CHECK_THROWS_AS((void)bad.value(), crm::metric_error);
}

TEST_CASE("data_error: names source, line and field", "[core]") {
  const crm::data_error e("orders.csv", 12, "amount", "not a number: 'abc'");
  CHECK(std::string(e.what()) == "orders.csv:12: field 'amount': not a number: 'abc'");
  CHECK(e.line() == 12);
}

TEST_CASE("format: rates print as percent, money with two decimals", "[core][format]") {
  CHECK(fmt::format("{}", crm::rate<double>{0.125}) == "12.5%");
  CHECK(fmt::format("{:.2}", crm::rate<double>{0.125}) == "12.50%");
  CHECK(fmt::format("{}", crm::rate<double>{1.5}) == "150%");
  CHECK(fmt::format("{}", crm::rate<double>{1.0 / 3.0}) == "33.33%");
  CHECK(fmt::format("{}", crm::rate<double>{0.07}) == "7%");
  CHECK(fmt::format("{}", crm::money<double>{250000.0}) == "250000.00");
  CHECK(fmt::format("{:.0}", crm::money<double>{1234.5678}) == "1235");
  CHECK(fmt::format("{}", crm::multiple<double>{3.25}) == "3.25x");
  CHECK(fmt::format("{}", crm::period_count<double>{4.0}) == "4 periods");
}

TEST_CASE("format: fill, alignment and width for table columns", "[core][format]") {
  CHECK(fmt::format("{:>8}", crm::rate<double>{0.125}) == "   12.5%");
  CHECK(fmt::format("{:8.1}", crm::rate<double>{0.125}) == "   12.5%");
  CHECK(fmt::format("{:<8}|", crm::rate<double>{0.125}) == "12.5%   |");
  CHECK(fmt::format("{:*^9}", crm::money<double>{1.5}) == "**1.50***");
  CHECK(fmt::format("{:3}", crm::money<double>{1234.5}) == "1234.50");  // never truncates
  CHECK_THROWS_AS(fmt::format(fmt::runtime("{:.}"), crm::rate<double>{0.1}), fmt::format_error);
  CHECK_THROWS_AS(fmt::format(fmt::runtime("{:.2f}"), crm::rate<double>{0.1}), fmt::format_error);
}

TEST_CASE("format: Boost.Multiprecision rates and money, with and without expression templates", "[core][format]") {
  using crm::decimal50;
  using dec_et_off = boost::multiprecision::number<boost::multiprecision::cpp_dec_float<50>,
                                                   boost::multiprecision::et_off>;
  CHECK(fmt::format("{}", crm::rate<decimal50>{decimal50("0.125")}) == "12.5%");
  CHECK(fmt::format("{:.3}", crm::rate<dec_et_off>{dec_et_off(1) / 3}) == "33.333%");
  CHECK(fmt::format("{}", crm::money<decimal50>{decimal50("19.99")}) == "19.99");
  CHECK(fmt::format("{:.4}", crm::money<crm::quad>{crm::quad(2) / 3}) == "0.6667");
  CHECK(fmt::format("{:.3f}", decimal50("2.5")) == "2.500");
}

TEST_CASE("decimal money: ten times 0.10 is exactly 1.00 with cpp_dec_float_50, not with double", "[core]") {
  crm::decimal50 d = 0;
  double x = 0;
  for (int i = 0; i < 10; ++i) {
    d += crm::decimal50("0.10");
    x += 0.10;
  }
  CHECK(d == 1);
  CHECK(x != 1.0);
}

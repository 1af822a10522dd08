// Tests of the core: ABI namespace, error policy, result<R>, quantity types and their formatting.
#include "catch.hpp"

#include <crm/format.hpp>
#include <crm/metrics.hpp>
#include <crm/multiprecision.hpp>

#include <fmt/format.h>

#include <compare>
#include <limits>
#include <string>
#include <type_traits>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace core_test {

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

TEST_CASE("data_error: names source, line, column and field in the CSV readers' format", "[core]") {
  const crm::data_error e("orders.csv", 12, 3, "amount", "is not a number: 'abc'");
  CHECK(std::string(e.what()) == "orders.csv:12: column 3 'amount' is not a number: 'abc'");
  CHECK(e.source() == "orders.csv");
  CHECK(e.line() == 12);
  CHECK(e.column() == 3);
  CHECK(e.field() == "amount");
  // without a column; without a field; the file as a whole (line 0)
  const crm::data_error no_column("orders.csv", 12, "amount", "is not a number: 'abc'");
  CHECK(std::string(no_column.what()) == "orders.csv:12: 'amount' is not a number: 'abc'");
  CHECK(no_column.column() == 0);
  CHECK(std::string(crm::data_error("x.csv", 4, "", "expected 3 fields as in the header, found 2").what()) ==
        "x.csv:4: expected 3 fields as in the header, found 2");
  CHECK(std::string(crm::data_error("x.csv", 0, "", "cannot open the file").what()) == "x.csv:0: cannot open the file");
  // a column past the header has no name: "column 4 is an extra field"
  CHECK(std::string(crm::data_error("x.csv", 2, 4, "", "is an extra field").what()) == "x.csv:2: column 4 is an extra field");
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

// Boost.Multiprecision 1.81 has no operator<=>: the quantities' ordering was written as
// a.fraction <=> b.fraction, so rate<decimal50> < rate<decimal50> did not compile.
TEMPLATE_TEST_CASE("quantities: rate, money, multiple and period_count order for every number type", "[core]", double, float,
                   long double, crm::decimal50, crm::quad,
                   (boost::multiprecision::number<boost::multiprecision::cpp_dec_float<50>, boost::multiprecision::et_off>)) {
  using T = TestType;
  const T a = T(1) / 8, b = T(1) / 4;
  CHECK(crm::rate<T>{a} < crm::rate<T>{b});
  CHECK(crm::money<T>{b} > crm::money<T>{a});
  CHECK(crm::multiple<T>{a} <= crm::multiple<T>{a});
  CHECK(crm::period_count<T>{a} >= crm::period_count<T>{a});
  CHECK(std::is_eq(crm::rate<T>{a} <=> crm::rate<T>{a}));
  CHECK(crm::money<T>{a} != crm::money<T>{b});
  // NaN is unordered, as a built-in double is: no comparison holds
  const crm::rate<T> nan{std::numeric_limits<T>::quiet_NaN()};
  CHECK_FALSE(nan < crm::rate<T>{a});
  CHECK_FALSE(nan > crm::rate<T>{a});
  CHECK_FALSE(nan <= crm::rate<T>{a});
  CHECK_FALSE(nan >= crm::rate<T>{a});
  CHECK(std::is_eq(crm::money<T>{a} <=> crm::money<T>{a}));
  STATIC_REQUIRE(std::is_same_v<decltype(crm::rate<double>{} <=> crm::rate<double>{}), std::partial_ordering>);
  STATIC_REQUIRE(crm::rate<double>{0.25} > crm::rate<double>{0.125});
}

// A rate whose percent overflows T printed "inf%", and minus infinity lost its sign (the "-0"
// rule saw no digit). Reference for the percent: the fraction times 100 in long double (exact: a
// 53-bit significand times 100 fits in 64 bits), printed by fmt.
TEST_CASE("format: a percent beyond the type prints its digits, minus infinity keeps its sign", "[core][format]") {
  for (const double x : {1e307, -1e307, std::numeric_limits<double>::max()}) {
    INFO(x);
    CHECK(fmt::format("{}", crm::rate<double>{x}) == fmt::format("{:.0f}%", static_cast<long double>(x) * 100));
    CHECK(fmt::format("{:.1}", crm::rate<double>{x}) == fmt::format("{:.1f}%", static_cast<long double>(x) * 100));
    CHECK(fmt::format("{:.0}", crm::rate<double>{x}) == fmt::format("{:.0f}%", static_cast<long double>(x) * 100));
  }
  CHECK(fmt::format("{}", crm::roi({.revenue = 1e307, .cost = 1.0})) == fmt::format("{:.0f}%", static_cast<long double>(1e307 - 1.0) * 100));
  CHECK(fmt::format("{}", crm::rate<float>{1e37f}) == fmt::format("{:.0f}%", static_cast<double>(1e37f) * 100));
  constexpr double inf = std::numeric_limits<double>::infinity();
  CHECK(fmt::format("{}", crm::rate<double>{-inf}) == "-inf%");
  CHECK(fmt::format("{}", crm::money<double>{-inf}) == "-inf");
  CHECK(fmt::format("{}", crm::multiple<double>{-inf}) == "-infx");
  CHECK(fmt::format("{}", crm::rate<double>{inf}) == "inf%");
  CHECK(fmt::format("{:.1}", crm::money<double>{-1e-7}) == "0.0");  // still no "-0.0"
}

// Each cell of the table in docs/formatting.md, and the spec's claims below it.
TEST_CASE("docs/formatting.md: every cell of the table and the spec's rules", "[core][format][docs]") {
  CHECK(fmt::format("{}", crm::rate<double>{0.125}) == "12.5%");
  CHECK(fmt::format("{:.2}", crm::rate<double>{0.125}) == "12.50%");
  CHECK(fmt::format("{}", crm::money<double>{250000.0}) == "250000.00");
  CHECK(fmt::format("{:.2}", crm::money<double>{250000.0}) == "250000.00");
  CHECK(fmt::format("{:.0}", crm::money<double>{250000.0}) == "250000");
  CHECK(fmt::format("{}", crm::multiple<double>{3.2}) == "3.2x");
  CHECK(fmt::format("{:.2}", crm::multiple<double>{3.2}) == "3.20x");
  CHECK(fmt::format("{}", crm::period_count<double>{4.0}) == "4 periods");
  CHECK(fmt::format("{:.2}", crm::period_count<double>{4.0}) == "4.00 periods");
  CHECK(fmt::format("{}", crm::nps_score<double>{.points = 32.0}) == "NPS +32");
  CHECK(fmt::format("{:.2}", crm::nps_score<double>{.points = 32.0}) == "NPS +32.00");
  CHECK(fmt::format("{}", crm::nps_score<double>{.points = -100.0}) == "NPS -100");
  // "`{:>8.1}` gives `   12.5%`"
  CHECK(fmt::format("{:>8.1}", crm::rate<double>{0.125}) == "   12.5%");
  // "A type letter such as `f` is rejected with `fmt::format_error`": for every quantity
  CHECK_THROWS_AS(fmt::format(fmt::runtime("{:f}"), crm::rate<double>{0.1}), fmt::format_error);
  CHECK_THROWS_AS(fmt::format(fmt::runtime("{:.2f}"), crm::money<double>{1.0}), fmt::format_error);
  CHECK_THROWS_AS(fmt::format(fmt::runtime("{:f}"), crm::multiple<double>{1.0}), fmt::format_error);
  CHECK_THROWS_AS(fmt::format(fmt::runtime("{:f}"), crm::period_count<double>{1.0}), fmt::format_error);
  CHECK_THROWS_AS(fmt::format(fmt::runtime("{:f}"), crm::nps_score<double>{.points = 1.0}), fmt::format_error);
  // Boost.Multiprecision numbers themselves: {} all significant digits, {:.4} and {:.4f} fixed, {:.4e} scientific
  const crm::decimal50 x("1.2345678901234567890123456789");
  CHECK(fmt::format("{}", x) == "1.2345678901234567890123456789");
  CHECK(fmt::format("{:.4}", x) == "1.2346");
  CHECK(fmt::format("{:.4f}", x) == "1.2346");
  CHECK(fmt::format("{:.4e}", x) == "1.2346e+00");
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

// --- division by a count: number_traits<T>::divide ----------------------------------------------------

TEST_CASE("number_traits::divide: a decimal divided by a count is exact when the quotient terminates", "[core][exact]") {
  using D = crm::decimal50;
  using dec_et_off = boost::multiprecision::number<boost::multiprecision::cpp_dec_float<50>, boost::multiprecision::et_off>;
  // Hand arithmetic: each quotient terminates. cpp_dec_float divides D by D through a rounded
  // reciprocal, so dividing by D(n) misses the ones whose divisor has a factor 3 or 7; the trait
  // divides by the integer (long division), which is exact.
  struct row {
    const char* x;
    crm::count_t n;
    const char* q;
  };
  const row grid[] = {{"0.30", 3, "0.10"}, {"90", 3, "30"},   {"0.99", 9, "0.11"}, {"7.77", 7, "1.11"},
                      {"2000.01", 3, "666.67"}, {"1.00", 8, "0.125"}, {"123.45", 5, "24.69"}, {"0.000006", 6, "0.000001"},
                      {"-0.30", 3, "-0.10"}, {"36", 12, "3"}};
  int reciprocal_misses = 0;
  for (const row& r : grid) {
    INFO(r.x << " / " << r.n);
    CHECK(crm::number_traits<D>::divide(D(r.x), r.n) == D(r.q));
    CHECK(crm::divide_by_count(D(r.x), r.n) == D(r.q));
    CHECK(crm::number_traits<dec_et_off>::divide(dec_et_off(r.x), r.n) == dec_et_off(r.q));
    if (D(D(r.x) / D(r.n)) != D(r.q)) ++reciprocal_misses;
  }
  CHECK(reciprocal_misses >= 3);  // the grid would catch a division through T(n)
  // Counts of 10^8 and more: cpp_dec_float's own integer division goes through the reciprocal
  // there, so the trait divides in exact steps (factors 2 and 5, odd factors up to 10^5, the rest).
  // (0.30 n) / n must give 0.30 and (100 n) / n must give 100 for every such count.
  const crm::count_t big_counts[] = {99'999'999,      100'000'000,   300'000'000,   1'000'000'000,
                                     123'456'789,     4'294'967'297, 3'000'000'000'000,
                                     std::numeric_limits<crm::count_t>::max(), 6'700'417LL * 641 * 3};
  for (const crm::count_t n : big_counts) {
    INFO("n = " << n);
    CHECK(crm::number_traits<D>::divide(D(D(n) * D("0.30")), n) == D("0.30"));
    CHECK(crm::number_traits<D>::divide(D(D(n) * D(100)), n) == D(100));
    CHECK(crm::count_ratio<D>(n, n) == D(1));
  }
  // A prime count above 10^8 (docs/how-to/custom-number-types.md): Boost's own division, correct to
  // about 50 digits. Reference from Python: decimal.getcontext().prec = 80;
  // decimal.Decimal(10**6) / decimal.Decimal(1000000007).
  {
    using std::abs;
    const D q = crm::number_traits<D>::divide(D(1'000'000), 1'000'000'007);
    const D ref("0.00099999999300000004899999965700000240099998319300011764899917645700576480095964639");
    CHECK(D(abs(D(q - ref)) / ref) < D("1e-49"));
  }
  // Boost's own division by such counts (through the reciprocal) would miss: the steps matter.
  CHECK(D(D(D(300'000'000) * D("0.30")) / D(300'000'000)) != D("0.30"));
  CHECK(D(D("0.30") / D(3)) != D("0.10"));
  // Ratios of counts: 30 of 300 is exactly 0.1.
  CHECK(crm::count_ratio<D>(30, 300) == D("0.1"));
  CHECK(crm::count_ratio<D>(7, 21) != D("0.33"));  // 1/3 does not terminate
  // At any count (docs/metrics.md): the fraction is reduced first, so a left-over prime factor above
  // 10^8 that cancels is never divided by through a rounded reciprocal.
  CHECK(crm::count_ratio<D>(1'000'000'007, 2'000'000'014) == D("0.5"));
  CHECK(crm::count_ratio<D>(300'000'021, 1'000'000'070) == D("0.3"));
  CHECK(crm::count_ratio<D>(-100'000'007, 200'000'014) == D("-0.5"));
  CHECK(crm::churn_rate<D>({.customers_at_start = 200'000'014, .customers_lost = 100'000'007}).fraction == D("0.5"));
  CHECK(crm::conversion_rate<D>({.actions = 1'000'000'007, .audience = 2'000'000'014}).fraction == D("0.5"));
  CHECK(crm::count_ratio<D>(std::numeric_limits<crm::count_t>::max(), std::numeric_limits<crm::count_t>::max()) == D(1));
  // Money over such a count is not reduced (docs/metrics.md): 0.7 x p over p orders is 0.7 to ~50 digits.
  {
    using std::abs;
    const D q = crm::average_check<D>({.revenue = D(D(100'000'007) * D("0.7")), .orders = 100'000'007}).amount;
    CHECK(D(abs(D(q - D("0.7")))) < D("1e-48"));
  }
  // Built-in types: the same as dividing by T(n).
  for (const crm::count_t n : {1LL, 3LL, 7LL, 1000LL, std::numeric_limits<crm::count_t>::max()}) {
    CHECK(crm::number_traits<double>::divide(0.3, n) == 0.3 / static_cast<double>(n));
    CHECK(crm::number_traits<float>::divide(0.3f, n) == 0.3f / static_cast<float>(n));
  }
  static_assert(crm::number_traits<double>::divide(1.0, 8) == 0.125);
  static_assert(crm::count_ratio<double>(1, 4) == 0.25);
}

TEST_CASE("error_info: the field is a field name, the relation is in the detail, the message reads as a sentence", "[core]") {
  const crm::error_info part = crm::detail::check_part("open_rate", "unique_opens", 201LL, 200LL, "must not exceed delivered");
  CHECK(part.code == crm::errc::part_exceeds_whole);
  CHECK(std::string(part.field) == "unique_opens");
  CHECK(crm::message(part) == "crm::open_rate: unique_opens is larger than its whole (must not exceed delivered)");
  CHECK_FALSE(crm::detail::check_part("open_rate", "unique_opens", 200LL, 200LL, "must not exceed delivered"));
  const crm::error_info over = crm::detail::overflow_error("roi", "result", "revenue is too large for so small a cost");
  CHECK(crm::message(over) == "crm::roi: result overflows the number type (revenue is too large for so small a cost)");
  try {
    crm::detail::throw_metric_error(over);
  } catch (const crm::metric_error& e) {
    CHECK(std::string(e.detail()) == "revenue is too large for so small a cost");
  }
}

TEST_CASE("detail::sum_overflows and ordered_product at the limits", "[core][limits]") {
  constexpr crm::count_t max = std::numeric_limits<crm::count_t>::max();
  constexpr crm::count_t min = std::numeric_limits<crm::count_t>::min();
  static_assert(!crm::detail::sum_overflows(max - 1, 1) && crm::detail::sum_overflows(max, 1));
  static_assert(!crm::detail::sum_overflows(min, 0) && crm::detail::sum_overflows(min, -1));
  static_assert(crm::detail::sum_overflows(max / 2 + 1, max / 2 + 1) && !crm::detail::sum_overflows(max / 2, max / 2));
  // 1e200 x 1e200 x 1e-300 = 1e100: left to right the first product overflows.
  using Catch::Matchers::WithinRel;
  const double ordered = crm::detail::ordered_product<double, 3>({1e200, 1e200, 1e-300});
  CHECK_THAT(ordered, WithinRel(1e100, 1e-14));
  CHECK_THAT(crm::detail::product_of_non_negative(1e200, 1e200, 1e-300), WithinRel(1e100, 1e-14));
  CHECK(crm::detail::product_of_non_negative(1e300, 1e300, 0.0) == 0.0);
  CHECK_FALSE(crm::number_traits<double>::is_finite(crm::detail::product_of_non_negative(1e300, 1e300, 1e-200)));
  CHECK_THAT(crm::detail::product_of_non_negative(1e-300, 1e200, 1e200, 1e200), WithinRel(1e300, 1e-14));
  static_assert(crm::detail::product_of_non_negative(2.0, 3.0, 4.0) == 24.0);
}

namespace {
/// Counts its copies (moves are free).
struct copy_counter {
  int* copies = nullptr;
  copy_counter() = default;
  explicit copy_counter(int* c) : copies(c) {}
  copy_counter(const copy_counter& o) : copies(o.copies) { ++*copies; }
  copy_counter(copy_counter&& o) noexcept : copies(o.copies) {}
  copy_counter& operator=(const copy_counter& o) {
    copies = o.copies;
    ++*copies;
    return *this;
  }
  copy_counter& operator=(copy_counter&& o) noexcept {
    copies = o.copies;
    return *this;
  }
  ~copy_counter() = default;
};
}  // namespace

TEST_CASE("result: an rvalue's value is moved out by *, value() and value_or, not copied", "[core]") {
  int copies = 0;
  crm::result<copy_counter> a(copy_counter{&copies});
  const copy_counter x = *std::move(a);  // was a copy: operator* had only a const& form
  crm::result<copy_counter> b(copy_counter{&copies});
  const copy_counter y = std::move(b).value();
  crm::result<copy_counter> c(copy_counter{&copies});
  const copy_counter z = std::move(c).value_or(copy_counter{&copies});
  CHECK(copies == 0);
  const crm::result<copy_counter> d(copy_counter{&copies});
  const copy_counter w = *d;  // an lvalue's value is still copied
  CHECK(copies == 1);
  (void)x, (void)y, (void)z, (void)w;
}

}  // namespace core_test

// Tests of <crm/metrics/retention.hpp>: retention rate, churn rate, repeat-purchase share, customer
// lifetime from churn, average time between purchases, cohort retention.
// Seeds (../shared/seeds): 000 = 000_9949ba3a3098aa87.txt, 001 = 001_15fb4e46a87cf176.txt,
// 003 = 003_f1c74d43239c9d2b.txt, 004 = 004_27df46bff09b8c6f.txt.
#include "catch.hpp"
#include "number_helpers.hpp"
#include "data_path.hpp"
#include "limits_helpers.hpp"

#include <crm/metrics.hpp>
#include <crm/multiprecision.hpp>

#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace retention_test {

using Catch::Matchers::WithinRel;

namespace {
using crm_test::approx_equal;
using crm_test::kInf;
using crm_test::kNaN;
using crm_test::parse;
}  // namespace

// --- compile-time evaluation of the double forms ----------------------------------------------------
static_assert(crm::retention_rate({.customers_at_start = 1'000, .customers_at_end = 1'050, .new_customers = 150}).percent() ==
              90.0);
static_assert(crm::churn_rate({.customers_at_start = 1'000, .customers_lost = 100}).fraction == 0.1);
static_assert(crm::repeat_purchase_share({.repeat_customers = 320, .customers = 1'000}).fraction == 0.32);
static_assert(crm::customer_lifetime({.churn_rate = 0.25}).count == 4.0);
static_assert(crm::average_time_between_purchases({.first_purchase = crm::days<double>(10),
                                                   .last_purchase = crm::days<double>(100), .purchases = 4}) ==
              crm::days<double>(30));
static_assert(crm::average_time_between_purchases({.sum_of_gaps = crm::days<double>(90), .gaps = 3}) == crm::days<double>(30));
static_assert(crm::cohort_retention({.cohort_size = 400, .active_in_period = 100}).fraction == 0.25);
static_assert(!crm::try_churn_rate({.customers_at_start = 10, .customers_lost = 11}).has_value());
static_assert(crm::try_customer_lifetime({.churn_rate = 0.0}).error().code == crm::errc::zero_denominator);
static_assert([] {
  std::array<crm::rate<double>, 3> curve{};
  const std::array<crm::count_t, 3> active{400, 100, 120};
  return crm::cohort_retention_curve<double>(400, active, curve) == 3 && curve[2].fraction == 0.3;
}());

static_assert(std::is_trivially_copyable_v<crm::retention_counts> && std::is_aggregate_v<crm::churn_counts>);
static_assert(std::is_trivially_copyable_v<crm::purchase_dates<double>> && std::is_aggregate_v<crm::purchase_gaps<double>>);
static_assert(std::is_same_v<decltype(crm::customer_lifetime({.churn_rate = 0.5})), crm::period_count<double>>);
static_assert(std::is_same_v<decltype(crm::average_time_between_purchases({.sum_of_gaps = crm::days<double>(1), .gaps = 1})),
                             std::chrono::duration<double, std::ratio<86400>>>);

// --- retention and churn ---------------------------------------------------------------------------

TEMPLATE_TEST_CASE("retention_rate: 001 line 36 ((end - new) / start) for every number type", "[retention]", float, double,
                   long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: (1 050 at end - 150 new) / 1 000 at start = 900 / 1 000 = 90 %.
  CHECK(crm::retention_rate<T>({.customers_at_start = 1'000, .customers_at_end = 1'050, .new_customers = 150}).percent() ==
        T(90));
  // Everybody kept, nobody new: 100 %; everybody lost and replaced: 0 %.
  CHECK(crm::retention_rate<T>({.customers_at_start = 80, .customers_at_end = 80, .new_customers = 0}).fraction == T(1));
  CHECK(crm::retention_rate<T>({.customers_at_start = 80, .customers_at_end = 80, .new_customers = 80}).fraction == T(0));
  // (200 - 50) / 450 = 1 / 3
  CHECK(approx_equal(
      crm::retention_rate<T>({.customers_at_start = 450, .customers_at_end = 200, .new_customers = 50}).fraction,
      T(T(1) / T(3))));
}

TEST_CASE("retention_rate: new customers > end, or more retained than at start, is an error in both forms",
          "[retention][errors]") {
  CHECK_THROWS_WITH(crm::retention_rate({.customers_at_start = 100, .customers_at_end = 50, .new_customers = 60}),
                    "crm::retention_rate: new_customers is larger than its whole (must not exceed customers_at_end)");
  const auto more = crm::try_retention_rate({.customers_at_start = 100, .customers_at_end = 200, .new_customers = 50});
  CHECK(more.error().code == crm::errc::part_exceeds_whole);
  CHECK(std::string(more.error().field) == "customers_at_end");
  CHECK(crm::message(more.error()) == "crm::retention_rate: customers_at_end is larger than its whole (customers_at_end - "
                                      "new_customers, the customers retained, must not exceed customers_at_start)");
  CHECK_THROWS_AS(crm::retention_rate({.customers_at_start = 100, .customers_at_end = 200, .new_customers = 50}),
                  crm::metric_error);
  CHECK(crm::try_retention_rate({.customers_at_start = 0, .customers_at_end = 5, .new_customers = 5}).error().code ==
        crm::errc::zero_denominator);
  CHECK(crm::try_retention_rate({.customers_at_start = 10, .customers_at_end = -5, .new_customers = 0}).error().code ==
        crm::errc::negative);
  CHECK(crm::try_retention_rate<float>({.customers_at_start = 10, .customers_at_end = 5, .new_customers = -1}).error().code ==
        crm::errc::negative);
  CHECK_FALSE(crm::retention_counts{.customers_at_start = 100, .customers_at_end = 200, .new_customers = 50}.ok());
  CHECK(crm::retention_counts{.customers_at_start = 100, .customers_at_end = 150, .new_customers = 50}.ok());
}

TEMPLATE_TEST_CASE("churn_rate: 001 line 42 (lost / start) for every number type", "[retention]", float, double, long double,
                   crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 100 lost of 1 000 = 10 %.
  CHECK(crm::churn_rate<T>({.customers_at_start = 1'000, .customers_lost = 100}).percent() == T(10));
  CHECK(crm::churn_rate<T>({.customers_at_start = 7, .customers_lost = 0}).fraction == T(0));
  CHECK(crm::churn_rate<T>({.customers_at_start = 7, .customers_lost = 7}).fraction == T(1));
}

TEST_CASE("churn_rate: lost > start is an error in both forms", "[retention][errors]") {
  CHECK_THROWS_WITH(crm::churn_rate({.customers_at_start = 10, .customers_lost = 11}),
                    "crm::churn_rate: customers_lost is larger than its whole (must not exceed customers_at_start)");
  CHECK_THROWS_WITH(crm::churn_rate({.customers_at_start = 0, .customers_lost = 0}),
                    "crm::churn_rate: customers_at_start is zero (zero denominator)");
  CHECK(crm::try_churn_rate({.customers_at_start = 10, .customers_lost = -1}).error().code == crm::errc::negative);
  CHECK(crm::try_churn_rate({.customers_at_start = -10, .customers_lost = 1}).error().code == crm::errc::negative);
  CHECK_FALSE(crm::churn_counts{.customers_at_start = 10, .customers_lost = 11}.ok());
}

TEST_CASE("retention_rate and churn_rate: 001 lines 36 and 42 add up to 100 % on a consistent period", "[retention]") {
  // A period: 1 000 at start, 120 lost, 170 new, so 1 050 at the end. Retention (1 050 - 170) / 1 000
  // = 88 %, churn 120 / 1 000 = 12 %.
  const auto kept = crm::retention_rate({.customers_at_start = 1'000, .customers_at_end = 1'050, .new_customers = 170});
  const auto lost = crm::churn_rate({.customers_at_start = 1'000, .customers_lost = 120});
  CHECK_THAT(kept.fraction, WithinRel(0.88, 1e-15));
  CHECK_THAT(lost.fraction, WithinRel(0.12, 1e-15));
  CHECK_THAT(kept.fraction + lost.fraction, WithinRel(1.0, 1e-15));
}

// --- repeat-purchase share -------------------------------------------------------------------------

TEMPLATE_TEST_CASE("repeat_purchase_share: 001 line 66 (customers with >= 2 purchases / all) for every number type",
                   "[retention]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 320 of 1 000 customers bought twice or more = 32 %.
  CHECK(approx_equal(crm::repeat_purchase_share<T>({.repeat_customers = 320, .customers = 1'000}).fraction, parse<T>("0.32")));
  CHECK(crm::repeat_purchase_share<T>({.repeat_customers = 1, .customers = 4}).percent() == T(25));
}

TEST_CASE("repeat_purchase_share: repeat customers > customers is an error in both forms", "[retention][errors]") {
  CHECK_THROWS_WITH(crm::repeat_purchase_share({.repeat_customers = 5, .customers = 4}),
                    "crm::repeat_purchase_share: repeat_customers is larger than its whole (must not exceed customers)");
  CHECK(crm::try_repeat_purchase_share({.repeat_customers = 1, .customers = 0}).error().code == crm::errc::zero_denominator);
  CHECK(crm::try_repeat_purchase_share({.repeat_customers = -1, .customers = 3}).error().code == crm::errc::negative);
}

TEST_CASE("repeat_purchase_share: CDNOW 1/10 sample, counted from the purchase log", "[retention][data]") {
  // ../shared/data/cdnow/CDNOW_sample.txt: 2 357 customers (README). A customer with two purchase
  // rows on the same day counts as one purchase day here, as in the Fader-Hardie summaries; the
  // share is cross-checked against cdnow_customers_summary.csv below for the calibration period.
  const auto f = crm_test::data_file("cdnow/CDNOW_sample.txt");
  CRM_REQUIRE_DATA(f);
  std::ifstream in(f);
  REQUIRE(in);
  std::map<long long, std::vector<long long>> days_by_customer;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    long long master = 0, id = 0, date = 0, cds = 0;
    double value = 0;
    if (!(row >> master >> id >> date >> cds >> value)) continue;
    if (date > 19970930) continue;  // calibration period of the summary file: 1997-01-01 .. 1997-09-30
    std::vector<long long>& d = days_by_customer[id];
    if (d.empty() || d.back() != date) d.push_back(date);
  }
  REQUIRE(days_by_customer.size() == 2357);
  crm::count_t repeaters = 0;
  for (const auto& [id, d] : days_by_customer)
    if (d.size() >= 2) ++repeaters;
  // The same count from the independent summary file (frequency = repeat purchases in calibration).
  const auto g = crm_test::data_file("cdnow/cdnow_customers_summary.csv");
  CRM_REQUIRE_DATA(g);
  std::ifstream summary(g);
  REQUIRE(summary);
  std::getline(summary, line);  // header
  crm::count_t customers = 0, with_repeat = 0;
  while (std::getline(summary, line)) {
    if (line.empty()) continue;
    std::istringstream row(line);
    std::string id, freq;
    std::getline(row, id, ',');
    std::getline(row, freq, ',');
    ++customers;
    if (std::stod(freq) > 0) ++with_repeat;
  }
  REQUIRE(customers == 2357);
  CHECK(repeaters == with_repeat);
  // Fader, Hardie & Lee (2005, Marketing Science 24(2)): 1 411 of the 2 357 made no repeat purchase in
  // the 39-week calibration period, so 946 did: 946 / 2 357 = 40.1 %.
  CHECK(repeaters == 2357 - 1411);
  CHECK_THAT(crm::repeat_purchase_share({.repeat_customers = repeaters, .customers = 2357}).percent(),
             WithinRel(100.0 * 946.0 / 2357.0, 1e-15));
  CHECK(crm::repeat_purchase_share({.repeat_customers = repeaters, .customers = 2357}) ==
        crm::repeat_purchase_share({.repeat_customers = with_repeat, .customers = customers}));
}

// --- customer lifetime ------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("customer_lifetime: 1 / churn per period (geometric lifetime) for every number type", "[retention]", float,
                   double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Standard definition: churn c per period, lifetime ~ Geometric(c), mean 1 / c.
  // Hand arithmetic: 5 % a month -> 20 months; 25 % -> 4; 100 % -> 1.
  CHECK(approx_equal(crm::customer_lifetime(crm::churn_per_period<T>{.churn_rate = parse<T>("0.05")}).count, T(20)));
  CHECK(crm::customer_lifetime(crm::churn_per_period<T>{.churn_rate = T(1) / T(4)}).count == T(4));
  CHECK(crm::customer_lifetime(crm::churn_per_period<T>{.churn_rate = T(1)}).count == T(1));
}

TEST_CASE("customer_lifetime: equals the mean of the geometric lifetime, summed independently", "[retention]") {
  // Independent check: E[L] = sum over n >= 1 of n c (1 - c)^(n - 1), summed term by term.
  for (const double c : {0.02, 0.05, 0.1, 0.3}) {
    long double mean = 0, survive = 1;
    for (int n = 1; n <= 20'000; ++n) {
      mean += n * static_cast<long double>(c) * survive;
      survive *= 1.0L - static_cast<long double>(c);
    }
    CHECK_THAT(crm::customer_lifetime({.churn_rate = c}).count, WithinRel(static_cast<double>(mean), 1e-12));
  }
}

TEST_CASE("customer_lifetime: zero churn (infinite lifetime) and churn outside [0, 1] are errors in both forms",
          "[retention][errors]") {
  CHECK_THROWS_WITH(crm::customer_lifetime({.churn_rate = 0.0}),
                    "crm::customer_lifetime: churn_rate is zero (zero denominator) (zero churn means an infinite lifetime)");
  CHECK(crm::try_customer_lifetime({.churn_rate = 1.5}).error().code == crm::errc::out_of_range);
  CHECK(crm::try_customer_lifetime({.churn_rate = -0.1}).error().code == crm::errc::out_of_range);
  CHECK(crm::try_customer_lifetime({.churn_rate = kNaN}).error().code == crm::errc::not_finite);
  CHECK_FALSE(crm::churn_per_period<double>{}.ok());
}

// --- time between purchases -------------------------------------------------------------------------

TEMPLATE_TEST_CASE("average_time_between_purchases: (last - first) / (purchases - 1) and sum of gaps, every number type",
                   "[retention]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  using days = crm::days<T>;
  // 003 line 15 (no formula); standard definition. Purchases on days 10, 40, 55, 100: gaps 30, 15, 45,
  // sum 90 = 100 - 10, so 90 / 3 = 30 days.
  const days from_dates = crm::average_time_between_purchases(
      crm::purchase_dates<T>{.first_purchase = days(T(10)), .last_purchase = days(T(100)), .purchases = 4});
  const days from_gaps =
      crm::average_time_between_purchases(crm::purchase_gaps<T>{.sum_of_gaps = days(T(30) + T(15) + T(45)), .gaps = 3});
  CHECK(approx_equal(from_dates.count(), T(30)));
  CHECK(approx_equal(from_gaps.count(), T(30)));
  // Two purchases a week apart: one gap of 7 days.
  CHECK(crm::average_time_between_purchases(
            crm::purchase_dates<T>{.first_purchase = days(T(0)), .last_purchase = days(T(7)), .purchases = 2})
            .count() == T(7));
}

TEST_CASE("average_time_between_purchases: keeps the unit, hours and conversion to days", "[retention]") {
  using hours = crm::hours<double>;
  const hours h = crm::average_time_between_purchases(
      crm::purchase_dates<double, std::ratio<3600>>{.first_purchase = hours(0.0), .last_purchase = hours(96.0), .purchases = 3});
  CHECK(h.count() == 48.0);
  CHECK(std::chrono::duration_cast<crm::days<double>>(h).count() == 2.0);
  // From calendar dates: 2024-01-01 and 2024-03-01 (60 days, 2024 is a leap year), 4 purchases -> 20 days.
  using namespace std::chrono;
  const sys_days first_day = year{2024} / January / 1;
  const sys_days last_day = year{2024} / March / 1;  // not `last`: that would shadow std::chrono::last
  const crm::days<double> d = crm::average_time_between_purchases(
      {.first_purchase = crm::days<double>(first_day.time_since_epoch()),
       .last_purchase = crm::days<double>(last_day.time_since_epoch()),
       .purchases = 4});
  CHECK(d.count() == 20.0);
}

TEST_CASE("average_time_between_purchases: the two forms agree on every CDNOW sample customer", "[retention][data]") {
  // For one customer, (last - first) / (n - 1) must equal the mean of the n - 1 consecutive gaps.
  const auto f = crm_test::data_file("cdnow/CDNOW_sample.txt");
  CRM_REQUIRE_DATA(f);
  std::ifstream in(f);
  REQUIRE(in);
  std::map<long long, std::vector<long long>> days_by_customer;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    long long master = 0, id = 0, date = 0, cds = 0;
    double value = 0;
    if (!(row >> master >> id >> date >> cds >> value)) continue;
    const std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(date / 10000)},
                                          std::chrono::month{static_cast<unsigned>(date / 100 % 100)},
                                          std::chrono::day{static_cast<unsigned>(date % 100)}};
    days_by_customer[id].push_back(std::chrono::sys_days{ymd}.time_since_epoch().count());
  }
  REQUIRE(days_by_customer.size() == 2357);
  crm::count_t checked = 0;
  for (const auto& [id, d] : days_by_customer) {
    if (d.size() < 2) {
      CHECK_FALSE(crm::try_average_time_between_purchases(
                      {.first_purchase = crm::days<double>(static_cast<double>(d.front())),
                       .last_purchase = crm::days<double>(static_cast<double>(d.front())), .purchases = 1})
                      .has_value());
      continue;
    }
    double sum = 0;
    for (std::size_t i = 1; i < d.size(); ++i) sum += static_cast<double>(d[i] - d[i - 1]);
    const auto n = static_cast<crm::count_t>(d.size());
    const double a = crm::average_time_between_purchases({.first_purchase = crm::days<double>(static_cast<double>(d.front())),
                                                          .last_purchase = crm::days<double>(static_cast<double>(d.back())),
                                                          .purchases = n})
                         .count();
    const double b = crm::average_time_between_purchases({.sum_of_gaps = crm::days<double>(sum), .gaps = n - 1}).count();
    if (a != b) CHECK(a == b);  // report only mismatches: 2 357 customers
    ++checked;
  }
  CHECK(checked > 0);
}

TEST_CASE("average_time_between_purchases: bad input is an error in both forms", "[retention][errors]") {
  using days = crm::days<double>;
  CHECK_THROWS_WITH(
      crm::average_time_between_purchases({.first_purchase = days(1.0), .last_purchase = days(5.0), .purchases = 1}),
      "crm::average_time_between_purchases: purchases is out of range (needs at least 2 purchases)");
  CHECK_THROWS_WITH(
      crm::average_time_between_purchases({.first_purchase = days(9.0), .last_purchase = days(5.0), .purchases = 3}),
      "crm::average_time_between_purchases: last_purchase is out of range (must not be before first_purchase)");
  CHECK(crm::try_average_time_between_purchases({.first_purchase = days(1.0), .last_purchase = days(5.0), .purchases = -2})
            .error()
            .code == crm::errc::negative);
  CHECK(crm::try_average_time_between_purchases({.first_purchase = days(kNaN), .last_purchase = days(5.0), .purchases = 2})
            .error()
            .code == crm::errc::not_finite);
  CHECK(crm::try_average_time_between_purchases({.first_purchase = days(1.0), .last_purchase = days(kInf), .purchases = 2})
            .error()
            .code == crm::errc::not_finite);
  CHECK_THROWS_WITH(crm::average_time_between_purchases({.sum_of_gaps = days(5.0), .gaps = 0}),
                    "crm::average_time_between_purchases: gaps is zero (zero denominator)");
  CHECK(crm::try_average_time_between_purchases({.sum_of_gaps = days(-5.0), .gaps = 2}).error().code == crm::errc::negative);
  CHECK_FALSE(crm::purchase_gaps<double>{.sum_of_gaps = days(3.0), .gaps = 0}.ok());
  CHECK(crm::purchase_dates<double>{.first_purchase = days(1.0), .last_purchase = days(3.0), .purchases = 2}.ok());
}

// --- cohort retention --------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("cohort_retention: active in period k / cohort size (standard cohort analysis) for every number type",
                   "[retention]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // Hand arithmetic: 100 of a cohort of 400 active in month 3 = 25 %.
  CHECK(crm::cohort_retention<T>({.cohort_size = 400, .active_in_period = 100}).percent() == T(25));
  std::array<crm::rate<T>, 4> curve{};
  const std::array<crm::count_t, 4> active{400, 180, 100, 120};  // a lapsed customer may come back
  REQUIRE(crm::cohort_retention_curve<T>(400, active, curve) == 4);
  CHECK(curve[0].fraction == T(1));
  CHECK(curve[1].percent() == T(45));
  CHECK(curve[2].percent() == T(25));
  CHECK(approx_equal(curve[3].percent(), T(30)));
}

TEST_CASE("cohort_retention: bad input is an error in both forms", "[retention][errors]") {
  CHECK_THROWS_WITH(crm::cohort_retention({.cohort_size = 10, .active_in_period = 11}),
                    "crm::cohort_retention: active_in_period is larger than its whole (must not exceed cohort_size)");
  CHECK(crm::try_cohort_retention({.cohort_size = 0, .active_in_period = 0}).error().code == crm::errc::zero_denominator);
  CHECK(crm::try_cohort_retention({.cohort_size = 5, .active_in_period = -1}).error().code == crm::errc::negative);
  std::array<crm::rate<double>, 2> curve{};
  const std::array<crm::count_t, 2> too_many{10, 11};
  CHECK(crm::try_cohort_retention_curve<double>(10, too_many, curve).error().code == crm::errc::part_exceeds_whole);
  CHECK_THROWS_AS(crm::cohort_retention_curve<double>(10, too_many, curve), crm::metric_error);
  const std::array<crm::count_t, 3> three{10, 5, 1};
  CHECK(crm::try_cohort_retention_curve<double>(10, three, curve).error().code == crm::errc::out_of_range);
  CHECK(crm::try_cohort_retention_curve<double>(10, std::span<const crm::count_t>{}, std::span<crm::rate<double>>{})
            .error()
            .code == crm::errc::empty_input);
  CHECK(crm::try_cohort_retention_curve<double>(0, too_many, curve).error().code == crm::errc::zero_denominator);
}

// --- ok() agrees with the try_ forms ------------------------------------------------------------------

TEMPLATE_TEST_CASE("retention inputs: ok() is true exactly when the try_ form has a value (fast path = full checks)",
                   "[retention][errors]", float, double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  const std::array<crm::count_t, 6> n{-1, 0, 1, 2, 5, 9};
  for (const crm::count_t a : n) {
    for (const crm::count_t b : n) {
      const crm::churn_counts c{.customers_at_start = a, .customers_lost = b};
      CHECK(c.ok() == crm::try_churn_rate<T>(c).has_value());
      const crm::repeat_counts r{.repeat_customers = a, .customers = b};
      CHECK(r.ok() == crm::try_repeat_purchase_share<T>(r).has_value());
      const crm::cohort_counts h{.cohort_size = a, .active_in_period = b};
      CHECK(h.ok() == crm::try_cohort_retention<T>(h).has_value());
      for (const crm::count_t k : n) {
        const crm::retention_counts t{.customers_at_start = a, .customers_at_end = b, .new_customers = k};
        CHECK(t.ok() == crm::try_retention_rate<T>(t).has_value());
      }
    }
  }
  const std::array<T, 8> v{T(-1),
                           T(0),
                           T(1) / T(2),
                           T(1),
                           T(3),
                           std::numeric_limits<T>::quiet_NaN(),
                           std::numeric_limits<T>::infinity(),
                           -std::numeric_limits<T>::infinity()};
  using days = crm::days<T>;
  for (const T& a : v) {
    const crm::churn_per_period<T> c{.churn_rate = a};
    CHECK(c.ok() == crm::try_customer_lifetime(c).has_value());
    for (const crm::count_t k : n) {
      const crm::purchase_gaps<T> g{.sum_of_gaps = days(a), .gaps = k};
      CHECK(g.ok() == crm::try_average_time_between_purchases(g).has_value());
      for (const T& b : v) {
        const crm::purchase_dates<T> d{.first_purchase = days(a), .last_purchase = days(b), .purchases = k};
        CHECK(d.ok() == crm::try_average_time_between_purchases(d).has_value());
      }
    }
  }
}

// --- exact decimal division and the limits of the number types -----------------------------------------

TEST_CASE("retention: rates and durations per count are exact in decimal50 whenever the quotient terminates",
          "[retention][exact]") {
  using D = crm::decimal50;
  using ddays = crm::days<D>;
  // Hand arithmetic; the divisors have a factor 3, where a division through D(n) would round.
  CHECK(crm::retention_rate<D>({.customers_at_start = 30, .customers_at_end = 30, .new_customers = 3}).fraction == D("0.9"));
  CHECK(crm::churn_rate<D>({.customers_at_start = 30, .customers_lost = 3}).fraction == D("0.1"));
  CHECK(crm::repeat_purchase_share<D>({.repeat_customers = 9, .customers = 36}).fraction == D("0.25"));
  CHECK(crm::cohort_retention<D>({.cohort_size = 300, .active_in_period = 33}).fraction == D("0.11"));
  const std::array<crm::count_t, 3> active{300, 30, 3};
  std::array<crm::rate<D>, 3> curve{};
  CHECK(crm::cohort_retention_curve<D>(300, active, curve) == 3);
  CHECK(curve[1].fraction == D("0.1"));
  CHECK(curve[2].fraction == D("0.01"));
  // (0.40 - 0.10) days over 3 gaps = 0.10 days; 0.30 days of gaps over 3 gaps = 0.10.
  CHECK(crm::average_time_between_purchases(crm::purchase_dates<D>{.first_purchase = ddays(D("0.10")),
                                                                   .last_purchase = ddays(D("0.40")), .purchases = 4})
            .count() == D("0.10"));
  CHECK(crm::average_time_between_purchases(crm::purchase_gaps<D>{.sum_of_gaps = ddays(D("0.30")), .gaps = 3}).count() ==
        D("0.10"));
  CHECK(crm::average_time_between_purchases(crm::purchase_gaps<D>{.sum_of_gaps = ddays(D("2000.01")), .gaps = 3}).count() ==
        D("666.67"));
}

TEMPLATE_TEST_CASE("retention: at the limits of the number types", "[retention][limits]", float, double, long double,
                   crm::decimal50, crm::quad) {
  using T = TestType;
  using tdays = crm::days<T>;
  using crm_test::kMaxCount;
  const T big = crm_test::largest<T>();
  CHECK(crm::churn_rate<T>({.customers_at_start = kMaxCount, .customers_lost = kMaxCount}).fraction == T(1));
  CHECK(crm::retention_rate<T>({.customers_at_start = kMaxCount, .customers_at_end = kMaxCount, .new_customers = 0}).fraction ==
        T(1));
  // 1 / churn for the smallest normal churn fits in T for every type here (binary: 2^-k -> 2^k;
  // decimal50: 1e-67108864 -> 1e67108864).
  CHECK(crm::number_traits<T>::is_finite(crm::customer_lifetime(crm::churn_per_period<T>{.churn_rate = crm_test::smallest<T>()}).count));
  // Times near both limits: last - first overflows, the gap per purchase does not (with 2 gaps).
  const crm::purchase_dates<T> wide{.first_purchase = tdays(T(-big)), .last_purchase = tdays(big), .purchases = 3};
  CHECK(crm_test::approx_equal(crm::average_time_between_purchases(wide).count(), big));
  // With one gap it does: errc::overflow.
  const crm::purchase_dates<T> too_wide{.first_purchase = tdays(T(-big)), .last_purchase = tdays(big), .purchases = 2};
  crm_test::check_overflow(crm::try_average_time_between_purchases(too_wide),
                           [&] { return crm::average_time_between_purchases(too_wide); }, "average_time_between_purchases",
                           "result");
  CHECK(crm::average_time_between_purchases(crm::purchase_gaps<T>{.sum_of_gaps = tdays(big), .gaps = 1}).count() == big);
}

TEMPLATE_TEST_CASE("customer_lifetime: a subnormal churn whose reciprocal exceeds the type is errc::overflow",
                   "[retention][limits]", float, double, long double) {
  using T = TestType;
  const crm::churn_per_period<T> in{.churn_rate = std::numeric_limits<T>::denorm_min()};
  crm_test::check_overflow(crm::try_customer_lifetime(in), [&] { return crm::customer_lifetime(in); }, "customer_lifetime",
                           "result");
}

}  // namespace retention_test

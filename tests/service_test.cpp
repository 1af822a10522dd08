// Tests of <crm/metrics/service.hpp>: average response and lead processing time, unresolved-request
// share, revenue and deals per manager, lost-deal shares by reason.
//
// The seeds name these metrics without formulas (000_9949ba3a3098aa87.txt lines 58 and 204-206;
// 002_16fc3440f7c5e33f.txt line 11; 003_f1c74d43239c9d2b.txt lines 13 and 28). They are plain means
// and shares; every expected value is hand arithmetic written out beside it.
#include "catch.hpp"
#include "limits_helpers.hpp"

#include <crm/format.hpp>
#include <crm/metrics/service.hpp>
#include <crm/multiprecision.hpp>

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <limits>
#include <string>
#include <vector>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace service_test {

using namespace std::chrono_literals;

namespace {
template <class T>
bool close(const T& a, const T& b) {
  const T eps = std::numeric_limits<T>::epsilon() * T(64);
  const T diff = a > b ? T(a - b) : T(b - a);
  const T mag = b < T(0) ? T(-b) : b;
  return diff <= eps * (mag > T(1) ? mag : T(1));
}
constexpr double first_lost_share() {
  const crm::count_t lost[] = {30, 15, 5};
  crm::rate<double> shares[3];
  const crm::count_t total = crm::lost_deal_shares(lost, shares);
  return total == 50 ? shares[0].fraction : -1.0;
}
}  // namespace

// Compile-time evaluation of the double forms.
// 90 min over 12 responses = 7.5 min.
static_assert(crm::average_response_time(crm::response_times<double, std::ratio<60>>{.total_response_time = 90min,
                                                                                      .responses = 12})
                  .count() == 7.5);
// 36 h over 16 leads = 2.25 h.
static_assert(crm::average_lead_processing_time(crm::lead_processing_times<double, std::ratio<3600>>{
                                                    .total_processing_time = 36h, .leads = 16})
                  .count() == 2.25);
static_assert(crm::average_response_time({.total_response_time = 60s, .responses = 4}).count() == 15.0);
static_assert(crm::unresolved_request_share({.requests = 400, .unresolved = 26}).fraction == 0.065);  // 26 / 400
static_assert(crm::revenue_per_manager({.revenue = 1'200'000.0, .managers = 4}).amount == 300'000.0);
static_assert(crm::deals_per_manager({.deals = 30, .managers = 4}).value() == 7.5);
static_assert(crm::lost_deal_share({.lost_for_reason = 30, .lost_deals = 50}).fraction == 0.6);
static_assert(first_lost_share() == 0.6);  // 30 / (30 + 15 + 5)

TEMPLATE_TEST_CASE("service: means and shares, every number type", "[service]", float, double, long double,
                   crm::decimal50, crm::quad) {
  using T = TestType;
  // Average response time (002 line 11; 000 line 58): 90 min over 12 responses = 7.5 min.
  const crm::response_times<T, std::ratio<60>> resp{.total_response_time = std::chrono::duration<T, std::ratio<60>>(T(90)),
                                                    .responses = 12};
  CHECK(close(crm::average_response_time(resp).count(), T(75) / T(10)));
  // The mean of individual response times {2 min, 5 min, 11 min} = 6 min.
  const std::array<std::chrono::duration<T, std::ratio<60>>, 3> each{
      std::chrono::duration<T, std::ratio<60>>(T(2)), std::chrono::duration<T, std::ratio<60>>(T(5)),
      std::chrono::duration<T, std::ratio<60>>(T(11))};
  CHECK(close(crm::average_response_time(each).count(), T(6)));
  // Average lead processing time (000 lines 204-206): 36 h over 16 leads = 2.25 h.
  const crm::lead_processing_times<T, std::ratio<3600>> leads{.total_processing_time = crm::hours<T>(T(36)), .leads = 16};
  CHECK(close(crm::average_lead_processing_time(leads).count(), T(225) / T(100)));
  CHECK(close(crm::average_lead_processing_time(each).count(), T(6)));
  // Unresolved-request share (000 line 58): 26 / 400 = 6.5 %.
  CHECK(close(crm::unresolved_request_share<T>({.requests = 400, .unresolved = 26}).percent(), T(65) / T(10)));
  // Per manager (003 line 28): 1 200 000 / 4 = 300 000 of revenue, 30 / 4 = 7.5 deals.
  const crm::sales_team<T> team{.revenue = T(1200000), .deals = 30, .managers = 4};
  CHECK(close(crm::revenue_per_manager(team).amount, T(300000)));
  CHECK(close(crm::deals_per_manager(team).value(), T(75) / T(10)));
  // Lost deals by reason (003 line 13): price 30, competitor 15, no answer 5 of 50 -> 60 %, 30 %, 10 %.
  CHECK(close(crm::lost_deal_share<T>({.lost_for_reason = 15, .lost_deals = 50}).percent(), T(30)));
  const std::array<crm::count_t, 3> lost{30, 15, 5};
  std::array<crm::rate<T>, 3> shares{};
  CHECK(crm::lost_deal_shares<T>(lost, shares) == 50);
  CHECK(close(shares[0].percent(), T(60)));
  CHECK(close(shares[1].percent(), T(30)));
  CHECK(close(shares[2].percent(), T(10)));
  // The shares sum to 1, also when they are thirds: 1/3 + 1/3 + 1/3 (up to rounding of T).
  const std::array<crm::count_t, 3> even{7, 7, 7};
  REQUIRE(crm::try_lost_deal_shares<T>(even, shares).value() == 21);
  CHECK(close(T(shares[0].fraction + shares[1].fraction + shares[2].fraction), T(1)));
  CHECK(close(shares[0].fraction, T(1) / T(3)));
}

TEST_CASE("revenue_per_manager: decimal money stays 0.01-granular", "[service]") {
  using crm::decimal50;
  // 1 200 000.40 over 4 managers is exactly 300 000.10 in decimal50.
  const crm::sales_team<decimal50> team{.revenue = decimal50("1200000.40"), .deals = 9, .managers = 4};
  CHECK(crm::revenue_per_manager(team).amount == decimal50("300000.10"));
  CHECK(fmt::format("{}", crm::revenue_per_manager(team)) == "300000.10");
  CHECK(fmt::format("{}", crm::deals_per_manager(team)) == "2.25x");
}

TEST_CASE("average times keep the unit of their input and never truncate", "[service]") {
  // Integer minutes in, floating minutes out: {3 min, 4 min} -> 3.5 min.
  const std::vector<std::chrono::minutes> mins{3min, 4min};
  const auto avg = crm::average_response_time(mins);
  static_assert(std::is_same_v<decltype(avg), const std::chrono::duration<double, std::ratio<60>>>);
  CHECK(avg.count() == 3.5);
  // Integer-rep struct: 7 h over 2 leads = 3.5 h (as double hours).
  const auto h = crm::average_lead_processing_time(crm::lead_processing_times<long, std::ratio<3600>>{
      .total_processing_time = std::chrono::hours(7), .leads = 2});
  static_assert(std::is_same_v<decltype(h), const crm::hours<double>>);
  CHECK(h.count() == 3.5);
  // Converting the average to another unit is std::chrono's job: 3.5 min = 210 s.
  CHECK(std::chrono::duration<double>(avg).count() == 210.0);
}

TEST_CASE("service: bad input is an error naming metric and field, both forms", "[service][errors]") {
  using crm::errc;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(crm::average_response_time({.total_response_time = 60s, .responses = 0}),
                    "crm::average_response_time: responses is zero (zero denominator)");
  CHECK(crm::try_average_response_time({.total_response_time = -1s, .responses = 3}).error().code == errc::negative);
  CHECK(crm::try_average_response_time({.total_response_time = crm::seconds<double>(nan), .responses = 3})
            .error()
            .code == errc::not_finite);
  CHECK(crm::try_average_response_time({.total_response_time = 1s, .responses = -3}).error().code == errc::negative);
  const std::vector<std::chrono::seconds> none;
  CHECK_THROWS_WITH(crm::average_response_time(none), "crm::average_response_time: response_times is empty");
  const std::vector<std::chrono::seconds> negative{5s, -1s};
  CHECK(std::string(crm::try_average_response_time(negative).error().field) == "response_times");

  CHECK_THROWS_WITH(crm::average_lead_processing_time({.total_processing_time = 60s, .leads = 0}),
                    "crm::average_lead_processing_time: leads is zero (zero denominator)");
  CHECK(crm::try_average_lead_processing_time({.total_processing_time = -60s, .leads = 1}).error().code ==
        errc::negative);
  CHECK(crm::try_average_lead_processing_time(none).error().code == errc::empty_input);
  CHECK_THROWS_AS(crm::average_lead_processing_time(negative), crm::metric_error);

  CHECK_THROWS_WITH(crm::unresolved_request_share({.requests = 10, .unresolved = 11}),
                    "crm::unresolved_request_share: unresolved is larger than its whole (must not exceed requests)");
  CHECK(crm::try_unresolved_request_share({.requests = 0}).error().code == errc::zero_denominator);
  CHECK(crm::try_unresolved_request_share({.requests = 5, .unresolved = -1}).error().code == errc::negative);
  CHECK_FALSE(crm::request_counts{.requests = 0}.ok());

  CHECK_THROWS_WITH(crm::revenue_per_manager({.revenue = 100.0, .managers = 0}),
                    "crm::revenue_per_manager: managers is zero (zero denominator)");
  CHECK(crm::try_revenue_per_manager({.revenue = -100.0, .managers = 2}).error().code == errc::negative);
  CHECK(crm::try_revenue_per_manager({.revenue = nan, .managers = 2}).error().code == errc::not_finite);
  CHECK(crm::try_deals_per_manager({.deals = -1, .managers = 2}).error().code == errc::negative);
  CHECK_THROWS_WITH(crm::deals_per_manager({.deals = 3, .managers = -2}), "crm::deals_per_manager: managers is negative");
  CHECK_FALSE(crm::sales_team<double>{.revenue = 1.0, .managers = 0}.ok());

  CHECK_THROWS_WITH(crm::lost_deal_share({.lost_for_reason = 6, .lost_deals = 5}),
                    "crm::lost_deal_share: lost_for_reason is larger than its whole (must not exceed lost_deals)");
  CHECK(crm::try_lost_deal_share({.lost_for_reason = 0, .lost_deals = 0}).error().code == errc::zero_denominator);
  CHECK(crm::try_lost_deal_share({.lost_for_reason = -1, .lost_deals = 3}).error().code == errc::negative);

  std::array<crm::rate<double>, 2> two{crm::rate<double>{0.5}, crm::rate<double>{0.5}};
  const std::array<crm::count_t, 3> three{1, 2, 3};
  CHECK_THROWS_WITH(crm::lost_deal_shares(three, two),
                    "crm::lost_deal_shares: shares is out of range (must have as many elements as lost_by_reason)");
  const std::array<crm::count_t, 2> zeros{0, 0};
  CHECK_THROWS_WITH(crm::lost_deal_shares(zeros, two),
                    "crm::lost_deal_shares: lost_by_reason is zero (zero denominator) (the counts sum to zero)");
  const std::array<crm::count_t, 2> neg{4, -1};
  CHECK(crm::try_lost_deal_shares(neg, two).error().code == errc::negative);
  CHECK(crm::try_lost_deal_shares(std::span<const crm::count_t>{}, std::span<crm::rate<double>>{}).error().code ==
        errc::empty_input);
  // On error the caller's shares are left unchanged.
  CHECK(two[0].fraction == 0.5);
  CHECK(two[1].fraction == 0.5);
}

// --- exact decimal division and the limits of the number types -----------------------------------------

TEST_CASE("service: money, counts and times per count are exact in decimal50 whenever they terminate", "[service][exact]") {
  using D = crm::decimal50;
  using dminutes = std::chrono::duration<D, std::ratio<60>>;
  // Hand arithmetic; divisors with a factor 3, where a division through D(n) would round.
  CHECK(crm::revenue_per_manager(crm::sales_team<D>{.revenue = D("0.30"), .managers = 3}).amount == D("0.10"));
  CHECK(crm::revenue_per_manager(crm::sales_team<D>{.revenue = D("2000.01"), .managers = 3}).amount == D("666.67"));
  CHECK(crm::deals_per_manager(crm::sales_team<D>{.deals = 45, .managers = 6}).value() == D("7.5"));
  CHECK(crm::unresolved_request_share<D>({.requests = 300, .unresolved = 27}).fraction == D("0.09"));
  CHECK(crm::lost_deal_share<D>({.lost_for_reason = 9, .lost_deals = 36}).fraction == D("0.25"));
  const crm::count_t lost[] = {18, 9, 3};  // of 30
  crm::rate<D> shares[3];
  CHECK(crm::lost_deal_shares<D>(lost, shares) == 30);
  CHECK(shares[0].fraction == D("0.6"));
  CHECK(shares[1].fraction == D("0.3"));
  CHECK(shares[2].fraction == D("0.1"));
  const crm::response_times<D, std::ratio<60>> replies{.total_response_time = dminutes(D("22.5")), .responses = 3};
  CHECK(crm::average_response_time(replies).count() == D("7.5"));
  const std::array<dminutes, 3> each{dminutes(D("0.10")), dminutes(D("0.15")), dminutes(D("0.05"))};
  CHECK(crm::average_response_time(each).count() == D("0.10"));
  const crm::lead_processing_times<D, std::ratio<3600>> leads{.total_processing_time = crm::hours<D>(D("0.90")), .leads = 12};
  CHECK(crm::average_lead_processing_time(leads).count() == D("0.075"));
}

TEMPLATE_TEST_CASE("service: counts, money and times at the limits of the number types", "[service][limits]", float, double,
                   long double, crm::decimal50, crm::quad) {
  using T = TestType;
  using crm_test::kMaxCount;
  const T big = crm_test::largest<T>();
  CHECK(crm::revenue_per_manager(crm::sales_team<T>{.revenue = big, .managers = 1}).amount == big);
  CHECK(crm::deals_per_manager(crm::sales_team<T>{.deals = kMaxCount, .managers = kMaxCount}).value() == T(1));
  // Lost deals that sum beyond count_t: errc::overflow, never a wrapped sum.
  const crm::count_t lost[] = {kMaxCount, 1};
  crm::rate<T> shares[2];
  crm_test::check_overflow(crm::try_lost_deal_shares<T>(lost, shares), [&] { return crm::lost_deal_shares<T>(lost, shares); },
                           "lost_deal_shares", "lost_by_reason");
  const std::array<crm::seconds<T>, 2> long_ones{crm::seconds<T>(big), crm::seconds<T>(big)};
  crm_test::check_overflow(crm::try_average_response_time(long_ones), [&] { return crm::average_response_time(long_ones); },
                           "average_response_time", "response_times");
  crm_test::check_overflow(crm::try_average_lead_processing_time(long_ones),
                           [&] { return crm::average_lead_processing_time(long_ones); }, "average_lead_processing_time",
                           "processing_times");
}

}  // namespace service_test

// crm-metrics tests: survey answers -> NPS and CSAT counts; spend totals per channel.
#include <crm/aggregate/survey.hpp>
#include <crm/metrics/acquisition.hpp>
#include <crm/metrics/loyalty.hpp>
#include <crm/multiprecision.hpp>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "catch.hpp"
#include "le_bytes.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace aggregate_survey_test {

using namespace std::chrono;

namespace {
const crm::time_point t0 = crm::to_time(sys_days{2024y / 5 / 1});
}

TEST_CASE("nps_accumulator: equals crm::tally_nps_answers on every answer mix", "[aggregate][survey]") {
  std::mt19937 rng(5);
  for (int round = 0; round < 50; ++round) {
    std::vector<int> scores;
    std::vector<crm::survey_answer> answers;
    const int n = static_cast<int>(rng() % 500);
    for (int i = 0; i < n; ++i) {
      scores.push_back(static_cast<int>(rng() % 11));
      answers.push_back({static_cast<crm::customer_id>(i), t0, scores.back()});
    }
    crm::nps_accumulator acc;
    CHECK(acc.add(answers).used == n);
    const crm::nps_counts want = crm::tally_nps_answers(scores);
    CHECK(acc.tally().promoters == want.promoters);
    CHECK(acc.tally().passives == want.passives);
    CHECK(acc.tally().detractors == want.detractors);
    CHECK(acc.respondents() == n);
  }
  // 001 line 84: 50 promoters, 32 passives, 18 detractors -> NPS 32.
  crm::nps_accumulator acc;
  for (int i = 0; i < 50; ++i) acc.add(crm::survey_answer{1, t0, 9 + i % 2});
  for (int i = 0; i < 32; ++i) acc.add(crm::survey_answer{1, t0, 7 + i % 2});
  for (int i = 0; i < 18; ++i) acc.add(crm::survey_answer{1, t0, i % 7});
  CHECK(crm::nps(acc.tally()).points == 32.0);
}

TEST_CASE("csat_accumulator and spend_accumulator: tallies, sums, bad records", "[aggregate][survey]") {
  crm::csat_accumulator five;
  for (const int s : {1, 2, 3, 4, 5, 5, 4}) five.add(crm::survey_answer{1, t0, s});
  CHECK(five.tally().satisfied == 4);
  CHECK(five.tally().respondents == 7);
  crm::csat_accumulator ten({.lowest = 0, .highest = 10, .satisfied_from = 8});
  const std::vector<crm::survey_answer> a = {{1, t0, 8}, {1, t0, 11}, {1, t0, -1}, {1, t0, 10}, {1, t0, 7}};
  const auto r = ten.try_add(a, crm::on_bad_record::skip);
  CHECK(r.used == 3);
  CHECK(r.rejected == 2);
  CHECK(crm::message(r.first_error()) == "crm::csat_accumulator: score is out of range (must lie on the survey's scale) (record 1)");
  CHECK(ten.tally().satisfied == 2);
  CHECK(crm::csat_accumulator::try_create({.lowest = 5, .highest = 1, .satisfied_from = 3}).error().field == std::string("scale"));
  // a scale at either end of int: the tally's loop ran past INT_MAX (signed overflow, then a read far
  // outside the counts) before 2026-12-07
  constexpr int top = std::numeric_limits<int>::max(), bottom = std::numeric_limits<int>::min();
  crm::csat_accumulator high({.lowest = top - 4, .highest = top, .satisfied_from = top - 1});
  for (const int s : {top - 4, top - 1, top, top, top - 2}) high.add(crm::survey_answer{1, t0, s});
  CHECK(high.tally().satisfied == 3);
  CHECK(high.tally().respondents == 5);
  const auto high_back = crm::csat_accumulator::try_deserialize(high.serialize());
  REQUIRE(high_back);
  CHECK(high_back->tally().satisfied == 3);
  crm::csat_accumulator low({.lowest = bottom, .highest = bottom + 4, .satisfied_from = bottom + 3});
  for (const int s : {bottom, bottom + 3, bottom + 4, bottom + 1}) low.add(crm::survey_answer{1, t0, s});
  CHECK(low.tally().satisfied == 2);
  CHECK(low.tally().respondents == 4);
  crm::nps_accumulator nps;
  CHECK(nps.try_add(crm::survey_answer{1, t0, 11}).code == crm::errc::out_of_range);
  CHECK(crm::try_nps(nps.tally()).error().code == crm::errc::zero_denominator);  // empty input

  crm::spend_accumulator<crm::decimal50> spend;
  const std::vector<crm::spend_record<crm::decimal50>> s = {
      {t0, 1, crm::decimal50("0.10")}, {t0, 2, crm::decimal50("0.20")}, {t0, 1, crm::decimal50("0.10")}, {t0, 3, crm::decimal50("-1")}};
  const auto rs = spend.try_add(s, crm::on_bad_record::skip);
  CHECK(rs.used == 3);
  CHECK(rs.first_error().error.code == crm::errc::negative);
  CHECK(spend.total() == crm::decimal50("0.4"));
  CHECK(spend.channel(1) == crm::decimal50("0.2"));
  CHECK(spend.channel(3) == 0);
  CHECK(crm::cac(spend.costs(4)).amount == crm::decimal50("0.1"));

  // Per month: CAC of a period = its spend / its new customers.
  crm::spend_accumulator<double> monthly(crm::period_unit::month);
  const auto jan = crm::to_time(sys_days{2024y / 1 / 10}), feb = crm::to_time(sys_days{2024y / 2 / 3});
  monthly.add(std::vector<crm::spend_record<double>>{{jan, 1, 100.0}, {feb, 1, 40.0}, {jan, 2, 20.0}});
  const std::int32_t p_jan = crm::period_of(crm::period_unit::month, jan);
  CHECK(monthly.period(p_jan) == 120.0);
  CHECK(monthly.period(p_jan + 1) == 40.0);
  CHECK(monthly.periods().size() == 2);
  CHECK(crm::cac(monthly.costs_in(p_jan, 30)).amount == 4.0);
  CHECK(std::string(monthly.try_merge(crm::spend_accumulator<double>{}).field) == "unit");
  const auto back = crm::spend_accumulator<double>::deserialize(monthly.serialize());
  CHECK(back == monthly);
}

// A state read back may hold 2^63 - 1 answers in all (read_payload accepts that sum). One more
// answer used to be counted anyway: the tallies' sum (respondents(), tally()) then passed 2^63 - 1,
// a signed overflow (UBSan: "1 + 9223372036854775807 cannot be represented"). Now it is refused.
TEST_CASE("survey accumulators: an answer past 2^63 - 1 answers is refused, the state unchanged", "[aggregate][survey]") {
  constexpr std::int64_t most = std::numeric_limits<std::int64_t>::max();
  const auto full = [&](auto acc, std::size_t counts_at) {  // the state with its first tally set to 2^63 - 1
    auto b = acc.serialize();
    crm_test::put_le(b, counts_at, most);
    const std::uint64_t sum = crm::detail::checksum(std::span<const std::byte>(b).subspan(24, b.size() - 32));
    crm_test::put_le(b, b.size() - 8, sum);
    return decltype(acc)::deserialize(b);
  };
  const std::size_t counts_at = 24 + 12;  // after the frame: lowest, highest, scale (3 x int32), then the tallies
  crm::nps_accumulator nps = full(crm::nps_accumulator{}, counts_at);
  REQUIRE(nps.respondents() == most);
  const crm::nps_accumulator nps_before = nps;
  const crm::error_info e = nps.try_add(crm::survey_answer{1, t0, 10});
  CHECK(e.code == crm::errc::overflow);
  CHECK(crm::message(e) == "crm::nps_accumulator: counts overflows the number type (the number of answers passes 2^63 - 1)");
  CHECK(nps == nps_before);
  CHECK(nps.tally().detractors == most);
  CHECK(nps.tally().promoters == 0);
  const std::vector<crm::survey_answer> two{{1, t0, 3}, {2, t0, 9}};
  const crm::add_report r = nps.try_add(two, crm::on_bad_record::skip);
  CHECK(r.used == 0);
  CHECK(r.rejected == 2);
  CHECK_THROWS_AS(nps.add(two), crm::bad_record);
  CHECK(nps == nps_before);
  // a merge of an empty state is still fine; of one answer, refused
  CHECK(!nps.try_merge(crm::nps_accumulator{}));
  crm::nps_accumulator one;
  one.add(crm::survey_answer{1, t0, 9});
  CHECK(nps.try_merge(one).code == crm::errc::overflow);
  crm::csat_accumulator csat = full(crm::csat_accumulator{}, counts_at);
  REQUIRE(csat.respondents() == most);
  const crm::csat_accumulator csat_before = csat;
  CHECK(csat.try_add(crm::survey_answer{1, t0, 5}).code == crm::errc::overflow);
  CHECK(csat == csat_before);
  CHECK(csat.tally().respondents == most);
  // fresh() starts from zero answers again
  crm::csat_accumulator f = csat.fresh();
  CHECK(f.respondents() == 0);
  CHECK(!f.try_add(crm::survey_answer{1, t0, 5}));
  CHECK(f.respondents() == 1);
}

// A spend state without periods always has the default unit (month). A state read back with the
// flag "no periods" and another unit was accepted: it behaved as the original and merged with it,
// but compared unequal to it (== compares the unit) and serialized to other bytes.
TEST_CASE("spend_accumulator: a serialized state without periods and with a unit is refused", "[aggregate][survey][serialize]") {
  crm::spend_accumulator<double> a;
  a.add(crm::spend_record<double>{t0, 1, 5.0});
  const auto bytes = a.serialize();
  REQUIRE(crm::spend_accumulator<double>::deserialize(bytes) == a);
  for (const crm::period_unit u : {crm::period_unit::day, crm::period_unit::week, crm::period_unit::quarter, crm::period_unit::year}) {
    auto b = bytes;
    b[24 + 1] = static_cast<std::byte>(u);  // payload: u8 "by period", u8 unit, ...
    const std::uint64_t sum = crm::detail::checksum(std::span<const std::byte>(b).subspan(24, b.size() - 32));
    crm_test::put_le(b, b.size() - 8, sum);
    const auto r = crm::spend_accumulator<double>::try_deserialize(b);
    REQUIRE_FALSE(r.has_value());
    CHECK(std::string(r.error().field) == "unit");
  }
  // with periods every unit reads back
  for (const crm::period_unit u : {crm::period_unit::day, crm::period_unit::week, crm::period_unit::month, crm::period_unit::quarter, crm::period_unit::year}) {
    crm::spend_accumulator<double> p(u);
    p.add(crm::spend_record<double>{t0, 1, 5.0});
    CHECK(crm::spend_accumulator<double>::deserialize(p.serialize()) == p);
  }
}

}  // namespace aggregate_survey_test

// Tests of <crm/models/diagnostics.hpp>: calibration vs holdout by frequency, and cumulative /
// incremental purchase tracking, on CDNOW (Fader, Hardie & Lee 2005).
//
// Reference values marked "SciPy" come from scripts/intervals_diagnostics_reference.py, section
// "diagnostics" (PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/intervals_diagnostics_reference.py
// diagnostics): it reads CDNOW_sample.txt itself (several purchases on one day are one transaction,
// which reproduces the published summary's x for all 2357 customers), splits at 1997-09-30 (day 272;
// the holdout is days 273-545, 39 weeks), and writes out lifetimes' BG/NBD conditional expectation
// (BetaGeoFitter.conditional_expected_number_of_purchases_up_to_time) and expected_number_of_
// purchases_up_to_time with scipy.special.hyp2f1, at P = (0.242593, 4.41353, 0.792886, 2.42575),
// its own SciPy fit to the published summary.
#include "catch.hpp"
#include "cdnow_sample_days.hpp"
#include "data_path.hpp"

#include <crm/models.hpp>
#include <crm/models/diagnostics.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace model_diagnostics_test {

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
const crm::bg_nbd<double> P{0.242593, 4.41353, 0.792886, 2.42575};
constexpr int calibration_end = 272;  // day index of 1997-09-30 (1997-01-01 = 0)
constexpr int holdout_end = 545;      // 1998-06-30
constexpr double holdout_weeks = (holdout_end - calibration_end) / 7.0;  // 39

/// CDNOW split into a calibration summary and holdout counts, read from the transaction file.
struct cdnow_split {
  std::vector<crm::rfm_row<double>> rows;  // calibration (x, t_x, T) in weeks
  std::vector<double> holdout;             // repeat purchases (distinct days) in the holdout
  std::vector<double> first;               // first purchase, weeks since 1997-01-01
  std::vector<double> repeats;             // every repeat purchase (distinct days), weeks since 1997-01-01
};

cdnow_split read_cdnow(const std::string& file) {
  const std::map<int, std::set<int>> days = crm_test::cdnow_sample_days(file);  // sample id -> distinct purchase days
  cdnow_split out;
  for (const auto& [id, d] : days) {
    const int first = *d.begin();
    int x = -1, last = first, h = 0;
    for (const int day : d) {
      if (day <= calibration_end)
        ++x, last = day;
      else
        ++h;
      if (day != first) out.repeats.push_back(day / 7.0);
    }
    out.rows.push_back({static_cast<double>(x), (last - first) / 7.0, (calibration_end - first) / 7.0});
    out.holdout.push_back(h);
    out.first.push_back(first / 7.0);
  }
  std::sort(out.repeats.begin(), out.repeats.end());
  return out;
}
}  // namespace

TEST_CASE("diagnostics: CDNOW calibration vs holdout by frequency matches SciPy", "[models][diagnostics][data]") {
  const auto file = crm_test::data_file("cdnow/CDNOW_sample.txt");
  CRM_REQUIRE_DATA(file);
  const cdnow_split d = read_cdnow(file.string());
  REQUIRE(d.rows.size() == 2357);
  // the split reproduces the published summary (x exactly; t_x and T are rounded to 0.01 there)
  const auto summary = crm::read_rfm_csv(crm_test::data_file("cdnow/cdnow_customers_summary.csv").string());
  REQUIRE(summary.size() == d.rows.size());
  for (std::size_t i = 0; i < summary.size(); ++i) {
    CHECK(summary[i].frequency == d.rows[i].frequency);
    CHECK_THAT(summary[i].recency, WithinAbs(d.rows[i].recency, 0.006));
    CHECK_THAT(summary[i].age, WithinAbs(d.rows[i].age, 0.006));
  }
  CHECK(holdout_weeks == 39.0);
  CHECK(d.repeats.back() <= holdout_end / 7.0);
  const auto table = crm::try_calibration_vs_holdout(P, d.rows, d.holdout, holdout_weeks);
  REQUIRE(table);
  // SciPy: "frequency k: customers n mean actual a mean predicted p"
  struct group {
    double customers, actual, predicted;
  };
  const group scipy[8] = {
      {1411, 0.23671155209071582, 0.2250860609717369}, {439, 0.6970387243735763, 0.5231264178984261},
      {214, 1.3925233644859814, 1.0441365308744692},   {100, 1.56, 1.5202908269788953},
      {62, 2.532258064516129, 2.163887555995979},      {38, 2.9473684210526314, 2.6538764905578076},
      {29, 3.8620689655172415, 3.5040883055306336},    {64, 6.359375, 6.157277495598661},
  };
  REQUIRE(table->groups.size() == 8);
  for (std::size_t k = 0; k < 8; ++k) {
    const auto& g = table->groups[k];
    CHECK(g.frequency == static_cast<crm::count_t>(k));
    CHECK(g.and_more == (k == 7));
    CHECK(g.customers == scipy[k].customers);
    CHECK_THAT(g.mean_actual, WithinRel(scipy[k].actual, 1e-12));
    CHECK_THAT(g.mean_predicted, WithinRel(scipy[k].predicted, 1e-8));
  }
  // SciPy: "customers 2357, calibration repeat purchases 2457, holdout purchases 1882, predicted holdout 1653.4158854852058"
  CHECK(table->customers == 2357);
  CHECK(table->total_actual == 1882);
  CHECK_THAT(table->total_predicted, WithinRel(1653.4158854852058, 1e-8));
  // a smaller cap merges the top groups: 0, 1, 2, 3+
  const auto capped = crm::calibration_vs_holdout(P, d.rows, d.holdout, 39.0, 3);
  REQUIRE(capped.groups.size() == 4);
  CHECK(capped.groups[3].customers == 100 + 62 + 38 + 29 + 64);
  CHECK(capped.groups[3].and_more);
  CHECK_THAT(capped.groups[3].mean_actual,
             WithinRel((100 * 1.56 + 62 * 2.532258064516129 + 38 * 2.9473684210526314 + 29 * 3.8620689655172415 + 64 * 6.359375) / 293, 1e-12));
  CHECK_THAT(capped.total_predicted, WithinRel(table->total_predicted, 1e-12));
  // docs/model-diagnostics.md quotes the table and the totals
  std::ifstream page_file(std::filesystem::path(__FILE__).parent_path().parent_path() / "docs" / "model-diagnostics.md");
  std::stringstream all;
  all << page_file.rdbuf();
  const std::string page = all.str();
  for (const auto& g : table->groups) {
    char row[128];
    std::snprintf(row, sizeof row, "| %d%s | %.0f | %.3f | %.3f |", static_cast<int>(g.frequency), g.and_more ? "+" : "", g.customers,
                  g.mean_actual, g.mean_predicted);
    CHECK(page.find(row) != std::string::npos);
  }
  char totals[128];
  std::snprintf(totals, sizeof totals, "%.0f repeat purchases in the holdout against %.1f predicted", table->total_actual, table->total_predicted);
  CHECK(page.find(totals) != std::string::npos);
  double calibration = 0;
  for (const auto& r : d.rows) calibration += r.frequency;
  CHECK(calibration == 2457);
  CHECK(page.find("2457 in the\ncalibration period") != std::string::npos);
  // distinct first-purchase days: the cohort was acquired on 84 calendar days
  std::vector<double> first = d.first;
  std::sort(first.begin(), first.end());
  CHECK(std::unique(first.begin(), first.end()) - first.begin() == 84);
  CHECK(page.find("calendar days has 84") != std::string::npos);
}

TEST_CASE("diagnostics: CDNOW cumulative repeat purchases over 78 weeks match SciPy", "[models][diagnostics][data]") {
  const auto file = crm_test::data_file("cdnow/CDNOW_sample.txt");
  CRM_REQUIRE_DATA(file);
  const cdnow_split d = read_cdnow(file.string());
  std::vector<double> weeks;
  for (int w = 1; w <= 78; ++w) weeks.push_back(w);
  const auto track = crm::try_purchase_tracking(P, d.first, d.repeats, weeks);
  REQUIRE(track);
  REQUIRE(track->size() == 78);
  // SciPy: "week w: actual a predicted p"
  const struct {
    int week;
    double actual, predicted;
  } scipy[] = {{1, 3, 4.405522133250288},      {10, 516, 439.43850871714915}, {20, 1367, 1312.4660910950545},
               {30, 1986, 1990.4538456758012}, {39, 2462, 2501.5394675960815}, {40, 2514, 2554.095878923312},
               {50, 3113, 3043.214773834594},  {60, 3539, 3478.7906450007595}, {70, 4040, 3873.541716593054},
               {78, 4339, 4165.693146182612}};
  for (const auto& s : scipy) {
    const auto& p = (*track)[static_cast<std::size_t>(s.week - 1)];
    CHECK(p.time == s.week);
    CHECK(p.actual_cumulative == s.actual);
    CHECK_THAT(p.predicted_cumulative, WithinRel(s.predicted, 1e-8));
  }
  // incremental = weekly differences; they add up to the cumulative counts
  double actual = 0, predicted = 0;
  for (const auto& p : *track) {
    actual += p.actual_incremental, predicted += p.predicted_incremental;
    CHECK(actual == p.actual_cumulative);
    CHECK_THAT(predicted, WithinRel(p.predicted_cumulative, 1e-12));
    CHECK(p.actual_incremental >= 0);
    CHECK(p.predicted_incremental > 0);
  }
  // every repeat purchase of the 78 weeks is counted: calibration 2457 + holdout 1882
  CHECK((*track)[77].actual_cumulative == 2457 + 1882);
  // docs/model-diagnostics.md quotes weeks 39 and 78
  std::ifstream page_file(std::filesystem::path(__FILE__).parent_path().parent_path() / "docs" / "model-diagnostics.md");
  std::stringstream all;
  all << page_file.rdbuf();
  char w39[96], w78[96];
  std::snprintf(w39, sizeof w39, "week 39: %.0f actual, %.1f predicted", (*track)[38].actual_cumulative, (*track)[38].predicted_cumulative);
  std::snprintf(w78, sizeof w78, "week 78: %.0f and %.1f", (*track)[77].actual_cumulative, (*track)[77].predicted_cumulative);
  CHECK(all.str().find(w39) != std::string::npos);
  CHECK(all.str().find(w78) != std::string::npos);
}

TEMPLATE_TEST_CASE("diagnostics: any transaction model and number type, weights count customers", "[models][diagnostics]", double,
                   long double) {
  using T = TestType;
  const std::vector<crm::rfm_row<T>> rows = {{0, 0, 30}, {1, 5, 30}, {2, 20, 35}, {2, 20, 35}, {9, 29, 30}, {12, 25, 31}};
  const std::vector<T> holdout = {0, 1, 3, 1, 8, 10};
  const T t = 26;
  const auto check_model = [&](const auto& m) {
    const auto table = crm::try_calibration_vs_holdout(m, rows, holdout, t, 2);
    REQUIRE(table);
    REQUIRE(table->groups.size() == 3);  // 0, 1, 2+
    T predicted_2plus = 0;
    for (std::size_t i = 2; i < rows.size(); ++i) predicted_2plus += m.conditional_expected_purchases(rows[i], t);
    CHECK(table->groups[2].customers == 4);
    CHECK_THAT(static_cast<double>(table->groups[2].mean_actual), WithinRel(22.0 / 4, 1e-6));
    CHECK_THAT(static_cast<double>(table->groups[2].mean_predicted), WithinRel(static_cast<double>(predicted_2plus / 4), 1e-5));
    CHECK_THAT(static_cast<double>(table->groups[0].mean_predicted), WithinRel(static_cast<double>(m.conditional_expected_purchases(rows[0], t)), 1e-6));
    // the two identical customers as one row of weight 2 with their mean holdout count: same table
    std::vector<crm::rfm_row<T>> merged = {rows[0], rows[1], {2, 20, 35, 2}, rows[4], rows[5]};
    const std::vector<T> merged_holdout = {0, 1, 2, 8, 10};
    const auto same = crm::try_calibration_vs_holdout(m, merged, merged_holdout, t, 2);
    REQUIRE(same);
    for (std::size_t g = 0; g < 3; ++g) {
      CHECK(same->groups[g].customers == table->groups[g].customers);
      CHECK_THAT(static_cast<double>(same->groups[g].mean_actual), WithinRel(static_cast<double>(table->groups[g].mean_actual), 1e-6));
      CHECK_THAT(static_cast<double>(same->groups[g].mean_predicted), WithinRel(static_cast<double>(table->groups[g].mean_predicted), 1e-5));
    }
    // tracking: two customers starting at 0 and 10; predicted at 20 = E[X(20)] + E[X(10)]
    const std::vector<T> first = {0, 10}, repeats = {3, 12, 15, 19.5}, times = {5, 20};
    const auto track = crm::try_purchase_tracking(m, first, repeats, times);
    REQUIRE(track);
    CHECK((*track)[0].actual_cumulative == 1);
    CHECK((*track)[1].actual_cumulative == 4);
    CHECK((*track)[1].actual_incremental == 3);
    CHECK_THAT(static_cast<double>((*track)[1].predicted_cumulative),
               WithinRel(static_cast<double>(m.expected_purchases(T(20)) + m.expected_purchases(T(10))), 1e-5));
    CHECK_THAT(static_cast<double>((*track)[0].predicted_cumulative), WithinRel(static_cast<double>(m.expected_purchases(T(5))), 1e-5));
  };
  check_model(crm::bg_nbd<T>{T(0.243), T(4.414), T(0.793), T(2.426)});
  check_model(crm::modified_bg_nbd<T>{T(0.525), T(6.183), T(0.891), T(1.614)});
  check_model(crm::pareto_nbd<T>{T(0.553), T(10.578), T(0.606), T(11.668)});
}

TEST_CASE("diagnostics: BG/BB calibration vs holdout over discrete opportunities", "[models][diagnostics]") {
  const crm::bg_bb<double> m{1.204, 0.750, 0.657, 2.783};
  const std::vector<crm::discrete_row<double>> rows = {{0, 0, 6, 3}, {1, 2, 6}, {3, 5, 6, 2}, {6, 6, 6}, {4, 6, 6}};
  const std::vector<double> holdout = {0.5, 1, 2.5, 5, 3};  // per customer (the mean for rows of weight > 1)
  const auto table = crm::try_calibration_vs_holdout(m, rows, holdout, 5.0, 3);
  REQUIRE(table);
  REQUIRE(table->groups.size() == 3);  // 0, 1, 3+ (no customer with x = 2)
  CHECK(table->groups[1].frequency == 1);
  CHECK(table->groups[2].frequency == 3);
  CHECK(table->groups[2].and_more);
  CHECK(table->groups[0].customers == 3);
  CHECK(table->groups[2].customers == 4);
  CHECK_THAT(table->groups[2].mean_actual, WithinRel((2 * 2.5 + 5 + 3) / 4.0, 1e-15));
  const double e3 = m.conditional_expected_purchases(rows[2], 5.0), e6 = m.conditional_expected_purchases(rows[3], 5.0),
               e4 = m.conditional_expected_purchases(rows[4], 5.0);
  CHECK_THAT(table->groups[2].mean_predicted, WithinRel((2 * e3 + e6 + e4) / 4.0, 1e-14));
  CHECK(table->customers == 3 + 1 + 2 + 1 + 1);
}

TEST_CASE("diagnostics: bad input is a named error", "[models][diagnostics]") {
  const crm::bg_nbd<double> m = P;
  const std::vector<crm::rfm_row<double>> rows = {{0, 0, 30}, {1, 5, 30}};
  const std::vector<double> holdout = {0, 1};
  const auto err = [](const auto& r) { return r ? std::string("ok") : std::string(r.error().field) + ":" + crm::describe(r.error().code); };
  const auto describe = [](crm::errc c) { return std::string(crm::describe(c)); };
  SECTION("calibration vs holdout") {
    const std::vector<crm::rfm_row<double>> none;
    const std::vector<double> no_holdout;
    CHECK(err(crm::try_calibration_vs_holdout(m, none, no_holdout, 39.0)) == "rows:" + describe(crm::errc::empty_input));
    const std::vector<double> one = {1};
    CHECK(err(crm::try_calibration_vs_holdout(m, rows, one, 39.0)) == "holdout_purchases:" + describe(crm::errc::out_of_range));
    const std::vector<double> nan = {0, std::nan("")};
    CHECK(err(crm::try_calibration_vs_holdout(m, rows, nan, 39.0)) == "holdout_purchases:" + describe(crm::errc::not_finite));
    const std::vector<double> negative = {0, -1};
    CHECK(err(crm::try_calibration_vs_holdout(m, rows, negative, 39.0)) == "holdout_purchases:" + describe(crm::errc::negative));
    for (const double t : {0.0, -1.0})
      CHECK(err(crm::try_calibration_vs_holdout(m, rows, holdout, t)) == "holdout_length:" + describe(crm::errc::out_of_range));
    CHECK(err(crm::try_calibration_vs_holdout(m, rows, holdout, std::numeric_limits<double>::infinity())) ==
          "holdout_length:" + describe(crm::errc::not_finite));
    CHECK(err(crm::try_calibration_vs_holdout(m, rows, holdout, 39.0, 0)) == "max_frequency:" + describe(crm::errc::out_of_range));
    const std::vector<crm::rfm_row<double>> bad = {{0, 0, 30}, {1, 50, 30}};  // recency > age: the model's error
    const auto r = crm::try_calibration_vs_holdout(m, bad, holdout, 39.0);
    REQUIRE_FALSE(r);
    CHECK(std::string(r.error().metric) == "bg_nbd.conditional_expected_purchases");
    CHECK_THROWS_AS(crm::calibration_vs_holdout(m, rows, one, 39.0), crm::metric_error);
    const auto message = crm::message(crm::try_calibration_vs_holdout(m, rows, one, 39.0).error());
    CHECK(message == "crm::calibration_vs_holdout: holdout_purchases is out of range (must have one entry per calibration row)");
  }
  SECTION("purchase tracking") {
    const std::vector<double> first = {0, 1}, repeats = {2, 3}, times = {1, 2, 3}, none;
    CHECK(err(crm::try_purchase_tracking(m, none, repeats, times)) == "first_purchases:" + describe(crm::errc::empty_input));
    CHECK(err(crm::try_purchase_tracking(m, first, repeats, none)) == "times:" + describe(crm::errc::empty_input));
    const std::vector<double> unsorted = {1, 3, 2}, repeated = {1, 1};
    CHECK(err(crm::try_purchase_tracking(m, first, repeats, unsorted)) == "times:" + describe(crm::errc::out_of_range));
    CHECK(err(crm::try_purchase_tracking(m, first, repeats, repeated)) == "times:" + describe(crm::errc::out_of_range));
    const std::vector<double> nan = {0, std::nan("")};
    CHECK(err(crm::try_purchase_tracking(m, nan, repeats, times)) == "first_purchases:" + describe(crm::errc::not_finite));
    CHECK(err(crm::try_purchase_tracking(m, first, nan, times)) == "repeat_purchases:" + describe(crm::errc::not_finite));
    CHECK(err(crm::try_purchase_tracking(m, first, repeats, nan)) == "times:" + describe(crm::errc::not_finite));
    const std::vector<double> early = {-1};
    CHECK(err(crm::try_purchase_tracking(m, first, early, times)) == "repeat_purchases:" + describe(crm::errc::out_of_range));
    // no repeat purchase at all is valid data: actual counts are 0
    const auto quiet = crm::try_purchase_tracking(m, first, none, times);
    REQUIRE(quiet);
    CHECK((*quiet)[2].actual_cumulative == 0);
    CHECK_THROWS_AS(crm::purchase_tracking(m, first, repeats, unsorted), crm::metric_error);
  }
}

}  // namespace model_diagnostics_test

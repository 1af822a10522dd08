// crm-metrics tests: the RFM summary of an order log (crm::rfm_accumulator): CDNOW reproduced
// exactly from its transactions, then fitted; definitions on small logs; holdout; errors.
#include <crm/aggregate/parallel.hpp>
#include <crm/aggregate/rfm.hpp>
#include <crm/models/bg_nbd.hpp>
#include <crm/models/gamma_gamma.hpp>
#include <crm/multiprecision.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "data_path.hpp"
#include "merge_serialized_helpers.hpp"
#include "number_helpers.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace aggregate_rfm_test {

using namespace std::chrono;

namespace {
// A minimal private reader of CDNOW_sample.txt (whitespace-separated: master id, sample id 1..2357,
// yyyymmdd, number of CDs, dollar value). The customer id is the sample id, as in the summary files.
template <class T>
std::vector<crm::order<T>> read_cdnow_sample(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<crm::order<T>> out;
  std::string master, sample, date, qty, amount;
  while (in >> master >> sample >> date >> qty >> amount) {
    const int y = std::stoi(date.substr(0, 4)), m = std::stoi(date.substr(4, 2)), d = std::stoi(date.substr(6, 2));
    out.push_back({.customer = std::stoull(sample),
                   .time = crm::to_time(sys_days{year{y} / m / d}),
                   .amount = crm_test::parse<T>(amount.c_str())});
  }
  return out;
}

struct published_row {
  long long x;
  long long t_x_cents, T_cents, zbar_cents;  // the files' two decimals, as integers
};
long long cents(const std::string& s) { return std::llround(std::stod(s) * 100.0); }

// ID,frequency,recency,T  and  ID,x,t_x,T,zbar
std::map<long long, published_row> read_published(const std::filesystem::path& summary, const std::filesystem::path& with_zbar) {
  std::map<long long, published_row> out;
  std::ifstream a(summary), b(with_zbar);
  std::string line;
  std::getline(a, line);
  while (std::getline(a, line)) {
    std::stringstream ss(line);
    std::string id, f, r, t;
    std::getline(ss, id, ',');
    std::getline(ss, f, ',');
    std::getline(ss, r, ',');
    std::getline(ss, t, ',');
    out[std::stoll(id)] = {std::stoll(f), cents(r), cents(t), -1};
  }
  std::getline(b, line);
  while (std::getline(b, line)) {
    std::stringstream ss(line);
    std::string id, x, tx, t, z;
    std::getline(ss, id, ',');
    std::getline(ss, x, ',');
    std::getline(ss, tx, ',');
    std::getline(ss, t, ',');
    std::getline(ss, z, ',');
    published_row& p = out.at(std::stoll(id));
    REQUIRE(p.x == std::stoll(x));
    REQUIRE(p.t_x_cents == cents(tx));
    REQUIRE(p.T_cents == cents(t));
    p.zbar_cents = cents(z);
  }
  return out;
}
// Rounds half up to cents. The mean of x amounts in cents is S / x cents: a tie (fraction exactly
// 1/2) or at least 1 / (2x) away from one; decimal50 division is within 1e-45 of S / x but not
// always on the tie itself (35.175 comes out as 35.17499...), so 1e-30 is added: exact rounding of
// S / x for any x below 1e20.
long long to_cents(const crm::decimal50& v) {
  const crm::decimal50 c = floor(v * 100 + crm::decimal50("0.5") + crm::decimal50("1e-30"));
  return static_cast<long long>(c);
}
}  // namespace

TEST_CASE("rfm_accumulator: reproduces the CDNOW summaries exactly and the published BG/NBD and Gamma-Gamma fits",
          "[aggregate][rfm][data]") {
  const auto sample = crm_test::data_file("cdnow/CDNOW_sample.txt");
  const auto summary = crm_test::data_file("cdnow/cdnow_customers_summary.csv");
  const auto with_zbar = crm_test::data_file("cdnow/cdnow_customers_summary_with_transactions.csv");
  CRM_REQUIRE_DATA(sample);
  CRM_REQUIRE_DATA(summary);
  CRM_REQUIRE_DATA(with_zbar);
  const auto orders = read_cdnow_sample<crm::decimal50>(sample);
  REQUIRE(orders.size() == 6919);
  const auto published = read_published(summary, with_zbar);
  REQUIRE(published.size() == 2357);

  crm::rfm_accumulator<crm::decimal50> acc({.calibration_end = 1997y / September / 30d, .time_unit = weeks{1} / 1});
  // Purchases after 1997-09-30 are refused without a holdout; with one they are kept apart.
  CHECK(acc.try_add(orders).rejected == 1);
  crm::rfm_accumulator<crm::decimal50> cal({.calibration_end = 1997y / September / 30d,
                                            .observation_end = 1998y / June / 30d,
                                            .time_unit = days{7}});
  const crm::add_report rep = cal.add(orders);
  CHECK(rep.used == 6919);
  CHECK(rep.rejected == 0);

  const auto rows = cal.rows();
  REQUIRE(rows.size() == 2357);
  CHECK(std::is_sorted(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.customer < b.customer; }));
  long long mismatches = 0;
  for (const auto& r : rows) {
    const published_row& p = published.at(static_cast<long long>(r.customer));
    const bool same = r.frequency == p.x && std::llround(r.recency * 100) == p.t_x_cents &&
                      std::llround(r.age * 100) == p.T_cents && to_cents(r.monetary_value) == p.zbar_cents;
    if (!same) {
      ++mismatches;
      UNSCOPED_INFO("customer " << r.customer << ": x " << r.frequency << " t_x " << r.recency << " T " << r.age
                                << " zbar " << r.monetary_value);
    }
  }
  CHECK(mismatches == 0);
  // With double amounts a mean on a half cent (customer 178: 211.05 / 6 = 35.175) is not
  // representable and may print on the other side: some zbar values then differ by one cent.
  {
    const auto od = read_cdnow_sample<double>(sample);
    crm::rfm_accumulator<double> d({.calibration_end = 1997y / September / 30d, .observation_end = 1998y / June / 30d,
                                    .time_unit = days{7}});
    d.add(od);
    long long off = 0, worst = 0;
    for (const auto& r : d.rows()) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", r.monetary_value);
      const long long diff = std::llabs(cents(buf) - published.at(static_cast<long long>(r.customer)).zbar_cents);
      off += diff != 0;
      worst = std::max(worst, diff);
    }
    CHECK(off > 0);
    CHECK(worst == 1);
  }

  // FHL 2005 section 4: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL -9582.4 (as in bg_nbd_test).
  const auto bg = crm::fit_bg_nbd(cal.model_rows());
  CHECK_THAT(bg.params.r, Catch::Matchers::WithinRel(0.243, 0.01));
  CHECK_THAT(bg.params.alpha, Catch::Matchers::WithinRel(4.414, 0.01));
  CHECK_THAT(bg.params.a, Catch::Matchers::WithinRel(0.793, 0.01));
  CHECK_THAT(bg.params.b, Catch::Matchers::WithinRel(2.426, 0.01));
  CHECK_THAT(bg.log_likelihood, Catch::Matchers::WithinAbs(-9582.4, 0.05));
  // Fader, Hardie & Lee (2005, JMR 42(4)): p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat
  // customers.
  const auto spend = crm::repeat_customers(cal.spend_rows());
  REQUIRE(spend.size() == 946);
  const auto gg = crm::fit_gamma_gamma(spend);
  CHECK_THAT(gg.params.p, Catch::Matchers::WithinRel(6.25, 0.01));
  CHECK_THAT(gg.params.q, Catch::Matchers::WithinRel(3.74, 0.01));
  CHECK_THAT(gg.params.gamma, Catch::Matchers::WithinRel(15.44, 0.01));
  // Rounded to cents as the published file is, the rows give the file's likelihood: SciPy on the
  // file, LL -4055.9232435029 (gamma_gamma_test.cpp).
  std::vector<crm::spend_row<double>> rounded;
  for (const auto& r : cal.rows())
    if (r.frequency > 0)
      rounded.push_back({double(r.frequency), static_cast<double>(to_cents(r.monetary_value)) / 100.0, 1.0});
  CHECK_THAT(crm::fit_gamma_gamma(rounded).log_likelihood, Catch::Matchers::WithinRel(-4055.9232435029, 1e-9));
}

TEST_CASE("rfm_accumulator: small logs by the definitions, holdout, returns, without the day log", "[aggregate][rfm]") {
  const auto at = [](year_month_day d) { return crm::to_time(sys_days{d}); };
  // Customer 1: Jan 1 (10 + 5 the same day), Jan 8 (20), Jan 8 again (1), Jan 29 (30), a return on
  // Feb 1, holdout purchases Feb 10 (7) and Feb 10 again (3), Feb 20 (4). Customer 2: only in the
  // holdout. Customer 3: Jan 15 only.
  const std::vector<crm::order<double>> log = {
      {1, at(2024y / 1 / 1), 10}, {1, at(2024y / 1 / 1), 5},   {1, at(2024y / 1 / 8), 20}, {1, at(2024y / 1 / 8), 1},
      {3, at(2024y / 1 / 15), 9}, {1, at(2024y / 1 / 29), 30}, {1, at(2024y / 2 / 1), -30}, {1, at(2024y / 2 / 10), 7},
      {2, at(2024y / 2 / 12), 50}, {1, at(2024y / 2 / 10), 3},  {1, at(2024y / 2 / 20), 4}};
  for (const bool keep : {true, false}) {
    crm::rfm_accumulator<double> acc(
        {.calibration_end = 2024y / 1 / 31d, .observation_end = 2024y / 2 / 29d, .time_unit = days{7}, .day_log = keep});
    CHECK(acc.add(log).used == 11);
    const auto rows = acc.rows();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].customer == 1);
    CHECK(rows[0].frequency == 2);                    // days Jan 1, 8, 29
    CHECK(rows[0].recency == 4.0);                    // 28 days
    CHECK(rows[0].age == 30.0 / 7.0);                 // Jan 1 .. Jan 31
    CHECK(rows[0].monetary_value == (21.0 + 30.0) / 2);  // repeat days Jan 8 (21) and Jan 29 (30)
    CHECK(rows[0].holdout_frequency == 2);            // Feb 10 and Feb 20
    CHECK(rows[0].holdout_monetary_value == 7.0);     // (10 + 4) / 2
    CHECK(rows[1].customer == 3);
    CHECK(rows[1].frequency == 0);
    CHECK(rows[1].monetary_value == 0.0);
    CHECK(acc.holdout_only_customers() == 1);
    CHECK(acc.returns() == 1);
    CHECK(acc.holdout_duration() == 29.0 / 7.0);
    CHECK((acc.day_log_size() > 0) == keep);
  }
  SECTION("without the day log: out-of-order days inside a customer's range and interleaved merges are refused") {
    crm::rfm_options o{.calibration_end = 2024y / 12 / 31d, .day_log = false};
    crm::rfm_accumulator<double> a(o);
    a.add(crm::order<double>{1, at(2024y / 1 / 1), 1});
    a.add(crm::order<double>{1, at(2024y / 1 / 20), 1});
    CHECK(!a.try_add(crm::order<double>{1, at(2023y / 12 / 1), 1}));  // before the first: fine
    CHECK(!a.try_add(crm::order<double>{1, at(2024y / 1 / 20), 1}));  // the last day again: fine
    const crm::error_info e = a.try_add(crm::order<double>{1, at(2024y / 1 / 10), 1});
    CHECK(e.code == crm::errc::out_of_range);
    CHECK(std::string(e.field) == "time");
    crm::rfm_accumulator<double> b(o);
    b.add(crm::order<double>{1, at(2024y / 1 / 5), 1});
    b.add(crm::order<double>{1, at(2024y / 1 / 25), 1});
    const auto before = a.rows();
    CHECK(std::string(a.try_merge(b).field) == "day_log");
    CHECK(a.rows() == before);  // unchanged
    crm::rfm_accumulator<double> c(o);  // touching ranges merge exactly
    c.add(crm::order<double>{1, at(2024y / 1 / 20), 2});
    c.add(crm::order<double>{1, at(2024y / 3 / 1), 2});
    a.merge(c);
    CHECK(a.rows()[0].frequency == 3);  // Dec 1, Jan 1, Jan 20, Mar 1
  }
}

TEST_CASE("rfm_accumulator: time-sorted random logs, contiguous chunks, no day log: same rows as one pass", "[aggregate][rfm]") {
  std::mt19937_64 rng(8);
  std::vector<crm::order<double>> log;
  for (int d = 0; d < 300; ++d)
    for (int k = 0; k < 20; ++k)
      log.push_back({rng() % 150, crm::to_time(sys_days{2023y / 1 / 1} + days{d}) + seconds{static_cast<long long>(rng() % 86400)},
                     double(rng() % 10000) / 100});
  const crm::rfm_options o{.calibration_end = 2023y / 8 / 31d, .observation_end = 2023y / 12 / 31d, .day_log = false};
  crm::rfm_accumulator<double> one(o), with_log({.calibration_end = o.calibration_end, .observation_end = o.observation_end});
  one.add(log);
  with_log.add(log);
  for (const unsigned threads : {2U, 3U, 5U}) {
    crm::rfm_accumulator<double> many(o);
    crm::add_parallel(many, log, {.threads = threads, .min_records_per_thread = 10});
    const auto a = many.rows(), b = one.rows(), c = with_log.rows();
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].frequency == b[i].frequency);
      CHECK(a[i].frequency == c[i].frequency);
      CHECK(a[i].holdout_frequency == c[i].holdout_frequency);
      CHECK(a[i].recency == c[i].recency);
    }
  }
}

TEST_CASE("rfm_accumulator: spend_rows() keeps repeat customers of value 0, which Gamma-Gamma refuses, skip leaves them out",
          "[aggregate][rfm]") {
  const auto at = [](year_month_day d) { return crm::to_time(sys_days{d}); };
  // Customer 1: a paid first purchase, then two free repeat days (x = 2, monetary value 0).
  // Customer 2: repeat days of 10 and 20 (x = 2, value 15). Customer 3: one day (x = 0).
  // Customer 4: a free first day, then 6 (x = 1, value 6). Customers 5 to 9: enough repeaters for a fit.
  std::vector<crm::order<double>> log = {{1, at(2024y / 1 / 1), 25}, {1, at(2024y / 1 / 9), 0},  {1, at(2024y / 2 / 3), 0},
                                         {2, at(2024y / 1 / 2), 5},  {2, at(2024y / 1 / 20), 10}, {2, at(2024y / 3 / 1), 20},
                                         {3, at(2024y / 1 / 5), 8},  {4, at(2024y / 1 / 6), 0},   {4, at(2024y / 2 / 6), 6}};
  for (std::uint64_t c = 5; c <= 9; ++c)
    for (unsigned k = 0; k <= c % 3 + 1; ++k)
      log.push_back({c, at(sys_days{2024y / 1 / 1} + days{static_cast<int>(20 * k + c)}), static_cast<double>(3 * c + 7 * k)});
  crm::rfm_accumulator<double> acc({.calibration_end = 2024y / 6 / 30d});
  acc.add(log);
  const auto all = acc.spend_rows();
  REQUIRE(all.size() == 9);
  CHECK(all[0].frequency == 2.0);
  CHECK(all[0].average_spend == 0.0);  // customer 1
  CHECK(all[3].average_spend == 6.0);  // customer 4: the free first day is not a repeat purchase
  CHECK(acc.zero_spend_repeaters() == 1);
  const auto kept = acc.spend_rows(crm::zero_spend_rows::skip);
  REQUIRE(kept.size() == 8);  // customer 1 left out; customer 3 (x = 0) kept, as in spend_rows()
  CHECK(kept[0].frequency == 2.0);
  CHECK(kept[0].average_spend == 15.0);  // customer 2
  CHECK(acc.spend_rows(crm::zero_spend_rows::refuse) == all);
  // The model refuses the zero-value repeater and accepts the rows without it.
  const auto refused = crm::try_fit_gamma_gamma(crm::repeat_customers(all));
  REQUIRE(!refused);
  CHECK(std::string(refused.error().field) == "average_spend");
  CHECK(crm::repeat_customers(kept).size() == 7);
  const auto fitted = crm::try_fit_gamma_gamma(crm::repeat_customers(kept));  // 7 rows: the fit may stop elsewhere
  CHECK((fitted.has_value() || std::string(fitted.error().field) != "average_spend"));
}

TEST_CASE("rfm_accumulator: the day log in segments (partitioned rounds, merges) counts and serializes as one",
          "[aggregate][rfm][parallel]") {
  // Records in random order (so days fall between a customer's first and last and the counts are
  // recounted from the log), added on one thread and by the partitioned add in rounds of 5 000
  // records (one log segment per thread and round): the same summary, the same number of logged
  // days, and a serialized copy of the segmented state reads back equal to the one-thread state.
  std::mt19937_64 rng(20261202);
  std::vector<crm::order<double>> log;
  for (int i = 0; i < 120000; ++i)
    log.push_back({rng() % 4000 + 1, crm::time_point{sys_days{year{2023} / 1 / 1} + days{static_cast<int>(rng() % 300)}},
                   static_cast<double>(rng() % 10000) / 4.0});
  const crm::rfm_options o{.calibration_end = sys_days{year{2023} / 10 / 27}};
  crm::rfm_accumulator<double> one(o), many(o);
  one.add(log);
  (void)crm::add_parallel(many, log, {.threads = 2, .min_records_per_thread = 100, .round_records = 5000});
  CHECK(many.day_log_size() == one.day_log_size());
  CHECK(many.rows() == one.rows());
  const auto back = crm::rfm_accumulator<double>::deserialize(many.serialize());
  CHECK(back == one);
  CHECK(back.day_log_size() == one.day_log_size());
  // merging a state with itself adds its records once more, as merging a copy does
  crm::rfm_accumulator<double> twice = many;
  twice.merge(twice);
  const crm::rfm_accumulator<double> expected = crm::merge(many, crm::rfm_accumulator<double>(many));
  CHECK(twice == expected);
  CHECK(twice.day_log_size() == 2 * one.day_log_size());
}

TEST_CASE("rfm_accumulator: try_merge_serialized reads a part straight from its bytes, damaged buffers leave the state unchanged",
          "[aggregate][rfm][merge][serialize]") {
  // Random logs (amounts in quarters: sums exact in binary floating point) split at random into 2
  // to 4 parts (record by record, so a customer's days interleave between parts), each part merged
  // into the first through its bytes: the whole's summary, bit for bit; with and without a
  // holdout, in double and in decimal50.
  std::mt19937_64 rng(1202);
  const crm::rfm_options with_holdout{.calibration_end = sys_days{year{2023} / 8 / 31}, .observation_end = sys_days{year{2023} / 10 / 31},
                                      .time_unit = days{7}};
  const crm::rfm_options plain{.calibration_end = sys_days{year{2023} / 10 / 31}};
  for (const crm::rfm_options& o : {plain, with_holdout}) {
    for (int round = 0; round < 6; ++round) {
      const int customers = 1 + static_cast<int>(rng() % 300), records = static_cast<int>(rng() % 3000);
      const std::size_t parts = 2 + rng() % 3;
      std::vector<crm::order<double>> log;
      for (int i = 0; i < records; ++i)
        log.push_back({rng() % static_cast<unsigned>(customers), crm::time_point{sys_days{year{2023} / 1 / 1} + days{static_cast<int>(rng() % 300)}},
                       static_cast<double>(rng() % 4000) / 4.0 - (rng() % 20 == 0 ? 1000.0 : 0.0)});
      crm::rfm_accumulator<double> whole(o);
      std::vector<crm::rfm_accumulator<double>> part(parts, crm::rfm_accumulator<double>(o));
      crm::rfm_accumulator<crm::decimal50> whole_d(o);
      std::vector<crm::rfm_accumulator<crm::decimal50>> part_d(parts, crm::rfm_accumulator<crm::decimal50>(o));
      for (const auto& r : log) {
        const std::size_t p = rng() % parts;
        whole.add(r);
        part[p].add(r);
        const crm::order<crm::decimal50> rd{r.customer, r.time, crm::decimal50(r.amount)};
        whole_d.add(rd);
        part_d[p].add(rd);
      }
      crm::rfm_accumulator<double> merged = part[0];
      crm::rfm_accumulator<crm::decimal50> merged_d = part_d[0];
      for (std::size_t p = 1; p < parts; ++p) {
        REQUIRE_FALSE(merged.try_merge_serialized(part[p].serialize()));
        REQUIRE_FALSE(merged_d.try_merge_serialized(part_d[p].serialize()));
      }
      CHECK(merged == whole);
      CHECK(merged.returns() == whole.returns());
      CHECK(merged_d == whole_d);
      // into an empty accumulator: the part itself
      crm::rfm_accumulator<double> empty(o);
      REQUIRE_FALSE(empty.try_merge_serialized(part[1].serialize()));
      CHECK(empty == part[1]);
      if (round == 0) crm_test::check_merge_serialized(part[0], part[1], rng);
    }
  }
  // Refused: other options (try_merge's error), another kind, another number type; unchanged.
  crm::rfm_accumulator<double> a(plain), b(with_holdout);
  a.add({.customer = 1, .time = crm::time_point{sys_days{year{2023} / 2 / 1}}, .amount = 5});
  b.add({.customer = 2, .time = crm::time_point{sys_days{year{2023} / 2 / 1}}, .amount = 5});
  const crm::rfm_accumulator<double> before = a;
  CHECK(crm::message(a.try_merge_serialized(b.serialize())) ==
        "crm::rfm_accumulator: options is malformed (differ between the merged accumulators)");
  CHECK(std::string(a.try_merge_serialized(crm::customer_accumulator<double>().serialize()).field) == "kind");
  CHECK(std::string(a.try_merge_serialized(crm::rfm_accumulator<float>(plain).serialize()).field) == "number_type");
  CHECK(a == before);
  // A customer twice in a buffer whose checksum is valid: refused by name, unchanged.
  crm::rfm_accumulator<double> twice(plain);
  twice.add({.customer = 7, .time = crm::time_point{sys_days{year{2023} / 2 / 1}}, .amount = 5});
  twice.add({.customer = 8, .time = crm::time_point{sys_days{year{2023} / 2 / 1}}, .amount = 5});
  std::vector<std::byte> bytes = twice.serialize();
  // payload: 4 + 1 + 4 + 4 + 1 + 8 option and return bytes, the count (8), then 57-byte records
  const std::size_t first_record = 24 + 22 + 8;
  for (std::size_t k = 0; k < 8; ++k) bytes[first_record + 57 + k] = bytes[first_record + k];
  crm_test::reseal(bytes);
  CHECK(crm::message(crm::rfm_accumulator<double>::try_deserialize(bytes).error()) ==
        "crm::rfm_accumulator: customer is malformed (appears twice (corrupted state))");
  CHECK(crm::message(a.try_merge_serialized(bytes)) == "crm::rfm_accumulator: customer is malformed (appears twice (corrupted state))");
  CHECK(a == before);
}

}  // namespace aggregate_rfm_test

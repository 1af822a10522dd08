// crm-metrics tests: per-customer RFM summaries: CSV reading, validation, compression.
#include <crm/models/bg_bb.hpp>
#include <crm/models/data.hpp>
#include <crm/models/gamma_gamma.hpp>
#include <crm/models/fit.hpp>

#include <type_traits>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "data_path.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace models_data_test {

namespace {
// A temporary CSV file removed at scope exit.
struct temp_csv {
  std::filesystem::path path;
  explicit temp_csv(const std::string& text, const std::string& name = "crm_models_data_test.csv") {
    path = std::filesystem::temp_directory_path() / name;
    std::ofstream(path, std::ios::binary) << text;
  }
  ~temp_csv() { std::filesystem::remove(path); }
};

// The line and field of the data_error a read raises.
struct caught {
  long long line = -1;
  std::string field;
  std::string what;
};
caught read_error(const std::filesystem::path& p, std::string_view weight = "") {
  try {
    (void)crm::read_rfm_csv<double>(p, "frequency", "recency", "T", weight);
  } catch (const crm::data_error& e) {
    return {e.line(), e.field(), e.what()};
  }
  return {};
}
// The line of the data_error a read in format `f` raises (-1: none).
long long read_error_with(const std::filesystem::path& p, const crm::model_csv_format& f) {
  try {
    (void)crm::read_rfm_csv<double>(p, "frequency", "recency", "T", "", f);
  } catch (const crm::data_error& e) {
    return e.line();
  }
  return -1;
}
}  // namespace

TEST_CASE("read_rfm_csv: reads the CDNOW summary, all 2357 customers", "[models][data]") {
  const auto f = crm_test::data_file("cdnow/cdnow_customers_summary.csv");
  CRM_REQUIRE_DATA(f);
  const auto rows = crm::read_rfm_csv(f);
  // Fader, Hardie & Lee (2005) "Counting your customers the easy way", section 3: the CDNOW
  // cohort of 2357 customers; first data row: ID 1, frequency 2, recency 30.43, T 38.86.
  REQUIRE(rows.size() == 2357);
  CHECK(rows[0] == crm::rfm_row<double>{2.0, 30.43, 38.86, 1.0});
  CHECK(rows[2] == crm::rfm_row<double>{0.0, 0.0, 38.86, 1.0});
  CHECK_FALSE(crm::validate(std::span<const crm::rfm_row<double>>(rows), "test"));
  // Compression keeps the total weight and loses no customer.
  const auto c = crm::compress(rows);
  double w = 0.0;
  for (const auto& r : c) w += r.weight;
  CHECK(w == 2357.0);
  CHECK(c.size() < rows.size());
}

TEST_CASE("read_rfm_csv: reads the donations file with weights and other column names", "[models][data]") {
  const auto f = crm_test::data_file("donations/donations.csv");
  CRM_REQUIRE_DATA(f);
  const auto rows = crm::read_rfm_csv<long double>(f, "frequency", "recency", "periods", "weights");
  REQUIRE(!rows.empty());
  // First line of donations.csv: 0,0,6,3464 (Fader, Hardie & Shang 2010, the 1995 cohort: 11 104 donors).
  CHECK(rows[0].frequency == 0.0L);
  CHECK(rows[0].age == 6.0L);
  CHECK(rows[0].weight == 3464.0L);
  long double total = 0;
  for (const auto& r : rows) total += r.weight;
  CHECK(total == 11104.0L);
}

TEST_CASE("read_rfm_csv: quoted header, CRLF, BOM, extra columns and blank lines are accepted", "[models][data]") {
  temp_csv t("\xEF\xBB\xBF\"id\",\"T\",\"frequency\",\"recency\"\r\n7,10.5,3,4.25\r\n\r\n8, 10.5 ,0,0\r\n");
  const auto rows = crm::read_rfm_csv(t.path);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == crm::rfm_row<double>{3.0, 4.25, 10.5, 1.0});
  CHECK(rows[1] == crm::rfm_row<double>{0.0, 0.0, 10.5, 1.0});
}

TEST_CASE("read_rfm_csv: blank lines before the header are skipped, a header without data rows is an error", "[models][data]") {
  // As the order reader: blank lines before the header were read as the header ("'frequency' is not a
  // column of the header"), and a header alone gave an empty summary instead of "has no data rows".
  temp_csv blank("\n  \r\nfrequency,recency,T\n1,2,3\n");
  const auto rows = crm::read_rfm_csv(blank.path);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] == crm::rfm_row<double>{1.0, 2.0, 3.0, 1.0});
  temp_csv missing("\n\nfrequency,recency\n1,2\n");
  const caught m = read_error(missing.path);
  CHECK(m.line == 3);  // the header's line
  CHECK(m.field == "T");
  temp_csv header_only("frequency,recency,T\n\n");
  const caught h = read_error(header_only.path);
  CHECK(h.line == 2);
  CHECK(h.what.find("has no data rows") != std::string::npos);
  temp_csv blank_only("\n\n");
  CHECK(read_error(blank_only.path).what.find("the file is empty") != std::string::npos);
}

TEST_CASE("read_rfm_csv: every malformed or invalid row is an error naming line and field", "[models][data]") {
  SECTION("missing column") {
    temp_csv t("frequency,recency\n1,2\n");
    const caught c = read_error(t.path);
    CHECK(c.line == 1);
    CHECK(c.field == "T");
  }
  SECTION("not a number") {
    temp_csv t("frequency,recency,T\n1,2,3\n1,2x,3\n");
    const caught c = read_error(t.path);
    CHECK(c.line == 3);
    CHECK(c.field == "recency");
  }
  SECTION("empty field") {
    temp_csv t("frequency,recency,T\n,2,3\n");
    CHECK(read_error(t.path).field == "frequency");
  }
  SECTION("wrong number of fields") {
    temp_csv t("frequency,recency,T\n1,2,3\n1,2\n");
    CHECK(read_error(t.path).line == 3);
  }
  SECTION("recency larger than T") {
    temp_csv t("frequency,recency,T\n1,4,3\n");
    const caught c = read_error(t.path);
    CHECK(c.line == 2);
    CHECK(c.field == "recency");
  }
  SECTION("fractional frequency") {
    temp_csv t("frequency,recency,T\n1.5,2,3\n");
    CHECK(read_error(t.path).field == "frequency");
  }
  SECTION("negative frequency") {
    temp_csv t("frequency,recency,T\n-1,0,3\n");
    CHECK(read_error(t.path).field == "frequency");
  }
  SECTION("recency without repeat purchases") {
    temp_csv t("frequency,recency,T\n0,1,3\n");
    CHECK(read_error(t.path).field == "recency");
  }
  SECTION("nan") {
    temp_csv t("frequency,recency,T\n1,nan,3\n");
    CHECK(read_error(t.path).field == "recency");
  }
  SECTION("zero weight") {
    temp_csv t("frequency,recency,T,w\n1,1,3,0\n");
    const caught c = read_error(t.path, "w");
    CHECK(c.line == 2);
    CHECK(c.field == "w");
  }
  SECTION("unterminated quote") {
    temp_csv t("frequency,recency,T\n\"1,1,3\n");
    CHECK(read_error(t.path).line == 2);
  }
  SECTION("missing file") {
    CHECK(read_error("/nonexistent/dir/x.csv").line == 0);
  }
  SECTION("empty file") {
    temp_csv t("");
    CHECK(read_error(t.path).line == 1);
  }
}

TEST_CASE("model readers: messages in the CSV readers' one format, file:line: column N 'field' reason", "[models][data]") {
  // docs/errors.md: every reader writes "file:line: column N 'field' reason", as crm::read_orders_csv does.
  const auto what = [](const std::filesystem::path& p, auto read) {
    try {
      read(p);
    } catch (const crm::data_error& e) {
      const std::string m = e.what();
      return m.substr(m.find(p.filename().string()));
    }
    return std::string("(no error)");
  };
  const auto rfm = [](const std::filesystem::path& p) { (void)crm::read_rfm_csv<double>(p); };
  {
    temp_csv t("id,frequency,recency,T\n1,2,3,4\n2,1,abc,4\n", "crm_msg.csv");
    CHECK(what(t.path, rfm) == "crm_msg.csv:3: column 3 'recency' is not a number: 'abc'");
  }
  {
    temp_csv t("frequency,recency,T\n1,5,4\n", "crm_msg.csv");
    CHECK(what(t.path, rfm) == "crm_msg.csv:2: column 2 'recency' is larger than T");
  }
  {
    temp_csv t("frequency,recency,T\n1,,4\n", "crm_msg.csv");
    CHECK(what(t.path, rfm) == "crm_msg.csv:2: column 2 'recency' is empty where a number is required");
  }
  {
    temp_csv t("frequency,recency,T\n1,1e999,4\n", "crm_msg.csv");
    CHECK(what(t.path, rfm) == "crm_msg.csv:2: column 2 'recency' is outside the range of the number type: '1e999'");
  }
  {
    temp_csv t("frequency,recency\n1,2\n", "crm_msg.csv");  // the header lacks T: line 1, no column
    CHECK(what(t.path, rfm) == "crm_msg.csv:1: 'T' is not a column of the header");
  }
  {  // a header naming a read column twice: which one is meant is not guessed (the first was taken)
    temp_csv t("frequency,recency,T,T\n1,2,30,3\n", "crm_msg.csv");
    CHECK(what(t.path, rfm) == "crm_msg.csv:1: 'T' names two columns (3 and 4)");
    temp_csv other("id,frequency,recency,T,id\n1,1,2,30,1\n", "crm_msg2.csv");  // a column not read may repeat
    CHECK(what(other.path, rfm) == "(no error)");
  }
  {
    temp_csv t("frequency,recency,T\n1,2\n", "crm_msg.csv");
    CHECK(what(t.path, rfm) == "crm_msg.csv:2: expected 3 fields as in the header, found 2");
  }
  {
    temp_csv t("x,zbar\n2,abc\n", "crm_msg.csv");
    const auto spend = [](const std::filesystem::path& p) { (void)crm::read_spend_csv<double>(p, "x", "zbar"); };
    CHECK(what(t.path, spend) == "crm_msg.csv:2: column 2 'zbar' is not a number: 'abc'");
  }
  {
    temp_csv t("frequency,recency,periods,weights\n2,7,6,1\n", "crm_msg.csv");
    const auto discrete = [](const std::filesystem::path& p) { (void)crm::read_discrete_csv<double>(p); };
    CHECK(what(t.path, discrete).rfind("crm_msg.csv:2: column 2 'recency' is larger than periods", 0) == 0);
  }
}

TEST_CASE("read_rfm_csv: regional files, semicolon or tab between fields and decimal commas (model_csv_format)",
          "[models][data]") {
  // The CDNOW summary's first rows (Fader, Hardie & Lee 2005: ID 1 x 2, t_x 30.43, T 38.86) as a
  // European export writes them. Expected values: the decimal literals, read by the compiler.
  const crm::model_csv_format regional{.delimiter = ';', .decimal_comma = true};
  {
    temp_csv t("id;frequency;recency;T\r\n1;2;30,43;38,86\r\n2;0;0;38,86\r\n3;1;\"1,5E+1\";+38,86\r\n");
    const auto rows = crm::read_rfm_csv(t.path, "frequency", "recency", "T", "", regional);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == crm::rfm_row<double>{2.0, 30.43, 38.86, 1.0});
    CHECK(rows[1] == crm::rfm_row<double>{0.0, 0.0, 38.86, 1.0});
    CHECK(rows[2] == crm::rfm_row<double>{1.0, 15.0, 38.86, 1.0});
    const auto wide = crm::read_rfm_csv<long double>(t.path, "frequency", "recency", "T", "", regional);
    CHECK(wide[0].recency == 30.43L);
    CHECK(crm::read_rfm_csv<float>(t.path, "frequency", "recency", "T", "", regional)[0].age == 38.86f);
  }
  {  // a tab-delimited file with decimal points and weights
    temp_csv t("frequency\trecency\tT\tw\n2\t30.43\t38.86\t3\n");
    const auto rows = crm::read_rfm_csv(t.path, "frequency", "recency", "T", "w", {.delimiter = '\t'});
    REQUIRE(rows.size() == 1);
    CHECK(rows[0] == crm::rfm_row<double>{2.0, 30.43, 38.86, 3.0});
  }
  const auto message = [](const std::filesystem::path& p, const crm::model_csv_format& f) {
    try {
      (void)crm::read_rfm_csv<double>(p, "frequency", "recency", "T", "", f);
    } catch (const crm::data_error& e) {
      const std::string m = e.what();
      return m.substr(m.find(p.filename().string()));
    }
    return std::string("(no error)");
  };
  {  // with a decimal comma a '.' or a thousands separator is an error, never a guess
    temp_csv t("frequency;recency;T\n2;30.43;38,86\n", "crm_regional.csv");
    CHECK(message(t.path, regional) ==
          "crm_regional.csv:2: column 2 'recency' has a decimal point '.', but with model_csv_format::decimal_comma the "
          "decimal separator is ',' (and thousands separators are not accepted): '30.43'");
    temp_csv g("frequency;recency;T\n2;1.030,5;1.038,86\n", "crm_regional.csv");
    CHECK(message(g.path, regional) ==
          "crm_regional.csv:2: column 2 'recency' has a thousands separator ('.'): amounts are read without digit "
          "grouping: '1.030,5'");
    temp_csv n("frequency;recency;T\n2;1 030,5;1 038,86\n", "crm_regional.csv");
    CHECK(message(n.path, regional) ==
          "crm_regional.csv:2: column 2 'recency' has a thousands separator (a space): amounts are read without digit "
          "grouping: '1 030,5'");
  }
  {  // without it, a decimal comma is refused and the reason says which option reads it
    temp_csv t("frequency;recency;T\n2;30,43;38,86\n", "crm_regional.csv");
    CHECK(message(t.path, {.delimiter = ';'}) ==
          "crm_regional.csv:2: column 2 'recency' has a decimal comma ',' (read such a file with "
          "model_csv_format::decimal_comma and a delimiter other than ','; thousands separators are not accepted): '30,43'");
    temp_csv q("frequency,recency,T\n2,\"30,43\",38.86\n", "crm_regional.csv");
    CHECK(message(q.path, {}).find("column 2 'recency' has a decimal comma ','") != std::string::npos);
  }
  {  // a decimal comma cannot go with ',' between fields: refused before the file is read (line 0)
    temp_csv t("frequency,recency,T\n2,30,38\n", "crm_regional.csv");
    CHECK(message(t.path, {.decimal_comma = true}).rfind(
              "crm_regional.csv:0: model_csv_format::decimal_comma cannot go with ',' as the delimiter", 0) == 0);
    CHECK(read_error_with(t.path, {.decimal_comma = true}) == 0);
    CHECK(message("/nonexistent/dir/crm_regional.csv", {.decimal_comma = true}).find("cannot go with ','") !=
          std::string::npos);
    CHECK(message(t.path, {.delimiter = '"'}).find("model_csv_format::delimiter cannot be") != std::string::npos);
  }
}

TEST_CASE("model readers: text after a closing quote is an error, a quote inside a field is a character (RFC 4180)",
          "[models][data]") {
  const auto what = [](const std::string& text) {
    temp_csv t(text, "crm_quotes.csv");
    try {
      (void)crm::read_rfm_csv<double>(t.path);
    } catch (const crm::data_error& e) {
      const std::string m = e.what();
      return m.substr(m.find("crm_quotes.csv"));
    }
    return std::string("(no error)");
  };
  // "1"2 and 1"2" were read as recency 12: the text after the closing quote was joined to the quoted one.
  CHECK(what("frequency,recency,T\n1,\"1\"2,30\n") == "crm_quotes.csv:2: column 2 'recency' has text after its closing quote");
  CHECK(what("frequency,recency,T\n1,1\"2\",30\n") == "crm_quotes.csv:2: column 2 'recency' is not a number: '1\"2\"'");
  // a quoted field may hold the delimiter only inside its quotes: a"b,c"d is two fields
  CHECK(what("frequency,recency,T\n1,a\"1,2\"b,30\n") == "crm_quotes.csv:2: expected 3 fields as in the header, found 4");
  CHECK(what("frequency,recency,T\n1, \"2\" ,30\n") == "(no error)");  // blanks around quotes
  CHECK(what("\"frequency\",\"rec\"\"ency\",T\n1,2,30\n") == "crm_quotes.csv:1: 'recency' is not a column of the header");
  CHECK(what("frequency,recency,T\n1,\"2\"\"\",30\n") == "crm_quotes.csv:2: column 2 'recency' is not a number: '2\"'");
}

TEST_CASE("validate: names the model, field and row of the first bad customer", "[models][data]") {
  using row = crm::rfm_row<double>;
  const std::vector<row> good = {{2, 30.43, 38.86, 1}, {0, 0, 38.86, 3}};
  CHECK_FALSE(crm::validate(std::span<const row>(good), "bg_nbd"));
  CHECK(crm::validate(std::span<const row>(), "bg_nbd").code == crm::errc::empty_input);
  std::vector<row> bad = good;
  bad.push_back({1, 5, 4, 1});
  std::size_t at = 99;
  const crm::error_info e = crm::validate(std::span<const row>(bad), "bg_nbd", &at);
  CHECK(e.code == crm::errc::part_exceeds_whole);
  CHECK(std::string(e.metric) == "bg_nbd");
  CHECK(std::string(e.field) == "recency");
  CHECK(at == 2);
  CHECK(crm::validate(std::span<const row>(std::vector<row>{{1, 1, 2, -1}}), "m").code == crm::errc::negative);
  CHECK(crm::validate(std::span<const row>(std::vector<row>{{1, 1, INFINITY, 1}}), "m").code == crm::errc::not_finite);
}

TEST_CASE("compress: merges identical rows and sums weights", "[models][data]") {
  using row = crm::rfm_row<float>;
  const std::vector<row> in = {{1, 2, 5, 1}, {0, 0, 5, 1}, {1, 2, 5, 2}, {0, 0, 5, 1}, {0, 0, 4, 1}};
  const auto out = crm::compress(in);
  REQUIRE(out.size() == 3);
  CHECK(out[0] == row{0, 0, 4, 1});
  CHECK(out[1] == row{0, 0, 5, 2});
  CHECK(out[2] == row{1, 2, 5, 3});
}

TEST_CASE("compress: rows with their average spends merge only where the spend is identical too", "[models][data]") {
  using row = crm::rfm_row<double>;
  const std::vector<row> in = {{1, 2, 5, 1}, {0, 0, 5, 1}, {1, 2, 5, 2}, {0, 0, 5, 1}, {1, 2, 5, 1}, {0, 0, 4, 1}};
  const std::vector<double> spend = {20, 0, 20, 0, 25, 0};
  const auto out = crm::try_compress(std::span<const row>(in), std::span<const double>(spend));
  REQUIRE(out);
  REQUIRE(out->rows.size() == 4);
  REQUIRE(out->average_spends.size() == 4);
  CHECK(out->rows[0] == row{0, 0, 4, 1});
  CHECK(out->rows[1] == row{0, 0, 5, 2});
  CHECK(out->rows[2] == row{1, 2, 5, 3});  // the spend of 20 twice, weights 1 and 2
  CHECK(out->average_spends[2] == 20);
  CHECK(out->rows[3] == row{1, 2, 5, 1});
  CHECK(out->average_spends[3] == 25);
  const auto bad = crm::try_compress(std::span<const row>(in), std::span<const double>(spend).first(5));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == crm::errc::out_of_range);
  CHECK(bad.error().field == std::string("average_spends"));
}

TEST_CASE("models: value types are plain aggregates, trivially copyable for double", "[models][data]") {
  STATIC_REQUIRE(std::is_aggregate_v<crm::rfm_row<double>>);
  STATIC_REQUIRE(std::is_trivially_copyable_v<crm::rfm_row<double>>);
  STATIC_REQUIRE(std::is_trivially_copyable_v<crm::fit_options>);
  STATIC_REQUIRE(std::is_trivially_copyable_v<crm::convergence>);
  STATIC_REQUIRE(crm::rfm_row<double>{}.weight == 1.0);
  STATIC_REQUIRE(crm::describe(crm::stop_reason::gradient_small)[0] == 'g');
  STATIC_REQUIRE(!crm::detail::check_fit_options("m", crm::fit_options{}));
  STATIC_REQUIRE(crm::detail::check_fit_options("m", crm::fit_options{.penalizer = -1.0}).code == crm::errc::out_of_range);
}

}  // namespace models_data_test

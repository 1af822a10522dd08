// Every error message quoted in docs/errors.md, docs/metrics.md and docs/metrics/*.md is one the
// library prints: the test reads the Markdown at run time (from the source tree), extracts every
// quoted message (`crm::<name>: ...` and the data_error form `<file>.csv:<line>: column <n> '<field>' ...`)
// and compares it with the output of real calls. A message edited in the docs, or changed in the
// code, fails here.
#include "catch.hpp"

#include <crm/metrics.hpp>
#include <crm/models.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace errors_doc_test {

namespace {

namespace fs = std::filesystem;

/// The source tree: CRM_METRICS_SOURCE_DIR if set, else the parent of this file's directory.
fs::path source_dir() {
  if (const char* env = std::getenv("CRM_METRICS_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
  return fs::path(__FILE__).parent_path().parent_path();
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The pages whose quoted messages are checked.
std::vector<fs::path> pages() {
  const fs::path docs = source_dir() / "docs";
  std::vector<fs::path> out{docs / "errors.md", docs / "metrics.md"};
  for (const auto& e : fs::directory_iterator(docs / "metrics"))
    if (e.path().extension() == ".md") out.push_back(e.path());
  return out;
}

/// Messages quoted in `text` between backticks (which may wrap across lines: the line break and
/// indentation read as one space) or between double quotes on one line.
std::vector<std::string> quoted_messages(const std::string& text) {
  static const std::regex in_backticks(R"(`(crm::[a-z_.]+: [^`]+)`)");
  static const std::regex in_quotes(R"re("(crm::[a-z_.]+: [^"\n]+)")re");
  static const std::regex csv_message(R"(`([A-Za-z0-9_.-]+\.csv:[0-9]+: (?:column [0-9]+ )?'[^']*' [^`]+)`)");
  static const std::regex wrap(R"(\s*\n\s*)");
  std::vector<std::string> out;
  for (const std::regex* re : {&in_backticks, &in_quotes, &csv_message})
    for (auto it = std::sregex_iterator(text.begin(), text.end(), *re); it != std::sregex_iterator(); ++it)
      out.push_back(std::regex_replace((*it)[1].str(), wrap, " "));
  return out;
}

template <class F>
std::string what_of(F&& f) {
  try {
    (void)f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

/// The messages of real calls, one per situation the docs illustrate.
std::set<std::string> produced_messages() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::set<std::string> out;
  auto add = [&](std::string m) { out.insert(std::move(m)); };
  add(crm::message(crm::try_roi({.revenue = 1.0, .cost = 0.0}).error()));
  add(what_of([] { return crm::roi({.revenue = 1.0, .cost = 0.0}); }));
  add(what_of([] { return crm::roi({.revenue = -1.0, .cost = 5.0}); }));
  add(what_of([&] { return crm::roi({.revenue = nan, .cost = 5.0}); }));
  add(what_of([] { return crm::roi({.revenue = std::numeric_limits<double>::max(), .cost = 1e-300}); }));
  add(what_of([] { return crm::open_rate({.delivered = 800, .unique_opens = 801}); }));
  add(what_of([] { return crm::conversion_rate({.actions = 11, .audience = 10}); }));
  add(what_of([] { return crm::churn_rate({.customers_at_start = 100, .customers_lost = 120}); }));
  add(what_of([] { return crm::nps_category(11); }));
  add(what_of([] {
    const int answers[] = {10, 9, 8, 11, 6};
    return crm::nps_of_answers(answers);
  }));
  add(what_of([] { return crm::nps_of_answers(std::span<const int>()); }));
  add(what_of([] {
    return crm::nps({.promoters = std::numeric_limits<crm::count_t>::max(), .passives = 1});
  }));
  add(what_of([] { return crm::customer_lifetime({.churn_rate = 0.0}); }));
  add(what_of([] { return crm::discounted_ltv({.margin = 100.0, .retention_rate = 1.0, .discount_rate = 0.0}); }));
  add(what_of([] { return crm::new_customers({.customers_at_start = 10, .customers_at_end = 3, .customers_lost = 2}); }));
  // A data_error: a CSV whose line 12 has "abc" for recency. The message starts with the path as
  // given; the docs show it for a file named cdnow.csv in the working directory.
  const fs::path dir = fs::temp_directory_path() / "crm_errors_doc_test";
  fs::create_directories(dir);
  const fs::path csv = dir / "cdnow.csv";
  {
    std::ofstream f(csv);
    f << "frequency,recency,T\n";
    for (int i = 0; i < 10; ++i) f << "1,10,30\n";
    f << "1,abc,30\n";
  }
  std::string m = what_of([&] { return crm::read_rfm_csv(csv); });
  const std::string prefix = dir.string() + "/";
  if (m.rfind(prefix, 0) == 0) m = m.substr(prefix.size());
  add(m);
  fs::remove_all(dir);
  return out;
}

}  // namespace

TEST_CASE("docs: every error message quoted in errors.md and metrics*.md is printed by the library", "[docs][errors]") {
  const std::set<std::string> real = produced_messages();
  std::size_t quoted = 0;
  for (const fs::path& page : pages()) {
    INFO(page.string());
    REQUIRE(fs::exists(page));
    for (const std::string& m : quoted_messages(read(page))) {
      INFO("quoted: " << m);
      ++quoted;
      CHECK(real.count(m) == 1);
    }
  }
  // errors.md quotes at least one message per kind of error it illustrates.
  CHECK(quoted >= 10);
}

TEST_CASE("docs: the extractor finds both message forms", "[docs]") {
  const auto found = quoted_messages(
      "a `crm::roi: cost is zero (zero denominator)` b \"crm::x: y\" `f.csv:3: column 2 'a' is bad` `no`\n"
      "`crm::churn_rate: customers_lost is larger than its whole (must not\n  exceed customers_at_start)`");
  REQUIRE(found.size() == 4);
  CHECK(found[0] == "crm::roi: cost is zero (zero denominator)");
  CHECK(found[1] == "crm::churn_rate: customers_lost is larger than its whole (must not exceed customers_at_start)");
  CHECK(found[2] == "crm::x: y");
  CHECK(found[3] == "f.csv:3: column 2 'a' is bad");
}

// docs/errors.md, "Two forms": code(), metric(), field() and detail() give the parts of the message.
TEST_CASE("docs/errors.md: metric_error's parts make up its message", "[errors][docs]") {
  try {
    (void)crm::roi({.revenue = 1.0, .cost = 0.0});
    FAIL("crm::roi did not throw");
  } catch (const crm::metric_error& e) {
    CHECK(e.code() == crm::errc::zero_denominator);
    CHECK(std::string(e.metric()) == "roi");
    CHECK(std::string(e.field()) == "cost");
    CHECK(std::string(e.detail()).empty());  // the code's own text, "zero denominator", says it all
    CHECK(std::string(e.what()) == "crm::roi: cost is zero (zero denominator)");
  }
  try {
    (void)crm::nps({.promoters = 1, .passives = 0, .detractors = -1});
    FAIL("crm::nps did not throw");
  } catch (const crm::metric_error& e) {
    CHECK(std::string(e.metric()) == "nps");
    CHECK(std::string(e.field()) == "detractors");
    CHECK(std::string(e.what()).find(std::string("crm::nps: detractors")) == 0);
    if (*e.detail() != '\0') CHECK(std::string(e.what()).find(e.detail()) != std::string::npos);
  }
}


}  // namespace errors_doc_test

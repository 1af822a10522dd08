// crm-metrics tests: the crm-report program, run as users run it, its JSON checked against the
// library's results computed here through the public API, and against values read from the data
// files without the library; every bad-input case with its message and exit code.
#include "../catch.hpp"
#include "../data_path.hpp"
#include "report_helpers.hpp"
#include "../../tools/crm-report/format_util.hpp"

#include <crm/aggregate/cohort.hpp>
#include <crm/aggregate/csv.hpp>
#include <crm/aggregate/orders.hpp>
#include <crm/metrics/email.hpp>
#include <crm/statistics.hpp>
#include <crm/version.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>
#include <sys/wait.h>

namespace {

using namespace crm_report_test;

/// What CDNOW_master.txt holds, read without the library: id, yyyymmdd, CDs, dollars per line.
struct raw_cdnow {
  std::int64_t orders = 0;
  double revenue = 0;
  std::map<std::string, int> orders_per_customer;
};
raw_cdnow read_raw_cdnow(const fs::path& file) {
  raw_cdnow r;
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string id, date;
    int cds = 0;
    double dollars = 0;
    if (!(f >> id >> date >> cds >> dollars)) continue;
    ++r.orders;
    r.revenue += dollars;
    ++r.orders_per_customer[id];
  }
  return r;
}

}  // namespace

TEST_CASE("crm-report: the report on CDNOW_master.txt agrees with the library and with the raw file", "[report][data]") {
  const fs::path file = crm_test::data_file("cdnow/CDNOW_master.txt");
  CRM_REQUIRE_DATA(file);
  const run_result r = run("'" + file.string() + "' --calibration-end 1997-09-30 --json master.json");
  REQUIRE(r.code == 0);
  REQUIRE(r.err.empty());
  const json j = json::parse(slurp(work_dir() / "master.json"));
  CHECK(j["partial"] == false);
  CHECK(j["first_date"] == "1997-01-01");
  CHECK(j["last_date"] == "1998-06-30");

  // Independent of the library: counts and sums read with iostreams (69659 orders, 23570 customers
  // are the published size of the CDNOW master file).
  const raw_cdnow raw = read_raw_cdnow(file);
  CHECK(raw.orders == 69659);
  CHECK(raw.orders_per_customer.size() == 23570);
  std::int64_t repeaters = 0;
  for (const auto& [id, n] : raw.orders_per_customer) repeaters += n >= 2;
  const json& h = j["headline"];
  CHECK(h["orders"] == raw.orders);
  CHECK(h["customers"] == static_cast<std::int64_t>(raw.orders_per_customer.size()));
  CHECK(h["repeat_customers"] == repeaters);
  CHECK(near(h["revenue"].get<double>(), raw.revenue, 1e-12));
  CHECK(near(h["average_check"]["value"].get<double>(), raw.revenue / static_cast<double>(raw.orders), 1e-12));

  // Through the library's API, as a user would compute the same figures.
  const auto read = crm::read_orders_csv<double>(crm::csv_input(file),
                                                 {.customer = "customer_id", .time = "date", .amount = "dollar_value"},
                                                 {.whitespace_separated = true, .time = crm::time_format::yyyymmdd});
  crm::customer_accumulator<double> customers;
  customers.add(read.records);
  const auto share = crm::proportion_interval(crm::repeat_purchase_sample(customers.repeat()));
  CHECK(near(h["repeat_purchase_share"]["value"].get<double>(), share.point.value()));
  CHECK(near(h["repeat_purchase_share"]["lower"].get<double>(), share.lower.value()));
  CHECK(near(h["repeat_purchase_share"]["upper"].get<double>(), share.upper.value()));
  CHECK(near(h["purchase_frequency"]["value"].get<double>(), crm::purchase_frequency(customers.purchases()).value()));
  crm::running_stats<double> checks;
  for (const auto& o : read.records) checks.add(o.amount);
  const auto check = crm::mean_interval(checks);
  CHECK(near(h["average_check"]["lower"].get<double>(), check.lower));
  CHECK(near(h["average_check"]["upper"].get<double>(), check.upper));

  // Periods (months, lost after 3 months without a purchase, as docs/report.md says) and cohorts.
  using namespace std::chrono;
  crm::period_accumulator<double> periods({.unit = crm::period_unit::month, .first = sys_days{year{1997} / 1 / 1},
                                           .periods = 18, .inactive_periods = 3, .cohort_revenue = true});
  periods.add(read.records);
  const auto stats = periods.stats();
  REQUIRE(j["periods"].size() == stats.size());
  for (std::size_t i = 0; i < stats.size(); ++i) {
    const json& p = j["periods"][i];
    INFO("period " << p["period"]);
    CHECK(p["period"] == crm::period_label(crm::period_unit::month, stats[i].period));
    CHECK(p["customers_at_start"] == stats[i].customers_at_start);
    CHECK(p["new_customers"] == stats[i].new_customers);
    CHECK(p["returning_customers"] == stats[i].returning_customers);
    CHECK(p["customers_lost"] == stats[i].lost_customers);
    CHECK(p["customers_at_end"] == stats[i].customers_at_end);
    CHECK(near(p["revenue"].get<double>(), stats[i].revenue));
    if (stats[i].customers_at_start > 0) {
      const auto ret = crm::proportion_interval(crm::retention_sample(stats[i].retention()));
      CHECK(near(p["retention_rate"]["value"].get<double>(), ret.point.value()));
      CHECK(near(p["retention_rate"]["lower"].get<double>(), ret.lower.value()));
      CHECK(near(p["churn_rate"]["value"].get<double>(), crm::churn_rate(stats[i].churn()).value()));
    } else {
      CHECK(p["retention_rate"].is_null());
    }
  }
  const auto m = periods.cohorts();
  std::size_t row = 0;
  for (std::int32_t c = 0; c < m.periods; ++c) {
    if (m.sizes[static_cast<std::size_t>(c)] == 0) continue;
    const json& cj = j["cohorts"][row++];
    CHECK(cj["size"] == m.sizes[static_cast<std::size_t>(c)]);
    for (std::int32_t k = 0; k < static_cast<std::int32_t>(m.columns(c)); ++k)
      CHECK(cj["active"][static_cast<std::size_t>(k)] == m.cell(c, k).active_in_period);
  }
  CHECK(row == j["cohorts"].size());
  CHECK(row == 3);  // CDNOW customers were all acquired in 1997-Q1

}

TEST_CASE("crm-report: the built-in sample is complete, deterministic and reported on the terminal", "[report]") {
  const run_result a = run("--json sample_a.json");
  const run_result b = run("--json sample_b.json");
  REQUIRE(a.code == 0);
  CHECK(a.err.empty());
  CHECK(a.out == b.out);
  CHECK(slurp(work_dir() / "sample_a.json") == slurp(work_dir() / "sample_b.json"));
  const json j = json::parse(slurp(work_dir() / "sample_a.json"));
  CHECK(j["sample"] == true);
  CHECK(j["partial"] == false);
  CHECK(j["schema_version"] == 4);
  CHECK(j["generator"] == "crm-report " + std::to_string(CRM_METRICS_VERSION_MAJOR) + "." +
                              std::to_string(CRM_METRICS_VERSION_MINOR) + "." + std::to_string(CRM_METRICS_VERSION_PATCH));
  // Every documented field is there (null when it does not apply), in every part.
  for (const char* key : {"currency", "period", "inactive_periods", "confidence_level", "first_date", "last_date",
                          "inputs", "notes", "headline", "periods", "cohorts", "email", "nps", "costs", "forecast",
                          "forecast_error"}) {
    INFO(key);
    CHECK(j.contains(key));
  }
  CHECK(j["inactive_periods"] == 3);
  CHECK(j["periods"][0]["retention_rate"].is_null());
  CHECK(j["forecast_error"].is_null());
  CHECK(j["forecast"].contains("boundary"));
  CHECK(j["forecast"]["boundary"].is_null());  // the sample's BG/NBD fit is interior
  CHECK(j["headline"]["customers"] == 2000);
  for (const char* part : {"email", "nps", "costs", "forecast"}) {
    INFO(part);
    CHECK(j[part].is_object());
  }
  CHECK(j["forecast"]["holdout"].is_object());
  for (const char* section : {"Headline", "Customer base per month", "Acquisition cohorts", "E-mail", "NPS",
                              "Acquisition economics", "Forecast: BG/NBD", "Top customers by CLV", "Holdout"}) {
    INFO(section);
    CHECK(a.out.find(section) != std::string::npos);
  }
  CHECK(a.out.find('\x1b') == std::string::npos);  // not a terminal: no colour
  const run_result c = run("--color always", "");
  CHECK(c.out.find("\x1b[") != std::string::npos);
  // On a terminal (script(1) gives the program one): colour by default, none under NO_COLOR.
  if (std::system("command -v script > /dev/null 2>&1") == 0) {
    const std::string tty = "script -qec \"'" CRM_REPORT_EXE "' --top 1\" /dev/null";
    const run_result on_tty = run_command("env -u NO_COLOR " + tty);
    const run_result no_color = run_command("NO_COLOR=1 " + tty);
    CHECK(on_tty.code == 0);
    CHECK(on_tty.out.find("\x1b[") != std::string::npos);
    CHECK(no_color.code == 0);
    CHECK(no_color.out.find("Headline") != std::string::npos);
    CHECK(no_color.out.find("\x1b[") == std::string::npos);
  }
  const run_result pareto = run("--model pareto --period quarter --top 3 --json pareto.json");
  REQUIRE(pareto.code == 0);
  const json p = json::parse(slurp(work_dir() / "pareto.json"));
  CHECK(p["forecast"]["model"] == "Pareto/NBD");
  CHECK(p["forecast"]["top_customers"].size() == 3);
  CHECK(p["periods"][0]["period"] == "2024-Q1");
}

TEST_CASE("crm-report: delimiter, header, column names and date format are detected as docs/report.md says",
          "[report]") {
  // The same five orders written in every layout the detection covers must give the same figures.
  const fs::path d = work_dir() / "layouts";
  fs::create_directories(d);
  struct order_row {
    int customer;
    const char *iso, *compact, *datetime;
    long long epoch;
    const char* amount;
  };
  // Times at midnight UTC (in the offset's local time for +02:00), so every format is the same day.
  const order_row rows[] = {{11, "2024-01-05", "20240105", "2024-01-05T00:00:00Z", 1704412800, "10.00"},
                            {12, "2024-02-05", "20240205", "2024-02-05T02:00:00+02:00", 1707091200, "12.50"},
                            {11, "2024-03-01", "20240301", "2024-03-01T00:00:00Z", 1709251200, "8"},
                            {13, "2024-03-02", "20240302", "2024-03-02T00:00:00", 1709337600, "20.25"},
                            {12, "2024-04-30", "20240430", "2024-04-30T00:00Z", 1714435200, "5.5"}};
  const char* headers[][3] = {{"customer_id", "date", "amount"}, {"Client_ID", "order_date", "total"},
                              {"user_id", "created_at", "dollar_value"}};
  const char* delimiters[] = {",", ";", "\t", "|", "  "};
  json reference;
  int variant = 0;
  for (int format = 0; format < 4; ++format)
    for (std::size_t h = 0; h < 4; ++h)  // h == 3: no header
      for (const char* delim : delimiters) {
        std::string text;
        if (h < 3) text += std::string(headers[h][0]) + delim + headers[h][1] + delim + headers[h][2] + "\n";
        for (const order_row& r : rows) {
          const std::string when = format == 0   ? r.iso
                                   : format == 1 ? r.compact
                                   : format == 2 ? r.datetime
                                                 : std::to_string(r.epoch);
          text += std::to_string(r.customer) + delim + when + delim + r.amount + "\n";
        }
        const std::string name = "layout" + std::to_string(++variant);
        write(d / (name + ".txt"), text);
        const run_result x = run(name + ".txt --calibration-end 2024-03-31 --json " + name + ".json", "NO_COLOR=1", "layouts");
        INFO(name << ":\n" << text << x.err);
        REQUIRE(x.code == 0);
        json j = json::parse(slurp(d / (name + ".json")));
        const json figures = {j["headline"], j["periods"], j["cohorts"], j["forecast"], j["forecast_error"]};
        if (reference.is_null()) reference = figures;
        CHECK(figures == reference);
      }
  CHECK(reference[0]["customers"] == 3);
  CHECK(reference[0]["orders"] == 5);
  CHECK(reference[0]["revenue"].get<double>() == 56.25);
}

TEST_CASE("crm-report: every column name of docs/report.md's table is recognised, in any case", "[report]") {
  const fs::path d = work_dir() / "aliases";
  fs::create_directories(d);
  const std::vector<std::string> customer = {"customer_id", "customer", "client_id", "user_id", "customerid", "id"};
  const std::vector<std::string> date = {"date", "order_date", "time", "timestamp", "datetime", "created_at"};
  const std::vector<std::string> amount = {"amount", "dollar_value", "revenue", "value", "total", "price", "sum"};
  const auto upper = [](std::string t) {
    for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return t;
  };
  int k = 0;
  const auto check = [&](const std::string& c, const std::string& t, const std::string& a) {
    const std::string name = "alias" + std::to_string(++k);
    // a decoy column first, so that a name that is not recognised cannot pass by position
    write(d / (name + ".csv"), "note," + c + "," + t + "," + a + "\nx,11,2024-01-05,10.00\nx,12,2024-02-05,12.50\nx,11,2024-03-01,8\n");
    const run_result x = run(name + ".csv --json " + name + ".json", "NO_COLOR=1", "aliases");
    INFO(name << ": " << c << ", " << t << ", " << a << "\n" << x.err);
    REQUIRE(x.code == 0);
    const json j = json::parse(slurp(d / (name + ".json")));
    CHECK(j["headline"]["customers"] == 2);
    CHECK(j["headline"]["orders"] == 3);
    CHECK(j["headline"]["revenue"].get<double>() == 30.5);
  };
  for (const std::string& c : customer) check(c, "date", "amount");
  for (const std::string& t : date) check("customer_id", t, "amount");
  for (const std::string& a : amount) check("customer_id", "date", a);
  check(upper("customerid"), upper("timestamp"), upper("sum"));
  check("User_Id", "Created_At", "Dollar_Value");
}

TEST_CASE("crm-report: with --skip-bad-rows the first five rejections of a file are listed, and only those", "[report]") {
  const fs::path d = work_dir() / "five";
  fs::create_directories(d);
  std::string text = "customer_id,date,amount\n1,2024-01-05,10.00\n";
  for (int i = 0; i < 8; ++i) text += std::to_string(2 + i) + ",2024-02-0" + std::to_string(1 + i) + ",bad" + std::to_string(i) + "\n";
  text += "1,2024-03-01,8\n";
  write(d / "eight.csv", text);
  const run_result r = run("five/eight.csv --skip-bad-rows --json five/out.json");
  REQUIRE(r.code == 0);
  CHECK(r.err.find("five/eight.csv: 8 of 10 rows rejected (--skip-bad-rows); the report is partial") != std::string::npos);
  for (int i = 0; i < 8; ++i) {
    const std::string line = "five/eight.csv:" + std::to_string(3 + i) + ": column 3 'amount' is not a number: 'bad" + std::to_string(i) + "'";
    INFO(line);
    CHECK((r.err.find(line) != std::string::npos) == (i < 5));
  }
  const json j = json::parse(slurp(work_dir() / "five/out.json"));
  CHECK(j["partial"] == true);
  CHECK(j["inputs"][0]["rejected"] == 8);
  CHECK(j["inputs"][0]["used"] == 2);
}

TEST_CASE("crm-report: a per-campaign funnel file gives the e-mail funnel with its intervals", "[report]") {
  const fs::path d = work_dir() / "funnel";
  fs::create_directories(d);
  write(d / "orders.csv", "customer_id,date,amount\n1,2024-01-05,10.00\n2,2024-02-05,12.50\n1,2024-03-01,8\n");
  write(d / "campaigns.csv",
        "campaign;sent;delivered;unique_opens;unique_clicks;conversions;unsubscribed;revenue\n"
        "spring;1000;960;240;48;12;6;450.5\nsummer;2000;1900;500;90;20;9;800\n");
  const run_result r = run("funnel/orders.csv --funnel funnel/campaigns.csv --json funnel/out.json");
  REQUIRE(r.code == 0);
  const json e = json::parse(slurp(work_dir() / "funnel/out.json"))["email"];
  CHECK(e["campaigns"] == 2);
  CHECK(e["sent"] == 3000);
  CHECK(e["delivered"] == 2860);
  CHECK(e["unique_opens"] == 740);
  CHECK(e["unique_clicks"] == 138);
  CHECK(e["conversions"] == 32);
  CHECK(e["unsubscribed"] == 15);
  CHECK(e["revenue"].get<double>() == 1250.5);
  const auto open = crm::proportion_interval(crm::proportion_sample{.successes = 740, .trials = 2860});
  CHECK(e["open_rate"]["value"].get<double>() == open.point.value());
  CHECK(e["open_rate"]["lower"].get<double>() == open.lower.value());
  const auto cto = crm::proportion_interval(crm::proportion_sample{.successes = 138, .trials = 740});
  CHECK(e["click_to_open_rate"]["upper"].get<double>() == cto.upper.value());
}

TEST_CASE("crm-report: every number of the HTML page is the JSON's, and the page loads nothing", "[report]") {
  const run_result r = run("--html page.html --json page.json");
  REQUIRE(r.code == 0);
  const std::string html = slurp(work_dir() / "page.html");
  const json j = json::parse(slurp(work_dir() / "page.json"));
  const std::regex cell("data-json=\"([^\"]+)\" data-value=\"([^\"]+)\"");
  std::size_t checked = 0;
  std::set<std::string> sections;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), cell); it != std::sregex_iterator(); ++it) {
    const std::string pointer = (*it)[1], value = (*it)[2];
    INFO(pointer << " = " << value);
    const json::json_pointer ptr(pointer);
    REQUIRE(j.contains(ptr));
    CHECK(std::stod(value) == j.at(ptr).get<double>());
    sections.insert(pointer.substr(1, pointer.find('/', 1) - 1));
    ++checked;
  }
  CHECK(checked > 200);
  CHECK(sections == std::set<std::string>{"cohorts", "costs", "email", "forecast", "headline", "inputs", "nps", "periods"});
  for (const char* chart : {"chart-cohort-heatmap", "chart-retention-curves", "chart-funnel", "chart-p-alive", "chart-holdout",
                            "chart-tracking"}) {
    INFO(chart);
    CHECK(html.find(std::string("id=\"") + chart + "\"") != std::string::npos);
  }
  // The visible text of a few cells: grouped thousands, money and per cent as on the terminal.
  CHECK(html.find("data-json=\"/headline/customers\" data-value=\"2000\">2 000</td>") != std::string::npos);
  for (const char* remote : {"<script", "http://", "https://", "@import", "url(", "<link", "<img"}) {
    INFO(remote);
    CHECK(html.find(remote) == std::string::npos);
  }
  CHECK(html.find("Content-Security-Policy\" content=\"default-src 'none'") != std::string::npos);
}

TEST_CASE("crm-report: bad input stops with exit code 2 and names the file, line and column", "[report]") {
  const fs::path d = work_dir() / "bad";
  fs::create_directories(d);
  const std::string ok = "customer_id,date,amount\n1,2024-01-05,10.00\n2,2024-02-05,12.50\n1,2024-03-01,8\n";
  write(d / "good.csv", ok);
  write(d / "empty.csv", "");
  write(d / "header_only.csv", "customer_id,date,amount\n");
  write(d / "wrong_columns.csv", "client,when,total\n1,2024-01-05,3\n");
  write(d / "short_row.csv", "customer_id,date,amount\n1,2024-01-05,10.00\n2,2024-02-05\n");
  write(d / "bad_date.csv", "customer_id,date,amount\n1,2024-01-05,10.00\n2,2024-13-45,3\n");
  write(d / "bad_amount.csv", "customer_id,date,amount\n1,2024-01-05,10.00\n2,2024-02-05,12x\n");
  write(d / "bad_id.csv", "customer_id,date,amount\n1,2024-01-05,10.00\nx7,2024-02-05,1\n");
  write(d / "nan_amount.csv", "customer_id,date,amount\n1,2024-01-05,nan\n");
  write(d / "negative_cost.csv", "date,amount\n2024-01-01,100\n2024-02-01,-5\n");
  write(d / "bad_nps.csv", "respondent,score\n1,9\n\n2,11\n");
  write(d / "bad_email.csv", "recipient,campaign,event,time\n1,1,sent,2024-01-01\n1,1,bought,2024-01-01\n");
  write(d / "funnel_opens.csv", "campaign,sent,delivered,opens,clicks,conversions\nspring,1000,960,980,48,12\n");
  write(d / "funnel_text.csv", "campaign,sent,delivered,opens,clicks,conversions\nspring,1000,960,x,48,12\n");
  write(d / "funnel_columns.csv", "campaign,sent,delivered,opens,conversions\nspring,1000,960,300,12\n");
  // Totals past 2^63 - 1: two campaigns of 2^62 sent, or of 1e308 revenue (a negative count before).
  write(d / "funnel_past.csv", "campaign,sent,delivered,opens,clicks,conversions\na,4611686018427387904,4611686018427387904,1,1,1\n"
                               "b,4611686018427387904,4611686018427387904,1,1,1\n");
  write(d / "funnel_revenue.csv", "campaign,sent,delivered,opens,clicks,conversions,revenue\na,1000,960,300,40,10,1e308\n"
                                  "b,1000,960,300,40,10,1e308\n");
  fs::create_directories(d / "a_directory.csv");
  struct bad_case {
    const char* args;
    const char* message;
  };
  const bad_case cases[] = {
      {"missing.csv", "missing.csv: cannot open the file (no such file)"},
      {"a_directory.csv", "a_directory.csv: is a directory, not a file"},
      {"empty.csv", "empty.csv: is empty (no rows)"},
      {"header_only.csv", "header_only.csv:1: has no data rows"},
      {"wrong_columns.csv", "wrong_columns.csv:1: no column for the customer id in the header; name it with --customer-column"},
      {"good.csv --amount-column price", "good.csv:1: 'price' is not a column of the header"},
      {"short_row.csv", "short_row.csv:3: column 3 'amount' is missing (the row has too few fields)"},
      {"bad_date.csv", "bad_date.csv:3: column 2 'date' has a month outside 1..12: '2024-13-45'"},
      {"bad_amount.csv", "bad_amount.csv:3: column 3 'amount' is not a number: '12x'"},
      {"bad_id.csv", "bad_id.csv:3: column 1 'customer_id'"},
      {"nan_amount.csv", "nan_amount.csv:2: column 3 'amount'"},
      {"good.csv --costs negative_cost.csv", "negative_cost.csv:3: column 2 'amount' is negative: '-5'"},
      {"good.csv --nps bad_nps.csv", "bad_nps.csv:4: column 2 'score' is out of range (must lie in 0..10): '11'"},
      {"good.csv --emails bad_email.csv", "bad_email.csv:3: column 3 'event'"},
      {"good.csv --nps missing_nps.csv", "missing_nps.csv: cannot open the file (no such file)"},
      {"good.csv --funnel funnel_opens.csv",
       "funnel_opens.csv:2: column 4 'opens' is larger than its whole (must not exceed delivered): '980'"},
      {"good.csv --funnel funnel_text.csv", "funnel_text.csv:2: column 4 'opens' is not a whole number: 'x'"},
      {"good.csv --funnel funnel_columns.csv", "funnel_columns.csv:1: 'clicks' is not a column of the header"},
      {"good.csv --funnel funnel_past.csv",
       "funnel_past.csv: sent overflows the number type (its sum over the campaigns passes 2^63 - 1)"},
      {"good.csv --funnel funnel_revenue.csv",
       "funnel_revenue.csv: revenue overflows the number type (its sum over the campaigns is too large)"},
      {"good.csv --funnel missing_funnel.csv", "missing_funnel.csv: cannot open the file (no such file)"},
      {"good.csv --funnel funnel_opens.csv --emails bad_email.csv", "--emails and --funnel are two forms"},
      {"good.csv --calibration-end 2023-12-31",
       "--calibration-end 2023-12-31 is outside the data of good.csv (2024-01-05 .. 2024-03-01)"},
      {"good.csv --calibration-end 2024-03-02",
       "--calibration-end 2024-03-02 is outside the data of good.csv (2024-01-05 .. 2024-03-01)"},
      {"good.csv --calibration-end 2024-02-30", "--calibration-end '2024-02-30' is not a date"},
  };
  for (const bad_case& c : cases) {
    INFO(c.args);
    const run_result x = run(c.args, "NO_COLOR=1", "bad");
    CHECK(x.code == 2);
    CHECK(x.err.find(std::string("crm-report: ") + c.message) != std::string::npos);
    CHECK(x.out.empty());  // never a partial report presented as complete
  }
}

TEST_CASE("crm-report: --skip-bad-rows counts the rejected rows, shows the first ones and marks the report partial",
          "[report]") {
  const fs::path d = work_dir() / "skip";
  fs::create_directories(d);
  write(d / "mixed.csv",
        "customer_id,date,amount\n1,2024-01-05,10.00\n2,2024-02-05,12x\n3,2024-02-07,5\n4,2024-22-07,5\n1,2024-03-01,8\n");
  write(d / "nps.csv", "respondent,score\n1,9\n2,11\n3,10\n");
  const run_result r = run("skip/mixed.csv --nps skip/nps.csv --skip-bad-rows --json skip/out.json --html skip/out.html");
  REQUIRE(r.code == 0);
  CHECK(r.err.find("skip/mixed.csv: 2 of 5 rows rejected (--skip-bad-rows); the report is partial") != std::string::npos);
  CHECK(r.err.find("skip/mixed.csv:3: column 3 'amount' is not a number: '12x'") != std::string::npos);
  CHECK(r.err.find("skip/mixed.csv:5: column 2 'date' has a month outside 1..12: '2024-22-07'") != std::string::npos);
  CHECK(r.err.find("skip/nps.csv: 1 of 3 rows rejected") != std::string::npos);
  CHECK(r.out.find("PARTIAL REPORT") != std::string::npos);
  const json j = json::parse(slurp(work_dir() / "skip/out.json"));
  CHECK(j["partial"] == true);
  CHECK(j["inputs"][0]["rows"] == 5);
  CHECK(j["inputs"][0]["used"] == 3);
  CHECK(j["inputs"][0]["rejected"] == 2);
  CHECK(j["inputs"][1]["rejected"] == 1);
  CHECK(j["headline"]["orders"] == 3);
  CHECK(j["nps"]["promoters"] == 2);
  CHECK(slurp(work_dir() / "skip/out.html").find("id=\"partial\"") != std::string::npos);
  // Without the flag the same file stops at its first bad row.
  const run_result stop = run("skip/mixed.csv");
  CHECK(stop.code == 2);
  CHECK(stop.err == "crm-report: skip/mixed.csv:3: column 3 'amount' is not a number: '12x'\n");
}

TEST_CASE("crm-report: --help explains every option with examples, --version, bad options, unwritable output", "[report]") {
  const run_result help = run("--help");
  CHECK(help.code == 0);
  for (const char* opt : {"--emails", "--nps", "--costs", "--customer-column", "--date-column", "--amount-column",
                          "--delimiter", "--date-format", "--header", "--no-header", "--calibration-end", "--period",
                          "--model", "--currency", "--top", "--level", "--skip-bad-rows", "--html", "--json", "--color",
                          "--version", "Examples:", "Exit codes:", "NO_COLOR"}) {
    INFO(opt);
    CHECK(help.out.find(opt) != std::string::npos);
  }
  const run_result version = run("--version");
  CHECK(version.code == 0);
  CHECK(version.out == "crm-report " + std::to_string(CRM_METRICS_VERSION_MAJOR) + "." +
                           std::to_string(CRM_METRICS_VERSION_MINOR) + "." + std::to_string(CRM_METRICS_VERSION_PATCH) +
                           " (crm-metrics)\n");
  const run_result bad_option = run("--period year");
  CHECK(bad_option.code == 64);
  CHECK(bad_option.err.find("--period: year not in {week,month,quarter}") != std::string::npos);
  CHECK(run("--no-such-option").code == 64);
  const run_result unwritable = run("--json no/such/dir/out.json");
  CHECK(unwritable.code == 3);
  CHECK(unwritable.err.find("cannot write the JSON file 'no/such/dir/out.json'") != std::string::npos);
  // Standard output that cannot take the report (a full device) is exit code 3 too, not an internal
  // error; no JSON is written after it.
  const run_result full = run_command("(NO_COLOR=1 '" CRM_REPORT_EXE "' --json full.json > /dev/full; echo \"rc=$?\" >&2)");
  CHECK(full.err.find("crm-report: cannot write the report to standard output: No space left on device") != std::string::npos);
  CHECK(full.err.find("rc=3") != std::string::npos);
  CHECK_FALSE(fs::exists(work_dir() / "full.json"));
}

TEST_CASE("crm-report: an unexpected failure is exit code 1, 'internal error', nothing on standard output", "[report]") {
  // crm-report-fault is crm-report built with CRM_REPORT_FAULT_INJECTION: CRM_REPORT_FAULT=internal
  // throws a std::logic_error after the input is read (docs/report.md: exit code 1).
  const run_result x = run_command("NO_COLOR=1 CRM_REPORT_FAULT=internal '" CRM_REPORT_FAULT_EXE "'");
  CHECK(x.code == 1);
  CHECK(x.err == "crm-report: internal error: injected fault (CRM_REPORT_FAULT=internal)\n");
  CHECK(x.out.empty());
  // Without the variable the same build reports as crm-report does.
  const run_result ok = run_command("NO_COLOR=1 '" CRM_REPORT_FAULT_EXE "'");
  CHECK(ok.code == 0);
  CHECK(ok.out == run("").out);
}

TEST_CASE("crm-report: money of 2^63 and more prints in full, its digits grouped (no integer conversion)", "[report]") {
  // One order of 1e19 (above INT64_MAX): the text was "$ --9 223 372 036 854 775 808.00" (a cast to int64).
  const fs::path d = test_dir("huge");
  write(d / "orders.csv", "customer_id,date,amount\n1,2024-01-05,1e19\n2,2024-02-05,12.50\n1,2024-03-01,8\n3,2024-03-10,4\n"
                          "2,2024-04-02,7\n");
  const run_result r = run("huge/orders.csv --json huge/out.json --html huge/out.html");
  REQUIRE(r.code == 0);
  const json j = json::parse(slurp(d / "out.json"));
  CHECK(j["headline"]["revenue"].get<double>() == 1e19);
  const std::string ten = "$ 10 000 000 000 000 000 000.00";
  const std::regex revenue_line("\n  revenue \\(net\\) +\\$ 10 000 000 000 000 000 000\\.00 *\n");
  CHECK(std::regex_search(r.out, revenue_line));
  const std::regex period_line("\n  2024-01 .*  \\$ 10 000 000 000 000 000 000\\.00\n");
  CHECK(std::regex_search(r.out, period_line));
  CHECK(r.out.find("9 223 372 036 854 775 808") == std::string::npos);
  const std::string html = slurp(d / "out.html");
  CHECK(html.find("data-json=\"/headline/revenue\" data-value=\"1e+19\">" + ten + "</td>") != std::string::npos);
  CHECK(html.find("data-json=\"/periods/0/revenue\" data-value=\"1e+19\">" + ten + "</td>") != std::string::npos);
}

// docs/report.md: an NPS whose answers are all of one kind has no interval (the normal interval's
// standard error is 0: it was [100.0, 100.0] for a single promoter), with the reason among the notes.
TEST_CASE("crm-report: an NPS of one kind of answer has its value and no bounds, with a note", "[report]") {
  const fs::path d = test_dir("nps_one_kind");
  write(d / "orders.csv", "customer_id,date,amount\n1,2024-01-05,10\n2,2024-01-09,5\n");
  write(d / "one.csv", "respondent,score\n1,10\n");
  write(d / "mixed.csv", "respondent,score\n1,10\n2,3\n3,8\n");
  const run_result r = run("nps_one_kind/orders.csv --nps nps_one_kind/one.csv --json nps_one_kind/out.json --html nps_one_kind/out.html");
  REQUIRE(r.code == 0);
  const json j = json::parse(slurp(d / "out.json"));
  CHECK(j["nps"]["score"]["value"].get<double>() == 100.0);
  CHECK(j["nps"]["score"]["lower"].is_null());
  CHECK(j["nps"]["score"]["upper"].is_null());
  bool noted = false;
  for (const auto& n : j["notes"]) noted = noted || n.get<std::string>().find("NPS: no interval: every answer is of one kind") == 0;
  CHECK(noted);
  CHECK(std::regex_search(r.out, std::regex("\n  1 +0 +0 +100\\.0 +-\n")));
  const std::string html = slurp(d / "out.html");
  CHECK(html.find("data-json=\"/nps/score/value\" data-value=\"100\">100.0</td><td>–</td><td>–</td>") != std::string::npos);
  // two kinds or more: the interval as before
  const run_result m = run("nps_one_kind/orders.csv --nps nps_one_kind/mixed.csv --json nps_one_kind/mixed.json");
  REQUIRE(m.code == 0);
  const json k = json::parse(slurp(d / "mixed.json"));
  CHECK(k["nps"]["score"]["lower"].is_number());
  CHECK(k["nps"]["score"]["upper"].is_number());
}

// docs/report.md: the t intervals of the average check and of the purchase frequency are clipped at
// the least value the figure can take (0 and 1). Customers of 1 and 2 orders: mean 1.5, sd sqrt(0.5),
// t(0.975, 1) = 12.706204736174698 (scipy.stats.t.ppf(0.975, 1)), so [-4.853, 7.853] unclipped; the
// orders 1, 100 and 2 give an average check interval from below 0.
TEST_CASE("crm-report: mean intervals are clipped at the least value the figure can take", "[report]") {
  const fs::path d = test_dir("clipped");
  write(d / "orders.csv", "customer_id,date,amount\n1,2024-01-05,1\n2,2024-01-09,100\n2,2024-02-01,2\n");
  const run_result r = run("clipped/orders.csv --json clipped/out.json");
  REQUIRE(r.code == 0);
  const json j = json::parse(slurp(d / "out.json"));
  CHECK(j["headline"]["purchase_frequency"]["value"].get<double>() == 1.5);
  CHECK(j["headline"]["purchase_frequency"]["lower"].get<double>() == 1.0);
  CHECK(j["headline"]["purchase_frequency"]["upper"].get<double>() == Approx(1.5 + 12.706204736174698 / 2).epsilon(1e-12));
  CHECK(j["headline"]["average_check"]["lower"].get<double>() == 0.0);
  CHECK(j["headline"]["average_check"]["upper"].get<double>() > 100.0);
}

TEST_CASE("crm-report: a value that rounds to zero prints without a sign (no -0.0), on the terminal and the page", "[report]") {
  const fs::path d = test_dir("zero_sign");
  // 1000 promoters and 1001 detractors: NPS -0.05 points, "-0.0" at one decimal before.
  std::string nps = "respondent,score\n";
  for (int i = 0; i < 2001; ++i) nps += std::to_string(i) + "," + (i < 1000 ? "10" : "0") + "\n";
  write(d / "nps.csv", nps);
  // February has only a return of a tenth of a cent: its revenue rounds to zero ("-$ 0.00" before).
  write(d / "orders.csv", "customer_id,date,amount\n1,2024-01-05,10\n2,2024-01-09,5\n1,2024-02-05,-0.001\n2,2024-03-01,8\n");
  const run_result r = run("zero_sign/orders.csv --nps zero_sign/nps.csv --json zero_sign/out.json --html zero_sign/out.html");
  REQUIRE(r.code == 0);
  const json j = json::parse(slurp(d / "out.json"));
  CHECK(j["nps"]["score"]["value"].get<double>() < 0);  // the JSON keeps the number itself
  CHECK(j["periods"][1]["revenue"].get<double>() == -0.001);
  CHECK(std::regex_search(r.out, std::regex("\n  1 000 +0 +1 001 +0\\.0 +\\[-4\\.4, 4\\.3\\]\n")));
  CHECK(std::regex_search(r.out, std::regex("\n  2024-02 .*  0\\.0% +\\$ 0\\.00\n")));  // growth 0: no "+"
  CHECK(r.out.find("-0.0") == std::string::npos);
  CHECK(r.out.find("-$ 0.00") == std::string::npos);
  const std::string html = slurp(d / "out.html");
  CHECK(std::regex_search(html, std::regex("data-json=\"/nps/score/value\" data-value=\"-0\\.0[0-9]*\">0\\.0</td>")));
  CHECK(html.find("data-json=\"/periods/1/revenue\" data-value=\"-0.001\">$ 0.00</td>") != std::string::npos);
  CHECK(html.find(">-0.0") == std::string::npos);
}

TEST_CASE("crm-report: a rate or an interval that cannot be computed is null with its reason, never zeros", "[report]") {
  const fs::path d = test_dir("not_applicable");
  write(d / "orders.csv", three_orders);
  // Delivered to two recipients, opened by nobody: click-to-open has no base (0 of 0 was 0 % [0 %, 0 %]).
  write(d / "events.csv", "recipient,campaign,event,time\n1,1,sent,2024-01-01\n2,1,sent,2024-01-01\n"
                          "1,1,delivered,2024-01-01\n2,1,delivered,2024-01-01\n");
  const run_result r = run("not_applicable/orders.csv --emails not_applicable/events.csv --json not_applicable/e.json "
                           "--html not_applicable/e.html");
  REQUIRE(r.code == 0);
  const json j = json::parse(slurp(d / "e.json"));
  CHECK(j["email"]["click_to_open_rate"].is_null());
  CHECK(j["email"]["open_rate"]["value"] == 0);
  CHECK(j["email"]["open_rate"]["upper"].get<double>() > 0);  // 0 of 2 opened: a real interval
  const std::string why = "click-to-open rate: not applicable: crm::click_to_open_rate: unique_opens is zero (zero denominator)";
  CHECK(std::find(j["notes"].begin(), j["notes"].end(), why) != j["notes"].end());
  CHECK(r.out.find("note: " + why + "\n") != std::string::npos);
  CHECK(std::regex_search(r.out, std::regex("\n  click-to-open +- +-\n")));
  const std::string html = slurp(d / "e.html");
  CHECK(html.find("<tr><td>click-to-open rate</td><td>–</td><td>–</td><td>–</td></tr>") != std::string::npos);
  CHECK(html.find("Note: " + why) != std::string::npos);

  // One customer with one order: no t interval for the average check or the purchase frequency
  // (it was [0.00, 0.00] around 1.00, and the average check's point repeated as its bounds).
  write(d / "one.csv", "customer_id,date,amount\n1,2024-01-05,10\n");
  const run_result one = run("not_applicable/one.csv --json not_applicable/one.json --html not_applicable/one.html");
  REQUIRE(one.code == 0);
  const json h = json::parse(slurp(d / "one.json"))["headline"];
  CHECK(h["average_check"] == json({{"value", 10.0}, {"lower", nullptr}, {"upper", nullptr}}));
  CHECK(h["purchase_frequency"] == json({{"value", 1.0}, {"lower", nullptr}, {"upper", nullptr}}));
  CHECK(one.out.find("note: purchase frequency: no interval: crm::mean_interval: count is empty (needs at least 2 values)\n") !=
        std::string::npos);
  CHECK(one.out.find("note: average check: no interval: crm::mean_interval") != std::string::npos);
  CHECK(std::regex_search(one.out, std::regex("\n  average check +\\$ 10\\.00 +-\n")));
  CHECK(std::regex_search(one.out, std::regex("\n  purchase frequency +1\\.00 orders/customer +-\n")));
  const std::string page = slurp(d / "one.html");
  CHECK(page.find("data-json=\"/headline/purchase_frequency/value\" data-value=\"1\">1.00</td><td>–</td><td>–</td>") !=
        std::string::npos);
  CHECK(page.find("data-json=\"/headline/purchase_frequency/lower\"") == std::string::npos);
}

TEST_CASE("crm-report: funnel rows are checked by crm::email_campaign::ok(), clicks above opens and no opens are valid",
          "[report]") {
  const fs::path d = test_dir("funnel_ok");
  write(d / "orders.csv", three_orders);
  const std::string head = "campaign,sent,delivered,opens,clicks,conversions,hard_bounces,soft_bounces,spam_complaints,unsubscribed\n";
  struct refused {
    const char* file;
    const char* row;
    crm::email_campaign<double> campaign;  // the same counts, for the library's verdict
    const char* message;
  };
  // Every relation of ok(). The bounces and the spam complaints were accepted before: only ok() checks
  // them of the metrics the report shows.
  const refused cases[] = {
      {"bounces.csv", "spring,1000,960,300,40,10,500,500,5000,0",
       {.sent = 1000, .delivered = 960, .unique_opens = 300, .unique_clicks = 40, .conversions = 10, .spam_complaints = 5000,
        .hard_bounces = 500, .soft_bounces = 500},
       "bounces.csv:2: column 7 'hard_bounces' is larger than its whole (delivered + hard_bounces + soft_bounces must not "
       "exceed sent): '500'"},
      {"soft.csv", "spring,1000,960,300,40,10,30,20,0,0",
       {.sent = 1000, .delivered = 960, .unique_opens = 300, .unique_clicks = 40, .conversions = 10, .hard_bounces = 30,
        .soft_bounces = 20},
       "soft.csv:2: column 8 'soft_bounces' is larger than its whole (delivered + hard_bounces + soft_bounces must not "
       "exceed sent): '20'"},
      {"spam.csv", "spring,1000,960,300,40,10,0,0,961,0",
       {.sent = 1000, .delivered = 960, .unique_opens = 300, .unique_clicks = 40, .conversions = 10, .spam_complaints = 961},
       "spam.csv:2: column 9 'spam_complaints' is larger than its whole (must not exceed delivered): '961'"},
      {"delivered.csv", "spring,1000,1001,300,40,10,0,0,0,0",
       {.sent = 1000, .delivered = 1001, .unique_opens = 300, .unique_clicks = 40, .conversions = 10},
       "delivered.csv:2: column 3 'delivered' is larger than its whole (must not exceed sent): '1001'"},
      {"clicks.csv", "spring,1000,960,300,961,10,0,0,0,0",
       {.sent = 1000, .delivered = 960, .unique_opens = 300, .unique_clicks = 961, .conversions = 10},
       "clicks.csv:2: column 5 'clicks' is larger than its whole (must not exceed delivered): '961'"},
      {"conversions.csv", "spring,1000,960,300,40,1001,0,0,0,0",
       {.sent = 1000, .delivered = 960, .unique_opens = 300, .unique_clicks = 40, .conversions = 1001},
       "conversions.csv:2: column 6 'conversions' is larger than its whole (must not exceed sent): '1001'"},
      {"unsubscribed.csv", "spring,1000,960,300,40,10,0,0,0,961",
       {.sent = 1000, .delivered = 960, .unique_opens = 300, .unique_clicks = 40, .conversions = 10, .unsubscribed = 961},
       "unsubscribed.csv:2: column 10 'unsubscribed' is larger than its whole (must not exceed delivered): '961'"},
  };
  for (const refused& c : cases) {
    INFO(c.file);
    CHECK_FALSE(c.campaign.ok());
    write(d / c.file, head + c.row + "\n");
    const run_result x = run(std::string("funnel_ok/orders.csv --funnel funnel_ok/") + c.file);
    CHECK(x.code == 2);
    CHECK(x.err == std::string("crm-report: funnel_ok/") + c.message + "\n");
    CHECK(x.out.empty());
  }

  // Valid by ok(): a campaign nobody opened (it stopped the report with exit code 2), and one with
  // clicks above opens (clicks without a tracked open; refused before). Click-to-open is then null.
  const crm::email_campaign<double> no_opens{.sent = 1000, .delivered = 960};
  const crm::email_campaign<double> clicks{.sent = 1000, .delivered = 960, .unique_opens = 300, .unique_clicks = 310, .conversions = 10};
  CHECK(no_opens.ok());
  CHECK(clicks.ok());
  write(d / "no_opens.csv", head + "spring,1000,960,0,0,0,0,0,0,0\n");
  write(d / "clicks_above_opens.csv", head + "spring,1000,960,300,310,10,0,0,0,0\n");
  const run_result a = run("funnel_ok/orders.csv --funnel funnel_ok/no_opens.csv --json funnel_ok/no_opens.json");
  REQUIRE(a.code == 0);
  const json ja = json::parse(slurp(d / "no_opens.json"));
  CHECK(ja["email"]["click_to_open_rate"].is_null());
  CHECK(ja["email"]["open_rate"]["value"] == 0);
  CHECK(a.out.find("note: click-to-open rate: not applicable: crm::click_to_open_rate: unique_opens is zero (zero denominator)") !=
        std::string::npos);
  const run_result b = run("funnel_ok/orders.csv --funnel funnel_ok/clicks_above_opens.csv --json funnel_ok/clicks.json");
  REQUIRE(b.code == 0);
  const json jb = json::parse(slurp(d / "clicks.json"));
  CHECK(jb["inputs"][1]["role"] == "funnel");
  CHECK(jb["inputs"][1]["used"] == 1);
  CHECK(jb["email"]["unique_clicks"] == 310);
  CHECK(jb["email"]["click_to_open_rate"].is_null());
  CHECK(jb["email"]["click_through_rate"]["value"].get<double>() == crm::click_through_rate(clicks).value());
  CHECK(b.out.find("note: click-to-open rate: not applicable: crm::click_to_open_rate: unique_clicks is larger than its whole "
                   "(must not exceed unique_opens)") != std::string::npos);
  CHECK(std::regex_search(b.out, std::regex("\n  click-to-open +- +-\n")));
}

TEST_CASE("crm-report: funnel totals up to 2^63 - 1 are reported in full", "[report]") {
  // One more is bad input (the bad-input cases: funnel_past.csv); two campaigns of 9e18 sent printed
  // "sent -446 744 073 709 551 616" and 0.0 % (signed overflow) with exit code 0.
  const fs::path d = test_dir("funnel_sum");
  write(d / "orders.csv", three_orders);
  write(d / "max.csv", "campaign,sent,delivered,opens,clicks,conversions\na,4611686018427387904,4611686018427387904,1,1,1\n"
                       "b,4611686018427387903,4611686018427387903,1,1,1\n");
  const run_result max = run("funnel_sum/orders.csv --funnel funnel_sum/max.csv --json funnel_sum/max.json");
  REQUIRE(max.code == 0);
  const json e = json::parse(slurp(d / "max.json"))["email"];
  CHECK(e["sent"] == std::numeric_limits<std::int64_t>::max());
  CHECK(e["delivered"] == std::numeric_limits<std::int64_t>::max());
  CHECK(std::regex_search(max.out, std::regex("\n  sent +9 223 372 036 854 775 807 *\n")));
}

TEST_CASE("crm-report: a column option that is not a position, for a file without a header, is a usage error (exit code 64)",
          "[report]") {
  // --date-column abc on a file without a header threw std::stoul's exception: "internal error: stoul", exit code 1.
  const fs::path d = test_dir("positions");
  write(d / "plain.csv", "1,2024-01-05,10.00\n2,2024-02-05,12.50\n1,2024-03-01,8\n");
  for (const char* args : {"--date-column abc", "--customer-column abc", "--amount-column 0", "--date-column 2x",
                           "--no-header --date-column date", "--date-column 99999999999999999999999"}) {
    INFO(args);
    const run_result x = run(std::string("positions/plain.csv ") + args);
    CHECK(x.code == 64);
    CHECK(x.err.find(" is not a column position, and positions/plain.csv has no header line to find it in") != std::string::npos);
    CHECK(x.out.empty());
  }
  const run_result abc = run("positions/plain.csv --date-column abc");
  CHECK(abc.err == "crm-report: --date-column 'abc' is not a column position, and positions/plain.csv has no header line to "
                   "find it in: number the columns from 1 (e.g. --date-column 2), or give --header when the first line names them\n");
  const run_result ok = run("positions/plain.csv --customer-column 1 --date-column 2 --amount-column 3 --json positions/ok.json");
  CHECK(ok.code == 0);
  CHECK(json::parse(slurp(d / "ok.json"))["headline"]["orders"] == 3);
}

// A ROMI whose percent is beyond a double (about 1e307: 10.00 of January's revenue over 1e-306 of
// spend) printed "inf%"; the reference is the same fraction times 100 in long double (exact: a 53-bit
// significand times 100 fits in 64 bits), printed by snprintf.
TEST_CASE("crm-report: a ROMI whose percent is beyond a double prints its digits, not inf", "[report]") {
  const fs::path d = test_dir("huge_romi");
  write(d / "orders.csv", three_orders);
  write(d / "costs.csv", "date,amount\n2024-01-01,1e-306\n");
  const run_result r = run("huge_romi/orders.csv --costs huge_romi/costs.csv --json huge_romi/out.json --html huge_romi/out.html");
  REQUIRE(r.code == 0);
  const json j = json::parse(slurp(d / "out.json"));
  REQUIRE(j["costs"]["romi"].is_number());
  const double romi = j["costs"]["romi"].get<double>();
  REQUIRE(std::isinf(romi * 100.0));
  std::vector<char> buf(400);
  std::snprintf(buf.data(), buf.size(), "%.1Lf%%", static_cast<long double>(romi) * 100);
  const std::string want = buf.data();
  CHECK(r.out.find("ROMI") != std::string::npos);
  CHECK(r.out.find(want) != std::string::npos);
  CHECK(r.out.find("inf%") == std::string::npos);
  CHECK(slurp(d / "out.html").find(">" + want + "</td>") != std::string::npos);
}

TEST_CASE("crm-report: a cost quotient beyond double (ROMI, LTV:CAC of a spend of 1e-307) is null with a note, not an internal error",
          "[report][data]") {
  // crm::romi(...).value() threw: "internal error: crm::romi: result overflows the number type", exit code 1.
  const fs::path d = test_dir("tiny_cost");
  write(d / "orders.csv", three_orders);
  write(d / "costs.csv", "date,amount\n2024-01-01,1e-307\n");
  const run_result r = run("tiny_cost/orders.csv --costs tiny_cost/costs.csv --json tiny_cost/out.json --html tiny_cost/out.html");
  REQUIRE(r.code == 0);
  const std::string romi =
      "ROMI: not available: crm::romi: result overflows the number type (revenue is too large for so small a marketing_cost)";
  const json c = json::parse(slurp(d / "out.json"));
  CHECK(c["costs"]["romi"].is_null());
  CHECK(c["costs"]["cac"].get<double>() == 1e-307);  // 1e-307 of spend over 1 new customer
  CHECK(std::find(c["notes"].begin(), c["notes"].end(), romi) != c["notes"].end());
  CHECK(r.out.find("note: " + romi + "\n") != std::string::npos);
  CHECK(slurp(d / "out.html").find("Note: " + romi) != std::string::npos);

  // LTV:CAC needs a forecast: the CDNOW sample, with the same spend in January 1997.
  const fs::path file = crm_test::data_file("cdnow/CDNOW_sample.txt");
  CRM_REQUIRE_DATA(file);
  write(d / "costs1997.csv", "date,amount\n1997-01-15,1e-307\n");
  const run_result s = run("'" + file.string() + "' --customer-column 1 --date-column 3 --amount-column 5 --costs tiny_cost/costs1997.csv "
                           "--json tiny_cost/cdnow.json");
  REQUIRE(s.code == 0);
  const json j = json::parse(slurp(d / "cdnow.json"));
  CHECK(j["costs"]["ltv"].get<double>() > 0);
  CHECK(j["costs"]["ltv_to_cac"].is_null());
  CHECK(j["costs"]["romi"].is_null());
  CHECK(s.out.find("note: LTV:CAC: not available: crm::ltv_to_cac: result overflows the number type (lifetime_value is too "
                   "large for so small an acquisition_cost)\n") != std::string::npos);
}

TEST_CASE("crm-report: without a header the date is the first column holding a date, and a first row without one stops", "[report]") {
  // CDNOW_sample.txt (no header: original id, sample id 0001, yyyymmdd, CDs, dollars) read with no
  // option gives what the columns named by position give: the date from column 3, not the sample id
  // of column 2 (read as epoch second 1 before, every order on 1970-01-01, exit code 0).
  const fs::path file = crm_test::data_file("cdnow/CDNOW_sample.txt");
  CRM_REQUIRE_DATA(file);
  const fs::path d = test_dir("date_column");
  const run_result guessed = run("'" + file.string() + "' --json date_column/guessed.json");
  const run_result named = run("'" + file.string() + "' --customer-column 1 --date-column 3 --amount-column 5 --json date_column/named.json");
  REQUIRE(guessed.code == 0);
  REQUIRE(named.code == 0);
  const json g = json::parse(slurp(d / "guessed.json")), n = json::parse(slurp(d / "named.json"));
  CHECK(g == n);  // every figure, the forecast's too
  CHECK(g["headline"]["customers"] == 2357);
  CHECK(guessed.out.rfind("crm-report 0.1.0 — 1997-01-01 to 1998-06-30", 0) == 0);
  // Epoch seconds (10 digits) and ISO dates after an order number are found too.
  write(d / "epoch.txt", "7 0001 1704067200 19.99\n8 0002 1706745600 5.00\n7 0003 1709251200 3.50\n");
  const run_result e = run("date_column/epoch.txt --json date_column/epoch.json");
  REQUIRE(e.code == 0);
  CHECK(e.out.rfind("crm-report 0.1.0 — 2024-01-01 to 2024-03-01", 0) == 0);
  // No column of the first row holds a date: stop, naming the file, the column tried and its value.
  write(d / "no_date.txt", "7 0001 2 19.99\n8 0002 1 5.00\n");
  const run_result x = run("date_column/no_date.txt");
  CHECK(x.code == 2);
  CHECK(x.err.find("date_column/no_date.txt: the first data row's column 2 '2' holds '0001', no date or time the reader knows "
                   "(2024-03-31, 2024-03-31T12:00:00Z, 20240331, epoch seconds of 9 or 10 digits, 31.03.2024, 31/03/2024 or "
                   "03/31/2024): name the date's column with --date-column, or its format with --date-format") != std::string::npos);
  // A named date column whose first value is no date (2024/03/31) stops the same way.
  write(d / "slash_iso.csv", "customer_id,date,amount\n1,2024/03/31,5\n");
  const run_result u = run("date_column/slash_iso.csv");
  CHECK(u.code == 2);
  CHECK(u.err.find("date_column/slash_iso.csv: the first data row's column 2 'date' holds '2024/03/31'") != std::string::npos);
  // 03/31/2024 was no date before month_day_year; now it is the US order (31 > 12)
  write(d / "us_date.csv", "customer_id,date,amount\n1,03/31/2024,5\n2,04/02/2024,7\n");
  const run_result us = run("date_column/us_date.csv");
  CHECK(us.code == 0);
  CHECK(us.out.rfind("crm-report 0.1.0 — 2024-03-31 to 2024-04-02", 0) == 0);
  // --date-format still decides when given (epoch second 1 is what was asked for).
  CHECK(run("date_column/no_date.txt --date-column 2 --date-format epoch").code == 0);
}

TEST_CASE("crm-report: the date detection takes only what the reader reads", "[report]") {
  const fs::path d = test_dir("detect_as_read");
  // No header: a 10-digit order number before the date. 8000000001 as epoch seconds is 2223-07-06
  // (python3: datetime.datetime.fromtimestamp(8000000001, datetime.timezone.utc)), past the reader's
  // 2199-12-31: the detection took column 2 for epoch seconds (9 or 10 digits) and the reader then
  // refused every row ("is outside the accepted date range", exit code 2). The date is column 3.
  write(d / "order_numbers.txt", "7 8000000001 2024-01-05 19.99\n8 8000000002 2024-02-05 5.00\n7 8000000003 2024-03-01 3.50\n");
  const run_result n = run("detect_as_read/order_numbers.txt");
  INFO(n.err);
  CHECK(n.code == 0);
  CHECK(n.out.rfind("crm-report 0.1.0 — 2024-01-05 to 2024-03-01", 0) == 0);
  // A named column of epoch seconds past the range: the detection says so, as for any value that is no date.
  write(d / "late_epoch.csv", "customer_id,date,amount\n1,7258118400,5\n");  // 2200-01-01T00:00:00Z
  const run_result late = run("detect_as_read/late_epoch.csv");
  CHECK(late.code == 2);
  CHECK(late.err.find("detect_as_read/late_epoch.csv: the first data row's column 2 'date' holds '7258118400', no date or time "
                      "the reader knows") != std::string::npos);
  // The last second of 2199-12-31 is read: 7258118399 = 2199-12-31T23:59:59Z (python3, as above).
  write(d / "last_epoch.csv", "customer_id,date,amount\n1,7258118399,5\n2,7258118399,6\n");
  CHECK(run("detect_as_read/last_epoch.csv").out.rfind("crm-report 0.1.0 — 2199-12-31 to 2199-12-31", 0) == 0);
  // An ISO date followed by what no ISO date-time is: no date, as the reader says.
  write(d / "bad_time.csv", "customer_id,date,amount\n1,2024-03-31T25:00,5\n");
  const run_result t = run("detect_as_read/bad_time.csv");
  CHECK(t.code == 2);
  CHECK(t.err.find("holds '2024-03-31T25:00', no date or time the reader knows") != std::string::npos);
  // A date option is read as a file's date is: 2024-3-5 is no ISO date in a file, nor in --calibration-end.
  write(d / "orders.csv", "customer_id,date,amount\n1,2024-01-05,10\n2,2024-02-05,12.5\n1,2024-03-01,8\n");
  const run_result o = run("detect_as_read/orders.csv --calibration-end 2024-2-5");
  CHECK(o.code == 2);
  CHECK(o.err.find("--calibration-end '2024-2-5' is not a date (write it as 2024-03-31)") != std::string::npos);
  CHECK(run("detect_as_read/orders.csv --calibration-end 20240205").code == 0);
}

TEST_CASE("crm-report: inputs[].role is orders, email, funnel, nps or costs, as docs/report.md lists", "[report]") {
  const fs::path d = test_dir("roles");
  write(d / "orders.csv", three_orders);
  write(d / "events.csv", "recipient,campaign,event,time\n1,1,sent,2024-01-01\n1,1,open,2024-01-02\n");
  write(d / "funnel.csv", "campaign,sent,delivered,opens,clicks,conversions\nspring,1000,960,240,48,12\n");
  write(d / "nps.csv", "respondent,score\n1,9\n2,3\n");
  write(d / "costs.csv", "date,amount\n2024-01-01,100\n");
  const auto roles = [&](const std::string& args) {
    const run_result r = run("roles/orders.csv " + args + " --json roles/out.json");
    REQUIRE(r.code == 0);
    const json j = json::parse(slurp(d / "out.json"));
    std::vector<std::string> out;
    for (const json& f : j["inputs"]) out.push_back(f["role"]);
    return out;
  };
  CHECK(roles("--emails roles/events.csv --nps roles/nps.csv --costs roles/costs.csv") ==
        std::vector<std::string>{"orders", "email", "nps", "costs"});
  CHECK(roles("--funnel roles/funnel.csv") == std::vector<std::string>{"orders", "funnel"});
}

TEST_CASE("crm-report: a Russian-style export (columns Клиент, Дата, Сумма, dates 31.03.2024, amounts 1234,56) gives the figures of the same orders in ISO form",
          "[report]") {
  // Five orders (the layout test's, the first on the 15th so that a slash date's order shows), in
  // ISO form and in the forms of 1C, Bitrix24 and amoCRM exports (';', day.month.year, decimal
  // comma, Russian column names) and of US ones; every form must give the ISO file's figures.
  // Hand-checked: 3 customers, 5 orders, revenue 10 + 12.5 + 8 + 20.25 + 5.5 = 56.25.
  const fs::path d = test_dir("regional");
  struct order_row {
    const char *customer, *iso, *dmy, *dmy_time, *mdy, *point, *comma;
  };
  const order_row rows[] = {{"11", "2024-01-15", "15.01.2024", "15.01.2024 0:00:00", "01/15/2024", "10.00", "10,00"},
                            {"12", "2024-02-05", "05.02.2024", "5.2.2024 00:00", "02/05/2024", "12.50", "12,50"},
                            {"11", "2024-03-01", "01.03.2024", "01.03.2024 00:00:00", "03/01/2024", "8", "8"},
                            {"13", "2024-03-02", "02.03.2024", "2.3.2024 0:00", "03/02/2024", "20.25", "20,25"},
                            {"12", "2024-04-30", "30.04.2024", "30.04.2024 00:00", "04/30/2024", "5.5", "5,5"}};
  const auto file = [&](const std::string& header, const std::string& delim, int date, bool comma) {
    std::string t = header.empty() ? "" : header + "\n";
    for (const order_row& r : rows) {
      const char* when = date == 0 ? r.iso : date == 1 ? r.dmy : date == 2 ? r.dmy_time : r.mdy;
      std::string w = when;
      if (date == 4) std::replace(w.begin(), w.end(), '.', '/');  // 15/01/2024: day first, slashes
      t += std::string(r.customer) + delim + w + delim + (comma ? r.comma : r.point) + "\n";
    }
    return t;
  };
  const auto figures = [&](const std::string& name, const std::string& args) {
    const run_result x = run("regional/" + name + " --calibration-end 2024-03-31 --json regional/" + name + ".json " + args);
    INFO(name << " " << args << ":\n" << slurp(d / name) << x.err);
    REQUIRE(x.code == 0);
    const json j = json::parse(slurp(d / (name + ".json")));
    return json{j["headline"], j["periods"], j["cohorts"], j["forecast"], j["forecast_error"], j["first_date"], j["last_date"]};
  };
  write(d / "iso.csv", file("customer_id,date,amount", ",", 0, false));
  const json reference = figures("iso.csv", "");
  CHECK(reference[0]["customers"] == 3);
  CHECK(reference[0]["orders"] == 5);
  CHECK(reference[0]["revenue"].get<double>() == 56.25);
  CHECK(reference[5] == "2024-01-15");

  const std::string ru_columns = "--customer-column Клиент --date-column Дата --amount-column Сумма";
  write(d / "ru.csv", file("Клиент;Дата;Сумма", ";", 1, true));  // UTF-8 column names
  CHECK(figures("ru.csv", ru_columns) == reference);
  CHECK(figures("ru.csv", ru_columns + " --date-format dmy --decimal-comma --delimiter ';'") == reference);
  write(d / "ru_time.csv", "\xEF\xBB\xBF" + file("Клиент;Дата;Сумма", ";", 2, true));  // 1C: a byte-order mark, 0:00:00
  CHECK(figures("ru_time.csv", ru_columns) == reference);
  write(d / "ru_tab.tsv", file("Клиент\tДата\tСумма", "\t", 1, true));
  CHECK(figures("ru_tab.tsv", ru_columns) == reference);
  write(d / "ru_no_header.csv", file("", ";", 1, true));  // date found in column 2, amount the last
  CHECK(figures("ru_no_header.csv", "") == reference);
  write(d / "slash_dmy.csv", file("customer_id;date;amount", ";", 4, true));  // 15/01/2024: 15 > 12, day first
  CHECK(figures("slash_dmy.csv", "") == reference);
  write(d / "us.csv", file("customer_id,date,amount", ",", 3, false));  // 01/15/2024: 15 > 12, month first
  CHECK(figures("us.csv", "") == reference);
  CHECK(figures("us.csv", "--date-format mdy") == reference);

  // A first date that reads either way stops with exit code 2 and asks; --date-format settles it.
  write(d / "ambiguous.csv", "customer_id;date;amount\n11;05/02/2024;10,00\n12;06/03/2024;5\n11;07/04/2024;8\n");
  const run_result a = run("regional/ambiguous.csv");
  CHECK(a.code == 2);
  CHECK(a.out.empty());
  CHECK(a.err == "crm-report: regional/ambiguous.csv: the first data row's column 2 'date' holds '05/02/2024', a date whose "
                 "day and month may be either way round: give --date-format dmy (day first, 31/03/2024) or mdy (month "
                 "first, 03/31/2024)\n");
  REQUIRE(run("regional/ambiguous.csv --date-format dmy --json regional/dmy.json").code == 0);
  REQUIRE(run("regional/ambiguous.csv --date-format mdy --json regional/mdy.json").code == 0);
  const json dmy = json::parse(slurp(d / "dmy.json")), mdy = json::parse(slurp(d / "mdy.json"));
  CHECK(dmy["first_date"] == "2024-02-05");
  CHECK(dmy["last_date"] == "2024-04-07");
  CHECK(mdy["first_date"] == "2024-05-02");
  CHECK(mdy["last_date"] == "2024-07-04");
  CHECK(dmy["headline"]["revenue"].get<double>() == 23.0);  // 10,00 + 5 + 8

  // Bad rows of such a file: the reader's file:line:column message, exit code 2.
  write(d / "bad_point.csv", "Клиент;Дата;Сумма\n11;15.01.2024;10,00\n12;05.02.2024;12.50\n");
  const run_result p = run("regional/bad_point.csv " + ru_columns);
  CHECK(p.code == 2);
  CHECK(p.err == "crm-report: regional/bad_point.csv:3: column 3 'Сумма' has a decimal point '.', but with "
                 "csv_format::decimal_comma the decimal separator is ',' (and thousands separators are not accepted): "
                 "'12.50'\n");
  write(d / "bad_date.csv", "Клиент;Дата;Сумма\n11;15.01.2024;10,00\n12;31.02.2024;12,50\n");
  const run_result b = run("regional/bad_date.csv " + ru_columns);
  CHECK(b.code == 2);
  CHECK(b.err == "crm-report: regional/bad_date.csv:3: column 2 'Дата' is not a calendar date (no such day in that month): "
                 "'31.02.2024'\n");
  write(d / "grouped.csv", "Клиент;Дата;Сумма\n11;15.01.2024;10,00\n12;05.02.2024;1 234,50\n");
  const run_result g = run("regional/grouped.csv " + ru_columns);
  CHECK(g.code == 2);
  CHECK(g.err.find("grouped.csv:3: column 3 'Сумма' has a thousands separator (a space)") != std::string::npos);
  // the first date invalid: no date the reader knows (31.02.2024 is none)
  write(d / "first_bad.csv", "customer_id;date;amount\n11;31.02.2024;10,00\n");
  const run_result f = run("regional/first_bad.csv");
  CHECK(f.code == 2);
  CHECK(f.err.find("holds '31.02.2024', no date or time the reader knows (2024-03-31, 2024-03-31T12:00:00Z, 20240331, "
                   "epoch seconds of 9 or 10 digits, 31.03.2024, 31/03/2024 or 03/31/2024)") != std::string::npos);
  // --decimal-comma with ',' as the delimiter is a bad command line
  const run_result c = run("regional/iso.csv --decimal-comma");
  CHECK(c.code == 64);
  CHECK(c.err.find("--decimal-comma cannot go with ',' as the delimiter of regional/iso.csv") != std::string::npos);
  // in a ',' file a decimal comma is never detected: 12,50 is two fields
  write(d / "comma_delim.csv", "customer_id,date,amount\n11,2024-01-15,10,00\n");
  CHECK(run("regional/comma_delim.csv").code == 2);

  // The other files: costs and funnel amounts with a decimal comma, dates day first; an ambiguous
  // date of theirs takes the orders file's order.
  write(d / "costs.csv", "date;amount\n05/01/2024;100,50\n01/02/2024;49,50\n");  // 5 January, 1 February as ru.csv
  write(d / "costs_iso.csv", "date,amount\n2024-01-05,100.50\n2024-02-01,49.50\n");
  write(d / "funnel.csv", "campaign;sent;delivered;unique_opens;unique_clicks;conversions;revenue;cost\n"
                          "spring;1000;960;240;48;12;450,5;10,25\nsummer;2000;1900;500;90;20;800;0,75\n");
  write(d / "funnel_iso.csv", "campaign,sent,delivered,unique_opens,unique_clicks,conversions,revenue,cost\n"
                              "spring,1000,960,240,48,12,450.5,10.25\nsummer,2000,1900,500,90,20,800,0.75\n");
  REQUIRE(run("regional/ru.csv " + ru_columns + " --costs regional/costs.csv --funnel regional/funnel.csv --json regional/with.json").code == 0);
  REQUIRE(run("regional/iso.csv --costs regional/costs_iso.csv --funnel regional/funnel_iso.csv --json regional/with_iso.json").code == 0);
  const json w = json::parse(slurp(d / "with.json")), wi = json::parse(slurp(d / "with_iso.json"));
  CHECK(w["costs"]["spend"].get<double>() == 150.0);  // 100,50 + 49,50
  CHECK(w["costs"] == wi["costs"]);
  CHECK(w["email"]["revenue"].get<double>() == 1250.5);  // 450,5 + 800
  CHECK(w["email"] == wi["email"]);
  write(d / "events.csv", "recipient;campaign;event;time;revenue\n11;1;conversion;15.01.2024 10:00;19,99\n"
                          "12;1;sent;15.01.2024 09:00;\n11;1;sent;15.01.2024 09:00;\n");
  REQUIRE(run("regional/ru.csv " + ru_columns + " --emails regional/events.csv --json regional/events.json").code == 0);
  CHECK(json::parse(slurp(d / "events.json"))["email"]["revenue"].get<double>() == 19.99);
  // dots are day first: 03.31.2024 is no date
  write(d / "dots_month_first.csv", "customer_id;date;amount\n11;03.31.2024;10,00\n");
  const run_result dm = run("regional/dots_month_first.csv");
  CHECK(dm.code == 2);
  CHECK(dm.err.find("holds '03.31.2024', no date or time the reader knows") != std::string::npos);
  // with ISO orders nothing settles it
  const run_result ca = run("regional/iso.csv --costs regional/costs.csv");
  CHECK(ca.code == 2);
  CHECK(ca.err == "crm-report: regional/costs.csv: the first data row's column 1 'date' holds '05/01/2024', a date whose day "
                  "and month may be either way round, and the orders file's dates do not settle it (they are not "
                  "day-month-year or month-day-year): write this file's dates as 2024-03-31\n");
  write(d / "funnel_point.csv", "campaign;sent;delivered;unique_opens;unique_clicks;conversions;revenue\n"
                                "spring;1000;960;240;48;12;450,5\nsummer;2000;1900;500;90;20;800.5\n");
  const run_result fp = run("regional/iso.csv --funnel regional/funnel_point.csv");
  CHECK(fp.code == 2);
  CHECK(fp.err.find("funnel_point.csv:3: column 7 'revenue' has a '.', but this file's amounts have a decimal comma") !=
        std::string::npos);
}

TEST_CASE("crm-report: text of a file that is not UTF-8 reaches the JSON and the page as U+FFFD, never an internal error",
          "[report]") {
  // A Windows-1251 export (1C): a rejected row's date field holds Cyrillic in single bytes ("март",
  // 0xEC 0xE0 0xF0 0xF2). The rejection is quoted on both pages; the JSON dump refused the bytes and
  // crm-report ended with "internal error", exit code 1 (found by tests/fuzz/report_fuzz.cpp).
  const fs::path d = work_dir() / "cp1251";
  fs::create_directories(d);
  write(d / "orders.csv", std::string(three_orders) + "3,\xEC\xE0\xF0\xF2 2024,5\n");
  const run_result r = run("cp1251/orders.csv --skip-bad-rows --json cp1251/out.json --html cp1251/out.html");
  REQUIRE(r.code == 0);
  const std::string replacement = "\xEF\xBF\xBD";
  const json j = json::parse(slurp(work_dir() / "cp1251/out.json"));
  const std::string rejection = j["inputs"][0]["first_rejections"][0];
  CHECK(rejection.find("column 2 'date'") != std::string::npos);
  CHECK(rejection.find(replacement) != std::string::npos);
  const std::string page = slurp(work_dir() / "cp1251/out.html");
  CHECK(page.find(replacement) != std::string::npos);
  CHECK(page.find('\xEC') == std::string::npos);  // no byte of the file's encoding on the UTF-8 page
}

TEST_CASE("crm-report: valid_utf8 replaces each maximal invalid subpart by one U+FFFD, as Unicode recommends", "[report]") {
  // The Unicode Standard, 3.9 "U+FFFD Substitution of Maximal Subparts" (table 3-8's cases): a
  // truncated sequence is one U+FFFD, a byte that cannot start or continue one is one each.
  using crm_report::valid_utf8;
  const std::string r = "\xEF\xBF\xBD";
  CHECK(valid_utf8("Клиент;Дата") == "Клиент;Дата");
  CHECK(valid_utf8("\xF0\x9F\x98\x80 \xE2\x82\xAC") == "\xF0\x9F\x98\x80 \xE2\x82\xAC");  // 4- and 3-byte characters
  CHECK(valid_utf8("\xEC\xE0\xF0\xF2") == r + r + r + r);                                  // "март" in Windows-1251
  CHECK(valid_utf8("\xE2\x82x") == r + "x");                                               // truncated: one
  CHECK(valid_utf8("\xF0\x9F\x98") == r);
  CHECK(valid_utf8("\xC0\xAF") == r + r);            // overlong: C0 never starts a sequence
  CHECK(valid_utf8("\xED\xA0\x80") == r + r + r);    // a surrogate: ED then A0 is no prefix
  CHECK(valid_utf8("\xF4\x90\x80\x80") == r + r + r + r);  // beyond U+10FFFF
  CHECK(valid_utf8("\x80x") == r + "x");
}

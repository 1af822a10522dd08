// Tests of <crm/statistics/format.hpp>: estimates print as "12.5% [11.8%, 13.2%] 95% CI".
#include "catch.hpp"

#include <crm/statistics.hpp>
#include <crm/statistics/format.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace statistics_format_test {

TEST_CASE("statistics format: a rate estimate prints in percent with its interval and level", "[statistics][format]") {
  // Wilson interval of 81 of 263 (R: 0.25528851987827428, 0.36620957698280016).
  const auto e = crm::proportion_interval({.successes = 81, .trials = 263});
  CHECK(fmt::format("{}", e) == "30.8% [25.53%, 36.62%] 95% CI");
  CHECK(fmt::format("{:.1}", e) == "30.8% [25.5%, 36.6%] 95% CI");
  CHECK(fmt::format("{:.0}", e) == "31% [26%, 37%] 95% CI");
  const crm::rate_estimate<double> built{{0.125}, {0.118}, {0.132}, 0.999};
  CHECK(fmt::format("{}", built) == "12.5% [11.8%, 13.2%] 99.9% CI");
  const crm::rate_estimate<long double> half{{0.5L}, {0.25L}, {0.75L}, 0.5L};
  CHECK(fmt::format("{}", half) == "50% [25%, 75%] 50% CI");
}

TEST_CASE("statistics format: the level's own digits, width and alignment, no negative zero", "[statistics][format]") {
  // (found by an audit) a level of 0.99999 printed "100% CI" and 0.00001 "0% CI"; a width was parsed
  // and ignored; "{:.0}" of a difference near 0 printed "[-0%, 0%]".
  const crm::rate_estimate<double> e{{0.308}, {0.2553}, {0.3662}, 0.99999};
  CHECK(fmt::format("{}", e) == "30.8% [25.53%, 36.62%] 99.999% CI");
  CHECK(fmt::format("{}", crm::rate_estimate<double>{{0.308}, {0.308}, {0.308}, 0.00001}) == "30.8% [30.8%, 30.8%] 0.001% CI");
  CHECK(fmt::format("{}", crm::rate_estimate<float>{{0.308f}, {0.2553f}, {0.3662f}, 0.95f}) == "30.8% [25.53%, 36.62%] 95% CI");
  CHECK(fmt::format("{}", crm::rate_estimate<double>{{0.308}, {0.2553}, {0.3662}, 0.9}) == "30.8% [25.53%, 36.62%] 90% CI");
  // (found by an audit) levels whose 10 decimals of percent (3 for float) round to 100 or 0 printed
  // "100% CI" and "0% CI"; now the fewest more decimals that do not. The digits, by Python:
  //   f"{0.9999999999999:.13f}" -> '0.9999999999999' (.12f -> '1.000000000000');
  //   f"{1 - 2**-53:.16f}" -> '0.9999999999999999' (.15f -> '1.000000000000000');
  //   f"{1e-13:.15f}" -> '0.000000000000100' (.14f -> '0.00000000000010');
  //   f = float(numpy.float32(0.999999)): f"{f:.6f}" -> '0.999999' (.5f -> '1.00000');
  //   g = float(numpy.float32(1e-6)): f"{g:.6f}" -> '0.000001' (.5f -> '0.00000')
  const auto at = [](auto level) {
    using T = decltype(level);
    return fmt::format("{}", crm::rate_estimate<T>{{T(0.3)}, {T(0.2)}, {T(0.4)}, level});
  };
  CHECK(at(0.9999999999999) == "30% [20%, 40%] 99.99999999999% CI");
  CHECK(at(1.0 - 0x1p-53) == "30% [20%, 40%] 99.99999999999999% CI");
  CHECK(at(1e-13) == "30% [20%, 40%] 0.00000000001% CI");
  CHECK(at(0.999999f) == "30% [20%, 40%] 99.9999% CI");
  CHECK(at(1e-6f) == "30% [20%, 40%] 0.0001% CI");
  CHECK(at(0.95L) == "30% [20%, 40%] 95% CI");
  CHECK(at(std::numeric_limits<double>::denorm_min()).find("% CI") != std::string::npos);
  CHECK(at(std::numeric_limits<double>::denorm_min()).find(" 0% CI") == std::string::npos);
  const auto w = crm::proportion_interval({.successes = 81, .trials = 263});
  CHECK(fmt::format("[{:>35}]", w) == "[      30.8% [25.53%, 36.62%] 95% CI]");  // 29 characters, 6 of fill
  CHECK(fmt::format("[{:*<30.1}]", w) == "[30.8% [25.5%, 36.6%] 95% CI***]");
  CHECK(fmt::format("[{:^34}]", w) == "[  30.8% [25.53%, 36.62%] 95% CI   ]");
  const crm::rate_estimate<double> d{{5e-7}, {-0.0009}, {0.0011}, 0.95};
  CHECK(fmt::format("{:.0}", d) == "0% [0%, 0%] 95% CI");
  CHECK(fmt::format("{:.1}", d) == "0.0% [-0.1%, 0.1%] 95% CI");
  CHECK(fmt::format("{:.1}", crm::rate<double>{-1e-7}) == "0.0%");
  CHECK(fmt::format("{:.2}", crm::money<double>{-0.001}) == "0.00");
  CHECK(fmt::format("{:.2}", crm::money<double>{-0.01}) == "-0.01");
}

TEST_CASE("statistics format: NPS and mean estimates print in their own units", "[statistics][format]") {
  // R: nps(sc(60, 25, 15)) -> 45, 30.497590874857956, 59.502409125142044
  const auto nps = crm::nps_interval({.promoters = 60, .passives = 25, .detractors = 15});
  CHECK(fmt::format("{}", nps) == "45 [30.5, 59.5] 95% CI");
  CHECK(fmt::format("{:.2}", nps) == "45.00 [30.50, 59.50] 95% CI");
  const auto lift = crm::rate_difference({.successes = 120, .trials = 2400}, {.successes = 150, .trials = 2400});
  CHECK(fmt::format("{:.2}", lift) == "1.25% [-0.06%, 2.56%] 95% CI");
}

namespace {
// The lines of the first ```text block after `heading` in docs/statistics.md.
std::vector<std::string> docs_block(const std::string& heading) {
  const std::filesystem::path docs = std::filesystem::path(__FILE__).parent_path().parent_path() / "docs" / "statistics.md";
  std::ifstream in(docs);
  std::vector<std::string> lines;
  std::string line;
  bool after_heading = false;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line == heading) after_heading = true;
    if (inside && line == "```") break;
    if (inside) lines.push_back(line);
    if (after_heading && line == "```text") inside = true;
  }
  return lines;
}
}  // namespace

TEST_CASE("statistics format: the outputs quoted in docs/statistics.md and the headers' examples", "[statistics][format][docs]") {
  // The worked example, formatted as examples/statistics.cpp does, equals the block in the docs.
  const crm::proportion_sample a{.successes = 120, .trials = 2'400};
  const crm::proportion_sample b{.successes = 150, .trials = 2'400};
  const std::vector<std::string> printed{
      fmt::format("A/B: difference B - A        {:.2}", crm::rate_difference(a, b)),
      fmt::format("     relative lift           {:.1}", crm::relative_lift(a, b)),
      fmt::format("     z test p-value          {:.4f}", crm::two_proportion_z_test(a, b).p_value),
      fmt::format("     Fisher exact p-value    {:.4f}", crm::fisher_exact_test(a, b).p_value),
      fmt::format("     P(B beats A)            {:.4f}", crm::probability_b_beats_a(a, b).probability),
  };
  CHECK(docs_block("## Worked example") == printed);
  // Inline outputs of docs/statistics.md (and of the headers' **Example** comments).
  CHECK(fmt::format("{}", crm::mean_interval({.count = 30, .mean = 1094.0, .standard_deviation = 250.0})) ==
        "1094 [1000.65, 1187.35] 95% CI");
  CHECK(fmt::format("{}", crm::mean_interval(std::vector<double>{1200, 850, 990, 1430, 760, 1105, 1320})) ==
        "1093.57 [867.9, 1319.24] 95% CI");
  const auto n = crm::sample_size_per_arm({.baseline = 0.05, .minimum_detectable_effect = 0.01});
  CHECK(n.per_arm == 8158);
  CHECK(fmt::format("{:.2f}", n.exact) == "8157.73");
  CHECK(crm::sample_size_per_arm({.baseline = 0.05, .minimum_detectable_effect = 0.0125}).per_arm == 5333);
  CHECK(fmt::format("+{:.2f} points",
                    crm::minimum_detectable_effect({.baseline = 0.05, .trials_per_arm = 2'400}).percent()) ==
        "+1.91 points");
  CHECK(fmt::format("{:.3f}", crm::statistical_power({.baseline = 0.1, .variant = 0.13, .trials_per_arm = 1000})) ==
        "0.557");
  CHECK(fmt::format("{:.4f}", crm::probability_b_beats_a(a, b).probability) == "0.9698");
  CHECK_THROWS_WITH(crm::proportion_interval({.successes = 1, .trials = 0}),
                    "crm::proportion_interval: trials is zero (zero denominator)");
  CHECK_THROWS_WITH(crm::rate_difference({.successes = 3, .trials = 2}, {.successes = 1, .trials = 2}),
                    "crm::rate_difference: a.successes is larger than its whole (must not exceed a.trials)");
  crm::running_stats<double> extreme;
  extreme.add(1e308);
  extreme.add(-1e308);
  CHECK(extreme.mean() == 0.0);
  CHECK(fmt::format("{:.3g}", extreme.standard_deviation()) == "1.41e+308");
  CHECK(extreme.try_variance().error().code == crm::errc::overflow);
}

}  // namespace statistics_format_test

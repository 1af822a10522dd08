// crm-metrics fuzz target: crm-report on an orders file (tools/crm-report; docs/testing.md,
// "Fuzzing"): layout and date detection, the figures, the forecast's fits, the JSON and HTML pages.
// Byte 0 picks the options (period, model, --skip-bad-rows, header and delimiter given or detected);
// the rest is the orders file, written to a temporary file.
// Checks, besides ASan/UBSan: the report is made, or the input is refused with the report's own
// errors (input_error: exit 2, usage_error: exit 64); never another exception, which crm-report
// reports as "an unexpected failure (a bug: please report it)", exit 1. libFuzzer's -timeout finds a
// fit or figure that does not end.
#include "fuzz_seeds.hpp"

#include "report.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "report_fuzz: an exception other than input_error or usage_error: %s\n", what);
  std::abort();
}

const std::filesystem::path& scratch() { return crm_fuzz_scratch_file("crm_report_fuzz"); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  {
    std::ofstream out(scratch(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data) + 1, static_cast<std::streamsize>(size - 1));
  }
  crm_report::report_options o;
  o.orders_file = scratch().string();
  const std::uint8_t b = data[0];
  o.period = (b & 3) == 0 ? crm_report::period_kind::week : (b & 3) == 1 ? crm_report::period_kind::month : crm_report::period_kind::quarter;
  o.model = (b & 4) != 0 ? crm_report::model_kind::pareto_nbd : crm_report::model_kind::bg_nbd;
  o.skip_bad_rows = (b & 8) != 0;
  if ((b & 16) != 0) o.layout.header = (b & 32) != 0;
  if ((b & 64) != 0) o.layout.delimiter = (b & 128) != 0 ? ";" : ",";
  try {
    const crm_report::report_input in = crm_report::read_inputs(o);
    const crm_report::report r = crm_report::compute_report(in, o);
    (void)crm_report::to_json_text(r);
    (void)crm_report::to_html(r);
  } catch (const crm_report::input_error&) {
  } catch (const crm_report::usage_error&) {
  } catch (const std::exception& e) {
    fail(e.what());
  }
  return 0;
}

std::vector<std::vector<std::uint8_t>> crm_fuzz_seeds() {
  const auto seed = [](std::uint8_t options, std::string_view text) {
    std::vector<std::uint8_t> s{options};
    s.insert(s.end(), text.begin(), text.end());
    return s;
  };
  std::string orders = "customer_id,date,amount\n";
  for (int i = 0; i < 60; ++i)
    orders += std::to_string(1 + (i * 7) % 23) + ",2024-" + (1 + i % 12 < 10 ? "0" : "") + std::to_string(1 + i % 12) + "-" +
              std::to_string(10 + i % 18) + "," + std::to_string(5 + i % 40) + "." + std::to_string(i % 10) + "0\n";
  std::string cdnow;  // CDNOW's layout: blanks, YYYYMMDD, no header
  for (int i = 0; i < 40; ++i)
    cdnow += "0000" + std::to_string(1 + i % 9) + " 1997" + (1 + i % 12 < 10 ? "0" : "") + std::to_string(1 + i % 12) + "1" +
             std::to_string(i % 9) + " 1 " + std::to_string(10 + i) + ".77\n";
  return {
      seed(1, orders),
      seed(4 | 2, orders),
      seed(8 | 1, orders + "x,2024-01-01,1\n7,2024-02-30,2\n"),
      seed(1, cdnow),
      seed(16 | 64 | 128, "customer_id;date;amount\n1;01.02.2024;10,50\n2;03.02.2024;7,25\n1;05.03.2024;3,00\n"),
  };
}

// A whole report per input. Its time is that of the few inputs that reach a Pareto/NBD fit (about
// 7.5 s each at -O0 under the sanitizers on seed 1's 23 customers), not of their number: 161 inputs
// (30 mutations per seed) took 25 s, 86 (15 per seed) 31 s (clang preset, 2026-12-07).
std::size_t crm_fuzz_mutations_per_seed() { return 30; }

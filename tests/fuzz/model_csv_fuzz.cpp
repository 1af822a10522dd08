// crm-metrics fuzz target: the models' summary readers (crm::read_rfm_csv, crm::read_spend_csv,
// crm::read_discrete_csv; docs/testing.md, "Fuzzing"). Byte 0 picks the reader and its options
// (weights, zero spend refused or skipped), byte 1 the format (',' ';' or tab, decimal comma); the
// rest is the file, written to a temporary file (the readers take paths).
// Checks, besides ASan/UBSan: the readers either return rows that pass the models' own validation
// (read_spend_csv: its repeat customers; its frequency-0 rows have spend 0) or throw crm::data_error (file, line, field), never another exception; every row of the file is a
// row returned or a row skipped on request (read_spend_csv's skipped count).
#include "fuzz_seeds.hpp"

#include <crm/models/bg_bb.hpp>
#include <crm/models/data.hpp>
#include <crm/models/gamma_gamma.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void fail(const char* check) {
  std::fprintf(stderr, "model_csv_fuzz: %s\n", check);
  std::abort();
}

const std::filesystem::path& scratch() { return crm_fuzz_scratch_file("crm_model_csv_fuzz"); }

// Data rows of the text: non-blank lines after the first non-blank one (the header); for a text without quotes and
// carriage returns, where that count is certain (a quoted field may hold a line break).
bool countable(std::string_view text) { return text.find_first_of("\"\r") == std::string_view::npos; }
std::size_t data_lines(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a byte-order mark, which the readers skip
  std::size_t n = 0, line = 0;  // data rows, non-blank lines
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(start, end - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.find_first_not_of(" \t") != std::string_view::npos) {
      if (line > 0) ++n;
      ++line;  // counts the non-blank lines: the first is the header
    }
    start = end + 1;
  }
  return n;
}

void read(std::uint8_t which, const crm::model_csv_format& format, std::string_view text) {
  const std::filesystem::path& file = scratch();
  switch (which % 5) {
    case 0: {
      const auto rows = crm::read_rfm_csv<double>(file, "frequency", "recency", "T", "", format);
      if (!rows.empty() && crm::validate(std::span<const crm::rfm_row<double>>(rows), "fuzz")) fail("read_rfm_csv returned an invalid row");
      if (countable(text) && rows.size() != data_lines(text)) fail("read_rfm_csv: rows returned != data lines");
      break;
    }
    case 1: {
      const auto rows = crm::read_rfm_csv<double>(file, "frequency", "recency", "T", "weight", format);
      if (!rows.empty() && crm::validate(std::span<const crm::rfm_row<double>>(rows), "fuzz")) fail("read_rfm_csv (weights) returned an invalid row");
      if (countable(text) && rows.size() != data_lines(text)) fail("read_rfm_csv (weights): rows returned != data lines");
      break;
    }
    case 2:
    case 3: {
      crm::spend_csv_options o;
      if (which % 5 == 3) o.zero_spend = crm::zero_spend_rows::skip;
      const auto d = crm::read_spend_csv<double>(file, o, format);
      // rows with frequency 0 are kept, with spend 0 (documented); the repeat customers are what the model takes
      for (const crm::spend_row<double>& r : d.rows)
        if (r.frequency == 0 && (r.average_spend != 0 || !(r.weight > 0))) fail("read_spend_csv returned an invalid frequency-0 row");
      const auto repeat = crm::repeat_customers(d.rows);
      if (!repeat.empty() && crm::validate(std::span<const crm::spend_row<double>>(repeat), "fuzz")) fail("read_spend_csv returned an invalid row");
      if (countable(text) && d.rows.size() + static_cast<std::size_t>(d.skipped_zero_spend) != data_lines(text)) fail("read_spend_csv: rows + skipped != data lines");
      break;
    }
    default: {
      const auto rows = crm::read_discrete_csv<double>(file, "frequency", "recency", "periods", "weights", format);
      if (!rows.empty() && crm::validate(std::span<const crm::discrete_row<double>>(rows), "fuzz")) fail("read_discrete_csv returned an invalid row");
      if (countable(text) && rows.size() != data_lines(text)) fail("read_discrete_csv: rows returned != data lines");
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);
  {
    std::ofstream out(scratch(), std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  crm::model_csv_format format;
  constexpr char delimiters[3] = {',', ';', '\t'};
  format.delimiter = delimiters[data[1] % 3];
  format.decimal_comma = (data[1] & 4) != 0;
  try {
    read(data[0], format, text);
  } catch (const crm::data_error& e) {
    if (std::string(e.what()).empty()) fail("a data_error without a message");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "model_csv_fuzz: %s\n", e.what());
    fail("an exception other than crm::data_error");
  }
  return 0;
}

std::vector<std::vector<std::uint8_t>> crm_fuzz_seeds() {
  const auto seed = [](std::uint8_t which, std::uint8_t format, std::string_view text) {
    std::vector<std::uint8_t> s{which, format};
    s.insert(s.end(), text.begin(), text.end());
    return s;
  };
  return {
      seed(0, 0, "customer,frequency,recency,T\n1,2,30.43,38.86\n2,1,1.71,38.86\n3,0,0,38.86\n"),
      seed(1, 1, "frequency;recency;T;weight\n2;30,5;38,86;3\n\n0;0;38,86;1,5\n"),
      seed(1, 1 | 4, "frequency;recency;T;weight\n2;30,5;38,86;3\n0;0;38,86;1,5\n"),
      seed(2, 0, "x,zbar\n2,13.5\n1,0.01\n"),
      seed(3, 0, "x,zbar,other\n2,0\n1,12,\"quoted, field\"\n"),
      seed(4, 0, "frequency,recency,periods,weights\n6,6,6,1203\n5,6,6,728\n0,0,6,3464\n"),
      seed(4, 2, "frequency\trecency\tperiods\tweights\r\n1\t2\t6\t10\r\n"),
  };
}

std::size_t crm_fuzz_mutations_per_seed() { return 400; }

// crm_metrics PostgreSQL extension: writes the CREATE FUNCTION statements of the formula metrics
// (metric_table.h) into the extension's SQL script at build time: crm_<name>(fields) over float8
// and, when the metric has a number field, over numeric; counts are bigint. Usage: gen_sql OUT IN
// (IN is crm_metrics--VERSION.sql.in; its line "-- @CRM_METRIC_FUNCTIONS@" is replaced).
// SPDX-License-Identifier: MIT
#include "metric_table.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {
struct metric {
  const char* name;
  const char* kinds;
  const char* names;
};
#define CRM_PG_GEN_(name, type, fields) {#name, CRM_PG_KINDS(fields), CRM_PG_NAMES(fields)},
const metric metrics[] = {CRM_PG_METRICS(CRM_PG_GEN_)};

std::string declarations() {
  std::ostringstream out;
  for (const metric& m : metrics) {
    std::istringstream names(m.names);
    std::vector<std::string> fields;
    for (std::string f; names >> f;) fields.push_back(f);
    const std::string kinds(m.kinds);
    const bool has_number = kinds.find('M') != std::string::npos;
    for (int numeric = 0; numeric <= (has_number ? 1 : 0); ++numeric) {
      const char* num = numeric ? "numeric" : "float8";
      out << "CREATE FUNCTION crm_" << m.name << "(";
      for (std::size_t k = 0; k < fields.size(); ++k)
        out << (k ? ", " : "") << fields[k] << ' ' << (kinds[k] == 'C' ? "bigint" : num);
      out << ") RETURNS " << num << "\n  AS 'MODULE_PATHNAME', 'crm_" << m.name << '_' << num
          << "' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;\n";
      out << "COMMENT ON FUNCTION crm_" << m.name << "(";
      for (std::size_t k = 0; k < fields.size(); ++k) out << (k ? ", " : "") << (kinds[k] == 'C' ? "bigint" : num);
      out << ") IS 'crm::" << m.name << " of <crm/metrics.hpp> (docs/metrics.md)';\n";
    }
  }
  return out.str();
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: gen_sql OUT IN\n";
    return 2;
  }
  std::ifstream in(argv[2]);
  std::ostringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  const std::string mark = "-- @CRM_METRIC_FUNCTIONS@";
  const auto at = s.find(mark);
  if (!in || at == std::string::npos) {
    std::cerr << "gen_sql: " << argv[2] << " is missing or has no " << mark << " line\n";
    return 1;
  }
  s.replace(at, mark.size(), declarations());
  std::ofstream out(argv[1]);
  out << s;
  return out ? 0 : 1;
}

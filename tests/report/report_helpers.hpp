// crm-metrics tests: helpers shared by the crm-report tests (report_test.cpp, report_forecast_test.cpp):
// running the program as users run it and reading what it wrote.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace crm_report_test {

namespace fs = std::filesystem;
using json = nlohmann::json;

/// The build-tree directory this test writes into (its own subdirectory of the test's binary dir).
inline fs::path work_dir() {
  const fs::path d = fs::path(CRM_REPORT_TEST_DIR) / "work";
  fs::create_directories(d);
  return d;
}

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct run_result {
  int code = -1;
  std::string out, err;
};

/// Runs a shell command line in the work directory (or its `subdir`), capturing its output.
inline run_result run_command(const std::string& command, const std::string& subdir = "") {
  // ctest runs each test case in a process of its own, two at a time, in the same work_dir(): the
  // process id keeps their output files apart (a counter alone made two runs write run1.err at once).
  static int counter = 0;
  const fs::path dir = work_dir() / subdir;
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(++counter);
  const fs::path out = dir / ("run" + tag + ".out"), err = dir / ("run" + tag + ".err");
  const std::string cmd = "cd '" + dir.string() + "' && " + command + " > '" + out.string() + "' 2> '" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  run_result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

/// Runs crm-report with `args` (a shell-quoted string) and an environment prefix.
inline run_result run(const std::string& args, const std::string& env = "NO_COLOR=1", const std::string& subdir = "") {
  return run_command(env + " '" CRM_REPORT_EXE "' " + args, subdir);
}

inline void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

/// A subdirectory of the work directory for one test's files, created if need be.
inline fs::path test_dir(const std::string& name) {
  const fs::path d = work_dir() / name;
  fs::create_directories(d);
  return d;
}

/// Three orders of two customers, January to March 2024: the orders file beside another input.
inline constexpr const char* three_orders = "customer_id,date,amount\n1,2024-01-05,10.00\n2,2024-02-05,12.50\n1,2024-03-01,8\n";

inline bool near(double a, double b, double rel = 1e-9) { return std::fabs(a - b) <= rel * std::max(1.0, std::fabs(b)); }

}  // namespace crm_report_test

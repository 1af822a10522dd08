// crm-metrics tests: locating the shared reference data (../shared/data beside the checkout).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

namespace crm_test {
/// Directory of the reference data sets: $CRM_METRICS_DATA_DIR, else the path CMake found at
/// configure time (CRM_METRICS_DATA_DIR_DEFAULT).
inline std::filesystem::path data_dir() {
  if (const char* env = std::getenv("CRM_METRICS_DATA_DIR"); env != nullptr && *env != '\0') return env;
#ifdef CRM_METRICS_DATA_DIR_DEFAULT
  return CRM_METRICS_DATA_DIR_DEFAULT;
#else
  return {};
#endif
}
inline std::filesystem::path data_file(const std::string& rel) { return data_dir() / rel; }

/// true when the data file exists. When it does not: in CI (CI set in the environment) the caller
/// must fail; elsewhere it prints a line that ctest turns into "Skipped" and the caller returns.
inline bool in_ci();
inline bool have_data(const std::filesystem::path& file) {
  if (std::filesystem::exists(file)) return true;
  if (in_ci()) return false;  // no skip marker: the caller fails
  std::cout << "CRM-SKIP: reference data not found: " << file.string()
            << " (set CRM_METRICS_DATA_DIR, or place shared/data beside the checkout)" << std::endl;
  return false;
}
inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && *ci != '\0' && std::string(ci) != "false" && std::string(ci) != "0";
}
}  // namespace crm_test

/// Use at the top of a test that reads ../shared/data:  CRM_REQUIRE_DATA(path);
/// Skips (ctest shows "Skipped") without the data, fails in CI without it.
#define CRM_REQUIRE_DATA(path)                                              \
  do {                                                                      \
    if (!crm_test::have_data(path)) {                                       \
      if (crm_test::in_ci()) FAIL("reference data missing in CI: " << (path)); \
      return;                                                               \
    }                                                                       \
  } while (false)

namespace crm_test {
}  // namespace crm_test

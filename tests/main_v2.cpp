// crm-metrics: the runner of the test programs with Catch2 v2. Catch2's own main, except that every
// test case is tagged with the name of its file ("[#bg_nbd_test]", Catch2's --filenames-as-tags):
// a program that holds several test files (CRM_METRICS_TEST_UNITY, tests/CMakeLists.txt) registers
// each file's cases with ctest under that file's name by listing that tag.
#define CATCH_CONFIG_RUNNER
#include "catch.hpp"

int main(int argc, char* argv[]) {
  Catch::Session session;
  const int rc = session.applyCommandLine(argc, argv);
  if (rc != 0) return rc;
  session.configData().filenamesAsTags = true;
  return session.run();
}

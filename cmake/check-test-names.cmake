# crm-metrics: no Catch2 test name in tests/ contains ';'. catch_discover_tests registers each test
# case with ctest by name, and ctest splits a name at ';' (a CMake list): such a test ran as two specs
# that matched nothing and failed ("No test cases matched"; bg_bb_boundary_test, 2026-12-05).
# Run: cmake -DSOURCE_DIR=<repository> -P cmake/check-test-names.cmake
file(GLOB_RECURSE _sources "${SOURCE_DIR}/tests/*.cpp")
set(_bad "")
foreach(_file IN LISTS _sources)
  file(STRINGS "${_file}" _lines REGEX "TEST_CASE\\(\"[^\"]*;")
  foreach(_line IN LISTS _lines)
    list(APPEND _bad "${_file}: ${_line}")
  endforeach()
endforeach()
if(_bad)
  string(REPLACE ";" "\n" _bad "${_bad}")
  message(FATAL_ERROR "a test name contains ';' (ctest splits it):\n${_bad}")
endif()

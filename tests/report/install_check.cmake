# `cmake --install` puts the crm-report program in <prefix>/bin (docs/report.md).
# Usage: cmake -DBUILD_DIR=<build tree> -DSTAGE=<empty prefix> -P install_check.cmake
file(REMOVE_RECURSE "${STAGE}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${STAGE}" RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
if(NOT EXISTS "${STAGE}/bin/crm-report")
  message(FATAL_ERROR "crm-report is not installed in ${STAGE}/bin")
endif()
execute_process(COMMAND "${STAGE}/bin/crm-report" --version OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^crm-report [0-9]+\\.[0-9]+\\.[0-9]+")
  message(FATAL_ERROR "the installed crm-report does not run: ${rc} ${out}")
endif()

# Runs an example and checks that the block a doc quotes for it (the fenced block right after the
# line `<!-- output of examples/NAME.cpp -->` in DOC) is in its standard output as it stands: the
# same lines, whole, one after the other (the example may print more before and after).
#   cmake -DEXE=<program> -DDOC=<file.md> -DNAME=<example> [-DSKIP_IF=<text>] -P check_output.cmake
# SKIP_IF: when the output contains this text (the example ran without its data set), the check is
# skipped (prints CRM-SKIP:, which the test's SKIP_REGULAR_EXPRESSION turns into a skip).
execute_process(COMMAND "${EXE}" OUTPUT_VARIABLE got RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "examples/${NAME}.cpp exited with ${rc}:\n${got}")
endif()
if(DEFINED SKIP_IF AND NOT SKIP_IF STREQUAL "")
  string(FIND "${got}" "${SKIP_IF}" at)
  if(NOT at EQUAL -1)
    message("CRM-SKIP: examples/${NAME}.cpp ran without its data:\n${got}")
    return()
  endif()
endif()
file(READ "${DOC}" text)
set(marker "<!-- output of examples/${NAME}.cpp -->")
string(FIND "${text}" "${marker}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${DOC} has no line ${marker}")
endif()
string(SUBSTRING "${text}" ${at} -1 text)
string(FIND "${text}" "\n```" open)        # the opening fence (``` or ```text)
string(SUBSTRING "${text}" ${open} -1 text)
string(SUBSTRING "${text}" 4 -1 text)
string(FIND "${text}" "\n" eol)             # the rest of the fence line
math(EXPR eol "${eol} + 1")
string(SUBSTRING "${text}" ${eol} -1 text)
string(FIND "${text}" "```" close)
string(SUBSTRING "${text}" 0 ${close} quoted)
string(FIND "\n${got}" "\n${quoted}" at)
if(quoted STREQUAL "" OR at EQUAL -1)
  message(FATAL_ERROR "examples/${NAME}.cpp does not print the lines ${DOC} quotes.\n--- quoted:\n${quoted}--- printed:\n${got}")
endif()
message("examples/${NAME}.cpp prints the lines ${DOC} quotes")

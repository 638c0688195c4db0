# Run after a Catch2 test executable is built (cmake -P, from runnel_catch_tests in
# CatchCtest.cmake): asks it for its test cases and their source files, and writes OUTPUT, the
# ctest script that adds one test per test case.
#
# Inputs: EXECUTABLE, SOURCE_ROOT (tests/, test files are named relative to it),
# TARGET_BINARY_DIR and TOP_BINARY_DIR (where a relative __FILE__ may start from), LABEL, COST,
# ENVIRONMENT ('|'-separated var=value pairs), OUTPUT.
#
# Test case names may hold any character, ';' and '[' included, which CMake lists do not survive:
# the output is walked line by line with string(FIND), never turned into a list.

execute_process(
  COMMAND "${EXECUTABLE}" --list-test-names-only --verbosity high
  OUTPUT_VARIABLE listing
  ERROR_VARIABLE errors
  RESULT_VARIABLE result)
# Catch exits with the number of test cases listed (capped at 255): anything but a number is a
# crash.
if(NOT result MATCHES "^[0-9]+$")
  message(FATAL_ERROR "${EXECUTABLE} --list-test-names-only failed (${result}):\n${listing}${errors}")
endif()

# Test cases tagged [serial] run alone (RUN_SERIAL): those whose time bounds do not survive
# sharing the cores with other tests.
execute_process(
  COMMAND "${EXECUTABLE}" "[serial]" --list-test-names-only
  OUTPUT_VARIABLE serial_listing
  RESULT_VARIABLE serial_result)
string(TOLOWER "\n${serial_listing}" serial_names)

# Text for a bracket argument [==[...]==] (anything but "]==]" is literal in one).
function(bracket out text)
  if(text MATCHES "\\]==\\]")
    message(FATAL_ERROR "test case name holds ]==]: ${text}")
  endif()
  set(${out} "[==[${text}]==]" PARENT_SCOPE)
endfunction()

string(TOLOWER "\n${listing}" all_names)  # for the wildcard check below
string(REPLACE "|" ";" environment "${ENVIRONMENT}")
set(script "# Generated from ${EXECUTABLE} by catch_list_tests.cmake\n")
set(count 0)
while(NOT listing STREQUAL "")
  string(FIND "${listing}" "\n" newline)
  if(newline EQUAL -1)
    set(line "${listing}")
    set(listing "")
  else()
    string(SUBSTRING "${listing}" 0 ${newline} line)
    math(EXPR newline "${newline} + 1")
    string(SUBSTRING "${listing}" ${newline} -1 listing)
  endif()
  # "<name>\t@<file>:<line>"; a name starting with '#' is printed in double quotes.
  string(FIND "${line}" "\t@" tab REVERSE)
  if(tab EQUAL -1)
    continue()
  endif()
  string(SUBSTRING "${line}" 0 ${tab} name)
  math(EXPR tab "${tab} + 2")
  string(SUBSTRING "${line}" ${tab} -1 location)
  if(name MATCHES "^\"#.*\"$")
    string(LENGTH "${name}" length)
    math(EXPR length "${length} - 2")
    string(SUBSTRING "${name}" 1 ${length} name)
  endif()
  string(REGEX REPLACE ":[0-9]+$" "" file "${location}")
  # __FILE__ is absolute, or relative to the compiler's working directory when ccache's
  # base_dir rewrites it (the target's build folder, or the top one with Ninja).
  if(NOT IS_ABSOLUTE "${file}")
    foreach(base "${TARGET_BINARY_DIR}" "${TOP_BINARY_DIR}")
      get_filename_component(candidate "${file}" ABSOLUTE BASE_DIR "${base}")
      if(EXISTS "${candidate}")
        set(file "${candidate}")
        break()
      endif()
    endforeach()
  endif()
  file(RELATIVE_PATH file "${SOURCE_ROOT}" "${file}")
  get_filename_component(folder "${file}" DIRECTORY)

  # The name as a Catch test spec matching only itself: '\' escapes the characters that would
  # otherwise separate, open a tag, quote or exclude. A leading or trailing '*' is a wildcard
  # whatever is done to it: allowed when no other name has the rest as its start (or end).
  if(name MATCHES "^\\*" OR name MATCHES "\\*$")
    string(TOLOWER "${name}" lower)
    if(lower MATCHES "\\*$")
      string(REGEX REPLACE "\\*$" "" rest "${lower}")
      set(needle "\n${rest}")
    else()
      string(REGEX REPLACE "^\\*" "" rest "${lower}")
      set(needle "${rest}\t@")
    endif()
    string(REPLACE "${needle}" "" without "${all_names}")
    string(LENGTH "${all_names}" before)
    string(LENGTH "${without}" after)
    string(LENGTH "${needle}" step)
    math(EXPR matches "(${before} - ${after}) / ${step}")
    if(NOT matches EQUAL 1)
      message(FATAL_ERROR "test case name starts or ends with '*', which Catch reads as a "
                          "wildcard, and ${matches} test cases match it: ${name}")
    endif()
  endif()
  set(spec "${name}")
  foreach(special "\\" "," "[" "]" "~" "\"")
    string(REPLACE "${special}" "\\${special}" spec "${spec}")
  endforeach()

  bracket(test_name "${file}: ${name}")
  bracket(spec_arg "${spec}")
  bracket(exe_arg "${EXECUTABLE}")
  # --warn NoTests: a spec that matched nothing fails instead of passing with no test run.
  string(APPEND script "add_test(${test_name} ${exe_arg} ${spec_arg} --warn NoTests)\n")
  set(labels "${LABEL}")
  if(NOT folder STREQUAL "" AND NOT folder STREQUAL LABEL)
    string(APPEND labels ";${folder}")
  endif()
  set(properties "LABELS [==[${labels}]==] COST ${COST}")
  string(TOLOWER "\n${name}\n" lower_line)
  string(FIND "${serial_names}" "${lower_line}" serial_at)
  if(NOT serial_at EQUAL -1)
    string(APPEND properties " RUN_SERIAL TRUE")
  endif()
  if(environment)
    string(APPEND properties " ENVIRONMENT [==[${environment}]==]")
  endif()
  string(APPEND script "set_tests_properties(${test_name} PROPERTIES ${properties})\n")
  math(EXPR count "${count} + 1")
endwhile()

if(count EQUAL 0)
  message(FATAL_ERROR "${EXECUTABLE} lists no test cases")
endif()
file(WRITE "${OUTPUT}" "${script}")

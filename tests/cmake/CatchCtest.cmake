# runnel_catch_tests(<target> LABEL <label> [COST <n>] [ENVIRONMENT <var=value>...]): registers each
# TEST_CASE of the Catch2 executable <target> as its own ctest test, so `ctest -j` spreads them
# over the cores. The list is taken after each build (the executable lists its test cases; see
# catch_list_tests.cmake), so adding a TEST_CASE needs no cmake re-run.
#
# A test is named "<file>: <test case name>", <file> the test's source file relative to tests/
# (for example "streams/radix_tree_test.cc: ..."), so `ctest -R '^streams/'` runs a folder and
# `ctest -R 'radix_tree_test.cc'` a file. Each test carries the labels <label> and its folder.
#
# Catch2's own catch_discover_tests (Catch.cmake) is not used: it splits the list of names on
# ';', which several of our test case names contain.
set(RUNNEL_CATCH_LIST_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/catch_list_tests.cmake)

function(runnel_catch_tests target)
  cmake_parse_arguments(arg "" "LABEL;COST" "ENVIRONMENT" ${ARGN})
  if(NOT arg_COST)
    set(arg_COST 0)
  endif()
  # ';' would split the argument below: the script takes the pairs '|'-separated.
  string(REPLACE ";" "|" environment "${arg_ENVIRONMENT}")
  set(tests_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_tests.cmake)
  set(include_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_include.cmake)
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND}
            -D "EXECUTABLE=$<TARGET_FILE:${target}>"
            -D "SOURCE_ROOT=${CMAKE_CURRENT_SOURCE_DIR}"
            -D "TARGET_BINARY_DIR=${CMAKE_CURRENT_BINARY_DIR}"
            -D "TOP_BINARY_DIR=${CMAKE_BINARY_DIR}"
            -D "LABEL=${arg_LABEL}"
            -D "COST=${arg_COST}"
            -D "ENVIRONMENT=${environment}"
            -D "OUTPUT=${tests_file}"
            -P ${RUNNEL_CATCH_LIST_SCRIPT}
    BYPRODUCTS ${tests_file}
    COMMENT "Listing the test cases of ${target} for ctest"
    VERBATIM)
  # Until the executable is built, ctest shows one failing placeholder instead of nothing.
  file(WRITE ${include_file}
    "if(EXISTS \"${tests_file}\")\n"
    "  include(\"${tests_file}\")\n"
    "else()\n"
    "  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\n"
    "  set_tests_properties(${target}_NOT_BUILT PROPERTIES LABELS ${arg_LABEL})\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${include_file})
endfunction()

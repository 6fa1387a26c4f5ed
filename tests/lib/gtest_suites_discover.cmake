# Run by ctest (TEST_INCLUDE_FILES, see gtest_suites.cmake): lists the suites
# of ${bras_suite_binary} and adds one test for each.
if(NOT EXISTS "${bras_suite_binary}")
  # Not built: a test that fails and says so, rather than silently none.
  add_test("${bras_suite_prefix}/NOT_BUILT" "${bras_suite_binary}")
  return()
endif()
execute_process(COMMAND "${bras_suite_binary}" --gtest_list_tests
                OUTPUT_VARIABLE listing RESULT_VARIABLE listed TIMEOUT 120)
if(NOT listed EQUAL 0)
  add_test("${bras_suite_prefix}/LISTING_FAILED" "${bras_suite_binary}" --gtest_list_tests)
  return()
endif()
# The listing's test lines may hold parameter values with ; [ ] that a CMake
# list would split on; only the suite lines (no indent, ending in '.') count.
string(REPLACE ";" " " listing "${listing}")
string(REPLACE "[" " " listing "${listing}")
string(REPLACE "]" " " listing "${listing}")
string(REPLACE "\n" ";" lines "${listing}")
set(count 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^([A-Za-z_][A-Za-z0-9_/]*)\\.( .*)?$")
    set(suite "${CMAKE_MATCH_1}")
    add_test("${bras_suite_prefix}/${suite}" "${bras_suite_binary}" "--gtest_filter=${suite}.*"
             --gtest_brief=1)
    set_tests_properties("${bras_suite_prefix}/${suite}" PROPERTIES TIMEOUT ${bras_suite_timeout})
    math(EXPR count "${count} + 1")
  endif()
endforeach()
if(count EQUAL 0)
  add_test("${bras_suite_prefix}/NO_SUITES" "${bras_suite_binary}" --gtest_list_tests)
  set_tests_properties("${bras_suite_prefix}/NO_SUITES" PROPERTIES WILL_FAIL TRUE)
endif()

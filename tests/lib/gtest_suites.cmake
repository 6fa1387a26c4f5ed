# One ctest test per GoogleTest suite, not per test.
#
# gtest_discover_tests registers every TEST as its own ctest test, and each one
# then starts the whole binary: ~0.8 s for the Debug ASan build of the unit
# tests (a 400 MB executable), 1,456 times. One process per suite runs the same
# tests in a sixth of the time. A failing suite's output (--output-on-failure)
# names the test that failed; `./build/test/tests/bras_unit_tests
# --gtest_filter=Suite.Test` runs it alone.
#
# bras_gtest_suites(TARGET PREFIX TIMEOUT) registers, at ctest time, a test
# PREFIX/SUITE running `TARGET --gtest_filter=SUITE.*` for each suite the
# binary lists. The listing happens when ctest runs (like DISCOVERY_MODE
# PRE_TEST), so a build without the binary still configures.
set(BRAS_GTEST_SUITES_DISCOVER "${CMAKE_CURRENT_LIST_DIR}/gtest_suites_discover.cmake")

function(bras_gtest_suites target prefix timeout)
  set(script "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake")
  file(GENERATE OUTPUT "${script}" CONTENT
"set(bras_suite_binary \"$<TARGET_FILE:${target}>\")
set(bras_suite_prefix \"${prefix}\")
set(bras_suite_timeout ${timeout})
include(\"${BRAS_GTEST_SUITES_DISCOVER}\")
")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${script}")
endfunction()

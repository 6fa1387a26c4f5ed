// Helpers shared by the configs/ tests: a refused load's error and the table of
// refusals each section's test lists (file, line, path and reason of each).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "configs/config.hpp"

namespace bras::config::config_test {

inline const load_error& error_of(const load_result& r) {
  return std::get<load_error>(r);
}

/// A configuration that must be refused, and where and why.
struct bad_config {
  const char* name;
  std::string yaml;
  int line;
  const char* path;
  const char* reason_starts;
};

/// Loads `c.yaml` as test.yaml: it must be refused at `c.line` and `c.path` with a reason starting `c.reason_starts`.
inline void expect_refused(const bad_config& c) {
  auto r = load(c.yaml, "test.yaml");
  ASSERT_TRUE(std::holds_alternative<load_error>(r)) << c.name;
  const auto& e = error_of(r);
  EXPECT_EQ(e.file, "test.yaml");
  EXPECT_EQ(e.line, c.line) << e.to_string();
  EXPECT_EQ(e.path, c.path) << e.to_string();
  EXPECT_EQ(e.reason.rfind(c.reason_starts, 0), 0U) << e.to_string();
}

/// Names each parameterised case after its `name`.
inline std::string case_name(const ::testing::TestParamInfo<bad_config>& info) {
  return info.param.name;
}

}  // namespace bras::config::config_test

// Helpers shared by the unit tests.
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "protocol/common/bytes.hpp"

namespace bras::test {

/// Annotated hex vector -> bytes. Whitespace, '|' and ':' separate; '#'
/// starts a comment to the end of the line. Fails the test on bad hex.
inline wire::bytes hex(std::string_view annotated) {
  auto b = wire::from_hex(annotated);
  EXPECT_TRUE(b.has_value()) << "bad hex vector: " << annotated;
  return b ? *b : wire::bytes{};
}

inline wire::byte_span span(const wire::bytes& b) {
  return {b.data(), b.size()};
}

}  // namespace bras::test

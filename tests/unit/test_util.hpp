// Helpers shared by the unit tests.
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "protocol/common/bytes.hpp"
#include "protocol/ip/ipv6_prefix.hpp"

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

/// IPv6 address text -> address. Fails the test on bad text.
inline ip::ipv6_address ipv6_address_of(std::string_view text) {
  auto a = ip::parse_ipv6_address(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(ip::ipv6_address{});
}

/// IPv6 prefix text ("2001:db8::/48") -> prefix. Fails the test on bad text.
inline ip::ipv6_prefix ipv6_prefix_of(std::string_view text) {
  auto p = ip::parse_ipv6_prefix(text);
  EXPECT_TRUE(p.has_value()) << text;
  return p.value_or(ip::ipv6_prefix{});
}

}  // namespace bras::test

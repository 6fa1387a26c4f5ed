// Helpers shared by the RADIUS attribute tests.
#pragma once

#include <string_view>

#include "protocol/radius/attributes.hpp"
#include "tests/unit/test_util.hpp"

namespace bras::radius::test {

using bras::test::hex;

/// The attributes of `p` on the wire (everything after the 20-byte header).
inline wire::bytes attribute_bytes(const packet& p) {
  const auto all = encode(p);
  return {all.begin() + static_cast<std::ptrdiff_t>(header_size), all.end()};
}

/// Encodes and decodes `p`: what a peer would read.
inline packet through_wire(const packet& p) {
  auto decoded = decode(encode(p));
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : wire::to_string(decoded.err()));
  return decoded.ok() ? *decoded : packet{};
}

/// Appends one attribute given as hex.
inline void add_hex(packet& p, std::uint8_t type, std::string_view value_hex) {
  p.add(type, hex(value_hex));
}

inline constexpr std::uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

}  // namespace bras::radius::test

// Helpers shared by the PPP codec tests (tests/unit/ppp_*_test.cpp).
#pragma once

#include <string_view>

#include "protocol/ppp/auth.hpp"
#include "protocol/ppp/lcp.hpp"
#include "protocol/ppp/ncp.hpp"
#include "tests/unit/test_util.hpp"

namespace bras::ppp::test {

using bras::test::hex;
using bras::test::span;

/// Uniform access to one protocol's decode/encode for the generic checks below.
template <class Packet, auto Decode, auto Encode>
struct codec {
  using packet = Packet;
  static wire::result<Packet> decode(wire::byte_span data, std::size_t base = 0) { return Decode(data, base); }
  static wire::status encode(wire::writer& w, const Packet& p) { return Encode(w, p); }
};
using lcp_codec = codec<lcp::packet, &lcp::decode, &lcp::encode>;
using ipcp_codec = codec<ipcp::packet, &ipcp::decode, &ipcp::encode>;
using ipv6cp_codec = codec<ipv6cp::packet, &ipv6cp::decode, &ipv6cp::encode>;
using pap_codec = codec<pap::packet, &pap::decode, &pap::encode>;
using chap_codec = codec<chap::packet, &chap::decode, &chap::encode>;

/// Encodes `p`, failing the test if the encoder refuses it.
template <class Codec>
wire::bytes encoded(const typename Codec::packet& p) {
  wire::bytes out;
  wire::writer w{out};
  auto status = Codec::encode(w, p);
  EXPECT_TRUE(status.ok()) << wire::to_string(status.err());
  return out;
}

/// The annotated vector decodes to `expected`, and `expected` encodes to the
/// vector byte for byte.
template <class Codec>
void expect_vector(std::string_view annotated, const typename Codec::packet& expected) {
  const wire::bytes bytes = hex(annotated);
  auto decoded = Codec::decode(span(bytes));
  ASSERT_TRUE(decoded.ok()) << wire::to_string(decoded.err());
  EXPECT_EQ(decoded->index(), expected.index());
  EXPECT_TRUE(*decoded == expected) << "decoded value differs from expected";
  EXPECT_EQ(wire::to_hex(encoded<Codec>(expected)), wire::to_hex(bytes));
}

/// The annotated vector fails to decode with `reason` at `offset`.
template <class Codec>
void expect_error(std::string_view annotated, std::string_view reason, std::size_t offset) {
  const wire::bytes bytes = hex(annotated);
  auto decoded = Codec::decode(span(bytes));
  ASSERT_FALSE(decoded.ok()) << "decoded a malformed packet";
  EXPECT_EQ(decoded.err().reason, reason);
  EXPECT_EQ(decoded.err().offset, offset);
}

/// Every strict prefix of a length-delimited packet is an error (the length
/// field then points past the end); no prefix may crash or read out of bounds.
template <class Codec>
void expect_every_prefix_fails(std::string_view annotated) {
  const wire::bytes bytes = hex(annotated);
  ASSERT_TRUE(Codec::decode(span(bytes)).ok());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    // A heap copy of exactly n bytes, so ASan catches a read past the prefix.
    const wire::bytes prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    auto decoded = Codec::decode(span(prefix), 10);
    ASSERT_FALSE(decoded.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_LE(decoded.err().offset, 10 + n) << "error offset past the prefix";
    EXPECT_GE(decoded.err().offset, 10u);
  }
}

/// Decoding with `base` shifts every error offset by `base`.
template <class Codec>
void expect_error_offset_shifts(std::string_view annotated, std::size_t base) {
  const wire::bytes bytes = hex(annotated);
  auto at_zero = Codec::decode(span(bytes));
  auto at_base = Codec::decode(span(bytes), base);
  ASSERT_FALSE(at_zero.ok());
  ASSERT_FALSE(at_base.ok());
  EXPECT_EQ(at_base.err().reason, at_zero.err().reason);
  EXPECT_EQ(at_base.err().offset, at_zero.err().offset + base);
}

}  // namespace bras::ppp::test

#include "protocol/ppp/frame.hpp"

#include <algorithm>
#include <array>

#include "tests/unit/test_util.hpp"

namespace bras::ppp {
namespace {

using test::hex;

wire::bytes encoded_frame(std::uint16_t protocol, const wire::bytes& payload, frame_flags flags) {
  wire::bytes out;
  wire::writer w{out};
  encode_frame(w, protocol, payload, flags);
  return out;
}

TEST(PppFrame, ProtocolNumbers) {
  EXPECT_EQ(proto::lcp, 0xc021);
  EXPECT_EQ(proto::pap, 0xc023);
  EXPECT_EQ(proto::lqr, 0xc025);
  EXPECT_EQ(proto::chap, 0xc223);
  EXPECT_EQ(proto::ipcp, 0x8021);
  EXPECT_EQ(proto::ipv6cp, 0x8057);
  EXPECT_EQ(proto::ccp, 0x80fd);
  EXPECT_EQ(proto::ipv4, 0x0021);
  EXPECT_EQ(proto::ipv6, 0x0057);
  for (auto p : {proto::lcp, proto::pap, proto::lqr, proto::chap, proto::ipcp, proto::ipv6cp, proto::ccp, proto::ipv4,
                 proto::ipv6, proto::eap, proto::bacp, proto::ecp, proto::multilink}) {
    EXPECT_TRUE(is_valid_protocol(p)) << p;
  }
  EXPECT_FALSE(is_valid_protocol(0xc020)) << "low octet even";
  EXPECT_FALSE(is_valid_protocol(0x0121)) << "high octet odd";
  EXPECT_FALSE(is_valid_protocol(0x0000));
}

TEST(PppFrame, DecodesFullHeader) {
  auto b =
      hex("ff 03 # address, control\n"
          "c0 21 # protocol: LCP\n"
          "09 01 00 08 00 00 00 00 # payload: Echo-Request\n");
  auto f = decode_frame(test::span(b));
  ASSERT_TRUE(f.ok()) << wire::to_string(f.err());
  EXPECT_EQ(f->protocol, proto::lcp);
  EXPECT_TRUE(f->has_address_control);
  EXPECT_FALSE(f->protocol_compressed);
  EXPECT_EQ(f->payload_offset, 4u);
  EXPECT_EQ(wire::to_hex(f->payload), "0901000800000000");
  EXPECT_EQ(f->payload.data(), b.data() + 4) << "payload is a view, not a copy";
}

TEST(PppFrame, DecodesWithoutAddressControl) {
  auto b =
      hex("80 21 # protocol: IPCP (no address/control, as over PPPoE)\n"
          "01 01 00 04 # payload\n");
  auto f = decode_frame(test::span(b), 20);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->protocol, proto::ipcp);
  EXPECT_FALSE(f->has_address_control);
  EXPECT_FALSE(f->protocol_compressed);
  EXPECT_EQ(f->payload_offset, 22u) << "absolute offset includes base";
  EXPECT_EQ(wire::to_hex(f->payload), "01010004");
}

TEST(PppFrame, DecodesCompressedProtocol) {
  auto b =
      hex("21 # protocol: IPv4, compressed to one byte (odd first byte)\n"
          "45 00 # payload\n");
  auto f = decode_frame(test::span(b));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->protocol, proto::ipv4);
  EXPECT_TRUE(f->protocol_compressed);
  EXPECT_FALSE(f->has_address_control);
  EXPECT_EQ(f->payload_offset, 1u);
  EXPECT_EQ(wire::to_hex(f->payload), "4500");

  auto b2 =
      hex("ff 03 # address, control\n"
          "57 # protocol: IPv6, compressed\n"
          "60 # payload\n");
  auto f2 = decode_frame(test::span(b2));
  ASSERT_TRUE(f2.ok());
  EXPECT_EQ(f2->protocol, proto::ipv6);
  EXPECT_TRUE(f2->protocol_compressed);
  EXPECT_TRUE(f2->has_address_control);
  EXPECT_EQ(f2->payload_offset, 3u);
}

TEST(PppFrame, EmptyPayloadIsValid) {
  auto b = hex("ff 03 | 00 21");
  auto f = decode_frame(test::span(b));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->protocol, proto::ipv4);
  EXPECT_TRUE(f->payload.empty());
  EXPECT_EQ(f->payload_offset, 4u);
}

TEST(PppFrame, RejectsBadControlField) {
  auto b = hex("ff 13 # address, bad control\n c0 21");
  auto f = decode_frame(test::span(b), 7);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.err().reason, "bad control field");
  EXPECT_EQ(f.err().offset, 8u);
}

TEST(PppFrame, RejectsEvenProtocolLowByte) {
  auto b = hex("c0 20 # protocol with even low octet\n 01 02");
  auto f = decode_frame(test::span(b));
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.err().reason, "invalid protocol field");
  EXPECT_EQ(f.err().offset, 0u);

  auto b2 = hex("ff 03 | 80 56 # IPv6CP with low bit cleared\n");
  auto f2 = decode_frame(test::span(b2), 100);
  ASSERT_FALSE(f2.ok());
  EXPECT_EQ(f2.err().reason, "invalid protocol field");
  EXPECT_EQ(f2.err().offset, 102u);
}

TEST(PppFrame, TruncatedHeaders) {
  const std::array<std::pair<const char*, std::size_t>, 5> cases{{
      {"", 0},          // nothing at all
      {"ff", 1},        // address without control
      {"ff 03", 2},     // no protocol
      {"ff 03 c0", 3},  // half a protocol
      {"c0", 1},        // half a protocol, no address/control
  }};
  for (const auto& [vector, offset] : cases) {
    auto b = hex(vector);
    auto f = decode_frame(test::span(b));
    ASSERT_FALSE(f.ok()) << vector;
    EXPECT_EQ(f.err().reason, "truncated") << vector;
    EXPECT_EQ(f.err().offset, offset) << vector;
  }
}

TEST(PppFrame, EveryPrefixFailsOrDecodesConsistently) {
  const auto b = hex("ff 03 | c2 23 | 01 01 00 09 04 11 22 33 44");
  auto full = decode_frame(test::span(b));
  ASSERT_TRUE(full.ok());
  for (std::size_t n = 0; n < b.size(); ++n) {
    const wire::bytes prefix(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
    auto f = decode_frame(test::span(prefix));
    if (n < 4) {
      EXPECT_FALSE(f.ok()) << n;
      continue;
    }
    // A frame has no length field: a shorter frame is the same header with less payload.
    ASSERT_TRUE(f.ok()) << n;
    EXPECT_EQ(f->protocol, full->protocol);
    EXPECT_EQ(f->payload_offset, full->payload_offset);
    EXPECT_TRUE(std::ranges::equal(f->payload, full->payload.first(n - 4)));
  }
}

TEST(PppFrame, EncodesEveryFlagCombination) {
  const wire::bytes payload = hex("45 00");
  EXPECT_EQ(wire::to_hex(encoded_frame(proto::ipv4, payload, {})), "ff0300214500");
  EXPECT_EQ(wire::to_hex(encoded_frame(proto::ipv4, payload, {.acfc = true})), "00214500");
  EXPECT_EQ(wire::to_hex(encoded_frame(proto::ipv4, payload, {.pfc = true})), "ff03214500");
  EXPECT_EQ(wire::to_hex(encoded_frame(proto::ipv4, payload, {.acfc = true, .pfc = true})), "214500");
}

TEST(PppFrame, EncoderNeverCompressesWhatItMustNot) {
  const frame_flags both{.acfc = true, .pfc = true};
  const wire::bytes payload = hex("01 02 00 04");
  // LCP always goes with address/control and a full protocol (RFC 1661 §6.5, §6.6).
  EXPECT_EQ(wire::to_hex(encoded_frame(proto::lcp, payload, both)), "ff03c02101020004");
  // A protocol above 0xff cannot be compressed.
  EXPECT_EQ(wire::to_hex(encoded_frame(proto::ipcp, payload, both)), "802101020004");
  // 0x00ff compressed would read as an address field.
  EXPECT_EQ(wire::to_hex(encoded_frame(0x00ff, payload, both)), "00ff01020004");
}

TEST(PppFrame, RoundTripsEveryProtocolAndFlags) {
  const wire::bytes payload = hex("de ad be ef");
  for (auto protocol : {proto::ipv4, proto::ipv6, proto::lcp, proto::pap, proto::chap, proto::ipcp, proto::ipv6cp,
                        proto::ccp, std::uint16_t{0x00ff}, std::uint16_t{0x0001}}) {
    for (bool acfc : {false, true}) {
      for (bool pfc : {false, true}) {
        const auto b = encoded_frame(protocol, payload, {.acfc = acfc, .pfc = pfc});
        auto f = decode_frame(test::span(b));
        ASSERT_TRUE(f.ok()) << protocol << " " << acfc << pfc;
        EXPECT_EQ(f->protocol, protocol);
        EXPECT_EQ(wire::to_hex(f->payload), "deadbeef");
      }
    }
  }
}

// --- Header into headroom (no copy of the payload) ---------------------------

/// The in-place encoder writes exactly what the appending one does.
wire::bytes headroom_header(std::uint16_t protocol, frame_flags flags) {
  wire::bytes out(frame_header_size(protocol, flags), std::byte{0xee});
  EXPECT_TRUE(encode_frame_header(out, protocol, flags));
  wire::bytes appended;
  wire::writer w{appended};
  encode_frame_header(w, protocol, flags);
  EXPECT_EQ(out, appended) << protocol;
  return out;
}

TEST(PppFrame, HeaderIntoHeadroom) {
  EXPECT_EQ(headroom_header(proto::ipv4, {}), hex("ff 03 # address, control\n 00 21 # IPv4"));
  EXPECT_EQ(headroom_header(proto::ipv4, {.acfc = true}), hex("00 21 # IPv4, no address/control"));
  EXPECT_EQ(headroom_header(proto::ipv4, {.acfc = true, .pfc = true}), hex("21 # IPv4 in one byte"));
  EXPECT_EQ(headroom_header(proto::ipv6, {.acfc = false, .pfc = true}), hex("ff 03 | 57 # IPv6 in one byte"));
  EXPECT_EQ(headroom_header(proto::lcp, {.acfc = true, .pfc = true}), hex("ff 03 | c0 21 # LCP never compressed"));
  EXPECT_EQ(headroom_header(proto::ipcp, {.acfc = true, .pfc = true}), hex("80 21 # above 0xff: two bytes"));
}

TEST(PppFrame, HeaderIntoHeadroomOfWrongSizeWritesNothing) {
  wire::bytes out(3, std::byte{0xee});
  EXPECT_FALSE(encode_frame_header(out, proto::ipv4, {}));
  EXPECT_FALSE(encode_frame_header(out, proto::ipv4, {.acfc = true, .pfc = true}));
  EXPECT_EQ(out, wire::bytes(3, std::byte{0xee}));
}

}  // namespace
}  // namespace bras::ppp

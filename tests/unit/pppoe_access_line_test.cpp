#include "protocol/pppoe/access_line.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "tests/unit/test_util.hpp"

namespace bras::pppoe {
namespace {

using test::hex;

wire::bytes encoded(const access_line& a) {
  wire::bytes out;
  wire::writer w{out};
  auto s = encode(a, w);
  EXPECT_TRUE(s.ok()) << wire::to_string(s.err());
  return out;
}

// Sub-options of a TR-101 tag (the Vendor-Specific data after vendor id 3561).
const wire::bytes every_option_bytes =
    hex("01 0d 65746820312f312f313a313030  # Agent-Circuit-Id 'eth 1/1/1:100'\n"
        "02 08 72656d6f74652d31            # Agent-Remote-Id 'remote-1'\n"
        "81 04 00000400  # Actual-Data-Rate-Upstream 1024\n"
        "82 04 00004000  # Actual-Data-Rate-Downstream 16384\n"
        "83 04 00000080  # Minimum-Data-Rate-Upstream 128\n"
        "84 04 00000100  # Minimum-Data-Rate-Downstream 256\n"
        "85 04 00000800  # Attainable-Data-Rate-Upstream 2048\n"
        "86 04 00008000  # Attainable-Data-Rate-Downstream 32768\n"
        "87 04 00001000  # Maximum-Data-Rate-Upstream 4096\n"
        "88 04 00010000  # Maximum-Data-Rate-Downstream 65536\n"
        "89 04 00000040  # Minimum-Data-Rate-Upstream-Low-Power 64\n"
        "8a 04 00000041  # Minimum-Data-Rate-Downstream-Low-Power 65\n"
        "8b 04 00000010  # Maximum-Interleaving-Delay-Upstream 16\n"
        "8c 04 00000008  # Actual-Interleaving-Delay-Upstream 8\n"
        "8d 04 00000020  # Maximum-Interleaving-Delay-Downstream 32\n"
        "8e 04 00000004  # Actual-Interleaving-Delay-Downstream 4\n"
        "90 03 01 02 00  # Access-Loop-Encapsulation: Ethernet, single-tagged, n/a\n"
        "91 04 00000005  # DSL-Type VDSL2: not interpreted, kept raw\n");

access_line every_option() {
  access_line a;
  a.circuit_id = "eth 1/1/1:100";
  a.remote_id = "remote-1";
  a.actual_rate_up = 1024;
  a.actual_rate_down = 16384;
  a.min_rate_up = 128;
  a.min_rate_down = 256;
  a.attainable_rate_up = 2048;
  a.attainable_rate_down = 32768;
  a.max_rate_up = 4096;
  a.max_rate_down = 65536;
  a.min_rate_up_low_power = 64;
  a.min_rate_down_low_power = 65;
  a.max_interleaving_delay_up = 16;
  a.actual_interleaving_delay_up = 8;
  a.max_interleaving_delay_down = 32;
  a.actual_interleaving_delay_down = 4;
  a.encapsulation = access_loop_encapsulation{1, 2, 0};
  a.unknown.push_back({0x91, hex("00000005")});
  return a;
}

TEST(PppoeAccessLine, DecodesAndEncodesEverySubOption) {
  auto a = decode_access_line(test::span(every_option_bytes));
  ASSERT_TRUE(a.ok()) << wire::to_string(a.err());
  EXPECT_EQ(*a, every_option());
  EXPECT_EQ(encoded(every_option()), every_option_bytes);
}

TEST(PppoeAccessLine, EncodesInCanonicalOrderAndRoundTrips) {
  auto b =
      hex("90 03 00 00 01  # Access-Loop-Encapsulation: ATM, n/a, PPPoA LLC\n"
          "82 04 00001000  # Actual-Data-Rate-Downstream\n"
          "fe 00           # unknown, empty\n"
          "02 00           # Agent-Remote-Id, empty\n");
  auto a = decode_access_line(test::span(b));
  ASSERT_TRUE(a.ok()) << wire::to_string(a.err());
  EXPECT_EQ(a->remote_id, std::string{});
  EXPECT_FALSE(a->circuit_id.has_value());
  EXPECT_EQ(a->actual_rate_down, 0x1000u);
  EXPECT_EQ(encoded(*a), hex("02 00 | 82 04 00001000 | 90 03 000001 | fe 00"));
  auto back = decode_access_line(test::span(encoded(*a)));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *a);
}

TEST(PppoeAccessLine, RejectsMalformedSubOptions) {
  struct bad {
    const char* vector;
    wire::error want;
  };
  const bad cases[] = {
      {"01 05 616263  # circuit id claims 5 bytes, 3 left\n", {"TR-101 sub-option length past end", 101}},
      {"01 00 | 81  # type without length\n", {"truncated TR-101 sub-option header", 102}},
      {"81 02 0400  # rate of 2 bytes\n", {"TR-101 rate sub-option length not 4", 101}},
      {"8e 05 0000000400  # delay of 5 bytes\n", {"TR-101 rate sub-option length not 4", 101}},
      {"82 04 00000001 | 82 04 00000002  # repeated rate\n", {"duplicate TR-101 sub-option", 106}},
      {"01 01 61 | 01 01 62  # repeated circuit id\n", {"duplicate TR-101 sub-option", 103}},
      {"90 02 0102  # Access-Loop-Encapsulation of 2 bytes\n", {"Access-Loop-Encapsulation length not 3", 101}},
      {"90 04 01020000\n", {"Access-Loop-Encapsulation length not 3", 101}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.vector);
    auto b = hex(c.vector);
    auto a = decode_access_line(test::span(b), 100);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.err(), c.want);
  }
}

TEST(PppoeAccessLine, EveryPrefixFailsOrDecodesTheLeadingSubOptions) {
  std::vector<std::size_t> boundaries{0};
  {
    wire::reader r{test::span(every_option_bytes)};
    while (!r.empty()) {
      std::uint8_t type = 0;
      std::uint8_t length = 0;
      ASSERT_TRUE(r.u8(type) && r.u8(length) && r.skip(length));
      boundaries.push_back(r.offset());
    }
  }
  for (std::size_t n = 0; n <= every_option_bytes.size(); ++n) {
    auto a = decode_access_line(wire::byte_span{every_option_bytes.data(), n});
    bool at_boundary = std::find(boundaries.begin(), boundaries.end(), n) != boundaries.end();
    ASSERT_EQ(a.ok(), at_boundary) << "prefix " << n;
    if (a.ok()) {
      EXPECT_EQ(encoded(*a),
                (wire::bytes{every_option_bytes.begin(), every_option_bytes.begin() + static_cast<std::ptrdiff_t>(n)}));
    } else {
      EXPECT_LE(a.err().offset, n);
    }
  }
}

TEST(PppoeAccessLine, FoundInDiscoveryPacket) {
  auto b =
      hex("11 09 0000 002e      # PADI, length 46\n"
          "0101 0000            # Service-Name\n"
          "0103 0004 deadbeef   # Host-Uniq\n"
          "0105 001e            # Vendor-Specific, length 30\n"
          "00 00 0d e9          #   vendor id 3561 (Broadband Forum)\n"
          "01 0d 65746820312f312f313a313030  # Agent-Circuit-Id 'eth 1/1/1:100'\n"
          "81 04 00000400       #   Actual-Data-Rate-Upstream 1024\n"
          "90 03 01 02 00       #   Access-Loop-Encapsulation\n");
  auto d = decode_discovery(test::span(b));
  ASSERT_TRUE(d.ok()) << wire::to_string(d.err());
  auto a = access_line_of(*d);
  ASSERT_TRUE(a.ok()) << wire::to_string(a.err());
  ASSERT_TRUE(a->has_value());
  access_line want;
  want.circuit_id = "eth 1/1/1:100";
  want.actual_rate_up = 1024;
  want.encapsulation = access_loop_encapsulation{1, 2, 0};
  EXPECT_EQ(**a, want);

  auto tag = to_vendor_tag(want);
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(tag->vendor_id, bbf_vendor_id);
  EXPECT_EQ(d->tags.at(2), pppoe::tag{*tag});
}

TEST(PppoeAccessLine, ErrorOffsetsPointIntoThePacket) {
  auto b =
      hex("11 09 0000 0028      # PADI, length 40\n"
          "0101 0000            # Service-Name           (offset 6)\n"
          "0103 0004 deadbeef   # Host-Uniq              (offset 10)\n"
          "0105 0018            # Vendor-Specific, 24    (offset 18)\n"
          "00 00 0d e9          #   vendor id 3561       (offset 22)\n"
          "01 0d 65746820312f312f313a313030  # circuit id (offset 26)\n"
          "81 03 000004         #   rate of 3 bytes: length at offset 42\n");
  auto d = decode_discovery(test::span(b), 14);
  ASSERT_TRUE(d.ok()) << "the tag itself is well-formed: " << wire::to_string(d.err());
  auto a = access_line_of(*d, 14);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.err(), (wire::error{"TR-101 rate sub-option length not 4", 14 + 42}));
}

TEST(PppoeAccessLine, AbsentWithoutBroadbandForumTag) {
  discovery d{packet_code::padi, 0, {service_name{""}, vendor_specific{9, hex("0102")}}, false};
  auto a = access_line_of(d);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->has_value());
}

TEST(PppoeAccessLine, EncoderRejectsUnrepresentableValues) {
  wire::bytes out;
  wire::writer w{out};
  access_line long_id;
  long_id.circuit_id = std::string(256, 'x');
  EXPECT_FALSE(encode(long_id, w).ok());
  access_line masquerade;
  masquerade.unknown.push_back({0x81, hex("00000001")});
  EXPECT_FALSE(encode(masquerade, w).ok());
  access_line long_unknown;
  long_unknown.unknown.push_back({0xfe, wire::bytes(256)});
  EXPECT_FALSE(encode(long_unknown, w).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(to_vendor_tag(long_id).ok());
}

}  // namespace
}  // namespace bras::pppoe

#include <algorithm>
#include <string>
#include <vector>

#include "protocol/pppoe/ethernet.hpp"
#include "protocol/pppoe/pppoe.hpp"
#include "tests/unit/test_util.hpp"

namespace bras::pppoe {
namespace {

using test::hex;

wire::bytes encoded(const discovery& d) {
  wire::bytes out;
  wire::writer w{out};
  auto s = encode(d, w);
  EXPECT_TRUE(s.ok()) << wire::to_string(s.err());
  return out;
}

wire::bytes raw(std::string_view s) {
  return wire::to_bytes(s);
}

const wire::bytes padi_bytes =
    hex("11           # ver 1, type 1\n"
        "09           # code PADI\n"
        "00 00        # session id 0\n"
        "00 12        # length 18\n"
        "01 01 00 00  # Service-Name, length 0 (any service)\n"
        "01 03 00 04  # Host-Uniq, length 4\n"
        "de ad be ef  #   value\n"
        "01 20 00 02  # PPP-Max-Payload, length 2\n"
        "05 dc        #   1500\n");

const discovery padi{
    packet_code::padi, 0, {service_name{""}, host_uniq{hex("deadbeef")}, ppp_max_payload{1500}}, false};

const wire::bytes pado_bytes =
    hex("11 07        # ver/type, code PADO\n"
        "00 00        # session id 0\n"
        "00 35        # length 53\n"
        "01 02 00 05  # AC-Name, length 5\n"
        "62 72 61 73 31  # 'bras1'\n"
        "01 01 00 00  # Service-Name, length 0\n"
        "01 01 00 08  # Service-Name, length 8\n"
        "69 6e 74 65 72 6e 65 74  # 'internet'\n"
        "01 04 00 10  # AC-Cookie, length 16\n"
        "00112233 44556677 8899aabb ccddeeff\n"
        "01 03 00 04  # Host-Uniq, length 4\n"
        "de ad be ef\n");

const discovery pado{packet_code::pado,
                     0,
                     {ac_name{"bras1"}, service_name{""}, service_name{"internet"},
                      ac_cookie{hex("00112233445566778899aabbccddeeff")}, host_uniq{hex("deadbeef")}},
                     false};

const wire::bytes padr_bytes =
    hex("11 19        # ver/type, code PADR\n"
        "00 00        # session id 0\n"
        "00 32        # length 50\n"
        "01 01 00 08  # Service-Name, length 8\n"
        "69 6e 74 65 72 6e 65 74  # 'internet'\n"
        "01 03 00 04  # Host-Uniq, length 4\n"
        "de ad be ef\n"
        "01 04 00 10  # AC-Cookie, length 16\n"
        "00112233 44556677 8899aabb ccddeeff\n"
        "01 10 00 06  # Relay-Session-Id, length 6\n"
        "0a 0b 0c 0d 0e 0f\n");

const discovery padr{packet_code::padr,
                     0,
                     {service_name{"internet"}, host_uniq{hex("deadbeef")},
                      ac_cookie{hex("00112233445566778899aabbccddeeff")}, relay_session_id{hex("0a0b0c0d0e0f")}},
                     false};

const wire::bytes pads_bytes =
    hex("11 65        # ver/type, code PADS\n"
        "12 34        # session id 0x1234\n"
        "00 1a        # length 26\n"
        "01 01 00 08  # Service-Name, length 8\n"
        "69 6e 74 65 72 6e 65 74  # 'internet'\n"
        "01 03 00 04  # Host-Uniq, length 4\n"
        "de ad be ef\n"
        "01 20 00 02  # PPP-Max-Payload, length 2\n"
        "05 dc        #   1500\n");

const discovery pads{
    packet_code::pads, 0x1234, {service_name{"internet"}, host_uniq{hex("deadbeef")}, ppp_max_payload{1500}}, false};

const wire::bytes pads_error_bytes =
    hex("11 65        # ver/type, code PADS\n"
        "00 00        # session id 0 (refused)\n"
        "00 13        # length 19\n"
        "02 01 00 0f  # Service-Name-Error, length 15\n"
        "6e6f20737563682073657276696365  # 'no such service'\n");

const discovery pads_error{packet_code::pads, 0, {service_name_error{"no such service"}}, false};

const wire::bytes padt_bytes =
    hex("11 a7        # ver/type, code PADT\n"
        "12 34        # session id 0x1234\n"
        "00 16        # length 22\n"
        "02 03 00 0e  # Generic-Error, length 14\n"
        "73657373696f6e20636c6f736564  # 'session closed'\n"
        "01 04 00 00  # AC-Cookie, length 0\n");

const discovery padt{packet_code::padt, 0x1234, {generic_error{"session closed"}, ac_cookie{}}, false};

struct vector_case {
  const char* name;
  const wire::bytes* bytes;
  const discovery* value;
};

const vector_case all_vectors[] = {
    {"PADI", &padi_bytes, &padi},
    {"PADO", &pado_bytes, &pado},
    {"PADR", &padr_bytes, &padr},
    {"PADS", &pads_bytes, &pads},
    {"PADS error", &pads_error_bytes, &pads_error},
    {"PADT", &padt_bytes, &padt},
};

TEST(PppoeHeader, DecodesFieldsAndBoundsPayload) {
  auto b = hex("11 | 65 | beef | 0002 | aabb | 0000 # two bytes of Ethernet padding\n");
  auto h = decode_header(test::span(b));
  ASSERT_TRUE(h.ok()) << wire::to_string(h.err());
  EXPECT_EQ(h->code, 0x65);
  EXPECT_EQ(h->session_id, 0xbeef);
  EXPECT_EQ(h->payload.size(), 2u);
  EXPECT_EQ(h->payload.data(), b.data() + 6);
}

TEST(PppoeHeader, RejectsBadVersionAndType) {
  auto bad_ver = hex("21 09 0000 0000 # ver 2\n");
  auto bad_type = hex("12 09 0000 0000 # type 2\n");
  EXPECT_EQ(decode_header(test::span(bad_ver), 14).err(), (wire::error{"PPPoE version not 1", 14}));
  EXPECT_EQ(decode_header(test::span(bad_type), 14).err(), (wire::error{"PPPoE type not 1", 14}));
  EXPECT_EQ(decode_discovery(test::span(bad_ver)).err(), (wire::error{"PPPoE version not 1", 0}));
  EXPECT_EQ(decode_session(test::span(bad_type)).err(), (wire::error{"PPPoE type not 1", 0}));
}

TEST(PppoeHeader, RejectsLengthPastEnd) {
  auto b =
      hex("11 09 0000\n"
          "00 10        # length 16, but only 8 bytes follow\n"
          "0101 0000 0103 0000\n");
  EXPECT_EQ(decode_discovery(test::span(b), 18).err(), (wire::error{"PPPoE length past end of frame", 22}));
}

TEST(PppoeHeader, NamesCodes) {
  EXPECT_EQ(to_string(packet_code::padi), "PADI");
  EXPECT_EQ(to_string(packet_code::pado), "PADO");
  EXPECT_EQ(to_string(packet_code::padr), "PADR");
  EXPECT_EQ(to_string(packet_code::pads), "PADS");
  EXPECT_EQ(to_string(packet_code::padt), "PADT");
  EXPECT_EQ(to_string(packet_code::session), "session");
  EXPECT_EQ(to_string(static_cast<packet_code>(0x42)), "unknown");
}

TEST(PppoeDiscovery, DecodesAndEncodesEveryCode) {
  for (const auto& v : all_vectors) {
    SCOPED_TRACE(v.name);
    auto d = decode_discovery(test::span(*v.bytes));
    ASSERT_TRUE(d.ok()) << wire::to_string(d.err());
    EXPECT_EQ(*d, *v.value);
    EXPECT_EQ(encoded(*v.value), *v.bytes) << "encode is byte for byte the vector";
    auto again = decode_discovery(test::span(encoded(*d)));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *d);
  }
}

TEST(PppoeDiscovery, DecodesEveryTagType) {
  auto b =
      hex("11 07 0000   # PADO, session 0\n"
          "00 7a        # length 122\n"
          "0101 0005 766964656f           # Service-Name 'video'\n"
          "0102 0005 6272617331           # AC-Name 'bras1'\n"
          "0103 0002 abcd                 # Host-Uniq\n"
          "0104 0003 010203               # AC-Cookie\n"
          "0105 0008 00000009 01020304    # Vendor-Specific, vendor 9, data\n"
          "0110 0001 ff                   # Relay-Session-Id\n"
          "0120 0002 05dc                 # PPP-Max-Payload 1500\n"
          "0201 000f 6e6f20737563682073657276696365   # Service-Name-Error 'no such service'\n"
          "0202 0010 6f7574206f66207265736f7572636573 # AC-System-Error 'out of resources'\n"
          "0203 000d 6163206f7665726c6f61646564       # Generic-Error 'ac overloaded'\n"
          "0106 0004 00000001             # unknown tag 0x0106, kept raw\n"
          "0000 0000                      # End-Of-List\n");
  discovery want{packet_code::pado,
                 0,
                 {service_name{"video"}, ac_name{"bras1"}, host_uniq{hex("abcd")}, ac_cookie{hex("010203")},
                  vendor_specific{9, hex("01020304")}, relay_session_id{hex("ff")}, ppp_max_payload{1500},
                  service_name_error{"no such service"}, ac_system_error{"out of resources"},
                  generic_error{"ac overloaded"}, unknown_tag{0x0106, hex("00000001")}},
                 true};
  auto d = decode_discovery(test::span(b));
  ASSERT_TRUE(d.ok()) << wire::to_string(d.err());
  EXPECT_EQ(*d, want);
  EXPECT_EQ(encoded(want), b);
  ASSERT_EQ(d->tags.size(), 11u);
  const std::uint16_t types[] = {0x0101, 0x0102, 0x0103, 0x0104, 0x0105, 0x0110,
                                 0x0120, 0x0201, 0x0202, 0x0203, 0x0106};
  for (std::size_t i = 0; i < d->tags.size(); ++i) EXPECT_EQ(type_of(d->tags[i]), types[i]) << i;
  ASSERT_NE(find<service_name_error>(*d), nullptr);
  EXPECT_EQ(find<service_name_error>(*d)->message, "no such service");
  EXPECT_EQ(find<ppp_max_payload>(*d)->value, 1500);
  EXPECT_EQ(count<service_name>(*d), 1u);
}

TEST(PppoeDiscovery, EndOfListStopsParsing) {
  auto b =
      hex("11 09 0000 000c\n"
          "0101 0000    # Service-Name\n"
          "0000 0000    # End-Of-List\n"
          "ffff 00ff    # after End-Of-List: ignored, although malformed\n");
  auto d = decode_discovery(test::span(b));
  ASSERT_TRUE(d.ok()) << wire::to_string(d.err());
  EXPECT_EQ(*d, (discovery{packet_code::padi, 0, {service_name{""}}, true}));
  EXPECT_EQ(encoded(*d), hex("11 09 0000 0008 0101 0000 0000 0000"));
}

TEST(PppoeDiscovery, IgnoresEthernetPaddingInTaggedFrame) {
  auto frame =
      hex("ff ff ff ff ff ff  # dst broadcast\n"
          "00 11 22 33 44 55  # src\n"
          "88 a8 00 0a        # S-tag VID 10\n"
          "81 00 00 64        # C-tag VID 100\n"
          "88 63              # PPPoE Discovery\n"
          "11 09 0000 0004    # PADI, length 4\n"
          "0101 0000          # Service-Name\n"
          "00000000 00000000 00000000 00000000 00000000 00000000 00000000  # padding to 60 bytes\n");
  ASSERT_EQ(frame.size(), 60u);
  auto f = eth::decode(test::span(frame));
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->hdr.ethertype, eth::ethertype_pppoe_discovery);
  auto d = decode_discovery(f->payload, eth::header_size(f->hdr));
  ASSERT_TRUE(d.ok()) << wire::to_string(d.err());
  EXPECT_EQ(*d, (discovery{packet_code::padi, 0, {service_name{""}}, false}));
}

TEST(PppoeDiscovery, RejectsUnknownAndSessionCodes) {
  auto unknown = hex("11 08 0000 0000 # code 0x08\n");
  auto session = hex("11 00 0001 0000 # session code\n");
  EXPECT_EQ(decode_discovery(test::span(unknown), 14).err(), (wire::error{"unknown PPPoE discovery code", 15}));
  EXPECT_EQ(decode_discovery(test::span(session)).err(), (wire::error{"unknown PPPoE discovery code", 1}));
}

TEST(PppoeDiscovery, RejectsMalformedTags) {
  struct bad {
    const char* vector;
    wire::error want;
  };
  const bad cases[] = {
      {"11 09 0000 0008 | 0101 0000 | 0103 0010  # Host-Uniq claims 16 bytes, 0 left\n",
       {"tag length past end of payload", 12}},
      {"11 09 0000 000a | 0101 0000 | 0103 0004 dead  # Host-Uniq claims 4 bytes, 2 left\n",
       {"tag length past end of payload", 12}},
      {"11 09 0000 0007 | 0101 0000 | 0103 00  # 3 bytes: not a tag header\n", {"truncated tag header", 10}},
      {"11 09 0000 0001 | 01  # 1 byte: not a tag header\n", {"truncated tag header", 6}},
      {"11 09 0000 0007 | 0120 0003 05dc00  # PPP-Max-Payload of 3 bytes\n", {"PPP-Max-Payload length not 2", 8}},
      {"11 09 0000 0005 | 0120 0001 05  # PPP-Max-Payload of 1 byte\n", {"PPP-Max-Payload length not 2", 8}},
      {"11 09 0000 0007 | 0105 0003 000009  # Vendor-Specific without a whole vendor id\n",
       {"Vendor-Specific shorter than its vendor id", 8}},
      {"11 09 0000 0005 | 0000 0001 00  # End-Of-List with a value\n", {"End-Of-List length not zero", 8}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.vector);
    auto b = hex(c.vector);
    auto d = decode_discovery(test::span(b));
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.err(), c.want);
    auto shifted = decode_discovery(test::span(b), 1000);
    ASSERT_FALSE(shifted.ok());
    EXPECT_EQ(shifted.err().offset, c.want.offset + 1000) << "offsets are absolute";
  }
}

TEST(PppoeDiscovery, EveryPrefixOfThePacketFails) {
  for (const auto& v : all_vectors) {
    SCOPED_TRACE(v.name);
    for (std::size_t n = 0; n < v.bytes->size(); ++n) {
      auto d = decode_discovery(wire::byte_span{v.bytes->data(), n}, 14);
      ASSERT_FALSE(d.ok()) << "prefix " << n;
      EXPECT_LE(d.err().offset, 14 + n);
    }
  }
}

// Cuts the tag list at every byte and fixes LENGTH to match: exactly the cuts
// at tag boundaries are valid and decode to the leading tags.
TEST(PppoeDiscovery, EveryTruncatedTagListFailsOrDecodesTheLeadingTags) {
  for (const auto& v : all_vectors) {
    SCOPED_TRACE(v.name);
    std::vector<std::size_t> boundaries{0};
    for (const tag& t : v.value->tags) boundaries.push_back(boundaries.back() + wire_size(t));
    std::size_t payload = v.bytes->size() - header_size;
    ASSERT_EQ(boundaries.back(), payload);
    for (std::size_t n = 0; n <= payload; ++n) {
      wire::bytes cut{v.bytes->begin(), v.bytes->begin() + static_cast<std::ptrdiff_t>(header_size + n)};
      cut[4] = std::byte{0};
      cut[5] = static_cast<std::byte>(n);
      auto d = decode_discovery(test::span(cut));
      auto at = std::find(boundaries.begin(), boundaries.end(), n);
      if (at == boundaries.end()) {
        ASSERT_FALSE(d.ok()) << "cut at " << n;
        EXPECT_GE(d.err().offset, header_size);
        EXPECT_LE(d.err().offset, header_size + n);
      } else {
        ASSERT_TRUE(d.ok()) << "cut at " << n << ": " << wire::to_string(d.err());
        std::size_t tags = static_cast<std::size_t>(at - boundaries.begin());
        ASSERT_EQ(d->tags.size(), tags);
        for (std::size_t i = 0; i < tags; ++i) EXPECT_EQ(d->tags[i], v.value->tags[i]);
        EXPECT_EQ(encoded(*d), cut);
      }
    }
  }
}

TEST(PppoeDiscovery, EncodesLargeTagsAndRejectsOversizedOnes) {
  discovery d{packet_code::padi, 0, {service_name{""}, host_uniq{wire::bytes(300, std::byte{0x5a})}}, false};
  auto b = encoded(d);
  ASSERT_EQ(b.size(), 6u + 4 + 4 + 300);
  EXPECT_EQ(wire::to_hex({b.data(), 14}),
            "11090000"
            "0134"
            "01010000"
            "0103012c");
  auto back = decode_discovery(test::span(b));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, d);

  wire::bytes out;
  wire::writer w{out};
  discovery too_big{packet_code::padi, 0, {host_uniq{wire::bytes(65536)}}, false};
  EXPECT_EQ(encode(too_big, w).err().reason, "tag value longer than 65535");
  discovery sum_too_big{packet_code::padi, 0, {host_uniq{wire::bytes(40000)}, ac_cookie{wire::bytes(40000)}}, false};
  EXPECT_EQ(encode(sum_too_big, w).err().reason, "Discovery payload longer than 65535");
  discovery masquerade{packet_code::padi, 0, {unknown_tag{0x0101, raw("x")}}, false};
  EXPECT_EQ(encode(masquerade, w).err().reason, "unknown_tag carries a known tag type");
  discovery eol{packet_code::padi, 0, {unknown_tag{0x0000, {}}}, false};
  EXPECT_FALSE(encode(eol, w).ok()) << "End-Of-List is the end_of_list flag, not a tag";
  discovery session{packet_code::session, 1, {}, false};
  EXPECT_EQ(encode(session, w).err().reason, "not a Discovery code");
  EXPECT_TRUE(out.empty()) << "a failed encode appends nothing";
}

TEST(PppoeDiscovery, KeepsNonAsciiServiceNamesAsBytes) {
  auto b = hex("11 09 0000 0008 | 0101 0004 c3a9 ff00  # UTF-8 e-acute, then invalid bytes\n");
  auto d = decode_discovery(test::span(b));
  ASSERT_TRUE(d.ok());
  ASSERT_NE(find<service_name>(*d), nullptr);
  EXPECT_EQ(find<service_name>(*d)->name, std::string("\xc3\xa9\xff\0", 4));
  EXPECT_EQ(encoded(*d), b);
}

}  // namespace
}  // namespace bras::pppoe

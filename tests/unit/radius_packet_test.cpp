// RADIUS packet codec (RFC 2865 §3, §5): annotated vectors, round trips, every decode
// error with its offset, and the Vendor-Specific walk.
#include "protocol/radius/packet.hpp"

#include <string>

#include "tests/unit/test_util.hpp"

namespace bras::radius {
namespace {

using test::hex;
using test::span;

const wire::bytes accounting_start =
    hex("04 07 002d                                # Accounting-Request id 7 length 45\n"
        "00000000 00000000 00000000 00000000       # authenticator\n"
        "28 06 00000001                            # Acct-Status-Type Start\n"
        "2c 06 30303031                            # Acct-Session-Id 0001\n"
        "1a 0d 00000de9 01 07 70 6f 72 74 31       # VSA DSL Forum (3561): Agent-Circuit-Id port1\n");

TEST(RadiusPacket, DecodesAnAnnotatedVector) {
  auto p = decode(span(accounting_start));
  ASSERT_TRUE(p) << wire::to_string(p.err());
  EXPECT_EQ(p->code, code::accounting_request);
  EXPECT_EQ(p->id, 7);
  ASSERT_EQ(p->attributes.size(), 3u);
  EXPECT_EQ(as_u32(p->attributes[0]), 1u);
  ASSERT_NE(p->find(attr::acct_session_id), nullptr);
  EXPECT_EQ(as_string(*p->find(attr::acct_session_id)), "0001");
  const auto circuit = p->find_vendor(vendor::dsl_forum, vendor::agent_circuit_id);
  ASSERT_TRUE(circuit);
  EXPECT_EQ(wire::to_string(circuit->value), "port1");
  EXPECT_EQ(encode(*p), accounting_start);
}

TEST(RadiusPacket, BuildsWhatItDecodes) {
  packet p;
  p.code = code::coa_request;
  p.id = 200;
  p.add_string(attr::user_name, "alice@example");
  p.add_ipv4(attr::framed_ip_address, 0xc0000201);
  p.add_u32(attr::session_timeout, 3600);
  p.add_vendor(vendor::dsl_forum, vendor::agent_remote_id, wire::as_bytes("remote-7"));
  p.add(attr::class_, {});
  const auto wire_form = encode(p);
  EXPECT_EQ(wire::load_u16(wire_form.data() + 2), wire_form.size());
  auto back = decode(span(wire_form));
  ASSERT_TRUE(back) << wire::to_string(back.err());
  EXPECT_EQ(back->code, p.code);
  EXPECT_EQ(back->id, p.id);
  EXPECT_EQ(back->auth, p.auth);
  EXPECT_EQ(back->attributes, p.attributes);
}

TEST(RadiusPacket, IgnoresBytesPastTheLengthField) {
  auto padded = accounting_start;
  padded.insert(padded.end(), {std::byte{0xff}, std::byte{0x00}, std::byte{0x13}});
  auto p = decode(span(padded));
  ASSERT_TRUE(p);
  EXPECT_EQ(encode(*p), accounting_start);
}

TEST(RadiusPacket, AnEmptyPacketIsTwentyBytes) {
  auto p = decode(span(hex("0c 01 0014 00000000 00000000 00000000 00000000")));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->code, code::status_server);
  EXPECT_TRUE(p->attributes.empty());
}

struct decode_error_case {
  const char* name;
  const char* hex;
  std::string_view reason;
  std::size_t offset;
};

TEST(RadiusPacket, ReportsEveryDecodeErrorWithItsOffset) {
  const decode_error_case cases[] = {
      {"empty", "", "radius-truncated-header", 0},
      {"three bytes", "01 00 00", "radius-truncated-header", 3},
      {"length 19", "01 00 0013 00000000 00000000 00000000 00000000", "radius-length-too-small", 2},
      {"length 4097", "01 00 1001 00000000 00000000 00000000 00000000", "radius-length-too-large", 2},
      {"length past the datagram", "01 00 0016 00000000 00000000 00000000 00000000 01",
       "radius-length-exceeds-datagram", 2},
      {"one attribute byte", "01 00 0015 00000000 00000000 00000000 00000000 01", "radius-truncated-attribute", 20},
      {"attribute length 1", "01 00 0016 00000000 00000000 00000000 00000000 01 01",
       "radius-attribute-length-too-small", 21},
      {"attribute length 0 after a good one", "01 00 001a 00000000 00000000 00000000 00000000 01 04 6162 05 00",
       "radius-attribute-length-too-small", 25},
      {"attribute past the packet", "01 00 0017 00000000 00000000 00000000 00000000 01 05 61",
       "radius-attribute-overruns-packet", 21},
      {"attribute past the length field (bytes follow in the datagram)",
       "01 00 0017 00000000 00000000 00000000 00000000 01 05 61 62 63", "radius-attribute-overruns-packet", 21},
  };
  for (const auto& c : cases) {
    const auto b = hex(c.hex);
    const auto p = decode(span(b));
    ASSERT_FALSE(p) << c.name;
    EXPECT_EQ(p.err().reason, c.reason) << c.name;
    EXPECT_EQ(p.err().offset, c.offset) << c.name;
  }
}

TEST(RadiusPacket, EncodeCutsValuesAtTheAttributeLimit) {
  packet p;
  p.attributes.push_back({attr::class_, wire::bytes(300, std::byte{0x41})});
  const auto wire_form = encode(p);
  ASSERT_EQ(wire_form.size(), header_size + 255);
  EXPECT_EQ(std::to_integer<int>(wire_form[21]), 255);
  p.attributes.clear();
  p.add(attr::class_, wire::bytes(300, std::byte{0x41}));
  EXPECT_EQ(p.attributes[0].value.size(), max_attribute_value);
  p.add_vendor(vendor::dsl_forum, vendor::agent_circuit_id, wire::bytes(300, std::byte{0x41}));
  EXPECT_EQ(p.attributes[1].value.size(), max_attribute_value);
  const auto vsa = p.find_vendor(vendor::dsl_forum, vendor::agent_circuit_id);
  ASSERT_TRUE(vsa);
  EXPECT_EQ(vsa->value.size(), max_attribute_value - 6);
}

TEST(RadiusPacket, WalksVendorSpecificSubAttributes) {
  const auto b =
      hex("2b 01 004b 00000000 00000000 00000000 00000000\n"
          "1a 10 00000de9  01 04 6162  02 06 63646566   # DSL Forum: circuit ab, remote cdef\n"
          "1a 0c 00000137  1c 06 08080808               # Microsoft: MS-Primary-DNS-Server 8.8.8.8\n"
          "1a 03 00                                     # too short for a vendor id: skipped\n"
          "1a 0d 00000de9  81 06 00000400  ff           # rate, then a one-byte tail: walk ends\n"
          "1a 0b 00000de9  82 01  00 00 00              # sub-attribute length 1: walk ends at once\n");
  auto p = decode(span(b));
  ASSERT_TRUE(p) << wire::to_string(p.err());
  const auto vsas = p->vendor_attributes();
  ASSERT_EQ(vsas.size(), 4u);
  EXPECT_EQ(vsas[0], (vendor_attribute{vendor::dsl_forum, vendor::agent_circuit_id, hex("6162")}));
  EXPECT_EQ(vsas[1], (vendor_attribute{vendor::dsl_forum, vendor::agent_remote_id, hex("63646566")}));
  EXPECT_EQ(vsas[2], (vendor_attribute{vendor::microsoft, vendor::ms_primary_dns_server, hex("08080808")}));
  EXPECT_EQ(vsas[3], (vendor_attribute{vendor::dsl_forum, vendor::actual_data_rate_upstream, hex("00000400")}));
  EXPECT_FALSE(p->find_vendor(vendor::dsl_forum, vendor::actual_data_rate_downstream));
  EXPECT_FALSE(p->find_vendor(vendor::microsoft, vendor::agent_circuit_id));
}

TEST(RadiusPacket, SubAttributeLongerThanItsVsaEndsTheWalk) {
  const auto b =
      hex("2b 01 0022 00000000 00000000 00000000 00000000\n"
          "1a 0e 00000de9  01 03 61  02 09 626364         # second sub-attribute claims 9 of 5 bytes\n");
  auto p = decode(span(b));
  ASSERT_TRUE(p);
  const auto vsas = p->vendor_attributes();
  ASSERT_EQ(vsas.size(), 1u);
  EXPECT_EQ(wire::to_string(vsas[0].value), "a");
}

TEST(RadiusPacket, FindsAllAndRemoves) {
  packet p;
  p.add_string(attr::class_, "one");
  p.add_u32(attr::session_timeout, 5);
  p.add_string(attr::class_, "two");
  const auto classes = p.all(attr::class_);
  ASSERT_EQ(classes.size(), 2u);
  EXPECT_EQ(as_string(*classes[1]), "two");
  EXPECT_EQ(as_string(*p.find(attr::class_)), "one");
  p.remove(attr::class_);
  EXPECT_EQ(p.find(attr::class_), nullptr);
  ASSERT_EQ(p.attributes.size(), 1u);
  EXPECT_EQ(as_u32(p.attributes[0]), 5u);
}

TEST(RadiusPacket, IntegersAreExactlyFourBytes) {
  EXPECT_FALSE(as_u32(attribute{attr::session_timeout, hex("000001")}));
  EXPECT_FALSE(as_u32(attribute{attr::session_timeout, hex("0000000001")}));
  EXPECT_EQ(as_u32(attribute{attr::session_timeout, hex("00000e10")}), 3600u);
}

TEST(RadiusPacket, NamesCodes) {
  EXPECT_EQ(to_string(code::access_request), "Access-Request");
  EXPECT_EQ(to_string(code::disconnect_nak), "Disconnect-NAK");
  EXPECT_EQ(to_string(code::coa_ack), "CoA-ACK");
  EXPECT_EQ(to_string(static_cast<code>(99)), "unknown");
}

}  // namespace
}  // namespace bras::radius

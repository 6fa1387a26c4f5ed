// Access-Request, Status-Server, Access-Accept authorization and the RFC 3162 prefix codec.
#include <gtest/gtest.h>

#include "protocol/radius/attributes.hpp"
#include "tests/unit/radius_attributes_test_util.hpp"

namespace bras::radius {
namespace {

using test::add_hex;
using test::attribute_bytes;
using test::hex;
using test::ip;
using test::through_wire;

ipv6_prefix prefix_of(std::string_view address_hex, std::uint8_t length) {
  ipv6_prefix p;
  const auto b = hex(address_hex);
  std::copy(b.begin(), b.end(), p.address.begin());
  p.length = length;
  return p;
}

// ---- RFC 3162 prefixes ----

TEST(RadiusPrefix, EncodesOnlyTheBytesTheLengthNeeds) {
  EXPECT_EQ(encode_prefix(prefix_of("20010db8 00010000", 64)), hex("00 40 20010db8 00010000"));
  EXPECT_EQ(encode_prefix(prefix_of("", 0)), hex("00 00"));
  EXPECT_EQ(encode_prefix(prefix_of("20010db8 00000000 00000000 00000001", 128)),
            hex("00 80 20010db8 00000000 00000000 00000001"));
}

TEST(RadiusPrefix, EncodingZeroesBitsPastTheLength) {
  // /61: the last byte keeps its top 5 bits only.
  EXPECT_EQ(encode_prefix(prefix_of("20010db8 000100ff", 61)), hex("00 3d 20010db8 000100f8"));
}

TEST(RadiusPrefix, DecodesShortAndFullForms) {
  const auto full = decode_prefix(hex("00 40 20010db8 00010000 00000000 00000000"));
  ASSERT_TRUE(full);
  EXPECT_EQ(*full, prefix_of("20010db8 00010000", 64));
  const auto short_form = decode_prefix(hex("00 40 20010db8 0001"));
  ASSERT_TRUE(short_form);  // the missing prefix bytes are zero
  EXPECT_EQ(*short_form, prefix_of("20010db8 00010000", 64));
  EXPECT_EQ(decode_prefix(encode_prefix(prefix_of("20010db8 00010000", 56))), prefix_of("20010db8 000100", 56));
}

TEST(RadiusPrefix, IgnoresTheReservedByte) {
  EXPECT_EQ(decode_prefix(hex("ff 20 20010db8")), prefix_of("20010db8", 32));
}

TEST(RadiusPrefix, RefusesMalformedValues) {
  EXPECT_FALSE(decode_prefix(hex("00")));                                            // no length byte
  EXPECT_FALSE(decode_prefix(hex("00 81 20010db8")));                                // length 129
  EXPECT_FALSE(decode_prefix(hex("00 80 20010db8 00000000 00000000 00000001 00")));  // 17 prefix bytes
  EXPECT_FALSE(decode_prefix(hex("00 20 20010db8 01")));                             // a bit past /32
  EXPECT_FALSE(decode_prefix(hex("00 3d 20010db8 000100fc")));                       // bit 62 set in a /61
}

// ---- Access-Request ----

nas_identity our_nas() {
  return {ip(192, 0, 2, 10), "bras1"};
}

subscriber_line l2tp_line() {
  subscriber_line line;
  line.nas_port = 7;
  line.nas_port_id = "l2tp:1:2";
  line.calling_station_id = "0123";
  line.called_station_id = "999";
  line.connect_info = "1000/2000";
  pppoe::access_line dsl;
  dsl.circuit_id = "eth 1/1/1:100";
  dsl.remote_id = "r1";
  dsl.actual_rate_up = 1024;
  dsl.actual_rate_down = 16384;
  dsl.actual_interleaving_delay_down = 4;
  dsl.encapsulation = pppoe::access_loop_encapsulation{1, 2, 0};
  dsl.unknown.push_back({0x91, hex("00000005")});
  line.line = dsl;
  return line;
}

TEST(RadiusAccessRequest, PapCarriesEveryAttributeInOrder) {
  credentials c;
  c.user = "alice@isp";
  c.password = "secret";
  const auto p = make_access_request(our_nas(), c, l2tp_line(), "5f000001");
  EXPECT_EQ(p.code, code::access_request);
  EXPECT_EQ(attribute_bytes(p), hex("01 0b 616c69636540697370  # User-Name alice@isp\n"
                                    "02 08 736563726574        # User-Password, clear until sealed\n"
                                    "04 06 c000020a            # NAS-IP-Address 192.0.2.10\n"
                                    "20 07 6272617331          # NAS-Identifier bras1\n"
                                    "06 06 00000002            # Service-Type Framed\n"
                                    "07 06 00000001            # Framed-Protocol PPP\n"
                                    "05 06 00000007            # NAS-Port 7\n"
                                    "57 0a 6c3274703a313a32    # NAS-Port-Id l2tp:1:2\n"
                                    "3d 06 00000005            # NAS-Port-Type Virtual\n"
                                    "1e 05 393939              # Called-Station-Id 999\n"
                                    "1f 06 30313233            # Calling-Station-Id 0123\n"
                                    "4d 0b 313030302f32303030  # Connect-Info 1000/2000\n"
                                    "1a 15 00000de9 01 0f 65746820312f312f313a313030  # Agent-Circuit-Id\n"
                                    "1a 0a 00000de9 02 04 7231                        # Agent-Remote-Id r1\n"
                                    "1a 0c 00000de9 81 06 00000400  # Actual-Data-Rate-Upstream 1024\n"
                                    "1a 0c 00000de9 82 06 00004000  # Actual-Data-Rate-Downstream 16384\n"
                                    "1a 0c 00000de9 8e 06 00000004  # Actual-Interleaving-Delay-Downstream 4\n"
                                    "1a 0b 00000de9 90 05 010200    # Access-Loop-Encapsulation\n"
                                    "1a 0c 00000de9 91 06 00000005  # DSL-Type: forwarded by number\n"
                                    "2c 0a 3566303030303031         # Acct-Session-Id 5f000001\n"));
  EXPECT_EQ(through_wire(p).attributes, p.attributes);
}

TEST(RadiusAccessRequest, ChapSendsIdResponseAndChallenge) {
  credentials c;
  c.user = "bob";
  c.chap = true;
  c.chap_id = 0x2a;
  c.challenge = hex("00112233445566778899aabbccddeeff 0011");
  c.response = hex("ffeeddccbbaa99887766554433221100");
  subscriber_line line;
  const auto p = make_access_request({0, "bras1"}, c, line, "");
  EXPECT_EQ(p.find(attr::user_password), nullptr);
  ASSERT_NE(p.find(attr::chap_password), nullptr);
  EXPECT_EQ(p.find(attr::chap_password)->value, hex("2a ffeeddccbbaa99887766554433221100"));
  ASSERT_NE(p.find(attr::chap_challenge), nullptr);
  EXPECT_EQ(p.find(attr::chap_challenge)->value, c.challenge);
  // No NAS-IP-Address when it is 0, no Acct-Session-Id when empty, no VSAs without a line.
  EXPECT_EQ(p.find(attr::nas_ip_address), nullptr);
  EXPECT_EQ(p.find(attr::acct_session_id), nullptr);
  EXPECT_EQ(p.find(attr::vendor_specific), nullptr);
  EXPECT_EQ(as_u32(*p.find(attr::nas_port)), 0u);  // NAS-Port 0 is a port
}

TEST(RadiusAccessRequest, StatusServerCarriesOnlyTheNasIdentity) {
  const auto p = make_status_server(our_nas());
  EXPECT_EQ(p.code, code::status_server);
  EXPECT_EQ(attribute_bytes(p), hex("04 06 c000020a  20 07 6272617331"));
  EXPECT_TRUE(make_status_server({}).attributes.empty());
}

// ---- Access-Accept ----

packet accept() {
  packet p;
  p.code = code::access_accept;
  return p;
}

TEST(RadiusAuthorization, ReadsARealisticAccept) {
  auto p = accept();
  p.add_ipv4(attr::framed_ip_address, ip(100, 64, 0, 9));
  p.add_string(attr::framed_pool, "residential");
  add_hex(p, attr::framed_ipv6_prefix, "00 40 20010db8 00010000");
  add_hex(p, attr::delegated_ipv6_prefix, "00 38 20010db8 020000");
  p.add_string(attr::framed_ipv6_pool, "v6-wan");
  p.add_string(attr::delegated_ipv6_prefix_pool, "v6-pd");
  p.add_u32(attr::session_timeout, 86400);
  p.add_u32(attr::idle_timeout, 1800);
  p.add_u32(attr::acct_interim_interval, 300);
  p.add_string(attr::class_, "plan=gold");
  p.add_string(attr::reply_message, "welcome");
  p.add_u32(attr::framed_mtu, 1492);
  p.add_string(attr::class_, "region=north");
  p.add_vendor(vendor::microsoft, vendor::ms_secondary_dns_server, hex("08080404"));
  p.add_vendor(vendor::microsoft, vendor::ms_primary_dns_server, hex("01010101"));
  p.add_string(attr::reply_message, "enjoy");
  p.add_vendor(vendor::unisphere, vendor::erx_tunnel_group, wire::as_bytes("wholesale-a"));
  const auto got = read_authorization(through_wire(p));
  ASSERT_TRUE(got.ok()) << wire::to_string(got.err());
  EXPECT_EQ(got->framed_ip, ip(100, 64, 0, 9));
  EXPECT_FALSE(got->from_pool);
  EXPECT_EQ(got->framed_pool, "residential");
  EXPECT_EQ(got->framed_ipv6_prefix, prefix_of("20010db8 00010000", 64));
  EXPECT_EQ(got->delegated_ipv6_prefix, prefix_of("20010db8 020000", 56));
  EXPECT_EQ(got->framed_ipv6_pool, "v6-wan");
  EXPECT_EQ(got->delegated_ipv6_pool, "v6-pd");
  EXPECT_EQ(got->session_timeout, std::chrono::seconds{86400});
  EXPECT_EQ(got->idle_timeout, std::chrono::seconds{1800});
  EXPECT_EQ(got->interim_interval, std::chrono::seconds{300});
  ASSERT_EQ(got->classes.size(), 2u);
  EXPECT_EQ(wire::to_string(got->classes[0]), "plan=gold");
  EXPECT_EQ(wire::to_string(got->classes[1]), "region=north");
  EXPECT_EQ(got->framed_mtu, 1492);
  EXPECT_EQ(got->dns, (std::vector<std::uint32_t>{ip(1, 1, 1, 1), ip(8, 8, 4, 4)}));  // primary first
  EXPECT_EQ(got->reply_message, "welcome\nenjoy");
  EXPECT_EQ(got->tunnel_group, "wholesale-a");
  EXPECT_TRUE(got->tunnels.empty());
  EXPECT_TRUE(got->ignored_tunnel_tags.empty());
}

TEST(RadiusAuthorization, AnEmptyAcceptGrantsNothingInParticular) {
  const auto got = read_authorization(accept());
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->framed_ip);
  EXPECT_FALSE(got->from_pool);
  EXPECT_FALSE(got->session_timeout);
  EXPECT_FALSE(got->interim_interval);
  EXPECT_TRUE(got->dns.empty());
  EXPECT_TRUE(got->reply_message.empty());
}

TEST(RadiusAuthorization, NasSelectsAndUserSelectsMeanFromAPool) {
  for (const std::uint32_t special : {framed_ip_nas_selects, framed_ip_user_selects}) {
    auto p = accept();
    p.add_ipv4(attr::framed_ip_address, special);
    const auto got = read_authorization(p);
    ASSERT_TRUE(got.ok());
    EXPECT_TRUE(got->from_pool);
    EXPECT_FALSE(got->framed_ip);
  }
}

TEST(RadiusAuthorization, ZeroTimeoutsMeanNoLimitAndShortInterimsAreRaisedTo60) {
  auto p = accept();
  p.add_u32(attr::session_timeout, 0);
  p.add_u32(attr::idle_timeout, 0);
  p.add_u32(attr::acct_interim_interval, 30);
  auto got = read_authorization(p);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->session_timeout);
  EXPECT_FALSE(got->idle_timeout);
  EXPECT_EQ(got->interim_interval, std::chrono::seconds{60});
  auto none = accept();
  none.add_u32(attr::acct_interim_interval, 0);
  got = read_authorization(none);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->interim_interval);
}

TEST(RadiusAuthorization, FramedMtuBounds) {
  for (const std::uint32_t mtu : {64u, 65535u}) {
    auto p = accept();
    p.add_u32(attr::framed_mtu, mtu);
    const auto got = read_authorization(p);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->framed_mtu, mtu);
  }
  for (const std::uint32_t mtu : {63u, 65536u}) {
    auto p = accept();
    p.add_u32(attr::framed_mtu, mtu);
    const auto got = read_authorization(p);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.err(), (wire::error{"radius-framed-mtu-range", 0}));
  }
}

// A malformed value of a known attribute: the error names it and the attribute's index.
struct malformed_case {
  const char* name;
  std::uint8_t type;
  const char* value_hex;
  std::string_view reason;
};

class RadiusAuthorizationMalformed : public ::testing::TestWithParam<malformed_case> {};

TEST_P(RadiusAuthorizationMalformed, IsAnErrorAtTheAttributesIndex) {
  auto p = accept();
  p.add_string(attr::reply_message, "first");
  p.add_string(attr::class_, "second");
  add_hex(p, GetParam().type, GetParam().value_hex);
  const auto got = read_authorization(through_wire(p));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.err(), (wire::error{GetParam().reason, 2}));
}

INSTANTIATE_TEST_SUITE_P(
    Values, RadiusAuthorizationMalformed,
    ::testing::Values(
        malformed_case{"FramedIpShort", attr::framed_ip_address, "0a0000", "radius-framed-ip-size"},
        malformed_case{"FramedIpZero", attr::framed_ip_address, "00000000", "radius-framed-ip-zero"},
        malformed_case{"SessionTimeoutLong", attr::session_timeout, "0000000001", "radius-session-timeout-size"},
        malformed_case{"IdleTimeoutEmpty", attr::idle_timeout, "", "radius-idle-timeout-size"},
        malformed_case{"InterimShort", attr::acct_interim_interval, "012c", "radius-interim-interval-size"},
        malformed_case{"MtuShort", attr::framed_mtu, "05dc", "radius-framed-mtu-size"},
        malformed_case{"Ipv6PrefixTooLong", attr::framed_ipv6_prefix, "00 81 20010db8",
                       "radius-framed-ipv6-prefix-malformed"},
        malformed_case{"DelegatedPrefixBitsPastLength", attr::delegated_ipv6_prefix, "00 20 20010db8 80",
                       "radius-delegated-ipv6-prefix-malformed"},
        malformed_case{"MsDnsShort", attr::vendor_specific, "00000137 1c 05 010101", "radius-ms-dns-size"},
        malformed_case{"TunnelTypeTagTooBig", attr::tunnel_type, "20000003", "radius-tunnel-tag-invalid"},
        malformed_case{"TunnelPreferenceShort", attr::tunnel_preference, "0100", "radius-tunnel-integer-size"},
        malformed_case{"TunnelPasswordEmpty", attr::tunnel_password, "", "radius-tunnel-password-empty"}),
    [](const auto& param_info) { return std::string{param_info.param.name}; });

TEST(RadiusAuthorization, RefusesAnythingButAnAccept) {
  packet reject;
  reject.code = code::access_reject;
  const auto got = read_authorization(reject);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.err().reason, "radius-not-access-accept");
}

TEST(RadiusAuthorization, ReplyMessageOfARejectIsJoined) {
  packet reject;
  reject.code = code::access_reject;
  EXPECT_EQ(reply_message(reject), "");
  reject.add_string(attr::reply_message, "bad password");
  EXPECT_EQ(reply_message(reject), "bad password");
  reject.add_string(attr::reply_message, "call support");
  EXPECT_EQ(reply_message(through_wire(reject)), "bad password\ncall support");
}

TEST(RadiusAuthorization, UnknownAndMalformedVendorAttributesAreIgnored) {
  auto p = accept();
  add_hex(p, attr::vendor_specific, "000009 ");                // too short for a vendor id
  add_hex(p, attr::vendor_specific, "00000137 1c 01");         // sub-attribute length 1: skipped
  add_hex(p, attr::vendor_specific, "00000009 01 05 616263");  // Cisco AV-pair: not ours
  p.add_vendor(vendor::microsoft, vendor::ms_primary_dns_server, hex("0a000001"));
  const auto got = read_authorization(through_wire(p));
  ASSERT_TRUE(got.ok()) << wire::to_string(got.err());
  EXPECT_EQ(got->dns, (std::vector<std::uint32_t>{ip(10, 0, 0, 1)}));
}

}  // namespace
}  // namespace bras::radius

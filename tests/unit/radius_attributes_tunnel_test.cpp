// RFC 2868 tunnel attributes of an Access-Accept -> the LAC's tunnel candidates.
#include <gtest/gtest.h>

#include "protocol/radius/attributes.hpp"
#include "tests/unit/radius_attributes_test_util.hpp"

namespace bras::radius {
namespace {

using test::add_hex;
using test::hex;
using test::ip;
using test::through_wire;

packet accept() {
  packet p;
  p.code = code::access_accept;
  return p;
}

// A tagged string value: the tag byte, then the text.
wire::bytes tagged(std::uint8_t tag, std::string_view text) {
  wire::bytes b{std::byte{tag}};
  const auto t = wire::as_bytes(text);
  b.insert(b.end(), t.begin(), t.end());
  return b;
}

// A wholesale Accept as a RADIUS server sends it, grouped by attribute type: tags 1 and 2 are
// L2TP over IPv4 (2 preferred), 3 is PPTP, 4 names its LNS by FQDN, 5 is over IPv6.
packet wholesale_accept() {
  auto p = accept();
  add_hex(p, attr::tunnel_type, "01 000003");
  add_hex(p, attr::tunnel_type, "02 000003");
  add_hex(p, attr::tunnel_type, "03 000001");
  add_hex(p, attr::tunnel_type, "04 000003");
  add_hex(p, attr::tunnel_type, "05 000003");
  add_hex(p, attr::tunnel_medium_type, "01 000001");
  add_hex(p, attr::tunnel_medium_type, "02 000001");
  add_hex(p, attr::tunnel_medium_type, "05 000002");
  p.add(attr::tunnel_server_endpoint, tagged(1, "192.0.2.1"));
  p.add(attr::tunnel_server_endpoint, tagged(2, "192.0.2.2:1702"));
  p.add(attr::tunnel_server_endpoint, tagged(3, "192.0.2.3"));
  p.add(attr::tunnel_server_endpoint, tagged(4, "lns.example.net"));
  p.add(attr::tunnel_server_endpoint, tagged(5, "2001:db8::1"));
  p.add(attr::tunnel_password, tagged(1, "s3cret"));  // as open_reply leaves it: tag, clear text
  p.add(attr::tunnel_password, tagged(2, "other"));
  add_hex(p, attr::tunnel_preference, "01 000002");
  add_hex(p, attr::tunnel_preference, "02 000001");
  p.add(attr::tunnel_client_auth_id, tagged(1, "lac-east"));
  p.add(attr::tunnel_server_auth_id, tagged(1, "lns-1"));
  p.add(attr::tunnel_assignment_id, tagged(1, "pool-a"));
  p.add(attr::tunnel_client_endpoint, tagged(1, "192.0.2.100"));
  p.add(attr::tunnel_private_group_id, tagged(2, "vlan-7"));  // not L2TP's: read and ignored
  p.add_vendor(vendor::unisphere, vendor::erx_tunnel_group, wire::as_bytes("wholesale-a"));
  return p;
}

TEST(RadiusTunnels, OneCandidatePerUsableTagSortedByPreference) {
  const auto got = read_authorization(through_wire(wholesale_accept()));
  ASSERT_TRUE(got.ok()) << wire::to_string(got.err());
  ASSERT_EQ(got->tunnels.size(), 2u);
  const auto& first = got->tunnels[0];
  EXPECT_EQ(first.tag, 2);
  EXPECT_EQ(first.name, "aaa:192.0.2.2:1702");
  EXPECT_EQ(first.address, ip(192, 0, 2, 2));
  EXPECT_EQ(first.port, 1702);
  EXPECT_EQ(first.preference, 1u);
  EXPECT_EQ(first.secret, "other");
  EXPECT_EQ(first.client_auth_id, "");
  const auto& second = got->tunnels[1];
  EXPECT_EQ(second.tag, 1);
  EXPECT_EQ(second.name, "aaa:192.0.2.1");
  EXPECT_EQ(second.address, ip(192, 0, 2, 1));
  EXPECT_EQ(second.port, 1701);
  EXPECT_EQ(second.preference, 2u);
  EXPECT_EQ(second.secret, "s3cret");
  EXPECT_EQ(second.client_auth_id, "lac-east");
  EXPECT_EQ(second.server_auth_id, "lns-1");
  EXPECT_EQ(second.assignment_id, "pool-a");
  EXPECT_EQ(second.local_gateway, "192.0.2.100");
  EXPECT_EQ(second.weight, 1u);
  EXPECT_EQ(got->ignored_tunnel_tags, (std::vector<std::uint8_t>{3, 4, 5}));
  EXPECT_EQ(got->tunnel_group, "wholesale-a");
}

TEST(RadiusTunnels, EqualPreferencesKeepTagOrder) {
  auto p = accept();
  p.add(attr::tunnel_server_endpoint, tagged(9, "192.0.2.9"));
  p.add(attr::tunnel_server_endpoint, tagged(3, "192.0.2.3"));
  p.add(attr::tunnel_server_endpoint, tagged(31, "192.0.2.31"));
  add_hex(p, attr::tunnel_preference, "1f 000000");
  const auto got = read_authorization(p);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->tunnels.size(), 3u);
  EXPECT_EQ(got->tunnels[0].tag, 3);
  EXPECT_EQ(got->tunnels[1].tag, 9);
  EXPECT_EQ(got->tunnels[2].tag, 31);
}

TEST(RadiusTunnels, UntaggedAttributesFormTagZero) {
  auto p = accept();
  add_hex(p, attr::tunnel_type, "00 000003");
  p.add_string(attr::tunnel_server_endpoint, "10.0.0.1");  // '1' (0x31) is no tag: the string starts there
  p.add(attr::tunnel_password, tagged(0, "pw"));
  p.add(attr::tunnel_client_auth_id, tagged(0, "lac"));  // 0x00 first: a tag, as FreeRADIUS reads it
  const auto got = read_authorization(p);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->tunnels.size(), 1u);
  EXPECT_EQ(got->tunnels[0].tag, 0);
  EXPECT_EQ(got->tunnels[0].address, ip(10, 0, 0, 1));
  EXPECT_EQ(got->tunnels[0].secret, "pw");
  EXPECT_EQ(got->tunnels[0].client_auth_id, "lac");
}

TEST(RadiusTunnels, TheFirstValueOfATagWins) {
  auto p = accept();
  p.add(attr::tunnel_server_endpoint, tagged(1, "192.0.2.1"));
  p.add(attr::tunnel_server_endpoint, tagged(1, "192.0.2.99"));
  add_hex(p, attr::tunnel_preference, "01 000005");
  add_hex(p, attr::tunnel_preference, "01 000001");
  const auto got = read_authorization(p);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->tunnels.size(), 1u);
  EXPECT_EQ(got->tunnels[0].address, ip(192, 0, 2, 1));
  EXPECT_EQ(got->tunnels[0].preference, 5u);
}

TEST(RadiusTunnels, AttributesWithoutAnEndpointGiveNoCandidate) {
  auto p = accept();
  add_hex(p, attr::tunnel_type, "01 000003");
  p.add(attr::tunnel_password, tagged(1, "pw"));
  const auto got = read_authorization(p);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->tunnels.empty());
  EXPECT_EQ(got->ignored_tunnel_tags, (std::vector<std::uint8_t>{1}));
}

TEST(RadiusTunnels, PreferenceUsesOnly24Bits) {
  auto p = accept();
  p.add(attr::tunnel_server_endpoint, tagged(1, "192.0.2.1"));
  add_hex(p, attr::tunnel_preference, "01 ffffff");
  const auto got = read_authorization(p);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->tunnels.size(), 1u);
  EXPECT_EQ(got->tunnels[0].preference, 0xffffffu);
}

// Which Tunnel-Server-Endpoint texts make a candidate.
struct endpoint_case {
  const char* name;
  const char* text;
  bool usable;
  std::uint32_t address;
  std::uint16_t port;
};

class RadiusTunnelEndpoint : public ::testing::TestWithParam<endpoint_case> {};

TEST_P(RadiusTunnelEndpoint, ParsesOnlyDottedIpv4WithAnOptionalPort) {
  auto p = accept();
  p.add(attr::tunnel_server_endpoint, tagged(1, GetParam().text));
  const auto got = read_authorization(p);
  ASSERT_TRUE(got.ok());
  if (!GetParam().usable) {
    EXPECT_TRUE(got->tunnels.empty());
    EXPECT_EQ(got->ignored_tunnel_tags, (std::vector<std::uint8_t>{1}));
    return;
  }
  ASSERT_EQ(got->tunnels.size(), 1u);
  EXPECT_EQ(got->tunnels[0].address, GetParam().address);
  EXPECT_EQ(got->tunnels[0].port, GetParam().port);
}

INSTANTIATE_TEST_SUITE_P(
    Texts, RadiusTunnelEndpoint,
    ::testing::Values(
        endpoint_case{"Plain", "198.51.100.7", true, ip(198, 51, 100, 7), 1701},
        endpoint_case{"WithPort", "198.51.100.7:65535", true, ip(198, 51, 100, 7), 65535},
        endpoint_case{"Spaces", " 198.51.100.7 ", true, ip(198, 51, 100, 7), 1701},
        endpoint_case{"PortZero", "198.51.100.7:0", false, 0, 0},
        endpoint_case{"PortTooBig", "198.51.100.7:65536", false, 0, 0},
        endpoint_case{"PortEmpty", "198.51.100.7:", false, 0, 0},
        endpoint_case{"OctetTooBig", "256.1.1.1", false, 0, 0}, endpoint_case{"ThreeOctets", "10.1.1", false, 0, 0},
        endpoint_case{"FiveOctets", "10.1.1.1.1", false, 0, 0}, endpoint_case{"EmptyOctet", "10..1.1", false, 0, 0},
        endpoint_case{"LongOctet", "10.0001.1.1", false, 0, 0}, endpoint_case{"Signed", "10.-1.1.1", false, 0, 0},
        endpoint_case{"AllZero", "0.0.0.0", false, 0, 0}, endpoint_case{"Fqdn", "lns.example.net", false, 0, 0},
        endpoint_case{"Empty", "", false, 0, 0}),
    [](const auto& param_info) { return std::string{param_info.param.name}; });

}  // namespace
}  // namespace bras::radius

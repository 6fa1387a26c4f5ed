// DHCPv6 codec (RFC 8415 §8, §21; RFC 3646): annotated vectors decoded and
// encoded byte for byte, round trips, every decode error with its offset, and
// the T1 > T2 rule for IAs.
#include "protocol/dhcpv6/message.hpp"

#include <string>

#include "tests/unit/test_util.hpp"

namespace bras::dhcpv6 {
namespace {

using test::ipv6_address_of;
using test::ipv6_prefix_of;

using test::hex;
using test::span;

// What a home router's client sends first: IA_PD, ORO DNS, Rapid Commit.
const wire::bytes solicit_vector =
    hex("01 123456                                   # Solicit, transaction 0x123456\n"
        "0001 000a 0003 0001 020000000001            # Client Identifier: DUID-LL 02:00:00:00:00:01\n"
        "0019 000c 00000001 00000000 00000000        # IA_PD IAID 1, T1 0, T2 0\n"
        "0006 0002 0017                              # Option Request: DNS servers (23)\n"
        "0008 0002 0000                              # Elapsed Time 0\n"
        "000e 0000                                   # Rapid Commit\n");

// The server's Reply to it: the delegated /56 with lifetimes, and a DNS server.
const wire::bytes reply_vector =
    hex("07 123456                                   # Reply, transaction 0x123456\n"
        "0001 000a 0003 0001 020000000001            # Client Identifier\n"
        "0002 0012 0004 00112233445566778899aabbccddeeff  # Server Identifier: DUID-UUID\n"
        "0019 0029 00000001 00000708 00000b40        # IA_PD IAID 1, T1 1800, T2 2880, 41 bytes\n"
        "  001a 0019 00000e10 00001c20 38            #   IA Prefix: preferred 3600, valid 7200, /56\n"
        "  20010db8 01000000 00000000 00000000       #   2001:db8:100::\n"
        "000e 0000                                   # Rapid Commit\n"
        "0017 0010 20010db8 00000000 00000000 00000053  # DNS servers: 2001:db8::53\n");

TEST(Dhcpv6Message, DecodesASolicit) {
  auto m = decode(span(solicit_vector));
  ASSERT_TRUE(m) << wire::to_string(m.err());
  EXPECT_EQ(m->type, msg_type::solicit);
  EXPECT_EQ(m->transaction_id, 0x123456u);
  EXPECT_EQ(m->client_id,
            duid_ll({std::byte{2}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{1}}));
  EXPECT_FALSE(m->server_id);
  ASSERT_EQ(m->ia_pds.size(), 1u);
  EXPECT_EQ(m->ia_pds[0].iaid, 1u);
  EXPECT_TRUE(m->ia_pds[0].prefixes.empty());
  EXPECT_EQ(m->oro, std::vector<std::uint16_t>{option::dns_servers});
  EXPECT_EQ(m->elapsed_time, 0);
  EXPECT_TRUE(m->rapid_commit);
  EXPECT_FALSE(m->reconf_accept);
  EXPECT_EQ(encode(*m), solicit_vector);
}

TEST(Dhcpv6Message, EncodesAReplyByteForByte) {
  message m;
  m.type = msg_type::reply;
  m.transaction_id = 0x123456;
  m.client_id = hex("0003 0001 020000000001");
  std::array<std::byte, 16> uuid{};
  for (std::size_t i = 0; i < uuid.size(); ++i) uuid[i] = static_cast<std::byte>(i * 0x11);
  m.server_id = duid_uuid(uuid);
  m.ia_pds.push_back(
      ia_pd{1, 1800, 2880, {ia_prefix{3600, 7200, ipv6_prefix_of("2001:db8:100::/56"), std::nullopt}}, {}});
  m.rapid_commit = true;
  m.dns_servers.push_back(ipv6_address_of("2001:db8::53"));
  EXPECT_EQ(wire::to_hex(encode(m)), wire::to_hex(reply_vector));
  auto back = decode(span(reply_vector));
  ASSERT_TRUE(back) << wire::to_string(back.err());
  EXPECT_EQ(*back, m);
}

TEST(Dhcpv6Message, RoundTripsEveryOption) {
  message m;
  m.type = msg_type::advertise;
  m.transaction_id = 0xffffff;
  m.client_id = hex("0001 0001 12345678 020000000002");
  m.server_id = hex("0004 00112233445566778899aabbccddeeff");
  m.ia_nas.push_back(ia_na{
      7, 0, 0, {ia_address{ipv6_address_of("2001:db8::1"), 10, 20}}, status_code{status::no_addrs_avail, "none"}});
  m.has_ia_ta = true;
  m.ia_pds.push_back(
      ia_pd{2,
            100,
            200,
            {ia_prefix{300, 400, ipv6_prefix_of("2001:db8:200::/56"), status_code{status::success, "ok"}},
             ia_prefix{0, 0, ipv6_prefix_of("2001:db8:300::/48"), std::nullopt}},
            status_code{status::success, ""}});
  m.ia_pds.push_back(ia_pd{3, 0, 0, {}, status_code{status::no_prefix_avail, "no prefix"}});
  m.status = status_code{status::unspec_fail, "message-level"};
  m.oro = {option::dns_servers, option::information_refresh_time};
  m.elapsed_time = 1234;
  m.preference = 255;
  m.rapid_commit = true;
  m.reconf_accept = true;
  m.dns_servers = {ipv6_address_of("2001:db8::53"), ipv6_address_of("2001:db8::54")};
  m.information_refresh_time = 86400;
  const auto wire_form = encode(m);
  auto back = decode(span(wire_form));
  ASSERT_TRUE(back) << wire::to_string(back.err());
  EXPECT_EQ(*back, m);
  EXPECT_EQ(encode(*back), wire_form);
}

TEST(Dhcpv6Message, SkipsUnknownOptionsAtEveryLevel) {
  auto m =
      decode(span(hex("0b 000001                      # Information-Request\n"
                      "0018 0003 01 61 00             # Domain List (unused): skipped\n"
                      "ffff 0000                      # unknown, empty\n"
                      "0006 0002 0017                 # ORO DNS\n")));
  ASSERT_TRUE(m) << wire::to_string(m.err());
  EXPECT_EQ(m->type, msg_type::information_request);
  EXPECT_EQ(m->oro, std::vector<std::uint16_t>{option::dns_servers});

  auto with_nested =
      decode(span(hex("06 000002 0001 0003 000401\n"
                      "0019 0014 00000009 00000000 00000000\n"
                      "  00aa 0004 deadbeef           # unknown inside the IA_PD\n")));
  ASSERT_TRUE(with_nested) << wire::to_string(with_nested.err());
  ASSERT_EQ(with_nested->ia_pds.size(), 1u);
  EXPECT_EQ(with_nested->ia_pds[0].iaid, 9u);
}

TEST(Dhcpv6Message, MasksBitsPastThePrefixLength) {
  auto m =
      decode(span(hex("05 000003 0001 0003 000401\n"
                      "0019 0029 00000001 00000000 00000000\n"
                      "  001a 0019 00000000 00000000 30 20010db8 12345678 00000000 00000001  # /48 with host bits\n")));
  ASSERT_TRUE(m) << wire::to_string(m.err());
  ASSERT_EQ(m->ia_pds.at(0).prefixes.size(), 1u);
  EXPECT_EQ(m->ia_pds[0].prefixes[0].prefix, ipv6_prefix_of("2001:db8:1234::/48"));
}

// RFC 8415 §21.21: an IA with T1 > T2 (both nonzero) from a server is discarded and the rest of
// the message is kept; from a client the server ignores T1/T2, so the IA is kept.
TEST(Dhcpv6Message, DropsAServersIaWithT1AfterT2) {
  const std::string ias =
      "0019 000c 00000001 00000064 00000032   # IA_PD 1: T1 100 > T2 50\n"
      "0019 000c 00000002 00000064 00000000   # IA_PD 2: T2 0, so no order to check\n"
      "0003 000c 00000003 00000064 00000032   # IA_NA 3: T1 100 > T2 50\n";
  auto reply = decode(span(hex("07 000004 " + ias)));
  ASSERT_TRUE(reply) << wire::to_string(reply.err());
  ASSERT_EQ(reply->ia_pds.size(), 1u);
  EXPECT_EQ(reply->ia_pds[0].iaid, 2u);
  EXPECT_TRUE(reply->ia_nas.empty());

  auto renew = decode(span(hex("05 000004 " + ias)));
  ASSERT_TRUE(renew) << wire::to_string(renew.err());
  EXPECT_EQ(renew->ia_pds.size(), 2u);
  EXPECT_EQ(renew->ia_nas.size(), 1u);
}

TEST(Dhcpv6Message, ReportsEveryDecodeErrorWithItsOffset) {
  struct bad_case {
    std::string vector;
    std::string_view reason;
    std::size_t offset;
  };
  const bad_case cases[] = {
      {"", "truncated header", 0},
      {"01 0000", "truncated header", 0},
      {"0c 000000", "relay message", 0},
      {"0d 000000", "relay message", 0},
      {"00 000000", "unknown message type", 0},
      {"0e 000000", "unknown message type", 0},
      {"01 000000 0001 00", "truncated option header", 4},
      {"01 000000 0008 0002 0000 00", "truncated option header", 10},
      {"01 000000 0001 0005 0001", "option longer than its container", 4},
      {"01 000000 0001 0002 0001", "bad duid length", 4},
      {"01 000000 0001 0083" + std::string(262, '0'), "bad duid length", 4},
      {"01 000000 0001 0003 000401 0001 0003 000402", "repeated client identifier", 11},
      {"07 000000 0002 0003 000401 0002 0003 000402", "repeated server identifier", 11},
      {"01 000000 0019 0008 00000001 00000000", "bad ia length", 4},
      {"01 000000 0003 000b 00000001 00000000 000000", "bad ia length", 4},
      {"01 000000 0004 0002 0000", "bad ia length", 4},
      {"01 000000 0019 0010 00000001 00000000 00000000 001a 0000", "bad ia prefix length", 20},
      {"01 000000 0019 0012 00000001 00000000 00000000 001a 0008 0000", "option longer than its container", 20},
      {"01 000000 0019 0029 00000001 00000000 00000000 001a 0019 00000000 00000000 00 " + std::string(32, '0'),
       "bad prefix length", 32},
      {"01 000000 0019 0029 00000001 00000000 00000000 001a 0019 00000000 00000000 81 " + std::string(32, '0'),
       "bad prefix length", 32},
      {"01 000000 0003 0014 00000001 00000000 00000000 0005 0004 00000000", "bad ia address length", 20},
      {"01 000000 0004 000c 00000001 0005 0004 00000000", "bad ia address length", 12},
      {"01 000000 0019 0018 00000001 00000000 00000000 000d 0002 0000 000d 0002 0000", "repeated status code", 26},
      {"07 000000 000d 0001 00", "bad status code length", 4},
      {"07 000000 000d 0002 0000 000d 0002 0000", "repeated status code", 10},
      {"01 000000 0006 0003 001700", "bad option request length", 4},
      {"01 000000 0006 0002 0017 0006 0002 0017", "repeated option request", 10},
      {"02 000000 0007 0002 ffff", "bad preference length", 4},
      {"02 000000 0007 0001 ff 0007 0001 ff", "repeated preference", 9},
      {"01 000000 0008 0001 00", "bad elapsed time length", 4},
      {"01 000000 0008 0002 0000 0008 0002 0000", "repeated elapsed time", 10},
      {"01 000000 000e 0001 00", "bad rapid commit length", 4},
      {"01 000000 000e 0000 000e 0000", "repeated rapid commit", 8},
      {"01 000000 0014 0001 00", "bad reconfigure accept length", 4},
      {"01 000000 0014 0000 0014 0000", "repeated reconfigure accept", 8},
      {"07 000000 0017 000f " + std::string(30, '0'), "bad dns servers length", 4},
      {"07 000000 0017 0000 0017 0000", "repeated dns servers", 8},
      {"07 000000 0020 0002 0000", "bad information refresh time length", 4},
      {"07 000000 0020 0004 00000000 0020 0004 00000000", "repeated information refresh time", 12},
  };
  for (const auto& c : cases) {
    auto m = decode(span(hex(c.vector)));
    ASSERT_FALSE(m) << c.vector;
    EXPECT_EQ(m.err().reason, c.reason) << c.vector;
    EXPECT_EQ(m.err().offset, c.offset) << c.vector;
  }
}

TEST(Dhcpv6Message, NamesTypes) {
  EXPECT_STREQ(to_string(msg_type::solicit), "solicit");
  EXPECT_STREQ(to_string(msg_type::information_request), "information-request");
  EXPECT_STREQ(to_string(msg_type::relay_repl), "relay-repl");
  EXPECT_STREQ(to_string(static_cast<msg_type>(99)), "unknown");
}

TEST(Dhcpv6Message, BuildsDuids) {
  EXPECT_EQ(
      duid_ll({std::byte{0xaa}, std::byte{0xbb}, std::byte{0xcc}, std::byte{0xdd}, std::byte{0xee}, std::byte{0xff}}),
      hex("0003 0001 aabbccddeeff"));
  std::array<std::byte, 16> uuid{};
  uuid[15] = std::byte{1};
  EXPECT_EQ(duid_uuid(uuid), hex("0004 00000000000000000000000000000001"));
}

}  // namespace
}  // namespace bras::dhcpv6

// Cross-check of the IPv6 link codecs (protocol/ip/nd.hpp) against an independent
// decoder: Router Advertisements, Router Solicitations, ICMPv6 Echo and DHCPv6 in
// UDP, each as a subscriber's IPv6 packet in PPP (protocol 0x0057) in an L2TP data
// message, go into a pcap; tshark must find every ICMPv6 and UDP checksum good,
// report the values we encoded and flag nothing as malformed or as an error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/dhcpv6/message.hpp"
#include "protocol/ip/nd.hpp"
#include "protocol/l2tp/header.hpp"
#include "protocol/ppp/frame.hpp"
#include "tests/tshark/pcap.hpp"

namespace bras::ip::nd {
namespace {

using fields = test::tshark_expectations;

/// tshark leaves the UDP checksum unverified unless asked.
const std::string tshark_options = "-o udp.check_checksum:TRUE";

ipv6_address addr(const char* text) {
  auto a = parse_ipv6_address(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(ipv6_address{});
}

class TsharkIpv6Link : public test::tshark_fixture {
 protected:
  /// One IPv6 packet in PPP in an L2TP data message on udp/1701.
  void ipv6(std::string what, const wire::bytes& packet, fields expect) {
    ASSERT_FALSE(packet.empty()) << what;
    wire::bytes frame;
    wire::writer w{frame};
    ppp::encode_frame(w, ppp::proto::ipv6, packet);
    l2tp::header h;
    h.tunnel_id = 0x1234;
    h.session_id = 0x0077;
    writer().udp(l2tp::encode_packet(h, frame));
    expect.emplace_back("l2tp.type", "0");
    expect.emplace_back("ppp.protocol", "0x0057");
    expect_frame(std::move(what), std::move(expect));
  }
};

// Checksum status 1 is "Good" (0 would be "Bad", 2 "Unverified").
constexpr const char* good = "1";
/// The outer UDP carries no checksum (3: "Not present"), the subscriber's must be good.
constexpr const char* outer_udp_then_good = "3,1";

TEST_F(TsharkIpv6Link, RouterAdvertisementsAndSolicitations) {
  router_advertisement ra;
  ra.cur_hop_limit = 64;
  ra.managed = true;
  ra.other = true;
  ra.router_lifetime = 1800;
  ra.reachable_time = 30000;
  ra.retrans_timer = 1000;
  ra.mtu = 1480;
  ra.prefixes.push_back({ipv6_prefix::make(addr("2001:db8:100:1::"), 64), true, true, 86400, 14400});
  ra.rdnss = {addr("2001:db8::53"), addr("2001:db8::35")};
  ra.rdnss_lifetime = 1200;
  ipv6("RA with every option", encode_router_advertisement(addr("fe80::1"), all_nodes(), ra),
       {{"ipv6.src", "fe80::1"},
        {"ipv6.dst", "ff02::1"},
        {"ipv6.hlim", "255"},
        {"icmpv6.type", "134"},
        {"icmpv6.code", "0"},
        {"icmpv6.checksum.status", good},
        {"icmpv6.nd.ra.cur_hop_limit", "64"},
        {"icmpv6.nd.ra.flag.m", "1"},
        {"icmpv6.nd.ra.flag.o", "1"},
        {"icmpv6.nd.ra.router_lifetime", "1800"},
        {"icmpv6.nd.ra.reachable_time", "30000"},
        {"icmpv6.nd.ra.retrans_timer", "1000"},
        {"icmpv6.opt.type", "5,3,25"},
        {"icmpv6.opt.mtu", "1480"},
        {"icmpv6.opt.prefix", "2001:db8:100:1::"},
        {"icmpv6.opt.prefix.length", "64"},
        {"icmpv6.opt.prefix.flag.l", "1"},
        {"icmpv6.opt.prefix.flag.a", "1"},
        {"icmpv6.opt.prefix.valid_lifetime", "86400"},
        {"icmpv6.opt.prefix.preferred_lifetime", "14400"},
        {"icmpv6.opt.rdnss.lifetime", "1200"},
        {"icmpv6.opt.rdnss", "2001:db8::53,2001:db8::35"}});

  // SLAAC only, to a soliciting host, not a default router; a prefix with neither L nor A.
  router_advertisement slaac;
  slaac.router_lifetime = 0;
  slaac.prefixes.push_back({ipv6_prefix::make(addr("2001:db8:100:2::"), 64)});
  slaac.prefixes.push_back({ipv6_prefix::make(addr("2001:db8:200::"), 48), false, false, 600, 300});
  ipv6("RA: M and O clear, two prefixes", encode_router_advertisement(addr("fe80::1"), addr("fe80::2:3"), slaac),
       {{"ipv6.dst", "fe80::2:3"},
        {"icmpv6.type", "134"},
        {"icmpv6.checksum.status", good},
        {"icmpv6.nd.ra.flag.m", "0"},
        {"icmpv6.nd.ra.flag.o", "0"},
        {"icmpv6.nd.ra.router_lifetime", "0"},
        {"icmpv6.opt.type", "3,3"},
        {"icmpv6.opt.prefix", "2001:db8:100:2::,2001:db8:200::"},
        {"icmpv6.opt.prefix.length", "64,48"},
        {"icmpv6.opt.prefix.flag.l", "1,0"},
        {"icmpv6.opt.prefix.flag.a", "1,0"},
        {"icmpv6.opt.prefix.valid_lifetime", "2592000,600"},
        {"icmpv6.opt.mtu", ""},
        {"icmpv6.opt.rdnss", ""}});

  ipv6("RS from a link-local address", encode_router_solicitation(addr("fe80::211:22ff:fe33:4455")),
       {{"ipv6.src", "fe80::211:22ff:fe33:4455"},
        {"ipv6.dst", "ff02::2"},
        {"ipv6.hlim", "255"},
        {"icmpv6.type", "133"},
        {"icmpv6.code", "0"},
        {"icmpv6.checksum.status", good}});
  ipv6("RS from ::", encode_router_solicitation(ipv6_address{}),
       {{"ipv6.src", "::"}, {"icmpv6.type", "133"}, {"icmpv6.checksum.status", good}});
  verify(tshark_options);
}

TEST_F(TsharkIpv6Link, EchoRequestAndReply) {
  const auto subscriber = addr("fe80::211:22ff:fe33:4455");
  const auto ours = addr("fe80::1");
  const auto request = make_echo_request(subscriber, ours, 0x4242, 9, 100);
  ipv6("echo request", request,
       {{"ipv6.plen", "60"},
        {"icmpv6.type", "128"},
        {"icmpv6.checksum.status", good},
        {"icmpv6.echo.identifier", "0x4242"},
        {"icmpv6.echo.sequence_number", "9"}});
  ipv6("echo reply", make_echo_reply(request, ours),
       {{"ipv6.src", "fe80::1"},
        {"ipv6.dst", "fe80::211:22ff:fe33:4455"},
        {"ipv6.hlim", "64"},
        {"icmpv6.type", "129"},
        {"icmpv6.checksum.status", good},
        {"icmpv6.echo.identifier", "0x4242"},
        {"icmpv6.echo.sequence_number", "9"}});
  ipv6("echo request to a global address, 48 bytes",
       make_echo_request(addr("2001:db8:100:1::2"), addr("2001:db8::1"), 1, 65535, 48),
       {{"ipv6.plen", "8"},
        {"icmpv6.type", "128"},
        {"icmpv6.checksum.status", good},
        {"icmpv6.echo.sequence_number", "65535"}});
  verify(tshark_options);
}

/// A DHCPv6 Solicit for a delegated prefix (RFC 8415 §18.2.1), written by hand.
wire::bytes solicit_payload() {
  return *wire::from_hex(
      "01 abcdef            # Solicit, transaction id\n"
      "0001 000a 0003 0001 021122334455 # Client Identifier: DUID-LL\n"
      "0008 0002 0000       # Elapsed Time 0\n"
      "000e 0000            # Rapid Commit\n"
      "0019 000c 00000001 00000000 00000000 # IA_PD, IAID 1, T1/T2 0\n"
      "0006 0002 0017       # Option Request: DNS servers\n");
}

/// A DHCPv6 Reply granting 2001:db8:200:100::/56, written by hand.
wire::bytes reply_payload() {
  return *wire::from_hex(
      "07 abcdef            # Reply, transaction id\n"
      "0001 000a 0003 0001 021122334455 # Client Identifier\n"
      "0002 0012 0004 00112233445566778899aabbccddeeff # Server Identifier: DUID-UUID\n"
      "0019 0029 00000001 00000708 00000b40 # IA_PD: IAID 1, T1 1800, T2 2880\n"
      "  001a 0019 00000e10 00001c20 38 20010db8020001000000000000000000 # IA Prefix /56\n"
      "000e 0000            # Rapid Commit\n"
      "0017 0010 20010db8000000000000000000000053 # DNS servers\n");
}

TEST_F(TsharkIpv6Link, Dhcpv6InUdp) {
  const auto client = addr("fe80::211:22ff:fe33:4455");
  const auto solicit = solicit_payload();
  ipv6("Solicit to All_DHCP_Relay_Agents_and_Servers", encode_udp(client, all_dhcp_servers(), 546, 547, solicit, 1),
       {{"ipv6.dst", "ff02::1:2"},
        {"ipv6.hlim", "1"},
        {"ipv6.plen", std::to_string(8 + solicit.size())},
        // The outer UDP (L2TP on 1701, no checksum over IPv4) comes first.
        {"udp.srcport", "1701,546"},
        {"udp.dstport", "1701,547"},
        {"udp.checksum.status", outer_udp_then_good},
        {"dhcpv6.msgtype", "1"},
        {"dhcpv6.xid", "0xabcdef"},
        {"dhcpv6.iaid", "00000001"}});
  const auto reply = reply_payload();
  ipv6("Reply with a delegated prefix", encode_udp(addr("fe80::1"), client, 547, 546, reply),
       {{"ipv6.src", "fe80::1"},
        {"ipv6.hlim", "255"},
        {"udp.srcport", "1701,547"},
        {"udp.dstport", "1701,546"},
        {"udp.checksum.status", outer_udp_then_good},
        {"dhcpv6.msgtype", "7"},
        {"dhcpv6.iaprefix.pref_addr", "2001:db8:200:100::"},
        {"dhcpv6.iaprefix.pref_len", "56"},
        {"dhcpv6.iaprefix.pref_lifetime", "3600"},
        {"dhcpv6.iaprefix.valid_lifetime", "7200"},
        {"dhcpv6.dns_server", "2001:db8::53"}});
  verify(tshark_options);
}

TEST_F(TsharkIpv6Link, Dhcpv6CodecMessagesInUdp) {
  const auto client = addr("fe80::211:22ff:fe33:4455");
  const auto client_duid = dhcpv6::duid_ll(
      {std::byte{0x02}, std::byte{0x11}, std::byte{0x22}, std::byte{0x33}, std::byte{0x44}, std::byte{0x55}});
  std::array<std::byte, 16> uuid{};
  for (std::size_t i = 0; i < uuid.size(); ++i) uuid[i] = static_cast<std::byte>(0x10 + i);
  const auto server_duid = dhcpv6::duid_uuid(uuid);

  dhcpv6::message solicit;
  solicit.type = dhcpv6::msg_type::solicit;
  solicit.transaction_id = 0x010203;
  solicit.client_id = client_duid;
  solicit.ia_pds.push_back({7, 0, 0, {}, {}});
  solicit.oro = {dhcpv6::option::dns_servers};
  solicit.elapsed_time = 0;
  solicit.rapid_commit = true;
  ipv6("codec Solicit", encode_udp(client, all_dhcp_servers(), 546, 547, dhcpv6::encode(solicit), 1),
       {{"udp.checksum.status", outer_udp_then_good},
        {"dhcpv6.msgtype", "1"},
        {"dhcpv6.xid", "0x010203"},
        {"dhcpv6.iaid", "00000007"},
        {"dhcpv6.duidll.link_layer_addr", "02:11:22:33:44:55"}});

  dhcpv6::message reply;
  reply.type = dhcpv6::msg_type::reply;
  reply.transaction_id = 0x010203;
  reply.client_id = client_duid;
  reply.server_id = server_duid;
  dhcpv6::ia_prefix granted;
  granted.preferred_lifetime = 3600;
  granted.valid_lifetime = 7200;
  granted.prefix = ipv6_prefix::make(addr("2001:db8:300:4400::"), 56);
  reply.ia_pds.push_back({7, 1800, 2880, {granted}, {}});
  reply.rapid_commit = true;
  reply.dns_servers = {addr("2001:db8::53"), addr("2001:db8::35")};
  ipv6("codec Reply with IA_PD", encode_udp(addr("fe80::1"), client, 547, 546, dhcpv6::encode(reply)),
       {{"udp.checksum.status", outer_udp_then_good},
        {"dhcpv6.msgtype", "7"},
        {"dhcpv6.xid", "0x010203"},
        {"dhcpv6.iaid", "00000007"},
        {"dhcpv6.iaid.t1", "1800"},
        {"dhcpv6.iaid.t2", "2880"},
        {"dhcpv6.iaprefix.pref_addr", "2001:db8:300:4400::"},
        {"dhcpv6.iaprefix.pref_len", "56"},
        {"dhcpv6.iaprefix.pref_lifetime", "3600"},
        {"dhcpv6.iaprefix.valid_lifetime", "7200"},
        {"dhcpv6.duiduuid.bytes", "101112131415161718191a1b1c1d1e1f"},
        {"dhcpv6.dns_server", "2001:db8::53,2001:db8::35"}});

  // A refusal: the IA_PD carries status NoPrefixAvail (6).
  dhcpv6::message refused = reply;
  refused.type = dhcpv6::msg_type::advertise;
  refused.rapid_commit = false;
  refused.dns_servers.clear();
  refused.ia_pds = {{7, 0, 0, {}, dhcpv6::status_code{dhcpv6::status::no_prefix_avail, "no prefix"}}};
  ipv6("codec Advertise refusing the IA_PD", encode_udp(addr("fe80::1"), client, 547, 546, dhcpv6::encode(refused)),
       {{"udp.checksum.status", outer_udp_then_good},
        {"dhcpv6.msgtype", "2"},
        {"dhcpv6.status_code", "6"},
        {"dhcpv6.status_msg", "no prefix"},
        {"dhcpv6.iaprefix.pref_addr", ""}});
  verify(tshark_options);
}

}  // namespace
}  // namespace bras::ip::nd

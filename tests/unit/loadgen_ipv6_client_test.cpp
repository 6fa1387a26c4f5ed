// bras-loadgen's IPv6 host side (tools/emulator/ipv6_client.hpp) against the
// real codecs, time given by the test: RS and its RFC 4861 retransmissions,
// SLAAC from the RA, the DHCPv6 Solicit that follows and its RFC 8415 §15
// retransmissions, and each failure stage the report counts. The DHCPv6
// peer is brasd's own per-session server (protocol/dhcpv6/server.hpp).
#include "tools/emulator/ipv6_client.hpp"

#include <gtest/gtest.h>

#include "protocol/dhcpv6/message.hpp"
#include "protocol/dhcpv6/server.hpp"
#include "protocol/ip/nd.hpp"
#include "tests/unit/test_util.hpp"

namespace bras::emulator {
namespace {

using test::ipv6_address_of;

using namespace std::chrono_literals;
using clock_type = ipv6_client::clock_type;

constexpr std::uint64_t iid = 0x0200000000000007ULL;

ipv6_client_config config(bool pd) {
  ipv6_client_config c;
  c.interface_id = iid;
  c.prefix_delegation = pd;
  c.duid = dhcpv6::duid_ll({std::byte{2}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{7}});
  c.iaid = 1;
  c.transaction_id = 0x1234;
  return c;
}

/// The LNS's RA: `prefix` with the A flag as given, and one RDNSS.
wire::bytes router_advertisement(std::string_view prefix, bool autonomous = true) {
  ip::nd::router_advertisement ra;
  ra.other = true;
  ra.prefixes.push_back({*ip::parse_ipv6_prefix(prefix), true, autonomous, 86400, 14400});
  ra.rdnss = {ipv6_address_of("2001:db8::53")};
  ra.rdnss_lifetime = 600;
  return ip::nd::encode_router_advertisement(ipv6_address_of("fe80::1"), ip::nd::all_nodes(), ra);
}

TEST(LoadgenIpv6Client, SolicitsARouterFromItsLinkLocalAddress) {
  ipv6_client c{config(true)};
  const auto t0 = clock_type::now();
  auto fx = c.start(t0);
  ASSERT_EQ(fx.send.size(), 1u);
  auto rs = ip::nd::decode_router_solicitation(fx.send[0]);
  ASSERT_TRUE(rs) << wire::to_string(rs.err());
  EXPECT_EQ(rs->src, ip::link_local(iid));
  EXPECT_EQ(c.link_local(), ipv6_address_of("fe80::200:0:0:7"));
  EXPECT_EQ(fx.arm, std::chrono::milliseconds{4s});
  EXPECT_FALSE(fx.ready || fx.failed);
  EXPECT_TRUE(c.start(t0).send.empty()) << "a second start sends nothing";
}

TEST(LoadgenIpv6Client, ThreeSolicitationsFourSecondsApartThenNoRa) {
  ipv6_client c{config(true)};
  auto t = clock_type::now();
  (void)c.start(t);
  for (int retry = 0; retry < 2; ++retry) {
    t += 4s;
    auto fx = c.timeout(t);
    ASSERT_EQ(fx.send.size(), 1u) << retry;
    EXPECT_TRUE(ip::nd::decode_router_solicitation(fx.send[0]));
    EXPECT_EQ(fx.arm, std::chrono::milliseconds{4s});
  }
  auto fx = c.timeout(t + 4s);
  EXPECT_TRUE(fx.send.empty());
  EXPECT_TRUE(fx.failed);
  EXPECT_FALSE(fx.arm);
  EXPECT_EQ(c.failure(), ipv6_failure::no_ra);
  EXPECT_STREQ(to_string(c.failure()), "no RA");
  bool consumed = false;
  EXPECT_FALSE(c.receive(router_advertisement("2001:db8:1:2::/64"), t, consumed).ready)
      << "an RA after giving up changes nothing";
}

TEST(LoadgenIpv6Client, WithoutPdReadyOnTheRaWithItsSlaacAddress) {
  ipv6_client c{config(false)};
  const auto t0 = clock_type::now();
  (void)c.start(t0);
  bool consumed = false;
  auto fx = c.receive(router_advertisement("2001:db8:1:2::/64"), t0 + 25ms, consumed);
  EXPECT_TRUE(consumed);
  EXPECT_TRUE(fx.ready);
  EXPECT_TRUE(fx.send.empty()) << "no DHCPv6 with --no-pd";
  EXPECT_TRUE(c.ready());
  ASSERT_TRUE(c.slaac_prefix());
  EXPECT_EQ(ip::to_string(*c.slaac_prefix()), "2001:db8:1:2::/64");
  EXPECT_EQ(c.slaac_address(), ipv6_address_of("2001:db8:1:2:200::7"));
  EXPECT_EQ(c.rdnss(), std::vector<ip::ipv6_address>{ipv6_address_of("2001:db8::53")});
  EXPECT_EQ(c.ra_latency(), std::chrono::microseconds{25ms});
  // A periodic RA later is consumed and changes nothing.
  fx = c.receive(router_advertisement("2001:db8:9:9::/64"), t0 + 1s, consumed);
  EXPECT_TRUE(consumed);
  EXPECT_FALSE(fx.ready || fx.failed);
  EXPECT_EQ(c.slaac_address(), ipv6_address_of("2001:db8:1:2:200::7"));
}

TEST(LoadgenIpv6Client, RaWithoutAnAutonomousSlash64Fails) {
  ipv6_client c{config(false)};
  (void)c.start(clock_type::now());
  bool consumed = false;
  auto fx = c.receive(router_advertisement("2001:db8:1:2::/64", false), clock_type::now(), consumed);
  EXPECT_TRUE(fx.failed);
  EXPECT_EQ(c.failure(), ipv6_failure::no_slaac_prefix);
}

TEST(LoadgenIpv6Client, InvalidRaIsIgnored) {
  ipv6_client c{config(false)};
  (void)c.start(clock_type::now());
  auto ra = router_advertisement("2001:db8:1:2::/64");
  ra[7] = std::byte{64};  // hop limit 64: RFC 4861 §6.1.2 says discard
  bool consumed = false;
  auto fx = c.receive(ra, clock_type::now(), consumed);
  EXPECT_TRUE(consumed);
  EXPECT_FALSE(fx.ready || fx.failed);
  EXPECT_FALSE(c.slaac_prefix());
}

TEST(LoadgenIpv6Client, LeavesOtherPacketsToTheCaller) {
  ipv6_client c{config(true)};
  (void)c.start(clock_type::now());
  bool consumed = true;
  auto echo = ip::nd::make_echo_request(ipv6_address_of("2001:db8::1"), ipv6_address_of("2001:db8:1:2:200::7"), 7, 1);
  (void)c.receive(echo, clock_type::now(), consumed);
  EXPECT_FALSE(consumed);
  consumed = true;
  const std::byte junk[3] = {std::byte{0x60}, std::byte{0}, std::byte{0}};
  (void)c.receive(junk, clock_type::now(), consumed);
  EXPECT_FALSE(consumed);
}

TEST(LoadgenIpv6Client, AfterTheRaSolicitsAPrefixAndRetransmitsDoubling) {
  ipv6_client c{config(true)};
  auto t = clock_type::now();
  (void)c.start(t);
  bool consumed = false;
  auto fx = c.receive(router_advertisement("2001:db8:1:2::/64"), t, consumed);
  EXPECT_FALSE(fx.ready) << "not ready before the delegated prefix";
  ASSERT_EQ(fx.send.size(), 1u);
  auto udp = ip::nd::decode_udp(fx.send[0]);
  ASSERT_TRUE(udp) << wire::to_string(udp.err());
  EXPECT_EQ(udp->src, ip::link_local(iid));
  EXPECT_EQ(udp->dst, ip::nd::all_dhcp_servers());
  EXPECT_EQ(udp->src_port, dhcpv6::client_port);
  EXPECT_EQ(udp->dst_port, dhcpv6::server_port);
  const wire::bytes first_solicit{udp->payload.begin(), udp->payload.end()};
  EXPECT_EQ(fx.arm, std::chrono::milliseconds{1s});
  for (auto expected : {2s, 4s, 8s}) {
    fx = c.timeout(t);
    ASSERT_EQ(fx.send.size(), 1u);
    auto again = ip::nd::decode_udp(fx.send[0]);
    ASSERT_TRUE(again);
    EXPECT_EQ((wire::bytes{again->payload.begin(), again->payload.end()}), first_solicit)
        << "a retransmission keeps the transaction";
    EXPECT_EQ(fx.arm, std::chrono::milliseconds{expected});
  }
  fx = c.timeout(t);
  EXPECT_TRUE(fx.failed);
  EXPECT_EQ(c.failure(), ipv6_failure::no_dhcpv6_reply);
  EXPECT_FALSE(c.lease());
  EXPECT_TRUE(c.release().empty()) << "nothing bound, nothing to release";
}

/// The LNS side of one session's DHCPv6: brasd's pure server over `binding`, answering each
/// packet the client sends (UDP from fe80::1 port 547 to its link-local port 546).
struct lns_dhcpv6 {
  dhcpv6::server_config config;
  dhcpv6::binding binding;
  unsigned handled = 0;
  std::vector<dhcpv6::msg_type> received;

  lns_dhcpv6() {
    config.server_duid =
        dhcpv6::duid_ll({std::byte{0x02}, std::byte{0xaa}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{1}});
    config.dns_servers = {ipv6_address_of("2001:db8::53")};
    binding.delegated = ip::parse_ipv6_prefix("2001:db8:8000:100::/56");
    binding.link = ip::parse_ipv6_prefix("2001:db8:1:2::/64");
  }

  /// The answer to `packet`, if any, as an IPv6 packet to the client.
  std::optional<wire::bytes> answer(const wire::bytes& packet) {
    auto udp = ip::nd::decode_udp(packet);
    EXPECT_TRUE(udp);
    if (!udp) return std::nullopt;
    auto m = dhcpv6::decode(udp->payload);
    EXPECT_TRUE(m) << wire::to_string(m.err());
    if (!m) return std::nullopt;
    ++handled;
    received.push_back(m->type);
    auto out = dhcpv6::handle(config, binding, *m);
    auto* a = std::get_if<dhcpv6::answer>(&out.result);
    if (a == nullptr) return std::nullopt;
    return ip::nd::encode_udp(ipv6_address_of("fe80::1"), udp->src, dhcpv6::server_port, dhcpv6::client_port, a->reply);
  }
};

/// Runs a client with PD up to its first DHCPv6 packet; returns that packet.
wire::bytes to_first_solicit(ipv6_client& c, clock_type::time_point t) {
  (void)c.start(t);
  bool consumed = false;
  auto fx = c.receive(router_advertisement("2001:db8:1:2::/64"), t, consumed);
  EXPECT_EQ(fx.send.size(), 1u);
  return fx.send.empty() ? wire::bytes{} : fx.send[0];
}

TEST(LoadgenIpv6Client, RapidCommitBindsTheDelegatedPrefixInOneExchange) {
  ipv6_client c{config(true)};
  lns_dhcpv6 lns;
  const auto t0 = clock_type::now();
  auto solicit = to_first_solicit(c, t0);
  auto reply = lns.answer(solicit);
  ASSERT_TRUE(reply);
  bool consumed = false;
  auto fx = c.receive(*reply, t0 + 40ms, consumed);
  EXPECT_TRUE(consumed);
  EXPECT_TRUE(fx.ready);
  EXPECT_TRUE(fx.send.empty());
  EXPECT_EQ(lns.received, std::vector<dhcpv6::msg_type>{dhcpv6::msg_type::solicit});
  EXPECT_TRUE(lns.binding.bound);
  ASSERT_TRUE(c.lease());
  EXPECT_EQ(ip::to_string(c.lease()->prefix), "2001:db8:8000:100::/56");
  EXPECT_EQ(c.delegated_address(), ipv6_address_of("2001:db8:8000:100::1"));
  EXPECT_EQ(c.dhcpv6_latency(), std::chrono::microseconds{40ms});
  // The Release frees the binding on the server, and the client forgets its lease.
  auto release = c.release();
  ASSERT_FALSE(release.empty());
  (void)lns.answer(release);
  EXPECT_EQ(lns.received.back(), dhcpv6::msg_type::release);
  EXPECT_FALSE(lns.binding.bound);
  EXPECT_FALSE(c.lease());
  EXPECT_TRUE(c.release().empty());
}

TEST(LoadgenIpv6Client, AdvertiseIsFollowedByARequestInANewTransaction) {
  ipv6_client c{config(true)};
  lns_dhcpv6 lns;
  lns.config.rapid_commit = false;
  const auto t0 = clock_type::now();
  auto advertise = lns.answer(to_first_solicit(c, t0));
  ASSERT_TRUE(advertise);
  bool consumed = false;
  auto fx = c.receive(*advertise, t0 + 10ms, consumed);
  EXPECT_FALSE(fx.ready);
  ASSERT_EQ(fx.send.size(), 1u);
  EXPECT_EQ(fx.arm, std::chrono::milliseconds{1s});
  auto request = dhcpv6::decode(ip::nd::decode_udp(fx.send[0])->payload);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->type, dhcpv6::msg_type::request);
  EXPECT_EQ(request->transaction_id, 0x1235u);
  // A stale Advertise (the Solicit's transaction) now changes nothing.
  fx = c.receive(*advertise, t0 + 11ms, consumed);
  EXPECT_TRUE(consumed);
  EXPECT_TRUE(fx.send.empty());
  auto reply = lns.answer(ip::nd::encode_udp(c.link_local(), ip::nd::all_dhcp_servers(), dhcpv6::client_port,
                                             dhcpv6::server_port, dhcpv6::encode(*request), 1));
  ASSERT_TRUE(reply);
  fx = c.receive(*reply, t0 + 30ms, consumed);
  EXPECT_TRUE(fx.ready);
  EXPECT_TRUE(c.ready());
  EXPECT_EQ(c.dhcpv6_latency(), std::chrono::microseconds{30ms}) << "from the first Solicit";
}

TEST(LoadgenIpv6Client, NoPrefixAvailIsItsOwnFailure) {
  ipv6_client c{config(true)};
  lns_dhcpv6 lns;
  lns.binding.delegated.reset();  // the pool is exhausted
  auto reply = lns.answer(to_first_solicit(c, clock_type::now()));
  ASSERT_TRUE(reply);
  bool consumed = false;
  auto fx = c.receive(*reply, clock_type::now(), consumed);
  EXPECT_TRUE(fx.failed);
  EXPECT_EQ(c.failure(), ipv6_failure::no_prefix_avail);
  EXPECT_STREQ(to_string(c.failure()), "NoPrefixAvail");
}

TEST(LoadgenIpv6Client, IgnoresAnotherClientsReply) {
  ipv6_client c{config(true)};
  ipv6_client other{[] {
    auto o = config(true);
    o.duid = dhcpv6::duid_ll({std::byte{2}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{8}});
    return o;
  }()};
  lns_dhcpv6 lns;
  auto reply = lns.answer(to_first_solicit(other, clock_type::now()));
  ASSERT_TRUE(reply);
  (void)to_first_solicit(c, clock_type::now());
  bool consumed = false;
  auto fx = c.receive(*reply, clock_type::now(), consumed);
  EXPECT_TRUE(consumed);
  EXPECT_FALSE(fx.ready || fx.failed);
  EXPECT_FALSE(c.lease());
}

}  // namespace
}  // namespace bras::emulator

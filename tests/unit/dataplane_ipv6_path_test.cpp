// dataplane/data_path for IPv6 with a fake L2TP transport, tun and session
// actor: the session's /64 and delegated prefix routed both ways, the
// anti-spoofing rules (own prefixes only, link-local sources dropped, no
// prefix: nothing forwarded), packets for the router diverted to the session
// actor, MSS clamping and Packet Too Big for a delegated prefix, per-session
// IPv6 counters.
#include <algorithm>
#include <memory>
#include <vector>

#include "dataplane/data_path.hpp"
#include "protocol/ip/nd.hpp"
#include "protocol/l2tp/header.hpp"
#include "protocol/ppp/frame.hpp"
#include "tests/unit/ip_packet_test_util.hpp"

namespace bras::dataplane {
namespace {

using ip::ip_test::at16;
using ip::ip_test::at8;
using ip::ip_test::hex;
using ip::ip_test::ipv6_packet;
using ip::ip_test::tcp_header;
using ip::ip_test::v6;
using route = session_table::ipv6_route;

constexpr model::udp_peer lac{0x7f000001, 1701};
constexpr std::uint64_t peer_iid = 0x0211223344556677ULL;
const ip::ipv6_address link_host = v6("20010db8 01000001 00000000 00000010");       // in 2001:db8:100:1::/64
const ip::ipv6_address delegated_host = v6("20010db8 800001ab 00000000 00000005");  // in 2001:db8:8000:100::/56
const ip::ipv6_address other_host = v6("20010db8 01000002 00000000 00000010");      // another /64
const ip::ipv6_address lns_side = v6("20010db8 ffff0000 00000000 00000001");        // behind tun

struct fake_transport final : transport {
  bool send(std::uint16_t, udp_peer, wire::byte_span data) noexcept override {
    datagrams.emplace_back(data.begin(), data.end());
    return true;
  }
  [[nodiscard]] udp_peer local(std::uint16_t) const noexcept override { return {}; }
  std::vector<wire::bytes> datagrams;
};

struct fake_tun final : packet_writer {
  bool write(wire::byte_span packet) noexcept override {
    packets.emplace_back(packet.begin(), packet.end());
    return true;
  }
  std::vector<wire::bytes> packets;
};

struct fake_session_actor final : session_sink {
  void ppp_frame(wire::byte_span frame) noexcept override { frames.emplace_back(frame.begin(), frame.end()); }
  void tun_packet(wire::byte_span packet) noexcept override { tun_packets.emplace_back(packet.begin(), packet.end()); }
  std::vector<wire::bytes> frames;
  std::vector<wire::bytes> tun_packets;
};

/// An ICMPv6 Echo Request (checksummed) from `src` to `dst`, `size` bytes in all.
wire::bytes echo_request(const ip::ipv6_address& src, const ip::ipv6_address& dst, std::size_t size = 64) {
  wire::bytes icmp(size - 40);
  icmp[0] = std::byte{128};
  icmp[5] = std::byte{7};  // identifier 7
  auto p = ipv6_packet(58, icmp, src, dst);
  ip::ip_test::put16(p, 42, ip::ip_test::upper_layer_checksum(p, 40, 58));
  return p;
}

/// A TCP SYN over IPv6 with MSS 1460, checksummed.
wire::bytes syn(const ip::ipv6_address& src, const ip::ipv6_address& dst) {
  auto p = ipv6_packet(ip::proto::tcp, tcp_header(hex("020405b4")), src, dst);
  ip::ip_test::set_tcp_checksum(p, 40);
  return p;
}

std::uint16_t mss_of(const wire::bytes& packet) {
  return at16(packet, 40 + 22);
}

class Ipv6Path : public ::testing::Test {
 protected:
  void SetUp() override {
    s->local_tunnel_id = 1;
    s->local_session_id = 2;
    s->peer_tunnel_id = 0x1234;
    s->peer_session_id = 0x5678;
    s->peer = lac;
    s->actor = actor;
    s->tcp_mss = 1400;
    sessions.add(s);
    ASSERT_TRUE(sessions.bind_ipv6(s, peer_iid));
    ASSERT_TRUE(sessions.bind_ipv6_prefix(s, route::link, ip::ipv6_prefix::make(link_host, 64)));
    ASSERT_TRUE(sessions.bind_ipv6_prefix(s, route::delegated, ip::ipv6_prefix::make(delegated_host, 56)));
  }

  /// `packet` from the subscriber in an L2TP data message, to the fast path.
  void from_subscriber_over_l2tp(const wire::bytes& packet) {
    wire::bytes d = hex("0002 0001 0002 ff03 0057");
    d.insert(d.end(), packet.begin(), packet.end());
    EXPECT_TRUE(path.from_l2tp(0, lac, d));
  }
  /// `packet` read from tun (with headroom).
  void from_tun(const wire::bytes& packet) {
    std::vector<std::byte> buffer(encap_headroom + packet.size());
    std::copy(packet.begin(), packet.end(), buffer.begin() + encap_headroom);
    path.from_tun(headroom_packet{buffer, encap_headroom, packet.size()});
  }
  /// The IPv6 packets sent to the subscriber (L2TP and PPP headers taken off).
  std::vector<wire::bytes> sent_ipv6() const {
    std::vector<wire::bytes> out;
    for (const auto& d : l2tp.datagrams) {
      auto p = l2tp::decode_packet(wire::byte_span{d.data(), d.size()});
      if (!p) continue;
      auto f = ppp::decode_frame(p->payload);
      if (f && f.value().protocol == ppp::proto::ipv6)
        out.emplace_back(f.value().payload.begin(), f.value().payload.end());
    }
    return out;
  }

  session_table sessions;
  model::counters stats;
  fake_transport l2tp;
  fake_tun tun;
  data_path path{config::data_path_mode::fast_path, sessions, stats, l2tp, &tun};
  data_path actors{config::data_path_mode::actors, sessions, stats, l2tp, &tun};
  std::shared_ptr<fake_session_actor> actor = std::make_shared<fake_session_actor>();
  data_session_ptr s = std::make_shared<data_session>();
};

TEST_F(Ipv6Path, SourcesInTheLinkPrefixAndTheDelegatedPrefixReachTunAndAreCounted) {
  const auto a = echo_request(link_host, lns_side);
  const auto b = echo_request(delegated_host, lns_side, 100);
  from_subscriber_over_l2tp(a);         // fast path
  actors.from_subscriber(*s, true, b);  // actor path (the session actor's call)
  ASSERT_EQ(tun.packets.size(), 2u);
  EXPECT_EQ(tun.packets[0], a);
  EXPECT_EQ(tun.packets[1], b);
  EXPECT_EQ(s->rx_packets.load(), 2u);
  EXPECT_EQ(s->rx_v6_packets.load(), 2u);
  EXPECT_EQ(s->rx_v6_bytes.load(), 164u);
  EXPECT_EQ(stats.data_rx_packets.load(), 2u);
  EXPECT_EQ(s->rx_errors.load(), 0u);
  EXPECT_TRUE(actor->frames.empty());
}

TEST_F(Ipv6Path, SpoofedAndLinkLocalSourcesAreDroppedAndCountedApart) {
  for (auto* entry : {&path, &actors}) {
    entry->from_subscriber(*s, true, echo_request(other_host, lns_side));
    entry->from_subscriber(*s, true, echo_request(ip::link_local(peer_iid), lns_side));
  }
  from_subscriber_over_l2tp(echo_request(other_host, lns_side));
  from_subscriber_over_l2tp(echo_request(ip::link_local(peer_iid), lns_side));
  EXPECT_TRUE(tun.packets.empty());
  EXPECT_EQ(stats.data_rx_spoofed_v6.load(), 3u);
  EXPECT_EQ(stats.data_rx_link_local.load(), 3u);
  EXPECT_EQ(stats.data_rx_spoofed.load(), 0u);  // the IPv4 reason is IPv4's alone
  EXPECT_EQ(s->spoofed.load(), 3u);
  EXPECT_EQ(s->rx_errors.load(), 6u);
  EXPECT_EQ(s->rx_packets.load(), 0u);
  EXPECT_EQ(stats.data_rx_packets.load(), 0u);
}

TEST_F(Ipv6Path, WithoutPrefixesNothingIsForwardedAndBeforeIpv6cpNothingAtAll) {
  sessions.unbind_ipv6_prefix(*s, route::link);
  sessions.unbind_ipv6_prefix(*s, route::delegated);
  from_subscriber_over_l2tp(echo_request(link_host, lns_side));
  EXPECT_TRUE(tun.packets.empty());
  EXPECT_EQ(stats.data_rx_spoofed_v6.load(), 1u);
  sessions.unbind_ipv6(*s);
  s->ipv6_iid = 0;
  from_subscriber_over_l2tp(echo_request(link_host, lns_side));
  EXPECT_EQ(stats.data_rx_not_up.load(), 1u);
  // Only the delegated prefix (no /64): its sources pass, the old /64's do not.
  s->ipv6_iid = peer_iid;
  ASSERT_TRUE(sessions.bind_ipv6_prefix(s, route::delegated, ip::ipv6_prefix::make(delegated_host, 56)));
  from_subscriber_over_l2tp(echo_request(delegated_host, lns_side));
  from_subscriber_over_l2tp(echo_request(link_host, lns_side));
  EXPECT_EQ(tun.packets.size(), 1u);
  EXPECT_EQ(stats.data_rx_spoofed_v6.load(), 2u);
}

TEST_F(Ipv6Path, PacketsForTheRouterGoToTheSessionActorNotTun) {
  // A Router Solicitation to ff02::2 (hop limit 255, as RFC 4861 §6.1.1 requires).
  auto rs = ipv6_packet(58, hex("85 00 0000 00000000"), ip::link_local(peer_iid), ip::nd::all_routers());
  rs[7] = std::byte{255};
  ip::ip_test::put16(rs, 42, ip::ip_test::upper_layer_checksum(rs, 40, 58));
  ASSERT_EQ(ip::nd::classify(rs), ip::nd::local_kind::router_solicitation);
  from_subscriber_over_l2tp(rs);
  ASSERT_EQ(actor->frames.size(), 1u);
  EXPECT_EQ(actor->frames[0], [&] {
    auto f = hex("ff03 0057");
    f.insert(f.end(), rs.begin(), rs.end());
    return f;
  }());
  // The actor path never writes one to tun either.
  actors.from_subscriber(*s, true, rs);
  EXPECT_TRUE(tun.packets.empty());
  EXPECT_EQ(stats.data_rx_packets.load(), 0u);
  EXPECT_EQ(stats.data_rx_link_local.load(), 0u);
  EXPECT_EQ(s->rx_errors.load(), 0u);
}

TEST_F(Ipv6Path, DownstreamTheLinkPrefixAndTheDelegatedPrefixRouteToTheSession) {
  from_tun(echo_request(lns_side, link_host));
  from_tun(echo_request(lns_side, delegated_host, 80));
  from_tun(echo_request(lns_side, other_host));
  auto sent = sent_ipv6();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0], echo_request(lns_side, link_host));
  EXPECT_EQ(sent[1], echo_request(lns_side, delegated_host, 80));
  EXPECT_EQ(stats.data_tun_no_route.load(), 1u);
  EXPECT_EQ(s->tx_v6_packets.load(), 2u);
  EXPECT_EQ(s->tx_v6_bytes.load(), 144u);
  EXPECT_EQ(s->tx_packets.load(), 2u);
  // The actor path hands the routed packet to the session actor.
  data_path split{config::data_path_mode::split, sessions, stats, l2tp, &tun};
  std::vector<std::byte> buffer(encap_headroom + 64);
  const auto p = echo_request(lns_side, delegated_host);
  std::copy(p.begin(), p.end(), buffer.begin() + encap_headroom);
  split.from_tun(headroom_packet{buffer, encap_headroom, p.size()});
  ASSERT_EQ(actor->tun_packets.size(), 1u);
  EXPECT_EQ(actor->tun_packets[0], p);
}

TEST_F(Ipv6Path, UnbindStopsRoutingAndAdmitting) {
  sessions.unbind_ipv6_prefix(*s, route::delegated);
  from_tun(echo_request(lns_side, delegated_host));
  EXPECT_TRUE(sent_ipv6().empty());
  EXPECT_EQ(stats.data_tun_no_route.load(), 1u);
  from_subscriber_over_l2tp(echo_request(delegated_host, lns_side));
  EXPECT_TRUE(tun.packets.empty());
  EXPECT_EQ(stats.data_rx_spoofed_v6.load(), 1u);
  sessions.remove(*s);
  from_tun(echo_request(lns_side, link_host));
  EXPECT_EQ(stats.data_tun_no_route.load(), 2u);
}

TEST_F(Ipv6Path, TcpMssIsClampedBothWaysForTheDelegatedPrefix) {
  from_subscriber_over_l2tp(syn(delegated_host, lns_side));
  ASSERT_EQ(tun.packets.size(), 1u);
  EXPECT_EQ(mss_of(tun.packets[0]), max_mss(1400, true));
  EXPECT_EQ(ip::ip_test::upper_layer_checksum(tun.packets[0], 40, ip::proto::tcp), 0u);
  from_tun(syn(lns_side, delegated_host));
  auto sent = sent_ipv6();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(mss_of(sent[0]), max_mss(1400, true));
  EXPECT_EQ(ip::ip_test::upper_layer_checksum(sent[0], 40, ip::proto::tcp), 0u);
  EXPECT_EQ(s->mss_clamped.load(), 2u);
}

TEST_F(Ipv6Path, TooBigForTheDelegatedPrefixGetsPacketTooBigThroughTun) {
  s->mtu = 1280;
  from_tun(echo_request(lns_side, delegated_host, 1400));
  EXPECT_TRUE(sent_ipv6().empty());
  ASSERT_EQ(tun.packets.size(), 1u);
  const auto& icmp = tun.packets[0];
  ASSERT_GE(icmp.size(), 48u);
  EXPECT_EQ(at8(icmp, 6), 58u);  // ICMPv6
  EXPECT_EQ(at8(icmp, 40), 2u);  // Packet Too Big
  EXPECT_EQ(ip::ip_test::at16(icmp, 46), 1280u);
  // From the subscriber's address (the original's destination), to the original's source.
  EXPECT_TRUE(std::equal(delegated_host.begin(), delegated_host.end(), icmp.begin() + 8));
  EXPECT_TRUE(std::equal(lns_side.begin(), lns_side.end(), icmp.begin() + 24));
  EXPECT_EQ(ip::ip_test::upper_layer_checksum(icmp, 40, 58), 0u);
  EXPECT_EQ(s->icmp_sent.load(), 1u);
}

}  // namespace
}  // namespace bras::dataplane

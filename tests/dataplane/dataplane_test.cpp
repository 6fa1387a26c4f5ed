// The LNS data plane through a real tun device, in a private network
// namespace made by this process (main() unshares before any test runs):
// an emulated subscriber behind a brasd LAC pings an address behind tun
// (on the namespace's loopback) and gets the reply; a spoofed source is
// dropped; TCP SYN MSS is clamped both ways; a too-big packet with DF is
// answered with ICMP fragmentation-needed and one without DF is fragmented.
// Runs for each data-path design (fast path, actor path, and split).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "daemon/daemon.hpp"
#include "protocol/ip/packet.hpp"
#include "protocol/l2tp/header.hpp"
#include "protocol/ppp/frame.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/udp_proxy.hpp"
#include "tools/emulator/subscriber_emulator.hpp"

namespace bras {
namespace {

using event = actors::subscriber_event;
constexpr std::uint32_t behind_tun = 0xc6336401;  // 198.51.100.1, on the namespace's loopback
constexpr const char* tun_name = "brastest0";

config::settings lns_config(const std::string& mode, bool ipv6 = false) {
  return settings_from(
      "runtime: {threads: 2, shards: 2}\nlog: {level: warn}\n"
      "l2tp:\n  host-name: lns-under-test\n" +
      timers() +
      "  local-gateways: [{name: lo, address: 127.0.0.1, port: 0}]\n"
      "  tunnel-groups:\n"
      "    - name: g\n"
      "      hello-interval: 0\n"
      "      clients: [{host-name: lac-under-test, allowed-sources: [127.0.0.0/8], secret: s3cret}]\n"
      "ppp:\n  restart-timer-ms: 300\n  local-address: 100.64.0.1\n  ipv6: " +
      std::string{ipv6 ? "true" : "false"} +
      "\n  address-pool: p\n"
      "address-pools: [{name: p, prefixes: [100.64.0.0/24]}]\n"
      "aaa: {subscribers: [{user: alice, password: wonderland}]}\n"
      "data-plane: {tun: " +
      std::string{tun_name} + ", mode: " + mode + "}\n");
}

void put16(wire::bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::byte>(v >> 8);
  b[at + 1] = static_cast<std::byte>(v & 0xff);
}
void put32(wire::bytes& b, std::size_t at, std::uint32_t v) {
  put16(b, at, static_cast<std::uint16_t>(v >> 16));
  put16(b, at + 2, static_cast<std::uint16_t>(v & 0xffff));
}
std::uint16_t get16(const wire::bytes& b, std::size_t at) {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(b[at]) << 8) | std::to_integer<unsigned>(b[at + 1]));
}
std::uint32_t get32(const wire::bytes& b, std::size_t at) {
  return (std::uint32_t{get16(b, at)} << 16) | get16(b, at + 2);
}

/// An IPv4 header (20 bytes) followed by `payload`, checksummed.
wire::bytes ipv4(std::uint32_t src, std::uint32_t dst, std::uint8_t protocol, const wire::bytes& payload) {
  wire::bytes p(20 + payload.size());
  p[0] = std::byte{0x45};
  put16(p, 2, static_cast<std::uint16_t>(p.size()));
  put16(p, 4, 0x1234);
  p[8] = std::byte{64};
  p[9] = static_cast<std::byte>(protocol);
  put32(p, 12, src);
  put32(p, 16, dst);
  put16(p, 10, ip::internet_checksum(wire::byte_span{p.data(), 20}));
  std::copy(payload.begin(), payload.end(), p.begin() + 20);
  return p;
}

wire::bytes icmp_echo(std::uint16_t id, std::uint16_t seq) {
  wire::bytes m(16);
  m[0] = std::byte{8};
  put16(m, 4, id);
  put16(m, 6, seq);
  put16(m, 2, ip::internet_checksum(m));
  return m;
}

/// A TCP SYN segment with one option, the MSS; its checksum is left zero.
wire::bytes syn_segment(std::uint16_t sport, std::uint16_t dport, std::uint16_t mss) {
  wire::bytes t(24);
  put16(t, 0, sport);
  put16(t, 2, dport);
  put32(t, 4, 1000);
  t[12] = std::byte{6 << 4};  // data offset 6 words
  t[13] = std::byte{0x02};    // SYN
  put16(t, 14, 65535);
  t[20] = std::byte{2};
  t[21] = std::byte{4};
  put16(t, 22, mss);
  return t;
}

/// The MSS option of the TCP segment at `tcp_at` in `p`, if any.
std::optional<std::uint16_t> tcp_mss_at(const wire::bytes& p, std::size_t tcp_at) {
  const std::size_t off = (std::to_integer<unsigned>(p[tcp_at + 12]) >> 4) * 4u;
  for (std::size_t i = tcp_at + 20; i + 4 <= tcp_at + off && i + 4 <= p.size();) {
    const auto kind = std::to_integer<unsigned>(p[i]);
    if (kind == 0) break;
    if (kind == 1) {
      ++i;
      continue;
    }
    if (kind == 2) return get16(p, i + 2);
    i += std::max(2u, std::to_integer<unsigned>(p[i + 1]));
  }
  return std::nullopt;
}

/// A TCP SYN with an MSS option, checksummed over the IPv4 pseudo-header.
wire::bytes tcp_syn(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport, std::uint16_t mss) {
  auto t = syn_segment(sport, dport, mss);
  wire::bytes pseudo(12);
  put32(pseudo, 0, src);
  put32(pseudo, 4, dst);
  pseudo[9] = std::byte{6};
  put16(pseudo, 10, static_cast<std::uint16_t>(t.size()));
  pseudo.insert(pseudo.end(), t.begin(), t.end());
  put16(t, 16, ip::internet_checksum(pseudo));
  return ipv4(src, dst, 6, t);
}

/// The MSS option of a TCP segment in an IPv4 packet, if any.
std::optional<std::uint16_t> mss_of(const wire::bytes& p) {
  if (p.size() < 40 || std::to_integer<unsigned>(p[9]) != 6) return std::nullopt;
  return tcp_mss_at(p, (std::to_integer<unsigned>(p[0]) & 0x0f) * 4u);
}

// --- IPv6 -------------------------------------------------------------------

ip::ipv6_address v6(const char* text) {
  return ip::parse_ipv6_address(text).value();
}
const ip::ipv6_address lns_v6 = v6("2001:db8:ffff::1");              // on tun (ipv6.local-address)
const ip::ipv6_address link_host = v6("2001:db8:100:1::10");         // in the session's /64
const ip::ipv6_address delegated_host = v6("2001:db8:8000:1ab::5");  // in its delegated /56
const ip::ipv6_address other_host = v6("2001:db8:100:2::10");        // in the pool, not the session's
constexpr std::uint64_t subscriber_iid = 0x0211223344556677ULL;

/// An IPv6 packet (hop limit 64) with `payload`, its upper-layer checksum (at `checksum_at` in
/// the payload) filled in over the pseudo-header (RFC 8200 §8.1).
wire::bytes ipv6(const ip::ipv6_address& src, const ip::ipv6_address& dst, std::uint8_t next_header,
                 wire::bytes payload, std::size_t checksum_at) {
  wire::bytes pseudo;
  pseudo.insert(pseudo.end(), src.begin(), src.end());
  pseudo.insert(pseudo.end(), dst.begin(), dst.end());
  pseudo.resize(pseudo.size() + 8);
  put32(pseudo, 32, static_cast<std::uint32_t>(payload.size()));
  pseudo[39] = static_cast<std::byte>(next_header);
  pseudo.insert(pseudo.end(), payload.begin(), payload.end());
  put16(payload, checksum_at, ip::internet_checksum(pseudo));
  wire::bytes p(40);
  p[0] = std::byte{0x60};
  put16(p, 4, static_cast<std::uint16_t>(payload.size()));
  p[6] = static_cast<std::byte>(next_header);
  p[7] = std::byte{64};
  std::copy(src.begin(), src.end(), p.begin() + 8);
  std::copy(dst.begin(), dst.end(), p.begin() + 24);
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

wire::bytes echo6(const ip::ipv6_address& src, const ip::ipv6_address& dst, std::uint16_t id) {
  wire::bytes m(16);
  m[0] = std::byte{128};
  put16(m, 4, id);
  put16(m, 6, 1);
  return ipv6(src, dst, 58, m, 2);
}

bool is_echo6_reply(const wire::bytes& p, std::uint16_t id) {
  return p.size() >= 48 && p[6] == std::byte{58} && p[40] == std::byte{129} && get16(p, 44) == id;
}

wire::bytes syn6(const ip::ipv6_address& src, const ip::ipv6_address& dst, std::uint16_t sport, std::uint16_t dport) {
  return ipv6(src, dst, 6, syn_segment(sport, dport, 1440), 16);
}

/// The MSS option of a TCP segment in an IPv6 packet (no extension headers), if any.
std::optional<std::uint16_t> mss6_of(const wire::bytes& p) {
  if (p.size() < 60 || p[6] != std::byte{6}) return std::nullopt;
  return tcp_mss_at(p, 40);
}

class DataPlane : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    lns = std::make_unique<app::daemon>(lns_config(GetParam()));
    lns->start();
    bring_up(lns->local(0).port);
  }

  /// An LAC sending to `lns_port` (the LNS, or a proxy in front of it), and a subscriber with IPCP open.
  void bring_up(std::uint16_t lns_port, const std::string& destination_extra = "", std::uint64_t interface_id = 0) {
    lac = std::make_unique<app::daemon>(lac_settings(lns_port, "s3cret", 0, 2, 2, "", destination_extra));
    lac->start();
    self = std::make_unique<caf::scoped_actor>(lac->system());
    actors::subscriber_args a;
    a.lac = lac->lac();
    a.observer = caf::actor_cast<actors::subscriber_observer_actor>(*self);
    a.id = 1;
    a.ppp.user = "alice";
    a.ppp.password = "wonderland";
    a.ppp.magic = 0x5151;
    a.ppp.mru = 1400;
    a.ppp.negotiation.restart_timer = 300ms;
    a.ppp.ipv6 = interface_id != 0;
    a.ppp.interface_id = interface_id;
    sub = actors::spawn_subscriber(lac->system(), std::move(a));
    bool up = false;
    bool v6_up = interface_id == 0;
    (*self)->receive_while([&] { return !up || !v6_up; })(
        [&](actors::subscriber_event& e) {
          if (e.what == event::kind::ipv4_up) {
            up = true;
            address = e.address;
          }
          if (e.what == event::kind::ipv6_up) v6_up = true;
          ASSERT_NE(e.what, event::kind::finished) << e.message;
        },
        [](actors::subscriber_ip&) {}, caf::after(20s) >> [&] { FAIL() << "no IPCP"; });
    // The LNS's IPCP may open a moment after the subscriber's: wait for its binding too.
    ASSERT_TRUE(eventually([&] { return lns->ctx().sessions.find_ipv4(address) != nullptr; }, 5s));
    if (interface_id != 0) {
      ASSERT_TRUE(eventually([&] { return lns->ctx().sessions.find_ipv6(interface_id) != nullptr; }, 5s));
    }
  }
  void TearDown() override {
    self.reset();
    lac.reset();
    proxy.reset();
    lns.reset();
  }

  void send(const wire::bytes& packet) {
    caf::anon_send(sub, actors::subscriber_ip{1, ip::ip_version(packet) == 6, packet});
  }

  /// Waits for an IP packet at the subscriber matching `pred`.
  template <class Pred>
  std::optional<wire::bytes> receive(Pred pred, std::chrono::milliseconds limit = 3s) {
    std::optional<wire::bytes> got;
    bool timed_out = false;
    (*self)->receive_while([&] { return !got && !timed_out; })(
        [&](actors::subscriber_ip& p) {
          if (pred(p.packet)) got = std::move(p.packet);
        },
        [](actors::subscriber_event&) {}, caf::after(limit) >> [&] { timed_out = true; });
    return got;
  }

  std::unique_ptr<app::daemon> lns;
  std::unique_ptr<test::udp_proxy> proxy;  ///< between LAC and LNS, when a test watches the wire
  std::unique_ptr<app::daemon> lac;
  std::unique_ptr<caf::scoped_actor> self;
  actors::subscriber_actor sub;
  std::uint32_t address = 0;
};

TEST_P(DataPlane, PingThroughTunAndBack) {
  send(ipv4(address, behind_tun, 1, icmp_echo(77, 1)));
  auto reply = receive([&](const wire::bytes& p) {
    return p.size() >= 28 && get32(p, 12) == behind_tun && get32(p, 16) == address && p[9] == std::byte{1} &&
           p[20] == std::byte{0} && get16(p, 24) == 77;
  });
  ASSERT_TRUE(reply) << "no echo reply";
  EXPECT_TRUE(ip::ipv4_header_checksum_ok(*reply));
  auto& st = lns->ctx().stats;
  EXPECT_GE(st.data_rx_packets.load(), 1u);
  EXPECT_GE(st.data_tx_packets.load(), 1u);
  auto s = lns->ctx().sessions.find_ipv4(address);
  ASSERT_TRUE(s);
  EXPECT_GE(s->rx_packets.load(), 1u);
  EXPECT_GE(s->tx_packets.load(), 1u);

  // The session's own view, as the show commands will read it.
  caf::scoped_actor q{lns->system()};
  model::session_snapshot snap;
  q->request(actors::session_of(*s), 5s, actors::snapshot_atom::value)
      .receive([&](model::session_snapshot& x) { snap = std::move(x); }, [&](caf::error&) { FAIL(); });
  EXPECT_EQ(snap.user, "alice");
  EXPECT_EQ(snap.address, address);
  EXPECT_EQ(snap.lcp_state, "opened");
  EXPECT_EQ(snap.ipcp_state, "opened");
  EXPECT_EQ(snap.ppp_phase, "network");
  EXPECT_EQ(snap.peer_mru, 1400);
  EXPECT_EQ(snap.data_rx_packets, 1u);
  EXPECT_EQ(snap.data_rx_bytes, 36u);  // 20-byte header + 16-byte ICMP echo
  EXPECT_EQ(snap.data_tx_packets, 1u);
  EXPECT_GT(snap.control_rx_packets, 3u);  // LCP, CHAP, IPCP at least
  EXPECT_GT(snap.control_tx_packets, 3u);
  ASSERT_TRUE(snap.up_since.has_value());
  EXPECT_LE(snap.created, *snap.up_since);
  // The tunnel's aggregates (asked through the query actor) are the sums of its sessions' counters.
  model::tunnel_snapshot tun;
  model::query_request by_tunnel;
  by_tunnel.filter.local_tunnel_id = s->local_tunnel_id;
  by_tunnel.depth = model::query_depth::totals;
  q->request(lns->query(), 5s, actors::query_atom::value, by_tunnel)
      .receive(
          [&](model::query_snapshot& x) {
            ASSERT_EQ(x.tunnels.size(), 1u);
            tun = std::move(x.tunnels[0].tunnel);
          },
          [&](caf::error&) { FAIL() << "no tunnel"; });
  EXPECT_EQ(tun.local_tunnel_id, s->local_tunnel_id);
  EXPECT_EQ(tun.state, "established");
  EXPECT_EQ(tun.sessions, 1u);
  EXPECT_EQ(tun.sessions_missing, 0u);
  EXPECT_EQ(tun.data_rx_packets, snap.data_rx_packets);
  EXPECT_EQ(tun.data_tx_bytes, snap.data_tx_bytes);
  EXPECT_GE(tun.control_rx_packets, snap.control_rx_packets);
  // Clearing the statistics restarts the counters, not the session.
  caf::anon_send(actors::session_of(*s), actors::session_input{actors::session_signal::clear_stats});
  q->request(actors::session_of(*s), 5s, actors::snapshot_atom::value)
      .receive([&](model::session_snapshot& x) { snap = std::move(x); }, [&](caf::error&) { FAIL(); });
  EXPECT_EQ(snap.data_rx_packets, 0u);
  EXPECT_EQ(snap.control_rx_packets, 0u);
  EXPECT_GE(snap.statistics_since, *snap.up_since);
  EXPECT_EQ(snap.ipcp_state, "opened");
}

TEST_P(DataPlane, SpoofedSourceIsDroppedAndCounted) {
  send(ipv4(address + 1, behind_tun, 1, icmp_echo(78, 1)));
  EXPECT_FALSE(receive([](const wire::bytes& p) { return p.size() >= 28 && get16(p, 24) == 78; }, 500ms));
  EXPECT_TRUE(eventually([&] { return lns->ctx().stats.data_rx_spoofed.load() == 1; }));
  EXPECT_EQ(lns->ctx().sessions.find_ipv4(address)->spoofed.load(), 1u);
  // The session still works.
  send(ipv4(address, behind_tun, 1, icmp_echo(79, 1)));
  EXPECT_TRUE(receive([](const wire::bytes& p) { return p.size() >= 28 && get16(p, 24) == 79; }));
}

TEST_P(DataPlane, TcpSynMssIsClampedBothWays) {
  // Watch what the LNS writes into tun.
  const int ps = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_ALL));
  ASSERT_GE(ps, 0);
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_ALL);
  ll.sll_ifindex = static_cast<int>(if_nametoindex(tun_name));
  ASSERT_EQ(::bind(ps, reinterpret_cast<sockaddr*>(&ll), sizeof ll), 0);
  // A listener so the kernel answers with a SYN-ACK (carrying its own MSS, 1460).
  const int ls = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_addr.s_addr = htonl(behind_tun);
  at.sin_port = htons(5555);
  int one = 1;
  ::setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ASSERT_EQ(::bind(ls, reinterpret_cast<sockaddr*>(&at), sizeof at), 0);
  ASSERT_EQ(::listen(ls, 4), 0);

  send(tcp_syn(address, behind_tun, 40000, 5555, 1460));
  auto synack = receive([&](const wire::bytes& p) {
    return p.size() >= 40 && p[9] == std::byte{6} && get16(p, 20) == 5555 &&
           (std::to_integer<unsigned>(p[33]) & 0x12) == 0x12;
  });
  ASSERT_TRUE(synack) << "no SYN-ACK: the clamped SYN must still carry a valid checksum";
  EXPECT_EQ(mss_of(*synack), std::optional<std::uint16_t>{1360});  // MRU 1400 - 40

  std::optional<std::uint16_t> seen;
  std::array<std::byte, 2048> buf{};
  for (int i = 0; i < 100 && !seen; ++i) {
    auto n = ::recv(ps, buf.data(), buf.size(), 0);
    if (n > 0) {
      wire::bytes p{buf.begin(), buf.begin() + n};
      if (p.size() >= 40 && p[9] == std::byte{6} && get16(p, 22) == 5555) seen = mss_of(p);
    } else {
      std::this_thread::sleep_for(10ms);
    }
  }
  EXPECT_EQ(seen, std::optional<std::uint16_t>{1360});
  EXPECT_GE(lns->ctx().stats.data_mss_clamped.load(), 2u);
  ::close(ps);
  ::close(ls);
}

TEST_P(DataPlane, TooBigWithDfGetsIcmpFragmentationNeededWithoutDfIsFragmented) {
  int us = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_addr.s_addr = htonl(behind_tun);
  ASSERT_EQ(::bind(us, reinterpret_cast<sockaddr*>(&from), sizeof from), 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(address);
  to.sin_port = htons(9);
  ASSERT_EQ(::connect(us, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  int pmtu = IP_PMTUDISC_DO;
  ::setsockopt(us, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu);
  std::vector<char> big(1450, 'x');
  ASSERT_EQ(::send(us, big.data(), big.size(), 0), static_cast<ssize_t>(big.size()));
  EXPECT_TRUE(eventually([&] { return lns->ctx().stats.data_icmp_sent.load() == 1; }, 3s))
      << "tx=" << lns->ctx().stats.data_tx_packets.load() << " noroute=" << lns->ctx().stats.data_tun_no_route.load()
      << " txerr=" << lns->ctx().stats.data_tx_errors.load() << " frag=" << lns->ctx().stats.data_fragmented.load();
  // The kernel learnt the path MTU from our ICMP.
  EXPECT_TRUE(eventually(
      [&] {
        int mtu = 0;
        socklen_t len = sizeof mtu;
        ::getsockopt(us, IPPROTO_IP, IP_MTU, &mtu, &len);
        return mtu == 1400;
      },
      3s));

  // Without DF and ignoring the learnt path MTU (IP_PMTUDISC_OMIT), the
  // kernel passes the 1448-byte datagram to tun whole: the LNS must fragment
  // it to the session's 1400.
  ::close(us);
  us = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_EQ(::bind(us, reinterpret_cast<sockaddr*>(&from), sizeof from), 0);
  ASSERT_EQ(::connect(us, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  pmtu = IP_PMTUDISC_OMIT;
  ASSERT_EQ(::setsockopt(us, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu), 0);
  std::vector<char> mid(1420, 'y');
  ::send(us, mid.data(), mid.size(), 0);
  std::size_t fragments = 0;
  receive(
      [&](const wire::bytes& p) {
        if (p.size() >= 20 && get32(p, 12) == behind_tun && p[9] == std::byte{17}) ++fragments;
        return fragments == 2;
      },
      3s);
  EXPECT_EQ(fragments, 2u);
  EXPECT_GE(lns->ctx().stats.data_fragmented.load(), 1u);
  ::close(us);
}

TEST_P(DataPlane, DataMessagesWithLengthSequenceAndOffsetFieldsAreAccepted) {
  // RFC 2661 §3.1: L, S and O bits are optional on data messages; a LAC may
  // use any of them. Sent from the LAC's own address and port.
  auto s = lns->ctx().sessions.find_ipv4(address);
  ASSERT_TRUE(s);
  const auto lac_end = lac->local(0);
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_addr.s_addr = htonl(lac_end.address);
  from.sin_port = htons(lac_end.port);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from), 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(0x7f000001);
  to.sin_port = htons(lns->local(0).port);
  const auto before = lns->ctx().stats.data_rx_packets.load();
  auto packet = ipv4(address, behind_tun, 1, icmp_echo(90, 1));
  // flags L (0x4000), S (0x0800), O (0x0200), version 2; Length, Tunnel ID, Session ID, Ns, Nr,
  // Offset Size 3, three pad bytes, then the PPP frame.
  wire::bytes d(14 + 3);
  put16(d, 0, 0x4a02);
  put16(d, 4, s->local_tunnel_id);
  put16(d, 6, s->local_session_id);
  put16(d, 8, 7);
  put16(d, 10, 0);
  put16(d, 12, 3);
  for (auto b : {0xff, 0x03, 0x00, 0x21}) d.push_back(static_cast<std::byte>(b));
  d.insert(d.end(), packet.begin(), packet.end());
  put16(d, 2, static_cast<std::uint16_t>(d.size()));
  ASSERT_EQ(::sendto(fd, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
            static_cast<ssize_t>(d.size()));
  EXPECT_TRUE(eventually([&] { return lns->ctx().stats.data_rx_packets.load() == before + 1; }, 3s));
  EXPECT_EQ(lns->ctx().stats.data_rx_malformed.load(), 0u);
  ::close(fd);
}

/// The LAC asks for sequencing (ICCN AVP 39), through a proxy that records what the LNS sends it.
class SequencedDataPlane : public DataPlane {
 protected:
  void SetUp() override {
    lns = std::make_unique<app::daemon>(lns_config(GetParam()));
    lns->start();
    test::impairment record;
    record.record = true;
    proxy = std::make_unique<test::udp_proxy>(lns->local(0).port, record);
    bring_up(proxy->port(), ", sequencing-required: true");
  }
};

TEST_P(SequencedDataPlane, EveryDataMessageToTheLacCarriesNsInOrder) {
  for (std::uint16_t seq = 1; seq <= 3; ++seq) {
    send(ipv4(address, behind_tun, 1, icmp_echo(91, seq)));
    ASSERT_TRUE(receive([&](const wire::bytes& p) {
      return p.size() >= 28 && get16(p, 24) == 91 && get16(p, 26) == seq;
    })) << "no echo reply "
        << seq;
  }
  // PPP negotiation (sent by the session actor), then the three replies (from tun: on the I/O
  // thread on the fast path, through the session actor otherwise): one Ns sequence from 0 (RFC 2661 §5.4).
  std::size_t n = 0;
  std::size_t ip = 0;
  for (const auto& d : proxy->from_backend()) {
    auto p = l2tp::decode_packet(wire::byte_span{d.data(), d.size()});
    if (!p || p->hdr.control) continue;
    EXPECT_TRUE(p->hdr.sequence_present) << "data message " << n;
    EXPECT_EQ(p->hdr.ns, n) << "data message " << n;
    ++n;
    auto f = ppp::decode_frame(p->payload);
    if (f && f.value().protocol == ppp::proto::ipv4) ++ip;
  }
  EXPECT_EQ(ip, 3u);
  EXPECT_GE(n, 7u);  // at least LCP request and ack, CHAP challenge and success, IPCP
}

/// Dual stack: IPv6CP up, tun with the LNS's IPv6 address and the prefix pools' routes, and the
/// session's /64 and delegated /56 routed (as the session's IPv6 host does once it has them).
class Ipv6DataPlane : public DataPlane {
 protected:
  void SetUp() override {
    auto cfg = lns_config(GetParam(), true);
    cfg.ipv6.local_address = lns_v6;
    cfg.prefix_pools.push_back({"links", {ip::parse_ipv6_prefix("2001:db8:100::/48").value()}, 64, {}});
    cfg.prefix_pools.push_back({"delegated", {ip::parse_ipv6_prefix("2001:db8:8000::/40").value()}, 56, {}});
    lns = std::make_unique<app::daemon>(cfg);
    lns->start();
    bring_up(lns->local(0).port, "", subscriber_iid);
    session = lns->ctx().sessions.find_ipv4(address);
    ASSERT_TRUE(session);
    auto& table = lns->ctx().sessions;
    ASSERT_TRUE(table.bind_ipv6_prefix(session, route::link, ip::parse_ipv6_prefix("2001:db8:100:1::/64").value()));
    ASSERT_TRUE(
        table.bind_ipv6_prefix(session, route::delegated, ip::parse_ipv6_prefix("2001:db8:8000:100::/56").value()));
  }
  void TearDown() override {
    session.reset();
    DataPlane::TearDown();
  }
  bool echo_answered(const ip::ipv6_address& from, std::uint16_t id, std::chrono::milliseconds limit = 3s) {
    send(echo6(from, lns_v6, id));
    return receive([&](const wire::bytes& p) { return is_echo6_reply(p, id); }, limit).has_value();
  }

  using route = dataplane::session_table::ipv6_route;
  dataplane::data_session_ptr session;
};

TEST_P(Ipv6DataPlane, TheLinkPrefixAndTheDelegatedPrefixAreRoutedBothWays) {
  // The kernel answers from the tun's IPv6 address through the pools' routes into tun, and the
  // data plane finds the session by the destination's prefix.
  EXPECT_TRUE(echo_answered(link_host, 201)) << "no echo reply to the /64";
  EXPECT_TRUE(echo_answered(delegated_host, 202)) << "no echo reply to the delegated prefix";
  EXPECT_EQ(session->rx_v6_packets.load(), 2u);
  EXPECT_EQ(session->rx_v6_bytes.load(), 112u);
  EXPECT_EQ(session->tx_v6_packets.load(), 2u);
  EXPECT_EQ(session->rx_errors.load(), 0u);
  EXPECT_EQ(lns->ctx().sessions.ipv6_link_routes(), 1u);
  EXPECT_EQ(lns->ctx().sessions.ipv6_delegated_routes(), 1u);
}

TEST_P(Ipv6DataPlane, SpoofedAndLinkLocalSourcesAreDroppedAndCounted) {
  auto& st = lns->ctx().stats;
  EXPECT_FALSE(echo_answered(other_host, 203, 500ms));
  EXPECT_TRUE(eventually([&] { return st.data_rx_spoofed_v6.load() == 1; }));
  EXPECT_EQ(session->spoofed.load(), 1u);
  EXPECT_FALSE(echo_answered(ip::link_local(subscriber_iid), 204, 500ms));
  EXPECT_TRUE(eventually([&] { return st.data_rx_link_local.load() == 1; }));
  EXPECT_EQ(session->spoofed.load(), 1u);
  EXPECT_EQ(session->rx_errors.load(), 2u);
  EXPECT_EQ(st.data_rx_spoofed.load(), 0u);
  EXPECT_EQ(session->rx_v6_packets.load(), 0u);
  EXPECT_TRUE(echo_answered(link_host, 205)) << "the session still works";
}

TEST_P(Ipv6DataPlane, PacketsForTheRouterNeverReachTun) {
  // A Router Solicitation to ff02::2 goes to the session actor (its IPv6 host), not into tun.
  wire::bytes rs_body(8);
  rs_body[0] = std::byte{133};
  auto rs = ipv6(ip::link_local(subscriber_iid), v6("ff02::2"), 58, rs_body, 2);
  rs[7] = std::byte{255};
  const int ps = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_IPV6));
  ASSERT_GE(ps, 0);
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_IPV6);
  ll.sll_ifindex = static_cast<int>(if_nametoindex(tun_name));
  ASSERT_EQ(::bind(ps, reinterpret_cast<sockaddr*>(&ll), sizeof ll), 0);
  send(rs);
  // A forwarded packet after it: once it is on tun, the RS would have been too.
  EXPECT_TRUE(echo_answered(link_host, 206));
  std::size_t solicitations = 0;
  std::size_t echoes = 0;
  std::array<std::byte, 2048> buf{};
  for (ssize_t n = 0; (n = ::recv(ps, buf.data(), buf.size(), 0)) > 0;) {
    wire::bytes p{buf.begin(), buf.begin() + n};
    if (p.size() >= 48 && p[6] == std::byte{58} && p[40] == std::byte{133}) ++solicitations;
    if (p.size() >= 48 && p[6] == std::byte{58} && p[40] == std::byte{128}) ++echoes;
  }
  ::close(ps);
  EXPECT_EQ(echoes, 1u);
  EXPECT_EQ(solicitations, 0u);
  auto& st = lns->ctx().stats;
  EXPECT_EQ(session->rx_v6_packets.load(), 1u);  // the echo alone is data
  EXPECT_EQ(st.data_rx_link_local.load(), 0u);
  EXPECT_EQ(st.data_rx_spoofed_v6.load(), 0u);
}

TEST_P(Ipv6DataPlane, TcpSynMssIsClampedBothWaysForTheDelegatedPrefix) {
  const int ls = ::socket(AF_INET6, SOCK_STREAM, 0);
  sockaddr_in6 at{};
  at.sin6_family = AF_INET6;
  std::memcpy(&at.sin6_addr, lns_v6.data(), 16);
  at.sin6_port = htons(5556);
  int one = 1;
  ::setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ASSERT_EQ(::bind(ls, reinterpret_cast<sockaddr*>(&at), sizeof at), 0);
  ASSERT_EQ(::listen(ls, 4), 0);
  send(syn6(delegated_host, lns_v6, 40001, 5556));
  auto synack = receive([&](const wire::bytes& p) {
    return p.size() >= 60 && p[6] == std::byte{6} && get16(p, 40) == 5556 &&
           (std::to_integer<unsigned>(p[53]) & 0x12) == 0x12;
  });
  ASSERT_TRUE(synack) << "no SYN-ACK: the clamped SYN must still carry a valid checksum";
  EXPECT_EQ(mss6_of(*synack), std::optional<std::uint16_t>{1340});  // MRU 1400 - 60
  EXPECT_GE(session->mss_clamped.load(), 2u);                       // the SYN and the SYN-ACK
  ::close(ls);
}

TEST_P(Ipv6DataPlane, TooBigForTheDelegatedPrefixGetsPacketTooBig) {
  const int us = ::socket(AF_INET6, SOCK_DGRAM, 0);
  sockaddr_in6 from{};
  from.sin6_family = AF_INET6;
  std::memcpy(&from.sin6_addr, lns_v6.data(), 16);
  ASSERT_EQ(::bind(us, reinterpret_cast<sockaddr*>(&from), sizeof from), 0);
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  std::memcpy(&to.sin6_addr, delegated_host.data(), 16);
  to.sin6_port = htons(9);
  ASSERT_EQ(::connect(us, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  int pmtu = IPV6_PMTUDISC_DO;
  ::setsockopt(us, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof pmtu);
  std::vector<char> big(1420, 'x');
  ASSERT_EQ(::send(us, big.data(), big.size(), 0), static_cast<ssize_t>(big.size()));
  EXPECT_TRUE(eventually([&] { return lns->ctx().stats.data_icmp_sent.load() == 1; }, 3s));
  EXPECT_EQ(session->icmp_sent.load(), 1u);
  // The kernel took the Packet Too Big (from the delegated address, as the subscriber's link would).
  EXPECT_TRUE(eventually(
      [&] {
        int mtu = 0;
        socklen_t len = sizeof mtu;
        ::getsockopt(us, IPPROTO_IPV6, IPV6_MTU, &mtu, &len);
        return mtu == 1400;
      },
      3s));
  ::close(us);
}

TEST_P(Ipv6DataPlane, UnbindStopsRouting) {
  ASSERT_TRUE(echo_answered(delegated_host, 207));
  lns->ctx().sessions.unbind_ipv6_prefix(*session, route::delegated);
  auto& st = lns->ctx().stats;
  const auto no_route = st.data_tun_no_route.load();
  // Upstream: no longer the session's source.
  EXPECT_FALSE(echo_answered(delegated_host, 208, 500ms));
  EXPECT_TRUE(eventually([&] { return st.data_rx_spoofed_v6.load() == 1; }));
  // Downstream: the pool's route still sends it into tun, where no session holds it now.
  const int us = ::socket(AF_INET6, SOCK_DGRAM, 0);
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  std::memcpy(&to.sin6_addr, delegated_host.data(), 16);
  to.sin6_port = htons(9);
  const auto sent_before = session->tx_v6_packets.load();
  ASSERT_EQ(::sendto(us, "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to), 1);
  ::close(us);
  // At least ours (the kernel may send its own link-scope packets into tun too, also routeless).
  EXPECT_TRUE(eventually([&] { return st.data_tun_no_route.load() >= no_route + 1; }, 3s));
  EXPECT_EQ(session->tx_v6_packets.load(), sent_before);
  EXPECT_TRUE(echo_answered(link_host, 209)) << "the /64 is still routed";
}

INSTANTIATE_TEST_SUITE_P(BothDesigns, SequencedDataPlane, ::testing::Values("fast-path", "actors"),
                         [](const auto& p) { return p.param == "fast-path" ? "FastPath" : "ActorPath"; });

INSTANTIATE_TEST_SUITE_P(BothDesigns, DataPlane, ::testing::Values("fast-path", "actors", "split"), [](const auto& p) {
  return p.param == "fast-path" ? "FastPath" : p.param == "actors" ? "ActorPath" : "Split";
});

INSTANTIATE_TEST_SUITE_P(BothDesigns, Ipv6DataPlane, ::testing::Values("fast-path", "actors", "split"),
                         [](const auto& p) {
                           return p.param == "fast-path" ? "FastPath" : p.param == "actors" ? "ActorPath" : "Split";
                         });

}  // namespace
}  // namespace bras

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // A private network namespace for this process: the tun device, its routes
  // and the test addresses exist only here and vanish with the process.
  if (::unshare(CLONE_NEWNET) != 0) {
    std::perror("unshare(CLONE_NEWNET) (needs root)");
    return 1;
  }
  if (std::system("ip link set lo up && ip addr add 198.51.100.1/32 dev lo") != 0) return 1;
  return RUN_ALL_TESTS();
}

// dataplane/data_path's tun bursts on the fast path, with a fake transport that
// records every send: a burst goes out as one send_batch per gateway, in the
// order read, each datagram encapsulated in place for its session; datagrams
// the transport refuses are counted against their sessions; fragments sent
// from scratch keep their place in the order; a burst larger than tun_burst is
// split. And transport::send_batch's default, one send() per datagram.
#include <algorithm>
#include <memory>
#include <vector>

#include "dataplane/data_path.hpp"
#include "protocol/l2tp/header.hpp"
#include "protocol/ppp/frame.hpp"
#include "tests/unit/ip_packet_test_util.hpp"

namespace bras::dataplane {
namespace {

using ip::ip_test::filler;
using ip::ip_test::ipv4_packet;

constexpr model::udp_peer lac_a{0x7f000001, 1701};
constexpr model::udp_peer lac_b{0x7f000002, 1702};

/// A datagram as the transport was asked to send it: which call, which gateway, to whom, what.
struct sent_datagram {
  int call;  ///< 0, 1, ...: the send or send_batch call it came in
  bool batched;
  std::uint16_t gateway;
  model::udp_peer peer;
  wire::bytes data;
};

/// Records every send; refuses the datagrams at the positions in `refuse` (counted over all datagrams).
struct recording_transport final : transport {
  bool send(std::uint16_t gateway, udp_peer peer, wire::byte_span data) noexcept override {
    sent.push_back({calls++, false, gateway, peer, {data.begin(), data.end()}});
    return !refused(sent.size() - 1);
  }
  std::size_t send_batch(std::uint16_t gateway, std::span<outgoing> burst) noexcept override {
    std::size_t taken = 0;
    for (auto& d : burst) {
      sent.push_back({calls, true, gateway, d.peer, {d.data.begin(), d.data.end()}});
      d.sent = !refused(sent.size() - 1);
      taken += d.sent ? 1 : 0;
    }
    ++calls;
    return taken;
  }
  [[nodiscard]] udp_peer local(std::uint16_t) const noexcept override { return {}; }
  [[nodiscard]] bool refused(std::size_t i) const { return std::find(refuse.begin(), refuse.end(), i) != refuse.end(); }
  int calls = 0;
  std::vector<std::size_t> refuse;
  std::vector<sent_datagram> sent;
};

/// The session a datagram is for (its L2TP session ID) and the IPv4 packet it carries.
struct decoded {
  std::uint16_t session_id = 0;
  wire::bytes packet;
};

decoded decode(const wire::bytes& datagram) {
  auto p = l2tp::decode_packet(wire::byte_span{datagram.data(), datagram.size()});
  if (!p || p->hdr.control) return {};
  auto f = ppp::decode_frame(p->payload);
  if (!f || f.value().protocol != ppp::proto::ipv4) return {};
  return {p->hdr.session_id, {f.value().payload.begin(), f.value().payload.end()}};
}

/// Packets as a tun reader hands them over: each behind encap_headroom bytes in a buffer of its own.
struct tun_burst_buffers {
  explicit tun_burst_buffers(const std::vector<wire::bytes>& packets) {
    for (const auto& p : packets) {
      buffers.emplace_back(encap_headroom + p.size());
      std::copy(p.begin(), p.end(), buffers.back().begin() + encap_headroom);
    }
    for (std::size_t i = 0; i < packets.size(); ++i) burst.emplace_back(buffers[i], encap_headroom, packets[i].size());
  }
  std::vector<std::vector<std::byte>> buffers;
  std::vector<headroom_packet> burst;
};

class TunBurst : public ::testing::Test {
 protected:
  /// Session `n` (1, 2, ...): subscriber 100.64.0.n, peer session ID 0x100 + n, on `gateway`.
  data_session_ptr add_session(std::uint16_t n, std::uint16_t gateway = 0, model::udp_peer peer = lac_a) {
    auto s = std::make_shared<data_session>();
    s->local_tunnel_id = 1;
    s->local_session_id = n;
    s->peer_tunnel_id = 0x77;
    s->peer_session_id = static_cast<std::uint16_t>(0x100 + n);
    s->gateway = gateway;
    s->peer = peer;
    sessions.add(s);
    EXPECT_TRUE(sessions.bind_ipv4(s, address(n)));
    return s;
  }
  static std::uint32_t address(std::uint16_t n) { return 0x64400000u + n; }
  /// A UDP packet from the network to session `n`, `size` bytes, its bytes marked by `seed`.
  static wire::bytes to_session(std::uint16_t n, unsigned seed, std::size_t size = 100, std::uint16_t flags = 0x4000) {
    return ipv4_packet(ip::proto::udp, filler(size - 20, seed), flags, {}, 0xc6336401, address(n));
  }

  session_table sessions;
  model::counters stats;
  recording_transport l2tp;
  data_path path{config::data_path_mode::fast_path, sessions, stats, l2tp, nullptr};
};

TEST_F(TunBurst, OneSendBatchInTheOrderRead) {
  auto s1 = add_session(1);
  auto s2 = add_session(2);
  auto s3 = add_session(3);
  const std::vector<wire::bytes> packets{to_session(1, 1), to_session(2, 2), to_session(1, 3), to_session(3, 4),
                                         to_session(2, 5)};
  tun_burst_buffers read{packets};
  const auto* first_at = read.buffers[0].data();
  path.from_tun(read.burst);

  ASSERT_EQ(l2tp.sent.size(), packets.size());
  const std::uint16_t expected_session[] = {0x101, 0x102, 0x101, 0x103, 0x102};
  for (std::size_t i = 0; i < packets.size(); ++i) {
    EXPECT_TRUE(l2tp.sent[i].batched) << i;
    EXPECT_EQ(l2tp.sent[i].call, 0) << "one call for the whole burst";
    EXPECT_EQ(l2tp.sent[i].peer, lac_a);
    const auto d = decode(l2tp.sent[i].data);
    EXPECT_EQ(d.session_id, expected_session[i]) << i;
    EXPECT_EQ(d.packet, packets[i]) << i;
  }
  // Encapsulated where it was read: the transport was handed the reader's buffer.
  EXPECT_EQ(read.burst[0].bytes().data() + 10, first_at + encap_headroom) << "headers in the headroom, no copy";
  EXPECT_EQ(s1->tx_packets.load(), 2u);
  EXPECT_EQ(s2->tx_packets.load(), 2u);
  EXPECT_EQ(s3->tx_packets.load(), 1u);
  EXPECT_EQ(stats.data_tx_packets.load(), 5u);
  EXPECT_EQ(stats.data_tx_errors.load(), 0u);
}

TEST_F(TunBurst, RefusedDatagramsAreCountedAgainstTheirSessions) {
  auto s1 = add_session(1);
  auto s2 = add_session(2);
  l2tp.refuse = {1, 3, 4};  // as a partial sendmmsg and the rest dropped would leave them
  tun_burst_buffers read{{to_session(1, 1), to_session(2, 2), to_session(1, 3), to_session(1, 4), to_session(2, 5)}};
  path.from_tun(read.burst);

  ASSERT_EQ(l2tp.sent.size(), 5u);
  EXPECT_EQ(s1->tx_packets.load(), 3u) << "sent or not, the packet was forwarded to the session";
  EXPECT_EQ(s1->tx_errors.load(), 1u);
  EXPECT_EQ(s2->tx_errors.load(), 2u);
  EXPECT_EQ(stats.data_tx_errors.load(), 3u);
}

TEST_F(TunBurst, OneSendBatchPerGatewayEachInOrder) {
  add_session(1, 0, lac_a);
  add_session(2, 1, lac_b);
  add_session(3, 0, lac_a);
  tun_burst_buffers read{{to_session(2, 1), to_session(1, 2), to_session(2, 3), to_session(3, 4), to_session(1, 5)}};
  path.from_tun(read.burst);

  ASSERT_EQ(l2tp.sent.size(), 5u);
  EXPECT_EQ(l2tp.calls, 2);
  std::vector<std::uint16_t> gateway0;
  std::vector<std::uint16_t> gateway1;
  for (const auto& d : l2tp.sent) {
    EXPECT_TRUE(d.batched);
    (d.gateway == 0 ? gateway0 : gateway1).push_back(decode(d.data).session_id);
    EXPECT_EQ(d.peer, d.gateway == 0 ? lac_a : lac_b);
  }
  EXPECT_EQ(gateway0, (std::vector<std::uint16_t>{0x101, 0x103, 0x101}));
  EXPECT_EQ(gateway1, (std::vector<std::uint16_t>{0x102, 0x102}));
}

TEST_F(TunBurst, FragmentsKeepTheirPlace) {
  auto s = add_session(1);
  s->mtu = 600;
  // The middle packet is too big for the session's MTU and may be fragmented (no DF).
  tun_burst_buffers read{{to_session(1, 1), to_session(1, 2, 1000, 0), to_session(1, 3)}};
  path.from_tun(read.burst);

  ASSERT_EQ(l2tp.sent.size(), 4u);
  EXPECT_EQ(decode(l2tp.sent[0].data).packet, to_session(1, 1)) << "the packet before, sent before the fragments";
  EXPECT_FALSE(l2tp.sent[1].batched);
  EXPECT_FALSE(l2tp.sent[2].batched);
  const auto f1 = decode(l2tp.sent[1].data).packet;
  const auto f2 = decode(l2tp.sent[2].data).packet;
  EXPECT_LE(f1.size(), 600u);
  EXPECT_EQ(f1.size() + f2.size(), 1000u + 20u) << "two fragments, one more IP header";
  EXPECT_EQ(decode(l2tp.sent[3].data).packet, to_session(1, 3)) << "the packet after, sent after them";
  EXPECT_EQ(s->fragmented.load(), 1u);
}

TEST_F(TunBurst, MoreThanABurstIsSentInBurstsInOrder) {
  add_session(1);
  add_session(2);
  std::vector<wire::bytes> packets;
  for (unsigned i = 0; i < tun_burst + 10; ++i) packets.push_back(to_session(static_cast<std::uint16_t>(1 + i % 2), i));
  tun_burst_buffers read{packets};
  path.from_tun(read.burst);

  ASSERT_EQ(l2tp.sent.size(), packets.size());
  EXPECT_EQ(l2tp.calls, 2);
  for (std::size_t i = 0; i < packets.size(); ++i) {
    EXPECT_EQ(l2tp.sent[i].call, i < tun_burst ? 0 : 1) << i;
    EXPECT_EQ(decode(l2tp.sent[i].data).packet, packets[i]) << i;
  }
}

TEST_F(TunBurst, PacketsForNoSessionAreCountedTheRestSent) {
  add_session(1);
  tun_burst_buffers read{{to_session(9, 1), to_session(1, 2), to_session(8, 3)}};
  path.from_tun(read.burst);
  ASSERT_EQ(l2tp.sent.size(), 1u);
  EXPECT_EQ(decode(l2tp.sent[0].data).packet, to_session(1, 2));
  EXPECT_EQ(stats.data_tun_no_route.load(), 2u);
}

/// Counts what the actor path hands the session actor.
struct counting_actor final : session_sink {
  void ppp_frame(wire::byte_span) noexcept override {}
  void tun_packet(wire::byte_span packet) noexcept override { packets.emplace_back(packet.begin(), packet.end()); }
  std::vector<wire::bytes> packets;
};

TEST(TunBurstActors, SplitModeHandsEveryPacketToItsActor) {
  session_table sessions;
  model::counters stats;
  recording_transport l2tp;
  data_path path{config::data_path_mode::split, sessions, stats, l2tp, nullptr};
  auto actor = std::make_shared<counting_actor>();
  auto s = std::make_shared<data_session>();
  s->local_tunnel_id = 1;
  s->local_session_id = 1;
  s->actor = actor;
  sessions.add(s);
  ASSERT_TRUE(sessions.bind_ipv4(s, 0x64400001));
  const auto p = ipv4_packet(ip::proto::udp, filler(80), 0x4000, {}, 0xc6336401, 0x64400001);
  tun_burst_buffers read{{p, p, p}};
  path.from_tun(read.burst);
  EXPECT_EQ(actor->packets.size(), 3u);
  EXPECT_TRUE(l2tp.sent.empty()) << "the actor sends, not the reader";
}

/// Only send(): the default send_batch goes through it one datagram at a time.
struct single_transport final : transport {
  bool send(std::uint16_t gateway, udp_peer peer, wire::byte_span data) noexcept override {
    seen.push_back({gateway, peer, data.size()});
    return data.size() != 3;
  }
  [[nodiscard]] udp_peer local(std::uint16_t) const noexcept override { return {}; }
  struct call {
    std::uint16_t gateway;
    udp_peer peer;
    std::size_t size;
  };
  std::vector<call> seen;
};

TEST(TransportDefault, SendBatchSendsEachInOrderAndMarksWhatWasTaken) {
  single_transport t;
  const wire::bytes a(1), b(3), c(5);
  std::vector<outgoing> burst{{lac_a, a}, {lac_b, b}, {lac_a, c}};
  burst[1].sent = true;  // stale: send_batch sets every flag
  EXPECT_EQ(t.send_batch(4, burst), 2u);
  ASSERT_EQ(t.seen.size(), 3u);
  EXPECT_EQ(t.seen[0].size, 1u);
  EXPECT_EQ(t.seen[1].size, 3u);
  EXPECT_EQ(t.seen[1].peer, lac_b);
  EXPECT_EQ(t.seen[2].size, 5u);
  EXPECT_EQ(t.seen[2].gateway, 4);
  EXPECT_TRUE(burst[0].sent);
  EXPECT_FALSE(burst[1].sent);
  EXPECT_TRUE(burst[2].sent);
}

}  // namespace
}  // namespace bras::dataplane

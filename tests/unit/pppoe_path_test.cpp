// dataplane/pppoe_path: the LAC's PPPoE data plane with fake access ports,
// L2TP transport, discovery sink and session actor. Frames are annotated hex.
#include "dataplane/pppoe_path.hpp"

#include <memory>
#include <random>
#include <vector>

#include "dataplane/data_path.hpp"
#include "tests/unit/test_util.hpp"

namespace bras::dataplane {
namespace {

using test::hex;

constexpr eth::mac_address our_mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
constexpr eth::mac_address client_mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
constexpr model::udp_peer lns{0x7f000001, 1701};

struct sent_frame {
  std::uint16_t port;
  wire::bytes bytes;
};

struct fake_ports final : frame_sender {
  bool send(std::uint16_t port, wire::byte_span frame) noexcept override {
    if (fail) return false;
    frames.push_back({port, wire::bytes(frame.begin(), frame.end())});
    return true;
  }
  [[nodiscard]] eth::mac_address mac(std::uint16_t) const noexcept override { return our_mac; }
  std::vector<sent_frame> frames;
  bool fail = false;
};

struct fake_transport final : transport {
  bool send(std::uint16_t gw, udp_peer to, wire::byte_span data) noexcept override {
    if (fail) return false;
    gateway = gw;
    peer = to;
    datagrams.emplace_back(data.begin(), data.end());
    return true;
  }
  [[nodiscard]] udp_peer local(std::uint16_t) const noexcept override { return {}; }
  std::vector<wire::bytes> datagrams;
  std::uint16_t gateway = 0;
  udp_peer peer;
  bool fail = false;
};

struct fake_discovery final : discovery_sink {
  void discovery(std::uint16_t port, const eth::header& hdr, wire::byte_span pppoe) noexcept override {
    ports.push_back(port);
    headers.push_back(hdr);
    payloads.emplace_back(pppoe.begin(), pppoe.end());
  }
  std::vector<std::uint16_t> ports;
  std::vector<eth::header> headers;
  std::vector<wire::bytes> payloads;
};

struct fake_session_actor final : session_sink {
  void ppp_frame(wire::byte_span frame) noexcept override { frames.emplace_back(frame.begin(), frame.end()); }
  void tun_packet(wire::byte_span) noexcept override {}
  std::vector<wire::bytes> frames;
};

struct PppoePath : ::testing::Test {
  session_table sessions;
  model::counters stats;
  fake_ports ports;
  fake_transport l2tp;
  fake_discovery discovery;
  pppoe_path path{sessions, stats, ports, l2tp, discovery};
  std::shared_ptr<fake_session_actor> actor = std::make_shared<fake_session_actor>();

  /// A session on port 1, PPPoE SESSION_ID 0x0042, tunnelled to peer tunnel 0x1234 session 0x5678.
  data_session_ptr add_session(std::optional<eth::vlan_tag> outer = {}, std::optional<eth::vlan_tag> inner = {},
                               bool relaying = true, std::uint16_t session_id = 0x0042) {
    auto s = std::make_shared<data_session>();
    s->local_tunnel_id = 7;
    s->local_session_id = 9;
    s->peer_tunnel_id = 0x1234;
    s->peer_session_id = 0x5678;
    s->gateway = 3;
    s->peer = lns;
    s->lac = true;
    s->actor = std::shared_ptr<session_sink>(actor);
    s->pppoe = std::make_unique<pppoe_leg>();
    s->pppoe->port = 1;
    s->pppoe->session_id = session_id;
    s->pppoe->to_client = eth::header{client_mac, our_mac, outer, inner, eth::ethertype_pppoe_session};
    s->pppoe->magic = 0xa1b2c3d4;
    s->pppoe->relaying = relaying;
    sessions.add(s);
    sessions.add_pppoe(s);
    return s;
  }

  void receive(std::uint16_t port, wire::bytes frame) { path.from_access(port, frame); }
};

const eth::vlan_tag s_tag{eth::tpid_8021ad, 5, false, 100};
const eth::vlan_tag c_tag{eth::tpid_8021q, 0, false, 200};

// --- Discovery ------------------------------------------------------------------

TEST_F(PppoePath, BroadcastDiscoveryGoesToTheSinkWithItsTags) {
  receive(2, hex("ff ff ff ff ff ff | 02 00 00 00 00 02  # broadcast from the client\n"
                 "88 a8 a0 64 | 81 00 00 c8            # S-tag PCP 5 VLAN 100, C-tag VLAN 200\n"
                 "88 63 | 11 09 00 00 00 04 | 01 01 00 00  # PADI, Service-Name any"));
  ASSERT_EQ(discovery.headers.size(), 1u);
  EXPECT_EQ(discovery.ports[0], 2);
  EXPECT_EQ(discovery.headers[0].src, client_mac);
  EXPECT_EQ(discovery.headers[0].outer_vlan, s_tag);
  EXPECT_EQ(discovery.headers[0].inner_vlan, c_tag);
  EXPECT_EQ(discovery.payloads[0], hex("11 09 00 00 00 04 01 01 00 00"));
}

TEST_F(PppoePath, UnicastDiscoveryToUsGoesToTheSinkToAnotherHostIsDropped) {
  receive(0, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 88 63 | 11 19 00 00 00 00  # PADR to us"));
  receive(0, hex("02 00 00 00 00 99 | 02 00 00 00 00 02 | 88 63 | 11 19 00 00 00 00  # PADR to another AC"));
  EXPECT_EQ(discovery.headers.size(), 1u);
  EXPECT_EQ(stats.pppoe_drop_not_for_us.load(), 1u);
}

TEST_F(PppoePath, MalformedAndForeignFramesAreCountedNotDelivered) {
  receive(0, hex("02 00 00 00 00 01 02 00 00 00 00 02 88  # cut in the ethertype"));
  receive(0, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 88 64 | 21 00 00 42 00 00  # PPPoE version 2"));
  receive(0, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 88 64 | 11 00 00 42 00 09 c0  # LENGTH past the end"));
  receive(0, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 08 00 | 45 00  # IPv4: not PPPoE"));
  EXPECT_EQ(stats.pppoe_drop_malformed.load(), 3u);
  EXPECT_EQ(stats.pppoe_drop_not_for_us.load(), 1u);
  EXPECT_TRUE(discovery.headers.empty());
  EXPECT_TRUE(l2tp.datagrams.empty());
}

// --- Session frames from the subscriber -----------------------------------------

TEST_F(PppoePath, UnknownSessionIsCounted) {
  add_session();
  receive(1, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 88 64 | 11 00 00 43 00 02 | 00 21  # session 0x43"));
  receive(0, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 88 64 | 11 00 00 42 00 02 | 00 21  # right id, port 0"));
  EXPECT_EQ(stats.pppoe_drop_unknown_session.load(), 2u);
  EXPECT_TRUE(l2tp.datagrams.empty());
  EXPECT_TRUE(actor->frames.empty());
}

TEST_F(PppoePath, WrongSourceMacOrVlanIsCounted) {
  auto s = add_session(c_tag);
  receive(1, hex("02 00 00 00 00 01 | 02 00 00 00 00 66 | 81 00 00 c8 | 88 64 | 11 00 00 42 00 02 00 21"));
  receive(1, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 81 00 00 c9 | 88 64 | 11 00 00 42 00 02 00 21"));
  receive(1, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 88 64 | 11 00 00 42 00 02 00 21  # untagged"));
  receive(1, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 88 a8 00 c8 | 88 64 | 11 00 00 42 00 02 00 21"));
  EXPECT_EQ(stats.pppoe_drop_wrong_mac.load(), 4u);
  EXPECT_EQ(s->last_rx_ns.load(), 0);
  EXPECT_TRUE(l2tp.datagrams.empty());
  // Another priority on the right VLAN is the same subscriber.
  receive(1, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 81 00 e0 c8 | 88 64 | 11 00 00 42 00 02 00 21"));
  EXPECT_EQ(l2tp.datagrams.size(), 1u);
}

TEST_F(PppoePath, BeforeRelayingFramesGoToTheSessionActor) {
  auto s = add_session({}, {}, false);
  receive(1, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 88 64 | 11 00 00 42 00 08 |"
                 "c0 21 09 01 00 08 00 00  # LCP Echo-Request: the actor's, not answered here\n"
                 "ee ee                    # Ethernet padding"));
  ASSERT_EQ(actor->frames.size(), 1u);
  EXPECT_EQ(actor->frames[0], hex("c0 21 09 01 00 08 00 00"));
  EXPECT_NE(s->last_rx_ns.load(), 0);
  EXPECT_TRUE(l2tp.datagrams.empty());
  EXPECT_TRUE(ports.frames.empty());
  EXPECT_EQ(stats.pppoe_echo_answered.load(), 0u);
}

TEST_F(PppoePath, RelayingSendsTheFrameToTheLnsInAnL2tpDataMessage) {
  auto s = add_session();
  receive(1, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 88 64 | 11 00 00 42 00 06 |"
                 "00 21 45 00 00 14  # PPP: IPv4"));
  ASSERT_EQ(l2tp.datagrams.size(), 1u);
  EXPECT_EQ(l2tp.datagrams[0], hex("00 02 | 12 34 | 56 78  # L2TP data, peer tunnel and session\n"
                                   "ff 03 | 00 21 45 00 00 14"));
  EXPECT_EQ(l2tp.gateway, 3);
  EXPECT_EQ(l2tp.peer, lns);
  EXPECT_EQ(s->rx_packets.load(), 1u);
  EXPECT_EQ(s->rx_bytes.load(), 6u);
  EXPECT_EQ(stats.data_rx_packets.load(), 1u);
  EXPECT_EQ(stats.data_rx_bytes.load(), 6u);
  EXPECT_NE(s->last_rx_ns.load(), 0);
  EXPECT_TRUE(actor->frames.empty()) << "no actor on the relaying path";
}

TEST_F(PppoePath, RelayingQinQWithSequencing) {
  auto s = add_session(s_tag, c_tag);
  s->sequencing = true;
  s->next_ns = 5;
  receive(1, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 88 a8 a0 64 | 81 00 00 c8 | 88 64 |"
                 "11 00 00 42 00 06 | c0 21 01 07 00 04  # LCP Configure-Request: the LNS renegotiates"));
  ASSERT_EQ(l2tp.datagrams.size(), 1u);
  EXPECT_EQ(l2tp.datagrams[0], hex("08 02 | 12 34 | 56 78 | 00 05 00 00  # S=1, Ns 5\n"
                                   "ff 03 | c0 21 01 07 00 04"));
  EXPECT_EQ(s->next_ns.load(), 6);
}

TEST_F(PppoePath, EchoRequestIsAnsweredWithOurMagic) {
  add_session(c_tag);
  receive(1, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 81 00 00 c8 | 88 64 | 11 00 00 42 00 0e |"
                 "c0 21 09 33 00 0c | 11 22 33 44 | de ad be ef  # Echo-Request id 0x33, their magic, data\n"
                 "00 00                                          # padding"));
  EXPECT_TRUE(l2tp.datagrams.empty()) << "answered at the LAC, not forwarded";
  EXPECT_EQ(stats.pppoe_echo_answered.load(), 1u);
  ASSERT_EQ(ports.frames.size(), 1u);
  EXPECT_EQ(ports.frames[0].port, 1);
  EXPECT_EQ(ports.frames[0].bytes, hex("02 00 00 00 00 02 | 02 00 00 00 00 01 | 81 00 00 c8 | 88 64 |"
                                       "11 00 00 42 00 0e |"
                                       "c0 21 0a 33 00 0c | a1 b2 c3 d4 | de ad be ef  # Echo-Reply, our magic"));
}

TEST_F(PppoePath, EchoRequestWithALyingLengthGoesToTheLns) {
  add_session();
  receive(1, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 88 64 | 11 00 00 42 00 0a |"
                 "c0 21 09 33 00 20 11 22 33 44  # LCP length 32 in an 8-byte packet"));
  EXPECT_EQ(stats.pppoe_echo_answered.load(), 0u);
  EXPECT_TRUE(ports.frames.empty());
  EXPECT_EQ(l2tp.datagrams.size(), 1u);
}

TEST_F(PppoePath, FailedSendToTheLnsIsCounted) {
  auto s = add_session();
  l2tp.fail = true;
  receive(1, hex("02 00 00 00 00 01 | 02 00 00 00 00 02 | 88 64 | 11 00 00 42 00 02 | 00 21"));
  EXPECT_EQ(s->tx_errors.load(), 1u);
  EXPECT_EQ(stats.data_tx_errors.load(), 1u);
}

// --- Frames to the subscriber ---------------------------------------------------

TEST_F(PppoePath, FromLnsStripsAddressControlAndAddsTheLegsHeaders) {
  auto s = add_session(s_tag, c_tag);
  auto ppp = hex("ff 03 00 21 45 00");
  path.from_lns(*s, ppp);
  auto bare = hex("c0 21 0a 01 00 08 00 00  # no FF03 (ACFC)");
  path.from_lns(*s, bare);
  ASSERT_EQ(ports.frames.size(), 2u);
  EXPECT_EQ(ports.frames[0].port, 1);
  EXPECT_EQ(ports.frames[0].bytes, hex("02 00 00 00 00 02 | 02 00 00 00 00 01  # to the client, from us\n"
                                       "88 a8 a0 64 | 81 00 00 c8             # its S-tag and C-tag\n"
                                       "88 64 | 11 00 00 42 00 04 | 00 21 45 00"));
  EXPECT_EQ(ports.frames[1].bytes, hex("02 00 00 00 00 02 | 02 00 00 00 00 01 | 88 a8 a0 64 | 81 00 00 c8 |"
                                       "88 64 | 11 00 00 42 00 08 | c0 21 0a 01 00 08 00 00"));
  EXPECT_EQ(s->tx_packets.load(), 2u);
  EXPECT_EQ(s->tx_bytes.load(), 12u);
  EXPECT_EQ(stats.data_tx_packets.load(), 2u);
}

TEST_F(PppoePath, FromLnsLargerThanTheMruIsStillSentWhole) {
  auto s = add_session();
  wire::bytes ppp(4000, std::byte{0x5a});
  ppp[0] = std::byte{0x00};
  ppp[1] = std::byte{0x21};
  path.from_lns(*s, ppp);
  ASSERT_EQ(ports.frames.size(), 1u);
  EXPECT_EQ(ports.frames[0].bytes.size(), 14u + 6u + 4000u);
  EXPECT_TRUE(std::equal(ppp.begin(), ppp.end(), ports.frames[0].bytes.begin() + 20));
}

TEST_F(PppoePath, ToClientFramesControlFromAnyThreadAndCountsFailures) {
  auto s = add_session(c_tag, {}, false);
  EXPECT_TRUE(path.to_client(*s, hex("c0 23 02 01 00 05 00  # PAP Authenticate-Ack")));
  ASSERT_EQ(ports.frames.size(), 1u);
  EXPECT_EQ(ports.frames[0].bytes, hex("02 00 00 00 00 02 | 02 00 00 00 00 01 | 81 00 00 c8 | 88 64 |"
                                       "11 00 00 42 00 07 | c0 23 02 01 00 05 00"));
  ports.fail = true;
  EXPECT_FALSE(path.to_client(*s, hex("c0 21 05 02 00 04")));
  EXPECT_EQ(stats.pppoe_tx_errors.load(), 1u);
  data_session no_leg;
  EXPECT_FALSE(path.to_client(no_leg, hex("c0 21 05 02 00 04")));
}

TEST_F(PppoePath, FromLnsSendFailureIsCounted) {
  auto s = add_session();
  ports.fail = true;
  auto ppp = hex("00 21 45 00");
  path.from_lns(*s, ppp);
  EXPECT_EQ(s->tx_errors.load(), 1u);
  EXPECT_EQ(stats.pppoe_tx_errors.load(), 1u);
  EXPECT_EQ(s->tx_packets.load(), 0u);
}

// --- Through data_path: the LNS's data messages ---------------------------------

TEST_F(PppoePath, DataPathRelaysOnlyOnceTheLegIsRelaying) {
  auto s = add_session({}, {}, false);
  data_path dp{config::data_path_mode::split, sessions, stats, l2tp, nullptr};
  dp.set_pppoe(&path);
  auto from_lns = [&] {
    auto datagram =
        hex("00 02 | 00 07 | 00 09  # L2TP data to our tunnel 7 session 9\n"
            "ff 03 c0 21 09 04 00 08 01 02 03 04  # an Echo-Request from the LNS");
    return dp.from_l2tp(3, lns, datagram);
  };
  EXPECT_TRUE(from_lns());
  EXPECT_EQ(actor->frames.size(), 1u) << "not relaying yet: the actor has it";
  EXPECT_TRUE(ports.frames.empty());
  s->pppoe->relaying = true;
  EXPECT_TRUE(from_lns());
  EXPECT_EQ(actor->frames.size(), 1u);
  ASSERT_EQ(ports.frames.size(), 1u);
  EXPECT_EQ(ports.frames[0].bytes, hex("02 00 00 00 00 02 | 02 00 00 00 00 01 | 88 64 | 11 00 00 42 00 0a |"
                                       "c0 21 09 04 00 08 01 02 03 04  # relayed, not answered"));
  EXPECT_EQ(stats.pppoe_echo_answered.load(), 0u);
}

// --- Bad input ------------------------------------------------------------------

TEST_F(PppoePath, EveryMutatedFrameIsDeliveredOnceOrCountedOnce) {
  add_session(c_tag);  // relaying, SESSION_ID 0x42 on port 1
  add_session(s_tag, c_tag, false, 0x0043);
  const std::vector<wire::bytes> seeds{
      hex("ff ff ff ff ff ff 02 00 00 00 00 02 81 00 00 c8 88 63 11 09 00 00 00 04 01 01 00 00"),
      hex("02 00 00 00 00 01 02 00 00 00 00 02 81 00 00 c8 88 64 11 00 00 42 00 06 00 21 45 00 00 14"),
      hex("02 00 00 00 00 01 02 00 00 00 00 02 81 00 00 c8 88 64 11 00 00 42 00 0c c0 21 09 01 00 0a 00 00 00 00 "
          "aa bb"),
      hex("02 00 00 00 00 01 02 00 00 00 00 02 88 a8 a0 64 81 00 00 c8 88 64 11 00 00 43 00 06 c0 23 01 01 00 04"),
  };
  std::mt19937 random{2516};
  constexpr int frames = 20000;
  for (int i = 0; i < frames; ++i) {
    auto frame = seeds[random() % seeds.size()];
    for (int flips = static_cast<int>(random() % 4); flips > 0; --flips) {
      frame[random() % frame.size()] = static_cast<std::byte>(random());
    }
    if (random() % 4 == 0) frame.resize(random() % (frame.size() + 1));
    receive(1, frame);
  }
  const auto delivered =
      discovery.headers.size() + actor->frames.size() + l2tp.datagrams.size() + stats.pppoe_echo_answered.load();
  const auto dropped = stats.pppoe_drop_malformed.load() + stats.pppoe_drop_not_for_us.load() +
                       stats.pppoe_drop_unknown_session.load() + stats.pppoe_drop_wrong_mac.load();
  EXPECT_EQ(delivered + dropped, std::uint64_t{frames});
  EXPECT_GT(stats.pppoe_drop_malformed.load(), 0u);
  EXPECT_GT(l2tp.datagrams.size(), 0u);
  EXPECT_GT(actor->frames.size(), 0u);
}

}  // namespace
}  // namespace bras::dataplane

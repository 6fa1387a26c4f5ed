// io/access_ports over a real veth pair, in a private network namespace made
// by this process (main() unshares before any test runs; the pair is deleted
// after each test and vanishes with the namespace anyway). Frames are sent
// raw from the far end (untagged, 802.1Q, 802.1ad QinQ and 0x9100 QinQ); they
// must reach the PPPoE data plane with their VLAN tags back in the bytes, and
// nothing but PPPoE may get through the filter.
#include <gtest/gtest.h>

#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "dataplane/pppoe_path.hpp"
#include "io/packet_socket.hpp"
#include "tests/lib/link_ready.hpp"

namespace bras {
namespace {

constexpr eth::mac_address access_mac{0x02, 0x00, 0x00, 0x00, 0x0a, 0x01};
constexpr eth::mac_address client_mac{0x02, 0x00, 0x00, 0x00, 0x0b, 0x02};

wire::bytes hex(std::string_view text) {
  auto b = wire::from_hex(text);
  EXPECT_TRUE(b.has_value()) << text;
  return b ? *b : wire::bytes{};
}

struct recording_discovery final : dataplane::discovery_sink {
  void discovery(std::uint16_t port, const eth::header& hdr, wire::byte_span pppoe) noexcept override {
    // The frame as the data plane saw it, encoded again from what it decoded.
    wire::bytes frame;
    wire::writer w{frame};
    if (!eth::encode(hdr, pppoe, w)) frame.clear();
    ports.push_back(port);
    frames.push_back(std::move(frame));
  }
  std::vector<std::uint16_t> ports;
  std::vector<wire::bytes> frames;
};

struct recording_actor final : dataplane::session_sink {
  void ppp_frame(wire::byte_span frame) noexcept override { frames.emplace_back(frame.begin(), frame.end()); }
  void tun_packet(wire::byte_span) noexcept override {}
  std::vector<wire::bytes> frames;
};

struct null_transport final : dataplane::transport {
  bool send(std::uint16_t, model::udp_peer, wire::byte_span) noexcept override { return true; }
  [[nodiscard]] model::udp_peer local(std::uint16_t) const noexcept override { return {}; }
};

/// One end of the pair as the LAC sees it: access_ports feeding a pppoe_path.
struct access_end {
  explicit access_end(boost::asio::io_context& io, const std::string& interface)
      : ports{io, {interface}}, path{sessions, stats, ports, l2tp, discovery} {
    ports.start(path, &stats);
  }
  ~access_end() { ports.stop(); }
  dataplane::session_table sessions;
  model::counters stats;
  null_transport l2tp;
  recording_discovery discovery;
  io::access_ports ports;
  dataplane::pppoe_path path;
};

/// A plain AF_PACKET socket that only sends, on the far end of the pair.
class raw_sender {
 public:
  explicit raw_sender(const char* interface)
      : fd_{::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0)}, ifindex_{static_cast<int>(::if_nametoindex(interface))} {}
  ~raw_sender() {
    if (fd_ >= 0) ::close(fd_);
  }
  raw_sender(const raw_sender&) = delete;
  raw_sender& operator=(const raw_sender&) = delete;
  void send(const wire::bytes& frame) const {
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_ifindex = ifindex_;
    to.sll_halen = 6;
    const auto n = ::sendto(fd_, frame.data(), frame.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    ASSERT_EQ(n, static_cast<ssize_t>(frame.size())) << std::strerror(errno);
  }

 private:
  int fd_;
  int ifindex_;
};

class AccessPorts : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(std::system("ip link add acc0 address 02:00:00:00:0a:01 type veth peer name sub0 "
                          "address 02:00:00:00:0b:02 && ip link set acc0 up && ip link set sub0 up"),
              0);
    // A frame sent before the carrier is seen is dropped silently (see link_ready.hpp).
    ASSERT_TRUE(test::wait_link_ready("acc0")) << "acc0 never came up";
    ASSERT_TRUE(test::wait_link_ready("sub0")) << "sub0 never came up";
  }
  void TearDown() override { [[maybe_unused]] int ignored = std::system("ip link del acc0 2>/dev/null"); }

  /// Runs the I/O loop until `done` or two seconds.
  void run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(std::chrono::milliseconds(10));
    }
  }
  /// Runs the I/O loop for a while (to show that something does not arrive).
  void run_for(std::chrono::milliseconds d) {
    io.restart();
    io.run_for(d);
  }

  boost::asio::io_context io;
};

// A PADI, broadcast from the client, behind the VLAN tags given in hex.
wire::bytes padi(std::string_view tags) {
  return hex("ff ff ff ff ff ff 02 00 00 00 0b 02 " + std::string{tags} + " 88 63 11 09 00 00 00 04 01 01 00 00");
}

TEST_F(AccessPorts, ReadsTheInterfaceMac) {
  access_end lac{io, "acc0"};
  EXPECT_EQ(lac.ports.mac(0), access_mac);
  EXPECT_EQ(lac.ports.mac(7), eth::mac_address{}) << "no such port";
}

TEST_F(AccessPorts, AMissingInterfaceIsNamedInTheError) {
  try {
    io::access_ports ports{io, {"acc0", "nosuch0"}};
    FAIL() << "opened an interface that does not exist";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string{e.what()}.find("nosuch0"), std::string::npos) << e.what();
  }
}

TEST_F(AccessPorts, FramesArriveWithTheirVlanTagsRestored) {
  access_end lac{io, "acc0"};
  raw_sender client{"sub0"};
  const std::vector<wire::bytes> sent{
      padi(""),                         // untagged
      padi("81 00 20 64"),              // 802.1Q, PCP 1, VLAN 100
      padi("88 a8 a0 0a 81 00 00 c8"),  // 802.1ad S-tag PCP 5 VLAN 10, C-tag VLAN 200
      padi("81 00 00 0b 81 00 0f ff"),  // two 802.1Q tags, inner VLAN 4095
      padi("91 00 00 0c 81 00 00 0d"),  // legacy 0x9100 S-tag (the kernel leaves it in the bytes)
  };
  for (const auto& f : sent) client.send(f);
  run_until([&] { return lac.discovery.frames.size() >= sent.size(); });
  ASSERT_EQ(lac.discovery.frames.size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(lac.discovery.ports[i], 0);
    EXPECT_EQ(wire::to_hex(lac.discovery.frames[i]), wire::to_hex(sent[i])) << "frame " << i;
  }
  EXPECT_EQ(lac.stats.pppoe_drop_malformed.load(), 0u);
}

TEST_F(AccessPorts, SessionFramesReachTheSessionWithTheirTags) {
  access_end lac{io, "acc0"};
  auto actor = std::make_shared<recording_actor>();
  auto s = std::make_shared<dataplane::data_session>();
  s->actor = std::shared_ptr<dataplane::session_sink>(actor);
  s->pppoe = std::make_unique<dataplane::pppoe_leg>();
  s->pppoe->session_id = 0x0042;
  s->pppoe->to_client = eth::header{client_mac, access_mac, eth::vlan_tag{eth::tpid_8021ad, 0, false, 10},
                                    eth::vlan_tag{eth::tpid_8021q, 0, false, 200}, eth::ethertype_pppoe_session};
  lac.sessions.add_pppoe(s);
  raw_sender client{"sub0"};
  client.send(
      hex("02 00 00 00 0a 01 02 00 00 00 0b 02 88 a8 00 0a 81 00 00 c8 88 64 "
          "11 00 00 42 00 06 c0 21 09 01 00 04"));
  run_until([&] { return !actor->frames.empty(); });
  ASSERT_EQ(actor->frames.size(), 1u);
  EXPECT_EQ(actor->frames[0], hex("c0 21 09 01 00 04"));
  EXPECT_EQ(lac.stats.pppoe_drop_wrong_mac.load(), 0u) << "the S-tag matched the leg's";
}

TEST_F(AccessPorts, OnlyPppoeGetsThroughTheFilter) {
  access_end lac{io, "acc0"};
  raw_sender client{"sub0"};
  const std::string to_us = "02 00 00 00 0a 01 02 00 00 00 0b 02 ";
  client.send(hex(to_us + "08 00 45 00 00 14 00 00 00 00 40 11 00 00 0a 00 00 01 0a 00 00 02"));  // IPv4
  client.send(hex("ff ff ff ff ff ff 02 00 00 00 0b 02 08 06 00 01 08 00 06 04 00 01"));          // ARP
  client.send(hex(to_us + "81 00 00 64 08 00 45 00 00 14"));                                      // IPv4 in 802.1Q
  client.send(hex(to_us + "88 a8 00 0a 81 00 00 64 86 dd 60 00 00 00"));                          // IPv6 in QinQ
  client.send(hex(to_us + "81 00 00 01 81 00 00 02 81 00 00 03 08 00"));                          // three tags
  client.send(padi("81 00 00 05"));  // and then one PPPoE frame, to know the others had their chance
  run_until([&] { return !lac.discovery.frames.empty(); });
  run_for(std::chrono::milliseconds(50));
  ASSERT_EQ(lac.discovery.frames.size(), 1u);
  EXPECT_EQ(wire::to_hex(lac.discovery.frames[0]), wire::to_hex(padi("81 00 00 05")));
  EXPECT_EQ(lac.stats.pppoe_drop_not_for_us.load(), 0u) << "nothing else reached the data plane";
  EXPECT_EQ(lac.stats.pppoe_drop_malformed.load(), 0u);
}

TEST_F(AccessPorts, SendDeliversByteExactFramesAndDoesNotReadThemBack) {
  access_end lac{io, "acc0"};
  access_end client{io, "sub0"};
  const auto untagged = hex("ff ff ff ff ff ff 02 00 00 00 0a 01 88 63 11 07 00 00 00 00");
  const auto qinq = hex("02 00 00 00 0b 02 02 00 00 00 0a 01 88 a8 a0 0a 81 00 00 c8 88 63 11 65 00 42 00 00");
  EXPECT_TRUE(lac.ports.send(0, untagged));
  EXPECT_TRUE(lac.ports.send(0, qinq));
  EXPECT_FALSE(lac.ports.send(1, untagged)) << "no such port";
  run_until([&] { return client.discovery.frames.size() >= 2; });
  ASSERT_EQ(client.discovery.frames.size(), 2u);
  EXPECT_EQ(wire::to_hex(client.discovery.frames[0]), wire::to_hex(untagged));
  EXPECT_EQ(wire::to_hex(client.discovery.frames[1]), wire::to_hex(qinq));
  EXPECT_TRUE(lac.discovery.frames.empty()) << "our own frames are not read back";
}

TEST_F(AccessPorts, FramesTheIoThreadSendsAreBatchedInOrder) {
  access_end lac{io, "acc0"};
  access_end client{io, "sub0"};
  constexpr std::size_t burst = 100;  // more than one sendmmsg batch
  std::vector<wire::bytes> sent;
  for (std::size_t i = 0; i < burst; ++i) {
    auto f = hex("02 00 00 00 0b 02 02 00 00 00 0a 01 81 00 00 64 88 63 11 07 00 00 00 02 00 00");
    f.back() = static_cast<std::byte>(i);
    sent.push_back(std::move(f));
  }
  std::size_t accepted = 0;
  boost::asio::post(io, [&] {
    for (const auto& f : sent) accepted += lac.ports.send(0, f) ? 1 : 0;
  });
  run_until([&] { return client.discovery.frames.size() >= burst; });
  EXPECT_EQ(accepted, burst);
  ASSERT_EQ(client.discovery.frames.size(), burst);
  for (std::size_t i = 0; i < burst; ++i) EXPECT_EQ(client.discovery.frames[i], sent[i]) << "frame " << i;
  EXPECT_EQ(lac.stats.pppoe_tx_errors.load(), 0u);
}

TEST_F(AccessPorts, FramesTheKernelRefusesAreCounted) {
  access_end lac{io, "acc0"};
  ASSERT_EQ(std::system("ip link set acc0 down"), 0);
  const auto padt = hex("02 00 00 00 0b 02 02 00 00 00 0a 01 88 63 11 a7 00 42 00 00");
  EXPECT_FALSE(lac.ports.send(0, padt)) << "from another thread: refused at once";
  boost::asio::post(io, [&] {
    for (int i = 0; i < 3; ++i) lac.ports.send(0, padt);
  });
  run_until([&] { return lac.stats.pppoe_tx_errors.load() >= 3; });
  EXPECT_EQ(lac.stats.pppoe_tx_errors.load(), 3u) << "queued on the I/O thread: counted when the batch is sent";
}

TEST_F(AccessPorts, AFrameLongerThanAJumboFrameIsCountedNotDelivered) {
  ASSERT_EQ(std::system("ip link set acc0 mtu 12000 && ip link set sub0 mtu 12000"), 0);
  access_end lac{io, "acc0"};
  raw_sender client{"sub0"};
  auto huge = padi("");
  huge.resize(11000);
  client.send(huge);
  client.send(padi(""));
  run_until([&] { return !lac.discovery.frames.empty(); });
  run_for(std::chrono::milliseconds(20));
  EXPECT_EQ(lac.discovery.frames.size(), 1u);
  EXPECT_EQ(lac.stats.pppoe_drop_malformed.load(), 1u);
}

TEST_F(AccessPorts, ABurstLargerThanOneBatchArrivesWhole) {
  access_end lac{io, "acc0"};
  raw_sender client{"sub0"};
  constexpr std::size_t burst = 200;
  for (std::size_t i = 0; i < burst; ++i) client.send(padi("81 00 00 64"));
  run_until([&] { return lac.discovery.frames.size() >= burst; });
  EXPECT_EQ(lac.discovery.frames.size(), burst);
}

}  // namespace
}  // namespace bras

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // A private network namespace for this process: the veth pairs exist only
  // here and vanish with the process, whatever happens to the test.
  if (::unshare(CLONE_NEWNET) != 0) {
    std::perror("unshare(CLONE_NEWNET) (needs root)");
    return 1;
  }
  return RUN_ALL_TESTS();
}

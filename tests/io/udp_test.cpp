// io/udp: the gateway's receive path on real loopback sockets. Control
// messages and PPP control frames reach the control socket (the BPF program
// agrees with is_priority) and are routed before data that arrived earlier,
// even when the data socket has overflowed; the kernel's drops are counted per
// socket; while control messages queue, data is shed (counted), control never;
// recvmmsg batches deliver every datagram, in order per source; a taken port is
// refused; with receive-steering off one socket carries both.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/all.hpp>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <system_error>
#include <vector>

#include "actors/messages.hpp"
#include "io/udp.hpp"
#include "io/udp_socket.hpp"

namespace bras {
namespace {

using bytes = std::vector<std::byte>;

/// An L2TP header (flags byte, version 2) with the Length field when `control`, then `tail`.
bytes l2tp(unsigned flags, std::uint16_t tunnel, std::uint16_t session, std::initializer_list<int> tail) {
  bytes b;
  auto put = [&](unsigned v) { b.push_back(static_cast<std::byte>(v)); };
  put(flags);
  put(0x02);
  if ((flags & 0x40) != 0) {
    put(0);
    put(0);
  }
  put(tunnel >> 8);
  put(tunnel & 0xff);
  put(session >> 8);
  put(session & 0xff);
  for (int v : tail) put(static_cast<unsigned>(v));
  if ((flags & 0x40) != 0) b[3] = static_cast<std::byte>(b.size());
  return b;
}

/// A control message (T, L, S) for `tunnel` whose Ns carries `n`.
bytes control(std::uint16_t tunnel, std::uint16_t n = 0) {
  return l2tp(0xc8, tunnel, 0, {n >> 8, n & 0xff, 0, 0});
}
/// A data message with an IPv4 packet stand-in (PPP FF 03 00 21), `n` in its payload.
bytes ip_data(std::uint16_t tunnel, std::uint16_t n = 0) {
  return l2tp(0x00, tunnel, 1, {0xff, 0x03, 0x00, 0x21, 0x45, 0, n >> 8, n & 0xff, 0, 0, 0, 0});
}
/// A data message carrying LCP.
bytes lcp_data(std::uint16_t tunnel) {
  return l2tp(0x00, tunnel, 1, {0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0});
}

class sender {
 public:
  explicit sender(model::udp_peer to) : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
    to_.sin_family = AF_INET;
    to_.sin_port = htons(to.port);
    to_.sin_addr.s_addr = htonl(to.address);
    int big = 8 << 20;
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big);
  }
  ~sender() { ::close(fd_); }
  sender(const sender&) = delete;
  sender& operator=(const sender&) = delete;
  void send(const bytes& b) const {
    ASSERT_EQ(::sendto(fd_, b.data(), b.size(), 0, reinterpret_cast<const sockaddr*>(&to_), sizeof to_),
              static_cast<ssize_t>(b.size()))
        << std::strerror(errno) << " to " << inet_ntoa(to_.sin_addr) << ":" << ntohs(to_.sin_port);
  }
  [[nodiscard]] std::uint16_t port() const {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    return ntohs(a.sin_port);
  }

 private:
  int fd_;
  sockaddr_in to_{};
};

class udp_receive : public ::testing::Test {
 protected:
  static caf::actor_system_config& one_thread(caf::actor_system_config& c) {
    c.set("scheduler.max-threads", 1);
    c.set("logger.verbosity", caf::atom("quiet"));
    return c;
  }

  // main() (access_ports_test.cpp) put the process in a network namespace of its own: loopback is down.
  void SetUp() override { ASSERT_EQ(std::system("ip link set lo up"), 0); }

  void open(unsigned data_buffer, bool steering = true) {
    config::l2tp_settings l2tp;
    l2tp.local_gateways.push_back({});
    l2tp.local_gateways.back().name = "test";
    l2tp.local_gateways.back().address = "127.0.0.1";
    l2tp.local_gateways.back().port = 0;
    l2tp.data_receive_buffer = data_buffer;
    l2tp.control_receive_buffer = 4U << 20;
    l2tp.receive_steering = steering;
    svc = std::make_unique<io::udp_service>(io, l2tp);
    // The scoped actor stands in for the acceptor and every shard: what arrives, in order.
    svc->start({&stats, nullptr, nullptr}, caf::actor_cast<actors::acceptor_actor>(self),
               {caf::actor_cast<actors::shard_actor>(self)});
  }

  /// Runs the I/O thread's handlers until the sockets are drained.
  void drain() {
    while (io.poll() > 0) {
    }
    io.restart();
  }

  /// The next `n` datagrams routed to the actors.
  std::vector<actors::datagram> routed(std::size_t n) {
    std::vector<actors::datagram> out;
    bool timed_out = false;
    while (out.size() < n && !timed_out) {
      self->receive([&](actors::datagram& d) { out.push_back(std::move(d)); },
                    caf::after(std::chrono::seconds(10)) >> [&] { timed_out = true; });
    }
    return out;
  }

  caf::actor_system_config cfg;
  caf::actor_system sys{one_thread(cfg)};
  caf::scoped_actor self{sys};
  boost::asio::io_context io;
  model::counters stats;
  std::unique_ptr<io::udp_service> svc;
};

TEST_F(udp_receive, ControlOvertakesAnOverflowingDataSocket) {
  open(64 * 1024);
  ASSERT_TRUE(svc->counts(0).steered);
  sender lac{svc->local(0)};
  constexpr int flood = 5000;
  for (int i = 0; i < flood; ++i) lac.send(ip_data(7, static_cast<std::uint16_t>(i)));
  lac.send(control(0));   // an SCCRQ's header: the acceptor
  lac.send(control(5));   // a tunnel's control message: its shard
  lac.send(lcp_data(9));  // PPP control in a data message
  drain();
  // The three were sent last and routed first.
  auto first = routed(3);
  ASSERT_EQ(first.size(), 3U);
  EXPECT_EQ(first[0].tunnel_id, 0);
  EXPECT_EQ(first[1].tunnel_id, 5);
  EXPECT_EQ(first[2].tunnel_id, 9);
  auto c = svc->counts(0);
  EXPECT_EQ(c.control_socket, 3U);
  EXPECT_LT(c.data_socket, static_cast<std::uint64_t>(flood));  // the small buffer overflowed
  // The kernel's count arrives with the next datagram queued on the socket.
  lac.send(ip_data(7, 0xffff));
  drain();
  c = svc->counts(0);
  EXPECT_EQ(c.data_socket + stats.rx_kernel_dropped_data.load(), static_cast<std::uint64_t>(flood) + 1);
  EXPECT_GT(stats.rx_kernel_dropped_data.load(), 0U);
  EXPECT_EQ(stats.rx_kernel_dropped_control.load(), 0U);
  EXPECT_EQ(stats.rx_shed.load(), 0U);
  EXPECT_EQ(stats.rx_steered_gateways.load(), 1);
  EXPECT_EQ(routed(c.data_socket).size(), c.data_socket);  // the data that fitted, to its shard
}

TEST_F(udp_receive, ShedsDataNeverControlWhileControlQueues) {
  open(8U << 20);
  sender lac{svc->local(0)};
  constexpr int controls = 1000;
  constexpr int data = 2000;
  for (int i = 0; i < data; ++i) lac.send(ip_data(7, static_cast<std::uint16_t>(i)));
  for (int i = 0; i < controls; ++i) lac.send(control(0, static_cast<std::uint16_t>(i)));
  drain();
  EXPECT_EQ(stats.rx_kernel_dropped_control.load() + stats.rx_kernel_dropped_data.load(), 0U);
  EXPECT_GT(stats.rx_shed.load(), 0U);
  const auto delivered = static_cast<std::size_t>(controls + data) - stats.rx_shed.load();
  auto all = routed(delivered);
  ASSERT_EQ(all.size(), delivered);
  std::size_t control_seen = 0;
  for (const auto& d : all) control_seen += d.tunnel_id == 0 ? 1 : 0;
  EXPECT_EQ(control_seen, static_cast<std::size_t>(controls));
}

TEST_F(udp_receive, BatchesDeliverEveryDatagramInOrderPerSource) {
  open(8U << 20);
  sender a{svc->local(0)};
  sender b{svc->local(0)};
  constexpr int each = 700;      // several batches from each data source
  constexpr int controls = 200;  // under one control turn's budget: nothing is shed
  for (int i = 0; i < each; ++i) {
    a.send(ip_data(3, static_cast<std::uint16_t>(i)));
    b.send(ip_data(4, static_cast<std::uint16_t>(i)));
    if (i < controls) a.send(control(3, static_cast<std::uint16_t>(i)));
  }
  drain();
  auto all = routed(2 * each + controls);
  ASSERT_EQ(all.size(), 2U * each + controls);
  EXPECT_EQ(stats.rx_shed.load(), 0U);
  // Per source and kind (control and data are told apart by the T bit), in the order sent.
  std::map<std::tuple<std::uint16_t, bool, std::uint16_t>, int> next;
  for (const auto& d : all) {
    const bool is_control = (std::to_integer<unsigned>(d.data[0]) & 0x80) != 0;
    const std::size_t at = is_control ? 8 : 12;
    const int n = (std::to_integer<int>(d.data[at]) << 8) | std::to_integer<int>(d.data[at + 1]);
    auto& expected = next[{d.peer.port, is_control, d.tunnel_id}];
    EXPECT_EQ(n, expected) << "port " << d.peer.port << " tunnel " << d.tunnel_id;
    expected = n + 1;
  }
  EXPECT_EQ(next.size(), 3U);
  EXPECT_EQ(stats.rx_datagrams.load(), 2U * each + controls);
}

TEST_F(udp_receive, SteeringProgramAgreesWithIsPriority) {
  open(8U << 20);
  sender lac{svc->local(0)};
  const std::vector<std::pair<bytes, bool>> cases{
      {control(1), true},
      {ip_data(1), false},
      {lcp_data(1), true},
      {l2tp(0x01, 1, 1, {0xff, 0x03, 0x00, 0x21, 0x45}), true},                    // Priority bit
      {l2tp(0x40, 1, 1, {0xff, 0x03, 0xc2, 0x23, 1}), true},                       // Length, CHAP
      {l2tp(0x40, 1, 1, {0xff, 0x03, 0x00, 0x21, 0x45}), false},                   // Length, IPv4
      {l2tp(0x08, 1, 1, {0, 1, 0, 2, 0x80, 0x21, 1}), true},                       // Ns Nr, IPCP, no FF 03
      {l2tp(0x08, 1, 1, {0, 1, 0, 2, 0x21, 0x45}), false},                         // Ns Nr, PFC IPv4
      {l2tp(0x02, 1, 1, {0, 3, 0xaa, 0xbb, 0xcc, 0xff, 0x03, 0x80, 0x57}), true},  // Offset, IPV6CP
      {l2tp(0x02, 1, 1, {0, 3, 0xaa, 0xbb, 0xcc, 0x00, 0x57, 0x60}), false},       // Offset, IPv6
      {l2tp(0x00, 1, 1, {0xff}), false},                                           // short
      {l2tp(0x02, 1, 1, {0x7f}), false},                                           // Offset Size cut short
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& [datagram, priority] = cases[i];
    EXPECT_EQ(io::is_priority(datagram), priority) << "case " << i;
    const auto before = svc->counts(0);
    lac.send(datagram);
    const auto want = before.control_socket + before.data_socket + 1;
    for (int tries = 0; tries < 100 && svc->counts(0).control_socket + svc->counts(0).data_socket < want; ++tries) {
      io.run_one_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(svc->counts(0).control_socket - before.control_socket, priority ? 1U : 0U) << "case " << i;
  }
}

TEST_F(udp_receive, OneSocketWhenSteeringIsOff) {
  open(8U << 20, false);
  EXPECT_FALSE(svc->counts(0).steered);
  EXPECT_EQ(stats.rx_steered_gateways.load(), 0);
  sender lac{svc->local(0)};
  lac.send(ip_data(7));
  lac.send(control(0));
  lac.send(lcp_data(9));
  drain();
  auto all = routed(3);
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[0].tunnel_id, 7);  // in arrival order: nothing goes first
  EXPECT_EQ(all[1].tunnel_id, 0);
  EXPECT_EQ(all[2].tunnel_id, 9);
  EXPECT_EQ(svc->counts(0).data_socket, 3U);
  EXPECT_EQ(svc->counts(0).control_socket, 0U);
}

TEST_F(udp_receive, ATakenPortIsRefused) {
  open(1U << 20);
  const auto port = svc->local(0).port;
  io::gateway_socket_options o;
  o.address = 0x7f000001;
  o.port = port;
  EXPECT_THROW(io::open_gateway(o), std::system_error);
  o.steering = false;
  EXPECT_THROW(io::open_gateway(o), std::system_error);
}

TEST_F(udp_receive, BuffersAreRaisedAsAsked) {
  open(16U << 20);
  // SO_RCVBUFFORCE (the tests run as root): the kernel reports twice the request.
  EXPECT_EQ(svc->counts(0).data_buffer, 32 << 20);
  EXPECT_EQ(svc->counts(0).control_buffer, 8 << 20);
}

}  // namespace
}  // namespace bras

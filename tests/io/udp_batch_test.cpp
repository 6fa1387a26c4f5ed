// io/udp_batch: udp_service::send_batch over a real socket on loopback (in
// this binary's own network namespace): a burst arrives whole and in order
// from the gateway's address, over several sendmmsg calls when it is long;
// datagrams the kernel refuses (port 0, too big for UDP) are marked unsent and
// the rest still go, in order; runs of one size to one peer (sent as UDP GSO)
// arrive as their own datagrams; an unknown gateway sends nothing.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "io/udp.hpp"

namespace bras {
namespace {

/// A UDP socket on 127.0.0.1 that the bursts are sent to.
struct receiver {
  receiver() {
    EXPECT_EQ(std::system("ip link set lo up"), 0);
    fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at), 0);
    socklen_t len = sizeof at;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&at), &len);
    port = ntohs(at.sin_port);
    int big = 4 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    timeval wait{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  }
  ~receiver() { ::close(fd); }
  receiver(const receiver&) = delete;
  receiver& operator=(const receiver&) = delete;
  /// The next datagram and the port it came from; empty after 2 s of nothing.
  std::pair<wire::bytes, std::uint16_t> next() const {
    wire::bytes b(70000);
    sockaddr_in from{};
    socklen_t len = sizeof from;
    const auto n = ::recvfrom(fd, b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    b.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return {b, ntohs(from.sin_port)};
  }
  /// Whether nothing more is queued.
  bool empty() const {
    std::byte b;
    return ::recv(fd, &b, 1, MSG_DONTWAIT) < 0;
  }
  int fd;
  std::uint16_t port = 0;
};

config::l2tp_settings one_gateway() {
  config::l2tp_settings cfg;
  cfg.local_gateways.push_back({"lo", "127.0.0.1", 0});
  return cfg;
}

/// Datagram `i`: 8 bytes (or `size`) of `i`.
wire::bytes datagram(std::size_t i, std::size_t size = 8) {
  return wire::bytes(size, static_cast<std::byte>(i & 0xff));
}

TEST(UdpBatch, BurstArrivesInOrderFromTheGateway) {
  receiver r;
  boost::asio::io_context io;
  io::udp_service udp{io, one_gateway()};
  std::vector<wire::bytes> data;
  for (std::size_t i = 0; i < 150; ++i) data.push_back(datagram(i, 8 + i));  // more than one sendmmsg
  std::vector<dataplane::outgoing> burst;
  for (const auto& d : data) burst.push_back({{0x7f000001, r.port}, d});
  EXPECT_EQ(udp.send_batch(0, burst), data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    EXPECT_TRUE(burst[i].sent) << i;
    auto [got, from] = r.next();
    EXPECT_EQ(got, data[i]) << i;
    EXPECT_EQ(from, udp.local(0).port);
  }
  EXPECT_TRUE(r.empty());
}

TEST(UdpBatch, RefusedDatagramsAreSkippedAndTheRestSent) {
  receiver r;
  boost::asio::io_context io;
  io::udp_service udp{io, one_gateway()};
  const model::udp_peer to{0x7f000001, r.port};
  const model::udp_peer port_zero{0x7f000001, 0};  // EINVAL
  const auto too_big = datagram(4, 70000);         // EMSGSIZE: above UDP's 65,507
  std::vector<wire::bytes> data{datagram(0), datagram(1), datagram(2), datagram(3), too_big, datagram(5), datagram(6)};
  std::vector<dataplane::outgoing> burst{{to, data[0]}, {to, data[1]}, {port_zero, data[2]}, {to, data[3]},
                                         {to, data[4]}, {to, data[5]}, {to, data[6]}};
  EXPECT_EQ(udp.send_batch(0, burst), 5u);
  const bool expected[] = {true, true, false, true, false, true, true};
  for (std::size_t i = 0; i < burst.size(); ++i) EXPECT_EQ(burst[i].sent, expected[i]) << i;
  for (std::size_t i : {0, 1, 3, 5, 6}) EXPECT_EQ(r.next().first, data[i]) << i;
  EXPECT_TRUE(r.empty());
}

TEST(UdpBatch, RunsOfOneSizeToOnePeerArriveAsTheirOwnDatagrams) {
  // Sent as UDP GSO messages (one size, one peer): each datagram must still arrive alone, whole
  // and in order, whether its run is cut by the chunk, by another peer or by another size.
  receiver a;
  receiver b;
  boost::asio::io_context io;
  io::udp_service udp{io, one_gateway()};
  std::vector<wire::bytes> data;
  std::vector<dataplane::outgoing> burst;
  for (std::size_t i = 0; i < 200; ++i) data.push_back(datagram(i, i >= 150 && i < 160 ? 300 : 146));
  for (std::size_t i = 0; i < data.size(); ++i) {
    const bool to_b = i >= 100 && i < 120 && i % 2 == 0;  // interleaved: runs of one
    burst.push_back({{0x7f000001, to_b ? b.port : a.port}, data[i]});
  }
  EXPECT_EQ(udp.send_batch(0, burst), data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    EXPECT_TRUE(burst[i].sent) << i;
    const bool to_b = i >= 100 && i < 120 && i % 2 == 0;
    auto [got, from] = (to_b ? b : a).next();
    EXPECT_EQ(got, data[i]) << i;
    EXPECT_EQ(from, udp.local(0).port);
  }
  EXPECT_TRUE(a.empty());
  EXPECT_TRUE(b.empty());
}

TEST(UdpBatch, UnknownGatewaySendsNothing) {
  receiver r;
  boost::asio::io_context io;
  io::udp_service udp{io, one_gateway()};
  const auto d = datagram(1);
  std::vector<dataplane::outgoing> burst{{{0x7f000001, r.port}, d}};
  burst[0].sent = true;
  EXPECT_EQ(udp.send_batch(3, burst), 0u);
  EXPECT_FALSE(burst[0].sent);
  EXPECT_TRUE(r.empty());
}

}  // namespace
}  // namespace bras

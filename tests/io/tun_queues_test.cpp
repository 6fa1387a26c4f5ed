// io/tun: the tun device's queues on real devices, in this binary's own
// network namespace. Packets the kernel routes into the device arrive in
// bursts, each behind the data plane's headroom; with two queues they arrive on
// both readers (the I/O thread and the second queue's thread); a persistent
// single-queue device asked for more queues is used with one; a persistent
// multi-queue device asked for one is used with one; packets written back
// from many sources (so on every queue) all reach the kernel.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "io/tun.hpp"
#include "protocol/ip/packet.hpp"

namespace bras {
namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t lns = 0x0a000001;          // 10.0.0.1, on the device
constexpr std::uint32_t subscribers = 0x0ac80000;  // 10.200.0.0/16, routed into it

/// What the readers handed over: packets, and the threads they came on.
struct reception {
  void operator()(std::span<dataplane::headroom_packet> burst) {
    std::lock_guard lock{m};
    for (auto& p : burst) {
      EXPECT_EQ(p.headroom(), dataplane::encap_headroom);
      const auto b = p.bytes();
      if (b.size() >= 20 && (wire::load_u32(b.data() + 16) & 0xffff0000u) == subscribers) ++packets;
    }
    threads.insert(std::this_thread::get_id());
  }
  std::size_t count() {
    std::lock_guard lock{m};
    return packets;
  }
  std::mutex m;
  std::size_t packets = 0;
  std::set<std::thread::id> threads;
};

/// A device under test with its I/O thread running.
struct running_tun {
  running_tun(const std::string& name, unsigned queues)
      : tun{io, name, lns, {config::ipv4_prefix{subscribers, 16}}, {}, 1500, queues} {
    tun.start([this](std::span<dataplane::headroom_packet> burst) { got(burst); });
    io_thread = std::thread{[this] { io.run(); }};
  }
  ~running_tun() {
    tun.stop();
    work.reset();
    io.stop();
    io_thread.join();
  }
  running_tun(const running_tun&) = delete;
  running_tun& operator=(const running_tun&) = delete;
  /// Sends `n` UDP datagrams to n subscribers (n flows) and waits until all were read.
  bool send_to_subscribers(std::size_t n) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const std::byte payload[32]{};
    for (std::size_t i = 0; i < n; ++i) {
      sockaddr_in to{};
      to.sin_family = AF_INET;
      to.sin_port = htons(9);
      to.sin_addr.s_addr = htonl(subscribers + 1 + static_cast<std::uint32_t>(i));
      ::sendto(fd, payload, sizeof payload, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    }
    ::close(fd);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (got.count() < n && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    return got.count() == n;
  }
  boost::asio::io_context io;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work{io.get_executor()};
  io::tun_device tun;
  reception got;
  std::thread io_thread;
};

TEST(TunQueues, OneQueueReadsOnTheIoThread) {
  running_tun t{"btq1", 1};
  EXPECT_EQ(t.tun.queues(), 1u);
  EXPECT_TRUE(t.send_to_subscribers(50));
  EXPECT_EQ(t.got.threads, (std::set<std::thread::id>{t.io_thread.get_id()}));
}

TEST(TunQueues, TwoQueuesAreReadByTwoThreads) {
  running_tun t{"btq2", 2};
  ASSERT_EQ(t.tun.queues(), 2u);
  // 200 flows: the kernel spreads them over both queues by their hash.
  EXPECT_TRUE(t.send_to_subscribers(200));
  EXPECT_EQ(t.got.threads.size(), 2u);
  EXPECT_TRUE(t.got.threads.contains(t.io_thread.get_id()));
}

TEST(TunQueues, ExistingSingleQueueDeviceIsUsedWithOneQueue) {
  ASSERT_EQ(std::system("ip tuntap add dev btqs mode tun"), 0);
  {
    running_tun t{"btqs", 4};
    EXPECT_EQ(t.tun.queues(), 1u);
    EXPECT_TRUE(t.send_to_subscribers(20));
  }
  EXPECT_EQ(std::system("ip tuntap del dev btqs mode tun"), 0);
}

TEST(TunQueues, ExistingMultiQueueDeviceAskedForOneQueue) {
  ASSERT_EQ(std::system("ip tuntap add dev btqm mode tun multi_queue"), 0);
  {
    running_tun t{"btqm", 1};
    EXPECT_EQ(t.tun.queues(), 1u);
    EXPECT_TRUE(t.send_to_subscribers(20));
  }
  EXPECT_EQ(std::system("ip tuntap del dev btqm mode tun multi_queue"), 0);
}

/// A UDP packet from subscriber `from` to the LNS's port `port`, header checksummed, no UDP checksum.
wire::bytes from_subscriber(std::uint32_t from, std::uint16_t port) {
  wire::bytes p(20 + 8 + 4);
  wire::writer w{p};
  p.clear();
  w.u8(0x45);
  w.u8(0);
  w.u16(32);
  w.u16(1);
  w.u16(0x4000);
  w.u8(64);
  w.u8(17);
  w.u16(0);
  w.u32(from);
  w.u32(lns);
  w.u16(4000);
  w.u16(port);
  w.u16(12);
  w.u16(0);
  w.u32(from);
  const auto sum = ip::internet_checksum(wire::byte_span{p.data(), 20});
  p[10] = static_cast<std::byte>(sum >> 8);
  p[11] = static_cast<std::byte>(sum & 0xff);
  return p;
}

TEST(TunQueues, WritesFromEverySourceReachTheKernel) {
  running_tun t{"btqw", 2};
  ASSERT_EQ(t.tun.queues(), 2u);
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_addr.s_addr = htonl(lns);
  at.sin_port = htons(5555);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at), 0);
  timeval wait{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  constexpr std::uint32_t sources = 40;
  for (std::uint32_t i = 0; i < sources; ++i) {
    const auto p = from_subscriber(subscribers + 1 + i, 5555);
    EXPECT_TRUE(t.tun.write(wire::byte_span{p.data(), p.size()})) << i;
  }
  std::set<std::uint32_t> heard;
  for (std::uint32_t i = 0; i < sources; ++i) {
    std::uint32_t from = 0;
    if (::recv(fd, &from, sizeof from, 0) != sizeof from) break;
    heard.insert(from);
  }
  ::close(fd);
  EXPECT_EQ(heard.size(), sources);
}

}  // namespace
}  // namespace bras

// Data-plane packets per second of the LNS, both designs (fast path on the
// I/O thread, actor per packet), against a plain UDP receive baseline
// (recvmmsg) on the same machine in the same run.
//
//   sudo build/release/bench/bras_dataplane_bench [SECONDS] [SESSIONS] [DESIGNS]
//
// DESIGNS: a comma-separated list of MODE[:QUEUES] (data-plane.mode, data-plane.tun-queues), by
// default fast-path,actors,split,fast-path:2,split:2.
//
// It makes a private network namespace for itself. Per design: a brasd LNS
// with a tun device, a brasd LAC, SESSIONS emulated subscribers brought up
// over PPP; then a sink socket takes over the LAC's UDP address (so the
// LNS's traffic lands in the sink, not in the LAC) and
//   A. subscriber -> tun: 128-byte IPv4 packets in L2TP data messages are
//      blasted at the LNS with sendmmsg; counted: packets the LNS wrote to tun
//      (the kernel drops them on a blackhole route behind it);
//   B. tun -> subscriber: 128-byte IPv4 packets to the subscribers' addresses
//      are sent into the namespace's routing, so the kernel hands them to tun;
//      counted: L2TP data messages the LNS sent.
// Baseline: the same sendmmsg sender against a socket read with recvmmsg, before the designs
// and after them; every figure is also given as a ratio to their mean.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "actors/messages.hpp"
#include "configs/config.hpp"
#include "daemon/daemon.hpp"
#include "protocol/ip/packet.hpp"
#include "tools/emulator/subscriber_emulator.hpp"

namespace {

using namespace std::chrono_literals;
using namespace bras;

config::settings load(const std::string& yaml) {
  auto r = config::load(yaml, "bench");
  if (auto* e = std::get_if<config::load_error>(&r)) {
    std::fprintf(stderr, "%s\n", e->to_string().c_str());
    std::exit(2);
  }
  return std::get<config::settings>(r);
}

config::settings lns_config(const std::string& mode, unsigned queues) {
  return load(
      "runtime: {threads: 2, shards: 2}\nlog: {level: warn}\n"
      "l2tp:\n  local-gateways: [{name: lo, address: 127.0.0.1, port: 0}]\n"
      "  tunnel-groups: [{name: g, hello-interval: 0, clients: [{host-name: bench-lac, secret: s}]}]\n"
      "ppp: {restart-timer-ms: 300, echo-interval: 0, local-address: 100.64.0.1, ipv6: false, address-pool: p}\n"
      "address-pools: [{name: p, prefixes: [100.64.0.0/16]}]\n"
      "aaa: {subscribers: [{user: bench, password: bench}]}\n"
      "data-plane: {tun: bench0, mode: " +
      mode + ", tcp-mss-clamp: false, tun-queues: " + std::to_string(queues) + "}\n");
}

config::settings lac_config(std::uint16_t port) {
  return load(
      "runtime: {threads: 1, shards: 1}\nlog: {level: warn}\n"
      "l2tp:\n  host-name: bench-lac\n  local-gateways: [{name: lo, address: 127.0.0.1, port: 0}]\n"
      "  destinations: [{name: lns, address: 127.0.0.1, port: " +
      std::to_string(port) + ", secret: s, hello-interval: 0}]\n");
}

void put16(std::vector<std::byte>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::byte>(v >> 8);
  b[at + 1] = static_cast<std::byte>(v & 0xff);
}
void put32(std::vector<std::byte>& b, std::size_t at, std::uint32_t v) {
  put16(b, at, static_cast<std::uint16_t>(v >> 16));
  put16(b, at + 2, static_cast<std::uint16_t>(v & 0xffff));
}

/// A 128-byte IPv4/UDP packet.
std::vector<std::byte> ip_packet(std::uint32_t src, std::uint32_t dst) {
  std::vector<std::byte> p(128);
  p[0] = std::byte{0x45};
  put16(p, 2, 128);
  p[8] = std::byte{64};
  p[9] = std::byte{17};
  put32(p, 12, src);
  put32(p, 16, dst);
  put16(p, 10, ip::internet_checksum(std::span<const std::byte>{p.data(), 20}));
  put16(p, 20, 40000);
  put16(p, 22, 9);
  put16(p, 24, 108);
  return p;
}

/// Sends `datagrams` round robin to `to` from `fd` with sendmmsg until `stop`; returns the count sent.
std::uint64_t blast(int fd, const sockaddr_in& to, const std::vector<std::vector<std::byte>>& datagrams,
                    const std::atomic<bool>& stop) {
  constexpr std::size_t batch = 64;
  std::vector<mmsghdr> msgs(batch);
  std::vector<iovec> iov(batch);
  std::uint64_t sent = 0;
  std::size_t next = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (std::size_t i = 0; i < batch; ++i) {
      const auto& d = datagrams[next++ % datagrams.size()];
      iov[i] = {const_cast<std::byte*>(d.data()), d.size()};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = const_cast<sockaddr_in*>(&to);
      msgs[i].msg_hdr.msg_namelen = sizeof to;
    }
    const int n = ::sendmmsg(fd, msgs.data(), batch, 0);
    if (n > 0) sent += static_cast<std::uint64_t>(n);
  }
  return sent;
}

/// Reads with recvmmsg until `stop`; returns the count received.
std::uint64_t drain(int fd, const std::atomic<bool>& stop) {
  constexpr std::size_t batch = 64;
  std::vector<std::array<std::byte, 2048>> bufs(batch);
  std::vector<mmsghdr> msgs(batch);
  std::vector<iovec> iov(batch);
  for (std::size_t i = 0; i < batch; ++i) {
    iov[i] = {bufs[i].data(), bufs[i].size()};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  timeval tv{0, 100000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::uint64_t got = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    const int n = ::recvmmsg(fd, msgs.data(), batch, 0, nullptr);
    if (n > 0) got += static_cast<std::uint64_t>(n);
  }
  return got;
}

int udp_socket(std::uint32_t address, std::uint16_t port, bool reuse) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  int one = 1;
  if (reuse) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int big = 8 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(address);
  a.sin_port = htons(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror("bind");
    std::exit(1);
  }
  return fd;
}

sockaddr_in endpoint(std::uint32_t address, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(address);
  a.sin_port = htons(port);
  return a;
}

double rate(std::uint64_t n, std::chrono::steady_clock::duration d) {
  return static_cast<double>(n) / std::chrono::duration<double>(d).count();
}

struct result {
  double to_tun_pps = 0;
  double to_tun_offered_pps = 0;
  double to_subscriber_pps = 0;
  double to_subscriber_offered_pps = 0;
  double to_subscriber_delivered_pps = 0;  ///< what the sink read (the LAC's side of the wire)
};

result run_design(const std::string& mode, unsigned queues, std::chrono::seconds duration, unsigned sessions) {
  app::daemon lns{lns_config(mode, queues)};
  lns.start();
  app::daemon lac{lac_config(lns.local(0).port)};
  lac.start();
  caf::scoped_actor self{lac.system()};
  std::vector<std::uint32_t> addresses;
  for (unsigned i = 0; i < sessions; ++i) {
    actors::subscriber_args a;
    a.lac = lac.lac();
    a.observer = caf::actor_cast<actors::subscriber_observer_actor>(self);
    a.id = i + 1;
    a.ppp.user = "bench";
    a.ppp.password = "bench";
    a.ppp.magic = 0x1000 + i;
    a.ppp.negotiation.restart_timer = 300ms;
    actors::spawn_subscriber(lac.system(), std::move(a));
  }
  while (addresses.size() < sessions) {
    bool timeout = false;
    self->receive(
        [&](actors::subscriber_event& e) {
          if (e.what == actors::subscriber_event::kind::ipv4_up) addresses.push_back(e.address);
          if (e.what == actors::subscriber_event::kind::finished) {
            std::fprintf(stderr, "subscriber failed: %s\n", e.message.c_str());
            std::exit(1);
          }
        },
        [](actors::subscriber_ip&) {}, caf::after(30s) >> [&] { timeout = true; });
    if (timeout) {
      std::fprintf(stderr, "subscribers did not come up\n");
      std::exit(1);
    }
  }
  std::this_thread::sleep_for(200ms);
  const auto lac_end = lac.local(0);
  // The sink takes over the LAC's address and port: the LNS's data messages land here.
  const int sink = udp_socket(lac_end.address, lac_end.port, true);
  result r;

  // A: subscriber -> tun.
  std::vector<std::vector<std::byte>> datagrams;
  for (auto a : addresses) {
    auto s = lns.ctx().sessions.find_ipv4(a);
    std::vector<std::byte> d(10);
    put16(d, 0, 0x0002);
    put16(d, 2, s->local_tunnel_id);
    put16(d, 4, s->local_session_id);
    put16(d, 6, 0xff03);
    put16(d, 8, 0x0021);
    auto p = ip_packet(a, 0xcb007101);  // 203.0.113.1: blackholed behind tun
    d.insert(d.end(), p.begin(), p.end());
    datagrams.push_back(std::move(d));
  }
  {
    std::atomic<bool> stop{false};
    const auto before = lns.ctx().stats.data_rx_packets.load();
    const auto t0 = std::chrono::steady_clock::now();
    std::uint64_t sent = 0;
    std::thread sender{[&] { sent = blast(sink, endpoint(0x7f000001, lns.local(0).port), datagrams, stop); }};
    std::this_thread::sleep_for(duration);
    stop = true;
    sender.join();
    const auto dt = std::chrono::steady_clock::now() - t0;
    std::this_thread::sleep_for(200ms);
    r.to_tun_pps = rate(lns.ctx().stats.data_rx_packets.load() - before, dt);
    r.to_tun_offered_pps = rate(sent, dt);
  }
  // B: tun -> subscriber.
  {
    std::vector<std::vector<std::byte>> payloads;
    std::atomic<bool> stop{false};
    const int out = ::socket(AF_INET, SOCK_DGRAM, 0);
    std::uint64_t drained = 0;
    std::thread sink_reader{[&] { drained = drain(sink, stop); }};
    const auto before = lns.ctx().stats.data_tx_packets.load();
    const auto t0 = std::chrono::steady_clock::now();
    std::uint64_t sent = 0;
    std::thread sender{[&] {
      // One destination per subscriber, round robin: sendmmsg with per-message addresses.
      constexpr std::size_t batch = 64;
      std::vector<sockaddr_in> to;
      for (auto a : addresses) to.push_back(endpoint(a, 9));
      std::array<std::byte, 100> payload{};
      std::vector<mmsghdr> msgs(batch);
      std::vector<iovec> iov(batch);
      std::size_t next = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (std::size_t i = 0; i < batch; ++i) {
          iov[i] = {payload.data(), payload.size()};
          msgs[i] = {};
          msgs[i].msg_hdr.msg_iov = &iov[i];
          msgs[i].msg_hdr.msg_iovlen = 1;
          msgs[i].msg_hdr.msg_name = &to[next++ % to.size()];
          msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
        }
        const int n = ::sendmmsg(out, msgs.data(), batch, 0);
        if (n > 0) sent += static_cast<std::uint64_t>(n);
      }
    }};
    std::this_thread::sleep_for(duration);
    stop = true;
    sender.join();
    const auto dt = std::chrono::steady_clock::now() - t0;
    sink_reader.join();
    r.to_subscriber_pps = rate(lns.ctx().stats.data_tx_packets.load() - before, dt);
    r.to_subscriber_offered_pps = rate(sent, dt);
    r.to_subscriber_delivered_pps = rate(drained, dt);
    ::close(out);
  }
  ::close(sink);
  return r;
}

double baseline(std::chrono::seconds duration) {
  const int rx = udp_socket(0x7f000001, 0, false);
  sockaddr_in at{};
  socklen_t len = sizeof at;
  ::getsockname(rx, reinterpret_cast<sockaddr*>(&at), &len);
  const int tx = ::socket(AF_INET, SOCK_DGRAM, 0);
  std::vector<std::vector<std::byte>> datagrams{std::vector<std::byte>(138)};
  std::atomic<bool> stop{false};
  std::uint64_t got = 0;
  std::thread reader{[&] { got = drain(rx, stop); }};
  const auto t0 = std::chrono::steady_clock::now();
  std::thread sender{[&] { blast(tx, at, datagrams, stop); }};
  std::this_thread::sleep_for(duration);
  stop = true;
  sender.join();
  reader.join();
  const auto dt = std::chrono::steady_clock::now() - t0;
  ::close(rx);
  ::close(tx);
  return rate(got, dt);
}

}  // namespace

int main(int argc, char** argv) {
  const std::chrono::seconds duration{argc > 1 ? std::atoi(argv[1]) : 5};
  const unsigned sessions = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 16;
  if (::unshare(CLONE_NEWNET) != 0) {
    std::perror("unshare(CLONE_NEWNET) (run as root)");
    return 1;
  }
  if (std::system("ip link set lo up && ip route add blackhole 203.0.113.0/24") != 0) return 1;
  std::vector<std::pair<std::string, unsigned>> designs;
  std::string list = argc > 3 ? argv[3] : "fast-path,actors,split,fast-path:2,split:2";
  for (std::size_t at = 0; at <= list.size();) {
    auto end = list.find(',', at);
    if (end == std::string::npos) end = list.size();
    const auto item = list.substr(at, end - at);
    const auto colon = item.find(':');
    designs.emplace_back(item.substr(0, colon),
                         colon == std::string::npos ? 1u : static_cast<unsigned>(std::atoi(item.c_str() + colon + 1)));
    at = end + 1;
  }
  std::printf("data plane, %u sessions, %lld s per measurement, 128-byte IPv4 packets, %u CPUs\n", sessions,
              static_cast<long long>(duration.count()), std::thread::hardware_concurrency());
  const double before = baseline(duration);
  std::printf("%-34s %12.0f pps\n", "baseline UDP recvmmsg (before)", before);
  std::vector<result> results;
  for (const auto& [mode, queues] : designs) results.push_back(run_design(mode, queues, duration, sessions));
  const double after = baseline(duration);
  const double base = (before + after) / 2;
  std::printf("%-34s %12.0f pps\n", "baseline UDP recvmmsg (after)", after);
  for (std::size_t i = 0; i < designs.size(); ++i) {
    const auto name = designs[i].first + (designs[i].second > 1 ? ":" + std::to_string(designs[i].second) : "");
    const auto& r = results[i];
    std::printf("%-14s L2TP -> tun %12.0f pps (offered %9.0f) %5.2fx baseline\n", name.c_str(), r.to_tun_pps,
                r.to_tun_offered_pps, r.to_tun_pps / base);
    std::printf("%-14s tun -> L2TP %12.0f pps (offered %9.0f, sink read %9.0f) %5.2fx baseline\n", name.c_str(),
                r.to_subscriber_pps, r.to_subscriber_offered_pps, r.to_subscriber_delivered_pps,
                r.to_subscriber_pps / base);
  }
  return 0;
}

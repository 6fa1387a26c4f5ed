// /metrics scrape time at a given number of real PPP sessions, with the
// per-session families off and on (capped).
//
//   sudo build/release/bench/bras_scrape_bench [SESSIONS...]     e.g. 0 10000 100000
//
// For each count: a brasd LNS (metrics on, no tun) and a brasd LAC in this
// process, that many emulated subscribers brought up over PPP (CHAP, IPCP),
// then 50 scrapes over TCP, timed from connect to the last byte.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/sessions.hpp"

namespace {

using namespace std::chrono_literals;
using namespace bras;

std::size_t scrape_bytes(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(0x7f000001);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 0;
  const std::string req = "GET /metrics HTTP/1.0\r\n\r\n";
  if (::send(fd, req.data(), req.size(), 0) < 0) return 0;
  std::size_t total = 0;
  char buf[65536];
  for (;;) {
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    total += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return total;
}

struct timing {
  double median_ms = 0;
  double p99_ms = 0;
  std::size_t bytes = 0;
};

timing time_scrapes(std::uint16_t port) {
  std::vector<double> ms;
  std::size_t bytes = 0;
  for (int i = 0; i < 50; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    bytes = scrape_bytes(port);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[ms.size() * 99 / 100], bytes};
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<unsigned> counts;
  for (int i = 1; i < argc; ++i) counts.push_back(static_cast<unsigned>(std::atoi(argv[i])));
  if (counts.empty()) counts = {0, 10000};
  std::printf("%10s %10s %14s %14s %12s\n", "sessions", "per-sess", "median ms", "p99 ms", "bytes");
  for (const unsigned n : counts) {
    for (const bool per_session : {false, true}) {
      app::daemon lns{bench::lns_config("metrics: {listen: 127.0.0.1:0, per-session-limit: 10000, per-session: " +
                                        std::string{per_session ? "true" : "false"} + "}\n")};
      lns.start();
      app::daemon lac{bench::lac_config(lns)};
      lac.start();
      const auto setup = bench::bring_up(lac, n);
      auto t = time_scrapes(lns.metrics_port());
      if (std::getenv("BRAS_BENCH_DEBUG") != nullptr) {
        std::fprintf(stderr, "lns unknown-session data %lu malformed %lu; lac unknown-session data %lu, rx %lu\n",
                     static_cast<unsigned long>(lns.ctx().stats.data_rx_unknown_session.load()),
                     static_cast<unsigned long>(lns.ctx().stats.ppp_malformed.load()),
                     static_cast<unsigned long>(lac.ctx().stats.data_rx_unknown_session.load()),
                     static_cast<unsigned long>(lac.ctx().stats.rx_datagrams.load()));
      }
      std::printf("%10u %10s %14.2f %14.2f %12zu   (%u up, %u failed, set-up %.1f s)\n", n, per_session ? "on" : "off",
                  t.median_ms, t.p99_ms, t.bytes, setup.up, setup.failed, setup.seconds);
      std::fflush(stdout);
    }
  }
  return 0;
}

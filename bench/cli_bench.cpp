// Operator commands at scale: with N real PPP sessions up (emulated
// subscribers through a brasd LAC to a brasd LNS in this process), the time
// of show commands over the LNS's operator socket, end to end as bras-cli
// sees them (query fan-out, rendering, transfer), and of the query fan-out
// alone, and of the rendering alone (render_stream, as brasd's control thread
// renders).
//
//   sudo build/release/bench/bras_cli_bench [SESSIONS [PER-TUNNEL]]   e.g. 100000 250
//
// PER-TUNNEL (default 250) is the LAC's max-sessions per tunnel; 0 puts up
// to 65,535 sessions on one tunnel (the tunnel's own fan-out at its worst).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>
#include <vector>

#include "bench/sessions.hpp"
#include "cli/grammar.hpp"
#include "cli/render.hpp"
#include "cli/wire.hpp"

namespace {

using namespace std::chrono_literals;
using namespace bras;

/// Sends one command, returns the bytes of the reply (0: failed).
std::size_t run_command(const std::string& path, const std::string& line) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 0;
  const auto request = line + "\n";
  if (::write(fd, request.data(), request.size()) < 0) return 0;
  std::size_t total = 0;
  std::string head;
  char buf[1 << 16];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) {
    if (head.size() < 3) head.append(buf, static_cast<std::size_t>(std::min<ssize_t>(n, 3)));
    total += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return head.starts_with(cli::wire::status_ok) ? total : 0;
}

struct timing {
  double median_ms = 0, max_ms = 0;
  std::size_t bytes = 0;
};

template <class F>
timing repeat(int times, F f) {
  std::vector<double> ms;
  std::size_t bytes = 0;
  for (int i = 0; i < times; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    bytes = f();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.back(), bytes};
}

}  // namespace

int main(int argc, char** argv) {
  const unsigned n = argc > 1 ? static_cast<unsigned>(std::atoi(argv[1])) : 10000;
  const unsigned per_tunnel = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 250;
  const std::string sock = "/tmp/bras-cli-bench-" + std::to_string(::getpid()) + ".sock";
  app::daemon lns{bench::lns_config("cli: {socket: " + sock + "}\n")};
  lns.start();
  app::daemon lac{bench::lac_config(lns, per_tunnel)};
  lac.start();
  const auto setup = bench::bring_up(lac, n);
  std::printf("%u sessions up (%u failed) in %.1f s, at most %u per tunnel\n", setup.up, setup.failed, setup.seconds,
              per_tunnel);

  // One session in the middle of the ID space, for the lookup.
  caf::scoped_actor self{lns.system()};
  std::uint16_t some_session = 0, some_tunnel = 0;
  model::query_request all;
  self->request(lns.query(), 60s, actors::query_atom::value, all)
      .receive(
          [&](model::query_snapshot& q) {
            if (!q.tunnels.empty() && !q.tunnels[q.tunnels.size() / 2].sessions.empty()) {
              const auto& t = q.tunnels[q.tunnels.size() / 2];
              some_tunnel = t.tunnel.local_tunnel_id;
              some_session = t.sessions[t.sessions.size() / 2].local_session_id;
            }
          },
          [](caf::error&) {});

  std::printf("%-58s %10s %10s %12s\n", "command", "median ms", "max ms", "bytes");
  auto row = [](const std::string& what, timing t) {
    std::printf("%-58s %10.1f %10.1f %12zu\n", what.c_str(), t.median_ms, t.max_ms, t.bytes);
    std::fflush(stdout);
  };
  row("query fan-out alone (all sessions, no rendering)", repeat(5, [&] {
        std::size_t sessions = 0;
        self->request(lns.query(), 60s, actors::query_atom::value, all)
            .receive(
                [&](model::query_snapshot& q) {
                  for (const auto& t : q.tunnels) sessions += t.sessions.size();
                },
                [](caf::error&) {});
        return sessions;
      }));
  // Rendering alone, as the control thread does it (part by part), over one snapshot of every session.
  model::query_snapshot snapshot;
  self->request(lns.query(), 60s, actors::query_atom::value, all)
      .receive([&](model::query_snapshot& q) { snapshot = std::move(q); }, [](caf::error&) {});
  for (const std::string line : {"show services l2tp session", "show services l2tp session extensive"}) {
    const auto parsed = cli::parse(line);
    const auto& c = std::get<cli::command>(parsed);
    row("render alone: " + line, repeat(5, [&] {
          auto stream = cli::render_stream(c, snapshot);
          std::string part;
          std::size_t bytes = 0;
          while (stream->next(part, std::size_t{128} << 10)) {
            bytes += part.size();
            part.clear();
          }
          return bytes;
        }));
  }
  snapshot = {};

  const std::vector<std::string> commands{
      "show services l2tp session",
      "show services l2tp session extensive",
      "show services l2tp session | count",
      "show services l2tp tunnel",
      "show services l2tp summary",
      "show services l2tp session local-session-id " + std::to_string(some_session),
      "show services l2tp session extensive local-session-id " + std::to_string(some_session),
      "show services l2tp session local-tunnel-id " + std::to_string(some_tunnel) + " local-session-id " +
          std::to_string(some_session),
      "show services l2tp session extensive local-tunnel-id " + std::to_string(some_tunnel) + " local-session-id " +
          std::to_string(some_session),
      "show services l2tp session user nobody-at-all"};
  for (const auto& cmd : commands) {
    row(cmd, repeat(5, [&] { return run_command(sock, cmd); }));
  }
  lac.shutdown();
  lns.shutdown();
  return 0;
}

// Shared by the benchmarks: a brasd LNS and LAC in this process with N real
// PPP sessions (emulated subscribers: CHAP, IPCP) up between them.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "actors/messages.hpp"
#include "configs/config.hpp"
#include "daemon/daemon.hpp"
#include "tools/emulator/subscriber_emulator.hpp"

namespace bras::bench {

using namespace std::chrono_literals;

inline config::settings load(const std::string& yaml) {
  auto r = config::load(yaml, "bench");
  if (auto* e = std::get_if<config::load_error>(&r)) {
    std::fprintf(stderr, "%s\n", e->to_string().c_str());
    std::exit(2);
  }
  return std::get<config::settings>(r);
}

/// The LNS configuration: CHAP for user bench, a /14 pool, no tun; `extra` is appended.
inline config::settings lns_config(const std::string& extra) {
  return load(
      "runtime: {threads: 2, shards: 2}\nlog: {level: error}\n"
      "l2tp:\n  local-gateways: [{name: lo, address: 127.0.0.1, port: 0}]\n"
      "  tunnel-groups: [{name: g, hello-interval: 0, clients: [{host-name: bench-lac, secret: s}]}]\n"
      "ppp: {restart-timer-ms: 3000, echo-interval: 0, local-address: 100.64.0.1, ipv6: false, "
      "address-pool: p}\n"
      "address-pools: [{name: p, prefixes: [100.64.0.0/14]}]\n"
      "aaa: {subscribers: [{user: bench, password: bench}]}\n"
      "data-plane: {tun: \"\"}\n" +
      extra);
}

struct setup_result {
  unsigned up = 0, failed = 0;
  double seconds = 0;
};

/// Brings `n` subscribers up through `lac` (at most 2,000 set-ups in flight,
/// as a LAC paces its calls).
inline setup_result bring_up(app::daemon& lac, unsigned n) {
  caf::scoped_actor self{lac.system()};
  setup_result r;
  const auto t0 = std::chrono::steady_clock::now();
  unsigned next = 0;
  while (r.up + r.failed < n) {
    while (next < n && next - r.up - r.failed < 2000) {
      actors::subscriber_args a;
      a.lac = lac.lac();
      a.observer = caf::actor_cast<actors::subscriber_observer_actor>(self);
      a.id = ++next;
      a.ppp.user = "bench";
      a.ppp.password = "bench";
      a.ppp.magic = 0x10000 + next;
      a.ppp.negotiation.restart_timer = 3s;
      actors::spawn_subscriber(lac.system(), std::move(a));
    }
    bool timeout = false;
    self->receive(
        [&](actors::subscriber_event& e) {
          if (e.what == actors::subscriber_event::kind::ipv4_up) ++r.up;
          if (e.what == actors::subscriber_event::kind::finished ||
              e.what == actors::subscriber_event::kind::call_failed) {
            ++r.failed;
          }
        },
        [](actors::subscriber_ip&) {}, caf::after(60s) >> [&] { timeout = true; });
    if (timeout) break;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

/// A LAC dialling `lns` as bench-lac, `per_tunnel` sessions per tunnel (0: as many as fit).
inline config::settings lac_config(app::daemon& lns, unsigned per_tunnel = 250) {
  return load(
      "runtime: {threads: 2, shards: 2}\nlog: {level: error}\n"
      "l2tp:\n  host-name: bench-lac\n  local-gateways: [{name: lo, address: 127.0.0.1, port: 0}]\n"
      "  destinations: [{name: lns, address: 127.0.0.1, port: " +
      std::to_string(lns.local(0).port) +
      ", secret: s, hello-interval: 0, max-sessions: " + std::to_string(per_tunnel) + "}]\n");
}

}  // namespace bras::bench

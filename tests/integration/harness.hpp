// Shared pieces of the in-process integration tests: configurations for a
// brasd LNS and LAC on loopback, and waiting for a condition.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <variant>

#include "configs/config.hpp"

namespace bras {

using namespace std::chrono_literals;

inline config::settings settings_from(const std::string& yaml) {
  auto r = config::load(yaml, "test");
  if (auto* e = std::get_if<config::load_error>(&r)) ADD_FAILURE() << e->to_string();
  return std::get<config::settings>(r);
}

inline std::string timers() {
  return "  retransmit-initial-ms: 200\n"
         "  retransmit-max-ms: 400\n"
         "  retransmit-count: 5\n"
         "  ack-delay-ms: 20\n"
         "  shutdown-timeout: 10\n";
}

inline config::settings lns_settings(const std::string& secret, unsigned threads = 2, unsigned shards = 2,
                                     const std::string& group_extra = "", const std::string& client_extra = "") {
  return settings_from("runtime: {threads: " + std::to_string(threads) + ", shards: " + std::to_string(shards) +
                       "}\nlog: {level: warn}\n"
                       "l2tp:\n  host-name: lns-under-test\n" +
                       timers() +
                       "  local-gateways: [{name: lo, address: 127.0.0.1, port: 0}]\n"
                       "  tunnel-groups:\n"
                       "    - name: g\n"
                       "      hello-interval: 0\n" +
                       group_extra +
                       "      clients: [{host-name: lac-under-test, allowed-sources: [127.0.0.0/8], secret: \"" +
                       secret + "\"" + client_extra + "}]\n");
}

inline config::settings lac_settings(std::uint16_t lns_port, const std::string& secret, unsigned max_sessions,
                                     unsigned threads = 2, unsigned shards = 2, const std::string& extra = "",
                                     const std::string& dest_extra = "") {
  return settings_from("runtime: {threads: " + std::to_string(threads) + ", shards: " + std::to_string(shards) +
                       "}\nlog: {level: warn}\n"
                       "l2tp:\n  host-name: lac-under-test\n  destination-lockout: 1\n" +
                       timers() + extra +
                       "  local-gateways: [{name: lo, address: 127.0.0.1, port: 0}]\n"
                       "  destinations:\n"
                       "    - {name: lns, address: 127.0.0.1, port: " +
                       std::to_string(lns_port) + ", secret: \"" + secret +
                       "\", hello-interval: 0, max-sessions: " + std::to_string(max_sessions) + dest_extra + "}\n");
}

/// Waits until `pred` holds or `limit` passes.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 15s) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

}  // namespace bras

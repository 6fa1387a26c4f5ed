// What every actor of one brasd instance shares: the configuration (read
// only), the transport, the shard handles, and counters (atomics: no locks).
#pragma once

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "actors/transport.hpp"
#include "configs/config.hpp"
#include "protocol/l2tp/reliable.hpp"

namespace bras::actors {

/// Instance-wide counters, read by metrics and tests.
struct counters {
  std::atomic<std::uint64_t> rx_datagrams{0};
  std::atomic<std::uint64_t> rx_malformed{0};        ///< undecodable datagrams, dropped
  std::atomic<std::uint64_t> rx_unknown_tunnel{0};   ///< for no tunnel we know
  std::atomic<std::uint64_t> rx_unknown_session{0};  ///< session message for no session of the tunnel
  std::atomic<std::uint64_t> rx_wrong_peer{0};       ///< from an address other than the tunnel's peer
  std::atomic<std::uint64_t> rx_data_dropped{0};     ///< data messages (no data plane yet)
  std::atomic<std::uint64_t> tx_failures{0};
  std::atomic<std::uint64_t> tunnels_created{0};
  std::atomic<std::uint64_t> tunnels_established{0};
  std::atomic<std::uint64_t> tunnels_refused{0};
  std::atomic<std::uint64_t> tunnel_auth_failures{0};
  std::atomic<std::uint64_t> tunnels_failed{0};  ///< transport failure (retransmissions exhausted)
  std::atomic<std::uint64_t> tunnels_destroyed{0};
  std::atomic<std::uint64_t> sessions_created{0};
  std::atomic<std::uint64_t> sessions_established{0};
  std::atomic<std::uint64_t> sessions_refused{0};
  std::atomic<std::uint64_t> sessions_destroyed{0};
  std::atomic<std::uint64_t> fsm_protocol_errors{0};
  std::atomic<std::int64_t> tunnels_active{0};  ///< created, not yet destroyed
  std::atomic<std::int64_t> sessions_active{0};
};

/// Logs at most `burst` messages, then one per `interval`, per limiter.
class log_limiter {
 public:
  explicit log_limiter(std::chrono::steady_clock::duration interval = std::chrono::seconds{1}, int burst = 10)
      : interval_(interval), burst_(burst) {}
  [[nodiscard]] bool allow() noexcept;

 private:
  std::chrono::steady_clock::duration interval_;
  int burst_;
  std::atomic<std::int64_t> tokens_{0};
  std::atomic<std::int64_t> last_refill_{0};
};

struct context {
  config::settings cfg;
  std::shared_ptr<transport> tx;
  std::vector<caf::actor> shards;
  caf::actor lac;  ///< the LAC controller (tie-breaking asks it)
  counters stats;
  std::shared_ptr<spdlog::logger> log;  ///< "l2tp"
  log_limiter malformed_log;            ///< undecodable input
  log_limiter peer_log;                 ///< other events a remote peer can trigger at will (refusals)
  /// Tunnels per LAC client entry (index from policy.hpp), for max-tunnels.
  std::unique_ptr<std::atomic<int>[]> client_tunnels;
  /// Reliable-delivery settings from the configuration.
  [[nodiscard]] l2tp::reliable_config reliable(std::uint16_t receive_window) const;
};

using context_ptr = std::shared_ptr<context>;

/// Takes one unit of `counter` unless that would pass `limit` (0: no limit).
/// Check and increment are one atomic step, so concurrent callers on other
/// shards cannot overshoot the limit together.
[[nodiscard]] inline bool try_reserve(std::atomic<std::int64_t>& counter, std::uint64_t limit) noexcept {
  auto before = counter.fetch_add(1);
  if (limit != 0 && before >= static_cast<std::int64_t>(limit)) {
    counter.fetch_sub(1);
    return false;
  }
  return true;
}

/// The steady clock actors use for protocol timers.
inline l2tp::time_point now() {
  return l2tp::clock_type::now();
}

}  // namespace bras::actors

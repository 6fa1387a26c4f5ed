// What every actor of one brasd instance shares: the configuration (read
// only), the transport, the shard handles, and counters (atomics: no locks).
#pragma once

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "actors/session_table.hpp"
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
  // PPP and AAA
  std::atomic<std::uint64_t> auth_accepts{0};
  std::atomic<std::uint64_t> auth_rejects{0};
  std::atomic<std::uint64_t> aaa_timeouts{0};
  std::atomic<std::uint64_t> pool_exhausted{0};
  std::atomic<std::uint64_t> ppp_up{0};         ///< sessions whose first NCP opened
  std::atomic<std::int64_t> ppp_active{0};      ///< sessions with an NCP open now
  std::atomic<std::uint64_t> ppp_malformed{0};  ///< undecodable PPP control frames
  /// Sessions ended, by RFC 3145 cause (index = code, 0-20; the last slot counts anything larger).
  std::array<std::atomic<std::uint64_t>, 22> disconnect_causes{};
  // Data plane (aggregates; the per-session counters live in data_session)
  std::atomic<std::uint64_t> data_rx_packets{0};
  std::atomic<std::uint64_t> data_rx_bytes{0};
  std::atomic<std::uint64_t> data_tx_packets{0};
  std::atomic<std::uint64_t> data_tx_bytes{0};
  std::atomic<std::uint64_t> data_rx_unknown_session{0};  ///< data message for no session we know
  std::atomic<std::uint64_t> data_rx_spoofed{0};          ///< source address not the session's
  std::atomic<std::uint64_t> data_rx_not_up{0};           ///< IP before its NCP opened
  std::atomic<std::uint64_t> data_rx_malformed{0};
  std::atomic<std::uint64_t> data_tun_no_route{0};  ///< packet from tun for no session
  std::atomic<std::uint64_t> data_tun_write_errors{0};
  std::atomic<std::uint64_t> data_mss_clamped{0};
  std::atomic<std::uint64_t> data_fragmented{0};
  std::atomic<std::uint64_t> data_icmp_sent{0};
  std::atomic<std::uint64_t> data_tx_errors{0};
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
  caf::actor lac;              ///< the LAC controller (tie-breaking asks it)
  caf::actor aaa;              ///< authentication and address pools
  session_table sessions;      ///< what the data plane forwards for
  data_plane* data = nullptr;  ///< io's forwarding functions (set before the first session)
  counters stats;
  std::shared_ptr<spdlog::logger> log;      ///< "l2tp": tunnels, sessions, the LAC controller
  std::shared_ptr<spdlog::logger> ppp_log;  ///< "ppp": PPP negotiation and session ends
  std::shared_ptr<spdlog::logger> aaa_log;  ///< "aaa": authentication and address pools
  std::shared_ptr<spdlog::logger> io_log;   ///< "io": sockets and the tun device
  log_limiter malformed_log;                ///< undecodable input
  log_limiter peer_log;                     ///< other events a remote peer can trigger at will (refusals)
  log_limiter io_error_log;                 ///< socket and tun errors (a flood must not flood the log)
  /// Tunnels per LAC client entry (index from policy.hpp), for max-tunnels.
  std::unique_ptr<std::atomic<int>[]> client_tunnels;
  /// Sessions created so far: each session's interface unit is a base plus this.
  std::atomic<std::uint32_t> interface_units{0};
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

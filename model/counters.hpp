// The instance-wide counters: relaxed atomics the hot paths increment in
// place, read by the Prometheus export and the tests. Plain data, no CAF.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace bras::model {

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

}  // namespace bras::model

// One brasd instance's shared parts, owned by the daemon: the configuration
// (read only), the transport, the shard handles, counters (atomics: no
// locks), loggers and their limiters, and the data plane's session table
// (dataplane/, behind its own shared lock). No actor takes the whole of it:
// each gets a config struct, or a session_env / tunnel_env view, naming the
// parts it uses (see docs/architecture.md, "Actor interfaces").
#pragma once

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "actors/acct_session_id.hpp"
#include "actors/catalogue.hpp"
#include "actors/session_env.hpp"
#include "actors/session_sink.hpp"
#include "actors/timer_service.hpp"
#include "actors/transport.hpp"
#include "actors/tunnel_admission.hpp"
#include "actors/tunnel_env.hpp"
#include "configs/config.hpp"
#include "dataplane/session_table.hpp"
#include "model/counters.hpp"
#include "protocol/l2tp/reliable.hpp"
#include "protocol/ppp/server.hpp"

namespace bras::actors {

using model::counters;
// The data plane's names as the session actor has always used them.
using dataplane::data_plane;
using dataplane::data_session;
using dataplane::data_session_ptr;
using dataplane::session_table;

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

/// The instance (see the file comment); the daemon awaits every actor before it goes.
struct context {
  config::settings cfg;
  std::shared_ptr<transport> tx;
  std::vector<shard_actor> shards;
  lac_actor lac;                                ///< the LAC controller (tie-breaking asks it)
  aaa_actor aaa;                                ///< authentication and address pools
  radius_client_actor radius_auth;              ///< RADIUS authentication group (invalid: none configured)
  radius_client_actor radius_acct;              ///< RADIUS accounting group (invalid: none configured)
  accounting_actor accounting;                  ///< the accounting spool and records (invalid: no accounting)
  coa_actor coa;                                ///< CoA / Disconnect listener (invalid: off)
  std::unique_ptr<acct_session_ids> acct_ids;   ///< set before the first session when accounting is on
  std::atomic<bool> accounting_refuses{false};  ///< the spool is full under refuse-new-sessions
  session_table sessions;                       ///< what the data plane forwards for
  data_plane* forwarder = nullptr;  ///< the data plane's forwarding functions (set before the first session)
  counters stats;
  timer_service timers;  ///< the sessions' and tunnels' protocol timers (stopped once the actors are done)
  std::shared_ptr<spdlog::logger> log;      ///< "l2tp": tunnels, sessions, the LAC controller
  std::shared_ptr<spdlog::logger> ppp_log;  ///< "ppp": PPP negotiation and session ends
  std::shared_ptr<spdlog::logger> aaa_log;  ///< "aaa": authentication and address pools
  std::shared_ptr<spdlog::logger> io_log;   ///< "io": sockets and the tun device
  log_limiter malformed_log;                ///< undecodable input
  log_limiter peer_log;                     ///< other events a remote peer can trigger at will (refusals)
  log_limiter io_error_log;                 ///< socket and tun errors (a flood must not flood the log)
  /// Tunnels per LAC client entry (index from policy.hpp), for max-tunnels.
  std::unique_ptr<std::atomic<int>[]> client_tunnels;
  /// Per shard: datagrams the I/O thread and the acceptor sent it, not yet taken (its backlog metric:
  /// CAF 0.17's mailbox().size() walks the queue through a cast UBSan rejects).
  std::unique_ptr<std::atomic<std::int64_t>[]> shard_backlog;
  /// LNS: new tunnels from LACs under the set-up limits (set before the first shard).
  std::unique_ptr<tunnel_admission> admission;
  /// The L2TP capacity limits, from `cfg` at the start and from the file at each reload.
  live_limits limits;
  /// Sessions created so far: each session's interface unit is a base plus this.
  std::atomic<std::uint32_t> interface_units{0};
  /// The PPP settings every LNS session starts from (ppp_settings.hpp), converted from `cfg` once,
  /// on first use: `cfg` is set before the first session and not changed after.
  [[nodiscard]] const ppp::server_config& ppp_base() const;
  /// The per-session DHCPv6 server's settings (ppp_settings.hpp), built on first use like ppp_base().
  [[nodiscard]] const dhcpv6::server_config& dhcpv6_base() const;
  /// The parts the sessions use (session_env.hpp), built on first use like ppp_base().
  [[nodiscard]] const session_env& session_handles();
  /// The parts the tunnels use (tunnel_env.hpp), built on first use (`tx` must be set by then).
  [[nodiscard]] const tunnel_env& tunnel_handles();

 private:
  mutable std::once_flag ppp_base_once_;
  mutable ppp::server_config ppp_base_;
  mutable std::once_flag dhcpv6_once_;
  mutable dhcpv6::server_config dhcpv6_;
  std::once_flag session_env_once_;
  session_env session_env_;
  std::once_flag tunnel_env_once_;
  tunnel_env tunnel_env_;
};

using context_ptr = std::shared_ptr<context>;

/// Reliable-delivery settings from the configuration, with this receive window.
[[nodiscard]] l2tp::reliable_config reliable_config_of(const config::l2tp_settings& l2tp, std::uint16_t receive_window);

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

// What the session actors of one instance use of it: built once per
// instance and shared (sessions are many, so each holds one pointer rather
// than its own copy of every handle). Everything it points to is owned by
// the daemon, which awaits every actor before it goes.
#pragma once

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "actors/catalogue.hpp"
#include "configs/config.hpp"
#include "dataplane/session_table.hpp"
#include "model/counters.hpp"
#include "protocol/dhcpv6/server.hpp"
#include "protocol/ppp/server.hpp"

namespace bras::actors {

class log_limiter;
class acct_session_ids;
class timer_service;

struct session_env {
  const config::ppp_settings* ppp = nullptr;                ///< aaa-timeout, lcp-renegotiation, local-address, ...
  const config::data_plane_settings* data_plane = nullptr;  ///< the tun device and the MTU / MSS settings
  const config::l2tp_settings* l2tp = nullptr;              ///< iccn-timeout
  const ppp::server_config* ppp_base = nullptr;             ///< what every LNS session's PPP starts from
  const aaa_actor* aaa = nullptr;                           ///< read on use: a test may swap in a stand-in
  dataplane::session_table* sessions = nullptr;             ///< the data plane's table (add, bind, remove)
  dataplane::data_plane* const* forwarder = nullptr;        ///< read on use: set once the data path exists
  model::counters* stats = nullptr;
  /// The loggers' slots, read on use like `aaa` (a test may swap a logger in).
  const std::shared_ptr<spdlog::logger>* log_slot = nullptr;      ///< "l2tp"
  const std::shared_ptr<spdlog::logger>* ppp_log_slot = nullptr;  ///< "ppp"
  log_limiter* malformed_log = nullptr;
  log_limiter* peer_log = nullptr;
  std::atomic<std::uint32_t>* interface_units = nullptr;  ///< sessions created so far (unit numbers)
  timer_service* timers = nullptr;                        ///< the PPP, RA, lifetime, interim and AAA-deadline timers
  /// RADIUS accounting: where sessions report Start/Interim/Stop (read on use; an invalid handle: no
  /// accounting), their Acct-Session-Ids (null: none), and the default interim interval.
  const accounting_actor* accounting = nullptr;
  acct_session_ids* acct_ids = nullptr;
  const config::radius_settings* radius = nullptr;
  /// IPv6 beyond IPv6CP: Router Advertisements and the per-session DHCPv6 server (null: neither).
  const config::ipv6_settings* ipv6 = nullptr;
  const dhcpv6::server_config* dhcpv6 = nullptr;  ///< built once: the Server Identifier, lifetimes, DNS

  [[nodiscard]] spdlog::logger* log() const noexcept { return log_slot->get(); }
  [[nodiscard]] spdlog::logger* ppp_log() const noexcept { return ppp_log_slot->get(); }
};

}  // namespace bras::actors

// What the tunnel actors of one instance use of it: built once per instance
// and shared, like session_env. Everything it points to is owned by the
// daemon, which awaits every actor before it goes.
#pragma once

#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>

#include "actors/catalogue.hpp"
#include "actors/live_limits.hpp"
#include "actors/session_env.hpp"
#include "actors/transport.hpp"
#include "configs/config.hpp"
#include "model/counters.hpp"

namespace bras::actors {

class log_limiter;
class tunnel_admission;
class timer_service;

struct tunnel_env {
  const config::l2tp_settings* l2tp = nullptr;  ///< host name, gateways, clients, destinations
  const live_limits* limits = nullptr;  ///< max-tunnels, max-sessions, max-sessions-in-setup (a reload changes them)
  const config::data_plane_settings* data_plane = nullptr;  ///< the tun device's name (the LNS's interface)
  transport* tx = nullptr;                                  ///< sends the control and data messages
  model::counters* stats = nullptr;
  std::atomic<int>* client_tunnels = nullptr;  ///< tunnels per LAC client entry (client_match.hpp's index)
  tunnel_admission* admission = nullptr;       ///< LNS: the set-up limits a tunnel leaves when established or gone
  const lac_actor* lac = nullptr;              ///< the LAC controller (tie-breaks); read on use
  const std::shared_ptr<spdlog::logger>* log_slot = nullptr;  ///< "l2tp", read on use like the sessions' loggers
  log_limiter* malformed_log = nullptr;
  log_limiter* peer_log = nullptr;
  const session_env* sessions = nullptr;  ///< what its sessions use
  timer_service* timers = nullptr;        ///< the control channel's retransmission and acknowledgement timers

  [[nodiscard]] spdlog::logger* log() const noexcept { return log_slot->get(); }
};

}  // namespace bras::actors

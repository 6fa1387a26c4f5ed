// The PPPoE access actor (LAC): one per instance. Hosts the Discovery engine
// (protocol/pppoe/access_concentrator.hpp) for every access port and carries
// out its effects: PADO/PADS/PADT out through the frame sender (a delayed
// PADO through its own mailbox), every code and refusal counted, refusals
// logged rate-limited, the cookie secret rotated every cookie lifetime. At
// PADS it creates the session's data-plane entry (its pppoe leg) and spawns
// the PPPoE session actor; when that ends it frees the ID (PADT unless the
// subscriber sent one). SIGTERM ends every session with a PADT.
#pragma once

#include <caf/all.hpp>

#include <memory>

#include "actors/pppoe_session.hpp"
#include "actors/pppoe_sinks.hpp"
#include "dataplane/access.hpp"
#include "protocol/pppoe/access_concentrator.hpp"

namespace bras::actors {

/// What the access actor uses; the pointers are not null and outlive it (the daemon owns them).
struct pppoe_access_config {
  const config::pppoe_settings* pppoe = nullptr;
  dataplane::frame_sender* sender = nullptr;  ///< the access ports (io::access_ports): frames out, port MACs
  dataplane::session_table* sessions = nullptr;
  access_discovery_sink* sink = nullptr;  ///< told when a Discovery frame is taken off the mailbox
  model::counters* stats = nullptr;
  std::shared_ptr<spdlog::logger> log;               ///< "ppp"
  std::shared_ptr<const pppoe_session_env> session;  ///< shared by the session actors
};

/// The access concentrator's settings from the configuration and the ports' MACs.
[[nodiscard]] pppoe::ac_config ac_config_of(const config::pppoe_settings& s, const dataplane::frame_sender& sender);

pppoe_access_actor spawn_pppoe_access(caf::actor_system& sys, pppoe_access_config cfg);

}  // namespace bras::actors

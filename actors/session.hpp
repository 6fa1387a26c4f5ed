// The session actor: one per L2TP session (call), either role. Runs the
// RFC 2661 §7.4 incoming-call table and builds ICRQ/ICRP/ICCN/CDN, which
// its tunnel sends on the reliable channel.
#pragma once

#include <caf/all.hpp>

#include <cstdint>

#include "actors/context.hpp"
#include "actors/messages.hpp"

namespace bras::actors {

enum class session_role : std::uint8_t { lns, lac };

struct session_args {
  context_ptr ctx;
  caf::actor tunnel;
  session_role role = session_role::lns;
  std::uint16_t local_tunnel_id = 0;
  std::uint16_t local_id = 0;
  std::uint16_t peer_id = 0;  ///< LNS: from the ICRQ; LAC: learnt from the ICRP
  std::uint32_t call_serial = 0;
  call_request call;     ///< LAC: what to put in ICRQ/ICCN
  caf::actor requester;  ///< LAC: receives call_result / call_cleared
};

/// Spawns a session actor.
caf::actor spawn_session(caf::actor_system& sys, session_args args);

}  // namespace bras::actors

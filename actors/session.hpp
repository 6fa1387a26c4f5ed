// The session actor: one per L2TP session (call), either role. Runs the
// RFC 2661 §7.4 incoming-call table and builds ICRQ/ICRP/ICCN/CDN, which
// its tunnel sends on the reliable channel. On the LNS it terminates PPP
// (protocol/ppp/server.hpp), asks the AAA actor, and publishes its
// addresses to the data plane; on the LAC it relays PPP frames between the
// subscriber and the tunnel.
#pragma once

#include <caf/all.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "actors/catalogue.hpp"
#include "actors/context.hpp"

namespace bras::actors {

enum class session_role : std::uint8_t { lns, lac };

struct session_args {
  const session_env* env = nullptr;  ///< what the session uses of the instance (not null)
  tunnel_actor tunnel;               ///< its tunnel: session_send, session_gone
  session_role role = session_role::lns;
  std::uint16_t local_tunnel_id = 0;
  std::uint16_t local_id = 0;
  std::uint16_t peer_id = 0;         ///< LNS: from the ICRQ; LAC: learnt from the ICRP
  std::uint16_t peer_tunnel_id = 0;  ///< the tunnel's peer ID (the data messages' Tunnel ID)
  std::uint16_t gateway = 0;         ///< local gateway of the tunnel
  udp_peer peer;                     ///< the tunnel's peer
  /// LNS: the tunnel group (else the peer's host name): NAS-Port-Id's prefix when the LAC sent no
  /// Agent-Circuit-Id. One string for all the tunnel's sessions; null: none.
  std::shared_ptr<const std::string> tunnel_name;
  std::uint32_t call_serial = 0;
  call_request call;               ///< LAC: what to put in ICRQ/ICCN
  bool sequencing = false;         ///< LAC: send Sequencing Required (AVP 39) in the ICCN and Ns on data
  call_requester_actor requester;  ///< LAC: receives call_result / call_cleared
};

/// The LAC's part of a session: the call it places for its requester (none on the LNS, whose
/// sessions are the many: they do not carry this).
struct session_lac_part {
  call_request call;
  bool sequencing = false;
  call_requester_actor requester;
};

/// What a running session and its components know of it: the spawn arguments, with the
/// LAC's call moved behind a pointer (null on the LNS) so an LNS session stays small.
struct session_ident {
  const session_env* env = nullptr;
  tunnel_actor tunnel;
  session_role role = session_role::lns;
  std::uint16_t local_tunnel_id = 0;
  std::uint16_t local_id = 0;
  std::uint16_t peer_id = 0;
  std::uint16_t peer_tunnel_id = 0;
  std::uint16_t gateway = 0;
  udp_peer peer;
  std::shared_ptr<const std::string> tunnel_name;
  std::unique_ptr<session_lac_part> lac;  ///< LAC only
};

/// Spawns a session actor.
session_actor spawn_session(caf::actor_system& sys, session_args args);

}  // namespace bras::actors

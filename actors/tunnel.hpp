// The tunnel actor: one per L2TP control connection, either role. It owns
// the reliable channel (Ns/Nr, retransmission, ZLB acks), runs the RFC 2661
// §7.2 table, authenticates the peer, and routes session messages to its
// session actors (it allocates their IDs: session IDs are per tunnel).
#pragma once

#include <caf/all.hpp>

#include <cstdint>
#include <optional>

#include "actors/catalogue.hpp"
#include "actors/tunnel_env.hpp"

namespace bras::actors {

enum class tunnel_role : std::uint8_t { lns, lac };

struct tunnel_args {
  const tunnel_env* env = nullptr;  ///< what it uses of the instance (not null)
  shard_actor shard;
  tunnel_role role = tunnel_role::lns;
  std::uint16_t local_id = 0;
  std::uint16_t gateway = 0;
  udp_peer peer;
  std::optional<tunnel_key> key;       ///< LNS: the key the shard registered the tunnel under
  l2tp::tunnel_candidate destination;  ///< LAC: the LNS (configured or from AAA)
  lac_actor lac;                       ///< LAC: the controller to tell about sessions and the tunnel's end
  std::uint64_t tie_breaker = 0;       ///< LAC: our Tie Breaker AVP value (RFC 2661 §4.4.3)
  /// LNS: the source address the shard admitted the tunnel for (tunnel_admission): given back when
  /// the tunnel is established or ends before that.
  std::optional<std::uint32_t> admitted_source;
};

/// Spawns a tunnel actor. LAC tunnels start dialling at once.
tunnel_actor spawn_tunnel(caf::actor_system& sys, tunnel_args args);

}  // namespace bras::actors

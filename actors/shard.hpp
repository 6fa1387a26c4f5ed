// A shard owns a slice of the tunnel ID space (id % shards == index), the
// tunnel actors with those IDs, and the routing table from tunnel ID (and,
// while a tunnel is being set up, from its tunnel_key) to actor. Shards share
// nothing: the I/O layer and the acceptor pick the shard from the ID or key.
#pragma once

#include <caf/all.hpp>

#include "actors/context.hpp"
#include "actors/messages.hpp"

namespace bras::actors {

using open_tunnel_atom = caf::atom_constant<caf::atom("open_tun")>;  ///< lac -> shard: new LAC tunnel
                                                                     ///< (destination, lac, tie breaker),
                                                                     ///< answered with open_tunnel_result

/// shard -> lac: the tunnel opened for (open_tunnel_atom, destination, lac,
/// tie_breaker), which it echoes, or why none was.
struct open_tunnel_result {
  std::size_t destination = 0;
  std::uint64_t tie_breaker = 0;
  std::uint16_t local_tunnel_id = 0;
  caf::actor tunnel;  ///< none when refused
  caf::error error;   ///< why it was refused
};

/// Spawns shard `index` of `ctx->cfg.shards`. `lac` receives LAC tunnels' ends.
caf::actor spawn_shard(caf::actor_system& sys, context_ptr ctx, std::uint16_t index);

/// The shard for a tunnel being set up (no tunnel ID of ours yet).
[[nodiscard]] std::size_t shard_of(const tunnel_key& key, std::size_t shards) noexcept;

}  // namespace bras::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::open_tunnel_result)

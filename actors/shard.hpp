// A shard owns a slice of the tunnel ID space (id % shards == index), the
// tunnel actors with those IDs, and the routing table from tunnel ID (and,
// while a tunnel is being set up, from its tunnel_key) to actor. Shards share
// nothing: the I/O layer and the acceptor pick the shard from the ID or key.
#pragma once

#include <caf/all.hpp>

#include "actors/catalogue.hpp"
#include "actors/context.hpp"

namespace bras::actors {

/// Spawns shard `index` of `ctx->cfg.shards`. `lac` receives LAC tunnels' ends.
shard_actor spawn_shard(caf::actor_system& sys, context_ptr ctx, std::uint16_t index);

/// The shard for a tunnel being set up (no tunnel ID of ours yet).
[[nodiscard]] std::size_t shard_of(const tunnel_key& key, std::size_t shards) noexcept;

}  // namespace bras::actors

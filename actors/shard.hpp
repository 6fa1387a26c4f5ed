// A shard owns a slice of the tunnel ID space (id % shards == index), the
// tunnel actors with those IDs, and the routing table from tunnel ID (and,
// while a tunnel is being set up, from its tunnel_key) to actor. Shards share
// nothing: the I/O layer and the acceptor pick the shard from the ID or key.
#pragma once

#include <caf/all.hpp>

#include "actors/catalogue.hpp"
#include "actors/context.hpp"
#include "actors/tunnel_env.hpp"

namespace bras::actors {

/// What a shard uses. The pointers are not null and outlive the actor (the
/// daemon owns them and awaits every actor before it goes).
struct shard_config {
  std::uint16_t index = 0;                      ///< this shard: it allocates the IDs with id % shards == index
  std::uint16_t shards = 1;                     ///< how many there are
  const config::l2tp_settings* l2tp = nullptr;  ///< destinations and gateways (LAC tunnels)
  counters* stats = nullptr;            ///< tunnels_active (under max-tunnels: tunnels->limits) and what it drops
  std::shared_ptr<spdlog::logger> log;  ///< "l2tp"
  log_limiter* malformed_log = nullptr;
  const tunnel_env* tunnels = nullptr;    ///< what the tunnels it spawns use
  tunnel_admission* admission = nullptr;  ///< the set-up limits a new tunnel from a LAC must pass
  /// Datagrams (and SCCRQs) sent to this shard and not yet taken: the senders count up, the shard down.
  std::atomic<std::int64_t>* backlog = nullptr;
};

/// Spawns shard `cfg.index` of `cfg.shards`.
shard_actor spawn_shard(caf::actor_system& sys, shard_config cfg);

/// The shard for a tunnel being set up (no tunnel ID of ours yet).
[[nodiscard]] std::size_t shard_of(const tunnel_key& key, std::size_t shards) noexcept;

}  // namespace bras::actors

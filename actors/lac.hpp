// The LAC controller: the internal call API. A call_request picks an LNS
// destination (lowest preference first, weighted among equals, skipping
// destinations locked out after a failure), reuses a tunnel to it with room
// or has a shard open a new one, and places the call there. It answers the
// requester with call_result, and later call_cleared.
#pragma once

#include <caf/all.hpp>

#include "actors/catalogue.hpp"
#include "actors/context.hpp"

namespace bras::actors {

/// What the LAC controller uses. The pointer is not null and outlives the
/// actor (the daemon owns it and awaits every actor before it goes).
struct lac_config {
  const config::l2tp_settings* l2tp = nullptr;  ///< the destinations and their lockout
  std::vector<shard_actor> shards;              ///< asked in turn to open tunnels
  std::shared_ptr<spdlog::logger> log;          ///< "l2tp"
};

lac_actor spawn_lac(caf::actor_system& sys, lac_config cfg);

}  // namespace bras::actors

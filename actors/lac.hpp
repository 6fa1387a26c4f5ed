// The LAC controller: the internal call API. A call_request's candidates
// come from AAA or from the domain map (lac_candidates.hpp); the selector
// (protocol/l2tp/lac_selection.hpp) picks a destination (lowest preference
// level first, weighted or round-robin within it, skipping destinations locked
// out after a failure); the call reuses a tunnel to it with room or has a
// shard open a new one. Calls given back by a tunnel that failed are placed
// again elsewhere. It answers the requester with call_result, later call_cleared.
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
  std::uint64_t seed = 0;                       ///< the selection's random generator; 0: from random_device
};

lac_actor spawn_lac(caf::actor_system& sys, lac_config cfg);

}  // namespace bras::actors

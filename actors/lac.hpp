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

lac_actor spawn_lac(caf::actor_system& sys, context_ptr ctx);

}  // namespace bras::actors

// The acceptor: control messages with Tunnel ID 0 (an SCCRQ, or a StopCCN
// from a peer that never learnt our ID). It reads the peer's Assigned Tunnel
// ID and hands the message to the shard that owns that tunnel key. Stateless,
// so the I/O thread never decodes AVPs.
#pragma once

#include <caf/all.hpp>

#include "actors/catalogue.hpp"
#include "actors/context.hpp"

namespace bras::actors {

acceptor_actor spawn_acceptor(caf::actor_system& sys, context_ptr ctx);

}  // namespace bras::actors

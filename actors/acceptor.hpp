// The acceptor: control messages with Tunnel ID 0 (an SCCRQ, or a StopCCN
// from a peer that never learnt our ID). It reads the peer's Assigned Tunnel
// ID and hands the message to the shard that owns that tunnel key. Stateless,
// so the I/O thread never decodes AVPs.
#pragma once

#include <caf/all.hpp>

#include "actors/catalogue.hpp"
#include "actors/context.hpp"

namespace bras::actors {

/// What the acceptor uses. The pointers are not null and outlive the actor
/// (the daemon owns them and awaits every actor before it goes).
struct acceptor_config {
  const config::l2tp_settings* l2tp = nullptr;  ///< gateways and clients (a hidden AVP needs the client's secret)
  std::vector<shard_actor> shards;              ///< where each tunnel key goes (shard_of)
  counters* stats = nullptr;                    ///< rx_malformed
  std::shared_ptr<spdlog::logger> log;          ///< "l2tp"
  log_limiter* malformed_log = nullptr;
  std::atomic<std::int64_t>* shard_backlog = nullptr;  ///< per shard: counted up for each SCCRQ sent to it
};

acceptor_actor spawn_acceptor(caf::actor_system& sys, acceptor_config cfg);

}  // namespace bras::actors

// The CoA / Disconnect-Message server (RFC 5176): listens on the configured
// port, accepts requests only from configured clients with a correct
// authenticator and an Event-Timestamp inside the replay window (a retransmitted
// request is answered again from a short cache, not acted on twice), finds the
// sessions through the query actor's clear path, and answers ACK or NAK with
// the right Error-Cause. Disconnect ends the sessions (CDN with the RFC 3145
// administrative cause, then their Stop); CoA changes their timeouts and
// interim interval.
#pragma once

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <memory>
#include <string>
#include <variant>

#include "actors/catalogue.hpp"
#include "actors/radius_transport.hpp"
#include "configs/config.hpp"
#include "protocol/radius/attributes.hpp"

namespace bras::actors {

struct coa_config {
  std::shared_ptr<radius_transport> transport;
  model::udp_peer listen;
  std::vector<config::coa_client_settings> clients;
  std::chrono::seconds replay_window{300};
  query_actor query;         ///< finds, ends and changes sessions (clear_atom, clear_request)
  radius::nas_identity nas;  ///< a request naming another NAS is NAK'd (403)
  std::shared_ptr<spdlog::logger> log;
};

/// Spawns the server and opens its port (the error if it cannot).
[[nodiscard]] std::variant<coa_actor, std::string> spawn_coa_server(caf::actor_system& sys, coa_config cfg);

}  // namespace bras::actors

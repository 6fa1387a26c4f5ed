// The RADIUS client actor (one per server group: authentication, accounting):
// takes radius_call requests, queues them (bounded) until a server has room,
// seals each attempt for its server (identifier from the source port's
// space, random authenticator, hidden password, Message-Authenticator),
// retransmits on timeout, fails over to the next server, marks dead servers
// and probes them with Status-Server, and checks every reply (Response
// Authenticator, Message-Authenticator by the server's setting). Datagrams
// come and go through radius_transport (io/).
#pragma once

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <memory>

#include "actors/catalogue.hpp"
#include "actors/radius_transport.hpp"
#include "configs/config.hpp"
#include "protocol/radius/attributes.hpp"
#include "protocol/radius/server_group.hpp"

namespace bras::actors {

struct radius_client_config {
  radius_service service = radius_service::authentication;
  radius::group_config group;
  std::shared_ptr<radius_transport> transport;
  std::uint32_t source_address = 0;  ///< bind address of the source ports (host order); 0: any
  std::size_t queue_limit = 4096;    ///< waiting requests; beyond, a call is answered "queue-full" at once
  radius::nas_identity nas;          ///< in Status-Server probes
  std::shared_ptr<spdlog::logger> log;  ///< "aaa"
};

/// Spawns the client; it opens its first source port at once (the error if it cannot).
[[nodiscard]] std::variant<radius_client_actor, std::string> spawn_radius_client(caf::actor_system& sys,
                                                                                 radius_client_config cfg);

/// The group settings of the configuration, as the pure server group takes them.
[[nodiscard]] radius::group_config group_config_of(const config::radius_group_settings& g);

}  // namespace bras::actors

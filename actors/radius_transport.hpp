// The UDP sockets RADIUS uses, as the actors see them (io/radius_socket.*
// implements it): the client opens source ports (256 identifiers each) and
// the CoA server its listening port; every datagram received on one goes to
// the actor that opened it as radius_datagram. Safe to call from any actor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "actors/catalogue.hpp"
#include "model/endpoint.hpp"
#include "protocol/common/bytes.hpp"

namespace bras::actors {

/// Where a socket's datagrams go.
using radius_receiver = std::variant<radius_client_actor, coa_actor>;

class radius_transport {
 public:
  virtual ~radius_transport() = default;
  /// Binds a UDP socket to `local` (port 0: an ephemeral port) and starts receiving into `to`.
  /// Returns its index, or why it failed ("bind 127.0.0.1:3799: Address already in use").
  virtual std::variant<std::uint32_t, std::string> open(model::udp_peer local, radius_receiver to) = 0;
  /// Sends one datagram from socket `socket`; false if it could not be sent (counted by the caller).
  virtual bool send(std::uint32_t socket, model::udp_peer to, wire::byte_span data) noexcept = 0;
  /// The address and port socket `socket` is bound to.
  [[nodiscard]] virtual model::udp_peer local(std::uint32_t socket) const noexcept = 0;
};

}  // namespace bras::actors

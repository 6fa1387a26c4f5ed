// The seam between actors and io/: actors send datagrams through this
// interface; io/udp implements it over real sockets, tests with fakes.
#pragma once

#include <cstdint>

#include "model/endpoint.hpp"
#include "protocol/common/bytes.hpp"

namespace bras::actors {

using model::udp_peer;

/// Sends datagrams from one of the configured local gateways. Thread-safe:
/// any actor may call it from any worker thread.
class transport {
 public:
  virtual ~transport() = default;
  /// Sends `data` to `peer` from local gateway `gateway`; false when the
  /// datagram could not be handed to the kernel (counted by the caller).
  virtual bool send(std::uint16_t gateway, udp_peer peer, wire::byte_span data) noexcept = 0;
  /// The address and port of local gateway `gateway`.
  [[nodiscard]] virtual udp_peer local(std::uint16_t gateway) const noexcept = 0;
};

}  // namespace bras::actors

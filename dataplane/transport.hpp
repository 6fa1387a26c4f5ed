// The seams between the data plane and the sockets: datagrams go out through
// `transport` (io/udp implements it over real sockets, tests with fakes), IP
// packets to the kernel through `packet_writer` (io/tun). Both are called from
// any thread: the I/O thread on the fast path, CAF workers on the actor path.
#pragma once

#include <cstdint>

#include "model/endpoint.hpp"
#include "protocol/common/bytes.hpp"

namespace bras::dataplane {

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

/// Writes IP packets towards the kernel (the tun device). Thread-safe.
class packet_writer {
 public:
  virtual ~packet_writer() = default;
  /// Writes one IP packet; false when the kernel did not take it (queue full, down).
  virtual bool write(wire::byte_span packet) noexcept = 0;
};

}  // namespace bras::dataplane

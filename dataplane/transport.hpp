// The seams between the data plane and the sockets: datagrams go out through
// `transport` (io/udp implements it over real sockets, tests with fakes), IP
// packets to the kernel through `packet_writer` (io/tun). Both are called from
// any thread: the I/O thread on the fast path, CAF workers on the actor path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "model/endpoint.hpp"
#include "protocol/common/bytes.hpp"

namespace bras::dataplane {

using model::udp_peer;

/// One datagram of a burst: where to, what, and whether the kernel took it.
struct outgoing {
  udp_peer peer;
  wire::byte_span data;
  bool sent = false;  ///< set by transport::send_batch
};

/// Sends datagrams from one of the configured local gateways. Thread-safe:
/// any actor may call it from any worker thread.
class transport {
 public:
  virtual ~transport() = default;
  /// Sends `data` to `peer` from local gateway `gateway`; false when the
  /// datagram could not be handed to the kernel (counted by the caller).
  virtual bool send(std::uint16_t gateway, udp_peer peer, wire::byte_span data) noexcept = 0;
  /// Sends a burst from local gateway `gateway`, in order, marking each datagram the kernel took
  /// (`sent`); returns how many it took. The rest are the caller's to count. io/udp does it with
  /// sendmmsg; this default sends one at a time.
  virtual std::size_t send_batch(std::uint16_t gateway, std::span<outgoing> burst) noexcept {
    std::size_t taken = 0;
    for (auto& d : burst) {
      d.sent = send(gateway, d.peer, d.data);
      taken += d.sent ? 1 : 0;
    }
    return taken;
  }
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

// The seams between the PPPoE data plane and the access interfaces: Ethernet
// frames go out through `frame_sender` (io/packet_socket implements it over
// AF_PACKET, tests with fakes); Discovery frames and the PPP frames of
// sessions that are not relaying yet go up through the sinks the layer above
// implements (actors/: the PPPoE access actor's and the session's mailboxes).
#pragma once

#include <cstdint>

#include "protocol/common/bytes.hpp"
#include "protocol/pppoe/ethernet.hpp"

namespace bras::dataplane {

/// Sends whole Ethernet frames (no FCS) out access interface `port` (the
/// index of pppoe.interfaces). Thread-safe: the I/O thread and any actor.
class frame_sender {
 public:
  virtual ~frame_sender() = default;
  /// False when the kernel did not take the frame (counted by the caller).
  virtual bool send(std::uint16_t port, wire::byte_span frame) noexcept = 0;
  /// The interface's MAC address (the source of everything we send on it).
  [[nodiscard]] virtual eth::mac_address mac(std::uint16_t port) const noexcept = 0;
};

/// Where PPPoE Discovery frames go (PADI, PADR, PADT from subscribers).
/// Called from the I/O thread; the implementation only queues.
class discovery_sink {
 public:
  virtual ~discovery_sink() = default;
  /// `hdr` is the decoded Ethernet header (VLAN tags included); `pppoe` the
  /// bytes after it (PPPoE header onwards).
  virtual void discovery(std::uint16_t port, const eth::header& hdr, wire::byte_span pppoe) noexcept = 0;
};

}  // namespace bras::dataplane

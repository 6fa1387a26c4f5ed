// Subscriber IP forwarding between L2TP data messages and the tun device.
//
// Two designs, chosen by data-plane.mode per direction and measured against each other
// (docs/benchmarks.md): on the fast path the I/O thread does everything for
// an IP packet (session lookup, anti-spoofing, MSS clamping, MTU handling,
// encapsulation, counters in place); on the actor path it only looks the
// session up and hands every packet to the session actor, which calls the
// same functions. PPP control frames always go to the session actor. The
// default (split) uses the faster design of each direction: the fast path
// upstream, the actors downstream, where spreading sendto() over the CAF
// workers beats one I/O thread that also reads tun.
#pragma once

#include <cstdint>
#include <memory>

#include "actors/context.hpp"
#include "actors/session_table.hpp"
#include "io/tun.hpp"

namespace bras::io {

class data_path final : public actors::data_plane {
 public:
  /// `tun` may be null (control plane only: IP packets are counted and dropped).
  data_path(actors::context& ctx, actors::transport& tx, tun_device* tun);

  /// I/O thread: an L2TP data message (T=0). False when it is for no session
  /// we know (the caller passes it on, to be counted).
  bool from_l2tp(std::uint16_t gateway, model::udp_peer peer, wire::byte_span datagram) noexcept;
  /// I/O thread: a packet read from tun.
  void from_tun(wire::byte_span packet) noexcept;

  void from_subscriber(actors::data_session& s, bool ipv6, wire::byte_span packet) noexcept override;
  void to_subscriber(actors::data_session& s, wire::byte_span packet) noexcept override;
  void send_frame(actors::data_session& s, wire::byte_span frame) noexcept override;

 private:
  /// Sends `payload` (a PPP frame, or an IP packet when `protocol` is nonzero) in a data message.
  void send_data(actors::data_session& s, std::uint16_t protocol, wire::byte_span payload) noexcept;
  void send_ip(actors::data_session& s, bool ipv6, wire::byte_span packet) noexcept;

  actors::context& ctx_;
  actors::transport& tx_;
  tun_device* tun_;
  bool fast_up_;    ///< subscriber -> tun handled on the I/O thread
  bool fast_down_;  ///< tun -> subscriber handled on the I/O thread
  std::atomic<std::uint16_t> icmp_id_{0};
};

}  // namespace bras::io

// The session's IPv6 link beyond IPv6CP (a component of the session actor,
// next to ppp_host; LNS only): once IPv6CP is up it routes the session's /64
// in the data plane and advertises it (Router Advertisements at set-up, then
// periodically, and in answer to Router Solicitations, RFC 4861 §6.2.4 and
// §6.2.6), runs the session's DHCPv6 server (protocol/dhcpv6/server.hpp),
// routing the delegated prefix while it is bound, and answers ICMPv6 Echo to
// its link-local address. Packets from the subscriber for the router itself
// (link-local and multicast destinations) reach it through the session actor.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "actors/messages.hpp"
#include "actors/session_env.hpp"
#include "protocol/common/bytes.hpp"
#include "protocol/dhcpv6/server.hpp"
#include "protocol/ip/ipv6_prefix.hpp"

namespace bras::actors {

class ipv6_host {
 public:
  /// How the component sends a packet to the subscriber (the PPP host frames it as IPv6).
  using send_function = std::function<void(wire::byte_span packet)>;

  ipv6_host(session_actor::pointer self, const session_env& env, send_function send)
      : self_(self), env_(env), send_(std::move(send)) {}

  /// AAA's verdict: the prefixes the session may use (before IPv6CP is up).
  void assigned(const std::optional<ip::ipv6_prefix>& link, const std::optional<ip::ipv6_prefix>& delegated);
  /// IPv6CP opened with these interface identifiers: route the /64, advertise it.
  void up(const dataplane::data_session_ptr& data, std::uint64_t our_interface_id, std::uint16_t mtu);
  /// IPv6CP closed or the session ends: unroute both prefixes, stop advertising.
  void down();
  /// A packet from the subscriber for the router (ip::nd::classify() said so).
  void receive(wire::byte_span packet);
  /// The RA timer of this generation is due: the next unsolicited RA, unless it was re-armed since.
  void timer_expired(std::uint32_t generation);
  /// The IPv6 part of the session's snapshot.
  void fill(session_snapshot& s) const;

 private:
  void advertise(const ip::ipv6_address& to, bool solicited);
  void arm_next();
  void dhcpv6(wire::byte_span packet);

  void route_delegated(bool on);

  session_actor::pointer self_;
  const session_env& env_;
  send_function send_;
  dataplane::data_session_ptr data_;
  std::optional<ip::ipv6_prefix> link_, delegated_;
  dhcpv6::binding dhcp_;
  ip::ipv6_address ours_{};  ///< our link-local address
  std::uint16_t mtu_ = 0;
  bool up_ = false;
  bool delegated_routed_ = false;  ///< the delegated prefix is in the data plane (counted in dhcpv6_bound)
  std::uint32_t generation_ = 0;
  unsigned initial_left_ = 0;  ///< initial unsolicited RAs still to send
  std::optional<std::chrono::steady_clock::time_point> last_solicited_;
  std::uint64_t ra_sent_ = 0, rs_received_ = 0, dhcpv6_received_ = 0, dhcpv6_sent_ = 0;
};

}  // namespace bras::actors

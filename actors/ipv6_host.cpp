#include "actors/ipv6_host.hpp"

namespace bras::actors {

// Placeholder (contract step).
void ipv6_host::assigned(const std::optional<ip::ipv6_prefix>& link, const std::optional<ip::ipv6_prefix>& delegated) {
  link_ = link;
  delegated_ = delegated;
}
void ipv6_host::up(const dataplane::data_session_ptr& data, std::uint64_t, std::uint16_t mtu) {
  data_ = data;
  mtu_ = mtu;
  up_ = true;
}
void ipv6_host::down() {
  up_ = false;
}
void ipv6_host::receive(wire::byte_span) {}
void ipv6_host::timer_expired(const ipv6_timer&) {}
void ipv6_host::fill(session_snapshot&) const {}
void ipv6_host::advertise(const ip::ipv6_address&, bool) {}
void ipv6_host::arm_next() {}
void ipv6_host::dhcpv6(wire::byte_span) {}

}  // namespace bras::actors

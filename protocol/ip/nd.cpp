// Placeholder (contract step): the helper implementing nd.hpp replaces this file.
#include "protocol/ip/nd.hpp"

namespace bras::ip::nd {

ipv6_address all_nodes() noexcept {
  return from_halves(0xff02000000000000ULL, 1);
}
ipv6_address all_routers() noexcept {
  return from_halves(0xff02000000000000ULL, 2);
}
ipv6_address all_dhcp_servers() noexcept {
  return from_halves(0xff02000000000000ULL, 0x10002);
}
local_kind classify(wire::byte_span) noexcept {
  return local_kind::forward;
}
wire::bytes encode_router_advertisement(const ipv6_address&, const ipv6_address&, const router_advertisement&) {
  return {};
}
wire::result<router_advertisement> decode_router_advertisement(wire::byte_span) {
  return wire::error{"not implemented", 0};
}
wire::result<router_solicitation> decode_router_solicitation(wire::byte_span) {
  return wire::error{"not implemented", 0};
}
wire::bytes encode_router_solicitation(const ipv6_address&) {
  return {};
}
wire::bytes make_echo_reply(wire::byte_span, const ipv6_address&) {
  return {};
}
wire::bytes make_echo_request(const ipv6_address&, const ipv6_address&, std::uint16_t, std::uint16_t, std::size_t) {
  return {};
}
std::optional<echo> parse_echo_reply(wire::byte_span) {
  return std::nullopt;
}
wire::result<udp_datagram> decode_udp(wire::byte_span) {
  return wire::error{"not implemented", 0};
}
wire::bytes encode_udp(const ipv6_address&, const ipv6_address&, std::uint16_t, std::uint16_t, wire::byte_span,
                       std::uint8_t) {
  return {};
}

}  // namespace bras::ip::nd

// Placeholder (contract step): the helper implementing client.hpp replaces this file.
#include "protocol/dhcpv6/client.hpp"

namespace bras::dhcpv6 {

wire::bytes make_solicit(std::uint32_t, const wire::bytes&, std::uint32_t, bool) {
  return {};
}
wire::bytes make_request(std::uint32_t, const wire::bytes&, const client_lease&) {
  return {};
}
wire::bytes make_renew(std::uint32_t, const wire::bytes&, const client_lease&) {
  return {};
}
wire::bytes make_release(std::uint32_t, const wire::bytes&, const client_lease&) {
  return {};
}
wire::result<client_offer> read_offer(wire::byte_span, std::uint32_t, const wire::bytes&) {
  return wire::error{"not implemented", 0};
}

}  // namespace bras::dhcpv6

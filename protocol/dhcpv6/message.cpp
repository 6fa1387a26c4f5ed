// Placeholder (contract step): the helper implementing message.hpp replaces this file.
#include "protocol/dhcpv6/message.hpp"

namespace bras::dhcpv6 {

const char* to_string(msg_type) noexcept {
  return "unknown";
}
wire::result<message> decode(wire::byte_span) {
  return wire::error{"not implemented", 0};
}
wire::bytes encode(const message&) {
  return {};
}
wire::bytes duid_uuid(const std::array<std::byte, 16>& uuid) {
  wire::bytes d{std::byte{0}, std::byte{4}};
  d.insert(d.end(), uuid.begin(), uuid.end());
  return d;
}
wire::bytes duid_ll(const std::array<std::byte, 6>& mac) {
  wire::bytes d{std::byte{0}, std::byte{3}, std::byte{0}, std::byte{1}};
  d.insert(d.end(), mac.begin(), mac.end());
  return d;
}

}  // namespace bras::dhcpv6

#include "protocol/ppp/ncp.hpp"

#include "protocol/ppp/control_codec.hpp"

namespace bras::ppp {

namespace {

template <class Packet, class Option>
wire::result<Packet> decode_ncp(wire::byte_span data, std::size_t base) {
  auto header = decode_control_header(data, base);
  if (!header) return header.err();
  return detail::decode_shared_codes<Packet, Option>(*header);
}

}  // namespace

namespace ipcp {
wire::result<packet> decode(wire::byte_span data, std::size_t base) {
  return decode_ncp<packet, option>(data, base);
}
wire::status encode(wire::writer& w, const packet& p) {
  return detail::encode_packet(w, p);
}
}  // namespace ipcp

namespace ipv6cp {
wire::result<packet> decode(wire::byte_span data, std::size_t base) {
  return decode_ncp<packet, option>(data, base);
}
wire::status encode(wire::writer& w, const packet& p) {
  return detail::encode_packet(w, p);
}
}  // namespace ipv6cp

}  // namespace bras::ppp

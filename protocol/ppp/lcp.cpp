#include "protocol/ppp/lcp.hpp"

#include "protocol/ppp/control_codec.hpp"
#include "protocol/ppp/frame.hpp"

namespace bras::ppp::lcp {

auth_protocol auth_protocol::pap() {
  return {proto::pap, {}};
}

auth_protocol auth_protocol::chap(chap_algorithm algorithm) {
  return {proto::chap, {std::byte{static_cast<std::uint8_t>(algorithm)}}};
}

// Option and packet bodies specific to LCP, found by ADL from control_codec.hpp.

bool read_option_body(wire::byte_span body, auth_protocol& o) {
  wire::reader r{body};
  if (!r.u16(o.protocol)) return false;
  o.data = wire::to_bytes(r.rest());
  return true;
}

void write_option_body(wire::writer& w, const auth_protocol& o) {
  w.u16(o.protocol);
  w.put(o.data);
}

wire::status write_packet_body(wire::writer& w, const protocol_reject& p) {
  w.u16(p.rejected_protocol);
  w.put(p.information);
  return wire::ok_status();
}

template <control_code C>
wire::status write_packet_body(wire::writer& w, const magic_packet<C>& p) {
  w.u32(p.magic_number);
  w.put(p.data);
  return wire::ok_status();
}

namespace {

template <control_code C>
wire::result<packet> decode_magic(const control_header& h) {
  wire::reader r{h.data, h.data_offset};
  magic_packet<C> p{h.identifier, 0, {}};
  if (!r.u32(p.magic_number)) return r.last_error();
  p.data = wire::to_bytes(r.rest());
  return packet{std::move(p)};
}

}  // namespace

wire::result<packet> decode(wire::byte_span data, std::size_t base) {
  auto header = decode_control_header(data, base);
  if (!header) return header.err();
  const control_header& h = *header;
  switch (h.code) {
    case static_cast<std::uint8_t>(control_code::protocol_reject): {
      wire::reader r{h.data, h.data_offset};
      protocol_reject p{h.identifier, 0, {}};
      if (!r.u16(p.rejected_protocol)) return r.last_error();
      p.information = wire::to_bytes(r.rest());
      return packet{std::move(p)};
    }
    case static_cast<std::uint8_t>(control_code::echo_request): return decode_magic<control_code::echo_request>(h);
    case static_cast<std::uint8_t>(control_code::echo_reply): return decode_magic<control_code::echo_reply>(h);
    case static_cast<std::uint8_t>(control_code::discard_request):
      return decode_magic<control_code::discard_request>(h);
    default: return detail::decode_shared_codes<packet, option>(h);
  }
}

wire::status encode(wire::writer& w, const packet& p) {
  return detail::encode_packet(w, p);
}

}  // namespace bras::ppp::lcp

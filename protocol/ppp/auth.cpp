#include "protocol/ppp/auth.hpp"

#include <array>

#include "protocol/ppp/control.hpp"
#include "protocol/ppp/control_codec.hpp"

namespace bras::ppp {

namespace {

constexpr std::size_t max_u8_field = 0xff;

/// Reads a one-byte length and that many bytes.
bool read_u8_prefixed(wire::reader& r, std::string& out) {
  std::uint8_t length = 0;
  wire::byte_span value;
  if (!r.u8(length) || !r.take(length, value)) return false;
  out = wire::to_string(value);
  return true;
}

wire::status write_u8_prefixed(wire::writer& w, std::string_view value) {
  if (value.size() > max_u8_field) return wire::error{"field too long", w.size()};
  w.u8(static_cast<std::uint8_t>(value.size()));
  w.put(value);
  return wire::ok_status();
}

}  // namespace

namespace pap {

wire::status write_packet_body(wire::writer& w, const authenticate_request& p) {
  auto status = write_u8_prefixed(w, p.peer_id);
  if (!status) return status;
  return write_u8_prefixed(w, p.password);
}

template <packet_code C>
wire::status write_packet_body(wire::writer& w, const reply<C>& p) {
  return write_u8_prefixed(w, p.message);
}

namespace {
template <packet_code C>
wire::result<packet> decode_reply(const control_header& h) {
  wire::reader r{h.data, h.data_offset};
  reply<C> p{h.identifier, {}};
  if (!r.empty() && !read_u8_prefixed(r, p.message)) return r.last_error();
  return packet{std::move(p)};
}
}  // namespace

wire::result<packet> decode(wire::byte_span data, std::size_t base) {
  auto header = decode_control_header(data, base);
  if (!header) return header.err();
  const control_header& h = *header;
  switch (h.code) {
    case static_cast<std::uint8_t>(packet_code::authenticate_request): {
      wire::reader r{h.data, h.data_offset};
      authenticate_request p{h.identifier, {}, {}};
      if (!read_u8_prefixed(r, p.peer_id) || !read_u8_prefixed(r, p.password)) return r.last_error();
      return packet{std::move(p)};
    }
    case static_cast<std::uint8_t>(packet_code::authenticate_ack):
      return decode_reply<packet_code::authenticate_ack>(h);
    case static_cast<std::uint8_t>(packet_code::authenticate_nak):
      return decode_reply<packet_code::authenticate_nak>(h);
    default: return wire::error{"unknown PAP code", base};
  }
}

wire::status encode(wire::writer& w, const packet& p) {
  return detail::encode_packet(w, p);
}

}  // namespace pap

namespace chap {

template <packet_code C>
wire::status write_packet_body(wire::writer& w, const value_packet<C>& p) {
  if (p.value.size() > max_u8_field) return wire::error{"value too long", w.size()};
  w.u8(static_cast<std::uint8_t>(p.value.size()));
  w.put(p.value);
  w.put(p.name);
  return wire::ok_status();
}

template <packet_code C>
wire::status write_packet_body(wire::writer& w, const result_packet<C>& p) {
  w.put(p.message);
  return wire::ok_status();
}

namespace {
template <packet_code C>
wire::result<packet> decode_value(const control_header& h) {
  wire::reader r{h.data, h.data_offset};
  value_packet<C> p{h.identifier, {}, {}};
  std::uint8_t size = 0;
  wire::byte_span value;
  if (!r.u8(size) || !r.take(size, value)) return r.last_error();
  p.value = wire::to_bytes(value);
  p.name = wire::to_string(r.rest());
  return packet{std::move(p)};
}
}  // namespace

wire::result<packet> decode(wire::byte_span data, std::size_t base) {
  auto header = decode_control_header(data, base);
  if (!header) return header.err();
  const control_header& h = *header;
  switch (h.code) {
    case static_cast<std::uint8_t>(packet_code::challenge): return decode_value<packet_code::challenge>(h);
    case static_cast<std::uint8_t>(packet_code::response): return decode_value<packet_code::response>(h);
    case static_cast<std::uint8_t>(packet_code::success): return packet{success{h.identifier, wire::to_string(h.data)}};
    case static_cast<std::uint8_t>(packet_code::failure): return packet{failure{h.identifier, wire::to_string(h.data)}};
    default: return wire::error{"unknown CHAP code", base};
  }
}

wire::status encode(wire::writer& w, const packet& p) {
  return detail::encode_packet(w, p);
}

}  // namespace chap

wire::result<md5_digest> chap_md5_response(std::uint8_t identifier, wire::byte_span secret, wire::byte_span challenge) {
  // wire::md5 streams the parts: the secret is never copied into a buffer.
  const std::array<std::byte, 1> id{std::byte{identifier}};
  auto digest = wire::md5({id, secret, challenge});
  if (!digest) return wire::error{"md5 unavailable", 0};
  return *digest;
}

}  // namespace bras::ppp

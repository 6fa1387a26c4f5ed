#include "protocol/ppp/frame.hpp"

#include <algorithm>

namespace bras::ppp {

namespace {
constexpr std::uint8_t address_all_stations = 0xff;
constexpr std::uint8_t control_ui = 0x03;

/// LCP is never compressed (RFC 1661 §6.5, §6.6).
bool with_address_control(std::uint16_t protocol, frame_flags flags) noexcept {
  return !flags.acfc || protocol == proto::lcp;
}

/// 0x00FF stays two bytes: in one it would read as an address field.
bool one_byte_protocol(std::uint16_t protocol, frame_flags flags) noexcept {
  return flags.pfc && protocol != proto::lcp && protocol <= 0xff && protocol != 0x00ff && is_valid_protocol(protocol);
}
}  // namespace

bool operator==(const frame& a, const frame& b) noexcept {
  return a.protocol == b.protocol && a.payload_offset == b.payload_offset &&
         a.has_address_control == b.has_address_control && a.protocol_compressed == b.protocol_compressed &&
         std::ranges::equal(a.payload, b.payload);
}

wire::result<frame> decode_frame(wire::byte_span data, std::size_t base) {
  wire::reader r{data, base};
  frame f;
  std::uint8_t first = 0;
  if (!r.u8(first)) return r.last_error();
  // A valid protocol field never starts with 0xFF (a 2-byte one starts even,
  // and 1-byte 0xFF would be the reserved 0x00FF), so 0xFF is the address field.
  if (first == address_all_stations) {
    std::uint8_t control = 0;
    if (!r.u8(control)) return r.last_error();
    if (control != control_ui) return wire::error{"bad control field", base + 1};
    f.has_address_control = true;
    if (!r.u8(first)) return r.last_error();
  }
  const std::size_t protocol_at = r.offset() - 1;
  if ((first & 1u) != 0) {
    f.protocol = first;
    f.protocol_compressed = true;
  } else {
    std::uint8_t second = 0;
    if (!r.u8(second)) return r.last_error();
    f.protocol = static_cast<std::uint16_t>((first << 8) | second);
    if (!is_valid_protocol(f.protocol)) return wire::error{"invalid protocol field", protocol_at};
  }
  f.payload_offset = r.offset();
  f.payload = r.rest();
  return f;
}

void encode_frame_header(wire::writer& w, std::uint16_t protocol, frame_flags flags) {
  if (with_address_control(protocol, flags)) {
    w.u8(address_all_stations);
    w.u8(control_ui);
  }
  if (one_byte_protocol(protocol, flags)) {
    w.u8(static_cast<std::uint8_t>(protocol));
  } else {
    w.u16(protocol);
  }
}

std::size_t frame_header_size(std::uint16_t protocol, frame_flags flags) noexcept {
  return (with_address_control(protocol, flags) ? 2 : 0) + (one_byte_protocol(protocol, flags) ? 1 : 2);
}

bool encode_frame_header(std::span<std::byte> out, std::uint16_t protocol, frame_flags flags) noexcept {
  if (out.size() != frame_header_size(protocol, flags)) return false;
  std::size_t at = 0;
  if (with_address_control(protocol, flags)) {
    out[at++] = std::byte{address_all_stations};
    out[at++] = std::byte{control_ui};
  }
  if (!one_byte_protocol(protocol, flags)) out[at++] = static_cast<std::byte>(protocol >> 8);
  out[at] = static_cast<std::byte>(protocol & 0xff);
  return true;
}

void encode_frame(wire::writer& w, std::uint16_t protocol, wire::byte_span payload, frame_flags flags) {
  encode_frame_header(w, protocol, flags);
  w.put(payload);
}

}  // namespace bras::ppp

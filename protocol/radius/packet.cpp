#include "protocol/radius/packet.hpp"

#include <algorithm>

namespace bras::radius {

const attribute* packet::find(std::uint8_t type) const noexcept {
  for (const auto& a : attributes) {
    if (a.type == type) return &a;
  }
  return nullptr;
}

std::vector<const attribute*> packet::all(std::uint8_t type) const {
  std::vector<const attribute*> out;
  for (const auto& a : attributes) {
    if (a.type == type) out.push_back(&a);
  }
  return out;
}

std::vector<vendor_attribute> packet::vendor_attributes() const {
  std::vector<vendor_attribute> out;
  for (const auto& a : attributes) {
    if (a.type != attr::vendor_specific || a.value.size() < 4) continue;
    const auto vendor = wire::load_u32(a.value.data());
    // Sub-attributes: type, length (≥ 2), value; a malformed tail ends the walk.
    std::size_t at = 4;
    while (a.value.size() - at >= 2) {
      const auto type = std::to_integer<std::uint8_t>(a.value[at]);
      const auto len = std::to_integer<std::size_t>(a.value[at + 1]);
      if (len < 2 || len > a.value.size() - at) break;
      out.push_back({vendor, type,
                     wire::bytes(a.value.begin() + static_cast<std::ptrdiff_t>(at + 2),
                                 a.value.begin() + static_cast<std::ptrdiff_t>(at + len))});
      at += len;
    }
  }
  return out;
}

std::optional<vendor_attribute> packet::find_vendor(std::uint32_t vendor, std::uint8_t type) const {
  for (auto& v : vendor_attributes()) {
    if (v.vendor == vendor && v.type == type) return std::move(v);
  }
  return std::nullopt;
}

void packet::add(std::uint8_t type, wire::byte_span value) {
  if (value.size() > max_attribute_value) value = value.first(max_attribute_value);
  attributes.push_back({type, wire::to_bytes(value)});
}

void packet::add_string(std::uint8_t type, std::string_view value) {
  add(type, wire::as_bytes(value));
}

void packet::add_u32(std::uint8_t type, std::uint32_t value) {
  wire::bytes b;
  wire::writer{b}.u32(value);
  attributes.push_back({type, std::move(b)});
}

void packet::add_vendor(std::uint32_t vendor, std::uint8_t type, wire::byte_span value) {
  // 4 bytes of vendor, then type and length: 247 bytes of value at most.
  if (value.size() > max_attribute_value - 6) value = value.first(max_attribute_value - 6);
  wire::bytes b;
  wire::writer w{b};
  w.u32(vendor);
  w.u8(type);
  w.u8(static_cast<std::uint8_t>(value.size() + 2));
  w.put(value);
  attributes.push_back({attr::vendor_specific, std::move(b)});
}

void packet::remove(std::uint8_t type) {
  std::erase_if(attributes, [type](const attribute& a) { return a.type == type; });
}

wire::result<packet> decode(wire::byte_span datagram) {
  wire::reader r{datagram};
  packet p;
  std::uint8_t c = 0;
  std::uint16_t length = 0;
  if (!r.u8(c) || !r.u8(p.id) || !r.u16(length)) return wire::error{"radius-truncated-header", datagram.size()};
  if (length < header_size) return wire::error{"radius-length-too-small", 2};
  if (length > max_packet_size) return wire::error{"radius-length-too-large", 2};
  if (length > datagram.size()) return wire::error{"radius-length-exceeds-datagram", 2};
  p.code = static_cast<radius::code>(c);
  wire::byte_span auth;
  if (!r.take(p.auth.size(), auth)) return wire::error{"radius-truncated-header", datagram.size()};
  std::copy(auth.begin(), auth.end(), p.auth.begin());
  auto body = r.sub(length - header_size);
  if (!body) return wire::error{"radius-truncated-header", datagram.size()};
  while (!body->empty()) {
    const auto at = body->offset();
    std::uint8_t type = 0;
    std::uint8_t len = 0;
    if (!body->u8(type) || !body->u8(len)) return wire::error{"radius-truncated-attribute", at};
    if (len < 2) return wire::error{"radius-attribute-length-too-small", at + 1};
    wire::byte_span value;
    if (!body->take(len - 2u, value)) return wire::error{"radius-attribute-overruns-packet", at + 1};
    p.attributes.push_back({type, wire::to_bytes(value)});
  }
  return p;
}

wire::bytes encode(const packet& p) {
  wire::bytes out;
  std::size_t size = header_size;
  for (const auto& a : p.attributes) size += 2 + a.value.size();
  out.reserve(size);
  wire::writer w{out};
  w.u8(static_cast<std::uint8_t>(p.code));
  w.u8(p.id);
  const auto len_at = w.reserve_u16();
  w.put(p.auth);
  for (const auto& a : p.attributes) {
    const auto n = std::min(a.value.size(), max_attribute_value);
    w.u8(a.type);
    w.u8(static_cast<std::uint8_t>(n + 2));
    w.put(wire::byte_span{a.value}.first(n));
  }
  w.patch_u16(len_at, static_cast<std::uint16_t>(std::min(out.size(), max_packet_size)));
  return out;
}

std::optional<std::uint32_t> as_u32(const attribute& a) noexcept {
  if (a.value.size() != 4) return std::nullopt;
  return wire::load_u32(a.value.data());
}

std::string as_string(const attribute& a) {
  return wire::to_string(a.value);
}

std::string_view to_string(radius::code c) noexcept {
  switch (c) {
    case code::access_request: return "Access-Request";
    case code::access_accept: return "Access-Accept";
    case code::access_reject: return "Access-Reject";
    case code::accounting_request: return "Accounting-Request";
    case code::accounting_response: return "Accounting-Response";
    case code::access_challenge: return "Access-Challenge";
    case code::status_server: return "Status-Server";
    case code::disconnect_request: return "Disconnect-Request";
    case code::disconnect_ack: return "Disconnect-ACK";
    case code::disconnect_nak: return "Disconnect-NAK";
    case code::coa_request: return "CoA-Request";
    case code::coa_ack: return "CoA-ACK";
    case code::coa_nak: return "CoA-NAK";
  }
  return "unknown";
}

}  // namespace bras::radius

// Internal to protocol/ppp: generic option-list and packet codecs shared by
// lcp.cpp, ncp.cpp and auth.cpp. Not part of the public API.
#pragma once

#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "protocol/ppp/control.hpp"

namespace bras::ppp {

// Option bodies, found by ADL from the generic code below. read_option_body
// returns false when the body size is wrong for the option kind.

template <std::uint8_t T>
bool read_option_body(wire::byte_span body, flag_option<T>&) noexcept {
  return body.empty();
}
template <std::uint8_t T>
bool read_option_body(wire::byte_span body, u16_option<T>& o) noexcept {
  wire::reader r{body};
  return body.size() == 2 && r.u16(o.value);
}
template <std::uint8_t T>
bool read_option_body(wire::byte_span body, u32_option<T>& o) noexcept {
  wire::reader r{body};
  return body.size() == 4 && r.u32(o.value);
}
template <std::uint8_t T>
bool read_option_body(wire::byte_span body, u64_option<T>& o) noexcept {
  wire::reader r{body};
  return body.size() == 8 && r.u64(o.value);
}
template <std::uint8_t T>
bool read_option_body(wire::byte_span body, opaque_option<T>& o) {
  o.data = wire::to_bytes(body);
  return true;
}

template <std::uint8_t T>
void write_option_body(wire::writer&, const flag_option<T>&) {}
template <std::uint8_t T>
void write_option_body(wire::writer& w, const u16_option<T>& o) {
  w.u16(o.value);
}
template <std::uint8_t T>
void write_option_body(wire::writer& w, const u32_option<T>& o) {
  w.u32(o.value);
}
template <std::uint8_t T>
void write_option_body(wire::writer& w, const u64_option<T>& o) {
  w.u64(o.value);
}
template <std::uint8_t T>
void write_option_body(wire::writer& w, const opaque_option<T>& o) {
  w.put(o.data);
}
inline void write_option_body(wire::writer& w, const unknown_option& o) {
  w.put(o.data);
}

namespace detail {

inline constexpr std::size_t option_header_size = 2;
inline constexpr std::size_t control_header_size = 4;

/// Decodes the body as Alternative if `type` is its type; sets `out` on a match.
template <class Alternative, class Option>
bool match_option(std::uint8_t type, wire::byte_span body, std::size_t length_at,
                  std::optional<wire::result<Option>>& out) {
  if constexpr (std::is_same_v<Alternative, unknown_option>) {
    return false;
  } else {
    if (type != Alternative::type) return false;
    Alternative alternative{};
    if (read_option_body(body, alternative)) {
      out.emplace(Option{std::move(alternative)});
    } else {
      out.emplace(wire::error{"bad option length", length_at});
    }
    return true;
  }
}

template <class Option>
struct option_decoder;

template <class... Alternatives>
struct option_decoder<std::variant<Alternatives...>> {
  using option = std::variant<Alternatives...>;
  static wire::result<option> decode(std::uint8_t type, wire::byte_span body, std::size_t length_at) {
    std::optional<wire::result<option>> out;
    (match_option<Alternatives>(type, body, length_at, out) || ...);
    if (out) return std::move(*out);
    return option{unknown_option{type, wire::to_bytes(body)}};
  }
};

/// Decodes a Configure-* option list (RFC 1661 §6), keeping order and unknown types.
template <class Option>
wire::result<std::vector<Option>> decode_options(wire::byte_span data, std::size_t base) {
  wire::reader r{data, base};
  std::vector<Option> options;
  while (!r.empty()) {
    std::uint8_t type = 0;
    std::uint8_t length = 0;
    if (!r.u8(type)) return r.last_error();
    const std::size_t length_at = r.offset();
    if (!r.u8(length)) return wire::error{"option past end", length_at};
    if (length < option_header_size) return wire::error{"option length below 2", length_at};
    wire::byte_span body;
    if (!r.take(length - option_header_size, body)) return wire::error{"option past end", length_at};
    auto option = option_decoder<Option>::decode(type, body, length_at);
    if (!option) return option.err();
    options.push_back(std::move(*option));
  }
  return options;
}

/// Appends options; fails if one does not fit its one-byte length.
template <class Option>
wire::status encode_options(wire::writer& w, const std::vector<Option>& options) {
  for (const auto& option : options) {
    auto status = std::visit(
        [&w](const auto& o) -> wire::status {
          const std::size_t start = w.size();
          w.u8(o.type);
          w.u8(0);
          write_option_body(w, o);
          const std::size_t length = w.size() - start;
          if (length > 0xff) return wire::error{"option too long", start};
          w.buffer()[start + 1] = static_cast<std::byte>(length);
          return wire::ok_status();
        },
        option);
    if (!status) return status;
  }
  return wire::ok_status();
}

// Packet bodies for the shared codes, found by ADL from encode_packet.

template <control_code C, class Option>
wire::status write_packet_body(wire::writer& w, const configure_packet<C, Option>& p) {
  return encode_options(w, p.options);
}
template <control_code C>
wire::status write_packet_body(wire::writer& w, const terminate_packet<C>& p) {
  w.put(p.data);
  return wire::ok_status();
}
inline wire::status write_packet_body(wire::writer& w, const code_reject& p) {
  w.put(p.rejected_packet);
  return wire::ok_status();
}
inline wire::status write_packet_body(wire::writer& w, const unknown_code& p) {
  w.put(p.data);
  return wire::ok_status();
}

template <class Packet>
std::uint8_t code_number(const Packet& p) noexcept {
  if constexpr (std::is_same_v<Packet, unknown_code>) {
    return p.code;
  } else {
    return static_cast<std::uint8_t>(Packet::code);
  }
}

/// Appends code, identifier, length and body of any packet variant; on
/// failure (a field too long for its length) appends nothing.
template <class PacketVariant>
wire::status encode_packet(wire::writer& w, const PacketVariant& packet) {
  const std::size_t start = w.size();
  auto status = std::visit(
      [&w, start](const auto& p) -> wire::status {
        w.u8(code_number(p));
        w.u8(p.identifier);
        const std::size_t length_at = w.reserve_u16();
        auto body = write_packet_body(w, p);
        if (!body) return body;
        const std::size_t length = w.size() - start;
        if (length > 0xffff) return wire::error{"packet too long", start};
        w.patch_u16(length_at, static_cast<std::uint16_t>(length));
        return wire::ok_status();
      },
      packet);
  if (!status) w.buffer().resize(start);
  return status;
}

/// Decodes the codes 1-7 that LCP, IPCP and IPv6CP share; other codes become unknown_code.
template <class Packet, class Option>
wire::result<Packet> decode_shared_codes(const control_header& h) {
  auto configure = [&h]<control_code C>() -> wire::result<Packet> {
    auto options = decode_options<Option>(h.data, h.data_offset);
    if (!options) return options.err();
    return Packet{configure_packet<C, Option>{h.identifier, std::move(*options)}};
  };
  switch (h.code) {
    case static_cast<std::uint8_t>(control_code::configure_request):
      return configure.template operator()<control_code::configure_request>();
    case static_cast<std::uint8_t>(control_code::configure_ack):
      return configure.template operator()<control_code::configure_ack>();
    case static_cast<std::uint8_t>(control_code::configure_nak):
      return configure.template operator()<control_code::configure_nak>();
    case static_cast<std::uint8_t>(control_code::configure_reject):
      return configure.template operator()<control_code::configure_reject>();
    case static_cast<std::uint8_t>(control_code::terminate_request):
      return Packet{terminate_request{h.identifier, wire::to_bytes(h.data)}};
    case static_cast<std::uint8_t>(control_code::terminate_ack):
      return Packet{terminate_ack{h.identifier, wire::to_bytes(h.data)}};
    case static_cast<std::uint8_t>(control_code::code_reject):
      return Packet{code_reject{h.identifier, wire::to_bytes(h.data)}};
    default: return Packet{unknown_code{h.code, h.identifier, wire::to_bytes(h.data)}};
  }
}

}  // namespace detail
}  // namespace bras::ppp

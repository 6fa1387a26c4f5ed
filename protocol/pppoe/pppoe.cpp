#include "protocol/pppoe/pppoe.hpp"

#include <limits>

namespace bras::pppoe {

namespace {

constexpr std::size_t max_u16 = std::numeric_limits<std::uint16_t>::max();

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

constexpr std::uint8_t to_u8(packet_code c) noexcept {
  return static_cast<std::uint8_t>(c);
}

std::uint16_t tag_u16(tag_type t) noexcept {
  return static_cast<std::uint16_t>(t);
}

std::size_t value_size(const tag& t) noexcept {
  return std::visit(overloaded{
                        [](const service_name& v) { return v.name.size(); },
                        [](const ac_name& v) { return v.name.size(); },
                        [](const host_uniq& v) { return v.value.size(); },
                        [](const ac_cookie& v) { return v.value.size(); },
                        [](const vendor_specific& v) { return 4 + v.data.size(); },
                        [](const relay_session_id& v) { return v.value.size(); },
                        [](const ppp_max_payload&) { return std::size_t{2}; },
                        [](const service_name_error& v) { return v.message.size(); },
                        [](const ac_system_error& v) { return v.message.size(); },
                        [](const generic_error& v) { return v.message.size(); },
                        [](const unknown_tag& v) { return v.value.size(); },
                    },
                    t);
}

void write_value(const tag& t, wire::writer& w) {
  std::visit(overloaded{
                 [&](const service_name& v) { w.put(v.name); },
                 [&](const ac_name& v) { w.put(v.name); },
                 [&](const host_uniq& v) { w.put(v.value); },
                 [&](const ac_cookie& v) { w.put(v.value); },
                 [&](const vendor_specific& v) {
                   w.u32(v.vendor_id);
                   w.put(v.data);
                 },
                 [&](const relay_session_id& v) { w.put(v.value); },
                 [&](const ppp_max_payload& v) { w.u16(v.value); },
                 [&](const service_name_error& v) { w.put(v.message); },
                 [&](const ac_system_error& v) { w.put(v.message); },
                 [&](const generic_error& v) { w.put(v.message); },
                 [&](const unknown_tag& v) { w.put(v.value); },
             },
             t);
}

// Decodes one tag body (the reader spans exactly TAG_LENGTH bytes).
// `length_at` is the absolute offset of the TAG_LENGTH field, for errors.
wire::result<tag> decode_tag(std::uint16_t type_value, wire::reader& body, std::size_t length_at) {
  wire::byte_span value = body.rest();
  switch (static_cast<tag_type>(type_value)) {
    case tag_type::service_name: return tag{service_name{wire::to_string(value)}};
    case tag_type::ac_name: return tag{ac_name{wire::to_string(value)}};
    case tag_type::host_uniq: return tag{host_uniq{wire::to_bytes(value)}};
    case tag_type::ac_cookie: return tag{ac_cookie{wire::to_bytes(value)}};
    case tag_type::relay_session_id: return tag{relay_session_id{wire::to_bytes(value)}};
    case tag_type::service_name_error: return tag{service_name_error{wire::to_string(value)}};
    case tag_type::ac_system_error: return tag{ac_system_error{wire::to_string(value)}};
    case tag_type::generic_error: return tag{generic_error{wire::to_string(value)}};
    case tag_type::vendor_specific: {
      vendor_specific v;
      if (!body.u32(v.vendor_id)) return wire::error{"Vendor-Specific shorter than its vendor id", length_at};
      v.data = wire::to_bytes(body.rest());
      return tag{std::move(v)};
    }
    case tag_type::ppp_max_payload: {
      ppp_max_payload v;
      if (value.size() != 2 || !body.u16(v.value)) return wire::error{"PPP-Max-Payload length not 2", length_at};
      return tag{v};
    }
    case tag_type::end_of_list:  // handled by the caller
      break;
  }
  return tag{unknown_tag{type_value, wire::to_bytes(value)}};
}

wire::status need_code(const discovery& d, packet_code c, std::string_view reason, std::size_t base) {
  if (d.code != c) return wire::error{reason, base + 1};
  return wire::ok_status();
}

wire::status exactly_one_service_name(const discovery& d, std::string_view missing, std::string_view repeated,
                                      std::size_t base) {
  std::size_t n = count<service_name>(d);
  if (n == 0) return wire::error{missing, base + header_size};
  if (n > 1) return wire::error{repeated, base + header_size};
  return wire::ok_status();
}

}  // namespace

std::string_view to_string(packet_code c) noexcept {
  switch (c) {
    case packet_code::session: return "session";
    case packet_code::pado: return "PADO";
    case packet_code::padi: return "PADI";
    case packet_code::padr: return "PADR";
    case packet_code::pads: return "PADS";
    case packet_code::padt: return "PADT";
  }
  return "unknown";
}

bool is_discovery_code(std::uint8_t c) noexcept {
  return c == to_u8(packet_code::pado) || c == to_u8(packet_code::padi) || c == to_u8(packet_code::padr) ||
         c == to_u8(packet_code::pads) || c == to_u8(packet_code::padt);
}

bool is_known_tag(std::uint16_t t) noexcept {
  switch (static_cast<tag_type>(t)) {
    case tag_type::end_of_list:
    case tag_type::service_name:
    case tag_type::ac_name:
    case tag_type::host_uniq:
    case tag_type::ac_cookie:
    case tag_type::vendor_specific:
    case tag_type::relay_session_id:
    case tag_type::ppp_max_payload:
    case tag_type::service_name_error:
    case tag_type::ac_system_error:
    case tag_type::generic_error: return true;
  }
  return false;
}

std::uint16_t type_of(const tag& t) noexcept {
  return std::visit(overloaded{
                        [](const service_name&) { return tag_u16(tag_type::service_name); },
                        [](const ac_name&) { return tag_u16(tag_type::ac_name); },
                        [](const host_uniq&) { return tag_u16(tag_type::host_uniq); },
                        [](const ac_cookie&) { return tag_u16(tag_type::ac_cookie); },
                        [](const vendor_specific&) { return tag_u16(tag_type::vendor_specific); },
                        [](const relay_session_id&) { return tag_u16(tag_type::relay_session_id); },
                        [](const ppp_max_payload&) { return tag_u16(tag_type::ppp_max_payload); },
                        [](const service_name_error&) { return tag_u16(tag_type::service_name_error); },
                        [](const ac_system_error&) { return tag_u16(tag_type::ac_system_error); },
                        [](const generic_error&) { return tag_u16(tag_type::generic_error); },
                        [](const unknown_tag& v) { return v.type; },
                    },
                    t);
}

std::size_t wire_size(const tag& t) noexcept {
  return tag_header_size + value_size(t);
}

wire::result<header_view> decode_header(wire::byte_span in, std::size_t base) {
  wire::reader r{in, base};
  std::uint8_t ver_type = 0;
  if (!r.u8(ver_type)) return r.last_error();
  if ((ver_type >> 4) != protocol_version) return wire::error{"PPPoE version not 1", base};
  if ((ver_type & 0x0fU) != protocol_type) return wire::error{"PPPoE type not 1", base};
  header_view h;
  std::uint16_t length = 0;
  if (!r.u8(h.code) || !r.u16(h.session_id) || !r.u16(length)) return r.last_error();
  if (length > r.remaining()) return wire::error{"PPPoE length past end of frame", base + 4};
  if (!r.take(length, h.payload)) return r.last_error();
  return h;
}

wire::result<discovery> decode_discovery(wire::byte_span in, std::size_t base) {
  auto h = decode_header(in, base);
  if (!h) return h.err();
  if (!is_discovery_code(h->code)) return wire::error{"unknown PPPoE discovery code", base + 1};
  discovery d;
  d.code = static_cast<packet_code>(h->code);
  d.session_id = h->session_id;
  wire::reader r{h->payload, base + header_size};
  while (!r.empty()) {
    if (r.remaining() < tag_header_size) return r.fail("truncated tag header");
    std::size_t length_at = r.offset() + 2;
    std::uint16_t type_value = 0;
    std::uint16_t length = 0;
    if (!r.u16(type_value) || !r.u16(length)) return r.last_error();
    if (length > r.remaining()) return r.fail_at("tag length past end of payload", length_at);
    auto body = r.sub(length);
    if (!body) return r.last_error();
    if (type_value == tag_u16(tag_type::end_of_list)) {
      if (length != 0) return r.fail_at("End-Of-List length not zero", length_at);
      d.end_of_list = true;
      break;
    }
    auto t = decode_tag(type_value, *body, length_at);
    if (!t) return t.err();
    d.tags.push_back(std::move(*t));
  }
  return d;
}

wire::status encode(const discovery& d, wire::writer& w) {
  if (!is_discovery_code(to_u8(d.code))) return wire::error{"not a Discovery code", 0};
  std::size_t length = d.end_of_list ? tag_header_size : 0;
  for (const tag& t : d.tags) {
    if (const auto* u = std::get_if<unknown_tag>(&t); u && is_known_tag(u->type)) {
      return wire::error{"unknown_tag carries a known tag type", 0};
    }
    std::size_t n = value_size(t);
    if (n > max_u16) return wire::error{"tag value longer than 65535", 0};
    length += tag_header_size + n;
  }
  if (length > max_u16) return wire::error{"Discovery payload longer than 65535", 0};
  w.u8((protocol_version << 4) | protocol_type);
  w.u8(to_u8(d.code));
  w.u16(d.session_id);
  w.u16(static_cast<std::uint16_t>(length));
  for (const tag& t : d.tags) {
    w.u16(type_of(t));
    w.u16(static_cast<std::uint16_t>(value_size(t)));
    write_value(t, w);
  }
  if (d.end_of_list) w.u32(0);
  return wire::ok_status();
}

wire::status check(const discovery& d, std::size_t base) {
  switch (d.code) {
    case packet_code::padi: return check_padi(d, base);
    case packet_code::pado: return check_pado(d, base);
    case packet_code::padr: return check_padr(d, base);
    case packet_code::pads: return check_pads(d, base);
    case packet_code::padt: return check_padt(d, base);
    case packet_code::session: break;
  }
  return wire::error{"not a Discovery code", base + 1};
}

wire::status check_padi(const discovery& d, std::size_t base) {
  if (auto s = need_code(d, packet_code::padi, "not a PADI", base); !s) return s;
  if (d.session_id != 0) return wire::error{"PADI session id not zero", base + 2};
  return exactly_one_service_name(d, "PADI without Service-Name", "PADI with more than one Service-Name", base);
}

wire::status check_pado(const discovery& d, std::size_t base) {
  if (auto s = need_code(d, packet_code::pado, "not a PADO", base); !s) return s;
  if (d.session_id != 0) return wire::error{"PADO session id not zero", base + 2};
  std::size_t names = count<ac_name>(d);
  if (names == 0) return wire::error{"PADO without AC-Name", base + header_size};
  if (names > 1) return wire::error{"PADO with more than one AC-Name", base + header_size};
  if (count<service_name>(d) == 0) return wire::error{"PADO without Service-Name", base + header_size};
  return wire::ok_status();
}

wire::status check_padr(const discovery& d, std::size_t base) {
  if (auto s = need_code(d, packet_code::padr, "not a PADR", base); !s) return s;
  if (d.session_id != 0) return wire::error{"PADR session id not zero", base + 2};
  return exactly_one_service_name(d, "PADR without Service-Name", "PADR with more than one Service-Name", base);
}

wire::status check_pads(const discovery& d, std::size_t base) {
  if (auto s = need_code(d, packet_code::pads, "not a PADS", base); !s) return s;
  if (count<service_name_error>(d) > 0) {
    if (d.session_id != 0) return wire::error{"PADS with Service-Name-Error has a non-zero session id", base + 2};
    return wire::ok_status();
  }
  // An AC refusing for want of resources (AC-System-Error) or another reason
  // (Generic-Error) has no session to name either.
  if (d.session_id == 0 && (count<ac_system_error>(d) > 0 || count<generic_error>(d) > 0)) return wire::ok_status();
  if (d.session_id == 0) return wire::error{"PADS session id zero without Service-Name-Error", base + 2};
  return exactly_one_service_name(d, "PADS without Service-Name", "PADS with more than one Service-Name", base);
}

wire::status check_padt(const discovery& d, std::size_t base) {
  if (auto s = need_code(d, packet_code::padt, "not a PADT", base); !s) return s;
  if (d.session_id == 0) return wire::error{"PADT session id zero", base + 2};
  return wire::ok_status();
}

wire::result<session_view> decode_session(wire::byte_span in, std::size_t base) {
  auto h = decode_header(in, base);
  if (!h) return h.err();
  if (h->code != to_u8(packet_code::session)) return wire::error{"PPPoE session packet code not 0x00", base + 1};
  return session_view{h->session_id, h->payload};
}

wire::status encode_session(std::uint16_t session_id, wire::byte_span ppp, wire::writer& w) {
  if (ppp.size() > max_u16) return wire::error{"PPPoE session payload longer than 65535", 0};
  w.u8((protocol_version << 4) | protocol_type);
  w.u8(to_u8(packet_code::session));
  w.u16(session_id);
  w.u16(static_cast<std::uint16_t>(ppp.size()));
  w.put(ppp);
  return wire::ok_status();
}

}  // namespace bras::pppoe

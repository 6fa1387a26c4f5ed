#include "protocol/pppoe/access_line.hpp"

#include <array>
#include <limits>
#include <utility>

namespace bras::pppoe {

namespace {

using u32_field = std::optional<std::uint32_t> access_line::*;

struct rate_option {
  std::uint8_t type;
  u32_field field;
};

// The 32-bit sub-options 0x81..0x8e, in encoding order.
constexpr std::array<rate_option, 14> rate_options{{
    {0x81, &access_line::actual_rate_up},
    {0x82, &access_line::actual_rate_down},
    {0x83, &access_line::min_rate_up},
    {0x84, &access_line::min_rate_down},
    {0x85, &access_line::attainable_rate_up},
    {0x86, &access_line::attainable_rate_down},
    {0x87, &access_line::max_rate_up},
    {0x88, &access_line::max_rate_down},
    {0x89, &access_line::min_rate_up_low_power},
    {0x8a, &access_line::min_rate_down_low_power},
    {0x8b, &access_line::max_interleaving_delay_up},
    {0x8c, &access_line::actual_interleaving_delay_up},
    {0x8d, &access_line::max_interleaving_delay_down},
    {0x8e, &access_line::actual_interleaving_delay_down},
}};

constexpr std::uint8_t opt(access_line_option o) noexcept {
  return static_cast<std::uint8_t>(o);
}

const rate_option* find_rate(std::uint8_t type) noexcept {
  for (const rate_option& r : rate_options) {
    if (r.type == type) return &r;
  }
  return nullptr;
}

constexpr std::size_t max_u8 = std::numeric_limits<std::uint8_t>::max();

void put_option(std::uint8_t type, wire::byte_span value, wire::writer& w) {
  w.u8(type);
  w.u8(static_cast<std::uint8_t>(value.size()));
  w.put(value);
}

// Byte offset of the BBF sub-options of tags[index] in the packet that decoded to `d`.
// Every tag keeps its exact value, so its wire size equals its original size.
std::size_t data_offset(const discovery& d, std::size_t index, std::size_t base) noexcept {
  std::size_t at = base + header_size;
  for (std::size_t i = 0; i < index; ++i) at += wire_size(d.tags[i]);
  return at + tag_header_size + 4;
}

}  // namespace

bool is_known_access_line_option(std::uint8_t t) noexcept {
  return t == opt(access_line_option::agent_circuit_id) || t == opt(access_line_option::agent_remote_id) ||
         t == opt(access_line_option::access_loop_encapsulation) || find_rate(t) != nullptr;
}

wire::result<access_line> decode_access_line(wire::byte_span in, std::size_t base) {
  wire::reader r{in, base};
  access_line a;
  while (!r.empty()) {
    std::size_t type_at = r.offset();
    std::uint8_t type = 0;
    std::uint8_t length = 0;
    if (!r.u8(type)) return r.last_error();
    if (!r.u8(length)) return r.fail_at("truncated TR-101 sub-option header", type_at);
    std::size_t length_at = type_at + 1;
    if (length > r.remaining()) return r.fail_at("TR-101 sub-option length past end", length_at);
    auto body = r.sub(length);
    if (!body) return r.last_error();
    auto duplicate = [&] { return r.fail_at("duplicate TR-101 sub-option", type_at); };

    if (type == opt(access_line_option::agent_circuit_id) || type == opt(access_line_option::agent_remote_id)) {
      auto& field = type == opt(access_line_option::agent_circuit_id) ? a.circuit_id : a.remote_id;
      if (field) return duplicate();
      field = wire::to_string(body->rest());
    } else if (const rate_option* rate = find_rate(type)) {
      std::optional<std::uint32_t>& field = a.*(rate->field);
      if (field) return duplicate();
      std::uint32_t v = 0;
      if (length != 4 || !body->u32(v)) return r.fail_at("TR-101 rate sub-option length not 4", length_at);
      field = v;
    } else if (type == opt(access_line_option::access_loop_encapsulation)) {
      if (a.encapsulation) return duplicate();
      access_loop_encapsulation e;
      if (length != 3 || !body->u8(e.data_link) || !body->u8(e.encaps1) || !body->u8(e.encaps2)) {
        return r.fail_at("Access-Loop-Encapsulation length not 3", length_at);
      }
      a.encapsulation = e;
    } else {
      a.unknown.push_back(access_line_unknown{type, wire::to_bytes(body->rest())});
    }
  }
  return a;
}

wire::status encode(const access_line& a, wire::writer& w) {
  if (a.circuit_id && a.circuit_id->size() > max_u8) return wire::error{"Agent-Circuit-Id longer than 255", 0};
  if (a.remote_id && a.remote_id->size() > max_u8) return wire::error{"Agent-Remote-Id longer than 255", 0};
  for (const access_line_unknown& u : a.unknown) {
    if (u.value.size() > max_u8) return wire::error{"TR-101 sub-option longer than 255", 0};
    if (is_known_access_line_option(u.type)) return wire::error{"unknown TR-101 sub-option with a known type", 0};
  }
  if (a.circuit_id) put_option(opt(access_line_option::agent_circuit_id), wire::as_bytes(*a.circuit_id), w);
  if (a.remote_id) put_option(opt(access_line_option::agent_remote_id), wire::as_bytes(*a.remote_id), w);
  for (const rate_option& rate : rate_options) {
    if (const auto& v = a.*(rate.field)) {
      w.u8(rate.type);
      w.u8(4);
      w.u32(*v);
    }
  }
  if (a.encapsulation) {
    w.u8(opt(access_line_option::access_loop_encapsulation));
    w.u8(3);
    w.u8(a.encapsulation->data_link);
    w.u8(a.encapsulation->encaps1);
    w.u8(a.encapsulation->encaps2);
  }
  for (const access_line_unknown& u : a.unknown) put_option(u.type, u.value, w);
  return wire::ok_status();
}

wire::result<vendor_specific> to_vendor_tag(const access_line& a) {
  vendor_specific v{bbf_vendor_id, {}};
  wire::writer w{v.data};
  if (auto s = encode(a, w); !s) return s.err();
  return v;
}

wire::result<std::optional<access_line>> access_line_of(const discovery& d, std::size_t base) {
  for (std::size_t i = 0; i < d.tags.size(); ++i) {
    const auto* v = std::get_if<vendor_specific>(&d.tags[i]);
    if (v == nullptr || v->vendor_id != bbf_vendor_id) continue;
    auto a = decode_access_line(v->data, data_offset(d, i, base));
    if (!a) return a.err();
    return std::optional<access_line>{std::move(*a)};
  }
  return std::optional<access_line>{};
}

}  // namespace bras::pppoe

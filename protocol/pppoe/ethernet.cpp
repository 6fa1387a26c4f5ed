#include "protocol/pppoe/ethernet.hpp"

namespace bras::eth {

namespace {

bool read_mac(wire::reader& r, mac_address& out) noexcept {
  wire::byte_span b;
  if (!r.take(out.size(), b)) return false;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = std::to_integer<std::uint8_t>(b[i]);
  return true;
}

void write_mac(const mac_address& m, wire::writer& w) {
  for (std::uint8_t b : m) w.u8(b);
}

// Reads the TCI that follows an already consumed TPID.
bool read_tci(wire::reader& r, std::uint16_t tpid, vlan_tag& out) noexcept {
  std::uint16_t tci = 0;
  if (!r.u16(tci)) return false;
  out.tpid = tpid;
  out.pcp = static_cast<std::uint8_t>(tci >> 13);
  out.dei = ((tci >> 12) & 1U) != 0;
  out.vid = static_cast<std::uint16_t>(tci & 0x0fffU);
  return true;
}

wire::status check_tag(const vlan_tag& t) {
  if (!is_vlan_tpid(t.tpid)) return wire::error{"VLAN TPID not 0x8100, 0x88a8 or 0x9100", 0};
  if (t.pcp > 7) return wire::error{"VLAN PCP above 7", 0};
  if (t.vid > 0x0fff) return wire::error{"VLAN id above 4095", 0};
  return wire::ok_status();
}

void write_tag(const vlan_tag& t, wire::writer& w) {
  w.u16(t.tpid);
  w.u16(static_cast<std::uint16_t>((unsigned{t.pcp} << 13) | (t.dei ? 0x1000U : 0U) | t.vid));
}

}  // namespace

std::size_t header_size(const header& h) noexcept {
  return header_size_untagged + (h.outer_vlan ? vlan_tag_size : 0) + (h.inner_vlan ? vlan_tag_size : 0);
}

wire::result<frame> decode(wire::byte_span in, std::size_t base) {
  wire::reader r{in, base};
  frame f;
  if (!read_mac(r, f.hdr.dst) || !read_mac(r, f.hdr.src)) return r.last_error();
  std::uint16_t type = 0;
  std::size_t type_at = r.offset();
  if (!r.u16(type)) return r.last_error();
  if (is_vlan_tpid(type)) {
    f.hdr.outer_vlan.emplace();
    if (!read_tci(r, type, *f.hdr.outer_vlan)) return r.last_error();
    type_at = r.offset();
    if (!r.u16(type)) return r.last_error();
    if (is_vlan_tpid(type)) {
      f.hdr.inner_vlan.emplace();
      if (!read_tci(r, type, *f.hdr.inner_vlan)) return r.last_error();
      type_at = r.offset();
      if (!r.u16(type)) return r.last_error();
      if (is_vlan_tpid(type)) return r.fail_at("more than two VLAN tags", type_at);
    }
  }
  if (type < ethertype_min) return r.fail_at("802.3 length instead of an ethertype", type_at);
  f.hdr.ethertype = type;
  f.payload = r.rest();
  return f;
}

wire::status encode(const header& h, wire::writer& w) {
  if (h.inner_vlan && !h.outer_vlan) return wire::error{"inner VLAN without outer VLAN", 0};
  if (h.outer_vlan) {
    if (auto s = check_tag(*h.outer_vlan); !s) return s;
  }
  if (h.inner_vlan) {
    if (auto s = check_tag(*h.inner_vlan); !s) return s;
  }
  if (h.ethertype < ethertype_min || is_vlan_tpid(h.ethertype)) {
    return wire::error{"ethertype is a length or a VLAN TPID", 0};
  }
  write_mac(h.dst, w);
  write_mac(h.src, w);
  if (h.outer_vlan) write_tag(*h.outer_vlan, w);
  if (h.inner_vlan) write_tag(*h.inner_vlan, w);
  w.u16(h.ethertype);
  return wire::ok_status();
}

wire::status encode(const header& h, wire::byte_span payload, wire::writer& w) {
  if (auto s = encode(h, w); !s) return s;
  w.put(payload);
  return wire::ok_status();
}

}  // namespace bras::eth

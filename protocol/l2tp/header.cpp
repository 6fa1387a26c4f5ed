#include "protocol/l2tp/header.hpp"

#include <algorithm>

namespace bras::l2tp {

namespace {
constexpr std::uint16_t bit_t = 0x8000;
constexpr std::uint16_t bit_l = 0x4000;
constexpr std::uint16_t bit_s = 0x0800;
constexpr std::uint16_t bit_o = 0x0200;
constexpr std::uint16_t bit_p = 0x0100;
constexpr std::uint16_t version_mask = 0x000f;
}  // namespace

wire::result<packet> decode_packet(byte_span datagram) noexcept {
  wire::reader r{datagram};
  std::uint16_t flags = 0;
  if (!r.u16(flags)) return r.fail_at("truncated L2TP header", 0);
  if ((flags & version_mask) != l2tp_version) return r.fail_at("unsupported L2TP version", 1);
  header h;
  h.control = (flags & bit_t) != 0;
  h.length_present = (flags & bit_l) != 0;
  h.sequence_present = (flags & bit_s) != 0;
  h.offset_present = (flags & bit_o) != 0;
  h.priority = (flags & bit_p) != 0;
  if (h.control) {
    // RFC 2661 §3.1: control messages MUST have L and S set and O, P clear.
    if (!h.length_present) return r.fail_at("control message without Length field", 0);
    if (!h.sequence_present) return r.fail_at("control message without sequence numbers", 0);
    if (h.offset_present) return r.fail_at("control message with Offset field", 0);
    if (h.priority) return r.fail_at("control message with Priority bit", 0);
  }
  std::uint16_t length = 0;
  if (h.length_present) {
    if (!r.u16(length)) return r.fail("truncated L2TP header");
  }
  if (!r.u16(h.tunnel_id) || !r.u16(h.session_id)) return r.fail("truncated L2TP header");
  if (h.sequence_present && (!r.u16(h.ns) || !r.u16(h.nr))) return r.fail("truncated L2TP header");
  if (h.offset_present) {
    if (!r.u16(h.offset_size)) return r.fail("truncated L2TP header");
    if (!r.skip(h.offset_size)) return r.fail_at("offset padding past end of datagram", r.offset() - 2);
  }
  std::size_t header_end = r.offset();
  std::size_t end = datagram.size();
  if (h.length_present) {
    if (length < header_end) return r.fail_at("L2TP Length shorter than its header", 2);
    if (length > datagram.size()) return r.fail_at("L2TP Length past end of datagram", 2);
    end = length;
  }
  return packet{h, datagram.subspan(header_end, end - header_end), header_end};
}

std::size_t header_size(const header& h) noexcept {
  bool control = h.control;
  std::size_t n = 6;
  if (control || h.length_present) n += 2;
  if (control || h.sequence_present) n += 4;
  if (!control && h.offset_present) n += 2 + h.offset_size;
  return n;
}

void encode_header(bytes& out, const header& h, std::size_t payload_size) {
  wire::writer w{out};
  bool control = h.control;
  bool with_length = control || h.length_present;
  bool with_sequence = control || h.sequence_present;
  bool with_offset = !control && h.offset_present;
  std::uint16_t flags = l2tp_version;
  if (control) flags |= bit_t;
  if (with_length) flags |= bit_l;
  if (with_sequence) flags |= bit_s;
  if (with_offset) flags |= bit_o;
  if (!control && h.priority) flags |= bit_p;
  w.u16(flags);
  if (with_length) w.u16(static_cast<std::uint16_t>(header_size(h) + payload_size));
  w.u16(h.tunnel_id);
  w.u16(h.session_id);
  if (with_sequence) {
    w.u16(h.ns);
    w.u16(h.nr);
  }
  if (with_offset) {
    w.u16(h.offset_size);
    w.zeros(h.offset_size);
  }
}

bool encode_data_header(std::span<std::byte> out, const header& h, std::size_t payload_size) noexcept {
  const std::size_t size = header_size(h);
  if (h.control || out.size() != size) return false;
  if (h.length_present && size + payload_size > 0xffff) return false;
  std::size_t at = 0;
  auto put16 = [&](std::uint16_t v) {
    out[at++] = static_cast<std::byte>(v >> 8);
    out[at++] = static_cast<std::byte>(v & 0xff);
  };
  std::uint16_t flags = l2tp_version;
  if (h.length_present) flags |= bit_l;
  if (h.sequence_present) flags |= bit_s;
  if (h.offset_present) flags |= bit_o;
  if (h.priority) flags |= bit_p;
  put16(flags);
  if (h.length_present) put16(static_cast<std::uint16_t>(size + payload_size));
  put16(h.tunnel_id);
  put16(h.session_id);
  if (h.sequence_present) {
    put16(h.ns);
    put16(h.nr);
  }
  if (h.offset_present) {
    put16(h.offset_size);
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(at), out.end(), std::byte{0});
  }
  return true;
}

bytes encode_packet(const header& h, byte_span payload) {
  bytes out;
  out.reserve(header_size(h) + payload.size());
  encode_header(out, h, payload.size());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

}  // namespace bras::l2tp

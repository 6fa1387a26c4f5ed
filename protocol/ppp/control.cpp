#include "protocol/ppp/control.hpp"

namespace bras::ppp {

wire::result<control_header> decode_control_header(wire::byte_span packet, std::size_t base) {
  wire::reader r{packet, base};
  control_header h;
  std::uint16_t length = 0;
  if (!r.u8(h.code) || !r.u8(h.identifier)) return r.last_error();
  const std::size_t length_at = r.offset();
  if (!r.u16(length)) return r.last_error();
  if (length < 4) return wire::error{"length below header size", length_at};
  // Bytes after `length` are data link padding (RFC 1661 §5) and ignored.
  h.data_offset = r.offset();
  if (!r.take(length - 4u, h.data)) return wire::error{"length exceeds packet", length_at};
  return h;
}

}  // namespace bras::ppp

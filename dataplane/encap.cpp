#include "dataplane/encap.hpp"

#include "protocol/ip/packet.hpp"
#include "protocol/l2tp/header.hpp"
#include "protocol/ppp/frame.hpp"

namespace bras::dataplane {

namespace {
constexpr auto relaxed = std::memory_order_relaxed;
}  // namespace

bool encapsulate(data_session& s, std::uint16_t protocol, headroom_packet& p) noexcept {
  const ppp::frame_flags flags{s.acfc.load(relaxed), s.pfc.load(relaxed)};
  const std::size_t ppp_size = protocol != 0 ? ppp::frame_header_size(protocol, flags) : 0;
  // RFC 2661 §3.1: T=0, no L (the UDP length says it), S when the LAC asked for sequencing.
  l2tp::header h;
  h.tunnel_id = s.peer_tunnel_id;
  h.session_id = s.peer_session_id;
  h.sequence_present = s.sequencing.load(relaxed);
  const std::size_t l2tp_size = l2tp::header_size(h);
  if (p.headroom() < ppp_size + l2tp_size) return false;
  if (protocol != 0 && !ppp::encode_frame_header(p.push_front(ppp_size), protocol, flags)) return false;
  // Nr stays 0: data messages are not acknowledged (RFC 2661 §5.8).
  if (h.sequence_present) h.ns = s.next_ns.fetch_add(1, relaxed);
  const std::size_t payload_size = p.bytes().size();
  return l2tp::encode_data_header(p.push_front(l2tp_size), h, payload_size);
}

bool clamp_in_place(std::span<std::byte> packet, bool ipv6, std::uint16_t mss) noexcept {
  return mss != 0 && ip::clamp_tcp_mss(packet, max_mss(mss, ipv6));
}

}  // namespace bras::dataplane

#include "dataplane/pppoe_path.hpp"

#include <chrono>
#include <optional>

#include "dataplane/encap.hpp"
#include "protocol/ppp/frame.hpp"
#include "protocol/pppoe/pppoe.hpp"

namespace bras::dataplane {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;
constexpr eth::mac_address broadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr std::uint8_t lcp_echo_request = 9;
constexpr std::uint8_t lcp_echo_reply = 10;
/// Code, identifier, length and magic number.
constexpr std::size_t lcp_echo_min = 8;
/// The largest PPPoE session frame: two VLAN tags, the PPPoE header and a 16-bit LENGTH of payload.
constexpr std::size_t max_frame = 22 + pppoe::header_size + 65535;

std::int64_t steady_now() {
  return std::chrono::steady_clock::now().time_since_epoch().count();
}

/// The priority bits may change from frame to frame; the VLAN does not.
bool same_vlan(const std::optional<eth::vlan_tag>& a, const std::optional<eth::vlan_tag>& b) noexcept {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->tpid == b->tpid && a->vid == b->vid);
}

/// Per-thread buffers, reserved once so that appending never allocates per frame.
wire::bytes& frame_buffer() {
  thread_local wire::bytes buffer = [] {
    wire::bytes b;
    b.reserve(max_frame);
    return b;
  }();
  buffer.clear();
  return buffer;
}

wire::bytes& reply_buffer() {
  thread_local wire::bytes buffer = [] {
    wire::bytes b;
    b.reserve(65535);
    return b;
  }();
  buffer.clear();
  return buffer;
}

}  // namespace

pppoe_path::pppoe_path(session_table& sessions, model::counters& stats, frame_sender& access, transport& l2tp,
                       discovery_sink& discovery)
    : sessions_{sessions}, stats_{stats}, access_{access}, l2tp_{l2tp}, discovery_{discovery} {}

void pppoe_path::from_access(std::uint16_t port, std::span<std::byte> frame) noexcept {
  auto decoded = eth::decode(wire::byte_span{frame.data(), frame.size()});
  if (!decoded) {
    stats_.pppoe_drop_malformed.fetch_add(1, relaxed);
    return;
  }
  const eth::header& hdr = decoded.value().hdr;
  // AF_PACKET also hands us frames to other hosts the interface happens to see.
  const bool for_us = hdr.dst == access_.mac(port);
  if (hdr.ethertype == eth::ethertype_pppoe_discovery && (for_us || hdr.dst == broadcast)) {
    discovery_.discovery(port, hdr, decoded.value().payload);
    return;
  }
  if (hdr.ethertype == eth::ethertype_pppoe_session && for_us) {
    session_frame(port, hdr, frame, eth::header_size(hdr));
    return;
  }
  stats_.pppoe_drop_not_for_us.fetch_add(1, relaxed);
}

void pppoe_path::session_frame(std::uint16_t port, const eth::header& hdr, std::span<std::byte> frame,
                               std::size_t pppoe_at) noexcept {
  auto session = pppoe::decode_session(wire::byte_span{frame.data(), frame.size()}.subspan(pppoe_at), pppoe_at);
  if (!session) {
    stats_.pppoe_drop_malformed.fetch_add(1, relaxed);
    return;
  }
  auto s = sessions_.find_pppoe(port, session.value().session_id);
  if (!s || !s->pppoe) {
    stats_.pppoe_drop_unknown_session.fetch_add(1, relaxed);
    return;
  }
  pppoe_leg& leg = *s->pppoe;
  if (hdr.src != leg.to_client.dst || !same_vlan(hdr.outer_vlan, leg.to_client.outer_vlan) ||
      !same_vlan(hdr.inner_vlan, leg.to_client.inner_vlan)) {
    stats_.pppoe_drop_wrong_mac.fetch_add(1, relaxed);
    return;
  }
  // Any frame shows the subscriber alive (the LAC's keepalive reads it), relayed or not.
  s->last_rx_ns.store(steady_now(), relaxed);
  const wire::byte_span ppp = session.value().payload;
  // Acquire: the L2TP fields were written before relaying was set.
  if (!leg.relaying.load(std::memory_order_acquire)) {
    if (s->actor) s->actor->ppp_frame(ppp);
    return;
  }
  if (answer_echo(*s, ppp)) return;
  // The L2TP header and FF03 go where the Ethernet and PPPoE headers were (at
  // least 20 bytes; they need at most 12): no copy.
  const auto ppp_at = static_cast<std::size_t>(ppp.data() - frame.data());
  headroom_packet packet{frame, ppp_at, ppp.size()};
  auto address_control = packet.push_front(2);
  address_control[0] = std::byte{0xff};
  address_control[1] = std::byte{0x03};
  s->rx_packets.fetch_add(1, relaxed);
  s->rx_bytes.fetch_add(ppp.size(), relaxed);
  stats_.data_rx_packets.fetch_add(1, relaxed);
  stats_.data_rx_bytes.fetch_add(ppp.size(), relaxed);
  if (!encapsulate(*s, 0, packet)) {
    stats_.data_tx_errors.fetch_add(1, relaxed);
    return;
  }
  const auto out = packet.bytes();
  if (!l2tp_.send(s->gateway, s->peer, wire::byte_span{out.data(), out.size()})) {
    s->tx_errors.fetch_add(1, relaxed);
    stats_.data_tx_errors.fetch_add(1, relaxed);
  }
}

bool pppoe_path::answer_echo(const data_session& s, wire::byte_span ppp) noexcept {
  auto f = ppp::decode_frame(ppp);
  if (!f || f.value().protocol != ppp::proto::lcp) return false;
  const wire::byte_span lcp = f.value().payload;
  if (lcp.size() < lcp_echo_min || std::to_integer<std::uint8_t>(lcp[0]) != lcp_echo_request) return false;
  // A request whose length field lies goes to the LNS, which judges it.
  const std::uint16_t length = wire::load_u16(lcp.data() + 2);
  if (length < lcp_echo_min || length > lcp.size()) return false;
  auto& reply = reply_buffer();
  wire::writer w{reply};
  w.u16(ppp::proto::lcp);
  w.u8(lcp_echo_reply);
  w.u8(std::to_integer<std::uint8_t>(lcp[1]));
  w.u16(length);
  w.u32(s.pppoe->magic.load(relaxed));
  w.put(lcp.subspan(lcp_echo_min, length - lcp_echo_min));
  stats_.pppoe_echo_answered.fetch_add(1, relaxed);
  send_to_client(*s.pppoe, reply);
  return true;
}

bool pppoe_path::send_to_client(const pppoe_leg& leg, wire::byte_span ppp) noexcept {
  // Larger than the leg's MRU is still sent (the LNS negotiated it); larger
  // than PPPoE's LENGTH can say is not.
  if (ppp.size() > 65535) {
    stats_.pppoe_tx_errors.fetch_add(1, relaxed);
    return false;
  }
  auto& buffer = frame_buffer();
  wire::writer w{buffer};
  eth::header h = leg.to_client;
  h.ethertype = eth::ethertype_pppoe_session;
  if (!eth::encode(h, w) || !pppoe::encode_session(leg.session_id, ppp, w) || !access_.send(leg.port, buffer)) {
    stats_.pppoe_tx_errors.fetch_add(1, relaxed);
    return false;
  }
  return true;
}

bool pppoe_path::to_client(const data_session& s, wire::byte_span ppp) noexcept {
  if (!s.pppoe) return false;
  return send_to_client(*s.pppoe, ppp);
}

void pppoe_path::from_lns(data_session& s, std::span<std::byte> ppp) noexcept {
  if (!s.pppoe) return;
  wire::byte_span frame{ppp.data(), ppp.size()};
  // PPPoE carries PPP from the protocol field on (RFC 2516 §7).
  if (frame.size() >= 2 && frame[0] == std::byte{0xff} && frame[1] == std::byte{0x03}) frame = frame.subspan(2);
  if (!send_to_client(*s.pppoe, frame)) {
    s.tx_errors.fetch_add(1, relaxed);
    return;
  }
  s.tx_packets.fetch_add(1, relaxed);
  s.tx_bytes.fetch_add(frame.size(), relaxed);
  stats_.data_tx_packets.fetch_add(1, relaxed);
  stats_.data_tx_bytes.fetch_add(frame.size(), relaxed);
}

}  // namespace bras::dataplane

#include "io/data_path.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "actors/messages.hpp"
#include "protocol/ip/packet.hpp"
#include "protocol/l2tp/header.hpp"
#include "protocol/ppp/frame.hpp"

namespace bras::io {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;

std::int64_t steady_now() {
  return std::chrono::steady_clock::now().time_since_epoch().count();
}

/// One scratch buffer per thread: packets are rewritten (MSS) and framed here, never allocated per packet.
std::vector<std::byte>& scratch() {
  thread_local std::vector<std::byte> buffer(70000);
  return buffer;
}

}  // namespace

data_path::data_path(actors::context& ctx, actors::transport& tx, tun_device* tun)
    : ctx_{ctx},
      tx_{tx},
      tun_{tun},
      fast_up_{ctx.cfg.data_plane.mode != config::data_path_mode::actors},
      fast_down_{ctx.cfg.data_plane.mode == config::data_path_mode::fast_path} {}

bool data_path::from_l2tp(std::uint16_t gateway, model::udp_peer peer, wire::byte_span datagram) noexcept {
  auto p = l2tp::decode_packet(datagram);
  if (!p || p->hdr.control) return false;
  auto s = ctx_.sessions.find(p->hdr.tunnel_id, p->hdr.session_id);
  if (!s) return false;
  if (!(s->peer == peer) || s->gateway != gateway) {
    ctx_.stats.rx_wrong_peer.fetch_add(1, relaxed);
    return true;
  }
  auto f = ppp::decode_frame(p->payload);
  if (!f) {
    s->rx_errors.fetch_add(1, relaxed);
    ctx_.stats.data_rx_malformed.fetch_add(1, relaxed);
    return true;
  }
  const auto protocol = f.value().protocol;
  const bool ip = protocol == ppp::proto::ipv4 || protocol == ppp::proto::ipv6;
  if (ip && fast_up_ && !s->lac) {
    from_subscriber(*s, protocol == ppp::proto::ipv6, f.value().payload);
    return true;
  }
  caf::anon_send(s->actor, actors::ppp_frame{wire::bytes{p->payload.begin(), p->payload.end()}});
  return true;
}

void data_path::from_subscriber(actors::data_session& s, bool ipv6, wire::byte_span packet) noexcept {
  // Anti-spoofing: only the session's own address may be the source.
  bool allowed = false;
  if (!ipv6) {
    const auto bound = s.ipv4.load(relaxed);
    if (bound == 0) {
      ctx_.stats.data_rx_not_up.fetch_add(1, relaxed);
      s.rx_errors.fetch_add(1, relaxed);
      return;
    }
    auto src = ip::ipv4_source(packet);
    allowed = src && *src == bound;
  } else {
    const auto iid = s.ipv6_iid.load(relaxed);
    if (iid == 0) {
      ctx_.stats.data_rx_not_up.fetch_add(1, relaxed);
      s.rx_errors.fetch_add(1, relaxed);
      return;
    }
    // Without prefix delegation the session owns its interface identifier:
    // link-local and SLAAC addresses both end in it (RFC 5072 §5).
    auto src = ip::ipv6_source(packet);
    std::uint64_t low = 0;
    if (src) {
      for (std::size_t i = 8; i < 16; ++i) low = (low << 8) | std::to_integer<std::uint64_t>((*src)[i]);
    }
    allowed = src && low == iid;
  }
  if (!allowed) {
    s.spoofed.fetch_add(1, relaxed);
    s.rx_errors.fetch_add(1, relaxed);
    ctx_.stats.data_rx_spoofed.fetch_add(1, relaxed);
    return;
  }
  s.rx_packets.fetch_add(1, relaxed);
  s.rx_bytes.fetch_add(packet.size(), relaxed);
  s.last_rx_ns.store(steady_now(), relaxed);
  ctx_.stats.data_rx_packets.fetch_add(1, relaxed);
  ctx_.stats.data_rx_bytes.fetch_add(packet.size(), relaxed);
  if (tun_ == nullptr) {
    ctx_.stats.data_tun_write_errors.fetch_add(1, relaxed);
    return;
  }
  wire::byte_span out = packet;
  if (const auto mss = s.tcp_mss.load(relaxed); mss != 0) {
    auto& buf = scratch();
    if (packet.size() <= buf.size()) {
      std::memcpy(buf.data(), packet.data(), packet.size());
      std::span<std::byte> copy{buf.data(), packet.size()};
      if (ip::clamp_tcp_mss(copy, ipv6 ? static_cast<std::uint16_t>(mss - 20) : mss)) {
        s.mss_clamped.fetch_add(1, relaxed);
        ctx_.stats.data_mss_clamped.fetch_add(1, relaxed);
        out = copy;
      }
    }
  }
  if (!tun_->write(out)) {
    ctx_.stats.data_tun_write_errors.fetch_add(1, relaxed);
    if (ctx_.io_log && ctx_.io_error_log.allow()) ctx_.io_log->warn("tun-write-error errno={}", errno);
  }
}

void data_path::from_tun(wire::byte_span packet) noexcept {
  const auto version = ip::ip_version(packet);
  actors::data_session_ptr s;
  if (version == 4 && packet.size() >= 20) {
    s = ctx_.sessions.find_ipv4(wire::load_u32(packet.data() + 16));
  } else if (version == 6 && packet.size() >= 40) {
    std::uint64_t iid = 0;
    for (std::size_t i = 32; i < 40; ++i) iid = (iid << 8) | std::to_integer<std::uint64_t>(packet[i]);
    s = ctx_.sessions.find_ipv6(iid);
  }
  if (!s) {
    ctx_.stats.data_tun_no_route.fetch_add(1, relaxed);
    return;
  }
  if (fast_down_) return to_subscriber(*s, packet);
  caf::anon_send(s->actor, actors::tun_packet{wire::bytes{packet.begin(), packet.end()}});
}

void data_path::to_subscriber(actors::data_session& s, wire::byte_span packet) noexcept {
  const bool ipv6 = ip::ip_version(packet) == 6;
  const auto mtu = s.mtu.load(relaxed);
  if (packet.size() <= mtu) return send_ip(s, ipv6, packet);
  // Too big for the subscriber's MRU: fragment IPv4 without DF, otherwise
  // tell the sender (RFC 1191 / RFC 8201) through tun.
  if (!ipv6) {
    if (auto fragments = ip::fragment_ipv4(packet, mtu)) {
      s.fragmented.fetch_add(1, relaxed);
      ctx_.stats.data_fragmented.fetch_add(1, relaxed);
      for (const auto& f : *fragments) send_ip(s, false, f);
      return;
    }
    // From the subscriber's address (the original's destination), as if its
    // link said so: the kernel on the other side of tun drops ICMP from one of
    // its own addresses (the LNS's address is on tun) as a martian.
    auto icmp =
        ip::make_icmp_frag_needed(packet, mtu, wire::load_u32(packet.data() + 16), icmp_id_.fetch_add(1, relaxed));
    s.tx_errors.fetch_add(1, relaxed);
    if (!icmp.empty() && tun_ != nullptr && tun_->write(icmp)) {
      s.icmp_sent.fetch_add(1, relaxed);
      ctx_.stats.data_icmp_sent.fetch_add(1, relaxed);
    }
    return;
  }
  // As for IPv4: from the packet's destination (the subscriber's address, on this link).
  ip::ipv6_address ours{};
  std::memcpy(ours.data(), packet.data() + 24, 16);
  auto icmp6 = ip::make_icmpv6_packet_too_big(packet, mtu, ours);
  s.tx_errors.fetch_add(1, relaxed);
  if (!icmp6.empty() && tun_ != nullptr && tun_->write(icmp6)) {
    s.icmp_sent.fetch_add(1, relaxed);
    ctx_.stats.data_icmp_sent.fetch_add(1, relaxed);
  }
}

void data_path::send_ip(actors::data_session& s, bool ipv6, wire::byte_span packet) noexcept {
  wire::byte_span out = packet;
  auto& buf = scratch();
  // Leave room for the L2TP and PPP headers in front of the copy.
  constexpr std::size_t headroom = 32;
  if (const auto mss = s.tcp_mss.load(relaxed); mss != 0 && packet.size() + headroom <= buf.size()) {
    std::memcpy(buf.data() + headroom, packet.data(), packet.size());
    std::span<std::byte> copy{buf.data() + headroom, packet.size()};
    if (ip::clamp_tcp_mss(copy, ipv6 ? static_cast<std::uint16_t>(mss - 20) : mss)) {
      s.mss_clamped.fetch_add(1, relaxed);
      ctx_.stats.data_mss_clamped.fetch_add(1, relaxed);
      out = copy;
    }
  }
  s.tx_packets.fetch_add(1, relaxed);
  s.tx_bytes.fetch_add(packet.size(), relaxed);
  ctx_.stats.data_tx_packets.fetch_add(1, relaxed);
  ctx_.stats.data_tx_bytes.fetch_add(packet.size(), relaxed);
  send_data(s, ipv6 ? ppp::proto::ipv6 : ppp::proto::ipv4, out);
}

void data_path::send_frame(actors::data_session& s, wire::byte_span frame) noexcept {
  send_data(s, 0, frame);
}

void data_path::send_data(actors::data_session& s, std::uint16_t protocol, wire::byte_span payload) noexcept {
  // A separate buffer from scratch(): payload may point into it.
  thread_local std::vector<std::byte> frame(70000);
  std::size_t n = 0;
  auto put8 = [&](unsigned v) { frame[n++] = static_cast<std::byte>(v & 0xff); };
  auto put16 = [&](unsigned v) {
    put8(v >> 8);
    put8(v);
  };
  const bool seq = s.sequencing.load(relaxed);
  // RFC 2661 §3.1: T=0, no L (the UDP length says it), S when the LAC asked for sequencing, version 2.
  put16(seq ? 0x0802u : 0x0002u);
  put16(s.peer_tunnel_id);
  put16(s.peer_session_id);
  if (seq) {
    put16(s.next_ns.fetch_add(1, relaxed));
    put16(0);
  }
  if (protocol != 0) {
    if (!s.acfc.load(relaxed)) {
      put8(0xff);
      put8(0x03);
    }
    if (s.pfc.load(relaxed) && protocol < 0x100) {
      put8(protocol);
    } else {
      put16(protocol);
    }
  }
  if (payload.size() > frame.size() - n) {
    ctx_.stats.data_tx_errors.fetch_add(1, relaxed);
    return;
  }
  std::memcpy(frame.data() + n, payload.data(), payload.size());
  n += payload.size();
  if (!tx_.send(s.gateway, s.peer, wire::byte_span{frame.data(), n})) {
    s.tx_errors.fetch_add(1, relaxed);
    ctx_.stats.data_tx_errors.fetch_add(1, relaxed);
  }
}

}  // namespace bras::io

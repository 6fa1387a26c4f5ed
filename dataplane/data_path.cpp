#include "dataplane/data_path.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "dataplane/pppoe_path.hpp"
#include "protocol/ip/nd.hpp"
#include "protocol/ip/packet.hpp"
#include "protocol/l2tp/header.hpp"
#include "protocol/ppp/frame.hpp"

namespace bras::dataplane {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;

std::int64_t steady_now() {
  return std::chrono::steady_clock::now().time_since_epoch().count();
}

/// One scratch buffer per thread for packets that arrive without headroom (the
/// actor path, fragments, control frames) or read-only but to be clamped:
/// never allocated per packet.
std::span<std::byte> scratch() {
  thread_local std::vector<std::byte> buffer(70000);
  return buffer;
}

std::uint16_t ip_protocol(bool ipv6) {
  return ipv6 ? ppp::proto::ipv6 : ppp::proto::ipv4;
}

/// An IPv6 packet for the router itself (RS, DHCPv6, echo to our link-local, any link-scope or
/// multicast destination): the session's IPv6 host answers or drops it; never forwarded.
bool for_the_router(wire::byte_span packet) noexcept {
  return ip::nd::classify(packet) != ip::nd::local_kind::forward;
}

/// Whether an IPv6 source lies in the session's /64 or its delegated prefix.
bool own_ipv6_source(const data_session& s, const ip::ipv6_address& source) noexcept {
  const std::uint64_t high = ip::high64(source);
  const std::uint64_t link = s.ipv6_link_net.load(relaxed);
  if (link != 0 && high == link) return true;
  const std::uint64_t delegated = s.ipv6_delegated_net.load(relaxed);
  const std::uint8_t length = s.ipv6_delegated_length.load(relaxed);
  if (delegated == 0 || length == 0 || length > 64) return false;
  return (high & (~std::uint64_t{0} << (64 - length))) == delegated;
}

}  // namespace

struct data_path::tx_burst {
  std::array<outgoing, tun_burst> out{};
  std::array<std::uint16_t, tun_burst> gateway{};
  /// Held until the datagram is sent, for its counters.
  std::array<data_session_ptr, tun_burst> session{};
  std::size_t size = 0;
};

data_path::data_path(config::data_path_mode mode, session_table& sessions, model::counters& stats, transport& tx,
                     packet_writer* tun, std::function<void(int)> tun_write_failed)
    : sessions_{sessions},
      stats_{stats},
      tx_{tx},
      tun_{tun},
      tun_write_failed_{std::move(tun_write_failed)},
      fast_up_{mode != config::data_path_mode::actors},
      fast_down_{mode == config::data_path_mode::fast_path} {}

bool data_path::from_l2tp(std::uint16_t gateway, model::udp_peer peer, std::span<std::byte> datagram) noexcept {
  auto p = l2tp::decode_packet(wire::byte_span{datagram.data(), datagram.size()});
  if (!p || p->hdr.control) return false;
  auto s = sessions_.find(p->hdr.tunnel_id, p->hdr.session_id);
  if (!s) return false;
  if (!(s->peer == peer) || s->gateway != gateway) {
    stats_.rx_wrong_peer.fetch_add(1, relaxed);
    return true;
  }
  // A PPPoE subscriber's call that is up: relayed here, whatever the frame (the LNS negotiates with it).
  if (pppoe_ != nullptr && s->pppoe && s->pppoe->relaying.load(std::memory_order_acquire)) {
    pppoe_->from_lns(*s, datagram.subspan(p->payload_offset, p->payload.size()));
    return true;
  }
  auto f = ppp::decode_frame(p->payload, p->payload_offset);
  if (!f) {
    s->rx_errors.fetch_add(1, relaxed);
    stats_.data_rx_malformed.fetch_add(1, relaxed);
    return true;
  }
  const auto protocol = f.value().protocol;
  const bool ip = protocol == ppp::proto::ipv4 || protocol == ppp::proto::ipv6;
  if (ip && fast_up_ && !s->lac) {
    // For the router (ND, DHCPv6, echo): the session actor, with the whole frame like control frames.
    if (protocol == ppp::proto::ipv6 && for_the_router(f.value().payload)) {
      if (s->actor) s->actor->ppp_frame(p->payload);
      return true;
    }
    up_in_place(*s, protocol == ppp::proto::ipv6, datagram.subspan(f.value().payload_offset, f.value().payload.size()));
    return true;
  }
  if (s->actor) s->actor->ppp_frame(p->payload);
  return true;
}

bool data_path::admit(data_session& s, bool ipv6, wire::byte_span packet) noexcept {
  // Anti-spoofing: only the session's own address may be the source. Until
  // its NCP is up the session has none (IPv4 address / IPv6 identifier 0).
  const std::uint64_t bound = ipv6 ? s.ipv6_iid.load(relaxed) : s.ipv4.load(relaxed);
  if (bound == 0) {
    stats_.data_rx_not_up.fetch_add(1, relaxed);
    s.rx_errors.fetch_add(1, relaxed);
    return false;
  }
  if (!ipv6) {
    auto src = ip::ipv4_source(packet);
    if (!src || *src != bound) {
      s.spoofed.fetch_add(1, relaxed);
      s.rx_errors.fetch_add(1, relaxed);
      stats_.data_rx_spoofed.fetch_add(1, relaxed);
      return false;
    }
  } else {
    // Forwarded IPv6 comes from the session's /64 (SLAAC) or its delegated prefix. A
    // link-local source is valid on the link only (RFC 4291 §2.5.6): the router's own
    // traffic was diverted before, so here it is a packet that must not leave the link.
    auto src = ip::ipv6_source(packet);
    if (!src) {
      s.rx_errors.fetch_add(1, relaxed);
      stats_.data_rx_malformed.fetch_add(1, relaxed);
      return false;
    }
    if (ip::is_link_local(*src)) {
      s.rx_errors.fetch_add(1, relaxed);
      stats_.data_rx_link_local.fetch_add(1, relaxed);
      return false;
    }
    if (!own_ipv6_source(s, *src)) {
      s.spoofed.fetch_add(1, relaxed);
      s.rx_errors.fetch_add(1, relaxed);
      stats_.data_rx_spoofed_v6.fetch_add(1, relaxed);
      return false;
    }
    s.rx_v6_packets.fetch_add(1, relaxed);
    s.rx_v6_bytes.fetch_add(packet.size(), relaxed);
  }
  s.rx_packets.fetch_add(1, relaxed);
  s.rx_bytes.fetch_add(packet.size(), relaxed);
  s.last_rx_ns.store(steady_now(), relaxed);
  stats_.data_rx_packets.fetch_add(1, relaxed);
  stats_.data_rx_bytes.fetch_add(packet.size(), relaxed);
  if (tun_ == nullptr) {
    stats_.data_tun_write_errors.fetch_add(1, relaxed);
    return false;
  }
  return true;
}

void data_path::write_tun(wire::byte_span packet) noexcept {
  if (tun_->write(packet)) return;
  stats_.data_tun_write_errors.fetch_add(1, relaxed);
  if (tun_write_failed_) tun_write_failed_(errno);
}

void data_path::up_in_place(data_session& s, bool ipv6, std::span<std::byte> packet) noexcept {
  const wire::byte_span view{packet.data(), packet.size()};
  if (!admit(s, ipv6, view)) return;
  if (clamp_in_place(packet, ipv6, s.tcp_mss.load(relaxed))) {
    s.mss_clamped.fetch_add(1, relaxed);
    stats_.data_mss_clamped.fetch_add(1, relaxed);
  }
  write_tun(view);
}

void data_path::from_subscriber(data_session& s, bool ipv6, wire::byte_span packet) noexcept {
  // The session actor hands packets for the router to its IPv6 host before calling this; one
  // that still arrives here is dropped rather than forwarded (never to tun, not data).
  if (ipv6 && for_the_router(packet)) return;
  if (!admit(s, ipv6, packet)) return;
  // Read-only here (the actor's message): copied only when a SYN must be rewritten.
  const auto mss = s.tcp_mss.load(relaxed);
  auto buf = scratch();
  if (mss != 0 && packet.size() <= buf.size() && ip::tcp_mss_above(packet, max_mss(mss, ipv6))) {
    std::memcpy(buf.data(), packet.data(), packet.size());
    auto copy = buf.first(packet.size());
    if (clamp_in_place(copy, ipv6, mss)) {
      s.mss_clamped.fetch_add(1, relaxed);
      stats_.data_mss_clamped.fetch_add(1, relaxed);
    }
    return write_tun(wire::byte_span{copy.data(), copy.size()});
  }
  write_tun(packet);
}

void data_path::from_tun(std::span<headroom_packet> burst) noexcept {
  tx_burst b;
  for (auto& packet : burst) {
    const auto view = packet.bytes();
    const auto version = ip::ip_version(wire::byte_span{view.data(), view.size()});
    data_session_ptr s;
    if (version == 4 && view.size() >= 20) {
      s = sessions_.find_ipv4(wire::load_u32(view.data() + 16));
    } else if (version == 6 && view.size() >= 40) {
      ip::ipv6_address destination{};
      std::memcpy(destination.data(), view.data() + 24, destination.size());
      s = sessions_.find_ipv6_route(destination);
    }
    if (!s) {
      stats_.data_tun_no_route.fetch_add(1, relaxed);
      continue;
    }
    if (!fast_down_) {
      if (s->actor) s->actor->tun_packet(wire::byte_span{view.data(), view.size()});
      continue;
    }
    if (b.size == b.out.size()) flush(b);
    const auto queued = b.size;
    down_in_place(*s, packet, b);
    if (b.size > queued) b.session[b.size - 1] = std::move(s);
  }
  flush(b);
}

void data_path::flush(tx_burst& b) noexcept {
  // One send_batch per gateway, each in the burst's order (a session sends from one gateway, so
  // its packets stay in order).
  std::array<outgoing, tun_burst> group;
  std::array<std::uint8_t, tun_burst> from{};
  std::array<bool, tun_burst> done{};
  for (std::size_t first = 0; first < b.size; ++first) {
    if (done[first]) continue;
    const auto gateway = b.gateway[first];
    std::size_t n = 0;
    for (std::size_t i = first; i < b.size; ++i) {
      if (done[i] || b.gateway[i] != gateway) continue;
      done[i] = true;
      group[n] = b.out[i];
      group[n].sent = false;
      from[n++] = static_cast<std::uint8_t>(i);
    }
    const auto sent = tx_.send_batch(gateway, std::span<outgoing>{group.data(), n});
    if (sent == n) continue;
    for (std::size_t k = 0; k < n; ++k) {
      if (group[k].sent) continue;
      b.session[from[k]]->tx_errors.fetch_add(1, relaxed);
      stats_.data_tx_errors.fetch_add(1, relaxed);
    }
  }
  for (std::size_t i = 0; i < b.size; ++i) b.session[i].reset();
  b.size = 0;
}

void data_path::down_in_place(data_session& s, headroom_packet& packet, tx_burst& b) noexcept {
  const auto view = packet.bytes();
  const bool ipv6 = ip::ip_version(wire::byte_span{view.data(), view.size()}) == 6;
  if (view.size() <= s.mtu.load(relaxed)) return send_ip(s, ipv6, packet, &b);
  // Fragments and ICMP go out from the scratch buffer, now: what is queued goes first, in order.
  flush(b);
  too_big(s, ipv6, wire::byte_span{view.data(), view.size()});
}

void data_path::to_subscriber(data_session& s, wire::byte_span packet) noexcept {
  const bool ipv6 = ip::ip_version(packet) == 6;
  if (packet.size() <= s.mtu.load(relaxed)) return send_copy(s, ip_protocol(ipv6), packet);
  too_big(s, ipv6, packet);
}

void data_path::too_big(data_session& s, bool ipv6, wire::byte_span packet) noexcept {
  const auto mtu = s.mtu.load(relaxed);
  // Too big for the subscriber's MRU: fragment IPv4 without DF, otherwise
  // tell the sender (RFC 1191 / RFC 8201) through tun.
  if (!ipv6) {
    if (auto fragments = ip::fragment_ipv4(packet, mtu)) {
      s.fragmented.fetch_add(1, relaxed);
      stats_.data_fragmented.fetch_add(1, relaxed);
      for (const auto& f : *fragments) send_copy(s, ppp::proto::ipv4, f);
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
      stats_.data_icmp_sent.fetch_add(1, relaxed);
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
    stats_.data_icmp_sent.fetch_add(1, relaxed);
  }
}

void data_path::send_copy(data_session& s, std::uint16_t protocol, wire::byte_span packet) noexcept {
  auto buf = scratch();
  if (packet.size() > buf.size() - encap_headroom) {
    stats_.data_tx_errors.fetch_add(1, relaxed);
    return;
  }
  std::memcpy(buf.data() + encap_headroom, packet.data(), packet.size());
  headroom_packet copy{buf, encap_headroom, packet.size()};
  if (protocol == 0) return send_data(s, 0, copy);
  send_ip(s, protocol == ppp::proto::ipv6, copy);
}

void data_path::send_ip(data_session& s, bool ipv6, headroom_packet& packet, tx_burst* b) noexcept {
  const auto size = packet.bytes().size();
  if (clamp_in_place(packet.bytes(), ipv6, s.tcp_mss.load(relaxed))) {
    s.mss_clamped.fetch_add(1, relaxed);
    stats_.data_mss_clamped.fetch_add(1, relaxed);
  }
  s.tx_packets.fetch_add(1, relaxed);
  s.tx_bytes.fetch_add(size, relaxed);
  if (ipv6) {
    s.tx_v6_packets.fetch_add(1, relaxed);
    s.tx_v6_bytes.fetch_add(size, relaxed);
  }
  stats_.data_tx_packets.fetch_add(1, relaxed);
  stats_.data_tx_bytes.fetch_add(size, relaxed);
  send_data(s, ip_protocol(ipv6), packet, b);
}

void data_path::send_frame(data_session& s, wire::byte_span frame) noexcept {
  send_copy(s, 0, frame);
}

void data_path::send_data(data_session& s, std::uint16_t protocol, headroom_packet& payload, tx_burst* b) noexcept {
  if (!encapsulate(s, protocol, payload)) {
    stats_.data_tx_errors.fetch_add(1, relaxed);
    return;
  }
  const auto out = payload.bytes();
  if (b != nullptr && b->size < b->out.size()) {  // from_tun leaves room for one
    b->out[b->size] = outgoing{s.peer, wire::byte_span{out.data(), out.size()}};
    b->gateway[b->size] = s.gateway;
    ++b->size;  // the caller puts the session in b->session
    return;
  }
  if (!tx_.send(s.gateway, s.peer, wire::byte_span{out.data(), out.size()})) {
    s.tx_errors.fetch_add(1, relaxed);
    stats_.data_tx_errors.fetch_add(1, relaxed);
  }
}

}  // namespace bras::dataplane

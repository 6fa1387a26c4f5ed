// libFuzzer target for the data-plane IP helpers (protocol/ip/): the input is
// taken as an IPv4 or IPv6 packet and goes through every helper. Checked
// invariants: parsed lengths stay within the input; MSS clamping never changes
// the length, is idempotent and keeps a correct TCP checksum correct; ICMP
// errors are well-formed, within their size caps, with valid checksums and
// quote the original; fragments fit the MTU and reassemble to the payload.
// Neighbor Discovery (protocol/ip/nd.hpp): classify() only sends well-formed
// link-scope or multicast packets to the router; every decoded RA, RS and UDP
// datagram re-encodes to what was decoded; echo replies answer the request.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>

#include "protocol/ip/nd.hpp"
#include "protocol/ip/packet.hpp"

namespace {

using namespace bras;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

std::uint8_t at8(wire::byte_span b, std::size_t i) {
  return std::to_integer<std::uint8_t>(b[i]);
}

/// Pseudo-header + upper-layer checksum from scratch: 0 when correct.
std::uint16_t upper_layer_checksum(wire::byte_span packet, std::size_t l4, std::uint8_t protocol) {
  wire::bytes all;
  wire::writer w{all};
  const auto length = static_cast<std::uint32_t>(packet.size() - l4);
  if (ip::ip_version(packet) == 4) {
    w.put(packet.subspan(12, 8));
    w.u8(0);
    w.u8(protocol);
    w.u16(static_cast<std::uint16_t>(length));
  } else {
    w.put(packet.subspan(8, 32));
    w.u32(length);
    w.zeros(3);
    w.u8(protocol);
  }
  w.put(packet.subspan(l4));
  return ip::internet_checksum(all);
}

/// Where the whole TCP segment of an unfragmented packet starts, if the
/// packet is one whose checksum this target can verify (no IPv6 extensions).
std::optional<std::pair<std::size_t, std::size_t>> tcp_segment(wire::byte_span p) {
  if (auto h4 = ip::parse_ipv4(p); h4.ok()) {
    if (h4->protocol != ip::proto::tcp || h4->mf || h4->fragment_offset != 0) return std::nullopt;
    return std::pair{std::size_t{h4->header_length}, std::size_t{h4->total_length}};
  }
  if (auto h6 = ip::parse_ipv6(p); h6.ok() && h6->next_header == ip::proto::tcp) {
    return std::pair{ip::ipv6_header_size, ip::ipv6_header_size + h6->payload_length};
  }
  return std::nullopt;
}

void check_parse(wire::byte_span data) {
  if (auto h = ip::parse_ipv4(data); h.ok()) {
    require(h->header_length >= 20 && h->header_length <= 60 && h->header_length % 4 == 0);
    require(h->header_length <= h->total_length && h->total_length <= data.size());
    require(ip::ipv4_source(data) == h->src);
  } else {
    require(h.err().offset <= data.size());
    require(!ip::ipv4_source(data).has_value());
  }
  if (auto h = ip::parse_ipv6(data); h.ok()) {
    require(ip::ipv6_header_size + h->payload_length <= data.size());
    require(ip::ipv6_source(data) == h->src);
  } else {
    require(h.err().offset <= data.size());
  }
  (void)ip::ipv4_header_checksum_ok(data);
}

void check_clamp(wire::byte_span data, std::uint16_t max_mss) {
  wire::bytes p(data.begin(), data.end());
  const auto segment = tcp_segment(data);
  const bool checksum_was_ok =
      segment && upper_layer_checksum(wire::byte_span{p}.first(segment->second), segment->first, ip::proto::tcp) == 0;
  const bool changed = ip::clamp_tcp_mss(p, max_mss);
  require(p.size() == data.size());
  require(changed != std::ranges::equal(p, data));
  if (changed) {
    wire::bytes again = p;
    require(!ip::clamp_tcp_mss(again, max_mss) && again == p);
    // Only the TCP header changed: the IP header is as it was.
    require(std::equal(p.begin(), p.begin() + 20, data.begin()));
  }
  if (checksum_was_ok) {
    require(upper_layer_checksum(wire::byte_span{p}.first(segment->second), segment->first, ip::proto::tcp) == 0);
  }
  wire::bytes untouched(data.begin(), data.end());
  require(!ip::clamp_tcp_mss(untouched, 0xffff));
}

void check_frag_needed(wire::byte_span data, std::uint16_t mtu) {
  constexpr std::uint32_t lns = 0xc0000201;
  const auto e = ip::make_icmp_frag_needed(data, mtu, lns, 1);
  if (e.empty()) return;
  const auto original = ip::parse_ipv4(data);
  require(original.ok() && original->df && original->fragment_offset == 0);
  require(e.size() <= 576 && e.size() >= 28);
  const auto h = ip::parse_ipv4(e);
  require(h.ok() && h->total_length == e.size() && h->src == lns && h->dst == original->src);
  require(ip::ipv4_header_checksum_ok(e));
  require(ip::internet_checksum(wire::byte_span{e}.subspan(20)) == 0);
  require(at8(e, 20) == 3 && at8(e, 21) == 4 && wire::load_u16(e.data() + 26) == mtu);
  require(std::equal(e.begin() + 28, e.end(), data.begin()));
  require(e.size() == 576 || e.size() == 28u + original->total_length);
}

void check_packet_too_big(wire::byte_span data, std::uint32_t mtu) {
  ip::ipv6_address lns{};
  lns[0] = std::byte{0x20};
  lns[15] = std::byte{1};
  const auto e = ip::make_icmpv6_packet_too_big(data, mtu, lns);
  if (e.empty()) return;
  const auto original = ip::parse_ipv6(data);
  require(original.ok());
  require(e.size() <= 1280 && e.size() >= 48);
  const auto h = ip::parse_ipv6(e);
  require(h.ok() && ip::ipv6_header_size + h->payload_length == e.size());
  require(h->src == lns && h->dst == original->src && h->next_header == ip::proto::icmpv6);
  require(upper_layer_checksum(e, 40, ip::proto::icmpv6) == 0);
  require(at8(e, 40) == 2 && wire::load_u32(e.data() + 44) == mtu);
  require(std::equal(e.begin() + 48, e.end(), data.begin()));
}

void check_fragment(wire::byte_span data, std::uint16_t mtu) {
  // Random input rarely has a valid header checksum: fix it so that the
  // splitting itself gets exercised.
  wire::bytes p(data.begin(), data.end());
  if (auto h = ip::parse_ipv4(p); h.ok()) {
    p[10] = p[11] = std::byte{0};
    const std::uint16_t sum = ip::internet_checksum(wire::byte_span{p}.first(h->header_length));
    p[10] = static_cast<std::byte>(sum >> 8);
    p[11] = static_cast<std::byte>(sum & 0xff);
  }
  const auto fragments = ip::fragment_ipv4(p, mtu);
  if (!fragments) return;
  const auto original = ip::parse_ipv4(p);
  require(original.ok() && !original->df && mtu >= 68);
  require(!fragments->empty());
  const wire::byte_span payload =
      wire::byte_span{p}.subspan(original->header_length, original->total_length - original->header_length);
  std::size_t position = 0;
  for (std::size_t i = 0; i < fragments->size(); ++i) {
    const auto& f = (*fragments)[i];
    const bool last = i + 1 == fragments->size();
    require(f.size() <= mtu);
    require(ip::ipv4_header_checksum_ok(f));
    const auto h = ip::parse_ipv4(f);
    require(h.ok() && h->total_length == f.size() && !h->df);
    require(h->id == original->id && h->protocol == original->protocol && h->src == original->src &&
            h->dst == original->dst);
    require(h->fragment_offset == original->fragment_offset + position);
    require(h->mf == (last ? original->mf : true));
    const wire::byte_span piece = wire::byte_span{f}.subspan(h->header_length);
    if (!last) require(piece.size() % 8 == 0);
    require(piece.size() <= payload.size() - position);
    require(std::ranges::equal(piece, payload.subspan(position, piece.size())));
    position += piece.size();
  }
  require(position == payload.size());
}

void check_classify(wire::byte_span data) {
  const auto kind = ip::nd::classify(data);
  const auto h = ip::parse_ipv6(data);
  if (kind == ip::nd::local_kind::forward) {
    require(!h.ok() || !(ip::is_multicast(h->dst) || ip::is_link_local(h->dst)));
    return;
  }
  require(h.ok() && (ip::is_multicast(h->dst) || ip::is_link_local(h->dst)));
  if (kind == ip::nd::local_kind::echo_request) require(ip::is_link_local(h->dst));
  if (kind != ip::nd::local_kind::other_local) {
    require(h->next_header == (kind == ip::nd::local_kind::dhcpv6 ? ip::proto::udp : ip::proto::icmpv6));
  }
}

void check_nd(wire::byte_span data) {
  if (auto ra = ip::nd::decode_router_advertisement(data); ra.ok()) {
    const auto h = ip::parse_ipv6(data);
    require(h.ok() && h->hop_limit == 255 && ip::is_link_local(h->src));
    const auto again = ip::nd::encode_router_advertisement(h->src, h->dst, *ra);
    const auto back = ip::nd::decode_router_advertisement(again);
    require(back.ok() && *back == *ra);
  } else {
    require(ra.err().offset <= data.size());
  }
  if (auto rs = ip::nd::decode_router_solicitation(data); rs.ok()) {
    const auto h = ip::parse_ipv6(data);
    require(h.ok() && h->hop_limit == 255 && h->src == rs->src);
  } else {
    require(rs.err().offset <= data.size());
  }
  if (auto u = ip::nd::decode_udp(data); u.ok()) {
    const auto again = ip::nd::encode_udp(u->src, u->dst, u->src_port, u->dst_port, u->payload, u->hop_limit);
    // Identical but for traffic class and flow label, which are not kept.
    require(again.size() >= 4 && again.size() <= data.size());
    require(std::equal(again.begin() + 4, again.end(), data.begin() + 4));
  } else {
    require(u.err().offset <= data.size());
  }
  if (auto h = ip::parse_ipv6(data); h.ok()) {
    const auto reply = ip::nd::make_echo_reply(data, h->dst);
    if (!reply.empty()) {
      const auto echo = ip::nd::parse_echo_reply(reply);
      require(echo.has_value() && echo->src == h->dst);
      require(echo->identifier == wire::load_u16(data.data() + 44) &&
              echo->sequence == wire::load_u16(data.data() + 46));
      require(reply.size() == ip::ipv6_header_size + h->payload_length);
      require(std::equal(reply.begin() + 44, reply.end(), data.begin() + 44));
    }
  }
  (void)ip::nd::parse_echo_reply(data);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const wire::byte_span data{reinterpret_cast<const std::byte*>(bytes), size};
  check_parse(data);
  check_classify(data);
  check_nd(data);
  // Parameters come from the size so that the input stays a plain packet.
  const auto mtu = static_cast<std::uint16_t>(68 + size % 1500);
  for (std::uint16_t mss : {std::uint16_t{536}, ip::mss_for_mtu(mtu, false), std::uint16_t{0}}) check_clamp(data, mss);
  check_frag_needed(data, mtu);
  check_packet_too_big(data, 1280u + static_cast<std::uint32_t>(size));
  for (std::uint16_t m : {std::uint16_t{0}, std::uint16_t{67}, std::uint16_t{68}, mtu, std::uint16_t{576}}) {
    check_fragment(data, m);
  }
  return 0;
}

#include "protocol/ip/nd.hpp"

#include <algorithm>

#include "protocol/ip/packet.hpp"

namespace bras::ip::nd {

namespace {

constexpr std::size_t icmpv6_header_size = 8;
constexpr std::size_t udp_header_size = 8;
/// RFC 4861 §4.2: type, code, checksum, hop limit, flags, lifetime, reachable, retrans.
constexpr std::size_t ra_header_size = 16;
constexpr std::uint8_t nd_hop_limit = 255;
constexpr std::uint8_t echo_hop_limit = 64;
constexpr std::uint16_t dhcpv6_server_port = 547;

constexpr std::uint8_t ra_flag_managed = 0x80;
constexpr std::uint8_t ra_flag_other = 0x40;
constexpr std::uint8_t prefix_flag_on_link = 0x80;
constexpr std::uint8_t prefix_flag_autonomous = 0x40;

/// ND option types (RFC 4861 §4.6, RFC 8106 §5.1); lengths are in units of 8 bytes.
namespace option {
constexpr std::uint8_t source_link_layer = 1;
constexpr std::uint8_t prefix_information = 3;
constexpr std::uint8_t mtu = 5;
constexpr std::uint8_t rdnss = 25;
constexpr std::uint8_t prefix_information_units = 4;
constexpr std::uint8_t mtu_units = 1;
/// Header and lifetime; each address adds two units.
constexpr std::uint8_t rdnss_min_units = 3;
}  // namespace option

/// ICMPv6 types that are part of Neighbor Discovery (RFC 4861 §4): RS, RA, NS, NA, Redirect.
constexpr std::uint8_t first_nd_type = 133;
constexpr std::uint8_t last_nd_type = 137;

using wire::byte_at;
using wire::store_u16;

wire::byte_span as_span(const ipv6_address& a) noexcept {
  return {a.data(), a.size()};
}

ipv6_address address_at(wire::byte_span p, std::size_t at) noexcept {
  ipv6_address a{};
  std::copy_n(p.begin() + static_cast<std::ptrdiff_t>(at), a.size(), a.begin());
  return a;
}

/// True when `message` (checksum field filled in) verifies against the pseudo-header.
bool checksum_ok(const ipv6_address& src, const ipv6_address& dst, wire::byte_span message,
                 std::uint8_t next_header) noexcept {
  const auto length = static_cast<std::uint32_t>(message.size());
  return internet_checksum(message, ipv6_pseudo_header_sum(src, dst, length, next_header)) == 0;
}

/// Appends the fixed header; the payload length is patched by finish().
void put_header(wire::writer& w, const ipv6_address& src, const ipv6_address& dst, std::uint8_t next_header,
                std::uint8_t hop_limit) {
  w.u32(0x60000000u);  // version 6, traffic class 0, flow label 0
  w.u16(0);            // payload length, in finish()
  w.u8(next_header);
  w.u8(hop_limit);
  w.put(as_span(src));
  w.put(as_span(dst));
}

/// Fills in the payload length and the upper-layer checksum at `checksum_at` (from the payload's start).
void finish(wire::bytes& out, std::uint8_t next_header, std::size_t checksum_at) {
  const auto payload_length = static_cast<std::uint16_t>(out.size() - ipv6_header_size);
  store_u16(out.data() + 4, payload_length);
  const wire::byte_span all{out.data(), out.size()};
  const std::uint32_t pseudo =
      ipv6_pseudo_header_sum(address_at(all, 8), address_at(all, 24), payload_length, next_header);
  std::uint16_t checksum = internet_checksum(all.subspan(ipv6_header_size), pseudo);
  // RFC 768: a computed zero is sent as all ones (zero means "no checksum", invalid over IPv6).
  if (next_header == proto::udp && checksum == 0) checksum = 0xffff;
  store_u16(out.data() + ipv6_header_size + checksum_at, checksum);
}

/// An IPv6 packet's fixed header and its upper-layer bytes (link padding cut off), when the
/// upper layer follows directly.
struct upper_layer {
  ipv6_header header;
  wire::byte_span payload;
};

wire::result<upper_layer> open(wire::byte_span packet, std::uint8_t next_header) {
  auto h = parse_ipv6(packet);
  if (!h) return h.err();
  if (h->next_header != next_header) {
    return wire::error{next_header == proto::udp ? "not UDP" : "not ICMPv6", 6};
  }
  return upper_layer{*h, packet.subspan(ipv6_header_size, h->payload_length)};
}

/// An ND message's checks common to RS and RA (RFC 4861 §6.1.1 / §6.1.2).
wire::status check_nd(const upper_layer& l, std::uint8_t type, std::size_t min_length) {
  if (l.header.hop_limit != nd_hop_limit) return wire::error{"hop limit not 255", 7};
  if (l.payload.size() < min_length)
    return wire::error{"truncated ICMPv6 message", ipv6_header_size + l.payload.size()};
  if (byte_at(l.payload, 0) != type) return wire::error{"unexpected ICMPv6 type", ipv6_header_size};
  if (byte_at(l.payload, 1) != 0) return wire::error{"ICMPv6 code not 0", ipv6_header_size + 1};
  if (!checksum_ok(l.header.src, l.header.dst, l.payload, proto::icmpv6)) {
    return wire::error{"bad ICMPv6 checksum", ipv6_header_size + 2};
  }
  return wire::ok_status();
}

/// One ND option: its type and its body (after type and length).
struct nd_option {
  std::uint8_t type = 0;
  std::uint8_t units = 0;
  std::size_t offset = 0;  ///< absolute offset of the type byte
  wire::reader body;
};

/// Reads the next option, or fails `r` (length 0, or longer than what is left).
std::optional<nd_option> next_option(wire::reader& r) {
  const std::size_t at = r.offset();
  std::uint8_t type = 0;
  std::uint8_t units = 0;
  if (!r.u8(type) || !r.u8(units)) return std::nullopt;
  if (units == 0) {
    r.fail_at("ND option length 0", at + 1);
    return std::nullopt;
  }
  auto body = r.sub(std::size_t{units} * 8 - 2);
  if (!body) {
    r.fail_at("ND option overruns the message", at + 1);
    return std::nullopt;
  }
  return nd_option{type, units, at, *body};
}

bool read_address(wire::reader& r, ipv6_address& out) {
  wire::byte_span b;
  if (!r.take(out.size(), b)) return false;
  std::copy(b.begin(), b.end(), out.begin());
  return true;
}

wire::status read_prefix_information(nd_option& o, router_advertisement& ra) {
  if (o.units != option::prefix_information_units) {
    return wire::error{"bad Prefix Information length", o.offset + 1};
  }
  std::uint8_t length = 0;
  std::uint8_t flags = 0;
  prefix_information p;
  ipv6_address address{};
  if (!o.body.u8(length) || !o.body.u8(flags) || !o.body.u32(p.valid_lifetime) || !o.body.u32(p.preferred_lifetime) ||
      !o.body.skip(4) || !read_address(o.body, address)) {
    return o.body.last_error();
  }
  if (length > 128) return wire::error{"prefix length over 128", o.offset + 2};
  p.prefix = ipv6_prefix::make(address, length);
  p.on_link = (flags & prefix_flag_on_link) != 0;
  p.autonomous = (flags & prefix_flag_autonomous) != 0;
  ra.prefixes.push_back(p);
  return wire::ok_status();
}

wire::status read_mtu(nd_option& o, router_advertisement& ra) {
  if (o.units != option::mtu_units) return wire::error{"bad MTU option length", o.offset + 1};
  std::uint32_t mtu = 0;
  if (!o.body.skip(2) || !o.body.u32(mtu)) return o.body.last_error();
  ra.mtu = mtu;
  return wire::ok_status();
}

wire::status read_rdnss(nd_option& o, router_advertisement& ra) {
  // RFC 8106 §5.1: 1 + 2n units, at least one address.
  if (o.units < option::rdnss_min_units || o.units % 2 == 0) {
    return wire::error{"bad RDNSS option length", o.offset + 1};
  }
  if (!o.body.skip(2) || !o.body.u32(ra.rdnss_lifetime)) return o.body.last_error();
  while (!o.body.empty()) {
    ipv6_address a{};
    if (!read_address(o.body, a)) return o.body.last_error();
    ra.rdnss.push_back(a);
  }
  return wire::ok_status();
}

}  // namespace

ipv6_address all_nodes() noexcept {
  return from_halves(0xff02000000000000ULL, 1);
}
ipv6_address all_routers() noexcept {
  return from_halves(0xff02000000000000ULL, 2);
}
ipv6_address all_dhcp_servers() noexcept {
  return from_halves(0xff02000000000000ULL, 0x10002);
}

local_kind classify(wire::byte_span packet) noexcept {
  if (packet.size() < ipv6_header_size || ip_version(packet) != 6) return local_kind::forward;
  const std::size_t payload_length = wire::load_u16(packet.data() + 4);
  if (payload_length > packet.size() - ipv6_header_size) return local_kind::forward;
  const ipv6_address dst = address_at(packet, 24);
  const bool multicast = is_multicast(dst);
  const bool link_scope = is_link_local(dst);
  if (!multicast && !link_scope) return local_kind::forward;

  const wire::byte_span upper = packet.subspan(ipv6_header_size, payload_length);
  switch (byte_at(packet, 6)) {
    case proto::icmpv6: {
      if (upper.size() < icmpv6_header_size) return local_kind::other_local;
      const std::uint8_t type = byte_at(upper, 0);
      if (type == icmpv6_type::router_solicitation) {
        return dst == all_routers() || link_scope ? local_kind::router_solicitation : local_kind::other_local;
      }
      if (type == icmpv6_type::echo_request) return link_scope ? local_kind::echo_request : local_kind::other_local;
      if (type >= first_nd_type && type <= last_nd_type) return local_kind::neighbor_discovery;
      return local_kind::other_local;  // MLD reports, echo to a group, errors
    }
    case proto::udp: {
      if (upper.size() < udp_header_size) return local_kind::other_local;
      const bool to_server = wire::load_u16(upper.data() + 2) == dhcpv6_server_port;
      return to_server && (dst == all_dhcp_servers() || link_scope) ? local_kind::dhcpv6 : local_kind::other_local;
    }
    default: return local_kind::other_local;  // extension headers are not walked here
  }
}

wire::bytes encode_router_advertisement(const ipv6_address& src, const ipv6_address& dst,
                                        const router_advertisement& ra) {
  wire::bytes out;
  wire::writer w{out};
  put_header(w, src, dst, proto::icmpv6, nd_hop_limit);
  w.u8(icmpv6_type::router_advertisement);
  w.u8(0);   // code
  w.u16(0);  // checksum, in finish()
  w.u8(ra.cur_hop_limit);
  w.u8(static_cast<std::uint8_t>((ra.managed ? ra_flag_managed : 0) | (ra.other ? ra_flag_other : 0)));
  w.u16(ra.router_lifetime);
  w.u32(ra.reachable_time);
  w.u32(ra.retrans_timer);
  if (ra.mtu) {
    w.u8(option::mtu);
    w.u8(option::mtu_units);
    w.u16(0);
    w.u32(*ra.mtu);
  }
  for (const auto& p : ra.prefixes) {
    w.u8(option::prefix_information);
    w.u8(option::prefix_information_units);
    w.u8(p.prefix.length);
    w.u8(
        static_cast<std::uint8_t>((p.on_link ? prefix_flag_on_link : 0) | (p.autonomous ? prefix_flag_autonomous : 0)));
    w.u32(p.valid_lifetime);
    w.u32(p.preferred_lifetime);
    w.u32(0);  // reserved
    w.put(as_span(p.prefix.address));
  }
  if (!ra.rdnss.empty()) {
    // An RA fits a 1280-byte link, so the address count is far below the 127 that fit the field.
    const std::size_t count = std::min<std::size_t>(ra.rdnss.size(), 127);
    w.u8(option::rdnss);
    w.u8(static_cast<std::uint8_t>(1 + 2 * count));
    w.u16(0);
    w.u32(ra.rdnss_lifetime);
    for (std::size_t i = 0; i < count; ++i) w.put(as_span(ra.rdnss[i]));
  }
  finish(out, proto::icmpv6, 2);
  return out;
}

wire::result<router_advertisement> decode_router_advertisement(wire::byte_span packet) {
  auto l = open(packet, proto::icmpv6);
  if (!l) return l.err();
  if (auto s = check_nd(*l, icmpv6_type::router_advertisement, ra_header_size); !s) return s.err();
  if (!is_link_local(l->header.src)) return wire::error{"RA source not link-local", 8};

  router_advertisement ra;
  const wire::byte_span& m = l->payload;
  ra.cur_hop_limit = byte_at(m, 4);
  ra.managed = (byte_at(m, 5) & ra_flag_managed) != 0;
  ra.other = (byte_at(m, 5) & ra_flag_other) != 0;
  ra.router_lifetime = wire::load_u16(m.data() + 6);
  ra.reachable_time = wire::load_u32(m.data() + 8);
  ra.retrans_timer = wire::load_u32(m.data() + 12);

  wire::reader r{m.subspan(ra_header_size), ipv6_header_size + ra_header_size};
  while (!r.empty()) {
    auto o = next_option(r);
    if (!o) return r.last_error();
    wire::status s = wire::ok_status();
    switch (o->type) {
      case option::prefix_information: s = read_prefix_information(*o, ra); break;
      case option::mtu: s = read_mtu(*o, ra); break;
      case option::rdnss: s = read_rdnss(*o, ra); break;
      default: break;  // RFC 4861 §4.6: unknown options are ignored
    }
    if (!s) return s.err();
  }
  return ra;
}

wire::result<router_solicitation> decode_router_solicitation(wire::byte_span packet) {
  auto l = open(packet, proto::icmpv6);
  if (!l) return l.err();
  if (auto s = check_nd(*l, icmpv6_type::router_solicitation, icmpv6_header_size); !s) return s.err();
  const bool unspecified = l->header.src == ipv6_address{};
  wire::reader r{l->payload.subspan(icmpv6_header_size), ipv6_header_size + icmpv6_header_size};
  while (!r.empty()) {
    auto o = next_option(r);
    if (!o) return r.last_error();
    if (unspecified && o->type == option::source_link_layer) {
      return wire::error{"RS from :: with a source link-layer option", o->offset};
    }
  }
  return router_solicitation{l->header.src};
}

wire::bytes encode_router_solicitation(const ipv6_address& src) {
  wire::bytes out;
  wire::writer w{out};
  put_header(w, src, all_routers(), proto::icmpv6, nd_hop_limit);
  w.u8(icmpv6_type::router_solicitation);
  w.u8(0);   // code
  w.u16(0);  // checksum, in finish()
  w.u32(0);  // reserved
  finish(out, proto::icmpv6, 2);
  return out;
}

wire::bytes make_echo_reply(wire::byte_span request, const ipv6_address& ours) {
  auto l = open(request, proto::icmpv6);
  if (!l || l->header.dst != ours || l->payload.size() < icmpv6_header_size) return {};
  if (byte_at(l->payload, 0) != icmpv6_type::echo_request || byte_at(l->payload, 1) != 0) return {};
  // A reply to :: or to a group would go nowhere (RFC 4443 §4.2 answers a host).
  if (l->header.src == ipv6_address{} || is_multicast(l->header.src)) return {};
  if (!checksum_ok(l->header.src, l->header.dst, l->payload, proto::icmpv6)) return {};

  wire::bytes out;
  out.reserve(ipv6_header_size + l->payload.size());
  wire::writer w{out};
  put_header(w, ours, l->header.src, proto::icmpv6, echo_hop_limit);
  w.u8(icmpv6_type::echo_reply);
  w.u8(0);                       // code
  w.u16(0);                      // checksum, in finish()
  w.put(l->payload.subspan(4));  // identifier, sequence and data
  finish(out, proto::icmpv6, 2);
  return out;
}

wire::bytes make_echo_request(const ipv6_address& src, const ipv6_address& dst, std::uint16_t identifier,
                              std::uint16_t sequence, std::size_t total_size) {
  constexpr std::size_t headers = ipv6_header_size + icmpv6_header_size;
  total_size = std::clamp<std::size_t>(total_size, headers, ipv6_header_size + 0xffff);
  wire::bytes out;
  out.reserve(total_size);
  wire::writer w{out};
  put_header(w, src, dst, proto::icmpv6, echo_hop_limit);
  w.u8(icmpv6_type::echo_request);
  w.u8(0);   // code
  w.u16(0);  // checksum, in finish()
  w.u16(identifier);
  w.u16(sequence);
  for (std::size_t i = headers; i < total_size; ++i) w.u8(static_cast<std::uint8_t>(i));
  finish(out, proto::icmpv6, 2);
  return out;
}

std::optional<echo> parse_echo_reply(wire::byte_span packet) {
  auto l = open(packet, proto::icmpv6);
  if (!l || l->payload.size() < icmpv6_header_size) return std::nullopt;
  if (byte_at(l->payload, 0) != icmpv6_type::echo_reply || byte_at(l->payload, 1) != 0) return std::nullopt;
  if (!checksum_ok(l->header.src, l->header.dst, l->payload, proto::icmpv6)) return std::nullopt;
  return echo{l->header.src, wire::load_u16(l->payload.data() + 4), wire::load_u16(l->payload.data() + 6)};
}

wire::result<udp_datagram> decode_udp(wire::byte_span packet) {
  auto l = open(packet, proto::udp);
  if (!l) return l.err();
  const wire::byte_span& u = l->payload;
  if (u.size() < udp_header_size) return wire::error{"truncated UDP header", ipv6_header_size + u.size()};
  if (wire::load_u16(u.data() + 4) != u.size()) return wire::error{"UDP length mismatch", ipv6_header_size + 4};
  if (wire::load_u16(u.data() + 6) == 0) return wire::error{"zero UDP checksum", ipv6_header_size + 6};
  if (!checksum_ok(l->header.src, l->header.dst, u, proto::udp)) {
    return wire::error{"bad UDP checksum", ipv6_header_size + 6};
  }
  return udp_datagram{l->header.src,
                      l->header.dst,
                      l->header.hop_limit,
                      wire::load_u16(u.data()),
                      wire::load_u16(u.data() + 2),
                      u.subspan(udp_header_size)};
}

wire::bytes encode_udp(const ipv6_address& src, const ipv6_address& dst, std::uint16_t src_port, std::uint16_t dst_port,
                       wire::byte_span payload, std::uint8_t hop_limit) {
  // The UDP length field is 16 bits (RFC 8200 §8.1 would allow jumbograms, PPP does not).
  if (payload.size() > 0xffff - udp_header_size) return {};
  wire::bytes out;
  out.reserve(ipv6_header_size + udp_header_size + payload.size());
  wire::writer w{out};
  put_header(w, src, dst, proto::udp, hop_limit);
  w.u16(src_port);
  w.u16(dst_port);
  w.u16(static_cast<std::uint16_t>(udp_header_size + payload.size()));
  w.u16(0);  // checksum, in finish()
  w.put(payload);
  finish(out, proto::udp, 6);
  return out;
}

}  // namespace bras::ip::nd

#include "protocol/ip/packet.hpp"

#include <algorithm>
#include <utility>

namespace bras::ip {

namespace {

constexpr std::uint8_t default_ttl = 64;
/// RFC 1812 §4.3.2.5: errors other than Source Quench SHOULD carry precedence
/// 6 (Internetwork Control), as Linux sends them.
constexpr std::uint8_t tos_internetwork_control = 0xc0;
/// RFC 1812 §4.3.2.3: an ICMPv4 error is at most 576 bytes.
constexpr std::size_t icmp_error_max = 576;
constexpr std::size_t icmp_header_size = 8;
constexpr std::uint8_t icmp_echo_reply = 0;
constexpr std::uint8_t icmp_dest_unreachable = 3;
constexpr std::uint8_t icmp_echo_request = 8;
constexpr std::uint8_t icmp_code_frag_needed = 4;
constexpr std::uint8_t icmpv6_packet_too_big = 2;
/// RFC 4443 §2.1: ICMPv6 types below 128 are errors.
constexpr std::uint8_t icmpv6_first_informational = 128;

constexpr std::uint16_t ipv4_flag_reserved = 0x8000;
constexpr std::uint16_t ipv4_flag_df = 0x4000;
constexpr std::uint16_t ipv4_flag_mf = 0x2000;
constexpr std::uint16_t ipv4_offset_mask = 0x1fff;
/// RFC 791 §3.1: option types with this bit are copied into every fragment.
constexpr std::uint8_t ipv4_option_copied = 0x80;
constexpr std::uint8_t ipv4_option_eol = 0;
constexpr std::uint8_t ipv4_option_nop = 1;

constexpr std::uint8_t tcp_flag_syn = 0x02;
constexpr std::size_t tcp_min_header = 20;
constexpr std::size_t tcp_checksum_at = 16;
constexpr std::uint8_t tcp_option_eol = 0;
constexpr std::uint8_t tcp_option_nop = 1;
constexpr std::uint8_t tcp_option_mss = 2;
constexpr std::uint8_t tcp_option_mss_length = 4;

using wire::byte_at;
using wire::store_u16;

/// One's-complement sum of 16-bit big-endian words, not folded. 64 bits
/// cannot overflow for any buffer that fits in memory.
std::uint64_t sum_words(wire::byte_span data, std::uint64_t sum) noexcept {
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += wire::load_u16(data.data() + i);
  if (i < data.size()) sum += std::uint64_t{byte_at(data, i)} << 8;
  return sum;
}

std::uint16_t fold(std::uint64_t sum) noexcept {
  while ((sum >> 16) != 0) sum = (sum & 0xffffu) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

std::uint16_t complement(std::uint16_t v) noexcept {
  return static_cast<std::uint16_t>(~v);
}

std::uint16_t byte_swap(std::uint16_t v) noexcept {
  return static_cast<std::uint16_t>((v << 8) | (v >> 8));
}

void put_address(wire::writer& w, const ipv6_address& a) {
  w.put(wire::byte_span{a.data(), a.size()});
}

/// RFC 1122 §3.2.2: the source must name one host, so not 0/8 ("this
/// network"), 127/8 (loopback), 224/4 (multicast), 240/4 (class E) or the
/// limited broadcast.
bool is_single_host(std::uint32_t a) noexcept {
  const std::uint32_t first = a >> 24;
  return first != 0 && first != 127 && first < 224;
}

/// Multicast, class E and 255.255.255.255, plus 0.0.0.0, the obsolete
/// broadcast address hosts still accept (RFC 1122 §3.3.6).
bool is_broadcast_or_multicast(std::uint32_t a) noexcept {
  return a == 0 || (a >> 24) >= 224;
}

/// ICMP query (informational) types; every other type is treated as an
/// error, so an unknown type never triggers an error about an error.
bool is_icmp_query(std::uint8_t type) noexcept {
  switch (type) {
    case 0:   // echo reply
    case 8:   // echo request
    case 9:   // router advertisement
    case 10:  // router solicitation
    case 13:  // timestamp
    case 14:  // timestamp reply
    case 15:  // information request
    case 16:  // information reply
    case 17:  // address mask request
    case 18:  // address mask reply
    case 42:  // extended echo request (RFC 8335)
    case 43:  // extended echo reply
      return true;
    default: return false;
  }
}

/// Where an IPv6 packet's upper-layer header starts, past the extension
/// headers a router may step over.
struct upper_layer {
  std::uint8_t protocol = 0;
  std::size_t offset = 0;
  /// Behind a Fragment header with a nonzero offset: no upper-layer header here.
  bool later_fragment = false;
};

/// Walks Hop-by-Hop, Routing, Destination Options and Fragment headers of a
/// packet trimmed to its payload length. nullopt when one is truncated.
std::optional<upper_layer> find_upper_layer(wire::byte_span packet, std::uint8_t next_header) noexcept {
  std::size_t at = ipv6_header_size;
  for (;;) {  // each step advances by at least 8 bytes or returns
    switch (next_header) {
      case proto::hop_by_hop:
      case proto::routing:
      case proto::destination_options: {
        if (packet.size() - at < 2) return std::nullopt;
        const std::size_t length = (std::size_t{byte_at(packet, at + 1)} + 1) * 8;  // RFC 8200 §4.3
        if (packet.size() - at < length) return std::nullopt;
        next_header = byte_at(packet, at);
        at += length;
        break;
      }
      case proto::fragment: {
        constexpr std::size_t fragment_header_size = 8;  // RFC 8200 §4.5
        if (packet.size() - at < fragment_header_size) return std::nullopt;
        const auto offset = static_cast<std::uint16_t>(wire::load_u16(packet.data() + at + 2) & 0xfff8u);
        if (offset != 0) return upper_layer{byte_at(packet, at), at + fragment_header_size, true};
        next_header = byte_at(packet, at);
        at += fragment_header_size;
        break;
      }
      default: return upper_layer{next_header, at, false};
    }
  }
}

/// Clamps the MSS option of a SYN segment (header and whatever follows).
/// Lowers the MSS option of a SYN segment `s`, writing through `writable` (the
/// same bytes, mutable); with `writable` null only says whether it would.
bool clamp_segment(wire::byte_span s, std::byte* writable, std::uint16_t max_mss) noexcept {
  if (s.size() < tcp_min_header) return false;
  const std::size_t data_offset = (std::size_t{byte_at(s, 12)} >> 4) * 4;
  if (data_offset < tcp_min_header || data_offset > s.size()) return false;
  if ((byte_at(s, 13) & tcp_flag_syn) == 0) return false;

  std::uint16_t checksum = wire::load_u16(s.data() + tcp_checksum_at);
  bool changed = false;
  std::size_t i = tcp_min_header;
  while (i < data_offset) {
    const std::uint8_t kind = byte_at(s, i);
    if (kind == tcp_option_eol) break;
    if (kind == tcp_option_nop) {
      ++i;
      continue;
    }
    if (data_offset - i < 2) break;
    const std::uint8_t length = byte_at(s, i + 1);
    if (length < 2 || length > data_offset - i) break;  // malformed: stop, as Linux's parser does
    if (kind == tcp_option_mss && length == tcp_option_mss_length) {
      const std::size_t at = i + 2;
      const std::uint16_t mss = wire::load_u16(s.data() + at);
      if (mss > max_mss) {
        if (writable == nullptr) return true;
        // At an odd offset the value straddles two checksummed words, so its
        // bytes enter the sum swapped.
        const bool odd = (at % 2) != 0;
        checksum = checksum_update(checksum, odd ? byte_swap(mss) : mss, odd ? byte_swap(max_mss) : max_mss);
        store_u16(writable + at, max_mss);
        changed = true;
      }
    }
    i += length;
  }
  if (changed) store_u16(writable + tcp_checksum_at, checksum);
  return changed;
}

/// Where the TCP segment of a first fragment is: {offset, length}; nullopt for anything else.
std::optional<std::pair<std::size_t, std::size_t>> tcp_segment(wire::byte_span view) noexcept {
  switch (ip_version(view)) {
    case 4: {
      auto h = parse_ipv4(view);
      if (!h || h->protocol != proto::tcp || h->fragment_offset != 0) return std::nullopt;
      return std::pair<std::size_t, std::size_t>{h->header_length, h->total_length - h->header_length};
    }
    case 6: {
      auto h = parse_ipv6(view);
      if (!h) return std::nullopt;
      const std::size_t end = ipv6_header_size + h->payload_length;
      auto l4 = find_upper_layer(view.first(end), h->next_header);
      if (!l4 || l4->later_fragment || l4->protocol != proto::tcp) return std::nullopt;
      return std::pair<std::size_t, std::size_t>{l4->offset, end - l4->offset};
    }
    default: return std::nullopt;
  }
}

/// The later fragments' header (RFC 791 §3.2): the fixed part and the options
/// with the copied flag, padded to 4 bytes. nullopt on a malformed option.
std::optional<wire::bytes> later_fragment_header(wire::byte_span header) {
  wire::bytes out(header.begin(), header.begin() + ipv4_min_header);
  std::size_t i = ipv4_min_header;
  while (i < header.size()) {
    const std::uint8_t type = byte_at(header, i);
    if (type == ipv4_option_eol) break;
    if (type == ipv4_option_nop) {
      ++i;
      continue;
    }
    if (header.size() - i < 2) return std::nullopt;
    const std::uint8_t length = byte_at(header, i + 1);
    if (length < 2 || length > header.size() - i) return std::nullopt;
    if ((type & ipv4_option_copied) != 0) out.insert(out.end(), header.begin() + i, header.begin() + i + length);
    i += length;
  }
  out.resize((out.size() + 3) / 4 * 4, std::byte{ipv4_option_eol});
  return out;
}

}  // namespace

std::uint16_t internet_checksum(wire::byte_span data, std::uint32_t initial) noexcept {
  return complement(fold(sum_words(data, initial)));
}

std::uint32_t ipv6_pseudo_header_sum(const ipv6_address& src, const ipv6_address& dst, std::uint32_t length,
                                     std::uint8_t next_header) noexcept {
  // At most 34 words: no overflow.
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < src.size(); i += 2)
    sum += wire::load_u16(src.data() + i) + wire::load_u16(dst.data() + i);
  return sum + (length >> 16) + (length & 0xffffu) + next_header;
}

std::uint16_t checksum_update(std::uint16_t checksum, std::uint16_t old_word, std::uint16_t new_word) noexcept {
  const std::uint64_t sum = std::uint64_t{complement(checksum)} + complement(old_word) + new_word;
  return complement(fold(sum));
}

std::uint8_t ip_version(wire::byte_span packet) noexcept {
  return packet.empty() ? 0 : static_cast<std::uint8_t>(byte_at(packet, 0) >> 4);
}

wire::result<ipv4_header> parse_ipv4(wire::byte_span packet) {
  if (packet.empty()) return wire::error{"truncated IPv4 header", 0};
  if (ip_version(packet) != 4) return wire::error{"not IPv4", 0};
  const std::size_t header_length = std::size_t{byte_at(packet, 0) & 0x0fu} * 4;
  if (header_length < ipv4_min_header) return wire::error{"IPv4 header length below 20", 0};
  if (packet.size() < header_length) return wire::error{"truncated IPv4 header", packet.size()};

  const std::byte* p = packet.data();
  ipv4_header h;
  h.header_length = static_cast<std::uint8_t>(header_length);
  h.tos = byte_at(packet, 1);
  h.total_length = wire::load_u16(p + 2);
  h.id = wire::load_u16(p + 4);
  const std::uint16_t flags_offset = wire::load_u16(p + 6);
  h.df = (flags_offset & ipv4_flag_df) != 0;
  h.mf = (flags_offset & ipv4_flag_mf) != 0;
  h.fragment_offset = static_cast<std::uint16_t>((flags_offset & ipv4_offset_mask) * 8);
  h.ttl = byte_at(packet, 8);
  h.protocol = byte_at(packet, 9);
  h.checksum = wire::load_u16(p + 10);
  h.src = wire::load_u32(p + 12);
  h.dst = wire::load_u32(p + 16);
  if (h.total_length < header_length) return wire::error{"IPv4 total length below header length", 2};
  if (h.total_length > packet.size()) return wire::error{"IPv4 total length beyond packet", 2};
  return h;
}

bool ipv4_header_checksum_ok(wire::byte_span packet) noexcept {
  if (ip_version(packet) != 4) return false;
  const std::size_t header_length = std::size_t{byte_at(packet, 0) & 0x0fu} * 4;
  if (header_length < ipv4_min_header || packet.size() < header_length) return false;
  return internet_checksum(packet.first(header_length)) == 0;
}

wire::result<ipv6_header> parse_ipv6(wire::byte_span packet) {
  if (packet.empty()) return wire::error{"truncated IPv6 header", 0};
  if (ip_version(packet) != 6) return wire::error{"not IPv6", 0};
  if (packet.size() < ipv6_header_size) return wire::error{"truncated IPv6 header", packet.size()};

  const std::byte* p = packet.data();
  ipv6_header h;
  const std::uint32_t first_word = wire::load_u32(p);
  h.traffic_class = static_cast<std::uint8_t>((first_word >> 20) & 0xffu);
  h.flow_label = first_word & 0xfffffu;
  h.payload_length = wire::load_u16(p + 4);
  h.next_header = byte_at(packet, 6);
  h.hop_limit = byte_at(packet, 7);
  std::copy_n(p + 8, h.src.size(), h.src.begin());
  std::copy_n(p + 24, h.dst.size(), h.dst.begin());
  if (h.payload_length > packet.size() - ipv6_header_size) return wire::error{"IPv6 payload length beyond packet", 4};
  return h;
}

std::optional<std::uint32_t> ipv4_source(wire::byte_span packet) {
  auto h = parse_ipv4(packet);
  if (!h) return std::nullopt;
  return h->src;
}

std::optional<ipv6_address> ipv6_source(wire::byte_span packet) {
  auto h = parse_ipv6(packet);
  if (!h) return std::nullopt;
  return h->src;
}

std::uint16_t mss_for_mtu(std::uint16_t mtu, bool ipv6) noexcept {
  const std::uint16_t overhead = ipv6 ? 60 : 40;
  return mtu > overhead ? static_cast<std::uint16_t>(mtu - overhead) : 0;
}

bool clamp_tcp_mss(std::span<std::byte> packet, std::uint16_t max_mss) noexcept {
  const wire::byte_span view{packet.data(), packet.size()};
  auto segment = tcp_segment(view);
  if (!segment) return false;
  return clamp_segment(view.subspan(segment->first, segment->second), packet.data() + segment->first, max_mss);
}

bool tcp_mss_above(wire::byte_span packet, std::uint16_t max_mss) noexcept {
  auto segment = tcp_segment(packet);
  if (!segment) return false;
  return clamp_segment(packet.subspan(segment->first, segment->second), nullptr, max_mss);
}

wire::bytes make_icmp_frag_needed(wire::byte_span original, std::uint16_t next_hop_mtu, std::uint32_t our_address,
                                  std::uint16_t id) {
  auto h = parse_ipv4(original);
  // Code 4 says "DF set": a packet without DF is to be fragmented instead.
  if (!h || !h->df || h->fragment_offset != 0) return {};
  if (!is_single_host(h->src) || is_broadcast_or_multicast(h->dst)) return {};
  if (h->protocol == proto::icmp) {
    // Without the type we cannot tell an error from a query: stay silent.
    if (h->total_length <= h->header_length) return {};
    if (!is_icmp_query(byte_at(original, h->header_length))) return {};
  }

  const std::size_t quoted =
      std::min<std::size_t>(h->total_length, icmp_error_max - ipv4_min_header - icmp_header_size);
  const std::size_t total = ipv4_min_header + icmp_header_size + quoted;
  wire::bytes out;
  out.reserve(total);
  wire::writer w{out};
  w.u8(0x45);  // version 4, IHL 5
  w.u8(tos_internetwork_control);
  w.u16(static_cast<std::uint16_t>(total));
  w.u16(id);
  w.u16(0);  // flags, offset: may be fragmented on a path below 576 bytes
  w.u8(default_ttl);
  w.u8(proto::icmp);
  w.u16(0);  // header checksum, below
  w.u32(our_address);
  w.u32(h->src);
  w.u8(icmp_dest_unreachable);
  w.u8(icmp_code_frag_needed);
  w.u16(0);  // ICMP checksum, below
  w.u16(0);  // unused
  w.u16(next_hop_mtu);
  w.put(original.first(quoted));

  const wire::byte_span all{out.data(), out.size()};
  store_u16(out.data() + 10, internet_checksum(all.first(ipv4_min_header)));
  store_u16(out.data() + ipv4_min_header + 2, internet_checksum(all.subspan(ipv4_min_header)));
  return out;
}

wire::bytes make_icmpv6_packet_too_big(wire::byte_span original, std::uint32_t mtu, const ipv6_address& our_address) {
  auto h = parse_ipv6(original);
  if (!h) return {};
  constexpr ipv6_address unspecified{};
  if (h->src == unspecified || h->src[0] == std::byte{0xff}) return {};
  const wire::byte_span packet = original.first(ipv6_header_size + h->payload_length);
  auto l4 = find_upper_layer(packet, h->next_header);
  if (!l4) return {};
  if (!l4->later_fragment && l4->protocol == proto::icmpv6) {
    if (l4->offset >= packet.size()) return {};  // no type: cannot rule out an error
    if (byte_at(packet, l4->offset) < icmpv6_first_informational) return {};
  }

  const std::size_t quoted = std::min<std::size_t>(packet.size(), ipv6_min_mtu - ipv6_header_size - icmp_header_size);
  const auto length = static_cast<std::uint16_t>(icmp_header_size + quoted);
  wire::bytes out;
  out.reserve(ipv6_header_size + length);
  wire::writer w{out};
  w.u32(0x60000000u);  // version 6, traffic class 0, flow label 0
  w.u16(length);
  w.u8(proto::icmpv6);
  w.u8(default_ttl);
  put_address(w, our_address);
  put_address(w, h->src);
  w.u8(icmpv6_packet_too_big);
  w.u8(0);   // code
  w.u16(0);  // checksum, below
  w.u32(mtu);
  w.put(packet.first(quoted));

  const wire::byte_span message = wire::byte_span{out.data(), out.size()}.subspan(ipv6_header_size);
  const std::uint32_t pseudo = ipv6_pseudo_header_sum(our_address, h->src, length, proto::icmpv6);
  store_u16(out.data() + ipv6_header_size + 2, internet_checksum(message, pseudo));
  return out;
}

std::optional<std::vector<wire::bytes>> fragment_ipv4(wire::byte_span packet, std::uint16_t mtu) {
  if (mtu < ipv4_min_mtu) return std::nullopt;
  auto h = parse_ipv4(packet);
  if (!h || h->df || !ipv4_header_checksum_ok(packet)) return std::nullopt;
  const wire::byte_span header = packet.first(h->header_length);
  const wire::byte_span payload = packet.subspan(h->header_length, h->total_length - h->header_length);
  // The reassembled datagram must fit the 13-bit offset field (RFC 791 §3.2).
  if (std::size_t{h->fragment_offset} + payload.size() > 0xffffu) return std::nullopt;
  if (h->total_length <= mtu) return std::vector<wire::bytes>{wire::to_bytes(packet.first(h->total_length))};

  auto later_header = later_fragment_header(header);
  if (!later_header) return std::nullopt;
  const auto reserved_flag = static_cast<std::uint16_t>(wire::load_u16(header.data() + 6) & ipv4_flag_reserved);

  std::vector<wire::bytes> fragments;
  std::size_t position = 0;
  while (position < payload.size()) {
    const wire::byte_span fragment_header =
        fragments.empty() ? header : wire::byte_span{later_header->data(), later_header->size()};
    // mtu >= 68 and a header <= 60 bytes leave room for at least 8 bytes.
    const std::size_t room = (mtu - fragment_header.size()) / 8 * 8;
    const std::size_t n = std::min(room, payload.size() - position);
    const bool last = position + n == payload.size();

    wire::bytes f;
    f.reserve(fragment_header.size() + n);
    f.insert(f.end(), fragment_header.begin(), fragment_header.end());
    f.insert(f.end(), payload.begin() + static_cast<std::ptrdiff_t>(position),
             payload.begin() + static_cast<std::ptrdiff_t>(position + n));
    f[0] = static_cast<std::byte>(0x40u | (fragment_header.size() / 4));
    store_u16(f.data() + 2, static_cast<std::uint16_t>(f.size()));
    auto flags_offset = static_cast<std::uint16_t>(reserved_flag | ((h->fragment_offset + position) / 8));
    if (!last || h->mf) flags_offset |= ipv4_flag_mf;
    store_u16(f.data() + 6, flags_offset);
    store_u16(f.data() + 10, 0);
    store_u16(f.data() + 10, internet_checksum(wire::byte_span{f.data(), fragment_header.size()}));
    fragments.push_back(std::move(f));
    position += n;
  }
  return fragments;
}

wire::bytes make_icmp_echo_request(std::uint32_t src, std::uint32_t dst, std::uint16_t identifier,
                                   std::uint16_t sequence, std::size_t total_size) {
  constexpr std::size_t headers = ipv4_min_header + icmp_header_size;
  total_size = std::clamp<std::size_t>(total_size, headers, 0xffff);
  wire::bytes out;
  out.reserve(total_size);
  wire::writer w{out};
  w.u8(0x45);  // version 4, IHL 5
  w.u8(0);
  w.u16(static_cast<std::uint16_t>(total_size));
  w.u16(sequence);  // Identification
  w.u16(0);         // flags, offset
  w.u8(default_ttl);
  w.u8(proto::icmp);
  w.u16(0);  // header checksum, below
  w.u32(src);
  w.u32(dst);
  w.u8(icmp_echo_request);
  w.u8(0);
  w.u16(0);  // ICMP checksum, below
  w.u16(identifier);
  w.u16(sequence);
  for (std::size_t i = headers; i < total_size; ++i) w.u8(static_cast<std::uint8_t>(i));
  const wire::byte_span all{out.data(), out.size()};
  store_u16(out.data() + 10, internet_checksum(all.first(ipv4_min_header)));
  store_u16(out.data() + ipv4_min_header + 2, internet_checksum(all.subspan(ipv4_min_header)));
  return out;
}

std::optional<icmp_echo> parse_icmp_echo_reply(wire::byte_span packet) {
  auto h = parse_ipv4(packet);
  if (!h || h->protocol != proto::icmp || h->fragment_offset != 0) return std::nullopt;
  if (h->total_length < h->header_length + icmp_header_size) return std::nullopt;
  const auto icmp = packet.subspan(h->header_length);
  if (byte_at(icmp, 0) != icmp_echo_reply) return std::nullopt;
  return icmp_echo{h->src, wire::load_u16(icmp.data() + 4), wire::load_u16(icmp.data() + 6)};
}

}  // namespace bras::ip

// Shared by the ip_packet_test test files: fixtures and helpers.
#pragma once

#include <algorithm>
#include <map>
#include <random>
#include "protocol/ip/packet.hpp"
#include "tests/unit/test_util.hpp"

namespace bras::ip {
// Named (not anonymous): several test files share these; unique, so no ODR clash with other tests.
namespace ip_test {
using test::hex;
using test::span;

// --- Vectors ----------------------------------------------------------------
// Checked with tshark (ip.check_checksum, tcp.check_checksum): both checksums
// correct, MSS option 1460.

/// A Linux-style SYN, 10.0.0.2:50000 -> 198.51.100.7:80.
const wire::bytes ipv4_syn =
    hex("45 00 00 3c # version 4, IHL 5, TOS 0, total length 60\n"
        "1c 46 40 00 # id 0x1c46, DF, offset 0\n"
        "40 06 ea 39 # TTL 64, TCP, header checksum\n"
        "0a 00 00 02 # source 10.0.0.2\n"
        "c6 33 64 07 # destination 198.51.100.7\n"
        "c3 50 00 50 # TCP: ports 50000 -> 80\n"
        "3a 5c 1e 01 # sequence number\n"
        "00 00 00 00 # acknowledgement number\n"
        "a0 02 fa f0 # data offset 10 (40 bytes), SYN, window 64240\n"
        "1a 93 00 00 # checksum, urgent pointer\n"
        "02 04 05 b4 # MSS 1460\n"
        "04 02       # SACK permitted\n"
        "08 0a 00 01 e2 40 00 00 00 00 # timestamps\n"
        "01          # NOP\n"
        "03 03 07    # window scale 7\n");
constexpr std::size_t ipv4_syn_mss_at = 20 + 20 + 2;

/// The same SYN over IPv6, 2001:db8::2 -> 2001:db8:1::7.
const wire::bytes ipv6_syn =
    hex("60 00 00 00 # version 6, traffic class 0, flow label 0\n"
        "00 28 06 40 # payload length 40, next header TCP, hop limit 64\n"
        "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02 # source 2001:db8::2\n"
        "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 07 # destination 2001:db8:1::7\n"
        "c3 50 00 50 3a 5c 1e 01 00 00 00 00 # TCP: ports, sequence, acknowledgement\n"
        "a0 02 fa f0 f3 53 00 00 # data offset 10, SYN, window, checksum, urgent\n"
        "02 04 05 b4 04 02 08 0a 00 01 e2 40 00 00 00 00 01 03 03 07 # MSS 1460, ...\n");

/// The same again behind a Hop-by-Hop Options header.
const wire::bytes ipv6_hop_by_hop_syn =
    hex("60 00 00 00 # version 6\n"
        "00 30 00 40 # payload length 48, next header Hop-by-Hop, hop limit 64\n"
        "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02 # source 2001:db8::2\n"
        "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 07 # destination 2001:db8:1::7\n"
        "06 00       # Hop-by-Hop: next header TCP, length 8 bytes\n"
        "01 04 00 00 00 00 # PadN\n"
        "c3 50 00 50 3a 5c 1e 01 00 00 00 00 # TCP\n"
        "a0 02 fa f0 f3 53 00 00\n"
        "02 04 05 b4 04 02 08 0a 00 01 e2 40 00 00 00 00 01 03 03 07 # MSS 1460, ...\n");

constexpr std::uint32_t subscriber = 0x0a000002;  // 10.0.0.2
constexpr std::uint32_t server = 0xc6336407;      // 198.51.100.7
constexpr std::uint32_t lns = 0xc0000201;         // 192.0.2.1

inline ipv6_address v6(std::string_view text) {
  auto b = hex(text);
  ipv6_address a{};
  EXPECT_EQ(b.size(), a.size());
  std::copy_n(b.begin(), std::min(b.size(), a.size()), a.begin());
  return a;
}
const ipv6_address v6_subscriber = v6("20010db8 00000000 00000000 00000002");
const ipv6_address v6_server = v6("20010db8 00010000 00000000 00000007");
const ipv6_address v6_lns = v6("20010db8 ffff0000 00000000 00000001");

// --- Builders and independent checks ----------------------------------------

inline void put16(wire::bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::byte>(v >> 8);
  b[at + 1] = static_cast<std::byte>(v & 0xff);
}
inline std::uint8_t at8(const wire::bytes& b, std::size_t at) {
  return std::to_integer<std::uint8_t>(b[at]);
}
inline std::uint16_t at16(const wire::bytes& b, std::size_t at) {
  return wire::load_u16(b.data() + at);
}

inline wire::bytes filler(std::size_t n, unsigned seed = 1) {
  wire::bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>((i * 7 + seed) & 0xff);
  return b;
}

/// An IPv4 packet with a correct header checksum.
inline wire::bytes ipv4_packet(std::uint8_t protocol, const wire::bytes& payload, std::uint16_t flags_offset = 0x4000,
                               const wire::bytes& options = {}, std::uint32_t src = subscriber,
                               std::uint32_t dst = server) {
  wire::bytes p;
  wire::writer w{p};
  w.u8(static_cast<std::uint8_t>(0x40 | ((20 + options.size()) / 4)));
  w.u8(0);
  w.u16(static_cast<std::uint16_t>(20 + options.size() + payload.size()));
  w.u16(0x1234);
  w.u16(flags_offset);
  w.u8(64);
  w.u8(protocol);
  w.u16(0);
  w.u32(src);
  w.u32(dst);
  w.put(options);
  put16(p, 10, internet_checksum(span(p)));
  w.put(payload);
  return p;
}

inline wire::bytes ipv6_packet(std::uint8_t next_header, const wire::bytes& payload,
                               const ipv6_address& src = v6_subscriber, const ipv6_address& dst = v6_server) {
  wire::bytes p;
  wire::writer w{p};
  w.u32(0x60000000);
  w.u16(static_cast<std::uint16_t>(payload.size()));
  w.u8(next_header);
  w.u8(64);
  w.put(wire::byte_span{src.data(), src.size()});
  w.put(wire::byte_span{dst.data(), dst.size()});
  w.put(payload);
  return p;
}

/// A TCP header with `options` (padded by the caller) and a zero checksum.
inline wire::bytes tcp_header(const wire::bytes& options, std::uint8_t flags = 0x02) {
  wire::bytes t = hex("c350 0050 3a5c1e01 00000000 0000 faf0 0000 0000");
  t[12] = static_cast<std::byte>(((20 + options.size()) / 4) << 4);
  t[13] = static_cast<std::byte>(flags);
  t.insert(t.end(), options.begin(), options.end());
  return t;
}

/// The pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1) of the upper-layer data
/// at `l4` in `packet`, built from the raw bytes without the module's parser.
inline wire::bytes pseudo_header(const wire::bytes& packet, std::size_t l4, std::uint8_t protocol) {
  wire::bytes ph;
  wire::writer w{ph};
  const auto length = static_cast<std::uint32_t>(packet.size() - l4);
  if ((at8(packet, 0) >> 4) == 4) {
    w.put(wire::byte_span{packet.data() + 12, 8});
    w.u8(0);
    w.u8(protocol);
    w.u16(static_cast<std::uint16_t>(length));
  } else {
    w.put(wire::byte_span{packet.data() + 8, 32});
    w.u32(length);
    w.zeros(3);
    w.u8(protocol);
  }
  return ph;
}

/// Sums pseudo-header and upper-layer data from scratch: 0 when the checksum is right.
inline std::uint16_t upper_layer_checksum(const wire::bytes& packet, std::size_t l4, std::uint8_t protocol) {
  wire::bytes all = pseudo_header(packet, l4, protocol);
  all.insert(all.end(), packet.begin() + static_cast<std::ptrdiff_t>(l4), packet.end());
  return internet_checksum(span(all));
}

/// Fills in the TCP checksum of a packet whose TCP header starts at `l4`.
inline void set_tcp_checksum(wire::bytes& packet, std::size_t l4) {
  put16(packet, l4 + 16, 0);
  put16(packet, l4 + 16, upper_layer_checksum(packet, l4, proto::tcp));
}

inline wire::bytes ipv4_syn_with_options(const wire::bytes& options, std::uint8_t flags = 0x02) {
  auto p = ipv4_packet(proto::tcp, tcp_header(options, flags));
  set_tcp_checksum(p, 20);
  return p;
}

// --- Checksum ---------------------------------------------------------------

}  // namespace ip_test
}  // namespace bras::ip

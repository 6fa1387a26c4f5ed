// Small IPv4 helpers shared by the interop PPP peers (ppp_standin.cpp,
// ppp_stdio_client.cpp): dotted-quad text, and ICMP echo packets built and
// checked by hand so a ping through the device under test needs no socket.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/common/bytes.hpp"

namespace bras::interop {

/// "a.b.c.d" of a host-order address.
inline std::string dotted(std::uint32_t host_order) {
  return std::to_string(host_order >> 24) + "." + std::to_string((host_order >> 16) & 0xff) + "." +
         std::to_string((host_order >> 8) & 0xff) + "." + std::to_string(host_order & 0xff);
}

/// A host-order address from "a.b.c.d", if that is all `s` holds.
inline std::optional<std::uint32_t> parse_ipv4(std::string_view s) {
  std::uint32_t out = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (s.empty() || s.front() != '.') return std::nullopt;
      s.remove_prefix(1);
    }
    std::uint32_t octet = 0;
    std::size_t digits = 0;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9' && digits < 3) {
      octet = octet * 10 + static_cast<std::uint32_t>(s.front() - '0');
      s.remove_prefix(1);
      ++digits;
    }
    if (digits == 0 || octet > 255) return std::nullopt;
    out = (out << 8) | octet;
  }
  if (!s.empty()) return std::nullopt;
  return out;
}

/// 16 lowercase hex digits (IPv6 interface identifiers).
inline std::string hex64(std::uint64_t v) {
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = "0123456789abcdef"[v & 0xf];
  return out;
}

/// RFC 1071 Internet checksum of `data` (big-endian 16-bit words).
inline std::uint16_t inet_checksum(wire::byte_span data) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < data.size(); i += 2) sum += wire::load_u16(&data[i]);
  if (data.size() % 2 != 0) sum += std::to_integer<std::uint32_t>(data.back()) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

inline constexpr std::uint8_t icmp_echo_reply = 0;
inline constexpr std::uint8_t icmp_echo_request = 8;

/// IPv4 (20-byte header, DF, TTL 64) carrying ICMP type `type` (echo id, seq, data); addresses host order.
inline wire::bytes make_icmp_echo(std::uint8_t type, std::uint32_t src, std::uint32_t dst, std::uint16_t ident,
                                  std::uint16_t seq, wire::byte_span data) {
  wire::bytes p;
  wire::writer w{p};
  w.u8(0x45);  // version 4, header 5 words
  w.u8(0);     // DSCP/ECN
  w.u16(static_cast<std::uint16_t>(20 + 8 + data.size()));
  w.u16(seq);     // identification
  w.u16(0x4000);  // DF
  w.u8(64);       // TTL
  w.u8(1);        // ICMP
  const auto ip_checksum_at = w.reserve_u16();
  w.u32(src);
  w.u32(dst);
  w.patch_u16(ip_checksum_at, inet_checksum(wire::byte_span{p}.first(20)));
  w.u8(type);
  w.u8(0);  // code
  const auto icmp_checksum_at = w.reserve_u16();
  w.u16(ident);
  w.u16(seq);
  w.put(data);
  w.patch_u16(icmp_checksum_at, inet_checksum(wire::byte_span{p}.subspan(20)));
  return p;
}

struct icmp_echo {
  std::uint8_t type = 0;
  std::uint32_t src = 0;
  std::uint32_t dst = 0;
  std::uint16_t ident = 0;
  std::uint16_t seq = 0;
  wire::byte_span data;
};

/// An ICMP Echo-Request or Echo-Reply with good checksums, if `packet` is one.
inline std::optional<icmp_echo> parse_icmp_echo(wire::byte_span packet) {
  if (packet.size() < 28) return std::nullopt;
  const auto ver_ihl = std::to_integer<std::uint8_t>(packet[0]);
  const std::size_t ihl = std::size_t{ver_ihl & 0x0fu} * 4;
  if ((ver_ihl >> 4) != 4 || ihl < 20 || packet.size() < ihl + 8) return std::nullopt;
  if (inet_checksum(packet.first(ihl)) != 0) return std::nullopt;
  const std::size_t total = wire::load_u16(&packet[2]);
  if (total < ihl + 8 || total > packet.size()) return std::nullopt;
  if (std::to_integer<std::uint8_t>(packet[9]) != 1) return std::nullopt;  // not ICMP
  const auto icmp = packet.subspan(ihl, total - ihl);
  if (inet_checksum(icmp) != 0) return std::nullopt;
  const auto type = std::to_integer<std::uint8_t>(icmp[0]);
  if (type != icmp_echo_reply && type != icmp_echo_request) return std::nullopt;
  return icmp_echo{type,
                   wire::load_u32(&packet[12]),
                   wire::load_u32(&packet[16]),
                   wire::load_u16(&icmp[4]),
                   wire::load_u16(&icmp[6]),
                   icmp.subspan(8)};
}

}  // namespace bras::interop

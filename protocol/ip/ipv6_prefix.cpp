#include "protocol/ip/ipv6_prefix.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace bras::ip {

ipv6_prefix ipv6_prefix::make(const ipv6_address& address, std::uint8_t length) noexcept {
  ipv6_prefix p;
  p.length = length > 128 ? 128 : length;
  for (std::size_t i = 0; i < 16; ++i) {
    const int bits = static_cast<int>(p.length) - static_cast<int>(i) * 8;
    if (bits >= 8) {
      p.address[i] = address[i];
    } else if (bits > 0) {
      p.address[i] = address[i] & static_cast<std::byte>(0xff << (8 - bits));
    }
  }
  return p;
}

bool ipv6_prefix::contains(const ipv6_address& a) const noexcept {
  return make(a, length).address == address;
}

bool ipv6_prefix::covers(const ipv6_prefix& inner) const noexcept {
  return inner.length >= length && contains(inner.address);
}

std::uint64_t ipv6_prefix::high64() const noexcept {
  return ip::high64(address);
}

std::uint64_t high64(const ipv6_address& a) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | std::to_integer<std::uint64_t>(a[i]);
  return v;
}

std::uint64_t low64(const ipv6_address& a) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 8; i < 16; ++i) v = (v << 8) | std::to_integer<std::uint64_t>(a[i]);
  return v;
}

ipv6_address from_halves(std::uint64_t high, std::uint64_t low) noexcept {
  ipv6_address a{};
  for (std::size_t i = 0; i < 8; ++i) {
    a[7 - i] = static_cast<std::byte>(high >> (8 * i));
    a[15 - i] = static_cast<std::byte>(low >> (8 * i));
  }
  return a;
}

bool is_link_local(const ipv6_address& a) noexcept {
  return a[0] == std::byte{0xfe} && (std::to_integer<unsigned>(a[1]) & 0xc0U) == 0x80U;
}

bool is_multicast(const ipv6_address& a) noexcept {
  return a[0] == std::byte{0xff};
}

ipv6_address link_local(std::uint64_t interface_id) noexcept {
  return from_halves(0xfe80000000000000ULL, interface_id);
}

std::string to_string(const ipv6_address& a) {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET6, a.data(), text, sizeof text);
  return text;
}

std::string to_string(const ipv6_prefix& p) {
  return to_string(p.address) + "/" + std::to_string(p.length);
}

std::optional<ipv6_address> parse_ipv6_address(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string z{text};
  ipv6_address a{};
  if (::inet_pton(AF_INET6, z.c_str(), a.data()) != 1) return std::nullopt;
  return a;
}

std::optional<ipv6_prefix> parse_ipv6_prefix(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto a = parse_ipv6_address(text.substr(0, slash));
  const auto len_text = text.substr(slash + 1);
  unsigned length = 0;
  auto [end, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), length);
  if (!a || ec != std::errc{} || end != len_text.data() + len_text.size() || len_text.empty() || length > 128) {
    return std::nullopt;
  }
  auto p = ipv6_prefix::make(*a, static_cast<std::uint8_t>(length));
  if (p.address != *a) return std::nullopt;
  return p;
}

}  // namespace bras::ip

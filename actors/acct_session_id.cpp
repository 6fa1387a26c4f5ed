#include "actors/acct_session_id.hpp"

#include <cstdio>

namespace bras::actors {

acct_session_key acct_session_ids::next_key(std::uint16_t local_tunnel_id, std::uint16_t local_session_id) noexcept {
  auto n = sequence_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (n == 0) n = sequence_.fetch_add(1, std::memory_order_relaxed) + 1;  // past 2^32 sessions: 0 means none
  return {boot_, n, local_tunnel_id, local_session_id};
}

std::string acct_session_key::text() const {
  if (empty()) return {};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08X-%04X%04X-%08X", boot, local_tunnel_id, local_session_id, sequence);
  return buf;
}

namespace {
std::optional<unsigned> hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
  if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
  return std::nullopt;
}
}  // namespace

std::optional<acct_session_route> route_of(std::string_view id) noexcept {
  if (id.size() != 26 || id[8] != '-' || id[17] != '-') return std::nullopt;
  std::uint32_t v[3] = {0, 0, 0};
  const std::string_view parts[3] = {id.substr(0, 8), id.substr(9, 8), id.substr(18, 8)};
  for (int p = 0; p < 3; ++p) {
    for (const char c : parts[p]) {
      auto d = hex_digit(c);
      if (!d) return std::nullopt;
      v[p] = (v[p] << 4) | *d;
    }
  }
  return acct_session_route{static_cast<std::uint16_t>(v[1] >> 16), static_cast<std::uint16_t>(v[1] & 0xffff)};
}

}  // namespace bras::actors

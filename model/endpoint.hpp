// A UDP endpoint: what tunnels, sessions, the data plane and the snapshots
// name a peer or a local gateway by. Plain data.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace bras::model {

/// An IPv4 UDP endpoint, host byte order.
struct udp_peer {
  std::uint32_t address = 0;
  std::uint16_t port = 0;
  friend auto operator<=>(const udp_peer&, const udp_peer&) = default;
  [[nodiscard]] std::string to_string() const;
};

}  // namespace bras::model

// The PPPoE AC-Cookie: an HMAC-SHA256, truncated to 16 bytes, of what the
// PADR must come from (the client's MAC, the access port, the VLAN tags) under
// a secret that rotates. The AC keeps no state per PADI: the cookie alone
// proves that the PADR answers a PADO this AC sent to that client recently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/common/bytes.hpp"
#include "protocol/pppoe/ethernet.hpp"

namespace bras::pppoe {

/// Bytes of HMAC-SHA256 kept in the cookie: 128 bits cannot be guessed.
inline constexpr std::size_t cookie_size = 16;

/// What a cookie is bound to. `tags` tells untagged (0), single-tagged (1) and QinQ (2) apart.
struct cookie_subject {
  eth::mac_address mac{};
  std::uint16_t port = 0;
  std::uint8_t tags = 0;
  std::uint16_t outer_vid = 0;
  std::uint16_t inner_vid = 0;
};

/// The current and the previous secret; cookies under either are valid.
class cookie_jar {
 public:
  explicit cookie_jar(std::span<const std::byte> secret);

  /// The previous secret is forgotten, the current becomes the previous.
  void rotate(std::span<const std::byte> secret);
  /// The cookie for `subject` under the current secret; empty if libcrypto failed.
  [[nodiscard]] wire::bytes make(const cookie_subject& subject) const;
  /// True if `cookie` was made for `subject` under the current or the previous secret.
  [[nodiscard]] bool valid(wire::byte_span cookie, const cookie_subject& subject) const;

 private:
  wire::bytes current_;
  wire::bytes previous_;  ///< empty until the first rotation
};

}  // namespace bras::pppoe

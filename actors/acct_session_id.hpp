// Acct-Session-Id: unique across restarts and instances' lifetimes, and
// cheap to route. "BBBBBBBB-TTTTSSSS-NNNNNNNN" in hex: the boot number (kept
// in the accounting spool directory, one more at every start), the session's
// local tunnel and session IDs (so a CoA naming it reaches one tunnel and one
// session without asking every session), and a per-boot sequence number.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bras::actors {

/// One Acct-Session-Id in 12 bytes (its text is 26 characters, past std::string's inline 15): a
/// session keeps this and writes the text when a record or a query needs it.
struct acct_session_key {
  std::uint32_t boot = 0;
  std::uint32_t sequence = 0;  ///< 0: none (the sequence starts at 1)
  std::uint16_t local_tunnel_id = 0;
  std::uint16_t local_session_id = 0;
  [[nodiscard]] bool empty() const noexcept { return sequence == 0; }
  /// "BBBBBBBB-TTTTSSSS-NNNNNNNN"; empty for none.
  [[nodiscard]] std::string text() const;
};

class acct_session_ids {
 public:
  explicit acct_session_ids(std::uint32_t boot) noexcept : boot_(boot) {}
  /// A new Acct-Session-Id for session (tunnel, session). Thread-safe.
  [[nodiscard]] std::string next(std::uint16_t local_tunnel_id, std::uint16_t local_session_id) {
    return next_key(local_tunnel_id, local_session_id).text();
  }
  /// The same, kept as numbers.
  [[nodiscard]] acct_session_key next_key(std::uint16_t local_tunnel_id, std::uint16_t local_session_id) noexcept;
  [[nodiscard]] std::uint32_t boot() const noexcept { return boot_; }

 private:
  std::uint32_t boot_;
  std::atomic<std::uint32_t> sequence_{0};
};

/// The local tunnel and session IDs in an Acct-Session-Id of ours; nullopt for any other string.
struct acct_session_route {
  std::uint16_t local_tunnel_id = 0;
  std::uint16_t local_session_id = 0;
};
[[nodiscard]] std::optional<acct_session_route> route_of(std::string_view acct_session_id) noexcept;

}  // namespace bras::actors

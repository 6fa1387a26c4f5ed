// The DHCPv6 server of one PPP session (RFC 8415 §18.3), as a pure function
// of the session's binding: it answers the subscriber's Solicit (Advertise,
// or Reply with Rapid Commit, §18.3.1), Request / Renew / Rebind (Reply with
// the delegated prefix, §18.3.2-18.3.5), Release (§18.3.7), Decline
// (§18.3.8), Confirm (§18.3.3) and Information-Request (§18.3.6), with DNS
// servers (RFC 3646). "Stateless" in the sense that there is no lease
// database: the session holds exactly one delegated prefix from AAA, so every
// answer follows from it. Messages that RFC 8415 §16 says to discard (no
// Client Identifier, a Server Identifier that is not ours, one where none is
// allowed, a server-to-client type, a relay message) are dropped with a reason.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/common/bytes.hpp"
#include "protocol/dhcpv6/message.hpp"
#include "protocol/ip/ipv6_prefix.hpp"

namespace bras::dhcpv6 {

/// What the server is configured with (per instance).
struct server_config {
  wire::bytes server_duid;   ///< our DUID: the Server Identifier, stable across restarts
  bool rapid_commit = true;  ///< honour Rapid Commit in a Solicit (RFC 8415 §18.3.1)
  std::uint32_t preferred_lifetime = 3600;
  std::uint32_t valid_lifetime = 7200;
  std::uint32_t t1 = 1800;  ///< 0: left to the client (RFC 8415 §21.21)
  std::uint32_t t2 = 2880;
  std::uint8_t preference = 255;  ///< in Advertise: 255 tells the client not to wait for others
  std::vector<ip::ipv6_address> dns_servers;
};

/// The session's side of the conversation.
struct binding {
  std::optional<ip::ipv6_prefix> delegated;  ///< the prefix AAA gave the session; none: NoPrefixAvail
  std::optional<ip::ipv6_prefix> link;       ///< the session's /64 (Confirm checks addresses against it)
  std::optional<wire::bytes> client_duid;    ///< the DUID that holds `delegated` once bound
  bool bound = false;                        ///< a Reply granted the prefix and it was not released since
};

/// A message was answered; `reply` is the UDP payload to send to the client's port 546.
struct answer {
  wire::bytes reply;
  msg_type reply_type = msg_type::reply;
};
/// Why a message gets no answer: `invalid`: RFC 8415 §16 says to discard it (no Client
/// Identifier, a Server Identifier where none is allowed, a server-to-client or relay type, a
/// Confirm with no address to judge); `not_for_us`: its Server Identifier is another server's.
enum class drop_reason : std::uint8_t { invalid, not_for_us };
struct drop {
  drop_reason reason = drop_reason::invalid;
  std::string_view detail;  ///< kebab-case, for a rate-limited log ("no-client-id", ...)
};

/// What the session must do after answering: the data plane routes the delegated prefix to the
/// session while it is bound, and stops when it is released.
enum class route_change : std::uint8_t { none, bind, unbind };

struct outcome {
  std::variant<answer, drop> result;
  route_change route = route_change::none;
};

/// Handles one message from the subscriber (the decoded UDP payload, already checked to be for
/// port 547). Updates `b` (client_duid, bound) and says what to do.
[[nodiscard]] outcome handle(const server_config& config, binding& b, const message& request);

}  // namespace bras::dhcpv6

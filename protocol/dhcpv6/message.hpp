// DHCPv6 messages (RFC 8415 §8, §21): the client/server message format and
// the options a per-session prefix-delegation server and its clients use.
// Decoding takes the UDP payload and never throws: a truncated option, an
// option longer than its container, or a malformed IA gives an error with a
// reason and an offset. Options brasd does not know are kept as raw bytes and
// skipped. Relay messages (Relay-Forw/Relay-Repl) decode to their type only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/common/bytes.hpp"
#include "protocol/common/result.hpp"
#include "protocol/ip/ipv6_prefix.hpp"

namespace bras::dhcpv6 {

inline constexpr std::uint16_t client_port = 546;
inline constexpr std::uint16_t server_port = 547;

/// Message types (RFC 8415 §7.3).
enum class msg_type : std::uint8_t {
  solicit = 1,
  advertise = 2,
  request = 3,
  confirm = 4,
  renew = 5,
  rebind = 6,
  reply = 7,
  release = 8,
  decline = 9,
  reconfigure = 10,
  information_request = 11,
  relay_forw = 12,
  relay_repl = 13,
};
[[nodiscard]] const char* to_string(msg_type t) noexcept;  ///< "solicit", ...; "unknown" otherwise

/// Option codes (RFC 8415 §21, RFC 3646).
namespace option {
inline constexpr std::uint16_t client_id = 1;
inline constexpr std::uint16_t server_id = 2;
inline constexpr std::uint16_t ia_na = 3;
inline constexpr std::uint16_t ia_ta = 4;
inline constexpr std::uint16_t ia_addr = 5;
inline constexpr std::uint16_t oro = 6;
inline constexpr std::uint16_t preference = 7;
inline constexpr std::uint16_t elapsed_time = 8;
inline constexpr std::uint16_t status_code = 13;
inline constexpr std::uint16_t rapid_commit = 14;
inline constexpr std::uint16_t reconf_accept = 20;
inline constexpr std::uint16_t dns_servers = 23;
inline constexpr std::uint16_t domain_list = 24;
inline constexpr std::uint16_t ia_pd = 25;
inline constexpr std::uint16_t ia_prefix = 26;
inline constexpr std::uint16_t information_refresh_time = 32;
inline constexpr std::uint16_t sol_max_rt = 82;
}  // namespace option

/// Status codes (RFC 8415 §21.13).
enum class status : std::uint16_t {
  success = 0,
  unspec_fail = 1,
  no_addrs_avail = 2,
  no_binding = 3,
  not_on_link = 4,
  use_multicast = 5,
  no_prefix_avail = 6,
};

struct status_code {
  status code = status::success;
  std::string message;
  friend bool operator==(const status_code&, const status_code&) = default;
};

/// IA Prefix option (RFC 8415 §21.22).
struct ia_prefix {
  std::uint32_t preferred_lifetime = 0;
  std::uint32_t valid_lifetime = 0;
  ip::ipv6_prefix prefix;
  std::optional<status_code> status;
  friend bool operator==(const ia_prefix&, const ia_prefix&) = default;
};

/// IA_PD (RFC 8415 §21.21).
struct ia_pd {
  std::uint32_t iaid = 0;
  std::uint32_t t1 = 0;
  std::uint32_t t2 = 0;
  std::vector<ia_prefix> prefixes;
  std::optional<status_code> status;
  friend bool operator==(const ia_pd&, const ia_pd&) = default;
};

/// IA Address option (RFC 8415 §21.6): only read (Confirm), never granted.
struct ia_address {
  ip::ipv6_address address{};
  std::uint32_t preferred_lifetime = 0;
  std::uint32_t valid_lifetime = 0;
  friend bool operator==(const ia_address&, const ia_address&) = default;
};

/// IA_NA (RFC 8415 §21.4): brasd grants no addresses by DHCPv6 (SLAAC does); it answers
/// an IA_NA with status NoAddrsAvail.
struct ia_na {
  std::uint32_t iaid = 0;
  std::uint32_t t1 = 0;
  std::uint32_t t2 = 0;
  std::vector<ia_address> addresses;
  std::optional<status_code> status;
  friend bool operator==(const ia_na&, const ia_na&) = default;
};

/// A client/server message (RFC 8415 §8), with the options brasd reads or writes.
struct message {
  msg_type type = msg_type::solicit;
  std::uint32_t transaction_id = 0;      ///< 24 bits
  std::optional<wire::bytes> client_id;  ///< the client's DUID
  std::optional<wire::bytes> server_id;  ///< the server's DUID
  std::vector<ia_na> ia_nas;
  std::vector<ia_pd> ia_pds;
  std::vector<std::uint16_t> oro;  ///< Option Request
  std::optional<std::uint16_t> elapsed_time;
  std::optional<std::uint8_t> preference;
  std::optional<status_code> status;  ///< message-level Status Code
  bool rapid_commit = false;
  bool reconf_accept = false;
  std::vector<ip::ipv6_address> dns_servers;  ///< RFC 3646
  std::optional<std::uint32_t> information_refresh_time;
  bool has_ia_ta = false;  ///< an IA_TA was present (not granted: answered NoAddrsAvail)
  friend bool operator==(const message&, const message&) = default;
};

/// Decodes a client/server message; Relay-Forw/Relay-Repl give an error "relay message".
/// Repeated singleton options (two Client Identifiers, ...) are an error. An IA_NA/IA_PD with T1 > T2
/// (both nonzero) in an Advertise/Reply/Reconfigure is left out, the rest kept (RFC 8415 §21.21).
[[nodiscard]] wire::result<message> decode(wire::byte_span payload);
/// Encodes `m`: options in the order client id, server id, IAs, status, the rest.
[[nodiscard]] wire::bytes encode(const message& m);

/// DUID-UUID (RFC 6355, type 4) from 16 bytes.
[[nodiscard]] wire::bytes duid_uuid(const std::array<std::byte, 16>& uuid);
/// DUID-LL (RFC 8415 §11.4, type 3) for a 48-bit MAC (hardware type 1).
[[nodiscard]] wire::bytes duid_ll(const std::array<std::byte, 6>& mac);

}  // namespace bras::dhcpv6

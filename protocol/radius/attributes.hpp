// What the RADIUS attributes mean to brasd: the Access-Request it sends for a
// subscriber, the authorization it reads from an Access-Accept (and the
// Reply-Message of an Access-Reject), the Accounting-Request of a record, the
// RFC 3145 -> Acct-Terminate-Cause mapping, and CoA/Disconnect requests with
// their ACK/NAK (RFC 5176). Pure: packets in, packets out, no crypto here
// beyond what crypto.hpp does when the packet is sealed.
//
// Choices made where the RFCs leave room (as an ISP's operations would want them):
// - Session-Timeout / Idle-Timeout 0 in an Access-Accept means no limit (left unset);
//   Acct-Interim-Interval 0 means no interims, 1..59 is raised to 60 (RFC 2869 §5.16 says
//   it MUST NOT be below 60).
// - Framed-IP-Address 0.0.0.0 is malformed; 255.255.255.254 and .255 mean "from a pool".
// - RFC 3162 prefixes: the reserved byte is ignored on receipt (sent as 0); fewer prefix bytes than
//   the length needs are zero-filled; a length over 128, more than 16 bytes, or a set bit past the
//   length is malformed. encode_prefix sends only the bytes the length needs.
// - Tagged string attributes (RFC 2868 §3): a first byte 0x00..0x1F is the tag (FreeRADIUS does
//   the same for 0x00); tagged integers (Tunnel-Type, -Medium-Type, -Preference) carry the tag in
//   their first byte and a 24-bit value; a tag over 0x1F there is malformed.
// - The RFC 4679 DSL Forum VSAs are sent in Access- and Accounting-Requests; TR-101 sub-options
//   brasd does not interpret are forwarded as DSL Forum VSAs of the same number (the two
//   registries are one).
// - CoA/Disconnect: brasd matches a session on Acct-Session-Id, User-Name, Framed-IP-Address and
//   NAS-Port-Id only. Any other attribute (including the other RFC 5176 §3 identification
//   attributes, which brasd could not check, and change attributes in a Disconnect-Request, which
//   RFC 5176 §3 forbids) is listed in `unsupported`, so the request is NAKed with 401 rather than
//   acted on more widely than it asked.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/common/bytes.hpp"
#include "protocol/common/result.hpp"
#include "protocol/ip/ipv6_prefix.hpp"
#include "protocol/l2tp/tunnel_candidate.hpp"
#include "protocol/pppoe/access_line.hpp"
#include "protocol/radius/packet.hpp"

namespace bras::radius {

/// An IPv6 prefix as RADIUS carries it (RFC 3162 §2.3): length and up to 16 bytes.
using ipv6_prefix = ip::ipv6_prefix;
/// The 18-byte-at-most RFC 3162 encoding (reserved, length, prefix bytes) and its decoder.
[[nodiscard]] wire::bytes encode_prefix(const ipv6_prefix& p);
[[nodiscard]] std::optional<ipv6_prefix> decode_prefix(wire::byte_span value) noexcept;

/// Who the NAS is: in every request.
struct nas_identity {
  std::uint32_t ip_address = 0;  ///< NAS-IP-Address (host order); 0: left out
  std::string identifier;        ///< NAS-Identifier; empty: left out
};

/// Where the subscriber is: the port attributes of Access- and Accounting-Requests.
struct subscriber_line {
  std::uint32_t nas_port = 0;  ///< NAS-Port: the session's interface unit
  std::string nas_port_id;     ///< NAS-Port-Id (87): e.g. "l2tp:<tunnel>:<session>" or the access interface:vlan
  std::uint32_t nas_port_type = nas_port_type_virtual;
  std::string calling_station_id;          ///< Calling-Station-Id (31): L2TP Calling Number / PPPoE MAC or circuit
  std::string called_station_id;           ///< Called-Station-Id (30): L2TP Called Number
  std::string connect_info;                ///< Connect-Info (77): e.g. "<tx>/<rx>" connect speeds; empty: none
  std::optional<pppoe::access_line> line;  ///< RFC 4679 DSL Forum VSAs (from PPPoE TR-101 or the RFC 5515 AVPs)
};

/// The credentials (RFC 2865 §5.2/§5.3, RFC 1994 CHAP-MD5).
struct credentials {
  std::string user;
  bool chap = false;
  std::string password;  ///< PAP: clear (hidden when the request is sealed)
  std::uint8_t chap_id = 0;
  wire::bytes challenge;  ///< CHAP-Challenge (60), or the Request Authenticator when it is 16 bytes
  wire::bytes response;   ///< the 16-byte CHAP response (CHAP-Password = id + response)
};

/// An Access-Request for one subscriber (seal it with crypto.hpp's seal_request). The User-Password
/// attribute holds the clear password; Service-Type Framed, Framed-Protocol PPP and
/// Acct-Session-Id (when not empty) are included.
[[nodiscard]] packet make_access_request(const nas_identity& nas, const credentials& c, const subscriber_line& line,
                                         std::string_view acct_session_id);

/// A Status-Server (RFC 5997) probe: NAS identity only.
[[nodiscard]] packet make_status_server(const nas_identity& nas);

/// What an Access-Accept grants. Values the session does not use are kept for accounting (Class).
struct authorization {
  /// Framed-IP-Address: an address; 255.255.255.254 (NAS selects) becomes `from_pool` with no address;
  /// 255.255.255.255 (user selects) is treated as NAS-selects.
  std::optional<std::uint32_t> framed_ip;
  bool from_pool = false;
  std::string framed_pool;                           ///< Framed-Pool (88)
  std::optional<ipv6_prefix> framed_ipv6_prefix;     ///< (97)
  std::optional<ipv6_prefix> delegated_ipv6_prefix;  ///< (123)
  std::string framed_ipv6_pool;                      ///< (100)
  std::string delegated_ipv6_pool;                   ///< (171)
  std::optional<std::chrono::seconds> session_timeout;
  std::optional<std::chrono::seconds> idle_timeout;
  std::optional<std::chrono::seconds> interim_interval;  ///< Acct-Interim-Interval (85)
  std::vector<wire::bytes> classes;                      ///< Class (25), echoed in every accounting record
  std::optional<std::uint16_t> framed_mtu;               ///< Framed-MTU (12)
  std::vector<std::uint32_t> dns;                        ///< MS-Primary/Secondary-DNS-Server (vendor 311, 28/29)
  std::string reply_message;                             ///< Reply-Message (18), joined by '\n'
  /// RFC 2868 tunnel attributes, one candidate per tag (tags 1-31, and 0 for untagged), sorted by
  /// preference; only candidates with Tunnel-Type L2TP (or none) and a server endpoint are kept.
  l2tp::tunnel_candidates tunnels;
  /// Tags that carried tunnel attributes but gave no candidate (not L2TP, not IPv4, or a server
  /// endpoint that is not "a.b.c.d[:port]", e.g. an FQDN): for a warning in the log.
  std::vector<std::uint8_t> ignored_tunnel_tags;
  /// The Unisphere/ERX Tunnel-Group VSA (vendor 4874, type 64), as Junos uses it: the name of a
  /// local tunnel profile to merge with `tunnels` (Tunnel-Private-Group-Id is not used for this).
  std::string tunnel_group;
};

/// Reads an Access-Accept that open_reply() passed (Tunnel-Password already clear). Malformed
/// values of known attributes are an error with the attribute's index as offset.
[[nodiscard]] wire::result<authorization> read_authorization(const packet& accept);
/// The Reply-Message of an Access-Reject (or empty).
[[nodiscard]] std::string reply_message(const packet& reply);

/// One accounting record as the session reports it (the accounting actor adds Acct-Delay-Time
/// when it seals each attempt).
struct accounting_record {
  acct_status status = acct_status::start;
  std::string session_id;  ///< Acct-Session-Id (unique across restarts)
  std::string user;
  std::uint32_t framed_ip = 0;  ///< 0: left out
  std::optional<ipv6_prefix> framed_ipv6_prefix;
  std::optional<ipv6_prefix> delegated_ipv6_prefix;
  subscriber_line line;
  std::vector<wire::bytes> classes;
  std::uint32_t event_timestamp = 0;                    ///< Event-Timestamp (55): when it happened (Unix seconds)
  std::uint32_t session_time = 0;                       ///< Acct-Session-Time (interim, stop)
  std::uint64_t input_octets = 0, output_octets = 0;    ///< from the subscriber / to it (Gigawords added above 2^32)
  std::uint64_t input_packets = 0, output_packets = 0;  ///< 32-bit on the wire (wrap)
  /// IPv6 alone (included above), in ERX-IPv6-Acct-* (vendor 4874, 151-156) on Interim and Stop
  /// when the session has an IPv6 prefix or IPv6 traffic; none of them: left out.
  std::uint64_t ipv6_input_octets = 0, ipv6_output_octets = 0;
  std::uint64_t ipv6_input_packets = 0, ipv6_output_packets = 0;
  std::uint32_t terminate_cause = 0;  ///< Stop only; 0: left out
  bool authentic_local = false;       ///< Acct-Authentic: RADIUS (1) or Local (2)
};

/// The Accounting-Request for `r`, with NAS identity and Acct-Delay-Time (seal it with seal_request).
/// Start/Interim/Stop carry the session's attributes (counters on Interim and Stop, the cause on
/// Stop); Accounting-On/Off carry only NAS identity, Acct-Session-Id, Event-Timestamp and
/// Acct-Delay-Time.
[[nodiscard]] packet make_accounting_request(const nas_identity& nas, const accounting_record& r,
                                             std::uint32_t delay_seconds);
/// The record back from an Accounting-Request (the spool stores packets; tests read them back).
/// The NAS identity and Acct-Delay-Time are not part of the record: see acct_delay().
[[nodiscard]] wire::result<accounting_record> read_accounting_request(const packet& p);
/// Acct-Delay-Time of an Accounting-Request (nullopt when absent or malformed).
[[nodiscard]] std::optional<std::uint32_t> acct_delay(const packet& p) noexcept;
/// Sets Acct-Delay-Time in place (added when absent): a retry of a spooled record.
void set_acct_delay(packet& p, std::uint32_t delay_seconds);

/// RFC 3145 PPP disconnect cause (and who saw it) -> Acct-Terminate-Cause, with the message for the
/// cases the cause alone leaves open ("session-timeout", "idle-timeout", "admin-close", "cdn-received", ...).
[[nodiscard]] std::uint32_t terminate_cause_of(std::uint16_t ppp_cause, std::uint8_t direction,
                                               std::string_view message) noexcept;

/// A CoA-Request or Disconnect-Request (RFC 5176) as brasd acts on it.
struct dynamic_request {
  bool disconnect = false;  ///< Disconnect-Request; else CoA-Request
  // Session identification (§3): any of these; every one given must match.
  std::optional<std::string> acct_session_id;
  std::optional<std::string> user;
  std::optional<std::uint32_t> framed_ip;
  std::optional<std::string> nas_port_id;
  // The NAS identification attributes, checked by the caller against ours.
  std::optional<std::uint32_t> nas_ip_address;
  std::optional<std::string> nas_identifier;
  std::optional<std::array<std::byte, 16>> nas_ipv6_address;  ///< NAS-IPv6-Address: brasd has none, so a mismatch
  std::optional<std::uint32_t> event_timestamp;
  // CoA changes; 0 removes the limit (interim: stops interims; 1..59 is raised to 60).
  std::optional<std::chrono::seconds> session_timeout;
  std::optional<std::chrono::seconds> idle_timeout;
  std::optional<std::chrono::seconds> interim_interval;
  /// Attribute types present that brasd does not act on (for a 401 Unsupported-Attribute NAK);
  /// Proxy-State, Message-Authenticator, State and the identification attributes are not listed.
  std::vector<std::uint8_t> unsupported;
};

/// Reads a CoA- or Disconnect-Request that open_request() passed; an error for another code or a
/// malformed value.
[[nodiscard]] wire::result<dynamic_request> read_dynamic_request(const packet& request);

/// The ACK (no error cause) or NAK (with `error_cause`) for `request`: same identifier, Proxy-State copied
/// (RFC 5176 §3.1). An error cause 2xx (e.g. 201 Residual-Session-Context-Removed) goes in an ACK, as
/// RFC 5176 §3.5 allows; 4xx/5xx make a NAK. Seal it with seal_reply.
[[nodiscard]] packet make_dynamic_reply(const packet& request, std::optional<std::uint32_t> error_cause);

}  // namespace bras::radius

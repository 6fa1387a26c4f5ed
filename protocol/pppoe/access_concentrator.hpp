// The PPPoE access concentrator's Discovery stage (RFC 2516 §5) for every
// access port: PADI -> PADO, PADR -> PADS, PADT both ways, with the limits an
// edge needs (PADI rate globally and per MAC, sessions per MAC, per VLAN and
// in all, a cap on sessions still starting, a PADO delay that grows with
// load) and refusals that say why (Generic-Error / Service-Name-Error tags).
//
// Stateless until PADR: the AC-Cookie in the PADO is an HMAC-SHA256 of the
// client's MAC, its VLAN tags and the port under a secret that rotates (the
// current and the previous secret are accepted), so a PADI leaves nothing
// behind and a PADR is checked against the cookie alone.
//
// Pure: no I/O and no clock. receive() and the other calls return effects
// (frames to send, possibly after a delay; sessions to open or close; drops
// with their reason) and the caller performs them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/common/bytes.hpp"
#include "protocol/pppoe/access_line.hpp"
#include "protocol/pppoe/ethernet.hpp"
#include "protocol/pppoe/pppoe.hpp"

namespace bras::pppoe {

using ac_clock = std::chrono::steady_clock;

/// Tagged VLANs accepted on a port: outer (or single) VID range, and the inner VID range for QinQ.
struct vlan_rule {
  std::uint16_t outer_first = 0;
  std::uint16_t outer_last = 0;
  std::uint16_t inner_first = 0;  ///< 0..0: single-tagged only
  std::uint16_t inner_last = 0;
  unsigned max_sessions = 0;               ///< per VID pair; 0: the port's max_sessions_per_vlan
  std::vector<std::string> service_names;  ///< empty: the port's
};

/// One access port (an Ethernet interface).
struct port_config {
  eth::mac_address mac{};  ///< our MAC on it: the source of PADO/PADS/PADT
  bool untagged = true;
  std::vector<vlan_rule> vlans;
  std::vector<std::string> service_names;  ///< empty: the AC's
  unsigned max_sessions_per_vlan = 0;      ///< per tagged VID (pair); untagged is not capped; 0: unlimited
};

struct ac_config {
  std::string ac_name = "brasd";
  std::vector<std::string> service_names;  ///< offered and accepted; empty: any (PADO echoes the request)
  std::vector<port_config> ports;          ///< indexed by port number
  std::uint16_t max_payload = 1500;        ///< RFC 4638 grant cap; <= 1492: the tag is not echoed
  unsigned padi_rate = 1000;               ///< PADIs/s from all MACs (token bucket, burst = rate); 0: unlimited
  unsigned padi_rate_per_mac = 5;          ///< PADIs/s from one MAC; 0: unlimited
  unsigned max_sessions = 0;               ///< 0: unlimited (65,534 IDs per port)
  unsigned max_sessions_per_mac = 4;       ///< per MAC on one port; 0: unlimited
  unsigned max_starting = 1000;            ///< sessions opened and not yet up; 0: unlimited
  /// (active sessions, delay): from that many sessions on, PADOs wait that long. Ascending.
  std::vector<std::pair<unsigned, std::chrono::milliseconds>> pado_delay;
};

/// Why a frame was dropped or a request refused (each is one counter).
enum class refusal : std::uint8_t {
  malformed,              ///< undecodable, or breaks RFC 2516 §5 for its code
  vlan_not_configured,    ///< tagged/untagged not accepted on this port
  padi_rate,              ///< over the global PADI rate (dropped silently)
  padi_rate_per_mac,      ///< over the per-MAC PADI rate (dropped silently)
  service_name,           ///< requested Service-Name not offered (PADS with Service-Name-Error)
  bad_cookie,             ///< PADR without a valid, current AC-Cookie (dropped)
  max_sessions,           ///< PADS with AC-System-Error
  max_sessions_per_mac,   ///< PADS with Generic-Error
  max_sessions_per_vlan,  ///< PADS with Generic-Error
  max_starting,           ///< PADS with AC-System-Error ("busy")
  not_for_us,             ///< unicast to another MAC
  unexpected_code,        ///< PADO/PADS from a host, or a session-stage code here
  unknown_session,        ///< PADT for a session we do not have (or from another MAC)
};
[[nodiscard]] std::string_view to_string(refusal r) noexcept;

/// Send this Ethernet frame (complete: header, PPPoE header, tags) on `port`, after `delay`.
struct send_discovery {
  std::uint16_t port = 0;
  packet_code code = packet_code::pado;
  wire::bytes frame;
  std::chrono::milliseconds delay{0};
};

/// A PADS went out: the session exists. The caller starts PPP on it.
struct open_session {
  std::uint16_t port = 0;
  std::uint16_t session_id = 0;
  eth::header to_client;             ///< dst: the client, src: our MAC, its VLAN tags, ethertype 0x8864
  std::string service_name;          ///< as granted
  std::uint16_t max_payload = 1492;  ///< the PPP MRU/MTU limit: 1492, or the RFC 4638 value granted
  std::optional<access_line> line;   ///< the TR-101 tag of the PADR (else the PADI's is not kept: stateless)
  wire::bytes host_uniq;
};

/// The client sent PADT: the caller ends the session (and then calls session_ended without a PADT).
struct close_session {
  std::uint16_t port = 0;
  std::uint16_t session_id = 0;
  std::string reason;
};

/// A frame dropped or a request refused: count it, log it (rate-limited).
struct dropped {
  refusal why = refusal::malformed;
  std::string detail;  ///< for the log: MAC, VLAN, the decoder's reason and offset
};

using ac_effect = std::variant<send_discovery, open_session, close_session, dropped>;
using ac_effects = std::vector<ac_effect>;

class access_concentrator {
 public:
  /// `secret` seeds the cookie HMAC (random from the caller, at least 16 bytes).
  access_concentrator(ac_config config, std::span<const std::byte> secret);
  ~access_concentrator();
  access_concentrator(access_concentrator&&) noexcept;
  access_concentrator& operator=(access_concentrator&&) noexcept;

  /// A Discovery frame from access port `port`: `hdr` its Ethernet header, `pppoe` the bytes after it.
  [[nodiscard]] ac_effects receive(std::uint16_t port, const eth::header& hdr, wire::byte_span pppoe,
                                   ac_clock::time_point now);
  /// The session's call is up: it no longer counts toward max_starting.
  void session_up(std::uint16_t port, std::uint16_t session_id);
  /// The session ended for any reason: its ID and its per-MAC / per-VLAN counts are freed.
  /// With `send_padt`, the effects hold the PADT (Generic-Error carrying `reason`).
  [[nodiscard]] ac_effects session_ended(std::uint16_t port, std::uint16_t session_id, std::string_view reason,
                                         bool send_padt);
  /// Rotates the cookie secret (call every cookie lifetime); cookies under the previous one stay valid.
  void rotate_secret(std::span<const std::byte> secret);

  [[nodiscard]] std::size_t sessions() const noexcept;
  [[nodiscard]] std::size_t starting() const noexcept;
  /// MACs with a PADI rate bucket now: bounded, whatever the number of MACs seen.
  [[nodiscard]] std::size_t tracked_macs() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace bras::pppoe

// An emulated PPPoE subscriber (RFC 2516, RFC 4638, TR-101 tag): PPPoE
// Discovery from PADI to PADS, then the subscriber's PPP engine
// (protocol/ppp/client.hpp) over Session frames, optional ICMP load traffic,
// and PADT at the end. No sockets and no clock: frames, timers and events go
// to a pppoe_host (bras-loadgen --pppoe drives thousands of these from one
// thread over a packet_link). Tools only.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/ppp/client.hpp"
#include "protocol/pppoe/access_line.hpp"
#include "protocol/pppoe/ethernet.hpp"
#include "protocol/pppoe/pppoe.hpp"

namespace bras::emulator {

/// What happened to a subscriber.
struct pppoe_event {
  enum class kind : std::uint8_t {
    session_up,   ///< PADS accepted: the PPPoE session exists, PPP starts
    auth_failed,  ///< the server refused our credentials
    ipv4_up,      ///< IPCP opened (`address`)
    ipv6_up,      ///< IPv6CP opened
    finished,     ///< discovery failed, PPP ended or a PADT came (`message`)
  } what = kind::finished;
  std::uint32_t address = 0;
  std::string message;
};

/// Discovery packets of a whole run, and what was dropped (one thread: plain counters).
struct pppoe_counters {
  std::uint64_t padi_sent = 0, pado_received = 0, padr_sent = 0, pads_received = 0;
  std::uint64_t padt_sent = 0, padt_received = 0, discovery_retransmits = 0;
  std::uint64_t dropped_malformed = 0;   ///< frames that did not decode or broke RFC 2516 §5
  std::uint64_t dropped_unexpected = 0;  ///< valid, but not for this state, session or AC
  std::uint64_t traffic_sent = 0, traffic_sent_bytes = 0, traffic_received = 0, traffic_received_bytes = 0;
  bool traffic_stopped = false;  ///< set: no subscriber sends another burst
};

/// Timers of a subscriber: the PPP engine's, then ours.
inline constexpr std::uint8_t discovery_timer = ppp::timer_count;
inline constexpr std::uint8_t traffic_timer = ppp::timer_count + 1;
inline constexpr std::size_t pppoe_timer_count = ppp::timer_count + 2;

/// Where a subscriber's output goes.
class pppoe_host {
 public:
  virtual ~pppoe_host() = default;
  /// A whole Ethernet frame to put on the wire.
  virtual void send(std::uint32_t id, wire::bytes frame) = 0;
  /// Call timeout(which, generation) after `after`.
  virtual void arm(std::uint32_t id, std::uint8_t which, std::uint32_t generation, std::chrono::microseconds after) = 0;
  virtual void event(std::uint32_t id, pppoe_event e) = 0;
};

struct pppoe_subscriber_config {
  std::uint32_t id = 0;  ///< the session number (also in the MAC and the Host-Uniq)
  eth::mac_address mac{};
  std::optional<eth::vlan_tag> outer_vlan;            ///< S-tag with QinQ, else the only tag
  std::optional<eth::vlan_tag> inner_vlan;            ///< C-tag (with outer_vlan only)
  std::string service_name;                           ///< empty: any service
  std::string ac_name;                                ///< take only PADOs from this AC; empty: the first one
  std::uint16_t max_payload = 0;                      ///< RFC 4638 PPP-Max-Payload to ask for; 0: none (MRU 1492)
  std::optional<pppoe::access_line> access_line;      ///< TR-101 tag in PADI and PADR
  std::chrono::milliseconds discovery_timeout{1000};  ///< first PADI/PADR retransmission, doubled each time
  unsigned discovery_attempts = 6;                    ///< PADIs (then PADRs) before giving up
  ppp::client_config ppp;
  double traffic_pps = 0;                 ///< ICMP Echo Requests per second once IPCP is up; 0: none
  std::uint32_t traffic_destination = 0;  ///< 0: the server's IPCP address
  std::size_t traffic_size = 128;
};

/// "02:00:" and the session number: locally administered, unicast, one per session.
[[nodiscard]] eth::mac_address subscriber_mac(std::uint32_t id) noexcept;
/// The session number subscriber_mac() put into `mac`, or nullopt for any other MAC.
[[nodiscard]] std::optional<std::uint32_t> subscriber_id(const eth::mac_address& mac) noexcept;

class pppoe_subscriber {
 public:
  pppoe_subscriber(pppoe_subscriber_config config, pppoe_host& host, pppoe_counters& counters);

  /// Sends the first PADI.
  void start();
  /// A frame addressed to our MAC (VLAN tags included), already decoded.
  void receive(const eth::frame& frame);
  /// A timer armed through the host expired; stale generations are ignored.
  void timeout(std::uint8_t which, std::uint32_t generation);
  /// Hangs up: LCP Terminate then PADT in session, or stops discovering.
  void close();

  [[nodiscard]] bool ended() const noexcept { return state_ == state::ended; }
  [[nodiscard]] std::uint16_t session_id() const noexcept { return session_id_; }
  [[nodiscard]] const pppoe_subscriber_config& config() const noexcept { return config_; }

 private:
  enum class state : std::uint8_t { idle, padi_sent, padr_sent, session, ended };

  void on_discovery(const eth::frame& frame);
  void on_session(const eth::frame& frame);
  void send_padi();
  void send_padr();
  void send_padt(std::string_view reason);
  void send_discovery(const eth::mac_address& to, const pppoe::discovery& d);
  void send_ppp(wire::byte_span ppp_frame);
  void perform(ppp::effects fx);
  void arm(std::uint8_t which, std::chrono::microseconds after);
  void end(std::string message);
  void send_traffic();
  [[nodiscard]] std::vector<pppoe::tag> common_tags() const;

  pppoe_subscriber_config config_;
  pppoe_host& host_;
  pppoe_counters& counters_;
  state state_ = state::idle;
  std::array<std::uint32_t, pppoe_timer_count> generation_{};
  unsigned attempts_ = 0;  ///< PADIs or PADRs sent in the current stage
  eth::mac_address ac_mac_{};
  std::optional<pppoe::ac_cookie> cookie_;
  std::optional<pppoe::relay_session_id> relay_;
  std::uint16_t session_id_ = 0;
  std::optional<ppp::client_engine> ppp_;
  std::uint32_t address_ = 0;  ///< ours once IPCP is up (traffic runs from then on)
  std::uint16_t echo_sequence_ = 0;
  double traffic_carry_ = 0;
};

}  // namespace bras::emulator

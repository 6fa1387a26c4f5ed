// The subscriber's side of PPP (the peer of server.hpp): LCP, PAP or CHAP-MD5
// as the authenticatee, IPCP asking for an address and DNS (RFC 1877), and
// optionally IPv6CP. Used by the tests and by bras-loadgen to play thousands
// of CPEs; it is strict where a CPE is, so it also checks the LNS.
//
// Pure: no I/O, no clock. Random numbers come in the config; every call
// returns the effects (engine.hpp) for the caller to perform in order.
#pragma once

#include <array>
#include <bitset>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/common/bytes.hpp"
#include "protocol/ppp/automaton.hpp"
#include "protocol/ppp/engine.hpp"
#include "protocol/ppp/frame.hpp"
#include "protocol/ppp/lcp.hpp"
#include "protocol/ppp/ncp.hpp"

namespace bras::ppp {

struct client_config {
  std::string user;
  std::string password;
  bool accept_pap = true;       ///< Ack an Authentication-Protocol option asking for PAP
  bool accept_chap_md5 = true;  ///< Ack one asking for CHAP with MD5; other algorithms are Nak'd with an accepted one
  std::uint16_t mru = 1500;     ///< requested when not 1500
  std::uint32_t magic = 0;      ///< our Magic-Number (nonzero random from the caller); 0: not negotiated
  bool request_pfc = false;     ///< ask for Protocol-Field-Compression
  bool request_acfc = false;    ///< ask for Address-and-Control-Field-Compression
  bool ipv4 = true;             ///< open IPCP
  bool request_dns = true;      ///< ask for primary and secondary DNS (RFC 1877)
  std::uint32_t requested_address = 0;  ///< IP-Address to ask for first (0.0.0.0: "assign me one")
  bool ipv6 = false;                    ///< open IPv6CP
  std::uint64_t interface_id = 0;       ///< our IPv6 Interface-Identifier (nonzero random from the caller)
  negotiation_config negotiation{};     ///< restart timer, Max-Configure, Max-Terminate, Max-Failure
  std::chrono::milliseconds auth_restart = std::chrono::seconds{3};  ///< PAP retransmission interval
  std::uint32_t max_auth_requests = 10;                              ///< PAP Authenticate-Requests before giving up
  std::chrono::milliseconds echo_interval{0};                        ///< 0: send no Echo-Requests (still answer them)
  std::uint32_t echo_failures = 3;  ///< unanswered Echo-Requests before the link is declared dead
};

/// Where the client's link is (RFC 1661 §3.2 phases).
enum class client_phase : std::uint8_t { dead, establish, authenticate, network, terminate };

class client_engine {
 public:
  explicit client_engine(client_config config);

  /// The lower layer is up (the L2TP session or PPPoE session exists): LCP
  /// Open + Up, the first Configure-Request goes out.
  [[nodiscard]] effects start();
  /// A PPP frame from the LNS (with or without 0xFF 0x03, 1- or 2-byte protocol).
  /// Malformed or unexpected frames are counted and dropped, never fatal by themselves.
  [[nodiscard]] effects receive(wire::byte_span frame);
  /// A timer armed by an earlier effect expired.
  [[nodiscard]] effects timeout(timer which);
  /// The subscriber hangs up: LCP Terminate-Request; finished once acked or timed out.
  [[nodiscard]] effects close(std::string_view reason = "user-request");
  /// The lower layer went away: finished at once, nothing is sent.
  [[nodiscard]] effects lower_down();

  /// Wraps an IP packet as a PPP frame with the negotiated header compression
  /// (protocol ipv4 or ipv6); call only in the network phase.
  [[nodiscard]] wire::bytes frame_ip(network which, wire::byte_span packet) const;

  [[nodiscard]] client_phase phase() const noexcept { return phase_; }
  [[nodiscard]] ppp_state lcp_state() const noexcept;
  [[nodiscard]] ppp_state ipcp_state() const noexcept;
  [[nodiscard]] ppp_state ipv6cp_state() const noexcept;
  /// Valid once the network_up effect for ipv4 was returned.
  [[nodiscard]] std::uint32_t address() const noexcept { return address_; }
  [[nodiscard]] std::uint32_t primary_dns() const noexcept { return primary_dns_; }
  [[nodiscard]] std::uint32_t secondary_dns() const noexcept { return secondary_dns_; }
  [[nodiscard]] std::uint32_t peer_address() const noexcept { return peer_address_; }
  [[nodiscard]] std::uint64_t peer_interface_id() const noexcept { return peer_interface_id_; }
  /// The MRU the LNS accepted for us / the LNS's MRU (what we may send).
  [[nodiscard]] std::uint16_t mru() const noexcept { return our_mru_; }
  [[nodiscard]] std::uint16_t peer_mru() const noexcept { return peer_mru_; }
  [[nodiscard]] frame_flags tx_flags() const noexcept { return tx_flags_; }
  /// The authentication protocol the LNS asked for (PAP 0xC023, CHAP 0xC223), 0 if none.
  [[nodiscard]] std::uint16_t auth_protocol() const noexcept { return auth_protocol_; }
  [[nodiscard]] const link_counters& counters() const noexcept { return counters_; }

  /// For an LAC that proxies this client's negotiation (RFC 2661 AVPs 26-28),
  /// LCP Configure-Request packets (code onwards) as they went over the wire:
  /// our first and our last request (AVP 26 Initial Received and AVP 28 Last
  /// Received, seen from the LAC) and the LNS's last request (AVP 27 Last Sent).
  [[nodiscard]] const wire::bytes& first_sent_confreq() const noexcept { return first_sent_; }
  [[nodiscard]] const wire::bytes& last_sent_confreq() const noexcept { return last_sent_; }
  [[nodiscard]] const wire::bytes& last_received_confreq() const noexcept { return last_received_; }

 private:
  struct impl;
  client_config config_;
  client_phase phase_ = client_phase::dead;
  std::uint32_t address_ = 0;
  std::uint32_t primary_dns_ = 0;
  std::uint32_t secondary_dns_ = 0;
  std::uint32_t peer_address_ = 0;
  std::uint64_t peer_interface_id_ = 0;
  std::uint16_t our_mru_ = lcp_default_mru;
  std::uint16_t peer_mru_ = lcp_default_mru;
  frame_flags tx_flags_{};
  std::uint16_t auth_protocol_ = 0;
  link_counters counters_{};
  wire::bytes first_sent_;
  wire::bytes last_sent_;
  wire::bytes last_received_;
  // The implementation may add private members below (automata, identifiers,
  // the current requests, the echo and authentication counters).
  static constexpr std::uint16_t lcp_default_mru = 1500;
  static constexpr std::size_t layer_count = 3;  ///< LCP, IPCP, IPv6CP (the index of each below)

  std::array<negotiation, layer_count> fsm_;
  std::array<std::uint8_t, layer_count> next_id_{};  ///< identifier of the next packet each protocol originates
  std::array<bool, timer_count> armed_{};            ///< timers armed and neither stopped nor expired
  std::array<bool, 2> network_up_{};                 ///< network_up reported (ipv4, ipv6) and not yet taken down
  bool started_ = false;
  bool finished_ = false;
  std::optional<finished> ending_;  ///< why the link is going down, once a termination began

  std::vector<lcp::option> lcp_options_;            ///< our next LCP Configure-Request
  std::optional<lcp::configure_request> lcp_sent_;  ///< our latest LCP Configure-Request, until answered
  std::vector<lcp::option> peer_lcp_options_;       ///< the LNS's request we last acked
  std::uint32_t magic_ = 0;                         ///< our Magic-Number as acked (0: not negotiated)

  std::vector<ipcp::option> ipcp_options_;
  std::optional<ipcp::configure_request> ipcp_sent_;
  std::uint16_t ipcp_close_cause_ = 0;  ///< set when we close IPCP ourselves (no address)
  std::vector<ipv6cp::option> ipv6cp_options_;
  std::optional<ipv6cp::configure_request> ipv6cp_sent_;
  std::uint64_t local_interface_id_ = 0;  ///< as acked, or the configured one

  bool authenticated_ = false;
  std::uint8_t pap_id_ = 0;
  std::uint32_t pap_sent_ = 0;
  std::bitset<256> pap_ids_;  ///< identifiers of the Authenticate-Requests sent (an answer may echo any)
  std::optional<std::uint8_t> chap_response_id_;
  std::uint32_t echo_unanswered_ = 0;
};

}  // namespace bras::ppp

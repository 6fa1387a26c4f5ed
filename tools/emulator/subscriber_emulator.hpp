// An emulated PPP subscriber behind this instance's LAC: it places a call
// through the LAC controller and runs the subscriber's PPP engine
// (protocol/ppp/client.hpp) over it. bras-loadgen runs thousands of them;
// the integration tests use them to drive brasd's LNS end to end. Library
// bras_emulator: linked by tools, benches and tests, never by brasd
// (tests/check_brasd_contents.sh checks the binary).
#pragma once

#include <caf/all.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "actors/catalogue.hpp"
#include "protocol/ip/ipv6_prefix.hpp"
#include "protocol/ppp/client.hpp"
#include "protocol/pppoe/access_line.hpp"

namespace bras::actors {

/// What happened to an emulated subscriber (sent to its observer).
struct subscriber_event {
  enum class kind : std::uint8_t {
    call_failed,  ///< the LAC could not place the call
    call_up,      ///< the call is established (L2TP only: sent instead of PPP when `ppp_enabled` is false)
    auth_ok,      ///< the LNS accepted our credentials
    auth_failed,  ///< the LNS refused them
    ipv4_up,      ///< IPCP opened: `address`, `dns`
    ipv6_up,      ///< IPv6CP opened
    ipv6_ready,   ///< --ipv6: RA read, SLAAC address and (unless no PD) delegated prefix in hand
    ipv6_failed,  ///< --ipv6: gave up; `message` names the stage (tools/emulator/ipv6_client.hpp)
    finished,     ///< PPP ended (`cause`, `message`) or the call was cleared
  } what = kind::finished;
  std::uint64_t id = 0;  ///< the subscriber's call ID
  std::uint32_t address = 0;
  std::uint32_t peer_address = 0;  ///< ipv4_up: the LNS's IPCP address
  std::uint64_t interface_id = 0;  ///< ipv6_up: our negotiated Interface-Identifier
  std::uint32_t primary_dns = 0;
  std::uint32_t secondary_dns = 0;
  std::uint16_t cause = 0;
  std::string message;
  /// ipv6_ready: the RA's /64 and the delegated prefix (empty without PD) as text, and how long
  /// the RA (from IPv6CP up) and the DHCPv6 exchange (from the first Solicit) took.
  std::string ipv6_prefix;
  std::string delegated_prefix;
  double ra_latency_ms = 0;
  double dhcpv6_latency_ms = 0;
};

/// An IP packet the subscriber received (to its observer), or one to send (to the subscriber).
struct subscriber_ip {
  std::uint64_t id = 0;
  bool ipv6 = false;
  wire::bytes packet;
};

/// Stop answering the LNS (frames from it are dropped): for keepalive tests.
using mute_atom = caf::atom_constant<caf::atom("mute")>;

/// subscriber -> itself: client engine timer `which` expired; stale unless `generation` is current.
struct client_timer {
  std::uint8_t which = 0;
  std::uint32_t generation = 0;
};

/// subscriber -> itself: the IPv6 client's timer expired; stale unless `generation` is current.
struct ipv6_client_timer {
  std::uint32_t generation = 0;
};

/// subscriber -> itself: time to send the next burst of load traffic.
using traffic_atom = caf::atom_constant<caf::atom("traffic")>;

/// Whoever watches emulated subscribers (subscriber_args::observer).
using subscriber_observer_actor =
    caf::typed_actor<caf::reacts_to<subscriber_event>,  ///< a subscriber's call or PPP changed
                     caf::reacts_to<subscriber_ip>>;    ///< an IP packet a subscriber received

/// An emulated subscriber: the subscriber side of its call, the call's
/// requester (the LAC controller answers it), and its own controls.
using subscriber_actor = call_subscriber_actor::extend_with<call_requester_actor>::extend<
    caf::reacts_to<client_timer>,       ///< itself: a client engine timer
    caf::reacts_to<ipv6_client_timer>,  ///< itself: the IPv6 client's timer
    caf::reacts_to<subscriber_ip>,      ///< observer: send this IP packet
    caf::reacts_to<traffic_atom>,       ///< itself: the next burst of load traffic
    caf::reacts_to<mute_atom>,          ///< test: stop answering the LNS
    caf::reacts_to<close_atom>>;        ///< hang up

/// Load traffic of all subscribers of a run, counted in place (bras-loadgen
/// reads them while the subscribers run on the workers).
struct traffic_counters {
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> sent_bytes{0};
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> received_bytes{0};
  /// ICMPv6 Echo (--ipv6 with --traffic-dest6): the counts above are IPv4 only.
  std::atomic<std::uint64_t> sent_v6{0};
  std::atomic<std::uint64_t> sent_v6_bytes{0};
  std::atomic<std::uint64_t> received_v6{0};
  std::atomic<std::uint64_t> received_v6_bytes{0};
  std::atomic<std::uint64_t> received_v6_from_pd{0};  ///< replies to the delegated prefix's ::1
  std::atomic<bool> stop{false};                      ///< set: no subscriber sends another burst
};

/// ICMP Echo Requests a subscriber sends once IPCP is open, to load the data
/// plane both ways (the host behind the LNS answers them).
struct subscriber_traffic {
  double pps = 0;                              ///< per subscriber; 0: none
  std::uint32_t destination = 0;               ///< 0: the LNS's own IPCP address
  std::size_t size = 128;                      ///< IPv4 packet size in bytes (at least 28)
  std::shared_ptr<traffic_counters> counters;  ///< required when pps > 0
  /// ICMPv6 Echo Requests too, at the same rate, from the SLAAC address once v6 ready.
  std::optional<ip::ipv6_address> destination_v6;
  bool from_delegated_prefix = false;  ///< and as many from ::1 in the delegated prefix
};

/// What the subscriber does over IPv6 once IPv6CP is open (bras-loadgen --ipv6).
struct subscriber_ipv6 {
  bool enabled = false;           ///< RS/RA, SLAAC, then DHCPv6-PD (tools/emulator/ipv6_client.hpp)
  bool prefix_delegation = true;  ///< false: ready with the SLAAC address alone
  bool release = false;           ///< on close, a DHCPv6 Release before LCP Terminate
};

struct subscriber_args {
  lac_actor lac;                       ///< the LAC controller of this instance
  subscriber_observer_actor observer;  ///< receives subscriber_event and subscriber_ip
  std::uint64_t id = 0;
  std::string calling_number;
  ppp::client_config ppp;
  /// Proxy LCP and authentication (RFC 2661 §4.4.5): the LAC side negotiates
  /// LCP and collects the credentials itself, then hands both to the LNS in
  /// the ICCN; the subscriber continues with the LNS from there.
  bool proxy = false;
  std::vector<ppp::lcp::auth_method> proxy_auth{ppp::lcp::auth_method::pap};  ///< what the LAC asks for
  /// False: place the call and report call_up, but run no PPP (frames from
  /// the LNS are dropped): L2TP control-plane measurements, e.g. against an
  /// LNS whose PPP cannot run here.
  bool ppp_enabled = true;
  /// close_atom clears the call with a bare CDN (no LCP Terminate, no DHCPv6 Release), as a
  /// LAC whose subscriber vanished does: the LNS must free what the session held all the same.
  bool hangup_cdn = false;
  /// Echo Replies to this traffic are counted, not passed to the observer.
  subscriber_traffic traffic;
  subscriber_ipv6 ipv6;
  /// TR-101 access-line information, as a PPPoE subscriber's: the LAC sends it in the ICRQ (RFC 5515).
  std::optional<pppoe::access_line> line;
  /// Linked to the LAC controller while the call is placed, so an instance that goes away takes the
  /// subscriber along. CAF 0.17 scans an actor's link list on every link and unlink: with tens of
  /// thousands placed at once (an avalanche, calls waiting at the LNS) that is quadratic. bras-loadgen
  /// passes false and ends the subscribers it still waits for itself.
  bool link_lac = true;
};

/// Spawns a subscriber; it dials at once. close_atom hangs up (LCP Terminate,
/// then the call is cleared); it quits once the call is gone.
subscriber_actor spawn_subscriber(caf::actor_system& sys, subscriber_args args);

}  // namespace bras::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::subscriber_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::subscriber_ip)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::client_timer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::ipv6_client_timer)

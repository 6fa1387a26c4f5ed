// The PPPoE session actor (LAC): one per PPPoE session, from PADS to PADT.
// Runs the PPP server engine in LAC-capture mode with the subscriber (LCP and
// authentication, protocol/ppp/server.hpp), then places the call with the
// LAC controller carrying the proxy LCP/authentication values and the access
// line; once the L2TP session relays the call, frames flow through the data
// plane without it. It keeps the subscriber alive-checked (LCP Echo when
// idle), and ends the call and the PPPoE session together: CDN for a PADT,
// LCP Terminate-Request and PADT for a CDN, StopCCN or operator's clear.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "actors/context.hpp"
#include "actors/pppoe_messages.hpp"
#include "dataplane/access.hpp"
#include "protocol/pppoe/access_line.hpp"

namespace bras::actors {

/// What every PPPoE session of an instance shares (owned by the daemon, read only).
struct pppoe_session_env {
  const config::pppoe_settings* pppoe = nullptr;  ///< echo, discovery-timeout, calling-number
  const ppp::server_config* ppp_base = nullptr;   ///< the instance's PPP settings (authentication, timers)
  lac_actor lac;                                  ///< places the calls
  /// Sends a PPP frame (protocol field onwards) to the subscriber of `s` (dataplane::pppoe_path::to_client).
  std::function<bool(const data_session& s, wire::byte_span ppp)> to_client;
  dataplane::frame_sender* discovery = nullptr;  ///< the access ports: a new session's PADS goes out here
  model::counters* stats = nullptr;
  std::shared_ptr<spdlog::logger> log;       ///< "ppp"
  log_limiter* peer_log = nullptr;           ///< events a subscriber can trigger at will
  std::vector<std::string> interface_names;  ///< by port, for the Calling Number
  /// Subscribers whose realm routes to RADIUS (aaa_route.hpp) are authorized by AAA before their
  /// call is placed (the Access-Accept's tunnel attributes pick the LNS). Null or an invalid handle:
  /// no AAA at the LAC, the domain map places every call.
  const config::aaa_settings* aaa_routes = nullptr;
  aaa_actor aaa;
  std::chrono::milliseconds aaa_timeout{std::chrono::seconds{10}};  ///< ppp.aaa-timeout
  timer_service* timers = nullptr;                                  ///< PPP, echo and discovery-timeout timers
};

struct pppoe_session_args {
  std::shared_ptr<const pppoe_session_env> env;
  pppoe_access_actor access;         ///< told session_up and session_end
  data_session_ptr entry;            ///< its data-plane entry, `pppoe` leg set
  std::uint64_t call_id = 0;         ///< unique in the instance
  std::uint16_t max_payload = 1492;  ///< the granted PPP MRU
  std::optional<pppoe::access_line> line;
  /// The PADS that opens the session (Ethernet header onwards): the session sends it before anything
  /// else, so that its first LCP frame cannot overtake it (one thread sends both, in order).
  wire::bytes pads;
};

/// Spawns a session actor linked to `parent` (the access actor): it ends with it.
pppoe_session_actor spawn_pppoe_session(pppoe_access_actor::pointer parent, pppoe_session_args args);

}  // namespace bras::actors

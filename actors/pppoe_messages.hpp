// The PPPoE access actors' messages and interfaces (LAC): the access actor
// (one per instance, actors/pppoe_access.hpp) runs Discovery for every access
// port; one PPPoE session actor (actors/pppoe_session.hpp) per session runs
// LCP and authentication with the subscriber and places its call. Kept apart
// from messages.hpp / catalogue.hpp so the L2TP actors do not depend on them;
// the same habits apply (atoms at most 10 characters, one comment a handler).
#pragma once

#include <caf/all.hpp>

#include <cstdint>
#include <string>

#include "actors/messages.hpp"
#include "protocol/pppoe/ethernet.hpp"
#include "protocol/pppoe/pppoe.hpp"

namespace bras::actors {

using padt_atom = caf::atom_constant<caf::atom("padt")>;            ///< access -> session: the subscriber sent PADT
using keepalive_atom = caf::atom_constant<caf::atom("keepalive")>;  ///< session -> itself: the echo interval passed
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;    ///< session -> itself: discovery-timeout
using rotate_atom = caf::atom_constant<caf::atom("rotate")>;        ///< access -> itself: a new cookie secret

/// I/O thread (the discovery sink) -> access: a Discovery frame.
struct discovery_frame {
  std::uint16_t port = 0;
  eth::header hdr;
  wire::bytes pppoe;  ///< PPPoE header onwards
};

/// access -> itself: a Discovery frame whose PADO delay has passed.
struct delayed_discovery {
  std::uint16_t port = 0;
  pppoe::packet_code code = pppoe::packet_code::pado;
  wire::bytes frame;
};

/// I/O thread (the session's sink) -> PPPoE session: a PPP frame from the subscriber
/// (protocol field onwards) while its call is not relaying.
struct access_ppp {
  wire::bytes frame;
};

/// PPPoE session -> access: its call is up.
struct pppoe_session_up {
  std::uint16_t port = 0;
  std::uint16_t session_id = 0;
};

/// PPPoE session -> access: it ended; free its ID (with a PADT to the subscriber when `send_padt`).
struct pppoe_session_end {
  std::uint16_t port = 0;
  std::uint16_t session_id = 0;
  bool send_padt = true;
  bool was_up = false;  ///< its call had come up (it no longer counted as starting)
  std::string reason;
};

/// One PPPoE session (LAC).
using pppoe_session_actor =
    caf::typed_actor<caf::reacts_to<access_ppp>,   ///< sink: a PPP frame from the subscriber
                     caf::reacts_to<ppp_frame>,    ///< L2TP session: a frame from the LNS not relayed by the I/O thread
                     caf::reacts_to<call_result>,  ///< LAC controller: the call is up, or why not
                     caf::reacts_to<call_cleared>,    ///< LAC controller: the LNS or the operator cleared the call
                     caf::reacts_to<ppp_timer>,       ///< itself: a PPP engine timer expired
                     caf::reacts_to<padt_atom>,       ///< access: the subscriber sent PADT
                     caf::reacts_to<keepalive_atom>,  ///< itself: check the subscriber is alive
                     caf::reacts_to<deadline_atom>,   ///< itself: the call must be up by now
                     caf::reacts_to<shutdown_atom>>;  ///< access: SIGTERM, end with PADT

/// The PPPoE access actor: Discovery on every access port, and the sessions' IDs.
using pppoe_access_actor =
    caf::typed_actor<caf::reacts_to<discovery_frame>,    ///< sink: a Discovery frame
                     caf::reacts_to<delayed_discovery>,  ///< itself: a delayed PADO is due
                     caf::reacts_to<pppoe_session_up>,   ///< session: its call is up
                     caf::reacts_to<pppoe_session_end>,  ///< session: it ended
                     caf::reacts_to<rotate_atom>,        ///< itself: rotate the cookie secret
                     caf::reacts_to<shutdown_atom>>;     ///< daemon: SIGTERM, PADT to every subscriber

}  // namespace bras::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::discovery_frame)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::delayed_discovery)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::access_ppp)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::pppoe_session_up)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::pppoe_session_end)

// Every actor's interface, in one place (Tenzir's actors.hpp habit): a
// handle is a caf::typed_actor, so sending an actor a message it does not
// handle is a compile error. Each handler is one line with its comment; the
// messages and atoms are declared once, in actors/messages.hpp.
//
// messages.hpp includes this header between its atoms and its structs (some
// structs carry these handles); an include guard, not #pragma once, lets
// either header be included first.
#include "actors/messages.hpp"

#ifndef BRAS_ACTORS_CATALOGUE_HPP
#define BRAS_ACTORS_CATALOGUE_HPP

#include <caf/all.hpp>

#include <cstdint>
#include <vector>

namespace bras::actors {

/// The subscriber side of an LAC call (call_request::subscriber).
using call_subscriber_actor = caf::typed_actor<caf::reacts_to<ppp_frame>>;  ///< a PPP frame the LNS sent on the call

/// Whoever placed an LAC call (open_call::requester; the LAC controller's callers).
using call_requester_actor =
    caf::typed_actor<caf::reacts_to<call_result>,    ///< the call is up (with its session), or why not
                     caf::reacts_to<call_cleared>>;  ///< an established call ended

/// One L2TP session (call), either role.
using session_actor =
    caf::typed_actor<caf::reacts_to<session_input>,  ///< control messages, signals, PPP frames, tun packets,
                                                     ///< timers, CoA changes, line rates
                     caf::replies_to<snapshot_atom>::with<session_snapshot>>;  ///< query fan-out: its state and
                                                                               ///< statistics

/// One L2TP control connection, either role.
using tunnel_actor =
    caf::typed_actor<caf::reacts_to<datagram>,                  ///< shard: a datagram for it
                     caf::reacts_to<incoming_sccrq>,            ///< shard: an SCCRQ for its key
                     caf::reacts_to<session_send>,              ///< session: send this message
                     caf::reacts_to<session_gone>,              ///< session: its ID is free
                     caf::reacts_to<up_atom, std::uint16_t>,    ///< session (ID): NCP open, set-up over
                     caf::reacts_to<open_call>,                 ///< LAC controller: place a call
                     caf::reacts_to<tie_verdict>,               ///< LAC controller: the tie-break's answer
                     caf::reacts_to<tick_atom, std::uint64_t>,  ///< itself: a timer (generation)
                     caf::reacts_to<close_atom>,                ///< operator or LAC: StopCCN
                     caf::reacts_to<shutdown_atom>,             ///< shard: SIGTERM
                     caf::replies_to<query_atom, query_request>::with<std::vector<tunnel_report>>,  ///< shard: none or
                                                                                                    ///< itself
                     caf::replies_to<clear_atom, clear_request>::with<clear_report>>;  ///< shard: close or reset

/// The LAC controller: places calls on tunnels to LNS destinations.
using lac_actor =
    caf::typed_actor<caf::reacts_to<call_request>,        ///< requester: place a call
                     caf::reacts_to<open_tunnel_result>,  ///< shard: the tunnel it opened
                     caf::reacts_to<call_result>,         ///< session or tunnel: relayed
                     caf::reacts_to<call_cleared>,        ///< session: relayed
                     caf::replies_to<tie_atom, std::uint32_t, std::uint64_t>::with<tie_verdict>,  ///< LNS tunnel:
                                                                                                  ///< tie-break
                     caf::replies_to<query_atom>::with<std::vector<std::int64_t>>,  ///< query: lockout seconds left
                     caf::reacts_to<tunnel_gone>>;                                  ///< tunnel: it ended

/// A shard: a slice of the tunnel ID space and its tunnels.
using shard_actor =
    caf::typed_actor<caf::reacts_to<datagram>,        ///< io: for one of its tunnel IDs
                     caf::reacts_to<incoming_sccrq>,  ///< acceptor: SCCRQ for its key
                     caf::reacts_to<open_tunnel_atom, l2tp::tunnel_candidate, lac_actor, std::uint64_t>,  ///< LAC: open
                                                                                                          ///< a tunnel
                     caf::reacts_to<tunnel_gone>,   ///< tunnel: free its ID
                     caf::reacts_to<key_released>,  ///< tunnel: closing, its key routes new SCCRQs no more
                     caf::replies_to<query_atom, query_request>::with<shard_answer>,  ///< query: its matching tunnels
                     caf::replies_to<clear_atom, clear_request>::with<clear_report>,  ///< query: clear in its tunnels
                     caf::replies_to<count_atom>::with<shard_counts>,  ///< metrics: tunnels, IDs, mailbox
                     caf::reacts_to<shutdown_atom>,                    ///< daemon: SIGTERM
                     caf::reacts_to<close_atom, std::uint16_t>>;       ///< operator: close this tunnel

/// The acceptor: tunnel-0 control messages, routed to their key's shard.
using acceptor_actor = caf::typed_actor<caf::reacts_to<datagram>>;  ///< io: an SCCRQ or StopCCN with Tunnel ID 0

/// Authentication and address pools.
using aaa_actor =
    caf::typed_actor<caf::replies_to<aaa_request>::with<aaa_verdict>,             ///< session: check, assign an address
                     caf::reacts_to<aaa_release>,                                 ///< session: give the grant back
                     caf::replies_to<pool_atom>::with<std::vector<pool_usage>>>;  ///< operator: pool usage

/// The RADIUS client: server groups, retransmission, failover, Status-Server probes.
using radius_client_actor =
    caf::typed_actor<caf::replies_to<radius_call>::with<radius_outcome>,  ///< aaa / accounting: send a request
                     caf::reacts_to<radius_datagram>,                     ///< io: a reply
                     caf::reacts_to<tick_atom, std::uint64_t>,            ///< itself: timers (generation)
                     caf::replies_to<aaa_stats_atom>::with<model::radius_client_snapshot>>;  ///< query: servers

/// Accounting: the on-disk spool, Start/Interim/Stop through the RADIUS client, Accounting-On/Off.
using accounting_actor =
    caf::typed_actor<caf::reacts_to<acct_report>,                 ///< session: a record to deliver
                     caf::reacts_to<tick_atom, std::uint64_t>,    ///< itself: fsync and resend timers
                     caf::replies_to<acct_off_atom>::with<bool>,  ///< daemon: clean stop (true: acknowledged)
                     caf::replies_to<aaa_stats_atom>::with<model::spool_snapshot>>;  ///< query: the spool

/// CoA and Disconnect-Message listener (RFC 5176).
using coa_actor =
    caf::typed_actor<caf::reacts_to<radius_datagram>,                              ///< io: a request
                     caf::replies_to<aaa_stats_atom>::with<model::coa_snapshot>>;  ///< query: its counters

/// The query actor: the operator interface's view of tunnels and sessions.
using query_actor = caf::typed_actor<caf::replies_to<query_atom, query_request>::with<query_snapshot>,  ///< show ...
                                     caf::replies_to<clear_atom, clear_request>::with<clear_report>,    ///< clear ...
                                     caf::replies_to<aaa_stats_atom>::with<aaa_snapshot>>;  ///< show network-access aaa

// The fan-out gatherer (actors/fan_out.hpp) stays a plain caf::actor: it is
// generic over its answer type and talks to each kind of target above.

}  // namespace bras::actors

#endif  // BRAS_ACTORS_CATALOGUE_HPP

#include "protocol/l2tp/session_fsm.hpp"

#include <array>

namespace bras::l2tp {

namespace {

using S = session_state;
namespace A = session_action;

constexpr session_transition t(S next, std::uint16_t actions) {
  return {next, actions};
}
constexpr session_transition err(S s) {
  return {s, A::protocol_error};
}
/// Refuse or abort: CDN to the peer, then the session is gone.
constexpr session_transition cdn() {
  return {S::destroyed, A::send_cdn | A::destroy};
}
constexpr session_transition gone() {
  return {S::destroyed, A::destroy};
}
/// A protocol error on a live call: CDN and clean up (RFC 2661 §7.4).
constexpr session_transition abort_call() {
  return {S::destroyed, A::send_cdn | A::destroy | A::protocol_error};
}

// Columns: local_open, tunnel_up, icrq_ok, icrq_bad, icrp_ok, icrp_bad, iccn_ok,
// iccn_bad, recv_cdn, recv_unexpected, local_close, tunnel_down
// clang-format off
constexpr std::array<std::array<session_transition, session_event_count>, session_state_count> table{{
    // idle
    {{t(S::wait_tunnel, A::none),                 // local_open: wait for the tunnel (tunnel_up follows at once if up)
      err(S::idle),                               // tunnel_up
      t(S::wait_connect, A::send_icrp),           // recv_icrq_ok
      cdn(),                                      // recv_icrq_bad
      err(S::idle), err(S::idle),                 // icrp
      err(S::idle), err(S::idle),                 // iccn
      gone(),                                     // recv_cdn
      err(S::idle),                               // recv_unexpected
      gone(),                                     // local_close
      gone()}},                                   // tunnel_down
    // wait_tunnel (LAC)
    {{err(S::wait_tunnel),                        // local_open
      t(S::wait_reply, A::send_icrq),             // tunnel_up
      err(S::wait_tunnel), err(S::wait_tunnel),   // icrq
      err(S::wait_tunnel), err(S::wait_tunnel),   // icrp
      err(S::wait_tunnel), err(S::wait_tunnel),   // iccn
      gone(),                                     // recv_cdn
      err(S::wait_tunnel),                        // recv_unexpected
      gone(),                                     // local_close: nothing was sent yet
      gone()}},                                   // tunnel_down
    // wait_reply (LAC: ICRQ sent)
    {{err(S::wait_reply),                         // local_open
      err(S::wait_reply),                         // tunnel_up
      abort_call(), abort_call(),                 // icrq: wrong direction
      t(S::established, A::send_iccn | A::call_up),  // recv_icrp_ok
      cdn(),                                      // recv_icrp_bad
      abort_call(), abort_call(),                 // iccn: wrong direction
      gone(),                                     // recv_cdn
      abort_call(),                               // recv_unexpected
      cdn(),                                      // local_close
      gone()}},                                   // tunnel_down
    // wait_connect (LNS: ICRP sent)
    {{err(S::wait_connect),                       // local_open
      err(S::wait_connect),                       // tunnel_up
      err(S::wait_connect), err(S::wait_connect), // icrq: a retransmission is absorbed by sequencing
      abort_call(), abort_call(),                 // icrp: wrong direction
      t(S::established, A::start_ppp),            // recv_iccn_ok
      cdn(),                                      // recv_iccn_bad
      gone(),                                     // recv_cdn
      abort_call(),                               // recv_unexpected
      cdn(),                                      // local_close
      gone()}},                                   // tunnel_down
    // established
    {{err(S::established),                        // local_open
      t(S::established, A::none),                 // tunnel_up
      abort_call(), abort_call(),                 // icrq
      abort_call(), abort_call(),                 // icrp
      abort_call(), abort_call(),                 // iccn
      gone(),                                     // recv_cdn
      abort_call(),                               // recv_unexpected
      cdn(),                                      // local_close
      gone()}},                                   // tunnel_down
    // destroyed
    {{t(S::destroyed, A::none), t(S::destroyed, A::none), t(S::destroyed, A::none), t(S::destroyed, A::none),
      t(S::destroyed, A::none), t(S::destroyed, A::none), t(S::destroyed, A::none), t(S::destroyed, A::none),
      t(S::destroyed, A::none), t(S::destroyed, A::none), t(S::destroyed, A::none), t(S::destroyed, A::none)}},
}};
// clang-format on

}  // namespace

session_transition session_step(session_state s, session_event e) noexcept {
  auto si = static_cast<std::size_t>(s);
  auto ei = static_cast<std::size_t>(e);
  if (si >= session_state_count || ei >= session_event_count) return {s, session_action::protocol_error};
  return table[si][ei];
}

std::string_view to_string(session_state s) noexcept {
  switch (s) {
    case session_state::idle: return "idle";
    case session_state::wait_tunnel: return "wait-tunnel";
    case session_state::wait_reply: return "wait-reply";
    case session_state::wait_connect: return "wait-connect";
    case session_state::established: return "established";
    case session_state::destroyed: return "destroyed";
  }
  return "unknown";
}

std::string_view to_string(session_event e) noexcept {
  switch (e) {
    case session_event::local_open: return "local-open";
    case session_event::tunnel_up: return "tunnel-up";
    case session_event::recv_icrq_ok: return "recv-icrq-ok";
    case session_event::recv_icrq_bad: return "recv-icrq-bad";
    case session_event::recv_icrp_ok: return "recv-icrp-ok";
    case session_event::recv_icrp_bad: return "recv-icrp-bad";
    case session_event::recv_iccn_ok: return "recv-iccn-ok";
    case session_event::recv_iccn_bad: return "recv-iccn-bad";
    case session_event::recv_cdn: return "recv-cdn";
    case session_event::recv_unexpected: return "recv-unexpected";
    case session_event::local_close: return "local-close";
    case session_event::tunnel_down: return "tunnel-down";
  }
  return "unknown";
}

}  // namespace bras::l2tp

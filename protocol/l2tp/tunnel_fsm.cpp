#include "protocol/l2tp/tunnel_fsm.hpp"

#include <array>

namespace bras::l2tp {

namespace {

using S = tunnel_state;
namespace A = tunnel_action;

constexpr tunnel_transition t(S next, std::uint16_t actions) {
  return {next, actions};
}
/// An event that makes no sense in this state: stay, count it.
constexpr tunnel_transition err(S s) {
  return {s, A::protocol_error};
}
/// Tear down: StopCCN to the peer, sessions cleared, hold the state.
constexpr tunnel_transition stop() {
  return {S::closing, A::send_stopccn | A::sessions_down | A::arm_hold};
}

// Rows: states in enum order. Columns: events in enum order:
// local_open, sccrq_ok, sccrq_bad, sccrp_ok, sccrp_bad, scccn_ok, scccn_bad,
// stopccn, session_msg, hello, hello_due, local_close, transport_failed, hold_expired
// clang-format off
constexpr std::array<std::array<tunnel_transition, tunnel_event_count>, tunnel_state_count> table{{
    // idle
    {{t(S::wait_ctl_reply, A::send_sccrq),                       // local_open
      t(S::wait_ctl_conn, A::send_sccrp),                        // recv_sccrq_ok
      t(S::closing, A::send_stopccn | A::arm_hold),              // recv_sccrq_bad
      err(S::idle), err(S::idle), err(S::idle), err(S::idle),    // sccrp/scccn
      t(S::destroyed, A::destroy),                               // recv_stopccn
      err(S::idle),                                              // session_msg
      err(S::idle),                                              // hello
      t(S::idle, A::none),                                       // hello_due
      t(S::destroyed, A::destroy),                               // local_close
      t(S::destroyed, A::destroy),                               // transport_failed
      t(S::idle, A::none)}},                                     // hold_expired
    // wait_ctl_reply (initiator)
    {{err(S::wait_ctl_reply),                                    // local_open
      err(S::wait_ctl_reply),                                    // recv_sccrq_ok (tie-breaking is decided before)
      err(S::wait_ctl_reply),                                    // recv_sccrq_bad
      t(S::established, A::send_scccn | A::sessions_up),         // recv_sccrp_ok
      stop(),                                                    // recv_sccrp_bad
      err(S::wait_ctl_reply), err(S::wait_ctl_reply),            // scccn
      t(S::closing, A::sessions_down | A::arm_hold),             // recv_stopccn
      err(S::wait_ctl_reply),                                    // session_msg
      err(S::wait_ctl_reply),                                    // hello
      t(S::wait_ctl_reply, A::none),                             // hello_due
      stop(),                                                    // local_close
      t(S::destroyed, A::sessions_down | A::destroy),            // transport_failed
      t(S::wait_ctl_reply, A::none)}},                           // hold_expired
    // wait_ctl_conn (responder)
    {{err(S::wait_ctl_conn),                                     // local_open
      err(S::wait_ctl_conn), err(S::wait_ctl_conn),              // sccrq (a retransmission is absorbed by sequencing)
      err(S::wait_ctl_conn), err(S::wait_ctl_conn),              // sccrp
      t(S::established, A::sessions_up),                         // recv_scccn_ok
      stop(),                                                    // recv_scccn_bad
      t(S::closing, A::sessions_down | A::arm_hold),             // recv_stopccn
      err(S::wait_ctl_conn),                                     // session_msg
      err(S::wait_ctl_conn),                                     // hello
      t(S::wait_ctl_conn, A::none),                              // hello_due
      stop(),                                                    // local_close
      t(S::destroyed, A::sessions_down | A::destroy),            // transport_failed
      t(S::wait_ctl_conn, A::none)}},                            // hold_expired
    // established
    {{err(S::established),                                       // local_open
      err(S::established), err(S::established),                  // sccrq
      err(S::established), err(S::established),                  // sccrp
      err(S::established), err(S::established),                  // scccn
      t(S::closing, A::sessions_down | A::arm_hold),             // recv_stopccn
      t(S::established, A::deliver_to_session),                  // session_msg
      t(S::established, A::none),                                // hello (acknowledged by sequencing)
      t(S::established, A::send_hello),                          // hello_due
      stop(),                                                    // local_close
      t(S::destroyed, A::sessions_down | A::destroy),            // transport_failed
      t(S::established, A::none)}},                              // hold_expired
    // closing: only acknowledge (sequencing does) until the hold expires
    {{t(S::closing, A::none), t(S::closing, A::none), t(S::closing, A::none),
      t(S::closing, A::none), t(S::closing, A::none), t(S::closing, A::none), t(S::closing, A::none),
      t(S::closing, A::none),                                    // recv_stopccn (StopCCN crossing ours)
      t(S::closing, A::none),                                    // session_msg
      t(S::closing, A::none),                                    // hello
      t(S::closing, A::none),                                    // hello_due
      t(S::closing, A::none),                                    // local_close
      t(S::destroyed, A::destroy),                               // transport_failed (our StopCCN unacked)
      t(S::destroyed, A::destroy)}},                             // hold_expired
    // destroyed: nothing happens any more
    {{t(S::destroyed, A::none), t(S::destroyed, A::none), t(S::destroyed, A::none), t(S::destroyed, A::none),
      t(S::destroyed, A::none), t(S::destroyed, A::none), t(S::destroyed, A::none), t(S::destroyed, A::none),
      t(S::destroyed, A::none), t(S::destroyed, A::none), t(S::destroyed, A::none), t(S::destroyed, A::none),
      t(S::destroyed, A::none), t(S::destroyed, A::none)}},
}};
// clang-format on

}  // namespace

tunnel_transition tunnel_step(tunnel_state s, tunnel_event e) noexcept {
  auto si = static_cast<std::size_t>(s);
  auto ei = static_cast<std::size_t>(e);
  if (si >= tunnel_state_count || ei >= tunnel_event_count) return {s, tunnel_action::protocol_error};
  return table[si][ei];
}

std::string_view to_string(tunnel_state s) noexcept {
  switch (s) {
    case tunnel_state::idle: return "idle";
    case tunnel_state::wait_ctl_reply: return "wait-ctl-reply";
    case tunnel_state::wait_ctl_conn: return "wait-ctl-conn";
    case tunnel_state::established: return "established";
    case tunnel_state::closing: return "closing";
    case tunnel_state::destroyed: return "destroyed";
  }
  return "unknown";
}

std::string_view to_string(tunnel_event e) noexcept {
  switch (e) {
    case tunnel_event::local_open: return "local-open";
    case tunnel_event::recv_sccrq_ok: return "recv-sccrq-ok";
    case tunnel_event::recv_sccrq_bad: return "recv-sccrq-bad";
    case tunnel_event::recv_sccrp_ok: return "recv-sccrp-ok";
    case tunnel_event::recv_sccrp_bad: return "recv-sccrp-bad";
    case tunnel_event::recv_scccn_ok: return "recv-scccn-ok";
    case tunnel_event::recv_scccn_bad: return "recv-scccn-bad";
    case tunnel_event::recv_stopccn: return "recv-stopccn";
    case tunnel_event::recv_session_msg: return "recv-session-msg";
    case tunnel_event::recv_hello: return "recv-hello";
    case tunnel_event::hello_due: return "hello-due";
    case tunnel_event::local_close: return "local-close";
    case tunnel_event::transport_failed: return "transport-failed";
    case tunnel_event::hold_expired: return "hold-expired";
  }
  return "unknown";
}

}  // namespace bras::l2tp

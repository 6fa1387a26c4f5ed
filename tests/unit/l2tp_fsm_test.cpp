// RFC 2661 §7 tunnel and session state tables.
#include "protocol/l2tp/session_fsm.hpp"
#include "protocol/l2tp/tunnel_fsm.hpp"

#include <vector>

#include "tests/unit/test_util.hpp"

namespace bras::l2tp {
namespace {

namespace TA = tunnel_action;
namespace SA = session_action;
using TS = tunnel_state;
using TE = tunnel_event;
using SS = session_state;
using SE = session_event;

struct tunnel_row {
  TS from;
  TE event;
  TS to;
  std::uint16_t actions;
};

class TunnelFsmRow : public ::testing::TestWithParam<tunnel_row> {};

TEST_P(TunnelFsmRow, Transition) {
  auto r = GetParam();
  auto tr = tunnel_step(r.from, r.event);
  EXPECT_EQ(tr.next, r.to) << to_string(r.from) << " + " << to_string(r.event) << " -> " << to_string(tr.next);
  EXPECT_EQ(tr.actions, r.actions) << to_string(r.from) << " + " << to_string(r.event);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc2661, TunnelFsmRow,
    ::testing::Values(
        // Responder (LNS): SCCRQ -> SCCRP -> SCCCN.
        tunnel_row{TS::idle, TE::recv_sccrq_ok, TS::wait_ctl_conn, TA::send_sccrp},
        tunnel_row{TS::idle, TE::recv_sccrq_bad, TS::closing, TA::send_stopccn | TA::arm_hold},
        tunnel_row{TS::wait_ctl_conn, TE::recv_scccn_ok, TS::established, TA::sessions_up},
        tunnel_row{TS::wait_ctl_conn, TE::recv_scccn_bad, TS::closing,
                   TA::send_stopccn | TA::sessions_down | TA::arm_hold},
        // Initiator (LAC): SCCRQ -> SCCRP -> SCCCN.
        tunnel_row{TS::idle, TE::local_open, TS::wait_ctl_reply, TA::send_sccrq},
        tunnel_row{TS::wait_ctl_reply, TE::recv_sccrp_ok, TS::established, TA::send_scccn | TA::sessions_up},
        tunnel_row{TS::wait_ctl_reply, TE::recv_sccrp_bad, TS::closing,
                   TA::send_stopccn | TA::sessions_down | TA::arm_hold},
        // Established.
        tunnel_row{TS::established, TE::recv_session_msg, TS::established, TA::deliver_to_session},
        tunnel_row{TS::established, TE::hello_due, TS::established, TA::send_hello},
        tunnel_row{TS::established, TE::recv_hello, TS::established, TA::none},
        tunnel_row{TS::established, TE::recv_sccrq_ok, TS::established, TA::protocol_error},
        // Teardown both ways, and transport failure.
        tunnel_row{TS::established, TE::recv_stopccn, TS::closing, TA::sessions_down | TA::arm_hold},
        tunnel_row{TS::established, TE::local_close, TS::closing, TA::send_stopccn | TA::sessions_down | TA::arm_hold},
        tunnel_row{TS::established, TE::transport_failed, TS::destroyed, TA::sessions_down | TA::destroy},
        tunnel_row{TS::wait_ctl_reply, TE::transport_failed, TS::destroyed, TA::sessions_down | TA::destroy},
        tunnel_row{TS::closing, TE::recv_stopccn, TS::closing, TA::none},
        tunnel_row{TS::closing, TE::recv_session_msg, TS::closing, TA::none},
        tunnel_row{TS::closing, TE::hold_expired, TS::destroyed, TA::destroy},
        tunnel_row{TS::closing, TE::transport_failed, TS::destroyed, TA::destroy},
        tunnel_row{TS::idle, TE::recv_stopccn, TS::destroyed, TA::destroy}));

TEST(TunnelFsm, EveryPairHasAnEntryAndDestroyedIsFinal) {
  for (std::size_t s = 0; s < tunnel_state_count; ++s) {
    for (std::size_t e = 0; e < tunnel_event_count; ++e) {
      auto tr = tunnel_step(static_cast<TS>(s), static_cast<TE>(e));
      EXPECT_LT(static_cast<std::size_t>(tr.next), tunnel_state_count);
      EXPECT_NE(to_string(static_cast<TE>(e)), "unknown");
      if (static_cast<TS>(s) == TS::destroyed) {
        EXPECT_EQ(tr.next, TS::destroyed);
        EXPECT_EQ(tr.actions, TA::none);
      }
      // Only the destroy action leads to destroyed, and destroy only leads there.
      EXPECT_EQ(tr.next == TS::destroyed && static_cast<TS>(s) != TS::destroyed, (tr.actions & TA::destroy) != 0)
          << to_string(static_cast<TS>(s)) << " + " << to_string(static_cast<TE>(e));
      // Leaving a usable tunnel always clears its sessions.
      if ((static_cast<TS>(s) == TS::established || static_cast<TS>(s) == TS::wait_ctl_reply) &&
          (tr.next == TS::closing || tr.next == TS::destroyed)) {
        EXPECT_NE(tr.actions & TA::sessions_down, 0) << to_string(static_cast<TE>(e));
      }
    }
  }
}

TEST(TunnelFsm, OutOfRangeInputIsAProtocolError) {
  auto tr = tunnel_step(TS::established, static_cast<TE>(200));
  EXPECT_EQ(tr.next, TS::established);
  EXPECT_EQ(tr.actions, TA::protocol_error);
}

struct session_row {
  SS from;
  SE event;
  SS to;
  std::uint16_t actions;
};

class SessionFsmRow : public ::testing::TestWithParam<session_row> {};

TEST_P(SessionFsmRow, Transition) {
  auto r = GetParam();
  auto tr = session_step(r.from, r.event);
  EXPECT_EQ(tr.next, r.to) << to_string(r.from) << " + " << to_string(r.event) << " -> " << to_string(tr.next);
  EXPECT_EQ(tr.actions, r.actions) << to_string(r.from) << " + " << to_string(r.event);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc2661, SessionFsmRow,
    ::testing::Values(
        // LNS incoming call: ICRQ -> ICRP -> ICCN.
        session_row{SS::idle, SE::recv_icrq_ok, SS::wait_connect, SA::send_icrp},
        session_row{SS::idle, SE::recv_icrq_bad, SS::destroyed, SA::send_cdn | SA::destroy},
        session_row{SS::wait_connect, SE::recv_iccn_ok, SS::established, SA::start_ppp},
        session_row{SS::wait_connect, SE::recv_iccn_bad, SS::destroyed, SA::send_cdn | SA::destroy},
        // LAC incoming call: wait for the tunnel, ICRQ, ICRP -> ICCN.
        session_row{SS::idle, SE::local_open, SS::wait_tunnel, SA::none},
        session_row{SS::wait_tunnel, SE::tunnel_up, SS::wait_reply, SA::send_icrq},
        session_row{SS::wait_reply, SE::recv_icrp_ok, SS::established, SA::send_iccn | SA::call_up},
        session_row{SS::wait_reply, SE::recv_icrp_bad, SS::destroyed, SA::send_cdn | SA::destroy},
        // Teardown.
        session_row{SS::established, SE::recv_cdn, SS::destroyed, SA::destroy},
        session_row{SS::established, SE::local_close, SS::destroyed, SA::send_cdn | SA::destroy},
        session_row{SS::established, SE::tunnel_down, SS::destroyed, SA::destroy},
        session_row{SS::wait_tunnel, SE::local_close, SS::destroyed, SA::destroy},
        session_row{SS::established, SE::recv_unexpected, SS::destroyed,
                    SA::send_cdn | SA::destroy | SA::protocol_error},
        session_row{SS::wait_connect, SE::recv_icrq_ok, SS::wait_connect, SA::protocol_error}));

TEST(SessionFsm, EveryPairHasAnEntryAndDestroyedIsFinal) {
  for (std::size_t s = 0; s < session_state_count; ++s) {
    for (std::size_t e = 0; e < session_event_count; ++e) {
      auto tr = session_step(static_cast<SS>(s), static_cast<SE>(e));
      EXPECT_LT(static_cast<std::size_t>(tr.next), session_state_count);
      if (static_cast<SS>(s) == SS::destroyed) {
        EXPECT_EQ(tr.actions, SA::none);
        EXPECT_EQ(tr.next, SS::destroyed);
      } else {
        EXPECT_EQ(tr.next == SS::destroyed, (tr.actions & SA::destroy) != 0);
        // The tunnel is gone: never try to send a CDN on it.
        if (static_cast<SE>(e) == SE::tunnel_down) {
          EXPECT_EQ(tr.actions & SA::send_cdn, 0);
          EXPECT_EQ(tr.next, SS::destroyed);
        }
      }
    }
  }
}

}  // namespace
}  // namespace bras::l2tp

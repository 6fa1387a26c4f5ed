// The control-connection engine's sessions: ICRQ acceptance and refusal,
// routing by Session ID and by Assigned Session ID, duplicate ICRQs, the
// LAC's call queue, and what teardown does to sessions and queued calls.
#include "protocol/l2tp/control_connection.hpp"

#include "tests/unit/l2tp_control_connection_test_util.hpp"

namespace bras::l2tp::test {
namespace {

control_message icrq(std::uint16_t peer_session) {
  auto m = make_message(message_type::icrq);
  m.assigned_session_id = peer_session;
  m.call_serial_number = 1;
  return m;
}

TEST(L2tpControlConnectionSessions, AnIcrqCreatesASessionAndLaterMessagesReachIt) {
  harness h{connection_role::lns};
  h.establish_lns();
  auto fx = h.feed(icrq(7));
  auto created = first_of<create_session>(fx);
  ASSERT_TRUE(created.has_value());
  EXPECT_NE(created->local_session_id, 0);
  EXPECT_EQ(created->peer_session_id, 7);
  EXPECT_EQ(created->icrq.type, message_type::icrq);
  EXPECT_EQ(h.reservations, 1);
  EXPECT_EQ(h.e().session_count(), 1u);

  auto iccn = make_message(message_type::iccn);
  iccn.tx_connect_speed = 1000;
  iccn.framing_type = framing_bits::synchronous;
  auto delivered = first_of<deliver_to_session>(h.feed(iccn, created->local_session_id));
  ASSERT_TRUE(delivered.has_value());
  EXPECT_EQ(delivered->local_session_id, created->local_session_id);
  EXPECT_EQ(delivered->msg.type, message_type::iccn);

  // A CDN addressed only by the peer's Assigned Session ID still finds the session.
  auto cdn = make_message(message_type::cdn);
  cdn.result = result_code{cdn_result::admin, std::nullopt, ""};
  cdn.assigned_session_id = 7;
  delivered = first_of<deliver_to_session>(h.feed(cdn, 0));
  ASSERT_TRUE(delivered.has_value());
  EXPECT_EQ(delivered->local_session_id, created->local_session_id);
}

TEST(L2tpControlConnectionSessions, ADuplicateIcrqCreatesNothing) {
  harness h{connection_role::lns};
  h.establish_lns();
  ASSERT_TRUE(first_of<create_session>(h.feed(icrq(7))).has_value());
  auto fx = h.feed(icrq(7));
  EXPECT_FALSE(first_of<create_session>(fx).has_value());
  EXPECT_TRUE(h.peer.take(fx, message_type::cdn).empty());
  EXPECT_EQ(h.e().session_count(), 1u);
  EXPECT_EQ(h.reservations, 1);
}

TEST(L2tpControlConnectionSessions, MessagesForUnknownSessionsAreCounted) {
  harness h{connection_role::lns};
  h.establish_lns();
  auto iccn = make_message(message_type::iccn);
  iccn.tx_connect_speed = 1000;
  iccn.framing_type = framing_bits::synchronous;
  auto fx = h.feed(iccn, 4242);
  EXPECT_TRUE(counted(fx, connection_counter::rx_unknown_session));
  EXPECT_FALSE(first_of<deliver_to_session>(fx).has_value());
}

TEST(L2tpControlConnectionSessions, TheInstanceLimitRefusesAnIcrqWithACdn) {
  harness h{connection_role::lns};
  h.instance_limit = 0;
  h.establish_lns();
  auto fx = h.feed(icrq(9));
  EXPECT_FALSE(first_of<create_session>(fx).has_value());
  EXPECT_TRUE(counted(fx, connection_counter::sessions_refused));
  auto cdn = h.peer.take(fx, message_type::cdn);
  ASSERT_EQ(cdn.size(), 1u);
  EXPECT_EQ(cdn[0].hdr.session_id, 9);  // addressed to the caller's session
  EXPECT_EQ(cdn[0].msg.result->result, cdn_result::no_facilities_temporary);
  EXPECT_EQ(cdn[0].msg.result->error, error_code::insufficient_resources);
  EXPECT_EQ(cdn[0].msg.result->message, "session limit reached");
  EXPECT_EQ(cdn[0].msg.assigned_session_id, 0);
}

TEST(L2tpControlConnectionSessions, TheTunnelLimitRefusesAnIcrqToo) {
  harness h{connection_role::lns};
  h.client->profile.max_sessions = 1;
  h.establish_lns();
  ASSERT_TRUE(first_of<create_session>(h.feed(icrq(1))).has_value());
  auto fx = h.feed(icrq(2));
  EXPECT_FALSE(first_of<create_session>(fx).has_value());
  EXPECT_EQ(h.peer.take(fx, message_type::cdn).size(), 1u);
  EXPECT_EQ(h.reservations, 1);
}

TEST(L2tpControlConnectionSessions, AnIcrqToTheLacIsRefused) {
  harness h{connection_role::lac};
  h.establish_lac();
  auto cdn = h.peer.take(h.feed(icrq(3)), message_type::cdn);
  ASSERT_EQ(cdn.size(), 1u);
  EXPECT_EQ(cdn[0].msg.result->message, "this tunnel does not accept incoming calls");
}

TEST(L2tpControlConnectionSessions, AGoneSessionFreesItsIdAndItsPeerId) {
  harness h{connection_role::lns};
  h.establish_lns();
  auto created = first_of<create_session>(h.feed(icrq(7)));
  ASSERT_TRUE(created.has_value());
  (void)h.e().session_gone(created->local_session_id, h.now);
  EXPECT_EQ(h.e().session_count(), 0u);
  EXPECT_FALSE(h.e().has_session(created->local_session_id));
  auto again = first_of<create_session>(h.feed(icrq(7)));  // no longer a duplicate
  ASSERT_TRUE(again.has_value());
  EXPECT_NE(again->local_session_id, created->local_session_id);  // a just-freed ID is reused last
}

TEST(L2tpControlConnectionSessions, ASessionsMessagesGoOutWithItsPeerSessionId) {
  harness h{connection_role::lns};
  h.establish_lns();
  auto created = first_of<create_session>(h.feed(icrq(7)));
  ASSERT_TRUE(created.has_value());
  auto icrp = make_message(message_type::icrp);
  icrp.assigned_session_id = created->local_session_id;
  auto sent_icrp = h.peer.take(h.e().session_send(created->local_session_id, 7, icrp, h.now), message_type::icrp);
  ASSERT_EQ(sent_icrp.size(), 1u);
  EXPECT_EQ(sent_icrp[0].hdr.session_id, 7);
  EXPECT_EQ(sent_icrp[0].msg.assigned_session_id, created->local_session_id);
  // An ICRP of a session already gone is dropped.
  (void)h.e().session_gone(created->local_session_id, h.now);
  EXPECT_TRUE(h.peer.take(h.e().session_send(created->local_session_id, 7, icrp, h.now)).empty());
}

TEST(L2tpControlConnectionSessions, LacCallsWaitForTheTunnelAndStartOnceItIsUp) {
  harness h{connection_role::lac};
  auto sccrq = h.peer.take(h.e().open(h.now), message_type::sccrq);
  ASSERT_EQ(sccrq.size(), 1u);
  auto fx = h.e().place_call(41, h.now);
  EXPECT_FALSE(first_of<start_call>(fx).has_value());
  EXPECT_FALSE(first_of<call_failed>(fx).has_value());
  (void)h.e().place_call(42, h.now);
  EXPECT_EQ(h.e().queued_calls(), 2u);
  fx = h.feed(h.peer.sccrx(message_type::sccrp));
  auto started = all_of<start_call>(fx);
  ASSERT_EQ(started.size(), 2u);
  EXPECT_EQ(started[0].token, 41u);
  EXPECT_EQ(started[0].call_serial, 1u);
  EXPECT_EQ(started[1].token, 42u);
  EXPECT_EQ(started[1].call_serial, 2u);
  EXPECT_NE(started[0].local_session_id, started[1].local_session_id);
  EXPECT_EQ(h.e().queued_calls(), 0u);
  EXPECT_EQ(h.reservations, 2);

  // Established: a call starts at once.
  auto now_started = first_of<start_call>(h.e().place_call(43, h.now));
  ASSERT_TRUE(now_started.has_value());
  EXPECT_EQ(now_started->call_serial, 3u);
}

TEST(L2tpControlConnectionSessions, AnIcrpTeachesThePeerIdSoAnEarlyCdnFindsTheCall) {
  harness h{connection_role::lac};
  h.establish_lac();
  auto started = first_of<start_call>(h.e().place_call(1, h.now));
  ASSERT_TRUE(started.has_value());
  auto icrp = make_message(message_type::icrp);
  icrp.assigned_session_id = 555;
  ASSERT_TRUE(first_of<deliver_to_session>(h.feed(icrp, started->local_session_id)).has_value());
  auto cdn = make_message(message_type::cdn);
  cdn.result = result_code{cdn_result::admin, std::nullopt, ""};
  cdn.assigned_session_id = 555;
  auto delivered = first_of<deliver_to_session>(h.feed(cdn, 0));
  ASSERT_TRUE(delivered.has_value());
  EXPECT_EQ(delivered->local_session_id, started->local_session_id);
}

TEST(L2tpControlConnectionSessions, QueuedCallsFailWhenTheTunnelFails) {
  harness h{connection_role::lac};
  (void)h.e().open(h.now);
  (void)h.e().place_call(5, h.now);
  auto stopccn = make_message(message_type::stopccn);
  stopccn.assigned_tunnel_id = peer_tunnel;
  stopccn.result = result_code{stopccn_result::general_clear, std::nullopt, ""};
  auto fx = h.feed(stopccn);
  auto failed = all_of<call_failed>(fx);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].token, 5u);
  EXPECT_EQ(failed[0].reason, "tunnel failed");
  EXPECT_TRUE(first_of<tunnel_down>(fx).has_value());
  // Closing: a new call is refused at once.
  failed = all_of<call_failed>(h.e().place_call(6, h.now));
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].reason, "tunnel closing");
}

TEST(L2tpControlConnectionSessions, TeardownForgetsSessionsAndTheInstanceLimitRefusesCalls) {
  harness h{connection_role::lac};
  h.instance_limit = 1;
  h.establish_lac();
  ASSERT_TRUE(first_of<start_call>(h.e().place_call(1, h.now)).has_value());
  auto failed = first_of<call_failed>(h.e().place_call(2, h.now));
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->reason, "session limit reached");
  auto fx = h.e().close(h.now);
  EXPECT_TRUE(first_of<tunnel_down>(fx).has_value());
  EXPECT_EQ(h.e().session_count(), 0u);
}

}  // namespace
}  // namespace bras::l2tp::test

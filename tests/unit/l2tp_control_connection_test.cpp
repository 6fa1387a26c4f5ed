// The control-connection engine (protocol/l2tp/control_connection.hpp):
// handshake in both roles, authentication, refusals, HELLO, retransmission
// exhaustion, StopCCN both ways with the hold, shutdown, tie-breaking.
#include "protocol/l2tp/control_connection.hpp"

#include "tests/unit/l2tp_control_connection_test_util.hpp"

namespace bras::l2tp::test {
namespace {

TEST(L2tpControlConnection, LnsAnswersAnSccrqAndIsEstablishedByTheScccn) {
  harness h{connection_role::lns};
  auto sccrp = h.establish_lns();
  EXPECT_EQ(sccrp.hdr.tunnel_id, peer_tunnel);
  EXPECT_EQ(sccrp.hdr.session_id, 0);
  EXPECT_EQ(sccrp.msg.assigned_tunnel_id, local_tunnel);
  EXPECT_EQ(sccrp.msg.host_name, "brasd-test");
  EXPECT_EQ(sccrp.msg.receive_window_size, 8);
  EXPECT_FALSE(sccrp.msg.challenge.has_value());
  EXPECT_EQ(h.e().peer_tunnel_id(), peer_tunnel);
  EXPECT_EQ(h.e().peer_host_name(), "peer-host");
  EXPECT_EQ(h.e().peer_window(), 4);
  EXPECT_EQ(h.e().profile().group_name, "group");
  EXPECT_TRUE(h.e().was_established());
}

TEST(L2tpControlConnection, LacDialsAndSendsScccnOnTheSccrp) {
  harness h{connection_role::lac};
  h.cfg.tie_breaker = 0x1122334455667788ull;
  auto sccrq = h.peer.take(h.e().open(h.now), message_type::sccrq);
  ASSERT_EQ(sccrq.size(), 1u);
  EXPECT_EQ(sccrq[0].hdr.tunnel_id, 0);  // the peer's ID is not known yet
  EXPECT_EQ(sccrq[0].msg.tie_breaker, 0x1122334455667788ull);
  EXPECT_EQ(h.e().state(), tunnel_state::wait_ctl_reply);
  auto fx = h.feed(h.peer.sccrx(message_type::sccrp));
  auto scccn = h.peer.take(fx, message_type::scccn);
  ASSERT_EQ(scccn.size(), 1u);
  EXPECT_EQ(scccn[0].hdr.tunnel_id, peer_tunnel);
  EXPECT_TRUE(first_of<tunnel_established>(fx).has_value());
  EXPECT_TRUE(first_of<tunnel_up>(fx).has_value());
  EXPECT_TRUE(counted(fx, connection_counter::tunnels_established));
  EXPECT_EQ(h.e().state(), tunnel_state::established);
}

TEST(L2tpControlConnection, LacRefusesAnLnsWithAnotherHostName) {
  harness h{connection_role::lac};
  h.cfg.expected_peer_host_name = "the-lns";
  (void)h.peer.take(h.e().open(h.now));
  auto stop = h.peer.take(h.feed(h.peer.sccrx(message_type::sccrp)), message_type::stopccn);
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(stop[0].msg.result->result, stopccn_result::not_authorized);
  EXPECT_EQ(h.e().state(), tunnel_state::closing);
}

TEST(L2tpControlConnection, ChallengesAreAnsweredAndChecked) {
  harness h{connection_role::lns, "s3cret"};
  auto sccrq = h.peer.sccrx(message_type::sccrq);
  sccrq.challenge = wire::bytes(16, std::byte{0x42});
  auto sccrp = h.peer.take(h.feed(sccrq), message_type::sccrp);
  ASSERT_EQ(sccrp.size(), 1u);
  EXPECT_EQ(sccrp[0].msg.challenge_response, challenge_response(2, "s3cret", *sccrq.challenge));
  ASSERT_TRUE(sccrp[0].msg.challenge.has_value());
  auto scccn = make_message(message_type::scccn);
  scccn.challenge_response = challenge_response(3, "s3cret", *sccrp[0].msg.challenge);
  EXPECT_TRUE(first_of<tunnel_established>(h.feed(scccn)).has_value());
  EXPECT_TRUE(h.e().profile().secret == "s3cret");
}

TEST(L2tpControlConnection, AWrongChallengeResponseStopsTheTunnel) {
  harness h{connection_role::lns, "s3cret"};
  (void)h.peer.take(h.feed(h.peer.sccrx(message_type::sccrq)));
  auto scccn = make_message(message_type::scccn);
  scccn.challenge_response = challenge_response(3, "wrong", wire::bytes(16, std::byte{1}));
  auto fx = h.feed(scccn);
  auto stop = h.peer.take(fx, message_type::stopccn);
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(stop[0].msg.result->result, stopccn_result::not_authorized);
  EXPECT_EQ(stop[0].msg.assigned_tunnel_id, local_tunnel);
  EXPECT_TRUE(counted(fx, connection_counter::tunnel_auth_failures));
  EXPECT_FALSE(first_of<tunnel_established>(fx).has_value());
  EXPECT_EQ(h.e().state(), tunnel_state::closing);
}

TEST(L2tpControlConnection, LacStopsAnLnsThatFailsItsChallenge) {
  harness h{connection_role::lac, "s3cret"};
  (void)h.peer.take(h.e().open(h.now));
  auto sccrp = h.peer.sccrx(message_type::sccrp);  // no Challenge Response at all
  auto fx = h.feed(sccrp);
  EXPECT_EQ(h.peer.take(fx, message_type::stopccn).at(0).msg.result->result, stopccn_result::not_authorized);
  EXPECT_TRUE(counted(fx, connection_counter::tunnel_auth_failures));
}

TEST(L2tpControlConnection, AChallengeWithoutASecretIsRefused) {
  harness h{connection_role::lns};
  auto sccrq = h.peer.sccrx(message_type::sccrq);
  sccrq.challenge = wire::bytes(16, std::byte{7});
  auto fx = h.feed(sccrq);
  auto stop = h.peer.take(fx, message_type::stopccn);
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(stop[0].msg.result->result, stopccn_result::not_authorized);
  EXPECT_EQ(stop[0].msg.result->message, "challenged but no shared secret configured");
  EXPECT_TRUE(counted(fx, connection_counter::tunnels_refused));
}

TEST(L2tpControlConnection, AnUnknownMandatoryAvpRefusesTheSccrq) {
  harness h{connection_role::lns};
  auto sccrq = h.peer.sccrx(message_type::sccrq);
  sccrq.unknown.push_back({true, false, 0, 200, wire::bytes{std::byte{1}, std::byte{2}}});
  auto fx = h.feed(sccrq);
  auto stop = h.peer.take(fx, message_type::stopccn);
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(stop[0].hdr.tunnel_id, peer_tunnel);  // the refusal reaches the peer
  EXPECT_EQ(stop[0].msg.result->result, stopccn_result::general_error);
  EXPECT_EQ(stop[0].msg.result->error, error_code::unknown_mandatory_avp);
  EXPECT_EQ(stop[0].msg.result->message, "unknown mandatory AVP vendor 0 type 200");
  EXPECT_TRUE(counted(fx, connection_counter::tunnels_refused));
  EXPECT_EQ(h.e().state(), tunnel_state::closing);
}

TEST(L2tpControlConnection, AnotherProtocolVersionIsRefusedWithResult5) {
  harness h{connection_role::lns};
  auto sccrq = h.peer.sccrx(message_type::sccrq);
  sccrq.protocol_version = protocol_version_value{2, 0};
  auto stop = h.peer.take(h.feed(sccrq), message_type::stopccn);
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(stop[0].msg.result->result, stopccn_result::unsupported_version);
  EXPECT_FALSE(stop[0].msg.result->error.has_value());
}

TEST(L2tpControlConnection, AnSccrqNoGroupAcceptsOrOverTheClientLimitIsRefused) {
  harness none{connection_role::lns};
  none.client.reset();
  auto stop = none.peer.take(none.feed(none.peer.sccrx(message_type::sccrq)), message_type::stopccn);
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(stop[0].msg.result->message, "no tunnel group accepts this LAC");
  harness full{connection_role::lns};
  full.client->over_limit = true;
  stop = full.peer.take(full.feed(full.peer.sccrx(message_type::sccrq)), message_type::stopccn);
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(stop[0].msg.result->error, error_code::insufficient_resources);
}

TEST(L2tpControlConnection, HelloFollowsSilenceOfTheHelloInterval) {
  harness h{connection_role::lns};
  h.establish_lns();
  (void)h.advance(100ms);  // the delayed ZLB for the SCCCN
  auto fx = h.advance(59s);
  EXPECT_TRUE(h.peer.take(fx, message_type::hello).empty());
  auto wake = first_of<wake_at>(fx);
  ASSERT_TRUE(wake.has_value());
  h.now = wake->at;
  auto hello = h.peer.take(h.e().timer(h.now), message_type::hello);
  ASSERT_EQ(hello.size(), 1u);
  EXPECT_EQ(hello[0].hdr.tunnel_id, peer_tunnel);
  // While the HELLO is in flight only its retransmission is due, not another HELLO.
  auto next = first_of<wake_at>(h.e().timer(h.now));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->at, h.now + 1s);
}

TEST(L2tpControlConnection, ExhaustedRetransmissionsFailTheTransport) {
  harness h{connection_role::lac};
  auto fx = h.e().open(h.now);
  int retransmissions = 0;
  bool destroyed = false;
  for (int round = 0; round < 20 && !destroyed; ++round) {
    auto wake = first_of<wake_at>(fx);
    ASSERT_TRUE(wake.has_value());
    ASSERT_GE(wake->at, h.now);
    h.now = wake->at;
    fx = h.e().timer(h.now);
    retransmissions += static_cast<int>(all_of<send_datagram>(fx).size());
    destroyed = first_of<tunnel_destroyed>(fx).has_value();
  }
  EXPECT_TRUE(destroyed);
  EXPECT_EQ(retransmissions, 3);  // max_retransmits
  EXPECT_TRUE(counted(fx, connection_counter::tunnels_failed));
  EXPECT_TRUE(logged(fx, "tunnel-transport-failed"));
  EXPECT_EQ(h.e().state(), tunnel_state::destroyed);
  EXPECT_EQ(h.e().traffic().retransmissions, 3u);
  EXPECT_TRUE(h.e().timer(h.now + 1h).empty());  // nothing after destroyed
}

TEST(L2tpControlConnection, AStopccnFromThePeerIsHeldThenDestroyed) {
  harness h{connection_role::lns};
  h.establish_lns();
  auto stopccn = make_message(message_type::stopccn);
  stopccn.assigned_tunnel_id = peer_tunnel;
  stopccn.result = result_code{stopccn_result::general_clear, std::nullopt, ""};
  auto fx = h.feed(stopccn);
  EXPECT_TRUE(first_of<tunnel_down>(fx).has_value());
  EXPECT_EQ(h.e().state(), tunnel_state::closing);
  EXPECT_FALSE(first_of<tunnel_destroyed>(fx).has_value());
  auto ack = h.peer.take(h.advance(100ms));
  ASSERT_EQ(ack.size(), 1u);  // the StopCCN is acknowledged
  EXPECT_EQ(ack[0].msg.type, message_type::zlb);
  // The hold: one full retransmission cycle (1+2+4+8 s).
  EXPECT_FALSE(first_of<tunnel_destroyed>(h.advance(14s)).has_value());
  fx = h.advance(1s);
  EXPECT_TRUE(first_of<tunnel_destroyed>(fx).has_value());
  EXPECT_TRUE(counted(fx, connection_counter::tunnels_destroyed));
}

TEST(L2tpControlConnection, CloseSendsStopccnResult1AndHolds) {
  harness h{connection_role::lac};
  h.establish_lac();
  auto fx = h.e().close(h.now);
  auto stop = h.peer.take(fx, message_type::stopccn);
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(stop[0].msg.result->result, stopccn_result::general_clear);
  EXPECT_TRUE(first_of<tunnel_down>(fx).has_value());
  // Acknowledged, but an administrative close still holds the state.
  EXPECT_FALSE(first_of<tunnel_destroyed>(h.feed(make_message(message_type::zlb))).has_value());
  EXPECT_TRUE(first_of<tunnel_destroyed>(h.advance(16s)).has_value());
}

TEST(L2tpControlConnection, ShutdownSendsResult6AndEndsOnceAcknowledged) {
  harness h{connection_role::lns};
  h.establish_lns();
  auto stop = h.peer.take(h.e().shutdown(h.now), message_type::stopccn);
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(stop[0].msg.result->result, stopccn_result::shutting_down);
  auto fx = h.feed(make_message(message_type::zlb));
  EXPECT_TRUE(first_of<tunnel_destroyed>(fx).has_value());
  EXPECT_EQ(h.e().state(), tunnel_state::destroyed);
}

TEST(L2tpControlConnection, TheTieBreakIsAskedAndItsVerdictApplied) {
  harness win{connection_role::lns};
  win.cfg.ask_tie_break = true;
  auto sccrq = win.peer.sccrx(message_type::sccrq);
  sccrq.tie_breaker = 99;
  auto ask = first_of<ask_tie_break>(win.feed(sccrq));
  ASSERT_TRUE(ask.has_value());
  EXPECT_EQ(ask->peer_tie_breaker, 99u);
  auto stop = win.peer.take(win.e().tie_break(tie_outcome::we_win, win.now), message_type::stopccn);
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(stop[0].msg.result->result, stopccn_result::already_exists);

  harness silent{connection_role::lns};
  silent.cfg.ask_tie_break = true;
  const auto asked = silent.now;
  (void)silent.feed(sccrq);
  auto wake = first_of<wake_at>(silent.advance(100ms));  // past the delayed ZLB
  ASSERT_TRUE(wake.has_value());
  EXPECT_EQ(wake->at, asked + 5s);  // no answer in time: proceed
  silent.now = wake->at;
  EXPECT_EQ(silent.peer.take(silent.e().timer(silent.now), message_type::sccrp).size(), 1u);
  EXPECT_EQ(silent.e().state(), tunnel_state::wait_ctl_conn);
}

TEST(L2tpControlConnection, TheLacFollowsAnLnsAnsweringFromAnotherPortOnlyDuringSetup) {
  harness h{connection_role::lac};
  (void)h.e().open(h.now);
  auto sccrp = h.peer.datagram(h.peer.sccrx(message_type::sccrp));
  auto fx = h.e().receive(sccrp, datagram_source::peer_address, "192.0.2.1:40000", h.now);
  EXPECT_TRUE(first_of<peer_moved>(fx).has_value());
  EXPECT_EQ(h.e().state(), tunnel_state::established);
  auto hello = h.peer.datagram(make_message(message_type::hello));
  fx = h.e().receive(hello, datagram_source::peer_address, "192.0.2.1:40001", h.now);
  EXPECT_TRUE(counted(fx, connection_counter::rx_wrong_peer));
  EXPECT_FALSE(first_of<peer_moved>(fx).has_value());
}

TEST(L2tpControlConnection, MalformedDatagramsAreCountedAndLogged) {
  harness h{connection_role::lns};
  wire::bytes junk{std::byte{0xc8}, std::byte{0x02}};
  // From the peer the caller passes no name (it is not formatted per datagram): the engine names its peer.
  auto fx = h.e().receive(junk, datagram_source::peer, "", h.now);
  EXPECT_TRUE(counted(fx, connection_counter::rx_malformed));
  ASSERT_TRUE(logged(fx, "l2tp-malformed"));
  EXPECT_NE(all_of<log_line>(fx).front().fields.find("peer=192.0.2.1:1701 "), std::string::npos);
  // Anyone else is named as the caller says.
  fx = h.e().receive(junk, datagram_source::stranger, "198.51.100.7:999", h.now);
  ASSERT_TRUE(logged(fx, "l2tp-malformed"));
  EXPECT_NE(all_of<log_line>(fx).front().fields.find("peer=198.51.100.7:999 "), std::string::npos);
  EXPECT_EQ(h.e().state(), tunnel_state::idle);
}

TEST(L2tpControlConnection, TransitionsAreLoggedOnlyWhileWanted) {
  harness h{connection_role::lac};
  bool wanted = false;
  h.cfg.log_transitions = [&wanted] { return wanted; };
  EXPECT_FALSE(logged(h.e().open(h.now), "tunnel-fsm"));
  wanted = true;  // the level changed at run time
  auto fx = h.e().close(h.now);
  ASSERT_TRUE(logged(fx, "tunnel-fsm"));
  for (const auto& l : all_of<log_line>(fx)) {
    if (l.event == "tunnel-fsm") {
      EXPECT_EQ(l.fields, "tunnel=11 wait-ctl-reply + local-close -> closing");
    }
  }
}

}  // namespace
}  // namespace bras::l2tp::test

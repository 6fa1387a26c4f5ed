// The control-connection engine's admission control (LNS): over the cap on
// sessions in set-up an ICRQ is acknowledged and kept as received (no
// session, no ID), started in arrival order as places free (session ready,
// session gone, places freed elsewhere found by the retry timer), refused
// with CDN 2/4 when the set-up queue is full, and forgotten on a CDN from
// the LAC or with the tunnel. The places held are given back exactly once.
#include "protocol/l2tp/control_connection.hpp"
#include "tests/unit/l2tp_control_connection_test_util.hpp"

namespace bras::l2tp::test {
namespace {

control_message icrq(std::uint16_t peer_session) {
  auto m = make_message(message_type::icrq);
  m.assigned_session_id = peer_session;
  m.call_serial_number = peer_session;
  return m;
}

/// An LNS harness with an instance-wide cap of `cap` sessions in set-up and a set-up queue of `queue`.
struct admission : harness {
  int in_setup = 0;  ///< places held (the instance-wide gauge)
  int cap;

  admission(int cap_, std::size_t queue) : harness(connection_role::lns), cap(cap_) {
    cfg.admit_setup = [this](std::size_t held) {
      EXPECT_EQ(held, e().sessions_in_setup());
      if (in_setup >= cap) return false;
      ++in_setup;
      return true;
    };
    cfg.release_setup = [this] {
      --in_setup;
      EXPECT_GE(in_setup, 0);
    };
    cfg.setup_queue_limit = queue;
    cfg.setup_retry = 20ms;
  }

  /// The local session ID of the session an ICRQ of `peer_session` created in `fx`, if any.
  static std::optional<std::uint16_t> created(const connection_effects& fx, std::uint16_t peer_session) {
    for (const auto& c : all_of<create_session>(fx)) {
      if (c.peer_session_id == peer_session) return c.local_session_id;
    }
    return std::nullopt;
  }
};

TEST(L2tpAdmission, UnderTheCapAnIcrqCreatesItsSessionAndTakesAPlace) {
  admission h{2, 8};
  h.establish_lns();
  auto fx = h.feed(icrq(1));
  ASSERT_TRUE(admission::created(fx, 1).has_value());
  EXPECT_EQ(h.in_setup, 1);
  EXPECT_EQ(h.e().sessions_in_setup(), 1u);
  EXPECT_FALSE(counted(fx, connection_counter::calls_deferred));
}

TEST(L2tpAdmission, OverTheCapAnIcrqIsAcknowledgedAndKeptWithoutASession) {
  admission h{1, 8};
  h.establish_lns();
  ASSERT_TRUE(admission::created(h.feed(icrq(1)), 1).has_value());
  auto fx = h.feed(icrq(2));
  EXPECT_TRUE(counted(fx, connection_counter::calls_deferred));
  EXPECT_TRUE(all_of<create_session>(fx).empty());
  EXPECT_TRUE(h.peer.take(fx, message_type::cdn).empty());  // not refused
  EXPECT_EQ(h.e().session_count(), 1u);                     // no session, no session ID for it
  EXPECT_EQ(h.reservations, 1);                             // nor a place under max-sessions
  EXPECT_EQ(h.e().deferred_calls(), 1u);
  EXPECT_EQ(h.in_setup, 1);
  // The ICRQ is acknowledged (a ZLB after the ack delay): the LAC does not send it again.
  auto ack = h.advance(60ms);
  auto frames = all_of<send_datagram>(ack);
  ASSERT_EQ(frames.size(), 1u);
  auto p = decode_packet(frames[0].data);
  ASSERT_TRUE(static_cast<bool>(p));
  EXPECT_TRUE(p->payload.empty());
  EXPECT_EQ(p->hdr.nr, h.peer.ns);
}

TEST(L2tpAdmission, WaitingCallsStartInArrivalOrderAsSessionsBecomeReady) {
  admission h{1, 8};
  h.establish_lns();
  auto first = admission::created(h.feed(icrq(1)), 1);
  ASSERT_TRUE(first.has_value());
  for (std::uint16_t peer : {2, 3, 4}) (void)h.feed(icrq(peer));
  EXPECT_EQ(h.e().deferred_calls(), 3u);

  auto fx = h.e().session_ready(*first, h.now);
  auto second = admission::created(fx, 2);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(all_of<create_session>(fx).size(), 1u);
  EXPECT_EQ(all_of<create_session>(fx)[0].icrq.call_serial_number, 2u);  // the ICRQ as received
  EXPECT_EQ(h.in_setup, 1);
  EXPECT_EQ(h.e().deferred_calls(), 2u);
  // A ready session that is still up holds no place; readiness twice frees nothing more.
  EXPECT_TRUE(all_of<create_session>(h.e().session_ready(*first, h.now)).empty());
  EXPECT_EQ(h.in_setup, 1);

  // A session that ends in set-up frees its place too.
  fx = h.e().session_gone(*second, h.now);
  auto third = admission::created(fx, 3);
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(h.in_setup, 1);
  fx = h.e().session_ready(*third, h.now);
  ASSERT_TRUE(admission::created(fx, 4).has_value());
  EXPECT_EQ(h.e().deferred_calls(), 0u);
  EXPECT_EQ(h.e().session_count(), 3u);  // 1, 3 and 4 (2 ended)
}

TEST(L2tpAdmission, ANewIcrqQueuesBehindWaitingCallsEvenWhenAPlaceIsFree) {
  admission h{1, 8};
  h.establish_lns();
  ASSERT_TRUE(admission::created(h.feed(icrq(1)), 1).has_value());
  (void)h.feed(icrq(2));
  h.in_setup = 0;  // another tunnel's session got ready, before the retry timer looked
  auto fx = h.feed(icrq(3));
  EXPECT_TRUE(admission::created(fx, 2).has_value());  // the waiting call takes the place
  EXPECT_FALSE(admission::created(fx, 3).has_value());
  EXPECT_TRUE(counted(fx, connection_counter::calls_deferred));
  EXPECT_EQ(h.e().deferred_calls(), 1u);
  EXPECT_EQ(h.in_setup, 1);
}

TEST(L2tpAdmission, TheRetryTimerFindsPlacesOtherTunnelsFreed) {
  admission h{1, 8};
  h.establish_lns();
  ASSERT_TRUE(admission::created(h.feed(icrq(1)), 1).has_value());
  auto fx = h.feed(icrq(2));
  auto wake = first_of<wake_at>(fx);
  ASSERT_TRUE(wake.has_value());
  EXPECT_LE(wake->at, h.now + 20ms);
  EXPECT_TRUE(all_of<create_session>(h.advance(20ms)).empty());  // still full
  h.in_setup = 0;                                                // another tunnel's session got ready
  fx = h.advance(20ms);
  ASSERT_TRUE(admission::created(fx, 2).has_value());
  EXPECT_EQ(h.in_setup, 1);
  EXPECT_EQ(h.e().deferred_calls(), 0u);
}

TEST(L2tpAdmission, AFullSetupQueueRefusesWithCdnResult2Error4) {
  admission h{1, 2};
  h.establish_lns();
  ASSERT_TRUE(admission::created(h.feed(icrq(1)), 1).has_value());
  (void)h.feed(icrq(2));
  (void)h.feed(icrq(3));
  auto fx = h.feed(icrq(4));
  EXPECT_TRUE(counted(fx, connection_counter::calls_refused_queue));
  EXPECT_TRUE(counted(fx, connection_counter::sessions_refused));
  EXPECT_TRUE(all_of<create_session>(fx).empty());
  auto cdn = h.peer.take(fx, message_type::cdn);
  ASSERT_EQ(cdn.size(), 1u);
  EXPECT_EQ(cdn[0].hdr.session_id, 4);  // to the caller's session
  ASSERT_TRUE(cdn[0].msg.result.has_value());
  EXPECT_EQ(cdn[0].msg.result->result, cdn_result::general_error);          // 2: see the error code
  EXPECT_EQ(cdn[0].msg.result->error, error_code::insufficient_resources);  // 4: not now
  EXPECT_EQ(cdn[0].msg.assigned_session_id, 0);                             // no session of ours
  EXPECT_EQ(h.e().deferred_calls(), 2u);
  EXPECT_EQ(h.e().session_count(), 1u);
  EXPECT_EQ(h.in_setup, 1);
}

TEST(L2tpAdmission, ADuplicateOfAWaitingIcrqIsIgnored) {
  admission h{1, 8};
  h.establish_lns();
  (void)h.feed(icrq(1));
  (void)h.feed(icrq(2));
  auto fx = h.feed(icrq(2));  // a new message (next Ns) naming the same call
  EXPECT_FALSE(counted(fx, connection_counter::calls_deferred));
  EXPECT_TRUE(h.peer.take(fx, message_type::cdn).empty());
  EXPECT_EQ(h.e().deferred_calls(), 1u);
}

TEST(L2tpAdmission, ACdnFromTheLacForgetsAWaitingCall) {
  admission h{1, 8};
  h.establish_lns();
  auto first = admission::created(h.feed(icrq(1)), 1);
  (void)h.feed(icrq(2));
  (void)h.feed(icrq(3));
  auto cdn = make_message(message_type::cdn);
  cdn.result = result_code{cdn_result::admin, std::nullopt, ""};
  cdn.assigned_session_id = 2;
  auto fx = h.feed(cdn, 0);
  EXPECT_TRUE(counted(fx, connection_counter::calls_deferred_dropped));
  EXPECT_FALSE(counted(fx, connection_counter::rx_unknown_session));
  EXPECT_EQ(h.e().deferred_calls(), 1u);
  fx = h.e().session_ready(*first, h.now);
  EXPECT_FALSE(admission::created(fx, 2).has_value());
  EXPECT_TRUE(admission::created(fx, 3).has_value());
}

TEST(L2tpAdmission, TheSessionLimitStillRefusesAnAdmittedCallAndGivesThePlaceBack) {
  admission h{4, 8};
  h.instance_limit = 0;
  h.establish_lns();
  auto fx = h.feed(icrq(1));
  EXPECT_TRUE(counted(fx, connection_counter::calls_refused_limit));
  EXPECT_EQ(h.peer.take(fx, message_type::cdn).size(), 1u);
  EXPECT_EQ(h.in_setup, 0);
  EXPECT_EQ(h.e().sessions_in_setup(), 0u);
}

TEST(L2tpAdmission, AStopCcnGivesBackEveryPlaceAndDropsWaitingCalls) {
  admission h{2, 8};
  h.establish_lns();
  (void)h.feed(icrq(1));
  (void)h.feed(icrq(2));
  (void)h.feed(icrq(3));
  (void)h.feed(icrq(4));
  ASSERT_EQ(h.in_setup, 2);
  ASSERT_EQ(h.e().deferred_calls(), 2u);
  auto stop = make_message(message_type::stopccn);
  stop.assigned_tunnel_id = peer_tunnel;
  stop.result = result_code{stopccn_result::general_clear, std::nullopt, ""};
  auto fx = h.feed(stop);
  EXPECT_TRUE(first_of<tunnel_down>(fx).has_value());
  EXPECT_TRUE(counted(fx, connection_counter::calls_deferred_dropped));
  EXPECT_TRUE(all_of<create_session>(fx).empty());
  EXPECT_EQ(h.in_setup, 0);
  EXPECT_EQ(h.e().deferred_calls(), 0u);
  EXPECT_EQ(h.e().sessions_in_setup(), 0u);
  // The session actors' session_gone come later: nothing is given back twice.
  for (std::uint16_t id = 1; id < 8; ++id) (void)h.e().session_gone(id, h.now);
  EXPECT_EQ(h.in_setup, 0);
}

TEST(L2tpAdmission, ALostTransportGivesBackEveryPlace) {
  admission h{1, 8};
  h.establish_lns();
  auto first = admission::created(h.feed(icrq(1)), 1);
  ASSERT_TRUE(first.has_value());
  (void)h.feed(icrq(2));
  // Our ICRP is never acknowledged: the channel gives up after its retransmissions.
  auto icrp = make_message(message_type::icrp);
  icrp.assigned_session_id = *first;
  (void)h.e().session_send(*first, 1, icrp, h.now);
  connection_effects fx;
  for (int i = 0; i < 200 && h.e().state() != tunnel_state::destroyed; ++i) {
    auto more = h.advance(1000ms);
    fx.insert(fx.end(), more.begin(), more.end());
  }
  EXPECT_TRUE(first_of<tunnel_down>(fx).has_value());
  EXPECT_EQ(h.in_setup, 0);
  EXPECT_EQ(h.e().deferred_calls(), 0u);
}

TEST(L2tpAdmission, WithoutACapEveryIcrqCreatesItsSessionAtOnce) {
  harness h{connection_role::lns};
  h.establish_lns();
  for (std::uint16_t peer = 1; peer <= 50; ++peer) {
    EXPECT_TRUE(first_of<create_session>(h.feed(icrq(peer))).has_value());
  }
  EXPECT_EQ(h.e().deferred_calls(), 0u);
  EXPECT_EQ(h.e().sessions_in_setup(), 0u);
}

TEST(L2tpAdmission, RetransmissionsAndDuplicatesAreCounted) {
  admission h{1, 8};
  h.establish_lns();
  auto first = admission::created(h.feed(icrq(1)), 1);
  ASSERT_TRUE(first.has_value());
  auto icrp = make_message(message_type::icrp);
  icrp.assigned_session_id = *first;
  (void)h.e().session_send(*first, 1, icrp, h.now);
  EXPECT_TRUE(counted(h.advance(1000ms), connection_counter::control_retransmissions));
  // The peer's ICRQ again with its old Ns: a duplicate.
  --h.peer.ns;
  auto fx = h.feed(icrq(1));
  EXPECT_TRUE(counted(fx, connection_counter::control_rx_duplicates));
}

}  // namespace
}  // namespace bras::l2tp::test

// RFC 2661 §5.8 reliable delivery with a simulated clock: no sleeps.
#include "protocol/l2tp/reliable.hpp"

#include "tests/unit/test_util.hpp"

namespace bras::l2tp {
namespace {

using namespace std::chrono_literals;

wire::bytes msg(std::uint8_t tag) {
  return wire::bytes{std::byte{0x80}, std::byte{tag}};
}

class Reliable : public ::testing::Test {
 protected:
  time_point t0{std::chrono::seconds{1000}};
  std::vector<outbound_frame> out;
  std::vector<inbound_message> delivered;
};

TEST(SeqLess, WrapsAround) {
  EXPECT_TRUE(seq_less(1, 2));
  EXPECT_FALSE(seq_less(2, 1));
  EXPECT_FALSE(seq_less(5, 5));
  EXPECT_TRUE(seq_less(65535, 0));
  EXPECT_TRUE(seq_less(65000, 100));
  EXPECT_FALSE(seq_less(100, 65000));
}

TEST_F(Reliable, SendsWithinThePeerWindowAndQueuesTheRest) {
  reliable_channel ch;
  ch.set_peer_window(2);
  for (std::uint8_t i = 0; i < 4; ++i) ch.send(msg(i), t0, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].ns, 0);
  EXPECT_EQ(out[1].ns, 1);
  EXPECT_EQ(ch.in_flight(), 2u);
  EXPECT_EQ(ch.queued(), 2u);
  out.clear();
  // A ZLB acknowledging Ns 0 opens one slot.
  EXPECT_EQ(ch.receive(0, 1, {}, t0 + 10ms, delivered, out), receive_verdict::zlb);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ns, 2);
  EXPECT_EQ(out[0].avps, msg(2));
}

TEST_F(Reliable, DeliversInOrderAndBuffersAhead) {
  reliable_channel ch;
  EXPECT_EQ(ch.receive(1, 0, msg(1), t0, delivered, out), receive_verdict::buffered);
  EXPECT_EQ(ch.receive(2, 0, msg(2), t0, delivered, out), receive_verdict::buffered);
  EXPECT_TRUE(delivered.empty());
  EXPECT_EQ(ch.receive(0, 0, msg(0), t0, delivered, out), receive_verdict::delivered);
  ASSERT_EQ(delivered.size(), 3u);
  EXPECT_EQ(delivered[0].avps, msg(0));
  EXPECT_EQ(delivered[1].avps, msg(1));
  EXPECT_EQ(delivered[2].avps, msg(2));
  EXPECT_EQ(ch.next_nr(), 3);
  EXPECT_EQ(ch.stats().rx_out_of_order, 2u);
}

// Messages pile up unacknowledged (nothing to piggyback on): at half our window the ZLB goes
// at once, not after the ack delay, so a peer sending a window's worth never stalls on it.
TEST_F(Reliable, HalfTheWindowUnacknowledgedIsAcknowledgedAtOnce) {
  reliable_config cfg;
  cfg.receive_window = 16;
  cfg.ack_delay = 50ms;
  reliable_channel ch{cfg};
  for (std::uint16_t ns = 0; ns < 7; ++ns) {
    EXPECT_EQ(ch.receive(ns, 0, msg(static_cast<std::uint8_t>(ns)), t0, delivered, out), receive_verdict::delivered);
  }
  EXPECT_TRUE(out.empty()) << "below half the window the ack waits for something to ride on";
  EXPECT_EQ(ch.receive(7, 0, msg(7), t0, delivered, out), receive_verdict::delivered);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].avps.empty()) << "a ZLB";
  EXPECT_EQ(out[0].nr, 8);
  // The count starts again from what that ZLB acknowledged.
  out.clear();
  for (std::uint16_t ns = 8; ns < 15; ++ns) {
    ch.receive(ns, 0, msg(static_cast<std::uint8_t>(ns)), t0, delivered, out);
  }
  EXPECT_TRUE(out.empty());
  ch.receive(15, 0, msg(15), t0, delivered, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].nr, 16);
}

TEST_F(Reliable, DropsBeyondOurWindow) {
  reliable_config cfg;
  cfg.receive_window = 4;
  reliable_channel ch{cfg};
  EXPECT_EQ(ch.receive(4, 0, msg(4), t0, delivered, out), receive_verdict::out_of_window);
  EXPECT_EQ(ch.receive(3, 0, msg(3), t0, delivered, out), receive_verdict::buffered);
  EXPECT_EQ(ch.stats().rx_out_of_window, 1u);
}

TEST_F(Reliable, DuplicateIsReacknowledgedAtOnce) {
  reliable_channel ch;
  ch.receive(0, 0, msg(0), t0, delivered, out);
  out.clear();
  EXPECT_EQ(ch.receive(0, 0, msg(0), t0 + 1ms, delivered, out), receive_verdict::duplicate);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].avps.empty()) << "a ZLB";
  EXPECT_EQ(out[0].nr, 1);
  EXPECT_EQ(delivered.size(), 1u);
}

TEST_F(Reliable, DelayedZlbUnlessAReplyPiggybacks) {
  reliable_config cfg;
  cfg.ack_delay = 50ms;
  reliable_channel ch{cfg};
  ch.receive(0, 0, msg(0), t0, delivered, out);
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(ch.next_deadline());
  EXPECT_EQ(*ch.next_deadline(), t0 + 50ms);
  ch.on_timer(t0 + 49ms, out);
  EXPECT_TRUE(out.empty());
  ch.on_timer(t0 + 50ms, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].avps.empty());
  EXPECT_EQ(out[0].nr, 1);

  // A reply before the deadline carries Nr: no ZLB.
  out.clear();
  ch.receive(1, 0, msg(1), t0 + 100ms, delivered, out);
  ch.send(msg(9), t0 + 110ms, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].nr, 2);
  out.clear();
  ch.on_timer(t0 + 200ms, out);
  EXPECT_TRUE(out.empty());
}

TEST_F(Reliable, RetransmitsWithExponentialBackoffThenFails) {
  reliable_config cfg;
  cfg.initial_timeout = 1s;
  cfg.max_timeout = 8s;
  cfg.max_retransmits = 5;
  reliable_channel ch{cfg};
  ch.send(msg(1), t0, out);
  ASSERT_EQ(out.size(), 1u);
  std::vector<duration> gaps;
  time_point last = t0;
  for (int i = 0; i < 10 && !ch.failed(); ++i) {
    auto at = *ch.next_deadline();
    out.clear();
    ch.on_timer(at, out);
    if (!ch.failed()) {
      ASSERT_EQ(out.size(), 1u);
      EXPECT_TRUE(out[0].retransmission);
      EXPECT_EQ(out[0].ns, 0);
    }
    gaps.push_back(at - last);
    last = at;
  }
  EXPECT_TRUE(ch.failed());
  // 5 retransmissions after 1, 2, 4, 8, 8 s; failure 8 s after the last.
  std::vector<duration> expected{1s, 2s, 4s, 8s, 8s, 8s};
  EXPECT_EQ(gaps, expected);
  EXPECT_EQ(ch.stats().retransmissions, 5u);
}

TEST(ReliableCycle, FullRetransmissionCycleSumsTheBackoff) {
  reliable_config cfg;  // 1 s doubling to 8 s, 5 retransmissions
  EXPECT_EQ(full_retransmission_cycle(cfg), std::chrono::seconds{1 + 2 + 4 + 8 + 8 + 8});
}

TEST_F(Reliable, AckStopsRetransmissionAndRestartsTheTimerForTheNext) {
  reliable_channel ch;
  ch.set_peer_window(4);
  ch.send(msg(1), t0, out);
  ch.send(msg(2), t0 + 500ms, out);
  out.clear();
  ch.receive(0, 1, {}, t0 + 800ms, delivered, out);  // acks Ns 0
  EXPECT_EQ(ch.in_flight(), 1u);
  EXPECT_EQ(*ch.next_deadline(), t0 + 800ms + 1s);
  ch.receive(0, 2, {}, t0 + 900ms, delivered, out);
  EXPECT_TRUE(ch.idle());
  EXPECT_FALSE(ch.next_deadline());
}

// A steady stream over a link that loses every third first transmission:
// each timeout resends the window, but acknowledgements keep arriving, so
// the budget of consecutive timeouts is never used up.
TEST_F(Reliable, RetryBudgetCountsTimeoutsWithoutProgressNotPerMessage) {
  reliable_config cfg;
  cfg.max_retransmits = 2;
  reliable_channel ch{cfg};
  ch.set_peer_window(8);
  time_point t = t0;
  std::uint16_t acked = 0;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 4; ++i) ch.send(msg(1), t, out);
    out.clear();
    t = *ch.next_deadline();
    ch.on_timer(t, out);  // the front was lost: everything in flight goes again
    ASSERT_FALSE(ch.failed()) << "round " << round;
    acked = static_cast<std::uint16_t>(acked + 2);  // then half the window is acknowledged
    ch.receive(0, acked, {}, t, delivered, out);
  }
  EXPECT_FALSE(ch.failed());
}

TEST_F(Reliable, IgnoresAnAckForWhatWasNeverSent) {
  reliable_channel ch;
  ch.send(msg(1), t0, out);
  ch.receive(0, 5, {}, t0, delivered, out);
  EXPECT_EQ(ch.in_flight(), 1u);
}

TEST_F(Reliable, SequenceNumbersWrap) {
  reliable_channel ch;
  // Drive Nr to 65535 by delivering 65535 messages, then two more across the wrap.
  for (std::uint32_t i = 0; i < 65535; ++i) ch.receive(static_cast<std::uint16_t>(i), 0, msg(1), t0, delivered, out);
  EXPECT_EQ(ch.next_nr(), 65535);
  delivered.clear();
  EXPECT_EQ(ch.receive(0, 0, msg(3), t0, delivered, out), receive_verdict::buffered);
  EXPECT_EQ(ch.receive(65535, 0, msg(2), t0, delivered, out), receive_verdict::delivered);
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_EQ(delivered[1].avps, msg(3));
  EXPECT_EQ(ch.next_nr(), 1);
}

// Two channels over a lossy, reordering, duplicating link: everything sent
// is delivered exactly once and in order on the other side.
TEST_F(Reliable, LossyLinkDeliversEverythingInOrder) {
  reliable_config cfg;
  cfg.ack_delay = 20ms;
  reliable_channel a{cfg}, b{cfg};
  a.set_peer_window(8);
  b.set_peer_window(8);
  struct in_transit {
    time_point at;
    bool to_b;
    outbound_frame f;
  };
  std::vector<in_transit> link;
  std::uint32_t rng = 12345;
  auto rnd = [&] {
    rng = rng * 1103515245u + 12345u;
    return (rng >> 16) % 100;
  };
  auto put = [&](time_point now, bool to_b, std::vector<outbound_frame>& frames) {
    for (auto& f : frames) {
      if (rnd() < 20) continue;                           // 20% loss
      auto delay = std::chrono::milliseconds{5 + rnd()};  // reordering
      link.push_back({now + delay, to_b, f});
      if (rnd() < 10) link.push_back({now + delay + 3ms, to_b, f});  // duplication
    }
    frames.clear();
  };
  std::vector<inbound_message> got_b, got_a;
  time_point now = t0;
  std::vector<outbound_frame> tmp;
  for (std::uint8_t i = 0; i < 200; ++i) {
    a.send(msg(i), now, tmp, static_cast<std::uint16_t>(i % 7));
    put(now, true, tmp);
  }
  for (int step = 0; step < 200000 && (got_b.size() < 200 || !a.idle()); ++step) {
    now += 1ms;
    for (std::size_t k = 0; k < link.size();) {
      if (link[k].at <= now) {
        auto e = link[k];
        link.erase(link.begin() + static_cast<std::ptrdiff_t>(k));
        if (e.to_b) {
          b.receive(e.f.ns, e.f.nr, e.f.avps, now, got_b, tmp, e.f.session_id);
          put(now, false, tmp);
        } else {
          a.receive(e.f.ns, e.f.nr, e.f.avps, now, got_a, tmp);
          put(now, true, tmp);
        }
      } else {
        ++k;
      }
    }
    a.on_timer(now, tmp);
    put(now, true, tmp);
    b.on_timer(now, tmp);
    put(now, false, tmp);
    ASSERT_FALSE(a.failed());
  }
  ASSERT_EQ(got_b.size(), 200u);
  for (std::uint8_t i = 0; i < 200; ++i) {
    EXPECT_EQ(got_b[i].avps, msg(i));
    EXPECT_EQ(got_b[i].session_id, i % 7) << "the header Session ID travels with the message";
  }
  EXPECT_TRUE(a.idle());
  EXPECT_GT(a.stats().retransmissions, 0u);
}

}  // namespace
}  // namespace bras::l2tp

#include "protocol/radius/server_group.hpp"

#include <gtest/gtest.h>

#include <set>

namespace bras::radius {
namespace {

using namespace std::chrono_literals;

server_config server(std::string name, unsigned weight = 1, unsigned max_outstanding = 256) {
  server_config s;
  s.name = std::move(name);
  s.address = 0x7f000001;
  s.port = 1812;
  s.secret = "testing123";
  s.weight = weight;
  s.max_outstanding = max_outstanding;
  return s;
}

group_config group(std::vector<server_config> servers) {
  group_config g;
  g.servers = std::move(servers);
  g.dead_after = 2;
  g.dead_time = 30s;
  g.probe_interval = 10s;
  return g;
}

const time_point t0{std::chrono::hours{1}};

/// Picks, sends and answers at once: only the weights decide.
std::vector<unsigned> share_of_picks(server_group& g, int picks) {
  std::vector<unsigned> counts(g.size());
  for (int n = 0; n < picks; ++n) {
    auto i = g.pick(t0);
    EXPECT_TRUE(i);
    if (!i) break;
    ++counts[*i];
    g.sent(*i);
    g.answered(*i, t0, false);
  }
  return counts;
}

TEST(RadiusServerGroup, WeightsAreHonouredOverAThousandPicks) {
  server_group g{group({server("a", 5), server("b", 3), server("c", 2)})};
  auto counts = share_of_picks(g, 1000);
  EXPECT_EQ(counts[0], 500u);
  EXPECT_EQ(counts[1], 300u);
  EXPECT_EQ(counts[2], 200u);
}

TEST(RadiusServerGroup, SmoothRoundRobinInterleavesRatherThanBursts) {
  server_group g{group({server("a", 2), server("b", 1)})};
  std::vector<std::size_t> order;
  for (int n = 0; n < 6; ++n) {
    auto i = g.pick(t0);
    ASSERT_TRUE(i);
    order.push_back(*i);
  }
  // nginx's smooth WRR for {2, 1}: a b a a b a
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 0, 0, 1, 0}));
}

TEST(RadiusServerGroup, StandbyWithWeightZeroOnlyWhenNoWeightedServerIsLive) {
  server_group g{group({server("primary", 1), server("standby", 0)})};
  auto counts = share_of_picks(g, 100);
  EXPECT_EQ(counts[0], 100u);
  EXPECT_EQ(counts[1], 0u);
  // The primary dies: the standby takes over.
  for (int n = 0; n < 2; ++n) {
    g.sent(0);
    g.timed_out(0, t0);
  }
  ASSERT_EQ(g.state(0), server_state::dead);
  EXPECT_EQ(g.pick(t0), 1u);
  // Tried the primary for this request (alive but timed out once): the standby is next.
  server_group h{group({server("primary", 1), server("standby", 0)})};
  EXPECT_EQ(h.pick(t0, 0b01), 1u);
}

TEST(RadiusServerGroup, MaxOutstandingIsRespected) {
  server_group g{group({server("a", 1, 3), server("b", 1, 2)})};
  std::vector<unsigned> counts(2);
  for (int n = 0; n < 5; ++n) {
    auto i = g.pick(t0);
    ASSERT_TRUE(i) << n;
    g.sent(*i);
    ++counts[*i];
  }
  EXPECT_EQ(counts[0], 3u);
  EXPECT_EQ(counts[1], 2u);
  EXPECT_EQ(g.outstanding(0), 3u);
  EXPECT_EQ(g.outstanding(1), 2u);
  EXPECT_FALSE(g.pick(t0));  // every server full: the caller queues
  g.answered(1, t0, false);
  EXPECT_EQ(g.pick(t0), 1u);
  g.sent(1);
  EXPECT_FALSE(g.pick(t0));
  g.released(0);
  EXPECT_EQ(g.pick(t0), 0u);
}

TEST(RadiusServerGroup, FullWeightedServerMakesTheCallerWaitRatherThanUseTheStandby) {
  server_group g{group({server("primary", 1, 1), server("standby", 0)})};
  ASSERT_EQ(g.pick(t0), 0u);
  g.sent(0);
  EXPECT_FALSE(g.pick(t0));
}

TEST(RadiusServerGroup, FailoverSkipsTriedServersAndDeadOnes) {
  server_group g{group({server("a"), server("b")})};
  EXPECT_EQ(g.pick(t0, 0b01), 1u);
  EXPECT_EQ(g.pick(t0, 0b10), 0u);
  EXPECT_FALSE(g.pick(t0, 0b11));  // every server tried: the request has failed

  // dead_after (2) timeouts in a row make a server dead; an answer in between resets the run.
  g.sent(0);
  g.timed_out(0, t0);
  g.sent(0);
  g.answered(0, t0, false);
  g.sent(0);
  g.timed_out(0, t0);
  EXPECT_EQ(g.state(0), server_state::alive);
  g.sent(0);
  g.timed_out(0, t0);
  EXPECT_EQ(g.state(0), server_state::dead);
  EXPECT_EQ(g.outstanding(0), 0u);
  for (int n = 0; n < 10; ++n) EXPECT_EQ(g.pick(t0 + 1s), 1u);
  // Tried b, a is dead while b lives: nothing left for this request.
  EXPECT_FALSE(g.pick(t0, 0b10));
}

TEST(RadiusServerGroup, DeadTimeThenProbesEveryProbeInterval) {
  server_group g{group({server("a"), server("b")})};
  g.sent(0);
  g.timed_out(0, t0);
  g.sent(0);
  g.timed_out(0, t0);
  ASSERT_EQ(g.state(0), server_state::dead);
  EXPECT_EQ(g.dead_until(0), t0 + 30s);
  EXPECT_FALSE(g.dead_until(1));
  EXPECT_EQ(g.next_event(), t0 + 30s);

  EXPECT_TRUE(g.probes_due(t0 + 29s).empty());
  EXPECT_EQ(g.state(0), server_state::dead);
  auto due = g.probes_due(t0 + 30s);
  ASSERT_EQ(due, std::vector<std::size_t>{0});
  EXPECT_EQ(g.state(0), server_state::probing);
  EXPECT_TRUE(g.probes_due(t0 + 31s).empty());  // one probe at a time
  EXPECT_FALSE(g.next_event());                 // the probe's own timeout is the caller's
  EXPECT_EQ(g.pick(t0 + 31s), 1u);              // probing is not alive

  g.probe_failed(0, t0 + 33s);
  EXPECT_EQ(g.state(0), server_state::dead);
  EXPECT_EQ(g.next_event(), t0 + 43s);
  EXPECT_TRUE(g.probes_due(t0 + 42s).empty());
  ASSERT_EQ(g.probes_due(t0 + 43s), std::vector<std::size_t>{0});

  g.probe_answered(0, t0 + 44s, false);
  EXPECT_EQ(g.state(0), server_state::alive);
  EXPECT_FALSE(g.next_event());
  std::set<std::size_t> picked;
  for (int n = 0; n < 4; ++n) picked.insert(*g.pick(t0 + 45s));
  EXPECT_EQ(picked, (std::set<std::size_t>{0, 1}));
  // Back alive, the timeout run starts afresh.
  g.sent(0);
  g.timed_out(0, t0 + 46s);
  EXPECT_EQ(g.state(0), server_state::alive);
}

TEST(RadiusServerGroup, AllDeadUsesTheOneWhoseDeadTimeEndsFirst) {
  server_group g{group({server("a"), server("b"), server("c")})};
  const auto kill = [&](std::size_t i, time_point at) {
    g.sent(i);
    g.timed_out(i, at);
    g.sent(i);
    g.timed_out(i, at);
    ASSERT_EQ(g.state(i), server_state::dead);
  };
  kill(1, t0);
  kill(0, t0 + 5s);
  kill(2, t0 + 2s);
  EXPECT_EQ(g.pick(t0 + 6s), 1u);
  EXPECT_EQ(g.pick(t0 + 6s, 0b010), 2u);
  EXPECT_EQ(g.pick(t0 + 6s, 0b110), 0u);
  EXPECT_FALSE(g.pick(t0 + 6s, 0b111));
  // It answers: alive again at once, without waiting for a probe.
  g.sent(1);
  g.answered(1, t0 + 7s, false);
  EXPECT_EQ(g.state(1), server_state::alive);
  EXPECT_EQ(g.pick(t0 + 7s), 1u);
}

TEST(RadiusServerGroup, ProbeAnsweredByARequestMeanwhileIsNotMarkedDeadAgain) {
  server_group g{group({server("a")})};
  g.sent(0);
  g.timed_out(0, t0);
  g.sent(0);
  g.timed_out(0, t0);
  ASSERT_EQ(g.probes_due(t0 + 30s).size(), 1u);
  g.sent(0);  // all dead: a request goes to it anyway, and is answered
  g.answered(0, t0 + 31s, false);
  g.probe_failed(0, t0 + 33s);
  EXPECT_EQ(g.state(0), server_state::alive);
}

TEST(RadiusServerGroup, MessageAuthenticatorPolicy) {
  auto yes = server("yes");
  yes.message_authenticator = message_authenticator_setting::yes;
  auto no = server("no");
  no.message_authenticator = message_authenticator_setting::no;
  auto automatic = server("auto");
  server_group g{group({yes, no, automatic})};
  EXPECT_EQ(g.policy(0), message_authenticator_policy::yes);
  EXPECT_EQ(g.policy(1), message_authenticator_policy::no);
  EXPECT_EQ(g.policy(2), message_authenticator_policy::no);
  EXPECT_FALSE(g.saw_message_authenticator(2));

  // A reply without one changes nothing; the first with one latches `auto` to required, for good.
  g.sent(2);
  g.answered(2, t0, false);
  EXPECT_EQ(g.policy(2), message_authenticator_policy::no);
  g.sent(2);
  g.answered(2, t0, true);
  EXPECT_TRUE(g.saw_message_authenticator(2));
  EXPECT_EQ(g.policy(2), message_authenticator_policy::yes);
  g.sent(2);
  g.answered(2, t0, false);
  EXPECT_EQ(g.policy(2), message_authenticator_policy::yes);

  // `no` stays no even after the server sent one; a probe's answer latches too.
  g.sent(1);
  g.answered(1, t0, true);
  EXPECT_EQ(g.policy(1), message_authenticator_policy::no);
  server_group h{group({server("auto")})};
  h.sent(0);
  h.timed_out(0, t0);
  h.sent(0);
  h.timed_out(0, t0);
  ASSERT_EQ(h.probes_due(t0 + 30s).size(), 1u);
  h.probe_answered(0, t0 + 30s, true);
  EXPECT_EQ(h.policy(0), message_authenticator_policy::yes);
  EXPECT_EQ(g.policy(99), message_authenticator_policy::yes);  // out of range fails closed
}

TEST(RadiusServerGroup, IdentifierSpaceRotatesExhaustsAndReuses) {
  identifier_space ids;
  EXPECT_EQ(ids.take(), 0u);
  EXPECT_EQ(ids.take(), 1u);
  ids.give_back(0);
  // Rotating: a freed identifier is not reused at once.
  EXPECT_EQ(ids.take(), 2u);
  std::set<unsigned> seen{1, 2};
  for (int n = 0; n < 253; ++n) {
    auto id = ids.take();
    ASSERT_TRUE(id);
    EXPECT_TRUE(seen.insert(*id).second) << unsigned{*id};
  }
  // 255 in use; the last free one is 0, then none.
  EXPECT_EQ(ids.used(), 255u);
  EXPECT_EQ(ids.take(), 0u);
  EXPECT_EQ(ids.used(), 256u);
  EXPECT_FALSE(ids.take());
  EXPECT_TRUE(ids.in_use(77));
  ids.give_back(77);
  EXPECT_FALSE(ids.in_use(77));
  EXPECT_EQ(ids.take(), 77u);
  EXPECT_FALSE(ids.take());
}

TEST(RadiusServerGroup, StateNames) {
  EXPECT_EQ(to_string(server_state::alive), "alive");
  EXPECT_EQ(to_string(server_state::dead), "dead");
  EXPECT_EQ(to_string(server_state::probing), "probing");
}

}  // namespace
}  // namespace bras::radius

// LNS admission control end to end: emulated subscribers dial through a
// brasd LAC into a brasd LNS whose cap on sessions in set-up
// (l2tp.max-sessions-in-setup) is far below the calls placed at once. Every
// call completes in turn, the deferrals are counted, a full set-up queue
// refuses with a CDN, one tunnel holds no more than its share of the places
// (l2tp.max-sessions-in-setup-per-tunnel), and the in-set-up gauge returns to
// 0 on every path.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "actors/messages.hpp"
#include "daemon/daemon.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/ppp_harness.hpp"
#include "tools/emulator/subscriber_emulator.hpp"

namespace bras {
namespace {

using namespace ppp_harness;
using event = actors::subscriber_event;

config::settings capped_lns(unsigned cap, unsigned queue) {
  auto cfg = ppp_lns("  ipv6: false\n");
  cfg.l2tp.max_sessions_in_setup = cap;
  cfg.l2tp.setup_queue = queue;
  return cfg;
}

std::vector<actors::subscriber_actor> dial_many(app::daemon& lac, observer& obs, std::uint64_t n, std::uint32_t base) {
  std::vector<actors::subscriber_actor> subs;
  for (std::uint64_t i = 1; i <= n; ++i) {
    subs.push_back(dial(lac, obs, i, client("alice", "wonderland", base + static_cast<std::uint32_t>(i))));
  }
  return subs;
}

TEST(Admission, ManyCallsOverALowCapAllCompleteInTurn) {
  pair_of_daemons d{capped_lns(3, 1000)};
  observer obs{d.lac->system()};
  auto subs = dial_many(*d.lac, obs, 60, 0x1000);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 60; }, 120s))
      << obs.count(event::kind::ipv4_up) << " up, " << obs.count(event::kind::finished) << " finished";
  auto& stats = d.lns.ctx().stats;
  EXPECT_GT(stats.calls_deferred.load(), 0u);  // 60 at once over a cap of 3: most waited
  EXPECT_EQ(stats.calls_refused_queue.load(), 0u);
  EXPECT_EQ(stats.sessions_refused.load(), 0u);
  EXPECT_TRUE(eventually([&] { return stats.sessions_in_setup.load() == 0; }));
  EXPECT_EQ(stats.calls_waiting.load(), 0);
  EXPECT_EQ(pool_in_use(d.lns), 60u);
  for (auto& s : subs) caf::anon_send(s, actors::close_atom::value);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 60; }, 60s));
  EXPECT_TRUE(eventually([&] { return stats.sessions_active.load() == 0; }));
  EXPECT_EQ(stats.sessions_in_setup.load(), 0);
  EXPECT_EQ(stats.calls_waiting.load(), 0);
}

TEST(Admission, AFullSetupQueueRefusesTheRestWithACdnAndTheOthersComplete) {
  pair_of_daemons d{capped_lns(1, 2)};
  observer obs{d.lac->system()};
  constexpr std::size_t n = 30;
  auto subs = dial_many(*d.lac, obs, n, 0x2000);
  auto settled = [&] { return obs.count(event::kind::ipv4_up) + obs.count(event::kind::call_failed) == n; };
  ASSERT_TRUE(obs.wait(settled, 120s)) << obs.count(event::kind::ipv4_up) << " up, "
                                       << obs.count(event::kind::call_failed) << " failed";
  auto& stats = d.lns.ctx().stats;
  EXPECT_GT(stats.calls_refused_queue.load(), 0u);
  EXPECT_EQ(obs.count(event::kind::call_failed), stats.calls_refused_queue.load());
  EXPECT_GE(obs.count(event::kind::ipv4_up), 1u);
  EXPECT_TRUE(eventually([&] { return stats.sessions_in_setup.load() == 0; }));
  EXPECT_EQ(stats.calls_waiting.load(), 0);
  EXPECT_EQ(static_cast<std::size_t>(stats.sessions_active.load()), obs.count(event::kind::ipv4_up));
}

TEST(Admission, ATunnelThatGoesDownGivesBackItsPlacesAndDropsItsWaitingCalls) {
  pair_of_daemons d{capped_lns(2, 1000)};
  auto& stats = d.lns.ctx().stats;
  auto gate_held = std::make_shared<std::atomic<int>>(0);
  // AAA holds every request: the sessions stay in set-up, the rest wait.
  aaa_gate_actor gate = d.lns.system().spawn(aaa_gate, d.lns.aaa(), gate_held);
  d.lns.ctx().aaa = gate;
  observer obs{d.lac->system()};
  auto subs = dial_many(*d.lac, obs, 10, 0x3000);
  ASSERT_TRUE(eventually([&] { return stats.sessions_in_setup.load() == 2 && stats.calls_waiting.load() == 8; }))
      << stats.sessions_in_setup.load() << " in set-up, " << stats.calls_waiting.load() << " waiting";
  EXPECT_EQ(stats.calls_deferred.load(), 8u);
  EXPECT_TRUE(d.lac->shutdown());  // StopCCN
  EXPECT_TRUE(eventually([&] { return stats.tunnels_active.load() == 0; }));
  EXPECT_TRUE(eventually([&] { return stats.sessions_active.load() == 0; }));
  EXPECT_EQ(stats.sessions_in_setup.load(), 0);
  EXPECT_EQ(stats.calls_waiting.load(), 0);
  EXPECT_EQ(stats.calls_deferred_dropped.load(), 8u);
  caf::anon_send_exit(gate, caf::exit_reason::user_shutdown);
}

TEST(Admission, OneTunnelHoldsOnlyItsShareAndAnotherLacsCallTakesAPlaceItLeaves) {
  auto cfg = capped_lns(4, 1000);
  cfg.l2tp.max_sessions_in_setup_per_tunnel = 2;
  pair_of_daemons d{std::move(cfg)};
  auto& stats = d.lns.ctx().stats;
  auto gate_held = std::make_shared<std::atomic<int>>(0);
  // AAA holds every request: the sessions stay in set-up, as a flooding LAC's would.
  aaa_gate_actor gate = d.lns.system().spawn(aaa_gate, d.lns.aaa(), gate_held);
  d.lns.ctx().aaa = gate;
  observer obs{d.lac->system()};
  auto subs = dial_many(*d.lac, obs, 10, 0x4000);
  ASSERT_TRUE(eventually([&] { return stats.sessions_in_setup.load() == 2 && stats.calls_waiting.load() == 8; }))
      << stats.sessions_in_setup.load() << " in set-up, " << stats.calls_waiting.load() << " waiting";
  // Two places of the cap's four are free, and stay free for the first tunnel's waiting calls.
  std::this_thread::sleep_for(200ms);  // four retry rounds of the waiting calls
  EXPECT_EQ(stats.sessions_in_setup.load(), 2);
  // Another LAC's call: a place at once, no wait.
  app::daemon lac2{lac_settings(d.lns.local(0).port, "s3cret", 0, 2, 2)};
  lac2.start();
  observer obs2{lac2.system()};
  auto other = dial(lac2, obs2, 1, client("alice", "wonderland", 0x4100));
  ASSERT_TRUE(eventually([&] { return stats.sessions_in_setup.load() == 3; }))
      << stats.sessions_in_setup.load() << " in set-up";
  EXPECT_EQ(stats.calls_waiting.load(), 8);
  EXPECT_EQ(stats.calls_deferred.load(), 8u);  // the first tunnel's, none of the other's
  EXPECT_TRUE(lac2.shutdown());
  EXPECT_TRUE(d.lac->shutdown());
  EXPECT_TRUE(eventually([&] { return stats.tunnels_active.load() == 0 && stats.sessions_active.load() == 0; }));
  EXPECT_EQ(stats.sessions_in_setup.load(), 0);
  EXPECT_EQ(stats.calls_waiting.load(), 0);
  caf::anon_send_exit(gate, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace bras

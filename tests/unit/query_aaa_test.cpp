// actors/query.cpp's (aaa_stats_atom): the query actor gathers the aaa_snapshot
// from stand-ins for the RADIUS clients, the accounting actor and the CoA
// server, in a real CAF actor system: every part arrives, absent actors are
// not asked, and a silent one costs its part (after the deadline), never the reply.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "actors/query.hpp"

namespace bras::actors {
namespace {

using namespace std::chrono_literals;

caf::actor_system_config& two_threads(caf::actor_system_config& cfg) {
  cfg.set("scheduler.max-threads", 2);
  return cfg;
}

/// A RADIUS client that only tells its snapshot: one server named `server`.
radius_client_actor::behavior_type radius_standin(radius_client_actor::pointer, std::string server,
                                                  std::uint64_t requests) {
  return {
      [](const radius_call&) { return radius_outcome{}; },
      [](const radius_datagram&) {},
      [](tick_atom, std::uint64_t) {},
      [server, requests](aaa_stats_atom) {
        model::radius_client_snapshot s;
        model::radius_server_snapshot one;
        one.name = server;
        one.requests = requests;
        s.servers.push_back(one);
        s.queued = 3;
        s.queue_full = requests / 2;
        return s;
      },
  };
}

/// A RADIUS client that never answers (aaa_stats_atom): a wedged actor.
radius_client_actor::behavior_type radius_silent(radius_client_actor::pointer self, int /*unused*/) {
  return {
      [](const radius_call&) { return radius_outcome{}; },
      [](const radius_datagram&) {},
      [](tick_atom, std::uint64_t) {},
      [self](aaa_stats_atom) { return self->make_response_promise<model::radius_client_snapshot>(); },
  };
}

accounting_actor::behavior_type accounting_standin(accounting_actor::pointer, std::size_t records) {
  return {
      [](const acct_report&) {},
      [](tick_atom, std::uint64_t) {},
      [](acct_off_atom) { return true; },
      [records](aaa_stats_atom) {
        model::spool_snapshot s;
        s.enabled = true;
        s.records = records;
        return s;
      },
  };
}

coa_actor::behavior_type coa_standin(coa_actor::pointer, std::uint64_t naks) {
  return {
      [](const radius_datagram&) {},
      [naks](aaa_stats_atom) {
        model::coa_snapshot s;
        s.enabled = true;
        s.naks = naks;
        return s;
      },
  };
}

/// Asks `query` for the aaa_snapshot; fails the test when no reply comes within `within`.
aaa_snapshot ask(caf::actor_system& sys, const query_actor& query, caf::timespan within) {
  caf::scoped_actor self{sys};
  aaa_snapshot out;
  bool answered = false;
  self->request(query, within, aaa_stats_atom::value)
      .receive(
          [&](aaa_snapshot& s) {
            out = std::move(s);
            answered = true;
          },
          [&](caf::error& e) { ADD_FAILURE() << "no aaa_snapshot: " << sys.render(e); });
  EXPECT_TRUE(answered);
  return out;
}

TEST(QueryAaa, NothingConfiguredAnswersAtOnceWithoutRadius) {
  caf::actor_system_config cfg;
  caf::actor_system sys{two_threads(cfg)};
  auto query = spawn_query(sys, {});
  const auto before = std::chrono::steady_clock::now();
  const auto s = ask(sys, query, 5s);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 500ms);
  EXPECT_FALSE(s.radius);
  EXPECT_TRUE(s.authentication.servers.empty());
  EXPECT_FALSE(s.spool.enabled);
  EXPECT_FALSE(s.coa.enabled);
  caf::anon_send_exit(query, caf::exit_reason::user_shutdown);
}

TEST(QueryAaa, EveryPartComesFromItsActor) {
  caf::actor_system_config cfg;
  caf::actor_system sys{two_threads(cfg)};
  query_config qc;
  qc.radius_auth = sys.spawn(radius_standin, std::string{"auth-1"}, std::uint64_t{11});
  qc.radius_acct = sys.spawn(radius_standin, std::string{"acct-1"}, std::uint64_t{22});
  qc.accounting = sys.spawn(accounting_standin, std::size_t{7});
  const coa_actor coa = sys.spawn(coa_standin, std::uint64_t{5});
  qc.coa = &coa;
  auto query = spawn_query(sys, qc);
  const auto s = ask(sys, query, 5s);
  EXPECT_TRUE(s.radius);
  ASSERT_EQ(s.authentication.servers.size(), 1u);
  EXPECT_EQ(s.authentication.servers[0].name, "auth-1");
  EXPECT_EQ(s.authentication.servers[0].requests, 11u);
  ASSERT_EQ(s.accounting.servers.size(), 1u);
  EXPECT_EQ(s.accounting.servers[0].name, "acct-1");
  EXPECT_EQ(s.accounting.servers[0].requests, 22u);
  EXPECT_EQ(s.accounting.queued, 3u);
  // Only the authentication group's full queue refuses sessions.
  EXPECT_EQ(s.sessions_refused_queue_full, 5u);
  EXPECT_TRUE(s.spool.enabled);
  EXPECT_EQ(s.spool.records, 7u);
  EXPECT_TRUE(s.coa.enabled);
  EXPECT_EQ(s.coa.naks, 5u);
  EXPECT_GT(s.taken_at.time_since_epoch().count(), 0);
  for (const caf::actor& a : {caf::actor_cast<caf::actor>(qc.radius_auth), caf::actor_cast<caf::actor>(qc.radius_acct),
                              caf::actor_cast<caf::actor>(qc.accounting), caf::actor_cast<caf::actor>(coa),
                              caf::actor_cast<caf::actor>(query)}) {
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
}

TEST(QueryAaa, OnlyTheConfiguredActorsAreAsked) {
  caf::actor_system_config cfg;
  caf::actor_system sys{two_threads(cfg)};
  query_config qc;
  qc.accounting = sys.spawn(accounting_standin, std::size_t{4});
  auto query = spawn_query(sys, qc);
  const auto s = ask(sys, query, 5s);
  EXPECT_TRUE(s.radius);  // accounting alone is RADIUS too
  EXPECT_TRUE(s.authentication.servers.empty());
  EXPECT_EQ(s.spool.records, 4u);
  EXPECT_FALSE(s.coa.enabled);
  caf::anon_send_exit(qc.accounting, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(query, caf::exit_reason::user_shutdown);
}

TEST(QueryAaa, ASilentActorCostsItsPartNotTheReply) {
  caf::actor_system_config cfg;
  caf::actor_system sys{two_threads(cfg)};
  query_config qc;
  qc.radius_auth = sys.spawn(radius_silent, 0);
  const coa_actor coa = sys.spawn(coa_standin, std::uint64_t{9});
  qc.coa = &coa;
  auto query = spawn_query(sys, qc);
  const auto before = std::chrono::steady_clock::now();
  // Two operators at once: the query actor is not blocked while the first waits
  // on the silent part, so both replies come after one deadline, not two.
  aaa_snapshot other;
  std::thread second{[&] { other = ask(sys, query, 10s); }};
  const auto s = ask(sys, query, 10s);
  second.join();
  const auto took = std::chrono::steady_clock::now() - before;
  EXPECT_GE(took, 900ms);  // the part's deadline, about a second
  EXPECT_TRUE(s.radius);
  EXPECT_TRUE(s.authentication.servers.empty());  // the silent part keeps its defaults
  EXPECT_EQ(s.coa.naks, 9u);
  EXPECT_EQ(other.coa.naks, 9u);
  caf::anon_send_exit(qc.radius_auth, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(coa, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(query, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace bras::actors

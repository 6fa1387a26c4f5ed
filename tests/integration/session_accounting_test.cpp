// The session's side of RADIUS, end to end through a brasd LAC and LNS on
// loopback: what the session puts in its Access-Request (the line it is on,
// its Acct-Session-Id), what it does with a RADIUS-style verdict (Class,
// Acct-Interim-Interval, Session-Timeout), the Start / Interim-Update / Stop
// records it hands to accounting, and CoA changes through the query actor.
// AAA and accounting are stand-ins (tiny actors with their interfaces): the
// real RADIUS client and accounting actor are tested by their own tests.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "actors/acct_session_id.hpp"
#include "actors/messages.hpp"
#include "actors/session_env.hpp"
#include "daemon/daemon.hpp"
#include "protocol/pppoe/access_line.hpp"
#include "protocol/radius/dictionary.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/ppp_harness.hpp"
#include "tools/emulator/subscriber_emulator.hpp"

namespace bras {
namespace {

using namespace ppp_harness;
using event = actors::subscriber_event;
using radius::accounting_record;
using radius::acct_status;

/// What the stand-ins saw: the Access-Requests' data and the accounting records, in order.
struct seen {
  std::mutex mutex;
  std::vector<actors::aaa_request> requests;
  std::vector<accounting_record> records;

  std::vector<accounting_record> of(acct_status status) {
    std::lock_guard lock{mutex};
    std::vector<accounting_record> out;
    for (const auto& r : records) {
      if (r.status == status) out.push_back(r);
    }
    return out;
  }
  std::size_t count(acct_status status) { return of(status).size(); }
  std::vector<actors::aaa_request> aaa_requests() {
    std::lock_guard lock{mutex};
    return requests;
  }
};

/// A RADIUS-like AAA: accepts everyone but "mallory" (PAP or CHAP alike) with `grant` (addresses from 100.64.0.16 up).
actors::aaa_actor::behavior_type radius_like_aaa(actors::aaa_actor::pointer, std::shared_ptr<seen> log,
                                                 actors::aaa_verdict grant) {
  auto next_address = std::make_shared<std::uint32_t>(0x64400010);
  return {
      [=](actors::aaa_request& r) {
        std::lock_guard lock{log->mutex};
        log->requests.push_back(r);
        auto v = grant;
        v.radius = true;
        v.accepted = r.user != "mallory";
        if (!v.accepted) {
          v.reason = "rejected";
          return v;
        }
        v.address = (*next_address)++;
        return v;
      },
      [](actors::aaa_release&) {},
      [](actors::pool_atom) { return std::vector<model::pool_usage>{}; },
  };
}

/// Accounting that only records what sessions report.
actors::accounting_actor::behavior_type recording_accounting(actors::accounting_actor::pointer,
                                                             std::shared_ptr<seen> log) {
  return {
      [=](actors::acct_report& r) {
        std::lock_guard lock{log->mutex};
        log->records.push_back(std::move(r.record));
      },
      [](actors::tick_atom, std::uint64_t) {},
      [](actors::acct_off_atom) { return true; },
      [](actors::aaa_stats_atom) { return model::spool_snapshot{}; },
  };
}

/// An LNS (behind a LAC) whose sessions authenticate with `grant` and report to a recorder.
struct accounted_lns {
  explicit accounted_lns(actors::aaa_verdict grant, std::chrono::seconds configured_interim = std::chrono::seconds{0})
      : d{lns_settings(configured_interim), true} {
    auto& ctx = d.lns.ctx();
    ctx.acct_ids = std::make_unique<actors::acct_session_ids>(0x2a);
    // The daemon builds the sessions' handles once, before a test can install the IDs; the handles are
    // the context's own (non-const) object, so they are set there, before the first session.
    const_cast<actors::session_env&>(ctx.session_handles()).acct_ids = ctx.acct_ids.get();
    accounting = d.lns.system().spawn(recording_accounting, log);
    aaa = d.lns.system().spawn(radius_like_aaa, log, std::move(grant));
    ctx.accounting = accounting;
    ctx.aaa = aaa;
  }
  ~accounted_lns() {
    caf::anon_send_exit(accounting, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(aaa, caf::exit_reason::user_shutdown);
  }
  accounted_lns(const accounted_lns&) = delete;
  accounted_lns& operator=(const accounted_lns&) = delete;

  static config::settings lns_settings(std::chrono::seconds interim) {
    auto cfg = ppp_lns("  ipv6: false\n");
    cfg.radius.interim_interval = interim;
    return cfg;
  }

  model::query_snapshot show(model::query_filter f) {
    caf::scoped_actor q{d.lns.system()};
    model::query_snapshot out;
    model::query_request r;
    r.filter = std::move(f);
    q->request(d.lns.query(), 5s, actors::query_atom::value, r)
        .receive([&](model::query_snapshot& s) { out = std::move(s); }, [&](caf::error&) { ADD_FAILURE(); });
    return out;
  }
  model::clear_report clear(model::clear_request c) {
    caf::scoped_actor q{d.lns.system()};
    model::clear_report out;
    q->request(d.lns.query(), 5s, actors::clear_atom::value, std::move(c))
        .receive([&](model::clear_report& r) { out = std::move(r); }, [&](caf::error&) { ADD_FAILURE(); });
    return out;
  }
  /// A CoA through the query actor: `change` for the sessions `f` matches.
  model::clear_report coa(model::query_filter f, model::session_change change) {
    model::clear_request c;
    c.filter = std::move(f);
    c.change = change;
    return clear(std::move(c));
  }

  std::shared_ptr<seen> log = std::make_shared<seen>();
  pair_of_daemons d;
  actors::accounting_actor accounting;
  actors::aaa_actor aaa;
};

actors::aaa_verdict grant_with(std::optional<std::chrono::seconds> interim,
                               std::optional<std::chrono::seconds> session_timeout = std::nullopt) {
  actors::aaa_verdict v;
  v.interim_interval = interim;
  v.session_timeout = session_timeout;
  v.classes = {wire::bytes{std::byte{'g'}, std::byte{'o'}, std::byte{'l'}, std::byte{'d'}}};
  return v;
}

std::uint32_t unix_now() {
  return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

TEST(SessionAccounting, StartInterimsAndStopCarryTheLineClassesAndRawCounters) {
  accounted_lns a{grant_with(std::chrono::seconds{1})};
  observer obs{a.d.lac->system()};
  auto counters = std::make_shared<actors::traffic_counters>();
  actors::subscriber_args args;
  args.lac = a.d.lac->lac();
  args.observer = caf::actor_cast<actors::subscriber_observer_actor>(obs.self);
  args.id = 1;
  args.calling_number = "sub-1";
  args.ppp = client("alice", "wonderland");
  args.traffic.pps = 50;
  args.traffic.counters = counters;
  auto sub = actors::spawn_subscriber(a.d.lac->system(), std::move(args));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  const auto address = obs.first(event::kind::ipv4_up)->address;
  ASSERT_TRUE(eventually([&] { return a.log->count(acct_status::start) == 1; }));

  // The Access-Request named the subscriber's line and the session's Acct-Session-Id.
  const auto requests = a.log->aaa_requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& line = requests[0].line;
  EXPECT_GE(line.nas_port, 1073741824u);  // the interface unit
  EXPECT_EQ(line.nas_port_type, radius::nas_port_type_virtual);
  EXPECT_EQ(line.calling_station_id, "sub-1");
  const auto start = a.log->of(acct_status::start)[0];
  ASSERT_FALSE(start.session_id.empty());
  EXPECT_EQ(requests[0].acct_session_id, start.session_id);
  const auto route = actors::route_of(start.session_id);
  ASSERT_TRUE(route.has_value());
  // No Agent-Circuit-Id from the LAC: "<tunnel group>:<tunnel>:<session>".
  EXPECT_EQ(line.nas_port_id,
            "g:" + std::to_string(route->local_tunnel_id) + ":" + std::to_string(route->local_session_id));

  // The Start: after the address was bound, with what the Accept said.
  EXPECT_EQ(start.user, "alice");
  EXPECT_EQ(start.framed_ip, address);
  EXPECT_EQ(start.line.nas_port_id, line.nas_port_id);
  EXPECT_EQ(start.line.calling_station_id, "sub-1");
  ASSERT_EQ(start.classes.size(), 1u);
  EXPECT_EQ(start.classes[0].size(), 4u);
  EXPECT_FALSE(start.authentic_local);
  EXPECT_NEAR(static_cast<double>(start.event_timestamp), static_cast<double>(unix_now()), 5.0);
  EXPECT_EQ(start.input_octets, 0u);

  // The snapshot shows the same names and the interval in force.
  model::query_filter by_id;
  by_id.acct_session_id = start.session_id;
  const auto shown = a.show(by_id);
  ASSERT_EQ(shown.tunnels.size(), 1u);
  ASSERT_EQ(shown.tunnels[0].sessions.size(), 1u);
  const auto& s = shown.tunnels[0].sessions[0];
  EXPECT_EQ(s.acct_session_id, start.session_id);
  EXPECT_EQ(s.nas_port_id, line.nas_port_id);
  EXPECT_EQ(s.interim_interval, std::chrono::seconds{1});

  // Interim-Updates every second, counting the subscriber's data as input.
  ASSERT_TRUE(eventually([&] { return a.log->count(acct_status::interim_update) >= 2; }, 10s));
  auto interims = a.log->of(acct_status::interim_update);
  EXPECT_GT(interims.back().input_packets, 0u);
  EXPECT_EQ(interims.back().input_octets, interims.back().input_packets * 128);  // 128-byte Echo Requests
  EXPECT_GE(interims.back().input_packets, interims.front().input_packets);
  EXPECT_EQ(interims.back().session_id, start.session_id);
  ASSERT_EQ(interims.back().classes.size(), 1u);

  // The operator's "clear statistics" restarts the show counters, not what is billed.
  model::clear_request stats;
  stats.statistics = true;
  EXPECT_EQ(a.clear(stats).sessions.size(), 1u);
  const auto billed_before_clear = interims.back().input_packets;
  counters->stop = true;
  caf::anon_send(sub, actors::close_atom::value);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }));
  ASSERT_TRUE(eventually([&] { return a.log->count(acct_status::stop) == 1; }));
  const auto stop = a.log->of(acct_status::stop)[0];
  EXPECT_EQ(stop.session_id, start.session_id);
  EXPECT_GE(stop.input_packets, billed_before_clear);
  EXPECT_EQ(stop.input_octets, stop.input_packets * 128);
  EXPECT_GE(stop.session_time, 2u);                                  // two interims, a second apart
  EXPECT_EQ(stop.terminate_cause, radius::terminate::user_request);  // the subscriber's Terminate-Request
  EXPECT_EQ(stop.framed_ip, address);
  // No more Interim-Updates after the Stop; exactly one Start and one Stop.
  const auto interims_at_stop = a.log->count(acct_status::interim_update);
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(a.log->count(acct_status::interim_update), interims_at_stop);
  EXPECT_EQ(a.log->count(acct_status::start), 1u);
  EXPECT_EQ(a.log->count(acct_status::stop), 1u);
}

TEST(SessionAccounting, TheConfiguredIntervalAppliesWhenRadiusSendsNone) {
  accounted_lns a{grant_with(std::nullopt), std::chrono::seconds{1}};
  observer obs{a.d.lac->system()};
  dial(*a.d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  EXPECT_TRUE(eventually([&] { return a.log->count(acct_status::interim_update) >= 1; }, 5s));
}

TEST(SessionAccounting, ASessionThatNeverCameUpGetsNoStop) {
  accounted_lns a{grant_with(std::nullopt)};
  observer obs{a.d.lac->system()};
  dial(*a.d.lac, obs, 1, client("mallory", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }));
  ASSERT_TRUE(eventually([&] { return a.d.lns.ctx().stats.sessions_active.load() == 0; }));
  EXPECT_EQ(a.log->aaa_requests().size(), 1u);  // it was asked about
  std::lock_guard lock{a.log->mutex};
  EXPECT_TRUE(a.log->records.empty());
}

TEST(SessionAccounting, SessionTimeoutFromTheAcceptEndsWithTerminateCauseSessionTimeout) {
  accounted_lns a{grant_with(std::nullopt, std::chrono::seconds{1})};
  observer obs{a.d.lac->system()};
  dial(*a.d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }, 10s));
  ASSERT_TRUE(eventually([&] { return a.log->count(acct_status::stop) == 1; }));
  EXPECT_EQ(a.log->of(acct_status::stop)[0].terminate_cause, radius::terminate::session_timeout);
}

TEST(SessionAccounting, AnAdministrativeCloseEndsWithTerminateCauseAdminReset) {
  accounted_lns a{grant_with(std::nullopt)};
  observer obs{a.d.lac->system()};
  dial(*a.d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  ASSERT_TRUE(eventually([&] { return a.log->count(acct_status::start) == 1; }));
  EXPECT_EQ(a.clear(model::clear_request{}).sessions.size(), 1u);  // "clear services l2tp session"
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }));
  ASSERT_TRUE(eventually([&] { return a.log->count(acct_status::stop) == 1; }));
  EXPECT_EQ(a.log->of(acct_status::stop)[0].terminate_cause, radius::terminate::admin_reset);
}

TEST(SessionAccounting, ACoaByAcctSessionIdShortensTheSessionTimeout) {
  accounted_lns a{grant_with(std::nullopt, std::chrono::seconds{3600})};
  observer obs{a.d.lac->system()};
  dial(*a.d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  ASSERT_TRUE(eventually([&] { return a.log->count(acct_status::start) == 1; }));
  const auto id = a.log->of(acct_status::start)[0].session_id;

  // Not one of ours, or ours with another session in it: nothing matches.
  model::query_filter foreign;
  foreign.acct_session_id = "not-ours";
  EXPECT_TRUE(a.coa(foreign, {std::chrono::seconds{1}, {}, {}}).sessions.empty());
  auto route = actors::route_of(id);
  ASSERT_TRUE(route.has_value());
  actors::acct_session_ids other_boot{0x2a};
  model::query_filter elsewhere;
  elsewhere.acct_session_id =
      other_boot.next(route->local_tunnel_id, static_cast<std::uint16_t>(route->local_session_id + 1));
  EXPECT_TRUE(a.coa(elsewhere, {std::chrono::seconds{1}, {}, {}}).sessions.empty());
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(obs.count(event::kind::finished), 0u);

  // Its own: a Session-Timeout of 2 s from the session's start, so it ends now or soon.
  model::query_filter mine;
  mine.acct_session_id = id;
  const auto report = a.coa(mine, {std::chrono::seconds{2}, {}, {}});
  ASSERT_EQ(report.sessions.size(), 1u);
  EXPECT_EQ(report.sessions[0].second, route->local_session_id);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }, 10s));
  ASSERT_TRUE(eventually([&] { return a.log->count(acct_status::stop) == 1; }));
  EXPECT_EQ(a.log->of(acct_status::stop)[0].terminate_cause, radius::terminate::session_timeout);
}

TEST(SessionAccounting, ACoaMatchesByAddressAndByUserAndChangesOnlyThoseSessions) {
  accounted_lns a{grant_with(std::nullopt)};
  observer obs{a.d.lac->system()};
  dial(*a.d.lac, obs, 1, client("alice", "wonderland", 0x1001));
  dial(*a.d.lac, obs, 2, client("bob", "wonderland", 0x1002));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 2; }));
  ASSERT_TRUE(eventually([&] { return a.log->count(acct_status::start) == 2; }));
  std::uint32_t bob_address = 0;
  std::string alice_id;
  for (const auto& r : a.log->of(acct_status::start)) {
    if (r.user == "bob") bob_address = r.framed_ip;
    if (r.user == "alice") alice_id = r.session_id;
  }
  ASSERT_NE(bob_address, 0u);

  // An address no session holds: nothing.
  model::query_filter nobody;
  nobody.address = 0x644000fe;
  EXPECT_TRUE(a.coa(nobody, {{}, {}, std::chrono::seconds{1}}).sessions.empty());

  // bob's address: Interim-Updates start for bob alone.
  model::query_filter bobs;
  bobs.address = bob_address;
  EXPECT_EQ(a.coa(bobs, {{}, {}, std::chrono::seconds{1}}).sessions.size(), 1u);
  ASSERT_TRUE(eventually([&] { return a.log->count(acct_status::interim_update) >= 2; }, 10s));
  for (const auto& r : a.log->of(acct_status::interim_update)) EXPECT_EQ(r.user, "bob");

  // alice by user name: a Session-Timeout of 1 s ends her session, bob stays.
  model::query_filter alices;
  alices.user = "alice";
  EXPECT_EQ(a.coa(alices, {std::chrono::seconds{1}, {}, {}}).sessions.size(), 1u);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }, 10s));
  ASSERT_TRUE(eventually([&] { return a.log->count(acct_status::stop) == 1; }));
  EXPECT_EQ(a.log->of(acct_status::stop)[0].session_id, alice_id);
  EXPECT_EQ(a.d.lns.ctx().stats.ppp_active.load(), 1);

  // A CoA never closes a tunnel.
  model::clear_request tunnels;
  tunnels.tunnels = true;
  tunnels.change = model::session_change{};
  EXPECT_TRUE(a.clear(tunnels).tunnels.empty());
  EXPECT_EQ(a.d.lns.ctx().stats.tunnels_active.load(), 1);
}

TEST(SessionAccounting, TheLacsAccessLineAvpsAndSpeedsDescribeTheLine) {
  accounted_lns a{grant_with(std::nullopt)};
  observer obs{a.d.lac->system()};
  actors::subscriber_args args;
  args.lac = a.d.lac->lac();
  args.observer = caf::actor_cast<actors::subscriber_observer_actor>(obs.self);
  args.id = 1;
  args.calling_number = "00:11:22:33:44:55";
  args.ppp = client("alice", "wonderland");
  pppoe::access_line line;
  line.circuit_id = "dslam-7 atm 1/1/02:100.33";
  line.remote_id = "subscriber-42";
  line.actual_rate_up = 1024;    // kbit/s
  line.actual_rate_down = 8192;  // kbit/s
  args.line = line;
  actors::spawn_subscriber(a.d.lac->system(), std::move(args));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  const auto requests = a.log->aaa_requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& l = requests[0].line;
  EXPECT_EQ(l.nas_port_id, "dslam-7 atm 1/1/02:100.33");  // the Agent-Circuit-Id
  EXPECT_EQ(l.calling_station_id, "00:11:22:33:44:55");
  EXPECT_EQ(l.connect_info, "8192000/1024000");  // tx (down) / rx (up), bit/s
  ASSERT_TRUE(l.line.has_value());
  EXPECT_EQ(l.line->remote_id, "subscriber-42");
  EXPECT_EQ(l.line->actual_rate_down, 8192u);
  EXPECT_EQ(l.line->actual_rate_up, 1024u);
  ASSERT_TRUE(eventually([&] { return a.log->count(acct_status::start) == 1; }));
  EXPECT_EQ(a.log->of(acct_status::start)[0].line.nas_port_id, "dslam-7 atm 1/1/02:100.33");
}

TEST(SessionAccounting, DnsAndFramedMtuFromTheAcceptApplyToTheSession) {
  auto grant = grant_with(std::nullopt);
  grant.dns = {0x08080808, 0x08080404};
  grant.framed_mtu = 1300;
  accounted_lns a{grant};
  observer obs{a.d.lac->system()};
  dial(*a.d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  const auto* up = obs.first(event::kind::ipv4_up);
  EXPECT_EQ(up->primary_dns, 0x08080808u);  // not ppp.dns (192.0.2.53)
  EXPECT_EQ(up->secondary_dns, 0x08080404u);
  actors::data_session_ptr s;
  ASSERT_TRUE(eventually([&] { return (s = a.d.lns.ctx().sessions.find_ipv4(up->address)) != nullptr; }));
  EXPECT_EQ(s->mtu.load(), 1300);  // the subscriber's MRU is 1500: Framed-MTU caps it
}

}  // namespace
}  // namespace bras

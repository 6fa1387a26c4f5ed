// PPP end to end: emulated subscribers (tools/emulator/subscriber_emulator.hpp, running the
// subscriber's PPP engine) behind a brasd LAC, against a brasd LNS that
// terminates PPP, over real UDP on loopback. Control plane only (no tun):
// authentication, address assignment, keepalive, teardown causes, and every
// address back in its pool.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "daemon/daemon.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/integration/ppp_harness.hpp"
#include "tests/unit/metrics_test_util.hpp"
#include "tools/emulator/subscriber_emulator.hpp"

namespace bras {
namespace {

using test::sample;

using namespace ppp_harness;
using event = actors::subscriber_event;

TEST(Ppp, ChapSubscriberGetsAddressAndDnsThenHangsUpAndTheAddressReturns) {
  pair_of_daemons d{ppp_lns()};
  observer obs{d.lac->system()};
  auto sub = dial(*d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; })) << obs.events.size();
  const auto* up = obs.first(event::kind::ipv4_up);
  EXPECT_EQ(up->address >> 8, 0x644000u) << std::hex << up->address;  // from 100.64.0.0/24
  EXPECT_NE(up->address, 0x64400001u);                                // never the LNS's own
  EXPECT_EQ(up->primary_dns, 0xc0000235u);
  EXPECT_EQ(up->secondary_dns, 0xc0000236u);
  EXPECT_EQ(obs.count(event::kind::auth_ok), 1u);
  EXPECT_TRUE(eventually([&] { return d.lns.ctx().stats.ppp_active.load() == 1; }));
  EXPECT_TRUE(eventually([&] { return d.lns.ctx().sessions.ipv4_bindings() == 1u; }));
  auto bound = d.lns.ctx().sessions.find_ipv4(up->address);
  ASSERT_TRUE(bound);
  EXPECT_NE(bound->local_session_id, 0);
  EXPECT_EQ(pool_in_use(d.lns), 1u);
  EXPECT_EQ(d.lns.ctx().stats.auth_accepts.load(), 1u);

  caf::anon_send(sub, actors::close_atom::value);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }));
  EXPECT_TRUE(eventually([&] { return d.lns.ctx().stats.sessions_active.load() == 0; }));
  EXPECT_EQ(d.lns.ctx().stats.ppp_active.load(), 0);
  EXPECT_EQ(d.lns.ctx().sessions.size(), 0u);
  EXPECT_TRUE(eventually([&] { return pool_in_use(d.lns) == 0; }));
  EXPECT_EQ(causes(d.lns, ppp::cause::normal), 1u);  // the subscriber's LCP Terminate-Request
}

TEST(Ppp, PapSubscriberWithStaticAddress) {
  pair_of_daemons d{ppp_lns("  authentication: [pap]\n")};
  observer obs{d.lac->system()};
  auto c = client("bob", "builder");
  c.accept_chap_md5 = false;
  dial(*d.lac, obs, 1, c);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  EXPECT_EQ(obs.first(event::kind::ipv4_up)->address, 0x644000c8u);  // bob's static 100.64.0.200
  EXPECT_EQ(pool_in_use(d.lns), 1u);
}

TEST(Ppp, WrongPasswordIsRefusedWithCause16AndNothingIsHeld) {
  pair_of_daemons d{ppp_lns()};
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("alice", "wrong"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }));
  EXPECT_EQ(obs.count(event::kind::auth_failed), 1u);
  EXPECT_EQ(obs.count(event::kind::ipv4_up), 0u);
  EXPECT_TRUE(eventually([&] { return causes(d.lns, ppp::cause::auth_failed) == 1; }));
  EXPECT_EQ(d.lns.ctx().stats.auth_rejects.load(), 1u);
  EXPECT_TRUE(eventually([&] { return d.lns.ctx().stats.sessions_active.load() == 0; }));
  EXPECT_EQ(pool_in_use(d.lns), 0u);
}

TEST(Ppp, UnknownUserIsRefused) {
  pair_of_daemons d{ppp_lns("  authentication: [pap]\n")};
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("mallory", "x"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }));
  EXPECT_EQ(obs.count(event::kind::auth_failed), 1u);
  EXPECT_TRUE(eventually([&] { return causes(d.lns, ppp::cause::auth_failed) == 1; }));
}

TEST(Ppp, SilentSubscriberIsEndedByEchoTimeout) {
  pair_of_daemons d{ppp_lns("  echo-interval: 1\n  echo-failures: 2\n")};
  observer obs{d.lac->system()};
  auto sub = dial(*d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  caf::anon_send(sub, actors::mute_atom::value);
  // 2 unanswered Echo-Requests a second apart, then LCP Terminate (2 x 300 ms), then the CDN.
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }, 15s));
  EXPECT_EQ(causes(d.lns, ppp::cause::echo_timeout), 1u);
  EXPECT_TRUE(eventually([&] { return pool_in_use(d.lns) == 0; }));
  EXPECT_TRUE(eventually([&] { return d.lns.ctx().stats.sessions_active.load() == 0; }));
}

TEST(Ppp, KeepaliveIsAnsweredAndCountedPerSession) {
  pair_of_daemons d{ppp_lns("  echo-interval: 1\n")};
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  actors::data_session_ptr s;
  ASSERT_TRUE(eventually(
      [&] { return (s = d.lns.ctx().sessions.find_ipv4(obs.first(event::kind::ipv4_up)->address)) != nullptr; }));
  model::session_snapshot snap;
  EXPECT_TRUE(eventually(
      [&] {
        snap = snapshot_of(d.lns, s);
        return snap.echo_replies_received >= 2;
      },
      10s));
  EXPECT_GE(snap.echo_requests_sent, snap.echo_replies_received);
  EXPECT_EQ(snap.echo_timeouts, 0u);
  EXPECT_EQ(snap.auth_protocol, 0xc223);  // CHAP, the first method configured
  EXPECT_EQ(snap.state, "established");
}

TEST(Ppp, PoolExhaustionEndsInIpcpFailureWithCause19) {
  // A /30 has two usable addresses, one of them the LNS's own: room for one subscriber.
  pair_of_daemons d{ppp_lns("  ipv6: false\n", "100.64.0.0/30"), true};
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("alice", "wonderland", 0x1111));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  dial(*d.lac, obs, 2, client("alice", "wonderland", 0x2222));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }));
  EXPECT_EQ(obs.count(event::kind::ipv4_up), 1u);  // the second subscriber's IPCP never opened
  EXPECT_EQ(obs.count(event::kind::auth_ok), 2u);  // authenticated, but no address
  EXPECT_EQ(obs.first(event::kind::finished)->id, 2u);
  EXPECT_TRUE(eventually([&] { return causes(d.lns, ppp::cause::no_acceptable_address) == 1; }));
  EXPECT_EQ(d.lns.ctx().stats.pool_exhausted.load(), 1u);
  EXPECT_EQ(pool_in_use(d.lns), 1u);  // the first subscriber's, still up
  // The LNS's CDN: temporary lack of facilities, and AVP 46 says IPCP found no address (RFC 3145 cause 19).
  std::vector<l2tp::control_message> sent;
  ASSERT_TRUE(eventually([&] { return !(sent = cdns(d.lns_sent())).empty(); }));
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_TRUE(sent[0].result.has_value());
  EXPECT_EQ(sent[0].result->result, l2tp::cdn_result::no_facilities_temporary);
  ASSERT_TRUE(sent[0].disconnect_cause.has_value());
  EXPECT_EQ(sent[0].disconnect_cause->code, ppp::cause::no_acceptable_address);
  EXPECT_EQ(sent[0].disconnect_cause->protocol, ppp::proto::ipcp);
  EXPECT_EQ(sent[0].disconnect_cause->direction, 2);  // detected here
}

TEST(Ppp, Ipv6cpOpensAlongsideIpcp) {
  pair_of_daemons d{ppp_lns()};
  observer obs{d.lac->system()};
  auto c = client("alice", "wonderland");
  c.ipv6 = true;
  dial(*d.lac, obs, 1, c);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1 && obs.count(event::kind::ipv6_up) == 1; }));
  EXPECT_TRUE(eventually([&] { return d.lns.ctx().sessions.find_ipv6(c.interface_id) != nullptr; }));
}

TEST(Ppp, HundredSubscribersGetDistinctAddressesAndAllReturn) {
  pair_of_daemons d{ppp_lns("  ipv6: false\n")};
  observer obs{d.lac->system()};
  std::vector<actors::subscriber_actor> subs;
  for (std::uint64_t i = 1; i <= 100; ++i)
    subs.push_back(dial(*d.lac, obs, i, client("alice", "wonderland", 0x100u + static_cast<std::uint32_t>(i))));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 100; }, 60s))
      << obs.count(event::kind::ipv4_up) << " up, " << obs.count(event::kind::finished) << " finished";
  std::set<std::uint32_t> addresses;
  for (const auto& e : obs.events) {
    if (e.what == event::kind::ipv4_up) addresses.insert(e.address);
  }
  EXPECT_EQ(addresses.size(), 100u);
  EXPECT_EQ(pool_in_use(d.lns), 100u);
  for (auto& s : subs) caf::anon_send(s, actors::close_atom::value);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 100; }, 60s));
  EXPECT_TRUE(eventually([&] { return pool_in_use(d.lns) == 0; }));
  EXPECT_TRUE(eventually([&] { return d.lns.ctx().stats.sessions_active.load() == 0; }));
  EXPECT_EQ(d.lns.ctx().stats.ppp_active.load(), 0);
  EXPECT_EQ(d.lns.ctx().sessions.size(), 0u);
}

TEST(Ppp, AdministrativeCloseSendsCdnWithCause1) {
  pair_of_daemons d{ppp_lns()};
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  actors::data_session_ptr s;
  ASSERT_TRUE(eventually(
      [&] { return (s = d.lns.ctx().sessions.find_ipv4(obs.first(event::kind::ipv4_up)->address)) != nullptr; }));
  caf::anon_send(actors::session_of(*s), actors::session_input{actors::session_signal::close});
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }));
  EXPECT_TRUE(eventually([&] { return causes(d.lns, ppp::cause::admin) == 1; }));
  EXPECT_TRUE(eventually([&] { return pool_in_use(d.lns) == 0; }));
}

/// The one CDN the LNS sent: a normal disconnection it started (RFC 3145 cause 3, direction 2, as
/// JunosE reports session and inactivity timeouts), for administrative reasons (result 3).
void expect_timeout_cdn(const pair_of_daemons& d, const std::string& why) {
  std::vector<l2tp::control_message> sent;
  ASSERT_TRUE(eventually([&] { return !(sent = cdns(d.lns_sent())).empty(); }));
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_TRUE(sent[0].result.has_value());
  EXPECT_EQ(sent[0].result->result, l2tp::cdn_result::admin);
  ASSERT_TRUE(sent[0].disconnect_cause.has_value());
  EXPECT_EQ(sent[0].disconnect_cause->code, ppp::cause::normal);
  EXPECT_EQ(sent[0].disconnect_cause->direction, 2);
  EXPECT_EQ(sent[0].disconnect_cause->protocol, 0);  // a global cause
  EXPECT_EQ(sent[0].disconnect_cause->message, why);
}

/// A timeout (`why`) ended the one session: counted as cause 3 (not an operator's cause 1), the address
/// back in the pool, the CDN as above, and the session-ended line saying so.
void expect_timeout_end(pair_of_daemons& d, log_capture& log, const std::string& why) {
  EXPECT_TRUE(eventually([&] { return causes(d.lns, ppp::cause::normal) == 1; }));
  EXPECT_EQ(causes(d.lns, ppp::cause::admin), 0u);
  EXPECT_TRUE(eventually([&] { return pool_in_use(d.lns) == 0; }));
  expect_timeout_cdn(d, why);
  ASSERT_TRUE(eventually([&] { return log.grep("session-ended").size() == 1; }));
  EXPECT_NE(log.grep("session-ended")[0].find("cause=3 direction=2 protocol=0x0000 reason=\"" + why + "\""),
            std::string::npos)
      << log.grep("session-ended")[0];
}

TEST(Ppp, SessionTimeoutEndsTheSessionWithCause3AndTheAddressReturns) {
  pair_of_daemons d{ppp_lns("  session-timeout: 1\n  ipv6: false\n"), true};
  auto log = capture_log(d.lns.ctx().ppp_log);
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }, 10s));
  expect_timeout_end(d, *log, "session-timeout");
}

TEST(Ppp, IdleTimeoutEndsASilentSessionWithCause3AndTheAddressReturns) {
  pair_of_daemons d{ppp_lns("  idle-timeout: 1\n  ipv6: false\n"), true};
  auto log = capture_log(d.lns.ctx().ppp_log);
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  EXPECT_EQ(pool_in_use(d.lns), 1u);
  // No data from the subscriber (keepalives are not data): ended a second after IPCP opened.
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }, 10s));
  EXPECT_TRUE(eventually([&] { return d.lns.ctx().stats.sessions_active.load() == 0; }));
  expect_timeout_end(d, *log, "idle-timeout");
}

TEST(Ppp, AnEndedSessionIsLoggedOnceAtInfoWithWhatAccountingNeeds) {
  pair_of_daemons d{ppp_lns("  ipv6: false\n")};
  auto log = capture_log(d.lns.ctx().ppp_log);
  observer obs{d.lac->system()};
  auto sub = dial(*d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  const auto a = obs.first(event::kind::ipv4_up)->address;
  EXPECT_TRUE(log->grep("session-ended").empty());
  caf::anon_send(sub, actors::close_atom::value);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }));
  ASSERT_TRUE(eventually([&] { return d.lns.ctx().stats.sessions_active.load() == 0; }));
  const auto ended = log->grep("session-ended");
  ASSERT_EQ(ended.size(), 1u);
  const std::regex line{
      "info session-ended tunnel=[0-9]+ session=[0-9]+ user=\"alice\" address=100\\.64\\.0\\." +
      std::to_string(a & 0xff) +
      " cause=3 direction=1 protocol=0x0000 reason=\"peer-terminate-request\" duration=[0-9]+ rx-bytes=0 "
      "tx-bytes=0 rx-packets=0 tx-packets=0"};
  EXPECT_TRUE(std::regex_match(ended[0], line)) << ended[0];
}

TEST(Ppp, TunnelDownFromTheLacGivesEveryAddressBack) {
  pair_of_daemons d{ppp_lns("  ipv6: false\n")};
  auto log = capture_log(d.lns.ctx().ppp_log);
  observer obs{d.lac->system()};
  for (std::uint64_t i = 1; i <= 3; ++i) {
    dial(*d.lac, obs, i, client("alice", "wonderland", 0x600u + static_cast<std::uint32_t>(i)));
  }
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 3; }));
  ASSERT_TRUE(eventually([&] { return pool_in_use(d.lns) == 3; }));
  EXPECT_TRUE(d.lac->shutdown());  // StopCCN
  EXPECT_TRUE(eventually([&] { return d.lns.ctx().stats.tunnels_active.load() == 0; }));
  EXPECT_TRUE(eventually([&] { return d.lns.ctx().stats.sessions_active.load() == 0; }));
  EXPECT_TRUE(eventually([&] { return pool_in_use(d.lns) == 0; }));
  EXPECT_EQ(d.lns.ctx().stats.ppp_active.load(), 0);
  EXPECT_EQ(d.lns.ctx().sessions.size(), 0u);
  ASSERT_TRUE(eventually([&] { return log->grep("session-ended").size() == 3; }));
  EXPECT_NE(log->grep("session-ended")[0].find("reason=\"tunnel-down\""), std::string::npos)
      << log->grep("session-ended")[0];
}

TEST(Ppp, ACdnFromTheLacGivesTheAddressBack) {
  pair_of_daemons d{ppp_lns("  ipv6: false\n")};
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  ASSERT_TRUE(eventually([&] { return pool_in_use(d.lns) == 1; }));
  // "clear services l2tp session" on the LAC: a CDN to the LNS, no LCP Terminate first.
  caf::scoped_actor q{d.lac->system()};
  model::clear_report report;
  q->request(d.lac->query(), 5s, actors::clear_atom::value, model::clear_request{})
      .receive([&](model::clear_report& r) { report = std::move(r); }, [&](caf::error&) { FAIL(); });
  EXPECT_EQ(report.sessions.size(), 1u);
  EXPECT_TRUE(eventually([&] { return d.lns.ctx().stats.sessions_active.load() == 0; }));
  EXPECT_TRUE(eventually([&] { return pool_in_use(d.lns) == 0; }));
  EXPECT_EQ(d.lns.ctx().stats.ppp_active.load(), 0);
  EXPECT_EQ(d.lns.ctx().sessions.size(), 0u);
}

/// A subscribers file (aaa.subscribers-file) in /tmp, removed with the object.
struct subscribers_file {
  explicit subscribers_file(const std::string& yaml) { std::ofstream{path} << yaml; }
  ~subscribers_file() { std::remove(path.c_str()); }
  std::string path = "/tmp/brasd-subscribers-" + std::to_string(::getpid()) + ".yaml";
};

TEST(Ppp, PerUserLimitsFromTheSubscribersFileAreEnforced) {
  subscribers_file file{
      "subscribers:\n"
      "  - {user: carol, password: c, max-sessions: 1, session-timeout: 2}\n"
      "  - {user: dave, password: d, idle-timeout: 1}\n"};
  auto cfg = ppp_lns("  ipv6: false\n");  // no timeouts of its own
  cfg.aaa.subscribers_file = file.path;
  pair_of_daemons d{std::move(cfg)};
  auto log = capture_log(d.lns.ctx().ppp_log);
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("carol", "c", 0x701));
  dial(*d.lac, obs, 3, client("dave", "d", 0x703));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 2; }));
  // carol's second session is one too many.
  dial(*d.lac, obs, 2, client("carol", "c", 0x702));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::auth_failed) == 1; }));
  EXPECT_EQ(obs.first(event::kind::auth_failed)->id, 2u);
  // carol's first ends by her session timeout, dave's by his idle timeout.
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 3; }, 10s));
  EXPECT_TRUE(eventually([&] { return log->grep("session-ended").size() == 3; }));
  // The session-ended lines (carol's refusal is logged too, as ppp-auth-rejected).
  const auto ended_lines = log->grep("session-ended");
  auto ended = [&](const std::string& what) {
    return std::count_if(ended_lines.begin(), ended_lines.end(),
                         [&](const std::string& l) { return l.find(what) != std::string::npos; });
  };
  EXPECT_EQ(ended("user=\"carol\""), 2);
  EXPECT_EQ(ended("reason=\"session-timeout\""), 1);
  EXPECT_EQ(ended("user=\"dave\""), 1);
  EXPECT_EQ(ended("reason=\"idle-timeout\""), 1);
  EXPECT_EQ(log->grep("ppp-auth-rejected tunnel=").size(), 1u);
  EXPECT_NE(log->grep("ppp-auth-rejected")[0].find("user=\"carol\""), std::string::npos) << "quoted like session-ended";
  EXPECT_TRUE(eventually([&] { return pool_in_use(d.lns) == 0; }));
  // With her session gone, carol may dial again.
  obs.events.clear();
  dial(*d.lac, obs, 4, client("carol", "c", 0x704));
  EXPECT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
}

TEST(Ppp, ALacAskingForSequencingGetsNsOnEveryDataMessage) {
  pair_of_daemons d{ppp_lns("  ipv6: false\n"), true, ", sequencing-required: true"};
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  // LCP, CHAP and IPCP from the LNS, each in a data message with Ns counting from 0 (RFC 2661 §5.4).
  std::vector<l2tp::header> data;
  ASSERT_TRUE(eventually([&] { return (data = data_headers(d.lns_sent())).size() >= 4; }));
  for (std::size_t i = 0; i < data.size(); ++i) {
    EXPECT_TRUE(data[i].sequence_present) << "data message " << i;
    EXPECT_EQ(data[i].ns, i);
  }
}

TEST(Ppp, AnExplicitTcpMssAboveWhatTheMtuCarriesIsCapped) {
  for (const std::uint16_t configured : {std::uint16_t{1460}, std::uint16_t{1200}}) {
    auto cfg = ppp_lns("  ipv6: false\n");
    cfg.data_plane.tcp_mss = configured;
    pair_of_daemons d{std::move(cfg)};
    observer obs{d.lac->system()};
    auto c = client("alice", "wonderland");
    c.mru = 1400;
    dial(*d.lac, obs, 1, c);
    ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
    actors::data_session_ptr s;
    ASSERT_TRUE(eventually(
        [&] { return (s = d.lns.ctx().sessions.find_ipv4(obs.first(event::kind::ipv4_up)->address)) != nullptr; }));
    EXPECT_EQ(s->mtu.load(), 1400);
    EXPECT_EQ(s->tcp_mss.load(), std::min<std::uint16_t>(configured, 1360)) << "tcp-mss " << configured;
  }
}

/// An LNS whose AAA answers only when told (aaa_gate), with alice limited to one session.
struct slow_aaa {
  explicit slow_aaa(config::settings cfg) : d{limit_alice(std::move(cfg))} {
    gate = d.lns.system().spawn(aaa_gate, d.lns.aaa(), held);
    d.lns.ctx().aaa = gate;  // before any session asks
  }
  // The daemon's actor system waits for every actor it runs, the gate too.
  ~slow_aaa() { caf::anon_send_exit(gate, caf::exit_reason::user_shutdown); }
  slow_aaa(const slow_aaa&) = delete;
  slow_aaa& operator=(const slow_aaa&) = delete;
  static config::settings limit_alice(config::settings cfg) {
    cfg.aaa.subscribers[0].max_sessions = 1;
    return cfg;
  }
  /// alice can dial again and gets an address: her session count and the pool are back.
  void expect_alice_can_dial_again(observer& obs, std::uint64_t id) {
    dial(*d.lac, obs, id, client("alice", "wonderland", 0x4242));
    EXPECT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }))
        << "a leaked session count refuses her (max-sessions 1)";
    EXPECT_EQ(d.lns.ctx().stats.auth_accepts.load(), 2u);
  }
  pair_of_daemons d;
  std::shared_ptr<std::atomic<int>> held = std::make_shared<std::atomic<int>>(0);
  aaa_gate_actor gate;
};

TEST(Ppp, AGrantForASessionThatEndedWhileAaaWasAnsweringGoesBack) {
  slow_aaa s{ppp_lns("  ipv6: false\n")};
  observer obs{s.d.lac->system()};
  auto sub = dial(*s.d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(eventually([&] { return s.held->load() == 1; }));
  caf::anon_send(sub, actors::close_atom::value);  // hangs up while its credentials are with AAA
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }));
  ASSERT_TRUE(eventually([&] { return s.d.lns.ctx().stats.sessions_active.load() == 0; }));
  caf::anon_send(s.gate, pass_atom::value);  // the verdict, an address and a session count, for nobody
  EXPECT_TRUE(eventually([&] { return s.d.lns.ctx().stats.auth_accepts.load() == 1; }));
  EXPECT_TRUE(eventually([&] { return pool_in_use(s.d.lns) == 0; }));
  obs.events.clear();
  s.expect_alice_can_dial_again(obs, 2);
  EXPECT_EQ(pool_in_use(s.d.lns), 1u);
}

TEST(Ppp, AGrantArrivingAfterTheAaaTimeoutGoesBack) {
  auto cfg = ppp_lns("  ipv6: false\n");
  cfg.ppp.aaa_timeout = std::chrono::seconds{1};
  slow_aaa s{std::move(cfg)};
  observer obs{s.d.lac->system()};
  dial(*s.d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(eventually([&] { return s.held->load() == 1; }));
  // The LNS gives up on AAA after a second and refuses the subscriber.
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }));
  EXPECT_EQ(obs.count(event::kind::auth_failed), 1u);
  EXPECT_EQ(s.d.lns.ctx().stats.aaa_timeouts.load(), 1u);
  ASSERT_TRUE(eventually([&] { return s.d.lns.ctx().stats.sessions_active.load() == 0; }));
  caf::anon_send(s.gate, pass_atom::value);  // AAA answers at last: accepted, too late
  EXPECT_TRUE(eventually([&] { return s.d.lns.ctx().stats.auth_accepts.load() == 1; }));
  EXPECT_TRUE(eventually([&] { return pool_in_use(s.d.lns) == 0; }));
  obs.events.clear();
  s.expect_alice_can_dial_again(obs, 2);
}

TEST(Ppp, WithoutProxyLcpAndWithoutRenegotiationTheCallIsRefusedWithCause2) {
  pair_of_daemons d{ppp_lns("  lcp-renegotiation: false\n")};
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }));
  EXPECT_EQ(obs.count(event::kind::ipv4_up), 0u);
  EXPECT_TRUE(eventually([&] { return causes(d.lns, ppp::cause::lcp_renegotiation_disabled) == 1; }));
}

TEST(Ppp, ProxyLcpAndPapProxyAuthenticationAreAcceptedWithoutRenegotiation) {
  pair_of_daemons d{ppp_lns("  lcp-renegotiation: false\n  ipv6: false\n")};
  observer obs{d.lac->system()};
  auto c = client("alice", "wonderland");
  c.mru = 1460;
  dial(*d.lac, obs, 1, c, true, ppp::lcp::auth_method::pap);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  EXPECT_EQ(obs.count(event::kind::auth_ok), 1u);
  // Proxy LCP took the subscriber's MRU without an LCP exchange with the LNS.
  // (The LNS's IPCP may open a moment after the subscriber's.)
  actors::data_session_ptr s;
  ASSERT_TRUE(eventually(
      [&] { return (s = d.lns.ctx().sessions.find_ipv4(obs.first(event::kind::ipv4_up)->address)) != nullptr; }));
  EXPECT_EQ(s->mtu.load(), 1460);
  EXPECT_EQ(d.lns.ctx().stats.auth_accepts.load(), 1u);
}

TEST(Ppp, ProxyChapAuthenticationIsVerifiedByTheLns) {
  pair_of_daemons d{ppp_lns("  lcp-renegotiation: false\n  ipv6: false\n")};
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("alice", "wonderland"), true, ppp::lcp::auth_method::chap_md5);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  dial(*d.lac, obs, 2, client("alice", "not-her-password", 0x7777), true, ppp::lcp::auth_method::chap_md5);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 1; }));
  EXPECT_EQ(obs.count(event::kind::ipv4_up), 1u);
  EXPECT_TRUE(eventually([&] { return causes(d.lns, ppp::cause::auth_failed) == 1; }));
}

TEST(Ppp, WithRenegotiationTheLnsIgnoresProxyLcpAndNegotiatesItself) {
  pair_of_daemons d{ppp_lns("  lcp-renegotiation: true\n  ipv6: false\n")};
  observer obs{d.lac->system()};
  // The proxied LCP says PAP; the LNS renegotiates (CHAP first) and the subscriber follows.
  auto c = client("alice", "wonderland");
  dial(*d.lac, obs, 1, c, true, ppp::lcp::auth_method::pap);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  EXPECT_EQ(d.lns.ctx().stats.auth_accepts.load(), 1u);
}

/// GET /metrics over plain TCP; the body.
std::string scrape(std::uint16_t port) {
  return test::scrape_metrics(port);
}

TEST(Metrics, AScrapeSaysExactlyWhatHappened) {
  auto cfg = ppp_lns("  ipv6: false\n");
  cfg.metrics.listen = "127.0.0.1:0";
  pair_of_daemons d{std::move(cfg)};
  ASSERT_NE(d.lns.metrics_port(), 0);
  observer obs{d.lac->system()};
  std::vector<actors::subscriber_actor> subs;
  for (std::uint64_t i = 1; i <= 10; ++i) {
    subs.push_back(dial(*d.lac, obs, i, client("alice", "wonderland", 0x300u + static_cast<std::uint32_t>(i))));
  }
  dial(*d.lac, obs, 99, client("alice", "wrong", 0x399));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 10 && obs.count(event::kind::finished) == 1; }));
  for (std::size_t i = 0; i < 3; ++i) caf::anon_send(subs[i], actors::close_atom::value);
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::finished) == 4; }));
  ASSERT_TRUE(eventually([&] { return d.lns.ctx().stats.sessions_active.load() == 7; }));
  ASSERT_TRUE(eventually([&] { return pool_in_use(d.lns) == 7; }));

  const auto text = scrape(d.lns.metrics_port());
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(sample(text, "brasd_l2tp_tunnels"), 1);
  EXPECT_EQ(sample(text, "brasd_l2tp_sessions"), 7);
  EXPECT_EQ(sample(text, "brasd_l2tp_session_setups_total{result=\"established\"}"), 11);
  EXPECT_EQ(sample(text, "brasd_ppp_sessions"), 7);
  EXPECT_EQ(sample(text, "brasd_ppp_sessions_up_total"), 10);
  EXPECT_EQ(sample(text, "brasd_ppp_disconnects_total{cause=\"3\",reason=\"normal\"}"), 3);
  EXPECT_EQ(sample(text, "brasd_ppp_disconnects_total{cause=\"16\",reason=\"auth-failed\"}"), 1);
  EXPECT_EQ(sample(text, "brasd_aaa_authentications_total{result=\"accept\"}"), 10);
  EXPECT_EQ(sample(text, "brasd_aaa_authentications_total{result=\"reject\"}"), 1);
  EXPECT_EQ(sample(text, "brasd_address_pool_used_addresses{pool=\"p\"}"), 7);
  EXPECT_EQ(sample(text, "brasd_address_pool_addresses{pool=\"p\"}"), 253);  // a /24 less the LNS address
  EXPECT_EQ(sample(text, "brasd_build_info{version=\"" BRAS_VERSION "\"}"), 1);
  EXPECT_GT(sample(text, "process_resident_memory_bytes"), 1e6);
  EXPECT_GT(sample(text, "process_open_fds"), 3);
  EXPECT_GE(sample(text, "process_threads"), 4);  // CAF workers, clock, I/O, exporter
  const auto now = static_cast<double>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  EXPECT_NEAR(sample(text, "process_start_time_seconds"), now, 3600);
  EXPECT_GE(sample(text, "brasd_shard_mailbox_messages{shard=\"0\"}"), 0);
  EXPECT_EQ(sample(text, "brasd_shard_tunnels{shard=\"0\"}") + sample(text, "brasd_shard_tunnels{shard=\"1\"}"), 1);
  EXPECT_EQ(sample(text, "brasd_shard_tunnel_ids_in_use{shard=\"0\"}") +
                sample(text, "brasd_shard_tunnel_ids_in_use{shard=\"1\"}"),
            1);

  // promtool (Debian package prometheus), an independent linter, accepts the exposition.
  if (std::system("command -v promtool > /dev/null") == 0) {
    const std::string file = "/tmp/brasd-scrape-" + std::to_string(::getpid()) + ".txt";
    std::ofstream{file} << text;
    EXPECT_EQ(std::system(("promtool check metrics < " + file).c_str()), 0) << text;
    std::remove(file.c_str());
  } else {
    ADD_FAILURE() << "promtool not installed (scripts/test installs the prometheus package)";
  }
}

TEST(Metrics, PerSessionFamiliesAreOptInAndCapped) {
  auto cfg = ppp_lns("  ipv6: false\n");
  cfg.metrics.listen = "127.0.0.1:0";
  cfg.metrics.per_session = true;
  cfg.metrics.per_session_limit = 5;
  pair_of_daemons d{std::move(cfg)};
  observer obs{d.lac->system()};
  for (std::uint64_t i = 1; i <= 8; ++i) {
    dial(*d.lac, obs, i, client("alice", "wonderland", 0x500u + static_cast<std::uint32_t>(i)));
  }
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 8; }));
  ASSERT_TRUE(eventually([&] { return d.lns.ctx().sessions.ipv4_bindings() == 8; }));
  const auto text = scrape(d.lns.metrics_port());
  std::size_t series = 0;
  for (std::size_t at = 0; (at = text.find("\nbrasd_session_received_bytes_total{", at)) != std::string::npos; ++at) {
    ++series;
  }
  EXPECT_EQ(series, 5u);  // capped
  EXPECT_EQ(sample(text, "brasd_session_series_truncated"), 1);
  EXPECT_NE(text.find("user=\"alice\""), std::string::npos);
  EXPECT_EQ(std::system("command -v promtool > /dev/null"), 0);
  const std::string file = "/tmp/brasd-scrape-ps-" + std::to_string(::getpid()) + ".txt";
  std::ofstream{file} << text;
  EXPECT_EQ(std::system(("promtool check metrics < " + file).c_str()), 0) << text;
  std::remove(file.c_str());
}

TEST(Metrics, NoPerSessionFamiliesUnlessAskedFor) {
  auto cfg = ppp_lns("  ipv6: false\n");
  cfg.metrics.listen = "127.0.0.1:0";
  pair_of_daemons d{std::move(cfg)};
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  const auto text = scrape(d.lns.metrics_port());
  EXPECT_EQ(text.find("brasd_session_"), std::string::npos);
  EXPECT_NE(text.find("brasd_ppp_sessions"), std::string::npos);
}

}  // namespace
}  // namespace bras

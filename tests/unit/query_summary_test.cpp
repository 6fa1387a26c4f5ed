// actors/query.cpp's summarize(): what "show services l2tp summary" and
// "show services l2tp destination" say, from tunnel reports and the configuration.
#include <gtest/gtest.h>

#include <variant>

#include "actors/context.hpp"
#include "actors/query.hpp"

namespace bras::actors {
namespace {

config::settings load(const std::string& yaml) {
  auto r = config::load(yaml, "test");
  if (auto* e = std::get_if<config::load_error>(&r)) ADD_FAILURE() << e->to_string();
  return std::get<config::settings>(r);
}

TEST(QuerySummary, ReceiveWindowIsTheSmallestConfigured) {
  context ctx;
  ctx.cfg = load(
      "l2tp:\n  local-gateways: [{name: lo, address: 127.0.0.1}]\n"
      "  tunnel-groups:\n"
      "    - {name: a, receive-window: 32, clients: [{host-name: x, receive-window: 12}]}\n"
      "    - {name: b, receive-window: 20, clients: [{host-name: y}]}\n");
  query_snapshot q;
  summarize(q, ctx.cfg.l2tp, ctx.stats, {});
  EXPECT_EQ(q.summary.receive_window, 12);
  ctx.cfg = load("l2tp:\n  local-gateways: [{name: lo, address: 127.0.0.1}]\n");
  summarize(q, ctx.cfg.l2tp, ctx.stats, {});
  EXPECT_EQ(q.summary.receive_window, 4);  // nothing configured: RFC 2661's default
}

TEST(QuerySummary, DestinationsAreTheConfiguredLnsThenThePeersWithTunnels) {
  context ctx;
  ctx.cfg = load(
      "l2tp:\n  local-gateways: [{name: lo, address: 127.0.0.1}]\n"
      "  destinations: [{name: lns-a, address: 192.0.2.1, secret: s}, {name: lns-b, address: 192.0.2.2}]\n");
  ctx.stats.tunnels_active = 2;
  ctx.stats.sessions_active = 3;
  query_snapshot q;
  tunnel_report lac;
  lac.tunnel.lac = true;
  lac.tunnel.tunnel_group = "lns-a";
  lac.tunnel.state = "established";
  lac.tunnel.sessions = 2;
  lac.tunnel.data_rx_bytes = 100;
  tunnel_report lns;
  lns.tunnel.peer = {0xc6336401, 1701};
  lns.tunnel.remote_name = "far-lac";
  lns.tunnel.state = "wait-ctl-conn";
  lns.tunnel.sessions = 1;
  q.tunnels = {lac, lns};
  summarize(q, ctx.cfg.l2tp, ctx.stats, {0, 42});
  ASSERT_EQ(q.destinations.size(), 3u);
  EXPECT_EQ(q.destinations[0].name, "lns-a");
  EXPECT_EQ(q.destinations[0].state, "Enabled");
  EXPECT_EQ(q.destinations[0].tunnels_active, 1u);
  EXPECT_EQ(q.destinations[0].sessions_active, 2u);
  EXPECT_EQ(q.destinations[1].state, "Locked out");
  EXPECT_EQ(q.destinations[1].lockout_remaining, std::chrono::seconds{42});
  EXPECT_EQ(q.destinations[2].name, "far-lac");
  EXPECT_FALSE(q.destinations[2].lac);
  EXPECT_EQ(q.destinations[2].tunnels_active, 0u);  // not established yet
  EXPECT_EQ(q.summary.destinations, 3u);
  EXPECT_EQ(q.summary.tunnels, 2u);
  EXPECT_EQ(q.summary.sessions, 3u);
  EXPECT_TRUE(q.summary.tunnel_authentication_challenge);  // lns-a has a secret
  EXPECT_EQ(q.summary.data_rx_bytes, 100u);
}

TEST(QuerySummary, SubscribersByAddressFamilyFromTheSessions) {
  context ctx;
  ctx.cfg = load("l2tp:\n  local-gateways: [{name: lo, address: 127.0.0.1}]\n");
  const auto lns_session = [](std::uint32_t address, std::string prefix) {
    session_snapshot s;
    s.state = "established";
    s.ppp_phase = "network";
    s.address = address;
    s.ipv6_prefix = std::move(prefix);
    return s;
  };
  tunnel_report lns;
  lns.tunnel.state = "established";
  lns.sessions = {lns_session(0x64400007, "2001:db8:100:1::/64"), lns_session(0x64400008, "2001:db8:100:2::/64"),
                  lns_session(0, "2001:db8:100:3::/64"), lns_session(0x64400009, ""), lns_session(0, "")};
  // A delegated prefix alone (no /64 on the link) makes no IPv6 subscriber.
  lns.sessions.back().delegated_prefix = "2001:db8:8000:100::/56";
  tunnel_report lac;
  lac.tunnel.lac = true;
  session_snapshot tunnelled;
  tunnelled.lac = true;
  tunnelled.state = "established";
  lac.sessions = {tunnelled};
  query_snapshot q;
  q.tunnels = {lns, lac};
  summarize(q, ctx.cfg.l2tp, ctx.stats, {});
  EXPECT_EQ(q.subscribers.dual_stack, 2u);
  EXPECT_EQ(q.subscribers.ipv6_only, 1u);
  EXPECT_EQ(q.subscribers.l2tp_lns, 5u);
  EXPECT_EQ(q.subscribers.l2tp_lac, 1u);
  EXPECT_EQ(q.subscribers.active, 6u);
  summarize(q, ctx.cfg.l2tp, ctx.stats, {});  // summarizing again does not count twice
  EXPECT_EQ(q.subscribers.dual_stack, 2u);
}

}  // namespace
}  // namespace bras::actors

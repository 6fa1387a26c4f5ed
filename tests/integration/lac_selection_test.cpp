// The LAC's tunnel selection against real brasd LNSes in one process, over
// real UDP on loopback (127.0.0.x): calls shared by weight, a dead LNS locked
// out and its calls placed again elsewhere, a lower preference level used only
// when the higher one has failed.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "actors/messages.hpp"
#include "configs/config.hpp"
#include "daemon/daemon.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/lac_calls.hpp"
#include "tests/integration/udp_proxy.hpp"

namespace bras {
namespace {

using namespace std::chrono_literals;

/// Places calls first_id .. first_id + n - 1 (as user@realm, with these AAA tunnels) and waits for every answer.
placed place_calls(app::daemon& lac, std::size_t n, std::uint64_t first_id, const std::string& realm = "isp.example",
                   const l2tp::tunnel_candidates& aaa = {}) {
  return place_calls_with(
      lac, n,
      [&](std::size_t i) {
        actors::call_request c;
        c.call_id = first_id + i;
        c.user = "sub" + std::to_string(i) + "@" + realm;
        c.aaa_tunnels = aaa;
        return c;
      },
      std::chrono::seconds{60});
}

/// An LNS on `address` (an ephemeral port).
config::settings lns_on(const std::string& address) {
  auto cfg = lns_settings("s3cret");
  cfg.l2tp.local_gateways[0].address = address;
  return cfg;
}

config::lns_destination destination(const std::string& name, const std::string& address, std::uint16_t port,
                                    unsigned preference, unsigned weight) {
  config::lns_destination d;
  d.name = name;
  d.address = address;
  d.port = port;
  d.secret = "s3cret";
  d.hello_interval = std::chrono::seconds{0};
  d.preference = preference;
  d.weight = weight;
  return d;
}

/// A LAC with these destinations in one tunnel profile every realm maps to, and a long lockout.
config::settings lac_to(std::vector<config::lns_destination> destinations) {
  auto cfg = lac_settings(1, "s3cret", 0);
  cfg.l2tp.destination_lockout = std::chrono::seconds{300};
  cfg.l2tp.destinations = std::move(destinations);
  config::tunnel_profile profile;
  profile.name = "isp";
  for (const auto& d : cfg.l2tp.destinations) profile.destinations.push_back(d.name);
  cfg.l2tp.tunnel_profiles = {profile};
  cfg.l2tp.domain_map = {{"*", "isp"}};
  return cfg;
}

std::uint64_t established(app::daemon& lns) {
  return lns.ctx().stats.sessions_established.load();
}

/// The LAC's lockout seconds left per configured destination.
std::vector<std::int64_t> lockouts(app::daemon& lac) {
  caf::scoped_actor self{lac.system()};
  std::vector<std::int64_t> left;
  self->request(lac.lac(), std::chrono::seconds{5}, actors::query_atom::value)
      .receive([&](std::vector<std::int64_t>& l) { left = std::move(l); }, [](caf::error&) {});
  return left;
}

/// A UDP socket on `address` that never answers: an LNS that is down.
struct silent_lns {
  int fd = -1;
  std::uint16_t port = 0;
  explicit silent_lns(const std::string& address) {
    fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, address.c_str(), &a.sin_addr);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~silent_lns() { ::close(fd); }
  silent_lns(const silent_lns&) = delete;
  silent_lns& operator=(const silent_lns&) = delete;
};

TEST(LacSelectionLns, TwoDestinationsShareAThousandCallsByWeight) {
  app::daemon a{lns_on("127.0.0.1")};
  app::daemon b{lns_on("127.0.0.2")};
  a.start();
  b.start();
  app::daemon lac{lac_to(
      {destination("a", "127.0.0.1", a.local(0).port, 0, 3), destination("b", "127.0.0.2", b.local(0).port, 0, 1)})};
  lac.start();
  auto p = place_calls(lac, 1000, 1);
  EXPECT_EQ(p.established, 1000u) << p.last_failure;
  EXPECT_TRUE(eventually([&] { return established(a) + established(b) == 1000; }));
  // 3:1 by weight: 750 and 250, within 10 % of the 750 (a random pick per call; 5 standard deviations).
  EXPECT_NEAR(static_cast<double>(established(a)), 750.0, 75.0);
  EXPECT_NEAR(static_cast<double>(established(b)), 250.0, 75.0);
  EXPECT_TRUE(lac.shutdown());
  a.shutdown();
  b.shutdown();
}

TEST(LacSelectionLns, AStoppedLnsIsLockedOutAndNewCallsGoToTheOther) {
  app::daemon a{lns_on("127.0.0.1")};
  app::daemon b{lns_on("127.0.0.2")};
  a.start();
  b.start();
  app::daemon lac{lac_to(
      {destination("a", "127.0.0.1", a.local(0).port, 0, 1), destination("b", "127.0.0.2", b.local(0).port, 0, 1)})};
  lac.start();
  auto first = place_calls(lac, 100, 1);
  EXPECT_EQ(first.established, 100u) << first.last_failure;
  EXPECT_TRUE(eventually([&] { return established(a) + established(b) == 100; }));
  EXPECT_GT(established(a), 0u);
  EXPECT_GT(established(b), 0u);
  const auto on_a = established(a);

  // B stops: its StopCCN kills the LAC's tunnel to it (not a close of ours): B is locked out.
  b.shutdown();
  EXPECT_TRUE(eventually([&] { return lac.ctx().stats.tunnels_active.load() == 1; }));
  EXPECT_TRUE(eventually([&] {
    auto left = lockouts(lac);
    return left.size() == 2 && left[0] == 0 && left[1] > 0;
  }));
  auto second = place_calls(lac, 100, 1001);
  EXPECT_EQ(second.established, 100u) << second.last_failure;
  EXPECT_TRUE(eventually([&] { return established(a) == on_a + 100; }));
  EXPECT_TRUE(lac.shutdown());
  a.shutdown();
}

TEST(LacSelectionLns, CallsWaitingOnADestinationThatFailsArePlacedAgain) {
  app::daemon a{lns_on("127.0.0.1")};
  a.start();
  silent_lns dead{"127.0.0.3"};
  app::daemon lac{lac_to(
      {destination("a", "127.0.0.1", a.local(0).port, 0, 1), destination("dead", "127.0.0.3", dead.port, 0, 1)})};
  lac.start();
  // About half the calls wait on the tunnel to the silent LNS; its SCCRQ is
  // never answered, the tunnel fails, and they are placed on A instead.
  auto p = place_calls(lac, 100, 1);
  EXPECT_EQ(p.established, 100u) << p.last_failure;
  EXPECT_TRUE(eventually([&] { return established(a) == 100; }));
  EXPECT_GE(lac.ctx().stats.tunnels_created.load(), 2u);  // the dead one was tried
  auto left = lockouts(lac);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0], 0);
  EXPECT_GT(left[1], 0);
  EXPECT_TRUE(lac.shutdown());
  a.shutdown();
}

// B's tunnel is up, then B goes silent (the proxy drops everything): calls
// placed on that tunnel have their ICRQ sent and never answered. The tunnel
// dies when its retransmissions run out, and those calls are placed again on
// A instead of failing.
TEST(LacSelectionLns, CallsWhoseTunnelDiesBeforeTheyAreUpArePlacedAgain) {
  app::daemon a{lns_on("127.0.0.2")};
  app::daemon b{lns_on("127.0.0.1")};
  a.start();
  b.start();
  test::udp_proxy proxy{b.local(0).port, test::impairment{}};
  auto cfg =
      lac_to({destination("a", "127.0.0.2", a.local(0).port, 0, 1), destination("b", "127.0.0.1", proxy.port(), 0, 1)});
  cfg.l2tp.retransmit_initial = 200ms;
  cfg.l2tp.retransmit_max = 400ms;
  cfg.l2tp.retransmit_count = 3;
  app::daemon lac{cfg};
  lac.start();
  auto first = place_calls(lac, 20, 1);
  EXPECT_EQ(first.established, 20u) << first.last_failure;
  // The LAC reports a call up once it has sent the ICCN; the LNS counts it when the ICCN arrives.
  ASSERT_TRUE(eventually([&] { return established(a) + established(b) == 20; }));
  ASSERT_GT(established(b), 0u) << "no call went to B: the test needs its tunnel up";
  proxy.blackhole(true);
  auto second = place_calls(lac, 100, 1000);
  EXPECT_EQ(second.established, 100u) << second.last_failure;
  EXPECT_EQ(second.failed, 0u) << second.last_failure;
  EXPECT_TRUE(eventually([&] { return established(a) >= 100; }));
  auto left = lockouts(lac);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_GT(left[1], 0) << "B died: locked out";
  EXPECT_TRUE(lac.shutdown());
  a.shutdown();
  b.shutdown();
}

TEST(LacSelectionLns, ALowerLevelOnlyWhenTheHigherHasFailed) {
  app::daemon a{lns_on("127.0.0.1")};
  app::daemon b{lns_on("127.0.0.2")};
  a.start();
  b.start();
  app::daemon lac{lac_to({destination("backup", "127.0.0.2", b.local(0).port, 1, 1),
                          destination("primary", "127.0.0.1", a.local(0).port, 0, 1)})};
  lac.start();
  auto first = place_calls(lac, 50, 1);
  EXPECT_EQ(first.established, 50u) << first.last_failure;
  EXPECT_TRUE(eventually([&] { return established(a) == 50; }));
  EXPECT_EQ(established(b), 0u);

  a.shutdown();
  EXPECT_TRUE(eventually([&] { return lac.ctx().stats.tunnels_active.load() == 0; }));
  auto second = place_calls(lac, 50, 1001);
  EXPECT_EQ(second.established, 50u) << second.last_failure;
  EXPECT_TRUE(eventually([&] { return established(b) == 50; }));
  EXPECT_TRUE(lac.shutdown());
  b.shutdown();
}

TEST(LacSelectionLns, AllDestinationsDownRetriesTheFirstFailedOnceThenRefuses) {
  silent_lns dead{"127.0.0.3"};
  app::daemon lac{lac_to({destination("dead", "127.0.0.3", dead.port, 0, 1)})};
  lac.start();
  auto p = place_calls(lac, 1, 1);
  EXPECT_EQ(p.failed, 1u);
  EXPECT_EQ(p.last_failure, "no reachable LNS destination");
  EXPECT_EQ(lac.ctx().stats.tunnels_created.load(), 2u);  // the first try and the all-failed retry
  EXPECT_TRUE(lac.shutdown());
}

TEST(LacSelectionLns, TheDomainMapSendsEachRealmToItsProfile) {
  app::daemon a{lns_on("127.0.0.1")};
  app::daemon b{lns_on("127.0.0.2")};
  a.start();
  b.start();
  auto cfg = lac_to(
      {destination("a", "127.0.0.1", a.local(0).port, 0, 1), destination("b", "127.0.0.2", b.local(0).port, 0, 1)});
  cfg.l2tp.tunnel_profiles = {{"retail", {"a"}, "weighted"}, {"wholesale", {"b"}, "round-robin"}};
  cfg.l2tp.domain_map = {{"Wholesale.Example", "wholesale"}, {"*", "retail"}};
  app::daemon lac{cfg};
  lac.start();
  auto wholesale = place_calls(lac, 20, 1, "WHOLESALE.example");
  auto retail = place_calls(lac, 30, 101, "isp.example");
  EXPECT_EQ(wholesale.established, 20u) << wholesale.last_failure;
  EXPECT_EQ(retail.established, 30u) << retail.last_failure;
  EXPECT_TRUE(eventually([&] { return established(a) == 30 && established(b) == 20; }));
  EXPECT_TRUE(lac.shutdown());
  a.shutdown();
  b.shutdown();
}

TEST(LacSelectionLns, AaaTunnelsOverrideTheDomainMap) {
  app::daemon a{lns_on("127.0.0.1")};
  app::daemon b{lns_on("127.0.0.2")};
  a.start();
  b.start();
  // Only A is configured; RADIUS (RFC 2868) names B, with its secret.
  app::daemon lac{lac_to({destination("a", "127.0.0.1", a.local(0).port, 0, 1)})};
  lac.start();
  l2tp::tunnel_candidate from_aaa;
  from_aaa.name = "aaa:127.0.0.2";
  from_aaa.address = 0x7f000002;
  from_aaa.port = b.local(0).port;
  from_aaa.secret = "s3cret";
  from_aaa.tag = 1;
  auto p = place_calls(lac, 10, 1, "isp.example", {from_aaa});
  EXPECT_EQ(p.established, 10u) << p.last_failure;
  EXPECT_TRUE(eventually([&] { return established(b) == 10; }));
  EXPECT_EQ(established(a), 0u);
  EXPECT_TRUE(lac.shutdown());
  a.shutdown();
  b.shutdown();
}

}  // namespace
}  // namespace bras

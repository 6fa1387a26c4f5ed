// New tunnels under the set-up limits, end to end over real UDP on loopback:
// an SCCRQ no client admits gets no answer and costs no tunnel; one source
// holds at most its share of half-open tunnels while another still gets in;
// a tunnel leaves set-up when established or when it dies, and a repeated
// SCCRQ does not count twice.
#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "daemon/daemon.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/scripted_peer.hpp"

namespace bras {
namespace {

constexpr std::uint32_t lo_1 = 0x7f000001;  // 127.0.0.1
constexpr std::uint32_t lo_2 = 0x7f000002;
constexpr std::uint32_t lo_3 = 0x7f000003;  // no client allows it

/// An LNS taking tunnels from lac-under-test on 127.0.0.1 and .2, with `l2tp_extra` (indented two spaces).
config::settings lns_with(const std::string& l2tp_extra) {
  return settings_from(
      "runtime: {threads: 2, shards: 2}\nlog: {level: warn}\n"
      "l2tp:\n  host-name: lns-under-test\n" +
      timers() + l2tp_extra +
      "  local-gateways: [{name: lo, address: 127.0.0.1, port: 0}]\n"
      "  tunnel-groups:\n"
      "    - name: g\n"
      "      hello-interval: 0\n"
      "      clients: [{host-name: lac-under-test, allowed-sources: [127.0.0.1/32, 127.0.0.2/32], secret: \"\"}]\n");
}

/// Sends an SCCRQ (Assigned Tunnel ID `tid`) from `peer` and expects the SCCRP.
void expect_sccrp(scripted_peer& peer, std::uint16_t tid) {
  peer.send(0, 0, 0, 0, scripted_sccrq(tid));
  auto reply = peer.receive();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type, l2tp::message_type::sccrp);
}

TEST(TunnelAdmission, AnSccrqNoClientAdmitsGetsNoAnswerAndCostsNoTunnel) {
  app::daemon lns{lns_with("")};
  lns.start();
  auto& stats = lns.ctx().stats;
  {
    scripted_peer stranger{lns.local(0).port, lo_3, 700};  // a source no client allows
    stranger.send(0, 0, 0, 0, scripted_sccrq(11));
    EXPECT_FALSE(stranger.receive()) << "no StopCCN: silence, as from a firewall";
  }
  {
    scripted_peer unnamed{lns.local(0).port, lo_1, 700};  // an allowed source with a Host Name no client has
    unnamed.send(0, 0, 0, 0, scripted_sccrq(12, "someone-else"));
    EXPECT_FALSE(unnamed.receive());
  }
  EXPECT_EQ(stats.rx_unknown_client.load(), 2u);
  EXPECT_EQ(stats.tunnels_created.load(), 0u);
  EXPECT_EQ(stats.tunnels_active.load(), 0);
  // A known LAC is answered as before.
  scripted_peer lac{lns.local(0).port, lo_1};
  expect_sccrp(lac, 13);
  lns.shutdown();
}

TEST(TunnelAdmission, OneSourceHoldsItsShareOfHalfOpenTunnelsAndAnotherStillGetsIn) {
  app::daemon lns{lns_with("  max-tunnels-in-setup-per-source: 3\n")};
  lns.start();
  auto& stats = lns.ctx().stats;
  scripted_peer flood{lns.local(0).port, lo_1, 700};
  for (std::uint16_t t = 1; t <= 6; ++t) flood.send(0, 0, 0, 0, scripted_sccrq(t));
  std::set<std::uint16_t> answered;  // by our tunnel ID: an SCCRP retransmitted counts once
  while (auto m = flood.receive()) {
    if (m->type == l2tp::message_type::sccrp) answered.insert(*m->assigned_tunnel_id);
    if (answered.size() == 3) break;
  }
  EXPECT_EQ(answered.size(), 3u);
  // The shard counts the refusals of SCCRQs 4..6 after the tunnels of 1..3 may already have answered.
  EXPECT_TRUE(eventually([&] { return stats.rx_tunnels_in_setup_source.load() >= 3u; }));
  EXPECT_EQ(stats.rx_tunnels_in_setup_source.load(), 3u);
  EXPECT_EQ(stats.tunnels_in_setup.load(), 3);
  EXPECT_EQ(stats.tunnels_created.load(), 3u) << "a refused SCCRQ costs no tunnel";

  // The same SCCRQ again (the LAC's retransmission) goes to its tunnel: it does not count twice.
  flood.send(0, 0, 0, 0, scripted_sccrq(1));
  EXPECT_EQ(stats.tunnels_in_setup.load(), 3);

  // Another LAC is not held up by the first one's half-open tunnels; it completes its tunnel.
  scripted_peer other{lns.local(0).port, lo_2};
  other.send(0, 0, 0, 0, scripted_sccrq(50));
  auto sccrp = other.receive();
  ASSERT_TRUE(sccrp);
  ASSERT_EQ(sccrp->type, l2tp::message_type::sccrp);
  EXPECT_EQ(stats.tunnels_in_setup.load(), 4);
  other.send(*sccrp->assigned_tunnel_id, 0, 1, 1, l2tp::make_message(l2tp::message_type::scccn));
  EXPECT_TRUE(eventually([&] { return stats.tunnels_established.load() == 1; }));
  EXPECT_TRUE(eventually([&] { return stats.tunnels_in_setup.load() == 3; })) << "established: out of set-up";

  // The first source's half-open tunnels give up (retransmissions exhausted) and free their places.
  EXPECT_TRUE(eventually([&] { return stats.tunnels_in_setup.load() == 0; }, 30s)) << stats.tunnels_in_setup.load();
  flood.send(0, 0, 0, 0, scripted_sccrq(100));
  std::optional<l2tp::control_message> again;
  while ((again = flood.receive()) && again->type != l2tp::message_type::sccrp) {
  }
  EXPECT_TRUE(again) << "the first source is admitted again";
  lns.shutdown();
}

TEST(TunnelAdmission, ThePerSourceRateRefusesTheBurstBeyondIt) {
  app::daemon lns{lns_with("  tunnel-setup-rate-per-source: 4\n")};
  lns.start();
  auto& stats = lns.ctx().stats;
  scripted_peer flood{lns.local(0).port, lo_1, 700};
  for (std::uint16_t t = 1; t <= 20; ++t) flood.send(0, 0, 0, 0, scripted_sccrq(t));
  EXPECT_TRUE(eventually([&] { return stats.tunnels_created.load() + stats.rx_setup_rate_source.load() == 20; }));
  // A second's worth (4) passes at once; a little more may refill while the burst is read.
  EXPECT_GE(stats.tunnels_created.load(), 4u);
  EXPECT_LE(stats.tunnels_created.load(), 6u);
  EXPECT_GE(stats.rx_setup_rate_source.load(), 14u);
  scripted_peer other{lns.local(0).port, lo_2};
  expect_sccrp(other, 7);
  lns.shutdown();
}

TEST(TunnelAdmission, AStopccnForNoTunnelCreatesNone) {
  app::daemon lns{lns_with("")};
  lns.start();
  auto& stats = lns.ctx().stats;
  scripted_peer lac{lns.local(0).port, lo_1, 500};
  auto stop = l2tp::make_message(l2tp::message_type::stopccn);
  stop.assigned_tunnel_id = 9;
  stop.result = l2tp::result_code{l2tp::stopccn_result::general_clear, std::nullopt, ""};
  lac.send(0, 0, 0, 0, stop);
  EXPECT_TRUE(eventually([&] { return stats.rx_unknown_tunnel.load() == 1; }));
  EXPECT_EQ(stats.tunnels_created.load(), 0u);
  EXPECT_EQ(stats.tunnels_in_setup.load(), 0);
  lns.shutdown();
}

}  // namespace
}  // namespace bras

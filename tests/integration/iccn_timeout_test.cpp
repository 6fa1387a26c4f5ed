// A LAC that sends ICRQs and never the ICCN (RFC 2661 sets no timer for it):
// each call is cleared with a CDN after l2tp.iccn-timeout, and its session,
// ID and set-up place come back, so such a LAC cannot hold the LNS's set-up
// places for good. Over real UDP on loopback, with a scripted LAC.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>

#include "daemon/daemon.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/scripted_peer.hpp"

namespace bras {
namespace {

config::settings lns_with_iccn_timeout() {
  return settings_from(
      "runtime: {threads: 2, shards: 2}\nlog: {level: warn}\n"
      "l2tp:\n  host-name: lns-under-test\n  iccn-timeout: 1\n  max-sessions-in-setup: 2\n" +
      timers() +
      "  local-gateways: [{name: lo, address: 127.0.0.1, port: 0}]\n"
      "  tunnel-groups:\n"
      "    - name: g\n"
      "      hello-interval: 0\n"
      "      clients: [{host-name: lac-under-test, allowed-sources: [127.0.0.0/8], secret: \"\"}]\n"
      "data-plane: {tun: \"\"}\n");
}

l2tp::control_message icrq(std::uint16_t session) {
  auto m = l2tp::make_message(l2tp::message_type::icrq);
  m.assigned_session_id = session;
  m.call_serial_number = session;
  return m;
}

TEST(IccnTimeout, CallsLeftWithoutIccnAreClearedAndGiveEverythingBack) {
  app::daemon lns{lns_with_iccn_timeout()};
  lns.start();
  auto& stats = lns.ctx().stats;
  scripted_peer lac{lns.local(0).port};
  lac.send(0, 0, 0, 0, scripted_sccrq(21));
  auto sccrp = lac.receive();
  ASSERT_TRUE(sccrp);
  ASSERT_EQ(sccrp->type, l2tp::message_type::sccrp);
  const auto tid = *sccrp->assigned_tunnel_id;
  lac.send(tid, 0, 1, lac.next_nr(), l2tp::make_message(l2tp::message_type::scccn));
  ASSERT_TRUE(eventually([&] { return stats.tunnels_established.load() == 1; }));

  // Three calls; the set-up cap of 2 makes the third wait. None ever sends its ICCN.
  for (std::uint16_t s = 1; s <= 3; ++s) lac.send(tid, 0, static_cast<std::uint16_t>(1 + s), lac.next_nr(), icrq(s));
  std::set<std::uint16_t> icrps;
  std::set<std::uint16_t> cleared;  // by our (the LNS's) session ID in the CDN
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (cleared.size() < 3 && std::chrono::steady_clock::now() < until) {
    auto m = lac.receive();
    if (!m) continue;
    lac.send(tid, 0, 5, lac.next_nr(), l2tp::make_message(l2tp::message_type::zlb));  // acknowledge, as a LAC does
    if (m->type == l2tp::message_type::icrp) icrps.insert(*m->assigned_session_id);
    if (m->type == l2tp::message_type::cdn) {
      ASSERT_TRUE(m->result);
      EXPECT_EQ(m->result->result, l2tp::cdn_result::general_error);
      cleared.insert(*m->assigned_session_id);
    }
  }
  EXPECT_EQ(icrps.size(), 3u) << "the waiting call got its place when the first ones were cleared";
  EXPECT_EQ(cleared.size(), 3u);
  EXPECT_EQ(stats.calls_iccn_timeout.load(), 3u);
  EXPECT_TRUE(eventually([&] { return stats.sessions_active.load() == 0; }));
  // The tunnel gives the set-up place back when it hears of the session's end, just after.
  EXPECT_TRUE(eventually([&] { return stats.sessions_in_setup.load() == 0; })) << stats.sessions_in_setup.load();
  EXPECT_EQ(stats.calls_waiting.load(), 0);
  EXPECT_EQ(stats.sessions_established.load(), 0u);
  EXPECT_EQ(stats.tunnels_active.load(), 1) << "the tunnel itself stays";
  lns.shutdown();
}

}  // namespace
}  // namespace bras

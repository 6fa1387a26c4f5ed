// A subscriber that abuses PPP, end to end against a brasd LNS behind a brasd
// LAC: a storm of control frames is cut at ppp.control-frame-rate (dropped
// unread and counted), its own session stays up, and another subscriber's
// session does not notice.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
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

/// An LCP Echo-Request as the LNS session receives it from the LAC (address and control, protocol, packet).
wire::bytes echo_request(std::uint8_t id) {
  return {std::byte{0xff}, std::byte{0x03}, std::byte{0xc0}, std::byte{0x21}, std::byte{0x09}, std::byte{id},
          std::byte{0x00}, std::byte{0x08}, std::byte{0x00}, std::byte{0x00}, std::byte{0x00}, std::byte{0x00}};
}

TEST(PppAbuse, AControlFrameStormIsCutAtTheRateAndNobodyLosesTheSession) {
  pair_of_daemons d{ppp_lns("  control-frame-rate: 20\n")};
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("alice", "wonderland"));
  dial(*d.lac, obs, 2, client("bob", "builder"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 2; }));
  auto& lns = d.lns;
  constexpr std::uint32_t bob_address = 0x6440'00c8;  // 100.64.0.200, static
  std::uint32_t alice_address = 0;
  for (const auto& e : obs.events) {
    if (e.what == event::kind::ipv4_up && e.address != bob_address) alice_address = e.address;
  }
  actors::data_session_ptr abuser;
  actors::data_session_ptr other;
  ASSERT_TRUE(eventually([&] { return (abuser = lns.ctx().sessions.find_ipv4(alice_address)) != nullptr; }));
  ASSERT_TRUE(eventually([&] { return (other = lns.ctx().sessions.find_ipv4(bob_address)) != nullptr; }));
  const auto before = snapshot_of(lns, abuser);
  const auto limited_before = lns.ctx().stats.ppp_rate_limited.load();

  constexpr std::size_t storm = 5000;
  const auto started = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < storm; ++i) {
    caf::anon_send(actors::session_of(*abuser),
                   actors::session_input{actors::ppp_frame{echo_request(static_cast<std::uint8_t>(i))}});
  }
  auto& limited = lns.ctx().stats.ppp_rate_limited;
  ASSERT_TRUE(eventually([&] {
    auto s = snapshot_of(lns, abuser);
    return s.control_rx_packets - before.control_rx_packets + (limited.load() - limited_before) == storm;
  }));
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count() + 1;
  const auto after = snapshot_of(lns, abuser);
  // At most 20 a second read (the burst spans at most `seconds` + 1 windows); the rest dropped unread.
  EXPECT_LE(after.control_rx_packets - before.control_rx_packets, static_cast<std::uint64_t>(20 * (seconds + 1)));
  EXPECT_GE(limited.load() - limited_before, storm - 20 * static_cast<std::size_t>(seconds + 1));
  EXPECT_EQ(after.state, "established");
  EXPECT_EQ(snapshot_of(lns, other).state, "established");
  EXPECT_EQ(lns.ctx().stats.sessions_active.load(), 2);
  obs.wait([] { return false; }, 300ms);  // whatever the subscribers said meanwhile
  EXPECT_EQ(obs.count(event::kind::finished), 0u);

  // A second later the subscriber is heard again: LCP keeps working (an echo of ours is answered).
  std::this_thread::sleep_for(1100ms);
  const auto heard = snapshot_of(lns, abuser).control_rx_packets;
  caf::anon_send(actors::session_of(*abuser), actors::session_input{actors::ppp_frame{echo_request(1)}});
  EXPECT_TRUE(eventually([&] { return snapshot_of(lns, abuser).control_rx_packets == heard + 1; }));
}

TEST(PppAbuse, ZeroTurnsTheLimitOff) {
  pair_of_daemons d{ppp_lns("  control-frame-rate: 0\n")};
  observer obs{d.lac->system()};
  dial(*d.lac, obs, 1, client("alice", "wonderland"));
  ASSERT_TRUE(obs.wait([&] { return obs.count(event::kind::ipv4_up) == 1; }));
  actors::data_session_ptr s;
  ASSERT_TRUE(eventually(
      [&] { return (s = d.lns.ctx().sessions.find_ipv4(obs.first(event::kind::ipv4_up)->address)) != nullptr; }));
  const auto before = snapshot_of(d.lns, s).control_rx_packets;
  for (int i = 0; i < 500; ++i) {
    caf::anon_send(actors::session_of(*s), actors::session_input{actors::ppp_frame{echo_request(7)}});
  }
  EXPECT_TRUE(eventually([&] { return snapshot_of(d.lns, s).control_rx_packets - before == 500; }));
  EXPECT_EQ(d.lns.ctx().stats.ppp_rate_limited.load(), 0u);
}

}  // namespace
}  // namespace bras
